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

#include "fp-parse.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "fp/fp.h"

/* Ethertypes and protocol numbers, in host byte order. */
#define FP_PARSE_ETH_TYPE_MIN  0x0600
#define FP_PARSE_ETH_TYPE_IP   0x0800
#define FP_PARSE_ETH_TYPE_IPV6 0x86dd
#define FP_PARSE_TPID_8021Q    0x8100
#define FP_PARSE_TPID_8021AD   0x88a8

#define FP_PARSE_ETH_HEADER_LEN  14
#define FP_PARSE_VLAN_HEADER_LEN 4
#define FP_PARSE_LLC_SNAP_LEN    8
#define FP_PARSE_IPV4_HEADER_LEN 20
#define FP_PARSE_IPV6_HEADER_LEN 40
#define FP_PARSE_IPV6_EXT_MIN    8

/* IPv4 fragment bits (host byte order). */
#define FP_PARSE_IPV4_MF       0x2000
#define FP_PARSE_IPV4_OFF_MASK 0x1fff

/* IPv6 fragment header: offset bits of 'ip6f_offlg' (host byte order). */
#define FP_PARSE_IPV6_OFF_MASK 0xfff8

/* IPv6 extension headers that the parser walks. */
#define FP_PARSE_IPPROTO_HOPOPTS  0
#define FP_PARSE_IPPROTO_ROUTING  43
#define FP_PARSE_IPPROTO_FRAGMENT 44
#define FP_PARSE_IPPROTO_AH       51
#define FP_PARSE_IPPROTO_DSTOPTS  60

/* Returns the big-endian 16-bit value at 'p' in host byte order. */
static uint16_t
fp_parse_get16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static bool
fp_parse_is_vlan_tpid(uint16_t type)
{
    return type == FP_PARSE_TPID_8021Q || type == FP_PARSE_TPID_8021AD;
}

/* Parses the IPv4 header of 'size' bytes at 'p' into 'key'. */
static int
fp_parse_ipv4(const uint8_t *p, size_t size, struct fp_key *key)
{
    size_t ihl, tot_len;
    uint16_t frag_off;

    if (size < FP_PARSE_IPV4_HEADER_LEN || p[0] >> 4 != 4) {
        return EINVAL;
    }
    ihl = (p[0] & 0x0f) * 4;
    if (ihl < FP_PARSE_IPV4_HEADER_LEN || ihl > size) {
        return EINVAL;
    }
    tot_len = fp_parse_get16(p + 2);
    if (tot_len < ihl || tot_len > size) {
        return EINVAL;
    }

    frag_off = fp_parse_get16(p + 6);
    if (frag_off & (FP_PARSE_IPV4_MF | FP_PARSE_IPV4_OFF_MASK)) {
        key->ip_frag = FP_IP_FRAG_ANY;
        if (frag_off & FP_PARSE_IPV4_OFF_MASK) {
            key->ip_frag |= FP_IP_FRAG_LATER;
        }
    }
    return 0;
}

/* Parses the IPv6 header of 'size' bytes at 'p' and its extension headers
 * into 'key'.
 *
 * As OVS does, the walk stops at the first header that is not an extension
 * header it knows, or at a fragment header of a later fragment.  A fragment
 * header with a nonzero offset, M flag or reserved bits makes the packet a
 * fragment; one with all of them zero (an "atomic fragment", RFC 6946) does
 * not, and the walk goes on past it. */
