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

#include "fp-table.h"

#include <errno.h>
#include <string.h>

#include "bitmap.h"
#include "fp/fp.h"
#include "fp-slab.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "util.h"

/* The key as 32-bit words, for masking and hashing. */
#define FP_TABLE_KEY_WORDS (sizeof(struct fp_key) / sizeof(uint32_t))
BUILD_ASSERT_DECL(sizeof(struct fp_key) % sizeof(uint32_t) == 0);
BUILD_ASSERT_DECL(FP_TABLE_KEY_WORDS <= UINT8_MAX);
BUILD_ASSERT_DECL(offsetof(struct fp_table_rule, key) == 52);

/* A rule's 'add' member holds its add version in the low
 * FP_TABLE_VERSION_BITS bits and the slot of its mask (see 'slots' in
 * struct fp_table) in the bits above, so that a rule takes 52 bytes plus its
 * key words.  fp_table_commit() asserts that versions stay in range: at a
 * million commits per second, that is more than a century. */
#define FP_TABLE_VERSION_BITS 52
#define FP_TABLE_VERSION_MASK ((UINT64_C(1) << FP_TABLE_VERSION_BITS) - 1)
#define FP_TABLE_MAX_MASKS (1u << (64 - FP_TABLE_VERSION_BITS))

/* The hash table.
 *
 * One hash table holds the rules of every mask, by fp_table_hash(), which
 * hashes the mask's slot (see 'slots' in struct fp_table) with the words of
 * the masked key that the mask selects; an entry tells its mask by the slot
 * in its 'add'.  Its buckets are allocated once, for the rule capacity
 * (see 'buckets' in struct fp_table), so that an insertion never moves the
 * entries already in, as the growth of a cmap per mask did (a rehash of
 * every rule of the mask, again at each doubling: at 200K rules, more than
 * half of the instructions of an insertion into the table).  A bucket is
 * the head of a singly linked list of entries through their 'next',
 * RCU-style: an insertion pushes an entry at the head, a removal unlinks
 * it, and a reader that is on an entry that goes still finds the rest of
 * the list after it, until the entry is freed after an RCU grace period.
 * A lookup walks the bucket's list and skips the entries of other masks:
 * with fewer than one entry a bucket on average, it reads about as many
 * cache lines as a cmap's, whose probe reads a second bucket on a miss.
 *
 * Rules that share a masked key.
 *
 * The hash table holds one entry per mask and distinct masked key: the rule
 * itself if it is the only one with that key, which is the case of every
 * megaflow, else a chain entry, which holds the list of the rules with that
 * key in the order in which they win (by decreasing priority, then
 * increasing 'seq'), so that a rule need not spend a pointer on a list that
 * it almost never is in.  A chain entry is a struct fp_table_rule that is
 * never visible: its 'remove_version' is 0, which no rule has (a removal
 * sets it to a version after the current one, at least 1), its key is
 * the rules' masked key, its priority and 'seq' (UINT32_MAX and 0) are such
 * that a lookup never skips it, and its 'data' points to the first link of
 * the list.  A lookup that meets a visible entry is done with that key (the
 * common case, which costs what it did when rules held the list); it looks
 * whether the entry is a chain only if it is not visible.  A chain entry
 * stays in the hash table until its last rule goes, even with one rule
 * left, so that a rule that was in a chain's list is never put back into
 * the hash table while a reader might still walk the list. */
struct fp_table_link {
    OVSRCU_TYPE(struct fp_table_link *) next;   /* Next in the list. */
    struct fp_table_rule *rule;
};

/* An entry of the mask table: a distinct mask and the rules that use it.
 * Only the words that the mask selects are hashed and compared. */
struct fp_table_mask {
    uint32_t n_rules;           /* Rules of this mask in the hash table,
                                 * visible or not. */
    uint8_t n_words;            /* Nonzero words of the mask. */
    uint8_t words[FP_TABLE_KEY_WORDS];      /* Their indexes. */
    uint32_t mwords[FP_TABLE_KEY_WORDS];    /* Their values. */
    uint32_t slot;              /* Index in 'slots' of struct fp_table. */
    struct hmap_node index_node;    /* In 'mask_index' of struct fp_table. */
    struct fp_key mask;

    /* Bounds of the rules in 'rules', for the writer: no rule has a higher
     * priority than 'max_priority', and none of that priority has a lower
     * 'seq' than 'min_seq'.  When the rule that set them goes, they may be
     * loose ('stale'); fp_table_purge() recomputes them once 'n_stale'
     * rules have gone since then, as many as are left, and the table's
     * walk is due (see fp_table_tighten()), so that a removal costs O(1)
     * amortized.  Readers see them in the mask table. */
    uint32_t max_priority;
    uint64_t min_seq;
    bool stale;
    uint32_t n_stale;

    /* The bounds that fp_table_tighten() finds, while it walks. */
    bool tightening;
    uint32_t walk_priority;
    uint64_t walk_seq;
};

/* A bucket of the hash table: the head of its list of entries. */
struct fp_table_bucket {
    OVSRCU_TYPE(struct fp_table_rule *) head;
};

/* An entry of the mask table: a mask and its bounds as of publication. */
struct fp_table_mask_ref {
    struct fp_table_mask *mask;
    uint32_t max_priority;
    uint64_t min_seq;
};

/* The mask table as readers see it: replaced as a whole, RCU-style, when a
 * mask comes or goes or the bounds of a mask change, sorted by decreasing
 * 'max_priority' (then increasing 'min_seq') so that a lookup can skip a
 * mask, or stop, as soon as no rule of a mask can beat what it found. */
struct fp_table_masks {
    size_t n;
    struct fp_table_mask_ref refs[];
};

struct fp_table {
    OVSRCU_TYPE(struct fp_table_masks *) masks;
    ATOMIC(uint64_t) version;   /* The version that readers use. */

    /* The hash table (see "The hash table" above): 'bucket_mask' + 1
     * buckets, the power of 2 at least twice 'max_rules', so that a bucket
     * holds fewer than one entry on average (0.38 at 200K rules of a
     * capacity of 200K), however full the table is.  They take what the
     * buckets of the cmaps took at 200K rules, 64 bytes per 5 entries at up
     * to 85%, but from the start. */
    struct fp_table_bucket *buckets;
    size_t bucket_mask;

