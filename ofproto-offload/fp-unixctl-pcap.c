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

/* fp/set-tx-pcap: the capture of what a NIC sends out of a port that no
 * "fp" interface has, e.g. the ports of the net_fp DPDK vdev, which OVS
 * drives as type=dpdk interfaces.  Apart from fp-unixctl.c, which is near
 * its size limit. */

#include <config.h>

#include "fp-unixctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dirs.h"
#include "fp/fp.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-offload.h"
#include "unixctl.h"
#include "util.h"

/* fp/set-tx-pcap DEVICE:PORT [FILE]: from now on, writes every frame that
 * NIC port PORT of DEVICE sends out (to its wire or its VM) to pcap file
 * FILE (relative to OVS's run directory), which it truncates; without
 * FILE, stops the port's capture.  For ports that no "fp" interface has
 * (an "fp" interface's options:tx_pcap would replace the capture at its
 * next reconfiguration). */
static void
fp_unixctl_set_tx_pcap(struct unixctl_conn *conn, int argc,
                       const char *argv[], void *aux OVS_UNUSED)
{
    const char *colon = strchr(argv[1], ':');
    struct fp_device *dev = NULL;
    char *file = NULL;
    char *dev_name;
    uint32_t port;
    int error;

    ovs_offload_init();
    if (!colon) {
        unixctl_command_reply_error(conn, "PORT must be DEVICE:PORT, "
                                    "e.g. net_fp0:vf1");
        return;
    }
    dev_name = xmemdup0(argv[1], colon - argv[1]);
    dev = fp_device_find(dev_name);
    free(dev_name);
    if (!dev) {
        unixctl_command_reply_error(conn, "no such fp device");
        return;
    }
    if (fp_port_from_string(dev, colon + 1, &port)) {
        unixctl_command_reply_error(conn, "no such port");
        return;
    }

    if (argc > 2) {
        file = abs_file_name(ovs_rundir(), argv[2]);
    }
    error = fp_port_set_tx_pcap(dev, port, file);
    if (error) {
        char *msg = (file
                     ? xasprintf("cannot open %s (%s)", file,
                                 ovs_strerror(error))
                     : xasprintf("%s", ovs_strerror(error)));

        unixctl_command_reply_error(conn, msg);
        free(msg);
    } else {
        unixctl_command_reply(conn, NULL);
    }
    free(file);
}

/* Registers fp/set-tx-pcap. */
void
fp_unixctl_pcap_register(void)
{
    unixctl_command_register("fp/set-tx-pcap", "DEVICE:PORT [FILE]", 1, 2,
                             fp_unixctl_set_tx_pcap, NULL);
}
