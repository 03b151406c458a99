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

/* Unit tests of the net_fp DPDK PMD (lib/fp-dpdk-pmd.c,
 * lib/fp-dpdk-pmd-flow.c): a real EAL without hugepages, with two vdevs,
 * net_fp0 (2 physical ports, 2 VFs) and net_fp1 (1 port, 2 rules).
 *
 * tests/unit/test-fp-dpdk-pmd-diff.c has the differential tests of the
 * parse of rte_flow rules. */

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
#include <time.h>
#include <cmocka.h>

#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mtr.h>
#include <rte_udp.h>

#include "fp/fp.h"
#include "fp-dpdk-pmd.h"
#include "fp-dpdk-pmd-private.h"
#include "fp-rte-flow.h"
#include "util.h"

/* DPDK port ids of net_fp0's ports (phy0, phy1, vf0, vf1), found at
 * setup. */
static uint16_t port_ids[4];
static struct rte_mempool *pool;
static struct fp_device *fp0;
static struct fp_dpdk_pmd_dev *pmd0;

static void
put16(uint8_t *p, uint16_t x)
{
    p[0] = x >> 8;
    p[1] = x;
}

/* ## ---------- ## */
/* ## Fixtures. ## */
/* ## ---------- ## */

/* The frames that the NIC sends out of a port, caught by an endpoint. */
struct capture {
    int n;
    size_t size;
    uint8_t data[9216];
};

static int
capture_send(void *aux, uint32_t port OVS_UNUSED, const void *data,
             size_t size)
{
    struct capture *c = aux;

    c->n++;
    c->size = MIN(size, sizeof c->data);
    memcpy(c->data, data, c->size);
    return 0;
}

static const struct fp_endpoint_ops capture_ops = { .send = capture_send };

static void
capture(uint32_t fp_port, struct capture *c)
{
    memset(c, 0, sizeof *c);
    assert_int_equal(fp_port_set_endpoint(fp0, fp_port, &capture_ops, c), 0);
}

static void
uncapture(uint32_t fp_port)
{
    assert_int_equal(fp_port_set_endpoint(fp0, fp_port, NULL, NULL), 0);
}

/* Configures DPDK port 'port_id' with 'n_rxq' receive queues, receive
 * 'offloads' and one transmit queue, and starts it. */
static void
start_port_offloads(uint16_t port_id, uint16_t n_rxq, uint64_t offloads)
{
    struct rte_eth_conf conf;
    uint16_t q;

    memset(&conf, 0, sizeof conf);
    conf.rxmode.offloads = offloads;
    assert_int_equal(rte_eth_dev_configure(port_id, n_rxq, 1, &conf), 0);
    for (q = 0; q < n_rxq; q++) {
        assert_int_equal(rte_eth_rx_queue_setup(port_id, q, 64,
                                                SOCKET_ID_ANY, NULL, pool),
                         0);
    }
    assert_int_equal(rte_eth_tx_queue_setup(port_id, 0, 64, SOCKET_ID_ANY,
                                            NULL), 0);
    assert_int_equal(rte_eth_dev_start(port_id), 0);
}

static void
start_port(uint16_t port_id, uint16_t n_rxq)
{
    start_port_offloads(port_id, n_rxq, 0);
}

/* A UDP over IPv4 frame, 10.0.0.1:1234 -> 10.0.0.2:53, TTL 'ttl', with
 * 'n_tags' VLAN tags of VID 10, 20, of 'size' bytes. */
static size_t
udp4_frame(uint8_t *p, int n_tags, uint8_t ttl, size_t size)
{
    static const uint8_t dst[6] = { 0x50, 0x54, 0x00, 0x00, 0x00, 0x02 };
    static const uint8_t src[6] = { 0x50, 0x54, 0x00, 0x00, 0x00, 0x01 };
    size_t ofs = 12;
    uint8_t *ip;
    int i;

    memset(p, 0, size);
    memcpy(p, dst, 6);
    memcpy(p + 6, src, 6);
    for (i = 0; i < n_tags; i++) {
        put16(p + ofs, 0x8100);
        put16(p + ofs + 2, 10 * (i + 1));
        ofs += 4;
    }
    put16(p + ofs, 0x0800);
    ip = p + ofs + 2;
    ip[0] = 0x45;
    put16(ip + 2, size - ofs - 2);
    ip[8] = ttl;
    ip[9] = 17;
    memcpy(ip + 12, (uint8_t[]) { 10, 0, 0, 1 }, 4);
    memcpy(ip + 16, (uint8_t[]) { 10, 0, 0, 2 }, 4);
    put16(ip + 20, 1234);
    put16(ip + 22, 53);
    put16(ip + 24, size - ofs - 2 - 20);
    return size;
}

static uint32_t
n_model_rules(struct fp_device *fp)
{
    struct fp_device_stats stats;

    fp_device_get_stats(fp, &stats);
    return stats.n_rules;
}

