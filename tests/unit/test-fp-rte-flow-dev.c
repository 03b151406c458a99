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

/* Unit tests of the rte_flow driver (lib/fp-rte-flow-dev.c) with a real
 * EAL, without hugepages: on DPDK's net_null vdev, which has no rte_flow
 * (every rule refused with the PMD's message), and, when the binary has
 * it, on the model NIC's net_fp vdev PMD (rules through the driver and the
 * PMD into the model, counted).  Also the core's answers for a driver
 * without packet I/O. */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "fp/fp.h"
#include "fp-rte-flow-dev.h"
#include "netdev.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "util.h"

static bool have_null;          /* rte_vdev_init("net_null0") worked. */
static bool have_fp;            /* rte_vdev_init("net_fp0") worked. */
static struct rte_mempool *mp;  /* For the rx queues of net_fp's ports. */

static uint16_t
port_by_name(const char *name)
{
    uint16_t port_id;

    assert_int_equal(rte_eth_dev_get_port_by_name(name, &port_id), 0);
    return port_id;
}

/* A rule that matches packets in from 'port' and drops them. */
static struct fp_rule
rule_in_port(uint32_t port)
{
    struct fp_rule rule;

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = port;
    rule.mask.in_port = UINT32_MAX;
    return rule;
}

static unsigned int n_resets_heard;

static void
reset_listener(struct fp_device *dev OVS_UNUSED, void *aux OVS_UNUSED)
{
    n_resets_heard++;
}

/* ## ---------- ## */
/* ## net_null.  ## */
/* ## ---------- ## */

static void
test_null_open_close(void **state OVS_UNUSED)
{
    struct fp_device *dev, *dev2;
    uint16_t port_id;
    uint32_t port;
    char *error;

    if (!have_null) {
        skip();
    }
    port_id = port_by_name("net_null0");
    assert_int_equal(fp_rte_flow_dev_open(port_id, &dev, &port, &error), 0);
    assert_null(error);
    assert_int_equal(port, port_id);
    assert_string_equal(fp_device_name(dev), "rte_flow:net_null0");
    assert_string_equal(fp_device_driver(dev), "rte_flow");
    assert_ptr_equal(fp_device_find("rte_flow:net_null0"), dev);
    assert_int_equal(fp_device_n_ports(dev), RTE_MAX_ETHPORTS);
    assert_int_equal(fp_device_get_vlan_limit(dev), 2);
    assert_int_equal(fp_device_set_vlan_limit(dev, 1), 0);
    assert_int_equal(fp_device_get_vlan_limit(dev), 1);
    assert_int_equal(fp_device_set_vlan_limit(dev, 2), 0);
    assert_int_equal(fp_device_get_vlan_limit(dev), 2);

    /* A second open of the port finds the same device. */
    assert_int_equal(fp_rte_flow_dev_open(port_id, &dev2, &port, &error), 0);
    assert_ptr_equal(dev2, dev);
    fp_rte_flow_dev_close(dev, port_id);
    assert_ptr_equal(fp_device_find("rte_flow:net_null0"), dev);
    fp_rte_flow_dev_close(dev, port_id);
    assert_null(fp_device_find("rte_flow:net_null0"));

    /* No such port. */
    assert_int_equal(fp_rte_flow_dev_open(RTE_MAX_ETHPORTS - 1, &dev, &port,
                                          &error), ENODEV);
    assert_null(dev);
    assert_non_null(error);
    free(error);

    /* Nothing to do for a port without a device. */
    fp_rte_flow_dev_port_started(port_id);
    fp_rte_flow_dev_port_started(RTE_MAX_ETHPORTS + 5);
}

