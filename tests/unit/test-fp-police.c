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

/* Unit tests of port ingress policing: fp_meter_take_all() (lib/fp-meter.c),
 * which makes one policer of a byte bucket and a packet bucket, and the
 * model's policer on a port (lib/fp-model-port.c) through the public API
 * (fp_port_set_policer()). */

#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "fp-meter.h"
#include "util.h"

/* A time, in microseconds. */
#define T0 1000000000LL

/* Default device: phy0 = 0, phy1 = 1, vf0 = 2 ... */
#define PHY0 0
#define PHY1 1

/* A byte bucket of 'rate' bytes/s and 'burst' bytes and a packet bucket of
 * 'prate' packets/s and 'pburst' packets, as the model makes them. */
static void
init_pair(struct fp_meter *bytes, struct fp_meter *pkts, uint64_t rate,
          uint64_t burst, uint64_t prate, uint64_t pburst)
{
    struct fp_meter_config b = {
        .type = FP_METER_SRTCM, .cir = rate, .cbs = burst,
    };
    struct fp_meter_config p = {
        .type = FP_METER_SRTCM, .pkts = true, .cir = prate, .cbs = pburst,
    };

    assert_int_equal(fp_meter_config_check(&b), 0);
    assert_int_equal(fp_meter_config_check(&p), 0);
    fp_meter_init(bytes, &b, T0);
    fp_meter_init(pkts, &p, T0);
}

/* A packet passes only if both buckets have enough, and only then takes
 * from both: a packet that the packet bucket drops leaves the byte bucket
 * alone, and the other way round. */
static void
test_fp_police_take_all(void **state OVS_UNUSED)
{
    struct fp_meter bytes, pkts;
    struct fp_meter *both[2] = { &bytes, &pkts };
    struct fp_meter_stats st;
    int i, passed;

    /* 1000 bytes/s, burst 300 bytes; 10 packets/s, burst 2 packets. */
    init_pair(&bytes, &pkts, 1000, 300, 10, 2);

    /* 100-byte packets: the packet bucket is the limit (2), and the byte
     * bucket keeps what the dropped packets did not take. */
    for (passed = i = 0; i < 5; i++) {
        passed += fp_meter_take_all(both, 2, 100, T0) != FP_METER_RED;
    }
    assert_int_equal(passed, 2);

    /* 100 ms later: 1 packet and 100 bytes more, so 1 packet and 200
     * bytes: one 200-byte packet passes, then nothing. */
    assert_int_equal(fp_meter_take_all(both, 2, 200, T0 + 100000),
                     FP_METER_GREEN);
    assert_int_equal(fp_meter_take_all(both, 2, 1, T0 + 100000),
                     FP_METER_RED);

    /* 300 ms later: 3 packets (capped at 2) and 300 bytes (capped at
     * 300): a 250-byte packet passes, a 100-byte one then finds 50 bytes
     * and is dropped without taking the last packet token, which a 50-byte
     * packet then takes. */
    assert_int_equal(fp_meter_take_all(both, 2, 250, T0 + 400000),
                     FP_METER_GREEN);
    assert_int_equal(fp_meter_take_all(both, 2, 100, T0 + 400000),
                     FP_METER_RED);
    assert_int_equal(fp_meter_take_all(both, 2, 50, T0 + 400000),
                     FP_METER_GREEN);
    assert_int_equal(fp_meter_take_all(both, 2, 0, T0 + 400000),
                     FP_METER_RED);

    /* Each meter counts as dropped what it found red, and as passed what
     * passed both. */
    fp_meter_read(&bytes, &st);
    assert_int_equal(st.pass_packets, 5);
    assert_int_equal(st.pass_bytes, 700);
    assert_int_equal(st.drop_packets, 2);
    fp_meter_read(&pkts, &st);
    assert_int_equal(st.pass_packets, 5);
    assert_int_equal(st.drop_packets, 5);

    fp_meter_destroy(&bytes);
    fp_meter_destroy(&pkts);
}

/* A steady offered load of twice the rate: exactly the rate passes. */
static void
test_fp_police_rate(void **state OVS_UNUSED)
{
    struct fp_meter bytes, pkts;
    struct fp_meter *one[1] = { &bytes };
    long long int t;
    int passed = 0, offered = 0;

    /* 125000 bytes/s (1000 kbit/s), burst 1250 bytes (10 kbit): 125-byte
     * packets, 20 every 10 ms (2000 kbit/s). */
    init_pair(&bytes, &pkts, 125000, 1250, 1, 1);
    for (t = T0; t < T0 + 1000000; t += 10000) {
        int i;

        for (i = 0; i < 20; i++) {
            passed += fp_meter_take_all(one, 1, 125, t) != FP_METER_RED;
            offered++;
        }
    }
    assert_int_equal(offered, 2000);
    assert_int_equal(passed, 1000);

    fp_meter_destroy(&bytes);
    fp_meter_destroy(&pkts);
}

