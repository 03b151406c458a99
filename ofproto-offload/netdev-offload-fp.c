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

#include "netdev-offload-fp.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "classifier.h"
#include "coverage.h"
#include "dp-packet.h"
#include "dpif.h"
#include "flow.h"
#include "fp/fp.h"
#include "hash.h"
#include "netdev-fp.h"
#include "netdev-offload-provider.h"
#include "netdev-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovs-offload.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "packets.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_offload_fp);

COVERAGE_DEFINE(fp_offload_add);
COVERAGE_DEFINE(fp_offload_modify);
COVERAGE_DEFINE(fp_offload_del);
COVERAGE_DEFINE(fp_offload_partial);
COVERAGE_DEFINE(fp_offload_refused);
COVERAGE_DEFINE(fp_offload_waiting);
COVERAGE_DEFINE(fp_offload_evicted);
COVERAGE_DEFINE(fp_offload_reoffload);

/* "Cannot offload" is normal operation: debug level, rate-limited. */
static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(100, 100);

/* How often ovs-vswitchd's main thread looks for room for the flows that
 * wait for it, in ms. */
#define OFFLOAD_FP_RETRY_INTERVAL 1000

/* The verdict on a datapath flow that dpif-netdev handed us. */
enum offload_fp_state {
    OFFLOAD_FP_OFFLOADED,       /* The NIC runs it, actions and all. */
    OFFLOAD_FP_PARTIAL,         /* The NIC classifies and marks it;
                                 * dpif-netdev runs the actions. */
    OFFLOAD_FP_WAITING,         /* The NIC has no room: in software until
                                 * it has. */
    OFFLOAD_FP_EVICTED,         /* Taken out of the NIC by a device reset:
                                 * in software until it is back. */
    OFFLOAD_FP_REFUSED,         /* The NIC cannot run it: in software. */
    OFFLOAD_FP_N_STATES
};
BUILD_ASSERT_DECL(OFFLOAD_FP_N_STATES
                  == ARRAY_SIZE(((struct netdev_offload_fp_stats *) NULL)
                                ->n_state));

static const char *const state_names[OFFLOAD_FP_N_STATES] = {
    [OFFLOAD_FP_OFFLOADED] = "offloaded",
    [OFFLOAD_FP_PARTIAL] = "partial",
    [OFFLOAD_FP_WAITING] = "waiting",
    [OFFLOAD_FP_EVICTED] = "evicted",
    [OFFLOAD_FP_REFUSED] = "refused",
};

/* A datapath flow that dpif-netdev handed us, whatever its verdict.
 *
 * Every flow_put() that finds a bound input port is answered with success,
 * whatever the verdict, so that dpif-netdev tells us with flow_del() when
 * the flow goes: a flow that waits for room must not get into the NIC
 * after it is gone. */
struct offload_fp_flow {
    struct hmap_node node;      /* In 'offload_fp_flows', by ufid hash. */
    ovs_u128 ufid;              /* dpif-netdev's megaflow ufid. */
    const struct netdev *netdev;/* The in_port netdev; a key, no ref. */
    struct fp_device *dev;
    enum offload_fp_state state;
    char *reason;               /* Why it is not (fully) in the NIC. */
    struct fp_rule *rule;       /* The NIC rule, to put it back into the
                                 * NIC (WAITING, EVICTED) or after a reset;
                                 * NULL if REFUSED. */
    uint32_t rule_id;           /* In 'dev', if OFFLOADED or PARTIAL. */
    uint32_t mark;              /* dpif-netdev's flow mark. */

    /* Counters never go backwards: 'base' has those of the NIC rules this
     * flow had before, 'last' the last read of the current rule's. */
    struct fp_rule_stats base;
    struct fp_rule_stats last;

    /* Software packet rate while WAITING or EVICTED, to choose which flows
     * get room first: packets of the flow that came up the exception path
     * are counted in 'sw_packets' (see netdev_offload_fp_count_exception()),
     * which netdev_offload_fp_run() turns into a rate. */
    struct cls_rule cr;         /* The flow's match, in 'waiting_cls' while
                                 * WAITING or EVICTED. */
    bool in_cls;                /* In 'waiting_cls'? */
    atomic_uint64_t sw_packets;
    uint64_t sw_packets_seen;   /* 'sw_packets' when it started waiting. */
    long long int sw_time;      /* When it started waiting. */
    double sw_rate;             /* Packets per second since then. */
};

/* The matches of the flows that wait for room, to count their packets on
 * the exception path.  Readers (the threads that receive exception packets)
 * use RCU; writers hold 'offload_fp_mutex'. */
static struct classifier waiting_cls;
static atomic_count n_waiting = ATOMIC_COUNT_INIT(0);

static struct ovs_mutex offload_fp_mutex = OVS_MUTEX_INITIALIZER;
static struct hmap offload_fp_flows OVS_GUARDED_BY(offload_fp_mutex)
    = HMAP_INITIALIZER(&offload_fp_flows);
static struct netdev_offload_fp_stats offload_fp_stats
    OVS_GUARDED_BY(offload_fp_mutex);

/* Counts of refusals and failures, by reason without the details in
 * parentheses (e.g. "action ct not supported by fp0"). */
static struct shash offload_fp_reasons OVS_GUARDED_BY(offload_fp_mutex)
    = SHASH_INITIALIZER(&offload_fp_reasons);

/* Devices on which we listen for resets. */
static struct shash offload_fp_devices OVS_GUARDED_BY(offload_fp_mutex)
    = SHASH_INITIALIZER(&offload_fp_devices);

static void offload_fp_device_reset_cb(struct fp_device *, void *aux);

static struct offload_fp_flow *
offload_fp_flow_find(const ovs_u128 *ufid)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_flow *flow;

    HMAP_FOR_EACH_WITH_HASH (flow, node, ufid->u32[0], &offload_fp_flows) {
        if (ovs_u128_equals(*ufid, flow->ufid)) {
            return flow;
        }
    }
    return NULL;
}

/* Puts 'flow' into 'waiting_cls', or takes it out, as its state says. */
static void
offload_fp_flow_update_cls(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    bool waits = (flow->state == OFFLOAD_FP_WAITING
                  || flow->state == OFFLOAD_FP_EVICTED);

    if (waits && !flow->in_cls) {
        classifier_insert(&waiting_cls, &flow->cr, OVS_VERSION_MIN, NULL, 0);
        atomic_count_inc(&n_waiting);
        flow->in_cls = true;
        atomic_read_relaxed(&flow->sw_packets, &flow->sw_packets_seen);
        flow->sw_time = time_msec();
    } else if (!waits && flow->in_cls) {
        classifier_remove_assert(&waiting_cls, &flow->cr);
        atomic_count_dec(&n_waiting);
        flow->in_cls = false;
    }
}

/* Frees 'flow' once no reader of 'waiting_cls' can see it. */
static void
offload_fp_flow_free(struct offload_fp_flow *flow)
{
    cls_rule_destroy(&flow->cr);
    free(flow->reason);
    free(flow->rule);
    free(flow);
}

/* Counts 'packet', which came up the exception path of NIC port 'port' of
 * 'dev', for the waiting flow it belongs to, if any.  Called by the threads
 * that receive from "fp" netdevs, for every packet: cheap when no flow
 * waits.  (In 'waiting_cls', a flow's in_port is its NIC port.) */
