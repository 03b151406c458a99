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

/* The model NIC as a DPDK vdev PMD, "net_fp": see lib/fp-dpdk-pmd.h.
 * This file has the vdev and its ethdevs; lib/fp-dpdk-pmd-flow.c their
 * rte_flow operations. */

#include <config.h>

/* The ethdev driver API is DPDK's internal ABI (FP_CHECK_DPDK_SDK). */
#define ALLOW_INTERNAL_API 1

#include "fp-dpdk-pmd.h"
#include "fp-dpdk-pmd-private.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>

#include "fp-model.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_dpdk_pmd);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* See fp-dpdk-pmd.h. */
void
fp_dpdk_pmd_link(void)
{
}

#define FP_DPDK_PMD_MAX_RXQ 16
#define FP_DPDK_PMD_MAX_TXQ 1024

/* Every vdev of this PMD, for fp_dpdk_pmd_dev_find(). */
static struct ovs_mutex devs_mutex = OVS_MUTEX_INITIALIZER;
static struct fp_dpdk_pmd_dev *devs[RTE_MAX_ETHPORTS] OVS_GUARDED_BY(
    devs_mutex);

/* A receive queue. */
struct fp_dpdk_pmd_rxq {
    struct fp_dpdk_pmd_port *port;
    struct rte_mempool *mp;
    uint16_t queue_id;
    uint64_t packets;
    uint64_t bytes;
    uint8_t buf[FP_MODEL_MAX_FRAME];
};

/* A transmit queue. */
struct fp_dpdk_pmd_txq {
    struct fp_dpdk_pmd_port *port;
    uint16_t queue_id;
    uint64_t packets;
    uint64_t bytes;
    uint64_t errors;
    uint8_t buf[FP_MODEL_MAX_FRAME];
};

static struct fp_dpdk_pmd_port *
port_of(const struct rte_eth_dev *eth)
{
    return eth->data->dev_private;
}

/* Returns the vdev of ethdev 'eth', one of this PMD's, and stores its model
 * port number in '*fp_portp'. */
struct fp_dpdk_pmd_dev *
fp_dpdk_pmd_dev_of(const struct rte_eth_dev *eth, uint32_t *fp_portp)
{
    struct fp_dpdk_pmd_port *port = port_of(eth);

    *fp_portp = port->fp_port;
    return port->dev;
}

/* Stores in '*fp_portp' the model port of DPDK port 'port_id' if it is one
 * of the ethdevs of 'dev' and returns 0, else returns ENODEV. */
int
fp_dpdk_pmd_fp_port(const struct fp_dpdk_pmd_dev *dev, uint16_t port_id,
                    uint32_t *fp_portp)
{
    uint32_t i;

    for (i = 0; i < dev->n_ports; i++) {
        if (dev->port_ids[i] == port_id) {
            *fp_portp = i;
            return 0;
        }
    }
    return ENODEV;
}

/* Returns the vdev named 'name' (e.g. "net_fp0"), or NULL. */
struct fp_dpdk_pmd_dev *
fp_dpdk_pmd_dev_find(const char *name)
{
    struct fp_dpdk_pmd_dev *dev = NULL;
    size_t i;

    ovs_mutex_lock(&devs_mutex);
    for (i = 0; i < ARRAY_SIZE(devs); i++) {
        if (devs[i] && !strcmp(devs[i]->name, name)) {
            dev = devs[i];
            break;
        }
    }
    ovs_mutex_unlock(&devs_mutex);
    return dev;
}

#define RX_CKSUM_OFFLOADS (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM \
                           | RTE_ETH_RX_OFFLOAD_TCP_CKSUM \
                           | RTE_ETH_RX_OFFLOAD_UDP_CKSUM)

static int
fp_dpdk_pmd_configure(struct rte_eth_dev *eth)
{
    struct fp_dpdk_pmd_port *port = port_of(eth);

    port->rx_cksum = (eth->data->dev_conf.rxmode.offloads
                      & RX_CKSUM_OFFLOADS) != 0;
    return 0;
}

static void
update_link(struct rte_eth_dev *eth)
{
    struct fp_dpdk_pmd_port *port = port_of(eth);
    struct rte_eth_link link;
    struct fp_port_link fl;

    fp_port_get_link_state(port->dev->fp, port->fp_port, &fl);
    memset(&link, 0, sizeof link);
    link.link_speed = (fl.up && fl.speed_mbps ? fl.speed_mbps
                       : fl.up ? RTE_ETH_SPEED_NUM_UNKNOWN
                       : RTE_ETH_SPEED_NUM_NONE);
    link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
    link.link_autoneg = RTE_ETH_LINK_FIXED;
    link.link_status = (eth->data->dev_started && fl.up
                        ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN);
    eth->data->dev_link = link;
}