static int
setup_dev(void **state)
{
    struct fp_device *dev;

    assert_int_equal(fp_device_create("fp0", NULL, &dev), 0);
    *state = dev;
    return 0;
}

static int
teardown_dev(void **state)
{
    fp_device_destroy(*state);
    return 0;
}

/* A frame of 'size' bytes, untagged, of the local experimental ethertype
 * 0x88b5 (its content does not matter here). */
static void
make_frame(uint8_t *frame, size_t size)
{
    memset(frame, 0, size);
    memset(frame, 0x02, 12);
    frame[12] = 0x88;
    frame[13] = 0xb5;
}

/* Injects 'n' frames of 'size' bytes into phy0 and returns how many went
 * out of phy1 (the rule of setup_rule()). */
static uint64_t
inject(struct fp_device *dev, int n, size_t size)
{
    uint8_t frame[2048];
    struct fp_port_stats before, after;

    make_frame(frame, size);
    fp_port_get_stats(dev, PHY1, &before);
    while (n-- > 0) {
        assert_int_equal(fp_port_inject(dev, PHY0, frame, size), 0);
    }
    fp_port_get_stats(dev, PHY1, &after);
    return after.tx_packets - before.tx_packets;
}

/* phy0 -> phy1, so that a packet that passes the policer is counted
 * out of phy1. */
static void
setup_rule(struct fp_device *dev)
{
    struct fp_rule rule;
    uint32_t id;

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = PHY0;
    rule.mask.in_port = UINT32_MAX;
    rule.n_actions = 1;
    rule.actions[0].type = FP_ACTION_OUTPUT;
    rule.actions[0].port = PHY1;
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
}

/* The model's port policer: bytes without the Ethernet header, a burst,
 * counters, the trace, a reset, removal.  The rate is so low (1 kbit/s,
 * 125 bytes/s) that the real time a test takes does not refill a frame
 * (1000 bytes: 8 seconds). */
static void
test_fp_police_port(void **state)
{
    struct fp_device *dev = *state;
    struct fp_port_policer p = { .kbits_rate = 1, .kbits_burst = 16 };
    struct fp_port_policer got;
    struct fp_port_stats st;
    struct fp_trace trace;
    uint8_t frame[1014];

    setup_rule(dev);

    /* No policer: everything passes. */
    fp_port_get_policer(dev, PHY0, &got);
    assert_int_equal(got.kbits_rate, 0);
    assert_int_equal(inject(dev, 3, 1014), 3);

    /* Burst 16 kbit = 2000 bytes: two frames of 1014 bytes, 1000 without
     * the Ethernet header (three if nothing were counted, one if the
     * header were). */
    assert_int_equal(fp_port_set_policer(dev, PHY0, &p), 0);
    fp_port_get_policer(dev, PHY0, &got);
    assert_memory_equal(&got, &p, sizeof p);

    /* A dry trace takes nothing and says what is in the bucket. */
    make_frame(frame, sizeof frame);
    memset(&trace, 0, sizeof trace);
    trace.dry = true;
    assert_int_equal(fp_port_trace(dev, PHY0, frame, sizeof frame, true,
                                   &trace), 0);
    assert_int_equal(trace.ingress, FP_TRACE_ADMITTED);
    assert_int_equal(trace.policer_bytes, 2000);
    assert_int_equal(trace.policer.kbits_rate, 1);
    fp_trace_uninit(&trace);

    assert_int_equal(inject(dev, 5, 1014), 2);
    fp_port_get_stats(dev, PHY0, &st);
    assert_int_equal(st.rx_packets, 5);
    assert_int_equal(st.policer_drops, 3);
    assert_int_equal(st.drops, 3);

    /* Now a dry trace says the next frame would be dropped, and a live
     * one (fp/inject) that it was. */
    memset(&trace, 0, sizeof trace);
    trace.dry = true;
    assert_int_equal(fp_port_trace(dev, PHY0, frame, sizeof frame, true,
                                   &trace), 0);
    assert_int_equal(trace.ingress, FP_TRACE_POLICED);
    fp_trace_uninit(&trace);
    memset(&trace, 0, sizeof trace);
    assert_int_equal(fp_port_trace(dev, PHY0, frame, sizeof frame, false,
                                   &trace), 0);
    assert_int_equal(trace.ingress, FP_TRACE_POLICED);
    fp_trace_uninit(&trace);
    fp_port_get_stats(dev, PHY0, &st);
    assert_int_equal(st.policer_drops, 4);

    /* phy1 has no policer. */
    fp_port_get_stats(dev, PHY1, &st);
    assert_int_equal(st.policer_drops, 0);

    /* A reset keeps the policer, and its empty bucket. */
    assert_int_equal(fp_device_reset(dev), 0);
    setup_rule(dev);
    fp_port_get_policer(dev, PHY0, &got);
    assert_memory_equal(&got, &p, sizeof p);
    assert_int_equal(inject(dev, 2, 1014), 0);
    fp_port_get_stats(dev, PHY0, &st);
    assert_int_equal(st.policer_drops, 2);

    /* A new policer starts full; setting the same one changes nothing. */
    p.kbits_burst = 8;
    assert_int_equal(fp_port_set_policer(dev, PHY0, &p), 0);
    assert_int_equal(fp_port_set_policer(dev, PHY0, &p), 0);
    assert_int_equal(inject(dev, 2, 1014), 1);

    /* Both buckets: the packet bucket (1000 packets) is no limit here. */
    p.kpkts_rate = 1;
    p.kpkts_burst = 1;
    assert_int_equal(fp_port_set_policer(dev, PHY0, &p), 0);
    assert_int_equal(inject(dev, 3, 1014), 1);

    /* Removed: everything passes. */
    memset(&p, 0, sizeof p);
    assert_int_equal(fp_port_set_policer(dev, PHY0, &p), 0);
    assert_int_equal(inject(dev, 10, 1014), 10);
}

