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

/* Fuzz target: the options of "fp" interfaces (netdev-fp.c) and the fp-*
 * keys of the Open_vSwitch table's other_config (ovs-offload.c).
 *
 * The input is a selector byte, then KEY=VALUE lines (or NUL-separated
 * strings; a line without '=' is a key with an empty value).  If the
 * selector is even, the lines are the options of an "fp" interface, given
 * to netdev_set_config() as ovs-vswitchd does on each change (p1, p2 and p3
 * hold fp0's phy0, vf0 and vf1); options:endpoint is dropped (it would open
 * a packet socket on the host) and options:tx_pcap is always /dev/null.
 * If odd, the lines are other_config, given to ovs_offload_parse_config(),
 * which must always end with a valid device configuration and device
 * names. */

#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fp/fp.h"
#include "fuzz-ovs.h"
#include "netdev.h"
#include "ovs-offload.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_LINES = 16 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct netdev *netdev;
    struct smap args = SMAP_INITIALIZER(&args);
    char *lines[MAX_LINES];
    bool is_netdev;
    int i, n;

    fuzz_ovs_init();
    if (!netdev && netdev_open("fz", "fp", &netdev)) {
        abort();
    }
    if (!size) {
        return 0;
    }
    is_netdev = !(data[0] & 1);
    n = fuzz_ovs_split(data + 1, size - 1, lines, MAX_LINES);
    for (i = 0; i < n; i++) {
        char *eq = strchr(lines[i], '=');
        const char *value = eq ? eq + 1 : "";

        if (eq) {
            *eq = '\0';
        }
        if (is_netdev && !strcmp(lines[i], "endpoint")) {
            continue;
        }
        if (is_netdev && !strcmp(lines[i], "tx_pcap")) {
            value = "/dev/null";
        }
        smap_replace(&args, lines[i], value);
    }
    fuzz_ovs_free_args(lines, n);

    if (is_netdev) {
        char *errp = NULL;

        netdev_set_config(netdev, &args, &errp);
        free(errp);
    } else {
        struct svec errors = SVEC_EMPTY_INITIALIZER;
        struct fp_device_config cfg;
        struct sset devices;
        const char *name;

        sset_init(&devices);
        ovs_offload_parse_config(&args, &devices, &cfg, &errors);
        if (fp_device_config_validate(&cfg, NULL)) {
            abort();
        }
        SSET_FOR_EACH (name, &devices) {
            if (!name[0] || strlen(name) > 15) {
                abort();
            }
        }
        if (ovs_offload_parse_fp_dpdk(&args, &errors)
            && strcmp(smap_get(&args, "fp-dpdk"), "true")) {
            abort();
        }
        sset_destroy(&devices);
        svec_destroy(&errors);
    }
    smap_destroy(&args);
    return 0;
}
