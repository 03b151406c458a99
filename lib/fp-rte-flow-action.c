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

/* rte_flow actions from fp actions: the second half of
 * fp_rte_flow_build() (lib/fp-rte-flow.c), see lib/fp-rte-flow.h.
 *
 * An fp rule's actions run in order, and so do an rte_flow rule's
 * ("Several actions combined in a list can be assigned to a flow rule and
 * are performed in order", rte_flow.h of DPDK 22.11): an output sends the
 * packet as the actions before it left it, and a rewrite after it changes
 * only what later outputs send, as in OVS's datapath actions.  A PMD that
 * cannot do that refuses the rule in rte_flow_validate(), with its
 * message.  A meter after an output is refused: rte_flow's METER polices
 * the flow's packets, not the copies that later actions send.  A rewrite
 * of a header that some packet of the rule may not
 * have is refused too, since rte_flow's rewrites need the item of their
 * header, where fp's do nothing to a packet without it. */

#include <config.h>

#include "fp-rte-flow-private.h"

#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>

#include "util.h"

/* Ethertypes and IP protocols, host byte order. */
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_IPV6 0x86dd

/* The configurations of the whole-field sets are the field's bytes in
 * network order, as fp's 'set.value' has them. */
BUILD_ASSERT_DECL(sizeof(struct rte_flow_action_set_mac) == 6);
BUILD_ASSERT_DECL(sizeof(struct rte_flow_action_set_ipv4) == 4);
BUILD_ASSERT_DECL(sizeof(struct rte_flow_action_set_ipv6) == 16);
BUILD_ASSERT_DECL(sizeof(struct rte_flow_action_set_tp) == 2);

/* Allocates a copy of the 'n' bytes at 'p'. */
static void *
conf_dup(const void *p, size_t n)
{
    return xmemdup(p, n);
}

/* What the actions so far did, for the actions that follow. */
struct fp_rte_flow_actx {
    bool fate;                  /* An output or exception happened. */
    int tags;                   /* VLAN tags the packet has at least. */
    bool ttl_ge2;               /* Its TTL or hop limit is at least 2. */
};

/* The name of a rewrite, for reasons. */
static const char *
set_name(enum fp_action_type type)
{
    switch (type) {
    case FP_ACTION_SET_VLAN:
        return "set_vlan";
    case FP_ACTION_SET_ETH_SRC:
        return "set_eth_src";
    case FP_ACTION_SET_ETH_DST:
        return "set_eth_dst";
    case FP_ACTION_SET_IPV4_SRC:
        return "set_ipv4_src";
    case FP_ACTION_SET_IPV4_DST:
        return "set_ipv4_dst";
    case FP_ACTION_SET_IPV4_TOS:
        return "set_ipv4_tos";
    case FP_ACTION_SET_IPV4_TTL:
        return "set_ipv4_ttl";
    case FP_ACTION_SET_IPV6_SRC:
        return "set_ipv6_src";
    case FP_ACTION_SET_IPV6_DST:
        return "set_ipv6_dst";
    case FP_ACTION_SET_IPV6_TCLASS:
        return "set_ipv6_tclass";
    case FP_ACTION_SET_IPV6_HLIM:
        return "set_ipv6_hlim";
    case FP_ACTION_SET_TP_SRC:
        return "set_tp_src";
    case FP_ACTION_SET_TP_DST:
        return "set_tp_dst";
    case FP_ACTION_DEC_TTL:
        return "dec_ttl";
    case FP_ACTION_OUTPUT:
    case FP_ACTION_PUSH_VLAN:
    case FP_ACTION_POP_VLAN:
    case FP_ACTION_DROP:
    case FP_ACTION_METER:
    case FP_ACTION_MARK:
    case FP_ACTION_COUNT:
    case FP_ACTION_EXCEPTION:
    case FP_ACTION_SET_QUEUE:
    case FP_ACTION_HASH:
    case FP_ACTION_RECIRC:
    case FP_N_ACTION_TYPES:
    default:
        return "action";
    }
}

/* A whole-field set of 'size' bytes: 'type' with a copy of the value as
 * its configuration.  'layer' is true if every packet of the rule has the
 * header, 'what' names it. */
