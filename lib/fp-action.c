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

#include "fp-action.h"

#include <netinet/in.h>
#include <string.h>

#include "crc32c.h"
#include "fp/fp.h"
#include "util.h"

#define FP_ACTION_IPPROTO_TCP    6
#define FP_ACTION_IPPROTO_UDP    17
#define FP_ACTION_IPPROTO_ROUTING  43
#define FP_ACTION_IPPROTO_FRAGMENT 44
#define FP_ACTION_IPPROTO_AH       51
#define FP_ACTION_IPPROTO_ICMPV6 58
#define FP_ACTION_IPPROTO_SCTP   132

#define FP_ACTION_IPV6_HEADER_LEN 40

/* IPv6 fragment header: offset bits and M flag of 'ip6f_offlg' (host byte
 * order). */
#define FP_ACTION_IPV6_OFF_MASK  0xfff8

/* Offsets of checksums in their headers. */
#define FP_ACTION_IPV4_CSUM   10
#define FP_ACTION_TCP_CSUM    16
#define FP_ACTION_UDP_CSUM    6
#define FP_ACTION_ICMPV6_CSUM 2
#define FP_ACTION_SCTP_CSUM   8

static void
fp_action_shift_layers(struct fp_action_packet *p, int delta)
{
    if (p->layers.l3 != FP_PARSE_NONE) {
        p->layers.l3 += delta;
        p->layers.l3_end += delta;
    }
    if (p->layers.l4 != FP_PARSE_NONE) {
        p->layers.l4 += delta;
    }
}

/* Pushes an outermost VLAN tag with 'tpid' and 'tci' (network byte order)
 * into 'p', which must have 4 bytes of headroom. */
void
fp_action_push_vlan(struct fp_action_packet *p, uint16_t tpid, uint16_t tci)
{
    p->data -= 4;
    memmove(p->data, p->data + 4, 12);
    memcpy(p->data + 12, &tpid, 2);
    memcpy(p->data + 14, &tci, 2);
    p->size += 4;
    fp_action_shift_layers(p, 4);
}

static bool
fp_action_has_vlan(const struct fp_action_packet *p)
{
    uint16_t type;

    if (p->size < 18) {
        return false;
    }
    type = (p->data[12] << 8) | p->data[13];
    return type == 0x8100 || type == 0x88a8;
}

/* Pops the outermost VLAN tag of 'p', if it has one. */
void
fp_action_pop_vlan(struct fp_action_packet *p)
{
    if (fp_action_has_vlan(p)) {
        memmove(p->data + 4, p->data, 12);
        p->data += 4;
        p->size -= 4;
        fp_action_shift_layers(p, -4);
    }
}

/* Returns the 16-bit one's-complement checksum 'csum' (as stored in the
 * packet) updated for the change of the 'n' bytes at 'old' (an even number,
 * 16-bit aligned within the checksummed data) to those at 'new', as RFC
 * 1624 says. */