    /* What readers need to tell whether a rule that a lookup found in an
     * older version is still what a lookup finds, as a summary of the rules
     * added since, next to 'version' that readers read with them: the
     * last version in which a rule became visible ('add_version'), and
     * the last in which a rule became visible that might beat, for some
     * key, a rule visible in the version before ('beat_version').  Such a
     * rule has a higher priority than the lowest of every rule ever
     * inserted ('min_priority'), or a 'seq' not higher than every one
     * before it ('max_seq'): a rule of the lowest priority with a higher
     * 'seq' than any other beats none.  Megaflows all have priority 0 and
     * increasing 'seq', so that only a modification that changes a rule's
     * match moves 'beat_version'. */
    ATOMIC(uint64_t) add_version;
    ATOMIC(uint64_t) beat_version;
    uint32_t min_priority;
    uint64_t max_seq;

    uint32_t max_rules;
    uint32_t max_masks;
    uint32_t n_rules;           /* Rules not removed. */

    /* The masks in use, including those of removed rules not purged yet,
     * by slot: a rule names its mask by slot.  'max_masks' slots. */
    struct fp_table_mask **slots;
    struct hmap mask_index;     /* The same masks, by fp_table_mask_hash(). */
    /* The mask of the last insertion, or NULL: the next one likely has
     * it.  RCU: fp_table_prefetch_insert() reads it without the writer's
     * serialization, and the mask is freed after a grace period. */
    OVSRCU_TYPE(struct fp_table_mask *) last_mask;
    bool bounds_changed;        /* The mask table needs to be published. */

    /* Chain entries and links (see struct fp_table_link), for
     * fp_table_memory(). */
    size_t chain_bytes;
    size_t n_links;

    /* Removals that left their mask's bounds stale since the last walk of
     * fp_table_tighten(). */
    size_t n_stale_removed;

    /* The rules' memory, by the number of words of their key: a rule of a
     * mask of n words is an object of 'rule_slabs[n]', created with the
     * first such mask; the writer owns the slabs.  A rule is freed after
     * an RCU grace period, by the RCU thread (fp_slab_free_remote()), when
     * the table may be gone: a slab stays until its last rule is freed
     * (see lib/fp-slab.h); fp_table_purge() takes the freed rules back.
     * One malloc() block per rule cost more: 80 bytes of heap for a rule
     * of 68 bytes, against 72 and a share of its block's header, 73 in
     * all. */
    struct fp_slab *rule_slabs[FP_TABLE_KEY_WORDS + 1];

    /* Rules removed but still in the hash tables, for fp_table_purge(). */
    struct fp_table_rule **removed;
    size_t n_removed;
    size_t allocated_removed;
};

/* Returns the hash of the words of 'key' that 'm' selects, masked, with the
 * slot of 'm' (see "The hash table"). */
static inline uint32_t
fp_table_hash(const struct fp_table_mask *m, const uint32_t *k)
{
    uint32_t hash = m->slot;
    size_t i;

    for (i = 0; i < m->n_words; i++) {
        hash = hash_add(hash, k[m->words[i]] & m->mwords[i]);
    }
    return hash_finish(hash, m->n_words);
}

/* Returns the slab of rules whose key has 'n_words' words, created the
 * first time.  Writer only. */
static struct fp_slab *
fp_table_rule_slab(struct fp_table *table, size_t n_words)
{
    struct fp_slab **slabp = &table->rule_slabs[n_words];

    if (!*slabp) {
        *slabp = fp_slab_create(offsetof(struct fp_table_rule, key)
                                + n_words * sizeof(uint32_t));
    }
    return *slabp;
}

/* Returns the mask of 'rule'.  Writer only. */
static inline struct fp_table_mask *
fp_table_rule_mask(const struct fp_table *table,
                   const struct fp_table_rule *rule)
{
    return table->slots[rule->add >> FP_TABLE_VERSION_BITS];
}

/* Returns the hash of 'rule', as fp_table_hash() computes it for the keys
 * that 'rule' matches. */
static uint32_t
fp_table_rule_hash(const struct fp_table_mask *m,
                   const struct fp_table_rule *rule)
{
    uint32_t hash = m->slot;
    size_t i;

    for (i = 0; i < m->n_words; i++) {
        hash = hash_add(hash, rule->key[i]);
    }
    return hash_finish(hash, m->n_words);
}

static struct fp_table_masks *
fp_table_get_masks(const struct fp_table *table)
{
    return ovsrcu_get(struct fp_table_masks *, &table->masks);
}

/* Returns true if 'entry', an entry of a mask's hash table, is a chain entry
 * (see struct fp_table_link), false if it is a rule. */
static inline bool
fp_table_entry_is_chain(const struct fp_table_rule *entry)
{
    uint64_t remove_version;

    atomic_read_relaxed(
        &CONST_CAST(struct fp_table_rule *, entry)->remove_version,
        &remove_version);
    return !remove_version;
}

/* Returns the bucket of the hash table for 'hash'. */
static inline struct fp_table_bucket *
fp_table_bucket(const struct fp_table *table, uint32_t hash)
{
    return &table->buckets[hash & table->bucket_mask];
}

/* Returns the first entry of the bucket for 'hash', or NULL. */
static inline struct fp_table_rule *
fp_table_bucket_first(const struct fp_table *table, uint32_t hash)
{
    return ovsrcu_get(struct fp_table_rule *,
                      &fp_table_bucket(table, hash)->head);
}

/* Returns the entry after 'entry' in its bucket, or NULL. */
static inline struct fp_table_rule *
fp_table_entry_next(const struct fp_table_rule *entry)
{
    return ovsrcu_get(struct fp_table_rule *, &entry->next);
}

/* Returns true if 'entry', an entry of the hash table, is one of mask 'm':
 * a rule of 'm' or a chain entry of rules of 'm'. */
static inline bool
fp_table_entry_in_mask(const struct fp_table_rule *entry,
                       const struct fp_table_mask *m)
{
    return entry->add >> FP_TABLE_VERSION_BITS == m->slot;
}

/* Makes the bucket for 'hash' start at 'entry' (if 'prev' is NULL) or the
 * entry 'prev' of that bucket go on to 'entry' (which may be NULL), with a
 * release store, so that a reader that reaches 'entry' sees it whole.
 * Writer only. */
static void
fp_table_bucket_set(struct fp_table *table, uint32_t hash,
                    struct fp_table_rule *prev, struct fp_table_rule *entry)
{
    if (prev) {
        ovsrcu_set(&prev->next, entry);
    } else {
        ovsrcu_set(&fp_table_bucket(table, hash)->head, entry);
    }
}

/* Returns the first link of the list of chain entry 'chain', or NULL if the
 * list is empty. */
static inline struct fp_table_link *
fp_table_chain_first(const struct fp_table_rule *chain)
{
    return ovsrcu_get(void *, &chain->data);
}

