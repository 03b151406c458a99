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

#ifndef FP_SLAB_H
#define FP_SLAB_H 1

/* Objects of one size, carved side by side from blocks of FP_SLAB_BLOCK
 * bytes, rather than one malloc() block each: an object costs its size
 * rounded up to 8 bytes and a share of its block's header, not malloc()'s
 * 8-byte header and its rounding up to 16 bytes (at least 32).  Made for
 * the many small objects of equal size that every offloaded flow has: a
 * NIC rule of the model's table (lib/fp-table.c), and on the OVS side the
 * flow's record and the compact copy of its rule.
 *
 * (fp_slab_create_aligned() makes objects aligned on 4 bytes, which round
 * up to 4 instead.)
 *
 * A slab has an owner, one thread at a time (the caller serializes them,
 * as the table's writer or a module's mutex does), which allocates
 * (fp_slab_alloc()), frees (fp_slab_free()) and destroys it without a lock
 * (a flow_put() allocates three objects, and a mutex around each cost it
 * about 230 instructions); each allocation and free adds to or takes from
 * an atomic count of the objects out, one relaxed atomic operation, so
 * that a destroyed slab knows its last object.  Any other thread
 * may free an object with fp_slab_free_remote(), as an RCU callback frees
 * a rule after its last reader is done, when the owner may have destroyed
 * the slab already: such an object goes on a lock-free list that the
 * owner takes back at its next fp_slab_alloc() or fp_slab_collect(), and
 * a destroyed slab stays until its last object is freed.
 *
 * A freed object goes on the free list of its block, found by its address
 * (blocks are aligned on their size); a block whose objects are all free
 * goes back to the heap. */

#include <stddef.h>

/* Bytes of a block, a power of 2. */
#define FP_SLAB_BLOCK 16384

struct fp_slab;

struct fp_slab *fp_slab_create(size_t size);
struct fp_slab *fp_slab_create_aligned(size_t size, size_t align);
void fp_slab_destroy(struct fp_slab *);

void *fp_slab_alloc(struct fp_slab *);
void fp_slab_free(void *);
void fp_slab_free_remote(void *);
void fp_slab_collect(struct fp_slab *);

size_t fp_slab_object_cost(const struct fp_slab *);
size_t fp_slab_count(const struct fp_slab *);

#endif /* fp-slab.h */
