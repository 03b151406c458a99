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

/* ovs-offload-bench's latency section.
 *
 * bench_latency_run(): a single packet's trip through the model NIC, in
 * this process: from fp_port_receive_batch() on port 0 until the engine
 * hands it to the endpoint of port 1 (a rule of bench_make_rules()'s set
 * sends it there), one packet at a time, the next one sent when the last
 * one is out.  Two cadences: back to back (the engine is awake, spinning
 * on its rings) and 2 ms apart (the engine has gone to sleep and the
 * packet wakes it, as a ping does).  The peer, in the same run, on the
 * same rules and packet: what OVS's userspace datapath does with a packet
 * on the thread that received it, parse (flow_extract()), lookup in OVS's
 * classifier, copy to the output buffer.  It has no thread to hand the
 * packet to, as dpif-netdev has none for a port that its own thread
 * polls, so the difference is the price of the NIC's hand-off to an
 * engine thread (and, 2 ms apart, of waking it up).
 *
 * bench_sandbox_run(): utilities/ovs-offload-bench-sandbox (RTT, iperf3 and
 * host CPU between two VMs, through the NIC and through OVS's software
 * path on the same veths), when root; its goal lines become goals of the
 * run. */

#include <config.h>

#include "ovs-offload-bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "classifier.h"
#include "dp-packet.h"
#include "flow.h"
#include "fp/fp.h"
#include "openvswitch/match.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "util.h"

#define LAT_N_RULES 10000
#define LAT_N_MASKS 16
#define LAT_COLD_GAP_NS (2 * 1000 * 1000)

/* The endpoint of the output port: when the last packet came out. */
struct lat_sink {
    atomic_uint64_t n_out;
    double t_out;
};

static int
lat_send(void *sink_, uint32_t port OVS_UNUSED, const void *data OVS_UNUSED,
         size_t size OVS_UNUSED)
{
    struct lat_sink *sink = sink_;
    uint64_t orig;

    sink->t_out = bench_now();
    atomic_add_explicit(&sink->n_out, 1, &orig, memory_order_release);
    return 0;
}

static const struct fp_endpoint_ops lat_ops = {
    .send = lat_send,
};

static int
lat_cmp(const void *a_, const void *b_)
{
    const double *a = a_, *b = b_;

    return *a < *b ? -1 : *a > *b;
}

/* Sorts the 'n' latencies 'lat' and stores their median and 99th
 * percentile, in microseconds, in '*p50' and '*p99'. */
static void
lat_percentiles(double *lat, size_t n, double *p50, double *p99)
{
    qsort(lat, n, sizeof *lat, lat_cmp);
    *p50 = lat[n / 2] * 1e6;
    *p99 = lat[MIN(n - 1, n * 99 / 100)] * 1e6;
}

static void
lat_gap(bool cold)
{
    if (cold) {
        struct timespec ts = { 0, LAT_COLD_GAP_NS };

        nanosleep(&ts, NULL);
    }
}

/* Sends the 'n_pkts' packets 'pkts' into port 0 of 'dev' 'n' times in
 * all, one at a time, and stores in 'lat' how long each took to come out
 * of port 1 (into 'sink').  Returns false if one did not come out within a
 * second. */
static bool
lat_model(struct fp_device *dev, struct lat_sink *sink,
          uint8_t (*pkts)[BENCH_PKT_SIZE], size_t n_pkts,
          double *lat, size_t n, bool cold)
{
    size_t i;

    for (i = 0; i < n; i++) {
        struct fp_packet pkt = { pkts[i % n_pkts], BENCH_PKT_SIZE };
        uint64_t before, now;
        double t0;

        ovsrcu_quiesce();
        lat_gap(cold);
        atomic_read_explicit(&sink->n_out, &before, memory_order_acquire);
        t0 = bench_now();
        fp_port_receive_batch(dev, 0, &pkt, 1, NULL);
        do {
            atomic_read_explicit(&sink->n_out, &now, memory_order_acquire);
            if (now == before && bench_now() - t0 > 1.0) {
                return false;
            }
        } while (now == before);
        lat[i] = sink->t_out - t0;
    }
    return true;
}

/* The peer: the packets parsed, looked up in 'cls' and copied out, one at
 * a time, on this thread; 'lat' gets the time of each. */
static void
lat_software(const struct classifier *cls, uint8_t (*pkts)[BENCH_PKT_SIZE],
             size_t n_pkts, double *lat, size_t n, bool cold)
{
    uint8_t out[BENCH_PKT_SIZE];
    size_t i, n_miss = 0;

    for (i = 0; i < n; i++) {
        struct dp_packet packet;
        struct flow flow;
        double t0;

        lat_gap(cold);
        t0 = bench_now();
        dp_packet_use_const(&packet, pkts[i % n_pkts], BENCH_PKT_SIZE);
        flow_extract(&packet, &flow);
        if (classifier_lookup(cls, OVS_VERSION_MAX, &flow, NULL)) {
            memcpy(out, dp_packet_data(&packet), BENCH_PKT_SIZE);
        } else {
            n_miss++;
        }
        lat[i] = bench_now() - t0;
    }
    ovs_assert(!n_miss);
}

