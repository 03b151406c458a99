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

#ifndef FP_SCHED_H
#define FP_SCHED_H 1

/* The flow-processor model's egress scheduler: the transmit queues of one
 * port, and the shaper and scheduler that empty them onto the wire.
 *
 * A port with QoS (fp_port_set_qos()) or with VFs that have a share of it
 * (fp_port_set_vf_rate()) sends through one of these.  Its classes are the
 * port's FP_QOS_N_QUEUES queues and one class per VF with a share; each
 * class is a FIFO of at most FP_SCHED_QUEUE_LEN packets, with a guaranteed
 * rate and a ceiling (see struct fp_qos_class).  fp_sched_run() sends, at
 * time 'now' (time_usec(), OVS's clock, so tests can stop and warp it),
 * what the rates allow, in the manner of Linux's HTB and IEEE 802.1Qaz:
 *
 *   1. Classes below their guaranteed rate, in priority order (0 first),
 *      and among classes of one priority the one that has had the least
 *      service for its weight.
 *   2. Then classes below their ceiling, in the same order: what the
 *      others leave unused is shared by weight (work-conserving).
 *
 * and never more than the port's own rate.  Buckets are in bytes times
 * 1e6, filled at rate (bytes/s) times elapsed microseconds, and may go
 * below zero by the last packet, so that over time a class gets its rate
 * exactly, whatever its packet sizes.
 *
 * Thread safety: every function takes the scheduler's own mutex. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fp/fp.h"

/* Most packets each class holds; more are dropped at the tail. */
#define FP_SCHED_QUEUE_LEN 1024

struct fp_sched;

/* Sends one packet that the scheduler took out of class 'class' (queue
 * 0...FP_QOS_N_QUEUES - 1, or FP_QOS_N_QUEUES + the VF's port).  'data' is
 * valid only during the call.  Called with the scheduler's mutex held, so
 * packets leave in order. */
typedef void fp_sched_send_func(void *aux, size_t class, const void *data,
                                size_t size);

struct fp_sched *fp_sched_create(size_t n_ports);
void fp_sched_destroy(struct fp_sched *);
void fp_sched_set_port(struct fp_sched *, uint64_t rate, uint32_t burst,
                       long long int now);
size_t fp_sched_set_class(struct fp_sched *, size_t class,
                          const struct fp_qos_class *, long long int now);
void fp_sched_set_policer(struct fp_sched *, uint64_t rate, uint64_t burst,
                          long long int now);
bool fp_sched_police(struct fp_sched *, size_t size, long long int now);
bool fp_sched_is_empty(const struct fp_sched *);
size_t fp_sched_classify(const struct fp_sched *, uint32_t queue,
                         uint32_t in_port);
bool fp_sched_enqueue(struct fp_sched *, size_t class, const void *data,
                      size_t size);
size_t fp_sched_run(struct fp_sched *, long long int now,
                    fp_sched_send_func *, void *aux);
size_t fp_sched_flush(struct fp_sched *);
size_t fp_sched_flush_class(struct fp_sched *, size_t class);
void fp_sched_get_stats(const struct fp_sched *, size_t class,
                        struct fp_queue_stats *);

#endif /* fp-sched.h */
