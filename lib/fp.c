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

#include "fp/fp.h"

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "fp/fp-provider.h"
#include "hash.h"
#include "fp-model.h"
#include "fp-private.h"
#include "fp-rule.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp);

COVERAGE_DEFINE(fp_device_create);
COVERAGE_DEFINE(fp_device_destroy);

/* Limits of a device's configuration. */
#define FP_MAX_ENGINES 64
#define FP_MAX_PORTS 4096
#define FP_MAX_MASKS 4096
#define FP_MAX_METERS (1024 * 1024)
#define FP_MAX_EMC (1024 * 1024)
#define FP_MIN_RING 16
#define FP_MAX_RING 65536
#define FP_MAX_BATCH 256

/* Shared counters that n_counters 0 adds to n_rules. */
#define FP_EXTRA_COUNTERS 4096

/* The registry of devices, by name. */
static struct ovs_mutex fp_mutex = OVS_MUTEX_INITIALIZER;
static struct shash fp_devices OVS_GUARDED_BY(fp_mutex)
    = SHASH_INITIALIZER(&fp_devices);

/* Reset listeners and pending faults, per device, under 'fp_mutex'. */
struct fp_listener {
    struct fp_device *dev;
    fp_device_listener_func *func;
    void *aux;
};
static struct fp_listener *fp_listeners OVS_GUARDED_BY(fp_mutex);
static size_t fp_n_listeners OVS_GUARDED_BY(fp_mutex);
static size_t fp_allocated_listeners OVS_GUARDED_BY(fp_mutex);

struct fp_fault {
    struct fp_device *dev;
    enum fp_op op;
    unsigned int n;
    int error;
};
static struct fp_fault *fp_faults OVS_GUARDED_BY(fp_mutex);
static size_t fp_n_faults OVS_GUARDED_BY(fp_mutex);
static size_t fp_allocated_faults OVS_GUARDED_BY(fp_mutex);

/* Faults at random (fp_device_fail_random()), one per device at most. */
struct fp_random_fault {
    struct fp_device *dev;
    unsigned int per_million;   /* Chance that an operation fails. */
    uint32_t seed;
    int error;
    struct fp_fault_stats stats;
};
static struct fp_random_fault *fp_random_faults OVS_GUARDED_BY(fp_mutex);
static size_t fp_n_random_faults OVS_GUARDED_BY(fp_mutex);
static size_t fp_allocated_random_faults OVS_GUARDED_BY(fp_mutex);

static atomic_bool fp_any_fault = false;

static bool fp_op_may_fail_at_random(enum fp_op);
static void fp_fault_update_any(void);

/* Returns a name for 'res' that completes "... full", e.g. "rule
 * table". */
const char *
fp_resource_name(enum fp_resource res)
{
    switch (res) {
    case FP_RES_RULES:
        return "rule table";
    case FP_RES_MASKS:
        return "mask table";
    case FP_RES_COUNTERS:
        return "counter table";
    case FP_RES_METERS:
        return "meter table";
    case FP_RES_NONE:
    default:
        return "no table";
    }
}

/* Stores the default configuration of a device in '*config': 2 physical
 * ports, 8 VFs, 65536 rules, 1 packet engine, 512 masks, 1024 meters,
 * counters for every rule plus 4096, an exact-match cache of 8192 entries
 * per engine, RX rings of 1024 packets, batches of 32. */
void
fp_device_config_default(struct fp_device_config *config)
{
    memset(config, 0, sizeof *config);
    config->n_phy_ports = 2;
    config->n_vfs = 8;
    config->n_rules = 65536;
    config->n_engines = 1;
    config->n_masks = 512;
    config->n_meters = 1024;
    config->n_counters = 0;
    config->emc_size = 8192;
    config->rx_ring_size = 1024;
    config->batch_size = 32;
}

static bool
fp_is_pow2(uint32_t x)
{
    return x && !(x & (x - 1));
}

/* Checks 'config'.  Returns 0 if a device can have it, otherwise EINVAL
 * and, if 'errp' is nonnull, stores in '*errp' a message that names the
 * first bad member and its limits (the caller frees it). */
