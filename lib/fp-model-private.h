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

#ifndef FP_MODEL_PRIVATE_H
#define FP_MODEL_PRIVATE_H 1

/* What the files of the flow-processor model share: fp-model.c (the
 * device and its control interface: rules, meters, counters, reset),
 * fp-model-engine.c (the packet engines: parse, cache, lookup, actions),
 * fp-model-emc.c (their exact-match caches) and fp-model-port.c (ports:
 * rings, exception queues, endpoints, capture). */

#include <pthread.h>

#include "fp-model.h"
#include "cmap.h"
#include "fp-meter.h"
#include "fp-table.h"
#include "fp/fp-provider.h"
#include "openvswitch/hmap.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "pcap-file.h"
#include "util.h"

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

/* A 64-bit counter with one writer (an engine) and any readers. */
typedef atomic_uint64_t fp_model_ctr;
BUILD_ASSERT_DECL(sizeof(fp_model_ctr) == sizeof(uint64_t));

/* Adds 'n' to 'ctr', from its one writer.  On x86-64, one add to memory,
 * not locked: an aligned 64-bit store is seen whole by every reader, as the
 * relaxed atomic load and store that other machines use are, and the add
 * takes one instruction where they take three (the compiler does not fuse
 * atomic operations), twice for each packet that an engine forwards. */
static inline void
fp_model_ctr_add(fp_model_ctr *ctr, uint64_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
    asm("addq %1, %0" : "+m" (*(uint64_t *) ctr) : "er" (n));
#else
    uint64_t v;

    atomic_read_relaxed(ctr, &v);
    atomic_store_relaxed(ctr, v + n);
#endif
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
    uint32_t mark;              /* Exception queues: the packet's */
    uint32_t rss_hash;          /* struct fp_packet_md. */
    struct fp_trace *trace;     /* RX rings: where the engine records what
                                 * it does with the packet (a live
                                 * fp_port_trace()), or NULL. */
    uint32_t recirc_id;         /* Exception queues: the rest of the */
    uint32_t dp_hash;           /* packet's struct fp_packet_md. */
};

/* VF counters (see struct fp_vf_stats): those toward the guest of one
 * engine (or of the host threads), in struct fp_model_port_ctrs, and those
 * from the guest, in struct fp_model_port under 'rx_mutex'. */
struct fp_model_vf_ctrs {
    fp_model_ctr rx_packets;
    fp_model_ctr rx_bytes;
    fp_model_ctr rx_multicast;
    fp_model_ctr rx_broadcast;
    fp_model_ctr tx_packets;
    fp_model_ctr tx_bytes;
    fp_model_ctr rx_dropped;
    fp_model_ctr tx_dropped;
    fp_model_ctr spoof_drops;
    fp_model_ctr vlan_drops;
    fp_model_ctr filter_drops;
};

/* Expands FP_MODEL_VF_CTR(NAME) for every member of struct
 * fp_model_vf_ctrs, each also a member of struct fp_vf_stats. */
#define FP_MODEL_VF_CTRS                        \
    FP_MODEL_VF_CTR(rx_packets)                 \
    FP_MODEL_VF_CTR(rx_bytes)                   \
    FP_MODEL_VF_CTR(rx_multicast)               \
    FP_MODEL_VF_CTR(rx_broadcast)               \
    FP_MODEL_VF_CTR(tx_packets)                 \
    FP_MODEL_VF_CTR(tx_bytes)                   \
    FP_MODEL_VF_CTR(rx_dropped)                 \
    FP_MODEL_VF_CTR(tx_dropped)                 \
    FP_MODEL_VF_CTR(spoof_drops)                \
    FP_MODEL_VF_CTR(vlan_drops)                 \
    FP_MODEL_VF_CTR(filter_drops)

/* Port counters of one engine (or of the host threads). */
struct fp_model_port_ctrs {
    fp_model_ctr rx_packets;
    fp_model_ctr rx_bytes;
    fp_model_ctr tx_packets;
    fp_model_ctr tx_bytes;
    fp_model_ctr exceptions;
    fp_model_ctr malformed;
    fp_model_ctr drops;
    fp_model_ctr tx_drops;
    fp_model_ctr tx_qos_drops;
    fp_model_ctr policer_drops;
    struct fp_model_vf_ctrs vf;         /* Of a VF: toward its guest. */
};

