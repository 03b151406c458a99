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

#include "netdev-fp.h"

#include <errno.h>
#include <string.h>

#include "coverage.h"
#include "dp-packet.h"
#include "dirs.h"
#include "dpif-netdev.h"
#include "hash.h"
#include "fp/fp.h"
#include "netdev-fp-private.h"
#include "netdev-fp-vf.h"
#include "netdev-fp-qos.h"
#include "netdev-offload.h"
#include "netdev-offload-fp.h"
#include "netdev-provider.h"
#include "odp-util.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/vlog.h"
#include "ovs-offload.h"
#include "packets.h"
#include "openvswitch/poll-loop.h"
#include "ovs-atomic.h"
#include "smap.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(netdev_fp);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

COVERAGE_DEFINE(fp_netdev_rx);
COVERAGE_DEFINE(fp_netdev_tx);
COVERAGE_DEFINE(fp_netdev_tx_unbound);

/* Largest frame the host exchanges with the NIC. */
#define NETDEV_FP_MAX_FRAME 65535


struct netdev_rxq_fp {
    struct netdev_rxq up;
};


static struct ovs_mutex netdev_fp_list_mutex = OVS_MUTEX_INITIALIZER;
static struct ovs_list netdev_fp_list OVS_GUARDED_BY(netdev_fp_list_mutex)
    = OVS_LIST_INITIALIZER(&netdev_fp_list);

bool
netdev_fp_is_fp(const struct netdev *netdev)
{
    return netdev_get_class(netdev) == &netdev_fp_class;
}

static struct netdev_rxq_fp *
netdev_rxq_fp_cast(const struct netdev_rxq *rx)
{
    ovs_assert(netdev_fp_is_fp(rx->netdev));
    return CONTAINER_OF(rx, struct netdev_rxq_fp, up);
}

/* The NIC ports that netdev_fp_get_port() last found.
 *
 * Every flow_put() looks up the NIC port of its input netdev and of each
 * output netdev, which took the netdev's mutex twice a flow: 170
 * instructions a lookup, a tenth of a flow_put() on the OVS side.  So each
 * thread keeps the last two bindings it found (input and output), without
 * a lock, each valid while 'netdev_fp_bind_seq' has not changed since it
 * was filled.  netdev_fp_binding_changes() changes it, under the netdev's
 * mutex, before a netdev is bound, rebound or unbound (destroyed): a
 * lookup that reads the new value misses the cache and takes the mutex, so
 * it waits for the change to finish and sees the new binding, as it did
 * without the cache.  A netdev is compared by address only: an entry of a
 * netdev that was destroyed, whose address a new netdev may get, is stale
 * since its unbind. */
struct netdev_fp_binding {
    uint64_t seq;               /* 'netdev_fp_bind_seq' when filled, or 0
                                 * (empty). */
    const struct netdev *netdev;/* A key, no reference. */
    struct fp_device *dev;      /* Bound: never NULL. */
    uint32_t port;
};

struct netdev_fp_bindings {
    struct netdev_fp_binding last[2];   /* The last found first. */
};

DEFINE_STATIC_PER_THREAD_DATA(struct netdev_fp_bindings, netdev_fp_bindings,
                              { { { 0 } } });

/* Starts at 1: 0 marks an empty entry. */
static atomic_uint64_t netdev_fp_bind_seq = ATOMIC_VAR_INIT(1);

/* Says that the binding of 'netdev' is about to change, so that no thread
 * uses a binding that it found before (see above).  The caller holds the
 * netdev's mutex until the change is done. */
static void
netdev_fp_binding_changes(struct netdev_fp *netdev OVS_UNUSED)
    OVS_REQUIRES(netdev->mutex)
{
    uint64_t orig;

    atomic_add(&netdev_fp_bind_seq, 1, &orig);
}

/* netdev_fp_get_port() for an "fp" netdev whose binding the thread did not
 * find in its cache at 'seq', out of line: the cache's hit saves the
 * registers that this path uses (a fifth of a lookup). */
static bool __attribute__((noinline))
netdev_fp_get_port__(const struct netdev *netdev_, uint64_t seq,
                     struct fp_device **devp, uint32_t *portp)
{
    struct netdev_fp_binding *last = netdev_fp_bindings_get()->last;
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    struct fp_device *dev;
    uint32_t port;

    ovs_mutex_lock(&netdev->mutex);
    dev = netdev->fp_dev;
    port = netdev->fp_port;
    ovs_mutex_unlock(&netdev->mutex);
    *devp = dev;
    *portp = port;
    if (!dev) {
        return false;
    }
    last[1] = last[0];
    last[0] = (struct netdev_fp_binding) {
        .seq = seq,
        .netdev = netdev_,
        .dev = dev,
        .port = port,
    };
    return true;
}

/* If 'netdev' is an "fp" netdev bound to a NIC port, stores the device and
 * the port in '*devp' and '*portp' and returns true; otherwise returns
 * false.  Any thread. */
bool
netdev_fp_get_port(const struct netdev *netdev_, struct fp_device **devp,
                   uint32_t *portp)
{
    const struct netdev_fp_binding *last;
    uint64_t seq;
    int i;

    /* netdev_fp_is_fp() without its call. */
    if (netdev_->netdev_class != &netdev_fp_class) {
        return false;
    }
    last = netdev_fp_bindings_get()->last;
    atomic_read_explicit(&netdev_fp_bind_seq, &seq, memory_order_acquire);
    for (i = 0; i < 2; i++) {
        if (last[i].seq == seq && last[i].netdev == netdev_) {
            *devp = last[i].dev;
            *portp = last[i].port;
            return true;
        }
    }
    return netdev_fp_get_port__(netdev_, seq, devp, portp);
}

/* Reads the counters of every NIC port of 'dev' that an "fp" netdev is
 * bound to, so that a reset of 'dev' that follows loses none of them. */
void
netdev_fp_save_stats(const struct fp_device *dev)
{
    struct netdev_fp *netdev;

    ovs_mutex_lock(&netdev_fp_list_mutex);
    LIST_FOR_EACH (netdev, list_node, &netdev_fp_list) {
        ovs_mutex_lock(&netdev->mutex);
        if (netdev->fp_dev == dev) {
            netdev_fp_stats_read(netdev);
        }
        ovs_mutex_unlock(&netdev->mutex);
    }
    ovs_mutex_unlock(&netdev_fp_list_mutex);
}