static void
test_null_refused(void **state OVS_UNUSED)
{
    struct fp_rule rule;
    struct fp_rule_op op;
    struct fp_device_stats st;
    struct fp_rule_stats_entry *entries;
    struct fp_action *a;
    struct fp_device *dev;
    uint16_t port_id;
    size_t n_entries;
    uint32_t port, id;
    char *error;

    if (!have_null) {
        skip();
    }
    port_id = port_by_name("net_null0");
    assert_int_equal(fp_rte_flow_dev_open(port_id, &dev, &port, &error), 0);

    /* net_null has no rte_flow: the PMD's (ethdev's) message. */
    rule = rule_in_port(port);
    memset(&op, 0x5a, sizeof op);
    op.type = FP_RULE_OP_ADD;
    op.rule = &rule;
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    assert_int_equal(op.error, EOPNOTSUPP);
    assert_int_equal(op.id, 0);
    if (!strstr(op.reason, "rte_flow_validate: ")
        || !strstr(op.reason, "not")) {
        fail_msg("reason \"%s\"", op.reason);
    }
    printf("net_null's refusal: %s\n", op.reason);

    /* What the translation refuses: an output to a port that is not open
     * on the device. */
    a = &rule.actions[rule.n_actions++];
    a->type = FP_ACTION_OUTPUT;
    a->port = port + 1;
    op.rule = &rule;
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    assert_true(op.reason[0]);
    assert_null(strstr(op.reason, "rte_flow_validate"));

    /* The translation reads the keys by the device's VLAN limit: with 1,
     * a second tag is never there. */
    rule = rule_in_port(port);
    rule.key.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rule.mask.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rule.key.vlans[1].tci = htons(FP_VLAN_PRESENT);
    rule.mask.vlans[1].tci = htons(FP_VLAN_PRESENT);
    op.rule = &rule;
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    assert_non_null(strstr(op.reason, "rte_flow_validate"));
    assert_int_equal(fp_device_set_vlan_limit(dev, 1), 0);
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    assert_non_null(strstr(op.reason, "VLAN limit 1"));
    assert_int_equal(fp_device_set_vlan_limit(dev, 2), 0);

    /* A meter. */
    rule = rule_in_port(port);
    a = &rule.actions[rule.n_actions++];
    a->type = FP_ACTION_METER;
    a->meter_id = 1;
    op.rule = &rule;
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    assert_non_null(strstr(op.reason, "meters"));

    /* A shared counter. */
    a->type = FP_ACTION_COUNT;
    a->counter_id = 1;
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    assert_non_null(strstr(op.reason, "shared counters"));

    /* No rule, no meter, no shared counter; unknown ids. */
    assert_int_equal(fp_rule_add(dev, &rule, &id), EOPNOTSUPP);
    fp_device_get_stats(dev, &st);
    assert_int_equal(st.n_rules, 0);
    assert_int_equal(fp_rule_get_stats_all(dev, &entries, &n_entries), 0);
    assert_int_equal(n_entries, 0);
    free(entries);
    op.type = FP_RULE_OP_DELETE;
    op.id = 1;
    assert_int_equal(fp_rule_batch(dev, &op, 1), ENOENT);
    assert_string_equal(op.reason, "");
    assert_int_equal(fp_counter_alloc(dev, &id), EOPNOTSUPP);
    {
        struct fp_meter_config mc;

        memset(&mc, 0, sizeof mc);
        assert_int_equal(fp_meter_set(dev, 1, &mc), EOPNOTSUPP);
    }

    fp_rte_flow_dev_close(dev, port_id);
}

