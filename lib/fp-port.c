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

/* The fp core's part of a device's ports (see "Ports" in include/fp/fp.h):
 * names, the host's send and receive, the outside of a port (an endpoint,
 * or a Linux interface as its link), counters, link state, ingress
 * policer and egress QoS.  It checks the arguments and calls the
 * driver. */

#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fp/fp-provider.h"
#include "fp-afpacket.h"
#include "fp-private.h"
#include "util.h"

static bool
fp_port_is_valid(const struct fp_device *dev, uint32_t port)
{
    return port < fp_device_n_ports(dev);
}

/* Parses the decimal number at 's' (digits only, no sign, no space, no
 * leading zero) into '*np'.  Returns 0, EINVAL for bad syntax, or ERANGE if
 * the number does not fit in 32 bits. */
static int
fp_parse_port_number(const char *s, uint32_t *np)
{
    uint64_t n = 0;

    if (!isdigit((unsigned char) *s) || (s[0] == '0' && s[1])) {
        return EINVAL;
    }
    for (; *s; s++) {
        if (!isdigit((unsigned char) *s)) {
            return EINVAL;
        }
        n = n * 10 + (*s - '0');
        if (n > UINT32_MAX) {
            /* Keep checking the syntax: EINVAL wins over ERANGE. */
            for (s++; *s; s++) {
                if (!isdigit((unsigned char) *s)) {
                    return EINVAL;
                }
            }
            return ERANGE;
        }
    }
    *np = n;
    return 0;
}

/* Parses the name of a NIC port of 'dev' in 's': "phy<N>" for physical port
 * N, "vf<N>" for VF N, with N in decimal without leading zeros.  On
 * success, stores the NIC port number in '*port' and returns 0.  Returns
 * EINVAL if 's' is not of that form, ERANGE if N is out of range for 'dev'.
 * '*port' is unchanged on failure. */
int
fp_port_from_string(const struct fp_device *dev, const char *s,
                    uint32_t *port)
{
    uint32_t n;
    int error;

    if (!s) {
        return EINVAL;
    }
    if (!strncmp(s, "phy", 3)) {
        error = fp_parse_port_number(s + 3, &n);
        if (!error && n >= dev->config.n_phy_ports) {
            error = ERANGE;
        }
        if (!error) {
            *port = n;
        }
    } else if (!strncmp(s, "vf", 2)) {
        error = fp_parse_port_number(s + 2, &n);
        if (!error && n >= dev->config.n_vfs) {
            error = ERANGE;
        }
        if (!error) {
            *port = dev->config.n_phy_ports + n;
        }
    } else {
        error = EINVAL;
    }
    return error;
}

/* Formats the name of NIC port 'port' of 'dev' into 'buf', which has room
 * for 'size' bytes, truncating if necessary: "phy<N>" or "vf<N>" as
 * fp_port_from_string() parses them, or "port<N>" for a port number out of
 * range. */
void
fp_port_to_string(const struct fp_device *dev, uint32_t port,
                  char *buf, size_t size)
{
    if (!size) {
        return;
    }
    if (port < dev->config.n_phy_ports) {
        snprintf(buf, size, "phy%"PRIu32, port);
    } else if (fp_port_is_valid(dev, port)) {
        snprintf(buf, size, "vf%"PRIu32, port - dev->config.n_phy_ports);
    } else {
        snprintf(buf, size, "port%"PRIu32, port);
    }
}

/* Attaches the host's representor to 'port' of 'dev'.  Returns 0, EINVAL if
 * 'port' is out of range, EBUSY if a representor is attached already, or
 * EOPNOTSUPP if the driver has no packet I/O (see "Packet I/O" in
 * fp-provider.h: so do the other port I/O functions below). */
int
fp_port_attach(struct fp_device *dev, uint32_t port)
{
    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    return (dev->class->port_attach ? dev->class->port_attach(dev, port)
            : EOPNOTSUPP);
}

/* Detaches the representor of 'port' of 'dev', if any, and drops the
 * packets queued for it.  Does nothing if 'port' is out of range. */
void
fp_port_detach(struct fp_device *dev, uint32_t port)
{
    if (fp_port_is_valid(dev, port) && dev->class->port_detach) {
        dev->class->port_detach(dev, port);
    }
}

