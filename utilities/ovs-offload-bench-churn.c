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

/* ovs-offload-bench, section "churn": the model's forwarding while another
 * thread adds and deletes rules.
 *
 * One model NIC with 1 engine and 8 physical ports holds CHURN_N_STABLE
 * stable rules over 16 masks (bench_make_rules()), rule r output to port
 * 1 + r % 7.  The packets (bench_packet()) hit a fixed subset of them,
 * every CHURN_SUBSET_STEP-th rule; each packet carries in the last byte of
 * its IPv4 source address (a field no rule matches) the port that its
 * winning stable rule (highest priority among those it matches) sends it
 * to.  Every port's endpoint checks that byte against the port it came out
 * of, so a packet is either sent where it should, or misrouted, or lost
 * (fed into the RX ring and sent nowhere).
 *
 * Churn rules: a pool of CHURN_POOL rules of the same shape and masks from
 * which every rule that matches one of the packets is taken out, so that
 * the packets never hit them.  CHURN_WINDOW of them are in the table from
 * the start; during the churn phase a thread replaces the oldest by the
 * next of the pool with fp_rule_batch(), CHURN_BATCH deletes and as many
 * adds per call, paced at CHURN_RATE changes (adds plus deletes) per
 * second.  The deletes have 'no_wait': the thread reads no final counters,
 * so the model need not wait for its engines to leave their batch of
 * packets.
 *
 * CHURN_N_PHASES phases of the same length on the same table size, without
 * and with churn in turn, beginning and ending without, at CHURN_RATE in
 * batches of 2 * CHURN_BATCH changes and, in the full mode, also at other
 * rates and other batch sizes (each batch is a new version of the model's
 * table, and the engines' exact-match caches check an entry once in each
 * version that it is still right: the batch size matters as much as the
 * rate).  The forwarding rate is the engine's packets per second of its
 * busy CPU time (as the "model" lines have it), and the fed rate per
 * second of wall clock.  The drop is the median, over the phases with
 * churn, of each one's rate against the mean of the two phases without
 * churn around it, printed with the least and the greatest of them
 * (churn_measure()); beside it, the CPU time that the churn thread takes,
 * which on this 2-CPU machine it takes from the feeder and the engine.
 *
 * For experiments that tell apart what a batch of changes costs the
 * engine, the environment may set OVS_OFFLOAD_BENCH_CHURN_BATCH (deletes,
 * and as many adds, per batch, instead of CHURN_BATCH) and
 * OVS_OFFLOAD_BENCH_CHURN to what the churn thread does at each batch
 * instead of the changes (see enum churn_variant): "empty" (a batch of no
 * operation: a new table version, nothing else), "rcu" (no call, one
 * free() postponed through RCU, as a batch that frees rules causes) or
 * "idle" (nothing: it only wakes at the same pace). */

#include <config.h>

#include "ovs-offload-bench.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fp/fp.h"
#include "fp-model.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "timeval.h"
#include "util.h"

#define CHURN_N_STABLE 10000        /* Stable rules. */
#define CHURN_N_MASKS 16
#define CHURN_SUBSET_STEP 10        /* Packets hit every 10th rule. */
#define CHURN_N_PORTS 8             /* Port 0 in, 1...7 out. */
#define CHURN_POOL 40000            /* Churn rules to draw from. */
#define CHURN_WINDOW 10000          /* Churn rules in the table. */
#define CHURN_BATCH 500             /* Deletes (and adds) per batch. */
#define CHURN_MAX_BATCH 2500        /* Largest of the full mode. */
#define CHURN_RATE 100000           /* Target changes per second. */
#define CHURN_N_PAIRS 9             /* Phases with churn; one more
                                     * without, before and after each. */
#define CHURN_N_PHASES (2 * CHURN_N_PAIRS + 1)

/* Byte of a packet that holds the port it must leave by. */
#define CHURN_TAG_OFS 29

