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

#include <string.h>

#include "flow.h"
#include "fp-slab.h"
#include "hash.h"
#include "id-pool.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "ovs-atomic.h"
#include "util.h"

/* The record of a flow (struct offload_fp_flow): its side block, its
 * counters and its compact NIC rule. */

BUILD_ASSERT_DECL(offsetof(struct offload_fp_flow, last_packets)
                  + sizeof(uint64_t) <= CACHE_LINE_SIZE);
BUILD_ASSERT_DECL(sizeof(struct offload_fp_flow) <= 88);
BUILD_ASSERT_DECL(OFFLOAD_FP_N_STATES <= 8); /* 'state' has 3 bits. */

/* The buckets of 'offload_fp_flows'.
 *
 * An hmap that grows one flow at a time doubles its buckets at every power
 * of 2, and each doubling walks every record it holds: records that are
 * not in the cache any more, a cache miss each.  At 200,000 flows that was
 * two cold records a flow_put(), a tenth of the OVS side's time (perf).
 * So when the first flow goes into the empty table, the table takes at
 * once the buckets for as many flows as the flow's NIC has rules
 * (hmap_reserve(), one to two flows a bucket as the table would have
 * grown to), up to OFFLOAD_FP_FLOWS_RESERVE_MAX flows (1 MB of buckets):
 * beyond, or with more NICs, it grows as before.  It keeps them while it
 * has flows, and gives them all back when its last flow goes (the buckets
 * of a table that once held many flows are not kept for good). */
#define OFFLOAD_FP_FLOWS_RESERVE_MAX (1u << 18)

/* The 'mask' that the reservation gave 'offload_fp_flows', 0 if none: the
 * table does not shrink below it while it has flows. */
static size_t offload_fp_flows_min_mask OVS_GUARDED_BY(offload_fp_mutex);

/* The buckets and mask of 'offload_fp_flows', for
 * offload_fp_flow_prefetch() without 'offload_fp_mutex': the writer stores
 * them whenever the table takes other buckets.  A reader may see one with
 * the other's old value, which only makes its prefetch miss. */
static ATOMIC(struct hmap_node **) offload_fp_flows_hint_buckets;
static ATOMIC(size_t) offload_fp_flows_hint_mask;

/* Stores the buckets of 'offload_fp_flows' for offload_fp_flow_prefetch(),
 * if they changed. */
static void
offload_fp_flows_set_hint(void)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct hmap_node **buckets;

    atomic_read_relaxed(&offload_fp_flows_hint_buckets, &buckets);
    if (buckets != offload_fp_flows.buckets) {
        atomic_store_relaxed(&offload_fp_flows_hint_buckets,
                             offload_fp_flows.buckets);
        atomic_store_relaxed(&offload_fp_flows_hint_mask,
                             offload_fp_flows.mask);
    }
}

/* Hints that offload_fp_flow_find() of 'ufid' is likely to come soon:
 * starts fetching the bucket of 'offload_fp_flows' for 'ufid', a cache
 * miss of its own at 200K flows (2 MB of buckets), so that it arrives while
 * the caller does other work (flow_put() translates the flow).  Only a
 * hint, which changes nothing: any thread may call it, without
 * 'offload_fp_mutex'; a prefetch of an address that is no longer the
 * bucket's, or of none, does not fault. */
void
offload_fp_flow_prefetch(const ovs_u128 *ufid)
{
    struct hmap_node **buckets;
    size_t mask;

    atomic_read_relaxed(&offload_fp_flows_hint_buckets, &buckets);
    atomic_read_relaxed(&offload_fp_flows_hint_mask, &mask);
    if (buckets) {
        OVS_PREFETCH((const void *) ((uintptr_t) buckets
                                     + (ufid->u32[0] & mask)
                                       * sizeof *buckets));
    }
}

/* Puts 'flow', which is in no table, into 'offload_fp_flows' under 'ufid':
 * the hash is the ufid's first word, which the record keeps only there
 * (see offload_fp_flow_ufid()).  'dev' is the NIC of the flow's in_port:
 * the first flow of an empty table reserves buckets for its rules (see
 * above). */