/* The core's answers for a driver without packet I/O. */
static void
test_null_no_io(void **state OVS_UNUSED)
{
    static const uint8_t frame[60];
    struct fp_packet pkt = { .data = frame, .size = sizeof frame };
    struct fp_packet_md md;
    struct fp_trace trace;
    struct fp_device *dev;
    uint16_t port_id;
    uint8_t buf[64];
    size_t len, n_queued = 7;
    uint32_t port;
    char *error;

    if (!have_null) {
        skip();
    }
    port_id = port_by_name("net_null0");
    assert_int_equal(fp_rte_flow_dev_open(port_id, &dev, &port, &error), 0);

    assert_int_equal(fp_port_attach(dev, port), EOPNOTSUPP);
    fp_port_detach(dev, port);
    assert_int_equal(fp_port_send(dev, port, frame, sizeof frame),
                     EOPNOTSUPP);
    assert_int_equal(fp_port_recv(dev, port, buf, sizeof buf, &len),
                     EOPNOTSUPP);
    assert_int_equal(fp_port_recv_md(dev, port, buf, sizeof buf, &len, &md),
                     EOPNOTSUPP);
    fp_port_recv_wait(dev, port);
    assert_int_equal(fp_port_inject(dev, port, frame, sizeof frame),
                     EOPNOTSUPP);
    assert_int_equal(fp_port_trace(dev, port, frame, sizeof frame, true,
                                   &trace), EOPNOTSUPP);
    fp_trace_uninit(&trace);
    assert_int_equal(fp_port_set_tx_pcap(dev, port, "/dev/null"),
                     EOPNOTSUPP);
    assert_int_equal(fp_port_set_endpoint(dev, port, NULL, NULL),
                     EOPNOTSUPP);
    assert_int_equal(fp_port_set_link(dev, port, "lo"), EOPNOTSUPP);
    assert_null(fp_port_get_link_name(dev, port));
    assert_int_equal(fp_port_receive_batch(dev, port, &pkt, 1, &n_queued),
                     EOPNOTSUPP);
    assert_int_equal(n_queued, 0);
    assert_int_equal(fp_device_flush(dev), 0);
    /* Still range-checked first. */
    assert_int_equal(fp_port_send(dev, RTE_MAX_ETHPORTS, frame,
                                  sizeof frame), EINVAL);

    fp_rte_flow_dev_close(dev, port_id);
}

/* A port start without FLOW_RULE_KEEP resets the device, and its
 * listeners hear it. */
static void
test_null_port_started(void **state OVS_UNUSED)
{
    struct fp_device_stats st;
    struct fp_device *dev;
    uint16_t port_id;
    uint32_t port;
    char *error;

    if (!have_null) {
        skip();
    }
    port_id = port_by_name("net_null0");
    assert_int_equal(fp_rte_flow_dev_open(port_id, &dev, &port, &error), 0);
    fp_device_add_listener(dev, reset_listener, NULL);
    n_resets_heard = 0;

    fp_rte_flow_dev_port_started(port_id);
    assert_int_equal(n_resets_heard, 1);
    fp_device_get_stats(dev, &st);
    assert_int_equal(st.resets, 1);

    /* The device outlives the reset's reference. */
    assert_ptr_equal(fp_device_find("rte_flow:net_null0"), dev);
    fp_rte_flow_dev_close(dev, port_id);
    assert_null(fp_device_find("rte_flow:net_null0"));
}

/* An fp interface on a device without packet I/O is refused, and the
 * message (the Interface's error column) says why. */
static void
test_null_fp_netdev_refused(void **state OVS_UNUSED)
{
    struct smap args = SMAP_INITIALIZER(&args);
    struct fp_device *dev;
    struct netdev *netdev;
    uint16_t port_id;
    char *errp = NULL;
    uint32_t port;
    char *error;

    if (!have_null) {
        skip();
    }
    port_id = port_by_name("net_null0");
    assert_int_equal(fp_rte_flow_dev_open(port_id, &dev, &port, &error), 0);

    assert_int_equal(netdev_open("p0", "fp", &netdev), 0);
    smap_add(&args, "device", "rte_flow:net_null0");
    smap_add(&args, "port", "phy0");
    assert_int_equal(netdev_set_config(netdev, &args, &errp), EOPNOTSUPP);
    assert_non_null(errp);
    if (!strstr(errp, "rte_flow driver") || !strstr(errp, "no packet I/O")) {
        fail_msg("message \"%s\"", errp);
    }
    printf("fp interface refused: %s\n", errp);
    free(errp);
    smap_destroy(&args);
    netdev_close(netdev);

    fp_rte_flow_dev_close(dev, port_id);
}