/* Reads the VF counters of VF port 'port' of 'dev' for the "fp" netdev
 * bound to it, if any, so that a VF reset that follows loses none of
 * them. */
void
netdev_fp_save_vf_stats(const struct fp_device *dev, uint32_t port)
{
    struct netdev_fp *netdev;

    ovs_mutex_lock(&netdev_fp_list_mutex);
    LIST_FOR_EACH (netdev, list_node, &netdev_fp_list) {
        ovs_mutex_lock(&netdev->mutex);
        if (netdev->fp_dev == dev && netdev->fp_port == port) {
            netdev_fp_stats_read_vf(netdev);
        }
        ovs_mutex_unlock(&netdev->mutex);
    }
    ovs_mutex_unlock(&netdev_fp_list_mutex);
}

/* Returns the "fp" netdev bound to NIC port 'port' of 'dev', with a
 * reference that the caller must release with netdev_close(), or NULL if no
 * netdev is bound to it. */
struct netdev *
netdev_fp_find_by_port(const struct fp_device *dev, uint32_t port)
{
    struct netdev *found = NULL;
    struct netdev_fp *netdev;

    ovs_mutex_lock(&netdev_fp_list_mutex);
    LIST_FOR_EACH (netdev, list_node, &netdev_fp_list) {
        ovs_mutex_lock(&netdev->mutex);
        if (netdev->fp_dev == dev && netdev->fp_port == port) {
            found = netdev_ref(&netdev->up);
        }
        ovs_mutex_unlock(&netdev->mutex);
        if (found) {
            break;
        }
    }
    ovs_mutex_unlock(&netdev_fp_list_mutex);
    return found;
}

/* Returns the name (to free) of an "fp" netdev other than 'self' whose
 * options:endpoint is 'endpoint', or NULL if there is none. */
static char *
netdev_fp_find_endpoint(const struct netdev_fp *self, const char *endpoint)
    OVS_EXCLUDED(self->mutex)
{
    struct netdev_fp *netdev;
    char *found = NULL;

    ovs_mutex_lock(&netdev_fp_list_mutex);
    LIST_FOR_EACH (netdev, list_node, &netdev_fp_list) {
        if (netdev != self) {
            ovs_mutex_lock(&netdev->mutex);
            if (netdev->endpoint && !strcmp(netdev->endpoint, endpoint)) {
                found = xstrdup(netdev_get_name(&netdev->up));
            }
            ovs_mutex_unlock(&netdev->mutex);
        }
        if (found) {
            break;
        }
    }
    ovs_mutex_unlock(&netdev_fp_list_mutex);
    return found;
}

/* Stores the link of the NIC port of 'netdev' in '*link': down if the
 * netdev is not bound to one. */
static void
netdev_fp_get_link(const struct netdev_fp *netdev, struct fp_port_link *link)
    OVS_REQUIRES(netdev->mutex)
{
    if (netdev->fp_dev) {
        fp_port_get_link_state(netdev->fp_dev, netdev->fp_port, link);
    } else {
        memset(link, 0, sizeof *link);
    }
}

/* Returns true if the NIC port of 'netdev' is a VF that is unplugged (see
 * fp_port_vf_unplug()): then its Linux interface is down because of the
 * unplug, which is not a change of the VF's link, and netdev_fp_run() does
 * not make the link follow it. */
static bool
netdev_fp_vf_unplugged(const struct netdev_fp *netdev)
    OVS_REQUIRES(netdev->mutex)
{
    struct fp_vf_hotplug hotplug;

    fp_port_get_vf_hotplug(netdev->fp_dev, netdev->fp_port, &hotplug);
    return hotplug.unplugged;
}

/* How often netdev_fp_run() reads the carrier of the Linux interfaces that
 * are endpoints of NIC ports, in ms. */
#define NETDEV_FP_CARRIER_INTERVAL 1000

/* When netdev_fp_run() reads the carriers next. */
static long long int netdev_fp_next_carrier_poll;

/* Called on ovs-vswitchd's main thread on each iteration: makes the link
 * of each NIC port with a Linux interface as its endpoint follow the
 * interface's carrier (once a second), and tells OVS about every change of
 * a link (through the netdev's change_seq), whatever changed it. */
static void
netdev_fp_run(const struct netdev_class *netdev_class OVS_UNUSED)
{
    long long int now = time_msec();
    bool poll_carrier = now >= netdev_fp_next_carrier_poll;
    struct netdev_fp *netdev;

    if (poll_carrier) {
        netdev_fp_next_carrier_poll = now + NETDEV_FP_CARRIER_INTERVAL;
    }

    ovs_mutex_lock(&netdev_fp_list_mutex);
    LIST_FOR_EACH (netdev, list_node, &netdev_fp_list) {
        struct fp_port_link link;
        bool carrier;

        ovs_mutex_lock(&netdev->mutex);
        if (netdev->fp_dev && netdev->endpoint && poll_carrier
            && !netdev_fp_vf_unplugged(netdev)
            && !fp_port_get_link_carrier(netdev->fp_dev, netdev->fp_port,
                                         &carrier)
            && (!netdev->endpoint_carrier_valid
                || carrier != netdev->endpoint_carrier)) {
            /* A change of the carrier (or the first read) sets the link;
             * fp/set-link may change it in between. */
            fp_port_set_link_state(netdev->fp_dev, netdev->fp_port, carrier);
            netdev->endpoint_carrier = carrier;
            netdev->endpoint_carrier_valid = true;
        }
        netdev_fp_get_link(netdev, &link);
        if (link.up != netdev->carrier
            || link.resets != netdev->carrier_resets) {
            VLOG_INFO_RL(&rl, "%s: link state changed to %s",
                         netdev_get_name(&netdev->up),
                         link.up ? "up" : "down");
            netdev->carrier = link.up;
            netdev->carrier_resets = link.resets;
            netdev_change_seq_changed(&netdev->up);
        }
        ovs_mutex_unlock(&netdev->mutex);
    }
    ovs_mutex_unlock(&netdev_fp_list_mutex);
}

