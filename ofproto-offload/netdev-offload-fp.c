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

#include "netdev-offload-fp.h"

#include <errno.h>
#include <string.h>

#include "coverage.h"
#include "dpif.h"
#include "fp/fp.h"
#include "netdev-fp.h"
#include "netdev-offload-provider.h"
#include "netdev-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/match.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_offload_fp);

COVERAGE_DEFINE(fp_offload_add);
COVERAGE_DEFINE(fp_offload_modify);
COVERAGE_DEFINE(fp_offload_del);
COVERAGE_DEFINE(fp_offload_refused);
COVERAGE_DEFINE(fp_offload_failed);

/* "Cannot offload" is normal operation: debug level, rate-limited. */
static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(100, 100);

/* A datapath flow that is in a NIC's rule table. */
struct offload_fp_flow {
    struct hmap_node node;      /* In 'offload_fp_flows', by ufid hash. */
    ovs_u128 ufid;              /* dpif-netdev's megaflow ufid. */
    const struct netdev *netdev;/* The in_port netdev; a key, no ref. */
    struct fp_device *dev;
    uint32_t rule_id;
};

static struct ovs_mutex offload_fp_mutex = OVS_MUTEX_INITIALIZER;
static struct hmap offload_fp_flows OVS_GUARDED_BY(offload_fp_mutex)
    = HMAP_INITIALIZER(&offload_fp_flows);
static struct netdev_offload_fp_stats offload_fp_stats
    OVS_GUARDED_BY(offload_fp_mutex);

static struct offload_fp_flow *
offload_fp_flow_find(const ovs_u128 *ufid)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_flow *flow;

    HMAP_FOR_EACH_WITH_HASH (flow, node, ufid->u32[0], &offload_fp_flows) {
        if (ovs_u128_equals(*ufid, flow->ufid)) {
            return flow;
        }
    }
    return NULL;
}

static void
offload_fp_flow_remove(struct offload_fp_flow *flow,
                       struct fp_rule_stats *stats)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct fp_rule_stats final;

    fp_rule_delete(flow->dev, flow->rule_id, stats ? stats : &final);
    hmap_remove(&offload_fp_flows, &flow->node);
    free(flow);
    offload_fp_stats.deleted++;
    COVERAGE_INC(fp_offload_del);
}

/* Copies the bytes of 'value' under 'mask' into the rule key and the mask
 * into the rule mask, then clears 'mask': those bits are consumed. */
static void
consume(void *key, void *rule_mask, const void *value, void *mask, size_t n)
{
    const uint8_t *v = value;
    uint8_t *m = mask;
    uint8_t *k = key;
    size_t i;

    for (i = 0; i < n; i++) {
        k[i] = v[i] & m[i];
    }
    memcpy(rule_mask, mask, n);
    memset(mask, 0, n);
}

/* Translates 'match', a megaflow of dpif-netdev whose in_port is NIC port
 * 'port' of 'dev', into the match of 'rule'.
 *
 * Every bit of the megaflow's mask is either translated or the flow is
 * refused: the NIC rule never matches a packet that the megaflow does not.
 * On refusal, returns EOPNOTSUPP and stores in '*reasonp' a message that
 * the caller must free. */
static int
netdev_offload_fp_translate_match(const struct match *match,
                                  const struct fp_device *dev, uint32_t port,
                                  struct fp_rule *rule, char **reasonp)
{
    struct flow_wildcards rest = match->wc;  /* Not yet translated. */
    const struct flow *flow = &match->flow;
    struct flow *mask = &rest.masks;
    struct fp_key *k = &rule->key;
    struct fp_key *m = &rule->mask;
    int i;

    /* The rule goes to the in_port's NIC port, so it only sees packets from
     * that port, as the megaflow does. */
    k->in_port = port;
    m->in_port = UINT32_MAX;
    memset(&mask->in_port, 0, sizeof mask->in_port);

    /* Packets that come in from a NIC port have not been recirculated. */
    if (flow->recirc_id & mask->recirc_id) {
        *reasonp = xasprintf("match on recirc_id %#"PRIx32" (after "
                             "recirculation) not supported by %s",
                             flow->recirc_id, fp_device_name(dev));
        return EOPNOTSUPP;
    }
    mask->recirc_id = 0;

    if (mask->packet_type && flow->packet_type != htonl(PT_ETH)) {
        *reasonp = xasprintf("match on packet_type %#"PRIx32" (not "
                             "Ethernet) not supported by %s",
                             ntohl(flow->packet_type), fp_device_name(dev));
        return EOPNOTSUPP;
    }
    mask->packet_type = 0;

