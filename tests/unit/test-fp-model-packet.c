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

/* Unit tests of the packet path of the flow-processor model (lib/fp-model.c)
 * through the public API (lib/fp.c): misses queued as exceptions for the
 * host, malformed packets, hits and capture files, traces of a packet
 * through the rules, and VLAN actions. */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
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
#include "openvswitch/poll-loop.h"
#include "pcap-file.h"
#include "timeval.h"
#include "util.h"

static void
test_fp_model_miss_exception(void **state)
{
    struct fp_device *dev = *state;
    struct fp_device_stats dstats;
    struct fp_port_stats stats;
    uint8_t buf[2048];
    long long int start;
    size_t len;

    assert_int_equal(fp_port_attach(dev, PHY0), 0);

    /* Nothing queued: recv says EAGAIN, and recv_wait waits until a packet
     * is queued. */
    assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len), EAGAIN);
    fp_port_recv_wait(dev, PHY0);
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    start = time_msec();
    poll_timer_wait(10000);
    poll_block();
    assert_true(time_msec() - start < 5000);

    /* Something queued: recv_wait wakes at once. */
    fp_port_recv_wait(dev, PHY0);
    start = time_msec();
    poll_timer_wait(10000);
    poll_block();
    assert_true(time_msec() - start < 5000);

    assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len), 0);
    assert_int_equal(len, sizeof udp_pkt);
    assert_memory_equal(buf, udp_pkt, sizeof udp_pkt);
    assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len), EAGAIN);

    fp_port_get_stats(dev, PHY0, &stats);
    assert_int_equal(stats.rx_packets, 1);
    assert_int_equal(stats.rx_bytes, sizeof udp_pkt);
    assert_int_equal(stats.exceptions, 1);
    assert_int_equal(stats.malformed, 0);
    assert_int_equal(stats.drops, 0);
    assert_int_equal(stats.tx_packets, 0);
    fp_device_get_stats(dev, &dstats);
    assert_int_equal(dstats.hits, 0);
    assert_int_equal(dstats.misses, 1);
    assert_int_equal(dstats.n_rules, 0);

    /* Another port's queue is separate; without a representor, the miss is
     * dropped. */
    assert_int_equal(fp_port_inject(dev, VF0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len), EAGAIN);
    assert_int_equal(fp_port_recv(dev, VF0, buf, sizeof buf, &len), EAGAIN);
    fp_port_get_stats(dev, VF0, &stats);
    assert_int_equal(stats.rx_packets, 1);
    assert_int_equal(stats.exceptions, 0);
    assert_int_equal(stats.drops, 1);

    /* Bad arguments. */
    assert_int_equal(fp_port_inject(dev, 10, udp_pkt, sizeof udp_pkt),
                     EINVAL);
    assert_int_equal(fp_port_inject(dev, PHY0, NULL, 10), EINVAL);
    assert_int_equal(fp_port_recv(dev, 10, buf, sizeof buf, &len), EINVAL);
    assert_int_equal(fp_port_attach(dev, 10), EINVAL);
    fp_port_get_stats(dev, 10, &stats);
    assert_int_equal(stats.rx_packets, 0);
}

static void
test_fp_model_malformed(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule rule = rule_in_port(0, 0);
    struct fp_rule_stats rstats;
    struct fp_port_stats stats;
    uint8_t bad[20];
    uint8_t buf[2048];
    uint32_t id;
    size_t len;

    /* A rule that matches every well-formed packet. */
    memset(&rule.mask, 0, sizeof rule.mask);
    add_output(&rule, PHY1);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    assert_int_equal(fp_port_attach(dev, PHY0), 0);

    /* Too short, and IPv4 with a bad total length. */
    memcpy(bad, udp_pkt, sizeof bad);
    assert_int_equal(fp_port_inject(dev, PHY0, bad, 10), 0);
    assert_int_equal(fp_port_inject(dev, PHY0, bad, sizeof bad), 0);
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);

    assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len), 0);
    assert_int_equal(len, 10);
    assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len), 0);
    assert_int_equal(len, sizeof bad);
    assert_memory_equal(buf, bad, sizeof bad);
    assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len), EAGAIN);

    fp_port_get_stats(dev, PHY0, &stats);
    assert_int_equal(stats.rx_packets, 3);
    assert_int_equal(stats.malformed, 2);
    assert_int_equal(stats.exceptions, 0);
    assert_int_equal(fp_rule_get_stats(dev, id, &rstats), 0);
    assert_int_equal(rstats.n_packets, 1);
    fp_port_get_stats(dev, PHY1, &stats);
    assert_int_equal(stats.tx_packets, 1);
}

