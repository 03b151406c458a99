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

#include "ovs-offload.h"

#include "fp/fp.h"
#include "fp-unixctl.h"
#include "netdev-fp.h"
#include "netdev-offload-fp.h"
#include "netdev-offload-provider.h"
#include "netdev-provider.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ovs_offload);

/* Runs before OVS's main(): OVS 3.1 has no run-time plugin loading, so our
 * ovs-vswitchd links this object and registers here.  Nothing here may log
 * or start a thread: ovs-vswitchd has not parsed its options or daemonized
 * yet. */
OVS_CONSTRUCTOR(ovs_offload_register)
{
    netdev_register_provider(&netdev_fp_class);
    netdev_register_flow_api_provider(&netdev_offload_fp);
    fp_unixctl_register();
}

/* Creates the NIC devices, once.  Called from the main thread before the
 * first use of a device (an "fp" netdev or an fp/ command). */
void
ovs_offload_init(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;

    if (ovsthread_once_start(&once)) {
        struct fp_device_config cfg;
        struct fp_device *dev;
        int error;

        fp_device_config_default(&cfg);
        error = fp_device_create(OVS_OFFLOAD_DEFAULT_DEVICE, &cfg, &dev);
        if (error) {
            VLOG_ERR("%s: cannot create the model NIC (%s)",
                     OVS_OFFLOAD_DEFAULT_DEVICE, ovs_strerror(error));
        } else {
            VLOG_INFO("%s: model NIC with %"PRIu32" physical ports, "
                      "%"PRIu32" VFs, %"PRIu32" rules, %"PRIu32" engines",
                      OVS_OFFLOAD_DEFAULT_DEVICE, cfg.n_phy_ports, cfg.n_vfs,
                      cfg.n_rules, cfg.n_engines);
        }
        ovsthread_once_done(&once);
    }
}
