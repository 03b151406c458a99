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

#ifndef FP_TEST_PACKET_H
#define FP_TEST_PACKET_H 1

/* Test packets built from field values, with every checksum computed from
 * scratch, and the key that the model must extract from them: written for
 * the tests, independently of lib/. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "fp/fp.h"
#include "util.h"

/* The fields of a test packet. */
struct fields {
    uint32_t in_port;
    uint8_t eth_dst[6];
    uint8_t eth_src[6];
    bool has_vlan;
    uint16_t vlan_tci;          /* Host order, without the present bit. */
    uint16_t eth_type;          /* 0x0800, 0x86dd or 0x0806 (host). */
    uint32_t ip4_src, ip4_dst;  /* Host order. */
    uint8_t ip6_src[16], ip6_dst[16];
    uint8_t proto;              /* 6 or 17. */
    uint8_t tos, ttl;
    uint16_t tp_src, tp_dst;    /* Host order. */
    uint16_t tcp_flags;         /* Host order, 12 bits. */
};

static inline void
put16(uint8_t *p, uint16_t x)
{
    p[0] = x >> 8;
    p[1] = x;
}

static inline void
put32(uint8_t *p, uint32_t x)
{
    put16(p, x >> 16);
    put16(p + 2, x);
}

/* One's-complement sum of 'n' bytes at 'p', added to 'sum'. */
static inline uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i += 2) {
        sum += (p[i] << 8) | p[i + 1];
    }
    if (n & 1) {
        sum += p[n - 1] << 8;
    }
    return sum;
}

static inline uint16_t
fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ~sum & 0xffff;
}

/* Builds the packet of 'f' into 'p' (room for 128 bytes), with every
 * checksum computed from scratch; returns its size. */
static inline size_t
build(const struct fields *f, uint8_t *p)
{
    size_t ofs = 12, l3, l4, l4_len = f->proto == 6 ? 20 : 8;
    size_t payload = 6;
    uint32_t sum;

    memset(p, 0, 128);
    memcpy(p, f->eth_dst, 6);
    memcpy(p + 6, f->eth_src, 6);
    if (f->has_vlan) {
        put16(p + ofs, 0x8100);
        put16(p + ofs + 2, f->vlan_tci);
        ofs += 4;
    }
    put16(p + ofs, f->eth_type);
    l3 = ofs + 2;

    if (f->eth_type == 0x0806) {
        put16(p + l3, 1);
        put16(p + l3 + 2, 0x0800);
        p[l3 + 4] = 6;
        p[l3 + 5] = 4;
        put16(p + l3 + 6, 1);
        memcpy(p + l3 + 8, f->eth_src, 6);
        put32(p + l3 + 14, f->ip4_src);
        put32(p + l3 + 24, f->ip4_dst);
        return MAX(l3 + 28, 60);
    }

    if (f->eth_type == 0x0800) {
        l4 = l3 + 20;
        p[l3] = 0x45;
        p[l3 + 1] = f->tos;
        put16(p + l3 + 2, 20 + l4_len + payload);
        p[l3 + 8] = f->ttl;
        p[l3 + 9] = f->proto;
        put32(p + l3 + 12, f->ip4_src);
        put32(p + l3 + 16, f->ip4_dst);
        put16(p + l3 + 10, fold(sum16(0, p + l3, 20)));
        sum = sum16(0, p + l3 + 12, 8);
    } else {
        l4 = l3 + 40;
        p[l3] = 0x60 | f->tos >> 4;
        p[l3 + 1] = f->tos << 4;
        put16(p + l3 + 4, l4_len + payload);
        p[l3 + 6] = f->proto;
        p[l3 + 7] = f->ttl;
        memcpy(p + l3 + 8, f->ip6_src, 16);
        memcpy(p + l3 + 24, f->ip6_dst, 16);
        sum = sum16(0, p + l3 + 8, 32);
    }
    put16(p + l4, f->tp_src);
    put16(p + l4 + 2, f->tp_dst);
    if (f->proto == 6) {
        put16(p + l4 + 12, 5 << 12 | f->tcp_flags);
    } else {
        put16(p + l4 + 4, l4_len + payload);
    }
    memset(p + l4 + l4_len, 0xab, payload);
    sum += f->proto + l4_len + payload;
    sum = sum16(sum, p + l4, l4_len + payload);
    put16(p + l4 + (f->proto == 6 ? 16 : 6),
          f->proto == 17 && !fold(sum) ? 0xffff : fold(sum));
    return MAX(l4 + l4_len + payload, 60);
}

/* The key that the model must extract from the packet of 'f'. */
static inline void
key_of(const struct fields *f, struct fp_key *k)
{
    memset(k, 0, sizeof *k);
    k->in_port = f->in_port;
    memcpy(k->eth_dst, f->eth_dst, 6);
    memcpy(k->eth_src, f->eth_src, 6);
    if (f->has_vlan) {
        k->vlans[0].tpid = htons(0x8100);
        k->vlans[0].tci = htons(f->vlan_tci | 0x1000);
    }
    k->eth_type = htons(f->eth_type);
    if (f->eth_type == 0x0806) {
        k->nw_proto = 1;
        k->nw_src = htonl(f->ip4_src);
        k->nw_dst = htonl(f->ip4_dst);
        memcpy(k->arp_sha, f->eth_src, 6);
        return;
    }
    k->nw_proto = f->proto;
    k->nw_tos = f->tos;
    k->nw_ttl = f->ttl;
    if (f->eth_type == 0x0800) {
        k->nw_src = htonl(f->ip4_src);
        k->nw_dst = htonl(f->ip4_dst);
    } else {
        memcpy(k->ipv6_src, f->ip6_src, 16);
        memcpy(k->ipv6_dst, f->ip6_dst, 16);
    }
    k->tp_src = htons(f->tp_src);
    k->tp_dst = htons(f->tp_dst);
    k->tcp_flags = htons(f->tcp_flags);
}

#endif /* fp-test-packet.h */