/* Expands FP_MODEL_PORT_CTR(NAME) for every member of struct
 * fp_model_port_ctrs. */
#define FP_MODEL_PORT_CTRS                      \
    FP_MODEL_PORT_CTR(rx_packets)               \
    FP_MODEL_PORT_CTR(rx_bytes)                 \
    FP_MODEL_PORT_CTR(tx_packets)               \
    FP_MODEL_PORT_CTR(tx_bytes)                 \
    FP_MODEL_PORT_CTR(exceptions)               \
    FP_MODEL_PORT_CTR(malformed)                \
    FP_MODEL_PORT_CTR(drops)                    \
    FP_MODEL_PORT_CTR(tx_drops)                 \
    FP_MODEL_PORT_CTR(tx_qos_drops)             \
    FP_MODEL_PORT_CTR(policer_drops)

/* A rule counter of one engine.  'used_flags' holds, in its low
 * FP_MODEL_USED_BITS bits, the time_msec() of the last packet counted (0 if
 * none) and above them the OR of the packets' TCP flags (12 bits), in one
 * word so that a counter stays 24 bytes. */
struct fp_model_counter {
    fp_model_ctr packets;
    fp_model_ctr bytes;
    atomic_uint64_t used_flags;
};
#define FP_MODEL_USED_BITS 52
#define FP_MODEL_USED_MASK ((UINT64_C(1) << FP_MODEL_USED_BITS) - 1)

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

    /* Ingress policer (see struct fp_port_policer), under 'rx_mutex': what
     * comes into the RX ring is policed on the way in.  'policer_meters'
     * are the byte bucket and the packet bucket, each in use if its rate
     * in 'policer' is nonzero. */
    struct fp_port_policer policer;
    struct fp_meter policer_meters[2];

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

    /* The link (see struct fp_port_link); changed under 'ctl_mutex'. */
    atomic_bool link_down;

    /* FP_MODEL_TX_*: what takes the port's packets elsewhere than straight
     * to its endpoint (fp_model_port_set_tx_special()), 0 for most ports.
     * Here, in the padding before 'link_resets', the port is no larger
     * and every later member stays where it was. */
    atomic_uint tx_special;
    atomic_uint64_t link_resets;

    /* Egress QoS (fp-model-qos.c): the scheduler that sends out of the
     * port, or NULL if the port sends at once.  Its configuration is under
     * 'ctl_mutex': the port's QoS (NULL: none) and, for a VF, its share of
     * every physical port (NULL: none). */
    OVSRCU_TYPE(struct fp_sched *) sched;
    struct fp_qos_config *qos;
    struct fp_qos_class *vf_rate;

    /* VF hot-plug (fp-model-hotplug.c), changed under 'ctl_mutex': while
     * 'unplugged', the outside of the VF is gone, as if its link were
     * down. */
    atomic_bool unplugged;
    atomic_uint64_t unplugs;
    atomic_uint64_t unplugged_drops;
    /* SR-IOV VF administration of a VF port (fp-model-vf.c): its policy
     * (NULL: none), replaced as a whole under 'ctl_mutex' and 'rx_mutex'
     * and freed after an RCU grace period; its VF counters from the guest,
     * under 'rx_mutex'; what they were at its last VF reset (with the
     * resets), under 'ctl_mutex'; and the RX ring position before which
     * the engine drops packets, set by a VF reset. */
    OVSRCU_TYPE(struct fp_vf_config *) vf;
    struct fp_model_vf_ctrs vf_in;
    struct fp_vf_stats vf_base;
    atomic_uint64_t rx_flush;
};

/* An interned, immutable action list, shared by every rule that has the
 * same actions.  Meter ids are resolved to meter table slots. */
struct fp_model_actions {
    struct hmap_node node;      /* In 'fp_model.actions', by hash. */
    uint32_t refcnt;            /* Under 'ctl_mutex'. */
    uint32_t n;
    uint32_t output;            /* If the list is one FP_ACTION_OUTPUT, its
                                 * port (the most common rule, which the
                                 * engines send without the action loop),
                                 * else FP_PORT_NONE. */
    struct fp_action actions[];
};

