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

/* Unit tests of the rte_flow driver (lib/fp-rte-flow-dev.c and
 * lib/fp-rte-flow-dev-mtr.c) with a real EAL, without hugepages: on DPDK's
 * net_null vdev, which has no rte_flow nor rte_mtr (every rule and meter
 * refused with the PMD's message), and on the model NIC's net_fp vdev PMD
 * (rules, meters and shared counters through the driver and the PMD into
 * the model, counted).  Both vdevs are always there: one that does not
 * probe fails the program.  Also the core's answers for a driver
 * without packet I/O. */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <pthread.h>
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
#include "fp-rte-flow-dev-private.h"
#include "netdev.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "util.h"

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
    if (!strstr(op.reason, "rte_flow_create: ")
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
    assert_null(strstr(op.reason, "rte_flow_create"));

    /* The translation reads the keys by the device's VLAN limit: with 1,
     * a second tag is never there. */
    rule = rule_in_port(port);
    rule.key.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rule.mask.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rule.key.vlans[1].tci = htons(FP_VLAN_PRESENT);
    rule.mask.vlans[1].tci = htons(FP_VLAN_PRESENT);
    op.rule = &rule;
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    assert_non_null(strstr(op.reason, "rte_flow_create"));
    assert_int_equal(fp_device_set_vlan_limit(dev, 1), 0);
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    assert_non_null(strstr(op.reason, "VLAN limit 1"));
    assert_int_equal(fp_device_set_vlan_limit(dev, 2), 0);

    /* A meter: none without rte_mtr, and a rule that uses it carries the
     * reason. */
    rule = rule_in_port(port);
    a = &rule.actions[rule.n_actions++];
    a->type = FP_ACTION_METER;
    a->meter_id = 1;
    op.rule = &rule;
    assert_int_equal(fp_rule_batch(dev, &op, 1), ENOENT);
    assert_non_null(strstr(op.reason, "meter 1 does not exist"));
    {
        struct fp_meter_config mc;
        struct fp_meter_stats ms;

        memset(&mc, 0, sizeof mc);
        mc.type = FP_METER_SRTCM;
        mc.cir = 1000;
        mc.cbs = 1000;
        assert_int_equal(fp_meter_set(dev, 1, &mc), EOPNOTSUPP);
        assert_int_equal(fp_meter_get_stats(dev, 1, &ms), ENOENT);
    }
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    if (!strstr(op.reason, "meter 1: rte_mtr_")) {
        fail_msg("reason \"%s\"", op.reason);
    }
    printf("net_null's meter refusal: %s\n", op.reason);
    assert_int_equal(fp_meter_delete(dev, 1), ENOENT);

    /* A shared counter: none without indirect actions. */
    assert_int_equal(fp_counter_alloc(dev, &id), EOPNOTSUPP);
    a->type = FP_ACTION_COUNT;
    a->counter_id = 1;
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    assert_non_null(strstr(op.reason, "shared counter 1"));

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
    fp_device_get_stats(dev, &st);
    assert_int_equal(st.n_meters, 0);
    assert_int_equal(st.n_counters, 0);

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

/* Rule ids are not looked up while they are new (fp_rte_flow_dev_new_id());
 * once they wrap around past UINT32_MAX, an id still in use is skipped. */
static void
test_fp_ids_wrap(void **state OVS_UNUSED)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(fp_dev);
    uint32_t first, last, next;
    struct fp_rule rule;

    rule = fp_rule_forward(1, 2);
    assert_int_equal(fp_rule_add(fp_dev, &rule, &first), 0);
    ovs_mutex_lock(&dev->mutex);
    dev->next_id = UINT32_MAX;
    ovs_mutex_unlock(&dev->mutex);
    rule = fp_rule_forward(2, 3);
    assert_int_equal(fp_rule_add(fp_dev, &rule, &last), 0);
    assert_int_equal(last, UINT32_MAX);

    /* The ids start again from 1, where 'first' is still in use. */
    rule = fp_rule_forward(3, 2);
    assert_int_equal(fp_rule_add(fp_dev, &rule, &next), 0);
    assert_int_not_equal(next, first);
    assert_int_not_equal(next, last);
    assert_int_not_equal(next, 0);

    /* Each id is its own rule. */
    inject(1);
    inject(2);
    inject(2);
    assert_rule_stats(first, 1);
    assert_rule_stats(last, 2);
    assert_rule_stats(next, 0);
    assert_int_equal(fp_rule_delete(fp_dev, first, NULL), 0);
    assert_int_equal(fp_rule_delete(fp_dev, last, NULL), 0);
    assert_int_equal(fp_rule_delete(fp_dev, next, NULL), 0);
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

/* A srTCM meter (bytes) of 1 byte/s with a committed burst of two 60-byte
 * frames and no excess burst: of 5 frames at once, 2 pass (the bucket
 * would take a minute to hold one more frame, so the test does not depend
 * on the clock). */
static struct fp_meter_config
meter_two_frames(uint64_t cbs)
{
    struct fp_meter_config mc;

    memset(&mc, 0, sizeof mc);
    mc.type = FP_METER_SRTCM;
    mc.cir = 1;
    mc.cbs = cbs;
    mc.ebs = 0;
    return mc;
}

/* A rule of the rte_flow device: in from ethdev 'in', through meter
 * 'meter_id', out to ethdev 'out'. */
static struct fp_rule
fp_rule_metered(size_t in, size_t out, uint32_t meter_id)
{
    struct fp_rule rule = rule_in_port(fp_ids[in]);

    rule.actions[0].type = FP_ACTION_METER;
    rule.actions[0].meter_id = meter_id;
    rule.actions[1].type = FP_ACTION_OUTPUT;
    rule.actions[1].port = fp_ids[out];
    rule.n_actions = 2;
    return rule;
}

static void
assert_meter_stats(struct fp_device *dev, uint32_t meter_id,
                   uint64_t pass, uint64_t drop)
{
    struct fp_meter_stats ms;

    assert_int_equal(fp_meter_get_stats(dev, meter_id, &ms), 0);
    assert_int_equal(ms.green_packets, pass);
    assert_int_equal(ms.pass_packets, pass);
    assert_int_equal(ms.drop_packets, drop);
    assert_int_equal(ms.drop_bytes, 60 * drop);
}

/* Meters through rte_mtr into the model: a rule with a meter polices what
 * is injected into the model; the meter's counters through the driver;
 * a change of a meter in use, of one not in use; OpenFlow bands. */
static void
test_fp_meter(void **state OVS_UNUSED)
{
    struct fp_meter_config mc = meter_two_frames(120);
    struct fp_device_stats dst;
    struct fp_rule_op op;
    struct fp_rule rule;
    uint64_t tx2;
    uint32_t id;
    int i;

    tx2 = model_tx(2);
    assert_int_equal(fp_meter_set(fp_dev, 7, &mc), 0);
    fp_device_get_stats(fp_dev, &dst);
    assert_int_equal(dst.n_meters, 1);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_meters, 1);
    assert_meter_stats(fp_dev, 7, 0, 0);

    /* phy1 -> meter 7 -> vf0: 2 of 5 frames pass. */
    rule = fp_rule_metered(1, 2, 7);
    assert_int_equal(fp_rule_add(fp_dev, &rule, &id), 0);
    for (i = 0; i < 5; i++) {
        inject(1);
    }
    assert_int_equal(model_tx(2) - tx2, 2);
    assert_meter_stats(fp_dev, 7, 2, 3);
    assert_rule_stats(id, 5);

    /* In use: no delete.  net_fp cannot change the profile of a meter, so
     * the change is a new rte_mtr object (4 frames) that the rule moves
     * onto; the counters of the meter and of the rule go on. */
    assert_int_equal(fp_meter_delete(fp_dev, 7), EBUSY);
    mc = meter_two_frames(240);
    assert_int_equal(fp_meter_set(fp_dev, 7, &mc), 0);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_meters, 1);
    assert_int_equal(dst.n_rules, 1);
    assert_meter_stats(fp_dev, 7, 2, 3);
    assert_rule_stats(id, 5);
    for (i = 0; i < 5; i++) {
        inject(1);
    }
    assert_int_equal(model_tx(2) - tx2, 6);
    assert_meter_stats(fp_dev, 7, 6, 4);
    assert_rule_stats(id, 10);

    /* A change that the model refuses (an injected fault on the new
     * meter): the rule stays on the meter as it was (empty now). */
    fp_device_fail_next(fp_model, FP_OP_METER, 1, ENOSPC);
    mc = meter_two_frames(600);
    assert_int_equal(fp_meter_set(fp_dev, 7, &mc), ENOSPC);
    fp_device_fail_next(fp_model, FP_OP_METER, 0, 0);
    inject(1);
    assert_int_equal(model_tx(2) - tx2, 6);
    assert_meter_stats(fp_dev, 7, 6, 5);

    /* A change whose rule the model refuses to move (an injected fault on
     * the new rule): the rule stays on the old meter, the new one goes. */
    fp_device_fail_next(fp_model, FP_OP_RULE_ADD, 1, EIO);
    assert_int_equal(fp_meter_set(fp_dev, 7, &mc), EOPNOTSUPP);
    fp_device_fail_next(fp_model, FP_OP_RULE_ADD, 0, 0);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_meters, 1);
    assert_int_equal(dst.n_rules, 1);
    inject(1);
    assert_int_equal(model_tx(2) - tx2, 6);
    assert_meter_stats(fp_dev, 7, 6, 6);
    assert_rule_stats(id, 12);

    /* Not in use: a new rte_mtr object (2 frames), counters kept. */
    assert_int_equal(fp_rule_delete(fp_dev, id, NULL), 0);
    mc = meter_two_frames(120);
    assert_int_equal(fp_meter_set(fp_dev, 7, &mc), 0);
    assert_meter_stats(fp_dev, 7, 6, 6);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_meters, 1);
    assert_int_equal(fp_rule_add(fp_dev, &rule, &id), 0);
    for (i = 0; i < 5; i++) {
        inject(1);
    }
    assert_int_equal(model_tx(2) - tx2, 8);
    assert_meter_stats(fp_dev, 7, 8, 9);
    assert_int_equal(fp_rule_delete(fp_dev, id, NULL), 0);
    assert_int_equal(fp_meter_delete(fp_dev, 7), 0);
    assert_int_equal(fp_meter_delete(fp_dev, 7), ENOENT);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_meters, 0);

    /* A rule with a meter that does not exist. */
    assert_int_equal(fp_rule_add(fp_dev, &rule, &id), ENOENT);

    /* OpenFlow bands: one drop band is srTCM at its rate and burst (here
     * packets: 1/s, 2 packets); several bands, or a dscp_remark band, are
     * refused, and a rule with such a meter carries the reason. */
    memset(&mc, 0, sizeof mc);
    mc.type = FP_METER_BANDS;
    mc.pkts = true;
    mc.n_bands = 1;
    mc.bands[0].rate = 1;
    mc.bands[0].burst = 2;
    assert_int_equal(fp_meter_set(fp_dev, 8, &mc), 0);
    rule = fp_rule_metered(1, 2, 8);
    assert_int_equal(fp_rule_add(fp_dev, &rule, &id), 0);
    tx2 = model_tx(2);
    for (i = 0; i < 5; i++) {
        inject(1);
    }
    assert_int_equal(model_tx(2) - tx2, 2);
    {
        struct fp_meter_stats ms;

        assert_int_equal(fp_meter_get_stats(fp_dev, 8, &ms), 0);
        assert_int_equal(ms.pass_packets, 2);
        assert_int_equal(ms.band_packets[0], 3);
        assert_int_equal(ms.band_bytes[0], 180);
    }
    assert_int_equal(fp_rule_delete(fp_dev, id, NULL), 0);
    assert_int_equal(fp_meter_delete(fp_dev, 8), 0);

    mc.bands[0].remark = true;
    assert_int_equal(fp_meter_set(fp_dev, 8, &mc), EINVAL);
    memset(&op, 0, sizeof op);
    op.type = FP_RULE_OP_ADD;
    op.rule = &rule;
    assert_int_equal(fp_rule_batch(fp_dev, &op, 1), EOPNOTSUPP);
    if (!strstr(op.reason, "meter 8: ") || !strstr(op.reason, "remark")) {
        fail_msg("reason \"%s\"", op.reason);
    }
    mc.bands[0].remark = false;
    mc.n_bands = 2;
    mc.bands[1] = mc.bands[0];
    assert_int_equal(fp_meter_set(fp_dev, 8, &mc), EINVAL);
    assert_int_equal(fp_rule_batch(fp_dev, &op, 1), EOPNOTSUPP);
    assert_non_null(strstr(op.reason, "one OpenFlow band"));
    assert_int_equal(fp_meter_delete(fp_dev, 8), ENOENT);
    fp_device_get_stats(fp_dev, &dst);
    assert_int_equal(dst.n_meters, 0);
    assert_int_equal(dst.n_rules, 0);
}