    consume(k->eth_dst, m->eth_dst, &flow->dl_dst, &mask->dl_dst, 6);
    consume(k->eth_src, m->eth_src, &flow->dl_src, &mask->dl_src, 6);
    consume(&k->eth_type, &m->eth_type, &flow->dl_type, &mask->dl_type, 2);
    for (i = 0; i < 2; i++) {
        BUILD_ASSERT_DECL(FLOW_MAX_VLAN_HEADERS == 2);
        consume(&k->vlans[i].tpid, &m->vlans[i].tpid,
                &flow->vlans[i].tpid, &mask->vlans[i].tpid, 2);
        consume(&k->vlans[i].tci, &m->vlans[i].tci,
                &flow->vlans[i].tci, &mask->vlans[i].tci, 2);
    }

    BUILD_ASSERT_DECL(FLOW_NW_FRAG_ANY == FP_IP_FRAG_ANY);
    BUILD_ASSERT_DECL(FLOW_NW_FRAG_LATER == FP_IP_FRAG_LATER);
    m->ip_frag = mask->nw_frag & FLOW_NW_FRAG_MASK;
    k->ip_frag = flow->nw_frag & m->ip_frag;
    mask->nw_frag &= ~FLOW_NW_FRAG_MASK;

    if (!flow_wildcards_is_catchall(&rest)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        struct match unsupported;

        match_init(&unsupported, flow, &rest);
        match_format(&unsupported, NULL, &s, OFP_DEFAULT_PRIORITY);
        *reasonp = xasprintf("match on %s not supported by %s",
                             ds_cstr(&s), fp_device_name(dev));
        ds_destroy(&s);
        return EOPNOTSUPP;
    }
    return 0;
}

/* Translates ODP 'actions' of a flow on 'netdev' (bound to 'dev') into the
 * actions of 'rule'.  On refusal, returns EOPNOTSUPP and stores in
 * '*reasonp' a message that the caller must free. */
static int
netdev_offload_fp_translate_actions(const struct netdev *netdev,
                                    const struct fp_device *dev,
                                    const struct nlattr *actions,
                                    size_t actions_len, struct fp_rule *rule,
                                    char **reasonp)
{
    const char *dev_name = fp_device_name(dev);
    const struct nlattr *a;
    unsigned int left;

    NL_ATTR_FOR_EACH_UNSAFE (a, left, actions, actions_len) {
        enum ovs_action_attr type = nl_attr_type(a);
        struct fp_action *action = &rule->actions[rule->n_actions];

        if (type == OVS_ACTION_ATTR_DROP && left == NLA_ALIGN(a->nla_len)) {
            /* An explicit drop, always last: nothing to do. */
            break;
        }
        if (rule->n_actions >= FP_MAX_ACTIONS) {
            *reasonp = xasprintf("more than %d actions not supported by %s",
                                 FP_MAX_ACTIONS, dev_name);
            return EOPNOTSUPP;
        }

        if (type == OVS_ACTION_ATTR_OUTPUT) {
            odp_port_t odp_port = nl_attr_get_odp_port(a);
            struct netdev *out;
            struct fp_device *out_dev;
            uint32_t out_port;
            bool ok;

            out = netdev_ports_get(odp_port, netdev_get_dpif_type(netdev));
            ok = out && netdev_fp_get_port(out, &out_dev, &out_port)
                 && out_dev == dev;
            if (!ok) {
                *reasonp = (out
                            ? xasprintf("output port %s is not on %s",
                                        netdev_get_name(out), dev_name)
                            : xasprintf("output port %"PRIu32" is not on %s",
                                        odp_to_u32(odp_port), dev_name));
                netdev_close(out);
                return EOPNOTSUPP;
            }
            netdev_close(out);
            action->type = FP_ACTION_OUTPUT;
            action->port = out_port;
        } else if (type == OVS_ACTION_ATTR_PUSH_VLAN) {
            const struct ovs_action_push_vlan *vlan = nl_attr_get(a);

            /* In ODP the CFI bit says "tag present"; it is not pushed. */
            action->type = FP_ACTION_PUSH_VLAN;
            action->vlan.tpid = vlan->vlan_tpid;
            action->vlan.tci = vlan->vlan_tci & ~htons(VLAN_CFI);
        } else if (type == OVS_ACTION_ATTR_POP_VLAN) {
            action->type = FP_ACTION_POP_VLAN;
        } else {
            struct ds s = DS_EMPTY_INITIALIZER;

            format_odp_actions(&s, a, a->nla_len, NULL);
            *reasonp = xasprintf("action %s not supported by %s",
                                 ds_cstr(&s), dev_name);
            ds_destroy(&s);
            return EOPNOTSUPP;
        }
        rule->n_actions++;
    }
    return 0;
}

