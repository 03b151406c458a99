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

#include <string.h>

#include "fp/fp.h"
#include "netdev-fp-private.h"
#include "netdev-fp-vf.h"
#include "util.h"

/* The counters of fp interfaces (netdev-fp.c's get_stats and
 * get_custom_stats): those of their NIC ports, kept across device and VF
 * resets and rebinding. */

/* Adds the counters of 'b' to 'sum'. */
void
netdev_fp_stats_add(struct fp_port_stats *sum, const struct fp_port_stats *b)
{
    sum->rx_packets += b->rx_packets;
    sum->rx_bytes += b->rx_bytes;
    sum->tx_packets += b->tx_packets;
    sum->tx_bytes += b->tx_bytes;
    sum->exceptions += b->exceptions;
    sum->malformed += b->malformed;
    sum->drops += b->drops;
    sum->tx_drops += b->tx_drops;
    sum->tx_qos_drops += b->tx_qos_drops;
    sum->policer_drops += b->policer_drops;
}

/* Subtracts the counters of 'b' from 'sum'. */
void
netdev_fp_stats_sub(struct fp_port_stats *sum, const struct fp_port_stats *b)
{
    sum->rx_packets -= b->rx_packets;
    sum->rx_bytes -= b->rx_bytes;
    sum->tx_packets -= b->tx_packets;
    sum->tx_bytes -= b->tx_bytes;
    sum->exceptions -= b->exceptions;
    sum->malformed -= b->malformed;
    sum->drops -= b->drops;
    sum->tx_drops -= b->tx_drops;
    sum->tx_qos_drops -= b->tx_qos_drops;
    sum->policer_drops -= b->policer_drops;
}

/* Reads the VF counters of the NIC port, if it is a VF, into
 * 'netdev->vf_last', first moving the previous read into 'vf_base' if the
 * VF was reset since (its counters started from zero again). */
void
netdev_fp_stats_read_vf(struct netdev_fp *netdev)
    OVS_REQUIRES(netdev->mutex)
{
    struct fp_vf_stats st;

    fp_vf_get_stats(netdev->fp_dev, netdev->fp_port, &st);
    if (st.resets != netdev->vf_last.resets) {
        netdev_fp_vf_stats_add(&netdev->vf_base, &netdev->vf_last);
    }
    netdev->vf_last = st;
}

/* Reads the counters of the NIC port into 'netdev->last', first moving the
 * previous read into 'base' if the device was reset since (its counters
 * started from zero again). */
void
netdev_fp_stats_read(struct netdev_fp *netdev)
    OVS_REQUIRES(netdev->mutex)
{
    struct fp_device_stats dst;

    if (!netdev->fp_dev) {
        return;
    }
    fp_device_get_stats(netdev->fp_dev, &dst);
    if (dst.resets != netdev->dev_resets) {
        netdev_fp_stats_add(&netdev->base, &netdev->last);
        memset(&netdev->last, 0, sizeof netdev->last);
        netdev->dev_resets = dst.resets;
    }
    fp_port_get_stats(netdev->fp_dev, netdev->fp_port, &netdev->last);
    netdev_fp_stats_read_vf(netdev);
}

/* The counters of the NIC port, which count what the NIC forwards itself
 * as well as what goes through OVS, so that they are the same with and
 * without offload: rx, packets in from the outside (the wire or the VM);
 * tx, packets out to it; rx_dropped, the port's drops on the way in;
 * tx_dropped, the port's drops on the way out (link down, endpoint's
 * transmit queue full) and the packets OVS could not hand to the NIC.
 * They never go backwards, across device resets and rebinding to another
 * port. */
int
netdev_fp_stats_get(const struct netdev *netdev_, struct netdev_stats *stats)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    struct fp_port_stats total;

    ovs_mutex_lock(&netdev->mutex);
    netdev_fp_stats_read(netdev);
    total = netdev->base;
    netdev_fp_stats_add(&total, &netdev->last);
    stats->tx_dropped = netdev->tx_dropped + total.tx_drops;
    ovs_mutex_unlock(&netdev->mutex);

    stats->rx_packets = total.rx_packets;
    stats->rx_bytes = total.rx_bytes;
    stats->tx_packets = total.tx_packets;
    stats->tx_bytes = total.tx_bytes;
    stats->rx_dropped = total.drops;
    return 0;
}

/* The NIC port's drops by its ingress policer and by its egress QoS (the
 * egress policer, the queues), as netdev-dpdk names its own:
 * "ovs_rx_qos_drops" and "ovs_tx_qos_drops" (also counted in rx_dropped and
 * tx_dropped). */
int
netdev_fp_stats_get_custom(const struct netdev *netdev_,
                           struct netdev_custom_stats *custom_stats)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    struct fp_device_config config;
    struct fp_port_stats total;
    struct fp_vf_stats vf;
    bool is_vf = false;

    ovs_mutex_lock(&netdev->mutex);
    netdev_fp_stats_read(netdev);
    total = netdev->base;
    netdev_fp_stats_add(&total, &netdev->last);
    vf = netdev->vf_base;
    netdev_fp_vf_stats_add(&vf, &netdev->vf_last);
    if (netdev->fp_dev) {
        fp_device_get_config(netdev->fp_dev, &config);
        is_vf = netdev->fp_port >= config.n_phy_ports;
    }
    ovs_mutex_unlock(&netdev->mutex);

    custom_stats->size = 2;
    custom_stats->counters = xcalloc(2 + 11, sizeof *custom_stats->counters);
    ovs_strlcpy(custom_stats->counters[0].name, "ovs_rx_qos_drops",
                NETDEV_CUSTOM_STATS_NAME_SIZE);
    custom_stats->counters[0].value = total.policer_drops;
    ovs_strlcpy(custom_stats->counters[1].name, "ovs_tx_qos_drops",
                NETDEV_CUSTOM_STATS_NAME_SIZE);
    custom_stats->counters[1].value = total.tx_qos_drops;
    if (is_vf) {
        /* The VF's counters (see struct fp_vf_stats), from its guest's
         * point of view. */
        const struct {
            const char *name;
            uint64_t value;
        } vf_ctrs[] = {
            { "vf_rx_packets", vf.rx_packets },
            { "vf_rx_bytes", vf.rx_bytes },
            { "vf_tx_packets", vf.tx_packets },
            { "vf_tx_bytes", vf.tx_bytes },
            { "vf_rx_dropped", vf.rx_dropped },
            { "vf_tx_dropped", vf.tx_dropped },
            { "vf_spoof_drops", vf.spoof_drops },
            { "vf_vlan_drops", vf.vlan_drops },
            { "vf_rx_multicast", vf.rx_multicast },
            { "vf_rx_broadcast", vf.rx_broadcast },
            { "vf_filter_drops", vf.filter_drops },
        };
        size_t i;

        for (i = 0; i < ARRAY_SIZE(vf_ctrs); i++) {
            struct netdev_custom_counter *c
                = &custom_stats->counters[custom_stats->size++];

            ovs_strlcpy(c->name, vf_ctrs[i].name,
                        NETDEV_CUSTOM_STATS_NAME_SIZE);
            c->value = vf_ctrs[i].value;
        }
    }

    ovs_mutex_lock(&netdev->mutex);
    netdev_fp_evb_get_custom_stats(netdev, custom_stats);
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}
