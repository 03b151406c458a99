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

/* rte_flow actions of the net_fp PMD: the second half of the parse of
 * lib/fp-dpdk-pmd-flow.c, which says what it keeps of rte_flow.
 *
 * Actions are performed in list order, as fp's, so that each becomes one
 * fp action (or none) in the same place.  Those whose header the pattern
 * does not guarantee (SET_IPV4_*, SET_TP_*, OF_POP_VLAN...) are refused,
 * as rte_flow requires the item of their header; DEC_TTL only where the
 * pattern matches a TTL of 2 or more, since the model NIC sends a packet of
 * TTL 0 or 1 to the host instead.  QUEUE and RSS (ingress rules) and
 * PORT_REPRESENTOR of the input port (transfer rules) send to the host:
 * FP_ACTION_EXCEPTION, which the ethdev's receive queue 0 gets. */

#include <config.h>

/* The ethdev driver API is DPDK's internal ABI (FP_CHECK_DPDK_SDK). */
#define ALLOW_INTERNAL_API 1

#include "fp-dpdk-pmd-private.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_flow.h>

#include <ethdev_driver.h>

#include "packets.h"
#include "util.h"

static int OVS_PRINTF_FORMAT(5, 6)
fail(struct pmd_parse *p, int code, enum rte_flow_error_type type,
     const void *cause, const char *format, ...)
{
    va_list args;
    int retval;

    va_start(args, format);
    retval = fp_dpdk_pmd_vfail(p, code, type, cause, format, args);
    va_end(args);
    return retval;
}

#define REFUSE_ACTION(P, ACTION, ...) \
    fail(P, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, ACTION, __VA_ARGS__)

static const char *
action_name(enum rte_flow_action_type type)
{
    switch ((int) type) {
    case RTE_FLOW_ACTION_TYPE_JUMP:
        return "JUMP";
    case RTE_FLOW_ACTION_TYPE_PASSTHRU:
        return "PASSTHRU";
    case RTE_FLOW_ACTION_TYPE_FLAG:
        return "FLAG";
    case RTE_FLOW_ACTION_TYPE_METER:
        return "METER";
    case RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP:
        return "VXLAN_ENCAP";
    case RTE_FLOW_ACTION_TYPE_VXLAN_DECAP:
        return "VXLAN_DECAP";
    case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
        return "RAW_ENCAP";
    case RTE_FLOW_ACTION_TYPE_RAW_DECAP:
        return "RAW_DECAP";
    case RTE_FLOW_ACTION_TYPE_SET_TAG:
        return "SET_TAG";
    case RTE_FLOW_ACTION_TYPE_SET_META:
        return "SET_META";
    case RTE_FLOW_ACTION_TYPE_AGE:
        return "AGE";
    case RTE_FLOW_ACTION_TYPE_SAMPLE:
        return "SAMPLE";
    case RTE_FLOW_ACTION_TYPE_MODIFY_FIELD:
        return "MODIFY_FIELD";
    case RTE_FLOW_ACTION_TYPE_INC_TCP_SEQ:
        return "INC_TCP_SEQ";
    case RTE_FLOW_ACTION_TYPE_CONNTRACK:
        return "CONNTRACK";
    default:
        return NULL;
    }
}

/* What the actions so far did, for the actions that follow. */
struct actx {
    struct fp_action *push;     /* The PUSH_VLAN just added, if the last
                                 * action was an OF_PUSH_VLAN... */
    bool push_vid, push_pcp;    /* ...and which of VID and PCP followed. */
    bool outer_known;           /* The push had no tag to copy from. */
    const struct rte_flow_action *push_action;
    int tags;                   /* VLAN tags the packet has at least. */
    bool ttl_ge2;
    bool drop, fate;
    bool count;
};

