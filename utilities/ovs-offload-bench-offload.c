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

/* The offload benchmark: insertion, statistics and memory per flow of our
 * flow API, with OVS's dummy offload provider as a peer.
 *
 * For N megaflows (200K in the short mode; 20K, 100K and 200K in the full
 * mode), each an IPv4 megaflow with an exact nw_src, as dpif-netdev's
 * offload thread hands them over:
 *
 *   - ours: our flow API (netdev_offload_fp) on "fp" netdevs bound to a
 *     model NIC: flow_put() of every flow, timed from the first flow_put()
 *     until the last rule is active in the NIC (flow_put() returns once
 *     the rule is in the NIC's table; the benchmark then checks that a
 *     packet of the last flow hits it); one statistics pass, flow_get() of
 *     every flow, as a revalidator makes it; the age of the counters that
 *     flow_get() reports (from a packet entering the NIC until flow_get()
 *     counts it); memory per flow: the heap growth of the process (OVS
 *     side and model NIC together, with the NIC's tables that its rule
 *     capacity sizes: see bench_device_heap()) and the model's own accounting of its
 *     rules (fp_model_memory_per_rule()), the OVS side being the rest, at
 *     once after the puts, then as in ovs-vswitchd two seconds later, when
 *     netdev_offload_fp_run() watches offloaded flows for misses, up to
 *     fp/miss-watch's limit (the memory goal is judged by the larger);
 *
 *   - the peer: OVS 3.1's dummy offload provider (lib/netdev-dummy.c, the
 *     flow API of "dummy" netdevs with hw-offload=true) on the same
 *     megaflows, through netdev_flow_put() as dpif-netdev calls it: its
 *     flow_put() rate and heap growth per flow.  It has no flow_get(), so
 *     no statistics pass.
 *
 * The peers run in turn, OFFLOAD_ROUNDS rounds (OVS_OFFLOAD_BENCH_ROUNDS in
 * the environment, if set: 1 for callgrind), ours first in every other
 * round.  The insertion rates are the medians of the rounds' and the ratio
 * the median of each round's ratio, ours to the dummy's, with its spread:
 * on a shared machine a peer's rate moves from round to round, and a ratio
 * of two figures taken side by side moves less.  The ratio of the peers'
 * rates on the CPU time of the thread that puts the flows (the median of
 * the rounds') leaves out the time that other processes took the CPU.  The
 * statistics pass is the best of the rounds', the memory figures the last
 * round's.
 *
 * The peer needs OVS's flow API enabled (netdev_set_flow_api_enabled()
 * with hw-offload=true), which cannot be undone and makes every later
 * netdev_ports_insert() look for a flow API for its port: this section
 * runs after those that insert ports of their own.
 *
 * Only this section runs with OVS_OFFLOAD_BENCH_ONLY=offload in the
 * environment (for perf record). */

#include <config.h>

#include "ovs-offload-bench.h"

#include <errno.h>
#include <float.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dpif.h"
#include "dp-packet.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp-model.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "netdev-offload-fp.h"
#include "netdev-offload-fp-private.h"
#include "netdev-offload-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"

/* The benchmark is linked as ovs-vswitchd is, with our wrapper of
 * netdev_set_flow_api_enabled() (see ovs-offload.c), which would read the
 * configuration given to it as ovs-vswitchd's and then create the NICs it
 * names, fp0 among them, which this benchmark creates itself: so this
 * section calls OVS's own function. */
void __real_netdev_set_flow_api_enabled(const struct smap *);

/* netdev_ports_get() compares datapath types by pointer. */
static const char offload_dpif_type[] = "netdev";

/* Rounds of each measurement (see bench_offload_run()), at most
 * OFFLOAD_MAX_ROUNDS. */
#define OFFLOAD_ROUNDS 5
#define OFFLOAD_MAX_ROUNDS 50

/* The goals (README.rst, "Benchmarks"). */
#define GOAL_RATE 1e6               /* Offloads per second, at least... */
#define GOAL_RATE_VS_DUMMY 2.0      /* ...and this times the dummy's. */
#define GOAL_PASS_MS 20.0           /* Per statistics pass, at most. */
#define GOAL_AGE_MS 100.0           /* Counters' age, at most. */
#define GOAL_BYTES 256              /* Per flow, OVS and NIC side. */

