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


/* Unit tests of edge virtual bridging in the flow-processor model
 * (lib/fp-model-evb.c) through the public API (lib/fp-evb.c): VEPA
 * redirection, the E-TAG of port extension, delivery by E-CID. */

#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "ovs-thread.h"
#include "util.h"

/* Default device: phy0 = 0, phy1 = 1, vf0 = 2 ... vf7 = 9. */
#define PHY0 0
#define PHY1 1
#define VF0 2
#define VF1 3
#define VF2 4
#define N_PORTS 10

/* What the endpoints of every port received: the last frame and how many
 * frames. */
static struct ovs_mutex cap_mutex = OVS_MUTEX_INITIALIZER;
static uint8_t cap_frame[N_PORTS][128];
static size_t cap_size[N_PORTS];
static unsigned int cap_n[N_PORTS];

static int
cap_send(void *aux OVS_UNUSED, uint32_t port, const void *data, size_t size)
{
    ovs_mutex_lock(&cap_mutex);
    assert_true(port < N_PORTS && size <= sizeof cap_frame[port]);
    memcpy(cap_frame[port], data, size);
    cap_size[port] = size;
    cap_n[port]++;
    ovs_mutex_unlock(&cap_mutex);
    return 0;
}

static const struct fp_endpoint_ops cap_ops = { .send = cap_send };

static void
cap_clear(void)
{
    ovs_mutex_lock(&cap_mutex);
    memset(cap_n, 0, sizeof cap_n);
    memset(cap_size, 0, sizeof cap_size);
    ovs_mutex_unlock(&cap_mutex);
}

/* A 60-byte frame from 02:..:01 to 02:..:09 of Ethertype 0x88b5, with the
 * 'tag_len' bytes of 'tag' after the source MAC.  Returns its length. */
static size_t
make_frame(uint8_t *buf, const uint8_t *tag, size_t tag_len)
{
    static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 9, 2, 0, 0, 0, 0, 1 };

    memset(buf, 0, 60 + tag_len);
    memcpy(buf, macs, 12);
    if (tag_len) {
        memcpy(buf + 12, tag, tag_len);
    }
    buf[12 + tag_len] = 0x88;
    buf[13 + tag_len] = 0xb5;
    buf[14 + tag_len] = 0x42;
    return 60 + tag_len;
}

static int
setup_dev(void **state)
{
    struct fp_device *dev;
    uint32_t p;

    assert_int_equal(fp_device_create("fp0", NULL, &dev), 0);
    for (p = 0; p < N_PORTS; p++) {
        assert_int_equal(fp_port_set_endpoint(dev, p, &cap_ops, NULL), 0);
    }
    cap_clear();
    *state = dev;
    return 0;
}

static int
teardown_dev(void **state)
{
    fp_device_destroy(*state);
    return 0;
}

/* Adds a rule: what comes in on 'in_port' goes out of the 'n' ports of
 * 'outs'. */
static void
add_rule(struct fp_device *dev, uint32_t in_port, const uint32_t *outs,
         size_t n)
{
    struct fp_rule rule;
    uint32_t id;
    size_t i;

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = in_port;
    rule.mask.in_port = UINT32_MAX;
    rule.priority = 1;
    for (i = 0; i < n; i++) {
        rule.actions[rule.n_actions].type = FP_ACTION_OUTPUT;
        rule.actions[rule.n_actions++].port = outs[i];
    }
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
}

