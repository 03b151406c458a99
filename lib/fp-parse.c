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
#include <stdbool.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "fp/fp.h"
#include "hash.h"
#include "util.h"

/* The model's parser.  It never reads outside the 'size' bytes it is
 * given, and for every packet it accepts it produces the key that OVS's
 * miniflow_extract() (OVS 3.1) produces in the same fields.
 *
 * Where OVS gives up part way and keeps a partial flow, the model instead
 * refuses the packet (EINVAL): the packet goes to the exception path,
 * counted as malformed, and the host's software datapath handles it with
 * its own parser, so the choice costs performance on broken packets only,
 * never correctness.  Those cases, each marked "Exception:" below, are:
 *
 *   - a frame shorter than an Ethernet header;
 *   - an IPv4 header shorter than 20 bytes or than its IHL, or a total
 *     length shorter than the header or longer than the frame;
 *   - an IPv6 header cut short, a payload length beyond the frame, or an
 *     extension header cut short (OVS keeps the addresses only);
 *   - a TCP header of 20 bytes or more shorter than its data offset, or
 *     with a data offset below 5, and an ICMPv6 header of 4 to 7 bytes, in
 *     a packet that is not a later fragment (OVS keeps the L3 fields and
 *     no L4 field, but its rewrites of IP addresses update the checksum in
 *     such a header, which the model's do only in a complete one).
 *
 * Like OVS, the parser does not check the IP version nibble: an IPv4
 * ethertype means an IPv4 header.  And as OVS does, it takes at most as
 * many VLAN tags as it is told (OVS's other_config:vlan-limit), stops at a
 * tag cut short, and takes the TPID of the first tag it does not take as
 * the ethertype; it gives no ARP field for an ARP header shorter than 28
 * bytes; and for a TCP header shorter than 20 bytes, UDP than 8, SCTP than
 * 12, ICMP and IGMP than 8, and ICMPv6 than 4, it gives the L3 fields and
 * no L4 field (and no L4 layer, so that no action touches it). */

/* fp_parse_l4()'s result for an L4 header that OVS takes no field of. */
#define FP_PARSE_NO_L4 (-1)

/* Ethertypes and protocol numbers, in host byte order. */
#define FP_PARSE_ETH_TYPE_MIN  0x0600
#define FP_PARSE_ETH_TYPE_ARP  0x0806
#define FP_PARSE_ETH_TYPE_RARP 0x8035
#define FP_PARSE_ETH_TYPE_IPV6 0x86dd
#define FP_PARSE_TPID_8021Q    0x8100
#define FP_PARSE_TPID_8021AD   0x88a8

#define FP_PARSE_VLAN_HEADER_LEN 4
#define FP_PARSE_LLC_SNAP_LEN    8
#define FP_PARSE_ARP_LEN         28
#define FP_PARSE_IPV6_HEADER_LEN 40
#define FP_PARSE_IPV6_EXT_MIN    8
#define FP_PARSE_SCTP_HEADER_LEN 12
#define FP_PARSE_ICMP_HEADER_LEN 8
#define FP_PARSE_ICMPV6_CSUM_END 4      /* Type, code and checksum. */
#define FP_PARSE_TUN_HEADER_LEN  8      /* VXLAN, and Geneve's fixed part. */

/* IPv6 fragment header: offset bits of 'ip6f_offlg' (host byte order). */
#define FP_PARSE_IPV6_OFF_MASK 0xfff8

/* IP protocols the parser knows. */
#define FP_PARSE_IPPROTO_HOPOPTS  0
#define FP_PARSE_IPPROTO_ICMP     1
#define FP_PARSE_IPPROTO_IGMP     2
#define FP_PARSE_IPPROTO_ROUTING  43
#define FP_PARSE_IPPROTO_FRAGMENT 44
#define FP_PARSE_IPPROTO_AH       51
#define FP_PARSE_IPPROTO_ICMPV6   58
#define FP_PARSE_IPPROTO_DSTOPTS  60
#define FP_PARSE_IPPROTO_SCTP     132