static int
setup(void **state OVS_UNUSED)
{
    static const char *names[] = {
        "net_fp0", "net_fp0_phy1", "net_fp0_vf0", "net_fp0_vf1",
    };
    char *argv[] = {
        "test-fp-dpdk-pmd", "--no-huge", "--no-shconf", "-m", "256",
        "--no-pci", "-l", "0", "--log-level=lib.eal:error",
        "--vdev=net_fp0,phy=2,vfs=2", "--vdev=net_fp1,phy=1,rules=2",
    };
    size_t i;

    fp_dpdk_pmd_link();
    if (rte_eal_init(ARRAY_SIZE(argv), argv) < 0) {
        fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
        return -1;
    }
    for (i = 0; i < ARRAY_SIZE(names); i++) {
        if (rte_eth_dev_get_port_by_name(names[i], &port_ids[i])) {
            fprintf(stderr, "no ethdev %s\n", names[i]);
            return -1;
        }
    }
    pool = rte_pktmbuf_pool_create("fp_test", 1023, 0, 0,
                                   RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
    fp0 = fp_device_find("net_fp0");
    pmd0 = fp_dpdk_pmd_dev_find("net_fp0");
    return pool && fp0 && pmd0 ? 0 : -1;
}

/* ## -------- ## */
/* ## Ethdevs. ## */
/* ## -------- ## */

static void
test_ethdevs(void **state OVS_UNUSED)
{
    struct rte_eth_dev_info info, info0;
    struct rte_flow_error error;
    struct fp_device *fp1;
    uint16_t proxy, id;
    size_t i;

    assert_int_equal(fp_device_n_ports(fp0), 4);
    assert_string_equal(fp_device_driver(fp0), "model");
    assert_int_not_equal(rte_eth_dev_get_port_by_name("net_fp0_vf2", &id),
                         0);
    assert_int_not_equal(rte_eth_dev_get_port_by_name("net_fp0_phy2", &id),
                         0);
    fp1 = fp_device_find("net_fp1");
    assert_non_null(fp1);
    assert_int_equal(fp_device_n_ports(fp1), 1);

    assert_int_equal(rte_eth_dev_info_get(port_ids[0], &info0), 0);
    for (i = 0; i < ARRAY_SIZE(port_ids); i++) {
        assert_int_equal(rte_eth_dev_info_get(port_ids[i], &info), 0);
        assert_string_equal(info.driver_name, FP_DPDK_PMD_DRIVER);
        assert_string_equal(info.switch_info.name, "net_fp0");
        assert_int_equal(info.switch_info.domain_id,
                         info0.switch_info.domain_id);
        assert_int_equal(info.switch_info.port_id, i);
        assert_false(info.dev_capa & RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP);
        assert_int_equal(!!(*info.dev_flags & RTE_ETH_DEV_REPRESENTOR),
                         i >= 2);
        assert_int_equal(rte_flow_pick_transfer_proxy(port_ids[i], &proxy,
                                                      &error), 0);
        assert_int_equal(proxy, port_ids[0]);
    }
    assert_int_equal(rte_eth_dev_get_port_by_name("net_fp1", &id), 0);
    assert_int_equal(rte_eth_dev_info_get(id, &info), 0);
    assert_int_not_equal(info.switch_info.domain_id,
                         info0.switch_info.domain_id);

    /* A device iterator (OVS's dpdk-devargs) finds each by its name. */
    for (i = 0; i < ARRAY_SIZE(port_ids); i++) {
        static const char *names[] = {
            "net_fp0", "net_fp0_phy1", "net_fp0_vf0", "net_fp0_vf1",
        };
        struct rte_dev_iterator it;
        int n = 0;

        RTE_ETH_FOREACH_MATCHING_DEV (id, names[i], &it) {
            assert_int_equal(id, port_ids[i]);
            n++;
        }
        assert_int_equal(n, 1);
    }
}

/* A vdev plugged and unplugged at run time, twice: its ports and model
 * device come and go. */
static void
test_hotplug(void **state OVS_UNUSED)
{
    int round;

    for (round = 0; round < 2; round++) {
        uint16_t id;

        assert_int_equal(rte_dev_probe("net_fp2,phy=1,vfs=1"), 0);
        assert_non_null(fp_device_find("net_fp2"));
        assert_int_equal(rte_eth_dev_get_port_by_name("net_fp2", &id), 0);
        assert_int_equal(rte_eth_dev_get_port_by_name("net_fp2_vf0", &id),
                         0);
        assert_int_equal(rte_vdev_uninit("net_fp2"), 0);
        assert_null(fp_device_find("net_fp2"));
        assert_int_not_equal(rte_eth_dev_get_port_by_name("net_fp2", &id),
                             0);
        assert_int_not_equal(rte_eth_dev_get_port_by_name("net_fp2_vf0",
                                                          &id), 0);
    }
}

/* A miss goes to the host: rx_burst of the input port's ethdev takes it,
 * in an mbuf of the queue's pool; tx_burst sends out of the port. */
static void
test_rx_tx(void **state OVS_UNUSED)
{
    uint8_t frame[3000];
    struct rte_mbuf *m[4];
    struct rte_eth_stats stats;
    struct capture cap;
    size_t len;
    uint16_t n;

    start_port(port_ids[1], 1);
    assert_int_equal(rte_eth_stats_reset(port_ids[1]), 0);

    /* Nothing yet; then one miss. */
    assert_int_equal(rte_eth_rx_burst(port_ids[1], 0, m, 4), 0);
    len = udp4_frame(frame, 0, 64, sizeof frame);
    assert_int_equal(fp_port_inject(fp0, 1, frame, len), 0);
    n = rte_eth_rx_burst(port_ids[1], 0, m, 4);
    assert_int_equal(n, 1);
    assert_int_equal(m[0]->pkt_len, len);
    assert_true(m[0]->nb_segs > 1);     /* 3000 bytes in 2 KiB mbufs. */
    assert_ptr_equal(m[0]->pool, pool);
    assert_int_equal(m[0]->port, port_ids[1]);
    assert_false(m[0]->ol_flags & RTE_MBUF_F_RX_FDIR_ID);
    assert_true(m[0]->ol_flags & RTE_MBUF_F_RX_RSS_HASH);
    assert_false(m[0]->ol_flags & (RTE_MBUF_F_RX_IP_CKSUM_MASK
                                   | RTE_MBUF_F_RX_L4_CKSUM_MASK));
    {
        uint8_t copy[3000];

        assert_memory_equal(rte_pktmbuf_read(m[0], 0, len, copy), frame,
                            len);
    }

    /* Out of the port: the mbuf goes to the wire of phy1 as it is. */
    capture(1, &cap);
    assert_int_equal(rte_eth_tx_burst(port_ids[1], 0, m, 1), 1);
    assert_int_equal(cap.n, 1);
    assert_int_equal(cap.size, len);
    assert_memory_equal(cap.data, frame, len);
    uncapture(1);

    assert_int_equal(rte_eth_stats_get(port_ids[1], &stats), 0);
    assert_int_equal(stats.ipackets, 1);
    assert_int_equal(stats.ibytes, len);
    assert_int_equal(stats.opackets, 1);
    assert_int_equal(stats.obytes, len);
    assert_int_equal(stats.imissed, 0);

    /* A started ethdev holds the port's host side. */
    assert_int_equal(fp_port_attach(fp0, 1), EBUSY);

    /* Stopped: the representor is detached, a miss is dropped. */
    assert_int_equal(rte_eth_dev_stop(port_ids[1]), 0);
    assert_int_equal(fp_port_inject(fp0, 1, frame, 60), 0);
    assert_int_equal(rte_eth_stats_get(port_ids[1], &stats), 0);
    assert_int_equal(stats.imissed, 1);
    assert_int_equal(fp_port_attach(fp0, 1), 0);
    assert_int_not_equal(rte_eth_dev_start(port_ids[1]), 0);
    fp_port_detach(fp0, 1);
    assert_int_equal(rte_eth_dev_start(port_ids[1]), 0);
    assert_int_equal(rte_eth_rx_burst(port_ids[1], 0, m, 4), 0);
}

/* The receive checksum offloads, which OVS enables: the checksums as
 * they are in the frame. */
static void
test_rx_cksum(void **state OVS_UNUSED)
{
    const uint64_t ip_mask = RTE_MBUF_F_RX_IP_CKSUM_MASK;
    const uint64_t l4_mask = RTE_MBUF_F_RX_L4_CKSUM_MASK;
    static const struct {
        int n_tags;
        int corrupt;            /* 0: none, 1: IP header, 2: UDP. */
        uint64_t ip, l4;
    } cases[] = {
        { 0, 0, RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_GOOD },
        { 1, 0, RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_GOOD },
        { 0, 1, RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_GOOD },
        { 2, 2, RTE_MBUF_F_RX_IP_CKSUM_GOOD, RTE_MBUF_F_RX_L4_CKSUM_BAD },
    };
    uint64_t offloads = (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM
                         | RTE_ETH_RX_OFFLOAD_TCP_CKSUM
                         | RTE_ETH_RX_OFFLOAD_UDP_CKSUM);
    struct rte_eth_dev_info info;
    size_t i;

    assert_int_equal(rte_eth_dev_info_get(port_ids[2], &info), 0);
    assert_int_equal(info.rx_offload_capa & offloads, offloads);
    start_port_offloads(port_ids[2], 1, offloads);
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t frame[100];
        struct rte_ipv4_hdr *ip;
        struct rte_udp_hdr *udp;
        struct rte_mbuf *m;
        size_t ofs = 14 + 4 * cases[i].n_tags;

        udp4_frame(frame, cases[i].n_tags, 64, sizeof frame);
        ip = (struct rte_ipv4_hdr *) (frame + ofs);
        udp = (struct rte_udp_hdr *) (frame + ofs + 20);
        ip->hdr_checksum = rte_ipv4_cksum(ip);
        udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
        if (cases[i].corrupt == 1) {
            ip->hdr_checksum ^= htons(1);
        } else if (cases[i].corrupt == 2) {
            udp->dgram_cksum ^= htons(1);
        }
        assert_int_equal(fp_port_inject(fp0, 2, frame, sizeof frame), 0);
        assert_int_equal(rte_eth_rx_burst(port_ids[2], 0, &m, 1), 1);
        assert_int_equal(m->ol_flags & ip_mask, cases[i].ip);
        assert_int_equal(m->ol_flags & l4_mask, cases[i].l4);
        rte_pktmbuf_free(m);
    }
    assert_int_equal(rte_eth_dev_stop(port_ids[2]), 0);
}

