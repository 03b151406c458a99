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

/* Unit tests of the flow records of our flow API
 * (ofproto-offload/netdev-offload-fp-record.c), driven as dpif-netdev
 * drives it, on "fp" netdevs bound to a model NIC: records from slabs,
 * reused and reserved buckets given back; a flush while the flows' table
 * shrinks; the compact NIC rule of a flow and the shapes that compact
 * rules share; the match given back from a rule, and the match a flow
 * keeps whatever happens to its rule; and the side block of a flow, with
 * and without a watch for misses. */

#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dpif.h"
#include "dummy.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp-test-netdev.h"
#include "netdev-offload-fp.h"
#include "netdev-offload-fp-private.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "openvswitch/hmap.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "random.h"
#include "util.h"

/* Flow 'i' of test_many_records(): TCP from 11.0.0.0 + 'i', output to p2,
 * or, if 'partial', to a datapath port that is not on the NIC. */
static void
put_nth(uint32_t i, bool partial)
{
    struct offload_info info = { .flow_mark = i + 1 };
    ovs_u128 ufid = { .u32 = { i + 1, 7, 7, 7 } };
    struct ofpbuf actions;
    struct match match;

    make_match(false, &match);
    match_set_nw_src(&match, htonl(0x0b000000 + i));
    ofpbuf_init(&actions, 64);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT,
                        u32_to_odp(partial ? 99 : 2));
    assert_int_equal(netdev_offload_fp.flow_put(p1, &match, actions.data,
                                                actions.size, &ufid, &info,
                                                NULL), 0);
    ofpbuf_uninit(&actions);
}

/* Checks flow 'i' of test_many_records(): ENOENT if 'gone', else
 * offloaded, or partially if 'partial', with a reason only if partial. */
