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

/* Unit tests of the model's packet parser (lib/fp-parse.c). */

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
#include <cmocka.h>

#include "dp-packet.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp-parse.h"
#include "util.h"

/* A packet under construction. */
struct pkt {
    uint8_t data[512];
    size_t size;
};

static void
put(struct pkt *p, const void *data, size_t size)
{
    assert_true(p->size + size <= sizeof p->data);
    memcpy(p->data + p->size, data, size);
    p->size += size;
}

static void
put8(struct pkt *p, uint8_t x)
{
    put(p, &x, 1);
}

static void
put16(struct pkt *p, uint16_t x)
{
    put8(p, x >> 8);
    put8(p, x);
}

static void
put_zeros(struct pkt *p, size_t n)
{
    while (n--) {
        put8(p, 0);
    }
}

static const uint8_t dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static void
put_macs(struct pkt *p)
{
    p->size = 0;
    put(p, dst_mac, sizeof dst_mac);
    put(p, src_mac, sizeof src_mac);
}

/* Appends an IPv4 header of protocol 253 with 'frag_off' and 'payload'
 * bytes of payload; 'ihl_ver' is normally 0x45. */
static void
put_ipv4(struct pkt *p, uint8_t ihl_ver, uint16_t tot_len, uint16_t frag_off,
         size_t payload)
{
    put8(p, ihl_ver);
    put8(p, 0);
    put16(p, tot_len);
    put16(p, 0x1234);
    put16(p, frag_off);
    put8(p, 64);
    put8(p, 253);               /* Experimental: no L4 header to parse. */
    put16(p, 0);
    put_zeros(p, 8);
    put_zeros(p, payload);
}

static void
put_ipv6(struct pkt *p, uint16_t plen, uint8_t next)
{
    put8(p, 0x60);
    put_zeros(p, 3);
    put16(p, plen);
    put8(p, next);
    put8(p, 64);
    put_zeros(p, 32);
}

/* Appends an extension header in the generic format, 'len8' units of 8
 * bytes beyond the first 8. */
static void
put_ext(struct pkt *p, uint8_t next, uint8_t len8)
{
    put8(p, next);
    put8(p, len8);
    put_zeros(p, 6 + len8 * 8);
}

/* Appends an AH header of 12 bytes (length field 1). */
static void
put_ah(struct pkt *p, uint8_t next)
{
    put8(p, next);
    put8(p, 1);
    put_zeros(p, 10);
}

static void
put_frag(struct pkt *p, uint8_t next, uint16_t offlg)
{
    put8(p, next);
    put8(p, 0);
    put16(p, offlg);
    put_zeros(p, 4);
}

/* Parses the first 'size' bytes of 'p' from a heap copy of exactly that
 * size, so that valgrind sees any read past the end, taking at most
 * 'vlan_limit' VLAN tags. */
static int
parse_limited(const struct pkt *p, size_t size, unsigned int vlan_limit,
              struct fp_key *key)
{
    void *copy = malloc(size ? size : 1);
    int error;

    memcpy(copy, p->data, size);
    error = fp_parse_limited(copy, size, 7, vlan_limit, key, NULL);
    free(copy);
    return error;
}

/* Parses 'p' as parse_limited() does, with fp_parse(). */
static int
parse(const struct pkt *p, size_t size, struct fp_key *key)
{
    void *copy = malloc(size ? size : 1);
    int error;

    memcpy(copy, p->data, size);
    error = fp_parse(copy, size, 7, key, NULL);
    free(copy);
    return error;
}

/* Returns the key of an untagged packet of 'eth_type' from port 7. */
static struct fp_key
expected_key(uint16_t eth_type)
{
    struct fp_key key;

    memset(&key, 0, sizeof key);
    key.in_port = 7;
    memcpy(key.eth_dst, dst_mac, sizeof dst_mac);
    memcpy(key.eth_src, src_mac, sizeof src_mac);
    key.eth_type = htons(eth_type);
    return key;
}

/* Compares the L2 fields and 'ip_frag' of 'a' and 'b' (the tests of the
 * other fields are further down). */
static void
assert_key_equal(const struct fp_key *a, const struct fp_key *b)
{
    assert_int_equal(a->in_port, b->in_port);
    assert_memory_equal(a->eth_dst, b->eth_dst, 6);
    assert_memory_equal(a->eth_src, b->eth_src, 6);
    assert_int_equal(a->eth_type, b->eth_type);
    assert_int_equal(a->ip_frag, b->ip_frag);
    assert_memory_equal(a->vlans, b->vlans, sizeof a->vlans);
}

static void
assert_pad_zero(const struct fp_key *key)
{
    static const uint8_t zero[3];

    assert_memory_equal(key->pad1, zero, sizeof zero);
}

static void
test_fp_parse_short(void **state OVS_UNUSED)
{
    struct fp_key key;
    struct pkt p;
    size_t i;

    put_macs(&p);
    put16(&p, 0x88cc);
    for (i = 0; i < 14; i++) {
        memset(&key, 0xaa, sizeof key);
        assert_int_equal(parse(&p, i, &key), EINVAL);
        assert_pad_zero(&key);
    }
    assert_int_equal(parse(&p, 14, &key), 0);
}

static void
test_fp_parse_eth(void **state OVS_UNUSED)
{
    struct fp_key key, exp = expected_key(0x0806);
    struct pkt p;

    put_macs(&p);
    put16(&p, 0x0806);
    put_zeros(&p, 28);
    memset(&key, 0xaa, sizeof key);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);
}

