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

#ifndef NETDEV_FP_VF_H
#define NETDEV_FP_VF_H 1

/* SR-IOV VF administration of fp interfaces: the Interface options of a VF
 * representor (vf-mac, vf-vlan, vf-vlan-pcp, vf-vlan-proto, vf-spoofchk,
 * vf-trust, vf-link-state, vf-promisc, vf-allmulti) parsed into the NIC's
 * VF policy (struct fp_vf_config), and the arithmetic of VF counters. */

#include <stdbool.h>
#include "fp/fp.h"
#include "smap.h"

/* The options, in the order the man page lists them. */
extern const char *const netdev_fp_vf_options[9];

bool netdev_fp_vf_is_option(const char *key);
int netdev_fp_vf_parse(const char *name, const struct smap *args,
                       struct fp_vf_config *, bool *has_config,
                       const char **keyp, char **errp);
void netdev_fp_vf_status(const struct fp_vf_config *, struct smap *);
void netdev_fp_vf_stats_add(struct fp_vf_stats *sum,
                            const struct fp_vf_stats *);
void netdev_fp_vf_stats_sub(struct fp_vf_stats *sum,
                            const struct fp_vf_stats *);

struct ds;
void netdev_fp_vf_explain(const struct fp_device *, uint32_t in_port,
                          const struct fp_rule *, struct ds *);

#endif /* netdev-fp-vf.h */
