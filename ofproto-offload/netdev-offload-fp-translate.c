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

#include "netdev-offload-fp-private.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "dpif.h"
#include "flow.h"
#include "netdev-fp.h"
#include "netdev-offload.h"
#include "netdev-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "packets.h"
#include "util.h"

/* Translation: megaflow match and ODP actions to an fp rule. */

/* The fields of struct flow, to name those whose mask bits the NIC cannot
 * translate.  Names as in ovs-fields(7). */
struct offload_fp_field {
    const char *name;
    size_t offset;
    size_t size;
};

#define FIELD(NAME, MEMBER) \
    { NAME, offsetof(struct flow, MEMBER), \
      sizeof ((struct flow *) NULL)->MEMBER }
static const struct offload_fp_field offload_fp_fields[] = {
    FIELD("tunnel", tunnel),
    FIELD("metadata", metadata),
    FIELD("reg", regs),
    FIELD("skb_priority", skb_priority),
    FIELD("pkt_mark", pkt_mark),
    FIELD("dp_hash", dp_hash),
    FIELD("in_port", in_port),
    FIELD("recirc_id", recirc_id),
    FIELD("ct_state", ct_state),
    FIELD("ct_nw_proto", ct_nw_proto),
    FIELD("ct_zone", ct_zone),
    FIELD("ct_mark", ct_mark),
    FIELD("packet_type", packet_type),
    FIELD("ct_label", ct_label),
    FIELD("conj_id", conj_id),
    FIELD("actset_output", actset_output),
    FIELD("dl_dst", dl_dst),
    FIELD("dl_src", dl_src),
    FIELD("dl_type", dl_type),
    FIELD("vlan_tci", vlans),
    FIELD("mpls", mpls_lse),
    FIELD("nw_src", nw_src),
    FIELD("nw_dst", nw_dst),
    FIELD("ct_nw_src", ct_nw_src),
    FIELD("ct_nw_dst", ct_nw_dst),
    FIELD("ipv6_src", ipv6_src),
    FIELD("ipv6_dst", ipv6_dst),
    FIELD("ct_ipv6_src", ct_ipv6_src),
    FIELD("ct_ipv6_dst", ct_ipv6_dst),
    FIELD("ipv6_label", ipv6_label),
    FIELD("nw_frag", nw_frag),
    FIELD("nw_tos", nw_tos),
    FIELD("nw_ttl", nw_ttl),
    FIELD("nw_proto", nw_proto),
    FIELD("nd_target", nd_target),
    FIELD("arp_sha", arp_sha),
    FIELD("arp_tha", arp_tha),
    FIELD("tcp_flags", tcp_flags),
    FIELD("nsh", nsh),
    FIELD("tp_src", tp_src),
    FIELD("tp_dst", tp_dst),
    FIELD("ct_tp_src", ct_tp_src),
    FIELD("ct_tp_dst", ct_tp_dst),
    FIELD("igmp_group_ip4", igmp_group_ip4),
};
#undef FIELD

/* Returns true if the 'n' bytes at 'p' are all zeros.  Inline, with 'n' a
 * constant: 8 bytes at a time, then 4, 2 and 1. */
static inline bool ALWAYS_INLINE
is_zero_bytes(const void *p, size_t n)
{
    const uint8_t *m = p;
    uint64_t any = 0;
    size_t i;

    for (i = 0; i + 8 <= n; i += 8) {
        uint64_t b;

        memcpy(&b, &m[i], 8);
        any |= b;
    }
    if (i + 4 <= n) {
        uint32_t b;

        memcpy(&b, &m[i], 4);
        any |= b;
        i += 4;
    }
    if (i + 2 <= n) {
        uint16_t b;

        memcpy(&b, &m[i], 2);
        any |= b;
        i += 2;
    }
    if (i < n) {
        any |= m[i];
    }
    return !any;
}

/* Copies the bytes of 'value' under 'mask' into the rule key and the mask
 * into the rule mask, which are zeros: nothing to do for a mask of zeros,
 * as most are (one test of the whole field).  Inline, with 'n' a constant:
 * 8 bytes at a time, then 4, 2 and 1 (a byte loop was half of the match's
 * translation).  Returns false for a mask of zeros, otherwise true. */
static inline bool ALWAYS_INLINE
translate(void *key, void *rule_mask, const void *value, const void *mask,
          size_t n)
{
    const uint8_t *v = value;
    const uint8_t *m = mask;
    uint8_t *k = key;
    size_t i;

    if (is_zero_bytes(mask, n)) {
        return false;
    }

    for (i = 0; i + 8 <= n; i += 8) {
        uint64_t a, b;

        memcpy(&a, &v[i], 8);
        memcpy(&b, &m[i], 8);
        a &= b;
        memcpy(&k[i], &a, 8);
    }
    if (i + 4 <= n) {
        uint32_t a, b;

        memcpy(&a, &v[i], 4);
        memcpy(&b, &m[i], 4);
        a &= b;
        memcpy(&k[i], &a, 4);
        i += 4;
    }
    if (i + 2 <= n) {
        uint16_t a, b;

        memcpy(&a, &v[i], 2);
        memcpy(&b, &m[i], 2);
        a &= b;
        memcpy(&k[i], &a, 2);
        i += 2;
    }
    if (i < n) {
        k[i] = v[i] & m[i];
    }
    memcpy(rule_mask, mask, n);
    return true;
}

/* The bits of struct offload_fp_verdict's 'words' of the 32-bit words of
 * struct fp_key that member FP_FIELD covers, a constant. */
#define FP_KEY_WORDS_OF(FP_FIELD)                                       \
    ((UINT32_MAX                                                        \
      >> (31 - (offsetof(struct fp_key, FP_FIELD)                       \
                + sizeof ((struct fp_key *) 0)->FP_FIELD - 1) / 4))     \
     & (UINT32_MAX << offsetof(struct fp_key, FP_FIELD) / 4))

