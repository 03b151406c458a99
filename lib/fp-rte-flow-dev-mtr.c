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

/* Meters (rte_mtr) and shared counters (indirect COUNT actions) of the
 * rte_flow driver (see "Meters" and "Shared counters" in
 * fp-rte-flow-dev.h).
 *
 * An fp meter is an rte_mtr object on the transfer proxy with a profile of
 * its own and the device's one policy (green and yellow go on, red is
 * dropped); its DPDK meter id is the driver's, not the fp meter id, and
 * the METER actions of the built rules are pointed at it.  A shared
 * counter is an indirect COUNT action (rte_flow_action_handle_create(),
 * transfer) that the rules count in through INDIRECT. */

#include <config.h>

#include "fp-rte-flow-dev-private.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_mtr.h>

#include "coverage.h"
#include "hash.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_rte_flow_dev_mtr);

COVERAGE_DEFINE(fp_rte_flow_dev_meter_refused);
COVERAGE_DEFINE(fp_rte_flow_dev_counter_refused);

/* An fp meter.  One that the PMD or the translation refused stays, without
 * an rte_mtr object ('created' false), so that a rule that uses it is
 * refused with its reason. */
struct fp_rte_flow_dev_meter {
    struct hmap_node node;          /* In 'meters', by hash of 'id'. */
    uint32_t id;                    /* fp meter id. */
    bool created;                   /* 'mtr_id' and its profile exist. */
    uint32_t mtr_id;                /* DPDK meter id. */
    uint32_t profile_id;            /* DPDK meter profile id. */
    struct fp_meter_config config;
    struct fp_meter_stats base;     /* Of the rte_mtr objects replaced. */
    struct fp_meter_stats last;     /* Last read of 'mtr_id'. */
    char reason[128];               /* Why there is no rte_mtr object. */
};

/* A shared counter. */
struct fp_rte_flow_dev_counter {
    struct hmap_node node;          /* In 'counters', by hash of 'id'. */
    uint32_t id;
    struct rte_flow_action_handle *handle;
    struct fp_rule_stats last;      /* Last read, never backwards. */
};

void
fp_rte_flow_dev_mtr_init(struct fp_rte_flow_dev *dev)
{
    hmap_init(&dev->meters);
    hmap_init(&dev->counters);
}

static void
format_mtr_error(char *buf, size_t size, const char *what,
                 const struct rte_mtr_error *mtr_error, int err)
{
    struct rte_flow_error error;

    memset(&error, 0, sizeof error);
    error.message = mtr_error->message;
    fp_rte_flow_dev_format_error(buf, size, what, &error, err);
}

/* The errno value of the fp API for the PMD's 'err' (positive). */
static int
pmd_errno(int err)
{
    return err == ENOSPC || err == ENOMEM ? ENOSPC : EOPNOTSUPP;
}

static struct fp_rte_flow_dev_meter *
meter_find(const struct fp_rte_flow_dev *dev, uint32_t id)
    OVS_REQUIRES(dev->mutex)
{
    struct fp_rte_flow_dev_meter *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, hash_int(id, 0), &dev->meters) {
        if (m->id == id) {
            return m;
        }
    }
    return NULL;
}

static struct fp_rte_flow_dev_counter *
counter_find(const struct fp_rte_flow_dev *dev, uint32_t id)
    OVS_REQUIRES(dev->mutex)
{
    struct fp_rte_flow_dev_counter *c;

    HMAP_FOR_EACH_WITH_HASH (c, node, hash_int(id, 0), &dev->counters) {
        if (c->id == id) {
            return c;
        }
    }
    return NULL;
}

/* Whether 'rule' has an action of 'type' for 'id' (a meter or a shared
 * counter). */
