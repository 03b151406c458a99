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

/* Unit tests of SR-IOV VF administration in the model (lib/fp-model-vf.c)
 * through the public API of include/fp/fp.h: fp_vf_set_config() and its
 * checks, the VF policy from the guest (spoof check, tagged frames, port
 * VLAN inserted) and toward it (port VLAN stripped, receive filter), link
 * state auto, VF counters, traces, fp_vf_reset(). */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "util.h"

/* Default device: phy0 = 0, phy1 = 1, vf0 = 2, vf1 = 3, ... */
#define PHY0 0
#define VF0 2
#define VF1 3

static const uint8_t guest[6] = { 0x50, 0x54, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t other[6] = { 0x50, 0x54, 0x00, 0x00, 0x00, 0x0b };
static const uint8_t peer[6] = { 0x50, 0x54, 0x00, 0x00, 0x00, 0x02 };

/* What the capture endpoint got: the last frame and the count, by port. */
static uint8_t last[8][128];
static size_t last_size[8];
static size_t n_sent[8];

static int
capture_send(void *aux OVS_UNUSED, uint32_t port, const void *data,
             size_t size)
{
    memcpy(last[port], data, MIN(size, sizeof last[port]));
    last_size[port] = size;
    n_sent[port]++;
    return 0;
}

static const struct fp_endpoint_ops capture_ops = { .send = capture_send };

static int
setup_dev(void **state)
{
    struct fp_device *dev;
    uint32_t p;

    assert_int_equal(fp_device_create("fp0", NULL, &dev), 0);
    for (p = 0; p < 4; p++) {
        assert_int_equal(fp_port_set_endpoint(dev, p, &capture_ops, NULL),
                         0);
        n_sent[p] = 0;
    }
    *state = dev;
    return 0;
}

static int
teardown_dev(void **state)
{
    fp_device_destroy(*state);
    return 0;
}

/* A 64-byte frame from 'src' to 'dst', of the local experimental ethertype
 * 0x88b5, with an outer tag 'tpid' (host order) and 'tci' if 'tpid' is
 * nonzero.  Returns its size. */
static size_t
make_frame(uint8_t *frame, const uint8_t dst[6], const uint8_t src[6],
           uint16_t tpid, uint16_t tci)
{
    size_t n = 12;

    memset(frame, 0, 64);
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    if (tpid) {
        frame[n++] = tpid >> 8;
        frame[n++] = tpid;
        frame[n++] = tci >> 8;
        frame[n++] = tci;
    }
    frame[n++] = 0x88;
    frame[n++] = 0xb5;
    return 64;
}

/* vf0 -> phy0 and phy0 -> vf0, vf1. */
static void
setup_rules(struct fp_device *dev)
{
    struct fp_rule rule;
    uint32_t id;

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = VF0;
    rule.mask.in_port = UINT32_MAX;
    rule.n_actions = 1;
    rule.actions[0].type = FP_ACTION_OUTPUT;
    rule.actions[0].port = PHY0;
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    rule.key.in_port = PHY0;
    rule.n_actions = 2;
    rule.actions[0].port = VF0;
    rule.actions[1].type = FP_ACTION_OUTPUT;
    rule.actions[1].port = VF1;
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
}

/* The core's checks of a VF policy; the VF keeps its policy on error. */
static void
test_fp_vf_config(void **state)
{
    struct fp_device *dev = *state;
    struct fp_vf_config c, bad, got;

    fp_vf_config_default(&c);
    assert_true(c.spoofchk);
    assert_int_equal(c.link_state, FP_VF_LINK_AUTO);
    assert_int_equal(c.vlan_tpid, htons(0x8100));

    assert_int_equal(fp_vf_get_config(dev, VF0, &got), ENOENT);
    assert_int_equal(fp_vf_set_config(dev, PHY0, &c), EINVAL);
    assert_int_equal(fp_vf_get_config(dev, PHY0, &got), EINVAL);
    assert_int_equal(fp_vf_set_config(dev, 10, &c), EINVAL);
    assert_int_equal(fp_vf_reset(dev, PHY0), EINVAL);

    c.has_mac = true;
    memcpy(c.mac, guest, 6);
    c.vlan = 4094;
    c.vlan_pcp = 7;
    c.vlan_tpid = htons(0x88a8);
    assert_int_equal(fp_vf_set_config(dev, VF0, &c), 0);
    assert_int_equal(fp_vf_get_config(dev, VF0, &got), 0);
    assert_memory_equal(&got, &c, sizeof c);

#define CHECK_BAD(FIELD, VALUE)                                     \
    bad = c;                                                        \
    bad.FIELD = VALUE;                                              \
    assert_int_equal(fp_vf_set_config(dev, VF0, &bad), EINVAL);     \
    assert_int_equal(fp_vf_get_config(dev, VF0, &got), 0);          \
    assert_memory_equal(&got, &c, sizeof c);

    CHECK_BAD(vlan, 4095);
    CHECK_BAD(vlan_pcp, 8);
    CHECK_BAD(vlan_tpid, htons(0x9100));
    CHECK_BAD(mac[0], 0x01);
    CHECK_BAD(promisc, true);
    CHECK_BAD(allmulti, true);
    CHECK_BAD(link_state, 7);
    /* A PCP or 802.1ad without a port VLAN. */
    CHECK_BAD(vlan, 0);
    bad = c;
    memset(bad.mac, 0, 6);
    assert_int_equal(fp_vf_set_config(dev, VF0, &bad), EINVAL);
#undef CHECK_BAD

    /* Trust allows promisc. */
    c.trust = c.promisc = true;
    assert_int_equal(fp_vf_set_config(dev, VF0, &c), 0);

    /* Removed. */
    assert_int_equal(fp_vf_set_config(dev, VF0, NULL), 0);
    assert_int_equal(fp_vf_get_config(dev, VF0, &got), ENOENT);
}

/* From the guest: spoof check, tagged frames refused, the port VLAN
 * inserted before the lookup, through fp_port_inject() and
 * fp_port_receive_batch() alike; counted. */
static void
test_fp_vf_from_guest(void **state)
{
    struct fp_device *dev = *state;
    struct fp_vf_config c;
    struct fp_vf_stats st;
    struct fp_packet pkt;
    uint8_t frame[64];
    size_t size, n_queued;

    setup_rules(dev);
    fp_vf_config_default(&c);
    c.has_mac = true;
    memcpy(c.mac, guest, 6);
    c.vlan = 100;
    c.vlan_pcp = 5;
    assert_int_equal(fp_vf_set_config(dev, VF0, &c), 0);

    /* Good: out of phy0 with the tag 0x8100, PCP 5, VID 100. */
    size = make_frame(frame, peer, guest, 0, 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, size), 0);
    assert_int_equal(n_sent[PHY0], 1);
    assert_int_equal(last_size[PHY0], size + 4);
    assert_memory_equal(last[PHY0], frame, 12);
    assert_int_equal(last[PHY0][12], 0x81);
    assert_int_equal(last[PHY0][13], 0x00);
    assert_int_equal(last[PHY0][14], 0xa0);
    assert_int_equal(last[PHY0][15], 0x64);
    assert_memory_equal(last[PHY0] + 16, frame + 12, size - 12);

    /* Spoofed, and tagged: dropped. */
    size = make_frame(frame, peer, other, 0, 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, size), 0);
    size = make_frame(frame, peer, guest, 0x8100, 100);
    assert_int_equal(fp_port_inject(dev, VF0, frame, size), 0);
    size = make_frame(frame, peer, guest, 0x88a8, 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, size), 0);
    assert_int_equal(n_sent[PHY0], 1);

    /* The receive path of a Linux endpoint: the same policy. */
    size = make_frame(frame, peer, other, 0, 0);
    pkt.data = frame;
    pkt.size = size;
    assert_int_equal(fp_port_receive_batch(dev, VF0, &pkt, 1, &n_queued), 0);
    assert_int_equal(n_queued, 0);
    size = make_frame(frame, peer, guest, 0, 0);
    assert_int_equal(fp_port_receive_batch(dev, VF0, &pkt, 1, &n_queued), 0);
    assert_int_equal(n_queued, 1);
    assert_int_equal(fp_device_flush(dev), 0);
    assert_int_equal(n_sent[PHY0], 2);

    fp_vf_get_stats(dev, VF0, &st);
    assert_int_equal(st.tx_packets, 2);
    assert_int_equal(st.tx_bytes, 128);
    assert_int_equal(st.tx_dropped, 4);
    assert_int_equal(st.spoof_drops, 2);
    assert_int_equal(st.vlan_drops, 2);
    assert_int_equal(st.rx_packets, 0);

    /* Spoof check off: another MAC passes, tagged frames still not. */
    c.spoofchk = false;
    assert_int_equal(fp_vf_set_config(dev, VF0, &c), 0);
    size = make_frame(frame, peer, other, 0, 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, size), 0);
    assert_int_equal(n_sent[PHY0], 3);

    /* Without a policy: as it comes, still counted. */
    assert_int_equal(fp_vf_set_config(dev, VF0, NULL), 0);
    size = make_frame(frame, peer, other, 0x8100, 7);
    assert_int_equal(fp_port_inject(dev, VF0, frame, size), 0);
    assert_int_equal(n_sent[PHY0], 4);
    assert_int_equal(last_size[PHY0], size);
    fp_vf_get_stats(dev, VF0, &st);
    assert_int_equal(st.tx_packets, 4);
    assert_int_equal(st.tx_bytes, 4 * 64);
}

