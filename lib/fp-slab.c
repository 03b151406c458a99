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

#include "fp-slab.h"

#include <stdint.h>

#include "openvswitch/list.h"
#include "ovs-thread.h"
#include "util.h"

BUILD_ASSERT_DECL(IS_POW2(FP_SLAB_BLOCK));

/* A block: this header, then 'per_block' objects of the slab. */
struct fp_slab_block {
    struct ovs_list node;       /* In the slab's 'partial' if not full. */
    struct fp_slab *slab;
    void *free;                 /* Freed objects, each linked by its first
                                 * bytes to the next. */
    uint32_t n_used;            /* Objects in use. */
    uint32_t n_carved;          /* Objects carved so far, in order. */
    uint64_t objects[];         /* Aligned on 8 bytes. */
};

struct fp_slab {
    struct ovs_mutex mutex;
    size_t size;                /* Of an object, a multiple of 8. */
    uint32_t per_block;         /* Objects in a block. */
    struct ovs_list partial OVS_GUARDED;    /* Blocks with room. */
    size_t n_blocks OVS_GUARDED;
    size_t n_used OVS_GUARDED;  /* Objects in use, in all blocks. */
    bool destroyed OVS_GUARDED; /* fp_slab_destroy() was called. */
};

/* Returns a new slab of objects of 'size' bytes (at least 1, at most a
 * quarter of FP_SLAB_BLOCK), each aligned on 8 bytes, which the caller
 * destroys with fp_slab_destroy(). */
struct fp_slab *
fp_slab_create(size_t size)
{
    struct fp_slab *slab = xzalloc(sizeof *slab);

    ovs_assert(size && size <= FP_SLAB_BLOCK / 4);
    ovs_mutex_init(&slab->mutex);
    slab->size = ROUND_UP(MAX(size, sizeof(void *)), 8);
    slab->per_block = ((FP_SLAB_BLOCK - sizeof(struct fp_slab_block))
                       / slab->size);
    ovs_list_init(&slab->partial);
    return slab;
}

static void
fp_slab_free_slab(struct fp_slab *slab)
{
    ovs_mutex_destroy(&slab->mutex);
    free(slab);
}

/* Gives up the caller's hold on 'slab' (which may be NULL): it allocates no
 * more objects, and goes once every object it gave is freed, at once if
 * none is left.  Objects still in use stay valid until fp_slab_free(). */
void
fp_slab_destroy(struct fp_slab *slab)
{
    bool empty;

    if (!slab) {
        return;
    }
    ovs_mutex_lock(&slab->mutex);
    slab->destroyed = true;
    empty = !slab->n_blocks;
    ovs_mutex_unlock(&slab->mutex);
    if (empty) {
        fp_slab_free_slab(slab);
    }
}

/* Returns a new object of 'slab', of the size that fp_slab_create() was
 * given, with undefined contents, which the caller frees with
 * fp_slab_free().  Never fails (aborts on memory exhaustion, as xmalloc()
 * does). */
void *
fp_slab_alloc(struct fp_slab *slab)
{
    struct fp_slab_block *block;
    void *object;

    ovs_mutex_lock(&slab->mutex);
    ovs_assert(!slab->destroyed);
    if (ovs_list_is_empty(&slab->partial)) {
        block = xmalloc_size_align(FP_SLAB_BLOCK, FP_SLAB_BLOCK);
        block->slab = slab;
        block->free = NULL;
        block->n_used = 0;
        block->n_carved = 0;
        ovs_list_push_front(&slab->partial, &block->node);
        slab->n_blocks++;
    }
    block = CONTAINER_OF(ovs_list_front(&slab->partial),
                         struct fp_slab_block, node);
    if (block->free) {
        object = block->free;
        block->free = *(void **) object;
    } else {
        object = (char *) block->objects + block->n_carved++ * slab->size;
    }
    if (++block->n_used == slab->per_block) {
        ovs_list_remove(&block->node);
    }
    slab->n_used++;
    ovs_mutex_unlock(&slab->mutex);
    return object;
}

/* Frees 'object' (which may be NULL), from fp_slab_alloc() of a slab that
 * may have been destroyed since.  Any thread; takes no lock but the
 * slab's. */
void
fp_slab_free(void *object)
{
    struct fp_slab_block *block;
    struct fp_slab *slab;
    bool gone = false;

    if (!object) {
        return;
    }
    block = (struct fp_slab_block *) ((uintptr_t) object
                                      & ~(uintptr_t) (FP_SLAB_BLOCK - 1));
    slab = block->slab;

    ovs_mutex_lock(&slab->mutex);
    ovs_assert(block->n_used);
    slab->n_used--;
    if (block->n_used-- == slab->per_block) {
        ovs_list_push_back(&slab->partial, &block->node);
    }
    if (!block->n_used) {
        ovs_list_remove(&block->node);
        free_size_align(block);
        gone = !--slab->n_blocks && slab->destroyed;
    } else {
        *(void **) object = block->free;
        block->free = object;
    }
    ovs_mutex_unlock(&slab->mutex);
    if (gone) {
        fp_slab_free_slab(slab);
    }
}

/* Returns the bytes of heap that an object of 'slab' takes, with its share
 * of its block's header and of the block's unused tail, when the block is
 * full. */
size_t
fp_slab_object_cost(const struct fp_slab *slab)
{
    return DIV_ROUND_UP(FP_SLAB_BLOCK, slab->per_block);
}

/* Returns the objects of 'slab' in use. */
size_t
fp_slab_count(const struct fp_slab *slab_)
{
    struct fp_slab *slab = CONST_CAST(struct fp_slab *, slab_);
    size_t n;

    ovs_mutex_lock(&slab->mutex);
    n = slab->n_used;
    ovs_mutex_unlock(&slab->mutex);
    return n;
}