static void
test_fp_model_hit_pcap(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule rule = rule_in_port(PHY0, 10);
    struct fp_port_stats stats;
    struct pcap_file *pcap;
    char *name = pcap_name("hit.pcap");
    uint8_t buf[2048];
    uint32_t id;
    size_t len;

    add_output(&rule, VF0);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    assert_int_equal(fp_port_attach(dev, PHY0), 0);
    assert_int_equal(fp_port_set_tx_pcap(dev, VF0, name), 0);

    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    /* Host TX on the same port goes to the same capture. */
    assert_int_equal(fp_port_send(dev, VF0, udp_pkt, 20), 0);
    assert_int_equal(fp_port_set_tx_pcap(dev, VF0, NULL), 0);
    /* Not captured any more. */
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);

    assert_int_equal(fp_port_recv(dev, PHY0, buf, sizeof buf, &len), EAGAIN);
    fp_port_get_stats(dev, VF0, &stats);
    assert_int_equal(stats.tx_packets, 3);
    assert_int_equal(stats.tx_bytes, 2 * sizeof udp_pkt + 20);
    assert_int_equal(stats.rx_packets, 0);

    pcap = ovs_pcap_open(name, "rb");
    assert_non_null(pcap);
    expect_pcap_packet(pcap, udp_pkt, sizeof udp_pkt);
    expect_pcap_packet(pcap, udp_pkt, 20);
    expect_pcap_eof(pcap);
    ovs_pcap_close(pcap);

    /* A file that cannot be created. */
    assert_int_equal(fp_port_set_tx_pcap(dev, VF0, "/nonexistent/x.pcap"),
                     ENOENT);
    assert_int_equal(fp_port_set_tx_pcap(dev, 10, name), EINVAL);
    unlink(name);
    free(name);
}

/* Stores every counter of 'dev' that a packet may change in 'ctrs', as an
 * array of 'n' numbers, for comparisons. */
static void
read_counters(struct fp_device *dev, uint32_t rule_id, uint64_t ctrs[],
              size_t *n)
{
    struct fp_device_stats ds;
    struct fp_rule_stats rs;
    uint32_t port;

    *n = 0;
    fp_device_get_stats(dev, &ds);
    ctrs[(*n)++] = ds.hits;
    ctrs[(*n)++] = ds.misses;
    ctrs[(*n)++] = ds.emc_hits;
    assert_int_equal(fp_rule_get_stats(dev, rule_id, &rs), 0);
    ctrs[(*n)++] = rs.n_packets;
    ctrs[(*n)++] = rs.n_bytes;
    for (port = 0; port < fp_device_n_ports(dev); port++) {
        struct fp_port_stats ps;

        fp_port_get_stats(dev, port, &ps);
        ctrs[(*n)++] = ps.rx_packets;
        ctrs[(*n)++] = ps.tx_packets;
        ctrs[(*n)++] = ps.exceptions;
        ctrs[(*n)++] = ps.malformed;
        ctrs[(*n)++] = ps.drops;
    }
}

/* fp_port_trace(): a dry trace records the hit, each action with the
 * packet as it leaves it, and changes no counter and sends nothing; a live
 * trace records the same and really forwards; a miss is recorded as
 * going to the host, and queued only by a live trace. */
