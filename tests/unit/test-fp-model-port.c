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

/* Unit tests of the ports of the flow-processor model (lib/fp-model.c)
 * through the public API (lib/fp.c): attached to the host, links, an
 * endpoint that does not take every frame, packets sent in runs to their
 * ports, full exception queues and the largest frames. */

#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dp-packet.h"
#include "fp/fp.h"
#include "fp-model.h"
#include "fp-test-model.h"
#include "ovs-atomic.h"
#include "pcap-file.h"
#include "util.h"

static void
test_fp_model_attach(void **state)
{
    struct fp_device *dev = *state;
    uint8_t buf[2048];
    size_t len;

    assert_int_equal(fp_port_attach(dev, VF0), 0);
    assert_int_equal(fp_port_attach(dev, VF0), EBUSY);
    assert_int_equal(fp_port_inject(dev, VF0, udp_pkt, sizeof udp_pkt), 0);

    /* Detach drops what is queued. */
    fp_port_detach(dev, VF0);
    fp_port_detach(dev, VF0);
    fp_port_detach(dev, 10);
    assert_int_equal(fp_port_recv(dev, VF0, buf, sizeof buf, &len), EAGAIN);
    assert_int_equal(fp_port_attach(dev, VF0), 0);
    assert_int_equal(fp_port_recv(dev, VF0, buf, sizeof buf, &len), EAGAIN);
}

static void
test_fp_model_link(void **state)
{
    struct fp_device *dev = *state;
    struct fp_port_stats stats;
    struct fp_port_link link;
    struct fp_rule rule;
    uint8_t buf[2048];
    uint32_t id;
    size_t len;

    fp_port_get_link_state(dev, VF0, &link);
    assert_true(link.up);
    assert_int_equal(link.resets, 0);
    assert_int_equal(link.speed_mbps, FP_MODEL_LINK_SPEED);
    assert_int_equal(link.max_frame, FP_MODEL_MAX_FRAME);
    assert_int_equal(fp_port_set_link_state(dev, 1000, false), EINVAL);

    /* Down: a change, counted once. */
    assert_int_equal(fp_port_set_link_state(dev, VF0, false), 0);
    assert_int_equal(fp_port_set_link_state(dev, VF0, false), 0);
    fp_port_get_link_state(dev, VF0, &link);
    assert_false(link.up);
    assert_int_equal(link.resets, 1);

    /* Nothing comes in from the outside, nothing goes out to it. */
    assert_int_equal(fp_port_attach(dev, VF0), 0);
    assert_int_equal(fp_port_inject(dev, VF0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_port_recv(dev, VF0, buf, sizeof buf, &len), EAGAIN);
    rule = rule_in_port(PHY0, 1);
    add_output(&rule, VF0);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_port_send(dev, VF0, udp_pkt, sizeof udp_pkt), 0);
    fp_port_get_stats(dev, VF0, &stats);
    assert_int_equal(stats.rx_packets, 0);
    assert_int_equal(stats.tx_packets, 0);
    assert_int_equal(stats.drops, 1);
    assert_int_equal(stats.tx_drops, 2);

    /* A reset keeps the link as it is. */
    assert_int_equal(fp_device_reset(dev), 0);
    fp_port_get_link_state(dev, VF0, &link);
    assert_false(link.up);
    assert_int_equal(link.resets, 1);

    /* Up again. */
    assert_int_equal(fp_port_set_link_state(dev, VF0, true), 0);
    fp_port_get_link_state(dev, VF0, &link);
    assert_true(link.up);
    assert_int_equal(link.resets, 2);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_port_inject(dev, VF0, udp_pkt, sizeof udp_pkt), 0);
    fp_port_get_stats(dev, VF0, &stats);
    assert_int_equal(stats.rx_packets, 1);
    assert_int_equal(stats.tx_packets, 1);
    assert_int_equal(fp_port_recv(dev, VF0, buf, sizeof buf, &len), 0);
}

/* An endpoint whose outside takes a frame only while 'refuse_open' is
 * nonzero, then one less each time: the others are lost, as when a Linux
 * interface's transmit queue is full. */