/* Returns the link after 'link' in its list, or NULL. */
static inline struct fp_table_link *
fp_table_link_next(const struct fp_table_link *link)
{
    return ovsrcu_get(struct fp_table_link *, &link->next);
}

/* Returns the first rule of the entry 'entry' of a mask's hash table: the
 * rule itself or the first rule of a chain's list.  Writer only. */
static struct fp_table_rule *
fp_table_entry_first(const struct fp_table_rule *entry)
{
    return (fp_table_entry_is_chain(entry)
            ? fp_table_chain_first(entry)->rule
            : CONST_CAST(struct fp_table_rule *, entry));
}

/* Returns the bytes that a chain entry of mask 'm' asks of malloc(). */
static size_t
fp_table_chain_size(const struct fp_table_mask *m)
{
    return (offsetof(struct fp_table_rule, key)
            + m->n_words * sizeof ((struct fp_table_rule *) NULL)->key[0]);
}

/* Returns true if a rule with 'priority' and 'seq' goes before 'rule' in a
 * list of rules with the same key: it has a higher priority, or the same
 * priority and a lower 'seq'. */
static inline bool
fp_table_rule_goes_before(uint32_t priority, uint64_t seq,
                          const struct fp_table_rule *rule)
{
    return (priority > rule->priority
            || (priority == rule->priority && seq < rule->seq));
}

/* Returns the entry (a rule or a chain entry) of the rules of 'm' whose
 * masked key words are 'words' and whose hash is 'hash', or NULL, and
 * stores in '*prevp' the entry before it in its bucket (NULL if it is the
 * first).  Writer only. */
static struct fp_table_rule *
fp_table_mask_find_list(const struct fp_table *table,
                        const struct fp_table_mask *m, const uint32_t *words,
                        uint32_t hash, struct fp_table_rule **prevp)
{
    struct fp_table_rule *head, *prev = NULL;

    for (head = fp_table_bucket_first(table, hash); head;
         head = fp_table_entry_next(head)) {
        if (fp_table_entry_in_mask(head, m)
            && !memcmp(head->key, words, m->n_words * sizeof head->key[0])) {
            break;
        }
        prev = head;
    }
    *prevp = prev;
    return head;
}

/* Returns a new chain entry of mask 'm' whose list holds 'rule' only. */
static struct fp_table_rule *
fp_table_chain_create(struct fp_table *table, const struct fp_table_mask *m,
                      struct fp_table_rule *rule)
{
    struct fp_table_rule *chain = xmalloc(fp_table_chain_size(m));
    struct fp_table_link *link = xmalloc(sizeof *link);

    link->rule = rule;
    ovsrcu_init(&link->next, NULL);
    ovsrcu_init(&chain->data, link);
    chain->add = (FP_TABLE_VERSION_MASK
                  | ((uint64_t) m->slot << FP_TABLE_VERSION_BITS));
    atomic_init(&chain->remove_version, 0);
    chain->seq = 0;
    chain->priority = UINT32_MAX;
    chain->user = 0;
    ovs_refcount_init(&chain->ref_cnt);
    memcpy(chain->key, rule->key, m->n_words * sizeof rule->key[0]);
    table->chain_bytes += fp_table_heap_size(fp_table_chain_size(m));
    table->n_links++;
    return chain;
}

/* Puts 'rule', whose key words and hash 'hash' are those of mask 'm', in the
 * hash table, or, if a rule of 'm' has the same masked key, in the
 * list of a chain entry, in order (see struct fp_table_link).  Readers see
 * the list with or without 'rule', never another state. */
static void
fp_table_mask_link(struct fp_table *table, struct fp_table_mask *m,
                   struct fp_table_rule *rule, uint32_t hash)
{
    struct fp_table_rule *before;
    struct fp_table_rule *head = fp_table_mask_find_list(table, m, rule->key,
                                                         hash, &before);
    struct fp_table_link *link, *prev, *next;

    if (!head) {
        /* The first rule with this key: at the head of its bucket. */
        ovsrcu_init(&rule->next, fp_table_bucket_first(table, hash));
        fp_table_bucket_set(table, hash, NULL, rule);
        return;
    }
    if (!fp_table_entry_is_chain(head)) {
        /* The second rule with this key: the first one moves into a
         * chain's list, and the chain entry takes its place in the bucket.
         * Its 'next' stays as it is, for the readers that might still be
         * on it. */
        struct fp_table_rule *chain = fp_table_chain_create(table, m, head);

        ovsrcu_init(&chain->next, fp_table_entry_next(head));
        fp_table_bucket_set(table, hash, before, chain);
        head = chain;
    }

    prev = NULL;
    for (next = fp_table_chain_first(head); next;
         next = fp_table_link_next(next)) {
        if (fp_table_rule_goes_before(rule->priority, rule->seq,
                                      next->rule)) {
            break;
        }
        prev = next;
    }
    link = xmalloc(sizeof *link);
    link->rule = rule;
    ovsrcu_init(&link->next, next);
    if (prev) {
        ovsrcu_set(&prev->next, link);
    } else {
        ovsrcu_set(&head->data, link);
    }
    table->n_links++;
}

/* Takes 'rule', of mask 'm', out of the hash table, or out of the list of
 * its chain entry (and the chain entry out of the hash table if 'rule' was
 * the last rule of its list).  Readers that reach 'rule', or its link, still
 * find the rest of the list after it, until the link is freed after an RCU
 * grace period. */
static void
fp_table_mask_unlink(struct fp_table *table, struct fp_table_mask *m,
                     struct fp_table_rule *rule)
{
    uint32_t hash = fp_table_rule_hash(m, rule);
    struct fp_table_rule *before;
    struct fp_table_rule *head = fp_table_mask_find_list(table, m, rule->key,
                                                         hash, &before);
    struct fp_table_link *link, *prev, *next;

    ovs_assert(head);
    if (!fp_table_entry_is_chain(head)) {
        ovs_assert(head == rule);
        fp_table_bucket_set(table, hash, before, fp_table_entry_next(rule));
        return;
    }

    prev = NULL;
    for (link = fp_table_chain_first(head); link->rule != rule;
         link = fp_table_link_next(link)) {
        prev = link;
        ovs_assert(fp_table_link_next(link));
    }
    next = fp_table_link_next(link);
    if (prev) {
        ovsrcu_set(&prev->next, next);
    } else {
        ovsrcu_set(&head->data, next);
    }
    ovsrcu_postpone(free, link);
    table->n_links--;

    if (!fp_table_chain_first(head)) {
        fp_table_bucket_set(table, hash, before, fp_table_entry_next(head));
        ovsrcu_postpone(free, head);
        table->chain_bytes -= fp_table_heap_size(fp_table_chain_size(m));
    }
}

