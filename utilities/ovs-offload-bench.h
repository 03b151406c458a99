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

#ifndef OVS_OFFLOAD_BENCH_H
#define OVS_OFFLOAD_BENCH_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "openvswitch/types.h"

struct fp_rule;

/* A point of the forwarding and classifier measurements: a rule set of
 * 'n_rules' rules over 'n_masks' masks (bench_make_rules()). */
struct bench_point {
    size_t n_rules;
    int n_masks;
};

/* Options of one run of the benchmark. */
struct bench_opts {
    double seconds;             /* Time of each rate measurement, in s. */
    bool full;                  /* Full mode: every point; else short. */
    const char *out_dir;        /* Full mode: report and plots go here. */

    /* The points of this run, which main() chooses: every point of the
     * issue in the full mode, a few in the short mode, or the one point of
     * the command line. */
    const struct bench_point *points;
    size_t n_points;
};

/* Packets of the forwarding benchmarks: 64 bytes, from a set of
 * BENCH_N_PKTS built once per rule set. */
#define BENCH_N_PKTS 4096
#define BENCH_PKT_SIZE 64

/* Seconds of CLOCK_MONOTONIC. */
double bench_now(void);

/* Sorts the 'n' values of 'v' (n > 0) and returns their median. */
double bench_median(double *v, size_t n);

/* A xorshift32 random number; the sequence is the same in every run. */
uint32_t bench_rand(void);

/* One rule of a rule set over 'n_masks' masks (bench_make_rules()): a
 * megaflow in_port=1,ip,udp,nw_dst=NW_DST/NW_MASK[,tp_dst=TP_DST/TP_MASK]
 * with the action output:1.  Its mask is one of up to 64: mask m has an
 * nw_dst prefix of 32 - (m % 22) bits, and a tp_dst that is wildcarded
 * (m < 22), exact (m < 44) or matched on its high byte (m >= 44). */
struct bench_rule {
    uint32_t nw_dst;            /* Host order, masked. */
    uint32_t nw_mask;           /* Host order. */
    uint16_t tp_dst;            /* Host order, masked. */
    uint16_t tp_mask;           /* Host order; 0 if wildcarded. */
    uint32_t priority;          /* 0, as the flow API gives megaflows. */
};

/* Fills 'rules[0 .. n - 1]' with a rule set of 'n' megaflows over
 * 'n_masks' masks (1 to 64), as dpif-netdev holds them: no two overlap,
 * so every packet matches one rule at most, whatever the priorities. */
void bench_make_rules(struct bench_rule *rules, size_t n, int n_masks);

/* Writes the model rule of 'br' (output to port 1) into 'rule'. */
void bench_fp_rule(const struct bench_rule *br, struct fp_rule *rule);

/* Initializes 'rule' as the OVS classifier rule of 'br' (the caller
 * destroys it with cls_rule_destroy()). */
struct cls_rule;
void bench_cls_rule_init(const struct bench_rule *br, struct cls_rule *);

/* Returns the UDP destination port (host order) of a packet of 'br': its
 * tp_dst, with the bits that 'br' wildcards taken from 'random', or 0x1234
 * if 'br' wildcards the whole port. */
uint16_t bench_packet_tp_dst(const struct bench_rule *br, uint32_t random);

/* Writes a BENCH_PKT_SIZE-byte IPv4/UDP packet that hits 'br' into 'p'. */
void bench_packet(const struct bench_rule *br, uint8_t *p);

/* The report (ovs-offload-bench-report.c).
 *
 * bench_goal() prints "goal   NAME: met" or "goal   NAME: NOT met", then
 * the figures that decide it (printf() 'format'), and keeps the line for
 * the summary that bench_report_finish() prints at the end of the run and
 * writes into the report.  A goal is one of the goals for the code
 * (README.rst, "Benchmarks"); a figure is never asserted by tests. */
void bench_goal(const char *name, bool met, const char *format, ...)
    OVS_PRINTF_FORMAT(3, 4);

/* For a goal of several parts: appends 'part', which names one, to
 * 'missed' if 'ok' is false, after "; missed: " or ", ".  A goal is met
 * if 'missed' stays empty; its line ends with 'missed'. */
struct ds;
void bench_goal_part(struct ds *missed, bool ok, const char *part);

/* Appends one line (printf() 'format', no newline needed) to the data
 * series 'series' of the full mode's plots (file SERIES.dat in the output
 * folder); does nothing in the short mode. */
