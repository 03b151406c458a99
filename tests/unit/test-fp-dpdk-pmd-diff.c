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

/* Differential tests of the rte_flow parse of the net_fp PMD
 * (lib/fp-dpdk-pmd-flow.c, lib/fp-dpdk-pmd-action.c), in a real EAL
 * without hugepages with vdev net_fp0 (2 physical ports, 2 VFs), over the
 * random frames of tests/unit/test-fp-rte-flow-diff.c (its generators and
 * its rte_flow matcher, written from DPDK's description of the items, are
 * copied here):
 *
 *   - the round trip: random fp rules -> fp_rte_flow_build() -> the
 *     PMD's parse -> an fp rule that takes every frame as the original
 *     does;
 *
 *   - random rte_flow patterns, made from the frames' headers: every one
 *     that the PMD takes becomes an fp rule that matches exactly the
 *     frames that the rte_flow matcher says the pattern matches (but for
 *     IPv6 frames with extension headers, where the fp parser sees the
 *     protocol after them: see lib/fp-dpdk-pmd-flow.c). */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>

#include "fp/fp.h"
#include "fp-dpdk-pmd.h"
#include "fp-dpdk-pmd-private.h"
#include "fp-parse.h"
#include "fp-rte-flow.h"
#include "util.h"

/* DPDK port ids of net_fp0's ports (phy0, phy1, vf0, vf1), found at
 * setup. */
static uint16_t port_ids[4];
static struct fp_device *fp0;
static struct fp_dpdk_pmd_dev *pmd0;

#include "fp-rte-flow-diff.h"

static uint32_t
n_model_rules(struct fp_device *fp)
{
    struct fp_device_stats stats;

    fp_device_get_stats(fp, &stats);
    return stats.n_rules;
}

/* ## ----------------------- ## */
/* ## rte_flow: the round trip. ## */
/* ## ----------------------- ## */

#define N_FRAMES 400
#define N_RULES 6000

static void
run_roundtrip(bool port_id, bool transfer, uint32_t seed)
{
    struct frame *frames = xcalloc(N_FRAMES, sizeof *frames);
    struct fp_rte_flow_config cfg;
    size_t n_built = 0, n_matches = 0, n_created = 0, n_empty = 0;
    size_t i, j;

    rng_state = seed;
    fp_rte_flow_config_default(&cfg);
    cfg.port_ids = port_ids;
    cfg.n_ports = ARRAY_SIZE(port_ids);
    cfg.port_id = port_id;
    cfg.transfer = transfer;
    cfg.vlan_limit = fp_device_get_vlan_limit(fp0);

    for (i = 0; i < N_FRAMES; i++) {
        do {
            random_frame(&frames[i], cfg.vlan_limit);
        } while (!frames[i].parsed);
    }
    for (i = 0; i < N_RULES; i++) {
        struct rte_flow_error error;
        struct fp_rte_flow flow;
        struct fp_rule rule, parsed;
        bool count;
        int retval;

        random_rule(&frames[rng() % N_FRAMES], &rule);
        if (fp_rte_flow_build(&rule, &cfg, &flow, NULL)) {
            continue;
        }
        n_built++;
        memset(&error, 0, sizeof error);
        retval = fp_dpdk_pmd_flow_parse(pmd0, flow.port_id, &flow.attr,
                                        flow.items, flow.actions, &parsed,
                                        &count, &error);
        if (retval) {
            /* The builder does not look for contradictions; the PMD
             * refuses a tag of a TPID its parser does not take. */
            for (j = 0; j < N_FRAMES; j++) {
                assert_false(fp_match(&rule, &frames[j]));
            }
            if (!strstr(error.message, "matches no packet")
                && !strstr(error.message, "TPID")) {
                fail_msg("seed %"PRIu32", rule %zu: the PMD refuses what "
                         "fp_rte_flow_build() built: %s", seed, i,
                         error.message);
            }
            n_empty++;
            fp_rte_flow_destroy(&flow);
            continue;
        }
        assert_true(count);
        for (j = 0; j < N_FRAMES; j++) {
            bool orig = fp_match(&rule, &frames[j]);

            if (orig != fp_match(&parsed, &frames[j])) {
                fail_msg("seed %"PRIu32", rule %zu, frame %zu: the "
                         "original rule %s it, the parsed one does not",
                         seed, i, j, orig ? "matches" : "misses");
            }
            n_matches += orig;
        }
        /* Now and then, the whole way: on the model and back. */
        if (i % 64 == 0) {
            struct rte_flow *h = rte_flow_create(flow.port_id, &flow.attr,
                                                 flow.items, flow.actions,
                                                 &error);

            assert_non_null(h);
            assert_int_equal(n_model_rules(fp0), 1);
            assert_int_equal(rte_flow_destroy(flow.port_id, h, &error), 0);
            assert_int_equal(n_model_rules(fp0), 0);
            n_created++;
        }
        fp_rte_flow_destroy(&flow);
    }
    printf("seed %"PRIu32"%s%s: %zu of %d rules built and parsed back (%zu "
           "that match nothing refused), %zu matches, %zu created\n", seed,
           port_id ? " (PORT_ID)" : "", transfer ? "" : " (ingress)",
           n_built, N_RULES, n_empty, n_matches, n_created);
    assert_true(n_built >= N_RULES / 20);
    assert_true(n_matches >= n_built);
    free(frames);
}

