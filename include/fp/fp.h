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

#ifndef FP_FP_H
#define FP_FP_H 1

/* The NIC side's API: flow-processor devices, their ports, rules and
 * counters.
 *
 * This is what the OVS side (ofproto-offload/) calls.  It includes nothing
 * from OVS: every type here is plain C, multi-byte header fields are in
 * network byte order as they are on the wire.  Every function returns 0 or
 * a positive errno value unless it says otherwise.  All functions are
 * thread-safe.
 *
 * A device has 'n_phy_ports' physical ports and 'n_vfs' SR-IOV virtual
 * functions.  Both kinds are numbered in one space of NIC port numbers:
 * physical port N is NIC port N, VF N is NIC port n_phy_ports + N.
 *
 * Every NIC port has two sides:
 *
 *   - The outside: the wire of a physical port or the guest of a VF.
 *     fp_port_inject() brings a packet in from there; what the NIC sends
 *     out of the port goes there (counted, and written to a pcap file if
 *     one is set with fp_port_set_tx_pcap()).  With fp_port_set_link(),
 *     the outside is also a Linux network interface: packets received on
 *     it come into the port, packets sent out of the port go out on it.
 *
 *   - The host side, the representor: packets that miss in the NIC's rule
 *     table (the exception path) are queued for the host, which reads them
 *     with fp_port_recv(); packets the host sends with fp_port_send() go
 *     out of the port to the outside. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fp_device;

/* Most actions in one rule. */
#define FP_MAX_ACTIONS 16

/* Bits of 'fp_key.vlans[].tci': as in OVS, the CFI bit of a parsed tag is
 * set to mean "a tag is present" (the DEI bit of the packet is not kept). */
#define FP_VLAN_PRESENT 0x1000
#define FP_VLAN_VID_MASK 0x0fff
#define FP_VLAN_PCP_MASK 0xe000

/* Bits of 'fp_key.ip_frag', with OVS's meaning. */
#define FP_IP_FRAG_ANY   0x01   /* The packet is an IP fragment. */
#define FP_IP_FRAG_LATER 0x02   /* ...and not the first fragment. */

/* Ethertype of an 802.3 frame with no SNAP header, as in OVS. */
#define FP_ETH_TYPE_NONE 0x05ff

/* Values of 'fp_key.tun_type': the tunnel header that the parser found
 * after an outer UDP header whose destination port is the protocol's IANA
 * port. */
#define FP_TUN_NONE   0
#define FP_TUN_VXLAN  1         /* UDP port 4789, RFC 7348. */
#define FP_TUN_GENEVE 2         /* UDP port 6081, RFC 8926. */
#define FP_VXLAN_PORT  4789
#define FP_GENEVE_PORT 6081

/* The fields the NIC's parser extracts from a packet and a rule may match.
 *
 * Every field has the meaning, and every multi-byte field the byte order
 * (network), of the OVS 'struct flow' field named in its comment, so that
 * translating an OVS match is a copy field by field.  Fields that a packet
 * does not have are zero, as in OVS.  In particular:
 *
 *   - ARP and RARP (eth_type 0x0806, 0x8035) with Ethernet/IPv4 addresses:
 *     'nw_proto' is the opcode if it is at most 255 (else 0), 'nw_src' and
 *     'nw_dst' are SPA and TPA, 'arp_sha' and 'arp_tha' SHA and THA.
 *
 *   - ICMP and ICMPv6: 'tp_src' is the type, 'tp_dst' the code.  ICMPv6
 *     neighbor solicitation and advertisement with code 0: 'nd_target' is
 *     the target, 'arp_sha' and 'arp_tha' the source and target link-layer
 *     address options, and 'tcp_flags' the type of the first of those
 *     options (as OVS's nd_options_type).
 *
 *   - A later fragment (FP_IP_FRAG_LATER) has no L4 fields; an IPv6 later
 *     fragment has 'nw_proto' 44, as in OVS.
 *
 * A rule matches a packet if, for every byte, (packet ^ rule.key) & mask is
 * zero.  Padding is always zero in keys and masks. */
struct fp_key {
    uint32_t in_port;           /* NIC port the packet came in on (host
                                 * order): OVS's in_port. */
    uint8_t eth_dst[6];         /* dl_dst. */
    uint8_t eth_src[6];         /* dl_src. */
    uint16_t eth_type;          /* dl_type: after all VLAN tags (and after
                                 * LLC/SNAP for 802.3 frames). */
    uint8_t ip_frag;            /* nw_frag: FP_IP_FRAG_* for IPv4, IPv6. */
    uint8_t nw_proto;           /* nw_proto: IP protocol, ARP opcode. */
    struct {
        uint16_t tpid;          /* 0x8100 or 0x88a8, zero if no tag. */
        uint16_t tci;           /* With FP_VLAN_PRESENT if a tag is
                                 * present. */
    } vlans[2];                 /* vlans[]: outermost first. */
    uint8_t nw_tos;             /* nw_tos: DSCP and ECN (IPv4 TOS, IPv6
                                 * traffic class). */
    uint8_t nw_ttl;             /* nw_ttl: IPv4 TTL, IPv6 hop limit. */
    uint16_t tcp_flags;         /* tcp_flags: low 12 bits of the TCP
                                 * offset/flags word; ND options type. */
    uint32_t nw_src;            /* nw_src: IPv4 source, ARP SPA. */
    uint32_t nw_dst;            /* nw_dst: IPv4 destination, ARP TPA. */
    uint32_t ipv6_label;        /* ipv6_label: 20-bit flow label. */
    uint8_t ipv6_src[16];       /* ipv6_src. */
    uint8_t ipv6_dst[16];       /* ipv6_dst. */
    uint8_t nd_target[16];      /* nd_target. */
    uint8_t arp_sha[6];         /* arp_sha: ARP SHA, ND source LLA. */
    uint8_t arp_tha[6];         /* arp_tha: ARP THA, ND target LLA. */
    uint16_t tp_src;            /* tp_src: L4 source port, ICMP type. */
    uint16_t tp_dst;            /* tp_dst: L4 destination port (the outer
                                 * UDP port of a tunnel), ICMP code. */
    uint32_t tun_vni;           /* No OVS field: VNI of the outer VXLAN or
                                 * Geneve header, in the low 24 bits. */
    uint8_t tun_type;           /* No OVS field: FP_TUN_*. */
    uint8_t pad1[3];

    /* Metadata of a lookup pass, not parsed from the packet (see
     * "Recirculation" below).  The parser sets both to 0. */
    uint32_t recirc_id;         /* recirc_id: 0 in the first pass, the
                                 * FP_ACTION_RECIRC's id in a later one. */
    uint32_t dp_hash;           /* dp_hash: from the last FP_ACTION_HASH the
                                 * packet met, 0 if none. */
};

enum fp_action_type {
    FP_ACTION_OUTPUT,           /* Send a copy out of NIC port 'port'. */
    FP_ACTION_PUSH_VLAN,        /* Push an outermost tag 'vlan'. */
    FP_ACTION_POP_VLAN,         /* Pop the outermost tag, if any. */
    FP_ACTION_DROP,             /* Drop: later actions are not executed. */
    FP_ACTION_SET_VLAN,         /* Masked set of the outermost tag's TCI
                                 * (2 bytes of 'set'), if it has one. */
    FP_ACTION_SET_ETH_SRC,      /* Masked sets of header fields from 'set'; */
    FP_ACTION_SET_ETH_DST,      /* each does nothing to a packet that has */
    FP_ACTION_SET_IPV4_SRC,     /* no such header.  Sizes: Ethernet 6, */
    FP_ACTION_SET_IPV4_DST,     /* IPv4 address 4, IPv6 address 16, others */
    FP_ACTION_SET_IPV4_TOS,     /* 1, ports 2 (TCP, UDP or SCTP, not in */
    FP_ACTION_SET_IPV4_TTL,     /* a later fragment).  Checksums are */
    FP_ACTION_SET_IPV6_SRC,     /* updated as OVS's software datapath */
    FP_ACTION_SET_IPV6_DST,     /* does (see lib/fp-action.c). */
    FP_ACTION_SET_IPV6_TCLASS,
    FP_ACTION_SET_IPV6_HLIM,
    FP_ACTION_SET_TP_SRC,
    FP_ACTION_SET_TP_DST,
    FP_ACTION_DEC_TTL,          /* Decrement the IPv4 TTL or IPv6 hop limit;
                                 * a packet whose TTL is 0 or 1 goes to the
                                 * exception path instead (later actions are
                                 * not executed). */
    FP_ACTION_METER,            /* Police with meter 'meter_id': a red
                                 * packet is dropped. */
    FP_ACTION_MARK,             /* Tag the packet with 'mark', which the
                                 * host sees in its struct fp_packet_md if
                                 * the packet later goes to the exception
                                 * path (partial offload). */
    FP_ACTION_COUNT,            /* Count in shared counter 'counter_id'. */
    FP_ACTION_EXCEPTION,        /* Send the packet to the host, on the
                                 * representor of its input port. */
    FP_ACTION_SET_QUEUE,        /* Later outputs go to transmit queue
                                 * 'queue' of their port (see "Egress
                                 * QoS"); metadata, the packet is not
                                 * changed. */
    FP_ACTION_HASH,             /* Set the packet's dp_hash as OVS's
                                 * datapath action hash() does, with
                                 * algorithm 'hash.alg' and 'hash.basis'
                                 * (see "Recirculation"). */
    FP_ACTION_RECIRC,           /* Look the packet up again, as the actions
                                 * left it, with recirc_id 'recirc_id'
                                 * (nonzero) and its dp_hash: a new lookup
                                 * pass.  Only as a rule's last action. */
    FP_N_ACTION_TYPES
};

