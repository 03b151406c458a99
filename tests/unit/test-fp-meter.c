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

/* A copy of the arithmetic of OVS 3.1's dp_netdev_run_meter() and
 * dpif_netdev_meter_set() (lib/dpif-netdev.c), the judge of the model's
 * FP_METER_BANDS: a meter of up to REF_MAX_BANDS drop bands that meters a
 * batch of packets at one time. */
#define REF_MAX_BANDS 8         /* MAX_BANDS of dpif-netdev. */
#define REF_MAX_BURST 32        /* NETDEV_MAX_BURST. */

struct ref_band {
    uint8_t prec_level;         /* Nonzero: a dscp_remark band. */
    uint32_t rate;
    uint32_t burst_size;
    uint64_t bucket;
    uint64_t packet_count;
    uint64_t byte_count;
};

struct ref_meter {
    bool pktps;
    uint16_t n_bands;
    uint32_t max_delta_t;
    long long int used;
    uint64_t packet_count;
    uint64_t byte_count;
    struct ref_band bands[REF_MAX_BANDS];
};

static void
ref_meter_set(struct ref_meter *meter, bool pktps, size_t n_bands,
              const uint32_t rates[], const uint32_t bursts[],
              const uint8_t precs[], long long int now)
{
    size_t i;

    memset(meter, 0, sizeof *meter);
    meter->pktps = pktps;
    meter->n_bands = n_bands;
    meter->used = now;
    for (i = 0; i < n_bands; ++i) {
        uint32_t band_max_delta_t;

        meter->bands[i].prec_level = precs ? precs[i] : 0;
        meter->bands[i].rate = rates[i];
        meter->bands[i].burst_size = bursts[i] ? bursts[i] : rates[i];
        meter->bands[i].bucket = meter->bands[i].burst_size * 1000ULL;
        band_max_delta_t = meter->bands[i].bucket / meter->bands[i].rate;
        if (band_max_delta_t > meter->max_delta_t) {
            meter->max_delta_t = band_max_delta_t;
        }
    }
}

static void
ref_meter_run(struct ref_meter *meter, const uint32_t sizes[], int cnt,
              long long int now, bool passed[], uint8_t remarks[])
{
    int exceeded_band[REF_MAX_BURST];
    uint32_t exceeded_rate[REF_MAX_BURST];
    long long int long_delta_t;
    uint32_t delta_t, bytes, volume;
    int i, m;

    memset(exceeded_band, 0xff, cnt * sizeof *exceeded_band);
    memset(exceeded_rate, 0, cnt * sizeof *exceeded_rate);

    long_delta_t = now / 1000 - meter->used / 1000;
    if (long_delta_t < 0) {
        long_delta_t = 0;
    }
    delta_t = (long_delta_t > (long long int) meter->max_delta_t)
              ? meter->max_delta_t : (uint32_t) long_delta_t;

    meter->used = now;
    meter->packet_count += cnt;
    bytes = 0;
    for (i = 0; i < cnt; i++) {
        bytes += sizes[i];
    }
    meter->byte_count += bytes;
    volume = meter->pktps ? cnt * 1000 : bytes * 8;

    for (m = 0; m < meter->n_bands; ++m) {
        struct ref_band *band = &meter->bands[m];
        uint64_t max_bucket_size = band->burst_size * 1000ULL;

        band->bucket += (uint64_t) delta_t * band->rate;
        if (band->bucket > max_bucket_size) {
            band->bucket = max_bucket_size;
        }
        if (band->bucket >= volume) {
            band->bucket -= volume;
        } else if (meter->pktps) {
            int band_exceeded_pkt = band->bucket / 1000;

            band->bucket %= 1000;
            for (i = band_exceeded_pkt; i < cnt; i++) {
                if (band->rate > exceeded_rate[i]) {
                    exceeded_rate[i] = band->rate;
                    exceeded_band[i] = m;
                }
            }
        } else {
            for (i = 0; i < cnt; i++) {
                uint32_t bits = sizes[i] * 8;

                if (band->bucket >= bits) {
                    band->bucket -= bits;
                } else if (band->rate > exceeded_rate[i]) {
                    exceeded_rate[i] = band->rate;
                    exceeded_band[i] = m;
                }
            }
        }
    }

    for (i = 0; i < cnt; i++) {
        passed[i] = exceeded_band[i] < 0;
        remarks[i] = 0;
        if (!passed[i]) {
            struct ref_band *band = &meter->bands[exceeded_band[i]];

            band->packet_count++;
            band->byte_count += sizes[i];
            if (band->prec_level) {
                passed[i] = true;
                remarks[i] = band->prec_level;
            }
        }
    }
}

