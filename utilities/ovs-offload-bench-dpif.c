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

/* ovs-offload-bench, section "dpif": OVS's software datapath (dpif-netdev,
 * with its EMC, SMC and dpcls, in PMD threads) forwarding the rule sets and
 * packets of the model's forwarding benchmark, in this process.
 *
 * The datapath has two ports of a netdev class of this file, "bench-pmd"
 * (is_pmd, so that dpif-netdev polls them in PMD threads): "bench-in"
 * (odp port 1) and "bench-out" (odp port 2).  Rule i of the rule set
 * becomes the megaflow in_port=1,ip,udp,nw_dst=RULE/MASK[,tp_dst=PORT]
 * (every other field wildcarded, as the model's rule has it; dpif-netdev
 * adds the exact match on "no VLAN tag" itself) with the action output:2,
 * put with dpif_flow_put() into every PMD before any packet flows.
 *
 * The rule sets are megaflows, which never overlap (bench_make_rules()):
 * dpif-netdev takes every rule.  It would refuse one whose key an
 * installed megaflow already matches (EEXIST), so the line still says how
 * many megaflows dpif-netdev holds and how many rules were "covered" by
 * an earlier, wider one with the same action: none, unless the rule sets
 * change.
 *
 * Each receive queue of "bench-in" owns BENCH_N_PKTS dp_packets, made once
 * from the packets of bench_packet(), in a ring: rxq_recv() hands out the
 * next NETDEV_MAX_BURST of them with their metadata reset as a fresh
 * receive would have it (no RSS hash: dpif-netdev computes it, as for a
 * Linux port) and no copy of their bytes (a NIC writes them by DMA); send()
 * counts each packet per port and queue and puts it back into its ring.  A
 * packet that dpif-netdev drops is freed by dpif-netdev and never sent:
 * "lost" (received - sent) counts it.  A miss is such a drop: with no
 * upcall handler registered, dpif-netdev drops it without an upcall and
 * counts it only in its coverage counter datapath_drop_lock_error (not in
 * its "missed" or "lost" statistics), so "lost" is the check.
 *
 * The datapath is of type "dummy": the same dpif-netdev code (dpif-netdev
 * registers its class a second time under that name), whose local port is
 * a "dummy-internal" netdev instead of a tap device in the host: this
 * process creates no kernel interface.
 *
 * The figure: packets sent out of port 2 per second of wall clock, and per
 * second of CPU time of the PMD threads (their run time in
 * /proc/self/task/TID/schedstat; a PMD busy-polls, and here its queues are
 * never empty, so its CPU time is its busy time). */

#include <config.h>

#include "ovs-offload-bench.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp-packet.h"
#include "dpif.h"
#include "dpif-netdev.h"
#include "dummy.h"
#include "netdev-provider.h"
#include "netlink.h"
#include "odp-util.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-numa.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "packets.h"
#include "smap.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"

/* Receive queues of "bench-in" (one per PMD at most) and transmit queues
 * of each port (dpif-netdev wants one per PMD plus one). */
#define BENCH_DPIF_N_RXQ 2
#define BENCH_DPIF_N_TXQ 16

/* The packets that the receive queues of "bench-in" hand out, set before
 * the port is added. */
static const uint8_t (*bench_dpif_data)[BENCH_PKT_SIZE];

/* While false, rxq_recv() hands out nothing. */
static atomic_bool bench_dpif_on;

/* A counter of one thread, on a cache line of its own. */
struct bench_dpif_count {
    atomic_uint64_t n;
    uint8_t pad[CACHE_LINE_SIZE - sizeof(atomic_uint64_t)];
};

struct bench_dpif_rxq;

struct bench_dpif_netdev {
    struct netdev up;
    bool source;                /* "bench-in": its queues hold packets. */
    struct bench_dpif_count tx[BENCH_DPIF_N_TXQ];   /* Sent, per queue. */

    /* The receive queues that dpif-netdev opened, by queue id.  Written
     * by the main thread at reconfiguration only. */
    struct bench_dpif_rxq *rxqs[BENCH_DPIF_N_RXQ];
};

