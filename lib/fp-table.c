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

#include "fp/fp.h"
#include "hash.h"
#include "id-pool.h"
#include "openvswitch/hmap.h"
#include "util.h"

/* The key as 32-bit words, for masking and hashing. */
#define FP_TABLE_KEY_WORDS (sizeof(struct fp_key) / sizeof(uint32_t))
BUILD_ASSERT_DECL(sizeof(struct fp_key) % sizeof(uint32_t) == 0);

/* A distinct mask and the rules that use it. */
struct fp_table_mask {
    struct hmap_node node;      /* In 'fp_table.masks', by hash of 'mask'. */
    struct fp_key mask;
    struct hmap rules;          /* Of 'struct fp_table_rule', by masked key
                                 * hash. */
};

struct fp_table_rule {
    struct hmap_node node;      /* In 'mask->rules', by hash of 'key'. */
    struct hmap_node id_node;   /* In 'fp_table.rules_by_id', by 'id'. */
    struct fp_table_mask *mask;
    struct fp_key key;          /* Masked by 'mask->mask'. */
    uint32_t priority;
    uint32_t id;
    uint64_t seq;               /* Order of insertion: lower wins ties. */
    void *data;
};

struct fp_table {
    struct hmap masks;          /* Of 'struct fp_table_mask'. */
    struct hmap rules_by_id;    /* Of 'struct fp_table_rule'. */
    struct id_pool *ids;        /* Handles 1...capacity. */
    uint32_t capacity;
    uint64_t next_seq;
};

static void
fp_table_mask_key(const struct fp_key *key, const struct fp_key *mask,
                  struct fp_key *dst)
{
    const uint32_t *k = (const uint32_t *) key;
    const uint32_t *m = (const uint32_t *) mask;
    uint32_t *d = (uint32_t *) dst;
    size_t i;

    for (i = 0; i < FP_TABLE_KEY_WORDS; i++) {
        d[i] = k[i] & m[i];
    }
}

static uint32_t
fp_table_hash_key(const struct fp_key *key)
{
    return hash_words((const uint32_t *) key, FP_TABLE_KEY_WORDS, 0);
}

/* Creates and returns an empty rule table with room for 'capacity' rules
 * (at least 1, at most UINT32_MAX - 1).  Never fails. */
struct fp_table *
fp_table_create(uint32_t capacity)
{
    struct fp_table *table = xzalloc(sizeof *table);

    ovs_assert(capacity > 0 && capacity < UINT32_MAX);
    hmap_init(&table->masks);
    hmap_init(&table->rules_by_id);
    table->ids = id_pool_create(1, capacity);
    table->capacity = capacity;
    return table;
}

/* Frees 'table' (nothing if it is NULL) and its rules, but not the 'data'
 * of the rules: the caller frees those first, with fp_table_remove() or its
 * own list. */
void
fp_table_destroy(struct fp_table *table)
{
    struct fp_table_rule *rule;
    struct fp_table_mask *mask;

    if (!table) {
        return;
    }
    HMAP_FOR_EACH_POP (rule, id_node, &table->rules_by_id) {
        free(rule);
    }
    HMAP_FOR_EACH_POP (mask, node, &table->masks) {
        hmap_destroy(&mask->rules);
        free(mask);
    }
    hmap_destroy(&table->rules_by_id);
    hmap_destroy(&table->masks);
    id_pool_destroy(table->ids);
    free(table);
}

static struct fp_table_mask *
fp_table_find_mask(const struct fp_table *table, const struct fp_key *mask,
                   uint32_t hash)
{
    struct fp_table_mask *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, hash, &table->masks) {
        if (!memcmp(&m->mask, mask, sizeof *mask)) {
            return m;
        }
    }
    return NULL;
}

/* Puts 'rule' into the hash table of 'mask' (created if needed), with its
 * key masked. */
static void
fp_table_link(struct fp_table *table, struct fp_table_rule *rule,
              const struct fp_key *key, const struct fp_key *mask)
{
    uint32_t mask_hash = fp_table_hash_key(mask);
    struct fp_table_mask *m;

    m = fp_table_find_mask(table, mask, mask_hash);
    if (!m) {
        m = xmalloc(sizeof *m);
        m->mask = *mask;
        hmap_init(&m->rules);
        hmap_insert(&table->masks, &m->node, mask_hash);
    }
    rule->mask = m;
    fp_table_mask_key(key, mask, &rule->key);
    hmap_insert(&m->rules, &rule->node, fp_table_hash_key(&rule->key));
}

/* Takes 'rule' out of the hash table of its mask, and frees the mask if no
 * rule uses it any more. */