static int
fp_dpdk_pmd_link_update(struct rte_eth_dev *eth,
                        int wait_to_complete OVS_UNUSED)
{
    update_link(eth);
    return 0;
}

/* Starting a port attaches its representor to the model, so that the
 * model queues what it hands to the host there. */
static int
fp_dpdk_pmd_start(struct rte_eth_dev *eth)
{
    struct fp_dpdk_pmd_port *port = port_of(eth);
    uint16_t i;

    if (!port->attached) {
        int error = fp_port_attach(port->dev->fp, port->fp_port);

        if (error) {
            VLOG_WARN("%s: cannot attach to port %"PRIu32" of the model "
                      "device (%s): is it an fp interface too?",
                      eth->data->name, port->fp_port, ovs_strerror(error));
            return -error;
        }
        port->attached = true;
    }
    for (i = 0; i < eth->data->nb_rx_queues; i++) {
        eth->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
    }
    for (i = 0; i < eth->data->nb_tx_queues; i++) {
        eth->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
    }
    eth->data->dev_started = 1;
    update_link(eth);
    return 0;
}

/* Stopping a port detaches its representor (the model drops what it has
 * queued for the host there) and destroys its rte_flow rules (see
 * fp-dpdk-pmd.h). */
static int
fp_dpdk_pmd_stop(struct rte_eth_dev *eth)
{
    struct fp_dpdk_pmd_port *port = port_of(eth);
    uint16_t i;

    eth->data->dev_started = 0;
    if (port->attached) {
        fp_port_detach(port->dev->fp, port->fp_port);
        port->attached = false;
    }
    for (i = 0; i < eth->data->nb_rx_queues; i++) {
        eth->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
    }
    for (i = 0; i < eth->data->nb_tx_queues; i++) {
        eth->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
    }
    fp_dpdk_pmd_flow_stop(port->dev, port->port_id, port->fp_port == 0);
    update_link(eth);
    return 0;
}

static void
fp_dpdk_pmd_rxq_release(struct rte_eth_dev *eth, uint16_t qid)
{
    rte_free(eth->data->rx_queues[qid]);
    eth->data->rx_queues[qid] = NULL;
}

static void
fp_dpdk_pmd_txq_release(struct rte_eth_dev *eth, uint16_t qid)
{
    rte_free(eth->data->tx_queues[qid]);
    eth->data->tx_queues[qid] = NULL;
}

static int
fp_dpdk_pmd_close(struct rte_eth_dev *eth)
{
    struct fp_dpdk_pmd_port *port = port_of(eth);
    uint16_t i;

    if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
        return 0;
    }
    if (eth->data->dev_started) {
        fp_dpdk_pmd_stop(eth);
    }
    fp_dpdk_pmd_flow_stop(port->dev, port->port_id, false);
    for (i = 0; i < eth->data->nb_rx_queues; i++) {
        fp_dpdk_pmd_rxq_release(eth, i);
    }
    for (i = 0; i < eth->data->nb_tx_queues; i++) {
        fp_dpdk_pmd_txq_release(eth, i);
    }
    port->dev->port_ids[port->fp_port] = RTE_MAX_ETHPORTS;
    return 0;
}

static int
fp_dpdk_pmd_infos_get(struct rte_eth_dev *eth, struct rte_eth_dev_info *info)
{
    struct fp_dpdk_pmd_port *port = port_of(eth);

    info->max_mac_addrs = 1;
    info->max_rx_pktlen = FP_MODEL_MAX_FRAME;
    info->min_mtu = RTE_ETHER_MIN_MTU;
    info->max_mtu = FP_MODEL_MAX_FRAME - RTE_ETHER_HDR_LEN - RTE_ETHER_CRC_LEN
                    - 8;
    info->max_rx_queues = FP_DPDK_PMD_MAX_RXQ;
    info->max_tx_queues = FP_DPDK_PMD_MAX_TXQ;
    info->min_rx_bufsize = 0;
    info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_RSS_HASH | RX_CKSUM_OFFLOADS;
    info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
    info->flow_type_rss_offloads = (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP
                                    | RTE_ETH_RSS_TCP);
    info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
    info->switch_info.name = port->dev->name;
    info->switch_info.domain_id = port->dev->switch_domain;
    info->switch_info.port_id = port->fp_port;
    info->switch_info.rx_domain = 0;
    /* No RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP: a stop destroys the rules. */
    info->dev_capa &= ~RTE_ETH_DEV_CAPA_FLOW_RULE_KEEP;
    return 0;
}