size_t
bench_heap(void)
{
    struct mallinfo2 mi = mallinfo2();

    return mi.uordblks + mi.hblkhd;
}

struct netdev *
bench_flow_open_port(const char *name, const char *type, const char *port,
          uint32_t port_no)
{
    struct dpif_port dpif_port;
    struct netdev *netdev;

    if (netdev_open(name, type, &netdev)) {
        ovs_fatal(0, "%s: cannot open", name);
    }
    if (port) {
        struct smap args = SMAP_INITIALIZER(&args);
        char *errp = NULL;

        smap_add(&args, "port", port);
        if (netdev_set_config(netdev, &args, &errp)) {
            ovs_fatal(0, "%s: %s", name, errp ? errp : "bad configuration");
        }
        smap_destroy(&args);
    }
    netdev_set_dpif_type(netdev, offload_dpif_type);
    dpif_port.name = CONST_CAST(char *, name);
    dpif_port.type = CONST_CAST(char *, type);
    dpif_port.port_no = u32_to_odp(port_no);
    netdev_ports_insert(netdev, &dpif_port);
    return netdev;
}

void
bench_flow_match(uint32_t i, struct match *match)
{
    match_init_catchall(match);
    /* The datapath in_port, matched exactly, as dpif-netdev hands every
     * megaflow over (dp_netdev_flow_add() asserts it); match_set_in_port()
     * would set OpenFlow's 16-bit port and mask instead. */
    match->flow.in_port.odp_port = u32_to_odp(1);
    match->wc.masks.in_port.odp_port = ODPP_NONE;
    match_set_recirc_id(match, 0);
    match_set_dl_type(match, htons(ETH_TYPE_IP));
    match_set_nw_src(match, htonl(0x0a000000 | i));
    match_set_nw_frag_masked(match, 0, FLOW_NW_FRAG_MASK);
}

ovs_u128
bench_flow_ufid(uint32_t i)
{
    ovs_u128 ufid = { .u32 = { i * 2654435761u, i, 0x0ff1, 2 } };
    return ufid;
}

struct dp_packet *
bench_flow_packet(uint32_t i)
{
    struct flow flow;
    struct dp_packet *p;

    memset(&flow, 0, sizeof flow);
    flow.dl_type = htons(ETH_TYPE_IP);
    flow.dl_src = (struct eth_addr) { { { 0x50, 0x54, 0, 0, 0, 1 } } };
    flow.dl_dst = (struct eth_addr) { { { 0x50, 0x54, 0, 0, 0, 2 } } };
    flow.nw_src = htonl(0x0a000000 | i);
    flow.nw_dst = htonl(0x0a0000fe);
    flow.nw_proto = IPPROTO_UDP;
    flow.nw_ttl = 64;
    flow.tp_src = htons(1234);
    flow.tp_dst = htons(5678);
    p = dp_packet_new(0);
    flow_compose(p, &flow, NULL, 18);
    return p;
}

/* Sends the packet of flow 'i' into port 0 of 'dev' and waits until
 * flow_get() of 'in' counts it.  Returns the time that took, in ms, or a
 * negative value if the counters did not move within a second. */
static double
counter_age(const struct netdev_flow_api *api, struct netdev *in,
            struct fp_device *dev, uint32_t i)
{
    ovs_u128 ufid = bench_flow_ufid(i);
    struct dp_packet *p = bench_flow_packet(i);
    struct fp_packet pkt = {
        .data = dp_packet_data(p),
        .size = dp_packet_size(p),
    };
    struct dpif_flow_stats before, now;
    struct dpif_flow_attrs attrs;
    double t0, t;

    api->flow_get(in, NULL, NULL, &ufid, &before, &attrs, NULL);
    t0 = bench_now();
    fp_port_receive_batch(dev, 0, &pkt, 1, NULL);
    do {
        api->flow_get(in, NULL, NULL, &ufid, &now, &attrs, NULL);
        t = bench_now() - t0;
    } while (now.n_packets == before.n_packets && t < 1.0);
    dp_packet_delete(p);
    return now.n_packets == before.n_packets ? -1 : t * 1e3;
}

/* Returns the CPU time that the calling thread has used, in seconds: a
 * rate on it leaves out the time that other processes of a shared machine
 * took the CPU. */