struct fp_action {
    enum fp_action_type type;
    union {
        uint32_t port;          /* FP_ACTION_OUTPUT. */
        struct {
            uint16_t tpid;      /* 0x8100 or 0x88a8. */
            uint16_t tci;       /* PCP, DEI and VID as on the wire. */
        } vlan;                 /* FP_ACTION_PUSH_VLAN. */
        struct {
            uint8_t value[16];  /* New value, in the first bytes. */
            uint8_t mask[16];   /* 1-bits are set from 'value'. */
        } set;                  /* FP_ACTION_SET_*. */
        uint32_t meter_id;      /* FP_ACTION_METER. */
        uint32_t mark;          /* FP_ACTION_MARK. */
        uint32_t counter_id;    /* FP_ACTION_COUNT. */
        uint32_t queue;         /* FP_ACTION_SET_QUEUE. */
        struct {
            uint32_t alg;       /* enum fp_hash_alg. */
            uint32_t basis;     /* OVS's hash_basis. */
        } hash;                 /* FP_ACTION_HASH. */
        uint32_t recirc_id;     /* FP_ACTION_RECIRC. */
    };
};

/* Recirculation.
 *
 * A rule whose last action is FP_ACTION_RECIRC sends the packet, as its
 * actions left it, into a new lookup pass: the packet is parsed again, its
 * key gets the action's recirc_id and the packet's dp_hash, and the rule
 * table is searched again (the same table: rules of later passes match on
 * 'recirc_id').  Each pass counts in the counters of the rule it hits.
 *
 * A packet recirculates at most FP_MAX_RECIRC times.  A packet that misses
 * in a later pass, or whose FP_ACTION_RECIRC would exceed FP_MAX_RECIRC,
 * goes to the host with its state (struct fp_packet_md: recirc_id, dp_hash
 * and the RSS hash) and the rewrites already done, so that the host resumes
 * where the NIC stopped: such a packet is never dropped for its depth.
 * (OVS 3.1's dpif-netdev itself allows 6 recirculations.)  The recirc_id
 * it takes to the host is the one of the lookup that the NIC did not do:
 * of the pass that missed, or of the FP_ACTION_RECIRC that would have
 * exceeded the limit.  A packet that an FP_ACTION_EXCEPTION (or an
 * FP_ACTION_DEC_TTL of a TTL 0 or 1) sends to the host in a later pass
 * takes that pass's recirc_id and its state alike.
 *
 * What carries over from one pass to the next: the packet as rewritten,
 * its input port, its dp_hash and the transmit queue of its last
 * FP_ACTION_SET_QUEUE (as OVS keeps skb_priority across recirculation).
 * What does not: the mark of FP_ACTION_MARK, which belongs to the pass of
 * its rule (a packet goes to the host with the mark of the pass it leaves
 * the NIC in, or none).
 *
 * FP_ACTION_HASH computes dp_hash as OVS 3.1's odp_execute_actions() does
 * for a packet that has an RSS hash, which every packet dpif-netdev handles
 * has:
 *
 *   - FP_HASH_L4 (OVS_HASH_ALG_L4): hash_int(rss_hash, basis), where
 *     rss_hash is the packet's RSS hash as it entered the NIC (the one
 *     struct fp_packet_md hands to the host), whatever it was rewritten to
 *     since: dpif-netdev keeps a packet's RSS hash across rewrites and
 *     recirculations.
 *
 *   - FP_HASH_SYM_L4 (OVS_HASH_ALG_SYM_L4): flow_hash_symmetric_l3l4(flow,
 *     basis, false) over the packet as it is now (lib/flow.c), computed by
 *     the NIC from its own parse. */
#define FP_MAX_RECIRC 4

enum fp_hash_alg {
    FP_HASH_L4,                 /* OVS_HASH_ALG_L4. */
    FP_HASH_SYM_L4,             /* OVS_HASH_ALG_SYM_L4. */
};

/* A rule: a masked match, a priority and an ordered list of actions.  A
 * packet that matches several rules takes the one with the highest
 * priority; among equal priorities, the one added first.  A rule with no
 * actions drops what it matches. */
struct fp_rule {
    struct fp_key key;
    struct fp_key mask;
    uint32_t priority;
    size_t n_actions;
    struct fp_action actions[FP_MAX_ACTIONS];
};

struct fp_rule_stats {
    uint64_t n_packets;
    uint64_t n_bytes;           /* Including the L2 header. */
    long long int used;         /* time_msec() of the last hit, 0 if
                                 * never. */
    uint16_t tcp_flags;         /* OR of the 'tcp_flags' key fields of the
                                 * packets counted (host byte order): TCP
                                 * flags, or the options type of ICMPv6 ND,
                                 * as OVS's flow statistics have them. */
};

struct fp_port_stats {
    uint64_t rx_packets;        /* In from the outside (inject). */
    uint64_t rx_bytes;
    uint64_t tx_packets;        /* Out to the outside (rules and host). */
    uint64_t tx_bytes;
    uint64_t exceptions;        /* Missed in the NIC, queued for the host. */
    uint64_t malformed;         /* Failed to parse, queued for the host. */
    uint64_t drops;             /* Dropped on the way in: exception queue
                                 * full, no representor attached, RX ring
                                 * full, link down, policer. */
    uint64_t tx_drops;          /* Not sent out: link down, or the
                                 * endpoint's transmit queue full. */
    uint64_t tx_qos_drops;      /* Of 'tx_drops', those of egress QoS: the
                                 * egress policer, full or removed queues,
                                 * queued at a reset. */
    uint64_t policer_drops;     /* Dropped by the port's ingress policer
                                 * (also counted in 'drops'). */
};

/* The link of a port: the cable of a physical port, the link state of a
 * VF.  While a link is down, the port neither takes packets from its
 * outside nor sends any to it: they are dropped and counted in 'drops' and
 * 'tx_drops'. */
struct fp_port_link {
    bool up;
    uint64_t resets;            /* Changes of 'up' since the device was
                                 * created (a device reset keeps links). */
    uint32_t speed_mbps;        /* Rate while up, 0 if unknown. */
    uint32_t max_frame;         /* Largest frame the port takes, in bytes
                                 * with the Ethernet header, 0 if
                                 * unknown. */
};

/* The finite resources of a device; ENOSPC from a rule or meter operation
 * names the one that is full. */
enum fp_resource {
    FP_RES_NONE,
    FP_RES_RULES,               /* Rule table. */
    FP_RES_MASKS,               /* Mask table (distinct masks in use). */
    FP_RES_COUNTERS,            /* Counter table (one per rule, plus shared
                                 * counters). */
    FP_RES_METERS,              /* Meter table. */
};

const char *fp_resource_name(enum fp_resource);

/* Device configuration.  fp_device_config_default() gives every member its
 * default; fp_device_config_validate() says what is wrong with a
 * configuration. */
struct fp_device_config {
    uint32_t n_phy_ports;       /* Physical ports, 1...4096 (default 2). */
    uint32_t n_vfs;             /* VFs; ports in all at most 4096 (8). */
    uint32_t n_rules;           /* Rule table entries, at least 1
                                 * (65536). */
    uint32_t n_engines;         /* Packet-engine threads, 1...64 (1). */
    uint32_t n_masks;           /* Mask table entries, 1...4096 (512). */
    uint32_t n_meters;          /* Meter table entries, 0...1048576
                                 * (1024). */
    uint32_t n_counters;        /* Counter table entries: one per rule plus
                                 * shared counters; 0 means n_rules + 4096
                                 * (0).  At least n_rules otherwise. */
    uint32_t emc_size;          /* Exact-match cache entries per engine,
                                 * 0 (none) or a power of 2 up to 1048576
                                 * (8192). */
    uint32_t rx_ring_size;      /* Packets an RX ring of a port holds, a
                                 * power of 2, 16...65536 (1024). */
    uint32_t batch_size;        /* Most packets an engine takes from a
                                 * ring at once, 1...256 (32). */
};

