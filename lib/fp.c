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

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coverage.h"
#include "fp/fp-provider.h"
#include "hash.h"
#include "fp-afpacket.h"
#include "fp-link.h"
#include "fp-model.h"
#include "fp-rule.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "ovs-thread.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp);

struct fp_link;
static void fp_link_close(struct fp_link *);

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

static int fp_fault_check(const struct fp_device *, enum fp_op);
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

static bool
fp_port_is_valid(const struct fp_device *dev, uint32_t port)
{
    return port < fp_device_n_ports(dev);
}

/* Parses the decimal number at 's' (digits only, no sign, no space, no
 * leading zero) into '*np'.  Returns 0, EINVAL for bad syntax, or ERANGE if
 * the number does not fit in 32 bits. */
static int
fp_parse_port_number(const char *s, uint32_t *np)
{
    uint64_t n = 0;

    if (!isdigit((unsigned char) *s) || (s[0] == '0' && s[1])) {
        return EINVAL;
    }
    for (; *s; s++) {
        if (!isdigit((unsigned char) *s)) {
            return EINVAL;
        }
        n = n * 10 + (*s - '0');
        if (n > UINT32_MAX) {
            /* Keep checking the syntax: EINVAL wins over ERANGE. */
            for (s++; *s; s++) {
                if (!isdigit((unsigned char) *s)) {
                    return EINVAL;
                }
            }
            return ERANGE;
        }
    }
    *np = n;
    return 0;
}

/* Parses the name of a NIC port of 'dev' in 's': "phy<N>" for physical port
 * N, "vf<N>" for VF N, with N in decimal without leading zeros.  On
 * success, stores the NIC port number in '*port' and returns 0.  Returns
 * EINVAL if 's' is not of that form, ERANGE if N is out of range for 'dev'.
 * '*port' is unchanged on failure. */
int
fp_port_from_string(const struct fp_device *dev, const char *s,
                    uint32_t *port)
{
    uint32_t n;
    int error;

    if (!s) {
        return EINVAL;
    }
    if (!strncmp(s, "phy", 3)) {
        error = fp_parse_port_number(s + 3, &n);
        if (!error && n >= dev->config.n_phy_ports) {
            error = ERANGE;
        }
        if (!error) {
            *port = n;
        }
    } else if (!strncmp(s, "vf", 2)) {
        error = fp_parse_port_number(s + 2, &n);
        if (!error && n >= dev->config.n_vfs) {
            error = ERANGE;
        }
        if (!error) {
            *port = dev->config.n_phy_ports + n;
        }
    } else {
        error = EINVAL;
    }
    return error;
}

/* Formats the name of NIC port 'port' of 'dev' into 'buf', which has room
 * for 'size' bytes, truncating if necessary: "phy<N>" or "vf<N>" as
 * fp_port_from_string() parses them, or "port<N>" for a port number out of
 * range. */
void
fp_port_to_string(const struct fp_device *dev, uint32_t port,
                  char *buf, size_t size)
{
    if (!size) {
        return;
    }
    if (port < dev->config.n_phy_ports) {
        snprintf(buf, size, "phy%"PRIu32, port);
    } else if (fp_port_is_valid(dev, port)) {
        snprintf(buf, size, "vf%"PRIu32, port - dev->config.n_phy_ports);
    } else {
        snprintf(buf, size, "port%"PRIu32, port);
    }
}

/* Attaches the host's representor to 'port' of 'dev'.  Returns 0, EINVAL if
 * 'port' is out of range, EBUSY if a representor is attached already, or
 * EOPNOTSUPP if the driver has no packet I/O (see "Packet I/O" in
 * fp-provider.h: so do the other port I/O functions below). */
int
fp_port_attach(struct fp_device *dev, uint32_t port)
{
    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    return (dev->class->port_attach ? dev->class->port_attach(dev, port)
            : EOPNOTSUPP);
}

/* Detaches the representor of 'port' of 'dev', if any, and drops the
 * packets queued for it.  Does nothing if 'port' is out of range. */
void
fp_port_detach(struct fp_device *dev, uint32_t port)
{
    if (fp_port_is_valid(dev, port) && dev->class->port_detach) {
        dev->class->port_detach(dev, port);
    }
}

/* Sends the 'size' bytes at 'data' from the host out of 'port' of 'dev',
 * to queue 0.  Returns 0, EINVAL for a bad argument, or EMSGSIZE if the
 * packet is too big for the device. */