/* A meter.  It is allocated apart from its slot of the meter table: a
 * deleted meter leaves its slot (which another meter may take at once) and
 * 'meter_ids' at once, and is freed after an RCU grace period, because a
 * host thread in fp_model_meter_police() may still be using it. */
struct fp_model_meter {
    struct cmap_node id_node;   /* In 'meter_ids'. */
    uint32_t id;                /* The caller's meter id. */
    uint32_t slot;              /* Index in 'fp_model.meters'. */
    struct fp_meter meter;
};

/* An entry of the meter table.  Action lists name a meter by its slot. */
struct fp_model_meter_slot {
    OVSRCU_TYPE(struct fp_model_meter *) meter;    /* NULL: free. */
    uint32_t refs;              /* Action lists that use it. */
};

/* A packet engine. */
struct fp_model_engine {
    struct fp_model *model;
    size_t index;
    pthread_t thread;

    /* Odd while the engine processes a batch. */
    atomic_uint64_t epoch;

    /* Sleeping when idle, in poll() on 'wake_fd' (an eventfd that others
     * write to wake the engine) and the file descriptors of its ports'
     * polled endpoints; 'pollfds' and 'poll_ports' (the port of each but
     * the first) have room for all of them. */
    int wake_fd;
    atomic_bool sleeping;
    struct pollfd *pollfds;
    uint32_t *poll_ports;

    /* Exact-match cache, FP_MODEL_EMC_WAYS-way set associative (at least
     * one set, whatever the configured size): the rule (or NULL) found
     * for a key in the table version whose low 32 bits are in the entry,
     * which holds a reference on the rule.  An entry of an older version
     * is still right while its rule is not removed and no rule that might
     * beat it was added since ('emc_keep': the oldest such entries of this
     * batch are that many versions old), or, for an entry of no rule, no
     * rule at all was added since ('emc_keep_miss'); see
     * fp_model_emc_find().  Cleared whenever the table version gets
     * 2**32 - 1 versions past 'emc_base', so that the low bits of a version
     * are never ambiguous.  'emc_tags' has a tag for each entry, the
     * 'hash' of its key, so that a lookup finds the ways that may hold a
     * key without reading every way's entry: it is set as an entry is
     * filled, and left as it is cleared (the entry's zero 'map' then
     * matches no key).  'emc_rules' has each entry's rule (or NULL), with
     * the entry's reference, apart from the entry so that a hit does not
     * read it (fp_model_emc_rule()). */
    struct fp_model_emc_entry *emc;
    uint32_t *emc_tags;
    const struct fp_table_rule **emc_rules;
    uint32_t emc_mask;
    uint32_t emc_keep;
    uint32_t emc_keep_miss;
    uint64_t emc_base;
    uint32_t emc_conflicts;     /* Misses into a full set (modulo 2**32). */

    /* Counters, written by this engine only. */
    fp_model_ctr hits;
    fp_model_ctr misses;
    fp_model_ctr emc_hits;
    fp_model_ctr packets;
    fp_model_ctr batches;       /* Batches that 'packets' came in. */
    fp_model_ctr busy_ns;
    struct fp_model_port_ctrs *ports;   /* One per NIC port. */
    struct fp_model_counter *counters;  /* One per counter table entry. */

    /* Recirculation (see struct fp_device_stats), written by this engine
     * only. */
    fp_model_ctr recirculations;
    fp_model_ctr recirc_misses;
    fp_model_ctr recirc_exceeded;
};


/* A shared counter (fp_counter_alloc()): an entry of the counter table
 * that action lists count in with FP_ACTION_COUNT.  Few exist, so they are
 * kept by id in a hash table rather than in arrays with an entry for every
 * counter, which rule counters, one per rule, would pay for. */
struct fp_model_shared_counter {
    struct hmap_node node;      /* In 'shared_counters', by hash_int(id). */
    uint32_t id;                /* In the counter table. */
    uint32_t refs;              /* Action lists that count in it. */
};

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

/* What rule batches left for later, once the engines are past their
 * commit (see fp_model_deferred_finish() in fp-model.c): the counters of
 * rules deleted with 'no_wait', whose final counts nobody reads, and the
 * action lists that those deletions released, with the removals that the
 * rule table has to purge.  Under 'ctl_mutex'. */