void
offload_fp_flow_insert(struct offload_fp_flow *flow, const ovs_u128 *ufid,
                       const struct fp_device *dev)
    OVS_REQUIRES(offload_fp_mutex)
{
    BUILD_ASSERT_DECL(sizeof flow->ufid_words == 3 * sizeof ufid->u32[0]);
    if (OVS_UNLIKELY(hmap_is_empty(&offload_fp_flows))) {
        struct fp_device_config cfg;

        fp_device_get_config(dev, &cfg);
        hmap_reserve(&offload_fp_flows,
                     MIN(cfg.n_rules, OFFLOAD_FP_FLOWS_RESERVE_MAX));
        offload_fp_flows_min_mask = offload_fp_flows.mask;
    }
    memcpy(flow->ufid_words, &ufid->u32[1], sizeof flow->ufid_words);
    hmap_insert(&offload_fp_flows, &flow->node, ufid->u32[0]);
    offload_fp_flows_set_hint();
}

/* Takes 'flow' out of 'offload_fp_flows'.  The table gives its buckets back
 * once it has 8 times as many as it needs (hmap_shrink() leaves 1 or 2
 * flows per bucket), but not below those it reserved while it has flows
 * (see above): shrinking only that late costs O(1) amortized per removal. */
void
offload_fp_flow_remove(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    size_t n;

    hmap_remove(&offload_fp_flows, &flow->node);
    n = hmap_count(&offload_fp_flows);
    if (!n) {
        offload_fp_flows_min_mask = 0;
        hmap_shrink(&offload_fp_flows);
    } else if (n < offload_fp_flows.mask / 8
               && offload_fp_flows.mask > offload_fp_flows_min_mask) {
        hmap_shrink(&offload_fp_flows);
    }
    offload_fp_flows_set_hint();
}

/* Returns the struct offload_fp_match_rest that 'flow' keeps. */
static struct offload_fp_match_rest
offload_fp_flow_rest(const struct offload_fp_flow *flow)
{
    struct offload_fp_match_rest rest = {
        .in_port = flow->rest_in_port,
        .skb_priority = flow->rest_skb_priority,
        .packet_type = flow->rest_packet_type,
        .exact = flow->rest_exact,
    };

    return rest;
}

/* The shapes of the compact rules (see struct offload_fp_rule), by
 * offload_fp_shape_hash(). */
static struct hmap offload_fp_shapes OVS_GUARDED_BY(offload_fp_mutex)
    = HMAP_INITIALIZER(&offload_fp_shapes);

/* The shapes by id (a compact rule names its shape by a 32-bit id, not a
 * pointer, which takes 4 bytes of each rule, not 8: see
 * offload_fp_rule_shape()), and the ids in use.  'offload_fp_shape_by_id'
 * has room for 'offload_fp_n_shape_ids'. */
struct offload_fp_shape **offload_fp_shape_by_id
    OVS_GUARDED_BY(offload_fp_mutex);
static size_t offload_fp_n_shape_ids OVS_GUARDED_BY(offload_fp_mutex);
static struct id_pool *offload_fp_shape_ids OVS_GUARDED_BY(offload_fp_mutex);

/* The shape of the last rule made compact, or NULL: the next rule likely
 * has it (flows come in runs of one mask and the same actions), which
 * costs a compare, not a hash and a lookup. */
static struct offload_fp_shape *offload_fp_last_shape
    OVS_GUARDED_BY(offload_fp_mutex);

/* Returns the bytes of the words (mask words, then actions) of a shape
 * with 'n_words' mask words and 'n_actions' actions. */
static size_t
offload_fp_shape_words_size(size_t n_words, size_t n_actions)
{
    return (n_words * sizeof(uint32_t)
            + n_actions * sizeof(struct fp_action));
}

/* Returns true if 'shape' is the shape of 'map', 'priority', 'n_words' and
 * 'n_actions', with 'words' as its words. */
static bool
offload_fp_shape_equals(const struct offload_fp_shape *shape, uint32_t map,
                        uint32_t priority, size_t n_words, size_t n_actions,
                        const uint32_t *words)
{
    return (shape->map == map && shape->priority == priority
            && shape->n_words == n_words && shape->n_actions == n_actions
            && !memcmp(shape->words, words,
                       offload_fp_shape_words_size(n_words, n_actions)));
}