/* A change of a meter in use of which one rule cannot move (its output
 * port was closed on the device, so the translation refuses it again): the
 * rules that moved move back, the new rte_mtr object goes, and the meter
 * polices as it did.  The driver moves the rules in the order of its hash
 * table, where rule 0 (the one that cannot move) comes after the others:
 * without the move back, rule 1 would stay on the new meter. */
static void
test_fp_meter_move_back(void **state OVS_UNUSED)
{
    struct fp_meter_config mc = meter_two_frames(120);
    struct fp_device_stats dst;
    struct fp_rule rules[4];
    uint32_t ids[4], port;
    struct fp_device *dev;
    char *error = NULL;
    uint64_t tx2;
    size_t i;
    int j;

    assert_int_equal(fp_meter_set(fp_dev, 7, &mc), 0);
    for (i = 0; i < ARRAY_SIZE(rules); i++) {
        /* Rule 0: phy0 -> meter 7 -> vf1; rules 1...3: phy1 by eth_src ->
         * meter 7 -> vf0. */
        if (i) {
            rules[i] = fp_rule_metered(1, 2, 7);
            rules[i].key.eth_src[0] = 0x02;
            rules[i].key.eth_src[5] = i;
            memset(rules[i].mask.eth_src, 0xff, 6);
        } else {
            rules[i] = fp_rule_metered(0, 3, 7);
        }
        assert_int_equal(fp_rule_add(fp_dev, &rules[i], &ids[i]), 0);
    }
    /* inject() sends eth_src 02:00:00:00:00:01: rule 1. */
    tx2 = model_tx(2);
    for (j = 0; j < 3; j++) {
        inject(1);
    }
    assert_int_equal(model_tx(2) - tx2, 2);

    fp_rte_flow_dev_close(fp_dev, fp_ids[3]);
    mc = meter_two_frames(600);
    assert_int_equal(fp_meter_set(fp_dev, 7, &mc), EOPNOTSUPP);
    assert_int_equal(fp_rte_flow_dev_open(fp_ids[3], &dev, &port, &error),
                     0);
    assert_ptr_equal(dev, fp_dev);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_meters, 1);
    assert_int_equal(dst.n_rules, 4);

    /* Still the old meter, whose bucket is empty. */
    inject(1);
    assert_int_equal(model_tx(2) - tx2, 2);
    assert_meter_stats(fp_dev, 7, 2, 2);

    for (i = 0; i < ARRAY_SIZE(rules); i++) {
        assert_int_equal(fp_rule_delete(fp_dev, ids[i], NULL), 0);
    }
    assert_int_equal(fp_meter_delete(fp_dev, 7), 0);
}