static bool
rule_uses(const struct fp_rule *rule, enum fp_action_type type, uint32_t id)
{
    size_t i;

    for (i = 0; i < rule->n_actions; i++) {
        const struct fp_action *a = &rule->actions[i];

        if (a->type == type
            && (type == FP_ACTION_METER ? a->meter_id : a->counter_id)
               == id) {
            return true;
        }
    }
    return false;
}

/* Whether a rule of 'dev' has an action of 'type' for 'id'. */
static bool
rules_use(const struct fp_rte_flow_dev *dev, enum fp_action_type type,
          uint32_t id)
    OVS_REQUIRES(dev->mutex)
{
    const struct fp_rte_flow_dev_rule *r;

    HMAP_FOR_EACH (r, node, &dev->rules) {
        if (rule_uses(&r->rule, type, id)) {
            return true;
        }
    }
    return false;
}

/* Re-creates (MODIFY) every rule of 'dev' that uses meter 'meter_id', so
 * that its METER action names the meter's DPDK id as it is now.  Returns 0,
 * or the error of the first rule that failed (which keeps its old
 * rte_flow; the rules after it are not touched). */
static int
rules_remeter(struct fp_rte_flow_dev *dev, uint32_t meter_id)
    OVS_REQUIRES(dev->mutex)
{
    struct fp_rte_flow_dev_rule *r;

    HMAP_FOR_EACH (r, node, &dev->rules) {
        if (rule_uses(&r->rule, FP_ACTION_METER, meter_id)) {
            struct fp_rule_op op;

            memset(&op, 0, sizeof op);
            op.type = FP_RULE_OP_MODIFY;
            op.id = r->id;
            op.rule = &r->rule;
            fp_rte_flow_dev_modify(dev, r, &op);
            if (op.error) {
                VLOG_DBG("%s: meter %"PRIu32": rule %"PRIu32": %s",
                         dev->up.name, meter_id, r->id, op.reason);
                return op.error;
            }
        }
    }
    return 0;
}

/* The lowest DPDK meter id that no meter of 'dev' has (the model NIC's
 * rte_mtr ids are its meter ids, a small range). */
static uint32_t
new_mtr_id(const struct fp_rte_flow_dev *dev)
    OVS_REQUIRES(dev->mutex)
{
    uint32_t id;

    for (id = 0; ; id++) {
        const struct fp_rte_flow_dev_meter *m;
        bool used = false;

        HMAP_FOR_EACH (m, node, &dev->meters) {
            if (m->created && m->mtr_id == id) {
                used = true;
                break;
            }
        }
        if (!used) {
            return id;
        }
    }
}

/* The lowest DPDK meter profile id that no meter of 'dev' has. */
static uint32_t
new_profile_id(const struct fp_rte_flow_dev *dev)
    OVS_REQUIRES(dev->mutex)
{
    uint32_t id;

    for (id = 0; ; id++) {
        const struct fp_rte_flow_dev_meter *m;
        bool used = false;

        HMAP_FOR_EACH (m, node, &dev->meters) {
            if (m->created && m->profile_id == id) {
                used = true;
                break;
            }
        }
        if (!used) {
            return id;
        }
    }
}

/* Translates 'config' into 'profile'.  Returns NULL or a reason why
 * rte_mtr cannot express it. */
