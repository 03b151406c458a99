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

/* The receive side of a link (fp_link_receive(): flow control against the
 * port's RX ring) on a fake driver whose ring room the test sets, and
 * fp_port_rx_room() on the model. */

#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "fp/fp-provider.h"
#include "fp-link.h"
#include "util.h"

/* The fake driver: its RX ring has room for 'room[i]' packets at the i-th
 * port_rx_room call (the last value after the list), and it records what
 * port_receive_batch takes. */
#define FAKE_MAX_CALLS 8
static size_t fake_room[FAKE_MAX_CALLS];
static size_t fake_n_room;
static size_t fake_room_calls;
static size_t fake_batches[FAKE_MAX_CALLS];
static size_t fake_n_batches;
static size_t fake_received;

static int
fake_create(const char *name, const struct fp_device_config *config,
            struct fp_device **devp);

static void
fake_destroy(struct fp_device *dev)
{
    fp_device_uninit(dev);
    free(dev);
}

static size_t
fake_rx_room(const struct fp_device *dev OVS_UNUSED,
             uint32_t port OVS_UNUSED)
{
    size_t i = MIN(fake_room_calls, fake_n_room - 1);

    fake_room_calls++;
    return fake_room[i];
}

static int
fake_receive_batch(struct fp_device *dev OVS_UNUSED,
                   uint32_t port OVS_UNUSED,
                   const struct fp_packet *pkts OVS_UNUSED, size_t n,
                   size_t *n_queued)
{
    if (fake_n_batches < FAKE_MAX_CALLS) {
        fake_batches[fake_n_batches] = n;
    }
    fake_n_batches++;
    fake_received += n;
    *n_queued = n;
    return 0;
}

static const struct fp_device_class fake_class = {
    .type = "fake",
    .create = fake_create,
    .destroy = fake_destroy,
    .port_receive_batch = fake_receive_batch,
    .port_rx_room = fake_rx_room,
};

static int
fake_create(const char *name, const struct fp_device_config *config,
            struct fp_device **devp)
{
    struct fp_device *dev = xzalloc(sizeof *dev);

    fp_device_init(dev, &fake_class, name, config);
    *devp = dev;
    return 0;
}

/* Sets the room that the fake ring reports, call after call. */
static void
fake_set_room(size_t n, const size_t *room)
{
    memcpy(fake_room, room, n * sizeof *room);
    fake_n_room = n;
    fake_room_calls = fake_n_batches = fake_received = 0;
    memset(fake_batches, 0, sizeof fake_batches);
}

static struct fp_packet pkts[32];

static int
setup(void **state)
{
    struct fp_device *dev;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(pkts); i++) {
        pkts[i].data = "\x02\x00\x00\x00\x00\x01";
        pkts[i].size = 6;
    }
    assert_int_equal(fp_device_create_class(&fake_class, "fake0", NULL,
                                            &dev), 0);
    *state = dev;
    return 0;
}

static int
teardown(void **state)
{
    fp_device_destroy(*state);
    return 0;
}

/* A full ring: the link waits (pauses) until it has room, then hands the
 * whole batch over at once, without a drop. */
static void
test_waits_for_room(void **state)
{
    struct fp_link link = { .dev = *state, .port = 0 };
    static const size_t room[] = { 0, 0, 0, 1024 };

    fake_set_room(ARRAY_SIZE(room), room);
    assert_int_equal(fp_link_receive(&link, pkts, 32), 3);
    assert_int_equal(fake_n_batches, 1);
    assert_int_equal(fake_batches[0], 32);
    assert_int_equal(fake_received, 32);
}

/* Room for part of the batch: the link hands over what fits, and the rest
 * when there is room for it, in order. */
static void
test_hands_over_what_fits(void **state)
{
    struct fp_link link = { .dev = *state, .port = 0 };
    static const size_t room[] = { 10, 0, 5, 1024 };

    fake_set_room(ARRAY_SIZE(room), room);
    assert_int_equal(fp_link_receive(&link, pkts, 32), 1);
    assert_int_equal(fake_n_batches, 3);
    assert_int_equal(fake_batches[0], 10);
    assert_int_equal(fake_batches[1], 5);
    assert_int_equal(fake_batches[2], 17);
    assert_int_equal(fake_received, 32);
}

/* A ring that never drains: after FP_LINK_MAX_PAUSES pauses, the link
 * hands the batch over anyway (the ring drops what does not fit), so that
 * its thread never hangs. */
static void
test_pauses_are_bounded(void **state)
{
    struct fp_link link = { .dev = *state, .port = 0 };
    static const size_t room[] = { 0 };

    fake_set_room(ARRAY_SIZE(room), room);
    assert_int_equal(fp_link_receive(&link, pkts, 32), FP_LINK_MAX_PAUSES);
    assert_int_equal(fake_n_batches, 1);
    assert_int_equal(fake_batches[0], 32);
}

/* The model reports its whole ring as room when its engines have drained
 * it, and no room for a port out of range. */
static void
test_model_room(void **state OVS_UNUSED)
{
    struct fp_device_config cfg;
    struct fp_device *dev;

    fp_device_config_default(&cfg);
    cfg.rx_ring_size = 256;
    assert_int_equal(fp_device_create("room0", &cfg, &dev), 0);
    assert_int_equal(fp_port_rx_room(dev, 0), 256);
    assert_int_equal(fp_port_receive_batch(dev, 0, pkts, 32, NULL), 0);
    assert_int_equal(fp_device_flush(dev), 0);
    assert_int_equal(fp_port_rx_room(dev, 0), 256);
    assert_int_equal(fp_port_rx_room(dev, cfg.n_phy_ports + cfg.n_vfs), 0);
    fp_device_destroy(dev);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_waits_for_room),
        cmocka_unit_test(test_hands_over_what_fits),
        cmocka_unit_test(test_pauses_are_bounded),
        cmocka_unit_test(test_model_room),
    };

    return cmocka_run_group_tests_name("fp-link", tests, setup, teardown);
}
