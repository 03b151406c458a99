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

/* rte_flow operations of the net_fp PMD (see lib/fp-dpdk-pmd.h): an
 * rte_flow rule is parsed back into an fp rule (include/fp/fp.h) and
 * programmed on the model device with fp_rule_batch().
 *
 * The parse keeps rte_flow's documented semantics (rte_flow.h of DPDK
 * 22.11): items are stacked in the order of the headers on the wire, an
 * item without 'spec' matches any header of its protocol, a NULL 'mask'
 * is the item's default mask, and the ETH 'type' of an item followed by a
 * VLAN item is that tag's TPID.  An L3 item stands for the header right
 * after the tags that VLAN items stand for, once the pattern says that no
 * other tag comes first: by the type field before it (ETH's 'type' or
 * VLAN's 'inner_type', the L3 ethertype) or by ETH's 'has_vlan' or VLAN's
 * 'has_more_vlan' (0).  Without either, rte_flow.h leaves it open (an ETH
 * item that matches neither "matches tagged and untagged packets", and
 * PMDs differ on ETH / IPV4), so the rule is refused: both producers, OVS
 * 3.1 and fp_rte_flow_build(), say it.  Actions are performed in list
 * order, as fp's.  Whatever an fp rule cannot say exactly is
 * refused with ENOTSUP, the item or action and a message that names what
 * and why; but for two cases where the fp parser sees more than the
 * headers on the wire, as lib/fp-rte-flow.h describes from the other side:
 * the IPv6 'proto' is the protocol after the extension headers the fp
 * parser skips (rte_flow's is the fixed header's Next Header), and an IPv6
 * atomic fragment (a fragment header with offset and M zero) is not a
 * fragment for fp where 'has_frag_ext' sees its header; and an 802.3
 * frame with LLC/SNAP has the SNAP ethertype for fp.
 *
 * Priorities: transfer rules come before ingress rules (as the embedded
 * switch sees a packet before the host's port does), and within each kind
 * rte_flow priority 0 is the highest: fp priority
 * (transfer ? N : 0) + N - 1 - priority, N = FP_DPDK_PMD_N_PRIORITIES.
 * Among rules of one priority, the first created wins. */

#include <config.h>

/* The ethdev driver API is DPDK's internal ABI (FP_CHECK_DPDK_SDK). */
#define ALLOW_INTERNAL_API 1

#include "fp-dpdk-pmd-private.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_ip.h>

#include <ethdev_driver.h>
#include <rte_flow_driver.h>

#include "openvswitch/vlog.h"
#include "packets.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_dpdk_pmd_flow);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* DPDK 22.11 has no default mask for IPV6_FRAG_EXT: this is mlx5's. */
static const struct rte_flow_item_ipv6_frag_ext ipv6_frag_ext_mask = {
    .hdr = {
        .next_header = 0xff,
        .frag_data = RTE_BE16(0xffff),
    },
};

/* The message of the last refusal on this thread: rte_flow_error keeps a
 * pointer to it. */
static __thread char error_msg[256];

static const char *
item_name(enum rte_flow_item_type type)
{
    switch ((int) type) {
    case RTE_FLOW_ITEM_TYPE_ETH:
        return "ETH";
    case RTE_FLOW_ITEM_TYPE_VLAN:
        return "VLAN";
    case RTE_FLOW_ITEM_TYPE_IPV4:
        return "IPV4";
    case RTE_FLOW_ITEM_TYPE_IPV6:
        return "IPV6";
    case RTE_FLOW_ITEM_TYPE_IPV6_FRAG_EXT:
        return "IPV6_FRAG_EXT";
    case RTE_FLOW_ITEM_TYPE_TCP:
        return "TCP";
    case RTE_FLOW_ITEM_TYPE_UDP:
        return "UDP";
    case RTE_FLOW_ITEM_TYPE_SCTP:
        return "SCTP";
    case RTE_FLOW_ITEM_TYPE_ICMP:
        return "ICMP";
    case RTE_FLOW_ITEM_TYPE_ICMP6:
        return "ICMP6";
    case RTE_FLOW_ITEM_TYPE_ARP_ETH_IPV4:
        return "ARP_ETH_IPV4";
    case RTE_FLOW_ITEM_TYPE_PORT_ID:
        return "PORT_ID";
    case RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT:
        return "REPRESENTED_PORT";
    case RTE_FLOW_ITEM_TYPE_PORT_REPRESENTOR:
        return "PORT_REPRESENTOR";
    case RTE_FLOW_ITEM_TYPE_VXLAN:
        return "VXLAN";
    case RTE_FLOW_ITEM_TYPE_GENEVE:
        return "GENEVE";
    case RTE_FLOW_ITEM_TYPE_GRE:
        return "GRE";
    case RTE_FLOW_ITEM_TYPE_MARK:
        return "MARK";
    case RTE_FLOW_ITEM_TYPE_META:
        return "META";
    case RTE_FLOW_ITEM_TYPE_TAG:
        return "TAG";
    case RTE_FLOW_ITEM_TYPE_RAW:
        return "RAW";
    default:
        return NULL;
    }
}

/* Sets 'p->error' to 'code' for 'cause' of 'type' with a message from
 * 'format' and 'args', and returns -code. */
int
fp_dpdk_pmd_vfail(struct pmd_parse *p, int code,
                  enum rte_flow_error_type type, const void *cause,
                  const char *format, va_list args)
{
    vsnprintf(error_msg, sizeof error_msg, format, args);
    VLOG_DBG_RL(&rl, "rte_flow rule refused: %s", error_msg);
    return rte_flow_error_set(p->error, code, type, cause, error_msg);
}

#define REFUSE_ITEM(P, ITEM, ...) \
    fail(P, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, ITEM, __VA_ARGS__)

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

