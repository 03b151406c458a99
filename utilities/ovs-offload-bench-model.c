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

/* The model's forwarding section of ovs-offload-bench.
 *
 * At a point (a rule set of bench_make_rules()), measures:
 *
 *   - OVS's classifier (lib/classifier.h) on the same rules, as the peer:
 *     lookups per second of CPU time on one thread for the same packets'
 *     flows (a lookup only: no parse, no action), inserts and removals per
 *     second;
 *
 *   - the model's forwarding with 1 engine, then with 2 engines (packets
 *     spread over ports 0 and 1, one per engine): 64-byte packets, each
 *     hitting a rule, fed through the RX rings of in-memory ports.  Mpps
 *     per engine is packets divided by the CPU time that the engine spent
 *     processing batches (parse, exact-match cache, lookup, counters,
 *     output to the in-memory endpoint), so that it does not depend on how
 *     busy the machine is; the fed rate (wall clock) is printed beside it;
 *
 *   - with 1 engine, the engine saturated: its RX ring filled while the
 *     engine waits, then emptied by the engine alone, full batches back to
 *     back; Mpps is packets divided by the engine's CPU time as above, of
 *     the engine alone, where the rate above also depends on how fast the
 *     feeder (another thread, on a machine of few CPUs) keeps up;
 *
 *   - with 1 engine, the rule insert and delete rates through
 *     fp_rule_batch() (batches of 1000) and the bytes per rule.
 *
 * A point where the model and the classifier are close, and the point of
 * the line-rate goal, run 5 times, and their figures are the medians
 * (BENCH_MODEL_CLOSE).  It keeps each point's figures for the goals
 * fwd-line-rate and fwd-no-cliff, which bench_model_goals() prints.
 *
 * With OVS_OFFLOAD_BENCH_PACKETS=N in the environment, each forwarding
 * measurement feeds N packets (the saturated one, 4 rings), whatever the
 * time, and a point runs once: the same packets, in the same order, at
 * every run, so that the exact-match cache's hits, and the instructions
 * that callgrind counts per packet, do not depend on how fast the run went
 * (under callgrind, on a busy machine, a run of 4 s forwarded 1 to 2.2
 * million packets, with 98% to 87% of hits in the cache).  The "model"
 * lines then give the packets that the engines processed. */

#include <config.h>

#include "ovs-offload-bench.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "classifier.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp-model.h"
#include "openvswitch/match.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "socket-util.h"
#include "util.h"

#define BENCH_BATCH 1000

/* Packets per fp_port_receive_batch() of the feeder: an RX burst. */
#define BENCH_MODEL_BURST 256

/* The 10GbE line rate of 64-byte frames, in Mpps. */
#define BENCH_LINE_RATE 14.88

uint64_t
bench_model_packets(void)
{
    const char *s = getenv("OVS_OFFLOAD_BENCH_PACKETS");
    unsigned long long int n;

    if (!s) {
        return 0;
    }
    if (!str_to_ullong(s, 10, &n) || !n) {
        ovs_fatal(0, "OVS_OFFLOAD_BENCH_PACKETS=%s: not a count of packets",
                  s);
    }
    return n;
}

/* What one measurement of the model's forwarding found. */
struct bench_model_fwd {
    double mpps_engine;         /* Mpps per engine (busy CPU time). */
    double mpps_total;          /* Sum over the engines. */
    double mpps_fed;            /* Packets fed per second (wall clock). */
    uint64_t n_packets;         /* Packets that the engines processed. */
    double mpps_saturated;      /* Mpps of the engine saturated (1 engine),
                                 * or 0 if not measured. */
    uint64_t n_saturated;       /* Packets that it processed so. */
    double pkts_batch;          /* Mean packets per batch, over the engines
                                 * (not saturated). */
    double ns_batch;            /* Mean busy CPU time per batch, in ns. */
    double hits_pct;            /* Packets that hit a rule, in %. */
    double emc_pct;             /* ...in the exact-match cache, in %. */
    double insert_mps;          /* Rule inserts, M/s. */
    double delete_mps;          /* Rule deletes, M/s. */
    size_t per_rule;            /* The model's bytes per rule. */
    double heap_per_rule;       /* Heap growth per rule, negative if the
                                 * heap shrank (then it says nothing). */
};

