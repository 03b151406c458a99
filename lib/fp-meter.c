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
            /* Cut to 32 bits band by band, as dpif-netdev does. */
            uint32_t band_max_delta_ms = full / b->rate;

            meter->buckets[i] = full;
            meter->max_delta_ms = MAX(meter->max_delta_ms,
                                      band_max_delta_ms);
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

/* Copies the configuration and the buckets of 'src' to 'dst' (not its
 * lock nor its counters). */
static void
fp_meter_copy_state(struct fp_meter *dst, const struct fp_meter *src)
{
    dst->config = src->config;
    dst->tc = src->tc;
    dst->te = src->te;
    dst->last = src->last;
    memcpy(dst->buckets, src->buckets, sizeof dst->buckets);
    dst->max_delta_ms = src->max_delta_ms;
}

/* Refills the buckets of 'meter' for the time from its last packet to
 * 'now' (time_usec()).  FP_METER_BANDS refill in whole milliseconds. */
static void
fp_meter_refill(struct fp_meter *meter, long long int now)
{
    const struct fp_meter_config *c = &meter->config;
    uint64_t over, us;
    size_t i;

    if (c->type == FP_METER_BANDS) {
        long long int delta = now / 1000 - meter->last / 1000;

        /* Time goes forward only: engines and the host may read it in
         * another order than they reach the meter. */
        delta = MIN(MAX(delta, 0), meter->max_delta_ms);
        meter->last = MAX(now, meter->last);
        for (i = 0; i < c->n_bands; i++) {
            const struct fp_meter_band *b = &c->bands[i];
            uint64_t full = b->burst * 1000ULL;

            meter->buckets[i] = MIN(meter->buckets[i] + delta * b->rate,
                                    full);
        }
        return;
    }

    us = now > meter->last ? now - meter->last : 0;
    meter->last = MAX(now, meter->last);
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
    } else {
        /* RFC 2698: Tp at PIR up to PBS, Tc at CIR up to CBS. */
        meter->te = fp_meter_fill(meter->te, c->pir, us,
                                  c->ebs * FP_METER_SCALE, &over);
        meter->tc = fp_meter_fill(meter->tc, c->cir, us,
                                  c->cbs * FP_METER_SCALE, &over);
    }
}

/* Takes a packet of 'size' bytes from the buckets of 'meter', refilled by
 * fp_meter_refill(), and returns its colour.  For FP_METER_BANDS, stores in
 * '*bandp' the band that applies to it, or -1 if none does: every band
 * with enough takes the packet; of those without, the band of the highest
 * rate (the first on a tie).  That band drops it (red) or, for a
 * dscp_remark band, lets it go on to be remarked (yellow). */
static enum fp_meter_color
fp_meter_decide(struct fp_meter *meter, uint32_t size, int *bandp)
{
    const struct fp_meter_config *c = &meter->config;
    uint64_t need;

    *bandp = -1;
    if (c->type == FP_METER_BANDS) {
        uint32_t worst_rate = 0;
        size_t i;

        need = c->pkts ? 1000 : (uint64_t) size * 8;
        for (i = 0; i < c->n_bands; i++) {
            const struct fp_meter_band *b = &c->bands[i];

            if (meter->buckets[i] >= need) {
                meter->buckets[i] -= need;
            } else if (b->rate > worst_rate) {
                worst_rate = b->rate;
                *bandp = i;
            }
        }
        return (*bandp < 0 ? FP_METER_GREEN
                : c->bands[*bandp].remark ? FP_METER_YELLOW
                : FP_METER_RED);
    }

    need = (c->pkts ? 1 : size) * FP_METER_SCALE;
    if (c->type == FP_METER_SRTCM) {
        if (meter->tc >= need) {
            meter->tc -= need;
            return FP_METER_GREEN;
        } else if (meter->te >= need) {
            meter->te -= need;
            return FP_METER_YELLOW;
        }
        return FP_METER_RED;
    }
    if (meter->te < need) {
        return FP_METER_RED;
    } else if (meter->tc < need) {
        meter->te -= need;
        return FP_METER_YELLOW;
    }
    meter->te -= need;
    meter->tc -= need;
    return FP_METER_GREEN;
}

/* Returns 'dscp' (6 bits) with 'prec_level' drop precedence levels added,
 * for an OpenFlow dscp_remark band ("prec_level: number of drop precedence
 * level to add").  Only the Assured Forwarding codepoints (RFC 2597: AFxy
 * is 8x + 2y, class x 1 to 4, drop precedence y 1 to 3) have drop
 * precedences: y becomes y + prec_level, at most 3 (AF11 with 1 level is
 * AF12, with 2 or more AF13; AF13 stays AF13).  Every other codepoint
 * (best effort, class selectors, EF, ...) is returned unchanged.
 * dpif-netdev does the same (patches/ovs/0005). */
uint8_t
fp_meter_remark_dscp(uint8_t dscp, uint8_t prec_level)
{
    unsigned int x = dscp >> 3;
    unsigned int y = (dscp >> 1) & 3;

    if (dscp > 63 || x < 1 || x > 4 || y < 1 || dscp & 1) {
        return dscp;
    }
    y = MIN(y + prec_level, 3);
    return (x << 3) | (y << 1);
}