/* A pseudo-random number generator of our own (xorshift32), so that the
 * sequence is the same on every run. */
static uint32_t
ref_random(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* Runs the same batches through 'ref' and through a model meter with the
 * same bands, as netdev-offload-fp-meter.c translates them ('bursts[i]' 0
 * is dpif-netdev's default burst), and checks that every packet gets the
 * same verdict and that the counters are equal: packets and bytes in, and
 * each band's.  The batches come from 'seed': 1 to 32 packets of 60 to
 * 1514 bytes (or all of 'size', if nonzero), with times that go forward
 * by nothing, by less than a millisecond, by a few milliseconds or by many
 * seconds.  Returns how many packets passed. */
static uint64_t
ref_compare(bool pktps, size_t n_bands, const uint32_t rates[],
            const uint32_t bursts[], const uint8_t precs[], uint32_t seed,
            int n_batches, uint32_t size)
{
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .pkts = pktps, .n_bands = n_bands,
    };
    long long int now = T0 + 123;
    struct fp_meter_stats st;
    struct ref_meter ref;
    uint64_t n_passed = 0;
    struct fp_meter m;
    size_t i;
    int b, j;

    for (i = 0; i < n_bands; i++) {
        c.bands[i].rate = rates[i];
        c.bands[i].burst = bursts[i] ? bursts[i] : rates[i];
        c.bands[i].remark = precs && precs[i];
        c.bands[i].prec_level = precs ? precs[i] : 0;
    }
    assert_int_equal(fp_meter_config_check(&c), 0);
    fp_meter_init(&m, &c, now);
    ref_meter_set(&ref, pktps, n_bands, rates, bursts, precs, now);

    for (b = 0; b < n_batches; b++) {
        uint8_t remarks[REF_MAX_BURST];
        uint32_t sizes[REF_MAX_BURST];
        bool passed[REF_MAX_BURST];
        int cnt = 1 + ref_random(&seed) % REF_MAX_BURST;

        switch (ref_random(&seed) % 8) {
        case 0:
            break;
        case 1:
            now += ref_random(&seed) % 1000;
            break;
        case 7:
            now += (ref_random(&seed) % 100) * 1000000LL;
            break;
        default:
            now += ref_random(&seed) % 20000;
            break;
        }
        for (j = 0; j < cnt; j++) {
            sizes[j] = size ? size : 60 + ref_random(&seed) % 1455;
        }
        ref_meter_run(&ref, sizes, cnt, now, passed, remarks);
        for (j = 0; j < cnt; j++) {
            uint8_t remark;
            bool ok = (fp_meter_take_remark(&m, sizes[j], now, &remark)
                       != FP_METER_RED);

            assert_int_equal(ok, passed[j]);
            assert_int_equal(remark, remarks[j]);
            n_passed += ok;
        }
    }

    fp_meter_read(&m, &st);
    assert_int_equal(st.pass_packets + st.drop_packets, ref.packet_count);
    assert_int_equal(st.pass_bytes + st.drop_bytes, ref.byte_count);
    for (i = 0; i < n_bands; i++) {
        assert_int_equal(st.band_packets[i], ref.bands[i].packet_count);
        assert_int_equal(st.band_bytes[i], ref.bands[i].byte_count);
    }
    for (; i < FP_METER_MAX_BANDS; i++) {
        assert_int_equal(st.band_packets[i], 0);
    }
    fp_meter_destroy(&m);
    return n_passed;
}

/* Byte mode (kbps), one band and several, with and without a burst, frames
 * of every size: the model's verdicts and counters are dpif-netdev's. */
static void
test_fp_meter_ref_kbps(void **state OVS_UNUSED)
{
    static const uint32_t rates[] = { 1000, 64, 10000, 300, 5, 100000,
                                      777, 20000 };
    static const uint32_t bursts[] = { 200, 0, 1000, 0, 40, 3000, 1, 0 };
    uint32_t seed;
    size_t n;

    for (n = 1; n <= FP_METER_MAX_BANDS; n++) {
        for (seed = 1; seed <= 20; seed++) {
            ref_compare(false, n, rates, bursts, NULL, seed * 7919, 300, 0);
        }
    }
}

/* Packet mode (pktps), one band and several, with and without a burst. */
static void
test_fp_meter_ref_pktps(void **state OVS_UNUSED)
{
    static const uint32_t rates[] = { 100, 7, 1000, 30, 2, 5000, 100, 64 };
    static const uint32_t bursts[] = { 20, 0, 50, 0, 3, 0, 200, 1 };
    uint32_t seed;
    size_t n;

    for (n = 1; n <= FP_METER_MAX_BANDS; n++) {
        for (seed = 1; seed <= 20; seed++) {
            ref_compare(true, n, rates, bursts, NULL, seed * 104729, 300, 0);
        }
    }
}

/* Random bands: rates and bursts from tiny to large, 1 to 8 bands. */
static void
test_fp_meter_ref_random(void **state OVS_UNUSED)
{
    uint32_t seed = 2026;
    int k;

    for (k = 0; k < 400; k++) {
        uint32_t rates[FP_METER_MAX_BANDS], bursts[FP_METER_MAX_BANDS];
        uint8_t precs[FP_METER_MAX_BANDS];
        size_t n = 1 + ref_random(&seed) % FP_METER_MAX_BANDS;
        bool pktps = ref_random(&seed) % 2;
        size_t i;

        for (i = 0; i < n; i++) {
            rates[i] = 1 + ref_random(&seed) % (ref_random(&seed) % 2
                                                ? 100 : 100000);
            bursts[i] = ref_random(&seed) % 3
                        ? ref_random(&seed) % (rates[i] * 2 + 1) : 0;
            /* Half the meters have dscp_remark bands among their drop
             * bands. */
            precs[i] = k % 2 ? ref_random(&seed) % 4 : 0;
        }
        ref_compare(pktps, n, rates, bursts, precs, ref_random(&seed), 100,
                    0);
    }
}

/* A meter at rate R, offered 2R in steady state, lets R through: 1000
 * kbit/s and 1000-byte frames, 25 frames every 100 ms for 2 s after the
 * burst is spent, and 100 packets/s offered 20 every 100 ms. */
static void
test_fp_meter_rate(void **state OVS_UNUSED)
{
    static const uint32_t kbps_rate[] = { 1000 }, kbps_burst[] = { 200 };
    static const uint32_t pps_rate[] = { 100 }, pps_burst[] = { 20 };
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .n_bands = 1,
        .bands = { { .rate = 1000, .burst = 200 } },
    };
    struct fp_meter m;
    int passed = 0;
    int k;

    /* The burst, 200 kbit, is 25 frames of 8000 bits. */
    fp_meter_init(&m, &c, T0);
    assert_int_equal(meter_send(&m, 30, 1000, T0), 25);
    for (k = 1; k <= 20; k++) {
        passed += meter_send(&m, 25, 1000, T0 + k * 100 * 1000);
    }
    /* 2 s at 1000 kbit/s is 2,000,000 bits, 250 frames. */
    assert_int_equal(passed, 250);
    fp_meter_destroy(&m);

    c.pkts = true;
    c.bands[0].rate = 100;
    c.bands[0].burst = 20;
    fp_meter_init(&m, &c, T0);
    assert_int_equal(meter_send(&m, 30, 60, T0), 20);
    passed = 0;
    for (k = 1; k <= 20; k++) {
        passed += meter_send(&m, 20, 60, T0 + k * 100 * 1000);
    }
    assert_int_equal(passed, 200);
    fp_meter_destroy(&m);

    /* And the same as dpif-netdev over a random sequence. */
    ref_compare(false, 1, kbps_rate, kbps_burst, NULL, 99, 500, 1000);
    ref_compare(true, 1, pps_rate, pps_burst, NULL, 99, 500, 60);
}