/* Creates and returns an empty table with room for 'max_rules' rules and
 * 'max_masks' distinct masks (both at least 1).  Allocates the hash
 * table's buckets at once, a pointer each, the power of 2 at least twice
 * 'max_rules' (4 MB for 200K rules).  Never fails. */
struct fp_table *
fp_table_create(uint32_t max_rules, uint32_t max_masks)
{
    struct fp_table *table = xzalloc(sizeof *table);
    struct fp_table_masks *masks;
    uint64_t n_buckets;

    ovs_assert(max_rules > 0 && max_masks > 0);
    ovs_assert(max_masks <= FP_TABLE_MAX_MASKS);
    /* A 32-bit hash tells no more than 2**32 buckets apart. */
    for (n_buckets = 1;
         n_buckets < MIN(2 * (uint64_t) max_rules, UINT64_C(1) << 32);
         n_buckets *= 2) {
        continue;
    }
    ovs_assert(n_buckets <= SIZE_MAX / sizeof *table->buckets);
    table->buckets = xcalloc(n_buckets, sizeof *table->buckets);
    table->bucket_mask = n_buckets - 1;
    masks = xzalloc(sizeof *masks);
    ovsrcu_set_hidden(&table->masks, masks);
    atomic_init(&table->version, 0);
    atomic_init(&table->add_version, 0);
    atomic_init(&table->beat_version, 0);
    table->min_priority = UINT32_MAX;
    table->max_seq = 0;
    table->max_rules = max_rules;
    table->max_masks = max_masks;
    table->slots = xcalloc(max_masks, sizeof *table->slots);
    hmap_init(&table->mask_index);
    return table;
}

/* Frees 'table' (nothing if it is NULL) and its rules at once, but not the
 * 'data' of the rules.  No reader may use 'table' any more, nor hold a
 * reference on one of its rules. */
void
fp_table_destroy(struct fp_table *table)
{
    struct fp_table_masks *masks;
    size_t i;

    if (!table) {
        return;
    }
    for (i = 0; i <= table->bucket_mask; i++) {
        struct fp_table_rule *head, *next_head;

        for (head = fp_table_bucket_first(table, i); head; head = next_head) {
            struct fp_table_link *link, *next;

            next_head = fp_table_entry_next(head);
            if (!fp_table_entry_is_chain(head)) {
                ovs_assert(ovs_refcount_read(&head->ref_cnt) == 1);
                fp_slab_free(head);
                continue;
            }
            for (link = fp_table_chain_first(head); link; link = next) {
                next = fp_table_link_next(link);
                ovs_assert(ovs_refcount_read(&link->rule->ref_cnt) == 1);
                fp_slab_free(link->rule);
                free(link);
            }
            free(head);
        }
    }
    free(table->buckets);
    masks = fp_table_get_masks(table);
    for (i = 0; i < masks->n; i++) {
        free(masks->refs[i].mask);
    }
    free(masks);
    hmap_destroy(&table->mask_index);
    free(table->removed);
    free(table->slots);
    for (i = 0; i < ARRAY_SIZE(table->rule_slabs); i++) {
        fp_slab_destroy(table->rule_slabs[i]);
    }
    free(table);
}

/* Returns the hash of 'mask', for 'mask_index': a weighted sum of its words
 * (a few instructions per word, with no chain of dependencies from word to
 * word), mixed once.  Masks that collide only cost a comparison. */
static uint32_t
fp_table_mask_hash(const struct fp_key *mask)
{
    const uint32_t *w = (const uint32_t *) mask;
    uint64_t sum = 0;
    size_t i;

    for (i = 0; i < FP_TABLE_KEY_WORDS; i++) {
        sum += (uint64_t) w[i] * (2 * i + 1);
    }
    return hash_uint64(sum);
}

/* Returns the mask table entry for 'mask', or NULL.  Writer only: a hash
 * lookup, after a look at the mask of the last insertion, so that the cost
 * does not grow with the number of masks. */
static struct fp_table_mask *
fp_table_find_mask(const struct fp_table *table, const struct fp_key *mask)
{
    struct fp_table_mask *m = ovsrcu_get_protected(struct fp_table_mask *,
                                                   &table->last_mask);

    if (m && !memcmp(&m->mask, mask, sizeof *mask)) {
        return m;
    }
    HMAP_FOR_EACH_WITH_HASH (m, index_node, fp_table_mask_hash(mask),
                             &table->mask_index) {
        if (!memcmp(&m->mask, mask, sizeof *mask)) {
            return m;
        }
    }
    return NULL;
}

static int
fp_table_mask_ref_cmp(const void *a_, const void *b_)
{
    const struct fp_table_mask_ref *a = a_;
    const struct fp_table_mask_ref *b = b_;

    if (a->max_priority != b->max_priority) {
        return a->max_priority > b->max_priority ? -1 : 1;
    }
    if (a->min_seq != b->min_seq) {
        return a->min_seq < b->min_seq ? -1 : 1;
    }
    return a->mask->slot < b->mask->slot ? -1 : a->mask->slot > b->mask->slot;
}

/* Sorts the 'n' entries of 'refs' in the order of fp_table_mask_ref_cmp().
 * They come from a sorted mask table of which only a few bounds changed
 * (a publication follows a batch of changes), so that an insertion sort
 * does little more than one pass; a large table, which a batch might
 * disorder more, is left to qsort(). */
static void
fp_table_sort_refs(struct fp_table_mask_ref *refs, size_t n)
{
    size_t i;

    if (n > 64) {
        qsort(refs, n, sizeof *refs, fp_table_mask_ref_cmp);
        return;
    }
    for (i = 1; i < n; i++) {
        struct fp_table_mask_ref ref = refs[i];
        size_t j;

        for (j = i; j > 0 && fp_table_mask_ref_cmp(&ref, &refs[j - 1]) < 0;
             j--) {
            refs[j] = refs[j - 1];
        }
        refs[j] = ref;
    }
}

/* Publishes a copy of the mask table with 'add' added (if nonnull) or
 * 'del' removed (if nonnull), with the current bounds of every mask, in
 * the order of fp_table_mask_ref_cmp(). */
static void
fp_table_publish_masks(struct fp_table *table, struct fp_table_mask *add,
                       struct fp_table_mask *del)
{
    struct fp_table_masks *old = fp_table_get_masks(table);
    struct fp_table_masks *new;
    size_t i;