/* Returns the shape of 'map', 'priority', 'n_words' and 'n_actions', with
 * 'words' as its words, with a new reference: the one that exists or a new
 * one. */
static struct offload_fp_shape *
offload_fp_shape_get(uint32_t map, uint32_t priority, size_t n_words,
                     size_t n_actions, bool has_mark, const uint32_t *words)
    OVS_REQUIRES(offload_fp_mutex)
{
    size_t size = offload_fp_shape_words_size(n_words, n_actions);
    struct offload_fp_shape *shape = offload_fp_last_shape;
    uint32_t hash;

    if (shape && offload_fp_shape_equals(shape, map, priority, n_words,
                                         n_actions, words)) {
        goto out;
    }
    hash = hash_bytes(words, size, hash_2words(map, priority));
    HMAP_FOR_EACH_WITH_HASH (shape, node, hash, &offload_fp_shapes) {
        if (offload_fp_shape_equals(shape, map, priority, n_words,
                                    n_actions, words)) {
            goto out;
        }
    }
    shape = xmalloc(sizeof *shape + size);
    if (!offload_fp_shape_ids) {
        offload_fp_shape_ids = id_pool_create(0, UINT32_MAX);
    }
    ovs_assert(id_pool_alloc_id(offload_fp_shape_ids, &shape->id));
    if (shape->id >= offload_fp_n_shape_ids) {
        offload_fp_shape_by_id = x2nrealloc(offload_fp_shape_by_id,
                                            &offload_fp_n_shape_ids,
                                            sizeof *offload_fp_shape_by_id);
    }
    offload_fp_shape_by_id[shape->id] = shape;
    shape->refcnt = 0;
    shape->map = map;
    shape->priority = priority;
    shape->n_words = n_words;
    shape->n_actions = n_actions;
    shape->has_mark = has_mark;
    memcpy(shape->words, words, size);
    hmap_insert(&offload_fp_shapes, &shape->node, hash);

out:
    shape->refcnt++;
    offload_fp_last_shape = shape;
    return shape;
}

/* Drops a reference to 'shape', which the last one frees. */
static void
offload_fp_shape_put(struct offload_fp_shape *shape)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (--shape->refcnt) {
        return;
    }
    if (offload_fp_last_shape == shape) {
        offload_fp_last_shape = NULL;
    }
    hmap_remove(&offload_fp_shapes, &shape->node);
    offload_fp_shape_by_id[shape->id] = NULL;
    id_pool_free_id(offload_fp_shape_ids, shape->id);
    free(shape);
}

/* Returns how many distinct shapes the compact rules have. */
size_t
offload_fp_n_shapes(void)
    OVS_REQUIRES(offload_fp_mutex)
{
    return hmap_count(&offload_fp_shapes);
}

/* The compact rules' memory, by their number of words (key words and the
 * mark): a compact rule of n words is an object of 'offload_fp_rule_slabs[n]'
 * (see lib/fp-slab.h), created the first time, aligned on 4 bytes (a
 * compact rule is 32-bit words).  A compact rule of 3 key words and a mark
 * asks for 20 bytes: malloc() took 32 for it, a slab 20 and a share of its
 * block's header. */
static struct fp_slab *offload_fp_rule_slabs[OFFLOAD_FP_KEY_WORDS + 2]
    OVS_GUARDED_BY(offload_fp_mutex);

/* If mask word 'i' of 'mask' is not zero, appends it to 'words' and key
 * word 'i' of 'key' to 'keys', at index '*n', counts it in '*n' and sets
 * its bit in '*map'. */
static inline void
offload_fp_rule_take_word(const uint32_t *key, const uint32_t *mask,
                          size_t i, uint32_t *keys, uint32_t *words,
                          uint32_t *map, size_t *n)
{
    if (mask[i]) {
        *map |= UINT32_C(1) << i;
        keys[*n] = key[i];
        words[*n] = mask[i];
        (*n)++;
    }
}

/* Returns a compact copy of 'rule' (see struct offload_fp_rule), which
 * the caller frees with offload_fp_rule_free(). */
struct offload_fp_rule *
offload_fp_rule_dup(const struct fp_rule *rule)
    OVS_REQUIRES(offload_fp_mutex)
{
    return offload_fp_rule_dup_words(rule, OFFLOAD_FP_ALL_WORDS);
}

