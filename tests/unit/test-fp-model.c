/*
 * Copyright (c) 2026 The ovs-offload authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* Unit tests of the flow-processor model (lib/fp-model.c) through the
 * public API (lib/fp.c): devices, rules and counters, several engines,
 * reset, fault injection and rule modification under traffic.  The packet
 * path is in test-fp-model-packet.c, the ports in test-fp-model-port.c,
 * the exact-match cache in test-fp-model-emc.c; what they share in
 * fp-test-model.h. */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <unistd.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "fp-model.h"
#include "fp-test-model.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "timeval.h"
#include "util.h"

static void
test_fp_model_create_destroy(void **state OVS_UNUSED)
{
    struct fp_device_config config, def;
    struct fp_device *a, *b, *dup, *list[4];

    fp_device_config_default(&def);
    assert_int_equal(def.n_phy_ports, 2);
    assert_int_equal(def.n_vfs, 8);
    assert_int_equal(def.n_rules, 65536);
    assert_int_equal(def.n_engines, 1);

    assert_null(fp_device_find("b"));
    assert_int_equal(fp_device_list(list, ARRAY_SIZE(list)), 0);

    config = def;
    config.n_engines = 3;
    assert_int_equal(fp_device_create("b", &config, &b), 0);
    assert_int_equal(fp_device_create("a", NULL, &a), 0);
    dup = a;
    assert_int_equal(fp_device_create("b", NULL, &dup), EEXIST);
    assert_null(dup);

    assert_ptr_equal(fp_device_find("a"), a);
    assert_ptr_equal(fp_device_find("b"), b);
    assert_string_equal(fp_device_name(b), "b");
    assert_string_equal(fp_device_driver(b), "model");
    fp_device_get_config(b, &def);
    config.n_counters = config.n_rules + 4096;  /* 0 is resolved. */
    assert_memory_equal(&def, &config, sizeof def);
    assert_int_equal(fp_device_n_ports(b), 10);

    /* Sorted by name; the count is the total, whatever 'max'. */
    assert_int_equal(fp_device_list(list, ARRAY_SIZE(list)), 2);
    assert_ptr_equal(list[0], a);
    assert_ptr_equal(list[1], b);
    assert_int_equal(fp_device_list(list, 1), 2);
    assert_ptr_equal(list[0], a);

    fp_device_destroy(a);
    assert_null(fp_device_find("a"));
    assert_int_equal(fp_device_list(list, ARRAY_SIZE(list)), 1);
    fp_device_destroy(b);
    fp_device_destroy(NULL);
    assert_int_equal(fp_device_list(list, ARRAY_SIZE(list)), 0);
}

static void
test_fp_model_bad_config(void **state OVS_UNUSED)
{
    struct fp_device_config def, config;
    struct fp_device *dev;

    fp_device_config_default(&def);

    assert_int_equal(fp_device_create(NULL, NULL, &dev), EINVAL);
    assert_int_equal(fp_device_create("", NULL, &dev), EINVAL);
    assert_null(dev);

    config = def;
    config.n_phy_ports = 0;
    assert_int_equal(fp_device_create("x", &config, &dev), EINVAL);
    config = def;
    config.n_rules = 0;
    assert_int_equal(fp_device_create("x", &config, &dev), EINVAL);
    config = def;
    config.n_engines = 0;
    assert_int_equal(fp_device_create("x", &config, &dev), EINVAL);
    config = def;
    config.n_engines = 65;
    assert_int_equal(fp_device_create("x", &config, &dev), EINVAL);
    config = def;
    config.n_phy_ports = 4000;
    config.n_vfs = 97;
    assert_int_equal(fp_device_create("x", &config, &dev), EINVAL);
    config.n_phy_ports = 1;
    config.n_vfs = UINT32_MAX;
    assert_int_equal(fp_device_create("x", &config, &dev), EINVAL);
    assert_null(fp_device_find("x"));

    /* The limits themselves are fine. */
    config = def;
    config.n_phy_ports = 4000;
    config.n_vfs = 96;
    config.n_engines = 64;
    config.n_rules = 1;
    assert_int_equal(fp_device_create("x", &config, &dev), 0);
    assert_int_equal(fp_device_n_ports(dev), 4096);
    fp_device_destroy(dev);
}