void bench_data(const char *series, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

/* Starts the report of a run with 'opts' (creates opts->out_dir in the full
 * mode) and prints its summary at the end.  Returns 0 or a positive errno
 * value. */
int bench_report_start(const struct bench_opts *opts);
void bench_report_finish(void);

/* Prints how long section 'name' took ("time   section NAME: S s") and
 * keeps it for the report. */
void bench_report_section(const char *name, double seconds);

/* The statistics sync benchmark (ovs-offload-bench-sync.c). */
void bench_sync_run(uint32_t n_flows);

/* The three ways side by side (ovs-offload-bench-dpdk.c): OVS's
 * netdev-offload-dpdk and our flow API through rte_flow on the net_fp vdev,
 * our flow API on the model, for each of the 'n' flow counts in
 * 'n_flows'.  Starts DPDK's EAL once per process, sized for the largest
 * count of the first call. */
void bench_dpdk_run(const uint32_t *n_flows, size_t n);

/* The classifier section (ovs-offload-bench-cls.c): the model's rule table
 * against OVS's classifier, DPDK's rte_acl and, for exact-match rule sets,
 * rte_hash, at each of opts->points and on an exact rule set of each rule
 * count (in the short mode, of the first point only).  Starts DPDK's EAL
 * if it does not run yet. */
void bench_cls_run(const struct bench_opts *opts);

/* The model's forwarding (ovs-offload-bench-model.c).
 *
 * bench_model_point() measures one point: 'n_rules' rules over 'n_masks'
 * masks (1...64, bench_make_rules()), OVS's classifier on them, then the
 * model's forwarding with 1 engine and with 2 engines, opts->seconds each;
 * prints the lines "ovscls", "model", "mrules" and "model2", appends rows
 * to the data series "fwd-model" (columns rules masks engines mpps
 * mpps_engine mpps_fed emc_pct ovscls; 'mpps' is the total of the engines)
 * and keeps the figures.  bench_model_goals(), after the points, prints
 * the goals fwd-line-rate (if the point 10000/16 was measured) and
 * fwd-no-cliff over the points measured. */
void bench_model_point(size_t n_rules, int n_masks,
                       const struct bench_opts *);
void bench_model_goals(void);

/* The packets that each of the model's forwarding measurements feeds
 * (OVS_OFFLOAD_BENCH_PACKETS in the environment), or 0 to feed them for a
 * time.  Exits with a message if the variable is not a positive count. */
uint64_t bench_model_packets(void);

/* OVS's software datapath as the peer of the model's forwarding
 * (ovs-offload-bench-dpif.c): dpif-netdev, with its EMC, SMC and dpcls, in
 * 'n_pmds' PMD threads, forwarding the megaflows of the rule set of
 * 'n_rules' rules over 'n_masks' masks (bench_make_rules()) for the
 * packets of bench_packet().  Prints one "dpif" line; bench_dpif_run()
 * measures the points of the short or full mode. */
void bench_dpif_point(size_t n_rules, int n_masks, int n_pmds,
                      const struct bench_opts *);
void bench_dpif_run(const struct bench_opts *);

/* The megaflows of the flow API's sections (ovs-offload-bench-offload.c,
 * also used by -sync.c and -dpdk.c). */
struct dp_packet;
struct match;
struct netdev;

/* Bytes of heap in use (mallinfo2()). */
size_t bench_heap(void);

/* Opens netdev 'name' of 'type' as port 'port_no' of a datapath of type
 * "netdev", bound to NIC port 'port' of fp0 if 'port' is nonnull (an "fp"
 * netdev).  Exits on error.  The caller removes it with
 * netdev_ports_remove(). */
struct netdev *bench_flow_open_port(const char *name, const char *type,
                                    const char *port, uint32_t port_no);

/* The megaflow of flow 'i': in_port 1, IPv4 from 10.x.y.z = 'i', as
 * dpif-netdev would have it; its ufid; a new UDP packet that it matches
 * (the caller frees it). */
void bench_flow_match(uint32_t i, struct match *);
ovs_u128 bench_flow_ufid(uint32_t i);
struct dp_packet *bench_flow_packet(uint32_t i);

/* Registers OVS's "dummy" netdev classes (netdev-dummy, with its offload
 * provider), once per process, unless they are registered already. */
void bench_dummy_register(void);

/* Forwarding of the model while another thread adds and deletes rules
 * (ovs-offload-bench-churn.c): the rate's drop, the churn reached, the
 * packets misrouted or lost; goal "churn". */
void bench_churn_run(const struct bench_opts *);

/* The offload benchmark (ovs-offload-bench-offload.c): insertion,
 * statistics passes, counters' age and memory per flow of our flow API,
 * with OVS's dummy offload provider as a peer; at 200K flows in the short
 * mode, at 20K, 100K and 200K in the full mode.  Enables OVS's flow API
 * for the rest of the process (hw-offload=true): run it after the sections
 * that insert datapath ports of their own. */
void bench_offload_run(const struct bench_opts *);

/* The rounds of each offload measurement: OVS_OFFLOAD_BENCH_ROUNDS in the
 * environment, if set, else 5.  Exits with a message if the variable is
 * not a count from 1 to 50. */
int bench_offload_rounds(void);

/* Latency (ovs-offload-bench-latency.c): a packet's trip through the model
 * NIC in this process against OVS's parse and classifier on the receiving
 * thread; and, when root, utilities/ovs-offload-bench-sandbox (RTT,
 * iperf3, host CPU between two VMs through the NIC and through OVS's
 * software path on the same veths; --short unless opts->full), whose goal
 * lines (rtt, iperf3-retrans) become goals of the run.  Not root: one line
 * says it was skipped, and why. */
void bench_latency_run(const struct bench_opts *);
void bench_sandbox_run(const struct bench_opts *);

#endif /* ovs-offload-bench.h */