/* ## -------- ## */
/* ## net_fp.  ## */
/* ## -------- ## */

/* The ethdevs of the net_fp0 vdev (phy=2,vfs=2), with one queue each,
 * started, and their ports of the rte_flow device. */
/* The size of the model's rule table (net_fp's devarg "rules"). */
#define FP_N_RULES 8
static const char *const fp_names[] = {
    "net_fp0", "net_fp0_phy1", "net_fp0_vf0", "net_fp0_vf1",
};
static uint16_t fp_ids[ARRAY_SIZE(fp_names)];
static struct fp_device *fp_model;      /* The model device "net_fp0". */
static struct fp_device *fp_dev;        /* "rte_flow:net_fp0". */

static void
start_port(uint16_t port_id)
{
    struct rte_eth_conf conf;

    memset(&conf, 0, sizeof conf);
    assert_int_equal(rte_eth_dev_configure(port_id, 1, 1, &conf), 0);
    assert_int_equal(rte_eth_rx_queue_setup(port_id, 0, 64, SOCKET_ID_ANY,
                                            NULL, mp), 0);
    assert_int_equal(rte_eth_tx_queue_setup(port_id, 0, 64, SOCKET_ID_ANY,
                                            NULL), 0);
    assert_int_equal(rte_eth_dev_start(port_id), 0);
}

static int
setup_fp(void **state OVS_UNUSED)
{
    size_t i;

    if (!have_fp) {
        return 0;
    }
    fp_model = fp_device_find("net_fp0");
    assert_non_null(fp_model);
    for (i = 0; i < ARRAY_SIZE(fp_names); i++) {
        struct fp_device *dev;
        uint32_t port;
        char *error = NULL;

        fp_ids[i] = port_by_name(fp_names[i]);
        if (fp_rte_flow_dev_open(fp_ids[i], &dev, &port, &error)) {
            fail_msg("%s: %s", fp_names[i], error);
        }
        assert_int_equal(port, fp_ids[i]);
        if (i) {
            assert_ptr_equal(dev, fp_dev);
        }
        fp_dev = dev;
    }
    assert_string_equal(fp_device_name(fp_dev), "rte_flow:net_fp0");
    return 0;
}

static int
teardown_fp(void **state OVS_UNUSED)
{
    size_t i;

    if (!have_fp) {
        return 0;
    }
    for (i = 0; i < ARRAY_SIZE(fp_names); i++) {
        fp_rte_flow_dev_close(fp_dev, fp_ids[i]);
    }
    assert_null(fp_device_find("rte_flow:net_fp0"));
    fp_dev = NULL;
    return 0;
}

/* A rule of the rte_flow device: in from ethdev 'in', out to ethdev
 * 'out' (indexes of fp_names). */
static struct fp_rule
fp_rule_forward(size_t in, size_t out)
{
    struct fp_rule rule = rule_in_port(fp_ids[in]);
    struct fp_action *a = &rule.actions[rule.n_actions++];

    a->type = FP_ACTION_OUTPUT;
    a->port = fp_ids[out];
    return rule;
}

/* Injects a 60-byte frame into model port 'in' (the model's port numbers:
 * phy0, phy1, vf0, vf1 are 0...3, as fp_names). */
static void
inject(uint32_t in)
{
    uint8_t frame[60];

    memset(frame, 0, sizeof frame);
    memset(frame, 0xff, 6);                     /* Broadcast. */
    frame[6] = 0x02;                            /* Source 02:00:..:01. */
    frame[11] = 0x01;
    frame[12] = 0x88;                           /* Local experimental. */
    frame[13] = 0xb5;
    assert_int_equal(fp_port_inject(fp_model, in, frame, sizeof frame), 0);
}

static uint64_t
model_tx(uint32_t port)
{
    struct fp_port_stats st;

    fp_port_get_stats(fp_model, port, &st);
    return st.tx_packets;
}