/* The fields of the NIC key that take the bytes of a field of struct flow
 * as they are (value under mask, and mask), as F(fp_key member, struct flow
 * member): those of the lookup pass, then those of the packet.  The
 * translation (netdev_offload_fp_translate_match()) and its reverse
 * (offload_fp_match_from_rule()) both use these lists, so they cannot
 * disagree.
 *
 * Those of the packet come in groups, G(F, fields, first, last): fields
 * that are next to each other in struct flow, from member 'first' to member
 * 'last', that a megaflow often does not match at all.  The translation
 * tests a group's bytes of the mask at once, and its fields one by one only
 * if they are not all zeros: a field's test was about 4 instructions of a
 * flow_put(), a group's is as much. */
#define OFFLOAD_FP_PASS_FIELDS(F)               \
    F(recirc_id, recirc_id)                     \
    F(dp_hash, dp_hash)
#define OFFLOAD_FP_ETH_ADDR_FIELDS(F)           \
    F(eth_dst, dl_dst)                          \
    F(eth_src, dl_src)
#define OFFLOAD_FP_VLAN_FIELDS(F)               \
    F(vlans[0].tpid, vlans[0].tpid)             \
    F(vlans[0].tci, vlans[0].tci)               \
    F(vlans[1].tpid, vlans[1].tpid)             \
    F(vlans[1].tci, vlans[1].tci)
#define OFFLOAD_FP_ND_FIELDS(F)                 \
    F(nd_target, nd_target)                     \
    F(arp_sha, arp_sha)                         \
    F(arp_tha, arp_tha)                         \
    F(tcp_flags, tcp_flags)
#define OFFLOAD_FP_L4_FIELDS(F)                 \
    F(tp_src, tp_src)                           \
    F(tp_dst, tp_dst)
#define OFFLOAD_FP_PACKET_GROUPS(F, G)                          \
    G(F, OFFLOAD_FP_ETH_ADDR_FIELDS, dl_dst, dl_src)            \
    F(eth_type, dl_type)                                        \
    G(F, OFFLOAD_FP_VLAN_FIELDS, vlans[0].tpid, vlans[1].tci)   \
    F(ip_frag, nw_frag)                                         \
    F(nw_proto, nw_proto)                                       \
    F(nw_tos, nw_tos)                                           \
    F(nw_ttl, nw_ttl)                                           \
    F(nw_src, nw_src)                                           \
    F(nw_dst, nw_dst)                                           \
    F(ipv6_label, ipv6_label)                                   \
    F(ipv6_src, ipv6_src)                                       \
    F(ipv6_dst, ipv6_dst)                                       \
    G(F, OFFLOAD_FP_ND_FIELDS, nd_target, tcp_flags)            \
    G(F, OFFLOAD_FP_L4_FIELDS, tp_src, tp_dst)
#define OFFLOAD_FP_GROUP_FIELDS(F, FIELDS, FIRST, LAST) FIELDS(F)
#define OFFLOAD_FP_PACKET_FIELDS(F)                             \
    OFFLOAD_FP_PACKET_GROUPS(F, OFFLOAD_FP_GROUP_FIELDS)
BUILD_ASSERT_DECL(FLOW_MAX_VLAN_HEADERS == 2);

/* The bytes of a megaflow's mask that the translation takes, 0xff, the
 * others zeros: in_port, packet_type, skb_priority (taken when the
 * megaflow matches 0: see the translation) and the fields of the lists
 * above.  A constant (GCC's range designators), which the compiler folds
 * into has_untranslated(). */
#define TRANSLATED_BYTES(FP_FIELD, FLOW_FIELD)                          \
    [offsetof(struct flow, FLOW_FIELD)                                  \
     ... (offsetof(struct flow, FLOW_FIELD)                             \
          + sizeof ((struct flow *) NULL)->FLOW_FIELD - 1)] = 0xff,
static const uint8_t offload_fp_translated[sizeof(struct flow)]
    OVS_ALIGNED_VAR(32) = {
    TRANSLATED_BYTES(in_port, in_port)
    TRANSLATED_BYTES(packet_type, packet_type)
    TRANSLATED_BYTES(skb_priority, skb_priority)
    OFFLOAD_FP_PASS_FIELDS(TRANSLATED_BYTES)
    OFFLOAD_FP_PACKET_FIELDS(TRANSLATED_BYTES)
};
#undef TRANSLATED_BYTES

/* Stores in '*anyp' the bits of 'mask' outside 'offload_fp_translated',
 * ORed into one vector: bits that the translation cannot take, if it is not
 * zero.  32 bytes at a time (GCC's vector extension), without a branch, the
 * loop unrolled whole so that the compiler folds the constant: 32 bytes of
 * the mask outside every translated field are only ORed, 32 bytes inside
 * them are not read.  A loop of 64-bit words took 340 instructions of a
 * flow_put(), one of 16-byte vectors ANDed with a table built at start-up
 * 156; this, 82 with SSE2 (GCC splits each vector in two), 45 with AVX2
 * (has_untranslated_avx2()). */
typedef uint64_t offload_fp_u64x4 __attribute__((vector_size(32)));
static inline void ALWAYS_INLINE
untranslated_bits(const struct flow *mask, offload_fp_u64x4 *anyp)
{
    const uint8_t *w = (const uint8_t *) mask;
    const offload_fp_u64x4 *t
        = ALIGNED_CAST(const offload_fp_u64x4 *, offload_fp_translated);
    offload_fp_u64x4 any = { 0, 0, 0, 0 };
    size_t i;

    BUILD_ASSERT_DECL(sizeof *mask % sizeof any == 0);
#pragma GCC unroll 32
    for (i = 0; i < sizeof *mask / sizeof any; i++) {
        offload_fp_u64x4 a;

        memcpy(&a, &w[i * sizeof a], sizeof a);
        any |= a & ~t[i];
    }
    *anyp = any;
}

/* True if the CPU has AVX2, for has_untranslated(): the build does not
 * assume it.  A unit test clears it to check the other variant. */
bool offload_fp_avx2;

#if defined(__x86_64__) && defined(__GNUC__)
OVS_CONSTRUCTOR(offload_fp_avx2_init)
{
    offload_fp_avx2 = __builtin_cpu_supports("avx2");
}

static bool __attribute__((target("avx2"), noinline))
has_untranslated_avx2(const struct flow *mask)
{
    offload_fp_u64x4 any;

    untranslated_bits(mask, &any);
    return !_mm256_testz_si256((__m256i) any, (__m256i) any);
}
#endif

