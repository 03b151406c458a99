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

#ifndef FP_PARSE_H
#define FP_PARSE_H 1

/* The flow-processor model's packet parser.
 *
 * This is the model's own parser, written from the protocol definitions,
 * not OVS's flow_extract(): testing the model against OVS's software
 * datapath would prove nothing if both shared a parser.  It extracts the
 * fields of 'struct fp_key' with OVS's meaning (see include/fp/fp.h). */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "fp/fp.h"
#include "util.h"

/* Where the parser found each layer of a packet, as offsets from its first
 * byte, or FP_PARSE_NONE for a layer that it does not have.  The actions
 * (fp-action.c) use these to rewrite headers without parsing again. */
#define FP_PARSE_NONE UINT16_MAX
struct fp_parse_layers {
    uint16_t l3;                /* IPv4 or IPv6 header. */
    uint16_t l4;                /* TCP, UDP, SCTP, ICMP or ICMPv6 header,
                                 * only if the packet is not a later
                                 * fragment and the header is complete. */
    uint16_t l3_end;            /* End of the IP datagram (L2 padding
                                 * follows). */
    bool fast;                  /* Parsed by the fast path: untagged IPv4,
                                 * not a fragment, TCP or UDP but a tunnel's
                                 * outer header.  Then the key has no other
                                 * fields than in_port, the Ethernet
                                 * addresses and type, nw_tos, nw_ttl,
                                 * nw_proto, the IPv4 addresses, the ports
                                 * and tcp_flags. */
};

/* Most VLAN tags the parser takes, as OVS's FLOW_MAX_VLAN_HEADERS. */
#define FP_PARSE_MAX_VLANS 2

int fp_parse(const void *data, size_t size, uint32_t in_port,
             struct fp_key *key, struct fp_parse_layers *layers);
uint32_t fp_parse_rss_hash(const struct fp_key *);
int fp_parse_limited(const void *data, size_t size, uint32_t in_port,
                     unsigned int vlan_limit, struct fp_key *key,
                     struct fp_parse_layers *layers);
int fp_parse_general(const void *data, size_t size, uint32_t in_port,
                     unsigned int vlan_limit, struct fp_key *key,
                     struct fp_parse_layers *layers);

/* The fast path, inline so that the packet engines' pass parses the most
 * common frames without a call (fp_parse_inline()). */

/* Sizes, the IPv4 ethertype, fragment bits and protocol numbers, in host
 * byte order. */
#define FP_PARSE_ETH_TYPE_IP     0x0800
#define FP_PARSE_ETH_HEADER_LEN  14
#define FP_PARSE_IPV4_HEADER_LEN 20
#define FP_PARSE_TCP_HEADER_LEN  20
#define FP_PARSE_UDP_HEADER_LEN  8
#define FP_PARSE_IPV4_MF         0x2000
#define FP_PARSE_IPV4_OFF_MASK   0x1fff
#define FP_PARSE_IPPROTO_TCP     6
#define FP_PARSE_IPPROTO_UDP     17

/* Returns the big-endian 16-bit value at 'p' in host byte order. */
static inline uint16_t
fp_parse_get16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

/* Returns the 16-bit value at 'p' as is (network byte order). */
static inline uint16_t
fp_parse_get_be16(const uint8_t *p)
{
    uint16_t x;

    memcpy(&x, p, sizeof x);
    return x;
}

static inline uint32_t
fp_parse_get_be32(const uint8_t *p)
{
    uint32_t x;

    memcpy(&x, p, sizeof x);
    return x;
}

/* Zeroes '*key'.  GCC compiles a memset() of its size, or a loop of
 * stores, to "rep stos", whose start-up costs, on every packet, about as
 * much as the rest of the parse of a UDP packet; eight 16-byte stores (the
 * last one overlapping the one before it) take a few cycles. */
static inline void
fp_parse_zero_key(struct fp_key *key)
{
#ifdef __SSE2__
    __m128i *p = ALIGNED_CAST(__m128i *, key);
    __m128i zero = _mm_setzero_si128();

    BUILD_ASSERT(sizeof *key > 7 * 16 && sizeof *key <= 8 * 16);
    _mm_storeu_si128(&p[0], zero);
    _mm_storeu_si128(&p[1], zero);
    _mm_storeu_si128(&p[2], zero);
    _mm_storeu_si128(&p[3], zero);
    _mm_storeu_si128(&p[4], zero);
    _mm_storeu_si128(&p[5], zero);
    _mm_storeu_si128(&p[6], zero);
    _mm_storeu_si128(ALIGNED_CAST(__m128i *,
                                  (uint8_t *) key + sizeof *key - 16), zero);
#else
    memset(key, 0, sizeof *key);
#endif
}