/* ICMPv6 neighbor discovery. */
#define FP_PARSE_ND_SOLICIT 135
#define FP_PARSE_ND_ADVERT  136
#define FP_PARSE_ND_OPT_SLL 1
#define FP_PARSE_ND_OPT_TLL 2

static inline bool
fp_parse_is_vlan_tpid(uint16_t type)
{
    return type == FP_PARSE_TPID_8021Q || type == FP_PARSE_TPID_8021AD;
}

static inline bool
fp_parse_mac_is_zero(const uint8_t mac[6])
{
    return !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
}

/* Parses the ICMPv6 neighbor discovery message after the first 8 bytes of
 * its header: the 'size' bytes at 'p'.  As OVS: a target if there is room
 * for it, then source and target link-layer address options of 8 bytes;
 * the walk stops quietly at an option of length 0 or beyond the end, and a
 * second option of the same kind voids the target and both addresses
 * (but not the options type).  Never fails. */
static void
fp_parse_nd(const uint8_t *p, size_t size, struct fp_key *key)
{
    uint8_t opt_type = 0;

    if (size < sizeof key->nd_target) {
        return;
    }
    memcpy(key->nd_target, p, sizeof key->nd_target);
    p += sizeof key->nd_target;
    size -= sizeof key->nd_target;

    while (size >= 8) {
        size_t opt_len = p[1] * 8;
        uint8_t *mac = NULL;

        if (!opt_len || opt_len > size) {
            break;
        }
        if (opt_len == 8 && p[0] == FP_PARSE_ND_OPT_SLL) {
            mac = key->arp_sha;
        } else if (opt_len == 8 && p[0] == FP_PARSE_ND_OPT_TLL) {
            mac = key->arp_tha;
        }
        if (mac) {
            if (!fp_parse_mac_is_zero(mac)) {
                memset(key->nd_target, 0, sizeof key->nd_target);
                memset(key->arp_sha, 0, sizeof key->arp_sha);
                memset(key->arp_tha, 0, sizeof key->arp_tha);
                break;
            }
            memcpy(mac, p + 2, 6);
            if (!opt_type) {
                opt_type = p[0];
            }
        }
        p += opt_len;
        size -= opt_len;
    }
    key->tcp_flags = htons(opt_type);
}

/* Parses the outer header of a tunnel, the 'size' bytes at 'p' after a UDP
 * header whose destination port is 'port' (host byte order).  A header
 * that is too short or not sane is not a tunnel: the packet stays a plain
 * UDP packet. */
static void
fp_parse_tunnel(const uint8_t *p, size_t size, uint16_t port,
                struct fp_key *key)
{
    uint32_t vni;

    if (size < FP_PARSE_TUN_HEADER_LEN
        || (port != FP_VXLAN_PORT && port != FP_GENEVE_PORT)) {
        return;
    }
    vni = htonl(((uint32_t) p[4] << 16) | (p[5] << 8) | p[6]);
    if (port == FP_VXLAN_PORT) {
        /* The I flag says the VNI is valid. */
        if (p[0] & 0x08) {
            key->tun_type = FP_TUN_VXLAN;
            key->tun_vni = vni;
        }
    } else if (port == FP_GENEVE_PORT) {
        /* Version 0, options within the packet. */
        if (!(p[0] >> 6)
            && FP_PARSE_TUN_HEADER_LEN + (p[0] & 0x3f) * 4 <= size) {
            key->tun_type = FP_TUN_GENEVE;
            key->tun_vni = vni;
        }
    }
}

/* Parses the L4 header of protocol 'key->nw_proto', the 'size' bytes at 'p'
 * (up to the end of the IP datagram), of a packet that is not a later
 * fragment.  Returns 0, FP_PARSE_NO_L4 for a header cut short of which OVS
 * takes nothing (then 'key' has no L4 field), or EINVAL (see the top of
 * this file). */
