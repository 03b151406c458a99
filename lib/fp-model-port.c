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
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bitmap.h"
#include "coverage.h"
#include "dp-packet.h"
#include "fp-action.h"
#include "fp-meter.h"
#include "fp-parse.h"
#include "fp-table.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "packets.h"
#include "pcap-file.h"
#include "seq.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_model_port);

COVERAGE_DEFINE(fp_model_policer_drop);

/* Frees the exception queue of 'port' and marks it detached. */
void
fp_model_port_free_queue(struct fp_model_port *port)
    OVS_REQUIRES(port->exc_mutex)
{
    size_t i;

    if (port->queue) {
        for (i = 0; i < FP_MODEL_QUEUE_LEN; i++) {
            fp_model_slot_free_buf(port->queue[i].buf);
        }
        free(port->queue);
        port->queue = NULL;
    }
    port->attached = false;
    port->head = port->n_queued = 0;
}


/* Ports. */

int
fp_model_port_attach(struct fp_device *dev, uint32_t port_no)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    int error = 0;

    ovs_mutex_lock(&port->exc_mutex);
    if (port->attached) {
        error = EBUSY;
    } else {
        port->queue = xcalloc(FP_MODEL_QUEUE_LEN, sizeof *port->queue);
        port->head = port->n_queued = 0;
        port->attached = true;
    }
    ovs_mutex_unlock(&port->exc_mutex);

    return error;
}

void
fp_model_port_detach(struct fp_device *dev, uint32_t port_no)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];

    ovs_mutex_lock(&port->exc_mutex);
    fp_model_port_free_queue(port);
    ovs_mutex_unlock(&port->exc_mutex);
}

int
fp_model_port_send(struct fp_device *dev, uint32_t port_no,
                   const void *data, size_t size, const struct fp_tx_md *md)
{
    struct fp_model *model = fp_model_cast(dev);

    if (size > FP_MODEL_MAX_FRAME) {
        return EMSGSIZE;
    }

    ovs_mutex_lock(&model->host_mutex);
    fp_model_tx(model, &model->host_ports[port_no], port_no, data, size, md);
    ovs_mutex_unlock(&model->host_mutex);

    return 0;
}

int
fp_model_port_recv(struct fp_device *dev, uint32_t port_no,
                   void *buf, size_t size, size_t *lenp,
                   struct fp_packet_md *md)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    int error;

    ovs_mutex_lock(&port->exc_mutex);
    if (!port->n_queued) {
        error = EAGAIN;
    } else {
        struct fp_model_slot *slot = &port->queue[port->head];

        if (slot->size > size) {
            ovs_mutex_lock(&model->host_mutex);
            fp_model_ctr_add(&model->host_ports[port_no].drops, 1);
            ovs_mutex_unlock(&model->host_mutex);
            fp_model_count_drops(1);
            error = EMSGSIZE;
        } else {
            memcpy(buf, fp_model_slot_data(slot), slot->size);
            error = 0;
        }
        *lenp = slot->size;
        md->mark = slot->mark;
        md->rss_hash = slot->rss_hash;
        md->recirc_id = slot->recirc_id;
        md->dp_hash = slot->dp_hash;
        port->head = (port->head + 1) % FP_MODEL_QUEUE_LEN;
        port->n_queued--;
    }
    ovs_mutex_unlock(&port->exc_mutex);

    return error;
}

void
fp_model_port_recv_wait(struct fp_device *dev, uint32_t port_no)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    uint64_t seqno;
    bool empty;

    /* Read the seq first: a packet queued after the check below changes
     * it, so the wakeup is not lost. */
    seqno = seq_read(port->seq);
    ovs_mutex_lock(&port->exc_mutex);
    empty = !port->n_queued;
    ovs_mutex_unlock(&port->exc_mutex);

    if (empty) {
        seq_wait(port->seq, seqno);
    } else {
        poll_immediate_wake();
    }
}

/* Returns true if 'port' has an ingress policer. */
static bool
fp_model_has_policer(const struct fp_model_port *port)
    OVS_REQUIRES(port->rx_mutex)
{
    return port->policer.kbits_rate || port->policer.kpkts_rate;
}

/* Polices a frame of 'size' bytes that comes into 'port' from its outside
 * at 'now' (time_usec()) with the port's ingress policer, which it has,
 * and returns true if the frame passes.  The byte bucket counts the frame
 * without its Ethernet header.  A 'dry' run takes no tokens and counts
 * nothing.  If 'trace' is nonnull, records in it the policer and its
 * buckets as the frame finds them. */