/* Toward the guest: the port VLAN stripped, other VLANs dropped, the
 * receive filter, for rule outputs and fp_port_send() alike. */
static void
test_fp_vf_to_guest(void **state)
{
    struct fp_device *dev = *state;
    struct fp_vf_config c;
    struct fp_vf_stats st;
    uint8_t frame[64];
    size_t size;

    setup_rules(dev);
    fp_vf_config_default(&c);
    c.has_mac = true;
    memcpy(c.mac, guest, 6);
    c.vlan = 100;
    c.vlan_tpid = htons(0x88a8);
    assert_int_equal(fp_vf_set_config(dev, VF0, &c), 0);

    /* Of the port VLAN: stripped at vf0; vf1 (no policy) gets it as is. */
    size = make_frame(frame, guest, peer, 0x88a8, 100);
    assert_int_equal(fp_port_inject(dev, PHY0, frame, size), 0);
    assert_int_equal(n_sent[VF0], 1);
    assert_int_equal(last_size[VF0], size - 4);
    assert_memory_equal(last[VF0], frame, 12);
    assert_memory_equal(last[VF0] + 12, frame + 16, size - 16);
    assert_int_equal(n_sent[VF1], 1);
    assert_int_equal(last_size[VF1], size);

    /* 802.1Q 100, another VLAN, untagged: dropped. */
    size = make_frame(frame, guest, peer, 0x8100, 100);
    assert_int_equal(fp_port_inject(dev, PHY0, frame, size), 0);
    size = make_frame(frame, guest, peer, 0x88a8, 101);
    assert_int_equal(fp_port_send(dev, VF0, frame, size), 0);
    size = make_frame(frame, guest, peer, 0, 0);
    assert_int_equal(fp_port_send(dev, VF0, frame, size), 0);
    assert_int_equal(n_sent[VF0], 1);

    /* The receive filter: another unicast address, a multicast group that
     * is not one of every IP host: dropped; broadcast, IPv6
     * solicited-node: received. */
    size = make_frame(frame, other, peer, 0x88a8, 100);
    assert_int_equal(fp_port_send(dev, VF0, frame, size), 0);
    size = make_frame(frame, (const uint8_t[6]) { 1, 0, 0x5e, 0, 0, 9 },
                      peer, 0x88a8, 100);
    assert_int_equal(fp_port_send(dev, VF0, frame, size), 0);
    size = make_frame(frame, (const uint8_t[6]) { 0xff, 0xff, 0xff, 0xff,
                                                  0xff, 0xff },
                      peer, 0x88a8, 100);
    assert_int_equal(fp_port_send(dev, VF0, frame, size), 0);
    size = make_frame(frame, (const uint8_t[6]) { 0x33, 0x33, 0xff, 1, 2,
                                                  3 },
                      peer, 0x88a8, 100);
    assert_int_equal(fp_port_send(dev, VF0, frame, size), 0);
    assert_int_equal(n_sent[VF0], 3);

    fp_vf_get_stats(dev, VF0, &st);
    assert_int_equal(st.rx_packets, 3);
    assert_int_equal(st.rx_bytes, 3 * 60);
    assert_int_equal(st.rx_broadcast, 1);
    assert_int_equal(st.rx_multicast, 1);
    assert_int_equal(st.rx_dropped, 5);
    assert_int_equal(st.vlan_drops, 3);
    assert_int_equal(st.filter_drops, 2);
    assert_int_equal(st.tx_packets, 0);

    /* VF counters count for a VF without a policy too. */
    fp_vf_get_stats(dev, VF1, &st);
    assert_int_equal(st.rx_packets, 2);
}

