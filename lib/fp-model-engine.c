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

#include "fp-model-private.h"
#include "fp-model-emc.h"
#include "fp-model-tx.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bitmap.h"
#include "coverage.h"
#include "dp-packet.h"
#include "fp-action.h"
#include "fp-hash.h"
#include "fp-meter.h"
#include "fp-parse.h"
#include "fp-table.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "packets.h"
#include "seq.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_model_engine);

COVERAGE_DEFINE(fp_model_hit);
COVERAGE_DEFINE(fp_model_miss);
COVERAGE_DEFINE(fp_model_exception);
COVERAGE_DEFINE(fp_model_malformed);
COVERAGE_DEFINE(fp_model_drop);
COVERAGE_DEFINE(fp_model_recirc);
COVERAGE_DEFINE(fp_model_recirc_miss);
COVERAGE_DEFINE(fp_model_recirc_exceeded);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Waits until every engine that was processing a batch when this was
 * called has finished it.  After fp_table_commit(), this guarantees that no
 * engine uses an older table version any more. */
void
fp_model_barrier(struct fp_model *model)
{
    size_t i;

    atomic_thread_fence(memory_order_seq_cst);
    for (i = 0; i < model->n_engines; i++) {
        struct fp_model_engine *engine = &model->engines[i];
        uint64_t epoch, now;

        atomic_read(&engine->epoch, &epoch);
        if (epoch & 1) {
            do {
                sched_yield();
                atomic_read(&engine->epoch, &now);
            } while (now == epoch);
        }
    }
}

/* Packet processing. */

/* Queues the 'size' bytes at 'data', which came in on 'port_no' and missed
 * ('malformed' false) or failed to parse ('malformed' true), for the host,
 * with 'md'.  Counts in 'ctrs'.  Returns what became of the packet.  With
 * a dry 'trace', only says what would become of it ('ctrs' may then be
 * NULL). */
static enum fp_trace_host
fp_model_exception(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
                   uint32_t port_no, const void *data, size_t size,
                   bool malformed, const struct fp_packet_md *md,
                   const struct fp_trace *trace)
{
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_model_slot *slot;

    ovs_mutex_lock(&port->exc_mutex);
    if (!port->attached || port->n_queued >= FP_MODEL_QUEUE_LEN) {
        bool attached = port->attached;

        ovs_mutex_unlock(&port->exc_mutex);
        if (OVS_LIKELY(!trace || !trace->dry)) {
            fp_model_ctr_add(&ctrs->drops, 1);
            COVERAGE_INC(fp_model_drop);
            VLOG_DBG_RL(&rl, "%s: port %"PRIu32": exception dropped (%s)",
                        model->up.name, port_no,
                        attached ? "queue full" : "no representor");
        }
        return (attached
                ? FP_TRACE_HOST_QUEUE_FULL : FP_TRACE_HOST_NO_REPRESENTOR);
    }
    if (OVS_UNLIKELY(trace && trace->dry)) {
        ovs_mutex_unlock(&port->exc_mutex);
        return FP_TRACE_HOST_QUEUED;
    }

    slot = &port->queue[(port->head + port->n_queued) % FP_MODEL_QUEUE_LEN];
    fp_model_slot_reserve(slot, size);
    memcpy(fp_model_slot_data(slot), data, size);
    slot->size = size;
    slot->mark = md->mark;
    slot->rss_hash = md->rss_hash;
    slot->recirc_id = md->recirc_id;
    slot->dp_hash = md->dp_hash;
    port->n_queued++;
    if (malformed) {
        fp_model_ctr_add(&ctrs->malformed, 1);
    } else {
        fp_model_ctr_add(&ctrs->exceptions, 1);
    }
    seq_change(port->seq);
    ovs_mutex_unlock(&port->exc_mutex);

    if (malformed) {
        COVERAGE_INC(fp_model_malformed);
    } else {
        COVERAGE_INC(fp_model_exception);
    }
    return FP_TRACE_HOST_QUEUED;
}

/* Counts a packet of 'size' bytes with 'tcp_flags' (as in its key, network
 * byte order) in counter 'counter' of 'engine', at 'now_ms'. */
static inline void
fp_model_count(struct fp_model_engine *engine, uint32_t counter,
               size_t size, uint16_t tcp_flags, long long int now_ms)
{
    struct fp_model_counter *c = &engine->counters[counter];
    uint64_t used_flags;

    fp_model_ctr_add(&c->packets, 1);
    fp_model_ctr_add(&c->bytes, size);
    atomic_read_relaxed(&c->used_flags, &used_flags);
    used_flags = ((used_flags & ~FP_MODEL_USED_MASK)
                  | ((uint64_t) ntohs(tcp_flags) << FP_MODEL_USED_BITS)
                  | ((uint64_t) now_ms & FP_MODEL_USED_MASK));
    atomic_store_relaxed(&c->used_flags, used_flags);
}

/* Returns the RSS hash of the packet of 'p', which came in on 'in_port' and
 * was parsed into 'key', or, if actions 'modified' it since, of the packet
 * as it is now, as the host gets it. */
static uint32_t
fp_model_rss_hash(const struct fp_action_packet *p, uint32_t in_port,
                  const struct fp_key *key, bool modified)
{
    if (modified) {
        struct fp_key now_key;

        fp_parse(p->data, p->size, in_port, &now_key, NULL);
        return fp_parse_rss_hash(&now_key);
    }
    return fp_parse_rss_hash(key);
}

/* What a packet carries from one lookup pass to the next (see
 * "Recirculation" in include/fp/fp.h). */
struct fp_model_recirc {
    uint32_t pass;              /* Of the actions being executed: 0 for the
                                 * first lookup pass. */
    uint32_t recirc_id;         /* Set by an FP_ACTION_RECIRC: the recirc_id
                                 * of the next pass.  0: none. */
    uint32_t dp_hash;           /* From the last FP_ACTION_HASH, else 0. */
    uint32_t rss_hash;          /* If 'pass': the RSS hash of the packet as
                                 * it entered the NIC. */
    uint32_t queue;             /* From the last FP_ACTION_SET_QUEUE, as
                                 * OVS keeps skb_priority. */
    uint8_t *data;              /* If 'recirc_id': the packet as the */
    size_t size;                /* actions left it. */
};

