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

#include <string.h>

#include "dpif.h"
#include "fp/fp.h"
#include "hash.h"
#include "netdev-fp.h"
#include "netdev-offload.h"
#include "netdev-provider.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "ovs-offload.h"
#include "ovs-thread.h"
#include "sset.h"
#include "util.h"

/* Names of datapath ports, for reasons: "output port br0 is not on fp0".
 *
 * netdev_ports_get() finds the netdevs of most datapath ports, but not
 * those that dpif_port_add() leaves out of its map: tap ports, which in the
 * userspace datapath include every bridge's internal port.  Their names are
 * known only to the datapath, which the offload threads cannot ask: they
 * call the flow API with dpif-netdev's port lock held.  So ovs-vswitchd's
 * main thread keeps a copy of the port names of the datapaths that "fp"
 * interfaces are in (netdev_offload_fp_names_run()), and the offload
 * threads read it. */

struct offload_fp_port_name {
    struct hmap_node node;      /* In 'port_names'. */
    char *dpif_type;            /* Normalized datapath type. */
    odp_port_t port_no;
    char *name;
};

static struct ovs_mutex names_mutex = OVS_MUTEX_INITIALIZER;
static struct hmap port_names OVS_GUARDED_BY(names_mutex)
    = HMAP_INITIALIZER(&port_names);

static uint32_t
port_name_hash(const char *dpif_type, odp_port_t port_no)
{
    return hash_int(odp_to_u32(port_no), hash_string(dpif_type, 0));
}

static void
port_names_clear(struct hmap *names)
{
    struct offload_fp_port_name *pn;

    HMAP_FOR_EACH_POP (pn, node, names) {
        free(pn->dpif_type);
        free(pn->name);
        free(pn);
    }
}

/* Adds to 'names' the ports of every datapath of type 'type'. */
static void
port_names_add_datapaths(struct hmap *names, const char *type)
{
    struct sset dp_names = SSET_INITIALIZER(&dp_names);
    const char *dp_name;

    if (dp_enumerate_names(type, &dp_names)) {
        goto out;
    }
    SSET_FOR_EACH (dp_name, &dp_names) {
        struct dpif_port_dump dump;
        struct dpif_port dpif_port;
        struct dpif *dpif;

        if (dpif_open(dp_name, type, &dpif)) {
            continue;
        }
        DPIF_PORT_FOR_EACH (&dpif_port, &dump, dpif) {
            struct offload_fp_port_name *pn = xmalloc(sizeof *pn);

            pn->dpif_type = xstrdup(type);
            pn->port_no = dpif_port.port_no;
            pn->name = xstrdup(dpif_port.name);
            hmap_insert(names, &pn->node,
                        port_name_hash(type, dpif_port.port_no));
        }
        dpif_close(dpif);
    }
out:
    sset_destroy(&dp_names);
}

/* Adds to 'types' the types of the datapaths that "fp" interfaces are in
 * (as netdev_get_dpif_type() returns them). */
void
netdev_offload_fp_dp_types(struct sset *types)
{
    struct fp_device *devices[OVS_OFFLOAD_MAX_DEVICES];
    size_t i, n;

    n = fp_device_list(devices, ARRAY_SIZE(devices));
    for (i = 0; i < n; i++) {
        uint32_t port;

        for (port = 0; port < fp_device_n_ports(devices[i]); port++) {
            struct netdev *netdev = netdev_offload_fp_find_by_port(devices[i],
                                                                  port);
            const char *type = netdev ? netdev_get_dpif_type(netdev) : NULL;

            if (type) {
                sset_add(types, type);
            }
            netdev_close(netdev);
        }
    }
}

/* Refreshes the copy of the port names of the datapaths that "fp"
 * interfaces are in.  Called by ovs-vswitchd's main thread on every
 * iteration of its main loop: the ports are read from the datapaths in
 * memory, no system call. */
void
netdev_offload_fp_names_run(void)
{
    struct sset types = SSET_INITIALIZER(&types);
    struct hmap names = HMAP_INITIALIZER(&names);
    const char *type;

    netdev_offload_fp_dp_types(&types);
    SSET_FOR_EACH (type, &types) {
        port_names_add_datapaths(&names, type);
    }
    sset_destroy(&types);

    ovs_mutex_lock(&names_mutex);
    hmap_swap(&names, &port_names);
    ovs_mutex_unlock(&names_mutex);
    port_names_clear(&names);
    hmap_destroy(&names);
}

/* Appends to 's' the name of port 'port_no' of the datapath of type
 * 'dpif_type' (as netdev_get_dpif_type() returns it), as operators know
 * it: the name of its interface ("br0", "p2"), or its number if the port
 * is not known.  Any thread. */
void
netdev_offload_fp_format_port(const char *dpif_type, odp_port_t port_no,
                              struct ds *s)
{
    struct offload_fp_port_name *pn;
    struct netdev *netdev;

    netdev = dpif_type ? netdev_ports_get(port_no, dpif_type) : NULL;
    if (netdev) {
        ds_put_cstr(s, netdev_get_name(netdev));
        netdev_close(netdev);
        return;
    }

    ovs_mutex_lock(&names_mutex);
    HMAP_FOR_EACH_WITH_HASH (pn, node,
                             port_name_hash(dpif_type ? dpif_type : "",
                                            port_no), &port_names) {
        if (pn->port_no == port_no && dpif_type
            && !strcmp(pn->dpif_type, dpif_type)) {
            ds_put_cstr(s, pn->name);
            ovs_mutex_unlock(&names_mutex);
            return;
        }
    }
    ovs_mutex_unlock(&names_mutex);
    ds_put_format(s, "%"PRIu32, odp_to_u32(port_no));
}