/* The figures of a point, for the goals. */
struct bench_model_figs {
    size_t n_rules;
    int n_masks;
    int n_runs;                 /* Runs whose medians these are. */
    double model;               /* Mpps per engine, 1 engine. */
    double model2;              /* Mpps per engine, 2 engines. */
    double ovscls;              /* OVS's classifier, M lookups/s. */
    double ratio;               /* The worse of 'model' and 'model2' over
                                 * 'ovscls' in a run (the median of the
                                 * runs' ratios). */
};

static struct bench_model_figs *points;
static size_t n_points, allocated_points;

/* Returns the CPU time of the calling thread, in seconds. */
static double
bench_thread_cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An endpoint that holds a packet engine outside its batches: its
 * receive(), which the engine calls between batches while its RX ring has
 * room, waits while the gate is armed, so that the benchmark fills the ring
 * before the engine takes a packet. */
struct bench_gate {
    atomic_bool armed;          /* receive() waits for the release. */
    atomic_bool entered;        /* An engine waits in receive(). */
    int fds[2];                 /* A pipe, never written: get_fd() gives
                                 * its read end, as an endpoint with
                                 * receive() must have one. */
};

static int
bench_gate_send(void *gate OVS_UNUSED, uint32_t port OVS_UNUSED,
                const void *data OVS_UNUSED, size_t size OVS_UNUSED)
{
    return 0;
}

static int
bench_gate_get_fd(void *gate_)
{
    struct bench_gate *gate = gate_;

    return gate->fds[0];
}

static size_t
bench_gate_receive(void *gate_, uint32_t port OVS_UNUSED,
                   size_t max OVS_UNUSED, bool error OVS_UNUSED)
{
    struct bench_gate *gate = gate_;
    bool armed;

    atomic_read(&gate->armed, &armed);
    if (armed) {
        atomic_store(&gate->entered, true);
        do {
            sched_yield();
            atomic_read(&gate->armed, &armed);
        } while (armed);
    }
    return 0;
}

static const struct fp_endpoint_ops bench_gate_ops = {
    .send = bench_gate_send,
    .get_fd = bench_gate_get_fd,
    .receive = bench_gate_receive,
};

/* Measures engine 0 of 'dev' saturated for about 'seconds': in rounds,
 * holds the engine outside its batches, fills the RX ring of port 0 with
 * the packets of 'pkts' (BENCH_N_PKTS of BENCH_PKT_SIZE bytes, from
 * '*nextp' on), lets the engine go and waits until it has emptied the
 * ring.  Returns the engine's Mpps over its CPU time in the rounds, and
 * stores the packets that it processed in them in '*packetsp'. */
static double
bench_model_saturated(struct fp_device *dev,
                      uint8_t (*pkts)[BENCH_PKT_SIZE], size_t *nextp,
                      double seconds, uint64_t *packetsp)
{
    struct fp_model_engine_stats es0, es1;
    struct fp_packet batch[BENCH_MODEL_BURST];
    struct bench_gate gate;
    uint64_t packets = 0, busy_ns = 0;
    bool fixed = bench_model_packets() != 0;
    double t0 = bench_now();
    int rounds;

    atomic_init(&gate.armed, false);
    atomic_init(&gate.entered, false);
    xpipe(gate.fds);
    ovs_assert(!fp_port_set_endpoint(dev, 0, &bench_gate_ops, &gate));
    for (rounds = 0; rounds < 4 || (!fixed && bench_now() - t0 < seconds);
         rounds++) {
        bool entered;
        size_t k, q, n_round = 0;

        atomic_store(&gate.entered, false);
        atomic_store(&gate.armed, true);
        do {
            sched_yield();
            atomic_read(&gate.entered, &entered);
        } while (!entered);

        fp_model_get_engine_stats(dev, 0, &es0);
        do {
            for (k = 0; k < ARRAY_SIZE(batch); k++) {
                batch[k].data = pkts[(*nextp + k) % BENCH_N_PKTS];
                batch[k].size = BENCH_PKT_SIZE;
            }
            fp_port_receive_batch(dev, 0, batch, ARRAY_SIZE(batch), &q);
            *nextp += q;
            n_round += q;
        } while (q == ARRAY_SIZE(batch));
        atomic_store(&gate.armed, false);

        /* Not fp_device_flush(): while it waits, the engine wakes it
         * after every batch, which would be counted. */
        do {
            xnanosleep(100 * 1000);
            fp_model_get_engine_stats(dev, 0, &es1);
        } while (es1.packets - es0.packets < n_round);
        fp_device_flush(dev);
        fp_model_get_engine_stats(dev, 0, &es1);

        packets += es1.packets - es0.packets;
        busy_ns += es1.busy_ns - es0.busy_ns;
        ovsrcu_quiesce();
    }
    ovs_assert(!fp_port_set_endpoint(dev, 0, NULL, NULL));
    close(gate.fds[0]);
    close(gate.fds[1]);
    *packetsp = packets;
    return packets * 1e3 / MAX(busy_ns, 1);
}

