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

#include "fp-rte-flow-dev.h"
#include "fp-rte-flow-dev-private.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>

#include "coverage.h"
#include "fp/fp-provider.h"
#include "fp-rte-flow.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_rte_flow_dev);

COVERAGE_DEFINE(fp_rte_flow_dev_created);
COVERAGE_DEFINE(fp_rte_flow_dev_refused);
COVERAGE_DEFINE(fp_rte_flow_dev_destroyed);
COVERAGE_DEFINE(fp_rte_flow_dev_reset);

#define FP_RTE_FLOW_DEV_PREFIX "rte_flow:"

/* Rule table size that the device's configuration says: the NIC's real
 * capacity is unknown here; the PMD says when it is full (ENOSPC). */
#define FP_RTE_FLOW_DEV_N_RULES (1u << 20)

/* The devices, by their proxy's port id. */
static struct ovs_mutex fp_rte_flow_dev_mutex = OVS_MUTEX_INITIALIZER;
static struct fp_rte_flow_dev *fp_rte_flow_devs[RTE_MAX_ETHPORTS]
    OVS_GUARDED_BY(fp_rte_flow_dev_mutex);

static const struct fp_device_class fp_rte_flow_dev_class;

struct fp_rte_flow_dev *
fp_rte_flow_dev_cast(const struct fp_device *dev)
{
    ovs_assert(dev->class == &fp_rte_flow_dev_class);
    return CONTAINER_OF(dev, struct fp_rte_flow_dev, up);
}

/* Formats the message of 'error' and of errno value 'err' (positive) into
 * 'buf' of 'size' bytes: the PMD's message, and the errno's if the PMD's
 * does not have it already. */
void
fp_rte_flow_dev_format_error(char *buf, size_t size, const char *what,
                             const struct rte_flow_error *error, int err)
{
    const char *errstr = ovs_strerror(err);
    const char *msg = error->message;

    if (msg && msg[0] && !strstr(msg, errstr)) {
        snprintf(buf, size, "%s: %s (%s)", what, msg, errstr);
    } else {
        snprintf(buf, size, "%s: %s", what, msg && msg[0] ? msg : errstr);
    }
}

/* ## -------------------- ## */
/* ## Device life cycle.   ## */
/* ## -------------------- ## */

static int
fp_rte_flow_dev_create(const char *name, const struct fp_device_config *config,
                       struct fp_device **devp)
{
    struct fp_rte_flow_dev *dev;
    uint16_t proxy;

    *devp = NULL;
    if (strncmp(name, FP_RTE_FLOW_DEV_PREFIX,
                strlen(FP_RTE_FLOW_DEV_PREFIX))
        || rte_eth_dev_get_port_by_name(name
                                        + strlen(FP_RTE_FLOW_DEV_PREFIX),
                                        &proxy)) {
        return ENODEV;
    }

    dev = xzalloc(sizeof *dev);
    fp_device_init(&dev->up, &fp_rte_flow_dev_class, name, config);
    dev->proxy = proxy;
    ovs_mutex_init(&dev->mutex);
    hmap_init(&dev->rules);
    dev->next_id = 1;
    dev->vlan_limit = 2;
    fp_rte_flow_dev_mtr_init(dev);
    *devp = &dev->up;
    return 0;
}

static void
fp_rte_flow_dev_rule_free(struct fp_rte_flow_dev *dev,
                          struct fp_rte_flow_dev_rule *r, bool destroy)
    OVS_REQUIRES(dev->mutex)
{
    if (destroy && r->flow) {
        struct rte_flow_error error;

        memset(&error, 0, sizeof error);
        rte_flow_destroy(dev->proxy, r->flow, &error);
        COVERAGE_INC(fp_rte_flow_dev_destroyed);
    }
    hmap_remove(&dev->rules, &r->node);
    free(r);
}

/* Forgets every rule: destroys them in the PMD one by one or, if they may
 * be gone from it ('stale'), with rte_flow_flush() on the proxy. */
static void
fp_rte_flow_dev_clear(struct fp_rte_flow_dev *dev)
    OVS_REQUIRES(dev->mutex)
{
    struct fp_rte_flow_dev_rule *r;

    if (dev->stale && !hmap_is_empty(&dev->rules)) {
        struct rte_flow_error error;

        memset(&error, 0, sizeof error);
        if (rte_flow_flush(dev->proxy, &error)) {
            VLOG_DBG("%s: rte_flow_flush: %s", dev->up.name,
                     error.message ? error.message : "failed");
        }
    }
    HMAP_FOR_EACH_SAFE (r, node, &dev->rules) {
        fp_rte_flow_dev_rule_free(dev, r, !dev->stale);
    }
    fp_rte_flow_dev_mtr_clear(dev);
    dev->stale = false;
}