static void
assert_rule_stats(uint32_t id, uint64_t n_packets)
{
    struct fp_rule_stats st;

    assert_int_equal(fp_rule_get_stats(fp_dev, id, &st), 0);
    assert_int_equal(st.n_packets, n_packets);
    assert_int_equal(st.n_bytes, 60 * n_packets);
    if (n_packets) {
        assert_true(st.used > 0);
    }
}

/* ADD through the PMD into the model: forwarded and counted; MODIFY keeps
 * the counters; DELETE gives the final ones. */
static void
test_fp_add_modify_delete(void **state OVS_UNUSED)
{
    struct fp_rule_stats_entry *entries;
    struct fp_device_stats dst;
    struct fp_rule_stats st;
    struct fp_rule rule;
    size_t n_entries;
    uint32_t id;

    if (!have_fp) {
        skip();
    }

    /* phy1 -> vf0. */
    rule = fp_rule_forward(1, 2);
    assert_int_equal(fp_rule_add(fp_dev, &rule, &id), 0);
    assert_int_not_equal(id, 0);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_rules, 1);
    assert_rule_stats(id, 0);
    inject(1);
    inject(1);
    assert_int_equal(model_tx(2), 2);
    assert_rule_stats(id, 2);

    /* phy1 -> vf1, counters kept. */
    rule = fp_rule_forward(1, 3);
    assert_int_equal(fp_rule_modify(fp_dev, id, &rule), 0);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_rules, 1);
    assert_rule_stats(id, 2);
    inject(1);
    assert_int_equal(model_tx(2), 2);
    assert_int_equal(model_tx(3), 1);
    assert_rule_stats(id, 3);
    assert_int_equal(fp_rule_get_stats_all(fp_dev, &entries, &n_entries),
                     0);
    assert_int_equal(n_entries, 1);
    assert_int_equal(entries[0].id, id);
    assert_int_equal(entries[0].stats.n_packets, 3);
    free(entries);

    /* A MODIFY that the translation refuses changes nothing. */
    rule = fp_rule_forward(1, 3);
    rule.actions[0].port = RTE_MAX_ETHPORTS - 1;
    assert_int_equal(fp_rule_modify(fp_dev, id, &rule), EOPNOTSUPP);
    inject(1);
    assert_int_equal(model_tx(3), 2);
    assert_rule_stats(id, 4);

    /* DELETE: the final counters, and the rule is gone from the model. */
    assert_int_equal(fp_rule_delete(fp_dev, id, &st), 0);
    assert_int_equal(st.n_packets, 4);
    assert_int_equal(st.n_bytes, 240);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_rules, 0);
    assert_int_equal(fp_rule_get_stats(fp_dev, id, &st), ENOENT);
    inject(1);
    assert_int_equal(model_tx(3), 2);
}

/* A rule that the PMD refuses carries the PMD's message: the model's rule
 * table (FP_N_RULES rules) full is net_fp's -ENOSPC, another error of the
 * model (an injected fault) the PMD's -EIO. */
static void
test_fp_refused(void **state OVS_UNUSED)
{
    uint32_t ids[FP_N_RULES];
    struct fp_device_stats dst;
    struct fp_rule_op op;
    struct fp_rule rule;
    size_t i;

    if (!have_fp) {
        skip();
    }
    rule = fp_rule_forward(1, 2);
    for (i = 0; i < FP_N_RULES; i++) {
        assert_int_equal(fp_rule_add(fp_dev, &rule, &ids[i]), 0);
    }
    memset(&op, 0, sizeof op);
    op.type = FP_RULE_OP_ADD;
    op.rule = &rule;
    assert_int_equal(fp_rule_batch(fp_dev, &op, 1), ENOSPC);
    assert_int_equal(op.full, FP_RES_RULES);
    if (!strstr(op.reason, "rte_flow_create: ")
        || !strstr(op.reason, "full")) {
        fail_msg("reason \"%s\"", op.reason);
    }
    printf("net_fp's refusal: %s\n", op.reason);
    fp_device_get_stats(fp_dev, &dst);
    assert_int_equal(dst.n_rules, FP_N_RULES);
    for (i = 0; i < FP_N_RULES; i++) {
        assert_int_equal(fp_rule_delete(fp_dev, ids[i], NULL), 0);
    }

    /* Another error of the PMD is EOPNOTSUPP. */
    fp_device_fail_next(fp_model, FP_OP_RULE_ADD, 1, EIO);
    assert_int_equal(fp_rule_batch(fp_dev, &op, 1), EOPNOTSUPP);
    assert_int_equal(op.full, FP_RES_NONE);
    assert_non_null(strstr(op.reason, "rte_flow_create: "));
    printf("net_fp's refusal: %s\n", op.reason);
    fp_device_fail_next(fp_model, FP_OP_RULE_ADD, 0, 0);
    fp_device_get_stats(fp_dev, &dst);
    assert_int_equal(dst.n_rules, 0);
}