static void
test_fp_parse_vlan(void **state OVS_UNUSED)
{
    struct fp_key key, exp;
    struct pkt p;

    /* One 802.1Q tag, with DEI set in the packet. */
    put_macs(&p);
    put16(&p, 0x8100);
    put16(&p, 0xb123);
    put16(&p, 0x0806);
    put_zeros(&p, 28);
    exp = expected_key(0x0806);
    exp.vlans[0].tpid = htons(0x8100);
    exp.vlans[0].tci = htons(0xb123);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* 802.1ad outer, 802.1Q inner; tags without DEI get FP_VLAN_PRESENT. */
    put_macs(&p);
    put16(&p, 0x88a8);
    put16(&p, 0x0064);
    put16(&p, 0x8100);
    put16(&p, 0xe00a);
    put16(&p, 0x86dd);
    put_ipv6(&p, 0, 59);
    exp = expected_key(0x86dd);
    exp.vlans[0].tpid = htons(0x88a8);
    exp.vlans[0].tci = htons(0x0064 | FP_VLAN_PRESENT);
    exp.vlans[1].tpid = htons(0x8100);
    exp.vlans[1].tci = htons(0xe00a | FP_VLAN_PRESENT);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* A third tag stays in the payload: its TPID is the ethertype. */
    put_macs(&p);
    put16(&p, 0x88a8);
    put16(&p, 0x0001);
    put16(&p, 0x8100);
    put16(&p, 0x0002);
    put16(&p, 0x8100);
    put16(&p, 0x0003);
    put16(&p, 0x0800);
    exp = expected_key(0x8100);
    exp.vlans[0].tpid = htons(0x88a8);
    exp.vlans[0].tci = htons(0x0001 | FP_VLAN_PRESENT);
    exp.vlans[1].tpid = htons(0x8100);
    exp.vlans[1].tci = htons(0x0002 | FP_VLAN_PRESENT);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* A tag cut short is not taken, as in OVS: its TPID is the
     * ethertype. */
    put_macs(&p);
    put16(&p, 0x8100);
    put16(&p, 0x0001);
    exp = expected_key(0x8100);
    memset(&key, 0xaa, sizeof key);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);
    put16(&p, 0x0800);
    assert_int_equal(parse(&p, p.size, &key), EINVAL);  /* No IPv4. */

    /* The same for a second tag. */
    put_macs(&p);
    put16(&p, 0x88a8);
    put16(&p, 0x0064);
    put16(&p, 0x8100);
    put16(&p, 0x0002);
    exp = expected_key(0x8100);
    exp.vlans[0].tpid = htons(0x88a8);
    exp.vlans[0].tci = htons(0x0064 | FP_VLAN_PRESENT);
    memset(&key, 0xaa, sizeof key);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);
}

/* OVS's other_config:vlan-limit: the parser takes at most that many tags,
 * and the TPID of the next one is the ethertype, with no L3 fields. */
static void
test_fp_parse_vlan_limit(void **state OVS_UNUSED)
{
    struct fp_key key, exp;
    struct pkt p;

    /* QinQ with IPv4 inside: outer 802.1ad VID 4094, inner 802.1Q VID
     * 100. */
    put_macs(&p);
    put16(&p, 0x88a8);
    put16(&p, 0x0ffe);
    put16(&p, 0x8100);
    put16(&p, 0x0064);
    put16(&p, 0x0800);
    put_ipv4(&p, 0x45, 20, 0x2000, 0);

    /* Limit 1: one tag, ethertype 0x8100, nothing of IPv4. */
    exp = expected_key(0x8100);
    exp.vlans[0].tpid = htons(0x88a8);
    exp.vlans[0].tci = htons(0x0ffe | FP_VLAN_PRESENT);
    memset(&key, 0xaa, sizeof key);
    assert_int_equal(parse_limited(&p, p.size, 1, &key), 0);
    assert_memory_equal(&key, &exp, sizeof key);

    /* Limits 2 and more: both tags, and the IPv4 header (a first
     * fragment). */
    exp = expected_key(0x0800);
    exp.vlans[0].tpid = htons(0x88a8);
    exp.vlans[0].tci = htons(0x0ffe | FP_VLAN_PRESENT);
    exp.vlans[1].tpid = htons(0x8100);
    exp.vlans[1].tci = htons(0x0064 | FP_VLAN_PRESENT);
    exp.ip_frag = FP_IP_FRAG_ANY;
    exp.nw_ttl = 64;
    exp.nw_proto = 253;
    assert_int_equal(parse_limited(&p, p.size, 2, &key), 0);
    assert_memory_equal(&key, &exp, sizeof key);
    assert_int_equal(parse_limited(&p, p.size, 3, &key), 0);
    assert_memory_equal(&key, &exp, sizeof key);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_memory_equal(&key, &exp, sizeof key);

    /* Limit 1 with one tag: the same as limit 2. */
    put_macs(&p);
    put16(&p, 0x8100);
    put16(&p, 0x0064);
    put16(&p, 0x0800);
    put_ipv4(&p, 0x45, 20, 0x2000, 0);
    exp = expected_key(0x0800);
    exp.vlans[0].tpid = htons(0x8100);
    exp.vlans[0].tci = htons(0x0064 | FP_VLAN_PRESENT);
    exp.ip_frag = FP_IP_FRAG_ANY;
    exp.nw_ttl = 64;
    exp.nw_proto = 253;
    assert_int_equal(parse_limited(&p, p.size, 1, &key), 0);
    assert_memory_equal(&key, &exp, sizeof key);
}