struct fp_device_stats {
    uint64_t hits;              /* Packets that matched a rule in their
                                 * first lookup pass. */
    uint64_t misses;            /* Packets that matched none in their first
                                 * lookup pass. */
    uint32_t n_rules;           /* Rules in use. */
    uint32_t n_masks;           /* Distinct masks in use. */
    uint32_t n_meters;          /* Meters in use. */
    uint32_t n_counters;        /* Counters in use. */
    uint64_t emc_hits;          /* Lookups answered by an exact-match
                                 * cache. */
    uint64_t resets;            /* fp_device_reset() calls that
                                 * succeeded. */
    uint64_t recirculations;    /* Lookup passes after the first. */
    uint64_t recirc_misses;     /* Packets that missed in a later pass and
                                 * went to the host with their state. */
    uint64_t recirc_exceeded;   /* Packets that went to the host because an
                                 * FP_ACTION_RECIRC would have exceeded
                                 * FP_MAX_RECIRC. */
};

/* Devices. */
void fp_device_config_default(struct fp_device_config *);
int fp_device_config_validate(const struct fp_device_config *,
                              char **errp);
int fp_device_create(const char *name, const struct fp_device_config *,
                     struct fp_device **);
void fp_device_destroy(struct fp_device *);
struct fp_device *fp_device_find(const char *name);
size_t fp_device_list(struct fp_device **devices, size_t max);
const char *fp_device_name(const struct fp_device *);
const char *fp_device_driver(const struct fp_device *);
void fp_device_get_config(const struct fp_device *, struct fp_device_config *);
void fp_device_get_stats(const struct fp_device *, struct fp_device_stats *);

/* The parser of a device takes at most 'vlan_limit' VLAN tags (1 or 2,
 * default 2) and, like OVS with other_config:vlan-limit, takes the TPID of
 * a tag beyond the limit as 'eth_type' and parses nothing after it, so
 * that its keys are those of OVS's flow_extract() with the same limit.
 * fp_device_set_vlan_limit() returns 0, EINVAL for a limit out of range or
 * EOPNOTSUPP if the device cannot parse that way (then it keeps its
 * limit); it applies to packets that the device parses after it returns,
 * existing rules stay. */
int fp_device_set_vlan_limit(struct fp_device *, unsigned int vlan_limit);
unsigned int fp_device_get_vlan_limit(const struct fp_device *);

/* Device reset: every rule, meter and shared counter is gone, queued
 * packets are dropped, and every listener registered on the device is
 * called (on the resetting thread, after the reset, without any lock of the
 * device held, so it may call this API).  Port, rule and meter counters
 * start again from zero.  Returns 0 or a positive errno value.
 *
 * Precisely, after a successful reset:
 *
 *   - Rule ids, meter ids and shared counter ids of before the reset are
 *     unknown (ENOENT); their final counters are lost, so a caller that
 *     keeps totals reads them before it resets.  New rules and counters
 *     start from zero, even if they get an id that was in use before.
 *
 *   - Packets that were waiting in RX rings when the reset began are
 *     processed first, against the old rules; packets in exception queues
 *     are dropped without being counted.  Representors stay attached,
 *     endpoints, capture files, links and ingress policers (with their
 *     buckets) stay as they were.
 *
 *   - fp_port_get_stats() gives zero for every port (but for the packets
 *     that were queued for egress QoS, which are dropped and counted in
 *     'tx_drops' and 'tx_qos_drops' after the reset), and
 *     fp_device_get_stats() zero 'hits', 'misses', 'emc_hits',
 *     'recirculations', 'recirc_misses', 'recirc_exceeded' and zero
 *     resources in use; 'resets' is one more.
 *
 * A listener is told only that the device was reset: it is called once
 * per successful reset, with the device and its own 'aux', after all of
 * the above holds.  It is not called for a reset that fails (then nothing
 * changed), nor for the destruction of the device.  Listeners of one
 * device run in no particular order.  One removed with
 * fp_device_remove_listener() is not called by a reset that starts
 * afterward. */
typedef void fp_device_listener_func(struct fp_device *, void *aux);
int fp_device_reset(struct fp_device *);
void fp_device_add_listener(struct fp_device *, fp_device_listener_func *,
                            void *aux);
void fp_device_remove_listener(struct fp_device *,
                               fp_device_listener_func *, void *aux);

/* Fault injection, for tests: the next 'n' operations of kind 'op' on the
 * device fail with 'error' (a positive errno value) and change nothing.
 * 'n' 0 cancels.  An operation of a batch counts as one operation. */
enum fp_op {
    FP_OP_RULE_ADD,
    FP_OP_RULE_MODIFY,
    FP_OP_RULE_DELETE,
    FP_OP_RULE_STATS,           /* fp_rule_get_stats(), ..._all(). */
    FP_OP_METER,                /* fp_meter_set(), fp_meter_delete(). */
    FP_OP_COUNTER,              /* fp_counter_alloc(). */
    FP_OP_PORT_SEND,
    FP_OP_RESET,
    FP_OP_VLAN_LIMIT,           /* fp_device_set_vlan_limit(). */
    FP_OP_PORT_POLICER,         /* fp_port_set_policer(). */
    FP_N_OPS
};
void fp_device_fail_next(struct fp_device *, enum fp_op, unsigned int n,
                         int error);

/* Faults at random, for tests: each operation of every kind but
 * FP_OP_PORT_SEND, FP_OP_RESET and FP_OP_PORT_POLICER fails with a given
 * chance, reproducibly by a seed (see fp_device_fail_random() in
 * lib/fp.c). */
struct fp_fault_stats {
    uint64_t n_ops;                 /* Operations considered. */
    uint64_t n_failed[FP_N_OPS];    /* Operations made to fail, by kind. */
};
void fp_device_fail_random(struct fp_device *, unsigned int per_million,
                           uint32_t seed, int error);
bool fp_device_get_fault_stats(const struct fp_device *,
                               struct fp_fault_stats *);

/* Ports. */
uint32_t fp_device_n_ports(const struct fp_device *);
int fp_port_from_string(const struct fp_device *, const char *,
                        uint32_t *port);
void fp_port_to_string(const struct fp_device *, uint32_t port,
                       char *buf, size_t size);
int fp_port_attach(struct fp_device *, uint32_t port);
void fp_port_detach(struct fp_device *, uint32_t port);
int fp_port_send(struct fp_device *, uint32_t port,
                 const void *data, size_t size);
int fp_port_recv(struct fp_device *, uint32_t port,
                 void *buf, size_t size, size_t *lenp);

/* What the NIC tells the host about a packet that it hands to it (a miss, a
 * packet of a partially offloaded flow, an exception). */
struct fp_packet_md {
    uint32_t mark;              /* From FP_ACTION_MARK in the lookup pass
                                 * that handed the packet to the host, else
                                 * 0. */
    uint32_t rss_hash;          /* The packet's RSS hash, as OVS's software
                                 * datapath computes it for a packet without
                                 * one: miniflow_hash_5tuple(mf, 0) in OVS
                                 * 3.1, over the packet as the host gets
                                 * it; if 'recirc_id' is nonzero, over the
                                 * packet as it entered the NIC (see
                                 * "Recirculation"). */
    uint32_t recirc_id;         /* Nonzero: the NIC stopped after a
                                 * recirculation (a miss, an exception in a
                                 * later pass, or FP_MAX_RECIRC exceeded);
                                 * the host resumes with this recirc_id. */
    uint32_t dp_hash;           /* If 'recirc_id': the packet's dp_hash. */
};

int fp_port_recv_md(struct fp_device *, uint32_t port,
                    void *buf, size_t size, size_t *lenp,
                    struct fp_packet_md *);
void fp_port_recv_wait(struct fp_device *, uint32_t port);
int fp_port_inject(struct fp_device *, uint32_t port,
                   const void *data, size_t size);
int fp_port_set_tx_pcap(struct fp_device *, uint32_t port,
                        const char *file_name);
int fp_port_set_link(struct fp_device *, uint32_t port, const char *ifname);
void fp_port_get_stats(const struct fp_device *, uint32_t port,
                       struct fp_port_stats *);