/* dpif-netdev keeps the time that each band takes to fill in 32 bits, and
 * the longest refill step is the largest of those: a band of rate 999 and
 * a burst of 4290672349 packets takes 2^32 + 20 ms, which dpif-netdev cuts
 * to 20 ms, so that the band of rate 1 and burst 1 sets the step, 1000
 * ms, and refills its packet after 10 s (not after 20 ms of refill, as
 * with the largest cut to 32 bits). */
static void
test_fp_meter_max_delta_32(void **state OVS_UNUSED)
{
    static const uint32_t rates[] = { 1, 999 };
    static const uint32_t bursts[] = { 1, 4290672349U };
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .pkts = true, .n_bands = 2,
        .bands = { { .rate = 1, .burst = 1 },
                   { .rate = 999, .burst = 4290672349U } },
    };
    struct fp_meter m;

    fp_meter_init(&m, &c, T0);
    assert_int_equal(meter_send(&m, 2, 60, T0), 1);
    assert_int_equal(meter_send(&m, 2, 60, T0 + 10 * 1000 * 1000), 1);
    fp_meter_destroy(&m);

    ref_compare(true, 2, rates, bursts, NULL, 5, 300, 60);
}

/* The drop precedence arithmetic of dscp_remark bands: AFxy (8x + 2y) gets
 * y + prec_level, at most 3; other codepoints stay. */
