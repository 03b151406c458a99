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

#include "netdev-fp-qos.h"

#include <errno.h>
#include <string.h>

#include "netdev-fp-private.h"
#include "openvswitch/vlog.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_fp_qos);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

static void netdev_fp_qos_error(struct netdev_fp *, char *msg);

const char *const netdev_fp_qos_types[3] = {
    NETDEV_FP_QOS_HTB, NETDEV_FP_QOS_ETS, NETDEV_FP_QOS_POLICER,
};

/* Returns the element of netdev_fp_qos_types[] equal to 'type', or NULL if
 * fp interfaces do not take QoS 'type'. */
const char *
netdev_fp_qos_type(const char *type)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(netdev_fp_qos_types); i++) {
        if (!strcmp(type, netdev_fp_qos_types[i])) {
            return netdev_fp_qos_types[i];
        }
    }
    return NULL;
}

/* Initializes 'qos' to no QoS. */
void
netdev_fp_qos_init(struct netdev_fp_qos *qos)
{
    size_t i;

    memset(qos, 0, sizeof *qos);
    smap_init(&qos->details);
    for (i = 0; i < FP_QOS_N_QUEUES; i++) {
        smap_init(&qos->queues[i]);
    }
}

/* Frees what 'qos' holds. */
void
netdev_fp_qos_destroy(struct netdev_fp_qos *qos)
{
    size_t i;

    smap_destroy(&qos->details);
    for (i = 0; i < FP_QOS_N_QUEUES; i++) {
        smap_destroy(&qos->queues[i]);
    }
}

/* Parses the value of 'key' in 'details', in bits if 'bits' (a rate in
 * bit/s or a size in bits), else in bytes, into '*bytesp' in bytes (rounded
 * down); absent is 0.  Returns 0, or EINVAL with a message for interface
 * 'name' in '*errp' (to free). */
static int
netdev_fp_qos_get_bytes(const char *name, const char *what,
                        const struct smap *details, const char *key,
                        bool bits, uint64_t *bytesp, char **errp)
{
    const char *s = smap_get(details, key);
    unsigned long long int value;

    *bytesp = 0;
    if (!s) {
        return 0;
    }
    /* strtoull() takes "-5" as 2**64 - 5. */
    if (strchr(s, '-') || !str_to_ullong(s, 10, &value)) {
        *errp = xasprintf("%s: %s %s=%s: not a number of %s", name, what,
                          key, s, (bits ? "bits (bit/s for a rate)"
                                   : "bytes (bytes/s for a rate)"));
        return EINVAL;
    }
    *bytesp = bits ? value / 8 : value;
    return 0;
}

/* Parses the value of 'key' in 'details' into '*valuep', 0 if absent.
 * Returns 0, or EINVAL with a message for interface 'name' in '*errp'
 * (to free). */
static int
netdev_fp_qos_get_uint(const char *name, const char *what,
                       const struct smap *details, const char *key,
                       uint32_t *valuep, char **errp)
{
    const char *s = smap_get(details, key);

    *valuep = 0;
    if (s && !str_to_uint(s, 10, valuep)) {
        *errp = xasprintf("%s: %s %s=%s: not a number from 0 to "
                          "4294967295", name, what, key, s);
        return EINVAL;
    }
    return 0;
}

/* Parses a class (a queue, or a VF's share) from 'details' with linux-htb's
 * keys: min-rate, max-rate (bit/s), burst (bits), priority (0 to
 * 4294967295, 0 first), and with 'weight' also weight (1 to 4294967295;
 * absent or 0, in proportion to min-rate).  Returns 0 or EINVAL
 * (logged). */
static int
netdev_fp_qos_parse_class(const char *name, const char *what,
                          const struct smap *details, bool weight,
                          struct fp_qos_class *class, char **errp)
{
    uint64_t burst = 0;
    int error;

    memset(class, 0, sizeof *class);
    error = (netdev_fp_qos_get_bytes(name, what, details, "min-rate", true,
                                     &class->min_rate, errp)
             || netdev_fp_qos_get_bytes(name, what, details, "max-rate", true,
                                        &class->max_rate, errp)
             || netdev_fp_qos_get_bytes(name, what, details, "burst", true,
                                        &burst, errp)
             || netdev_fp_qos_get_uint(name, what, details, "priority",
                                       &class->priority, errp)
             || (weight && netdev_fp_qos_get_uint(name, what, details,
                                                  "weight", &class->weight,
                                                  errp))
             ? EINVAL : 0);
    class->burst = MIN(burst, UINT32_MAX);
    return error;
}