/* Link state auto follows phy0; the trace says so. */
static void
test_fp_vf_link_state(void **state)
{
    struct fp_device *dev = *state;
    struct fp_vf_config c;
    struct fp_trace trace;
    uint8_t frame[64];
    size_t size;

    setup_rules(dev);
    fp_vf_config_default(&c);
    c.vlan = 10;
    assert_int_equal(fp_vf_set_config(dev, VF0, &c), 0);
    size = make_frame(frame, peer, guest, 0, 0);

    /* Up: the dry trace shows the tag pushed and the hit. */
    assert_int_equal(fp_port_trace(dev, VF0, frame, size, true, &trace), 0);
    assert_int_equal(trace.ingress, FP_TRACE_ADMITTED);
    assert_int_equal(trace.vf, FP_VF_VLAN_PUSHED);
    assert_int_equal(trace.vf_tpid, htons(0x8100));
    assert_int_equal(trace.vf_tci, htons(10));
    assert_true(trace.hit);
    assert_int_equal(trace.key.vlans[0].tci, htons(0x1000 | 10));
    fp_trace_uninit(&trace);

    assert_int_equal(fp_port_set_link_state(dev, PHY0, false), 0);
    assert_int_equal(fp_port_trace(dev, VF0, frame, size, true, &trace), 0);
    assert_int_equal(trace.ingress, FP_TRACE_LINK_DOWN);
    assert_int_equal(trace.vf, FP_VF_LINK_DOWN);
    fp_trace_uninit(&trace);
    assert_int_equal(fp_port_send(dev, VF0, frame, size), 0);
    assert_int_equal(n_sent[VF0], 0);

    /* Enable: up whatever phy0 does. */
    c.link_state = FP_VF_LINK_ENABLE;
    assert_int_equal(fp_vf_set_config(dev, VF0, &c), 0);
    assert_int_equal(fp_port_trace(dev, VF0, frame, size, true, &trace), 0);
    assert_int_equal(trace.ingress, FP_TRACE_ADMITTED);
    fp_trace_uninit(&trace);
}