static int
fp_parse_l4(const uint8_t *p, size_t size, struct fp_key *key)
{
    size_t len;

    switch (key->nw_proto) {
    case FP_PARSE_IPPROTO_TCP:
        if (size < FP_PARSE_TCP_HEADER_LEN) {
            return FP_PARSE_NO_L4;
        }
        /* Exception: TCP header with a bad data offset. */
        len = (p[12] >> 4) * 4;
        if (len < FP_PARSE_TCP_HEADER_LEN || len > size) {
            return EINVAL;
        }
        key->tp_src = fp_parse_get_be16(p);
        key->tp_dst = fp_parse_get_be16(p + 2);
        key->tcp_flags = htons(fp_parse_get16(p + 12) & 0x0fff);
        return 0;

    case FP_PARSE_IPPROTO_UDP:
        if (size < FP_PARSE_UDP_HEADER_LEN) {
            return FP_PARSE_NO_L4;
        }
        key->tp_src = fp_parse_get_be16(p);
        key->tp_dst = fp_parse_get_be16(p + 2);
        fp_parse_tunnel(p + FP_PARSE_UDP_HEADER_LEN,
                        size - FP_PARSE_UDP_HEADER_LEN,
                        fp_parse_get16(p + 2), key);
        return 0;

    case FP_PARSE_IPPROTO_SCTP:
        if (size < FP_PARSE_SCTP_HEADER_LEN) {
            return FP_PARSE_NO_L4;
        }
        key->tp_src = fp_parse_get_be16(p);
        key->tp_dst = fp_parse_get_be16(p + 2);
        return 0;

    case FP_PARSE_IPPROTO_ICMP:
    case FP_PARSE_IPPROTO_IGMP:
        if (size < FP_PARSE_ICMP_HEADER_LEN) {
            return FP_PARSE_NO_L4;
        }
        key->tp_src = htons(p[0]);
        key->tp_dst = htons(p[1]);
        return 0;

    case FP_PARSE_IPPROTO_ICMPV6:
        /* OVS parses ICMPv6 in any IP version, and so does the model.
         * Exception: an ICMPv6 header without its 4-byte data, whose
         * checksum OVS would update. */
        if (size < FP_PARSE_ICMPV6_CSUM_END) {
            return FP_PARSE_NO_L4;
        } else if (size < FP_PARSE_ICMP_HEADER_LEN) {
            return EINVAL;
        }
        key->tp_src = htons(p[0]);
        key->tp_dst = htons(p[1]);
        if (!p[1] && (p[0] == FP_PARSE_ND_SOLICIT
                      || p[0] == FP_PARSE_ND_ADVERT)) {
            fp_parse_nd(p + FP_PARSE_ICMP_HEADER_LEN,
                        size - FP_PARSE_ICMP_HEADER_LEN, key);
        }
        return 0;

    default:
        return 0;
    }
}

/* Parses the L4 header in the 'size' bytes at 'p', at offset 'ofs' of the
 * frame, with fp_parse_l4(), and sets 'layers->l4' if OVS takes its
 * fields.  Returns 0 or EINVAL. */
static int
fp_parse_l4_layer(const uint8_t *p, size_t size, size_t ofs,
                  struct fp_key *key, struct fp_parse_layers *layers)
{
    int error = fp_parse_l4(p, size, key);

    if (error == FP_PARSE_NO_L4) {
        return 0;
    }
    layers->l4 = ofs;
    return error;
}

/* Parses the IPv4 header of 'size' bytes at 'p' (the frame from 'ofs') into
 * 'key' and 'layers'. */
static int
fp_parse_ipv4(const uint8_t *p, size_t size, size_t ofs, struct fp_key *key,
              struct fp_parse_layers *layers)
{
    size_t ihl, tot_len;
    uint16_t frag_off;