static void
test_fp_model_port_names(void **state)
{
    struct fp_device *dev = *state;
    static const struct {
        const char *s;
        int error;
        uint32_t port;
    } cases[] = {
        { "phy0", 0, 0 },
        { "phy1", 0, 1 },
        { "vf0", 0, 2 },
        { "vf7", 0, 9 },
        { "phy2", ERANGE, 0 },
        { "vf8", ERANGE, 0 },
        { "vf4294967295", ERANGE, 0 },
        { "vf4294967296", ERANGE, 0 },
        { "phy99999999999999999999", ERANGE, 0 },
        { "phy", EINVAL, 0 },
        { "vf", EINVAL, 0 },
        { "phy-1", EINVAL, 0 },
        { "phy+1", EINVAL, 0 },
        { "phy 1", EINVAL, 0 },
        { "phy1 ", EINVAL, 0 },
        { "phy01", EINVAL, 0 },
        { "phyx", EINVAL, 0 },
        { "vf99999999999999999999x", EINVAL, 0 },
        { "PHY0", EINVAL, 0 },
        { "eth0", EINVAL, 0 },
        { "", EINVAL, 0 },
    };
    char buf[16];
    uint32_t port;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        port = 12345;
        assert_int_equal(fp_port_from_string(dev, cases[i].s, &port),
                         cases[i].error);
        if (!cases[i].error) {
            assert_int_equal(port, cases[i].port);
            fp_port_to_string(dev, port, buf, sizeof buf);
            assert_string_equal(buf, cases[i].s);
        } else {
            assert_int_equal(port, 12345);
        }
    }
    assert_int_equal(fp_port_from_string(dev, NULL, &port), EINVAL);

    fp_port_to_string(dev, 10, buf, sizeof buf);
    assert_string_equal(buf, "port10");
    fp_port_to_string(dev, VF1, buf, 3);
    assert_string_equal(buf, "vf");
}
static void
test_fp_model_drop_and_counters(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule rule = rule_in_port(PHY0, 5);
    struct fp_rule_stats rstats;
    struct fp_device_stats dstats;
    struct fp_port_stats stats;
    long long int before;
    uint8_t buf[2048];
    uint32_t id, id2;
    size_t len;
    int i;

    /* No actions: drop. */
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &rstats), 0);
    assert_int_equal(rstats.n_packets, 0);
    assert_int_equal(rstats.n_bytes, 0);
    assert_int_equal(rstats.used, 0);

    assert_int_equal(fp_port_attach(dev, PHY0), 0);
    before = time_msec();
    for (i = 0; i < 3; i++) {
        assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt),
                         0);
    }
    assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len), EAGAIN);
    assert_int_equal(fp_rule_get_stats(dev, id, &rstats), 0);
    assert_int_equal(rstats.n_packets, 3);
    assert_int_equal(rstats.n_bytes, 3 * sizeof udp_pkt);
    assert_true(rstats.used >= before && rstats.used <= time_msec());
    for (i = 0; i < 10; i++) {
        fp_port_get_stats(dev, i, &stats);
        assert_int_equal(stats.tx_packets, 0);
        assert_int_equal(stats.exceptions, 0);
        assert_int_equal(stats.drops, 0);
    }

    /* Modify: new actions, same counters. */
    add_output(&rule, VF1);
    assert_int_equal(fp_rule_modify(dev, id, &rule), 0);
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &rstats), 0);
    assert_int_equal(rstats.n_packets, 4);
    assert_int_equal(rstats.n_bytes, 4 * sizeof udp_pkt);
    fp_port_get_stats(dev, VF1, &stats);
    assert_int_equal(stats.tx_packets, 1);
    assert_int_equal(stats.tx_bytes, sizeof udp_pkt);
    assert_int_equal(fp_rule_modify(dev, 12345, &rule), ENOENT);

    /* A higher-priority rule takes over; the first keeps its counters. */
    rule.priority = 6;
    assert_int_equal(fp_rule_add(dev, &rule, &id2), 0);
    assert_int_not_equal(id, id2);
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_rule_get_stats(dev, id2, &rstats), 0);
    assert_int_equal(rstats.n_packets, 1);
    assert_int_equal(rstats.n_bytes, sizeof udp_pkt);

    fp_device_get_stats(dev, &dstats);
    assert_int_equal(dstats.hits, 5);
    assert_int_equal(dstats.misses, 0);
    assert_int_equal(dstats.n_rules, 2);

    /* Delete returns the final counters. */
    memset(&rstats, 0xff, sizeof rstats);
    assert_int_equal(fp_rule_delete(dev, id, &rstats), 0);
    assert_int_equal(rstats.n_packets, 4);
    assert_int_equal(rstats.n_bytes, 4 * sizeof udp_pkt);
    assert_int_not_equal(rstats.used, 0);
    assert_int_equal(fp_rule_delete(dev, id, &rstats), ENOENT);
    assert_int_equal(rstats.n_packets, 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &rstats), ENOENT);
    assert_int_equal(fp_rule_delete(dev, id2, NULL), 0);

    /* Without rules, a miss again. */
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len), 0);
    fp_device_get_stats(dev, &dstats);
    assert_int_equal(dstats.misses, 1);
    assert_int_equal(dstats.n_rules, 0);
    fp_port_get_stats(dev, PHY0, &stats);
    assert_int_equal(stats.rx_packets, 6);
    assert_int_equal(stats.rx_bytes, 6 * sizeof udp_pkt);
}

