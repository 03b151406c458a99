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

#include <rte_ethdev.h>

#include "fp-rte-flow-dev.h"
#include "hash.h"
#include "netdev-dpdk.h"
#include "netdev-fp.h"
#include "netdev-provider.h"
#include "openvswitch/hmap.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_offload_fp_dpdk);

/* Our flow API on OVS's own DPDK ports.
 *
 * With other_config:fp-dpdk=true, the flow API claims the netdevs of type
 * "dpdk" (netdev-dpdk: physical ports and VF representors, by
 * dpdk-devargs) in place of OVS's netdev-offload-dpdk, which ovs-offload.c
 * unregisters.  Each claimed netdev is a port of the fp device of its
 * embedded switch, which the rte_flow driver (lib/fp-rte-flow-dev.c)
 * programs through the switch's transfer proxy; its fp port number is its
 * DPDK port id.  Packet I/O stays in netdev-dpdk: what the NIC does not
 * forward itself (a miss, the packets of a partially offloaded flow with
 * their mark) arrives on the input port's representor, where netdev-dpdk
 * receives it and dpif-netdev reads the mark from the mbuf, as with
 * netdev-offload-dpdk.
 *
 * This file keeps the map from claimed netdevs to (fp device, fp port), and
 * netdev_offload_fp_get_port() answers for "fp" netdevs and claimed "dpdk"
 * netdevs alike, so that the rest of the flow API does not tell them
 * apart. */

/* other_config:fp-dpdk, set once by the main thread before DPDK is
 * initialized. */
static atomic_bool fp_dpdk_enabled = ATOMIC_VAR_INIT(false);

/* A claimed "dpdk" netdev. */
struct offload_fp_dpdk_port {
    struct hmap_node node;      /* In 'dpdk_ports', by netdev pointer. */
    const struct netdev *netdev;/* A key, no reference: uninit_flow_api()
                                 * removes it before the netdev goes. */
    char *name;                 /* netdev_get_name(netdev). */
    uint16_t port_id;           /* Its DPDK port id. */
    struct fp_device *dev;      /* The rte_flow device of its switch. */
    uint32_t port;              /* Its fp port number in 'dev'. */
};

/* Written by the main thread (init_flow_api, uninit_flow_api), read by any
 * thread.  A leaf lock: nothing is called with it held. */
static struct ovs_mutex dpdk_mutex = OVS_MUTEX_INITIALIZER;
static struct hmap dpdk_ports OVS_GUARDED_BY(dpdk_mutex)
    = HMAP_INITIALIZER(&dpdk_ports);

/* Sets whether the flow API claims "dpdk" netdevs (other_config:fp-dpdk).
 * Called by ovs-offload.c from the main thread when it first reads the
 * configuration, before any port is added. */
void
netdev_offload_fp_dpdk_set_enabled(bool enabled)
{
    atomic_store_relaxed(&fp_dpdk_enabled, enabled);
}

/* Returns true if the flow API claims "dpdk" netdevs
 * (other_config:fp-dpdk=true).  Any thread. */
bool
netdev_offload_fp_dpdk_enabled(void)
{
    bool enabled;

    atomic_read_relaxed(&fp_dpdk_enabled, &enabled);
    return enabled;
}

static struct offload_fp_dpdk_port *
offload_fp_dpdk_find(const struct netdev *netdev)
    OVS_REQUIRES(dpdk_mutex)
{
    struct offload_fp_dpdk_port *p;

    HMAP_FOR_EACH_WITH_HASH (p, node, hash_pointer(netdev, 0), &dpdk_ports) {
        if (p->netdev == netdev) {
            return p;
        }
    }
    return NULL;
}

/* netdev_offload_fp_get_port() for a netdev that is not a bound "fp" one,
 * out of line, so that the lookup of an "fp" netdev saves the registers
 * that this path uses. */
static bool __attribute__((noinline))
netdev_offload_fp_get_dpdk_port(const struct netdev *netdev,
                                struct fp_device **devp, uint32_t *portp)
{
    const struct offload_fp_dpdk_port *p;

    if (!netdev_offload_fp_dpdk_enabled()) {
        return false;
    }

    ovs_mutex_lock(&dpdk_mutex);
    p = offload_fp_dpdk_find(netdev);
    if (p) {
        *devp = p->dev;
        *portp = p->port;
    }
    ovs_mutex_unlock(&dpdk_mutex);
    return p != NULL;
}

/* Finds the NIC port of 'netdev', an "fp" netdev bound to a NIC port or a
 * "dpdk" netdev that the flow API claimed: stores its device in '*devp' and
 * its port number in '*portp' and returns true; returns false for any
 * other netdev.  This is how the flow API finds the NIC port of an input
 * or output port, whatever its kind.  Any thread. */
bool
netdev_offload_fp_get_port(const struct netdev *netdev,
                           struct fp_device **devp, uint32_t *portp)
{
    return (netdev_fp_get_port(netdev, devp, portp)
            || netdev_offload_fp_get_dpdk_port(netdev, devp, portp));
}

/* Returns the netdev bound to port 'port' of 'dev', an "fp" netdev or a
 * claimed "dpdk" netdev, with a reference that the caller must release
 * with netdev_close(), or NULL if there is none. */
