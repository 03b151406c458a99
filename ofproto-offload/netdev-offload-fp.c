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
#include <stddef.h>
#include <string.h>

#include "classifier.h"
#include "dp-packet.h"
#include "dpif.h"
#include "flow.h"
#include "fp/fp.h"
#include "fp-slab.h"
#include "hash.h"
#include "netdev-fp.h"
#include "netdev-offload-provider.h"
#include "netdev-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovs-offload.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "packets.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_offload_fp);

/* "Cannot offload" is normal operation: debug level, rate-limited. */
static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(100, 100);

BUILD_ASSERT_DECL(OFFLOAD_FP_N_STATES
                  == ARRAY_SIZE(((struct netdev_offload_fp_stats *) NULL)
                                ->n_state));
const char *const offload_fp_state_names[OFFLOAD_FP_N_STATES] = {
    [OFFLOAD_FP_OFFLOADED] = "offloaded",
    [OFFLOAD_FP_PARTIAL] = "partial",
    [OFFLOAD_FP_WAITING] = "waiting",
    [OFFLOAD_FP_EVICTED] = "evicted",
    [OFFLOAD_FP_REFUSED] = "refused",
};

/* How often ovs-vswitchd's main thread looks for room for the flows that
 * wait for it, in ms. */
#define OFFLOAD_FP_RETRY_INTERVAL 1000

/* The matches of the flows that wait for room and of the offloaded flows
 * whose misses are counted, to count their packets on the exception path
 * (see struct offload_fp_flow).  Readers (the threads that receive
 * exception packets) use RCU; writers hold 'offload_fp_mutex'. */
static struct classifier exception_cls;
static atomic_count n_watched = ATOMIC_COUNT_INIT(0);

#define OFFLOAD_FP_WATCH_MAX_DEFAULT 4096
#define OFFLOAD_FP_WATCH_WINDOW (10 * OFFLOAD_FP_RETRY_INTERVAL)
static size_t offload_fp_watch_max OVS_GUARDED_BY(offload_fp_mutex)
    = OFFLOAD_FP_WATCH_MAX_DEFAULT;
static size_t offload_fp_n_armed OVS_GUARDED_BY(offload_fp_mutex);

/* True if, at the last pass of netdev_offload_fp_run(), offloaded flows
 * waited for a place in the watch. */
static bool offload_fp_watch_crowded OVS_GUARDED_BY(offload_fp_mutex);


/* Adaptive: every flow_put() and flow_get() takes it (see fp_model's
 * 'ctl_mutex'). */
struct ovs_mutex offload_fp_mutex = OVS_ADAPTIVE_MUTEX_INITIALIZER;
struct hmap offload_fp_flows OVS_GUARDED_BY(offload_fp_mutex)
    = HMAP_INITIALIZER(&offload_fp_flows);
struct netdev_offload_fp_stats offload_fp_stats
    OVS_GUARDED_BY(offload_fp_mutex);

/* Devices on which we listen for resets. */
static struct shash offload_fp_devices OVS_GUARDED_BY(offload_fp_mutex)
    = SHASH_INITIALIZER(&offload_fp_devices);

static void offload_fp_device_reset_cb(struct fp_device *, void *aux);

struct offload_fp_flow *
offload_fp_flow_find(const ovs_u128 *ufid)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_flow *flow;

    HMAP_FOR_EACH_WITH_HASH (flow, node, ufid->u32[0], &offload_fp_flows) {
        if (ovs_u128_equals(*ufid, offload_fp_flow_ufid(flow))) {
            return flow;
        }
    }
    return NULL;
}

/* The watch blocks' memory: a slab (lib/fp-slab.h) of which
 * 'offload_fp_mutex' is the owner, so that a watch block takes its size,
 * not a malloc() chunk (112 bytes, not 128 with the compact rule's
 * pointer).  The RCU thread frees them (fp_slab_free_remote()). */
static struct fp_slab *offload_fp_watches OVS_GUARDED_BY(offload_fp_mutex);

/* Returns a new watch block, zeroed. */
static struct offload_fp_watch *
offload_fp_watch_alloc(void)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_watch *watch;

    if (!offload_fp_watches) {
        offload_fp_watches = fp_slab_create(sizeof *watch);
    }
    watch = fp_slab_alloc(offload_fp_watches);
    memset(watch, 0, sizeof *watch);
    return watch;
}

/* Frees 'watch' once no reader of 'exception_cls' can see it. */
static void
offload_fp_watch_free(struct offload_fp_watch *watch)
{
    cls_rule_destroy(&watch->cr);
    fp_slab_free_remote(watch);
}

/* offload_fp_flow_update_cls() for a flow that has a side or watch block
 * or is to be watched. */
static void
offload_fp_flow_update_cls__(struct offload_fp_flow *flow, bool armed)
    OVS_REQUIRES(offload_fp_mutex)
{
    bool waits = (flow->state == OFFLOAD_FP_WAITING
                  || flow->state == OFFLOAD_FP_EVICTED);
    bool watched = waits || (flow->state == OFFLOAD_FP_OFFLOADED && armed);
    struct offload_fp_watch *w = offload_fp_flow_watch(flow);

    if (!watched && !w) {
        /* Neither before nor after, as for most puts. */
        if (offload_fp_flow_get_side(flow)) {
            offload_fp_flow_trim_side(flow);
        }
        return;
    }
    offload_fp_n_armed -= w && !w->waits;
    offload_fp_n_armed += watched && !waits;
    if (watched && (!w || w->waits != waits)) {
        if (!w) {
            struct fp_rule rule;
            struct match match;

            /* In 'exception_cls', the in_port is the NIC port, that of the
             * flow's NIC rule (a watched flow has one). */
            ovs_assert(offload_fp_flow_crule(flow));
            offload_fp_rule_expand(offload_fp_flow_crule(flow), &rule);
            w = offload_fp_watch_alloc();
            offload_fp_flow_match(flow, &match);
            match.flow.in_port.odp_port = u32_to_odp(rule.key.in_port);
            cls_rule_init(&w->cr, &match, 0);
            w->dev = flow->dev;
            atomic_init(&w->sw_packets, 0);
            atomic_init(&w->sw_resumed, 0);
            classifier_insert(&exception_cls, &w->cr, OVS_VERSION_MIN,
                              NULL, 0);
            atomic_count_inc(&n_watched);
            offload_fp_flow_set_watch(flow, w);
        }
        w->waits = waits;
        atomic_read_relaxed(&w->sw_packets, &w->sw_packets_seen);
        atomic_read_relaxed(&w->sw_resumed, &w->sw_resumed_seen);
        w->since = time_msec();
    } else if (!watched && w) {
        classifier_remove_assert(&exception_cls, &w->cr);
        atomic_count_dec(&n_watched);
        offload_fp_flow_set_watch(flow, NULL);
        ovsrcu_postpone(offload_fp_watch_free, w);
    }
    offload_fp_flow_trim_side(flow);
}

/* Puts 'flow' into 'exception_cls', or takes it out, as its state says
 * ('armed' says whether an offloaded flow is watched), and starts counting
 * its exception packets anew when its role there changes.  The flow then
 * loses its side block if nothing else than its compact rule and watch
 * block is in it (offload_fp_flow_trim_side()): the caller holds no
 * pointer to it.  Inline for a flow without a side or watch block that is
 * not to be watched, the case of most puts, which has nothing to do (the
 * call cost them 35 instructions). */
