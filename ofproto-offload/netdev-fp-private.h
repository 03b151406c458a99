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

#ifndef NETDEV_FP_PRIVATE_H
#define NETDEV_FP_PRIVATE_H 1

/* The state of an fp interface, shared by the files of the netdev provider
 * (netdev-fp.c, netdev-fp-qos.c for the QoS and Queue tables,
 * netdev-fp-stats.c for the counters).  Not for other modules: they use
 * netdev-fp.h. */

#include "fp/fp.h"
#include "netdev-fp.h"
#include "netdev-fp-qos.h"
#include "netdev-provider.h"
#include "openvswitch/list.h"
#include "ovs-thread.h"
#include "packets.h"

struct netdev_fp {
    struct netdev up;

    /* In 'netdev_fp_list', guarded by 'netdev_fp_list_mutex'. */
    struct ovs_list list_node;

    struct ovs_mutex mutex;
    struct fp_device *fp_dev OVS_GUARDED;  /* NULL until configured. */
    uint32_t fp_port OVS_GUARDED;          /* NIC port, if 'fp_dev'. */
    char *tx_pcap OVS_GUARDED;             /* options:tx_pcap, or NULL. */
    char *endpoint OVS_GUARDED;            /* options:endpoint, or NULL. */
    char *tx_pcap_error OVS_GUARDED;       /* Why 'tx_pcap' is not
                                            * written, or NULL. */
    struct eth_addr hwaddr OVS_GUARDED;
    int mtu OVS_GUARDED;
    enum netdev_flags flags OVS_GUARDED;

    /* The link as last reported to OVS: a change bumps the change_seq. */
    bool carrier OVS_GUARDED;
    uint64_t carrier_resets OVS_GUARDED;

    /* The carrier of the endpoint's Linux interface as last read, if
     * 'endpoint_carrier_valid': the NIC port's link follows its changes. */
    bool endpoint_carrier OVS_GUARDED;
    bool endpoint_carrier_valid OVS_GUARDED;

    /* Statistics are those of the NIC port, which start from zero again
     * after a reset of its device: 'base' holds what was counted before,
     * 'last' the last read, 'dev_resets' the device's resets then. */
    struct fp_port_stats base OVS_GUARDED;
    struct fp_port_stats last OVS_GUARDED;
    uint64_t dev_resets OVS_GUARDED;
    uint64_t tx_dropped OVS_GUARDED;       /* Sent by OVS while unbound or
                                            * administratively down. */

    /* Egress QoS (the QoS and Queue tables), and for a VF its share of the
     * physical ports (options vf-min-tx-rate, vf-max-tx-rate), applied to
     * the NIC port whenever it changes and when the netdev binds. */
    struct netdev_fp_qos qos OVS_GUARDED;
    struct fp_qos_class vf_rate OVS_GUARDED;
    bool has_vf_rate OVS_GUARDED;
    char *vf_rate_error OVS_GUARDED;       /* Why the VF has no share, or
                                            * NULL. */
    bool qos_refused OVS_GUARDED;          /* The last set_qos was refused:
                                            * the queue changes that OVS
                                            * makes after it are too. */
    char *qos_error OVS_GUARDED;           /* Why the NIC refused it, or
                                            * NULL. */
    /* Ingress policing as OVS last set it (set_policing), with OVS's
     * default bursts applied, and why the NIC port does not run it, or
     * NULL. */
    struct fp_port_policer policer OVS_GUARDED;
    char *policer_error OVS_GUARDED;