/* Sends the 'size' bytes at 'data' from the host out of 'port' of 'dev',
 * to queue 0.  Returns 0, EINVAL for a bad argument, or EMSGSIZE if the
 * packet is too big for the device. */
int
fp_port_send(struct fp_device *dev, uint32_t port,
             const void *data, size_t size)
{
    return fp_port_send_md(dev, port, data, size, NULL);
}

/* As fp_port_send(), to the queue of 'port' that 'md' chooses (see "Egress
 * QoS" in fp.h); a NULL 'md' is queue 0 from no port. */
int
fp_port_send_md(struct fp_device *dev, uint32_t port, const void *data,
                size_t size, const struct fp_tx_md *md)
{
    static const struct fp_tx_md default_md = { .in_port = FP_PORT_NONE };
    int error;

    if (!fp_port_is_valid(dev, port) || (!data && size)) {
        return EINVAL;
    }
    if (!dev->class->port_send) {
        return EOPNOTSUPP;
    }
    error = fp_fault_check(dev, FP_OP_PORT_SEND);
    return (error ? error
            : dev->class->port_send(dev, port, data, size,
                                    md ? md : &default_md));
}

/* Gives 'port' of 'dev' the egress QoS 'qos' (see "Egress QoS" in fp.h), or
 * none if 'qos' is NULL.  Returns 0, EINVAL for a port out of range, or
 * EOPNOTSUPP if the driver has no egress QoS.  Packets queued in a queue
 * that the change removes are dropped and counted, in the queue's and the
 * port's 'tx_drops'. */
int
fp_port_set_qos(struct fp_device *dev, uint32_t port,
                const struct fp_qos_config *qos)
{
    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    if (!dev->class->port_set_qos) {
        return EOPNOTSUPP;
    }
    return dev->class->port_set_qos(dev, port, qos);
}

/* Gives VF port 'vf_port' of 'dev' the class 'rate' on every physical port
 * of 'dev': its traffic out of a physical port gets at least
 * 'rate->min_rate' and at most 'rate->max_rate' (bytes/s) of the port's
 * rate, by 'rate->weight' beside the other classes (see "Egress QoS").  A
 * NULL 'rate' removes the class.  Returns 0, EINVAL if 'vf_port' is not a
 * VF, or EOPNOTSUPP if the driver has no egress QoS. */
int
fp_port_set_vf_rate(struct fp_device *dev, uint32_t vf_port,
                    const struct fp_qos_class *rate)
{
    if (!fp_port_is_valid(dev, vf_port)
        || vf_port < dev->config.n_phy_ports) {
        return EINVAL;
    }
    if (!dev->class->port_set_vf_rate) {
        return EOPNOTSUPP;
    }
    return dev->class->port_set_vf_rate(dev, vf_port, rate);
}

/* Stores the counters of transmit queue 'queue' of 'port' of 'dev' in
 * '*stats'; 'queue' FP_QOS_N_QUEUES + P is the class of VF port P on
 * physical port 'port'.  They count since the queue or class was first
 * configured and survive device resets.  Returns 0, EINVAL for a port or
 * queue out of range, ENOENT if 'port' has no such queue or class, or
 * EOPNOTSUPP if the driver has no egress QoS. */
int
fp_port_get_queue_stats(const struct fp_device *dev, uint32_t port,
                        uint32_t queue, struct fp_queue_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (!fp_port_is_valid(dev, port)
        || queue >= FP_QOS_N_QUEUES + fp_device_n_ports(dev)) {
        return EINVAL;
    }
    if (!dev->class->port_get_queue_stats) {
        return EOPNOTSUPP;
    }
    return dev->class->port_get_queue_stats(dev, port, queue, stats);
}

/* Takes the oldest packet queued for the host on 'port' of 'dev' into
 * 'buf', which has room for 'size' bytes, and stores its length in
 * '*lenp'.  Never blocks.  Returns 0; EAGAIN if no packet is queued;
 * EMSGSIZE if the packet does not fit in 'buf' (it is then dropped and
 * counted); EINVAL for a bad argument. */
int
fp_port_recv(struct fp_device *dev, uint32_t port,
             void *buf, size_t size, size_t *lenp)
{
    struct fp_packet_md md;

    return fp_port_recv_md(dev, port, buf, size, lenp, &md);
}

/* As fp_port_recv(), and also stores the packet's metadata in '*md': the
 * mark that an FP_ACTION_MARK gave it (0 if none), its RSS hash and, if it
 * left the NIC after a recirculation, its recirc_id and dp_hash (see
 * struct fp_packet_md). */
