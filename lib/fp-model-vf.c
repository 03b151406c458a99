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

/* The model's SR-IOV VF administration: the VF policy of a VF port, at its
 * boundary with its guest (see "SR-IOV VF administration" in
 * include/fp/fp.h), its VF counters and its reset.
 *
 * From the guest, fp_model_enqueue() (fp-model-port.c) checks the VF's
 * link, then asks fp_model_vf_ingress() and copies the frame with
 * fp_model_vf_fill_slot(), which inserts the port VLAN, before the ingress
 * policer.  Toward the guest, fp_model_tx_now() (fp-model-engine.c) hands
 * the frames of a VF with a policy to fp_model_vf_tx(), after egress QoS.
 * Both read the policy as an RCU-protected pointer: the ingress under the
 * port's 'rx_mutex', the egress in packet engines and host threads. */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "coverage.h"
#include "fp-model-private.h"
#include "fp-rtnl.h"
#include "fp-sched.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_model_vf);

COVERAGE_DEFINE(fp_model_vf_spoof_drop);
COVERAGE_DEFINE(fp_model_vf_vlan_drop);
COVERAGE_DEFINE(fp_model_vf_filter_drop);
COVERAGE_DEFINE(fp_model_vf_reset);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* The TPID of 'data' at 'ofs' (network byte order), or 0 if the frame is
 * too short. */
static ovs_be16
fp_model_vf_be16(const uint8_t *data, size_t size, size_t ofs)
{
    ovs_be16 v;

    if (size < ofs + 2) {
        return 0;
    }
    memcpy(&v, data + ofs, 2);
    return v;
}

static bool
fp_model_vf_is_tpid(ovs_be16 tpid)
{
    return tpid == htons(ETH_TYPE_VLAN_8021Q)
           || tpid == htons(ETH_TYPE_VLAN_8021AD);
}

/* The TCI of the port VLAN tag of 'vf', in network byte order. */
static ovs_be16
fp_model_vf_tci(const struct fp_vf_config *vf)
{
    return htons((vf->vlan_pcp << VLAN_PCP_SHIFT) | vf->vlan);
}

/* Returns true if the link of a VF with policy 'vf' is down by its link
 * state: disabled, or auto while the PF (physical port 0) is down.  The
 * port's own link (fp_port_set_link_state()) is checked apart. */
bool
fp_model_vf_link_down(const struct fp_model *model,
                      const struct fp_vf_config *vf)
{
    bool down;

    switch (vf->link_state) {
    case FP_VF_LINK_DISABLE:
        return true;
    case FP_VF_LINK_AUTO:
        atomic_read_relaxed(&CONST_CAST(struct fp_model *, model)
                            ->ports[0].link_down, &down);
        return down;
    case FP_VF_LINK_ENABLE:
    default:
        return false;
    }
}

/* Decides what the VF policy 'vf' of 'port' does with the 'size' bytes at
 * 'data' that come from the guest, whose link is up: FP_VF_SPOOFED,
 * FP_VF_TAGGED (dropped), FP_VF_VLAN_PUSHED or FP_VF_PASSED.  Unless
 * 'dry', counts the frame in the port's VF counters.  If 'trace' is
 * nonnull, records the verdict and the tag inserted in it. */
enum fp_vf_verdict
fp_model_vf_ingress(struct fp_model_port *port, const struct fp_vf_config *vf,
                    const void *data_, size_t size, bool dry,
                    struct fp_trace *trace)
    OVS_REQUIRES(port->rx_mutex)
{
    const uint8_t *data = data_;
    enum fp_vf_verdict verdict;

    if (vf->spoofchk && vf->has_mac && !vf->trust
        && (size < 2 * ETH_ADDR_LEN
            || memcmp(data + ETH_ADDR_LEN, vf->mac, ETH_ADDR_LEN))) {
        verdict = FP_VF_SPOOFED;
    } else if (vf->vlan
               && fp_model_vf_is_tpid(fp_model_vf_be16(data, size,
                                                       2 * ETH_ADDR_LEN))) {
        verdict = FP_VF_TAGGED;
    } else {
        verdict = (vf->vlan && size >= 2 * ETH_ADDR_LEN ? FP_VF_VLAN_PUSHED
                   : FP_VF_PASSED);
    }

    if (OVS_UNLIKELY(trace)) {
        trace->vf = verdict;
        if (verdict == FP_VF_VLAN_PUSHED) {
            trace->vf_tpid = vf->vlan_tpid;
            trace->vf_tci = fp_model_vf_tci(vf);
        }
    }
    if (dry) {
        return verdict;
    }
    if (verdict == FP_VF_SPOOFED || verdict == FP_VF_TAGGED) {
        fp_model_ctr_add(&port->vf_in.tx_dropped, 1);
        if (verdict == FP_VF_SPOOFED) {
            fp_model_ctr_add(&port->vf_in.spoof_drops, 1);
            COVERAGE_INC(fp_model_vf_spoof_drop);
        } else {
            fp_model_ctr_add(&port->vf_in.vlan_drops, 1);
            COVERAGE_INC(fp_model_vf_vlan_drop);
        }
    } else {
        fp_model_ctr_add(&port->vf_in.tx_packets, 1);
        fp_model_ctr_add(&port->vf_in.tx_bytes, size);
    }
    return verdict;
}

