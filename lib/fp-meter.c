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

#include <config.h>

#include "fp-meter.h"

#include <errno.h>
#include <string.h>

#include "util.h"

/* Bucket contents are kept in units * FP_METER_SCALE, so that a rate in
 * units per second adds 'rate' per microsecond. */
#define FP_METER_SCALE 1000000ULL

/* Returns 0 if 'config' is a meter that the model can run, EINVAL
 * otherwise: an unknown type, a zero committed rate or burst, for trTCM a
 * peak rate below the committed one or a zero peak burst, a burst too
 * large to scale, or for bands none or more than FP_METER_MAX_BANDS, or a
 * zero rate or burst. */
int
fp_meter_config_check(const struct fp_meter_config *config)
{
    size_t i;

    if (config->type == FP_METER_BANDS) {
        if (!config->n_bands || config->n_bands > FP_METER_MAX_BANDS) {
            return EINVAL;
        }
        for (i = 0; i < config->n_bands; i++) {
            if (!config->bands[i].rate || !config->bands[i].burst) {
                return EINVAL;
            }
        }
        return 0;
    }
    if ((config->type != FP_METER_SRTCM && config->type != FP_METER_TRTCM)
        || !config->cir || !config->cbs
        || config->cbs > UINT64_MAX / FP_METER_SCALE
        || config->ebs > UINT64_MAX / FP_METER_SCALE) {
        return EINVAL;
    }
    if (config->type == FP_METER_TRTCM
        && (config->pir < config->cir || !config->ebs)) {
        return EINVAL;
    }
    return 0;
}

/* Initializes 'meter' with 'config' (valid for fp_meter_config_check()),
 * with full buckets and zero counters, at time 'now' (time_usec()). */
void
fp_meter_init(struct fp_meter *meter, const struct fp_meter_config *config,
              long long int now)
{
    memset(meter, 0, sizeof *meter);
    pthread_spin_init(&meter->lock, PTHREAD_PROCESS_PRIVATE);
    fp_meter_reconfigure(meter, config, now);
}

void
fp_meter_destroy(struct fp_meter *meter)
{
    pthread_spin_destroy(&meter->lock);
}

/* Changes the configuration of 'meter' to 'config' (valid) at time 'now'
 * (time_usec()).  The buckets start full again; the counters are kept. */
void
fp_meter_reconfigure(struct fp_meter *meter,
                     const struct fp_meter_config *config, long long int now)
{
    size_t i;

    pthread_spin_lock(&meter->lock);
    meter->config = *config;
    meter->last = now;
    if (config->type == FP_METER_BANDS) {
        /* As dpif-netdev: buckets in bits or 1/1000 packets, and no refill
         * step longer than the slowest band takes to fill. */
        meter->max_delta_ms = 0;
        for (i = 0; i < config->n_bands; i++) {
            const struct fp_meter_band *b = &config->bands[i];
            uint64_t full = b->burst * 1000ULL;

            meter->buckets[i] = full;
            meter->max_delta_ms = MAX(meter->max_delta_ms, full / b->rate);
        }
    } else {
        meter->tc = config->cbs * FP_METER_SCALE;
        meter->te = config->ebs * FP_METER_SCALE;
    }
    pthread_spin_unlock(&meter->lock);
}

/* Returns 'bucket' plus 'rate' per microsecond for 'us' microseconds,
 * capped at 'limit'.  Stores what overflowed in '*over'. */
static uint64_t
fp_meter_fill(uint64_t bucket, uint64_t rate, uint64_t us, uint64_t limit,
              uint64_t *over)
{
    unsigned __int128 sum = (unsigned __int128) rate * us + bucket;

    if (sum > limit) {
        unsigned __int128 excess = sum - limit;

        *over = excess > UINT64_MAX ? UINT64_MAX : (uint64_t) excess;
        return limit;
    }
    *over = 0;
    return sum;
}

/* FP_METER_BANDS: refills the buckets of 'meter' for the whole
 * milliseconds from its last packet to 'now', takes a packet of 'size'
 * bytes from them and returns the band that drops it, or -1 if it goes
 * on. */
