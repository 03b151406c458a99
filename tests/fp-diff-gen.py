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

"""Generator of the differential test (tests/fp-diff.at).

Usage: fp-diff-gen.py [OPTIONS] SEED DIR
       fp-diff-gen.py --pcap FILE.pcap...
       fp-diff-gen.py --tcp4 N DST-PORT

From SEED (an integer), writes into directory DIR a random OpenFlow
program and random frames, the same for the same SEED, options and
version of this file:

  DIR/groups        groups, "ovs-ofctl add-groups" syntax (possibly
                    empty), in an order in which each group refers only
                    to groups added before it.  The test adds them with
                    OpenFlow 1.5, which carries selection_method.
  DIR/meters        meters, one "ovs-ofctl add-meter" argument a line
                    (possibly empty).
  DIR/flows.R       the flow table of round R (0, 1, ...), in
                    "ovs-ofctl -O OpenFlow13 replace-flows" syntax: round
                    R+1 adds, deletes and modifies some flows of round R.
                    Each flow has a cookie of its own, which it keeps
                    when its actions change.
  DIR/changes.R     for R > 0, the changes from flows.R-1 to flows.R, in
                    "ovs-ofctl bundle" syntax (add, modify_strict,
                    delete_strict; "group modify" with recirc).  Rounds
                    apply these rather than
                    replace-flows, which would add again, counters reset,
                    every flow whose OpenFlow 1.3 form differs from how
                    it is written here (e.g. vlan_tci=0).
  DIR/frames.R      the frames of round R, one a line: "PORT HEX", where
                    PORT is p1 to p4 (most are p1) and HEX the Ethernet
                    frame for "ovs-appctl fp/inject PORT HEX".

The test's bridge has ports p1 (ofport 1, fp0 phy0), p2 (2, vf0), p3 (3,
vf1) and p4 (4, phy1).  Flows are in tables 0 and 1 and match L2 to L4
fields with masks at overlapping priorities; their actions are outputs
(one or several, in_port, NORMAL), drop, VLAN push, pop and rewrite,
Ethernet, IPv4, IPv6 and L4 rewrites, dec_ttl, goto_table, resubmit,
groups of type all and indirect and, with the features below, meters and
select groups.  Frames are untagged, 802.1Q, 802.1ad, QinQ and
triple-tagged; IPv4 (with options, fragments, TTL 0 and 1, usual and
unusual protocols), IPv6 (with extension headers and fragments, hop limit
0 and 1), TCP, UDP, SCTP, ICMP, ICMPv6 with ND, ARP, unusual and 802.3
ethertypes; some are truncated or carry padding.  Most have right IP and
L4 checksums (CRC32c for SCTP); some have wrong ones, some UDP none.

Options:
  --rounds N        rounds (default 3)
  --frames N        frames per round (default 16)
  --with F[,F...]   turn on features that are off by default
  --without F[,F...]  turn off features that are on by default

Features (default on unless said):
  meters            meters at a stopped clock (off: issue 8 item 6)
  select-groups     select groups (off: issue 8 item 9)
  recirc            recirculating tables (off: issue 11): instead of the
                    groups above, 2 to 5 groups, most of them select
                    groups of 2 to 16 buckets with weights (0 to 100) and
                    each selection method (dp_hash with the L4 or the
                    symmetric L4 algorithm and a basis, the default, hash
                    with fields), whose buckets output, rewrite, go to
                    groups of higher ids (chains) or resubmit to table 2;
                    flows use groups more often and go to table 1 after
                    them; a table 2; and rounds modify select groups as
                    well as flows ("group modify" lines in changes.R)
  ip-proto-58       IPv4 packets of IP protocol 58 (off: issue 8 item 1)
  sctp-frags        SCTP in IPv4 and IPv6 fragments (off: issue 8 item 2)
  later-frags-l4    later IPv4 fragments of TCP and UDP (off: issue 8
                    item 3: OVS 3.1's software path rewrites their payload
                    on an address change)
  vlan, ipv6, arp, frags, truncated, normal, goto, groups
                    the frames and actions they name (all on)

The lead can turn a feature on by default when its fault is fixed:
DEFAULT_OFF below.

With --pcap, writes for each FILE.pcap a file FILE with the frames of
FILE.pcap in hexadecimal, one a line, sorted and each preceded by its
count, as "ovs-pcap FILE.pcap | sort | uniq -c" would (but in one
process for all files, which the test runs often).

With --tcp4, writes to stdout N TCP SYNs of N different 5-tuples (from
10.1.0.0 up, port 1024 up, to 10.0.0.2 port DST-PORT), from Ethernet
address 50:54:00:00:00:01 to 52:54:00:00:00:00, one frame a line in
hexadecimal, for tests of the spread of select groups
(tests/fp-recirc-diff.at).
"""

import argparse
import os
import random
import struct
import sys

FEATURES = ['meters', 'select-groups', 'ip-proto-58', 'sctp-frags',
            'later-frags-l4', 'vlan', 'ipv6', 'arp', 'frags', 'truncated',
            'normal', 'goto', 'groups', 'recirc']