/* Copies the 'size' bytes at 'data' into 'slot', with the port VLAN tag of
 * 'vf' inserted after the source MAC if 'vf' is nonnull and has a port
 * VLAN (the frame's verdict was FP_VF_VLAN_PUSHED). */
void
fp_model_vf_fill_slot(struct fp_model_slot *slot, const void *data,
                      size_t size, const struct fp_vf_config *vf)
{
    ovs_be16 tci;
    uint8_t *dst;

    if (!vf || !vf->vlan || size < 2 * ETH_ADDR_LEN) {
        fp_model_slot_reserve(slot, size);
        if (size) {
            /* An empty frame may have a null 'data'. */
            memcpy(fp_model_slot_data(slot), data, size);
        }
        slot->size = size;
        return;
    }

    fp_model_slot_reserve(slot, size + VLAN_HEADER_LEN);
    dst = fp_model_slot_data(slot);
    tci = fp_model_vf_tci(vf);
    memcpy(dst, data, 2 * ETH_ADDR_LEN);
    memcpy(dst + 2 * ETH_ADDR_LEN, &vf->vlan_tpid, 2);
    memcpy(dst + 2 * ETH_ADDR_LEN + 2, &tci, 2);
    memcpy(dst + 2 * ETH_ADDR_LEN + VLAN_HEADER_LEN,
           (const uint8_t *) data + 2 * ETH_ADDR_LEN,
           size - 2 * ETH_ADDR_LEN);
    slot->size = size + VLAN_HEADER_LEN;
}

/* Returns true if the receive filter of 'vf' takes a frame to multicast
 * address 'dst' (not broadcast) without all-multicast reception: the
 * groups that every IP host is in (see struct fp_vf_config). */
static bool
fp_model_vf_known_group(const uint8_t dst[ETH_ADDR_LEN])
{
    static const uint8_t all_hosts[ETH_ADDR_LEN] = { 1, 0, 0x5e, 0, 0, 1 };
    static const uint8_t all_nodes[ETH_ADDR_LEN] = {
        0x33, 0x33, 0, 0, 0, 1
    };

    return (!memcmp(dst, all_hosts, ETH_ADDR_LEN)
            || !memcmp(dst, all_nodes, ETH_ADDR_LEN)
            || (dst[0] == 0x33 && dst[1] == 0x33 && dst[2] == 0xff));
}

/* Decides what policy 'vf' does with the 'size' bytes at 'data' on their
 * way to the guest, whose link is up: FP_VF_OTHER_VLAN, FP_VF_FILTERED
 * (dropped), FP_VF_VLAN_POPPED or FP_VF_PASSED. */