/* Returns the slab of the compact rules of 'n' words, created the first
 * time. */
static struct fp_slab *
offload_fp_rule_slab(size_t n)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct fp_slab **slabp = &offload_fp_rule_slabs[n];

    if (!*slabp) {
        *slabp = fp_slab_create_aligned(sizeof(struct offload_fp_rule)
                                        + n * sizeof(uint32_t),
                                        sizeof(uint32_t));
    }
    return *slabp;
}

/* offload_fp_rule_dup_words() for a rule of the last shape, the common
 * case (flows come in runs of one mask and the same actions): compares
 * the rule's mask words and actions with the shape's where they are,
 * without first gathering them as offload_fp_shape_get() takes them, and
 * writes the key words into the new compact rule as it goes (a rule that
 * turns out to have another shape gives it back).  Returns NULL if 'rule'
 * does not have the last shape. */
static struct offload_fp_rule *
offload_fp_rule_dup_last(const struct fp_rule *rule, uint32_t words_map)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_shape *shape = offload_fp_last_shape;
    const uint32_t *key = (const uint32_t *) &rule->key;
    const uint32_t *mask = (const uint32_t *) &rule->mask;
    const struct fp_action *actions;
    struct offload_fp_rule *c;
    uint32_t map;
    size_t n = 0;

    if (!shape || shape->priority != rule->priority
        || shape->n_actions != rule->n_actions
        || shape->map & ~words_map) {
        return NULL;
    }
    c = fp_slab_alloc(offload_fp_rule_slab(shape->n_words + shape->has_mark));

    /* The shape's mask words are not zero: the same value says that the
     * rule has a mask word where the shape has one... */
    for (map = shape->map; map; map = zero_rightmost_1bit(map)) {
        int i = raw_ctz(map);

        if (mask[i] != shape->words[n]) {
            goto other;
        }
        c->words[n++] = key[i];
    }
    /* ...and none elsewhere. */
    for (map = words_map & ~shape->map; map; map = zero_rightmost_1bit(map)) {
        if (mask[raw_ctz(map)]) {
            goto other;
        }
    }

    /* The actions, but for the shape's zero in place of the mark. */
    actions = (const struct fp_action *) &shape->words[n];
    if (shape->has_mark) {
        struct fp_action first = rule->actions[0];

        first.mark = 0;
        if (memcmp(&first, &actions[0], sizeof first)
            || memcmp(&actions[1], &rule->actions[1],
                      (rule->n_actions - 1) * sizeof *actions)) {
            goto other;
        }
        c->words[n] = rule->actions[0].mark;
    } else if (memcmp(actions, rule->actions,
                      rule->n_actions * sizeof *actions)) {
        goto other;
    }
    c->shape_id = shape->id;
    shape->refcnt++;
    return c;

other:
    fp_slab_free(c);
    return NULL;
}

/* Returns a compact copy of 'rule' (see struct offload_fp_rule), which
 * the caller frees with offload_fp_rule_free().  'words' has the words of
 * the mask of 'rule' that may be nonzero (bit i: word i): every word that
 * is nonzero, and maybe others (OFFLOAD_FP_ALL_WORDS if the caller does
 * not know).  The translation knows them: a put's mask has a few words of
 * 31, and looking at those only saves about 50 instructions. */
