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

#ifndef FP_RTE_FLOW_DEV_H
#define FP_RTE_FLOW_DEV_H 1

/* The rte_flow driver of the fp driver interface (issue 12).
 *
 * An fp device of driver type "rte_flow" programs the embedded switch of a
 * NIC through DPDK's rte_flow API: fp rules become transfer rules
 * (fp_rte_flow_build(), lib/fp-rte-flow.h) created with rte_flow_create()
 * on the switch's transfer proxy (rte_flow_pick_transfer_proxy()).  It has
 * no packet I/O of its own: OVS's netdev-dpdk receives and sends the
 * packets of the NIC's ports, the exception path (PORT_REPRESENTOR to the
 * input port's representor) included.
 *
 * One device per transfer proxy, named "rte_flow:" and the proxy's ethdev
 * name (e.g. "rte_flow:net_fp0"), with RTE_MAX_ETHPORTS physical ports and
 * no VFs: fp port N is DPDK port id N.  A rule may name only the ports
 * opened on its device (fp_rte_flow_dev_open()); the others are refused.
 *
 * What the driver does and does not:
 *
 *   - A rule that fp_rte_flow_build() cannot express, or that the PMD
 *     refuses (rte_flow_validate() or rte_flow_create() fails), fails with
 *     EOPNOTSUPP, or ENOSPC (with 'full' FP_RES_RULES) if the PMD says
 *     -ENOSPC or -ENOMEM, and the reason (the PMD's own message, or the
 *     translation's) in the operation's 'reason'.
 *
 *   - A batch is not atomic: each operation reaches the PMD on its own.
 *     A MODIFY creates the new rule before it destroys the old one, so a
 *     packet meets one of them (for a moment, both may be in the NIC: the
 *     new rule then wins or loses by the PMD's order among rules of equal
 *     priority).  It keeps the rule's counters: the old rule's final count
 *     goes to a base that the new rule's count is added to.  A PMD that
 *     refuses the new rule with -EEXIST (two rules of one pattern) gets
 *     the old rule destroyed first, and then packets meet neither for a
 *     moment (they take the exception path); if it then refuses the new
 *     rule, the old one is created again.
 *
 *   - Counters: one anonymous COUNT action per rule, read with
 *     rte_flow_query(), one call per rule (also for
 *     fp_rule_get_stats_all()), as netdev-offload-dpdk does.  A rule's
 *     counters never go backwards: a read that fails or gives less than
 *     the last one (a PMD that lost or restarted the rule's counter) gives
 *     the last one.  'used' is the time of the read that first saw a
 *     count grow; 'tcp_flags' is always 0 (rte_flow has no such counter).
 *     They stay anonymous COUNTs rather than indirect ones: DPDK 22.11
 *     reads an indirect COUNT one handle per call too
 *     (rte_flow_action_handle_query()), and net_fp has no bulk read, so a
 *     statistics pass would still be one call per rule, with a handle to
 *     create and destroy besides each rule (FP_RTE_FLOW_DEV_BENCH in
 *     tests/unit/test-fp-rte-flow-dev.c measures both reads).
 *
 *   - Meters (lib/fp-rte-flow-dev-mtr.c): an fp meter is an rte_mtr
 *     object on the proxy, with a profile of its own and the device's one
 *     policy (green and yellow go on, red is dropped: no action for them,
 *     DROP).  srTCM (RFC 2697) and trTCM (RFC 2698) meters, in bytes or
 *     packets, are those profiles; an FP_METER_BANDS meter of one drop
 *     band is srTCM at the band's rate and burst (kbit/s and kbit as bytes,
 *     or packets) without an excess bucket, as OVS's netdev-offload-dpdk
 *     does, so the PMD's algorithm, not dpif-netdev's, decides; several
 *     bands or a dscp_remark band are refused (EINVAL).  DPDK meter ids
 *     are the driver's (the lowest free), not the fp meter ids: the METER
 *     actions of the rules are pointed at them.  A meter that fp_meter_set()
 *     could not make (the translation, or the PMD: EOPNOTSUPP, ENOSPC for
 *     -ENOSPC or -ENOMEM, e.g. net_null without rte_mtr) makes a rule that
 *     uses it fail with EOPNOTSUPP and that reason; a rule that uses a
 *     meter that was never set fails with ENOENT.  A change of a meter
 *     tries rte_mtr_meter_profile_update(); with a PMD without it (net_fp)
 *     the meter gets a new rte_mtr object, with full buckets, and the
 *     rules that use it move onto it as a MODIFY moves them (keeping their
 *     counters), then the old object goes; if a rule cannot move, those
 *     that did move back, the change fails and the meter stays as it was.
 *     Meter counters come from rte_mtr_stats_read(), green, yellow and
 *     dropped (red) packets and bytes as the PMD has them ('pass_bytes'
 *     needs RTE_MTR_STATS_N_BYTES_GREEN and _YELLOW, which net_fp lacks:
 *     0), and never go backwards, across a new rte_mtr object too (a
 *     base).
 *     fp_meter_police() is not offered: the host's packets never reach an
 *     rte_mtr meter.
 *
 *   - Shared counters: indirect COUNT actions
 *     (rte_flow_action_handle_create() on the proxy, transfer), which the
 *     rules that use them (FP_ACTION_COUNT) count in through INDIRECT,
 *     read with rte_flow_action_handle_query(), never backwards.  A PMD
 *     without indirect actions: fp_counter_alloc() fails with EOPNOTSUPP,
 *     and a rule with an unknown counter fails with EOPNOTSUPP and a
 *     reason.  A meter or counter that a rule uses is not deleted
 *     (EBUSY).
 *
 *   - The VLAN limit (2 at first, or 1) says only what the keys of the
 *     rules added later mean: rte_flow does not set how many tags a NIC's
 *     parser takes, but its items say exactly which tags a packet has, so
 *     the translation expresses the keys of either limit.
 *
 *   - fp_device_get_stats() gives the rules in use and the resets; a NIC
 *     seen through rte_flow has no hit or miss counters.  The number of
 *     rules created, refused and destroyed are coverage counters
 *     (fp_rte_flow_dev_*, "ovs-appctl coverage/show").
 *     fp_port_get_stats() gives zeros: the ports' counters are the
 *     ethdevs', which netdev-dpdk reports.
 *
 *   - fp_device_reset() forgets every rule (and flushes the proxy's rules
 *     with rte_flow_flush()), meter and shared counter (destroying them in
 *     the PMD, which may already have lost them), as fp_device_reset()
 *     says; the reset listeners (the flow API) then put the meters and
 *     flows back.  fp_rte_flow_dev_port_started() does so when a port
 *     of the device restarts and its PMD does not keep its rules.
 *
 * All of this is thread-safe.  It needs an initialized EAL
 * (rte_eal_init(), OVS's dpdk-init=true). */

#include <stdint.h>

struct fp_device;

/* Finds or creates the fp device of the embedded switch of DPDK port
 * 'port_id' (through rte_flow_pick_transfer_proxy()), takes a reference,
 * and stores it in '*devp' and the port's fp port number in '*portp'.
 * Returns 0 or a positive errno value; on failure '*errorp' gets a
 * malloc'd message (the PMD's) for the operator. */
int fp_rte_flow_dev_open(uint16_t port_id, struct fp_device **devp,
                         uint32_t *portp, char **errorp);

/* Drops the reference that fp_rte_flow_dev_open() took for 'port_id';
 * destroys the device with its last port. */
void fp_rte_flow_dev_close(struct fp_device *dev, uint16_t port_id);

/* Tells the driver that DPDK port 'port_id' was (re)started by
 * rte_eth_dev_start(): the PMD may have lost its rules (unless it has
 * RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP), so the driver resets its device, and
 * the flow API's reset listener offloads the flows again.  Safe to call
 * for a port that no device has. */
void fp_rte_flow_dev_port_started(uint16_t port_id);

#endif /* fp-rte-flow-dev.h */
