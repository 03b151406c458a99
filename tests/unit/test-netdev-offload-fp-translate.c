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

/* Unit tests of the translation of a megaflow's match
 * (ofproto-offload/netdev-offload-fp-translate.c), against a walk of every
 * field of struct flow that this file writes out on its own: for random
 * masks over every field (and the padding between them), the rule's key and
 * mask, what the rule does not keep of the match, the words of the mask
 * and the verdict with its reason are those that the walk expects.  The
 * check of the bits that the translation cannot take is folded from a
 * constant and has an AVX2 variant: both variants run, if the CPU has
 * AVX2. */

#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dummy.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp-test-netdev.h"
#include "netdev-offload-fp-private.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "random.h"
#include "util.h"

/* A field of struct flow: its name in a refusal's reason, and where the
 * translation puts it in struct fp_key ('fp_ofs' -1: nowhere). */
struct test_field {
    const char *name;
    size_t ofs, size;
    int fp_ofs;
};

#define UNTRANSLATED(NAME, MEMBER)                                      \
    { NAME, offsetof(struct flow, MEMBER),                              \
      sizeof ((struct flow *) NULL)->MEMBER, -1 }
#define TRANSLATED(NAME, MEMBER, FP_MEMBER)                             \
    { NAME, offsetof(struct flow, MEMBER),                              \
      sizeof ((struct flow *) NULL)->MEMBER,                            \
      offsetof(struct fp_key, FP_MEMBER) }

/* Every field of struct flow, in its order; in_port, skb_priority and
 * packet_type have rules of their own (see check()). */
static const struct test_field test_fields[] = {
    UNTRANSLATED("tunnel", tunnel),
    UNTRANSLATED("metadata", metadata),
    UNTRANSLATED("reg", regs),
    UNTRANSLATED("skb_priority", skb_priority),
    UNTRANSLATED("pkt_mark", pkt_mark),
    TRANSLATED("dp_hash", dp_hash, dp_hash),
    UNTRANSLATED("in_port", in_port),
    TRANSLATED("recirc_id", recirc_id, recirc_id),
    UNTRANSLATED("ct_state", ct_state),
    UNTRANSLATED("ct_nw_proto", ct_nw_proto),
    UNTRANSLATED("ct_zone", ct_zone),
    UNTRANSLATED("ct_mark", ct_mark),
    UNTRANSLATED("packet_type", packet_type),
    UNTRANSLATED("ct_label", ct_label),
    UNTRANSLATED("conj_id", conj_id),
    UNTRANSLATED("actset_output", actset_output),
    TRANSLATED("dl_dst", dl_dst, eth_dst),
    TRANSLATED("dl_src", dl_src, eth_src),
    TRANSLATED("dl_type", dl_type, eth_type),
    TRANSLATED("vlan_tci", vlans[0].tpid, vlans[0].tpid),
    TRANSLATED("vlan_tci", vlans[0].tci, vlans[0].tci),
    TRANSLATED("vlan_tci", vlans[1].tpid, vlans[1].tpid),
    TRANSLATED("vlan_tci", vlans[1].tci, vlans[1].tci),
    UNTRANSLATED("mpls", mpls_lse),
    TRANSLATED("nw_src", nw_src, nw_src),
    TRANSLATED("nw_dst", nw_dst, nw_dst),
    UNTRANSLATED("ct_nw_src", ct_nw_src),
    UNTRANSLATED("ct_nw_dst", ct_nw_dst),
    TRANSLATED("ipv6_src", ipv6_src, ipv6_src),
    TRANSLATED("ipv6_dst", ipv6_dst, ipv6_dst),
    UNTRANSLATED("ct_ipv6_src", ct_ipv6_src),
    UNTRANSLATED("ct_ipv6_dst", ct_ipv6_dst),
    TRANSLATED("ipv6_label", ipv6_label, ipv6_label),
    TRANSLATED("nw_frag", nw_frag, ip_frag),
    TRANSLATED("nw_tos", nw_tos, nw_tos),
    TRANSLATED("nw_ttl", nw_ttl, nw_ttl),
    TRANSLATED("nw_proto", nw_proto, nw_proto),
    TRANSLATED("nd_target", nd_target, nd_target),
    TRANSLATED("arp_sha", arp_sha, arp_sha),
    TRANSLATED("arp_tha", arp_tha, arp_tha),
    TRANSLATED("tcp_flags", tcp_flags, tcp_flags),
    UNTRANSLATED("nsh", nsh),
    TRANSLATED("tp_src", tp_src, tp_src),
    TRANSLATED("tp_dst", tp_dst, tp_dst),
    UNTRANSLATED("ct_tp_src", ct_tp_src),
    UNTRANSLATED("ct_tp_dst", ct_tp_dst),
    UNTRANSLATED("igmp_group_ip4", igmp_group_ip4),
};

