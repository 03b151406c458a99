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
#include <string.h>

#include "openvswitch/list.h"
#include "ovs-atomic.h"
#include "util.h"

BUILD_ASSERT_DECL(IS_POW2(FP_SLAB_BLOCK));

/* A block: this header, then 'per_block' objects of the slab. */
struct fp_slab_block {
    struct ovs_list all_node;   /* In the slab's 'all'.  First, so that
                                 * valgrind sees a pointer to the block's
                                 * start, not only interior ones. */
    struct ovs_list node;       /* In the slab's 'partial' if not full. */
    struct fp_slab *slab;
    void *free;                 /* Freed objects, each linked by its first
                                 * bytes to the next (fp_slab_next()). */
    uint32_t n_used;            /* Objects in use. */
    uint32_t n_carved;          /* Objects carved so far, in order. */
    uint64_t objects[];         /* Aligned on 8 bytes. */
};

struct fp_slab {
    size_t size;                /* Of an object, a multiple of its
                                 * alignment, 4 or 8. */
    uint32_t per_block;         /* Objects in a block. */

    /* The owner's. */
    struct ovs_list partial;    /* Blocks with room. */
    struct ovs_list all;        /* Every block. */
    size_t n_used;              /* Objects in use, but those in 'remote'. */

    /* Any thread's.  'refs' is the owner's reference, until
     * fp_slab_destroy(), and one per object allocated and not freed yet:
     * the last fp_slab_free_remote() of a destroyed slab frees it. */
    ATOMIC(void *) remote;      /* Objects of fp_slab_free_remote(), linked
                                 * by their first bytes. */
    ATOMIC(unsigned int) refs;
};

/* A freed object is linked to the next by its first bytes, which are
 * aligned on 4 bytes only in a slab of fp_slab_create_aligned(size, 4). */
static void *
fp_slab_next(const void *object)
{
    void *next;

    memcpy(&next, object, sizeof next);
    return next;
}

static void
fp_slab_set_next(void *object, void *next)
{
    memcpy(object, &next, sizeof next);
}

/* Returns a new slab of objects of 'size' bytes (at least 1, at most a
 * quarter of FP_SLAB_BLOCK), each aligned on 8 bytes, which the caller,
 * its owner, destroys with fp_slab_destroy(). */
struct fp_slab *
fp_slab_create(size_t size)
{
    return fp_slab_create_aligned(size, 8);
}

/* Returns a new slab of objects of 'size' bytes (at least 1, at most a
 * quarter of FP_SLAB_BLOCK), each aligned on 'align' bytes, 4 or 8, which
 * the caller, its owner, destroys with fp_slab_destroy().  An object takes
 * 'size' rounded up to 'align', and at least 8 bytes: objects of 4-byte
 * words (no pointer, no 64-bit member) of a size that is an odd multiple
 * of 4 save 4 bytes each with an 'align' of 4. */
struct fp_slab *
fp_slab_create_aligned(size_t size, size_t align)
{
    struct fp_slab *slab = xzalloc(sizeof *slab);

    ovs_assert(size && size <= FP_SLAB_BLOCK / 4);
    ovs_assert(align == 4 || align == 8);
    slab->size = ROUND_UP(MAX(size, sizeof(void *)), align);
    slab->per_block = ((FP_SLAB_BLOCK - sizeof(struct fp_slab_block))
                       / slab->size);
    ovs_list_init(&slab->partial);
    ovs_list_init(&slab->all);
    atomic_init(&slab->remote, NULL);
    atomic_init(&slab->refs, 1);
    return slab;
}

static void fp_slab_free_slab(struct fp_slab *);

/* Drops a reference to 'slab', which the last one frees, with every block
 * it has (the objects left are on the 'remote' list). */
static void
fp_slab_unref(struct fp_slab *slab)
{
    unsigned int old;

    atomic_sub_explicit(&slab->refs, 1, &old, memory_order_release);
    if (old == 1) {
        atomic_thread_fence(memory_order_acquire);
        fp_slab_free_slab(slab);
    }
}

/* Frees 'slab' and every block it has.  Nothing may use it any more. */
static void
fp_slab_free_slab(struct fp_slab *slab)
{
    struct fp_slab_block *block;

    LIST_FOR_EACH_SAFE (block, all_node, &slab->all) {
        free_size_align(block);
    }
    free(slab);
}

/* Returns the block of 'object', an object of fp_slab_alloc(): blocks are
 * aligned on their size. */
static struct fp_slab_block *
fp_slab_block_of(const void *object)
{
    return (struct fp_slab_block *) ((uintptr_t) object
                                     & ~(uintptr_t) (FP_SLAB_BLOCK - 1));
}

/* Puts 'object', of a block of 'slab', back on its block's free list, and
 * gives the block back to the heap if it is then all free.  Owner only. */
