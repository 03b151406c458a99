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

/* ovs-offload-bench's classifier section ("cls"): the model's rule table
 * (lib/fp-table.h's batched lookup, without the engine: no parse, no
 * exact-match cache, no action) against three software classifiers, on
 * the same rule set and the same packets, one thread each:
 *
 *   - OVS's classifier (lib/classifier.h), one classifier_lookup() per
 *     packet's flow;
 *
 *   - DPDK's rte_acl, a context built with the same rules: fields IP
 *     protocol, destination IP with its prefix, destination port (exact or
 *     any), and the rule's priority, rte_acl_classify() on batches of 32;
 *
 *   - for a rule set whose every rule is exact (one mask: nw_dst/32 and
 *     tp_dst), DPDK's rte_hash on (nw_dst, tp_dst),
 *     rte_hash_lookup_bulk_data() on batches of 32.
 *
 * For each point of the run (the masked rule sets) and each rule count
 * of the points (the exact rule sets; in the short mode, the first point's
 * only) it prints one line: the model's lookups per second,
 * then each peer's and the ratio of the model's to it.  Before the timing,
 * each peer looks up every packet once and its hits are checked against the
 * model's: the same rule, or a rule of the same priority (a tie, which each
 * classifier breaks its own way); the line says whether all agree.
 *
 * rte_acl and rte_hash need DPDK's EAL (without one, DPDK 22.11's
 * rte_hash_create() fails with ENOMEM, having no memory for its ring, and
 * rte_acl_create() crashes on its list's tail queue): this section starts
 * it as ovs-offload-bench-dpdk.c does (OVS's dpdk_init()) unless that
 * section, which main() runs first, already did. */

#include <config.h>

#include "ovs-offload-bench.h"

#include <rte_acl.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_memory.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classifier.h"
#include "dpdk.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp-table.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "ovs-numa.h"
#include "ovs-rcu.h"
#include "smap.h"
#include "util.h"

/* Lookups per call of every peer: the model engine's batch. */
#define CLS_BATCH FP_TABLE_BATCH
BUILD_ASSERT_DECL(BENCH_N_PKTS % CLS_BATCH == 0);

/* rte_acl's input: IP protocol, destination IP, L4 ports, in network order,
 * as in a packet (DPDK's ACL wants a first field of one byte). */
struct cls_acl_input {
    uint8_t nw_proto;
    uint8_t pad[3];
    ovs_be32 nw_dst;
    ovs_be16 tp_src;
    ovs_be16 tp_dst;
};

enum {
    CLS_ACL_PROTO,
    CLS_ACL_DST,
    CLS_ACL_SRC_PORT,
    CLS_ACL_DST_PORT,
    CLS_ACL_N_FIELDS
};

RTE_ACL_RULE_DEF(cls_acl_rule, CLS_ACL_N_FIELDS);

/* rte_hash's key. */
struct cls_hash_key {
    ovs_be32 nw_dst;
    ovs_be16 tp_dst;
    uint16_t pad;
};

/* The peers, in the order of the output. */
enum cls_peer {
    CLS_MODEL,
    CLS_OVSCLS,
    CLS_ACL,
    CLS_HASH,
    CLS_N_PEERS
};

static const char *const cls_peer_names[CLS_N_PEERS] = {
    "model", "ovscls", "rte_acl", "rte_hash",
};

/* One rule set, its packets as each peer takes them, and the peers. */
struct cls_set {
    struct bench_rule *rules;
    size_t n_rules;
    int n_masks;                /* 0: every rule exact. */

    /* The packets, as each peer takes them. */
    struct fp_key *keys;
    const struct fp_key **key_ptrs;
    struct flow *flows;
    struct cls_acl_input *acl_in;
    const uint8_t **acl_ptrs;
    struct cls_hash_key *hash_keys;
    const void **hash_ptrs;

    /* The peers. */
    struct fp_table *table;
    uint64_t version;
    struct classifier cls;
    struct cls_rule *crules;
    bool *in_cls;
    struct rte_acl_ctx *acl;
    struct rte_hash *hash;