static const struct test_field *
field_by_ofs(size_t ofs)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(test_fields); i++) {
        if (ofs >= test_fields[i].ofs
            && ofs < test_fields[i].ofs + test_fields[i].size) {
            return &test_fields[i];
        }
    }
    return NULL;                /* Padding. */
}

/* The words of struct fp_key (bit i: word i) that 'size' bytes at 'ofs'
 * cover. */
static uint32_t
fp_words(size_t ofs, size_t size)
{
    uint32_t words = 0;
    size_t i;

    for (i = ofs / 4; i <= (ofs + size - 1) / 4; i++) {
        words |= UINT32_C(1) << i;
    }
    return words;
}

/* Decides on 'match' (in on p1, NIC port 0, no actions) and checks the
 * verdict against the walk of the fields. */
static void
check(const struct match *match)
{
    const uint8_t *f = (const uint8_t *) &match->flow;
    const uint8_t *m = (const uint8_t *) &match->wc.masks;
    const struct flow *mask = &match->wc.masks;
    struct fp_key key, key_mask;
    struct offload_fp_verdict v;
    struct ds names = DS_EMPTY_INITIALIZER;
    const struct test_field *last = NULL;
    uint32_t words;
    bool padding = false;
    size_t i;

    /* The walk. */
    memset(&key, 0, sizeof key);
    memset(&key_mask, 0, sizeof key_mask);
    key.in_port = 0;
    key_mask.in_port = UINT32_MAX;
    words = fp_words(offsetof(struct fp_key, in_port), sizeof key.in_port);
    for (i = 0; i < sizeof *mask; i++) {
        const struct test_field *field = field_by_ofs(i);

        if (!m[i]) {
            continue;
        }
        if (!field) {
            padding = true;
        } else if (field->fp_ofs >= 0) {
            size_t j = field->fp_ofs + (i - field->ofs);

            ((uint8_t *) &key)[j] = f[i] & m[i];
            ((uint8_t *) &key_mask)[j] = m[i];
            words |= fp_words(field->fp_ofs, field->size);
        } else if (field->ofs == offsetof(struct flow, in_port)
                   || field->ofs == offsetof(struct flow, packet_type)
                   || (field->ofs == offsetof(struct flow, skb_priority)
                       && !(match->flow.skb_priority
                            & mask->skb_priority))) {
            /* Taken (packet_type: Ethernet, see below). */
        } else if (field != last) {
            ds_put_format(&names, "%s%s", names.length ? ", " : "",
                          field->name);
            last = field;
        }
    }

    memset(&v, 0xa5, sizeof v);
    netdev_offload_fp_decide(p1, dev, 0, match, NULL, 0, 1, &v);
    if (names.length) {
        char *reason = xasprintf("match on %s not supported by fp0",
                                 ds_cstr(&names));

        assert_int_equal(v.state, OFFLOAD_FP_REFUSED);
        assert_string_equal(v.reason, reason);
        free(reason);
        free(v.reason);
        ds_destroy(&names);
        return;
    }
    assert_int_equal(v.state, OFFLOAD_FP_OFFLOADED);
    assert_null(v.reason);
    assert_memory_equal(&v.rule.key, &key, sizeof key);
    assert_memory_equal(&v.rule.mask, &key_mask, sizeof key_mask);
    assert_int_equal(v.rule.priority, 0);
    assert_int_equal(v.rule.n_actions, 0);
    assert_int_equal(v.words, words);
    assert_int_equal(odp_to_u32(v.rest.in_port),
                     odp_to_u32(match->flow.in_port.odp_port));
    assert_int_equal(v.rest.skb_priority, mask->skb_priority != 0);
    assert_int_equal(v.rest.packet_type, mask->packet_type != 0);
    assert_int_equal(v.rest.exact,
                     (!padding
                      && mask->in_port.odp_port == ODPP_NONE
                      && (!mask->skb_priority
                          || mask->skb_priority == UINT32_MAX)
                      && (!mask->packet_type
                          || mask->packet_type == OVS_BE32_MAX)));
    ds_destroy(&names);
}

