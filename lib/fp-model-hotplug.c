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

/* VF hot-unplug and plug in the model (see fp.h).
 *
 * An unplugged VF is a port whose outside is gone: fp_model_enqueue()
 * (what comes in from the guest) and fp_model_tx_now() (what goes out to
 * it) drop its packets as for a link that is down, and count them here
 * too.  The representor, the rules and the VF's settings stay. */

#include <config.h>

#include "fp-model-private.h"

#include <errno.h>

#include "coverage.h"
#include "fp-sched.h"
#include "openvswitch/vlog.h"

VLOG_DEFINE_THIS_MODULE(fp_model_hotplug);

COVERAGE_DEFINE(fp_model_unplugged_drop);

/* Counts 'n' packets dropped because 'port' is unplugged.  Called from any
 * thread, only while the VF is unplugged, so the shared counter costs
 * nothing to the ports that are plugged in. */
void
fp_model_hotplug_count_drops(struct fp_model_port *port, uint64_t n)
{
    uint64_t orig;

    if (n) {
        atomic_add_relaxed(&port->unplugged_drops, n, &orig);
        COVERAGE_ADD(fp_model_unplugged_drop, n);
    }
}

/* The 'port_set_plugged' hook.  An unplug first stops the VF's traffic
 * (from here on, fp_model_enqueue() and fp_model_tx_now() drop it), then
 * lets the engines process what was already in the RX rings, so that no
 * packet of the VF is processed after this returns, and drops what its
 * egress queues held.  A change of the VF's presence changes its link as
 * the representor sees it (unless the link is down anyway), and counts as
 * a link reset then. */
int
fp_model_port_set_plugged(struct fp_device *dev, uint32_t port_no,
                          bool plugged)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    uint64_t orig;
    bool link_down;

    ovs_mutex_lock(&model->ctl_mutex);
    if (fp_model_port_is_unplugged(port) == !plugged) {
        ovs_mutex_unlock(&model->ctl_mutex);
        return EALREADY;
    }
    atomic_store(&port->unplugged, !plugged);
    fp_model_port_set_tx_special(port, FP_MODEL_TX_UNPLUGGED, !plugged);
    if (!plugged) {
        atomic_add(&port->unplugs, 1, &orig);
    }
    atomic_read(&port->link_down, &link_down);
    if (!link_down) {
        atomic_add(&port->link_resets, 1, &orig);
    }
    /* The guest sees its VF go, and come back. */
    fp_model_vf_plugged_changed(model, port_no);
    ovs_mutex_unlock(&model->ctl_mutex);

    if (!plugged) {
        /* A sender that found the VF plugged in holds 'rx_mutex' until its
         * packets are in the ring; later ones find it unplugged.  Then the
         * engines process what is in the rings. */
        ovs_mutex_lock(&port->rx_mutex);
        ovs_mutex_unlock(&port->rx_mutex);
        fp_model_flush(dev);
        /* What its egress QoS queued was on its way to the guest, which is
         * gone. */
        fp_model_hotplug_count_drops(port,
                                     fp_model_qos_flush_port(model, port_no));
    }
    VLOG_DBG("%s: port %"PRIu32": %s", dev->name, port_no,
             plugged ? "plugged in" : "unplugged");
    return 0;
}

/* The 'port_get_hotplug' hook. */
void
fp_model_port_get_hotplug(const struct fp_device *dev, uint32_t port_no,
                          struct fp_vf_hotplug *hotplug)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];

    hotplug->unplugged = fp_model_port_is_unplugged(port);
    atomic_read(&port->unplugs, &hotplug->unplugs);
    atomic_read(&port->unplugged_drops, &hotplug->drops);
}