static void
check_nth(uint32_t i, bool gone, bool partial)
{
    ovs_u128 ufid = { .u32 = { i + 1, 7, 7, 7 } };
    struct dpif_flow_attrs attrs;
    struct dpif_flow_stats stats;
    struct offload_fp_flow *flow;
    int error;

    error = netdev_offload_fp.flow_get(p1, NULL, NULL, &ufid, &stats,
                                       &attrs, NULL);
    assert_int_equal(error, gone ? ENOENT : 0);
    if (gone) {
        return;
    }
    assert_true(attrs.offloaded);
    assert_string_equal(attrs.dp_layer, partial ? "ovs" : "fp");
    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(&ufid);
    assert_non_null(flow);
    assert_true(ovs_u128_equals(offload_fp_flow_ufid(flow), ufid));
    assert_int_equal(offload_fp_flow_reason(flow) != NULL, partial);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Records come from slabs of about 185 (netdev-offload-fp-record.c): flows
 * put and deleted in an interleaved order, over several slabs, keep their
 * records apart; the records of deleted flows are reused, and start
 * clean. */
static void
test_many_records(void **state OVS_UNUSED)
{
    enum { N = 1000 };
    size_t mask, kept;
    uint32_t i;

    for (i = 0; i < N; i++) {
        put_nth(i, !(i % 7));
        if (!i) {
            /* The first flow reserved buckets for as many flows as the NIC
             * has rules (65536 by default): one to two flows a bucket. */
            ovs_mutex_lock(&offload_fp_mutex);
            mask = offload_fp_flows.mask;
            ovs_mutex_unlock(&offload_fp_mutex);
            assert_true(mask + 1 >= 65536 / 2);
        }
    }
    /* Two flows of three go, the last first; the table keeps the buckets
     * that it reserved. */
    for (i = N; i-- > 0; ) {
        if (i % 3) {
            ovs_u128 ufid = { .u32 = { i + 1, 7, 7, 7 } };

            assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
        }
    }
    ovs_mutex_lock(&offload_fp_mutex);
    kept = offload_fp_flows.mask;
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_int_equal(kept, mask);
    for (i = 0; i < N; i++) {
        check_nth(i, i % 3, !(i % 7));
    }
    assert_int_equal(n_rules(), (N + 2) / 3);

    /* They come back, all fully offloaded, in records that partial flows
     * may have had. */
    for (i = 0; i < N; i++) {
        if (i % 3) {
            put_nth(i, false);
        }
    }
    for (i = 0; i < N; i++) {
        check_nth(i, false, !(i % 3) && !(i % 7));
    }

    for (i = 0; i < N; i++) {
        ovs_u128 ufid = { .u32 = { i + 1, 7, 7, 7 } };

        assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    }
    assert_int_equal(n_rules(), 0);
    for (i = 0; i < N; i++) {
        check_nth(i, true, false);
    }

    /* The flows' table gave its buckets back as the flows went. */
    ovs_mutex_lock(&offload_fp_mutex);
    mask = offload_fp_flows.mask;
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_true(mask < 8);
}

/* A flush forgets every flow of its port, even when the flows' table
 * shrinks under it: with more flows than the table reserved for the NIC's
 * rules (65536; the NIC takes that many, the others wait for room), the
 * table grows, and the flush's destructions shrink it. */
static void
test_flush_shrinks(void **state OVS_UNUSED)
{
    enum { N = 3 * 65536 };
    size_t n;
    uint32_t i;

    for (i = 0; i < N; i++) {
        put_nth(i, false);
    }
    /* Asserts outside the mutex: a failed one does not return. */
    ovs_mutex_lock(&offload_fp_mutex);
    n = hmap_count(&offload_fp_flows);
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_int_equal(n, N);

    assert_int_equal(netdev_offload_fp.flow_flush(p1), 0);
    ovs_mutex_lock(&offload_fp_mutex);
    n = hmap_count(&offload_fp_flows);
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_int_equal(n, 0);
    assert_int_equal(n_rules(), 0);
}

/* A flow keeps its NIC rule compact (offload_fp_rule_dup()): expanded,
 * it is the rule again, whichever words of its mask are set, the first
 * and the last among them, with a mark as its first action or not. */
static void
test_rule_compact(void **state OVS_UNUSED)
{
    int round;

    random_set_seed(7);
    ovs_mutex_lock(&offload_fp_mutex);
    for (round = 0; round < 2000; round++) {
        struct fp_rule rule, back;
        uint32_t *key = (uint32_t *) &rule.key;
        uint32_t *mask = (uint32_t *) &rule.mask;
        struct offload_fp_rule *c;
        size_t i;

        memset(&rule, 0, sizeof rule);
        for (i = 0; i < OFFLOAD_FP_KEY_WORDS; i++) {
            /* Some rounds with every word, some with none. */
            bool set = (round % 10 == 0 ? true
                        : round % 10 == 1 ? false
                        : random_range(4) == 0);

            if (set) {
                mask[i] = random_uint32() | 1;
                key[i] = random_uint32() & mask[i];
            }
        }
        rule.priority = random_uint32();
        rule.n_actions = random_range(FP_MAX_ACTIONS + 1);
        for (i = 0; i < rule.n_actions; i++) {
            rule.actions[i].type = FP_ACTION_OUTPUT;
            rule.actions[i].port = random_uint32();
        }
        if (rule.n_actions && round % 3 == 0) {
            rule.actions[0].type = FP_ACTION_MARK;
            rule.actions[0].mark = random_uint32();
        }

        c = offload_fp_rule_dup(&rule);
        offload_fp_rule_expand(c, &back);
        assert_memory_equal(&rule, &back, sizeof rule);
        offload_fp_rule_free(c);

        /* The same from the words that may be nonzero: exactly those that
         * are, or more (random ones, all). */
        {
            uint32_t words = 0;

            for (i = 0; i < OFFLOAD_FP_KEY_WORDS; i++) {
                words |= mask[i] ? UINT32_C(1) << i : 0;
            }
            words |= (round % 3 == 0 ? 0
                      : round % 3 == 1 ? random_uint32() : UINT32_MAX);
            c = offload_fp_rule_dup_words(&rule, words);
            offload_fp_rule_expand(c, &back);
            assert_memory_equal(&rule, &back, sizeof rule);
            offload_fp_rule_free(c);
        }
    }
    assert_int_equal(offload_fp_n_shapes(), 0);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Compact rules of one mask, priority and actions share one shape (by its
 * id), whose last rule frees it, even with marks of their own as their
 * first actions, which each gets back; a rule that differs in any of these
 * has another shape, and a shape that is not the last one made is found
 * again. */
static void
test_rule_shapes(void **state OVS_UNUSED)
{
    enum { N = 64 };
    struct offload_fp_rule *c[N], *other, *again;
    struct fp_rule rule, back;
    size_t i;

    memset(&rule, 0, sizeof rule);
    rule.mask.recirc_id = UINT32_MAX;
    rule.mask.in_port = UINT32_MAX;
    rule.n_actions = 2;
    rule.actions[0].type = FP_ACTION_MARK;
    rule.actions[1].type = FP_ACTION_OUTPUT;
    rule.actions[1].port = 3;

    ovs_mutex_lock(&offload_fp_mutex);
    for (i = 0; i < N; i++) {
        rule.key.recirc_id = i;
        rule.actions[0].mark = 1000 + i;
        c[i] = offload_fp_rule_dup(&rule);
    }
    assert_int_equal(offload_fp_n_shapes(), 1);
    for (i = 0; i < N; i++) {
        assert_int_equal(c[i]->shape_id, c[0]->shape_id);
        rule.key.recirc_id = i;
        rule.actions[0].mark = 1000 + i;
        offload_fp_rule_expand(c[i], &back);
        assert_memory_equal(&rule, &back, sizeof rule);
    }

    rule.actions[1].port = 4;
    other = offload_fp_rule_dup(&rule);
    assert_int_equal(offload_fp_n_shapes(), 2);
    assert_int_not_equal(other->shape_id, c[0]->shape_id);
    rule.actions[1].port = 3;
    rule.priority = 1;
    offload_fp_rule_free(offload_fp_rule_dup(&rule));
    assert_int_equal(offload_fp_n_shapes(), 2);
    rule.priority = 0;
    again = offload_fp_rule_dup(&rule);
    assert_int_equal(again->shape_id, c[0]->shape_id);
    offload_fp_rule_free(again);
    offload_fp_rule_free(other);
    assert_int_equal(offload_fp_n_shapes(), 1);

    for (i = 0; i < N; i++) {
        assert_int_equal(offload_fp_n_shapes(), 1);
        offload_fp_rule_free(c[i]);
    }
    assert_int_equal(offload_fp_n_shapes(), 0);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* A rule compared with the last shape (offload_fp_rule_dup_last()) has
 * that shape only if its mask words, priority and actions (but for a
 * first action's mark) are the shape's, whichever words the caller says
 * may be nonzero; and it is the rule again, expanded, either way. */
static void
test_rule_last_shape(void **state OVS_UNUSED)
{
    enum { N_VARIANTS = 11 };
    struct offload_fp_rule *base_c, *c;
    struct fp_rule base, rule, back;
    int v, w;

    memset(&base, 0, sizeof base);
    base.key.in_port = 5;
    base.mask.in_port = UINT32_MAX;
    base.key.recirc_id = 9;
    base.mask.recirc_id = 0xff;
    base.priority = 7;
    base.n_actions = 2;
    base.actions[0].type = FP_ACTION_MARK;
    base.actions[0].mark = 1;
    base.actions[1].type = FP_ACTION_OUTPUT;
    base.actions[1].port = 3;

    ovs_mutex_lock(&offload_fp_mutex);
    base_c = offload_fp_rule_dup(&base);
    for (v = 0; v < N_VARIANTS; v++) {
        bool same = false;

        rule = base;
        switch (v) {
        case 0:
            /* Another key and mark: the same shape. */
            rule.key.in_port = 6;
            rule.actions[0].mark = 2;
            same = true;
            break;
        case 1:
            rule.mask.recirc_id = 0xf0f;
            break;
        case 2:
            rule.mask.tp_dst = UINT16_MAX;
            break;
        case 3:
            rule.mask.recirc_id = 0;
            rule.key.recirc_id = 0;
            break;
        case 4:
            rule.priority = 8;
            break;
        case 5:
            rule.actions[1].port = 4;
            break;
        case 6:
            /* An output in place of the mark. */
            rule.actions[0].type = FP_ACTION_OUTPUT;
            break;
        case 7:
            rule.n_actions = 1;
            memset(&rule.actions[1], 0, sizeof rule.actions[1]);
            break;
        case 8:
            rule.n_actions = 3;
            rule.actions[2] = rule.actions[1];
            break;
        case 9:
            /* The mark's action with a byte beyond the mark. */
            rule.actions[0].set.value[5] = 1;
            break;
        case 10:
            /* No mark, as the shape's first action has none: a rule whose
             * first action is an output with the port of the mark. */
            rule.actions[0].type = FP_ACTION_OUTPUT;
            rule.actions[0].port = 0;
            break;
        }
        for (w = 0; w < 3; w++) {
            const uint32_t *mask = (const uint32_t *) &rule.mask;
            struct offload_fp_rule *again;
            uint32_t words = 0;
            size_t i;

            for (i = 0; i < OFFLOAD_FP_KEY_WORDS; i++) {
                words |= mask[i] ? UINT32_C(1) << i : 0;
            }
            words |= (w == 0 ? 0 : w == 1 ? UINT32_C(0x55555555)
                      : UINT32_MAX);

            /* The base's shape is the last one. */
            again = offload_fp_rule_dup(&base);
            c = offload_fp_rule_dup_words(&rule, words);
            offload_fp_rule_expand(c, &back);
            assert_memory_equal(&rule, &back, sizeof rule);
            if (same) {
                assert_int_equal(c->shape_id, base_c->shape_id);
            } else {
                assert_int_not_equal(c->shape_id, base_c->shape_id);
            }
            offload_fp_rule_free(again);
            offload_fp_rule_free(c);
            assert_int_equal(offload_fp_n_shapes(), 1);
        }
    }
    offload_fp_rule_expand(base_c, &back);
    assert_memory_equal(&base, &back, sizeof base);
    offload_fp_rule_free(base_c);
    assert_int_equal(offload_fp_n_shapes(), 0);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* The fields of struct flow that the NIC key takes as they are. */
#define FIELD(MEMBER) \
    { offsetof(struct flow, MEMBER), sizeof ((struct flow *) NULL)->MEMBER }
static const struct {
    size_t offset;
    size_t size;
} key_fields[] = {
    FIELD(recirc_id), FIELD(dp_hash), FIELD(dl_dst), FIELD(dl_src),
    FIELD(dl_type), FIELD(vlans), FIELD(nw_frag), FIELD(nw_proto),
    FIELD(nw_tos), FIELD(nw_ttl), FIELD(tcp_flags), FIELD(nw_src),
    FIELD(nw_dst), FIELD(ipv6_label), FIELD(ipv6_src), FIELD(ipv6_dst),
    FIELD(nd_target), FIELD(arp_sha), FIELD(arp_tha), FIELD(tp_src),
    FIELD(tp_dst),
};
#undef FIELD

/* Makes in 'match' a random megaflow in on p1 (datapath port 1), as
 * dpif-netdev hands them over: the flow has the bytes of a packet under
 * the mask and outside it.  Its mask has a random subset of the fields of
 * the NIC key, each all ones or random bits, and skb_priority and
 * packet_type as the translation takes them whole (matched exactly on 0
 * and Ethernet), or not.  If 'odd', one of: a partial mask of
 * skb_priority, which the translation drops (the rule cannot give it
 * back), or a mask of pkt_mark, which it refuses. */
static void
random_match(bool odd, struct match *match)
{
    struct flow *mask = &match->wc.masks;
    size_t i;

    memset(match, 0, sizeof *match);
    random_bytes(&match->flow, sizeof match->flow);
    match->flow.in_port.odp_port = u32_to_odp(1);
    mask->in_port.odp_port = ODPP_NONE;
    for (i = 0; i < ARRAY_SIZE(key_fields); i++) {
        uint8_t *m = (uint8_t *) mask + key_fields[i].offset;

        switch (random_range(3)) {
        case 0:
            memset(m, 0xff, key_fields[i].size);
            break;
        case 1:
            random_bytes(m, key_fields[i].size);
            break;
        default:
            break;
        }
    }
    if (random_range(2)) {
        match->flow.skb_priority = 0;
        mask->skb_priority = UINT32_MAX;
    }
    if (random_range(2)) {
        match->flow.packet_type = htonl(PT_ETH);
        mask->packet_type = OVS_BE32_MAX;
    }
    if (odd && random_range(2)) {
        match->flow.skb_priority &= ~0xffu;
        mask->skb_priority = 0xff;
    } else if (odd) {
        mask->pkt_mark = UINT32_MAX;
    }
}

/* Asserts that 'got' is 'put' with the bits outside its mask zeroed. */
static void
assert_match_back(const struct match *put, const struct match *got)
{
    struct match want = *put;

    flow_zero_wildcards(&want.flow, &want.wc);
    assert_memory_equal(&want.flow, &got->flow, sizeof want.flow);
    assert_memory_equal(&want.wc, &got->wc, sizeof want.wc);
}

/* The reverse translation, offload_fp_match_from_rule(), gives back every
 * match that the translation takes whole, as it was under its mask, and
 * the translation says when it does not take a match whole. */
static void
test_match_from_rule(void **state OVS_UNUSED)
{
    int round, n_exact = 0, n_odd = 0;

    random_set_seed(11);
    for (round = 0; round < 5000; round++) {
        bool odd = round % 8 == 0;
        struct offload_fp_verdict v;
        struct match match, back;

        random_match(odd, &match);
        netdev_offload_fp_decide(p1, dev, 0, &match, NULL, 0, 1, &v);
        free(v.reason);
        if (v.state == OFFLOAD_FP_REFUSED) {
            continue;
        }
        /* 'words' has every word of the mask that is not zero. */
        {
            const uint32_t *mask = (const uint32_t *) &v.rule.mask;
            size_t i;

            for (i = 0; i < OFFLOAD_FP_KEY_WORDS; i++) {
                assert_true(!mask[i] || v.words & (UINT32_C(1) << i));
            }
        }
        if (odd) {
            /* The partial skb_priority mask went through, dropped. */
            assert_false(v.rest.exact);
            n_odd++;
            continue;
        }
        assert_true(v.rest.exact);
        offload_fp_match_from_rule(&v.rule, &v.rest, &back);
        assert_match_back(&match, &back);
        n_exact++;
    }
    /* Most random matches translate (some have VLAN mask bits that the
     * NIC's VLAN limit refuses). */
    assert_true(n_exact > 1000);
    assert_true(n_odd > 50);
}

/* Checks that the flow 'ufid' has the match 'put' (see
 * offload_fp_flow_match()), and keeps it as a minimatch if
 * 'minimatch'. */
static void
check_flow_match(const ovs_u128 *ufid, const struct match *put,
                 bool minimatch)
{
    struct offload_fp_flow *flow;
    struct match got;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    assert_non_null(flow);
    assert_int_equal(offload_fp_flow_get_side(flow)
                     && offload_fp_flow_get_side(flow)->match, minimatch);
    offload_fp_flow_match(flow, &got);
    assert_match_back(put, &got);
    assert_int_equal(offload_fp_flow_recirc_id(flow),
                     put->flow.recirc_id & put->wc.masks.recirc_id);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* A flow keeps the match of its first put, whatever happens to its NIC
 * rule: without a minimatch while its rule gives the match back, with one
 * once the rule goes or changes to that of another match (a refined
 * match, a ufid shared with another megaflow), and from the start if the
 * rule cannot give it back or it has none. */
static void
test_flow_match_kept(void **state OVS_UNUSED)
{
    struct offload_info info = { .flow_mark = 1 };
    int round;

    random_set_seed(13);
    for (round = 0; round < 300; round++) {
        ovs_u128 ufid = { .u32 = { round + 1, 3, 3, 3 } };
        struct match match, other;
        struct ofpbuf actions;
        bool exact, refused;

        random_match(round % 4 == 0, &match);
        ofpbuf_init(&actions, 64);
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
        assert_int_equal(netdev_offload_fp.flow_put(p1, &match, actions.data,
                                                    actions.size, &ufid,
                                                    &info, NULL), 0);
        ovs_mutex_lock(&offload_fp_mutex);
        refused = !offload_fp_flow_crule(offload_fp_flow_find(&ufid));
        ovs_mutex_unlock(&offload_fp_mutex);
        exact = !refused && round % 4;
        check_flow_match(&ufid, &match, !exact);

        /* The same match again, with more outputs: a modification. */
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
        assert_int_equal(netdev_offload_fp.flow_put(p1, &match, actions.data,
                                                    actions.size, &ufid,
                                                    &info, NULL), 0);
        check_flow_match(&ufid, &match, !exact);

        /* Another match: refined (nw_tos exact, if it was not) or another
         * megaflow under the ufid (a mask bit less, if it was). */
        other = match;
        if (other.wc.masks.nw_tos != 0xff) {
            other.wc.masks.nw_tos = 0xff;
        } else {
            other.wc.masks.nw_tos = 0x7f;
        }
        assert_int_equal(netdev_offload_fp.flow_put(p1, &other, actions.data,
                                                    actions.size, &ufid,
                                                    &info, NULL), 0);
        check_flow_match(&ufid, &match, true);

        ofpbuf_uninit(&actions);
        assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    }
    assert_int_equal(n_rules(), 0);
}

/* A record has one word for its compact rule or its side block (see
 * 'rule_or_side' in struct offload_fp_flow): a flow that gets a side block
 * keeps its compact rule, which gives its match back, a modification in
 * place then puts the new rule into the side block, and the side block
 * and the rule go with the flow (valgrind sees no leak). */
static void
test_flow_side_keeps_rule(void **state OVS_UNUSED)
{
    ovs_u128 ufid = { .u32 = { 77, 3, 3, 3 } };
    const struct offload_fp_rule *c;
    struct offload_fp_flow *flow;
    struct match match, got;
    bool missing_side, same_rule, has_side;
    size_t n_actions;

    make_match(true, &match);
    put(&ufid, true, 1);

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(&ufid);
    c = offload_fp_flow_crule(flow);
    missing_side = !offload_fp_flow_get_side(flow);
    has_side = (offload_fp_flow_side(flow)
                == offload_fp_flow_get_side(flow));
    same_rule = c && offload_fp_flow_crule(flow) == c;
    offload_fp_flow_match(flow, &got);
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_true(missing_side);
    assert_true(has_side);
    assert_true(same_rule);
    assert_match_back(&match, &got);

    put(&ufid, true, 2);
    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(&ufid);
    has_side = offload_fp_flow_get_side(flow) != NULL;
    c = offload_fp_flow_crule(flow);
    n_actions = c ? offload_fp_rule_n_actions(c) : 0;
    offload_fp_flow_match(flow, &got);
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_true(has_side);
    assert_int_equal(n_actions, 2);
    assert_match_back(&match, &got);

    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    assert_int_equal(n_rules(), 0);
}

/* Runs netdev_offload_fp_run() after its retry interval. */
static void
run_pass(void)
{
    xnanosleep(1100 * 1000 * 1000);
    netdev_offload_fp_run();
}

/* Stores in '*armed' whether flow 'ufid' is armed for misses, in
 * '*has_side' whether it has a side block, and in '*crule' its compact
 * rule. */
static void
armed_state(const ovs_u128 *ufid, bool *armed, bool *has_side,
            const struct offload_fp_rule **crule)
{
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    assert_non_null(flow);
    assert_int_equal(flow->state, OFFLOAD_FP_OFFLOADED);
    *armed = offload_fp_flow_watched(flow, false);
    *has_side = offload_fp_flow_get_side(flow) != NULL;
    *crule = offload_fp_flow_crule(flow);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* An offloaded flow armed for misses (netdev_offload_fp_run()'s second
 * pass) has a watch block and no side block: the record points to the
 * watch block, which holds the compact rule.  A side block made for it
 * takes the watch block and the rule over, and once it holds nothing else
 * goes again (offload_fp_flow_trim_side()).  Disarmed (fp/miss-watch's
 * limit lowered), the flow keeps its compact rule in the record again, and
 * no side block: flows armed in turn do not each keep one for good. */
static void
test_disarmed_side_freed(void **state OVS_UNUSED)
{
    ovs_u128 ufid = { .u32 = { 78, 4, 4, 4 } };
    size_t old_max = netdev_offload_fp_set_watch_max(1);
    const struct offload_fp_rule *c, *c2;
    const struct offload_fp_watch *w;
    struct offload_fp_flow *flow;
    bool armed, has_side, side_ok, trimmed_ok;

    put(&ufid, false, 1);
    run_pass();
    run_pass();
    armed_state(&ufid, &armed, &has_side, &c);
    assert_true(armed);
    assert_false(has_side);
    assert_non_null(c);

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(&ufid);
    w = offload_fp_flow_watch(flow);
    side_ok = (offload_fp_flow_side(flow) == offload_fp_flow_get_side(flow)
               && offload_fp_flow_watch(flow) == w
               && offload_fp_flow_crule(flow) == c
               && offload_fp_flow_watched(flow, false));
    offload_fp_flow_trim_side(flow);
    trimmed_ok = (!offload_fp_flow_get_side(flow)
                  && offload_fp_flow_watch(flow) == w
                  && offload_fp_flow_crule(flow) == c);
    ovs_mutex_unlock(&offload_fp_mutex);
    assert_non_null(w);
    assert_true(side_ok);
    assert_true(trimmed_ok);

    netdev_offload_fp_set_watch_max(0);
    run_pass();
    armed_state(&ufid, &armed, &has_side, &c2);
    assert_false(armed);
    assert_false(has_side);
    assert_ptr_equal(c2, c);

    netdev_offload_fp_set_watch_max(old_max);
    assert_int_equal(netdev_offload_fp.flow_del(p1, &ufid, NULL), 0);
    assert_int_equal(n_rules(), 0);
}

int
main(int argc OVS_UNUSED, char *argv[])
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_many_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush_shrinks, setup, teardown),
        cmocka_unit_test_teardown(test_rule_compact, release_mutex),
        cmocka_unit_test_teardown(test_rule_last_shape, release_mutex),
        cmocka_unit_test_teardown(test_rule_shapes, release_mutex),
        cmocka_unit_test_setup_teardown(test_match_from_rule, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_flow_match_kept, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_flow_side_keeps_rule, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_disarmed_side_freed, setup,
                                        teardown),
    };

    set_program_name(argv[0]);
    netdev_dummy_register(DUMMY_OVERRIDE_NONE);
    dpif_dummy_register(DUMMY_OVERRIDE_NONE);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);
    return cmocka_run_group_tests_name("netdev-offload-fp-record", tests,
                                       NULL, NULL);
}
