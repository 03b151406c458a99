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

#ifndef FP_FP_PROVIDER_H
#define FP_FP_PROVIDER_H 1

/* The driver interface of flow-processor devices.
 *
 * Every driver (the model, later rte_flow and TC flower) implements one
 * 'struct fp_device_class'.  The core (lib/fp.c) owns the device registry,
 * validates every argument of the public API (include/fp/fp.h) and then
 * calls the class, so a driver may assume:
 *
 *   - 'dev' is a device that this class created and that has not been
 *     destroyed;
 *
 *   - 'port' is less than the device's n_phy_ports + n_vfs;
 *
 *   - a 'struct fp_rule' has at most FP_MAX_ACTIONS actions of known types,
 *     its output ports are in range, its push_vlan TPIDs are 0x8100 or
 *     0x88a8, and its key and mask have zero padding;
 *
 *   - a data pointer is nonnull whenever its size is nonzero.
 *
 * Every hook may be called from any thread, concurrently with any other
 * hook on the same device except 'destroy', so a driver does its own
 * locking.  No hook may be NULL.  Hooks that return int return 0 or a
 * positive errno value. */

#include <stddef.h>
#include <stdint.h>
#include "fp/fp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A flow-processor device: the part that every driver shares.
 *
 * A driver's device structure embeds this as its member 'up' and has a
 * *_cast() helper that asserts 'class' before converting, as OVS's
 * netdev_dummy_cast() does.  All members are set by fp_device_init() and
 * are read-only afterward. */
struct fp_device {
    char *name;                         /* Unique among all devices. */
    const struct fp_device_class *class;
    struct fp_device_config config;
};

/* Initializes 'dev' for a device of 'class' named 'name' with 'config'.
 * A driver's 'create' calls this first.  Copies 'name' and 'config'. */
void fp_device_init(struct fp_device *dev, const struct fp_device_class *,
                    const char *name, const struct fp_device_config *);

/* Frees what fp_device_init() allocated.  A driver's 'destroy' calls this
 * last, before freeing its own structure. */
void fp_device_uninit(struct fp_device *dev);

struct fp_device_class {
    /* Name of the driver, e.g. "model", as fp_device_driver() reports it.
     * Never NULL. */
    const char *type;

/* ## -------------------- ## */
/* ## Device life cycle.   ## */
/* ## -------------------- ## */

    /* Creates a device named 'name' (nonnull, nonempty, not in use) with
     * 'config' (already validated by the core: at least one physical port,
     * one rule and one engine, at most 64 engines and 4096 ports).
     *
     * On success, stores the new device in '*devp' and returns 0; the
     * device is ready to forward packets: a driver with its own threads has
     * started them.  On failure, returns a positive errno value and stores
     * NULL in '*devp'.
     *
     * Called with the core's registry lock held, so it must not call back
     * into the public API. */
    int (*create)(const char *name, const struct fp_device_config *config,
                  struct fp_device **devp);

    /* Stops the device (joins its threads, if any) and frees it with
     * everything it owns: rules, queued packets, open capture files.
     *
     * The core has removed 'dev' from the registry; the caller guarantees
     * that no other hook is running or will run on 'dev'. */
    void (*destroy)(struct fp_device *dev);

    /* Stores the device's counters in '*stats'. */
    void (*get_stats)(const struct fp_device *dev,
                      struct fp_device_stats *stats);

/* ## ------ ## */
/* ## Rules. ## */
/* ## ------ ## */

    /* Adds 'rule' (validated, owned by the caller, which may free it when
     * this returns) to the device's rule table.  The rule's counters start
     * at zero.
     *
     * On success, stores in '*idp' a nonzero handle that stays valid until
     * 'rule_delete' and returns 0.  Returns ENOSPC if the table is full
     * (nothing is changed then), or another positive errno value if the
     * device failed. */
    int (*rule_add)(struct fp_device *dev, const struct fp_rule *rule,
                    uint32_t *idp);

    /* Replaces the match, priority and actions of rule 'id' by those of
     * 'rule' (validated, owned by the caller).  The counters and the place
     * of the rule among rules of equal priority are kept.
     *
     * Returns 0, ENOENT if there is no rule 'id' (nothing is changed then),
     * or another positive errno value. */
    int (*rule_modify)(struct fp_device *dev, uint32_t id,
                       const struct fp_rule *rule);

