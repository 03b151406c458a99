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

static uint32_t rng_state;

static uint32_t
n_model_rules(struct fp_device *fp)
{
    struct fp_device_stats stats;

    fp_device_get_stats(fp, &stats);
    return stats.n_rules;
}

static uint32_t
rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* True with a chance of 'pct' percent. */
static bool
chance(unsigned int pct)
{
    return rng() % 100 < pct;
}

static uint32_t
pick(const uint32_t *values, size_t n)
{
    return values[rng() % n];
}

#define PICK(...) \
    pick((const uint32_t[]) { __VA_ARGS__ }, \
         sizeof((const uint32_t[]) { __VA_ARGS__ }) / sizeof(uint32_t))

static void
put16(uint8_t *p, uint16_t x)
{
    p[0] = x >> 8;
    p[1] = x;
}

static uint16_t
get16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

/* ## ------- ## */
/* ## Frames. ## */
/* ## ------- ## */

struct frame {
    uint32_t in_port;
    uint8_t data[256];
    size_t size;
    bool ipv6_ext;              /* An IPv6 frame with extension headers (a
                                 * fragment header included). */
    struct fp_key key;          /* From the model's parser. */
    bool parsed;
};

/* Writes an L4 header of 'proto' at 'p' and returns its length. */
static size_t
put_l4(uint8_t *p, uint8_t proto)
{
    switch (proto) {
    case 6:
        put16(p, PICK(80, 1234, 0));
        put16(p + 2, PICK(80, 1234, 0));
        memset(p + 4, 0, 8);
        put16(p + 12, 0x5000 | (rng() & 0x0fff));
        memset(p + 14, 0, 6);
        return 20;
    case 17:
    case 132:
        put16(p, PICK(53, 4789, 0));
        put16(p + 2, PICK(53, 4789, 0));
        memset(p + 4, 0, 8);
        return proto == 17 ? 8 : 12;
    case 1:
    case 2:
    case 58:
        p[0] = PICK(0, 8, 128, 135);
        p[1] = PICK(0, 1);
        memset(p + 2, 0, 6);
        return 8;
    default:
        memset(p, 0, 8);
        return 8;
    }
}