void
netdev_offload_fp_count_exception(const struct fp_device *dev, uint32_t port,
                                  const struct dp_packet *packet)
{
    const struct cls_rule *cr;
    struct flow flow;

    if (!atomic_count_get(&n_waiting)) {
        return;
    }
    flow_extract(CONST_CAST(struct dp_packet *, packet), &flow);
    flow.in_port.odp_port = u32_to_odp(port);
    cr = classifier_lookup(&waiting_cls, OVS_VERSION_MAX, &flow, NULL);
    if (cr) {
        struct offload_fp_flow *f = CONTAINER_OF(cr, struct offload_fp_flow,
                                                 cr);
        uint64_t orig;

        if (f->dev == dev) {
            atomic_add_relaxed(&f->sw_packets, 1, &orig);
        }
    }
}

static void
stats_add(struct fp_rule_stats *sum, const struct fp_rule_stats *b)
{
    sum->n_packets += b->n_packets;
    sum->n_bytes += b->n_bytes;
    sum->used = MAX(sum->used, b->used);
}

/* Counts a refusal or failure under its reason, without the details. */
static void
offload_fp_count_reason(const char *reason)
    OVS_REQUIRES(offload_fp_mutex)
{
    const char *paren = strstr(reason, " (");
    char *key = paren ? xmemdup0(reason, paren - reason) : xstrdup(reason);
    uint64_t *count = shash_find_data(&offload_fp_reasons, key);

    if (!count) {
        count = xzalloc(sizeof *count);
        shash_add(&offload_fp_reasons, key, count);
    }
    (*count)++;
    free(key);
}

/* OpenFlow meters, mirrored into the NICs (see netdev_offload_fp_meter_set()),
 * by datapath meter id. */
struct offload_fp_meter {
    struct hmap_node node;      /* In 'offload_fp_meters'. */
    uint32_t id;                /* Datapath meter id, also the NIC's. */
    struct sset devices;        /* Names of the devices that have it. */
    char *reason;               /* Why the NICs do not have it, or NULL. */
};

static struct hmap offload_fp_meters OVS_GUARDED_BY(offload_fp_mutex)
    = HMAP_INITIALIZER(&offload_fp_meters);

static struct offload_fp_meter *
offload_fp_meter_find(uint32_t id)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_meter *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, hash_int(id, 0), &offload_fp_meters) {
        if (m->id == id) {
            return m;
        }
    }
    return NULL;
}

/* Translates OpenFlow meter 'config' into a NIC meter: a single drop band
 * is a colour-blind srTCM whose committed rate is the band's rate and
 * committed burst its burst (as dpif-netdev, one second at the rate if
 * none), with no excess burst, so that what exceeds it is red and dropped.
 * Returns NULL, or a reason why the NICs cannot run the meter. */
static char *
offload_fp_meter_translate(const struct ofputil_meter_config *config,
                           struct fp_meter_config *nic)
{
    const struct ofputil_meter_band *band = config->bands;
    uint64_t burst;

    if (config->n_bands != 1 || band->type != OFPMBT13_DROP) {
        return xstrdup("only meters with one drop band are supported");
    }
    burst = band->burst_size ? band->burst_size : band->rate;

    memset(nic, 0, sizeof *nic);
    nic->type = FP_METER_SRTCM;
    nic->pkts = (config->flags & OFPMF13_PKTPS) != 0;
    if (nic->pkts) {
        nic->cir = band->rate;
        nic->cbs = burst;
    } else {
        /* kbit/s and kbit into bytes. */
        nic->cir = (uint64_t) band->rate * 1000 / 8;
        nic->cbs = burst * 1000 / 8;
    }
    nic->ebs = 0;
    return NULL;
}

/* Mirrors OpenFlow meter 'id' (datapath meter id), just set in dpif-netdev
 * with 'config', into every NIC, so that flows with a meter() action can be
 * offloaded.  Called from ovs-vswitchd's main thread. */