struct fp_model_deferred {
    uint32_t *counters;
    size_t n_counters, allocated_counters;
    struct fp_model_actions **actions;
    size_t n_actions, allocated_actions;
    bool purge;                 /* The table has removals to purge. */
    uint64_t *epochs;           /* Each engine's 'epoch' as of the latest
                                 * commit that left any of these (NULL
                                 * until the first). */
    long long int since;        /* time_msec() when the oldest of these was
                                 * left, if any. */
};

/* Locks and waits.
 *
 * 'ctl_mutex' serializes control operations.  The port locks ('rx_mutex',
 * 'exc_mutex', 'pcap_mutex') and 'host_mutex' guard packet I/O; nothing is
 * waited for while one of them is held ('host_mutex' is taken under
 * 'exc_mutex', never the other way).
 *
 * Under 'ctl_mutex', a thread may wait for the packet engines to finish
 * their batch (fp_model_barrier()): an engine never takes 'ctl_mutex' nor
 * a lock of the model's callers.
 *
 * No hook of the model waits for an RCU grace period (ovsrcu_synchronize(),
 * ovsrcu_barrier()), with or without 'ctl_mutex': the callers are RCU
 * threads (dpif-netdev's offload, PMD, handler and revalidator threads,
 * ovs-vswitchd's main thread) that call the model while they hold locks of
 * their own (the OVS side's 'offload_fp_mutex'), and a thread blocked on
 * 'ctl_mutex' or on such a lock is not quiescent, so the grace period would
 * never end: a deadlock.  What an RCU reader may still use is freed with
 * ovsrcu_postpone() instead (rules in fp-table.c, action lists, meters), in
 * callbacks that take no lock and do not use the device, so that a
 * device may be destroyed with callbacks pending.  A slot of a table (rule,
 * meter, counter) is free again at once and no longer "in use" in
 * fp_device_get_stats(). */
struct fp_model {
    struct fp_device up;
    uint32_t n_ports;

    /* Serializes control operations: rules, meters, counters, reset,
     * endpoints.  Packet processing never takes it.  See "Locks and waits"
     * above. */
    struct ovs_mutex ctl_mutex;
    struct fp_table *table;
    struct fp_table_rule **rules;       /* By id, 1...n_rules. */
    struct fp_model_ids rule_ids;       /* 1...n_rules. */
    uint64_t next_seq;
    struct hmap actions;                /* Of 'struct fp_model_actions'. */
    struct fp_model_actions *last_actions;  /* The list of the last rule
                                             * added or modified, if it has
                                             * no meter action, or NULL: the
                                             * next rule likely has it. */
    struct fp_model_ids counter_ids;    /* Counter table, 0...n-1. */
    uint32_t n_counters_used;
    struct hmap shared_counters;        /* Of struct
                                         * fp_model_shared_counter. */
    struct fp_model_meter_slot *meters; /* Meter table. */
    struct cmap meter_ids;              /* Meters in use, by id; readers
                                         * (fp_meter_police()) use RCU. */
    uint32_t n_meters_used;             /* Slots that hold a meter. */

    /* Counters as of the last reset, subtracted from what engines count. */
    struct fp_model_port_ctrs *port_base;   /* Plain uint64_t values. */
    uint64_t hits_base, misses_base, emc_hits_base;
    atomic_uint64_t resets;

    /* Most VLAN tags the parser takes (fp_device_set_vlan_limit()). */
    atomic_uint vlan_limit;

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

    /* Edge virtual bridging (fp-model-evb.c): true if the device is a VEPA
     * or has an extended uplink, so that its packets meet the EVB code. */
    atomic_bool evb_active;
    struct fp_model_evb *evb;

    /* Recirculation counters as of the last reset, under 'ctl_mutex', as
     * 'hits_base'. */
    uint64_t recirculations_base, recirc_misses_base, recirc_exceeded_base;

    /* By rule id, 1...n_rules: the counter of each rule, as its table
     * entry has it (fp_table_rule_user()), so that fp_rule_get_stats()
     * reads no table entry, which a pass over many rules would miss in the
     * cache. */
    uint32_t *rule_counters;

    /* See struct fp_model_deferred. */
    struct fp_model_deferred deferred;
};


static inline struct fp_model *
fp_model_cast(const struct fp_device *dev)
{
    ovs_assert(dev->class == &fp_model_class);
    return CONTAINER_OF(dev, struct fp_model, up);
}

