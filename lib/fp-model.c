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

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
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

COVERAGE_DEFINE(fp_model_table_full);
COVERAGE_DEFINE(fp_model_batch_barrier);
COVERAGE_DEFINE(fp_model_batch_deferred);
COVERAGE_DEFINE(fp_model_deferred_wait);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

static void fp_model_deferred_destroy(struct fp_model *);

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
 * if every id is in use.
 *
 * Every id below 'lowest' is in use, so the id at 'lowest', if free, is
 * the one: in a run of additions it always is (each takes the id after the
 * last one), and looking at its bit alone, inline, costs about 20
 * instructions less than bitmap_scan() in a function of its own, twice in
 * every rule's addition (its id and its counter). */
static inline bool
fp_model_ids_alloc(struct fp_model_ids *ids, uint32_t *idp)
{
    size_t i = ids->lowest;

    if (OVS_UNLIKELY(i >= ids->n || bitmap_is_set(ids->used, i))) {
        i = bitmap_scan(ids->used, false, i, ids->n);
        if (i >= ids->n) {
            ids->lowest = ids->n;
            return false;
        }
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

static int
fp_model_create(const char *name, const struct fp_device_config *config,
                struct fp_device **devp)
{
    struct fp_model *model = xzalloc(sizeof *model);
    size_t i;

    fp_device_init(&model->up, &fp_model_class, name, config);
    model->n_ports = config->n_phy_ports + config->n_vfs;
    /* Adaptive, as dpif-netdev's hot mutexes: an error-checking mutex
     * costs about 23 more instructions a lock and unlock, and every rule
     * operation and counter read takes this one. */
    ovs_mutex_init_adaptive(&model->ctl_mutex);
    model->table = fp_table_create(config->n_rules, config->n_masks);
    model->rules = xcalloc(config->n_rules + 1, sizeof *model->rules);
    model->rule_counters = xcalloc(config->n_rules + 1,
                                   sizeof *model->rule_counters);
    fp_model_ids_init(&model->rule_ids, 1, config->n_rules);
    hmap_init(&model->actions);
    fp_model_ids_init(&model->counter_ids, 0, config->n_counters);
    hmap_init(&model->shared_counters);
    model->meters = xcalloc(MAX(config->n_meters, 1),
                            sizeof *model->meters);
    cmap_init(&model->meter_ids);
    model->port_base = xcalloc(model->n_ports, sizeof *model->port_base);
    atomic_init(&model->resets, 0);
    atomic_init(&model->vlan_limit, FP_PARSE_MAX_VLANS);

    model->batch_size = config->batch_size;
    model->ring_mask = config->rx_ring_size - 1;
    model->ports = xcalloc(model->n_ports, sizeof *model->ports);
    for (i = 0; i < model->n_ports; i++) {
        struct fp_model_port *port = &model->ports[i];

        ovs_mutex_init(&port->rx_mutex);
        pthread_spin_init(&port->policer_meters[0].lock,
                          PTHREAD_PROCESS_PRIVATE);
        pthread_spin_init(&port->policer_meters[1].lock,
                          PTHREAD_PROCESS_PRIVATE);
        port->ring = xcalloc(config->rx_ring_size, sizeof *port->ring);
        atomic_init(&port->rx_head, 0);
        atomic_init(&port->rx_tail, 0);
        ovs_mutex_init(&port->exc_mutex);
        port->seq = seq_create();
        ovsrcu_init(&port->endpoint, NULL);
        atomic_init(&port->tx_special, 0);
        ovs_mutex_init(&port->pcap_mutex);
        atomic_init(&port->has_pcap, false);
        atomic_init(&port->link_down, false);
        atomic_init(&port->link_resets, 0);
        ovsrcu_init(&port->sched, NULL);
        atomic_init(&port->unplugged, false);
        atomic_init(&port->unplugs, 0);
        atomic_init(&port->unplugged_drops, 0);
        ovsrcu_init(&port->vf, NULL);
        atomic_init(&port->rx_flush, 0);
    }
    ovs_mutex_init(&model->host_mutex);
    model->host_ports = xcalloc(model->n_ports, sizeof *model->host_ports);
    pthread_mutex_init(&model->done_mutex, NULL);
    xpthread_cond_init(&model->done_cond, NULL);
    atomic_init(&model->n_waiters, 0);
    atomic_init(&model->exiting, false);
    fp_model_evb_init(model);

    model->n_engines = config->n_engines;
    model->engines = xcalloc(model->n_engines, sizeof *model->engines);
    for (i = 0; i < model->n_engines; i++) {
        struct fp_model_engine *engine = &model->engines[i];

        engine->model = model;
        engine->index = i;
        atomic_init(&engine->epoch, 0);
        engine->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (engine->wake_fd < 0) {
            ovs_fatal(errno, "%s: cannot create an eventfd for an engine",
                      name);
        }
        atomic_init(&engine->sleeping, false);
        engine->pollfds = xcalloc(model->n_ports / model->n_engines + 2,
                                  sizeof *engine->pollfds);
        engine->poll_ports = xcalloc(model->n_ports / model->n_engines + 2,
                                     sizeof *engine->poll_ports);
        if (config->emc_size) {
            uint32_t size = MAX(config->emc_size, FP_MODEL_EMC_WAYS);

            engine->emc = xzalloc_cacheline(size * sizeof *engine->emc);
            engine->emc_tags = xzalloc_cacheline(size
                                                 * sizeof *engine->emc_tags);
            engine->emc_rules = xcalloc(size, sizeof *engine->emc_rules);
            engine->emc_mask = size - 1;
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

static void
fp_model_destroy(struct fp_device *dev)
{
    struct fp_model *model = fp_model_cast(dev);
    const struct fp_device_config *config = &dev->config;
    struct fp_model_shared_counter *counter;
    struct fp_model_actions *actions;
    size_t i, j;

    atomic_store(&model->exiting, true);
    for (i = 0; i < model->n_engines; i++) {
        fp_model_wake_engine(&model->engines[i]);
    }
    for (i = 0; i < model->n_engines; i++) {
        struct fp_model_engine *engine = &model->engines[i];

        xpthread_join(engine->thread, NULL);
        close(engine->wake_fd);
        free(engine->pollfds);
        free(engine->poll_ports);
        fp_model_emc_flush(engine);
        free_cacheline(engine->emc);
        free_cacheline(engine->emc_tags);
        free(engine->emc_rules);
        free(engine->ports);
        free(engine->counters);
    }
    /* The engines are gone: what rule batches left for later can be done
     * now. */
    ovs_mutex_lock(&model->ctl_mutex);
    fp_model_deferred_finish(model, true);
    ovs_mutex_unlock(&model->ctl_mutex);
    fp_model_deferred_destroy(model);
    free(model->engines);

    fp_table_destroy(model->table);
    free(model->rules);
    free(model->rule_counters);
    fp_model_ids_destroy(&model->rule_ids);
    HMAP_FOR_EACH_POP (actions, node, &model->actions) {
        free(actions);
    }
    hmap_destroy(&model->actions);
    fp_model_ids_destroy(&model->counter_ids);
    HMAP_FOR_EACH_POP (counter, node, &model->shared_counters) {
        free(counter);
    }
    hmap_destroy(&model->shared_counters);
    /* Meters deleted before free themselves after a grace period (see
     * fp_model_meter_free()). */
    for (i = 0; i < config->n_meters; i++) {
        struct fp_model_meter *m = fp_model_meter_in_slot(model, i);

        if (m) {
            fp_model_meter_destroy(m);
        }
    }
    cmap_destroy(&model->meter_ids);
    free(model->meters);
    free(model->port_base);

    for (i = 0; i < model->n_ports; i++) {
        struct fp_model_port *port = &model->ports[i];

        for (j = 0; j <= model->ring_mask; j++) {
            fp_model_slot_free_buf(port->ring[j].buf);
        }
        free(port->ring);
        fp_meter_destroy(&port->policer_meters[0]);
        fp_meter_destroy(&port->policer_meters[1]);
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
        fp_model_qos_destroy(model, i);
        free(ovsrcu_get_protected(struct fp_vf_config *, &port->vf));
    }
    free(model->ports);
    fp_model_evb_destroy(model);
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
        stats->recirculations += fp_model_ctr_get(&engine->recirculations);
        stats->recirc_misses += fp_model_ctr_get(&engine->recirc_misses);
        stats->recirc_exceeded += fp_model_ctr_get(&engine->recirc_exceeded);
    }
    ovs_mutex_lock(&model->ctl_mutex);
    fp_model_deferred_finish(model, true);
    stats->hits -= model->hits_base;
    stats->misses -= model->misses_base;
    stats->emc_hits -= model->emc_hits_base;
    stats->recirculations -= model->recirculations_base;
    stats->recirc_misses -= model->recirc_misses_base;
    stats->recirc_exceeded -= model->recirc_exceeded_base;
    stats->n_rules = fp_table_count(model->table);
    stats->n_masks = fp_table_n_masks(model->table);
    stats->n_meters = model->n_meters_used;
    stats->n_counters = model->n_counters_used;
    ovs_mutex_unlock(&model->ctl_mutex);
    atomic_read_relaxed(&model->resets, &stats->resets);
}

/* The model's parser follows the limit at once: every engine reads it
 * for each batch of packets. */
static int
fp_model_set_vlan_limit(struct fp_device *dev, unsigned int vlan_limit)
{
    struct fp_model *model = fp_model_cast(dev);

    atomic_store_relaxed(&model->vlan_limit, vlan_limit);
    return 0;
}

static unsigned int
fp_model_get_vlan_limit(const struct fp_device *dev)
{
    struct fp_model *model = fp_model_cast(dev);
    unsigned int vlan_limit;

    atomic_read_relaxed(&model->vlan_limit, &vlan_limit);
    return vlan_limit;
}

/* Rules. */

/* Returns shared counter 'id', or NULL if 'id' is not a shared counter. */
static struct fp_model_shared_counter *
fp_model_shared_counter_find(const struct fp_model *model, uint32_t id)
{
    struct fp_model_shared_counter *c;

    HMAP_FOR_EACH_WITH_HASH (c, node, hash_int(id, 0),
                             &model->shared_counters) {
        if (c->id == id) {
            return c;
        }
    }
    return NULL;
}

/* Returns the sum over engines of counter 'id'. */
static void
fp_model_counter_read(const struct fp_model *model, uint32_t id,
                      struct fp_rule_stats *stats)
{
    size_t i;

    memset(stats, 0, sizeof *stats);
    for (i = 0; i < model->n_engines; i++) {
        struct fp_model_counter *c = &model->engines[i].counters[id];
        uint64_t used_flags;

        stats->n_packets += fp_model_ctr_get(&c->packets);
        stats->n_bytes += fp_model_ctr_get(&c->bytes);
        atomic_read_relaxed(&c->used_flags, &used_flags);
        stats->used = MAX(stats->used,
                          (long long int) (used_flags & FP_MODEL_USED_MASK));
        stats->tcp_flags |= used_flags >> FP_MODEL_USED_BITS;
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
        atomic_store_relaxed(&c->used_flags, 0);
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

/* Frees every shared counter and its entry of the counter table.  No
 * action list may count in them any more. */
static void
fp_model_shared_counters_clear(struct fp_model *model)
    OVS_REQUIRES(model->ctl_mutex)
{
    struct fp_model_shared_counter *c;

    HMAP_FOR_EACH_POP (c, node, &model->shared_counters) {
        fp_model_counter_put(model, c->id);
        free(c);
    }
}

/* fp_model_actions_get() for a rule whose actions are not those of
 * 'model->last_actions'. */
static struct fp_model_actions * __attribute__((noinline))
fp_model_actions_get__(struct fp_model *model, const struct fp_rule *rule,
                       int *errorp)
    OVS_REQUIRES(model->ctl_mutex)
{
    struct fp_action resolved[FP_MAX_ACTIONS];
    struct fp_model_actions *actions;
    bool has_meter = false;
    size_t i, size;
    uint32_t hash;

    /* Only the rule's 'n_actions' actions are hashed, compared and kept:
     * copying them whole (their bytes as the caller left them, as a struct
     * assignment does) is enough, with no need to clear the rest first. */
    size = rule->n_actions * sizeof resolved[0];
    memcpy(resolved, rule->actions, size);
    for (i = 0; i < rule->n_actions; i++) {
        if (resolved[i].type == FP_ACTION_METER) {
            const struct fp_model_meter *m
                = fp_model_meter_find(model, resolved[i].meter_id);

            if (!m) {
                *errorp = ENOENT;
                return NULL;
            }
            resolved[i].meter_id = m->slot;
            has_meter = true;
        } else if (resolved[i].type == FP_ACTION_COUNT) {
            uint32_t id = resolved[i].counter_id;

            if (!fp_model_shared_counter_find(model, id)) {
                *errorp = ENOENT;
                return NULL;
            }
        }
    }

    hash = hash_bytes(resolved, size, rule->n_actions);
    HMAP_FOR_EACH_WITH_HASH (actions, node, hash, &model->actions) {
        if (actions->n == rule->n_actions
            && !memcmp(actions->actions, resolved, size)) {
            actions->refcnt++;
            goto out;
        }
    }

    actions = xmalloc(sizeof *actions + size);
    actions->refcnt = 1;
    actions->n = rule->n_actions;
    actions->output = (actions->n == 1 && resolved[0].type == FP_ACTION_OUTPUT
                       ? resolved[0].port : FP_PORT_NONE);
    memcpy(actions->actions, resolved, size);
    hmap_insert(&model->actions, &actions->node, hash);
    for (i = 0; i < actions->n; i++) {
        if (resolved[i].type == FP_ACTION_METER) {
            model->meters[resolved[i].meter_id].refs++;
        } else if (resolved[i].type == FP_ACTION_COUNT) {
            fp_model_shared_counter_find(model,
                                         resolved[i].counter_id)->refs++;
        }
    }

out:
    model->last_actions = has_meter ? NULL : actions;
    return actions;
}

/* Returns an interned copy of the actions of 'rule', with a new reference,
 * or NULL with ENOENT in '*errorp' if it uses a meter or shared counter
 * that does not exist.
 *
 * Rules come in runs with the same actions (every megaflow of a port that
 * outputs to one port): the list of the last rule, if the rule's actions
 * are its bytes, inline, without the frame of fp_model_actions_get__().
 * The list has no meter action, whose meter id it would hold resolved, so
 * that its actions are the rule's as the rule gives them; a shared counter
 * that it counts in exists as long as the list does
 * (fp_model_counter_free() refuses to free it). */
static inline struct fp_model_actions *
fp_model_actions_get(struct fp_model *model, const struct fp_rule *rule,
                     int *errorp)
    OVS_REQUIRES(model->ctl_mutex)
{
    struct fp_model_actions *actions = model->last_actions;

    if (actions && actions->n == rule->n_actions
        && !memcmp(actions->actions, rule->actions,
                   rule->n_actions * sizeof rule->actions[0])) {
        actions->refcnt++;
        return actions;
    }
    return fp_model_actions_get__(model, rule, errorp);
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
            fp_model_shared_counter_find(model, a->counter_id)->refs--;
        }
    }
    if (model->last_actions == actions) {
        model->last_actions = NULL;
    }
    hmap_remove(&model->actions, &actions->node);
    ovsrcu_postpone(free, actions);
}

/* Counts a table of the device that was full when an operation needed room
 * in it (coverage counter fp_model_table_full). */
void
fp_model_count_table_full(void)
{
    COVERAGE_INC(fp_model_table_full);
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
    model->rule_counters[id] = counter;
    op->id = id;
    return;

error:
    fp_model_actions_put(model, actions);
}

/* The 'rule_prefetch' hook: the bucket of the rule table for 'rule'
 * (fp_table_prefetch_insert()), without 'ctl_mutex', as an engine reads
 * the table. */
static void
fp_model_rule_prefetch(struct fp_device *dev, const struct fp_rule *rule)
{
    struct fp_model *model = fp_model_cast(dev);

    fp_table_prefetch_insert(model->table, &rule->key, &rule->mask);
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

/* Deferred work of rule batches (struct fp_model_deferred). */

/* Returns true if 'model' has deferred work. */
static bool
fp_model_deferred_pending(const struct fp_model *model)
    OVS_REQUIRES(model->ctl_mutex)
{
    const struct fp_model_deferred *d = &model->deferred;

    return d->n_counters || d->n_actions || d->purge;
}

/* Records each engine's epoch just after a commit that left work for later:
 * an engine that was outside a batch then (an even epoch) or that has left
 * the batch it was in since no longer uses the table versions before the
 * commit, as in fp_model_barrier(). */
static void
fp_model_deferred_mark(struct fp_model *model)
    OVS_REQUIRES(model->ctl_mutex)
{
    struct fp_model_deferred *d = &model->deferred;
    size_t i;

    if (!d->epochs) {
        d->epochs = xcalloc(model->n_engines, sizeof *d->epochs);
    }
    atomic_thread_fence(memory_order_seq_cst);
    for (i = 0; i < model->n_engines; i++) {
        atomic_read(&model->engines[i].epoch, &d->epochs[i]);
    }
}

/* Returns true if every engine is past the epoch that
 * fp_model_deferred_mark() recorded for it. */
static bool
fp_model_deferred_passed(const struct fp_model *model)
    OVS_REQUIRES(model->ctl_mutex)
{
    const struct fp_model_deferred *d = &model->deferred;
    size_t i;

    for (i = 0; i < model->n_engines; i++) {
        uint64_t epoch;

        atomic_read(&model->engines[i].epoch, &epoch);
        if (d->epochs[i] & 1 && epoch == d->epochs[i]) {
            return false;
        }
    }
    return true;
}

/* Does what earlier rule batches left for later: frees the counters of
 * rules deleted with 'no_wait', releases the action lists and purges the
 * rule table, once no engine may still count in those counters or use the
 * table versions from before their removal.  If an engine is still in the
 * batch of packets that it was in at the latest such commit, waits for it
 * if 'wait' is true, else leaves the work for later.
 *
 * Every control operation whose result depends on this work (the tables'
 * use in fp_device_get_stats(), shared counters, meters, a reset) calls
 * this first with 'wait', so that a deleted rule's counter, mask and
 * action list are free again at once as far as a caller can tell; so does
 * a rule batch that might run out of counters or masks
 * (fp_model_deferred_needed()); another rule batch calls it without 'wait'
 * only once the work is due (fp_model_deferred_due()), so that many
 * batches share one purge and one RCU grace period.  A batch of packets
 * takes a few microseconds, so by then the engines are nearly always past
 * the commit, and nothing waits. */
void
fp_model_deferred_finish(struct fp_model *model, bool wait)
    OVS_REQUIRES(model->ctl_mutex)
{
    struct fp_model_deferred *d = &model->deferred;
    size_t i;

    if (!fp_model_deferred_pending(model)) {
        return;
    }
    if (!fp_model_deferred_passed(model)) {
        if (!wait) {
            return;
        }
        COVERAGE_INC(fp_model_deferred_wait);
        fp_model_barrier(model);
    }
    for (i = 0; i < d->n_counters; i++) {
        fp_model_counter_put(model, d->counters[i]);
    }
    for (i = 0; i < d->n_actions; i++) {
        fp_model_actions_put(model, d->actions[i]);
    }
    if (d->purge) {
        fp_table_purge(model->table);
    }
    d->n_counters = d->n_actions = 0;
    d->purge = false;
}

/* Returns true if the rule operations 'ops[0 .. n - 1]' might run out of
 * counters or masks that deferred work still holds, so that the batch must
 * wait for it (it cannot finish it in its middle: the table's purge would
 * take the batch's own removals out before their commit). */
static bool
fp_model_deferred_needed(const struct fp_model *model,
                         const struct fp_rule_op *ops, size_t n)
    OVS_REQUIRES(model->ctl_mutex)
{
    const struct fp_device_config *config = &model->up.config;
    size_t i, n_new = 0;

    for (i = 0; i < n; i++) {
        if (!ops[i].error && ops[i].type != FP_RULE_OP_DELETE) {
            n_new++;
        }
    }
    return (n_new
            && (model->n_counters_used + n_new > config->n_counters
                || fp_table_n_masks(model->table) + n_new > config->n_masks));
}

/* Returns true if the deferred work of 'model' is due in a rule batch that
 * does not need it (see FP_MODEL_DEFER_RULES). */
static bool
fp_model_deferred_due(const struct fp_model *model)
    OVS_REQUIRES(model->ctl_mutex)
{
    const struct fp_model_deferred *d = &model->deferred;

    return (fp_model_deferred_pending(model)
            && (d->n_counters >= FP_MODEL_DEFER_RULES
                || time_msec() - d->since >= FP_MODEL_DEFER_MS));
}

/* Returns the number of rules of 'dev' (a model device) deleted with
 * 'no_wait' whose counters and table entries wait to be freed: for tests. */
size_t
fp_model_deferred_rules(const struct fp_device *dev)
{
    struct fp_model *model = fp_model_cast(dev);
    size_t n;

    ovs_mutex_lock(&model->ctl_mutex);
    n = model->deferred.n_counters;
    ovs_mutex_unlock(&model->ctl_mutex);
    return n;
}

/* Frees the memory of the deferred work of 'model', which has none left
 * (fp_model_deferred_finish()). */
static void
fp_model_deferred_destroy(struct fp_model *model)
{
    struct fp_model_deferred *d = &model->deferred;

    free(d->counters);
    free(d->actions);
    free(d->epochs);
}

/* A rule batch of one addition 'op' that fp_rule_batch() found valid, the
 * flow API's common case: what fp_model_rule_batch() does for it, without
 * the bookkeeping of a batch (its stubs, loops, releases and waits, of
 * which an addition has none). */
static void
fp_model_rule_add_one(struct fp_model *model, struct fp_rule_op *op)
{
    ovs_mutex_lock(&model->ctl_mutex);
    if (fp_model_deferred_pending(model)) {
        if (fp_model_deferred_needed(model, op, 1)) {
            fp_model_deferred_finish(model, true);
        } else if (fp_model_deferred_due(model)) {
            fp_model_deferred_finish(model, false);
        }
    }
    op->full = FP_RES_NONE;
    fp_model_rule_add(model, op);
    if (op->error == ENOSPC) {
        COVERAGE_INC(fp_model_table_full);
        VLOG_DBG_RL(&rl, "%s: %s full", model->up.name,
                    fp_resource_name(op->full));
    }
    fp_table_commit(model->table);
    ovs_mutex_unlock(&model->ctl_mutex);
}

/* Operations of a rule batch whose bookkeeping fp_model_rule_batch() keeps
 * on its stack: the flow API sends one operation at a time. */
#define FP_MODEL_BATCH_STUB 16

/* Applies the rule operations 'ops[0 .. n - 1]'.  A batch waits for the
 * engines to finish their batch of packets (fp_model_barrier()) only if it
 * takes away something that they may still be using and the caller needs
 * them done with it when the batch returns: a deletion without 'no_wait'
 * (for its final counters, or for the guarantee that no packet meets the
 * rule any more), or a modification (the old actions).  Deletions with
 * 'no_wait' leave their counters, action lists and the table's purge to
 * fp_model_deferred_finish(), which a later control operation calls (see
 * FP_MODEL_DEFER_RULES). */
static void __attribute__((noinline))
fp_model_rule_batch__(struct fp_device *dev, struct fp_rule_op *ops,
                      size_t n)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_deferred *d = &model->deferred;
    struct fp_model_actions *release_stub[FP_MODEL_BATCH_STUB];
    uint32_t dead_counters_stub[FP_MODEL_BATCH_STUB];
    struct fp_model_actions **release = release_stub;
    uint32_t *dead_counters = dead_counters_stub;
    size_t i, n_release = 0;
    bool wait = false;

    if (n > FP_MODEL_BATCH_STUB) {
        release = xmalloc(n * sizeof *release);
        dead_counters = xmalloc(n * sizeof *dead_counters);
    }
    ovs_mutex_lock(&model->ctl_mutex);
    /* With nothing deferred (a run of additions, the common case), the
     * checks would cost about 30 instructions a rule for nothing. */
    if (fp_model_deferred_pending(model)) {
        if (fp_model_deferred_needed(model, ops, n)) {
            fp_model_deferred_finish(model, true);
        } else if (fp_model_deferred_due(model)) {
            fp_model_deferred_finish(model, false);
        }
    }
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
                wait = true;
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
            if (!op->no_wait) {
                wait = true;
            }
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

    /* Every deletion and every modification releases an action list.  A
     * batch that releases none only added rules (or failed): nothing that
     * an engine may still be using goes away, so it does not wait for the
     * engines.  Nor does a batch whose only releases are deletions with
     * 'no_wait'.  A packet that an engine takes from its ring after the
     * commit meets the new rules, since the engine reads the table's
     * version after the ring's tail. */
    if (wait) {
        COVERAGE_INC(fp_model_batch_barrier);
        fp_model_barrier(model);
        fp_model_deferred_finish(model, true);

        /* No engine counts for deleted rules any more: read their final
         * counters and free the counters. */
        for (i = 0; i < n; i++) {
            struct fp_rule_op *op = &ops[i];

            if (op->type == FP_RULE_OP_DELETE && !op->error) {
                if (!op->no_wait) {
                    fp_model_counter_read(model, dead_counters[i],
                                          &op->stats);
                }
                fp_model_counter_put(model, dead_counters[i]);
            }
        }
        for (i = 0; i < n_release; i++) {
            fp_model_actions_put(model, release[i]);
        }
        fp_table_purge(model->table);
    } else if (n_release) {
        /* Only deletions with 'no_wait': an engine in the middle of a batch
         * may still count in their counters and use their action lists
         * until it leaves it.  Leave the rest for later, with the work that
         * earlier batches left, if any: an engine past this commit is past
         * theirs. */
        COVERAGE_INC(fp_model_batch_deferred);
        if (!fp_model_deferred_pending(model)) {
            d->since = time_msec();
        }
        for (i = 0; i < n; i++) {
            const struct fp_rule_op *op = &ops[i];

            if (op->type == FP_RULE_OP_DELETE && !op->error) {
                if (d->n_counters >= d->allocated_counters) {
                    d->counters = x2nrealloc(d->counters,
                                             &d->allocated_counters,
                                             sizeof *d->counters);
                }
                d->counters[d->n_counters++] = dead_counters[i];
            }
        }
        for (i = 0; i < n_release; i++) {
            if (d->n_actions >= d->allocated_actions) {
                d->actions = x2nrealloc(d->actions, &d->allocated_actions,
                                        sizeof *d->actions);
            }
            d->actions[d->n_actions++] = release[i];
        }
        d->purge = true;
        fp_model_deferred_mark(model);
    }
    ovs_mutex_unlock(&model->ctl_mutex);
    if (release != release_stub) {
        free(release);
        free(dead_counters);
    }
}

/* The 'rule_batch' hook: fp_model_rule_batch__(), or for a batch of one
 * addition fp_model_rule_add_one(), which does not pay for the frame of
 * the other. */
static void
fp_model_rule_batch(struct fp_device *dev, struct fp_rule_op *ops, size_t n)
{
    if (n == 1 && ops->type == FP_RULE_OP_ADD && !ops->error) {
        fp_model_rule_add_one(fp_model_cast(dev), ops);
    } else {
        fp_model_rule_batch__(dev, ops, n);
    }
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
        fp_model_counter_read(model, model->rule_counters[id], stats);
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

/* Shared counters. */

static int
fp_model_counter_alloc(struct fp_device *dev, uint32_t *idp)
{
    struct fp_model *model = fp_model_cast(dev);
    int error = 0;

    ovs_mutex_lock(&model->ctl_mutex);
    fp_model_deferred_finish(model, true);
    if (fp_model_counter_get_free(model, idp)) {
        struct fp_model_shared_counter *c = xmalloc(sizeof *c);

        c->id = *idp;
        c->refs = 0;
        hmap_insert(&model->shared_counters, &c->node, hash_int(*idp, 0));
    } else {
        error = ENOSPC;
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}


static int
fp_model_counter_free(struct fp_device *dev, uint32_t id)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_shared_counter *c;
    int error = 0;

    ovs_mutex_lock(&model->ctl_mutex);
    fp_model_deferred_finish(model, true);
    c = fp_model_shared_counter_find(model, id);
    if (!c) {
        error = ENOENT;
    } else if (c->refs) {
        error = EBUSY;
    } else {
        /* Only engines write counters (readers hold 'ctl_mutex'): once they
         * are done with the action lists just released, the entry is free,
         * with no RCU grace period to wait for. */
        fp_model_barrier(model);
        hmap_remove(&model->shared_counters, &c->node);
        free(c);
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
    if (fp_model_shared_counter_find(model, id)) {
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
    fp_model_deferred_finish(model, true);
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
    for (i = 0; i < config->n_meters; i++) {
        struct fp_model_meter *m = fp_model_meter_in_slot(model, i);

        if (m) {
            cmap_remove(&model->meter_ids, &m->id_node, hash_int(m->id, 0));
        }
    }
    fp_table_commit(model->table);
    fp_model_barrier(model);
    fp_table_purge(model->table);

    /* No engine uses the old rules, counters and meters any more.  Host
     * threads may still police with an old meter: it is freed after a
     * grace period, without waiting for it here (see "Locks and waits" in
     * fp-model-private.h). */
    fp_model_shared_counters_clear(model);
    for (i = 0; i < config->n_meters; i++) {
        struct fp_model_meter *m = fp_model_meter_in_slot(model, i);

        if (m) {
            ovsrcu_set(&model->meters[i].meter, NULL);
            model->meters[i].refs = 0;
            ovsrcu_postpone(fp_model_meter_destroy, m);
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
    model->recirculations_base += dstats.recirculations;
    model->recirc_misses_base += dstats.recirc_misses;
    model->recirc_exceeded_base += dstats.recirc_exceeded;
    ovs_mutex_unlock(&model->ctl_mutex);

    /* After the counters start again, so that a caller who read them just
     * before the reset (as fp/reset does) sees these drops. */
    fp_model_qos_flush(model);
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
    stats->batches = fp_model_ctr_get(&engine->batches);
    stats->busy_ns = fp_model_ctr_get(&engine->busy_ns);
}

/* Returns the bytes of memory that a rule of 'dev' (a model device) takes,
 * on average over its rules: table entry (its heap chunk) and hash slot, id
 * slot (the rule and its counter's id, by rule id), counters, share of
 * action lists and of shared counters (their heap chunks).  0 if there is
 * no rule. */
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
        total += fp_table_heap_size(sizeof *actions
                                    + actions->n * sizeof actions->actions[0]);
    }
    total += (hmap_count(&model->shared_counters)
              * fp_table_heap_size(sizeof(struct fp_model_shared_counter)));
    ovs_mutex_unlock(&model->ctl_mutex);

    if (!n_rules) {
        return 0;
    }
    /* Id slot and one counter per engine, per rule. */
    return (total / n_rules + sizeof *model->rules
            + sizeof *model->rule_counters
            + model->n_engines * sizeof(struct fp_model_counter));
}

const struct fp_device_class fp_model_class = {
    .type = "model",
    .create = fp_model_create,
    .destroy = fp_model_destroy,
    .get_stats = fp_model_get_stats,
    .set_vlan_limit = fp_model_set_vlan_limit,
    .get_vlan_limit = fp_model_get_vlan_limit,
    .rule_batch = fp_model_rule_batch,
    .rule_prefetch = fp_model_rule_prefetch,
    .rule_get_stats = fp_model_rule_get_stats,
    .rule_get_stats_all = fp_model_rule_get_stats_all,
    .meter_set = fp_model_meter_set,
    .meter_delete = fp_model_meter_delete,
    .meter_get_stats = fp_model_meter_get_stats,
    .meter_police = fp_model_meter_police,
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
    .port_trace = fp_model_port_trace,
    .port_set_tx_pcap = fp_model_port_set_tx_pcap,
    .port_get_stats = fp_model_port_get_stats,
    .port_set_endpoint = fp_model_port_set_endpoint,
    .port_receive_batch = fp_model_port_receive_batch,
    .port_set_link_state = fp_model_port_set_link_state,
    .port_get_link_state = fp_model_port_get_link_state,
    .port_set_qos = fp_model_port_set_qos,
    .port_set_vf_rate = fp_model_port_set_vf_rate,
    .port_get_queue_stats = fp_model_port_get_queue_stats,
    .port_set_policer = fp_model_port_set_policer,
    .port_get_policer = fp_model_port_get_policer,
    .flush = fp_model_flush,
    .port_set_plugged = fp_model_port_set_plugged,
    .port_get_hotplug = fp_model_port_get_hotplug,
    .evb_set_mode = fp_model_evb_set_mode,
    .evb_get_mode = fp_model_evb_get_mode,
    .port_set_extension = fp_model_port_set_extension,
    .port_get_extension = fp_model_port_get_extension,
    .port_set_ecid = fp_model_port_set_ecid,
    .port_get_ecid = fp_model_port_get_ecid,
    .port_get_evb_stats = fp_model_port_get_evb_stats,
    .vf_set_config = fp_model_vf_set_config,
    .vf_get_config = fp_model_vf_get_config,
    .vf_get_stats = fp_model_vf_get_stats,
    .vf_reset = fp_model_vf_reset,
};