static void
test_fp_evb_etag_layout(void **state OVS_UNUSED)
{
    static const uint8_t expected[FP_ETAG_LEN] = {
        0x89, 0x3f, 0xb5, 0x67, 0x2a, 0xbc, 0x12, 0x34,
    };
    struct fp_etag etag = {
        .pcp = 5, .dei = true, .ingress_ecid_base = 0x567, .grp = 2,
        .ecid_base = 0xabc, .ingress_ecid_ext = 0x12, .ecid_ext = 0x34,
    };
    struct fp_etag back;
    uint8_t tag[FP_ETAG_LEN];
    enum fp_evb_mode mode;

    fp_etag_format(&etag, tag);
    assert_memory_equal(tag, expected, FP_ETAG_LEN);
    fp_etag_parse(tag, &back);
    assert_int_equal(back.pcp, etag.pcp);
    assert_int_equal(back.dei, etag.dei);
    assert_int_equal(back.ingress_ecid_base, etag.ingress_ecid_base);
    assert_int_equal(back.grp, etag.grp);
    assert_int_equal(back.ecid_base, etag.ecid_base);
    assert_int_equal(back.ingress_ecid_ext, etag.ingress_ecid_ext);
    assert_int_equal(back.ecid_ext, etag.ecid_ext);

    assert_true(fp_evb_mode_from_string("vepa", &mode));
    assert_int_equal(mode, FP_EVB_VEPA);
    assert_true(fp_evb_mode_from_string("veb", &mode));
    assert_int_equal(mode, FP_EVB_VEB);
    assert_false(fp_evb_mode_from_string("VEPA", &mode));
    assert_string_equal(fp_evb_mode_to_string(FP_EVB_VEPA), "vepa");
}

/* VEB forwards VF to VF; VEPA sends it to the uplink, for rule outputs
 * (also to the VF the frame came from) and for the host's sends from a
 * VF, and counts; what did not come from a VF goes where it is sent. */
static void
test_fp_evb_vepa(void **state)
{
    struct fp_device *dev = *state;
    static const uint32_t to_vf1[] = { VF1 };
    static const uint32_t to_vf0_phy1[] = { VF0, PHY1 };
    struct fp_tx_md md = { .queue = 0, .in_port = VF0 };
    struct fp_evb_stats st;
    uint8_t frame[128];
    size_t n = make_frame(frame, NULL, 0);

    add_rule(dev, VF0, to_vf1, 1);
    add_rule(dev, VF1, to_vf0_phy1, 2);
    add_rule(dev, PHY1, to_vf1, 1);

    assert_int_equal(fp_device_get_evb_mode(dev), FP_EVB_VEB);
    assert_int_equal(fp_port_inject(dev, VF0, frame, n), 0);
    assert_int_equal(cap_n[VF1], 1);
    assert_int_equal(cap_n[PHY0], 0);

    assert_int_equal(fp_device_set_evb_mode(dev, FP_EVB_VEPA), 0);
    assert_int_equal(fp_device_get_evb_mode(dev), FP_EVB_VEPA);
    cap_clear();
    assert_int_equal(fp_port_inject(dev, VF0, frame, n), 0);
    assert_int_equal(cap_n[VF1], 0);
    assert_int_equal(cap_n[PHY0], 1);
    assert_int_equal(cap_size[PHY0], n);
    assert_memory_equal(cap_frame[PHY0], frame, n);

    /* To a VF and a physical port: the VF copy goes to the uplink. */
    assert_int_equal(fp_port_inject(dev, VF1, frame, n), 0);
    assert_int_equal(cap_n[VF0], 0);
    assert_int_equal(cap_n[PHY1], 1);
    assert_int_equal(cap_n[PHY0], 2);

    /* From a physical port: not redirected. */
    assert_int_equal(fp_port_inject(dev, PHY1, frame, n), 0);
    assert_int_equal(cap_n[VF1], 1);

    /* The host's sends: from a VF, redirected, even to the same VF; from
     * none, not. */
    assert_int_equal(fp_port_send_md(dev, VF0, frame, n, &md), 0);
    assert_int_equal(cap_n[VF0], 0);
    assert_int_equal(cap_n[PHY0], 3);
    md.in_port = FP_PORT_NONE;
    assert_int_equal(fp_port_send_md(dev, VF0, frame, n, &md), 0);
    assert_int_equal(cap_n[VF0], 1);

    fp_port_get_evb_stats(dev, VF0, &st);
    assert_int_equal(st.vepa_redirects, 2);
    fp_port_get_evb_stats(dev, VF1, &st);
    assert_int_equal(st.vepa_redirects, 1);

    /* A reset keeps the mode and the counters. */
    assert_int_equal(fp_device_reset(dev), 0);
    assert_int_equal(fp_device_get_evb_mode(dev), FP_EVB_VEPA);
    fp_port_get_evb_stats(dev, VF0, &st);
    assert_int_equal(st.vepa_redirects, 2);

    /* Back to VEB. */
    assert_int_equal(fp_device_set_evb_mode(dev, FP_EVB_VEB), 0);
    md.in_port = VF1;
    cap_clear();
    assert_int_equal(fp_port_send_md(dev, VF0, frame, n, &md), 0);
    assert_int_equal(cap_n[VF0], 1);
    assert_int_equal(cap_n[PHY0], 0);
    assert_int_equal(fp_device_set_evb_mode(dev, 7), EINVAL);
}

