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

#include <config.h>

#include "netdev-fp-vf.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_fp_vf);

const char *const netdev_fp_vf_options[9] = {
    "vf-mac", "vf-vlan", "vf-vlan-pcp", "vf-vlan-proto", "vf-spoofchk",
    "vf-trust", "vf-link-state", "vf-promisc", "vf-allmulti",
};

/* Returns true if 'key' is one of the VF administration options. */
bool
netdev_fp_vf_is_option(const char *key)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(netdev_fp_vf_options); i++) {
        if (!strcmp(key, netdev_fp_vf_options[i])) {
            return true;
        }
    }
    return false;
}

/* Parses boolean option 'key' of 'args' into '*value' (unchanged if the
 * option is absent).  Returns 0, or EINVAL with a message in '*errp'. */
static int
netdev_fp_vf_parse_bool(const char *name, const struct smap *args,
                        const char *key, bool *value, char **errp)
{
    const char *s = smap_get(args, key);

    if (!s) {
        return 0;
    } else if (!strcmp(s, "true")) {
        *value = true;
    } else if (!strcmp(s, "false")) {
        *value = false;
    } else {
        *errp = xasprintf("%s: options:%s=%s: not true or false", name, key,
                          s);
        return EINVAL;
    }
    return 0;
}

/* Parses integer option 'key' of 'args', from 0 to 'max', into '*value'
 * (unchanged if the option is absent).  Returns 0, or EINVAL with a
 * message in '*errp' that says 'what' the option is. */
static int
netdev_fp_vf_parse_uint(const char *name, const struct smap *args,
                        const char *key, unsigned int max, const char *what,
                        unsigned int *value, char **errp)
{
    const char *s = smap_get(args, key);
    unsigned int v;

    if (!s) {
        return 0;
    }
    if (strchr(s, '-') || strchr(s, '+') || !str_to_uint(s, 10, &v)
        || v > max) {
        *errp = xasprintf("%s: options:%s=%s: %s", name, key, s, what);
        return EINVAL;
    }
    *value = v;
    return 0;
}

/* Parses the VF administration options of Interface 'name' from 'args'
 * into '*config': each option absent has its default (see
 * fp_vf_config_default()).  Sets '*has_config' if any of the options is
 * present, and '*keyp' to the first of them (NULL if none).  Returns 0, or
 * EINVAL with a message for the Interface's error column in '*errp' (which
 * the caller frees): what is wrong and what is allowed.  Only parses: the
 * caller decides whether the interface's NIC port is a VF. */