static void
test_roundtrip(void **state OVS_UNUSED)
{
    run_roundtrip(false, true, 1);
    run_roundtrip(false, true, 0x9e3779b9);
    run_roundtrip(true, true, 5);
    run_roundtrip(false, false, 11);
}

/* ## ------------------------------ ## */
/* ## Random rte_flow patterns, parsed. ## */
/* ## ------------------------------ ## */

/* The headers of a frame, for patterns made from it. */
struct layers {
    int n_tags;
    size_t tag_ofs[3];          /* Of each tag's TPID. */
    uint16_t type;              /* After the tags. */
    size_t l3;                  /* Offset of the L3 header. */
    uint8_t proto;              /* Of a TCP, UDP, SCTP, ICMP or ICMPv6
                                 * header right after the IP header. */
    size_t l4;                  /* Its offset, 0 if none. */
};

static void
frame_layers(const struct frame *f, struct layers *l)
{
    const uint8_t *p = f->data;
    size_t ofs = 12;

    memset(l, 0, sizeof *l);
    while (is_tpid(get16(p + ofs)) && l->n_tags < 3) {
        l->tag_ofs[l->n_tags++] = ofs;
        ofs += 4;
    }
    l->type = get16(p + ofs);
    l->l3 = ofs + 2;
    if (l->type == 0x0800) {
        const uint8_t *ip = p + l->l3;

        if (!(get16(ip + 6) & 0x1fff)) {
            l->proto = ip[9];
            l->l4 = l->l3 + (ip[0] & 0x0f) * 4;
        }
    } else if (l->type == 0x86dd) {
        const uint8_t *ip = p + l->l3;

        if (ip[6] != 0 && ip[6] != 43 && ip[6] != 60 && ip[6] != 44) {
            l->proto = ip[6];
            l->l4 = l->l3 + 40;
        }
    }
}

/* A random pattern and its storage. */
struct pattern {
    struct rte_flow_item items[10];
    size_t n;
    struct rte_flow_item_ethdev port_s, port_m;
    struct rte_flow_item_eth eth_s, eth_m;
    struct rte_flow_item_vlan vlan_s[2], vlan_m[2];
    union {
        struct rte_flow_item_ipv4 ipv4;
        struct rte_flow_item_ipv6 ipv6;
        struct rte_flow_item_arp_eth_ipv4 arp;
    } l3_s, l3_m, l3_last;
    struct rte_flow_item_ipv6_frag_ext frag_s, frag_m, frag_last;
    union {
        struct rte_flow_item_tcp tcp;
        struct rte_flow_item_udp udp;
        struct rte_flow_item_sctp sctp;
        struct rte_flow_item_icmp icmp;
        struct rte_flow_item_icmp6 icmp6;
    } l4_s, l4_m;
};

