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
 * NIC rule of the model's table (lib/fp-table.c) and the compact copy of
 * it on the OVS side.
 *
 * A freed object goes on the free list of its block, found by its address
 * (blocks are aligned on their size); a block whose objects are all free
 * goes back to the heap.  fp_slab_free() may run on any thread, in
 * particular in an RCU callback after the object's last reader is done,
 * when the owner of the slab may have destroyed it already: the slab
 * itself stays until its last object is freed (see fp_slab_destroy()).
 * Each slab has a mutex of its own, which fp_slab_alloc() and
 * fp_slab_free() hold for a few instructions. */

#include <stddef.h>

/* Bytes of a block, a power of 2. */
#define FP_SLAB_BLOCK 16384

struct fp_slab;

struct fp_slab *fp_slab_create(size_t size);
void fp_slab_destroy(struct fp_slab *);

void *fp_slab_alloc(struct fp_slab *);
void fp_slab_free(void *);

size_t fp_slab_object_cost(const struct fp_slab *);
size_t fp_slab_count(const struct fp_slab *);

#endif /* fp-slab.h */
