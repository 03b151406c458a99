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

#include "fp-model-tx.h"

#include "dp-packet.h"
#include "openvswitch/vlog.h"
#include "pcap-file.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_model_tx);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Writes the 'size' bytes at 'data', which 'port' sends to its outside, to
 * its pcap capture, if it still has one. */
void
fp_model_tx_pcap(struct fp_model_port *port, const void *data, size_t size)
{
    ovs_mutex_lock(&port->pcap_mutex);
    if (port->pcap) {
        struct dp_packet packet;

        dp_packet_use_const(&packet, data, size);
        ovs_pcap_write(port->pcap, &packet);
    }
    ovs_mutex_unlock(&port->pcap_mutex);
}

/* Hands the 'size' bytes at 'data' to the outside of 'port_no', whose link
 * is up, and counts them in 'ctrs'.  Returns true if the port's endpoint
 * took them, false if it did not (its transmit queue is full) and they are
 * dropped. */
bool
fp_model_tx_deliver(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
                    uint32_t port_no, const void *data, size_t size)
{
    return fp_model_tx_deliver__(model, &model->ports[port_no], ctrs,
                                 port_no, data, size, true);
}

/* Sends the 'size' bytes at 'data' out of 'port_no' to its outside and
 * counts them in 'ctrs'; drops them if the port's link is down or if the
 * port's endpoint does not take them (its transmit queue is full).  A VF
 * with a VF policy sends through it (fp_model_vf_tx()). */
void
fp_model_tx_now(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
                uint32_t port_no, const void *data, size_t size)
{
    fp_model_tx_now__(model, &model->ports[port_no], ctrs, port_no, data,
                      size);
}

/* Sends the 'size' bytes at 'data' out of 'port_no' to its outside, with
 * 'md': through the port's scheduler if it has QoS, at once otherwise
 * (fp_model_tx_now()).  Counts in 'ctrs'. */
void
fp_model_tx_port(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
                 uint32_t port_no, const void *data, size_t size,
                 const struct fp_tx_md *md)
{
    fp_model_tx_port__(model, ctrs, port_no, data, size, md);
}

/* Sends the 'size' bytes at 'data' out of 'port_no' to its outside, with
 * 'md' (the queue and the NIC port the packet came from): through edge
 * virtual bridging if the device has it on (fp_model_evb_tx()), which may
 * send it elsewhere, change or drop it, then through
 * fp_model_tx_port().  'ctrs' is the element 'port_no' of an array of
 * counters by port (an engine's or the host's), and counts the packet. */
void
fp_model_tx(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
            uint32_t port_no, const void *data, size_t size,
            const struct fp_tx_md *md)
{
    fp_model_tx__(model, ctrs, port_no, data, size, md);
}

/* Counts in 'ctrs' a frame that the endpoint of 'port_no' of 'model' did not
 * take ('error', a positive errno value): it is dropped. */
void
fp_model_tx_lost(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
                 uint32_t port_no, int error)
{
    fp_model_ctr_add(&ctrs->tx_drops, 1);
    fp_model_count_drops(1);
    VLOG_DBG_RL(&rl, "%s: port %"PRIu32": frame lost, the endpoint did not "
                "take it (%s)", model->up.name, port_no, ovs_strerror(error));
}
