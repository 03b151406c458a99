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

/* The core's part of VF hot-unplug and plug (see fp.h): it checks the
 * arguments, calls the driver and sets the port's Linux interface, if it
 * has one, down or up. */

#include <config.h>

#include <errno.h>
#include <string.h>

#include "coverage.h"
#include "fp/fp-provider.h"
#include "openvswitch/vlog.h"
#include "ovs-atomic.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_hotplug);

COVERAGE_DEFINE(fp_vf_unplug);
COVERAGE_DEFINE(fp_vf_plug);

/* True once a VF of any device has been unplugged (or an unplug tried):
 * see fp_port_vf_maybe_unplugged().  Never false again. */
static atomic_bool fp_hotplug_unplugged_once = ATOMIC_VAR_INIT(false);

static bool
fp_hotplug_is_vf(const struct fp_device *dev, uint32_t port)
{
    return (port >= dev->config.n_phy_ports
            && port < dev->config.n_phy_ports + dev->config.n_vfs);
}

/* Unplugs VF 'port' of 'dev' ('plugged' false) or plugs it back in, as fp.h
 * describes. */
static int
fp_hotplug_set(struct fp_device *dev, uint32_t port, bool plugged)
{
    uint32_t vf = port - dev->config.n_phy_ports;
    int error;

    if (!fp_hotplug_is_vf(dev, port)) {
        return EINVAL;
    }
    if (!dev->class->port_set_plugged) {
        return EOPNOTSUPP;
    }
    if (!plugged) {
        /* Before the driver unplugs the VF, so that a thread that reads
         * false here after the unplug began cannot exist (see
         * fp_port_vf_maybe_unplugged()). */
        atomic_store(&fp_hotplug_unplugged_once, true);
    }
    error = dev->class->port_set_plugged(dev, port, plugged);
    if (error) {
        return error;
    }

    /* The guest of a VF whose outside is a Linux interface (one end of a
     * veth pair) sees the VF go as a carrier loss of its interface, the
     * other end: the driver's port_set_plugged takes this end down, and
     * up again only if the VF's link is up (the model: through the guest's
     * view of the VF, fp_model_vf_plugged_changed()), so that a plug does
     * not undo a VF link state of disable. */
    VLOG_INFO("%s: vf%"PRIu32" %s", dev->name, vf,
              plugged ? "plugged back in" : "unplugged");
    if (plugged) {
        COVERAGE_INC(fp_vf_plug);
    } else {
        COVERAGE_INC(fp_vf_unplug);
    }
    return 0;
}

/* Unplugs VF 'port' (a NIC port number) of 'dev', as fp.h describes.
 * Returns 0, EINVAL if 'port' is not a VF, EALREADY if it is unplugged
 * already, or EOPNOTSUPP if the driver cannot unplug VFs. */
int
fp_port_vf_unplug(struct fp_device *dev, uint32_t port)
{
    return fp_hotplug_set(dev, port, false);
}

/* Plugs VF 'port' of 'dev' back in, as fp.h describes.  Returns 0, EINVAL
 * if 'port' is not a VF, EALREADY if it is not unplugged, or EOPNOTSUPP if
 * the driver cannot unplug VFs. */
int
fp_port_vf_plug(struct fp_device *dev, uint32_t port)
{
    return fp_hotplug_set(dev, port, true);
}

/* Returns false if no VF of 'dev' can be unplugged now, because no VF
 * (of any device) was ever unplugged; otherwise true, and then
 * fp_port_get_vf_hotplug() tells which.  A caller that checks the VFs of a
 * rule one by one calls this first: it costs a load, the check of a VF a
 * driver call.  Like fp_port_get_vf_hotplug(), it tells how things were
 * at one moment: an unplug that begins after it returns is not seen. */
bool
fp_port_vf_maybe_unplugged(const struct fp_device *dev OVS_UNUSED)
{
    bool once;

    atomic_read(&fp_hotplug_unplugged_once, &once);
    return once;
}

/* Stores the hot-plug state and counters of 'port' of 'dev' in '*hotplug':
 * all zero (plugged in) for a port that is not a VF or a driver that cannot
 * unplug VFs. */
void
fp_port_get_vf_hotplug(const struct fp_device *dev, uint32_t port,
                       struct fp_vf_hotplug *hotplug)
{
    memset(hotplug, 0, sizeof *hotplug);
    if (fp_hotplug_is_vf(dev, port) && dev->class->port_get_hotplug) {
        dev->class->port_get_hotplug(dev, port, hotplug);
    }
}
