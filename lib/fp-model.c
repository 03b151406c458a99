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

#include "fp-model.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "bitmap.h"
#include "coverage.h"
#include "dp-packet.h"
#include "fp-action.h"
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
#include "pcap-file.h"
#include "seq.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_model);

COVERAGE_DEFINE(fp_model_hit);
COVERAGE_DEFINE(fp_model_miss);
COVERAGE_DEFINE(fp_model_exception);
COVERAGE_DEFINE(fp_model_malformed);
COVERAGE_DEFINE(fp_model_drop);
COVERAGE_DEFINE(fp_model_table_full);

/* Room in front of a packet for the tags that a rule's actions may push. */
#define FP_MODEL_HEADROOM (FP_MAX_ACTIONS * 4)

/* The smallest buffer of a ring or queue slot, to avoid growing it for
 * every slightly bigger packet. */
#define FP_MODEL_SLOT_MIN 2048

/* Empty polls of its rings after which an engine sleeps. */
#define FP_MODEL_SPIN 2000

/* Longest sleep of an idle engine, in milliseconds. */
#define FP_MODEL_SLEEP_MS 10

/* Most packets that an engine carries through one pass of its pipeline
 * (parse, cache lookup, table lookup, actions), stage by stage, so that
 * the memory that a later stage needs is prefetched in an earlier one. */
#define FP_MODEL_PASS FP_TABLE_BATCH

/* The key as 32-bit words. */
#define FP_MODEL_KEY_WORDS (sizeof(struct fp_key) / sizeof(uint32_t))
BUILD_ASSERT_DECL(sizeof(struct fp_key) % sizeof(uint32_t) == 0);
BUILD_ASSERT_DECL(FP_MODEL_KEY_WORDS <= 32);

/* Most nonzero key words of a packet that the exact-match cache holds.
 * Packets with more (rare: IPv6 neighbor discovery with every option) are
 * looked up in the rule table directly. */
#define FP_MODEL_EMC_WORDS 27

/* A 64-bit counter with one writer (an engine) and any readers. */
typedef atomic_uint64_t fp_model_ctr;

static inline void
fp_model_ctr_add(fp_model_ctr *ctr, uint64_t n)
{
    uint64_t v;

    atomic_read_relaxed(ctr, &v);
    atomic_store_relaxed(ctr, v + n);
}

static inline uint64_t
fp_model_ctr_get(const fp_model_ctr *ctr)
{
    uint64_t v;

    atomic_read_relaxed(CONST_CAST(fp_model_ctr *, ctr), &v);
    return v;
}

/* A packet slot of an RX ring or an exception queue.  A slot's buffer has
 * FP_MODEL_HEADROOM bytes in front of the packet, is kept when the packet
 * is taken, and only grows, so a ring in steady state does not allocate. */
struct fp_model_slot {
    uint8_t *buf;
    uint32_t size;
    uint32_t allocated;         /* Bytes after the headroom. */
    uint32_t mark;
};

/* Port counters of one engine (or of the host threads). */
struct fp_model_port_ctrs {
    fp_model_ctr rx_packets;
    fp_model_ctr rx_bytes;
    fp_model_ctr tx_packets;
    fp_model_ctr tx_bytes;
    fp_model_ctr exceptions;
    fp_model_ctr malformed;
    fp_model_ctr drops;
};

/* A rule counter of one engine. */
struct fp_model_counter {
    fp_model_ctr packets;
    fp_model_ctr bytes;
    atomic_llong used;
};

/* The endpoint of a port, replaced as a whole, RCU-style. */
struct fp_model_endpoint {
    const struct fp_endpoint_ops *ops;
    void *aux;
};

struct fp_model_port {
    /* RX ring: any producer under 'rx_mutex', one consumer (the port's
     * engine) without lock.  Slots 'rx_head' (processed) up to 'rx_tail'
     * (queued) hold packets. */
    struct ovs_mutex rx_mutex;
    struct fp_model_slot *ring;
    atomic_uint64_t rx_head;
    atomic_uint64_t rx_tail;

    /* Exception queue, under 'exc_mutex'. */
    struct ovs_mutex exc_mutex;
    bool attached;              /* Has a representor. */
    struct fp_model_slot *queue;    /* FP_MODEL_QUEUE_LEN slots, NULL if
                                     * not attached. */
    size_t head;                /* Index of the oldest queued packet. */
    size_t n_queued;
    struct seq *seq;            /* Changes when a packet is queued. */

    /* The outside. */
    OVSRCU_TYPE(struct fp_model_endpoint *) endpoint;
    struct ovs_mutex pcap_mutex;
    struct pcap_file *pcap;     /* Capture of TX to the outside, or NULL. */
    atomic_bool has_pcap;
};

/* An interned, immutable action list, shared by every rule that has the
 * same actions.  Meter ids are resolved to meter table slots. */
struct fp_model_actions {
    struct hmap_node node;      /* In 'fp_model.actions', by hash. */
    uint32_t refcnt;            /* Under 'ctl_mutex'. */
    uint32_t n;
    struct fp_action actions[];
};

/* An entry of the meter table. */
struct fp_model_meter {
    bool in_use;
    uint32_t id;                /* The caller's meter id. */
    uint32_t refs;              /* Action lists that use it. */
    struct fp_meter meter;
};

/* A packet engine. */
struct fp_model_engine {
    struct fp_model *model;
    size_t index;
    pthread_t thread;

    /* Odd while the engine processes a batch. */
    atomic_uint64_t epoch;

    /* Sleeping when idle. */
    pthread_mutex_t sleep_mutex;
    pthread_cond_t sleep_cond;
    atomic_bool sleeping;

    /* Exact-match cache, two-way set associative: the rule (or NULL) found
     * for a key in the table version whose low 32 bits are in the entry.
     * Cleared whenever the table version gets 2**32 - 1 versions past
     * 'emc_base', so that the low bits of a version are never ambiguous. */
    struct fp_model_emc_entry *emc;
    uint32_t emc_mask;
    uint64_t emc_base;

    /* Counters, written by this engine only. */
    fp_model_ctr hits;
    fp_model_ctr misses;
    fp_model_ctr emc_hits;
    fp_model_ctr packets;
    fp_model_ctr busy_ns;
    struct fp_model_port_ctrs *ports;   /* One per NIC port. */
    struct fp_model_counter *counters;  /* One per counter table entry. */
};

/* An entry of the exact-match cache: two cache lines, the key's nonzero
 * words in the order of the key, so that an IPv4 packet touches only the
 * first line. */
struct fp_model_emc_entry {
    const struct fp_table_rule *rule;   /* NULL: no rule matches. */
    uint32_t version;           /* Low 32 bits of the table version. */
    uint32_t hash;              /* fp_model_emc_hash() of the key. */
    uint32_t map;               /* Nonzero words of the key; 0: unused. */
    uint32_t words[FP_MODEL_EMC_WORDS];
};
BUILD_ASSERT_DECL(sizeof(struct fp_model_emc_entry) == 128);

/* A set of free ids base...base+n-1, preallocated: a bitmap of the ids in
 * use.  Allocation always takes the lowest free id, so that ids, and the
 * order of their reuse, are deterministic. */
struct fp_model_ids {
    unsigned long *used;        /* Bit 'id - base' set: 'id' is in use. */
    uint32_t base;
    uint32_t n;
    uint32_t lowest;            /* Every id below base + 'lowest' is in
                                 * use. */
};

struct fp_model {
    struct fp_device up;
    uint32_t n_ports;

    /* Serializes control operations: rules, meters, counters, reset,
     * endpoints.  Packet processing never takes it. */
    struct ovs_mutex ctl_mutex;
    struct fp_table *table;
    struct fp_table_rule **rules;       /* By id, 1...n_rules. */
    struct fp_model_ids rule_ids;       /* 1...n_rules. */
    uint64_t next_seq;
    struct hmap actions;                /* Of 'struct fp_model_actions'. */
    struct fp_model_ids counter_ids;    /* Counter table, 0...n-1. */
    uint32_t n_counters_used;
    uint8_t *counter_shared;            /* 1 per shared counter, by id. */
    uint32_t *counter_refs;             /* Action lists that count there. */
    struct fp_model_meter *meters;      /* Meter table. */
    uint32_t n_meters_used;

    /* Counters as of the last reset, subtracted from what engines count. */
    struct fp_model_port_ctrs *port_base;   /* Plain uint64_t values. */
    uint64_t hits_base, misses_base, emc_hits_base;
    atomic_uint64_t resets;

    struct fp_model_port *ports;