/* Measures the model's forwarding of the 'n_rules' rules of 'rules' with
 * 'n_engines' engines for 'seconds', and stores the figures in '*fwd'.
 * The packets go to ports 0 to 'n_engines' - 1 in turn: port P to engine
 * P. */
static void
bench_model_forward(const struct bench_rule *rules, size_t n_rules,
                    int n_engines, double seconds,
                    struct bench_model_fwd *fwd)
{
    struct fp_model_engine_stats es0[2], es1[2];
    struct fp_rule_op *ops = xcalloc(BENCH_BATCH, sizeof *ops);
    struct fp_rule *frules = xmalloc(BENCH_BATCH * sizeof *frules);
    uint8_t (*pkts)[BENCH_PKT_SIZE] = xmalloc(BENCH_N_PKTS
                                              * BENCH_PKT_SIZE);
    uint32_t *ids = xmalloc(n_rules * sizeof *ids);
    struct fp_packet batch[BENCH_MODEL_BURST];
    struct fp_device_stats ds;
    struct fp_device_config cfg;
    struct fp_device *dev;
    size_t i, j, heap0, heap1;
    double t0, t_ins, t_del, t_fed;
    uint64_t n_fed = 0, n_packets, n_batches, busy_ns;
    uint64_t n_fixed = bench_model_packets();
    size_t next[2] = { 0, 0 };
    int e;

    ovs_assert(n_engines >= 1 && n_engines <= ARRAY_SIZE(es0));
    fp_device_config_default(&cfg);
    cfg.n_rules = 131072;
    cfg.n_masks = 64;
    cfg.rx_ring_size = 4096;
    cfg.n_engines = n_engines;
    ovs_assert(!fp_device_create("bench", &cfg, &dev));
    heap0 = bench_heap();

    /* Insert. */
    t0 = bench_now();
    for (i = 0; i < n_rules; i += BENCH_BATCH) {
        size_t n = MIN(BENCH_BATCH, n_rules - i);

        for (j = 0; j < n; j++) {
            bench_fp_rule(&rules[i + j], &frules[j]);
            ops[j].type = FP_RULE_OP_ADD;
            ops[j].rule = &frules[j];
        }
        ovs_assert(!fp_rule_batch(dev, ops, n));
        for (j = 0; j < n; j++) {
            ids[i + j] = ops[j].id;
        }
    }
    t_ins = bench_now() - t0;
    ovsrcu_quiesce();
    heap1 = bench_heap();
    fwd->per_rule = fp_model_memory_per_rule(dev);
    fwd->heap_per_rule = ((double) heap1 - heap0) / n_rules;