static const char *
profile_from_config(const struct fp_meter_config *config,
                    struct rte_mtr_meter_profile *profile)
{
    memset(profile, 0, sizeof *profile);
    profile->packet_mode = config->pkts;
    switch (config->type) {
    case FP_METER_SRTCM:
        profile->alg = RTE_MTR_SRTCM_RFC2697;
        profile->srtcm_rfc2697.cir = config->cir;
        profile->srtcm_rfc2697.cbs = config->cbs;
        profile->srtcm_rfc2697.ebs = config->ebs;
        return NULL;

    case FP_METER_TRTCM:
        profile->alg = RTE_MTR_TRTCM_RFC2698;
        profile->trtcm_rfc2698.cir = config->cir;
        profile->trtcm_rfc2698.pir = config->pir;
        profile->trtcm_rfc2698.cbs = config->cbs;
        profile->trtcm_rfc2698.pbs = config->ebs;
        return NULL;

    case FP_METER_BANDS:
        /* One drop band: srTCM at the band's rate and burst, without an
         * excess bucket, as OVS's netdev-offload-dpdk does. */
        if (config->n_bands != 1) {
            return "rte_mtr runs one OpenFlow band (srTCM), not several";
        }
        if (config->bands[0].remark) {
            return "rte_mtr meter policies cannot remark DSCP as an "
                   "OpenFlow dscp_remark band does";
        }
        profile->alg = RTE_MTR_SRTCM_RFC2697;
        if (config->pkts) {
            profile->srtcm_rfc2697.cir = config->bands[0].rate;
            profile->srtcm_rfc2697.cbs = config->bands[0].burst;
        } else {
            profile->srtcm_rfc2697.cir = config->bands[0].rate * 1000ULL / 8;
            profile->srtcm_rfc2697.cbs = config->bands[0].burst * 1000ULL
                                         / 8;
        }
        profile->srtcm_rfc2697.ebs = 0;
        return NULL;
    }
    return "unknown meter type";
}

/* Makes the device's policy, if it has none: green and yellow go on, red
 * is dropped.  Returns 0 or the PMD's errno value, with a reason in
 * 'reason'. */