/* Counts and logs a flow that stays in software: refused by translation,
 * or, if 'failed', by the device.  'reason' is freed. */
static void
netdev_offload_fp_refused(const struct netdev *netdev, const ovs_u128 *ufid,
                          char *reason, bool failed)
{
    ovs_mutex_lock(&offload_fp_mutex);
    if (failed) {
        offload_fp_stats.failed++;
        COVERAGE_INC(fp_offload_failed);
    } else {
        offload_fp_stats.refused++;
        COVERAGE_INC(fp_offload_refused);
    }
    ovs_mutex_unlock(&offload_fp_mutex);

    if (!VLOG_DROP_DBG(&rl)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        odp_format_ufid(ufid, &s);
        VLOG_DBG("%s: %s not offloaded: %s", netdev_get_name(netdev),
                 ds_cstr(&s), reason);
        ds_destroy(&s);
    }
    free(reason);
}

/* Offloads or modifies the flow 'ufid' whose in_port is 'netdev'.  Called
 * by dpif-netdev's offload threads.  Returns EOPNOTSUPP for a flow the NIC
 * cannot run (the reason is logged at debug level), the NIC's error if it
 * refuses the rule (ENOSPC: table full), 0 on success. */
static int
netdev_offload_fp_flow_put(struct netdev *netdev, struct match *match,
                           struct nlattr *actions, size_t actions_len,
                           const ovs_u128 *ufid,
                           struct offload_info *info OVS_UNUSED,
                           struct dpif_flow_stats *stats)
{
    struct offload_fp_flow *flow;
    struct fp_rule_stats before;
    struct fp_device *dev;
    char *reason = NULL;
    struct fp_rule rule;
    uint32_t port;
    int error;

    if (!netdev_fp_get_port(netdev, &dev, &port)) {
        netdev_offload_fp_refused(netdev, ufid,
                                  xstrdup("interface not bound to a NIC"),
                                  false);
        return EOPNOTSUPP;
    }

    memset(&rule, 0, sizeof rule);
    error = netdev_offload_fp_translate_match(match, dev, port, &rule,
                                              &reason);
    if (!error) {
        error = netdev_offload_fp_translate_actions(netdev, dev, actions,
                                                    actions_len, &rule,
                                                    &reason);
    }
    if (error) {
        /* A flow modified into one the NIC cannot run must not keep running
         * its old actions in the NIC. */
        ovs_mutex_lock(&offload_fp_mutex);
        flow = offload_fp_flow_find(ufid);
        if (flow) {
            offload_fp_flow_remove(flow, NULL);
        }
        ovs_mutex_unlock(&offload_fp_mutex);
        netdev_offload_fp_refused(netdev, ufid, reason, false);
        return error;
    }