    /* Counters of packets that the host sends, under 'host_mutex'. */
    struct ovs_mutex host_mutex;
    struct fp_model_port_ctrs *host_ports;

    /* fp_port_inject() waiters. */
    pthread_mutex_t done_mutex;
    pthread_cond_t done_cond;
    atomic_uint32_t n_waiters;

    atomic_bool exiting;
    struct fp_model_engine *engines;
    size_t n_engines;
    uint32_t batch_size;
    uint32_t ring_mask;
};

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Initializes 'ids' with every id of 'base'...'base' + 'n' - 1 free. */
static void
fp_model_ids_init(struct fp_model_ids *ids, uint32_t base, uint32_t n)
{
    ids->used = bitmap_allocate(n);
    ids->base = base;
    ids->n = n;
    ids->lowest = 0;
}

static void
fp_model_ids_destroy(struct fp_model_ids *ids)
{
    bitmap_free(ids->used);
}

/* Takes the lowest free id of 'ids' and stores it in '*idp'.  Returns false
 * if every id is in use. */
static bool
fp_model_ids_alloc(struct fp_model_ids *ids, uint32_t *idp)
{
    size_t i = bitmap_scan(ids->used, false, ids->lowest, ids->n);

    if (i >= ids->n) {
        ids->lowest = ids->n;
        return false;
    }
    bitmap_set1(ids->used, i);
    ids->lowest = i + 1;
    *idp = ids->base + i;
    return true;
}

/* Frees 'id' of 'ids'.  Does nothing if 'id' is out of range or free. */
static void
fp_model_ids_free(struct fp_model_ids *ids, uint32_t id)
{
    if (id >= ids->base && id - ids->base < ids->n) {
        uint32_t i = id - ids->base;

        bitmap_set0(ids->used, i);
        ids->lowest = MIN(ids->lowest, i);
    }
}

static void *fp_model_engine_main(void *);

static struct fp_model *
fp_model_cast(const struct fp_device *dev)
{
    ovs_assert(dev->class == &fp_model_class);
    return CONTAINER_OF(dev, struct fp_model, up);
}

/* Makes sure that 'slot' has a buffer, with room for 'size' bytes after its
 * headroom. */
static void
fp_model_slot_reserve(struct fp_model_slot *slot, size_t size)
{
    if (!slot->buf || slot->allocated < size) {
        slot->allocated = MAX(size, FP_MODEL_SLOT_MIN);
        free(slot->buf);
        slot->buf = xmalloc(FP_MODEL_HEADROOM + slot->allocated);
    }
}

static uint8_t *
fp_model_slot_data(const struct fp_model_slot *slot)
{
    return slot->buf + FP_MODEL_HEADROOM;
}

static int
fp_model_create(const char *name, const struct fp_device_config *config,
                struct fp_device **devp)
{
    struct fp_model *model = xzalloc(sizeof *model);
    size_t i;

    fp_device_init(&model->up, &fp_model_class, name, config);
    model->n_ports = config->n_phy_ports + config->n_vfs;
    ovs_mutex_init(&model->ctl_mutex);
    model->table = fp_table_create(config->n_rules, config->n_masks);
    model->rules = xcalloc(config->n_rules + 1, sizeof *model->rules);
    fp_model_ids_init(&model->rule_ids, 1, config->n_rules);
    hmap_init(&model->actions);
    fp_model_ids_init(&model->counter_ids, 0, config->n_counters);
    model->counter_shared = xcalloc(config->n_counters, 1);
    model->counter_refs = xcalloc(config->n_counters,
                                  sizeof *model->counter_refs);
    model->meters = xcalloc(MAX(config->n_meters, 1),
                            sizeof *model->meters);
    model->port_base = xcalloc(model->n_ports, sizeof *model->port_base);
    atomic_init(&model->resets, 0);

    model->batch_size = config->batch_size;
    model->ring_mask = config->rx_ring_size - 1;
    model->ports = xcalloc(model->n_ports, sizeof *model->ports);
    for (i = 0; i < model->n_ports; i++) {
        struct fp_model_port *port = &model->ports[i];

        ovs_mutex_init(&port->rx_mutex);
        port->ring = xcalloc(config->rx_ring_size, sizeof *port->ring);
        atomic_init(&port->rx_head, 0);
        atomic_init(&port->rx_tail, 0);
        ovs_mutex_init(&port->exc_mutex);
        port->seq = seq_create();
        ovsrcu_init(&port->endpoint, NULL);
        ovs_mutex_init(&port->pcap_mutex);
        atomic_init(&port->has_pcap, false);
    }
    ovs_mutex_init(&model->host_mutex);
    model->host_ports = xcalloc(model->n_ports, sizeof *model->host_ports);
    pthread_mutex_init(&model->done_mutex, NULL);
    xpthread_cond_init(&model->done_cond, NULL);
    atomic_init(&model->n_waiters, 0);
    atomic_init(&model->exiting, false);

    model->n_engines = config->n_engines;
    model->engines = xcalloc(model->n_engines, sizeof *model->engines);
    for (i = 0; i < model->n_engines; i++) {
        struct fp_model_engine *engine = &model->engines[i];

        engine->model = model;
        engine->index = i;
        atomic_init(&engine->epoch, 0);
        pthread_mutex_init(&engine->sleep_mutex, NULL);
        xpthread_cond_init(&engine->sleep_cond, NULL);
        atomic_init(&engine->sleeping, false);
        if (config->emc_size) {
            engine->emc = xzalloc_cacheline(config->emc_size
                                            * sizeof *engine->emc);
            engine->emc_mask = config->emc_size - 1;
        }
        engine->ports = xcalloc(model->n_ports, sizeof *engine->ports);
        engine->counters = xcalloc(config->n_counters,
                                   sizeof *engine->counters);
    }
    for (i = 0; i < model->n_engines; i++) {
        struct fp_model_engine *engine = &model->engines[i];

        engine->thread = ovs_thread_create("fp_engine", fp_model_engine_main,
                                           engine);
    }

    *devp = &model->up;
    return 0;
}

/* Frees the exception queue of 'port' and marks it detached. */
static void
fp_model_port_free_queue(struct fp_model_port *port)
    OVS_REQUIRES(port->exc_mutex)
{
    size_t i;

    if (port->queue) {
        for (i = 0; i < FP_MODEL_QUEUE_LEN; i++) {
            free(port->queue[i].buf);
        }
        free(port->queue);
        port->queue = NULL;
    }
    port->attached = false;
    port->head = port->n_queued = 0;
}

static void fp_model_wake_engine(struct fp_model_engine *);

static void
fp_model_destroy(struct fp_device *dev)
{
    struct fp_model *model = fp_model_cast(dev);
    const struct fp_device_config *config = &dev->config;
    struct fp_model_actions *actions;
    size_t i, j;

    atomic_store(&model->exiting, true);
    for (i = 0; i < model->n_engines; i++) {
        fp_model_wake_engine(&model->engines[i]);
    }
    for (i = 0; i < model->n_engines; i++) {
        struct fp_model_engine *engine = &model->engines[i];

        xpthread_join(engine->thread, NULL);
        pthread_mutex_destroy(&engine->sleep_mutex);
        xpthread_cond_destroy(&engine->sleep_cond);
        free_cacheline(engine->emc);
        free(engine->ports);
        free(engine->counters);
    }
    free(model->engines);

    fp_table_destroy(model->table);
    free(model->rules);
    fp_model_ids_destroy(&model->rule_ids);
    HMAP_FOR_EACH_POP (actions, node, &model->actions) {
        free(actions);
    }
    hmap_destroy(&model->actions);
    fp_model_ids_destroy(&model->counter_ids);
    free(model->counter_shared);
    free(model->counter_refs);
    for (i = 0; i < config->n_meters; i++) {
        if (model->meters[i].in_use) {
            fp_meter_destroy(&model->meters[i].meter);
        }
    }
    free(model->meters);
    free(model->port_base);

    for (i = 0; i < model->n_ports; i++) {
        struct fp_model_port *port = &model->ports[i];

        for (j = 0; j <= model->ring_mask; j++) {
            free(port->ring[j].buf);
        }
        free(port->ring);
        ovs_mutex_destroy(&port->rx_mutex);
        ovs_mutex_lock(&port->exc_mutex);
        fp_model_port_free_queue(port);
        ovs_mutex_unlock(&port->exc_mutex);
        ovs_mutex_destroy(&port->exc_mutex);
        seq_destroy(port->seq);
        free(ovsrcu_get_protected(struct fp_model_endpoint *,
                                  &port->endpoint));
        if (port->pcap) {
            ovs_pcap_close(port->pcap);
        }
        ovs_mutex_destroy(&port->pcap_mutex);
    }
    free(model->ports);
    ovs_mutex_destroy(&model->host_mutex);
    free(model->host_ports);
    pthread_mutex_destroy(&model->done_mutex);
    xpthread_cond_destroy(&model->done_cond);
    ovs_mutex_destroy(&model->ctl_mutex);
    fp_device_uninit(&model->up);
    free(model);
}

