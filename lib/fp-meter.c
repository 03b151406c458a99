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
 * peak rate below the committed one or a zero peak burst, or a burst too
 * large to scale. */
int
fp_meter_config_check(const struct fp_meter_config *config)
{
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
 * with full buckets, at time 'now' (time_usec()). */
void
fp_meter_init(struct fp_meter *meter, const struct fp_meter_config *config,
              long long int now)
{
    memset(meter, 0, sizeof *meter);
    pthread_spin_init(&meter->lock, PTHREAD_PROCESS_PRIVATE);
    meter->last = now;
    fp_meter_reconfigure(meter, config);
}

void
fp_meter_destroy(struct fp_meter *meter)
{
    pthread_spin_destroy(&meter->lock);
}

/* Changes the configuration of 'meter' to 'config' (valid).  The buckets
 * start full again; the counters are kept. */
void
fp_meter_reconfigure(struct fp_meter *meter,
                     const struct fp_meter_config *config)
{
    pthread_spin_lock(&meter->lock);
    meter->config = *config;
    meter->tc = config->cbs * FP_METER_SCALE;
    meter->te = config->ebs * FP_METER_SCALE;
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

/* Colours a packet of 'size' bytes that arrives at time 'now'
 * (time_usec()), takes its tokens and counts it.  Colour-blind. */
enum fp_meter_color
fp_meter_police(struct fp_meter *meter, uint32_t size, long long int now)
{
    const struct fp_meter_config *c = &meter->config;
    enum fp_meter_color color;
    uint64_t need, over, us;

    pthread_spin_lock(&meter->lock);
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
