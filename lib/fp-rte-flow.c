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

/* rte_flow rules from fp rules: see lib/fp-rte-flow.h.
 *
 * The pattern is built layer by layer, as OVS's parse_flow_match() in
 * lib/netdev-offload-dpdk.c builds it from a megaflow: each layer copies
 * the fields it translates into its item and clears them in a copy of the
 * rule's mask, and the rule is refused if any bit of that copy is left.
 * Unlike OVS's, every layer also checks that its item matches no packet
 * that the fp key does not: the fp key has zeros for the fields that a
 * packet does not have (no VLAN tag, no L4 header in a later fragment),
 * where an rte_flow item requires the header. */

#include <config.h>

#include "fp-rte-flow.h"
#include "fp-rte-flow-private.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ip.h>

#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_rte_flow);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Ethertypes and IP protocols, host byte order. */
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_ARP  0x0806
#define ETH_TYPE_RARP 0x8035
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_MIN  0x0600
#define PROTO_ICMP    1
#define PROTO_TCP     6
#define PROTO_UDP     17
#define PROTO_IPV6_FRAG 44
#define PROTO_ICMPV6  58
#define PROTO_SCTP    132

/* A field of struct fp_key, for the mask checks and their reasons. */
struct fp_rte_flow_field {
    const char *name;
    size_t ofs;
    size_t size;
    bool l3;                    /* Zero in a packet without an IP or ARP
                                 * header. */
};

#define FIELD(NAME, MEMBER, L3) \
    { NAME, offsetof(struct fp_key, MEMBER), \
      MEMBER_SIZEOF(struct fp_key, MEMBER), L3 }

static const struct fp_rte_flow_field fields[] = {
    FIELD("in_port", in_port, false),
    FIELD("eth_dst", eth_dst, false),
    FIELD("eth_src", eth_src, false),
    FIELD("eth_type", eth_type, false),
    FIELD("vlans", vlans, false),
    FIELD("ip_frag", ip_frag, true),
    FIELD("nw_proto", nw_proto, true),
    FIELD("nw_tos", nw_tos, true),
    FIELD("nw_ttl", nw_ttl, true),
    FIELD("tcp_flags", tcp_flags, true),
    FIELD("nw_src", nw_src, true),
    FIELD("nw_dst", nw_dst, true),
    FIELD("ipv6_label", ipv6_label, true),
    FIELD("ipv6_src", ipv6_src, true),
    FIELD("ipv6_dst", ipv6_dst, true),
    FIELD("nd_target", nd_target, true),
    FIELD("arp_sha", arp_sha, true),
    FIELD("arp_tha", arp_tha, true),
    FIELD("tp_src", tp_src, true),
    FIELD("tp_dst", tp_dst, true),
    FIELD("tun_vni", tun_vni, false),
    FIELD("tun_type", tun_type, false),
    FIELD("recirc_id", recirc_id, false),
    FIELD("dp_hash", dp_hash, false),
};

/* What is known of a VLAN tag of every packet that a rule matches. */
enum fp_rte_flow_tag {
    TAG_ANY,                    /* Either, and nothing of it is matched. */
    TAG_ABSENT,
    TAG_PRESENT,
};

/* Records the reason of a refusal, if it is the first, and returns
 * EOPNOTSUPP. */
int
fp_rte_flow_refuse(struct fp_rte_flow_ctx *ctx, const char *format, ...)
{
    if (!ctx->reason) {
        va_list args;

        va_start(args, format);
        ctx->reason = xvasprintf(format, args);
        va_end(args);
    }
    return EOPNOTSUPP;
}

/* Returns true if the key of the rule has a 1-bit under its mask in the
 * 'n' bytes at offset 'ofs' of struct fp_key. */
static bool
masked_nonzero(const struct fp_rule *rule, size_t ofs, size_t n)
{
    const uint8_t *k = (const uint8_t *) &rule->key + ofs;
    const uint8_t *m = (const uint8_t *) &rule->mask + ofs;
    size_t i;

    for (i = 0; i < n; i++) {
        if (k[i] & m[i]) {
            return true;
        }
    }
    return false;
}

#define KEY_NONZERO(CTX, MEMBER) \
    masked_nonzero((CTX)->rule, offsetof(struct fp_key, MEMBER), \
                   MEMBER_SIZEOF(struct fp_key, MEMBER))
#define CONSUME(CTX, MEMBER) \
    memset(&(CTX)->left.MEMBER, 0, sizeof (CTX)->left.MEMBER)

/* For the fields 'l3' or not, as 'l3' says, that are left: every packet
 * that the rule matches has them zero (it has no such header), so that a
 * field whose key is zero under its mask is no constraint and is consumed,
 * and one that is not makes a rule that matches no packet.  'why' says why
 * the fields are zero. */
static int
consume_absent(struct fp_rte_flow_ctx *ctx, bool l3, const char *why)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(fields); i++) {
        const struct fp_rte_flow_field *f = &fields[i];
        uint8_t *left = (uint8_t *) &ctx->left + f->ofs;

        if (f->l3 != l3 || fp_rte_flow_is_zero(left, f->size)) {
            continue;
        }
        if (masked_nonzero(ctx->rule, f->ofs, f->size)) {
            return fp_rte_flow_refuse(ctx, "the rule matches no packet: a "
                                      "nonzero %s of packets that have none "
                                      "(%s)", f->name, why);
        }
        memset(left, 0, f->size);
    }
    return 0;
}

/* Adds an item of 'type' with zeroed spec and mask of 'size' bytes each
 * (none if 'size' is 0), and returns it. */
struct rte_flow_item *
fp_rte_flow_add_item(struct fp_rte_flow_ctx *ctx,
                     enum rte_flow_item_type type, size_t size)
{
    struct fp_rte_flow *flow = ctx->flow;
    struct rte_flow_item *item;

    ovs_assert(flow->n_items < FP_RTE_FLOW_MAX_ITEMS);
    item = &flow->items[flow->n_items++];
    item->type = type;
    item->spec = size ? xzalloc(size) : NULL;
    item->mask = size ? xzalloc(size) : NULL;
    item->last = NULL;
    return item;
}

