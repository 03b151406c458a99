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

/* rte_mtr operations of the net_fp PMD (see lib/fp-dpdk-pmd.h): DPDK
 * meters as the model device's meters (fp_meter_set()), for the METER
 * action of rte_flow rules.
 *
 * The model's meters are colour-blind, srTCM (RFC 2697) or trTCM (RFC
 * 2698), in bytes or packets, and drop what is red: so a profile is
 * RTE_MTR_SRTCM_RFC2697 or RTE_MTR_TRTCM_RFC2698 (byte or packet mode),
 * and a policy passes green and yellow packets (no action, or VOID only)
 * and drops red ones (DROP).  A meter is created enabled, colour-blind,
 * without chaining.  Its id is the model's meter id: the vdev's ethdevs
 * share one namespace of profiles, policies and meters.  Statistics:
 * packets of each colour (red ones are those dropped) and the bytes
 * dropped. */

#include <config.h>

/* The ethdev driver API is DPDK's internal ABI (lib/dpdk-sdk/). */
#define ALLOW_INTERNAL_API 1

#include "fp-dpdk-pmd-private.h"

#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_mtr.h>

#include <ethdev_driver.h>
#include <rte_mtr_driver.h>

#include "hash.h"
#include "util.h"

struct mtr_profile {
    struct hmap_node node;      /* In 'mtr_profiles', by id. */
    uint32_t id;
    struct fp_meter_config config;
    unsigned int n_users;       /* Meters of the profile. */
};

struct mtr_policy {
    struct hmap_node node;      /* In 'mtr_policies', by id. */
    uint32_t id;
    unsigned int n_users;
};

struct mtr_meter {
    struct hmap_node node;      /* In 'meters', by id. */
    uint32_t id;
    struct mtr_profile *profile;
    struct mtr_policy *policy;
    struct fp_meter_stats base; /* At the last read with 'clear'. */
};

#define STATS_MASK (RTE_MTR_STATS_N_PKTS_GREEN | RTE_MTR_STATS_N_PKTS_YELLOW \
                    | RTE_MTR_STATS_N_PKTS_RED | RTE_MTR_STATS_N_BYTES_RED \
                    | RTE_MTR_STATS_N_PKTS_DROPPED \
                    | RTE_MTR_STATS_N_BYTES_DROPPED)

static struct fp_dpdk_pmd_dev *
mtr_dev(struct rte_eth_dev *eth)
{
    uint32_t fp_port;

    return fp_dpdk_pmd_dev_of(eth, &fp_port);
}

static struct mtr_profile *
find_profile(struct fp_dpdk_pmd_dev *dev, uint32_t id)
    OVS_REQUIRES(dev->mutex)
{
    struct mtr_profile *p;

    HMAP_FOR_EACH_WITH_HASH (p, node, hash_int(id, 0), &dev->mtr_profiles) {
        if (p->id == id) {
            return p;
        }
    }
    return NULL;
}

static struct mtr_policy *
find_policy(struct fp_dpdk_pmd_dev *dev, uint32_t id)
    OVS_REQUIRES(dev->mutex)
{
    struct mtr_policy *p;

    HMAP_FOR_EACH_WITH_HASH (p, node, hash_int(id, 0), &dev->mtr_policies) {
        if (p->id == id) {
            return p;
        }
    }
    return NULL;
}

static struct mtr_meter *
find_meter(struct fp_dpdk_pmd_dev *dev, uint32_t id)
    OVS_REQUIRES(dev->mutex)
{
    struct mtr_meter *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, hash_int(id, 0), &dev->meters) {
        if (m->id == id) {
            return m;
        }
    }
    return NULL;
}

static int
fp_dpdk_pmd_mtr_capabilities_get(struct rte_eth_dev *eth,
                                 struct rte_mtr_capabilities *cap,
                                 struct rte_mtr_error *error OVS_UNUSED)
{
    struct fp_dpdk_pmd_dev *dev = mtr_dev(eth);
    struct fp_device_config cfg;