    /* Forward. */
    for (i = 0; i < BENCH_N_PKTS; i++) {
        bench_packet(&rules[bench_rand() % n_rules], pkts[i]);
    }
    for (e = 0; e < n_engines; e++) {
        fp_model_get_engine_stats(dev, e, &es0[e]);
    }
    t0 = bench_now();
    for (j = 0; (t_fed = bench_now() - t0,
                 n_fixed ? n_fed < n_fixed : t_fed < seconds); j++) {
        uint32_t port = j % n_engines;
        size_t k, q, burst = ARRAY_SIZE(batch);

        /* Each port gets the packets in the same order, none skipped: a
         * packet that a full ring did not take is offered again, so that
         * what the ring drops does not change which packets an engine
         * sees. */
        if (n_fixed) {
            burst = MIN(burst, n_fixed - n_fed);
        }
        for (k = 0; k < burst; k++) {
            batch[k].data = pkts[(next[port] + k) % BENCH_N_PKTS];
            batch[k].size = BENCH_PKT_SIZE;
        }
        fp_port_receive_batch(dev, port, batch, burst, &q);
        next[port] += q;
        n_fed += q;
        ovsrcu_quiesce();
    }
    fp_device_flush(dev);
    fwd->mpps_total = 0;
    n_batches = busy_ns = n_packets = 0;
    for (e = 0; e < n_engines; e++) {
        double busy;

        fp_model_get_engine_stats(dev, e, &es1[e]);
        busy = MAX(es1[e].busy_ns - es0[e].busy_ns, 1);
        fwd->mpps_total += (es1[e].packets - es0[e].packets) * 1e3 / busy;
        n_packets += es1[e].packets - es0[e].packets;
        n_batches += es1[e].batches - es0[e].batches;
        busy_ns += es1[e].busy_ns - es0[e].busy_ns;
    }
    fwd->mpps_engine = fwd->mpps_total / n_engines;
    fwd->n_packets = n_packets;
    fwd->pkts_batch = (double) n_packets / MAX(n_batches, 1);
    fwd->ns_batch = (double) busy_ns / MAX(n_batches, 1);
    fwd->mpps_fed = n_fed / t_fed / 1e6;
    fp_device_get_stats(dev, &ds);
    fwd->hits_pct = 100.0 * ds.hits / MAX(ds.hits + ds.misses, 1);
    fwd->emc_pct = 100.0 * ds.emc_hits / MAX(ds.hits + ds.misses, 1);
    fwd->n_saturated = 0;
    fwd->mpps_saturated = (n_engines == 1
                           ? bench_model_saturated(dev, pkts, &next[0],
                                                   seconds,
                                                   &fwd->n_saturated)
                           : 0);

    /* Delete. */
    t0 = bench_now();
    for (i = 0; i < n_rules; i += BENCH_BATCH) {
        size_t n = MIN(BENCH_BATCH, n_rules - i);

        for (j = 0; j < n; j++) {
            ops[j].type = FP_RULE_OP_DELETE;
            ops[j].id = ids[i + j];
        }
        ovs_assert(!fp_rule_batch(dev, ops, n));
        ovsrcu_quiesce();
    }
    t_del = bench_now() - t0;
    fwd->insert_mps = n_rules / t_ins / 1e6;
    fwd->delete_mps = n_rules / t_del / 1e6;

    fp_device_destroy(dev);
    ovsrcu_quiesce();
    free(ops);
    free(frules);
    free(pkts);
    free(ids);
}

/* Measures OVS's classifier on the 'n_rules' rules of 'rules' for
 * 'seconds' and prints its line.  Returns its lookups per second, in M. */