/* Adds an action of 'type' whose configuration is 'conf', which the built
 * rule then owns. */
void
fp_rte_flow_add_action(struct fp_rte_flow_ctx *ctx,
                       enum rte_flow_action_type type, void *conf)
{
    struct fp_rte_flow *flow = ctx->flow;
    struct rte_flow_action *action;

    ovs_assert(flow->n_actions < FP_RTE_FLOW_MAX_ACTIONS);
    action = &flow->actions[flow->n_actions++];
    action->type = type;
    action->conf = conf;
}

/* Sets '*portp' to the DPDK port of fp port 'port'. */
int
fp_rte_flow_map_port(struct fp_rte_flow_ctx *ctx, uint32_t port,
                     uint16_t *portp)
{
    const struct fp_rte_flow_config *cfg = ctx->cfg;

    if (port >= cfg->n_ports || cfg->port_ids[port] == FP_RTE_FLOW_NO_PORT) {
        return fp_rte_flow_refuse(ctx, "fp port %"PRIu32" has no DPDK port",
                                  port);
    }
    *portp = cfg->port_ids[port];
    return 0;
}

/* The input port. */
static int
parse_in_port(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_rule *rule = ctx->rule;
    uint16_t port = 0;
    int error;

    if (rule->mask.in_port != UINT32_MAX) {
        return fp_rte_flow_refuse(ctx, "an rte_flow rule is for one input "
                                  "port, and the rule matches in_port with "
                                  "mask %#"PRIx32"",
                                  rule->mask.in_port);
    }
    error = fp_rte_flow_map_port(ctx, rule->key.in_port, &port);
    if (error) {
        return error;
    }
    ctx->flow->port_id = port;
    CONSUME(ctx, in_port);

    if (!ctx->cfg->transfer) {
        /* The rule is created on the input port's ethdev. */
        return 0;
    }
    if (ctx->cfg->port_id) {
        struct rte_flow_item *item;
        struct rte_flow_item_port_id *spec, *mask;

        item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_PORT_ID,
                                    sizeof *spec);
        spec = CONST_CAST(void *, item->spec);
        mask = CONST_CAST(void *, item->mask);
        spec->id = port;
        mask->id = UINT32_MAX;
    } else {
        struct rte_flow_item *item;
        struct rte_flow_item_ethdev *spec, *mask;

        item = fp_rte_flow_add_item(ctx,
                                    RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT,
                                    sizeof *spec);
        spec = CONST_CAST(void *, item->spec);
        mask = CONST_CAST(void *, item->mask);
        spec->port_id = port;
        mask->port_id = UINT16_MAX;
    }
    return 0;
}

/* The metadata of recirculation: rte_flow rules see only a packet's first
 * lookup pass, whose recirc_id and dp_hash are 0. */
static int
parse_recirc(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_rule *rule = ctx->rule;

    if (KEY_NONZERO(ctx, recirc_id)) {
        return fp_rte_flow_refuse(ctx, "rte_flow rules see only a "
                                  "packet's first lookup pass, and the rule "
                                  "is for lookup pass recirc_id=%#"PRIx32,
                                  rule->key.recirc_id);
    }
    if (KEY_NONZERO(ctx, dp_hash)) {
        return fp_rte_flow_refuse(ctx, "rte_flow rules see only a "
                                  "packet's first lookup pass, whose dp_hash "
                                  "is 0, and the rule matches a nonzero "
                                  "dp_hash");
    }
    CONSUME(ctx, recirc_id);
    CONSUME(ctx, dp_hash);
    return 0;
}

/* What the rule says of tag 'i'. */
static enum fp_rte_flow_tag
tag_state(const struct fp_rule *rule, int i)
{
    uint16_t ktci = ntohs(rule->key.vlans[i].tci);
    uint16_t mtci = ntohs(rule->mask.vlans[i].tci);

    if (mtci & FP_VLAN_PRESENT) {
        return ktci & FP_VLAN_PRESENT ? TAG_PRESENT : TAG_ABSENT;
    }
    if ((ktci & mtci)
        || (rule->key.vlans[i].tpid & rule->mask.vlans[i].tpid)) {
        /* Only a tag has nonzero fields. */
        return TAG_PRESENT;
    }
    return TAG_ANY;
}

static bool
tag_masked(const struct fp_rule *rule, int i)
{
    return rule->mask.vlans[i].tci || rule->mask.vlans[i].tpid;
}