static struct fp_action *
add_action(struct pmd_parse *p, enum fp_action_type type)
{
    struct fp_rule *rule = p->rule;
    struct fp_action *a;

    if (rule->n_actions >= FP_MAX_ACTIONS) {
        return NULL;
    }
    a = &rule->actions[rule->n_actions++];
    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

static int
too_many(struct pmd_parse *p, const struct rte_flow_action *action)
{
    return REFUSE_ACTION(p, action, "the model NIC takes at most %d actions "
                         "in a rule", FP_MAX_ACTIONS);
}

static int
add_set(struct pmd_parse *p, const struct rte_flow_action *action,
        enum fp_action_type type, const void *value, size_t size)
{
    struct fp_action *a = add_action(p, type);

    if (!a) {
        return too_many(p, action);
    }
    memcpy(a->set.value, value, size);
    memset(a->set.mask, 0xff, size);
    return 0;
}

/* An OF_PUSH_VLAN takes VID and PCP from the outer tag, if any (OpenFlow's
 * push_vlan): unless OF_SET_VLAN_VID and _PCP follow it, the packet must
 * have had no tag, so that they are 0. */
static int
end_push(struct pmd_parse *p, struct actx *ax)
{
    if (ax->push && (!ax->push_vid || !ax->push_pcp) && !ax->outer_known) {
        return REFUSE_ACTION(p, ax->push_action, "OF_PUSH_VLAN: copies the "
                             "VID and PCP of a tag that the packet may have, "
                             "and the model NIC pushes given ones (follow it "
                             "with OF_SET_VLAN_VID and OF_SET_VLAN_PCP)");
    }
    ax->push = NULL;
    return 0;
}

static int
add_output(struct pmd_parse *p, struct actx *ax,
           const struct rte_flow_action *action, uint32_t port_id)
{
    struct fp_action *a;
    uint32_t fp_port;

    if (!p->attr->transfer) {
        return REFUSE_ACTION(p, action, "an ingress rule cannot send to a "
                             "port (transfer rules can)");
    }
    if (port_id > UINT16_MAX || fp_dpdk_pmd_fp_port(p->dev, port_id,
                                                    &fp_port)) {
        return fail(p, ENODEV, RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
                    "DPDK port %"PRIu32" is not a port of %s", port_id,
                    p->dev->name);
    }
    a = add_action(p, FP_ACTION_OUTPUT);
    if (!a) {
        return too_many(p, action);
    }
    a->port = fp_port;
    ax->fate = true;
    return 0;
}

static int
add_exception(struct pmd_parse *p, struct actx *ax,
              const struct rte_flow_action *action)
{
    if (!add_action(p, FP_ACTION_EXCEPTION)) {
        return too_many(p, action);
    }
    ax->fate = true;
    return 0;
}

/* A queue of the port's receive queues: the host side of the port. */
static int
check_queue(struct pmd_parse *p, const struct rte_flow_action *action,
            uint16_t queue)
{
    const struct rte_eth_dev *eth = &rte_eth_devices[p->port_id];

    if (p->attr->transfer) {
        return REFUSE_ACTION(p, action, "QUEUE and RSS are for ingress "
                             "rules (a transfer rule sends to the host with "
                             "PORT_REPRESENTOR)");
    }
    if (queue >= eth->data->nb_rx_queues) {
        return fail(p, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
                    "receive queue %"PRIu16" of %"PRIu16, queue,
                    eth->data->nb_rx_queues);
    }
    return 0;
}

static int
parse_action(struct pmd_parse *p, struct actx *ax,
             const struct rte_flow_action *action)
{
    struct fp_action *a;
    int error;

    if (ax->drop && action->type != RTE_FLOW_ACTION_TYPE_COUNT) {
        return REFUSE_ACTION(p, action, "an action after DROP");
    }
    if (ax->push && action->type != RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID
        && action->type != RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP) {
        error = end_push(p, ax);
        if (error) {
            return error;
        }
    }

    switch ((int) action->type) {
    case RTE_FLOW_ACTION_TYPE_VOID:
        return 0;

    case RTE_FLOW_ACTION_TYPE_DROP:
        if (ax->fate) {
            return REFUSE_ACTION(p, action, "DROP after another fate "
                                 "action");
        }
        ax->drop = ax->fate = true;
        return add_action(p, FP_ACTION_DROP) ? 0 : too_many(p, action);

    case RTE_FLOW_ACTION_TYPE_COUNT:
        /* The rule's own counters, which every fp rule has. */
        ax->count = true;
        return 0;

    case RTE_FLOW_ACTION_TYPE_MARK: {
        const struct rte_flow_action_mark *conf = action->conf;

        a = add_action(p, FP_ACTION_MARK);
        if (!a) {
            return too_many(p, action);
        }
        a->mark = conf->id;
        return 0;
    }

    case RTE_FLOW_ACTION_TYPE_QUEUE: {
        const struct rte_flow_action_queue *conf = action->conf;

        error = check_queue(p, action, conf->index);
        return error ? error : add_exception(p, ax, action);
    }

    case RTE_FLOW_ACTION_TYPE_RSS: {
        const struct rte_flow_action_rss *conf = action->conf;
        uint32_t i;

        if (!conf->queue_num) {
            return REFUSE_ACTION(p, action, "RSS over no queue");
        }
        for (i = 0; i < conf->queue_num; i++) {
            error = check_queue(p, action, conf->queue[i]);
            if (error) {
                return error;
            }
        }
        return add_exception(p, ax, action);
    }

    case RTE_FLOW_ACTION_TYPE_PORT_ID: {
        const struct rte_flow_action_port_id *conf = action->conf;

        if (conf->original) {
            return REFUSE_ACTION(p, action, "PORT_ID: 'original'");
        }
        return add_output(p, ax, action, conf->id);
    }

    case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT: {
        const struct rte_flow_action_ethdev *conf = action->conf;

        return add_output(p, ax, action, conf->port_id);
    }

    case RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR: {
        const struct rte_flow_action_ethdev *conf = action->conf;

        if (!p->attr->transfer) {
            return REFUSE_ACTION(p, action, "PORT_REPRESENTOR in a rule that "
                                 "is not a transfer rule");
        }
        if (conf->port_id != p->in_port_id) {
            return REFUSE_ACTION(p, action, "PORT_REPRESENTOR: the model NIC "
                                 "sends to the host on the representor of "
                                 "the input port (%"PRIu16") only, not on "
                                 "%"PRIu16"'s", p->in_port_id,
                                 conf->port_id);
        }
        return add_exception(p, ax, action);
    }

    case RTE_FLOW_ACTION_TYPE_OF_POP_VLAN:
        if (ax->tags < 1) {
            return REFUSE_ACTION(p, action, "OF_POP_VLAN: the rule matches "
                                 "packets that may have no VLAN tag (match "
                                 "one with a VLAN item)");
        }
        ax->tags--;
        return add_action(p, FP_ACTION_POP_VLAN) ? 0 : too_many(p, action);

    case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN: {
        const struct rte_flow_action_of_push_vlan *conf = action->conf;

        if (!fp_dpdk_pmd_is_tpid(ntohs(conf->ethertype))) {
            return REFUSE_ACTION(p, action, "OF_PUSH_VLAN: TPID %#"PRIx16" "
                                 "(the model NIC pushes 0x8100 or 0x88a8)",
                                 ntohs(conf->ethertype));
        }
        a = add_action(p, FP_ACTION_PUSH_VLAN);
        if (!a) {
            return too_many(p, action);
        }
        a->vlan.tpid = conf->ethertype;
        a->vlan.tci = 0;
        ax->outer_known = !ax->tags && p->rule->mask.vlans[0].tci
                          & htons(FP_VLAN_PRESENT);
        ax->push = a;
        ax->push_action = action;
        ax->push_vid = ax->push_pcp = false;
        ax->tags++;
        return 0;
    }

    case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID:
    case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP: {
        bool vid = action->type == RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID;
        uint16_t value, mask;

        if (vid) {
            const struct rte_flow_action_of_set_vlan_vid *conf = action->conf;

            value = ntohs(conf->vlan_vid);
            mask = FP_VLAN_VID_MASK;
            if (value > FP_VLAN_VID_MASK) {
                return fail(p, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF,
                            action, "OF_SET_VLAN_VID: VID %"PRIu16, value);
            }
        } else {
            const struct rte_flow_action_of_set_vlan_pcp *conf = action->conf;

            if (conf->vlan_pcp > 7) {
                return fail(p, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF,
                            action, "OF_SET_VLAN_PCP: PCP %"PRIu8,
                            conf->vlan_pcp);
            }
            value = conf->vlan_pcp << 13;
            mask = FP_VLAN_PCP_MASK;
        }
        if (ax->push) {
            ax->push->vlan.tci = htons((ntohs(ax->push->vlan.tci) & ~mask)
                                       | value);
            if (vid) {
                ax->push_vid = true;
            } else {
                ax->push_pcp = true;
            }
            return 0;
        }
        if (ax->tags < 1) {
            return REFUSE_ACTION(p, action, "%s: the rule matches packets "
                                 "that may have no VLAN tag",
                                 vid ? "OF_SET_VLAN_VID" : "OF_SET_VLAN_PCP");
        }
        a = add_action(p, FP_ACTION_SET_VLAN);
        if (!a) {
            return too_many(p, action);
        }
        a->set.value[0] = value >> 8;
        a->set.value[1] = value;
        a->set.mask[0] = mask >> 8;
        a->set.mask[1] = mask;
        return 0;
    }

    case RTE_FLOW_ACTION_TYPE_SET_MAC_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_MAC_DST: {
        const struct rte_flow_action_set_mac *conf = action->conf;

        return add_set(p, action,
                       (action->type == RTE_FLOW_ACTION_TYPE_SET_MAC_SRC
                        ? FP_ACTION_SET_ETH_SRC : FP_ACTION_SET_ETH_DST),
                       conf->mac_addr, 6);
    }

    case RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_IPV4_DST: {
        const struct rte_flow_action_set_ipv4 *conf = action->conf;

        if (p->l3 != ETH_TYPE_IP) {
            return REFUSE_ACTION(p, action, "SET_IPV4_*: in a rule without "
                                 "an IPV4 item");
        }
        return add_set(p, action,
                       (action->type == RTE_FLOW_ACTION_TYPE_SET_IPV4_SRC
                        ? FP_ACTION_SET_IPV4_SRC : FP_ACTION_SET_IPV4_DST),
                       &conf->ipv4_addr, 4);
    }

    case RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_DST: {
        const struct rte_flow_action_set_ipv6 *conf = action->conf;

        if (p->l3 != ETH_TYPE_IPV6) {
            return REFUSE_ACTION(p, action, "SET_IPV6_*: in a rule without "
                                 "an IPV6 item");
        }
        return add_set(p, action,
                       (action->type == RTE_FLOW_ACTION_TYPE_SET_IPV6_SRC
                        ? FP_ACTION_SET_IPV6_SRC : FP_ACTION_SET_IPV6_DST),
                       conf->ipv6_addr, 16);
    }

    case RTE_FLOW_ACTION_TYPE_SET_TP_SRC:
    case RTE_FLOW_ACTION_TYPE_SET_TP_DST: {
        const struct rte_flow_action_set_tp *conf = action->conf;

        if (!p->tcp_udp) {
            return REFUSE_ACTION(p, action, "SET_TP_*: in a rule without a "
                                 "TCP or UDP item");
        }
        return add_set(p, action,
                       (action->type == RTE_FLOW_ACTION_TYPE_SET_TP_SRC
                        ? FP_ACTION_SET_TP_SRC : FP_ACTION_SET_TP_DST),
                       &conf->port, 2);
    }

    case RTE_FLOW_ACTION_TYPE_SET_TTL: {
        const struct rte_flow_action_set_ttl *conf = action->conf;

        if (p->l3 != ETH_TYPE_IP && p->l3 != ETH_TYPE_IPV6) {
            return REFUSE_ACTION(p, action, "SET_TTL: in a rule without an "
                                 "IPV4 or IPV6 item");
        }
        ax->ttl_ge2 = conf->ttl_value >= 2;
        return add_set(p, action,
                       (p->l3 == ETH_TYPE_IP ? FP_ACTION_SET_IPV4_TTL
                        : FP_ACTION_SET_IPV6_HLIM), &conf->ttl_value, 1);
    }

    case RTE_FLOW_ACTION_TYPE_DEC_TTL:
        if (p->l3 != ETH_TYPE_IP && p->l3 != ETH_TYPE_IPV6) {
            return REFUSE_ACTION(p, action, "DEC_TTL: in a rule without an "
                                 "IPV4 or IPV6 item");
        }
        if (!ax->ttl_ge2) {
            return REFUSE_ACTION(p, action, "DEC_TTL: the model NIC sends a "
                                 "packet of TTL 0 or 1 to the host instead, "
                                 "and the rule matches such packets (match "
                                 "a TTL of 2 or more)");
        }
        ax->ttl_ge2 = false;
        return add_action(p, FP_ACTION_DEC_TTL) ? 0 : too_many(p, action);

    case RTE_FLOW_ACTION_TYPE_SET_IPV4_DSCP:
    case RTE_FLOW_ACTION_TYPE_SET_IPV6_DSCP: {
        const struct rte_flow_action_set_dscp *conf = action->conf;
        bool v4 = action->type == RTE_FLOW_ACTION_TYPE_SET_IPV4_DSCP;

        if (p->l3 != (v4 ? ETH_TYPE_IP : ETH_TYPE_IPV6)) {
            return REFUSE_ACTION(p, action, "SET_IPV%d_DSCP: in a rule "
                                 "without an IPV%d item", v4 ? 4 : 6,
                                 v4 ? 4 : 6);
        }
        if (conf->dscp > 63) {
            return fail(p, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
                        "DSCP %"PRIu8, conf->dscp);
        }
        a = add_action(p, v4 ? FP_ACTION_SET_IPV4_TOS
                       : FP_ACTION_SET_IPV6_TCLASS);
        if (!a) {
            return too_many(p, action);
        }
        a->set.value[0] = conf->dscp << 2;
        a->set.mask[0] = 0xfc;
        return 0;
    }

    case RTE_FLOW_ACTION_TYPE_METER: {
        const struct rte_flow_action_meter *conf = action->conf;

        if (!fp_dpdk_pmd_mtr_exists(p->dev, conf->mtr_id)) {
            return fail(p, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
                        "METER: no meter %"PRIu32" (create it with "
                        "rte_mtr_create())", conf->mtr_id);
        }
        a = add_action(p, FP_ACTION_METER);
        if (!a) {
            return too_many(p, action);
        }
        a->meter_id = conf->mtr_id;
        return 0;
    }

    case RTE_FLOW_ACTION_TYPE_INDIRECT: {
        struct rte_flow_action_handle *h;
        bool found = false;

        ovs_mutex_lock(&p->dev->mutex);
        LIST_FOR_EACH (h, node, &p->dev->counters) {
            if (h == action->conf) {
                found = true;
                break;
            }
        }
        ovs_mutex_unlock(&p->dev->mutex);
        if (!found) {
            return fail(p, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
                        "INDIRECT: not an indirect action of %s",
                        p->dev->name);
        }
        a = add_action(p, FP_ACTION_COUNT);
        if (!a) {
            return too_many(p, action);
        }
        a->counter_id = h->counter_id;
        return 0;
    }

    default: {
        const char *name = action_name(action->type);

        if (name) {
            return REFUSE_ACTION(p, action, "%s: the model NIC has no such "
                                 "action", name);
        }
        return REFUSE_ACTION(p, action, "action type %d: the model NIC has "
                             "no such action", (int) action->type);
    }
    }
}

int
fp_dpdk_pmd_parse_actions(struct pmd_parse *p,
                          const struct rte_flow_action actions[],
                          bool *countp)
{
    const struct rte_flow_action *action;
    struct actx ax;
    int error;

    memset(&ax, 0, sizeof ax);
    ax.tags = p->min_tags;
    ax.ttl_ge2 = p->ttl_ge2;
    for (action = actions; action->type != RTE_FLOW_ACTION_TYPE_END;
         action++) {
        if (action->type != RTE_FLOW_ACTION_TYPE_VOID && !action->conf
            && action->type != RTE_FLOW_ACTION_TYPE_DROP
            && action->type != RTE_FLOW_ACTION_TYPE_COUNT
            && action->type != RTE_FLOW_ACTION_TYPE_OF_POP_VLAN
            && action->type != RTE_FLOW_ACTION_TYPE_DEC_TTL
            && action->type != RTE_FLOW_ACTION_TYPE_PASSTHRU
            && action->type != RTE_FLOW_ACTION_TYPE_FLAG) {
            return fail(p, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, action,
                        "an action without its configuration");
        }
        error = parse_action(p, &ax, action);
        if (error) {
            return error;
        }
    }
    error = end_push(p, &ax);
    if (error) {
        return error;
    }
    if (!ax.fate) {
        return fail(p, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL,
                    "a rule without a fate action (DROP, PORT_ID, "
                    "REPRESENTED_PORT, PORT_REPRESENTOR, QUEUE or RSS): "
                    "the model NIC has no default for it");
    }
    *countp = ax.count;
    return 0;
}

/* Indirect actions: COUNT only, as a shared counter of the model
 * (fp_counter_alloc()), which rules count in with FP_ACTION_COUNT. */
struct rte_flow_action_handle *
fp_dpdk_pmd_handle_create(struct rte_eth_dev *eth,
                          const struct rte_flow_indir_action_conf *conf,
                          const struct rte_flow_action *action,
                          struct rte_flow_error *error)
{
    struct rte_flow_action_handle *h;
    struct fp_dpdk_pmd_dev *dev;
    uint32_t fp_port, id;
    int err;

    dev = fp_dpdk_pmd_dev_of(eth, &fp_port);
    if (action->type != RTE_FLOW_ACTION_TYPE_COUNT) {
        rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION,
                           action, "the model NIC's indirect actions are "
                           "COUNT only");
        return NULL;
    }
    if (conf && conf->egress) {
        rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_EGRESS,
                           NULL, "egress: the model NIC has no egress "
                           "rules");
        return NULL;
    }
    err = fp_counter_alloc(dev->fp, &id);
    if (err) {
        rte_flow_error_set(error, err, RTE_FLOW_ERROR_TYPE_ACTION, action,
                           err == ENOSPC
                           ? "the model NIC's counter table is full"
                           : "the model NIC refused the counter");
        return NULL;
    }
    h = xzalloc(sizeof *h);
    h->counter_id = id;
    ovs_mutex_lock(&dev->mutex);
    ovs_list_push_back(&dev->counters, &h->node);
    ovs_mutex_unlock(&dev->mutex);
    return h;
}