static inline void
offload_fp_flow_update_cls(struct offload_fp_flow *flow, bool armed)
    OVS_REQUIRES(offload_fp_mutex)
{
    bool waits = (flow->state == OFFLOAD_FP_WAITING
                  || flow->state == OFFLOAD_FP_EVICTED);

    if (waits || (flow->state == OFFLOAD_FP_OFFLOADED && armed)
        || flow->rule_or_side & OFFLOAD_FP_TAGS) {
        offload_fp_flow_update_cls__(flow, armed);
    }
}

/* Counts 'packet', which came up the exception path of NIC port 'port' of
 * 'dev' without a mark, for the flow it belongs to in 'exception_cls', if
 * any: a waiting flow, or an offloaded one that the NIC should have hit.
 * Called by the threads that receive from "fp" netdevs, for every such
 * packet: cheap when no flow is watched.  (In 'exception_cls', a flow's
 * in_port is its NIC port.)  A packet that the NIC handed over after a
 * recirculation has its recirc_id and dp_hash in its metadata: it counts
 * for a flow of that stage, and is no miss of an offloaded one (see
 * 'sw_resumed'). */
void
netdev_offload_fp_count_exception(const struct fp_device *dev, uint32_t port,
                                  const struct dp_packet *packet)
{
    const struct cls_rule *cr;
    struct flow flow;

    if (!atomic_count_get(&n_watched)) {
        return;
    }
    flow_extract(CONST_CAST(struct dp_packet *, packet), &flow);
    flow.in_port.odp_port = u32_to_odp(port);
    cr = classifier_lookup(&exception_cls, OVS_VERSION_MAX, &flow, NULL);
    if (cr) {
        struct offload_fp_watch *w = CONTAINER_OF(cr, struct offload_fp_watch,
                                                  cr);
        uint64_t orig;

        if (w->dev == dev) {
            atomic_add_relaxed(&w->sw_packets, 1, &orig);
            if (packet->md.recirc_id) {
                atomic_add_relaxed(&w->sw_resumed, 1, &orig);
            }
        }
    }
}

/* Applying verdicts to the NIC. */

/* Reads the counters of the current NIC rule of 'flow' into its 'last_*'
 * and returns its total: 'base' plus 'last'.  The NIC's counters of a
 * partially offloaded flow are not reported: dpif-netdev counts those
 * packets itself.
 *
 * A statistics pass calls this for every flow: for an offloaded flow whose
 * counters did not move and that had no NIC rule before, it reads only the
 * first cache line of 'flow' (see struct offload_fp_flow). */
static struct fp_rule_stats
offload_fp_flow_stats(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct fp_rule_stats total;

    if (flow->state != OFFLOAD_FP_OFFLOADED) {
        /* A flow whose ufid is shared (never OFFLOADED): the NIC's counts
         * belong to one of the megaflows that share the ufid, and
         * flow_get() cannot tell which one asks. */
        if (flow->ufid_shared) {
            memset(&total, 0, sizeof total);
            return total;
        }
        return offload_fp_flow_base(flow);
    }

    if (fp_rule_get_stats(flow->dev, flow->rule_id, &total)) {
        total = offload_fp_flow_last(flow);
    } else if (total.n_packets != flow->last_packets) {
        /* 'used' and 'tcp_flags' move only with 'n_packets'. */
        offload_fp_flow_set_last(flow, &total);
    }
    if (flow->has_base) {
        offload_fp_stats_add(&total, &offload_fp_flow_get_side(flow)->base);
    }
    return total;
}

/* NIC rules whose deletion failed: they must not outlive their flows, so
 * netdev_offload_fp_run() retries until they are gone. */
struct offload_fp_zombie {
    struct fp_device *dev;
    uint32_t rule_id;
};
static struct offload_fp_zombie *offload_fp_zombies
    OVS_GUARDED_BY(offload_fp_mutex);
static size_t offload_fp_n_zombies OVS_GUARDED_BY(offload_fp_mutex);
static size_t offload_fp_allocated_zombies OVS_GUARDED_BY(offload_fp_mutex);

/* How many times offload_fp_delete_rule() tries a deletion at once before
 * it falls back on a rule that does no harm. */
#define OFFLOAD_FP_DELETE_TRIES 3

/* Deletes rule 'rule_id', whose match is that of 'rule', from 'dev',
 * storing its final counters in '*final' (zeroed on failure).  With a null
 * 'final' the deletion does not wait for the packets that the device is
 * processing (fp_rule_batch()'s 'no_wait'): they may still run the rule's
 * actions after the return, as packets already in a NIC's pipeline do.
 *
 * A rule that outlived its flow would go on running the flow's old
 * actions, or tagging packets with a mark that dpif-netdev may since have
 * given to another flow, so that dpif-netdev runs that flow's actions on
 * them: packets sent wrong.  So a failed deletion is tried again at once
 * (most failures of a device are transient); if it keeps failing, the rule
 * is modified into one that hands its packets to the host as a miss does,
 * and its deletion is retried later (see struct offload_fp_zombie). */
static void
offload_fp_delete_rule(struct fp_device *dev, uint32_t rule_id,
                       const struct fp_rule *rule, struct fp_rule_stats *final)
    OVS_REQUIRES(offload_fp_mutex)
{
    static struct vlog_rate_limit warn_rl = VLOG_RATE_LIMIT_INIT(1, 5);
    struct fp_rule miss;
    int error = 0;
    int i;

    for (i = 0; i < OFFLOAD_FP_DELETE_TRIES; i++) {
        struct fp_rule_op op = { .type = FP_RULE_OP_DELETE, .id = rule_id,
                                 .no_wait = !final };

        error = fp_rule_batch(dev, &op, 1);
        if (final) {
            *final = op.stats;
        }
        if (!error || error == ENOENT) {
            if (i) {
                OFFLOAD_FP_COVERAGE_INC(fp_offload_del_retried);
            }
            return;
        }
    }

    memcpy(&miss, rule, offsetof(struct fp_rule, actions));
    miss.n_actions = 1;
    memset(&miss.actions[0], 0, sizeof miss.actions[0]);
    miss.actions[0].type = FP_ACTION_EXCEPTION;
    VLOG_WARN_RL(&warn_rl, "%s: deleting rule %"PRIu32" failed (%s); %s, "
                 "and retrying", fp_device_name(dev), rule_id,
                 ovs_strerror(error),
                 (fp_rule_modify(dev, rule_id, &miss)
                  ? "it may still run its old actions"
                  : "its packets go to software meanwhile"));
    if (offload_fp_n_zombies >= offload_fp_allocated_zombies) {
        offload_fp_zombies = x2nrealloc(offload_fp_zombies,
                                        &offload_fp_allocated_zombies,
                                        sizeof *offload_fp_zombies);
    }
    offload_fp_zombies[offload_fp_n_zombies].dev = dev;
    offload_fp_zombies[offload_fp_n_zombies].rule_id = rule_id;
    offload_fp_n_zombies++;
}

/* Takes the NIC rule of 'flow', if any, out of the NIC; its counters go to
 * 'base'.  With 'forget', the caller is about to forget a fully offloaded
 * 'flow' and reads none of its counters: then the rule leaves the NIC
 * without waiting for its final counters (see offload_fp_delete_rule()).
 * A partially offloaded flow's rule always waits, since once flow_del()
 * returns, dpif-netdev may give the flow's mark to another flow. */