static void
test_fp_model_bad_rules(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule rule;
    uint32_t id;
    int i;

    rule = rule_in_port(PHY0, 0);
    add_output(&rule, 10);
    assert_int_equal(fp_rule_add(dev, &rule, &id), EINVAL);

    rule = rule_in_port(PHY0, 0);
    add_push(&rule, 0x9100, 1);
    assert_int_equal(fp_rule_add(dev, &rule, &id), EINVAL);

    rule = rule_in_port(PHY0, 0);
    for (i = 0; i < FP_MAX_ACTIONS; i++) {
        add_push(&rule, 0x8100, i);
    }
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    rule.n_actions = FP_MAX_ACTIONS + 1;
    assert_int_equal(fp_rule_add(dev, &rule, &id), EINVAL);
    assert_int_equal(fp_rule_modify(dev, id, &rule), EINVAL);

    rule = rule_in_port(PHY0, 0);
    rule.mask.pad1[0] = 1;
    assert_int_equal(fp_rule_add(dev, &rule, &id), EINVAL);
    assert_int_equal(fp_rule_add(dev, NULL, &id), EINVAL);
}

/* FP_MAX_ACTIONS pushes fit, and the packet grows by 4 bytes each. */
static void
test_fp_model_max_pushes(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule rule = rule_in_port(PHY0, 0);
    struct fp_port_stats stats;
    uint32_t id;
    int i;

    for (i = 0; i < FP_MAX_ACTIONS - 1; i++) {
        add_push(&rule, 0x88a8, i);
    }
    add_output(&rule, PHY1);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    fp_port_get_stats(dev, PHY1, &stats);
    assert_int_equal(stats.tx_bytes,
                     sizeof udp_pkt + 4 * (FP_MAX_ACTIONS - 1));
}

static void
test_fp_model_enospc(void **state OVS_UNUSED)
{
    struct fp_device_config config;
    struct fp_device *dev;
    struct fp_rule rule;
    uint32_t ids[3];
    int i;

    fp_device_config_default(&config);
    config.n_rules = 2;
    assert_int_equal(fp_device_create("small", &config, &dev), 0);

    for (i = 0; i < 2; i++) {
        rule = rule_in_port(i, 0);
        assert_int_equal(fp_rule_add(dev, &rule, &ids[i]), 0);
    }
    rule = rule_in_port(5, 0);
    assert_int_equal(fp_rule_add(dev, &rule, &ids[2]), ENOSPC);
    assert_int_equal(fp_rule_delete(dev, ids[0], NULL), 0);
    assert_int_equal(fp_rule_add(dev, &rule, &ids[2]), 0);
    assert_int_equal(fp_rule_add(dev, &rule, &ids[0]), ENOSPC);

    fp_device_destroy(dev);
}

/* Rules and shared counters take counters from one table: with it full, a
 * rule is refused for want of a counter, and the batch says which table is
 * full. */
static void
test_fp_model_counters_full(void **state OVS_UNUSED)
{
    struct fp_device_config config;
    struct fp_device *dev;
    struct fp_rule rule, rule1;
    struct fp_rule_op op;
    uint32_t counters[2], id;

    fp_device_config_default(&config);
    config.n_rules = 2;
    config.n_counters = 3;
    assert_int_equal(fp_device_create("small", &config, &dev), 0);

    assert_int_equal(fp_counter_alloc(dev, &counters[0]), 0);
    assert_int_equal(fp_counter_alloc(dev, &counters[1]), 0);
    rule = rule_in_port(0, 0);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

    memset(&op, 0, sizeof op);
    op.type = FP_RULE_OP_ADD;
    rule1 = rule_in_port(1, 0);
    op.rule = &rule1;
    fp_rule_batch(dev, &op, 1);
    assert_int_equal(op.error, ENOSPC);
    assert_int_equal(op.full, FP_RES_COUNTERS);

    /* A counter freed makes room. */
    assert_int_equal(fp_counter_free(dev, counters[1]), 0);
    fp_rule_batch(dev, &op, 1);
    assert_int_equal(op.error, 0);

    fp_device_destroy(dev);
}

/* A shared counter that an action list counts in cannot be freed (EBUSY)
 * until the last rule of that list is gone; one that is not shared (a
 * rule's own, or never allocated) is not found (ENOENT). */
static void
test_fp_model_counter_busy(void **state OVS_UNUSED)
{
    struct fp_device_config config;
    struct fp_device *dev;
    struct fp_rule rules[2];
    struct fp_rule_stats rs;
    uint32_t counter, other, ids[2];
    size_t i;

    fp_device_config_default(&config);
    config.n_rules = 4;
    assert_int_equal(fp_device_create("busy", &config, &dev), 0);

    assert_int_equal(fp_counter_alloc(dev, &counter), 0);
    assert_int_equal(fp_counter_alloc(dev, &other), 0);
    for (i = 0; i < 2; i++) {
        rules[i] = rule_in_port(i, 0);
        rules[i].n_actions = 1;
        memset(&rules[i].actions[0], 0, sizeof rules[i].actions[0]);
        rules[i].actions[0].type = FP_ACTION_COUNT;
        rules[i].actions[0].counter_id = counter;
        assert_int_equal(fp_rule_add(dev, &rules[i], &ids[i]), 0);
    }
    assert_int_equal(fp_counter_free(dev, counter), EBUSY);
    assert_int_equal(fp_rule_delete(dev, ids[0], NULL), 0);
    assert_int_equal(fp_counter_free(dev, counter), EBUSY);
    assert_int_equal(fp_counter_get(dev, counter, &rs), 0);
    assert_int_equal(fp_rule_delete(dev, ids[1], NULL), 0);
    assert_int_equal(fp_counter_free(dev, counter), 0);
    assert_int_equal(fp_counter_free(dev, counter), ENOENT);
    assert_int_equal(fp_counter_get(dev, counter, &rs), ENOENT);

    /* A rule's counter is not a shared one. */
    rules[0].n_actions = 0;
    assert_int_equal(fp_rule_add(dev, &rules[0], &ids[0]), 0);
    assert_int_equal(fp_counter_get(dev, counter, &rs), ENOENT);
    assert_int_equal(fp_counter_get(dev, other, &rs), 0);
    assert_int_equal(fp_counter_free(dev, other), 0);

    fp_device_destroy(dev);
}

