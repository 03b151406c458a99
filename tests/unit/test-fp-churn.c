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

/* Churn: 100,000 flows put into and deleted from the flow API
 * (netdev-offload-fp.c, with its NIC rules, counters and meters), and
 * 100,000 rules, shared counters and meters added to and deleted from a
 * model NIC directly.  Afterwards the NIC and the flow API hold nothing.
 * In the sanitized build (_build-asan), LeakSanitizer checks at exit that
 * no memory leaked. */

#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../fuzz/fuzz-ovs.h"
#include "dpif.h"
#include "fp/fp.h"
#include "netdev.h"
#include "netdev-offload.h"
#include "netdev-offload-fp.h"
#include "netdev-offload-provider.h"
#include "netlink.h"
#include "odp-netlink.h"
#include "odp-util.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/ofpbuf.h"
#include "ovs-rcu.h"
#include "packets.h"
#include "util.h"

#define N_CYCLES 100000

static void
set_meter(uint32_t id, uint64_t rate)
{
    struct ofputil_meter_band band;
    struct ofputil_meter_config mc;

    memset(&band, 0, sizeof band);
    band.type = OFPMBT13_DROP;
    band.rate = rate;
    band.burst_size = rate;
    memset(&mc, 0, sizeof mc);
    mc.meter_id = id;
    mc.flags = OFPMF13_PKTPS | OFPMF13_BURST;
    mc.n_bands = 1;
    mc.bands = &band;
    netdev_offload_fp_meter_set(id, &mc);
}

/* Flow 'i': in_port 1, IPv4 from 10.x.y.z = 'i', UDP, with one of four
 * sets of actions: output to vf0 (offloaded), a rewrite and two outputs,
 * meter 2 and output (offloaded while the meter exists), an output to a
 * port that is not on the NIC (partial). */
static void
flow_put(struct netdev *p1, uint32_t i, const ovs_u128 *ufid)
{
    const struct netdev_flow_api *api = &netdev_offload_fp;
    uint64_t stub[256 / 8];
    struct dpif_flow_stats stats;
    struct offload_info info;
    struct ofpbuf actions;
    struct match match;

    match_init_catchall(&match);
    match_set_in_port(&match, u32_to_odp(1));
    match_set_recirc_id(&match, 0);
    match_set_dl_type(&match, htons(ETH_TYPE_IP));
    match_set_nw_src(&match, htonl(0x0a000000 | i));
    match_set_nw_proto(&match, IPPROTO_UDP);
    match_set_nw_frag_masked(&match, 0, FLOW_NW_FRAG_MASK);

    ofpbuf_use_stub(&actions, stub, sizeof stub);
    switch (i % 4) {
    case 0:
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
        break;
    case 1: {
        struct ovs_key_ipv4 set[2];     /* Value, then mask. */
        size_t offset;

        memset(set, 0, sizeof set);
        set[0].ipv4_src = htonl(0xc0000209);
        set[1].ipv4_src = OVS_BE32_MAX;
        offset = nl_msg_start_nested(&actions, OVS_ACTION_ATTR_SET_MASKED);
        nl_msg_put_unspec(&actions, OVS_KEY_ATTR_IPV4, set, sizeof set);
        nl_msg_end_nested(&actions, offset);
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(3));
        break;
    }
    case 2:
        nl_msg_put_u32(&actions, OVS_ACTION_ATTR_METER, 2);
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(2));
        break;
    default:
        nl_msg_put_odp_port(&actions, OVS_ACTION_ATTR_OUTPUT, u32_to_odp(9));
        break;
    }

    memset(&info, 0, sizeof info);
    info.flow_mark = i + 1;
    assert_int_equal(api->flow_put(p1, &match, actions.data, actions.size,
                                   ufid, &info, &stats), 0);
    ofpbuf_uninit(&actions);
}