/* ARP and RARP headers shorter than 28 bytes, or not Ethernet/IPv4, give
 * the L2 fields only, as in OVS. */
static void
test_fp_parse_arp_short(void **state OVS_UNUSED)
{
    struct fp_key key, exp;
    struct pkt p;
    size_t len;

    /* An ARP request for IPv4 over Ethernet, cut at every length. */
    put_macs(&p);
    put16(&p, 0x0806);
    put16(&p, 1);
    put16(&p, 0x0800);
    put8(&p, 6);
    put8(&p, 4);
    put16(&p, 1);
    put(&p, src_mac, sizeof src_mac);
    put(&p, (uint8_t []) { 10, 0, 0, 1 }, 4);
    put_zeros(&p, 6);
    put(&p, (uint8_t []) { 10, 0, 0, 2 }, 4);
    exp = expected_key(0x0806);
    for (len = 14; len < p.size; len++) {
        memset(&key, 0xaa, sizeof key);
        assert_int_equal(parse(&p, len, &key), 0);
        assert_memory_equal(&key, &exp, sizeof key);
    }

    /* A RARP header for 16-byte protocol addresses (24 + 2 * 16 bytes):
     * no fields. */
    put_macs(&p);
    put16(&p, 0x8035);
    put16(&p, 1);
    put16(&p, 0x86dd);
    put8(&p, 6);
    put8(&p, 16);
    put16(&p, 3);
    put(&p, src_mac, sizeof src_mac);
    put_zeros(&p, 16 + 6 + 16);
    exp = expected_key(0x8035);
    memset(&key, 0xaa, sizeof key);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_memory_equal(&key, &exp, sizeof key);
}

static void
test_fp_parse_802_3(void **state OVS_UNUSED)
{
    static const uint8_t snap[] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
    static const uint8_t snap_oui[] = { 0xaa, 0xaa, 0x03, 0, 0, 0x0c };
    static const uint8_t stp_llc[] = { 0x42, 0x42, 0x03 };
    struct fp_key key, exp;
    struct pkt p;

    /* LLC/SNAP with OUI 0: the SNAP type. */
    put_macs(&p);
    put16(&p, 38);
    put(&p, snap, sizeof snap);
    put16(&p, 0x0806);
    put_zeros(&p, 28);
    exp = expected_key(0x0806);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* LLC/SNAP carrying IPv4 is parsed as IPv4. */
    put_macs(&p);
    put16(&p, 46);
    put(&p, snap, sizeof snap);
    put16(&p, 0x0800);
    put_ipv4(&p, 0x45, 20, 0x2000, 0);
    exp = expected_key(0x0800);
    exp.ip_frag = FP_IP_FRAG_ANY;
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* SNAP type below 0x600, another OUI, plain LLC, too short for SNAP:
     * no ethertype. */
    exp = expected_key(FP_ETH_TYPE_NONE);
    put_macs(&p);
    put16(&p, 38);
    put(&p, snap, sizeof snap);
    put16(&p, 0x0100);
    put_zeros(&p, 28);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    put_macs(&p);
    put16(&p, 38);
    put(&p, snap_oui, sizeof snap_oui);
    put16(&p, 0x0806);
    put_zeros(&p, 28);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    put_macs(&p);
    put16(&p, 38);
    put(&p, stp_llc, sizeof stp_llc);
    put_zeros(&p, 35);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    put_macs(&p);
    put16(&p, 7);
    put(&p, snap, sizeof snap);
    put8(&p, 0x08);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);
}

static void
test_fp_parse_ipv4(void **state OVS_UNUSED)
{
    static const struct {
        uint16_t frag_off;
        uint8_t ip_frag;
    } frags[] = {
        { 0x0000, 0 },
        { 0x4000, 0 },          /* DF only. */
        { 0x2000, FP_IP_FRAG_ANY },
        { 0x0001, FP_IP_FRAG_ANY | FP_IP_FRAG_LATER },
        { 0x2010, FP_IP_FRAG_ANY | FP_IP_FRAG_LATER },
        { 0x1fff, FP_IP_FRAG_ANY | FP_IP_FRAG_LATER },
    };
    struct fp_key key, exp;
    struct pkt p;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(frags); i++) {
        put_macs(&p);
        put16(&p, 0x0800);
        put_ipv4(&p, 0x45, 28, frags[i].frag_off, 8);
        exp = expected_key(0x0800);
        exp.ip_frag = frags[i].ip_frag;
        assert_int_equal(parse(&p, p.size, &key), 0);
        assert_key_equal(&key, &exp);
    }

    /* Options, and L2 padding after the IP packet. */
    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4(&p, 0x46, 24, 0x2000, 4);
    put_zeros(&p, 10);
    exp = expected_key(0x0800);
    exp.ip_frag = FP_IP_FRAG_ANY;
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* A version other than 4 is parsed as IPv4, as OVS does.  IHL too
     * small, IHL past the frame, total length shorter than the header,
     * total length past the frame: malformed. */
    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4(&p, 0x65, 20, 0, 0);
    assert_int_equal(parse(&p, p.size, &key), 0);

    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4(&p, 0x44, 20, 0, 0);
    assert_int_equal(parse(&p, p.size, &key), EINVAL);

    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4(&p, 0x4f, 60, 0, 20);
    assert_int_equal(parse(&p, p.size, &key), EINVAL);

    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4(&p, 0x46, 20, 0, 4);
    assert_int_equal(parse(&p, p.size, &key), EINVAL);

    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4(&p, 0x45, 29, 0, 8);
    assert_int_equal(parse(&p, p.size, &key), EINVAL);
}