static double
bench_model_classifier(const struct bench_rule *rules, size_t n_rules,
                       int n_masks, double seconds)
{
    struct cls_rule *crules = xmalloc(n_rules * sizeof *crules);
    struct flow *flows = xcalloc(BENCH_N_PKTS, sizeof *flows);
    bool *in_cls = xcalloc(n_rules, sizeof *in_cls);
    const struct cls_rule *displaced;
    struct classifier cls;
    double t0, cpu0, t_ins, t_del, t_look;
    uint64_t n_look = 0, n_hit = 0;
    size_t i;

    classifier_init(&cls, NULL);

    t0 = bench_now();
    for (i = 0; i < n_rules; i++) {
        bench_cls_rule_init(&rules[i], &crules[i]);
        displaced = classifier_replace(&cls, &crules[i], OVS_VERSION_MIN,
                                       NULL, 0);
        if (displaced) {
            /* Same match and priority as an earlier rule, which the model
             * keeps too but never hits: here it is replaced. */
            in_cls[displaced - crules] = false;
        }
        in_cls[i] = true;
    }
    t_ins = bench_now() - t0;

    for (i = 0; i < BENCH_N_PKTS; i++) {
        const struct bench_rule *br = &rules[bench_rand() % n_rules];

        flows[i].dl_type = htons(0x0800);
        flows[i].nw_proto = 17;
        flows[i].nw_dst = htonl(br->nw_dst | (bench_rand() & ~br->nw_mask));
        flows[i].tp_src = htons(0x0400);
        flows[i].tp_dst = htons(bench_packet_tp_dst(br, bench_rand()));
    }
    /* Lookups per second of this thread's CPU time, as the model's engines
     * are measured, so that the load of the machine changes neither. */
    t0 = bench_now();
    cpu0 = bench_thread_cpu();
    while (bench_now() - t0 < seconds) {
        for (i = 0; i < 1024; i++) {
            n_hit += classifier_lookup(&cls, OVS_VERSION_MAX,
                                       &flows[n_look++ % BENCH_N_PKTS],
                                       NULL) != NULL;
        }
    }
    t_look = MAX(bench_thread_cpu() - cpu0, 1e-9);

    t0 = bench_now();
    for (i = 0; i < n_rules; i++) {
        if (in_cls[i]) {
            classifier_remove_assert(&cls, &crules[i]);
        }
        if (!(i % BENCH_BATCH)) {
            ovsrcu_quiesce();
        }
    }
    t_del = bench_now() - t0;
    ovsrcu_synchronize();
    for (i = 0; i < n_rules; i++) {
        cls_rule_destroy(&crules[i]);
    }
    classifier_destroy(&cls);

    printf("ovscls rules %6"PRIuSIZE" masks %2d: %6.2f M lookups/s "
           "(1 thread, CPU time, %.0f%% hits), insert %5.2f M/s, "
           "remove %5.2f M/s\n",
           n_rules, n_masks, n_look / t_look / 1e6,
           100.0 * n_hit / MAX(n_look, 1),
           n_rules / t_ins / 1e6, n_rules / t_del / 1e6);
    fflush(stdout);
    ovsrcu_quiesce();
    free(crules);
    free(flows);
    free(in_cls);
    return n_look / t_look / 1e6;
}

/* A point whose first measurement puts the model within a factor of
 * BENCH_MODEL_CLOSE of OVS's classifier, either way, is measured
 * BENCH_MODEL_RUNS times in all, and its figures are the medians of the
 * runs: two full runs of the same code, one measurement of 0.5 s each, read
 * the model at 100K rules over 1 mask at 0.82x and 2.08x the classifier. */
#define BENCH_MODEL_CLOSE 2.0
#define BENCH_MODEL_RUNS 5

/* The point of the goal fwd-line-rate: 10K rules over 16 masks.  It runs
 * BENCH_MODEL_RUNS times too, and the goal takes the median of its runs:
 * alternated runs of one build within ten minutes read it at 13.64 to 16.91
 * Mpps per engine, so one run says little about the build. */
static bool
bench_model_is_line_rate_point(size_t n_rules, int n_masks)
{
    return n_rules == 10000 && n_masks == 16;
}

/* Returns the median, over the 'n' runs of 'runs', of the double at
 * 'offset' in a struct bench_model_fwd. */
static double
bench_model_fwd_median(const struct bench_model_fwd *runs, int n,
                       size_t offset)
{
    double v[BENCH_MODEL_RUNS];
    int i;

    for (i = 0; i < n; i++) {
        memcpy(&v[i], (const char *) &runs[i] + offset, sizeof v[i]);
    }
    return bench_median(v, n);
}

/* Sets each rate of '*fwd' to its median over the 'n' runs of 'runs'. */
static void
bench_model_fwd_medians(const struct bench_model_fwd *runs, int n,
                        struct bench_model_fwd *fwd)
{
#define BENCH_MODEL_MEDIAN(FIELD)                                       \
    fwd->FIELD = bench_model_fwd_median(                                \
        runs, n, offsetof(struct bench_model_fwd, FIELD))

    *fwd = runs[0];
    BENCH_MODEL_MEDIAN(mpps_engine);
    BENCH_MODEL_MEDIAN(mpps_total);
    BENCH_MODEL_MEDIAN(mpps_fed);
    BENCH_MODEL_MEDIAN(mpps_saturated);
    BENCH_MODEL_MEDIAN(emc_pct);
    BENCH_MODEL_MEDIAN(pkts_batch);
    BENCH_MODEL_MEDIAN(ns_batch);
#undef BENCH_MODEL_MEDIAN
}

