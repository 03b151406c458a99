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

/* The three ways side by side (README.rst): the offload rate and the
 * statistics pass of
 *
 *   (a) OVS 3.1's netdev-offload-dpdk on type=dpdk netdevs of the model NIC
 *       as a DPDK vdev (net_fp);
 *   (b) our flow API with the rte_flow driver on the same netdevs (what
 *       other_config:fp-dpdk=true does);
 *   (c) our flow API with the model driver on "fp" netdevs;
 *
 * on the same megaflows as the statistics sync benchmark (in_port 1, IPv4
 * from 10.x.y.z, output to port 2).  The bench drives each flow API as
 * dpif-netdev's offload thread does: flow_put() of every flow, then one
 * pass of flow_get() of every flow (a revalidator dump), then flow_del().
 * DPDK's EAL starts once, in the bench, through OVS's dpdk_init(), which
 * registers netdev-dpdk, as ovs-vswitchd does with other_config:dpdk-init.
 * This file never calls a flow API through OVS's registry: it calls each
 * provider's hooks directly. */

#include <config.h>

#include "ovs-offload-bench.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpdk.h"
#include "dpif.h"
#include "fp/fp.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "netdev-offload-fp.h"
#include "netdev-offload-fp-private.h"
#include "netdev-offload-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "ovs-numa.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"

/* netdev_ports_get() compares datapath types by pointer. */
static const char bench_dpdk_dpif_type[] = "netdev";

/* The result of one way at one N. */
struct bench_way {
    double rate;                /* Flows offloaded per second. */
    double pass_ms;             /* One flow_get() of every flow. */
};

/* Whether the EAL started (bench_dpdk_start()). */
static bool eal_started;

/* Starts DPDK's EAL as ovs-vswitchd does with other_config:dpdk-init=true,
 * with the model NIC as vdev net_fp0 whose rule table holds 'max_flows'
 * rules and some, and opens netdev-dpdk's "net_fp0" (phy0) and
 * "net_fp0_vf0".  Returns false if DPDK is not available. */
static bool
bench_dpdk_start(uint32_t max_flows)
{
    struct smap cfg = SMAP_INITIALIZER(&cfg);

    smap_add(&cfg, "dpdk-init", "try");
    smap_add_format(&cfg, "dpdk-extra",
                    "--no-huge --legacy-mem -m 1024 --no-pci --no-shconf "
                    "--no-telemetry --vdev=net_fp0,phy=2,vfs=2,rules=%"PRIu32,
                    max_flows + 1024);
    smap_add(&cfg, "per-port-memory", "true");
    ovs_numa_init();            /* dpdk_init() pins the main thread. */
    dpdk_init(&cfg);
    smap_destroy(&cfg);
    eal_started = dpdk_available();
    return eal_started;
}

/* Opens the "dpdk" netdev 'name' on the DPDK port of the same name
 * (options:dpdk-devargs), configured and started as ovs-vswitchd does when
 * a bridge gets the port. */
static struct netdev *
open_dpdk(const char *name)
{
    struct smap args = SMAP_INITIALIZER(&args);
    struct netdev *netdev;
    char *errp = NULL;
    int error;

    error = netdev_open(name, "dpdk", &netdev);
    if (error) {
        ovs_fatal(error, "%s: cannot open", name);
    }
    smap_add(&args, "dpdk-devargs", name);
    smap_add(&args, "n_rxq", "1");
    if (netdev_set_config(netdev, &args, &errp)) {
        ovs_fatal(0, "%s: %s", name, errp ? errp : "bad configuration");
    }
    smap_destroy(&args);
    error = netdev_reconfigure(netdev);
    if (error) {
        ovs_fatal(error, "%s: cannot start", name);
    }
    netdev_set_dpif_type(netdev, bench_dpdk_dpif_type);
    return netdev;
}

/* Opens "fp" netdev 'name' bound to port 'port' of model device 'dev'. */
static struct netdev *
open_fp(const char *name, const char *dev, const char *port)
{
    struct smap args = SMAP_INITIALIZER(&args);
    struct netdev *netdev;
    char *errp = NULL;

    if (netdev_open(name, "fp", &netdev)) {
        ovs_fatal(0, "%s: cannot open", name);
    }
    smap_add(&args, "device", dev);
    smap_add(&args, "port", port);
    if (netdev_set_config(netdev, &args, &errp)) {
        ovs_fatal(0, "%s: %s", name, errp ? errp : "bad configuration");
    }
    smap_destroy(&args);
    netdev_set_dpif_type(netdev, bench_dpdk_dpif_type);
    return netdev;
}