    fp_device_get_config(dev->fp, &cfg);
    memset(cap, 0, sizeof *cap);
    cap->n_max = cfg.n_meters;
    cap->n_shared_max = cfg.n_meters;
    cap->identical = 1;
    cap->shared_identical = 1;
    cap->shared_n_flows_per_mtr_max = UINT32_MAX;
    cap->chaining_n_mtrs_per_flow_max = 1;
    cap->meter_srtcm_rfc2697_n_max = cfg.n_meters;
    cap->meter_trtcm_rfc2698_n_max = cfg.n_meters;
    cap->meter_rate_max = UINT64_MAX;
    cap->meter_policy_n_max = UINT32_MAX;
    cap->srtcm_rfc2697_byte_mode_supported = 1;
    cap->srtcm_rfc2697_packet_mode_supported = 1;
    cap->trtcm_rfc2698_byte_mode_supported = 1;
    cap->trtcm_rfc2698_packet_mode_supported = 1;
    cap->stats_mask = STATS_MASK;
    return 0;
}

static int
fp_dpdk_pmd_mtr_profile_add(struct rte_eth_dev *eth, uint32_t id,
                            struct rte_mtr_meter_profile *profile,
                            struct rte_mtr_error *error)
{
    struct fp_dpdk_pmd_dev *dev = mtr_dev(eth);
    struct fp_meter_config config;
    struct mtr_profile *p;
    int retval = 0;

    memset(&config, 0, sizeof config);
    config.pkts = profile->packet_mode != 0;
    if (profile->alg == RTE_MTR_SRTCM_RFC2697) {
        config.type = FP_METER_SRTCM;
        config.cir = profile->srtcm_rfc2697.cir;
        config.cbs = profile->srtcm_rfc2697.cbs;
        config.ebs = profile->srtcm_rfc2697.ebs;
    } else if (profile->alg == RTE_MTR_TRTCM_RFC2698) {
        config.type = FP_METER_TRTCM;
        config.cir = profile->trtcm_rfc2698.cir;
        config.pir = profile->trtcm_rfc2698.pir;
        config.cbs = profile->trtcm_rfc2698.cbs;
        config.ebs = profile->trtcm_rfc2698.pbs;
        if (config.pir < config.cir) {
            return -rte_mtr_error_set(error, EINVAL,
                                      RTE_MTR_ERROR_TYPE_METER_PROFILE,
                                      NULL, "trTCM with PIR below CIR");
        }
    } else {
        return -rte_mtr_error_set(error, ENOTSUP,
                                  RTE_MTR_ERROR_TYPE_METER_PROFILE, NULL,
                                  "the model NIC's meters are srTCM (RFC "
                                  "2697) or trTCM (RFC 2698)");
    }

    ovs_mutex_lock(&dev->mutex);
    if (find_profile(dev, id)) {
        retval = -rte_mtr_error_set(error, EEXIST,
                                    RTE_MTR_ERROR_TYPE_METER_PROFILE_ID,
                                    NULL, "profile id in use");
    } else {
        p = xzalloc(sizeof *p);
        p->id = id;
        p->config = config;
        hmap_insert(&dev->mtr_profiles, &p->node, hash_int(id, 0));
    }
    ovs_mutex_unlock(&dev->mutex);
    return retval;
}

static int
fp_dpdk_pmd_mtr_profile_delete(struct rte_eth_dev *eth, uint32_t id,
                               struct rte_mtr_error *error)
{
    struct fp_dpdk_pmd_dev *dev = mtr_dev(eth);
    struct mtr_profile *p;
    int retval = 0;

    ovs_mutex_lock(&dev->mutex);
    p = find_profile(dev, id);
    if (!p) {
        retval = -rte_mtr_error_set(error, ENOENT,
                                    RTE_MTR_ERROR_TYPE_METER_PROFILE_ID,
                                    NULL, "no such profile");
    } else if (p->n_users) {
        retval = -rte_mtr_error_set(error, EBUSY,
                                    RTE_MTR_ERROR_TYPE_METER_PROFILE_ID,
                                    NULL, "a meter uses the profile");
    } else {
        hmap_remove(&dev->mtr_profiles, &p->node);
        free(p);
    }
    ovs_mutex_unlock(&dev->mutex);
    return retval;
}