static bool
fp_model_police(struct fp_model_port *port, size_t size, long long int now,
                bool dry, struct fp_trace *trace)
    OVS_REQUIRES(port->rx_mutex)
{
    uint32_t l3_size = size > ETH_HEADER_LEN ? size - ETH_HEADER_LEN : 0;
    struct fp_meter *meters[FP_METER_MAX_CHAIN];
    bool pkt_bucket[FP_METER_MAX_CHAIN];
    bool passed = true;
    size_t i, n = 0;

    if (port->policer.kbits_rate) {
        pkt_bucket[n] = false;
        meters[n++] = &port->policer_meters[0];
    }
    if (port->policer.kpkts_rate) {
        pkt_bucket[n] = true;
        meters[n++] = &port->policer_meters[1];
    }

    if (OVS_UNLIKELY(trace || dry)) {
        if (trace) {
            trace->policer = port->policer;
        }
        for (i = 0; i < n; i++) {
            uint64_t levels[FP_METER_MAX_BANDS];
            struct fp_meter_config config;
            uint8_t remark;

            if (fp_meter_peek(meters[i], l3_size, now, &config, levels,
                              &remark) == FP_METER_RED) {
                passed = false;
            }
            if (trace && pkt_bucket[i]) {
                trace->policer_pkts = levels[0];
            } else if (trace) {
                trace->policer_bytes = levels[0];
            }
        }
        if (dry) {
            return passed;
        }
    }
    return fp_meter_take_all(meters, n, l3_size, now) != FP_METER_RED;
}

/* Queues the 'n' packets of 'pkts' in the RX ring of 'port_no' (drops them
 * if its link is down, if its VF policy refuses them, or if its ingress
 * policer finds them red); stores the number queued in '*n_queued' and the
 * ring position after the last one in '*tailp'.  If 'trace' is nonnull,
 * 'n' is 1 and the engine records in it what it does with the packet; a
 * packet dropped here is recorded here. */
static void
fp_model_enqueue(struct fp_model *model, uint32_t port_no,
                 const struct fp_packet *pkts, size_t n, size_t *n_queued,
                 uint64_t *tailp, struct fp_trace *trace)
{
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_model_engine *engine;
    const struct fp_vf_config *vf;
    uint64_t head, tail;
    size_t i, queued = 0, dropped = 0, policed = 0;
    long long int now = 0;
    bool link_down, vf_down, police, unplugged;

    atomic_read_relaxed(&port->link_down, &link_down);
    ovs_mutex_lock(&port->rx_mutex);
    /* Under 'rx_mutex', so that fp_model_port_set_plugged() knows when no
     * packet of the VF can come into its ring any more. */
    unplugged = fp_model_port_is_unplugged(port);
    link_down |= unplugged;
    vf = ovsrcu_get(struct fp_vf_config *, &port->vf);
    vf_down = vf && fp_model_vf_link_down(model, vf);
    police = fp_model_has_policer(port);
    if (police) {
        now = time_usec();
    }
    atomic_read_explicit(&port->rx_head, &head, memory_order_acquire);
    atomic_read_relaxed(&port->rx_tail, &tail);
    for (i = 0; i < n; i++) {
        size_t size = pkts[i].size;
        struct fp_model_slot *slot;

        if (link_down || vf_down || size > FP_MODEL_MAX_FRAME) {
            if (OVS_UNLIKELY(trace)) {
                trace->ingress = (unplugged ? FP_TRACE_VF_UNPLUGGED
                                  : link_down || vf_down ? FP_TRACE_LINK_DOWN
                                  : FP_TRACE_TOO_BIG);
                trace->vf = (!link_down && vf_down ? FP_VF_LINK_DOWN
                             : FP_VF_NONE);
            }
            dropped++;
            continue;
        }
        if (OVS_UNLIKELY(vf)) {
            enum fp_vf_verdict verdict;

            verdict = fp_model_vf_ingress(port, vf, pkts[i].data, size,
                                          false, trace);
            if (verdict == FP_VF_SPOOFED || verdict == FP_VF_TAGGED) {
                if (OVS_UNLIKELY(trace)) {
                    trace->ingress = FP_TRACE_VF_POLICY;
                }
                continue;
            } else if (verdict == FP_VF_VLAN_PUSHED) {
                size += VLAN_HEADER_LEN;
            }
        } else if (port_no >= model->up.config.n_phy_ports) {
            /* The VF counters of a VF without a policy. */
            fp_model_ctr_add(&port->vf_in.tx_packets, 1);
            fp_model_ctr_add(&port->vf_in.tx_bytes, size);
        }
        if (police && !fp_model_police(port, size, now, false, trace)) {
            if (OVS_UNLIKELY(trace)) {
                trace->ingress = FP_TRACE_POLICED;
            }
            policed++;
            continue;
        }
        if (tail - head > model->ring_mask) {
            if (OVS_UNLIKELY(trace)) {
                trace->ingress = FP_TRACE_RING_FULL;
            }
            dropped++;
            continue;
        }
        slot = &port->ring[tail & model->ring_mask];
        slot->trace = trace;
        fp_model_vf_fill_slot(slot, pkts[i].data, pkts[i].size, vf);
        tail++;
        queued++;
    }
    atomic_store_explicit(&port->rx_tail, tail, memory_order_seq_cst);
    ovs_mutex_unlock(&port->rx_mutex);

    if (dropped || policed) {
        struct fp_model_port_ctrs *ctrs = &model->host_ports[port_no];

        ovs_mutex_lock(&model->host_mutex);
        fp_model_ctr_add(&ctrs->drops, dropped + policed);
        fp_model_ctr_add(&ctrs->policer_drops, policed);
        ovs_mutex_unlock(&model->host_mutex);
        fp_model_count_drops(dropped + policed);
        if (policed) {
            COVERAGE_ADD(fp_model_policer_drop, policed);
        }
        if (unplugged) {
            fp_model_hotplug_count_drops(port, dropped);
        }
    }
    engine = &model->engines[port_no % model->n_engines];
    fp_model_wake_engine(engine);

    *n_queued = queued;
    *tailp = tail;
}

