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

#ifndef FP_MODEL_EMC_H
#define FP_MODEL_EMC_H 1

/* The exact-match cache of a model engine (fp-model-emc.c): the rule that
 * the table returned for a packet's whole key, found again with one hash
 * probe.  The lookup is inline, for the engine's pipeline
 * (fp-model-engine.c); what changes the cache is out of line. */

#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "fp-model-private.h"
#include "fp-table.h"
#include "util.h"

/* Key words that an entry of the exact-match cache holds. */
#define FP_MODEL_EMC_WORDS 27

/* The first key words, which an entry holds as they are, zero or not:
 * in_port, the Ethernet addresses and type, the VLAN tags, the IP TOS, TTL
 * and TCP flags, and the IPv4 addresses, all that an IPv4 packet has before
 * its ports.  A lookup compares them with two SSE2 compares and a 64-bit
 * one, where comparing only the nonzero ones, found one by one in the
 * key's map, cost about ten instructions a word.  The entry holds the
 * nonzero ones among the later key words after them, in order, at most
 * FP_MODEL_EMC_WORDS - FP_MODEL_EMC_HEAD: keys with more (rare: IPv6
 * neighbor discovery with every option) are looked up in the rule table
 * directly. */
#define FP_MODEL_EMC_HEAD 10

/* Ways of a set of the exact-match cache.  With two, a cache of 8192
 * entries kept only about 80% of 4096 flows (keys that fall in the same
 * set evict each other); with four, about 96%; with eight, about 98%
 * (ovs-offload-bench, 10K rules over 16 masks).  Each miss costs a lookup
 * in the rule table, over every mask: at 16 masks, about 1,900
 * instructions, far more than looking at eight more ways on each hit.
 * With sixteen, a set's tags fill one cache line, as eight filled half of
 * one, and 4096 flows spread over 512 sets almost never put more than
 * sixteen in one. */
#define FP_MODEL_EMC_WAYS 16

/* Fewest masks in the rule table for which an engine uses its exact-match
 * cache.  With fewer, a lookup in the table probes as few hash tables as
 * the cache (one, over only the words that the mask selects) and touches
 * less memory than the cache's entries of 128 bytes, so the cache costs
 * more than it saves (ovs-offload-bench at 1K and 10K rules over 1 mask). */
#define FP_MODEL_EMC_MIN_MASKS 2

/* A key that misses the exact-match cache, whose set has no free way (all
 * hold keys of the current table version), takes a way from another key on
 * one such miss in FP_MODEL_EMC_EVICT; otherwise it is not cached.  When
 * more keys than ways share a set and come back in turn, evicting on every
 * miss makes keys evict each other in a chain (each comes back to find its
 * way taken); keeping the resident keys makes only the extra keys miss, as
 * dpif-netdev's probabilistic EMC insertion does.  The count is per engine,
 * not random, so that the cache's hits are the same in every run. */
#define FP_MODEL_EMC_EVICT 16

/* An entry of the exact-match cache: two cache lines, the key's first
 * FP_MODEL_EMC_HEAD words, then its later nonzero words in the order of the
 * key, so that an IPv4 packet (whose only later nonzero word holds its
 * ports) touches only the first line.  The key's hash is not in the entry
 * but in its tag (fp_model_emc_tags()), which a lookup compares first.  The
 * entry's rule is not in the entry either but in fp_model_emc_rule(), read
 * only as the entry changes or moves to a new version: a hit takes what it
 * needs of the rule, its actions and its counter, from the entry's first
 * line, without the rule's line. */
struct fp_model_emc_entry {
    const void *data;           /* fp_table_rule_data() of the rule, which
                                 * is never NULL in the model, as of
                                 * 'version'; NULL: no rule matches. */
    uint32_t version;           /* Low 32 bits of the table version. */
    uint32_t map;               /* fp_model_emc_set()'s map of the key:
                                 * its nonzero words; 0: unused. */
    uint32_t user;              /* fp_table_rule_user() of the rule, if
                                 * any: its counter, with no wait for the
                                 * rule's line.  Set once with the rule, as
                                 * the rule's own is while it is visible. */
    uint32_t words[FP_MODEL_EMC_WORDS];
};
BUILD_ASSERT_DECL(sizeof(struct fp_model_emc_entry) == 128);

