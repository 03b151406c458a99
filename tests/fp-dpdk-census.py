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

"""Counts, by kind, the datapath flows that each run of the differential
test across flow APIs (FP_DPDK_DIFF, tests/fp-dpdk-macros.at) offloaded.

Usage: fp-dpdk-census.py [--rst] CENSUS-DIR

CENSUS-DIR holds the census of a test, census/RUN-SEED-ROUND: the
"ovs-appctl dpctl/dump-flows -m" output of run RUN (sw, fp, ovs-dpdk,
fp-dpdk, dpdk-sw) at the end of round ROUND of seed SEED.  A datapath flow
is its match and actions (without ufid, counters and offload state) in
one seed of one run; it counts as offloaded if a census of the seed
shows it "offloaded:yes", partly offloaded if it shows it
"offloaded:partial" and never "yes" (OVS's netdev-offload-dpdk marks the
packets in the NIC and runs the actions in software), else in software.
The barrier flows of the test (Ethernet type 0x88b5 from 02:de:ad:...
and 0x88b6) are left out.

Each flow has one kind, the first of these that its actions or match
show:

  recirc      recirculates (recirc(), or a match on a nonzero recirc_id)
  meter       meter()
  controller  userspace(): to the controller, slow path
  drop        no action (drop)
  vlan        push_vlan() or pop_vlan()
  ttl         sets the IPv4 TTL or the IPv6 hop limit (dec_ttl)
  l4          sets TCP, UDP or SCTP ports
  l3          sets IPv4 or IPv6 fields
  l2          sets Ethernet addresses
  output      outputs only

Prints, for each kind, the number of flows of the reference run (sw, offload
off) and, for each other run, how many it offloaded, partly offloaded
(after a '+') and had in all (after a '/': the runs' flows differ a little
with the timing of MAC learning and revalidation); with --rst, as a
reStructuredText table.
"""

import argparse
import collections
import os
import re
import sys

KINDS = ['output', 'l2', 'l3', 'l4', 'ttl', 'vlan', 'drop', 'controller',
         'meter', 'recirc']
RUN_ORDER = ['sw', 'dpdk-sw', 'ovs-dpdk', 'fp-dpdk', 'fp']
RUN_TITLES = {
    'sw': 'off',
    'dpdk-sw': 'off (DPDK ports)',
    'ovs-dpdk': '(a) OVS rte_flow',
    'fp-dpdk': '(b) ours, rte_flow',
    'fp': '(c) ours, model',
}


def kind(match, actions):
    if 'recirc(' in actions or re.search(r'recirc_id\(0x[0-9a-f]*[1-9a-f]',
                                         match):
        return 'recirc'
    if 'meter(' in actions:
        return 'meter'
    if 'userspace(' in actions:
        return 'controller'
    if actions in ('drop', ''):
        return 'drop'
    if 'push_vlan(' in actions or 'pop_vlan' in actions:
        return 'vlan'
    if re.search(r'ipv4\([^)]*ttl=', actions) or 'hlimit=' in actions:
        return 'ttl'
    if re.search(r'set\((tcp|udp|sctp)\(', actions):
        return 'l4'
    if re.search(r'set\((ipv4|ipv6)\(', actions):
        return 'l3'
    if 'set(eth(' in actions:
        return 'l2'
    return 'output'


def parse(line):
    """Returns (match, actions, state) of a dpctl/dump-flows -m line, or
    None."""
    if not line.startswith('ufid:'):
        return None
    m = re.match(r'ufid:[^,]*, (.*), packets:.*?, used:[^,]*,'
                 r'(?: offloaded:(\w+),)? dp:\w+, actions:(.*?)'
                 r'(?:, dp-extra-info:.*)?$', line)
    if not m:
        return None
    match, state, actions = m.groups()
    if ('eth_type(0x88b6)' in match
            or ('02:de:ad:' in match and 'eth_type(0x88b5)' in match)):
        return None
    return match, actions, state or 'no'


def census(directory):
    """Returns {run: {flow: state}} where a flow is (seed, match, actions)
    and state 'yes', 'partial' or 'no'."""
    rank = {'no': 0, 'partial': 1, 'yes': 2}
    runs = collections.defaultdict(dict)
    for name in sorted(os.listdir(directory)):
        m = re.match(r'(.*)-(\d+)-(\d+)$', name)
        if not m:
            continue
        run, seed = m.group(1), m.group(2)
        with open(os.path.join(directory, name)) as f:
            for line in f:
                p = parse(line.rstrip('\n'))
                if p is None:
                    continue
                match, actions, state = p
                flow = (seed, match, actions)
                old = runs[run].get(flow, 'no')
                if rank[state] >= rank[old]:
                    runs[run][flow] = state
    return runs


def table(runs):
    """Returns the rows of the table: a header, then one row per kind and a
    total."""
    order = [r for r in RUN_ORDER if r in runs] + sorted(
        r for r in runs if r not in RUN_ORDER)
    ref = 'sw' if 'sw' in runs else order[0]
    counts = {}
    for run in order:
        c = collections.defaultdict(lambda: [0, 0, 0])
        for (seed, match, actions), state in runs[run].items():
            k = kind(match, actions)
            c[k][0] += 1
            if state == 'yes':
                c[k][1] += 1
            elif state == 'partial':
                c[k][2] += 1
        counts[run] = c
    offload_runs = [r for r in order if r != ref]
    rows = [['kind', 'flows'] + [RUN_TITLES.get(r, r) for r in offload_runs]]
    total = [0] + [[0, 0, 0] for r in offload_runs]
    for k in KINDS:
        n = counts[ref][k][0]
        if not n and not any(counts[r][k][0] for r in offload_runs):
            continue
        row = [k, str(n)]
        total[0] += n
        for i, r in enumerate(offload_runs):
            yes, partial = counts[r][k][1], counts[r][k][2]
            total[i + 1][0] += yes
            total[i + 1][1] += partial
            total[i + 1][2] += counts[r][k][0]
            row.append('%d%s/%d' % (yes, '+%d' % partial if partial else '',
                                    counts[r][k][0]))
        rows.append(row)
    rows.append(['all', str(total[0])]
                + ['%d%s/%d' % (y, '+%d' % p if p else '', n)
                   for y, p, n in total[1:]])
    return rows


def print_rst(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    sep = '  '.join('=' * w for w in widths)
    print(sep)
    print('  '.join(c.ljust(w) for c, w in zip(rows[0], widths)).rstrip())
    print(sep)
    for r in rows[1:]:
        print('  '.join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print(sep)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--rst', action='store_true')
    parser.add_argument('dir')
    args = parser.parse_args()
    runs = census(args.dir)
    if not runs:
        sys.stderr.write('%s: no census\n' % args.dir)
        return 1
    rows = table(runs)
    if args.rst:
        print_rst(rows)
    else:
        for r in rows:
            print(' '.join(r))
    return 0


if __name__ == '__main__':
    sys.exit(main())
