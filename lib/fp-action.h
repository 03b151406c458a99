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

#ifndef FP_ACTION_H
#define FP_ACTION_H 1

/* The flow-processor model's packet rewrite actions: VLAN push, pop and
 * modify, header field sets with checksum updates, TTL decrement.
 *
 * They work on a packet that the parser (fp-parse.h) has parsed, through
 * the layer offsets it found, so no action parses again.  Each keeps the
 * offsets right after it moves headers.  None allocates. */

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fp-parse.h"
#include "fp/fp.h"

struct fp_action;

/* A packet being rewritten.  'data' has at least 4 bytes of headroom per
 * push_vlan that may still come. */
struct fp_action_packet {
    uint8_t *data;
    size_t size;
    struct fp_parse_layers layers;      /* Relative to 'data'. */
    uint8_t nw_proto;                   /* From the parsed key. */
    bool is_ipv4;
    bool is_ipv6;
};

/* Initializes 'p' for the 'size' bytes at 'data', parsed into 'key' and
 * 'layers'.  Inline: the engine calls it for every packet. */
static inline void
fp_action_packet_init(struct fp_action_packet *p, uint8_t *data, size_t size,
                      const struct fp_key *key,
                      const struct fp_parse_layers *layers)
{
    p->data = data;
    p->size = size;
    p->layers = *layers;
    p->nw_proto = key->nw_proto;
    p->is_ipv4 = (layers->l3 != FP_PARSE_NONE
                  && key->eth_type == htons(0x0800));
    p->is_ipv6 = (layers->l3 != FP_PARSE_NONE
                  && key->eth_type == htons(0x86dd));
}

void fp_action_push_vlan(struct fp_action_packet *, uint16_t tpid,
                         uint16_t tci);
void fp_action_pop_vlan(struct fp_action_packet *);
void fp_action_set_field(struct fp_action_packet *, const struct fp_action *);
bool fp_action_dec_ttl(struct fp_action_packet *);
bool fp_action_dscp_remark(struct fp_action_packet *, uint8_t prec_level);

size_t fp_action_set_size(int type);

#endif /* fp-action.h */
