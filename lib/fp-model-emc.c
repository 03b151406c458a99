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

#include "fp-model-emc.h"

#include "fp-table.h"
#include "util.h"

/* The exact-match cache of a model engine: what changes it.  Its lookup is
 * inline, in fp-model-emc.h.  Only the engine's thread changes its cache,
 * but for fp_model_emc_flush() once the thread is gone. */

bool fp_model_emc_crc;

/* Sets fp_model_emc_crc if the CPU has SSE4.2's CRC32C instruction, before
 * any cache is used. */
OVS_CONSTRUCTOR(fp_model_emc_crc_init)
{
#if FP_MODEL_EMC_HAVE_CRC
    fp_model_emc_crc = __builtin_cpu_supports("sse4.2");
#endif
}

/* Drops entry 'e' of the exact-match cache of 'engine', and its
 * reference. */
void
fp_model_emc_clear(struct fp_model_engine *engine,
                   struct fp_model_emc_entry *e)
{
    if (e->map) {
        size_t i = e - engine->emc;

        fp_table_rule_unref(engine->emc_rules[i]);
        engine->emc_rules[i] = NULL;
        e->data = NULL;
        e->map = 0;
    }
}

/* Caches 'rule' (NULL: none matches) for 'key' (of fp_model_emc_set()'s
 * 'hash' and 'map') in 'set' of the exact-match cache of 'engine', as of
 * table version 'v32' (low 32 bits), with a reference on the rule: in the
 * first way of the set that is unused, or else that
 * holds an older version; else, on one such call in FP_MODEL_EMC_EVICT, in
 * the way that the top bits of the hash pick, so that keys that share a set
 * keep their ways as long as they can.  'rule' must be the result of a
 * lookup in this RCU epoch. */
void
fp_model_emc_insert(struct fp_model_engine *engine,
                    struct fp_model_emc_entry *set, const struct fp_key *key,
                    uint32_t hash, uint32_t map,
                    const struct fp_table_rule *rule, uint32_t v32)
{
    const uint32_t *k = (const uint32_t *) key;
    struct fp_model_emc_entry *e = set;
    size_t i;

    BUILD_ASSERT(IS_POW2(FP_MODEL_EMC_WAYS));
    for (i = 0; i < FP_MODEL_EMC_WAYS && e[i].map; i++) {
        continue;
    }
    if (i == FP_MODEL_EMC_WAYS) {
        for (i = 0; i < FP_MODEL_EMC_WAYS && e[i].version == v32; i++) {
            continue;
        }
    }
    if (i == FP_MODEL_EMC_WAYS) {
        if (engine->emc_conflicts++ % FP_MODEL_EMC_EVICT) {
            return;
        }
        i = hash >> 16 & (FP_MODEL_EMC_WAYS - 1);
    }
    e += i;
    engine->emc_tags[e - engine->emc] = hash;
    if (rule) {
        fp_table_rule_ref(rule);
    }
    fp_model_emc_clear(engine, e);
    engine->emc_rules[e - engine->emc] = rule;
    e->data = rule ? fp_table_rule_data(rule) : NULL;
    e->user = rule ? fp_table_rule_user(rule) : 0;
    e->version = v32;
    e->map = map;
    memcpy(e->words, k, FP_MODEL_EMC_HEAD * sizeof *k);
    map >>= FP_MODEL_EMC_HEAD;
    for (i = FP_MODEL_EMC_HEAD; map; i++) {
        e->words[i] = k[FP_MODEL_EMC_HEAD + raw_ctz(map)];
        map = zero_rightmost_1bit(map);
    }
}

/* Drops every entry of the exact-match cache of 'engine' (which may have
 * none), and their references on rules.  Called by the engine's thread, or
 * once the engine's thread is gone, before the rule table is destroyed. */
void
fp_model_emc_flush(struct fp_model_engine *engine)
{
    size_t i;

    if (engine->emc) {
        for (i = 0; i <= engine->emc_mask; i++) {
            fp_model_emc_clear(engine, &engine->emc[i]);
        }
    }
}

/* Returns the age, in table versions, of the oldest entries of the
 * exact-match cache that are still right in 'version', if 'last' is the
 * last version in which a rule that might change them became visible:
 * those made in 'last' or later.  'last' may be newer than 'version' (see
 * fp_table_add_version()). */
static uint32_t
fp_model_emc_keep(uint64_t version, uint64_t last)
{
    return last < version ? MIN(version - last, UINT32_MAX) : 0;
}

/* Readies the exact-match cache of 'engine' (which may have none) for a
 * poll of its ports in table 'version' of 'table': how old its entries may
 * be and still be right (see fp_model_emc_still_right()), and a flush once
 * the version gets 2**32 - 1 past the cache's base, so that the low 32 bits
 * of a version in an entry are never ambiguous. */
void
fp_model_emc_start(struct fp_model_engine *engine,
                   const struct fp_table *table, uint64_t version)
{
    if (engine->emc) {
        if (version - engine->emc_base >= UINT32_MAX) {
            fp_model_emc_flush(engine);
            engine->emc_base = version;
        }
        engine->emc_keep = fp_model_emc_keep(version,
                                             fp_table_beat_version(table));
        engine->emc_keep_miss = fp_model_emc_keep(version,
                                                  fp_table_add_version(table));
    }
}
