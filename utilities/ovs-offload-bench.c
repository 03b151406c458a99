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

/* ovs-offload-bench: figures of the flow-processor model, then of the
 * statistics sync of our flow API (see ovs-offload-bench-sync.c).
 *
 * For 1K, 10K and 100K rules spread over 1, 16 and 64 masks (IPv4/UDP
 * rules on nw_dst prefixes and tp_dst), prints:
 *
 *   - model forwarding, in Mpps per engine: 64-byte packets, each hitting
 *     a rule, fed through the RX ring of an in-memory port, divided by the
 *     time the engine spent processing batches (parse, exact-match cache,
 *     lookup, counters, output to the in-memory endpoint);
 *
 *   - rule insert and delete rates through fp_rule_batch() (batches of
 *     1000);
 *
 *   - bytes per rule: the model's own accounting and the heap growth;
 *
 *   - as a peer, OVS's classifier (lib/classifier.h) on the same rules:
 *     lookups per second on one thread for the same packets' flows (a
 *     lookup only: no parse, no action), inserts and removals per second.
 *
 * Usage: ovs-offload-bench [--full DIR] [--only SECTION[,SECTION...]]
 *                          [SECONDS [RULES MASKS]]
 *
 * main() runs the sections of sections[] in order (README.rst,
 * "Benchmarks"), each at the points of 'opts': in the short mode (the
 * default, under 2 minutes) the points of short_points[], in the full mode
 * (--full DIR) every point of the issue, with a report and plots in DIR
 * (ovs-offload-bench-report.c); with RULES and MASKS, that one point.
 * SECONDS (default 0.5) is the time of each rate measurement.  --only
 * runs only the sections named (for profiling).  The dpdk section starts
 * DPDK's EAL before the cls section, so one EAL serves both. */

#include <config.h>

#include "ovs-offload-bench.h"

#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classifier.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp-model.h"
#include "openvswitch/match.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "util.h"

#define BENCH_BATCH 1000

static uint32_t bench_rng = 12345;

static int
bench_compare_double(const void *a_, const void *b_)
{
    const double *a = a_, *b = b_;

    return *a < *b ? -1 : *a > *b;
}

double
bench_median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_compare_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

uint32_t
bench_rand(void)
{
    bench_rng ^= bench_rng << 13;
    bench_rng ^= bench_rng >> 17;
    bench_rng ^= bench_rng << 5;
    return bench_rng;
}