static int
make_policy(struct fp_rte_flow_dev *dev, char *reason, size_t size)
    OVS_REQUIRES(dev->mutex)
{
    static const struct rte_flow_action go_on[] = {
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    static const struct rte_flow_action drop[] = {
        { .type = RTE_FLOW_ACTION_TYPE_DROP },
        { .type = RTE_FLOW_ACTION_TYPE_END },
    };
    struct rte_mtr_meter_policy_params policy;
    struct rte_mtr_error error;
    int ret;

    if (dev->have_policy) {
        return 0;
    }
    memset(&policy, 0, sizeof policy);
    policy.actions[RTE_COLOR_GREEN] = go_on;
    policy.actions[RTE_COLOR_YELLOW] = go_on;
    policy.actions[RTE_COLOR_RED] = drop;
    memset(&error, 0, sizeof error);
    dev->policy_id = 0;
    ret = rte_mtr_meter_policy_add(dev->proxy, dev->policy_id, &policy,
                                   &error);
    if (ret) {
        format_mtr_error(reason, size, "rte_mtr_meter_policy_add", &error,
                         -ret);
        return -ret;
    }
    dev->have_policy = true;
    return 0;
}

/* Creates the profile 'profile_id' and the rte_mtr object 'mtr_id' of
 * 'config'.  Returns 0 or a positive errno value, with a reason in
 * 'reason'. */
static int
mtr_create(struct fp_rte_flow_dev *dev, uint32_t mtr_id, uint32_t profile_id,
           const struct fp_meter_config *config, char *reason, size_t size)
    OVS_REQUIRES(dev->mutex)
{
    struct rte_mtr_meter_profile profile;
    struct rte_mtr_params params;
    struct rte_mtr_error error;
    const char *why;
    int ret;

    why = profile_from_config(config, &profile);
    if (why) {
        ovs_strlcpy(reason, why, size);
        return EINVAL;
    }
    ret = make_policy(dev, reason, size);
    if (ret) {
        return pmd_errno(ret);
    }

    memset(&error, 0, sizeof error);
    ret = rte_mtr_meter_profile_add(dev->proxy, profile_id, &profile,
                                    &error);
    if (ret) {
        format_mtr_error(reason, size, "rte_mtr_meter_profile_add", &error,
                         -ret);
        return pmd_errno(-ret);
    }

    memset(&params, 0, sizeof params);
    params.meter_profile_id = profile_id;
    params.meter_policy_id = dev->policy_id;
    params.meter_enable = 1;
    params.stats_mask = (RTE_MTR_STATS_N_PKTS_GREEN
                         | RTE_MTR_STATS_N_PKTS_YELLOW
                         | RTE_MTR_STATS_N_PKTS_RED
                         | RTE_MTR_STATS_N_PKTS_DROPPED
                         | RTE_MTR_STATS_N_BYTES_GREEN
                         | RTE_MTR_STATS_N_BYTES_YELLOW
                         | RTE_MTR_STATS_N_BYTES_RED
                         | RTE_MTR_STATS_N_BYTES_DROPPED);
    memset(&error, 0, sizeof error);
    ret = rte_mtr_create(dev->proxy, mtr_id, &params, 1, &error);
    if (ret) {
        struct rte_mtr_error error2;

        format_mtr_error(reason, size, "rte_mtr_create", &error, -ret);
        memset(&error2, 0, sizeof error2);
        rte_mtr_meter_profile_delete(dev->proxy, profile_id, &error2);
        return pmd_errno(-ret);
    }
    return 0;
}

/* Destroys the rte_mtr object of 'm' and its profile.  Returns 0 or the
 * PMD's errno value. */
static int
mtr_destroy(struct fp_rte_flow_dev *dev,
            const struct fp_rte_flow_dev_meter *m)
    OVS_REQUIRES(dev->mutex)
{
    uint32_t mtr_id = m->mtr_id;
    struct rte_mtr_error error;
    int ret;

    memset(&error, 0, sizeof error);
    ret = rte_mtr_destroy(dev->proxy, mtr_id, &error);
    if (ret) {
        VLOG_DBG("%s: rte_mtr_destroy %"PRIu32": %s", dev->up.name, mtr_id,
                 error.message ? error.message : "failed");
        return -ret;
    }
    memset(&error, 0, sizeof error);
    rte_mtr_meter_profile_delete(dev->proxy, m->profile_id, &error);
    return 0;
}

/* Reads the rte_mtr object of 'm' into m->last, never backwards. */
static void
mtr_read(struct fp_rte_flow_dev *dev, struct fp_rte_flow_dev_meter *m)
    OVS_REQUIRES(dev->mutex)
{
    struct fp_meter_stats s;
    struct rte_mtr_stats st;
    struct rte_mtr_error error;
    uint64_t mask = 0;

    if (!m->created) {
        return;
    }
    memset(&st, 0, sizeof st);
    memset(&error, 0, sizeof error);
    if (rte_mtr_stats_read(dev->proxy, m->mtr_id, &st, &mask, 0, &error)) {
        return;
    }
    memset(&s, 0, sizeof s);
    s.green_packets = st.n_pkts[RTE_COLOR_GREEN];
    s.yellow_packets = st.n_pkts[RTE_COLOR_YELLOW];
    s.pass_packets = s.green_packets + s.yellow_packets;
    s.pass_bytes = st.n_bytes[RTE_COLOR_GREEN] + st.n_bytes[RTE_COLOR_YELLOW];
    s.drop_packets = (mask & RTE_MTR_STATS_N_PKTS_DROPPED
                      ? st.n_pkts_dropped : st.n_pkts[RTE_COLOR_RED]);
    s.drop_bytes = (mask & RTE_MTR_STATS_N_BYTES_DROPPED
                    ? st.n_bytes_dropped : st.n_bytes[RTE_COLOR_RED]);
    if (m->config.type == FP_METER_BANDS) {
        s.band_packets[0] = s.drop_packets;
        s.band_bytes[0] = s.drop_bytes;
    }
    if (s.green_packets >= m->last.green_packets
        && s.yellow_packets >= m->last.yellow_packets
        && s.pass_bytes >= m->last.pass_bytes
        && s.drop_packets >= m->last.drop_packets
        && s.drop_bytes >= m->last.drop_bytes) {
        m->last = s;
    }
}

static void
meter_stats_add(struct fp_meter_stats *dst, const struct fp_meter_stats *a,
                const struct fp_meter_stats *b)
{
    size_t i;

    dst->green_packets = a->green_packets + b->green_packets;
    dst->yellow_packets = a->yellow_packets + b->yellow_packets;
    dst->pass_packets = a->pass_packets + b->pass_packets;
    dst->pass_bytes = a->pass_bytes + b->pass_bytes;
    dst->drop_packets = a->drop_packets + b->drop_packets;
    dst->drop_bytes = a->drop_bytes + b->drop_bytes;
    for (i = 0; i < FP_METER_MAX_BANDS; i++) {
        dst->band_packets[i] = a->band_packets[i] + b->band_packets[i];
        dst->band_bytes[i] = a->band_bytes[i] + b->band_bytes[i];
    }
}

/* Changes meter 'm', which rules use, to 'config' on a PMD that cannot
 * change a meter's profile: a new rte_mtr object, the rules onto it
 * (MODIFY, each keeps its counters), the old object out.  If a rule cannot
 * move, those that did move back and the meter stays as it was.  Returns
 * 0 or a positive errno value. */
static int
meter_move(struct fp_rte_flow_dev *dev, struct fp_rte_flow_dev_meter *m,
           const struct fp_meter_config *config)
    OVS_REQUIRES(dev->mutex)
{
    struct fp_rte_flow_dev_meter old = *m;
    uint32_t new_mtr = new_mtr_id(dev);
    uint32_t new_profile = new_profile_id(dev);
    char reason[96];
    int error;

    error = mtr_create(dev, new_mtr, new_profile, config, reason,
                       sizeof reason);
    if (error) {
        VLOG_DBG("%s: meter %"PRIu32": %s", dev->up.name, m->id, reason);
        return error;
    }
    m->mtr_id = new_mtr;
    m->profile_id = new_profile;
    error = rules_remeter(dev, m->id);
    if (error) {
        m->mtr_id = old.mtr_id;
        m->profile_id = old.profile_id;
        rules_remeter(dev, m->id);
        old.mtr_id = new_mtr;
        old.profile_id = new_profile;
        mtr_destroy(dev, &old);
        return error;
    }
    /* The old object's final counters into the base. */
    mtr_read(dev, &old);
    mtr_destroy(dev, &old);
    meter_stats_add(&m->base, &old.base, &old.last);
    memset(&m->last, 0, sizeof m->last);
    m->config = *config;
    return 0;
}

/* Creates or changes meter 'meter_id' (see "Meters" in fp-rte-flow-dev.h).
 * A change tries rte_mtr_meter_profile_update(); if the PMD cannot, the
 * meter gets a new rte_mtr object, and the rules that use it move onto it
 * (meter_move()). */
int
fp_rte_flow_dev_meter_set(struct fp_device *dev_, uint32_t meter_id,
                          const struct fp_meter_config *config)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);
    struct fp_rte_flow_dev_meter *m;
    char reason[96];
    int error = 0;

    ovs_mutex_lock(&dev->mutex);
    m = meter_find(dev, meter_id);
    if (m && m->created) {
        struct rte_mtr_meter_profile profile;
        struct rte_mtr_error mtr_error;
        uint32_t new_profile = new_profile_id(dev);
        const char *why = profile_from_config(config, &profile);

        /* In place: a new profile, then the meter onto it. */
        memset(&mtr_error, 0, sizeof mtr_error);
        if (!why
            && !rte_mtr_meter_profile_add(dev->proxy, new_profile, &profile,
                                          &mtr_error)) {
            memset(&mtr_error, 0, sizeof mtr_error);
            if (!rte_mtr_meter_profile_update(dev->proxy, m->mtr_id,
                                              new_profile, &mtr_error)) {
                memset(&mtr_error, 0, sizeof mtr_error);
                rte_mtr_meter_profile_delete(dev->proxy, m->profile_id,
                                             &mtr_error);
                m->profile_id = new_profile;
                m->config = *config;
                goto out;
            }
            memset(&mtr_error, 0, sizeof mtr_error);
            rte_mtr_meter_profile_delete(dev->proxy, new_profile,
                                         &mtr_error);
        }
        if (rules_use(dev, FP_ACTION_METER, meter_id)) {
            error = meter_move(dev, m, config);
            goto out;
        }
        mtr_read(dev, m);
        meter_stats_add(&m->base, &m->base, &m->last);
        memset(&m->last, 0, sizeof m->last);
        mtr_destroy(dev, m);
        m->created = false;
    }

    if (!m) {
        m = xzalloc(sizeof *m);
        m->id = meter_id;
        hmap_insert(&dev->meters, &m->node, hash_int(meter_id, 0));
    }
    m->config = *config;
    m->mtr_id = new_mtr_id(dev);
    m->profile_id = new_profile_id(dev);
    error = mtr_create(dev, m->mtr_id, m->profile_id, config, reason,
                       sizeof reason);
    if (error) {
        COVERAGE_INC(fp_rte_flow_dev_meter_refused);
        VLOG_DBG("%s: meter %"PRIu32": %s", dev->up.name, meter_id, reason);
        snprintf(m->reason, sizeof m->reason, "meter %"PRIu32": %s",
                 meter_id, reason);
    } else {
        m->created = true;
        m->reason[0] = '\0';
    }

