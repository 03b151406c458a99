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

#include <config.h>

#include "netdev-offload-fp-private.h"

#include <string.h>

#include "netdev-fp.h"
#include "netdev-provider.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "util.h"

/* fp/explain and fp/offload-stats. */

static void
offload_fp_format_flow(const struct offload_fp_flow *flow, struct ds *s)
    OVS_REQUIRES(offload_fp_mutex)
{
    const char *dev = fp_device_name(flow->dev);

    odp_format_ufid(&flow->ufid, s);
    ds_put_format(s, ": %s", offload_fp_state_names[flow->state]);
    switch (flow->state) {
    case OFFLOAD_FP_OFFLOADED:
        ds_put_format(s, ": %s runs it", dev);
        if (flow->missing) {
            ds_put_format(s, ", but %s misses its packets (%"PRIu64" went "
                          "to dpif-netdev after it was offloaded)", dev,
                          flow->n_missed);
        }
        break;
    case OFFLOAD_FP_PARTIAL:
        ds_put_format(s, ": %s classifies it and marks its packets "
                      "(mark %"PRIu32"), dpif-netdev runs its actions, "
                      "because %s", dev, flow->mark, flow->reason);
        break;
    case OFFLOAD_FP_WAITING:
        ds_put_format(s, ": %s; in software until there is room",
                      flow->reason);
        break;
    case OFFLOAD_FP_EVICTED:
        ds_put_format(s, ": %s; in software until it is back in the NIC",
                      flow->reason);
        break;
    case OFFLOAD_FP_REFUSED:
        ds_put_format(s, ": %s", flow->reason);
        break;
    case OFFLOAD_FP_N_STATES:
    default:
        OVS_NOT_REACHED();
    }
}

/* Appends to 's' the verdict on the datapath flow 'ufid'.  Returns false if
 * we never saw it. */
bool
netdev_offload_fp_explain_ufid(const ovs_u128 *ufid, struct ds *s)
{
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    if (flow) {
        offload_fp_format_flow(flow, s);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return flow != NULL;
}

/* Appends to 's' what would happen to a flow with 'match' (whose in_port is
 * an "fp" netdev, 'netdev') and ODP 'actions', without offloading it: a dry
 * run of flow_put(). */
void
netdev_offload_fp_explain_flow(const struct netdev *netdev,
                               const struct match *match,
                               const struct nlattr *actions,
                               size_t actions_len, struct ds *s)
{
    struct offload_fp_verdict v;
    struct fp_device *dev;
    uint32_t port;

    if (!netdev_fp_get_port(netdev, &dev, &port)) {
        ds_put_format(s, "refused: %s is not bound to a NIC port",
                      netdev_get_name(netdev));
        return;
    }
    netdev_offload_fp_decide(netdev, dev, port, match, actions, actions_len,
                             0, &v);
    switch (v.state) {
    case OFFLOAD_FP_OFFLOADED:
        ds_put_format(s, "offloaded: %s would run it (%"PRIuSIZE
                      " NIC actions)", fp_device_name(dev),
                      v.rule.n_actions);
        break;
    case OFFLOAD_FP_PARTIAL:
        ds_put_format(s, "partial: %s would classify it and mark its "
                      "packets, dpif-netdev would run its actions, because "
                      "%s", fp_device_name(dev), v.reason);
        break;
    case OFFLOAD_FP_REFUSED:
    case OFFLOAD_FP_WAITING:
    case OFFLOAD_FP_EVICTED:
    case OFFLOAD_FP_N_STATES:
    default:
        ds_put_format(s, "refused: %s", v.reason);
        break;
    }
    free(v.reason);
}

/* Appends to 's' the verdict on every flow, sorted by ufid. */
void
netdev_offload_fp_explain_all(struct ds *s)
{
    struct offload_fp_flow *flow;
    struct svec lines;
    size_t i;

    svec_init(&lines);
    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        struct ds line = DS_EMPTY_INITIALIZER;

        offload_fp_format_flow(flow, &line);
        svec_add_nocopy(&lines, ds_steal_cstr(&line));
    }
    ovs_mutex_unlock(&offload_fp_mutex);

    svec_sort(&lines);
    for (i = 0; i < lines.n; i++) {
        ds_put_format(s, "%s\n", lines.names[i]);
    }
    svec_destroy(&lines);
}

/* Stores in '*stats' the counters of this flow API over all devices. */
void
netdev_offload_fp_get_stats(struct netdev_offload_fp_stats *stats)
{
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    *stats = offload_fp_stats;
    memset(stats->n_state, 0, sizeof stats->n_state);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        stats->n_state[flow->state]++;
    }
    stats->n_flows = (stats->n_state[OFFLOAD_FP_OFFLOADED]
                      + stats->n_state[OFFLOAD_FP_PARTIAL]);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Appends to 's' the flows by verdict and the count of each reason for
 * refusal, partial offload or failure, sorted. */
void
netdev_offload_fp_format_stats(struct ds *s)
{
    struct netdev_offload_fp_stats st;
    const struct shash_node **nodes;
    size_t i;

    netdev_offload_fp_get_stats(&st);
    ds_put_cstr(s, "flows:");
    for (i = 0; i < OFFLOAD_FP_N_STATES; i++) {
        ds_put_format(s, " %"PRIu64" %s%s", st.n_state[i],
                      offload_fp_state_names[i],
                      i + 1 < OFFLOAD_FP_N_STATES ? "," : "\n");
    }
    ds_put_format(s, "events: %"PRIu64" added, %"PRIu64" modified, %"PRIu64
                  " deleted, %"PRIu64" partial, %"PRIu64" refused, %"PRIu64
                  " failed, %"PRIu64" evicted, %"PRIu64" re-offloaded\n",
                  st.added, st.modified, st.deleted, st.partial, st.refused,
                  st.failed, st.evicted, st.reoffloaded);
    ds_put_format(s, "missed: %"PRIu64" offloaded flows, %"PRIu64
                  " packets\n", st.missing, st.missed);

    ovs_mutex_lock(&offload_fp_mutex);
    nodes = shash_sort(&offload_fp_reasons);
    ds_put_cstr(s, "reasons:\n");
    for (i = 0; i < shash_count(&offload_fp_reasons); i++) {
        const uint64_t *count = nodes[i]->data;

        ds_put_format(s, "  %s: %"PRIu64"\n", nodes[i]->name, *count);
    }
    free(nodes);
    ovs_mutex_unlock(&offload_fp_mutex);
}
