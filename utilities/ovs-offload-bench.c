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
 * rules on nw_dst prefixes and tp_dst), the model's forwarding with 1 and
 * 2 engines, its rule insert and delete rates and bytes per rule, and OVS's
 * classifier on the same rules as the peer (ovs-offload-bench-model.c).
 *
 * Usage: ovs-offload-bench [SECONDS-PER-POINT [RULES MASKS]]
 *
 * SECONDS-PER-POINT defaults to 0.5.  With RULES and MASKS, measures only
 * that point (for profiling), and the three ways (ovs-offload-bench-dpdk.c)
 * at 20K flows only.
 *
 * Last, for 20K and 200K flows, the statistics sync of our flow API
 * (ovs-offload-bench-sync.c) and the three ways of README.rst: OVS's
 * netdev-offload-dpdk, ours through rte_flow, ours on the model
 * (ovs-offload-bench-dpdk.c). */

#include <config.h>

#include "ovs-offload-bench.h"

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
#include "util.h"

#define BENCH_BATCH 1000

static uint32_t bench_rng = 12345;

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

void
bench_make_rules(struct bench_rule *rules, size_t n, int n_masks)
{
    size_t i;

    for (i = 0; i < n; i++) {
        int m = i % n_masks;
        int plen = 32 - (m % 32);

        rules[i].nw_mask = plen ? UINT32_MAX << (32 - plen) : 0;
        rules[i].nw_dst = bench_rand() & rules[i].nw_mask;
        rules[i].with_tp = m >= 32;
        rules[i].tp_dst = bench_rand();
        rules[i].priority = bench_rand() % 16;
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
    if (br->with_tp) {
        rule->key.tp_dst = htons(br->tp_dst);
        rule->mask.tp_dst = 0xffff;
    }
    rule->priority = br->priority;
    rule->actions[0].type = FP_ACTION_OUTPUT;
    rule->actions[0].port = 1;
    rule->n_actions = 1;
}

void
bench_packet(const struct bench_rule *br, uint8_t *p)
{
    uint32_t dst = br->nw_dst | (bench_rand() & ~br->nw_mask);

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
    p[36] = br->with_tp ? br->tp_dst >> 8 : 0x12;
    p[37] = br->with_tp ? br->tp_dst : 0x34;
    p[39] = 26;
}

static void
usage(int exit_code)
{
    printf("usage: %s [--full DIR] [SECONDS [RULES MASKS]]\n"
           "Prints the model NIC's forwarding, insertion and statistics\n"
           "figures next to their peers and whether each goal is met\n"
           "(README.rst, \"Benchmarks\").\n"
           "  --full DIR  every point, with a report and plots in DIR\n"
           "              (the default is the short mode)\n"
           "SECONDS (default 0.5) is the time of each forwarding "
           "measurement;\nRULES and MASKS measure that one point.\n",
           program_name);
    exit(exit_code);
}

int
main(int argc, char *argv[])
{
    static const size_t sizes[] = { 1000, 10000, 100000 };
    static const int masks[] = { 1, 16, 64 };
    static const uint32_t three_ways[] = { 20000, 200000 };
    struct bench_opts opts = { .seconds = 0.5 };
    int error;
    size_t i, j;

    set_program_name(argv[0]);
    if (argc > 1 && !strcmp(argv[1], "--help")) {
        usage(0);
    }
    if (argc > 2 && !strcmp(argv[1], "--full")) {
        opts.full = true;
        opts.out_dir = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc > 1) {
        opts.seconds = atof(argv[1]);
    }
    if (argc == 3 || argc > 4 || !(opts.seconds > 0)) {
        usage(1);
    }
    error = bench_report_start(&opts);
    if (error) {
        ovs_fatal(error, "%s: cannot create the report folder",
                  opts.out_dir);
    }
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);
    if (argc > 3) {
        size_t n_rules = strtoul(argv[2], NULL, 10);
        int n_masks = atoi(argv[3]);

        if (!n_rules || n_masks <= 0 || n_masks > 64) {
            ovs_fatal(0, "RULES must be positive and MASKS 1...64");
        }
        bench_model_point(n_rules, n_masks, &opts);
        bench_model_goals();
        bench_dpdk_run(three_ways, 1);
        bench_report_finish();
        return 0;
    }
    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        for (j = 0; j < ARRAY_SIZE(masks); j++) {
            bench_model_point(sizes[i], masks[j], &opts);
        }
    }
    bench_model_goals();
    bench_sync_run(20000);
    bench_sync_run(200000);
    bench_dpdk_run(three_ways, ARRAY_SIZE(three_ways));
    bench_report_finish();
    return 0;
}
