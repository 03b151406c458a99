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
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>

#include "fp/fp.h"
#include "fp-rte-flow-dev.h"
#include "netdev.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "util.h"

static bool have_null;          /* rte_vdev_init("net_null0") worked. */

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
    assert_int_equal(fp_device_set_vlan_limit(dev, 2), 0);
    assert_int_equal(fp_device_set_vlan_limit(dev, 1), EOPNOTSUPP);

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

    /* A meter. */
    rule = rule_in_port(port);
    a = &rule.actions[rule.n_actions++];
    a->type = FP_ACTION_METER;
    a->meter_id = 1;
    op.rule = &rule;
    assert_int_equal(fp_rule_batch(dev, &op, 1), EOPNOTSUPP);
    assert_non_null(strstr(op.reason, "meters"));

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
    return cmocka_run_group_tests(tests, NULL, NULL);
}