/* Sets the QoS of 'qos', of interface 'name', to 'type' with 'details' (the
 * QoS row's other_config), or to none if 'type' is NULL or empty.  Queues
 * are kept; OVS sets each again after the QoS.  Type egress-policer takes
 * cir (bytes/s) and cbs (bytes), both above 0, as OVS's netdev-dpdk does.
 * Returns 0, EOPNOTSUPP for a type not in netdev_fp_qos_types[], or EINVAL
 * for a bad value (both with a message in '*errp', to free; then 'qos' is
 * unchanged). */
int
netdev_fp_qos_set(struct netdev_fp_qos *qos, const char *name,
                  const char *type, const struct smap *details, char **errp)
{
    uint64_t police_rate = 0, police_burst = 0;
    uint64_t rate, burst;

    if (!type || !type[0]) {
        qos->type = NULL;
        smap_clear(&qos->details);
        return 0;
    }
    if (!netdev_fp_qos_type(type)) {
        *errp = xasprintf("%s: QoS type %s: fp interfaces take types "
                          NETDEV_FP_QOS_HTB", "NETDEV_FP_QOS_ETS" and "
                          NETDEV_FP_QOS_POLICER, name, type);
        return EOPNOTSUPP;
    }
    if (!strcmp(type, NETDEV_FP_QOS_POLICER)) {
        rate = burst = 0;
        if (netdev_fp_qos_get_bytes(name, "QoS", details, "cir", false,
                                    &police_rate, errp)
            || netdev_fp_qos_get_bytes(name, "QoS", details, "cbs", false,
                                       &police_burst, errp)) {
            return EINVAL;
        }
        if (!police_rate || !police_burst) {
            *errp = xasprintf("%s: QoS type "NETDEV_FP_QOS_POLICER" needs cir "
                              "and cbs above 0", name);
            return EINVAL;
        }
    } else if (netdev_fp_qos_get_bytes(name, "QoS", details, "max-rate",
                                       true, &rate, errp)
               || netdev_fp_qos_get_bytes(name, "QoS", details, "burst", true,
                                          &burst, errp)) {
        return EINVAL;
    }
    qos->type = netdev_fp_qos_type(type);
    smap_destroy(&qos->details);
    smap_clone(&qos->details, details);
    qos->config.rate = rate;
    qos->config.burst = MIN(burst, UINT32_MAX);
    qos->config.police_rate = police_rate;
    qos->config.police_burst = police_burst;
    return 0;
}

/* Configures queue 'queue_id' of 'qos', of interface 'name', from 'details'
 * (the Queue row's other_config).  Returns 0, or EINVAL for a queue id of
 * FP_QOS_N_QUEUES or more or a bad value (with a message in '*errp', to
 * free; then nothing changes). */
int
netdev_fp_qos_set_queue(struct netdev_fp_qos *qos, const char *name,
                        unsigned int queue_id, const struct smap *details,
                        char **errp)
{
    struct fp_qos_class class;
    char what[32];

    if (queue_id >= FP_QOS_N_QUEUES) {
        *errp = xasprintf("%s: queue %u: fp interfaces have queues 0 to %d",
                          name, queue_id, FP_QOS_N_QUEUES - 1);
        return EINVAL;
    }
    snprintf(what, sizeof what, "queue %u", queue_id);
    if (netdev_fp_qos_parse_class(name, what, details,
                                  (qos->type
                                   && !strcmp(qos->type, NETDEV_FP_QOS_ETS)),
                                  &class, errp)) {
        return EINVAL;
    }
    qos->config.queue[queue_id] = class;
    qos->config.queues |= 1u << queue_id;
    smap_destroy(&qos->queues[queue_id]);
    smap_clone(&qos->queues[queue_id], details);
    return 0;
}

/* Removes queue 'queue_id' from 'qos'.  Returns 0 or ENOENT. */
int
netdev_fp_qos_delete_queue(struct netdev_fp_qos *qos, unsigned int queue_id)
{
    if (queue_id >= FP_QOS_N_QUEUES
        || !(qos->config.queues & (1u << queue_id))) {
        return ENOENT;
    }
    qos->config.queues &= ~(1u << queue_id);
    memset(&qos->config.queue[queue_id], 0, sizeof qos->config.queue[0]);
    smap_clear(&qos->queues[queue_id]);
    return 0;
}

/* Parses the options vf-min-tx-rate and vf-max-tx-rate (Mbit/s, as "ip link
 * set PF vf N min_tx_rate max_tx_rate" takes them) of interface 'name' from
 * 'args' into '*class', and sets '*has_rate' to whether either is set and
 * nonzero.  Returns 0, or EINVAL with a message in '*errp' (to free). */