/* Returns true if 'mask' has a bit that the translation cannot take. */
static inline bool
has_untranslated(const struct flow *mask)
{
    offload_fp_u64x4 any;

#if defined(__x86_64__) && defined(__GNUC__)
    if (offload_fp_avx2) {
        return has_untranslated_avx2(mask);
    }
#endif
    untranslated_bits(mask, &any);
    return (any[0] | any[1] | any[2] | any[3]) != 0;
}

#define TRANSLATE(FP_FIELD, FLOW_FIELD)                                 \
    BUILD_ASSERT_DECL(sizeof rule->key.FP_FIELD == sizeof flow->FLOW_FIELD); \
    if (translate(&rule->key.FP_FIELD, &rule->mask.FP_FIELD,            \
                  &flow->FLOW_FIELD, &mask->FLOW_FIELD,                 \
                  sizeof flow->FLOW_FIELD)) {                           \
        words |= FP_KEY_WORDS_OF(FP_FIELD);                             \
    }

/* The bytes of struct flow from member FIRST to member LAST. */
#define FLOW_RANGE_OFS(FIRST) offsetof(struct flow, FIRST)
#define FLOW_RANGE_SIZE(FIRST, LAST)                                    \
    (offsetof(struct flow, LAST) + sizeof ((struct flow *) NULL)->LAST  \
     - offsetof(struct flow, FIRST))

/* The size of the fields of a group (see OFFLOAD_FP_PACKET_GROUPS()). */
#define FIELD_SIZE(FP_FIELD, FLOW_FIELD)                                \
    + sizeof ((struct flow *) NULL)->FLOW_FIELD

/* Translates the fields of a group, if its bytes of the mask are not all
 * zeros.  A field of the group outside its range would never be translated
 * (nor named, as its bits count as translated): the build checks that the
 * sizes of the fields add up to the range's, and the unit test
 * (test-netdev-offload-fp-translate) that a match on any byte of struct
 * flow alone is translated or named. */
#define TRANSLATE_GROUP(F, FIELDS, FIRST, LAST)                         \
    BUILD_ASSERT_DECL(FLOW_RANGE_SIZE(FIRST, LAST) == 0 FIELDS(FIELD_SIZE)); \
    if (!is_zero_bytes((const uint8_t *) mask + FLOW_RANGE_OFS(FIRST),  \
                       FLOW_RANGE_SIZE(FIRST, LAST))) {                 \
        FIELDS(F)                                                       \
    }

#define CLEAR(FP_FIELD, FLOW_FIELD)                                     \
    memset(&left->FLOW_FIELD, 0, sizeof left->FLOW_FIELD);

/* If the mask of 'match' has bits of fields that a NIC rule cannot take,
 * stores in '*reasonp' a message that names them as in ovs-fields(7), for
 * 'dev', and returns true; 'skb_priority' says whether the megaflow's
 * skb_priority is one of them.  Returns false if the bits are outside every
 * field (padding). */
static bool
untranslated_reason(const struct match *match, bool skb_priority,
                    const struct fp_device *dev, char **reasonp)
{
    struct flow_wildcards rest = match->wc;
    struct flow *left = &rest.masks;
    struct ds names = DS_EMPTY_INITIALIZER;
    size_t i;

    memset(&left->in_port, 0, sizeof left->in_port);
    left->packet_type = 0;
    if (!skb_priority) {
        left->skb_priority = 0;
    }
    OFFLOAD_FP_PASS_FIELDS(CLEAR)
    OFFLOAD_FP_PACKET_FIELDS(CLEAR)
    for (i = 0; i < ARRAY_SIZE(offload_fp_fields); i++) {
        const struct offload_fp_field *f = &offload_fp_fields[i];

        if (!is_all_zeros((const uint8_t *) left + f->offset, f->size)) {
            ds_put_format(&names, "%s%s", names.length ? ", " : "", f->name);
        }
    }
    if (!names.length) {
        return false;
    }
    *reasonp = xasprintf("match on %s not supported by %s",
                         ds_cstr(&names), fp_device_name(dev));
    ds_destroy(&names);
    return true;
}

/* Translates 'match', a megaflow of dpif-netdev whose in_port is NIC port
 * 'port' of 'dev', into the match of 'rule', whose key and mask are zeros.
 *
 * Every bit of the megaflow's mask is either translated or the flow is
 * refused: the NIC rule never matches a packet that the megaflow does not.
 * Stores in '*restp' what the rule does not keep of 'match' (see struct
 * offload_fp_match_rest) and in '*wordsp' the words of the rule's mask that
 * may be nonzero (see struct offload_fp_verdict).  On refusal, returns
 * EOPNOTSUPP, stores in '*reasonp' a message that the caller must free,
 * and nothing in '*restp' and '*wordsp'.
 *
 * Inline in netdev_offload_fp_decide(), its only caller: the call and the
 * registers that it saved were 15 instructions of a flow_put(). */