struct offload_fp_rule *
offload_fp_rule_dup_words(const struct fp_rule *rule, uint32_t words_map)
    OVS_REQUIRES(offload_fp_mutex)
{
    const uint32_t *key = (const uint32_t *) &rule->key;
    const uint32_t *mask = (const uint32_t *) &rule->mask;
    uint32_t keys[OFFLOAD_FP_KEY_WORDS + 1];
    /* Mask words, then actions, as in struct offload_fp_shape. */
    uint32_t words[OFFLOAD_FP_KEY_WORDS
                   + FP_MAX_ACTIONS * sizeof(struct fp_action)
                     / sizeof(uint32_t)];
    struct fp_action *actions;
    struct offload_fp_rule *c;
    bool has_mark;
    uint32_t map = 0;
    size_t i, n = 0;

    BUILD_ASSERT_DECL(sizeof(struct fp_key) % sizeof(uint32_t) == 0);
    BUILD_ASSERT_DECL(sizeof(struct fp_action) % sizeof(uint32_t) == 0);
    BUILD_ASSERT_DECL(FP_MAX_ACTIONS <= UINT8_MAX);
    BUILD_ASSERT_DECL(_Alignof(struct fp_action) <= sizeof(uint32_t));
    BUILD_ASSERT_DECL(_Alignof(struct offload_fp_rule) == sizeof(uint32_t));

    words_map &= OFFLOAD_FP_ALL_WORDS;
    c = offload_fp_rule_dup_last(rule, words_map);
    if (c) {
        return c;
    }
    if (words_map != OFFLOAD_FP_ALL_WORDS) {
        /* The words that may be nonzero only, in order. */
        for (; words_map; words_map = zero_rightmost_1bit(words_map)) {
            offload_fp_rule_take_word(key, mask, raw_ctz(words_map), keys,
                                      words, &map, &n);
        }
    } else {
        /* One pass, two mask words at a time (most of a mask is zeros),
         * then the last word if their count is odd (31 words today).  With
         * the check for a last single word inside the pairs' loop,
         * flow_put() ran about 107 instructions more (callgrind). */
        for (i = 0; i + 2 <= OFFLOAD_FP_KEY_WORDS; i += 2) {
            uint64_t pair;

            memcpy(&pair, &mask[i], sizeof pair);
            if (pair) {
                offload_fp_rule_take_word(key, mask, i, keys, words, &map,
                                          &n);
                offload_fp_rule_take_word(key, mask, i + 1, keys, words,
                                          &map, &n);
            }
        }
        if (i < OFFLOAD_FP_KEY_WORDS) {
            offload_fp_rule_take_word(key, mask, i, keys, words, &map, &n);
        }
    }
    actions = (struct fp_action *) &words[n];
    memcpy(actions, rule->actions, rule->n_actions * sizeof *actions);
    has_mark = rule->n_actions && actions[0].type == FP_ACTION_MARK;
    if (has_mark) {
        keys[n] = actions[0].mark;
        actions[0].mark = 0;
    }

    c = fp_slab_alloc(offload_fp_rule_slab(n + has_mark));
    c->shape_id = offload_fp_shape_get(map, rule->priority, n,
                                       rule->n_actions, has_mark, words)->id;
    memcpy(c->words, keys, (n + has_mark) * sizeof c->words[0]);
    return c;
}

/* Frees 'c', a compact rule from offload_fp_rule_dup(), or does nothing if
 * 'c' is NULL. */
void
offload_fp_rule_free(struct offload_fp_rule *c)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (c) {
        offload_fp_shape_put(offload_fp_shape_by_id[c->shape_id]);
        fp_slab_free(c);
    }
}

/* Writes into 'rule' the whole struct fp_rule that 'c' keeps, the words of
 * the key and mask that 'c' does not have and the unused actions zeroed, as
 * the drivers get it. */
void
offload_fp_rule_expand(const struct offload_fp_rule *c, struct fp_rule *rule)
{
    const struct offload_fp_shape *shape = offload_fp_rule_shape(c);
    uint32_t *key = (uint32_t *) &rule->key;
    uint32_t *mask = (uint32_t *) &rule->mask;
    uint32_t map;
    size_t n = 0;

    memset(rule, 0, sizeof *rule);
    for (map = shape->map; map; map = zero_rightmost_1bit(map)) {
        int i = raw_ctz(map);

        key[i] = c->words[n];
        mask[i] = shape->words[n];
        n++;
    }
    rule->priority = shape->priority;
    rule->n_actions = shape->n_actions;
    memcpy(rule->actions, &shape->words[n],
           shape->n_actions * sizeof rule->actions[0]);
    if (shape->has_mark) {
        rule->actions[0].mark = c->words[n];
    }
}

/* Returns the match that 'flow' keeps as a minimatch, or NULL if its rule
 * gives it (see struct offload_fp_flow). */
static struct minimatch *
offload_fp_flow_kept_match(const struct offload_fp_flow *flow)
{
    const struct offload_fp_flow_side *side = offload_fp_flow_get_side(flow);

    return side ? side->match : NULL;
}