int
netdev_fp_parse_vf_rate(const char *name, const struct smap *args,
                        struct fp_qos_class *class, bool *has_rate,
                        char **errp)
{
    static const char *const keys[] = { "vf-min-tx-rate", "vf-max-tx-rate" };
    uint64_t mbps[2] = { 0, 0 };
    size_t i;

    memset(class, 0, sizeof *class);
    for (i = 0; i < ARRAY_SIZE(keys); i++) {
        const char *s = smap_get(args, keys[i]);
        unsigned long long int v;

        if (s && (strchr(s, '-') || !str_to_ullong(s, 10, &v)
                  || v > 1000000)) {
            *errp = xasprintf("%s: options:%s=%s: not a rate in Mbit/s "
                              "from 0 to 1000000", name, keys[i], s);
            return EINVAL;
        }
        mbps[i] = s ? v : 0;
    }
    if (mbps[1] && mbps[0] > mbps[1]) {
        *errp = xasprintf("%s: options:vf-min-tx-rate=%"PRIu64" is above "
                          "options:vf-max-tx-rate=%"PRIu64, name, mbps[0],
                          mbps[1]);
        return EINVAL;
    }
    class->min_rate = mbps[0] * 1000000 / 8;
    class->max_rate = mbps[1] * 1000000 / 8;
    *has_rate = mbps[0] || mbps[1];
    return 0;
}
/* The netdev provider's QoS hooks. */

/* Gives the NIC port of 'netdev' the QoS of 'netdev', if it is bound, and
 * records why the NIC refuses it, if it does, for the Interface's error
 * column. */
void
netdev_fp_apply_qos(struct netdev_fp *netdev)
    OVS_REQUIRES(netdev->mutex)
{
    int error;

    if (!netdev->fp_dev) {
        return;
    }
    error = fp_port_set_qos(netdev->fp_dev, netdev->fp_port,
                            netdev->qos.type ? &netdev->qos.config : NULL);
    if (error && netdev->qos.type) {
        netdev_fp_qos_error(netdev, xasprintf("%s cannot run QoS on its "
                                              "ports (%s)",
                                              fp_device_name(netdev->fp_dev),
                                              ovs_strerror(error)));
    }
}

/* After a change of the QoS settings of 'netdev' that returned 'error'
 * (with message 'msg', which it takes, if nonzero): applies them, or
 * records why they were refused. */
static void
netdev_fp_qos_changed(struct netdev_fp *netdev, int error, char *msg)
    OVS_REQUIRES(netdev->mutex)
{
    if (!error) {
        netdev_fp_apply_qos(netdev);
    } else {
        netdev_fp_qos_error(netdev, msg);
    }
}

/* Records 'msg' (which it takes) as why the interface's QoS is not what
 * OVSDB says, for the Interface's error column, and logs it.  The first
 * error of a reconfiguration stays (netdev_fp_set_qos() starts one). */
static void
netdev_fp_qos_error(struct netdev_fp *netdev, char *msg)
    OVS_REQUIRES(netdev->mutex)
{
    VLOG_WARN_RL(&rl, "%s", msg);
    if (!netdev->qos_error) {
        netdev->qos_error = msg;
    } else {
        free(msg);
    }
}

/* Adds every key and value of 'src' to 'dst'. */
static void
netdev_fp_smap_add_all(struct smap *dst, const struct smap *src)
{
    struct smap_node *node;

    SMAP_FOR_EACH (node, src) {
        smap_add(dst, node->key, node->value);
    }
}

int
netdev_fp_get_qos_types(const struct netdev *netdev OVS_UNUSED,
                        struct sset *types)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(netdev_fp_qos_types); i++) {
        sset_add(types, netdev_fp_qos_types[i]);
    }
    return 0;
}

int
netdev_fp_get_qos_capabilities(const struct netdev *netdev OVS_UNUSED,
                               const char *type,
                               struct netdev_qos_capabilities *caps)
{
    if (!netdev_fp_qos_type(type)) {
        return EOPNOTSUPP;
    }
    caps->n_queues = FP_QOS_N_QUEUES;
    return 0;
}

int
netdev_fp_get_qos(const struct netdev *netdev_, const char **typep,
                  struct smap *details)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);

    ovs_mutex_lock(&netdev->mutex);
    *typep = netdev->qos.type ? netdev->qos.type : "";
    netdev_fp_smap_add_all(details, &netdev->qos.details);
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}

