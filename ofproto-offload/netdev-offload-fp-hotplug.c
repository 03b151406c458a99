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

/* VF hot-unplug and plug on the OVS side: the commands fp/vf-unplug and
 * fp/vf-plug, and what the flow API does with the flows of a VF that is
 * unplugged.
 *
 * A VF that is unplugged (fp_port_vf_unplug()) is gone from its guest, as
 * in a PCI hot-unplug before a migration.  The flows whose NIC rule
 * matches on it (in_port) or sends to it leave the NIC, as at an
 * eviction: their counters are kept in their base, they stay in
 * dpif-netdev with the reason "vfN of DEV is unplugged" (fp/explain), and
 * no such flow goes into the NIC until the VF is plugged back in
 * (fp_port_vf_plug()); then they go back at once.  Counters never go
 * backwards: the flows' (and so OpenFlow's) keep their base, and the
 * NIC keeps the port counters of an unplugged VF. */

#include <config.h>

#include "netdev-offload-fp-private.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fp/fp.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "ovs-offload.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_offload_fp_hotplug);

/* Returns true if 'rule' matches on NIC port 'port' as its input port or
 * sends a copy out of it. */
bool
offload_fp_rule_uses_port(const struct fp_rule *rule, uint32_t port)
{
    size_t i;

    if (rule->mask.in_port && rule->key.in_port == port) {
        return true;
    }
    for (i = 0; i < rule->n_actions; i++) {
        if (rule->actions[i].type == FP_ACTION_OUTPUT
            && rule->actions[i].port == port) {
            return true;
        }
    }
    return false;
}

/* offload_fp_vf_unplugged() once a VF may be unplugged. */
bool
offload_fp_vf_unplugged__(const struct fp_rule *rule,
                          const struct fp_device *dev, char **reasonp)
{
    uint32_t port = UINT32_MAX;
    struct fp_vf_hotplug hp;
    size_t i;

    if (reasonp) {
        *reasonp = NULL;
    }
    if (rule->mask.in_port) {
        fp_port_get_vf_hotplug(dev, rule->key.in_port, &hp);
        if (hp.unplugged) {
            port = rule->key.in_port;
        }
    }
    for (i = 0; port == UINT32_MAX && i < rule->n_actions; i++) {
        if (rule->actions[i].type == FP_ACTION_OUTPUT) {
            fp_port_get_vf_hotplug(dev, rule->actions[i].port, &hp);
            if (hp.unplugged) {
                port = rule->actions[i].port;
            }
        }
    }
    if (port == UINT32_MAX) {
        return false;
    }
    if (reasonp) {
        char name[32];

        fp_port_to_string(dev, port, name, sizeof name);
        *reasonp = xasprintf("%s of %s is unplugged", name,
                             fp_device_name(dev));
    }
    return true;
}

/* Finds the VF that 'dev_name' and 'vf_name' ("vfN" or "N") designate, for
 * the fp/ commands that take a VF.  Returns NULL and stores the device and
 * its NIC port number, or returns an error message that says what is wrong,
 * for the caller to free. */
char *
netdev_offload_fp_parse_vf(const char *dev_name, const char *vf_name,
                         struct fp_device **devp, uint32_t *portp)
{
    struct fp_device_config cfg;
    const char *digits;
    struct fp_device *dev;
    char *end;
    unsigned long n;

    dev = fp_device_find(dev_name);
    if (!dev) {
        return xasprintf("%s: no such fp device", dev_name);
    }
    fp_device_get_config(dev, &cfg);

    digits = !strncmp(vf_name, "vf", 2) ? vf_name + 2 : vf_name;
    if (!strncmp(vf_name, "phy", 3)) {
        return xasprintf("%s of %s is a physical port, not a VF", vf_name,
                         dev_name);
    }
    errno = 0;
    n = strtoul(digits, &end, 10);
    if (!*digits || *end || errno || digits[0] < '0' || digits[0] > '9'
        || (digits[0] == '0' && digits[1])) {
        return xasprintf("%s: a VF is vfN or N, with N a number", vf_name);
    }
    if (n >= cfg.n_vfs) {
        return (cfg.n_vfs
                ? xasprintf("vf%lu is out of range: %s has %"PRIu32" VFs "
                            "(vf0 to vf%"PRIu32")", n, dev_name, cfg.n_vfs,
                            cfg.n_vfs - 1)
                : xasprintf("vf%lu is out of range: %s has no VFs", n,
                            dev_name));
    }
    *devp = dev;
    *portp = cfg.n_phy_ports + n;
    return NULL;
}

/* fp/vf-unplug DEVICE VF and fp/vf-plug DEVICE VF ('aux' nonnull for
 * fp/vf-plug): unplugs VF of DEVICE, as a PCI hot-unplug, or plugs it back
 * in, and takes the flows that use it out of the NIC or puts them back. */
static void
offload_fp_hotplug_unixctl(struct unixctl_conn *conn, int argc OVS_UNUSED,
                           const char *argv[], void *aux)
{
    bool plug = aux != NULL;
    struct fp_device *dev = NULL;
    char name[32];
    uint32_t port = 0;
    char *msg;
    size_t n;
    int err;

    ovs_offload_init();
    msg = netdev_offload_fp_parse_vf(argv[1], argv[2], &dev, &port);
    if (msg) {
        goto error;
    }
    fp_port_to_string(dev, port, name, sizeof name);

    err = plug ? fp_port_vf_plug(dev, port) : fp_port_vf_unplug(dev, port);
    if (err == EALREADY) {
        msg = xasprintf("%s of %s is %s", name, argv[1],
                        plug ? "not unplugged" : "already unplugged");
        goto error;
    } else if (err) {
        msg = xasprintf("%s of %s: cannot %s it (%s)", name, argv[1],
                        plug ? "plug" : "unplug",
                        (err == EOPNOTSUPP ? "the driver of this NIC cannot"
                         : ovs_strerror(err)));
        goto error;
    }

    n = offload_fp_vf_changed(dev, port, !plug);
    msg = xasprintf("%s of %s %s; %"PRIuSIZE" flows %s %s\n", name, argv[1],
                    plug ? "plugged back in" : "unplugged", n,
                    plug ? "back in" : "left", argv[1]);
    unixctl_command_reply(conn, msg);
    free(msg);
    return;

error:
    unixctl_command_reply_error(conn, msg);
    free(msg);
}

/* Registers fp/vf-unplug and fp/vf-plug. */
void
netdev_offload_fp_hotplug_register(void)
{
    unixctl_command_register("fp/vf-unplug", "DEVICE VF", 2, 2,
                             offload_fp_hotplug_unixctl, NULL);
    unixctl_command_register("fp/vf-plug", "DEVICE VF", 2, 2,
                             offload_fp_hotplug_unixctl, "plug");
}