/* Returns a new buffer for a slot, with room for 'size' bytes after its
 * headroom, aligned to a cache line, as the packet after the headroom is
 * (FP_MODEL_HEADROOM is a multiple of CACHE_LINE_SIZE): a 64-byte packet is
 * then one line, where at malloc()'s 16-byte alignment three in four spanned
 * two.  Free it with fp_model_slot_free_buf(). */
static inline uint8_t *
fp_model_slot_alloc_buf(size_t size)
{
    BUILD_ASSERT(FP_MODEL_HEADROOM % CACHE_LINE_SIZE == 0);
    return xmalloc_cacheline(FP_MODEL_HEADROOM + size);
}

/* Frees 'buf', a buffer of fp_model_slot_alloc_buf(), or NULL. */
static inline void
fp_model_slot_free_buf(uint8_t *buf)
{
    free_cacheline(buf);
}

/* Makes sure that 'slot' has a buffer, with room for 'size' bytes after its
 * headroom. */
static inline void
fp_model_slot_reserve(struct fp_model_slot *slot, size_t size)
{
    if (!slot->buf || slot->allocated < size) {
        slot->allocated = MAX(size, FP_MODEL_SLOT_MIN);
        fp_model_slot_free_buf(slot->buf);
        slot->buf = fp_model_slot_alloc_buf(slot->allocated);
    }
}

static inline uint8_t *
fp_model_slot_data(const struct fp_model_slot *slot)
{
    return slot->buf + FP_MODEL_HEADROOM;
}


/* fp-model-engine.c. */
void fp_model_barrier(struct fp_model *);
void fp_model_tx(struct fp_model *, struct fp_model_port_ctrs *,
                 uint32_t port_no, const void *data, size_t size,
                 const struct fp_tx_md *);
void fp_model_tx_now(struct fp_model *, struct fp_model_port_ctrs *,
                     uint32_t port_no, const void *data, size_t size);
void fp_model_wake_engine(struct fp_model_engine *);
void *fp_model_engine_main(void *engine);
void fp_model_count_drops(unsigned int n);
void fp_model_trace_dry(struct fp_model *, uint32_t port_no,
                        struct fp_model_slot *, struct fp_trace *);
void fp_model_trace_resolve(struct fp_model *, struct fp_trace *);

/* fp-model-port.c: the port hooks of fp_model_class and what the rest of
 * the model needs of ports. */
int fp_model_port_attach(struct fp_device *, uint32_t port_no);
void fp_model_port_detach(struct fp_device *, uint32_t port_no);
int fp_model_port_send(struct fp_device *, uint32_t port_no,
                       const void *data, size_t size,
                       const struct fp_tx_md *);
int fp_model_port_recv(struct fp_device *, uint32_t port_no,
                       void *buf, size_t size, size_t *lenp,
                       struct fp_packet_md *);
void fp_model_port_recv_wait(struct fp_device *, uint32_t port_no);
int fp_model_port_inject(struct fp_device *, uint32_t port_no,
                         const void *data, size_t size);
int fp_model_port_trace(struct fp_device *, uint32_t port_no,
                        const void *data, size_t size, struct fp_trace *);
int fp_model_port_set_tx_pcap(struct fp_device *, uint32_t port_no,
                              const char *file_name);
int fp_model_port_set_endpoint(struct fp_device *, uint32_t port_no,
                               const struct fp_endpoint_ops *, void *aux);
int fp_model_port_receive_batch(struct fp_device *, uint32_t port_no,
                                const struct fp_packet *, size_t n,
                                size_t *n_queued);
void fp_model_port_get_stats(const struct fp_device *, uint32_t port_no,
                             struct fp_port_stats *);
int fp_model_port_set_link_state(struct fp_device *, uint32_t port_no,
                                 bool up);
int fp_model_port_set_policer(struct fp_device *, uint32_t port_no,
                              const struct fp_port_policer *);
void fp_model_port_get_policer(const struct fp_device *, uint32_t port_no,
                               struct fp_port_policer *);
void fp_model_port_get_link_state(const struct fp_device *, uint32_t port_no,
                                  struct fp_port_link *);
int fp_model_flush(struct fp_device *);

/* fp-model.c.  fp_model_deferred_finish(): see its comment. */
void fp_model_count_table_full(void);
void fp_model_deferred_finish(struct fp_model *model, bool wait)
    OVS_REQUIRES(model->ctl_mutex);