static void
offload_fp_flow_uninstall__(struct offload_fp_flow *flow, bool forget)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (flow->state == OFFLOAD_FP_OFFLOADED
        || flow->state == OFFLOAD_FP_PARTIAL) {
        bool no_wait = forget && flow->state == OFFLOAD_FP_OFFLOADED;
        struct fp_rule_stats final = { 0 };
        struct fp_rule rule;

        offload_fp_delete_rule(flow->dev, flow->rule_id,
                               offload_fp_flow_rule(flow, &rule),
                               no_wait ? NULL : &final);
        if (flow->state == OFFLOAD_FP_OFFLOADED && !no_wait) {
            /* The final counters, or the last read if the device failed. */
            struct fp_rule_stats last = offload_fp_flow_last(flow);

            offload_fp_flow_add_base(flow, (final.n_packets >= last.n_packets
                                            ? &final : &last));
        }
        offload_fp_flow_set_last(flow, &(struct fp_rule_stats) { 0 });
        OFFLOAD_FP_COVERAGE_INC(fp_offload_del);
        offload_fp_stats.deleted++;
    }
}

/* Takes the NIC rule of 'flow', if any, out of the NIC; its counters go to
 * 'base'. */
static void
offload_fp_flow_uninstall(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    offload_fp_flow_uninstall__(flow, false);
}

/* Puts the compact rule of 'flow' into the NIC as a new rule.  'full' is
 * that rule whole, if the caller has it (flow_put() has just translated
 * it), or NULL to expand the compact one.  On success, 'flow' gets
 * 'state' (OFFLOADED or PARTIAL).  If the NIC is full, 'flow' waits
 * (WAITING); on another failure of the device, it is refused. */
static void
offload_fp_flow_install(struct offload_fp_flow *flow,
                        enum offload_fp_state state,
                        const struct fp_rule *full)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct fp_rule buf;
    /* The caller's members only: fp_rule_batch() sets the others (zeroing
     * the 128-byte 'reason' too cost 29 instructions a put). */
    struct fp_rule_op op;
    bool was_waiting = (flow->state == OFFLOAD_FP_WAITING
                        || flow->state == OFFLOAD_FP_EVICTED);
    char *reason;
    bool unplugged;

    if (!full) {
        offload_fp_rule_expand(offload_fp_flow_crule(flow), &buf);
        full = &buf;
    }
    op.type = FP_RULE_OP_ADD;
    op.rule = full;
    op.id = 0;
    op.no_wait = false;
    unplugged = offload_fp_vf_unplugged(full, flow->dev, &reason);
    offload_fp_flow_set_vf_unplugged(flow, unplugged);
    if (unplugged) {
        /* A VF of the rule is unplugged: the flow waits until it is back
         * (see netdev-offload-fp-hotplug.c), not a failure either. */
        offload_fp_flow_set_reason(flow, reason);
        if (flow->state != OFFLOAD_FP_EVICTED) {
            flow->state = OFFLOAD_FP_WAITING;
        }
        if (!was_waiting) {
            offload_fp_count_reason(offload_fp_flow_reason(flow));
        }
        offload_fp_flow_update_cls(flow, false);
        return;
    }

    fp_rule_batch(flow->dev, &op, 1);
    if (!op.error) {
        flow->rule_id = op.id;
        flow->state = state;
        flow->settled = false;
        flow->missing = false;
        if (offload_fp_flow_get_side(flow)) {
            offload_fp_flow_get_side(flow)->n_missed = 0;
        }
        offload_fp_flow_set_last(flow, &(struct fp_rule_stats) { 0 });
        OFFLOAD_FP_COVERAGE_INC(fp_offload_add);
        offload_fp_stats.added++;
        offload_fp_flow_update_cls(flow, false);
        return;
    }

    if (op.error == ENOSPC) {
        /* No room: not a failure, the flow waits for room.  Its reason is
         * counted once, when it starts waiting, not on every retry. */
        if (op.reason[0]) {
            /* The driver's own words (e.g. a PMD's, through rte_flow). */
            offload_fp_flow_set_reason(
                flow, xasprintf("%s has no room for the rule: %s",
                                fp_device_name(flow->dev), op.reason));
        } else if (op.full == FP_RES_RULES || op.full == FP_RES_MASKS
            || op.full == FP_RES_COUNTERS) {
            struct fp_device_config cfg;
            struct fp_device_stats st;
            uint32_t used, size;

            fp_device_get_config(flow->dev, &cfg);
            fp_device_get_stats(flow->dev, &st);
            used = (op.full == FP_RES_MASKS ? st.n_masks
                    : op.full == FP_RES_COUNTERS ? st.n_counters
                    : st.n_rules);
            size = (op.full == FP_RES_MASKS ? cfg.n_masks
                    : op.full == FP_RES_COUNTERS ? cfg.n_counters
                    : cfg.n_rules);
            offload_fp_flow_set_reason(
                flow, xasprintf("%s of %s full (%"PRIu32" of %"PRIu32")",
                                fp_resource_name(op.full),
                                fp_device_name(flow->dev), used, size));
        } else {
            /* The device is out of room without saying in which table. */
            offload_fp_flow_set_reason(
                flow, xasprintf("%s has no room for the rule (%s)",
                                fp_device_name(flow->dev),
                                ovs_strerror(op.error)));
        }
        if (flow->state != OFFLOAD_FP_EVICTED) {
            flow->state = OFFLOAD_FP_WAITING;
        }
        OFFLOAD_FP_COVERAGE_INC(fp_offload_waiting);
        if (!was_waiting) {
            offload_fp_count_reason(offload_fp_flow_reason(flow));
        }
    } else if (op.error == ENOENT
               && (reason = offload_fp_meter_missing(full, flow->dev))) {
        /* Its meter is in no NIC now (see netdev-offload-fp-meter.c): the
         * flow waits for it, which is not a failure either. */
        offload_fp_flow_set_reason(flow, reason);
        if (flow->state != OFFLOAD_FP_EVICTED) {
            flow->state = OFFLOAD_FP_WAITING;
        }
        OFFLOAD_FP_COVERAGE_INC(fp_offload_waiting);
        if (!was_waiting) {
            offload_fp_count_reason(offload_fp_flow_reason(flow));
        }
    } else {
        offload_fp_flow_set_reason(
            flow, (op.reason[0]
                   ? xasprintf("refused by the NIC (%s): %s",
                               fp_device_name(flow->dev), op.reason)
                   : xasprintf("%s failed to add the rule (%s)",
                               fp_device_name(flow->dev),
                               ovs_strerror(op.error))));
        flow->state = OFFLOAD_FP_REFUSED;
        offload_fp_flow_set_rule(flow, NULL, NULL, 0);
        /* A driver that says EOPNOTSUPP cannot run the rule (a PMD's
         * refusal): a refusal, as the translation's; anything else is a
         * failure. */
        if (op.error == EOPNOTSUPP) {
            offload_fp_stats.refused++;
        } else {
            offload_fp_stats.failed++;
        }
        offload_fp_count_reason(offload_fp_flow_reason(flow));
    }
    offload_fp_flow_update_cls(flow, false);
}

/* Logs the verdict on 'flow', if it is not fully offloaded. */
/* Appends to 's' how the log names 'flow': the ufid under which
 * dpif-netdev offloaded it, which fp/explain takes and maps to the ufid
 * that dpctl/dump-flows -m prints (that of the datapath flow, another one),
 * then its match. */