int
fp_port_recv_md(struct fp_device *dev, uint32_t port,
                void *buf, size_t size, size_t *lenp,
                struct fp_packet_md *md)
{
    if (!fp_port_is_valid(dev, port) || (!buf && size) || !lenp || !md) {
        return EINVAL;
    }
    memset(md, 0, sizeof *md);
    return (dev->class->port_recv
            ? dev->class->port_recv(dev, port, buf, size, lenp, md)
            : EOPNOTSUPP);
}

/* Arranges for poll_block() to wake up when fp_port_recv() on 'port' of
 * 'dev' may have a packet.  Does nothing if 'port' is out of range. */
void
fp_port_recv_wait(struct fp_device *dev, uint32_t port)
{
    if (fp_port_is_valid(dev, port) && dev->class->port_recv_wait) {
        dev->class->port_recv_wait(dev, port);
    }
}

/* Brings the 'size' bytes at 'data' into 'dev' on 'port' from its outside
 * and waits until the NIC has processed the packet.  Returns 0, EINVAL for
 * a bad argument, or EMSGSIZE if the packet is too big for the device. */
int
fp_port_inject(struct fp_device *dev, uint32_t port,
               const void *data, size_t size)
{
    if (!fp_port_is_valid(dev, port) || (!data && size)) {
        return EINVAL;
    }
    return (dev->class->port_inject
            ? dev->class->port_inject(dev, port, data, size)
            : EOPNOTSUPP);
}

/* Runs the 'size' bytes at 'data' through the pipeline of 'port' of 'dev'
 * and records in '*trace' what the NIC does with them, stage by stage (see
 * struct fp_trace): with 'dry', without any effect, else as
 * fp_port_inject() does.  The caller frees '*trace' with fp_trace_uninit()
 * whatever this returns.  Returns 0, EINVAL if 'port' is out of range,
 * EOPNOTSUPP if the driver cannot trace, or EMSGSIZE for a packet larger
 * than the device's largest frame (a dry trace records that as
 * FP_TRACE_TOO_BIG instead). */
int
fp_port_trace(struct fp_device *dev, uint32_t port, const void *data,
              size_t size, bool dry, struct fp_trace *trace)
{
    memset(trace, 0, sizeof *trace);
    trace->dry = dry;
    if (!fp_port_is_valid(dev, port) || (!data && size)) {
        return EINVAL;
    }
    if (!dev->class->port_trace) {
        return EOPNOTSUPP;
    }
    return dev->class->port_trace(dev, port, data, size, trace);
}

/* Frees the packet copies of 'trace' and the traces of its later lookup
 * passes. */
void
fp_trace_uninit(struct fp_trace *trace)
{
    size_t i;

    for (i = 0; i < trace->n_steps; i++) {
        free(trace->steps[i].packet);
        trace->steps[i].packet = NULL;
    }
    trace->n_steps = 0;
    if (trace->next) {
        fp_trace_uninit(trace->next);
        free(trace->next);
        trace->next = NULL;
    }
}

/* Starts writing the packets that 'port' of 'dev' sends to its outside to
 * a new pcap file 'file_name', or stops if 'file_name' is NULL.  Returns 0,
 * EINVAL if 'port' is out of range, or the errno value of a failure to
 * create the file. */
int
fp_port_set_tx_pcap(struct fp_device *dev, uint32_t port,
                    const char *file_name)
{
    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    return (dev->class->port_set_tx_pcap
            ? dev->class->port_set_tx_pcap(dev, port, file_name)
            : EOPNOTSUPP);
}


/* Called within fp_link_poll_receive(), on the thread of the device that
 * polls the link, with the 'n' packets received on the interface, for
 * which the port's RX ring has room: the device asks for no more, so that
 * while the ring is full the packets wait in the interface's receive ring,
 * as on a wire with 802.3x PAUSE frames.  (Without that, a burst that came
 * while the engines waited for a CPU overflowed the port's ring although
 * the interface's had room: TCP between two VMs lost a segment in 150.) */
static void
fp_link_rx(void *link_, const struct fp_packet *pkts, size_t n)
{
    struct fp_link *link = link_;

    fp_port_receive_batch(link->dev, link->port, pkts, n, NULL);
}

