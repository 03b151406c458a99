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

#include "fp-model-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "util.h"

/* Edge virtual bridging in the model: VEB and VEPA (IEEE 802.1Qbg) and
 * port extension (IEEE 802.1BR), as "Edge virtual bridging" in
 * include/fp/fp.h describes.
 *
 * Egress: fp_model_tx() hands every frame that the NIC sends out of a port
 * to fp_model_evb_tx() while the device is a VEPA or has an extended
 * uplink ('evb_active'), before egress QoS.  VEPA changes the output port
 * of a frame from a VF to a VF into the uplink; port extension pushes the
 * E-TAG of the source VF on what leaves an extended uplink.
 *
 * Ingress: the engines hand what comes in on an extended uplink to
 * fp_model_evb_rx() instead of parsing and looking it up: it is delivered
 * by its E-CID, untagged, to the VFs' outside.
 *
 * The E-CIDs of the VFs are configured under 'ctl_mutex' and published to
 * the packet path as an immutable map, replaced RCU-style. */

VLOG_DEFINE_THIS_MODULE(fp_model_evb);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

COVERAGE_DEFINE(fp_evb_vepa_redirect);
COVERAGE_DEFINE(fp_evb_etag_push);
COVERAGE_DEFINE(fp_evb_etag_tx_drop);
COVERAGE_DEFINE(fp_evb_etag_rx);
COVERAGE_DEFINE(fp_evb_etag_untagged_drop);
COVERAGE_DEFINE(fp_evb_etag_unknown_drop);
COVERAGE_DEFINE(fp_evb_etag_pruned);

/* The VFs' uplink: physical port 0. */
#define FP_MODEL_EVB_UPLINK 0

/* A VF in a multicast group. */
struct fp_model_evb_member {
    uint16_t group;             /* FP_ECID_GROUP_MIN...FP_ECID_GROUP_MAX. */
    uint16_t vf;                /* VF index. */
};

/* The E-CIDs as the packet path sees them: immutable once published. */
struct fp_model_evb_map {
    uint16_t vf_of_ecid[FP_ECID_MAX + 1];   /* VF index + 1, 0: none. */
    uint16_t *vf_ecid;                      /* Unicast E-CID, by VF. */
    size_t n_members;
    struct fp_model_evb_member *members;    /* By group, then VF. */
};

/* EVB counters of a port (see struct fp_evb_stats); any thread adds. */
struct fp_model_evb_ctrs {
    atomic_uint64_t vepa_redirects;
    atomic_uint64_t etag_tx;
    atomic_uint64_t etag_tx_drops;
    atomic_uint64_t etag_rx;
    atomic_uint64_t etag_rx_untagged_drops;
    atomic_uint64_t etag_rx_unknown_drops;
    atomic_uint64_t etag_rx_pruned;
};

struct fp_model_evb {
    atomic_uint mode;                       /* enum fp_evb_mode. */
    atomic_bool *extended;                  /* By port. */
    OVSRCU_TYPE(struct fp_model_evb_map *) map;
    struct fp_port_ecid *ecids;             /* By VF, under 'ctl_mutex'. */
    struct fp_model_evb_ctrs *ctrs;         /* By port. */
};

static void
fp_model_evb_ctr_add(atomic_uint64_t *ctr, uint64_t n)
{
    uint64_t orig;

    atomic_add_relaxed(ctr, n, &orig);
}

static uint64_t
fp_model_evb_ctr_get(const atomic_uint64_t *ctr)
{
    uint64_t v;

    atomic_read_relaxed(CONST_CAST(atomic_uint64_t *, ctr), &v);
    return v;
}

static int
fp_model_evb_member_cmp(const void *a_, const void *b_)
{
    const struct fp_model_evb_member *a = a_, *b = b_;

    return (a->group != b->group ? (a->group < b->group ? -1 : 1)
            : a->vf != b->vf ? (a->vf < b->vf ? -1 : 1) : 0);
}

static void
fp_model_evb_map_free(struct fp_model_evb_map *map)
{
    if (map) {
        free(map->vf_ecid);
        free(map->members);
        free(map);
    }
}

/* Builds a map from the configured E-CIDs of 'model' and publishes it; the
 * one it replaces is freed after a grace period. */
