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

#include "dpif.h"
#include "flow.h"
#include "hash.h"
#include "netdev-fp.h"
#include "netdev-fp-evb.h"
#include "netdev-fp-vf.h"
#include "netdev-provider.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-flow.h"
#include "ovs-offload.h"
#include "packets.h"
#include "simap.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

/* fp/explain and fp/offload-stats. */

/* Converts a datapath flow's 'key' and 'mask' (OVS_KEY_ATTR_*) into the
 * match that dpif-netdev's flow_put() makes of them, and so hands to the
 * flow API: the same conversions and checks as dpif_netdev_flow_put(),
 * without its logs.  On failure (dpif-netdev would not take such a flow),
 * returns EINVAL and stores in '*errorp' a message to free. */
int
netdev_offload_fp_match_from_odp(const struct nlattr *key, size_t key_len,
                                 const struct nlattr *mask, size_t mask_len,
                                 struct match *match, char **errorp)
{
    enum odp_key_fitness fitness;
    char *error = NULL;

    memset(match, 0, sizeof *match);
    fitness = odp_flow_key_to_flow(key, key_len, &match->flow, &error);
    if (fitness) {
        *errorp = (error
                   ? xasprintf("bad key: %s", error)
                   : fitness == ODP_FIT_TOO_LITTLE
                   ? xstrdup("the key lacks a header that it implies (an "
                             "eth_type its L3 header, such as ipv4(), an IP "
                             "protocol its L4 header, such as tcp())")
                   : xasprintf("bad key (%s)",
                               odp_key_fitness_to_string(fitness)));
        goto error;
    }
    /* DP_NETDEV_CS_SUPPORTED_MASK of dpif-netdev.c. */
    if (match->flow.ct_state & ~(uint32_t) (CS_NEW | CS_ESTABLISHED
                                            | CS_RELATED | CS_REPLY_DIR
                                            | CS_INVALID | CS_TRACKED
                                            | CS_SRC_NAT | CS_DST_NAT)) {
        *errorp = xstrdup("ct_state has a flag that dpif-netdev does not "
                          "support");
        goto error;
    }
    fitness = odp_flow_key_to_mask(mask, mask_len, &match->wc, &match->flow,
                                   &error);
    if (fitness) {
        *errorp = (error
                   ? xasprintf("bad mask: %s", error)
                   : xasprintf("the mask does not fit the key (%s)",
                               odp_key_fitness_to_string(fitness)));
        goto error;
    }
    if (match->wc.masks.in_port.odp_port != ODPP_NONE) {
        *errorp = xstrdup("in_port is not an exact match");
        goto error;
    }

    /* As dpif-netdev: a missing VLAN tag is an exact match on the absence
     * of a tag. */
    if (!match->wc.masks.vlans[0].tci) {
        match->wc.masks.vlans[0].tci = htons(VLAN_VID_MASK | VLAN_CFI);
    }
    return 0;

error:
    free(error);
    return EINVAL;
}

/* Stores in 'out' the match 'in' as it comes back from the datapath flow
 * syntax (OVS_KEY_ATTR_*), as dpif-netdev dumps it: a round trip that
 * makes equal two matches of one megaflow, one as the flow API got it and
 * one as dumped (they differ in how they say "no VLAN tag", for
 * example).  The bits that the mask does not cover are zeroed, before and
 * after: a datapath flow's key has those of the packet that made it, the
 * flow API's match (offload_fp_flow_match()) none. */
static void
explain_canonical_match(const struct match *in_, struct minimatch *out)
{
    struct match in = *in_;
    struct odp_flow_key_parms parms = {
        .flow = &in.flow,
        .mask = &in.wc.masks,
        .support = {
            /* dpif-netdev's. */
            .max_vlan_headers = SIZE_MAX,
            .max_mpls_depth = SIZE_MAX,
            .recirc = true,
            .ct_state = true,
            .ct_zone = true,
            .ct_mark = true,
            .ct_label = true,
            .ct_state_nat = true,
            .ct_orig_tuple = true,
            .ct_orig_tuple6 = true,
        },
    };
    struct ofpbuf key, mask;
    char *error = NULL;
    struct match m;

    flow_zero_wildcards(&in.flow, &in.wc);
    ofpbuf_init(&key, 0);
    ofpbuf_init(&mask, 0);
    odp_flow_key_from_flow(&parms, &key);
    odp_flow_key_from_mask(&parms, &mask);
    if (netdev_offload_fp_match_from_odp(key.data, key.size, mask.data,
                                         mask.size, &m, &error)) {
        free(error);
        m = in;
    }
    flow_zero_wildcards(&m.flow, &m.wc);
    minimatch_init(out, &m);
    ofpbuf_uninit(&key);
    ofpbuf_uninit(&mask);
}

