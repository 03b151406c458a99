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

/* Unit tests of the model's rule table (lib/fp-table.c). */
/* Unit tests of lib/fp-meter.c's OpenFlow drop bands (FP_METER_BANDS),
 * which must do dpif-netdev's arithmetic: kilobits or packets, buckets in
 * bits or 1/1000 packets, refills in whole milliseconds, the band of the
 * highest rate exceeded. */

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
#include "timeval.h"
#include "util.h"

/* A time, in microseconds, at the start of a millisecond. */
#define T0 1000000000LL

/* Sends 'n' packets of 'size' bytes through 'm' at time 'now' and returns
 * how many passed. */
static int
meter_send(struct fp_meter *m, int n, uint32_t size, long long int now)
{
    int passed = 0;

    while (n-- > 0) {
        passed += fp_meter_take(m, size, now) != FP_METER_RED;
    }
    return passed;
}

/* kbps, rate 1, burst 2 kbit: a 60-byte frame takes 480 bits of 2000. */
static void
test_fp_meter_kbps(void **state OVS_UNUSED)
{
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .n_bands = 1,
        .bands = { { .rate = 1, .burst = 2 } },
    };
    struct fp_meter_stats st;
    struct fp_meter m;

    assert_int_equal(fp_meter_config_check(&c), 0);
    fp_meter_init(&m, &c, T0);
    assert_int_equal(meter_send(&m, 7, 60, T0), 4);

    /* 870 ms give 870 bits: 80 + 870 = 950, one frame. */
    assert_int_equal(meter_send(&m, 5, 60, T0 + 870 * 1000), 1);

    /* 10 ms more give 10 bits: 470 + 10 = 480, one frame. */
    assert_int_equal(meter_send(&m, 5, 60, T0 + 880 * 1000), 1);

    fp_meter_read(&m, &st);
    assert_int_equal(st.pass_packets, 6);
    assert_int_equal(st.pass_bytes, 360);
    assert_int_equal(st.drop_packets, 11);
    assert_int_equal(st.drop_bytes, 660);
    assert_int_equal(st.band_packets[0], 11);
    assert_int_equal(st.band_bytes[0], 660);
    fp_meter_destroy(&m);
}

/* The bucket fills in whole milliseconds: 999 us after the start of a
 * millisecond give nothing, 1000 us give 'rate' bits.  Larger frames take
 * more. */
static void
test_fp_meter_kbps_steps(void **state OVS_UNUSED)
{
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .n_bands = 1,
        .bands = { { .rate = 800, .burst = 1 } },
    };
    struct fp_meter m;

    fp_meter_init(&m, &c, T0);
    assert_int_equal(meter_send(&m, 1, 125, T0), 1);      /* 1000 bits. */
    assert_int_equal(meter_send(&m, 1, 100, T0 + 999), 0);
    assert_int_equal(meter_send(&m, 1, 100, T0 + 1000), 1);  /* 800 bits. */
    assert_int_equal(meter_send(&m, 1, 100, T0 + 1999), 0);
    /* A long wait counts as the time the band takes to fill, rounded down
     * to whole milliseconds as dpif-netdev does: 1 ms, 800 bits, so that
     * the 1000 bits of a full bucket never come back here. */
    assert_int_equal(meter_send(&m, 1, 125, T0 + 60 * 1000 * 1000), 0);
    assert_int_equal(meter_send(&m, 3, 100, T0 + 60 * 1000 * 1000), 1);
    fp_meter_destroy(&m);
}

/* pktps with a default-sized burst: rate 10, burst 10. */
static void
test_fp_meter_pktps(void **state OVS_UNUSED)
{
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .pkts = true, .n_bands = 1,
        .bands = { { .rate = 10, .burst = 10 } },
    };
    struct fp_meter m;

    fp_meter_init(&m, &c, T0);
    assert_int_equal(meter_send(&m, 150, 1500, T0), 10);
    /* 1/10 s is one packet; 99 ms are 990/1000 of one. */
    assert_int_equal(meter_send(&m, 5, 60, T0 + 99 * 1000), 0);
    assert_int_equal(meter_send(&m, 5, 60, T0 + 100 * 1000), 1);
    fp_meter_destroy(&m);
}