    new = xmalloc(sizeof *new + (old->n + 1) * sizeof new->refs[0]);
    new->n = 0;
    for (i = 0; i <= old->n; i++) {
        struct fp_table_mask *m = i < old->n ? old->refs[i].mask : add;

        if (m && m != del) {
            struct fp_table_mask_ref *ref = &new->refs[new->n++];

            ref->mask = m;
            ref->max_priority = m->max_priority;
            ref->min_seq = m->min_seq;
        }
    }
    fp_table_sort_refs(new->refs, new->n);
    ovsrcu_set(&table->masks, new);
    ovsrcu_postpone(free, old);
    table->bounds_changed = false;
}

/* Widens the bounds of 'm' to cover a rule with 'priority' and 'seq'. */
static void
fp_table_mask_cover(struct fp_table *table, struct fp_table_mask *m,
                    uint32_t priority, uint64_t seq)
{
    if (priority > m->max_priority
        || (priority == m->max_priority && seq < m->min_seq)) {
        m->max_priority = priority;
        m->min_seq = seq;
        table->bounds_changed = true;
    }
}

/* Recomputes the bounds of the masks whose bounds are stale and due (as
 * many rules gone since they became stale as are left) from their rules,
 * in one walk of the hash table, if the walk is due: it reads every bucket
 * and every entry, so it waits for removals that left bounds stale to add
 * up to a quarter of that, that a removal costs O(1) amortized.  Until
 * then, the bounds are only loose: a lookup probes a mask that it might
 * have skipped.  The first rule of each list is the one that counts. */
static void
fp_table_tighten(struct fp_table *table)
{
    struct fp_table_mask **due;
    size_t i, n_due = 0;

    if (table->n_stale_removed
        < (table->bucket_mask + 1 + table->n_rules) / 4) {
        return;
    }
    due = xmalloc(table->max_masks * sizeof *due);
    for (i = 0; i < table->max_masks; i++) {
        struct fp_table_mask *m = table->slots[i];

        if (m && m->stale && m->n_stale >= m->n_rules) {
            m->tightening = true;
            m->walk_priority = 0;
            m->walk_seq = UINT64_MAX;
            due[n_due++] = m;
        }
    }
    if (!n_due) {
        free(due);
        return;
    }
    for (i = 0; i <= table->bucket_mask; i++) {
        const struct fp_table_rule *head;

        for (head = fp_table_bucket_first(table, i); head;
             head = fp_table_entry_next(head)) {
            struct fp_table_mask *m = fp_table_rule_mask(table, head);
            const struct fp_table_rule *rule;

            if (!m->tightening) {
                continue;
            }
            rule = fp_table_entry_first(head);
            if (rule->priority > m->walk_priority
                || (rule->priority == m->walk_priority
                    && rule->seq < m->walk_seq)) {
                m->walk_priority = rule->priority;
                m->walk_seq = rule->seq;
            }
        }
    }
    for (i = 0; i < n_due; i++) {
        struct fp_table_mask *m = due[i];

        if (m->walk_priority != m->max_priority
            || m->walk_seq != m->min_seq) {
            m->max_priority = m->walk_priority;
            m->min_seq = m->walk_seq;
            table->bounds_changed = true;
        }
        m->tightening = false;
        m->stale = false;
        m->n_stale = 0;
    }
    table->n_stale_removed = 0;
    free(due);
}

/* Stages a rule that matches the packets whose key equals 'key' in the bits
 * set in 'mask', with 'priority', tie-breaker 'seq', the opaque 'data' and
 * 'user' value: it becomes visible with the next fp_table_commit().  Bits of
 * 'key' outside 'mask' are ignored.
 *
 * Returns 0 and stores the new rule in '*rulep', or ENOSPC and stores in
 * '*fullp' which table is full: the rule table (already 'max_rules' rules
 * not removed) or the mask table ('mask' is new and 'max_masks' masks are
 * in use, counting those of removed rules that are not purged yet). */
int
fp_table_insert(struct fp_table *table, const struct fp_key *key,
                const struct fp_key *mask, uint32_t priority, uint64_t seq,
                void *data, uint32_t user, struct fp_table_rule **rulep,
                enum fp_table_full *fullp)
{
    struct fp_table_masks *masks = fp_table_get_masks(table);
    const uint32_t *k = (const uint32_t *) key;
    struct fp_table_rule *rule;
    struct fp_table_mask *m;
    uint64_t version;
    uint32_t hash;
    size_t i;

    if (table->n_rules >= table->max_rules) {
        *fullp = FP_TABLE_FULL_RULES;
        return ENOSPC;
    }
    m = fp_table_find_mask(table, mask);
    if (!m) {
        const uint32_t *mw = (const uint32_t *) mask;

        if (masks->n >= table->max_masks) {
            *fullp = FP_TABLE_FULL_MASKS;
            return ENOSPC;
        }
        m = xzalloc(sizeof *m);
        for (m->slot = 0; table->slots[m->slot]; m->slot++) {
            continue;
        }
        table->slots[m->slot] = m;
        m->mask = *mask;
        hmap_insert(&table->mask_index, &m->index_node,
                    fp_table_mask_hash(mask));
        for (i = 0; i < FP_TABLE_KEY_WORDS; i++) {
            if (mw[i]) {
                m->words[m->n_words] = i;
                m->mwords[m->n_words++] = mw[i];
            }
        }
        m->max_priority = priority;
        m->min_seq = seq;
        fp_table_publish_masks(table, m, NULL);
    } else {
        fp_table_mask_cover(table, m, priority, seq);
    }

    rule = fp_slab_alloc(fp_table_rule_slab(table, m->n_words));
    atomic_read_relaxed(&table->version, &version);
    ovsrcu_init(&rule->data, data);
    rule->add = (version + 1) | ((uint64_t) m->slot << FP_TABLE_VERSION_BITS);
    atomic_init(&rule->remove_version, UINT64_MAX);
    rule->seq = seq;
    rule->priority = priority;
    rule->user = user;
    ovs_refcount_init(&rule->ref_cnt);
    /* The key's words and their hash, as fp_table_hash() computes it, in
     * one pass. */
    hash = m->slot;
    for (i = 0; i < m->n_words; i++) {
        uint32_t word = k[m->words[i]] & m->mwords[i];

        rule->key[i] = word;
        hash = hash_add(hash, word);
    }
    fp_table_mask_link(table, m, rule, hash_finish(hash, m->n_words));
    if (ovsrcu_get_protected(struct fp_table_mask *, &table->last_mask)
        != m) {
        ovsrcu_set(&table->last_mask, m);
    }
    m->n_rules++;
    table->n_rules++;

