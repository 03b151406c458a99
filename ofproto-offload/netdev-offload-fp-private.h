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

#ifndef NETDEV_OFFLOAD_FP_PRIVATE_H
#define NETDEV_OFFLOAD_FP_PRIVATE_H 1

/* What the files of the fp flow API share: netdev-offload-fp.c (flow
 * records, verdicts applied to the NICs, statistics, admission),
 * netdev-offload-fp-translate.c (match and actions to an fp rule),
 * netdev-offload-fp-record.c (a flow's record: its side block, counters
 * and compact NIC rule), netdev-offload-fp-meter.c (OpenFlow meters in the
 * NICs),
 * netdev-offload-fp-resume.c (packets that resume in software where the NIC
 * stopped), netdev-offload-fp-explain.c (fp/explain, fp/offload-stats) and
 * netdev-offload-fp-coverage.c (the coverage counters that any thread
 * counts). */

#include <stdlib.h>
#include <string.h>

#include "classifier.h"
#include "fp/fp.h"
#include "netdev-offload-fp.h"
#include "openvswitch/hmap.h"
#include "openvswitch/shash.h"
#include "ovs-atomic.h"
#include "openvswitch/types.h"
#include "ovs-thread.h"
#include "sset.h"

struct dp_packet;
struct ds;
struct match;
struct netdev;
struct nlattr;

/* The verdict on a datapath flow that dpif-netdev handed us (one byte, to
 * fit in the first cache line of struct offload_fp_flow). */
enum OVS_PACKED_ENUM offload_fp_state {
    OFFLOAD_FP_OFFLOADED,       /* The NIC runs it, actions and all. */
    OFFLOAD_FP_PARTIAL,         /* The NIC classifies and marks it;
                                 * dpif-netdev runs the actions. */
    OFFLOAD_FP_WAITING,         /* The NIC has no room: in software until
                                 * it has. */
    OFFLOAD_FP_EVICTED,         /* Taken out of the NIC by a device reset:
                                 * in software until it is back. */
    OFFLOAD_FP_REFUSED,         /* The NIC cannot run it: in software. */
    OFFLOAD_FP_N_STATES
};


extern struct ovs_mutex offload_fp_mutex; /* Its rules: see below. */

/* The NIC rule that a flow keeps (struct fp_rule is the better part of a
 * kilobyte: two 128-byte keys and room for FP_MAX_ACTIONS actions), in
 * few bytes: the 32-bit words of the rule's key under the words of its mask
 * that are not zero, and a shape that it shares with the rules of the same
 * mask, priority and actions (struct offload_fp_shape).  Megaflows come in
 * large groups with one mask and the same actions (every megaflow of a port
 * that outputs to one port), so that a flow pays for its key words and the
 * 32-bit id of its shape: 20 bytes for a key of four words (24 with a
 * pointer to the shape, which made the rule's alignment 8), where a copy
 * of its own of the mask and actions took 80.  A PARTIAL flow's first
 * action, a mark, has the flow's own mark, which would make its shape its
 * own: the shape has that mark zeroed, and the rule keeps it after its key
 * words.
 * offload_fp_rule_expand() makes a struct fp_rule of it. */
#define OFFLOAD_FP_KEY_WORDS (sizeof(struct fp_key) / sizeof(uint32_t))
BUILD_ASSERT_DECL(OFFLOAD_FP_KEY_WORDS <= 32);

/* A set of the 32-bit words of struct fp_key (bit i: word i) that has them
 * all: see offload_fp_rule_dup_words(). */
#define OFFLOAD_FP_ALL_WORDS                                            \
    (UINT32_MAX >> (32 - OFFLOAD_FP_KEY_WORDS))
struct offload_fp_shape {
    struct hmap_node node;      /* In 'offload_fp_shapes'. */
    uint32_t id;                /* In 'offload_fp_shape_by_id'. */
    uint32_t refcnt;            /* Rules that have it. */
    uint32_t map;               /* Bit i: mask word i is not zero. */
    uint32_t priority;
    uint8_t n_words;            /* Bits in 'map'. */
    uint8_t n_actions;
    bool has_mark;              /* The first action is FP_ACTION_MARK: its
                                 * mark is zero here and in the rule. */
    /* Then the 'n_words' mask words, then 'n_actions' struct fp_action. */
    uint32_t words[];
};