static void
test_fp_parse_ipv6(void **state OVS_UNUSED)
{
    struct fp_key key, exp;
    struct pkt p;

    /* No extension header. */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 8, 17);
    put_zeros(&p, 8);
    exp = expected_key(0x86dd);
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* First fragment. */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 16, 44);
    put_frag(&p, 17, 0x0001);
    put_zeros(&p, 8);
    exp.ip_frag = FP_IP_FRAG_ANY;
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* Later fragment, last one: the walk stops there (the rest, an invalid
     * extension header, is not looked at). */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 10, 44);
    put_frag(&p, 0, 0x0008);
    put_zeros(&p, 2);
    exp.ip_frag = FP_IP_FRAG_ANY | FP_IP_FRAG_LATER;
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* Atomic fragment (offset 0, M 0): not a fragment, as in OVS. */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 16, 44);
    put_frag(&p, 17, 0x0000);
    put_zeros(&p, 8);
    exp.ip_frag = 0;
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* Reserved bits only: a fragment, as in OVS. */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 8, 44);
    put_frag(&p, 59, 0x0006);
    exp.ip_frag = FP_IP_FRAG_ANY;
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* Hop-by-hop (16 bytes), routing, destination options, AH (12 bytes),
     * then a later fragment. */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 16 + 8 + 8 + 12 + 8, 0);
    put_ext(&p, 43, 1);
    put_ext(&p, 60, 0);
    put_ext(&p, 51, 0);
    put_ah(&p, 44);
    put_frag(&p, 6, 0x0010);
    exp.ip_frag = FP_IP_FRAG_ANY | FP_IP_FRAG_LATER;
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* A fragment header after an unknown header is not seen. */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 16, 135);
    put_ext(&p, 44, 0);
    put_frag(&p, 17, 0x0001);
    exp.ip_frag = 0;
    assert_int_equal(parse(&p, p.size, &key), 0);
    assert_key_equal(&key, &exp);

    /* A version other than 6 is parsed as IPv6, as OVS does.  Payload
     * length past the frame, extension header past the payload (the frame
     * has room, the payload does not): malformed. */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 0, 59);
    p.data[14] = 0x40;
    assert_int_equal(parse(&p, p.size, &key), 0);

    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 9, 59);
    put_zeros(&p, 8);
    assert_int_equal(parse(&p, p.size, &key), EINVAL);

    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 8, 0);
    put_ext(&p, 17, 1);
    assert_int_equal(parse(&p, p.size, &key), EINVAL);

    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 4, 44);
    put_frag(&p, 17, 0x0001);
    assert_int_equal(parse(&p, p.size, &key), EINVAL);
}

/* Parses every prefix of 'p': each must give EINVAL or a key equal to that
 * of the whole packet. */
static void
check_truncations(const struct pkt *p, const struct fp_key *exp,
                  size_t min_ok)
{
    size_t len;

    for (len = 0; len <= p->size; len++) {
        struct fp_key key;
        int error;

        memset(&key, 0xaa, sizeof key);
        error = parse(p, len, &key);
        if (len >= 14 && len < 18 && exp->vlans[0].tpid) {
            /* Cut in the first tag: its TPID is the ethertype. */
            assert_int_equal(error, 0);
            assert_int_equal(key.eth_type, exp->vlans[0].tpid);
            assert_int_equal(key.vlans[0].tpid, 0);
        } else if (len < min_ok) {
            assert_int_equal(error, EINVAL);
        } else {
            assert_int_equal(error, 0);
            assert_key_equal(&key, exp);
        }
        assert_pad_zero(&key);
    }
}

static void
test_fp_parse_truncated(void **state OVS_UNUSED)
{
    struct fp_key exp;
    struct pkt p;

    /* VLAN + IPv4 (later fragment) + 8 bytes of payload + 6 bytes of L2
     * padding: only cuts in the padding parse. */
    put_macs(&p);
    put16(&p, 0x8100);
    put16(&p, 0x0005);
    put16(&p, 0x0800);
    put_ipv4(&p, 0x45, 28, 0x2003, 8);
    put_zeros(&p, 6);
    exp = expected_key(0x0800);
    exp.vlans[0].tpid = htons(0x8100);
    exp.vlans[0].tci = htons(0x0005 | FP_VLAN_PRESENT);
    exp.ip_frag = FP_IP_FRAG_ANY | FP_IP_FRAG_LATER;
    check_truncations(&p, &exp, p.size - 6);

    /* IPv6 + hop-by-hop + first fragment + 8 bytes of payload. */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 8 + 8 + 8, 0);
    put_ext(&p, 44, 0);
    put_frag(&p, 17, 0x0001);
    put_zeros(&p, 8);
    exp = expected_key(0x86dd);
    exp.ip_frag = FP_IP_FRAG_ANY;
    check_truncations(&p, &exp, p.size);
}

