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
 * Every driver (the model, rte_flow, later TC flower) implements one
 * 'struct fp_device_class'.  The core (lib/fp.c) owns the device registry,
 * the reset listeners and fault injection, validates every argument of the
 * public API (include/fp/fp.h) and then calls the class, so a driver may
 * assume:
 *
 *   - 'dev' is a device that this class created and that has not been
 *     destroyed;
 *
 *   - 'port' is less than the device's n_phy_ports + n_vfs;
 *
 *   - a 'struct fp_rule' has at most FP_MAX_ACTIONS actions of known types,
 *     its output ports are in range, its push_vlan TPIDs are 0x8100 or
 *     0x88a8, its set actions have zero bytes beyond the field's size, and
 *     its key and mask have zero padding;
 *
 *   - a data pointer is nonnull whenever its size is nonzero.
 *
 * Every hook may be called from any thread, concurrently with any other
 * hook on the same device except 'destroy', so a driver does its own
 * locking.  No hook may be NULL unless its comment says so.  Hooks that
 * return int return 0 or a positive errno value.
 *
 * Packet I/O is optional.  A driver that owns its ports (the model)
 * implements the hooks of packet I/O: 'port_attach', 'port_detach',
 * 'port_send', 'port_recv', 'port_recv_wait', 'port_inject',
 * 'port_trace', 'port_set_tx_pcap', 'port_set_endpoint',
 * 'port_receive_batch' and 'flush'.  A driver that only programs the
 * rules of a NIC whose packets someone else receives and sends (the
 * rte_flow driver, lib/fp-rte-flow-dev.c, on OVS's DPDK ports) leaves them
 * all NULL: then the core answers EOPNOTSUPP to the public functions that
 * call them (fp_device_flush(): 0, at once; fp_port_detach() and
 * fp_port_recv_wait(): nothing), and an "fp" interface on such a device is
 * refused.  The rest (device life cycle, rules, meters, shared counters,
 * reset, 'port_get_stats') is what the flow API calls, and every driver
 * implements it.
 *
 * No hook except 'destroy' may wait for an OVS RCU grace period
 * (ovsrcu_synchronize(), ovsrcu_barrier()): the callers are RCU threads
 * that hold locks of their own, which other RCU threads wait for, so the
 * grace period might never end.  A driver frees what RCU readers may
 * still use with ovsrcu_postpone(). */

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
struct fp_link;

struct fp_device {
    char *name;                         /* Unique among all devices. */
    const struct fp_device_class *class;
    struct fp_device_config config;
    struct fp_link **links;             /* For the core only: the Linux
                                         * interface of each port, see
                                         * fp_port_set_link(). */
};

/* Initializes 'dev' for a device of 'class' named 'name' with 'config'.
 * A driver's 'create' calls this first.  Copies 'name' and 'config'. */
void fp_device_init(struct fp_device *dev, const struct fp_device_class *,
                    const char *name, const struct fp_device_config *);

/* Frees what fp_device_init() allocated.  A driver's 'destroy' calls this
 * last, before freeing its own structure. */
void fp_device_uninit(struct fp_device *dev);

/* Creates a device of the driver of 'class' as fp_device_create() does for
 * the model: validates 'config' (NULL for the default), calls 'create' and
 * adds the device to the registry, where fp_device_find() and the fp/
 * commands find it.  For drivers other than the model, which create their
 * devices themselves (e.g. fp_rte_flow_dev_open()). */
int fp_device_create_class(const struct fp_device_class *class,
                           const char *name,
                           const struct fp_device_config *config,
                           struct fp_device **devp);

struct fp_device_class {
    /* Name of the driver, e.g. "model", as fp_device_driver() reports it.
     * Never NULL. */
    const char *type;

/* ## -------------------- ## */
/* ## Device life cycle.   ## */
/* ## -------------------- ## */

    /* Creates a device named 'name' (nonnull, nonempty, not in use) with
     * 'config' (already validated by fp_device_config_validate(), with
     * 'n_counters' resolved to a nonzero value).
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

    /* Makes the parser take at most 'vlan_limit' VLAN tags (1 or 2, checked
     * by the core), as fp_device_set_vlan_limit() describes, for the
     * packets that it parses from when this returns.  Returns 0, or
     * EOPNOTSUPP if the device cannot, and then changes nothing. */
    int (*set_vlan_limit)(struct fp_device *dev, unsigned int vlan_limit);

    /* Returns the parser's limit of VLAN tags: 2 after 'create'. */
    unsigned int (*get_vlan_limit)(const struct fp_device *dev);

/* ## ------ ## */
/* ## Rules. ## */
/* ## ------ ## */

    /* Applies the 'n' rule operations in 'ops' in order, as fp_rule_batch()
     * describes.  Every rule of an ADD or MODIFY is validated (see above)
     * and owned by the caller.  An operation whose 'error' is nonzero on
     * entry (the core's fault injection) is skipped and keeps its error.
     * For every other operation, sets 'error' (0, ENOENT for an unknown
     * 'id', ENOSPC with 'full' naming the full table, or another positive
     * errno value), 'id' for an ADD (a nonzero handle that stays valid
     * until the rule is deleted), and 'stats' for a DELETE (the final
     * counters; zero with 'no_wait').  A failed operation changes nothing.
     *
     * The changes that succeed become visible to packets at one instant;
     * once this returns, no packet sees a deleted rule or the old version
     * of a modified one any more, except the packets that the device was
     * processing at the commit, which may still meet a rule deleted with
     * 'no_wait' (see fp_rule_batch()).  A MODIFY keeps the rule's counters and
     * its place among rules of equal priority, and a packet that it
     * concerns meets either the old or the new rule, never neither.  Rules
     * of an ADD start with zero counters. */
    void (*rule_batch)(struct fp_device *dev, struct fp_rule_op *ops,
                       size_t n);

    /* Hints that an ADD of 'rule' (owned by the caller, not validated) is
     * likely to come soon, as fp_rule_prefetch() describes: the device may
     * start fetching what the ADD will touch.  It must change nothing that
     * any other hook or a packet sees, and it may run on any thread,
     * concurrently with every hook but 'destroy'.  May be NULL. */
    void (*rule_prefetch)(struct fp_device *dev, const struct fp_rule *rule);

    /* Stores the counters of rule 'id' in '*stats' (nonnull).
     *
     * Returns 0, or ENOENT if there is no rule 'id' (then '*stats' is
     * zeroed). */
    int (*rule_get_stats)(struct fp_device *dev, uint32_t id,
                          struct fp_rule_stats *stats);

    /* Stores in '*entriesp' a new array (the caller frees it with free())
     * of the ids and counters of every rule, sorted by id, and its length
     * in '*n_entriesp'.  Returns 0 or a positive errno value (then
     * '*entriesp' is NULL and '*n_entriesp' zero). */
    int (*rule_get_stats_all)(struct fp_device *dev,
                              struct fp_rule_stats_entry **entriesp,
                              size_t *n_entriesp);

    /* Creates meter 'meter_id' (any value) with 'config' or, if it exists,
     * changes its configuration (its counters are kept).  Returns 0,
     * EINVAL for a 'config' that the device cannot run, or ENOSPC if the
     * meter table is full. */
    int (*meter_set)(struct fp_device *dev, uint32_t meter_id,
                     const struct fp_meter_config *config);

    /* Deletes meter 'meter_id'.  Returns 0, ENOENT if it does not exist,
     * or EBUSY if a rule uses it. */
    int (*meter_delete)(struct fp_device *dev, uint32_t meter_id);

    /* Stores the counters of meter 'meter_id' in '*stats' (nonnull).
     * Returns 0 or ENOENT. */
    int (*meter_get_stats)(struct fp_device *dev, uint32_t meter_id,
                           struct fp_meter_stats *stats);

    /* Runs the 'n' packets of 'sizes' bytes each (whole frames), which the
     * host is forwarding, through meter 'meter_id' at time 'now'
     * (time_usec()), as if they had reached an FP_ACTION_METER of that
     * meter in the NIC: the meter's buckets and counters are the NIC's, so
     * the packets of a flow that the host meters and those that the NIC
     * meters share them.  Sets 'passed[i]' for the packets that go on,
     * and 'remarks[i]' to the drop precedence levels that a dscp_remark
     * band adds to the DSCP of packet i (the caller remarks it with
     * fp_meter_remark_dscp()), or to 0.  Returns 0 or ENOENT (then
     * 'passed' and 'remarks' are untouched).  Called on any
     * thread, in an RCU read-side section, concurrently with packet
     * engines and control operations; must not block.  May be NULL: the
     * device cannot meter the host's packets. */
    int (*meter_police)(struct fp_device *dev, uint32_t meter_id,
                        const uint32_t sizes[], size_t n, long long int now,
                        bool passed[], uint8_t remarks[]);

    /* Allocates a shared counter for FP_ACTION_COUNT, starting at zero, and
     * stores its id in '*idp'.  Returns 0 or ENOSPC if the counter table
     * is full. */
    int (*counter_alloc)(struct fp_device *dev, uint32_t *idp);

    /* Frees shared counter 'id'.  Returns 0, ENOENT if it is not
     * allocated, or EBUSY if a rule counts in it. */
    int (*counter_free)(struct fp_device *dev, uint32_t id);

    /* Stores shared counter 'id' in '*stats' (nonnull).  Returns 0 or
     * ENOENT. */
    int (*counter_get)(struct fp_device *dev, uint32_t id,
                       struct fp_rule_stats *stats);

    /* Resets the device as fp_device_reset() describes, except that the
     * core calls the listeners.  Returns 0 or a positive errno value. */
    int (*reset)(struct fp_device *dev);

/* ## ------ ## */
/* ## Ports. ## */
/* ## ------ ## */

    /* Attaches the host's representor to 'port': from now on, the packets
     * that miss on 'port' are queued for fp_port_recv().
     *
     * Returns 0, or EBUSY if a representor is attached already.
     *
     * This and the other hooks of packet I/O ('port_detach', 'port_send',
     * 'port_recv', 'port_recv_wait', 'port_inject', 'port_trace',
     * 'port_set_tx_pcap', 'port_set_endpoint', 'port_receive_batch',
     * 'flush') may be NULL: the driver has no packet I/O (see the top of
     * this file). */
    int (*port_attach)(struct fp_device *dev, uint32_t port);

    /* Detaches the representor of 'port', if any, and frees the packets
     * queued for it.  Later misses on 'port' are dropped and counted. */
    void (*port_detach)(struct fp_device *dev, uint32_t port);

    /* Sends the 'size' bytes at 'data' (owned by the caller) from the host
     * out of 'port' to its outside, as is: no rule is applied, through
     * the queue that 'md' (nonnull) chooses if the port has QoS.  Counted
     * as TX of 'port' and written to its capture file, if any.
     *
     * Returns 0, or EMSGSIZE if 'size' is larger than the device's largest
     * frame. */
    int (*port_send)(struct fp_device *dev, uint32_t port,
                     const void *data, size_t size,
                     const struct fp_tx_md *md);

    /* Takes the oldest packet from the exception queue of 'port' and
     * copies it into 'buf', which has room for 'size' bytes ('buf' may be
     * NULL if 'size' is zero).  Never blocks.
     *
     * Returns 0 and stores the packet's length in '*lenp' and its metadata
     * in '*md' (nonnull): its mark (set by FP_ACTION_MARK, else 0), its
     * RSS hash, which a driver computes as struct fp_packet_md says (from
     * its own parse of the packet), or takes from a NIC that computes the
     * same, and its recirc_id and dp_hash (0 unless it left the NIC after a
     * recirculation, see "Recirculation" in fp.h); EAGAIN if the queue is empty (or no representor is attached);
     * EMSGSIZE if the packet is longer than 'size', in which case the
     * packet is dropped and counted in the port's 'drops'. */
    int (*port_recv)(struct fp_device *dev, uint32_t port,
                     void *buf, size_t size, size_t *lenp,
                     struct fp_packet_md *md);

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

    /* Runs the 'size' bytes at 'data' (owned by the caller) through the
     * pipeline of 'port' as 'port_inject' does, with the same code, and
     * records each stage in 'trace' (zeroed by the caller, with 'dry' set),
     * as fp_port_trace() describes.  A dry trace has no side effect and
     * sends nothing; it runs on the calling thread.  A live trace is a
     * 'port_inject' and returns once the packet is processed.  The packet
     * copies of 'trace' are allocated with malloc().
     *
     * Returns 0 (whatever the fate of the packet), or EMSGSIZE as
     * 'port_inject' does.  May be NULL: the device cannot trace. */
    int (*port_trace)(struct fp_device *dev, uint32_t port,
                      const void *data, size_t size,
                      struct fp_trace *trace);

    /* Writes every packet that later leaves 'port' to its outside to a new
     * pcap file named 'file_name', replacing the file if it exists.  A
     * NULL 'file_name' stops the capture.  Either way, closes the previous
     * capture file of 'port', if any.
     *
     * Returns 0, or a positive errno value if the file cannot be created
     * (then 'port' has no capture file). */
    int (*port_set_tx_pcap)(struct fp_device *dev, uint32_t port,
                            const char *file_name);

    /* Stores the counters of 'port' in '*stats'. */
    void (*port_get_stats)(const struct fp_device *dev, uint32_t port,
                           struct fp_port_stats *stats);

    /* Makes 'ops' and 'aux' the endpoint of 'port' (see fp.h); NULL 'ops'
     * restores the in-memory endpoint.  Once this returns, the previous
     * endpoint is not called any more.  The device's threads poll an
     * endpoint that has 'get_fd' and 'receive' and bring its packets in,
     * as struct fp_endpoint_ops describes.  Returns 0 or a positive errno
     * value. */
    int (*port_set_endpoint)(struct fp_device *dev, uint32_t port,
                             const struct fp_endpoint_ops *ops, void *aux);

    /* Egress QoS, as fp_port_set_qos(), fp_port_set_vf_rate() and
     * fp_port_get_queue_stats() describe ('port' valid, 'queue' below
     * FP_QOS_N_QUEUES, a VF for port_set_vf_rate).  May be NULL if the
     * driver has no egress QoS.  Return 0 or a positive errno value. */
    int (*port_set_qos)(struct fp_device *dev, uint32_t port,
                        const struct fp_qos_config *qos);
    int (*port_set_vf_rate)(struct fp_device *dev, uint32_t port,
                            const struct fp_qos_class *rate);
    int (*port_get_queue_stats)(const struct fp_device *dev, uint32_t port,
                                uint32_t queue, struct fp_queue_stats *stats);

    /* Sets the link of 'port' up or down, as fp_port_set_link_state()
     * describes.  May be NULL if the driver has no link to control: then
     * every link is up.  Returns 0 or a positive errno value. */
    int (*port_set_link_state)(struct fp_device *dev, uint32_t port,
                               bool up);

    /* Stores the link state of 'port' in '*link' (zeroed by the caller).
     * May be NULL: then every link is up, never changed, of unknown
     * speed. */
    void (*port_get_link_state)(const struct fp_device *dev, uint32_t port,
                                struct fp_port_link *link);

    /* Sets the ingress policer of 'port' to 'policer' (nonnull), as
     * fp_port_set_policer() describes: all zero removes it.  The core has
     * checked that every nonzero rate has a nonzero burst and zeroed the
     * burst of a zero rate.  Applies to the packets that come in from the
     * outside after it returns; the buckets start full.  Returns 0, or
     * EINVAL for a policer the device cannot run (then the port keeps its
     * previous one).  May be NULL: the device cannot police (the core
     * returns EOPNOTSUPP). */
    int (*port_set_policer)(struct fp_device *dev, uint32_t port,
                            const struct fp_port_policer *policer);

    /* Stores the ingress policer of 'port' in '*policer' (zeroed by the
     * caller): all zero if it has none.  May be NULL if 'port_set_policer'
     * is. */
    void (*port_get_policer)(const struct fp_device *dev, uint32_t port,
                             struct fp_port_policer *policer);

    /* Copies the 'n' packets in 'pkts' into the RX ring of 'port' as
     * fp_port_receive_batch() describes, without waiting for them to be
     * processed, and stores the number queued in '*n_queued'.  Packets
     * larger than the device's largest frame, and those that do not fit
     * in the ring, are dropped and counted.  Returns 0. */
    int (*port_receive_batch)(struct fp_device *dev, uint32_t port,
                              const struct fp_packet *pkts, size_t n,
                              size_t *n_queued);

    /* Waits until every packet queued in an RX ring before the call has
     * been processed.  Returns 0. */
    int (*flush)(struct fp_device *dev);

    /* Unplugs VF 'port' ('plugged' false) or plugs it back in ('plugged'
     * true), as fp_port_vf_unplug() and fp_port_vf_plug() describe, except
     * for the Linux interface of the port, which the core sets down or up.
     * 'port' is a VF.  Returns 0, or EALREADY if the VF is already in that
     * state (then changes nothing).  May be NULL: the device cannot
     * unplug VFs (the core returns EOPNOTSUPP). */
    int (*port_set_plugged)(struct fp_device *dev, uint32_t port,
                            bool plugged);

    /* Stores the hot-plug state and counters of VF 'port' in '*hotplug'
     * (zeroed by the caller).  May be NULL if 'port_set_plugged' is. */
    void (*port_get_hotplug)(const struct fp_device *dev, uint32_t port,
                             struct fp_vf_hotplug *hotplug);
/* ## ----------------------------- ## */
/* ## Edge virtual bridging (EVB).  ## */
/* ## ----------------------------- ## */

    /* Sets the EVB mode of 'dev' to 'mode' (valid), as "Edge virtual
     * bridging" in fp.h describes: frames that the device sends after this
     * returns follow it.  Called from any thread.  Returns 0 or a positive
     * errno value.  May be NULL: the device is a VEB, always (the core
     * returns EOPNOTSUPP for VEPA). */
    int (*evb_set_mode)(struct fp_device *dev, enum fp_evb_mode mode);

    /* Returns the EVB mode of 'dev'.  May be NULL if 'evb_set_mode' is. */
    enum fp_evb_mode (*evb_get_mode)(const struct fp_device *dev);

    /* Makes physical port 'port' (the core checked it is one) an extended
     * uplink if 'on', an ordinary one otherwise.  Returns 0 or a positive
     * errno value.  May be NULL: no port extension (EOPNOTSUPP). */
    int (*port_set_extension)(struct fp_device *dev, uint32_t port, bool on);

    /* Returns true if 'port' is an extended uplink.  May be NULL if
     * 'port_set_extension' is. */
    bool (*port_get_extension)(const struct fp_device *dev, uint32_t port);

    /* Gives VF port 'port' the E-CIDs of 'ecid' (nonnull, owned by the
     * caller), which the core checked: a unicast E-CID of 1...FP_ECID_MAX
     * (the core replaced 0 by the default), distinct groups each of
     * FP_ECID_GROUP_MIN...FP_ECID_GROUP_MAX.  Returns 0, or EEXIST if
     * another VF of 'dev' has that unicast E-CID (then nothing changes).
     * May be NULL if 'port_set_extension' is. */
    int (*port_set_ecid)(struct fp_device *dev, uint32_t port,
                         const struct fp_port_ecid *ecid);

    /* Stores the E-CIDs of VF port 'port' in '*ecid' (zeroed by the
     * caller).  May be NULL if 'port_set_extension' is. */
    void (*port_get_ecid)(const struct fp_device *dev, uint32_t port,
                          struct fp_port_ecid *ecid);

    /* Stores the EVB counters of 'port' in '*stats' (zeroed by the
     * caller).  May be NULL: all zero. */
    void (*port_get_evb_stats)(const struct fp_device *dev, uint32_t port,
                               struct fp_evb_stats *stats);
    /* SR-IOV VF administration, as fp_vf_set_config(), fp_vf_get_config(),
     * fp_vf_get_stats() and fp_vf_reset() describe.  The core has checked
     * that 'port' is a VF and that a nonnull 'config' is valid (see struct
     * fp_vf_config); 'config' and 'stats' are owned by the caller (the
     * core zeroes 'stats' and sets 'config' to the default first).  The
     * policy applies to frames that cross the VF's boundary after
     * 'vf_set_config' returns: packet engines and host threads that send
     * see it without a lock of the caller's.  'vf_reset' may drop frames
     * but never changes a rule.  'vf_set_config', 'vf_get_config' and
     * 'vf_reset' return 0 or a positive errno value ('vf_get_config'
     * ENOENT for a VF without a policy).  May all be NULL: the driver has
     * no VF administration (the core returns EOPNOTSUPP). */
    int (*vf_set_config)(struct fp_device *dev, uint32_t port,
                         const struct fp_vf_config *config);
    int (*vf_get_config)(const struct fp_device *dev, uint32_t port,
                         struct fp_vf_config *config);
    void (*vf_get_stats)(const struct fp_device *dev, uint32_t port,
                         struct fp_vf_stats *stats);
    int (*vf_reset)(struct fp_device *dev, uint32_t port);
};

#ifdef __cplusplus
}
#endif

#endif /* fp/fp-provider.h */