static void
test_fp_meter_remark_dscp(void **state OVS_UNUSED)
{
    static const struct {
        uint8_t dscp, prec, result;
    } cases[] = {
        { 10, 1, 12 },          /* AF11 -> AF12. */
        { 10, 2, 14 },          /* AF11 -> AF13. */
        { 10, 3, 14 },          /* AF11 -> AF13, at most. */
        { 10, 255, 14 },
        { 12, 1, 14 },          /* AF12 -> AF13. */
        { 14, 1, 14 },          /* AF13 stays. */
        { 18, 2, 22 },          /* AF21 -> AF23. */
        { 26, 1, 28 },          /* AF31 -> AF32. */
        { 34, 1, 36 },          /* AF41 -> AF42. */
        { 10, 0, 10 },          /* No level. */
        { 0, 1, 0 },            /* Best effort. */
        { 8, 1, 8 },            /* CS1. */
        { 40, 1, 40 },          /* CS5. */
        { 42, 1, 42 },          /* Class 5 has no AF. */
        { 46, 1, 46 },          /* EF. */
        { 11, 1, 11 },          /* Not a codepoint of RFC 2597. */
        { 63, 1, 63 },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        assert_int_equal(fp_meter_remark_dscp(cases[i].dscp, cases[i].prec),
                         cases[i].result);
    }
}

/* A packet whose band is a dscp_remark band goes on (yellow), with the
 * band's prec_level, and counts in the band; a drop band of a higher rate
 * that it also exceeds drops it. */