/* Appends an IPv4 header from 10.0.0.1 to 10.0.0.2 of protocol 'proto'
 * with 'l4_len' bytes of payload to follow. */
static void
put_ipv4_l4(struct pkt *p, uint8_t proto, size_t l4_len)
{
    static const uint8_t addrs[8] = { 10, 0, 0, 1, 10, 0, 0, 2 };

    put8(p, 0x45);
    put8(p, 0);
    put16(p, 20 + l4_len);
    put16(p, 0x1234);
    put16(p, 0);
    put8(p, 64);
    put8(p, proto);
    put16(p, 0);
    put(p, addrs, sizeof addrs);
}

/* Returns the key of an IPv4 packet of put_ipv4_l4() of 'proto'. */
static struct fp_key
expected_ipv4_key(uint8_t proto)
{
    struct fp_key key = expected_key(0x0800);

    key.nw_ttl = 64;
    key.nw_proto = proto;
    key.nw_src = htonl(0x0a000001);
    key.nw_dst = htonl(0x0a000002);
    return key;
}

/* Appends a UDP header to port 'dst' and 'payload' bytes to follow. */
static void
put_udp(struct pkt *p, uint16_t dst, size_t payload)
{
    put16(p, 1234);
    put16(p, dst);
    put16(p, 8 + payload);
    put16(p, 0);
}

/* Parses every prefix of 'p' from a buffer of exactly its size: below
 * 'min_ok' bytes each must give EINVAL, from there each must give the L2
 * fields of 'exp', and the whole packet must give exactly 'exp'. */
static void
check_cuts(const struct pkt *p, const struct fp_key *exp, size_t min_ok)
{
    struct fp_key key;

    check_truncations(p, exp, min_ok);
    assert_int_equal(parse(p, p->size, &key), 0);
    assert_memory_equal(&key, exp, sizeof key);
}

/* Truncation at every length of one packet of each protocol that the
 * parser reads beyond IP: run under valgrind, this also shows that the
 * parser never reads past the end of a frame. */
static void
test_fp_parse_truncated_l4(void **state OVS_UNUSED)
{
    static const uint8_t target[16] = { 0xfe, 0x80, [15] = 0x01 };
    static const uint8_t inner[14] = { 0x02, [5] = 3, [6] = 2, [11] = 4,
                                       [12] = 0x08, [13] = 0x00 };
    struct fp_key exp;
    struct pkt p;

    /* ARP request, padded to 60 bytes: cuts in the padding parse. */
    put_macs(&p);
    put16(&p, 0x0806);
    put16(&p, 1);
    put16(&p, 0x0800);
    put8(&p, 6);
    put8(&p, 4);
    put16(&p, 1);
    put(&p, src_mac, sizeof src_mac);
    put(&p, (uint8_t []) { 10, 0, 0, 1 }, 4);
    put_zeros(&p, 6);
    put(&p, (uint8_t []) { 10, 0, 0, 2 }, 4);
    put_zeros(&p, 60 - p.size);
    exp = expected_key(0x0806);
    exp.nw_proto = 1;
    exp.nw_src = htonl(0x0a000001);
    exp.nw_dst = htonl(0x0a000002);
    memcpy(exp.arp_sha, src_mac, sizeof src_mac);
    check_cuts(&p, &exp, 14);   /* Shorter ARP: test_fp_parse_arp_short(). */

    /* TCP, with 4 bytes of payload. */
    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4_l4(&p, 6, 24);
    put16(&p, 1234);
    put16(&p, 80);
    put_zeros(&p, 8);
    put16(&p, 0x5018);
    put_zeros(&p, 6);
    put_zeros(&p, 4);
    exp = expected_ipv4_key(6);
    exp.tp_src = htons(1234);
    exp.tp_dst = htons(80);
    exp.tcp_flags = htons(0x018);
    check_cuts(&p, &exp, p.size);

    /* UDP, with 4 bytes of payload. */
    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4_l4(&p, 17, 12);
    put_udp(&p, 53, 4);
    put_zeros(&p, 4);
    exp = expected_ipv4_key(17);
    exp.tp_src = htons(1234);
    exp.tp_dst = htons(53);
    check_cuts(&p, &exp, p.size);

    /* SCTP: common header and a 4-byte chunk. */
    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4_l4(&p, 132, 16);
    put16(&p, 1234);
    put16(&p, 5060);
    put_zeros(&p, 8);
    put_zeros(&p, 4);
    exp = expected_ipv4_key(132);
    exp.tp_src = htons(1234);
    exp.tp_dst = htons(5060);
    check_cuts(&p, &exp, p.size);

    /* ICMP echo request. */
    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4_l4(&p, 1, 8);
    put8(&p, 8);
    put8(&p, 0);
    put_zeros(&p, 6);
    exp = expected_ipv4_key(1);
    exp.tp_src = htons(8);
    check_cuts(&p, &exp, p.size);

    /* ICMPv6 neighbor solicitation with a source link-layer address. */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 32, 58);
    put8(&p, 135);
    put8(&p, 0);
    put_zeros(&p, 6);
    put(&p, target, sizeof target);
    put8(&p, 1);
    put8(&p, 1);
    put(&p, src_mac, sizeof src_mac);
    exp = expected_key(0x86dd);
    exp.nw_ttl = 64;
    exp.nw_proto = 58;
    exp.tp_src = htons(135);
    memcpy(exp.nd_target, target, sizeof target);
    memcpy(exp.arp_sha, src_mac, sizeof src_mac);
    exp.tcp_flags = htons(1);
    check_cuts(&p, &exp, p.size);

    /* VXLAN, VNI 0x123456, with an inner Ethernet header. */
    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4_l4(&p, 17, 8 + 8 + sizeof inner);
    put_udp(&p, FP_VXLAN_PORT, 8 + sizeof inner);
    put8(&p, 0x08);
    put_zeros(&p, 3);
    put(&p, (uint8_t []) { 0x12, 0x34, 0x56, 0 }, 4);
    put(&p, inner, sizeof inner);
    exp = expected_ipv4_key(17);
    exp.tp_src = htons(1234);
    exp.tp_dst = htons(FP_VXLAN_PORT);
    exp.tun_type = FP_TUN_VXLAN;
    exp.tun_vni = htonl(0x123456);
    check_cuts(&p, &exp, p.size);

    /* Geneve, VNI 0x654321, with 4 bytes of options and an inner Ethernet
     * header. */
    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4_l4(&p, 17, 8 + 12 + sizeof inner);
    put_udp(&p, FP_GENEVE_PORT, 12 + sizeof inner);
    put8(&p, 1);
    put8(&p, 0);
    put16(&p, 0x6558);
    put(&p, (uint8_t []) { 0x65, 0x43, 0x21, 0 }, 4);
    put_zeros(&p, 4);
    put(&p, inner, sizeof inner);
    exp = expected_ipv4_key(17);
    exp.tp_src = htons(1234);
    exp.tp_dst = htons(FP_GENEVE_PORT);
    exp.tun_type = FP_TUN_GENEVE;
    exp.tun_vni = htonl(0x654321);
    check_cuts(&p, &exp, p.size);
}