double
bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The top bits of a rule's nw_dst are the index of its mask, so that rules
 * of different masks never overlap (every mask's nw_dst prefix is longer). */
#define BENCH_TAG_BITS 6
#define BENCH_MAX_MASKS (1 << BENCH_TAG_BITS)

/* Fills 'br' with the mask of index 'm' (see struct bench_rule). */
static void
bench_mask(struct bench_rule *br, int m)
{
    int plen = 32 - m % 22;

    memset(br, 0, sizeof *br);
    br->nw_mask = UINT32_MAX << (32 - plen);
    br->tp_mask = m < 22 ? 0 : m < 44 ? 0xffff : 0xff00;
}

/* Returns the number of bits of a rule of mask 'br' that tell it from the
 * other rules of that mask: those of its nw_dst prefix below the tag, and
 * those of its tp_dst mask. */
static int
bench_mask_bits(const struct bench_rule *br)
{
    return count_1bits(br->nw_mask) - BENCH_TAG_BITS + count_1bits(br->tp_mask);
}

void
bench_make_rules(struct bench_rule *rules, size_t n, int n_masks)
{
    uint32_t n_used[BENCH_MAX_MASKS] = { 0 };
    uint32_t mul, add;
    size_t i;
    int m = 0;

    ovs_assert(n_masks >= 1 && n_masks <= BENCH_MAX_MASKS);

    /* The same rule set for a point in every section, whatever ran
     * before. */
    bench_rng = (12345 ^ (n * 64 + n_masks)) | 1;
    mul = bench_rand() | 1;
    add = bench_rand();

    /* Rule i takes mask i % n_masks, or the next mask with room: a mask
     * with B bits of its own holds at most 2**B rules.  The j-th rule of a
     * mask gets the bits (j * mul + add) mod 2**B, which differ for every
     * j below 2**B ('mul' is odd), so no two rules of a mask have the same
     * key. */
    for (i = 0; i < n; i++) {
        struct bench_rule *br = &rules[i];
        int tries, bits, nw_bits;
        uint64_t v;

        for (tries = 0; ; tries++) {
            ovs_assert(tries < n_masks);
            bench_mask(br, m);
            bits = bench_mask_bits(br);
            if (bits >= 32 || n_used[m] < UINT32_C(1) << bits) {
                break;
            }
            m = (m + 1) % n_masks;
        }
        v = (uint64_t) (n_used[m]++ * mul + add);
        nw_bits = count_1bits(br->nw_mask) - BENCH_TAG_BITS;
        br->nw_dst = ((uint32_t) m << (32 - BENCH_TAG_BITS)
                      | (uint32_t) (v & ((UINT64_C(1) << nw_bits) - 1))
                        << (32 - count_1bits(br->nw_mask)));
        br->tp_dst = (v >> nw_bits << (16 - count_1bits(br->tp_mask)))
                     & br->tp_mask;
        m = (m + 1) % n_masks;
    }
}

void
bench_fp_rule(const struct bench_rule *br, struct fp_rule *rule)
{
    memset(rule, 0, sizeof *rule);
    rule->key.eth_type = htons(0x0800);
    rule->mask.eth_type = 0xffff;
    rule->key.nw_proto = 17;
    rule->mask.nw_proto = 0xff;
    rule->key.nw_dst = htonl(br->nw_dst);
    rule->mask.nw_dst = htonl(br->nw_mask);
    rule->key.tp_dst = htons(br->tp_dst);
    rule->mask.tp_dst = htons(br->tp_mask);
    rule->priority = br->priority;
    rule->actions[0].type = FP_ACTION_OUTPUT;
    rule->actions[0].port = 1;
    rule->n_actions = 1;
}

void
bench_cls_rule_init(const struct bench_rule *br, struct cls_rule *rule)
{
    struct match match;

    match_init_catchall(&match);
    match_set_dl_type(&match, htons(ETH_TYPE_IP));
    match_set_nw_proto(&match, IPPROTO_UDP);
    match_set_nw_dst_masked(&match, htonl(br->nw_dst), htonl(br->nw_mask));
    if (br->tp_mask) {
        match_set_tp_dst_masked(&match, htons(br->tp_dst),
                                htons(br->tp_mask));
    }
    cls_rule_init(rule, &match, br->priority);
}

uint16_t
bench_packet_tp_dst(const struct bench_rule *br, uint32_t random)
{
    return br->tp_mask ? br->tp_dst | (random & ~br->tp_mask) : 0x1234;
}

void
bench_packet(const struct bench_rule *br, uint8_t *p)
{
    uint32_t dst = br->nw_dst | (bench_rand() & ~br->nw_mask);
    uint16_t tp_dst = bench_packet_tp_dst(br, bench_rand());

    memset(p, 0, BENCH_PKT_SIZE);
    p[0] = 0x02;
    p[6] = 0x02;
    p[12] = 0x08;
    p[14] = 0x45;
    p[16] = 0;
    p[17] = 46;
    p[22] = 64;
    p[23] = 17;
    p[26] = 10;
    p[29] = 1;
    p[30] = dst >> 24;
    p[31] = dst >> 16;
    p[32] = dst >> 8;
    p[33] = dst;
    p[34] = 0x04;
    p[36] = tp_dst >> 8;
    p[37] = tp_dst;
    p[39] = 26;
}

/* The sections of a run, in the order they run.  Each runs at the points
 * of 'opts' (or its own), prints its lines and goals. */

static void
section_model(const struct bench_opts *opts)
{
    size_t i;

    for (i = 0; i < opts->n_points; i++) {
        bench_model_point(opts->points[i].n_rules, opts->points[i].n_masks,
                          opts);
    }
    bench_model_goals();
}

static void
section_dpif(const struct bench_opts *opts)
{
    size_t i;

    for (i = 0; i < opts->n_points; i++) {
        const struct bench_point *p = &opts->points[i];

        bench_dpif_point(p->n_rules, p->n_masks, 1, opts);
        bench_dpif_point(p->n_rules, p->n_masks, 2, opts);
    }
}

static void
section_churn(const struct bench_opts *opts)
{
    bench_churn_run(opts);
}

static void
section_offload(const struct bench_opts *opts)
{
    if (opts->full) {
        bench_sync_run(20000);
    }
    bench_sync_run(200000);
    bench_offload_run(opts);
}

static void
section_dpdk(const struct bench_opts *opts)
{
    static const uint32_t three_ways[] = { 20000, 200000 };

    /* Starts DPDK's EAL, sized for the first count: the cls section, after
     * it, uses the same EAL. */
    bench_dpdk_run(three_ways, opts->full ? ARRAY_SIZE(three_ways) : 1);
}

static void
section_latency(const struct bench_opts *opts)
{
    bench_latency_run(opts);
}

static void
section_sandbox(const struct bench_opts *opts)
{
    /* utilities/ovs-offload-bench-sandbox, root only, which makes network
     * namespaces and veths in the host: the tests leave this section out. */
    bench_sandbox_run(opts);
}

struct bench_section {
    const char *name;
    void (*run)(const struct bench_opts *);
    const char *help;
};

static const struct bench_section sections[] = {
    { "model", section_model,
      "model forwarding per engine, OVS's classifier as its peer" },
    { "dpif", section_dpif, "dpif-netdev forwarding on the same flows" },
    { "churn", section_churn, "forwarding while rules change" },
    { "dpdk", section_dpdk,
      "the three ways: OVS's rte_flow, ours on rte_flow, ours on the model" },
    { "cls", bench_cls_run,
      "classifiers: model, OVS's classifier, rte_acl, rte_hash" },
    { "offload", section_offload,
      "flow API: insertion, statistics pass, memory" },
    { "latency", section_latency, "a packet's trip through the NIC" },
    { "sandbox", section_sandbox,
      "RTT, iperf3, host CPU between two VMs of the sandbox (root only)" },
};

/* The points: every point of the issue in the full mode; in the short mode
 * the point of the line-rate goal and the largest one. */
static const struct bench_point full_points[] = {
    { 1000, 1 }, { 1000, 16 }, { 1000, 64 },
    { 10000, 1 }, { 10000, 16 }, { 10000, 64 },
    { 100000, 1 }, { 100000, 16 }, { 100000, 64 },
};
static const struct bench_point short_points[] = {
    { 10000, 16 }, { 100000, 64 },
};

static void
usage(int exit_code)
{
    size_t i;

    printf("usage: %s [--full DIR] [--only SECTION[,SECTION...]] "
           "[SECONDS [RULES MASKS]]\n"
           "Prints the model NIC's forwarding, insertion, statistics and\n"
           "lookup figures next to their peers measured in the same run,\n"
           "and whether each goal is met (README.rst, \"Benchmarks\").\n"
           "  --full DIR   every point, with a report (report.md), data\n"
           "               series (*.dat) and plots in DIR; the default is\n"
           "               the short mode (a few points, < 2 minutes)\n"
           "  --only LIST  run only these sections (for profiling)\n"
           "SECONDS (default 0.5) is the time of each rate measurement;\n"
           "RULES and MASKS (1...64) measure that one point.\n"
           "Sections, in the order they run:\n", program_name);
    for (i = 0; i < ARRAY_SIZE(sections); i++) {
        printf("  %-8s %s\n", sections[i].name, sections[i].help);
    }
    exit(exit_code);
}

/* Marks in 'only' the sections named in the comma-separated 'list', of
 * which there must be one at least. */
static void
parse_only(const char *list, bool only[])
{
    char *copy = xstrdup(list);
    char *save = NULL;
    bool any = false;
    char *name;
    size_t i;

    for (name = strtok_r(copy, ",", &save); name;
         name = strtok_r(NULL, ",", &save)) {
        for (i = 0; i < ARRAY_SIZE(sections); i++) {
            if (!strcmp(name, sections[i].name)) {
                only[i] = any = true;
                break;
            }
        }
        if (i == ARRAY_SIZE(sections)) {
            ovs_fatal(0, "%s: unknown section (see --help)", name);
        }
    }
    free(copy);
    if (!any) {
        ovs_fatal(0, "--only \"%s\": names no section (see --help)", list);
    }
}

int
main(int argc, char *argv[])
{
    bool only[ARRAY_SIZE(sections)] = { false };
    struct bench_opts opts = { .seconds = 0.5 };
    struct bench_point one_point;
    bool any_only = false;
    int error, argi;
    size_t i;

    set_program_name(argv[0]);
    for (argi = 1; argi < argc && argv[argi][0] == '-'
                   && !isdigit((unsigned char) argv[argi][1]); argi++) {
        const char *arg = argv[argi];

        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            usage(0);
        } else if (!strcmp(arg, "--full") || !strcmp(arg, "--only")) {
            if (argi + 1 >= argc) {
                ovs_fatal(0, "%s needs an argument (see --help)", arg);
            }
            if (!strcmp(arg, "--full")) {
                opts.full = true;
                opts.out_dir = argv[++argi];
            } else {
                parse_only(argv[++argi], only);
                any_only = true;
            }
        } else {
            ovs_fatal(0, "%s: unknown option (see --help)", arg);
        }
    }
    argc -= argi;
    argv += argi;
    if (argc > 0 && !(str_to_double(argv[0], &opts.seconds)
                      && opts.seconds > 0)) {
        ovs_fatal(0, "%s: SECONDS must be a positive number (see --help)",
                  argv[0]);
    }
    if (argc == 2 || argc > 3) {
        ovs_fatal(0, "give SECONDS alone, or SECONDS RULES MASKS "
                  "(see --help)");
    }
    if (argc == 3) {
        unsigned int n_rules, n_masks;

        if (!str_to_uint(argv[1], 10, &n_rules) || !n_rules) {
            ovs_fatal(0, "%s: RULES must be a positive whole number, in "
                      "digits (see --help)", argv[1]);
        }
        if (!str_to_uint(argv[2], 10, &n_masks)
            || n_masks < 1 || n_masks > 64) {
            ovs_fatal(0, "%s: MASKS must be a whole number from 1 to 64 "
                      "(see --help)", argv[2]);
        }
        if (n_rules < n_masks) {
            ovs_fatal(0, "%u rules cannot have %u masks: RULES must be at "
                      "least MASKS", n_rules, n_masks);
        }
        one_point.n_rules = n_rules;
        one_point.n_masks = n_masks;
        opts.points = &one_point;
        opts.n_points = 1;
    } else if (opts.full) {
        opts.points = full_points;
        opts.n_points = ARRAY_SIZE(full_points);
    } else {
        opts.points = short_points;
        opts.n_points = ARRAY_SIZE(short_points);
    }

    /* The environment's settings fail before any section runs. */
    bench_model_packets();
    bench_offload_rounds();

    error = bench_report_start(&opts);
    if (error) {
        ovs_fatal(error, "%s: cannot create the report folder",
                  opts.out_dir);
    }
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);
    /* A PMD or the sandbox keeps the main thread's poll loop waiting: not
     * a fault of the run. */
    vlog_set_levels(vlog_module_from_name("timeval"), VLF_ANY_DESTINATION,
                    VLL_ERR);
    for (i = 0; i < ARRAY_SIZE(sections); i++) {
        if (!any_only || only[i]) {
            double t0 = bench_now();

            sections[i].run(&opts);
            bench_report_section(sections[i].name, bench_now() - t0);
        }
    }
    bench_report_finish();
    return 0;
}