/* Shared counters as indirect COUNT actions: two rules count in one; it is
 * not freed while they do; its counters never go backwards (the model
 * lost it under the PMD). */
static void
test_fp_counter(void **state OVS_UNUSED)
{
    struct fp_device_stats dst;
    struct fp_rule_stats st;
    struct fp_rule r1, r2;
    uint32_t c, c2, id1, id2;

    assert_int_equal(fp_counter_alloc(fp_dev, &c), 0);
    assert_int_equal(fp_counter_alloc(fp_dev, &c2), 0);
    assert_int_not_equal(c, c2);
    fp_device_get_stats(fp_dev, &dst);
    assert_int_equal(dst.n_counters, 2);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_counters, 2);
    assert_int_equal(fp_counter_free(fp_dev, c2), 0);
    assert_int_equal(fp_counter_free(fp_dev, c2), ENOENT);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_counters, 1);

    r1 = fp_rule_forward(1, 2);
    r1.actions[1] = r1.actions[0];
    r1.actions[0].type = FP_ACTION_COUNT;
    r1.actions[0].counter_id = c;
    r1.n_actions = 2;
    r2 = fp_rule_forward(0, 3);
    r2.actions[1] = r2.actions[0];
    r2.actions[0] = r1.actions[0];
    r2.n_actions = 2;
    assert_int_equal(fp_rule_add(fp_dev, &r1, &id1), 0);
    assert_int_equal(fp_rule_add(fp_dev, &r2, &id2), 0);
    inject(1);
    inject(1);
    inject(0);
    assert_int_equal(fp_counter_get(fp_dev, c, &st), 0);
    assert_int_equal(st.n_packets, 3);
    assert_int_equal(st.n_bytes, 180);
    assert_true(st.used > 0);
    assert_rule_stats(id1, 2);
    assert_rule_stats(id2, 1);
    assert_int_equal(fp_counter_free(fp_dev, c), EBUSY);

    /* The model loses the counter: it stays where it was. */
    assert_int_equal(fp_device_reset(fp_model), 0);
    assert_int_equal(fp_counter_get(fp_dev, c, &st), 0);
    assert_int_equal(st.n_packets, 3);

    assert_int_equal(fp_rule_delete(fp_dev, id1, NULL), 0);
    assert_int_equal(fp_rule_delete(fp_dev, id2, NULL), 0);
    assert_int_equal(fp_counter_free(fp_dev, c), 0);
    assert_int_equal(fp_counter_get(fp_dev, c, &st), ENOENT);
    r1.actions[0].counter_id = c;
    assert_int_equal(fp_rule_add(fp_dev, &r1, &id1), EOPNOTSUPP);
    fp_device_get_stats(fp_dev, &dst);
    assert_int_equal(dst.n_counters, 0);
}