/* Ethernet and VLAN. */
static int
parse_l2(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_rule *rule = ctx->rule;
    const struct fp_key *key = &rule->key, *mask = &rule->mask;
    enum fp_rte_flow_tag tag0 = tag_state(rule, 0);
    enum fp_rte_flow_tag tag1 = tag_state(rule, 1);
    struct rte_flow_item_eth *eth_spec, *eth_mask;
    struct rte_flow_item_vlan *vlan_spec[2] = { NULL, NULL };
    struct rte_flow_item_vlan *vlan_mask[2] = { NULL, NULL };
    struct rte_flow_item *item;
    int n_tags, i;

    if (ctx->cfg->vlan_limit < 2) {
        /* The parser never gives a second tag: its fields are zero. */
        if (tag1 == TAG_PRESENT) {
            return fp_rte_flow_refuse(ctx, "the rule matches no packet: a "
                                      "second VLAN tag, which a parser of "
                                      "VLAN limit 1 never gives");
        }
        tag1 = TAG_ANY;
    } else if (tag1 == TAG_PRESENT) {
        if (tag0 == TAG_ABSENT) {
            return fp_rte_flow_refuse(ctx, "the rule matches no packet: a "
                                      "second VLAN tag without a first");
        }
        tag0 = TAG_PRESENT;
    } else if (tag0 == TAG_ABSENT) {
        /* No first tag, no second: its fields are zero. */
        tag1 = TAG_ANY;
    } else if (tag1 == TAG_ANY && tag_masked(rule, 1)) {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot match fields of a "
                                  "second VLAN tag that a packet may not have "
                                  "(vlans[1] matched without its presence bit)"
                                  "");
    } else if (tag1 == TAG_ABSENT && tag0 == TAG_ANY) {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot match the absence of "
                                  "a second VLAN tag in packets that may have "
                                  "no first");
    }
    if (tag0 == TAG_ANY && tag_masked(rule, 0)) {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot match fields of a "
                                  "VLAN tag that a packet may not have "
                                  "(vlans[0] matched without its presence bit)"
                                  "");
    }
    if ((tag0 == TAG_ABSENT && KEY_NONZERO(ctx, vlans[0]))
        || (tag1 != TAG_PRESENT && KEY_NONZERO(ctx, vlans[1]))) {
        return fp_rte_flow_refuse(ctx, "the rule matches no packet: VLAN "
                                  "fields of an absent tag");
    }
    CONSUME(ctx, vlans);

    /* The number of tags before the ethertype, if known. */
    n_tags = (tag0 == TAG_ABSENT ? 0
              : tag0 == TAG_ANY ? -1
              : tag1 == TAG_PRESENT ? 2
              : tag1 == TAG_ABSENT || ctx->cfg->vlan_limit < 2 ? 1
              : -1);
    ctx->min_tags = (tag0 == TAG_PRESENT) + (tag1 == TAG_PRESENT);

    if (mask->eth_type) {
        uint16_t type = ntohs(key->eth_type);

        if (mask->eth_type != htons(0xffff)) {
            return fp_rte_flow_refuse(ctx, "rte_flow cannot match eth_type "
                                      "with mask %#"PRIx16" (802.3 frames "
                                      "have a length there)",
                                      ntohs(mask->eth_type));
        }
        if (type < ETH_TYPE_MIN) {
            return fp_rte_flow_refuse(ctx, "rte_flow has no item for 802.3 "
                                      "frames without SNAP (eth_type "
                                      "%#"PRIx16")", type);
        }
        if (n_tags < 0) {
            return fp_rte_flow_refuse(ctx, "rte_flow matches an ethertype "
                                      "after a known number of VLAN tags, and "
                                      "the rule matches eth_type %#"PRIx16" "
                                      "after any number", type);
        }
        ctx->eth_type = type;
        CONSUME(ctx, eth_type);
    }

    item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_ETH, sizeof *eth_spec);
    eth_spec = CONST_CAST(void *, item->spec);
    eth_mask = CONST_CAST(void *, item->mask);
    for (i = 0; i < 6; i++) {
        eth_spec->dst.addr_bytes[i] = key->eth_dst[i] & mask->eth_dst[i];
        eth_mask->dst.addr_bytes[i] = mask->eth_dst[i];
        eth_spec->src.addr_bytes[i] = key->eth_src[i] & mask->eth_src[i];
        eth_mask->src.addr_bytes[i] = mask->eth_src[i];
    }
    CONSUME(ctx, eth_dst);
    CONSUME(ctx, eth_src);

    if (tag0 == TAG_ABSENT) {
        eth_spec->has_vlan = 0;
        eth_mask->has_vlan = 1;
    } else if (tag0 == TAG_PRESENT) {
        eth_spec->has_vlan = 1;
        eth_mask->has_vlan = 1;
    }

    for (i = 0; i < 2; i++) {
        enum fp_rte_flow_tag tag = i ? tag1 : tag0;
        uint16_t tci_bits = ~FP_VLAN_PRESENT;
        rte_be16_t *type_spec, *type_mask;

        if (tag != TAG_PRESENT) {
            break;
        }
        /* The TPID of this tag is in the field before it. */
        type_spec = i ? &vlan_spec[0]->inner_type : &eth_spec->type;
        type_mask = i ? &vlan_mask[0]->inner_type : &eth_mask->type;
        *type_spec = key->vlans[i].tpid & mask->vlans[i].tpid;
        *type_mask = mask->vlans[i].tpid;

        item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_VLAN,
                                    sizeof *vlan_spec[i]);
        vlan_spec[i] = CONST_CAST(void *, item->spec);
        vlan_mask[i] = CONST_CAST(void *, item->mask);
        /* The fp key has no DEI bit: FP_VLAN_PRESENT stands in it. */
        vlan_mask[i]->tci = mask->vlans[i].tci & htons(tci_bits);
        vlan_spec[i]->tci = key->vlans[i].tci & vlan_mask[i]->tci;
        if (i == 0 && ctx->cfg->vlan_limit >= 2 && tag1 != TAG_ANY) {
            vlan_spec[0]->has_more_vlan = tag1 == TAG_PRESENT;
            vlan_mask[0]->has_more_vlan = 1;
        }
    }

    if (ctx->eth_type) {
        rte_be16_t *type_spec = (n_tags == 0 ? &eth_spec->type
                                 : &vlan_spec[n_tags - 1]->inner_type);
        rte_be16_t *type_mask = (n_tags == 0 ? &eth_mask->type
                                 : &vlan_mask[n_tags - 1]->inner_type);

        *type_spec = key->eth_type;
        *type_mask = mask->eth_type;
    }
    return 0;
}

/* Which fragments the rule matches, from 'ip_frag'. */
static enum fp_rte_flow_later
frag_later(const struct fp_rule *rule)
{
    uint8_t k = rule->key.ip_frag, m = rule->mask.ip_frag;

    if (m & FP_IP_FRAG_LATER) {
        return (k & FP_IP_FRAG_LATER
                ? FP_RTE_FLOW_LATER_ONLY : FP_RTE_FLOW_LATER_NONE);
    }
    if ((m & FP_IP_FRAG_ANY) && !(k & FP_IP_FRAG_ANY)) {
        return FP_RTE_FLOW_LATER_NONE;
    }
    return FP_RTE_FLOW_LATER_MAYBE;
}

/* What the 'ip_frag' of a rule says of the packets it matches. */
enum fp_rte_flow_frag {
    FRAG_ANY,                   /* Nothing. */
    FRAG_NO,                    /* Not fragments. */
    FRAG_FIRST,                 /* First fragments. */
    FRAG_LATER,                 /* Later fragments. */
    FRAG_NOT_LATER,             /* Not later fragments: not fragments, or
                                 * first fragments. */
    FRAG_YES,                   /* Fragments, first or later. */
};