/* OVS calls this at every reconfiguration, before it deletes and sets the
 * queues, which it does even if this fails: it starts the record of errors
 * for the Interface's error column, and if it refuses the QoS, the queue
 * changes that follow are refused too, so that the QoS stays as it was. */
int
netdev_fp_set_qos(struct netdev *netdev_, const char *type,
                  const struct smap *details)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    char *msg;
    int error;

    ovs_mutex_lock(&netdev->mutex);
    free(netdev->qos_error);
    netdev->qos_error = NULL;
    error = netdev_fp_qos_set(&netdev->qos, netdev_get_name(netdev_), type,
                              details, &msg);
    netdev->qos_refused = error != 0;
    netdev_fp_qos_changed(netdev, error, msg);
    ovs_mutex_unlock(&netdev->mutex);
    return error;
}

int
netdev_fp_get_queue(const struct netdev *netdev_, unsigned int queue_id,
                    struct smap *details)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    int error = ENOENT;

    ovs_mutex_lock(&netdev->mutex);
    if (queue_id < FP_QOS_N_QUEUES
        && netdev->qos.config.queues & (1u << queue_id)) {
        netdev_fp_smap_add_all(details, &netdev->qos.queues[queue_id]);
        error = 0;
    }
    ovs_mutex_unlock(&netdev->mutex);
    return error;
}

int
netdev_fp_set_queue(struct netdev *netdev_, unsigned int queue_id,
                    const struct smap *details)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    char *msg;
    int error;

    ovs_mutex_lock(&netdev->mutex);
    if (netdev->qos_refused) {
        ovs_mutex_unlock(&netdev->mutex);
        return EINVAL;
    }
    error = netdev_fp_qos_set_queue(&netdev->qos, netdev_get_name(netdev_),
                                    queue_id, details, &msg);
    netdev_fp_qos_changed(netdev, error, msg);
    ovs_mutex_unlock(&netdev->mutex);
    return error;
}

int
netdev_fp_delete_queue(struct netdev *netdev_, unsigned int queue_id)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    int error;

    ovs_mutex_lock(&netdev->mutex);
    error = (netdev->qos_refused ? EINVAL
             : netdev_fp_qos_delete_queue(&netdev->qos, queue_id));
    if (!error) {
        netdev_fp_apply_qos(netdev);
    }
    ovs_mutex_unlock(&netdev->mutex);
    return error;
}

int
netdev_fp_get_queue_stats(const struct netdev *netdev_, unsigned int queue_id,
                          struct netdev_queue_stats *stats)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    struct fp_queue_stats qs;
    int error = ENOENT;

    ovs_mutex_lock(&netdev->mutex);
    if (netdev->fp_dev && queue_id < FP_QOS_N_QUEUES) {
        error = fp_port_get_queue_stats(netdev->fp_dev, netdev->fp_port,
                                        queue_id, &qs);
    }
    ovs_mutex_unlock(&netdev->mutex);
    if (!error) {
        stats->tx_bytes = qs.tx_bytes;
        stats->tx_packets = qs.tx_packets;
        stats->tx_errors = qs.tx_drops;
        stats->created = LLONG_MIN;
    }
    return error;
}

/* The queue dump's state: the next queue id to look at. */
int
netdev_fp_queue_dump_start(const struct netdev *netdev OVS_UNUSED,
                           void **statep)
{
    *statep = xzalloc(sizeof(unsigned int));
    return 0;
}

int
netdev_fp_queue_dump_next(const struct netdev *netdev_, void *state_,
                          unsigned int *queue_id, struct smap *details)
{
    unsigned int *next = state_;

    for (; *next < FP_QOS_N_QUEUES; (*next)++) {
        if (!netdev_fp_get_queue(netdev_, *next, details)) {
            *queue_id = (*next)++;
            return 0;
        }
    }
    return EOF;
}

int
netdev_fp_queue_dump_done(const struct netdev *netdev OVS_UNUSED,
                          void *state)
{
    free(state);
    return 0;
}

int
netdev_fp_dump_queue_stats(const struct netdev *netdev_,
                           void (*cb)(unsigned int queue_id,
                                      struct netdev_queue_stats *,
                                      void *aux),
                           void *aux)
{
    unsigned int queue_id;

    for (queue_id = 0; queue_id < FP_QOS_N_QUEUES; queue_id++) {
        struct netdev_queue_stats stats;

        if (!netdev_fp_get_queue_stats(netdev_, queue_id, &stats)) {
            cb(queue_id, &stats, aux);
        }
    }
    return 0;
}