    /* Exception: IPv4 header or total length not sane. */
    if (size < FP_PARSE_IPV4_HEADER_LEN) {
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

    key->nw_tos = p[1];
    key->nw_ttl = p[8];
    key->nw_proto = p[9];
    key->nw_src = fp_parse_get_be32(p + 12);
    key->nw_dst = fp_parse_get_be32(p + 16);
    layers->l3 = ofs;
    layers->l3_end = ofs + tot_len;

    frag_off = fp_parse_get16(p + 6);
    if (frag_off & (FP_PARSE_IPV4_MF | FP_PARSE_IPV4_OFF_MASK)) {
        key->ip_frag = FP_IP_FRAG_ANY;
        if (frag_off & FP_PARSE_IPV4_OFF_MASK) {
            key->ip_frag |= FP_IP_FRAG_LATER;
            return 0;
        }
    }

    /* Never look into L2 padding. */
    return fp_parse_l4_layer(p + ihl, tot_len - ihl, ofs + ihl, key, layers);
}

/* Parses the IPv6 header of 'size' bytes at 'p' (the frame from 'ofs') and
 * its extension headers into 'key' and 'layers'.
 *
 * As OVS does, the walk stops at the first header that is not an extension
 * header it knows, or at a fragment header of a later fragment (whose
 * 'nw_proto' is then 44, the fragment header's).  A fragment header with a
 * nonzero offset, M flag or reserved bits makes the packet a fragment; one
 * with all of them zero (an "atomic fragment", RFC 6946) does not, and the
 * walk goes on past it. */
static int
fp_parse_ipv6(const uint8_t *p, size_t size, size_t ofs, struct fp_key *key,
              struct fp_parse_layers *layers)
{
    const uint8_t *start = p;
    uint32_t tc_flow;
    size_t plen, len;
    uint16_t offlg;
    uint8_t next;

    /* Exception: IPv6 header cut short or payload beyond the frame. */
    if (size < FP_PARSE_IPV6_HEADER_LEN) {
        return EINVAL;
    }
    plen = fp_parse_get16(p + 4);
    if (plen > size - FP_PARSE_IPV6_HEADER_LEN) {
        return EINVAL;
    }
    tc_flow = ntohl(fp_parse_get_be32(p));
    key->nw_tos = tc_flow >> 20;
    key->ipv6_label = htonl(tc_flow & 0x000fffff);
    key->nw_ttl = p[7];
    memcpy(key->ipv6_src, p + 8, sizeof key->ipv6_src);
    memcpy(key->ipv6_dst, p + 24, sizeof key->ipv6_dst);
    layers->l3 = ofs;
    layers->l3_end = ofs + FP_PARSE_IPV6_HEADER_LEN + plen;

    next = p[6];
    p += FP_PARSE_IPV6_HEADER_LEN;
    size = plen;                /* Never look into L2 padding. */

    /* Each pass consumes at least 8 bytes, so the loop ends.  Exception:
     * an extension header cut short. */
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
                key->ip_frag = FP_IP_FRAG_ANY;
                if (offlg & FP_PARSE_IPV6_OFF_MASK) {
                    key->ip_frag |= FP_IP_FRAG_LATER;
                    key->nw_proto = FP_PARSE_IPPROTO_FRAGMENT;
                    return 0;
                }
            }
            break;

        default:
            key->nw_proto = next;
            return fp_parse_l4_layer(p, size, ofs + (p - start), key,
                                     layers);
        }
        p += len;
        size -= len;
    }
}

/* Parses the ARP or RARP header in the 'size' bytes at 'p'.  Only an
 * Ethernet/IPv4 header of 28 bytes or more gives fields, as in OVS. */
static int
fp_parse_arp(const uint8_t *p, size_t size, struct fp_key *key)
{
    uint16_t op;

    if (size < FP_PARSE_ARP_LEN
        || fp_parse_get16(p) != 1
        || fp_parse_get16(p + 2) != FP_PARSE_ETH_TYPE_IP
        || p[4] != 6 || p[5] != 4) {
        return 0;
    }
    op = fp_parse_get16(p + 6);
    key->nw_proto = op <= 0xff ? op : 0;
    memcpy(key->arp_sha, p + 8, 6);
    key->nw_src = fp_parse_get_be32(p + 14);
    memcpy(key->arp_tha, p + 18, 6);
    key->nw_dst = fp_parse_get_be32(p + 24);
    return 0;
}