static void
fp_model_evb_publish(struct fp_model *model)
    OVS_REQUIRES(model->ctl_mutex)
{
    struct fp_model_evb *evb = model->evb;
    uint32_t n_vfs = model->up.config.n_vfs;
    struct fp_model_evb_map *map = xzalloc(sizeof *map);
    struct fp_model_evb_map *old;
    size_t i, j, n = 0;

    map->vf_ecid = xcalloc(MAX(n_vfs, 1), sizeof *map->vf_ecid);
    for (i = 0; i < n_vfs; i++) {
        map->vf_ecid[i] = evb->ecids[i].ecid;
        map->vf_of_ecid[evb->ecids[i].ecid] = i + 1;
        n += evb->ecids[i].n_groups;
    }
    map->members = xcalloc(MAX(n, 1), sizeof *map->members);
    for (i = 0; i < n_vfs; i++) {
        for (j = 0; j < evb->ecids[i].n_groups; j++) {
            map->members[map->n_members].group = evb->ecids[i].groups[j];
            map->members[map->n_members++].vf = i;
        }
    }
    if (map->n_members) {
        qsort(map->members, map->n_members, sizeof *map->members,
              fp_model_evb_member_cmp);
    }

    old = ovsrcu_get_protected(struct fp_model_evb_map *, &evb->map);
    ovsrcu_set(&evb->map, map);
    if (old) {
        ovsrcu_postpone(fp_model_evb_map_free, old);
    }
}

/* Sets 'model->evb_active' from the mode and the extended ports. */
static void
fp_model_evb_update_active(struct fp_model *model)
    OVS_REQUIRES(model->ctl_mutex)
{
    struct fp_model_evb *evb = model->evb;
    unsigned int mode;
    bool active;
    uint32_t i;

    atomic_read_relaxed(&evb->mode, &mode);
    active = mode == FP_EVB_VEPA;
    for (i = 0; !active && i < model->up.config.n_phy_ports; i++) {
        atomic_read_relaxed(&evb->extended[i], &active);
    }
    atomic_store(&model->evb_active, active);
}

/* Initializes the EVB state of 'model': a VEB without extended ports, each
 * VF with its default E-CID.  Called before the engines start. */
void
fp_model_evb_init(struct fp_model *model)
{
    struct fp_model_evb *evb = xzalloc(sizeof *evb);
    uint32_t i;

    model->evb = evb;
    atomic_init(&model->evb_active, false);
    atomic_init(&evb->mode, FP_EVB_VEB);
    evb->extended = xcalloc(model->n_ports, sizeof *evb->extended);
    for (i = 0; i < model->n_ports; i++) {
        atomic_init(&evb->extended[i], false);
    }
    evb->ctrs = xcalloc(model->n_ports, sizeof *evb->ctrs);
    evb->ecids = xcalloc(MAX(model->up.config.n_vfs, 1), sizeof *evb->ecids);
    for (i = 0; i < model->up.config.n_vfs; i++) {
        evb->ecids[i].ecid = i + 1;
    }
    ovsrcu_init(&evb->map, NULL);
    ovs_mutex_lock(&model->ctl_mutex);
    fp_model_evb_publish(model);
    ovs_mutex_unlock(&model->ctl_mutex);
}

/* Frees the EVB state of 'model', whose engines have stopped. */
void
fp_model_evb_destroy(struct fp_model *model)
{
    struct fp_model_evb *evb = model->evb;

    fp_model_evb_map_free(ovsrcu_get_protected(struct fp_model_evb_map *,
                                               &evb->map));
    free(evb->extended);
    free(evb->ctrs);
    free(evb->ecids);
    free(evb);
    model->evb = NULL;
}

static enum fp_evb_mode
fp_model_evb_mode(const struct fp_model *model)
{
    unsigned int mode;

    atomic_read_relaxed(&model->evb->mode, &mode);
    return mode;
}

/* Returns true if 'port_no' of 'model' is an extended uplink. */
bool
fp_model_evb_is_extended(const struct fp_model *model, uint32_t port_no)
{
    bool extended;

    atomic_read_relaxed(&model->evb->extended[port_no], &extended);
    return extended;
}

/* Decides where a frame from 'in_port' (FP_PORT_NONE: none) that is to go
 * out of '*portp' leaves: stores in '*portp' the port it leaves on (the
 * uplink if VEPA redirects it), in '*redirectedp' whether VEPA did, and in
 * '*ecidp' the E-CID of the E-TAG to push (0: none).  Returns false if the
 * frame is dropped instead: an extended uplink and no VF to name. */