int
fp_model_port_receive_batch(struct fp_device *dev, uint32_t port_no,
                            const struct fp_packet *pkts, size_t n,
                            size_t *n_queued)
{
    struct fp_model *model = fp_model_cast(dev);
    uint64_t tail;

    fp_model_enqueue(model, port_no, pkts, n, n_queued, &tail, NULL);
    return 0;
}

/* Waits until the RX ring of 'port_no' has processed every packet before
 * position 'tail'. */
static void
fp_model_wait_processed(struct fp_model *model, uint32_t port_no,
                        uint64_t tail)
{
    struct fp_model_port *port = &model->ports[port_no];
    uint64_t head;

    pthread_mutex_lock(&model->done_mutex);
    for (;;) {
        atomic_read(&port->rx_head, &head);
        if (head >= tail) {
            break;
        }
        pthread_cond_wait(&model->done_cond, &model->done_mutex);
    }
    pthread_mutex_unlock(&model->done_mutex);
}

int
fp_model_port_inject(struct fp_device *dev, uint32_t port_no,
                     const void *data, size_t size)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_packet pkt = { .data = data, .size = size };
    size_t n_queued;
    uint64_t tail;

    if (size > FP_MODEL_MAX_FRAME) {
        return EMSGSIZE;
    }

    atomic_add(&model->n_waiters, 1, &(uint32_t) { 0 });
    fp_model_enqueue(model, port_no, &pkt, 1, &n_queued, &tail, NULL);
    fp_model_wait_processed(model, port_no, tail);
    atomic_sub(&model->n_waiters, 1, &(uint32_t) { 0 });

    return 0;
}