/* A stop and start of the proxy resets the device: its meters and shared
 * counters go with its rules (as fp_device_reset() says), gone from the
 * PMD too, and the listener (the flow API's, here the test's) puts the
 * meter, the counter and the rule back; the meter polices again. */
static uint32_t mrestart_counter, mrestart_id;
static bool mrestart_gone;

static void
mrestart_listener(struct fp_device *dev, void *aux OVS_UNUSED)
{
    struct fp_meter_config mc = meter_two_frames(120);
    struct fp_meter_stats ms;
    struct fp_rule_stats st;
    struct fp_device_stats dst;
    struct fp_rule rule;

    fp_device_get_stats(dev, &dst);
    mrestart_gone = (fp_meter_get_stats(dev, 7, &ms) == ENOENT
                     && fp_counter_get(dev, mrestart_counter, &st) == ENOENT
                     && !dst.n_meters && !dst.n_counters && !dst.n_rules);
    assert_int_equal(fp_meter_set(dev, 7, &mc), 0);
    assert_int_equal(fp_counter_alloc(dev, &mrestart_counter), 0);
    rule = fp_rule_metered(1, 2, 7);
    rule.actions[2] = rule.actions[1];
    rule.actions[1].type = FP_ACTION_COUNT;
    rule.actions[1].counter_id = mrestart_counter;
    rule.n_actions = 3;
    assert_int_equal(fp_rule_add(dev, &rule, &mrestart_id), 0);
}