/* The RSS hash that the model hands the host with a packet must be the
 * one that OVS's software datapath computes for it
 * (dpif_netdev_packet_get_rss_hash_orig_pkt(): miniflow_hash_5tuple() over
 * the miniflow of miniflow_extract()).  Packets of every kind, and every
 * prefix of each of at least an Ethernet header (dpif-netdev drops
 * shorter ones), so that malformed packets, which the model refuses where
 * OVS keeps a partial miniflow, are covered too. */
static void
test_fp_parse_rss_hash(void **state OVS_UNUSED)
{
    static const char *packets[] = {
        "505400000002505400000001080045000038424200004006237d0a0000010a00010104d20050000000010000000050102000355800000102030405060708090a0b0c0d0e0f10",
        "50540000000250540000000108004500002c424200004011237d0a0000010a00010203e800350018a6560102030405060708090a0b0c0d0e0f100000",
        "50540000000250540000000108004500003042420000408423050a0000010a00010304d20050deadbeef30fd747a0102030405060708090a0b0c0d0e0f10",
        "50540000000250540000000108004500002c424200004001238b0a0000010a0001040800b7b5000100010102030405060708090a0b0c0d0e0f100000",
        "50540000000250540000000108004500002c42420000403a23510a0000010a00010580002a5d000100010102030405060708090a0b0c0d0e0f100000",
        "50540000000250540000000108004500003842422000400603780a0000010a00010604d20050000000010000000050102000355300000102030405060708090a0b0c0d0e0f10",
        "50540000000250540000000108004500001c42420002401123860a0000010a000107090a0b0c0d0e0f10000000000000000000000000000000000000",
        "50540000000250540000000186dd600000000024064020010db800000000000000000000000120010db800010000000000000000000104d20050000000010000000050102000eee400000102030405060708090a0b0c0d0e0f10",
        "50540000000250540000000186dd600000000018114020010db800000000000000000000000120010db800010000000000000000000204d2005000185ede0102030405060708090a0b0c0d0e0f10",
        "50540000000250540000000186dd6000000000183a4020010db800000000000000000000000120010db80001000000000000000000038000e3eb000100010102030405060708090a0b0c0d0e0f10",
        "50540000000250540000000186dd60000000001c844020010db800000000000000000000000120010db800010000000000000000000404d20050deadbeef30fd747a0102030405060708090a0b0c0d0e0f10",
        "50540000000250540000000186dd60000000002c2c4020010db800000000000000000000000120010db8000100000000000000000005060000014242424204d20050000000010000000050102000eee000000102030405060708090a0b0c0d0e0f10",
        "50540000000250540000000186dd6000000000102c4020010db800000000000000000000000120010db80001000000000000000000061100001142424242090a0b0c0d0e0f10",
        "50540000000250540000000186dd60000000002c2c4020010db800000000000000000000000120010db8000100000000000000000007060000004242424204d20050000000010000000050102000eede00000102030405060708090a0b0c0d0e0f10",
        "50540000000250540000000186dd6000000000302b4020010db800000000000000000000000120010db8000100000000000000000008110200010000000020010db800000000000000000000007704d2005000185ed80102030405060708090a0b0c0d0e0f10",
        "50540000000250540000000108004500003842420000402f23750a0000010a00010904d20050000000010000000050102000355000000102030405060708090a0b0c0d0e0f10",
        "505400000002505400000001080600010800060400015054000000010a0000010000000000000a000002000000000000000000000000000000000000",
        "505400000002505400000001080600010800060400025054000000010a0000010000000000000a000002000000000000000000000000000000000000",
        "5054000000025054000000018100000508004500002c42420000401123750a0000010a00010a03f200350018a6440102030405060708090a0b0c0d0e0f100000",
        "50540000000250540000000188a80ffe8100006408004500002c42420000401123750a0000010a00010a03f200350018a6440102030405060708090a0b0c0d0e0f100000",
        "50540000000250540000000188cc00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "5054000000025054000000018847000101404500002c42420000401123750a0000010a00010a03f200350018a6440102030405060708090a0b0c0d0e0f100000",
        "5054000000025054000000010036aaaa0300000008004500002c42420000401123750a0000010a00010a03f200350018a6440102030405060708090a0b0c0d0e0f100000",
        "50540000000250540000000186dd6000000000203aff20010db8000000000000000000000001ff0200000000000000000001ff000002870000000000000020010db80000000000000000000000020101505400000001",
    };
    size_t i, n_checked = 0, n_distinct = 0;
    uint32_t last_hash = 0;

    for (i = 0; i < ARRAY_SIZE(packets); i++) {
        struct pkt p;
        size_t len;

        assert_int_equal(strlen(packets[i]) / 2 <= sizeof p.data, true);
        p.size = strlen(packets[i]) / 2;
        for (len = 0; len < p.size; len++) {
            unsigned int byte;

            assert_int_equal(sscanf(&packets[i][2 * len], "%2x", &byte), 1);
            p.data[len] = byte;
        }

        for (len = 14; len <= p.size; len++) {
            struct {
                struct miniflow mf;
                uint64_t buf[FLOW_MAX_PACKET_U64S];
            } m;
            struct dp_packet *packet;
            uint32_t ovs_hash, hash;
            struct fp_key key;

            packet = dp_packet_clone_data(p.data, len);
            pkt_metadata_init(&packet->md, u32_to_odp(7));
            miniflow_extract(packet, &m.mf);
            ovs_hash = miniflow_hash_5tuple(&m.mf, 0);
            dp_packet_delete(packet);

            fp_parse(p.data, len, 7, &key, NULL);
            hash = fp_parse_rss_hash(&key);
            if (hash != ovs_hash) {
                print_message("packet %"PRIuSIZE" cut to %"PRIuSIZE
                              " bytes: %08"PRIx32" instead of %08"PRIx32
                              "\n", i, len, hash, ovs_hash);
            }
            assert_int_equal(hash, ovs_hash);
            n_checked++;
            if (len == p.size) {
                n_distinct += hash != last_hash;
                last_hash = hash;
            }
        }
    }
    assert_true(n_checked > 1000);
    assert_true(n_distinct > ARRAY_SIZE(packets) / 2);
}