/* A datapath flow, as dpctl/dump-flows shows it. */
struct explain_dp_flow {
    struct hmap_node node;      /* In a map, by hash of its match. */
    ovs_u128 ufid;              /* dpif-netdev's ufid of the flow. */
    struct minimatch match;     /* explain_canonical_match()'s. */
    char *text;                 /* Match and actions, with port names. */
};

/* Adds to 'flows' every flow of 'dpif' whose key converts to a match. */
static void
explain_dump_dpif(struct dpif *dpif, struct hmap *flows)
{
    struct hmap portno_names = HMAP_INITIALIZER(&portno_names);
    struct dpif_flow_dump_thread *thread;
    struct dpif_flow_dump *dump;
    struct dpif_port_dump port_dump;
    struct dpif_port dpif_port;
    struct dpif_flow f[16];
    int n;

    DPIF_PORT_FOR_EACH (&dpif_port, &port_dump, dpif) {
        odp_portno_names_set(&portno_names, dpif_port.port_no,
                             dpif_port.name);
    }

    dump = dpif_flow_dump_create(dpif, false, NULL);
    thread = dpif_flow_dump_thread_create(dump);
    while ((n = dpif_flow_dump_next(thread, f, ARRAY_SIZE(f))) > 0) {
        int i;

        for (i = 0; i < n; i++) {
            struct explain_dp_flow *df;
            struct match match;
            char *error = NULL;
            struct ds text;

            if (!f[i].ufid_present
                || netdev_offload_fp_match_from_odp(f[i].key, f[i].key_len,
                                                    f[i].mask,
                                                    f[i].mask_len, &match,
                                                    &error)) {
                free(error);
                continue;
            }
            ds_init(&text);
            odp_flow_format(f[i].key, f[i].key_len, f[i].mask,
                            f[i].mask_len, &portno_names, &text, false);
            ds_put_cstr(&text, ", actions:");
            format_odp_actions(&text, f[i].actions, f[i].actions_len,
                               &portno_names);

            df = xmalloc(sizeof *df);
            df->ufid = f[i].ufid;
            explain_canonical_match(&match, &df->match);
            df->text = ds_steal_cstr(&text);
            hmap_insert(flows, &df->node, minimatch_hash(&df->match, 0));
        }
    }
    dpif_flow_dump_thread_destroy(thread);
    dpif_flow_dump_destroy(dump);
    odp_portno_names_destroy(&portno_names);
    hmap_destroy(&portno_names);
}

/* Fills 'flows' with the flows of the datapaths that "fp" interfaces are
 * in, as dpctl/dump-flows shows them.  Must not be called with
 * 'offload_fp_mutex' held: a dump asks the flow API for each flow. */
static void
explain_dump_dp_flows(struct hmap *flows)
    OVS_EXCLUDED(offload_fp_mutex)
{
    struct sset types = SSET_INITIALIZER(&types);
    const char *type;

    netdev_offload_fp_dp_types(&types);
    SSET_FOR_EACH (type, &types) {
        struct sset names = SSET_INITIALIZER(&names);
        const char *name;

        if (!dp_enumerate_names(type, &names)) {
            SSET_FOR_EACH (name, &names) {
                struct dpif *dpif;

                if (!dpif_open(name, type, &dpif)) {
                    explain_dump_dpif(dpif, flows);
                    dpif_close(dpif);
                }
            }
        }
        sset_destroy(&names);
    }
    sset_destroy(&types);
}

/* Adds to 'names' the name and datapath port number of every port of the
 * datapaths that "fp" interfaces are in, as dpctl takes them in flows and
 * actions. */
