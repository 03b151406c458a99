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

#ifndef FP_TEST_HOLDER_H
#define FP_TEST_HOLDER_H 1

/* An endpoint of a NIC port that holds a NIC engine in the middle of its
 * batch of packets: its send(), which the engine calls, says that it was
 * called and returns only once the test releases it.  For the tests of
 * what waits for the engines and what does not. */

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fp/fp.h"
#include "ovs-atomic.h"
#include "util.h"

struct fp_test_holder {
    atomic_bool entered;        /* An engine is in send(). */
    atomic_bool released;       /* send() may return. */
    atomic_uint n_sent;         /* Packets that send() let go. */
};

static inline void
fp_test_holder_init(struct fp_test_holder *holder)
{
    atomic_init(&holder->entered, false);
    atomic_init(&holder->released, false);
    atomic_init(&holder->n_sent, 0);
}

static int
fp_test_holder_send(void *holder_, uint32_t port OVS_UNUSED,
                    const void *data OVS_UNUSED, size_t size OVS_UNUSED)
{
    struct fp_test_holder *holder = holder_;
    bool released;

    atomic_store(&holder->entered, true);
    for (;;) {
        atomic_read(&holder->released, &released);
        if (released) {
            break;
        }
        sched_yield();
    }
    atomic_add(&holder->n_sent, 1, &(unsigned int) { 0 });
    return 0;
}

/* The endpoint operations, with a struct fp_test_holder as 'aux'. */
static const struct fp_endpoint_ops fp_test_holder_ops = {
    .send = fp_test_holder_send,
};

/* Waits until an engine is in the holder's send(). */
static inline void
fp_test_holder_wait(struct fp_test_holder *holder)
{
    bool entered;

    do {
        sched_yield();
        atomic_read(&holder->entered, &entered);
    } while (!entered);
}

/* Lets the held engine, and every later send(), go on. */
static inline void
fp_test_holder_release(struct fp_test_holder *holder)
{
    atomic_store(&holder->released, true);
}

/* Returns how many packets the holder's send() has let go. */
static inline unsigned int
fp_test_holder_n_sent(struct fp_test_holder *holder)
{
    unsigned int n_sent;

    atomic_read(&holder->n_sent, &n_sent);
    return n_sent;
}

#endif /* fp-test-holder.h */