int
fp_device_config_validate(const struct fp_device_config *c, char **errp)
{
    char *err = NULL;

    if (!c->n_phy_ports) {
        err = xstrdup("n_phy_ports must be at least 1");
    } else if ((uint64_t) c->n_phy_ports + c->n_vfs > FP_MAX_PORTS) {
        err = xasprintf("n_phy_ports + n_vfs (%"PRIu64") must be at most %d",
                        (uint64_t) c->n_phy_ports + c->n_vfs, FP_MAX_PORTS);
    } else if (!c->n_rules || c->n_rules >= UINT32_MAX - FP_EXTRA_COUNTERS) {
        err = xasprintf("n_rules (%"PRIu32") must be at least 1 and below "
                        "%"PRIu32, c->n_rules,
                        UINT32_MAX - FP_EXTRA_COUNTERS);
    } else if (!c->n_engines || c->n_engines > FP_MAX_ENGINES) {
        err = xasprintf("n_engines (%"PRIu32") must be 1...%d",
                        c->n_engines, FP_MAX_ENGINES);
    } else if (!c->n_masks || c->n_masks > FP_MAX_MASKS) {
        err = xasprintf("n_masks (%"PRIu32") must be 1...%d",
                        c->n_masks, FP_MAX_MASKS);
    } else if (c->n_meters > FP_MAX_METERS) {
        err = xasprintf("n_meters (%"PRIu32") must be at most %d",
                        c->n_meters, FP_MAX_METERS);
    } else if (c->n_counters && c->n_counters < c->n_rules) {
        err = xasprintf("n_counters (%"PRIu32") must be 0 (automatic) or at "
                        "least n_rules (%"PRIu32")", c->n_counters,
                        c->n_rules);
    } else if (c->emc_size
               && (!fp_is_pow2(c->emc_size) || c->emc_size > FP_MAX_EMC)) {
        err = xasprintf("emc_size (%"PRIu32") must be 0 or a power of 2 up "
                        "to %d", c->emc_size, FP_MAX_EMC);
    } else if (!fp_is_pow2(c->rx_ring_size) || c->rx_ring_size < FP_MIN_RING
               || c->rx_ring_size > FP_MAX_RING) {
        err = xasprintf("rx_ring_size (%"PRIu32") must be a power of 2, "
                        "%d...%d", c->rx_ring_size, FP_MIN_RING,
                        FP_MAX_RING);
    } else if (!c->batch_size || c->batch_size > FP_MAX_BATCH) {
        err = xasprintf("batch_size (%"PRIu32") must be 1...%d",
                        c->batch_size, FP_MAX_BATCH);
    }

    if (errp) {
        *errp = err;
    } else {
        free(err);
    }
    return err ? EINVAL : 0;
}

/* Initializes the members of 'dev' that every driver shares.  See
 * fp-provider.h. */
void
fp_device_init(struct fp_device *dev, const struct fp_device_class *class,
               const char *name, const struct fp_device_config *config)
{
    dev->name = xstrdup(name);
    dev->class = class;
    dev->config = *config;
    dev->links = xcalloc(config->n_phy_ports + config->n_vfs,
                         sizeof *dev->links);
}

/* Frees what fp_device_init() allocated in 'dev'.  See fp-provider.h. */
void
fp_device_uninit(struct fp_device *dev)
{
    free(dev->name);
    dev->name = NULL;
    free(dev->links);
    dev->links = NULL;
}

/* Creates a device named 'name' with 'config' (the default configuration
 * if 'config' is NULL) and stores it in '*devp'.  The device uses the
 * model driver (fp_device_create_class() for another).
 *
 * Returns 0; EINVAL if 'name' is NULL or empty or 'config' is invalid (see
 * fp_device_config_validate(); the reason is logged at DBG level); EEXIST
 * if a device named 'name' exists; or another positive errno value if the
 * driver fails.  On failure, stores NULL in
 * '*devp'. */
int
fp_device_create(const char *name, const struct fp_device_config *config,
                 struct fp_device **devp)
{
    return fp_device_create_class(&fp_model_class, name, config, devp);
}