static void
fp_model_get_stats(const struct fp_device *dev, struct fp_device_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    size_t i;

    for (i = 0; i < model->n_engines; i++) {
        const struct fp_model_engine *engine = &model->engines[i];

        stats->hits += fp_model_ctr_get(&engine->hits);
        stats->misses += fp_model_ctr_get(&engine->misses);
        stats->emc_hits += fp_model_ctr_get(&engine->emc_hits);
    }
    ovs_mutex_lock(&model->ctl_mutex);
    stats->hits -= model->hits_base;
    stats->misses -= model->misses_base;
    stats->emc_hits -= model->emc_hits_base;
    stats->n_rules = fp_table_count(model->table);
    stats->n_masks = fp_table_n_masks(model->table);
    stats->n_meters = model->n_meters_used;
    stats->n_counters = model->n_counters_used;
    ovs_mutex_unlock(&model->ctl_mutex);
    atomic_read_relaxed(&model->resets, &stats->resets);
}

/* Waits until every engine that was processing a batch when this was
 * called has finished it.  After fp_table_commit(), this guarantees that no
 * engine uses an older table version any more. */
static void
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

/* Sends the 'size' bytes at 'data' out of 'port_no' to its outside and
 * counts them in 'ctrs'. */
static void
fp_model_tx(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
            uint32_t port_no, const void *data, size_t size)
{
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_model_endpoint *ep;
    bool has_pcap;

    fp_model_ctr_add(&ctrs->tx_packets, 1);
    fp_model_ctr_add(&ctrs->tx_bytes, size);

    ep = ovsrcu_get(struct fp_model_endpoint *, &port->endpoint);
    if (ep) {
        ep->ops->send(ep->aux, port_no, data, size);
    }

    atomic_read_relaxed(&port->has_pcap, &has_pcap);
    if (has_pcap) {
        ovs_mutex_lock(&port->pcap_mutex);
        if (port->pcap) {
            struct dp_packet packet;

            dp_packet_use_const(&packet, data, size);
            ovs_pcap_write(port->pcap, &packet);
        }
        ovs_mutex_unlock(&port->pcap_mutex);
    }
}

/* Queues the 'size' bytes at 'data', which came in on 'port_no' and missed
 * ('malformed' false) or failed to parse ('malformed' true), for the host,
 * with 'mark'.  Counts in 'ctrs'. */
static void
fp_model_exception(struct fp_model *model, struct fp_model_port_ctrs *ctrs,
                   uint32_t port_no, const void *data, size_t size,
                   bool malformed, uint32_t mark)
{
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_model_slot *slot;

    ovs_mutex_lock(&port->exc_mutex);
    if (!port->attached || port->n_queued >= FP_MODEL_QUEUE_LEN) {
        bool attached = port->attached;

        ovs_mutex_unlock(&port->exc_mutex);
        fp_model_ctr_add(&ctrs->drops, 1);
        COVERAGE_INC(fp_model_drop);
        VLOG_DBG_RL(&rl, "%s: port %"PRIu32": exception dropped (%s)",
                    model->up.name, port_no,
                    attached ? "queue full" : "no representor");
        return;
    }

    slot = &port->queue[(port->head + port->n_queued) % FP_MODEL_QUEUE_LEN];
    fp_model_slot_reserve(slot, size);
    memcpy(fp_model_slot_data(slot), data, size);
    slot->size = size;
    slot->mark = mark;
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
}

static void
fp_model_count(struct fp_model_engine *engine, uint32_t counter,
               size_t size, long long int now_ms)
{
    struct fp_model_counter *c = &engine->counters[counter];

    fp_model_ctr_add(&c->packets, 1);
    fp_model_ctr_add(&c->bytes, size);
    atomic_store_relaxed(&c->used, now_ms);
}

/* Executes 'actions' on the packet in 'slot' (which the engine owns and may
 * modify), parsed into 'key' and 'layers', that came in on 'in_port'.
 * '*now_usp' is the time for meters, or negative if it is not read yet. */
static void
fp_model_execute(struct fp_model *model, struct fp_model_engine *engine,
                 const struct fp_model_actions *actions,
                 struct fp_model_slot *slot, uint32_t in_port,
                 const struct fp_key *key,
                 const struct fp_parse_layers *layers,
                 long long int now_ms, long long int *now_usp)
{
    struct fp_model_port_ctrs *ctrs = &engine->ports[in_port];
    struct fp_action_packet p;
    uint32_t mark = 0;
    size_t i;

    fp_action_packet_init(&p, fp_model_slot_data(slot), slot->size, key,
                          layers);
    for (i = 0; i < actions->n; i++) {
        const struct fp_action *a = &actions->actions[i];

        switch (a->type) {
        case FP_ACTION_OUTPUT:
            fp_model_tx(model, &engine->ports[a->port], a->port, p.data,
                        p.size);
            break;

        case FP_ACTION_PUSH_VLAN:
            /* At most FP_MAX_ACTIONS pushes fit in the headroom. */
            fp_action_push_vlan(&p, a->vlan.tpid, a->vlan.tci);
            break;

        case FP_ACTION_POP_VLAN:
            fp_action_pop_vlan(&p);
            break;

        case FP_ACTION_DROP:
            return;

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
            break;

        case FP_ACTION_DEC_TTL:
            if (!fp_action_dec_ttl(&p)) {
                fp_model_exception(model, ctrs, in_port, p.data, p.size,
                                   false, mark);
                return;
            }
            break;

        case FP_ACTION_METER:
            if (*now_usp < 0) {
                *now_usp = time_usec();
            }
            if (fp_meter_police(&model->meters[a->meter_id].meter, p.size,
                                *now_usp) == FP_METER_RED) {
                return;
            }
            break;

        case FP_ACTION_MARK:
            mark = a->mark;
            break;

        case FP_ACTION_COUNT:
            fp_model_count(engine, a->counter_id, p.size, now_ms);
            break;

        case FP_ACTION_EXCEPTION:
            fp_model_exception(model, ctrs, in_port, p.data, p.size, false,
                               mark);
            break;

        case FP_N_ACTION_TYPES:
        default:
            OVS_NOT_REACHED();
        }
    }
}

/* Returns the hash of 'key' for the exact-match cache, and stores in
 * '*mapp' which of its words are nonzero.
 *
 * Hardware would hash the whole key in one cycle; here, four independent
 * multiply-xor lanes keep the dependency chains short, and the final mix
 * (MurmurHash3's fmix64) spreads every bit into the low bits that index
 * the cache. */