static void
test_flow_api_churn(void **state OVS_UNUSED)
{
    const struct netdev_flow_api *api = &netdev_offload_fp;
    struct netdev_offload_fp_stats ostats;
    struct fp_device_stats before, after;
    struct fp_device *dev;
    struct netdev *p1;
    uint32_t i;

    p1 = fuzz_ovs_init();
    dev = fp_device_find("fp0");
    assert_non_null(dev);
    fp_device_get_stats(dev, &before);

    for (i = 0; i < N_CYCLES; i++) {
        ovs_u128 ufid = { .u32 = { i, 0xc4e2, 7, 1 } };
        struct dpif_flow_stats stats;

        if (i % 1000 == 0) {
            /* The meter comes and goes: flows that use it are partial
             * while it is missing. */
            set_meter(2, 100 + i);
        }
        flow_put(p1, i, &ufid);
        assert_int_equal(api->flow_del(p1, &ufid, &stats), 0);
        if (i % 1000 == 999) {
            netdev_offload_fp_meter_del(2, NULL);
        }
        if (i % 1024 == 0) {
            ovsrcu_quiesce();
        }
    }
    netdev_offload_fp_run();

    /* Nothing is left in the NIC or in the flow API. */
    fp_device_get_stats(dev, &after);
    assert_int_equal(after.n_rules, before.n_rules);
    assert_int_equal(after.n_counters, before.n_counters);
    assert_int_equal(after.n_meters, before.n_meters);
    assert_int_equal(after.n_masks, before.n_masks);
    netdev_offload_fp_get_stats(&ostats);
    assert_int_equal(ostats.n_flows, 0);
    assert_int_equal(ostats.added, N_CYCLES);
    assert_int_equal(ostats.deleted, N_CYCLES);
}

static void
test_model_churn(void **state OVS_UNUSED)
{
    struct fp_device_config cfg;
    struct fp_device_stats stats;
    struct fp_meter_config mc;
    struct fp_device *dev;
    uint32_t i;

    fp_device_config_default(&cfg);
    cfg.n_rules = 64;
    cfg.n_meters = 4;
    assert_int_equal(fp_device_create("churn0", &cfg, &dev), 0);

    memset(&mc, 0, sizeof mc);
    mc.type = FP_METER_SRTCM;
    mc.pkts = true;
    for (i = 0; i < N_CYCLES; i++) {
        struct fp_rule_stats rs;
        struct fp_rule rule;
        uint32_t counter, id;

        mc.cir = mc.cbs = 1 + i % 100;
        assert_int_equal(fp_meter_set(dev, i % 4, &mc), 0);
        assert_int_equal(fp_counter_alloc(dev, &counter), 0);

        memset(&rule, 0, sizeof rule);
        rule.mask.in_port = UINT32_MAX;
        rule.key.nw_src = htonl(i);
        rule.mask.nw_src = OVS_BE32_MAX;
        rule.mask.eth_type = OVS_BE16_MAX;
        rule.key.eth_type = htons(ETH_TYPE_IP);
        rule.n_actions = 3;
        rule.actions[0].type = FP_ACTION_METER;
        rule.actions[0].meter_id = i % 4;
        rule.actions[1].type = FP_ACTION_COUNT;
        rule.actions[1].counter_id = counter;
        rule.actions[2].type = FP_ACTION_OUTPUT;
        rule.actions[2].port = 1;
        assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

        /* In use: they cannot go before the rule. */
        assert_int_equal(fp_counter_free(dev, counter), EBUSY);
        assert_int_equal(fp_meter_delete(dev, i % 4), EBUSY);

        assert_int_equal(fp_rule_delete(dev, id, &rs), 0);
        assert_int_equal(fp_counter_free(dev, counter), 0);
        assert_int_equal(fp_meter_delete(dev, i % 4), 0);
        if (i % 1024 == 0) {
            ovsrcu_quiesce();
        }
    }

    fp_device_get_stats(dev, &stats);
    assert_int_equal(stats.n_rules, 0);
    assert_int_equal(stats.n_meters, 0);
    assert_int_equal(stats.n_masks, 0);
    fp_device_destroy(dev);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_api_churn),
        cmocka_unit_test(test_model_churn),
    };

    return cmocka_run_group_tests_name("fp-churn", tests, NULL, NULL);
}