/* Injects a packet on PHY0 and returns the port, of VF0 and VF1, that it
 * went out of (UINT32_MAX for neither or both). */
static uint32_t
out_port(struct fp_device *dev)
{
    uint64_t vf0 = tx_packets(dev, VF0), vf1 = tx_packets(dev, VF1);
    bool to_vf0, to_vf1;

    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    to_vf0 = tx_packets(dev, VF0) > vf0;
    to_vf1 = tx_packets(dev, VF1) > vf1;
    return to_vf0 == to_vf1 ? UINT32_MAX : to_vf0 ? VF0 : VF1;
}

/* Among rules of equal priority that match a packet, the one added first
 * wins, and a rule keeps its place across fp_rule_modify(), whether only
 * its actions change or its match does too. */
static void
test_fp_model_modify_keeps_order(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule first = rule_in_port(PHY0, 5);
    struct fp_rule second = rule_in_port(PHY0, 5);
    uint32_t id1, id2;

    add_output(&first, VF0);
    second.key.eth_type = htons(0x0800);
    second.mask.eth_type = UINT16_MAX;
    add_output(&second, VF1);
    assert_int_equal(fp_rule_add(dev, &first, &id1), 0);
    assert_int_equal(fp_rule_add(dev, &second, &id2), 0);
    assert_int_equal(out_port(dev), VF0);

    /* The second one's actions, then its match, change: still second. */
    second.actions[0].port = VF0;
    assert_int_equal(fp_rule_modify(dev, id2, &second), 0);
    second.actions[0].port = VF1;
    second.mask.eth_type = 0;
    second.key.eth_type = 0;
    second.mask.eth_dst[5] = 0xff;
    second.key.eth_dst[5] = udp_pkt[5];
    assert_int_equal(fp_rule_modify(dev, id2, &second), 0);
    assert_int_equal(out_port(dev), VF0);

    /* The first one's match changes (a mask of its own): still first. */
    first.key.eth_src[5] = udp_pkt[11];
    first.mask.eth_src[5] = 0xff;
    assert_int_equal(fp_rule_modify(dev, id1, &first), 0);
    assert_int_equal(out_port(dev), VF0);

    /* Its actions change: still first, with the new actions. */
    first.actions[0].port = VF1;
    second.actions[0].port = VF0;
    assert_int_equal(fp_rule_modify(dev, id2, &second), 0);
    assert_int_equal(fp_rule_modify(dev, id1, &first), 0);
    assert_int_equal(out_port(dev), VF1);

    /* Gone, the second one wins. */
    assert_int_equal(fp_rule_delete(dev, id1, NULL), 0);
    assert_int_equal(out_port(dev), VF0);
    assert_int_equal(fp_rule_delete(dev, id2, NULL), 0);
}

/* Several engines: every injected packet is processed exactly once. */
static void
test_fp_model_engines(void **state OVS_UNUSED)
{
    struct fp_device_config config;
    struct fp_rule_stats rstats;
    struct fp_port_stats stats;
    struct fp_device *dev;
    struct fp_rule rule;
    uint32_t id;
    int i;

    fp_device_config_default(&config);
    config.n_engines = 4;
    assert_int_equal(fp_device_create("multi", &config, &dev), 0);
    rule = rule_in_port(PHY0, 0);
    add_output(&rule, PHY1);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    for (i = 0; i < 1000; i++) {
        assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt),
                         0);
    }
    assert_int_equal(fp_rule_get_stats(dev, id, &rstats), 0);
    assert_int_equal(rstats.n_packets, 1000);
    fp_port_get_stats(dev, PHY1, &stats);
    assert_int_equal(stats.tx_packets, 1000);
    fp_device_destroy(dev);
}

/* Reset listeners. */
struct listener_calls {
    struct fp_device *dev;      /* Device of the last call. */
    int n;                      /* Calls. */
    uint32_t n_rules;           /* Rules the device had during the call. */
    int add_error;              /* fp_rule_add() from within the call. */
};