static void
offload_fp_flow_format_log(const struct offload_fp_flow *flow, struct ds *s)
    OVS_REQUIRES(offload_fp_mutex)
{
    ovs_u128 ufid = offload_fp_flow_ufid(flow);
    struct match match;

    odp_format_ufid(&ufid, s);
    offload_fp_flow_match(flow, &match);
    ds_put_cstr(s, " (");
    match_format(&match, NULL, s, OFP_DEFAULT_PRIORITY);
    ds_put_char(s, ')');
}

static void
offload_fp_flow_log(const struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    const char *reason = offload_fp_flow_reason(flow);

    if (reason && !VLOG_DROP_DBG(&rl)) {
        struct ds s = DS_EMPTY_INITIALIZER;

        offload_fp_flow_format_log(flow, &s);
        VLOG_DBG("%s: %s %s: %s", netdev_get_name(flow->netdev),
                 ds_cstr(&s),
                 (flow->state == OFFLOAD_FP_PARTIAL ? "partially offloaded"
                  : flow->state == OFFLOAD_FP_WAITING ? "waiting"
                  : "not offloaded"), reason);
        ds_destroy(&s);
    }
}

static void
offload_fp_init(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        classifier_init(&exception_cls, NULL);
        ovsthread_once_done(&once);
    }
}

/* offload_fp_sync_vlan_limit() for a device whose VLAN limit is not
 * 'limit', out of line, so that the check alone saves no registers. */
static void __attribute__((noinline))
offload_fp_sync_vlan_limit__(struct fp_device *dev, unsigned int limit)
{
    int error = fp_device_set_vlan_limit(dev, limit);

    if (error) {
        static struct vlog_rate_limit vlan_rl = VLOG_RATE_LIMIT_INIT(1, 5);
        static struct ovs_mutex told_mutex = OVS_MUTEX_INITIALIZER;
        static struct sset told OVS_GUARDED_BY(told_mutex)
            = SSET_INITIALIZER(&told);
        char *key = xasprintf("%s %u %d", fp_device_name(dev), limit,
                              error);
        bool first;

        /* Once per device, limit and error at level INFO (a NIC that
         * cannot, such as one seen through rte_flow, is told on every
         * flow), then rate-limited at level DBG. */
        ovs_mutex_lock(&told_mutex);
        first = sset_add(&told, key) != NULL;
        ovs_mutex_unlock(&told_mutex);
        free(key);
        if (first || !VLOG_DROP_DBG(&vlan_rl)) {
            VLOG(first ? VLL_INFO : VLL_DBG, "%s: cannot parse %u VLAN tags "
                 "as other_config:vlan-limit says (%s): flows that match "
                 "beyond the first tag stay in software",
                 fp_device_name(dev), limit, ovs_strerror(error));
        }
    } else {
        VLOG_INFO("%s: parses %u VLAN tags, as other_config:vlan-limit says",
                  fp_device_name(dev), limit);
    }
}

/* Makes the parser of 'dev' take as many VLAN tags as OVS's flow_extract()
 * does (other_config:vlan-limit), so that the NIC's keys are those of
 * dpif-netdev.  If the device cannot, netdev_offload_fp_decide() refuses
 * the flows that the difference concerns. */
static inline void
offload_fp_sync_vlan_limit(struct fp_device *dev)
{
    unsigned int limit = flow_vlan_limit;

    if (fp_device_get_vlan_limit(dev) != limit) {
        offload_fp_sync_vlan_limit__(dev, limit);
    }
}

/* The device that offload_fp_watch_device() last saw in
 * 'offload_fp_devices', to skip the lookup by name on the next flow_put()
 * on the same device (150 instructions of each).  Reset by
 * offload_fp_device_gone(), which is called before a device that flows
 * used is destroyed. */
static const struct fp_device *offload_fp_last_watched
    OVS_GUARDED_BY(offload_fp_mutex);

/* Listens for resets of 'dev', once. */
static void
offload_fp_watch_device(struct fp_device *dev)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (dev == offload_fp_last_watched) {
        return;
    }
    if (!shash_find(&offload_fp_devices, fp_device_name(dev))) {
        shash_add(&offload_fp_devices, fp_device_name(dev), dev);
        fp_device_add_listener(dev, offload_fp_device_reset_cb, NULL);
    }
    offload_fp_last_watched = dev;
}

/* Returns true if 'flow', whose in_port is 'netdev', may be the megaflow
 * for which flow_put() brings the verdict 'v'.
 *
 * dpif-netdev hands flow_put() the match of a new megaflow as the upcall
 * made it, and that of a modified one as parsed from its ODP key and mask,
 * which may have more mask bits that do not change which packets match
 * (the mask of the VLAN TCI of untagged packets, the TPID of each VLAN tag
 * the megaflow matches).  So the NIC match of the put may refine that of
 * the rule 'flow' has: the same values under every bit of the rule's mask,
 * and more bits.  A put whose NIC match drops mask bits or changes a value
 * under them is another megaflow (two megaflows with the same masked key
 * and different masks share a ufid in OVS 3.1.0; patches/ovs/0002 corrects
 * that).  Without a rule on either side there are no NIC counters to mix
 * up. */
static bool
offload_fp_flow_is(const struct offload_fp_flow *flow,
                   const struct netdev *netdev,
                   const struct offload_fp_verdict *v)
    OVS_REQUIRES(offload_fp_mutex)
{
    const uint8_t *old_key, *old_mask, *new_key, *new_mask;
    struct fp_rule old;
    size_t i;

    if (flow->netdev != netdev) {
        return false;
    }
    if (!offload_fp_flow_crule(flow) || v->state == OFFLOAD_FP_REFUSED) {
        return true;
    }
    offload_fp_rule_expand(offload_fp_flow_crule(flow), &old);
    old_key = (const uint8_t *) &old.key;
    old_mask = (const uint8_t *) &old.mask;
    new_key = (const uint8_t *) &v->rule.key;
    new_mask = (const uint8_t *) &v->rule.mask;
    for (i = 0; i < sizeof v->rule.key; i++) {
        if (old_mask[i] & ~new_mask[i]
            || (old_key[i] ^ new_key[i]) & old_mask[i]) {
            return false;
        }
    }
    return true;
}

/* Called when flow_put() for 'flow' brings a match other than the one
 * 'flow' has: two megaflows share its ufid.  (OVS 3.1's dpif-netdev derives
 * the ufid from the masked key alone, so two megaflows with the same masked
 * key and different masks share it; patches/ovs/0002 corrects that.)
 * flow_get() and flow_del() cannot tell them apart, so neither may keep a
 * NIC rule or report NIC counters: the rule goes, the flow stays in
 * software until flow_del(). */