/* As fp_device_create(), with the driver of 'class'.  See
 * fp-provider.h. */
int
fp_device_create_class(const struct fp_device_class *class, const char *name,
                       const struct fp_device_config *config,
                       struct fp_device **devp)
{
    struct fp_device_config default_config, resolved;
    struct fp_device *dev = NULL;
    char *err;
    int error;

    if (!config) {
        fp_device_config_default(&default_config);
        config = &default_config;
    }
    if (!name || !name[0]) {
        error = EINVAL;
        goto out;
    }
    error = fp_device_config_validate(config, &err);
    if (error) {
        VLOG_DBG("%s: bad device configuration: %s", name, err);
        free(err);
        goto out;
    }
    resolved = *config;
    if (!resolved.n_counters) {
        resolved.n_counters = resolved.n_rules + FP_EXTRA_COUNTERS;
    }
    config = &resolved;

    ovs_mutex_lock(&fp_mutex);
    if (shash_find(&fp_devices, name)) {
        error = EEXIST;
    } else {
        error = class->create(name, config, &dev);
        if (!error) {
            shash_add(&fp_devices, name, dev);
        }
    }
    ovs_mutex_unlock(&fp_mutex);

    if (!error) {
        COVERAGE_INC(fp_device_create);
        VLOG_INFO("%s: created %s device with %"PRIu32" physical ports, "
                  "%"PRIu32" VFs, %"PRIu32" rules, %"PRIu32" engines",
                  name, class->type, config->n_phy_ports, config->n_vfs,
                  config->n_rules, config->n_engines);
    }

out:
    if (error) {
        dev = NULL;
    }
    *devp = dev;
    return error;
}

/* Destroys 'dev' (nothing if it is NULL): removes it from the registry,
 * stops its engines and frees its rules, queued packets and capture files.
 * The caller must ensure that no other thread uses 'dev' during or after
 * this call. */
void
fp_device_destroy(struct fp_device *dev)
{
    size_t i;

    if (!dev) {
        return;
    }

    ovs_mutex_lock(&fp_mutex);
    shash_find_and_delete_assert(&fp_devices, dev->name);
    for (i = 0; i < fp_n_listeners; ) {
        if (fp_listeners[i].dev == dev) {
            fp_listeners[i] = fp_listeners[--fp_n_listeners];
        } else {
            i++;
        }
    }
    for (i = 0; i < fp_n_faults; ) {
        if (fp_faults[i].dev == dev) {
            fp_faults[i] = fp_faults[--fp_n_faults];
        } else {
            i++;
        }
    }
    for (i = 0; i < fp_n_random_faults; i++) {
        if (fp_random_faults[i].dev == dev) {
            fp_random_faults[i] = fp_random_faults[--fp_n_random_faults];
            break;
        }
    }
    ovs_mutex_unlock(&fp_mutex);

    /* Links feed the device from threads of their own, or the device's
     * threads poll them: take them from their ports and close them
     * first. */
    for (i = 0; i < dev->config.n_phy_ports + dev->config.n_vfs; i++) {
        if (dev->links[i]) {
            fp_port_set_endpoint(dev, i, NULL, NULL);
            fp_link_close(dev->links[i]);
            dev->links[i] = NULL;
        }
    }

    COVERAGE_INC(fp_device_destroy);
    VLOG_INFO("%s: destroyed", dev->name);
    dev->class->destroy(dev);
}

/* Returns the device named 'name', or NULL if there is none. */
struct fp_device *
fp_device_find(const char *name)
{
    struct fp_device *dev;

    ovs_mutex_lock(&fp_mutex);
    dev = name ? shash_find_data(&fp_devices, name) : NULL;
    ovs_mutex_unlock(&fp_mutex);

    return dev;
}

/* Stores up to 'max' devices in 'devices', sorted by name, and returns the
 * number of devices that exist (which may be more than 'max'). */
size_t
fp_device_list(struct fp_device **devices, size_t max)
{
    const struct shash_node **nodes;
    size_t i, n;

    ovs_mutex_lock(&fp_mutex);
    n = shash_count(&fp_devices);
    nodes = shash_sort(&fp_devices);
    for (i = 0; i < n && i < max; i++) {
        devices[i] = nodes[i]->data;
    }
    ovs_mutex_unlock(&fp_mutex);
    free(nodes);

    return n;
}