struct offload_fp_rule {
    uint32_t shape_id;          /* See offload_fp_rule_shape(). */
    /* Then the shape's 'n_words' key words, then the mark if its
     * 'has_mark'. */
    uint32_t words[];
};

/* The shapes by id, for offload_fp_rule_shape(). */
extern struct offload_fp_shape **offload_fp_shape_by_id
    OVS_GUARDED_BY(offload_fp_mutex);

/* Returns the shape of 'rule'. */
static inline const struct offload_fp_shape *
offload_fp_rule_shape(const struct offload_fp_rule *rule)
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    return offload_fp_shape_by_id[rule->shape_id];
}

/* Returns the number of actions of 'rule'. */
static inline size_t
offload_fp_rule_n_actions(const struct offload_fp_rule *rule)
{
    return offload_fp_rule_shape(rule)->n_actions;
}

/* Returns the actions of 'rule', a first FP_ACTION_MARK with its mark zeroed
 * (offload_fp_rule_expand() gives the mark). */
static inline const struct fp_action *
offload_fp_rule_actions(const struct offload_fp_rule *rule)
{
    const struct offload_fp_shape *shape = offload_fp_rule_shape(rule);

    return (const struct fp_action *) &shape->words[shape->n_words];
}

struct offload_fp_rule *offload_fp_rule_dup(const struct fp_rule *)
    OVS_REQUIRES(offload_fp_mutex);
struct offload_fp_rule *offload_fp_rule_dup_words(const struct fp_rule *,
                                                  uint32_t words)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_rule_free(struct offload_fp_rule *)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_rule_expand(const struct offload_fp_rule *, struct fp_rule *);
size_t offload_fp_n_shapes(void)
    OVS_REQUIRES(offload_fp_mutex);

/* What the NIC rule of a megaflow does not keep of its match, which gives
 * the match back with the rule (offload_fp_match_from_rule()): every other
 * field of the match is a field of the NIC key, its bytes under the mask as
 * they are (see netdev-offload-fp-translate.c).  8 bytes. */
struct offload_fp_match_rest {
    odp_port_t in_port;         /* The datapath in_port (the rule has the
                                 * NIC port). */
    bool skb_priority:1;        /* The mask has skb_priority: matches 0. */
    bool packet_type:1;         /* The mask has packet_type: Ethernet. */
    bool exact:1;               /* The rule and the above give the match
                                 * back: the in_port's mask is exact, those
                                 * of skb_priority and packet_type all ones
                                 * or zeros, and nothing else was left. */
};

void offload_fp_match_from_rule(const struct fp_rule *,
                                const struct offload_fp_match_rest *,
                                struct match *);

/* A datapath flow that dpif-netdev handed us, whatever its verdict.
 *
 * Every flow_put() that finds a bound input port is answered with success,
 * whatever the verdict, so that dpif-netdev tells us with flow_del() when
 * the flow goes: a flow that waits for room must not get into the NIC
 * after it is gone.
 *
 * The record has what flow_get() and a plainly offloaded flow need, in 88
 * bytes, carved from slabs (see netdev-offload-fp-record.c); what only a
 * flow that is not plainly offloaded needs (its reasons, the counters of
 * its old rules, its misses) is in a side block, allocated when the
 * flow first needs it (offload_fp_flow_side()); what a flow watched on the exception path
 * needs is in a watch block of the side block (struct offload_fp_watch).
 *
 * A statistics pass (flow_get() of every flow, as a revalidator makes it)
 * misses the cache on every record, so what flow_get() of an offloaded
 * flow reads is in the record's first 64 bytes, or in the side block for a
 * flow that had NIC rules before ('has_base').  (Allocating records on a
 * cache line, with xzalloc_cacheline(), made the benchmark's pass slower,
 * not faster: 50 ms against 13 ms at 200K flows.)
 *
 * The match.  fp/explain finds the flow of a datapath flow by its
 * megaflow's match (the ufid of a datapath flow is not the one that
 * dpif-netdev offloads it under), the log names the flow by it, and a flow
 * that leaves the NIC (a reset, an eviction by a meter, an unplugged VF)
 * needs it to be watched on the exception path.  A flow with a NIC rule
 * does not keep it twice: the rule has every field of it but the few that
 * 'rest' keeps, so offload_fp_flow_match() rebuilds it from the two
 * (offload_fp_match_from_rule()), with the bits that its mask does not
 * cover zeroed, as dpif-netdev's classifier has it.  A flow keeps its match
 * as a minimatch in the side block's 'match' (two heap blocks: the struct
 * and its miniflows) only when the rule cannot give it back: REFUSED (which
 * has a side block for its reason anyway), or a match that the translation
 * did not take whole ('rest.exact'), or once its rule goes or changes to
 * that of another match (offload_fp_flow_set_rule()), as the match stays
 * that of the first put: rare enough that a pointer to it in every record
 * cost more than a side block for the flows that have one.  The classifier rule, with the NIC
 * port as its in_port, exists only in the watch block, while the flow is
 * watched. */