/* What leaves an extended uplink carries the E-TAG of the VF it came from;
 * what came from no VF is dropped there. */
static void
test_fp_evb_etag_push(void **state)
{
    struct fp_device *dev = *state;
    static const uint32_t to_phy0[] = { PHY0 };
    static const uint8_t vlan[4] = { 0x81, 0x00, 0xb0, 0x05 };
    static const uint8_t etag1[8] = { 0x89, 0x3f, 0, 0, 0, 1, 0, 0 };
    static const uint8_t etag77[8] = { 0x89, 0x3f, 0, 0, 0, 77, 0, 0 };
    static const uint8_t etag77p[8] = { 0x89, 0x3f, 0xb0, 0, 0, 77, 0, 0 };
    struct fp_port_ecid ecid = { .ecid = 77 };
    struct fp_tx_md md = { .queue = 0, .in_port = PHY1 };
    uint8_t frame[128], tagged[128], expected[128];
    struct fp_evb_stats st;
    struct fp_port_stats ps;
    size_t n = make_frame(frame, NULL, 0);
    size_t n_tagged = make_frame(tagged, vlan, sizeof vlan);

    add_rule(dev, VF0, to_phy0, 1);
    add_rule(dev, VF1, to_phy0, 1);
    add_rule(dev, PHY1, to_phy0, 1);
    assert_int_equal(fp_port_set_extension(dev, PHY0, true), 0);
    assert_true(fp_port_get_extension(dev, PHY0));
    assert_false(fp_port_get_extension(dev, PHY1));

    assert_int_equal(fp_port_inject(dev, VF0, frame, n), 0);
    make_frame(expected, etag1, sizeof etag1);
    assert_int_equal(cap_size[PHY0], n + FP_ETAG_LEN);
    assert_memory_equal(cap_frame[PHY0], expected, n + FP_ETAG_LEN);

    /* E-CID 77 for vf1; E-PCP and E-DEI from its VLAN tag (PCP 5,
     * DEI 1). */
    assert_int_equal(fp_port_set_ecid(dev, VF1, &ecid), 0);
    assert_int_equal(fp_port_inject(dev, VF1, frame, n), 0);
    make_frame(expected, etag77, sizeof etag77);
    assert_memory_equal(cap_frame[PHY0], expected, n + FP_ETAG_LEN);
    assert_int_equal(fp_port_inject(dev, VF1, tagged, n_tagged), 0);
    {
        uint8_t tags[8 + sizeof vlan];

        memcpy(tags, etag77p, 8);
        memcpy(tags + 8, vlan, sizeof vlan);
        make_frame(expected, tags, sizeof tags);
    }
    assert_int_equal(cap_size[PHY0], n_tagged + FP_ETAG_LEN);
    assert_memory_equal(cap_frame[PHY0], expected, n_tagged + FP_ETAG_LEN);

    /* From no VF: dropped, by a rule and by the host. */
    assert_int_equal(fp_port_inject(dev, PHY1, frame, n), 0);
    assert_int_equal(fp_port_send_md(dev, PHY0, frame, n, &md), 0);
    assert_int_equal(cap_n[PHY0], 3);
    fp_port_get_evb_stats(dev, PHY0, &st);
    assert_int_equal(st.etag_tx, 3);
    assert_int_equal(st.etag_tx_drops, 2);
    fp_port_get_stats(dev, PHY0, &ps);
    assert_int_equal(ps.tx_drops, 2);

    /* Port extension off: as before. */
    assert_int_equal(fp_port_set_extension(dev, PHY0, false), 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, n), 0);
    assert_int_equal(cap_size[PHY0], n);
}

