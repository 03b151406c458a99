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

#ifndef FP_RTNL_H
#define FP_RTNL_H 1

/* What the guest of a VF sees, through rtnetlink (libnl's route API).
 *
 * Two cases:
 *
 *   - A model VF whose outside (options:endpoint) is a Linux interface:
 *     the host end of a veth pair whose other end, the guest's interface,
 *     is usually in another network namespace.  fp_rtnl_set_guest_mac()
 *     gives the guest's interface the VF's MAC address, and
 *     fp_rtnl_set_guest_carrier() takes its carrier away and gives it back
 *     (through the administrative state of the host end: a veth has a
 *     carrier only while its peer is up).  The guest's interface is found
 *     from the host end (IFLA_LINK and IFLA_LINK_NETNSID) and read with
 *     IFLA_TARGET_NETNSID, without entering its network namespace; its MAC
 *     address is changed through a netlink socket that a short-lived
 *     thread opens in that namespace, since the kernel changes no
 *     interface of another namespace (RTM_SETLINK with
 *     IFLA_TARGET_NETNSID is EOPNOTSUPP).
 *
 *   - A VF of a kernel NIC with SR-IOV (a real PF): fp_rtnl_set_vf()
 *     configures VF N of the PF with IFLA_VFINFO_LIST, as "ip link set PF
 *     vf N ..." does.  No device here has VFs, so this is exercised only
 *     on real hardware; fp_rtnl_build_vf_request() builds the request
 *     alone, for the unit test that parses it back.  The settings are
 *     those of VF administration (struct fp_vf_config).
 *
 * Every function returns 0 or a positive errno value and, on error, stores
 * in '*errp' (if 'errp' is nonnull) a message for the user, which the
 * caller frees, e.g. "fp0 vf2: cannot set the MAC address of the guest's
 * interface vm2-eth0 (Operation not permitted)".  'who' names the VF in
 * such messages ("fp0 vf2").  Each call opens and closes its own netlink
 * socket, so they may be called from any thread; they block until the
 * kernel answers. */

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "fp/fp.h"
#include "openvswitch/types.h"

struct nl_msg;

/* A VF's transmit rates, in Mbit/s, 0 for none (IFLA_VF_RATE). */
struct fp_rtnl_vf_rates {
    uint32_t min_tx_rate;
    uint32_t max_tx_rate;
};

/* The guest's end of a veth pair, as fp_rtnl_get_guest() finds it. */
struct fp_rtnl_guest {
    char name[IF_NAMESIZE];     /* Its name, in its network namespace. */
    int ifindex;                /* Its index, in its network namespace. */
    int nsid;                   /* Its namespace's id, -1 if ours. */
    struct eth_addr mac;        /* Its MAC address. */
    unsigned int flags;         /* Its IFF_* flags (IFF_UP, IFF_RUNNING,
                                 * IFF_LOWER_UP). */
    bool host_up;               /* Whether the host end is up. */
};

int fp_rtnl_get_guest(const char *endpoint, struct fp_rtnl_guest *,
                      const char *who, char **errp);
int fp_rtnl_set_guest_mac(const char *endpoint, const struct eth_addr,
                          const char *who, char **errp);
int fp_rtnl_set_guest_carrier(const char *endpoint, bool up,
                              const char *who, char **errp);

int fp_rtnl_show_guest(const char *endpoint, const uint8_t *mac,
                       bool link_up, const char *who, char **errp);

int fp_rtnl_set_vf(const char *pf, uint32_t vf,
                   const struct fp_vf_config *,
                   const struct fp_rtnl_vf_rates *,
                   const char *who, char **errp);
int fp_rtnl_build_vf_request(int pf_ifindex, uint32_t vf,
                             const struct fp_vf_config *,
                             const struct fp_rtnl_vf_rates *,
                             struct nl_msg **msgp,
                             const char *who, char **errp);

#endif /* fp-rtnl.h */
