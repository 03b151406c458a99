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

/* The fields the NIC's parser extracts from a packet and a rule may match.
 *
 * A rule matches a packet if, for every byte, (packet ^ rule.key) & mask is
 * zero.  Padding is always zero in keys and masks. */
struct fp_key {
    uint32_t in_port;           /* NIC port the packet came in on (host
                                 * order). */
    uint8_t eth_dst[6];
    uint8_t eth_src[6];
    uint16_t eth_type;          /* After all VLAN tags (and after LLC/SNAP
                                 * for 802.3 frames), as OVS's dl_type. */
    uint8_t ip_frag;            /* FP_IP_FRAG_* for IPv4 and IPv6. */
    uint8_t pad0;
    struct {
        uint16_t tpid;          /* 0x8100 or 0x88a8, zero if no tag. */
        uint16_t tci;           /* With FP_VLAN_PRESENT if a tag is
                                 * present. */
    } vlans[2];                 /* Outermost first. */
};

enum fp_action_type {
    FP_ACTION_OUTPUT,           /* Send a copy out of NIC port 'port'. */
    FP_ACTION_PUSH_VLAN,        /* Push an outermost tag 'vlan'. */
    FP_ACTION_POP_VLAN,         /* Pop the outermost tag, if any. */
};

struct fp_action {
    enum fp_action_type type;
    union {
        uint32_t port;          /* FP_ACTION_OUTPUT. */
        struct {
            uint16_t tpid;      /* 0x8100 or 0x88a8. */
            uint16_t tci;       /* PCP, DEI and VID as on the wire. */
        } vlan;                 /* FP_ACTION_PUSH_VLAN. */
    };
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
};

struct fp_port_stats {
    uint64_t rx_packets;        /* In from the outside (inject). */
    uint64_t rx_bytes;
    uint64_t tx_packets;        /* Out to the outside (rules and host). */
    uint64_t tx_bytes;
    uint64_t exceptions;        /* Missed in the NIC, queued for the host. */
    uint64_t malformed;         /* Failed to parse, queued for the host. */
    uint64_t drops;             /* Dropped: exception queue full, no
                                 * representor attached, or the link's
                                 * transmit queue full. */
};

struct fp_device_config {
    uint32_t n_phy_ports;
    uint32_t n_vfs;
    uint32_t n_rules;           /* Capacity of the rule table. */
    uint32_t n_engines;         /* Packet-engine threads. */
};

struct fp_device_stats {
    uint64_t hits;              /* Packets that matched a rule. */
    uint64_t misses;            /* Packets that matched none. */
    uint32_t n_rules;           /* Rules in use. */
};

/* Devices. */
void fp_device_config_default(struct fp_device_config *);
int fp_device_create(const char *name, const struct fp_device_config *,
                     struct fp_device **);
void fp_device_destroy(struct fp_device *);
struct fp_device *fp_device_find(const char *name);
size_t fp_device_list(struct fp_device **devices, size_t max);
const char *fp_device_name(const struct fp_device *);
const char *fp_device_driver(const struct fp_device *);
void fp_device_get_config(const struct fp_device *, struct fp_device_config *);
void fp_device_get_stats(const struct fp_device *, struct fp_device_stats *);

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
void fp_port_recv_wait(struct fp_device *, uint32_t port);
int fp_port_inject(struct fp_device *, uint32_t port,
                   const void *data, size_t size);
int fp_port_set_tx_pcap(struct fp_device *, uint32_t port,
                        const char *file_name);
int fp_port_set_link(struct fp_device *, uint32_t port, const char *ifname);
void fp_port_get_stats(const struct fp_device *, uint32_t port,
                       struct fp_port_stats *);

/* Rules. */
int fp_rule_add(struct fp_device *, const struct fp_rule *, uint32_t *idp);
int fp_rule_modify(struct fp_device *, uint32_t id, const struct fp_rule *);
int fp_rule_delete(struct fp_device *, uint32_t id, struct fp_rule_stats *);
int fp_rule_get_stats(struct fp_device *, uint32_t id,
                      struct fp_rule_stats *);

#endif /* fp/fp.h */