static uint16_t
fp_action_csum_update(uint16_t csum, const uint8_t *old, const uint8_t *new,
                      size_t n)
{
    uint32_t sum = ~ntohs(csum) & 0xffff;
    size_t i;

    for (i = 0; i < n; i += 2) {
        sum += ~((old[i] << 8) | old[i + 1]) & 0xffff;
        sum += (new[i] << 8) | new[i + 1];
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return htons(~sum & 0xffff);
}

/* Applies the change of the 'n' bytes at 'old' to 'new' to the 16-bit
 * checksum at 'p->data + ofs'.  A UDP checksum of 0 (none) stays 0, and
 * one that becomes 0 is stored as 0xffff. */
static void
fp_action_csum_apply(struct fp_action_packet *p, size_t ofs,
                     const uint8_t *old, const uint8_t *new, size_t n,
                     bool udp)
{
    uint16_t csum;

    memcpy(&csum, p->data + ofs, 2);
    if (udp && !csum) {
        return;
    }
    csum = fp_action_csum_update(csum, old, new, n);
    if (udp && !csum) {
        csum = htons(0xffff);
    }
    memcpy(p->data + ofs, &csum, 2);
}

/* Updates the L4 checksum of 'p' for a change of the 'n' bytes at 'old' to
 * those at 'new' in the pseudo-header (IP addresses) or in the L4 header
 * itself.  Which checksum that is depends on the L3 family as well as on
 * the IP protocol: TCP and UDP checksums cover a pseudo-header in IPv4 and
 * IPv6, an ICMPv6 checksum only in IPv6 (IP protocol 58 in IPv4 is not
 * ICMPv6 as far as checksums go: OVS's software datapath leaves it alone),
 * and the ICMP and SCTP checksums never do. */
static void
fp_action_l4_csum(struct fp_action_packet *p, const uint8_t *old,
                  const uint8_t *new, size_t n)
{
    size_t l4 = p->layers.l4;

    if (l4 == FP_PARSE_NONE) {
        return;
    }
    switch (p->nw_proto) {
    case FP_ACTION_IPPROTO_TCP:
        fp_action_csum_apply(p, l4 + FP_ACTION_TCP_CSUM, old, new, n, false);
        break;
    case FP_ACTION_IPPROTO_UDP:
        fp_action_csum_apply(p, l4 + FP_ACTION_UDP_CSUM, old, new, n, true);
        break;
    case FP_ACTION_IPPROTO_ICMPV6:
        if (p->is_ipv6) {
            fp_action_csum_apply(p, l4 + FP_ACTION_ICMPV6_CSUM, old, new, n,
                                 false);
        }
        break;
    default:
        break;
    }
}

/* Returns true if an address rewrite of IPv6 packet 'p' updates its L4
 * checksum, as OVS 3.1's software datapath decides (packet_set_ipv6() and
 * packet_rh_present() in lib/packets.c), walking the extension headers
 * before the L4 header:
 *
 *   - A routing header with segments left: no L4 checksum update, for
 *     either address (the pseudo-header holds the final destination, not
 *     the address of the IPv6 header).
 *
 *   - A fragment header: an update only with offset 0, in a first
 *     fragment or an atomic fragment (no M flag, RFC 6946: a whole
 *     packet).  A later fragment has no L4 header.  (OVS 3.1.0 also skips
 *     atomic fragments; patches/ovs/0001 corrects that.)
 *
 * 'p' has an L4 header, so the parser has checked every extension header
 * before it. */
static bool
fp_action_ipv6_l4_csum(const struct fp_action_packet *p)
{
    const uint8_t *h = p->data + p->layers.l3;
    size_t ofs = FP_ACTION_IPV6_HEADER_LEN;
    size_t end = p->layers.l4 - p->layers.l3;
    uint8_t next = h[6];
    bool update = true;

    while (ofs < end) {
        const uint8_t *e = h + ofs;

        switch (next) {
        case FP_ACTION_IPPROTO_ROUTING:
            if (e[3]) {
                return false;
            }
            ofs += (e[1] + 1) * 8;
            break;
        case FP_ACTION_IPPROTO_FRAGMENT: {
            uint16_t offlg = (e[2] << 8) | e[3];

            update = !(offlg & FP_ACTION_IPV6_OFF_MASK);
            ofs += 8;
            break;
        }
        case FP_ACTION_IPPROTO_AH:
            ofs += (e[1] + 2) * 4;
            break;
        default:
            /* Hop-by-hop and destination options. */
            ofs += (e[1] + 1) * 8;
            break;
        }
        next = e[0];
    }
    return update;
}

/* Returns the number of bytes of 'set' that an FP_ACTION_SET_* of 'type'
 * uses, or 0 if 'type' is not such an action. */
size_t
fp_action_set_size(int type)
{
    switch (type) {
    case FP_ACTION_SET_VLAN:
        return 2;
    case FP_ACTION_SET_ETH_SRC:
    case FP_ACTION_SET_ETH_DST:
        return 6;
    case FP_ACTION_SET_IPV4_SRC:
    case FP_ACTION_SET_IPV4_DST:
        return 4;
    case FP_ACTION_SET_IPV6_SRC:
    case FP_ACTION_SET_IPV6_DST:
        return 16;
    case FP_ACTION_SET_IPV4_TOS:
    case FP_ACTION_SET_IPV4_TTL:
    case FP_ACTION_SET_IPV6_TCLASS:
    case FP_ACTION_SET_IPV6_HLIM:
        return 1;
    case FP_ACTION_SET_TP_SRC:
    case FP_ACTION_SET_TP_DST:
        return 2;
    default:
        return 0;
    }
}

/* Stores in 'dst' the 'n' bytes at 'old' with the bits of 'a''s mask set
 * from its value. */
static void
fp_action_masked(const struct fp_action *a, const uint8_t *old, uint8_t *dst,
                 size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        dst[i] = ((old[i] & ~a->set.mask[i])
                  | (a->set.value[i] & a->set.mask[i]));
    }
}

/* Sets the 'n' bytes at offset 'ofs' of the header at 'hdr' (an offset into
 * 'p') from 'a', with the IPv4 header checksum at 'ip_csum' (if nonzero:
 * the offset of the IPv4 header) and the L4 checksum updated.  'ofs' and
 * 'n' are even. */