/* L4 headers cut short within the IP datagram: OVS takes the L3 fields and
 * no L4 field, and so does the parser, with no L4 layer; except for a TCP
 * header with a bad data offset and an ICMPv6 header of 4 to 7 bytes,
 * which go to the exception path. */
static void
test_fp_parse_short_l4(void **state OVS_UNUSED)
{
    static const struct {
        uint8_t proto;
        size_t len;             /* Bytes of L4 header. */
    } cases[] = {
        { 6, 0 }, { 6, 19 }, { 17, 7 }, { 132, 11 }, { 1, 7 }, { 2, 4 },
        { 58, 3 },
    };
    struct fp_parse_layers layers;
    struct fp_key key, exp;
    struct pkt p;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        put_macs(&p);
        put16(&p, 0x0800);
        put_ipv4_l4(&p, cases[i].proto, cases[i].len);
        put_zeros(&p, cases[i].len);
        memset(p.data + p.size - cases[i].len, 0x50, cases[i].len);
        exp = expected_ipv4_key(cases[i].proto);
        memset(&key, 0xaa, sizeof key);
        assert_int_equal(fp_parse(p.data, p.size, 7, &key, &layers), 0);
        assert_memory_equal(&key, &exp, sizeof key);
        assert_int_equal(layers.l3, 14);
        assert_int_equal(layers.l4, FP_PARSE_NONE);
        assert_int_equal(layers.l3_end, p.size);
    }

    /* A TCP header with a data offset of 4, and one of 6 (24 bytes) in 20
     * bytes. */
    put_macs(&p);
    put16(&p, 0x0800);
    put_ipv4_l4(&p, 6, 20);
    put_zeros(&p, 12);
    put16(&p, 0x4010);
    put_zeros(&p, 6);
    assert_int_equal(parse(&p, p.size, &key), EINVAL);
    p.data[p.size - 8] = 0x60;
    assert_int_equal(parse(&p, p.size, &key), EINVAL);

    /* An ICMPv6 header of 4 bytes: type, code and checksum. */
    put_macs(&p);
    put16(&p, 0x86dd);
    put_ipv6(&p, 4, 58);
    put8(&p, 128);
    put_zeros(&p, 3);
    assert_int_equal(parse(&p, p.size, &key), EINVAL);
}

/* Parses the first 'size' bytes of 'p' with fp_parse_limited(), whose fast
 * path takes the most common frames, and with fp_parse_general(), which has
 * none, each from a heap copy of exactly that size (so that valgrind sees
 * any read past the end), and checks that both give the same result, key
 * and layers.  Returns the result. */