    /* Readers see these with the version that makes 'rule' visible. */
    atomic_store_relaxed(&table->add_version, version + 1);
    if (priority > table->min_priority || seq <= table->max_seq) {
        atomic_store_relaxed(&table->beat_version, version + 1);
    }
    table->min_priority = MIN(table->min_priority, priority);
    table->max_seq = MAX(table->max_seq, seq);

    *rulep = rule;
    return 0;
}

/* Hints that fp_table_insert() of a rule with 'key' and 'mask' is likely
 * to come soon: if 'mask' is that of the last insertion (a run of
 * megaflows shares a few masks), starts fetching the bucket that the
 * insertion will link the rule into, a cache miss of its own at 200K
 * rules (4 MB of buckets), so that it arrives while the caller does other
 * work.  Only a hint: it changes nothing that the writer or a reader sees.
 * It compares only the words that the last mask selects (a full compare
 * of the masks cost 70 instructions): with another mask that agrees on
 * them, it fetches a line for nothing.
 *
 * Any thread may call it, concurrently with the writer, as a reader does:
 * between two quiescent states of the calling thread. */
void
fp_table_prefetch_insert(const struct fp_table *table,
                         const struct fp_key *key, const struct fp_key *mask)
{
    const struct fp_table_mask *m = ovsrcu_get(struct fp_table_mask *,
                                               &table->last_mask);
    const uint32_t *k = (const uint32_t *) key;
    const uint32_t *mw = (const uint32_t *) mask;
    uint32_t hash;
    size_t i;

    /* A mask's members other than its rules' count and bounds are set
     * before it is published, and never change. */
    if (!m) {
        return;
    }
    hash = m->slot;
    for (i = 0; i < m->n_words; i++) {
        if (mw[m->words[i]] != m->mwords[i]) {
            return;
        }
        hash = hash_add(hash, k[m->words[i]] & m->mwords[i]);
    }
    OVS_PREFETCH(fp_table_bucket(table, hash_finish(hash, m->n_words)));
}

/* Stages the removal of 'rule': readers of the next version on do not see
 * it.  'rule' must not be removed already; it may be one staged by
 * fp_table_insert() since the last commit (then it is never visible). */
void
fp_table_remove(struct fp_table *table, struct fp_table_rule *rule)
{
    uint64_t version;

    atomic_read_relaxed(&table->version, &version);
    atomic_store_relaxed(&rule->remove_version, version + 1);
    if (table->n_removed >= table->allocated_removed) {
        table->removed = x2nrealloc(table->removed,
                                    &table->allocated_removed,
                                    sizeof *table->removed);
    }
    table->removed[table->n_removed++] = rule;
    table->n_rules--;
}

/* Makes the staged changes visible to readers, all at once. */
void
fp_table_commit(struct fp_table *table)
{
    uint64_t version;

    if (table->bounds_changed) {
        fp_table_publish_masks(table, NULL, NULL);
    }
    atomic_read_relaxed(&table->version, &version);
    ovs_assert(version + 1 < FP_TABLE_VERSION_MASK);
    atomic_store_explicit(&table->version, version + 1,
                          memory_order_release);
}

/* Takes the removed rules out of the hash tables (and masks that have no
 * rule left out of the mask table) and drops the table's reference on them:
 * each is freed after an RCU grace period once no reader holds a reference
 * on it either (fp_table_rule_ref()).  The caller guarantees that no
 * reader uses a version older than the current one, and that every removal
 * has been committed. */
void
fp_table_purge(struct fp_table *table)
{
    size_t i;

    /* The rules that RCU freed since, back into their slabs. */
    for (i = 0; i < ARRAY_SIZE(table->rule_slabs); i++) {
        if (table->rule_slabs[i]) {
            fp_slab_collect(table->rule_slabs[i]);
        }
    }

    for (i = 0; i < table->n_removed; i++) {
        struct fp_table_rule *rule = table->removed[i];
        struct fp_table_mask *m = fp_table_rule_mask(table, rule);

        fp_table_mask_unlink(table, m, rule);
        if (!--m->n_rules) {
            table->slots[m->slot] = NULL;
            hmap_remove(&table->mask_index, &m->index_node);
            if (ovsrcu_get_protected(struct fp_table_mask *,
                                     &table->last_mask) == m) {
                ovsrcu_set(&table->last_mask, NULL);
            }
            fp_table_publish_masks(table, NULL, m);
            ovsrcu_postpone(free, m);
        } else if (m->stale) {
            m->n_stale++;
            table->n_stale_removed++;
        } else if (rule->priority == m->max_priority
                   && rule->seq == m->min_seq) {
            m->stale = true;
            m->n_stale = 1;
            table->n_stale_removed++;
        }
    }

    /* Recompute stale bounds, after every removal. */
    fp_table_tighten(table);
    for (i = 0; i < table->n_removed; i++) {
        fp_table_rule_unref(table->removed[i]);
    }
    if (table->bounds_changed) {
        fp_table_publish_masks(table, NULL, NULL);
    }
    table->n_removed = 0;
    if (table->allocated_removed > 1024) {
        free(table->removed);
        table->removed = NULL;
        table->allocated_removed = 0;
    }
}

/* Returns the version that a reader must use with fp_table_lookup(). */
uint64_t
fp_table_version(const struct fp_table *table)
{
    uint64_t version;

    atomic_read_explicit(CONST_CAST(ATOMIC(uint64_t) *, &table->version),
                         &version, memory_order_acquire);
    return version;
}

/* Returns the last version in which a rule became visible (0 if none did).
 * Read after fp_table_version() returned 'v', the result is right for 'v',
 * or newer than 'v' (then too conservative).  If it is not newer than a
 * version 'w' <= 'v', a key that matched no rule in 'w' matches none in
 * 'v' either. */
uint64_t
fp_table_add_version(const struct fp_table *table)
{
    uint64_t version;

    atomic_read_relaxed(CONST_CAST(ATOMIC(uint64_t) *, &table->add_version),
                        &version);
    return version;
}

/* Returns the last version in which a rule became visible that might beat,
 * for some key, a rule visible in the version before (0 if none did).
 * Read after fp_table_version() returned 'v', the result is right for 'v',
 * or newer than 'v' (then too conservative).  If it is not newer than a
 * version 'w' <= 'v', the rule that a lookup of a key found in 'w' is the
 * one that a lookup of that key finds in 'v', unless it is removed in 'v'
 * (fp_table_rule_removed()).  Conservative: the rules added in that version
 * might beat none. */
uint64_t
fp_table_beat_version(const struct fp_table *table)
{
    uint64_t version;

    atomic_read_relaxed(CONST_CAST(ATOMIC(uint64_t) *, &table->beat_version),
                        &version);
    return version;
}