/* Fills 'n' bytes at 'ofs' of 'match' with a random value under a random
 * mask that is not all zeros. */
static void
random_field(struct match *match, size_t ofs, size_t n)
{
    uint8_t *f = (uint8_t *) &match->flow;
    uint8_t *m = (uint8_t *) &match->wc.masks;
    size_t i;

    for (i = 0; i < n; i++) {
        f[ofs + i] = random_uint32();
        m[ofs + i] = random_uint32() % 3 ? random_uint32() : 0xff;
        if (random_uint32() % 4) {
            m[ofs + i] = 0;
        }
    }
    m[ofs + random_range(n)] |= 1 << random_range(8);
}

/* Random matches: a few fields each (sometimes a byte of padding), from
 * every field, with in_port exact as dpif-netdev has it. */
static void
check_random(void)
{
    int n;

    for (n = 0; n < 20000; n++) {
        struct match match;
        int k, n_fields = random_range(5);

        match_init_catchall(&match);
        match.flow.in_port.odp_port = u32_to_odp(random_range(8));
        match.wc.masks.in_port.odp_port = ODPP_NONE;
        for (k = 0; k < n_fields; k++) {
            size_t ofs = random_range(sizeof match.flow);
            const struct test_field *field = field_by_ofs(ofs);

            if (!field) {
                if (random_range(4)) {
                    continue;
                }
                random_field(&match, ofs, 1);
            } else if (field->ofs == offsetof(struct flow, in_port)) {
                continue;
            } else if (field->ofs == offsetof(struct flow, packet_type)) {
                match.flow.packet_type = htonl(PT_ETH);
                match.wc.masks.packet_type = (random_range(2)
                                              ? OVS_BE32_MAX
                                              : htonl(random_uint32() | 1));
            } else if (field->ofs == offsetof(struct flow, skb_priority)) {
                random_field(&match, field->ofs, field->size);
                if (random_range(2)) {
                    match.flow.skb_priority = 0;
                }
            } else {
                random_field(&match, field->ofs, field->size);
            }
        }
        check(&match);
        if (!(n % 1024)) {
            ovsrcu_quiesce();
        }
    }
}

/* For every byte of struct flow, a match on it alone (all ones, then a
 * single bit), with in_port exact: every byte of every field, group and
 * padding is translated or named. */
static void
check_each_byte(void)
{
    size_t ofs;
    int bit;

    for (ofs = 0; ofs < sizeof(struct flow); ofs++) {
        if (field_by_ofs(ofs)
            && field_by_ofs(ofs)->ofs == offsetof(struct flow, in_port)) {
            continue;
        }
        for (bit = -1; bit < 8; bit++) {
            struct match match;

            match_init_catchall(&match);
            match.flow.in_port.odp_port = u32_to_odp(1);
            match.wc.masks.in_port.odp_port = ODPP_NONE;
            ((uint8_t *) &match.flow)[ofs] = 0x5a;
            ((uint8_t *) &match.wc.masks)[ofs] = bit < 0 ? 0xff : 1 << bit;
            if (field_by_ofs(ofs)
                && field_by_ofs(ofs)->ofs == offsetof(struct flow,
                                                      packet_type)) {
                match.flow.packet_type = htonl(PT_ETH);
            }
            check(&match);
        }
    }
}

/* Random matches, with the AVX2 check if the CPU has it, then without. */
static void
test_translate_random(void **state OVS_UNUSED)
{
    bool avx2 = offload_fp_avx2;

    assert_int_equal(fp_device_set_vlan_limit(dev, flow_vlan_limit), 0);
    random_set_seed(0x5eed);
    check_each_byte();
    check_random();
    offload_fp_avx2 = false;
    check_each_byte();
    check_random();
    offload_fp_avx2 = avx2;
}