struct offload_fp_flow {
    /* What flow_get() reads: within the first 64 bytes. */
    struct hmap_node node;      /* In 'offload_fp_flows': its hash is the
                                 * ufid's first word (see
                                 * offload_fp_flow_ufid()). */
    uint32_t ufid_words[3];     /* The ufid's other three words. */
    uint32_t rule_id;           /* In 'dev', if OFFLOADED or PARTIAL. */
    struct fp_device *dev;
    enum offload_fp_state state:3;
    unsigned int thread:4;      /* dpif-netdev's offload thread that put
                                 * it (netdev_offload_thread_id(); OVS 3.1
                                 * has at most 10). */
    bool has_base:1;            /* 'side->base' may be other than zero. */
    bool ufid_shared:1;         /* Put with two different matches: two
                                 * megaflows share the ufid, so it stays in
                                 * software (REFUSED) until flow_del() (see
                                 * netdev_offload_fp_flow_put()). */
    bool missing:1;             /* The NIC missed packets of it. */
    bool settled:1;             /* A pass of netdev_offload_fp_run() saw it
                                 * offloaded since its rule last went into
                                 * the NIC: the next may arm it. */

    /* Its struct offload_fp_match_rest, with the NIC rule, unless the side
     * block has the match: a member of that struct would take 8 bytes,
     * these take 4 and 3 bits (see offload_fp_flow_rest()). */
    bool rest_skb_priority:1;
    bool rest_packet_type:1;
    bool rest_exact:1;
    uint16_t last_tcp_flags;
    odp_port_t rest_in_port;

    /* Counters never go backwards: 'side->base' has those of the NIC rules
     * this flow had before ('has_base' says whether there were any), the
     * 'last_*' members the last read of the current rule's (a struct
     * fp_rule_stats without its padding), which flow_get() writes only
     * when they moved: 'last_packets' is in the first cache line. */
    uint64_t last_packets;
    uint64_t last_bytes;
    long long int last_used;

    const struct netdev *netdev;/* The in_port netdev; a key, no ref. */

    /* The compact NIC rule (struct offload_fp_rule), to put it back into
     * the NIC (WAITING, EVICTED) or after a reset, NULL if REFUSED, or,
     * once the flow has a side block, that block with its low bit set: the
     * side block then has the compact rule ('rule' in struct
     * offload_fp_flow_side).  Few flows have a side block, so that one
     * pointer for both saves 8 bytes of every record.  A flow watched on
     * the exception path that needs nothing else of a side block (an
     * offloaded flow armed for misses) has none: this is then its watch
     * block with bit 1 set, which has the compact rule ('rule' in struct
     * offload_fp_watch).  Read them with offload_fp_flow_crule(),
     * offload_fp_flow_get_side() and offload_fp_flow_watch(); expanded,
     * the rule is offload_fp_flow_rule()'s.  A PARTIAL flow's first action
     * has the mark. */
    uintptr_t rule_or_side;
};

/* Packets of a flow that came up the exception path, while it is watched
 * in 'exception_cls', are counted in 'sw_packets' (see
 * netdev_offload_fp_count_exception()):
 *
 *   - While WAITING or EVICTED ('waits'), netdev_offload_fp_run() turns
 *     them into a software packet rate, to choose which flows get room
 *     first.
 *
 *   - While OFFLOADED and armed, they are packets that the NIC missed
 *     although it has the flow's rule: netdev_offload_fp_run() reports
 *     them ('missing', 'n_missed'), so that a verdict of "offloaded" never
 *     hides a rule that the NIC does not hit.  At most
 *     netdev_offload_fp_watch_max() offloaded flows are armed at once, each
 *     for a window of a few seconds when more wait for their turn (see
 *     offload_fp_flow_check_misses()): the watch costs a bounded amount of
 *     memory, not a classifier rule per offloaded flow.
 *
 * Freed with ovsrcu_postpone(), as readers of 'exception_cls' see it. */