static bool
is_zero(const void *p_, size_t n)
{
    const uint8_t *p = p_;
    size_t i;

    for (i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Copies the spec of 'item' into 's' and its mask (the item's default
 * 'def' if it has none) into 'm', 'size' bytes each, with 's' masked; both
 * all zero if it has no spec.  With 'lastp', also its 'last', masked, into
 * 'lastp' (zero if none or if equal to the spec, which is no range); else
 * refuses a range.  Returns 0 or a negative errno value. */
static int
item_get(struct pmd_parse *p, const struct rte_flow_item *item,
         const void *def, size_t size, void *s_, void *m_, void *lastp)
{
    uint8_t *s = s_, *m = m_, last[64];
    bool range = false;
    size_t i;

    ovs_assert(size <= sizeof last);
    memset(s, 0, size);
    memset(m, 0, size);
    memset(last, 0, size);
    if (!item->spec) {
        if (lastp) {
            memset(lastp, 0, size);
        }
        return 0;
    }
    memcpy(m, item->mask ? item->mask : def, size);
    memcpy(s, item->spec, size);
    if (item->last) {
        memcpy(last, item->last, size);
    }
    for (i = 0; i < size; i++) {
        s[i] &= m[i];
        last[i] &= m[i];
        if (last[i] && last[i] != s[i]) {
            range = true;
        }
    }
    if (lastp) {
        if (!range) {
            memset(last, 0, size);
        }
        memcpy(lastp, last, size);
    } else if (range) {
        return REFUSE_ITEM(p, item, "%s item: the model NIC matches values "
                           "under a mask, not ranges ('last')",
                           item_name(item->type));
    }
    return 0;
}

/* Sets the 'n' bytes of key field 'k' to 'value' under the 1-bits of
 * 'mask' (all in network order), in 'rule', adding 'mask' to its mask.
 * Returns false if the rule already had a different value there (the
 * rule would match no packet). */
static bool
set_field(struct fp_rule *rule, size_t ofs, const void *value_,
          const void *mask_, size_t n)
{
    uint8_t *k = (uint8_t *) &rule->key + ofs;
    uint8_t *m = (uint8_t *) &rule->mask + ofs;
    const uint8_t *value = value_, *mask = mask_;
    size_t i;

    for (i = 0; i < n; i++) {
        uint8_t both = m[i] & mask[i];

        if ((k[i] ^ value[i]) & both) {
            return false;
        }
        k[i] = (k[i] & ~mask[i]) | (value[i] & mask[i]);
        m[i] |= mask[i];
    }
    return true;
}

#define SET_FIELD(P, ITEM, MEMBER, VALUE, MASK)                         \
    (set_field((P)->rule, offsetof(struct fp_key, MEMBER), VALUE, MASK, \
               MEMBER_SIZEOF(struct fp_key, MEMBER))                    \
     ? 0                                                                \
     : REFUSE_ITEM(P, ITEM, "%s item: the rule matches no packet (%s "  \
                   "contradicts an item before it)",                    \
                   item_name((ITEM)->type), #MEMBER))

static int
set_u8(struct pmd_parse *p, const struct rte_flow_item *item, size_t ofs,
       uint8_t value, uint8_t mask, const char *name)
{
    if (!set_field(p->rule, ofs, &value, &mask, 1)) {
        return REFUSE_ITEM(p, item, "%s item: the rule matches no packet "
                           "(%s contradicts an item before it)",
                           item_name(item->type), name);
    }
    return 0;
}

static int
set_be16(struct pmd_parse *p, const struct rte_flow_item *item, size_t ofs,
         ovs_be16 value, ovs_be16 mask, const char *name)
{
    if (!set_field(p->rule, ofs, &value, &mask, 2)) {
        return REFUSE_ITEM(p, item, "%s item: the rule matches no packet "
                           "(%s contradicts an item before it)",
                           item_name(item->type), name);
    }
    return 0;
}

#define SET_U8(P, ITEM, MEMBER, V, M) \
    set_u8(P, ITEM, offsetof(struct fp_key, MEMBER), V, M, #MEMBER)
#define SET_BE16(P, ITEM, MEMBER, V, M) \
    set_be16(P, ITEM, offsetof(struct fp_key, MEMBER), V, M, #MEMBER)

/* The Ethernet layer: the ETH item and up to two VLAN items, which the
 * parse collects, and the item after them ('next', an L3 item or END),
 * which says what follows the last type field. */
struct l2 {
    const struct rte_flow_item *eth;
    const struct rte_flow_item *vlan[2];
    int n_vlans;
};

/* One position of the L2 header: the type field of the ETH item (pos 0)
 * or of VLAN item pos - 1 and the "more tags" bit beside it. */
struct l2_pos {
    const struct rte_flow_item *item;
    ovs_be16 type, type_mask;
    bool more, more_mask;
};

/* Tag 'i' of the rule is present or absent. */
static int
set_tag(struct pmd_parse *p, const struct rte_flow_item *item, int i,
        bool present)
{
    ovs_be16 v = present ? htons(FP_VLAN_PRESENT) : 0;

    if (i >= (int) p->vlan_limit) {
        /* The parser gives no such tag: its fields are zero. */
        if (present) {
            return REFUSE_ITEM(p, item, "%s item: the model NIC parses %u "
                               "VLAN tag(s) (vlan-limit), and the rule "
                               "needs one more", item_name(item->type),
                               p->vlan_limit);
        }
        return 0;
    }
    return SET_BE16(p, item, vlans[i].tci, v, htons(FP_VLAN_PRESENT));
}

static int
parse_l2(struct pmd_parse *p, const struct l2 *l2, uint16_t next_type,
         const struct rte_flow_item *next)
{
    struct l2_pos pos[3];
    int n = l2->n_vlans;
    int error, i;

    memset(pos, 0, sizeof pos);
    if (n > (int) p->vlan_limit) {
        return REFUSE_ITEM(p, l2->vlan[n - 1], "VLAN item: the model NIC "
                           "parses %u VLAN tag(s) (vlan-limit)",
                           p->vlan_limit);
    }
    if (l2->eth) {
        struct rte_flow_item_eth s, m;

        error = item_get(p, l2->eth, &rte_flow_item_eth_mask, sizeof s, &s,
                         &m, NULL);
        if (error) {
            return error;
        }
        if (m.reserved) {
            return REFUSE_ITEM(p, l2->eth, "ETH item: reserved bits");
        }
        error = SET_FIELD(p, l2->eth, eth_dst, s.dst.addr_bytes,
                          m.dst.addr_bytes);
        error = error ? error : SET_FIELD(p, l2->eth, eth_src,
                                          s.src.addr_bytes, m.src.addr_bytes);
        if (error) {
            return error;
        }
        pos[0].item = l2->eth;
        pos[0].type = s.type;
        pos[0].type_mask = m.type;
        pos[0].more = s.has_vlan;
        pos[0].more_mask = m.has_vlan;
    }
    for (i = 0; i < n; i++) {
        const struct rte_flow_item *item = l2->vlan[i];
        struct rte_flow_item_vlan s, m;
        uint16_t tci, tci_mask;

        error = item_get(p, item, &rte_flow_item_vlan_mask, sizeof s, &s, &m,
                         NULL);
        if (error) {
            return error;
        }
        if (m.reserved) {
            return REFUSE_ITEM(p, item, "VLAN item: reserved bits");
        }
        tci = ntohs(s.tci);
        tci_mask = ntohs(m.tci);
        if (tci_mask & 0x1000) {
            return REFUSE_ITEM(p, item, "VLAN item: the model NIC does not "
                               "match the DEI bit of a tag (TCI mask "
                               "%#"PRIx16")", tci_mask);
        }
        error = SET_BE16(p, item, vlans[i].tci,
                         htons((tci & ~0x1000) | FP_VLAN_PRESENT),
                         htons(tci_mask | FP_VLAN_PRESENT));
        if (error) {
            return error;
        }
        pos[i + 1].item = item;
        pos[i + 1].type = s.inner_type;
        pos[i + 1].type_mask = m.inner_type;
        pos[i + 1].more = s.has_more_vlan;
        pos[i + 1].more_mask = m.has_more_vlan;
    }
    p->min_tags = n;

    /* The type fields and "more" bits before the last position: TPIDs of
     * the tags that the VLAN items stand for. */
    for (i = 0; i < n; i++) {
        const struct rte_flow_item *item = pos[i].item ? pos[i].item
                                           : l2->vlan[i];
        uint16_t type = ntohs(pos[i].type);

        if (pos[i].more_mask && !pos[i].more) {
            return REFUSE_ITEM(p, item, "%s item: the rule matches no "
                               "packet (no VLAN tag after it, and a VLAN "
                               "item)", item_name(item->type));
        }
        if (!pos[i].type_mask) {
            continue;
        }
        if (pos[i].type_mask != htons(0xffff)) {
            return REFUSE_ITEM(p, item, "%s item: a TPID with mask "
                               "%#"PRIx16" (the model NIC matches a whole "
                               "TPID)", item_name(item->type),
                               ntohs(pos[i].type_mask));
        }
        if (!fp_dpdk_pmd_is_tpid(type)) {
            return REFUSE_ITEM(p, item, "%s item: TPID %#"PRIx16", and the "
                               "model NIC's parser takes a VLAN tag of TPID "
                               "0x8100 or 0x88a8 only",
                               item_name(item->type), type);
        }
        error = SET_BE16(p, item, vlans[i].tpid, htons(type),
                         htons(0xffff));
        if (error) {
            return error;
        }
    }

    /* The last position: what follows the last tag. */
    const struct rte_flow_item *item = n ? l2->vlan[n - 1] : l2->eth;
    struct l2_pos *last = &pos[n];
    uint16_t type = ntohs(last->type);

    if (last->type_mask && last->type_mask != htons(0xffff)) {
        return REFUSE_ITEM(p, item, "%s item: an ethertype with mask "
                           "%#"PRIx16" (802.3 frames have a length there)",
                           item_name(item->type), ntohs(last->type_mask));
    }
    if (next_type) {
        /* An L3 item: exactly 'n' tags, then its ethertype, if the
         * pattern says so. */
        if (!last->type_mask && !last->more_mask) {
            return REFUSE_ITEM(p, next, "%s item: the pattern does not say "
                               "whether more VLAN tags than its VLAN items "
                               "may come before it (match %s, or "
                               "%s 0)", item_name(next->type),
                               n ? "VLAN's inner_type" : "ETH's type",
                               n ? "VLAN's has_more_vlan" : "ETH's has_vlan");
        }
        if (last->type_mask && type != next_type) {
            return REFUSE_ITEM(p, next, "%s item: the rule matches no packet "
                               "(ethertype %#"PRIx16" before it)",
                               item_name(next->type), type);
        }
        if (last->more_mask && last->more) {
            return REFUSE_ITEM(p, next, "%s item: the rule matches no packet "
                               "(a VLAN tag before it, which no item "
                               "stands for)", item_name(next->type));
        }
        error = set_tag(p, next, n, false);
        return (error ? error
                : SET_BE16(p, next, eth_type, htons(next_type),
                           htons(0xffff)));
    }
    if (last->type_mask) {
        if (type < ETH_TYPE_MIN) {
            return REFUSE_ITEM(p, item, "%s item: ethertype %#"PRIx16" is "
                               "an 802.3 length, which the model NIC does "
                               "not match", item_name(item->type), type);
        }
        if (last->more_mask && last->more != fp_dpdk_pmd_is_tpid(type)) {
            return REFUSE_ITEM(p, item, "%s item: the rule matches no "
                               "packet (%s %#"PRIx16" and %s VLAN tag)",
                               item_name(item->type),
                               last->more ? "ethertype" : "TPID", type,
                               last->more ? "another" : "no other");
        }
        if (fp_dpdk_pmd_is_tpid(type) && n < (int) p->vlan_limit) {
            /* Another tag, of that TPID. */
            error = set_tag(p, item, n, true);
            return (error ? error
                    : SET_BE16(p, item, vlans[n].tpid, htons(type),
                               htons(0xffff)));
        }
        /* The ethertype after exactly 'n' tags (or, beyond the VLAN
         * limit, the TPID that the parser takes as the ethertype). */
        if (!fp_dpdk_pmd_is_tpid(type)) {
            error = set_tag(p, item, n, false);
            if (error) {
                return error;
            }
        }
        return SET_BE16(p, item, eth_type, htons(type), htons(0xffff));
    }
    if (last->more_mask) {
        if (n >= (int) p->vlan_limit) {
            return REFUSE_ITEM(p, item, "%s item: the model NIC cannot match "
                               "whether a packet has more than %u VLAN "
                               "tag(s) (vlan-limit)", item_name(item->type),
                               p->vlan_limit);
        }
        if (last->more) {
            p->min_tags = n + 1;
        }
        return set_tag(p, item, n, last->more);
    }
    return 0;
}

/* Fragments: 'frag' is FP_IP_FRAG_* bits of 'ip_frag' under 'mask'. */
static int
set_frag(struct pmd_parse *p, const struct rte_flow_item *item, uint8_t frag,
         uint8_t mask)
{
    int error = SET_U8(p, item, ip_frag, frag, mask);

    if (!error && (mask & FP_IP_FRAG_LATER) && (frag & FP_IP_FRAG_LATER)) {
        p->later = true;
    }
    return error;
}

static int
parse_ipv4(struct pmd_parse *p, const struct rte_flow_item *item)
{
    const uint16_t mf = RTE_IPV4_HDR_MF_FLAG, off = RTE_IPV4_HDR_OFFSET_MASK;
    struct rte_flow_item_ipv4 s, m, last;
    uint16_t fs, fm, fl;
    int error;

    error = item_get(p, item, &rte_flow_item_ipv4_mask, sizeof s, &s, &m,
                     &last);
    if (error) {
        return error;
    }
    fs = ntohs(s.hdr.fragment_offset);
    fm = ntohs(m.hdr.fragment_offset);
    fl = ntohs(last.hdr.fragment_offset);
    last.hdr.fragment_offset = 0;
    if (!is_zero(&last, sizeof last)) {
        return REFUSE_ITEM(p, item, "IPV4 item: the model NIC matches values "
                           "under a mask, not ranges ('last'), but later "
                           "fragments");
    }
    if (m.hdr.version_ihl || m.hdr.total_length || m.hdr.packet_id
        || m.hdr.hdr_checksum || (fm & ~(mf | off))) {
        return REFUSE_ITEM(p, item, "IPV4 item: the model NIC does not match "
                           "the version, header length, total length, "
                           "identification, checksum, DF or reserved bit");
    }
    error = SET_U8(p, item, nw_tos, s.hdr.type_of_service,
                   m.hdr.type_of_service);
    error = error ? error : SET_U8(p, item, nw_ttl, s.hdr.time_to_live,
                                   m.hdr.time_to_live);
    error = error ? error : SET_U8(p, item, nw_proto, s.hdr.next_proto_id,
                                   m.hdr.next_proto_id);
    error = error ? error : SET_FIELD(p, item, nw_src, &s.hdr.src_addr,
                                      &m.hdr.src_addr);
    error = error ? error : SET_FIELD(p, item, nw_dst, &s.hdr.dst_addr,
                                      &m.hdr.dst_addr);
    if (error) {
        return error;
    }
    p->ttl_ge2 = (s.hdr.time_to_live & 0xfe) != 0;

    if (fl) {
        /* The one range taken: offset 1 or more, later fragments. */
        if (fm != off || fs != 1 || fl != off) {
            return REFUSE_ITEM(p, item, "IPV4 item: the model NIC takes one "
                               "range of fragment_offset, offset 1 to "
                               "%#"PRIx16" under mask %#"PRIx16" (later "
                               "fragments)", off, off);
        }
        return set_frag(p, item, FP_IP_FRAG_LATER, FP_IP_FRAG_LATER);
    }
    if (!fm) {
        return 0;
    } else if (fm == (mf | off) && !fs) {
        return set_frag(p, item, 0, FP_IP_FRAG_ANY);
    } else if (fm == (mf | off) && fs == mf) {
        return set_frag(p, item, FP_IP_FRAG_ANY,
                        FP_IP_FRAG_ANY | FP_IP_FRAG_LATER);
    } else if (fm == off && !fs) {
        return set_frag(p, item, 0, FP_IP_FRAG_LATER);
    }
    return REFUSE_ITEM(p, item, "IPV4 item: the model NIC matches whether a "
                       "packet is a fragment, a first or a later one, not "
                       "fragment_offset %#"PRIx16" under mask %#"PRIx16,
                       fs, fm);
}

static int
parse_ipv6(struct pmd_parse *p, const struct rte_flow_item *item,
           const struct rte_flow_item *frag_item)
{
    struct rte_flow_item_ipv6 s, m;
    uint32_t vtc, vtc_mask;
    uint8_t tc, tc_mask;
    ovs_be32 label, label_mask;
    int error;

    error = item_get(p, item, &rte_flow_item_ipv6_mask, sizeof s, &s, &m,
                     NULL);
    if (error) {
        return error;
    }
    vtc = ntohl(s.hdr.vtc_flow);
    vtc_mask = ntohl(m.hdr.vtc_flow);
    if ((vtc_mask & 0xf0000000) || m.hdr.payload_len
        || m.has_hop_ext || m.has_route_ext || m.has_auth_ext
        || m.has_esp_ext || m.has_dest_ext || m.has_mobil_ext
        || m.has_hip_ext || m.has_shim6_ext || m.reserved) {
        return REFUSE_ITEM(p, item, "IPV6 item: the model NIC does not match "
                           "the version, payload length or extension "
                           "headers but the fragment header");
    }
    tc = (vtc & RTE_IPV6_HDR_TC_MASK) >> RTE_IPV6_HDR_TC_SHIFT;
    tc_mask = (vtc_mask & RTE_IPV6_HDR_TC_MASK) >> RTE_IPV6_HDR_TC_SHIFT;
    label = htonl(vtc & RTE_IPV6_HDR_FL_MASK);
    label_mask = htonl(vtc_mask & RTE_IPV6_HDR_FL_MASK);
    error = SET_U8(p, item, nw_tos, tc, tc_mask);
    error = error ? error : SET_FIELD(p, item, ipv6_label, &label,
                                      &label_mask);
    error = error ? error : SET_U8(p, item, nw_ttl, s.hdr.hop_limits,
                                   m.hdr.hop_limits);
    error = error ? error : SET_FIELD(p, item, ipv6_src, s.hdr.src_addr,
                                      m.hdr.src_addr);
    error = error ? error : SET_FIELD(p, item, ipv6_dst, s.hdr.dst_addr,
                                      m.hdr.dst_addr);
    if (error) {
        return error;
    }
    p->ttl_ge2 = (s.hdr.hop_limits & 0xfe) != 0;

    if (!frag_item) {
        if (m.has_frag_ext && s.has_frag_ext) {
            return REFUSE_ITEM(p, item, "IPV6 item: has_frag_ext without an "
                               "IPV6_FRAG_EXT item that says first or later "
                               "fragment (the model NIC does not take an "
                               "atomic fragment for a fragment)");
        }
        error = SET_U8(p, item, nw_proto, s.hdr.proto, m.hdr.proto);
        if (!error && m.has_frag_ext) {
            error = set_frag(p, item, 0, FP_IP_FRAG_ANY);
        }
        return error;
    }

    /* A fragment header. */
    struct rte_flow_item_ipv6_frag_ext fs, fm, fl;
    uint16_t data, data_mask, data_last;
    const uint16_t mf = RTE_IPV6_EHDR_MF_MASK, fo = RTE_IPV6_EHDR_FO_MASK;

    if (m.has_frag_ext && !s.has_frag_ext) {
        return REFUSE_ITEM(p, frag_item, "IPV6_FRAG_EXT item: the rule "
                           "matches no packet (has_frag_ext 0 before it)");
    }
    if (m.hdr.proto && (m.hdr.proto != 0xff
                        || s.hdr.proto != IPPROTO_FRAGMENT)) {
        return REFUSE_ITEM(p, item, "IPV6 item: the model NIC does not match "
                           "the fixed header's next header of a fragment");
    }
    error = item_get(p, frag_item, &ipv6_frag_ext_mask,
                     sizeof fs, &fs, &fm, &fl);
    if (error) {
        return error;
    }
    data = ntohs(fs.hdr.frag_data);
    data_mask = ntohs(fm.hdr.frag_data);
    data_last = ntohs(fl.hdr.frag_data);
    if (fm.hdr.reserved || fm.hdr.id || (data_mask & ~(mf | fo))
        || fl.hdr.next_header || fl.hdr.id || fl.hdr.reserved) {
        return REFUSE_ITEM(p, frag_item, "IPV6_FRAG_EXT item: the model NIC "
                           "does not match the reserved bits or the "
                           "identification");
    }
    if (data_last) {
        if (data_mask != fo || data != 1 << RTE_IPV6_EHDR_FO_SHIFT
            || data_last != fo) {
            return REFUSE_ITEM(p, frag_item, "IPV6_FRAG_EXT item: the model "
                               "NIC takes one range of frag_data, offset 1 "
                               "or more (later fragments)");
        }
        if (fm.hdr.next_header) {
            return REFUSE_ITEM(p, frag_item, "IPV6_FRAG_EXT item: the model "
                               "NIC has protocol 44 for later fragments, "
                               "and the rule matches their next_header");
        }
        error = SET_U8(p, frag_item, nw_proto, IPPROTO_FRAGMENT, 0xff);
        return error ? error : set_frag(p, frag_item,
                                        FP_IP_FRAG_ANY | FP_IP_FRAG_LATER,
                                        FP_IP_FRAG_ANY | FP_IP_FRAG_LATER);
    }
    if (data_mask == (mf | fo) && data == mf) {
        error = SET_U8(p, frag_item, nw_proto, fs.hdr.next_header,
                       fm.hdr.next_header);
        return error ? error : set_frag(p, frag_item, FP_IP_FRAG_ANY,
                                        FP_IP_FRAG_ANY | FP_IP_FRAG_LATER);
    }
    return REFUSE_ITEM(p, frag_item, "IPV6_FRAG_EXT item: the model NIC "
                       "matches first fragments (M set, offset 0) or later "
                       "ones (offset 1 or more), not frag_data %#"PRIx16
                       " under mask %#"PRIx16" (an atomic fragment is no "
                       "fragment for it)", data, data_mask);
}

static int
parse_arp(struct pmd_parse *p, const struct rte_flow_item *item)
{
    struct rte_flow_item_arp_eth_ipv4 s, m;
    uint16_t op, op_mask;
    int error;

    error = item_get(p, item, &rte_flow_item_arp_eth_ipv4_mask, sizeof s,
                     &s, &m, NULL);
    if (error) {
        return error;
    }
    if (m.hrd != htons(0xffff) || s.hrd != htons(1)
        || m.pro != htons(0xffff) || s.pro != htons(ETH_TYPE_IP)
        || m.hln != 0xff || s.hln != 6 || m.pln != 0xff || s.pln != 4) {
        return REFUSE_ITEM(p, item, "ARP_ETH_IPV4 item: the model NIC "
                           "parses ARP of Ethernet and IPv4 addresses, and "
                           "the item does not match hrd 1, pro 0x0800, hln "
                           "6 and pln 4 exactly");
    }
    op = ntohs(s.op);
    op_mask = ntohs(m.op);
    if (op_mask && ((op_mask & 0xff00) != 0xff00 || op > 255
                    || !(op & op_mask))) {
        return REFUSE_ITEM(p, item, "ARP_ETH_IPV4 item: the model NIC has "
                           "the opcode only if it is 1 to 255, and the item "
                           "matches opcode %#"PRIx16" under mask %#"PRIx16,
                           op, op_mask);
    }
    error = SET_U8(p, item, nw_proto, op, op_mask);
    error = error ? error : SET_FIELD(p, item, nw_src, &s.spa, &m.spa);
    error = error ? error : SET_FIELD(p, item, nw_dst, &s.tpa, &m.tpa);
    error = error ? error : SET_FIELD(p, item, arp_sha, s.sha.addr_bytes,
                                      m.sha.addr_bytes);
    error = error ? error : SET_FIELD(p, item, arp_tha, s.tha.addr_bytes,
                                      m.tha.addr_bytes);
    if (error) {
        return error;
    }
    if (!op && !s.spa && !s.tpa && is_zero(&s.sha, 6)
        && is_zero(&s.tha, 6)) {
        /* The model's key has zeros for ARP of other addresses, so that
         * the fp rule would match those too. */
        return REFUSE_ITEM(p, item, "ARP_ETH_IPV4 item: the model NIC "
                           "cannot match ARP fields that are all zero (as "
                           "it has them for ARP of other addresses)");
    }
    return 0;
}

/* An L4 item: 'proto' in an IPv4 or IPv6 header ('l3'), not a later
 * fragment. */
static int
l4_common(struct pmd_parse *p, const struct rte_flow_item *item, uint8_t proto,
          uint16_t l3)
{
    int error;

    if (l3 ? p->l3 != l3 : (p->l3 != ETH_TYPE_IP
                            && p->l3 != ETH_TYPE_IPV6)) {
        return REFUSE_ITEM(p, item, "%s item: after no %s item",
                           item_name(item->type),
                           l3 == ETH_TYPE_IP ? "IPV4"
                           : l3 == ETH_TYPE_IPV6 ? "IPV6" : "IPV4 or IPV6");
    }
    if (p->later) {
        return REFUSE_ITEM(p, item, "%s item: the rule matches no packet "
                           "(later fragments have no L4 header)",
                           item_name(item->type));
    }
    error = SET_U8(p, item, nw_proto, proto, 0xff);
    if (!error) {
        error = set_frag(p, item, 0, FP_IP_FRAG_LATER);
    }
    p->l4 = true;
    return error;
}

static int
parse_l4(struct pmd_parse *p, const struct rte_flow_item *item)
{
    int error;

    switch ((int) item->type) {
    case RTE_FLOW_ITEM_TYPE_TCP: {
        struct rte_flow_item_tcp s, m;
        uint16_t flags, flags_mask;

        error = item_get(p, item, &rte_flow_item_tcp_mask, sizeof s, &s, &m,
                         NULL);
        if (error) {
            return error;
        }
        if (m.hdr.sent_seq || m.hdr.recv_ack || (m.hdr.data_off & 0xf0)
            || m.hdr.rx_win || m.hdr.cksum || m.hdr.tcp_urp) {
            return REFUSE_ITEM(p, item, "TCP item: the model NIC matches "
                               "ports and flags only");
        }
        flags = ((s.hdr.data_off & 0x0f) << 8) | s.hdr.tcp_flags;
        flags_mask = ((m.hdr.data_off & 0x0f) << 8) | m.hdr.tcp_flags;
        error = l4_common(p, item, IPPROTO_TCP, 0);
        error = error ? error : SET_BE16(p, item, tp_src, s.hdr.src_port,
                                         m.hdr.src_port);
        error = error ? error : SET_BE16(p, item, tp_dst, s.hdr.dst_port,
                                         m.hdr.dst_port);
        error = error ? error : SET_BE16(p, item, tcp_flags, htons(flags),
                                         htons(flags_mask));
        p->tcp_udp = true;
        return error;
    }
    case RTE_FLOW_ITEM_TYPE_UDP: {
        struct rte_flow_item_udp s, m;

        error = item_get(p, item, &rte_flow_item_udp_mask, sizeof s, &s, &m,
                         NULL);
        if (error) {
            return error;
        }
        if (m.hdr.dgram_len || m.hdr.dgram_cksum) {
            return REFUSE_ITEM(p, item, "UDP item: the model NIC matches "
                               "ports only");
        }
        error = l4_common(p, item, IPPROTO_UDP, 0);
        error = error ? error : SET_BE16(p, item, tp_src, s.hdr.src_port,
                                         m.hdr.src_port);
        error = error ? error : SET_BE16(p, item, tp_dst, s.hdr.dst_port,
                                         m.hdr.dst_port);
        p->tcp_udp = true;
        return error;
    }
    case RTE_FLOW_ITEM_TYPE_SCTP: {
        struct rte_flow_item_sctp s, m;

        error = item_get(p, item, &rte_flow_item_sctp_mask, sizeof s, &s, &m,
                         NULL);
        if (error) {
            return error;
        }
        if (m.hdr.tag || m.hdr.cksum) {
            return REFUSE_ITEM(p, item, "SCTP item: the model NIC matches "
                               "ports only");
        }
        error = l4_common(p, item, IPPROTO_SCTP, 0);
        error = error ? error : SET_BE16(p, item, tp_src, s.hdr.src_port,
                                         m.hdr.src_port);
        return error ? error : SET_BE16(p, item, tp_dst, s.hdr.dst_port,
                                        m.hdr.dst_port);
    }
    case RTE_FLOW_ITEM_TYPE_ICMP: {
        struct rte_flow_item_icmp s, m;

        error = item_get(p, item, &rte_flow_item_icmp_mask, sizeof s, &s, &m,
                         NULL);
        if (error) {
            return error;
        }
        if (m.hdr.icmp_cksum || m.hdr.icmp_ident || m.hdr.icmp_seq_nb) {
            return REFUSE_ITEM(p, item, "ICMP item: the model NIC matches "
                               "type and code only");
        }
        error = l4_common(p, item, IPPROTO_ICMP, ETH_TYPE_IP);
        error = error ? error : SET_BE16(p, item, tp_src,
                                         htons(s.hdr.icmp_type),
                                         htons(m.hdr.icmp_type));
        return error ? error : SET_BE16(p, item, tp_dst,
                                        htons(s.hdr.icmp_code),
                                        htons(m.hdr.icmp_code));
    }
    case RTE_FLOW_ITEM_TYPE_ICMP6: {
        struct rte_flow_item_icmp6 s, m;

        error = item_get(p, item, &rte_flow_item_icmp6_mask, sizeof s, &s,
                         &m, NULL);
        if (error) {
            return error;
        }
        if (m.checksum) {
            return REFUSE_ITEM(p, item, "ICMP6 item: the model NIC matches "
                               "type and code only");
        }
        error = l4_common(p, item, IPPROTO_ICMPV6, ETH_TYPE_IPV6);
        error = error ? error : SET_BE16(p, item, tp_src, htons(s.type),
                                         htons(m.type));
        return error ? error : SET_BE16(p, item, tp_dst, htons(s.code),
                                        htons(m.code));
    }
    default:
        OVS_NOT_REACHED();
    }
}

/* A port item: the input port, of a transfer rule. */
static int
parse_port_item(struct pmd_parse *p, const struct rte_flow_item *item)
{
    uint32_t id, id_mask, fp_port;

    if (!p->attr->transfer) {
        return REFUSE_ITEM(p, item, "%s item: in a rule that is not a "
                           "transfer rule (an ingress rule is for the "
                           "traffic of its own port)", item_name(item->type));
    }
    if (item->last) {
        return REFUSE_ITEM(p, item, "%s item: a range",
                           item_name(item->type));
    }
    if (item->type == RTE_FLOW_ITEM_TYPE_PORT_ID) {
        const struct rte_flow_item_port_id *s = item->spec;
        const struct rte_flow_item_port_id *m
            = item->mask ? item->mask : &rte_flow_item_port_id_mask;

        id = s ? s->id : 0;
        id_mask = s ? m->id : 0;
        if (id_mask != UINT32_MAX) {
            id_mask = id_mask == UINT16_MAX ? UINT32_MAX : id_mask;
        }
    } else {
        const struct rte_flow_item_ethdev *s = item->spec;
        const struct rte_flow_item_ethdev *m = (item->mask ? item->mask
                                                : &rte_flow_item_ethdev_mask);

        id = s ? s->port_id : 0;
        id_mask = s ? (m->port_id == UINT16_MAX ? UINT32_MAX : m->port_id)
                    : 0;
    }
    if (id_mask != UINT32_MAX) {
        return REFUSE_ITEM(p, item, "%s item: the model NIC matches one "
                           "input port, and the item has mask %#"PRIx32,
                           item_name(item->type), id_mask);
    }
    if (id > UINT16_MAX || fp_dpdk_pmd_fp_port(p->dev, id, &fp_port)) {
        return fail(p, ENODEV, RTE_FLOW_ERROR_TYPE_ITEM_SPEC, item,
                    "%s item: DPDK port %"PRIu32" is not a port of %s",
                    item_name(item->type), id, p->dev->name);
    }
    if (p->rule->mask.in_port && p->rule->key.in_port != fp_port) {
        return REFUSE_ITEM(p, item, "%s item: the rule matches no packet "
                           "(two input ports)", item_name(item->type));
    }
    p->rule->key.in_port = fp_port;
    p->rule->mask.in_port = UINT32_MAX;
    p->in_port_id = id;
    return 0;
}

static int
parse_pattern(struct pmd_parse *p, const struct rte_flow_item items[])
{
    const struct rte_flow_item *item, *l3_item = NULL;
    struct l2 l2 = { .eth = NULL, .n_vlans = 0 };
    bool l2_done = false;
    int error;

    for (item = items; ; item++) {
        enum rte_flow_item_type type = item->type;
        uint16_t l3 = 0;

        switch ((int) type) {
        case RTE_FLOW_ITEM_TYPE_VOID:
            continue;

        case RTE_FLOW_ITEM_TYPE_PORT_ID:
        case RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT:
            error = parse_port_item(p, item);
            if (error) {
                return error;
            }
            continue;

        case RTE_FLOW_ITEM_TYPE_ETH:
            if (l2.eth || l2.n_vlans || l2_done) {
                return REFUSE_ITEM(p, item, "ETH item: not the first header "
                                   "item (the model NIC does not parse "
                                   "tunnels)");
            }
            l2.eth = item;
            continue;

        case RTE_FLOW_ITEM_TYPE_VLAN:
            if (l2_done || l2.n_vlans >= 2) {
                return REFUSE_ITEM(p, item, "VLAN item: after an L3 item, or "
                                   "a third one");
            }
            l2.vlan[l2.n_vlans++] = item;
            continue;

        case RTE_FLOW_ITEM_TYPE_IPV4:
            l3 = ETH_TYPE_IP;
            break;
        case RTE_FLOW_ITEM_TYPE_IPV6:
            l3 = ETH_TYPE_IPV6;
            break;
        case RTE_FLOW_ITEM_TYPE_ARP_ETH_IPV4:
            l3 = ETH_TYPE_ARP;
            break;

        case RTE_FLOW_ITEM_TYPE_IPV6_FRAG_EXT:
            if (!l3_item || p->l3
                || l3_item->type != RTE_FLOW_ITEM_TYPE_IPV6) {
                return REFUSE_ITEM(p, item, "IPV6_FRAG_EXT item: not right "
                                   "after an IPV6 item");
            }
            error = parse_ipv6(p, l3_item, item);
            if (error) {
                return error;
            }
            p->l3 = ETH_TYPE_IPV6;
            continue;

        case RTE_FLOW_ITEM_TYPE_TCP:
        case RTE_FLOW_ITEM_TYPE_UDP:
        case RTE_FLOW_ITEM_TYPE_SCTP:
        case RTE_FLOW_ITEM_TYPE_ICMP:
        case RTE_FLOW_ITEM_TYPE_ICMP6:
        case RTE_FLOW_ITEM_TYPE_END:
            if (l3_item && !p->l3) {
                /* An IPV6 item without a fragment item. */
                error = parse_ipv6(p, l3_item, NULL);
                if (error) {
                    return error;
                }
                p->l3 = ETH_TYPE_IPV6;
            }
            if (type == RTE_FLOW_ITEM_TYPE_END) {
                if (!l2_done) {
                    error = parse_l2(p, &l2, 0, item);
                    if (error) {
                        return error;
                    }
                }
                return 0;
            }
            if (p->l4) {
                return REFUSE_ITEM(p, item, "%s item: a second L4 item",
                                   item_name(type));
            }
            error = parse_l4(p, item);
            if (error) {
                return error;
            }
            continue;

        default: {
            const char *name = item_name(type);

            if (name) {
                return REFUSE_ITEM(p, item, "%s item: the model NIC does not "
                                   "match it", name);
            }
            return REFUSE_ITEM(p, item, "item type %d: the model NIC does "
                               "not match it", (int) type);
        }
        }

        /* An L3 item. */
        if (l2_done) {
            return REFUSE_ITEM(p, item, "%s item: a second L3 item (the model "
                               "NIC does not parse tunnels)",
                               item_name(type));
        }
        error = parse_l2(p, &l2, l3, item);
        if (error) {
            return error;
        }
        l2_done = true;
        l3_item = item;
        if (l3 == ETH_TYPE_IP) {
            error = parse_ipv4(p, item);
            p->l3 = l3;
        } else if (l3 == ETH_TYPE_ARP) {
            error = parse_arp(p, item);
            p->l3 = l3;
        }
        /* IPv6 waits for its fragment item, if any. */
        if (error) {
            return error;
        }
    }
}

/* Parses the rte_flow rule of 'attr', 'items' and 'actions', to be created
 * on DPDK port 'port_id' of 'dev', into '*rule' and stores in '*countp'
 * whether it has a COUNT action.  Returns 0, or a negative errno value
 * with 'error' set as rte_flow_validate() documents it. */
int
fp_dpdk_pmd_flow_parse(struct fp_dpdk_pmd_dev *dev, uint16_t port_id,
                       const struct rte_flow_attr *attr,
                       const struct rte_flow_item items[],
                       const struct rte_flow_action actions[],
                       struct fp_rule *rule, bool *countp,
                       struct rte_flow_error *error)
{
    struct pmd_parse p;
    uint32_t fp_port;
    int retval;

    memset(rule, 0, sizeof *rule);
    memset(&p, 0, sizeof p);
    p.dev = dev;
    p.attr = attr;
    p.rule = rule;
    p.error = error;
    p.port_id = port_id;
    p.vlan_limit = fp_device_get_vlan_limit(dev->fp);
    *countp = false;

    if (!attr) {
        return fail(&p, EINVAL, RTE_FLOW_ERROR_TYPE_ATTR, NULL,
                    "no attributes");
    }
    if (!items) {
        return fail(&p, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM_NUM, NULL,
                    "no pattern");
    }
    if (!actions) {
        return fail(&p, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL,
                    "no actions");
    }
    if (attr->group) {
        return fail(&p, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_GROUP, attr,
                    "group %"PRIu32": the model NIC has group 0 only",
                    attr->group);
    }
    if (attr->egress) {
        return fail(&p, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_EGRESS, attr,
                    "egress rules: the model NIC has none");
    }
    if (attr->transfer == attr->ingress) {
        return fail(&p, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR, attr,
                    "a rule is either ingress or transfer");
    }
    if (attr->priority >= FP_DPDK_PMD_N_PRIORITIES) {
        return fail(&p, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_PRIORITY, attr,
                    "priority %"PRIu32": the model NIC has %d levels, 0 to "
                    "%d", attr->priority, FP_DPDK_PMD_N_PRIORITIES,
                    FP_DPDK_PMD_N_PRIORITIES - 1);
    }
    if (fp_dpdk_pmd_fp_port(dev, port_id, &fp_port)) {
        return fail(&p, ENODEV, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
                    "DPDK port %"PRIu16" is not a port of %s", port_id,
                    dev->name);
    }
    rule->priority = ((attr->transfer ? FP_DPDK_PMD_N_PRIORITIES : 0)
                      + FP_DPDK_PMD_N_PRIORITIES - 1 - attr->priority);

    retval = parse_pattern(&p, items);
    if (retval) {
        return retval;
    }
    if (!rule->mask.in_port) {
        /* No port item: the traffic of the port the rule is created on
         * (for a transfer rule, what comes in from that port's wire or
         * VF). */
        rule->key.in_port = fp_port;
        rule->mask.in_port = UINT32_MAX;
        p.in_port_id = port_id;
    }
    return fp_dpdk_pmd_parse_actions(&p, actions, countp);
}

/* rte_flow operations. */

static struct fp_dpdk_pmd_dev *
eth_dev(struct rte_eth_dev *eth, uint32_t *fp_portp)
{
    return fp_dpdk_pmd_dev_of(eth, fp_portp);
}

static int
fp_dpdk_pmd_flow_validate(struct rte_eth_dev *eth,
                          const struct rte_flow_attr *attr,
                          const struct rte_flow_item items[],
                          const struct rte_flow_action actions[],
                          struct rte_flow_error *error)
{
    struct fp_dpdk_pmd_dev *dev;
    struct fp_rule rule;
    uint32_t fp_port;
    bool count;

    dev = eth_dev(eth, &fp_port);
    return fp_dpdk_pmd_flow_parse(dev, eth->data->port_id, attr, items,
                                  actions, &rule, &count, error);
}

static struct rte_flow *
fp_dpdk_pmd_flow_create(struct rte_eth_dev *eth,
                        const struct rte_flow_attr *attr,
                        const struct rte_flow_item items[],
                        const struct rte_flow_action actions[],
                        struct rte_flow_error *error)
{
    struct fp_dpdk_pmd_dev *dev;
    struct fp_rule_op op;
    struct rte_flow *flow;
    struct fp_rule rule;
    uint32_t fp_port;
    bool count;

    dev = eth_dev(eth, &fp_port);
    if (fp_dpdk_pmd_flow_parse(dev, eth->data->port_id, attr, items,
                               actions, &rule, &count, error)) {
        return NULL;
    }

    memset(&op, 0, sizeof op);
    op.type = FP_RULE_OP_ADD;
    op.rule = &rule;
    fp_rule_batch(dev->fp, &op, 1);
    if (op.error) {
        if (op.error == ENOSPC) {
            snprintf(error_msg, sizeof error_msg, "the model NIC's %s "
                     "is full", fp_resource_name(op.full));
        } else {
            snprintf(error_msg, sizeof error_msg, "the model NIC refused "
                     "the rule (%s)", ovs_strerror(op.error));
        }
        rte_flow_error_set(error, op.error, RTE_FLOW_ERROR_TYPE_HANDLE,
                           NULL, error_msg);
        return NULL;
    }

    flow = xzalloc(sizeof *flow);
    flow->port_id = eth->data->port_id;
    flow->transfer = attr->transfer;
    flow->live = true;
    flow->count = count;
    flow->fp_id = op.id;
    ovs_mutex_lock(&dev->mutex);
    ovs_list_push_back(&dev->flows, &flow->node);
    ovs_mutex_unlock(&dev->mutex);
    return flow;
}

/* Deletes the model's rule of 'flow', if it has one. */
static void
kill_flow(struct fp_dpdk_pmd_dev *dev, struct rte_flow *flow)
{
    if (flow->live) {
        struct fp_rule_op op;

        memset(&op, 0, sizeof op);
        op.type = FP_RULE_OP_DELETE;
        op.id = flow->fp_id;
        fp_rule_batch(dev->fp, &op, 1);
        if (op.error && op.error != ENOENT) {
            VLOG_WARN_RL(&rl, "%s: deleting rule %"PRIu32" failed (%s)",
                         dev->name, flow->fp_id, ovs_strerror(op.error));
        }
        flow->live = false;
    }
}

static int
fp_dpdk_pmd_flow_destroy(struct rte_eth_dev *eth, struct rte_flow *flow,
                         struct rte_flow_error *error OVS_UNUSED)
{
    struct fp_dpdk_pmd_dev *dev;
    uint32_t fp_port;

    dev = eth_dev(eth, &fp_port);
    ovs_mutex_lock(&dev->mutex);
    kill_flow(dev, flow);
    ovs_list_remove(&flow->node);
    ovs_mutex_unlock(&dev->mutex);
    free(flow);
    return 0;
}

static int
fp_dpdk_pmd_flow_flush(struct rte_eth_dev *eth,
                       struct rte_flow_error *error OVS_UNUSED)
{
    struct fp_dpdk_pmd_dev *dev;
    struct rte_flow *flow;
    uint32_t fp_port;

    dev = eth_dev(eth, &fp_port);
    ovs_mutex_lock(&dev->mutex);
    LIST_FOR_EACH_SAFE (flow, node, &dev->flows) {
        if (flow->port_id == eth->data->port_id) {
            kill_flow(dev, flow);
            ovs_list_remove(&flow->node);
            free(flow);
        }
    }
    ovs_mutex_unlock(&dev->mutex);
    return 0;
}

static int
fp_dpdk_pmd_flow_query(struct rte_eth_dev *eth, struct rte_flow *flow,
                       const struct rte_flow_action *action, void *data,
                       struct rte_flow_error *error)
{
    struct rte_flow_query_count *count = data;
    struct fp_dpdk_pmd_dev *dev;
    struct fp_rule_stats s;
    uint32_t fp_port;
    int retval = 0;

    dev = eth_dev(eth, &fp_port);
    if (action->type != RTE_FLOW_ACTION_TYPE_COUNT) {
        return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION,
                                  action, "the model NIC queries COUNT "
                                  "only");
    }
    if (!flow->count) {
        return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION,
                                  action, "the rule has no COUNT action");
    }
    ovs_mutex_lock(&dev->mutex);
    if (!flow->live) {
        retval = rte_flow_error_set(error, ENOENT,
                                    RTE_FLOW_ERROR_TYPE_HANDLE, flow,
                                    "the rule was destroyed by a port stop");
    } else {
        int err = fp_rule_get_stats(dev->fp, flow->fp_id, &s);

        if (err) {
            retval = rte_flow_error_set(error, err,
                                        RTE_FLOW_ERROR_TYPE_HANDLE, flow,
                                        "the model NIC cannot read the "
                                        "rule's counters");
        } else {
            count->hits_set = 1;
            count->bytes_set = 1;
            count->hits = s.n_packets - MIN(s.n_packets,
                                            flow->base.n_packets);
            count->bytes = s.n_bytes - MIN(s.n_bytes, flow->base.n_bytes);
            if (count->reset) {
                flow->base = s;
            }
        }
    }
    ovs_mutex_unlock(&dev->mutex);
    return retval;
}

static int
fp_dpdk_pmd_flow_pick_transfer_proxy(struct rte_eth_dev *eth,
                                     uint16_t *proxy_port_id,
                                     struct rte_flow_error *error)
{
    struct fp_dpdk_pmd_dev *dev;
    uint32_t fp_port;

    dev = eth_dev(eth, &fp_port);
    if (dev->port_ids[0] >= RTE_MAX_ETHPORTS) {
        return rte_flow_error_set(error, ENODEV,
                                  RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
                                  "the transfer proxy (phy0) is closed");
    }
    *proxy_port_id = dev->port_ids[0];
    return 0;
}

const struct rte_flow_ops fp_dpdk_pmd_flow_ops = {
    .validate = fp_dpdk_pmd_flow_validate,
    .create = fp_dpdk_pmd_flow_create,
    .destroy = fp_dpdk_pmd_flow_destroy,
    .flush = fp_dpdk_pmd_flow_flush,
    .query = fp_dpdk_pmd_flow_query,
    .pick_transfer_proxy = fp_dpdk_pmd_flow_pick_transfer_proxy,
    .action_handle_create = fp_dpdk_pmd_handle_create,
    .action_handle_destroy = fp_dpdk_pmd_handle_destroy,
    .action_handle_query = fp_dpdk_pmd_handle_query,
};

/* A stop of DPDK port 'port_id' of 'dev' (see fp-dpdk-pmd.h): deletes the
 * model's rules of the rte_flow rules created on it and, if 'proxy', of
 * every transfer rule.  The handles stay, for rte_flow_destroy(). */
void
fp_dpdk_pmd_flow_stop(struct fp_dpdk_pmd_dev *dev, uint16_t port_id,
                      bool proxy)
{
    struct rte_flow *flow;

    ovs_mutex_lock(&dev->mutex);
    LIST_FOR_EACH (flow, node, &dev->flows) {
        if (flow->port_id == port_id || (proxy && flow->transfer)) {
            kill_flow(dev, flow);
        }
    }
    ovs_mutex_unlock(&dev->mutex);
}

/* Frees every handle of 'dev', at its removal. */
void
fp_dpdk_pmd_flow_free_all(struct fp_dpdk_pmd_dev *dev)
{
    struct rte_flow *flow;

    ovs_mutex_lock(&dev->mutex);
    LIST_FOR_EACH_POP (flow, node, &dev->flows) {
        kill_flow(dev, flow);
        free(flow);
    }
    ovs_mutex_unlock(&dev->mutex);
}