int
fp_model_port_trace(struct fp_device *dev, uint32_t port_no,
                    const void *data, size_t size, struct fp_trace *trace)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_packet pkt = { .data = data, .size = size };
    enum fp_vf_verdict verdict = FP_VF_NONE;
    const struct fp_vf_config *vf;
    struct fp_model_slot slot;
    size_t n_queued;
    uint64_t tail;
    bool link_down;

    trace->evb_mode = fp_model_evb_get_mode(dev);
    trace->etag_pruned = FP_PORT_NONE;
    if (!trace->dry) {
        if (size > FP_MODEL_MAX_FRAME) {
            return EMSGSIZE;
        }
        atomic_add(&model->n_waiters, 1, &(uint32_t) { 0 });
        fp_model_enqueue(model, port_no, &pkt, 1, &n_queued, &tail, trace);
        fp_model_wait_processed(model, port_no, tail);
        atomic_sub(&model->n_waiters, 1, &(uint32_t) { 0 });
        fp_model_trace_resolve(model, trace);
        return 0;
    }

    /* The ingress decisions of fp_model_enqueue(), then the engines'
     * pipeline on a private copy of the packet. */
    atomic_read_relaxed(&port->link_down, &link_down);
    if (fp_model_port_is_unplugged(port)) {
        trace->ingress = FP_TRACE_VF_UNPLUGGED;
        return 0;
    } else if (link_down) {
        trace->ingress = FP_TRACE_LINK_DOWN;
        return 0;
    } else if (size > FP_MODEL_MAX_FRAME) {
        trace->ingress = FP_TRACE_TOO_BIG;
        return 0;
    }
    memset(&slot, 0, sizeof slot);
    ovs_mutex_lock(&port->rx_mutex);
    vf = ovsrcu_get(struct fp_vf_config *, &port->vf);
    if (vf && fp_model_vf_link_down(model, vf)) {
        trace->ingress = FP_TRACE_LINK_DOWN;
        trace->vf = FP_VF_LINK_DOWN;
    } else if (vf && (verdict = fp_model_vf_ingress(port, vf, data, size,
                                                    true, trace))
               != FP_VF_PASSED && verdict != FP_VF_VLAN_PUSHED) {
        trace->ingress = FP_TRACE_VF_POLICY;
    } else if (fp_model_has_policer(port)
               && !fp_model_police(port, size + (verdict == FP_VF_VLAN_PUSHED
                                                 ? VLAN_HEADER_LEN : 0),
                                   time_usec(), true, trace)) {
        trace->ingress = FP_TRACE_POLICED;
    } else {
        fp_model_vf_fill_slot(&slot, data, size, vf);
    }
    ovs_mutex_unlock(&port->rx_mutex);
    if (trace->ingress != FP_TRACE_ADMITTED) {
        return 0;
    }
    fp_model_trace_dry(model, port_no, &slot, trace);
    fp_model_slot_free_buf(slot.buf);
    fp_model_trace_resolve(model, trace);
    return 0;
}

int
fp_model_flush(struct fp_device *dev)
{
    struct fp_model *model = fp_model_cast(dev);
    uint32_t i;

    atomic_add(&model->n_waiters, 1, &(uint32_t) { 0 });
    for (i = 0; i < model->n_ports; i++) {
        uint64_t tail;

        atomic_read(&model->ports[i].rx_tail, &tail);
        fp_model_wait_processed(model, i, tail);
    }
    atomic_sub(&model->n_waiters, 1, &(uint32_t) { 0 });
    return 0;
}

int
fp_model_port_set_tx_pcap(struct fp_device *dev, uint32_t port_no,
                          const char *file_name)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    int error = 0;

    ovs_mutex_lock(&port->pcap_mutex);
    if (port->pcap) {
        ovs_pcap_close(port->pcap);
        port->pcap = NULL;
    }
    if (file_name) {
        port->pcap = ovs_pcap_open(file_name, "wb");
        if (!port->pcap) {
            error = errno ? errno : EIO;
        }
    }
    atomic_store(&port->has_pcap, port->pcap != NULL);
    fp_model_port_set_tx_special(port, FP_MODEL_TX_PCAP, port->pcap != NULL);
    ovs_mutex_unlock(&port->pcap_mutex);

    return error;
}

int
fp_model_port_set_endpoint(struct fp_device *dev, uint32_t port_no,
                           const struct fp_endpoint_ops *ops, void *aux)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_model_endpoint *old, *new = NULL;

    if (ops) {
        new = xmalloc(sizeof *new);
        new->ops = ops;
        new->aux = aux;
    }

    ovs_mutex_lock(&model->ctl_mutex);
    old = ovsrcu_get_protected(struct fp_model_endpoint *, &port->endpoint);
    ovsrcu_set(&port->endpoint, new);
    ovs_mutex_unlock(&model->ctl_mutex);

    /* The engines are done with the old endpoint after their batch.  Host
     * threads in fp_port_send() hold 'host_mutex'. */
    fp_model_barrier(model);
    ovs_mutex_lock(&model->host_mutex);
    ovs_mutex_unlock(&model->host_mutex);
    free(old);

    /* A sleeping engine polls the file descriptors of the endpoints it
     * found when it fell asleep: have it look again. */
    fp_model_wake_engine(&model->engines[port_no % model->n_engines]);
    return 0;
}