out:
    ovs_mutex_unlock(&dev->mutex);
    return error;
}

int
fp_rte_flow_dev_meter_delete(struct fp_device *dev_, uint32_t meter_id)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);
    struct fp_rte_flow_dev_meter *m;
    int error = 0;

    ovs_mutex_lock(&dev->mutex);
    m = meter_find(dev, meter_id);
    if (!m || !m->created) {
        error = ENOENT;
        if (m) {
            hmap_remove(&dev->meters, &m->node);
            free(m);
        }
    } else if (rules_use(dev, FP_ACTION_METER, meter_id)) {
        error = EBUSY;
    } else {
        mtr_destroy(dev, m);
        hmap_remove(&dev->meters, &m->node);
        free(m);
    }
    ovs_mutex_unlock(&dev->mutex);
    return error;
}

int
fp_rte_flow_dev_meter_get_stats(struct fp_device *dev_, uint32_t meter_id,
                                struct fp_meter_stats *stats)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);
    struct fp_rte_flow_dev_meter *m;
    int error = 0;

    ovs_mutex_lock(&dev->mutex);
    m = meter_find(dev, meter_id);
    if (!m || !m->created) {
        memset(stats, 0, sizeof *stats);
        error = ENOENT;
    } else {
        mtr_read(dev, m);
        meter_stats_add(stats, &m->base, &m->last);
    }
    ovs_mutex_unlock(&dev->mutex);
    return error;
}