static int
fp_meter_take_bands(struct fp_meter *meter, uint32_t size, long long int now)
{
    const struct fp_meter_config *c = &meter->config;
    long long int delta = now / 1000 - meter->last / 1000;
    uint64_t need = c->pkts ? 1000 : (uint64_t) size * 8;
    uint32_t worst_rate = 0;
    int worst = -1;
    size_t i;

    /* Time goes forward only: engines and the host may read it in
     * another order than they reach the meter. */
    delta = MIN(MAX(delta, 0), meter->max_delta_ms);
    meter->last = MAX(now, meter->last);

    for (i = 0; i < c->n_bands; i++) {
        const struct fp_meter_band *b = &c->bands[i];
        uint64_t full = b->burst * 1000ULL;

        meter->buckets[i] = MIN(meter->buckets[i] + delta * b->rate, full);
        if (meter->buckets[i] >= need) {
            meter->buckets[i] -= need;
        } else if (b->rate > worst_rate) {
            worst_rate = b->rate;
            worst = i;
        }
    }
    return worst;
}

/* Colours a packet of 'size' bytes that arrives at time 'now'
 * (time_usec()), takes its tokens and counts it.  Colour-blind.  An
 * FP_METER_BANDS meter gives green or red. */
enum fp_meter_color
fp_meter_take(struct fp_meter *meter, uint32_t size, long long int now)
{
    const struct fp_meter_config *c = &meter->config;
    enum fp_meter_color color;
    uint64_t need, over, us;

    pthread_spin_lock(&meter->lock);
    if (c->type == FP_METER_BANDS) {
        int band = fp_meter_take_bands(meter, size, now);

        if (band >= 0) {
            meter->stats.band_packets[band]++;
            meter->stats.band_bytes[band] += size;
        }
        color = band >= 0 ? FP_METER_RED : FP_METER_GREEN;
        goto count;
    }

    us = now > meter->last ? now - meter->last : 0;
    meter->last = MAX(now, meter->last);
    need = (c->pkts ? 1 : size) * FP_METER_SCALE;

    if (c->type == FP_METER_SRTCM) {
        /* RFC 2697: tokens at CIR go to Tc up to CBS, the rest to Te up to
         * EBS. */
        meter->tc = fp_meter_fill(meter->tc, c->cir, us,
                                  c->cbs * FP_METER_SCALE, &over);
        if (over) {
            uint64_t lost;

            meter->te = fp_meter_fill(meter->te, over, 1,
                                      c->ebs * FP_METER_SCALE, &lost);
        }
        if (meter->tc >= need) {
            meter->tc -= need;
            color = FP_METER_GREEN;
        } else if (meter->te >= need) {
            meter->te -= need;
            color = FP_METER_YELLOW;
        } else {
            color = FP_METER_RED;
        }
    } else {
        /* RFC 2698: Tp at PIR up to PBS, Tc at CIR up to CBS. */
        meter->te = fp_meter_fill(meter->te, c->pir, us,
                                  c->ebs * FP_METER_SCALE, &over);
        meter->tc = fp_meter_fill(meter->tc, c->cir, us,
                                  c->cbs * FP_METER_SCALE, &over);
        if (meter->te < need) {
            color = FP_METER_RED;
        } else if (meter->tc < need) {
            meter->te -= need;
            color = FP_METER_YELLOW;
        } else {
            meter->te -= need;
            meter->tc -= need;
            color = FP_METER_GREEN;
        }
    }

count:
    if (color == FP_METER_RED) {
        meter->stats.drop_packets++;
        meter->stats.drop_bytes += size;
    } else {
        meter->stats.pass_packets++;
        meter->stats.pass_bytes += size;
        if (color == FP_METER_GREEN) {
            meter->stats.green_packets++;
        } else {
            meter->stats.yellow_packets++;
        }
    }
    pthread_spin_unlock(&meter->lock);

    return color;
}

/* Stores the counters of 'meter' in '*stats'. */
void
fp_meter_read(struct fp_meter *meter, struct fp_meter_stats *stats)
{
    pthread_spin_lock(&meter->lock);
    *stats = meter->stats;
    pthread_spin_unlock(&meter->lock);
}