    memset(&before, 0, sizeof before);
    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    if (flow && flow->dev == dev) {
        fp_rule_get_stats(dev, flow->rule_id, &before);
        error = fp_rule_modify(dev, flow->rule_id, &rule);
        if (!error) {
            offload_fp_stats.modified++;
            COVERAGE_INC(fp_offload_modify);
        }
    } else {
        uint32_t rule_id;

        if (flow) {
            offload_fp_flow_remove(flow, NULL);
        }
        error = fp_rule_add(dev, &rule, &rule_id);
        if (!error) {
            flow = xzalloc(sizeof *flow);
            flow->ufid = *ufid;
            flow->netdev = netdev;
            flow->dev = dev;
            flow->rule_id = rule_id;
            hmap_insert(&offload_fp_flows, &flow->node, ufid->u32[0]);
            offload_fp_stats.added++;
            COVERAGE_INC(fp_offload_add);
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);

    if (error) {
        struct fp_device_config cfg;

        fp_device_get_config(dev, &cfg);
        netdev_offload_fp_refused(
            netdev, ufid,
            (error == ENOSPC
             ? xasprintf("rule table of %s full (%"PRIu32" rules)",
                         fp_device_name(dev), cfg.n_rules)
             : xasprintf("%s refused the rule (%s)", fp_device_name(dev),
                         ovs_strerror(error))),
            true);
    } else if (stats) {
        memset(stats, 0, sizeof *stats);
        stats->n_packets = before.n_packets;
        stats->n_bytes = before.n_bytes;
        stats->used = before.used;
    }
    return error;
}

/* Reports the NIC's counters of flow 'ufid': packets and bytes that the NIC
 * forwarded itself (dpif-netdev adds its own), and the time of the last
 * hit.  Returns ENOENT if the flow is not offloaded. */
static int
netdev_offload_fp_flow_get(struct netdev *netdev OVS_UNUSED,
                           struct match *match OVS_UNUSED,
                           struct nlattr **actions OVS_UNUSED,
                           const ovs_u128 *ufid,
                           struct dpif_flow_stats *stats,
                           struct dpif_flow_attrs *attrs,
                           struct ofpbuf *buf OVS_UNUSED)
{
    struct offload_fp_flow *flow;
    struct fp_rule_stats rs;
    int error;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    error = flow ? fp_rule_get_stats(flow->dev, flow->rule_id, &rs) : ENOENT;
    ovs_mutex_unlock(&offload_fp_mutex);
    if (error) {
        return error;
    }

    memset(stats, 0, sizeof *stats);
    stats->n_packets = rs.n_packets;
    stats->n_bytes = rs.n_bytes;
    stats->used = rs.used;
    attrs->offloaded = true;
    attrs->dp_layer = "fp";
    attrs->dp_extra_info = NULL;
    return 0;
}

/* Removes flow 'ufid' from the NIC and stores its final NIC counters in
 * 'stats', if nonnull.  Returns ENOENT if the flow is not offloaded. */
static int
netdev_offload_fp_flow_del(struct netdev *netdev OVS_UNUSED,
                           const ovs_u128 *ufid,
                           struct dpif_flow_stats *stats)
{
    struct offload_fp_flow *flow;
    struct fp_rule_stats rs;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    if (flow) {
        offload_fp_flow_remove(flow, &rs);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    if (!flow) {
        return ENOENT;
    }

    if (stats) {
        memset(stats, 0, sizeof *stats);
        stats->n_packets = rs.n_packets;
        stats->n_bytes = rs.n_bytes;
        stats->used = rs.used;
    }
    return 0;
}

/* Removes from the NIC every flow whose in_port is 'netdev'. */
static int
netdev_offload_fp_flow_flush(struct netdev *netdev)
{
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH_SAFE (flow, node, &offload_fp_flows) {
        if (flow->netdev == netdev) {
            offload_fp_flow_remove(flow, NULL);
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return 0;
}

/* Counts the offloaded flows whose in_port is 'netdev' into 'n_flows[0]'
 * (OVS passes one counter per offload thread and adds them up). */
static int
netdev_offload_fp_flow_get_n_flows(struct netdev *netdev, uint64_t *n_flows)
{
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        n_flows[0] += flow->netdev == netdev;
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return 0;
}

/* Stores in '*stats' the counters of this flow API over all devices. */
void
netdev_offload_fp_get_stats(struct netdev_offload_fp_stats *stats)
{
    ovs_mutex_lock(&offload_fp_mutex);
    *stats = offload_fp_stats;
    stats->n_flows = hmap_count(&offload_fp_flows);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Claims 'netdev' for this flow API if it is an "fp" netdev.  Called when
 * hw-offload is enabled, for every port of a userspace datapath. */
static int
netdev_offload_fp_init_flow_api(struct netdev *netdev)
{
    return netdev_fp_is_fp(netdev) ? 0 : EOPNOTSUPP;
}

/* Called when 'netdev' leaves the datapath: its flows leave the NIC. */
static void
netdev_offload_fp_uninit_flow_api(struct netdev *netdev)
{
    netdev_offload_fp_flow_flush(netdev);
}

const struct netdev_flow_api netdev_offload_fp = {
    .type = "fp",
    .flow_flush = netdev_offload_fp_flow_flush,
    .flow_put = netdev_offload_fp_flow_put,
    .flow_get = netdev_offload_fp_flow_get,
    .flow_del = netdev_offload_fp_flow_del,
    .flow_get_n_flows = netdev_offload_fp_flow_get_n_flows,
    .init_flow_api = netdev_offload_fp_init_flow_api,
    .uninit_flow_api = netdev_offload_fp_uninit_flow_api,
};