static int
parse_both(const struct pkt *p, size_t size, unsigned int vlan_limit)
{
    struct fp_parse_layers layers, layers_general;
    struct fp_key key, key_general;
    uint8_t *copy = xmalloc(size ? size : 1);
    int error, error_general;

    memcpy(copy, p->data, size);
    memset(&key, 0xaa, sizeof key);
    memset(&key_general, 0x55, sizeof key_general);
    memset(&layers, 0xaa, sizeof layers);
    memset(&layers_general, 0x55, sizeof layers_general);
    error = fp_parse_limited(copy, size, 7, vlan_limit, &key, &layers);
    error_general = fp_parse_general(copy, size, 7, vlan_limit, &key_general,
                                     &layers_general);
    free(copy);

    assert_int_equal(error, error_general);
    assert_memory_equal(&key, &key_general, sizeof key);
    assert_int_equal(layers.l3, layers_general.l3);
    assert_int_equal(layers.l4, layers_general.l4);
    assert_int_equal(layers.l3_end, layers_general.l3_end);
    return error;
}

/* The parser's fast path (untagged IPv4 without options, not a fragment,
 * TCP or UDP) gives what the whole parser gives, for frames of that kind
 * and for frames that differ from it in one field, the ones that the fast
 * path must leave to the whole parser, at every length. */
static void
test_fp_parse_fast(void **state OVS_UNUSED)
{
    static const uint8_t ihl_vers[] = { 0x45, 0x46, 0x44, 0x4f, 0x55, 0x65 };
    static const uint16_t frag_offs[] = { 0, 0x4000, 0x2000, 0x0001, 0x8000 };
    static const uint8_t protos[] = { 6, 17, 1, 132, 58 };
    static const uint16_t dports[] = { 80, 4789, 6081 };
    static const uint8_t doffs[] = { 0x50, 0x40, 0x60, 0xf0, 0x00 };
    static const int tot_deltas[] = { 0, -1, -8, -20, -21, 1, 100, -1000 };
    static const uint16_t types[] = { 0x0800, 0x8100, 0x86dd, 0x0806 };
    static const uint8_t payload0s[] = { 0x00, 0x08 };
    size_t n_ok = 0, n_cases = 0;
    size_t a, b, c, d, e, f, g, h;

    for (a = 0; a < ARRAY_SIZE(ihl_vers); a++)
    for (b = 0; b < ARRAY_SIZE(frag_offs); b++)
    for (c = 0; c < ARRAY_SIZE(protos); c++)
    for (d = 0; d < ARRAY_SIZE(dports); d++)
    for (e = 0; e < ARRAY_SIZE(doffs); e++)
    for (f = 0; f < ARRAY_SIZE(tot_deltas); f++)
    for (g = 0; g < ARRAY_SIZE(types); g++)
    for (h = 0; h < ARRAY_SIZE(payload0s); h++) {
        static const uint8_t addrs[8] = { 10, 0, 0, 1, 10, 0, 0, 2 };
        size_t l4_len = protos[c] == 17 ? 8 : 20;
        int tot_len = 20 + l4_len + 12 + tot_deltas[f];
        struct pkt p;
        size_t size;

        if (tot_len < 0 || (a && (b || c || d || e))
            || (b && (c || d || e)) || (g && (a || b || c || d || e))) {
            /* One field off the common kind at a time. */
            continue;
        }
        put_macs(&p);
        put16(&p, types[g]);
        put8(&p, ihl_vers[a]);
        put8(&p, 0x2e);
        put16(&p, tot_len);
        put16(&p, 0x1234);
        put16(&p, frag_offs[b]);
        put8(&p, 63);
        put8(&p, protos[c]);
        put16(&p, 0);
        put(&p, addrs, sizeof addrs);
        put16(&p, 0xc001);
        put16(&p, dports[d]);
        if (protos[c] == 6) {
            put_zeros(&p, 8);
            put8(&p, doffs[e] | 0x01);
            put8(&p, 0x12);
            put_zeros(&p, 6);
        } else {
            put_zeros(&p, l4_len - 4);
        }
        /* A payload that is a VXLAN header (first byte 0x08), or a Geneve
         * header (0x00), after UDP to those ports. */
        put8(&p, payload0s[h]);
        put_zeros(&p, 11);
        put_zeros(&p, 10);      /* L2 padding. */

        for (size = 0; size <= p.size; size++) {
            unsigned int vlan_limit;

            for (vlan_limit = 0; vlan_limit <= 2; vlan_limit++) {
                n_ok += !parse_both(&p, size, vlan_limit);
                n_cases++;
            }
        }
    }
    /* The cases include frames that parse and frames that do not. */
    assert_true(n_ok > 0 && n_ok < n_cases);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_parse_short),
        cmocka_unit_test(test_fp_parse_eth),
        cmocka_unit_test(test_fp_parse_vlan),
        cmocka_unit_test(test_fp_parse_vlan_limit),
        cmocka_unit_test(test_fp_parse_arp_short),
        cmocka_unit_test(test_fp_parse_802_3),
        cmocka_unit_test(test_fp_parse_ipv4),
        cmocka_unit_test(test_fp_parse_ipv6),
        cmocka_unit_test(test_fp_parse_truncated),
        cmocka_unit_test(test_fp_parse_truncated_l4),
        cmocka_unit_test(test_fp_parse_rss_hash),
        cmocka_unit_test(test_fp_parse_short_l4),
        cmocka_unit_test(test_fp_parse_fast),
    };

    return cmocka_run_group_tests_name("fp_parse", tests, NULL, NULL);
}