/* Rules with actions: the parsed actions are the original ones. */
static void
test_roundtrip_actions(void **state OVS_UNUSED)
{
    struct fp_rte_flow_config cfg;
    struct fp_rule rules[6];
    struct fp_action *a;
    size_t i;

    fp_rte_flow_config_default(&cfg);
    cfg.port_ids = port_ids;
    cfg.n_ports = ARRAY_SIZE(port_ids);
    memset(rules, 0, sizeof rules);
    for (i = 0; i < ARRAY_SIZE(rules); i++) {
        struct fp_rule *r = &rules[i];

        r->key.in_port = i % 4;
        r->mask.in_port = UINT32_MAX;
        r->mask.vlans[0].tci = htons(0xffff);
        r->key.eth_type = htons(i == 5 ? 0x86dd : 0x0800);
        r->mask.eth_type = htons(0xffff);
        r->key.nw_proto = 17;
        r->mask.nw_proto = 0xff;
        r->mask.ip_frag = 0xff;
        r->key.nw_ttl = 64;
        r->mask.nw_ttl = 0xff;
    }

    /* 0: rewrites, a mark, two outputs. */
    a = &rules[0].actions[rules[0].n_actions++];
    a->type = FP_ACTION_SET_ETH_DST;
    memcpy(a->set.value, "\x02\x00\x00\x00\x00\x09", 6);
    memset(a->set.mask, 0xff, 6);
    a = &rules[0].actions[rules[0].n_actions++];
    a->type = FP_ACTION_SET_IPV4_SRC;
    memcpy(a->set.value, "\x0a\x01\x02\x03", 4);
    memset(a->set.mask, 0xff, 4);
    a = &rules[0].actions[rules[0].n_actions++];
    a->type = FP_ACTION_SET_TP_DST;
    memcpy(a->set.value, "\x00\x35", 2);
    memset(a->set.mask, 0xff, 2);
    rules[0].actions[rules[0].n_actions++].type = FP_ACTION_DEC_TTL;
    a = &rules[0].actions[rules[0].n_actions++];
    a->type = FP_ACTION_MARK;
    a->mark = 7;
    a = &rules[0].actions[rules[0].n_actions++];
    a->type = FP_ACTION_OUTPUT;
    a->port = 2;
    a = &rules[0].actions[rules[0].n_actions++];
    a->type = FP_ACTION_OUTPUT;
    a->port = 3;

    /* 1: a tag popped. */
    rules[1].key.vlans[0].tci = htons(FP_VLAN_PRESENT | 10);
    rules[1].mask.vlans[0].tci = htons(FP_VLAN_PRESENT | FP_VLAN_VID_MASK);
    rules[1].mask.vlans[1].tci = htons(FP_VLAN_PRESENT);
    rules[1].actions[rules[1].n_actions++].type = FP_ACTION_POP_VLAN;
    a = &rules[1].actions[rules[1].n_actions++];
    a->type = FP_ACTION_OUTPUT;
    a->port = 0;

    /* 2: a tag pushed. */
    a = &rules[2].actions[rules[2].n_actions++];
    a->type = FP_ACTION_PUSH_VLAN;
    a->vlan.tpid = htons(0x88a8);
    a->vlan.tci = htons(0x6005);
    a = &rules[2].actions[rules[2].n_actions++];
    a->type = FP_ACTION_OUTPUT;
    a->port = 1;

    /* 3: a VID set, to the host. */
    rules[3].key.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rules[3].mask.vlans[0].tci = htons(FP_VLAN_PRESENT);
    rules[3].mask.vlans[1].tci = htons(FP_VLAN_PRESENT);
    a = &rules[3].actions[rules[3].n_actions++];
    a->type = FP_ACTION_SET_VLAN;
    memcpy(a->set.value, "\x00\x07", 2);
    memcpy(a->set.mask, "\x0f\xff", 2);
    rules[3].actions[rules[3].n_actions++].type = FP_ACTION_EXCEPTION;

    /* 4: DSCP and TTL. */
    a = &rules[4].actions[rules[4].n_actions++];
    a->type = FP_ACTION_SET_IPV4_TOS;
    a->set.value[0] = 0xb8;
    a->set.mask[0] = 0xfc;
    a = &rules[4].actions[rules[4].n_actions++];
    a->type = FP_ACTION_SET_IPV4_TTL;
    a->set.value[0] = 9;
    a->set.mask[0] = 0xff;
    rules[4].actions[rules[4].n_actions++].type = FP_ACTION_EXCEPTION;

    /* 5: IPv6. */
    a = &rules[5].actions[rules[5].n_actions++];
    a->type = FP_ACTION_SET_IPV6_SRC;
    memset(a->set.value, 0x20, 16);
    memset(a->set.mask, 0xff, 16);
    a = &rules[5].actions[rules[5].n_actions++];
    a->type = FP_ACTION_SET_IPV6_HLIM;
    a->set.value[0] = 3;
    a->set.mask[0] = 0xff;
    a = &rules[5].actions[rules[5].n_actions++];
    a->type = FP_ACTION_SET_IPV6_TCLASS;
    a->set.value[0] = 0x28;
    a->set.mask[0] = 0xfc;
    a = &rules[5].actions[rules[5].n_actions++];
    a->type = FP_ACTION_OUTPUT;
    a->port = 0;

    for (i = 0; i < ARRAY_SIZE(rules); i++) {
        struct rte_flow_error error;
        struct fp_rte_flow flow;
        struct fp_rule parsed;
        char *reason = NULL;
        bool count;
        size_t k;

        if (fp_rte_flow_build(&rules[i], &cfg, &flow, &reason)) {
            fail_msg("rule %zu not built: %s", i, reason);
        }
        memset(&error, 0, sizeof error);
        if (fp_dpdk_pmd_flow_parse(pmd0, flow.port_id, &flow.attr,
                                   flow.items, flow.actions, &parsed, &count,
                                   &error)) {
            fail_msg("rule %zu refused: %s", i, error.message);
        }
        assert_int_equal(parsed.n_actions, rules[i].n_actions);
        for (k = 0; k < parsed.n_actions; k++) {
            if (memcmp(&parsed.actions[k], &rules[i].actions[k],
                       sizeof parsed.actions[k])) {
                fail_msg("rule %zu, action %zu (type %d) differs", i, k,
                         (int) rules[i].actions[k].type);
            }
        }
        fp_rte_flow_destroy(&flow);
    }
}

/* ## ------------------------------------------ ## */
/* ## rte_flow: the shapes OVS 3.1 creates. ## */
/* ## ------------------------------------------ ## */

/* As lib/netdev-offload-dpdk.c of OVS 3.1 builds them: transfer rules
 * created on the input port itself, without a port item. */