static void
test_fp_restart_meters(void **state OVS_UNUSED)
{
    struct fp_device_stats dst;
    struct fp_rule_stats st;
    uint32_t n_counters;
    uint64_t tx2;
    int i;

    n_resets_heard = 0;
    mrestart_listener(fp_dev, NULL);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_meters, 1);
    n_counters = dst.n_counters;        /* Shared, and net_fp's for the
                                         * rule's COUNT. */
    tx2 = model_tx(2);
    for (i = 0; i < 3; i++) {
        inject(1);
    }
    assert_int_equal(model_tx(2) - tx2, 2);
    assert_meter_stats(fp_dev, 7, 2, 1);

    fp_device_add_listener(fp_dev, mrestart_listener, NULL);
    assert_int_equal(rte_eth_dev_stop(fp_ids[0]), 0);
    assert_int_equal(rte_eth_dev_start(fp_ids[0]), 0);
    fp_rte_flow_dev_port_started(fp_ids[0]);
    fp_device_remove_listener(fp_dev, mrestart_listener, NULL);
    assert_true(mrestart_gone);

    /* As many meters and counters in the model as before: the old ones
     * are gone from the PMD. */
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_meters, 1);
    assert_int_equal(dst.n_counters, n_counters);
    assert_int_equal(dst.n_rules, 1);

    tx2 = model_tx(2);
    for (i = 0; i < 3; i++) {
        inject(1);
    }
    assert_int_equal(model_tx(2) - tx2, 2);
    assert_meter_stats(fp_dev, 7, 2, 1);
    /* The COUNT after the METER counts what the meter passed. */
    assert_int_equal(fp_counter_get(fp_dev, mrestart_counter, &st), 0);
    assert_int_equal(st.n_packets, 2);

    assert_int_equal(fp_rule_delete(fp_dev, mrestart_id, NULL), 0);
    assert_int_equal(fp_meter_delete(fp_dev, 7), 0);
    assert_int_equal(fp_counter_free(fp_dev, mrestart_counter), 0);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_meters, 0);
    assert_int_equal(dst.n_counters, 0);
}