/* Returns the name of 'dev'. */
const char *
fp_device_name(const struct fp_device *dev)
{
    return dev->name;
}

/* Returns the name of the driver of 'dev', e.g. "model". */
const char *
fp_device_driver(const struct fp_device *dev)
{
    return dev->class->type;
}

/* Stores the configuration of 'dev' in '*config'. */
void
fp_device_get_config(const struct fp_device *dev,
                     struct fp_device_config *config)
{
    *config = dev->config;
}

/* Stores the counters of 'dev' in '*stats'. */
void
fp_device_get_stats(const struct fp_device *dev,
                    struct fp_device_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    dev->class->get_stats(dev, stats);
}

/* Sets the most VLAN tags that the parser of 'dev' takes, as fp.h
 * describes.  Returns 0, EINVAL if 'vlan_limit' is not 1 or 2, or
 * EOPNOTSUPP. */
int
fp_device_set_vlan_limit(struct fp_device *dev, unsigned int vlan_limit)
{
    int error;

    if (vlan_limit < 1 || vlan_limit > 2) {
        return EINVAL;
    }
    error = fp_fault_check(dev, FP_OP_VLAN_LIMIT);
    return error ? error : dev->class->set_vlan_limit(dev, vlan_limit);
}

/* Returns the most VLAN tags that the parser of 'dev' takes. */
unsigned int
fp_device_get_vlan_limit(const struct fp_device *dev)
{
    return dev->class->get_vlan_limit(dev);
}

/* Returns the number of NIC ports of 'dev': physical ports and VFs. */
uint32_t
fp_device_n_ports(const struct fp_device *dev)
{
    return dev->config.n_phy_ports + dev->config.n_vfs;
}

/* Waits until 'dev' has processed every packet that was in its RX rings
 * when this was called.  Returns 0. */
int
fp_device_flush(struct fp_device *dev)
{
    return dev->class->flush ? dev->class->flush(dev) : 0;
}


/* Returns 0 if the next operation of kind 'op' on 'dev' may go ahead, or
 * the errno value of an injected fault, which it consumes. */
int
fp_fault_check(const struct fp_device *dev, enum fp_op op)
{
    bool any;
    int error = 0;
    size_t i;

    atomic_read_relaxed(&fp_any_fault, &any);
    if (!any) {
        return 0;
    }
    ovs_mutex_lock(&fp_mutex);
    for (i = 0; i < fp_n_faults; i++) {
        struct fp_fault *f = &fp_faults[i];

        if (f->dev == dev && f->op == op) {
            error = f->error;
            if (!--f->n) {
                fp_faults[i] = fp_faults[--fp_n_faults];
            }
            break;
        }
    }
    if (!error && fp_op_may_fail_at_random(op)) {
        for (i = 0; i < fp_n_random_faults; i++) {
            struct fp_random_fault *f = &fp_random_faults[i];

            if (f->dev == dev) {
                /* The Nth operation fails or not by the seed and N alone. */
                uint32_t h = hash_uint64_basis(f->stats.n_ops, f->seed);

                f->stats.n_ops++;
                if (h % 1000000 < f->per_million) {
                    f->stats.n_failed[op]++;
                    error = f->error;
                }
                break;
            }
        }
    }
    ovs_mutex_unlock(&fp_mutex);
    return error;
}

/* Whether fp_device_fail_random() makes operations of kind 'op' fail. */
static bool
fp_op_may_fail_at_random(enum fp_op op)
{
    return (op != FP_OP_PORT_SEND && op != FP_OP_RESET
            && op != FP_OP_PORT_POLICER);
}

static void
fp_fault_update_any(void)
    OVS_REQUIRES(fp_mutex)
{
    atomic_store_relaxed(&fp_any_fault,
                         fp_n_faults > 0 || fp_n_random_faults > 0);
}