#define ITEM(TYPE, SPEC, MASK) \
    { .type = RTE_FLOW_ITEM_TYPE_##TYPE, .spec = SPEC, .mask = MASK }
#define ITEM_END { .type = RTE_FLOW_ITEM_TYPE_END }
#define ACTION(TYPE, CONF) \
    { .type = RTE_FLOW_ACTION_TYPE_##TYPE, .conf = CONF }
#define ACTION_END { .type = RTE_FLOW_ACTION_TYPE_END }

static const struct rte_flow_attr transfer = { .transfer = 1 };
static const struct rte_flow_attr ingress = { .ingress = 1 };

/* ETH of untagged IPv4, as OVS matches it. */
static const struct rte_flow_item_eth eth4_spec = {
    .type = RTE_BE16(0x0800), .has_vlan = 0,
};
static const struct rte_flow_item_eth eth4_mask = {
    .type = RTE_BE16(0xffff), .has_vlan = 1,
};

/* Rewrites and an output; COUNT queried, with reset. */
static void
test_ovs_rewrite(void **state OVS_UNUSED)
{
    struct rte_flow_item_ipv4 ip_spec, ip_mask;
    struct rte_flow_item_udp udp_spec, udp_mask;
    struct rte_flow_action_set_mac mac = {
        .mac_addr = { 0x02, 0, 0, 0, 0, 0x09 },
    };
    struct rte_flow_action_set_ipv4 ip4 = {
        .ipv4_addr = RTE_BE32(0x0a010203),
    };
    struct rte_flow_action_set_tp tp = { .port = RTE_BE16(5353) };
    struct rte_flow_action_count count = { .id = 0 };
    struct rte_flow_action_port_id out = { .id = port_ids[2] };
    struct rte_flow_query_count q;
    struct rte_flow_error error;
    struct capture cap;
    struct rte_flow *flow;
    uint8_t frame[100];
    size_t len;

    memset(&ip_spec, 0, sizeof ip_spec);
    memset(&ip_mask, 0, sizeof ip_mask);
    ip_spec.hdr.dst_addr = RTE_BE32(0x0a000002);
    ip_mask.hdr.dst_addr = RTE_BE32(0xffffffff);
    ip_mask.hdr.next_proto_id = 0xff;
    ip_spec.hdr.next_proto_id = 17;
    ip_mask.hdr.fragment_offset = RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK
                                           | RTE_IPV4_HDR_MF_FLAG);
    memset(&udp_spec, 0, sizeof udp_spec);
    memset(&udp_mask, 0, sizeof udp_mask);
    udp_spec.hdr.dst_port = RTE_BE16(53);
    udp_mask.hdr.dst_port = RTE_BE16(0xffff);

    const struct rte_flow_item items[] = {
        ITEM(ETH, &eth4_spec, &eth4_mask),
        ITEM(IPV4, &ip_spec, &ip_mask),
        ITEM(UDP, &udp_spec, &udp_mask),
        ITEM_END,
    };
    const struct rte_flow_action actions[] = {
        ACTION(SET_MAC_DST, &mac),
        ACTION(SET_IPV4_SRC, &ip4),
        ACTION(SET_TP_DST, &tp),
        ACTION(COUNT, &count),
        ACTION(PORT_ID, &out),
        ACTION_END,
    };

    assert_int_equal(rte_flow_validate(port_ids[3], &transfer, items,
                                       actions, &error), 0);
    flow = rte_flow_create(port_ids[3], &transfer, items, actions, &error);
    assert_non_null(flow);
    assert_int_equal(n_model_rules(fp0), 1);

    /* From vf1's guest: out to vf0's, rewritten. */
    capture(2, &cap);
    len = udp4_frame(frame, 0, 64, sizeof frame);
    assert_int_equal(fp_port_inject(fp0, 3, frame, len), 0);
    assert_int_equal(cap.n, 1);
    assert_int_equal(cap.size, len);
    assert_memory_equal(cap.data, mac.mac_addr, 6);
    assert_memory_equal(cap.data + 6, frame + 6, 6);
    assert_memory_equal(cap.data + 14 + 12, "\x0a\x01\x02\x03", 4);
    assert_memory_equal(cap.data + 14 + 20 + 2, "\x14\xe9", 2);

    /* Another input port, a tagged frame, another UDP port: no hit. */
    assert_int_equal(fp_port_inject(fp0, 2, frame, len), 0);
    udp4_frame(frame, 1, 64, sizeof frame);
    assert_int_equal(fp_port_inject(fp0, 3, frame, len), 0);
    udp4_frame(frame, 0, 64, sizeof frame);
    frame[14 + 20 + 3] = 54;
    assert_int_equal(fp_port_inject(fp0, 3, frame, len), 0);
    assert_int_equal(cap.n, 1);
    uncapture(2);

    memset(&q, 0, sizeof q);
    q.reset = 1;
    assert_int_equal(rte_flow_query(port_ids[3], flow, &actions[3], &q,
                                    &error), 0);
    assert_true(q.hits_set && q.bytes_set);
    assert_int_equal(q.hits, 1);
    assert_int_equal(q.bytes, len);
    memset(&q, 0, sizeof q);
    assert_int_equal(rte_flow_query(port_ids[3], flow, &actions[3], &q,
                                    &error), 0);
    assert_int_equal(q.hits, 0);
    assert_int_equal(q.bytes, 0);

    assert_int_equal(rte_flow_destroy(port_ids[3], flow, &error), 0);
    assert_int_equal(n_model_rules(fp0), 0);
}

/* A tag popped, a tag pushed (OVS: OF_PUSH_VLAN, _PCP, _VID). */
static void
test_ovs_vlan(void **state OVS_UNUSED)
{
    struct rte_flow_item_eth eth_spec = {
        .type = RTE_BE16(0x8100), .has_vlan = 1,
    };
    struct rte_flow_item_eth eth_mask = {
        .type = RTE_BE16(0xffff), .has_vlan = 1,
    };
    struct rte_flow_item_vlan vlan_spec = {
        .tci = RTE_BE16(10), .inner_type = RTE_BE16(0x0800),
    };
    struct rte_flow_item_vlan vlan_mask = {
        .tci = RTE_BE16(0xefff), .inner_type = RTE_BE16(0xffff),
    };
    struct rte_flow_action_port_id to_phy1 = { .id = port_ids[1] };
    struct rte_flow_action_of_push_vlan push = {
        .ethertype = RTE_BE16(0x8100),
    };
    struct rte_flow_action_of_set_vlan_pcp pcp = { .vlan_pcp = 0 };
    struct rte_flow_action_of_set_vlan_vid vid = { .vlan_vid = RTE_BE16(10) };
    const struct rte_flow_item pop_items[] = {
        ITEM(ETH, &eth_spec, &eth_mask),
        ITEM(VLAN, &vlan_spec, &vlan_mask),
        ITEM_END,
    };
    const struct rte_flow_action pop_actions[] = {
        ACTION(OF_POP_VLAN, NULL),
        ACTION(PORT_ID, &to_phy1),
        ACTION_END,
    };
    const struct rte_flow_item push_items[] = {
        ITEM(ETH, &eth4_spec, &eth4_mask),
        ITEM(IPV4, NULL, NULL),
        ITEM_END,
    };
    const struct rte_flow_action push_actions[] = {
        ACTION(OF_PUSH_VLAN, &push),
        ACTION(OF_SET_VLAN_PCP, &pcp),
        ACTION(OF_SET_VLAN_VID, &vid),
        ACTION(PORT_ID, &to_phy1),
        ACTION_END,
    };
    uint8_t tagged[100], untagged[100];
    struct rte_flow *pop, *push_flow;
    struct rte_flow_error error;
    struct capture cap;
    size_t len;

    pop = rte_flow_create(port_ids[0], &transfer, pop_items, pop_actions,
                          &error);
    assert_non_null(pop);
    push_flow = rte_flow_create(port_ids[2], &transfer, push_items,
                                push_actions, &error);
    assert_non_null(push_flow);

    len = udp4_frame(tagged, 1, 64, sizeof tagged);
    udp4_frame(untagged, 0, 64, len - 4);
    capture(1, &cap);
    assert_int_equal(fp_port_inject(fp0, 0, tagged, len), 0);
    assert_int_equal(cap.n, 1);
    assert_int_equal(cap.size, len - 4);
    assert_memory_equal(cap.data, untagged, len - 4);

    assert_int_equal(fp_port_inject(fp0, 2, untagged, len - 4), 0);
    assert_int_equal(cap.n, 2);
    assert_int_equal(cap.size, len);
    assert_memory_equal(cap.data, tagged, len);
    uncapture(1);

    assert_int_equal(rte_flow_destroy(port_ids[0], pop, &error), 0);
    assert_int_equal(rte_flow_destroy(port_ids[2], push_flow, &error), 0);
}

/* Partial offload: MARK and RSS on an ingress rule; the host gets the
 * mark as the mbuf's FDIR id. */
static void
test_ovs_mark_rss(void **state OVS_UNUSED)
{
    static uint16_t queues[] = { 0 };
    struct rte_flow_action_mark mark = { .id = 42 };
    struct rte_flow_action_rss rss = {
        .types = RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP,
        .queue_num = 1,
        .queue = queues,
    };
    const struct rte_flow_item items[] = {
        ITEM(ETH, &eth4_spec, &eth4_mask),
        ITEM(IPV4, NULL, NULL),
        ITEM(UDP, NULL, NULL),
        ITEM_END,
    };
    const struct rte_flow_action actions[] = {
        ACTION(MARK, &mark),
        ACTION(RSS, &rss),
        ACTION_END,
    };
    struct rte_flow_error error;
    struct rte_mbuf *m[4];
    struct rte_flow *flow;
    uint8_t frame[100];
    size_t len;

    flow = rte_flow_create(port_ids[1], &ingress, items, actions, &error);
    assert_non_null(flow);
    len = udp4_frame(frame, 0, 64, sizeof frame);
    assert_int_equal(fp_port_inject(fp0, 1, frame, len), 0);
    assert_int_equal(rte_eth_rx_burst(port_ids[1], 0, m, 4), 1);
    assert_true(m[0]->ol_flags & RTE_MBUF_F_RX_FDIR);
    assert_true(m[0]->ol_flags & RTE_MBUF_F_RX_FDIR_ID);
    assert_int_equal(m[0]->hash.fdir.hi, 42);
    assert_int_equal(m[0]->pkt_len, len);
    rte_pktmbuf_free(m[0]);
    assert_int_equal(rte_flow_destroy(port_ids[1], flow, &error), 0);
}

/* The one range taken: IPv4 later fragments, as OVS matches them. */
static void
test_frag_later(void **state OVS_UNUSED)
{
    struct rte_flow_item_ipv4 spec, mask, last;
    struct rte_flow_error error;
    struct fp_rule rule;
    bool count;

    memset(&spec, 0, sizeof spec);
    memset(&mask, 0, sizeof mask);
    memset(&last, 0, sizeof last);
    spec.hdr.fragment_offset = RTE_BE16(1);
    mask.hdr.fragment_offset = RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK);
    last.hdr.fragment_offset = RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK);

    const struct rte_flow_item items[] = {
        ITEM(ETH, &eth4_spec, &eth4_mask),
        { .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = &spec, .last = &last,
          .mask = &mask },
        ITEM_END,
    };
    const struct rte_flow_action actions[] = {
        ACTION(DROP, NULL),
        ACTION_END,
    };

    assert_int_equal(fp_dpdk_pmd_flow_parse(pmd0, port_ids[0], &transfer,
                                            items, actions, &rule, &count,
                                            &error), 0);
    assert_int_equal(rule.mask.ip_frag, FP_IP_FRAG_LATER);
    assert_int_equal(rule.key.ip_frag, FP_IP_FRAG_LATER);
    assert_int_equal(rule.key.eth_type, htons(0x0800));
    assert_int_equal(rule.mask.vlans[0].tci, htons(FP_VLAN_PRESENT));
    assert_int_equal(rule.key.vlans[0].tci, 0);
    assert_int_equal(rule.key.in_port, 0);
    assert_int_equal(rule.n_actions, 1);
    assert_int_equal(rule.actions[0].type, FP_ACTION_DROP);
    assert_false(count);
}

