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

#ifndef FP_MODEL_TX_H
#define FP_MODEL_TX_H 1

/* The output of a packet, in four steps that other files call too
 * (fp_model_tx(), fp_model_tx_port(), fp_model_tx_now(),
 * fp_model_tx_deliver()).  Each is an inline function, which its exported
 * function wraps, so that the engine's pipeline (fp_model_execute()) sends
 * without a call as long as the port has none of the features that take
 * the packet elsewhere (edge virtual bridging, QoS, a VF policy, a pcap
 * capture), which stay out of line, with the exported functions, in
 * fp-model-tx.c. */

#include "fp-model-private.h"
#include "ovs-rcu.h"
#include "packets.h"

void fp_model_tx_pcap(struct fp_model_port *, const void *data, size_t size);
void fp_model_tx_lost(struct fp_model *, struct fp_model_port_ctrs *,
                      uint32_t port_no, int error);

/* See fp_model_tx_deliver().  'port' is 'model->ports[port_no]'.  If
 * 'may_pcap' is false, the caller knows that the port has no pcap
 * capture. */
static inline ALWAYS_INLINE bool
fp_model_tx_deliver__(struct fp_model *model, struct fp_model_port *port,
                      struct fp_model_port_ctrs *ctrs,
                      uint32_t port_no, const void *data, size_t size,
                      bool may_pcap)
{
    struct fp_model_endpoint *ep;
    bool has_pcap;

    ep = ovsrcu_get(struct fp_model_endpoint *, &port->endpoint);
    if (ep) {
        int error = ep->ops->send(ep->aux, port_no, data, size);

        if (OVS_UNLIKELY(error)) {
            fp_model_tx_lost(model, ctrs, port_no, error);
            return false;
        }
    }
    fp_model_ctr_add(&ctrs->tx_packets, 1);
    fp_model_ctr_add(&ctrs->tx_bytes, size);

    if (may_pcap) {
        atomic_read_relaxed(&port->has_pcap, &has_pcap);
        if (OVS_UNLIKELY(has_pcap)) {
            fp_model_tx_pcap(port, data, size);
        }
    }
    return true;
}

/* Hands the 'size' bytes at 'data' to the outside of 'port_no' (whose
 * record is 'port'), which has no VF policy and whose link is up, with
 * fp_model_tx_deliver__() ('may_pcap' as there), and counts them in
 * 'ctrs', with a VF's counters toward its guest. */
static inline ALWAYS_INLINE void
fp_model_tx_out__(struct fp_model *model, struct fp_model_port *port,
                  struct fp_model_port_ctrs *ctrs,
                  uint32_t port_no, const void *data, size_t size,
                  bool may_pcap)
{
    if (fp_model_tx_deliver__(model, port, ctrs, port_no, data, size,
                              may_pcap)
        && port_no >= model->up.config.n_phy_ports) {
        fp_model_ctr_add(&ctrs->vf.rx_packets, 1);
        fp_model_ctr_add(&ctrs->vf.rx_bytes, size);
        if (size >= ETH_ADDR_LEN && ((const uint8_t *) data)[0] & 1) {
            if (eth_addr_is_broadcast(*ALIGNED_CAST(const struct eth_addr *,
                                                    data))) {
                fp_model_ctr_add(&ctrs->vf.rx_broadcast, 1);
            } else {
                fp_model_ctr_add(&ctrs->vf.rx_multicast, 1);
            }
        }
    }
}

/* See fp_model_tx_now().  'port' is 'model->ports[port_no]'. */
static inline ALWAYS_INLINE void
fp_model_tx_now__(struct fp_model *model, struct fp_model_port *port,
                  struct fp_model_port_ctrs *ctrs,
                  uint32_t port_no, const void *data, size_t size)
{
    const struct fp_vf_config *vf;
    bool link_down;

    atomic_read_relaxed(&port->link_down, &link_down);
    if (OVS_UNLIKELY(link_down || fp_model_port_is_unplugged(port))) {
        fp_model_ctr_add(&ctrs->tx_drops, 1);
        fp_model_count_drops(1);
        if (fp_model_port_is_unplugged(port)) {
            fp_model_hotplug_count_drops(port, 1);
        }
        return;
    }

    vf = ovsrcu_get(struct fp_vf_config *, &port->vf);
    if (OVS_UNLIKELY(vf)) {
        fp_model_vf_tx(model, ctrs, port_no, vf, data, size);
    } else {
        fp_model_tx_out__(model, port, ctrs, port_no, data, size, true);
    }
}

/* See fp_model_tx_port(). */
static inline ALWAYS_INLINE void
fp_model_tx_port__(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
                   uint32_t port_no, const void *data, size_t size,
                   const struct fp_tx_md *md)
{
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_sched *sched = ovsrcu_get(struct fp_sched *, &port->sched);

    if (OVS_UNLIKELY(sched)) {
        fp_model_qos_tx(model, ctrs, port_no, sched, data, size, md);
    } else {
        fp_model_tx_now__(model, port, ctrs, port_no, data, size);
    }
}