    /* The rule (index in 'rules') each peer found for each packet, or -1. */
    int32_t (*hits)[BENCH_N_PKTS];
    uint64_t sink;              /* Keeps the timed lookups' results. */
};

static bool cls_eal_tried;

/* Starts DPDK's EAL unless it runs already, as ovs-offload-bench-dpdk.c
 * does, without its vdev.  Returns true if the EAL runs. */
static bool
cls_start_eal(void)
{
    if (!dpdk_available() && !cls_eal_tried) {
        struct smap cfg = SMAP_INITIALIZER(&cfg);

        cls_eal_tried = true;
        smap_add(&cfg, "dpdk-init", "try");
        smap_add(&cfg, "dpdk-extra",
                 "--no-huge --legacy-mem -m 1024 --no-pci --no-shconf "
                 "--no-telemetry");
        ovs_numa_init();
        dpdk_init(&cfg);
        smap_destroy(&cfg);
    }
    return dpdk_available();
}

/* Builds the rule set of 'n_rules' rules over 'n_masks' masks (0: every
 * rule exact: nw_dst/32 and tp_dst) and BENCH_N_PKTS packets that hit it,
 * as each peer takes them. */
static void
cls_set_init(struct cls_set *s, size_t n_rules, int n_masks)
{
    uint8_t pkt[BENCH_PKT_SIZE];
    size_t i;

    memset(s, 0, sizeof *s);
    s->n_rules = n_rules;
    s->n_masks = n_masks;
    s->rules = xmalloc(n_rules * sizeof *s->rules);
    bench_make_rules(s->rules, n_rules, n_masks ? n_masks : 1);
    if (!n_masks) {
        for (i = 0; i < n_rules; i++) {
            s->rules[i].tp_mask = UINT16_MAX;
            s->rules[i].tp_dst = bench_rand();
        }
    }

    s->keys = xcalloc(BENCH_N_PKTS, sizeof *s->keys);
    s->key_ptrs = xmalloc(BENCH_N_PKTS * sizeof *s->key_ptrs);
    s->flows = xcalloc(BENCH_N_PKTS, sizeof *s->flows);
    s->acl_in = xcalloc(BENCH_N_PKTS, sizeof *s->acl_in);
    s->acl_ptrs = xmalloc(BENCH_N_PKTS * sizeof *s->acl_ptrs);
    s->hash_keys = xcalloc(BENCH_N_PKTS, sizeof *s->hash_keys);
    s->hash_ptrs = xmalloc(BENCH_N_PKTS * sizeof *s->hash_ptrs);
    s->hits = xmalloc(CLS_N_PEERS * sizeof *s->hits);
    for (i = 0; i < BENCH_N_PKTS; i++) {
        ovs_be32 nw_dst;
        ovs_be16 tp_src, tp_dst;

        /* Every peer's input comes from the same packet's bytes. */
        bench_packet(&s->rules[bench_rand() % n_rules], pkt);
        memcpy(&nw_dst, &pkt[30], 4);
        memcpy(&tp_src, &pkt[34], 2);
        memcpy(&tp_dst, &pkt[36], 2);

        s->keys[i].eth_type = htons(0x0800);
        s->keys[i].nw_proto = pkt[23];
        s->keys[i].nw_ttl = pkt[22];
        s->keys[i].nw_dst = nw_dst;
        s->keys[i].tp_src = tp_src;
        s->keys[i].tp_dst = tp_dst;
        s->key_ptrs[i] = &s->keys[i];

        s->flows[i].dl_type = htons(0x0800);
        s->flows[i].nw_proto = pkt[23];
        s->flows[i].nw_ttl = pkt[22];
        s->flows[i].nw_dst = nw_dst;
        s->flows[i].tp_src = tp_src;
        s->flows[i].tp_dst = tp_dst;

        s->acl_in[i].nw_proto = pkt[23];
        s->acl_in[i].nw_dst = nw_dst;
        s->acl_in[i].tp_src = tp_src;
        s->acl_in[i].tp_dst = tp_dst;
        s->acl_ptrs[i] = (const uint8_t *) &s->acl_in[i];

        s->hash_keys[i].nw_dst = nw_dst;
        s->hash_keys[i].tp_dst = tp_dst;
        s->hash_ptrs[i] = &s->hash_keys[i];
    }
}

