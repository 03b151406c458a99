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

/* Unit tests of the exact-match cache of a model engine
 * (lib/fp-model-emc.h) on its own, on an engine record with one set and
 * no device: a lookup finds a key's entry only if every word of the key is
 * the entry's, even when the hash and the map of nonzero words are the
 * same (as when two keys' hashes collide), which traffic through a device
 * almost never shows. */

#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "fp-model-emc.h"
#include "fp-model-private.h"
#include "random.h"
#include "util.h"

/* The one set of the cache of 'engine', with FP_MODEL_EMC_WAYS entries and
 * their tags. */
static void
emc_init(struct fp_model_engine *engine)
{
    memset(engine, 0, sizeof *engine);
    engine->emc = xzalloc_cacheline(FP_MODEL_EMC_WAYS * sizeof *engine->emc);
    engine->emc_tags = xzalloc_cacheline(FP_MODEL_EMC_WAYS
                                         * sizeof *engine->emc_tags);
    engine->emc_mask = FP_MODEL_EMC_WAYS - 1;
}

static void
emc_destroy(struct fp_model_engine *engine)
{
    free_cacheline(engine->emc);
    free_cacheline(engine->emc_tags);
}

/* Looks 'key' up in 'set' of 'engine' with 'hash' and 'map' as its hash and
 * map, in version 1.  Returns true if the cache has it (with no rule). */
static bool
emc_lookup(const struct fp_model_engine *engine,
           struct fp_model_emc_entry *set, const struct fp_key *key,
           uint32_t hash, uint32_t map)
{
    const struct fp_table_rule *rule = (const void *) engine;
    uint32_t user;
    bool found;

    found = fp_model_emc_find(engine, set,
                              fp_model_emc_ways(engine, set, hash),
                              key, map, 1, &rule, &user);
    if (found) {
        assert_null(rule);
    }
    return found;
}

/* A key with every word of the entry's head nonzero but two (zero words
 * are compared as they are), and every third later word nonzero, is found
 * again; the same key with any one nonzero word changed is not, with the
 * same hash and map, nor the key with another hash. */
static void
test_fp_model_emc_words(void **state OVS_UNUSED)
{
    struct fp_model_engine engine;
    struct fp_model_emc_entry *set;
    struct fp_key key, other;
    uint32_t *w = (uint32_t *) &key;
    uint32_t *o = (uint32_t *) &other;
    uint32_t hash, map;
    int round;
    size_t i;

    BUILD_ASSERT(FP_MODEL_EMC_HEAD > 6);
    emc_init(&engine);
    random_set_seed(1);
    for (round = 0; round < 20; round++) {
        for (i = 0; i < FP_MODEL_EMC_WAYS; i++) {
            fp_model_emc_clear(&engine.emc[i]);
        }
        for (i = 0; i < FP_MODEL_KEY_WORDS; i++) {
            bool nonzero = (i < FP_MODEL_EMC_HEAD
                            ? i != 5 && i != 6
                            : i % 3 == 0);

            w[i] = nonzero ? (random_uint32() >> 1) + 1 : 0;
        }
        set = fp_model_emc_set(&engine, &key, &hash, &map);
        assert_non_null(set);
        assert_ptr_equal(set, engine.emc);
        fp_model_emc_insert(&engine, set, &key, hash, map, NULL, 1);
        assert_true(emc_lookup(&engine, set, &key, hash, map));
        assert_false(emc_lookup(&engine, set, &key, hash + 1, map));

        for (i = 0; i < FP_MODEL_KEY_WORDS; i++) {
            if (w[i]) {
                other = key;
                o[i] += 1;
                assert_false(emc_lookup(&engine, set, &other, hash, map));
            }
        }
    }
    emc_destroy(&engine);
}

/* The map of a key's nonzero words (fp_model_emc_hash(), vectorized) has
 * a bit for each nonzero word, and only those, for keys with each word
 * zero or not at random, and for the key that is all zeros or all ones. */
static void
test_fp_model_emc_map(void **state OVS_UNUSED)
{
    struct fp_key key;
    uint32_t *w = (uint32_t *) &key;
    int round;
    size_t i;

    random_set_seed(2);
    for (round = 0; round < 10000; round++) {
        uint32_t expected = 0;
        uint32_t bits = random_uint32();
        uint32_t map;

        for (i = 0; i < FP_MODEL_KEY_WORDS; i++) {
            w[i] = (round == 0 ? 0
                    : round == 1 ? UINT32_MAX
                    : bits & (1u << i) ? random_uint32() | (1u << (i % 32))
                    : 0);
            expected |= (uint32_t) (w[i] != 0) << i;
        }
        fp_model_emc_hash(&key, &map);
        assert_int_equal(map, expected);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_model_emc_map),
        cmocka_unit_test(test_fp_model_emc_words),
    };

    return cmocka_run_group_tests_name("fp_model_emc", tests, NULL, NULL);
}