/* See fp_model_tx(). */
static inline ALWAYS_INLINE void
fp_model_tx__(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
              uint32_t port_no, const void *data, size_t size,
              const struct fp_tx_md *md)
{
    struct fp_model_port *port = &model->ports[port_no];
    unsigned int special;

    atomic_read_relaxed(&port->tx_special, &special);
    if (OVS_LIKELY(!special) && OVS_LIKELY(!fp_model_evb_active(model))) {
        /* No edge virtual bridging, and the port has no QoS, link down, VF
         * policy, hot-unplug or pcap capture: what fp_model_tx_port__()
         * would do, without looking at each. */
        fp_model_tx_out__(model, port, ctrs, port_no, data, size, false);
    } else if (OVS_UNLIKELY(fp_model_evb_active(model))) {
        fp_model_evb_tx(model, ctrs, port_no, data, size, md);
    } else {
        fp_model_tx_port__(model, ctrs, port_no, data, size, md);
    }
}

/* The output of the packets of an engine's pass whose rule is one output
 * action, the most common rule (fp_model_tx_run_send()), as fp_model_tx()
 * sends them, with what fp_model_tx() reads of the output port read once
 * for the packets to the same port back to back, and their counters added
 * once for all of them (fp_model_tx_run_flush()).  A reader of the
 * counters sees them when the pass ends, before the engine's batch does
 * (as fp_device_flush() waits for). */
struct fp_model_tx_run {
    uint32_t port_no;           /* UINT32_MAX: no port yet. */
    bool plain;                 /* No edge virtual bridging, and the port
                                 * has none of 'tx_special': sent as
                                 * fp_model_tx_out__() does.  If false,
                                 * each packet goes through fp_model_tx__(),
                                 * which counts it itself. */
    bool vf;                    /* A VF: counted toward its guest too. */
    const struct fp_model_endpoint *ep;
    struct fp_model_port_ctrs *ctrs;    /* The engine's, of 'port_no'. */

    /* Not yet added to 'ctrs'. */
    uint64_t packets;
    uint64_t bytes;
    uint64_t broadcast;
    uint64_t multicast;
};

/* Starts 'run': no port yet. */
static inline void
fp_model_tx_run_init(struct fp_model_tx_run *run)
{
    memset(run, 0, sizeof *run);
    run->port_no = UINT32_MAX;
}

/* Adds what 'run' counted to its port's counters. */
static inline void
fp_model_tx_run_flush(struct fp_model_tx_run *run)
{
    struct fp_model_port_ctrs *ctrs = run->ctrs;

    if (run->packets) {
        fp_model_ctr_add(&ctrs->tx_packets, run->packets);
        fp_model_ctr_add(&ctrs->tx_bytes, run->bytes);
        if (run->vf) {
            fp_model_ctr_add(&ctrs->vf.rx_packets, run->packets);
            fp_model_ctr_add(&ctrs->vf.rx_bytes, run->bytes);
            if (OVS_UNLIKELY(run->broadcast)) {
                fp_model_ctr_add(&ctrs->vf.rx_broadcast, run->broadcast);
            }
            if (OVS_UNLIKELY(run->multicast)) {
                fp_model_ctr_add(&ctrs->vf.rx_multicast, run->multicast);
            }
        }
        run->packets = run->bytes = run->broadcast = run->multicast = 0;
    }
}

/* Makes 'port_no' of 'model' the port of 'run', with the counters of
 * 'engine', after adding what 'run' counted for its last port to them. */
static inline void
fp_model_tx_run_start(struct fp_model *model, struct fp_model_engine *engine,
                      struct fp_model_tx_run *run, uint32_t port_no)
{
    struct fp_model_port *port = &model->ports[port_no];
    unsigned int special;

    fp_model_tx_run_flush(run);
    atomic_read_relaxed(&port->tx_special, &special);
    run->port_no = port_no;
    run->plain = !special && !fp_model_evb_active(model);
    run->vf = port_no >= model->up.config.n_phy_ports;
    run->ep = ovsrcu_get(struct fp_model_endpoint *, &port->endpoint);
    run->ctrs = &engine->ports[port_no];
}

/* Sends the 'size' bytes at 'data', which came in on 'in_port', out of
 * 'port_no' as fp_model_tx() does (queue 0), counting them in 'run' or,
 * if the port is not plain, in the counters of 'engine'. */
static inline ALWAYS_INLINE void
fp_model_tx_run_send(struct fp_model *model, struct fp_model_engine *engine,
                     struct fp_model_tx_run *run, uint32_t port_no,
                     const uint8_t *data, size_t size, uint32_t in_port)
{
    if (OVS_UNLIKELY(port_no != run->port_no)) {
        fp_model_tx_run_start(model, engine, run, port_no);
    }
    if (OVS_UNLIKELY(!run->plain)) {
        struct fp_tx_md md = { .queue = 0, .in_port = in_port };

        fp_model_tx__(model, run->ctrs, port_no, data, size, &md);
        return;
    }
    if (run->ep) {
        int error = run->ep->ops->send(run->ep->aux, port_no, data, size);

        if (OVS_UNLIKELY(error)) {
            fp_model_tx_lost(model, run->ctrs, port_no, error);
            return;
        }
    }
    run->packets++;
    run->bytes += size;
    if (run->vf && size >= ETH_ADDR_LEN && data[0] & 1) {
        if (eth_addr_is_broadcast(*ALIGNED_CAST(const struct eth_addr *,
                                                data))) {
            run->broadcast++;
        } else {
            run->multicast++;
        }
    }
}

#endif /* fp-model-tx.h */