/* Stores in '*md' what the host gets with the packet of 'p', which came in
 * on 'in_port', was parsed into 'key' (the key of lookup pass 'rc->pass')
 * and, if 'modified', rewritten since: 'mark', the RSS hash and, after a
 * recirculation, the packet's recirc_id and dp_hash.  Returns 'md'. */
static const struct fp_packet_md *
fp_model_host_md(struct fp_packet_md *md, uint32_t mark,
                 const struct fp_action_packet *p, uint32_t in_port,
                 const struct fp_key *key, bool modified,
                 const struct fp_model_recirc *rc)
{
    md->mark = mark;
    if (OVS_UNLIKELY(rc->pass)) {
        md->rss_hash = rc->rss_hash;
        md->recirc_id = key->recirc_id;
        md->dp_hash = rc->dp_hash;
    } else {
        md->rss_hash = fp_model_rss_hash(p, in_port, key, modified);
        md->recirc_id = 0;
        md->dp_hash = 0;
    }
    return md;
}

/* Returns the dp_hash that FP_ACTION_HASH 'a' computes for the packet of
 * 'p', which came in on 'in_port', was parsed into 'key' (the key of lookup
 * pass 'rc->pass') and, if 'modified', rewritten since. */
static uint32_t
fp_model_hash(const struct fp_model *model, const struct fp_action *a,
              const struct fp_action_packet *p, uint32_t in_port,
              const struct fp_key *key, bool modified,
              const struct fp_model_recirc *rc)
{
    struct fp_key now_key;
    unsigned int vlan_limit;

    if (a->hash.alg == FP_HASH_L4) {
        /* The RSS hash of the packet as it entered the NIC, which is pass
         * 0's key, before any rewrite. */
        return fp_hash_l4(rc->pass ? rc->rss_hash : fp_parse_rss_hash(key),
                          a->hash.basis);
    }

    /* FP_HASH_SYM_L4: over the packet as it is now. */
    if (modified) {
        atomic_read_relaxed(&CONST_CAST(struct fp_model *, model)->vlan_limit,
                            &vlan_limit);
        fp_parse_limited(p->data, p->size, in_port, vlan_limit, &now_key,
                         NULL);
        key = &now_key;
    }
    return fp_hash_sym_l4(key, a->hash.basis);
}

/* Records in 'step' of a trace the packet 'p' as action 'a' leaves it. */
static void
fp_model_trace_step(struct fp_trace_step *step, const struct fp_action *a,
                    const struct fp_action_packet *p)
{
    step->action = *a;
    step->size = p->size;
    step->packet = xmemdup(p->data, p->size);
}

/* Executes 'actions' on the 'size' bytes at 'data' (a packet in a slot,
 * which the engine owns and may modify, with FP_MODEL_HEADROOM bytes of
 * room in front), parsed into 'key' and 'layers', that came in on
 * 'in_port', in lookup pass 'rc->pass' with the state in 'rc'.
 * '*now_usp' is the time for meters, or negative if it is not read yet.
 * An FP_ACTION_HASH sets 'rc->dp_hash'; an FP_ACTION_RECIRC (always the
 * last action) sets 'rc->recirc_id', 'rc->queue' and where the packet is
 * now, for the caller to look it up again.
 *
 * With 'trace', records each action executed in it; a dry 'trace' has no
 * side effect (then 'engine' is NULL): nothing is sent, counted or
 * metered, only the packet is rewritten.  Always inlined, as
 * fp_model_finish() is. */
static inline ALWAYS_INLINE void
fp_model_execute(struct fp_model *model, struct fp_model_engine *engine,
                 const struct fp_model_actions *actions,
                 uint8_t *data, size_t size, uint32_t in_port,
                 const struct fp_key *key,
                 const struct fp_parse_layers *layers,
                 long long int now_ms, long long int *now_usp,
                 struct fp_model_recirc *rc, struct fp_trace *trace)
{
    struct fp_model_port_ctrs *ctrs = engine ? &engine->ports[in_port] : NULL;
    bool live = OVS_LIKELY(!trace) || !trace->dry;
    struct fp_trace_step *step = NULL;
    struct fp_action_packet p;
    struct fp_model_meter *m;
    enum fp_trace_host host;
    bool modified = false;
    bool stop = false;
    uint32_t mark = 0;
    struct fp_tx_md md = { .queue = rc->queue, .in_port = in_port };
    struct fp_packet_md hmd;
    size_t i;