static void
fp_rte_flow_dev_destroy(struct fp_device *dev_)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);

    ovs_mutex_lock(&dev->mutex);
    fp_rte_flow_dev_clear(dev);
    ovs_mutex_unlock(&dev->mutex);
    hmap_destroy(&dev->rules);
    fp_rte_flow_dev_mtr_destroy(dev);
    ovs_mutex_destroy(&dev->mutex);
    fp_device_uninit(&dev->up);
    free(dev);
}

/* A NIC seen through rte_flow has no hit or miss counters: the rules in use
 * and the resets. */
static void
fp_rte_flow_dev_get_stats(const struct fp_device *dev_,
                          struct fp_device_stats *stats)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);

    ovs_mutex_lock(&dev->mutex);
    stats->n_rules = hmap_count(&dev->rules);
    stats->resets = dev->resets;
    fp_rte_flow_dev_mtr_counts(dev, stats);
    ovs_mutex_unlock(&dev->mutex);
}

/* rte_flow does not set how many VLAN tags the NIC's parser takes, but its
 * items say exactly which tags a packet has: the VLAN limit only says what
 * the keys of later rules mean (eth_type after the first tag or after
 * both, see struct fp_rte_flow_config), which the translation expresses
 * for either limit. */
static int
fp_rte_flow_dev_set_vlan_limit(struct fp_device *dev_,
                               unsigned int vlan_limit)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);

    ovs_mutex_lock(&dev->mutex);
    dev->vlan_limit = vlan_limit;
    ovs_mutex_unlock(&dev->mutex);
    return 0;
}

static unsigned int
fp_rte_flow_dev_get_vlan_limit(const struct fp_device *dev_)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);
    unsigned int vlan_limit;

    ovs_mutex_lock(&dev->mutex);
    vlan_limit = dev->vlan_limit;
    ovs_mutex_unlock(&dev->mutex);
    return vlan_limit;
}

/* ## ------ ## */
/* ## Rules. ## */
/* ## ------ ## */

static struct fp_rte_flow_dev_rule *
fp_rte_flow_dev_find(const struct fp_rte_flow_dev *dev, uint32_t id)
    OVS_REQUIRES(dev->mutex)
{
    struct fp_rte_flow_dev_rule *r;

    HMAP_FOR_EACH_WITH_HASH (r, node, hash_int(id, 0), &dev->rules) {
        if (r->id == id) {
            return r;
        }
    }
    return NULL;
}

/* Builds and creates the rte_flow of 'rule' on the proxy of 'dev'.  Returns
 * the rte_flow, or NULL with op->error and op->reason set and, if the PMD
 * refused, its errno value in '*pmd_errp' (else 0).
 *
 * There is no rte_flow_validate() before rte_flow_create(): a PMD's create
 * checks the rule as its validate does and refuses it with the same
 * rte_flow_error (DPDK's contract, on which OVS's netdev-offload-dpdk also
 * relies: it only creates), and a validate that passes does not promise
 * that the create will (the table may be full).  So a validate would only
 * double the PMD's work for every rule. */