static void
fp_slab_put(struct fp_slab *slab, void *object)
{
    struct fp_slab_block *block = fp_slab_block_of(object);

    ovs_assert(block->n_used);
    slab->n_used--;
    if (block->n_used-- == slab->per_block) {
        ovs_list_push_back(&slab->partial, &block->node);
    }
    if (!block->n_used) {
        ovs_list_remove(&block->node);
        ovs_list_remove(&block->all_node);
        free_size_align(block);
    } else {
        fp_slab_set_next(object, block->free);
        block->free = object;
    }
}

/* Takes back the objects that other threads freed with
 * fp_slab_free_remote(), giving back to the heap the blocks that are then
 * all free.  Owner only. */
void
fp_slab_collect(struct fp_slab *slab)
{
    void *object, *next;

    object = atomic_exchange_explicit(&slab->remote, NULL,
                                      memory_order_acquire);
    for (; object; object = next) {
        next = fp_slab_next(object);
        fp_slab_put(slab, object);
    }
}

/* Gives up the owner's hold on 'slab' (which may be NULL): it allocates no
 * more objects, and goes once every object it gave is freed, at once if
 * none is left.  Objects still in use stay valid until
 * fp_slab_free_remote(). */
void
fp_slab_destroy(struct fp_slab *slab)
{
    if (slab) {
        fp_slab_unref(slab);
    }
}

/* Takes an object of the first block of 'slab' with room, which it must
 * have. */
static inline void *
fp_slab_take(struct fp_slab *slab)
{
    struct fp_slab_block *block;
    unsigned int old;
    void *object;

    block = CONTAINER_OF(ovs_list_front(&slab->partial),
                         struct fp_slab_block, node);
    if (block->free) {
        object = block->free;
        block->free = fp_slab_next(object);
    } else {
        object = (char *) block->objects + block->n_carved++ * slab->size;
    }
    if (++block->n_used == slab->per_block) {
        ovs_list_remove(&block->node);
    }
    slab->n_used++;
    atomic_add_relaxed(&slab->refs, 1, &old);
    return object;
}

/* fp_slab_alloc() for a slab that has no block with room: gives it one
 * (the objects that other threads freed, or a new block), then takes an
 * object.  Out of line, so that fp_slab_alloc() saves no registers. */
static void * __attribute__((noinline))
fp_slab_alloc_refill(struct fp_slab *slab)
{
    struct fp_slab_block *block;

    fp_slab_collect(slab);
    if (ovs_list_is_empty(&slab->partial)) {
        block = xmalloc_size_align(FP_SLAB_BLOCK, FP_SLAB_BLOCK);
        block->slab = slab;
        block->free = NULL;
        block->n_used = 0;
        block->n_carved = 0;
        ovs_list_push_front(&slab->partial, &block->node);
        ovs_list_push_back(&slab->all, &block->all_node);
    }
    return fp_slab_take(slab);
}

/* Returns a new object of 'slab', of the size that fp_slab_create() was
 * given, with undefined contents, which the caller frees with
 * fp_slab_free() or fp_slab_free_remote().  Never fails (aborts on memory
 * exhaustion, as xmalloc() does).  Owner only. */
void *
fp_slab_alloc(struct fp_slab *slab)
{
    if (OVS_UNLIKELY(ovs_list_is_empty(&slab->partial))) {
        return fp_slab_alloc_refill(slab);
    }
    return fp_slab_take(slab);
}

/* Returns the slab of 'object', an object of fp_slab_alloc(). */
static struct fp_slab *
fp_slab_of(const void *object)
{
    return fp_slab_block_of(object)->slab;
}

/* Frees 'object' (which may be NULL), from fp_slab_alloc() of a slab that
 * the caller owns and has not destroyed.  Owner only. */
void
fp_slab_free(void *object)
{
    if (object) {
        struct fp_slab *slab = fp_slab_of(object);
        unsigned int old;

        fp_slab_put(slab, object);
        atomic_sub_relaxed(&slab->refs, 1, &old);
    }
}

/* Frees 'object' (which may be NULL), from fp_slab_alloc() of a slab that
 * may have been destroyed since.  Any thread, without a lock: the owner
 * takes the object back later (see fp_slab_collect()), or, if the slab is
 * destroyed and this is its last object, the slab goes at once. */
void
fp_slab_free_remote(void *object)
{
    struct fp_slab *slab;
    void *head;

    if (!object) {
        return;
    }
    slab = fp_slab_of(object);
    atomic_read_relaxed(&slab->remote, &head);
    do {
        fp_slab_set_next(object, head);
    } while (!atomic_compare_exchange_weak_explicit(&slab->remote, &head,
                                                    object,
                                                    memory_order_release,
                                                    memory_order_relaxed));
    fp_slab_unref(slab);
}

/* Returns the bytes of heap that an object of 'slab' takes, with its share
 * of its block's header and of the block's unused tail, when the block is
 * full. */
size_t
fp_slab_object_cost(const struct fp_slab *slab)
{
    return DIV_ROUND_UP(FP_SLAB_BLOCK, slab->per_block);
}

/* Returns the objects of 'slab' in use, but those that other threads freed
 * since the last fp_slab_collect().  Owner only. */
size_t
fp_slab_count(const struct fp_slab *slab)
{
    return slab->n_used;
}