    fp_action_packet_init(&p, data, size, key, layers);
    for (i = 0; !stop && i < actions->n; i++) {
        const struct fp_action *a = &actions->actions[i];

        if (OVS_UNLIKELY(trace)) {
            step = &trace->steps[trace->n_steps++];
        }
        switch (a->type) {
        case FP_ACTION_OUTPUT:
            if (live) {
                fp_model_tx__(model, &engine->ports[a->port], a->port,
                              p.data, p.size, &md);
            }
            if (OVS_UNLIKELY(step)) {
                atomic_read_relaxed(&model->ports[a->port].link_down,
                                    &step->link_down);
                step->link_down |= fp_model_port_is_unplugged(
                    &model->ports[a->port]);
                fp_model_evb_trace_output(model, trace, trace->n_steps - 1,
                                          in_port, a->port);
                step->vf = fp_model_vf_egress_verdict(model, a->port, p.data,
                                                      p.size);
                step->link_down |= step->vf == FP_VF_LINK_DOWN;
            }
            break;

        case FP_ACTION_PUSH_VLAN:
            /* At most FP_MAX_ACTIONS pushes fit in the headroom. */
            fp_action_push_vlan(&p, a->vlan.tpid, a->vlan.tci);
            modified = true;
            break;

        case FP_ACTION_POP_VLAN:
            fp_action_pop_vlan(&p);
            modified = true;
            break;

        case FP_ACTION_DROP:
            stop = true;
            break;

        case FP_ACTION_SET_VLAN:
        case FP_ACTION_SET_ETH_SRC:
        case FP_ACTION_SET_ETH_DST:
        case FP_ACTION_SET_IPV4_SRC:
        case FP_ACTION_SET_IPV4_DST:
        case FP_ACTION_SET_IPV4_TOS:
        case FP_ACTION_SET_IPV4_TTL:
        case FP_ACTION_SET_IPV6_SRC:
        case FP_ACTION_SET_IPV6_DST:
        case FP_ACTION_SET_IPV6_TCLASS:
        case FP_ACTION_SET_IPV6_HLIM:
        case FP_ACTION_SET_TP_SRC:
        case FP_ACTION_SET_TP_DST:
            fp_action_set_field(&p, a);
            modified = true;
            break;

        case FP_ACTION_DEC_TTL:
            if (!fp_action_dec_ttl(&p)) {
                host = fp_model_exception(model, ctrs, in_port, p.data,
                                          p.size, false,
                                          fp_model_host_md(&hmd, mark, &p,
                                                           in_port, key,
                                                           modified, rc),
                                          trace);
                if (OVS_UNLIKELY(step)) {
                    step->host = host;
                }
                stop = true;
                break;
            }
            modified = true;
            break;

        case FP_ACTION_METER: {
            enum fp_meter_color color = FP_METER_GREEN;
            uint8_t remark = 0;

            if (*now_usp < 0) {
                *now_usp = time_usec();
            }
            /* The meter's slot holds it as long as an action list uses
             * it. */
            m = ovsrcu_get(struct fp_model_meter *,
                           &model->meters[a->meter_id].meter);
            if (OVS_UNLIKELY(step)) {
                step->meter.meter_id = m->id;
                color = fp_meter_peek(&m->meter, p.size, *now_usp,
                                      &step->meter.config,
                                      step->meter.levels, &remark);
            }
            if (live) {
                color = fp_meter_take_remark(&m->meter, p.size, *now_usp,
                                             &remark);
            }
            if (OVS_UNLIKELY(step)) {
                step->meter.color = color;
            }
            stop = color == FP_METER_RED;
            if (remark && fp_action_dscp_remark(&p, remark)) {
                modified = true;
            }
            break;
        }

        case FP_ACTION_MARK:
            mark = a->mark;
            break;

        case FP_ACTION_SET_QUEUE:
            md.queue = a->queue;
            break;

        case FP_ACTION_COUNT:
            if (live) {
                fp_model_count(engine, a->counter_id, p.size, key->tcp_flags,
                               now_ms);
            }
            break;

        case FP_ACTION_EXCEPTION:
            host = fp_model_exception(model, ctrs, in_port, p.data, p.size,
                                      false,
                                      fp_model_host_md(&hmd, mark, &p,
                                                       in_port, key,
                                                       modified, rc),
                                      trace);
            if (OVS_UNLIKELY(step)) {
                step->host = host;
            }
            break;

        case FP_ACTION_HASH:
            rc->dp_hash = fp_model_hash(model, a, &p, in_port, key, modified,
                                        rc);
            break;

        case FP_ACTION_RECIRC:
            rc->recirc_id = a->recirc_id;
            rc->queue = md.queue;
            rc->data = p.data;
            rc->size = p.size;
            break;

        case FP_N_ACTION_TYPES:
        default:
            OVS_NOT_REACHED();
        }
        if (OVS_UNLIKELY(step)) {
            fp_model_trace_step(step, a, &p);
            step->stop = stop;
            if (a->type == FP_ACTION_METER) {
                step->action.meter_id = step->meter.meter_id;
            }
        }
    }
}

/* Per-packet state of one pass of an engine's pipeline. */
struct fp_model_pkt {
    struct fp_model_slot *slot;
    const struct fp_model_actions *actions;     /* The rule's data, or NULL:
                                                 * no rule matches. */
    const struct fp_table_rule *rule;   /* The rule, but NULL for a hit in
                                         * the exact-match cache in a pass
                                         * without a trace. */
    uint32_t user;              /* fp_table_rule_user() of the rule, if
                                 * any. */
    struct fp_model_emc_entry *emc;     /* First way of the key's set, or
                                         * NULL to bypass the cache. */
    uint32_t hash;              /* fp_model_emc_set()'s, if 'emc'. */
    uint32_t map;
    uint32_t ways;              /* fp_model_emc_ways(), if 'emc'. */
    int error;                  /* fp_parse() result. */
    struct fp_parse_layers layers;
    struct fp_key key;
};

/* Returns the CPU time of the calling thread, in nanoseconds.  An engine's
 * busy time counts only the time that it ran, not the time that another
 * thread had its CPU, so that its rate does not depend on the load of the
 * machine. */
static long long int
fp_model_cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Returns the CPU time that one fp_model_cpu_ns() takes, as seen by the
 * next one: the least of many back-to-back pairs.  Reading the thread's
 * CPU clock is a system call (about 450 ns in a virtual machine), and each
 * batch's busy time holds one reading, which this lets the engine
 * subtract.  The least of only 16 pairs, taken as the engine started, was
 * at times much more than the cost of a reading later on: subtracted from
 * every batch, it hid most of the short batches' work, and a run reported
 * 35 Mpps per engine where 5.5 Mpps were fed. */
static long long int
fp_model_cpu_ns_overhead(void)
{
    long long int best = LLONG_MAX;
    int i;

    for (i = 0; i < 1024; i++) {
        long long int t0 = fp_model_cpu_ns();

        best = MIN(best, fp_model_cpu_ns() - t0);
    }
    return best;
}

/* Parses the 'n' packets of 'pkts' from RX ring slots, which came in on
 * 'port_no', with the VLAN limit of 'model', and prefetches the cache
 * entries that their lookup needs ('engine' NULL: no cache).  Returns true
 * if a packet has a trace (then records the VLAN limit in it).  Stores the
 * packets' bytes in '*n_bytesp'.  The caller prefetched the packets' data
 * (fp_model_poll_batch()). */