static void
fp_action_set_bytes(struct fp_action_packet *p, const struct fp_action *a,
                    size_t hdr, size_t ofs, size_t n, bool ipv4_csum,
                    bool l4_csum)
{
    uint8_t old[16], new[16];

    memcpy(old, p->data + hdr + ofs, n);
    fp_action_masked(a, old, new, n);
    memcpy(p->data + hdr + ofs, new, n);
    if (ipv4_csum) {
        fp_action_csum_apply(p, hdr + FP_ACTION_IPV4_CSUM, old, new, n,
                             false);
    }
    if (l4_csum) {
        fp_action_l4_csum(p, old, new, n);
    }
}

/* Sets a byte of the IPv4 header at 'ofs' from 'a', updating the header
 * checksum. */
static void
fp_action_set_ipv4_byte(struct fp_action_packet *p, const struct fp_action *a,
                        size_t ofs)
{
    uint8_t *word = p->data + p->layers.l3 + (ofs & ~1);
    uint8_t old[2], new[2];

    memcpy(old, word, 2);
    memcpy(new, old, 2);
    fp_action_masked(a, &old[ofs & 1], &new[ofs & 1], 1);
    memcpy(word, new, 2);
    fp_action_csum_apply(p, p->layers.l3 + FP_ACTION_IPV4_CSUM, old, new, 2,
                         false);
}

/* Sets an L4 port at 'ofs' (0 or 2) of the TCP, UDP or SCTP header of 'p'
 * from 'a' and updates its checksum. */
static void
fp_action_set_port(struct fp_action_packet *p, const struct fp_action *a,
                   size_t ofs)
{
    size_t l4 = p->layers.l4;
    uint8_t *l4p;

    if (l4 == FP_PARSE_NONE) {
        return;
    }
    l4p = p->data + l4;
    if (p->nw_proto == FP_ACTION_IPPROTO_TCP
        || p->nw_proto == FP_ACTION_IPPROTO_UDP) {
        uint8_t old[2], new[2];

        memcpy(old, l4p + ofs, 2);
        fp_action_masked(a, old, new, 2);
        memcpy(l4p + ofs, new, 2);
        fp_action_l4_csum(p, old, new, 2);
    } else if (p->nw_proto == FP_ACTION_IPPROTO_SCTP) {
        size_t len = p->layers.l3_end - l4;
        uint32_t old_csum, old_correct, new_csum;
        uint8_t new[2];

        /* CRC32c covers the whole packet: compute it before and after, and
         * keep a wrong checksum wrong by the same difference.  In a first
         * fragment, OVS's software datapath (packet_set_sctp_port()) does
         * the same over the fragment's part of the packet, and so does the
         * NIC, so that both send the same bytes (a later fragment has no
         * L4 header here). */
        memcpy(&old_csum, l4p + FP_ACTION_SCTP_CSUM, 4);
        memset(l4p + FP_ACTION_SCTP_CSUM, 0, 4);
        old_correct = crc32c(l4p, len);
        fp_action_masked(a, l4p + ofs, new, 2);
        memcpy(l4p + ofs, new, 2);
        new_csum = crc32c(l4p, len);
        new_csum ^= old_csum ^ old_correct;
        memcpy(l4p + FP_ACTION_SCTP_CSUM, &new_csum, 4);
    }
}

/* Applies FP_ACTION_SET_* action 'a' to 'p'.  Does nothing if 'p' lacks the
 * header concerned. */
