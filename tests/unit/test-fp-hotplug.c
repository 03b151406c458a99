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

/* Unit tests of VF hot-unplug and plug (fp_port_vf_unplug(),
 * fp_port_vf_plug()) in the model. */

#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "util.h"

/* The default device: 2 physical ports, 8 VFs. */
#define PHY0 0
#define PHY1 1
#define VF0 2
#define VF1 3

static int
setup_dev(void **state)
{
    struct fp_device *dev;

    assert_int_equal(fp_device_create("fp0", NULL, &dev), 0);
    *state = dev;
    return 0;
}

static int
teardown_dev(void **state)
{
    fp_device_destroy(*state);
    return 0;
}

/* A 64-byte frame of the local experimental ethertype 0x88b5. */
static void
make_frame(uint8_t frame[64])
{
    memset(frame, 0, 64);
    memset(frame, 0x02, 12);
    frame[12] = 0x88;
    frame[13] = 0xb5;
}

/* Adds a rule that sends what comes in on 'in' out of 'out'. */
static uint32_t
add_rule(struct fp_device *dev, uint32_t in, uint32_t out)
{
    struct fp_rule rule;
    uint32_t id;

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = in;
    rule.mask.in_port = UINT32_MAX;
    rule.n_actions = 1;
    rule.actions[0].type = FP_ACTION_OUTPUT;
    rule.actions[0].port = out;
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    return id;
}

static void
test_fp_hotplug_bad(void **state)
{
    struct fp_device *dev = *state;
    struct fp_vf_hotplug hp;

    /* Only VFs, and only a change. */
    assert_int_equal(fp_port_vf_unplug(dev, PHY0), EINVAL);
    assert_int_equal(fp_port_vf_unplug(dev, PHY1), EINVAL);
    assert_int_equal(fp_port_vf_unplug(dev, VF0 + 8), EINVAL);
    assert_int_equal(fp_port_vf_unplug(dev, UINT32_MAX), EINVAL);
    assert_int_equal(fp_port_vf_plug(dev, VF0), EALREADY);
    /* The first test of the program: no VF was unplugged yet, which the
     * calls refused above do not change, then one was, for good. */
    assert_false(fp_port_vf_maybe_unplugged(dev));
    assert_int_equal(fp_port_vf_unplug(dev, VF1), 0);
    assert_true(fp_port_vf_maybe_unplugged(dev));
    assert_int_equal(fp_port_vf_unplug(dev, VF1), EALREADY);
    assert_int_equal(fp_port_vf_plug(dev, VF1), 0);
    assert_true(fp_port_vf_maybe_unplugged(dev));
    assert_int_equal(fp_port_vf_unplug(dev, VF1), 0);

    /* Nothing changed for the others. */
    fp_port_get_vf_hotplug(dev, VF0, &hp);
    assert_false(hp.unplugged);
    assert_int_equal(hp.unplugs, 0);
    fp_port_get_vf_hotplug(dev, PHY0, &hp);
    assert_false(hp.unplugged);
    fp_port_get_vf_hotplug(dev, VF1, &hp);
    assert_true(hp.unplugged);
    assert_int_equal(hp.unplugs, 2);
}

