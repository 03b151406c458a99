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

/* The model's egress QoS: the last stage of the pipeline, between the
 * actions that output a packet and the port's outside.
 *
 * A port with QoS, and a physical port of which VFs have a share, send
 * through a scheduler (fp-sched.h) built from their configuration, which
 * is under 'ctl_mutex'.  Senders (engines, and host threads through
 * fp_port_send_md()) queue packets in it and send what the rates allow at
 * once; the engine that polls the port sends the rest as time passes
 * (fp_model_qos_run()), so a stopped clock holds queued packets until it
 * moves. */

#include <config.h>

#include <errno.h>
#include <string.h>

#include "fp-model-private.h"
#include "fp-sched.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_model_qos);

struct fp_model_qos_sender {
    struct fp_model *model;
    struct fp_model_port_ctrs *ctrs;
    uint32_t port_no;
};

static void
fp_model_qos_send(void *sender_, size_t class OVS_UNUSED, const void *data,
                  size_t size)
{
    struct fp_model_qos_sender *sender = sender_;

    fp_model_tx_now(sender->model, sender->ctrs, sender->port_no, data,
                    size);
}

static void
fp_model_qos_send_ready(struct fp_model *model,
                        struct fp_model_port_ctrs *ctrs, uint32_t port_no,
                        struct fp_sched *sched)
{
    struct fp_model_qos_sender sender = { model, ctrs, port_no };

    fp_sched_run(sched, time_usec(), fp_model_qos_send, &sender);
}

/* Queues the 'size' bytes at 'data' in 'sched', the scheduler of
 * 'port_no', in the class that 'md' chooses, and sends what the rates let
 * go now.  The egress policer or a full queue drops the packet, counted in
 * 'ctrs'. */
void
fp_model_qos_tx(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
                uint32_t port_no, struct fp_sched *sched,
                const void *data, size_t size, const struct fp_tx_md *md)
{
    size_t class = fp_sched_classify(sched, md->queue, md->in_port);

    fp_model_qos_send_ready(model, ctrs, port_no, sched);
    /* The egress policer counts the packet without its Ethernet header,
     * as OVS's egress-policer does. */
    if (!fp_sched_police(sched, size > ETH_HEADER_LEN
                                ? size - ETH_HEADER_LEN : 0, time_usec())
        || !fp_sched_enqueue(sched, class, data, size)) {
        fp_model_ctr_add(&ctrs->tx_drops, 1);
        fp_model_ctr_add(&ctrs->tx_qos_drops, 1);
        fp_model_count_drops(1);
        return;
    }
    fp_model_qos_send_ready(model, ctrs, port_no, sched);
}

/* Sends, from the scheduler of 'port_no' if it has one, what the rates let
 * go now, counted in 'ctrs'.  Called by the engine that polls the port. */
void
fp_model_qos_run(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
                 uint32_t port_no)
{
    struct fp_sched *sched = ovsrcu_get(struct fp_sched *,
                                        &model->ports[port_no].sched);

    if (OVS_UNLIKELY(sched) && !fp_sched_is_empty(sched)) {
        fp_model_qos_send_ready(model, ctrs, port_no, sched);
    }
}

static void
fp_model_qos_free(void *sched)
{
    fp_sched_destroy(sched);
}

/* Counts 'n' packets that the scheduler of 'port_no' dropped from its
 * queues (a queue or the QoS removed, a reset) in the port's 'tx_drops' and
 * 'tx_qos_drops'.  Takes 'host_mutex': the caller holds no scheduler's
 * mutex. */
static void
fp_model_qos_count_drops(struct fp_model *model, uint32_t port_no, size_t n)
{
    if (n) {
        ovs_mutex_lock(&model->host_mutex);
        fp_model_ctr_add(&model->host_ports[port_no].tx_drops, n);
        fp_model_ctr_add(&model->host_ports[port_no].tx_qos_drops, n);
        ovs_mutex_unlock(&model->host_mutex);
        fp_model_count_drops(n);
    }
}

/* Makes the scheduler of 'port_no' what its QoS and the shares of the VFs
 * say: none if it has neither, else one shaped to the QoS rate or to the
 * link speed.  OVS sets a port's QoS again at each reconfiguration (and
 * deletes and adds queue 0 when the QoS row does not have it): classes
 * whose settings stay the same keep their buckets (see
 * fp_sched_set_class()). */
static void
fp_model_qos_update(struct fp_model *model, uint32_t port_no)
    OVS_REQUIRES(model->ctl_mutex)
{
    struct fp_model_port *port = &model->ports[port_no];
    const struct fp_qos_config *qos = port->qos;
    bool is_phy = port_no < model->up.config.n_phy_ports;
    struct fp_sched *sched;
    bool has_vf_rates = false;
    size_t n_dropped = 0;
    long long int now;
    uint64_t rate;
    uint32_t i;

    for (i = model->up.config.n_phy_ports; is_phy && i < model->n_ports;
         i++) {
        has_vf_rates |= model->ports[i].vf_rate != NULL;
    }

    VLOG_DBG("%s: port %"PRIu32": egress QoS %s", model->up.name, port_no,
             qos ? "set" : has_vf_rates ? "for the VFs' shares" : "none");
    sched = ovsrcu_get_protected(struct fp_sched *, &port->sched);
    if (!qos && !has_vf_rates) {
        if (sched) {
            /* Its packets are dropped and counted now.  A sender that
             * still has it runs it after it queues, so what it queues in
             * the grace period goes out or is lost with it. */
            ovsrcu_set(&port->sched, NULL);
            fp_model_port_set_tx_special(port, FP_MODEL_TX_QOS, false);
            fp_model_qos_count_drops(model, port_no, fp_sched_flush(sched));
            ovsrcu_postpone__(fp_model_qos_free, sched);
        }
        return;
    }

    now = time_usec();
    if (!sched) {
        sched = fp_sched_create(model->n_ports);
    }
    rate = (qos && qos->rate ? qos->rate
            : (uint64_t) FP_MODEL_LINK_SPEED * 1000000 / 8);
    fp_sched_set_port(sched, rate, qos ? qos->burst : 0, now);
    fp_sched_set_policer(sched, qos ? qos->police_rate : 0,
                         qos ? qos->police_burst : 0, now);
    for (i = 0; i < FP_QOS_N_QUEUES; i++) {
        n_dropped += fp_sched_set_class(sched, i,
                                        (qos && qos->queues & (1u << i)
                                         ? &qos->queue[i] : NULL), now);
    }
    for (i = 0; i < model->n_ports; i++) {
        n_dropped += fp_sched_set_class(sched, FP_QOS_N_QUEUES + i,
                                        (is_phy ? model->ports[i].vf_rate
                                         : NULL), now);
    }
    fp_model_qos_count_drops(model, port_no, n_dropped);
    ovsrcu_set(&port->sched, sched);
    fp_model_port_set_tx_special(port, FP_MODEL_TX_QOS, true);
}