/* Wakes the main thread for the next read of the endpoints' carriers, if
 * any NIC port has a Linux interface as its endpoint. */
static void
netdev_fp_wait(const struct netdev_class *netdev_class OVS_UNUSED)
{
    struct netdev_fp *netdev;
    bool any = false;

    ovs_mutex_lock(&netdev_fp_list_mutex);
    LIST_FOR_EACH (netdev, list_node, &netdev_fp_list) {
        ovs_mutex_lock(&netdev->mutex);
        any = netdev->fp_dev && netdev->endpoint;
        ovs_mutex_unlock(&netdev->mutex);
        if (any) {
            break;
        }
    }
    ovs_mutex_unlock(&netdev_fp_list_mutex);
    if (any) {
        poll_timer_wait_until(netdev_fp_next_carrier_poll);
    }
}

static struct netdev *
netdev_fp_alloc(void)
{
    struct netdev_fp *netdev = xzalloc(sizeof *netdev);
    return &netdev->up;
}

static int
netdev_fp_construct(struct netdev *netdev_)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);

    ovs_offload_init();
    ovs_mutex_init(&netdev->mutex);
    netdev->fp_dev = NULL;
    netdev->mtu = ETH_PAYLOAD_MAX;
    netdev->flags = NETDEV_UP;
    netdev_fp_qos_init(&netdev->qos);

    ovs_mutex_lock(&netdev_fp_list_mutex);
    ovs_list_push_back(&netdev_fp_list, &netdev->list_node);
    ovs_mutex_unlock(&netdev_fp_list_mutex);
    return 0;
}

/* Gives the NIC port of 'netdev', if it is bound to one, the ingress
 * policer that OVS set (none if 'clear'), and records in
 * 'netdev->policer_error' why the port does not run it, if it does not. */
static void
netdev_fp_apply_policer(struct netdev_fp *netdev, bool clear)
    OVS_REQUIRES(netdev->mutex)
{
    static const struct fp_port_policer none;
    const struct fp_port_policer *p = clear ? &none : &netdev->policer;
    const char *name = netdev_get_name(&netdev->up);
    char port[32];
    int error;

    free(netdev->policer_error);
    netdev->policer_error = NULL;
    if (!netdev->fp_dev) {
        return;
    }

    error = fp_port_set_policer(netdev->fp_dev, netdev->fp_port, p);
    if (error && (p->kbits_rate || p->kpkts_rate)) {
        fp_port_to_string(netdev->fp_dev, netdev->fp_port, port,
                          sizeof port);
        netdev->policer_error = xasprintf(
            "%s of %s cannot police ingress_policing_rate=%"PRIu32
            " ingress_policing_burst=%"PRIu32" ingress_policing_kpkts_rate="
            "%"PRIu32" ingress_policing_kpkts_burst=%"PRIu32" (%s)",
            port, fp_device_name(netdev->fp_dev), p->kbits_rate,
            p->kbits_burst, p->kpkts_rate, p->kpkts_burst,
            error == EOPNOTSUPP ? "its driver has no ingress policer"
            : ovs_strerror(error));
        VLOG_WARN("%s: %s; the interface forwards without policing", name,
                  netdev->policer_error);
    } else if (error) {
        VLOG_DBG("%s: removing the ingress policer failed (%s)", name,
                 ovs_strerror(error));
    }
}

static void
netdev_fp_unbind(struct netdev_fp *netdev)
    OVS_REQUIRES(netdev->mutex)
{
    if (netdev->fp_dev) {
        netdev_fp_binding_changes(netdev);

        /* The next interface on this NIC port starts without a policer. */
        netdev_fp_apply_policer(netdev, true);

        /* The counters of this port so far stay with the netdev. */
        netdev_fp_stats_read(netdev);
        netdev_fp_stats_add(&netdev->base, &netdev->last);
        memset(&netdev->last, 0, sizeof netdev->last);
        netdev_fp_vf_stats_add(&netdev->vf_base, &netdev->vf_last);
        memset(&netdev->vf_last, 0, sizeof netdev->vf_last);
        if (netdev->has_vf_config) {
            /* The next interface on this VF starts without a policy. */
            fp_vf_set_config(netdev->fp_dev, netdev->fp_port, NULL);
        }

        fp_port_set_tx_pcap(netdev->fp_dev, netdev->fp_port, NULL);
        fp_port_set_qos(netdev->fp_dev, netdev->fp_port, NULL);
        netdev_fp_evb_unbind(netdev);
        if (netdev->has_vf_rate) {
            fp_port_set_vf_rate(netdev->fp_dev, netdev->fp_port, NULL);
        }
        if (netdev->endpoint) {
            /* The in-memory endpoint is always connected. */
            fp_port_set_link(netdev->fp_dev, netdev->fp_port, NULL);
            fp_port_set_link_state(netdev->fp_dev, netdev->fp_port, true);
        }
        fp_port_detach(netdev->fp_dev, netdev->fp_port);
        netdev->fp_dev = NULL;
    }
    free(netdev->tx_pcap);
    netdev->tx_pcap = NULL;
    free(netdev->tx_pcap_error);
    netdev->tx_pcap_error = NULL;
    free(netdev->endpoint);
    netdev->endpoint = NULL;
}

static void
netdev_fp_destruct(struct netdev *netdev_)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);

    ovs_mutex_lock(&netdev_fp_list_mutex);
    ovs_list_remove(&netdev->list_node);
    ovs_mutex_unlock(&netdev_fp_list_mutex);

    ovs_mutex_lock(&netdev->mutex);
    netdev_fp_unbind(netdev);
    netdev_fp_qos_destroy(&netdev->qos);
    free(netdev->qos_error);
    free(netdev->vf_rate_error);
    free(netdev->vf_config_error);
    ovs_mutex_unlock(&netdev->mutex);
    ovs_mutex_destroy(&netdev->mutex);
}

static void
netdev_fp_dealloc(struct netdev *netdev_)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    free(netdev);
}

