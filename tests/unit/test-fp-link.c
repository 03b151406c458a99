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

/* The model's engines polling an endpoint (the way they read a link),
 * with its flow control: they never take more packets than the port's RX
 * ring has room for. */

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "ovs-atomic.h"
#include "util.h"

/* An endpoint that the model's engines poll: 'waiting' packets wait on
 * its outside, and its file descriptor (a pipe) is readable while any
 * does, as a link's socket is.  Its 'receive' notes whether it was ever
 * asked for more packets than the RX ring had room for, or called after
 * the endpoint was replaced. */
struct polled {
    struct fp_device *dev;
    int fds[2];
    atomic_size_t waiting;
    atomic_bool over;           /* The RX ring dropped some for want of
                                 * room: asked for more than the room. */
    atomic_bool replaced;       /* fp_port_set_endpoint() replaced it. */
    atomic_bool late;           /* Called after it was replaced. */
};

static const uint8_t polled_frame[60] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5,
};

static int
polled_send(void *aux OVS_UNUSED, uint32_t port OVS_UNUSED,
            const void *data OVS_UNUSED, size_t size OVS_UNUSED)
{
    return 0;
}

static int
polled_get_fd(void *p_)
{
    struct polled *p = p_;

    return p->fds[0];
}

static size_t
polled_receive(void *p_, uint32_t port, size_t max, bool error OVS_UNUSED)
{
    struct fp_packet batch[32];
    struct polled *p = p_;
    size_t waiting, n, i;
    bool replaced;

    atomic_read(&p->replaced, &replaced);
    if (replaced) {
        atomic_store(&p->late, true);
    }
    atomic_read(&p->waiting, &waiting);
    n = MIN(MIN(max, waiting), ARRAY_SIZE(batch));
    for (i = 0; i < n; i++) {
        batch[i].data = polled_frame;
        batch[i].size = sizeof polled_frame;
    }
    if (n) {
        size_t n_queued;

        assert_int_equal(fp_port_receive_batch(p->dev, port, batch, n,
                                               &n_queued), 0);
        if (n_queued < n) {
            atomic_store(&p->over, true);
        }
        atomic_store(&p->waiting, waiting - n);
    }
    if (waiting == n) {
        char buf[16];

        ignore(read(p->fds[0], buf, sizeof buf));
    }
    return n;
}

static const struct fp_endpoint_ops polled_ops = {
    .send = polled_send,
    .get_fd = polled_get_fd,
    .receive = polled_receive,
};

/* Packets that wait on a polled endpoint come in through the engine, with
 * nobody else's thread, every one of them, although the RX ring (16
 * packets) is smaller than the engine's batch (32) and than the burst: the
 * engine never reads more than the ring has room for, as a link never
 * hands over more (the packets wait on the outside instead).  Once
 * fp_port_set_endpoint() has replaced the endpoint, the engine does not
 * call it any more. */
static void
test_model_polls_endpoint(void **state OVS_UNUSED)
{
    struct fp_device_config cfg;
    struct polled p = { .fds = { -1, -1 } };
    struct fp_port_stats stats;
    struct fp_device *dev;
    size_t waiting;
    int i;

    fp_device_config_default(&cfg);
    cfg.rx_ring_size = 16;
    cfg.batch_size = 32;
    cfg.n_engines = 1;
    assert_int_equal(fp_device_create("polled0", &cfg, &dev), 0);
    p.dev = dev;
    assert_int_equal(pipe2(p.fds, O_NONBLOCK), 0);
    atomic_init(&p.waiting, 0);
    atomic_init(&p.over, false);
    atomic_init(&p.replaced, false);
    atomic_init(&p.late, false);
    assert_int_equal(fp_port_set_endpoint(dev, 0, &polled_ops, &p), 0);

    /* Let the engine fall asleep on the endpoint, then wake it. */
    poll(NULL, 0, 50);
    atomic_store(&p.waiting, 5000);
    assert_int_equal(write(p.fds[1], "", 1), 1);
    for (i = 0; i < 10000; i++) {
        atomic_read(&p.waiting, &waiting);
        if (!waiting) {
            break;
        }
        poll(NULL, 0, 1);
    }
    assert_int_equal(waiting, 0);
    assert_int_equal(fp_device_flush(dev), 0);
    fp_port_get_stats(dev, 0, &stats);
    assert_int_equal(stats.rx_packets, 5000);
    assert_false(p.over);

    /* Replaced: more packets wait, but nobody reads them. */
    assert_int_equal(fp_port_set_endpoint(dev, 0, NULL, NULL), 0);
    atomic_store(&p.replaced, true);
    atomic_store(&p.waiting, 100);
    assert_int_equal(write(p.fds[1], "", 1), 1);
    poll(NULL, 0, 50);
    assert_false(p.late);
    atomic_read(&p.waiting, &waiting);
    assert_int_equal(waiting, 100);

    fp_device_destroy(dev);
    close(p.fds[0]);
    close(p.fds[1]);
}

/* An endpoint has both of 'get_fd' and 'receive' or neither. */
static void
test_endpoint_ops_checked(void **state OVS_UNUSED)
{
    static const struct fp_endpoint_ops half = {
        .send = polled_send,
        .receive = polled_receive,
    };
    struct fp_device *dev;

    assert_int_equal(fp_device_create("half0", NULL, &dev), 0);
    assert_int_equal(fp_port_set_endpoint(dev, 0, &half, NULL), EINVAL);
    fp_device_destroy(dev);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_polls_endpoint),
        cmocka_unit_test(test_endpoint_ops_checked),
    };

    return cmocka_run_group_tests_name("fp-link", tests, NULL, NULL);
}