/* A packet that several bands cannot take counts in the one of the highest
 * rate, the first of them on a tie; a band it fits in still takes it. */
static void
test_fp_meter_bands(void **state OVS_UNUSED)
{
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .pkts = true, .n_bands = 3,
        .bands = { { .rate = 5, .burst = 2 }, { .rate = 10, .burst = 4 },
                   { .rate = 10, .burst = 5 } },
    };
    struct fp_meter_stats st;
    struct fp_meter m;

    fp_meter_init(&m, &c, T0);
    assert_int_equal(meter_send(&m, 7, 60, T0), 2);
    fp_meter_read(&m, &st);
    /* Packets 3 and 4 exceed band 0 only; 5 exceeds bands 0 and 1 (band 1
     * counts); 6 and 7 exceed all three (band 1, first of rate 10). */
    assert_int_equal(st.band_packets[0], 2);
    assert_int_equal(st.band_packets[1], 3);
    assert_int_equal(st.band_packets[2], 0);
    assert_int_equal(st.drop_packets, 5);
    fp_meter_destroy(&m);
}

static void
test_fp_meter_check(void **state OVS_UNUSED)
{
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .n_bands = 0,
    };
    size_t i;

    assert_int_equal(fp_meter_config_check(&c), EINVAL);
    c.n_bands = FP_METER_MAX_BANDS + 1;
    assert_int_equal(fp_meter_config_check(&c), EINVAL);
    c.n_bands = FP_METER_MAX_BANDS;
    for (i = 0; i < FP_METER_MAX_BANDS; i++) {
        c.bands[i].rate = c.bands[i].burst = 1;
    }
    assert_int_equal(fp_meter_config_check(&c), 0);
    c.bands[1].rate = 0;
    assert_int_equal(fp_meter_config_check(&c), EINVAL);
    c.bands[1].rate = 1;
    c.bands[2].burst = 0;
    assert_int_equal(fp_meter_config_check(&c), EINVAL);
}

static size_t n_sent;

static int
count_send(void *aux OVS_UNUSED, uint32_t port OVS_UNUSED,
           const void *data OVS_UNUSED, size_t size OVS_UNUSED)
{
    n_sent++;
    return 0;
}

static const struct fp_endpoint_ops count_ops = { .send = count_send };

/* The host's packets (fp_meter_police()) and the NIC's own share the
 * meter's bucket and counters.  The band holds 3 packets and never refills
 * (its rate would fill it in under a millisecond, which dpif-netdev rounds
 * down to no time at all), so the test does not depend on the clock. */
static void
test_fp_meter_police_shared(void **state OVS_UNUSED)
{
    static const uint8_t frame[60] = {
        0x50, 0x54, 0x00, 0x00, 0x00, 0x02, 0x50, 0x54, 0x00, 0x00, 0x00,
        0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x00, 0x00,
        0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00,
        0x02, 0x04, 0xd2, 0x00, 0x35, 0x00, 0x1a,
    };
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .pkts = true, .n_bands = 1,
        .bands = { { .rate = 4000, .burst = 3 } },
    };
    uint32_t sizes[2] = { 60, 60 };
    bool passed[2] = { false, false };
    struct fp_meter_stats st;
    struct fp_device *dev;
    struct fp_rule rule;
    uint32_t i, id;

    assert_int_equal(fp_device_create("meter", NULL, &dev), 0);
    for (i = 0; i < fp_device_n_ports(dev); i++) {
        assert_int_equal(fp_port_set_endpoint(dev, i, &count_ops, NULL), 0);
    }
    assert_int_equal(fp_meter_police(dev, 5, sizes, 2, time_usec(), passed),
                     ENOENT);
    assert_int_equal(fp_meter_set(dev, 5, &c), 0);

    memset(&rule, 0, sizeof rule);
    rule.mask.in_port = UINT32_MAX;
    rule.actions[0].type = FP_ACTION_METER;
    rule.actions[0].meter_id = 5;
    rule.actions[1].type = FP_ACTION_OUTPUT;
    rule.actions[1].port = 1;
    rule.n_actions = 2;
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

    /* The host takes 2 of the 3 packets of the bucket... */
    assert_int_equal(fp_meter_police(dev, 5, sizes, 2, time_usec(), passed),
                     0);
    assert_true(passed[0] && passed[1]);

    /* ...so that of 3 packets, the NIC lets one through. */
    for (i = 0; i < 3; i++) {
        assert_int_equal(fp_port_inject(dev, 0, frame, sizeof frame), 0);
    }
    assert_int_equal(n_sent, 1);
    assert_int_equal(fp_meter_police(dev, 5, sizes, 1, time_usec(), passed),
                     0);
    assert_false(passed[0]);

    assert_int_equal(fp_meter_get_stats(dev, 5, &st), 0);
    assert_int_equal(st.pass_packets, 3);
    assert_int_equal(st.drop_packets, 3);
    assert_int_equal(st.band_packets[0], 3);
    assert_int_equal(st.band_bytes[0], 180);

    assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
    assert_int_equal(fp_meter_delete(dev, 5), 0);
    assert_int_equal(fp_meter_police(dev, 5, sizes, 1, time_usec(), passed),
                     ENOENT);
    fp_device_destroy(dev);
}