static int
netdev_fp_get_config(const struct netdev *netdev_, struct smap *args)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);

    ovs_mutex_lock(&netdev->mutex);
    if (netdev->fp_dev) {
        char port[32];

        fp_port_to_string(netdev->fp_dev, netdev->fp_port, port, sizeof port);
        smap_add(args, "device", fp_device_name(netdev->fp_dev));
        smap_add(args, "port", port);
    }
    if (netdev->tx_pcap) {
        smap_add(args, "tx_pcap", netdev->tx_pcap);
    }
    if (netdev->endpoint) {
        smap_add(args, "endpoint", netdev->endpoint);
    }
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}

/* Checks that 'args' has only the options this class knows. */
static int
netdev_fp_check_options(const struct netdev *netdev, const struct smap *args,
                        char **errp)
{
    static const char *const known[] = {
        "device", "port", "tx_pcap", "endpoint", "vf-min-tx-rate",
        "vf-max-tx-rate"
    };
    struct smap_node *node;

    SMAP_FOR_EACH (node, args) {
        size_t i;

        for (i = 0; i < ARRAY_SIZE(known); i++) {
            if (!strcmp(node->key, known[i])) {
                break;
            }
        }
        if (i == ARRAY_SIZE(known) && !netdev_fp_evb_is_option(node->key)
            && !netdev_fp_vf_is_option(node->key)) {
            VLOG_WARN_BUF(errp, "%s: unknown option '%s' (an fp interface "
                          "takes options device, port, tx_pcap, endpoint, "
                          "port-extension and the vf-* options of "
                          "ovs-offload(8))",
                          netdev_get_name(netdev), node->key);
            return EINVAL;
        }
    }
    return 0;
}

/* Finds the NIC device and port that 'args' name.  On failure, sets '*errp'
 * to a message for the operator and returns a positive errno value. */
static int
netdev_fp_parse_port(const struct netdev *netdev, const struct smap *args,
                     struct fp_device **devp, uint32_t *portp, char **errp)
{
    const char *name = netdev_get_name(netdev);
    const char *dev_name = smap_get_def(args, "device",
                                        OVS_OFFLOAD_DEFAULT_DEVICE);
    const char *port_name = smap_get(args, "port");
    struct fp_device_config cfg;
    struct fp_device *dev;
    int error;

    dev = fp_device_find(dev_name);
    if (!dev) {
        VLOG_WARN_BUF(errp, "%s: options:device=%s: no such fp device "
                      "(see ovs-appctl fp/show and other_config:fp-devices)",
                      name, dev_name);
        return ENODEV;
    }
    if (!port_name) {
        VLOG_WARN_BUF(errp, "%s: missing options:port (phyN for a physical "
                      "port or vfN for a VF of %s)", name, dev_name);
        return EINVAL;
    }

    fp_device_get_config(dev, &cfg);
    error = fp_port_from_string(dev, port_name, portp);
    if (error == ERANGE) {
        VLOG_WARN_BUF(errp, "%s: options:port=%s: no such port on %s, which "
                      "has %"PRIu32" physical ports (phy0..) and %"PRIu32
                      " VFs (vf0..)", name, port_name, dev_name,
                      cfg.n_phy_ports, cfg.n_vfs);
        return error;
    } else if (error) {
        VLOG_WARN_BUF(errp, "%s: options:port=%s: not a port name (phyN for "
                      "a physical port or vfN for a VF)", name, port_name);
        return error;
    }
    *devp = dev;
    return 0;
}

/* Sets an Ethernet address that is stable for a device and port: locally
 * administered, 02:fb:<device>:00:<port>. */
static void
netdev_fp_default_hwaddr(const struct fp_device *dev, uint32_t port,
                         struct eth_addr *ea)
{
    uint32_t h = hash_string(fp_device_name(dev), 0);

    ea->ea[0] = 0x02;
    ea->ea[1] = 0xfb;
    ea->ea[2] = h;
    ea->ea[3] = 0;
    ea->ea[4] = port >> 8;
    ea->ea[5] = port;
}

/* Binds 'netdev' to the NIC port that options:device and options:port name
 * and applies options:tx_pcap.  On a bad option, the netdev keeps its
 * previous binding (none for a new interface), '*errp' says what to fix and
 * a positive errno value is returned. */