/* Checks that the meters that 'rule' uses have rte_mtr objects on 'dev'.
 * Returns true if so, else false with op->error and op->reason set. */
bool
fp_rte_flow_dev_mtr_check(struct fp_rte_flow_dev *dev,
                          const struct fp_rule *rule, struct fp_rule_op *op)
    OVS_REQUIRES(dev->mutex)
{
    size_t i;

    for (i = 0; i < rule->n_actions; i++) {
        const struct fp_action *a = &rule->actions[i];
        const struct fp_rte_flow_dev_meter *m;

        if (a->type != FP_ACTION_METER) {
            continue;
        }
        m = meter_find(dev, a->meter_id);
        if (!m) {
            op->error = ENOENT;
            snprintf(op->reason, sizeof op->reason, "meter %"PRIu32" does "
                     "not exist", a->meter_id);
            return false;
        } else if (!m->created) {
            op->error = EOPNOTSUPP;
            ovs_strlcpy(op->reason, m->reason, sizeof op->reason);
            return false;
        }
    }
    return true;
}

/* Points the METER actions of 'built' at the DPDK meter ids of their fp
 * meters (fp_rte_flow_build() gives them the fp meter ids). */
void
fp_rte_flow_dev_mtr_fix(struct fp_rte_flow_dev *dev, struct fp_rte_flow *built)
    OVS_REQUIRES(dev->mutex)
{
    struct rte_flow_action *a;

    for (a = built->actions; a->type != RTE_FLOW_ACTION_TYPE_END; a++) {
        if (a->type == RTE_FLOW_ACTION_TYPE_METER) {
            struct rte_flow_action_meter *conf = CONST_CAST(void *, a->conf);
            const struct fp_rte_flow_dev_meter *m;

            m = meter_find(dev, conf->mtr_id);
            if (m && m->created) {
                conf->mtr_id = m->mtr_id;
            }
        }
    }
}