static void
cls_model_init(struct cls_set *s)
{
    size_t i;

    s->table = fp_table_create(s->n_rules, 64);
    for (i = 0; i < s->n_rules; i++) {
        struct fp_table_rule *rule;
        enum fp_table_full full;
        struct fp_rule fr;

        bench_fp_rule(&s->rules[i], &fr);
        ovs_assert(!fp_table_insert(s->table, &fr.key, &fr.mask,
                                    fr.priority, i, NULL, i, &rule, &full));
    }
    fp_table_commit(s->table);
    s->version = fp_table_version(s->table);
}

static void
cls_model_lookup(struct cls_set *s, size_t start, int32_t *hits)
{
    const struct fp_table_rule *rules[CLS_BATCH];
    size_t i;

    fp_table_lookup_batch(s->table, &s->key_ptrs[start], CLS_BATCH,
                          s->version, rules);
    if (hits) {
        for (i = 0; i < CLS_BATCH; i++) {
            hits[i] = rules[i] ? fp_table_rule_user(rules[i]) : -1;
        }
    } else {
        s->sink += (uintptr_t) rules[0] + (uintptr_t) rules[CLS_BATCH - 1];
    }
}

static void
cls_ovscls_init(struct cls_set *s)
{
    size_t i;

    classifier_init(&s->cls, NULL);
    s->crules = xmalloc(s->n_rules * sizeof *s->crules);
    s->in_cls = xcalloc(s->n_rules, sizeof *s->in_cls);
    for (i = 0; i < s->n_rules; i++) {
        const struct bench_rule *br = &s->rules[i];
        const struct cls_rule *displaced;

        bench_cls_rule_init(br, &s->crules[i]);
        displaced = classifier_replace(&s->cls, &s->crules[i],
                                       OVS_VERSION_MIN, NULL, 0);
        if (displaced) {
            /* Same match and priority as an earlier rule: a tie. */
            s->in_cls[displaced - s->crules] = false;
        }
        s->in_cls[i] = true;
    }
}

static void
cls_ovscls_lookup(struct cls_set *s, size_t start, int32_t *hits)
{
    size_t i;

    for (i = 0; i < CLS_BATCH; i++) {
        const struct cls_rule *rule;

        rule = classifier_lookup(&s->cls, OVS_VERSION_MAX,
                                 &s->flows[start + i], NULL);
        if (hits) {
            hits[i] = rule ? rule - s->crules : -1;
        } else {
            s->sink += (uintptr_t) rule;
        }
    }
}

static void
cls_ovscls_destroy(struct cls_set *s)
{
    size_t i;

    for (i = 0; i < s->n_rules; i++) {
        if (s->in_cls[i]) {
            classifier_remove_assert(&s->cls, &s->crules[i]);
        }
    }
    ovsrcu_synchronize();
    for (i = 0; i < s->n_rules; i++) {
        cls_rule_destroy(&s->crules[i]);
    }
    classifier_destroy(&s->cls);
    free(s->crules);
    free(s->in_cls);
}

/* Builds the rte_acl context of 's'.  Returns 0 or a positive errno
 * value. */
