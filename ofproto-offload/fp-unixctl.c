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

#include "fp-unixctl.h"

#include <errno.h>
#include <string.h>

#include "dp-packet.h"
#include "flow.h"
#include "fp/fp.h"
#include "netdev-fp.h"
#include "netdev-offload-fp.h"
#include "netdev-provider.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ovs-offload.h"
#include "packets.h"
#include "svec.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_unixctl);

/* Most devices fp/show lists. */
#define FP_UNIXCTL_MAX_DEVICES 64

static void
fp_unixctl_show_port(struct ds *s, const struct fp_device *dev,
                     uint32_t port)
{
    struct fp_port_stats st;
    struct netdev *netdev;
    char name[32];

    fp_port_to_string(dev, port, name, sizeof name);
    netdev = netdev_fp_find_by_port(dev, port);
    ds_put_format(s, "  %s: %s\n", name,
                  netdev ? netdev_get_name(netdev) : "(no interface)");
    netdev_close(netdev);

    fp_port_get_stats(dev, port, &st);
    ds_put_format(s, "    rx: %"PRIu64" packets, %"PRIu64" bytes; "
                  "tx: %"PRIu64" packets, %"PRIu64" bytes\n",
                  st.rx_packets, st.rx_bytes, st.tx_packets, st.tx_bytes);
    ds_put_format(s, "    exceptions: %"PRIu64", malformed: %"PRIu64
                  ", drops: %"PRIu64"\n",
                  st.exceptions, st.malformed, st.drops);
}

static void
fp_unixctl_show_device(struct ds *s, const struct fp_device *dev)
{
    struct fp_device_config cfg;
    struct fp_device_stats st;
    uint32_t port;

    fp_device_get_config(dev, &cfg);
    fp_device_get_stats(dev, &st);
    ds_put_format(s, "%s: driver %s\n", fp_device_name(dev),
                  fp_device_driver(dev));
    ds_put_format(s, "  ports: %"PRIu32" physical, %"PRIu32" VFs; "
                  "engines: %"PRIu32"\n",
                  cfg.n_phy_ports, cfg.n_vfs, cfg.n_engines);
    ds_put_format(s, "  rules: %"PRIu32" in use of %"PRIu32"\n",
                  st.n_rules, cfg.n_rules);
    ds_put_format(s, "  lookups: %"PRIu64" hits, %"PRIu64" misses\n",
                  st.hits, st.misses);
    for (port = 0; port < fp_device_n_ports(dev); port++) {
        fp_unixctl_show_port(s, dev, port);
    }
}

/* fp/show [DEVICE]: the devices, their ports (with the OVS interface bound
 * to each), their rule table occupancy and counters. */
static void
fp_unixctl_show(struct unixctl_conn *conn, int argc, const char *argv[],
                void *aux OVS_UNUSED)
{
    struct fp_device *devices[FP_UNIXCTL_MAX_DEVICES];
    struct netdev_offload_fp_stats st;
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct svec *errors;
    size_t i, n;

    ovs_offload_init();
    errors = ovs_offload_get_config_errors();
    if (!errors) {
        unixctl_command_reply_error(conn, "ovs-vswitchd has not read its "
                                    "configuration yet");
        return;
    }
    for (i = 0; i < errors->n; i++) {
        ds_put_format(&s, "configuration error: %s\n", errors->names[i]);
    }

    if (argc > 1) {
        devices[0] = fp_device_find(argv[1]);
        if (!devices[0]) {
            unixctl_command_reply_error(conn, "no such fp device");
            ds_destroy(&s);
            return;
        }
        n = 1;
    } else {
        n = fp_device_list(devices, ARRAY_SIZE(devices));
    }

    for (i = 0; i < n; i++) {
        fp_unixctl_show_device(&s, devices[i]);
    }

    netdev_offload_fp_get_stats(&st);
    ds_put_format(&s, "offloads: %"PRIu64" in NICs; %"PRIu64" added, "
                  "%"PRIu64" modified, %"PRIu64" deleted, %"PRIu64
                  " refused, %"PRIu64" failed\n", st.n_flows, st.added,
                  st.modified, st.deleted, st.refused, st.failed);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Finds the NIC port that 'name' designates: an "fp" interface name, or
 * DEVICE:PORT such as "fp0:vf1". */
static char *
fp_unixctl_parse_port(const char *name, struct fp_device **devp,
                      uint32_t *portp)
{
    const char *colon = strchr(name, ':');
    struct netdev *netdev;
    bool bound;

    if (colon) {
        char *dev_name = xmemdup0(name, colon - name);

        *devp = fp_device_find(dev_name);
        free(dev_name);
        if (!*devp) {
            return xasprintf("%s: no such fp device", name);
        }
        if (fp_port_from_string(*devp, colon + 1, portp)) {
            return xasprintf("%s: no such port", name);
        }
        return NULL;
    }

    netdev = netdev_from_name(name);
    bound = netdev && netdev_fp_get_port(netdev, devp, portp);
    netdev_close(netdev);
    return (bound ? NULL
            : xasprintf("%s: no fp interface bound to a NIC port by this "
                        "name (or use DEVICE:PORT, e.g. fp0:vf1)", name));
}

/* Parses 's', a packet in hex or an ODP flow (as in
 * netdev-dummy/receive), into a new packet in '*packetp'.  Returns NULL or
 * an error message that the caller must free. */
static char *
fp_unixctl_parse_packet(const char *s, struct dp_packet **packetp)
{
    enum odp_key_fitness fitness;
    struct ofpbuf odp_key;
    char *error = NULL;
    struct flow flow;

    if (!eth_from_hex(s, packetp)) {
        return NULL;
    }

    ofpbuf_init(&odp_key, 0);
    if (odp_flow_from_string(s, NULL, &odp_key, NULL, &error)) {
        goto out;
    }
    fitness = odp_flow_key_to_flow(odp_key.data, odp_key.size, &flow, &error);
    if (fitness == ODP_FIT_ERROR) {
        goto out;
    }
    *packetp = dp_packet_new(0);
    flow_compose(*packetp, &flow, NULL, 64);

out:
    ofpbuf_uninit(&odp_key);
    if (error) {
        char *msg = xasprintf("bad packet '%s': %s", s, error);
        free(error);
        return msg;
    }
    return NULL;
}

/* fp/inject PORT PACKET...: brings each PACKET into NIC port PORT from
 * the outside (the wire or the VM), as if it had been received there.
 * Returns once the NIC has processed every packet. */
static void
fp_unixctl_inject(struct unixctl_conn *conn, int argc, const char *argv[],
                  void *aux OVS_UNUSED)
{
    struct fp_device *dev;
    uint32_t port;
    char *error;
    int i;

    ovs_offload_init();
    error = fp_unixctl_parse_port(argv[1], &dev, &port);
    for (i = 2; !error && i < argc; i++) {
        struct dp_packet *packet = NULL;
        int err;

        error = fp_unixctl_parse_packet(argv[i], &packet);
        if (error) {
            break;
        }
        err = fp_port_inject(dev, port, dp_packet_data(packet),
                             dp_packet_size(packet));
        dp_packet_delete(packet);
        if (err) {
            error = xasprintf("%s: inject failed (%s)", argv[1],
                              ovs_strerror(err));
        }
    }

    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

void
fp_unixctl_register(void)
{
    unixctl_command_register("fp/show", "[DEVICE]", 0, 1,
                             fp_unixctl_show, NULL);
    unixctl_command_register("fp/inject", "PORT PACKET...", 2, INT_MAX,
                             fp_unixctl_inject, NULL);
}