static enum fp_vf_verdict
fp_model_vf_egress__(const struct fp_vf_config *vf, const uint8_t *data,
                     size_t size)
{
    static const uint8_t bcast[ETH_ADDR_LEN] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    };
    enum fp_vf_verdict verdict = FP_VF_PASSED;

    if (size < ETH_HEADER_LEN) {
        return vf->vlan ? FP_VF_OTHER_VLAN : FP_VF_PASSED;
    }
    if (vf->vlan) {
        ovs_be16 tci = fp_model_vf_be16(data, size, 2 * ETH_ADDR_LEN + 2);

        if (fp_model_vf_be16(data, size, 2 * ETH_ADDR_LEN) != vf->vlan_tpid
            || size < ETH_HEADER_LEN + VLAN_HEADER_LEN
            || (ntohs(tci) & VLAN_VID_MASK) != vf->vlan) {
            return FP_VF_OTHER_VLAN;
        }
        verdict = FP_VF_VLAN_POPPED;
    }
    if (!memcmp(data, bcast, ETH_ADDR_LEN)) {
        return verdict;
    } else if (data[0] & 1) {
        if (!vf->promisc && !vf->allmulti
            && !fp_model_vf_known_group(data)) {
            return FP_VF_FILTERED;
        }
    } else if (vf->has_mac && !vf->promisc
               && memcmp(data, vf->mac, ETH_ADDR_LEN)) {
        return FP_VF_FILTERED;
    }
    return verdict;
}

/* Returns what the VF policy of 'port_no', as it is now, would do with the
 * 'size' bytes at 'data' sent toward its guest (for traces): FP_VF_NONE if
 * 'port_no' has no VF policy, FP_VF_LINK_DOWN if its link state is down.
 * The caller is an RCU reader. */
enum fp_vf_verdict
fp_model_vf_egress_verdict(const struct fp_model *model, uint32_t port_no,
                           const void *data, size_t size)
{
    const struct fp_vf_config *vf;

    vf = ovsrcu_get(struct fp_vf_config *, &model->ports[port_no].vf);
    if (!vf) {
        return FP_VF_NONE;
    }
    return (fp_model_vf_link_down(model, vf) ? FP_VF_LINK_DOWN
            : fp_model_vf_egress__(vf, data, size));
}

/* Sends the 'size' bytes at 'data' out of 'port_no', a VF with policy
 * 'vf', to its guest, as fp_model_tx_now() does, through the VF policy:
 * the VF's link state, its port VLAN (stripped), its receive filter.
 * Counts in 'ctrs'. */
void
fp_model_vf_tx(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
               uint32_t port_no, const struct fp_vf_config *vf,
               const void *data_, size_t size)
{
    uint64_t buf[(FP_MODEL_MAX_FRAME + FP_MODEL_HEADROOM) / 8];
    const uint8_t *data = data_;
    enum fp_vf_verdict verdict;

    if (fp_model_vf_link_down(model, vf)) {
        fp_model_ctr_add(&ctrs->tx_drops, 1);
        fp_model_count_drops(1);
        return;
    }
    verdict = fp_model_vf_egress__(vf, data, size);
    if (verdict == FP_VF_OTHER_VLAN || verdict == FP_VF_FILTERED) {
        fp_model_ctr_add(&ctrs->vf.rx_dropped, 1);
        if (verdict == FP_VF_OTHER_VLAN) {
            fp_model_ctr_add(&ctrs->vf.vlan_drops, 1);
            COVERAGE_INC(fp_model_vf_vlan_drop);
        } else {
            fp_model_ctr_add(&ctrs->vf.filter_drops, 1);
            COVERAGE_INC(fp_model_vf_filter_drop);
        }
        VLOG_DBG_RL(&rl, "%s: port %"PRIu32": VF policy dropped a frame "
                    "toward the guest (%s)", model->up.name, port_no,
                    fp_vf_verdict_name(verdict));
        return;
    }
    if (verdict == FP_VF_VLAN_POPPED) {
        /* The frame without its outermost tag, in a copy: 'data' may be the
         * packet that later actions of a rule still use.  Rules push at
         * most FP_MODEL_HEADROOM bytes of tags onto the largest frame. */
        uint8_t *p = (uint8_t *) buf;

        ovs_assert(size - VLAN_HEADER_LEN <= sizeof buf);
        memcpy(p, data, 2 * ETH_ADDR_LEN);
        memcpy(p + 2 * ETH_ADDR_LEN, data + 2 * ETH_ADDR_LEN
               + VLAN_HEADER_LEN, size - 2 * ETH_ADDR_LEN - VLAN_HEADER_LEN);
        data = p;
        size -= VLAN_HEADER_LEN;
    }
    if (fp_model_tx_deliver(model, ctrs, port_no, data, size)) {
        fp_model_ctr_add(&ctrs->vf.rx_packets, 1);
        fp_model_ctr_add(&ctrs->vf.rx_bytes, size);
        if (eth_addr_is_broadcast(*ALIGNED_CAST(const struct eth_addr *,
                                                data))) {
            fp_model_ctr_add(&ctrs->vf.rx_broadcast, 1);
        } else if (data[0] & 1) {
            fp_model_ctr_add(&ctrs->vf.rx_multicast, 1);
        }
    }
}