static int
netdev_fp_set_config(struct netdev *netdev_, const struct smap *args,
                     char **errp)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    const char *name = netdev_get_name(netdev_);
    const char *tx_pcap = smap_get(args, "tx_pcap");
    const char *endpoint = smap_get(args, "endpoint");
    struct fp_device_config config;
    char *vf_rate_error = NULL;
    char *vf_config_error = NULL;
    struct fp_vf_config vf_config;
    struct fp_qos_class vf_rate;
    struct fp_device *dev;
    const char *vf_key;
    bool has_vf_rate, has_vf_config;
    uint32_t port;
    int error;

    error = netdev_fp_check_options(netdev_, args, errp);
    if (error) {
        return error;
    }
    error = netdev_fp_parse_port(netdev_, args, &dev, &port, errp);
    if (error) {
        return error;
    }
    /* A bad share leaves forwarding alone, as a bad tx_pcap does: the VF
     * has no share, and the Interface's error column says why. */
    fp_device_get_config(dev, &config);
    if (netdev_fp_parse_vf_rate(name, args, &vf_rate, &has_vf_rate,
                                &vf_rate_error)) {
        has_vf_rate = false;
    } else if (has_vf_rate && port < config.n_phy_ports) {
        char port_name[32];

        fp_port_to_string(dev, port, port_name, sizeof port_name);
        vf_rate_error = xasprintf("%s: options:vf-min-tx-rate and "
                                  "vf-max-tx-rate are for VFs, and %s is a "
                                  "physical port", name, port_name);
        has_vf_rate = false;
    }
    if (vf_rate_error) {
        VLOG_WARN("%s", vf_rate_error);
    }
    /* VF administration: bad options leave the VF's policy as it was. */
    if (!netdev_fp_vf_parse(name, args, &vf_config, &has_vf_config, &vf_key,
                            &vf_config_error)
        && has_vf_config && port < config.n_phy_ports) {
        char port_name[32];

        fp_port_to_string(dev, port, port_name, sizeof port_name);
        vf_config_error = xasprintf("%s: options:%s is for VFs, and %s is a "
                                    "physical port", name, vf_key,
                                    port_name);
    }
    if (vf_config_error) {
        VLOG_WARN("%s", vf_config_error);
    }
    if (!has_vf_rate) {
        memset(&vf_rate, 0, sizeof vf_rate);
    }
    if (endpoint) {
        /* Two NIC ports on one Linux interface would both receive every
         * packet that arrives on it. */
        char *other = netdev_fp_find_endpoint(netdev, endpoint);

        if (other) {
            VLOG_WARN_BUF(errp, "%s: options:endpoint=%s: already the "
                          "endpoint of interface %s", name, endpoint, other);
            free(other);
            free(vf_rate_error);
            free(vf_config_error);
            return EBUSY;
        }
    }

    ovs_mutex_lock(&netdev->mutex);
    if (netdev->fp_dev != dev || netdev->fp_port != port) {
        struct fp_device_stats dst;
        struct fp_port_link link;
        char port_name[32];

        error = fp_port_attach(dev, port);
        if (error == EOPNOTSUPP) {
            /* A driver without packet I/O, e.g. rte_flow: OVS's own port
             * (type=dpdk) receives and sends its packets. */
            VLOG_WARN_BUF(errp, "%s: options:device=%s: the %s driver of "
                          "that device has no packet I/O, so it cannot "
                          "back an fp interface (use the NIC's own port, "
                          "e.g. type=dpdk, instead)", name,
                          fp_device_name(dev), fp_device_driver(dev));
            goto out;
        } else if (error) {
            fp_port_to_string(dev, port, port_name, sizeof port_name);
            VLOG_WARN_BUF(errp, "%s: %s of %s is already used by another "
                          "interface", name, port_name, fp_device_name(dev));
            goto out;
        }
        netdev_fp_unbind(netdev);
        netdev_fp_binding_changes(netdev);
        netdev->fp_dev = dev;
        netdev->fp_port = port;
        netdev_fp_default_hwaddr(dev, port, &netdev->hwaddr);
        fp_device_get_stats(dev, &dst);
        netdev->dev_resets = dst.resets;
        fp_port_get_stats(dev, port, &netdev->last);
        netdev_fp_stats_sub(&netdev->base, &netdev->last);
        fp_port_get_link_state(dev, port, &link);
        netdev->carrier = link.up;
        netdev->carrier_resets = link.resets;
        netdev_fp_apply_policer(netdev, false);
        netdev_change_seq_changed(netdev_);
        netdev->has_vf_rate = false;
        netdev_fp_apply_qos(netdev);
        fp_vf_get_stats(dev, port, &netdev->vf_last);
        netdev_fp_vf_stats_sub(&netdev->vf_base, &netdev->vf_last);
        if (netdev->has_vf_config
            && fp_vf_set_config(dev, port, &netdev->vf_config)) {
            netdev->has_vf_config = false;
        }
    }
    if (port >= config.n_phy_ports
        && (has_vf_rate != netdev->has_vf_rate
            || memcmp(&vf_rate, &netdev->vf_rate, sizeof vf_rate))) {
        error = fp_port_set_vf_rate(dev, port, has_vf_rate ? &vf_rate : NULL);
        if (error) {
            VLOG_WARN_BUF(errp, "%s: %s cannot give VFs shares of its "
                          "physical ports (%s)", name, fp_device_name(dev),
                          ovs_strerror(error));
            goto out;
        }
        netdev->vf_rate = vf_rate;
        netdev->has_vf_rate = has_vf_rate;
    }
    free(netdev->vf_rate_error);
    netdev->vf_rate_error = vf_rate_error;
    vf_rate_error = NULL;
    netdev_fp_evb_set_config(netdev, args);

    if (!vf_config_error && port >= config.n_phy_ports
        && (has_vf_config != netdev->has_vf_config
            || memcmp(&vf_config, &netdev->vf_config, sizeof vf_config))) {
        int vf_error = fp_vf_set_config(dev, port,
                                        has_vf_config ? &vf_config : NULL);

        if (vf_error) {
            vf_config_error = xasprintf("%s: %s cannot administer its VFs "
                                        "(%s)", name, fp_device_name(dev),
                                        ovs_strerror(vf_error));
            VLOG_WARN("%s", vf_config_error);
        } else {
            netdev->vf_config = vf_config;
            netdev->has_vf_config = has_vf_config;
            netdev_change_seq_changed(netdev_);
        }
    }
    free(netdev->vf_config_error);
    netdev->vf_config_error = vf_config_error;
    vf_config_error = NULL;

    if (!nullable_string_is_equal(tx_pcap, netdev->tx_pcap)) {
        /* A relative name is relative to the run directory, where the
         * pidfile and the control socket are.  A capture that fails leaves
         * forwarding alone: the interface works, without the capture, and
         * its status says why. */
        char *file = tx_pcap ? abs_file_name(ovs_rundir(), tx_pcap) : NULL;
        int pcap_error = fp_port_set_tx_pcap(dev, port, file);

        free(netdev->tx_pcap_error);
        netdev->tx_pcap_error = NULL;
        if (pcap_error) {
            netdev->tx_pcap_error = xasprintf("cannot open %s (%s)", file,
                                              ovs_strerror(pcap_error));
            VLOG_WARN("%s: options:tx_pcap=%s: cannot open %s (%s); the "
                      "interface forwards without a capture", name, tx_pcap,
                      file, ovs_strerror(pcap_error));
        }
        free(file);
        free(netdev->tx_pcap);
        netdev->tx_pcap = nullable_xstrdup(tx_pcap);
        netdev_change_seq_changed(netdev_);
    }

    if (!nullable_string_is_equal(endpoint, netdev->endpoint)) {
        error = fp_port_set_link(dev, port, endpoint);
        if (error) {
            VLOG_WARN_BUF(errp, "%s: options:endpoint=%s: %s", name,
                          endpoint,
                          (error == ENODEV ? "no such network interface"
                           : error == EPERM ? "opening a packet socket "
                             "needs CAP_NET_RAW (run ovs-vswitchd as root)"
                           : error == EOPNOTSUPP ? "this device has no "
                             "Linux interface endpoints"
                           : ovs_strerror(error)));
            goto out;
        }
        if (!endpoint) {
            /* The in-memory endpoint is always connected. */
            fp_port_set_link_state(dev, port, true);
        }
        free(netdev->endpoint);
        netdev->endpoint = nullable_xstrdup(endpoint);
        netdev->endpoint_carrier_valid = false;
        if (netdev->has_vf_config) {
            /* The guest behind the new endpoint sees the VF's settings. */
            fp_vf_set_config(dev, port, &netdev->vf_config);
        }
    }