static int
cls_acl_init(struct cls_set *s)
{
    static const struct rte_acl_field_def defs[CLS_ACL_N_FIELDS] = {
        {
            .type = RTE_ACL_FIELD_TYPE_BITMASK,
            .size = 1,
            .field_index = CLS_ACL_PROTO,
            .input_index = 0,
            .offset = offsetof(struct cls_acl_input, nw_proto),
        }, {
            .type = RTE_ACL_FIELD_TYPE_MASK,
            .size = 4,
            .field_index = CLS_ACL_DST,
            .input_index = 1,
            .offset = offsetof(struct cls_acl_input, nw_dst),
        }, {
            .type = RTE_ACL_FIELD_TYPE_RANGE,
            .size = 2,
            .field_index = CLS_ACL_SRC_PORT,
            .input_index = 2,
            .offset = offsetof(struct cls_acl_input, tp_src),
        }, {
            .type = RTE_ACL_FIELD_TYPE_RANGE,
            .size = 2,
            .field_index = CLS_ACL_DST_PORT,
            .input_index = 2,
            .offset = offsetof(struct cls_acl_input, tp_dst),
        },
    };
    struct rte_acl_param param = {
        .name = "bench_cls",
        .socket_id = SOCKET_ID_ANY,
        .rule_size = RTE_ACL_RULE_SZ(CLS_ACL_N_FIELDS),
        .max_rule_num = s->n_rules,
    };
    struct rte_acl_config cfg;
    struct cls_acl_rule *rules;
    size_t i;
    int error;

    s->acl = rte_acl_create(&param);
    if (!s->acl) {
        return rte_errno ? rte_errno : ENOMEM;
    }
    rules = xcalloc(s->n_rules, sizeof *rules);
    for (i = 0; i < s->n_rules; i++) {
        const struct bench_rule *br = &s->rules[i];
        struct cls_acl_rule *r = &rules[i];

        r->data.category_mask = 1;
        r->data.priority = RTE_ACL_MIN_PRIORITY + br->priority;
        r->data.userdata = i + 1;       /* 0 is "no match". */
        r->field[CLS_ACL_PROTO].value.u8 = 17;
        r->field[CLS_ACL_PROTO].mask_range.u8 = 0xff;
        r->field[CLS_ACL_DST].value.u32 = br->nw_dst;
        r->field[CLS_ACL_DST].mask_range.u32 = count_1bits(br->nw_mask);
        r->field[CLS_ACL_SRC_PORT].value.u16 = 0;
        r->field[CLS_ACL_SRC_PORT].mask_range.u16 = UINT16_MAX;
        /* A range: tp_dst, and every port that its mask lets in. */
        r->field[CLS_ACL_DST_PORT].value.u16 = br->tp_dst;
        r->field[CLS_ACL_DST_PORT].mask_range.u16 = (br->tp_dst
                                                     | ~br->tp_mask);
    }
    error = -rte_acl_add_rules(s->acl, (const struct rte_acl_rule *) rules,
                               s->n_rules);
    free(rules);
    if (!error) {
        memset(&cfg, 0, sizeof cfg);
        cfg.num_categories = 1;
        cfg.num_fields = CLS_ACL_N_FIELDS;
        memcpy(cfg.defs, defs, sizeof defs);
        error = -rte_acl_build(s->acl, &cfg);
    }
    if (error) {
        rte_acl_free(s->acl);
        s->acl = NULL;
    }
    return error;
}

static void
cls_acl_lookup(struct cls_set *s, size_t start, int32_t *hits)
{
    uint32_t results[CLS_BATCH];
    size_t i;

    rte_acl_classify(s->acl, &s->acl_ptrs[start], results, CLS_BATCH, 1);
    if (hits) {
        for (i = 0; i < CLS_BATCH; i++) {
            hits[i] = (int32_t) results[i] - 1;
        }
    } else {
        s->sink += results[0] + results[CLS_BATCH - 1];
    }
}

/* Builds the rte_hash table of 's', whose rules are all exact.  Among rules
 * of the same key it keeps the one the model finds: highest priority, then
 * first added.  Returns 0 or a positive errno value. */
static int
cls_hash_init(struct cls_set *s)
{
    struct rte_hash_parameters param = {
        .name = "bench_cls",
        .entries = MAX(s->n_rules * 2, 1024),
        .key_len = sizeof(struct cls_hash_key),
        .hash_func = rte_jhash,
        .socket_id = SOCKET_ID_ANY,
    };
    size_t i;

    s->hash = rte_hash_create(&param);
    if (!s->hash) {
        return rte_errno ? rte_errno : ENOMEM;
    }
    for (i = 0; i < s->n_rules; i++) {
        const struct bench_rule *br = &s->rules[i];
        struct cls_hash_key key = {
            .nw_dst = htonl(br->nw_dst),
            .tp_dst = htons(br->tp_dst),
        };
        void *data;
        int error;

        if (rte_hash_lookup_data(s->hash, &key, &data) >= 0
            && s->rules[(uintptr_t) data].priority >= br->priority) {
            continue;
        }
        error = rte_hash_add_key_data(s->hash, &key, (void *) (uintptr_t) i);
        if (error) {
            rte_hash_free(s->hash);
            s->hash = NULL;
            return -error;
        }
    }
    return 0;
}