int fp_port_set_link_state(struct fp_device *, uint32_t port, bool up);
void fp_port_get_link_state(const struct fp_device *, uint32_t port,
                            struct fp_port_link *);
int fp_port_get_link_carrier(struct fp_device *, uint32_t port,
                             bool *carrier);
const char *fp_port_get_link_name(const struct fp_device *, uint32_t port);

/* Egress QoS: transmit queues and their scheduler.
 *
 * A port with QoS sends what the NIC sends out of it (rule outputs and
 * fp_port_send()) through FP_QOS_N_QUEUES queues and a scheduler, shaped
 * to the port's rate, in the manner of Linux's HTB qdisc and of IEEE
 * 802.1Qaz Enhanced Transmission Selection: each class first gets its
 * guaranteed rate, in priority order; what is left goes to classes below
 * their ceiling, in priority order and by weight among classes of one
 * priority; nothing exceeds the port's rate.  A packet goes to the queue
 * its rule or its sender chose (FP_ACTION_SET_QUEUE, fp_port_send_md())
 * if the port has that queue and it is not 0, else to the class of the VF
 * it came from if that VF has a share of the port (fp_port_set_vf_rate()),
 * else to queue 0, the default.  A queue that is full drops at the tail;
 * its drops count in the queue's and the port's 'tx_drops' and
 * 'tx_qos_drops'.
 *
 * Rates are in bytes per second, bursts in bytes (0: the default, 10 ms
 * at the rate, at least two full-sized frames).  A device reset keeps the
 * configuration and the queue counters, and drops the queued packets
 * (counted in the queue's 'tx_drops' and, after the reset, the port's). */
#define FP_QOS_N_QUEUES 8

struct fp_qos_class {
    uint64_t min_rate;          /* Guaranteed rate, at most the ceiling;
                                 * 0: none. */
    uint64_t max_rate;          /* Ceiling; 0: the port's rate. */
    uint32_t burst;             /* Of both buckets; 0: default. */
    uint32_t priority;          /* 0 is served first. */
    uint32_t weight;            /* Share of the rest among classes of one
                                 * priority; 0: the guaranteed rate in
                                 * kB/s, at least 1 (as HTB shares in
                                 * proportion to rates). */
};

struct fp_qos_config {
    uint64_t rate;              /* The port's rate; 0: its link speed. */
    uint32_t burst;

    /* Egress policer, before the queues, as OVS's QoS type
     * egress-policer: a single rate three colour marker (RFC 2697) with no
     * excess bucket, filled at 'police_rate' bytes/s up to 'police_burst'
     * bytes, from which a packet takes its size without its 14-byte
     * Ethernet header; a packet that does not find enough is dropped.
     * 'police_rate' 0: none. */
    uint64_t police_rate;
    uint64_t police_burst;

    uint32_t queues;            /* Bit N set: queue N is configured. */
    struct fp_qos_class queue[FP_QOS_N_QUEUES];
};

struct fp_queue_stats {
    uint64_t tx_packets;
    uint64_t tx_bytes;
    uint64_t tx_drops;          /* Tail drops, and drops at a reset. */
    uint64_t backlog;           /* Packets in the queue now, neither sent
                                 * nor dropped yet (a gauge, not a count). */
};

/* What a sender tells the NIC about a packet it sends (fp_port_send_md()):
 * the queue it chose (as OVS's skb_priority, with dpif-netdev's queue ids)
 * and the NIC port it came from, FP_PORT_NONE if none. */
#define FP_PORT_NONE UINT32_MAX
struct fp_tx_md {
    uint32_t queue;
    uint32_t in_port;
};

int fp_port_set_qos(struct fp_device *, uint32_t port,
                    const struct fp_qos_config *);
int fp_port_set_vf_rate(struct fp_device *, uint32_t vf_port,
                        const struct fp_qos_class *);
int fp_port_get_queue_stats(const struct fp_device *, uint32_t port,
                            uint32_t queue, struct fp_queue_stats *);
int fp_port_send_md(struct fp_device *, uint32_t port,
                    const void *data, size_t size, const struct fp_tx_md *);
/* Ingress policing of a port.
 *
 * A port's policer polices every packet that comes into the NIC from the
 * port's outside (fp_port_inject(), fp_port_receive_batch(), a Linux
 * interface of fp_port_set_link()) before the packet is parsed and looked
 * up, so that the packets that the NIC forwards itself and those that it
 * hands to the host are policed alike.  It has up to two token buckets,
 * each a colour-blind single rate three colour marker (RFC 2697, as
 * FP_METER_SRTCM) with an empty excess bucket, so that a packet is either
 * green or red:
 *
 *   - a byte bucket, if 'kbits_rate' is nonzero: it fills at 'kbits_rate'
 *     kilobits (1000 bits) per second up to 'kbits_burst' kilobits, and a
 *     packet takes its size without its 14-byte Ethernet header, as Open
 *     vSwitch's netdev-dpdk ingress policer (and Linux's tc police at
 *     ingress) count it;
 *
 *   - a packet bucket, if 'kpkts_rate' is nonzero: it fills at
 *     'kpkts_rate' thousand packets per second up to 'kpkts_burst'
 *     thousand packets, and a packet takes one.
 *
 * A packet passes if every bucket in use has enough for it, and then takes
 * from each; otherwise it is dropped, takes nothing and is counted in the
 * port's 'policer_drops' and 'drops' (not in 'rx_packets').  Buckets start
 * full when a policer is set (also when it changes) and fill with the time
 * of OVS's monotonic clock (time_usec(), which ovs-appctl time/stop and
 * time/warp control), in microseconds.  A device reset keeps policers.
 *
 * All zero: no policer (the default).  A nonzero burst with a zero rate is
 * ignored (stored as zero).  Units are those of Open vSwitch's Interface
 * columns ingress_policing_rate, ingress_policing_burst,
 * ingress_policing_kpkts_rate and ingress_policing_kpkts_burst, but
 * without their defaults: the caller gives every burst that a nonzero rate
 * needs. */
struct fp_port_policer {
    uint32_t kbits_rate;        /* kbit/s, 0: no byte bucket. */
    uint32_t kbits_burst;       /* kbit, nonzero if 'kbits_rate' is. */
    uint32_t kpkts_rate;        /* 1000 packets/s, 0: no packet bucket. */
    uint32_t kpkts_burst;       /* 1000 packets, nonzero if 'kpkts_rate'
                                 * is. */
};

int fp_port_set_policer(struct fp_device *, uint32_t port,
                        const struct fp_port_policer *);
void fp_port_get_policer(const struct fp_device *, uint32_t port,
                         struct fp_port_policer *);

/* The outside of a port: endpoints.
 *
 * What a NIC port sends to its outside (rule outputs and fp_port_send())
 * goes to the port's endpoint.  The default endpoint is in memory: it
 * counts the packet (tx_packets, tx_bytes) and writes it to the port's
 * pcap file, if any.  fp_port_set_endpoint() replaces it, for example by a
 * Linux interface; the port still counts TX, and still writes the pcap,
 * for the frames that the endpoint takes (see 'send' below).
 *
 * Packets come in from the outside either with fp_port_inject(), which
 * waits until an engine has processed the packet, or asynchronously with
 * fp_port_receive_batch(), which copies packets into the port's RX ring
 * (drops and counts those that do not fit) and returns at once; the packet
 * engines poll the rings.  Both can be used on the same port; packets of
 * one port are processed in the order they were queued. */
struct fp_endpoint_ops {
    /* Sends the 'size' bytes at 'data' out of NIC 'port' to the outside
     * that 'aux' stands for.  'data' belongs to the caller and is valid
     * only during the call.
     *
     * Called from packet-engine threads and from the threads that call
     * fp_port_send(), possibly concurrently for the same port, so the
     * endpoint does its own locking.  Must not block for long and must not
     * call back into this API for the same device, except
     * fp_port_receive_batch() of another port.
     *
     * Returns 0 if the outside took the frame, or a positive errno value
     * if it did not and the frame is lost (for example ENOBUFS or EAGAIN
     * when a Linux interface's transmit queue is full): the port then
     * counts it in 'drops' rather than in 'tx_packets' and 'tx_bytes', and
     * does not write it to its pcap file. */
    int (*send)(void *aux, uint32_t port, const void *data, size_t size);