int
netdev_fp_vf_parse(const char *name, const struct smap *args,
                   struct fp_vf_config *config, bool *has_config,
                   const char **keyp, char **errp)
{
    unsigned int vlan = 0, pcp = 0;
    const char *s;
    size_t i;

    fp_vf_config_default(config);
    *has_config = false;
    *keyp = NULL;
    for (i = 0; i < ARRAY_SIZE(netdev_fp_vf_options); i++) {
        if (smap_get(args, netdev_fp_vf_options[i])) {
            *has_config = true;
            *keyp = netdev_fp_vf_options[i];
            break;
        }
    }

    s = smap_get(args, "vf-mac");
    if (s) {
        struct eth_addr mac;

        if (!eth_addr_from_string(s, &mac) || eth_addr_is_multicast(mac)
            || eth_addr_is_zero(mac)) {
            *errp = xasprintf("%s: options:vf-mac=%s: not a unicast MAC "
                              "address (xx:xx:xx:xx:xx:xx, not zero, not "
                              "multicast)", name, s);
            return EINVAL;
        }
        config->has_mac = true;
        memcpy(config->mac, mac.ea, ETH_ADDR_LEN);
    }
    if (netdev_fp_vf_parse_uint(name, args, "vf-vlan", 4094,
                                "a VLAN ID is 0 (none) to 4094", &vlan, errp)
        || netdev_fp_vf_parse_uint(name, args, "vf-vlan-pcp", 7,
                                   "a priority (PCP) is 0 to 7", &pcp,
                                   errp)) {
        return EINVAL;
    }
    config->vlan = vlan;
    config->vlan_pcp = pcp;

    s = smap_get(args, "vf-vlan-proto");
    if (s && (!strcasecmp(s, "802.1q") || !strcmp(s, "0x8100"))) {
        config->vlan_tpid = htons(ETH_TYPE_VLAN_8021Q);
    } else if (s && (!strcasecmp(s, "802.1ad") || !strcmp(s, "0x88a8"))) {
        config->vlan_tpid = htons(ETH_TYPE_VLAN_8021AD);
    } else if (s) {
        *errp = xasprintf("%s: options:vf-vlan-proto=%s: the protocol is "
                          "802.1Q or 802.1ad", name, s);
        return EINVAL;
    }
    if (!vlan && (pcp || config->vlan_tpid != htons(ETH_TYPE_VLAN_8021Q))) {
        *errp = xasprintf("%s: options:%s needs a port VLAN "
                          "(options:vf-vlan 1 to 4094)", name,
                          pcp ? "vf-vlan-pcp" : "vf-vlan-proto");
        return EINVAL;
    }

    s = smap_get(args, "vf-link-state");
    if (s && !strcmp(s, "auto")) {
        config->link_state = FP_VF_LINK_AUTO;
    } else if (s && !strcmp(s, "enable")) {
        config->link_state = FP_VF_LINK_ENABLE;
    } else if (s && !strcmp(s, "disable")) {
        config->link_state = FP_VF_LINK_DISABLE;
    } else if (s) {
        *errp = xasprintf("%s: options:vf-link-state=%s: the link state is "
                          "auto, enable or disable", name, s);
        return EINVAL;
    }

    if (netdev_fp_vf_parse_bool(name, args, "vf-spoofchk",
                                &config->spoofchk, errp)
        || netdev_fp_vf_parse_bool(name, args, "vf-trust", &config->trust,
                                   errp)
        || netdev_fp_vf_parse_bool(name, args, "vf-promisc",
                                   &config->promisc, errp)
        || netdev_fp_vf_parse_bool(name, args, "vf-allmulti",
                                   &config->allmulti, errp)) {
        return EINVAL;
    }
    if ((config->promisc || config->allmulti) && !config->trust) {
        *errp = xasprintf("%s: options:%s=true needs options:vf-trust=true "
                          "(only a trusted VF receives %s)", name,
                          config->promisc ? "vf-promisc" : "vf-allmulti",
                          (config->promisc ? "promiscuously"
                           : "every multicast group"));
        return EINVAL;
    }
    return 0;
}

/* Adds to 'smap' the status keys of VF policy 'c': vf_mac, vf_vlan,
 * vf_vlan_pcp, vf_vlan_proto, vf_spoofchk, vf_trust, vf_link_state,
 * vf_promisc, vf_allmulti. */
void
netdev_fp_vf_status(const struct fp_vf_config *c, struct smap *smap)
{
    static const char *const link_states[] = {
        [FP_VF_LINK_AUTO] = "auto",
        [FP_VF_LINK_ENABLE] = "enable",
        [FP_VF_LINK_DISABLE] = "disable",
    };

    if (c->has_mac) {
        smap_add_format(smap, "vf_mac", ETH_ADDR_FMT,
                        ETH_ADDR_BYTES_ARGS(c->mac));
    } else {
        smap_add(smap, "vf_mac", "none");
    }
    smap_add_format(smap, "vf_vlan", "%"PRIu16, c->vlan);
    smap_add_format(smap, "vf_vlan_pcp", "%"PRIu8, c->vlan_pcp);
    smap_add(smap, "vf_vlan_proto",
             c->vlan_tpid == htons(ETH_TYPE_VLAN_8021AD) ? "802.1ad"
             : "802.1Q");
    smap_add(smap, "vf_spoofchk", c->spoofchk ? "true" : "false");
    smap_add(smap, "vf_trust", c->trust ? "true" : "false");
    smap_add(smap, "vf_link_state", link_states[c->link_state]);
    smap_add(smap, "vf_promisc", c->promisc ? "true" : "false");
    smap_add(smap, "vf_allmulti", c->allmulti ? "true" : "false");
}