struct offload_fp_watch {
    struct offload_fp_rule *rule;   /* The flow's compact rule, if the flow
                                     * has no side block (see
                                     * 'rule_or_side' in the record). */
    struct cls_rule cr;         /* The megaflow's match, but for its
                                 * in_port, which is the NIC port of the
                                 * flow's netdev (that of its NIC rule). */
    const struct fp_device *dev;/* The flow's NIC. */
    atomic_uint64_t sw_packets;
    /* Of 'sw_packets', those that a NIC handed over after a recirculation,
     * to resume at the flow's stage: for an offloaded flow, no miss (the
     * NIC stopped before the flow's stage, at its depth limit). */
    atomic_uint64_t sw_resumed;
    uint64_t sw_packets_seen;   /* 'sw_packets' when it went into
                                 * 'exception_cls', changed role there or,
                                 * when armed, last looked at. */
    uint64_t sw_resumed_seen;   /* 'sw_resumed' with 'sw_packets_seen'. */
    long long int since;        /* When it went into 'exception_cls' or
                                 * changed role there. */
    bool waits;                 /* In it as a waiting flow, else armed. */
};

/* What only a flow that is not plainly offloaded needs. */
struct offload_fp_flow_side {
    struct offload_fp_rule *rule;   /* See 'rule_or_side' in the record. */
    struct fp_rule_stats base;  /* See 'has_base' in the record. */
    char *reason;               /* Why it is not (fully) in the NIC. */
    char *partial_reason;       /* Why it is partial, if its verdict is:
                                 * 'reason' again once it is back in the
                                 * NIC after waiting or an eviction. */
    struct offload_fp_watch *watch; /* In 'exception_cls', or NULL. */
    uint64_t n_missed;          /* Packets that the NIC missed, since its
                                 * rule last went in. */
    bool vf_unplugged;          /* WAITING or EVICTED because its rule uses
                                 * a VF that is unplugged. */
    struct minimatch *match;    /* The megaflow's match, or NULL if the
                                 * compact rule and the record's 'rest'
                                 * give it: see struct offload_fp_flow. */
};

/* The tags of 'rule_or_side' in struct offload_fp_flow: what it points to
 * besides the compact rule (compact rules, side and watch blocks are
 * aligned on at least 4 bytes). */
#define OFFLOAD_FP_TAG_SIDE 1
#define OFFLOAD_FP_TAG_WATCH 2
#define OFFLOAD_FP_TAGS 3

/* Returns the side block of 'flow', or NULL if it has none (see
 * 'rule_or_side' in struct offload_fp_flow). */
static inline struct offload_fp_flow_side *
offload_fp_flow_get_side(const struct offload_fp_flow *flow)
{
    return ((flow->rule_or_side & OFFLOAD_FP_TAGS) == OFFLOAD_FP_TAG_SIDE
            ? (struct offload_fp_flow_side *) (flow->rule_or_side
                                               - OFFLOAD_FP_TAG_SIDE)
            : NULL);
}

/* Returns the watch block that 'flow' points to without a side block, or
 * NULL if it has none (see 'rule_or_side' in struct offload_fp_flow). */
static inline struct offload_fp_watch *
offload_fp_flow_own_watch(const struct offload_fp_flow *flow)
{
    return ((flow->rule_or_side & OFFLOAD_FP_TAGS) == OFFLOAD_FP_TAG_WATCH
            ? (struct offload_fp_watch *) (flow->rule_or_side
                                           - OFFLOAD_FP_TAG_WATCH)
            : NULL);
}

/* Returns the watch block of 'flow', or NULL if it is not watched. */
static inline struct offload_fp_watch *
offload_fp_flow_watch(const struct offload_fp_flow *flow)
{
    const struct offload_fp_flow_side *side = offload_fp_flow_get_side(flow);

    return side ? side->watch : offload_fp_flow_own_watch(flow);
}

/* Returns true if 'flow' is watched on the exception path, as a waiting
 * flow if 'waits', else armed. */
static inline bool
offload_fp_flow_watched(const struct offload_fp_flow *flow, bool waits)
{
    return (offload_fp_flow_watch(flow)
            && offload_fp_flow_watch(flow)->waits == waits);
}