static atomic_uint refuse_open;
static atomic_uint refuse_taken;

static int
refuse_send(void *aux OVS_UNUSED, uint32_t port OVS_UNUSED,
            const void *data OVS_UNUSED, size_t size OVS_UNUSED)
{
    unsigned int open, orig;

    atomic_read(&refuse_open, &open);
    if (!open) {
        return ENOBUFS;
    }
    atomic_sub(&refuse_open, 1, &orig);
    atomic_add(&refuse_taken, 1, &orig);
    return 0;
}

static const struct fp_endpoint_ops refuse_ops = { .send = refuse_send };

/* A frame that the endpoint does not take is lost: it counts in the port's
 * 'drops', not in its TX counters, and is not captured; forwarding goes
 * on. */
static void
test_fp_model_endpoint_full(void **state)
{
    struct fp_device *dev = *state;
    struct fp_port_stats stats;
    struct pcap_file *pcap;
    char *name = pcap_name("full.pcap");
    struct fp_rule rule;
    unsigned int taken;
    uint32_t id;
    int i;

    atomic_store(&refuse_open, 2);
    atomic_store(&refuse_taken, 0);
    assert_int_equal(fp_port_set_endpoint(dev, VF0, &refuse_ops, NULL), 0);
    assert_int_equal(fp_port_set_tx_pcap(dev, VF0, name), 0);
    rule = rule_in_port(PHY0, 1);
    add_output(&rule, VF0);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);

    /* Five through a rule, two from the host: the endpoint takes two. */
    for (i = 0; i < 5; i++) {
        assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt),
                         0);
    }
    assert_int_equal(fp_port_send(dev, VF0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_port_send(dev, VF0, udp_pkt, 20), 0);
    atomic_read(&refuse_taken, &taken);
    assert_int_equal(taken, 2);
    fp_port_get_stats(dev, VF0, &stats);
    assert_int_equal(stats.tx_packets, 2);
    assert_int_equal(stats.tx_bytes, 2 * sizeof udp_pkt);
    assert_int_equal(stats.tx_drops, 5);
    assert_int_equal(stats.drops, 0);
    fp_port_get_stats(dev, PHY0, &stats);
    assert_int_equal(stats.rx_packets, 5);
    assert_int_equal(stats.drops, 0);

    /* Room again: the next frame goes out. */
    atomic_store(&refuse_open, 1);
    assert_int_equal(fp_port_send(dev, VF0, udp_pkt, 20), 0);
    fp_port_get_stats(dev, VF0, &stats);
    assert_int_equal(stats.tx_packets, 3);
    assert_int_equal(stats.tx_bytes, 2 * sizeof udp_pkt + 20);
    assert_int_equal(stats.tx_drops, 5);

    assert_int_equal(fp_port_set_tx_pcap(dev, VF0, NULL), 0);
    assert_int_equal(fp_port_set_endpoint(dev, VF0, NULL, NULL), 0);
    pcap = ovs_pcap_open(name, "rb");
    assert_non_null(pcap);
    expect_pcap_packet(pcap, udp_pkt, sizeof udp_pkt);
    expect_pcap_packet(pcap, udp_pkt, sizeof udp_pkt);
    expect_pcap_packet(pcap, udp_pkt, 20);
    expect_pcap_eof(pcap);
    ovs_pcap_close(pcap);
    free(name);
}

/* Packets of one batch whose rules each output to one port, to ports in
 * turn (an engine's pass sends those to the same port back to back
 * together, and counts them once): each port counts what it sent, a VF
 * counts the multicast and broadcast frames that it delivered to its
 * guest, and a frame that the endpoint does not take counts in
 * 'tx_drops' only, wherever it is in the batch. */