/* What the endpoints saw, per port. */
struct churn_count {
    atomic_uint64_t ok;         /* Left by the port of their tag. */
    atomic_uint64_t misrouted;  /* Left by another port. */
};

static struct churn_count churn_counts[CHURN_N_PORTS];

/* What the churn thread does at each batch (OVS_OFFLOAD_BENCH_CHURN). */
enum churn_variant {
    CHURN_REAL,                 /* The changes. */
    CHURN_EMPTY,                /* fp_rule_batch() of no operation. */
    CHURN_RCU,                  /* ovsrcu_postpone() of one free(). */
    CHURN_IDLE,                 /* Nothing. */
};

/* The churn thread's state. */
struct churn_thread {
    struct fp_device *dev;
    struct fp_rule *pool;       /* CHURN_POOL model rules. */
    size_t n_pool;              /* Of them, those the packets never hit. */
    uint32_t *ids;              /* Handle of pool[i] while in the table. */
    size_t next;                /* Next pool rule to add (mod n_pool). */
    size_t n_in;                /* Pool rules in the table, up to 'next'. */
    double rate;                /* Changes per second to make. */
    size_t batch;               /* Deletes (and adds) per batch. */
    enum churn_variant variant;

    /* Told to stop: 'stop' under 'mutex', with 'cond' signaled, so that the
     * thread stops at once, even in the middle of its pacing wait. */
    pthread_mutex_t mutex;
    pthread_cond_t cond;        /* On CLOCK_MONOTONIC, as bench_now(). */
    bool stop;

    /* Results of one run of the thread. */
    uint64_t n_changes;
    uint64_t n_errors;
    double seconds;             /* Wall clock. */
    double cpu_seconds;         /* The thread's own CPU time. */
    double batch_seconds;       /* Wall clock inside fp_rule_batch(). */
};

/* Returns the CPU time of the calling thread ('thread' true) or of the
 * whole process, in seconds. */