/* Returns the compact NIC rule of 'flow', or NULL if it has none
 * (REFUSED). */
static inline struct offload_fp_rule *
offload_fp_flow_crule(const struct offload_fp_flow *flow)
{
    const struct offload_fp_flow_side *side = offload_fp_flow_get_side(flow);
    const struct offload_fp_watch *watch = offload_fp_flow_own_watch(flow);

    return (side ? side->rule
            : watch ? watch->rule
            : (struct offload_fp_rule *) flow->rule_or_side);
}

/* Returns the ufid of 'flow', which is in 'offload_fp_flows' (see
 * offload_fp_flow_insert()). */
static inline ovs_u128
offload_fp_flow_ufid(const struct offload_fp_flow *flow)
{
    ovs_u128 ufid;

    ufid.u32[0] = flow->node.hash;
    memcpy(&ufid.u32[1], flow->ufid_words, sizeof flow->ufid_words);
    return ufid;
}

/* An OpenFlow meter, by datapath meter id (see netdev-offload-fp-meter.c).
 * A meter is one set of buckets: it is in at most one NIC, its owner,
 * whose meter also meters the packets that dpif-netdev meters. */
struct offload_fp_meter {
    struct hmap_node node;      /* In 'offload_fp_meters'. */
    uint32_t id;                /* Datapath meter id, also the NIC's. */
    bool runnable;              /* 'nic' is set: the NICs can run it. */
    struct fp_meter_config nic; /* The NIC meter, if 'runnable'. */
    struct fp_device *dev;      /* The NIC that holds it, or NULL. */
    char *reason;               /* Why no NIC holds it, or NULL. */

    /* The NICs' counters, which never go backwards (except when OpenFlow
     * modifies the meter, which starts them from zero, as dpif-netdev
     * does): 'acc' has what NICs counted before a reset or a move, 'base'
     * the counters of 'dev' when the meter was last modified, 'last' the
     * last read of them. */
    struct fp_meter_stats acc;
    struct fp_meter_stats base;
    struct fp_meter_stats last;
};

/* The verdict on a flow: its state, the NIC rule it gets (for OFFLOADED
 * and PARTIAL) and the reason it is not fully offloaded (for the others,
 * to be freed by the caller). */
struct offload_fp_verdict {
    enum offload_fp_state state;
    struct fp_rule rule;
    struct offload_fp_match_rest rest; /* Unless REFUSED. */
    uint32_t words;             /* Unless REFUSED: the words of 'rule.mask'
                                 * that may be nonzero (bit i: word i), a
                                 * superset of those that are, for
                                 * offload_fp_rule_dup_words(). */
    char *reason;
};

extern const char *const offload_fp_state_names[OFFLOAD_FP_N_STATES];

/* True if netdev_offload_fp_decide() checks a match with AVX2 (the CPU has
 * it).  Set once at start-up; a unit test clears it. */
extern bool offload_fp_avx2;

/* 'offload_fp_mutex' guards the flow records, the meters and the figures
 * of the flow API.  It is taken by RCU threads: dpif-netdev's offload
 * thread (flow_put, flow_del), its revalidator and handler threads
 * (flow_get), ovs-vswitchd's main thread (meters, netdev_offload_fp_run(),
 * fp/ commands, reset listeners) and OVS's RCU thread (ofproto-dpif
 * deletes meters from the datapath in an ovsrcu_postpone() callback, so
 * netdev_offload_fp_meter_del() runs there).  A thread blocked on it is
 * not quiescent, so whoever holds it must never wait for an RCU grace
 * period: no ovsrcu_synchronize(), ovsrcu_barrier() or fp_device_destroy()
 * under it, and no fp_*() call whose driver waits for one (the drivers'
 * rule: see fp-provider.h; the model's: fp-model-private.h); free what RCU
 * readers use with ovsrcu_postpone().  Waiting for a NIC's packet engines
 * (an fp_*() call that returns once they are done with a rule) is allowed:
 * they never take this mutex.  fp_device_reset() is called without it,
 * because the reset listeners take it. */
extern struct ovs_mutex offload_fp_mutex;
extern struct hmap offload_fp_flows OVS_GUARDED_BY(offload_fp_mutex);
extern struct netdev_offload_fp_stats offload_fp_stats
    OVS_GUARDED_BY(offload_fp_mutex);