static void
reset_listener(struct fp_device *dev, void *calls_)
{
    struct listener_calls *calls = calls_;
    struct fp_device_stats ds;
    struct fp_rule rule = rule_in_port(VF1, 0);
    uint32_t id;

    calls->dev = dev;
    calls->n++;
    memset(&ds, 0, sizeof ds);
    fp_device_get_stats(dev, &ds);
    calls->n_rules = ds.n_rules;

    /* The listener may call the API: add and delete a rule. */
    calls->add_error = fp_rule_add(dev, &rule, &id);
    if (!calls->add_error) {
        assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
    }
}

/* Reset: every rule, meter and shared counter is gone, queued exceptions
 * are dropped, port, rule and device counters start from zero, and every
 * listener of the device (only of that device) is called once, after the
 * reset. */
static void
test_fp_model_reset(void **state)
{
    struct listener_calls calls = { .n = 0 }, other_calls = { .n = 0 };
    struct fp_meter_config mc = { .type = FP_METER_SRTCM, .pkts = true,
                                  .cir = 1000, .cbs = 1000, .ebs = 1000 };
    struct fp_device *dev = *state, *other;
    struct fp_rule_stats_entry *entries;
    struct fp_meter_stats ms;
    struct fp_rule_stats rs;
    struct fp_port_stats ps;
    struct fp_device_stats ds;
    struct fp_rule rule;
    uint32_t id, id2, counter;
    size_t n_entries, len;
    uint8_t buf[128];
    uint32_t i;

    assert_int_equal(fp_device_create("fp1", NULL, &other), 0);
    fp_device_add_listener(dev, reset_listener, &calls);
    fp_device_add_listener(other, reset_listener, &other_calls);

    assert_int_equal(fp_port_attach(dev, VF0), 0);
    assert_int_equal(fp_meter_set(dev, 7, &mc), 0);
    assert_int_equal(fp_counter_alloc(dev, &counter), 0);
    rule = rule_in_port(PHY0, 0);
    add_output(&rule, PHY1);
    rule.actions[rule.n_actions].type = FP_ACTION_COUNT;
    rule.actions[rule.n_actions++].counter_id = counter;
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    for (i = 0; i < 3; i++) {
        assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt),
                         0);
    }
    assert_int_equal(fp_port_inject(dev, VF0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &rs), 0);
    assert_int_equal(rs.n_packets, 3);

    assert_int_equal(fp_device_reset(dev), 0);

    /* The listener of 'dev' ran once, after the reset, and could use the
     * API; the one of the other device did not run. */
    assert_int_equal(calls.n, 1);
    assert_ptr_equal(calls.dev, dev);
    assert_int_equal(calls.n_rules, 0);
    assert_int_equal(calls.add_error, 0);
    assert_int_equal(other_calls.n, 0);

    /* All state is gone. */
    assert_int_equal(fp_rule_get_stats(dev, id, &rs), ENOENT);
    assert_int_equal(rs.n_packets, 0);
    assert_int_equal(fp_rule_delete(dev, id, NULL), ENOENT);
    assert_int_equal(fp_meter_get_stats(dev, 7, &ms), ENOENT);
    assert_int_equal(fp_counter_get(dev, counter, &rs), ENOENT);
    assert_int_equal(fp_rule_get_stats_all(dev, &entries, &n_entries), 0);
    assert_int_equal(n_entries, 0);
    free(entries);
    assert_int_equal(fp_port_recv(dev, VF0, buf, sizeof buf, &len),
                     EAGAIN);

    /* Counters start from zero; the reset itself is counted. */
    memset(&ds, 0, sizeof ds);
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.hits, 0);
    assert_int_equal(ds.misses, 0);
    assert_int_equal(ds.emc_hits, 0);
    assert_int_equal(ds.n_rules, 0);
    assert_int_equal(ds.n_masks, 0);
    assert_int_equal(ds.n_meters, 0);
    assert_int_equal(ds.n_counters, 0);
    assert_int_equal(ds.resets, 1);
    for (i = 0; i < fp_device_n_ports(dev); i++) {
        static const struct fp_port_stats zero;

        memset(&ps, 0, sizeof ps);
        fp_port_get_stats(dev, i, &ps);
        assert_memory_equal(&ps, &zero, sizeof ps);
    }

    /* A rule added afterward, even with a recycled id, starts from zero;
     * the representor stays attached. */
    rule = rule_in_port(PHY0, 0);
    add_output(&rule, PHY1);
    assert_int_equal(fp_rule_add(dev, &rule, &id2), 0);
    assert_int_equal(fp_rule_get_stats(dev, id2, &rs), 0);
    assert_int_equal(rs.n_packets, 0);
    assert_int_equal(rs.n_bytes, 0);
    assert_int_equal(rs.used, 0);
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_rule_get_stats(dev, id2, &rs), 0);
    assert_int_equal(rs.n_packets, 1);
    assert_int_equal(rs.n_bytes, sizeof udp_pkt);
    fp_port_get_stats(dev, PHY1, &ps);
    assert_int_equal(ps.tx_packets, 1);
    assert_int_equal(fp_port_inject(dev, VF0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_port_recv(dev, VF0, buf, sizeof buf, &len), 0);
    assert_int_equal(len, sizeof udp_pkt);

    /* A failed reset changes nothing and calls no listener. */
    fp_device_fail_next(dev, FP_OP_RESET, 1, EIO);
    assert_int_equal(fp_device_reset(dev), EIO);
    assert_int_equal(calls.n, 1);
    assert_int_equal(fp_rule_get_stats(dev, id2, &rs), 0);
    assert_int_equal(rs.n_packets, 1);
    memset(&ds, 0, sizeof ds);
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.resets, 1);

    /* A removed listener is not called any more. */
    fp_device_remove_listener(dev, reset_listener, &calls);
    assert_int_equal(fp_device_reset(dev), 0);
    assert_int_equal(calls.n, 1);
    assert_int_equal(fp_rule_get_stats(dev, id2, &rs), ENOENT);

    fp_device_remove_listener(other, reset_listener, &other_calls);
    fp_device_destroy(other);
}