static void
random_frame(struct frame *f, unsigned int vlan_limit)
{
    static const uint8_t macs[2][6] = {
        { 0x50, 0x54, 0x00, 0x00, 0x00, 0x01 },
        { 0x50, 0x54, 0x00, 0x00, 0x00, 0x02 },
    };
    uint8_t *p = f->data;
    size_t ofs, n_tags, i;
    uint32_t kind;

    memset(f, 0, sizeof *f);
    f->in_port = rng() % ARRAY_SIZE(port_ids);
    memcpy(p, macs[rng() % 2], 6);
    memcpy(p + 6, macs[rng() % 2], 6);
    ofs = 12;
    n_tags = PICK(0, 0, 1, 1, 2, 3);
    for (i = 0; i < n_tags; i++) {
        put16(p + ofs, PICK(0x8100, 0x88a8));
        put16(p + ofs + 2, (rng() & 0xf000) | PICK(0, 10, 20));
        ofs += 4;
    }

    kind = PICK(0, 0, 0, 1, 1, 1, 2, 3, 4, 5);
    if (kind == 0) {
        /* IPv4. */
        uint8_t proto = PICK(1, 2, 6, 17, 132);
        uint8_t *ip;
        size_t len;

        put16(p + ofs, 0x0800);
        ip = p + ofs + 2;
        ip[0] = 0x45;
        ip[1] = PICK(0, 0xb8, 0x01);
        put16(ip + 4, 1);
        put16(ip + 6, PICK(0, 0x4000, 0x2000, 0x2000 | 3, 5));
        ip[8] = PICK(0, 1, 2, 64);
        ip[9] = proto;
        put16(ip + 10, 0);
        memcpy(ip + 12, (uint8_t[]) { 10, 0, 0, PICK(1, 2) }, 4);
        memcpy(ip + 16, (uint8_t[]) { 10, 0, 0, PICK(1, 2) }, 4);
        /* A later fragment gets bytes that look like an L4 header. */
        len = 20 + put_l4(ip + 20, proto);
        put16(ip + 2, len);
        f->size = ofs + 2 + len;
    } else if (kind == 1) {
        /* IPv6, with extension headers sometimes. */
        uint8_t proto = PICK(6, 17, 58, 132);
        uint8_t *ip = p + ofs + 2, *next, *h;
        uint32_t frag = PICK(0, 0, 0, 1, 2, 3);  /* None, first, later,
                                                  * atomic. */
        size_t len = 0;

        put16(p + ofs, 0x86dd);
        ip[0] = 0x60 | (PICK(0, 0xb8) >> 4);
        ip[1] = (PICK(0, 0xb8) << 4) & 0xf0;
        if (chance(30)) {
            ip[1] |= 0x01;
            put16(ip + 2, 0x2345);
        }
        ip[7] = PICK(1, 64, 255);
        memset(ip + 8, 0, 32);
        ip[8] = 0x20;
        ip[23] = PICK(1, 2);
        ip[24] = 0x20;
        ip[39] = PICK(1, 2);
        next = ip + 6;
        h = ip + 40;
        if (chance(20)) {
            *next = PICK(0, 60, 43);
            next = h;
            memset(h, 0, 8);
            h += 8;
            len += 8;
            f->ipv6_ext = true;
        }
        if (frag) {
            *next = 44;
            next = h;
            h[1] = 0;
            put16(h + 2, frag == 1 ? 1 : frag == 2 ? (3 << 3) : 0);
            put16(h + 4, 0);
            put16(h + 6, 7);
            h += 8;
            len += 8;
            f->ipv6_ext = true;
        }
        *next = proto;
        len += put_l4(h, proto);
        put16(ip + 4, len);
        f->size = ofs + 2 + 40 + len;
    } else if (kind == 2 || kind == 3) {
        /* ARP, RARP, sometimes without Ethernet/IPv4 addresses. */
        uint8_t *a = p + ofs + 2;

        put16(p + ofs, kind == 2 ? 0x0806 : 0x8035);
        put16(a, chance(90) ? 1 : 6);
        put16(a + 2, 0x0800);
        a[4] = 6;
        a[5] = 4;
        put16(a + 6, PICK(1, 2, 0x0101));
        memcpy(a + 8, macs[rng() % 2], 6);
        memcpy(a + 14, (uint8_t[]) { 10, 0, 0, PICK(1, 2) }, 4);
        memcpy(a + 18, macs[rng() % 2], 6);
        memcpy(a + 24, (uint8_t[]) { 10, 0, 0, PICK(1, 2) }, 4);
        f->size = ofs + 2 + 28;
    } else if (kind == 4) {
        /* LLDP. */
        put16(p + ofs, 0x88cc);
        memset(p + ofs + 2, 0x11, 20);
        f->size = ofs + 22;
    } else {
        /* 802.3 with LLC, no SNAP. */
        put16(p + ofs, 24);
        memset(p + ofs + 2, 0x42, 24);
        f->size = ofs + 26;
    }
    if (f->size < 60) {
        memset(p + f->size, 0, 60 - f->size);
        f->size = 60;
    }

    struct fp_parse_layers layers;

    f->parsed = !fp_parse_limited(f->data, f->size, f->in_port, vlan_limit,
                                  &f->key, &layers);
}

/* The fp rule's verdict on 'f', from the model's key. */
static bool
fp_match(const struct fp_rule *rule, const struct frame *f)
{
    const uint8_t *k = (const uint8_t *) &f->key;
    const uint8_t *rk = (const uint8_t *) &rule->key;
    const uint8_t *m = (const uint8_t *) &rule->mask;
    size_t i;

    for (i = 0; i < sizeof f->key; i++) {
        if ((k[i] ^ rk[i]) & m[i]) {
            return false;
        }
    }
    return true;
}