/* A packet of a receive queue's ring.  'up' comes first, so that
 * dp_packet_delete() of a packet that dpif-netdev drops frees it all. */
struct bench_dpif_pkt {
    struct dp_packet up;
    struct bench_dpif_rxq *rxq;     /* Ring the packet goes back to. */
};

struct bench_dpif_rxq {
    struct netdev_rxq up;
    struct ovs_mutex mutex;     /* Taken once per burst. */
    struct bench_dpif_pkt *ring[BENCH_N_PKTS] OVS_GUARDED;
    uint32_t head OVS_GUARDED;  /* Next to hand out. */
    uint32_t tail OVS_GUARDED;  /* Next free slot. */
    size_t n_pkts;              /* Packets made for this ring. */
    struct bench_dpif_count rx; /* Handed out by rxq_recv(). */
};

static struct bench_dpif_netdev *
bench_dpif_netdev_cast(const struct netdev *netdev)
{
    return CONTAINER_OF(netdev, struct bench_dpif_netdev, up);
}

static struct bench_dpif_rxq *
bench_dpif_rxq_cast(const struct netdev_rxq *rxq)
{
    return CONTAINER_OF(rxq, struct bench_dpif_rxq, up);
}

static struct netdev *
bench_dpif_alloc(void)
{
    struct bench_dpif_netdev *dev = xzalloc_cacheline(sizeof *dev);

    return &dev->up;
}

static int
bench_dpif_construct(struct netdev *netdev)
{
    struct bench_dpif_netdev *dev = bench_dpif_netdev_cast(netdev);

    dev->source = !strcmp(netdev_get_name(netdev), "bench-in");
    netdev->n_rxq = dev->source ? BENCH_DPIF_N_RXQ : 1;
    netdev->n_txq = BENCH_DPIF_N_TXQ;
    return 0;
}

static void
bench_dpif_destruct(struct netdev *netdev OVS_UNUSED)
{
}

static void
bench_dpif_dealloc(struct netdev *netdev)
{
    free_cacheline(bench_dpif_netdev_cast(netdev));
}

static int
bench_dpif_update_flags(struct netdev *netdev OVS_UNUSED,
                        enum netdev_flags off OVS_UNUSED,
                        enum netdev_flags on OVS_UNUSED,
                        enum netdev_flags *old_flagsp)
{
    *old_flagsp = NETDEV_UP | NETDEV_PROMISC;
    return 0;
}

static int
bench_dpif_get_etheraddr(const struct netdev *netdev OVS_UNUSED,
                         struct eth_addr *mac)
{
    *mac = eth_addr_zero;
    return 0;
}

static int
bench_dpif_get_mtu(const struct netdev *netdev OVS_UNUSED, int *mtup)
{
    *mtup = ETH_PAYLOAD_MAX;
    return 0;
}

/* Called by dpif-netdev's PMD threads (and its main thread while it
 * reconfigures) with up to NETDEV_MAX_BURST packets that it hands over:
 * counts them and puts each back into the ring it came from. */
static int
bench_dpif_send(struct netdev *netdev, int qid, struct dp_packet_batch *batch,
                bool concurrent_txq OVS_UNUSED)
{
    struct bench_dpif_netdev *dev = bench_dpif_netdev_cast(netdev);
    struct bench_dpif_rxq *locked = NULL;
    struct dp_packet *packet;

    atomic_add_relaxed(&dev->tx[qid % BENCH_DPIF_N_TXQ].n,
                       dp_packet_batch_size(batch), &(uint64_t) { 0 });
    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        struct bench_dpif_pkt *pkt = CONTAINER_OF(packet,
                                                  struct bench_dpif_pkt, up);
        struct bench_dpif_rxq *rxq = pkt->rxq;

        if (rxq != locked) {
            if (locked) {
                ovs_mutex_unlock(&locked->mutex);
            }
            ovs_mutex_lock(&rxq->mutex);
            locked = rxq;
        }
        rxq->ring[rxq->tail++ % BENCH_N_PKTS] = pkt;
    }
    if (locked) {
        ovs_mutex_unlock(&locked->mutex);
    }
    return 0;
}