static void
test_fp_model_trace(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule rule = rule_in_port(PHY0, 10);
    uint64_t before[64], after[64];
    size_t n_before, n_after, i;
    struct fp_trace dry, live;
    uint8_t buf[2048];
    uint32_t id;
    size_t len;

    add_push(&rule, 0x8100, 0x0064);
    add_output(&rule, VF0);
    add_pop(&rule);
    add_output(&rule, VF1);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    assert_int_equal(fp_port_attach(dev, PHY0), 0);
    assert_int_equal(fp_port_attach(dev, PHY1), 0);

    read_counters(dev, id, before, &n_before);
    assert_int_equal(fp_port_trace(dev, PHY0, udp_pkt, sizeof udp_pkt, true,
                                   &dry), 0);
    read_counters(dev, id, after, &n_after);
    assert_int_equal(n_before, n_after);
    assert_memory_equal(before, after, n_before * sizeof before[0]);

    assert_true(dry.dry);
    assert_int_equal(dry.ingress, FP_TRACE_ADMITTED);
    assert_int_equal(dry.parse_error, 0);
    assert_int_equal(dry.key.in_port, PHY0);
    assert_int_equal(dry.key.nw_proto, 17);
    assert_true(dry.hit);
    assert_int_equal(dry.rule_id, id);
    assert_int_equal(dry.priority, 10);
    assert_int_equal(dry.n_steps, 4);
    assert_int_equal(dry.steps[0].action.type, FP_ACTION_PUSH_VLAN);
    assert_int_equal(dry.steps[0].size, sizeof udp_pkt + 4);
    assert_memory_equal(dry.steps[0].packet, udp_pkt, 12);
    assert_memory_equal(dry.steps[0].packet + 12, "\x81\x00\x00\x64", 4);
    assert_memory_equal(dry.steps[0].packet + 16, udp_pkt + 12,
                        sizeof udp_pkt - 12);
    assert_int_equal(dry.steps[1].action.type, FP_ACTION_OUTPUT);
    assert_int_equal(dry.steps[1].action.port, VF0);
    assert_int_equal(dry.steps[2].size, sizeof udp_pkt);
    assert_memory_equal(dry.steps[2].packet, udp_pkt, sizeof udp_pkt);
    assert_int_equal(dry.steps[3].action.port, VF1);
    for (i = 0; i < dry.n_steps; i++) {
        assert_false(dry.steps[i].stop);
    }

    /* The same, for real. */
    assert_int_equal(fp_port_trace(dev, PHY0, udp_pkt, sizeof udp_pkt, false,
                                   &live), 0);
    assert_false(live.dry);
    assert_true(live.hit);
    assert_int_equal(live.rule_id, id);
    assert_int_equal(live.n_steps, dry.n_steps);
    for (i = 0; i < dry.n_steps; i++) {
        assert_int_equal(live.steps[i].size, dry.steps[i].size);
        assert_memory_equal(live.steps[i].packet, dry.steps[i].packet,
                            dry.steps[i].size);
    }
    read_counters(dev, id, after, &n_after);
    assert_int_equal(after[0], before[0] + 1);          /* Hits. */
    assert_int_equal(after[3], before[3] + 1);          /* Rule packets. */
    fp_trace_uninit(&dry);
    fp_trace_uninit(&live);

    /* A miss: the host would get it; only the live trace queues it. */
    assert_int_equal(fp_port_trace(dev, PHY1, udp_pkt, sizeof udp_pkt, true,
                                   &dry), 0);
    assert_false(dry.hit);
    assert_int_equal(dry.miss, FP_TRACE_HOST_QUEUED);
    assert_int_equal(fp_port_recv(dev, PHY1, buf, sizeof buf, &len), EAGAIN);
    assert_int_equal(fp_port_trace(dev, PHY1, udp_pkt, sizeof udp_pkt, false,
                                   &live), 0);
    assert_false(live.hit);
    assert_int_equal(live.miss, FP_TRACE_HOST_QUEUED);
    assert_int_equal(fp_port_recv(dev, PHY1, buf, sizeof buf, &len), 0);
    assert_int_equal(len, sizeof udp_pkt);
    fp_trace_uninit(&dry);
    fp_trace_uninit(&live);

    /* A port whose link is down takes nothing in. */
    assert_int_equal(fp_port_set_link_state(dev, PHY0, false), 0);
    assert_int_equal(fp_port_trace(dev, PHY0, udp_pkt, sizeof udp_pkt, true,
                                   &dry), 0);
    assert_int_equal(dry.ingress, FP_TRACE_LINK_DOWN);
    assert_false(dry.hit);
    fp_trace_uninit(&dry);
    assert_int_equal(fp_port_trace(dev, 99, udp_pkt, sizeof udp_pkt, true,
                                   &dry), EINVAL);
}