void
netdev_offload_fp_port_names(struct simap *names)
{
    struct sset types = SSET_INITIALIZER(&types);
    const char *type;

    netdev_offload_fp_dp_types(&types);
    SSET_FOR_EACH (type, &types) {
        struct sset dp_names = SSET_INITIALIZER(&dp_names);
        const char *name;

        if (!dp_enumerate_names(type, &dp_names)) {
            SSET_FOR_EACH (name, &dp_names) {
                struct dpif_port_dump port_dump;
                struct dpif_port dpif_port;
                struct dpif *dpif;

                if (!dpif_open(name, type, &dpif)) {
                    DPIF_PORT_FOR_EACH (&dpif_port, &port_dump, dpif) {
                        simap_put(names, dpif_port.name,
                                  odp_to_u32(dpif_port.port_no));
                    }
                    dpif_close(dpif);
                }
            }
        }
        sset_destroy(&dp_names);
    }
    sset_destroy(&types);
}

static void
explain_free_dp_flows(struct hmap *flows)
{
    struct explain_dp_flow *df;

    HMAP_FOR_EACH_POP (df, node, flows) {
        minimatch_destroy(&df->match);
        free(df->text);
        free(df);
    }
    hmap_destroy(flows);
}

/* Appends to 's' where NIC rule 'rule' of a flow whose in_port is 'netdev'
 * stands in the pipeline of 'dev': its stage, if not the first (the flow's
 * match shows it too), and, if it recirculates, the stage it goes to and how
 * many of the flows of that stage (whose packets come from the same port)
 * 'dev' runs: the packets of the others leave the NIC there and resume in
 * dpif-netdev. */
static void
explain_recirc(const struct netdev *netdev, const struct fp_device *dev,
               const struct fp_rule *rule, struct ds *s)
    OVS_REQUIRES(offload_fp_mutex)
{
    const struct offload_fp_flow *flow;
    size_t n = 0, n_nic = 0;
    uint32_t next;

    if (rule->key.recirc_id) {
        ds_put_format(s, " at recirc_id %#"PRIx32, rule->key.recirc_id);
    }
    if (!rule->n_actions
        || rule->actions[rule->n_actions - 1].type != FP_ACTION_RECIRC) {
        return;
    }

    next = rule->actions[rule->n_actions - 1].recirc_id;
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        if (flow->netdev == netdev
            && offload_fp_flow_recirc_id(flow) == next) {
            n++;
            n_nic += flow->state == OFFLOAD_FP_OFFLOADED;
        }
    }
    ds_put_format(s, ", then recirculates to recirc_id %#"PRIx32, next);
    if (!n) {
        ds_put_format(s, ", which has no flow yet: its packets resume in "
                      "dpif-netdev");
    } else if (n == 1 && n_nic == 1) {
        ds_put_format(s, ", whose flow is in %s", fp_device_name(dev));
    } else if (n_nic == n) {
        ds_put_format(s, ", whose %"PRIuSIZE" flows are all in %s", n,
                      fp_device_name(dev));
    } else {
        ds_put_format(s, ", %"PRIuSIZE" of whose %"PRIuSIZE" flows %s in "
                      "%s: the packets of the others resume in dpif-netdev",
                      n_nic, n, n_nic == 1 ? "is" : "are",
                      fp_device_name(dev));
    }
}

/* Appends to 's' the verdict on 'flow' as the datapath flow 'df' (NULL if
 * dpif-netdev has no flow for it: then the flow API's ufid and match),
 * two lines: the ufid and the verdict, then the flow. */