/* Returns the 'n' bytes of 'x' (n <= 8), a value in host byte order whose
 * bytes in memory are those of a field, shifted so that they fall at byte
 * 'ofs' (ofs + n <= 8) of a 64-bit word in memory order. */
static inline uint64_t
fp_parse_bytes_at(uint64_t x, int ofs, int n)
{
#ifdef WORDS_BIGENDIAN
    return x << (64 - 8 * (ofs + n));
#else
    (void) n;
    return x << (8 * ofs);
#endif
}

/* Stores 64-bit word 'q' at byte 'ofs' of 'key'. */
static inline void
fp_parse_put64(struct fp_key *key, size_t ofs, uint64_t q)
{
    memcpy((uint8_t *) key + ofs, &q, sizeof q);
}

/* Zeroes the bytes of 'key' from 'ofs' to its end, 'ofs' a multiple of 8
 * before the ports (offsetof(struct fp_key, tp_src)), as the parser's fast
 * path needs: its later words are all zero but for the ports, which the
 * caller stores afterward. */
static inline void
fp_parse_zero_tail(struct fp_key *key, size_t ofs)
{
#ifdef __SSE2__
    __m128i zero = _mm_setzero_si128();
    uint8_t *k = (uint8_t *) key;
    size_t i;

    for (i = ofs; i + 16 < sizeof *key; i += 16) {
        _mm_storeu_si128(ALIGNED_CAST(__m128i *, k + i), zero);
    }
    _mm_storeu_si128(ALIGNED_CAST(__m128i *, k + sizeof *key - 16), zero);
#else
    memset((uint8_t *) key + ofs, 0, sizeof *key - ofs);
#endif
}

/* The fast path of the parser, for the frames that a NIC forwards most:
 * untagged Ethernet, an IPv4 header without options that is not a
 * fragment, and a complete TCP header or a UDP header that is not the
 * outer header of a tunnel.  If the frame of 'size' bytes at 'p' is one of
 * those, stores into 'key' (all of it) and 'layers' exactly what
 * fp_parse_start() with 'in_port' and then fp_parse_frame() would, and
 * returns true; otherwise returns false and changes nothing, for
 * fp_parse_start() and fp_parse_frame() to parse it.
 *
 * Every test comes before the first store, so that a frame that is not of
 * the common kind costs only these tests.  The key's first 40 bytes, up to
 * nw_dst, are built in five 64-bit words and stored whole, and only the
 * rest is zeroed, where zeroing the whole key and then storing each field
 * took some 20 instructions more a packet (callgrind, ovs-offload-bench).
 * tests/unit/test-fp-parse.c and the fuzz target fp-parse check it against
 * fp_parse_general(). */
static inline bool
fp_parse_fast(const uint8_t *p, size_t size, uint32_t in_port,
              struct fp_key *key, struct fp_parse_layers *layers)
{
    enum {
        L3 = FP_PARSE_ETH_HEADER_LEN,
        L4 = L3 + FP_PARSE_IPV4_HEADER_LEN,
    };
    const uint8_t *l4 = p + L4;
    uint16_t tcp_flags = 0;
    size_t tot_len, l4_len;
    uint64_t eth0, eth1, addrs;
    uint8_t proto, tos, ttl;
    uint32_t ports;

    BUILD_ASSERT(offsetof(struct fp_key, eth_dst) == 4);
    BUILD_ASSERT(offsetof(struct fp_key, eth_src) == 10);
    BUILD_ASSERT(offsetof(struct fp_key, eth_type) == 16);
    BUILD_ASSERT(offsetof(struct fp_key, ip_frag) == 18);
    BUILD_ASSERT(offsetof(struct fp_key, nw_proto) == 19);
    BUILD_ASSERT(offsetof(struct fp_key, vlans) == 20);
    BUILD_ASSERT(offsetof(struct fp_key, nw_tos) == 28);
    BUILD_ASSERT(offsetof(struct fp_key, nw_ttl) == 29);
    BUILD_ASSERT(offsetof(struct fp_key, tcp_flags) == 30);
    BUILD_ASSERT(offsetof(struct fp_key, nw_src) == 32);
    BUILD_ASSERT(offsetof(struct fp_key, nw_dst) == 36);
    BUILD_ASSERT(offsetof(struct fp_key, ipv6_label) == 40);
    BUILD_ASSERT(offsetof(struct fp_key, tp_dst)
                 == offsetof(struct fp_key, tp_src) + 2);