    /* Optional: an outside that the device's own threads (the model's
     * packet engines) poll for packets, so that a packet that comes in
     * wakes one thread, not a thread of the endpoint and then an engine.
     * Both NULL or both nonnull; without them, the endpoint brings its
     * packets in itself, with fp_port_receive_batch() from a thread of its
     * own.
     *
     * 'get_fd' returns a file descriptor, owned by the endpoint, that
     * poll() reports readable (POLLIN) while 'receive' has a packet to
     * bring in.
     *
     * 'receive' brings up to 'max' packets that wait on the outside into
     * 'port' with fp_port_receive_batch(), in their order, and returns
     * the number of frames it read (0 if none waited).  The driver makes
     * 'max' at most the room of the port's RX ring, so that nothing is
     * dropped for want of room: while the ring is full, the packets wait
     * on the outside, as on a wire with 802.3x PAUSE frames.  With
     * 'error', poll() reported POLLERR on the file descriptor: the
     * endpoint reads and clears the error, even if 'max' is 0.  Called
     * from one thread at a time for a port, never concurrently with
     * fp_port_set_endpoint() for it; must not block. */
    int (*get_fd)(void *aux);
    size_t (*receive)(void *aux, uint32_t port, size_t max, bool error);
};

/* One packet of fp_port_receive_batch(). */
struct fp_packet {
    const void *data;
    size_t size;
};

int fp_port_set_endpoint(struct fp_device *, uint32_t port,
                         const struct fp_endpoint_ops *, void *aux);
int fp_port_receive_batch(struct fp_device *, uint32_t port,
                          const struct fp_packet *, size_t n,
                          size_t *n_queued);
int fp_device_flush(struct fp_device *);

/* Rules. */
int fp_rule_add(struct fp_device *, const struct fp_rule *, uint32_t *idp);
int fp_rule_modify(struct fp_device *, uint32_t id, const struct fp_rule *);
int fp_rule_delete(struct fp_device *, uint32_t id, struct fp_rule_stats *);
void fp_rule_prefetch(struct fp_device *, const struct fp_rule *);
int fp_rule_get_stats(struct fp_device *, uint32_t id,
                      struct fp_rule_stats *);

/* Batched rule changes, as a device's command queue takes them: every
 * operation has its own result.  The operations are applied in order; the
 * ones that succeed become visible to packets together, at one instant,
 * so a packet sees either none or all of them. */
enum fp_rule_op_type {
    FP_RULE_OP_ADD,             /* Adds 'rule'; stores its handle in 'id'. */
    FP_RULE_OP_MODIFY,          /* Replaces rule 'id' by 'rule'. */
    FP_RULE_OP_DELETE,          /* Deletes rule 'id'; final counters in
                                 * 'stats'. */
};

struct fp_rule_op {
    /* Set by the caller. */
    enum fp_rule_op_type type;
    const struct fp_rule *rule; /* For ADD and MODIFY. */
    uint32_t id;                /* For MODIFY and DELETE; set by ADD. */
    bool no_wait;               /* For DELETE: see fp_rule_batch(). */

    /* Set by fp_rule_batch(). */
    int error;                  /* 0 or a positive errno value. */
    enum fp_resource full;      /* With ENOSPC, the full table. */
    struct fp_rule_stats stats; /* DELETE: final counters. */

    /* Set by fp_rule_batch(): with an error, the driver's own message for
     * the operator (e.g. the rte_flow driver's: the PMD's message of a
     * refusal by rte_flow_validate() or rte_flow_create(), or what the
     * translation to rte_flow cannot express), else empty.  The core
     * empties it before calling the driver; a driver that has no message
     * leaves it empty.  Always null-terminated. */
    char reason[128];
};

int fp_rule_batch(struct fp_device *, struct fp_rule_op *, size_t n);

/* Bulk counter read: all rules' counters in one call. */
struct fp_rule_stats_entry {
    uint32_t id;
    struct fp_rule_stats stats;
};

int fp_rule_get_stats_all(struct fp_device *,
                          struct fp_rule_stats_entry **entriesp,
                          size_t *n_entriesp);

/* Meters.
 *
 * A meter decides, for each packet, whether it goes on or is dropped;
 * FP_ACTION_METER drops what the meter rejects (and remarks what a
 * dscp_remark band of FP_METER_BANDS takes).  Three kinds:
 *
 *   - FP_METER_SRTCM (RFC 2697, colour-blind): committed bucket of 'cbs'
 *     and excess bucket of 'ebs', both filled at 'cir'; 'pir' is unused.
 *     Red packets are dropped.
 *
 *   - FP_METER_TRTCM (RFC 2698, colour-blind): peak bucket of 'ebs' filled
 *     at 'pir', committed bucket of 'cbs' filled at 'cir' (pir >= cir).
 *     Red packets are dropped.
 *
 *   For these two, rates are in units per second and bursts in units,
 *   where the unit is a byte (of the whole frame, L2 included) or, with
 *   'pkts', a packet, and time is counted in microseconds.
 *
 *   - FP_METER_BANDS: OpenFlow drop bands, exactly as Open vSwitch's
 *     userspace datapath (dpif-netdev) runs them, so that a meter that
 *     polices some packets of a flow in the host and others in the NIC
 *     is one meter.  'n_bands' bands, each a bucket that holds 'burst'
 *     units and fills at 'rate' units per second, where the unit is a
 *     kilobit (of the whole frame) or, with 'pkts', a packet.  Buckets are
 *     kept in bits or thousandths of a packet and fill in steps of whole
 *     milliseconds of the device clock (time_usec() / 1000, the clock that
 *     OVS's time/stop and time/warp control), by at most the time the
 *     slowest band takes to fill from empty (in whole milliseconds, each
 *     band's time rounded down and cut to 32 bits, as dpif-netdev does);
 *     every bucket starts full.  A packet takes its size (in bits,
 *     or one packet) from every band that has that much; if some band
 *     does not, the packet is dropped and counted in the band of the
 *     highest rate among those that did not have enough (the first of
 *     them on a tie).  If that band is a dscp_remark band ('remark'), the
 *     packet is not dropped but goes on with its DSCP remarked by
 *     fp_meter_remark_dscp() (IPv4, with the header checksum updated, or
 *     IPv6; other packets go on unchanged), and counts in the band all the
 *     same.  'cir', 'cbs', 'pir' and 'ebs' are unused. */
enum fp_meter_type {
    FP_METER_SRTCM,
    FP_METER_TRTCM,
    FP_METER_BANDS,
};

/* The most bands of an FP_METER_BANDS meter: as many as OVS 3.1's
 * userspace datapath takes (MAX_BANDS in lib/dpif-netdev.c), so that every
 * meter that dpif-netdev runs can run in a NIC. */
#define FP_METER_MAX_BANDS 8

struct fp_meter_band {
    uint32_t rate;              /* kbit/s, or packets/s with 'pkts'. */
    uint32_t burst;             /* kbit, or packets with 'pkts'. */
    bool remark;                /* An OpenFlow dscp_remark band, else a drop
                                 * band. */
    uint8_t prec_level;         /* 'remark': drop precedence levels to
                                 * add. */
};

uint8_t fp_meter_remark_dscp(uint8_t dscp, uint8_t prec_level);

struct fp_meter_config {
    enum fp_meter_type type;
    bool pkts;                  /* Units are packets, else bytes (srTCM,
                                 * trTCM) or kilobits (bands). */
    uint64_t cir;               /* Committed information rate. */
    uint64_t cbs;               /* Committed burst size. */
    uint64_t pir;               /* Peak information rate (trTCM). */
    uint64_t ebs;               /* Excess (srTCM) or peak (trTCM) burst
                                 * size. */
    size_t n_bands;             /* FP_METER_BANDS: 1...FP_METER_MAX_BANDS. */
    struct fp_meter_band bands[FP_METER_MAX_BANDS];
};

struct fp_meter_stats {
    uint64_t green_packets;
    uint64_t yellow_packets;
    uint64_t pass_packets;      /* Green and yellow. */
    uint64_t pass_bytes;
    uint64_t drop_packets;      /* Red. */
    uint64_t drop_bytes;
    uint64_t band_packets[FP_METER_MAX_BANDS];  /* FP_METER_BANDS: dropped */
    uint64_t band_bytes[FP_METER_MAX_BANDS];    /* by each band. */
};

int fp_meter_set(struct fp_device *, uint32_t meter_id,
                 const struct fp_meter_config *);
int fp_meter_delete(struct fp_device *, uint32_t meter_id);
int fp_meter_get_stats(struct fp_device *, uint32_t meter_id,
                       struct fp_meter_stats *);
int fp_meter_police(struct fp_device *, uint32_t meter_id,
                    const uint32_t sizes[], size_t n, long long int now,
                    bool passed[], uint8_t remarks[]);
bool fp_meter_can_police(const struct fp_device *);