static inline uint32_t
fp_model_emc_hash(const struct fp_key *key, uint32_t *mapp)
{
    const uint64_t prime = UINT64_C(0x9e3779b97f4a7c15);
    const uint32_t *k = (const uint32_t *) key;
    uint64_t a = 1, b = 2, c = 3, d = 4;
    uint32_t map = 0;
    uint64_t h;
    size_t i;

    i = 0;
#ifdef __SSE2__
    for (; i + 4 <= FP_MODEL_KEY_WORDS; i += 4) {
        __m128i v = _mm_loadu_si128((const void *) &k[i]);
        __m128i z = _mm_cmpeq_epi32(v, _mm_setzero_si128());

        map |= (uint32_t) (_mm_movemask_ps(_mm_castsi128_ps(z)) ^ 0xf) << i;
    }
#endif
    for (; i < FP_MODEL_KEY_WORDS; i++) {
        map |= (uint32_t) (k[i] != 0) << i;
    }
    *mapp = map;

    for (i = 0; i + 4 <= FP_MODEL_KEY_WORDS; i += 4) {
        a = (a ^ k[i]) * prime;
        b = (b ^ k[i + 1]) * prime;
        c = (c ^ k[i + 2]) * prime;
        d = (d ^ k[i + 3]) * prime;
    }
    for (; i < FP_MODEL_KEY_WORDS; i++) {
        a = (a ^ k[i]) * prime;
    }

    h = a ^ ((b << 16) | (b >> 48)) ^ ((c << 32) | (c >> 32))
        ^ ((d << 48) | (d >> 16));
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

/* Returns true if 'e' holds the key whose nonzero words 'map' are those of
 * 'key', for 'version'. */
static inline bool
fp_model_emc_match(const struct fp_model_emc_entry *e,
                   const struct fp_key *key, uint32_t hash, uint32_t map,
                   uint32_t version)
{
    const uint32_t *k = (const uint32_t *) key;
    size_t i;

    if (e->map != map || e->hash != hash || e->version != version) {
        return false;
    }
    for (i = 0; map; i++) {
        if (k[raw_ctz(map)] != e->words[i]) {
            return false;
        }
        map = zero_rightmost_1bit(map);
    }
    return true;
}

/* Per-packet state of one pass of an engine's pipeline. */
struct fp_model_pkt {
    struct fp_model_slot *slot;
    const struct fp_table_rule *rule;
    struct fp_model_emc_entry *emc;     /* First way of the key's set, or
                                         * NULL to bypass the cache. */
    uint32_t hash;              /* fp_model_emc_hash(), if 'emc'. */
    uint32_t map;
    int error;                  /* fp_parse() result. */
    struct fp_parse_layers layers;
    struct fp_key key;
};

/* Looks up 'pkt' in the exact-match cache, as of table version 'v32' (low
 * 32 bits).  Returns true and sets 'pkt->rule' if the cache has the key. */
static inline bool
fp_model_emc_find(struct fp_model_pkt *pkt, uint32_t v32)
{
    size_t way;

    for (way = 0; way < 2; way++) {
        if (fp_model_emc_match(&pkt->emc[way], &pkt->key, pkt->hash,
                               pkt->map, v32)) {
            pkt->rule = pkt->emc[way].rule;
            return true;
        }
    }
    return false;
}

/* Caches 'pkt->rule' for the key of 'pkt', as of table version 'v32' (low
 * 32 bits): in a way of the key's set that holds an older version, else
 * in the way that the hash picks. */
static void
fp_model_emc_insert(const struct fp_model_pkt *pkt, uint32_t v32)
{
    const uint32_t *k = (const uint32_t *) &pkt->key;
    struct fp_model_emc_entry *e = pkt->emc;
    uint32_t map;
    size_t i;

    if (e[0].version == v32 && e[0].map) {
        e += (e[1].version == v32 && e[1].map ? pkt->hash >> 31 : 1);
    }
    e->rule = pkt->rule;
    e->version = v32;
    e->hash = pkt->hash;
    e->map = pkt->map;
    for (i = 0, map = pkt->map; map; i++) {
        e->words[i] = k[raw_ctz(map)];
        map = zero_rightmost_1bit(map);
    }
}

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
 * next one: the least of a few back-to-back pairs.  Reading the thread's
 * CPU clock is a system call (about 500 ns in a virtual machine), and each
 * batch's busy time holds one reading, which this lets the engine
 * subtract. */
static long long int
fp_model_cpu_ns_overhead(void)
{
    long long int best = LLONG_MAX;
    int i;

    for (i = 0; i < 16; i++) {
        long long int t0 = fp_model_cpu_ns();

        best = MIN(best, fp_model_cpu_ns() - t0);
    }
    return best;
}

/* Parses the 'n' packets of 'pkts' from RX ring slots, which came in on
 * 'port_no', and prefetches the cache entries that their lookup needs. */
static void
fp_model_pass_parse(const struct fp_model_engine *engine,
                    struct fp_model_pkt *pkts, size_t n, uint32_t port_no)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const uint8_t *data = fp_model_slot_data(pkts[i].slot);

        OVS_PREFETCH(data);
        OVS_PREFETCH(data + 63);
    }
    for (i = 0; i < n; i++) {
        struct fp_model_pkt *pkt = &pkts[i];

        pkt->error = fp_parse(fp_model_slot_data(pkt->slot), pkt->slot->size,
                              port_no, &pkt->key, &pkt->layers);
        pkt->emc = NULL;
        if (!pkt->error && engine->emc) {
            pkt->hash = fp_model_emc_hash(&pkt->key, &pkt->map);
            if (count_1bits(pkt->map) <= FP_MODEL_EMC_WORDS) {
                pkt->emc = &engine->emc[pkt->hash & engine->emc_mask
                                        & ~UINT32_C(1)];
                OVS_PREFETCH(pkt->emc);
                OVS_PREFETCH(pkt->emc + 1);
            }
        }
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
    size_t i, n_hits = 0, n_emc_hits = 0, n_miss = 0;
    uint8_t misses[FP_MODEL_PASS];
    uint64_t n_bytes = 0;

    fp_model_pass_parse(engine, pkts, n, port_no);

    /* The exact-match cache first, then the rule table for the rest. */
    for (i = 0; i < n; i++) {
        struct fp_model_pkt *pkt = &pkts[i];

        n_bytes += pkt->slot->size;
        pkt->rule = NULL;
        if (pkt->error) {
            continue;
        }
        if (pkt->emc && fp_model_emc_find(pkt, version)) {
            if (pkt->rule) {
                OVS_PREFETCH(pkt->rule);
            }
            n_emc_hits++;
        } else {
            keys[n_miss] = &pkt->key;
            misses[n_miss++] = i;
        }
    }
    if (n_miss) {
        fp_table_lookup_batch(model->table, keys, n_miss, version, rules);
        for (i = 0; i < n_miss; i++) {
            struct fp_model_pkt *pkt = &pkts[misses[i]];

            pkt->rule = rules[i];
            if (pkt->emc) {
                fp_model_emc_insert(pkt, version);
            }
        }
    }
    for (i = 0; i < n; i++) {
        const struct fp_table_rule *rule = pkts[i].rule;

        if (rule) {
            OVS_PREFETCH(&engine->counters[fp_table_rule_user(rule)]);
            OVS_PREFETCH(fp_table_rule_data(rule));
        }
    }

    fp_model_ctr_add(&ctrs->rx_packets, n);
    fp_model_ctr_add(&ctrs->rx_bytes, n_bytes);
    for (i = 0; i < n; i++) {
        struct fp_model_pkt *pkt = &pkts[i];
        struct fp_model_slot *slot = pkt->slot;
        const uint8_t *data = fp_model_slot_data(slot);

        if (pkt->rule) {
            n_hits++;
            fp_model_count(engine, fp_table_rule_user(pkt->rule),
                           slot->size, now_ms);
            fp_model_execute(model, engine, fp_table_rule_data(pkt->rule),
                             slot, port_no, &pkt->key, &pkt->layers, now_ms,
                             now_usp);
        } else if (pkt->error) {
            VLOG_DBG_RL(&rl, "%s: port %"PRIu32": malformed packet of %"
                        PRIu32" bytes", model->up.name, port_no,
                        slot->size);
            fp_model_exception(model, ctrs, port_no, data, slot->size, true,
                               0);
        } else {
            fp_model_exception(model, ctrs, port_no, data, slot->size,
                               false, 0);
        }
    }

    fp_model_ctr_add(&engine->hits, n_hits);
    fp_model_ctr_add(&engine->misses, n - n_hits);
    fp_model_ctr_add(&engine->emc_hits, n_emc_hits);
    COVERAGE_ADD(fp_model_hit, n_hits);
    COVERAGE_ADD(fp_model_miss, n - n_hits);
}

/* Processes up to a batch of packets from the RX ring of 'port_no'.
 * Returns the number of packets processed.
 *
 * '*clockp' is the engine's CPU time (fp_model_cpu_ns()) at the end of its
 * previous batch, if the engine has been busy since, else -1.  The batch
 * counts as busy from then (or from its start) and stores its own end in
 * '*clockp', so that back-to-back batches read the clock once each.  The
 * cost of one reading, 'clock_overhead', is not counted. */
