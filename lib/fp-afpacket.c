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

#include <config.h>

#include "fp-afpacket.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "coverage.h"
#include "fp/fp.h"
#include "openvswitch/vlog.h"
#include "socket-util.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(fp_afpacket);

COVERAGE_DEFINE(fp_afpacket_rx);
COVERAGE_DEFINE(fp_afpacket_tx);
COVERAGE_DEFINE(fp_afpacket_tx_error);
COVERAGE_DEFINE(fp_afpacket_rx_error);
COVERAGE_DEFINE(fp_afpacket_rx_truncated);
COVERAGE_DEFINE(fp_afpacket_rx_lost);

/* The receive ring (TPACKET_V2): FP_AFPACKET_N_BLOCKS blocks of
 * FP_AFPACKET_BLOCK_SIZE bytes, cut into frames of FP_AFPACKET_FRAME_SIZE
 * bytes, one packet per frame.  The kernel hands each frame to user space
 * as soon as it holds its packet and wakes the receive thread, so that a
 * packet waits for nothing: a TPACKET_V3 ring hands over whole blocks,
 * when full or when their timer expires (a jiffy at least, 4 ms at
 * HZ=250), and added that much to the latency of every packet of a
 * trickle, such as a ping.  A frame holds the largest frame of the model
 * NIC (9216 bytes) after the frame's header; a longer packet is cut short
 * by the kernel, and dropped here. */
#define FP_AFPACKET_BLOCK_SIZE (1 << 20)
#define FP_AFPACKET_N_BLOCKS 16
#define FP_AFPACKET_FRAME_SIZE (9216 + 256)
#define FP_AFPACKET_FRAMES_PER_BLOCK \
    (FP_AFPACKET_BLOCK_SIZE / FP_AFPACKET_FRAME_SIZE)
#define FP_AFPACKET_N_FRAMES \
    (FP_AFPACKET_FRAMES_PER_BLOCK * FP_AFPACKET_N_BLOCKS)
BUILD_ASSERT_DECL(FP_AFPACKET_FRAME_SIZE % TPACKET_ALIGNMENT == 0);

/* Most packets handed to the callback at once. */
#define FP_AFPACKET_BATCH 32

/* Largest frame received, with a VLAN tag put back. */
#define FP_AFPACKET_MAX_FRAME (FP_AFPACKET_FRAME_SIZE + 4)

struct fp_afpacket {
    char *name;                 /* Interface name. */
    int fd;                     /* AF_PACKET socket. */
    uint8_t *ring;              /* FP_AFPACKET_N_BLOCKS blocks. */
    size_t next;                /* Next frame to read. */
    uint8_t *bufs;              /* FP_AFPACKET_BATCH frames with a VLAN
                                 * tag put back. */
    fp_afpacket_rx_cb *rx_cb;
    void *aux;
};

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* Opens an AF_PACKET socket on network interface 'ifname', with a receive
 * ring, in promiscuous mode, whose packets go to 'rx_cb' with 'aux', in
 * batches, as fp_afpacket_receive() reads them: the caller polls
 * fp_afpacket_fd() and calls fp_afpacket_receive() from one thread of its
 * own.
 *
 * Returns 0 and stores the new endpoint in '*afp', or a positive errno
 * value: ENODEV if there is no such interface, EPERM if the process may not
 * open packet sockets (it needs CAP_NET_RAW). */
int
fp_afpacket_open(const char *ifname, fp_afpacket_rx_cb *rx_cb, void *aux,
                 struct fp_afpacket **afpp)
{
    struct tpacket_req req = {
        .tp_block_size = FP_AFPACKET_BLOCK_SIZE,
        .tp_block_nr = FP_AFPACKET_N_BLOCKS,
        .tp_frame_size = FP_AFPACKET_FRAME_SIZE,
        .tp_frame_nr = FP_AFPACKET_N_FRAMES,
    };
    struct packet_mreq mreq;
    struct sockaddr_ll sll;
    struct fp_afpacket *afp;
    int version = TPACKET_V2;
    int one = 1;
    int ifindex;
    int error;

    *afpp = NULL;
    ifindex = if_nametoindex(ifname);
    if (!ifindex) {
        return ENODEV;
    }

    afp = xzalloc(sizeof *afp);
    afp->name = xstrdup(ifname);
    afp->rx_cb = rx_cb;
    afp->aux = aux;
    afp->ring = MAP_FAILED;
    afp->bufs = xmalloc(FP_AFPACKET_BATCH * FP_AFPACKET_MAX_FRAME);