/* Shared counters, for FP_ACTION_COUNT. */
int fp_counter_alloc(struct fp_device *, uint32_t *idp);
int fp_counter_free(struct fp_device *, uint32_t id);
int fp_counter_get(struct fp_device *, uint32_t id, struct fp_rule_stats *);

/* Edge virtual bridging: VEB, VEPA and port extension.
 *
 * How the NIC's embedded switch hands switching to the bridge next to it
 * (IEEE 802.1Qbg and 802.1BR).  Both act at the egress of the NIC, after a
 * rule or the host (fp_port_send()) has chosen an output port, and at the
 * ingress of an extended uplink.  The VFs' uplink is physical port 0.
 *
 *   - VEB (Virtual Ethernet Bridge, the default): the NIC sends a frame
 *     where its rule or the host says, VF to VF included.
 *
 *   - VEPA (Virtual Ethernet Port Aggregator, 802.1Qbg): a frame that came
 *     from a VF (the packet's input port for a rule's output, the
 *     'in_port' of struct fp_tx_md for fp_port_send_md()) and is to go out
 *     of a VF (another one or the same) leaves on the uplink instead, and
 *     is counted in the source VF's 'vepa_redirects': the NIC never
 *     forwards VF to VF itself.  The adjacent bridge's reflective relay
 *     sends it back; it comes in on the uplink as any frame from the wire.
 *     Every such output is one copy on the uplink: a rule that outputs to
 *     two VFs and to the uplink sends three copies there, as the host's
 *     path does for the same actions.
 *
 *   - Port extension (802.1BR), per physical port: the NIC is a port
 *     extender on that port, each VF an extended port named by its
 *     E-CID.  A frame that a VF sent and that goes out of an extended port
 *     carries an E-TAG after its source MAC, with the VF's unicast E-CID,
 *     ingress E-CID 0, and E-PCP and E-DEI from the frame's outermost VLAN
 *     tag (0 if it has none); a frame that did not come from a VF (from a
 *     physical port or from the host alone) has no E-CID to carry and is
 *     dropped there ('etag_tx_drops').  A frame received on an extended
 *     port is not parsed nor looked up: with a unicast E-CID (GRP 0) it
 *     goes, without its E-TAG, to the VF of that E-CID; with a multicast
 *     E-CID (GRP nonzero) to each VF of that group except the one whose
 *     E-CID is the tag's ingress E-CID (source pruning).  A frame without
 *     an E-TAG, or for an E-CID no VF has, is dropped and counted (also in
 *     the port's 'drops').  Rules never see E-TAGs.
 *
 * E-CIDs: the NIC uses E-CID bases with zero extensions.  A VF's unicast
 * E-CID is 1...FP_ECID_MAX, by default its VF index + 1 (vf0: 1), unique
 * on the device.  A multicast group is named by its GRP and E-CID base as
 * one number, GRP * 4096 + base, FP_ECID_GROUP_MIN...FP_ECID_GROUP_MAX; a
 * VF is in at most FP_ECID_MAX_GROUPS groups.
 *
 * A device reset keeps the mode, the extended ports, the E-CIDs and these
 * counters, which never go back. */
enum fp_evb_mode {
    FP_EVB_VEB,
    FP_EVB_VEPA,
};

/* The E-TAG of IEEE 802.1BR: TPID 0x893f, then three 16-bit words:
 * E-PCP (3 bits), E-DEI (1), ingress E-CID base (12); reserved (2), GRP
 * (2), E-CID base (12); ingress E-CID ext (8), E-CID ext (8).  The layout
 * is the standard's (802.1BR-2012, the E-TAG format of its clause 7), as
 * DPDK's struct rte_flow_item_e_tag has it. */
#define FP_ETAG_TPID 0x893f
#define FP_ETAG_LEN 8

struct fp_etag {
    uint8_t pcp;                /* E-PCP, 0...7. */
    bool dei;                   /* E-DEI. */
    uint16_t ingress_ecid_base; /* 0...4095. */
    uint8_t grp;                /* 0 (unicast) ... 3. */
    uint16_t ecid_base;         /* 0...4095. */
    uint8_t ingress_ecid_ext;
    uint8_t ecid_ext;
};

#define FP_ECID_MAX 4095
#define FP_ECID_GROUP_MIN 4096
#define FP_ECID_GROUP_MAX 16383
#define FP_ECID_MAX_GROUPS 8

void fp_etag_parse(const uint8_t tag[FP_ETAG_LEN], struct fp_etag *);
void fp_etag_format(const struct fp_etag *, uint8_t tag[FP_ETAG_LEN]);

const char *fp_evb_mode_to_string(enum fp_evb_mode);
bool fp_evb_mode_from_string(const char *, enum fp_evb_mode *);
int fp_device_set_evb_mode(struct fp_device *, enum fp_evb_mode);
enum fp_evb_mode fp_device_get_evb_mode(const struct fp_device *);
int fp_port_set_extension(struct fp_device *, uint32_t port, bool on);
bool fp_port_get_extension(const struct fp_device *, uint32_t port);

struct fp_port_ecid {
    uint32_t ecid;              /* Unicast; 0 for the default. */
    size_t n_groups;
    uint32_t groups[FP_ECID_MAX_GROUPS];
};

int fp_port_set_ecid(struct fp_device *, uint32_t vf_port,
                     const struct fp_port_ecid *);
void fp_port_get_ecid(const struct fp_device *, uint32_t vf_port,
                      struct fp_port_ecid *);

struct fp_evb_stats {
    uint64_t vepa_redirects;    /* VF: its frames for a VF that VEPA sent
                                 * to the uplink instead. */
    uint64_t etag_tx;           /* Extended port: frames sent with an
                                 * E-TAG. */
    uint64_t etag_tx_drops;     /* Extended port: frames not from a VF,
                                 * dropped. */
    uint64_t etag_rx;           /* Extended port: tagged frames received
                                 * and delivered to at least one VF. */
    uint64_t etag_rx_untagged_drops;    /* Extended port: frames received
                                         * without an E-TAG, dropped. */
    uint64_t etag_rx_unknown_drops;     /* Extended port: frames received
                                         * for an E-CID of no VF, or whose
                                         * group had only the source VF,
                                         * dropped. */
    uint64_t etag_rx_pruned;    /* Extended port: copies not sent to the
                                 * source VF of a multicast frame. */
};

void fp_port_get_evb_stats(const struct fp_device *, uint32_t port,
                           struct fp_evb_stats *);

/* Tracing: what the NIC does with one packet, stage by stage.
 *
 * fp_port_trace() runs a packet through the pipeline of a port as
 * fp_port_inject() does, with the same code, and records in a struct
 * fp_trace each stage it meets: the port's ingress, the parse (the key),
 * the lookup (the rule it hits, or the miss) and each action of the rule
 * with the packet as the action leaves it.
 *
 * A dry trace ('dry' true) has no effect at all: nothing is sent out of a
 * port or to the host, no counter of a port, rule, meter or shared counter
 * changes, no cache entry is made and no meter token is taken; a meter
 * action records what the meter would do now.  A live trace ('dry' false)
 * is an fp_port_inject() that also records what happened to its packet. */

/* What the ingress of a port did with the packet. */
enum fp_trace_ingress {
    FP_TRACE_ADMITTED,          /* Taken in. */
    FP_TRACE_LINK_DOWN,         /* Dropped: the port's link is down. */
    FP_TRACE_TOO_BIG,           /* Dropped: larger than the largest frame
                                 * of the device. */
    FP_TRACE_RING_FULL,         /* Dropped: the port's RX ring is full
                                 * (live traces only). */
    FP_TRACE_POLICED,           /* Dropped: red in the port's ingress
                                 * policer. */
    FP_TRACE_VF_UNPLUGGED,      /* Dropped: the port is a VF that is
                                 * unplugged (fp_port_vf_unplug()). */
    FP_TRACE_VF_POLICY,         /* Dropped by the VF policy: see the trace's
                                 * 'vf' (a spoof check, a tagged frame). */
};

/* What happened to a packet handed to the host (exception path). */
enum fp_trace_host {
    FP_TRACE_HOST_NONE,         /* Not handed to the host. */
    FP_TRACE_HOST_QUEUED,       /* Queued on the port's representor. */
    FP_TRACE_HOST_NO_REPRESENTOR,   /* Dropped: none attached. */
    FP_TRACE_HOST_QUEUE_FULL,   /* Dropped: its queue is full. */
};

/* A meter action of a trace: the meter's buckets as the packet finds them
 * (refilled up to the time of the packet, before the packet takes its
 * tokens) and its colour. */