static int
fp_dpdk_pmd_stats_get(struct rte_eth_dev *eth, struct rte_eth_stats *stats)
{
    struct fp_dpdk_pmd_port *port = port_of(eth);
    struct fp_port_stats s;
    uint64_t oerrors = 0;
    uint16_t i;

    fp_port_get_stats(port->dev->fp, port->fp_port, &s);
    for (i = 0; i < eth->data->nb_tx_queues; i++) {
        struct fp_dpdk_pmd_txq *txq = eth->data->tx_queues[i];

        if (txq) {
            oerrors += txq->errors;
        }
    }
    /* The model's counters start from zero at a device reset: no less than
     * the base. */
    stats->ipackets = s.rx_packets - MIN(s.rx_packets, port->base.rx_packets);
    stats->ibytes = s.rx_bytes - MIN(s.rx_bytes, port->base.rx_bytes);
    stats->opackets = s.tx_packets - MIN(s.tx_packets, port->base.tx_packets);
    stats->obytes = s.tx_bytes - MIN(s.tx_bytes, port->base.tx_bytes);
    stats->imissed = s.drops - MIN(s.drops, port->base.drops);
    stats->oerrors = (s.tx_drops - MIN(s.tx_drops, port->base.tx_drops)
                      + oerrors - MIN(oerrors, port->base.malformed));
    stats->rx_nombuf = port->rx_nombuf;
    for (i = 0; i < eth->data->nb_rx_queues && i < RTE_ETHDEV_QUEUE_STAT_CNTRS;
         i++) {
        struct fp_dpdk_pmd_rxq *rxq = eth->data->rx_queues[i];

        if (rxq) {
            stats->q_ipackets[i] = rxq->packets;
            stats->q_ibytes[i] = rxq->bytes;
        }
    }
    for (i = 0; i < eth->data->nb_tx_queues && i < RTE_ETHDEV_QUEUE_STAT_CNTRS;
         i++) {
        struct fp_dpdk_pmd_txq *txq = eth->data->tx_queues[i];

        if (txq) {
            stats->q_opackets[i] = txq->packets;
            stats->q_obytes[i] = txq->bytes;
        }
    }
    return 0;
}

static int
fp_dpdk_pmd_stats_reset(struct rte_eth_dev *eth)
{
    struct fp_dpdk_pmd_port *port = port_of(eth);
    uint64_t oerrors = 0;
    uint16_t i;

    fp_port_get_stats(port->dev->fp, port->fp_port, &port->base);
    for (i = 0; i < eth->data->nb_tx_queues; i++) {
        struct fp_dpdk_pmd_txq *txq = eth->data->tx_queues[i];

        if (txq) {
            oerrors += txq->errors;
            txq->packets = txq->bytes = 0;
        }
    }
    for (i = 0; i < eth->data->nb_rx_queues; i++) {
        struct fp_dpdk_pmd_rxq *rxq = eth->data->rx_queues[i];

        if (rxq) {
            rxq->packets = rxq->bytes = 0;
        }
    }
    /* 'malformed' of the base holds the transmit errors of the queues. */
    port->base.malformed = oerrors;
    port->rx_nombuf = 0;
    return 0;
}

static int
fp_dpdk_pmd_rxq_setup(struct rte_eth_dev *eth, uint16_t qid,
                      uint16_t nb_desc OVS_UNUSED,
                      unsigned int socket,
                      const struct rte_eth_rxconf *conf OVS_UNUSED,
                      struct rte_mempool *mp)
{
    struct fp_dpdk_pmd_rxq *rxq;

    if (!mp) {
        return -EINVAL;
    }
    fp_dpdk_pmd_rxq_release(eth, qid);
    /* In DPDK's memory, as a PMD's queues are: ethdev keeps the pointer
     * there, and an application that exits without closing its ports
     * leaves them (OVS does). */
    rxq = rte_zmalloc_socket("fp_dpdk_pmd_rxq", sizeof *rxq,
                             RTE_CACHE_LINE_SIZE, socket);
    if (!rxq) {
        return -ENOMEM;
    }
    rxq->port = port_of(eth);
    rxq->mp = mp;
    rxq->queue_id = qid;
    eth->data->rx_queues[qid] = rxq;
    return 0;
}

static int
fp_dpdk_pmd_txq_setup(struct rte_eth_dev *eth, uint16_t qid,
                      uint16_t nb_desc OVS_UNUSED,
                      unsigned int socket,
                      const struct rte_eth_txconf *conf OVS_UNUSED)
{
    struct fp_dpdk_pmd_txq *txq;

    fp_dpdk_pmd_txq_release(eth, qid);
    txq = rte_zmalloc_socket("fp_dpdk_pmd_txq", sizeof *txq,
                             RTE_CACHE_LINE_SIZE, socket);
    if (!txq) {
        return -ENOMEM;
    }
    txq->port = port_of(eth);
    txq->queue_id = qid;
    eth->data->tx_queues[qid] = txq;
    return 0;
}

static int
fp_dpdk_pmd_mtu_set(struct rte_eth_dev *eth OVS_UNUSED, uint16_t mtu)
{
    return mtu > FP_MODEL_MAX_FRAME - RTE_ETHER_HDR_LEN ? -EINVAL : 0;
}