static bool
fp_model_evb_egress(const struct fp_model *model,
                    const struct fp_model_evb_map *map, uint32_t in_port,
                    uint32_t *portp, bool *redirectedp, uint32_t *ecidp)
{
    uint32_t n_phy = model->up.config.n_phy_ports;
    bool from_vf = in_port >= n_phy && in_port < model->n_ports;

    *redirectedp = false;
    *ecidp = 0;
    if (*portp >= n_phy && from_vf
        && fp_model_evb_mode(model) == FP_EVB_VEPA) {
        *portp = FP_MODEL_EVB_UPLINK;
        *redirectedp = true;
    }
    if (fp_model_evb_is_extended(model, *portp)) {
        if (!from_vf) {
            return false;
        }
        *ecidp = map->vf_ecid[in_port - n_phy];
    }
    return true;
}

/* Writes into 'buf' the frame of 'size' bytes at 'data' (at least the two
 * MAC addresses) with an E-TAG of unicast E-CID 'ecid' after its source
 * MAC; E-PCP and E-DEI from the outermost VLAN tag of the frame, if any. */
static void
fp_model_evb_push_etag(const uint8_t *data, size_t size, uint32_t ecid,
                       uint8_t *buf)
{
    struct fp_etag etag = { .ecid_base = ecid };

    if (size >= 2 * ETH_ADDR_LEN + 4
        && ((data[12] == 0x81 && data[13] == 0x00)
            || (data[12] == 0x88 && data[13] == 0xa8))) {
        etag.pcp = data[14] >> 5;
        etag.dei = (data[14] >> 4) & 1;
    }
    memcpy(buf, data, 2 * ETH_ADDR_LEN);
    fp_etag_format(&etag, buf + 2 * ETH_ADDR_LEN);
    memcpy(buf + 2 * ETH_ADDR_LEN + FP_ETAG_LEN, data + 2 * ETH_ADDR_LEN,
           size - 2 * ETH_ADDR_LEN);
}

/* fp_model_tx() with edge virtual bridging: sends the 'size' bytes at
 * 'data', which came from 'md->in_port', out of 'port_no' or, in VEPA
 * mode, out of the uplink; with an E-TAG if that port is an extended
 * uplink, or not at all if the frame has no E-CID to carry there.
 * 'ctrs' is element 'port_no' of an array of counters by port. */
void
fp_model_evb_tx(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
                uint32_t port_no, const void *data, size_t size,
                const struct fp_tx_md *md)
{
    struct fp_model_evb *evb = model->evb;
    const struct fp_model_evb_map *map;
    uint8_t buf[FP_MODEL_MAX_FRAME + FP_ETAG_LEN];
    uint32_t out = port_no;
    bool redirected;
    uint32_t ecid;

    map = ovsrcu_get(struct fp_model_evb_map *, &evb->map);
    if (!fp_model_evb_egress(model, map, md->in_port, &out, &redirected,
                             &ecid)
        || (ecid && (size < 2 * ETH_ADDR_LEN
                     || size > FP_MODEL_MAX_FRAME))) {
        /* 'ctrs' is element 'port_no' of its array. */
        ctrs += (ptrdiff_t) out - (ptrdiff_t) port_no;
        fp_model_ctr_add(&ctrs->tx_drops, 1);
        fp_model_count_drops(1);
        fp_model_evb_ctr_add(&evb->ctrs[out].etag_tx_drops, 1);
        COVERAGE_INC(fp_evb_etag_tx_drop);
        return;
    }
    if (redirected) {
        fp_model_evb_ctr_add(&evb->ctrs[md->in_port].vepa_redirects, 1);
        COVERAGE_INC(fp_evb_vepa_redirect);
        ctrs += (ptrdiff_t) out - (ptrdiff_t) port_no;
    }
    if (ecid) {
        fp_model_evb_push_etag(data, size, ecid, buf);
        data = buf;
        size += FP_ETAG_LEN;
        fp_model_evb_ctr_add(&evb->ctrs[out].etag_tx, 1);
        COVERAGE_INC(fp_evb_etag_push);
    }
    fp_model_tx_port(model, ctrs, out, data, size, md);
}

/* Records in 'trace' what edge virtual bridging does with the copy of the
 * output action of step 'step' to 'port_no' of a packet from 'in_port'. */
void
fp_model_evb_trace_output(const struct fp_model *model,
                          struct fp_trace *trace, size_t step,
                          uint32_t in_port, uint32_t port_no)
{
    struct fp_trace_evb_out *o = &trace->evb_out[step];
    const struct fp_model_evb_map *map;

    o->port = port_no;
    if (!fp_model_evb_active(model)) {
        return;
    }
    map = ovsrcu_get(struct fp_model_evb_map *, &model->evb->map);
    o->etag_drop = !fp_model_evb_egress(model, map, in_port, &o->port,
                                        &o->redirected, &o->ecid);
}

