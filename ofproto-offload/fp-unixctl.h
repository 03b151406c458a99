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

#ifndef FP_UNIXCTL_H
#define FP_UNIXCTL_H 1

/* The "ovs-appctl fp/..." commands. */

#include <stdint.h>

struct ds;

void fp_unixctl_register(void);
char *fp_unixctl_inject_args(int argc, const char *argv[], struct ds *);
char *fp_unixctl_trace_args(int argc, const char *argv[], struct ds *);
char *fp_unixctl_explain_args(int argc, const char *argv[], struct ds *);

/* fp-unixctl-vf.c: SR-IOV VF administration. */
struct fp_device;
void fp_unixctl_show_vf(struct ds *, const struct fp_device *,
                        uint32_t port);
void fp_unixctl_vf_register(void);
void fp_unixctl_pcap_register(void);

#endif /* fp-unixctl.h */