static void
test_fp_model_vlan_actions(void **state)
{
    struct fp_device *dev = *state;
    struct fp_rule rule = rule_in_port(PHY0, 0);
    struct pcap_file *pcap;
    char *name = pcap_name("vlan.pcap");
    uint8_t tagged[68], single[64];
    uint32_t id;

    /* Untagged in; out: as is, +802.1Q, +802.1ad+802.1Q, popped once,
     * popped twice, popped a third time (no tag: unchanged). */
    add_output(&rule, PHY1);
    add_push(&rule, 0x8100, 0x2005);
    add_output(&rule, PHY1);
    add_push(&rule, 0x88a8, 0x0064);
    add_output(&rule, PHY1);
    add_pop(&rule);
    add_output(&rule, PHY1);
    add_pop(&rule);
    add_output(&rule, PHY1);
    add_pop(&rule);
    add_output(&rule, PHY1);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    assert_int_equal(fp_port_set_tx_pcap(dev, PHY1, name), 0);
    assert_int_equal(fp_port_inject(dev, PHY0, udp_pkt, sizeof udp_pkt), 0);
    assert_int_equal(fp_port_set_tx_pcap(dev, PHY1, NULL), 0);

    memcpy(single, udp_pkt, 12);
    memcpy(single + 12, "\x81\x00\x20\x05", 4);
    memcpy(single + 16, udp_pkt + 12, sizeof udp_pkt - 12);
    memcpy(tagged, udp_pkt, 12);
    memcpy(tagged + 12, "\x88\xa8\x00\x64", 4);
    memcpy(tagged + 16, single + 12, sizeof single - 12);

    pcap = ovs_pcap_open(name, "rb");
    assert_non_null(pcap);
    expect_pcap_packet(pcap, udp_pkt, sizeof udp_pkt);
    expect_pcap_packet(pcap, single, sizeof single);
    expect_pcap_packet(pcap, tagged, sizeof tagged);
    expect_pcap_packet(pcap, single, sizeof single);
    expect_pcap_packet(pcap, udp_pkt, sizeof udp_pkt);
    expect_pcap_packet(pcap, udp_pkt, sizeof udp_pkt);
    expect_pcap_eof(pcap);
    ovs_pcap_close(pcap);

    /* A tagged packet in, popped and sent: the tag is gone. */
    rule = rule_in_port(PHY1, 0);
    add_pop(&rule);
    add_output(&rule, PHY0);
    assert_int_equal(fp_rule_add(dev, &rule, &id), 0);
    assert_int_equal(fp_port_set_tx_pcap(dev, PHY0, name), 0);
    assert_int_equal(fp_port_inject(dev, PHY1, single, sizeof single), 0);
    assert_int_equal(fp_port_set_tx_pcap(dev, PHY0, NULL), 0);
    pcap = ovs_pcap_open(name, "rb");
    assert_non_null(pcap);
    expect_pcap_packet(pcap, udp_pkt, sizeof udp_pkt);
    expect_pcap_eof(pcap);
    ovs_pcap_close(pcap);

    unlink(name);
    free(name);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fp_model_miss_exception,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_malformed,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_hit_pcap,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_vlan_actions,
                                        setup_dev, teardown_dev),
        cmocka_unit_test_setup_teardown(test_fp_model_trace,
                                        setup_dev, teardown_dev),
    };

    return cmocka_run_group_tests_name("fp_model_packet", tests,
                                       fp_test_model_mkdtemp,
                                       fp_test_model_rmdir);
}