static void
offload_fp_flow_set_shared(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    static struct vlog_rate_limit shared_rl = VLOG_RATE_LIMIT_INIT(1, 5);
    struct ds s = DS_EMPTY_INITIALIZER;
    ovs_u128 ufid;

    offload_fp_flow_uninstall(flow);
    offload_fp_flow_set_rule(flow, NULL, NULL, 0);
    flow->ufid_shared = true;
    flow->state = OFFLOAD_FP_REFUSED;
    offload_fp_flow_set_reason(
        flow, xstrdup("ufid shared by megaflows with different matches"));
    offload_fp_stats.refused++;
    offload_fp_count_reason(offload_fp_flow_reason(flow));
    offload_fp_flow_update_cls(flow, false);
    OFFLOAD_FP_COVERAGE_INC(fp_offload_ufid_shared);

    ufid = offload_fp_flow_ufid(flow);
    odp_format_ufid(&ufid, &s);
    VLOG_INFO_RL(&shared_rl, "%s: %s: put with another match than the "
                 "megaflow offloaded under this ufid: two megaflows share "
                 "it, both stay in software", netdev_get_name(flow->netdev),
                 ds_cstr(&s));
    ds_destroy(&s);
}

/* offload_fp_thread_id() of the thread plus 1, or 0 before its first
 * call. */
DEFINE_STATIC_PER_THREAD_DATA(unsigned int, offload_fp_thread_id1, 0);

/* Returns the id of dpif-netdev's offload thread that calls, or 0 for
 * any other thread (a direct caller of the flow API, such as
 * ovs-offload-bench or a unit test): netdev_offload_thread_id() asserts
 * that it runs in an offload thread.  A thread's name and offload id are
 * set when it starts and never change, so each thread finds its id once
 * (the name's comparison was 55 instructions of every flow_put()). */
static unsigned int
offload_fp_thread_id(void)
{
    unsigned int *id1 = offload_fp_thread_id1_get();

    if (OVS_UNLIKELY(!*id1)) {
        unsigned int id = (!strncmp(get_subprogram_name(), "hw_offload", 10)
                           ? netdev_offload_thread_id() : 0);

        /* struct offload_fp_flow keeps it in 4 bits. */
        *id1 = (id < 16 ? id : 0) + 1;
    }
    return *id1 - 1;
}

/* Offloads or modifies the flow 'ufid' whose in_port is 'netdev'.  Called
 * by dpif-netdev's offload threads, with 'info->flow_mark' the mark that
 * dpif-netdev will look for on packets of a partially offloaded flow.
 *
 * A put under the ufid of a flow we have is a modification of that flow
 * (new actions) if its match is the same; with another match, two
 * megaflows share the ufid and neither is offloaded (see
 * offload_fp_flow_set_shared()).
 *
 * Returns EOPNOTSUPP if 'netdev' is not bound to a NIC port.  Otherwise
 * returns 0 whatever the verdict (see struct offload_fp_flow): the verdict
 * shows with fp/explain, the NIC's part in flow_get(). */
static int
netdev_offload_fp_flow_put(struct netdev *netdev, struct match *match,
                           struct nlattr *actions, size_t actions_len,
                           const ovs_u128 *ufid, struct offload_info *info,
                           struct dpif_flow_stats *stats)
{
    struct offload_fp_verdict v;
    struct offload_fp_flow *flow;
    struct fp_device *dev;
    uint32_t port;

    if (!netdev_offload_fp_get_port(netdev, &dev, &port)) {
        return EOPNOTSUPP;
    }
    offload_fp_sync_vlan_limit(dev);
    /* The record's bucket comes in during the translation, the NIC's
     * bucket for the rule during the record's work. */
    offload_fp_flow_prefetch(ufid);
    netdev_offload_fp_decide(netdev, dev, port, match, actions, actions_len,
                             info->flow_mark, &v);
    if (v.state != OFFLOAD_FP_REFUSED) {
        fp_rule_prefetch(dev, &v.rule);
    }

    offload_fp_init();
    ovs_mutex_lock(&offload_fp_mutex);
    offload_fp_watch_device(dev);
    flow = offload_fp_flow_find(ufid);
    if (stats) {
        struct fp_rule_stats before = (flow ? offload_fp_flow_stats(flow)
                                       : (struct fp_rule_stats) { 0 });

        memset(stats, 0, sizeof *stats);
        stats->n_packets = before.n_packets;
        stats->n_bytes = before.n_bytes;
        stats->used = before.used;
        stats->tcp_flags = before.tcp_flags;
    }
    if (flow && (flow->ufid_shared
                 || !offload_fp_flow_is(flow, netdev, &v))) {
        if (!flow->ufid_shared) {
            offload_fp_flow_set_shared(flow);
        }
        goto out;
    }
    if (!flow) {
        flow = offload_fp_flow_alloc();
        flow->state = OFFLOAD_FP_REFUSED;
        offload_fp_flow_init_match(flow, match, &v);
        offload_fp_flow_insert(flow, ufid, dev);
    }
    flow->netdev = netdev;
    flow->thread = offload_fp_thread_id();

    if (flow->dev == dev && flow->state == OFFLOAD_FP_OFFLOADED
        && v.state == OFFLOAD_FP_OFFLOADED
        && !offload_fp_vf_unplugged(&v.rule, dev, NULL)) {
        /* A modification the NIC can run: in place, counters kept. */
        if (!fp_rule_modify(dev, flow->rule_id, &v.rule)) {
            offload_fp_flow_set_rule(flow, &v.rule, &v.rest, v.words);
            offload_fp_stats.modified++;
            OFFLOAD_FP_COVERAGE_INC(fp_offload_modify);
            goto out;
        }
    }

    offload_fp_flow_uninstall(flow);
    flow->dev = dev;
    if (v.state == OFFLOAD_FP_PARTIAL || offload_fp_flow_get_side(flow)) {
        struct offload_fp_flow_side *side = offload_fp_flow_side(flow);

        free(side->partial_reason);
        side->partial_reason = (v.state == OFFLOAD_FP_PARTIAL
                                ? xstrdup(v.reason) : NULL);
    }
    offload_fp_flow_set_reason(flow, v.reason);
    v.reason = NULL;
    if (v.state == OFFLOAD_FP_REFUSED) {
        offload_fp_flow_set_rule(flow, NULL, NULL, 0);
        flow->state = OFFLOAD_FP_REFUSED;
        offload_fp_stats.refused++;
        offload_fp_count_reason(offload_fp_flow_reason(flow));
        OFFLOAD_FP_COVERAGE_INC(fp_offload_refused);
        offload_fp_flow_update_cls(flow, false);
    } else {
        offload_fp_flow_set_rule(flow, &v.rule, &v.rest, v.words);
        if (v.state == OFFLOAD_FP_PARTIAL) {
            offload_fp_stats.partial++;
            offload_fp_count_reason(offload_fp_flow_reason(flow));
            OFFLOAD_FP_COVERAGE_INC(fp_offload_partial);
        }
        flow->state = OFFLOAD_FP_REFUSED;
        offload_fp_flow_install(flow, v.state, &v.rule);  /* Updates cls. */
    }
    offload_fp_flow_log(flow);

out:
    ovs_mutex_unlock(&offload_fp_mutex);
    free(v.reason);
    return 0;
}

/* Reports what the NIC did for flow 'ufid': its packets, bytes, last hit and
 * the OR of its packets' TCP flags (dpif-netdev adds its own counters) and
 * whether it is offloaded.  A
 * partially offloaded flow is reported as "offloaded" with dp layer "ovs"
 * (dpctl shows "offloaded:partial") and without NIC counters.  Returns
 * ENOENT for a flow we never saw. */
