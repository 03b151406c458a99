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

#include "cmap.h"
#include "coverage.h"
#include "dp-packet.h"
#include "dpif-netdev.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "sset.h"
#include "ovs-offload.h"
#include "ovs-rcu.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_offload_fp_meter);

COVERAGE_DEFINE(fp_meter_host_batch);
COVERAGE_DEFINE(fp_meter_host_drop);

/* One meter, one bucket.
 *
 * An OpenFlow meter's packets are metered in three places: the packet of
 * an upcall, which dpif-netdev executes before its flow is offloaded;
 * the packets of partially offloaded flows and of flows in software, whose
 * actions dpif-netdev runs; and the packets of offloaded flows, in the NIC.
 * If each place had a bucket of its own, the burst would be granted more
 * than once and the rate exceeded.  So a meter that the NICs can run is in
 * exactly one NIC, its owner, and dpif-netdev meters its packets with the
 * owner's meter, through the hook of patches/ovs/0003 (see
 * offload_fp_meter_hook()).  The NIC's meter (FP_METER_BANDS) does
 * dpif-netdev's arithmetic on OVS's clock, so that a meter gives the same
 * verdicts and counters wherever its packets go.
 *
 * The owner is the first NIC, by name, that takes the meter when OpenFlow
 * sets it, among those that can meter the host's packets with their own
 * buckets (fp_meter_can_police(): not the rte_flow driver's).  Flows of
 * other NICs that use the meter are partially offloaded: their packets
 * reach dpif-netdev, which meters them with the owner's meter.  A meter that no NIC holds (a failed or full NIC: retried
 * every second) is dpif-netdev's own, and the flows that use it wait in
 * software until it is in their NIC. */

static struct hmap offload_fp_meters OVS_GUARDED_BY(offload_fp_mutex)
    = HMAP_INITIALIZER(&offload_fp_meters);

/* The owners, for offload_fp_meter_hook(), which runs on packet threads:
 * readers use RCU, writers hold 'offload_fp_mutex'. */
struct offload_fp_meter_owner {
    struct cmap_node node;      /* In 'offload_fp_meter_owners'. */
    uint32_t id;
    struct fp_device *dev;
};
static struct cmap offload_fp_meter_owners
    = CMAP_INITIALIZER;

/* NIC meters whose deletion failed or that rules still used: retried by
 * offload_fp_meter_run() until they are gone. */
struct offload_fp_meter_zombie {
    struct fp_device *dev;
    uint32_t id;
};
static struct offload_fp_meter_zombie *zombies
    OVS_GUARDED_BY(offload_fp_mutex);
static size_t n_zombies OVS_GUARDED_BY(offload_fp_mutex);
static size_t allocated_zombies OVS_GUARDED_BY(offload_fp_mutex);

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

/* Adds 'prec_level' drop precedence levels to the DSCP of 'packet', which a
 * dscp_remark band let through (see fp_meter_remark_dscp()), with the same
 * OVS functions as a set_field of ip_dscp, so that the packet is byte for
 * byte what the NIC's meter makes of it.  dpif-netdev's own meters do the
 * same (patches/ovs/0005).  Only Ethernet IPv4 and IPv6 packets change. */