static struct netdev_rxq *
bench_dpif_rxq_alloc(void)
{
    struct bench_dpif_rxq *rxq = xzalloc_cacheline(sizeof *rxq);

    return &rxq->up;
}

/* Makes the ring of a receive queue of "bench-in": one dp_packet for each
 * packet of 'bench_dpif_data'.  Other ports' rings stay empty. */
static int
bench_dpif_rxq_construct(struct netdev_rxq *rxq_)
{
    struct bench_dpif_netdev *dev = bench_dpif_netdev_cast(rxq_->netdev);
    struct bench_dpif_rxq *rxq = bench_dpif_rxq_cast(rxq_);
    size_t i;

    ovs_mutex_init(&rxq->mutex);
    if (rxq_->queue_id < BENCH_DPIF_N_RXQ) {
        dev->rxqs[rxq_->queue_id] = rxq;
    }
    rxq->n_pkts = dev->source ? BENCH_N_PKTS : 0;
    for (i = 0; i < rxq->n_pkts; i++) {
        struct bench_dpif_pkt *pkt = xmalloc(sizeof *pkt);

        dp_packet_init(&pkt->up, BENCH_PKT_SIZE + DP_NETDEV_HEADROOM);
        dp_packet_reserve(&pkt->up, DP_NETDEV_HEADROOM);
        dp_packet_put(&pkt->up, bench_dpif_data[i], BENCH_PKT_SIZE);
        pkt->rxq = rxq;
        rxq->ring[i] = pkt;
    }
    rxq->head = 0;
    rxq->tail = rxq->n_pkts;
    return 0;
}

/* Frees the packets in the ring.  dpif-netdev destroys its PMD threads
 * before its ports, so every packet that was not dropped is back. */
static void
bench_dpif_rxq_destruct(struct netdev_rxq *rxq_)
{
    struct bench_dpif_netdev *dev = bench_dpif_netdev_cast(rxq_->netdev);
    struct bench_dpif_rxq *rxq = bench_dpif_rxq_cast(rxq_);

    if (rxq_->queue_id < BENCH_DPIF_N_RXQ
        && dev->rxqs[rxq_->queue_id] == rxq) {
        dev->rxqs[rxq_->queue_id] = NULL;
    }

    ovs_mutex_lock(&rxq->mutex);
    while (rxq->head != rxq->tail) {
        dp_packet_delete(&rxq->ring[rxq->head++ % BENCH_N_PKTS]->up);
    }
    ovs_mutex_unlock(&rxq->mutex);
    ovs_mutex_destroy(&rxq->mutex);
}

static void
bench_dpif_rxq_dealloc(struct netdev_rxq *rxq)
{
    free_cacheline(bench_dpif_rxq_cast(rxq));
}

/* Called by the PMD thread that polls 'rxq_': hands out up to
 * NETDEV_MAX_BURST packets of the ring, as a fresh receive would make
 * them, while the benchmark is on; EAGAIN otherwise. */
static int
bench_dpif_rxq_recv(struct netdev_rxq *rxq_, struct dp_packet_batch *batch,
                    int *qfill)
{
    struct bench_dpif_rxq *rxq = bench_dpif_rxq_cast(rxq_);
    bool on;
    int n;

    atomic_read_relaxed(&bench_dpif_on, &on);
    if (!on) {
        return EAGAIN;
    }
    ovs_mutex_lock(&rxq->mutex);
    for (n = 0; n < NETDEV_MAX_BURST && rxq->head != rxq->tail; n++) {
        struct dp_packet *packet = &rxq->ring[rxq->head++
                                              % BENCH_N_PKTS]->up;

        dp_packet_reset_offsets(packet);
        dp_packet_reset_cutlen(packet);
        dp_packet_reset_offload(packet);
        packet->packet_type = htonl(PT_ETH);
        dp_packet_batch_add(batch, packet);
    }
    ovs_mutex_unlock(&rxq->mutex);
    if (qfill) {
        *qfill = 0;
    }
    if (!n) {
        return EAGAIN;
    }
    atomic_add_relaxed(&rxq->rx.n, n, &(uint64_t) { 0 });
    return 0;
}