out:
    ovs_mutex_unlock(&netdev->mutex);
    free(vf_rate_error);
    free(vf_config_error);
    return error;
}

/* Finds the fp interface that is port 'odp_port' of the datapath of
 * 'netdev', and stores its NIC device and port in '*devp' and '*portp'
 * (NULL and FP_PORT_NONE if it is none).  Takes that interface's mutex, so
 * the caller must hold none. */
static void
netdev_fp_find_in_port(const struct netdev *netdev, odp_port_t odp_port,
                       struct fp_device **devp, uint32_t *portp)
{
    const char *dpif_type = netdev_get_dpif_type(netdev);
    struct netdev *in = (dpif_type ? netdev_ports_get(odp_port, dpif_type)
                         : NULL);

    *devp = NULL;
    *portp = FP_PORT_NONE;
    if (in && netdev_fp_is_fp(in)) {
        struct netdev_fp *fp = netdev_fp_cast(in);

        ovs_mutex_lock(&fp->mutex);
        *devp = fp->fp_dev;
        *portp = fp->fp_port;
        ovs_mutex_unlock(&fp->mutex);
    }
    netdev_close(in);
}

/* Sends each packet of 'batch' out of the NIC port, to the queue of its
 * skb_priority (set_queue), with the NIC port it came in on if that is an
 * fp interface of the same NIC (for the VF classes of the egress
 * scheduler; only the input port of the batch's first packet is looked
 * up, the others go as from no port if theirs differs). */
static int
netdev_fp_send(struct netdev *netdev_, int qid OVS_UNUSED,
               struct dp_packet_batch *batch,
               bool concurrent_txq OVS_UNUSED)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    odp_port_t in_odp = ODPP_NONE;
    struct fp_device *in_dev = NULL;
    uint32_t in_port = FP_PORT_NONE;
    struct dp_packet *packet;

    if (!dp_packet_batch_is_empty(batch)) {
        in_odp = batch->packets[0]->md.in_port.odp_port;
        netdev_fp_find_in_port(netdev_, in_odp, &in_dev, &in_port);
    }

    ovs_mutex_lock(&netdev->mutex);
    DP_PACKET_BATCH_FOR_EACH (i, packet, batch) {
        size_t size = dp_packet_size(packet);
        struct fp_tx_md md = {
            .queue = packet->md.skb_priority,
            .in_port = (in_dev == netdev->fp_dev
                        && packet->md.in_port.odp_port == in_odp
                        ? in_port : FP_PORT_NONE),
        };

        if (netdev->fp_dev && netdev->flags & NETDEV_UP
            && !fp_port_send_md(netdev->fp_dev, netdev->fp_port,
                                dp_packet_data(packet), size, &md)) {
            COVERAGE_INC(fp_netdev_tx);
        } else {
            COVERAGE_INC(fp_netdev_tx_unbound);
            netdev->tx_dropped++;
        }
    }
    ovs_mutex_unlock(&netdev->mutex);

    dp_packet_delete_batch(batch, true);
    return 0;
}

static int
netdev_fp_set_etheraddr(struct netdev *netdev_, const struct eth_addr mac)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);

    ovs_mutex_lock(&netdev->mutex);
    if (!eth_addr_equals(netdev->hwaddr, mac)) {
        netdev->hwaddr = mac;
        netdev_change_seq_changed(netdev_);
    }
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}

static int
netdev_fp_get_etheraddr(const struct netdev *netdev_, struct eth_addr *mac)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);

    ovs_mutex_lock(&netdev->mutex);
    *mac = netdev->hwaddr;
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}

static int
netdev_fp_get_mtu(const struct netdev *netdev_, int *mtup)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);

    ovs_mutex_lock(&netdev->mutex);
    *mtup = netdev->mtu;
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}

/* Sets the MTU, which the NIC port must be able to carry: a frame of the
 * MTU with an Ethernet header and two VLAN tags. */
static int
netdev_fp_set_mtu(struct netdev *netdev_, int mtu)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    struct fp_port_link link;
    int max_frame;

    ovs_mutex_lock(&netdev->mutex);
    netdev_fp_get_link(netdev, &link);
    max_frame = link.max_frame ? link.max_frame : NETDEV_FP_MAX_FRAME;
    if (mtu < ETH_PAYLOAD_MIN
        || mtu > max_frame - ETH_HEADER_LEN - 2 * VLAN_HEADER_LEN) {
        ovs_mutex_unlock(&netdev->mutex);
        return EINVAL;
    }
    if (netdev->mtu != mtu) {
        netdev->mtu = mtu;
        netdev_change_seq_changed(netdev_);
    }
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}

/* The carrier is the link of the NIC port: the wire of a physical port,
 * the link state of a VF (see fp/set-link), or the carrier of the Linux
 * interface that is its endpoint. */
static int
netdev_fp_get_carrier(const struct netdev *netdev_, bool *carrier)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    struct fp_port_link link;

    ovs_mutex_lock(&netdev->mutex);
    netdev_fp_get_link(netdev, &link);
    *carrier = link.up;
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}

/* Returns the number of times the NIC port's link changed, up or down. */
static long long int
netdev_fp_get_carrier_resets(const struct netdev *netdev_)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    struct fp_port_link link;

    ovs_mutex_lock(&netdev->mutex);
    netdev_fp_get_link(netdev, &link);
    ovs_mutex_unlock(&netdev->mutex);
    return link.resets;
}

/* Converts a link rate in Mbit/s into OVS's features: full duplex, fiber,
 * the rate's bit or NETDEV_F_OTHER. */