/* A few matches with their expected verdicts written out. */
static void
test_translate_fixed(void **state OVS_UNUSED)
{
    struct offload_fp_verdict v;
    struct match match;
    int pass;

    assert_int_equal(fp_device_set_vlan_limit(dev, flow_vlan_limit), 0);
    for (pass = 0; pass < 2; pass++) {
        bool avx2 = offload_fp_avx2;

        if (pass) {
            offload_fp_avx2 = false;
        }

        /* IPv4 from 10.0.0.0/8 at stage 0: the bench's megaflow. */
        match_init_catchall(&match);
        match.flow.in_port.odp_port = u32_to_odp(1);
        match.wc.masks.in_port.odp_port = ODPP_NONE;
        match_set_recirc_id(&match, 0);
        match_set_dl_type(&match, htons(ETH_TYPE_IP));
        match_set_nw_frag_masked(&match, 0, FLOW_NW_FRAG_MASK);
        match_set_nw_src_masked(&match, htonl(0x0a000001),
                                htonl(0xff000000));
        netdev_offload_fp_decide(p1, dev, 0, &match, NULL, 0, 1, &v);
        assert_int_equal(v.state, OFFLOAD_FP_OFFLOADED);
        assert_int_equal(v.rule.key.nw_src, htonl(0x0a000000));
        assert_int_equal(v.rule.mask.nw_src, htonl(0xff000000));
        assert_int_equal(v.rule.key.eth_type, htons(ETH_TYPE_IP));
        assert_int_equal(v.rule.mask.ip_frag, FLOW_NW_FRAG_MASK);
        assert_int_equal(v.rule.mask.recirc_id, UINT32_MAX);
        assert_int_equal(v.words,
                         fp_words(offsetof(struct fp_key, in_port), 4)
                         | fp_words(offsetof(struct fp_key, eth_type), 4)
                         | fp_words(offsetof(struct fp_key, nw_src), 4)
                         | fp_words(offsetof(struct fp_key, recirc_id), 4));
        assert_true(v.rest.exact);
        check(&match);

        /* A bit of the tunnel's metadata and of ct_state. */
        match.wc.masks.tunnel.metadata.opts.u8[200] = 0x10;
        match_set_ct_state_masked(&match, 1, 1);
        netdev_offload_fp_decide(p1, dev, 0, &match, NULL, 0, 1, &v);
        assert_int_equal(v.state, OFFLOAD_FP_REFUSED);
        assert_string_equal(v.reason, "match on tunnel, ct_state not "
                            "supported by fp0");
        free(v.reason);
        check(&match);

        /* The last bytes of struct flow: padding, taken but not exact. */
        match.wc.masks.tunnel.metadata.opts.u8[200] = 0;
        match_set_ct_state_masked(&match, 0, 0);
        match.wc.masks.pad3 = htonl(1);
        netdev_offload_fp_decide(p1, dev, 0, &match, NULL, 0, 1, &v);
        assert_int_equal(v.state, OFFLOAD_FP_OFFLOADED);
        assert_false(v.rest.exact);
        check(&match);

        /* skb_priority: 0 is taken, another value is not. */
        match.wc.masks.pad3 = 0;
        match.wc.masks.skb_priority = UINT32_MAX;
        netdev_offload_fp_decide(p1, dev, 0, &match, NULL, 0, 1, &v);
        assert_int_equal(v.state, OFFLOAD_FP_OFFLOADED);
        assert_true(v.rest.exact);
        assert_true(v.rest.skb_priority);
        match.flow.skb_priority = 3;
        netdev_offload_fp_decide(p1, dev, 0, &match, NULL, 0, 1, &v);
        assert_int_equal(v.state, OFFLOAD_FP_REFUSED);
        assert_string_equal(v.reason, "match on skb_priority not supported "
                            "by fp0");
        free(v.reason);

        /* A packet_type other than Ethernet. */
        match.flow.skb_priority = 0;
        match.flow.packet_type = htonl(PT_IPV4);
        match.wc.masks.packet_type = OVS_BE32_MAX;
        netdev_offload_fp_decide(p1, dev, 0, &match, NULL, 0, 1, &v);
        assert_int_equal(v.state, OFFLOAD_FP_REFUSED);
        assert_string_equal(v.reason, "match on packet_type (0x10800, not "
                            "Ethernet) not supported by fp0");
        free(v.reason);

        offload_fp_avx2 = avx2;
    }
}

int
main(int argc OVS_UNUSED, char *argv[])
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_translate_fixed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_translate_random, setup,
                                        teardown),
    };

    set_program_name(argv[0]);
    netdev_dummy_register(DUMMY_OVERRIDE_NONE);
    dpif_dummy_register(DUMMY_OVERRIDE_NONE);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);
    return cmocka_run_group_tests_name("netdev-offload-fp-translate", tests,
                                       NULL, NULL);
}