/* Sets '*fragp' to what 'ip_frag' of the rule of 'ctx' says, and consumes
 * it.  Returns 0, or EOPNOTSUPP for a rule that matches no packet. */
static int
frag_class(struct fp_rte_flow_ctx *ctx, enum fp_rte_flow_frag *fragp)
{
    uint8_t k = ctx->rule->key.ip_frag, m = ctx->rule->mask.ip_frag;
    uint8_t bits = FP_IP_FRAG_ANY | FP_IP_FRAG_LATER;

    if ((k & m & ~bits)
        || ((m & FP_IP_FRAG_ANY) && !(k & FP_IP_FRAG_ANY)
            && (k & m & FP_IP_FRAG_LATER))) {
        return fp_rte_flow_refuse(ctx, "the rule matches no packet: "
                                  "ip_frag %#"PRIx8"/%#"PRIx8, k, m);
    }
    if (m & FP_IP_FRAG_LATER && k & FP_IP_FRAG_LATER) {
        *fragp = FRAG_LATER;
    } else if (m & FP_IP_FRAG_ANY && !(k & FP_IP_FRAG_ANY)) {
        *fragp = FRAG_NO;
    } else if (m & FP_IP_FRAG_ANY) {
        *fragp = m & FP_IP_FRAG_LATER ? FRAG_FIRST : FRAG_YES;
    } else {
        *fragp = m & FP_IP_FRAG_LATER ? FRAG_NOT_LATER : FRAG_ANY;
    }
    CONSUME(ctx, ip_frag);
    return 0;
}

/* IPv4: the fragment bits of 'ip_frag' in 'fragment_offset': MF and the
 * offset, in network byte order. */
static int
parse_ipv4_frag(struct fp_rte_flow_ctx *ctx, struct rte_flow_item *item)
{
    struct rte_flow_item_ipv4 *spec = CONST_CAST(void *, item->spec);
    struct rte_flow_item_ipv4 *mask = CONST_CAST(void *, item->mask);
    uint16_t mf_off = RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK;
    struct rte_flow_item_ipv4 *last;
    enum fp_rte_flow_frag frag;
    int error;

    error = frag_class(ctx, &frag);
    if (error) {
        return error;
    }
    switch (frag) {
    case FRAG_ANY:
        break;
    case FRAG_NO:
        /* MF and offset zero. */
        spec->hdr.fragment_offset = htons(0);
        mask->hdr.fragment_offset = htons(mf_off);
        break;
    case FRAG_FIRST:
        /* MF set, offset zero. */
        spec->hdr.fragment_offset = htons(RTE_IPV4_HDR_MF_FLAG);
        mask->hdr.fragment_offset = htons(mf_off);
        break;
    case FRAG_NOT_LATER:
        /* Offset zero. */
        spec->hdr.fragment_offset = htons(0);
        mask->hdr.fragment_offset = htons(RTE_IPV4_HDR_OFFSET_MASK);
        break;
    case FRAG_LATER:
        /* Offset 1 or more, as a range. */
        last = xzalloc(sizeof *last);
        spec->hdr.fragment_offset = htons(1);
        last->hdr.fragment_offset = htons(RTE_IPV4_HDR_OFFSET_MASK);
        mask->hdr.fragment_offset = htons(RTE_IPV4_HDR_OFFSET_MASK);
        item->last = last;
        break;
    case FRAG_YES:
    default:
        return fp_rte_flow_refuse(ctx, "rte_flow cannot match any IPv4 "
                                  "fragment, first or later (MF or offset "
                                  "nonzero)");
    }
    return 0;
}

static int
parse_ipv4(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_key *key = &ctx->rule->key, *mask = &ctx->rule->mask;
    struct rte_flow_item_ipv4 *spec, *m;
    struct rte_flow_item *item;

    item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_IPV4, sizeof *spec);
    spec = CONST_CAST(void *, item->spec);
    m = CONST_CAST(void *, item->mask);

    spec->hdr.type_of_service = key->nw_tos & mask->nw_tos;
    m->hdr.type_of_service = mask->nw_tos;
    spec->hdr.time_to_live = key->nw_ttl & mask->nw_ttl;
    m->hdr.time_to_live = mask->nw_ttl;
    spec->hdr.next_proto_id = key->nw_proto & mask->nw_proto;
    m->hdr.next_proto_id = mask->nw_proto;
    spec->hdr.src_addr = key->nw_src & mask->nw_src;
    m->hdr.src_addr = mask->nw_src;
    spec->hdr.dst_addr = key->nw_dst & mask->nw_dst;
    m->hdr.dst_addr = mask->nw_dst;
    CONSUME(ctx, nw_tos);
    CONSUME(ctx, nw_ttl);
    CONSUME(ctx, nw_proto);
    CONSUME(ctx, nw_src);
    CONSUME(ctx, nw_dst);

    if (mask->nw_proto == 0xff) {
        ctx->has_proto = true;
        ctx->nw_proto = key->nw_proto;
    }
    ctx->ttl_ge2 = (key->nw_ttl & mask->nw_ttl & 0xfe) != 0;
    return parse_ipv4_frag(ctx, item);
}

/* The fp key's IPv6 'nw_proto' is the protocol after the extension
 * headers that the parser skips (hop-by-hop, routing, destination
 * options, authentication), and 44 only in a later fragment; rte_flow's is
 * the Next Header of the fixed header or of the fragment header.  They
 * agree, but for the packets with extension headers that rte_flow misses,
 * on an exact protocol that is none of those headers. */
static int
check_ipv6_proto(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_key *key = &ctx->rule->key, *mask = &ctx->rule->mask;

    if (!mask->nw_proto) {
        return 0;
    }
    if (mask->nw_proto != 0xff) {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot match an IPv6 "
                                  "nw_proto with mask %#"PRIx8" (the "
                                  "values of extension headers)",
                                  mask->nw_proto);
    }
    switch (key->nw_proto) {
    case 0:
    case 43:
    case 51:
    case 60:
        return fp_rte_flow_refuse(ctx, "the rule matches no packet: IPv6 "
                                  "nw_proto %"PRIu8", an extension header "
                                  "that the parser skips", key->nw_proto);
    case PROTO_IPV6_FRAG:
        if (frag_later(ctx->rule) != FP_RTE_FLOW_LATER_ONLY) {
            return fp_rte_flow_refuse(ctx, "rte_flow cannot match IPv6 "
                                      "nw_proto 44 (of later fragments "
                                      "only) without ip_frag later");
        }
        return 0;
    default:
        return 0;
    }
}