/* Returns the NIC rule of 'flow', written into 'buf', or NULL if 'flow' has
 * none (REFUSED). */
const struct fp_rule *
offload_fp_flow_rule(const struct offload_fp_flow *flow, struct fp_rule *buf)
{
    if (!offload_fp_flow_crule(flow)) {
        return NULL;
    }
    offload_fp_rule_expand(offload_fp_flow_crule(flow), buf);
    return buf;
}

/* Stores in 'match' the megaflow's match of 'flow', as the first
 * flow_put() of it got it, with the bits that its mask does not cover
 * zeroed. */
void
offload_fp_flow_match(const struct offload_fp_flow *flow, struct match *match)
{
    const struct minimatch *kept = offload_fp_flow_kept_match(flow);

    if (kept) {
        minimatch_expand(kept, match);
        flow_zero_wildcards(&match->flow, &match->wc);
    } else {
        struct offload_fp_match_rest rest = offload_fp_flow_rest(flow);
        struct fp_rule rule;

        ovs_assert(offload_fp_flow_crule(flow));
        offload_fp_rule_expand(offload_fp_flow_crule(flow), &rule);
        offload_fp_match_from_rule(&rule, &rest, match);
    }
}

/* Returns the recirc_id that the match of 'flow' has, under its mask. */
uint32_t
offload_fp_flow_recirc_id(const struct offload_fp_flow *flow)
{
    const struct minimatch *kept = offload_fp_flow_kept_match(flow);
    const struct offload_fp_rule *c = offload_fp_flow_crule(flow);
    size_t i = offsetof(struct fp_key, recirc_id) / sizeof(uint32_t);
    uint32_t map;
    uint32_t below;

    if (kept) {
        return (MINIFLOW_GET_U32(kept->flow, recirc_id)
                & MINIFLOW_GET_U32(&kept->mask->masks, recirc_id));
    }
    BUILD_ASSERT_DECL(offsetof(struct fp_key, recirc_id) % sizeof(uint32_t)
                      == 0);
    map = offload_fp_rule_shape(c)->map;
    if (!(map & (UINT32_C(1) << i))) {
        return 0;
    }
    below = map & ((UINT32_C(1) << i) - 1);
    return c->words[count_1bits(below)];
}

/* Keeps in 'flow', which has no match yet, the match 'match' of its first
 * flow_put(), whose verdict is 'v': as a minimatch only if the NIC rule of
 * 'v', which the caller then gives 'flow' with offload_fp_flow_set_rule(),
 * cannot give it back (see struct offload_fp_flow). */
void
offload_fp_flow_init_match(struct offload_fp_flow *flow,
                           const struct match *match,
                           const struct offload_fp_verdict *v)
    OVS_REQUIRES(offload_fp_mutex)
{
    ovs_assert(!offload_fp_flow_kept_match(flow)
               && !offload_fp_flow_crule(flow));
    if (v->state != OFFLOAD_FP_REFUSED && v->rest.exact) {
        flow->rest_in_port = v->rest.in_port;
        flow->rest_skb_priority = v->rest.skb_priority;
        flow->rest_packet_type = v->rest.packet_type;
        flow->rest_exact = true;
    } else {
        struct offload_fp_flow_side *side = offload_fp_flow_side(flow);

        side->match = xmalloc(sizeof *side->match);
        minimatch_init(side->match, match);
    }
}

/* Returns true if 'a' and 'b' keep the same match (the same rest, key and
 * mask). */
static bool
offload_fp_same_match(const struct offload_fp_rule *a,
                      const struct offload_fp_match_rest *a_rest,
                      const struct fp_rule *b,
                      const struct offload_fp_match_rest *b_rest)
{
    struct fp_rule rule;

    if (a_rest->in_port != b_rest->in_port
        || a_rest->skb_priority != b_rest->skb_priority
        || a_rest->packet_type != b_rest->packet_type
        || a_rest->exact != b_rest->exact) {
        return false;
    }
    offload_fp_rule_expand(a, &rule);
    return (!memcmp(&rule.key, &b->key, sizeof rule.key)
            && !memcmp(&rule.mask, &b->mask, sizeof rule.mask));
}