void
fp_action_set_field(struct fp_action_packet *p, const struct fp_action *a)
{
    size_t l3 = p->layers.l3;

    switch (a->type) {
    case FP_ACTION_SET_VLAN:
        if (fp_action_has_vlan(p)) {
            fp_action_set_bytes(p, a, 14, 0, 2, false, false);
        }
        break;
    case FP_ACTION_SET_ETH_DST:
        fp_action_set_bytes(p, a, 0, 0, 6, false, false);
        break;
    case FP_ACTION_SET_ETH_SRC:
        fp_action_set_bytes(p, a, 0, 6, 6, false, false);
        break;
    case FP_ACTION_SET_IPV4_SRC:
    case FP_ACTION_SET_IPV4_DST:
        if (p->is_ipv4) {
            fp_action_set_bytes(p, a, l3,
                                a->type == FP_ACTION_SET_IPV4_SRC ? 12 : 16,
                                4, true, true);
        }
        break;
    case FP_ACTION_SET_IPV4_TOS:
        if (p->is_ipv4) {
            fp_action_set_ipv4_byte(p, a, 1);
        }
        break;
    case FP_ACTION_SET_IPV4_TTL:
        if (p->is_ipv4) {
            fp_action_set_ipv4_byte(p, a, 8);
        }
        break;
    case FP_ACTION_SET_IPV6_SRC:
    case FP_ACTION_SET_IPV6_DST:
        if (p->is_ipv6) {
            fp_action_set_bytes(p, a, l3,
                                a->type == FP_ACTION_SET_IPV6_SRC ? 8 : 24,
                                16, false,
                                (p->layers.l4 != FP_PARSE_NONE
                                 && fp_action_ipv6_l4_csum(p)));
        }
        break;
    case FP_ACTION_SET_IPV6_TCLASS:
        if (p->is_ipv6) {
            uint8_t *h = p->data + l3;
            uint8_t tc = (h[0] << 4) | (h[1] >> 4);

            fp_action_masked(a, &tc, &tc, 1);
            h[0] = (h[0] & 0xf0) | (tc >> 4);
            h[1] = (h[1] & 0x0f) | (tc << 4);
        }
        break;
    case FP_ACTION_SET_IPV6_HLIM:
        if (p->is_ipv6) {
            fp_action_masked(a, p->data + l3 + 7, p->data + l3 + 7, 1);
        }
        break;
    case FP_ACTION_SET_TP_SRC:
        fp_action_set_port(p, a, 0);
        break;
    case FP_ACTION_SET_TP_DST:
        fp_action_set_port(p, a, 2);
        break;
    case FP_ACTION_OUTPUT:
    case FP_ACTION_PUSH_VLAN:
    case FP_ACTION_POP_VLAN:
    case FP_ACTION_DROP:
    case FP_ACTION_DEC_TTL:
    case FP_ACTION_METER:
    case FP_ACTION_MARK:
    case FP_ACTION_COUNT:
    case FP_ACTION_EXCEPTION:
    case FP_ACTION_SET_QUEUE:
    case FP_ACTION_HASH:
    case FP_ACTION_RECIRC:
    case FP_N_ACTION_TYPES:
    default:
        OVS_NOT_REACHED();
    }
}

/* Decrements the IPv4 TTL (updating the header checksum) or IPv6 hop limit
 * of 'p'.  Returns false, changing nothing, if it is 0 or 1: the packet
 * must then go to the exception path.  Returns true for a packet that is
 * not IP. */
bool
fp_action_dec_ttl(struct fp_action_packet *p)
{
    uint8_t *h = p->data + p->layers.l3;

    if (p->is_ipv4) {
        uint8_t old[2], new[2];

        if (h[8] <= 1) {
            return false;
        }
        memcpy(old, h + 8, 2);
        new[0] = old[0] - 1;
        new[1] = old[1];
        h[8] = new[0];
        fp_action_csum_apply(p, p->layers.l3 + FP_ACTION_IPV4_CSUM, old, new,
                             2, false);
    } else if (p->is_ipv6) {
        if (h[7] <= 1) {
            return false;
        }
        h[7]--;
    }
    return true;
}

/* Adds 'prec_level' drop precedence levels to the DSCP of 'p', an IPv4
 * packet (its header checksum updated, as FP_ACTION_SET_IPV4_TOS does) or
 * an IPv6 packet, as a dscp_remark meter band does (see
 * fp_meter_remark_dscp()).  Other packets are left alone.  Returns true if
 * the packet changed. */
bool
fp_action_dscp_remark(struct fp_action_packet *p, uint8_t prec_level)
{
    struct fp_action set;
    uint8_t dscp, new;
    const uint8_t *h;

    if (p->is_ipv4) {
        h = p->data + p->layers.l3;
        dscp = h[1] >> 2;
        set.type = FP_ACTION_SET_IPV4_TOS;
    } else if (p->is_ipv6) {
        h = p->data + p->layers.l3;
        dscp = ((h[0] & 0x0f) << 2) | (h[1] >> 6);
        set.type = FP_ACTION_SET_IPV6_TCLASS;
    } else {
        return false;
    }
    new = fp_meter_remark_dscp(dscp, prec_level);
    if (new == dscp) {
        return false;
    }
    memset(set.set.value, 0, sizeof set.set.value);
    memset(set.set.mask, 0, sizeof set.set.mask);
    set.set.value[0] = new << 2;
    set.set.mask[0] = 0xfc;
    fp_action_set_field(p, &set);
    return true;
}
