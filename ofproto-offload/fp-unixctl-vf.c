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

/* The fp/ commands of SR-IOV VF administration: fp/show's VF lines and
 * fp/vf-reset.  Apart from fp-unixctl.c, which is near its size limit. */

#include <config.h>

#include "fp-unixctl.h"

#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "fp/fp.h"
#include "netdev-fp.h"
#include "netdev-offload-fp.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-offload.h"
#include "packets.h"
#include "unixctl.h"
#include "util.h"

/* Appends to 's' the "vf policy" and "vf stats" lines of fp/show for VF
 * port 'port' of 'dev', if it has a VF policy or has counted a VF
 * drop. */
void
fp_unixctl_show_vf(struct ds *s, const struct fp_device *dev, uint32_t port)
{
    static const char *const link_states[] = {
        [FP_VF_LINK_AUTO] = "auto",
        [FP_VF_LINK_ENABLE] = "enable",
        [FP_VF_LINK_DISABLE] = "disable",
    };
    struct fp_vf_config c;
    struct fp_vf_stats st;
    bool has_policy;

    has_policy = !fp_vf_get_config(dev, port, &c);
    fp_vf_get_stats(dev, port, &st);
    if (!has_policy && !st.rx_dropped && !st.tx_dropped) {
        return;
    }
    if (has_policy) {
        ds_put_cstr(s, "    vf policy: mac ");
        if (c.has_mac) {
            ds_put_format(s, ETH_ADDR_FMT, ETH_ADDR_BYTES_ARGS(c.mac));
        } else {
            ds_put_cstr(s, "none");
        }
        if (c.vlan) {
            ds_put_format(s, ", vlan %"PRIu16" pcp %"PRIu8" proto %s",
                          c.vlan, c.vlan_pcp,
                          c.vlan_tpid == htons(0x88a8) ? "802.1ad"
                          : "802.1Q");
        } else {
            ds_put_cstr(s, ", vlan none");
        }
        ds_put_format(s, ", spoofchk %s, trust %s, link-state %s, promisc "
                      "%s, allmulti %s\n", c.spoofchk ? "on" : "off",
                      c.trust ? "on" : "off", link_states[c.link_state],
                      c.promisc ? "on" : "off", c.allmulti ? "on" : "off");
    }
    ds_put_format(s, "    vf stats: rx %"PRIu64" packets, %"PRIu64" bytes, %"
                  PRIu64" multicast, %"PRIu64" broadcast, %"PRIu64
                  " dropped; tx %"PRIu64" packets, %"PRIu64" bytes, %"PRIu64
                  " dropped; spoof drops %"PRIu64", vlan drops %"PRIu64
                  ", filter drops %"PRIu64", resets %"PRIu64"\n",
                  st.rx_packets, st.rx_bytes, st.rx_multicast,
                  st.rx_broadcast, st.rx_dropped, st.tx_packets, st.tx_bytes,
                  st.tx_dropped, st.spoof_drops, st.vlan_drops,
                  st.filter_drops, st.resets);
}

/* fp/vf-reset DEVICE VF: a function level reset of VF (vfN or N) of
 * DEVICE (see fp_vf_reset()).  The counters of its interface keep
 * counting. */
static void
fp_unixctl_vf_reset(struct unixctl_conn *conn, int argc OVS_UNUSED,
                    const char *argv[], void *aux OVS_UNUSED)
{
    struct fp_device *dev = NULL;
    uint32_t port = 0;
    char name[32];
    char *msg;
    int err;

    ovs_offload_init();
    msg = netdev_offload_fp_parse_vf(argv[1], argv[2], &dev, &port);
    if (msg) {
        goto error;
    }
    fp_port_to_string(dev, port, name, sizeof name);

    netdev_fp_save_vf_stats(dev, port);
    err = fp_vf_reset(dev, port);
    if (err) {
        msg = xasprintf("%s of %s: cannot reset it (%s)", name, argv[1],
                        (err == EOPNOTSUPP ? "the driver of this NIC cannot"
                         : ovs_strerror(err)));
        goto error;
    }
    msg = xasprintf("%s of %s reset; its settings and rules stay\n", name,
                    argv[1]);
    unixctl_command_reply(conn, msg);
    free(msg);
    return;

error:
    unixctl_command_reply_error(conn, msg);
    free(msg);
}

void
fp_unixctl_vf_register(void)
{
    unixctl_command_register("fp/vf-reset", "DEVICE VF", 2, 2,
                             fp_unixctl_vf_reset, NULL);
}