static double
churn_cpu_now(bool thread)
{
    struct timespec ts;

    clock_gettime(thread ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID,
                  &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Endpoint of every port: counts each packet as sent where it should or
 * misrouted, by its tag.  Called from the engine thread. */
static int
churn_endpoint_send(void *aux OVS_UNUSED, uint32_t port, const void *data,
                    size_t size)
{
    const uint8_t *p = data;
    struct churn_count *c = &churn_counts[port % CHURN_N_PORTS];

    if (size > CHURN_TAG_OFS && p[CHURN_TAG_OFS] == port) {
        atomic_add_relaxed(&c->ok, 1, &(uint64_t) { 0 });
    } else {
        atomic_add_relaxed(&c->misrouted, 1, &(uint64_t) { 0 });
    }
    return 0;
}

static const struct fp_endpoint_ops churn_endpoint = {
    .send = churn_endpoint_send,
};

/* Whether a packet to 'dst' (host order), UDP port 'tp_dst', matches
 * 'br'. */
static bool
churn_rule_matches(const struct bench_rule *br, uint32_t dst, uint16_t tp_dst)
{
    return ((dst & br->nw_mask) == br->nw_dst
            && (tp_dst & br->tp_mask) == br->tp_dst);
}

static uint32_t
churn_packet_dst(const uint8_t *p)
{
    return ((uint32_t) p[30] << 24) | (p[31] << 16) | (p[32] << 8) | p[33];
}

static uint16_t
churn_packet_tp_dst(const uint8_t *p)
{
    return (p[36] << 8) | p[37];
}

/* Returns the port that the stable rules 'rules[0 .. n - 1]' send a packet
 * to 'dst', 'tp_dst' to: that of the highest-priority rule it matches, or
 * -1 if it matches none or if rules of that priority with different ports
 * match it (the model's choice among them is not the benchmark's to
 * know). */
static int
churn_expected_port(const struct bench_rule *rules, size_t n, uint32_t dst,
                    uint16_t tp_dst)
{
    int64_t best_prio = -1;
    int port = -1;
    size_t r;

    for (r = 0; r < n; r++) {
        if (churn_rule_matches(&rules[r], dst, tp_dst)) {
            int p = 1 + r % (CHURN_N_PORTS - 1);

            if (rules[r].priority > best_prio) {
                best_prio = rules[r].priority;
                port = p;
            } else if (rules[r].priority == best_prio && p != port) {
                port = -2;
            }
        }
    }
    return port < 0 ? -1 : port;
}

/* In one fp_rule_batch(), deletes the 'n_del' oldest churn rules in the
 * table and adds the next 'n_add' rules of the pool. */
static void
churn_step(struct churn_thread *ct, struct fp_rule_op *ops, size_t n_del,
           size_t n_add)
{
    size_t oldest = (ct->next + ct->n_pool - ct->n_in) % ct->n_pool;
    double t0;
    size_t j;

    for (j = 0; j < n_del + n_add; j++) {
        bool add = j >= n_del;
        size_t k = (add ? ct->next + j - n_del : oldest + j) % ct->n_pool;

        memset(&ops[j], 0, sizeof ops[j]);
        ops[j].type = add ? FP_RULE_OP_ADD : FP_RULE_OP_DELETE;
        ops[j].rule = &ct->pool[k];
        ops[j].id = ct->ids[k];
        ops[j].no_wait = !add;
    }
    t0 = bench_now();
    if (ct->variant == CHURN_REAL || !n_del) {
        fp_rule_batch(ct->dev, ops, n_del + n_add);
    } else {
        /* An experiment (the table is filled with real changes, !n_del):
         * the changes are counted as made. */
        if (ct->variant == CHURN_EMPTY) {
            fp_rule_batch(ct->dev, ops, 0);
        } else if (ct->variant == CHURN_RCU) {
            uint64_t *garbage = xmalloc(sizeof *garbage);

            ovsrcu_postpone(free, garbage);
        }
        ct->batch_seconds += bench_now() - t0;
        ct->n_changes += n_del + n_add;
        return;
    }
    ct->batch_seconds += bench_now() - t0;
    for (j = 0; j < n_del + n_add; j++) {
        if (ops[j].error) {
            ct->n_errors++;
        } else if (j >= n_del) {
            ct->ids[(ct->next + j - n_del) % ct->n_pool] = ops[j].id;
        }
    }
    ct->next = (ct->next + n_add) % ct->n_pool;
    ct->n_in += n_add - n_del;
    ct->n_changes += n_del + n_add;
}

/* The churn thread: replaces the oldest 'ct->batch' churn rules by the
 * next 'ct->batch' of the pool, in one batch, at 'ct->rate' changes per
 * second (or as fast as it can), until told to stop. */
static void *
churn_thread_main(void *ct_)
{
    struct churn_thread *ct = ct_;
    struct fp_rule_op *ops = xcalloc(2 * ct->batch, sizeof *ops);
    double start = bench_now(), cpu0 = churn_cpu_now(true);
    bool stop = false;

    ct->n_changes = 0;
    ct->batch_seconds = 0;
    while (!stop) {
        double due;
        struct timespec ts;

        churn_step(ct, ops, ct->batch, ct->batch);
        ovsrcu_quiesce();

        /* Pace: wait until the next batch is due, or until told to stop,
         * which ends the thread's time at once. */
        due = start + ct->n_changes / ct->rate;
        ts.tv_sec = due;
        ts.tv_nsec = (due - ts.tv_sec) * 1e9;
        pthread_mutex_lock(&ct->mutex);
        while (!ct->stop && bench_now() < due
               && pthread_cond_timedwait(&ct->cond, &ct->mutex, &ts) == 0) {
            continue;
        }
        stop = ct->stop;
        pthread_mutex_unlock(&ct->mutex);
    }
    ct->seconds = bench_now() - start;
    ct->cpu_seconds = churn_cpu_now(true) - cpu0;
    free(ops);
    return NULL;
}

/* The figures of one phase. */
struct churn_phase {
    double mpps_engine;         /* Per second of the engine's busy time. */
    double mpps_fed;            /* Per second of wall clock. */
    double engine_busy;         /* Engine's busy CPU s per wall clock s. */
    double process_cpu;         /* The process's CPU s per wall clock s. */
    uint64_t queued;            /* Fed into the RX ring. */
    uint64_t ok;                /* Left by the port of their tag. */
    uint64_t misrouted;         /* Left by another port, or to the host. */
    uint64_t lost;              /* Left by no port. */
    double emc;                 /* Share of lookups that the EMC made. */
};

/* Packets that the endpoints counted as misrouted, or as sent where they
 * should be. */
static uint64_t
churn_count_sum(bool misrouted)
{
    uint64_t sum = 0;
    size_t i;

    for (i = 0; i < CHURN_N_PORTS; i++) {
        uint64_t c;

        if (misrouted) {
            atomic_read_relaxed(&churn_counts[i].misrouted, &c);
        } else {
            atomic_read_relaxed(&churn_counts[i].ok, &c);
        }
        sum += c;
    }
    return sum;
}

/* Host-bound packets of 'dev' (exceptions and malformed of port 0). */
static uint64_t
churn_to_host(struct fp_device *dev)
{
    struct fp_port_stats ps;

    fp_port_get_stats(dev, 0, &ps);
    return ps.exceptions + ps.malformed;
}

/* Feeds the packets 'pkts' into port 0 of 'dev' for 'seconds', waits until
 * the engine processed them, and stores the figures in '*ph'. */
static void
churn_forward(struct fp_device *dev, const uint8_t (*pkts)[BENCH_PKT_SIZE],
              double seconds, struct churn_phase *ph)
{
    struct fp_model_engine_stats es0, es1;
    struct fp_device_stats ds0, ds1;
    uint64_t ok0, mis0, host0, n_fed = 0, n_batches = 0;
    struct fp_packet batch[32];
    double deadline, t0, t1, cpu0;
    size_t i = 0, j;

    fp_device_flush(dev);
    ok0 = churn_count_sum(false);
    mis0 = churn_count_sum(true);
    host0 = churn_to_host(dev);
    fp_model_get_engine_stats(dev, 0, &es0);
    fp_device_get_stats(dev, &ds0);
    cpu0 = churn_cpu_now(false);
    t0 = bench_now();
    deadline = t0 + seconds;
    while (bench_now() < deadline) {
        size_t q;

        for (j = 0; j < ARRAY_SIZE(batch); j++) {
            batch[j].data = pkts[i++ % BENCH_N_PKTS];
            batch[j].size = BENCH_PKT_SIZE;
        }
        fp_port_receive_batch(dev, 0, batch, ARRAY_SIZE(batch), &q);
        n_fed += q;
        /* The feeder stands for the wire, which takes no part in RCU.  It
         * quiesces as the engine does, once in 1024 batches: at every
         * batch, each one woke OVS's RCU thread while the churn's grace
         * period was pending, on a machine of 2 CPUs that the engine
         * shares. */
        if (!(++n_batches % 1024)) {
            ovsrcu_quiesce();
        }
    }
    ovsrcu_quiesce();
    t1 = bench_now();
    ph->mpps_fed = n_fed / (t1 - t0) / 1e6;
    fp_device_flush(dev);
    fp_model_get_engine_stats(dev, 0, &es1);
    fp_device_get_stats(dev, &ds1);
    ph->process_cpu = (churn_cpu_now(false) - cpu0) / (bench_now() - t0);

    ph->emc = ((double) (ds1.emc_hits - ds0.emc_hits)
               / MAX(ds1.hits + ds1.misses - ds0.hits - ds0.misses, 1));
    ph->mpps_engine = (es1.packets - es0.packets) * 1e3
                      / (double) MAX(es1.busy_ns - es0.busy_ns, 1);
    ph->engine_busy = (es1.busy_ns - es0.busy_ns) / 1e9 / (t1 - t0);
    ph->queued = n_fed;
    ph->ok = churn_count_sum(false) - ok0;
    ph->misrouted = churn_count_sum(true) - mis0 + churn_to_host(dev) - host0;
    ph->lost = (ph->queued > ph->ok + ph->misrouted
                ? ph->queued - ph->ok - ph->misrouted : 0);
}

/* The drops of one figure over the pairs of a measurement: for each phase
 * with churn, 1 - its value over the mean of the phases without churn just
 * before and just after it, so that a drift of the machine's load during
 * the run moves both sides alike. */
struct churn_drop {
    double median;
    double min, max;
};

/* Stores in 'd' the drops over the pairs of the figure whose value in
 * phase i is 'v[i]'. */
static void
churn_drop_compute(const double v[CHURN_N_PHASES], struct churn_drop *d)
{
    double drops[CHURN_N_PAIRS];
    size_t k;

    for (k = 0; k < CHURN_N_PAIRS; k++) {
        double base = (v[2 * k] + v[2 * k + 2]) / 2;

        drops[k] = base > 0 ? 1 - v[2 * k + 1] / base : 0;
    }
    d->median = bench_median(drops, CHURN_N_PAIRS);
    d->min = drops[0];
    d->max = drops[CHURN_N_PAIRS - 1];
}

/* Returns the median of the values 'v[i]' of the phases of one kind (with
 * churn, the odd ones, or without). */
static double
churn_phase_median(const double v[CHURN_N_PHASES], bool churn)
{
    double kind[CHURN_N_PAIRS + 1];
    size_t i, n = 0;

    for (i = churn; i < CHURN_N_PHASES; i += 2) {
        kind[n++] = v[i];
    }
    return bench_median(kind, n);
}

/* Measures the forwarding of 'ct->dev' for the packets 'pkts' in
 * CHURN_N_PHASES phases of 'seconds', without and with churn at 'ct->rate'
 * in turn, beginning and ending without; prints the line and, at
 * CHURN_RATE, the goal.
 *
 * The drop is the median over the CHURN_N_PAIRS phases with churn of each
 * one's drop against the two phases without churn around it (see struct
 * churn_drop), with the least and the greatest: on a machine shared with
 * other work the rate without churn moves by more than the churn costs
 * between two measurements a few seconds apart.  The rate per engine is
 * per second of the engine's busy CPU time, so it holds what the churn
 * costs the engine per packet (its caches, its exact-match cache's checks
 * of older entries), not the CPU time that the churn thread takes from it
 * on a machine with fewer CPUs than threads: the line gives that apart,
 * as the churn thread's CPU time and the engine's busy share of the wall
 * clock, with churn and without. */
static void
churn_measure(struct churn_thread *ct,
              const uint8_t (*pkts)[BENCH_PKT_SIZE], double seconds)
{
    struct churn_phase ph[CHURN_N_PHASES];
    double engine[CHURN_N_PHASES], fed[CHURN_N_PHASES], emc[CHURN_N_PHASES];
    double busy[CHURN_N_PHASES], cpu[CHURN_N_PHASES];
    struct churn_drop drop, drop_fed;
    uint64_t queued = 0, misrouted = 0, lost = 0, errors0 = ct->n_errors;
    uint64_t changes = 0;
    double churn_seconds = 0, cpu_seconds = 0, batch_seconds = 0;
    double churn_rate;
    size_t i;

    for (i = 0; i < CHURN_N_PHASES; i++) {
        bool churn = i % 2;
        pthread_t thread = 0;
        double rate = 0;

        if (churn) {
            ct->stop = false;
            thread = ovs_thread_create("bench_churn", churn_thread_main,
                                       ct);
        }
        churn_forward(ct->dev, pkts, seconds, &ph[i]);
        if (churn) {
            pthread_mutex_lock(&ct->mutex);
            ct->stop = true;
            pthread_cond_signal(&ct->cond);
            pthread_mutex_unlock(&ct->mutex);
            xpthread_join(thread, NULL);
            changes += ct->n_changes;
            churn_seconds += ct->seconds;
            cpu_seconds += ct->cpu_seconds;
            batch_seconds += ct->batch_seconds;
            rate = ct->n_changes / MAX(ct->seconds, 1e-9);
        }
        engine[i] = ph[i].mpps_engine;
        fed[i] = ph[i].mpps_fed;
        emc[i] = ph[i].emc;
        busy[i] = ph[i].engine_busy;
        cpu[i] = ph[i].process_cpu;
        queued += ph[i].queued;
        misrouted += ph[i].misrouted;
        lost += ph[i].lost;
        bench_data("churn", "%.0f %"PRIuSIZE" %"PRIuSIZE" %.0f %.3f %.3f "
                   "%"PRIu64" %"PRIu64" %"PRIu64" %"PRIu64" %.3f %.3f %.3f "
                   "%.3f", ct->rate, 2 * ct->batch, i, rate,
                   ph[i].mpps_engine, ph[i].mpps_fed, ph[i].queued,
                   ph[i].ok, ph[i].misrouted, ph[i].lost, ph[i].emc,
                   churn ? ct->cpu_seconds / MAX(ct->seconds, 1e-9) : 0.0,
                   ph[i].engine_busy, ph[i].process_cpu);
    }
    churn_drop_compute(engine, &drop);
    churn_drop_compute(fed, &drop_fed);
    churn_rate = changes / MAX(churn_seconds, 1e-9);

    printf("churn  rules %6d masks %2d: %.0f K changes/s in batches of "
           "%"PRIuSIZE": model %5.2f Mpps/engine with, %5.2f without "
           "(medians of %d and %d phases): drop %.1f%% (median of %d "
           "pairs, %.1f%% to %.1f%%); fed %.2f and %.2f Mpps, drop %.1f%% "
           "(%.1f%% to %.1f%%); EMC %.2f%% and %.2f%%\n"
           "churn  CPU: the changing thread %.0f%% of a CPU (%.2f us per "
           "change, %.0f us per batch in fp_rule_batch()); the engine busy "
           "%.0f%% of the wall clock with, %.0f%% without; the process "
           "%.0f%% with, %.0f%% without (of 2 CPUs: 200%%); "
           "misrouted %"PRIu64", lost %"PRIu64" of %"PRIu64" packets; "
           "%"PRIu64" failed changes\n",
           CHURN_N_STABLE, CHURN_N_MASKS, churn_rate / 1e3, 2 * ct->batch,
           churn_phase_median(engine, true),
           churn_phase_median(engine, false),
           CHURN_N_PAIRS, CHURN_N_PAIRS + 1, drop.median * 100,
           CHURN_N_PAIRS, drop.min * 100, drop.max * 100,
           churn_phase_median(fed, true), churn_phase_median(fed, false),
           drop_fed.median * 100, drop_fed.min * 100, drop_fed.max * 100,
           churn_phase_median(emc, true) * 100,
           churn_phase_median(emc, false) * 100,
           cpu_seconds / MAX(churn_seconds, 1e-9) * 100,
           cpu_seconds / MAX(changes, 1) * 1e6,
           batch_seconds / MAX(changes / (2.0 * ct->batch), 1) * 1e6,
           churn_phase_median(busy, true) * 100,
           churn_phase_median(busy, false) * 100,
           churn_phase_median(cpu, true) * 100,
           churn_phase_median(cpu, false) * 100,
           misrouted, lost, queued, ct->n_errors - errors0);
    fflush(stdout);

    if (ct->rate == CHURN_RATE && ct->batch == CHURN_BATCH
        && ct->variant == CHURN_REAL) {
        bool exact = !misrouted && !lost && ct->n_errors == errors0;
        struct ds missed = DS_EMPTY_INITIALIZER;

        bench_goal_part(&missed, drop.median <= 0.20, "the drop");
        bench_goal_part(&missed, churn_rate >= CHURN_RATE * 0.99,
                        "the rate of changes");
        bench_goal_part(&missed, exact, "no packet or change lost");
        bench_goal("churn", !missed.length,
                   "%.1f%% forwarding drop (<= 20%%; median of %d pairs, "
                   "%.1f%% to %.1f%%) at %.0f K rule changes/s (>= %d K), "
                   "%"PRIu64" misrouted, %"PRIu64" lost (0)%s",
                   drop.median * 100, CHURN_N_PAIRS, drop.min * 100,
                   drop.max * 100, churn_rate / 1e3, CHURN_RATE / 1000,
                   misrouted, lost, ds_cstr(&missed));
        ds_destroy(&missed);
    }
}

/* Sets up the experiment that the environment asks for, if any (see the
 * head comment). */
static void
churn_experiment(struct churn_thread *ct)
{
    const char *variant = getenv("OVS_OFFLOAD_BENCH_CHURN");
    const char *batch = getenv("OVS_OFFLOAD_BENCH_CHURN_BATCH");

    ct->variant = CHURN_REAL;
    if (variant) {
        if (!strcmp(variant, "empty")) {
            ct->variant = CHURN_EMPTY;
        } else if (!strcmp(variant, "rcu")) {
            ct->variant = CHURN_RCU;
        } else if (!strcmp(variant, "idle")) {
            ct->variant = CHURN_IDLE;
        } else if (strcmp(variant, "real")) {
            ovs_fatal(0, "OVS_OFFLOAD_BENCH_CHURN=%s: not real, empty, rcu "
                      "or idle", variant);
        }
        printf("churn  experiment: %s\n", variant);
    }
    if (batch) {
        int n;

        if (!str_to_int(batch, 10, &n) || n < 1 || n > CHURN_MAX_BATCH) {
            ovs_fatal(0, "OVS_OFFLOAD_BENCH_CHURN_BATCH=%s: not 1 to %d",
                      batch, CHURN_MAX_BATCH);
        }
        ct->batch = n;
    }
}

void
bench_churn_run(const struct bench_opts *opts)
{
    struct bench_rule *rules = xmalloc(CHURN_N_STABLE * sizeof *rules);
    struct bench_rule *pool = xmalloc(CHURN_POOL * sizeof *pool);
    uint8_t (*pkts)[BENCH_PKT_SIZE] = xmalloc(BENCH_N_PKTS
                                              * BENCH_PKT_SIZE);
    struct fp_rule_op *ops = xcalloc(CHURN_BATCH * 2, sizeof *ops);
    struct fp_rule *frules = xmalloc(CHURN_BATCH * 2 * sizeof *frules);
    static const double rates[] = { 10e3, 30e3, 300e3, 1e6 };
    static const size_t batches[] = { 5, 50, CHURN_MAX_BATCH };
    struct churn_thread ct;
    pthread_condattr_t cattr;
    struct fp_device_config cfg;
    struct fp_device *dev;
    size_t i, j;
    double seconds = MAX(opts->seconds, 0.5);

    memset(churn_counts, 0, sizeof churn_counts);
    bench_make_rules(rules, CHURN_N_STABLE, CHURN_N_MASKS);

    /* Packets, tagged with the port of their winning rule. */
    for (i = 0; i < BENCH_N_PKTS; ) {
        size_t r = (bench_rand() % (CHURN_N_STABLE / CHURN_SUBSET_STEP))
                   * CHURN_SUBSET_STEP;
        int port;

        bench_packet(&rules[r], pkts[i]);
        port = churn_expected_port(rules, CHURN_N_STABLE,
                                   churn_packet_dst(pkts[i]),
                                   churn_packet_tp_dst(pkts[i]));
        if (port < 0) {
            continue;
        }
        pkts[i++][CHURN_TAG_OFS] = port;
    }

    /* The churn pool: rules of the same masks that no packet matches. */
    bench_make_rules(pool, CHURN_POOL, CHURN_N_MASKS);
    memset(&ct, 0, sizeof ct);
    pthread_mutex_init(&ct.mutex, NULL);
    pthread_condattr_init(&cattr);
    pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
    pthread_cond_init(&ct.cond, &cattr);
    pthread_condattr_destroy(&cattr);
    ct.pool = xmalloc(CHURN_POOL * sizeof *ct.pool);
    ct.ids = xcalloc(CHURN_POOL, sizeof *ct.ids);
    for (i = 0; i < CHURN_POOL; i++) {
        for (j = 0; j < BENCH_N_PKTS; j++) {
            if (churn_rule_matches(&pool[i], churn_packet_dst(pkts[j]),
                                   churn_packet_tp_dst(pkts[j]))) {
                break;
            }
        }
        if (j == BENCH_N_PKTS) {
            bench_fp_rule(&pool[i], &ct.pool[ct.n_pool]);
            ct.pool[ct.n_pool].actions[0].port = 1;
            ct.n_pool++;
        }
    }
    ovs_assert(ct.n_pool > 2 * CHURN_WINDOW);

    fp_device_config_default(&cfg);
    cfg.n_phy_ports = CHURN_N_PORTS;
    cfg.n_vfs = 0;
    cfg.n_rules = 65536;
    cfg.n_masks = 64;
    cfg.rx_ring_size = 4096;
    ovs_assert(!fp_device_create("bench-churn", &cfg, &dev));
    for (i = 0; i < CHURN_N_PORTS; i++) {
        ovs_assert(!fp_port_set_endpoint(dev, i, &churn_endpoint, NULL));
    }

    /* Stable rules, then the first CHURN_WINDOW churn rules. */
    for (i = 0; i < CHURN_N_STABLE; i += CHURN_BATCH) {
        size_t n = MIN(CHURN_BATCH, CHURN_N_STABLE - i);

        for (j = 0; j < n; j++) {
            bench_fp_rule(&rules[i + j], &frules[j]);
            frules[j].actions[0].port = 1 + (i + j) % (CHURN_N_PORTS - 1);
            memset(&ops[j], 0, sizeof ops[j]);
            ops[j].type = FP_RULE_OP_ADD;
            ops[j].rule = &frules[j];
        }
        ovs_assert(!fp_rule_batch(dev, ops, n));
        for (j = 0; j < n; j++) {
            ovs_assert(!ops[j].error);
        }
    }
    ct.dev = dev;
    while (ct.n_in < CHURN_WINDOW) {
        churn_step(&ct, ops, 0, CHURN_BATCH);
    }
    ovs_assert(!ct.n_errors);
    ovsrcu_quiesce();
    bench_data("churn", "# rate batch phase churn_per_s mpps_engine "
               "mpps_fed queued ok misrouted lost emc_share churn_cpu "
               "engine_busy process_cpu");
    ct.rate = CHURN_RATE;
    ct.batch = CHURN_BATCH;
    churn_experiment(&ct);
    churn_measure(&ct, (const uint8_t (*)[BENCH_PKT_SIZE]) pkts, seconds);
    for (i = 0; opts->full && i < ARRAY_SIZE(rates); i++) {
        ct.rate = rates[i];
        churn_measure(&ct, (const uint8_t (*)[BENCH_PKT_SIZE]) pkts,
                      seconds);
    }
    for (i = 0; opts->full && i < ARRAY_SIZE(batches); i++) {
        ct.rate = CHURN_RATE;
        ct.batch = batches[i];
        churn_measure(&ct, (const uint8_t (*)[BENCH_PKT_SIZE]) pkts,
                      seconds);
    }

    fp_device_destroy(dev);
    pthread_mutex_destroy(&ct.mutex);
    pthread_cond_destroy(&ct.cond);
    ovsrcu_quiesce();
    free(rules);
    free(pool);
    free(pkts);
    free(ops);
    free(frules);
    free(ct.pool);
    free(ct.ids);
}