static void
offload_fp_format_flow(const struct offload_fp_flow *flow,
                       const struct explain_dp_flow *df, struct ds *s)
    OVS_REQUIRES(offload_fp_mutex)
{
    const char *dev = fp_device_name(flow->dev);
    struct fp_rule buf;
    const struct fp_rule *rule = offload_fp_flow_rule(flow, &buf);
    ovs_u128 ufid = offload_fp_flow_ufid(flow);

    odp_format_ufid(df ? &df->ufid : &ufid, s);
    ds_put_format(s, ": %s", offload_fp_state_names[flow->state]);
    switch (flow->state) {
    case OFFLOAD_FP_OFFLOADED:
        ds_put_format(s, ": %s runs it", dev);
        explain_recirc(flow->netdev, flow->dev, rule, s);
        netdev_fp_evb_explain_rule(s, flow->dev, rule);
        if (flow->missing) {
            ds_put_format(s, ", but %s misses its packets (%"PRIu64" went "
                          "to dpif-netdev after it was offloaded)", dev,
                          offload_fp_flow_n_missed(flow));
        }
        break;
    case OFFLOAD_FP_PARTIAL:
        ds_put_format(s, ": %s classifies it and marks its packets "
                      "(mark %"PRIu32"), dpif-netdev runs its actions, "
                      "because %s", dev,
                      (rule && rule->n_actions
                       && rule->actions[0].type == FP_ACTION_MARK
                       ? rule->actions[0].mark : 0),
                      offload_fp_flow_reason(flow));
        break;
    case OFFLOAD_FP_WAITING:
        ds_put_format(s, ": %s; in software until %s",
                      offload_fp_flow_reason(flow),
                      (offload_fp_flow_vf_unplugged(flow)
                       ? "the VF is plugged back in" : "there is room"));
        break;
    case OFFLOAD_FP_EVICTED:
        ds_put_format(s, ": %s; in software until %s",
                      offload_fp_flow_reason(flow),
                      (offload_fp_flow_vf_unplugged(flow)
                       ? "the VF is plugged back in" : "it is back in the NIC"));
        break;
    case OFFLOAD_FP_REFUSED:
        ds_put_format(s, ": %s", offload_fp_flow_reason(flow));
        break;
    case OFFLOAD_FP_N_STATES:
    default:
        OVS_NOT_REACHED();
    }
    if (rule) {
        /* The VF policies around it, which apply whatever the verdict. */
        netdev_fp_vf_explain(flow->dev, rule->key.in_port,
                             (flow->state == OFFLOAD_FP_OFFLOADED
                              ? rule : NULL), s);
    }
    ds_put_cstr(s, "\n  ");
    if (df) {
        ds_put_cstr(s, df->text);
    } else {
        struct match match;

        offload_fp_flow_match(flow, &match);
        ds_put_cstr(s, "(no datapath flow) ");
        match_format(&match, NULL, s, OFP_DEFAULT_PRIORITY);

    }
    ds_put_char(s, '\n');
}

/* Stores in 'out' the match of 'flow' as explain_canonical_match() makes
 * it. */
static void
explain_flow_match(const struct offload_fp_flow *flow, struct minimatch *out)
{
    struct match match;

    offload_fp_flow_match(flow, &match);
    explain_canonical_match(&match, out);
}

/* Returns the flow of the flow API whose match is that of 'df', or NULL. */
static struct offload_fp_flow *
explain_find_by_match(const struct explain_dp_flow *df)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_flow *flow;

    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        struct minimatch mm;
        bool equal;

        explain_flow_match(flow, &mm);
        equal = minimatch_equal(&mm, &df->match);
        minimatch_destroy(&mm);
        if (equal) {
            return flow;
        }
    }
    return NULL;
}

/* Appends to 's' the verdict on the flow 'ufid': the ufid of a datapath
 * flow as dpctl/dump-flows -m prints it, or the one under which
 * dpif-netdev offloaded it.  Returns false if the flow API never saw such
 * a flow. */