/* ## ---------------------- ## */
/* ## rte_flow: refusals. ## */
/* ## ---------------------- ## */

/* Asserts that rte_flow_validate() and rte_flow_create() on 'port_id'
 * refuse the rule with 'code', 'type' and a message that contains
 * 'expected', and that the model got no rule. */
static void
assert_refused(uint16_t port_id, const struct rte_flow_attr *attr,
               const struct rte_flow_item items[],
               const struct rte_flow_action actions[], int code,
               enum rte_flow_error_type type, const char *expected)
{
    struct rte_flow_error error;
    int retval;

    memset(&error, 0, sizeof error);
    retval = rte_flow_validate(port_id, attr, items, actions, &error);
    assert_int_equal(retval, -code);
    assert_int_equal(rte_errno, code);
    assert_int_equal(error.type, type);
    assert_non_null(error.message);
    if (!strstr(error.message, expected)) {
        fail_msg("message \"%s\" does not say \"%s\"", error.message,
                 expected);
    }
    memset(&error, 0, sizeof error);
    assert_null(rte_flow_create(port_id, attr, items, actions, &error));
    assert_int_equal(rte_errno, code);
    assert_non_null(error.message);
    assert_int_equal(n_model_rules(fp0), 0);
}

static void
test_refusals(void **state OVS_UNUSED)
{
    const struct rte_flow_attr group1 = { .transfer = 1, .group = 1 };
    const struct rte_flow_attr egress = { .egress = 1 };
    const struct rte_flow_attr prio8 = { .transfer = 1, .priority = 8 };
    struct rte_flow_action_port_id to_vf0 = { .id = port_ids[2] };
    struct rte_flow_action_port_id to_other = { .id = RTE_MAX_ETHPORTS - 1 };
    struct rte_flow_action_ethdev repr_vf0 = { .port_id = port_ids[2] };
    struct rte_flow_action_jump jump = { .group = 1 };
    struct rte_flow_action_queue queue0 = { .index = 0 };
    struct rte_flow_action_queue queue9 = { .index = 9 };
    const struct rte_flow_item eth_only[] = {
        ITEM(ETH, &eth4_spec, &eth4_mask), ITEM_END,
    };
    const struct rte_flow_item ip4_only[] = {
        ITEM(ETH, &eth4_spec, &eth4_mask), ITEM(IPV4, NULL, NULL), ITEM_END,
    };
    const struct rte_flow_action out[] = {
        ACTION(PORT_ID, &to_vf0), ACTION_END,
    };
    const struct rte_flow_action drop[] = {
        ACTION(DROP, NULL), ACTION_END,
    };
    struct rte_flow_item_udp udp_spec, udp_mask, udp_last;
    struct rte_flow_item_vlan vlan_spec, vlan_mask;
    struct rte_flow_item_ipv4 ip_spec, ip_mask;
    struct rte_flow_item_vxlan vxlan;

    /* Attributes. */
    assert_refused(port_ids[0], &group1, eth_only, out, ENOTSUP,
                   RTE_FLOW_ERROR_TYPE_ATTR_GROUP, "group 1");
    assert_refused(port_ids[0], &egress, eth_only, drop, ENOTSUP,
                   RTE_FLOW_ERROR_TYPE_ATTR_EGRESS, "egress");
    assert_refused(port_ids[0], &prio8, eth_only, out, ENOTSUP,
                   RTE_FLOW_ERROR_TYPE_ATTR_PRIORITY, "priority 8");

    /* Items. */
    memset(&udp_spec, 0, sizeof udp_spec);
    memset(&udp_mask, 0, sizeof udp_mask);
    memset(&udp_last, 0, sizeof udp_last);
    udp_spec.hdr.dst_port = RTE_BE16(1000);
    udp_last.hdr.dst_port = RTE_BE16(2000);
    udp_mask.hdr.dst_port = RTE_BE16(0xffff);
    {
        const struct rte_flow_item items[] = {
            ITEM(ETH, &eth4_spec, &eth4_mask), ITEM(IPV4, NULL, NULL),
            { .type = RTE_FLOW_ITEM_TYPE_UDP, .spec = &udp_spec,
              .last = &udp_last, .mask = &udp_mask },
            ITEM_END,
        };

        assert_refused(port_ids[0], &transfer, items, out, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ITEM, "not ranges");
    }
    memset(&vxlan, 0, sizeof vxlan);
    {
        const struct rte_flow_item items[] = {
            ITEM(ETH, &eth4_spec, &eth4_mask), ITEM(IPV4, NULL, NULL),
            ITEM(UDP, NULL, NULL), ITEM(VXLAN, &vxlan, NULL), ITEM_END,
        };

        assert_refused(port_ids[0], &transfer, items, out, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ITEM, "VXLAN item");
    }
    memset(&vlan_spec, 0, sizeof vlan_spec);
    memset(&vlan_mask, 0, sizeof vlan_mask);
    vlan_mask.tci = RTE_BE16(0xffff);
    {
        const struct rte_flow_item items[] = {
            ITEM(ETH, NULL, NULL), ITEM(VLAN, &vlan_spec, &vlan_mask),
            ITEM_END,
        };

        assert_refused(port_ids[0], &transfer, items, out, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ITEM, "DEI");
    }
    memset(&ip_spec, 0, sizeof ip_spec);
    memset(&ip_mask, 0, sizeof ip_mask);
    ip_mask.hdr.packet_id = RTE_BE16(0xffff);
    {
        const struct rte_flow_item items[] = {
            ITEM(ETH, &eth4_spec, &eth4_mask),
            ITEM(IPV4, &ip_spec, &ip_mask), ITEM_END,
        };

        assert_refused(port_ids[0], &transfer, items, out, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ITEM, "identification");
    }
    {
        /* Tagged or not? */
        const struct rte_flow_item items[] = {
            ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL), ITEM_END,
        };
        const struct rte_flow_item no_eth[] = {
            ITEM(IPV4, NULL, NULL), ITEM_END,
        };

        assert_refused(port_ids[0], &transfer, items, out, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ITEM, "ETH's has_vlan 0");
        assert_refused(port_ids[0], &transfer, no_eth, out, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ITEM, "does not say whether");
    }
    {
        /* ETH type 0x0800 then an IPV6 item: no packet. */
        const struct rte_flow_item items[] = {
            ITEM(ETH, &eth4_spec, &eth4_mask), ITEM(IPV6, NULL, NULL),
            ITEM_END,
        };

        assert_refused(port_ids[0], &transfer, items, out, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ITEM, "matches no packet");
    }

    /* Actions. */
    {
        const struct rte_flow_action actions[] = {
            ACTION(JUMP, &jump), ACTION_END,
        };

        assert_refused(port_ids[0], &transfer, eth_only, actions, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ACTION, "JUMP");
    }
    {
        const struct rte_flow_action actions[] = {
            ACTION(PORT_REPRESENTOR, &repr_vf0), ACTION_END,
        };

        assert_refused(port_ids[0], &transfer, eth_only, actions, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ACTION, "representor of the "
                       "input port");
    }
    {
        const struct rte_flow_action actions[] = {
            ACTION(DEC_TTL, NULL), ACTION(PORT_ID, &to_vf0), ACTION_END,
        };

        assert_refused(port_ids[0], &transfer, ip4_only, actions, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ACTION, "TTL of 2 or more");
    }
    {
        const struct rte_flow_action actions[] = {
            ACTION(OF_POP_VLAN, NULL), ACTION(PORT_ID, &to_vf0),
            ACTION_END,
        };

        assert_refused(port_ids[0], &transfer, ip4_only, actions, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ACTION, "no VLAN tag");
    }
    {
        const struct rte_flow_action actions[] = {
            ACTION(COUNT, NULL), ACTION_END,
        };

        assert_refused(port_ids[0], &transfer, eth_only, actions, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ACTION_NUM, "fate");
    }
    {
        const struct rte_flow_action actions[] = {
            ACTION(PORT_ID, &to_other), ACTION_END,
        };

        assert_refused(port_ids[0], &transfer, eth_only, actions, ENODEV,
                       RTE_FLOW_ERROR_TYPE_ACTION_CONF, "not a port of "
                       "net_fp0");
    }
    {
        const struct rte_flow_action actions[] = {
            ACTION(QUEUE, &queue0), ACTION_END,
        };

        assert_refused(port_ids[0], &transfer, eth_only, actions, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ACTION, "ingress rules");
    }
    {
        const struct rte_flow_action actions[] = {
            ACTION(QUEUE, &queue9), ACTION_END,
        };

        assert_refused(port_ids[1], &ingress, eth_only, actions, EINVAL,
                       RTE_FLOW_ERROR_TYPE_ACTION_CONF, "receive queue 9");
        assert_refused(port_ids[1], &ingress, eth_only, out, ENOTSUP,
                       RTE_FLOW_ERROR_TYPE_ACTION, "cannot send to a port");
    }
}