/* Gives 'flow' a compact copy of NIC rule 'rule' (translated with 'rest'),
 * or none if 'rule' is NULL, in place of the one it has.  'words' has the
 * words of the mask of 'rule' that may be nonzero (see
 * offload_fp_rule_dup_words()).  A flow whose
 * match its old rule gives keeps that match as a minimatch first, unless
 * the new rule gives the same. */
void
offload_fp_flow_set_rule(struct offload_fp_flow *flow,
                         const struct fp_rule *rule,
                         const struct offload_fp_match_rest *rest,
                         uint32_t words)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_match_rest old_rest;
    struct offload_fp_flow_side *side;
    struct offload_fp_rule *c;

    if (!flow->rule_or_side) {
        /* No rule, side block or watch block yet, as in a new flow's
         * flow_put(): nothing to keep or free. */
        flow->rule_or_side = (uintptr_t) (rule
                                          ? offload_fp_rule_dup_words(rule,
                                                                      words)
                                          : NULL);
        return;
    }
    old_rest = offload_fp_flow_rest(flow);
    if (!offload_fp_flow_kept_match(flow) && offload_fp_flow_crule(flow)
        && (!rule || !offload_fp_same_match(offload_fp_flow_crule(flow),
                                            &old_rest, rule, rest))) {
        struct match match;

        offload_fp_flow_match(flow, &match);
        side = offload_fp_flow_side(flow);
        side->match = xmalloc(sizeof *side->match);
        minimatch_init(side->match, &match);
    }
    side = offload_fp_flow_get_side(flow);
    c = rule ? offload_fp_rule_dup_words(rule, words) : NULL;
    offload_fp_rule_free(offload_fp_flow_crule(flow));
    if (side) {
        side->rule = c;
    } else if (offload_fp_flow_own_watch(flow)) {
        offload_fp_flow_own_watch(flow)->rule = c;
    } else {
        flow->rule_or_side = (uintptr_t) c;
    }
}

/* Returns the side block of 'flow' (see struct offload_fp_flow),
 * allocating it if 'flow' has none yet. */
struct offload_fp_flow_side *
offload_fp_flow_side(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_flow_side *side = offload_fp_flow_get_side(flow);

    if (!side) {
        struct offload_fp_watch *watch = offload_fp_flow_own_watch(flow);

        side = xzalloc(sizeof *side);
        side->rule = offload_fp_flow_crule(flow);
        if (watch) {
            side->watch = watch;
            watch->rule = NULL;
        }
        flow->rule_or_side = (uintptr_t) side | OFFLOAD_FP_TAG_SIDE;
    }
    return side;
}

/* Frees the side block of 'flow', if it has one that holds nothing but the
 * compact rule and the watch block, which the record (or the watch block)
 * then holds again.  A flow that waited or was evicted, back in the NIC,
 * may have nothing else in it; while more flows are offloaded than
 * fp/miss-watch arms at once, they are armed in turn, and a flow that the
 * NIC missed packets of has a side block, so that without this every one
 * of them would keep one for good. */
void
offload_fp_flow_trim_side(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_flow_side *side = offload_fp_flow_get_side(flow);

    if (side && !flow->has_base && !side->reason && !side->partial_reason
        && !side->n_missed && !side->vf_unplugged && !side->match) {
        if (side->watch) {
            side->watch->rule = side->rule;
            flow->rule_or_side = ((uintptr_t) side->watch
                                  | OFFLOAD_FP_TAG_WATCH);
        } else {
            flow->rule_or_side = (uintptr_t) side->rule;
        }
        free(side);
    }
}

/* Gives 'flow' the watch block 'watch', or takes its watch block away if
 * 'watch' is NULL (the caller frees it).  A flow without a side block
 * points to its watch block instead (see 'rule_or_side' in struct
 * offload_fp_flow). */
void
offload_fp_flow_set_watch(struct offload_fp_flow *flow,
                          struct offload_fp_watch *watch)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_flow_side *side = offload_fp_flow_get_side(flow);
    struct offload_fp_watch *old = offload_fp_flow_own_watch(flow);

    BUILD_ASSERT_DECL(_Alignof(struct offload_fp_rule) > OFFLOAD_FP_TAGS);
    if (side) {
        side->watch = watch;
    } else if (watch) {
        ovs_assert(!old);
        watch->rule = offload_fp_flow_crule(flow);
        flow->rule_or_side = (uintptr_t) watch | OFFLOAD_FP_TAG_WATCH;
    } else if (old) {
        flow->rule_or_side = (uintptr_t) old->rule;
    }
}