static int
netdev_offload_fp_flow_get(struct netdev *netdev OVS_UNUSED,
                           struct match *match OVS_UNUSED,
                           struct nlattr **actions OVS_UNUSED,
                           const ovs_u128 *ufid,
                           struct dpif_flow_stats *stats,
                           struct dpif_flow_attrs *attrs,
                           struct ofpbuf *buf OVS_UNUSED)
{
    struct offload_fp_flow *flow;
    struct fp_rule_stats total;
    enum offload_fp_state state;

    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    if (flow) {
        total = offload_fp_flow_stats(flow);
        state = flow->state;
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    if (!flow) {
        return ENOENT;
    }

    memset(stats, 0, sizeof *stats);
    stats->n_packets = total.n_packets;
    stats->n_bytes = total.n_bytes;
    stats->used = total.used;
    stats->tcp_flags = total.tcp_flags;
    attrs->offloaded = (state == OFFLOAD_FP_OFFLOADED
                        || state == OFFLOAD_FP_PARTIAL);
    attrs->dp_layer = state == OFFLOAD_FP_OFFLOADED ? "fp" : "ovs";
    attrs->dp_extra_info = NULL;
    return 0;
}

/* Takes 'flow' out of the NIC and forgets it.  If 'total' is nonnull,
 * stores there its final counters: those of all its NIC rules (none if its
 * ufid was shared, see offload_fp_flow_stats()).  Otherwise, a fully
 * offloaded flow's rule leaves the NIC without waiting for its final
 * counters (see offload_fp_flow_uninstall__()). */
static void
offload_fp_flow_destroy(struct offload_fp_flow *flow,
                        struct fp_rule_stats *total)
    OVS_REQUIRES(offload_fp_mutex)
{
    offload_fp_flow_uninstall__(flow, !total);
    if (total) {
        *total = (flow->ufid_shared ? (struct fp_rule_stats) { 0 }
                  : offload_fp_flow_base(flow));
    }
    offload_fp_flow_remove(flow);
    flow->state = OFFLOAD_FP_REFUSED;
    offload_fp_flow_update_cls(flow, false);
    offload_fp_flow_free(flow);
}

/* Forgets flow 'ufid', removing its rule from the NIC, and stores its final
 * NIC counters in 'stats', if nonnull.  Returns ENOENT for a flow we never
 * saw.
 *
 * dpif-netdev's revalidators (our patch 0010) delete with 'stats', so
 * that every packet of the rule is counted, and then its offload thread
 * with a null 'stats' (held by fp/hold-deletes), which finds no flow.  A
 * null 'stats' alone (a shared mark, ovs-offload-bench's churn) does not
 * wait for the packets that the engines hold, as in a NIC's pipeline. */
static int
netdev_offload_fp_flow_del(struct netdev *netdev OVS_UNUSED,
                           const ovs_u128 *ufid,
                           struct dpif_flow_stats *stats)
{
    struct offload_fp_flow *flow;
    struct fp_rule_stats total;