static int
fp_dpdk_pmd_nop(struct rte_eth_dev *eth OVS_UNUSED)
{
    return 0;
}

static int
fp_dpdk_pmd_mac_addr_set(struct rte_eth_dev *eth OVS_UNUSED,
                         struct rte_ether_addr *addr OVS_UNUSED)
{
    return 0;
}

static int
fp_dpdk_pmd_flow_ops_get(struct rte_eth_dev *eth OVS_UNUSED,
                         const struct rte_flow_ops **ops)
{
    *ops = &fp_dpdk_pmd_flow_ops;
    return 0;
}

static int
fp_dpdk_pmd_mtr_ops_get(struct rte_eth_dev *eth OVS_UNUSED, void *ops)
{
    *(const struct rte_mtr_ops **) ops = &fp_dpdk_pmd_mtr_ops;
    return 0;
}

static const struct eth_dev_ops fp_dpdk_pmd_ops = {
    .dev_configure = fp_dpdk_pmd_configure,
    .dev_start = fp_dpdk_pmd_start,
    .dev_stop = fp_dpdk_pmd_stop,
    .dev_close = fp_dpdk_pmd_close,
    .promiscuous_enable = fp_dpdk_pmd_nop,
    .promiscuous_disable = fp_dpdk_pmd_nop,
    .allmulticast_enable = fp_dpdk_pmd_nop,
    .allmulticast_disable = fp_dpdk_pmd_nop,
    .link_update = fp_dpdk_pmd_link_update,
    .stats_get = fp_dpdk_pmd_stats_get,
    .stats_reset = fp_dpdk_pmd_stats_reset,
    .dev_infos_get = fp_dpdk_pmd_infos_get,
    .mtu_set = fp_dpdk_pmd_mtu_set,
    .rx_queue_setup = fp_dpdk_pmd_rxq_setup,
    .rx_queue_release = fp_dpdk_pmd_rxq_release,
    .tx_queue_setup = fp_dpdk_pmd_txq_setup,
    .tx_queue_release = fp_dpdk_pmd_txq_release,
    .mac_addr_set = fp_dpdk_pmd_mac_addr_set,
    .flow_ops_get = fp_dpdk_pmd_flow_ops_get,
    .mtr_ops_get = fp_dpdk_pmd_mtr_ops_get,
};

/* Copies the 'len' bytes at 'data' into a new mbuf, chained if one
 * segment is too small, from 'mp'.  Returns NULL if 'mp' is empty. */
static struct rte_mbuf *
copy_to_mbuf(struct rte_mempool *mp, const uint8_t *data, size_t len)
{
    struct rte_mbuf *head = rte_pktmbuf_alloc(mp);
    struct rte_mbuf *cur = head;
    size_t ofs = 0;

    if (!head) {
        return NULL;
    }
    while (ofs < len) {
        size_t room = rte_pktmbuf_tailroom(cur);
        size_t chunk;

        if (!room) {
            struct rte_mbuf *seg = rte_pktmbuf_alloc(mp);

            if (!seg) {
                rte_pktmbuf_free(head);
                return NULL;
            }
            cur->next = seg;
            cur = seg;
            head->nb_segs++;
            room = rte_pktmbuf_tailroom(cur);
            if (!room) {
                rte_pktmbuf_free(head);
                return NULL;
            }
        }
        chunk = MIN(room, len - ofs);
        memcpy(rte_pktmbuf_mtod_offset(cur, uint8_t *, cur->data_len),
               data + ofs, chunk);
        cur->data_len += chunk;
        ofs += chunk;
    }
    head->pkt_len = len;
    return head;
}

static uint16_t
get16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

/* The receive checksum offloads: the checksums of the 'len' bytes of
 * Ethernet frame 'p', checked as a NIC checks them, as mbuf flags.  The
 * IPv4 header checksum, and the TCP or UDP checksum of a packet that is
 * not a fragment and whose L4 header follows the IP header; UNKNOWN for
 * the rest (IPv6 extension headers, truncated packets). */
