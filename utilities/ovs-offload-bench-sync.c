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

/* The statistics sync benchmark: the flow API of ovs-offload with many
 * offloaded flows.
 *
 * It drives our flow API (netdev_offload_fp) as dpif-netdev does, on real
 * "fp" netdevs bound to a model NIC: it offloads N megaflows, then times
 * one sync pass, that is, one flow_get() for every flow, as a revalidator
 * dump does, and the staleness of the counters: how long after a packet
 * enters the NIC flow_get() counts it.  As a peer, it times a bulk read of
 * every rule's counters from the NIC in one call. */

#include <config.h>

#include "ovs-offload-bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpif.h"
#include "dp-packet.h"
#include "flow.h"
#include "fp/fp.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "netdev-offload-fp.h"
#include "netdev-offload-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"

/* netdev_ports_get() compares datapath types by pointer. */
static double
elapsed_ms(long long int start)
{
    return (time_usec() - start) / 1000.0;
}

/* Runs the benchmark with 'n_flows' flows and prints its figures. */
void
bench_sync_run(uint32_t n_flows)
{
    const struct netdev_flow_api *api = &netdev_offload_fp;
    struct fp_device_config cfg;
    struct netdev *in, *out;
    struct fp_device *dev;
    uint64_t actions_stub[64 / 8];
    struct ofpbuf actions;
    long long int start;
    double put_ms, pass_ms, bulk_ms;
    uint64_t total;
    uint32_t i;
    int error;

    fp_device_config_default(&cfg);
    cfg.n_rules = n_flows + 1024;
    cfg.n_counters = 0;
    error = fp_device_create("fp0", &cfg, &dev);
    if (error) {
        ovs_fatal(error, "cannot create the model NIC");
    }
    in = bench_flow_open_port("p1", "fp", "phy0", 1);
    out = bench_flow_open_port("p2", "fp", "vf0", 2);

    ofpbuf_use_stub(&actions, actions_stub, sizeof actions_stub);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));

    /* Offload. */
    start = time_usec();
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
    put_ms = elapsed_ms(start);

    /* One sync pass: flow_get() of every flow. */
    total = 0;
    start = time_usec();
    for (i = 0; i < n_flows; i++) {
        struct dpif_flow_attrs attrs;
        struct dpif_flow_stats stats;
        ovs_u128 ufid = bench_flow_ufid(i);

        if (!api->flow_get(in, NULL, NULL, &ufid, &stats, &attrs, NULL)) {
            total += attrs.offloaded;
        }
    }
    pass_ms = elapsed_ms(start);
    if (total != n_flows) {
        ovs_fatal(0, "only %"PRIu64" of %"PRIu32" flows offloaded", total,
                  n_flows);
    }

    /* The peer: every rule's counters from the NIC in one call. */
    {
        struct fp_rule_stats_entry *entries;
        size_t n_entries;

        start = time_usec();
        fp_rule_get_stats_all(dev, &entries, &n_entries);
        bulk_ms = elapsed_ms(start);
        free(entries);
    }

    /* Staleness: from a packet entering the NIC to flow_get() counting
     * it. */
    {
        enum { N_SAMPLES = 200 };
        double samples[N_SAMPLES], sum = 0, max = 0;
        int j;

        for (j = 0; j < N_SAMPLES; j++) {
            uint32_t flow = (j * 7919) % n_flows;
            ovs_u128 ufid = bench_flow_ufid(flow);
            struct dp_packet *p = bench_flow_packet(flow);
            struct fp_packet pkt = {
                .data = dp_packet_data(p),
                .size = dp_packet_size(p),
            };
            struct dpif_flow_attrs attrs;
            struct dpif_flow_stats before, now;
            long long int t0;

            api->flow_get(in, NULL, NULL, &ufid, &before, &attrs, NULL);
            t0 = time_usec();
            fp_port_receive_batch(dev, 0, &pkt, 1, NULL);
            do {
                api->flow_get(in, NULL, NULL, &ufid, &now, &attrs, NULL);
            } while (now.n_packets == before.n_packets
                     && time_usec() - t0 < 1000000);
            samples[j] = (time_usec() - t0) / 1000.0;
            sum += samples[j];
            max = MAX(max, samples[j]);
            dp_packet_delete(p);
        }
        printf("sync   flows %7"PRIu32": offload %.2f M flows/s, one sync "
               "pass (flow_get of every flow) %.1f ms, bulk NIC counter "
               "read %.1f ms (peer), staleness mean %.3f ms max %.3f ms\n",
               n_flows, n_flows / put_ms / 1000, pass_ms, bulk_ms,
               sum / N_SAMPLES, max);
    }

    for (i = 0; i < n_flows; i++) {
        ovs_u128 ufid = bench_flow_ufid(i);

        api->flow_del(in, &ufid, NULL);
        if (!(i % 4096)) {
            ovsrcu_quiesce();
        }
    }
    ofpbuf_uninit(&actions);
    netdev_ports_remove(u32_to_odp(1), netdev_get_dpif_type(in));
    netdev_ports_remove(u32_to_odp(2), netdev_get_dpif_type(out));
    netdev_close(in);
    netdev_close(out);
    fp_device_destroy(dev);
}