static void
test_fp_model_tx_runs(void **state)
{
    static const uint8_t dsts[][6] = {
        { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },     /* To VF0. */
        { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },     /* To VF0. */
        { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },     /* To VF1. */
        { 0x02, 0x00, 0x00, 0x00, 0x00, 0x03 },     /* To VF1. */
        { 0x03, 0x00, 0x00, 0x00, 0x00, 0x04 },     /* To PHY1. */
    };
    static const uint32_t outs[] = { VF0, VF0, VF1, VF1, PHY1 };
    /* Which of 'dsts' each packet of the batch has, in order. */
    static const int order[] = {
        0, 0, 1, 2, 3, 0, 4, 4, 1, 2, 2, 3, 0, 4, 1, 3, 2, 0,
    };
    struct fp_port_stats want[3], stats;
    struct fp_vf_stats vf_want[2], vf_stats;
    struct fp_packet batch[ARRAY_SIZE(order)];
    uint8_t frames[ARRAY_SIZE(order)][sizeof udp_pkt + ARRAY_SIZE(order)];
    struct fp_device *dev = *state;
    unsigned int taken;
    size_t i, queued;

    memset(want, 0, sizeof want);
    memset(vf_want, 0, sizeof vf_want);
    for (i = 0; i < ARRAY_SIZE(dsts); i++) {
        struct fp_rule rule;
        uint32_t id;

        memset(&rule, 0, sizeof rule);
        memcpy(rule.key.eth_dst, dsts[i], 6);
        memset(rule.mask.eth_dst, 0xff, 6);
        rule.priority = 1;
        add_output(&rule, outs[i]);
        assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    }

    /* VF1's endpoint takes its first two frames, not the later ones. */
    atomic_store(&refuse_open, 2);
    atomic_store(&refuse_taken, 0);
    assert_int_equal(fp_port_set_endpoint(dev, VF1, &refuse_ops, NULL), 0);

    for (i = 0; i < ARRAY_SIZE(order); i++) {
        int d = order[i];
        uint32_t out = outs[d];
        size_t size = sizeof udp_pkt + i;   /* L2 padding. */
        struct fp_port_stats *w = &want[out == PHY1 ? 0 : out == VF0 ? 1 : 2];

        memset(frames[i], 0, sizeof frames[i]);
        memcpy(frames[i], udp_pkt, sizeof udp_pkt);
        memcpy(frames[i], dsts[d], 6);
        batch[i].data = frames[i];
        batch[i].size = size;
        if (out == VF1 && w->tx_packets == 2) {
            w->tx_drops++;
            continue;
        }
        w->tx_packets++;
        w->tx_bytes += size;
        if (out != PHY1) {
            struct fp_vf_stats *v = &vf_want[out == VF0 ? 0 : 1];

            v->rx_packets++;
            v->rx_bytes += size;
            if (d == 1) {
                v->rx_broadcast++;
            } else if (d == 2) {
                v->rx_multicast++;
            }
        }
    }
    assert_int_equal(fp_port_receive_batch(dev, PHY0, batch,
                                           ARRAY_SIZE(batch), &queued), 0);
    assert_int_equal(queued, ARRAY_SIZE(batch));
    assert_int_equal(fp_device_flush(dev), 0);

    atomic_read(&refuse_taken, &taken);
    assert_int_equal(taken, 2);
    for (i = 0; i < 3; i++) {
        uint32_t port = i == 0 ? PHY1 : i == 1 ? VF0 : VF1;

        fp_port_get_stats(dev, port, &stats);
        assert_int_equal(stats.tx_packets, want[i].tx_packets);
        assert_int_equal(stats.tx_bytes, want[i].tx_bytes);
        assert_int_equal(stats.tx_drops, want[i].tx_drops);
        if (port != PHY1) {
            fp_vf_get_stats(dev, port, &vf_stats);
            assert_int_equal(vf_stats.rx_packets,
                             vf_want[i - 1].rx_packets);
            assert_int_equal(vf_stats.rx_bytes, vf_want[i - 1].rx_bytes);
            assert_int_equal(vf_stats.rx_broadcast,
                             vf_want[i - 1].rx_broadcast);
            assert_int_equal(vf_stats.rx_multicast,
                             vf_want[i - 1].rx_multicast);
        }
    }
    fp_port_get_stats(dev, PHY0, &stats);
    assert_int_equal(stats.rx_packets, ARRAY_SIZE(order));
    assert_int_equal(fp_port_set_endpoint(dev, VF1, NULL, NULL), 0);
}