/* Sets the 'n' bytes of a mask at 'm': all, none, or a prefix or random
 * bits, with the chances in percent. */
static void
random_mask_bytes(void *m_, size_t n, unsigned int all, unsigned int part)
{
    uint8_t *m = m_;
    uint32_t r = rng() % 100;
    size_t i;

    if (r < all) {
        memset(m, 0xff, n);
    } else if (r < all + part) {
        for (i = 0; i < n; i++) {
            m[i] = chance(50) ? 0xff : rng();
        }
    } else {
        memset(m, 0, n);
    }
}

static void
random_rule(const struct frame *base, struct fp_rule *rule)
{
    struct fp_key *m = &rule->mask;
    uint8_t *k, *mb;
    size_t i;

    memset(rule, 0, sizeof *rule);
    m->in_port = chance(97) ? UINT32_MAX : 0;
    random_mask_bytes(m->eth_dst, 6, 15, 5);
    random_mask_bytes(m->eth_src, 6, 15, 5);
    switch (rng() % 6) {
    case 0:
        break;
    case 1:
        m->vlans[0].tci = htons(FP_VLAN_PRESENT);
        break;
    case 2:
        m->vlans[0].tci = htons(0xffff);
        m->vlans[1].tci = htons(FP_VLAN_PRESENT);
        break;
    case 3:
        m->vlans[0].tci = htons(PICK(0xffff, 0x1fff, 0x0fff, 0xe000));
        m->vlans[0].tpid = PICK(0, 0xffff);
        break;
    case 4:
        m->vlans[0].tci = htons(FP_VLAN_PRESENT);
        m->vlans[1].tci = htons(PICK(0xffff, FP_VLAN_PRESENT, 0x0fff));
        m->vlans[1].tpid = PICK(0, 0xffff);
        break;
    default:
        m->vlans[1].tci = htons(FP_VLAN_PRESENT);
        break;
    }
    random_mask_bytes(&m->eth_type, 2, 75, 3);
    random_mask_bytes(&m->nw_src, 4, 20, 10);
    random_mask_bytes(&m->nw_dst, 4, 20, 10);
    random_mask_bytes(&m->nw_proto, 1, 55, 3);
    random_mask_bytes(&m->nw_tos, 1, 10, 5);
    random_mask_bytes(&m->nw_ttl, 1, 10, 5);
    m->ip_frag = PICK(0, 0, 0xff, FP_IP_FRAG_ANY,
                      FP_IP_FRAG_ANY | FP_IP_FRAG_LATER, FP_IP_FRAG_LATER);
    random_mask_bytes(m->ipv6_src, 16, 15, 5);
    random_mask_bytes(m->ipv6_dst, 16, 15, 5);
    random_mask_bytes(&m->ipv6_label, 4, 5, 3);
    random_mask_bytes(&m->tp_src, 2, 25, 10);
    random_mask_bytes(&m->tp_dst, 2, 25, 10);
    random_mask_bytes(&m->tcp_flags, 2, 5, 5);
    random_mask_bytes(m->arp_sha, 6, 8, 2);
    random_mask_bytes(m->arp_tha, 6, 8, 2);
    random_mask_bytes(m->nd_target, 16, 2, 0);
    random_mask_bytes(&m->recirc_id, 4, 2, 0);

    /* The base frame's key under the mask, sometimes with a bit changed,
     * so that some rules match nothing. */
    rule->key = base->key;
    k = (uint8_t *) &rule->key;
    mb = (uint8_t *) m;
    if (chance(10)) {
        i = rng() % sizeof rule->key;
        k[i] ^= 1u << (rng() % 8);
    }
    for (i = 0; i < sizeof rule->key; i++) {
        k[i] &= mb[i];
    }
    rule->priority = 0;
    rule->n_actions = 0;
}

/* ## ------------------------------------------- ## */
/* ## An rte_flow matcher, from DPDK's rte_flow.h. ## */
/* ## ------------------------------------------- ## */

static bool
is_tpid(uint16_t type)
{
    return type == 0x8100 || type == 0x88a8;
}

