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
#include "fp-model.h"
#include "openvswitch/shash.h"
#include "openvswitch/util.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp);

COVERAGE_DEFINE(fp_device_create);
COVERAGE_DEFINE(fp_device_destroy);

/* Limits of a device's configuration. */
#define FP_MAX_ENGINES 64
#define FP_MAX_PORTS 4096

/* The registry of devices, by name. */
static struct ovs_mutex fp_mutex = OVS_MUTEX_INITIALIZER;
static struct shash fp_devices OVS_GUARDED_BY(fp_mutex)
    = SHASH_INITIALIZER(&fp_devices);

/* Stores the default configuration of a device in '*config': 2 physical
 * ports, 8 VFs, 65536 rules and 1 packet engine. */
void
fp_device_config_default(struct fp_device_config *config)
{
    memset(config, 0, sizeof *config);
    config->n_phy_ports = 2;
    config->n_vfs = 8;
    config->n_rules = 65536;
    config->n_engines = 1;
}

static bool
fp_device_config_is_valid(const struct fp_device_config *config)
{
    return (config->n_phy_ports > 0
            && config->n_rules > 0
            && config->n_engines > 0
            && config->n_engines <= FP_MAX_ENGINES
            && ((uint64_t) config->n_phy_ports + config->n_vfs
                <= FP_MAX_PORTS));
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
}

/* Frees what fp_device_init() allocated in 'dev'.  See fp-provider.h. */
void
fp_device_uninit(struct fp_device *dev)
{
    free(dev->name);
    dev->name = NULL;
}

/* Creates a device named 'name' with 'config' (the default configuration
 * if 'config' is NULL) and stores it in '*devp'.  The device uses the
 * model driver.
 *
 * Returns 0; EINVAL if 'name' is NULL or empty or 'config' is invalid (no
 * physical port, no rule, no engine, more than 64 engines or more than 4096
 * ports in all); EEXIST if a device named 'name' exists; or another
 * positive errno value if the driver fails.  On failure, stores NULL in
 * '*devp'. */
int
fp_device_create(const char *name, const struct fp_device_config *config,
                 struct fp_device **devp)
{
    const struct fp_device_class *class = &fp_model_class;
    struct fp_device_config default_config;
    struct fp_device *dev = NULL;
    int error;

    if (!config) {
        fp_device_config_default(&default_config);
        config = &default_config;
    }
    if (!name || !name[0] || !fp_device_config_is_valid(config)) {
        error = EINVAL;
        goto out;
    }

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
    if (!dev) {
        return;
    }