int
fp_port_send(struct fp_device *dev, uint32_t port,
             const void *data, size_t size)
{
    return fp_port_send_md(dev, port, data, size, NULL);
}

/* As fp_port_send(), to the queue of 'port' that 'md' chooses (see "Egress
 * QoS" in fp.h); a NULL 'md' is queue 0 from no port. */
int
fp_port_send_md(struct fp_device *dev, uint32_t port, const void *data,
                size_t size, const struct fp_tx_md *md)
{
    static const struct fp_tx_md default_md = { .in_port = FP_PORT_NONE };
    int error;

    if (!fp_port_is_valid(dev, port) || (!data && size)) {
        return EINVAL;
    }
    if (!dev->class->port_send) {
        return EOPNOTSUPP;
    }
    error = fp_fault_check(dev, FP_OP_PORT_SEND);
    return (error ? error
            : dev->class->port_send(dev, port, data, size,
                                    md ? md : &default_md));
}

/* Gives 'port' of 'dev' the egress QoS 'qos' (see "Egress QoS" in fp.h), or
 * none if 'qos' is NULL.  Returns 0, EINVAL for a port out of range, or
 * EOPNOTSUPP if the driver has no egress QoS.  Packets queued in a queue
 * that the change removes are dropped and counted, in the queue's and the
 * port's 'tx_drops'. */
int
fp_port_set_qos(struct fp_device *dev, uint32_t port,
                const struct fp_qos_config *qos)
{
    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    if (!dev->class->port_set_qos) {
        return EOPNOTSUPP;
    }
    return dev->class->port_set_qos(dev, port, qos);
}

/* Gives VF port 'vf_port' of 'dev' the class 'rate' on every physical port
 * of 'dev': its traffic out of a physical port gets at least
 * 'rate->min_rate' and at most 'rate->max_rate' (bytes/s) of the port's
 * rate, by 'rate->weight' beside the other classes (see "Egress QoS").  A
 * NULL 'rate' removes the class.  Returns 0, EINVAL if 'vf_port' is not a
 * VF, or EOPNOTSUPP if the driver has no egress QoS. */
int
fp_port_set_vf_rate(struct fp_device *dev, uint32_t vf_port,
                    const struct fp_qos_class *rate)
{
    if (!fp_port_is_valid(dev, vf_port)
        || vf_port < dev->config.n_phy_ports) {
        return EINVAL;
    }
    if (!dev->class->port_set_vf_rate) {
        return EOPNOTSUPP;
    }
    return dev->class->port_set_vf_rate(dev, vf_port, rate);
}

/* Stores the counters of transmit queue 'queue' of 'port' of 'dev' in
 * '*stats'; 'queue' FP_QOS_N_QUEUES + P is the class of VF port P on
 * physical port 'port'.  They count since the queue or class was first
 * configured and survive device resets.  Returns 0, EINVAL for a port or
 * queue out of range, ENOENT if 'port' has no such queue or class, or
 * EOPNOTSUPP if the driver has no egress QoS. */
int
fp_port_get_queue_stats(const struct fp_device *dev, uint32_t port,
                        uint32_t queue, struct fp_queue_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (!fp_port_is_valid(dev, port)
        || queue >= FP_QOS_N_QUEUES + fp_device_n_ports(dev)) {
        return EINVAL;
    }
    if (!dev->class->port_get_queue_stats) {
        return EOPNOTSUPP;
    }
    return dev->class->port_get_queue_stats(dev, port, queue, stats);
}

/* Takes the oldest packet queued for the host on 'port' of 'dev' into
 * 'buf', which has room for 'size' bytes, and stores its length in
 * '*lenp'.  Never blocks.  Returns 0; EAGAIN if no packet is queued;
 * EMSGSIZE if the packet does not fit in 'buf' (it is then dropped and
 * counted); EINVAL for a bad argument. */
int
fp_port_recv(struct fp_device *dev, uint32_t port,
             void *buf, size_t size, size_t *lenp)
{
    struct fp_packet_md md;

    return fp_port_recv_md(dev, port, buf, size, lenp, &md);
}

/* As fp_port_recv(), and also stores the packet's metadata in '*md': the
 * mark that an FP_ACTION_MARK gave it (0 if none), its RSS hash and, if it
 * left the NIC after a recirculation, its recirc_id and dp_hash (see
 * struct fp_packet_md). */