static uint64_t
rx_cksum_flags(const uint8_t *p, size_t len)
{
    uint64_t flags = 0;
    size_t ofs = 12, l4_len;
    const uint8_t *l4;
    uint16_t type;
    uint8_t proto;
    int i, bad;

    if (len < 14) {
        return 0;
    }
    type = get16(p + ofs);
    for (i = 0; i < 2 && (type == 0x8100 || type == 0x88a8); i++) {
        ofs += 4;
        if (ofs + 2 > len) {
            return 0;
        }
        type = get16(p + ofs);
    }
    ofs += 2;

    if (type == 0x0800) {
        const struct rte_ipv4_hdr *ip = (const void *) (p + ofs);
        size_t ihl, tot;

        if (len < ofs + 20 || (p[ofs] >> 4) != 4) {
            return 0;
        }
        ihl = (p[ofs] & 0x0f) * 4;
        tot = ntohs(ip->total_length);
        if (ihl < 20 || ofs + ihl > len) {
            return 0;
        }
        flags |= (rte_raw_cksum(ip, ihl) == 0xffff
                  ? RTE_MBUF_F_RX_IP_CKSUM_GOOD : RTE_MBUF_F_RX_IP_CKSUM_BAD);
        proto = ip->next_proto_id;
        if ((ntohs(ip->fragment_offset)
             & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
            || tot < ihl || ofs + tot > len) {
            return flags;
        }
        l4 = p + ofs + ihl;
        l4_len = tot - ihl;
        if ((proto != IPPROTO_TCP && proto != IPPROTO_UDP)
            || l4_len < (proto == IPPROTO_TCP ? 20 : 8)) {
            return flags;
        }
        if (proto == IPPROTO_UDP && !get16(l4 + 6)) {
            return flags | RTE_MBUF_F_RX_L4_CKSUM_GOOD;   /* None. */
        }
        bad = rte_ipv4_udptcp_cksum_verify(ip, l4);
    } else if (type == 0x86dd) {
        const struct rte_ipv6_hdr *ip = (const void *) (p + ofs);

        if (len < ofs + 40) {
            return 0;
        }
        proto = ip->proto;
        l4_len = ntohs(ip->payload_len);
        l4 = p + ofs + 40;
        if ((proto != IPPROTO_TCP && proto != IPPROTO_UDP)
            || l4_len < (proto == IPPROTO_TCP ? 20 : 8)
            || ofs + 40 + l4_len > len) {
            return 0;
        }
        bad = rte_ipv6_udptcp_cksum_verify(ip, l4);
    } else {
        return 0;
    }
    return flags | (bad ? RTE_MBUF_F_RX_L4_CKSUM_BAD
                    : RTE_MBUF_F_RX_L4_CKSUM_GOOD);
}

/* Receive: what the model hands to the host on the port, on queue 0. */
static uint16_t
fp_dpdk_pmd_rx(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
    struct fp_dpdk_pmd_rxq *rxq = queue;
    struct fp_dpdk_pmd_port *port = rxq->port;
    uint16_t n_rx = 0;

    if (rxq->queue_id || !port->attached) {
        return 0;
    }
    while (n_rx < n) {
        struct fp_packet_md md;
        struct rte_mbuf *m;
        size_t len;
        int error;

        error = fp_port_recv_md(port->dev->fp, port->fp_port, rxq->buf,
                                sizeof rxq->buf, &len, &md);
        if (error == EAGAIN) {
            break;
        } else if (error) {
            VLOG_DBG_RL(&rl, "port %"PRIu16": receive failed (%s)",
                        port->port_id, ovs_strerror(error));
            continue;
        }
        m = copy_to_mbuf(rxq->mp, rxq->buf, len);
        if (!m) {
            port->rx_nombuf++;
            break;
        }
        m->port = port->port_id;
        m->hash.rss = md.rss_hash;
        m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
        if (port->rx_cksum) {
            m->ol_flags |= rx_cksum_flags(rxq->buf, len);
        }
        if (md.mark) {
            /* As real PMDs give the id of a MARK action. */
            m->hash.fdir.hi = md.mark;
            m->ol_flags |= RTE_MBUF_F_RX_FDIR | RTE_MBUF_F_RX_FDIR_ID;
        }
        rxq->packets++;
        rxq->bytes += len;
        pkts[n_rx++] = m;
    }
    return n_rx;
}

/* Transmit: out of the port, to its outside. */
static uint16_t
fp_dpdk_pmd_tx(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
    struct fp_dpdk_pmd_txq *txq = queue;
    struct fp_dpdk_pmd_port *port = txq->port;
    uint16_t i;

    for (i = 0; i < n; i++) {
        struct rte_mbuf *m = pkts[i];
        const void *data;
        int error;

        data = (m->pkt_len <= sizeof txq->buf
                ? rte_pktmbuf_read(m, 0, m->pkt_len, txq->buf)
                : NULL);
        error = (data
                 ? fp_port_send(port->dev->fp, port->fp_port, data,
                                m->pkt_len)
                 : EMSGSIZE);
        if (error) {
            VLOG_DBG_RL(&rl, "port %"PRIu16": send failed (%s)",
                        port->port_id, ovs_strerror(error));
            txq->errors++;
        } else {
            txq->packets++;
            txq->bytes += m->pkt_len;
        }
        rte_pktmbuf_free(m);
    }
    return n;
}

/* Devargs. */
struct fp_dpdk_pmd_args {
    uint32_t phy;
    uint32_t vfs;
    uint32_t rules;

    /* A port's own vdev (see fp_dpdk_pmd_probe()). */
    char *parent;
    uint32_t port;
};

static int
parse_string_arg(const char *key OVS_UNUSED, const char *value, void *sp)
{
    char **s = sp;

    free(*s);
    *s = xstrdup(value);
    return 0;
}

static int
parse_uint_arg(const char *key, const char *value, void *u32_)
{
    uint32_t *u32 = u32_;
    char *end;
    unsigned long x;

    errno = 0;
    x = strtoul(value, &end, 10);
    if (errno || end == value || *end || x > UINT32_MAX) {
        VLOG_ERR("%s: \"%s\" is not a number", key, value);
        return -EINVAL;
    }
    *u32 = x;
    return 0;
}

static int
parse_args(const char *params, struct fp_dpdk_pmd_args *args)
{
    static const char *const keys[] = {
        "phy", "vfs", "rules", "fp_parent", "fp_port", NULL
    };
    struct rte_kvargs *kv;
    int error;

    args->phy = 2;
    args->vfs = 0;
    args->rules = 0;
    args->parent = NULL;
    args->port = 0;
    if (!params || !params[0]) {
        return 0;
    }
    kv = rte_kvargs_parse(params, keys);
    if (!kv) {
        VLOG_ERR("%s: bad devargs \"%s\" (keys: phy, vfs, rules)",
                 FP_DPDK_PMD_DRIVER, params);
        return -EINVAL;
    }
    error = rte_kvargs_process(kv, "phy", parse_uint_arg, &args->phy);
    if (!error) {
        error = rte_kvargs_process(kv, "vfs", parse_uint_arg, &args->vfs);
    }
    if (!error) {
        error = rte_kvargs_process(kv, "rules", parse_uint_arg,
                                   &args->rules);
    }
    if (!error) {
        error = rte_kvargs_process(kv, "fp_parent", parse_string_arg,
                                   &args->parent);
    }
    if (!error) {
        error = rte_kvargs_process(kv, "fp_port", parse_uint_arg,
                                   &args->port);
    }
    rte_kvargs_free(kv);
    return error;
}

/* The name of the ethdev (and vdev) of model port 'p' of 'dev'. */
static void
port_name(const struct fp_dpdk_pmd_dev *dev, uint32_t p, char *name,
          size_t size)
{
    struct fp_device_config cfg;

    fp_device_get_config(dev->fp, &cfg);
    if (p == 0) {
        snprintf(name, size, "%s", dev->name);
    } else if (p < cfg.n_phy_ports) {
        snprintf(name, size, "%s_phy%"PRIu32, dev->name, p);
    } else {
        snprintf(name, size, "%s_vf%"PRIu32, dev->name, p - cfg.n_phy_ports);
    }
}

/* Creates the ethdev of model port 'p' of 'dev', on 'vdev'. */
static int
create_ethdev(struct rte_vdev_device *vdev, struct fp_dpdk_pmd_dev *dev,
              uint32_t p)
{
    struct fp_device_config cfg;
    struct fp_dpdk_pmd_port *port;
    struct rte_ether_addr *mac;
    struct rte_eth_dev *eth;
    char name[RTE_ETH_NAME_MAX_LEN];

    fp_device_get_config(dev->fp, &cfg);
    port_name(dev, p, name, sizeof name);
    eth = rte_eth_dev_allocate(name);
    if (!eth) {
        VLOG_ERR("%s: cannot allocate ethdev %s", dev->name, name);
        return ENOMEM;
    }
    port = rte_zmalloc(name, sizeof *port, RTE_CACHE_LINE_SIZE);
    mac = rte_zmalloc(name, sizeof *mac, 0);
    if (!port || !mac) {
        rte_free(port);
        rte_free(mac);
        rte_eth_dev_release_port(eth);
        return ENOMEM;
    }
    port->dev = dev;
    port->fp_port = p;
    port->port_id = eth->data->port_id;
    dev->port_ids[p] = eth->data->port_id;

    /* A locally administered address: 02:66:70 ("fp"), the port id. */
    mac->addr_bytes[0] = 0x02;
    mac->addr_bytes[1] = 0x66;
    mac->addr_bytes[2] = 0x70;
    mac->addr_bytes[4] = eth->data->port_id >> 8;
    mac->addr_bytes[5] = eth->data->port_id;

    eth->device = &vdev->device;
    eth->intr_handle = NULL;
    eth->data->dev_private = port;
    eth->data->mac_addrs = mac;
    eth->data->numa_node = vdev->device.numa_node;
    eth->data->promiscuous = 1;
    eth->data->all_multicast = 1;
    eth->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
    if (p >= cfg.n_phy_ports) {
        eth->data->dev_flags |= RTE_ETH_DEV_REPRESENTOR;
        eth->data->representor_id = p - cfg.n_phy_ports;
        eth->data->backer_port_id = dev->port_ids[0];
    }
    eth->dev_ops = &fp_dpdk_pmd_ops;
    eth->rx_pkt_burst = fp_dpdk_pmd_rx;
    eth->tx_pkt_burst = fp_dpdk_pmd_tx;
    update_link(eth);
    rte_eth_dev_probing_finish(eth);
    return 0;
}

static void fp_dpdk_pmd_dev_free(struct fp_dpdk_pmd_dev *);

/* The probe of a port's own vdev, 'fp_parent=NAME,fp_port=P', which the
 * probe of vdev NAME creates for each of its ports but port 0: creates the
 * ethdev of port P of NAME's model device on it. */
static int
probe_port(struct rte_vdev_device *vdev, const struct fp_dpdk_pmd_args *args)
{
    const char *name = rte_vdev_device_name(vdev);
    struct fp_dpdk_pmd_dev *dev = fp_dpdk_pmd_dev_find(args->parent);
    char expected[RTE_ETH_NAME_MAX_LEN];

    if (!dev || !args->port || args->port >= dev->n_ports
        || dev->port_ids[args->port] < RTE_MAX_ETHPORTS) {
        VLOG_ERR("%s: no port %"PRIu32" of %s to probe", name, args->port,
                 args->parent);
        return -EINVAL;
    }
    port_name(dev, args->port, expected, sizeof expected);
    if (strcmp(name, expected)) {
        VLOG_ERR("%s: port %"PRIu32" of %s is %s", name, args->port,
                 args->parent, expected);
        return -EINVAL;
    }
    return -create_ethdev(vdev, dev, args->port);
}

/* Probes vdev 'vdev': a model device and its ethdevs.
 *
 * Port 0's ethdev is on 'vdev', and each other port's on a vdev of its
 * own, named as the ethdev, that this creates with rte_vdev_init(): so
 * that a device iterator (rte_eth_iterator_init(), as OVS's dpdk-devargs
 * uses) finds "net_fp0_vf1" by its name, which is a vdev's name. */
static int
fp_dpdk_pmd_probe(struct rte_vdev_device *vdev)
{
    const char *name = rte_vdev_device_name(vdev);
    struct fp_dpdk_pmd_args args;
    struct fp_device_config cfg;
    struct fp_dpdk_pmd_dev *dev;
    char *reason = NULL;
    size_t slot;
    uint32_t p;
    int error;

    if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
        VLOG_ERR("%s: %s works in a primary process only", name,
                 FP_DPDK_PMD_DRIVER);
        return -ENOTSUP;
    }
    error = parse_args(rte_vdev_device_args(vdev), &args);
    if (error) {
        free(args.parent);
        return error;
    }
    if (vdev->device.numa_node == SOCKET_ID_ANY) {
        vdev->device.numa_node = rte_socket_id();
    }
    if (args.parent) {
        error = probe_port(vdev, &args);
        free(args.parent);
        return error;
    }

    fp_device_config_default(&cfg);
    cfg.n_phy_ports = args.phy;
    cfg.n_vfs = args.vfs;
    if (args.rules) {
        cfg.n_rules = args.rules;
    }
    if (fp_device_config_validate(&cfg, &reason)) {
        VLOG_ERR("%s: %s", name, reason);
        free(reason);
        return -EINVAL;
    }
    if (cfg.n_phy_ports + cfg.n_vfs > RTE_MAX_ETHPORTS) {
        VLOG_ERR("%s: %"PRIu32" ports, but DPDK has room for %d ethdevs",
                 name, cfg.n_phy_ports + cfg.n_vfs, RTE_MAX_ETHPORTS);
        return -EINVAL;
    }

    dev = xzalloc(sizeof *dev);
    dev->name = xstrdup(name);
    dev->n_ports = cfg.n_phy_ports + cfg.n_vfs;
    dev->port_ids = xmalloc(dev->n_ports * sizeof *dev->port_ids);
    for (p = 0; p < dev->n_ports; p++) {
        dev->port_ids[p] = RTE_MAX_ETHPORTS;
    }
    ovs_mutex_init(&dev->mutex);
    ovs_list_init(&dev->flows);
    fp_dpdk_pmd_mtr_init(dev);
    ovs_list_init(&dev->counters);
    dev->switch_domain = RTE_ETH_DEV_SWITCH_DOMAIN_ID_INVALID;

    error = fp_device_create(name, &cfg, &dev->fp);
    if (error) {
        VLOG_ERR("%s: cannot create the model device (%s)", name,
                 ovs_strerror(error));
        goto error;
    }
    error = -rte_eth_switch_domain_alloc(&dev->switch_domain);
    if (error) {
        VLOG_ERR("%s: no switch domain (%s)", name, ovs_strerror(error));
        goto error;
    }
    error = create_ethdev(vdev, dev, 0);
    if (error) {
        goto error;
    }

    ovs_mutex_lock(&devs_mutex);
    for (slot = 0; slot < ARRAY_SIZE(devs) && devs[slot]; slot++) {
        continue;
    }
    ovs_assert(slot < ARRAY_SIZE(devs));
    devs[slot] = dev;
    ovs_mutex_unlock(&devs_mutex);

    for (p = 1; p < dev->n_ports; p++) {
        char port[RTE_ETH_NAME_MAX_LEN];
        char *port_args;

        port_name(dev, p, port, sizeof port);
        port_args = xasprintf("fp_parent=%s,fp_port=%"PRIu32, name, p);
        error = -rte_vdev_init(port, port_args);
        free(port_args);
        if (error) {
            VLOG_ERR("%s: cannot create vdev %s (%s)", name, port,
                     ovs_strerror(error));
            ovs_mutex_lock(&devs_mutex);
            devs[slot] = NULL;
            ovs_mutex_unlock(&devs_mutex);
            goto error;
        }
    }

    VLOG_INFO("%s: model NIC with %"PRIu32" physical ports and %"PRIu32" "
              "VFs, DPDK ports %"PRIu16"...%"PRIu16, name, cfg.n_phy_ports,
              cfg.n_vfs, dev->port_ids[0], dev->port_ids[dev->n_ports - 1]);
    return 0;

error:
    fp_dpdk_pmd_dev_free(dev);
    return -error;
}