/* fp-model-meter.c: the meter table.  fp_model_meter_find() is for holders
 * of 'ctl_mutex' and RCU readers, fp_model_meter_in_slot() for holders of
 * 'ctl_mutex' (or the destroyer of the device); fp_model_meter_destroy()
 * frees a meter out of use (an ovsrcu_postpone() callback). */
struct fp_model_meter *fp_model_meter_find(const struct fp_model *,
                                           uint32_t id);
struct fp_model_meter *fp_model_meter_in_slot(const struct fp_model *,
                                              uint32_t slot);
void fp_model_meter_destroy(struct fp_model_meter *);
int fp_model_meter_set(struct fp_device *, uint32_t meter_id,
                       const struct fp_meter_config *);
int fp_model_meter_delete(struct fp_device *, uint32_t meter_id);
int fp_model_meter_get_stats(struct fp_device *, uint32_t meter_id,
                             struct fp_meter_stats *);
int fp_model_meter_police(struct fp_device *, uint32_t meter_id,
                          const uint32_t sizes[], size_t n,
                          long long int now, bool passed[],
                          uint8_t remarks[]);

/* fp-model-qos.c: egress QoS. */
int fp_model_port_set_qos(struct fp_device *, uint32_t port_no,
                          const struct fp_qos_config *);
int fp_model_port_set_vf_rate(struct fp_device *, uint32_t port_no,
                              const struct fp_qos_class *);
int fp_model_port_get_queue_stats(const struct fp_device *, uint32_t port_no,
                                  uint32_t queue, struct fp_queue_stats *);
void fp_model_qos_tx(struct fp_model *, struct fp_model_port_ctrs *,
                     uint32_t port_no, struct fp_sched *,
                     const void *data, size_t size, const struct fp_tx_md *);
void fp_model_qos_run(struct fp_model *, struct fp_model_port_ctrs *,
                      uint32_t port_no);
void fp_model_qos_flush(struct fp_model *);
void fp_model_qos_destroy(struct fp_model *, uint32_t port_no);
void fp_model_port_free_queue(struct fp_model_port *port)
    OVS_REQUIRES(port->exc_mutex);
size_t fp_model_qos_flush_port(struct fp_model *, uint32_t port_no);
size_t fp_model_qos_flush_vf(struct fp_model *, uint32_t vf_port);

/* fp-model-engine.c: the end of fp_model_tx_now(). */
bool fp_model_tx_deliver(struct fp_model *, struct fp_model_port_ctrs *,
                         uint32_t port_no, const void *data, size_t size);

/* fp-model-vf.c: SR-IOV VF administration, the VF policy at a VF's
 * boundary with its guest. */
int fp_model_vf_set_config(struct fp_device *, uint32_t port_no,
                           const struct fp_vf_config *);
int fp_model_vf_get_config(const struct fp_device *, uint32_t port_no,
                           struct fp_vf_config *);
void fp_model_vf_get_stats(const struct fp_device *, uint32_t port_no,
                           struct fp_vf_stats *);
int fp_model_vf_reset(struct fp_device *, uint32_t port_no);
bool fp_model_vf_link_down(const struct fp_model *,
                           const struct fp_vf_config *);
enum fp_vf_verdict fp_model_vf_ingress(struct fp_model_port *port,
                                       const struct fp_vf_config *,
                                       const void *data, size_t size,
                                       bool dry, struct fp_trace *)
    OVS_REQUIRES(port->rx_mutex);
void fp_model_vf_fill_slot(struct fp_model_slot *, const void *data,
                           size_t size, const struct fp_vf_config *);
enum fp_vf_verdict fp_model_vf_egress_verdict(const struct fp_model *,
                                              uint32_t port_no,
                                              const void *data, size_t size);
void fp_model_vf_tx(struct fp_model *, struct fp_model_port_ctrs *,
                    uint32_t port_no, const struct fp_vf_config *,
                    const void *data, size_t size);
void fp_model_vf_uplink_changed(struct fp_model *model)
    OVS_REQUIRES(model->ctl_mutex);
void fp_model_vf_plugged_changed(struct fp_model *model, uint32_t port_no)
    OVS_REQUIRES(model->ctl_mutex);