/* (value & mask) == (spec & mask) over 'n' bytes. */
static bool
masked_equal(const void *value_, const void *spec_, const void *mask_,
             size_t n)
{
    const uint8_t *value = value_, *spec = spec_, *mask = mask_;
    size_t i;

    for (i = 0; i < n; i++) {
        if ((value[i] ^ spec[i]) & mask[i]) {
            return false;
        }
    }
    return true;
}

/* The 16-bit field at 'ofs' of a header, matched as rte_flow matches it:
 * a range from 'spec' to 'last' if 'last' is nonzero and differs from
 * 'spec', else equal under 'mask'. */
static bool
field16(const uint8_t *hdr, const struct rte_flow_item *item, size_t ofs)
{
    const uint8_t *spec = (const uint8_t *) item->spec + ofs;
    const uint8_t *mask = (const uint8_t *) item->mask + ofs;
    uint16_t v = get16(hdr + ofs) & get16(mask);
    uint16_t s = get16(spec) & get16(mask);

    if (item->last) {
        const uint8_t *last = (const uint8_t *) item->last + ofs;
        uint16_t l = get16(last) & get16(mask);

        if (get16(last) && l != s) {
            return v >= s && v <= l;
        }
    }
    return v == s;
}

/* Header bytes 'n' at 'hdr' against 'item', whose spec and mask have the
 * header's wire layout, with the 16-bit field at 'range_ofs' (if not
 * SIZE_MAX) matched as field16() does. */
static bool
match_hdr(const uint8_t *hdr, const struct rte_flow_item *item, size_t n,
          size_t range_ofs)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (range_ofs != SIZE_MAX && (i == range_ofs || i == range_ofs + 1)) {
            continue;
        }
        if ((hdr[i] ^ ((const uint8_t *) item->spec)[i])
            & ((const uint8_t *) item->mask)[i]) {
            return false;
        }
    }
    return range_ofs == SIZE_MAX || field16(hdr, item, range_ofs);
}