/* A PMD that refuses two rules of one pattern (-EEXIST, injected into the
 * model): the MODIFY still happens, with its counters; if the PMD then
 * refuses the new rule too, the old one forwards as before. */
static void
test_fp_modify_eexist(void **state OVS_UNUSED)
{
    struct fp_device_stats dst;
    struct fp_rule rule;
    uint64_t tx2, tx3;
    uint32_t id;

    if (!have_fp) {
        skip();
    }
    tx2 = model_tx(2);
    tx3 = model_tx(3);
    rule = fp_rule_forward(1, 2);
    assert_int_equal(fp_rule_add(fp_dev, &rule, &id), 0);
    inject(1);
    assert_int_equal(model_tx(2) - tx2, 1);

    rule = fp_rule_forward(1, 3);
    fp_device_fail_next(fp_model, FP_OP_RULE_ADD, 1, EEXIST);
    assert_int_equal(fp_rule_modify(fp_dev, id, &rule), 0);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_rules, 1);
    inject(1);
    assert_int_equal(model_tx(2) - tx2, 1);
    assert_int_equal(model_tx(3) - tx3, 1);
    assert_rule_stats(id, 2);

    /* Refused twice: the old rule (to vf1) stays. */
    rule = fp_rule_forward(1, 2);
    fp_device_fail_next(fp_model, FP_OP_RULE_ADD, 2, EEXIST);
    assert_int_equal(fp_rule_modify(fp_dev, id, &rule), EOPNOTSUPP);
    fp_device_fail_next(fp_model, FP_OP_RULE_ADD, 0, 0);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_rules, 1);
    inject(1);
    assert_int_equal(model_tx(2) - tx2, 1);
    assert_int_equal(model_tx(3) - tx3, 2);
    assert_rule_stats(id, 3);
    assert_int_equal(fp_rule_delete(fp_dev, id, NULL), 0);
}

/* The PMD lost the rule (the model was reset under it): its counters stay
 * where they were. */
static void
test_fp_never_backwards(void **state OVS_UNUSED)
{
    struct fp_rule_stats st;
    struct fp_rule rule;
    uint32_t id;

    if (!have_fp) {
        skip();
    }
    rule = fp_rule_forward(1, 2);
    assert_int_equal(fp_rule_add(fp_dev, &rule, &id), 0);
    inject(1);
    inject(1);
    assert_rule_stats(id, 2);
    assert_int_equal(fp_device_reset(fp_model), 0);
    assert_rule_stats(id, 2);
    assert_int_equal(fp_rule_delete(fp_dev, id, &st), 0);
    assert_int_equal(st.n_packets, 2);
}

/* A stop and start of the proxy: the rte_flow device is reset (net_fp does
 * not keep rules), its listener (the flow API's, here the test's) puts the
 * rule back, and forwarding and counting go on. */
static struct fp_rule restart_rule;
static uint32_t restart_id;
static struct fp_rule_stats restart_base;

static void
restart_listener(struct fp_device *dev, void *aux OVS_UNUSED)
{
    /* The flow API keeps what it last read in its base. */
    n_resets_heard++;
    assert_int_equal(fp_rule_add(dev, &restart_rule, &restart_id), 0);
}

