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

#ifndef FP_RTE_FLOW_DIFF_H
#define FP_RTE_FLOW_DIFF_H 1

/* What the differential tests of rte_flow (test-fp-rte-flow-diff.c: fp
 * rules to rte_flow patterns; test-fp-dpdk-pmd-diff.c: rte_flow rules
 * through the net_fp PMD) share: a seeded generator of random frames and
 * of random fp rules made from their keys, the fp rule's verdict on a
 * frame from the model's key, and a small rte_flow matcher written from
 * DPDK's description of the items (rte_flow.h), which matches a pattern
 * on a frame's bytes.  Each test program includes it once, after it has
 * defined 'port_ids', the DPDK port id of each NIC port that a frame may
 * come in on. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_flow.h>

#include "fp/fp.h"
#include "fp-parse.h"
#include "util.h"

static uint32_t rng_state;

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
rte_match(const struct rte_flow_item *items, const struct frame *f,
          bool rarp)
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
            /* RARP (0x8035) has the same header, but another ethertype:
             * 'rarp' takes it too. */
            if ((type != 0x0806 && (!rarp || type != 0x8035))
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

/* ## ------ ## */
/* ## Rules. ## */
/* ## ------ ## */

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

#endif /* fp-rte-flow-diff.h */