int
fp_port_recv_md(struct fp_device *dev, uint32_t port,
                void *buf, size_t size, size_t *lenp,
                struct fp_packet_md *md)
{
    if (!fp_port_is_valid(dev, port) || (!buf && size) || !lenp || !md) {
        return EINVAL;
    }
    memset(md, 0, sizeof *md);
    return (dev->class->port_recv
            ? dev->class->port_recv(dev, port, buf, size, lenp, md)
            : EOPNOTSUPP);
}

/* Arranges for poll_block() to wake up when fp_port_recv() on 'port' of
 * 'dev' may have a packet.  Does nothing if 'port' is out of range. */
void
fp_port_recv_wait(struct fp_device *dev, uint32_t port)
{
    if (fp_port_is_valid(dev, port) && dev->class->port_recv_wait) {
        dev->class->port_recv_wait(dev, port);
    }
}

/* Brings the 'size' bytes at 'data' into 'dev' on 'port' from its outside
 * and waits until the NIC has processed the packet.  Returns 0, EINVAL for
 * a bad argument, or EMSGSIZE if the packet is too big for the device. */
int
fp_port_inject(struct fp_device *dev, uint32_t port,
               const void *data, size_t size)
{
    if (!fp_port_is_valid(dev, port) || (!data && size)) {
        return EINVAL;
    }
    return (dev->class->port_inject
            ? dev->class->port_inject(dev, port, data, size)
            : EOPNOTSUPP);
}

/* Runs the 'size' bytes at 'data' through the pipeline of 'port' of 'dev'
 * and records in '*trace' what the NIC does with them, stage by stage (see
 * struct fp_trace): with 'dry', without any effect, else as
 * fp_port_inject() does.  The caller frees '*trace' with fp_trace_uninit()
 * whatever this returns.  Returns 0, EINVAL if 'port' is out of range,
 * EOPNOTSUPP if the driver cannot trace, or EMSGSIZE for a packet larger
 * than the device's largest frame (a dry trace records that as
 * FP_TRACE_TOO_BIG instead). */
int
fp_port_trace(struct fp_device *dev, uint32_t port, const void *data,
              size_t size, bool dry, struct fp_trace *trace)
{
    memset(trace, 0, sizeof *trace);
    trace->dry = dry;
    if (!fp_port_is_valid(dev, port) || (!data && size)) {
        return EINVAL;
    }
    if (!dev->class->port_trace) {
        return EOPNOTSUPP;
    }
    return dev->class->port_trace(dev, port, data, size, trace);
}

/* Frees the packet copies of 'trace' and the traces of its later lookup
 * passes. */
void
fp_trace_uninit(struct fp_trace *trace)
{
    size_t i;

    for (i = 0; i < trace->n_steps; i++) {
        free(trace->steps[i].packet);
        trace->steps[i].packet = NULL;
    }
    trace->n_steps = 0;
    if (trace->next) {
        fp_trace_uninit(trace->next);
        free(trace->next);
        trace->next = NULL;
    }
}

/* Starts writing the packets that 'port' of 'dev' sends to its outside to
 * a new pcap file 'file_name', or stops if 'file_name' is NULL.  Returns 0,
 * EINVAL if 'port' is out of range, or the errno value of a failure to
 * create the file. */
int
fp_port_set_tx_pcap(struct fp_device *dev, uint32_t port,
                    const char *file_name)
{
    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    return (dev->class->port_set_tx_pcap
            ? dev->class->port_set_tx_pcap(dev, port, file_name)
            : EOPNOTSUPP);
}


/* Called within fp_link_poll_receive(), on the thread of the device that
 * polls the link, with the 'n' packets received on the interface, for
 * which the port's RX ring has room: the device asks for no more, so that
 * while the ring is full the packets wait in the interface's receive ring,
 * as on a wire with 802.3x PAUSE frames.  (Without that, a burst that came
 * while the engines waited for a CPU overflowed the port's ring although
 * the interface's had room: TCP between two VMs lost a segment in 150.) */
static void
fp_link_rx(void *link_, const struct fp_packet *pkts, size_t n)
{
    struct fp_link *link = link_;

    fp_port_receive_batch(link->dev, link->port, pkts, n, NULL);
}

/* The endpoint's 'send': what leaves the NIC port goes out on the
 * interface.  A frame that the interface does not take (its transmit queue
 * full) is lost, and the port counts it in 'drops'. */
static int
fp_link_send(void *link_, uint32_t port OVS_UNUSED, const void *data,
             size_t size)
{
    struct fp_link *link = link_;

    return fp_afpacket_send(link->afp, data, size);
}