static int
parse_ipv6(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_key *key = &ctx->rule->key, *mask = &ctx->rule->mask;
    struct rte_flow_item_ipv6 *spec, *m;
    struct rte_flow_item *item;
    uint32_t vtc_key, vtc_mask;
    enum fp_rte_flow_frag frag;
    int error;

    item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_IPV6, sizeof *spec);
    spec = CONST_CAST(void *, item->spec);
    m = CONST_CAST(void *, item->mask);

    vtc_mask = ((uint32_t) mask->nw_tos << RTE_IPV6_HDR_TC_SHIFT)
               | (ntohl(mask->ipv6_label) & RTE_IPV6_HDR_FL_MASK);
    vtc_key = ((uint32_t) key->nw_tos << RTE_IPV6_HDR_TC_SHIFT)
              | (ntohl(key->ipv6_label) & RTE_IPV6_HDR_FL_MASK);
    if (ntohl(key->ipv6_label & mask->ipv6_label) & ~RTE_IPV6_HDR_FL_MASK) {
        return fp_rte_flow_refuse(ctx, "the rule matches no packet: an "
                                  "ipv6_label above 20 bits");
    }
    m->hdr.vtc_flow = htonl(vtc_mask);
    spec->hdr.vtc_flow = htonl(vtc_key & vtc_mask);
    spec->hdr.hop_limits = key->nw_ttl & mask->nw_ttl;
    m->hdr.hop_limits = mask->nw_ttl;
    memcpy(m->hdr.src_addr, mask->ipv6_src, 16);
    memcpy(m->hdr.dst_addr, mask->ipv6_dst, 16);
    for (int i = 0; i < 16; i++) {
        spec->hdr.src_addr[i] = key->ipv6_src[i] & mask->ipv6_src[i];
        spec->hdr.dst_addr[i] = key->ipv6_dst[i] & mask->ipv6_dst[i];
    }
    CONSUME(ctx, nw_tos);
    CONSUME(ctx, ipv6_label);
    CONSUME(ctx, nw_ttl);
    CONSUME(ctx, ipv6_src);
    CONSUME(ctx, ipv6_dst);
    ctx->ttl_ge2 = (key->nw_ttl & mask->nw_ttl & 0xfe) != 0;
    if (mask->nw_proto == 0xff) {
        ctx->has_proto = true;
        ctx->nw_proto = key->nw_proto;
    }
    error = check_ipv6_proto(ctx);
    if (error) {
        return error;
    }

    error = frag_class(ctx, &frag);
    if (error) {
        return error;
    }
    if (frag == FRAG_ANY || frag == FRAG_NO) {
        /* The protocol is the fixed header's Next Header (see "IPv6 with
         * extension headers" in fp-rte-flow.h); not a fragment: no
         * fragment header. */
        spec->hdr.proto = key->nw_proto & mask->nw_proto;
        m->hdr.proto = mask->nw_proto;
        CONSUME(ctx, nw_proto);
        if (frag == FRAG_NO) {
            spec->has_frag_ext = 0;
            m->has_frag_ext = 1;
        }
    } else if (frag == FRAG_FIRST || frag == FRAG_LATER) {
        struct rte_flow_item_ipv6_frag_ext *fspec, *fmask;
        struct rte_flow_item *fitem;

        spec->has_frag_ext = 1;
        m->has_frag_ext = 1;
        fitem = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_IPV6_FRAG_EXT,
                                     sizeof *fspec);
        fspec = CONST_CAST(void *, fitem->spec);
        fmask = CONST_CAST(void *, fitem->mask);
        if (frag == FRAG_FIRST) {
            /* M set, offset zero; the protocol is the fragment header's
             * Next Header. */
            fspec->hdr.frag_data = htons(RTE_IPV6_EHDR_MF_MASK);
            fmask->hdr.frag_data = htons(RTE_IPV6_EHDR_MF_MASK
                                         | RTE_IPV6_EHDR_FO_MASK);
            fspec->hdr.next_header = key->nw_proto & mask->nw_proto;
            fmask->hdr.next_header = mask->nw_proto;
        } else {
            /* Offset 1 or more, as a range.  Its 'nw_proto' is 44, the
             * fragment header's own. */
            struct rte_flow_item_ipv6_frag_ext *flast;

            if ((key->nw_proto ^ PROTO_IPV6_FRAG) & mask->nw_proto) {
                return fp_rte_flow_refuse(ctx, "the rule matches no "
                                          "packet: an IPv6 later fragment "
                                          "with nw_proto other than 44");
            }
            flast = xzalloc(sizeof *flast);
            fspec->hdr.frag_data = htons(1 << RTE_IPV6_EHDR_FO_SHIFT);
            flast->hdr.frag_data = htons(RTE_IPV6_EHDR_FO_MASK);
            fmask->hdr.frag_data = htons(RTE_IPV6_EHDR_FO_MASK);
            fitem->last = flast;
        }
        CONSUME(ctx, nw_proto);
    } else if (frag == FRAG_NOT_LATER) {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot match IPv6 packets "
                                  "that are not later fragments (either "
                                  "without a fragment header or first "
                                  "fragments)");
    } else {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot match any IPv6 "
                                  "fragment, first or later (M flag or "
                                  "offset nonzero)");
    }
    return 0;
}