extern struct shash offload_fp_reasons OVS_GUARDED_BY(offload_fp_mutex);
void offload_fp_count_reason(const char *reason)
    OVS_REQUIRES(offload_fp_mutex);

struct offload_fp_flow *offload_fp_flow_find(const ovs_u128 *ufid)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_flow_prefetch(const ovs_u128 *ufid);
void offload_fp_flow_insert(struct offload_fp_flow *, const ovs_u128 *ufid,
                            const struct fp_device *)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_flow_remove(struct offload_fp_flow *)
    OVS_REQUIRES(offload_fp_mutex);
const struct fp_rule *offload_fp_flow_rule(const struct offload_fp_flow *,
                                           struct fp_rule *);
void offload_fp_flow_match(const struct offload_fp_flow *, struct match *);
uint32_t offload_fp_flow_recirc_id(const struct offload_fp_flow *);
void offload_fp_flow_init_match(struct offload_fp_flow *,
                                const struct match *,
                                const struct offload_fp_verdict *)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_flow_set_rule(struct offload_fp_flow *,
                              const struct fp_rule *,
                              const struct offload_fp_match_rest *,
                              uint32_t words)
    OVS_REQUIRES(offload_fp_mutex);

/* Returns why 'flow' is not (fully) in the NIC, or NULL if it is. */
static inline const char *
offload_fp_flow_reason(const struct offload_fp_flow *flow)
{
    const struct offload_fp_flow_side *side = offload_fp_flow_get_side(flow);

    return side ? side->reason : NULL;
}

uint64_t offload_fp_flow_n_missed(const struct offload_fp_flow *);
bool offload_fp_flow_vf_unplugged(const struct offload_fp_flow *);
struct offload_fp_flow_side *offload_fp_flow_side(struct offload_fp_flow *)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_flow_trim_side(struct offload_fp_flow *)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_flow_set_watch(struct offload_fp_flow *,
                               struct offload_fp_watch *)
    OVS_REQUIRES(offload_fp_mutex);
struct offload_fp_flow *offload_fp_flow_alloc(void)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_flow_free(struct offload_fp_flow *)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_stats_add(struct fp_rule_stats *sum,
                          const struct fp_rule_stats *);
struct fp_rule_stats offload_fp_flow_last(const struct offload_fp_flow *);

/* Stores 'last' as the last read of the counters of the current NIC rule
 * of 'flow'. */
static inline void
offload_fp_flow_set_last(struct offload_fp_flow *flow,
                         const struct fp_rule_stats *last)
{
    flow->last_packets = last->n_packets;
    flow->last_bytes = last->n_bytes;
    flow->last_used = last->used;
    flow->last_tcp_flags = last->tcp_flags;
}

void offload_fp_flow_add_base(struct offload_fp_flow *,
                              const struct fp_rule_stats *)
    OVS_REQUIRES(offload_fp_mutex);
struct fp_rule_stats offload_fp_flow_base(const struct offload_fp_flow *);

/* Sets the reason of 'flow' to 'reason' (NULL, or a string that 'flow'
 * takes).  Inline, as the next three, for flow_put(), which calls them for
 * every flow. */
static inline void
offload_fp_flow_set_reason(struct offload_fp_flow *flow, char *reason)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (reason || offload_fp_flow_get_side(flow)) {
        struct offload_fp_flow_side *side = offload_fp_flow_side(flow);

        free(side->reason);
        side->reason = reason;
    }
}

/* Sets whether 'flow' waits because its rule uses an unplugged VF. */
static inline void
offload_fp_flow_set_vf_unplugged(struct offload_fp_flow *flow,
                                 bool unplugged)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (unplugged || offload_fp_flow_get_side(flow)) {
        offload_fp_flow_side(flow)->vf_unplugged = unplugged;
    }
}

struct offload_fp_meter *offload_fp_meter_find(uint32_t id)
    OVS_REQUIRES(offload_fp_mutex);
bool offload_fp_meter_check(uint32_t id, const struct fp_device *,
                            char **reasonp);
char *offload_fp_meter_missing(const struct fp_rule *,
                               const struct fp_device *)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_meter_run(void)
    OVS_REQUIRES(offload_fp_mutex);
void offload_fp_evict_meter_users(struct fp_device *, uint32_t meter_id)
    OVS_REQUIRES(offload_fp_mutex);
