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

#ifndef FP_TABLE_H
#define FP_TABLE_H 1

/* The flow-processor model's rule table.
 *
 * Built like a hardware classifier: a mask table (the distinct masks in
 * use, at most 'max_masks') and one hash table of rules keyed by their mask
 * and masked key, hashed over only the 32-bit words that the mask selects,
 * whose buckets are allocated once, from the rule capacity, so that an
 * insertion never rehashes the rules already in (see fp-table.c).
 * Rules with the same mask and the same masked key (which differ in
 * priority) share one hash table entry, a list in the order in which they
 * win, so that a lookup meets one entry per key, however many rules have
 * that key: a mask with a short prefix may hold thousands of rules over a
 * handful of keys.  The list lives outside the rules, which megaflows (one
 * rule per masked key) never need, so that a rule takes 52 bytes plus its
 * key words.
 * A lookup probes the masks once each and keeps the rule of highest
 * priority; among equal priorities, the lowest 'seq' wins, so the result
 * never depends on the order of the masks or of a hash chain, as in a TCAM.
 * The masks are kept in order of the highest priority of their rules, so
 * that a lookup skips a mask, or stops, when no rule of it can win.
 *
 * Concurrency: one writer at a time (the caller serializes writers), any
 * number of lock-free readers, RCU-style.  Every change is staged into the
 * next version of the table and becomes visible to readers when the writer
 * calls fp_table_commit(): a reader looks up with the version that it read
 * with fp_table_version() before its lookups, and sees a consistent table
 * of that version.  A removed rule stays in the hash tables, invisible to
 * newer versions, until the writer calls fp_table_purge() after every
 * reader that might use an older version is done (the model waits for its
 * packet engines to finish their current batch); its memory is freed after
 * an RCU grace period.
 *
 * A reader may keep a rule beyond its RCU epoch, as a cache of lookups
 * does, by holding a reference on it (fp_table_rule_ref()): a rule is
 * freed, an RCU grace period after the last of fp_table_purge() and of
 * fp_table_rule_unref(), so a reader may always check with
 * fp_table_rule_removed() whether the rule it holds is still visible.
 * Whether a rule that a reader found in an older version is still the one
 * that a lookup would find, the table tells conservatively with
 * fp_table_add_version() and fp_table_beat_version(). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ovs-atomic.h"
#include "ovs-rcu.h"

struct fp_key;
struct fp_table;

/* A rule.  Its members are private to fp-table.c: it is defined here only
 * so that the accessors that packet processing calls inline. */
struct fp_table_rule {
    /* Next in the table's hash chain of its bucket, unless another rule has
     * the same mask and masked key (then the two are in a list that a chain
     * entry of the hash table holds: see fp-table.c). */
    OVSRCU_TYPE(struct fp_table_rule *) next;
    OVSRCU_TYPE(void *) data;
    uint64_t add;               /* Visible from this version (low bits)...
                                 * and the mask's slot (high bits). */
    ATOMIC(uint64_t) remove_version;    /* ...up to this one, exclusive. */
    uint64_t seq;               /* Lower wins among equal priorities. */
    uint32_t priority;
    uint32_t user;
    struct ovs_refcount ref_cnt;    /* The table's, until fp_table_purge(),
                                     * and fp_table_rule_ref()'s. */
    uint32_t key[];             /* The mask's 'n_words' masked words. */
};

/* Which limit fp_table_insert() hit. */
enum fp_table_full {
    FP_TABLE_FULL_RULES = 1,
    FP_TABLE_FULL_MASKS,
};

struct fp_table *fp_table_create(uint32_t max_rules, uint32_t max_masks);
void fp_table_destroy(struct fp_table *);

int fp_table_insert(struct fp_table *, const struct fp_key *key,
                    const struct fp_key *mask, uint32_t priority,
                    uint64_t seq, void *data, uint32_t user,
                    struct fp_table_rule **rulep, enum fp_table_full *fullp);
void fp_table_prefetch_insert(const struct fp_table *,
                              const struct fp_key *key,
                              const struct fp_key *mask);
void fp_table_remove(struct fp_table *, struct fp_table_rule *);
void fp_table_commit(struct fp_table *);
void fp_table_purge(struct fp_table *);

uint64_t fp_table_version(const struct fp_table *);
uint64_t fp_table_add_version(const struct fp_table *);
uint64_t fp_table_beat_version(const struct fp_table *);
const struct fp_table_rule *fp_table_lookup(const struct fp_table *,
                                            const struct fp_key *,
                                            uint64_t version);

/* Most keys of one fp_table_lookup_batch(). */
#define FP_TABLE_BATCH 32
void fp_table_lookup_batch(const struct fp_table *,
                           const struct fp_key *const keys[], size_t n,
                           uint64_t version,
                           const struct fp_table_rule *rules[]);

void fp_table_rule_ref(const struct fp_table_rule *);
void fp_table_rule_unref(const struct fp_table_rule *);

void fp_table_rule_set_data(struct fp_table_rule *, void *data);
bool fp_table_mask_available(const struct fp_table *,
                             const struct fp_key *mask);
bool fp_table_rule_same_match(const struct fp_table *,
                              const struct fp_table_rule *,
                              const struct fp_key *key,
                              const struct fp_key *mask, uint32_t priority);

uint32_t fp_table_count(const struct fp_table *);
uint32_t fp_table_n_masks(const struct fp_table *);
size_t fp_table_rule_size(const struct fp_table *,
                          const struct fp_table_rule *);
size_t fp_table_memory(const struct fp_table *);
size_t fp_table_heap_size(size_t n);

/* Returns the data of 'rule'. */
static inline void *
fp_table_rule_data(const struct fp_table_rule *rule)
{
    return ovsrcu_get(void *, &rule->data);
}

/* Returns the 'user' value of 'rule'. */
static inline uint32_t
fp_table_rule_user(const struct fp_table_rule *rule)
{
    return rule->user;
}

/* Returns the priority of 'rule'. */
static inline uint32_t
fp_table_rule_priority(const struct fp_table_rule *rule)
{
    return rule->priority;
}

/* Returns true if 'rule', which a reader found visible in an older version
 * and holds a reference on (or found in this RCU epoch), is removed in
 * 'version': not visible in it, nor in any later one. */
static inline bool
fp_table_rule_removed(const struct fp_table_rule *rule, uint64_t version)
{
    uint64_t remove_version;

    atomic_read_relaxed(
        &CONST_CAST(struct fp_table_rule *, rule)->remove_version,
        &remove_version);
    return version >= remove_version;
}

/* Returns the tie-breaker of 'rule'. */
static inline uint64_t
fp_table_rule_seq(const struct fp_table_rule *rule)
{
    return rule->seq;
}

#endif /* fp-table.h */