/* ARP with Ethernet and IPv4 addresses. */
static int
parse_arp(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_key *key = &ctx->rule->key, *mask = &ctx->rule->mask;
    struct rte_flow_item_arp_eth_ipv4 *spec, *m;
    struct rte_flow_item *item;
    int i;

    if (!mask->nw_proto && !mask->nw_src && !mask->nw_dst
        && fp_rte_flow_is_zero(mask->arp_sha, 6)
        && fp_rte_flow_is_zero(mask->arp_tha, 6)) {
        return 0;
    }
    if (!KEY_NONZERO(ctx, nw_proto) && !KEY_NONZERO(ctx, nw_src)
        && !KEY_NONZERO(ctx, nw_dst) && !KEY_NONZERO(ctx, arp_sha)
        && !KEY_NONZERO(ctx, arp_tha)) {
        /* The fp key has zeros for an ARP packet without Ethernet/IPv4
         * addresses, so that the rule matches those too. */
        return fp_rte_flow_refuse(ctx, "rte_flow's ARP_ETH_IPV4 item cannot "
                                  "match ARP fields that are all zero under "
                                  "their mask (as the fp key has them for ARP "
                                  "without Ethernet/IPv4 addresses)");
    }
    if (mask->nw_proto && !(key->nw_proto & mask->nw_proto)) {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot match ARP opcode 0 as "
                                  "the fp key has it (for opcodes above 255 "
                                  "as well)");
    }

    item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_ARP_ETH_IPV4,
                                sizeof *spec);
    spec = CONST_CAST(void *, item->spec);
    m = CONST_CAST(void *, item->mask);
    spec->hrd = htons(1);
    m->hrd = htons(0xffff);
    spec->pro = htons(ETH_TYPE_IPV4);
    m->pro = htons(0xffff);
    spec->hln = 6;
    m->hln = 0xff;
    spec->pln = 4;
    m->pln = 0xff;
    if (mask->nw_proto) {
        /* The fp key's opcode is 0 above 255: the high byte is zero. */
        spec->op = htons(key->nw_proto & mask->nw_proto);
        m->op = htons(0xff00 | mask->nw_proto);
    }
    for (i = 0; i < 6; i++) {
        spec->sha.addr_bytes[i] = key->arp_sha[i] & mask->arp_sha[i];
        m->sha.addr_bytes[i] = mask->arp_sha[i];
        spec->tha.addr_bytes[i] = key->arp_tha[i] & mask->arp_tha[i];
        m->tha.addr_bytes[i] = mask->arp_tha[i];
    }
    spec->spa = key->nw_src & mask->nw_src;
    m->spa = mask->nw_src;
    spec->tpa = key->nw_dst & mask->nw_dst;
    m->tpa = mask->nw_dst;
    CONSUME(ctx, nw_proto);
    CONSUME(ctx, nw_src);
    CONSUME(ctx, nw_dst);
    CONSUME(ctx, arp_sha);
    CONSUME(ctx, arp_tha);
    return 0;
}

static bool
l4_masked(const struct fp_rte_flow_ctx *ctx)
{
    return ctx->left.tp_src || ctx->left.tp_dst || ctx->left.tcp_flags;
}

/* TCP, UDP, SCTP, ICMP and ICMPv6. */
static int
parse_l4(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_key *key = &ctx->rule->key, *mask = &ctx->rule->mask;
    uint8_t proto = ctx->nw_proto;
    struct rte_flow_item *item;

    ctx->later = frag_later(ctx->rule);
    if (!l4_masked(ctx)) {
        return 0;
    }
    if (!ctx->has_proto) {
        return fp_rte_flow_refuse(ctx, "rte_flow matches L4 fields with an "
                                  "item of one protocol, and the rule does "
                                  "not match nw_proto exactly");
    }
    if (ctx->later == FP_RTE_FLOW_LATER_ONLY) {
        /* A later fragment has no L4 fields: they are zero. */
        return consume_absent(ctx, true, "later fragments");
    }
    if (ctx->later == FP_RTE_FLOW_LATER_MAYBE
        && !KEY_NONZERO(ctx, tp_src) && !KEY_NONZERO(ctx, tp_dst)
        && !KEY_NONZERO(ctx, tcp_flags)) {
        return fp_rte_flow_refuse(ctx, "rte_flow cannot match the zero L4 "
                                  "fields of later fragments (the rule "
                                  "matches L4 fields that are zero under "
                                  "their mask, and does not match ip_frag)");
    }
    /* From here, no later fragment matches: either the rule says so, or
     * its L4 fields are not all zero. */

    if (proto != PROTO_TCP && mask->tcp_flags) {
        if (proto == PROTO_ICMPV6 && ctx->eth_type == ETH_TYPE_IPV6) {
            return fp_rte_flow_refuse(ctx, "the rte_flow builder does not "
                                      "translate ICMPv6 ND options (tcp_flags)"
                                      "");
        }
        if (KEY_NONZERO(ctx, tcp_flags)) {
            return fp_rte_flow_refuse(ctx, "the rule matches no packet: "
                                      "tcp_flags of IP protocol %u", proto);
        }
        CONSUME(ctx, tcp_flags);
    }

    if (proto == PROTO_TCP) {
        struct rte_flow_item_tcp *spec, *m;
        uint16_t kf = ntohs(key->tcp_flags), mf = ntohs(mask->tcp_flags);

        item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_TCP, sizeof *spec);
        spec = CONST_CAST(void *, item->spec);
        m = CONST_CAST(void *, item->mask);
        spec->hdr.src_port = key->tp_src & mask->tp_src;
        m->hdr.src_port = mask->tp_src;
        spec->hdr.dst_port = key->tp_dst & mask->tp_dst;
        m->hdr.dst_port = mask->tp_dst;
        /* The low 12 bits of the offset/flags word: the reserved bits of
         * 'data_off' (its low nibble) and 'tcp_flags'. */
        spec->hdr.data_off = ((kf & mf) >> 8) & 0x0f;
        m->hdr.data_off = (mf >> 8) & 0x0f;
        spec->hdr.tcp_flags = kf & mf & 0xff;
        m->hdr.tcp_flags = mf & 0xff;
        if (mf & 0xf000) {
            if ((kf & mf) & 0xf000) {
                return fp_rte_flow_refuse(ctx, "the rule matches no packet: "
                              "tcp_flags above 12 bits");
            }
        }
        CONSUME(ctx, tcp_flags);
        ctx->has_l4_item = true;
    } else if (proto == PROTO_UDP) {
        struct rte_flow_item_udp *spec, *m;

        item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_UDP, sizeof *spec);
        spec = CONST_CAST(void *, item->spec);
        m = CONST_CAST(void *, item->mask);
        spec->hdr.src_port = key->tp_src & mask->tp_src;
        m->hdr.src_port = mask->tp_src;
        spec->hdr.dst_port = key->tp_dst & mask->tp_dst;
        m->hdr.dst_port = mask->tp_dst;
        ctx->has_l4_item = true;
    } else if (proto == PROTO_SCTP) {
        struct rte_flow_item_sctp *spec, *m;

        item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_SCTP,
                                    sizeof *spec);
        spec = CONST_CAST(void *, item->spec);
        m = CONST_CAST(void *, item->mask);
        spec->hdr.src_port = key->tp_src & mask->tp_src;
        m->hdr.src_port = mask->tp_src;
        spec->hdr.dst_port = key->tp_dst & mask->tp_dst;
        m->hdr.dst_port = mask->tp_dst;
    } else if ((proto == PROTO_ICMP && ctx->eth_type == ETH_TYPE_IPV4)
               || (proto == PROTO_ICMPV6
                   && ctx->eth_type == ETH_TYPE_IPV6)) {
        /* Type and code, in the low byte of 'tp_src' and 'tp_dst'. */
        uint8_t kt = ntohs(key->tp_src), mt = ntohs(mask->tp_src);
        uint8_t kc = ntohs(key->tp_dst), mc = ntohs(mask->tp_dst);

        if ((key->tp_src & mask->tp_src & htons(0xff00))
            || (key->tp_dst & mask->tp_dst & htons(0xff00))) {
            return fp_rte_flow_refuse(ctx, "the rule matches no packet: an "
                                      "ICMP type or code above 255");
        }
        if (proto == PROTO_ICMP) {
            struct rte_flow_item_icmp *spec, *m;

            item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_ICMP,
                                        sizeof *spec);
            spec = CONST_CAST(void *, item->spec);
            m = CONST_CAST(void *, item->mask);
            spec->hdr.icmp_type = kt & mt;
            m->hdr.icmp_type = mt;
            spec->hdr.icmp_code = kc & mc;
            m->hdr.icmp_code = mc;
        } else {
            struct rte_flow_item_icmp6 *spec, *m;

            item = fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_ICMP6,
                                        sizeof *spec);
            spec = CONST_CAST(void *, item->spec);
            m = CONST_CAST(void *, item->mask);
            spec->type = kt & mt;
            m->type = mt;
            spec->code = kc & mc;
            m->code = mc;
        }
    } else if (!ctx->left.tp_src && !ctx->left.tp_dst) {
        return 0;
    } else {
        return fp_rte_flow_refuse(ctx, "rte_flow has no item for the L4 "
                                  "fields of IP protocol %u", proto);
    }
    CONSUME(ctx, tp_src);
    CONSUME(ctx, tp_dst);
    return 0;
}