DEFAULT_OFF = {'meters', 'select-groups', 'ip-proto-58', 'sctp-frags',
               'later-frags-l4', 'recirc'}

MACS = ['50:54:00:00:00:01', '50:54:00:00:00:02', '50:54:00:00:00:03',
        '50:54:00:00:00:04', 'ff:ff:ff:ff:ff:ff', '01:00:5e:00:00:01',
        '33:33:00:00:00:01', '00:00:00:00:00:00']
IP4S = ['10.0.0.1', '10.0.0.2', '10.1.1.1', '10.1.1.2', '192.0.2.1',
        '224.0.0.1', '255.255.255.255', '0.0.0.0']
IP6S = ['2001:db8::1', '2001:db8::2', '2001:db8:1::1', 'fe80::1',
        'ff02::1', '::']
TP_PORTS = [0, 53, 80, 443, 1234, 8080, 65535]
VIDS = [0, 1, 10, 100, 4094]
# The source addresses of the frames of each port: an address is on one
# port only, as MAC learning expects.
PORT_MACS = {'p1': ['50:54:00:00:00:01', '50:54:00:00:00:03'],
             'p2': ['50:54:00:00:00:02'],
             'p3': ['50:54:00:00:00:04'],
             'p4': ['50:54:00:00:00:05']}
ETHERTYPES = [0x88cc, 0x9000, 0x1234, 0x88b5, 0x8847, 0x9100, 0x0600,
              0x002e]


# Checksums.

def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82f63b78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC32C_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xffffffff
    for b in data:
        c = CRC32C_TABLE[(c ^ b) & 0xff] ^ (c >> 8)
    return c ^ 0xffffffff


def mac_bytes(s):
    return bytes(int(x, 16) for x in s.split(':'))


def ip4_bytes(s):
    return bytes(int(x) for x in s.split('.'))