void fp_model_emc_clear(struct fp_model_engine *, struct fp_model_emc_entry *);
void fp_model_emc_insert(struct fp_model_engine *,
                         struct fp_model_emc_entry *set, const struct fp_key *,
                         uint32_t hash, uint32_t map,
                         const struct fp_table_rule *, uint32_t v32);
void fp_model_emc_flush(struct fp_model_engine *);
void fp_model_emc_start(struct fp_model_engine *, const struct fp_table *,
                        uint64_t version);

/* Returns the rule of entry 'e' of the exact-match cache of 'engine', with a
 * reference that the entry holds, or NULL if no rule matches its key or
 * the entry is unused.  In an array beside the entries, as the tags are:
 * a hit reads it only for a trace. */
static inline const struct fp_table_rule *
fp_model_emc_rule(const struct fp_model_engine *engine,
                  const struct fp_model_emc_entry *e)
{
    return engine->emc_rules[e - engine->emc];
}

/* Returns 64-bit word 'i' of the 32-bit words 'k'. */
static inline uint64_t
fp_model_emc_qword(const uint32_t *k, size_t i)
{
    uint64_t q;

    memcpy(&q, &k[2 * i], sizeof q);
    return q;
}

#ifdef __SSE2__
/* Returns a bit for each of the 16 32-bit words of 'v0' to 'v3', in order,
 * that is zero. */
static inline uint32_t
fp_model_emc_zeros16(__m128i v0, __m128i v1, __m128i v2, __m128i v3)
{
    __m128i zero = _mm_setzero_si128();
    __m128i z01 = _mm_packs_epi32(_mm_cmpeq_epi32(v0, zero),
                                  _mm_cmpeq_epi32(v1, zero));
    __m128i z23 = _mm_packs_epi32(_mm_cmpeq_epi32(v2, zero),
                                  _mm_cmpeq_epi32(v3, zero));

    return _mm_movemask_epi8(_mm_packs_epi16(z01, z23));
}
#endif

/* True if the exact-match cache hashes keys with the CPU's CRC32C
 * instruction (SSE4.2), which fp-model-emc.c finds out once, as the
 * program starts: every cache of the process hashes the same way. */
extern bool fp_model_emc_crc;

#if defined(__x86_64__) && defined(__GNUC__)
/* Returns the CRC32C of the 64-bit word 'q' on 'crc'.  Inline assembly,
 * not _mm_crc32_u64(): the build does not assume SSE4.2, which the caller
 * checks (fp_model_emc_crc) before it runs this. */
static inline uint64_t
fp_model_emc_crc64(uint64_t crc, uint64_t q)
{
    asm("crc32q %1, %0" : "+r" (crc) : "rm" (q));
    return crc;
}

/* Returns the CRC32C of the 32-bit word 'w' on 'crc'. */
static inline uint64_t
fp_model_emc_crc32(uint64_t crc, uint32_t w)
{
    uint32_t c = crc;

    asm("crc32l %1, %0" : "+r" (c) : "rm" (w));
    return c;
}
#define FP_MODEL_EMC_HAVE_CRC 1
#else
#define FP_MODEL_EMC_HAVE_CRC 0
#endif

/* Returns which words of 'key' are nonzero, bit i for word i.
 *
 * 16 words at a time, their zero tests packed to a byte each for one
 * movemask, where a movemask for each four words, shifted into place, cost
 * some 20 instructions more.  The key's last three words are loaded with
 * the word before them, shifted out, so that nothing after the key is
 * read. */
static inline ALWAYS_INLINE uint32_t
fp_model_emc_map(const struct fp_key *key)
{
    const uint32_t *k = (const uint32_t *) key;
    uint32_t map = 0;

#ifdef __SSE2__
    /* 'map' has the zero words, then the others. */
    BUILD_ASSERT(FP_MODEL_KEY_WORDS == 31);
    map = fp_model_emc_zeros16(_mm_loadu_si128((const void *) &k[0]),
                               _mm_loadu_si128((const void *) &k[4]),
                               _mm_loadu_si128((const void *) &k[8]),
                               _mm_loadu_si128((const void *) &k[12]));
    map |= fp_model_emc_zeros16(
        _mm_loadu_si128((const void *) &k[16]),
        _mm_loadu_si128((const void *) &k[20]),
        _mm_loadu_si128((const void *) &k[24]),
        _mm_srli_si128(_mm_loadu_si128((const void *) &k[27]), 4)) << 16;
    map = ~map & (UINT32_MAX >> (32 - FP_MODEL_KEY_WORDS));
#else
    size_t i;

    for (i = 0; i < FP_MODEL_KEY_WORDS; i++) {
        map |= (uint32_t) (k[i] != 0) << i;
    }
#endif
    return map;
}