/* Measures the point of 'n_rules' rules over 'n_masks' masks (1...64):
 * OVS's classifier, then the model with 1 and 2 engines, each for
 * opts->seconds, and all three again while the point is close (see
 * BENCH_MODEL_CLOSE).  Prints a line per figure (and one of medians),
 * appends the figures to the data series "fwd-model" and keeps them for
 * bench_model_goals(). */
void
bench_model_point(size_t n_rules, int n_masks,
                  const struct bench_opts *opts)
{
    struct bench_rule *rules = xmalloc(n_rules * sizeof *rules);
    struct bench_model_fwd ones[BENCH_MODEL_RUNS], twos[BENCH_MODEL_RUNS];
    double ovscls_runs[BENCH_MODEL_RUNS], ratios[BENCH_MODEL_RUNS];
    struct bench_model_fwd one, two;
    struct bench_model_figs *p;
    static bool header;
    int n_runs = 1, r;
    double ovscls, ratio;

    ovs_assert(n_rules > 0 && n_masks >= 1 && n_masks <= 64);
    bench_make_rules(rules, n_rules, n_masks);
    for (r = 0; r < n_runs; r++) {
        ovscls = bench_model_classifier(rules, n_rules, n_masks,
                                        opts->seconds);
        bench_model_forward(rules, n_rules, 1, opts->seconds, &one);
        printf("model  rules %6"PRIuSIZE" masks %2d: %6.2f Mpps/engine "
               "(1 engine, %.2f Mpps fed, %.0f%% hits, %.0f%% EMC, "
               "%.1f packets and %.0f ns a batch); "
               "ovscls %.2f M lookups/s (%.2fx)\n",
               n_rules, n_masks, one.mpps_engine, one.mpps_fed,
               one.hits_pct, one.emc_pct, one.pkts_batch, one.ns_batch,
               ovscls, one.mpps_engine / ovscls);
        printf("msat   rules %6"PRIuSIZE" masks %2d: %6.2f Mpps/engine "
               "(1 engine saturated: its ring filled, then timed)\n",
               n_rules, n_masks, one.mpps_saturated);
        printf("mrules rules %6"PRIuSIZE" masks %2d: insert %5.2f M/s, "
               "delete %5.2f M/s, %"PRIuSIZE" B/rule ",
               n_rules, n_masks, one.insert_mps, one.delete_mps,
               one.per_rule);
        if (one.heap_per_rule >= 0) {
            printf("(heap %.0f B/rule)\n", one.heap_per_rule);
        } else {
            /* Memory that earlier points freed came back to the heap's
             * free lists or to the kernel meanwhile. */
            printf("(heap: shrank during the insertion, no figure)\n");
        }
        fflush(stdout);

        bench_model_forward(rules, n_rules, 2, opts->seconds, &two);
        printf("model2 rules %6"PRIuSIZE" masks %2d: %6.2f Mpps "
               "(2 engines, %.2f Mpps/engine, %.2f Mpps fed, %.0f%% EMC, "
               "%.1f packets and %.0f ns a batch); "
               "ovscls %.2f M lookups/s (%.2fx)\n",
               n_rules, n_masks, two.mpps_total, two.mpps_engine,
               two.mpps_fed, two.emc_pct, two.pkts_batch, two.ns_batch,
               ovscls, two.mpps_total / ovscls);
        fflush(stdout);

        ones[r] = one;
        twos[r] = two;
        ovscls_runs[r] = ovscls;
        ratios[r] = MIN(one.mpps_engine, two.mpps_engine) / ovscls;
        if (bench_model_packets()) {
            printf("pkts   rules %6"PRIuSIZE" masks %2d: %"PRIu64" packets "
                   "processed (model %"PRIu64", msat %"PRIu64", model2 %"
                   PRIu64"; OVS_OFFLOAD_BENCH_PACKETS: one run)\n",
                   n_rules, n_masks,
                   one.n_packets + one.n_saturated + two.n_packets,
                   one.n_packets, one.n_saturated, two.n_packets);
            fflush(stdout);
        } else if (!r && (bench_model_is_line_rate_point(n_rules, n_masks)
                          || (ratios[r] > 1.0 / BENCH_MODEL_CLOSE
                              && ratios[r] < BENCH_MODEL_CLOSE))) {
            n_runs = BENCH_MODEL_RUNS;
        }
    }
    ratio = bench_median(ratios, n_runs);     /* Sorts 'ratios'. */
    if (n_runs > 1) {
        bench_model_fwd_medians(ones, n_runs, &one);
        bench_model_fwd_medians(twos, n_runs, &two);
        ovscls = bench_median(ovscls_runs, n_runs);
        printf("median rules %6"PRIuSIZE" masks %2d: %6.2f Mpps/engine "
               "(1 engine), %.2f Mpps/engine (2 engines), ovscls %.2f M "
               "lookups/s; ratio to ovscls %.2fx (medians of %d runs, "
               "for a point within %.0fx or the line-rate goal's; a run's "
               "ratio is the lower of its 1-engine and 2-engine ratios, "
               "%.2fx to %.2fx)\n",
               n_rules, n_masks, one.mpps_engine, two.mpps_engine, ovscls,
               ratio, n_runs, BENCH_MODEL_CLOSE, ratios[0],
               ratios[n_runs - 1]);
        fflush(stdout);
    }

    if (!header) {
        header = true;
        bench_data("fwd-model", "# rules masks engines mpps mpps_engine "
                   "mpps_fed emc_pct ovscls");
    }
    bench_data("fwd-model", "%"PRIuSIZE" %d 1 %.3f %.3f %.3f %.1f %.3f",
               n_rules, n_masks, one.mpps_total, one.mpps_engine,
               one.mpps_fed, one.emc_pct, ovscls);
    bench_data("fwd-model", "%"PRIuSIZE" %d 2 %.3f %.3f %.3f %.1f %.3f",
               n_rules, n_masks, two.mpps_total, two.mpps_engine,
               two.mpps_fed, two.emc_pct, ovscls);

    if (n_points >= allocated_points) {
        points = x2nrealloc(points, &allocated_points, sizeof *points);
    }
    p = &points[n_points++];
    p->n_rules = n_rules;
    p->n_masks = n_masks;
    p->n_runs = n_runs;
    p->model = one.mpps_engine;
    p->model2 = two.mpps_engine;
    p->ovscls = ovscls;
    p->ratio = ratio;
    free(rules);
}

