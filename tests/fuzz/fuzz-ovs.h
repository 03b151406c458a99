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

#ifndef FUZZ_OVS_H
#define FUZZ_OVS_H 1

/* What the fuzz targets of the OVS side (netdev-fp.c, netdev-offload-fp.c,
 * fp-unixctl.c, ovs-offload.c) share: the world that ovs-vswitchd would
 * have, without ovs-vswitchd. */

#include <stddef.h>
#include <stdint.h>

struct netdev;

/* Sets up, once: logs off; the configuration read as ovs-vswitchd reads
 * it, with no fp-* key; the model NIC fp0 that ovs_offload_init() creates;
 * "fp" interfaces p1 (phy0), p2 (vf0) and p3 (vf1) as ports 1, 2 and 3 of
 * a datapath of type "netdev"; OpenFlow meter 1 (a drop band) in fp0.
 * Returns p1. */
struct netdev *fuzz_ovs_init(void);

/* Splits the 'size' bytes at 'data' at each NUL or newline into at most
 * 'max' new strings stored in 'argv', and returns how many.  The caller
 * frees them with fuzz_ovs_free_args(). */
int fuzz_ovs_split(const uint8_t *data, size_t size, char *argv[], int max);
void fuzz_ovs_free_args(char *argv[], int n);

#endif /* fuzz-ovs.h */