/* A VF reset drops what its exception queue holds, zeroes its VF counters
 * and keeps its policy and the rules. */
static void
test_fp_vf_reset(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule_stats rs;
    struct fp_port_stats ps;
    struct fp_vf_config c, got;
    struct fp_vf_stats st;
    uint8_t frame[64], buf[128];
    size_t size, len;

    /* No rule: the frame goes to vf0's representor. */
    assert_int_equal(fp_port_attach(dev, VF0), 0);
    fp_vf_config_default(&c);
    assert_int_equal(fp_vf_set_config(dev, VF0, &c), 0);
    size = make_frame(frame, peer, guest, 0, 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, size), 0);
    assert_int_equal(fp_port_inject(dev, VF0, frame, size), 0);
    fp_vf_get_stats(dev, VF0, &st);
    assert_int_equal(st.tx_packets, 2);

    assert_int_equal(fp_vf_reset(dev, VF0), 0);
    assert_int_equal(fp_port_recv(dev, VF0, buf, sizeof buf, &len), EAGAIN);
    fp_port_get_stats(dev, VF0, &ps);
    assert_int_equal(ps.exceptions, 2);
    assert_int_equal(ps.drops, 2);
    fp_vf_get_stats(dev, VF0, &st);
    assert_int_equal(st.tx_packets, 0);
    assert_int_equal(st.resets, 1);
    assert_int_equal(fp_vf_get_config(dev, VF0, &got), 0);
    assert_memory_equal(&got, &c, sizeof c);

    /* A rule stays, with its counters. */
    setup_rules(dev);
    assert_int_equal(fp_port_inject(dev, VF0, frame, size), 0);
    assert_int_equal(fp_vf_reset(dev, VF0), 0);
    assert_int_equal(fp_rule_get_stats(dev, 1, &rs), 0);
    assert_int_equal(rs.n_packets, 1);
    assert_int_equal(fp_port_inject(dev, VF0, frame, size), 0);
    assert_int_equal(n_sent[PHY0], 2);
    fp_vf_get_stats(dev, VF0, &st);
    assert_int_equal(st.tx_packets, 1);
    assert_int_equal(st.resets, 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fp_vf_config, setup_dev,
                                        teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_vf_from_guest, setup_dev,
                                        teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_vf_to_guest, setup_dev,
                                        teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_vf_link_state, setup_dev,
                                        teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_vf_reset, setup_dev,
                                        teardown_dev),
    };

    return cmocka_run_group_tests_name("fp-vf", tests, NULL, NULL);
}