/* Closes and releases ethdev 'port_id', one of this PMD's, if it is
 * allocated. */
static void
release_ethdev(uint16_t port_id)
{
    struct rte_eth_dev *eth = &rte_eth_devices[port_id];

    if (eth->data && eth->data->dev_private) {
        fp_dpdk_pmd_close(eth);
    }
    rte_eth_dev_release_port(eth);
}

/* Removes the vdevs and ethdevs of 'dev' that are left, and frees it with
 * its model device. */
static void
fp_dpdk_pmd_dev_free(struct fp_dpdk_pmd_dev *dev)
{
    uint32_t p;

    for (p = dev->n_ports; p-- > 0; ) {
        if (p && dev->fp) {
            char port[RTE_ETH_NAME_MAX_LEN];

            /* The port's own vdev, if any, goes with its ethdev. */
            port_name(dev, p, port, sizeof port);
            rte_vdev_uninit(port);
        }
        if (dev->port_ids[p] < RTE_MAX_ETHPORTS) {
            release_ethdev(dev->port_ids[p]);
            dev->port_ids[p] = RTE_MAX_ETHPORTS;
        }
    }
    fp_dpdk_pmd_flow_free_all(dev);
    fp_dpdk_pmd_handle_free_all(dev);
    fp_dpdk_pmd_mtr_destroy(dev);
    if (dev->switch_domain != RTE_ETH_DEV_SWITCH_DOMAIN_ID_INVALID) {
        rte_eth_switch_domain_free(dev->switch_domain);
    }
    if (dev->fp) {
        fp_device_destroy(dev->fp);
    }
    ovs_mutex_destroy(&dev->mutex);
    free(dev->port_ids);
    free(dev->name);
    free(dev);
}