static struct rte_flow_item *
add_item(struct pattern *pat, enum rte_flow_item_type type, void *spec,
         void *mask, size_t size)
{
    struct rte_flow_item *item = &pat->items[pat->n++];

    memset(spec, 0, size);
    memset(mask, 0, size);
    item->type = type;
    item->spec = spec;
    item->mask = mask;
    item->last = NULL;
    return item;
}

/* Copies 'n' bytes of the frame at 'src' into 'spec' under a random mask
 * into 'mask'. */
static void
random_field(void *spec_, void *mask_, const uint8_t *src, size_t n,
             unsigned int all, unsigned int part)
{
    uint8_t *spec = spec_, *mask = mask_;
    size_t i;

    random_mask_bytes(mask, n, all, part);
    for (i = 0; i < n; i++) {
        spec[i] = src[i] & mask[i];
    }
}

static void
random_pattern(const struct frame *f, struct pattern *pat)
{
    const uint8_t *p = f->data;
    struct layers l;
    int n_vlans, i;

    memset(pat, 0, sizeof *pat);
    frame_layers(f, &l);

    if (chance(70)) {
        add_item(pat, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, &pat->port_s,
                 &pat->port_m, sizeof pat->port_s);
        pat->port_s.port_id = port_ids[chance(80) ? f->in_port
                                       : rng() % ARRAY_SIZE(port_ids)];
        pat->port_m.port_id = 0xffff;
    }

    n_vlans = MIN(l.n_tags, (int) (rng() % 3));
    add_item(pat, RTE_FLOW_ITEM_TYPE_ETH, &pat->eth_s, &pat->eth_m,
             sizeof pat->eth_s);
    random_field(&pat->eth_s.dst, &pat->eth_m.dst, p, 6, 15, 5);
    random_field(&pat->eth_s.src, &pat->eth_m.src, p + 6, 6, 15, 5);
    if (chance(50)) {
        random_field(&pat->eth_s.type, &pat->eth_m.type, p + 12, 2, 95, 0);
    }
    if (chance(60)) {
        pat->eth_s.has_vlan = chance(90) ? l.n_tags > 0 : chance(50);
        pat->eth_m.has_vlan = 1;
    }
    for (i = 0; i < n_vlans; i++) {
        const uint8_t *tag = p + l.tag_ofs[i];

        add_item(pat, RTE_FLOW_ITEM_TYPE_VLAN, &pat->vlan_s[i],
                 &pat->vlan_m[i], sizeof pat->vlan_s[i]);
        pat->vlan_m[i].tci = htons(PICK(0, 0x0fff, 0xe000, 0xefff, 0xffff));
        pat->vlan_s[i].tci = htons(get16(tag + 2)) & pat->vlan_m[i].tci;
        if (chance(50)) {
            random_field(&pat->vlan_s[i].inner_type,
                         &pat->vlan_m[i].inner_type, tag + 4, 2, 95, 0);
        }
        if (chance(60)) {
            pat->vlan_s[i].has_more_vlan = (chance(90) ? l.n_tags > i + 1
                                            : chance(50));
            pat->vlan_m[i].has_more_vlan = 1;
        }
    }

    if (chance(25)) {
        /* Nothing after the tags. */
    } else if (l.type == 0x0800 || (l.type != 0x86dd && chance(30))) {
        const uint8_t *ip = p + l.l3;
        struct rte_flow_item_ipv4 *s = &pat->l3_s.ipv4, *m = &pat->l3_m.ipv4;
        struct rte_flow_item *item;

        item = add_item(pat, RTE_FLOW_ITEM_TYPE_IPV4, s, m, sizeof *s);
        random_field(&s->hdr.type_of_service, &m->hdr.type_of_service,
                     ip + 1, 1, 10, 5);
        random_field(&s->hdr.time_to_live, &m->hdr.time_to_live, ip + 8, 1,
                     10, 5);
        random_field(&s->hdr.next_proto_id, &m->hdr.next_proto_id, ip + 9,
                     1, 50, 5);
        random_field(&s->hdr.src_addr, &m->hdr.src_addr, ip + 12, 4, 20, 10);
        random_field(&s->hdr.dst_addr, &m->hdr.dst_addr, ip + 16, 4, 20, 10);
        switch (rng() % 6) {
        case 0:
            m->hdr.fragment_offset = htons(0x3fff);
            break;
        case 1:
            m->hdr.fragment_offset = htons(0x3fff);
            s->hdr.fragment_offset = htons(0x2000);
            break;
        case 2:
            m->hdr.fragment_offset = htons(0x1fff);
            break;
        case 3:
            m->hdr.fragment_offset = htons(0x1fff);
            s->hdr.fragment_offset = htons(1);
            pat->l3_last.ipv4.hdr.fragment_offset = htons(0x1fff);
            item->last = &pat->l3_last.ipv4;
            break;
        default:
            break;
        }
    } else if (l.type == 0x86dd || chance(30)) {
        const uint8_t *ip = p + l.l3;
        struct rte_flow_item_ipv6 *s = &pat->l3_s.ipv6, *m = &pat->l3_m.ipv6;

        add_item(pat, RTE_FLOW_ITEM_TYPE_IPV6, s, m, sizeof *s);
        random_field(&s->hdr.vtc_flow, &m->hdr.vtc_flow, ip, 4, 0, 20);
        m->hdr.vtc_flow &= htonl(0x0fffffff);
        s->hdr.vtc_flow &= htonl(0x0fffffff);
        random_field(&s->hdr.proto, &m->hdr.proto, ip + 6, 1, 50, 0);
        random_field(&s->hdr.hop_limits, &m->hdr.hop_limits, ip + 7, 1, 10,
                     5);
        random_field(s->hdr.src_addr, m->hdr.src_addr, ip + 8, 16, 15, 5);
        random_field(s->hdr.dst_addr, m->hdr.dst_addr, ip + 24, 16, 15, 5);
        switch (rng() % 5) {
        case 0:
            m->has_frag_ext = 1;
            break;
        case 1:
        case 2: {
            struct rte_flow_item *fi;

            m->hdr.proto = 0;
            s->hdr.proto = 0;
            m->has_frag_ext = 1;
            s->has_frag_ext = 1;
            fi = add_item(pat, RTE_FLOW_ITEM_TYPE_IPV6_FRAG_EXT,
                          &pat->frag_s, &pat->frag_m, sizeof pat->frag_s);
            if (rng() % 2) {
                pat->frag_m.hdr.frag_data = htons(0xfff9);
                pat->frag_s.hdr.frag_data = htons(1);
                pat->frag_m.hdr.next_header = PICK(0, 0xff);
                pat->frag_s.hdr.next_header = PICK(6, 17, 58, 132)
                                              & pat->frag_m.hdr.next_header;
            } else {
                pat->frag_m.hdr.frag_data = htons(0xfff8);
                pat->frag_s.hdr.frag_data = htons(8);
                pat->frag_last.hdr.frag_data = htons(0xfff8);
                fi->last = &pat->frag_last;
            }
            break;
        }
        default:
            break;
        }
    } else if (l.type == 0x0806 || l.type == 0x8035) {
        const uint8_t *a = p + l.l3;
        struct rte_flow_item_arp_eth_ipv4 *s = &pat->l3_s.arp;
        struct rte_flow_item_arp_eth_ipv4 *m = &pat->l3_m.arp;

        add_item(pat, RTE_FLOW_ITEM_TYPE_ARP_ETH_IPV4, s, m, sizeof *s);
        s->hrd = htons(1);
        m->hrd = htons(0xffff);
        s->pro = htons(0x0800);
        m->pro = htons(0xffff);
        s->hln = 6;
        m->hln = 0xff;
        s->pln = 4;
        m->pln = 0xff;
        random_field(&s->op, &m->op, a + 6, 2, 40, 0);
        random_field(&s->sha, &m->sha, a + 8, 6, 20, 5);
        random_field(&s->spa, &m->spa, a + 14, 4, 20, 5);
        random_field(&s->tha, &m->tha, a + 18, 6, 10, 5);
        random_field(&s->tpa, &m->tpa, a + 24, 4, 20, 5);
    }

    if (pat->n && chance(60)
        && (pat->items[pat->n - 1].type == RTE_FLOW_ITEM_TYPE_IPV4
            || pat->items[pat->n - 1].type == RTE_FLOW_ITEM_TYPE_IPV6)) {
        uint8_t proto = chance(85) && l.l4 ? l.proto : PICK(1, 6, 17, 58);
        const uint8_t *h = p + (l.l4 ? l.l4 : l.l3);

        if (proto == 6) {
            struct rte_flow_item_tcp *s = &pat->l4_s.tcp, *m = &pat->l4_m.tcp;

            add_item(pat, RTE_FLOW_ITEM_TYPE_TCP, s, m, sizeof *s);
            random_field(&s->hdr.src_port, &m->hdr.src_port, h, 2, 30, 10);
            random_field(&s->hdr.dst_port, &m->hdr.dst_port, h + 2, 2, 30,
                         10);
            random_field(&s->hdr.tcp_flags, &m->hdr.tcp_flags, h + 13, 1, 10,
                         10);
            if (chance(20)) {
                m->hdr.data_off = 0x0f;
                s->hdr.data_off = h[12] & 0x0f;
            }
        } else if (proto == 17) {
            struct rte_flow_item_udp *s = &pat->l4_s.udp, *m = &pat->l4_m.udp;

            add_item(pat, RTE_FLOW_ITEM_TYPE_UDP, s, m, sizeof *s);
            random_field(&s->hdr.src_port, &m->hdr.src_port, h, 2, 30, 10);
            random_field(&s->hdr.dst_port, &m->hdr.dst_port, h + 2, 2, 30,
                         10);
        } else if (proto == 132) {
            struct rte_flow_item_sctp *s = &pat->l4_s.sctp;
            struct rte_flow_item_sctp *m = &pat->l4_m.sctp;

            add_item(pat, RTE_FLOW_ITEM_TYPE_SCTP, s, m, sizeof *s);
            random_field(&s->hdr.src_port, &m->hdr.src_port, h, 2, 30, 10);
            random_field(&s->hdr.dst_port, &m->hdr.dst_port, h + 2, 2, 30,
                         10);
        } else if (proto == 1) {
            struct rte_flow_item_icmp *s = &pat->l4_s.icmp;
            struct rte_flow_item_icmp *m = &pat->l4_m.icmp;

            add_item(pat, RTE_FLOW_ITEM_TYPE_ICMP, s, m, sizeof *s);
            random_field(&s->hdr.icmp_type, &m->hdr.icmp_type, h, 1, 40, 5);
            random_field(&s->hdr.icmp_code, &m->hdr.icmp_code, h + 1, 1, 40,
                         5);
        } else if (proto == 58) {
            struct rte_flow_item_icmp6 *s = &pat->l4_s.icmp6;
            struct rte_flow_item_icmp6 *m = &pat->l4_m.icmp6;

            add_item(pat, RTE_FLOW_ITEM_TYPE_ICMP6, s, m, sizeof *s);
            random_field(&s->type, &m->type, h, 1, 40, 5);
            random_field(&s->code, &m->code, h + 1, 1, 40, 5);
        }
    }
    pat->items[pat->n++].type = RTE_FLOW_ITEM_TYPE_END;
}