/* fp_meter_peek() gives the colour that fp_meter_take() then gives, with
 * the buckets as the packet finds them, and changes nothing: a second peek
 * gives the same, and the counters do not move.  For every kind of meter,
 * over packets of several sizes and times. */
static void
test_fp_meter_peek(void **state OVS_UNUSED)
{
    static const struct fp_meter_config configs[] = {
        { .type = FP_METER_BANDS, .n_bands = 2,
          .bands = { { .rate = 1, .burst = 2 }, { .rate = 5, .burst = 1 } } },
        { .type = FP_METER_SRTCM, .cir = 1000, .cbs = 300, .ebs = 200 },
        { .type = FP_METER_TRTCM, .cir = 1000, .cbs = 200, .pir = 2000,
          .ebs = 300 },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(configs); i++) {
        const struct fp_meter_config *c = &configs[i];
        uint64_t levels[FP_METER_MAX_BANDS], again[FP_METER_MAX_BANDS];
        struct fp_meter_config config;
        struct fp_meter_stats st0, st1;
        struct fp_meter m;
        int greens = 0, reds = 0, k;

        fp_meter_init(&m, c, T0);
        fp_meter_peek(&m, 60, T0, &config, levels);
        assert_memory_equal(&config, c, sizeof config);
        if (c->type == FP_METER_BANDS) {
            assert_int_equal(levels[0], 2000);
            assert_int_equal(levels[1], 1000);
        } else {
            assert_int_equal(levels[0], c->cbs);
            assert_int_equal(levels[1], c->ebs);
        }
        for (k = 0; k < 40; k++) {
            long long int now = T0 + k * 7919LL;
            uint32_t size = 40 + (k * 37) % 120;
            enum fp_meter_color color, color2, taken;

            fp_meter_read(&m, &st0);
            color = fp_meter_peek(&m, size, now, &config, levels);
            color2 = fp_meter_peek(&m, size, now, &config, again);
            fp_meter_read(&m, &st1);
            assert_int_equal(color, color2);
            assert_memory_equal(levels, again, sizeof levels);
            assert_memory_equal(&st0, &st1, sizeof st0);

            taken = fp_meter_take(&m, size, now);
            assert_int_equal(color, taken);
            greens += taken == FP_METER_GREEN;
            reds += taken == FP_METER_RED;
        }
        /* The sequence exercises both outcomes. */
        assert_true(greens > 0);
        assert_true(reds > 0);
        fp_meter_destroy(&m);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_meter_kbps),
        cmocka_unit_test(test_fp_meter_kbps_steps),
        cmocka_unit_test(test_fp_meter_pktps),
        cmocka_unit_test(test_fp_meter_bands),
        cmocka_unit_test(test_fp_meter_check),
        cmocka_unit_test(test_fp_meter_police_shared),
        cmocka_unit_test(test_fp_meter_peek),
    };

    return cmocka_run_group_tests_name("fp_meter", tests, NULL, NULL);
}
