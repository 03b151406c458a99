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

/* Fuzz target: the model's actions (lib/fp-action.c and their execution by
 * the packet engines of lib/fp-model.c), random actions on random packets.
 *
 * The input is a list of actions, then a frame.  Byte 0 is the number of
 * actions (modulo FP_MAX_ACTIONS + 1); each action is a type byte (modulo
 * FP_N_ACTION_TYPES) and its arguments, taken from the following bytes:
 * output port (1 byte, which may name no port), VLAN TPID choice and TCI
 * (3), set value and mask (twice the size of the field), meter (1),
 * mark (4), counter (1), queue (1), hash algorithm (1, modulo 3) and basis
 * (4), recirc_id (1, modulo 4).  The rest is the frame, injected on port
 * phy0 of a model NIC whose one rule matches every packet of phy0 with
 * these actions (in every lookup pass, if they recirculate).  Rules that the model refuses are fine; the frames that leave
 * are checked for their size.  With FUZZ_VERBOSE set in the environment,
 * it prints whether the model took each rule. */

#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fp/fp.h"
#include "fp-action.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A reader of the fuzz input: bytes past its end read as zeros. */
struct reader {
    const uint8_t *data;
    size_t size;
};

static uint8_t
get_u8(struct reader *r)
{
    uint8_t x = 0;

    if (r->size) {
        x = *r->data++;
        r->size--;
    }
    return x;
}

static void
get_bytes(struct reader *r, void *p_, size_t n)
{
    uint8_t *p = p_;
    size_t i;

    for (i = 0; i < n; i++) {
        p[i] = get_u8(r);
    }
}

static struct fp_device *dev;
static size_t max_sent;          /* Largest frame allowed out. */

static int
check_send(void *aux OVS_UNUSED, uint32_t port, const void *data,
           size_t size)
{
    if (port >= fp_device_n_ports(dev) || size > max_sent || !data) {
        abort();
    }
    return 0;
}

static const struct fp_endpoint_ops check_ops = { .send = check_send };

/* Creates the model NIC, once: 2 physical ports and 2 VFs, two meters
 * (ids 0 and 1) and one shared counter. */
static void
init(void)
{
    struct fp_device_config cfg;
    struct fp_meter_config mc;
    uint32_t i, counter;

    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    fp_device_config_default(&cfg);
    cfg.n_vfs = 2;
    cfg.n_rules = 16;
    cfg.n_meters = 4;
    cfg.n_counters = 32;
    cfg.emc_size = 16;
    if (fp_device_create("fuzz0", &cfg, &dev)) {
        abort();
    }
    for (i = 0; i < fp_device_n_ports(dev); i++) {
        fp_port_set_endpoint(dev, i, &check_ops, NULL);
    }
    fp_port_attach(dev, 0);

    memset(&mc, 0, sizeof mc);
    mc.type = FP_METER_SRTCM;
    mc.pkts = true;
    mc.cir = 1;
    mc.cbs = 1;
    fp_meter_set(dev, 0, &mc);
    mc.type = FP_METER_TRTCM;
    mc.pkts = false;
    mc.cir = 1000;
    mc.cbs = 100;
    mc.pir = 2000;
    mc.ebs = 200;
    fp_meter_set(dev, 1, &mc);
    fp_counter_alloc(dev, &counter);
}

/* Reads one action from 'r' into 'a'. */
static void
get_action(struct reader *r, struct fp_action *a)
{
    memset(a, 0, sizeof *a);
    a->type = get_u8(r) % FP_N_ACTION_TYPES;
    switch (a->type) {
    case FP_ACTION_OUTPUT:
        a->port = get_u8(r);
        break;
    case FP_ACTION_PUSH_VLAN: {
        uint8_t tci[2];

        a->vlan.tpid = get_u8(r) & 1 ? htons(0x88a8) : htons(0x8100);
        get_bytes(r, tci, 2);
        memcpy(&a->vlan.tci, tci, 2);
        break;
    }
    case FP_ACTION_METER:
        a->meter_id = get_u8(r);
        break;
    case FP_ACTION_MARK:
        get_bytes(r, &a->mark, sizeof a->mark);
        break;
    case FP_ACTION_COUNT:
        a->counter_id = get_u8(r);
        break;
    case FP_ACTION_SET_QUEUE:
        a->queue = get_u8(r);
        break;
    case FP_ACTION_HASH:
        a->hash.alg = get_u8(r) % 3;      /* 2: unknown, refused. */
        get_bytes(r, &a->hash.basis, sizeof a->hash.basis);
        break;
    case FP_ACTION_RECIRC:
        a->recirc_id = get_u8(r) % 4;     /* 0: refused. */
        break;
    case FP_ACTION_SET_VLAN:
    case FP_ACTION_SET_ETH_SRC:
    case FP_ACTION_SET_ETH_DST:
    case FP_ACTION_SET_IPV4_SRC:
    case FP_ACTION_SET_IPV4_DST:
    case FP_ACTION_SET_IPV4_TOS:
    case FP_ACTION_SET_IPV4_TTL:
    case FP_ACTION_SET_IPV6_SRC:
    case FP_ACTION_SET_IPV6_DST:
    case FP_ACTION_SET_IPV6_TCLASS:
    case FP_ACTION_SET_IPV6_HLIM:
    case FP_ACTION_SET_TP_SRC:
    case FP_ACTION_SET_TP_DST: {
        size_t n = fp_action_set_size(a->type);

        get_bytes(r, a->set.value, n);
        get_bytes(r, a->set.mask, n);
        break;
    }
    case FP_ACTION_POP_VLAN:
    case FP_ACTION_DROP:
    case FP_ACTION_DEC_TTL:
    case FP_ACTION_EXCEPTION:
    case FP_N_ACTION_TYPES:
    default:
        break;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reader r = { data, size };
    struct fp_rule_stats stats;
    struct fp_rule rule;
    uint8_t buf[4096];
    struct fp_packet_md md;
    uint32_t id;
    size_t i, len;
    int error;

    if (!dev) {
        init();
    }

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = 0;
    rule.mask.in_port = UINT32_MAX;
    rule.n_actions = get_u8(&r) % (FP_MAX_ACTIONS + 1);
    for (i = 0; i < rule.n_actions; i++) {
        get_action(&r, &rule.actions[i]);
    }
    error = fp_rule_add(dev, &rule, &id);
    if (getenv("FUZZ_VERBOSE")) {
        fprintf(stderr, "%"PRIuSIZE" actions: %s\n", rule.n_actions,
                error ? ovs_strerror(error) : "rule added");
    }
    if (error) {
        return 0;
    }

    /* Each action pushes at most one tag, in each of the lookup passes of
     * a rule that recirculates (the rule matches every recirc_id).  The
     * packets that the rule sends to the host wait in phy0's queue, which
     * is empty before. */
    max_sent = r.size + 4 * FP_MAX_ACTIONS * (FP_MAX_RECIRC + 1);
    fp_port_inject(dev, 0, r.size ? r.data : NULL, r.size);
    while (!fp_port_recv_md(dev, 0, buf, sizeof buf, &len, &md)) {
        if (len > max_sent) {
            fprintf(stderr, "%"PRIuSIZE"-byte frame to the host\n", len);
            abort();
        }
    }
    error = fp_rule_delete(dev, id, &stats);
    if (error || stats.n_packets > FP_MAX_RECIRC + 1) {
        fprintf(stderr, "rule delete: %s, %"PRIu64" packets\n",
                ovs_strerror(error), stats.n_packets);
        abort();
    }

    /* The model frees deleted rules after a grace period. */
    ovsrcu_quiesce();
    return 0;
}