struct fp_trace_meter {
    uint32_t meter_id;          /* The caller's meter id. */
    int color;                  /* 0 green, 1 yellow, 2 red (dropped). */
    struct fp_meter_config config;
    uint64_t levels[FP_METER_MAX_BANDS];    /* FP_METER_BANDS: each band's
                                             * bucket, in bits (or 1/1000
                                             * packets); srTCM, trTCM:
                                             * [0] committed, [1] excess
                                             * or peak bucket, in units. */
};

/* One executed action of a trace. */
struct fp_trace_step {
    struct fp_action action;    /* As the rule has it; FP_ACTION_METER
                                 * with the caller's meter id. */
    bool stop;                  /* The packet went no further: a drop, a
                                 * red meter, a dec_ttl of a TTL 0 or 1
                                 * (which sends it to the host instead). */
    bool link_down;             /* FP_ACTION_OUTPUT: the port's link is
                                 * down, the copy is dropped. */
    enum fp_trace_host host;    /* FP_ACTION_EXCEPTION, a stopping
                                 * FP_ACTION_DEC_TTL. */
    struct fp_trace_meter meter;    /* FP_ACTION_METER. */
    uint8_t *packet;            /* The packet as the action leaves it, */
    size_t size;                /* owned by the trace. */
    int vf;                     /* FP_ACTION_OUTPUT to a VF: what its VF
                                 * policy does with the copy toward the
                                 * guest (enum fp_vf_verdict), as the
                                 * policy is when the action runs. */
};

/* What port extension did with a frame received on an extended uplink. */
enum fp_trace_etag {
    FP_TRACE_ETAG_NONE,         /* Not an extended uplink. */
    FP_TRACE_ETAG_DELIVERED,    /* Untagged and sent to the VFs of its
                                 * E-CID. */
    FP_TRACE_ETAG_UNTAGGED,     /* Dropped: no E-TAG. */
    FP_TRACE_ETAG_UNKNOWN,      /* Dropped: no VF has its E-CID (or every
                                 * VF of its group was pruned). */
};

/* Most VFs that a trace lists for a frame delivered by its E-CID. */
#define FP_TRACE_MAX_ETAG_PORTS 16

/* What the egress of the NIC did with the copy of an output action. */
struct fp_trace_evb_out {
    uint32_t port;              /* The port it left on: the action's port,
                                 * or the uplink if VEPA redirected it. */
    bool redirected;            /* VEPA sent it to the uplink instead. */
    bool etag_drop;             /* Dropped: not from a VF, for an extended
                                 * uplink. */
    uint32_t ecid;              /* The E-CID of the E-TAG pushed, 0 if
                                 * none. */
};

struct fp_trace {
    bool dry;                   /* Set by fp_port_trace(). */

    /* Ingress. */
    enum fp_trace_ingress ingress;
    struct fp_port_policer policer; /* The port's policer (all zero: none)
                                     * and, if it has one, its buckets as */
    uint64_t policer_bytes;     /* the packet finds them: bytes in the */
    uint64_t policer_pkts;      /* byte bucket, packets in the packet
                                 * bucket. */

    /* Parse, if admitted. */
    unsigned int vlan_limit;    /* Of the parser. */
    int parse_error;            /* 0, or the packet failed to parse and
                                 * goes to the host as malformed. */
    struct fp_key key;

    /* Lookup, if parsed. */
    bool hit;
    uint32_t rule_id;           /* If 'hit': the rule's id, or 0 if the rule
                                 * was deleted or modified since. */
    uint32_t priority;          /* If 'hit'. */
    const void *driver_rule;    /* If 'hit': for the driver. */

    /* A miss or a malformed packet: what became of it. */
    enum fp_trace_host miss;

    /* Actions of the rule, if 'hit', as far as they were executed. */
    size_t n_steps;
    struct fp_trace_step steps[FP_MAX_ACTIONS];

    /* Edge virtual bridging (see "Edge virtual bridging" below). */
    enum fp_evb_mode evb_mode;  /* The device's mode at the trace. */
    enum fp_trace_etag etag_rx; /* What port extension did with the packet,
                                 * if the port is an extended uplink (then
                                 * nothing is parsed nor looked up). */
    struct fp_etag etag;        /* FP_TRACE_ETAG_DELIVERED, _UNKNOWN: the
                                 * tag received. */
    size_t n_etag_ports;        /* FP_TRACE_ETAG_DELIVERED: the VFs the
                                 * frame went to, the first */
    uint32_t etag_ports[FP_TRACE_MAX_ETAG_PORTS];   /* ones of them. */
    uint32_t etag_pruned;       /* The VF left out by source pruning, or
                                 * FP_PORT_NONE. */
    struct fp_trace_evb_out evb_out[FP_MAX_ACTIONS];    /* For each step of
                                                         * an output. */
    /* Ingress of a VF: what its VF policy did with the packet from the
     * guest (enum fp_vf_verdict), and the tag it inserted, if any (TPID
     * and TCI in network byte order, as on the wire). */
    int vf;
    uint16_t vf_tpid;
    uint16_t vf_tci;

    /* Recirculation: a trace records one lookup pass.  If the rule's last
     * step is an FP_ACTION_RECIRC, 'next' is the trace of the next pass
     * (its ingress fields are unused; its key has the recirc_id and
     * dp_hash), owned by this trace and freed by fp_trace_uninit(), or
     * NULL if the packet went to the host instead because the recirculation
     * would have exceeded FP_MAX_RECIRC ('recirc_exceeded' true, and
     * 'recirc_host' says what became of it). */
    uint32_t pass;              /* 0 for the first pass. */
    struct fp_trace *next;
    bool recirc_exceeded;
    enum fp_trace_host recirc_host;
};

int fp_port_trace(struct fp_device *, uint32_t port, const void *data,
                  size_t size, bool dry, struct fp_trace *);
void fp_trace_uninit(struct fp_trace *);

/* VF hot-unplug and plug.
 *
 * fp_port_vf_unplug() takes a VF away from its guest as a PCI hot-unplug
 * does (the guest's driver sees its function disappear, for example before
 * the guest migrates); fp_port_vf_plug() gives it back.  Meanwhile:
 *
 *   - Nothing comes in from the VF's outside, and what the NIC would send
 *     to it (rule outputs, fp_port_send(), packets already queued for it in
 *     its egress QoS queues when it was unplugged) is dropped and counted:
 *     in the port's 'drops' and 'tx_drops' as for a link that is down, and
 *     in 'drops' of struct fp_vf_hotplug.  Packets that were in the VF's RX
 *     ring when it was unplugged had already entered the NIC: they are
 *     processed before fp_port_vf_unplug() returns, as fp_device_flush()
 *     does.
 *
 *   - The VF's representor stays, as switchdev NICs keep a VF's
 *     representor when the VF is gone: the host may still read what is
 *     queued on it and send to the VF (dropped, as above).  Its link is
 *     down (fp_port_get_link_state()), and comes back up when the VF is
 *     plugged back in, unless its link state is down for another reason.
 *
 *   - If the VF's outside is a Linux interface (fp_port_set_link()), the
 *     interface is set administratively down, so that the guest sees its
 *     interface lose carrier (the other end of a veth pair does), and up
 *     again when the VF is plugged back in.
 *
 *   - Rules, counters and the VF's settings stay: a NIC forgets nothing of
 *     a VF that is unplugged.  The caller takes out the rules that should
 *     not stay (the OVS side takes out those that match on the VF or send
 *     to it, see ovs-offload(8)).
 *
 * Both return 0, EINVAL if 'port' is not a VF of the device, EALREADY if
 * the VF is already unplugged (or plugged), EOPNOTSUPP if the driver
 * cannot, or another positive errno value (then nothing changed).  Both
 * are for the control path only, as fp_port_set_link(). */
struct fp_vf_hotplug {
    bool unplugged;             /* Now. */
    uint64_t unplugs;           /* Unplugs since the device was created. */
    uint64_t drops;             /* Packets dropped because the VF was
                                 * unplugged, to it and from it, since the
                                 * device was created (a reset keeps
                                 * it). */
};

int fp_port_vf_unplug(struct fp_device *, uint32_t port);
int fp_port_vf_plug(struct fp_device *, uint32_t port);
void fp_port_get_vf_hotplug(const struct fp_device *, uint32_t port,
                            struct fp_vf_hotplug *);

/* Returns false if no VF of the device can be unplugged now (none of any
 * device ever was: a load, for a caller that would otherwise ask
 * fp_port_get_vf_hotplug() about every port of a rule), otherwise true.
 * Any thread. */
bool fp_port_vf_maybe_unplugged(const struct fp_device *);