/* The endpoint's 'get_fd', for a driver that polls endpoints. */
static int
fp_link_get_fd(void *link_)
{
    struct fp_link *link = link_;

    return fp_afpacket_fd(link->afp);
}

/* The endpoint's 'receive', for a driver that polls endpoints. */
static size_t
fp_link_poll_receive(void *link_, uint32_t port OVS_UNUSED, size_t max,
                     bool error)
{
    struct fp_link *link = link_;

    if (error) {
        fp_afpacket_clear_error(link->afp);
    }
    return max ? fp_afpacket_receive(link->afp, max) : 0;
}

/* A link that the device's threads poll. */
static const struct fp_endpoint_ops fp_link_ops = {
    .send = fp_link_send,
    .get_fd = fp_link_get_fd,
    .receive = fp_link_poll_receive,
};

static void
fp_link_close(struct fp_link *link)
{
    if (link) {
        fp_afpacket_close(link->afp);
        free(link);
    }
}

/* Makes Linux network interface 'ifname' (typically one end of a veth pair)
 * the outside of 'port' of 'dev': packets received on the interface come
 * into the NIC on 'port', packets that leave 'port' go out on it.  A NULL
 * 'ifname' removes the link and restores the in-memory endpoint.  Either
 * way, the previous link of 'port' is closed.  Called from the control path
 * only (not thread-safe against itself for one device).
 *
 * Returns 0, EINVAL if 'port' is out of range, ENODEV if there is no
 * interface 'ifname', EPERM if the process may not open packet sockets (it
 * needs CAP_NET_RAW), or another positive errno value; on error, 'port'
 * keeps its previous link. */
int
fp_port_set_link(struct fp_device *dev, uint32_t port, const char *ifname)
{
    struct fp_link *link = NULL;
    int error;

    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    if (!dev->class->port_set_endpoint) {
        return EOPNOTSUPP;
    }

    if (ifname) {
        link = xzalloc(sizeof *link);
        link->dev = dev;
        link->port = port;
        error = fp_afpacket_open(ifname, fp_link_rx, link, &link->afp);
        if (error) {
            free(link);
            return error;
        }
        fp_port_set_endpoint(dev, port, &fp_link_ops, link);
    } else {
        fp_port_set_endpoint(dev, port, NULL, NULL);
    }

    fp_link_close(dev->links[port]);
    dev->links[port] = link;
    return 0;
}

/* Makes 'ops' (with 'aux') the endpoint of 'port' of 'dev', or restores the
 * in-memory endpoint if 'ops' is NULL (see fp.h).  Once this returns, the
 * previous endpoint is not called any more.  Returns 0, or EINVAL for a bad
 * argument. */
int
fp_port_set_endpoint(struct fp_device *dev, uint32_t port,
                     const struct fp_endpoint_ops *ops, void *aux)
{
    if (!fp_port_is_valid(dev, port)
        || (ops && (!ops->send || !ops->get_fd != !ops->receive))) {
        return EINVAL;
    }
    return (dev->class->port_set_endpoint
            ? dev->class->port_set_endpoint(dev, port, ops, aux)
            : EOPNOTSUPP);
}

/* Copies the 'n' packets 'pkts' into the RX ring of 'port' of 'dev', from
 * its outside, and returns without waiting for them to be processed.
 * Stores in '*n_queued' (if nonnull) how many fit in the ring; the others,
 * and those larger than the device's largest frame, are dropped and
 * counted in the port's 'drops'.  Returns 0, or EINVAL for a bad
 * argument. */
int
fp_port_receive_batch(struct fp_device *dev, uint32_t port,
                      const struct fp_packet *pkts, size_t n,
                      size_t *n_queued)
{
    size_t dummy, i;

    if (!fp_port_is_valid(dev, port) || (!pkts && n)) {
        return EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (!pkts[i].data && pkts[i].size) {
            return EINVAL;
        }
    }
    if (!dev->class->port_receive_batch) {
        if (n_queued) {
            *n_queued = 0;
        }
        return EOPNOTSUPP;
    }
    return dev->class->port_receive_batch(dev, port, pkts, n,
                                          n_queued ? n_queued : &dummy);
}

/* Waits until 'dev' has processed every packet that was in its RX rings
 * when this was called.  Returns 0. */
int
fp_device_flush(struct fp_device *dev)
{
    return dev->class->flush ? dev->class->flush(dev) : 0;
}

/* Stores the counters of 'port' of 'dev' in '*stats', all zero if 'port' is
 * out of range. */