/* VEPA and port extension together: a frame from vf0 for vf1 leaves on the
 * uplink with vf0's E-TAG. */
static void
test_fp_evb_vepa_etag(void **state)
{
    struct fp_device *dev = *state;
    static const uint32_t to_vf1[] = { VF1 };
    static const uint8_t etag1[8] = { 0x89, 0x3f, 0, 0, 0, 1, 0, 0 };
    uint8_t frame[128], expected[128];
    size_t n = make_frame(frame, NULL, 0);

    add_rule(dev, VF0, to_vf1, 1);
    assert_int_equal(fp_device_set_evb_mode(dev, FP_EVB_VEPA), 0);
    assert_int_equal(fp_port_set_extension(dev, PHY0, true), 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, n), 0);
    make_frame(expected, etag1, sizeof etag1);
    assert_int_equal(cap_n[VF1], 0);
    assert_int_equal(cap_size[PHY0], n + FP_ETAG_LEN);
    assert_memory_equal(cap_frame[PHY0], expected, n + FP_ETAG_LEN);
}

/* Delivery of what comes in on an extended uplink, and its trace. */
static void
test_fp_evb_etag_rx(void **state)
{
    struct fp_device *dev = *state;
    static const uint8_t uc[8] = { 0x89, 0x3f, 0, 0, 0, 2, 0, 0 };
    static const uint8_t mc[8] = { 0x89, 0x3f, 0, 1, 0x10, 0x05, 0, 0 };
    static const uint8_t unknown[8] = { 0x89, 0x3f, 0, 0, 0, 9, 0, 0 };
    static const uint8_t ext[8] = { 0x89, 0x3f, 0, 0, 0, 2, 0, 1 };
    struct fp_port_ecid g = { .n_groups = 1, .groups = { 4101 } };
    uint8_t frame[128], plain[128];
    struct fp_evb_stats st;
    struct fp_port_stats ps;
    struct fp_rule_stats rs;
    struct fp_trace trace;
    size_t n, n_plain = make_frame(plain, NULL, 0);
    static const uint32_t to_vf2[] = { VF2 };
    uint32_t id;

    /* A rule for phy0 that the frames must not meet. */
    add_rule(dev, PHY0, to_vf2, 1);
    id = 1;
    assert_int_equal(fp_port_set_ecid(dev, VF0, &g), 0);
    assert_int_equal(fp_port_set_ecid(dev, VF1, &g), 0);
    assert_int_equal(fp_port_set_ecid(dev, VF2, &g), 0);
    assert_int_equal(fp_port_set_extension(dev, PHY0, true), 0);

    /* Unicast E-CID 2: vf1, untagged. */
    n = make_frame(frame, uc, sizeof uc);
    assert_int_equal(fp_port_inject(dev, PHY0, frame, n), 0);
    assert_int_equal(cap_n[VF1], 1);
    assert_int_equal(cap_size[VF1], n_plain);
    assert_memory_equal(cap_frame[VF1], plain, n_plain);
    assert_int_equal(cap_n[VF0] + cap_n[VF2], 0);

    /* Group 4101 (GRP 1, base 5) from E-CID 1: vf1 and vf2, not vf0. */
    n = make_frame(frame, mc, sizeof mc);
    assert_int_equal(fp_port_trace(dev, PHY0, frame, n, true, &trace), 0);
    assert_int_equal(trace.etag_rx, FP_TRACE_ETAG_DELIVERED);
    assert_int_equal(trace.n_etag_ports, 2);
    assert_int_equal(trace.etag_ports[0], VF1);
    assert_int_equal(trace.etag_ports[1], VF2);
    assert_int_equal(trace.etag_pruned, VF0);
    assert_int_equal(trace.etag.grp, 1);
    assert_int_equal(trace.etag.ecid_base, 5);
    assert_int_equal(trace.etag.ingress_ecid_base, 1);
    fp_trace_uninit(&trace);
    assert_int_equal(cap_n[VF2], 0);    /* A dry trace sends nothing. */
    assert_int_equal(fp_port_inject(dev, PHY0, frame, n), 0);
    assert_int_equal(cap_n[VF0], 0);
    assert_int_equal(cap_n[VF1], 2);
    assert_int_equal(cap_n[VF2], 1);
    assert_memory_equal(cap_frame[VF2], plain, n_plain);

    /* Untagged, unknown E-CID, nonzero E-CID ext: dropped. */
    assert_int_equal(fp_port_inject(dev, PHY0, plain, n_plain), 0);
    n = make_frame(frame, unknown, sizeof unknown);
    assert_int_equal(fp_port_inject(dev, PHY0, frame, n), 0);
    n = make_frame(frame, ext, sizeof ext);
    assert_int_equal(fp_port_trace(dev, PHY0, frame, n, true, &trace), 0);
    assert_int_equal(trace.etag_rx, FP_TRACE_ETAG_UNKNOWN);
    fp_trace_uninit(&trace);
    assert_int_equal(fp_port_inject(dev, PHY0, frame, n), 0);
    assert_int_equal(cap_n[VF0] + cap_n[VF1] + cap_n[VF2], 3);

    fp_port_get_evb_stats(dev, PHY0, &st);
    assert_int_equal(st.etag_rx, 2);
    assert_int_equal(st.etag_rx_untagged_drops, 1);
    assert_int_equal(st.etag_rx_unknown_drops, 2);
    assert_int_equal(st.etag_rx_pruned, 1);
    fp_port_get_stats(dev, PHY0, &ps);
    assert_int_equal(ps.rx_packets, 5);
    assert_int_equal(ps.drops, 3);
    assert_int_equal(ps.exceptions, 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &rs), 0);
    assert_int_equal(rs.n_packets, 0);
}