int
fp_model_port_set_qos(struct fp_device *dev, uint32_t port_no,
                      const struct fp_qos_config *qos)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];

    ovs_mutex_lock(&model->ctl_mutex);
    free(port->qos);
    port->qos = qos ? xmemdup(qos, sizeof *qos) : NULL;
    fp_model_qos_update(model, port_no);
    ovs_mutex_unlock(&model->ctl_mutex);
    return 0;
}

int
fp_model_port_set_vf_rate(struct fp_device *dev, uint32_t port_no,
                          const struct fp_qos_class *rate)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    uint32_t i;

    ovs_mutex_lock(&model->ctl_mutex);
    free(port->vf_rate);
    port->vf_rate = rate ? xmemdup(rate, sizeof *rate) : NULL;
    for (i = 0; i < model->up.config.n_phy_ports; i++) {
        fp_model_qos_update(model, i);
    }
    ovs_mutex_unlock(&model->ctl_mutex);
    return 0;
}

int
fp_model_port_get_queue_stats(const struct fp_device *dev, uint32_t port_no,
                              uint32_t queue, struct fp_queue_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_sched *sched;
    int error = 0;

    ovs_mutex_lock(&model->ctl_mutex);
    sched = ovsrcu_get_protected(struct fp_sched *, &port->sched);
    if (sched && (queue == 0
                  || (queue < FP_QOS_N_QUEUES
                      ? port->qos && port->qos->queues & (1u << queue)
                      : (port_no < model->up.config.n_phy_ports
                         && model->ports[queue - FP_QOS_N_QUEUES].vf_rate)))) {
        fp_sched_get_stats(sched, queue, stats);
    } else {
        error = ENOENT;
    }
    ovs_mutex_unlock(&model->ctl_mutex);
    return error;
}

/* Drops the packets queued in every scheduler of 'model' (a reset). */
void
fp_model_qos_flush(struct fp_model *model)
{
    uint32_t i;

    ovs_mutex_lock(&model->ctl_mutex);
    for (i = 0; i < model->n_ports; i++) {
        struct fp_sched *sched;

        sched = ovsrcu_get_protected(struct fp_sched *,
                                     &model->ports[i].sched);
        if (sched) {
            fp_model_qos_count_drops(model, i, fp_sched_flush(sched));
        }
    }
    ovs_mutex_unlock(&model->ctl_mutex);
}

/* Drops the packets queued in the egress scheduler of 'port_no', if it has
 * one, counted in the port's 'tx_drops' and 'tx_qos_drops'.  Returns how
 * many. */
size_t
fp_model_qos_flush_port(struct fp_model *model, uint32_t port_no)
{
    struct fp_sched *sched;
    size_t n = 0;

    ovs_mutex_lock(&model->ctl_mutex);
    sched = ovsrcu_get_protected(struct fp_sched *,
                                 &model->ports[port_no].sched);
    if (sched) {
        n = fp_sched_flush(sched);
        fp_model_qos_count_drops(model, port_no, n);
    }
    ovs_mutex_unlock(&model->ctl_mutex);
    return n;
}

/* Drops the packets queued for egress of VF port 'vf_port' (a VF reset):
 * in its own scheduler (toward its guest) and in its class of every
 * physical port's scheduler (from it toward the wire), counted in the
 * ports' 'tx_drops' and 'tx_qos_drops'.  Returns how many. */
size_t
fp_model_qos_flush_vf(struct fp_model *model, uint32_t vf_port)
{
    size_t n, total = 0;
    uint32_t i;

    ovs_mutex_lock(&model->ctl_mutex);
    for (i = 0; i < model->n_ports; i++) {
        struct fp_sched *sched;

        sched = ovsrcu_get_protected(struct fp_sched *,
                                     &model->ports[i].sched);
        if (sched && (i == vf_port || i < model->up.config.n_phy_ports)) {
            n = (i == vf_port ? fp_sched_flush(sched)
                 : fp_sched_flush_class(sched, FP_QOS_N_QUEUES + vf_port));
            fp_model_qos_count_drops(model, i, n);
            total += n;
        }
    }
    ovs_mutex_unlock(&model->ctl_mutex);
    return total;
}

/* Frees the QoS of 'port_no' of 'model', which no thread uses any more. */
void
fp_model_qos_destroy(struct fp_model *model, uint32_t port_no)
{
    struct fp_model_port *port = &model->ports[port_no];

    fp_sched_destroy(ovsrcu_get_protected(struct fp_sched *, &port->sched));
    free(port->qos);
    free(port->vf_rate);
}