static size_t
fp_model_poll_port(struct fp_model *model, struct fp_model_engine *engine,
                   uint32_t port_no, long long int *clockp,
                   long long int clock_overhead)
{
    struct fp_model_pkt pkts[FP_MODEL_PASS];
    struct fp_model_port *port = &model->ports[port_no];
    uint64_t head, tail, epoch, version;
    long long int now_ms, now_us, start;
    size_t i, n;
    uint32_t n_waiters;

    atomic_read_relaxed(&port->rx_head, &head);
    atomic_read_explicit(&port->rx_tail, &tail, memory_order_acquire);
    n = MIN(tail - head, model->batch_size);
    if (!n) {
        return 0;
    }

    /* Enter the batch: an odd epoch tells fp_model_barrier() to wait. */
    atomic_read_relaxed(&engine->epoch, &epoch);
    atomic_store_relaxed(&engine->epoch, epoch + 1);
    atomic_thread_fence(memory_order_seq_cst);
    start = *clockp >= 0 ? *clockp : fp_model_cpu_ns();
    version = fp_table_version(model->table);
    if (engine->emc && version - engine->emc_base >= UINT32_MAX) {
        memset(engine->emc, 0, (engine->emc_mask + 1) * sizeof *engine->emc);
        engine->emc_base = version;
    }
    now_ms = time_msec();
    now_us = -1;

    for (i = 0; i < n; ) {
        size_t j, m = MIN(n - i, FP_MODEL_PASS);

        for (j = 0; j < m; j++) {
            pkts[j].slot = &port->ring[(head + i + j) & model->ring_mask];
        }
        fp_model_pass(model, engine, pkts, m, port_no, version, now_ms,
                      &now_us);
        i += m;
    }

    fp_model_ctr_add(&engine->packets, n);
    *clockp = fp_model_cpu_ns();
    fp_model_ctr_add(&engine->busy_ns,
                     MAX(*clockp - start - clock_overhead, 0));
    atomic_store_explicit(&engine->epoch, epoch + 2, memory_order_release);
    atomic_store_explicit(&port->rx_head, head + n, memory_order_release);

    atomic_read(&model->n_waiters, &n_waiters);
    if (n_waiters) {
        pthread_mutex_lock(&model->done_mutex);
        xpthread_cond_broadcast(&model->done_cond);
        pthread_mutex_unlock(&model->done_mutex);
    }
    return n;
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

static void
fp_model_wake_engine(struct fp_model_engine *engine)
{
    bool sleeping;

    atomic_read(&engine->sleeping, &sleeping);
    if (sleeping) {
        pthread_mutex_lock(&engine->sleep_mutex);
        xpthread_cond_signal(&engine->sleep_cond);
        pthread_mutex_unlock(&engine->sleep_mutex);
    }
}

/* Sleeps until a ring of 'engine' may have packets, for at most
 * FP_MODEL_SLEEP_MS. */
static void
fp_model_engine_sleep(struct fp_model *model, struct fp_model_engine *engine)
{
    struct timespec deadline;
    bool exiting;

    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += FP_MODEL_SLEEP_MS * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }

    ovsrcu_quiesce_start();
    pthread_mutex_lock(&engine->sleep_mutex);
    atomic_store(&engine->sleeping, true);
    atomic_read(&model->exiting, &exiting);
    if (!exiting && !fp_model_engine_has_work(model, engine)) {
        pthread_cond_timedwait(&engine->sleep_cond, &engine->sleep_mutex,
                               &deadline);
    }
    atomic_store(&engine->sleeping, false);
    pthread_mutex_unlock(&engine->sleep_mutex);
    ovsrcu_quiesce_end();
}

static void *
fp_model_engine_main(void *engine_)
{
    struct fp_model_engine *engine = engine_;
    struct fp_model *model = engine->model;
    unsigned int idle = 0;
    unsigned int n_batches = 0;
    long long int clock_overhead = fp_model_cpu_ns_overhead();
    long long int clock = -1;

    for (;;) {
        size_t n = 0;
        bool exiting;
        uint32_t p;

        atomic_read_relaxed(&model->exiting, &exiting);
        if (exiting) {
            break;
        }
        for (p = engine->index; p < model->n_ports; p += model->n_engines) {
            n += fp_model_poll_port(model, engine, p, &clock,
                                    clock_overhead);
        }
        if (n) {
            idle = 0;
            if (!(++n_batches % 1024)) {
                ovsrcu_try_quiesce();
            }
        } else {
            clock = -1;
            if (++idle >= FP_MODEL_SPIN) {
                idle = 0;
                fp_model_engine_sleep(model, engine);
            }
        }
    }
    return NULL;
}

/* Ports. */

static int
fp_model_port_attach(struct fp_device *dev, uint32_t port_no)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    int error = 0;

    ovs_mutex_lock(&port->exc_mutex);
    if (port->attached) {
        error = EBUSY;
    } else {
        port->queue = xcalloc(FP_MODEL_QUEUE_LEN, sizeof *port->queue);
        port->head = port->n_queued = 0;
        port->attached = true;
    }
    ovs_mutex_unlock(&port->exc_mutex);

    return error;
}

static void
fp_model_port_detach(struct fp_device *dev, uint32_t port_no)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];

    ovs_mutex_lock(&port->exc_mutex);
    fp_model_port_free_queue(port);
    ovs_mutex_unlock(&port->exc_mutex);
}

static int
fp_model_port_send(struct fp_device *dev, uint32_t port_no,
                   const void *data, size_t size)
{
    struct fp_model *model = fp_model_cast(dev);

    if (size > FP_MODEL_MAX_FRAME) {
        return EMSGSIZE;
    }

    ovs_mutex_lock(&model->host_mutex);
    fp_model_tx(model, &model->host_ports[port_no], port_no, data, size);
    ovs_mutex_unlock(&model->host_mutex);

    return 0;
}

static int
fp_model_port_recv(struct fp_device *dev, uint32_t port_no,
                   void *buf, size_t size, size_t *lenp, uint32_t *markp)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    int error;

    ovs_mutex_lock(&port->exc_mutex);
    if (!port->n_queued) {
        error = EAGAIN;
    } else {
        struct fp_model_slot *slot = &port->queue[port->head];

        if (slot->size > size) {
            ovs_mutex_lock(&model->host_mutex);
            fp_model_ctr_add(&model->host_ports[port_no].drops, 1);
            ovs_mutex_unlock(&model->host_mutex);
            COVERAGE_INC(fp_model_drop);
            error = EMSGSIZE;
        } else {
            memcpy(buf, fp_model_slot_data(slot), slot->size);
            error = 0;
        }
        *lenp = slot->size;
        *markp = slot->mark;
        port->head = (port->head + 1) % FP_MODEL_QUEUE_LEN;
        port->n_queued--;
    }
    ovs_mutex_unlock(&port->exc_mutex);

    return error;
}

static void
fp_model_port_recv_wait(struct fp_device *dev, uint32_t port_no)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    uint64_t seqno;
    bool empty;

    /* Read the seq first: a packet queued after the check below changes
     * it, so the wakeup is not lost. */
    seqno = seq_read(port->seq);
    ovs_mutex_lock(&port->exc_mutex);
    empty = !port->n_queued;
    ovs_mutex_unlock(&port->exc_mutex);

    if (empty) {
        seq_wait(port->seq, seqno);
    } else {
        poll_immediate_wake();
    }
}

/* Queues the 'n' packets of 'pkts' in the RX ring of 'port_no'; stores the
 * number queued in '*n_queued' and the ring position after the last one in
 * '*tailp'. */
static void
fp_model_enqueue(struct fp_model *model, uint32_t port_no,
                 const struct fp_packet *pkts, size_t n, size_t *n_queued,
                 uint64_t *tailp)
{
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_model_engine *engine;
    uint64_t head, tail;
    size_t i, queued = 0, dropped = 0;

    ovs_mutex_lock(&port->rx_mutex);
    atomic_read_explicit(&port->rx_head, &head, memory_order_acquire);
    atomic_read_relaxed(&port->rx_tail, &tail);
    for (i = 0; i < n; i++) {
        struct fp_model_slot *slot;

        if (pkts[i].size > FP_MODEL_MAX_FRAME
            || tail - head > model->ring_mask) {
            dropped++;
            continue;
        }
        slot = &port->ring[tail & model->ring_mask];
        fp_model_slot_reserve(slot, pkts[i].size);
        if (pkts[i].size) {
            /* An empty frame may have a null 'data'. */
            memcpy(fp_model_slot_data(slot), pkts[i].data, pkts[i].size);
        }
        slot->size = pkts[i].size;
        tail++;
        queued++;
    }
    atomic_store_explicit(&port->rx_tail, tail, memory_order_seq_cst);
    ovs_mutex_unlock(&port->rx_mutex);

    if (dropped) {
        ovs_mutex_lock(&model->host_mutex);
        fp_model_ctr_add(&model->host_ports[port_no].drops, dropped);
        ovs_mutex_unlock(&model->host_mutex);
        COVERAGE_ADD(fp_model_drop, dropped);
    }
    engine = &model->engines[port_no % model->n_engines];
    fp_model_wake_engine(engine);

    *n_queued = queued;
    *tailp = tail;
}

static int
fp_model_port_receive_batch(struct fp_device *dev, uint32_t port_no,
                            const struct fp_packet *pkts, size_t n,
                            size_t *n_queued)
{
    struct fp_model *model = fp_model_cast(dev);
    uint64_t tail;

    fp_model_enqueue(model, port_no, pkts, n, n_queued, &tail);
    return 0;
}