static int
fp_parse_ipv6(const uint8_t *p, size_t size, struct fp_key *key)
{
    size_t plen, len;
    uint16_t offlg;
    uint8_t next;

    if (size < FP_PARSE_IPV6_HEADER_LEN || p[0] >> 4 != 6) {
        return EINVAL;
    }
    plen = fp_parse_get16(p + 4);
    if (plen > size - FP_PARSE_IPV6_HEADER_LEN) {
        return EINVAL;
    }
    next = p[6];
    p += FP_PARSE_IPV6_HEADER_LEN;
    size = plen;                /* Never look into L2 padding. */

    /* Each pass consumes at least 8 bytes, so the loop ends. */
    for (;;) {
        switch (next) {
        case FP_PARSE_IPPROTO_HOPOPTS:
        case FP_PARSE_IPPROTO_ROUTING:
        case FP_PARSE_IPPROTO_DSTOPTS:
        case FP_PARSE_IPPROTO_AH:
            if (size < FP_PARSE_IPV6_EXT_MIN) {
                return EINVAL;
            }
            len = (next == FP_PARSE_IPPROTO_AH
                   ? (p[1] + 2) * 4
                   : (p[1] + 1) * 8);
            if (len > size) {
                return EINVAL;
            }
            next = p[0];
            break;

        case FP_PARSE_IPPROTO_FRAGMENT:
            if (size < FP_PARSE_IPV6_EXT_MIN) {
                return EINVAL;
            }
            len = FP_PARSE_IPV6_EXT_MIN;
            next = p[0];
            offlg = fp_parse_get16(p + 2);
            if (offlg) {
                key->ip_frag |= FP_IP_FRAG_ANY;
                if (offlg & FP_PARSE_IPV6_OFF_MASK) {
                    key->ip_frag |= FP_IP_FRAG_LATER;
                    return 0;
                }
            }
            break;

        default:
            return 0;
        }
        p += len;
        size -= len;
    }
}

/* Parses the Ethernet frame of 'size' bytes at 'data', received on NIC port
 * 'in_port', into '*key'.  Never reads outside the frame.
 *
 * '*key' is zeroed first (so its padding is zero), then gets 'in_port', the
 * MAC addresses, up to two VLAN tags (TPID 0x8100 or 0x88a8; a third tag
 * stays in the payload and its TPID becomes 'eth_type'), 'eth_type' (for an
 * 802.3 frame, the type of its LLC/SNAP header with OUI 00-00-00, else
 * FP_ETH_TYPE_NONE), and 'ip_frag' for IPv4 and IPv6.  Multi-byte fields
 * are in network byte order.
 *
 * Returns 0, or EINVAL if the frame is truncated or malformed: shorter than
 * an Ethernet header, a VLAN tag cut short, or an IPv4 header (version 4,
 * IHL at least 5, header and total length within the frame) or IPv6 header
 * (version 6, payload within the frame, extension headers within the
 * payload) that is not sane.  After a failure, '*key' holds what was parsed
 * before it; such a packet must not match any rule. */
int
fp_parse(const void *data, size_t size, uint32_t in_port, struct fp_key *key)
{
    const uint8_t *p = data;
    uint16_t type;
    size_t ofs;
    int n;

    memset(key, 0, sizeof *key);
    key->in_port = in_port;

    if (size < FP_PARSE_ETH_HEADER_LEN) {
        return EINVAL;
    }
    memcpy(key->eth_dst, p, sizeof key->eth_dst);
    memcpy(key->eth_src, p + 6, sizeof key->eth_src);

    /* 'ofs' is the offset of the current ethertype field. */
    ofs = 12;
    type = fp_parse_get16(p + ofs);
    for (n = 0; n < 2 && fp_parse_is_vlan_tpid(type); n++) {
        /* The tag and the ethertype after it. */
        if (size - ofs < FP_PARSE_VLAN_HEADER_LEN + 2) {
            return EINVAL;
        }
        key->vlans[n].tpid = htons(type);
        key->vlans[n].tci = htons(fp_parse_get16(p + ofs + 2)
                                  | FP_VLAN_PRESENT);
        ofs += FP_PARSE_VLAN_HEADER_LEN;
        type = fp_parse_get16(p + ofs);
    }
    ofs += 2;

    if (type < FP_PARSE_ETH_TYPE_MIN) {
        static const uint8_t llc_snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };

        if (size - ofs >= FP_PARSE_LLC_SNAP_LEN
            && !memcmp(p + ofs, llc_snap, sizeof llc_snap)) {
            type = fp_parse_get16(p + ofs + 6);
            ofs += FP_PARSE_LLC_SNAP_LEN;
            if (type < FP_PARSE_ETH_TYPE_MIN) {
                type = FP_ETH_TYPE_NONE;
            }
        } else {
            type = FP_ETH_TYPE_NONE;
        }
    }
    key->eth_type = htons(type);

    if (type == FP_PARSE_ETH_TYPE_IP) {
        return fp_parse_ipv4(p + ofs, size - ofs, key);
    } else if (type == FP_PARSE_ETH_TYPE_IPV6) {
        return fp_parse_ipv6(p + ofs, size - ofs, key);
    }
    return 0;
}