/* Packets that come in through fp_port_receive_batch() (as those of a
 * Linux interface endpoint do) are policed too, on the way into the RX
 * ring. */
static void
test_fp_police_batch(void **state)
{
    struct fp_device *dev = *state;
    struct fp_port_policer p = { .kbits_rate = 1, .kbits_burst = 24 };
    struct fp_packet pkts[5];
    struct fp_port_stats st;
    uint8_t frame[1014];
    size_t i, n_queued;

    setup_rule(dev);
    assert_int_equal(fp_port_set_policer(dev, PHY0, &p), 0);
    make_frame(frame, sizeof frame);
    for (i = 0; i < ARRAY_SIZE(pkts); i++) {
        pkts[i].data = frame;
        pkts[i].size = sizeof frame;
    }
    assert_int_equal(fp_port_receive_batch(dev, PHY0, pkts, 5, &n_queued),
                     0);
    assert_int_equal(n_queued, 3);
    assert_int_equal(fp_device_flush(dev), 0);
    fp_port_get_stats(dev, PHY0, &st);
    assert_int_equal(st.rx_packets, 3);
    assert_int_equal(st.policer_drops, 2);
    assert_int_equal(st.drops, 2);
    fp_port_get_stats(dev, PHY1, &st);
    assert_int_equal(st.tx_packets, 3);
}

/* What fp_port_set_policer() refuses, and leaves alone. */
static void
test_fp_police_bad(void **state)
{
    struct fp_device *dev = *state;
    struct fp_port_policer p = { .kbits_rate = 1000, .kbits_burst = 0 };
    struct fp_port_policer got;

    assert_int_equal(fp_port_set_policer(dev, PHY0, &p), EINVAL);
    p = (struct fp_port_policer) { .kpkts_rate = 1 };
    assert_int_equal(fp_port_set_policer(dev, PHY0, &p), EINVAL);
    p = (struct fp_port_policer) { .kbits_rate = 1, .kbits_burst = 1 };
    assert_int_equal(fp_port_set_policer(dev, 4096, &p), EINVAL);
    fp_port_get_policer(dev, PHY0, &got);
    assert_int_equal(got.kbits_rate, 0);

    /* A burst without a rate is ignored. */
    p = (struct fp_port_policer) { .kbits_burst = 5, .kpkts_burst = 5 };
    assert_int_equal(fp_port_set_policer(dev, PHY0, &p), 0);
    fp_port_get_policer(dev, PHY0, &got);
    assert_int_equal(got.kbits_burst, 0);
    assert_int_equal(got.kpkts_burst, 0);

    /* The largest values that OVS passes (it clamps to UINT32_MAX) run. */
    p = (struct fp_port_policer) {
        .kbits_rate = UINT32_MAX, .kbits_burst = UINT32_MAX,
        .kpkts_rate = UINT32_MAX, .kpkts_burst = UINT32_MAX,
    };
    assert_int_equal(fp_port_set_policer(dev, PHY0, &p), 0);
    setup_rule(dev);
    assert_int_equal(inject(dev, 10, 1500), 10);

    /* An injected fault: the port keeps its policer. */
    fp_device_fail_next(dev, FP_OP_PORT_POLICER, 1, EOPNOTSUPP);
    memset(&got, 0, sizeof got);
    assert_int_equal(fp_port_set_policer(dev, PHY0, &got), EOPNOTSUPP);
    fp_port_get_policer(dev, PHY0, &got);
    assert_int_equal(got.kbits_rate, UINT32_MAX);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_police_take_all),
        cmocka_unit_test(test_fp_police_rate),
        cmocka_unit_test_setup_teardown(test_fp_police_port, setup_dev,
                                        teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_police_batch, setup_dev,
                                        teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_police_bad, setup_dev,
                                        teardown_dev),
    };

    return cmocka_run_group_tests_name("fp-police", tests, NULL, NULL);
}