    /* Removes rule 'id'.  If 'stats' is nonnull, stores the rule's final
     * counters there.  Once this returns, no packet hits the rule any more.
     *
     * Returns 0 or ENOENT if there is no rule 'id' (then '*stats', if
     * nonnull, is zeroed). */
    int (*rule_delete)(struct fp_device *dev, uint32_t id,
                       struct fp_rule_stats *stats);

    /* Stores the counters of rule 'id' in '*stats' (nonnull).
     *
     * Returns 0, or ENOENT if there is no rule 'id' (then '*stats' is
     * zeroed). */
    int (*rule_get_stats)(struct fp_device *dev, uint32_t id,
                          struct fp_rule_stats *stats);

/* ## ------ ## */
/* ## Ports. ## */
/* ## ------ ## */

    /* Attaches the host's representor to 'port': from now on, the packets
     * that miss on 'port' are queued for fp_port_recv().
     *
     * Returns 0, or EBUSY if a representor is attached already. */
    int (*port_attach)(struct fp_device *dev, uint32_t port);

    /* Detaches the representor of 'port', if any, and frees the packets
     * queued for it.  Later misses on 'port' are dropped and counted. */
    void (*port_detach)(struct fp_device *dev, uint32_t port);

    /* Sends the 'size' bytes at 'data' (owned by the caller) from the host
     * out of 'port' to its outside, as is: no rule is applied.  Counted as
     * TX of 'port' and written to its capture file, if any.
     *
     * Returns 0, or EMSGSIZE if 'size' is larger than the device's largest
     * frame. */
    int (*port_send)(struct fp_device *dev, uint32_t port,
                     const void *data, size_t size);

    /* Takes the oldest packet from the exception queue of 'port' and
     * copies it into 'buf', which has room for 'size' bytes ('buf' may be
     * NULL if 'size' is zero).  Never blocks.
     *
     * Returns 0 and stores the packet's length in '*lenp'; EAGAIN if the
     * queue is empty (or no representor is attached); EMSGSIZE if the
     * packet is longer than 'size', in which case the packet is dropped
     * and counted in the port's 'drops'. */
    int (*port_recv)(struct fp_device *dev, uint32_t port,
                     void *buf, size_t size, size_t *lenp);

    /* Arranges for poll_block() to wake up when 'port_recv' on 'port' may
     * have a packet: at once if the queue is not empty. */
    void (*port_recv_wait)(struct fp_device *dev, uint32_t port);

    /* Brings the 'size' bytes at 'data' (owned by the caller) into the NIC
     * on 'port', as if received from its outside, and processes the packet
     * through the NIC's pipeline: a rule hit applies the rule's actions, a
     * miss or a packet that fails to parse goes to the port's exception
     * queue.  Blocks until the packet is processed, so that on return its
     * effects (counters, TX, queued exception) are visible.
     *
     * Returns 0 (whatever the fate of the packet), or EMSGSIZE if 'size' is
     * larger than the device's largest frame. */
    int (*port_inject)(struct fp_device *dev, uint32_t port,
                       const void *data, size_t size);

    /* Writes every packet that later leaves 'port' to its outside to a new
     * pcap file named 'file_name', replacing the file if it exists.  A
     * NULL 'file_name' stops the capture.  Either way, closes the previous
     * capture file of 'port', if any.
     *
     * Returns 0, or a positive errno value if the file cannot be created
     * (then 'port' has no capture file). */
    int (*port_set_tx_pcap)(struct fp_device *dev, uint32_t port,
                            const char *file_name);

    /* Makes Linux network interface 'ifname' the outside of 'port', in
     * addition to the in-memory endpoint: packets received on it come into
     * the NIC on 'port' as with 'port_inject', and packets that leave
     * 'port' to its outside are sent on it.  A NULL 'ifname' removes the
     * link.  Either way, the previous link of 'port', if any, is closed.
     *
     * Returns 0, EOPNOTSUPP if the driver has no such links (real NICs),
     * ENODEV if there is no interface 'ifname', EPERM if the process may
     * not open it (it needs CAP_NET_RAW), or another positive errno value;
     * on error, 'port' keeps its previous link. */
    int (*port_set_link)(struct fp_device *dev, uint32_t port,
                         const char *ifname);

    /* Stores the counters of 'port' in '*stats'. */
    void (*port_get_stats)(const struct fp_device *dev, uint32_t port,
                           struct fp_port_stats *stats);
};

#ifdef __cplusplus
}
#endif

#endif /* fp/fp-provider.h */