static int
add_set(struct fp_rte_flow_ctx *ctx, const struct fp_action *a, size_t size,
        enum rte_flow_action_type type, bool layer, const char *what)
{
    if (fp_rte_flow_is_zero(a->set.mask, size)) {
        return 0;
    }
    if (!fp_rte_flow_is_ones(a->set.mask, size)) {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot set part of a field "
                                  "(%s with a partial mask)",
                                  set_name(a->type));
    }
    if (!layer) {
        return fp_rte_flow_refuse(ctx, "rte_flow's %s needs an %s item, and "
                                  "the rule matches packets that may have no "
                                  "%s header",
                                  set_name(a->type), what, what);
    }
    fp_rte_flow_add_action(ctx, type, conf_dup(a->set.value, size));
    return 0;
}

/* A set of the DSCP bits of 'tos' (IPv4 TOS or IPv6 traffic class). */
static int
add_set_dscp(struct fp_rte_flow_ctx *ctx, const struct fp_action *a,
             enum rte_flow_action_type type, bool layer, const char *what)
{
    struct rte_flow_action_set_dscp *conf;

    if (!a->set.mask[0]) {
        return 0;
    }
    if (a->set.mask[0] != 0xfc) {
        return fp_rte_flow_refuse(ctx, "rte_flow sets the DSCP of %s, and %s "
                                  "has mask %#"PRIx8" (the ECN bits, or part "
                                  "of the DSCP)",
                                  what, set_name(a->type), a->set.mask[0]);
    }
    if (!layer) {
        return fp_rte_flow_refuse(ctx, "rte_flow's %s needs an %s item, and "
                                  "the rule matches packets that may have no "
                                  "%s header",
                                  set_name(a->type), what, what);
    }
    conf = xzalloc(sizeof *conf);
    conf->dscp = a->set.value[0] >> 2;
    fp_rte_flow_add_action(ctx, type, conf);
    return 0;
}

static int
add_set_ttl(struct fp_rte_flow_ctx *ctx, struct fp_rte_flow_actx *ax,
            const struct fp_action *a, bool layer, const char *what)
{
    struct rte_flow_action_set_ttl *conf;

    if (!a->set.mask[0]) {
        return 0;
    }
    if (a->set.mask[0] != 0xff) {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot set part of a field "
                                  "(%s with a partial mask)",
                                  set_name(a->type));
    }
    if (!layer) {
        return fp_rte_flow_refuse(ctx, "rte_flow's SET_TTL needs an %s item, "
                                  "and the rule matches packets that may have "
                                  "no %s header",
                                  what, what);
    }
    conf = xzalloc(sizeof *conf);
    conf->ttl_value = a->set.value[0];
    fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_SET_TTL, conf);
    ax->ttl_ge2 = a->set.value[0] >= 2;
    return 0;
}

static int
add_output(struct fp_rte_flow_ctx *ctx, uint32_t fp_port)
{
    uint16_t port = 0;
    int error;

    if (!ctx->cfg->transfer) {
        return fp_rte_flow_refuse(ctx, "an ingress rte_flow rule cannot "
                                  "output to a port (transfer rules can)");
    }
    error = fp_rte_flow_map_port(ctx, fp_port, &port);
    if (error) {
        return error;
    }
    if (ctx->cfg->port_id) {
        struct rte_flow_action_port_id *conf = xzalloc(sizeof *conf);

        conf->id = port;
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_PORT_ID, conf);
    } else {
        struct rte_flow_action_ethdev *conf = xzalloc(sizeof *conf);

        conf->port_id = port;
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT,
                               conf);
    }
    return 0;
}

