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
#include "netdev-fp-evb.h"
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

/* Returns true if the VF policy dropped a frame with 'verdict'. */
static bool
fp_unixctl_vf_dropped(int verdict)
{
    return (verdict == FP_VF_SPOOFED || verdict == FP_VF_TAGGED
            || verdict == FP_VF_OTHER_VLAN || verdict == FP_VF_FILTERED
            || verdict == FP_VF_LINK_DOWN);
}

static void
fp_unixctl_show_port(struct ds *s, const struct fp_device *dev,
                     uint32_t port)
{
    struct fp_port_policer policer;
    struct fp_vf_hotplug hotplug;
    struct fp_port_link link;
    struct fp_port_stats st;
    struct netdev *netdev;
    char name[32];
    uint32_t q;

    fp_port_to_string(dev, port, name, sizeof name);
    netdev = netdev_offload_fp_find_by_port(dev, port);
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
    netdev_fp_evb_show_port(s, dev, port);

    fp_port_get_vf_hotplug(dev, port, &hotplug);
    if (hotplug.unplugged || hotplug.unplugs) {
        ds_put_format(s, "    hot-plug: %s; unplugs: %"PRIu64", drops while "
                      "unplugged: %"PRIu64"\n",
                      hotplug.unplugged ? "unplugged" : "plugged in",
                      hotplug.unplugs, hotplug.drops);
    }

    fp_port_get_policer(dev, port, &policer);
    if (policer.kbits_rate || policer.kpkts_rate || st.policer_drops) {
        ds_put_cstr(s, "    policer:");
        if (policer.kbits_rate) {
            ds_put_format(s, " %"PRIu32" kbps burst %"PRIu32" kb%s",
                          policer.kbits_rate, policer.kbits_burst,
                          policer.kpkts_rate ? "," : "");
        }
        if (policer.kpkts_rate) {
            ds_put_format(s, " %"PRIu32" kpps burst %"PRIu32" kpkts",
                          policer.kpkts_rate, policer.kpkts_burst);
        }
        if (!policer.kbits_rate && !policer.kpkts_rate) {
            ds_put_cstr(s, " none");
        }
        ds_put_format(s, "; drops: %"PRIu64"\n", st.policer_drops);
    }

    /* A port without queue 0 has no egress QoS: one call for it, not one
     * per queue and VF, which a NIC of thousands of ports feels. */
    for (q = 0; q < FP_QOS_N_QUEUES + fp_device_n_ports(dev); q++) {
        struct fp_queue_stats qs;

        if (fp_port_get_queue_stats(dev, port, q, &qs)) {
            if (!q) {
                break;
            }
            continue;
        }
        if (q < FP_QOS_N_QUEUES) {
            ds_put_format(s, "    queue %"PRIu32":", q);
        } else {
            fp_port_to_string(dev, q - FP_QOS_N_QUEUES, name, sizeof name);
            ds_put_format(s, "    %s share:", name);
        }
        ds_put_format(s, " tx %"PRIu64" packets, %"PRIu64" bytes, %"PRIu64
                      " drops, %"PRIu64" queued\n", qs.tx_packets,
                      qs.tx_bytes, qs.tx_drops, qs.backlog);
    }
    fp_unixctl_show_vf(s, dev, port);
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
    if (st.recirculations || st.recirc_exceeded) {
        ds_put_format(s, "  recirculations: %"PRIu64" passes, %"PRIu64
                      " misses, %"PRIu64" beyond the limit\n",
                      st.recirculations, st.recirc_misses,
                      st.recirc_exceeded);
    }
    netdev_fp_evb_show_device(s, dev);
    if (st.n_meters) {
        ds_put_format(s, "  meters: %"PRIu32" in use of %"PRIu32"\n",
                      st.n_meters, cfg.n_meters);
        netdev_offload_fp_meter_show(dev, s);
    }
    for (port = 0; port < fp_device_n_ports(dev); port++) {
        if (!strcmp(fp_device_driver(dev), "rte_flow")) {
            /* It has a port number for every possible DPDK port: only
             * those of a "dpdk" interface that the flow API claimed. */
            struct netdev *netdev = netdev_offload_fp_find_by_port(dev,
                                                                   port);

            netdev_close(netdev);
            if (!netdev) {
                continue;
            }
        }
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
    netdev_fp_evb_show_errors(&s);

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

/* Appends to 's' the name of NIC 'port' of 'dev' and, in parentheses, the
 * interface bound to it, if any: "vf1 (p2)". */
static void
fp_unixctl_put_port(struct ds *s, const struct fp_device *dev, uint32_t port)
{
    struct netdev *netdev;
    char name[32];

    fp_port_to_string(dev, port, name, sizeof name);
    ds_put_cstr(s, name);
    netdev = netdev_fp_find_by_port(dev, port);
    if (netdev) {
        ds_put_format(s, " (%s)", netdev_get_name(netdev));
        netdev_close(netdev);
    }
}

static void
fp_unixctl_put_hex(struct ds *s, const uint8_t *data, size_t size)
{
    size_t i;

    for (i = 0; i < size; i++) {
        ds_put_format(s, "%02"PRIx8, data[i]);
    }
}

/* Appends to 's' the IPv6 address in the 16 bytes at 'p'. */
static void
fp_unixctl_put_ipv6(struct ds *s, const uint8_t *p)
{
    struct in6_addr addr;

    memcpy(&addr, p, sizeof addr);
    ipv6_format_addr(&addr, s);
}

static bool
fp_unixctl_is_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    size_t i;

    for (i = 0; i < n; i++) {
        if (b[i]) {
            return false;
        }
    }
    return true;
}

/* Appends to 's' the fields of 'key', a key that the parser of 'dev'
 * extracted, with OVS's field names: in_port and the Ethernet fields always,
 * the others if nonzero (a packet that lacks a field has it zero). */
static void
fp_unixctl_put_key(struct ds *s, const struct fp_device *dev,
                   const struct fp_key *key)
{
    char name[32];
    size_t i;

    fp_port_to_string(dev, key->in_port, name, sizeof name);
    ds_put_format(s, "in_port=%s,dl_src="ETH_ADDR_FMT",dl_dst="ETH_ADDR_FMT,
                  name, ETH_ADDR_BYTES_ARGS(key->eth_src),
                  ETH_ADDR_BYTES_ARGS(key->eth_dst));
    for (i = 0; i < ARRAY_SIZE(key->vlans); i++) {
        if (key->vlans[i].tci || key->vlans[i].tpid) {
            ds_put_format(s, ",vlan%"PRIuSIZE"(tpid=0x%04"PRIx16
                          ",tci=0x%04"PRIx16")", i,
                          ntohs(key->vlans[i].tpid),
                          ntohs(key->vlans[i].tci));
        }
    }
    ds_put_format(s, ",dl_type=0x%04"PRIx16, ntohs(key->eth_type));
    if (key->nw_src || key->nw_dst) {
        ds_put_format(s, ",nw_src="IP_FMT",nw_dst="IP_FMT,
                      IP_ARGS(key->nw_src), IP_ARGS(key->nw_dst));
    }
    if (!fp_unixctl_is_zero(key->ipv6_src, 16)
        || !fp_unixctl_is_zero(key->ipv6_dst, 16)) {
        ds_put_cstr(s, ",ipv6_src=");
        fp_unixctl_put_ipv6(s, key->ipv6_src);
        ds_put_cstr(s, ",ipv6_dst=");
        fp_unixctl_put_ipv6(s, key->ipv6_dst);
    }
    if (key->ipv6_label) {
        ds_put_format(s, ",ipv6_label=0x%05"PRIx32, ntohl(key->ipv6_label));
    }
    if (key->nw_proto) {
        ds_put_format(s, ",nw_proto=%"PRIu8, key->nw_proto);
    }
    if (key->nw_tos) {
        ds_put_format(s, ",nw_tos=%"PRIu8, key->nw_tos);
    }
    if (key->nw_ttl) {
        ds_put_format(s, ",nw_ttl=%"PRIu8, key->nw_ttl);
    }
    if (key->ip_frag) {
        ds_put_format(s, ",nw_frag=%s",
                      key->ip_frag & FP_IP_FRAG_LATER ? "later" : "first");
    }
    if (key->tcp_flags) {
        ds_put_format(s, ",tcp_flags=0x%03"PRIx16, ntohs(key->tcp_flags));
    }
    if (!fp_unixctl_is_zero(key->nd_target, 16)) {
        ds_put_cstr(s, ",nd_target=");
        fp_unixctl_put_ipv6(s, key->nd_target);
    }
    if (!fp_unixctl_is_zero(key->arp_sha, 6)) {
        ds_put_format(s, ",arp_sha="ETH_ADDR_FMT,
                      ETH_ADDR_BYTES_ARGS(key->arp_sha));
    }
    if (!fp_unixctl_is_zero(key->arp_tha, 6)) {
        ds_put_format(s, ",arp_tha="ETH_ADDR_FMT,
                      ETH_ADDR_BYTES_ARGS(key->arp_tha));
    }
    if (key->tp_src || key->tp_dst) {
        ds_put_format(s, ",tp_src=%"PRIu16",tp_dst=%"PRIu16,
                      ntohs(key->tp_src), ntohs(key->tp_dst));
    }
    if (key->tun_type) {
        ds_put_format(s, ",tun=%s,tun_vni=%"PRIu32,
                      key->tun_type == FP_TUN_VXLAN ? "vxlan" : "geneve",
                      key->tun_vni);
    }
    if (key->recirc_id) {
        ds_put_format(s, ",recirc_id=%#"PRIx32",dp_hash=%#"PRIx32,
                      key->recirc_id, key->dp_hash);
    }
}

/* Appends to 's' the FP_ACTION_SET_* action 'a': the field's name, its new
 * value and, if not every bit is set, the mask. */
static void
fp_unixctl_put_set(struct ds *s, const struct fp_action *a)
{
    static const char *const names[FP_N_ACTION_TYPES] = {
        [FP_ACTION_SET_VLAN] = "vlan_tci",
        [FP_ACTION_SET_ETH_SRC] = "eth_src",
        [FP_ACTION_SET_ETH_DST] = "eth_dst",
        [FP_ACTION_SET_IPV4_SRC] = "ipv4_src",
        [FP_ACTION_SET_IPV4_DST] = "ipv4_dst",
        [FP_ACTION_SET_IPV4_TOS] = "ipv4_tos",
        [FP_ACTION_SET_IPV4_TTL] = "ipv4_ttl",
        [FP_ACTION_SET_IPV6_SRC] = "ipv6_src",
        [FP_ACTION_SET_IPV6_DST] = "ipv6_dst",
        [FP_ACTION_SET_IPV6_TCLASS] = "ipv6_tclass",
        [FP_ACTION_SET_IPV6_HLIM] = "ipv6_hlimit",
        [FP_ACTION_SET_TP_SRC] = "tp_src",
        [FP_ACTION_SET_TP_DST] = "tp_dst",
    };
    size_t i, n = 0;
    bool exact = true;

    if (a->type == FP_ACTION_SET_VLAN || a->type == FP_ACTION_SET_TP_SRC
        || a->type == FP_ACTION_SET_TP_DST) {
        n = 2;
    } else if (a->type == FP_ACTION_SET_ETH_SRC
               || a->type == FP_ACTION_SET_ETH_DST) {
        n = 6;
    } else if (a->type == FP_ACTION_SET_IPV4_SRC
               || a->type == FP_ACTION_SET_IPV4_DST) {
        n = 4;
    } else if (a->type == FP_ACTION_SET_IPV6_SRC
               || a->type == FP_ACTION_SET_IPV6_DST) {
        n = 16;
    } else {
        n = 1;
    }
    for (i = 0; i < n; i++) {
        exact = exact && a->set.mask[i] == 0xff;
    }

    ds_put_format(s, "set %s=", names[a->type]);
    if (n == 6) {
        ds_put_format(s, ETH_ADDR_FMT, ETH_ADDR_BYTES_ARGS(a->set.value));
    } else if (n == 4) {
        ovs_be32 ip;

        memcpy(&ip, a->set.value, sizeof ip);
        ds_put_format(s, IP_FMT, IP_ARGS(ip));
    } else if (n == 16) {
        fp_unixctl_put_ipv6(s, a->set.value);
    } else {
        ds_put_cstr(s, "0x");
        fp_unixctl_put_hex(s, a->set.value, n);
    }
    if (!exact) {
        ds_put_cstr(s, "/0x");
        fp_unixctl_put_hex(s, a->set.mask, n);
    }
}

static const char *
fp_unixctl_host_fate(enum fp_trace_host host)
{
    switch (host) {
    case FP_TRACE_HOST_QUEUED:
        return "";
    case FP_TRACE_HOST_NO_REPRESENTOR:
        return ": dropped, no representor is attached";
    case FP_TRACE_HOST_QUEUE_FULL:
        return ": dropped, its queue is full";
    case FP_TRACE_HOST_NONE:
    default:
        return ": not sent";
    }
}

/* Appends to 's' action 'a' of a rule of 'dev', as a trace's step 'step'
 * recorded it (NULL: only the action), for a packet that came in on
 * 'in_port'. */
static void
fp_unixctl_put_action(struct ds *s, const struct fp_device *dev,
                      uint32_t in_port, const struct fp_action *a,
                      const struct fp_trace_step *step, bool dry)
{
    const struct fp_trace_meter *tm;
    size_t i;

    switch (a->type) {
    case FP_ACTION_OUTPUT:
        ds_put_cstr(s, "output ");
        fp_unixctl_put_port(s, dev, a->port);
        if (step && step->vf == FP_VF_LINK_DOWN) {
            ds_put_cstr(s, ": VF link state down, dropped");
        } else if (step && step->link_down) {
            ds_put_cstr(s, ": link down, dropped");
        } else if (step && step->vf != FP_VF_NONE) {
            ds_put_format(s, ": VF policy %s%s", fp_vf_verdict_name(step->vf),
                          fp_unixctl_vf_dropped(step->vf) ? ", dropped" : "");
        }
        break;
    case FP_ACTION_PUSH_VLAN:
        ds_put_format(s, "push_vlan tpid=0x%04"PRIx16",tci=0x%04"PRIx16,
                      ntohs(a->vlan.tpid), ntohs(a->vlan.tci));
        break;
    case FP_ACTION_POP_VLAN:
        ds_put_cstr(s, "pop_vlan");
        break;
    case FP_ACTION_DROP:
        ds_put_cstr(s, "drop");
        break;
    case FP_ACTION_DEC_TTL:
        ds_put_cstr(s, "dec_ttl");
        if (step && step->stop) {
            ds_put_cstr(s, ": TTL 0 or 1, to software via ");
            fp_unixctl_put_port(s, dev, in_port);
            ds_put_cstr(s, fp_unixctl_host_fate(step->host));
        }
        break;
    case FP_ACTION_METER:
        ds_put_format(s, "meter %"PRIu32, a->meter_id);
        if (!step) {
            break;
        }
        tm = &step->meter;
        ds_put_format(s, ": %s%s", (tm->color == 0 ? "green"
                                    : tm->color == 1 ? "yellow" : "red"),
                      (tm->color == 2 ? " (drop)"
                       : tm->color == 1 && tm->config.type == FP_METER_BANDS
                       ? " (dscp_remark)" : ""));
        if (tm->config.type == FP_METER_BANDS) {
            for (i = 0; i < tm->config.n_bands; i++) {
                const struct fp_meter_band *b = &tm->config.bands[i];

                ds_put_format(s, "; band %"PRIuSIZE" (rate %"PRIu32
                              " %s, burst %"PRIu32" %s): %"PRIu64" of %"
                              PRIu64" %s", i, b->rate,
                              tm->config.pkts ? "pktps" : "kbps", b->burst,
                              tm->config.pkts ? "packets" : "kbit",
                              tm->levels[i], (uint64_t) b->burst * 1000,
                              tm->config.pkts ? "millipackets" : "bits");
            }
        } else {
            const char *unit = tm->config.pkts ? "packets" : "bytes";

            ds_put_format(s, "; committed %"PRIu64" of %"PRIu64" %s, %s %"
                          PRIu64" of %"PRIu64" %s", tm->levels[0],
                          tm->config.cbs, unit,
                          tm->config.type == FP_METER_SRTCM
                          ? "excess" : "peak",
                          tm->levels[1], tm->config.ebs, unit);
        }
        if (dry) {
            ds_put_cstr(s, " (not taken)");
        }
        break;
    case FP_ACTION_MARK:
        ds_put_format(s, "mark %"PRIu32, a->mark);
        break;
    case FP_ACTION_SET_QUEUE:
        ds_put_format(s, "set_queue %"PRIu32, a->queue);
        break;
    case FP_ACTION_HASH:
        ds_put_format(s, "hash %s basis %"PRIu32,
                      a->hash.alg == FP_HASH_L4 ? "l4" : "sym_l4",
                      a->hash.basis);
        break;
    case FP_ACTION_RECIRC:
        ds_put_format(s, "recirc %#"PRIx32, a->recirc_id);
        break;
    case FP_ACTION_COUNT:
        ds_put_format(s, "count in shared counter %"PRIu32"%s",
                      a->counter_id, dry ? " (not counted)" : "");
        break;
    case FP_ACTION_EXCEPTION:
        ds_put_cstr(s, "exception: to software via ");
        fp_unixctl_put_port(s, dev, in_port);
        if (step) {
            ds_put_cstr(s, fp_unixctl_host_fate(step->host));
        }
        break;
    case FP_ACTION_SET_VLAN:
    case FP_ACTION_SET_ETH_SRC:
    case FP_ACTION_SET_ETH_DST:
    case FP_ACTION_SET_IPV4_SRC:
    case FP_ACTION_SET_IPV4_DST:
    case FP_ACTION_SET_IPV4_TOS:
    case FP_ACTION_SET_IPV4_TTL:
    case FP_ACTION_SET_IPV6_SRC:
    case FP_ACTION_SET_IPV6_DST:
    case FP_ACTION_SET_IPV6_TCLASS:
    case FP_ACTION_SET_IPV6_HLIM:
    case FP_ACTION_SET_TP_SRC:
    case FP_ACTION_SET_TP_DST:
        fp_unixctl_put_set(s, a);
        break;
    case FP_N_ACTION_TYPES:
    default:
        ds_put_format(s, "action %d", a->type);
        break;
    }
}

/* Appends to 's' the outcome of lookup pass 'trace' of a packet that came
 * in on NIC port 'port' of 'dev', as fp_unixctl_put_outcome() says.
 * Returns the trace of the next pass, if the packet recirculated in the
 * NIC, otherwise NULL. */
static const struct fp_trace *
fp_unixctl_put_pass_outcome(struct ds *s, const struct fp_device *dev,
                            uint32_t port, const struct fp_trace *trace,
                            struct hmap *dp_flows)
{
    bool stopped = false;
    size_t i, n_out = 0;

    if (!trace->hit) {
        ds_put_format(s, "%s: to software via ",
                      trace->parse_error ? "malformed" : "miss");
        fp_unixctl_put_port(s, dev, port);
        if (trace->pass) {
            ds_put_format(s, " at recirc_id %#"PRIx32, trace->key.recirc_id);
        }
        ds_put_cstr(s, fp_unixctl_host_fate(trace->miss));
        return NULL;
    }

    if (trace->rule_id) {
        ds_put_format(s, "hit rule %"PRIu32" (", trace->rule_id);
        if (!netdev_offload_fp_explain_rule(dev, trace->rule_id, false,
                                            dp_flows, s)) {
            ds_put_cstr(s, "no datapath flow");
        }
        ds_put_cstr(s, "): ");
    } else {
        ds_put_cstr(s, "hit a rule deleted since: ");
    }

    for (i = 0; i < trace->n_steps; i++) {
        const struct fp_trace_step *step = &trace->steps[i];
        const struct fp_action *a = &step->action;

        if (a->type == FP_ACTION_OUTPUT) {
            ds_put_format(s, "%s", n_out++ ? ", " : "output ");
            fp_unixctl_put_port(s, dev, a->port);
            if (step->vf == FP_VF_LINK_DOWN) {
                ds_put_cstr(s, " (VF link state down, dropped)");
            } else if (step->link_down) {
                ds_put_cstr(s, " (link down, dropped)");
            } else if (fp_unixctl_vf_dropped(step->vf)) {
                ds_put_format(s, " (VF policy: %s, dropped)",
                              fp_vf_verdict_name(step->vf));
            } else if (step->vf == FP_VF_VLAN_POPPED) {
                ds_put_cstr(s, " (port VLAN popped)");
            }
            netdev_fp_evb_put_output(s, dev, trace, i);
        } else if (a->type == FP_ACTION_EXCEPTION
                   || (a->type == FP_ACTION_DEC_TTL && step->stop)) {
            ds_put_format(s, "%sto software via ", n_out++ ? ", " : "");
            fp_unixctl_put_port(s, dev, port);
            ds_put_cstr(s, fp_unixctl_host_fate(step->host));
        } else if (a->type == FP_ACTION_RECIRC) {
            /* The last action: a new pass, or the host beyond the limit. */
            ds_put_format(s, "%srecirc %#"PRIx32, n_out++ ? ", then " : "",
                          a->recirc_id);
            if (trace->next) {
                ds_put_cstr(s, "; ");
                return trace->next;
            } else if (trace->recirc_exceeded) {
                ds_put_format(s, ": beyond %d recirculations, to software "
                              "via ", FP_MAX_RECIRC);
                fp_unixctl_put_port(s, dev, port);
                ds_put_format(s, " at recirc_id %#"PRIx32"%s", a->recirc_id,
                              fp_unixctl_host_fate(trace->recirc_host));
            }
        }
        if (step->stop && a->type != FP_ACTION_DEC_TTL) {
            const char *sep = n_out ? ", then " : "";

            stopped = true;
            if (a->type == FP_ACTION_METER) {
                ds_put_format(s, "%sdrop (meter %"PRIu32" red)", sep,
                              a->meter_id);
            } else {
                ds_put_format(s, "%sdrop", sep);
            }
        }
    }
    if (!n_out && !stopped) {
        ds_put_cstr(s, "drop (no output)");
    }
    return NULL;
}

/* Appends to 's' the outcome of 'trace', of a packet that came in on NIC
 * port 'port' of 'dev', on one line without a newline: the rule it hit
 * (with the ufid and verdict of the datapath flow it belongs to, looked up
 * with 'dp_flows' as netdev_offload_fp_explain_rule() says) or the miss,
 * then where the packet went; for a packet that recirculated in the NIC,
 * the same for each lookup pass, separated by "; ".  fp/trace ends with
 * it, fp/inject prints it for every packet. */
static void
fp_unixctl_put_outcome(struct ds *s, const struct fp_device *dev,
                       uint32_t port, const struct fp_trace *trace,
                       struct hmap *dp_flows)
{
    switch (trace->ingress) {
    case FP_TRACE_LINK_DOWN:
        ds_put_cstr(s, "dropped at ingress: link down");
        return;
    case FP_TRACE_VF_UNPLUGGED:
        ds_put_cstr(s, "dropped at ingress: VF unplugged");
        return;
    case FP_TRACE_TOO_BIG:
        ds_put_cstr(s, "dropped at ingress: frame too large");
        return;
    case FP_TRACE_RING_FULL:
        ds_put_cstr(s, "dropped at ingress: RX ring full");
        return;
    case FP_TRACE_POLICED:
        ds_put_cstr(s, "dropped at ingress: policer");
        return;
    case FP_TRACE_VF_POLICY:
        ds_put_format(s, "dropped at ingress: VF policy (%s)",
                      fp_vf_verdict_name(trace->vf));
        return;
    case FP_TRACE_ADMITTED:
    default:
        break;
    }

    if (trace->etag_rx != FP_TRACE_ETAG_NONE) {
        ds_put_cstr(s, "port extension: ");
        netdev_fp_evb_put_etag_rx(s, dev, trace);
        return;
    }
    while (trace) {
        trace = fp_unixctl_put_pass_outcome(s, dev, port, trace, dp_flows);
    }
}

/* Appends to 's' the ingress policer of 'trace' and its buckets as the
 * packet found them. */
static void
fp_unixctl_put_policer_trace(struct ds *s, const struct fp_trace *trace)
{
    const struct fp_port_policer *p = &trace->policer;

    ds_put_cstr(s, "policer");
    if (p->kbits_rate) {
        ds_put_format(s, " %"PRIu32" kbps (%"PRIu64" of %"PRIu64" bytes)",
                      p->kbits_rate, trace->policer_bytes,
                      (uint64_t) p->kbits_burst * 1000 / 8);
    }
    if (p->kpkts_rate) {
        ds_put_format(s, "%s %"PRIu32" kpps (%"PRIu64" of %"PRIu64
                      " packets)", p->kbits_rate ? "," : "", p->kpkts_rate,
                      trace->policer_pkts, (uint64_t) p->kpkts_burst * 1000);
    }
}

/* Appends to 's' what fp/trace shows of lookup pass 'trace' of a packet
 * into NIC port 'port' of 'dev': the parse, the lookup and each action with
 * the packet as it leaves it, if it changed from '*prev' ('*prev_size'
 * bytes), which is updated.  A pass after the first starts with its
 * recirc_id and dp_hash. */
static void
fp_unixctl_put_trace_pass(struct ds *s, const struct fp_device *dev,
                          uint32_t port, const struct fp_trace *trace,
                          const uint8_t **prev_, size_t *prev_size_,
                          struct hmap *dp_flows)
{
    const uint8_t *prev = *prev_;
    size_t prev_size = *prev_size_;
    size_t i;

    if (trace->pass) {
        ds_put_format(s, "\nRecirculation %"PRIu32" (of at most %d): "
                      "recirc_id %#"PRIx32", dp_hash %#"PRIx32"\n",
                      trace->pass, FP_MAX_RECIRC, trace->key.recirc_id,
                      trace->key.dp_hash);
    }
    ds_put_format(s, "\nParse (vlan-limit %u): ", trace->vlan_limit);
    if (trace->parse_error) {
        ds_put_format(s, "malformed (%s)\n",
                      ovs_strerror(trace->parse_error));
    } else {
        fp_unixctl_put_key(s, dev, &trace->key);
        ds_put_char(s, '\n');
    }

    if (!trace->hit) {
        ds_put_format(s, "\n%s: to software via the representor of ",
                      trace->parse_error ? "Malformed" : "Miss");
        fp_unixctl_put_port(s, dev, port);
        if (trace->pass) {
            ds_put_format(s, ", with recirc_id %#"PRIx32" and dp_hash %#"
                          PRIx32", where dpif-netdev resumes",
                          trace->key.recirc_id, trace->key.dp_hash);
        }
        ds_put_format(s, "%s\n", fp_unixctl_host_fate(trace->miss));
        return;
    }

    if (trace->rule_id) {
        ds_put_format(s, "\nRule: hit rule %"PRIu32", priority %"PRIu32
                      "\n", trace->rule_id, trace->priority);
        if (!netdev_offload_fp_explain_rule(dev, trace->rule_id, true,
                                            dp_flows, s)) {
            ds_put_cstr(s, "  (no flow of the flow API has this rule)\n");
        }
    } else {
        ds_put_format(s, "\nRule: hit a rule of priority %"PRIu32" that was "
                      "deleted since\n", trace->priority);
    }

    if (!trace->n_steps) {
        ds_put_cstr(s, "\nActions: none\n");
    }
    for (i = 0; i < trace->n_steps; i++) {
        const struct fp_trace_step *step = &trace->steps[i];

        ds_put_format(s, "\nAction %"PRIuSIZE": ", i + 1);
        fp_unixctl_put_action(s, dev, port, &step->action, step,
                              trace->dry);
        if (step->action.type == FP_ACTION_OUTPUT) {
            netdev_fp_evb_put_output(s, dev, trace, i);
        }
        ds_put_char(s, '\n');
        if (step->size != prev_size
            || memcmp(step->packet, prev, prev_size)) {
            ds_put_format(s, "  packet now %"PRIuSIZE" bytes: ",
                          step->size);
            fp_unixctl_put_hex(s, step->packet, step->size);
            ds_put_char(s, '\n');
        }
        prev = step->packet;
        prev_size = step->size;
    }
    if (trace->recirc_exceeded) {
        ds_put_format(s, "\nRecirculation %"PRIu32": beyond the limit of "
                      "%d: to software via the representor of ",
                      trace->pass + 1, FP_MAX_RECIRC);
        fp_unixctl_put_port(s, dev, port);
        ds_put_format(s, ", with recirc_id %#"PRIx32", where dpif-netdev "
                      "resumes%s\n",
                      trace->steps[trace->n_steps - 1].action.recirc_id,
                      fp_unixctl_host_fate(trace->recirc_host));
    }
    *prev_ = prev;
    *prev_size_ = prev_size;
}

/* Appends to 's' what fp/trace shows of 'trace', a dry trace of 'packet'
 * into NIC port 'port' of 'dev'. */
static void
fp_unixctl_put_trace(struct ds *s, const struct fp_device *dev,
                     uint32_t port, const struct dp_packet *packet,
                     const struct fp_trace *trace)
{
    struct hmap dp_flows = HMAP_INITIALIZER(&dp_flows);
    const uint8_t *prev = dp_packet_data(packet);
    size_t prev_size = dp_packet_size(packet);
    const struct fp_trace *pass;
    struct fp_device_config cfg;

    fp_device_get_config(dev, &cfg);
    ds_put_format(s, "Packet: %"PRIu32" bytes into %s port ",
                  dp_packet_size(packet), fp_device_name(dev));
    fp_unixctl_put_port(s, dev, port);
    ds_put_cstr(s, "\n  ");
    fp_unixctl_put_hex(s, prev, prev_size);

    ds_put_format(s, "\n\n%s policy: ",
                  port < cfg.n_phy_ports ? "Port" : "VF");
    switch (trace->ingress) {
    case FP_TRACE_LINK_DOWN:
        ds_put_cstr(s, trace->vf == FP_VF_LINK_DOWN
                       ? "VF link state down: dropped\n"
                       : "link down: dropped\n");
        goto outcome;
    case FP_TRACE_VF_POLICY:
        ds_put_format(s, "link up, %s: dropped\n",
                      fp_vf_verdict_name(trace->vf));
        goto outcome;
    case FP_TRACE_VF_UNPLUGGED:
        ds_put_cstr(s, "VF unplugged: dropped\n");
        goto outcome;
    case FP_TRACE_TOO_BIG:
        ds_put_cstr(s, "frame too large: dropped\n");
        goto outcome;
    case FP_TRACE_RING_FULL:
        ds_put_cstr(s, "RX ring full: dropped\n");
        goto outcome;
    case FP_TRACE_POLICED:
        ds_put_cstr(s, "link up, ");
        fp_unixctl_put_policer_trace(s, trace);
        ds_put_cstr(s, ": dropped\n");
        goto outcome;
    case FP_TRACE_ADMITTED:
    default:
        ds_put_cstr(s, "link up");
        if (trace->vf == FP_VF_VLAN_PUSHED) {
            ds_put_format(s, ", port VLAN pushed (tpid=0x%04"PRIx16",tci=0x%04"
                          PRIx16")", ntohs(trace->vf_tpid),
                          ntohs(trace->vf_tci));
        } else if (trace->vf != FP_VF_NONE) {
            ds_put_format(s, ", VF policy %s", fp_vf_verdict_name(trace->vf));
        }
        if (trace->policer.kbits_rate || trace->policer.kpkts_rate) {
            ds_put_cstr(s, ", ");
            fp_unixctl_put_policer_trace(s, trace);
        }
        ds_put_cstr(s, ": admitted\n");
        break;
    }

    if (trace->etag_rx != FP_TRACE_ETAG_NONE) {
        ds_put_cstr(s, "\nPort extension: ");
        netdev_fp_evb_put_etag_rx(s, dev, trace);
        ds_put_char(s, '\n');
        goto outcome;
    }
    for (pass = trace; pass; pass = pass->next) {
        fp_unixctl_put_trace_pass(s, dev, port, pass, &prev, &prev_size,
                                  &dp_flows);
    }

outcome:
    ds_put_cstr(s, "\nOutcome: ");
    fp_unixctl_put_outcome(s, dev, port, trace, &dp_flows);
    ds_put_char(s, '\n');
    netdev_offload_fp_explain_done(&dp_flows);
}

/* A command whose answer a function makes, as fp_unixctl_inject_args()
 * does: the function is also what the fuzz target calls. */
struct fp_unixctl_command {
    char *(*run)(int argc, const char *argv[], struct ds *reply);
};

/* Replies to the command with the answer of 'command_', a struct
 * fp_unixctl_command, or with its error. */
static void
fp_unixctl_reply(struct unixctl_conn *conn, int argc, const char *argv[],
                 void *command_)
{
    const struct fp_unixctl_command *command = command_;
    struct ds s = DS_EMPTY_INITIALIZER;
    char *error = command->run(argc, argv, &s);

    if (error) {
        unixctl_command_reply_error(conn, error);
        free(error);
    } else {
        unixctl_command_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

/* fp/inject PORT PACKET...: brings each PACKET into NIC port PORT from
 * the outside (the wire or the VM), as if it had been received there, and
 * appends to 'reply' the outcome of each, one line each: the rule it hit
 * (and the datapath flow of that rule) or the miss, and where it went.
 * Returns once the NIC has processed every packet.
 *
 * Runs the command with arguments 'argv' ('argc' of them, argv[0] being
 * the command's name, at least 2 in all).  Returns NULL or an error message
 * that the caller must free.  Apart from fp_unixctl_reply(), the fuzz
 * target tests/fuzz/fuzz-unixctl.c calls it ('reply' may be NULL). */
char *
fp_unixctl_inject_args(int argc, const char *argv[], struct ds *reply)
{
    struct hmap dp_flows = HMAP_INITIALIZER(&dp_flows);
    struct fp_device *dev;
    uint32_t port;
    char *error;
    int i;

    ovs_offload_init();
    error = fp_unixctl_parse_port(argv[1], &dev, &port);
    for (i = 2; !error && i < argc; i++) {
        struct dp_packet *packet = NULL;
        struct fp_trace trace;
        int err;

        error = fp_unixctl_parse_packet(argv[i], &packet);
        if (error) {
            break;
        }
        err = fp_port_trace(dev, port, dp_packet_data(packet),
                            dp_packet_size(packet), false, &trace);
        if (err == EOPNOTSUPP) {
            err = fp_port_inject(dev, port, dp_packet_data(packet),
                                 dp_packet_size(packet));
            if (!err && reply) {
                ds_put_format(reply, "%s: sent (%s cannot trace)\n",
                              argv[1], fp_device_name(dev));
            }
        } else if (!err && reply) {
            ds_put_format(reply, "%s: ", argv[1]);
            fp_unixctl_put_outcome(reply, dev, port, &trace, &dp_flows);
            ds_put_char(reply, '\n');
        }
        fp_trace_uninit(&trace);
        dp_packet_delete(packet);
        if (err) {
            error = xasprintf("%s: inject failed (%s)", argv[1],
                              ovs_strerror(err));
        }
    }
    netdev_offload_fp_explain_done(&dp_flows);
    return error;
}

/* fp/trace PORT PACKET: what NIC port PORT would do with PACKET coming in
 * from its outside, stage by stage, without doing it: a dry trace through
 * the NIC's own pipeline (see fp_port_trace()).
 *
 * Runs the command with arguments 'argv' (3 of them, argv[0] being the
 * command's name) and appends its answer to 'reply'.  Returns NULL or an
 * error message that the caller must free. */
char *
fp_unixctl_trace_args(int argc OVS_UNUSED, const char *argv[],
                      struct ds *reply)
{
    struct dp_packet *packet = NULL;
    struct fp_trace trace;
    struct fp_device *dev;
    uint32_t port;
    char *error;
    int err;

    ovs_offload_init();
    error = fp_unixctl_parse_port(argv[1], &dev, &port);
    if (!error) {
        error = fp_unixctl_parse_packet(argv[2], &packet);
    }
    if (error) {
        return error;
    }
    err = fp_port_trace(dev, port, dp_packet_data(packet),
                        dp_packet_size(packet), true, &trace);
    if (err) {
        error = xasprintf("%s: trace failed (%s)", argv[1],
                          err == EOPNOTSUPP
                          ? "the driver of this NIC cannot trace"
                          : ovs_strerror(err));
    } else {
        fp_unixctl_put_trace(reply, dev, port, packet, &trace);
    }
    fp_trace_uninit(&trace);
    dp_packet_delete(packet);
    return error;
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

    /* The flow's in_port: an "fp" interface (or a "dpdk" one that the flow
     * API claimed), by datapath port number. */
    SIMAP_FOR_EACH (node, &names) {
        if (node->data == odp_to_u32(match.flow.in_port.odp_port)) {
            struct fp_device *in_dev;
            uint32_t in_port;

            in_port_name = node->name;
            netdev = netdev_from_name(node->name);
            if (netdev && !netdev_fp_is_fp(netdev)
                && !netdev_offload_fp_get_port(netdev, &in_dev, &in_port)) {
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

/* fp/offload-stats: flows by verdict, offload events, and the count of each
 * reason for refusal, partial offload or failure; the meters that no NIC
 * holds, and why; then, per device, the occupancy of its tables. */
static void
fp_unixctl_offload_stats(struct unixctl_conn *conn, int argc OVS_UNUSED,
                         const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct fp_device *devices[OVS_OFFLOAD_MAX_DEVICES];
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t i, n;

    ovs_offload_init();
    netdev_offload_fp_format_stats(&s);
    netdev_offload_fp_meter_format_stats(&s);
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

/* fp/miss-watch [MAX]: how many offloaded flows are watched for misses,
 * of at most how many; with MAX, sets that limit first. */
static void
fp_unixctl_miss_watch(struct unixctl_conn *conn, int argc,
                      const char *argv[], void *aux OVS_UNUSED)
{
    size_t max, armed;

    if (argc > 1) {
        unsigned int n;

        if (!str_to_uint(argv[1], 10, &n)) {
            unixctl_command_reply_error(conn, "MAX must be a number");
            return;
        }
        netdev_offload_fp_set_watch_max(n);
    }
    netdev_offload_fp_get_watch(&max, &armed);

    char *reply = xasprintf("armed: %"PRIuSIZE" offloaded flows of at most "
                            "%"PRIuSIZE"\n", armed, max);
    unixctl_command_reply(conn, reply);
    free(reply);
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
    [FP_OP_PORT_POLICER] = "port-policer",
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
                                    "vlan-limit, port-policer)");
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
    static struct fp_unixctl_command inject = { fp_unixctl_inject_args };
    static struct fp_unixctl_command trace = { fp_unixctl_trace_args };
    static struct fp_unixctl_command explain = { fp_unixctl_explain_args };

    unixctl_command_register("fp/show", "[DEVICE]", 0, 1,
                             fp_unixctl_show, NULL);
    unixctl_command_register("fp/inject", "PORT PACKET...", 2, INT_MAX,
                             fp_unixctl_reply, &inject);
    unixctl_command_register("fp/trace", "PORT PACKET", 2, 2,
                             fp_unixctl_reply, &trace);
    unixctl_command_register("fp/set-link", "PORT up|down", 2, 2,
                             fp_unixctl_set_link, NULL);
    unixctl_command_register("fp/explain", "[UFID | FLOW [ACTIONS]]", 0, 2,
                             fp_unixctl_reply, &explain);
    unixctl_command_register("fp/offload-stats", "", 0, 0,
                             fp_unixctl_offload_stats, NULL);
    unixctl_command_register("fp/miss-watch", "[MAX]", 0, 1,
                             fp_unixctl_miss_watch, NULL);
    unixctl_command_register("fp/reset", "DEVICE", 1, 1,
                             fp_unixctl_reset, NULL);
    fp_unixctl_vf_register();
    fp_unixctl_pcap_register();
    unixctl_command_register("fp/fail-next", "DEVICE OPERATION N [ERRNO]",
                             3, 4, fp_unixctl_fail_next, NULL);
    unixctl_command_register("fp/fail-random",
                             "DEVICE [PERCENT [SEED [ERRNO]]]", 1, 4,
                             fp_unixctl_fail_random, NULL);
    netdev_offload_fp_hotplug_register();
    netdev_offload_fp_hold_register();
}