static inline int ALWAYS_INLINE
netdev_offload_fp_translate_match(const struct match *match,
                                  const struct fp_device *dev, uint32_t port,
                                  struct fp_rule *rule,
                                  struct offload_fp_match_rest *restp,
                                  uint32_t *wordsp, char **reasonp)
{
    const struct flow *flow = &match->flow;
    const struct flow *mask = &match->wc.masks;
    uint32_t words = FP_KEY_WORDS_OF(in_port);
    bool skb_priority, exact;

    /* The rule goes to the in_port's NIC port, so it only sees packets from
     * that port, as the megaflow does. */
    rule->key.in_port = port;
    rule->mask.in_port = UINT32_MAX;

    /* The stage of the pipeline (recirc_id 0 is the first pass) and the
     * dp_hash of a later one, as the NIC keeps them across its own
     * recirculations (see "Recirculation" in fp.h). */
    OFFLOAD_FP_PASS_FIELDS(TRANSLATE)

    /* dpif-netdev receives every packet with skb_priority 0 (set_queue
     * sets it later), so a match on 0 holds for every packet from a NIC
     * port; one on another value is refused below. */
    skb_priority = (flow->skb_priority & mask->skb_priority) != 0;

    if (mask->packet_type && flow->packet_type != htonl(PT_ETH)) {
        *reasonp = xasprintf("match on packet_type (%#"PRIx32", not "
                             "Ethernet) not supported by %s",
                             ntohl(flow->packet_type), fp_device_name(dev));
        return EOPNOTSUPP;
    }

    /* A NIC that parses more or fewer VLAN tags than OVS (vlan-limit) has
     * the keys of OVS for the L2 addresses and the first tag only, and for
     * every field of a packet without a tag, which the flow's match may
     * require: then both parse the same headers (e.g. the rte_flow driver,
     * whose NICs take 2 tags, under OVS's default vlan-limit of 1). */
    if (fp_device_get_vlan_limit(dev) != flow_vlan_limit
        && !(mask->vlans[0].tci & htons(VLAN_CFI)
             && !(flow->vlans[0].tci & htons(VLAN_CFI)))) {
        struct flow beyond = *mask;

        memset(&beyond.in_port, 0, sizeof beyond.in_port);
        memset(&beyond.recirc_id, 0, sizeof beyond.recirc_id);
        memset(&beyond.dp_hash, 0, sizeof beyond.dp_hash);
        if (!skb_priority) {
            beyond.skb_priority = 0;
        }
        beyond.packet_type = 0;
        memset(&beyond.dl_dst, 0, sizeof beyond.dl_dst);
        memset(&beyond.dl_src, 0, sizeof beyond.dl_src);
        memset(&beyond.vlans[0], 0, sizeof beyond.vlans[0]);
        if (!is_all_zeros(&beyond, sizeof beyond)) {
            *reasonp = xasprintf("match beyond the first VLAN tag not "
                                 "supported by %s (it parses %u VLAN tags, "
                                 "other_config:vlan-limit %d)",
                                 fp_device_name(dev),
                                 fp_device_get_vlan_limit(dev),
                                 flow_vlan_limit);
            return EOPNOTSUPP;
        }
    }

    BUILD_ASSERT_DECL(FLOW_NW_FRAG_ANY == FP_IP_FRAG_ANY);
    BUILD_ASSERT_DECL(FLOW_NW_FRAG_LATER == FP_IP_FRAG_LATER);
    OFFLOAD_FP_PACKET_GROUPS(TRANSLATE, TRANSLATE_GROUP)

    /* Name what is left, if anything (most often nothing). */
    if (OVS_UNLIKELY(skb_priority || has_untranslated(mask))) {
        if (untranslated_reason(match, skb_priority, dev, reasonp)) {
            return EOPNOTSUPP;
        }
        /* Bits outside every field leave the rule as it is, but not
         * 'exact'. */
        exact = false;
    } else {
        exact = (mask->in_port.odp_port == ODPP_NONE
                 && (!mask->skb_priority || mask->skb_priority == UINT32_MAX)
                 && (!mask->packet_type
                     || mask->packet_type == OVS_BE32_MAX));
    }

    /* What the rule does not keep of the match, for
     * offload_fp_match_from_rule(): in one store. */
    *restp = (struct offload_fp_match_rest) {
        .in_port = flow->in_port.odp_port,
        .skb_priority = mask->skb_priority != 0,
        .packet_type = mask->packet_type != 0,
        .exact = exact,
    };
    *wordsp = words;
    return 0;
}

#undef TRANSLATE
#undef TRANSLATE_GROUP
#undef FIELD_SIZE
#undef FLOW_RANGE_OFS
#undef FLOW_RANGE_SIZE
#undef CLEAR
#undef FP_KEY_WORDS_OF

#define UNCONSUME(FP_FIELD, FLOW_FIELD)                                 \
    memcpy(&flow->FLOW_FIELD, &rule->key.FP_FIELD, sizeof flow->FLOW_FIELD); \
    memcpy(&mask->FLOW_FIELD, &rule->mask.FP_FIELD, sizeof mask->FLOW_FIELD);

/* Stores in 'match' the megaflow match that the translation
 * (netdev_offload_fp_translate_match()) made into 'rule' and 'rest', with
 * 'rest->exact' true: the match as it was, with every bit that its mask
 * does not cover zeroed (as dpif-netdev's classifier keeps a megaflow). */
void
offload_fp_match_from_rule(const struct fp_rule *rule,
                           const struct offload_fp_match_rest *rest,
                           struct match *match)
{
    struct flow *flow = &match->flow;
    struct flow *mask = &match->wc.masks;

    ovs_assert(rest->exact);
    memset(match, 0, sizeof *match);
    flow->in_port.odp_port = rest->in_port;
    mask->in_port.odp_port = ODPP_NONE;
    if (rest->skb_priority) {
        /* Translated only if it matched 0 (see the translation). */
        mask->skb_priority = UINT32_MAX;
    }
    if (rest->packet_type) {
        flow->packet_type = htonl(PT_ETH);
        mask->packet_type = OVS_BE32_MAX;
    }
    OFFLOAD_FP_PASS_FIELDS(UNCONSUME)
    OFFLOAD_FP_PACKET_FIELDS(UNCONSUME)
}

#undef UNCONSUME

/* Appends to 'rule' an action, all zeros, and returns it.  The caller has
 * checked that it fits.  Only a rule's 'n_actions' actions are zeroed
 * (netdev_offload_fp_decide() leaves the others as they were): zeroing
 * the 16 actions of every rule was about 90 instructions of a flow_put()
 * (callgrind).  The bytes of an action beyond its own members are zeros,
 * for the drivers and the records that compare and hash actions whole. */
static struct fp_action *
add_action(struct fp_rule *rule)
{
    struct fp_action *a = &rule->actions[rule->n_actions++];

    memset(a, 0, sizeof *a);
    return a;
}

/* Appends to 'rule' an action of 'type' that sets the bytes of 'value'
 * under 'mask' ('n' bytes), unless 'mask' is all zeros. */
static void
add_set(struct fp_rule *rule, enum fp_action_type type,
        const void *value, const void *mask, size_t n)
{
    struct fp_action *a;

    if (is_all_zeros(mask, n)) {
        return;
    }
    a = add_action(rule);
    a->type = type;
    memcpy(a->set.value, value, n);
    memcpy(a->set.mask, mask, n);
}

/* Returns the name of ODP key attribute 'type' as a set action names it,
 * e.g. "ipv4". */