static void
offload_fp_meter_remark(struct dp_packet *packet, uint8_t prec_level)
{
    const struct eth_header *eth = dp_packet_eth(packet);
    const uint8_t *data = dp_packet_data(packet);
    size_t size = dp_packet_size(packet);
    size_t ofs = ETH_HEADER_LEN - 2;
    ovs_be16 dl_type;

    if (!eth || !dp_packet_l3(packet) || size < ETH_HEADER_LEN) {
        return;
    }
    memcpy(&dl_type, data + ofs, sizeof dl_type);
    while (eth_type_vlan(dl_type) && ofs + VLAN_HEADER_LEN + 2 <= size) {
        ofs += VLAN_HEADER_LEN;
        memcpy(&dl_type, data + ofs, sizeof dl_type);
    }
    if (dl_type == htons(ETH_TYPE_IP)
        && dp_packet_l3_size(packet) >= IP_HEADER_LEN) {
        struct ip_header *nh = dp_packet_l3(packet);
        uint8_t dscp = (nh->ip_tos & IP_DSCP_MASK) >> 2;
        uint8_t new = fp_meter_remark_dscp(dscp, prec_level);

        if (new != dscp) {
            packet_set_ipv4(packet, get_16aligned_be32(&nh->ip_src),
                            get_16aligned_be32(&nh->ip_dst),
                            (nh->ip_tos & ~IP_DSCP_MASK) | (new << 2),
                            nh->ip_ttl);
        }
    } else if (dl_type == htons(ETH_TYPE_IPV6)
               && dp_packet_l3_size(packet) >= IPV6_HEADER_LEN) {
        struct ovs_16aligned_ip6_hdr *nh = dp_packet_l3(packet);
        ovs_be32 flow = get_16aligned_be32(&nh->ip6_flow);
        uint8_t tc = ntohl(flow) >> 20;
        uint8_t dscp = tc >> 2;
        uint8_t new = fp_meter_remark_dscp(dscp, prec_level);

        if (new != dscp) {
            uint32_t f = ntohl(flow);

            f = (f & ~(0xfcu << 20)) | ((uint32_t) new << 22);
            put_16aligned_be32(&nh->ip6_flow, htonl(f));
        }
    }
}

/* Meters the batch 'packets' for meter 'meter_id' with the NIC meter that
 * holds it, if any, and drops in place the packets it rejects.  Returns
 * false, to let dpif-netdev meter the batch, if no NIC holds the meter.
 * The hook of dpif_netdev_set_meter_hook(): runs on packet threads. */
static bool
offload_fp_meter_hook(uint32_t meter_id, struct dp_packet_batch *packets,
                      long long int now)
{
    const struct offload_fp_meter_owner *owner = NULL;
    const struct offload_fp_meter_owner *o;
    size_t n = dp_packet_batch_size(packets);
    uint8_t remarks[NETDEV_MAX_BURST];
    uint32_t sizes[NETDEV_MAX_BURST];
    bool passed[NETDEV_MAX_BURST];
    struct dp_packet *packet;
    size_t j;

    CMAP_FOR_EACH_WITH_HASH (o, node, hash_int(meter_id, 0),
                             &offload_fp_meter_owners) {
        if (o->id == meter_id) {
            owner = o;
            break;
        }
    }
    if (!owner || n > NETDEV_MAX_BURST) {
        return false;
    }

    DP_PACKET_BATCH_FOR_EACH (i, packet, packets) {
        sizes[i] = dp_packet_size(packet);
    }
    if (fp_meter_police(owner->dev, meter_id, sizes, n, now, passed,
                        remarks)) {
        /* Gone from the NIC an instant ago (a reset). */
        return false;
    }

    COVERAGE_INC(fp_meter_host_batch);
    DP_PACKET_BATCH_REFILL_FOR_EACH (j, n, packet, packets) {
        if (passed[j]) {
            if (remarks[j]) {
                offload_fp_meter_remark(packet, remarks[j]);
            }
            dp_packet_batch_refill(packets, packet, j);
        } else {
            COVERAGE_INC(fp_meter_host_drop);
            dp_packet_delete(packet);
        }
    }
    return true;
}

/* Makes 'dev' (or nothing, if NULL) the owner of 'm' for the hook. */
static void
offload_fp_meter_set_owner(struct offload_fp_meter *m, struct fp_device *dev)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_meter_owner *o;
    uint32_t hash = hash_int(m->id, 0);

    CMAP_FOR_EACH_WITH_HASH (o, node, hash, &offload_fp_meter_owners) {
        if (o->id == m->id) {
            cmap_remove(&offload_fp_meter_owners, &o->node, hash);
            ovsrcu_postpone(free, o);
            break;
        }
    }
    if (dev) {
        o = xmalloc(sizeof *o);
        o->id = m->id;
        o->dev = dev;
        cmap_insert(&offload_fp_meter_owners, &o->node, hash);
    }
    m->dev = dev;
}