static void
add_exception(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_rte_flow_config *cfg = ctx->cfg;

    if (cfg->transfer) {
        /* To the host, on the representor of the input port. */
        struct rte_flow_action_ethdev *conf = xzalloc(sizeof *conf);

        conf->port_id = ctx->flow->port_id;
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR,
                               conf);
    } else if (cfg->n_queues <= 1) {
        struct rte_flow_action_queue *conf = xzalloc(sizeof *conf);

        conf->index = 0;
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_QUEUE, conf);
    } else {
        /* One allocation: the configuration and its queue array. */
        struct rss_data {
            struct rte_flow_action_rss conf;
            uint16_t queue[];
        } *rss;
        uint16_t i;

        rss = xzalloc(sizeof *rss + cfg->n_queues * sizeof rss->queue[0]);
        for (i = 0; i < cfg->n_queues; i++) {
            rss->queue[i] = i;
        }
        rss->conf.func = RTE_ETH_HASH_FUNCTION_DEFAULT;
        rss->conf.level = 0;
        rss->conf.types = RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP;
        rss->conf.queue_num = cfg->n_queues;
        rss->conf.queue = rss->queue;
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_RSS, &rss->conf);
    }
}

/* OF_PUSH_VLAN is OpenFlow's push_vlan, which copies VID and PCP from an
 * outer tag, if any; OF_SET_VLAN_VID and _PCP then set both.  The DEI bit
 * of the new tag is the one thing left: fp pushes the DEI of 'tci', so a
 * DEI of 1 is refused, and rte_flow does not say whether a PMD copies the
 * DEI of an outer tag (OpenFlow has none), which a NIC would have to
 * clear to push what fp pushes. */
static int
add_push_vlan(struct fp_rte_flow_ctx *ctx, struct fp_rte_flow_actx *ax,
              const struct fp_action *a)
{
    struct rte_flow_action_of_push_vlan *push;
    struct rte_flow_action_of_set_vlan_vid *vid;
    struct rte_flow_action_of_set_vlan_pcp *pcp;
    uint16_t tci = ntohs(a->vlan.tci);

    if (tci & 0x1000) {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot push a VLAN tag with "
                                  "its DEI bit set");
    }
    push = xzalloc(sizeof *push);
    push->ethertype = a->vlan.tpid;
    fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, push);
    vid = xzalloc(sizeof *vid);
    vid->vlan_vid = htons(tci & FP_VLAN_VID_MASK);
    fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, vid);
    pcp = xzalloc(sizeof *pcp);
    pcp->vlan_pcp = tci >> 13;
    fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP, pcp);
    ax->tags++;
    return 0;
}

/* A masked set of the outermost tag's TCI: its VID and its PCP. */
static int
add_set_vlan(struct fp_rte_flow_ctx *ctx, const struct fp_rte_flow_actx *ax,
             const struct fp_action *a)
{
    uint16_t value = (a->set.value[0] << 8) | a->set.value[1];
    uint16_t mask = (a->set.mask[0] << 8) | a->set.mask[1];
    uint16_t vid_mask, pcp_mask;

    if (!mask) {
        return 0;
    }
    vid_mask = mask & FP_VLAN_VID_MASK;
    pcp_mask = mask & FP_VLAN_PCP_MASK;
    if ((vid_mask && vid_mask != FP_VLAN_VID_MASK)
        || (pcp_mask && pcp_mask != FP_VLAN_PCP_MASK)
        || (mask & 0x1000)) {
        return fp_rte_flow_refuse(ctx, "rte_flow sets a whole VID or PCP, not "
                                  "TCI mask %#"PRIx16"", mask);
    }
    if (ax->tags < 1) {
        return fp_rte_flow_refuse(ctx, "rte_flow's OF_SET_VLAN_VID and _PCP "
                                  "need a VLAN tag, and the rule matches "
                                  "packets that may have none");
    }
    if (mask & FP_VLAN_VID_MASK) {
        struct rte_flow_action_of_set_vlan_vid *vid = xzalloc(sizeof *vid);

        vid->vlan_vid = htons(value & FP_VLAN_VID_MASK);
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, vid);
    }
    if (mask & FP_VLAN_PCP_MASK) {
        struct rte_flow_action_of_set_vlan_pcp *pcp = xzalloc(sizeof *pcp);

        pcp->vlan_pcp = value >> 13;
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP, pcp);
    }
    return 0;
}