int
fp_dpdk_pmd_handle_destroy(struct rte_eth_dev *eth,
                           struct rte_flow_action_handle *h,
                           struct rte_flow_error *error)
{
    struct fp_dpdk_pmd_dev *dev;
    uint32_t fp_port;
    int err;

    dev = fp_dpdk_pmd_dev_of(eth, &fp_port);
    err = fp_counter_free(dev->fp, h->counter_id);
    if (err == EBUSY) {
        return rte_flow_error_set(error, EBUSY, RTE_FLOW_ERROR_TYPE_HANDLE,
                                  h, "a rule counts in the counter");
    }
    ovs_mutex_lock(&dev->mutex);
    ovs_list_remove(&h->node);
    ovs_mutex_unlock(&dev->mutex);
    free(h);
    return 0;
}

int
fp_dpdk_pmd_handle_query(struct rte_eth_dev *eth,
                         const struct rte_flow_action_handle *h_,
                         void *data, struct rte_flow_error *error)
{
    struct rte_flow_action_handle *h = CONST_CAST(void *, h_);
    struct rte_flow_query_count *count = data;
    struct fp_dpdk_pmd_dev *dev;
    struct fp_rule_stats s;
    uint32_t fp_port;

    dev = fp_dpdk_pmd_dev_of(eth, &fp_port);
    if (fp_counter_get(dev->fp, h->counter_id, &s)) {
        return rte_flow_error_set(error, ENOENT, RTE_FLOW_ERROR_TYPE_HANDLE,
                                  h, "the model NIC has lost the counter "
                                  "(a device reset)");
    }
    ovs_mutex_lock(&dev->mutex);
    count->hits_set = 1;
    count->bytes_set = 1;
    count->hits = s.n_packets - MIN(s.n_packets, h->base.n_packets);
    count->bytes = s.n_bytes - MIN(s.n_bytes, h->base.n_bytes);
    if (count->reset) {
        h->base = s;
    }
    ovs_mutex_unlock(&dev->mutex);
    return 0;
}

/* Frees every indirect action of 'dev', at its removal. */
void
fp_dpdk_pmd_handle_free_all(struct fp_dpdk_pmd_dev *dev)
{
    struct rte_flow_action_handle *h;

    ovs_mutex_lock(&dev->mutex);
    LIST_FOR_EACH_POP (h, node, &dev->counters) {
        fp_counter_free(dev->fp, h->counter_id);
        free(h);
    }
    ovs_mutex_unlock(&dev->mutex);
}