bool
netdev_offload_fp_explain_ufid(const ovs_u128 *ufid, struct ds *s)
{
    struct hmap dp_flows = HMAP_INITIALIZER(&dp_flows);
    struct explain_dp_flow *df, *found = NULL;
    struct offload_fp_flow *flow;

    explain_dump_dp_flows(&dp_flows);
    HMAP_FOR_EACH (df, node, &dp_flows) {
        if (ovs_u128_equals(df->ufid, *ufid)) {
            found = df;
            break;
        }
    }

    ovs_mutex_lock(&offload_fp_mutex);
    flow = found ? explain_find_by_match(found) : offload_fp_flow_find(ufid);
    if (flow) {
        if (!found) {
            /* The flow API's ufid: the datapath flow with its match. */
            struct minimatch mm;

            explain_flow_match(flow, &mm);
            HMAP_FOR_EACH_WITH_HASH (df, node, minimatch_hash(&mm, 0),
                                     &dp_flows) {
                if (minimatch_equal(&mm, &df->match)) {
                    found = df;
                    break;
                }
            }
            minimatch_destroy(&mm);
        }
        offload_fp_format_flow(flow, found, s);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    explain_free_dp_flows(&dp_flows);
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

    if (!netdev_offload_fp_get_port(netdev, &dev, &port)) {
        ds_put_format(s, "refused: %s is not bound to a NIC port",
                      netdev_get_name(netdev));
        return;
    }
    netdev_offload_fp_decide(netdev, dev, port, match, actions, actions_len,
                             0, &v);
    switch (v.state) {
    case OFFLOAD_FP_OFFLOADED:
        ds_put_format(s, "offloaded: %s would run it (%"PRIuSIZE
                      " NIC action%s)", fp_device_name(dev),
                      v.rule.n_actions, v.rule.n_actions == 1 ? "" : "s");
        ovs_mutex_lock(&offload_fp_mutex);
        explain_recirc(netdev, dev, &v.rule, s);
        ovs_mutex_unlock(&offload_fp_mutex);
        netdev_fp_evb_explain_rule(s, dev, &v.rule);
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
    /* The VF policies around it, which apply whatever the verdict. */
    netdev_fp_vf_explain(dev, port, (v.state == OFFLOAD_FP_OFFLOADED
                                     ? &v.rule : NULL), s);
    free(v.reason);
}

/* Appends to 's' the verdict on every flow, sorted by ufid: for each
 * datapath flow (one per thread of dpif-netdev that has it) the ufid that
 * dpctl/dump-flows -m shows and the verdict, then the flow's match and
 * actions. */
void
netdev_offload_fp_explain_all(struct ds *s)
{
    struct hmap dp_flows = HMAP_INITIALIZER(&dp_flows);
    struct offload_fp_flow *flow;
    struct svec entries;
    size_t i;

    explain_dump_dp_flows(&dp_flows);
    svec_init(&entries);
    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        const struct explain_dp_flow *df;
        struct minimatch mm;
        bool any = false;

        explain_flow_match(flow, &mm);
        HMAP_FOR_EACH_WITH_HASH (df, node, minimatch_hash(&mm, 0),
                                 &dp_flows) {
            if (minimatch_equal(&mm, &df->match)) {
                struct ds entry = DS_EMPTY_INITIALIZER;

                offload_fp_format_flow(flow, df, &entry);
                svec_add_nocopy(&entries, ds_steal_cstr(&entry));
                any = true;
            }
        }
        minimatch_destroy(&mm);
        if (!any) {
            struct ds entry = DS_EMPTY_INITIALIZER;

            offload_fp_format_flow(flow, NULL, &entry);
            svec_add_nocopy(&entries, ds_steal_cstr(&entry));
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    explain_free_dp_flows(&dp_flows);

    svec_sort(&entries);
    for (i = 0; i < entries.n; i++) {
        ds_put_cstr(s, entries.names[i]);
    }
    svec_destroy(&entries);
}

/* Appends to 's' the flow of the flow API whose NIC rule is 'rule_id' of
 * 'dev', for fp/trace and fp/inject.  With 'full', as fp/explain shows it
 * (for each datapath flow of it, the ufid that dpctl/dump-flows -m prints
 * and the verdict, then the flow's match and actions), each line indented
 * by two spaces; otherwise only "ufid:..., VERDICT" of the first datapath
 * flow.  '*dp_flows' caches the datapath flows for the next call: it starts
 * empty and the caller frees it with netdev_offload_fp_explain_done().
 * Returns false, appending nothing, if no flow of the flow API has that
 * rule. */
bool
netdev_offload_fp_explain_rule(const struct fp_device *dev, uint32_t rule_id,
                               bool full, struct hmap *dp_flows,
                               struct ds *s)
{
    struct offload_fp_flow *flow, *found = NULL;

    if (!rule_id) {
        return false;
    }
    if (hmap_is_empty(dp_flows)) {
        explain_dump_dp_flows(dp_flows);
    }

    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        if (flow->dev == dev && flow->rule_id == rule_id
            && (flow->state == OFFLOAD_FP_OFFLOADED
                || flow->state == OFFLOAD_FP_PARTIAL)) {
            found = flow;
            break;
        }
    }
    if (found) {
        const struct explain_dp_flow *df, *first = NULL;
        struct svec entries;
        struct minimatch mm;
        size_t i;

        svec_init(&entries);
        explain_flow_match(found, &mm);
        HMAP_FOR_EACH_WITH_HASH (df, node, minimatch_hash(&mm, 0),
                                 dp_flows) {
            if (minimatch_equal(&mm, &df->match)) {
                struct ds entry = DS_EMPTY_INITIALIZER;

                if (!first
                    || df->ufid.u64.hi < first->ufid.u64.hi
                    || (df->ufid.u64.hi == first->ufid.u64.hi
                        && df->ufid.u64.lo < first->ufid.u64.lo)) {
                    first = df;
                }
                offload_fp_format_flow(found, df, &entry);
                svec_add_nocopy(&entries, ds_steal_cstr(&entry));
            }
        }
        minimatch_destroy(&mm);
        if (!entries.n) {
            struct ds entry = DS_EMPTY_INITIALIZER;

            offload_fp_format_flow(found, NULL, &entry);
            svec_add_nocopy(&entries, ds_steal_cstr(&entry));
        }

        if (full) {
            svec_sort(&entries);
            for (i = 0; i < entries.n; i++) {
                const char *line = entries.names[i];

                while (*line) {
                    size_t len = strcspn(line, "\n");

                    ds_put_cstr(s, "  ");
                    ds_put_buffer(s, line, len);
                    ds_put_char(s, '\n');
                    line += len + (line[len] == '\n');
                }
            }
        } else {
            ovs_u128 ufid = offload_fp_flow_ufid(found);

            odp_format_ufid(first ? &first->ufid : &ufid, s);
            ds_put_format(s, ", %s", offload_fp_state_names[found->state]);
        }
        svec_destroy(&entries);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return found != NULL;
}

/* Frees the datapath flows that netdev_offload_fp_explain_rule() cached in
 * 'dp_flows'. */
void
netdev_offload_fp_explain_done(struct hmap *dp_flows)
{
    explain_free_dp_flows(dp_flows);
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
    stats->resumed = offload_fp_n_resumed();
}

/* Counts of refusals and failures, by reason without the details in
 * parentheses (e.g. "action ct not supported by fp0"). */
struct shash offload_fp_reasons OVS_GUARDED_BY(offload_fp_mutex)
    = SHASH_INITIALIZER(&offload_fp_reasons);

/* Counts a refusal or failure under its reason without the details, which
 * are in parentheses: "match on recirc_id (0x1) not supported by fp0"
 * counts as "match on recirc_id not supported by fp0".  So the reasons are
 * kinds, a bounded list; the details are in fp/explain. */
void
offload_fp_count_reason(const char *reason)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    uint64_t *count;
    const char *p;
    char *key;

    for (p = reason; *p; ) {
        const char *paren = strstr(p, " (");
        const char *close = NULL;

        if (paren) {
            int depth = 0;

            for (close = paren + 1; *close; close++) {
                depth += *close == '(' ? 1 : *close == ')' ? -1 : 0;
                if (!depth) {
                    break;
                }
            }
        }
        if (!close || !*close) {
            ds_put_cstr(&s, p);
            break;
        }
        ds_put_buffer(&s, p, paren - p);
        p = close + 1;
    }
    key = ds_steal_cstr(&s);
    count = shash_find_data(&offload_fp_reasons, key);

    if (!count) {
        count = xzalloc(sizeof *count);
        shash_add(&offload_fp_reasons, key, count);
    }
    (*count)++;
    free(key);
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
        ds_put_format(s, " %"PRIu64" %s%s", st.n_state[i],
                      offload_fp_state_names[i],
                      i + 1 < OFFLOAD_FP_N_STATES ? "," : "\n");
    }
    ds_put_format(s, "events: %"PRIu64" added, %"PRIu64" modified, %"PRIu64
                  " deleted, %"PRIu64" partial, %"PRIu64" refused, %"PRIu64
                  " failed, %"PRIu64" evicted, %"PRIu64" re-offloaded\n",
                  st.added, st.modified, st.deleted, st.partial, st.refused,
                  st.failed, st.evicted, st.reoffloaded);
    ds_put_format(s, "missed: %"PRIu64" offloaded flows, %"PRIu64
                  " packets\n", st.missing, st.missed);
    ds_put_format(s, "resumed: %"PRIu64" packets in software after a "
                  "recirculation in a NIC\n", st.resumed);

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