/* Translates OpenFlow meter 'config' (as dpif-netdev took it, with a burst
 * in every band) into a NIC meter with the same drop and dscp_remark
 * bands.  Returns NULL,
 * or a reason why the NICs cannot run the meter. */
static char *
offload_fp_meter_translate(const struct ofputil_meter_config *config,
                           struct fp_meter_config *nic)
{
    size_t i;

    memset(nic, 0, sizeof *nic);
    if (config->n_bands > FP_METER_MAX_BANDS) {
        return xasprintf("it has %"PRIu16" bands; the NICs run at most %d",
                         config->n_bands, FP_METER_MAX_BANDS);
    } else if (!config->n_bands) {
        return xstrdup("it has no band");
    }
    nic->type = FP_METER_BANDS;
    nic->pkts = (config->flags & OFPMF13_PKTPS) != 0;
    nic->n_bands = config->n_bands;
    for (i = 0; i < config->n_bands; i++) {
        const struct ofputil_meter_band *band = &config->bands[i];

        if (band->type == OFPMBT13_DSCP_REMARK) {
            nic->bands[i].remark = true;
            nic->bands[i].prec_level = band->prec_level;
        } else if (band->type != OFPMBT13_DROP) {
            return xasprintf("band %"PRIuSIZE" is neither a drop nor a "
                             "dscp_remark band", i + 1);
        }
        if (!band->rate) {
            return xasprintf("band %"PRIuSIZE" has rate 0", i + 1);
        }
        /* dpif-netdev's default burst: one second at the rate. */
        nic->bands[i].rate = band->rate;
        nic->bands[i].burst = band->burst_size ? band->burst_size
                                               : band->rate;
    }
    return NULL;
}

/* Forgets the pending deletion of meter 'id' from 'dev', if any. */
static void
offload_fp_meter_unzombie(struct fp_device *dev, uint32_t id)
    OVS_REQUIRES(offload_fp_mutex)
{
    size_t i;

    for (i = 0; i < n_zombies; i++) {
        if (zombies[i].dev == dev && zombies[i].id == id) {
            zombies[i] = zombies[--n_zombies];
            return;
        }
    }
}

/* Deletes meter 'id' from 'dev', after taking out the rules that use it,
 * now or, if the device fails, later. */
static void
offload_fp_meter_delete(struct fp_device *dev, uint32_t id)
    OVS_REQUIRES(offload_fp_mutex)
{
    int error;

    offload_fp_evict_meter_users(dev, id);
    error = fp_meter_delete(dev, id);

    if (error && error != ENOENT) {
        VLOG_DBG("%s: datapath meter %"PRIu32" cannot be deleted yet (%s)",
                 fp_device_name(dev), id, ovs_strerror(error));
        if (n_zombies >= allocated_zombies) {
            zombies = x2nrealloc(zombies, &allocated_zombies,
                                 sizeof *zombies);
        }
        zombies[n_zombies].dev = dev;
        zombies[n_zombies].id = id;
        n_zombies++;
    }
}

/* Adds 'b' minus 'c' to 'a', counter by counter. */
static void
offload_fp_meter_stats_add(struct fp_meter_stats *a,
                           const struct fp_meter_stats *b,
                           const struct fp_meter_stats *c)
{
    size_t i;

    a->pass_packets += b->pass_packets - c->pass_packets;
    a->pass_bytes += b->pass_bytes - c->pass_bytes;
    a->drop_packets += b->drop_packets - c->drop_packets;
    a->drop_bytes += b->drop_bytes - c->drop_bytes;
    for (i = 0; i < FP_METER_MAX_BANDS; i++) {
        a->band_packets[i] += b->band_packets[i] - c->band_packets[i];
        a->band_bytes[i] += b->band_bytes[i] - c->band_bytes[i];
    }
}

/* Reads the counters of the NIC that holds 'm' into 'm->last'. */
static void
offload_fp_meter_read(struct offload_fp_meter *m)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct fp_meter_stats st;

    if (m->dev && !fp_meter_get_stats(m->dev, m->id, &st)) {
        m->last = st;
    }
}