/* Fault injection: the next N operations of a kind fail with the given
 * error and change nothing, then operations succeed again; an operation of
 * a batch counts as one; N = 0 cancels. */
static void
test_fp_model_faults(void **state)
{
    struct fp_meter_config mc = { .type = FP_METER_SRTCM, .pkts = true,
                                  .cir = 1000, .cbs = 1000, .ebs = 1000 };
    struct fp_device *dev = *state;
    struct fp_rule_stats_entry *entries;
    struct fp_rule_op ops[3];
    struct fp_device_stats ds;
    struct fp_rule_stats rs;
    struct fp_rule rule, rule2;
    size_t n_entries;
    uint32_t id, counter;
    int i;

    rule = rule_in_port(PHY0, 0);
    add_output(&rule, PHY1);
    rule2 = rule_in_port(PHY0, 5);
    add_output(&rule2, VF0);

    /* Adds: two failures, then success. */
    fp_device_fail_next(dev, FP_OP_RULE_ADD, 2, ENOMEM);
    for (i = 0; i < 2; i++) {
        assert_int_equal(fp_rule_add(dev, &rule, &id), ENOMEM);
        memset(&ds, 0, sizeof ds);
        fp_device_get_stats(dev, &ds);
        assert_int_equal(ds.n_rules, 0);
    }
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

    /* In a batch, each operation counts once. */
    fp_device_fail_next(dev, FP_OP_RULE_ADD, 2, EBUSY);
    memset(ops, 0, sizeof ops);
    for (i = 0; i < 3; i++) {
        ops[i].type = FP_RULE_OP_ADD;
        ops[i].rule = &rule2;
    }
    assert_int_equal(fp_rule_batch(dev, ops, 3), EBUSY);
    assert_int_equal(ops[0].error, EBUSY);
    assert_int_equal(ops[1].error, EBUSY);
    assert_int_equal(ops[2].error, 0);
    memset(&ds, 0, sizeof ds);
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.n_rules, 2);
    assert_int_equal(fp_rule_delete(dev, ops[2].id, NULL), 0);

    /* Modify: the rule keeps its old actions. */
    fp_device_fail_next(dev, FP_OP_RULE_MODIFY, 1, EIO);
    assert_int_equal(fp_rule_modify(dev, id, &rule2), EIO);
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &rs), 0);
    assert_int_equal(rs.n_packets, 1);
    assert_int_equal(fp_rule_modify(dev, id, &rule2), 0);

    /* Stats, single and bulk. */
    fp_device_fail_next(dev, FP_OP_RULE_STATS, 2, EAGAIN);
    assert_int_equal(fp_rule_get_stats(dev, id, &rs), EAGAIN);
    assert_int_equal(fp_rule_get_stats_all(dev, &entries, &n_entries),
                     EAGAIN);
    assert_null(entries);
    assert_int_equal(n_entries, 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &rs), 0);
    assert_int_equal(rs.n_packets, 1);

    /* Delete: the rule stays. */
    fp_device_fail_next(dev, FP_OP_RULE_DELETE, 1, EIO);
    assert_int_equal(fp_rule_delete(dev, id, NULL), EIO);
    assert_int_equal(fp_rule_get_stats(dev, id, &rs), 0);

    /* Meters, counters, port sends. */
    fp_device_fail_next(dev, FP_OP_METER, 1, ENOMEM);
    assert_int_equal(fp_meter_set(dev, 1, &mc), ENOMEM);
    memset(&ds, 0, sizeof ds);
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.n_meters, 0);
    assert_int_equal(fp_meter_set(dev, 1, &mc), 0);
    fp_device_fail_next(dev, FP_OP_METER, 1, EIO);
    assert_int_equal(fp_meter_delete(dev, 1), EIO);
    assert_int_equal(fp_meter_delete(dev, 1), 0);

    fp_device_fail_next(dev, FP_OP_COUNTER, 1, ENOSPC);
    assert_int_equal(fp_counter_alloc(dev, &counter), ENOSPC);
    assert_int_equal(fp_counter_alloc(dev, &counter), 0);
    assert_int_equal(fp_counter_free(dev, counter), 0);

    fp_device_fail_next(dev, FP_OP_PORT_SEND, 1, ENOBUFS);
    assert_int_equal(fp_port_send(dev, PHY1, udp_pkt, sizeof udp_pkt),
                     ENOBUFS);
    assert_int_equal(fp_port_send(dev, PHY1, udp_pkt, sizeof udp_pkt), 0);

    /* N = 0 cancels. */
    fp_device_fail_next(dev, FP_OP_RULE_DELETE, 5, EIO);
    fp_device_fail_next(dev, FP_OP_RULE_DELETE, 0, EIO);
    assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
}