/* Whether 'actions' (NULL, or a list to END) does nothing, or only drops
 * ('drop'). */
static bool
policy_actions_are(const struct rte_flow_action *actions, bool drop)
{
    bool dropped = false;

    for (; actions && actions->type != RTE_FLOW_ACTION_TYPE_END; actions++) {
        if (actions->type == RTE_FLOW_ACTION_TYPE_DROP && drop) {
            dropped = true;
        } else if (actions->type != RTE_FLOW_ACTION_TYPE_VOID) {
            return false;
        }
    }
    return dropped == drop;
}

static int
fp_dpdk_pmd_mtr_policy_validate(struct rte_eth_dev *eth OVS_UNUSED,
                                struct rte_mtr_meter_policy_params *policy,
                                struct rte_mtr_error *error)
{
    if (!policy_actions_are(policy->actions[RTE_COLOR_GREEN], false)
        || !policy_actions_are(policy->actions[RTE_COLOR_YELLOW], false)
        || !policy_actions_are(policy->actions[RTE_COLOR_RED], true)) {
        return -rte_mtr_error_set(error, ENOTSUP,
                                  RTE_MTR_ERROR_TYPE_METER_POLICY, NULL,
                                  "the model NIC's meters pass green and "
                                  "yellow packets (no action) and drop red "
                                  "ones (DROP)");
    }
    return 0;
}

static int
fp_dpdk_pmd_mtr_policy_add(struct rte_eth_dev *eth, uint32_t id,
                           struct rte_mtr_meter_policy_params *policy,
                           struct rte_mtr_error *error)
{
    struct fp_dpdk_pmd_dev *dev = mtr_dev(eth);
    struct mtr_policy *p;
    int retval;

    retval = fp_dpdk_pmd_mtr_policy_validate(eth, policy, error);
    if (retval) {
        return retval;
    }
    ovs_mutex_lock(&dev->mutex);
    if (find_policy(dev, id)) {
        retval = -rte_mtr_error_set(error, EEXIST,
                                    RTE_MTR_ERROR_TYPE_METER_POLICY_ID,
                                    NULL, "policy id in use");
    } else {
        p = xzalloc(sizeof *p);
        p->id = id;
        hmap_insert(&dev->mtr_policies, &p->node, hash_int(id, 0));
    }
    ovs_mutex_unlock(&dev->mutex);
    return retval;
}

static int
fp_dpdk_pmd_mtr_policy_delete(struct rte_eth_dev *eth, uint32_t id,
                              struct rte_mtr_error *error)
{
    struct fp_dpdk_pmd_dev *dev = mtr_dev(eth);
    struct mtr_policy *p;
    int retval = 0;

    ovs_mutex_lock(&dev->mutex);
    p = find_policy(dev, id);
    if (!p) {
        retval = -rte_mtr_error_set(error, ENOENT,
                                    RTE_MTR_ERROR_TYPE_METER_POLICY_ID,
                                    NULL, "no such policy");
    } else if (p->n_users) {
        retval = -rte_mtr_error_set(error, EBUSY,
                                    RTE_MTR_ERROR_TYPE_METER_POLICY_ID,
                                    NULL, "a meter uses the policy");
    } else {
        hmap_remove(&dev->mtr_policies, &p->node);
        free(p);
    }
    ovs_mutex_unlock(&dev->mutex);
    return retval;
}

static int
fp_dpdk_pmd_mtr_create(struct rte_eth_dev *eth, uint32_t id,
                       struct rte_mtr_params *params, int shared OVS_UNUSED,
                       struct rte_mtr_error *error)
{
    struct fp_dpdk_pmd_dev *dev = mtr_dev(eth);
    struct mtr_profile *profile;
    struct mtr_policy *policy;
    struct mtr_meter *m;
    int retval = 0;
    int err;