/* Makes each operation on 'dev' of the kinds that change or read its
 * tables (rule add, modify, delete and counter reads, meter set and
 * delete, counter allocation: every kind but FP_OP_PORT_SEND, FP_OP_RESET
 * and FP_OP_PORT_POLICER) fail with 'error' (a positive errno value) with a
 * chance of 'per_million' in a million, from now on; 'per_million' 0
 * cancels.  The Nth such operation after this call fails or not as a
 * function of 'seed' and N alone, so that a run is repeated by repeating
 * its operations.  Replaces an earlier request for 'dev' and zeroes the
 * statistics that fp_device_get_fault_stats() reports.
 * fp_device_fail_next() faults come first: an operation that fails by them
 * does not count here. */
void
fp_device_fail_random(struct fp_device *dev, unsigned int per_million,
                      uint32_t seed, int error)
{
    size_t i;

    ovs_mutex_lock(&fp_mutex);
    for (i = 0; i < fp_n_random_faults; i++) {
        if (fp_random_faults[i].dev == dev) {
            fp_random_faults[i] = fp_random_faults[--fp_n_random_faults];
            break;
        }
    }
    if (per_million && error > 0) {
        if (fp_n_random_faults >= fp_allocated_random_faults) {
            fp_random_faults = x2nrealloc(fp_random_faults,
                                          &fp_allocated_random_faults,
                                          sizeof *fp_random_faults);
        }
        fp_random_faults[fp_n_random_faults++] = (struct fp_random_fault) {
            .dev = dev,
            .per_million = MIN(per_million, 1000000),
            .seed = seed,
            .error = error,
        };
    }
    fp_fault_update_any();
    ovs_mutex_unlock(&fp_mutex);
}

/* Stores in '*stats' how many operations of 'dev' fp_device_fail_random()
 * has considered since it was last called for 'dev' and how many of each
 * kind it made fail.  Returns false, with '*stats' zeroed, if no faults at
 * random are set for 'dev'. */
bool
fp_device_get_fault_stats(const struct fp_device *dev,
                          struct fp_fault_stats *stats)
{
    bool found = false;
    size_t i;

    memset(stats, 0, sizeof *stats);
    ovs_mutex_lock(&fp_mutex);
    for (i = 0; i < fp_n_random_faults; i++) {
        if (fp_random_faults[i].dev == dev) {
            *stats = fp_random_faults[i].stats;
            found = true;
            break;
        }
    }
    ovs_mutex_unlock(&fp_mutex);
    return found;
}

/* Makes the next 'n' operations of kind 'op' on 'dev' fail with 'error' (a
 * positive errno value); 'n' 0 cancels.  Replaces an earlier request for
 * the same kind. */
void
fp_device_fail_next(struct fp_device *dev, enum fp_op op, unsigned int n,
                    int error)
{
    size_t i;

    ovs_mutex_lock(&fp_mutex);
    for (i = 0; i < fp_n_faults; i++) {
        if (fp_faults[i].dev == dev && fp_faults[i].op == op) {
            fp_faults[i] = fp_faults[--fp_n_faults];
            break;
        }
    }
    if (n && error > 0 && op < FP_N_OPS) {
        if (fp_n_faults >= fp_allocated_faults) {
            fp_faults = x2nrealloc(fp_faults, &fp_allocated_faults,
                                   sizeof *fp_faults);
        }
        fp_faults[fp_n_faults++] = (struct fp_fault) {
            .dev = dev, .op = op, .n = n, .error = error,
        };
    }
    fp_fault_update_any();
    ovs_mutex_unlock(&fp_mutex);
}

/* Sets the results of 'op', an operation of a rule batch of 'dev', as
 * fp_rule_batch() hands them to the driver: no error, or EINVAL for an
 * unknown type or an invalid rule, or an injected fault; 'id' zero for an
 * ADD; the others empty. */