static struct rte_flow *
fp_rte_flow_dev_install(struct fp_rte_flow_dev *dev,
                        const struct fp_rule *rule, struct fp_rule_op *op,
                        int *pmd_errp)
    OVS_REQUIRES(dev->mutex)
{
    uint16_t port_ids[RTE_MAX_ETHPORTS];
    struct fp_rte_flow_config cfg;
    struct rte_flow_error error;
    struct rte_flow *flow = NULL;
    struct fp_rte_flow built;
    char *reason = NULL;
    const char *what;
    size_t i;
    int ret;

    *pmd_errp = 0;
    if (!fp_rte_flow_dev_mtr_check(dev, rule, op)) {
        goto out;
    }

    for (i = 0; i < RTE_MAX_ETHPORTS; i++) {
        port_ids[i] = dev->members[i] ? i : FP_RTE_FLOW_NO_PORT;
    }
    fp_rte_flow_config_default(&cfg);
    cfg.port_ids = port_ids;
    cfg.n_ports = RTE_MAX_ETHPORTS;
    cfg.transfer = true;
    cfg.vlan_limit = dev->vlan_limit;
    cfg.count = true;
    cfg.counter_handle = fp_rte_flow_dev_counter_handle;
    cfg.counter_aux = dev;
    op->error = fp_rte_flow_build(rule, &cfg, &built, &reason);
    if (op->error) {
        ovs_strlcpy(op->reason, reason ? reason : "not expressible in "
                    "rte_flow", sizeof op->reason);
        free(reason);
        goto out;
    }
    fp_rte_flow_dev_mtr_fix(dev, &built);

    memset(&error, 0, sizeof error);
    what = "rte_flow_create";
    rte_errno = 0;
    flow = rte_flow_create(dev->proxy, &built.attr, built.items,
                           built.actions, &error);
    ret = flow ? 0 : -(rte_errno ? rte_errno : EINVAL);
    fp_rte_flow_destroy(&built);
    if (ret) {
        int err = -ret;

        *pmd_errp = err;
        op->error = err == ENOSPC || err == ENOMEM ? ENOSPC : EOPNOTSUPP;
        if (op->error == ENOSPC) {
            op->full = FP_RES_RULES;
        }
        fp_rte_flow_dev_format_error(op->reason, sizeof op->reason, what,
                                     &error, err);
        VLOG_DBG("%s: %s", dev->up.name, op->reason);
        flow = NULL;
        goto out;
    }
    COVERAGE_INC(fp_rte_flow_dev_created);

out:
    if (!flow) {
        COVERAGE_INC(fp_rte_flow_dev_refused);
    }
    return flow;
}

/* Reads the counters of 'r' into r->last, never backwards, and stores its
 * total in '*stats'. */
static void
fp_rte_flow_dev_read(struct fp_rte_flow_dev *dev,
                     struct fp_rte_flow_dev_rule *r,
                     struct fp_rule_stats *stats)
    OVS_REQUIRES(dev->mutex)
{
    const struct rte_flow_action count = {
        .type = RTE_FLOW_ACTION_TYPE_COUNT,
    };
    struct rte_flow_query_count query;
    struct rte_flow_error error;

    memset(&query, 0, sizeof query);
    memset(&error, 0, sizeof error);
    if (r->flow && !rte_flow_query(dev->proxy, r->flow, &count, &query,
                                   &error)) {
        uint64_t hits = query.hits_set ? query.hits : r->last.n_packets;
        uint64_t bytes = query.bytes_set ? query.bytes : r->last.n_bytes;

        if (hits >= r->last.n_packets && bytes >= r->last.n_bytes) {
            if (hits > r->last.n_packets) {
                r->last.used = time_msec();
            }
            r->last.n_packets = hits;
            r->last.n_bytes = bytes;
        }
    }
    stats->n_packets = r->base.n_packets + r->last.n_packets;
    stats->n_bytes = r->base.n_bytes + r->last.n_bytes;
    stats->used = MAX(r->base.used, r->last.used);
    stats->tcp_flags = 0;
}

/* Takes the rte_flow of 'r' out of the PMD, its final counters into the
 * base of 'r'. */
static void
fp_rte_flow_dev_retire(struct fp_rte_flow_dev *dev,
                       struct fp_rte_flow_dev_rule *r)
    OVS_REQUIRES(dev->mutex)
{
    struct fp_rule_stats total;

    fp_rte_flow_dev_read(dev, r, &total);
    if (r->flow) {
        struct rte_flow_error error;

        memset(&error, 0, sizeof error);
        rte_flow_destroy(dev->proxy, r->flow, &error);
        COVERAGE_INC(fp_rte_flow_dev_destroyed);
        r->flow = NULL;
    }
    r->base = total;
    memset(&r->last, 0, sizeof r->last);
}

/* Replaces the rte_flow of 'r' by one of 'op->rule'; see "MODIFY" in
 * fp-rte-flow-dev.h. */