static const char *
ovs_key_attr_name(enum ovs_key_attr type)
{
    static const char *const names[] = {
        [OVS_KEY_ATTR_ETHERNET] = "eth",
        [OVS_KEY_ATTR_IPV4] = "ipv4",
        [OVS_KEY_ATTR_IPV6] = "ipv6",
        [OVS_KEY_ATTR_TCP] = "tcp",
        [OVS_KEY_ATTR_UDP] = "udp",
        [OVS_KEY_ATTR_SCTP] = "sctp",
        [OVS_KEY_ATTR_ICMP] = "icmp",
        [OVS_KEY_ATTR_ICMPV6] = "icmpv6",
        [OVS_KEY_ATTR_ARP] = "arp",
        [OVS_KEY_ATTR_ND] = "nd",
        [OVS_KEY_ATTR_VLAN] = "vlan",
        [OVS_KEY_ATTR_MPLS] = "mpls",
        [OVS_KEY_ATTR_TUNNEL] = "tunnel",
        [OVS_KEY_ATTR_SKB_MARK] = "skb_mark",
        [OVS_KEY_ATTR_PRIORITY] = "skb_priority",
        [OVS_KEY_ATTR_CT_STATE] = "ct_state",
        [OVS_KEY_ATTR_CT_MARK] = "ct_mark",
        [OVS_KEY_ATTR_CT_LABELS] = "ct_label",
        [OVS_KEY_ATTR_NSH] = "nsh",
    };

    return (type < ARRAY_SIZE(names) && names[type] ? names[type]
            : "another field");
}

/* Returns the name of ODP action 'a', e.g. "ct" for "ct(commit)", in a new
 * string. */
static char *
action_name(const struct nlattr *a)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n;

    format_odp_actions(&s, a, a->nla_len, NULL);
    n = strcspn(ds_cstr(&s), "(:");
    ds_truncate(&s, n);
    return ds_steal_cstr(&s);
}

/* Translates masked set action 'a' (OVS_ACTION_ATTR_SET_MASKED, or
 * OVS_ACTION_ATTR_SET with every bit set) into 'rule'. */
static int
translate_set(const struct nlattr *a, bool masked, struct fp_rule *rule,
              const char *dev_name, char **reasonp)
{
    const struct nlattr *key = nl_attr_get(a);
    const uint8_t *value = nl_attr_get(key);
    size_t size = nl_attr_get_size(key);
    uint8_t ones[64];
    const uint8_t *mask;

    /* A masked set's attribute holds the value, then the mask. */
    if (masked) {
        size /= 2;
    }
    if (size > sizeof ones) {
        goto refuse;
    }
    memset(ones, 0xff, sizeof ones);
    mask = masked ? value + size : ones;

    /* Each field of a set is one NIC action: check that they fit. */
    if (rule->n_actions + 4 > FP_MAX_ACTIONS) {
        *reasonp = xasprintf("more than %d actions not supported by %s",
                             FP_MAX_ACTIONS, dev_name);
        return EOPNOTSUPP;
    }

    switch (nl_attr_type(key)) {
    case OVS_KEY_ATTR_PRIORITY: {
        /* set_queue: dpif-netdev's skb_priority is the queue id, which
         * picks a transmit queue of later outputs (see "Egress QoS" in
         * fp.h), as netdev_fp_send() does for packets from software. */
        struct fp_action *fa;

        if (size != sizeof(uint32_t) || get_unaligned_u32((void *) mask)
                                        != UINT32_MAX) {
            goto refuse;
        }
        fa = add_action(rule);
        fa->type = FP_ACTION_SET_QUEUE;
        fa->queue = get_unaligned_u32((void *) value);
        return 0;
    }
    case OVS_KEY_ATTR_ETHERNET: {
        const struct ovs_key_ethernet *v = (const void *) value;
        const struct ovs_key_ethernet *m = (const void *) mask;

        add_set(rule, FP_ACTION_SET_ETH_SRC, &v->eth_src, &m->eth_src, 6);
        add_set(rule, FP_ACTION_SET_ETH_DST, &v->eth_dst, &m->eth_dst, 6);
        return 0;
    }
    case OVS_KEY_ATTR_IPV4: {
        const struct ovs_key_ipv4 *v = (const void *) value;
        const struct ovs_key_ipv4 *m = (const void *) mask;

        if (m->ipv4_proto || m->ipv4_frag) {
            goto refuse;
        }
        add_set(rule, FP_ACTION_SET_IPV4_SRC, &v->ipv4_src, &m->ipv4_src, 4);
        add_set(rule, FP_ACTION_SET_IPV4_DST, &v->ipv4_dst, &m->ipv4_dst, 4);
        add_set(rule, FP_ACTION_SET_IPV4_TOS, &v->ipv4_tos, &m->ipv4_tos, 1);
        add_set(rule, FP_ACTION_SET_IPV4_TTL, &v->ipv4_ttl, &m->ipv4_ttl, 1);
        return 0;
    }
    case OVS_KEY_ATTR_IPV6: {
        const struct ovs_key_ipv6 *v = (const void *) value;
        const struct ovs_key_ipv6 *m = (const void *) mask;

        if (m->ipv6_label || m->ipv6_proto || m->ipv6_frag) {
            goto refuse;
        }
        add_set(rule, FP_ACTION_SET_IPV6_SRC, &v->ipv6_src, &m->ipv6_src,
                16);
        add_set(rule, FP_ACTION_SET_IPV6_DST, &v->ipv6_dst, &m->ipv6_dst,
                16);
        add_set(rule, FP_ACTION_SET_IPV6_TCLASS, &v->ipv6_tclass,
                &m->ipv6_tclass, 1);
        add_set(rule, FP_ACTION_SET_IPV6_HLIM, &v->ipv6_hlimit,
                &m->ipv6_hlimit, 1);
        return 0;
    }
    case OVS_KEY_ATTR_TCP:
    case OVS_KEY_ATTR_UDP:
    case OVS_KEY_ATTR_SCTP: {
        /* The three have the same layout: source port, destination
         * port.  The megaflow matches nw_proto, so the NIC sets the ports
         * of the right protocol. */
        const struct ovs_key_tcp *v = (const void *) value;
        const struct ovs_key_tcp *m = (const void *) mask;

        /* A later fragment has no L4 header: the NIC leaves it alone,
         * whereas OVS's software datapath would rewrite its payload as if
         * it were one.  So the NIC runs L4 rewrites only for flows that
         * match no later fragment.  (OVS 3.1 makes none that would.) */
        if (!(rule->mask.ip_frag & FP_IP_FRAG_LATER)
            || rule->key.ip_frag & FP_IP_FRAG_LATER) {
            struct ds s = DS_EMPTY_INITIALIZER;

            format_odp_actions(&s, a, a->nla_len, NULL);
            *reasonp = xasprintf("action set of %s of a flow that matches "
                                 "later IP fragments not supported by %s "
                                 "(%s)",
                                 ovs_key_attr_name(nl_attr_type(key)),
                                 dev_name, ds_cstr(&s));
            ds_destroy(&s);
            return EOPNOTSUPP;
        }
        add_set(rule, FP_ACTION_SET_TP_SRC, &v->tcp_src, &m->tcp_src, 2);
        add_set(rule, FP_ACTION_SET_TP_DST, &v->tcp_dst, &m->tcp_dst, 2);
        return 0;
    }
    default:
        goto refuse;
    }

refuse:
    {
        struct ds s = DS_EMPTY_INITIALIZER;

        format_odp_actions(&s, a, a->nla_len, NULL);
        *reasonp = xasprintf("action set of %s not supported by %s (%s)",
                             ovs_key_attr_name(nl_attr_type(key)), dev_name,
                             ds_cstr(&s));
        ds_destroy(&s);
        return EOPNOTSUPP;
    }
}