static inline void
fp_rule_op_prepare(struct fp_device *dev, struct fp_rule_op *op)
{
    enum fp_op kind;

    op->error = 0;
    op->full = FP_RES_NONE;
    memset(&op->stats, 0, sizeof op->stats);
    op->reason[0] = '\0';
    switch (op->type) {
    case FP_RULE_OP_ADD:
        kind = FP_OP_RULE_ADD;
        op->id = 0;
        break;
    case FP_RULE_OP_MODIFY:
        kind = FP_OP_RULE_MODIFY;
        break;
    case FP_RULE_OP_DELETE:
        kind = FP_OP_RULE_DELETE;
        break;
    default:
        op->error = EINVAL;
        return;
    }
    if (op->type != FP_RULE_OP_DELETE && !fp_rule_is_valid(dev, op->rule)) {
        op->error = EINVAL;
    } else {
        op->error = fp_fault_check(dev, kind);
    }
}

/* Applies the 'n' operations in 'ops' to the rule table of 'dev', in order,
 * and stores the result of each in its 'error' (0; EINVAL for an invalid
 * rule, see fp_rule_add(); ENOENT for an unknown id; ENOSPC with 'full'
 * naming the full table; an injected fault; or another positive errno
 * value), 'id' (ADD) and 'stats' (DELETE).  The operations that succeed
 * become visible to packets together.  Returns 0 if every operation
 * succeeded, otherwise the error of the first that failed.
 *
 * Once this returns, no packet sees a deleted rule any more, and 'stats'
 * holds the final counters of a DELETE, unless the caller set its
 * 'no_wait': then the caller asks only that packets that come in after the
 * return do not see the rule, and gets no counters ('stats' zero), so that
 * the device need not wait for the packets that it is processing (the
 * model's engines may finish theirs, and count them, after the return). */
int
fp_rule_batch(struct fp_device *dev, struct fp_rule_op *ops, size_t n)
{
    size_t i;

    if (n == 1) {
        /* The flow API's batches: one operation, without the loops. */
        fp_rule_op_prepare(dev, ops);
        dev->class->rule_batch(dev, ops, 1);
        return ops->error;
    }
    for (i = 0; i < n; i++) {
        fp_rule_op_prepare(dev, &ops[i]);
    }
    if (n) {
        dev->class->rule_batch(dev, ops, n);
    }
    for (i = 0; i < n; i++) {
        if (ops[i].error) {
            return ops[i].error;
        }
    }
    return 0;
}

/* Adds 'rule' to the rule table of 'dev' and stores its handle in '*idp'.
 * Returns 0; EINVAL if 'rule' is invalid (more than FP_MAX_ACTIONS
 * actions, an output port out of range, a push_vlan TPID other than 0x8100
 * or 0x88a8, a hash action of an unknown algorithm, a recirc action with
 * recirc_id 0 or not last, nonzero padding); ENOENT if it uses a meter or
 * shared counter that does not exist; ENOSPC if a table is full
 * (fp_rule_batch() says which); or another positive errno value if the
 * device fails. */
int
fp_rule_add(struct fp_device *dev, const struct fp_rule *rule, uint32_t *idp)
{
    struct fp_rule_op op = { .type = FP_RULE_OP_ADD, .rule = rule };
    int error;

    if (!idp) {
        return EINVAL;
    }
    error = fp_rule_batch(dev, &op, 1);
    *idp = error ? 0 : op.id;
    return error;
}

/* Replaces the match, priority and actions of rule 'id' of 'dev' by those
 * of 'rule', keeping its counters; a packet meets either the old or the new
 * rule.  Returns 0, EINVAL if 'rule' is invalid (see fp_rule_add()), ENOENT
 * if there is no rule 'id', ENOSPC, or another positive errno value. */
int
fp_rule_modify(struct fp_device *dev, uint32_t id, const struct fp_rule *rule)
{
    struct fp_rule_op op = {
        .type = FP_RULE_OP_MODIFY, .rule = rule, .id = id,
    };

    return fp_rule_batch(dev, &op, 1);
}

/* Deletes rule 'id' of 'dev' and, if 'stats' is nonnull, stores its final
 * counters there.  Returns 0, ENOENT if there is no rule 'id', or another
 * positive errno value. */
int
fp_rule_delete(struct fp_device *dev, uint32_t id, struct fp_rule_stats *stats)
{
    struct fp_rule_op op = { .type = FP_RULE_OP_DELETE, .id = id };
    int error = fp_rule_batch(dev, &op, 1);

    if (stats) {
        *stats = op.stats;
    }
    return error;
}