static bool
fp_model_pass_parse(struct fp_model *model,
                    const struct fp_model_engine *engine,
                    struct fp_model_pkt *pkts, size_t n, uint32_t port_no,
                    uint64_t *n_bytesp)
{
    bool use_emc = engine && engine->emc;
    struct fp_model_emc_sets sets = { .emc = NULL };
    unsigned int vlan_limit;
    uintptr_t traces = 0;
    uint64_t n_bytes = 0;
    bool traced;
    size_t i;

    atomic_read_relaxed(&model->vlan_limit, &vlan_limit);
    if (use_emc) {
        fp_model_emc_sets_init(&sets, engine);
    }

    for (i = 0; i < n; i++) {
        struct fp_model_pkt *pkt = &pkts[i];
        const uint8_t *data = fp_model_slot_data(pkt->slot);
        uint32_t size = pkt->slot->size;

        n_bytes += size;
        traces |= (uintptr_t) pkt->slot->trace;
        /* The parser's fast path (fp_parse_inline()) apart from the rest,
         * with its own call of fp_model_emc_set(): there the compiler
         * knows the key's words that the fast path just stored and the
         * hash reads, and that the parse succeeded, with a key of the fast
         * path. */
        if (OVS_LIKELY(fp_parse_fast(data, size, port_no, &pkt->key,
                                     &pkt->layers))) {
            pkt->error = 0;
            if (use_emc) {
                pkt->emc = fp_model_emc_sets_set(&sets, &pkt->key, true,
                                                 &pkt->hash, &pkt->map);
                OVS_PREFETCH(fp_model_emc_sets_tags(&sets, pkt->hash));
            } else {
                pkt->emc = NULL;
            }
        } else {
            pkt->emc = NULL;
            fp_parse_start(port_no, &pkt->key, &pkt->layers);
            pkt->error = fp_parse_started(data, size, vlan_limit, &pkt->key,
                                          &pkt->layers);
            if (use_emc && !pkt->error) {
                pkt->emc = fp_model_emc_sets_set(&sets, &pkt->key,
                                                 pkt->layers.fast, &pkt->hash,
                                                 &pkt->map);
                if (pkt->emc) {
                    OVS_PREFETCH(fp_model_emc_sets_tags(&sets, pkt->hash));
                }
            }
        }
    }
    traced = traces != 0;
    /* The tags that the loop above prefetched came in meanwhile. */
    for (i = 0; use_emc && i < n; i++) {
        if (pkts[i].emc) {
            pkts[i].ways = fp_model_emc_prefetch(&sets, pkts[i].emc,
                                                 pkts[i].hash);
        }
    }
    if (OVS_UNLIKELY(traced)) {
        for (i = 0; i < n; i++) {
            if (pkts[i].slot->trace) {
                pkts[i].slot->trace->vlan_limit = vlan_limit;
            }
        }
    }
    *n_bytesp = n_bytes;
    return traced;
}

/* Makes room for the pushes of a new lookup pass in front of the packet of
 * 'rc', in 'slot': if less than FP_MODEL_HEADROOM bytes are left in front
 * of it, moves it back to where the slot's packet started, in a larger
 * buffer if pushes made it larger than the slot's (then the slot keeps the
 * larger buffer, as a slot's buffer only grows). */
static void
fp_model_recirc_room(struct fp_model_slot *slot, struct fp_model_recirc *rc)
{
    if (rc->data - slot->buf >= FP_MODEL_HEADROOM) {
        return;
    }
    if (rc->size <= slot->allocated) {
        memmove(fp_model_slot_data(slot), rc->data, rc->size);
    } else {
        uint8_t *buf = fp_model_slot_alloc_buf(rc->size);

        memcpy(buf + FP_MODEL_HEADROOM, rc->data, rc->size);
        fp_model_slot_free_buf(slot->buf);
        slot->buf = buf;
        slot->allocated = rc->size;
    }
    rc->data = fp_model_slot_data(slot);
}

/* Starts the trace of the next lookup pass of a packet, after 'trace', and
 * returns it. */
static struct fp_trace *
fp_model_trace_next(struct fp_trace *trace, uint32_t pass,
                    unsigned int vlan_limit)
{
    struct fp_trace *next = xzalloc(sizeof *next);

    next->dry = trace->dry;
    next->pass = pass;
    next->vlan_limit = vlan_limit;
    next->evb_mode = trace->evb_mode;
    next->etag_pruned = FP_PORT_NONE;
    trace->next = next;
    return next;
}

/* Runs the later lookup passes of the packet in 'slot', which came in on
 * 'port_no' and whose lookup pass 'rc->pass' (pass 0's key: 'key0') ended
 * with an FP_ACTION_RECIRC: parses it again, looks it up with the
 * recirc_id and dp_hash of 'rc' (in the exact-match cache first, as of
 * table 'version') and executes the actions of the rule it hits, as long
 * as they recirculate, up to FP_MAX_RECIRC times.  A miss, or a
 * recirculation beyond FP_MAX_RECIRC, goes to the host with the packet's
 * state.  'trace' is the trace of pass 'rc->pass', or NULL; each later
 * pass is traced in its 'next'.  With a dry trace (then 'engine' is NULL),
 * has no side effect.
 *
 * Out of line: packets that do not recirculate never get here. */
