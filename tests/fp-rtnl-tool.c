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

/* Drives lib/fp-rtnl.c from the command line, for the system tests (and
 * for trying a real PF by hand):
 *
 *   fp-rtnl-tool guest ENDPOINT
 *       prints the guest's interface behind veth ENDPOINT: its name, MAC
 *       address, "up" or "down", "carrier" or "no-carrier", and whether
 *       it is in another network namespace ("netns") or not ("here").
 *   fp-rtnl-tool guest-mac ENDPOINT MAC
 *   fp-rtnl-tool guest-carrier ENDPOINT up|down
 *   fp-rtnl-tool vf PF VF [mac=MAC] [vlan=N] [qos=N] [proto=802.1Q|802.1ad]
 *                  [spoofchk=on|off] [trust=on|off]
 *                  [state=auto|enable|disable] [min_tx_rate=N]
 *                  [max_tx_rate=N]
 *       configures VF VF of kernel PF PF (real hardware only).
 *
 * Exits 0 on success, 1 with the library's message on stderr on
 * failure, 2 on bad usage. */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp-rtnl.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000     /* As <linux/if.h> has it. */
#endif
#include "packets.h"
#include "util.h"

OVS_NO_RETURN static void
usage(void)
{
    fprintf(stderr, "usage: fp-rtnl-tool guest ENDPOINT\n"
            "       fp-rtnl-tool guest-mac ENDPOINT MAC\n"
            "       fp-rtnl-tool guest-carrier ENDPOINT up|down\n"
            "       fp-rtnl-tool vf PF VF [KEY=VALUE]...\n");
    exit(2);
}

static bool
parse_bool(const char *s)
{
    if (!strcmp(s, "on") || !strcmp(s, "true")) {
        return true;
    } else if (!strcmp(s, "off") || !strcmp(s, "false")) {
        return false;
    }
    usage();
    OVS_NOT_REACHED();
}

static int
do_vf(int argc, char *argv[], char **errp)
{
    struct fp_vf_config cfg;
    struct fp_rtnl_vf_rates rates = { 0, 0 };
    bool has_rates = false;
    uint32_t vf = atoi(argv[1]);
    int i;

    fp_vf_config_default(&cfg);
    for (i = 2; i < argc; i++) {
        char *value = strchr(argv[i], '=');
        const char *key = argv[i];

        if (!value) {
            usage();
        }
        *value++ = '\0';
        if (!strcmp(key, "mac")) {
            struct eth_addr mac;

            if (!eth_addr_from_string(value, &mac)) {
                usage();
            }
            memcpy(cfg.mac, mac.ea, sizeof cfg.mac);
            cfg.has_mac = true;
        } else if (!strcmp(key, "vlan")) {
            cfg.vlan = atoi(value);
        } else if (!strcmp(key, "qos")) {
            cfg.vlan_pcp = atoi(value);
        } else if (!strcmp(key, "proto")) {
            cfg.vlan_tpid = htons(!strcasecmp(value, "802.1ad")
                                  ? 0x88a8 : 0x8100);
        } else if (!strcmp(key, "spoofchk")) {
            cfg.spoofchk = parse_bool(value);
        } else if (!strcmp(key, "trust")) {
            cfg.trust = parse_bool(value);
        } else if (!strcmp(key, "state")) {
            cfg.link_state = (!strcmp(value, "enable")
                              ? FP_VF_LINK_ENABLE
                              : !strcmp(value, "disable")
                              ? FP_VF_LINK_DISABLE
                              : FP_VF_LINK_AUTO);
        } else if (!strcmp(key, "min_tx_rate")) {
            rates.min_tx_rate = atoi(value);
            has_rates = true;
        } else if (!strcmp(key, "max_tx_rate")) {
            rates.max_tx_rate = atoi(value);
            has_rates = true;
        } else {
            usage();
        }
    }
    return fp_rtnl_set_vf(argv[0], vf, &cfg, has_rates ? &rates : NULL,
                          "fp-rtnl-tool", errp);
}

int
main(int argc, char *argv[])
{
    char *err = NULL;
    int error;

    set_program_name(argv[0]);
    if (argc >= 3 && !strcmp(argv[1], "guest")) {
        struct fp_rtnl_guest guest;

        error = fp_rtnl_get_guest(argv[2], &guest, "fp-rtnl-tool", &err);
        if (!error) {
            printf("%s "ETH_ADDR_FMT" %s %s %s\n", guest.name,
                   ETH_ADDR_ARGS(guest.mac),
                   guest.flags & IFF_UP ? "up" : "down",
                   guest.flags & IFF_LOWER_UP ? "carrier" : "no-carrier",
                   guest.nsid >= 0 ? "netns" : "here");
        }
    } else if (argc == 4 && !strcmp(argv[1], "guest-mac")) {
        struct eth_addr mac;

        if (!eth_addr_from_string(argv[3], &mac)) {
            usage();
        }
        error = fp_rtnl_set_guest_mac(argv[2], mac, "fp-rtnl-tool", &err);
    } else if (argc == 4 && !strcmp(argv[1], "guest-carrier")) {
        if (strcmp(argv[3], "up") && strcmp(argv[3], "down")) {
            usage();
        }
        error = fp_rtnl_set_guest_carrier(argv[2], !strcmp(argv[3], "up"),
                                          "fp-rtnl-tool", &err);
    } else if (argc >= 4 && !strcmp(argv[1], "vf")) {
        error = do_vf(argc - 2, argv + 2, &err);
    } else {
        usage();
    }

    if (error) {
        fprintf(stderr, "%s\n", err ? err : ovs_strerror(error));
        free(err);
        return 1;
    }
    return 0;
}