/* Bad E-CIDs and groups change nothing. */
static void
test_fp_evb_ecid_errors(void **state)
{
    struct fp_device *dev = *state;
    struct fp_port_ecid e = { .ecid = 3 };     /* vf2's default. */
    struct fp_port_ecid got;

    assert_int_equal(fp_port_set_ecid(dev, VF0, &e), EEXIST);
    e.ecid = FP_ECID_MAX + 1;
    assert_int_equal(fp_port_set_ecid(dev, VF0, &e), EINVAL);
    e.ecid = 50;
    e.n_groups = 2;
    e.groups[0] = e.groups[1] = 4096;
    assert_int_equal(fp_port_set_ecid(dev, VF0, &e), EINVAL);
    e.groups[1] = FP_ECID_GROUP_MAX + 1;
    assert_int_equal(fp_port_set_ecid(dev, VF0, &e), EINVAL);
    e.n_groups = FP_ECID_MAX_GROUPS + 1;
    assert_int_equal(fp_port_set_ecid(dev, VF0, &e), EINVAL);
    e.n_groups = 0;
    assert_int_equal(fp_port_set_ecid(dev, PHY0, &e), EINVAL);
    assert_int_equal(fp_port_set_extension(dev, VF0, true), EINVAL);
    assert_false(fp_port_get_extension(dev, VF0));

    fp_port_get_ecid(dev, VF0, &got);
    assert_int_equal(got.ecid, 1);
    assert_int_equal(got.n_groups, 0);

    /* vf2 takes 50; then vf0 may take 3, and 0 is the default again. */
    assert_int_equal(fp_port_set_ecid(dev, VF2, &e), 0);
    e.ecid = 3;
    assert_int_equal(fp_port_set_ecid(dev, VF0, &e), 0);
    fp_port_get_ecid(dev, VF0, &got);
    assert_int_equal(got.ecid, 3);
    e.ecid = 0;
    assert_int_equal(fp_port_set_ecid(dev, VF0, &e), 0);
    fp_port_get_ecid(dev, VF0, &got);
    assert_int_equal(got.ecid, 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_evb_etag_layout),
        cmocka_unit_test_setup_teardown(test_fp_evb_vepa,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_evb_etag_push,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_evb_vepa_etag,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_evb_etag_rx,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_evb_ecid_errors,
                                        setup_dev, teardown_dev),
    };

    return cmocka_run_group_tests_name("fp_evb", tests, NULL, NULL);
}
