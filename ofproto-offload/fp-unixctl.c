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
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "dp-packet.h"
#include "flow.h"
#include "fp/fp.h"
#include "netdev-fp.h"
#include "netdev-offload-fp.h"
#include "netdev-provider.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ovs-offload.h"
#include "packets.h"
#include "simap.h"
#include "sset.h"
#include "svec.h"
#include "netdev-offload.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_unixctl);

static void
fp_unixctl_show_port(struct ds *s, const struct fp_device *dev,
                     uint32_t port)
{
    struct fp_port_link link;
    struct fp_port_stats st;
    struct netdev *netdev;
    char name[32];

    fp_port_to_string(dev, port, name, sizeof name);
    netdev = netdev_fp_find_by_port(dev, port);
    fp_port_get_link_state(dev, port, &link);
    ds_put_format(s, "  %s: %s%s\n", name,
                  netdev ? netdev_get_name(netdev) : "(no interface)",
                  link.up ? "" : " (link down)");
    netdev_close(netdev);

    fp_port_get_stats(dev, port, &st);
    ds_put_format(s, "    rx: %"PRIu64" packets, %"PRIu64" bytes; "
                  "tx: %"PRIu64" packets, %"PRIu64" bytes\n",
                  st.rx_packets, st.rx_bytes, st.tx_packets, st.tx_bytes);
    ds_put_format(s, "    exceptions: %"PRIu64", malformed: %"PRIu64
                  ", drops: %"PRIu64", tx drops: %"PRIu64"\n",
                  st.exceptions, st.malformed, st.drops, st.tx_drops);
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
    if (st.n_meters) {
        ds_put_format(s, "  meters: %"PRIu32" in use of %"PRIu32"\n",
                      st.n_meters, cfg.n_meters);
        netdev_offload_fp_meter_show(dev, s);
    }
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
    struct fp_device *devices[OVS_OFFLOAD_MAX_DEVICES];
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

/* Parses 's', a packet as hexadecimal bytes of an Ethernet frame or as a
 * flow in ODP syntax (from which flow_compose() makes a packet), into a new
 * packet in '*packetp'.  Returns NULL or an error message that the caller
 * must free. */
static char *
fp_unixctl_parse_packet(const char *s, struct dp_packet **packetp)
{
    enum odp_key_fitness fitness;
    struct ofpbuf odp_key;
    char *error = NULL;
    struct flow flow;
    size_t n_hex;

    if (!eth_from_hex(s, packetp)) {
        return NULL;
    }
    n_hex = strspn(s, "0123456789abcdefABCDEF");
    if (n_hex && !s[n_hex] && n_hex % 2 == 0) {
        return xasprintf("bad packet '%s': %"PRIuSIZE" bytes, too short for "
                         "an Ethernet frame (at least %d)", s, n_hex / 2,
                         ETH_HEADER_LEN);
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
 * Returns once the NIC has processed every packet.
 *
 * Runs the command with arguments 'argv' ('argc' of them, argv[0] being
 * the command's name, at least 2 in all).  Returns NULL or an error message
 * that the caller must free.  Apart from fp_unixctl_inject(), the fuzz
 * target tests/fuzz/fuzz-unixctl.c calls it. */
char *
fp_unixctl_inject_args(int argc, const char *argv[])
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
    return error;
}

static void
fp_unixctl_inject(struct unixctl_conn *conn, int argc, const char *argv[],
                  void *aux OVS_UNUSED)
{
    char *error = fp_unixctl_inject_args(argc, argv);

    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

/* fp/set-link PORT up|down: sets the link of NIC port PORT up or down, as
 * a cable plugged or pulled, or a VF's link state; the interface bound to
 * it follows (link_state, carrier, link_resets). */
static void
fp_unixctl_set_link(struct unixctl_conn *conn, int argc OVS_UNUSED,
                    const char *argv[], void *aux OVS_UNUSED)
{
    struct fp_device *dev;
    uint32_t port;
    char *error;
    bool up;

    ovs_offload_init();
    error = fp_unixctl_parse_port(argv[1], &dev, &port);
    if (!error) {
        if (!strcmp(argv[2], "up") || !strcmp(argv[2], "down")) {
            int err;

            up = !strcmp(argv[2], "up");
            err = fp_port_set_link_state(dev, port, up);
            if (err) {
                error = xasprintf("%s: cannot set the link (%s)", argv[1],
                                  ovs_strerror(err));
            }
        } else {
            error = xasprintf("%s: link state must be up or down", argv[2]);
        }
    }

    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

/* Answers fp/explain FLOW [ACTIONS]: a dry run of the offload of a flow in
 * datapath syntax.  Returns NULL or an error message to free. */
static char *
fp_unixctl_explain_flow(const char *flow_s, const char *actions_s,
                        struct ds *reply)
{
    struct simap names = SIMAP_INITIALIZER(&names);
    const char *in_port_name = NULL;
    struct ofpbuf key, mask, actions;
    struct netdev *netdev = NULL;
    struct simap_node *node;
    char *error = NULL;
    struct match match;

    ofpbuf_init(&key, 0);
    ofpbuf_init(&mask, 0);
    ofpbuf_init(&actions, 0);
    netdev_offload_fp_port_names(&names);

    /* The megaflow that dpctl/add-flow would make of 'flow_s': the match
     * that the flow API would get from dpif-netdev, by the same path. */
    if (odp_flow_from_string(flow_s, &names, &key, &mask, &error)) {
        char *msg = xasprintf("bad flow '%s': %s", flow_s,
                              error ? error : "parse error");
        free(error);
        error = msg;
        goto out;
    }
    if (netdev_offload_fp_match_from_odp(key.data, key.size, mask.data,
                                         mask.size, &match, &error)) {
        char *msg = xasprintf("bad flow '%s': dpif-netdev would not take "
                              "it: %s", flow_s, error);
        free(error);
        error = msg;
        goto out;
    }
    if (actions_s && odp_actions_from_string(actions_s, &names, &actions)) {
        error = xasprintf("bad actions '%s'", actions_s);
        goto out;
    }

    /* The flow's in_port: an "fp" interface, by datapath port number. */
    SIMAP_FOR_EACH (node, &names) {
        if (node->data == odp_to_u32(match.flow.in_port.odp_port)) {
            in_port_name = node->name;
            netdev = netdev_from_name(node->name);
            if (netdev && !netdev_fp_is_fp(netdev)) {
                netdev_close(netdev);
                netdev = NULL;
            }
            break;
        }
    }
    if (!netdev) {
        error = (in_port_name
                 ? xasprintf("in_port %s is not an fp interface: no NIC can "
                             "offload its flows", in_port_name)
                 : xasprintf("in_port %"PRIu32" is not a port of a datapath "
                             "with fp interfaces",
                             odp_to_u32(match.flow.in_port.odp_port)));
        goto out;
    }
    netdev_offload_fp_explain_flow(netdev, &match, actions.data,
                                   actions.size, reply);
    ds_put_char(reply, '\n');
    netdev_close(netdev);

out:
    simap_destroy(&names);
    ofpbuf_uninit(&key);
    ofpbuf_uninit(&mask);
    ofpbuf_uninit(&actions);
    return error;
}

/* fp/explain [UFID | FLOW [ACTIONS]]: the verdict on each datapath flow,
 * on flow UFID, or what would happen to a flow given in datapath syntax
 * (with its actions, default: drop).
 *
 * Runs the command with arguments 'argv' ('argc' of them, argv[0] being
 * the command's name, 1 to 3 in all) and appends its answer to 'reply'.
 * Returns NULL or an error message that the caller must free.  Apart from
 * fp_unixctl_explain(), the fuzz target tests/fuzz/fuzz-unixctl.c calls
 * it. */
char *
fp_unixctl_explain_args(int argc, const char *argv[], struct ds *reply)
{
    ovs_u128 ufid;

    if (argc == 1) {
        netdev_offload_fp_explain_all(reply);
    } else if (argc == 2 && odp_ufid_from_string(argv[1], &ufid) > 0) {
        if (!netdev_offload_fp_explain_ufid(&ufid, reply)) {
            return xasprintf("%s: no such flow in the offload layer (it may "
                             "still be queued for offload in dpif-netdev, "
                             "see dpctl/offload-stats-show, or hw-offload "
                             "may be off)", argv[1]);
        }
    } else {
        return fp_unixctl_explain_flow(argv[1], argc > 2 ? argv[2] : NULL,
                                       reply);
    }
    return NULL;
}

static void
fp_unixctl_explain(struct unixctl_conn *conn, int argc, const char *argv[],
                   void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    char *error = fp_unixctl_explain_args(argc, argv, &s);

    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        unixctl_command_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

/* fp/offload-stats: flows by verdict, offload events, and the count of each
 * reason for refusal, partial offload or failure; then, per device, the
 * occupancy of its tables. */
static void
fp_unixctl_offload_stats(struct unixctl_conn *conn, int argc OVS_UNUSED,
                         const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct fp_device *devices[OVS_OFFLOAD_MAX_DEVICES];
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t i, n;

    ovs_offload_init();
    netdev_offload_fp_format_stats(&s);
    n = fp_device_list(devices, ARRAY_SIZE(devices));
    for (i = 0; i < n; i++) {
        struct fp_device_config cfg;
        struct fp_device_stats st;

        fp_device_get_config(devices[i], &cfg);
        fp_device_get_stats(devices[i], &st);
        ds_put_format(&s, "%s: rules %"PRIu32"/%"PRIu32", masks %"PRIu32
                      "/%"PRIu32", meters %"PRIu32"/%"PRIu32", counters %"
                      PRIu32"/%"PRIu32"\n", fp_device_name(devices[i]),
                      st.n_rules, cfg.n_rules, st.n_masks, cfg.n_masks,
                      st.n_meters, cfg.n_meters, st.n_counters,
                      cfg.n_counters);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* fp/reset DEVICE: resets DEVICE, as after a firmware fault.  Its flows
 * are evicted and go back into it as room allows. */
static void
fp_unixctl_reset(struct unixctl_conn *conn, int argc OVS_UNUSED,
                 const char *argv[], void *aux OVS_UNUSED)
{
    struct fp_device *dev;
    int error;

    ovs_offload_init();
    dev = fp_device_find(argv[1]);
    if (!dev) {
        unixctl_command_reply_error(conn, "no such fp device");
        return;
    }
    netdev_fp_save_stats(dev);
    error = fp_device_reset(dev);
    if (error) {
        char *msg = xasprintf("%s: reset failed (%s)", argv[1],
                              ovs_strerror(error));
        unixctl_command_reply_error(conn, msg);
        free(msg);
    } else {
        unixctl_command_reply(conn, NULL);
    }
}

/* The names of the kinds of device operations, as fp/fail-next takes
 * them. */
static const char *const fp_unixctl_ops[FP_N_OPS] = {
    [FP_OP_RULE_ADD] = "rule-add",
    [FP_OP_RULE_MODIFY] = "rule-modify",
    [FP_OP_RULE_DELETE] = "rule-delete",
    [FP_OP_RULE_STATS] = "rule-stats",
    [FP_OP_METER] = "meter",
    [FP_OP_COUNTER] = "counter",
    [FP_OP_PORT_SEND] = "port-send",
    [FP_OP_RESET] = "reset",
    [FP_OP_VLAN_LIMIT] = "vlan-limit",
};

/* fp/fail-next DEVICE OPERATION N [ERRNO]: makes the next N operations of
 * a kind on DEVICE fail with ERRNO (default EIO), to see that nothing is
 * lost when a device fails.  N 0 cancels. */
static void
fp_unixctl_fail_next(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *aux OVS_UNUSED)
{
    const char *const *ops = fp_unixctl_ops;
    struct fp_device *dev;
    unsigned int n;
    int op, error = EIO;

    ovs_offload_init();
    dev = fp_device_find(argv[1]);
    if (!dev) {
        unixctl_command_reply_error(conn, "no such fp device");
        return;
    }
    for (op = 0; op < FP_N_OPS; op++) {
        if (!strcmp(argv[2], ops[op])) {
            break;
        }
    }
    if (op == FP_N_OPS) {
        unixctl_command_reply_error(conn, "unknown operation (rule-add, "
                                    "rule-modify, rule-delete, rule-stats, "
                                    "meter, counter, port-send, reset, "
                                    "vlan-limit)");
        return;
    }
    if (!str_to_uint(argv[3], 10, &n)
        || (argc > 4 && (!str_to_int(argv[4], 10, &error) || error <= 0))) {
        unixctl_command_reply_error(conn, "N and ERRNO are positive "
                                    "numbers");
        return;
    }
    fp_device_fail_next(dev, op, n, error);
    unixctl_command_reply(conn, NULL);
}

/* fp/fail-random DEVICE [PERCENT [SEED [ERRNO]]]: with PERCENT, makes
 * that share of DEVICE's table operations (rules, counter reads, meters,
 * counters) fail at random with ERRNO (default EIO), reproducibly by SEED
 * (default 0); PERCENT 0 cancels.  Without, prints how many operations
 * were considered and made to fail since it was set. */
static void
fp_unixctl_fail_random(struct unixctl_conn *conn, int argc,
                       const char *argv[], void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct fp_fault_stats st;
    struct fp_device *dev;
    unsigned int seed = 0;
    int op, error = EIO;
    const char *sep;
    uint64_t n_failed;
    double percent;
    char *tail;

    ovs_offload_init();
    dev = fp_device_find(argv[1]);
    if (!dev) {
        unixctl_command_reply_error(conn, "no such fp device");
        return;
    }
    if (argc > 2) {
        percent = strtod(argv[2], &tail);
        if (*tail || !(percent >= 0 && percent <= 100)
            || (argc > 3 && !str_to_uint(argv[3], 10, &seed))
            || (argc > 4 && (!str_to_int(argv[4], 10, &error)
                             || error <= 0))) {
            unixctl_command_reply_error(conn, "PERCENT is a number from 0 "
                                        "to 100, SEED and ERRNO positive "
                                        "numbers");
            return;
        }
        fp_device_fail_random(dev, percent * 10000 + 0.5, seed, error);
        unixctl_command_reply(conn, NULL);
        return;
    }

    if (!fp_device_get_fault_stats(dev, &st)) {
        unixctl_command_reply(conn, "no faults at random\n");
        return;
    }
    n_failed = 0;
    for (op = 0; op < FP_N_OPS; op++) {
        n_failed += st.n_failed[op];
    }
    ds_put_format(&s, "%"PRIu64" operations, %"PRIu64" failed", st.n_ops,
                  n_failed);
    sep = ":";
    for (op = 0; op < FP_N_OPS; op++) {
        if (st.n_failed[op]) {
            ds_put_format(&s, "%s %s %"PRIu64, sep, fp_unixctl_ops[op],
                          st.n_failed[op]);
            sep = ",";
        }
    }
    ds_put_char(&s, '\n');
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

void
fp_unixctl_register(void)
{
    unixctl_command_register("fp/show", "[DEVICE]", 0, 1,
                             fp_unixctl_show, NULL);
    unixctl_command_register("fp/inject", "PORT PACKET...", 2, INT_MAX,
                             fp_unixctl_inject, NULL);
    unixctl_command_register("fp/set-link", "PORT up|down", 2, 2,
                             fp_unixctl_set_link, NULL);
    unixctl_command_register("fp/explain", "[UFID | FLOW [ACTIONS]]", 0, 2,
                             fp_unixctl_explain, NULL);
    unixctl_command_register("fp/offload-stats", "", 0, 0,
                             fp_unixctl_offload_stats, NULL);
    unixctl_command_register("fp/reset", "DEVICE", 1, 1,
                             fp_unixctl_reset, NULL);
    unixctl_command_register("fp/fail-next", "DEVICE OPERATION N [ERRNO]",
                             3, 4, fp_unixctl_fail_next, NULL);
    unixctl_command_register("fp/fail-random",
                             "DEVICE [PERCENT [SEED [ERRNO]]]", 1, 4,
                             fp_unixctl_fail_random, NULL);
}