/* 'm' leaves the NIC that held it, whose counters go to 'acc'. */
static void
offload_fp_meter_leave(struct offload_fp_meter *m)
    OVS_REQUIRES(offload_fp_mutex)
{
    offload_fp_meter_stats_add(&m->acc, &m->last, &m->base);
    memset(&m->base, 0, sizeof m->base);
    memset(&m->last, 0, sizeof m->last);
    offload_fp_meter_set_owner(m, NULL);
}

static void offload_fp_meter_reset_cb(struct fp_device *, void *aux);

/* The names of the devices whose resets we listen for. */
static struct sset watched OVS_GUARDED_BY(offload_fp_mutex)
    = SSET_INITIALIZER(&watched);

/* Listens for resets of 'dev', once. */
static void
offload_fp_meter_watch(struct fp_device *dev)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (sset_add(&watched, fp_device_name(dev))) {
        fp_device_add_listener(dev, offload_fp_meter_reset_cb, NULL);
    }
}

/* Returns the size of the meter table of 'dev': 0 if it runs no meters
 * (a driver without meters, or fp-meters=0). */
static uint32_t
offload_fp_meter_table_size(const struct fp_device *dev)
{
    struct fp_device_config cfg;

    fp_device_get_config(dev, &cfg);
    return cfg.n_meters;
}

/* Puts 'm', which no NIC holds, into the first NIC that takes it, or
 * stores why none did in 'm->reason'. */
static void
offload_fp_meter_place(struct offload_fp_meter *m)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct fp_device *devices[OVS_OFFLOAD_MAX_DEVICES];
    size_t i, n;

    n = fp_device_list(devices, ARRAY_SIZE(devices));
    free(m->reason);
    m->reason = NULL;
    for (i = 0; i < n && i < ARRAY_SIZE(devices); i++) {
        struct fp_device *dev = devices[i];
        int error;

        if (!offload_fp_meter_table_size(dev)) {
            if (!m->reason) {
                m->reason = xasprintf("%s has no meter table",
                                      fp_device_name(dev));
            }
            continue;
        }
        if (!fp_meter_can_police(dev)) {
            /* dpif-netdev could not meter its packets with this NIC's
             * bucket: the meter would have two. */
            if (!m->reason) {
                m->reason = xasprintf("%s cannot meter the host's packets "
                                      "with its bucket",
                                      fp_device_name(dev));
            }
            continue;
        }
        error = fp_meter_set(dev, m->id, &m->nic);
        if (!error) {
            /* A NIC meter that was being deleted is reused: its counters
             * are not this meter's. */
            offload_fp_meter_unzombie(dev, m->id);
            offload_fp_meter_watch(dev);
            offload_fp_meter_set_owner(m, dev);
            fp_meter_get_stats(dev, m->id, &m->base);
            m->last = m->base;
            free(m->reason);
            m->reason = NULL;
            return;
        }
        if (!m->reason) {
            if (error == ENOSPC) {
                struct fp_device_config cfg;
                struct fp_device_stats st;

                fp_device_get_config(dev, &cfg);
                fp_device_get_stats(dev, &st);
                m->reason = xasprintf("%s of %s full (%"PRIu32" of %"
                                      PRIu32")",
                                      fp_resource_name(FP_RES_METERS),
                                      fp_device_name(dev), st.n_meters,
                                      cfg.n_meters);
            } else {
                m->reason = xasprintf("%s failed to set it (%s)",
                                      fp_device_name(dev),
                                      ovs_strerror(error));
            }
        }
    }
    if (!m->reason) {
        m->reason = xstrdup("there is no NIC");
    }
    VLOG_DBG("datapath meter %"PRIu32" stays in software: %s", m->id,
             m->reason);
}

/* Puts OpenFlow meter 'id' (datapath meter id), just set in dpif-netdev
 * with 'config', into a NIC, so that flows with a meter() action can be
 * offloaded, or changes it there.  A change starts the meter's buckets full
 * and its counters from zero, as dpif-netdev does.  Called from
 * ovs-vswitchd's main thread. */