static double
thread_cpu_now(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)) {
        ovs_fatal(errno, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    }
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Creates a model NIC with 'cfg', stores it in '*devp' or, if 'devp' is
 * NULL, destroys it at once.  Returns the heap growth of its creation, in
 * bytes.
 *
 * A model NIC allocates its tables when it is created, sized by its rule
 * capacity: a slot by rule id, a counter per engine, a reference count of
 * a shared counter.  A flow costs its share of them as much as what its
 * flow_put() allocates, so the memory per flow counts the heap growth of
 * the creation of a NIC with room for the flows, less that of a NIC with
 * room for one rule (what does not depend on the rules: ports, rings, the
 * engines' exact-match caches). */
static ssize_t
bench_device_heap(const struct fp_device_config *cfg, struct fp_device **devp)
{
    struct fp_device *dev;
    size_t heap0;
    int error;

    ovsrcu_quiesce();
    heap0 = bench_heap();
    error = fp_device_create(devp ? "fp0" : "fp-probe", cfg, &dev);
    if (error) {
        ovs_fatal(error, "cannot create the model NIC");
    }
    heap0 = bench_heap() - heap0;
    if (devp) {
        *devp = dev;
    } else {
        fp_device_destroy(dev);
    }
    return heap0;
}

/* Figures of one flow count. */
struct offload_point {
    double put_s;               /* Ours: all flow_put() calls. */
    double put_cpu_s;           /* Ours: their thread's CPU time. */
    double pass_ms;             /* Ours: best of 3 statistics passes. */
    double age_mean_ms, age_max_ms;
    double del_s;               /* Ours: all flow_del() calls. */
    double heap_per_flow;       /* Ours: OVS side and model NIC. */
    double nic_per_flow;        /* Model accounting. */
    double armed_per_flow;      /* Ours, once watched for misses. */
    double dummy_put_s;
    double dummy_put_cpu_s;
    double dummy_heap_per_flow;
};

static void
run_ours(uint32_t n_flows, bool last_round, struct offload_point *pt)
{
    const struct netdev_flow_api *api = &netdev_offload_fp;
    uint64_t actions_stub[64 / 8];
    struct fp_device_config cfg;
    struct netdev *in, *out;
    struct fp_device *dev;
    struct ofpbuf actions;
    size_t heap0, heap1;
    ssize_t dev_heap;
    double t0, cpu0, sum = 0;
    int error, j;
    uint32_t i;

    fp_device_config_default(&cfg);
    cfg.n_rules = n_flows + 1024;
    cfg.n_counters = 0;
    dev_heap = bench_device_heap(&cfg, &dev);
    cfg.n_rules = 1;
    dev_heap -= bench_device_heap(&cfg, NULL);
    in = bench_flow_open_port("op1", "fp", "phy0", 1);
    out = bench_flow_open_port("op2", "fp", "vf0", 2);
    ofpbuf_use_stub(&actions, actions_stub, sizeof actions_stub);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    ovsrcu_quiesce();
    heap0 = bench_heap();

    /* Offload. */
    cpu0 = thread_cpu_now();
    t0 = bench_now();
    for (i = 0; i < n_flows; i++) {
        struct offload_info info = { .flow_mark = i + 1 };
        ovs_u128 ufid = bench_flow_ufid(i);
        struct match match;

        bench_flow_match(i, &match);
        error = api->flow_put(in, &match, actions.data, actions.size, &ufid,
                              &info, NULL);
        if (error) {
            ovs_fatal(error, "flow_put of flow %"PRIu32" failed", i);
        }
        if (!(i % 4096)) {
            ovsrcu_quiesce();
        }
    }
    pt->put_s = bench_now() - t0;
    pt->put_cpu_s = thread_cpu_now() - cpu0;
    ovsrcu_quiesce();
    heap1 = bench_heap();
    pt->heap_per_flow = ((double) heap1 - heap0 + dev_heap) / n_flows;
    pt->nic_per_flow = fp_model_memory_per_rule(dev);

    /* In ovs-vswitchd, netdev_offload_fp_run() runs once per retry
     * interval (1 s): its first pass after a flow's rule went into the NIC
     * settles the flow, the next arms it, up to fp/miss-watch's limit of
     * flows at once, to watch for packets that the NIC misses: each armed
     * flow goes into a classifier, which costs memory too.  Measured once,
     * in the last round, after both passes. */
    if (last_round) {
        int pass;

        for (pass = 0; pass < 2; pass++) {
            xnanosleep(1100 * 1000 * 1000);
            netdev_offload_fp_run();
        }
        ovsrcu_quiesce();
        size_t heap2 = bench_heap();

        pt->armed_per_flow = ((double) heap2 - heap0 + dev_heap) / n_flows;
    }

    /* The last flow's rule is active: its packet hits it. */
    if (counter_age(api, in, dev, n_flows - 1) < 0) {
        ovs_fatal(0, "the rule of the last flow is not active");
    }

    /* Statistics passes: flow_get() of every flow. */
    pt->pass_ms = DBL_MAX;
    for (j = 0; j < 3; j++) {
        uint64_t n_offloaded = 0;

        t0 = bench_now();
        for (i = 0; i < n_flows; i++) {
            struct dpif_flow_attrs attrs;
            struct dpif_flow_stats stats;
            ovs_u128 ufid = bench_flow_ufid(i);

            if (!api->flow_get(in, NULL, NULL, &ufid, &stats, &attrs,
                               NULL)) {
                n_offloaded += attrs.offloaded;
            }
        }
        pt->pass_ms = MIN(pt->pass_ms, (bench_now() - t0) * 1e3);
        if (n_offloaded != n_flows) {
            ovs_fatal(0, "only %"PRIu64" of %"PRIu32" flows offloaded",
                      n_offloaded, n_flows);
        }
    }

    /* Age of the counters. */
    pt->age_max_ms = 0;
    for (j = 0; j < 100; j++) {
        double age = counter_age(api, in, dev, (j * 7919) % n_flows);

        if (age < 0) {
            ovs_fatal(0, "flow_get() did not count a packet within 1 s");
        }
        sum += age;
        pt->age_max_ms = MAX(pt->age_max_ms, age);
    }
    pt->age_mean_ms = sum / 100;

    t0 = bench_now();
    for (i = 0; i < n_flows; i++) {
        ovs_u128 ufid = bench_flow_ufid(i);

        api->flow_del(in, &ufid, NULL);
        if (!(i % 4096)) {
            ovsrcu_quiesce();
        }
    }
    pt->del_s = bench_now() - t0;

    ofpbuf_uninit(&actions);
    netdev_ports_remove(u32_to_odp(1), offload_dpif_type);
    netdev_ports_remove(u32_to_odp(2), offload_dpif_type);
    netdev_close(in);
    netdev_close(out);
    fp_device_destroy(dev);
    ovsrcu_quiesce();
}

/* OVS's dummy offload provider on the same flows. */
static void
run_dummy(uint32_t n_flows, struct offload_point *pt)
{
    uint64_t actions_stub[64 / 8];
    struct ofpbuf actions;
    struct netdev *in;
    size_t heap0, heap1;
    double t0, cpu0;
    uint32_t i;
    int error;

    in = bench_flow_open_port("od1", "dummy", NULL, 1);
    if (!netdev_is_flow_api_enabled() || netdev_init_flow_api(in)) {
        ovs_fatal(0, "od1: no flow API");
    }
    ofpbuf_use_stub(&actions, actions_stub, sizeof actions_stub);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    ovsrcu_quiesce();
    heap0 = bench_heap();

    cpu0 = thread_cpu_now();
    t0 = bench_now();
    for (i = 0; i < n_flows; i++) {
        struct offload_info info = { .flow_mark = i + 1 };
        ovs_u128 ufid = bench_flow_ufid(i);
        struct match match;

        bench_flow_match(i, &match);
        error = netdev_flow_put(in, &match, actions.data, actions.size,
                                &ufid, &info, NULL);
        if (error) {
            ovs_fatal(error, "dummy: flow_put of flow %"PRIu32" failed", i);
        }
        if (!(i % 4096)) {
            ovsrcu_quiesce();
        }
    }
    pt->dummy_put_s = bench_now() - t0;
    pt->dummy_put_cpu_s = thread_cpu_now() - cpu0;
    ovsrcu_quiesce();
    heap1 = bench_heap();
    pt->dummy_heap_per_flow = ((double) heap1 - heap0) / n_flows;

    for (i = 0; i < n_flows; i++) {
        ovs_u128 ufid = bench_flow_ufid(i);

        netdev_flow_del(in, &ufid, NULL);
    }
    ofpbuf_uninit(&actions);
    netdev_ports_remove(u32_to_odp(1), offload_dpif_type);
    netdev_close(in);
    ovsrcu_quiesce();
}

int
bench_offload_rounds(void)
{
    const char *s = getenv("OVS_OFFLOAD_BENCH_ROUNDS");
    int n;

    if (!s) {
        return OFFLOAD_ROUNDS;
    }
    if (!str_to_int(s, 10, &n) || n < 1 || n > OFFLOAD_MAX_ROUNDS) {
        ovs_fatal(0, "OVS_OFFLOAD_BENCH_ROUNDS=%s: not a count of rounds "
                  "from 1 to %d", s, OFFLOAD_MAX_ROUNDS);
    }
    return n;
}

/* Runs the offload benchmark (see the comment at the top) with 'opts'. */
void
bench_offload_run(const struct bench_opts *opts)
{
    static const uint32_t short_sizes[] = { 200000 };
    static const uint32_t full_sizes[] = { 20000, 100000, 200000 };
    const uint32_t *sizes = opts->full ? full_sizes : short_sizes;
    size_t n = opts->full ? ARRAY_SIZE(full_sizes) : ARRAY_SIZE(short_sizes);
    static bool inited;
    size_t k;

    if (!inited) {
        struct smap config = SMAP_INITIALIZER(&config);

        inited = true;
        /* glibc gives the top of the heap back to the kernel as it frees
         * (trims it), and a provider whose flows take more memory then
         * pays its page faults again in every round, or not, as what else
         * the process holds pins the heap's top: OVS's dummy provider
         * (3.4 KB a flow) ran at 0.32 M/s in the short mode and 1.06-1.18
         * M/s in the full mode or with trimming off.  Both providers run
         * on a heap that the first round grew; the memory figures
         * (mallinfo2()'s bytes in use) do not depend on it. */
        mallopt(M_TRIM_THRESHOLD, INT_MAX);
        bench_dummy_register();
        smap_add(&config, "hw-offload", "true");
        __real_netdev_set_flow_api_enabled(&config);
        smap_destroy(&config);
    }

    bench_data("offload-rate", "# flows ours_Mps dummy_Mps");
    bench_data("offload-pass", "# flows pass_ms");
    bench_data("offload-memory",
               "# flows ours_B ours_ovs_B ours_nic_B dummy_B "
               "ours_watched_B");
    for (k = 0; k < n; k++) {
        uint32_t n_flows = sizes[k];
        struct offload_point pt;
        double rate, dummy_rate, ovs_side;
        double rates[OFFLOAD_MAX_ROUNDS], dummy_rates[OFFLOAD_MAX_ROUNDS];
        double ratios[OFFLOAD_MAX_ROUNDS], ratio, ratio_min, ratio_max;
        double cpu_ratios[OFFLOAD_MAX_ROUNDS], cpu_ratio;
        int n_rounds = bench_offload_rounds();
        struct offload_point best;
        int round;

        /* Rounds, the peers in turn, ours first in every other round:
         * insertion rates, which first touch their memory, vary with what
         * the other processes of the machine do. */
        for (round = 0; round < n_rounds; round++) {
            bool last = round == n_rounds - 1;

            memset(&pt, 0, sizeof pt);
            if (round % 2) {
                run_ours(n_flows, last, &pt);
                run_dummy(n_flows, &pt);
            } else {
                run_dummy(n_flows, &pt);
                run_ours(n_flows, last, &pt);
            }
            rates[round] = n_flows / pt.put_s;
            dummy_rates[round] = n_flows / pt.dummy_put_s;
            ratios[round] = rates[round] / dummy_rates[round];
            cpu_ratios[round] = pt.dummy_put_cpu_s / pt.put_cpu_s;
            if (!round) {
                best = pt;
            } else {
                best.pass_ms = MIN(best.pass_ms, pt.pass_ms);
                best.del_s = MIN(best.del_s, pt.del_s);
                best.heap_per_flow = pt.heap_per_flow;
                best.nic_per_flow = pt.nic_per_flow;
                best.armed_per_flow = pt.armed_per_flow;
                best.dummy_heap_per_flow = pt.dummy_heap_per_flow;
            }
        }
        pt = best;
        rate = bench_median(rates, n_rounds);
        dummy_rate = bench_median(dummy_rates, n_rounds);
        ratio = bench_median(ratios, n_rounds);     /* Sorts 'ratios'. */
        ratio_min = ratios[0];
        ratio_max = ratios[n_rounds - 1];
        cpu_ratio = bench_median(cpu_ratios, n_rounds);
        ovs_side = pt.heap_per_flow - pt.nic_per_flow;

        printf("offlod flows %7"PRIu32": flow_put ours %.2f M/s, "
               "OVS dummy provider %.2f M/s (%.2fx, %.2fx to %.2fx; "
               "medians of %d rounds side by side; %.2fx on the thread's "
               "CPU time); flow_del ours %.2f M/s\n", n_flows, rate / 1e6,
               dummy_rate / 1e6, ratio, ratio_min, ratio_max, n_rounds,
               cpu_ratio, n_flows / pt.del_s / 1e6);
        printf("offlod flows %7"PRIu32": one statistics pass (flow_get "
               "of every flow) ours %.1f ms, OVS dummy provider none (no "
               "flow_get); counters' age mean %.3f ms max %.3f ms\n",
               n_flows, pt.pass_ms, pt.age_mean_ms, pt.age_max_ms);
        printf("offlod flows %7"PRIu32": memory per flow ours %.0f B "
               "(OVS side %.0f B, of which the record's struct %"PRIuSIZE
               " B; NIC side %.0f B), OVS dummy provider %.0f B "
               "(%.2fx); ours once watched for misses %.0f B\n", n_flows,
               pt.heap_per_flow, ovs_side, sizeof(struct offload_fp_flow),
               pt.nic_per_flow, pt.dummy_heap_per_flow,
               pt.heap_per_flow / pt.dummy_heap_per_flow,
               pt.armed_per_flow);
        fflush(stdout);

        bench_data("offload-rate", "%"PRIu32" %.4f %.4f", n_flows,
                   rate / 1e6, dummy_rate / 1e6);
        bench_data("offload-pass", "%"PRIu32" %.3f", n_flows, pt.pass_ms);
        bench_data("offload-memory", "%"PRIu32" %.0f %.0f %.0f %.0f %.0f",
                   n_flows, pt.heap_per_flow, ovs_side, pt.nic_per_flow,
                   pt.dummy_heap_per_flow, pt.armed_per_flow);

        if (k == n - 1) {
            struct ds missed = DS_EMPTY_INITIALIZER;

            bench_goal_part(&missed, rate >= GOAL_RATE, "the rate");
            bench_goal_part(&missed, ratio >= GOAL_RATE_VS_DUMMY,
                            "the ratio to the dummy");
            bench_goal("offload-rate", !missed.length,
                       "%.2f M offloads/s at %"PRIu32" flows (goal >= 1), "
                       "%.2fx OVS's dummy provider (goal >= 2; medians of "
                       "%d rounds)%s", rate / 1e6, n_flows, ratio, n_rounds,
                       ds_cstr(&missed));
            ds_destroy(&missed);
            bench_goal("stats-pass", pt.pass_ms <= GOAL_PASS_MS,
                       "%.1f ms per pass over %"PRIu32" flows "
                       "(goal <= 20)", pt.pass_ms, n_flows);
            bench_goal("stats-age", pt.age_max_ms <= GOAL_AGE_MS,
                       "counters at most %.3f ms old, mean %.3f ms "
                       "(goal <= 100)", pt.age_max_ms, pt.age_mean_ms);
            /* Judged by what a flow costs in ovs-vswitchd for good: once
             * watched for misses. */
            bench_goal("memory",
                       MAX(pt.heap_per_flow, pt.armed_per_flow)
                       <= GOAL_BYTES,
                       "%.0f B per flow, OVS side %.0f B + NIC side %.0f B "
                       "(goal <= 256), %.0f B once watched for misses; "
                       "OVS's dummy provider %.0f B",
                       pt.heap_per_flow, ovs_side, pt.nic_per_flow,
                       pt.armed_per_flow, pt.dummy_heap_per_flow);
        }
    }
}
