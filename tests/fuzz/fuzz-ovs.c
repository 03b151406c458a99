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

#include "fuzz-ovs.h"

#include <stdlib.h>
#include <string.h>

#include "dpif.h"
#include "fp/fp.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "netdev-offload-fp.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/vlog.h"
#include "ovs-offload.h"
#include "smap.h"
#include "util.h"

/* netdev_ports_get() compares datapath types by pointer. */
static const char fuzz_dpif_type[] = "netdev";

static struct netdev *
open_port(const char *name, const char *port, uint32_t port_no)
{
    struct smap args = SMAP_INITIALIZER(&args);
    struct dpif_port dpif_port;
    struct netdev *netdev;
    char *errp = NULL;

    if (netdev_open(name, "fp", &netdev)) {
        abort();
    }
    smap_add(&args, "port", port);
    if (netdev_set_config(netdev, &args, &errp)) {
        abort();
    }
    smap_destroy(&args);

    netdev_set_dpif_type(netdev, fuzz_dpif_type);
    dpif_port.name = CONST_CAST(char *, name);
    dpif_port.type = CONST_CAST(char *, "fp");
    dpif_port.port_no = u32_to_odp(port_no);
    netdev_ports_insert(netdev, &dpif_port);
    return netdev;
}

struct netdev *
fuzz_ovs_init(void)
{
    static struct netdev *p1;

    if (!p1) {
        struct smap other_config = SMAP_INITIALIZER(&other_config);
        struct ofputil_meter_band band;
        struct ofputil_meter_config mc;

        vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);

        /* As bridge_run() does: with --wrap, this reads the fp-* keys. */
        netdev_set_flow_api_enabled(&other_config);
        smap_destroy(&other_config);
        ovs_offload_init();

        p1 = open_port("p1", "phy0", 1);
        open_port("p2", "vf0", 2);
        open_port("p3", "vf1", 3);

        memset(&band, 0, sizeof band);
        band.type = OFPMBT13_DROP;
        band.rate = 10;
        band.burst_size = 10;
        memset(&mc, 0, sizeof mc);
        mc.meter_id = 1;
        mc.flags = OFPMF13_PKTPS | OFPMF13_BURST;
        mc.n_bands = 1;
        mc.bands = &band;
        netdev_offload_fp_meter_set(1, &mc);
    }
    return p1;
}

int
fuzz_ovs_split(const uint8_t *data, size_t size, char *argv[], int max)
{
    int n = 0;

    while (size && n < max) {
        size_t len = 0;

        while (len < size && data[len] && data[len] != '\n') {
            len++;
        }
        argv[n++] = xmemdup0((const char *) data, len);
        if (len < size) {
            len++;
        }
        data += len;
        size -= len;
    }
    return n;
}

void
fuzz_ovs_free_args(char *argv[], int n)
{
    int i;

    for (i = 0; i < n; i++) {
        free(argv[i]);
    }
}