    /* Edge virtual bridging (netdev-fp-evb.c): why the options
     * port-extension, vf-ecid and vf-ecid-groups were not applied, or
     * NULL. */
    char *evb_error OVS_GUARDED;
    /* SR-IOV VF administration of a VF representor (options vf-mac, ...,
     * see netdev-fp-vf.h): the VF policy the NIC port has from these
     * options ('has_vf_config' false: none), applied whenever the options
     * change and when the netdev binds; why the last options were refused
     * (the policy stays as it was), or NULL.  VF counters as the port
     * counters are kept: 'vf_base' holds what was counted before the VF's
     * last reset and by other ports, 'vf_last' the last read. */
    struct fp_vf_config vf_config OVS_GUARDED;
    bool has_vf_config OVS_GUARDED;
    char *vf_config_error OVS_GUARDED;
    struct fp_vf_stats vf_base OVS_GUARDED;
    struct fp_vf_stats vf_last OVS_GUARDED;
};

static inline struct netdev_fp *
netdev_fp_cast(const struct netdev *netdev)
{
    ovs_assert(netdev_get_class(netdev) == &netdev_fp_class);
    return CONTAINER_OF(netdev, struct netdev_fp, up);
}

/* Counters (netdev-fp-stats.c). */
void netdev_fp_stats_add(struct fp_port_stats *sum,
                         const struct fp_port_stats *);
void netdev_fp_stats_sub(struct fp_port_stats *sum,
                         const struct fp_port_stats *);
void netdev_fp_stats_read(struct netdev_fp *netdev)
    OVS_REQUIRES(netdev->mutex);
void netdev_fp_stats_read_vf(struct netdev_fp *netdev)
    OVS_REQUIRES(netdev->mutex);

/* The netdev provider's counter hooks (see netdev-provider.h for their
 * contracts), in netdev-fp-stats.c. */
int netdev_fp_stats_get(const struct netdev *, struct netdev_stats *);
int netdev_fp_stats_get_custom(const struct netdev *,
                               struct netdev_custom_stats *);

/* Egress QoS (netdev-fp-qos.c). */
void netdev_fp_apply_qos(struct netdev_fp *netdev)
    OVS_REQUIRES(netdev->mutex);

/* The netdev provider's QoS hooks (see netdev-provider.h for their
 * contracts), in netdev-fp-qos.c. */
int netdev_fp_get_qos_types(const struct netdev *, struct sset *types);
int netdev_fp_get_qos_capabilities(const struct netdev *, const char *type,
                                   struct netdev_qos_capabilities *);
int netdev_fp_get_qos(const struct netdev *, const char **typep,
                      struct smap *details);
int netdev_fp_set_qos(struct netdev *, const char *type,
                      const struct smap *details);
int netdev_fp_get_queue(const struct netdev *, unsigned int queue_id,
                        struct smap *details);
int netdev_fp_set_queue(struct netdev *, unsigned int queue_id,
                        const struct smap *details);
int netdev_fp_delete_queue(struct netdev *, unsigned int queue_id);
int netdev_fp_get_queue_stats(const struct netdev *, unsigned int queue_id,
                              struct netdev_queue_stats *);
int netdev_fp_queue_dump_start(const struct netdev *, void **statep);
int netdev_fp_queue_dump_next(const struct netdev *, void *state,
                              unsigned int *queue_id, struct smap *details);
int netdev_fp_queue_dump_done(const struct netdev *, void *state);
int netdev_fp_dump_queue_stats(const struct netdev *,
                               void (*cb)(unsigned int queue_id,
                                          struct netdev_queue_stats *,
                                          void *aux),
                               void *aux);

/* Edge virtual bridging (netdev-fp-evb.c). */
bool netdev_fp_evb_is_option(const char *key);
void netdev_fp_evb_set_config(struct netdev_fp *netdev,
                              const struct smap *args)
    OVS_REQUIRES(netdev->mutex);
void netdev_fp_evb_unbind(struct netdev_fp *netdev)
    OVS_REQUIRES(netdev->mutex);
void netdev_fp_evb_get_status(const struct netdev_fp *netdev,
                              struct smap *status)
    OVS_REQUIRES(netdev->mutex);
void netdev_fp_evb_get_custom_stats(const struct netdev_fp *netdev,
                                    struct netdev_custom_stats *)
    OVS_REQUIRES(netdev->mutex);

#endif /* netdev-fp-private.h */