void
bench_latency_run(const struct bench_opts *opts)
{
    size_t n_hot = opts->full ? 100000 : 20000;
    size_t n_cold = opts->full ? 1000 : 200;
    struct bench_rule *rules = xmalloc(LAT_N_RULES * sizeof *rules);
    struct cls_rule *crules = xmalloc(LAT_N_RULES * sizeof *crules);
    bool *in_cls = xcalloc(LAT_N_RULES, sizeof *in_cls);
    uint8_t (*pkts)[BENCH_PKT_SIZE] = xmalloc(BENCH_N_PKTS
                                              * BENCH_PKT_SIZE);
    double *lat = xmalloc(n_hot * sizeof *lat);
    struct lat_sink sink = { .t_out = 0 };
    struct fp_rule_op op = { .type = FP_RULE_OP_ADD };
    struct fp_device_config cfg;
    struct classifier cls;
    struct fp_device *dev;
    const struct cls_rule *displaced;
    struct fp_rule rule;
    size_t i;
    int pass;

    atomic_init(&sink.n_out, 0);
    bench_make_rules(rules, LAT_N_RULES, LAT_N_MASKS);
    for (i = 0; i < BENCH_N_PKTS; i++) {
        bench_packet(&rules[bench_rand() % LAT_N_RULES], pkts[i]);
    }

    fp_device_config_default(&cfg);
    cfg.n_rules = 16384;
    cfg.n_masks = 64;
    ovs_assert(!fp_device_create("bench-latency", &cfg, &dev));
    ovs_assert(!fp_port_set_endpoint(dev, 1, &lat_ops, &sink));
    op.rule = &rule;
    classifier_init(&cls, NULL);
    for (i = 0; i < LAT_N_RULES; i++) {
        bench_fp_rule(&rules[i], &rule);
        ovs_assert(!fp_rule_batch(dev, &op, 1));
        bench_cls_rule_init(&rules[i], &crules[i]);
        displaced = classifier_replace(&cls, &crules[i], OVS_VERSION_MIN,
                                       NULL, 0);
        if (displaced) {
            /* The same match and priority as an earlier rule, which
             * leaves the classifier (see bench_classifier()). */
            in_cls[displaced - crules] = false;
        }
        in_cls[i] = true;
    }
    ovsrcu_quiesce();

    bench_data("latency", "# cadence model_p50_us model_p99_us "
               "software_p50_us software_p99_us");
    for (pass = 0; pass < 2; pass++) {
        bool cold = pass == 1;
        size_t n = cold ? n_cold : n_hot;
        double m50, m99, s50, s99;

        /* A first round, not counted, warms the caches. */
        if (!lat_model(dev, &sink, pkts, BENCH_N_PKTS, lat, MIN(n, 1000),
                       false)
            || !lat_model(dev, &sink, pkts, BENCH_N_PKTS, lat, n, cold)) {
            printf("latncy the model did not forward a packet within 1 s\n");
            break;
        }
        lat_percentiles(lat, n, &m50, &m99);
        lat_software(&cls, pkts, BENCH_N_PKTS, lat, MIN(n, 1000), false);
        lat_software(&cls, pkts, BENCH_N_PKTS, lat, n, cold);
        lat_percentiles(lat, n, &s50, &s99);
        printf("latncy %s, rules %d masks %d: model NIC port to port "
               "median %.2f us, p99 %.2f us; OVS parse+classifier+copy on "
               "the receiving thread median %.2f us, p99 %.2f us "
               "(%.1fx median)\n",
               cold ? "one packet every 2 ms (engine asleep)"
                    : "back to back (engine awake)",
               LAT_N_RULES, LAT_N_MASKS, m50, m99, s50, s99,
               m50 / MAX(s50, 1e-3));
        fflush(stdout);
        bench_data("latency", "%s %.3f %.3f %.3f %.3f",
                   cold ? "cold" : "hot", m50, m99, s50, s99);
    }

    ovs_assert(!fp_port_set_endpoint(dev, 1, NULL, NULL));
    fp_device_destroy(dev);
    for (i = 0; i < LAT_N_RULES; i++) {
        if (in_cls[i]) {
            classifier_remove_assert(&cls, &crules[i]);
        }
    }
    ovsrcu_synchronize();
    for (i = 0; i < LAT_N_RULES; i++) {
        cls_rule_destroy(&crules[i]);
    }
    classifier_destroy(&cls);
    ovsrcu_quiesce();
    free(rules);
    free(crules);
    free(in_cls);
    free(pkts);
    free(lat);
}

void
bench_sandbox_run(const struct bench_opts *opts)
{
    char *command = (opts->full && opts->out_dir
                     ? xasprintf("%s --data '%s'", BENCH_SANDBOX_SCRIPT,
                                 opts->out_dir)
                     : xasprintf("%s%s", BENCH_SANDBOX_SCRIPT,
                                 opts->full ? "" : " --short"));
    char line[1024];
    FILE *stream;
    int status;

    if (geteuid()) {
        printf("sandbx skipped: not root (%s makes network namespaces "
               "and veths)\n", BENCH_SANDBOX_SCRIPT);
        fflush(stdout);
        free(command);
        return;
    }
    fflush(stdout);
    stream = popen(command, "r");
    if (!stream) {
        printf("sandbx skipped: %s: %s\n", command, ovs_strerror(errno));
        free(command);
        return;
    }
    /* The script takes tens of seconds: do not hold up RCU meanwhile. */
    ovsrcu_quiesce_start();
    while (fgets(line, sizeof line, stream)) {
        char name[64], verdict[16];
        int n = 0;

        line[strcspn(line, "\n")] = '\0';
        if (sscanf(line, "goal   %63[^:]: %15[^:]: %n", name, verdict, &n)
            == 2 && n) {
            bench_goal(name, !strcmp(verdict, "met"), "%s", line + n);
        } else {
            printf("%s\n", line);
            fflush(stdout);
        }
    }
    status = pclose(stream);
    ovsrcu_quiesce_end();
    if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status)
        && WEXITSTATUS(status) != 77) {
        printf("sandbx failed: %s exited with status %d\n", command,
               WEXITSTATUS(status));
    }
    free(command);
}