/* Hints that fp_rule_add() or fp_rule_batch() of an ADD of 'rule' to 'dev'
 * is likely to come soon, so that the device may start fetching the memory
 * that the addition will touch (the model: its hash table's bucket for the
 * rule) while the caller does other work.  Only a hint: the addition's
 * result is the same with it or without it, and nothing else changes.
 * 'rule' is the caller's, and need not be valid.  Any thread may call it,
 * between two quiescent states of its own (see lib/ovs-rcu.h), as long as
 * 'dev' is not destroyed meanwhile.  Does nothing on a device that does
 * not take hints, and no fault of fp_fault_set() concerns it. */
void
fp_rule_prefetch(struct fp_device *dev, const struct fp_rule *rule)
{
    if (dev->class->rule_prefetch) {
        dev->class->rule_prefetch(dev, rule);
    }
}

/* Stores the counters of rule 'id' of 'dev' in '*stats'.  Returns 0 or
 * ENOENT if there is no rule 'id' (then '*stats' is zeroed). */
int
fp_rule_get_stats(struct fp_device *dev, uint32_t id,
                  struct fp_rule_stats *stats)
{
    int error;

    memset(stats, 0, sizeof *stats);
    error = fp_fault_check(dev, FP_OP_RULE_STATS);
    return error ? error : dev->class->rule_get_stats(dev, id, stats);
}

/* Stores in '*entriesp' a new array, which the caller frees with free(), of
 * the ids and counters of every rule of 'dev', sorted by id, and in
 * '*n_entriesp' its length.  One call for the whole table.  Returns 0 or a
 * positive errno value (then '*entriesp' is NULL and '*n_entriesp' 0). */
int
fp_rule_get_stats_all(struct fp_device *dev,
                      struct fp_rule_stats_entry **entriesp,
                      size_t *n_entriesp)
{
    int error;

    *entriesp = NULL;
    *n_entriesp = 0;
    error = fp_fault_check(dev, FP_OP_RULE_STATS);
    return (error ? error
            : dev->class->rule_get_stats_all(dev, entriesp, n_entriesp));
}

/* Creates or changes meter 'meter_id' of 'dev'.  Returns 0, EINVAL for a
 * bad 'config' (see fp.h), ENOSPC if the meter table is full, or an
 * injected fault. */
int
fp_meter_set(struct fp_device *dev, uint32_t meter_id,
             const struct fp_meter_config *config)
{
    int error;

    if (!config) {
        return EINVAL;
    }
    error = fp_fault_check(dev, FP_OP_METER);
    return error ? error : dev->class->meter_set(dev, meter_id, config);
}

/* Deletes meter 'meter_id' of 'dev'.  Returns 0, ENOENT if there is no such
 * meter, EBUSY if a rule uses it, or an injected fault. */
int
fp_meter_delete(struct fp_device *dev, uint32_t meter_id)
{
    int error = fp_fault_check(dev, FP_OP_METER);

    return error ? error : dev->class->meter_delete(dev, meter_id);
}

/* Stores the counters of meter 'meter_id' of 'dev' in '*stats'.  Returns 0
 * or ENOENT (then '*stats' is zeroed). */
int
fp_meter_get_stats(struct fp_device *dev, uint32_t meter_id,
                   struct fp_meter_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    return dev->class->meter_get_stats(dev, meter_id, stats);
}

/* Runs 'n' packets that the host forwards, of 'sizes' bytes each, through
 * meter 'meter_id' of 'dev' at time 'now' (time_usec()), sharing the
 * meter's buckets and counters with the NIC's own packets, and sets
 * 'passed[i]' for those that go on and 'remarks[i]' to the drop
 * precedence levels that the caller adds to the DSCP of each (see
 * fp_meter_remark_dscp()), 0 for none.  Returns 0, ENOENT if 'dev' has no
 * such meter, or EOPNOTSUPP if 'dev' cannot meter the host's packets (then
 * 'passed' and 'remarks' are untouched).  Safe on any thread; never
 * blocks. */
