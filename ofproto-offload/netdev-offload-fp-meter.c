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

#include <errno.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/vlog.h"
#include "ovs-offload.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_offload_fp_meter);

static struct hmap offload_fp_meters OVS_GUARDED_BY(offload_fp_mutex)
    = HMAP_INITIALIZER(&offload_fp_meters);

struct offload_fp_meter *
offload_fp_meter_find(uint32_t id)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_meter *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, hash_int(id, 0), &offload_fp_meters) {
        if (m->id == id) {
            return m;
        }
    }
    return NULL;
}

/* Translates OpenFlow meter 'config' into a NIC meter: a single drop band
 * is a colour-blind srTCM whose committed rate is the band's rate and
 * committed burst its burst (as dpif-netdev, one second at the rate if
 * none), with no excess burst, so that what exceeds it is red and dropped.
 * Returns NULL, or a reason why the NICs cannot run the meter. */
static char *
offload_fp_meter_translate(const struct ofputil_meter_config *config,
                           struct fp_meter_config *nic)
{
    const struct ofputil_meter_band *band = config->bands;
    uint64_t burst;

    if (config->n_bands != 1 || band->type != OFPMBT13_DROP) {
        return xstrdup("only meters with one drop band are supported");
    }
    burst = band->burst_size ? band->burst_size : band->rate;

    memset(nic, 0, sizeof *nic);
    nic->type = FP_METER_SRTCM;
    nic->pkts = (config->flags & OFPMF13_PKTPS) != 0;
    if (nic->pkts) {
        nic->cir = band->rate;
        nic->cbs = burst;
    } else {
        /* kbit/s and kbit into bytes. */
        nic->cir = (uint64_t) band->rate * 1000 / 8;
        nic->cbs = burst * 1000 / 8;
    }
    nic->ebs = 0;
    return NULL;
}

/* Mirrors OpenFlow meter 'id' (datapath meter id), just set in dpif-netdev
 * with 'config', into every NIC, so that flows with a meter() action can be
 * offloaded.  Called from ovs-vswitchd's main thread. */
void
netdev_offload_fp_meter_set(uint32_t id,
                            const struct ofputil_meter_config *config)
{
    struct fp_device *devices[OVS_OFFLOAD_MAX_DEVICES];
    struct fp_meter_config nic;
    struct offload_fp_meter *m;
    size_t i, n;
    char *reason;

    reason = offload_fp_meter_translate(config, &nic);
    n = fp_device_list(devices, ARRAY_SIZE(devices));

    ovs_mutex_lock(&offload_fp_mutex);
    m = offload_fp_meter_find(id);
    if (!m) {
        m = xzalloc(sizeof *m);
        m->id = id;
        sset_init(&m->devices);
        hmap_insert(&offload_fp_meters, &m->node, hash_int(id, 0));
    }
    free(m->reason);
    m->reason = reason;
    for (i = 0; i < n; i++) {
        const char *name = fp_device_name(devices[i]);
        int error = reason ? 0 : fp_meter_set(devices[i], id, &nic);

        if (!reason && !error) {
            sset_add(&m->devices, name);
        } else {
            if (sset_find_and_delete(&m->devices, name)) {
                fp_meter_delete(devices[i], id);
            }
            if (!reason) {
                m->reason = xasprintf("%s cannot take it (%s)", name,
                                      ovs_strerror(error));
                reason = m->reason;
            }
        }
    }
    if (m->reason) {
        VLOG_DBG("meter %"PRIu32" stays in software: %s", id, m->reason);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Adds the NICs' counters of meter 'id' to 'stats' (as dpif_meter_get()
 * reports them: packets and bytes in, and band 0 for the dropped ones). */
void
netdev_offload_fp_meter_get(uint32_t id, struct ofputil_meter_stats *stats)
{
    struct offload_fp_meter *m;
    const char *name;

    ovs_mutex_lock(&offload_fp_mutex);
    m = offload_fp_meter_find(id);
    if (m) {
        SSET_FOR_EACH (name, &m->devices) {
            struct fp_device *dev = fp_device_find(name);
            struct fp_meter_stats st;

            if (dev && !fp_meter_get_stats(dev, id, &st)) {
                stats->packet_in_count += st.pass_packets + st.drop_packets;
                stats->byte_in_count += st.pass_bytes + st.drop_bytes;
                if (stats->n_bands) {
                    stats->bands[0].packet_count += st.drop_packets;
                    stats->bands[0].byte_count += st.drop_bytes;
                }
            }
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Forgets meter 'id', which was deleted from dpif-netdev, after adding its
 * NIC counters to 'stats', if nonnull.  A NIC meter that rules still use
 * (their flows are going) stays in the NIC until its last rule goes. */
void
netdev_offload_fp_meter_del(uint32_t id, struct ofputil_meter_stats *stats)
{
    struct offload_fp_meter *m;
    const char *name;

    if (stats) {
        netdev_offload_fp_meter_get(id, stats);
    }
    ovs_mutex_lock(&offload_fp_mutex);
    m = offload_fp_meter_find(id);
    if (m) {
        SSET_FOR_EACH (name, &m->devices) {
            struct fp_device *dev = fp_device_find(name);

            if (dev) {
                fp_meter_delete(dev, id);
            }
        }
        hmap_remove(&offload_fp_meters, &m->node);
        sset_destroy(&m->devices);
        free(m->reason);
        free(m);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
}
