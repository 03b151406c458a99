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

/* Differential test of the flow-processor model: seeded random rule sets
 * times random packets, the model (parser, lookup, actions, counters,
 * exception path) against a plain reference written here, independently:
 * packets are built from field values with checksums computed from scratch
 * (Ethernet with up to two tags of either TPID, ARP, IPv4 with fragments,
 * IPv6 with flow labels, TCP, UDP with or without a checksum, SCTP, ICMP,
 * ICMPv6 echo and neighbor discovery), the reference key comes from those
 * values (not from a parser), the reference lookup is a linear scan, and
 * the reference applies the actions (every kind but meters) to the values
 * and builds the expected packets again.  Rules are modified, deleted and
 * added between packets, and misses and exceptions go to the host on ports
 * that have an interface attached.
 *
 * The seed is printed; FP_DIFF_SEED=<n> replays a run. */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "util.h"
#include "fp-test-packet.h"

#define N_PORTS 4               /* 2 physical ports, 2 VFs. */
#define N_RULES 300
#define N_PACKETS 3000
#define N_ROUNDS 8
#define MAX_TAGS 5              /* Two in a packet, more pushed. */
#define PKT_MAX 192

static uint32_t rng_state;

static uint32_t
rnd(void)
{
    /* xorshift32. */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static uint32_t
rnd_n(uint32_t n)
{
    return rnd() % n;
}

/* A packet, as field values.  L4 is by 'proto': TCP (6), UDP (17), SCTP
 * (132), ICMP (1) or ICMPv6 (58; neighbor solicitation 135 with a source
 * link-layer address option, advertisement 136 with a target one, or echo
 * 128); 'tp_src' and 'tp_dst' are the ICMP type and code. */
struct dfields {
    uint32_t in_port;
    uint8_t eth_dst[6], eth_src[6];
    size_t n_tags;                      /* Outermost first. */
    uint16_t tpid[MAX_TAGS], tci[MAX_TAGS];
    uint16_t eth_type;                  /* 0x0800, 0x86dd or 0x0806. */
    uint16_t arp_op;
    uint8_t arp_sha[6], arp_tha[6];
    uint32_t ip4_src, ip4_dst;
    uint8_t ip6_src[16], ip6_dst[16];
    uint32_t ip6_label;
    uint8_t frag;                       /* IPv4: FP_IP_FRAG_* bits. */
    uint8_t proto, tos, ttl;
    uint16_t tp_src, tp_dst;
    uint16_t tcp_flags;
    bool udp_no_csum;                   /* IPv4 UDP with checksum 0. */
    uint8_t nd_target[16];
    uint8_t nd_lla[6];
};

static uint32_t
crc32c(const uint8_t *p, size_t n)
{
    uint32_t crc = UINT32_MAX;
    size_t i;
    int b;

    for (i = 0; i < n; i++) {
        crc ^= p[i];
        for (b = 0; b < 8; b++) {
            crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78 : crc >> 1;
        }
    }
    return ~crc;
}

/* Writes the frame of 'f' to 'p' (PKT_MAX bytes, zeroed first) and returns
 * its length, padded to 60. */
static size_t
dbuild(const struct dfields *f, uint8_t *p)
{
    size_t ofs = 12, l3, l4, l4_len = 0, payload = 6, i;
    uint32_t sum = 0;
    bool later = f->frag & FP_IP_FRAG_LATER;

    memset(p, 0, PKT_MAX);
    memcpy(p, f->eth_dst, 6);
    memcpy(p + 6, f->eth_src, 6);
    for (i = 0; i < f->n_tags; i++) {
        put16(p + ofs, f->tpid[i]);
        put16(p + ofs + 2, f->tci[i]);
        ofs += 4;
    }
    put16(p + ofs, f->eth_type);
    l3 = ofs + 2;

    if (f->eth_type == 0x0806) {
        put16(p + l3, 1);
        put16(p + l3 + 2, 0x0800);
        p[l3 + 4] = 6;
        p[l3 + 5] = 4;
        put16(p + l3 + 6, f->arp_op);
        memcpy(p + l3 + 8, f->arp_sha, 6);
        put32(p + l3 + 14, f->ip4_src);
        memcpy(p + l3 + 18, f->arp_tha, 6);
        put32(p + l3 + 24, f->ip4_dst);
        return MAX(l3 + 28, 60);
    }

    switch (f->proto) {
    case 6:
        l4_len = 20;
        break;
    case 132:
        l4_len = 12;
        break;
    case 58:
        l4_len = f->tp_src == 135 || f->tp_src == 136 ? 8 + 16 + 8 : 8;
        break;
    default:
        l4_len = 8;
        break;
    }

    if (f->eth_type == 0x0800) {
        l4 = l3 + 20;
        p[l3] = 0x45;
        p[l3 + 1] = f->tos;
        put16(p + l3 + 2, 20 + l4_len + payload);
        put16(p + l3 + 6, ((f->frag & FP_IP_FRAG_ANY) && !later
                           ? 0x2000 : 0)
                          | (later ? 0x0010 : 0));
        p[l3 + 8] = f->ttl;
        p[l3 + 9] = f->proto;
        put32(p + l3 + 12, f->ip4_src);
        put32(p + l3 + 16, f->ip4_dst);
        put16(p + l3 + 10, fold(sum16(0, p + l3, 20)));
        sum = sum16(0, p + l3 + 12, 8);
    } else {
        l4 = l3 + 40;
        put32(p + l3, 0x60000000 | (uint32_t) f->tos << 20 | f->ip6_label);
        put16(p + l3 + 4, l4_len + payload);
        p[l3 + 6] = f->proto;
        p[l3 + 7] = f->ttl;
        memcpy(p + l3 + 8, f->ip6_src, 16);
        memcpy(p + l3 + 24, f->ip6_dst, 16);
        sum = sum16(0, p + l3 + 8, 32);
    }
    sum += f->proto + l4_len + payload;

    switch (f->proto) {
    case 6:
        put16(p + l4, f->tp_src);
        put16(p + l4 + 2, f->tp_dst);
        put16(p + l4 + 12, 5 << 12 | f->tcp_flags);
        break;
    case 17:
    case 132:
        put16(p + l4, f->tp_src);
        put16(p + l4 + 2, f->tp_dst);
        if (f->proto == 17) {
            put16(p + l4 + 4, l4_len + payload);
        } else {
            put32(p + l4 + 4, 0xdeadbeef);
        }
        break;
    default:
        p[l4] = f->tp_src;
        p[l4 + 1] = f->tp_dst;
        if (l4_len > 8) {
            memcpy(p + l4 + 8, f->nd_target, 16);
            p[l4 + 24] = f->tp_src == 135 ? 1 : 2;
            p[l4 + 25] = 1;
            memcpy(p + l4 + 26, f->nd_lla, 6);
        }
        break;
    }
    memset(p + l4 + l4_len, 0xab, payload);

    /* The checksum.  A later fragment's bytes are payload, with no
     * pseudo-header: nothing in the NIC updates them. */
    if (later) {
        put16(p + l4 + 16 % l4_len, fold(sum16(0, p + l4, l4_len + payload)));
    } else if (f->proto == 132) {
        uint32_t crc;

        /* A first fragment's CRC covers the fragment, as OVS's software
         * datapath computes it and so the NIC: a port rewrite changes it by
         * the difference of the CRCs over the fragment. */
        crc = crc32c(p + l4, l4_len + payload);

        p[l4 + 8] = crc;
        p[l4 + 9] = crc >> 8;
        p[l4 + 10] = crc >> 16;
        p[l4 + 11] = crc >> 24;
    } else if (f->proto == 1) {
        put16(p + l4 + 2, fold(sum16(0, p + l4, l4_len + payload)));
    } else {
        size_t csum_ofs = f->proto == 6 ? 16 : f->proto == 17 ? 6 : 2;
        uint16_t csum = fold(sum16(sum, p + l4, l4_len + payload));

        if (f->proto == 17) {
            csum = f->udp_no_csum ? 0 : csum ? csum : 0xffff;
        }
        put16(p + l4 + csum_ofs, csum);
    }
    return MAX(l4 + l4_len + payload, 60);
}

/* The key that a parser should make of 'f' (which has at most 2 tags). */
static void
dkey_of(const struct dfields *f, struct fp_key *k)
{
    size_t i;

    memset(k, 0, sizeof *k);
    k->in_port = f->in_port;
    memcpy(k->eth_dst, f->eth_dst, 6);
    memcpy(k->eth_src, f->eth_src, 6);
    for (i = 0; i < f->n_tags && i < 2; i++) {
        k->vlans[i].tpid = htons(f->tpid[i]);
        k->vlans[i].tci = htons(f->tci[i] | FP_VLAN_PRESENT);
    }
    k->eth_type = htons(f->eth_type);
    if (f->eth_type == 0x0806) {
        k->nw_proto = f->arp_op;
        k->nw_src = htonl(f->ip4_src);
        k->nw_dst = htonl(f->ip4_dst);
        memcpy(k->arp_sha, f->arp_sha, 6);
        memcpy(k->arp_tha, f->arp_tha, 6);
        return;
    }
    k->nw_proto = f->proto;
    k->nw_tos = f->tos;
    k->nw_ttl = f->ttl;
    k->ip_frag = f->frag;
    if (f->eth_type == 0x0800) {
        k->nw_src = htonl(f->ip4_src);
        k->nw_dst = htonl(f->ip4_dst);
    } else {
        memcpy(k->ipv6_src, f->ip6_src, 16);
        memcpy(k->ipv6_dst, f->ip6_dst, 16);
        k->ipv6_label = htonl(f->ip6_label);
    }
    if (f->frag & FP_IP_FRAG_LATER) {
        return;
    }
    k->tp_src = htons(f->tp_src);
    k->tp_dst = htons(f->tp_dst);
    if (f->proto == 6) {
        k->tcp_flags = htons(f->tcp_flags);
    } else if (f->proto == 58 && (f->tp_src == 135 || f->tp_src == 136)) {
        memcpy(k->nd_target, f->nd_target, 16);
        memcpy(f->tp_src == 135 ? k->arp_sha : k->arp_tha, f->nd_lla, 6);
        k->tcp_flags = htons(f->tp_src == 135 ? 1 : 2);
    }
}

static void
random_fields(struct dfields *f)
{
    static const uint16_t types[] = { 0x0800, 0x0800, 0x86dd, 0x0806 };
    static const uint8_t protos4[] = { 6, 6, 17, 17, 132, 1 };
    static const uint8_t protos6[] = { 6, 17, 132, 58, 58 };
    static const uint8_t icmp6_types[] = { 128, 135, 136 };
    size_t i;

    memset(f, 0, sizeof *f);
    f->in_port = rnd_n(N_PORTS);
    f->eth_dst[0] = 0x02;
    f->eth_dst[5] = rnd_n(4);
    f->eth_src[0] = 0x02;
    f->eth_src[5] = 0x10 + rnd_n(4);
    f->n_tags = rnd_n(2) ? 0 : 1 + rnd_n(2);
    for (i = 0; i < f->n_tags; i++) {
        f->tpid[i] = rnd_n(2) ? 0x88a8 : 0x8100;
        f->tci[i] = rnd_n(4) << 13 | rnd_n(3);
    }
    f->eth_type = types[rnd_n(ARRAY_SIZE(types))];
    f->arp_op = 1 + rnd_n(2);
    memcpy(f->arp_sha, f->eth_src, 6);
    if (rnd_n(2)) {
        f->arp_tha[0] = 0x02;
        f->arp_tha[5] = rnd_n(4);
    }
    f->ip4_src = 0x0a000000 | rnd_n(4) << 8 | rnd_n(4);
    f->ip4_dst = 0x0a000000 | rnd_n(4) << 8 | rnd_n(4);
    for (i = 0; i < 16; i++) {
        f->ip6_src[i] = i == 15 ? rnd_n(4) : 0x20;
        f->ip6_dst[i] = i == 15 ? rnd_n(4) : 0x30;
        f->nd_target[i] = i == 15 ? rnd_n(4) : 0x40;
    }
    f->ip6_label = rnd_n(2) ? rnd_n(4) << 16 | rnd_n(4) : 0;
    if (f->eth_type == 0x86dd) {
        f->proto = protos6[rnd_n(ARRAY_SIZE(protos6))];
    } else {
        f->proto = protos4[rnd_n(ARRAY_SIZE(protos4))];
        f->frag = (rnd_n(5) ? 0
                   : rnd_n(2) ? FP_IP_FRAG_ANY
                   : FP_IP_FRAG_ANY | FP_IP_FRAG_LATER);
        f->udp_no_csum = f->proto == 17 && !rnd_n(4);
    }
    f->tos = rnd_n(4) << 2 | rnd_n(2);
    f->ttl = rnd_n(8) ? 1 + rnd_n(64) : rnd_n(2);
    if (f->proto == 1) {
        f->tp_src = rnd_n(2) ? 8 : 0;
        f->tp_dst = rnd_n(2);
    } else if (f->proto == 58) {
        f->tp_src = icmp6_types[rnd_n(ARRAY_SIZE(icmp6_types))];
        f->tp_dst = 0;
        f->nd_lla[0] = 0x02;
        f->nd_lla[5] = 0x20 + rnd_n(4);
    } else {
        f->tp_src = 1000 + rnd_n(4);
        f->tp_dst = 80 + rnd_n(4);
    }
    f->tcp_flags = f->proto == 6 ? rnd_n(0x40) : 0;
}

/* Sets in 'm' the bits of one of a few field groups. */
static void
random_mask(struct fp_key *m)
{
    memset(m, 0, sizeof *m);
    switch (rnd_n(22)) {
    case 0:
        m->in_port = UINT32_MAX;
        break;
    case 1:
        m->in_port = UINT32_MAX;
        m->eth_type = 0xffff;
        break;
    case 2:
        memset(m->eth_dst, 0xff, 6);
        break;
    case 3:
        m->eth_type = 0xffff;
        m->nw_dst = htonl(0xffffff00);
        break;
    case 4:
        m->eth_type = 0xffff;
        m->nw_src = htonl(0xffffffff);
        m->nw_dst = htonl(0xffffffff);
        break;
    case 5:
        m->nw_proto = 0xff;
        m->tp_dst = 0xffff;
        break;
    case 6:
        m->vlans[0].tci = htons(0x1fff);
        break;
    case 7:
        m->eth_type = 0xffff;
        m->nw_dst = htonl(0xffff0000);
        m->tp_src = htons(0xfffe);
        break;
    case 8:
        m->ipv6_dst[15] = 0xff;
        m->eth_type = 0xffff;
        break;
    case 9:
        m->tcp_flags = htons(0x0012);
        m->nw_tos = 0xfc;
        break;
    case 10:
        memset(m->arp_sha, 0xff, 6);
        m->nw_ttl = 0xc0;
        break;
    case 11:
        m->vlans[1].tpid = htons(0xffff);
        if (rnd_n(2)) {
            m->vlans[1].tci = htons(0xffff);
        }
        break;
    case 12:
        m->vlans[0].tpid = htons(0xffff);
        m->eth_type = 0xffff;
        break;
    case 13:
        m->ipv6_src[15] = 0x03;
        m->nw_proto = 0xff;
        break;
    case 14:
        m->ipv6_label = htonl(0x000fffff);
        break;
    case 15:
        memset(m->arp_tha, 0xff, 6);
        m->nw_proto = 0xff;
        break;
    case 16:
        m->nd_target[15] = 0xff;
        m->tp_src = htons(0xffff);
        break;
    case 17:
        m->ip_frag = 0xff;
        m->nw_proto = 0xff;
        break;
    case 18:
        m->ip_frag = FP_IP_FRAG_LATER;
        break;
    case 19:
        m->tp_src = htons(0xffff);
        m->tp_dst = htons(0xffff);
        m->nw_proto = 0xff;
        break;
    case 20:
        memset(m->arp_tha, 0xff, 6);
        m->tcp_flags = htons(0x0fff);
        break;
    default:
        m->in_port = UINT32_MAX;
        memset(m->eth_src, 0xff, 6);
        m->tp_dst = htons(0xfffc);
        break;
    }
    if (rnd_n(2)) {
        /* Narrower: fewer hits, more misses. */
        m->in_port = UINT32_MAX;
        m->eth_src[5] = 0xff;
    }
}

/* A rule of the reference, with the id that the model gave it. */
struct ref_rule {
    struct fp_rule rule;
    uint32_t id;
    bool deleted;
    uint64_t n_packets;
    uint64_t n_bytes;
};

/* The shared counter of FP_ACTION_COUNT, and its reference. */
static uint32_t shared_counter;
static uint64_t ref_counter_packets, ref_counter_bytes;

static void
random_set(struct fp_action *a)
{
    static const struct {
        enum fp_action_type type;
        size_t size;
    } sets[] = {
        { FP_ACTION_SET_VLAN, 2 },
        { FP_ACTION_SET_ETH_SRC, 6 },
        { FP_ACTION_SET_ETH_DST, 6 },
        { FP_ACTION_SET_IPV4_SRC, 4 },
        { FP_ACTION_SET_IPV4_DST, 4 },
        { FP_ACTION_SET_IPV4_TOS, 1 },
        { FP_ACTION_SET_IPV4_TTL, 1 },
        { FP_ACTION_SET_IPV6_SRC, 16 },
        { FP_ACTION_SET_IPV6_DST, 16 },
        { FP_ACTION_SET_IPV6_TCLASS, 1 },
        { FP_ACTION_SET_IPV6_HLIM, 1 },
        { FP_ACTION_SET_TP_SRC, 2 },
        { FP_ACTION_SET_TP_DST, 2 },
    };
    size_t i = rnd_n(ARRAY_SIZE(sets)), j;

    a->type = sets[i].type;
    for (j = 0; j < sets[i].size; j++) {
        a->set.value[j] = rnd();
        a->set.mask[j] = rnd_n(3) ? 0xff : rnd();
    }
    if (a->type == FP_ACTION_SET_VLAN) {
        /* The DEI bit is the parser's "tag present": leave it. */
        a->set.value[0] &= ~0x10;
        a->set.mask[0] |= 0x10;
    }
}

static void
random_actions(struct fp_rule *rule)
{
    size_t n = rnd_n(5), n_pushes = 0, i;

    rule->n_actions = 0;
    for (i = 0; i < n; i++) {
        struct fp_action *a = &rule->actions[rule->n_actions++];

        memset(a, 0, sizeof *a);
        switch (rnd_n(16)) {
        case 0:
            if (n_pushes++ < 2) {
                a->type = FP_ACTION_PUSH_VLAN;
                a->vlan.tpid = htons(rnd_n(2) ? 0x8100 : 0x88a8);
                a->vlan.tci = htons(rnd_n(8) << 13 | rnd_n(100));
                break;
            }
            /* Fall through. */
        case 1:
            a->type = FP_ACTION_POP_VLAN;
            break;
        case 2:
            a->type = rnd_n(4) ? FP_ACTION_DEC_TTL : FP_ACTION_DROP;
            break;
        case 3:
            a->type = FP_ACTION_MARK;
            a->mark = 1 + rnd_n(1000);
            break;
        case 4:
            a->type = rnd_n(2) ? FP_ACTION_EXCEPTION : FP_ACTION_COUNT;
            a->counter_id = shared_counter;
            break;
        case 5:
        case 6:
        case 7:
        case 8:
        case 9:
        case 10:
            random_set(a);
            break;
        default:
            a->type = FP_ACTION_OUTPUT;
            a->port = rnd_n(N_PORTS);
            break;
        }
    }
    /* Most rules output somewhere at the end. */
    if (rnd_n(4)) {
        struct fp_action *a = &rule->actions[rule->n_actions++];

        memset(a, 0, sizeof *a);
        a->type = FP_ACTION_OUTPUT;
        a->port = rnd_n(N_PORTS);
    }
}

/* A random rule, made from a random packet so that packets hit it, with a
 * priority from a small range, so that ties happen. */
static void
random_rule(struct fp_rule *rule)
{
    struct dfields f;
    struct fp_key key;
    uint8_t *kb, *mb;
    size_t j;

    memset(rule, 0, sizeof *rule);
    random_fields(&f);
    dkey_of(&f, &key);
    random_mask(&rule->mask);
    kb = (uint8_t *) &rule->key;
    mb = (uint8_t *) &rule->mask;
    for (j = 0; j < sizeof key; j++) {
        kb[j] = ((uint8_t *) &key)[j] & mb[j];
    }
    rule->priority = rnd_n(8);
    random_actions(rule);
}

/* What the model sent out, recorded by the test's endpoint.  The endpoint
 * runs on an engine thread: no cmocka assertion there. */
struct sent {
    uint32_t port;
    size_t size;
    uint8_t data[PKT_MAX];
};

static struct sent sent[64];
static size_t n_sent;
static bool sent_overflow;

static int
record_send(void *aux OVS_UNUSED, uint32_t port, const void *data,
            size_t size)
{
    if (n_sent >= ARRAY_SIZE(sent) || size > sizeof sent[0].data) {
        sent_overflow = true;
        return 0;
    }
    sent[n_sent].port = port;
    sent[n_sent].size = size;
    memcpy(sent[n_sent].data, data, size);
    n_sent++;
    return 0;
}

static const struct fp_endpoint_ops record_ops = {
    .send = record_send,
};

/* The reference: the matching rule of highest priority, first added among
 * equal priorities, by linear scan.  A modified rule keeps its place. */
static struct ref_rule *
ref_lookup(struct ref_rule *rules, size_t n, const struct fp_key *key)
{
    const uint8_t *k = (const uint8_t *) key;
    struct ref_rule *best = NULL;
    size_t i, j;

    for (i = 0; i < n; i++) {
        const uint8_t *rk = (const uint8_t *) &rules[i].rule.key;
        const uint8_t *rm = (const uint8_t *) &rules[i].rule.mask;

        if (rules[i].deleted) {
            continue;
        }
        for (j = 0; j < sizeof *key; j++) {
            if ((k[j] ^ rk[j]) & rm[j]) {
                break;
            }
        }
        if (j == sizeof *key
            && (!best || rules[i].rule.priority > best->rule.priority)) {
            best = &rules[i];
        }
    }
    return best;
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Applies the masked set of 'n' bytes of 'a' to the 'n' bytes at 'p'. */
static void
masked_set(uint8_t *p, const struct fp_action *a, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        p[i] = (p[i] & ~a->set.mask[i]) | (a->set.value[i] & a->set.mask[i]);
    }
}

/* Applies set action 'a' to 'g', as the NIC should: a header that the
 * packet does not have is not set; neither are the ports of a later
 * fragment, nor of ICMP. */
static void
ref_set(struct dfields *g, const struct fp_action *a)
{
    bool ip4 = g->eth_type == 0x0800, ip6 = g->eth_type == 0x86dd;
    bool ports = ((ip4 || ip6) && !(g->frag & FP_IP_FRAG_LATER)
                  && (g->proto == 6 || g->proto == 17 || g->proto == 132));
    uint8_t b[16];

    switch ((int) a->type) {
    case FP_ACTION_SET_VLAN:
        if (g->n_tags) {
            put16(b, g->tci[0]);
            masked_set(b, a, 2);
            g->tci[0] = b[0] << 8 | b[1];
        }
        break;
    case FP_ACTION_SET_ETH_SRC:
        masked_set(g->eth_src, a, 6);
        break;
    case FP_ACTION_SET_ETH_DST:
        masked_set(g->eth_dst, a, 6);
        break;
    case FP_ACTION_SET_IPV4_SRC:
    case FP_ACTION_SET_IPV4_DST:
        if (ip4) {
            uint32_t *ip = (a->type == FP_ACTION_SET_IPV4_SRC
                            ? &g->ip4_src : &g->ip4_dst);

            put32(b, *ip);
            masked_set(b, a, 4);
            *ip = get32(b);
        }
        break;
    case FP_ACTION_SET_IPV4_TOS:
    case FP_ACTION_SET_IPV6_TCLASS:
        if (a->type == FP_ACTION_SET_IPV4_TOS ? ip4 : ip6) {
            masked_set(&g->tos, a, 1);
        }
        break;
    case FP_ACTION_SET_IPV4_TTL:
    case FP_ACTION_SET_IPV6_HLIM:
        if (a->type == FP_ACTION_SET_IPV4_TTL ? ip4 : ip6) {
            masked_set(&g->ttl, a, 1);
        }
        break;
    case FP_ACTION_SET_IPV6_SRC:
        if (ip6) {
            masked_set(g->ip6_src, a, 16);
        }
        break;
    case FP_ACTION_SET_IPV6_DST:
        if (ip6) {
            masked_set(g->ip6_dst, a, 16);
        }
        break;
    case FP_ACTION_SET_TP_SRC:
    case FP_ACTION_SET_TP_DST:
        if (ports) {
            uint16_t *port = (a->type == FP_ACTION_SET_TP_SRC
                              ? &g->tp_src : &g->tp_dst);

            put16(b, *port);
            masked_set(b, a, 2);
            *port = b[0] << 8 | b[1];
        }
        break;
    default:
        fail();
    }
}

/* A packet sent to the host on the exception path of 'port': checks that
 * the host gets the frame of 'g' ('size' bytes on the wire) with 'mark',
 * if 'port' has an interface attached (bit 'port' of 'attached'), and
 * counts in '*n_exc' or '*n_drops' what the port must count for it. */
static void
expect_exception(struct fp_device *dev, uint32_t port, uint32_t attached,
                 const struct dfields *g, size_t size, uint32_t mark,
                 uint64_t *n_exc, uint64_t *n_drops)
{
    if (attached & (1u << port)) {
        uint8_t buf[PKT_MAX], exp[PKT_MAX];
        struct fp_packet_md md;
        size_t len;

        assert_int_equal(fp_port_recv_md(dev, port, buf, sizeof buf, &len,
                                         &md), 0);
        dbuild(g, exp);
        assert_int_equal(len, size);
        assert_memory_equal(buf, exp, size);
        assert_int_equal(md.mark, mark);
        (*n_exc)++;
    } else {
        (*n_drops)++;
    }
}

/* Modifies, deletes or adds a random rule, in the model and the
 * reference.  A deleted rule's final counters must be the reference's. */
static void
churn(struct fp_device *dev, struct ref_rule *rules, size_t *n_rules,
      size_t max_rules)
{
    struct fp_rule_stats final;
    struct ref_rule *r = NULL;
    int op = rnd_n(3);
    size_t i;

    for (i = 0; i < 10 && !r; i++) {
        r = &rules[rnd_n(*n_rules)];
        if (r->deleted) {
            r = NULL;
        }
    }
    if (!r || op == 0) {
        if (*n_rules < max_rules) {
            r = &rules[(*n_rules)++];
            random_rule(&r->rule);
            assert_int_equal(fp_rule_add(dev, &r->rule, &r->id), 0);
        }
    } else if (op == 1) {
        struct fp_rule rule;

        /* New actions; half the time a new match and priority too. */
        if (rnd_n(2)) {
            random_rule(&rule);
        } else {
            rule = r->rule;
            random_actions(&rule);
        }
        assert_int_equal(fp_rule_modify(dev, r->id, &rule), 0);
        r->rule = rule;
    } else {
        assert_int_equal(fp_rule_delete(dev, r->id, &final), 0);
        assert_int_equal(final.n_packets, r->n_packets);
        assert_int_equal(final.n_bytes, r->n_bytes);
        r->deleted = true;
    }
}

static void
run_round(uint32_t seed)
{
    size_t max_rules = N_RULES + N_PACKETS / 16;
    struct ref_rule *rules = xcalloc(max_rules, sizeof *rules);
    struct fp_device_config cfg;
    struct fp_rule_stats_entry *entries;
    struct fp_rule_stats cstats;
    struct fp_device *dev;
    size_t i, j, n_entries, n_hits = 0, n_rules, n_live;
    size_t n_exceptions = 0, n_churn = 0;
    uint32_t attached;

    rng_state = seed ? seed : 1;
    /* Half the rounds with few rules: misses too. */
    n_rules = 1 + rnd_n(rnd_n(2) ? N_RULES : 20);
    fp_device_config_default(&cfg);
    cfg.n_vfs = N_PORTS - 2;
    cfg.emc_size = rnd_n(2) ? 64 : 0;
    assert_int_equal(fp_device_create("diff", &cfg, &dev), 0);
    attached = rnd_n(1u << N_PORTS);
    for (i = 0; i < N_PORTS; i++) {
        assert_int_equal(fp_port_set_endpoint(dev, i, &record_ops, NULL),
                         0);
        if (attached & (1u << i)) {
            assert_int_equal(fp_port_attach(dev, i), 0);
        }
    }
    assert_int_equal(fp_counter_alloc(dev, &shared_counter), 0);
    ref_counter_packets = ref_counter_bytes = 0;

    for (i = 0; i < n_rules; i++) {
        random_rule(&rules[i].rule);
        assert_int_equal(fp_rule_add(dev, &rules[i].rule, &rules[i].id), 0);
    }

    for (i = 0; i < N_PACKETS; i++) {
        struct dfields f, g;
        struct fp_key key;
        struct ref_rule *r;
        uint8_t pkt[PKT_MAX], exp[PKT_MAX];
        size_t size, wire, n_exp = 0;
        struct fp_port_stats before, after;
        uint64_t n_exc = 0, n_drops = 0;
        struct fp_packet_md md;
        uint32_t mark = 0;
        uint8_t buf[PKT_MAX];
        size_t len;

        /* Between packets, now and then, a rule changes. */
        if (!rnd_n(16)) {
            churn(dev, rules, &n_rules, max_rules);
            n_churn++;
        }

        random_fields(&f);
        size = dbuild(&f, pkt);
        dkey_of(&f, &key);
        r = ref_lookup(rules, n_rules, &key);

        n_sent = 0;
        sent_overflow = false;
        fp_port_get_stats(dev, f.in_port, &before);
        assert_int_equal(fp_port_inject(dev, f.in_port, pkt, size), 0);
        assert_false(sent_overflow);

        if (!r) {
            /* A miss: to the host, if an interface is attached. */
            assert_int_equal(n_sent, 0);
            expect_exception(dev, f.in_port, attached, &f, size, 0, &n_exc,
                             &n_drops);
            n_exceptions++;
            goto check_port;
        }
        n_hits++;
        r->n_packets++;
        r->n_bytes += size;

        /* Apply the actions to the fields, build the expected packets.
         * 'wire' follows the frame's size: a pushed tag adds 4 bytes, a
         * popped one takes them, the padding of a short frame stays. */
        g = f;
        wire = size;
        for (j = 0; j < r->rule.n_actions; j++) {
            const struct fp_action *a = &r->rule.actions[j];
            bool stop = false;

            switch ((int) a->type) {
            case FP_ACTION_OUTPUT:
                assert_true(n_exp < n_sent);
                dbuild(&g, exp);
                assert_int_equal(sent[n_exp].port, a->port);
                assert_int_equal(sent[n_exp].size, wire);
                assert_memory_equal(sent[n_exp].data, exp, wire);
                n_exp++;
                break;
            case FP_ACTION_PUSH_VLAN:
                assert_true(g.n_tags < MAX_TAGS);
                memmove(&g.tpid[1], &g.tpid[0], g.n_tags * sizeof g.tpid[0]);
                memmove(&g.tci[1], &g.tci[0], g.n_tags * sizeof g.tci[0]);
                g.tpid[0] = ntohs(a->vlan.tpid);
                g.tci[0] = ntohs(a->vlan.tci);
                g.n_tags++;
                wire += 4;
                break;
            case FP_ACTION_POP_VLAN:
                if (g.n_tags) {
                    g.n_tags--;
                    memmove(&g.tpid[0], &g.tpid[1],
                            g.n_tags * sizeof g.tpid[0]);
                    memmove(&g.tci[0], &g.tci[1], g.n_tags * sizeof g.tci[0]);
                    wire -= 4;
                }
                break;
            case FP_ACTION_DROP:
                stop = true;
                break;
            case FP_ACTION_DEC_TTL:
                if (g.eth_type == 0x0800 || g.eth_type == 0x86dd) {
                    if (g.ttl <= 1) {
                        expect_exception(dev, f.in_port, attached, &g, wire,
                                         mark, &n_exc, &n_drops);
                        n_exceptions++;
                        stop = true;
                    } else {
                        g.ttl--;
                    }
                }
                break;
            case FP_ACTION_MARK:
                mark = a->mark;
                break;
            case FP_ACTION_SET_QUEUE:
                break;
            case FP_ACTION_COUNT:
                ref_counter_packets++;
                ref_counter_bytes += wire;
                break;
            case FP_ACTION_EXCEPTION:
                expect_exception(dev, f.in_port, attached, &g, wire, mark,
                                 &n_exc, &n_drops);
                n_exceptions++;
                break;
            default:
                ref_set(&g, a);
                break;
            }
            if (stop) {
                break;
            }
        }
        assert_int_equal(n_sent, n_exp);

    check_port:
        /* Nothing more for the host; the input port counted it all. */
        assert_int_equal(fp_port_recv_md(dev, f.in_port, buf, sizeof buf,
                                         &len, &md), EAGAIN);
        fp_port_get_stats(dev, f.in_port, &after);
        assert_int_equal(after.exceptions, before.exceptions + n_exc);
        assert_int_equal(after.drops, before.drops + n_drops);
    }

    /* Every live rule's counters, in one call; the shared counter. */
    assert_int_equal(fp_rule_get_stats_all(dev, &entries, &n_entries), 0);
    n_live = 0;
    for (i = 0; i < n_rules; i++) {
        if (rules[i].deleted) {
            continue;
        }
        n_live++;
        for (j = 0; j < n_entries; j++) {
            if (entries[j].id == rules[i].id) {
                assert_int_equal(entries[j].stats.n_packets,
                                 rules[i].n_packets);
                assert_int_equal(entries[j].stats.n_bytes,
                                 rules[i].n_bytes);
                break;
            }
        }
        assert_true(j < n_entries);
    }
    assert_int_equal(n_entries, n_live);
    free(entries);
    assert_int_equal(fp_counter_get(dev, shared_counter, &cstats), 0);
    assert_int_equal(cstats.n_packets, ref_counter_packets);
    assert_int_equal(cstats.n_bytes, ref_counter_bytes);

    printf("fp-diff: seed %"PRIu32": %"PRIuSIZE" rules added, %"PRIuSIZE
           " changes, %d packets, %"PRIuSIZE" hits, %"PRIuSIZE
           " exceptions, 0 mismatches\n", seed, n_rules, n_churn, N_PACKETS,
           n_hits, n_exceptions);
    fp_device_destroy(dev);
    free(rules);
}

static void
test_fp_diff_random(void **state OVS_UNUSED)
{
    const char *env = getenv("FP_DIFF_SEED");
    uint32_t seed;
    int i;

    if (env) {
        seed = strtoul(env, NULL, 0);
        printf("fp-diff: replaying seed %"PRIu32"\n", seed);
        run_round(seed);
        return;
    }
    seed = time(NULL) ^ getpid();
    for (i = 0; i < N_ROUNDS; i++) {
        /* Printed first, so that a failing round can be replayed. */
        printf("fp-diff: round %d: FP_DIFF_SEED=%"PRIu32"\n", i, seed + i);
        fflush(stdout);
        run_round(seed + i);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_diff_random),
    };

    return cmocka_run_group_tests_name("fp_diff", tests, NULL, NULL);
}