/* IPv6 neighbor discovery fields: not translated (rte_flow has
 * ICMP6_ND_* items, which a later piece of issue 12 may use). */
static int
parse_nd(struct fp_rte_flow_ctx *ctx)
{
    if (fp_rte_flow_is_zero(ctx->left.nd_target, 16)
        && fp_rte_flow_is_zero(ctx->left.arp_sha, 6)
        && fp_rte_flow_is_zero(ctx->left.arp_tha, 6)) {
        return 0;
    }
    if (ctx->has_proto && ctx->nw_proto != PROTO_ICMPV6) {
        /* Not ICMPv6: the ND fields are zero. */
        if (KEY_NONZERO(ctx, nd_target) || KEY_NONZERO(ctx, arp_sha)
            || KEY_NONZERO(ctx, arp_tha)) {
            return fp_rte_flow_refuse(ctx, "the rule matches no packet: ND "
                                      "fields of IP protocol %u",
                                      ctx->nw_proto);
        }
        CONSUME(ctx, nd_target);
        CONSUME(ctx, arp_sha);
        CONSUME(ctx, arp_tha);
        return 0;
    }
    return fp_rte_flow_refuse(ctx, "the rte_flow builder does not translate "
                              "ICMPv6 neighbor discovery fields (nd_target, "
                              "ND options)");
}

/* Everything above the Ethernet header. */
static int
parse_l3(struct fp_rte_flow_ctx *ctx)
{
    int error;

    switch (ctx->eth_type) {
    case ETH_TYPE_IPV4:
        error = parse_ipv4(ctx);
        if (!error) {
            error = parse_l4(ctx);
        }
        return error ? error : consume_absent(ctx, true, "IPv4 packets");

    case ETH_TYPE_IPV6:
        error = parse_ipv6(ctx);
        if (!error) {
            error = parse_l4(ctx);
        }
        if (!error) {
            error = parse_nd(ctx);
        }
        return error ? error : consume_absent(ctx, true, "IPv6 packets");

    case ETH_TYPE_ARP:
        error = parse_arp(ctx);
        return error ? error : consume_absent(ctx, true, "ARP packets");

    case ETH_TYPE_RARP:
        if (!fp_rte_flow_is_zero(&ctx->left.nw_proto, 1) || ctx->left.nw_src
            || ctx->left.nw_dst || !fp_rte_flow_is_zero(ctx->left.arp_sha, 6)
            || !fp_rte_flow_is_zero(ctx->left.arp_tha, 6)) {
            return fp_rte_flow_refuse(ctx, "rte_flow has no item for RARP");
        }
        return consume_absent(ctx, true, "RARP packets");

    case 0:
        /* eth_type is not matched: any field above it might be in a
         * header that the packet has or not. */
        for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
            const struct fp_rte_flow_field *f = &fields[i];

            if (f->l3 && !fp_rte_flow_is_zero((uint8_t *) &ctx->left + f->ofs,
                                   f->size)) {
                return fp_rte_flow_refuse(ctx, "rte_flow matches %s in the "
                                          "item of a protocol, and the rule "
                                          "does not match eth_type", f->name);
            }
        }
        return 0;

    default:
        return consume_absent(ctx, true, "non-IP packets");
    }
}