    ovs_mutex_lock(&fp_mutex);
    shash_find_and_delete_assert(&fp_devices, dev->name);
    ovs_mutex_unlock(&fp_mutex);

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
 * 'port' is out of range, or EBUSY if a representor is attached already. */
int
fp_port_attach(struct fp_device *dev, uint32_t port)
{
    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    return dev->class->port_attach(dev, port);
}

/* Detaches the representor of 'port' of 'dev', if any, and drops the
 * packets queued for it.  Does nothing if 'port' is out of range. */
void
fp_port_detach(struct fp_device *dev, uint32_t port)
{
    if (fp_port_is_valid(dev, port)) {
        dev->class->port_detach(dev, port);
    }
}

/* Sends the 'size' bytes at 'data' from the host out of 'port' of 'dev'.
 * Returns 0, EINVAL for a bad argument, or EMSGSIZE if the packet is too
 * big for the device. */
int
fp_port_send(struct fp_device *dev, uint32_t port,
             const void *data, size_t size)
{
    if (!fp_port_is_valid(dev, port) || (!data && size)) {
        return EINVAL;
    }
    return dev->class->port_send(dev, port, data, size);
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
    if (!fp_port_is_valid(dev, port) || (!buf && size) || !lenp) {
        return EINVAL;
    }
    return dev->class->port_recv(dev, port, buf, size, lenp);
}

/* Arranges for poll_block() to wake up when fp_port_recv() on 'port' of
 * 'dev' may have a packet.  Does nothing if 'port' is out of range. */
void
fp_port_recv_wait(struct fp_device *dev, uint32_t port)
{
    if (fp_port_is_valid(dev, port)) {
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
    return dev->class->port_inject(dev, port, data, size);
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
    return dev->class->port_set_tx_pcap(dev, port, file_name);
}

/* Makes Linux network interface 'ifname' the outside of 'port' of 'dev'
 * (see fp.h), or removes the link if 'ifname' is NULL.  Returns 0, EINVAL if
 * 'port' is out of range, or the driver's error (see 'port_set_link' in
 * fp-provider.h). */
int
fp_port_set_link(struct fp_device *dev, uint32_t port, const char *ifname)
{
    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    return dev->class->port_set_link(dev, port, ifname);
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

/* Returns true if 'rule' is one that 'dev' can take: at most
 * FP_MAX_ACTIONS actions of known types, output ports in range, push_vlan
 * TPIDs 0x8100 or 0x88a8, zero padding in key and mask. */
static bool
fp_rule_is_valid(const struct fp_device *dev, const struct fp_rule *rule)
{
    size_t i;

    if (!rule || rule->n_actions > FP_MAX_ACTIONS
        || rule->key.pad0 || rule->mask.pad0) {
        return false;
    }
    for (i = 0; i < rule->n_actions; i++) {
        const struct fp_action *a = &rule->actions[i];

        switch (a->type) {
        case FP_ACTION_OUTPUT:
            if (!fp_port_is_valid(dev, a->port)) {
                return false;
            }
            break;
        case FP_ACTION_PUSH_VLAN:
            if (a->vlan.tpid != htons(0x8100)
                && a->vlan.tpid != htons(0x88a8)) {
                return false;
            }
            break;
        case FP_ACTION_POP_VLAN:
            break;
        default:
            return false;
        }
    }
    return true;
}

/* Adds 'rule' to the rule table of 'dev' and stores its handle in '*idp'.
 * Returns 0; EINVAL if 'rule' is invalid (more than FP_MAX_ACTIONS
 * actions, an output port out of range, a push_vlan TPID other than 0x8100
 * or 0x88a8, nonzero padding); ENOSPC if the table is full; or another
 * positive errno value if the device fails. */
int
fp_rule_add(struct fp_device *dev, const struct fp_rule *rule, uint32_t *idp)
{
    if (!fp_rule_is_valid(dev, rule) || !idp) {
        return EINVAL;
    }
    return dev->class->rule_add(dev, rule, idp);
}

/* Replaces the match, priority and actions of rule 'id' of 'dev' by those
 * of 'rule', keeping its counters.  Returns 0, EINVAL if 'rule' is invalid
 * (see fp_rule_add()), ENOENT if there is no rule 'id', or another positive
 * errno value. */
int
fp_rule_modify(struct fp_device *dev, uint32_t id, const struct fp_rule *rule)
{
    if (!fp_rule_is_valid(dev, rule)) {
        return EINVAL;
    }
    return dev->class->rule_modify(dev, id, rule);
}

/* Deletes rule 'id' of 'dev' and, if 'stats' is nonnull, stores its final
 * counters there.  Returns 0 or ENOENT if there is no rule 'id'. */
int
fp_rule_delete(struct fp_device *dev, uint32_t id, struct fp_rule_stats *stats)
{
    if (stats) {
        memset(stats, 0, sizeof *stats);
    }
    return dev->class->rule_delete(dev, id, stats);
}

/* Stores the counters of rule 'id' of 'dev' in '*stats'.  Returns 0 or
 * ENOENT if there is no rule 'id' (then '*stats' is zeroed). */
int
fp_rule_get_stats(struct fp_device *dev, uint32_t id,
                  struct fp_rule_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    return dev->class->rule_get_stats(dev, id, stats);
}
