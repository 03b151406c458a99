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

#ifndef FP_TEST_NETDEV_H
#define FP_TEST_NETDEV_H 1

/* The setup of the unit tests of our flow API (test-netdev-offload-fp*.c):
 * a model NIC "fp0" with the default configuration, and two "fp" netdevs
 * bound to it, as dpif-netdev has them in a datapath of type "netdev": p1
 * (datapath port 1) on phy0 and p2 (datapath port 2) on vf0.  setup() and
 * teardown() make and destroy them around each test. */

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dpif.h"
#include "flow.h"
#include "fp/fp.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "netdev-offload-fp.h"
#include "netdev-offload-fp-private.h"
#include "netdev-offload-provider.h"
#include "netdev-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "smap.h"
#include "util.h"

/* netdev_ports_get() compares datapath types by pointer. */
static const char test_dpif_type[] = "netdev";

static struct fp_device *dev;
static struct netdev *p1, *p2;

/* Opens "fp" netdev 'name', binds it to NIC port 'port' of fp0 and inserts
 * it as datapath port 'port_no', as dpif_port_add() does.  Returns it; the
 * caller closes it. */
static inline struct netdev *
open_port(const char *name, const char *port, uint32_t port_no)
{
    struct smap args = SMAP_INITIALIZER(&args);
    struct dpif_port dpif_port;
    struct netdev *netdev;
    char *errp = NULL;

    assert_int_equal(netdev_open(name, "fp", &netdev), 0);
    smap_add(&args, "port", port);
    assert_int_equal(netdev_set_config(netdev, &args, &errp), 0);
    smap_destroy(&args);

    netdev_set_dpif_type(netdev, test_dpif_type);
    dpif_port.name = CONST_CAST(char *, name);
    dpif_port.type = CONST_CAST(char *, "fp");
    dpif_port.port_no = u32_to_odp(port_no);
    netdev_ports_insert(netdev, &dpif_port);
    return netdev;
}

/* Makes fp0, p1 and p2 for a test.  The state is unused. */
static inline int
setup(void **state OVS_UNUSED)
{
    struct fp_device_config cfg;

    fp_device_config_default(&cfg);
    assert_int_equal(fp_device_create("fp0", &cfg, &dev), 0);
    p1 = open_port("p1", "phy0", 1);
    p2 = open_port("p2", "vf0", 2);
    return 0;
}

/* A failed assertion between a test's lock and unlock of 'offload_fp_mutex'
 * jumps out of the test with the mutex held, and the next test's lock would
 * wait for it forever.  The tests run on one thread, so a held mutex is the
 * failed test's: this teardown releases it.  The state is unused. */
static inline int
release_mutex(void **state OVS_UNUSED)
    OVS_NO_THREAD_SAFETY_ANALYSIS
{
    ovs_mutex_trylock(&offload_fp_mutex);
    ovs_mutex_unlock(&offload_fp_mutex);
    return 0;
}

/* Destroys what setup() made, after release_mutex(). */
static inline int
teardown(void **state)
{
    release_mutex(state);
    netdev_ports_remove(u32_to_odp(1), netdev_get_dpif_type(p1));
    netdev_ports_remove(u32_to_odp(2), netdev_get_dpif_type(p2));
    netdev_close(p1);
    netdev_close(p2);
    /* The next test's device has the same name: the flow API must listen
     * for its resets. */
    offload_fp_device_gone(dev);
    fp_device_destroy(dev);
    ovsrcu_quiesce();
    return 0;
}

/* A megaflow of TCP packets in on p1 from 10.0.0.1, with nw_tos matched
 * exactly (0) if 'tos_exact', wildcarded otherwise: the two have the same
 * masked key. */
static inline void
make_match(bool tos_exact, struct match *match)
{
    match_init_catchall(match);
    /* The datapath port, as dpif-netdev has it (match_set_in_port() sets
     * OpenFlow's). */
    match->flow.in_port.odp_port = u32_to_odp(1);
    match->wc.masks.in_port.odp_port = ODPP_NONE;
    match_set_recirc_id(match, 0);
    match_set_dl_type(match, htons(ETH_TYPE_IP));
    match_set_nw_proto(match, IPPROTO_TCP);
    match_set_nw_src(match, htonl(0x0a000001));
    match_set_nw_frag_masked(match, 0, FLOW_NW_FRAG_MASK);
    if (tos_exact) {
        match_set_nw_tos_masked(match, 0, 0xff);
    }
}

/* Puts the megaflow of make_match(tos_exact) under 'ufid' with actions
 * "output to p2" 'n_outputs' times. */
static inline void
put(const ovs_u128 *ufid, bool tos_exact, int n_outputs)
{
    struct offload_info info = { .flow_mark = 1 };
    struct ofpbuf actions;
    struct match match;
    int i;

    make_match(tos_exact, &match);
    ofpbuf_init(&actions, 64);
    for (i = 0; i < n_outputs; i++) {
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
    }
    assert_int_equal(netdev_offload_fp.flow_put(p1, &match, actions.data,
                                                actions.size, ufid, &info,
                                                NULL), 0);
    ofpbuf_uninit(&actions);
}

/* Returns the number of rules in fp0. */
static inline uint32_t
n_rules(void)
{
    struct fp_device_stats st;

    fp_device_get_stats(dev, &st);
    return st.n_rules;
}

#endif /* fp-test-netdev.h */