void
fp_rte_flow_dev_modify(struct fp_rte_flow_dev *dev,
                       struct fp_rte_flow_dev_rule *r, struct fp_rule_op *op)
    OVS_REQUIRES(dev->mutex)
{
    struct rte_flow *flow;
    int pmd_err;

    /* The new rule first, so that a packet meets one of them. */
    flow = fp_rte_flow_dev_install(dev, op->rule, op, &pmd_err);
    if (!flow && pmd_err == EEXIST && r->flow) {
        /* A PMD that refuses two rules of one pattern: the old one out
         * first.  Packets meet neither for a moment, and take the
         * exception path. */
        fp_rte_flow_dev_retire(dev, r);
        op->error = 0;
        op->full = FP_RES_NONE;
        op->reason[0] = '\0';
        flow = fp_rte_flow_dev_install(dev, op->rule, op, &pmd_err);
        if (!flow) {
            /* The old one back, as a failed operation changes nothing;
             * if the PMD refuses it too, the rule counts nothing more
             * until it is modified or deleted. */
            struct fp_rule_op old_op;

            memset(&old_op, 0, sizeof old_op);
            r->flow = fp_rte_flow_dev_install(dev, &r->rule, &old_op,
                                              &pmd_err);
            return;
        }
    }
    if (flow) {
        struct fp_rule rule = *op->rule;    /* 'op->rule' may be 'r->rule'. */

        fp_rte_flow_dev_retire(dev, r);
        r->flow = flow;
        r->rule = rule;
    }
}

static uint32_t
fp_rte_flow_dev_new_id(struct fp_rte_flow_dev *dev)
    OVS_REQUIRES(dev->mutex)
{
    for (;;) {
        uint32_t id = dev->next_id++;

        if (!dev->next_id) {
            dev->next_id = 1;
            dev->ids_wrapped = true;
        }
        /* Until the ids wrap around, a new one is free: no lookup. */
        if (id && (!dev->ids_wrapped || !fp_rte_flow_dev_find(dev, id))) {
            return id;
        }
    }
}

static void
fp_rte_flow_dev_rule_batch(struct fp_device *dev_, struct fp_rule_op *ops,
                           size_t n)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);
    size_t i;

    ovs_mutex_lock(&dev->mutex);
    for (i = 0; i < n; i++) {
        struct fp_rule_op *op = &ops[i];
        struct fp_rte_flow_dev_rule *r;
        struct rte_flow *flow;
        int pmd_err;

        if (op->error) {
            continue;
        }
        r = op->type == FP_RULE_OP_ADD ? NULL : fp_rte_flow_dev_find(dev,
                                                                     op->id);
        if (op->type != FP_RULE_OP_ADD && !r) {
            op->error = ENOENT;
            continue;
        }

        switch (op->type) {
        case FP_RULE_OP_ADD:
            flow = fp_rte_flow_dev_install(dev, op->rule, op, &pmd_err);
            if (flow) {
                r = xzalloc(sizeof *r);
                r->id = fp_rte_flow_dev_new_id(dev);
                r->flow = flow;
                r->rule = *op->rule;
                hmap_insert(&dev->rules, &r->node, hash_int(r->id, 0));
                op->id = r->id;
            }
            break;

        case FP_RULE_OP_MODIFY:
            fp_rte_flow_dev_modify(dev, r, op);
            break;

        case FP_RULE_OP_DELETE:
            fp_rte_flow_dev_read(dev, r, &op->stats);
            fp_rte_flow_dev_rule_free(dev, r, true);
            break;

        default:
            op->error = EINVAL;
            break;
        }
    }
    ovs_mutex_unlock(&dev->mutex);
}

static int
fp_rte_flow_dev_rule_get_stats(struct fp_device *dev_, uint32_t id,
                               struct fp_rule_stats *stats)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);
    struct fp_rte_flow_dev_rule *r;
    int error = 0;

    ovs_mutex_lock(&dev->mutex);
    r = fp_rte_flow_dev_find(dev, id);
    if (r) {
        fp_rte_flow_dev_read(dev, r, stats);
    } else {
        memset(stats, 0, sizeof *stats);
        error = ENOENT;
    }
    ovs_mutex_unlock(&dev->mutex);
    return error;
}

static int
fp_rte_flow_dev_compare_entries(const void *a_, const void *b_)
{
    const struct fp_rule_stats_entry *a = a_;
    const struct fp_rule_stats_entry *b = b_;

    return a->id < b->id ? -1 : a->id > b->id;
}

/* One rte_flow_query() per rule (see fp-rte-flow-dev.h). */
static int
fp_rte_flow_dev_rule_get_stats_all(struct fp_device *dev_,
                                   struct fp_rule_stats_entry **entriesp,
                                   size_t *n_entriesp)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);
    struct fp_rule_stats_entry *entries;
    struct fp_rte_flow_dev_rule *r;
    size_t n = 0;

    ovs_mutex_lock(&dev->mutex);
    entries = xmalloc(MAX(hmap_count(&dev->rules), 1) * sizeof *entries);
    HMAP_FOR_EACH (r, node, &dev->rules) {
        entries[n].id = r->id;
        fp_rte_flow_dev_read(dev, r, &entries[n].stats);
        n++;
    }
    ovs_mutex_unlock(&dev->mutex);

    qsort(entries, n, sizeof *entries, fp_rte_flow_dev_compare_entries);
    *entriesp = entries;
    *n_entriesp = n;
    return 0;
}