static enum netdev_features
netdev_fp_speed_to_features(uint32_t mbps)
{
    enum netdev_features f = NETDEV_F_FIBER;

    switch (mbps) {
    case 0:
        return 0;
    case 1000:
        return f | NETDEV_F_1GB_FD;
    case 10000:
        return f | NETDEV_F_10GB_FD;
    case 40000:
        return f | NETDEV_F_40GB_FD;
    case 100000:
        return f | NETDEV_F_100GB_FD;
    case 1000000:
        return f | NETDEV_F_1TB_FD;
    default:
        return f | NETDEV_F_OTHER;
    }
}

/* The NIC port's link rate: 'current' while its link is up, 'supported'
 * and 'advertised' whenever the netdev is bound. */
static int
netdev_fp_get_features(const struct netdev *netdev_,
                       enum netdev_features *current,
                       enum netdev_features *advertised,
                       enum netdev_features *supported,
                       enum netdev_features *peer)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    enum netdev_features features;
    struct fp_port_link link;

    ovs_mutex_lock(&netdev->mutex);
    netdev_fp_get_link(netdev, &link);
    ovs_mutex_unlock(&netdev->mutex);

    features = netdev_fp_speed_to_features(link.speed_mbps);
    *current = link.up ? features : 0;
    *advertised = *supported = features;
    *peer = 0;
    return 0;
}

/* Sets the ingress policing of the interface, as the Interface columns
 * ingress_policing_rate, ingress_policing_burst (in kbit/s and kbit) and
 * ingress_policing_kpkts_rate, ingress_policing_kpkts_burst (in 1000
 * packets/s and 1000 packets) say, and as OVS's netdev-linux takes them: a
 * burst of 0 is 8000 kbit or 16 kpkts, a burst without a rate is ignored,
 * a rate of 0 turns that limit off; both limits apply together.  The NIC
 * port polices what comes in from its outside, before the lookup (see
 * fp_port_set_policer()), and keeps doing so when the interface moves to
 * another NIC port (which the policer follows) or the device resets.
 *
 * Always returns 0: a NIC port that cannot run the policer leaves the
 * interface forwarding without it, and the Interface's error column says
 * why (see netdev_fp_get_status()). */
static int
netdev_fp_set_policing(struct netdev *netdev_, unsigned int kbits_rate,
                       unsigned int kbits_burst, unsigned int kpkts_rate,
                       unsigned int kpkts_burst)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);
    struct fp_port_policer p = {
        .kbits_rate = kbits_rate,
        .kbits_burst = !kbits_rate ? 0 : !kbits_burst ? 8000 : kbits_burst,
        .kpkts_rate = kpkts_rate,
        .kpkts_burst = !kpkts_rate ? 0 : !kpkts_burst ? 16 : kpkts_burst,
    };

    ovs_mutex_lock(&netdev->mutex);
    if (memcmp(&p, &netdev->policer, sizeof p)) {
        netdev->policer = p;
        netdev_fp_apply_policer(netdev, false);
        netdev_change_seq_changed(netdev_);
    }
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}

/* Reports the NIC port and, if options:tx_pcap cannot be written, why. */
static int
netdev_fp_get_status(const struct netdev *netdev_, struct smap *smap)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);

    ovs_mutex_lock(&netdev->mutex);
    if (netdev->fp_dev) {
        char port[32];

        fp_port_to_string(netdev->fp_dev, netdev->fp_port, port, sizeof port);
        smap_add(smap, "fp_device", fp_device_name(netdev->fp_dev));
        smap_add(smap, "fp_port", port);
    }
    if (netdev->tx_pcap) {
        char *file = abs_file_name(ovs_rundir(), netdev->tx_pcap);

        smap_add(smap, "tx_pcap_file", file);
        free(file);
    }
    if (netdev->fp_dev && netdev->has_vf_config) {
        netdev_fp_vf_status(&netdev->vf_config, smap);
    }
    /* Each refused setting has its own key; the Interface's error column
     * ("error") says the first. */
    if (netdev->vf_config_error) {
        smap_add(smap, "vf_admin_error", netdev->vf_config_error);
    }
    if (netdev->vf_rate_error) {
        smap_add(smap, "vf_rate_error", netdev->vf_rate_error);
    }
    if (netdev->qos_error) {
        smap_add(smap, "qos_error", netdev->qos_error);
    }
    if (netdev->tx_pcap_error) {
        smap_add(smap, "tx_pcap_error", netdev->tx_pcap_error);
    }
    if (netdev->policer_error) {
        smap_add(smap, "policing_error", netdev->policer_error);
    }
    if (netdev->evb_error) {
        netdev_fp_evb_get_status(netdev, smap);
    } else if (netdev->vf_config_error) {
        smap_add_format(smap, "error", "%s; the VF keeps its previous "
                        "settings", netdev->vf_config_error);
    } else if (netdev->vf_rate_error) {
        smap_add_format(smap, "error", "%s; the VF has no share of the "
                        "physical ports", netdev->vf_rate_error);
    } else if (netdev->qos_error) {
        /* patches/ovs/0006 sets the error column after the QoS. */
        smap_add_format(smap, "error", "%s; the QoS stays as it was",
                        netdev->qos_error);
    } else if (netdev->tx_pcap_error) {
        /* patches/ovs/0004 shows "error" in the Interface's error column. */
        smap_add_format(smap, "error", "options:tx_pcap=%s: %s; the "
                        "interface forwards without a capture",
                        netdev->tx_pcap, netdev->tx_pcap_error);
    } else if (netdev->policer_error) {
        /* patches/ovs/0006 sets the error column after the policing. */
        smap_add_format(smap, "error", "%s; the interface forwards without "
                        "policing", netdev->policer_error);
    }
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}

static int
netdev_fp_update_flags(struct netdev *netdev_, enum netdev_flags off,
                       enum netdev_flags on, enum netdev_flags *old_flagsp)
{
    struct netdev_fp *netdev = netdev_fp_cast(netdev_);

    if ((off | on) & ~(NETDEV_UP | NETDEV_PROMISC)) {
        return EINVAL;
    }
    ovs_mutex_lock(&netdev->mutex);
    *old_flagsp = netdev->flags;
    netdev->flags |= on;
    netdev->flags &= ~off;
    if (*old_flagsp != netdev->flags) {
        netdev_change_seq_changed(netdev_);
    }
    ovs_mutex_unlock(&netdev->mutex);
    return 0;
}