/* SR-IOV VF administration.
 *
 * A VF port may have a VF policy: what the NIC's embedded switch enforces
 * at the VF's boundary with its guest (the outside of the VF port), before
 * and independently of the rule table, with the meaning of Linux's "ip
 * link set PF vf N ..." (ip-link(8)) on SR-IOV NICs.  Where it acts:
 *
 *   - From the guest (fp_port_inject(), fp_port_receive_batch(), a Linux
 *     endpoint, traces): the VF's link (see 'link_state'), then the VF
 *     policy (spoof check, refusal of tagged frames, insertion of the port
 *     VLAN), then the port's ingress policer, then the lookup or the
 *     exception path.  So the rules and the host see a VF's frames as the
 *     switch sees them, with the port VLAN tag.
 *
 *   - Toward the guest (rule outputs and fp_port_send(), after egress
 *     QoS): the VF's link, then the VF policy (port VLAN checked and
 *     stripped, receive filter), then the guest.
 *
 * A VF without a policy (the default, and after fp_vf_set_config() with a
 * NULL config) passes every frame unchanged and its link is its port's
 * link (fp_port_set_link_state()).  A device reset keeps VF policies and VF
 * counters; fp_vf_reset() resets one VF. */

/* The VF's link as its guest sees it.  The VF's link is up only while its
 * port's link (fp_port_set_link_state()) is up and this says up. */
enum fp_vf_link_state {
    FP_VF_LINK_AUTO,            /* Follows the link of the PF, physical port
                                 * 0 (the VFs' uplink). */
    FP_VF_LINK_ENABLE,          /* Up. */
    FP_VF_LINK_DISABLE,         /* Down. */
};

/* A VF policy.  fp_vf_config_default() gives each member its default, the
 * default of Linux SR-IOV drivers. */
struct fp_vf_config {
    bool has_mac;               /* The VF has an administrative MAC. */
    uint8_t mac[6];             /* If 'has_mac': a unicast address, not
                                 * zero. */
    uint16_t vlan;              /* Port VLAN ID (host byte order): 1...4094,
                                 * 0 for none (default). */
    uint8_t vlan_pcp;           /* PCP of the port VLAN tag, 0...7 (0); 0
                                 * without a port VLAN. */
    uint16_t vlan_tpid;         /* TPID of the port VLAN tag, network byte
                                 * order: htons(0x8100) (802.1Q, default) or
                                 * htons(0x88a8) (802.1ad); 802.1Q without a
                                 * port VLAN. */
    bool spoofchk;              /* Spoof check (default on): drop frames
                                 * from the guest whose source MAC is not
                                 * 'mac' (if 'has_mac' and not 'trust'). */
    bool trust;                 /* Trusted (default off): may send from
                                 * another MAC than 'mac', and may have
                                 * 'promisc' and 'allmulti'. */
    enum fp_vf_link_state link_state;   /* Default auto. */
    bool promisc;               /* Receive every unicast and multicast
                                 * frame the switch sends the VF (needs
                                 * 'trust'; default off). */
    bool allmulti;              /* Receive every multicast frame (needs
                                 * 'trust'; default off). */
};

/* The receive filter of a VF with a policy, toward the guest:
 *
 *   - broadcast: always received;
 *
 *   - unicast: with 'has_mac' and without 'promisc', only to 'mac' (others
 *     are dropped and counted in 'filter_drops'); without 'has_mac', the
 *     model cannot know the guest's address and receives every unicast;
 *
 *   - multicast: with 'allmulti' or 'promisc', every group; otherwise only
 *     the groups every IP host is in, since the NIC cannot learn the
 *     guest's multicast list: IPv4 all-hosts (01:00:5e:00:00:01), IPv6
 *     all-nodes (33:33:00:00:00:01) and IPv6 solicited-node
 *     (33:33:ff:xx:xx:xx, for neighbor discovery); others are dropped and
 *     counted in 'filter_drops'.
 *
 * The port VLAN: frames from the guest that have a tag (TPID 0x8100 or
 * 0x88a8, priority tags included) are dropped and counted in 'vlan_drops';
 * the others get the tag 'vlan_tpid', 'vlan_pcp', 'vlan' after their
 * source MAC.  Toward the guest, a frame whose outermost tag has that TPID
 * and VID loses it; any other frame (untagged, of another VLAN) is
 * dropped and counted in 'vlan_drops'.
 *
 * VF counters, from the guest's point of view as Linux's IFLA_VF_STATS:
 * rx is toward the guest, tx from the guest.  Counted for every VF, with
 * or without a policy, since the VF was created or last reset
 * (fp_vf_reset()); 'resets' counts those resets. */
struct fp_vf_stats {
    uint64_t rx_packets;        /* Delivered to the guest; */
    uint64_t rx_bytes;          /* as the guest gets them (no port VLAN). */
    uint64_t rx_multicast;      /* Of 'rx_packets': multicast, */
    uint64_t rx_broadcast;      /* broadcast. */
    uint64_t tx_packets;        /* Taken from the guest by the VF policy; */
    uint64_t tx_bytes;          /* as the guest sent them. */
    uint64_t rx_dropped;        /* Dropped toward the guest by the VF
                                 * policy: 'filter_drops' and port VLAN. */
    uint64_t tx_dropped;        /* Dropped from the guest by the VF policy:
                                 * 'spoof_drops' and tagged frames. */
    uint64_t spoof_drops;       /* Spoof check. */
    uint64_t vlan_drops;        /* Port VLAN, both ways. */
    uint64_t filter_drops;      /* Receive filter. */
    uint64_t resets;            /* fp_vf_reset() of this VF. */
};

/* What a VF policy did with a frame (struct fp_trace). */
enum fp_vf_verdict {
    FP_VF_NONE,                 /* Not a VF, or a VF without a policy. */
    FP_VF_PASSED,               /* Passed unchanged. */
    FP_VF_VLAN_PUSHED,          /* From the guest: passed, the port VLAN
                                 * inserted. */
    FP_VF_VLAN_POPPED,          /* Toward the guest: passed, the port VLAN
                                 * stripped. */
    FP_VF_SPOOFED,              /* Dropped: spoof check. */
    FP_VF_TAGGED,               /* Dropped: tagged frame from the guest of a
                                 * VF with a port VLAN. */
    FP_VF_OTHER_VLAN,           /* Dropped: toward the guest, not of the
                                 * port VLAN. */
    FP_VF_FILTERED,             /* Dropped: receive filter. */
    FP_VF_LINK_DOWN,            /* Dropped: the VF's link state is down. */
};

const char *fp_vf_verdict_name(enum fp_vf_verdict);
void fp_vf_config_default(struct fp_vf_config *);

/* fp_vf_set_config() gives VF port 'port' the policy 'config', or none if
 * 'config' is NULL; it applies to frames that cross the VF's boundary
 * after it returns, and keeps the VF's counters.  Returns 0, EINVAL if
 * 'port' is not a VF or 'config' is not valid (see struct fp_vf_config:
 * a multicast or zero MAC, a VLAN ID above 4094, a PCP above 7 or a TPID
 * other than 802.1Q/802.1ad, a PCP or 802.1ad without a port VLAN,
 * 'promisc' or 'allmulti' without 'trust', an unknown link state), or
 * EOPNOTSUPP if the driver has no VF administration; on error the VF keeps
 * its policy.
 *
 * fp_vf_get_config() stores the policy of VF port 'port' in '*config' and
 * returns 0, or ENOENT if it has none (then '*config' is the default),
 * EINVAL if 'port' is not a VF, or EOPNOTSUPP.
 *
 * fp_vf_get_stats() stores the VF counters of VF port 'port' in '*stats'
 * (all zero if 'port' is not a VF or the driver has no VF
 * administration).
 *
 * fp_vf_reset() resets VF port 'port' as a PCIe function level reset does:
 * the frames queued in its RX ring (from the guest), in its exception
 * queue (for its representor) and in its egress queues (its port's
 * transmit queues, and its classes on the physical ports) are dropped,
 * counted in the port's 'drops' and 'tx_drops'; its VF counters start
 * again from zero ('resets' one more).  Its policy, its link, its port
 * counters and every rule stay.  Returns 0, EINVAL if 'port' is not a VF,
 * or EOPNOTSUPP. */
int fp_vf_set_config(struct fp_device *, uint32_t port,
                     const struct fp_vf_config *);
int fp_vf_get_config(const struct fp_device *, uint32_t port,
                     struct fp_vf_config *);
void fp_vf_get_stats(const struct fp_device *, uint32_t port,
                     struct fp_vf_stats *);
int fp_vf_reset(struct fp_device *, uint32_t port);

#endif /* fp/fp.h */