    if (params->use_prev_mtr_color || params->dscp_table
        || params->vlan_table) {
        return -rte_mtr_error_set(error, ENOTSUP,
                                  RTE_MTR_ERROR_TYPE_MTR_PARAMS, NULL,
                                  "the model NIC's meters are colour-blind "
                                  "and not chained");
    }
    if (!params->meter_enable) {
        return -rte_mtr_error_set(error, ENOTSUP,
                                  RTE_MTR_ERROR_TYPE_MTR_PARAMS, NULL,
                                  "the model NIC's meters are always "
                                  "enabled");
    }

    ovs_mutex_lock(&dev->mutex);
    profile = find_profile(dev, params->meter_profile_id);
    policy = find_policy(dev, params->meter_policy_id);
    if (find_meter(dev, id)) {
        retval = -rte_mtr_error_set(error, EEXIST,
                                    RTE_MTR_ERROR_TYPE_MTR_ID, NULL,
                                    "meter id in use");
    } else if (!profile) {
        retval = -rte_mtr_error_set(error, EINVAL,
                                    RTE_MTR_ERROR_TYPE_METER_PROFILE_ID,
                                    NULL, "no such profile");
    } else if (!policy) {
        retval = -rte_mtr_error_set(error, EINVAL,
                                    RTE_MTR_ERROR_TYPE_METER_POLICY_ID,
                                    NULL, "no such policy");
    } else if ((err = fp_meter_set(dev->fp, id, &profile->config))) {
        retval = -rte_mtr_error_set(error, err,
                                    RTE_MTR_ERROR_TYPE_MTR_ID, NULL,
                                    err == ENOSPC
                                    ? "the model NIC's meter table is full"
                                    : "the model NIC refused the meter");
    } else {
        m = xzalloc(sizeof *m);
        m->id = id;
        m->profile = profile;
        m->policy = policy;
        profile->n_users++;
        policy->n_users++;
        hmap_insert(&dev->meters, &m->node, hash_int(id, 0));
    }
    ovs_mutex_unlock(&dev->mutex);
    return retval;
}

static void
meter_free(struct fp_dpdk_pmd_dev *dev, struct mtr_meter *m)
    OVS_REQUIRES(dev->mutex)
{
    m->profile->n_users--;
    m->policy->n_users--;
    hmap_remove(&dev->meters, &m->node);
    free(m);
}

static int
fp_dpdk_pmd_mtr_destroy_op(struct rte_eth_dev *eth, uint32_t id,
                           struct rte_mtr_error *error)
{
    struct fp_dpdk_pmd_dev *dev = mtr_dev(eth);
    struct mtr_meter *m;
    int retval = 0;

    ovs_mutex_lock(&dev->mutex);
    m = find_meter(dev, id);
    if (!m) {
        retval = -rte_mtr_error_set(error, ENOENT,
                                    RTE_MTR_ERROR_TYPE_MTR_ID, NULL,
                                    "no such meter");
    } else {
        int err = fp_meter_delete(dev->fp, id);

        if (err && err != ENOENT) {
            retval = -rte_mtr_error_set(error, err,
                                        RTE_MTR_ERROR_TYPE_MTR_ID, NULL,
                                        err == EBUSY
                                        ? "a rule uses the meter"
                                        : "the model NIC cannot delete the "
                                          "meter");
        } else {
            meter_free(dev, m);
        }
    }
    ovs_mutex_unlock(&dev->mutex);
    return retval;
}

static int
fp_dpdk_pmd_mtr_stats_read(struct rte_eth_dev *eth, uint32_t id,
                           struct rte_mtr_stats *stats,
                           uint64_t *stats_mask, int clear,
                           struct rte_mtr_error *error)
{
    struct fp_dpdk_pmd_dev *dev = mtr_dev(eth);
    struct fp_meter_stats s;
    struct mtr_meter *m;
    int retval = 0;