static void
cls_hash_lookup(struct cls_set *s, size_t start, int32_t *hits)
{
    void *data[CLS_BATCH];
    uint64_t hit_mask = 0;
    size_t i;

    rte_hash_lookup_bulk_data(s->hash, &s->hash_ptrs[start], CLS_BATCH,
                              &hit_mask, data);
    if (hits) {
        for (i = 0; i < CLS_BATCH; i++) {
            hits[i] = (hit_mask & (UINT64_C(1) << i)
                       ? (int32_t) (uintptr_t) data[i] : -1);
        }
    } else {
        s->sink += hit_mask + (uintptr_t) data[0];
    }
}

typedef void cls_lookup_func(struct cls_set *, size_t start, int32_t *hits);

static cls_lookup_func *const cls_lookups[CLS_N_PEERS] = {
    cls_model_lookup, cls_ovscls_lookup, cls_acl_lookup, cls_hash_lookup,
};

/* Looks up every packet once with 'peer' into s->hits[peer], then for
 * 'seconds' in batches of CLS_BATCH.  Returns lookups per second. */
static double
cls_measure(struct cls_set *s, enum cls_peer peer, double seconds)
{
    cls_lookup_func *lookup = cls_lookups[peer];
    uint64_t n = 0;
    double t0, t;
    size_t i;

    for (i = 0; i < BENCH_N_PKTS; i += CLS_BATCH) {
        lookup(s, i, &s->hits[peer][i]);
    }
    t0 = bench_now();
    do {
        for (i = 0; i < 32; i++) {
            lookup(s, n % BENCH_N_PKTS, NULL);
            n += CLS_BATCH;
        }
        ovsrcu_quiesce();
    } while ((t = bench_now() - t0) < seconds);
    return n / t;
}

/* Returns the number of packets for which 'peer' found neither the model's
 * rule nor one of the same priority. */
static size_t
cls_disagree(const struct cls_set *s, enum cls_peer peer)
{
    size_t i, n = 0;

    for (i = 0; i < BENCH_N_PKTS; i++) {
        int32_t a = s->hits[CLS_MODEL][i];
        int32_t b = s->hits[peer][i];

        if (a != b
            && (a < 0 || b < 0 || b >= s->n_rules
                || s->rules[a].priority != s->rules[b].priority)) {
            n++;
        }
    }
    return n;
}

/* Formats 'rate' in M/s into 'buf', or "-" (missing, for gnuplot) if not
 * 'have'.  Returns 'buf'. */
static const char *
cls_value(bool have, double rate, char buf[32])
{
    if (have) {
        snprintf(buf, 32, "%.4f", rate / 1e6);
    } else {
        ovs_strlcpy(buf, "-", 32);
    }
    return buf;
}

/* Measures the rule set of 'n_rules' rules over 'n_masks' masks (0: every
 * rule exact) with each peer and prints its line. */
