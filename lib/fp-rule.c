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

#include "fp-rule.h"

#include <netinet/in.h>
#include <string.h>

#include "fp/fp.h"
#include "fp-action.h"
#include "fp-hash.h"

/* The checks that every rule passes before it goes to a driver (see
 * fp_rule_batch() in lib/fp.c). */

/* Returns true if 'action' of a rule of 'dev' is valid. */
static bool
fp_rule_action_is_valid(const struct fp_device *dev, const struct fp_action *a)
{
    size_t size, i;

    switch (a->type) {
    case FP_ACTION_OUTPUT:
        return a->port < fp_device_n_ports(dev);
    case FP_ACTION_PUSH_VLAN:
        return (a->vlan.tpid == htons(0x8100)
                || a->vlan.tpid == htons(0x88a8));
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
    case FP_ACTION_SET_TP_DST:
        size = fp_action_set_size(a->type);
        for (i = size; i < sizeof a->set.value; i++) {
            if (a->set.value[i] || a->set.mask[i]) {
                return false;
            }
        }
        return true;
    case FP_ACTION_POP_VLAN:
    case FP_ACTION_DROP:
    case FP_ACTION_DEC_TTL:
    case FP_ACTION_METER:
    case FP_ACTION_MARK:
    case FP_ACTION_COUNT:
    case FP_ACTION_EXCEPTION:
    case FP_ACTION_SET_QUEUE:
        return true;
    case FP_ACTION_HASH:
        return fp_hash_alg_is_valid(a->hash.alg);
    case FP_ACTION_RECIRC:
        return a->recirc_id != 0;
    case FP_N_ACTION_TYPES:
    default:
        return false;
    }
}

/* Returns true if 'rule' is one that 'dev' can take: at most
 * FP_MAX_ACTIONS valid actions (known types, output ports in range,
 * push_vlan TPIDs 0x8100 or 0x88a8, set actions with zero bytes beyond
 * their field, hash actions of a known algorithm, recirc actions with a
 * nonzero recirc_id and only as the last action), zero padding in key and
 * mask.
 *
 * Every rule of every caller passes here (the flow API's one at a time):
 * an output, the common action, is checked inline against the ports that
 * the device's configuration gives, the others by
 * fp_rule_action_is_valid(). */
bool
fp_rule_is_valid(const struct fp_device *dev, const struct fp_rule *rule)
{
    const struct fp_action *a, *end;
    uint32_t n_ports;

    if (!rule || rule->n_actions > FP_MAX_ACTIONS
        || rule->key.pad1[0] || rule->key.pad1[1] || rule->key.pad1[2]
        || rule->mask.pad1[0] || rule->mask.pad1[1] || rule->mask.pad1[2]) {
        return false;
    }
    n_ports = fp_device_n_ports(dev);
    end = &rule->actions[rule->n_actions];
    for (a = rule->actions; a < end; a++) {
        if (a->type == FP_ACTION_OUTPUT) {
            if (a->port >= n_ports) {
                return false;
            }
        } else if (!fp_rule_action_is_valid(dev, a)
                   || (a->type == FP_ACTION_RECIRC && a + 1 < end)) {
            return false;
        }
    }
    return true;
}