static int
fp_dpdk_pmd_remove(struct rte_vdev_device *vdev)
{
    const char *name = rte_vdev_device_name(vdev);
    struct fp_dpdk_pmd_dev *dev = NULL;
    struct rte_eth_dev *eth;
    size_t i;

    ovs_mutex_lock(&devs_mutex);
    for (i = 0; i < ARRAY_SIZE(devs); i++) {
        if (devs[i] && !strcmp(devs[i]->name, name)) {
            dev = devs[i];
            devs[i] = NULL;
            break;
        }
    }
    ovs_mutex_unlock(&devs_mutex);
    if (dev) {
        fp_dpdk_pmd_dev_free(dev);
        return 0;
    }

    /* A port's own vdev: its ethdev goes, the model device stays. */
    eth = rte_eth_dev_allocated(name);
    if (eth) {
        struct fp_dpdk_pmd_port *port = port_of(eth);
        struct fp_dpdk_pmd_dev *parent = port->dev;
        uint32_t p = port->fp_port;

        release_ethdev(eth->data->port_id);
        parent->port_ids[p] = RTE_MAX_ETHPORTS;
    }
    return 0;
}

static struct rte_vdev_driver fp_dpdk_pmd_vdev_driver = {
    .probe = fp_dpdk_pmd_probe,
    .remove = fp_dpdk_pmd_remove,
};

RTE_PMD_REGISTER_VDEV(net_fp, fp_dpdk_pmd_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_fp, "phy=<int> vfs=<int> rules=<int>");