/* Returns how many packets of 'flow' its NIC missed since its rule last
 * went in, as far as they were watched (see struct offload_fp_watch). */
uint64_t
offload_fp_flow_n_missed(const struct offload_fp_flow *flow)
{
    const struct offload_fp_flow_side *side = offload_fp_flow_get_side(flow);

    return side ? side->n_missed : 0;
}

/* Returns true if 'flow' waits because its rule uses an unplugged VF. */
bool
offload_fp_flow_vf_unplugged(const struct offload_fp_flow *flow)
{
    const struct offload_fp_flow_side *side = offload_fp_flow_get_side(flow);

    return side && side->vf_unplugged;
}

/* The records' memory.
 *
 * Records come from a slab (lib/fp-slab.h), side by side in blocks of
 * FP_SLAB_BLOCK bytes, rather than one malloc() block each.  A statistics
 * pass reads a record and the NIC's entry for its rule, flow after flow:
 * with records from malloc(), interleaved in the heap with the flow's
 * other blocks and with the NIC's blocks for its rule, a 120-byte record
 * made the benchmark's pass twice as slow as a 280-byte one (24 ms against
 * 12 ms at 200K flows; the records were in address order either way),
 * while records side by side make it faster (10 ms).  (That is likely
 * what made the one-block record of an earlier attempt slower too.)  It
 * also saves malloc()'s 8 bytes per block.  Records are allocated and
 * freed under 'offload_fp_mutex', the slab's owner; nothing reads one
 * without it, so a record is freed at once, not after an RCU grace
 * period. */
static struct fp_slab *offload_fp_records OVS_GUARDED_BY(offload_fp_mutex);

/* Returns a new record, zeroed, which the caller frees with
 * offload_fp_flow_free(). */
struct offload_fp_flow *
offload_fp_flow_alloc(void)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_flow *flow;

    if (!offload_fp_records) {
        offload_fp_records = fp_slab_create(sizeof *flow);
    }
    flow = fp_slab_alloc(offload_fp_records);
    memset(flow, 0, sizeof *flow);
    return flow;
}

/* Frees 'flow', which is in no table any more, and what it owns. */
void
offload_fp_flow_free(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_flow_side *side = offload_fp_flow_get_side(flow);

    offload_fp_rule_free(offload_fp_flow_crule(flow));
    if (side) {
        if (side->match) {
            minimatch_destroy(side->match);
            free(side->match);
        }
        free(side->reason);
        free(side->partial_reason);
        free(side);
    }
    fp_slab_free(flow);
}

/* Adds the counters 'b' to 'sum'. */
void
offload_fp_stats_add(struct fp_rule_stats *sum, const struct fp_rule_stats *b)
{
    sum->n_packets += b->n_packets;
    sum->n_bytes += b->n_bytes;
    sum->used = MAX(sum->used, b->used);
    sum->tcp_flags |= b->tcp_flags;
}

/* Returns the last read of the counters of the current NIC rule of
 * 'flow'. */
struct fp_rule_stats
offload_fp_flow_last(const struct offload_fp_flow *flow)
{
    struct fp_rule_stats last = {
        .n_packets = flow->last_packets,
        .n_bytes = flow->last_bytes,
        .used = flow->last_used,
        .tcp_flags = flow->last_tcp_flags,
    };

    return last;
}

/* Adds 'stats' to the counters of the old NIC rules of 'flow'. */
void
offload_fp_flow_add_base(struct offload_fp_flow *flow,
                         const struct fp_rule_stats *stats)
    OVS_REQUIRES(offload_fp_mutex)
{
    offload_fp_stats_add(&offload_fp_flow_side(flow)->base, stats);
    flow->has_base = true;
}

/* Returns the counters of the old NIC rules of 'flow'. */
struct fp_rule_stats
offload_fp_flow_base(const struct offload_fp_flow *flow)
{
    return (flow->has_base ? offload_fp_flow_get_side(flow)->base
            : (struct fp_rule_stats) { .n_packets = 0 });
}