/* Parses the frame of 'size' bytes at 'p' into 'key' (zeroed, with its
 * 'in_port') and 'layers' (all FP_PARSE_NONE) after its Ethernet header,
 * which it has: the whole parser, for any frame. */
static int
fp_parse_frame(const uint8_t *p, size_t size, unsigned int vlan_limit,
               struct fp_key *key, struct fp_parse_layers *layers)
{
    unsigned int n;
    uint16_t type;
    size_t ofs;

    memcpy(key->eth_dst, p, sizeof key->eth_dst);
    memcpy(key->eth_src, p + 6, sizeof key->eth_src);

    /* 'ofs' is the offset of the current ethertype field. */
    ofs = 12;
    type = fp_parse_get16(p + ofs);
    if (vlan_limit > FP_PARSE_MAX_VLANS) {
        vlan_limit = FP_PARSE_MAX_VLANS;
    }
    for (n = 0; n < vlan_limit && fp_parse_is_vlan_tpid(type); n++) {
        /* A tag cut short, with the ethertype after it, is not taken. */
        if (size - ofs < FP_PARSE_VLAN_HEADER_LEN + 2) {
            break;
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

    switch (type) {
    case FP_PARSE_ETH_TYPE_IP:
        return fp_parse_ipv4(p + ofs, size - ofs, ofs, key, layers);
    case FP_PARSE_ETH_TYPE_IPV6:
        return fp_parse_ipv6(p + ofs, size - ofs, ofs, key, layers);
    case FP_PARSE_ETH_TYPE_ARP:
    case FP_PARSE_ETH_TYPE_RARP:
        return fp_parse_arp(p + ofs, size - ofs, key);
    default:
        return 0;
    }
}

/* Parses the Ethernet frame of 'size' bytes at 'data' as
 * fp_parse_limited() does with a limit of FP_PARSE_MAX_VLANS tags. */
int
fp_parse(const void *data, size_t size, uint32_t in_port, struct fp_key *key,
         struct fp_parse_layers *layers)
{
    return fp_parse_limited(data, size, in_port, FP_PARSE_MAX_VLANS, key,
                            layers);
}

/* Parses the Ethernet frame of 'size' bytes at 'data', received on NIC port
 * 'in_port', into '*key' and, if 'layers' is nonnull, '*layers'.  Never
 * reads outside the frame.
 *
 * '*key' is zeroed first (so its padding is zero), then gets 'in_port' and
 * every field that the frame has, with the meaning given in
 * include/fp/fp.h: the MAC addresses, up to 'vlan_limit' VLAN tags (TPID
 * 0x8100 or 0x88a8; as OVS's flow_vlan_limit, 1 or 2, and more means
 * FP_PARSE_MAX_VLANS; a tag beyond the limit, or cut short, stays in the
 * payload and its TPID becomes 'eth_type'), 'eth_type' (for an 802.3
 * frame, the type of its LLC/SNAP header with OUI 00-00-00, else
 * FP_ETH_TYPE_NONE), ARP, IPv4, IPv6, TCP, UDP, SCTP, ICMP, IGMP (type and
 * code), ICMPv6 with neighbor discovery, and the outer VXLAN or Geneve
 * header.  Multi-byte fields are in network byte order.
 *
 * Returns 0, or EINVAL if the frame is truncated or malformed (the list is
 * at the top of this file).  After a failure, '*key' holds what was parsed
 * before it; such a packet must not match any rule. */
int
fp_parse_limited(const void *data, size_t size, uint32_t in_port,
                 unsigned int vlan_limit, struct fp_key *key,
                 struct fp_parse_layers *layers)
{
    struct fp_parse_layers dummy;

    return fp_parse_inline(data, size, in_port, vlan_limit, key,
                           layers ? layers : &dummy);
}

/* Parses the Ethernet frame of 'size' bytes at 'data' into '*key' and
 * '*layers', which fp_parse_start() started, as fp_parse_limited() does,
 * for a frame that fp_parse_fast() did not take. */
int
fp_parse_started(const void *data, size_t size, unsigned int vlan_limit,
                 struct fp_key *key, struct fp_parse_layers *layers)
{
    /* Exception: shorter than an Ethernet header. */
    if (size < FP_PARSE_ETH_HEADER_LEN) {
        return EINVAL;
    }
    return fp_parse_frame(data, size, vlan_limit, key, layers);
}

/* Parses the Ethernet frame of 'size' bytes at 'data' exactly as
 * fp_parse_limited() does, without its fast path for the most common
 * frames: the reference that the tests compare the fast path with. */
int
fp_parse_general(const void *data, size_t size, uint32_t in_port,
                 unsigned int vlan_limit, struct fp_key *key,
                 struct fp_parse_layers *layers)
{
    struct fp_parse_layers dummy;

    if (!layers) {
        layers = &dummy;
    }
    fp_parse_start(in_port, key, layers);

    /* Exception: shorter than an Ethernet header. */
    if (size < FP_PARSE_ETH_HEADER_LEN) {
        return EINVAL;
    }
    return fp_parse_frame(data, size, vlan_limit, key, layers);
}

/* The RSS hash. */

/* Returns the RSS hash of a packet that fp_parse() parsed into 'key'
 * (whether it succeeded or not): the hash that OVS's software
 * datapath computes for a packet that comes without one, OVS 3.1's
 * miniflow_hash_5tuple(mf, 0) over the miniflow that miniflow_extract()
 * makes of it, computed here from the model's own key with OVS's hash
 * functions (lib/hash.h):
 *
 *   - IPv6: the source and destination addresses, as four 64-bit words in
 *     memory order (zero if the header is cut short: OVS hashes the
 *     miniflow's missing words as zeros);
 *   - IPv4 and ARP: the source and destination addresses (ARP: SPA, TPA);
 *   - then, for those three, 'nw_proto', and for TCP, UDP, SCTP, ICMP and
 *     ICMPv6 the word of both ports (ICMP type and code), zero in a later
 *     fragment or a header cut short, as in OVS;
 *   - any other packet hashes nothing.
 *
 * The key has every field with OVS's meaning (include/fp/fp.h), and a
 * failed parse leaves zero what OVS's miniflow does not have, so the
 * hashes are equal; tests/unit/test-fp-parse.c checks it against OVS. */
uint32_t
fp_parse_rss_hash(const struct fp_key *key)
{
    uint32_t hash = 0;

    if (key->eth_type == htons(FP_PARSE_ETH_TYPE_IPV6)) {
        uint64_t words[4];
        size_t i;

        memcpy(words, key->ipv6_src, 16);
        memcpy(&words[2], key->ipv6_dst, 16);
        for (i = 0; i < ARRAY_SIZE(words); i++) {
            hash = hash_add64(hash, words[i]);
        }
    } else if (key->eth_type == htons(FP_PARSE_ETH_TYPE_IP)
               || key->eth_type == htons(FP_PARSE_ETH_TYPE_ARP)) {
        hash = hash_add(hash, key->nw_src);
        hash = hash_add(hash, key->nw_dst);
    } else {
        goto out;
    }

    hash = hash_add(hash, key->nw_proto);
    if (key->nw_proto == FP_PARSE_IPPROTO_TCP
        || key->nw_proto == FP_PARSE_IPPROTO_UDP
        || key->nw_proto == FP_PARSE_IPPROTO_SCTP
        || key->nw_proto == FP_PARSE_IPPROTO_ICMP
        || key->nw_proto == FP_PARSE_IPPROTO_ICMPV6) {
        uint16_t ports[2] = { key->tp_src, key->tp_dst };
        uint32_t word;

        memcpy(&word, ports, sizeof word);
        hash = hash_add(hash, word);
    }
out:
    return hash_finish(hash, 42);
}