void
netdev_offload_fp_meter_set(uint32_t id,
                            const struct ofputil_meter_config *config)
{
    struct fp_device *devices[OVS_OFFLOAD_MAX_DEVICES];
    struct fp_meter_config nic;
    struct offload_fp_meter *m;
    size_t i, n;
    char *reason;

    reason = offload_fp_meter_translate(config, &nic);
    n = fp_device_list(devices, ARRAY_SIZE(devices));

    ovs_mutex_lock(&offload_fp_mutex);
    m = offload_fp_meter_find(id);
    if (!m) {
        m = xzalloc(sizeof *m);
        m->id = id;
        sset_init(&m->devices);
        hmap_insert(&offload_fp_meters, &m->node, hash_int(id, 0));
    }
    free(m->reason);
    m->reason = reason;
    for (i = 0; i < n; i++) {
        const char *name = fp_device_name(devices[i]);
        int error = reason ? 0 : fp_meter_set(devices[i], id, &nic);

        if (!reason && !error) {
            sset_add(&m->devices, name);
        } else {
            if (sset_find_and_delete(&m->devices, name)) {
                fp_meter_delete(devices[i], id);
            }
            if (!reason) {
                m->reason = xasprintf("%s cannot take it (%s)", name,
                                      ovs_strerror(error));
                reason = m->reason;
            }
        }
    }
    if (m->reason) {
        VLOG_DBG("meter %"PRIu32" stays in software: %s", id, m->reason);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Adds the NICs' counters of meter 'id' to 'stats' (as dpif_meter_get()
 * reports them: packets and bytes in, and band 0 for the dropped ones). */
void
netdev_offload_fp_meter_get(uint32_t id, struct ofputil_meter_stats *stats)
{
    struct offload_fp_meter *m;
    const char *name;

    ovs_mutex_lock(&offload_fp_mutex);
    m = offload_fp_meter_find(id);
    if (m) {
        SSET_FOR_EACH (name, &m->devices) {
            struct fp_device *dev = fp_device_find(name);
            struct fp_meter_stats st;

            if (dev && !fp_meter_get_stats(dev, id, &st)) {
                stats->packet_in_count += st.pass_packets + st.drop_packets;
                stats->byte_in_count += st.pass_bytes + st.drop_bytes;
                if (stats->n_bands) {
                    stats->bands[0].packet_count += st.drop_packets;
                    stats->bands[0].byte_count += st.drop_bytes;
                }
            }
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Forgets meter 'id', which was deleted from dpif-netdev, after adding its
 * NIC counters to 'stats', if nonnull.  A NIC meter that rules still use
 * (their flows are going) stays in the NIC until its last rule goes. */
void
netdev_offload_fp_meter_del(uint32_t id, struct ofputil_meter_stats *stats)
{
    struct offload_fp_meter *m;
    const char *name;

    if (stats) {
        netdev_offload_fp_meter_get(id, stats);
    }
    ovs_mutex_lock(&offload_fp_mutex);
    m = offload_fp_meter_find(id);
    if (m) {
        SSET_FOR_EACH (name, &m->devices) {
            struct fp_device *dev = fp_device_find(name);

            if (dev) {
                fp_meter_delete(dev, id);
            }
        }
        hmap_remove(&offload_fp_meters, &m->node);
        sset_destroy(&m->devices);
        free(m->reason);
        free(m);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Translation: megaflow match and ODP actions to an fp rule. */

/* The fields of struct flow, to name those whose mask bits the NIC cannot
 * translate.  Names as in ovs-fields(7). */
struct offload_fp_field {
    const char *name;
    size_t offset;
    size_t size;
};

#define FIELD(NAME, MEMBER) \
    { NAME, offsetof(struct flow, MEMBER), \
      sizeof ((struct flow *) NULL)->MEMBER }
static const struct offload_fp_field offload_fp_fields[] = {
    FIELD("tunnel", tunnel),
    FIELD("metadata", metadata),
    FIELD("reg", regs),
    FIELD("skb_priority", skb_priority),
    FIELD("pkt_mark", pkt_mark),
    FIELD("dp_hash", dp_hash),
    FIELD("in_port", in_port),
    FIELD("recirc_id", recirc_id),
    FIELD("ct_state", ct_state),
    FIELD("ct_nw_proto", ct_nw_proto),
    FIELD("ct_zone", ct_zone),
    FIELD("ct_mark", ct_mark),
    FIELD("packet_type", packet_type),
    FIELD("ct_label", ct_label),
    FIELD("conj_id", conj_id),
    FIELD("actset_output", actset_output),
    FIELD("dl_dst", dl_dst),
    FIELD("dl_src", dl_src),
    FIELD("dl_type", dl_type),
    FIELD("vlan_tci", vlans),
    FIELD("mpls", mpls_lse),
    FIELD("nw_src", nw_src),
    FIELD("nw_dst", nw_dst),
    FIELD("ct_nw_src", ct_nw_src),
    FIELD("ct_nw_dst", ct_nw_dst),
    FIELD("ipv6_src", ipv6_src),
    FIELD("ipv6_dst", ipv6_dst),
    FIELD("ct_ipv6_src", ct_ipv6_src),
    FIELD("ct_ipv6_dst", ct_ipv6_dst),
    FIELD("ipv6_label", ipv6_label),
    FIELD("nw_frag", nw_frag),
    FIELD("nw_tos", nw_tos),
    FIELD("nw_ttl", nw_ttl),
    FIELD("nw_proto", nw_proto),
    FIELD("nd_target", nd_target),
    FIELD("arp_sha", arp_sha),
    FIELD("arp_tha", arp_tha),
    FIELD("tcp_flags", tcp_flags),
    FIELD("nsh", nsh),
    FIELD("tp_src", tp_src),
    FIELD("tp_dst", tp_dst),
    FIELD("ct_tp_src", ct_tp_src),
    FIELD("ct_tp_dst", ct_tp_dst),
    FIELD("igmp_group_ip4", igmp_group_ip4),
};
#undef FIELD

/* Copies the bytes of 'value' under 'mask' into the rule key and the mask
 * into the rule mask, then clears 'mask': those bits are consumed. */
static void
consume(void *key, void *rule_mask, const void *value, void *mask, size_t n)
{
    const uint8_t *v = value;
    uint8_t *m = mask;
    uint8_t *k = key;
    size_t i;

    for (i = 0; i < n; i++) {
        k[i] = v[i] & m[i];
    }
    memcpy(rule_mask, mask, n);
    memset(mask, 0, n);
}

#define CONSUME(FP_FIELD, FLOW_FIELD)                                   \
    BUILD_ASSERT_DECL(sizeof rule->key.FP_FIELD == sizeof flow->FLOW_FIELD); \
    consume(&rule->key.FP_FIELD, &rule->mask.FP_FIELD, &flow->FLOW_FIELD, \
            &mask->FLOW_FIELD, sizeof flow->FLOW_FIELD)

/* Translates 'match', a megaflow of dpif-netdev whose in_port is NIC port
 * 'port' of 'dev', into the match of 'rule'.
 *
 * Every bit of the megaflow's mask is either translated or the flow is
 * refused: the NIC rule never matches a packet that the megaflow does not.
 * On refusal, returns EOPNOTSUPP and stores in '*reasonp' a message that
 * the caller must free. */
static int
netdev_offload_fp_translate_match(const struct match *match,
                                  const struct fp_device *dev, uint32_t port,
                                  struct fp_rule *rule, char **reasonp)
{
    struct flow_wildcards rest = match->wc;  /* Not yet translated. */
    const struct flow *flow = &match->flow;
    struct flow *mask = &rest.masks;
    struct ds names = DS_EMPTY_INITIALIZER;
    size_t i;

    /* The rule goes to the in_port's NIC port, so it only sees packets from
     * that port, as the megaflow does. */
    rule->key.in_port = port;
    rule->mask.in_port = UINT32_MAX;
    memset(&mask->in_port, 0, sizeof mask->in_port);

    /* Packets that come in from a NIC port have not been recirculated. */
    if (flow->recirc_id & mask->recirc_id) {
        *reasonp = xasprintf("match on recirc_id %#"PRIx32" (after "
                             "recirculation) not supported by %s",
                             flow->recirc_id, fp_device_name(dev));
        return EOPNOTSUPP;
    }
    mask->recirc_id = 0;

    if (mask->packet_type && flow->packet_type != htonl(PT_ETH)) {
        *reasonp = xasprintf("match on packet_type %#"PRIx32" (not "
                             "Ethernet) not supported by %s",
                             ntohl(flow->packet_type), fp_device_name(dev));
        return EOPNOTSUPP;
    }
    mask->packet_type = 0;

    CONSUME(eth_dst, dl_dst);
    CONSUME(eth_src, dl_src);
    CONSUME(eth_type, dl_type);
    BUILD_ASSERT_DECL(FLOW_MAX_VLAN_HEADERS == 2);
    for (i = 0; i < 2; i++) {
        CONSUME(vlans[i].tpid, vlans[i].tpid);
        CONSUME(vlans[i].tci, vlans[i].tci);
    }
    BUILD_ASSERT_DECL(FLOW_NW_FRAG_ANY == FP_IP_FRAG_ANY);
    BUILD_ASSERT_DECL(FLOW_NW_FRAG_LATER == FP_IP_FRAG_LATER);
    CONSUME(ip_frag, nw_frag);
    CONSUME(nw_proto, nw_proto);
    CONSUME(nw_tos, nw_tos);
    CONSUME(nw_ttl, nw_ttl);
    CONSUME(tcp_flags, tcp_flags);
    CONSUME(nw_src, nw_src);
    CONSUME(nw_dst, nw_dst);
    CONSUME(ipv6_label, ipv6_label);
    CONSUME(ipv6_src, ipv6_src);
    CONSUME(ipv6_dst, ipv6_dst);
    CONSUME(nd_target, nd_target);
    CONSUME(arp_sha, arp_sha);
    CONSUME(arp_tha, arp_tha);
    CONSUME(tp_src, tp_src);
    CONSUME(tp_dst, tp_dst);

    /* Name what is left, if anything. */
    for (i = 0; i < ARRAY_SIZE(offload_fp_fields); i++) {
        const struct offload_fp_field *f = &offload_fp_fields[i];

        if (!is_all_zeros((const uint8_t *) mask + f->offset, f->size)) {
            ds_put_format(&names, "%s%s", names.length ? ", " : "", f->name);
        }
    }
    if (names.length) {
        *reasonp = xasprintf("match on %s not supported by %s",
                             ds_cstr(&names), fp_device_name(dev));
        ds_destroy(&names);
        return EOPNOTSUPP;
    }
    return 0;
}

#undef CONSUME

/* Appends to 'rule' an action of 'type' that sets the bytes of 'value'
 * under 'mask' ('n' bytes), unless 'mask' is all zeros. */
static void
add_set(struct fp_rule *rule, enum fp_action_type type,
        const void *value, const void *mask, size_t n)
{
    struct fp_action *a;

    if (is_all_zeros(mask, n)) {
        return;
    }
    a = &rule->actions[rule->n_actions++];
    a->type = type;
    memcpy(a->set.value, value, n);
    memcpy(a->set.mask, mask, n);
}

/* Returns the name of ODP action 'a', e.g. "ct" for "ct(commit)", in a new
 * string. */
static char *
action_name(const struct nlattr *a)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n;

    format_odp_actions(&s, a, a->nla_len, NULL);
    n = strcspn(ds_cstr(&s), "(:");
    ds_truncate(&s, n);
    return ds_steal_cstr(&s);
}

/* Translates masked set action 'a' (OVS_ACTION_ATTR_SET_MASKED, or
 * OVS_ACTION_ATTR_SET with every bit set) into 'rule'. */
static int
translate_set(const struct nlattr *a, bool masked, struct fp_rule *rule,
              const char *dev_name, char **reasonp)
{
    const struct nlattr *key = nl_attr_get(a);
    const uint8_t *value = nl_attr_get(key);
    size_t size = nl_attr_get_size(key);
    uint8_t ones[64];
    const uint8_t *mask;

    /* A masked set's attribute holds the value, then the mask. */
    if (masked) {
        size /= 2;
    }
    if (size > sizeof ones) {
        goto refuse;
    }
    memset(ones, 0xff, sizeof ones);
    mask = masked ? value + size : ones;

    /* Each field of a set is one NIC action: check that they fit. */
    if (rule->n_actions + 4 > FP_MAX_ACTIONS) {
        *reasonp = xasprintf("more than %d actions not supported by %s",
                             FP_MAX_ACTIONS, dev_name);
        return EOPNOTSUPP;
    }

    switch (nl_attr_type(key)) {
    case OVS_KEY_ATTR_ETHERNET: {
        const struct ovs_key_ethernet *v = (const void *) value;
        const struct ovs_key_ethernet *m = (const void *) mask;

        add_set(rule, FP_ACTION_SET_ETH_SRC, &v->eth_src, &m->eth_src, 6);
        add_set(rule, FP_ACTION_SET_ETH_DST, &v->eth_dst, &m->eth_dst, 6);
        return 0;
    }
    case OVS_KEY_ATTR_IPV4: {
        const struct ovs_key_ipv4 *v = (const void *) value;
        const struct ovs_key_ipv4 *m = (const void *) mask;

        if (m->ipv4_proto || m->ipv4_frag) {
            goto refuse;
        }
        add_set(rule, FP_ACTION_SET_IPV4_SRC, &v->ipv4_src, &m->ipv4_src, 4);
        add_set(rule, FP_ACTION_SET_IPV4_DST, &v->ipv4_dst, &m->ipv4_dst, 4);
        add_set(rule, FP_ACTION_SET_IPV4_TOS, &v->ipv4_tos, &m->ipv4_tos, 1);
        add_set(rule, FP_ACTION_SET_IPV4_TTL, &v->ipv4_ttl, &m->ipv4_ttl, 1);
        return 0;
    }
    case OVS_KEY_ATTR_IPV6: {
        const struct ovs_key_ipv6 *v = (const void *) value;
        const struct ovs_key_ipv6 *m = (const void *) mask;

        if (m->ipv6_label || m->ipv6_proto || m->ipv6_frag) {
            goto refuse;
        }
        add_set(rule, FP_ACTION_SET_IPV6_SRC, &v->ipv6_src, &m->ipv6_src,
                16);
        add_set(rule, FP_ACTION_SET_IPV6_DST, &v->ipv6_dst, &m->ipv6_dst,
                16);
        add_set(rule, FP_ACTION_SET_IPV6_TCLASS, &v->ipv6_tclass,
                &m->ipv6_tclass, 1);
        add_set(rule, FP_ACTION_SET_IPV6_HLIM, &v->ipv6_hlimit,
                &m->ipv6_hlimit, 1);
        return 0;
    }
    case OVS_KEY_ATTR_TCP:
    case OVS_KEY_ATTR_UDP:
    case OVS_KEY_ATTR_SCTP: {
        /* The three have the same layout: source port, destination
         * port.  The megaflow matches nw_proto, so the NIC sets the ports
         * of the right protocol. */
        const struct ovs_key_tcp *v = (const void *) value;
        const struct ovs_key_tcp *m = (const void *) mask;

        add_set(rule, FP_ACTION_SET_TP_SRC, &v->tcp_src, &m->tcp_src, 2);
        add_set(rule, FP_ACTION_SET_TP_DST, &v->tcp_dst, &m->tcp_dst, 2);
        return 0;
    }
    default:
        goto refuse;
    }

refuse:
    {
        struct ds s = DS_EMPTY_INITIALIZER;

        format_odp_actions(&s, a, a->nla_len, NULL);
        *reasonp = xasprintf("action %s not supported by %s", ds_cstr(&s),
                             dev_name);
        ds_destroy(&s);
        return EOPNOTSUPP;
    }
}

/* Translates ODP 'actions' of a flow on 'netdev' (bound to 'dev') into the
 * actions of 'rule'.  Clone actions whose nested actions are all outputs
 * are flattened.  On refusal, returns EOPNOTSUPP and stores in '*reasonp'
 * a message that the caller must free. */
static int
netdev_offload_fp_translate_actions(const struct netdev *netdev,
                                    const struct fp_device *dev,
                                    const struct nlattr *actions,
                                    size_t actions_len, bool in_clone,
                                    struct fp_rule *rule, char **reasonp)
{
    const char *dev_name = fp_device_name(dev);
    const struct nlattr *a;
    unsigned int left;

    NL_ATTR_FOR_EACH_UNSAFE (a, left, actions, actions_len) {
        enum ovs_action_attr type = nl_attr_type(a);
        struct fp_action *action;
        int error;

        if (type == OVS_ACTION_ATTR_DROP && !in_clone
            && left == NLA_ALIGN(a->nla_len)) {
            /* An explicit drop, always last: nothing to do. */
            break;
        }
        if (rule->n_actions >= FP_MAX_ACTIONS) {
            *reasonp = xasprintf("more than %d actions not supported by %s",
                                 FP_MAX_ACTIONS, dev_name);
            return EOPNOTSUPP;
        }
        action = &rule->actions[rule->n_actions];

        if (type == OVS_ACTION_ATTR_OUTPUT) {
            odp_port_t odp_port = nl_attr_get_odp_port(a);
            struct netdev *out;
            struct fp_device *out_dev;
            uint32_t out_port;
            bool ok;

            out = netdev_ports_get(odp_port, netdev_get_dpif_type(netdev));
            ok = out && netdev_fp_get_port(out, &out_dev, &out_port)
                 && out_dev == dev;
            if (!ok) {
                *reasonp = (out
                            ? xasprintf("output port %s is not on %s",
                                        netdev_get_name(out), dev_name)
                            : xasprintf("output port %"PRIu32" is not on %s",
                                        odp_to_u32(odp_port), dev_name));
                netdev_close(out);
                return EOPNOTSUPP;
            }
            netdev_close(out);
            action->type = FP_ACTION_OUTPUT;
            action->port = out_port;
            rule->n_actions++;
        } else if (type == OVS_ACTION_ATTR_CLONE && !in_clone) {
            /* A clone of outputs only is the outputs themselves. */
            const struct nlattr *b;
            unsigned int left_b;

            NL_ATTR_FOR_EACH_UNSAFE (b, left_b, nl_attr_get(a),
                                     nl_attr_get_size(a)) {
                if (nl_attr_type(b) != OVS_ACTION_ATTR_OUTPUT) {
                    char *name = action_name(b);

                    *reasonp = xasprintf("action %s in clone() not "
                                         "supported by %s", name, dev_name);
                    free(name);
                    return EOPNOTSUPP;
                }
            }
            error = netdev_offload_fp_translate_actions(
                netdev, dev, nl_attr_get(a), nl_attr_get_size(a), true,
                rule, reasonp);
            if (error) {
                return error;
            }
        } else if (type == OVS_ACTION_ATTR_PUSH_VLAN) {
            const struct ovs_action_push_vlan *vlan = nl_attr_get(a);

            /* In ODP the CFI bit says "tag present"; it is not pushed. */
            action->type = FP_ACTION_PUSH_VLAN;
            action->vlan.tpid = vlan->vlan_tpid;
            action->vlan.tci = vlan->vlan_tci & ~htons(VLAN_CFI);
            rule->n_actions++;
        } else if (type == OVS_ACTION_ATTR_POP_VLAN) {
            action->type = FP_ACTION_POP_VLAN;
            rule->n_actions++;
        } else if (type == OVS_ACTION_ATTR_METER) {
            uint32_t id = nl_attr_get_u32(a);
            const struct offload_fp_meter *m;
            bool ok;

            ovs_mutex_lock(&offload_fp_mutex);
            m = offload_fp_meter_find(id);
            ok = m && sset_contains(&m->devices, dev_name);
            if (!ok) {
                *reasonp = xasprintf("meter %"PRIu32" is not in %s%s%s%s",
                                     id, dev_name, m && m->reason ? " (" : "",
                                     m && m->reason ? m->reason : "",
                                     m && m->reason ? ")" : "");
            }
            ovs_mutex_unlock(&offload_fp_mutex);
            if (!ok) {
                return EOPNOTSUPP;
            }
            action->type = FP_ACTION_METER;
            action->meter_id = id;
            rule->n_actions++;
        } else if (type == OVS_ACTION_ATTR_SET_MASKED
                   || type == OVS_ACTION_ATTR_SET) {
            error = translate_set(a, type == OVS_ACTION_ATTR_SET_MASKED,
                                  rule, dev_name, reasonp);
            if (error) {
                return error;
            }
        } else {
            char *name = action_name(a);

            *reasonp = xasprintf("action %s not supported by %s", name,
                                 dev_name);
            free(name);
            return EOPNOTSUPP;
        }
    }
    return 0;
}

/* The verdict on a flow: its state, the NIC rule it gets (for OFFLOADED
 * and PARTIAL) and the reason it is not fully offloaded (for the others,
 * to be freed by the caller). */
struct offload_fp_verdict {
    enum offload_fp_state state;
    struct fp_rule rule;
    char *reason;
};

/* Decides what 'dev' can do for the flow with 'match' and 'actions' whose
 * in_port is NIC port 'port' of 'dev', 'netdev': run it (OFFLOADED), only
 * classify it and tag its packets with 'mark' for dpif-netdev, which then
 * runs its actions without a lookup (PARTIAL), or nothing (REFUSED).
 *
 * Partial offload is correct whenever the match translates: the NIC rule
 * matches exactly the packets of the megaflow, and sends them to the host
 * as a miss would, with the mark.  It is used when some action cannot run
 * in the NIC: an output to a port that is not on the NIC (internal, tap,
 * another NIC), to userspace, ct(), recirculation, ...  A match that does
 * not translate means the NIC cannot classify the flow at all: REFUSED. */
static void
netdev_offload_fp_decide(const struct netdev *netdev, struct fp_device *dev,
                         uint32_t port, const struct match *match,
                         const struct nlattr *actions, size_t actions_len,
                         uint32_t mark, struct offload_fp_verdict *v)
{
    memset(&v->rule, 0, sizeof v->rule);
    v->reason = NULL;

    if (netdev_offload_fp_translate_match(match, dev, port, &v->rule,
                                          &v->reason)) {
        v->state = OFFLOAD_FP_REFUSED;
        return;
    }
    if (!netdev_offload_fp_translate_actions(netdev, dev, actions,
                                             actions_len, false, &v->rule,
                                             &v->reason)) {
        v->state = OFFLOAD_FP_OFFLOADED;
        return;
    }

    v->state = OFFLOAD_FP_PARTIAL;
    v->rule.n_actions = 2;
    memset(v->rule.actions, 0, 2 * sizeof v->rule.actions[0]);
    v->rule.actions[0].type = FP_ACTION_MARK;
    v->rule.actions[0].mark = mark;
    v->rule.actions[1].type = FP_ACTION_EXCEPTION;
}

/* Applying verdicts to the NIC. */

/* Reads the counters of the current NIC rule of 'flow' into 'flow->last'
 * and returns its total: 'base' plus 'last'.  The NIC's counters of a
 * partially offloaded flow are not reported: dpif-netdev counts those
 * packets itself. */
static struct fp_rule_stats
offload_fp_flow_stats(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct fp_rule_stats total = flow->base;

    if (flow->state == OFFLOAD_FP_OFFLOADED) {
        struct fp_rule_stats now;

        if (!fp_rule_get_stats(flow->dev, flow->rule_id, &now)) {
            flow->last = now;
        }
        stats_add(&total, &flow->last);
    }
    return total;
}

/* NIC rules whose deletion failed: they must not outlive their flows, so
 * netdev_offload_fp_run() retries until they are gone. */
struct offload_fp_zombie {
    struct fp_device *dev;
    uint32_t rule_id;
};
static struct offload_fp_zombie *offload_fp_zombies
    OVS_GUARDED_BY(offload_fp_mutex);
static size_t offload_fp_n_zombies OVS_GUARDED_BY(offload_fp_mutex);
static size_t offload_fp_allocated_zombies OVS_GUARDED_BY(offload_fp_mutex);

/* Deletes rule 'rule_id' from 'dev', storing its final counters in
 * '*final' (zeroed on failure).  If the device fails, the rule is retried
 * later (see struct offload_fp_zombie). */
static void
offload_fp_delete_rule(struct fp_device *dev, uint32_t rule_id,
                       struct fp_rule_stats *final)
    OVS_REQUIRES(offload_fp_mutex)
{
    int error = fp_rule_delete(dev, rule_id, final);

    if (error && error != ENOENT) {
        static struct vlog_rate_limit warn_rl = VLOG_RATE_LIMIT_INIT(1, 5);

        VLOG_WARN_RL(&warn_rl, "%s: deleting rule %"PRIu32" failed (%s); "
                     "retrying", fp_device_name(dev), rule_id,
                     ovs_strerror(error));
        if (offload_fp_n_zombies >= offload_fp_allocated_zombies) {
            offload_fp_zombies = x2nrealloc(offload_fp_zombies,
                                            &offload_fp_allocated_zombies,
                                            sizeof *offload_fp_zombies);
        }
        offload_fp_zombies[offload_fp_n_zombies].dev = dev;
        offload_fp_zombies[offload_fp_n_zombies].rule_id = rule_id;
        offload_fp_n_zombies++;
    }
}

/* Takes the NIC rule of 'flow', if any, out of the NIC; its counters go to
 * 'base'. */
static void
offload_fp_flow_uninstall(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (flow->state == OFFLOAD_FP_OFFLOADED
        || flow->state == OFFLOAD_FP_PARTIAL) {
        struct fp_rule_stats final;

        offload_fp_delete_rule(flow->dev, flow->rule_id, &final);
        if (flow->state == OFFLOAD_FP_OFFLOADED) {
            /* The final counters, or the last read if the device failed. */
            stats_add(&flow->base,
                      final.n_packets >= flow->last.n_packets
                      ? &final : &flow->last);
        }
        memset(&flow->last, 0, sizeof flow->last);
        COVERAGE_INC(fp_offload_del);
        offload_fp_stats.deleted++;
    }
}

static void
offload_fp_flow_set_reason(struct offload_fp_flow *flow, char *reason)
    OVS_REQUIRES(offload_fp_mutex)
{
    free(flow->reason);
    flow->reason = reason;
}

/* Puts 'flow->rule' into the NIC as a new rule.  On success, 'flow' gets
 * 'state' (OFFLOADED or PARTIAL).  If the NIC is full, 'flow' waits
 * (WAITING); on another failure of the device, it is refused. */
static void
offload_fp_flow_install(struct offload_fp_flow *flow,
                        enum offload_fp_state state)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct fp_rule_op op = {
        .type = FP_RULE_OP_ADD,
        .rule = flow->rule,
    };

    fp_rule_batch(flow->dev, &op, 1);
    if (!op.error) {
        flow->rule_id = op.id;
        flow->state = state;
        memset(&flow->last, 0, sizeof flow->last);
        COVERAGE_INC(fp_offload_add);
        offload_fp_stats.added++;
        offload_fp_flow_update_cls(flow);
        return;
    }

    if (op.error == ENOSPC) {
        struct fp_device_config cfg;
        struct fp_device_stats st;
        uint32_t used, size;

        fp_device_get_config(flow->dev, &cfg);
        fp_device_get_stats(flow->dev, &st);
        used = (op.full == FP_RES_MASKS ? st.n_masks
                : op.full == FP_RES_COUNTERS ? st.n_counters
                : st.n_rules);
        size = (op.full == FP_RES_MASKS ? cfg.n_masks
                : op.full == FP_RES_COUNTERS ? cfg.n_counters
                : cfg.n_rules);
        offload_fp_flow_set_reason(
            flow, xasprintf("%s of %s full (%"PRIu32" of %"PRIu32")",
                            fp_resource_name(op.full),
                            fp_device_name(flow->dev), used, size));
        if (flow->state != OFFLOAD_FP_EVICTED) {
            flow->state = OFFLOAD_FP_WAITING;
        }
        COVERAGE_INC(fp_offload_waiting);
    } else {
        offload_fp_flow_set_reason(
            flow, xasprintf("%s failed to add the rule (%s)",
                            fp_device_name(flow->dev),
                            ovs_strerror(op.error)));
        flow->state = OFFLOAD_FP_REFUSED;
        free(flow->rule);
        flow->rule = NULL;
    }
    offload_fp_stats.failed++;
    offload_fp_count_reason(flow->reason);
    offload_fp_flow_update_cls(flow);
}

/* Logs the verdict on 'flow', if it is not fully offloaded. */
static void
offload_fp_flow_log(const struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (flow->reason && !VLOG_DROP_DBG(&rl)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        odp_format_ufid(&flow->ufid, &s);
        VLOG_DBG("%s: %s %s: %s", netdev_get_name(flow->netdev),
                 ds_cstr(&s),
                 (flow->state == OFFLOAD_FP_PARTIAL ? "partially offloaded"
                  : "not offloaded"), flow->reason);
        ds_destroy(&s);
    }
}

static void
offload_fp_init(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        classifier_init(&waiting_cls, NULL);
        ovsthread_once_done(&once);
    }
}

/* Listens for resets of 'dev', once. */
static void
offload_fp_watch_device(struct fp_device *dev)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (!shash_find(&offload_fp_devices, fp_device_name(dev))) {
        shash_add(&offload_fp_devices, fp_device_name(dev), dev);
        fp_device_add_listener(dev, offload_fp_device_reset_cb, NULL);
    }
}

/* Offloads or modifies the flow 'ufid' whose in_port is 'netdev'.  Called
 * by dpif-netdev's offload threads, with 'info->flow_mark' the mark that
 * dpif-netdev will look for on packets of a partially offloaded flow.
 *
 * Returns EOPNOTSUPP if 'netdev' is not bound to a NIC port.  Otherwise
 * returns 0 whatever the verdict (see struct offload_fp_flow): the verdict
 * shows with fp/explain, the NIC's part in flow_get(). */
static int
netdev_offload_fp_flow_put(struct netdev *netdev, struct match *match,
                           struct nlattr *actions, size_t actions_len,
                           const ovs_u128 *ufid, struct offload_info *info,
                           struct dpif_flow_stats *stats)
{
    struct offload_fp_verdict v;
    struct offload_fp_flow *flow;
    struct fp_device *dev;
    uint32_t port;

    if (!netdev_fp_get_port(netdev, &dev, &port)) {
        return EOPNOTSUPP;
    }
    netdev_offload_fp_decide(netdev, dev, port, match, actions, actions_len,
                             info->flow_mark, &v);

    offload_fp_init();
    ovs_mutex_lock(&offload_fp_mutex);
    offload_fp_watch_device(dev);
    flow = offload_fp_flow_find(ufid);
    if (stats) {
        struct fp_rule_stats before = (flow ? offload_fp_flow_stats(flow)
                                       : (struct fp_rule_stats) { 0 });

        memset(stats, 0, sizeof *stats);
        stats->n_packets = before.n_packets;
        stats->n_bytes = before.n_bytes;
        stats->used = before.used;
    }
    if (!flow) {
        struct match cls_match = *match;

        cls_match.flow.in_port.odp_port = u32_to_odp(port);
        flow = xzalloc(sizeof *flow);
        flow->ufid = *ufid;
        flow->state = OFFLOAD_FP_REFUSED;
        cls_rule_init(&flow->cr, &cls_match, 0);
        atomic_init(&flow->sw_packets, 0);
        hmap_insert(&offload_fp_flows, &flow->node, ufid->u32[0]);
    }
    flow->netdev = netdev;
    flow->mark = info->flow_mark;

    if (flow->dev == dev && flow->state == OFFLOAD_FP_OFFLOADED
        && v.state == OFFLOAD_FP_OFFLOADED) {
        /* A modification the NIC can run: in place, counters kept. */
        if (!fp_rule_modify(dev, flow->rule_id, &v.rule)) {
            *flow->rule = v.rule;
            offload_fp_stats.modified++;
            COVERAGE_INC(fp_offload_modify);
            goto out;
        }
    }

    offload_fp_flow_uninstall(flow);
    flow->dev = dev;
    offload_fp_flow_set_reason(flow, v.reason);
    v.reason = NULL;
    free(flow->rule);
    flow->rule = NULL;
    if (v.state == OFFLOAD_FP_REFUSED) {
        flow->state = OFFLOAD_FP_REFUSED;
        offload_fp_stats.refused++;
        offload_fp_count_reason(flow->reason);
        COVERAGE_INC(fp_offload_refused);
    } else {
        flow->rule = xmemdup(&v.rule, sizeof v.rule);
        if (v.state == OFFLOAD_FP_PARTIAL) {
            offload_fp_stats.partial++;
            offload_fp_count_reason(flow->reason);
            COVERAGE_INC(fp_offload_partial);
        }
        flow->state = OFFLOAD_FP_REFUSED;
        offload_fp_flow_install(flow, v.state);
    }
    offload_fp_flow_update_cls(flow);
    offload_fp_flow_log(flow);

out:
    ovs_mutex_unlock(&offload_fp_mutex);
    free(v.reason);
    return 0;
}

/* Reports what the NIC did for flow 'ufid': its packets, bytes and last hit
 * (dpif-netdev adds its own counters) and whether it is offloaded.  A
 * partially offloaded flow is reported as "offloaded" with dp layer "ovs"
 * (dpctl shows "offloaded:partial") and without NIC counters.  Returns
 * ENOENT for a flow we never saw. */
static int
netdev_offload_fp_flow_get(struct netdev *netdev OVS_UNUSED,
                           struct match *match OVS_UNUSED,
                           struct nlattr **actions OVS_UNUSED,
                           const ovs_u128 *ufid,
                           struct dpif_flow_stats *stats,
                           struct dpif_flow_attrs *attrs,
                           struct ofpbuf *buf OVS_UNUSED)
{
    struct offload_fp_flow *flow;
    struct fp_rule_stats total;
    enum offload_fp_state state;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    if (flow) {
        total = offload_fp_flow_stats(flow);
        state = flow->state;
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    if (!flow) {
        return ENOENT;
    }

    memset(stats, 0, sizeof *stats);
    stats->n_packets = total.n_packets;
    stats->n_bytes = total.n_bytes;
    stats->used = total.used;
    attrs->offloaded = (state == OFFLOAD_FP_OFFLOADED
                        || state == OFFLOAD_FP_PARTIAL);
    attrs->dp_layer = state == OFFLOAD_FP_OFFLOADED ? "fp" : "ovs";
    attrs->dp_extra_info = NULL;
    return 0;
}

/* Takes 'flow' out of the NIC and forgets it.  Returns its final counters:
 * those of all its NIC rules. */
static struct fp_rule_stats
offload_fp_flow_destroy(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct fp_rule_stats total;

    offload_fp_flow_uninstall(flow);
    total = flow->base;
    hmap_remove(&offload_fp_flows, &flow->node);
    flow->state = OFFLOAD_FP_REFUSED;
    offload_fp_flow_update_cls(flow);
    ovsrcu_postpone(offload_fp_flow_free, flow);
    return total;
}

/* Forgets flow 'ufid', removing its rule from the NIC, and stores its final
 * NIC counters in 'stats', if nonnull.  Returns ENOENT for a flow we never
 * saw. */
static int
netdev_offload_fp_flow_del(struct netdev *netdev OVS_UNUSED,
                           const ovs_u128 *ufid,
                           struct dpif_flow_stats *stats)
{
    struct offload_fp_flow *flow;
    struct fp_rule_stats total;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    if (flow) {
        total = offload_fp_flow_destroy(flow);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    if (!flow) {
        return ENOENT;
    }

    if (stats) {
        memset(stats, 0, sizeof *stats);
        stats->n_packets = total.n_packets;
        stats->n_bytes = total.n_bytes;
        stats->used = total.used;
    }
    return 0;
}

/* Forgets every flow whose in_port is 'netdev', removing their rules from
 * the NIC. */
static int
netdev_offload_fp_flow_flush(struct netdev *netdev)
{
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH_SAFE (flow, node, &offload_fp_flows) {
        if (flow->netdev == netdev) {
            offload_fp_flow_destroy(flow);
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return 0;
}

/* Counts the flows in the NIC (fully or partially) whose in_port is
 * 'netdev' into 'n_flows[0]' (OVS passes one counter per offload thread
 * and adds them up). */
static int
netdev_offload_fp_flow_get_n_flows(struct netdev *netdev, uint64_t *n_flows)
{
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        n_flows[0] += (flow->netdev == netdev
                       && (flow->state == OFFLOAD_FP_OFFLOADED
                           || flow->state == OFFLOAD_FP_PARTIAL));
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return 0;
}

/* Called after 'dev' was reset, on the resetting thread: its rules are
 * gone, so the flows that were in it are evicted, with the last counters
 * read kept in their base, until netdev_offload_fp_run() puts them back. */
static void
offload_fp_device_reset_cb(struct fp_device *dev, void *aux OVS_UNUSED)
{
    struct offload_fp_flow *flow;
    size_t i;

    ovs_mutex_lock(&offload_fp_mutex);
    /* The reset took the rules whose deletion failed, and their ids may be
     * reused. */
    for (i = 0; i < offload_fp_n_zombies; ) {
        if (offload_fp_zombies[i].dev == dev) {
            offload_fp_zombies[i] = offload_fp_zombies[--offload_fp_n_zombies];
        } else {
            i++;
        }
    }
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        if (flow->dev == dev && (flow->state == OFFLOAD_FP_OFFLOADED
                                 || flow->state == OFFLOAD_FP_PARTIAL)) {
            stats_add(&flow->base, &flow->last);
            memset(&flow->last, 0, sizeof flow->last);
            flow->state = OFFLOAD_FP_EVICTED;
            offload_fp_flow_set_reason(
                flow, xasprintf("evicted by a reset of %s",
                                fp_device_name(dev)));
            offload_fp_stats.evicted++;
            offload_fp_flow_update_cls(flow);
            COVERAGE_INC(fp_offload_evicted);
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    VLOG_INFO("%s: reset; its flows go back into it as room allows",
              fp_device_name(dev));
}

/* Re-offload of the flows that wait for room. */

struct offload_fp_candidate {
    struct offload_fp_flow *flow;
    double rate;
};

static int
compare_candidates(const void *a_, const void *b_)
{
    const struct offload_fp_candidate *a = a_;
    const struct offload_fp_candidate *b = b_;

    return a->rate < b->rate ? 1 : a->rate > b->rate ? -1 : 0;
}

/* Called from ovs-vswitchd's main thread on every iteration: retries the
 * deletion of rules that failed, and once a second puts the flows that
 * wait for room (WAITING, EVICTED) into their NICs, the highest software
 * packet rate since they started waiting first, until the NICs are full
 * again. */
void
netdev_offload_fp_run(void)
{
    static long long int next_run;
    struct offload_fp_candidate *cands = NULL;
    size_t n_cands = 0, allocated = 0;
    long long int now = time_msec();
    struct offload_fp_flow *flow;
    size_t i;

    if (now < next_run) {
        poll_timer_wait_until(next_run);
        return;
    }
    next_run = now + OFFLOAD_FP_RETRY_INTERVAL;
    poll_timer_wait_until(next_run);

    ovs_mutex_lock(&offload_fp_mutex);
    for (i = 0; i < offload_fp_n_zombies; ) {
        struct offload_fp_zombie *z = &offload_fp_zombies[i];
        struct fp_rule_stats final;
        int error = fp_rule_delete(z->dev, z->rule_id, &final);

        if (!error || error == ENOENT) {
            *z = offload_fp_zombies[--offload_fp_n_zombies];
        } else {
            i++;
        }
    }

    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        if (flow->in_cls && flow->rule) {
            uint64_t n;

            atomic_read_relaxed(&flow->sw_packets, &n);
            flow->sw_rate = ((double) (n - flow->sw_packets_seen) * 1000
                             / MAX(now - flow->sw_time, 1));

            if (n_cands >= allocated) {
                cands = x2nrealloc(cands, &allocated, sizeof *cands);
            }
            cands[n_cands].flow = flow;
            cands[n_cands].rate = flow->sw_rate;
            n_cands++;
        }
    }

    if (n_cands) {
        /* qsort() may not be given a null pointer, even for 0 items. */
        qsort(cands, n_cands, sizeof *cands, compare_candidates);
    }
    for (i = 0; i < n_cands; i++) {
        bool partial;

        flow = cands[i].flow;
        partial = (flow->rule->n_actions
                   && flow->rule->actions[0].type == FP_ACTION_MARK);
        offload_fp_flow_install(flow, (partial ? OFFLOAD_FP_PARTIAL
                                       : OFFLOAD_FP_OFFLOADED));
        if (flow->state == OFFLOAD_FP_OFFLOADED
            || flow->state == OFFLOAD_FP_PARTIAL) {
            COVERAGE_INC(fp_offload_reoffload);
            offload_fp_stats.reoffloaded++;
            if (!partial) {
                offload_fp_flow_set_reason(flow, NULL);
            }
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    free(cands);
}

/* fp/explain and fp/offload-stats. */

static void
offload_fp_format_flow(const struct offload_fp_flow *flow, struct ds *s)
    OVS_REQUIRES(offload_fp_mutex)
{
    const char *dev = fp_device_name(flow->dev);

    odp_format_ufid(&flow->ufid, s);
    ds_put_format(s, ": %s", state_names[flow->state]);
    switch (flow->state) {
    case OFFLOAD_FP_OFFLOADED:
        ds_put_format(s, ": %s runs it", dev);
        break;
    case OFFLOAD_FP_PARTIAL:
        ds_put_format(s, ": %s classifies it and marks its packets "
                      "(mark %"PRIu32"), dpif-netdev runs its actions, "
                      "because %s", dev, flow->mark, flow->reason);
        break;
    case OFFLOAD_FP_WAITING:
        ds_put_format(s, ": %s; in software until there is room",
                      flow->reason);
        break;
    case OFFLOAD_FP_EVICTED:
        ds_put_format(s, ": %s; in software until it is back in the NIC",
                      flow->reason);
        break;
    case OFFLOAD_FP_REFUSED:
        ds_put_format(s, ": %s", flow->reason);
        break;
    case OFFLOAD_FP_N_STATES:
    default:
        OVS_NOT_REACHED();
    }
}

/* Appends to 's' the verdict on the datapath flow 'ufid'.  Returns false if
 * we never saw it. */
bool
netdev_offload_fp_explain_ufid(const ovs_u128 *ufid, struct ds *s)
{
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    if (flow) {
        offload_fp_format_flow(flow, s);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return flow != NULL;
}

/* Appends to 's' what would happen to a flow with 'match' (whose in_port is
 * an "fp" netdev, 'netdev') and ODP 'actions', without offloading it: a dry
 * run of flow_put(). */
void
netdev_offload_fp_explain_flow(const struct netdev *netdev,
                               const struct match *match,
                               const struct nlattr *actions,
                               size_t actions_len, struct ds *s)
{
    struct offload_fp_verdict v;
    struct fp_device *dev;
    uint32_t port;

    if (!netdev_fp_get_port(netdev, &dev, &port)) {
        ds_put_format(s, "refused: %s is not bound to a NIC port",
                      netdev_get_name(netdev));
        return;
    }
    netdev_offload_fp_decide(netdev, dev, port, match, actions, actions_len,
                             0, &v);
    switch (v.state) {
    case OFFLOAD_FP_OFFLOADED:
        ds_put_format(s, "offloaded: %s would run it (%"PRIuSIZE
                      " NIC actions)", fp_device_name(dev),
                      v.rule.n_actions);
        break;
    case OFFLOAD_FP_PARTIAL:
        ds_put_format(s, "partial: %s would classify it and mark its "
                      "packets, dpif-netdev would run its actions, because "
                      "%s", fp_device_name(dev), v.reason);
        break;
    case OFFLOAD_FP_REFUSED:
    case OFFLOAD_FP_WAITING:
    case OFFLOAD_FP_EVICTED:
    case OFFLOAD_FP_N_STATES:
    default:
        ds_put_format(s, "refused: %s", v.reason);
        break;
    }
    free(v.reason);
}

/* Appends to 's' the verdict on every flow, sorted by ufid. */
void
netdev_offload_fp_explain_all(struct ds *s)
{
    struct offload_fp_flow *flow;
    struct svec lines;
    size_t i;

    svec_init(&lines);
    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        struct ds line = DS_EMPTY_INITIALIZER;

        offload_fp_format_flow(flow, &line);
        svec_add_nocopy(&lines, ds_steal_cstr(&line));
    }
    ovs_mutex_unlock(&offload_fp_mutex);

    svec_sort(&lines);
    for (i = 0; i < lines.n; i++) {
        ds_put_format(s, "%s\n", lines.names[i]);
    }
    svec_destroy(&lines);
}

/* Stores in '*stats' the counters of this flow API over all devices. */
void
netdev_offload_fp_get_stats(struct netdev_offload_fp_stats *stats)
{
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    *stats = offload_fp_stats;
    memset(stats->n_state, 0, sizeof stats->n_state);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        stats->n_state[flow->state]++;
    }
    stats->n_flows = (stats->n_state[OFFLOAD_FP_OFFLOADED]
                      + stats->n_state[OFFLOAD_FP_PARTIAL]);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Appends to 's' the flows by verdict and the count of each reason for
 * refusal, partial offload or failure, sorted. */
void
netdev_offload_fp_format_stats(struct ds *s)
{
    struct netdev_offload_fp_stats st;
    const struct shash_node **nodes;
    size_t i;

    netdev_offload_fp_get_stats(&st);
    ds_put_cstr(s, "flows:");
    for (i = 0; i < OFFLOAD_FP_N_STATES; i++) {
        ds_put_format(s, " %"PRIu64" %s%s", st.n_state[i], state_names[i],
                      i + 1 < OFFLOAD_FP_N_STATES ? "," : "\n");
    }
    ds_put_format(s, "events: %"PRIu64" added, %"PRIu64" modified, %"PRIu64
                  " deleted, %"PRIu64" partial, %"PRIu64" refused, %"PRIu64
                  " failed, %"PRIu64" evicted, %"PRIu64" re-offloaded\n",
                  st.added, st.modified, st.deleted, st.partial, st.refused,
                  st.failed, st.evicted, st.reoffloaded);

    ovs_mutex_lock(&offload_fp_mutex);
    nodes = shash_sort(&offload_fp_reasons);
    ds_put_cstr(s, "reasons:\n");
    for (i = 0; i < shash_count(&offload_fp_reasons); i++) {
        const uint64_t *count = nodes[i]->data;

        ds_put_format(s, "  %s: %"PRIu64"\n", nodes[i]->name, *count);
    }
    free(nodes);
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Claims 'netdev' for this flow API if it is an "fp" netdev.  Called when
 * hw-offload is enabled, for every port of a userspace datapath. */
static int
netdev_offload_fp_init_flow_api(struct netdev *netdev)
{
    return netdev_fp_is_fp(netdev) ? 0 : EOPNOTSUPP;
}

/* Called when 'netdev' leaves the datapath: its flows leave the NIC. */
static void
netdev_offload_fp_uninit_flow_api(struct netdev *netdev)
{
    netdev_offload_fp_flow_flush(netdev);
}

const struct netdev_flow_api netdev_offload_fp = {
    .type = "fp",
    .flow_flush = netdev_offload_fp_flow_flush,
    .flow_put = netdev_offload_fp_flow_put,
    .flow_get = netdev_offload_fp_flow_get,
    .flow_del = netdev_offload_fp_flow_del,
    .flow_get_n_flows = netdev_offload_fp_flow_get_n_flows,
    .init_flow_api = netdev_offload_fp_init_flow_api,
    .uninit_flow_api = netdev_offload_fp_uninit_flow_api,
};