/* The key's word that holds its ports (tp_src and tp_dst), the only word
 * after the head of the exact-match cache (FP_MODEL_EMC_HEAD) that a key of
 * the parser's fast path may have nonzero. */
#define FP_MODEL_EMC_PORTS (offsetof(struct fp_key, tp_src) / sizeof(uint32_t))

/* The bits, in a map of the nonzero words of a key, of the words that the
 * hash of the exact-match cache takes only if one of them is nonzero: all
 * but the head and the ports' word. */
#define FP_MODEL_EMC_REST_MAP                                           \
    ((UINT32_MAX >> (32 - FP_MODEL_KEY_WORDS))                          \
     & ~((UINT32_C(1) << FP_MODEL_EMC_HEAD) - 1)                        \
     & ~(UINT32_C(1) << FP_MODEL_EMC_PORTS))

/* Stores the words of 'key' that are neither in its head nor its ports'
 * word into 'rest', two by two (FP_MODEL_EMC_N_REST 64-bit words): words
 * FP_MODEL_EMC_HEAD to FP_MODEL_EMC_PORTS - 1, then the four words after
 * the ports' one. */
#define FP_MODEL_EMC_N_REST 10
static inline ALWAYS_INLINE void
fp_model_emc_rest(const struct fp_key *key, uint64_t rest[])
{
    const uint32_t *k = (const uint32_t *) key;
    size_t i;

    BUILD_ASSERT(FP_MODEL_EMC_HEAD % 2 == 0);
    BUILD_ASSERT(FP_MODEL_EMC_PORTS % 2 == 0);
    BUILD_ASSERT(FP_MODEL_KEY_WORDS == FP_MODEL_EMC_PORTS + 5);
    BUILD_ASSERT((FP_MODEL_EMC_PORTS - FP_MODEL_EMC_HEAD) / 2 + 2
                 == FP_MODEL_EMC_N_REST);
    for (i = 0; i < (FP_MODEL_EMC_PORTS - FP_MODEL_EMC_HEAD) / 2; i++) {
        rest[i] = fp_model_emc_qword(k, FP_MODEL_EMC_HEAD / 2 + i);
    }
    memcpy(&rest[i], &k[FP_MODEL_EMC_PORTS + 1], sizeof rest[i]);
    memcpy(&rest[i + 1], &k[FP_MODEL_EMC_PORTS + 3], sizeof rest[i + 1]);
}

/* Returns the hash of 'key' for the exact-match cache, with the CPU's
 * CRC32C instruction if 'crc' (which only fp_model_emc_crc may be, but for
 * tests).  'rest' must be true if any word of 'key' in
 * FP_MODEL_EMC_REST_MAP is nonzero, and may be true otherwise: the hash
 * takes the key's head and its ports' word, and the other words only if
 * one of them is nonzero, so that a key of the parser's fast path, which
 * has none, hashes 5 64-bit words and one 32-bit word, not 16 (the same
 * hash either way: a pure function of the key).
 *
 * Hardware would hash the whole key in one cycle.  With CRC32C, one
 * instruction a 64-bit word (its load folded in), in two independent
 * chains, the second one's CRC folded into the first's at the end.
 * Without it, four independent multiply-xor lanes over the key's 64-bit
 * words keep the dependency chains short, and the final mix (MurmurHash3's
 * fmix64) spreads every bit into the low bits that index the cache.
 * Either way, what a lookup finds does not depend on the hash: the full
 * key compare decides.  Always inlined, as fp_model_emc_set(): GCC 12
 * otherwise calls them from the engine's pass, for some 10 instructions a
 * packet. */