int
fp_meter_police(struct fp_device *dev, uint32_t meter_id,
                const uint32_t sizes[], size_t n, long long int now,
                bool passed[], uint8_t remarks[])
{
    return (dev->class->meter_police
            ? dev->class->meter_police(dev, meter_id, sizes, n, now, passed,
                                       remarks)
            : EOPNOTSUPP);
}

/* Returns true if 'dev' can meter the host's packets with its own meters'
 * buckets (fp_meter_police()), false if fp_meter_police() always answers
 * EOPNOTSUPP on it. */
bool
fp_meter_can_police(const struct fp_device *dev)
{
    return dev->class->meter_police != NULL;
}

/* Allocates a shared counter of 'dev' for FP_ACTION_COUNT and stores its id
 * in '*idp'.  Returns 0, ENOSPC if the counter table is full, or an
 * injected fault. */
int
fp_counter_alloc(struct fp_device *dev, uint32_t *idp)
{
    int error = fp_fault_check(dev, FP_OP_COUNTER);

    return error ? error : dev->class->counter_alloc(dev, idp);
}

/* Frees shared counter 'id' of 'dev'.  Returns 0, ENOENT, or EBUSY if a
 * rule counts in it. */
int
fp_counter_free(struct fp_device *dev, uint32_t id)
{
    return dev->class->counter_free(dev, id);
}

/* Stores shared counter 'id' of 'dev' in '*stats'.  Returns 0 or ENOENT
 * (then '*stats' is zeroed). */
int
fp_counter_get(struct fp_device *dev, uint32_t id,
               struct fp_rule_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    return dev->class->counter_get(dev, id, stats);
}

/* Resets 'dev' (see fp.h) and then calls its listeners.  Returns 0 or a
 * positive errno value (an injected fault: then nothing is reset and no
 * listener is called). */
int
fp_device_reset(struct fp_device *dev)
{
    struct fp_listener *listeners;
    size_t i, n = 0;
    int error;

    error = fp_fault_check(dev, FP_OP_RESET);
    if (!error) {
        error = dev->class->reset(dev);
    }
    if (error) {
        VLOG_DBG("%s: reset failed (%s)", dev->name, ovs_strerror(error));
        return error;
    }
    VLOG_INFO("%s: reset", dev->name);

    /* Call the listeners without the lock, from a copy.  (There may be
     * none yet, e.g. with hw-offload=false: then 'fp_listeners' is
     * NULL.) */
    ovs_mutex_lock(&fp_mutex);
    listeners = xmalloc(MAX(fp_n_listeners, 1) * sizeof *listeners);
    for (i = 0; i < fp_n_listeners; i++) {
        if (fp_listeners[i].dev == dev) {
            listeners[n++] = fp_listeners[i];
        }
    }
    ovs_mutex_unlock(&fp_mutex);
    for (i = 0; i < n; i++) {
        listeners[i].func(dev, listeners[i].aux);
    }
    free(listeners);
    return 0;
}

/* Registers 'func' to be called with 'aux' after every reset of 'dev'. */
void
fp_device_add_listener(struct fp_device *dev, fp_device_listener_func *func,
                       void *aux)
{
    ovs_mutex_lock(&fp_mutex);
    if (fp_n_listeners >= fp_allocated_listeners) {
        fp_listeners = x2nrealloc(fp_listeners, &fp_allocated_listeners,
                                  sizeof *fp_listeners);
    }
    fp_listeners[fp_n_listeners++] = (struct fp_listener) {
        .dev = dev, .func = func, .aux = aux,
    };
    ovs_mutex_unlock(&fp_mutex);
}

/* Unregisters a listener added with the same 'dev', 'func' and 'aux'. */
void
fp_device_remove_listener(struct fp_device *dev,
                          fp_device_listener_func *func, void *aux)
{
    size_t i;

    ovs_mutex_lock(&fp_mutex);
    for (i = 0; i < fp_n_listeners; i++) {
        struct fp_listener *l = &fp_listeners[i];

        if (l->dev == dev && l->func == func && l->aux == aux) {
            fp_listeners[i] = fp_listeners[--fp_n_listeners];
            break;
        }
    }
    ovs_mutex_unlock(&fp_mutex);
}