void netdev_offload_fp_names_run(void);
void netdev_offload_fp_dp_types(struct sset *types);
void netdev_offload_fp_format_port(const char *dpif_type, odp_port_t,
                                   struct ds *);
bool offload_fp_rule_uses_port(const struct fp_rule *, uint32_t port);
bool offload_fp_vf_unplugged__(const struct fp_rule *,
                               const struct fp_device *, char **reasonp);

/* Returns true if 'rule' of 'dev' matches on or sends to a VF of 'dev' that
 * is unplugged, and then stores in '*reasonp', if nonnull, a reason to
 * free ("vf1 of fp0 is unplugged").  Otherwise stores NULL there.  Inline:
 * while no VF was ever unplugged, as in most deployments, a put pays a
 * load, not a call (24 instructions). */
static inline bool
offload_fp_vf_unplugged(const struct fp_rule *rule,
                        const struct fp_device *dev, char **reasonp)
{
    if (!fp_port_vf_maybe_unplugged(dev)) {
        if (reasonp) {
            *reasonp = NULL;
        }
        return false;
    }
    return offload_fp_vf_unplugged__(rule, dev, reasonp);
}
size_t offload_fp_vf_changed(struct fp_device *, uint32_t port,
                             bool unplugged);
uint64_t offload_fp_n_resumed(void);
int netdev_offload_fp_hw_miss_packet_recover(struct netdev *,
                                             struct dp_packet *);
void offload_fp_ports_changed(void);
void netdev_offload_fp_decide(const struct netdev *, struct fp_device *,
                              uint32_t port, const struct match *,
                              const struct nlattr *actions,
                              size_t actions_len, uint32_t mark,
                              struct offload_fp_verdict *);

/* Claimed "dpdk" netdevs (netdev-offload-fp-dpdk.c). */
int netdev_offload_fp_dpdk_init(struct netdev *);
void netdev_offload_fp_dpdk_uninit(struct netdev *);
void offload_fp_device_gone(struct fp_device *);
void offload_fp_meter_device_gone(struct fp_device *)
    OVS_REQUIRES(offload_fp_mutex);

/* fp/hold-deletes (netdev-offload-fp-hold.c). */
void netdev_offload_fp_hold_wait(void);

/* Coverage counters of the flow API (netdev-offload-fp-coverage.c).
 * dpif-netdev's offload threads, which call the flow API, never run
 * coverage_clear(), so what they counted with COVERAGE_INC() would never
 * reach coverage/show.  So every thread counts these with
 * OFFLOAD_FP_COVERAGE_INC() in 'offload_fp_coverage', and the main thread
 * moves the counts into the coverage counters (offload_fp_coverage_run()),
 * at most a second of OVS's clock later. */
#define OFFLOAD_FP_COVERAGE                     \
    OFFLOAD_FP_COUNTER(fp_offload_add)          \
    OFFLOAD_FP_COUNTER(fp_offload_modify)       \
    OFFLOAD_FP_COUNTER(fp_offload_del)          \
    OFFLOAD_FP_COUNTER(fp_offload_partial)      \
    OFFLOAD_FP_COUNTER(fp_offload_refused)      \
    OFFLOAD_FP_COUNTER(fp_offload_waiting)      \
    OFFLOAD_FP_COUNTER(fp_offload_evicted)      \
    OFFLOAD_FP_COUNTER(fp_offload_reoffload)    \
    OFFLOAD_FP_COUNTER(fp_offload_ufid_shared)  \
    OFFLOAD_FP_COUNTER(fp_offload_missing)      \
    OFFLOAD_FP_COUNTER(fp_offload_del_retried)

enum offload_fp_counter {
#define OFFLOAD_FP_COUNTER(NAME) OFFLOAD_FP_##NAME,
    OFFLOAD_FP_COVERAGE
#undef OFFLOAD_FP_COUNTER
    OFFLOAD_FP_N_COUNTERS
};

extern atomic_uint64_t offload_fp_coverage[OFFLOAD_FP_N_COUNTERS];

#define OFFLOAD_FP_COVERAGE_INC(NAME)                               \
    do {                                                            \
        uint64_t orig_;                                             \
                                                                    \
        atomic_add_relaxed(&offload_fp_coverage[OFFLOAD_FP_##NAME], \
                           1, &orig_);                              \
    } while (0)

void offload_fp_coverage_run(void);

#endif /* netdev-offload-fp-private.h */