static void
fp_model_recirculate(struct fp_model *model, struct fp_model_engine *engine,
                     struct fp_model_slot *slot, uint32_t port_no,
                     const struct fp_key *key0, struct fp_model_recirc *rc,
                     uint64_t version, long long int now_ms,
                     long long int *now_usp, struct fp_trace *trace)
{
    struct fp_model_port_ctrs *ctrs = engine ? &engine->ports[port_no] : NULL;
    bool live = !trace || !trace->dry;
    unsigned int vlan_limit;

    atomic_read_relaxed(&model->vlan_limit, &vlan_limit);
    rc->rss_hash = fp_parse_rss_hash(key0);
    while (rc->recirc_id) {
        struct fp_model_pkt pkt = { .slot = slot };
        uint32_t recirc_id = rc->recirc_id;
        struct fp_packet_md md = {
            .rss_hash = rc->rss_hash,
            .recirc_id = recirc_id,
            .dp_hash = rc->dp_hash,
        };
        enum fp_trace_host host;

        rc->recirc_id = 0;
        if (rc->pass >= FP_MAX_RECIRC) {
            /* To the host, which resumes with the lookup that the NIC does
             * not do: never dropped for its depth. */
            host = fp_model_exception(model, ctrs, port_no, rc->data,
                                      rc->size, false, &md, trace);
            if (live) {
                fp_model_ctr_add(&engine->recirc_exceeded, 1);
                COVERAGE_INC(fp_model_recirc_exceeded);
                VLOG_DBG_RL(&rl, "%s: port %"PRIu32": recirculation %"PRIu32
                            " beyond %d passes, to the host",
                            model->up.name, port_no, recirc_id,
                            FP_MAX_RECIRC + 1);
            }
            if (OVS_UNLIKELY(trace)) {
                trace->recirc_exceeded = true;
                trace->recirc_host = host;
            }
            return;
        }

        rc->pass++;
        if (live) {
            fp_model_ctr_add(&engine->recirculations, 1);
            COVERAGE_INC(fp_model_recirc);
        }
        fp_model_recirc_room(slot, rc);
        pkt.error = fp_parse_limited(rc->data, rc->size, port_no, vlan_limit,
                                     &pkt.key, &pkt.layers);
        pkt.key.recirc_id = recirc_id;
        pkt.key.dp_hash = rc->dp_hash;
        if (OVS_UNLIKELY(trace)) {
            trace = fp_model_trace_next(trace, rc->pass, vlan_limit);
            trace->parse_error = pkt.error;
            trace->key = pkt.key;
        }

        if (!pkt.error) {
            const struct fp_model_emc_entry *e = NULL;
            const void *data;

            if (engine && fp_model_emc_active(model, engine)) {
                pkt.emc = fp_model_emc_set(engine, &pkt.key, false,
                                           &pkt.hash, &pkt.map);
            }
            if (pkt.emc) {
                e = fp_model_emc_find(engine, pkt.emc,
                                      fp_model_emc_ways(engine, pkt.emc,
                                                        pkt.hash),
                                      &pkt.key, pkt.map, version,
                                      &data, &pkt.user);
            }
            if (e) {
                pkt.rule = fp_model_emc_rule(engine, e);
                fp_model_ctr_add(&engine->emc_hits, 1);
            } else {
                const struct fp_key *keys[1] = { &pkt.key };

                fp_table_lookup_batch(model->table, keys, 1, version,
                                      &pkt.rule);
                if (pkt.emc) {
                    fp_model_emc_insert(engine, pkt.emc, &pkt.key, pkt.hash,
                                        pkt.map, pkt.rule, version);
                }
            }
        }

        if (pkt.rule) {
            if (OVS_UNLIKELY(trace)) {
                trace->hit = true;
                trace->priority = fp_table_rule_priority(pkt.rule);
                trace->driver_rule = pkt.rule;
            }
            if (live) {
                fp_model_count(engine, fp_table_rule_user(pkt.rule),
                               rc->size, pkt.key.tcp_flags, now_ms);
            }
            fp_model_execute(model, engine, fp_table_rule_data(pkt.rule),
                             rc->data, rc->size, port_no, &pkt.key,
                             &pkt.layers, now_ms, now_usp, rc, trace);
        } else {
            host = fp_model_exception(model, ctrs, port_no, rc->data,
                                      rc->size, pkt.error != 0, &md, trace);
            if (live) {
                fp_model_ctr_add(&engine->recirc_misses, 1);
                COVERAGE_INC(fp_model_recirc_miss);
            }
            if (OVS_UNLIKELY(trace)) {
                trace->miss = host;
            }
        }
    }
}

/* Finishes 'pkt', which came in on 'port_no' and was parsed and looked
 * up as of table 'version': executes its rule's actions, with the later
 * lookup passes if they recirculate, or queues it for the host.  Records
 * what it does in 'trace', the packet's trace, if nonnull; with a dry
 * trace (then 'engine' and 'run' are NULL), has no side effect.  Without a
 * trace, sends a packet whose rule is one output action through 'run'.
 * Always inlined, so that the callers' calls with a null 'trace' have no
 * tracing code. */
static inline ALWAYS_INLINE void
fp_model_finish(struct fp_model *model, struct fp_model_engine *engine,
                struct fp_model_pkt *pkt, uint32_t port_no, uint64_t version,
                long long int now_ms, long long int *now_usp,
                struct fp_model_tx_run *run, struct fp_trace *trace)
{
    struct fp_model_slot *slot = pkt->slot;
    uint8_t *data = fp_model_slot_data(slot);
    struct fp_model_port_ctrs *ctrs;
    struct fp_packet_md md;
    enum fp_trace_host host;

    if (OVS_UNLIKELY(trace)) {
        trace->parse_error = pkt->error;
        trace->key = pkt->key;
        if (pkt->rule) {
            trace->hit = true;
            trace->priority = fp_table_rule_priority(pkt->rule);
            trace->driver_rule = pkt->rule;
        }
    }
    if (pkt->actions) {
        const struct fp_model_actions *actions = pkt->actions;
        struct fp_model_recirc rc;

        if (OVS_LIKELY(!trace) || !trace->dry) {
            fp_model_count(engine, pkt->user, slot->size, pkt->key.tcp_flags,
                           now_ms);
        }
        if (OVS_LIKELY(!trace) && actions->output != FP_PORT_NONE) {
            /* The most common rule, one output, without the action loop:
             * the same as fp_model_execute() does with it, without its
             * per-action and per-packet setup. */
            fp_model_tx_run_send(model, engine, run, actions->output,
                                 data, slot->size, port_no);
            return;
        }
        memset(&rc, 0, sizeof rc);
        fp_model_execute(model, engine, actions,
                         data, slot->size, port_no, &pkt->key, &pkt->layers,
                         now_ms, now_usp, &rc, trace);
        if (OVS_UNLIKELY(rc.recirc_id)) {
            fp_model_recirculate(model, engine, slot, port_no, &pkt->key, &rc,
                                 version, now_ms, now_usp, trace);
        }
        return;
    }
    if (pkt->error && (OVS_LIKELY(!trace) || !trace->dry)) {
        VLOG_DBG_RL(&rl, "%s: port %"PRIu32": malformed packet of %"
                    PRIu32" bytes", model->up.name, port_no, slot->size);
    }
    ctrs = engine ? &engine->ports[port_no] : NULL;
    memset(&md, 0, sizeof md);
    md.rss_hash = fp_parse_rss_hash(&pkt->key);
    host = fp_model_exception(model, ctrs, port_no, data, slot->size,
                              pkt->error != 0, &md, trace);
    if (OVS_UNLIKELY(trace)) {
        trace->miss = host;
    }
}

/* Processes the 'n' packets of 'pkts', which came in on 'port_no': looks
 * them up as of table 'version' and executes their rules' actions, or
 * queues them for the host. */