/* The guest's view of VF 'port_no' may have changed: its MAC ('vf', NULL
 * if the VF has no policy) or its link (fp_model_vf_link_down(), which
 * for link state auto follows physical port 0).
 *
 * This is the one place where a guest learns it.  A driver of real
 * hardware tells the VF's driver here (a PF-to-VF mailbox message, which
 * Linux's rtnetlink IFLA_VF_MAC and IFLA_VF_LINK_STATE make).  Where the
 * VF's outside is a Linux interface (fp_port_set_link(), the sandbox's
 * VMs), that interface should carry the VF's MAC and lose carrier while
 * the VF's link is down: that Linux side (libnl) is wired here by the code
 * of the guest's view, which is not part of the model. */
static void
fp_model_vf_guest_changed(struct fp_model *model, uint32_t port_no,
                          const struct fp_vf_config *vf)
    OVS_REQUIRES(model->ctl_mutex)
{
    bool link_up = (!(vf && fp_model_vf_link_down(model, vf))
                    && !fp_model_port_is_unplugged(&model->ports[port_no]));
    const char *endpoint;

    VLOG_DBG("%s: port %"PRIu32": the guest sees MAC "ETH_ADDR_FMT", link "
             "%s", model->up.name, port_no,
             ETH_ADDR_BYTES_ARGS(vf && vf->has_mac ? vf->mac
                                 : eth_addr_zero.ea),
             link_up ? "up" : "down");

    /* A Linux guest (the host end of a veth as the VF's outside): its
     * interface carries the VF's MAC and has a carrier only while the VF's
     * link is up and the VF is plugged in.  The NIC port's own link
     * follows that carrier, apart from the VF's link state. */
    endpoint = fp_port_get_link_name(&model->up, port_no);
    if (endpoint) {
        char *who = xasprintf("%s vf%"PRIu32, model->up.name,
                              port_no - model->up.config.n_phy_ports);
        char *err = NULL;

        if (fp_rtnl_show_guest(endpoint, vf && vf->has_mac ? vf->mac : NULL,
                               link_up, who, &err)) {
            VLOG_WARN_RL(&rl, "%s", err);
        }
        free(err);
        free(who);
    }
}

/* VF 'port_no' was unplugged or plugged back in: its guest loses its
 * carrier, or gets it back if the VF's link is up. */
void
fp_model_vf_plugged_changed(struct fp_model *model, uint32_t port_no)
    OVS_REQUIRES(model->ctl_mutex)
{
    fp_model_vf_guest_changed(model, port_no,
                              ovsrcu_get_protected(struct fp_vf_config *,
                                                   &model->ports[port_no].vf));
}

/* Physical port 0, the VFs' uplink, changed its link: the VFs whose link
 * state is auto follow it. */
void
fp_model_vf_uplink_changed(struct fp_model *model)
    OVS_REQUIRES(model->ctl_mutex)
{
    uint32_t i;

    for (i = model->up.config.n_phy_ports; i < model->n_ports; i++) {
        const struct fp_vf_config *vf;

        vf = ovsrcu_get_protected(struct fp_vf_config *,
                                  &model->ports[i].vf);
        if (vf && vf->link_state == FP_VF_LINK_AUTO) {
            fp_model_vf_guest_changed(model, i, vf);
        }
    }
}

int
fp_model_vf_set_config(struct fp_device *dev, uint32_t port_no,
                       const struct fp_vf_config *config)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_vf_config *old, *new;

    new = config ? xmemdup(config, sizeof *config) : NULL;

    ovs_mutex_lock(&model->ctl_mutex);
    ovs_mutex_lock(&port->rx_mutex);
    old = ovsrcu_get_protected(struct fp_vf_config *, &port->vf);
    ovsrcu_set(&port->vf, new);
    fp_model_port_set_tx_special(port, FP_MODEL_TX_VF, new != NULL);
    ovs_mutex_unlock(&port->rx_mutex);
    /* Every time, not only when the MAC or the link state changed: the
     * VF's outside may be new (netdev-fp sets the policy again after a
     * change of endpoint), and showing the guest what it has is cheap. */
    fp_model_vf_guest_changed(model, port_no, new);
    ovs_mutex_unlock(&model->ctl_mutex);

    /* Packet engines and host threads may still use the old one. */
    if (old) {
        ovsrcu_postpone(free, old);
    }
    VLOG_DBG("%s: port %"PRIu32": VF policy %s", dev->name, port_no,
             new ? "set" : "removed");
    return 0;
}