/* Waits until the RX ring of 'port_no' has processed every packet before
 * position 'tail'. */
static void
fp_model_wait_processed(struct fp_model *model, uint32_t port_no,
                        uint64_t tail)
{
    struct fp_model_port *port = &model->ports[port_no];
    uint64_t head;

    pthread_mutex_lock(&model->done_mutex);
    for (;;) {
        atomic_read(&port->rx_head, &head);
        if (head >= tail) {
            break;
        }
        pthread_cond_wait(&model->done_cond, &model->done_mutex);
    }
    pthread_mutex_unlock(&model->done_mutex);
}

static int
fp_model_port_inject(struct fp_device *dev, uint32_t port_no,
                     const void *data, size_t size)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_packet pkt = { .data = data, .size = size };
    size_t n_queued;
    uint64_t tail;

    if (size > FP_MODEL_MAX_FRAME) {
        return EMSGSIZE;
    }

    atomic_add(&model->n_waiters, 1, &(uint32_t) { 0 });
    fp_model_enqueue(model, port_no, &pkt, 1, &n_queued, &tail);
    fp_model_wait_processed(model, port_no, tail);
    atomic_sub(&model->n_waiters, 1, &(uint32_t) { 0 });

    return 0;
}

static int
fp_model_flush(struct fp_device *dev)
{
    struct fp_model *model = fp_model_cast(dev);
    uint32_t i;

    atomic_add(&model->n_waiters, 1, &(uint32_t) { 0 });
    for (i = 0; i < model->n_ports; i++) {
        uint64_t tail;

        atomic_read(&model->ports[i].rx_tail, &tail);
        fp_model_wait_processed(model, i, tail);
    }
    atomic_sub(&model->n_waiters, 1, &(uint32_t) { 0 });
    return 0;
}

static int
fp_model_port_set_tx_pcap(struct fp_device *dev, uint32_t port_no,
                          const char *file_name)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    int error = 0;

    ovs_mutex_lock(&port->pcap_mutex);
    if (port->pcap) {
        ovs_pcap_close(port->pcap);
        port->pcap = NULL;
    }
    if (file_name) {
        port->pcap = ovs_pcap_open(file_name, "wb");
        if (!port->pcap) {
            error = errno ? errno : EIO;
        }
    }
    atomic_store(&port->has_pcap, port->pcap != NULL);
    ovs_mutex_unlock(&port->pcap_mutex);

    return error;
}

static int
fp_model_port_set_endpoint(struct fp_device *dev, uint32_t port_no,
                           const struct fp_endpoint_ops *ops, void *aux)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_port *port = &model->ports[port_no];
    struct fp_model_endpoint *old, *new = NULL;

    if (ops) {
        new = xmalloc(sizeof *new);
        new->ops = ops;
        new->aux = aux;
    }

    ovs_mutex_lock(&model->ctl_mutex);
    old = ovsrcu_get_protected(struct fp_model_endpoint *, &port->endpoint);
    ovsrcu_set(&port->endpoint, new);
    ovs_mutex_unlock(&model->ctl_mutex);

    /* The engines are done with the old endpoint after their batch.  Host
     * threads in fp_port_send() hold 'host_mutex'. */
    fp_model_barrier(model);
    ovs_mutex_lock(&model->host_mutex);
    ovs_mutex_unlock(&model->host_mutex);
    free(old);
    return 0;
}

static void
fp_model_port_get_stats(const struct fp_device *dev, uint32_t port_no,
                        struct fp_port_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    const struct fp_model_port_ctrs *base;
    size_t i;

#define FP_MODEL_PORT_CTRS                      \
    FP_MODEL_PORT_CTR(rx_packets)               \
    FP_MODEL_PORT_CTR(rx_bytes)                 \
    FP_MODEL_PORT_CTR(tx_packets)               \
    FP_MODEL_PORT_CTR(tx_bytes)                 \
    FP_MODEL_PORT_CTR(exceptions)               \
    FP_MODEL_PORT_CTR(malformed)                \
    FP_MODEL_PORT_CTR(drops)

    for (i = 0; i <= model->n_engines; i++) {
        const struct fp_model_port_ctrs *c
            = (i < model->n_engines
               ? &model->engines[i].ports[port_no]
               : &model->host_ports[port_no]);

#define FP_MODEL_PORT_CTR(NAME) stats->NAME += fp_model_ctr_get(&c->NAME);
        FP_MODEL_PORT_CTRS
#undef FP_MODEL_PORT_CTR
    }

    ovs_mutex_lock(&model->ctl_mutex);
    base = &model->port_base[port_no];
#define FP_MODEL_PORT_CTR(NAME) stats->NAME -= fp_model_ctr_get(&base->NAME);
    FP_MODEL_PORT_CTRS
#undef FP_MODEL_PORT_CTR
    ovs_mutex_unlock(&model->ctl_mutex);
}

/* Rules. */

/* Returns the sum over engines of counter 'id'. */
static void
fp_model_counter_read(const struct fp_model *model, uint32_t id,
                      struct fp_rule_stats *stats)
{
    size_t i;

    memset(stats, 0, sizeof *stats);
    for (i = 0; i < model->n_engines; i++) {
        struct fp_model_counter *c = &model->engines[i].counters[id];
        long long int used;

        stats->n_packets += fp_model_ctr_get(&c->packets);
        stats->n_bytes += fp_model_ctr_get(&c->bytes);
        atomic_read_relaxed(&c->used, &used);
        stats->used = MAX(stats->used, used);
    }
}

/* Allocates an entry of the counter table, zeroed.  No engine may be
 * counting in it (it was free since a barrier). */
static bool
fp_model_counter_get_free(struct fp_model *model, uint32_t *idp)
    OVS_REQUIRES(model->ctl_mutex)
{
    size_t i;

    if (!fp_model_ids_alloc(&model->counter_ids, idp)) {
        return false;
    }
    for (i = 0; i < model->n_engines; i++) {
        struct fp_model_counter *c = &model->engines[i].counters[*idp];

        atomic_store_relaxed(&c->packets, 0);
        atomic_store_relaxed(&c->bytes, 0);
        atomic_store_relaxed(&c->used, 0);
    }
    model->n_counters_used++;
    return true;
}

static void
fp_model_counter_put(struct fp_model *model, uint32_t id)
    OVS_REQUIRES(model->ctl_mutex)
{
    fp_model_ids_free(&model->counter_ids, id);
    model->n_counters_used--;
}

/* Returns the meter table slot of meter 'id', or -1. */
static int
fp_model_meter_find(const struct fp_model *model, uint32_t id)
{
    uint32_t i;

    for (i = 0; i < model->up.config.n_meters; i++) {
        if (model->meters[i].in_use && model->meters[i].id == id) {
            return i;
        }
    }
    return -1;
}

/* Returns an interned copy of the actions of 'rule', with a new reference,
 * or NULL with ENOENT in '*errorp' if it uses a meter or shared counter
 * that does not exist. */
static struct fp_model_actions *
fp_model_actions_get(struct fp_model *model, const struct fp_rule *rule,
                     int *errorp)
    OVS_REQUIRES(model->ctl_mutex)
{
    struct fp_action resolved[FP_MAX_ACTIONS];
    struct fp_model_actions *actions;
    size_t i, size;
    uint32_t hash;

    memset(resolved, 0, sizeof resolved);
    for (i = 0; i < rule->n_actions; i++) {
        resolved[i] = rule->actions[i];
        if (resolved[i].type == FP_ACTION_METER) {
            int slot = fp_model_meter_find(model, resolved[i].meter_id);

            if (slot < 0) {
                *errorp = ENOENT;
                return NULL;
            }
            resolved[i].meter_id = slot;
        } else if (resolved[i].type == FP_ACTION_COUNT) {
            uint32_t id = resolved[i].counter_id;

            if (id >= model->up.config.n_counters
                || !model->counter_shared[id]) {
                *errorp = ENOENT;
                return NULL;
            }
        }
    }

    size = rule->n_actions * sizeof resolved[0];
    hash = hash_bytes(resolved, size, rule->n_actions);
    HMAP_FOR_EACH_WITH_HASH (actions, node, hash, &model->actions) {
        if (actions->n == rule->n_actions
            && !memcmp(actions->actions, resolved, size)) {
            actions->refcnt++;
            return actions;
        }
    }

    actions = xmalloc(sizeof *actions + size);
    actions->refcnt = 1;
    actions->n = rule->n_actions;
    memcpy(actions->actions, resolved, size);
    hmap_insert(&model->actions, &actions->node, hash);
    for (i = 0; i < actions->n; i++) {
        if (resolved[i].type == FP_ACTION_METER) {
            model->meters[resolved[i].meter_id].refs++;
        } else if (resolved[i].type == FP_ACTION_COUNT) {
            model->counter_refs[resolved[i].counter_id]++;
        }
    }
    return actions;
}