static void
fp_model_pass(struct fp_model *model, struct fp_model_engine *engine,
              struct fp_model_pkt *pkts, size_t n, uint32_t port_no,
              uint64_t version, long long int now_ms,
              long long int *now_usp)
{
    struct fp_model_port_ctrs *ctrs = &engine->ports[port_no];
    const struct fp_table_rule *rules[FP_MODEL_PASS];
    const struct fp_key *keys[FP_MODEL_PASS];
    size_t i, n_hits, n_emc_hits, n_miss = 0, n_errors = 0;
    size_t n_emc_no_rule = 0;
    uint8_t misses[FP_MODEL_PASS];
    struct fp_model_tx_run run;
    uint64_t n_bytes;
    bool traced;

    if (OVS_UNLIKELY(fp_model_evb_active(model))
        && fp_model_evb_is_extended(model, port_no)) {
        /* Port extension takes the packets instead of the lookup. */
        for (i = 0; i < n; i++) {
            fp_model_evb_rx(model, engine, pkts[i].slot, port_no,
                            pkts[i].slot->trace);
        }
        return;
    }
    traced = fp_model_pass_parse(model,
                                 (fp_model_emc_active(model, engine)
                                  ? engine : NULL),
                                 pkts, n, port_no, &n_bytes);

    /* The exact-match cache first, then the rule table for the rest.  A hit
     * in the cache takes the rule's actions and counter from the entry,
     * without the rule's line; the actions are shared by rules (struct
     * fp_model_actions), and the counter is prefetched here. */
    for (i = 0; i < n; i++) {
        struct fp_model_pkt *pkt = &pkts[i];

        pkt->actions = NULL;
        pkt->rule = NULL;
        if (OVS_LIKELY(pkt->emc)) {
            /* Parsed (fp_model_pass_parse() gives a packet that failed to
             * parse no set). */
            const struct fp_model_emc_entry *e;
            const void *data;

            e = fp_model_emc_find(engine, pkt->emc, pkt->ways, &pkt->key,
                                  pkt->map, version, &data, &pkt->user);
            if (OVS_LIKELY(e)) {
                pkt->actions = data;
                if (OVS_LIKELY(data)) {
                    OVS_PREFETCH(&engine->counters[pkt->user]);
                } else {
                    n_emc_no_rule++;
                }
                if (OVS_UNLIKELY(traced)) {
                    pkt->rule = fp_model_emc_rule(engine, e);
                }
                continue;
            }
        } else if (pkt->error) {
            n_errors++;
            continue;
        }
        keys[n_miss] = &pkt->key;
        misses[n_miss++] = i;
    }
    /* Every packet that parsed and is not a miss hit the cache. */
    n_emc_hits = n - n_errors - n_miss;
    n_hits = n_emc_hits - n_emc_no_rule;
    if (n_miss) {
        fp_table_lookup_batch(model->table, keys, n_miss, version, rules);
        for (i = 0; i < n_miss; i++) {
            struct fp_model_pkt *pkt = &pkts[misses[i]];

            pkt->rule = rules[i];
            pkt->actions = rules[i] ? fp_table_rule_data(rules[i]) : NULL;
            if (pkt->emc) {
                fp_model_emc_insert(engine, pkt->emc, &pkt->key, pkt->hash,
                                    pkt->map, pkt->rule, version);
            }
            /* The lookup just read the rule: no wait for it here. */
            if (rules[i]) {
                pkt->user = fp_table_rule_user(rules[i]);
                OVS_PREFETCH(&engine->counters[pkt->user]);
                OVS_PREFETCH(pkt->actions);
                n_hits++;
            }
        }
    }

    fp_model_ctr_add(&ctrs->rx_packets, n);
    fp_model_ctr_add(&ctrs->rx_bytes, n_bytes);
    fp_model_tx_run_init(&run);
    if (OVS_LIKELY(!traced)) {
        /* The fast path: fp_model_finish() inlined without a trace. */
        for (i = 0; i < n; i++) {
            fp_model_finish(model, engine, &pkts[i], port_no, version,
                            now_ms, now_usp, &run, NULL);
        }
    } else {
        for (i = 0; i < n; i++) {
            fp_model_finish(model, engine, &pkts[i], port_no, version,
                            now_ms, now_usp, &run, pkts[i].slot->trace);
        }
    }
    fp_model_tx_run_flush(&run);

    fp_model_ctr_add(&engine->hits, n_hits);
    fp_model_ctr_add(&engine->misses, n - n_hits);
    fp_model_ctr_add(&engine->emc_hits, n_emc_hits);
    COVERAGE_ADD(fp_model_hit, n_hits);
    COVERAGE_ADD(fp_model_miss, n - n_hits);
}

/* Marks 'engine' as busy (an odd epoch) for fp_model_barrier(), which
 * waits for it, and returns the epoch to pass to fp_model_engine_leave(). */
static uint64_t
fp_model_engine_enter(struct fp_model_engine *engine)
{
    uint64_t epoch;

    atomic_read_relaxed(&engine->epoch, &epoch);
    atomic_store_relaxed(&engine->epoch, epoch + 1);
    atomic_thread_fence(memory_order_seq_cst);
    return epoch;
}

/* Ends what fp_model_engine_enter() began: 'engine' is done. */
static void
fp_model_engine_leave(struct fp_model_engine *engine, uint64_t epoch)
{
    atomic_store_explicit(&engine->epoch, epoch + 2, memory_order_release);
}

/* Most batches that an engine processes back to back between two readings
 * of its CPU time (see struct fp_model_busy). */
#define FP_MODEL_CLOCK_BATCHES 64

/* How an engine counts the CPU time that it spends processing batches, its
 * 'busy_ns'.  Reading the thread's CPU clock is a system call (about 450 ns
 * in a virtual machine, as much as processing a few packets), so an engine
 * reads it once as it starts a stretch of batches back to back, and again
 * only when a batch empties its ring or after FP_MODEL_CLOCK_BATCHES
 * batches: not once a batch. */
struct fp_model_busy {
    long long int clock;        /* CPU time (fp_model_cpu_ns()) at the last
                                 * reading, if the engine has been busy
                                 * since, else -1. */
    long long int overhead;     /* The cost of one reading, not counted. */
    unsigned int n_batches;     /* Batches since the last reading. */
};

/* Counts in 'engine''s 'busy_ns' the CPU time since the last reading of
 * 'busy' and starts the next stretch from now. */
static void
fp_model_busy_read(struct fp_model_engine *engine,
                   struct fp_model_busy *busy)
{
    long long int now = fp_model_cpu_ns();

    fp_model_ctr_add(&engine->busy_ns,
                     MAX(now - busy->clock - busy->overhead, 0));
    busy->clock = now;
    busy->n_batches = 0;
}

/* Processes the 'n' packets (at most a batch) from position 'head' of the
 * RX ring of 'port_no', which has packets up to position 'tail'.  Returns
 * 'n'.  Counts the CPU time that it takes as 'busy' says. */