/* ## ------------------------------------------ ## */
/* ## rte_flow: flush, stop and start, full table. ## */
/* ## ------------------------------------------ ## */

static struct rte_flow *
create_drop(uint16_t port_id, const struct rte_flow_attr *attr)
{
    const struct rte_flow_item items[] = { ITEM_END };
    const struct rte_flow_action actions[] = {
        ACTION(COUNT, NULL), ACTION(DROP, NULL), ACTION_END,
    };
    struct rte_flow_error error;
    struct rte_flow *flow;

    flow = rte_flow_create(port_id, attr, items, actions, &error);
    if (!flow) {
        fail_msg("create on port %"PRIu16": %s", port_id, error.message);
    }
    return flow;
}

static void
test_flush(void **state OVS_UNUSED)
{
    struct rte_flow_error error;

    create_drop(port_ids[2], &transfer);
    create_drop(port_ids[2], &transfer);
    create_drop(port_ids[3], &transfer);
    assert_int_equal(n_model_rules(fp0), 3);
    assert_int_equal(rte_flow_flush(port_ids[2], &error), 0);
    assert_int_equal(n_model_rules(fp0), 1);
    assert_int_equal(rte_flow_flush(port_ids[3], &error), 0);
    assert_int_equal(n_model_rules(fp0), 0);
}

/* A stop of the proxy destroys the transfer rules (no FLOW_RULE_KEEP),
 * and a stop of a port the rules created on it; the handles stay for
 * rte_flow_destroy(). */