/* Rule changes and counter reads on several threads while the proxy
 * restarts: no deadlock, no crash, and every rule id that a thread holds
 * is either known with counters or gone with the reset (ENOENT). */
#define STRESS_THREADS 2
#define STRESS_OPS 20000

struct stress_arg {
    uint32_t thread;
    unsigned int n_ok;
};

static struct fp_rule bench_rule(uint32_t port, uint32_t i);

static void *
stress_thread(void *arg_)
{
    struct stress_arg *arg = arg_;
    uint32_t ids[3];
    uint32_t i;

    memset(ids, 0, sizeof ids);
    for (i = 0; i < STRESS_OPS; i++) {
        uint32_t slot = i % ARRAY_SIZE(ids);
        struct fp_rule rule = bench_rule(fp_ids[1],
                                         arg->thread << 16 | slot);
        struct fp_rule_stats st;
        int error;

        if (ids[slot]) {
            error = (i & 1
                     ? fp_rule_modify(fp_dev, ids[slot], &rule)
                     : fp_rule_delete(fp_dev, ids[slot], &st));
            /* A MODIFY needs room for a moment: FP_N_RULES is small. */
            ovs_assert(!error || error == ENOENT
                       || (i & 1 && error == ENOSPC));
            if (!(i & 1) || error == ENOENT) {
                ids[slot] = 0;
            }
        } else if (!fp_rule_add(fp_dev, &rule, &ids[slot])) {
            arg->n_ok++;
        }
    }
    for (i = 0; i < ARRAY_SIZE(ids); i++) {
        if (ids[i]) {
            int error = fp_rule_delete(fp_dev, ids[i], NULL);

            ovs_assert(!error || error == ENOENT);
        }
    }
    return NULL;
}