/* ## ------------------ ## */
/* ## Reset and ports.   ## */
/* ## ------------------ ## */

static int
fp_rte_flow_dev_reset(struct fp_device *dev_)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);

    ovs_mutex_lock(&dev->mutex);
    fp_rte_flow_dev_clear(dev);
    dev->resets++;
    ovs_mutex_unlock(&dev->mutex);
    COVERAGE_INC(fp_rte_flow_dev_reset);
    return 0;
}

/* The ports' counters are the ethdevs', which netdev-dpdk reports. */
static void
fp_rte_flow_dev_port_get_stats(const struct fp_device *dev OVS_UNUSED,
                               uint32_t port OVS_UNUSED,
                               struct fp_port_stats *stats OVS_UNUSED)
{
}

/* No packet I/O (see "Packet I/O" in fp-provider.h), no port
 * administration: OVS's netdev-dpdk and the ethdevs have them. */
static const struct fp_device_class fp_rte_flow_dev_class = {
    .type = "rte_flow",
    .create = fp_rte_flow_dev_create,
    .destroy = fp_rte_flow_dev_destroy,
    .get_stats = fp_rte_flow_dev_get_stats,
    .set_vlan_limit = fp_rte_flow_dev_set_vlan_limit,
    .get_vlan_limit = fp_rte_flow_dev_get_vlan_limit,
    .rule_batch = fp_rte_flow_dev_rule_batch,
    .rule_get_stats = fp_rte_flow_dev_rule_get_stats,
    .rule_get_stats_all = fp_rte_flow_dev_rule_get_stats_all,
    .meter_set = fp_rte_flow_dev_meter_set,
    .meter_delete = fp_rte_flow_dev_meter_delete,
    .meter_get_stats = fp_rte_flow_dev_meter_get_stats,
    .counter_alloc = fp_rte_flow_dev_counter_alloc,
    .counter_free = fp_rte_flow_dev_counter_free,
    .counter_get = fp_rte_flow_dev_counter_get,
    .reset = fp_rte_flow_dev_reset,
    .port_get_stats = fp_rte_flow_dev_port_get_stats,
};

/* ## ------------ ## */
/* ## Public API.  ## */
/* ## ------------ ## */

/* Finds the transfer proxy of 'port_id' in '*proxyp'.  A PMD without
 * rte_flow or without transfer proxies is its own proxy: its rules are
 * then refused by rte_flow_validate(), with its message. */
static void
fp_rte_flow_dev_pick_proxy(uint16_t port_id, uint16_t *proxyp)
{
    struct rte_flow_error error;

    memset(&error, 0, sizeof error);
    if (rte_flow_pick_transfer_proxy(port_id, proxyp, &error)
        || !rte_eth_dev_is_valid_port(*proxyp)) {
        VLOG_DBG("DPDK port %"PRIu16": no transfer proxy (%s), the port is "
                 "its own", port_id,
                 error.message ? error.message : "invalid port");
        *proxyp = port_id;
    }
}