def ip6_bytes(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


class Gen:
    def __init__(self, seed, features):
        self.r = random.Random(seed)
        self.f = features
        # NORMAL in this seed's flows, no Ethernet source rewrite then.
        self.normal = self.has('normal') and self.chance(0.5)
        self.meta = {}              # Flow key -> (table, l3, tagged).
        self.cookies = {}           # Flow key -> cookie.
        self.n_cookies = 0
        self.tagged = False

    def has(self, feature):
        return feature in self.f

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    # L4.

    def l4_payload(self):
        n = self.pick([0, 0, 1, 4, 8, 16, 30])
        return bytes(self.r.randrange(256) for _ in range(n))

    def bad_csum(self):
        return self.chance(0.05)

    def tcp(self, pseudo):
        opts = b''
        if self.chance(0.2):
            opts = b'\x02\x04\x05\xb4\x01\x01\x04\x02'     # MSS, SACK ok.
        flags = self.pick([0x02, 0x10, 0x12, 0x11, 0x04, 0x18, 0x00, 0x29,
                           0x1ff, 0x14])
        hdr = struct.pack('!HHIIHHHH', self.pick(TP_PORTS),
                          self.pick(TP_PORTS), self.r.getrandbits(32),
                          self.r.getrandbits(32),
                          ((5 + len(opts) // 4) << 12) | flags,
                          self.pick([0, 8192, 65535]), 0, 0) + opts
        seg = hdr + self.l4_payload()
        c = csum(pseudo(6, len(seg)) + seg)
        if self.bad_csum():
            c ^= 0x1234
        return seg[:16] + struct.pack('!H', c) + seg[18:]

    def udp(self, pseudo, v6):
        payload = self.l4_payload()
        seg = struct.pack('!HHHH', self.pick(TP_PORTS), self.pick(TP_PORTS),
                          8 + len(payload), 0) + payload
        if not v6 and self.chance(0.1):
            return seg                          # No checksum.
        c = csum(pseudo(17, len(seg)) + seg) or 0xffff
        if self.bad_csum():
            c ^= 0x00ff
        return seg[:6] + struct.pack('!H', c) + seg[8:]

    def sctp(self):
        seg = struct.pack('!HHII', self.pick(TP_PORTS), self.pick(TP_PORTS),
                          self.r.getrandbits(32), 0)
        # A DATA chunk.
        data = self.l4_payload()
        chunk = struct.pack('!BBHIHHI', 0, 3, 16 + len(data),
                            self.r.getrandbits(32), 1, 0, 0) + data
        chunk += b'\0' * (-len(chunk) % 4)
        seg += chunk
        c = crc32c(seg)
        if self.bad_csum():
            c ^= 0x1
        return seg[:8] + struct.pack('<I', c) + seg[12:]

    def icmp4(self):
        typ, code = self.pick([(8, 0), (0, 0), (3, 3), (11, 0), (5, 1),
                               (13, 0), (42, 7)])
        body = struct.pack('!HH', self.r.getrandbits(16), 1)
        body += self.l4_payload()
        msg = struct.pack('!BBH', typ, code, 0) + body
        c = csum(msg)
        if self.bad_csum():
            c ^= 0x0101
        return msg[:2] + struct.pack('!H', c) + msg[4:]

    def icmp6(self, pseudo, src_mac):
        kind = self.pick(['echo', 'echo', 'ns', 'na', 'rs', 'other'])
        if kind == 'echo':
            msg = struct.pack('!BBHHH', self.pick([128, 129]), 0, 0,
                              self.r.getrandbits(16), 1)
            msg += self.l4_payload()
        elif kind in ('ns', 'na'):
            typ = 135 if kind == 'ns' else 136
            flags = 0 if typ == 135 else self.pick([0x60000000, 0x20000000])
            msg = struct.pack('!BBHI', typ, 0, 0, flags)
            msg += ip6_bytes(self.pick(IP6S))
            if self.chance(0.7):
                # Source (NS) or target (NA) link-layer address option.
                opt = 1 if typ == 135 else 2
                mac = (src_mac if self.chance(0.5)
                       else mac_bytes(self.pick(MACS)))
                msg += struct.pack('!BB', opt, 1) + mac
        elif kind == 'rs':
            msg = struct.pack('!BBHI', 133, 0, 0, 0)
        else:
            msg = struct.pack('!BBHI', self.pick([1, 3, 143, 200]),
                              self.pick([0, 1]), 0, 0) + self.l4_payload()
        c = csum(pseudo(58, len(msg)) + msg)
        if self.bad_csum():
            c ^= 0x0f0f
        return msg[:2] + struct.pack('!H', c) + msg[4:]

    def l4(self, proto, pseudo, v6, src_mac):
        if proto == 6:
            return self.tcp(pseudo)
        elif proto == 17:
            return self.udp(pseudo, v6)
        elif proto == 132:
            return self.sctp()
        elif proto == 1:
            return self.icmp4()
        elif proto == 58:
            if v6:
                return self.icmp6(pseudo, src_mac)
            # ICMPv6-like bytes in IPv4: no checksum rule applies.
            return struct.pack('!BBH', 128, 0, self.r.getrandbits(16)) \
                + self.l4_payload()
        elif proto == 47:
            return struct.pack('!HH', 0, 0x0800) + self.l4_payload()
        return self.l4_payload()

    # L3.

    def ipv4(self, src_mac):
        protos = [6, 6, 17, 17, 1, 132, 47, 0, 2, 253, 99]
        if self.has('ip-proto-58'):
            protos.append(58)
        proto = self.pick(protos)
        src = ip4_bytes(self.pick(IP4S))
        dst = ip4_bytes(self.pick(IP4S))

        frag = 0
        if self.has('frags') and self.chance(0.15):
            kind = self.pick(['first', 'later', 'last'])
            if proto == 132 and not self.has('sctp-frags'):
                kind = None
            if (kind in ('later', 'last') and proto in (6, 17)
                    and not self.has('later-frags-l4')):
                kind = None
            if kind == 'first':
                frag = 0x2000
            elif kind == 'later':
                frag = 0x2000 | self.pick([1, 2, 16, 185])
            elif kind == 'last':
                frag = self.pick([1, 3, 16])
        elif self.chance(0.3):
            frag = 0x4000                               # DF.

        def pseudo(p, n):
            return src + dst + struct.pack('!BBH', 0, p, n)

        if frag & 0x1fff:
            l4 = self.l4_payload() + bytes(self.r.randrange(256)
                                           for _ in range(8))
        else:
            l4 = self.l4(proto, pseudo, False, src_mac)

        opts = b''
        if self.chance(0.1):
            opts = self.pick([b'\x94\x04\x00\x00',             # Router alert.
                              b'\x01\x01\x01\x00',             # NOPs, EOL.
                              b'\x07\x07\x04\x00\x00\x00\x00\x00'])
        ihl = 5 + len(opts) // 4
        tos = self.pick([0, 0, 0x20, 0xb8, 0x03, 0x01])
        ttl = self.pick([64, 64, 64, 255, 2, 1, 0])
        hdr = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, tos,
                          ihl * 4 + len(l4), self.r.getrandbits(16), frag,
                          ttl, proto, 0, src, dst) + opts
        c = csum(hdr)
        if self.bad_csum():
            c ^= 0x8000
        hdr = hdr[:10] + struct.pack('!H', c) + hdr[12:]
        return 0x0800, hdr + l4

    def ipv6(self, src_mac):
        protos = [6, 6, 17, 17, 58, 58, 132, 59, 253]
        proto = self.pick(protos)
        src = ip6_bytes(self.pick(IP6S))
        dst = ip6_bytes(self.pick(IP6S))

        def pseudo(p, n):
            return src + dst + struct.pack('!IxxxB', n, p)

        # Extension headers, outermost first: (type, bytes without next).
        exts = []
        later = False
        if self.chance(0.3):
            for t in self.r.sample([0, 60, 43, 44],
                                   self.pick([1, 1, 2, 3])):
                if t == 0 and exts:
                    continue                    # Hop-by-hop comes first.
                exts.append(t)
        if 44 in exts:
            if not self.has('frags'):
                exts.remove(44)
            elif proto == 132 and not self.has('sctp-frags'):
                exts.remove(44)
        # Each extension header is 8 bytes: next header, then 7 bytes.
        body = []
        for t in exts:
            if t == 44:
                later = self.chance(0.4)
                off = self.pick([1, 2, 100]) if later else 0
                m = 1 if (not later or self.chance(0.5)) else 0
                body.append((t, struct.pack('!BHI', 0, (off << 3) | m,
                                            self.r.getrandbits(32))))
            elif t == 43:
                # Length 0, routing type 4, segments left 0.
                body.append((t, b'\0\x04\0' + b'\0' * 4))
            else:
                # Length 0, a PadN option of 4 bytes.
                body.append((t, b'\0\x01\x04\0\0\0\0'))
        if later:
            if proto in (6, 17) and not self.has('later-frags-l4'):
                proto = 59
            l4 = self.l4_payload() + b'\0' * 8
        else:
            l4 = self.l4(proto, pseudo, True, src_mac)
        payload = b''
        for i, (t, b) in enumerate(body):
            nxt = body[i + 1][0] if i + 1 < len(body) else proto
            payload += struct.pack('!B', nxt) + b
        first = body[0][0] if body else proto
        tc = self.pick([0, 0, 0x20, 0xb8, 0x03])
        label = self.pick([0, 0, 1, 0x12345, 0xfffff])
        hlim = self.pick([64, 64, 255, 2, 1, 0])
        hdr = struct.pack('!IHBB16s16s', (6 << 28) | (tc << 20) | label,
                          len(payload) + len(l4), first, hlim, src, dst)
        return 0x86dd, hdr + payload + l4

    def arp(self):
        op = self.pick([1, 2, 1, 2, 3, 0])
        body = struct.pack('!HHBBH6s4s6s4s', 1, 0x0800, 6, 4, op,
                           mac_bytes(self.pick(MACS)),
                           ip4_bytes(self.pick(IP4S)),
                           mac_bytes(self.pick(MACS)),
                           ip4_bytes(self.pick(IP4S)))
        return 0x0806, body

    # L2.

    def frame(self, port):
        dst = self.pick(MACS[:5] + MACS)
        src = self.pick(PORT_MACS[port])
        kinds = ['ipv4'] * 5 + ['other']
        if self.has('ipv6'):
            kinds += ['ipv6'] * 4
        if self.has('arp'):
            kinds += ['arp'] * 2
        kind = self.pick(kinds)
        if kind == 'ipv4':
            etype, l3 = self.ipv4(mac_bytes(src))
        elif kind == 'ipv6':
            etype, l3 = self.ipv6(mac_bytes(src))
        elif kind == 'arp':
            etype, l3 = self.arp()
        else:
            etype = self.pick(ETHERTYPES)
            l3 = self.l4_payload() + b'\xaa\xaa\x03\0\0\0\0\0'
            if etype < 0x600:
                etype = len(l3)                         # 802.3 length.

        tags = []
        if self.has('vlan'):
            tags = self.pick([[], [], [], [0x8100], [0x8100], [0x88a8],
                              [0x88a8, 0x8100], [0x88a8, 0x8100],
                              [0x8100, 0x8100], [0x88a8, 0x8100, 0x8100]])
        l2 = mac_bytes(dst) + mac_bytes(src)
        for tpid in tags:
            tci = (self.pick([0, 0, 3, 7]) << 13) | self.pick(VIDS)
            l2 += struct.pack('!HH', tpid, tci)
        frame = l2 + struct.pack('!H', etype) + l3

        if self.has('truncated') and self.chance(0.05):
            frame = frame[:self.r.randrange(14, len(frame))]
        elif self.chance(0.05):
            frame += bytes(self.r.randrange(256) for _ in range(4))
        if len(frame) < 60 and self.chance(0.5):
            frame += b'\0' * (60 - len(frame))
        return frame.hex()

    # OpenFlow.

    def prefix4(self):
        n = self.pick([32, 32, 24, 16, 8, 31])
        return '%s/%d' % (self.pick(IP4S), n) if n < 32 else self.pick(IP4S)

    def prefix6(self):
        n = self.pick([128, 128, 64, 48, 127])
        return ('%s/%d' % (self.pick(IP6S), n) if n < 128
                else self.pick(IP6S))

    def match(self, table):
        m = []
        if table == 0 and self.chance(0.5):
            m.append('in_port=%d' % self.pick([1, 1, 1, 2, 3, 4]))
        if self.chance(0.15):
            m.append('dl_src=%s' % self.pick(sum(PORT_MACS.values(), [])))
        if self.chance(0.15):
            m.append(self.pick(['dl_dst=%s' % self.pick(MACS),
                                'dl_dst=01:00:00:00:00:00/'
                                '01:00:00:00:00:00',
                                'dl_dst=50:54:00:00:00:00/'
                                'ff:ff:ff:00:00:00']))
        # Whether the flow's packets have a VLAN tag: OpenFlow 1.3 allows
        # pop_vlan only on tagged packets.
        self.tagged = False
        if self.has('vlan') and self.chance(0.3):
            v = self.pick(['dl_vlan=%d' % self.pick(VIDS),
                           'vlan_tci=0x1000/0x1000', 'vlan_tci=0',
                           'dl_vlan_pcp=%d' % self.pick([0, 3, 7]),
                           'vlan_tci=0x%04x/0x1fff'
                           % (0x1000 | self.pick(VIDS)),
                           'vlan_tci=0x0000/0x0f00'])
            m.append(v)
            self.tagged = v not in ('vlan_tci=0', 'vlan_tci=0x0000/0x0f00')
        l3s = ['ip', 'ip', 'tcp', 'udp', 'icmp', 'sctp', None, None,
               'dl_type=0x%04x' % self.pick([0x1234, 0x88cc, 0x9100])]
        if self.has('ipv6'):
            l3s += ['ipv6', 'tcp6', 'udp6', 'icmp6', 'sctp6']
        if self.has('arp'):
            l3s += ['arp']
        l3 = self.pick(l3s)
        if l3:
            m.append(l3)
        v4 = l3 in ('ip', 'tcp', 'udp', 'icmp', 'sctp')
        v6 = l3 in ('ipv6', 'tcp6', 'udp6', 'icmp6', 'sctp6')
        tp = l3 in ('tcp', 'udp', 'sctp', 'tcp6', 'udp6', 'sctp6')
        if v4:
            if self.chance(0.3):
                m.append('nw_src=%s' % self.prefix4())
            if self.chance(0.3):
                m.append('nw_dst=%s' % self.prefix4())
            if l3 == 'ip' and self.chance(0.3):
                protos = [6, 17, 1, 132, 47, 253]
                if self.has('ip-proto-58'):
                    protos.append(58)
                m.append('nw_proto=%d' % self.pick(protos))
        if v6:
            if self.chance(0.3):
                m.append('ipv6_src=%s' % self.prefix6())
            if self.chance(0.3):
                m.append('ipv6_dst=%s' % self.prefix6())
            if self.chance(0.1):
                m.append('ipv6_label=0x%x' % self.pick([0, 1, 0x12345]))
            if l3 == 'ipv6' and self.chance(0.3):
                m.append('nw_proto=%d' % self.pick([6, 17, 58, 132, 59]))
        if v4 or v6:
            if self.chance(0.15):
                m.append(self.pick(['nw_tos=%d' % self.pick([0, 32, 184]),
                                    'nw_ecn=%d' % self.pick([0, 1, 3])]))
            if self.chance(0.15):
                m.append('nw_ttl=%d' % self.pick([0, 1, 64, 255]))
            if self.has('frags') and self.chance(0.15):
                frag = self.pick(['no', 'yes', 'first', 'later',
                                  'not_later'])
                m.append('nw_frag=%s' % frag)
                if frag in ('yes', 'later'):
                    # No L4 fields to match or set in later fragments.
                    return m, l3 + '-frag'
        if tp:
            if self.chance(0.4):
                m.append(self.pick(['tp_src=%d' % self.pick(TP_PORTS),
                                    'tp_src=0x0/0xff00',
                                    'tp_src=0x400/0xfc00']))
            if self.chance(0.4):
                m.append(self.pick(['tp_dst=%d' % self.pick(TP_PORTS),
                                    'tp_dst=0x0/0xffc0']))
            if l3 in ('tcp', 'tcp6') and self.chance(0.2):
                m.append('tcp_flags=%s' % self.pick(['+syn', '-ack',
                                                     '+syn-ack', '+fin',
                                                     '+rst']))
        if l3 in ('icmp', 'icmp6') and self.chance(0.4):
            if l3 == 'icmp':
                m.append('icmp_type=%d' % self.pick([8, 0, 3, 11]))
            else:
                t = self.pick([128, 129, 135, 136])
                m.append('icmp_type=%d' % t)
                if t in (135, 136) and self.chance(0.5):
                    m.append('nd_target=%s' % self.prefix6())
            if self.chance(0.3):
                m.append('icmp_code=%d' % self.pick([0, 1, 3]))
        if l3 == 'arp':
            if self.chance(0.3):
                m.append('arp_op=%d' % self.pick([1, 2]))
            if self.chance(0.3):
                m.append('arp_spa=%s' % self.prefix4())
            if self.chance(0.3):
                m.append('arp_tpa=%s' % self.prefix4())
            if self.chance(0.2):
                m.append('arp_sha=%s' % self.pick(MACS))
            if self.chance(0.2):
                m.append('arp_tha=%s' % self.pick(MACS))
        return m, l3

    def actions(self, table, l3, n_groups, n_meters):
        frag = l3 is not None and l3.endswith('-frag')
        l3 = l3.split('-')[0] if l3 else None
        v4 = l3 in ('ip', 'tcp', 'udp', 'icmp', 'sctp')
        v6 = l3 in ('ipv6', 'tcp6', 'udp6', 'icmp6', 'sctp6')
        tp = not frag and l3 in ('tcp', 'udp', 'sctp', 'tcp6', 'udp6',
                                 'sctp6')
        if self.chance(0.08):
            return 'drop'
        acts = []
        if n_meters and self.chance(0.3):
            acts.append('meter:%d' % self.r.randint(1, n_meters))
        choices = ['out'] * 6 + ['dl'] * 2 + ['vlan'] * 2
        if v4:
            choices += ['nw4'] * 3 + ['ttl'] * 2 + ['tos']
        if v6:
            choices += ['nw6'] * 2 + ['ttl'] * 2 + ['tos']
        if tp:
            choices += ['tp'] * 2
        tagged = self.tagged
        pushed = False
        for _ in range(self.pick([1, 1, 2, 3, 4])):
            c = self.pick(choices)
            if c == 'vlan' and self.has('vlan'):
                a = self.pick([
                    'mod_vlan_vid:%d' % self.pick(VIDS[1:]),
                    'mod_vlan_pcp:%d' % self.pick([0, 5]),
                    'pop_vlan',
                    'push_vlan:0x8100,set_field:%d->vlan_vid'
                    % (0x1000 | self.pick(VIDS)),
                    'push_vlan:0x88a8,set_field:%d->vlan_vid'
                    % (0x1000 | self.pick(VIDS))])
                if a == 'pop_vlan':
                    if not tagged:
                        continue
                    tagged = False
                elif a.startswith('push_vlan') or a.startswith('mod_vlan'):
                    # One tag pushed a flow at most (OFPBAC_BAD_TAG).
                    if pushed:
                        continue
                    pushed = tagged = True
                acts.append(a)
            if c == 'out':
                acts.append(self.pick(['output:2', 'output:3', 'output:4',
                                       'output:1', 'in_port']))
            elif c == 'dl':
                # With NORMAL, a source address rewrite would make MAC
                # learning see an address move between ports, and the
                # result depend on the order in which the revalidators
                # push flow statistics (which OVS learns from, too).
                field = 'dst' if self.normal else self.pick(['src', 'dst'])
                acts.append('mod_dl_%s:%s' % (field, self.pick(MACS)))
            elif c == 'nw4':
                acts.append('mod_nw_%s:%s' % (self.pick(['src', 'dst']),
                                              self.pick(IP4S)))
            elif c == 'nw6':
                acts.append('set_field:%s->ipv6_%s'
                            % (self.pick(IP6S), self.pick(['src', 'dst'])))
            elif c == 'ttl':
                acts.append(self.pick(['dec_ttl', 'mod_nw_ttl:%d'
                                       % self.pick([0, 1, 9, 255])]))
            elif c == 'tos':
                acts.append(self.pick(['mod_nw_tos:%d'
                                       % self.pick([0, 4, 184]),
                                       'set_field:%d->ip_ecn'
                                       % self.pick([0, 1, 3])]))
            elif c == 'tp':
                acts.append('mod_tp_%s:%d' % (self.pick(['src', 'dst']),
                                              self.pick(TP_PORTS)))
        if self.chance(0.3):
            acts.append(self.pick(['output:2', 'output:3', 'output:4']))
        if self.normal and self.chance(0.2):
            acts.append('NORMAL')
        recirc = self.has('recirc')
        if recirc and table == 2:
            # Buckets resubmit to table 2: no groups there, no loops.
            n_groups = 0
        if recirc and n_groups and self.chance(0.6):
            # Group 1 recirculates (see recirc_group()).
            acts.append('group:%d' % self.pick([1, 1, self.r.randint(
                1, n_groups)]))
        elif not recirc and n_groups and self.chance(0.15):
            acts.append('group:%d' % self.r.randint(1, n_groups))
        if (table == 0 and self.has('goto')
                and self.chance(0.4 if recirc else 0.25)):
            acts.append(self.pick(['goto_table:1', 'resubmit(,1)']))
        return ','.join(acts) if acts else 'drop'

    def flow(self, table, n_groups, n_meters):
        m, l3 = self.match(table)
        prio = self.pick([1, 10, 10, 100, 100, 1000])
        key = 'table=%d,priority=%d%s' % (table, prio,
                                          ''.join(',' + x for x in m))
        self.meta[key] = (table, l3, self.tagged)
        return key, self.actions(table, l3, n_groups, n_meters)

    def cookie(self, key):
        """A flow's cookie: one of its own, kept when its actions change,
        so that the test follows each flow's counters by cookie."""
        if key not in self.cookies:
            self.n_cookies += 1
            self.cookies[key] = self.n_cookies
        return self.cookies[key]

    def groups(self):
        groups = []
        if not self.has('groups'):
            return groups
        if self.has('recirc'):
            self.n_groups = self.r.randint(2, 5)
            # Highest id first: a bucket goes only to groups of higher ids,
            # which must exist before it.
            for gid in range(self.n_groups, 0, -1):
                groups.append(self.recirc_group(
                    gid, select='recirc' if gid == 1 else False))
            return groups
        for gid in range(1, self.r.randint(1, 3) + 1):
            types = ['all', 'all', 'indirect']
            if self.has('select-groups'):
                types.append('select')
            t = self.pick(types)
            n = 1 if t == 'indirect' else self.r.randint(2, 3)
            buckets = []
            for _ in range(n):
                a = self.pick(['output:2', 'output:3', 'output:4',
                               'mod_dl_src:50:54:00:00:00:09,output:3',
                               'mod_vlan_pcp:1,output:2'])
                if t == 'select':
                    a = 'weight:%d,%s' % (self.pick([1, 2]), a)
                buckets.append('bucket=' + a)
            sel = ',selection_method=dp_hash' if t == 'select' else ''
            groups.append('group_id=%d,type=%s%s,%s'
                          % (gid, t, sel, ','.join(buckets)))
        return groups

    def recirc_group(self, gid, select=False):
        """Group 'gid' of the recirc feature, "ovs-ofctl add-group"
        syntax: a select group (always if 'select'), all or indirect.
        Group 1 is a select group whose method recirculates (dp_hash, or
        the default with at most 256 hash values), unless a round
        modifies it."""
        t = 'select' if select else self.pick(['select'] * 7 + ['all'] * 2
                                              + ['indirect'])
        sel = ''
        if t == 'select':
            n = self.pick([2, 2, 3, 4, 4, 5, 8, 16, self.r.randint(2, 16)])
            methods = ['dp_hash', 'dp_hash', 'dp_hash-param', 'default',
                       'default']
            if gid != 1 or select != 'recirc':
                methods.append('hash')
            method = self.pick(methods)
            if method == 'dp_hash':
                sel = ',selection_method=dp_hash'
            elif method == 'dp_hash-param':
                # OVS_HASH_ALG_L4 (0) or OVS_HASH_ALG_SYM_L4 (1), a basis.
                sel = (',selection_method=dp_hash,selection_method_param=%d'
                       % ((self.pick([0, 1]) << 32)
                          | self.pick([1, 0x1234, 0xffffffff])))
            elif method == 'hash':
                sel = (',selection_method=hash,fields(%s)'
                       % self.pick(['ip_src,ip_dst', 'eth_dst',
                                    'ip_dst,tcp_dst', 'eth_src,udp_src',
                                    'ipv6_src,ipv6_dst']))
        elif t == 'all':
            n = self.r.randint(2, 3)
        else:
            n = 1
        buckets = []
        for _ in range(n):
            a = self.pick(['output:2', 'output:3', 'output:4', 'output:1',
                           'mod_dl_src:50:54:00:00:00:09,output:3',
                           'mod_dl_dst:50:54:00:00:00:0a,output:4',
                           'mod_vlan_pcp:1,output:2',
                           'mod_vlan_vid:10,output:3',
                           'mod_nw_dst:10.1.1.2,output:4',
                           'mod_tp_dst:8080,output:2'])
            if gid < self.n_groups and self.chance(0.3):
                # A chain: a rewrite or not, then a group of a higher id.
                a = self.pick(['', 'mod_nw_src:10.1.1.1,',
                               'mod_dl_dst:50:54:00:00:00:0b,']) \
                    + 'group:%d' % self.r.randint(gid + 1, self.n_groups)
            elif self.chance(0.1):
                a = self.pick(['', 'mod_dl_src:50:54:00:00:00:0c,']) \
                    + 'resubmit(,2)'
            if t == 'select':
                # Rarely 0 (a bucket never taken) or 100 (with 1, more
                # hash values than OVS's dp_hash method allows: the
                # group falls back to the default method, in xlate).
                w = self.pick([1, 1, 1, 2, 2, 3, 4, 5, 10] * 2
                              + ([0] if select == 'recirc' else [0, 100]))
                a = 'weight:%d,%s' % (w, a)
            buckets.append('bucket=' + a)
        return ('group_id=%d,type=%s%s,%s'
                % (gid, t, sel, ','.join(buckets)))

    def meters(self):
        meters = []
        if not self.has('meters'):
            return meters
        for mid in range(1, self.r.randint(1, 2) + 1):
            unit = self.pick(['pktps', 'kbps'])
            rate = self.pick([1, 10, 100])
            burst = self.pick([1, 2, 10])
            meters.append('meter=%d,%s,burst,stats,bands=type=drop,rate=%d,'
                          'burst_size=%d' % (mid, unit, rate, burst))
        return meters

    def table(self, n_groups, n_meters):
        flows = {}
        for _ in range(self.r.randint(4, 10)):
            k, a = self.flow(0, n_groups, n_meters)
            flows[k] = a
        if self.chance(0.7):
            # A flow for the packets that no other flow matches.
            k = 'table=0,priority=0'
            self.meta[k] = (0, None, False)
            self.tagged = False
            flows[k] = self.actions(0, None, n_groups, n_meters)
        for _ in range(self.r.randint(1, 4)):
            k, a = self.flow(1, n_groups, n_meters)
            flows[k] = a
        if self.has('recirc'):
            for _ in range(self.r.randint(1, 3)):
                k, a = self.flow(2, 0, n_meters)
                flows[k] = a
        return flows

    def change(self, flows, n_groups, n_meters):
        """Returns the flows of the next round and the changes from
        'flows', as lines for "ovs-ofctl bundle"."""
        flows = dict(flows)
        changes = []
        for _ in range(self.r.randint(1, 3)):
            keys = sorted(flows)
            what = self.pick(['add', 'delete', 'modify', 'modify'])
            if what == 'add' or not keys:
                tables = [0, 0, 1, 2] if self.has('recirc') else [0, 0, 1]
                k, a = self.flow(self.pick(tables), n_groups, n_meters)
                what = 'modify_strict' if k in flows else 'add'
                flows[k] = a
                changes.append('flow %s %s,cookie=0x%x,actions=%s'
                               % (what, k, self.cookie(k), a))
            elif what == 'delete':
                k = self.pick(keys)
                del flows[k]
                self.cookies.pop(k, None)
                changes.append('flow delete_strict %s' % k)
            else:
                k = self.pick(keys)
                table, l3, self.tagged = self.meta[k]
                flows[k] = self.actions(table, l3, n_groups, n_meters)
                changes.append('flow modify_strict %s,actions=%s'
                               % (k, flows[k]))
        if n_groups and self.has('recirc') and self.chance(0.5):
            # A group becomes another select group: other buckets, weights
            # or selection method.
            changes.append('group modify %s'
                           % self.recirc_group(self.r.randint(1, n_groups),
                                               select=True))
        return flows, changes


def pcap_to_hex(name):
    counts = {}
    with open(name, 'rb') as f:
        data = f.read()
    if len(data) >= 24:
        magic = struct.unpack('<I', data[:4])[0]
        endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
        ofs = 24
        while ofs + 16 <= len(data):
            caplen = struct.unpack(endian + 'I', data[ofs + 8:ofs + 12])[0]
            frame = data[ofs + 16:ofs + 16 + caplen].hex()
            counts[frame] = counts.get(frame, 0) + 1
            ofs += 16 + caplen
    out = name[:-5] if name.endswith('.pcap') else name + '.hex'
    with open(out, 'w') as f:
        for frame in sorted(counts):
            f.write('%7d %s\n' % (counts[frame], frame))


def tcp4_flows(n, dport):
    """Writes to stdout 'n' TCP SYNs from 50:54:00:00:00:01 to
    52:54:00:00:00:00, of as many 5-tuples: from 10.1.0.0 up, port 1024 and
    up, to 10.0.0.2 port 'dport'; one frame a line, in hexadecimal."""
    for i in range(n):
        src = struct.pack('!BBH', 10, 1, i & 0xffff)
        dst = ip4_bytes('10.0.0.2')
        seg = struct.pack('!HHIIHHHH', 1024 + i % 60000, dport, i, 0,
                          (5 << 12) | 0x02, 8192, 0, 0)
        c = csum(src + dst + struct.pack('!BBH', 0, 6, len(seg)) + seg)
        seg = seg[:16] + struct.pack('!H', c) + seg[18:]
        hdr = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(seg), i & 0xffff,
                          0, 64, 6, 0, src, dst)
        hdr = hdr[:10] + struct.pack('!H', csum(hdr)) + hdr[12:]
        frame = (mac_bytes('52:54:00:00:00:00')
                 + mac_bytes('50:54:00:00:00:01')
                 + struct.pack('!H', 0x0800) + hdr + seg)
        print(frame.hex())


def main():
    if len(sys.argv) > 1 and sys.argv[1] == '--pcap':
        for name in sys.argv[2:]:
            pcap_to_hex(name)
        return
    if len(sys.argv) == 4 and sys.argv[1] == '--tcp4':
        tcp4_flows(int(sys.argv[2]), int(sys.argv[3]))
        return

    p = argparse.ArgumentParser(
        description='Writes the OpenFlow program and frames of a seed of '
        'the differential test.')
    p.add_argument('--rounds', type=int, default=3)
    p.add_argument('--frames', type=int, default=16)
    p.add_argument('--with', dest='on', default='')
    p.add_argument('--without', dest='off', default='')
    p.add_argument('seed', type=int)
    p.add_argument('dir')
    args = p.parse_args()

    features = set(FEATURES) - DEFAULT_OFF
    for f in filter(None, args.on.split(',')):
        if f not in FEATURES:
            sys.exit('%s: unknown feature (%s)' % (f, ', '.join(FEATURES)))
        features.add(f)
    for f in filter(None, args.off.split(',')):
        if f not in FEATURES:
            sys.exit('%s: unknown feature (%s)' % (f, ', '.join(FEATURES)))
        features.discard(f)

    g = Gen(args.seed, features)
    os.makedirs(args.dir, exist_ok=True)

    groups = g.groups()
    meters = g.meters()
    with open(os.path.join(args.dir, 'groups'), 'w') as f:
        f.writelines(x + '\n' for x in groups)
    with open(os.path.join(args.dir, 'meters'), 'w') as f:
        f.writelines(x + '\n' for x in meters)

    flows = g.table(len(groups), len(meters))
    for rnd in range(args.rounds):
        if rnd:
            flows, changes = g.change(flows, len(groups), len(meters))
            with open(os.path.join(args.dir, 'changes.%d' % rnd), 'w') as f:
                f.writelines(x + '\n' for x in changes)
        with open(os.path.join(args.dir, 'flows.%d' % rnd), 'w') as f:
            f.writelines('%s,cookie=0x%x,actions=%s\n'
                         % (k, g.cookie(k), flows[k])
                         for k in sorted(flows))
        with open(os.path.join(args.dir, 'frames.%d' % rnd), 'w') as f:
            for _ in range(args.frames):
                port = g.pick(['p1'] * 8 + ['p2', 'p3', 'p4'])
                f.write('%s %s\n' % (port, g.frame(port)))


if __name__ == '__main__':
    main()