void
netdev_offload_fp_meter_set(uint32_t id,
                            const struct ofputil_meter_config *config)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;
    struct fp_meter_config nic;
    struct offload_fp_meter *m;
    char *reason;

    if (ovsthread_once_start(&once)) {
        dpif_netdev_set_meter_hook(offload_fp_meter_hook);
        ovsthread_once_done(&once);
    }

    reason = offload_fp_meter_translate(config, &nic);

    ovs_mutex_lock(&offload_fp_mutex);
    m = offload_fp_meter_find(id);
    if (!m) {
        m = xzalloc(sizeof *m);
        m->id = id;
        hmap_insert(&offload_fp_meters, &m->node, hash_int(id, 0));
    }
    memset(&m->acc, 0, sizeof m->acc);
    m->runnable = !reason;
    m->nic = nic;
    if (reason) {
        /* The NIC's rules that use the old meter go with it. */
        if (m->dev) {
            struct fp_device *dev = m->dev;

            offload_fp_meter_set_owner(m, NULL);
            offload_fp_meter_delete(dev, id);
        }
        memset(&m->base, 0, sizeof m->base);
        memset(&m->last, 0, sizeof m->last);
        free(m->reason);
        m->reason = reason;
        VLOG_DBG("datapath meter %"PRIu32" stays in software: %s", id,
                 reason);
    } else if (m->dev) {
        int error = fp_meter_set(m->dev, id, &nic);

        if (!error) {
            fp_meter_get_stats(m->dev, id, &m->base);
            m->last = m->base;
        } else {
            struct fp_device *dev = m->dev;

            memset(&m->last, 0, sizeof m->last);
            memset(&m->base, 0, sizeof m->base);
            offload_fp_meter_set_owner(m, NULL);
            offload_fp_meter_delete(dev, id);
            offload_fp_meter_place(m);
        }
    } else {
        offload_fp_meter_place(m);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Adds the NICs' counters of meter 'id' to 'stats' (as dpif_meter_get()
 * reports them: packets and bytes in, and the packets and bytes that each
 * band dropped). */