/* Translates 'a', an OVS_ACTION_ATTR_HASH or OVS_ACTION_ATTR_RECIRC action
 * ('last' if it is the last action of the flow), into the next action of
 * 'rule': FP_ACTION_HASH computes dp_hash as dpif-netdev does, and
 * FP_ACTION_RECIRC, which the NIC takes only as a rule's last action, looks
 * the packet up again in a new pass (see "Recirculation" in fp.h).  On
 * refusal, returns EOPNOTSUPP and stores in '*reasonp' a message that the
 * caller must free. */
static int
translate_recirc(const struct nlattr *a, bool last, struct fp_rule *rule,
                 const char *dev_name, char **reasonp)
{
    struct fp_action *action = &rule->actions[rule->n_actions];
    struct ds s = DS_EMPTY_INITIALIZER;

    memset(action, 0, sizeof *action);      /* See add_action(). */

    if (nl_attr_type(a) == OVS_ACTION_ATTR_HASH) {
        const struct ovs_action_hash *hash = nl_attr_get(a);

        if (hash->hash_alg != OVS_HASH_ALG_L4
            && hash->hash_alg != OVS_HASH_ALG_SYM_L4) {
            ds_put_format(&s, "alg %"PRIu32", basis %"PRIu32,
                          hash->hash_alg, hash->hash_basis);
            *reasonp = xasprintf("action hash of an unknown algorithm not "
                                 "supported by %s (%s)", dev_name,
                                 ds_cstr(&s));
            ds_destroy(&s);
            return EOPNOTSUPP;
        }
        action->type = FP_ACTION_HASH;
        action->hash.alg = (hash->hash_alg == OVS_HASH_ALG_L4
                            ? FP_HASH_L4 : FP_HASH_SYM_L4);
        action->hash.basis = hash->hash_basis;
    } else {
        if (!last || !nl_attr_get_u32(a)) {
            format_odp_actions(&s, a, a->nla_len, NULL);
            *reasonp = xasprintf("action recirc %s not supported by %s "
                                 "(%s)", (last ? "to recirc_id 0"
                                          : "followed by other actions"),
                                 dev_name, ds_cstr(&s));
            ds_destroy(&s);
            return EOPNOTSUPP;
        }
        action->type = FP_ACTION_RECIRC;
        action->recirc_id = nl_attr_get_u32(a);
    }
    rule->n_actions++;
    return 0;
}

/* Returns why the NIC named 'dev_name' cannot output to datapath port
 * 'odp_port' (whose netdev is 'out', or NULL if it is not in
 * netdev_ports_get()'s map) for a flow on 'netdev', in a new string.  The
 * port is named as operators know it: by its interface name, with the NIC
 * port (e.g. vf0 of fp1) if it is on another NIC. */
static char *
output_reason(const struct netdev *netdev, odp_port_t odp_port,
              const struct netdev *out, const char *dev_name)
{
    struct ds name = DS_EMPTY_INITIALIZER;
    struct fp_device *out_dev;
    uint32_t out_port;
    char *reason;

    netdev_offload_fp_format_port(netdev_get_dpif_type(netdev), odp_port,
                                  &name);
    if (out && netdev_offload_fp_get_port(out, &out_dev, &out_port)) {
        char port_name[16];

        fp_port_to_string(out_dev, out_port, port_name, sizeof port_name);
        reason = xasprintf("output port %s is %s of %s, not on %s",
                           ds_cstr(&name), port_name,
                           fp_device_name(out_dev), dev_name);
    } else {
        reason = xasprintf("output port %s is not on %s", ds_cstr(&name),
                           dev_name);
    }
    ds_destroy(&name);
    return reason;
}

/* The netdevs of output ports.
 *
 * netdev_ports_get() takes a reference to the netdev it finds and
 * netdev_close() gives it back, each under OVS's global 'netdev_mutex':
 * for a flow with one output, that was a fifth of its translation.  So
 * each thread keeps a small cache from datapath port to the netdev that
 * netdev_ports_get() found for it, without a reference, for netdevs whose
 * flow API is this one (those that can be outputs of an offloaded flow).
 *
 * An entry holds while 'offload_fp_ports_seq' has not changed since it was
 * filled.  It changes whenever a netdev gets this flow API or loses it
 * (netdev_offload_fp_init_flow_api(), ..._uninit_flow_api()), which is how
 * a port leaves and enters a datapath: dpif-netdev's port_del calls
 * netdev_uninit_flow_api() on the port, under its port lock, before
 * dpif_port_del() takes the port out of netdev_ports_get()'s map, and
 * dpif_port_add() puts the port into the map, then calls
 * netdev_init_flow_api().  A netdev is cached only if its flow API is
 * this one once netdev_ports_get() has found it: one that left the
 * datapath but is still in the map, its flow API gone, is not cached
 * again.  A cached netdev is alive while the entry holds: the last
 * netdev_close() of a netdev with this flow API calls uninit_flow_api()
 * first.  dpif-netdev's offload threads call flow_put() under the port lock
 * under which port_del runs, so 'offload_fp_ports_seq' does not change
 * while they translate.  One gap is left: when a datapath is closed,
 * dpif_close() takes its ports out of the map a moment before
 * dp_netdev_free() uninitializes their flow API, so a flow_put() in
 * between may still use a cached output; dpif-netdev flushes the
 * datapath's flows right after.
 *
 * The numbers of datapath ports are small and reused, so the cache is
 * indexed by port number.  A datapath type is compared by pointer, as
 * netdev_ports_get() does. */