static struct netdev_rxq *
netdev_fp_rxq_alloc(void)
{
    struct netdev_rxq_fp *rx = xzalloc(sizeof *rx);
    return &rx->up;
}

static int
netdev_fp_rxq_construct(struct netdev_rxq *rxq OVS_UNUSED)
{
    return 0;
}

static void
netdev_fp_rxq_destruct(struct netdev_rxq *rxq OVS_UNUSED)
{
}

static void
netdev_fp_rxq_dealloc(struct netdev_rxq *rxq_)
{
    struct netdev_rxq_fp *rx = netdev_rxq_fp_cast(rxq_);
    free(rx);
}

/* Receives the packets that the NIC sent to the host for this port (its
 * exception path), at most NETDEV_MAX_BURST. */
static int
netdev_fp_rxq_recv(struct netdev_rxq *rxq, struct dp_packet_batch *batch,
                   int *qfill)
{
    struct netdev_fp *netdev = netdev_fp_cast(rxq->netdev);
    uint64_t buf[NETDEV_FP_MAX_FRAME / 8 + 1];
    struct fp_device *dev;
    uint32_t port;

    if (!netdev_fp_get_port(&netdev->up, &dev, &port)) {
        return EAGAIN;
    }

    dp_packet_batch_init(batch);
    netdev_offload_fp_resume_clear();
    while (dp_packet_batch_size(batch) < NETDEV_MAX_BURST) {
        struct fp_packet_md md;
        struct dp_packet *packet;
        size_t len;

        if (fp_port_recv_md(dev, port, buf, sizeof buf, &len, &md)) {
            break;
        }
        packet = dp_packet_clone_data_with_headroom(buf, len,
                                                    DP_NETDEV_HEADROOM);
        /* The NIC's RSS hash is the one dpif-netdev would compute, so that
         * a flow's packets hash alike whether the NIC marked them (and
         * dpif-netdev skips its own parse) or not. */
        dp_packet_set_rss_hash(packet, md.rss_hash);
        if (md.recirc_id) {
            /* The NIC stopped after a recirculation: dpif-netdev resumes
             * at that stage, with the state that the flow API restores
             * (its metadata here is for the exception count below). */
            packet->md.recirc_id = md.recirc_id;
            packet->md.dp_hash = md.dp_hash;
            netdev_offload_fp_resume_add(packet, md.recirc_id, md.dp_hash);
        }
        if (md.mark) {
            /* A partially offloaded flow: dpif-netdev finds the flow by its
             * mark and skips its own lookup. */
            dp_packet_set_flow_mark(packet, md.mark);
        } else {
            netdev_offload_fp_count_exception(dev, port, packet);
        }
        dp_packet_batch_add(batch, packet);
    }
    if (dp_packet_batch_is_empty(batch)) {
        return EAGAIN;
    }

    COVERAGE_ADD(fp_netdev_rx, dp_packet_batch_size(batch));

    if (qfill) {
        *qfill = -ENOTSUP;
    }
    return 0;
}

static void
netdev_fp_rxq_wait(struct netdev_rxq *rxq)
{
    struct fp_device *dev;
    uint32_t port;

    if (netdev_fp_get_port(rxq->netdev, &dev, &port)) {
        fp_port_recv_wait(dev, port);
    }
}

static int
netdev_fp_rxq_drain(struct netdev_rxq *rxq)
{
    uint64_t buf[NETDEV_FP_MAX_FRAME / 8 + 1];
    struct fp_device *dev;
    uint32_t port;
    size_t len;

    if (netdev_fp_get_port(rxq->netdev, &dev, &port)) {
        while (!fp_port_recv(dev, port, buf, sizeof buf, &len)) {
            continue;
        }
    }
    return 0;
}

const struct netdev_class netdev_fp_class = {
    .type = "fp",
    .is_pmd = false,
    .run = netdev_fp_run,
    .wait = netdev_fp_wait,
    .alloc = netdev_fp_alloc,
    .construct = netdev_fp_construct,
    .destruct = netdev_fp_destruct,
    .dealloc = netdev_fp_dealloc,
    .get_config = netdev_fp_get_config,
    .set_config = netdev_fp_set_config,
    .send = netdev_fp_send,
    .set_etheraddr = netdev_fp_set_etheraddr,
    .get_etheraddr = netdev_fp_get_etheraddr,
    .get_mtu = netdev_fp_get_mtu,
    .set_mtu = netdev_fp_set_mtu,
    .get_carrier = netdev_fp_get_carrier,
    .get_carrier_resets = netdev_fp_get_carrier_resets,
    .get_features = netdev_fp_get_features,
    .get_stats = netdev_fp_stats_get,
    .get_custom_stats = netdev_fp_stats_get_custom,
    .set_policing = netdev_fp_set_policing,
    .get_status = netdev_fp_get_status,
    .get_qos_types = netdev_fp_get_qos_types,
    .get_qos_capabilities = netdev_fp_get_qos_capabilities,
    .get_qos = netdev_fp_get_qos,
    .set_qos = netdev_fp_set_qos,
    .get_queue = netdev_fp_get_queue,
    .set_queue = netdev_fp_set_queue,
    .delete_queue = netdev_fp_delete_queue,
    .get_queue_stats = netdev_fp_get_queue_stats,
    .queue_dump_start = netdev_fp_queue_dump_start,
    .queue_dump_next = netdev_fp_queue_dump_next,
    .queue_dump_done = netdev_fp_queue_dump_done,
    .dump_queue_stats = netdev_fp_dump_queue_stats,
    .update_flags = netdev_fp_update_flags,
    .rxq_alloc = netdev_fp_rxq_alloc,
    .rxq_construct = netdev_fp_rxq_construct,
    .rxq_destruct = netdev_fp_rxq_destruct,
    .rxq_dealloc = netdev_fp_rxq_dealloc,
    .rxq_recv = netdev_fp_rxq_recv,
    .rxq_wait = netdev_fp_rxq_wait,
    .rxq_drain = netdev_fp_rxq_drain,
};