/* Appends 'port' to the delivered ports of 'trace'. */
static void
fp_model_evb_trace_port(struct fp_trace *trace, uint32_t port)
{
    if (trace->n_etag_ports < FP_TRACE_MAX_ETAG_PORTS) {
        trace->etag_ports[trace->n_etag_ports] = port;
    }
    trace->n_etag_ports++;
}

/* Takes the frame in 'slot', received on extended uplink 'port_no', as a
 * port extender does: delivers it without its E-TAG to the VFs of its
 * E-CID, or drops it.  Counts in 'engine' (NULL for a dry trace: then has
 * no side effect).  Records what it does in 'trace', if nonnull.  May
 * rewrite the frame in 'slot'. */
void
fp_model_evb_rx(struct fp_model *model, struct fp_model_engine *engine,
                struct fp_model_slot *slot, uint32_t port_no,
                struct fp_trace *trace)
{
    uint32_t n_phy = model->up.config.n_phy_ports;
    struct fp_model_evb *evb = model->evb;
    struct fp_model_evb_ctrs *ectrs = &evb->ctrs[port_no];
    struct fp_tx_md md = { .queue = 0, .in_port = port_no };
    const struct fp_model_evb_map *map;
    uint8_t *data = fp_model_slot_data(slot);
    size_t size = slot->size;
    size_t n_sent = 0, n_pruned = 0;
    struct fp_etag etag;
    uint32_t src_vf = 0;        /* VF index + 1 of the ingress E-CID. */
    bool live = engine != NULL;

    if (live) {
        fp_model_ctr_add(&engine->ports[port_no].rx_packets, 1);
        fp_model_ctr_add(&engine->ports[port_no].rx_bytes, size);
    }
    if (trace) {
        trace->etag_pruned = FP_PORT_NONE;
    }
    if (size < 2 * ETH_ADDR_LEN + FP_ETAG_LEN
        || data[12] != FP_ETAG_TPID >> 8
        || data[13] != (FP_ETAG_TPID & 0xff)) {
        if (trace) {
            trace->etag_rx = FP_TRACE_ETAG_UNTAGGED;
        }
        if (live) {
            fp_model_ctr_add(&engine->ports[port_no].drops, 1);
            fp_model_count_drops(1);
            fp_model_evb_ctr_add(&ectrs->etag_rx_untagged_drops, 1);
            COVERAGE_INC(fp_evb_etag_untagged_drop);
        }
        return;
    }

    fp_etag_parse(data + 2 * ETH_ADDR_LEN, &etag);
    if (trace) {
        trace->etag = etag;
    }
    memmove(data + FP_ETAG_LEN, data, 2 * ETH_ADDR_LEN);
    data += FP_ETAG_LEN;
    size -= FP_ETAG_LEN;

    map = ovsrcu_get(struct fp_model_evb_map *, &evb->map);
    if (!etag.ingress_ecid_ext) {
        src_vf = map->vf_of_ecid[etag.ingress_ecid_base];
    }
    if (etag.ecid_ext) {
        /* Every E-CID of the NIC has a zero extension. */
    } else if (!etag.grp) {
        uint32_t vf = map->vf_of_ecid[etag.ecid_base];

        if (vf) {
            uint32_t vf_port = n_phy + vf - 1;

            if (live) {
                fp_model_tx(model, &engine->ports[vf_port], vf_port, data,
                            size, &md);
            }
            if (trace) {
                fp_model_evb_trace_port(trace, vf_port);
            }
            n_sent++;
        }
    } else {
        uint16_t group = etag.grp * (FP_ECID_MAX + 1) + etag.ecid_base;
        size_t lo = 0, hi = map->n_members;

        /* The first member of 'group'. */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (map->members[mid].group < group) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (; lo < map->n_members && map->members[lo].group == group;
             lo++) {
            uint32_t vf_port = n_phy + map->members[lo].vf;

            if (map->members[lo].vf + 1 == src_vf) {
                if (trace) {
                    trace->etag_pruned = vf_port;
                }
                n_pruned++;
                continue;
            }
            if (live) {
                fp_model_tx(model, &engine->ports[vf_port], vf_port, data,
                            size, &md);
            }
            if (trace) {
                fp_model_evb_trace_port(trace, vf_port);
            }
            n_sent++;
        }
    }