/* Adds the counters of 'b' to 'sum' (not 'resets'). */
void
netdev_fp_vf_stats_add(struct fp_vf_stats *sum, const struct fp_vf_stats *b)
{
    sum->rx_packets += b->rx_packets;
    sum->rx_bytes += b->rx_bytes;
    sum->rx_multicast += b->rx_multicast;
    sum->rx_broadcast += b->rx_broadcast;
    sum->tx_packets += b->tx_packets;
    sum->tx_bytes += b->tx_bytes;
    sum->rx_dropped += b->rx_dropped;
    sum->tx_dropped += b->tx_dropped;
    sum->spoof_drops += b->spoof_drops;
    sum->vlan_drops += b->vlan_drops;
    sum->filter_drops += b->filter_drops;
}

/* Subtracts the counters of 'b' from 'sum' (not 'resets'). */
void
netdev_fp_vf_stats_sub(struct fp_vf_stats *sum, const struct fp_vf_stats *b)
{
    sum->rx_packets -= b->rx_packets;
    sum->rx_bytes -= b->rx_bytes;
    sum->rx_multicast -= b->rx_multicast;
    sum->rx_broadcast -= b->rx_broadcast;
    sum->tx_packets -= b->tx_packets;
    sum->tx_bytes -= b->tx_bytes;
    sum->rx_dropped -= b->rx_dropped;
    sum->tx_dropped -= b->tx_dropped;
    sum->spoof_drops -= b->spoof_drops;
    sum->vlan_drops -= b->vlan_drops;
    sum->filter_drops -= b->filter_drops;
}

/* Appends to 's' how the VF policy of VF port 'port' of 'dev', if it has
 * one, composes with a flow that 'rule' (NULL if the flow is not
 * offloaded) translates and whose in_port is NIC port 'in_port': for
 * fp/explain, one line for the in_port's policy (before the flow) and one
 * for each VF the rule outputs to (after the flow), each starting with a
 * newline. */
void
netdev_fp_vf_explain(const struct fp_device *dev, uint32_t in_port,
                     const struct fp_rule *rule, struct ds *s)
{
    static const char *const link_states[] = {
        [FP_VF_LINK_AUTO] = "auto (the link of phy0)",
        [FP_VF_LINK_ENABLE] = "enable",
        [FP_VF_LINK_DISABLE] = "disable (every frame dropped)",
    };
    struct fp_vf_config c;
    char name[32];
    size_t i;

    if (!fp_vf_get_config(dev, in_port, &c)) {
        fp_port_to_string(dev, in_port, name, sizeof name);
        ds_put_format(s, "\nVF policy of %s before the flow: link state %s",
                      name, link_states[c.link_state]);
        if (c.has_mac && c.spoofchk && !c.trust) {
            ds_put_format(s, ", spoof check: source "ETH_ADDR_FMT" only",
                          ETH_ADDR_BYTES_ARGS(c.mac));
        } else {
            ds_put_cstr(s, ", no source check");
        }
        if (c.vlan) {
            ds_put_format(s, ", tagged frames refused, port VLAN pushed "
                          "(tpid=0x%04"PRIx16",tci=0x%04"PRIx16"): the flow "
                          "sees the frames tagged", ntohs(c.vlan_tpid),
                          (uint16_t) ((c.vlan_pcp << 13) | c.vlan));
        }
    }
    for (i = 0; rule && i < rule->n_actions; i++) {
        const struct fp_action *a = &rule->actions[i];

        if (a->type != FP_ACTION_OUTPUT
            || fp_vf_get_config(dev, a->port, &c)) {
            continue;
        }
        fp_port_to_string(dev, a->port, name, sizeof name);
        ds_put_format(s, "\nVF policy of %s after the flow: link state %s",
                      name, link_states[c.link_state]);
        if (c.vlan) {
            ds_put_format(s, ", port VLAN %"PRIu16" (%s) popped, other "
                          "frames dropped", c.vlan,
                          c.vlan_tpid == htons(ETH_TYPE_VLAN_8021AD)
                          ? "802.1ad" : "802.1Q");
        }
        if (c.has_mac && !c.promisc) {
            ds_put_format(s, ", unicast to "ETH_ADDR_FMT" only",
                          ETH_ADDR_BYTES_ARGS(c.mac));
        }
        ds_put_cstr(s, (c.promisc || c.allmulti ? ", every multicast group"
                        : ", multicast of the all-hosts, all-nodes and "
                          "solicited-node groups only"));
    }
}