static void
test_fp_stress(void **state OVS_UNUSED)
{
    struct stress_arg args[STRESS_THREADS];
    pthread_t threads[STRESS_THREADS];
    struct fp_device_stats dst;
    size_t i;

    for (i = 0; i < STRESS_THREADS; i++) {
        args[i].thread = i;
        args[i].n_ok = 0;
        assert_int_equal(pthread_create(&threads[i], NULL, stress_thread,
                                        &args[i]), 0);
    }
    for (i = 0; i < 500; i++) {
        struct fp_rule_stats_entry *entries;
        size_t n_entries;

        fp_rte_flow_dev_port_started(fp_ids[i % 2 ? 0 : 2]);
        assert_int_equal(fp_rule_get_stats_all(fp_dev, &entries,
                                               &n_entries), 0);
        free(entries);
    }
    for (i = 0; i < STRESS_THREADS; i++) {
        assert_int_equal(pthread_join(threads[i], NULL), 0);
        assert_true(args[i].n_ok > 0);
    }
    fp_device_get_stats(fp_dev, &dst);
    assert_int_equal(dst.n_rules, 0);
    fp_device_get_stats(fp_model, &dst);
    assert_int_equal(dst.n_rules, 0);
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

    /* Shared counters (indirect COUNT actions through the rte_flow
     * driver), read one call each: what a statistics pass would cost if
     * every rule counted in one. */
    for (i = 0; i < n; i++) {
        if (fp_counter_alloc(dev, &ids[i])) {
            break;
        }
    }
    if (i == n) {
        t0 = now_usec();
        for (i = 0; i < n; i++) {
            struct fp_rule_stats st;

            assert_int_equal(fp_counter_get(dev, ids[i], &st), 0);
        }
        t1 = now_usec();
        printf("%-20s %7"PRIu32" shared counters: read all %8.3f ms "
               "(%.2f us/counter)\n", fp_device_name(dev), n,
               (t1 - t0) / 1e3, (double) (t1 - t0) / n);
    }
    while (i-- > 0) {
        assert_int_equal(fp_counter_free(dev, ids[i]), 0);
    }
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

    n = atoi(env);
    snprintf(args, sizeof args, "phy=1,vfs=0,rules=%"PRIu32, 2 * n);
    if (rte_vdev_init("net_fp9", args)) {
        fail_msg("rte_vdev_init(\"net_fp9\", \"%s\") failed", args);
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
        cmocka_unit_test_setup_teardown(test_fp_meter,
                                        setup_fp, teardown_fp),
        cmocka_unit_test_setup_teardown(test_fp_meter_move_back,
                                        setup_fp, teardown_fp),
        cmocka_unit_test_setup_teardown(test_fp_counter,
                                        setup_fp, teardown_fp),
        cmocka_unit_test_setup_teardown(test_fp_restart_meters,
                                        setup_fp, teardown_fp),
        cmocka_unit_test_setup_teardown(test_fp_stress,
                                        setup_fp, teardown_fp),
        cmocka_unit_test_setup_teardown(test_fp_ids_wrap,
                                        setup_fp, teardown_fp),
    };
    const struct CMUnitTest bench[] = {
        cmocka_unit_test(test_bench),
    };
    const char *n_bench = getenv("FP_RTE_FLOW_DEV_BENCH");
    uint16_t port_id;
    int retval;
    size_t i;

    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);
    if (rte_eal_init(ARRAY_SIZE(eal_argv) - 1, eal_argv) < 0) {
        fprintf(stderr, "rte_eal_init failed\n");
        return 1;
    }
    /* Both vdevs are always there: a missing one is a failure, not a
     * skip. */
    if (rte_vdev_init("net_null0", NULL)) {
        fprintf(stderr, "rte_vdev_init(\"net_null0\") failed: DPDK's "
                "net_null PMD is missing (the plugin librte_net_null.so of "
                "Debian's librte-net-null23, a dependency of libdpdk-dev, "
                "in EAL's plugin directory)\n");
        return 1;
    }
    if (rte_vdev_init("net_fp0", "phy=2,vfs=2,rules="
                      OVS_STRINGIZE(FP_N_RULES))) {
        fprintf(stderr, "rte_vdev_init(\"net_fp0\") failed: the net_fp "
                "PMD (lib/fp-dpdk-pmd.c), which is linked into this "
                "program, did not probe\n");
        return 1;
    }
    mp = rte_pktmbuf_pool_create("test", 1024, 0, 0,
                                 RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
    if (!mp) {
        fprintf(stderr, "no mbuf pool\n");
        return 1;
    }
    for (i = 0; i < ARRAY_SIZE(fp_names); i++) {
        if (rte_eth_dev_get_port_by_name(fp_names[i], &port_id)) {
            fprintf(stderr, "%s: no such ethdev\n", fp_names[i]);
            return 1;
        }
        start_port(port_id);
    }
    retval = cmocka_run_group_tests(tests, NULL, NULL);
    if (!retval && n_bench && atoi(n_bench)) {
        retval = cmocka_run_group_tests(bench, NULL, NULL);
    }

    /* Closes every ethdev, which frees its queues, so that a leak checker
     * sees only what the PMD itself keeps. */
    RTE_ETH_FOREACH_DEV (port_id) {
        rte_eth_dev_stop(port_id);
        rte_eth_dev_close(port_id);
    }
    return retval;
}