/* A shared counter: INDIRECT with the caller's handle, or COUNT. */
static int
add_count(struct fp_rte_flow_ctx *ctx, uint32_t counter_id)
{
    const struct fp_rte_flow_config *cfg = ctx->cfg;

    if (cfg->counter_handle) {
        struct rte_flow_action_handle *handle;

        handle = cfg->counter_handle(counter_id, cfg->counter_aux);
        if (!handle) {
            return fp_rte_flow_refuse(ctx, "shared counter %"PRIu32" has "
                                      "no rte_flow indirect action",
                                      counter_id);
        }
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_INDIRECT, handle);
    } else {
        struct rte_flow_action_count *conf = xzalloc(sizeof *conf);

        conf->id = counter_id;
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_COUNT, conf);
    }
    return 0;
}

/* Translates the actions of the rule of 'ctx', whose pattern is built,
 * into its actions, END included.  Returns 0 or EOPNOTSUPP. */
int
fp_rte_flow_action_parse(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_rule *rule = ctx->rule;
    struct fp_rte_flow_actx ax = {
        .fate = false,
        .tags = ctx->min_tags,
        .ttl_ge2 = ctx->ttl_ge2,
    };
    bool ipv4 = ctx->eth_type == ETH_TYPE_IPV4;
    bool ipv6 = ctx->eth_type == ETH_TYPE_IPV6;
    bool dropped = false;
    int error = 0;
    size_t i;

    for (i = 0; !error && !dropped && i < rule->n_actions; i++) {
        const struct fp_action *a = &rule->actions[i];

        if (ax.fate && a->type == FP_ACTION_METER) {
            error = fp_rte_flow_refuse(ctx, "rte_flow's METER polices every "
                                       "packet of the rule, and the rule "
                                       "meters only what it sends after an "
                                       "output");
            break;
        }

        switch (a->type) {
        case FP_ACTION_OUTPUT:
            error = add_output(ctx, a->port);
            ax.fate = true;
            break;

        case FP_ACTION_EXCEPTION:
            add_exception(ctx);
            ax.fate = true;
            break;

        case FP_ACTION_DROP:
            /* Later actions are not executed; copies already sent stay
             * sent. */
            if (!ax.fate) {
                fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_DROP, NULL);
                ax.fate = true;
            }
            dropped = true;
            break;

        case FP_ACTION_PUSH_VLAN:
            error = add_push_vlan(ctx, &ax, a);
            break;

        case FP_ACTION_POP_VLAN:
            if (ax.tags < 1) {
                error = fp_rte_flow_refuse(ctx, "rte_flow's OF_POP_VLAN needs "
                                           "a VLAN tag, and the rule matches "
                                           "packets that may have none");
                break;
            }
            fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_OF_POP_VLAN,
                                   NULL);
            ax.tags--;
            break;

        case FP_ACTION_SET_VLAN:
            error = add_set_vlan(ctx, &ax, a);
            break;

        case FP_ACTION_SET_ETH_SRC:
            error = add_set(ctx, a, 6, RTE_FLOW_ACTION_TYPE_SET_MAC_SRC,
                            true, "ETH");
            break;

        case FP_ACTION_SET_ETH_DST:
            error = add_set(ctx, a, 6, RTE_FLOW_ACTION_TYPE_SET_MAC_DST,
                            true, "ETH");
            break;

        case FP_ACTION_SET_IPV4_SRC:
            error = add_set(ctx, a, 4, RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC,
                            ipv4, "IPv4");
            break;

        case FP_ACTION_SET_IPV4_DST:
            error = add_set(ctx, a, 4, RTE_FLOW_ACTION_TYPE_SET_IPV4_DST,
                            ipv4, "IPv4");
            break;

        case FP_ACTION_SET_IPV4_TOS:
            error = add_set_dscp(ctx, a, RTE_FLOW_ACTION_TYPE_SET_IPV4_DSCP,
                                 ipv4, "IPv4");
            break;

        case FP_ACTION_SET_IPV4_TTL:
            error = add_set_ttl(ctx, &ax, a, ipv4, "IPv4");
            break;

        case FP_ACTION_SET_IPV6_SRC:
            error = add_set(ctx, a, 16, RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC,
                            ipv6, "IPv6");
            break;

        case FP_ACTION_SET_IPV6_DST:
            error = add_set(ctx, a, 16, RTE_FLOW_ACTION_TYPE_SET_IPV6_DST,
                            ipv6, "IPv6");
            break;

        case FP_ACTION_SET_IPV6_TCLASS:
            error = add_set_dscp(ctx, a, RTE_FLOW_ACTION_TYPE_SET_IPV6_DSCP,
                                 ipv6, "IPv6");
            break;

        case FP_ACTION_SET_IPV6_HLIM:
            error = add_set_ttl(ctx, &ax, a, ipv6, "IPv6");
            break;

        case FP_ACTION_SET_TP_SRC:
        case FP_ACTION_SET_TP_DST:
            if (fp_rte_flow_is_zero(a->set.mask, 2)) {
                break;
            }
            if (!fp_rte_flow_is_ones(a->set.mask, 2)) {
                error = fp_rte_flow_refuse(ctx, "rte_flow cannot set part of "
                                           "a field (%s with a partial mask)",
                                           set_name(a->type));
                break;
            }
            if (!fp_rte_flow_l4_item(ctx)) {
                error = fp_rte_flow_refuse(ctx, "rte_flow's SET_TP_* needs a "
                                           "TCP or UDP item, and the rule "
                                           "matches packets that may have no "
                                           "TCP or UDP header (SCTP, another "
                                           "protocol, or a later fragment)");
                break;
            }
            fp_rte_flow_add_action(ctx, (a->type == FP_ACTION_SET_TP_SRC
                                         ? RTE_FLOW_ACTION_TYPE_SET_TP_SRC
                                         : RTE_FLOW_ACTION_TYPE_SET_TP_DST),
                                   conf_dup(a->set.value, 2));
            break;

        case FP_ACTION_DEC_TTL:
            if (!ipv4 && !ipv6) {
                error = fp_rte_flow_refuse(ctx, "rte_flow's DEC_TTL needs an "
                                           "IPv4 or IPv6 item, and the rule "
                                           "does not match eth_type IPv4 or "
                                           "IPv6");
                break;
            }
            if (!ax.ttl_ge2) {
                error = fp_rte_flow_refuse(ctx, "rte_flow's DEC_TTL does not "
                                           "send a packet whose TTL is 0 or 1 "
                                           "to the host as the NIC does, and "
                                           "the rule matches such packets");
                break;
            }
            fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_DEC_TTL, NULL);
            ax.ttl_ge2 = false;
            break;

        case FP_ACTION_METER: {
            struct rte_flow_action_meter *conf = xzalloc(sizeof *conf);

            conf->mtr_id = a->meter_id;
            fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_METER, conf);
            break;
        }

        case FP_ACTION_MARK: {
            struct rte_flow_action_mark *conf = xzalloc(sizeof *conf);

            conf->id = a->mark;
            fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_MARK, conf);
            break;
        }

        case FP_ACTION_COUNT:
            error = add_count(ctx, a->counter_id);
            break;

        case FP_ACTION_SET_QUEUE:
            error = fp_rte_flow_refuse(ctx, "rte_flow has no action for the "
                                       "transmit queue of an output "
                                       "(set_queue %"PRIu32")",
                                       a->queue);
            break;

        case FP_ACTION_HASH:
            error = fp_rte_flow_refuse(ctx, "rte_flow has no action that "
                                       "computes OVS's dp_hash (hash)");
            break;

        case FP_ACTION_RECIRC:
            error = fp_rte_flow_refuse(ctx, "rte_flow's JUMP to another group "
                                       "does not hand a packet that misses "
                                       "there to the host with its recirc_id, "
                                       "as recirculation does (recirc "
                                       "%#"PRIx32")", a->recirc_id);
            break;

        case FP_N_ACTION_TYPES:
        default:
            error = fp_rte_flow_refuse(ctx, "unknown fp action %d",
                                       (int) a->type);
            break;
        }
    }
    if (error) {
        return error;
    }
    if (ctx->cfg->count) {
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_COUNT,
                               xzalloc(sizeof(struct rte_flow_action_count)));
    }
    if (!ax.fate) {
        /* A rule without output drops what it matches. */
        fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_DROP, NULL);
    }
    fp_rte_flow_add_action(ctx, RTE_FLOW_ACTION_TYPE_END, NULL);
    return 0;
}