static void
run_patterns(uint32_t seed)
{
    static const struct rte_flow_attr attr = { .transfer = 1 };
    static const struct rte_flow_action actions[] = {
        { .type = RTE_FLOW_ACTION_TYPE_DROP },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    struct frame *frames = xcalloc(N_FRAMES, sizeof *frames);
    size_t n_taken = 0, n_matches = 0, n_narrow = 0;
    unsigned int vlan_limit = fp_device_get_vlan_limit(fp0);
    size_t i, j;

    rng_state = seed;
    for (i = 0; i < N_FRAMES; i++) {
        do {
            random_frame(&frames[i], vlan_limit);
        } while (!frames[i].parsed);
    }
    for (i = 0; i < N_RULES; i++) {
        const struct frame *base = &frames[rng() % N_FRAMES];
        uint32_t on = rng() % ARRAY_SIZE(port_ids);
        struct rte_flow_error error;
        struct pattern pat;
        struct fp_rule rule;
        bool port_item, count;

        random_pattern(base, &pat);
        port_item = pat.items[0].type == RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT;
        memset(&error, 0, sizeof error);
        if (fp_dpdk_pmd_flow_parse(pmd0, port_ids[on], &attr, pat.items,
                                   actions, &rule, &count, &error)) {
            assert_non_null(error.message);
            continue;
        }
        n_taken++;
        for (j = 0; j < N_FRAMES; j++) {
            const struct frame *f = &frames[j];
            bool rte = ((port_item || f->in_port == on)
                        && rte_match(pat.items, f, false));
            bool fp = fp_match(&rule, f);

            if (rte != fp && !f->ipv6_ext) {
                fail_msg("seed %"PRIu32", pattern %zu, frame %zu: the "
                         "pattern %s it, the parsed rule does not", seed, i,
                         j, rte ? "matches" : "misses");
            }
            n_matches += rte;
            n_narrow += rte != fp;
        }
    }
    printf("seed %"PRIu32": %zu of %d random patterns taken, %zu matches "
           "(%zu differ, all with IPv6 extension headers)\n", seed, n_taken,
           N_RULES, n_matches, n_narrow);
    assert_true(n_taken >= N_RULES / 5);
    assert_true(n_matches >= n_taken);
    free(frames);
}

static void
test_patterns(void **state OVS_UNUSED)
{
    run_patterns(3);
    run_patterns(0x12345678);
}

static int
setup(void **state OVS_UNUSED)
{
    static const char *names[] = {
        "net_fp0", "net_fp0_phy1", "net_fp0_vf0", "net_fp0_vf1",
    };
    char *argv[] = {
        "test-fp-dpdk-pmd-diff", "--no-huge", "--no-shconf", "-m", "128",
        "--no-pci", "-l", "0", "--log-level=lib.eal:error",
        "--vdev=net_fp0,phy=2,vfs=2",
    };
    size_t i;

    fp_dpdk_pmd_link();
    if (rte_eal_init(ARRAY_SIZE(argv), argv) < 0) {
        fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
        return -1;
    }
    for (i = 0; i < ARRAY_SIZE(names); i++) {
        if (rte_eth_dev_get_port_by_name(names[i], &port_ids[i])) {
            fprintf(stderr, "no ethdev %s\n", names[i]);
            return -1;
        }
    }
    fp0 = fp_device_find("net_fp0");
    pmd0 = fp_dpdk_pmd_dev_find("net_fp0");
    return fp0 && pmd0 ? 0 : -1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_patterns),
    };

    return cmocka_run_group_tests_name("fp_dpdk_pmd_diff", tests, setup,
                                       NULL);
}