static void
test_fp_meter_remark_bands(void **state OVS_UNUSED)
{
    static const uint32_t rates[] = { 2, 4 }, bursts[] = { 2, 4 };
    static const uint8_t precs[] = { 2, 0 };
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .pkts = true, .n_bands = 2,
        .bands = { { .rate = 2, .burst = 2, .remark = true,
                     .prec_level = 2 },
                   { .rate = 4, .burst = 4 } },
    };
    enum fp_meter_color colors[6];
    uint8_t remarks[6];
    struct fp_meter_stats st;
    struct fp_meter m;
    int i;

    fp_meter_init(&m, &c, T0);
    for (i = 0; i < 6; i++) {
        colors[i] = fp_meter_take_remark(&m, 60, T0, &remarks[i]);
    }
    assert_int_equal(colors[0], FP_METER_GREEN);
    assert_int_equal(colors[1], FP_METER_GREEN);
    assert_int_equal(colors[2], FP_METER_YELLOW);
    assert_int_equal(colors[3], FP_METER_YELLOW);
    assert_int_equal(colors[4], FP_METER_RED);
    assert_int_equal(colors[5], FP_METER_RED);
    assert_int_equal(remarks[0], 0);
    assert_int_equal(remarks[2], 2);
    assert_int_equal(remarks[3], 2);
    assert_int_equal(remarks[4], 0);
    fp_meter_read(&m, &st);
    assert_int_equal(st.pass_packets, 4);
    assert_int_equal(st.drop_packets, 2);
    assert_int_equal(st.band_packets[0], 2);
    assert_int_equal(st.band_packets[1], 2);
    fp_meter_destroy(&m);

    ref_compare(true, 2, rates, bursts, precs, 17, 300, 60);
    ref_compare(false, 2, rates, bursts, precs, 17, 300, 0);
}

static void
test_fp_meter_check(void **state OVS_UNUSED)
{
    struct fp_meter_config c = {
        .type = FP_METER_BANDS, .n_bands = 0,
    };
    size_t i;

    assert_int_equal(fp_meter_config_check(&c), EINVAL);
    /* As many bands as dpif-netdev takes. */
    assert_int_equal(FP_METER_MAX_BANDS, REF_MAX_BANDS);
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
    uint8_t remarks[2];
    struct fp_meter_stats st;
    struct fp_device *dev;
    struct fp_rule rule;
    uint32_t i, id;

    assert_int_equal(fp_device_create("meter", NULL, &dev), 0);
    for (i = 0; i < fp_device_n_ports(dev); i++) {
        assert_int_equal(fp_port_set_endpoint(dev, i, &count_ops, NULL), 0);
    }
    assert_int_equal(fp_meter_police(dev, 5, sizes, 2, time_usec(), passed,
                                     remarks),
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
    assert_int_equal(fp_meter_police(dev, 5, sizes, 2, time_usec(), passed,
                                     remarks),
                     0);
    assert_true(passed[0] && passed[1]);

    /* ...so that of 3 packets, the NIC lets one through. */
    for (i = 0; i < 3; i++) {
        assert_int_equal(fp_port_inject(dev, 0, frame, sizeof frame), 0);
    }
    assert_int_equal(n_sent, 1);
    assert_int_equal(fp_meter_police(dev, 5, sizes, 1, time_usec(), passed,
                                     remarks),
                     0);
    assert_false(passed[0]);

    assert_int_equal(fp_meter_get_stats(dev, 5, &st), 0);
    assert_int_equal(st.pass_packets, 3);
    assert_int_equal(st.drop_packets, 3);
    assert_int_equal(st.band_packets[0], 3);
    assert_int_equal(st.band_bytes[0], 180);

    assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
    assert_int_equal(fp_meter_delete(dev, 5), 0);
    assert_int_equal(fp_meter_police(dev, 5, sizes, 1, time_usec(), passed,
                                     remarks),
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
        uint8_t remark;

        fp_meter_init(&m, c, T0);
        fp_meter_peek(&m, 60, T0, &config, levels, &remark);
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
            color = fp_meter_peek(&m, size, now, &config, levels, &remark);
            color2 = fp_meter_peek(&m, size, now, &config, again, &remark);
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
        cmocka_unit_test(test_fp_meter_ref_kbps),
        cmocka_unit_test(test_fp_meter_ref_pktps),
        cmocka_unit_test(test_fp_meter_ref_random),
        cmocka_unit_test(test_fp_meter_rate),
        cmocka_unit_test(test_fp_meter_max_delta_32),
        cmocka_unit_test(test_fp_meter_remark_dscp),
        cmocka_unit_test(test_fp_meter_remark_bands),
    };

    return cmocka_run_group_tests_name("fp_meter", tests, NULL, NULL);
}
