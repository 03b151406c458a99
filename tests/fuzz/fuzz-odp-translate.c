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

/* Fuzz target: the translation of datapath flows into NIC rules
 * (netdev-offload-fp.c), from netlink input, as dpif-netdev hands them to
 * the flow API.
 *
 * The input is a flow key and a mask in netlink attributes, each preceded
 * by its length (2 bytes, little-endian), then the actions in netlink
 * attributes.  The key and mask go through odp_flow_key_to_flow() and
 * odp_flow_key_to_mask(), and must fit perfectly, as dpif-netdev
 * requires.  The actions are kept only if OVS formats and parses them back
 * (format_odp_actions(), odp_actions_from_string()): the flow API gets
 * actions that OVS composed, never raw bytes.  OVS's formatter trusts the
 * lengths of nested attributes, so only the action types that
 * actions_are_formattable() checks are tried (ct() and the like are tried
 * from text by the fp/explain target).  The flow, on "fp" interface p1
 * (NIC port phy0 of fp0), is then explained (fp/explain's dry run), put
 * into the flow API, read back and deleted.  Output ports 1 to 3 are fp0's
 * phy0, vf0 and vf1; meter 1 is in fp0.  A flow whose match the
 * translation takes whole must give it back from its NIC rule
 * (offload_fp_match_from_rule()), or the target aborts.  With FUZZ_VERBOSE
 * set in the environment, it prints the verdict of each input. */

#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpif.h"
#include "flow.h"
#include "fuzz-ovs.h"
#include "netdev-offload.h"
#include "netdev-offload-fp.h"
#include "netdev-offload-fp-private.h"
#include "netdev-offload-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-rcu.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Returns true if the 'size' bytes at 'actions' are datapath actions that
 * format_odp_actions() can format: well-formed netlink attributes of the
 * types below, with the key of each set() action well-formed and not
 * nested (OVS's formatter trusts the nested lengths, which the kernel, or
 * OVS itself, has checked before), clone() recursively.  Other types would
 * need their own checks; these are enough for the translation, which
 * refuses every other action by its name. */
static bool
actions_are_formattable(const struct nlattr *actions, size_t size,
                        int depth)
{
    const struct nlattr *a;
    size_t left;

    if (depth > 4) {
        return false;
    }
    NL_ATTR_FOR_EACH (a, left, actions, size) {
        enum ovs_action_attr type = nl_attr_type(a);

        switch (type) {
        case OVS_ACTION_ATTR_SET:
        case OVS_ACTION_ATTR_SET_MASKED: {
            const struct nlattr *key = nl_attr_get(a);
            size_t key_size = nl_attr_get_size(a);

            if (key_size < NLA_HDRLEN || key->nla_len < NLA_HDRLEN
                || key->nla_len > key_size
                || nl_attr_type(key) == OVS_KEY_ATTR_ENCAP
                || nl_attr_type(key) == OVS_KEY_ATTR_TUNNEL
                || nl_attr_type(key) == OVS_KEY_ATTR_NSH) {
                return false;
            }
            break;
        }
        case OVS_ACTION_ATTR_CLONE:
            if (!actions_are_formattable(nl_attr_get(a), nl_attr_get_size(a),
                                         depth + 1)) {
                return false;
            }
            break;
        case OVS_ACTION_ATTR_OUTPUT:
        case OVS_ACTION_ATTR_PUSH_VLAN:
        case OVS_ACTION_ATTR_POP_VLAN:
        case OVS_ACTION_ATTR_RECIRC:
        case OVS_ACTION_ATTR_HASH:
        case OVS_ACTION_ATTR_PUSH_MPLS:
        case OVS_ACTION_ATTR_POP_MPLS:
        case OVS_ACTION_ATTR_TRUNC:
        case OVS_ACTION_ATTR_POP_ETH:
        case OVS_ACTION_ATTR_CT_CLEAR:
        case OVS_ACTION_ATTR_METER:
        case OVS_ACTION_ATTR_TUNNEL_POP:
        case OVS_ACTION_ATTR_DROP:
        case OVS_ACTION_ATTR_LB_OUTPUT:
            break;
        case OVS_ACTION_ATTR_UNSPEC:
        case OVS_ACTION_ATTR_USERSPACE:
        case OVS_ACTION_ATTR_SAMPLE:
        case OVS_ACTION_ATTR_CT:
        case OVS_ACTION_ATTR_PUSH_ETH:
        case OVS_ACTION_ATTR_PUSH_NSH:
        case OVS_ACTION_ATTR_POP_NSH:
        case OVS_ACTION_ATTR_CHECK_PKT_LEN:
        case OVS_ACTION_ATTR_ADD_MPLS:
        case OVS_ACTION_ATTR_TUNNEL_PUSH:
        case __OVS_ACTION_ATTR_MAX:
        default:
            return false;
        }
    }
    return !left;
}

/* Returns true if every attribute of the 'size' bytes of flow key or mask
 * at 'key', nested ones included, has the length that 'tbl' (of 'max' + 1
 * entries) gives its type.  A datapath key from ofproto always has; OVS
 * 3.1's odp_tun_key_from_attr__() looks tunnel attribute lengths up in the
 * wrong table (OVS_TUNNEL_ATTR_MAX), so it asserts on a short one instead of
 * refusing it, and that is not what this target tests. */