static const struct netdev_class bench_dpif_class = {
    .type = "bench-pmd",
    .is_pmd = true,
    .alloc = bench_dpif_alloc,
    .construct = bench_dpif_construct,
    .destruct = bench_dpif_destruct,
    .dealloc = bench_dpif_dealloc,
    .update_flags = bench_dpif_update_flags,
    .get_etheraddr = bench_dpif_get_etheraddr,
    .get_mtu = bench_dpif_get_mtu,
    .send = bench_dpif_send,
    .rxq_alloc = bench_dpif_rxq_alloc,
    .rxq_construct = bench_dpif_rxq_construct,
    .rxq_destruct = bench_dpif_rxq_destruct,
    .rxq_dealloc = bench_dpif_rxq_dealloc,
    .rxq_recv = bench_dpif_rxq_recv,
};

void
bench_dummy_register(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        struct sset types = SSET_INITIALIZER(&types);

        netdev_enumerate_types(&types);
        if (!sset_contains(&types, "dummy-internal")) {
            netdev_dummy_register(DUMMY_OVERRIDE_NONE);
        }
        sset_destroy(&types);
        ovsthread_once_done(&once);
    }
}

/* Registers our netdev class, the "dummy" netdev classes (for the local
 * port) and the "dummy" datapath class, unless another section of the
 * benchmark did. */
static void
bench_dpif_init(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;
    struct sset types;

    if (!ovsthread_once_start(&once)) {
        return;
    }
    ovs_numa_init();
    bench_dummy_register();
    sset_init(&types);
    dp_enumerate_types(&types);
    if (!sset_contains(&types, "dummy")) {
        dpif_dummy_register(DUMMY_OVERRIDE_NONE);
    }
    sset_destroy(&types);
    netdev_register_provider(&bench_dpif_class);
    ovsthread_once_done(&once);
}

/* Sums the counters of 'counts[0 .. n - 1]'. */
static uint64_t
bench_dpif_sum(struct bench_dpif_count *counts, size_t n)
{
    uint64_t sum = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        uint64_t c;

        atomic_read_relaxed(&counts[i].n, &c);
        sum += c;
    }
    return sum;
}

/* Packets handed out by the receive queues of 'netdev'. */
static uint64_t
bench_dpif_rx(const struct netdev *netdev)
{
    struct bench_dpif_netdev *dev = bench_dpif_netdev_cast(netdev);
    uint64_t sum = 0;
    int i;

    for (i = 0; i < BENCH_DPIF_N_RXQ; i++) {
        if (dev->rxqs[i]) {
            uint64_t c;

            atomic_read_relaxed(&dev->rxqs[i]->rx.n, &c);
            sum += c;
        }
    }
    return sum;
}

/* Packets sent out of 'netdev'. */
static uint64_t
bench_dpif_tx(const struct netdev *netdev)
{
    return bench_dpif_sum(bench_dpif_netdev_cast(netdev)->tx,
                          BENCH_DPIF_N_TXQ);
}

/* Returns the CPU time, in ns, that the PMD threads of this process ran
 * (first field of /proc/self/task/TID/schedstat), and their number in
 * '*n_pmdsp'. */