static void
test_stop_start(void **state OVS_UNUSED)
{
    const struct rte_flow_action count[] = {
        ACTION(COUNT, NULL), ACTION_END,
    };
    struct rte_flow *t0, *t2, *i1;
    struct rte_flow_query_count q;
    struct rte_flow_error error;
    uint8_t frame[100];

    start_port(port_ids[0], 1);
    t0 = create_drop(port_ids[0], &transfer);
    t2 = create_drop(port_ids[2], &transfer);
    i1 = create_drop(port_ids[1], &ingress);
    assert_int_equal(n_model_rules(fp0), 3);

    /* The proxy: every transfer rule goes. */
    assert_int_equal(rte_eth_dev_stop(port_ids[0]), 0);
    assert_int_equal(n_model_rules(fp0), 1);
    assert_int_equal(rte_eth_dev_start(port_ids[0]), 0);
    assert_int_equal(n_model_rules(fp0), 1);

    /* Nothing counts in a destroyed rule, which cannot be queried; the
     * ingress rule still counts. */
    udp4_frame(frame, 0, 64, sizeof frame);
    assert_int_equal(fp_port_inject(fp0, 0, frame, sizeof frame), 0);
    assert_int_equal(fp_port_inject(fp0, 1, frame, sizeof frame), 0);
    memset(&q, 0, sizeof q);
    assert_int_equal(rte_flow_query(port_ids[0], t0, count, &q, &error),
                     -ENOENT);
    assert_non_null(error.message);
    memset(&q, 0, sizeof q);
    assert_int_equal(rte_flow_query(port_ids[1], i1, count, &q, &error), 0);
    assert_int_equal(q.hits, 1);
    assert_int_equal(rte_flow_destroy(port_ids[0], t0, &error), 0);
    assert_int_equal(rte_flow_destroy(port_ids[2], t2, &error), 0);

    /* phy1: its own rules go. */
    assert_int_equal(rte_eth_dev_stop(port_ids[1]), 0);
    assert_int_equal(n_model_rules(fp0), 0);
    assert_int_equal(rte_flow_destroy(port_ids[1], i1, &error), 0);
    assert_int_equal(rte_eth_dev_start(port_ids[1]), 0);
}

/* net_fp1 has room for two rules. */
static void
test_full(void **state OVS_UNUSED)
{
    const struct rte_flow_item items[] = { ITEM_END };
    const struct rte_flow_action actions[] = {
        ACTION(DROP, NULL), ACTION_END,
    };
    struct rte_flow *flows[2];
    struct rte_flow_error error;
    uint16_t id;
    int i;

    assert_int_equal(rte_eth_dev_get_port_by_name("net_fp1", &id), 0);
    for (i = 0; i < 2; i++) {
        flows[i] = rte_flow_create(id, &transfer, items, actions, &error);
        assert_non_null(flows[i]);
    }
    memset(&error, 0, sizeof error);
    assert_null(rte_flow_create(id, &transfer, items, actions, &error));
    assert_int_equal(rte_errno, ENOSPC);
    assert_non_null(error.message);
    assert_non_null(strstr(error.message, "table is full"));
    for (i = 0; i < 2; i++) {
        assert_int_equal(rte_flow_destroy(id, flows[i], &error), 0);
    }
    assert_non_null(rte_flow_create(id, &transfer, items, actions, &error));
    assert_int_equal(rte_flow_flush(id, &error), 0);
}

/* ## ---------------------------------- ## */
/* ## rte_mtr and indirect COUNT actions. ## */
/* ## ---------------------------------- ## */

/* A meter of 1 byte/s with a committed burst of two 100-byte frames:
 * whatever the time the test takes, 2 of 5 frames pass. */
static void
test_meter(void **state OVS_UNUSED)
{
    struct rte_mtr_meter_profile profile = {
        .alg = RTE_MTR_SRTCM_RFC2697,
        .srtcm_rfc2697 = { .cir = 1, .cbs = 200, .ebs = 0 },
    };
    struct rte_mtr_meter_profile rfc4115 = { .alg = RTE_MTR_TRTCM_RFC4115 };
    const struct rte_flow_action drop[] = {
        ACTION(DROP, NULL), ACTION_END,
    };
    struct rte_mtr_meter_policy_params policy = {
        .actions = { NULL, NULL, drop },
    };
    struct rte_mtr_meter_policy_params bad_policy = {
        .actions = { drop, NULL, drop },
    };
    struct rte_mtr_params params = {
        .meter_profile_id = 1,
        .meter_policy_id = 2,
        .meter_enable = 1,
    };
    struct rte_flow_action_meter meter = { .mtr_id = 5 };
    struct rte_flow_action_meter no_meter = { .mtr_id = 6 };
    struct rte_flow_action_port_id to_vf0 = { .id = port_ids[2] };
    const struct rte_flow_item items[] = {
        ITEM(ETH, &eth4_spec, &eth4_mask), ITEM(IPV4, NULL, NULL), ITEM_END,
    };
    const struct rte_flow_action actions[] = {
        ACTION(METER, &meter), ACTION(PORT_ID, &to_vf0), ACTION_END,
    };
    const struct rte_flow_action bad_actions[] = {
        ACTION(METER, &no_meter), ACTION(PORT_ID, &to_vf0), ACTION_END,
    };
    struct rte_mtr_error merror;
    struct rte_flow_error error;
    struct rte_mtr_stats stats;
    struct rte_flow *flow;
    struct capture cap;
    uint64_t mask = 0;
    uint8_t frame[100];
    int i;

    assert_int_equal(rte_mtr_meter_profile_add(port_ids[0], 9, &rfc4115,
                                               &merror), -ENOTSUP);
    assert_int_equal(rte_mtr_meter_policy_add(port_ids[0], 9, &bad_policy,
                                              &merror), -ENOTSUP);
    assert_int_equal(rte_mtr_meter_profile_add(port_ids[0], 1, &profile,
                                               &merror), 0);
    assert_int_equal(rte_mtr_meter_policy_add(port_ids[0], 2, &policy,
                                              &merror), 0);
    assert_int_equal(rte_mtr_create(port_ids[0], 5, &params, 0, &merror),
                     0);
    assert_refused(port_ids[3], &transfer, items, bad_actions, EINVAL,
                   RTE_FLOW_ERROR_TYPE_ACTION_CONF, "no meter 6");

    flow = rte_flow_create(port_ids[3], &transfer, items, actions, &error);
    assert_non_null(flow);
    capture(2, &cap);
    udp4_frame(frame, 0, 64, sizeof frame);
    for (i = 0; i < 5; i++) {
        assert_int_equal(fp_port_inject(fp0, 3, frame, sizeof frame), 0);
    }
    assert_int_equal(cap.n, 2);
    uncapture(2);

    memset(&stats, 0, sizeof stats);
    assert_int_equal(rte_mtr_stats_read(port_ids[0], 5, &stats, &mask, 1,
                                        &merror), 0);
    assert_int_equal(stats.n_pkts[RTE_COLOR_GREEN], 2);
    assert_int_equal(stats.n_pkts[RTE_COLOR_RED], 3);
    assert_int_equal(stats.n_pkts_dropped, 3);
    assert_int_equal(stats.n_bytes_dropped, 300);
    assert_true(mask & RTE_MTR_STATS_N_PKTS_DROPPED);
    assert_int_equal(rte_mtr_stats_read(port_ids[0], 5, &stats, &mask, 0,
                                        &merror), 0);
    assert_int_equal(stats.n_pkts_dropped, 0);

    /* In use: the meter by a rule, the profile by the meter. */
    assert_int_not_equal(rte_mtr_destroy(port_ids[0], 5, &merror), 0);
    assert_int_equal(rte_mtr_meter_profile_delete(port_ids[0], 1, &merror),
                     -EBUSY);
    assert_int_equal(rte_flow_destroy(port_ids[3], flow, &error), 0);
    assert_int_equal(rte_mtr_destroy(port_ids[0], 5, &merror), 0);
    assert_int_equal(rte_mtr_meter_profile_delete(port_ids[0], 1, &merror),
                     0);
    assert_int_equal(rte_mtr_meter_policy_delete(port_ids[0], 2, &merror),
                     0);
}

