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

#ifndef FP_DPDK_PMD_H
#define FP_DPDK_PMD_H 1

/* The model NIC as a DPDK virtual device: the PMD "net_fp".
 *
 * EAL's --vdev=net_fp0,phy=2,vfs=2 (defaults phy=2, vfs=0, and rules=N
 * for the size of the model's rule table, default 65536) creates a model
 * device (fp driver "model") named as the vdev, "net_fp0", and one ethdev
 * per NIC port of it, all in one switch domain:
 *
 *   - "net_fp0" for phy0, the PF: the transfer proxy of every port and
 *     the switch domain's manager;
 *   - "net_fp0_phy1", ... for the other physical ports;
 *   - "net_fp0_vf0", "net_fp0_vf1", ... for the VF representors (flag
 *     RTE_ETH_DEV_REPRESENTOR, representor id the VF index).
 *
 * An ethdev is the host side of its model port: rx_burst() takes what the
 * NIC hands to the host there (fp_port_recv_md(): misses and exceptions,
 * with FP_ACTION_MARK's mark as the mbuf's FDIR id and the model's RSS
 * hash), on receive queue 0 (other receive queues get nothing);
 * tx_burst() sends out of the port (fp_port_send()).  The port's
 * representor is attached to the model while the ethdev is started.
 *
 * rte_flow (lib/fp-dpdk-pmd-flow.c) turns rules back into fp rules on the
 * model device.  The PMD does not advertise RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP:
 * rte_eth_dev_stop() of a port destroys the rules created on it, and that
 * of the transfer proxy every transfer rule, as many PMDs do; their
 * handles stay valid for rte_flow_destroy() (which then only frees them)
 * but for nothing else.
 *
 * The PMD is linked into ovs-vswitchd and the unit tests; it registers
 * itself with EAL's vdev bus when the program starts. */

/* The PMD's driver name. */
#define FP_DPDK_PMD_DRIVER "net_fp"

/* Does nothing: the PMD registers itself with EAL's vdev bus when the
 * program starts.  A program that calls it has the PMD: the call pulls
 * lib/fp-dpdk-pmd.c out of the convenience library lib/libfp.la. */
void fp_dpdk_pmd_link(void);

#endif /* fp-dpdk-pmd.h */