/* Makes 'in' and 'out' datapath ports 1 and 2. */
static void
insert_ports(struct netdev *in, struct netdev *out)
{
    struct dpif_port dpif_port;

    dpif_port.name = CONST_CAST(char *, netdev_get_name(in));
    dpif_port.type = CONST_CAST(char *, netdev_get_type(in));
    dpif_port.port_no = u32_to_odp(1);
    netdev_ports_insert(in, &dpif_port);
    dpif_port.name = CONST_CAST(char *, netdev_get_name(out));
    dpif_port.type = CONST_CAST(char *, netdev_get_type(out));
    dpif_port.port_no = u32_to_odp(2);
    netdev_ports_insert(out, &dpif_port);
}

static void
remove_ports(void)
{
    netdev_ports_remove(u32_to_odp(1), bench_dpdk_dpif_type);
    netdev_ports_remove(u32_to_odp(2), bench_dpdk_dpif_type);
}

/* The megaflow of flow 'i' (bench_flow_match()), with no VLAN tag
 * (dpif-netdev's megaflows of untagged packets match the CFI bit, and
 * rte_flow cannot match an ethertype after any number of tags). */
static void
make_match(uint32_t i, struct match *match)
{
    bench_flow_match(i, match);
    match_set_dl_tci_masked(match, htons(0), htons(VLAN_CFI));
}

/* Returns the rules in use in model device 'name' (the model behind
 * net_fp0, or an fp NIC). */
static uint32_t
model_rules(const char *name)
{
    struct fp_device *dev = fp_device_find(name);
    struct fp_device_stats stats;

    if (!dev) {
        ovs_fatal(0, "%s: no such model NIC", name);
    }
    fp_device_get_stats(dev, &stats);
    return stats.n_rules;
}

/* Offloads 'n_flows' flows into 'in' through 'api', then times one pass of
 * flow_get() of every flow, checks that every flow is offloaded and that
 * the model NIC 'model' has a rule for each, and deletes them.  Stores the
 * figures in '*way'. */
static void
bench_way(const char *label, const struct netdev_flow_api *api,
          struct netdev *in, const char *model, uint32_t n_flows,
          struct bench_way *way)
{
    uint64_t actions_stub[64 / 8];
    struct ofpbuf actions;
    long long int start;
    uint32_t n_rules0, n_rules, i;
    uint64_t total;
    int error;

    ofpbuf_use_stub(&actions, actions_stub, sizeof actions_stub);
    nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    n_rules0 = model_rules(model);

    /* Offload: from the first flow_put() until the last rule is in the NIC
     * (every flow_put() of the three returns once its rule is in). */
    start = time_usec();
    for (i = 0; i < n_flows; i++) {
        struct offload_info info = { .flow_mark = i + 1 };
        ovs_u128 ufid = bench_flow_ufid(i);
        struct match match;

        make_match(i, &match);
        error = api->flow_put(in, &match, actions.data, actions.size, &ufid,
                              &info, NULL);
        if (error) {
            ovs_fatal(error, "%s: flow_put of flow %"PRIu32" failed", label,
                      i);
        }
        if (!(i % 4096)) {
            ovsrcu_quiesce();
        }
    }
    n_rules = model_rules(model) - n_rules0;
    way->rate = n_flows / ((time_usec() - start) / 1e6);
    if (n_rules < n_flows) {
        ovs_fatal(0, "%s: only %"PRIu32" rules in %s for %"PRIu32" flows",
                  label, n_rules, model, n_flows);
    }

    /* One statistics pass. */
    total = 0;
    start = time_usec();
    for (i = 0; i < n_flows; i++) {
        struct dpif_flow_attrs attrs;
        struct dpif_flow_stats stats;
        ovs_u128 ufid = bench_flow_ufid(i);

        memset(&attrs, 0, sizeof attrs);
        if (!api->flow_get(in, NULL, NULL, &ufid, &stats, &attrs, NULL)) {
            /* Fully offloaded: not only classified in the NIC. */
            total += (attrs.offloaded && attrs.dp_layer
                      && strcmp(attrs.dp_layer, "ovs"));
        }
    }
    way->pass_ms = (time_usec() - start) / 1000.0;
    if (total != n_flows) {
        ovs_fatal(0, "%s: flow_get found only %"PRIu64" of %"PRIu32" flows "
                  "fully offloaded", label, total, n_flows);
    }