/* Prints the goals of the points that bench_model_point() measured:
 * fwd-line-rate (at least BENCH_LINE_RATE Mpps per engine at 10K rules
 * over 16 masks, 1 engine) if it measured that point, and fwd-no-cliff (at
 * every point, the model's Mpps per engine, 1 engine and 2 engines, at
 * least OVS's classifier's M lookups/s). */
void
bench_model_goals(void)
{
    const struct bench_model_figs *worst = NULL;
    double worst_ratio = 0;
    size_t i;

    for (i = 0; i < n_points; i++) {
        const struct bench_model_figs *p = &points[i];

        if (bench_model_is_line_rate_point(p->n_rules, p->n_masks)) {
            bench_goal("fwd-line-rate", p->model >= BENCH_LINE_RATE,
                       "%.2f Mpps/engine at 10000 rules over 16 masks "
                       "(goal %.2f; %s)", p->model, BENCH_LINE_RATE,
                       p->n_runs > 1 ? "the median of its runs" : "one run");
        }
    }
    for (i = 0; i < n_points; i++) {
        const struct bench_model_figs *p = &points[i];
        if (!worst || p->ratio < worst_ratio) {
            worst = p;
            worst_ratio = p->ratio;
        }
    }
    if (worst) {
        bench_goal("fwd-no-cliff", worst_ratio >= 1.0,
                   "worst of the %"PRIuSIZE" point(s) measured (the full "
                   "mode measures 9): %"PRIuSIZE" rules over "
                   "%d mask(s), model %.2f Mpps/engine (1 engine), %.2f "
                   "(2 engines), ovscls %.2f M lookups/s (%.2fx; %s)",
                   n_points, worst->n_rules, worst->n_masks, worst->model,
                   worst->model2, worst->ovscls, worst_ratio,
                   worst->n_runs > 1 ? "medians of its runs" : "one run");
    }
}