    if (trace) {
        trace->etag_rx = (n_sent ? FP_TRACE_ETAG_DELIVERED
                          : FP_TRACE_ETAG_UNKNOWN);
    }
    if (!live) {
        return;
    }
    if (n_pruned) {
        fp_model_evb_ctr_add(&ectrs->etag_rx_pruned, n_pruned);
        COVERAGE_ADD(fp_evb_etag_pruned, n_pruned);
    }
    if (n_sent) {
        fp_model_evb_ctr_add(&ectrs->etag_rx, 1);
        COVERAGE_INC(fp_evb_etag_rx);
    } else {
        fp_model_ctr_add(&engine->ports[port_no].drops, 1);
        fp_model_count_drops(1);
        fp_model_evb_ctr_add(&ectrs->etag_rx_unknown_drops, 1);
        COVERAGE_INC(fp_evb_etag_unknown_drop);
        VLOG_DBG_RL(&rl, "%s: port %"PRIu32": E-TAG for E-CID %"PRIu32
                    "%s of no VF, dropped", model->up.name, port_no,
                    (uint32_t) etag.grp * (FP_ECID_MAX + 1)
                    + etag.ecid_base, etag.ecid_ext ? " (extended)" : "");
    }
}

/* The hooks of fp_model_class. */

int
fp_model_evb_set_mode(struct fp_device *dev, enum fp_evb_mode mode)
{
    struct fp_model *model = fp_model_cast(dev);

    ovs_mutex_lock(&model->ctl_mutex);
    atomic_store(&model->evb->mode, mode);
    fp_model_evb_update_active(model);
    ovs_mutex_unlock(&model->ctl_mutex);
    return 0;
}

enum fp_evb_mode
fp_model_evb_get_mode(const struct fp_device *dev)
{
    return fp_model_evb_mode(fp_model_cast(dev));
}

int
fp_model_port_set_extension(struct fp_device *dev, uint32_t port_no,
                            bool on)
{
    struct fp_model *model = fp_model_cast(dev);

    ovs_mutex_lock(&model->ctl_mutex);
    atomic_store(&model->evb->extended[port_no], on);
    fp_model_evb_update_active(model);
    ovs_mutex_unlock(&model->ctl_mutex);
    return 0;
}

bool
fp_model_port_get_extension(const struct fp_device *dev, uint32_t port_no)
{
    return fp_model_evb_is_extended(fp_model_cast(dev), port_no);
}

int
fp_model_port_set_ecid(struct fp_device *dev, uint32_t port_no,
                       const struct fp_port_ecid *ecid)
{
    struct fp_model *model = fp_model_cast(dev);
    uint32_t vf = port_no - dev->config.n_phy_ports;
    struct fp_model_evb *evb = model->evb;
    int error = 0;
    uint32_t i;

    ovs_mutex_lock(&model->ctl_mutex);
    for (i = 0; i < dev->config.n_vfs; i++) {
        if (i != vf && evb->ecids[i].ecid == ecid->ecid) {
            error = EEXIST;
            goto out;
        }
    }
    if (memcmp(&evb->ecids[vf], ecid, sizeof *ecid)) {
        evb->ecids[vf] = *ecid;
        fp_model_evb_publish(model);
    }
out:
    ovs_mutex_unlock(&model->ctl_mutex);
    return error;
}

void
fp_model_port_get_ecid(const struct fp_device *dev, uint32_t port_no,
                       struct fp_port_ecid *ecid)
{
    struct fp_model *model = fp_model_cast(dev);

    ovs_mutex_lock(&model->ctl_mutex);
    *ecid = model->evb->ecids[port_no - dev->config.n_phy_ports];
    ovs_mutex_unlock(&model->ctl_mutex);
}

void
fp_model_port_get_evb_stats(const struct fp_device *dev, uint32_t port_no,
                            struct fp_evb_stats *stats)
{
    const struct fp_model *model = fp_model_cast(dev);
    const struct fp_model_evb_ctrs *c = &model->evb->ctrs[port_no];

    stats->vepa_redirects = fp_model_evb_ctr_get(&c->vepa_redirects);
    stats->etag_tx = fp_model_evb_ctr_get(&c->etag_tx);
    stats->etag_tx_drops = fp_model_evb_ctr_get(&c->etag_tx_drops);
    stats->etag_rx = fp_model_evb_ctr_get(&c->etag_rx);
    stats->etag_rx_untagged_drops
        = fp_model_evb_ctr_get(&c->etag_rx_untagged_drops);
    stats->etag_rx_unknown_drops
        = fp_model_evb_ctr_get(&c->etag_rx_unknown_drops);
    stats->etag_rx_pruned = fp_model_evb_ctr_get(&c->etag_rx_pruned);
}
