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

#ifndef FP_TABLE_H
#define FP_TABLE_H 1

/* The flow-processor model's rule table.
 *
 * Built like a hardware classifier: a list of the distinct masks in use
 * and, per mask, a hash table of rules keyed by the masked key.  A lookup
 * probes every mask once.  The capacity (number of rules) is fixed at
 * creation; a full table refuses new rules with ENOSPC.
 *
 * Each rule has a handle (a nonzero uint32_t) and an opaque 'data' pointer
 * that the table returns from lookups and never dereferences.
 *
 * Not thread-safe: the caller serializes every call on one table. */

#include <stddef.h>
#include <stdint.h>

struct fp_key;
struct fp_table;

struct fp_table *fp_table_create(uint32_t capacity);
void fp_table_destroy(struct fp_table *);

int fp_table_insert(struct fp_table *, const struct fp_key *key,
                    const struct fp_key *mask, uint32_t priority,
                    void *data, uint32_t *idp);
int fp_table_modify(struct fp_table *, uint32_t id, const struct fp_key *key,
                    const struct fp_key *mask, uint32_t priority,
                    void *data);
int fp_table_remove(struct fp_table *, uint32_t id, void **datap);
void *fp_table_get(const struct fp_table *, uint32_t id);
void *fp_table_lookup(const struct fp_table *, const struct fp_key *);

uint32_t fp_table_count(const struct fp_table *);
uint32_t fp_table_capacity(const struct fp_table *);
size_t fp_table_n_masks(const struct fp_table *);

#endif /* fp-table.h */
