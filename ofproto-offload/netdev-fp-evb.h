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

#ifndef NETDEV_FP_EVB_H
#define NETDEV_FP_EVB_H 1

/* Edge virtual bridging from OVSDB: other_config:fp-evb-mode (VEB or VEPA
 * per NIC, applied at run time), the Interface options port-extension (on
 * a physical port), vf-ecid and vf-ecid-groups (on a VF), their errors and
 * counters.  See "Edge virtual bridging" in ovs-offload(8). */

#include <stddef.h>
#include <stdint.h>

struct ds;
struct fp_device;
struct fp_rule;
struct fp_trace;
struct netdev_custom_stats;
struct netdev_fp;
struct smap;

void netdev_fp_evb_run(const struct smap *ovs_other_config);
void netdev_fp_evb_apply(void);
void netdev_fp_evb_show_errors(struct ds *);
void netdev_fp_evb_show_device(struct ds *, const struct fp_device *);
void netdev_fp_evb_show_port(struct ds *, const struct fp_device *,
                             uint32_t port);
void netdev_fp_evb_explain_rule(struct ds *, const struct fp_device *,
                                const struct fp_rule *);
void netdev_fp_evb_put_output(struct ds *, const struct fp_device *,
                              const struct fp_trace *, size_t step);
void netdev_fp_evb_put_etag_rx(struct ds *, const struct fp_device *,
                               const struct fp_trace *);

#endif /* netdev-fp-evb.h */
