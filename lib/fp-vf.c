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

/* The fp core's part of SR-IOV VF administration (see "SR-IOV VF
 * administration" in include/fp/fp.h): it checks the arguments and calls
 * the driver. */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "fp/fp-provider.h"

/* Returns true if 'port' is a VF of 'dev'. */
static bool
fp_vf_port_is_valid(const struct fp_device *dev, uint32_t port)
{
    return (port >= dev->config.n_phy_ports
            && port < dev->config.n_phy_ports + dev->config.n_vfs);
}

/* Returns a name for 'verdict', for logs and traces. */
const char *
fp_vf_verdict_name(enum fp_vf_verdict verdict)
{
    switch (verdict) {
    case FP_VF_NONE:
        return "no VF policy";
    case FP_VF_PASSED:
        return "passed";
    case FP_VF_VLAN_PUSHED:
        return "port VLAN pushed";
    case FP_VF_VLAN_POPPED:
        return "port VLAN popped";
    case FP_VF_SPOOFED:
        return "spoof check failed";
    case FP_VF_TAGGED:
        return "tagged frame refused (port VLAN)";
    case FP_VF_OTHER_VLAN:
        return "not of the port VLAN";
    case FP_VF_FILTERED:
        return "not for the receive filter";
    case FP_VF_LINK_DOWN:
        return "VF link state down";
    }
    return "unknown";
}

/* Sets '*config' to the default VF policy: no MAC, no port VLAN (802.1Q),
 * spoof check on, untrusted, link state auto, no promiscuous or
 * all-multicast reception. */
void
fp_vf_config_default(struct fp_vf_config *config)
{
    memset(config, 0, sizeof *config);
    config->vlan_tpid = htons(0x8100);
    config->spoofchk = true;
    config->link_state = FP_VF_LINK_AUTO;
}

/* Returns true if 'c' is a VF policy that struct fp_vf_config allows. */
static bool
fp_vf_config_is_valid(const struct fp_vf_config *c)
{
    static const uint8_t zero[6];

    if (c->has_mac && ((c->mac[0] & 1) || !memcmp(c->mac, zero, 6))) {
        return false;
    }
    if (c->vlan > 4094 || c->vlan_pcp > 7
        || (c->vlan_tpid != htons(0x8100) && c->vlan_tpid != htons(0x88a8))
        || (!c->vlan && (c->vlan_pcp || c->vlan_tpid != htons(0x8100)))) {
        return false;
    }
    if ((c->promisc || c->allmulti) && !c->trust) {
        return false;
    }
    return (c->link_state == FP_VF_LINK_AUTO
            || c->link_state == FP_VF_LINK_ENABLE
            || c->link_state == FP_VF_LINK_DISABLE);
}

/* Gives VF port 'port' of 'dev' the policy 'config', or none if 'config' is
 * NULL, as fp.h describes. */
int
fp_vf_set_config(struct fp_device *dev, uint32_t port,
                 const struct fp_vf_config *config)
{
    if (!fp_vf_port_is_valid(dev, port)
        || (config && !fp_vf_config_is_valid(config))) {
        return EINVAL;
    }
    if (!dev->class->vf_set_config) {
        return EOPNOTSUPP;
    }
    return dev->class->vf_set_config(dev, port, config);
}

/* Stores the policy of VF port 'port' of 'dev' in '*config', as fp.h
 * describes. */
int
fp_vf_get_config(const struct fp_device *dev, uint32_t port,
                 struct fp_vf_config *config)
{
    fp_vf_config_default(config);
    if (!fp_vf_port_is_valid(dev, port)) {
        return EINVAL;
    }
    if (!dev->class->vf_get_config) {
        return EOPNOTSUPP;
    }
    return dev->class->vf_get_config(dev, port, config);
}

/* Stores the VF counters of VF port 'port' of 'dev' in '*stats', all zero
 * if 'port' is not a VF or the driver has no VF administration. */
void
fp_vf_get_stats(const struct fp_device *dev, uint32_t port,
                struct fp_vf_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (fp_vf_port_is_valid(dev, port) && dev->class->vf_get_stats) {
        dev->class->vf_get_stats(dev, port, stats);
    }
}

/* Resets VF port 'port' of 'dev' (a function level reset), as fp.h
 * describes. */
int
fp_vf_reset(struct fp_device *dev, uint32_t port)
{
    if (!fp_vf_port_is_valid(dev, port)) {
        return EINVAL;
    }
    if (!dev->class->vf_reset) {
        return EOPNOTSUPP;
    }
    return dev->class->vf_reset(dev, port);
}