/* Colours a packet of 'size' bytes that arrives at time 'now'
 * (time_usec()), takes its tokens and counts it.  Colour-blind.  An
 * FP_METER_BANDS meter gives green, red (a drop band applies) or yellow (a
 * dscp_remark band applies: the packet goes on, remarked); then stores in
 * '*remarkp' the drop precedence levels that the band adds, else 0. */
enum fp_meter_color
fp_meter_take_remark(struct fp_meter *meter, uint32_t size,
                     long long int now, uint8_t *remarkp)
{
    enum fp_meter_color color;
    int band;

    pthread_spin_lock(&meter->lock);
    fp_meter_refill(meter, now);
    color = fp_meter_decide(meter, size, &band);
    *remarkp = (color == FP_METER_YELLOW && band >= 0
                ? meter->config.bands[band].prec_level : 0);
    if (band >= 0) {
        meter->stats.band_packets[band]++;
        meter->stats.band_bytes[band] += size;
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

/* fp_meter_take_remark(), for a caller that does not remark. */
enum fp_meter_color
fp_meter_take(struct fp_meter *meter, uint32_t size, long long int now)
{
    uint8_t remark;

    return fp_meter_take_remark(meter, size, now, &remark);
}

/* Returns the colour that fp_meter_take() would give a packet of 'size'
 * bytes at time 'now', without taking its tokens or counting it: 'meter'
 * is left as it is.  Stores in '*remarkp' what fp_meter_take_remark()
 * would.  Stores the buckets as the packet would find them
 * (refilled up to 'now') in 'levels': for FP_METER_BANDS, each band's
 * bucket in bits (or thousandths of a packet); otherwise the committed
 * bucket in [0] and the excess or peak bucket in [1], in units.  Stores
 * the meter's configuration in '*config'. */
enum fp_meter_color
fp_meter_peek(struct fp_meter *meter, uint32_t size, long long int now,
              struct fp_meter_config *config,
              uint64_t levels[FP_METER_MAX_BANDS], uint8_t *remarkp)
{
    enum fp_meter_color color;
    struct fp_meter copy;
    int band;
    size_t i;

    pthread_spin_lock(&meter->lock);
    copy.config = meter->config;
    copy.tc = meter->tc;
    copy.te = meter->te;
    copy.last = meter->last;
    memcpy(copy.buckets, meter->buckets, sizeof copy.buckets);
    copy.max_delta_ms = meter->max_delta_ms;
    pthread_spin_unlock(&meter->lock);

    *config = copy.config;
    fp_meter_refill(&copy, now);
    memset(levels, 0, FP_METER_MAX_BANDS * sizeof *levels);
    if (copy.config.type == FP_METER_BANDS) {
        for (i = 0; i < copy.config.n_bands; i++) {
            levels[i] = copy.buckets[i];
        }
    } else {
        levels[0] = copy.tc / FP_METER_SCALE;
        levels[1] = copy.te / FP_METER_SCALE;
    }
    color = fp_meter_decide(&copy, size, &band);
    *remarkp = (color == FP_METER_YELLOW && band >= 0
                ? copy.config.bands[band].prec_level : 0);
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

/* Colours a packet of 'size' bytes that arrives at time 'now'
 * (time_usec()) in the 'n' meters of 'meters' (at most
 * FP_METER_MAX_CHAIN, distinct) together, as one policer with several
 * buckets: the packet passes (its colour is the worst colour that a meter
 * gives it, green or yellow) only if no meter finds it red, and then takes
 * its tokens from every meter and is counted as passed in each.  If some
 * meter finds it red, it takes no tokens at all, is red and is counted as
 * dropped in the meters that found it red.  With one meter, this is
 * fp_meter_take(). */
enum fp_meter_color
fp_meter_take_all(struct fp_meter *meters[], size_t n, uint32_t size,
                  long long int now)
{
    struct fp_meter copies[FP_METER_MAX_CHAIN];
    enum fp_meter_color colors[FP_METER_MAX_CHAIN];
    enum fp_meter_color color = FP_METER_GREEN;
    size_t i;

    ovs_assert(n <= FP_METER_MAX_CHAIN);
    for (i = 0; i < n; i++) {
        pthread_spin_lock(&meters[i]->lock);
    }
    for (i = 0; i < n; i++) {
        struct fp_meter *m = meters[i];
        int band;

        fp_meter_refill(m, now);
        fp_meter_copy_state(&copies[i], m);
        colors[i] = fp_meter_decide(&copies[i], size, &band);
        color = MAX(color, colors[i]);
    }
    for (i = 0; i < n; i++) {
        struct fp_meter *m = meters[i];

        if (color != FP_METER_RED) {
            fp_meter_copy_state(m, &copies[i]);
            m->stats.pass_packets++;
            m->stats.pass_bytes += size;
            if (colors[i] == FP_METER_GREEN) {
                m->stats.green_packets++;
            } else {
                m->stats.yellow_packets++;
            }
        } else if (colors[i] == FP_METER_RED) {
            m->stats.drop_packets++;
            m->stats.drop_bytes += size;
        }
    }
    for (i = n; i-- > 0;) {
        pthread_spin_unlock(&meters[i]->lock);
    }
    return color;
}