static uint64_t
bench_dpif_pmd_cpu_ns(int *n_pmdsp)
{
    DIR *dir = opendir("/proc/self/task");
    struct dirent *de;
    uint64_t sum = 0;

    *n_pmdsp = 0;
    if (!dir) {
        return 0;
    }
    while ((de = readdir(dir)) != NULL) {
        char path[300], comm[32];
        unsigned long long ns;
        FILE *f;

        if (de->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", de->d_name);
        f = fopen(path, "r");
        if (!f) {
            continue;
        }
        if (!fgets(comm, sizeof comm, f) || strncmp(comm, "pmd-c", 5)) {
            fclose(f);
            continue;
        }
        fclose(f);
        snprintf(path, sizeof path, "/proc/self/task/%s/schedstat",
                 de->d_name);
        f = fopen(path, "r");
        if (f) {
            if (fscanf(f, "%llu", &ns) == 1) {
                sum += ns;
                ++*n_pmdsp;
            }
            fclose(f);
        }
    }
    closedir(dir);
    return sum;
}

/* Source and destination MAC of bench_packet()'s packets. */
static const struct eth_addr bench_dpif_mac = ETH_ADDR_C(02, 00, 00, 00,
                                                         00, 00);

/* Puts the megaflow of 'br' (ufid 'i') into every PMD of 'dpif', with
 * the key of a packet of 'br' as ofproto's upcall would give it (the
 * fields of bench_packet()'s packets, host bits 0x5a5a5a5a).  Returns 0,
 * or EEXIST if a megaflow already in matches that key (dpif-netdev refuses
 * overlapping megaflows), or another positive errno value. */
static int
bench_dpif_put(struct dpif *dpif, const struct bench_rule *br, uint32_t i,
               const struct ofpbuf *actions)
{
    uint64_t key_stub[512 / 8], mask_stub[512 / 8];
    struct odp_flow_key_parms parms;
    struct ofpbuf key, mask;
    struct match match;
    ovs_u128 ufid = { .u32 = { i, 0xd13, 0xd13, 1 } };
    int error;

    match_init_catchall(&match);
    match.flow.in_port.odp_port = u32_to_odp(1);
    match.wc.masks.in_port.odp_port = u32_to_odp(UINT32_MAX);
    match_set_recirc_id(&match, 0);
    match_set_dl_type(&match, htons(ETH_TYPE_IP));
    match_set_nw_proto(&match, IPPROTO_UDP);
    match_set_nw_dst_masked(&match, htonl(br->nw_dst), htonl(br->nw_mask));
    if (br->tp_mask) {
        match_set_tp_dst_masked(&match, htons(br->tp_dst),
                                htons(br->tp_mask));
    }

    /* The unmasked key: the rest of the packet's fields. */
    match.flow.dl_dst = bench_dpif_mac;
    match.flow.dl_src = match.flow.dl_dst;
    match.flow.nw_src = htonl(0x0a000001);
    match.flow.nw_dst = htonl(br->nw_dst | (0x5a5a5a5a & ~br->nw_mask));
    match.flow.nw_ttl = 64;
    match.flow.tp_src = htons(0x0400);
    match.flow.tp_dst = htons(bench_packet_tp_dst(br, 0x5a5a));

    memset(&parms, 0, sizeof parms);
    parms.flow = &match.flow;
    parms.mask = &match.wc.masks;
    parms.support.recirc = true;
    ofpbuf_use_stub(&key, key_stub, sizeof key_stub);
    ofpbuf_use_stub(&mask, mask_stub, sizeof mask_stub);
    odp_flow_key_from_flow(&parms, &key);
    parms.key_buf = &key;
    odp_flow_key_from_mask(&parms, &mask);

    error = dpif_flow_put(dpif, DPIF_FP_CREATE, key.data, key.size,
                          mask.data, mask.size, actions->data, actions->size,
                          &ufid, PMD_ID_NULL, NULL);
    ofpbuf_uninit(&key);
    ofpbuf_uninit(&mask);
    return error;
}

/* Bits that the match of 'br' matches. */
static int
bench_dpif_rule_bits(const struct bench_rule *br)
{
    return count_1bits(br->nw_mask) + count_1bits(br->tp_mask);
}

static const struct bench_rule *bench_dpif_sort_rules;

static int
bench_dpif_rule_cmp(const void *a_, const void *b_)
{
    const uint32_t *a = a_, *b = b_;
    int ba = bench_dpif_rule_bits(&bench_dpif_sort_rules[*a]);
    int bb = bench_dpif_rule_bits(&bench_dpif_sort_rules[*b]);

    return ba != bb ? ba - bb : *a < *b ? -1 : *a > *b;
}

/* Adds port 'name' of our class to 'dpif' as odp port 'port_no'. */
static void
bench_dpif_add_port(struct dpif *dpif, const char *name, uint32_t port_no,
                    struct netdev **netdevp)
{
    odp_port_t odp_port = u32_to_odp(port_no);
    int error;

    error = netdev_open(name, "bench-pmd", netdevp);
    if (!error) {
        error = dpif_port_add(dpif, *netdevp, &odp_port);
    }
    if (error) {
        ovs_fatal(error, "dpif: cannot add port %s", name);
    }
}

void
bench_dpif_point(size_t n_rules, int n_masks, int n_pmds,
                 const struct bench_opts *opts)
{
    static bool header_done;
    struct bench_rule *rules = xmalloc(n_rules * sizeof *rules);
    uint8_t (*pkts)[BENCH_PKT_SIZE] = xmalloc(BENCH_N_PKTS
                                              * BENCH_PKT_SIZE);
    uint64_t rx, rx_last, tx_out0, tx_out1, tx_out, tx_in, cpu0, cpu1;
    uint64_t actions_stub[64 / 8];
    struct netdev *in, *out;
    struct ofpbuf actions;
    struct smap config;
    struct dpif *dpif;
    uint32_t *order;
    size_t i, n_flows = 0, n_covered = 0;
    double t0, t1, t_put, mpps_wall, mpps_pmd;
    int error, n_cores, n_seen, n_seen1, tries;
    long long lost;

    bench_dpif_init();
    bench_make_rules(rules, n_rules, n_masks);
    for (i = 0; i < BENCH_N_PKTS; i++) {
        bench_packet(&rules[bench_rand() % n_rules], pkts[i]);
    }
    atomic_store(&bench_dpif_on, false);

    error = dpif_create_and_open("ovs-bench", "dummy", &dpif);
    if (error) {
        ovs_fatal(error, "dpif: cannot create a dpif-netdev datapath");
    }

    /* PMDs on the last 'n_pmds' cores, SMC on, queues assigned round robin
     * (so that each of 2 PMDs polls one queue of "bench-in"). */
    n_cores = ovs_numa_get_n_cores();
    if (n_cores == OVS_CORE_UNSPEC || n_cores < n_pmds) {
        n_cores = n_pmds;
    }
    smap_init(&config);
    smap_add_format(&config, "pmd-cpu-mask", "0x%llx",
                    ((1ULL << n_pmds) - 1) << (n_cores - n_pmds));
    smap_add(&config, "smc-enable", "true");
    smap_add(&config, "pmd-rxq-assign", "roundrobin");
    error = dpif_set_config(dpif, &config);
    smap_destroy(&config);
    if (error) {
        ovs_fatal(error, "dpif: cannot configure the datapath");
    }
    dpif_run(dpif);

    bench_dpif_data = (const uint8_t (*)[BENCH_PKT_SIZE]) pkts;
    bench_dpif_add_port(dpif, "bench-in", 1, &in);
    bench_dpif_add_port(dpif, "bench-out", 2, &out);
    bench_dpif_data = NULL;
    dpif_run(dpif);

    /* Megaflows, into every PMD, before any packet; the wider first, so
     * that a rule that dpif-netdev refuses as overlapping (its key falls in
     * an earlier megaflow) is covered by that megaflow (same action): the
     * rule sets' prefixes nest.  A packet that still misses is dropped and
     * counted as lost below. */
    order = xmalloc(n_rules * sizeof *order);
    for (i = 0; i < n_rules; i++) {
        order[i] = i;
    }
    bench_dpif_sort_rules = rules;
    qsort(order, n_rules, sizeof *order, bench_dpif_rule_cmp);
    ofpbuf_use_stub(&actions, actions_stub, sizeof actions_stub);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    t0 = bench_now();
    for (i = 0; i < n_rules; i++) {
        error = bench_dpif_put(dpif, &rules[order[i]], order[i], &actions);
        if (error == EEXIST) {
            n_covered++;
        } else if (error) {
            ovs_fatal(error, "dpif: flow_put of megaflow %"PRIuSIZE, i);
        } else {
            n_flows++;
        }
        if (!(i % 4096)) {
            ovsrcu_quiesce();
        }
    }
    t_put = bench_now() - t0;
    ofpbuf_uninit(&actions);
    free(order);

    /* Traffic: the PMDs forward as fast as they can for 'opts->seconds'
     * (after a warm-up of a tenth of that, which fills the caches). */
    atomic_store(&bench_dpif_on, true);
    xnanosleep(opts->seconds * 1e8);
    tx_out0 = bench_dpif_tx(out);
    cpu0 = bench_dpif_pmd_cpu_ns(&n_seen);
    t0 = bench_now();
    xnanosleep(opts->seconds * 1e9);
    tx_out1 = bench_dpif_tx(out);
    cpu1 = bench_dpif_pmd_cpu_ns(&n_seen1);
    t1 = bench_now();
    atomic_store(&bench_dpif_on, false);

    /* Every packet handed out is back (sent), or lost. */
    rx_last = UINT64_MAX;
    for (tries = 0; tries < 100; tries++) {
        xnanosleep(10 * 1000 * 1000);
        rx = bench_dpif_rx(in);
        tx_out = bench_dpif_tx(out);
        tx_in = bench_dpif_tx(in);
        if (rx == rx_last && rx == tx_out + tx_in) {
            break;
        }
        rx_last = rx;
    }
    lost = rx - tx_out - tx_in;

    mpps_wall = (tx_out1 - tx_out0) / (t1 - t0) / 1e6;
    mpps_pmd = (tx_out1 - tx_out0) * 1e3 / MAX(cpu1 - cpu0, 1);
    printf("dpif   rules %6"PRIuSIZE" masks %2d: dpif-netdev %5.2f Mpps/PMD "
           "(%d PMD%s, %.2f Mpps wall clock), %"PRIuSIZE" megaflows "
           "(+%"PRIuSIZE" covered), put %.2f M/s; sent %"PRIu64", "
           "back out of port 1 (wrong) %"PRIu64", lost %lld%s\n",
           n_rules, n_masks, mpps_pmd, n_pmds, n_pmds > 1 ? "s" : "",
           mpps_wall, n_flows, n_covered, n_rules / t_put / 1e6,
           tx_out, tx_in, lost,
           n_seen == n_pmds && n_seen1 == n_pmds ? ""
           : " (PMD threads not as configured)");
    fflush(stdout);
    if (!header_done) {
        bench_data("dpif", "# rules masks pmds mpps_per_pmd mpps_wall "
                   "megaflows out_port1 lost");
        header_done = true;
    }
    bench_data("dpif", "%"PRIuSIZE" %d %d %.3f %.3f %"PRIuSIZE" %"PRIu64
               " %lld", n_rules, n_masks, n_pmds, mpps_pmd, mpps_wall,
               n_flows, tx_in, lost);

    dpif_delete(dpif);
    dpif_close(dpif);
    netdev_close(in);
    netdev_close(out);
    ovsrcu_quiesce();
    free(rules);
    free(pkts);
}

void
bench_dpif_run(const struct bench_opts *opts)
{
    static const size_t sizes[] = { 1000, 10000, 100000 };
    static const int masks[] = { 1, 16, 64 };
    size_t i, j;
    int n_pmds;

    if (!opts->full) {
        bench_dpif_point(10000, 16, 1, opts);
        bench_dpif_point(10000, 16, 2, opts);
        return;
    }
    for (i = 0; i < ARRAY_SIZE(sizes); i++) {
        for (j = 0; j < ARRAY_SIZE(masks); j++) {
            for (n_pmds = 1; n_pmds <= 2; n_pmds++) {
                bench_dpif_point(sizes[i], masks[j], n_pmds, opts);
            }
        }
    }
}