/* Drops a reference to 'actions'; the last one frees it after an RCU grace
 * period (engines may still read it). */
static void
fp_model_actions_put(struct fp_model *model, struct fp_model_actions *actions)
    OVS_REQUIRES(model->ctl_mutex)
{
    size_t i;

    if (--actions->refcnt) {
        return;
    }
    for (i = 0; i < actions->n; i++) {
        const struct fp_action *a = &actions->actions[i];

        if (a->type == FP_ACTION_METER) {
            model->meters[a->meter_id].refs--;
        } else if (a->type == FP_ACTION_COUNT) {
            model->counter_refs[a->counter_id]--;
        }
    }
    hmap_remove(&model->actions, &actions->node);
    ovsrcu_postpone(free, actions);
}

static enum fp_resource
fp_model_full_resource(enum fp_table_full full)
{
    return full == FP_TABLE_FULL_MASKS ? FP_RES_MASKS : FP_RES_RULES;
}

static void
fp_model_rule_add(struct fp_model *model, struct fp_rule_op *op)
    OVS_REQUIRES(model->ctl_mutex)
{
    const struct fp_rule *rule = op->rule;
    struct fp_model_actions *actions;
    struct fp_table_rule *trule;
    enum fp_table_full full;
    uint32_t id, counter;
    int error = 0;

    actions = fp_model_actions_get(model, rule, &error);
    if (!actions) {
        op->error = error;
        return;
    }
    if (fp_table_count(model->table) >= model->up.config.n_rules) {
        op->error = ENOSPC;
        op->full = FP_RES_RULES;
        goto error;
    }
    if (!fp_model_counter_get_free(model, &counter)) {
        op->error = ENOSPC;
        op->full = FP_RES_COUNTERS;
        goto error;
    }
    op->error = fp_table_insert(model->table, &rule->key, &rule->mask,
                                rule->priority, model->next_seq, actions,
                                counter, &trule, &full);
    if (op->error) {
        op->full = fp_model_full_resource(full);
        fp_model_counter_put(model, counter);
        goto error;
    }
    model->next_seq++;
    ovs_assert(fp_model_ids_alloc(&model->rule_ids, &id));
    model->rules[id] = trule;
    op->id = id;
    return;

error:
    fp_model_actions_put(model, actions);
}

static struct fp_table_rule *
fp_model_rule_find(const struct fp_model *model, uint32_t id)
{
    return (id && id <= model->up.config.n_rules ? model->rules[id] : NULL);
}

/* Modifies a rule.  Stores in '*oldp' the action list that the caller must
 * release after the commit, if any. */
static void
fp_model_rule_modify(struct fp_model *model, struct fp_rule_op *op,
                     struct fp_model_actions **oldp)
    OVS_REQUIRES(model->ctl_mutex)
{
    struct fp_table_rule *trule = fp_model_rule_find(model, op->id);
    const struct fp_rule *rule = op->rule;
    struct fp_model_actions *actions;
    int error = 0;

    *oldp = NULL;
    if (!trule) {
        op->error = ENOENT;
        return;
    }
    if (!fp_table_mask_available(model->table, &rule->mask)) {
        op->error = ENOSPC;
        op->full = FP_RES_MASKS;
        return;
    }
    actions = fp_model_actions_get(model, rule, &error);
    if (!actions) {
        op->error = error;
        return;
    }

    *oldp = fp_table_rule_data(trule);
    if (fp_table_rule_same_match(model->table, trule, &rule->key,
                                 &rule->mask, rule->priority)) {
        /* Only the actions change: one atomic pointer store. */
        fp_table_rule_set_data(trule, actions);
    } else {
        struct fp_table_rule *new;
        enum fp_table_full full;

        /* The new version is staged next to the old one, which is removed
         * in the same version, so that a packet sees one or the other.
         * With the old rule removed and the mask available, the insertion
         * cannot fail. */
        fp_table_remove(model->table, trule);
        ovs_assert(!fp_table_insert(model->table, &rule->key, &rule->mask,
                                    rule->priority, fp_table_rule_seq(trule),
                                    actions, fp_table_rule_user(trule),
                                    &new, &full));
        model->rules[op->id] = new;
    }
}

static void
fp_model_rule_batch(struct fp_device *dev, struct fp_rule_op *ops, size_t n)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_actions **release;
    uint32_t *dead_counters;
    size_t i, n_release = 0;

    release = xmalloc(n * sizeof *release);
    dead_counters = xmalloc(n * sizeof *dead_counters);
    ovs_mutex_lock(&model->ctl_mutex);
    for (i = 0; i < n; i++) {
        struct fp_rule_op *op = &ops[i];
        struct fp_table_rule *trule;

        if (op->error) {
            continue;
        }
        op->full = FP_RES_NONE;
        switch (op->type) {
        case FP_RULE_OP_ADD:
            fp_model_rule_add(model, op);
            break;

        case FP_RULE_OP_MODIFY:
            fp_model_rule_modify(model, op, &release[n_release]);
            if (release[n_release]) {
                n_release++;
            }
            break;

        case FP_RULE_OP_DELETE:
            trule = fp_model_rule_find(model, op->id);
            if (!trule) {
                op->error = ENOENT;
                break;
            }
            dead_counters[i] = fp_table_rule_user(trule);
            release[n_release++] = fp_table_rule_data(trule);
            fp_table_remove(model->table, trule);
            model->rules[op->id] = NULL;
            fp_model_ids_free(&model->rule_ids, op->id);
            break;

        default:
            op->error = EINVAL;
            break;
        }
        if (op->error == ENOSPC) {
            COVERAGE_INC(fp_model_table_full);
            VLOG_DBG_RL(&rl, "%s: %s full", dev->name,
                        fp_resource_name(op->full));
        }
    }

    fp_table_commit(model->table);
    fp_model_barrier(model);

    /* No engine counts for deleted rules any more: read their final
     * counters and free the counters. */
    for (i = 0; i < n; i++) {
        struct fp_rule_op *op = &ops[i];

        if (op->type == FP_RULE_OP_DELETE && !op->error) {
            fp_model_counter_read(model, dead_counters[i], &op->stats);
            fp_model_counter_put(model, dead_counters[i]);
        }
    }
    for (i = 0; i < n_release; i++) {
        fp_model_actions_put(model, release[i]);
    }
    fp_table_purge(model->table);
    ovs_mutex_unlock(&model->ctl_mutex);
    free(release);
    free(dead_counters);
}