/* The endpoint's 'send': what leaves the NIC port goes out on the
 * interface.  A frame that the interface does not take (its transmit queue
 * full) is lost, and the port counts it in 'drops'. */
static int
fp_link_send(void *link_, uint32_t port OVS_UNUSED, const void *data,
             size_t size)
{
    struct fp_link *link = link_;

    return fp_afpacket_send(link->afp, data, size);
}

/* The endpoint's 'get_fd', for a driver that polls endpoints. */
static int
fp_link_get_fd(void *link_)
{
    struct fp_link *link = link_;

    return fp_afpacket_fd(link->afp);
}

/* The endpoint's 'receive', for a driver that polls endpoints. */
static size_t
fp_link_poll_receive(void *link_, uint32_t port OVS_UNUSED, size_t max,
                     bool error)
{
    struct fp_link *link = link_;

    if (error) {
        fp_afpacket_clear_error(link->afp);
    }
    return max ? fp_afpacket_receive(link->afp, max) : 0;
}

/* A link that the device's threads poll. */
static const struct fp_endpoint_ops fp_link_ops = {
    .send = fp_link_send,
    .get_fd = fp_link_get_fd,
    .receive = fp_link_poll_receive,
};

/* Closes 'link' (see fp_port_set_link()), if nonnull, and frees it. */
void
fp_link_close(struct fp_link *link)
{
    if (link) {
        fp_afpacket_close(link->afp);
        free(link);
    }
}

/* Makes Linux network interface 'ifname' (typically one end of a veth pair)
 * the outside of 'port' of 'dev': packets received on the interface come
 * into the NIC on 'port', packets that leave 'port' go out on it.  A NULL
 * 'ifname' removes the link and restores the in-memory endpoint.  Either
 * way, the previous link of 'port' is closed.  Called from the control path
 * only (not thread-safe against itself for one device).
 *
 * Returns 0, EINVAL if 'port' is out of range, ENODEV if there is no
 * interface 'ifname', EPERM if the process may not open packet sockets (it
 * needs CAP_NET_RAW), or another positive errno value; on error, 'port'
 * keeps its previous link. */
int
fp_port_set_link(struct fp_device *dev, uint32_t port, const char *ifname)
{
    struct fp_link *link = NULL;
    int error;

    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    if (!dev->class->port_set_endpoint) {
        return EOPNOTSUPP;
    }

    if (ifname) {
        link = xzalloc(sizeof *link);
        link->dev = dev;
        link->port = port;
        error = fp_afpacket_open(ifname, fp_link_rx, link, &link->afp);
        if (error) {
            free(link);
            return error;
        }
        fp_port_set_endpoint(dev, port, &fp_link_ops, link);
    } else {
        fp_port_set_endpoint(dev, port, NULL, NULL);
    }

    fp_link_close(dev->links[port]);
    dev->links[port] = link;
    return 0;
}

/* Makes 'ops' (with 'aux') the endpoint of 'port' of 'dev', or restores the
 * in-memory endpoint if 'ops' is NULL (see fp.h).  Once this returns, the
 * previous endpoint is not called any more.  Returns 0, or EINVAL for a bad
 * argument. */
int
fp_port_set_endpoint(struct fp_device *dev, uint32_t port,
                     const struct fp_endpoint_ops *ops, void *aux)
{
    if (!fp_port_is_valid(dev, port)
        || (ops && (!ops->send || !ops->get_fd != !ops->receive))) {
        return EINVAL;
    }
    return (dev->class->port_set_endpoint
            ? dev->class->port_set_endpoint(dev, port, ops, aux)
            : EOPNOTSUPP);
}

/* Copies the 'n' packets 'pkts' into the RX ring of 'port' of 'dev', from
 * its outside, and returns without waiting for them to be processed.
 * Stores in '*n_queued' (if nonnull) how many fit in the ring; the others,
 * and those larger than the device's largest frame, are dropped and
 * counted in the port's 'drops'.  Returns 0, or EINVAL for a bad
 * argument. */
int
fp_port_receive_batch(struct fp_device *dev, uint32_t port,
                      const struct fp_packet *pkts, size_t n,
                      size_t *n_queued)
{
    size_t dummy, i;

    if (!fp_port_is_valid(dev, port) || (!pkts && n)) {
        return EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (!pkts[i].data && pkts[i].size) {
            return EINVAL;
        }
    }
    if (!dev->class->port_receive_batch) {
        if (n_queued) {
            *n_queued = 0;
        }
        return EOPNOTSUPP;
    }
    return dev->class->port_receive_batch(dev, port, pkts, n,
                                          n_queued ? n_queued : &dummy);
}