/* The stress test of rule modification. */
#define STRESS_IN_PORTS 4       /* Input ports 0...3, one per engine. */
#define STRESS_OUT_A 8          /* The two output ports. */
#define STRESS_OUT_B 9
#define STRESS_PACKETS 200000   /* Per input port. */
#define STRESS_ROUNDS 10        /* Modifications at least, while packets
                                 * flow. */

/* For each packet, by sequence number: 1 per copy sent out of port A,
 * 1 << 16 per copy sent out of port B. */
static atomic_uint32_t *stress_seen;
static atomic_bool stress_bad_port;     /* A packet out of another port, or
                                         * one too short. */

static int
stress_send(void *aux OVS_UNUSED, uint32_t port, const void *data,
            size_t size)
{
    const uint8_t *p = data;
    uint32_t seq, orig;

    /* An engine thread: no cmocka assertion here (they jump out of the
     * main thread's test); the main thread checks 'stress_bad_port'. */
    if (size < 46) {
        atomic_store(&stress_bad_port, true);
        return 0;
    }
    seq = ((uint32_t) p[42] << 24) | (p[43] << 16) | (p[44] << 8) | p[45];
    if (seq >= STRESS_IN_PORTS * STRESS_PACKETS
        || (port != STRESS_OUT_A && port != STRESS_OUT_B)) {
        atomic_store(&stress_bad_port, true);
        return 0;
    }
    atomic_add(&stress_seen[seq], port == STRESS_OUT_A ? 1 : 1 << 16,
               &orig);
    return 0;
}

static const struct fp_endpoint_ops stress_ops = { .send = stress_send };

struct stress_ctl {
    struct fp_device *dev;
    uint32_t id;
    atomic_bool stop;
    atomic_uint n_modifies;
    atomic_int error;           /* First error of fp_rule_modify(), or 0. */
};

/* Modifies the rule back and forth: output to A or to B, each with two
 * priorities, so that both the swap of the actions alone and the
 * replacement of the whole rule run. */
static void *
stress_ctl_main(void *ctl_)
{
    struct stress_ctl *ctl = ctl_;
    unsigned int n = 0;
    bool stop = false;

    /* Not the main thread: errors go to 'ctl->error' for the main thread
     * to check, rather than to a cmocka assertion. */
    while (!stop) {
        struct fp_rule rule;
        int error;

        memset(&rule, 0, sizeof rule);
        rule.key.eth_type = htons(0x0800);
        rule.mask.eth_type = UINT16_MAX;
        rule.priority = (n / 2) % 2 ? 20 : 10;
        add_output(&rule, n % 2 ? STRESS_OUT_A : STRESS_OUT_B);
        error = fp_rule_modify(ctl->dev, ctl->id, &rule);
        if (error) {
            atomic_store(&ctl->error, error);
            break;
        }
        atomic_store(&ctl->n_modifies, ++n);
        atomic_read(&ctl->stop, &stop);
    }
    return NULL;
}

/* Several engines forward a stream while a control thread modifies the
 * rule that they hit back and forth between two action lists: every packet
 * comes out of exactly one of the two ports, exactly once. */