static bool
key_is_well_formed(const struct nlattr *key, size_t size,
                   const struct attr_len_tbl *tbl, int max)
{
    const struct nlattr *a;
    size_t left;

    NL_ATTR_FOR_EACH (a, left, key, size) {
        uint16_t type = nl_attr_type(a);
        int len = type > max ? ATTR_LEN_VARIABLE : tbl[type].len;

        if (len == ATTR_LEN_NESTED) {
            if (!key_is_well_formed(nl_attr_get(a), nl_attr_get_size(a),
                                    tbl[type].next ? tbl[type].next : tbl,
                                    tbl[type].next ? tbl[type].next_max
                                    : max)) {
                return false;
            }
        } else if (len >= 0 && nl_attr_get_size(a) != len) {
            return false;
        }
    }
    return !left;
}

/* Takes a 2-byte length and that many bytes from '*datap' ('*sizep'
 * bytes), into '*partp' and '*part_sizep'.  Returns false if the input is
 * too short. */
static bool
take(const uint8_t **datap, size_t *sizep, const uint8_t **partp,
     size_t *part_sizep)
{
    size_t n;

    if (*sizep < 2) {
        return false;
    }
    n = (*datap)[0] | ((*datap)[1] << 8);
    if (*sizep - 2 < n) {
        return false;
    }
    *partp = *datap + 2;
    *part_sizep = n;
    *datap += 2 + n;
    *sizep -= 2 + n;
    return true;
}

/* Aborts unless the NIC rule of the flow with 'match' and 'actions' on
 * 'netdev' gives back 'match' (under its mask), if the translation says it
 * does. */
static void
check_match_from_rule(struct netdev *netdev, const struct match *match,
                      const struct ofpbuf *actions)
{
    struct offload_fp_verdict v;
    struct match want, back;
    struct fp_device *dev;
    uint32_t port;

    if (!netdev_offload_fp_get_port(netdev, &dev, &port)) {
        return;
    }
    netdev_offload_fp_decide(netdev, dev, port, match, actions->data,
                             actions->size, 7, &v);
    free(v.reason);
    if (v.state == OFFLOAD_FP_REFUSED || !v.rest.exact) {
        return;
    }
    offload_fp_match_from_rule(&v.rule, &v.rest, &back);
    want = *match;
    flow_zero_wildcards(&want.flow, &want.wc);
    if (memcmp(&want.flow, &back.flow, sizeof want.flow)
        || memcmp(&want.wc, &back.wc, sizeof want.wc)) {
        fprintf(stderr, "the NIC rule does not give the match back\n");
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct netdev_flow_api *api = &netdev_offload_fp;
    ovs_u128 ufid = { .u32 = { 1, 2, 3, 4 } };
    const uint8_t *key, *mask;
    size_t key_len, mask_len;
    struct offload_info info;
    struct dpif_flow_stats stats;
    struct dpif_flow_attrs attrs;
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ofpbuf actions;
    struct netdev *p1;
    struct match match;
    void *key_copy, *mask_copy;
    enum odp_key_fitness fitness;

    p1 = fuzz_ovs_init();
    if (!take(&data, &size, &key, &key_len)
        || !take(&data, &size, &mask, &mask_len)) {
        return 0;
    }

    /* Copies, so that ASan sees reads past each part. */
    key_copy = xmemdup(key, key_len);
    mask_copy = xmemdup(mask, mask_len);
    fitness = ODP_FIT_ERROR;
    if (key_is_well_formed(key_copy, key_len, ovs_flow_key_attr_lens,
                           OVS_KEY_ATTR_MAX)
        && key_is_well_formed(mask_copy, mask_len, ovs_flow_key_attr_lens,
                              OVS_KEY_ATTR_MAX)) {
        fitness = odp_flow_key_to_flow(key_copy, key_len, &match.flow, NULL);
    }
    if (fitness == ODP_FIT_PERFECT) {
        fitness = odp_flow_key_to_mask(mask_copy, mask_len, &match.wc,
                                       &match.flow, NULL);
    }
    free(key_copy);
    free(mask_copy);
    if (fitness != ODP_FIT_PERFECT) {
        /* dpif-netdev refuses such a flow. */
        return 0;
    }

    ofpbuf_init(&actions, 0);
    if (size) {
        void *copy = xmemdup(data, size);

        if (!actions_are_formattable(copy, size, 0)) {
            free(copy);
            goto out;
        }

        format_odp_actions(&s, copy, size, NULL);
        if (getenv("FUZZ_VERBOSE")) {
            fprintf(stderr, "actions: %s\n", ds_cstr(&s));
        }
        free(copy);
        if (odp_actions_from_string(ds_cstr(&s), NULL, &actions)) {
            goto out;
        }
    }

    check_match_from_rule(p1, &match, &actions);
    ds_clear(&s);
    netdev_offload_fp_explain_flow(p1, &match, actions.data, actions.size,
                                   &s);
    if (getenv("FUZZ_VERBOSE")) {
        fprintf(stderr, "%s\n", ds_cstr(&s));
    }

    memset(&info, 0, sizeof info);
    info.flow_mark = 7;
    if (!api->flow_put(p1, &match, actions.data, actions.size, &ufid, &info,
                       &stats)) {
        api->flow_get(p1, NULL, NULL, &ufid, &stats, &attrs, NULL);
        api->flow_del(p1, &ufid, &stats);
    }
    ovsrcu_quiesce();

out:
    ofpbuf_uninit(&actions);
    ds_destroy(&s);
    return 0;
}