/* See fp-rte-flow-dev.h. */
int
fp_rte_flow_dev_open(uint16_t port_id, struct fp_device **devp,
                     uint32_t *portp, char **errorp)
{
    char proxy_name[RTE_ETH_NAME_MAX_LEN];
    struct fp_rte_flow_dev *dev;
    uint16_t proxy;
    int error = 0;

    *devp = NULL;
    *portp = 0;
    *errorp = NULL;
    if (port_id >= RTE_MAX_ETHPORTS || !rte_eth_dev_is_valid_port(port_id)) {
        *errorp = xasprintf("DPDK port %"PRIu16" does not exist", port_id);
        return ENODEV;
    }
    fp_rte_flow_dev_pick_proxy(port_id, &proxy);

    ovs_mutex_lock(&fp_rte_flow_dev_mutex);
    dev = fp_rte_flow_devs[proxy];
    if (!dev) {
        struct fp_device_config config;
        struct fp_device *fp_dev;
        char *name;

        if (rte_eth_dev_get_name_by_port(proxy, proxy_name)) {
            *errorp = xasprintf("DPDK port %"PRIu16": transfer proxy %"
                                PRIu16" has no name", port_id, proxy);
            error = ENODEV;
            goto out;
        }
        fp_device_config_default(&config);
        config.n_phy_ports = RTE_MAX_ETHPORTS;
        config.n_vfs = 0;
        config.n_rules = FP_RTE_FLOW_DEV_N_RULES;
        config.n_meters = fp_rte_flow_dev_mtr_capacity(proxy);
        name = xasprintf(FP_RTE_FLOW_DEV_PREFIX"%s", proxy_name);
        error = fp_device_create_class(&fp_rte_flow_dev_class, name,
                                       &config, &fp_dev);
        if (error) {
            *errorp = xasprintf("%s: cannot create the fp device (%s)",
                                name, ovs_strerror(error));
            free(name);
            goto out;
        }
        free(name);
        dev = fp_rte_flow_dev_cast(fp_dev);
        fp_rte_flow_devs[proxy] = dev;
    }
    dev->port_refs[port_id]++;
    dev->n_refs++;
    ovs_mutex_lock(&dev->mutex);
    dev->members[port_id] = true;
    ovs_mutex_unlock(&dev->mutex);
    *devp = &dev->up;
    *portp = port_id;

out:
    ovs_mutex_unlock(&fp_rte_flow_dev_mutex);
    return error;
}

/* Drops a reference to 'dev'; destroys it with the last.  Its rules go with
 * it. */
static void
fp_rte_flow_dev_unref(struct fp_rte_flow_dev *dev)
    OVS_REQUIRES(fp_rte_flow_dev_mutex)
{
    ovs_assert(dev->n_refs);
    if (!--dev->n_refs) {
        fp_rte_flow_devs[dev->proxy] = NULL;
        fp_device_destroy(&dev->up);
    }
}

/* See fp-rte-flow-dev.h. */
void
fp_rte_flow_dev_close(struct fp_device *dev_, uint16_t port_id)
{
    struct fp_rte_flow_dev *dev;

    if (!dev_) {
        return;
    }
    dev = fp_rte_flow_dev_cast(dev_);
    ovs_mutex_lock(&fp_rte_flow_dev_mutex);
    if (port_id < RTE_MAX_ETHPORTS && dev->port_refs[port_id]) {
        if (!--dev->port_refs[port_id]) {
            ovs_mutex_lock(&dev->mutex);
            dev->members[port_id] = false;
            ovs_mutex_unlock(&dev->mutex);
        }
        fp_rte_flow_dev_unref(dev);
    }
    ovs_mutex_unlock(&fp_rte_flow_dev_mutex);
}

/* See fp-rte-flow-dev.h. */
void
fp_rte_flow_dev_port_started(uint16_t port_id)
{
    struct rte_eth_dev_info info;
    struct fp_rte_flow_dev *dev = NULL;
    size_t i;

    if (port_id >= RTE_MAX_ETHPORTS) {
        return;
    }

    /* Hold a reference, not the lock, during the reset: the listeners may
     * take locks of their own, under which they open and close ports. */
    ovs_mutex_lock(&fp_rte_flow_dev_mutex);
    for (i = 0; i < RTE_MAX_ETHPORTS && !dev; i++) {
        struct fp_rte_flow_dev *d = fp_rte_flow_devs[i];

        if (d && (d->proxy == port_id || d->port_refs[port_id])) {
            dev = d;
            dev->n_refs++;
        }
    }
    ovs_mutex_unlock(&fp_rte_flow_dev_mutex);
    if (!dev) {
        return;
    }

    memset(&info, 0, sizeof info);
    if (!rte_eth_dev_info_get(dev->proxy, &info)
        && info.dev_capa & RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP) {
        VLOG_DBG("%s: DPDK port %"PRIu16" started; the PMD kept the rules",
                 dev->up.name, port_id);
    } else {
        VLOG_INFO("%s: DPDK port %"PRIu16" started, and its PMD does not "
                  "keep rules across a restart: resetting", dev->up.name,
                  port_id);
        ovs_mutex_lock(&dev->mutex);
        dev->stale = true;
        ovs_mutex_unlock(&dev->mutex);
        fp_device_reset(&dev->up);
    }

    ovs_mutex_lock(&fp_rte_flow_dev_mutex);
    fp_rte_flow_dev_unref(dev);
    ovs_mutex_unlock(&fp_rte_flow_dev_mutex);
}