/* ## ----------------- ## */
/* ## Shared counters.  ## */
/* ## ----------------- ## */

int
fp_rte_flow_dev_counter_alloc(struct fp_device *dev_, uint32_t *idp)
{
    static const struct rte_flow_action_count count_conf;
    const struct rte_flow_action count = {
        .type = RTE_FLOW_ACTION_TYPE_COUNT,
        .conf = &count_conf,
    };
    const struct rte_flow_indir_action_conf conf = { .transfer = 1 };
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);
    struct rte_flow_action_handle *handle;
    struct fp_rte_flow_dev_counter *c;
    struct rte_flow_error error;
    int retval = 0;
    uint32_t id;

    ovs_mutex_lock(&dev->mutex);
    memset(&error, 0, sizeof error);
    handle = rte_flow_action_handle_create(dev->proxy, &conf, &count, &error);
    if (!handle) {
        char reason[128];
        int err = rte_errno ? rte_errno : EINVAL;

        fp_rte_flow_dev_format_error(reason, sizeof reason,
                                     "rte_flow_action_handle_create", &error,
                                     err);
        VLOG_DBG("%s: shared counter: %s", dev->up.name, reason);
        COVERAGE_INC(fp_rte_flow_dev_counter_refused);
        retval = pmd_errno(err);
        goto out;
    }
    for (id = 1; counter_find(dev, id); id++) {
        continue;
    }
    c = xzalloc(sizeof *c);
    c->id = id;
    c->handle = handle;
    hmap_insert(&dev->counters, &c->node, hash_int(id, 0));
    *idp = id;

out:
    ovs_mutex_unlock(&dev->mutex);
    return retval;
}

int
fp_rte_flow_dev_counter_free(struct fp_device *dev_, uint32_t id)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);
    struct fp_rte_flow_dev_counter *c;
    int error = 0;

    ovs_mutex_lock(&dev->mutex);
    c = counter_find(dev, id);
    if (!c) {
        error = ENOENT;
    } else if (rules_use(dev, FP_ACTION_COUNT, id)) {
        error = EBUSY;
    } else {
        struct rte_flow_error flow_error;

        memset(&flow_error, 0, sizeof flow_error);
        rte_flow_action_handle_destroy(dev->proxy, c->handle, &flow_error);
        hmap_remove(&dev->counters, &c->node);
        free(c);
    }
    ovs_mutex_unlock(&dev->mutex);
    return error;
}

/* Reads shared counter 'c' with rte_flow_action_handle_query(), one call
 * per counter, never backwards. */
int
fp_rte_flow_dev_counter_get(struct fp_device *dev_, uint32_t id,
                            struct fp_rule_stats *stats)
{
    struct fp_rte_flow_dev *dev = fp_rte_flow_dev_cast(dev_);
    struct fp_rte_flow_dev_counter *c;
    int error = 0;