/* Takes a reference on 'rule', which the caller found with a lookup in its
 * current RCU epoch (or on which it holds a reference already): 'rule'
 * stays in memory until the caller drops it with fp_table_rule_unref(),
 * even once removed and purged.  Its 'data' and 'user' belong to the
 * table's user once 'rule' is removed: check fp_table_rule_removed()
 * first.  Any thread. */
void
fp_table_rule_ref(const struct fp_table_rule *rule)
{
    ovs_refcount_ref(&CONST_CAST(struct fp_table_rule *, rule)->ref_cnt);
}

/* Drops a reference on 'rule' (nothing if it is NULL) that
 * fp_table_rule_ref() took; the last one frees 'rule' after an RCU grace
 * period.  Any RCU thread. */
void
fp_table_rule_unref(const struct fp_table_rule *rule_)
{
    struct fp_table_rule *rule = CONST_CAST(struct fp_table_rule *, rule_);

    if (rule && ovs_refcount_unref(&rule->ref_cnt) == 1) {
        ovsrcu_postpone(fp_slab_free_remote, rule);
    }
}

/* Returns true if 'rule' might beat 'best' (which may be NULL): it has a
 * higher priority than 'best', or the same priority and a 'seq' not higher.
 * If the first rule of a list cannot, no rule of the list can. */
static inline bool
fp_table_rule_may_beat(const struct fp_table_rule *rule,
                       const struct fp_table_rule *best)
{
    return (!best
            || rule->priority > best->priority
            || (rule->priority == best->priority && rule->seq <= best->seq));
}

/* Returns true if 'rule', of mask 'm', matches the key words 'k'. */
static inline bool
fp_table_rule_matches(const struct fp_table_mask *m,
                      const struct fp_table_rule *rule, const uint32_t *k)
{
    size_t j;

    for (j = 0; j < m->n_words; j++) {
        if ((k[m->words[j]] & m->mwords[j]) != rule->key[j]) {
            return false;
        }
    }
    return true;
}

/* Stores in 'mk' the words of key words 'k' that 'm' selects, masked, and
 * returns their hash, the same as fp_table_hash(), so that the rules met in
 * the hash table compare with 'mk' (fp_table_rule_is()) without masking
 * the key again. */
static inline uint32_t
fp_table_hash_masked(const struct fp_table_mask *m, const uint32_t *k,
                     uint32_t mk[])
{
    size_t i, n = m->n_words;
    uint32_t hash = m->slot;

    for (i = 0; i < n; i++) {
        mk[i] = k[m->words[i]] & m->mwords[i];
        hash = hash_add(hash, mk[i]);
    }
    return hash_finish(hash, n);
}

/* Returns true if 'rule''s key words are the 'n' words of 'mk'. */
static inline bool
fp_table_rule_is(const struct fp_table_rule *rule, const uint32_t mk[],
                 size_t n)
{
    uint32_t diff = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        diff |= rule->key[i] ^ mk[i];
    }
    return !diff;
}

/* Returns true if 'rule' is visible in 'version'. */
static inline bool
fp_table_rule_visible(const struct fp_table_rule *rule, uint64_t version)
{
    return ((rule->add & FP_TABLE_VERSION_MASK) <= version
            && !fp_table_rule_removed(rule, version));
}

/* Returns the best of 'best' (which may be NULL) and of the rules of
 * 'head', an entry of a mask's hash table whose key matches the packet's
 * and that might beat 'best' (fp_table_rule_may_beat()), in 'version'.
 * 'head' is a rule, which wins if it is visible, or a chain entry (never
 * visible), whose list is in the order in which its rules win: its first
 * rule visible in 'version' is its best, and the walk stops as soon as a
 * rule cannot beat 'best'. */
static inline const struct fp_table_rule *
fp_table_list_best(const struct fp_table_rule *head,
                   const struct fp_table_rule *best, uint64_t version)
{
    const struct fp_table_link *link;

    if (OVS_LIKELY(fp_table_rule_visible(head, version))) {
        return head;
    } else if (OVS_LIKELY(!fp_table_entry_is_chain(head))) {
        return best;
    }
    for (link = fp_table_chain_first(head); link;
         link = fp_table_link_next(link)) {
        if (!fp_table_rule_may_beat(link->rule, best)) {
            break;
        } else if (fp_table_rule_visible(link->rule, version)) {
            return link->rule;
        }
    }
    return best;
}

/* Returns the rule visible in 'version' that matches 'key' with the highest
 * priority (among equal priorities, the lowest 'seq'), or NULL if no rule
 * matches.  Lock-free; does not allocate.  The rule stays valid until the
 * reader quiesces. */
const struct fp_table_rule *
fp_table_lookup(const struct fp_table *table, const struct fp_key *key,
                uint64_t version)
{
    const struct fp_table_masks *masks = fp_table_get_masks(table);
    const uint32_t *k = (const uint32_t *) key;
    const struct fp_table_rule *best = NULL;
    size_t i;

    for (i = 0; i < masks->n; i++) {
        const struct fp_table_mask_ref *ref = &masks->refs[i];
        const struct fp_table_mask *m = ref->mask;
        const struct fp_table_rule *rule;
        uint32_t hash;

        if (best) {
            if (ref->max_priority < best->priority) {
                /* Neither this mask nor any after it has a rule that can
                 * beat 'best'. */
                break;
            } else if (ref->max_priority == best->priority
                       && ref->min_seq > best->seq) {
                continue;
            }
        }
        hash = fp_table_hash(m, k);
        for (rule = fp_table_bucket_first(table, hash); rule;
             rule = fp_table_entry_next(rule)) {
            if (fp_table_entry_in_mask(rule, m)
                && fp_table_rule_may_beat(rule, best)
                && fp_table_rule_matches(m, rule, k)) {
                best = fp_table_list_best(rule, best, version);
                break;
            }
        }
    }
    return best;
}

/* Returns true if a rule of the mask of 'ref' might beat 'best' (which may
 * be NULL). */
static inline bool
fp_table_mask_may_beat(const struct fp_table_mask_ref *ref,
                       const struct fp_table_rule *best)
{
    return (!best
            || ref->max_priority > best->priority
            || (ref->max_priority == best->priority
                && ref->min_seq <= best->seq));
}

/* Looks up each of the 'n' keys in 'keys' (at most FP_TABLE_BATCH) as
 * fp_table_lookup() does, and stores the result for keys[i] in rules[i].
 * Mask by mask, it computes the hashes of every key first (keeping each
 * key's masked words, which the rules met are compared with) and
 * prefetches their hash buckets together, then the first entries of the
 * buckets, so that the memory latencies of the keys overlap, as OVS's
 * dpcls does.  A key skips the masks that cannot beat what it found, and
 * the lookup stops when no key needs any of the remaining masks; every key
 * needs the first. */