    ovs_mutex_lock(&dev->mutex);
    m = find_meter(dev, id);
    if (!m) {
        retval = -rte_mtr_error_set(error, ENOENT,
                                    RTE_MTR_ERROR_TYPE_MTR_ID, NULL,
                                    "no such meter");
    } else if (fp_meter_get_stats(dev->fp, id, &s)) {
        retval = -rte_mtr_error_set(error, EIO, RTE_MTR_ERROR_TYPE_MTR_ID,
                                    NULL, "the model NIC cannot read the "
                                    "meter's counters");
    } else {
        /* The model's counters start from zero at a device reset. */
#define DELTA(MEMBER) (s.MEMBER - MIN(s.MEMBER, m->base.MEMBER))
        memset(stats, 0, sizeof *stats);
        stats->n_pkts[RTE_COLOR_GREEN] = DELTA(green_packets);
        stats->n_pkts[RTE_COLOR_YELLOW] = DELTA(yellow_packets);
        stats->n_pkts[RTE_COLOR_RED] = DELTA(drop_packets);
        stats->n_bytes[RTE_COLOR_RED] = DELTA(drop_bytes);
        stats->n_pkts_dropped = DELTA(drop_packets);
        stats->n_bytes_dropped = DELTA(drop_bytes);
#undef DELTA
        if (stats_mask) {
            *stats_mask = STATS_MASK;
        }
        if (clear) {
            m->base = s;
        }
    }
    ovs_mutex_unlock(&dev->mutex);
    return retval;
}

const struct rte_mtr_ops fp_dpdk_pmd_mtr_ops = {
    .capabilities_get = fp_dpdk_pmd_mtr_capabilities_get,
    .meter_profile_add = fp_dpdk_pmd_mtr_profile_add,
    .meter_profile_delete = fp_dpdk_pmd_mtr_profile_delete,
    .meter_policy_validate = fp_dpdk_pmd_mtr_policy_validate,
    .meter_policy_add = fp_dpdk_pmd_mtr_policy_add,
    .meter_policy_delete = fp_dpdk_pmd_mtr_policy_delete,
    .create = fp_dpdk_pmd_mtr_create,
    .destroy = fp_dpdk_pmd_mtr_destroy_op,
    .stats_read = fp_dpdk_pmd_mtr_stats_read,
};

/* Initializes the rte_mtr state of 'dev'. */
void
fp_dpdk_pmd_mtr_init(struct fp_dpdk_pmd_dev *dev)
{
    hmap_init(&dev->mtr_profiles);
    hmap_init(&dev->mtr_policies);
    hmap_init(&dev->meters);
}

/* Frees the rte_mtr state of 'dev', at its removal (the model device's
 * meters go with the device). */
void
fp_dpdk_pmd_mtr_destroy(struct fp_dpdk_pmd_dev *dev)
{
    struct mtr_profile *profile;
    struct mtr_policy *policy;
    struct mtr_meter *m;

    ovs_mutex_lock(&dev->mutex);
    HMAP_FOR_EACH_SAFE (m, node, &dev->meters) {
        meter_free(dev, m);
    }
    HMAP_FOR_EACH_POP (profile, node, &dev->mtr_profiles) {
        free(profile);
    }
    HMAP_FOR_EACH_POP (policy, node, &dev->mtr_policies) {
        free(policy);
    }
    ovs_mutex_unlock(&dev->mutex);
    hmap_destroy(&dev->meters);
    hmap_destroy(&dev->mtr_profiles);
    hmap_destroy(&dev->mtr_policies);
}

/* Whether 'dev' has meter 'mtr_id', for the METER action. */
bool
fp_dpdk_pmd_mtr_exists(struct fp_dpdk_pmd_dev *dev, uint32_t mtr_id)
{
    bool exists;

    ovs_mutex_lock(&dev->mutex);
    exists = find_meter(dev, mtr_id) != NULL;
    ovs_mutex_unlock(&dev->mutex);
    return exists;
}