static void
test_fp_model_queue_full(void **state)
{
    struct fp_device *dev = *state;
    struct fp_port_stats stats;
    uint8_t pkt[sizeof udp_pkt];
    uint8_t buf[2048];
    size_t len;
    int i;

    assert_int_equal(fp_port_attach(dev, PHY1), 0);
    memcpy(pkt, udp_pkt, sizeof pkt);
    for (i = 0; i < FP_MODEL_QUEUE_LEN + 2; i++) {
        pkt[sizeof pkt - 1] = i;
        assert_int_equal(fp_port_inject(dev, PHY1, pkt, sizeof pkt), 0);
    }
    fp_port_get_stats(dev, PHY1, &stats);
    assert_int_equal(stats.rx_packets, FP_MODEL_QUEUE_LEN + 2);
    assert_int_equal(stats.exceptions, FP_MODEL_QUEUE_LEN);
    assert_int_equal(stats.drops, 2);

    /* Too small a buffer: EMSGSIZE, the packet is dropped. */
    assert_int_equal(fp_port_recv(dev, PHY1, buf, 10, &len), EMSGSIZE);
    for (i = 1; i < FP_MODEL_QUEUE_LEN; i++) {
        assert_int_equal(fp_port_recv(dev, PHY1, buf, sizeof buf, &len), 0);
        assert_int_equal(len, sizeof pkt);
        assert_int_equal(buf[sizeof pkt - 1], i & 0xff);
    }
    assert_int_equal(fp_port_recv(dev, PHY1, buf, sizeof buf, &len), EAGAIN);
    fp_port_get_stats(dev, PHY1, &stats);
    assert_int_equal(stats.drops, 3);

    /* Room again. */
    assert_int_equal(fp_port_inject(dev, PHY1, pkt, sizeof pkt), 0);
    assert_int_equal(fp_port_recv(dev, PHY1, buf, sizeof buf, &len), 0);
}

static void
test_fp_model_sizes(void **state)
{
    struct fp_device *dev = *state;
    struct fp_port_stats stats;
    uint8_t *big = xzalloc(FP_MODEL_MAX_FRAME + 1);
    uint8_t *buf = xmalloc(FP_MODEL_MAX_FRAME);
    size_t len;

    memcpy(big, udp_pkt, 12);
    assert_int_equal(fp_port_attach(dev, PHY0), 0);
    assert_int_equal(fp_port_inject(dev, PHY0, big, FP_MODEL_MAX_FRAME + 1),
                     EMSGSIZE);
    assert_int_equal(fp_port_send(dev, PHY0, big, FP_MODEL_MAX_FRAME + 1),
                     EMSGSIZE);
    assert_int_equal(fp_port_send(dev, 10, big, 60), EINVAL);
    assert_int_equal(fp_port_inject(dev, PHY0, big, FP_MODEL_MAX_FRAME), 0);
    assert_int_equal(fp_port_inject(dev, PHY0, big, 0), 0);
    assert_int_equal(fp_port_recv(dev, PHY0, buf, FP_MODEL_MAX_FRAME, &len),
                     0);
    assert_int_equal(len, FP_MODEL_MAX_FRAME);
    assert_memory_equal(buf, big, len);
    assert_int_equal(fp_port_recv(dev, PHY0, buf, 0, &len), 0);
    assert_int_equal(len, 0);
    fp_port_get_stats(dev, PHY0, &stats);
    assert_int_equal(stats.rx_packets, 2);
    assert_int_equal(stats.malformed, 1);
    assert_int_equal(stats.exceptions, 1);
    free(big);
    free(buf);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fp_model_attach,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_link,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_endpoint_full,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_tx_runs,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_queue_full,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_sizes,
                                        setup_dev, teardown_dev),
    };

    return cmocka_run_group_tests_name("fp_model_port", tests,
                                       fp_test_model_mkdtemp,
                                       fp_test_model_rmdir);
}