void
fp_table_lookup_batch(const struct fp_table *table,
                      const struct fp_key *const keys[], size_t n,
                      uint64_t version, const struct fp_table_rule *rules[])
{
    const struct fp_table_masks *masks = fp_table_get_masks(table);
    const struct fp_table_rule *heads[FP_TABLE_BATCH];
    uint32_t hashes[FP_TABLE_BATCH];
    uint32_t mks[FP_TABLE_BATCH][FP_TABLE_KEY_WORDS];
    unsigned long active;
    size_t i, j;

    BUILD_ASSERT(FP_TABLE_BATCH <= sizeof active * CHAR_BIT);
    ovs_assert(n <= FP_TABLE_BATCH);
    for (j = 0; j < n; j++) {
        rules[j] = NULL;
    }
    active = n < sizeof active * CHAR_BIT ? (1UL << n) - 1 : ULONG_MAX;
    for (i = 0; i < masks->n; i++) {
        const struct fp_table_mask_ref *ref = &masks->refs[i];
        const struct fp_table_mask *m = ref->mask;
        size_t n_words = m->n_words;

        if (i) {
            /* The keys that this mask might change.  If no key has found a
             * rule of a priority up to this mask's, the masks after it (of
             * lower or equal priorities) cannot change any: stop. */
            bool stop = true;

            active = 0;
            for (j = 0; j < n; j++) {
                if (fp_table_mask_may_beat(ref, rules[j])) {
                    active |= 1UL << j;
                }
                if (!rules[j] || rules[j]->priority <= ref->max_priority) {
                    stop = false;
                }
            }
            if (stop) {
                break;
            } else if (!active) {
                continue;
            }
        }
        ULLONG_FOR_EACH_1 (j, active) {
            hashes[j] = fp_table_hash_masked(m, (const uint32_t *) keys[j],
                                             mks[j]);
            OVS_PREFETCH(fp_table_bucket(table, hashes[j]));
        }
        ULLONG_FOR_EACH_1 (j, active) {
            /* Prefetching NULL, for an empty bucket, does no harm. */
            heads[j] = fp_table_bucket_first(table, hashes[j]);
            OVS_PREFETCH(heads[j]);
        }
        ULLONG_FOR_EACH_1 (j, active) {
            const struct fp_table_rule *rule;

            for (rule = heads[j]; rule; rule = fp_table_entry_next(rule)) {
                if (fp_table_entry_in_mask(rule, m)
                    && fp_table_rule_may_beat(rule, rules[j])
                    && fp_table_rule_is(rule, mks[j], n_words)) {
                    rules[j] = fp_table_list_best(rule, rules[j], version);
                    break;
                }
            }
        }
    }
}

/* Replaces the data of 'rule' by 'data', atomically for readers: a reader
 * gets either the old or the new data. */
void
fp_table_rule_set_data(struct fp_table_rule *rule, void *data)
{
    ovsrcu_set(&rule->data, data);
}

/* Returns true if a rule with 'mask' would fit in the mask table: the mask
 * is in use, or the mask table has room. */
bool
fp_table_mask_available(const struct fp_table *table,
                        const struct fp_key *mask)
{
    const struct fp_table_masks *masks = fp_table_get_masks(table);

    return (masks->n < table->max_masks
            || fp_table_find_mask(table, mask) != NULL);
}

/* Returns true if 'rule' has the match 'key'/'mask' and 'priority'. */
bool
fp_table_rule_same_match(const struct fp_table *table,
                         const struct fp_table_rule *rule,
                         const struct fp_key *key, const struct fp_key *mask,
                         uint32_t priority)
{
    const struct fp_table_mask *m = fp_table_rule_mask(table, rule);
    const uint32_t *k = (const uint32_t *) key;
    size_t i;

    if (rule->priority != priority
        || memcmp(&m->mask, mask, sizeof *mask)) {
        return false;
    }
    for (i = 0; i < m->n_words; i++) {
        if ((k[m->words[i]] & m->mwords[i]) != rule->key[i]) {
            return false;
        }
    }
    return true;
}

/* Returns the number of rules in 'table', not counting removed ones. */
uint32_t
fp_table_count(const struct fp_table *table)
{
    return table->n_rules;
}

/* Returns the number of distinct masks in the mask table. */
uint32_t
fp_table_n_masks(const struct fp_table *table)
{
    return fp_table_get_masks(table)->n;
}

/* Returns the bytes of heap that malloc('n') takes: the chunk that holds
 * 'n' bytes and the size word in front of them, rounded up to 16 bytes, at
 * least 32, as glibc's malloc has it on 64-bit hosts (its MINSIZE and
 * MALLOC_ALIGNMENT), so that the accounting counts what the heap gives,
 * not only what was asked for. */
size_t
fp_table_heap_size(size_t n)
{
    return MAX(32, ROUND_UP(n + sizeof(size_t), 16));
}

/* Returns the bytes that 'rule' takes in memory (its object in its slab,
 * with its share of the slab's block: see fp_slab_object_cost()), without
 * its hash table slot. */
size_t
fp_table_rule_size(const struct fp_table *table,
                   const struct fp_table_rule *rule)
{
    uint8_t n_words = fp_table_rule_mask(table, rule)->n_words;

    return fp_slab_object_cost(table->rule_slabs[n_words]);
}

/* Returns the bytes that the mask table and the hash table take, with the
 * chain entries and links of rules that share a masked key (see struct
 * fp_table_link), without the rules themselves: the heap chunks of what is
 * allocated with malloc() (fp_table_heap_size()). */
size_t
fp_table_memory(const struct fp_table *table)
{
    const struct fp_table_masks *masks = fp_table_get_masks(table);
    const struct hmap *index = &table->mask_index;
    size_t total = (fp_table_heap_size(sizeof *table)
                    + fp_table_heap_size(sizeof *masks
                                         + masks->n * sizeof masks->refs[0])
                    + fp_table_heap_size(table->max_masks
                                         * sizeof table->slots[0])
                    + fp_table_heap_size((table->bucket_mask + 1)
                                         * sizeof table->buckets[0])
                    + (index->buckets != &index->one
                       ? fp_table_heap_size((index->mask + 1)
                                            * sizeof *index->buckets)
                       : 0)
                    + table->chain_bytes
                    + table->n_links
                      * fp_table_heap_size(sizeof(struct fp_table_link)));

    return total + masks->n * fp_table_heap_size(sizeof(struct fp_table_mask));
}