    ovs_mutex_lock(&dev->mutex);
    c = counter_find(dev, id);
    if (!c) {
        memset(stats, 0, sizeof *stats);
        error = ENOENT;
    } else {
        struct rte_flow_query_count query;
        struct rte_flow_error flow_error;

        memset(&query, 0, sizeof query);
        memset(&flow_error, 0, sizeof flow_error);
        if (!rte_flow_action_handle_query(dev->proxy, c->handle, &query,
                                          &flow_error)) {
            uint64_t hits = query.hits_set ? query.hits : c->last.n_packets;
            uint64_t bytes = query.bytes_set ? query.bytes : c->last.n_bytes;

            if (hits >= c->last.n_packets && bytes >= c->last.n_bytes) {
                if (hits > c->last.n_packets) {
                    c->last.used = time_msec();
                }
                c->last.n_packets = hits;
                c->last.n_bytes = bytes;
            }
        }
        *stats = c->last;
    }
    ovs_mutex_unlock(&dev->mutex);
    return error;
}

/* fp_rte_flow_build()'s 'counter_handle': the indirect action of shared
 * counter 'counter_id' of 'dev_' (a struct fp_rte_flow_dev), or NULL.
 * Called under the device's mutex. */
struct rte_flow_action_handle *
fp_rte_flow_dev_counter_handle(uint32_t counter_id, void *dev_)
{
    struct fp_rte_flow_dev *dev = dev_;
    struct fp_rte_flow_dev_counter *c;

    c = counter_find(dev, counter_id);
    return c ? c->handle : NULL;
}

/* ## ------------------------ ## */
/* ## Reset, stats, capacity.  ## */
/* ## ------------------------ ## */

/* Forgets every meter and shared counter of 'dev' (whose rules are gone),
 * destroying them in the PMD; at a reset or the device's destruction. */
void
fp_rte_flow_dev_mtr_clear(struct fp_rte_flow_dev *dev)
    OVS_REQUIRES(dev->mutex)
{
    struct fp_rte_flow_dev_counter *c;
    struct fp_rte_flow_dev_meter *m;

    HMAP_FOR_EACH_POP (m, node, &dev->meters) {
        if (m->created) {
            mtr_destroy(dev, m);
        }
        free(m);
    }
    HMAP_FOR_EACH_POP (c, node, &dev->counters) {
        struct rte_flow_error error;

        memset(&error, 0, sizeof error);
        rte_flow_action_handle_destroy(dev->proxy, c->handle, &error);
        free(c);
    }
    if (dev->have_policy) {
        struct rte_mtr_error error;

        memset(&error, 0, sizeof error);
        rte_mtr_meter_policy_delete(dev->proxy, dev->policy_id, &error);
        dev->have_policy = false;
    }
}

void
fp_rte_flow_dev_mtr_destroy(struct fp_rte_flow_dev *dev)
{
    hmap_destroy(&dev->meters);
    hmap_destroy(&dev->counters);
}

void
fp_rte_flow_dev_mtr_counts(struct fp_rte_flow_dev *dev,
                           struct fp_device_stats *stats)
    OVS_REQUIRES(dev->mutex)
{
    const struct fp_rte_flow_dev_meter *m;

    stats->n_meters = 0;
    HMAP_FOR_EACH (m, node, &dev->meters) {
        stats->n_meters += m->created;
    }
    stats->n_counters = hmap_count(&dev->counters);
}

/* The meters that the PMD of 'proxy' can have (rte_mtr_capabilities_get()),
 * at most the fp core's limit; 0 without rte_mtr. */
uint32_t
fp_rte_flow_dev_mtr_capacity(uint16_t proxy)
{
    struct rte_mtr_capabilities cap;
    struct rte_mtr_error error;

    memset(&cap, 0, sizeof cap);
    memset(&error, 0, sizeof error);
    if (rte_mtr_capabilities_get(proxy, &cap, &error)) {
        return 0;
    }
    return MIN(cap.n_max, 1024 * 1024);
}