    if (size < L4 + FP_PARSE_UDP_HEADER_LEN
        || fp_parse_get_be16(p + 12) != htons(FP_PARSE_ETH_TYPE_IP)
        || p[L3] != 0x45
        || (fp_parse_get_be16(p + L3 + 6)
            & htons(FP_PARSE_IPV4_MF | FP_PARSE_IPV4_OFF_MASK))) {
        return false;
    }
    /* One compare for both bounds of the IP datagram's length: less than
     * its header wraps around to more than any 'size' ('size' >= L4, so
     * that 'size - L4' does not wrap). */
    tot_len = fp_parse_get16(p + L3 + 2);
    l4_len = tot_len - FP_PARSE_IPV4_HEADER_LEN;
    if (l4_len > size - L4) {
        return false;
    }
    proto = p[L3 + 9];
    if (proto == FP_PARSE_IPPROTO_UDP) {
        uint16_t dport = fp_parse_get_be16(l4 + 2);

        if (l4_len < FP_PARSE_UDP_HEADER_LEN
            || dport == htons(FP_VXLAN_PORT)
            || dport == htons(FP_GENEVE_PORT)) {
            return false;
        }
    } else if (proto == FP_PARSE_IPPROTO_TCP) {
        size_t doff;

        if (l4_len < FP_PARSE_TCP_HEADER_LEN) {
            return false;
        }
        doff = (l4[12] >> 4) * 4;
        if (doff < FP_PARSE_TCP_HEADER_LEN || doff > l4_len) {
            return false;
        }
        tcp_flags = fp_parse_get_be16(l4 + 12) & htons(0x0fff);
    } else {
        return false;
    }

    /* All loads before the stores: as far as the compiler knows, 'p' may
     * point into '*key'. */
    eth0 = fp_parse_get_be32(p);
    memcpy(&eth1, p + 4, sizeof eth1);
    memcpy(&addrs, p + L3 + 12, sizeof addrs);
    memcpy(&ports, l4, sizeof ports);
    tos = p[L3 + 1];
    ttl = p[L3 + 8];

    /* in_port, then eth_dst and eth_src (the frame's first 12 bytes), then
     * eth_type, ip_frag (0) and nw_proto, the VLAN tags (0), nw_tos,
     * nw_ttl and tcp_flags, and the IPv4 addresses. */
    fp_parse_put64(key, 0, (fp_parse_bytes_at(in_port, 0, 4)
                            | fp_parse_bytes_at(eth0, 4, 4)));
    fp_parse_put64(key, 8, eth1);
    fp_parse_put64(key, 16,
                   (fp_parse_bytes_at(htons(FP_PARSE_ETH_TYPE_IP), 0, 2)
                    | fp_parse_bytes_at(proto, 3, 1)));
    fp_parse_put64(key, 24, (fp_parse_bytes_at(tos, 4, 1)
                             | fp_parse_bytes_at(ttl, 5, 1)
                             | fp_parse_bytes_at(tcp_flags, 6, 2)));
    fp_parse_put64(key, 32, addrs);
    fp_parse_zero_tail(key, 40);
    memcpy(&key->tp_src, &ports, sizeof ports);

    layers->l3 = L3;
    layers->l4 = L4;
    layers->l3_end = L3 + tot_len;
    layers->fast = true;
    return true;
}

/* Starts a parse of a frame from 'in_port': zeroes '*key' (so its padding
 * is zero) and gives it 'in_port', and sets every layer of '*layers' to
 * FP_PARSE_NONE. */
static inline void
fp_parse_start(uint32_t in_port, struct fp_key *key,
               struct fp_parse_layers *layers)
{
    fp_parse_zero_key(key);
    key->in_port = in_port;
    layers->l3 = layers->l4 = layers->l3_end = FP_PARSE_NONE;
    layers->fast = false;
}

int fp_parse_started(const void *data, size_t size, unsigned int vlan_limit,
                     struct fp_key *key, struct fp_parse_layers *layers);

/* Parses as fp_parse_limited() does, into a nonnull 'layers', with the fast
 * path inline: for the packet engines' pass. */
static inline ALWAYS_INLINE int
fp_parse_inline(const void *data, size_t size, uint32_t in_port,
                unsigned int vlan_limit, struct fp_key *key,
                struct fp_parse_layers *layers)
{
    if (OVS_LIKELY(fp_parse_fast(data, size, in_port, key, layers))) {
        return 0;
    }
    fp_parse_start(in_port, key, layers);
    return fp_parse_started(data, size, vlan_limit, key, layers);
}

#endif /* fp-parse.h */