struct netdev *
netdev_offload_fp_find_by_port(const struct fp_device *dev, uint32_t port)
{
    struct netdev *netdev = netdev_fp_find_by_port(dev, port);
    const struct offload_fp_dpdk_port *p;
    char *name = NULL;

    if (netdev || !netdev_offload_fp_dpdk_enabled()) {
        return netdev;
    }

    /* uninit_flow_api() may run with OVS's netdev_mutex held (from
     * netdev_unref()), so no netdev_ref() under 'dpdk_mutex': the netdev
     * is found again by name. */
    ovs_mutex_lock(&dpdk_mutex);
    HMAP_FOR_EACH (p, node, &dpdk_ports) {
        if (p->dev == dev && p->port == port) {
            name = xstrdup(p->name);
            break;
        }
    }
    ovs_mutex_unlock(&dpdk_mutex);
    if (name) {
        netdev = netdev_from_name(name);
        free(name);
    }
    return netdev;
}

/* Returns how many claimed netdevs are ports of 'dev'. */
static size_t
offload_fp_dpdk_n_ports(const struct fp_device *dev)
    OVS_REQUIRES(dpdk_mutex)
{
    const struct offload_fp_dpdk_port *p;
    size_t n = 0;

    HMAP_FOR_EACH (p, node, &dpdk_ports) {
        n += p->dev == dev;
    }
    return n;
}

/* Claims 'netdev' for the flow API if it is a "dpdk" netdev and
 * other_config:fp-dpdk=true: opens the rte_flow device of its embedded
 * switch (fp_rte_flow_dev_open()).  Returns 0 if it is claimed, otherwise
 * EOPNOTSUPP: not a "dpdk" netdev, or a port whose switch the rte_flow
 * driver cannot program (no DPDK port yet, no transfer proxy, a PMD that
 * refuses), whose flows then stay in software, as the log says.  Called
 * by the flow API's init_flow_api(), on the main thread. */
int
netdev_offload_fp_dpdk_init(struct netdev *netdev)
{
    static struct vlog_rate_limit init_rl = VLOG_RATE_LIMIT_INIT(5, 20);
    struct offload_fp_dpdk_port *p;
    struct fp_device *dev;
    char *msg = NULL;
    uint32_t port;
    int port_id;
    int error;

    if (!netdev_offload_fp_dpdk_enabled()
        || strcmp(netdev_get_type(netdev), "dpdk")) {
        return EOPNOTSUPP;
    }

    ovs_mutex_lock(&dpdk_mutex);
    p = offload_fp_dpdk_find(netdev);
    ovs_mutex_unlock(&dpdk_mutex);
    if (p) {
        return 0;
    }

    port_id = netdev_dpdk_get_port_id(netdev);
    if (port_id < 0 || port_id > UINT16_MAX
        || !rte_eth_dev_is_valid_port(port_id)) {
        VLOG_INFO_RL(&init_rl, "%s: ovs-offload does not offload its flows: "
                     "it has no DPDK port (options:dpdk-devargs); they stay "
                     "in software", netdev_get_name(netdev));
        return EOPNOTSUPP;
    }
    error = fp_rte_flow_dev_open(port_id, &dev, &port, &msg);
    if (error) {
        VLOG_INFO_RL(&init_rl, "%s: ovs-offload does not offload its flows: "
                     "%s (DPDK port %d); they stay in software",
                     netdev_get_name(netdev),
                     msg ? msg : ovs_strerror(error), port_id);
        free(msg);
        return EOPNOTSUPP;
    }

    p = xzalloc(sizeof *p);
    p->netdev = netdev;
    p->name = xstrdup(netdev_get_name(netdev));
    p->port_id = port_id;
    p->dev = dev;
    p->port = port;
    ovs_mutex_lock(&dpdk_mutex);
    hmap_insert(&dpdk_ports, &p->node, hash_pointer(netdev, 0));
    ovs_mutex_unlock(&dpdk_mutex);
    VLOG_INFO("%s: its flows go into %s (DPDK port %d)",
              netdev_get_name(netdev), fp_device_name(dev), port_id);
    return 0;
}

/* Releases 'netdev', if the flow API claimed it as a "dpdk" netdev: closes
 * its port of the rte_flow device, which goes with its last port.  Called
 * by the flow API's uninit_flow_api(), on the main thread, after the flows
 * of 'netdev' left the NIC. */
void
netdev_offload_fp_dpdk_uninit(struct netdev *netdev)
{
    struct offload_fp_dpdk_port *p;
    bool last = false;

    ovs_mutex_lock(&dpdk_mutex);
    p = offload_fp_dpdk_find(netdev);
    if (p) {
        hmap_remove(&dpdk_ports, &p->node);
        last = !offload_fp_dpdk_n_ports(p->dev);
    }
    ovs_mutex_unlock(&dpdk_mutex);
    if (!p) {
        return;
    }

    if (last) {
        /* The device goes with this port: the flow API forgets it first. */
        offload_fp_device_gone(p->dev);
    }
    fp_rte_flow_dev_close(p->dev, p->port_id);
    free(p->name);
    free(p);
}

/* Tells the rte_flow driver that DPDK port 'port_id' was started (see
 * __wrap_rte_eth_dev_start() in ovs-offload.c): its device is reset, and
 * the flow API's reset listener puts its flows back into it.  Called on
 * the thread that started the port (ovs-vswitchd's main thread, which
 * reconfigures netdev-dpdk ports), without any lock of the flow API
 * held. */
void
netdev_offload_fp_dpdk_port_started(uint16_t port_id)
{
    if (netdev_offload_fp_dpdk_enabled()) {
        fp_rte_flow_dev_port_started(port_id);
    }
}