static size_t
fp_model_poll_batch(struct fp_model *model, struct fp_model_engine *engine,
                    uint32_t port_no, uint64_t head, uint64_t tail, size_t n,
                    struct fp_model_busy *busy)
{
    struct fp_model_pkt pkts[FP_MODEL_PASS];
    struct fp_model_port *port = &model->ports[port_no];
    uint64_t flush, epoch, version, ring_mask;
    struct fp_model_slot *ring;
    long long int now_ms, now_us;
    uint32_t n_waiters;
    size_t i;

    atomic_read_relaxed(&port->rx_flush, &flush);
    if (OVS_UNLIKELY(flush > head)) {
        /* A VF reset: what was queued before it is dropped. */
        n = MIN(n, flush - head);
        fp_model_ctr_add(&engine->ports[port_no].drops, n);
        fp_model_count_drops(n);
        goto done;
    }

    epoch = fp_model_engine_enter(engine);
    if (busy->clock < 0) {
        busy->clock = fp_model_cpu_ns();
        busy->n_batches = 0;
    }
    version = fp_table_version(model->table);
    fp_model_emc_start(engine, model->table, version);
    now_ms = time_msec();
    now_us = -1;

    ring = port->ring;
    ring_mask = model->ring_mask;
    for (i = 0; i < n; ) {
        size_t j, m = MIN(n - i, FP_MODEL_PASS);

        /* The slots, and a prefetch of their packets' first two lines for
         * the parse, in one loop: the ring and its mask in locals, which
         * the stores into 'pkts' would otherwise make the compiler read
         * again for each packet. */
        for (j = 0; j < m; j++) {
            struct fp_model_slot *slot = &ring[(head + i + j) & ring_mask];
            const uint8_t *data = fp_model_slot_data(slot);

            pkts[j].slot = slot;
            OVS_PREFETCH(data);
            OVS_PREFETCH(data + 63);
        }
        fp_model_pass(model, engine, pkts, m, port_no, version, now_ms,
                      &now_us);
        i += m;
    }

    fp_model_ctr_add(&engine->packets, n);
    fp_model_ctr_add(&engine->batches, 1);
    /* Before the ring's head moves: once fp_device_flush() returns, the
     * busy time of the packets it waited for is counted. */
    if (head + n == tail || ++busy->n_batches >= FP_MODEL_CLOCK_BATCHES) {
        fp_model_busy_read(engine, busy);
    }
    fp_model_engine_leave(engine, epoch);

done:
    /* Sequentially consistent, as fp_model_flush()'s increment of
     * 'n_waiters' and read of 'rx_head': with a release store, the read of
     * 'n_waiters' below could pass the store (x86 lets a load pass an
     * earlier store), and a flush that read the old head would wait for a
     * broadcast that never comes.  ovs-offload-bench's saturated engine
     * once hung so, with 'rx_head' equal to the tail it waited for. */
    atomic_store(&port->rx_head, head + n);

    atomic_read(&model->n_waiters, &n_waiters);
    if (n_waiters) {
        pthread_mutex_lock(&model->done_mutex);
        xpthread_cond_broadcast(&model->done_cond);
        pthread_mutex_unlock(&model->done_mutex);
    }
    return n;
}

/* Processes up to a batch of packets from the RX ring of 'port_no' with
 * fp_model_poll_batch() (see there for 'busy').
 * Returns the number of packets processed.  The engine polls its every
 * port in turn, and most are empty: this inline part checks, without the
 * cost of a call with fp_model_poll_batch()'s frame. */
static inline size_t
fp_model_poll_port(struct fp_model *model, struct fp_model_engine *engine,
                   uint32_t port_no, struct fp_model_busy *busy)
{
    struct fp_model_port *port = &model->ports[port_no];
    uint64_t head, tail;
    size_t n;

    atomic_read_relaxed(&port->rx_head, &head);
    atomic_read_explicit(&port->rx_tail, &tail, memory_order_acquire);
    n = MIN(tail - head, model->batch_size);
    return (n
            ? fp_model_poll_batch(model, engine, port_no, head, tail, n,
                                  busy)
            : 0);
}

/* Returns true if a ring of 'engine' has packets. */
static bool
fp_model_engine_has_work(const struct fp_model *model,
                         const struct fp_model_engine *engine)
{
    uint32_t p;

    for (p = engine->index; p < model->n_ports; p += model->n_engines) {
        struct fp_model_port *port = &model->ports[p];
        uint64_t head, tail;

        atomic_read(&port->rx_head, &head);
        atomic_read(&port->rx_tail, &tail);
        if (head != tail) {
            return true;
        }
    }
    return false;
}

/* Wakes 'engine' if it sleeps (fp_model_engine_sleep()).  Call it after
 * queuing a packet in one of its rings (with a sequentially consistent
 * store of the ring's tail) or after setting 'exiting'. */
void
fp_model_wake_engine(struct fp_model_engine *engine)
{
    bool sleeping;

    atomic_read(&engine->sleeping, &sleeping);
    if (sleeping) {
        uint64_t one = 1;

        ignore(write(engine->wake_fd, &one, sizeof one));
    }
}

/* Brings the packets that wait on the outside of 'port_no' into its RX
 * ring, as many as fit, if its endpoint is polled (see 'receive' in struct
 * fp_endpoint_ops); 'error' if poll() reported an error on the endpoint's
 * file descriptor.  fp_model_port_set_endpoint() waits, with
 * fp_model_barrier(), until the engine is done with the endpoint, as with
 * a batch.  Returns the number of frames read. */
static size_t
fp_model_engine_receive(struct fp_model *model,
                        struct fp_model_engine *engine, uint32_t port_no,
                        bool error)
{
    struct fp_model_port *port = &model->ports[port_no];
    const struct fp_model_endpoint *ep;
    uint64_t epoch, head, tail;
    size_t n = 0;

    /* Most ports have no endpoint: no barrier for them. */
    if (!ovsrcu_get(struct fp_model_endpoint *, &port->endpoint)) {
        return 0;
    }

    epoch = fp_model_engine_enter(engine);
    ep = ovsrcu_get(struct fp_model_endpoint *, &port->endpoint);
    if (ep && ep->ops->receive) {
        size_t room;

        atomic_read_relaxed(&port->rx_head, &head);
        atomic_read_relaxed(&port->rx_tail, &tail);
        room = model->ring_mask + 1 - MIN(tail - head, model->ring_mask + 1);
        if (room || error) {
            n = ep->ops->receive(ep->aux, port_no,
                                 MIN(room, model->batch_size), error);
        }
    }
    fp_model_engine_leave(engine, epoch);
    return n;
}