int
fp_model_vf_get_config(const struct fp_device *dev, uint32_t port_no,
                       struct fp_vf_config *config)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    const struct fp_vf_config *vf;
    int error = ENOENT;

    ovs_mutex_lock(&model->ctl_mutex);
    vf = ovsrcu_get_protected(struct fp_vf_config *, &port->vf);
    if (vf) {
        *config = *vf;
        error = 0;
    }
    ovs_mutex_unlock(&model->ctl_mutex);
    return error;
}

/* Stores in '*stats' the VF counters of 'port_no' since the device was
 * created, without 'resets'. */
static void
fp_model_vf_read(const struct fp_model *model, uint32_t port_no,
                 struct fp_vf_stats *stats)
{
    const struct fp_model_port *port = &model->ports[port_no];
    size_t i;

    memset(stats, 0, sizeof *stats);
#define FP_MODEL_VF_CTR(NAME) \
    stats->NAME += fp_model_ctr_get(&port->vf_in.NAME);
    FP_MODEL_VF_CTRS
#undef FP_MODEL_VF_CTR
    for (i = 0; i <= model->n_engines; i++) {
        const struct fp_model_vf_ctrs *c
            = (i < model->n_engines
               ? &model->engines[i].ports[port_no].vf
               : &model->host_ports[port_no].vf);

#define FP_MODEL_VF_CTR(NAME) stats->NAME += fp_model_ctr_get(&c->NAME);
        FP_MODEL_VF_CTRS
#undef FP_MODEL_VF_CTR
    }
}

void
fp_model_vf_get_stats(const struct fp_device *dev, uint32_t port_no,
                      struct fp_vf_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    const struct fp_vf_stats *base = &model->ports[port_no].vf_base;

    ovs_mutex_lock(&model->ctl_mutex);
    fp_model_vf_read(model, port_no, stats);
#define FP_MODEL_VF_CTR(NAME) stats->NAME -= base->NAME;
    FP_MODEL_VF_CTRS
#undef FP_MODEL_VF_CTR
    stats->resets = base->resets;
    ovs_mutex_unlock(&model->ctl_mutex);
}

/* Resets VF 'port_no' (see fp_vf_reset()): drops what its RX ring, its
 * exception queue and its egress queues hold, and starts its VF counters
 * again from zero. */
int
fp_model_vf_reset(struct fp_device *dev, uint32_t port_no)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    uint64_t tail, resets;
    size_t n_dropped;

    /* The engine drops what the RX ring holds now; wait until it has. */
    ovs_mutex_lock(&port->rx_mutex);
    atomic_read_relaxed(&port->rx_tail, &tail);
    atomic_store(&port->rx_flush, tail);
    ovs_mutex_unlock(&port->rx_mutex);
    fp_model_flush(dev);

    ovs_mutex_lock(&port->exc_mutex);
    n_dropped = port->n_queued;
    port->head = port->n_queued = 0;
    ovs_mutex_unlock(&port->exc_mutex);
    if (n_dropped) {
        ovs_mutex_lock(&model->host_mutex);
        fp_model_ctr_add(&model->host_ports[port_no].drops, n_dropped);
        ovs_mutex_unlock(&model->host_mutex);
        fp_model_count_drops(n_dropped);
    }

    n_dropped += fp_model_qos_flush_vf(model, port_no);

    ovs_mutex_lock(&model->ctl_mutex);
    resets = port->vf_base.resets;
    fp_model_vf_read(model, port_no, &port->vf_base);
    port->vf_base.resets = resets + 1;
    ovs_mutex_unlock(&model->ctl_mutex);

    COVERAGE_INC(fp_model_vf_reset);
    VLOG_DBG("%s: port %"PRIu32": VF reset, %"PRIuSIZE" frames dropped",
             dev->name, port_no, n_dropped);
    return 0;
}