/* The priority and the direction. */
static int
parse_attr(struct fp_rte_flow_ctx *ctx)
{
    const struct fp_rte_flow_config *cfg = ctx->cfg;
    struct rte_flow_attr *attr = &ctx->flow->attr;

    if (ctx->rule->priority >= cfg->n_priorities) {
        return fp_rte_flow_refuse(ctx, "rule priority %"PRIu32" beyond the "
                                  "%"PRIu32" rte_flow priority levels",
                                  ctx->rule->priority,
                      cfg->n_priorities);
    }
    attr->group = 0;
    attr->priority = cfg->n_priorities - 1 - ctx->rule->priority;
    attr->transfer = cfg->transfer;
    attr->ingress = !cfg->transfer;
    return 0;
}

static int
parse_match(struct fp_rte_flow_ctx *ctx)
{
    int error;
    size_t i;

    error = parse_attr(ctx);
    if (!error) {
        error = parse_in_port(ctx);
    }
    if (!error) {
        error = parse_recirc(ctx);
    }
    if (!error) {
        error = parse_l2(ctx);
    }
    if (!error) {
        error = parse_l3(ctx);
    }
    if (error) {
        return error;
    }
    for (i = 0; i < ARRAY_SIZE(fields); i++) {
        const struct fp_rte_flow_field *f = &fields[i];

        if (!fp_rte_flow_is_zero((uint8_t *) &ctx->left + f->ofs, f->size)) {
            return fp_rte_flow_refuse(ctx, "the rte_flow builder does not "
                                      "translate a match on %s", f->name);
        }
    }
    fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_END, 0);
    return 0;
}

/* Whether every packet of the rule has a TCP or UDP header that a
 * SET_TP_* rewrites: the pattern has the TCP or UDP item (an empty one is
 * added if needed) and no later fragment matches. */
bool
fp_rte_flow_l4_item(struct fp_rte_flow_ctx *ctx)
{
    if (!ctx->has_proto
        || (ctx->nw_proto != PROTO_TCP && ctx->nw_proto != PROTO_UDP)
        || (ctx->eth_type != ETH_TYPE_IPV4
            && ctx->eth_type != ETH_TYPE_IPV6)) {
        return false;
    }
    if (ctx->has_l4_item) {
        return true;
    }
    if (ctx->later != FP_RTE_FLOW_LATER_NONE) {
        return false;
    }

    /* Put an empty TCP or UDP item before END. */
    struct fp_rte_flow *flow = ctx->flow;
    struct rte_flow_item *end;

    ovs_assert(flow->n_items < FP_RTE_FLOW_MAX_ITEMS);
    end = &flow->items[flow->n_items - 1];
    ovs_assert(end->type == RTE_FLOW_ITEM_TYPE_END);
    flow->n_items--;
    if (ctx->nw_proto == PROTO_TCP) {
        fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_TCP,
                 sizeof(struct rte_flow_item_tcp));
    } else {
        fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_UDP,
                 sizeof(struct rte_flow_item_udp));
    }
    fp_rte_flow_add_item(ctx, RTE_FLOW_ITEM_TYPE_END, 0);
    ctx->has_l4_item = true;
    return true;
}

/* Sets every member of 'cfg' to its default: no port map, transfer rules
 * with REPRESENTED_PORT, VLAN limit 2, one priority level, one queue,
 * COUNT. */
void
fp_rte_flow_config_default(struct fp_rte_flow_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->port_ids = NULL;
    cfg->n_ports = 0;
    cfg->transfer = true;
    cfg->port_id = false;
    cfg->vlan_limit = 2;
    cfg->n_priorities = 1;
    cfg->n_queues = 1;
    cfg->count = true;
}

/* Builds in '*flow' the rte_flow rule of 'rule' (owned by the caller) as
 * 'cfg' (owned by the caller, with its port map, only read during the
 * call) says.
 *
 * Returns 0 on success: '*flow' holds the rule, whose allocations the
 * caller frees with fp_rte_flow_destroy().  Returns EOPNOTSUPP if rte_flow
 * cannot express the rule exactly (see fp-rte-flow.h): then '*flow' holds
 * nothing to free, and '*reasonp' (if 'reasonp' is nonnull) a message that
 * says why, which the caller frees with free(); it is logged at debug
 * level, as a normal outcome.  Never refuses for a device's limits other
 * than the ones in 'cfg': rte_flow_validate() tells those.
 *
 * Thread-safe. */
int
fp_rte_flow_build(const struct fp_rule *rule,
                  const struct fp_rte_flow_config *cfg,
                  struct fp_rte_flow *flow, char **reasonp)
{
    struct fp_rte_flow_ctx ctx;
    int error;

    memset(flow, 0, sizeof *flow);
    memset(&ctx, 0, sizeof ctx);
    ctx.rule = rule;
    ctx.cfg = cfg;
    ctx.flow = flow;
    ctx.left = rule->mask;
    ctx.later = FP_RTE_FLOW_LATER_MAYBE;

    error = parse_match(&ctx);
    if (!error) {
        error = fp_rte_flow_action_parse(&ctx);
    }
    if (error) {
        VLOG_DBG_RL(&rl, "fp rule not translated to rte_flow: %s",
                    ctx.reason);
        fp_rte_flow_destroy(flow);
        if (reasonp) {
            *reasonp = ctx.reason;
        } else {
            free(ctx.reason);
        }
        return error;
    }
    if (reasonp) {
        *reasonp = NULL;
    }
    return 0;
}

/* Frees what fp_rte_flow_build() allocated in 'flow' and leaves it empty.
 * 'flow' may be empty (zeroed) already. */
void
fp_rte_flow_destroy(struct fp_rte_flow *flow)
{
    size_t i;

    for (i = 0; i < flow->n_items; i++) {
        struct rte_flow_item *item = &flow->items[i];

        free(CONST_CAST(void *, item->spec));
        free(CONST_CAST(void *, item->mask));
        free(CONST_CAST(void *, item->last));
    }
    for (i = 0; i < flow->n_actions; i++) {
        if (flow->actions[i].type != RTE_FLOW_ACTION_TYPE_INDIRECT) {
            free(CONST_CAST(void *, flow->actions[i].conf));
        }
    }
    memset(flow, 0, sizeof *flow);
}