#define OFFLOAD_FP_PORT_CACHE_SIZE 32
BUILD_ASSERT_DECL(IS_POW2(OFFLOAD_FP_PORT_CACHE_SIZE));

struct offload_fp_port_entry {
    uint64_t seq;               /* 'offload_fp_ports_seq' when filled, or 0
                                 * (empty). */
    const char *dpif_type;
    odp_port_t odp_port;
    const struct netdev *netdev; /* No reference. */
};

struct offload_fp_port_cache {
    struct offload_fp_port_entry entries[OFFLOAD_FP_PORT_CACHE_SIZE];
};

DEFINE_STATIC_PER_THREAD_DATA(struct offload_fp_port_cache,
                              offload_fp_port_cache, { { { 0 } } });

/* Starts at 1: 0 marks an empty entry. */
static atomic_uint64_t offload_fp_ports_seq = ATOMIC_VAR_INIT(1);

/* Says that a netdev got or lost this flow API, so that no thread uses the
 * netdevs of output ports that it cached before (see above).  Called by
 * init_flow_api() and uninit_flow_api(), before they change anything. */
void
offload_fp_ports_changed(void)
{
    uint64_t orig;

    atomic_add(&offload_fp_ports_seq, 1, &orig);
}

/* Returns the netdev of port 'odp_port' of the datapath of type
 * 'dpif_type', as netdev_ports_get() finds it, or NULL if it finds none.
 * If the netdev comes from netdev_ports_get(), stores in '*refp' the
 * reference to it, which the caller must release with netdev_close(),
 * otherwise NULL: a netdev from the cache is valid until the caller
 * returns to dpif-netdev.  Inline: a hit in the cache is a few
 * instructions. */
static inline const struct netdev * ALWAYS_INLINE
offload_fp_output_netdev(odp_port_t odp_port, const char *dpif_type,
                         struct netdev **refp)
{
    struct offload_fp_port_entry *e
        = &offload_fp_port_cache_get()->entries[
            odp_to_u32(odp_port) & (OFFLOAD_FP_PORT_CACHE_SIZE - 1)];
    struct netdev *netdev;
    uint64_t seq;

    atomic_read_explicit(&offload_fp_ports_seq, &seq, memory_order_acquire);
    if (e->seq == seq && e->odp_port == odp_port
        && e->dpif_type == dpif_type) {
        *refp = NULL;
        return e->netdev;
    }

    netdev = netdev_ports_get(odp_port, dpif_type);
    *refp = netdev;
    if (netdev && (ovsrcu_get(const struct netdev_flow_api *,
                              &netdev->flow_api) == &netdev_offload_fp)) {
        e->seq = seq;
        e->dpif_type = dpif_type;
        e->odp_port = odp_port;
        e->netdev = netdev;
    }
    return netdev;
}

static int translate_clone(const struct netdev *, const struct fp_device *,
                           const struct nlattr *actions, size_t actions_len,
                           struct fp_rule *, char **reasonp);

/* Translates ODP 'actions' of a flow on 'netdev' (bound to 'dev') into the
 * actions of 'rule'.  Clone actions whose nested actions are all outputs
 * are flattened.  On refusal, returns EOPNOTSUPP and stores in '*reasonp'
 * a message that the caller must free.
 *
 * Inline in netdev_offload_fp_decide(), and in translate_clone() for the
 * actions of a clone: the call and the registers that it saved were about
 * 20 instructions of a flow_put(). */
static inline int ALWAYS_INLINE
netdev_offload_fp_translate_actions(const struct netdev *netdev,
                                    const struct fp_device *dev,
                                    const struct nlattr *actions,
                                    size_t actions_len, bool in_clone,
                                    struct fp_rule *rule, char **reasonp)
{
    const struct nlattr *a;
    unsigned int left;