/* Stores the counters of 'port' of 'dev' in '*stats', all zero if 'port' is
 * out of range. */
void
fp_port_get_stats(const struct fp_device *dev, uint32_t port,
                  struct fp_port_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (fp_port_is_valid(dev, port)) {
        dev->class->port_get_stats(dev, port, stats);
    }
}

/* Sets the link of 'port' of 'dev' up or down (see struct fp_port_link):
 * for tests, as a cable plugged or pulled, or a VF's link state set to
 * enable or disable.  A change counts as a link reset.  Returns 0, EINVAL
 * if 'port' is out of range, or EOPNOTSUPP if the driver has no link
 * control. */
int
fp_port_set_link_state(struct fp_device *dev, uint32_t port, bool up)
{
    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    if (!dev->class->port_set_link_state) {
        return EOPNOTSUPP;
    }
    return dev->class->port_set_link_state(dev, port, up);
}

/* Sets the ingress policer of 'port' of 'dev' to 'policer', as fp.h
 * describes: all zero removes it.  A burst whose rate is zero is taken as
 * zero.  Returns 0, EINVAL if 'port' is out of range or a nonzero rate has
 * a zero burst (or the device cannot run the policer), or EOPNOTSUPP if
 * the driver cannot police.  On failure the port keeps its policer. */
int
fp_port_set_policer(struct fp_device *dev, uint32_t port,
                    const struct fp_port_policer *policer)
{
    struct fp_port_policer p = *policer;
    int error;

    if (!fp_port_is_valid(dev, port)) {
        return EINVAL;
    }
    if (!p.kbits_rate) {
        p.kbits_burst = 0;
    } else if (!p.kbits_burst) {
        return EINVAL;
    }
    if (!p.kpkts_rate) {
        p.kpkts_burst = 0;
    } else if (!p.kpkts_burst) {
        return EINVAL;
    }
    if (!dev->class->port_set_policer) {
        return EOPNOTSUPP;
    }
    error = fp_fault_check(dev, FP_OP_PORT_POLICER);
    return error ? error : dev->class->port_set_policer(dev, port, &p);
}

/* Stores the ingress policer of 'port' of 'dev' in '*policer': all zero if
 * it has none, if the driver cannot police or if 'port' is out of
 * range. */
void
fp_port_get_policer(const struct fp_device *dev, uint32_t port,
                    struct fp_port_policer *policer)
{
    memset(policer, 0, sizeof *policer);
    if (fp_port_is_valid(dev, port) && dev->class->port_get_policer) {
        dev->class->port_get_policer(dev, port, policer);
    }
}

/* Stores the link state of 'port' of 'dev' in '*link': up, never reset and
 * of unknown speed if the driver does not say, down if 'port' is out of
 * range. */
void
fp_port_get_link_state(const struct fp_device *dev, uint32_t port,
                       struct fp_port_link *link)
{
    memset(link, 0, sizeof *link);
    if (!fp_port_is_valid(dev, port)) {
        return;
    }
    if (dev->class->port_get_link_state) {
        dev->class->port_get_link_state(dev, port, link);
    } else {
        link->up = true;
    }
}

/* If 'port' of 'dev' has a Linux interface as its outside (see
 * fp_port_set_link()), stores the interface's carrier in '*carrier' and
 * returns 0.  Returns ENOENT if it has none, or another positive errno
 * value if the carrier cannot be read.  Called from the control path
 * only, as fp_port_set_link(). */
int
fp_port_get_link_carrier(struct fp_device *dev, uint32_t port,
                         bool *carrier)
{
    if (!fp_port_is_valid(dev, port) || !dev->links[port]) {
        return ENOENT;
    }
    return fp_afpacket_get_carrier(dev->links[port]->afp, carrier);
}

/* Returns the name of the Linux interface that is the outside of 'port' of
 * 'dev' (see fp_port_set_link()), or NULL if none.  Control path only. */
const char *
fp_port_get_link_name(const struct fp_device *dev, uint32_t port)
{
    return (fp_port_is_valid(dev, port) && dev->links[port]
            ? fp_afpacket_name(dev->links[port]->afp) : NULL);
}