void
fp_model_port_get_stats(const struct fp_device *dev, uint32_t port_no,
                        struct fp_port_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    const struct fp_model_port_ctrs *base;
    size_t i;

    for (i = 0; i <= model->n_engines; i++) {
        const struct fp_model_port_ctrs *c
            = (i < model->n_engines
               ? &model->engines[i].ports[port_no]
               : &model->host_ports[port_no]);

#define FP_MODEL_PORT_CTR(NAME) stats->NAME += fp_model_ctr_get(&c->NAME);
        FP_MODEL_PORT_CTRS
#undef FP_MODEL_PORT_CTR
    }

    ovs_mutex_lock(&model->ctl_mutex);
    base = &model->port_base[port_no];
#define FP_MODEL_PORT_CTR(NAME) stats->NAME -= fp_model_ctr_get(&base->NAME);
    FP_MODEL_PORT_CTRS
#undef FP_MODEL_PORT_CTR
    ovs_mutex_unlock(&model->ctl_mutex);
}

int
fp_model_port_set_link_state(struct fp_device *dev, uint32_t port_no,
                             bool up)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    bool down;

    ovs_mutex_lock(&model->ctl_mutex);
    atomic_read_relaxed(&port->link_down, &down);
    if (down == up) {
        uint64_t orig;

        atomic_store(&port->link_down, !up);
        fp_model_port_set_tx_special(port, FP_MODEL_TX_LINK_DOWN, !up);
        atomic_add(&port->link_resets, 1, &orig);
        VLOG_DBG("%s: port %"PRIu32": link %s", fp_device_name(dev), port_no,
                 up ? "up" : "down");
        if (!port_no) {
            fp_model_vf_uplink_changed(model);
        }
    }
    ovs_mutex_unlock(&model->ctl_mutex);
    return 0;
}

void
fp_model_port_get_link_state(const struct fp_device *dev, uint32_t port_no,
                             struct fp_port_link *link)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    bool down;

    atomic_read(&port->link_down, &down);
    link->up = !down && !fp_model_port_is_unplugged(port);
    atomic_read(&port->link_resets, &link->resets);
    link->speed_mbps = FP_MODEL_LINK_SPEED;
    link->max_frame = FP_MODEL_MAX_FRAME;
}

/* Sets the ingress policer of 'port_no' (see struct fp_port_policer, and
 * fp_model_enqueue() for where it polices): each bucket in use is an srTCM
 * meter of fp-meter.c with an empty excess bucket, in bytes or packets.
 * Setting the policer that the port has already changes nothing; another
 * one starts with full buckets. */
int
fp_model_port_set_policer(struct fp_device *dev, uint32_t port_no,
                          const struct fp_port_policer *policer)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_meter_config bytes = {
        .type = FP_METER_SRTCM,
        .cir = policer->kbits_rate * 1000ULL / 8,
        .cbs = policer->kbits_burst * 1000ULL / 8,
    };
    struct fp_meter_config pkts = {
        .type = FP_METER_SRTCM,
        .pkts = true,
        .cir = policer->kpkts_rate * 1000ULL,
        .cbs = policer->kpkts_burst * 1000ULL,
    };
    long long int now = time_usec();

    if ((policer->kbits_rate && fp_meter_config_check(&bytes))
        || (policer->kpkts_rate && fp_meter_config_check(&pkts))) {
        return EINVAL;
    }

    ovs_mutex_lock(&port->rx_mutex);
    if (memcmp(&port->policer, policer, sizeof *policer)) {
        port->policer = *policer;
        if (policer->kbits_rate) {
            fp_meter_reconfigure(&port->policer_meters[0], &bytes, now);
        }
        if (policer->kpkts_rate) {
            fp_meter_reconfigure(&port->policer_meters[1], &pkts, now);
        }
        VLOG_DBG("%s: port %"PRIu32": ingress policer %"PRIu32" kbps burst "
                 "%"PRIu32" kb, %"PRIu32" kpps burst %"PRIu32" kpkts",
                 fp_device_name(dev), port_no, policer->kbits_rate,
                 policer->kbits_burst, policer->kpkts_rate,
                 policer->kpkts_burst);
    }
    ovs_mutex_unlock(&port->rx_mutex);
    return 0;
}

void
fp_model_port_get_policer(const struct fp_device *dev, uint32_t port_no,
                          struct fp_port_policer *policer)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];

    ovs_mutex_lock(&port->rx_mutex);
    *policer = port->policer;
    ovs_mutex_unlock(&port->rx_mutex);
}