static void
cls_point(size_t n_rules, int n_masks, const struct bench_opts *opts,
          bool eal)
{
    double rates[CLS_N_PEERS] = { 0 };
    bool have[CLS_N_PEERS] = { false };
    struct ds line = DS_EMPTY_INITIALIZER;
    struct ds bad = DS_EMPTY_INITIALIZER;
    char acl_s[32], hash_s[32];
    struct cls_set s;
    int acl_error = 0, hash_error = 0;
    int p;

    cls_set_init(&s, n_rules, n_masks);
    cls_model_init(&s);
    ovsrcu_quiesce();
    cls_ovscls_init(&s);
    ovsrcu_quiesce();
    have[CLS_MODEL] = have[CLS_OVSCLS] = true;
    if (eal) {
        /* Building DPDK's tables can take seconds, and touches no RCU
         * protected memory of OVS's. */
        ovsrcu_quiesce_start();
        acl_error = cls_acl_init(&s);
        have[CLS_ACL] = !acl_error;
        if (!n_masks) {
            hash_error = cls_hash_init(&s);
            have[CLS_HASH] = !hash_error;
        }
        ovsrcu_quiesce_end();
    }

    for (p = 0; p < CLS_N_PEERS; p++) {
        if (have[p]) {
            rates[p] = cls_measure(&s, p, opts->seconds);
        }
    }

    ds_put_format(&line, "lookup rules %6"PRIuSIZE" ", n_rules);
    if (n_masks) {
        ds_put_format(&line, "masks %2d: ", n_masks);
    } else {
        ds_put_cstr(&line, "exact   : ");
    }
    ds_put_format(&line, "model %.2f M lookups/s", rates[CLS_MODEL] / 1e6);
    for (p = CLS_OVSCLS; p < CLS_N_PEERS; p++) {
        if (have[p]) {
            size_t n_bad = cls_disagree(&s, p);

            ds_put_format(&line, "; %s %.2f (%.2fx)", cls_peer_names[p],
                          rates[p] / 1e6,
                          rates[CLS_MODEL] / MAX(rates[p], 1));
            if (n_bad) {
                ds_put_format(&bad, "%s%s %"PRIuSIZE, bad.length ? ", " : "",
                              cls_peer_names[p], n_bad);
            }
        } else if (p == CLS_ACL || (p == CLS_HASH && !n_masks)) {
            int error = p == CLS_ACL ? acl_error : hash_error;

            ds_put_format(&line, "; %s not measured (%s)", cls_peer_names[p],
                          !eal ? "no EAL" : ovs_strerror(error));
        }
    }
    if (bad.length) {
        ds_put_format(&line, "; hits DIFFER from the model's in %s of %d",
                      ds_cstr(&bad), BENCH_N_PKTS);
    } else {
        ds_put_cstr(&line, "; hits agree");
    }
    printf("%s\n", ds_cstr(&line));
    fflush(stdout);

    bench_data("cls", "%"PRIuSIZE" %d %.4f %.4f %s %s",
               n_rules, n_masks, rates[CLS_MODEL] / 1e6,
               rates[CLS_OVSCLS] / 1e6,
               cls_value(have[CLS_ACL], rates[CLS_ACL], acl_s),
               cls_value(have[CLS_HASH], rates[CLS_HASH], hash_s));

    if (s.acl) {
        rte_acl_free(s.acl);
    }
    if (s.hash) {
        rte_hash_free(s.hash);
    }
    cls_ovscls_destroy(&s);
    fp_table_destroy(s.table);
    ovsrcu_quiesce();
    free(s.rules);
    free(s.keys);
    free(s.key_ptrs);
    free(s.flows);
    free(s.acl_in);
    free(s.acl_ptrs);
    free(s.hash_keys);
    free(s.hash_ptrs);
    free(s.hits);
    ds_destroy(&line);
    ds_destroy(&bad);
}

void
bench_cls_run(const struct bench_opts *opts)
{
    bool eal = cls_start_eal();
    size_t i, j;

    if (!eal) {
        printf("lookup rte_acl and rte_hash: not measured: DPDK's EAL did "
               "not start\n");
    }
    bench_data("cls", "# rules masks model ovscls rte_acl rte_hash");
    for (i = 0; i < opts->n_points; i++) {
        cls_point(opts->points[i].n_rules, opts->points[i].n_masks, opts,
                  eal);
    }
    /* The exact rule sets, once for each rule count of the points (in the
     * short mode, of the first point only). */
    for (i = 0; i < (opts->full ? opts->n_points : MIN(opts->n_points, 1));
         i++) {
        for (j = 0; j < i; j++) {
            if (opts->points[j].n_rules == opts->points[i].n_rules) {
                break;
            }
        }
        if (j == i) {
            cls_point(opts->points[i].n_rules, 0, opts, eal);
        }
    }
}
