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

#include "fp-hash.h"

#include <netinet/in.h>
#include <string.h>

#include "fp/fp.h"
#include "hash.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_hash);

/* Ethertypes and IP protocols, as the parser knows them. */
#define FP_HASH_ETH_TYPE_IP 0x0800
#define FP_HASH_ETH_TYPE_IPV6 0x86dd
#define FP_HASH_IPPROTO_TCP 6
#define FP_HASH_IPPROTO_SCTP 132

/* Returns true if 'alg' is an enum fp_hash_alg that the NIC computes. */
bool
fp_hash_alg_is_valid(uint32_t alg)
{
    return alg == FP_HASH_L4 || alg == FP_HASH_SYM_L4;
}

/* Returns the dp_hash of FP_HASH_L4 with 'basis' for a packet whose RSS
 * hash (as it entered the NIC, see struct fp_packet_md) is 'rss_hash': as
 * OVS 3.1's odp_execute_actions() computes OVS_HASH_ALG_L4 for a packet
 * whose RSS hash is valid, hash_int(rss_hash, basis). */
uint32_t
fp_hash_l4(uint32_t rss_hash, uint32_t basis)
{
    return hash_int(rss_hash, basis);
}

/* Returns flow_hash_symmetric_l2(flow, basis) of OVS 3.1 (lib/flow.c) for
 * the packet parsed into 'key': the XOR of the MAC addresses, of the VIDs of
 * its VLAN tags and its Ethertype, laid out in three 32-bit words as OVS
 * lays them out. */
static uint32_t
fp_hash_sym_l2(const struct fp_key *key, uint32_t basis)
{
    union {
        struct {
            uint16_t eth_type;
            uint16_t vlan_tci;
            uint8_t eth_addr[6];
            uint16_t pad;
        };
        uint32_t word[3];
    } fields;
    uint32_t hash = basis;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(fields.eth_addr); i++) {
        fields.eth_addr[i] = key->eth_src[i] ^ key->eth_dst[i];
    }
    fields.vlan_tci = 0;
    for (i = 0; i < ARRAY_SIZE(key->vlans); i++) {
        fields.vlan_tci ^= key->vlans[i].tci & htons(FP_VLAN_VID_MASK);
    }
    fields.eth_type = key->eth_type;
    fields.pad = 0;

    for (i = 0; i < ARRAY_SIZE(fields.word); i++) {
        hash = hash_add(hash, fields.word[i]);
    }
    return hash_finish(hash, basis);
}

/* Returns the dp_hash of FP_HASH_SYM_L4 with 'basis' for the packet parsed
 * into 'key': flow_hash_symmetric_l3l4(flow, basis, false) of OVS 3.1
 * (lib/flow.c), as its odp_execute_actions() computes OVS_HASH_ALG_SYM_L4.
 * IPv4 and IPv6 hash the XOR of their addresses (IPv6 as two 64-bit words,
 * in memory order), the protocol and, for TCP and SCTP in a packet that is
 * not a fragment, the XOR of the ports; other packets hash their L2
 * fields. */
uint32_t
fp_hash_sym_l4(const struct fp_key *key, uint32_t basis)
{
    uint32_t hash = basis;

    if (key->eth_type == htons(FP_HASH_ETH_TYPE_IP)) {
        hash = hash_add(hash, key->nw_src ^ key->nw_dst);
    } else if (key->eth_type == htons(FP_HASH_ETH_TYPE_IPV6)) {
        uint64_t src[2], dst[2];
        size_t i;

        memcpy(src, key->ipv6_src, sizeof src);
        memcpy(dst, key->ipv6_dst, sizeof dst);
        for (i = 0; i < ARRAY_SIZE(src); i++) {
            hash = hash_add64(hash, src[i] ^ dst[i]);
        }
    } else {
        return fp_hash_sym_l2(key, basis);
    }
    hash = hash_add(hash, key->nw_proto);
    if (!(key->ip_frag & (FP_IP_FRAG_ANY | FP_IP_FRAG_LATER))
        && (key->nw_proto == FP_HASH_IPPROTO_TCP
            || key->nw_proto == FP_HASH_IPPROTO_SCTP)) {
        hash = hash_add(hash, (uint16_t) (key->tp_src ^ key->tp_dst));
    }
    return hash_finish(hash, basis);
}
