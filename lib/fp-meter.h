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

#ifndef FP_METER_H
#define FP_METER_H 1

/* The flow-processor model's meters: colour-blind single rate three colour
 * (RFC 2697) and two rate three colour (RFC 2698) markers, in bytes or
 * packets, and OpenFlow drop bands as dpif-netdev runs them (see
 * FP_METER_BANDS in fp/fp.h).  Each meter has its own spin lock, as a
 * hardware meter is an atomic unit: engines (and the host, through
 * fp_meter_police()) that police with the same meter serialize on it for
 * a few instructions, other meters are independent. */

#include <pthread.h>
#include <stdint.h>
#include "fp/fp.h"

enum fp_meter_color {
    FP_METER_GREEN,
    FP_METER_YELLOW,
    FP_METER_RED,
};

struct fp_meter {
    pthread_spinlock_t lock;
    struct fp_meter_config config;
    uint64_t tc;                /* Committed bucket, in units * 1e6. */
    uint64_t te;                /* Excess or peak bucket, units * 1e6. */
    long long int last;         /* time_usec() of the last refill. */
    struct fp_meter_stats stats;

    /* FP_METER_BANDS. */
    uint64_t buckets[FP_METER_MAX_BANDS];   /* Bits or 1/1000 packets. */
    uint32_t max_delta_ms;      /* Longest refill step, in ms. */
};

void fp_meter_init(struct fp_meter *, const struct fp_meter_config *,
                   long long int now);
void fp_meter_destroy(struct fp_meter *);
void fp_meter_reconfigure(struct fp_meter *, const struct fp_meter_config *,
                          long long int now);
enum fp_meter_color fp_meter_take_remark(struct fp_meter *, uint32_t size,
                                         long long int now,
                                         uint8_t *remarkp);
enum fp_meter_color fp_meter_take(struct fp_meter *, uint32_t size,
                                   long long int now);
enum fp_meter_color fp_meter_peek(struct fp_meter *, uint32_t size,
                                  long long int now,
                                  struct fp_meter_config *,
                                  uint64_t levels[FP_METER_MAX_BANDS],
                                  uint8_t *remarkp);
void fp_meter_read(struct fp_meter *, struct fp_meter_stats *);

/* Most meters that fp_meter_take_all() takes at once. */
#define FP_METER_MAX_CHAIN 2
enum fp_meter_color fp_meter_take_all(struct fp_meter *meters[], size_t n,
                                      uint32_t size, long long int now);
int fp_meter_config_check(const struct fp_meter_config *);

#endif /* fp-meter.h */