    if (!stats) {
        netdev_offload_fp_hold_wait();
    }
    ovs_mutex_lock(&offload_fp_mutex);
    flow = offload_fp_flow_find(ufid);
    if (flow) {
        offload_fp_flow_destroy(flow, stats ? &total : NULL);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    if (!flow) {
        return ENOENT;
    }

    if (stats) {
        memset(stats, 0, sizeof *stats);
        stats->n_packets = total.n_packets;
        stats->n_bytes = total.n_bytes;
        stats->used = total.used;
        stats->tcp_flags = total.tcp_flags;
    }
    return 0;
}

/* Forgets every flow whose in_port is 'netdev', removing their rules from
 * the NIC.  The flows are gathered first: a destruction may shrink the
 * flows' table, and an iteration over a table that was resized under it
 * can skip flows. */
static int
netdev_offload_fp_flow_flush(struct netdev *netdev)
{
    struct offload_fp_flow *flow, **flows;
    size_t i, n = 0;

    ovs_mutex_lock(&offload_fp_mutex);
    flows = xmalloc(MAX(hmap_count(&offload_fp_flows), 1) * sizeof *flows);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        if (flow->netdev == netdev) {
            flows[n++] = flow;
        }
    }
    for (i = 0; i < n; i++) {
        struct fp_rule_stats total;

        offload_fp_flow_destroy(flows[i], &total);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    free(flows);
    return 0;
}

/* Counts the flows in the NIC (fully or partially) whose in_port is
 * 'netdev' into 'n_flows[N]', where N is the offload thread that put each
 * (OVS passes one counter per offload thread, shows each with
 * dpctl/offload-stats-show and adds them up). */
static int
netdev_offload_fp_flow_get_n_flows(struct netdev *netdev, uint64_t *n_flows)
{
    unsigned int n_threads = netdev_offload_thread_nb();
    struct offload_fp_flow *flow;

    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        n_flows[flow->thread < n_threads ? flow->thread : 0]
            += (flow->netdev == netdev
                && (flow->state == OFFLOAD_FP_OFFLOADED
                    || flow->state == OFFLOAD_FP_PARTIAL));
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return 0;
}

/* Called after 'dev' was reset, on the resetting thread: its rules are
 * gone, so the flows that were in it are evicted, with the last counters
 * read kept in their base, until netdev_offload_fp_run() puts them back. */
static void
offload_fp_device_reset_cb(struct fp_device *dev, void *aux OVS_UNUSED)
{
    struct offload_fp_flow *flow;
    size_t i;

    ovs_mutex_lock(&offload_fp_mutex);
    /* The reset took the rules whose deletion failed, and their ids may be
     * reused. */
    for (i = 0; i < offload_fp_n_zombies; ) {
        if (offload_fp_zombies[i].dev == dev) {
            offload_fp_zombies[i] = offload_fp_zombies[--offload_fp_n_zombies];
        } else {
            i++;
        }
    }
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        if (flow->dev == dev && (flow->state == OFFLOAD_FP_OFFLOADED
                                 || flow->state == OFFLOAD_FP_PARTIAL)) {
            struct fp_rule_stats last = offload_fp_flow_last(flow);

            offload_fp_flow_add_base(flow, &last);
            offload_fp_flow_set_last(flow, &(struct fp_rule_stats) { 0 });
            flow->state = OFFLOAD_FP_EVICTED;
            offload_fp_flow_set_reason(
                flow, xasprintf("evicted by a reset of %s",
                                fp_device_name(dev)));
            offload_fp_stats.evicted++;
            offload_fp_flow_update_cls(flow, false);
            OFFLOAD_FP_COVERAGE_INC(fp_offload_evicted);
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    VLOG_INFO("%s: reset; its flows go back into it as room allows",
              fp_device_name(dev));
}

/* Takes out of 'dev' the rules of the offloaded flows that use meter
 * 'meter_id', which leaves 'dev' (see netdev-offload-fp-meter.c), so that
 * no rule meters with a meter that OpenFlow no longer has there: the flows
 * are evicted, their counters kept, and go back when they can. */
void
offload_fp_evict_meter_users(struct fp_device *dev, uint32_t meter_id)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_flow *flow;
    size_t i;

    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        const struct offload_fp_rule *c = offload_fp_flow_crule(flow);

        if (flow->dev != dev || flow->state != OFFLOAD_FP_OFFLOADED || !c) {
            continue;
        }
        for (i = 0; i < offload_fp_rule_n_actions(c); i++) {
            const struct fp_action *a = &offload_fp_rule_actions(c)[i];

            if (a->type == FP_ACTION_METER && a->meter_id == meter_id) {
                offload_fp_flow_uninstall(flow);
                flow->state = OFFLOAD_FP_EVICTED;
                offload_fp_flow_set_reason(
                    flow, xasprintf("datapath meter left %s (meter %"PRIu32
                                    ")", fp_device_name(dev), meter_id));
                offload_fp_stats.evicted++;
                offload_fp_flow_update_cls(flow, false);
                OFFLOAD_FP_COVERAGE_INC(fp_offload_evicted);
                break;
            }
        }
    }
}

/* Puts 'flow', which waits (WAITING or EVICTED) with its rule, back into its
 * NIC, fully or partially as its rule says.  Returns true if it is back. */
static bool
offload_fp_flow_reoffload(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    bool partial
        = offload_fp_rule_shape(offload_fp_flow_crule(flow))->has_mark;
    const struct offload_fp_flow_side *side;

    offload_fp_flow_install(flow, (partial ? OFFLOAD_FP_PARTIAL
                                   : OFFLOAD_FP_OFFLOADED), NULL);
    if (flow->state == OFFLOAD_FP_OFFLOADED
        || flow->state == OFFLOAD_FP_PARTIAL) {
        OFFLOAD_FP_COVERAGE_INC(fp_offload_reoffload);
        offload_fp_stats.reoffloaded++;
        side = offload_fp_flow_get_side(flow);
        offload_fp_flow_set_reason(
            flow, nullable_xstrdup(partial && side
                                   ? side->partial_reason : NULL));
        return true;
    }
    return false;
}

/* VF 'port' of 'dev' was unplugged ('unplugged') or plugged back in (see
 * netdev-offload-fp-hotplug.c).  On an unplug, the flows whose NIC rule
 * matches on the VF or sends to it leave the NIC as at an eviction, their
 * counters kept, and stay in software; on a plug, the flows that wait for
 * the VF go back into the NIC at once.  Returns how many flows left or came
 * back. */
size_t
offload_fp_vf_changed(struct fp_device *dev, uint32_t port, bool unplugged)
{
    struct offload_fp_flow *flow;
    char *reason;
    size_t n = 0;

    ovs_mutex_lock(&offload_fp_mutex);
    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        struct fp_rule rule;

        if (flow->dev != dev || !offload_fp_flow_crule(flow)
            || !offload_fp_rule_uses_port(offload_fp_flow_rule(flow, &rule),
                                          port)) {
            continue;
        }
        if (unplugged && (flow->state == OFFLOAD_FP_OFFLOADED
                          || flow->state == OFFLOAD_FP_PARTIAL)) {
            offload_fp_flow_uninstall(flow);
            flow->state = OFFLOAD_FP_EVICTED;
            offload_fp_flow_set_vf_unplugged(
                flow, offload_fp_vf_unplugged(&rule, dev, &reason));
            offload_fp_flow_set_reason(flow, reason);
            offload_fp_count_reason(offload_fp_flow_reason(flow));
            offload_fp_stats.evicted++;
            offload_fp_flow_update_cls(flow, false);
            OFFLOAD_FP_COVERAGE_INC(fp_offload_evicted);
            n++;
        } else if (!unplugged && (flow->state == OFFLOAD_FP_WAITING
                                  || flow->state == OFFLOAD_FP_EVICTED)) {
            n += offload_fp_flow_reoffload(flow);
        }
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    return n;
}

/* Offloaded flows that the NIC misses. */

/* The watch for misses (see struct offload_fp_watch): at most
 * 'offload_fp_watch_max' offloaded flows are armed at once.  While more
 * offloaded flows wait for their turn than there are places, an armed
 * flow gives its place up after OFFLOAD_FP_WATCH_WINDOW ms, to the next
 * flows in the order of 'offload_fp_flows': so every offloaded flow is
 * watched in turn, and a flow whose NIC misses its packets is found within
 * a round, at the cost of the places' classifier rules only.  With no more
 * offloaded flows than places, every one of them stays armed. */
/* Sets how many offloaded flows may be watched for misses at once, and
 * returns the previous limit.  Flows beyond the new limit stop being
 * watched at the next pass of netdev_offload_fp_run(). */
size_t
netdev_offload_fp_set_watch_max(size_t max)
{
    size_t old;

    ovs_mutex_lock(&offload_fp_mutex);
    old = offload_fp_watch_max;
    offload_fp_watch_max = max;
    ovs_mutex_unlock(&offload_fp_mutex);
    return old;
}

/* Stores in '*max' how many offloaded flows may be watched for misses at
 * once, and in '*armed' how many are. */
void
netdev_offload_fp_get_watch(size_t *max, size_t *armed)
{
    ovs_mutex_lock(&offload_fp_mutex);
    *max = offload_fp_watch_max;
    *armed = offload_fp_n_armed;
    ovs_mutex_unlock(&offload_fp_mutex);
}

/* Looks at the packets of armed 'flow' that came up the exception path
 * since the last look: each is a packet that the NIC missed although it
 * has the flow's rule, e.g. a packet that its parser cannot parse as OVS
 * does; but for those that resumed at the flow's stage after a
 * recirculation (the NIC stopped before that stage, at its depth limit).
 * The first such miss flags the flow: counted, logged and shown by
 * fp/explain. */
static void
offload_fp_flow_count_misses(struct offload_fp_flow *flow)
    OVS_REQUIRES(offload_fp_mutex)
{
    struct offload_fp_watch *w = offload_fp_flow_watch(flow);
    uint64_t n, resumed, missed;

    /* A packet is counted in 'sw_packets' before 'sw_resumed': read in the
     * other order, a resumed packet is never seen without its count. */
    atomic_read_explicit(&w->sw_resumed, &resumed, memory_order_acquire);
    atomic_read_explicit(&w->sw_packets, &n, memory_order_acquire);
    n -= w->sw_packets_seen;
    resumed -= w->sw_resumed_seen;
    if (n <= resumed) {
        return;
    }
    missed = n - resumed;
    w->sw_packets_seen += n;
    w->sw_resumed_seen += resumed;
    /* An armed flow may have no side block yet (see 'rule_or_side'). */
    offload_fp_flow_side(flow)->n_missed += missed;
    offload_fp_stats.missed += missed;
    if (!flow->missing) {
        static struct vlog_rate_limit miss_rl = VLOG_RATE_LIMIT_INIT(5, 20);

        flow->missing = true;
        offload_fp_stats.missing++;
        OFFLOAD_FP_COVERAGE_INC(fp_offload_missing);
        if (!VLOG_DROP_INFO(&miss_rl)) {
            struct ds s = DS_EMPTY_INITIALIZER;

            offload_fp_flow_format_log(flow, &s);
            VLOG_INFO("%s: %s offloaded, but %s misses its packets "
                      "(%"PRIu64" went to dpif-netdev)",
                      netdev_get_name(flow->netdev), ds_cstr(&s),
                      fp_device_name(flow->dev),
                      offload_fp_flow_n_missed(flow));
            ds_destroy(&s);
        }
    }
}

/* Watches offloaded 'flow' for misses (see struct offload_fp_watch), in a
 * pass of netdev_offload_fp_run() at 'now': an armed flow's misses are
 * counted, and it gives its place up after its window if others wait for
 * one.  A flow is armed from the second pass after its rule went into the
 * NIC (at least one retry interval later, when packets in flight at that
 * time have long reached the host), if there is a place.  Returns true if
 * 'flow' could be armed but has no place. */
static bool
offload_fp_flow_check_misses(struct offload_fp_flow *flow, long long int now)
    OVS_REQUIRES(offload_fp_mutex)
{
    if (offload_fp_flow_watched(flow, false)) {
        offload_fp_flow_count_misses(flow);
        if (offload_fp_n_armed > offload_fp_watch_max
            || (offload_fp_watch_crowded
                && now - offload_fp_flow_watch(flow)->since
                   >= OFFLOAD_FP_WATCH_WINDOW)) {
            offload_fp_flow_update_cls(flow, false);
        }
        return false;
    }
    if (!flow->settled) {
        flow->settled = true;
        return false;
    }
    if (offload_fp_n_armed >= offload_fp_watch_max) {
        return true;
    }
    offload_fp_flow_update_cls(flow, true);
    return false;
}

/* Re-offload of the flows that wait for room. */

struct offload_fp_candidate {
    struct offload_fp_flow *flow;
    double rate;
};

static int
compare_candidates(const void *a_, const void *b_)
{
    const struct offload_fp_candidate *a = a_;
    const struct offload_fp_candidate *b = b_;

    return a->rate < b->rate ? 1 : a->rate > b->rate ? -1 : 0;
}

/* Called from ovs-vswitchd's main thread on every iteration: refreshes the
 * names of datapath ports for reasons, makes every NIC parse VLAN tags as
 * OVS does (a change of other_config:vlan-limit takes effect in the NICs
 * at once), retries the deletion of rules that failed, and once a second
 * checks the offloaded flows for packets that their NIC missed and puts
 * the flows that wait for room (WAITING,
 * EVICTED) into their NICs, the highest software packet rate since they
 * started waiting first, until the NICs are full again. */
void
netdev_offload_fp_run(void)
{
    struct fp_device *devices[OVS_OFFLOAD_MAX_DEVICES];
    static long long int next_run;
    struct offload_fp_candidate *cands = NULL;
    size_t n_cands = 0, allocated = 0;
    long long int now = time_msec();
    struct offload_fp_flow *flow;
    size_t i, n_devices;
    bool crowded = false;

    n_devices = fp_device_list(devices, ARRAY_SIZE(devices));
    for (i = 0; i < n_devices; i++) {
        offload_fp_sync_vlan_limit(devices[i]);
    }

    netdev_offload_fp_names_run();
    if (now < next_run) {
        poll_timer_wait_until(next_run);
        return;
    }
    next_run = now + OFFLOAD_FP_RETRY_INTERVAL;
    poll_timer_wait_until(next_run);

    ovs_mutex_lock(&offload_fp_mutex);
    offload_fp_meter_run();
    if (offload_fp_watches) {
        /* Watch blocks that the RCU thread freed, whose slab blocks go back
         * to the heap once all free, even while no flow is armed. */
        fp_slab_collect(offload_fp_watches);
    }
    for (i = 0; i < offload_fp_n_zombies; ) {
        struct offload_fp_zombie *z = &offload_fp_zombies[i];
        struct fp_rule_stats final;
        int error = fp_rule_delete(z->dev, z->rule_id, &final);

        if (!error || error == ENOENT) {
            VLOG_INFO("%s: deleted rule %"PRIu32" on retry",
                      fp_device_name(z->dev), z->rule_id);
            OFFLOAD_FP_COVERAGE_INC(fp_offload_del_retried);
            *z = offload_fp_zombies[--offload_fp_n_zombies];
        } else {
            i++;
        }
    }

    HMAP_FOR_EACH (flow, node, &offload_fp_flows) {
        if (flow->state == OFFLOAD_FP_OFFLOADED) {
            crowded |= offload_fp_flow_check_misses(flow, now);
        } else if (offload_fp_flow_watched(flow, true)
                   && offload_fp_flow_crule(flow)) {
            const struct offload_fp_watch *w = offload_fp_flow_watch(flow);
            uint64_t n;

            atomic_read_relaxed(&w->sw_packets, &n);
            if (n_cands >= allocated) {
                cands = x2nrealloc(cands, &allocated, sizeof *cands);
            }
            cands[n_cands].flow = flow;
            cands[n_cands].rate = ((double) (n - w->sw_packets_seen) * 1000
                                   / MAX(now - w->since, 1));
            n_cands++;
        }
    }
    offload_fp_watch_crowded = crowded;

    if (n_cands) {
        /* qsort() may not be given a null pointer, even for 0 items. */
        qsort(cands, n_cands, sizeof *cands, compare_candidates);
    }
    for (i = 0; i < n_cands; i++) {
        offload_fp_flow_reoffload(cands[i].flow);
    }
    ovs_mutex_unlock(&offload_fp_mutex);
    free(cands);
    offload_fp_coverage_run();
}

/* Claims 'netdev' for this flow API if it is an "fp" netdev, or, with
 * other_config:fp-dpdk=true, a "dpdk" netdev whose switch the rte_flow
 * driver programs (see netdev-offload-fp-dpdk.c).  Called when hw-offload
 * is enabled, for every port of a userspace datapath, on the main
 * thread. */
static int
netdev_offload_fp_init_flow_api(struct netdev *netdev)
{
    offload_fp_ports_changed();
    return (netdev_fp_is_fp(netdev) ? 0
            : netdev_offload_fp_dpdk_init(netdev));
}

/* Called when 'netdev' leaves the datapath: its flows leave the NIC (and a
 * "dpdk" netdev its rte_flow device), and no thread uses it any more as
 * the netdev of an output port. */
static void
netdev_offload_fp_uninit_flow_api(struct netdev *netdev)
{
    offload_fp_ports_changed();
    netdev_offload_fp_flow_flush(netdev);
    netdev_offload_fp_dpdk_uninit(netdev);
}

/* 'dev' is about to be destroyed (an rte_flow device whose last DPDK port
 * left, see netdev-offload-fp-dpdk.c), and no flow record uses it any
 * more: forgets the rules whose deletion failed, stops listening for its
 * resets, and its meters leave it.  Main thread. */
void
offload_fp_device_gone(struct fp_device *dev)
{
    size_t i;

    ovs_mutex_lock(&offload_fp_mutex);
    for (i = 0; i < offload_fp_n_zombies; ) {
        if (offload_fp_zombies[i].dev == dev) {
            offload_fp_zombies[i] = offload_fp_zombies[--offload_fp_n_zombies];
        } else {
            i++;
        }
    }
    offload_fp_last_watched = NULL;
    if (shash_find_data(&offload_fp_devices, fp_device_name(dev)) == dev) {
        shash_find_and_delete(&offload_fp_devices, fp_device_name(dev));
        fp_device_remove_listener(dev, offload_fp_device_reset_cb, NULL);
    }
    offload_fp_meter_device_gone(dev);
    ovs_mutex_unlock(&offload_fp_mutex);
}

const struct netdev_flow_api netdev_offload_fp = {
    .type = "fp",
    .flow_flush = netdev_offload_fp_flow_flush,
    .flow_put = netdev_offload_fp_flow_put,
    .flow_get = netdev_offload_fp_flow_get,
    .flow_del = netdev_offload_fp_flow_del,
    .flow_get_n_flows = netdev_offload_fp_flow_get_n_flows,
    .hw_miss_packet_recover = netdev_offload_fp_hw_miss_packet_recover,
    .init_flow_api = netdev_offload_fp_init_flow_api,
    .uninit_flow_api = netdev_offload_fp_uninit_flow_api,
};
