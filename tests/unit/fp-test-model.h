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

#ifndef FP_TEST_MODEL_H
#define FP_TEST_MODEL_H 1

/* What the unit tests of the flow-processor model through the public API
 * (test-fp-model*.c) share: the ports of the default device, a packet,
 * rules and their actions, capture files in a temporary directory, and
 * the device "fp0" that setup_dev() makes as the state of a test. */

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
#include "pcap-file.h"
#include "util.h"

/* Default device: phy0 = 0, phy1 = 1, vf0 = 2 ... vf7 = 9. */
#define PHY0 0
#define PHY1 1
#define VF0 2
#define VF1 3

/* A directory for capture files, made by main() or, as a group setup, by
 * fp_test_model_mkdtemp(). */
static char tmpdir[] = "/tmp/test-fp-model.XXXXXX";

/* An IPv4/UDP packet of 60 bytes, untagged. */
static const uint8_t udp_pkt[60] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01,     /* Destination. */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02,     /* Source. */
    0x08, 0x00,
    0x45, 0x00, 0x00, 0x2e, 0x00, 0x01, 0x00, 0x00,
    0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0x04, 0x00, 0x04, 0x01,
    0x00, 0x1a, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o',
};

/* Makes device "fp0" with the default configuration, as the state of a
 * test. */
static inline int
setup_dev(void **state)
{
    struct fp_device *dev;

    assert_int_equal(fp_device_create("fp0", NULL, &dev), 0);
    *state = dev;
    return 0;
}

/* Destroys the device that setup_dev() made; none is left under its
 * name. */
static inline int
teardown_dev(void **state)
{
    fp_device_destroy(*state);
    assert_null(fp_device_find("fp0"));
    return 0;
}

/* Returns a rule that matches everything from 'in_port' with 'priority'
 * and no actions. */
static inline struct fp_rule
rule_in_port(uint32_t in_port, uint32_t priority)
{
    struct fp_rule rule;

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = in_port;
    rule.mask.in_port = UINT32_MAX;
    rule.priority = priority;
    return rule;
}

/* Adds an output to 'port' to the actions of 'rule'. */
static inline void
add_output(struct fp_rule *rule, uint32_t port)
{
    struct fp_action *a = &rule->actions[rule->n_actions++];

    a->type = FP_ACTION_OUTPUT;
    a->port = port;
}

/* Adds a push of a VLAN header ('tpid' and 'tci' in host byte order) to
 * the actions of 'rule'. */
static inline void
add_push(struct fp_rule *rule, uint16_t tpid, uint16_t tci)
{
    struct fp_action *a = &rule->actions[rule->n_actions++];

    a->type = FP_ACTION_PUSH_VLAN;
    a->vlan.tpid = htons(tpid);
    a->vlan.tci = htons(tci);
}

/* Adds a pop of the outer VLAN header to the actions of 'rule'. */
static inline void
add_pop(struct fp_rule *rule)
{
    struct fp_action *a = &rule->actions[rule->n_actions++];

    a->type = FP_ACTION_POP_VLAN;
}

/* Returns the name of capture file 'name' in 'tmpdir', which the caller
 * frees. */
static inline char *
pcap_name(const char *name)
{
    return xasprintf("%s/%s", tmpdir, name);
}

/* Reads the next packet of 'pcap' and checks that it is the 'size' bytes at
 * 'data'. */
static inline void
expect_pcap_packet(struct pcap_file *pcap, const void *data, size_t size)
{
    struct dp_packet *packet;

    assert_int_equal(ovs_pcap_read(pcap, &packet, NULL), 0);
    assert_int_equal(dp_packet_size(packet), size);
    assert_memory_equal(dp_packet_data(packet), data, size);
    dp_packet_delete(packet);
}

/* Checks that 'pcap' has no packet left. */
static inline void
expect_pcap_eof(struct pcap_file *pcap)
{
    struct dp_packet *packet;

    assert_int_equal(ovs_pcap_read(pcap, &packet, NULL), EOF);
}

/* Returns the number of packets sent out of 'port' of 'dev' so far. */
static inline uint64_t
tx_packets(struct fp_device *dev, uint32_t port)
{
    struct fp_port_stats stats;

    fp_port_get_stats(dev, port, &stats);
    return stats.tx_packets;
}

/* A group setup that makes 'tmpdir', for the programs whose main() does
 * not. */
static inline int
fp_test_model_mkdtemp(void **state OVS_UNUSED)
{
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return -1;
    }
    return 0;
}

/* The group teardown that removes 'tmpdir' again (empty: each test removes
 * its files). */
static inline int
fp_test_model_rmdir(void **state OVS_UNUSED)
{
    rmdir(tmpdir);
    return 0;
}

#endif /* fp-test-model.h */