static void
test_fp_hotplug_traffic(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule_stats rs;
    struct fp_port_stats st;
    struct fp_port_link link;
    struct fp_vf_hotplug hp;
    struct fp_trace trace;
    uint8_t frame[64];
    uint32_t to_vf, from_vf;

    make_frame(frame);
    to_vf = add_rule(dev, PHY0, VF0);
    from_vf = add_rule(dev, VF0, PHY1);
    assert_int_equal(fp_port_inject(dev, PHY0, frame, sizeof frame), 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, sizeof frame), 0);
    fp_port_get_stats(dev, VF0, &st);
    assert_int_equal(st.tx_packets, 1);
    assert_int_equal(st.rx_packets, 1);

    /* Unplugged: its representor's link is down, counted as a change. */
    assert_int_equal(fp_port_vf_unplug(dev, VF0), 0);
    fp_port_get_link_state(dev, VF0, &link);
    assert_false(link.up);
    assert_int_equal(link.resets, 1);

    /* What would go to it (a rule, the host) is dropped and counted; what
     * comes from it is dropped and counted; the rules stay and count. */
    assert_int_equal(fp_port_inject(dev, PHY0, frame, sizeof frame), 0);
    assert_int_equal(fp_port_send(dev, VF0, frame, sizeof frame), 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, sizeof frame), 0);
    fp_port_get_stats(dev, VF0, &st);
    assert_int_equal(st.tx_packets, 1);
    assert_int_equal(st.rx_packets, 1);
    assert_int_equal(st.tx_drops, 2);
    assert_int_equal(st.drops, 1);
    fp_port_get_vf_hotplug(dev, VF0, &hp);
    assert_true(hp.unplugged);
    assert_int_equal(hp.unplugs, 1);
    assert_int_equal(hp.drops, 3);
    assert_int_equal(fp_rule_get_stats(dev, to_vf, &rs), 0);
    assert_int_equal(rs.n_packets, 2);
    assert_int_equal(fp_rule_get_stats(dev, from_vf, &rs), 0);
    assert_int_equal(rs.n_packets, 1);

    /* A trace says why. */
    memset(&trace, 0, sizeof trace);
    assert_int_equal(fp_port_trace(dev, VF0, frame, sizeof frame, true,
                                   &trace), 0);
    assert_int_equal(trace.ingress, FP_TRACE_VF_UNPLUGGED);
    fp_trace_uninit(&trace);

    /* A reset keeps it unplugged. */
    assert_int_equal(fp_device_reset(dev), 0);
    fp_port_get_vf_hotplug(dev, VF0, &hp);
    assert_true(hp.unplugged);
    assert_int_equal(hp.drops, 3);

    /* Plugged back in: its link is up, traffic flows. */
    assert_int_equal(fp_port_vf_plug(dev, VF0), 0);
    fp_port_get_link_state(dev, VF0, &link);
    assert_true(link.up);
    assert_int_equal(link.resets, 2);
    add_rule(dev, PHY0, VF0);
    add_rule(dev, VF0, PHY1);
    assert_int_equal(fp_port_inject(dev, PHY0, frame, sizeof frame), 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, sizeof frame), 0);
    fp_port_get_stats(dev, VF0, &st);
    assert_int_equal(st.tx_packets, 1);
    assert_int_equal(st.rx_packets, 1);
    assert_int_equal(st.drops, 0);
    fp_port_get_vf_hotplug(dev, VF0, &hp);
    assert_false(hp.unplugged);
    assert_int_equal(hp.unplugs, 1);
    assert_int_equal(hp.drops, 3);
}

static void
test_fp_hotplug_link_down(void **state)
{
    struct fp_device *dev = *state;
    struct fp_port_link link;

    /* A VF whose link is down stays down when it is plugged back in, and
     * its unplug and plug are no link changes. */
    assert_int_equal(fp_port_set_link_state(dev, VF0, false), 0);
    assert_int_equal(fp_port_vf_unplug(dev, VF0), 0);
    assert_int_equal(fp_port_vf_plug(dev, VF0), 0);
    fp_port_get_link_state(dev, VF0, &link);
    assert_false(link.up);
    assert_int_equal(link.resets, 1);

    /* And a VF that is unplugged stays down when its link comes up. */
    assert_int_equal(fp_port_vf_unplug(dev, VF0), 0);
    assert_int_equal(fp_port_set_link_state(dev, VF0, true), 0);
    fp_port_get_link_state(dev, VF0, &link);
    assert_false(link.up);
    assert_int_equal(fp_port_vf_plug(dev, VF0), 0);
    fp_port_get_link_state(dev, VF0, &link);
    assert_true(link.up);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fp_hotplug_bad, setup_dev,
                                        teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_hotplug_traffic, setup_dev,
                                        teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_hotplug_link_down, setup_dev,
                                        teardown_dev),
    };

    return cmocka_run_group_tests_name("fp-hotplug", tests, NULL, NULL);
}
