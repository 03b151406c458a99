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

#include "util.h"

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