static void
test_fp_model_modify_stress(void **state OVS_UNUSED)
{
    size_t n_total = STRESS_IN_PORTS * STRESS_PACKETS;
    struct fp_device_config config;
    struct fp_packet batch[32];
    uint8_t (*pkts)[64];
    struct stress_ctl ctl;
    struct fp_device *dev;
    struct fp_rule rule;
    pthread_t thread;
    size_t n_a = 0, n_b = 0, i, j;
    unsigned int n_modifies, round;
    uint32_t port, seq, v;
    bool bad;
    int error;

    fp_device_config_default(&config);
    config.n_engines = STRESS_IN_PORTS;
    config.rx_ring_size = 4096;
    assert_int_equal(fp_device_create("stress", &config, &dev), 0);
    assert_int_equal(fp_port_set_endpoint(dev, STRESS_OUT_A, &stress_ops,
                                          NULL), 0);
    assert_int_equal(fp_port_set_endpoint(dev, STRESS_OUT_B, &stress_ops,
                                          NULL), 0);
    stress_seen = xcalloc(n_total, sizeof *stress_seen);
    atomic_init(&stress_bad_port, false);

    memset(&rule, 0, sizeof rule);
    rule.key.eth_type = htons(0x0800);
    rule.mask.eth_type = UINT16_MAX;
    rule.priority = 10;
    add_output(&rule, STRESS_OUT_A);
    ctl.dev = dev;
    assert_int_equal(fp_rule_add(dev, &rule, &ctl.id), 0);
    atomic_init(&ctl.stop, false);
    atomic_init(&ctl.n_modifies, 0);
    atomic_init(&ctl.error, 0);
    thread = ovs_thread_create("stress_ctl", stress_ctl_main, &ctl);

    /* Feed the input ports in turn; retry what a full ring refused.  The
     * first STRESS_ROUNDS rounds wait for a modification each, so that at
     * least that many happen while packets flow, however the threads are
     * scheduled. */
    pkts = xmalloc(ARRAY_SIZE(batch) * sizeof *pkts);
    BUILD_ASSERT(STRESS_IN_PORTS * STRESS_PACKETS
                 > 32 * STRESS_IN_PORTS * STRESS_ROUNDS);
    for (seq = 0, round = 0; seq < n_total; round++) {
        if (round < STRESS_ROUNDS) {
            for (;;) {
                atomic_read(&ctl.n_modifies, &n_modifies);
                atomic_read(&ctl.error, &error);
                if (n_modifies > round || error) {
                    break;
                }
                sched_yield();
            }
        }
        for (port = 0; port < STRESS_IN_PORTS; port++) {
            size_t n = 0, done = 0;

            for (j = 0; j < ARRAY_SIZE(batch) && seq < n_total; j++, seq++) {
                memcpy(pkts[j], udp_pkt, sizeof udp_pkt);
                pkts[j][42] = seq >> 24;
                pkts[j][43] = seq >> 16;
                pkts[j][44] = seq >> 8;
                pkts[j][45] = seq;
                batch[j].data = pkts[j];
                batch[j].size = sizeof udp_pkt;
                n++;
            }
            while (done < n) {
                size_t q;

                assert_int_equal(fp_port_receive_batch(dev, port,
                                                       &batch[done],
                                                       n - done, &q), 0);
                done += q;
                if (done < n) {
                    sched_yield();
                }
            }
        }
    }
    assert_int_equal(fp_device_flush(dev), 0);
    atomic_store(&ctl.stop, true);
    xpthread_join(thread, NULL);

    atomic_read(&ctl.error, &error);
    assert_int_equal(error, 0);
    atomic_read(&stress_bad_port, &bad);
    assert_false(bad);
    for (i = 0; i < n_total; i++) {
        atomic_read_relaxed(&stress_seen[i], &v);
        if (v == 1) {
            n_a++;
        } else if (v == 1 << 16) {
            n_b++;
        } else {
            fail_msg("packet %"PRIuSIZE" came out %"PRIu32" times of A and "
                     "%"PRIu32" times of B", i, v & 0xffff, v >> 16);
        }
    }
    assert_int_equal(n_a + n_b, n_total);
    atomic_read(&ctl.n_modifies, &n_modifies);
    assert_true(n_modifies >= STRESS_ROUNDS);

    /* Modifications take effect: a packet goes where the last one says,
     * to B, then to A. */
    memcpy(pkts[0], udp_pkt, sizeof udp_pkt);
    memset(pkts[0] + 42, 0, 4);
    for (i = 0; i < 2; i++) {
        memset(&rule, 0, sizeof rule);
        rule.key.eth_type = htons(0x0800);
        rule.mask.eth_type = UINT16_MAX;
        rule.priority = i ? 20 : 10;
        add_output(&rule, i ? STRESS_OUT_A : STRESS_OUT_B);
        assert_int_equal(fp_rule_modify(dev, ctl.id, &rule), 0);
        atomic_store(&stress_seen[0], 0);
        assert_int_equal(fp_port_inject(dev, 0, pkts[0], sizeof udp_pkt), 0);
        assert_int_equal(fp_device_flush(dev), 0);
        atomic_read(&stress_seen[0], &v);
        assert_int_equal(v, i ? 1 : 1 << 16);
    }
    printf("modify stress: %u modifies, %"PRIuSIZE" packets to A, "
           "%"PRIuSIZE" to B\n", n_modifies, n_a, n_b);

    fp_device_destroy(dev);
    free(stress_seen);
    free(pkts);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_model_create_destroy),
        cmocka_unit_test(test_fp_model_bad_config),
        cmocka_unit_test_setup_teardown(test_fp_model_port_names,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_drop_and_counters,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_bad_rules,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_max_pushes,
                                        setup_dev, teardown_dev),
        cmocka_unit_test(test_fp_model_enospc),
        cmocka_unit_test_setup_teardown(test_fp_model_modify_keeps_order,
                                        setup_dev, teardown_dev),
        cmocka_unit_test(test_fp_model_engines),
        cmocka_unit_test(test_fp_model_counters_full),
        cmocka_unit_test(test_fp_model_counter_busy),
        cmocka_unit_test_setup_teardown(test_fp_model_reset,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_faults,
                                        setup_dev, teardown_dev),
        cmocka_unit_test(test_fp_model_modify_stress),
    };
    int failures;

    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    failures = cmocka_run_group_tests_name("fp_model", tests, NULL, NULL);
    rmdir(tmpdir);
    return failures;
}