    /* Protocol 0: receive nothing until bound to the interface. */
    afp->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (afp->fd < 0) {
        error = errno == EACCES ? EPERM : errno;
        goto error;
    }
    if (setsockopt(afp->fd, SOL_PACKET, PACKET_VERSION, &version,
                   sizeof version)
        || setsockopt(afp->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req)
        || setsockopt(afp->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
                      sizeof one)) {
        error = errno;
        goto error;
    }
    afp->ring = mmap(NULL, FP_AFPACKET_BLOCK_SIZE * FP_AFPACKET_N_BLOCKS,
                     PROT_READ | PROT_WRITE, MAP_SHARED, afp->fd, 0);
    if (afp->ring == MAP_FAILED) {
        error = errno;
        goto error;
    }

    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifindex;
    if (bind(afp->fd, (struct sockaddr *) &sll, sizeof sll)) {
        error = errno;
        goto error;
    }

    memset(&mreq, 0, sizeof mreq);
    mreq.mr_ifindex = ifindex;
    mreq.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(afp->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq,
                   sizeof mreq)) {
        error = errno;
        goto error;
    }

    *afpp = afp;
    return 0;

error:
    if (afp->ring != MAP_FAILED) {
        munmap(afp->ring, FP_AFPACKET_BLOCK_SIZE * FP_AFPACKET_N_BLOCKS);
    }
    if (afp->fd >= 0) {
        close(afp->fd);
    }
    free(afp->bufs);
    free(afp->name);
    free(afp);
    return error;
}

/* Closes 'afp'.  Must not be called from the callback, nor while another
 * thread is in fp_afpacket_receive() or polls fp_afpacket_fd(). */
void
fp_afpacket_close(struct fp_afpacket *afp)
{
    if (afp) {
        munmap(afp->ring, FP_AFPACKET_BLOCK_SIZE * FP_AFPACKET_N_BLOCKS);
        close(afp->fd);
        free(afp->bufs);
        free(afp->name);
        free(afp);
    }
}

/* Returns the file descriptor of 'afp's socket: poll() reports it readable
 * (POLLIN) while its receive ring holds a packet for
 * fp_afpacket_receive(), and POLLERR when the interface went down (then
 * call fp_afpacket_clear_error()).  It belongs to 'afp'. */
int
fp_afpacket_fd(const struct fp_afpacket *afp)
{
    return afp->fd;
}

const char *
fp_afpacket_name(const struct fp_afpacket *afp)
{
    return afp->name;
}

/* Stores in '*carrier' whether the interface is up with a carrier
 * (IFF_UP and IFF_RUNNING).  Returns 0 or a positive errno value. */
int
fp_afpacket_get_carrier(const struct fp_afpacket *afp, bool *carrier)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    ovs_strlcpy(ifr.ifr_name, afp->name, sizeof ifr.ifr_name);
    if (ioctl(afp->fd, SIOCGIFFLAGS, &ifr) < 0) {
        return errno;
    }
    *carrier = (ifr.ifr_flags & (IFF_UP | IFF_RUNNING))
               == (IFF_UP | IFF_RUNNING);
    return 0;
}

/* Sends the 'size' bytes at 'data' out of the interface.  Never blocks:
 * returns EAGAIN or ENOBUFS when the interface's queue is full, and the
 * packet is lost, as on a wire. */
int
fp_afpacket_send(struct fp_afpacket *afp, const void *data, size_t size)
{
    ssize_t retval = send(afp->fd, data, size, MSG_DONTWAIT);

    if (retval < 0) {
        COVERAGE_INC(fp_afpacket_tx_error);
        VLOG_DBG_RL(&rl, "%s: send failed (%s)", afp->name,
                    ovs_strerror(errno));
        return errno;
    }
    COVERAGE_INC(fp_afpacket_tx);
    return 0;
}

/* Returns frame 'i' of the receive ring of 'afp'. */
static struct tpacket2_hdr *
fp_afpacket_frame(const struct fp_afpacket *afp, size_t i)
{
    return ALIGNED_CAST(struct tpacket2_hdr *,
                        afp->ring
                        + i / FP_AFPACKET_FRAMES_PER_BLOCK
                          * FP_AFPACKET_BLOCK_SIZE
                        + i % FP_AFPACKET_FRAMES_PER_BLOCK
                          * FP_AFPACKET_FRAME_SIZE);
}

/* Stores in 'pkt' the packet of frame 'hdr', with the VLAN tag that the
 * kernel took out of the frame, if any, put back after the MAC addresses
 * (then in 'buf', which has room for FP_AFPACKET_MAX_FRAME bytes).
 * Returns false if the packet was longer than a frame, and cut short: it
 * is dropped. */