    for (i = 0; i < n_flows; i++) {
        ovs_u128 ufid = bench_flow_ufid(i);

        error = api->flow_del(in, &ufid, NULL);
        if (error) {
            ovs_fatal(error, "%s: flow_del of flow %"PRIu32" failed", label,
                      i);
        }
        if (!(i % 4096)) {
            ovsrcu_quiesce();
        }
    }
    ovsrcu_quiesce();
    ofpbuf_uninit(&actions);
}

/* Runs the three ways for each of the 'n' sizes of 'sizes' and prints
 * their figures side by side, with ratios to (a). */
void
bench_dpdk_run(const uint32_t *sizes, size_t n)
{
    struct bench_way ways[3];
    uint32_t max_flows = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        max_flows = MAX(max_flows, sizes[i]);
    }
    if (!eal_started && !bench_dpdk_start(max_flows)) {
        printf("dpdk   the three ways: not measured: DPDK's EAL did not "
               "start (see the log above)\n");
        return;
    }

    /* The main thread is the one offload thread of netdev-offload-dpdk,
     * whose hooks index their tables with it (n-offload-threads=1). */
    *netdev_offload_thread_id_get() = 0;

    for (i = 0; i < n; i++) {
        struct fp_device_config cfg;
        struct netdev *in, *out;
        struct fp_device *dev;
        int error;

        /* (a) OVS's netdev-offload-dpdk. */
        netdev_offload_fp_dpdk_set_enabled(false);
        in = open_dpdk("net_fp0");
        out = open_dpdk("net_fp0_vf0");
        insert_ports(in, out);
        if (netdev_offload_dpdk.init_flow_api(in)
            || netdev_offload_dpdk.init_flow_api(out)) {
            ovs_fatal(0, "netdev-offload-dpdk refuses net_fp0");
        }
        bench_way("(a)", &netdev_offload_dpdk, in, "net_fp0", sizes[i],
                  &ways[0]);
        netdev_offload_dpdk.uninit_flow_api(in);
        netdev_offload_dpdk.uninit_flow_api(out);

        /* (b) Ours with the rte_flow driver, on the same netdevs. */
        netdev_offload_fp_dpdk_set_enabled(true);
        if (netdev_offload_fp.init_flow_api(in)
            || netdev_offload_fp.init_flow_api(out)) {
            ovs_fatal(0, "our flow API does not claim net_fp0");
        }
        bench_way("(b)", &netdev_offload_fp, in, "net_fp0", sizes[i],
                  &ways[1]);
        netdev_offload_fp.uninit_flow_api(in);
        netdev_offload_fp.uninit_flow_api(out);
        netdev_offload_fp_dpdk_set_enabled(false);
        remove_ports();
        netdev_close(in);
        netdev_close(out);

        /* (c) Ours with the model driver, on "fp" netdevs. */
        fp_device_config_default(&cfg);
        cfg.n_rules = sizes[i] + 1024;
        cfg.n_counters = 0;
        error = fp_device_create("fpdpdk", &cfg, &dev);
        if (error) {
            ovs_fatal(error, "cannot create the model NIC");
        }
        in = open_fp("fpdpdk-p1", "fpdpdk", "phy0");
        out = open_fp("fpdpdk-p2", "fpdpdk", "vf0");
        insert_ports(in, out);
        bench_way("(c)", &netdev_offload_fp, in, "fpdpdk", sizes[i],
                  &ways[2]);
        remove_ports();
        netdev_close(in);
        netdev_close(out);
        fp_device_destroy(dev);
        ovsrcu_quiesce();

        printf("3ways  flows %7"PRIu32": offload (a) OVS rte_flow %.3f M "
               "flows/s, (b) ours rte_flow %.3f (%.2fx), (c) ours model "
               "%.3f (%.2fx); one sync pass (a) %.1f ms, (b) %.1f ms "
               "(%.2fx), (c) %.1f ms (%.2fx)\n",
               sizes[i], ways[0].rate / 1e6,
               ways[1].rate / 1e6, ways[1].rate / ways[0].rate,
               ways[2].rate / 1e6, ways[2].rate / ways[0].rate,
               ways[0].pass_ms,
               ways[1].pass_ms, ways[1].pass_ms / ways[0].pass_ms,
               ways[2].pass_ms, ways[2].pass_ms / ways[0].pass_ms);
        fflush(stdout);
    }
}