/* fp-model-hotplug.c: VF hot-unplug and plug. */
int fp_model_port_set_plugged(struct fp_device *, uint32_t port_no,
                              bool plugged);
void fp_model_port_get_hotplug(const struct fp_device *, uint32_t port_no,
                               struct fp_vf_hotplug *);
void fp_model_hotplug_count_drops(struct fp_model_port *, uint64_t n);

/* Returns true if 'port' is a VF that is unplugged: nothing crosses its
 * outside.  Cheap enough for every packet. */
static inline bool
fp_model_port_is_unplugged(const struct fp_model_port *port)
{
    bool unplugged;

    atomic_read_relaxed(CONST_CAST(atomic_bool *, &port->unplugged),
                        &unplugged);
    return unplugged;
}

/* Bits of struct fp_model_port's 'tx_special', one for each feature of a
 * port that takes the packets it sends elsewhere than straight to its
 * endpoint.  With none, the engines send the port's packets without
 * looking at any of them: one test a packet instead of five. */
enum {
    FP_MODEL_TX_PCAP = 1 << 0,          /* 'has_pcap'. */
    FP_MODEL_TX_LINK_DOWN = 1 << 1,     /* 'link_down'. */
    FP_MODEL_TX_QOS = 1 << 2,           /* 'sched' is nonnull. */
    FP_MODEL_TX_UNPLUGGED = 1 << 3,     /* 'unplugged'. */
    FP_MODEL_TX_VF = 1 << 4,            /* 'vf' is nonnull. */
};

/* Sets ('on') or clears bit 'bit' (an FP_MODEL_TX_*) of the 'tx_special' of
 * 'port'.  The setter of each feature calls it as it changes the feature,
 * before anything that waits for the engines (fp_model_barrier(), an RCU
 * grace period), so that an engine that sends without looking at the
 * feature does so only when it might as well have read the feature off.
 * Each bit has its own setter, and the update is atomic, so setters of
 * different bits need no common lock. */
static inline void
fp_model_port_set_tx_special(struct fp_model_port *port, unsigned int bit,
                             bool on)
{
    unsigned int orig;

    if (on) {
        atomic_or(&port->tx_special, bit, &orig);
    } else {
        atomic_and(&port->tx_special, ~bit, &orig);
    }
}

/* fp-model-evb.c: edge virtual bridging (VEPA, port extension). */
struct fp_model_evb;
void fp_model_tx_port(struct fp_model *, struct fp_model_port_ctrs *,
                      uint32_t port_no, const void *data, size_t size,
                      const struct fp_tx_md *);
void fp_model_evb_init(struct fp_model *);
void fp_model_evb_destroy(struct fp_model *);
void fp_model_evb_tx(struct fp_model *, struct fp_model_port_ctrs *,
                     uint32_t port_no, const void *data, size_t size,
                     const struct fp_tx_md *);
bool fp_model_evb_is_extended(const struct fp_model *, uint32_t port_no);
void fp_model_evb_rx(struct fp_model *, struct fp_model_engine *,
                     struct fp_model_slot *, uint32_t port_no,
                     struct fp_trace *);
void fp_model_evb_trace_output(const struct fp_model *, struct fp_trace *,
                               size_t step, uint32_t in_port,
                               uint32_t port_no);
int fp_model_evb_set_mode(struct fp_device *, enum fp_evb_mode);
enum fp_evb_mode fp_model_evb_get_mode(const struct fp_device *);
int fp_model_port_set_extension(struct fp_device *, uint32_t port_no,
                                bool on);
bool fp_model_port_get_extension(const struct fp_device *, uint32_t port_no);
int fp_model_port_set_ecid(struct fp_device *, uint32_t port_no,
                           const struct fp_port_ecid *);
void fp_model_port_get_ecid(const struct fp_device *, uint32_t port_no,
                            struct fp_port_ecid *);
void fp_model_port_get_evb_stats(const struct fp_device *, uint32_t port_no,
                                 struct fp_evb_stats *);

/* Returns true if the packets of 'model' meet the EVB code. */
static inline bool
fp_model_evb_active(const struct fp_model *model)
{
    bool active;

    atomic_read_relaxed(&CONST_CAST(struct fp_model *, model)->evb_active,
                        &active);
    return active;
}

#endif /* fp-model-private.h */