/* Sleeps until a ring of 'engine', or a polled endpoint of one of its
 * ports, may have packets, for at most FP_MODEL_SLEEP_MS. */
static void
fp_model_engine_sleep(struct fp_model *model, struct fp_model_engine *engine)
{
    struct pollfd *fds = engine->pollfds;
    size_t i, n_fds = 1;
    uint64_t epoch;
    bool exiting;
    uint32_t p;

    /* The file descriptors of the polled endpoints.  One may be closed
     * (with its link) once the engine leaves the epoch: then poll() sees a
     * file that no longer receives, or POLLNVAL, until the engine's next
     * sleep; fp_model_port_set_endpoint() wakes the engine for that. */
    fds[0] = (struct pollfd) { .fd = engine->wake_fd, .events = POLLIN };
    epoch = fp_model_engine_enter(engine);
    for (p = engine->index; p < model->n_ports; p += model->n_engines) {
        const struct fp_model_endpoint *ep;

        ep = ovsrcu_get(struct fp_model_endpoint *,
                        &model->ports[p].endpoint);
        if (ep && ep->ops->get_fd) {
            fds[n_fds] = (struct pollfd) { .fd = ep->ops->get_fd(ep->aux),
                                           .events = POLLIN };
            engine->poll_ports[n_fds++] = p;
        }
    }
    fp_model_engine_leave(engine, epoch);

    /* The engine's coverage counts (and its endpoints') reach coverage/show
     * only through this call, at most once a second. */
    coverage_try_clear();
    ovsrcu_quiesce_start();
    atomic_store(&engine->sleeping, true);
    atomic_read(&model->exiting, &exiting);
    if (!exiting && !fp_model_engine_has_work(model, engine)
        && poll(fds, n_fds, FP_MODEL_SLEEP_MS) > 0) {
        if (fds[0].revents) {
            uint64_t count;

            ignore(read(engine->wake_fd, &count, sizeof count));
        }
    } else {
        for (i = 0; i < n_fds; i++) {
            fds[i].revents = 0;
        }
    }
    atomic_store(&engine->sleeping, false);
    ovsrcu_quiesce_end();

    for (i = 1; i < n_fds; i++) {
        if (fds[i].revents & POLLERR) {
            fp_model_engine_receive(model, engine, engine->poll_ports[i],
                                    true);
        }
    }
}

void *
fp_model_engine_main(void *engine_)
{
    struct fp_model_engine *engine = engine_;
    struct fp_model *model = engine->model;
    unsigned int idle = 0;
    unsigned int n_batches = 0;
    struct fp_model_busy busy = {
        .clock = -1,
        .overhead = fp_model_cpu_ns_overhead(),
    };

    for (;;) {
        size_t n = 0;
        bool exiting;
        uint32_t p;

        atomic_read_relaxed(&model->exiting, &exiting);
        if (exiting) {
            break;
        }
        for (p = engine->index; p < model->n_ports; p += model->n_engines) {
            struct fp_model_port *port = &model->ports[p];

            /* Most ports have neither an endpoint nor QoS: no call for
             * them, on every turn of the loop, busy or not. */
            if (ovsrcu_get(struct fp_model_endpoint *, &port->endpoint)) {
                fp_model_engine_receive(model, engine, p, false);
            }
            n += fp_model_poll_port(model, engine, p, &busy);
            if (OVS_UNLIKELY(ovsrcu_get(struct fp_sched *, &port->sched))) {
                fp_model_qos_run(model, &engine->ports[p], p);
            }
        }
        if (n) {
            idle = 0;
            if (!(++n_batches % 1024)) {
                ovsrcu_try_quiesce();
            }
        } else {
            busy.clock = -1;
            if (++idle >= FP_MODEL_SPIN) {
                idle = 0;
                fp_model_engine_sleep(model, engine);
            }
        }
    }
    return NULL;
}

/* Counts 'n' packets dropped by the model (COVERAGE fp_model_drop). */
void
fp_model_count_drops(unsigned int n)
{
    COVERAGE_ADD(fp_model_drop, n);
}

/* Runs the packet in 'slot' (a private slot, not of a ring, whose packet
 * the trace may rewrite), as if it came in on 'port_no', through the
 * engines' pipeline without any side effect, and records in 'trace' (dry)
 * what it meets: the same parse, lookup and actions as a packet engine's,
 * without the exact-match cache (which holds what the rule table says).
 * Runs on the calling thread, which must be an RCU reader (not quiescent
 * during the call). */
void
fp_model_trace_dry(struct fp_model *model, uint32_t port_no,
                   struct fp_model_slot *slot, struct fp_trace *trace)
{
    struct fp_model_pkt pkt = { .slot = slot };
    uint64_t version = fp_table_version(model->table);
    long long int now_us = -1;
    uint64_t n_bytes;

    ovs_assert(trace->dry);
    if (fp_model_evb_active(model)
        && fp_model_evb_is_extended(model, port_no)) {
        fp_model_evb_rx(model, NULL, slot, port_no, trace);
        return;
    }
    slot->trace = trace;
    fp_model_pass_parse(model, NULL, &pkt, 1, port_no, &n_bytes);
    pkt.rule = NULL;
    if (!pkt.error) {
        const struct fp_key *keys[1] = { &pkt.key };

        fp_table_lookup_batch(model->table, keys, 1, version, &pkt.rule);
        pkt.actions = pkt.rule ? fp_table_rule_data(pkt.rule) : NULL;
    }
    fp_model_finish(model, NULL, &pkt, port_no, version, time_msec(),
                    &now_us, NULL, trace);
    slot->trace = NULL;
}

/* Sets 'rule_id' of 'trace', and of the traces of its later lookup passes,
 * to the id of the rule that the pass hit, or 0 if it was deleted or
 * modified since. */
void
fp_model_trace_resolve(struct fp_model *model, struct fp_trace *trace)
{
    uint32_t id;

    ovs_mutex_lock(&model->ctl_mutex);
    for (; trace; trace = trace->next) {
        trace->rule_id = 0;
        if (!trace->hit) {
            continue;
        }
        for (id = 1; id <= model->up.config.n_rules; id++) {
            if (model->rules[id] == trace->driver_rule) {
                trace->rule_id = id;
                break;
            }
        }
    }
    ovs_mutex_unlock(&model->ctl_mutex);
}