void
fp_port_get_stats(const struct fp_device *dev, uint32_t port,
                  struct fp_port_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (fp_port_is_valid(dev, port)) {
        dev->class->port_get_stats(dev, port, stats);
    }
}

/* Sets the link of 'port' of 'dev' up or down (see struct fp_port_link):
 * for tests, as a cable plugged or pulled, or a VF's link state set to
 * enable or disable.  A change counts as a link reset.  Returns 0, EINVAL
 * if 'port' is out of range, or EOPNOTSUPP if the driver has no link
 * control. */
int
fp_port_set_link_state(struct fp_device *dev, uint32_t port, bool up)
{
    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    if (!dev->class->port_set_link_state) {
        return EOPNOTSUPP;
    }
    return dev->class->port_set_link_state(dev, port, up);
}

/* Sets the ingress policer of 'port' of 'dev' to 'policer', as fp.h
 * describes: all zero removes it.  A burst whose rate is zero is taken as
 * zero.  Returns 0, EINVAL if 'port' is out of range or a nonzero rate has
 * a zero burst (or the device cannot run the policer), or EOPNOTSUPP if
 * the driver cannot police.  On failure the port keeps its policer. */
int
fp_port_set_policer(struct fp_device *dev, uint32_t port,
                    const struct fp_port_policer *policer)
{
    struct fp_port_policer p = *policer;
    int error;

    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    if (!p.kbits_rate) {
        p.kbits_burst = 0;
    } else if (!p.kbits_burst) {
        return EINVAL;
    }
    if (!p.kpkts_rate) {
        p.kpkts_burst = 0;
    } else if (!p.kpkts_burst) {
        return EINVAL;
    }
    if (!dev->class->port_set_policer) {
        return EOPNOTSUPP;
    }
    error = fp_fault_check(dev, FP_OP_PORT_POLICER);
    return error ? error : dev->class->port_set_policer(dev, port, &p);
}

/* Stores the ingress policer of 'port' of 'dev' in '*policer': all zero if
 * it has none, if the driver cannot police or if 'port' is out of
 * range. */
void
fp_port_get_policer(const struct fp_device *dev, uint32_t port,
                    struct fp_port_policer *policer)
{
    memset(policer, 0, sizeof *policer);
    if (fp_port_is_valid(dev, port) && dev->class->port_get_policer) {
        dev->class->port_get_policer(dev, port, policer);
    }
}

/* Stores the link state of 'port' of 'dev' in '*link': up, never reset and
 * of unknown speed if the driver does not say, down if 'port' is out of
 * range. */
void
fp_port_get_link_state(const struct fp_device *dev, uint32_t port,
                       struct fp_port_link *link)
{
    memset(link, 0, sizeof *link);
    if (!fp_port_is_valid(dev, port)) {
        return;
    }
    if (dev->class->port_get_link_state) {
        dev->class->port_get_link_state(dev, port, link);
    } else {
        link->up = true;
    }
}

/* If 'port' of 'dev' has a Linux interface as its outside (see
 * fp_port_set_link()), stores the interface's carrier in '*carrier' and
 * returns 0.  Returns ENOENT if it has none, or another positive errno
 * value if the carrier cannot be read.  Called from the control path
 * only, as fp_port_set_link(). */
int
fp_port_get_link_carrier(struct fp_device *dev, uint32_t port,
                         bool *carrier)
{
    if (!fp_port_is_valid(dev, port) || !dev->links[port]) {
        return ENOENT;
    }
    return fp_afpacket_get_carrier(dev->links[port]->afp, carrier);
}

/* Returns the name of the Linux interface that is the outside of 'port' of
 * 'dev' (see fp_port_set_link()), or NULL if none.  Control path only. */
const char *
fp_port_get_link_name(const struct fp_device *dev, uint32_t port)
{
    return (fp_port_is_valid(dev, port) && dev->links[port]
            ? fp_afpacket_name(dev->links[port]->afp) : NULL);
}

/* Returns 0 if the next operation of kind 'op' on 'dev' may go ahead, or
 * the errno value of an injected fault, which it consumes. */
static int
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

    for (i = 0; i < n; i++) {
        struct fp_rule_op *op = &ops[i];
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
            continue;
        }
        if (op->type != FP_RULE_OP_DELETE
            && !fp_rule_is_valid(dev, op->rule)) {
            op->error = EINVAL;
        } else {
            op->error = fp_fault_check(dev, kind);
        }
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