static void
fp_table_unlink(struct fp_table *table, struct fp_table_rule *rule)
{
    struct fp_table_mask *m = rule->mask;

    hmap_remove(&m->rules, &rule->node);
    if (hmap_is_empty(&m->rules)) {
        hmap_remove(&table->masks, &m->node);
        hmap_destroy(&m->rules);
        free(m);
    }
    rule->mask = NULL;
}

static struct fp_table_rule *
fp_table_find_rule(const struct fp_table *table, uint32_t id)
{
    struct fp_table_rule *rule;

    HMAP_FOR_EACH_WITH_HASH (rule, id_node, hash_int(id, 0),
                             &table->rules_by_id) {
        if (rule->id == id) {
            return rule;
        }
    }
    return NULL;
}

/* Inserts a rule that matches the packets whose key equals 'key' in the
 * bits set in 'mask', with 'priority' and the opaque 'data'.  Bits of 'key'
 * outside 'mask' are ignored.  Several rules may have the same match and
 * priority; the one inserted first wins.
 *
 * Returns 0 and stores the rule's handle (nonzero) in '*idp', or ENOSPC if
 * the table is full. */
int
fp_table_insert(struct fp_table *table, const struct fp_key *key,
                const struct fp_key *mask, uint32_t priority, void *data,
                uint32_t *idp)
{
    struct fp_table_rule *rule;
    uint32_t id;

    if (!id_pool_alloc_id(table->ids, &id)) {
        return ENOSPC;
    }

    rule = xmalloc(sizeof *rule);
    rule->priority = priority;
    rule->id = id;
    rule->seq = table->next_seq++;
    rule->data = data;
    hmap_insert(&table->rules_by_id, &rule->id_node, hash_int(id, 0));
    fp_table_link(table, rule, key, mask);

    *idp = id;
    return 0;
}

/* Changes the match, priority and data of rule 'id' to 'key', 'mask',
 * 'priority' and 'data'.  The rule keeps its handle and its place among
 * rules of equal priority.  Returns 0 or ENOENT if there is no rule 'id'. */
int
fp_table_modify(struct fp_table *table, uint32_t id, const struct fp_key *key,
                const struct fp_key *mask, uint32_t priority, void *data)
{
    struct fp_table_rule *rule = fp_table_find_rule(table, id);

    if (!rule) {
        return ENOENT;
    }
    fp_table_unlink(table, rule);
    rule->priority = priority;
    rule->data = data;
    fp_table_link(table, rule, key, mask);
    return 0;
}

/* Removes rule 'id' and, if 'datap' is nonnull, stores its data in
 * '*datap'.  The handle may be reused by a later insertion.  Returns 0 or
 * ENOENT if there is no rule 'id'. */
int
fp_table_remove(struct fp_table *table, uint32_t id, void **datap)
{
    struct fp_table_rule *rule = fp_table_find_rule(table, id);

    if (!rule) {
        return ENOENT;
    }
    if (datap) {
        *datap = rule->data;
    }
    fp_table_unlink(table, rule);
    hmap_remove(&table->rules_by_id, &rule->id_node);
    id_pool_free_id(table->ids, id);
    free(rule);
    return 0;
}

/* Returns the data of rule 'id', or NULL if there is no rule 'id'. */
void *
fp_table_get(const struct fp_table *table, uint32_t id)
{
    struct fp_table_rule *rule = fp_table_find_rule(table, id);

    return rule ? rule->data : NULL;
}

/* Returns the data of the rule that matches 'key' with the highest priority
 * (among equal priorities, the one inserted first), or NULL if no rule
 * matches.  Does not allocate. */
void *
fp_table_lookup(const struct fp_table *table, const struct fp_key *key)
{
    const struct fp_table_rule *best = NULL;
    const struct fp_table_mask *m;

    HMAP_FOR_EACH (m, node, &table->masks) {
        const struct fp_table_rule *rule;
        struct fp_key masked;

        fp_table_mask_key(key, &m->mask, &masked);
        HMAP_FOR_EACH_WITH_HASH (rule, node, fp_table_hash_key(&masked),
                                 &m->rules) {
            if (!memcmp(&rule->key, &masked, sizeof masked)
                && (!best
                    || rule->priority > best->priority
                    || (rule->priority == best->priority
                        && rule->seq < best->seq))) {
                best = rule;
            }
        }
    }
    return best ? best->data : NULL;
}

/* Returns the number of rules in 'table'. */
uint32_t
fp_table_count(const struct fp_table *table)
{
    return hmap_count(&table->rules_by_id);
}

/* Returns the number of rules that 'table' can hold. */
uint32_t
fp_table_capacity(const struct fp_table *table)
{
    return table->capacity;
}

/* Returns the number of distinct masks in use in 'table'. */
size_t
fp_table_n_masks(const struct fp_table *table)
{
    return hmap_count(&table->masks);
}
