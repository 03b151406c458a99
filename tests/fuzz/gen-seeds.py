#! /usr/bin/env python3
# Copyright (c) 2026 The ovs-offload authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Writes the seed inputs of the fuzz targets into corpus/<target>/seed-*.

The seeds are hand-made valid inputs (frames, netlink flows, options,
appctl arguments) from which the fuzzer starts; crashers and inputs that
the fuzzer found are kept beside them under other names.  Run it from
tests/fuzz/ after changing an input format; it rewrites only seed-* files.
"""

import os
import struct

# Frames, in hex.
FRAMES = {
    # Issue 8's frames: IPv4 proto 58, SCTP first fragment, later fragment,
    # QinQ, TCP with TOS 0x20.
    "ipv4-proto58": "50540000000250540000000108004500002442420000403a245c0a0000010a0000020102030405060708090a0b0c0d0e0f10",
    "sctp-first-frag": "50540000000250540000000108004500003442422000408404020a0000010a00000204d223281122334473d08d32000300140102030405060708090a0b0c0d0e0f10",
    "ipv4-later-frag": "36b1ee7c010236b1ee7c010308004500002a00010002401164bc0a0101010a0101020b0c0d0e0f10abcd1314151617181920212223242526",
    "qinq-icmp": "00000000000b00000000000a88a80ffe8100006408004500005400010000400162a20a0202010a0202020800f7ff000000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738",
    "tcp-tos20": "00010203040500060708090a08004520002e00010000400666a70a0000010a00000200501f9000000001000000005010200052df0000010203040506",
    # UDP with checksum, ARP request, IPv6 TCP, IPv6 hop-by-hop + UDP,
    # IPv6 fragment, ICMPv6 neighbor solicitation with source LLA, 802.1Q
    # IPv4, VXLAN, 802.3 LLC/SNAP, truncated IPv4, IPv4 with options.
    "udp": "0200000000010200000000020800450000240001000040115ae70a0000010a00000204d20035001011dd0102030405060708",
    "arp": "ffffffffffff020000000002080600010800060400010200000000020a000001000000000000a0000002",
    "ipv6-tcp": "02000000000102000000000286dd6000000000140640200100000000000000000000000000012001000000000000000000000000000204d2005000000001000000005002200000000000",
    "ipv6-hbh-udp": "02000000000102000000000286dd600000000010004020010000000000000000000000000001200100000000000000000000000000021100000000000000",
    "ipv6-frag": "02000000000102000000000286dd60000000001c2c40200100000000000000000000000000012001000000000000000000000000000211000001000000070102030405060708090a0b0c0d0e0f101112131415",
    "ipv6-nd": "3333ff00000202000000000286dd6000000000203aff20010000000000000000000000000001ff0200000000000000000001ff0000028700000000000000200100000000000000000000000000020101020000000002",
    "vlan-ipv4": "0200000000010200000000028100206408004500001c0001000040015bde0a0000010a0000020800f7ff00000000",
    "vxlan": "020000000001020000000002080045000046000100004011f9a40a0000010a000002c35012b500320000080000000012340002000000000302000000000408004500001c0001000040015bde0a0000010a000002",
    "llc-snap": "0200000000010200000000020026aaaa03000000080045000018000100004001000000000000000000",
    "ipv4-truncated": "0200000000010200000000020800450000ff0001",
    "ipv4-options": "020000000001020000000002080046000024000100004011000000000000000000000000000000000004d20035000c0000",
}


def nla(t, payload):
    """One netlink attribute, padded to 4 bytes."""
    n = 4 + len(payload)
    return struct.pack("<HH", n, t) + payload + b"\0" * ((4 - n % 4) % 4)


def u32(x):
    return struct.pack("<I", x)


# OVS_KEY_ATTR_*.
IN_PORT, ETHERNET, VLAN, ETHERTYPE, IPV4, IPV6, TCP, UDP, ICMP = \
    3, 4, 5, 6, 7, 8, 9, 10, 11
ENCAP, SCTP, RECIRC_ID = 1, 17, 20
# OVS_ACTION_ATTR_*.
OUTPUT, USERSPACE, SET, PUSH_VLAN, POP_VLAN, RECIRC = 1, 2, 3, 4, 5, 7
SET_MASKED, CT, METER, CLONE, DROP = 11, 12, 19, 20, 25

MAC1 = bytes.fromhex("505400000001")
MAC2 = bytes.fromhex("505400000002")
ONES6 = b"\xff" * 6


def ipv4(src, dst, proto, tos=0, ttl=64, frag=0):
    return bytes(src) + bytes(dst) + bytes([proto, tos, ttl, frag])


def flow(key, mask, actions):
    return (struct.pack("<H", len(key)) + key
            + struct.pack("<H", len(mask)) + mask + actions)


def base_key(eth_type=0x88cc):
    return (nla(RECIRC_ID, u32(0)) + nla(IN_PORT, u32(1))
            + nla(ETHERNET, MAC1 + MAC2)
            + nla(ETHERTYPE, struct.pack(">H", eth_type)))


def base_mask(eth=ONES6 * 2):
    return (nla(RECIRC_ID, u32(0xffffffff)) + nla(IN_PORT, u32(0xffffffff))
            + nla(ETHERNET, eth) + nla(ETHERTYPE, b"\xff\xff"))


A = [10, 0, 0, 1]
B = [10, 0, 0, 2]
IP4_KEY = nla(IPV4, ipv4(A, B, 6))
IP4_MASK = nla(IPV4, ipv4([255] * 4, [0] * 4, 255, 0, 0, 3))
TCP_KEY = nla(TCP, struct.pack(">HH", 1234, 80))
TCP_MASK = nla(TCP, struct.pack(">HH", 0xffff, 0))
SET_SRC = nla(SET_MASKED, nla(IPV4, ipv4([192, 0, 2, 9], [0] * 4, 0, 0, 0)
                              + ipv4([255] * 4, [0] * 4, 0, 0, 0)))
SET_PORT = nla(SET_MASKED, nla(TCP, struct.pack(">HH", 7, 0)
                               + struct.pack(">HH", 0xffff, 0)))
SET_ETH = nla(SET_MASKED, nla(ETHERNET, MAC2 + MAC1 + ONES6 + ONES6))
SET_TTL = nla(SET_MASKED, nla(IPV4, ipv4([0] * 4, [0] * 4, 0, 0, 63)
                              + ipv4([0] * 4, [0] * 4, 0, 0, 255)))
PUSH = nla(PUSH_VLAN, struct.pack(">HH", 0x8100, 0x1000 | 100))

FLOWS = {
    "output": flow(base_key(), base_mask(), nla(OUTPUT, u32(2))),
    "drop": flow(base_key(), base_mask(), nla(DROP, u32(0))),
    "tcp-set-src-port": flow(base_key(0x0800) + IP4_KEY + TCP_KEY,
                             base_mask() + IP4_MASK + TCP_MASK,
                             SET_SRC + SET_PORT + nla(OUTPUT, u32(2))),
    "set-eth-ttl-push": flow(base_key(0x0800) + IP4_KEY + TCP_KEY,
                             base_mask() + IP4_MASK + TCP_MASK,
                             SET_ETH + SET_TTL + PUSH + nla(OUTPUT, u32(3))),
    "vlan-pop": flow(base_key(0x8100)
                     + nla(VLAN, struct.pack(">H", 0x1000 | 100))
                     + nla(ENCAP, nla(ETHERTYPE, b"\x88\xcc")),
                     base_mask() + nla(VLAN, b"\x1f\xff")
                     + nla(ENCAP, nla(ETHERTYPE, b"\xff\xff")),
                     nla(POP_VLAN, b"") + nla(OUTPUT, u32(2))),
    "clone-outputs": flow(base_key(), base_mask(),
                          nla(CLONE, nla(OUTPUT, u32(2))
                              + nla(OUTPUT, u32(3)))
                          + nla(OUTPUT, u32(1))),
    "meter": flow(base_key(), base_mask(),
                  nla(METER, u32(1)) + nla(OUTPUT, u32(2))),
    "ct-partial": flow(base_key(0x0800) + IP4_KEY + TCP_KEY,
                       base_mask() + IP4_MASK + TCP_MASK,
                       nla(CT, nla(1, b"")) + nla(OUTPUT, u32(2))),
    "output-unknown-port": flow(base_key(), base_mask(),
                                nla(OUTPUT, u32(9))),
    "recirc-match": flow(nla(RECIRC_ID, u32(5)) + base_key()[8:],
                         base_mask(), nla(OUTPUT, u32(2))),
    "ipv6-udp": flow(base_key(0x86dd)
                     + nla(IPV6, bytes(16) + bytes(15) + b"\x01"
                           + struct.pack(">I", 0) + bytes([17, 0, 64, 0]))
                     + nla(UDP, struct.pack(">HH", 1, 2)),
                     base_mask()
                     + nla(IPV6, b"\xff" * 32 + bytes(4)
                           + bytes([255, 0, 0, 3]))
                     + nla(UDP, b"\xff\xff\xff\xff"),
                     nla(OUTPUT, u32(2))),
}


# fp-action: count, actions, frame.  Action type numbers are
# enum fp_action_type's.
def act(t, *args):
    return bytes([t]) + bytes(args)


F_OUTPUT, F_PUSH, F_POP, F_DROP, F_SET_VLAN, F_SET_ETH_SRC = 0, 1, 2, 3, 4, 5
F_SET_IP4_SRC, F_SET_TP_SRC, F_DEC_TTL, F_METER, F_MARK, F_COUNT = \
    7, 15, 17, 18, 19, 20
F_EXCEPTION, F_HASH, F_RECIRC = 21, 23, 24

UDP = bytes.fromhex(FRAMES["udp"])
TCP6 = bytes.fromhex(FRAMES["ipv6-tcp"])
ACTIONS = {
    "output": bytes([1]) + act(F_OUTPUT, 2) + UDP,
    "set-ip-port": bytes([3]) + act(F_SET_IP4_SRC, 192, 0, 2, 9, 255, 255,
                                    255, 255)
    + act(F_SET_TP_SRC, 0, 7, 255, 255) + act(F_OUTPUT, 1) + UDP,
    "push-pop-vlan": bytes([4]) + act(F_PUSH, 0, 0x10, 0x64)
    + act(F_OUTPUT, 1) + act(F_POP) + act(F_OUTPUT, 2) + TCP6,
    "dec-ttl-meter-count": bytes([5]) + act(F_DEC_TTL) + act(F_METER, 0)
    + act(F_COUNT, 0) + act(F_SET_ETH_SRC, 1, 2, 3, 4, 5, 6, 255, 255, 255,
                            255, 255, 255)
    + act(F_OUTPUT, 3) + TCP6,
    "mark-exception": bytes([2]) + act(F_MARK, 1, 0, 0, 0)
    + act(F_EXCEPTION) + UDP,
    "sctp-frag-set-port": bytes([2]) + act(F_SET_TP_SRC, 0, 7, 255, 255)
    + act(F_OUTPUT, 1) + bytes.fromhex(FRAMES["sctp-first-frag"]),
    "later-frag-set-ip": bytes([2]) + act(F_SET_IP4_SRC, 11, 1, 1, 1, 255,
                                          255, 255, 255)
    + act(F_OUTPUT, 1) + bytes.fromhex(FRAMES["ipv4-later-frag"]),
    "proto58-set-ip": bytes([2]) + act(F_SET_IP4_SRC, 192, 0, 2, 9, 255,
                                       255, 255, 255)
    + act(F_OUTPUT, 1) + bytes.fromhex(FRAMES["ipv4-proto58"]),
    # The rule matches its own recirculations: five passes, then the host.
    "hash-recirc": bytes([4]) + act(F_OUTPUT, 1) + act(F_HASH, 1, 7, 0, 0, 0)
    + act(F_SET_TP_SRC, 0, 9, 255, 255) + act(F_RECIRC, 5) + UDP,
    "push14-recirc": bytes([16]) + act(F_PUSH, 0, 0x10, 0x64) * 14
    + act(F_HASH, 0, 0, 0, 0, 0) + act(F_RECIRC, 1) + UDP,
}

ODP_PACKET = ("eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),"
              "eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=1,"
              "tos=0,ttl=64,frag=no),icmp(type=8,code=0)")
ODP_FLOW = ("in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),"
            "eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2/255.255.255.0,"
            "proto=6,frag=no),tcp(dst=80)")
UNIXCTL = {
    "inject-hex": b"\0p1\n" + FRAMES["udp"].encode(),
    "inject-odp": b"\0fp0:vf1\n" + ODP_PACKET.encode(),
    "inject-several": b"\0p2\n" + FRAMES["arp"].encode() + b"\n"
    + FRAMES["qinq-icmp"].encode(),
    "inject-bad-port": b"\0fp9:phy0\n00",
    "explain-all": b"\1",
    "explain-ufid": b"\1ufid:00000001-0002-0003-0004-000000000005",
    "explain-flow": b"\1" + ODP_FLOW.encode(),
    "explain-flow-actions": b"\1" + ODP_FLOW.encode()
    + b"\nset(ipv4(src=192.0.2.9)),push_vlan(vid=5,pcp=0),2,3",
    "explain-incomplete": b"\1in_port(1),eth(),eth_type(0x0800)\n2",
    "explain-partial": b"\1" + ODP_FLOW.encode() + b"\nct(commit),recirc(1)",
}

OPTIONS = {
    "port": b"\0port=vf2",
    "device-port-pcap": b"\0device=fp0\nport=vf3\ntx_pcap=x.pcap",
    "bad-port": b"\0port=phy9",
    "bad-key": b"\0port=vf4\ncolour=blue",
    "no-device": b"\0device=fp7\nport=vf1",
    "used-port": b"\0port=phy0",
    "config": b"\1fp-rules=100\nfp-masks=8\nfp-devices=fp0,fp1",
    "config-bad": b"\1fp-vfs=99999\nfp-engines=0\nfp-meters=x",
    "config-names": b"\1fp-devices=a b,c;d,0123456789abcdefg",
    "config-counters": b"\1fp-rules=1000\nfp-counters=10",
}


def write(target, name, data):
    d = os.path.join("corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


for name, hx in FRAMES.items():
    write("fp-parse", name, bytes.fromhex(hx))
for name, data in ACTIONS.items():
    write("fp-action", name, data)
for name, data in FLOWS.items():
    write("odp-translate", name, data)
for name, data in UNIXCTL.items():
    write("unixctl", name, data)
for name, data in OPTIONS.items():
    write("options", name, data)