void
netdev_offload_fp_meter_get(uint32_t id, struct ofputil_meter_stats *stats)
{
    struct offload_fp_meter *m;

    ovs_mutex_lock(&offload_fp_mutex);
    m = offload_fp_meter_find(id);
    if (m) {
        struct fp_meter_stats total = m->acc;
        size_t i;

        offload_fp_meter_read(m);
        offload_fp_meter_stats_add(&total, &m->last, &m->base);
        stats->packet_in_count += total.pass_packets + total.drop_packets;
        stats->byte_in_count += total.pass_bytes + total.drop_bytes;
        for (i = 0; i < stats->n_bands && i < FP_METER_MAX_BANDS; i++) {
            stats->bands[i].packet_count += total.band_packets[i];
            stats->bands[i].byte_count += total.band_bytes[i];
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Forgets meter 'id', which was deleted from dpif-netdev, after adding its
 * NIC counters to 'stats', if nonnull.  The NIC's rules that use it (their
 * flows are going) are taken out first, so that their packets go
 * unmetered through dpif-netdev, as without offload.  Called from OVS's
 * RCU thread: ofproto-dpif deletes a meter from the datapath in an
 * ovsrcu_postpone() callback. */
void
netdev_offload_fp_meter_del(uint32_t id, struct ofputil_meter_stats *stats)
{
    struct offload_fp_meter *m;

    if (stats) {
        netdev_offload_fp_meter_get(id, stats);
    }
    ovs_mutex_lock(&offload_fp_mutex);
    m = offload_fp_meter_find(id);
    if (m) {
        struct fp_device *dev = m->dev;

        offload_fp_meter_set_owner(m, NULL);
        if (dev) {
            offload_fp_meter_delete(dev, id);
        }
        hmap_remove(&offload_fp_meters, &m->node);
        free(m->reason);
        free(m);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Returns true if a rule of 'dev' may use meter 'id'.  Otherwise stores in
 * '*reasonp' why not, for a partial offload: the NICs cannot run the meter,
 * another NIC holds it, or 'dev' has no meter table.  Also true if the
 * meter could be in 'dev' but is in no NIC now: the flow's rule then waits
 * for it (see offload_fp_meter_missing()). */
bool
offload_fp_meter_check(uint32_t id, const struct fp_device *dev,
                       char **reasonp)
{
    const struct offload_fp_meter *m;
    const char *dev_name = fp_device_name(dev);
    bool ok = false;

    ovs_mutex_lock(&offload_fp_mutex);
    m = offload_fp_meter_find(id);
    if (!m) {
        *reasonp = xasprintf("datapath meter not in %s (meter %"PRIu32")",
                             dev_name, id);
    } else if (!m->runnable) {
        *reasonp = xasprintf("datapath meter not in %s (meter %"PRIu32
                             ": %s)", dev_name, id, m->reason);
    } else if (m->dev && m->dev != dev && offload_fp_meter_table_size(dev)) {
        *reasonp = xasprintf("datapath meter in another NIC than %s "
                             "(meter %"PRIu32" is in %s; a meter is in one "
                             "NIC)", dev_name, id, fp_device_name(m->dev));
    } else if (m->dev != dev && !offload_fp_meter_table_size(dev)) {
        /* E.g. an rte_flow device: which other NIC holds the meter is
         * beside the point. */
        *reasonp = xasprintf("datapath meter not in %s (meter %"PRIu32": %s "
                             "has no meter table)", dev_name, id, dev_name);
    } else {
        ok = true;
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return ok;
}

/* Returns NULL if 'dev' holds every meter that 'rule' uses, otherwise why
 * the rule waits, to be freed by the caller. */
char *
offload_fp_meter_missing(const struct fp_rule *rule,
                         const struct fp_device *dev)
    OVS_REQUIRES(offload_fp_mutex)
{
    size_t i;

    for (i = 0; i < rule->n_actions; i++) {
        const struct fp_action *a = &rule->actions[i];

        if (a->type == FP_ACTION_METER) {
            const struct offload_fp_meter *m
                = offload_fp_meter_find(a->meter_id);

            if (!m || m->dev != dev) {
                return xasprintf("datapath meter not in %s (meter %"PRIu32
                                 "%s%s)", fp_device_name(dev), a->meter_id,
                                 m && m->reason ? ": " : "",
                                 m && m->reason ? m->reason : "");
            }
        }
    }
    return NULL;
}

/* Called after 'dev' was reset, on the resetting thread: the meters it
 * held go back into it, their counters kept (what it counted since the
 * last read is lost with the NIC's state), and their buckets full.  A
 * meter that does not go back is dpif-netdev's until
 * offload_fp_meter_run() places it.  The flows of 'dev' go back later (see
 * netdev_offload_fp_run()); one that comes before its meter waits. */
static void
offload_fp_meter_reset_cb(struct fp_device *dev, void *aux OVS_UNUSED)
{
    struct offload_fp_meter *m;
    size_t i;

    ovs_mutex_lock(&offload_fp_mutex);

    for (i = 0; i < n_zombies; ) {
        if (zombies[i].dev == dev) {
            zombies[i] = zombies[--n_zombies];
        } else {
            i++;
        }
    }
    HMAP_FOR_EACH (m, node, &offload_fp_meters) {
        if (m->dev == dev) {
            offload_fp_meter_leave(m);
            offload_fp_meter_place(m);
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Called once a second from ovs-vswitchd's main thread, before waiting
 * flows are retried: deletes the NIC meters whose deletion is pending,
 * reads the counters of the meters in NICs (so that a reset loses at most
 * a second of them), and places the meters that no NIC holds. */
void
offload_fp_meter_run(void)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_meter *m;
    size_t i;

    for (i = 0; i < n_zombies; ) {
        int error = fp_meter_delete(zombies[i].dev, zombies[i].id);

        if (!error || error == ENOENT) {
            zombies[i] = zombies[--n_zombies];
        } else {
            i++;
        }
    }
    HMAP_FOR_EACH (m, node, &offload_fp_meters) {
        if (m->dev) {
            offload_fp_meter_read(m);
        } else if (m->runnable) {
            offload_fp_meter_place(m);
        }
    }
}

static int
compare_meter_ids(const void *a_, const void *b_)
{
    const struct offload_fp_meter *const *a = a_;
    const struct offload_fp_meter *const *b = b_;

    return (*a)->id < (*b)->id ? -1 : (*a)->id > (*b)->id;
}

/* Appends to 's' a line for each OpenFlow meter that 'dev' holds, by id:
 * its bands and the counters of the NIC's meter (since it was last set),
 * for fp/show. */
void
netdev_offload_fp_meter_show(const struct fp_device *dev, struct ds *s)
{
    struct offload_fp_meter **meters = NULL;
    struct offload_fp_meter *m;
    size_t i, j, n = 0;

    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH (m, node, &offload_fp_meters) {
        if (m->dev == dev) {
            meters = xrealloc(meters, (n + 1) * sizeof *meters);
            meters[n++] = m;
        }
    }
    qsort(meters, n, sizeof *meters, compare_meter_ids);
    for (i = 0; i < n; i++) {
        struct fp_meter_stats st;

        m = meters[i];
        offload_fp_meter_read(m);
        st = m->last;
        ds_put_format(s, "    datapath meter %"PRIu32": %s", m->id,
                      m->nic.pkts ? "pktps" : "kbps");
        for (j = 0; j < m->nic.n_bands; j++) {
            const struct fp_meter_band *b = &m->nic.bands[j];

            ds_put_format(s, "%s %s rate=%"PRIu32" burst=%"PRIu32,
                          j ? "," : "", b->remark ? "dscp_remark" : "drop",
                          b->rate, b->burst);
            if (b->remark) {
                ds_put_format(s, " prec_level=%"PRIu8, b->prec_level);
            }
        }
        ds_put_format(s, "; in: %"PRIu64" packets, %"PRIu64" bytes; "
                      "dropped: %"PRIu64" packets, %"PRIu64" bytes\n",
                      st.pass_packets + st.drop_packets,
                      st.pass_bytes + st.drop_bytes,
                      st.drop_packets, st.drop_bytes);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    free(meters);
}

/* Appends to 's', for fp/offload-stats, a line for each OpenFlow meter
 * that no NIC holds, by datapath meter id, with the reason: dpif-netdev
 * meters its packets, and the flows that use it are partially offloaded
 * or wait in software.  Appends nothing if every meter is in a NIC. */
void
netdev_offload_fp_meter_format_stats(struct ds *s)
{
    struct offload_fp_meter **meters = NULL;
    struct offload_fp_meter *m;
    size_t i, n = 0;

    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH (m, node, &offload_fp_meters) {
        if (!m->dev) {
            meters = xrealloc(meters, (n + 1) * sizeof *meters);
            meters[n++] = m;
        }
    }
    if (n) {
        qsort(meters, n, sizeof *meters, compare_meter_ids);
        ds_put_cstr(s, "meters in software:\n");
    }
    for (i = 0; i < n; i++) {
        m = meters[i];
        ds_put_format(s, "  datapath meter %"PRIu32": %s\n", m->id,
                      m->reason ? m->reason : "in no NIC yet");
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    free(meters);
}

/* 'dev' is about to be destroyed (see offload_fp_device_gone()): the meters
 * it holds leave it, with their counters, and offload_fp_meter_run() places
 * them in another NIC, if one takes them; its pending meter deletions are
 * forgotten and its resets no longer listened for. */
void
offload_fp_meter_device_gone(struct fp_device *dev)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_meter *m;
    size_t i;

    for (i = 0; i < n_zombies; ) {
        if (zombies[i].dev == dev) {
            zombies[i] = zombies[--n_zombies];
        } else {
            i++;
        }
    }
    HMAP_FOR_EACH (m, node, &offload_fp_meters) {
        if (m->dev == dev) {
            offload_fp_meter_read(m);
            offload_fp_meter_leave(m);
        }
    }
    if (sset_find_and_delete(&watched, fp_device_name(dev))) {
        fp_device_remove_listener(dev, offload_fp_meter_reset_cb, NULL);
    }
}
