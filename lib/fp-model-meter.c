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

/* The model's meter table: the meter hooks of fp_model_class and the
 * lookups that the rest of the model uses.  A meter is in 'meter_ids' by
 * id and in a slot of 'meters', which counts the action lists that use it;
 * the meters' algorithms are lib/fp-meter.c's (RFC 2697, RFC 2698). */

#include <config.h>

#include <errno.h>

#include "cmap.h"
#include "fp-meter.h"
#include "fp-model-private.h"
#include "hash.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_model_meter);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Destroys and frees 'm'.  An ovsrcu_postpone() callback: takes no lock
 * and does not use the device. */
void
fp_model_meter_destroy(struct fp_model_meter *m)
{
    fp_meter_destroy(&m->meter);
    free(m);
}

/* Returns the meter in slot 'slot' of the meter table, or NULL.  For
 * the holder of 'ctl_mutex' (or the destroyer of the device). */
struct fp_model_meter *
fp_model_meter_in_slot(const struct fp_model *model, uint32_t slot)
{
    return ovsrcu_get_protected(struct fp_model_meter *,
                                &model->meters[slot].meter);
}

/* Returns meter 'id', or NULL.  Callers hold 'ctl_mutex' or are in an RCU
 * read-side section, which the meter outlives. */
struct fp_model_meter *
fp_model_meter_find(const struct fp_model *model, uint32_t id)
{
    struct fp_model_meter *m;

    CMAP_FOR_EACH_WITH_HASH (m, id_node, hash_int(id, 0),
                             &model->meter_ids) {
        if (m->id == id) {
            return m;
        }
    }
    return NULL;
}

/* Takes meter 'm' out of use, without waiting for RCU readers (see "Locks
 * and waits" in fp-model-private.h): out of 'meter_ids' and of its slot,
 * which is free again, at once, once no engine runs an action list that
 * was just released; 'm' itself is freed once no host thread in
 * fp_model_meter_police() can be using it. */
static void
fp_model_meter_free(struct fp_model *model, struct fp_model_meter *m)
    OVS_REQUIRES(model->ctl_mutex)
{
    cmap_remove(&model->meter_ids, &m->id_node, hash_int(m->id, 0));
    fp_model_barrier(model);
    ovsrcu_set(&model->meters[m->slot].meter, NULL);
    model->n_meters_used--;
    ovsrcu_postpone(fp_model_meter_destroy, m);
}

int
fp_model_meter_set(struct fp_device *dev, uint32_t meter_id,
                   const struct fp_meter_config *config)
{
    struct fp_model *model = fp_model_cast(dev);
    int error = fp_meter_config_check(config);
    struct fp_model_meter *m;

    if (error) {
        return error;
    }

    ovs_mutex_lock(&model->ctl_mutex);
    m = fp_model_meter_find(model, meter_id);
    if (m) {
        fp_meter_reconfigure(&m->meter, config, time_usec());
    } else {
        uint32_t i;

        error = ENOSPC;
        for (i = 0; i < dev->config.n_meters; i++) {
            if (!fp_model_meter_in_slot(model, i)) {
                m = xmalloc(sizeof *m);
                fp_meter_init(&m->meter, config, time_usec());
                m->id = meter_id;
                m->slot = i;
                model->meters[i].refs = 0;
                ovsrcu_set(&model->meters[i].meter, m);
                cmap_insert(&model->meter_ids, &m->id_node,
                            hash_int(meter_id, 0));
                model->n_meters_used++;
                error = 0;
                break;
            }
        }
        if (error) {
            fp_model_count_table_full();
            VLOG_DBG_RL(&rl, "%s: %s full", dev->name,
                        fp_resource_name(FP_RES_METERS));
        }
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}

int
fp_model_meter_delete(struct fp_device *dev, uint32_t meter_id)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_meter *m;
    int error = 0;

    ovs_mutex_lock(&model->ctl_mutex);
    fp_model_deferred_finish(model, true);
    m = fp_model_meter_find(model, meter_id);
    if (!m) {
        error = ENOENT;
    } else if (model->meters[m->slot].refs) {
        error = EBUSY;
    } else {
        fp_model_meter_free(model, m);
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}

int
fp_model_meter_get_stats(struct fp_device *dev, uint32_t meter_id,
                         struct fp_meter_stats *stats)
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_meter *m;
    int error = 0;

    ovs_mutex_lock(&model->ctl_mutex);
    m = fp_model_meter_find(model, meter_id);
    if (!m) {
        error = ENOENT;
    } else {
        fp_meter_read(&m->meter, stats);
    }
    ovs_mutex_unlock(&model->ctl_mutex);

    return error;
}

/* Runs the host's packets through meter 'meter_id': see the contract in
 * fp-provider.h.  Never takes 'ctl_mutex'; the meter stays valid until the
 * caller's RCU read-side section ends (fp_model_meter_free()). */
int
fp_model_meter_police(struct fp_device *dev, uint32_t meter_id,
                      const uint32_t sizes[], size_t n, long long int now,
                      bool passed[], uint8_t remarks[])
{
    struct fp_model *model = fp_model_cast(dev);
    struct fp_model_meter *m = fp_model_meter_find(model, meter_id);
    size_t i;

    if (!m) {
        return ENOENT;
    }
    for (i = 0; i < n; i++) {
        passed[i] = fp_meter_take_remark(&m->meter, sizes[i], now,
                                         &remarks[i]) != FP_METER_RED;
    }
    return 0;
}