static int
fp_model_rule_get_stats(struct fp_device *dev, uint32_t id,
                        struct fp_rule_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_table_rule *trule;
    int error = 0;

    ovs_mutex_lock(&model->ctl_mutex);
    trule = fp_model_rule_find(model, id);
    if (trule) {
        fp_model_counter_read(model, fp_table_rule_user(trule), stats);
    } else {
        error = ENOENT;
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}

static int
fp_model_rule_get_stats_all(struct fp_device *dev,
                            struct fp_rule_stats_entry **entriesp,
                            size_t *n_entriesp)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_rule_stats_entry *entries;
    size_t n = 0;
    uint32_t id;

    ovs_mutex_lock(&model->ctl_mutex);
    entries = xmalloc(MAX(fp_table_count(model->table), 1)
                      * sizeof *entries);
    for (id = 1; id <= dev->config.n_rules; id++) {
        struct fp_table_rule *trule = model->rules[id];

        if (trule) {
            entries[n].id = id;
            fp_model_counter_read(model, fp_table_rule_user(trule),
                                  &entries[n].stats);
            n++;
        }
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    *entriesp = entries;
    *n_entriesp = n;
    return 0;
}

/* Meters. */

static int
fp_model_meter_set(struct fp_device *dev, uint32_t meter_id,
                   const struct fp_meter_config *config)
{
    struct fp_model *model = fp_model_cast(dev);
    int error = fp_meter_config_check(config);
    int slot;

    if (error) {
        return error;
    }

    ovs_mutex_lock(&model->ctl_mutex);
    slot = fp_model_meter_find(model, meter_id);
    if (slot >= 0) {
        fp_meter_reconfigure(&model->meters[slot].meter, config);
    } else {
        uint32_t i;

        error = ENOSPC;
        for (i = 0; i < dev->config.n_meters; i++) {
            struct fp_model_meter *m = &model->meters[i];

            if (!m->in_use) {
                fp_meter_init(&m->meter, config, time_usec());
                m->id = meter_id;
                m->refs = 0;
                m->in_use = true;
                model->n_meters_used++;
                error = 0;
                break;
            }
        }
        if (error) {
            COVERAGE_INC(fp_model_table_full);
            VLOG_DBG_RL(&rl, "%s: %s full", dev->name,
                        fp_resource_name(FP_RES_METERS));
        }
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}

static int
fp_model_meter_delete(struct fp_device *dev, uint32_t meter_id)
{
    struct fp_model *model = fp_model_cast(dev);
    int error = 0;
    int slot;

    ovs_mutex_lock(&model->ctl_mutex);
    slot = fp_model_meter_find(model, meter_id);
    if (slot < 0) {
        error = ENOENT;
    } else if (model->meters[slot].refs) {
        error = EBUSY;
    } else {
        /* Engines may still run an action list that was just released. */
        fp_model_barrier(model);
        ovsrcu_synchronize();
        fp_meter_destroy(&model->meters[slot].meter);
        model->meters[slot].in_use = false;
        model->n_meters_used--;
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}

static int
fp_model_meter_get_stats(struct fp_device *dev, uint32_t meter_id,
                         struct fp_meter_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    int error = 0;
    int slot;

    ovs_mutex_lock(&model->ctl_mutex);
    slot = fp_model_meter_find(model, meter_id);
    if (slot < 0) {
        error = ENOENT;
    } else {
        fp_meter_read(&model->meters[slot].meter, stats);
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}

/* Shared counters. */

static int
fp_model_counter_alloc(struct fp_device *dev, uint32_t *idp)
{
    struct fp_model *model = fp_model_cast(dev);
    int error = 0;

    ovs_mutex_lock(&model->ctl_mutex);
    if (fp_model_counter_get_free(model, idp)) {
        model->counter_shared[*idp] = 1;
    } else {
        error = ENOSPC;
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}

static bool
fp_model_counter_is_shared(const struct fp_model *model, uint32_t id)
{
    return id < model->up.config.n_counters && model->counter_shared[id];
}

static int
fp_model_counter_free(struct fp_device *dev, uint32_t id)
{
    struct fp_model *model = fp_model_cast(dev);
    int error = 0;

    ovs_mutex_lock(&model->ctl_mutex);
    if (!fp_model_counter_is_shared(model, id)) {
        error = ENOENT;
    } else if (model->counter_refs[id]) {
        error = EBUSY;
    } else {
        fp_model_barrier(model);
        ovsrcu_synchronize();
        model->counter_shared[id] = 0;
        fp_model_counter_put(model, id);
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}

static int
fp_model_counter_get(struct fp_device *dev, uint32_t id,
                     struct fp_rule_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    int error = 0;

    ovs_mutex_lock(&model->ctl_mutex);
    if (fp_model_counter_is_shared(model, id)) {
        fp_model_counter_read(model, id, stats);
    } else {
        error = ENOENT;
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}

/* Reset. */

static int
fp_model_reset(struct fp_device *dev)
{
    struct fp_model *model = fp_model_cast(dev);
    const struct fp_device_config *config = &dev->config;
    struct fp_device_stats dstats;
    uint32_t id, i;

    /* Let the engines drain the RX rings first (against the old rules). */
    fp_model_flush(dev);

    ovs_mutex_lock(&model->ctl_mutex);
    for (id = 1; id <= config->n_rules; id++) {
        struct fp_table_rule *trule = model->rules[id];

        if (trule) {
            fp_table_remove(model->table, trule);
            model->rules[id] = NULL;
            fp_model_ids_free(&model->rule_ids, id);
            fp_model_actions_put(model, fp_table_rule_data(trule));
            fp_model_counter_put(model, fp_table_rule_user(trule));
        }
    }
    fp_table_commit(model->table);
    fp_model_barrier(model);
    fp_table_purge(model->table);
    ovsrcu_synchronize();

    for (i = 0; i < config->n_counters; i++) {
        if (model->counter_shared[i]) {
            model->counter_shared[i] = 0;
            fp_model_counter_put(model, i);
        }
        model->counter_refs[i] = 0;
    }
    for (i = 0; i < config->n_meters; i++) {
        if (model->meters[i].in_use) {
            fp_meter_destroy(&model->meters[i].meter);
            model->meters[i].in_use = false;
        }
    }
    model->n_meters_used = 0;
    ovs_mutex_unlock(&model->ctl_mutex);

    for (i = 0; i < model->n_ports; i++) {
        struct fp_model_port *port = &model->ports[i];
        struct fp_port_stats ps;

        ovs_mutex_lock(&port->exc_mutex);
        port->head = port->n_queued = 0;
        ovs_mutex_unlock(&port->exc_mutex);

        memset(&ps, 0, sizeof ps);
        fp_model_port_get_stats(dev, i, &ps);
        ovs_mutex_lock(&model->ctl_mutex);
#define FP_MODEL_PORT_CTR(NAME) \
        fp_model_ctr_add(&model->port_base[i].NAME, ps.NAME);
        FP_MODEL_PORT_CTRS
#undef FP_MODEL_PORT_CTR
        ovs_mutex_unlock(&model->ctl_mutex);
    }

    memset(&dstats, 0, sizeof dstats);
    fp_model_get_stats(dev, &dstats);
    ovs_mutex_lock(&model->ctl_mutex);
    model->hits_base += dstats.hits;
    model->misses_base += dstats.misses;
    model->emc_hits_base += dstats.emc_hits;
    ovs_mutex_unlock(&model->ctl_mutex);
    atomic_add(&model->resets, 1, &(uint64_t) { 0 });

    return 0;
}

/* Stores the figures of engine 'index' of 'dev' (a model device) in
 * '*stats'. */
void
fp_model_get_engine_stats(const struct fp_device *dev, size_t index,
                          struct fp_model_engine_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    const struct fp_model_engine *engine = &model->engines[index];

    stats->packets = fp_model_ctr_get(&engine->packets);
    stats->busy_ns = fp_model_ctr_get(&engine->busy_ns);
}

/* Returns the bytes of memory that a rule of 'dev' (a model device) takes,
 * on average over its rules: table entry and hash slot, id slot, counters,
 * share of action lists.  0 if there is no rule. */
size_t
fp_model_memory_per_rule(const struct fp_device *dev)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_actions *actions;
    size_t n_rules, total = 0;
    uint32_t id;

    ovs_mutex_lock(&model->ctl_mutex);
    n_rules = fp_table_count(model->table);
    for (id = 1; id <= dev->config.n_rules; id++) {
        if (model->rules[id]) {
            total += fp_table_rule_size(model->table, model->rules[id]);
        }
    }
    total += fp_table_memory(model->table);
    HMAP_FOR_EACH (actions, node, &model->actions) {
        total += sizeof *actions + actions->n * sizeof actions->actions[0];
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    if (!n_rules) {
        return 0;
    }
    /* Id slot and one counter per engine, per rule. */
    return (total / n_rules + sizeof *model->rules
            + model->n_engines * sizeof(struct fp_model_counter));
}

const struct fp_device_class fp_model_class = {
    .type = "model",
    .create = fp_model_create,
    .destroy = fp_model_destroy,
    .get_stats = fp_model_get_stats,
    .rule_batch = fp_model_rule_batch,
    .rule_get_stats = fp_model_rule_get_stats,
    .rule_get_stats_all = fp_model_rule_get_stats_all,
    .meter_set = fp_model_meter_set,
    .meter_delete = fp_model_meter_delete,
    .meter_get_stats = fp_model_meter_get_stats,
    .counter_alloc = fp_model_counter_alloc,
    .counter_free = fp_model_counter_free,
    .counter_get = fp_model_counter_get,
    .reset = fp_model_reset,
    .port_attach = fp_model_port_attach,
    .port_detach = fp_model_port_detach,
    .port_send = fp_model_port_send,
    .port_recv = fp_model_port_recv,
    .port_recv_wait = fp_model_port_recv_wait,
    .port_inject = fp_model_port_inject,
    .port_set_tx_pcap = fp_model_port_set_tx_pcap,
    .port_get_stats = fp_model_port_get_stats,
    .port_set_endpoint = fp_model_port_set_endpoint,
    .port_receive_batch = fp_model_port_receive_batch,
    .flush = fp_model_flush,
};