static inline ALWAYS_INLINE uint32_t
fp_model_emc_hash__(const struct fp_key *key, bool crc, bool rest)
{
    const uint64_t prime = UINT64_C(0x9e3779b97f4a7c15);
    const uint32_t *k = (const uint32_t *) key;
    uint64_t r[FP_MODEL_EMC_N_REST];
    uint64_t a, b, c, d, h, any;
    size_t i;

    BUILD_ASSERT(FP_MODEL_EMC_HEAD == 10);
    if (rest) {
        fp_model_emc_rest(key, r);
        any = 0;
        for (i = 0; i < FP_MODEL_EMC_N_REST; i++) {
            any |= r[i];
        }
        rest = any != 0;
    }

#if FP_MODEL_EMC_HAVE_CRC
    if (OVS_LIKELY(crc)) {
        a = fp_model_emc_crc64(1, fp_model_emc_qword(k, 0));
        b = fp_model_emc_crc64(2, fp_model_emc_qword(k, 3));
        a = fp_model_emc_crc64(a, fp_model_emc_qword(k, 1));
        b = fp_model_emc_crc64(b, fp_model_emc_qword(k, 4));
        a = fp_model_emc_crc64(a, fp_model_emc_qword(k, 2));
        b = fp_model_emc_crc32(b, k[FP_MODEL_EMC_PORTS]);
        h = fp_model_emc_crc64(a, b);
        if (OVS_UNLIKELY(rest)) {
            c = 3;
            d = 4;
#pragma GCC unroll 16
            for (i = 0; i < FP_MODEL_EMC_N_REST; i += 2) {
                c = fp_model_emc_crc64(c, r[i]);
                d = fp_model_emc_crc64(d, r[i + 1]);
            }
            h = fp_model_emc_crc64(h, fp_model_emc_crc64(c, d));
        }
        return h;
    }
#else
    ovs_assert(!crc);
#endif

    /* The key is 32-bit aligned: fp_model_emc_qword() makes each 64-bit
     * load legal, and compiles to one move. */
    a = (1 ^ fp_model_emc_qword(k, 0)) * prime;
    b = (2 ^ fp_model_emc_qword(k, 1)) * prime;
    c = (3 ^ fp_model_emc_qword(k, 2)) * prime;
    d = (4 ^ fp_model_emc_qword(k, 3)) * prime;
    a = (a ^ fp_model_emc_qword(k, 4)) * prime;
    b = (b ^ k[FP_MODEL_EMC_PORTS]) * prime;
    if (OVS_UNLIKELY(rest)) {
        for (i = 0; i + 4 <= FP_MODEL_EMC_N_REST; i += 4) {
            a = (a ^ r[i]) * prime;
            b = (b ^ r[i + 1]) * prime;
            c = (c ^ r[i + 2]) * prime;
            d = (d ^ r[i + 3]) * prime;
        }
        for (; i < FP_MODEL_EMC_N_REST; i++) {
            c = (c ^ r[i]) * prime;
        }
    }

    h = a ^ ((b << 16) | (b >> 48)) ^ ((c << 32) | (c >> 32))
        ^ ((d << 48) | (d >> 16));
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

/* Returns the hash of 'key' for the exact-match cache:
 * fp_model_emc_hash__() the way that every cache of the process hashes. */
static inline ALWAYS_INLINE uint32_t
fp_model_emc_hash(const struct fp_key *key)
{
    return fp_model_emc_hash__(key, fp_model_emc_crc, true);
}

/* Returns true if 'map', a map of the nonzero words of a key (bit i for
 * word i), has more than FP_MODEL_EMC_WORDS - FP_MODEL_EMC_HEAD bits after
 * its first FP_MODEL_EMC_HEAD, so that the exact-match cache cannot hold
 * the key.  The key has TAIL = FP_MODEL_KEY_WORDS - FP_MODEL_EMC_HEAD words
 * after its head: it has too many nonzero ones if it has fewer than TAIL -
 * (FP_MODEL_EMC_WORDS - FP_MODEL_EMC_HEAD) zero ones, which takes a few
 * instructions to test (a bit cleared for each of the least zero words
 * allowed), where counting the bits without a population count instruction
 * takes about 15 (tests/unit/test-fp-model.c checks it against
 * count_1bits()). */
static inline bool
fp_model_emc_too_many(uint32_t map)
{
    enum {
        TAIL = FP_MODEL_KEY_WORDS - FP_MODEL_EMC_HEAD,
        ROOM = FP_MODEL_EMC_WORDS - FP_MODEL_EMC_HEAD,
    };
    uint32_t zeros = ~(map >> FP_MODEL_EMC_HEAD) & (UINT32_MAX >> (32 - TAIL));
    int i;

    if (ROOM >= TAIL) {
        return false;
    }
#pragma GCC unroll 32
    for (i = 0; i < (int) (TAIL - ROOM) - 1; i++) {
        zeros &= zeros - 1;
    }
    return !zeros;
}

/* The bits of the head in the map of a key of the exact-match cache: all
 * set, whatever the head's words, which an entry holds and a lookup
 * compares as they are.  So a key's map is never 0, an unused entry's. */
#define FP_MODEL_EMC_HEAD_MAP ((UINT32_C(1) << FP_MODEL_EMC_HEAD) - 1)

/* Returns the map of the exact-match cache of 'key' if 'fast' (see
 * fp_model_emc_set()): the head's bits and the bit of the ports' word if
 * it is nonzero, with no vector compare. */
static inline uint32_t
fp_model_emc_fast_map(const struct fp_key *key)
{
    enum { PORTS = offsetof(struct fp_key, tp_src) / sizeof(uint32_t) };
    const uint32_t *k = (const uint32_t *) key;

    BUILD_ASSERT(offsetof(struct fp_key, tp_src) % sizeof(uint32_t) == 0);
    BUILD_ASSERT(offsetof(struct fp_key, tp_dst)
                 == offsetof(struct fp_key, tp_src) + 2);
    BUILD_ASSERT(PORTS >= FP_MODEL_EMC_HEAD);
    BUILD_ASSERT(offsetof(struct fp_key, nw_dst) / sizeof(uint32_t)
                 < FP_MODEL_EMC_HEAD);
    return FP_MODEL_EMC_HEAD_MAP | (uint32_t) (k[PORTS] != 0) << PORTS;
}

/* What finding a key's set in the exact-match cache of an engine reads of
 * the engine and of the process (fp_model_emc_crc), which an engine's pass
 * reads once for all its packets (fp_model_emc_sets_init()): read for each
 * packet, as fp_model_emc_set() does, the compiler reads them again after
 * every parse, since the parse's byte stores into a key might change them
 * as far as it knows. */
struct fp_model_emc_sets {
    struct fp_model_emc_entry *emc;     /* The engine's 'emc'. */
    const uint32_t *tags;               /* The engine's 'emc_tags'. */
    uint32_t mask;                      /* The engine's 'emc_mask' but its
                                         * way bits: a hash's first way. */
    bool crc;                           /* fp_model_emc_crc. */
};

/* Initializes 'sets' for the exact-match cache of 'engine', which must
 * have one. */
static inline void
fp_model_emc_sets_init(struct fp_model_emc_sets *sets,
                       const struct fp_model_engine *engine)
{
    sets->emc = engine->emc;
    sets->tags = engine->emc_tags;
    sets->mask = engine->emc_mask & ~(FP_MODEL_EMC_WAYS - 1);
    sets->crc = fp_model_emc_crc;
}

/* fp_model_emc_set() with what it reads of the engine in 'sets'. */
static inline ALWAYS_INLINE struct fp_model_emc_entry *
fp_model_emc_sets_set(const struct fp_model_emc_sets *sets,
                      const struct fp_key *key, bool fast, uint32_t *hashp,
                      uint32_t *mapp)
{
    if (OVS_LIKELY(fast)) {
        *mapp = fp_model_emc_fast_map(key);
        *hashp = fp_model_emc_hash__(key, sets->crc, false);
    } else {
        *mapp = fp_model_emc_map(key) | FP_MODEL_EMC_HEAD_MAP;
        if (fp_model_emc_too_many(*mapp)) {
            *hashp = 0;
            return NULL;
        }
        *hashp = fp_model_emc_hash__(key, sets->crc,
                                     *mapp & FP_MODEL_EMC_REST_MAP);
    }
    return &sets->emc[*hashp & sets->mask];
}

/* Returns the set of the exact-match cache of 'engine' (which must have
 * one) for 'key', and stores the key's hash in '*hashp' and its map in
 * '*mapp': its nonzero words after the head (bit i for word i) and every
 * bit of the head (FP_MODEL_EMC_HEAD_MAP); or returns NULL if the cache
 * cannot hold the key (too many nonzero words: fp_model_emc_too_many()),
 * with a hash of 0.  'fast' tells that the key is one of fp_parse()'s
 * fast path (struct fp_parse_layers's 'fast'), which has no nonzero word
 * after the head but the ports' one: then its map takes no vector compare,
 * it always fits, and its hash skips the other words (test-fp-model-emc
 * checks that both ways give the same map and hash). */
static inline ALWAYS_INLINE struct fp_model_emc_entry *
fp_model_emc_set(const struct fp_model_engine *engine,
                 const struct fp_key *key, bool fast, uint32_t *hashp,
                 uint32_t *mapp)
{
    struct fp_model_emc_sets sets;

    fp_model_emc_sets_init(&sets, engine);
    return fp_model_emc_sets_set(&sets, key, fast, hashp, mapp);
}

/* Returns true if 'e' holds 'key', whose map (fp_model_emc_set()) is 'map',
 * for any version.  Compares the whole key, not the hash: the caller
 * looks only in the ways whose tag is the key's hash (fp_model_emc_ways()),
 * and a tag is only a part of what tells keys apart. */
static inline bool
fp_model_emc_match(const struct fp_model_emc_entry *e,
                   const struct fp_key *key, uint32_t map)
{
    const uint32_t *k = (const uint32_t *) key;
    const uint32_t *w = e->words + FP_MODEL_EMC_HEAD;
    uint64_t diff;

    if (e->map != map) {
        return false;
    }
    /* The words of an entry whose map and tag match are almost always
     * equal: no branch per word.  The head's words, at the same places in
     * both, are compared 4, 4 and 2 at a time; the later nonzero words one
     * by one, with 32-bit operations on the map, 10 instructions a word,
     * but for the ports' word alone. */
#ifdef __SSE2__
    __m128i eq;

    BUILD_ASSERT(FP_MODEL_EMC_HEAD == 10);
    eq = _mm_and_si128(
        _mm_cmpeq_epi32(_mm_loadu_si128((const void *) &k[0]),
                        _mm_loadu_si128((const void *) &e->words[0])),
        _mm_cmpeq_epi32(_mm_loadu_si128((const void *) &k[4]),
                        _mm_loadu_si128((const void *) &e->words[4])));
    diff = _mm_movemask_epi8(eq) ^ 0xffff;
    diff |= fp_model_emc_qword(k, 4) ^ fp_model_emc_qword(e->words, 4);
#else
    size_t i;

    diff = 0;
    for (i = 0; i < FP_MODEL_EMC_HEAD; i++) {
        diff |= k[i] ^ e->words[i];
    }
#endif
    if (OVS_LIKELY(map == (FP_MODEL_EMC_HEAD_MAP
                           | UINT32_C(1) << FP_MODEL_EMC_PORTS))) {
        /* Only the ports' word, as in a TCP or UDP packet over IPv4: the
         * loop below, unrolled, without its bit scans. */
        diff |= k[FP_MODEL_EMC_PORTS] ^ *w;
    } else {
        for (map >>= FP_MODEL_EMC_HEAD; map; map &= map - 1) {
            diff |= k[FP_MODEL_EMC_HEAD + raw_ctz(map)] ^ *w++;
        }
    }
    return !diff;
}

/* Returns true if 'engine' looks packets up in its exact-match cache before
 * the rule table of 'model': it has one, and the table has at least
 * FP_MODEL_EMC_MIN_MASKS masks.  Either way the result of a lookup is the
 * same: the cache holds only what the table returned for the same key in
 * the same version. */
static inline bool
fp_model_emc_active(const struct fp_model *model,
                    const struct fp_model_engine *engine)
{
    return (engine->emc
            && fp_table_n_masks(model->table) >= FP_MODEL_EMC_MIN_MASKS);
}

/* Returns true if 'e', made in an older table version than 'version', is
 * still right in 'version': its rule is not removed and no rule that might
 * beat it was added since it was made, or it has no rule and no rule at
 * all was added since.  Reads the entry's rule and the rule's cache line. */
static inline bool
fp_model_emc_still_right(const struct fp_model_engine *engine,
                         const struct fp_model_emc_entry *e, uint64_t version)
{
    const struct fp_table_rule *rule = fp_model_emc_rule(engine, e);
    uint32_t age = (uint32_t) version - e->version;

    return (rule
            ? (age <= engine->emc_keep
               && !fp_table_rule_removed(rule, version))
            : age <= engine->emc_keep_miss);
}

/* Returns the tags of the ways of 'set' of the exact-match cache of
 * 'engine': FP_MODEL_EMC_WAYS hashes in 64 bytes, a cache line. */
static inline const uint32_t *
fp_model_emc_tags(const struct fp_model_engine *engine,
                  const struct fp_model_emc_entry *set)
{
    return &engine->emc_tags[set - engine->emc];
}

/* fp_model_emc_tags() of the set for a key of 'hash' (fp_model_emc_set()'s),
 * with what it reads of the engine in 'sets'. */
static inline const uint32_t *
fp_model_emc_sets_tags(const struct fp_model_emc_sets *sets, uint32_t hash)
{
    return &sets->tags[hash & sets->mask];
}

/* Returns the ways, among the tags 'tags' of a set, whose tag is 'hash' (see
 * fp_model_emc_ways()). */
static inline uint32_t
fp_model_emc_ways__(const uint32_t *tags, uint32_t hash)
{
    uint32_t ways = 0;

#ifdef __SSE2__
    __m128i h = _mm_set1_epi32(hash);
    size_t i;

    BUILD_ASSERT(FP_MODEL_EMC_WAYS % 4 == 0);
#pragma GCC unroll 8
    for (i = 0; i < FP_MODEL_EMC_WAYS; i += 4) {
        __m128i t = _mm_load_si128((const void *) &tags[i]);
        __m128i eq = _mm_cmpeq_epi32(t, h);

        ways |= (uint32_t) _mm_movemask_ps(_mm_castsi128_ps(eq)) << i;
    }
#else
    size_t i;

    for (i = 0; i < FP_MODEL_EMC_WAYS; i++) {
        ways |= (uint32_t) (tags[i] == hash) << i;
    }
#endif
    return ways;
}

/* Returns the ways of 'set' of the exact-match cache of 'engine' that may
 * hold a key of 'hash', as a bitmap (bit i for way i): those whose tag is
 * 'hash'.  Reads only the set's tags, not its entries, so
 * that a lookup touches the tags' line and then one entry's first line,
 * where reading each way's 'map' and 'hash' touched FP_MODEL_EMC_WAYS
 * lines. */
static inline uint32_t
fp_model_emc_ways(const struct fp_model_engine *engine,
                  const struct fp_model_emc_entry *set, uint32_t hash)
{
    return fp_model_emc_ways__(fp_model_emc_tags(engine, set), hash);
}

/* Returns fp_model_emc_ways() of 'hash' in 'set' of the exact-match cache
 * of 'sets', and prefetches the first of those ways, almost always the
 * only one, for fp_model_emc_find(). */
static inline uint32_t
fp_model_emc_prefetch(const struct fp_model_emc_sets *sets,
                      const struct fp_model_emc_entry *set, uint32_t hash)
{
    uint32_t ways = fp_model_emc_ways__(fp_model_emc_sets_tags(sets, hash),
                                        hash);

    if (ways) {
        OVS_PREFETCH(&set[raw_ctz(ways)]);
    }
    return ways;
}

/* Looks up 'key' (of fp_model_emc_set()'s 'map') in 'set' of the
 * exact-match cache of 'engine', as of table 'version', in the ways of
 * 'ways' (fp_model_emc_ways() of the key's hash; the others cannot hold the
 * key).
 * Returns the entry and stores its rule's data in '*datap' (NULL: no rule
 * matches) and its rule's fp_table_rule_user() in '*userp' (if it has a
 * rule), if the cache has the key, from this version or from an older one
 * in which it is still right (the entry then moves to this version, whose
 * rule is then visible in it, not removed: its 'user' is still its own, and
 * its data is read again, which fp_table_rule_set_data() may have changed
 * since); an entry that is no longer right is dropped.  Returns NULL if the
 * cache does not have the key.  The entry's rule is
 * fp_model_emc_rule().  Always inlined: GCC 12 otherwise calls it from the
 * engine's pass, once a packet. */
static inline ALWAYS_INLINE struct fp_model_emc_entry *
fp_model_emc_find(struct fp_model_engine *engine,
                  struct fp_model_emc_entry *set, uint32_t ways,
                  const struct fp_key *key, uint32_t map, uint64_t version,
                  const void **datap, uint32_t *userp)
{
    for (; ways; ways &= ways - 1) {
        struct fp_model_emc_entry *e = &set[raw_ctz(ways)];

        if (fp_model_emc_match(e, key, map)) {
            if (OVS_UNLIKELY(e->version != (uint32_t) version)) {
                const struct fp_table_rule *rule;

                if (!fp_model_emc_still_right(engine, e, version)) {
                    fp_model_emc_clear(engine, e);
                    return NULL;
                }
                rule = fp_model_emc_rule(engine, e);
                e->data = rule ? fp_table_rule_data(rule) : NULL;
                e->version = version;
            }
            *datap = e->data;
            *userp = e->user;
            return e;
        }
    }
    return NULL;
}

#endif /* fp-model-emc.h */