static void
test_fp_port_restart(void **state OVS_UNUSED)
{
    struct rte_eth_dev_info info;
    struct fp_device_stats dst;
    struct fp_rule_stats st;
    uint32_t old_id;

    if (!have_fp) {
        skip();
    }
    memset(&info, 0, sizeof info);
    assert_int_equal(rte_eth_dev_info_get(fp_ids[0], &info), 0);

    restart_rule = fp_rule_forward(1, 2);
    assert_int_equal(fp_rule_add(fp_dev, &restart_rule, &restart_id), 0);
    inject(1);
    assert_int_equal(fp_rule_get_stats(fp_dev, restart_id, &restart_base),
                     0);
    assert_int_equal(restart_base.n_packets, 1);
    old_id = restart_id;

    fp_device_add_listener(fp_dev, restart_listener, NULL);
    n_resets_heard = 0;
    assert_int_equal(rte_eth_dev_stop(fp_ids[0]), 0);
    assert_int_equal(rte_eth_dev_start(fp_ids[0]), 0);
    fp_rte_flow_dev_port_started(fp_ids[0]);
    fp_device_remove_listener(fp_dev, restart_listener, NULL);

    if (info.dev_capa & RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP) {
        /* The PMD kept the rule: nothing to do. */
        assert_int_equal(n_resets_heard, 0);
        restart_id = old_id;
        memset(&restart_base, 0, sizeof restart_base);
    } else {
        assert_int_equal(n_resets_heard, 1);
        fp_device_get_stats(fp_dev, &dst);
        assert_int_equal(dst.n_rules, 1);
        assert_int_equal(dst.resets, 1);
        fp_device_get_stats(fp_model, &dst);
        assert_int_equal(dst.n_rules, 1);
    }
    inject(1);
    assert_int_equal(fp_rule_get_stats(fp_dev, restart_id, &st), 0);
    assert_int_equal(restart_base.n_packets + st.n_packets, 2);
    assert_int_equal(fp_rule_delete(fp_dev, restart_id, NULL), 0);
}

/* ## ---------------------------------------------- ## */
/* ## Costs (FP_RTE_FLOW_DEV_BENCH=N: N rules, printed). ## */
/* ## ---------------------------------------------- ## */

static long long int
now_usec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* Rule 'i' of the benchmark: in from 'port', eth_src 02:00:<i>, drop. */
static struct fp_rule
bench_rule(uint32_t port, uint32_t i)
{
    struct fp_rule rule = rule_in_port(port);

    rule.key.eth_src[0] = 0x02;
    rule.key.eth_src[2] = i >> 24;
    rule.key.eth_src[3] = i >> 16;
    rule.key.eth_src[4] = i >> 8;
    rule.key.eth_src[5] = i;
    memset(rule.mask.eth_src, 0xff, sizeof rule.mask.eth_src);
    return rule;
}

/* Adds, reads (fp_rule_get_stats_all()) and deletes 'n' rules on 'dev',
 * one operation per call, and prints the rates. */
static void
bench_one(struct fp_device *dev, uint32_t port, uint32_t n)
{
    struct fp_rule_stats_entry *entries;
    long long int t0, t1, t2, t3;
    size_t n_entries;
    uint32_t *ids = xmalloc(n * sizeof *ids);
    uint32_t i;

    t0 = now_usec();
    for (i = 0; i < n; i++) {
        struct fp_rule rule = bench_rule(port, i);

        assert_int_equal(fp_rule_add(dev, &rule, &ids[i]), 0);
    }
    t1 = now_usec();
    assert_int_equal(fp_rule_get_stats_all(dev, &entries, &n_entries), 0);
    assert_int_equal(n_entries, n);
    free(entries);
    t2 = now_usec();
    for (i = 0; i < n; i++) {
        assert_int_equal(fp_rule_delete(dev, ids[i], NULL), 0);
    }
    t3 = now_usec();
    printf("%-20s %7"PRIu32" rules: add %8.0f/s, stats of all %8.3f ms "
           "(%.2f us/rule), delete %8.0f/s\n", fp_device_name(dev), n,
           n * 1e6 / MAX(t1 - t0, 1), (t2 - t1) / 1e3,
           (double) (t2 - t1) / n, n * 1e6 / MAX(t3 - t2, 1));
    free(ids);
}

