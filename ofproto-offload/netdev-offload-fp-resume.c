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

#include "netdev-offload-fp-private.h"

#include <errno.h>

#include "coverage.h"
#include "dp-packet.h"
#include "netdev-fp.h"
#include "netdev-provider.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "util.h"

/* Resuming in software where the NIC stopped.
 *
 * A packet that the NIC hands to the host after a recirculation (a miss in
 * a later pass, or one pass too many) carries its state: its recirc_id and
 * dp_hash (struct fp_packet_md).  dpif-netdev initializes the metadata of
 * every packet it receives (pkt_metadata_init()) and then asks the flow API
 * to restore what the NIC left (hw_miss_packet_recover()), on the thread
 * that received the packet, before it receives the next batch.  So
 * netdev_fp_rxq_recv() keeps the state of the packets of its last batch in
 * a table of its thread, by packet, where the hook finds it. */
struct offload_fp_resume {
    const struct dp_packet *packet;
    uint32_t recirc_id;
    uint32_t dp_hash;
};

struct offload_fp_resume_table {
    size_t n;
    struct offload_fp_resume entries[NETDEV_MAX_BURST];
};

DEFINE_STATIC_PER_THREAD_DATA(struct offload_fp_resume_table,
                              offload_fp_resume_table, { 0 });

/* Packets resumed in software at a later stage: a count for fp/offload-stats
 * (the coverage counter fp_offload_resumed counts them too). */
static atomic_uint64_t offload_fp_resumed = ATOMIC_VAR_INIT(0);

COVERAGE_DEFINE(fp_offload_resumed);

/* Returns how many packets dpif-netdev resumed at a later stage. */
uint64_t
offload_fp_n_resumed(void)
{
    uint64_t n;

    atomic_read_relaxed(&offload_fp_resumed, &n);
    return n;
}

/* Forgets the packets that the calling thread received before: called by
 * the receive function of "fp" netdevs before each batch. */
void
netdev_offload_fp_resume_clear(void)
{
    offload_fp_resume_table_get()->n = 0;
}

/* Notes that 'packet', which the calling thread received from a NIC in the
 * current batch (at most NETDEV_MAX_BURST packets since
 * netdev_offload_fp_resume_clear()), resumes with 'recirc_id' (nonzero) and
 * 'dp_hash' in dpif-netdev. */
void
netdev_offload_fp_resume_add(const struct dp_packet *packet,
                             uint32_t recirc_id, uint32_t dp_hash)
{
    struct offload_fp_resume_table *t = offload_fp_resume_table_get();

    if (t->n < ARRAY_SIZE(t->entries)) {
        struct offload_fp_resume *r = &t->entries[t->n++];

        r->packet = packet;
        r->recirc_id = recirc_id;
        r->dp_hash = dp_hash;
    }
}

/* The flow API's hw_miss_packet_recover(): restores in 'packet', which the
 * calling thread received from "fp" netdev 'netdev' in its last batch and
 * whose metadata dpif-netdev has just initialized, the recirc_id and
 * dp_hash that the NIC stopped at, if the NIC stopped after a
 * recirculation, so that dpif-netdev looks the packet up at that stage
 * rather than from the start.  (Its RSS hash, the one the NIC computed at
 * its ingress, is already set: dpif-netdev keeps it.)  Called by
 * dpif-netdev's receiving thread, for every packet received from 'netdev'
 * while hw-offload is on, before dpif-netdev looks for the packet's flow
 * mark.
 *
 * Returns 0, with or without a state to restore: any other value would make
 * dpif-netdev drop the packet, or, for EOPNOTSUPP, never call again for
 * 'netdev'.  That is the answer for a "dpdk" netdev (see
 * netdev-offload-fp-dpdk.c): the rte_flow driver refuses recirculation, so
 * no packet of such a port resumes at a later stage, and its flow mark is
 * in the mbuf, where dpif-netdev reads it after this call. */
int
netdev_offload_fp_hw_miss_packet_recover(struct netdev *netdev,
                                         struct dp_packet *packet)
{
    struct offload_fp_resume_table *t = offload_fp_resume_table_get();
    size_t i;

    if (!netdev_fp_is_fp(netdev)) {
        return EOPNOTSUPP;
    }
    for (i = 0; i < t->n; i++) {
        struct offload_fp_resume *r = &t->entries[i];

        if (r->packet == packet) {
            uint64_t orig;

            packet->md.recirc_id = r->recirc_id;
            packet->md.dp_hash = r->dp_hash;
            *r = t->entries[--t->n];
            atomic_add_relaxed(&offload_fp_resumed, 1, &orig);
            COVERAGE_INC(fp_offload_resumed);
            break;
        }
    }
    return 0;
}