static bool
fp_afpacket_prepare(struct fp_afpacket *afp, const struct tpacket2_hdr *hdr,
                    uint8_t *buf, struct fp_packet *pkt)
{
    const uint8_t *data = (const uint8_t *) hdr + hdr->tp_mac;
    size_t size = hdr->tp_snaplen;

    if (OVS_UNLIKELY(hdr->tp_status & TP_STATUS_LOSING)) {
        /* The kernel dropped packets for want of a free frame: count
         * them (reading the statistics resets them). */
        struct tpacket_stats stats;
        socklen_t len = sizeof stats;

        if (!getsockopt(afp->fd, SOL_PACKET, PACKET_STATISTICS, &stats,
                        &len)) {
            COVERAGE_ADD(fp_afpacket_rx_lost, stats.tp_drops);
            VLOG_DBG_RL(&rl, "%s: %u packets lost, the receive ring was "
                        "full", afp->name, stats.tp_drops);
        }
    }
    if (OVS_UNLIKELY(hdr->tp_snaplen < hdr->tp_len)) {
        COVERAGE_INC(fp_afpacket_rx_truncated);
        VLOG_DBG_RL(&rl, "%s: %"PRIu32"-byte frame dropped: longer than a "
                    "frame of the receive ring", afp->name, hdr->tp_len);
        return false;
    }
    COVERAGE_INC(fp_afpacket_rx);
    if (hdr->tp_status & TP_STATUS_VLAN_VALID && size >= 12
        && size + 4 <= FP_AFPACKET_MAX_FRAME) {
        uint16_t tpid = (hdr->tp_status & TP_STATUS_VLAN_TPID_VALID
                         ? hdr->tp_vlan_tpid : ETH_P_8021Q);
        uint16_t tci = hdr->tp_vlan_tci;

        memcpy(buf, data, 12);
        buf[12] = tpid >> 8;
        buf[13] = tpid;
        buf[14] = tci >> 8;
        buf[15] = tci;
        memcpy(buf + 16, data + 12, size - 12);
        pkt->data = buf;
        pkt->size = size + 4;
    } else {
        pkt->data = data;
        pkt->size = size;
    }
    return true;
}

/* Reads and clears the error of the socket of 'afp', which poll() reports
 * as POLLERR, and counts it.  The interface went down (ENETDOWN, e.g. when
 * a VF's link state takes its guest's carrier away): reading the error
 * clears it, or poll() would return at once, again and again, until the
 * interface is up.  The socket receives again when the interface is up. */
void
fp_afpacket_clear_error(struct fp_afpacket *afp)
{
    socklen_t len = sizeof(int);
    int error = 0;

    COVERAGE_INC(fp_afpacket_rx_error);
    ignore(getsockopt(afp->fd, SOL_SOCKET, SO_ERROR, &error, &len));
    VLOG_DBG_RL(&rl, "%s: %s", afp->name, ovs_strerror(error));
}

/* Hands the packets that the receive ring of 'afp' holds, up to 'max' and
 * to FP_AFPACKET_BATCH, in their order, to the callback (in one call, if
 * any is not dropped), and gives their frames back to the kernel once the
 * callback returns.  Never blocks.  Returns the number of frames read,
 * counting those dropped for being cut short; 0 if the ring is empty.
 * Called from one thread at a time. */
size_t
fp_afpacket_receive(struct fp_afpacket *afp, size_t max)
{
    struct fp_packet pkts[FP_AFPACKET_BATCH];
    size_t first = afp->next;
    size_t n_frames, n = 0;

    max = MIN(max, FP_AFPACKET_BATCH);
    for (n_frames = 0; n_frames < max; n_frames++) {
        struct tpacket2_hdr *hdr = fp_afpacket_frame(afp, afp->next);

        if (!(__atomic_load_n(&hdr->tp_status, __ATOMIC_ACQUIRE)
              & TP_STATUS_USER)) {
            break;
        }
        if (fp_afpacket_prepare(afp, hdr,
                                afp->bufs + n * FP_AFPACKET_MAX_FRAME,
                                &pkts[n])) {
            n++;
        }
        afp->next = (afp->next + 1) % FP_AFPACKET_N_FRAMES;
    }
    if (n) {
        afp->rx_cb(afp->aux, pkts, n);
    }
    for (size_t i = 0; i < n_frames; i++) {
        struct tpacket2_hdr *hdr = fp_afpacket_frame(afp, first);

        __atomic_store_n(&hdr->tp_status, TP_STATUS_KERNEL,
                         __ATOMIC_RELEASE);
        first = (first + 1) % FP_AFPACKET_N_FRAMES;
    }
    return n_frames;
}