/* Returns true if 'flow''s pattern matches frame 'f'. */
static bool
rte_match(const struct rte_flow_item *items, const struct frame *f)
{
    const uint8_t *p = f->data;
    size_t ofs = 14, l4 = 0, frag_hdr = 0;
    uint16_t type = get16(p + 12);
    uint8_t proto = 0;
    bool has_frag = false;
    const struct rte_flow_item *it;

    for (it = items; it->type != RTE_FLOW_ITEM_TYPE_END; it++) {
        switch ((int) it->type) {
        case RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT: {
            const struct rte_flow_item_ethdev *s = it->spec, *m = it->mask;

            if ((port_ids[f->in_port] ^ s->port_id) & m->port_id) {
                return false;
            }
            break;
        }
        case RTE_FLOW_ITEM_TYPE_ETH: {
            const struct rte_flow_item_eth *s = it->spec, *m = it->mask;

            if (!masked_equal(p, s, m, 14)
                || (m->has_vlan && s->has_vlan != is_tpid(type))) {
                return false;
            }
            break;
        }
        case RTE_FLOW_ITEM_TYPE_VLAN: {
            const struct rte_flow_item_vlan *s = it->spec, *m = it->mask;

            if (!is_tpid(type) || !masked_equal(p + ofs, s, m, 4)) {
                return false;
            }
            type = get16(p + ofs + 2);
            if (m->has_more_vlan && s->has_more_vlan != is_tpid(type)) {
                return false;
            }
            ofs += 4;
            break;
        }
        case RTE_FLOW_ITEM_TYPE_IPV4: {
            const uint8_t *ip;

            /* Permissive: an L3 item after fewer VLAN items than the frame
             * has tags finds its header behind the tags. */
            for (; is_tpid(type); ofs += 4) {
                type = get16(p + ofs + 2);
            }
            ip = p + ofs;
            if (type != 0x0800 || !match_hdr(ip, it, 20, 6)) {
                return false;
            }
            proto = ip[9];
            l4 = get16(ip + 6) & 0x1fff ? 0 : ofs + (ip[0] & 0xf) * 4;
            break;
        }
        case RTE_FLOW_ITEM_TYPE_IPV6: {
            const struct rte_flow_item_ipv6 *s = it->spec, *m = it->mask;
            const uint8_t *ip;
            size_t h;

            for (; is_tpid(type); ofs += 4) {
                type = get16(p + ofs + 2);
            }
            ip = p + ofs;
            if (type != 0x86dd || !match_hdr(ip, it, 40, SIZE_MAX)) {
                return false;
            }
            /* Walk the extension headers to the L4 header. */
            proto = ip[6];
            h = ofs + 40;
            l4 = 0;
            for (;;) {
                if (proto == 0 || proto == 43 || proto == 60) {
                    proto = p[h];
                    h += (p[h + 1] + 1) * 8;
                } else if (proto == 44) {
                    has_frag = true;
                    frag_hdr = h;
                    proto = p[h];
                    if (get16(p + h + 2) & 0xfff8) {
                        break;          /* A later fragment: no L4. */
                    }
                    h += 8;
                } else {
                    l4 = h;
                    break;
                }
            }
            if (m->has_frag_ext && s->has_frag_ext != has_frag) {
                return false;
            }
            break;
        }
        case RTE_FLOW_ITEM_TYPE_IPV6_FRAG_EXT:
            if (!has_frag || !match_hdr(p + frag_hdr, it, 8, 2)) {
                return false;
            }
            break;
        case RTE_FLOW_ITEM_TYPE_ARP_ETH_IPV4: {
            const struct rte_flow_item_arp_eth_ipv4 *s = it->spec;
            const struct rte_flow_item_arp_eth_ipv4 *m = it->mask;
            const uint8_t *a;

            for (; is_tpid(type); ofs += 4) {
                type = get16(p + ofs + 2);
            }
            a = p + ofs;
            /* ARP only: RARP (0x8035) has the same header, but another
             * ethertype.  (The copy in test-fp-rte-flow-diff.c takes
             * RARP too, to check that the builder is never wider.) */
            if (type != 0x0806
                || !masked_equal(a, &s->hrd, &m->hrd, 2)
                || !masked_equal(a + 2, &s->pro, &m->pro, 2)
                || !masked_equal(a + 4, &s->hln, &m->hln, 1)
                || !masked_equal(a + 5, &s->pln, &m->pln, 1)
                || !masked_equal(a + 6, &s->op, &m->op, 2)
                || !masked_equal(a + 8, &s->sha, &m->sha, 6)
                || !masked_equal(a + 14, &s->spa, &m->spa, 4)
                || !masked_equal(a + 18, &s->tha, &m->tha, 6)
                || !masked_equal(a + 24, &s->tpa, &m->tpa, 4)) {
                return false;
            }
            break;
        }
        case RTE_FLOW_ITEM_TYPE_TCP:
            if (!l4 || proto != 6 || !match_hdr(p + l4, it, 20, SIZE_MAX)) {
                return false;
            }
            break;
        case RTE_FLOW_ITEM_TYPE_UDP:
            if (!l4 || proto != 17 || !match_hdr(p + l4, it, 8, SIZE_MAX)) {
                return false;
            }
            break;
        case RTE_FLOW_ITEM_TYPE_SCTP:
            if (!l4 || proto != 132
                || !match_hdr(p + l4, it, 12, SIZE_MAX)) {
                return false;
            }
            break;
        case RTE_FLOW_ITEM_TYPE_ICMP:
            if (!l4 || proto != 1 || !match_hdr(p + l4, it, 8, SIZE_MAX)) {
                return false;
            }
            break;
        case RTE_FLOW_ITEM_TYPE_ICMP6:
            if (!l4 || proto != 58 || !match_hdr(p + l4, it, 4, SIZE_MAX)) {
                return false;
            }
            break;
        default:
            fail_msg("item type %d not known to the test", (int) it->type);
        }
    }
    return true;
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
                        && rte_match(pat.items, f));
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