/* The same rules through the rte_flow driver and net_fp into a model, and
 * straight into a model: what the rte_flow path costs. */
static void
test_bench(void **state OVS_UNUSED)
{
    const char *env = getenv("FP_RTE_FLOW_DEV_BENCH");
    struct fp_device *dev, *model;
    uint16_t port_id;
    uint32_t port, n;
    char *error;
    char args[64];

    if (!env || !atoi(env)) {
        skip();
    }
    n = atoi(env);
    snprintf(args, sizeof args, "phy=1,vfs=0,rules=%"PRIu32, n);
    if (rte_vdev_init("net_fp9", args)) {
        skip();
    }
    port_id = port_by_name("net_fp9");
    start_port(port_id);
    assert_int_equal(fp_rte_flow_dev_open(port_id, &dev, &port, &error), 0);
    model = fp_device_find("net_fp9");
    assert_non_null(model);

    bench_one(dev, port, n);
    bench_one(model, 0, n);

    fp_rte_flow_dev_close(dev, port_id);
    assert_int_equal(rte_eth_dev_stop(port_id), 0);
}

int
main(int argc OVS_UNUSED, char *argv[])
{
    char *eal_argv[] = {
        argv[0], "--no-huge", "--no-shconf", "-m", "256", "--no-pci",
        "--log-level=lib.eal:error", NULL,
    };
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_open_close),
        cmocka_unit_test(test_null_refused),
        cmocka_unit_test(test_null_no_io),
        cmocka_unit_test(test_null_port_started),
        cmocka_unit_test(test_null_fp_netdev_refused),
        cmocka_unit_test_setup_teardown(test_fp_add_modify_delete,
                                        setup_fp, teardown_fp),
        cmocka_unit_test_setup_teardown(test_fp_refused,
                                        setup_fp, teardown_fp),
        cmocka_unit_test_setup_teardown(test_fp_modify_eexist,
                                        setup_fp, teardown_fp),
        cmocka_unit_test_setup_teardown(test_fp_never_backwards,
                                        setup_fp, teardown_fp),
        cmocka_unit_test_setup_teardown(test_fp_port_restart,
                                        setup_fp, teardown_fp),
        cmocka_unit_test(test_bench),
    };

    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);
    if (rte_eal_init(ARRAY_SIZE(eal_argv) - 1, eal_argv) < 0) {
        fprintf(stderr, "rte_eal_init failed\n");
        return 1;
    }
    have_null = !rte_vdev_init("net_null0", NULL);
    if (!have_null) {
        fprintf(stderr, "no net_null vdev: its tests are skipped\n");
    }
    have_fp = !rte_vdev_init("net_fp0", "phy=2,vfs=2,rules="
                             OVS_STRINGIZE(FP_N_RULES));
    if (have_fp) {
        size_t i;

        mp = rte_pktmbuf_pool_create("test", 1024, 0, 0,
                                     RTE_MBUF_DEFAULT_BUF_SIZE,
                                     SOCKET_ID_ANY);
        if (!mp) {
            fprintf(stderr, "no mbuf pool\n");
            return 1;
        }
        for (i = 0; i < ARRAY_SIZE(fp_names); i++) {
            uint16_t port_id;

            if (rte_eth_dev_get_port_by_name(fp_names[i], &port_id)) {
                fprintf(stderr, "%s: no such ethdev\n", fp_names[i]);
                return 1;
            }
            start_port(port_id);
        }
    } else {
        fprintf(stderr, "no net_fp vdev: its tests are skipped\n");
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