    NL_ATTR_FOR_EACH_UNSAFE (a, left, actions, actions_len) {
        enum ovs_action_attr type = nl_attr_type(a);
        struct fp_action *action;
        int error;

        if (type == OVS_ACTION_ATTR_DROP && !in_clone
            && left == NLA_ALIGN(a->nla_len)) {
            /* An explicit drop, always last: nothing to do. */
            break;
        }
        if (rule->n_actions >= FP_MAX_ACTIONS) {
            *reasonp = xasprintf("more than %d actions not supported by %s",
                                 FP_MAX_ACTIONS, fp_device_name(dev));
            return EOPNOTSUPP;
        }
        action = &rule->actions[rule->n_actions];
        memset(action, 0, sizeof *action);  /* See add_action(). */

        if (type == OVS_ACTION_ATTR_OUTPUT) {
            odp_port_t odp_port = nl_attr_get_odp_port(a);
            const struct netdev *out;
            struct fp_device *out_dev;
            struct netdev *ref;
            uint32_t out_port;
            bool ok;

            out = offload_fp_output_netdev(odp_port, netdev->dpif_type,
                                           &ref);
            ok = out && netdev_offload_fp_get_port(out, &out_dev, &out_port)
                 && out_dev == dev;
            if (!ok) {
                *reasonp = output_reason(netdev, odp_port, out,
                                         fp_device_name(dev));
                netdev_close(ref);
                return EOPNOTSUPP;
            }
            if (OVS_UNLIKELY(ref)) {
                netdev_close(ref);
            }
            action->type = FP_ACTION_OUTPUT;
            action->port = out_port;
            rule->n_actions++;
        } else if (type == OVS_ACTION_ATTR_CLONE && !in_clone) {
            /* A clone of outputs only is the outputs themselves. */
            const struct nlattr *b;
            unsigned int left_b;

            NL_ATTR_FOR_EACH_UNSAFE (b, left_b, nl_attr_get(a),
                                     nl_attr_get_size(a)) {
                if (nl_attr_type(b) != OVS_ACTION_ATTR_OUTPUT) {
                    char *name = action_name(b);

                    *reasonp = xasprintf("action %s in clone() not "
                                         "supported by %s", name,
                                         fp_device_name(dev));
                    free(name);
                    return EOPNOTSUPP;
                }
            }
            error = translate_clone(netdev, dev, nl_attr_get(a),
                                    nl_attr_get_size(a), rule, reasonp);
            if (error) {
                return error;
            }
        } else if (type == OVS_ACTION_ATTR_PUSH_VLAN) {
            const struct ovs_action_push_vlan *vlan = nl_attr_get(a);

            /* In ODP the CFI bit says "tag present"; it is not pushed. */
            action->type = FP_ACTION_PUSH_VLAN;
            action->vlan.tpid = vlan->vlan_tpid;
            action->vlan.tci = vlan->vlan_tci & ~htons(VLAN_CFI);
            rule->n_actions++;
        } else if (type == OVS_ACTION_ATTR_POP_VLAN) {
            action->type = FP_ACTION_POP_VLAN;
            rule->n_actions++;
        } else if (type == OVS_ACTION_ATTR_METER) {
            uint32_t id = nl_attr_get_u32(a);

            if (!offload_fp_meter_check(id, dev, reasonp)) {
                return EOPNOTSUPP;
            }
            action->type = FP_ACTION_METER;
            action->meter_id = id;
            rule->n_actions++;
        } else if (type == OVS_ACTION_ATTR_SET_MASKED
                   || type == OVS_ACTION_ATTR_SET) {
            error = translate_set(a, type == OVS_ACTION_ATTR_SET_MASKED,
                                  rule, fp_device_name(dev), reasonp);
            if (error) {
                return error;
            }
        } else if (type == OVS_ACTION_ATTR_HASH
                   || type == OVS_ACTION_ATTR_RECIRC) {
            error = translate_recirc(a, left == NLA_ALIGN(a->nla_len)
                                        && !in_clone,
                                     rule, fp_device_name(dev), reasonp);
            if (error) {
                return error;
            }
        } else {
            char *name = action_name(a);

            *reasonp = xasprintf("action %s not supported by %s", name,
                                 fp_device_name(dev));
            free(name);
            return EOPNOTSUPP;
        }
    }
    return 0;
}

/* netdev_offload_fp_translate_actions() of the nested 'actions' of a
 * clone, out of line. */
static int
translate_clone(const struct netdev *netdev, const struct fp_device *dev,
                const struct nlattr *actions, size_t actions_len,
                struct fp_rule *rule, char **reasonp)
{
    return netdev_offload_fp_translate_actions(netdev, dev, actions,
                                               actions_len, true, rule,
                                               reasonp);
}

/* Zeroes the members of 'rule' before its actions: 16 bytes at a time
 * (GCC's vector extension: SSE2 on x86-64).  GCC made a memset() of them
 * a "rep stos", which took 44 instructions of a flow_put() (callgrind),
 * this 19. */
static inline void
zero_rule_match(struct fp_rule *rule)
{
    typedef uint64_t u64x2 __attribute__((vector_size(16)));
    const u64x2 zero = { 0, 0 };
    uint8_t *p = (uint8_t *) rule;
    size_t i;

    BUILD_ASSERT_DECL(offsetof(struct fp_rule, actions) % 8 == 0);
#pragma GCC unroll 32
    for (i = 0; i + sizeof zero <= offsetof(struct fp_rule, actions);
         i += sizeof zero) {
        memcpy(&p[i], &zero, sizeof zero);
    }
    if (i < offsetof(struct fp_rule, actions)) {
        memset(&p[i], 0, 8);
    }
}

/* Decides what 'dev' can do for the flow with 'match' and 'actions' whose
 * in_port is NIC port 'port' of 'dev', 'netdev': run it (OFFLOADED), only
 * classify it and tag its packets with 'mark' for dpif-netdev, which then
 * runs its actions without a lookup (PARTIAL), or nothing (REFUSED).
 *
 * Partial offload is correct whenever the match translates: the NIC rule
 * matches exactly the packets of the megaflow, and sends them to the host
 * as a miss would, with the mark.  It is used when some action cannot run
 * in the NIC: an output to a port that is not on the NIC (internal, tap,
 * another NIC), to userspace, ct(), recirculation, ...  A match that does
 * not translate means the NIC cannot classify the flow at all: REFUSED.
 *
 * The actions of 'v->rule' past its 'n_actions' are left as they were
 * (drivers read only 'n_actions' actions); the others are whole, with
 * zeros in the bytes that their type does not use. */
void
netdev_offload_fp_decide(const struct netdev *netdev, struct fp_device *dev,
                         uint32_t port, const struct match *match,
                         const struct nlattr *actions, size_t actions_len,
                         uint32_t mark, struct offload_fp_verdict *v)
{
    /* The actions are zeroed as they are added (see add_action()). */
    zero_rule_match(&v->rule);
    v->reason = NULL;

    if (netdev_offload_fp_translate_match(match, dev, port, &v->rule,
                                          &v->rest, &v->words, &v->reason)) {
        v->state = OFFLOAD_FP_REFUSED;
        return;
    }
    if (!netdev_offload_fp_translate_actions(netdev, dev, actions,
                                             actions_len, false, &v->rule,
                                             &v->reason)) {
        v->state = OFFLOAD_FP_OFFLOADED;
        return;
    }

    /* The actions translated before the refusal go (flow_put() hands this
     * rule to the NIC as it is). */
    v->state = OFFLOAD_FP_PARTIAL;
    memset(v->rule.actions, 0, 2 * sizeof v->rule.actions[0]);
    v->rule.n_actions = 2;
    v->rule.actions[0].type = FP_ACTION_MARK;
    v->rule.actions[0].mark = mark;
    v->rule.actions[1].type = FP_ACTION_EXCEPTION;
}