static struct rte_flow_action_handle *
counter_handle(uint32_t counter_id OVS_UNUSED, void *aux)
{
    return aux;
}

/* A shared counter, as an indirect COUNT action, counts the packets of
 * the rules that use it; fp_rte_flow_build() makes the INDIRECT action
 * that comes back as FP_ACTION_COUNT. */
static void
test_indirect_count(void **state OVS_UNUSED)
{
    const struct rte_flow_indir_action_conf conf = { .transfer = 1 };
    const struct rte_flow_action count = ACTION(COUNT, NULL);
    const struct rte_flow_action meter = ACTION(METER, NULL);
    struct rte_flow_action_handle *h;
    struct rte_flow_query_count q;
    struct fp_rte_flow_config cfg;
    struct rte_flow_error error;
    struct rte_flow *flows[2];
    struct fp_rte_flow built;
    struct fp_rule rule, parsed;
    uint8_t frame[100];
    bool counted;
    int i;

    assert_null(rte_flow_action_handle_create(port_ids[0], &conf, &meter,
                                              &error));
    h = rte_flow_action_handle_create(port_ids[0], &conf, &count, &error);
    assert_non_null(h);

    const struct rte_flow_item items[] = { ITEM_END };
    const struct rte_flow_action actions[] = {
        ACTION(INDIRECT, h), ACTION(DROP, NULL), ACTION_END,
    };
    flows[0] = rte_flow_create(port_ids[2], &transfer, items, actions,
                               &error);
    flows[1] = rte_flow_create(port_ids[3], &transfer, items, actions,
                               &error);
    assert_non_null(flows[0]);
    assert_non_null(flows[1]);
    udp4_frame(frame, 0, 64, sizeof frame);
    assert_int_equal(fp_port_inject(fp0, 2, frame, sizeof frame), 0);
    assert_int_equal(fp_port_inject(fp0, 3, frame, sizeof frame), 0);
    assert_int_equal(fp_port_inject(fp0, 3, frame, sizeof frame), 0);
    memset(&q, 0, sizeof q);
    assert_int_equal(rte_flow_action_handle_query(port_ids[0], h, &q,
                                                  &error), 0);
    assert_int_equal(q.hits, 3);
    assert_int_equal(q.bytes, 3 * sizeof frame);

    /* In use, then not. */
    assert_int_equal(rte_flow_action_handle_destroy(port_ids[0], h, &error),
                     -EBUSY);
    for (i = 0; i < 2; i++) {
        assert_int_equal(rte_flow_destroy(port_ids[2 + i], flows[i], &error),
                         0);
    }

    /* The builder's INDIRECT comes back as the handle's counter. */
    memset(&rule, 0, sizeof rule);
    rule.key.in_port = 1;
    rule.mask.in_port = UINT32_MAX;
    rule.n_actions = 1;
    rule.actions[0].type = FP_ACTION_COUNT;
    rule.actions[0].counter_id = 77;
    fp_rte_flow_config_default(&cfg);
    cfg.port_ids = port_ids;
    cfg.n_ports = ARRAY_SIZE(port_ids);
    cfg.counter_handle = counter_handle;
    cfg.counter_aux = h;
    assert_int_equal(fp_rte_flow_build(&rule, &cfg, &built, NULL), 0);
    assert_int_equal(fp_dpdk_pmd_flow_parse(pmd0, built.port_id,
                                            &built.attr, built.items,
                                            built.actions, &parsed,
                                            &counted, &error), 0);
    assert_int_equal(parsed.actions[0].type, FP_ACTION_COUNT);
    assert_int_equal(parsed.actions[0].counter_id, h->counter_id);
    fp_rte_flow_destroy(&built);

    assert_int_equal(rte_flow_action_handle_destroy(port_ids[0], h, &error),
                     0);
}

/* ## ---------- ## */
/* ## Benchmark. ## */
/* ## ---------- ## */

static double
now_sec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* With FP_DPDK_PMD_BENCH=N in the environment, after the tests: the
 * rates of rte_flow_create(), rte_flow_query() of COUNT and
 * rte_flow_destroy() of N rules of the shape OVS 3.1 creates.  Printed,
 * never asserted. */
static void
bench(unsigned int n)
{
    struct rte_flow_action_port_id to_vf0 = { .id = port_ids[2] };
    struct rte_flow_item_udp spec, mask;
    struct rte_flow **flows = xcalloc(n, sizeof *flows);
    const struct rte_flow_item items[] = {
        ITEM(ETH, &eth4_spec, &eth4_mask), ITEM(IPV4, NULL, NULL),
        ITEM(UDP, &spec, &mask), ITEM_END,
    };
    const struct rte_flow_action actions[] = {
        ACTION(COUNT, NULL), ACTION(PORT_ID, &to_vf0), ACTION_END,
    };
    struct rte_flow_error error;
    double t0, t1, t2, t3;
    unsigned int i;

    memset(&mask, 0, sizeof mask);
    mask.hdr.src_port = RTE_BE16(0xffff);
    mask.hdr.dst_port = RTE_BE16(0xffff);
    memset(&spec, 0, sizeof spec);
    t0 = now_sec();
    for (i = 0; i < n; i++) {
        spec.hdr.src_port = htons(i >> 16);
        spec.hdr.dst_port = htons(i);
        flows[i] = rte_flow_create(port_ids[3], &transfer, items, actions,
                                   &error);
        if (!flows[i]) {
            fprintf(stderr, "rule %u: %s\n", i, error.message);
            n = i;
            break;
        }
    }
    t1 = now_sec();
    for (i = 0; i < n; i++) {
        struct rte_flow_query_count q = { .reset = 0 };

        rte_flow_query(port_ids[3], flows[i], &actions[0], &q, &error);
    }
    t2 = now_sec();
    for (i = 0; i < n; i++) {
        rte_flow_destroy(port_ids[3], flows[i], &error);
    }
    t3 = now_sec();
    printf("net_fp, %u rules: create %.0f/s, query %.0f/s, destroy "
           "%.0f/s\n", n, n / (t1 - t0), n / (t2 - t1), n / (t3 - t2));
    free(flows);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ethdevs),
        cmocka_unit_test(test_hotplug),
        cmocka_unit_test(test_rx_tx),
        cmocka_unit_test(test_rx_cksum),
        cmocka_unit_test(test_roundtrip_actions),
        cmocka_unit_test(test_ovs_rewrite),
        cmocka_unit_test(test_ovs_vlan),
        cmocka_unit_test(test_ovs_mark_rss),
        cmocka_unit_test(test_frag_later),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_flush),
        cmocka_unit_test(test_stop_start),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_meter),
        cmocka_unit_test(test_indirect_count),
    };

    const char *n_bench = getenv("FP_DPDK_PMD_BENCH");
    int retval;

    retval = cmocka_run_group_tests_name("fp_dpdk_pmd", tests, setup, NULL);
    if (!retval && n_bench) {
        bench(atoi(n_bench));
    }
    return retval;
}
