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

/* Unit tests of the flow-processor model (lib/fp-model.c) against OVS's
 * RCU: no control operation may wait for an RCU grace period while it
 * holds a lock that an RCU thread may wait for (see the locking rules in
 * lib/fp-model-private.h).
 *
 * ovsrcu_synchronize() waits until every RCU thread that is not quiescent
 * passes a quiescent point.  A thread blocked in ovs_mutex_lock() is not
 * quiescent, so a thread that waits for a grace period while it holds that
 * mutex waits forever.  Here a second RCU thread adds and deletes rules
 * (as dpif-netdev's offload thread does) while the test thread deletes
 * meters and shared counters and resets the device; a watchdog turns a
 * deadlock into a failure. */

#include <config.h>

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "timeval.h"
#include "util.h"

/* Seconds without the end of a test after which the watchdog declares a
 * deadlock.  The tests take well under a second on an idle machine. */
#define WATCHDOG_S 60

/* Meter and shared counter churn of one test. */
#define N_CYCLES 2000

/* A reset every RESET_EVERY cycles. */
#define RESET_EVERY 20

/* The meter that the worker's rules use, set again after every reset. */
#define WORKER_METER 100

/* The meter that the test thread deletes and sets again, and the worker
 * polices packets with, as dpif-netdev's threads do through the meter
 * hook. */
#define CHURN_METER 1

static void
watchdog_fired(int sig OVS_UNUSED)
{
    static const char msg[] = "test-fp-model-rcu: a test did not end in "
                              OVS_STRINGIZE(WATCHDOG_S) " s: deadlock\n";

    ignore(write(STDERR_FILENO, msg, sizeof msg - 1));
    _exit(EXIT_FAILURE);
}

static void
watchdog_start(void)
{
    signal(SIGALRM, watchdog_fired);
    alarm(WATCHDOG_S);
}

static void
watchdog_stop(void)
{
    alarm(0);
}

static const struct fp_meter_config meter_config = {
    .type = FP_METER_SRTCM, .pkts = true,
    .cir = 1000000, .cbs = 1000000, .ebs = 1000000,
};

/* The second RCU thread. */
struct worker {
    struct fp_device *dev;
    struct ovs_mutex *outer;    /* Taken around its calls, or NULL. */
    atomic_bool stop;
    atomic_uint64_t n_loops;
    unsigned int n_added;       /* Rules added (the meter existed). */
    unsigned int n_policed;     /* Police calls that found the meter. */
    int error;                  /* First unexpected error, for the test
                                 * thread to check (cmocka's checks work
                                 * on the test thread only). */
};

/* Adds a rule that meters with WORKER_METER and deletes it, polices a
 * packet with CHURN_METER and reads the device's figures, again and again,
 * quiescent only between two rounds, as dpif-netdev's threads are. */
static void *
worker_main(void *w_)
{
    struct worker *w = w_;
    uint64_t n = 0;

    for (;;) {
        struct fp_device_stats ds;
        struct fp_rule rule;
        uint32_t size = 60;
        uint8_t remark;
        bool passed, stop;
        uint32_t id;
        int error;

        atomic_read(&w->stop, &stop);
        if (stop) {
            break;
        }

        memset(&rule, 0, sizeof rule);
        rule.key.in_port = 0;
        rule.mask.in_port = UINT32_MAX;
        rule.priority = n % 8;
        rule.actions[0].type = FP_ACTION_METER;
        rule.actions[0].meter_id = WORKER_METER;
        rule.actions[1].type = FP_ACTION_OUTPUT;
        rule.actions[1].port = 1;
        rule.n_actions = 2;

        if (w->outer) {
            ovs_mutex_lock(w->outer);
        }
        error = fp_rule_add(w->dev, &rule, &id);
        if (!error) {
            /* A reset in between takes the rule: ENOENT. */
            w->n_added++;
            error = fp_rule_delete(w->dev, id, NULL);
            if (error && error != ENOENT && !w->error) {
                w->error = error;
            }
        } else if (error != ENOENT && !w->error) {
            /* ENOENT: the meter is gone with a reset. */
            w->error = error;
        }
        if (w->outer) {
            ovs_mutex_unlock(w->outer);
        }
        if (!fp_meter_police(w->dev, CHURN_METER, &size, 1, time_usec(),
                             &passed, &remark)) {
            w->n_policed++;
        }
        fp_device_get_stats(w->dev, &ds);

        atomic_store(&w->n_loops, ++n);
        ovsrcu_quiesce();
    }
    return NULL;
}

/* Waits until 'w' went round its loop 'n' more times than 'base'. */
static void
worker_wait(struct worker *w, uint64_t base, uint64_t n)
{
    for (;;) {
        uint64_t loops;

        atomic_read(&w->n_loops, &loops);
        if (loops >= base + n) {
            return;
        }
        ovsrcu_quiesce();
        sched_yield();
    }
}

/* Runs N_CYCLES cycles of: delete and set again CHURN_METER, allocate and
 * free a shared counter, and every RESET_EVERY cycles a reset of the device,
 * while a worker thread adds and deletes rules.  With 'outer', both threads
 * hold an outer mutex, as the OVS side's 'offload_fp_mutex', around their
 * calls (except the reset, which the OVS side calls without it). */
static void
churn(bool outer)
{
    struct fp_device_config config;
    struct ovs_mutex outer_mutex;
    struct fp_device_stats ds;
    struct fp_device *dev;
    struct worker w;
    pthread_t thread;
    uint64_t loops;
    int i;

    fp_device_config_default(&config);
    config.n_rules = 1024;
    config.n_engines = 2;
    config.n_meters = 4;
    assert_int_equal(fp_device_create("rcu", &config, &dev), 0);
    assert_int_equal(fp_meter_set(dev, WORKER_METER, &meter_config), 0);
    assert_int_equal(fp_meter_set(dev, CHURN_METER, &meter_config), 0);

    ovs_mutex_init(&outer_mutex);
    memset(&w, 0, sizeof w);
    w.dev = dev;
    w.outer = outer ? &outer_mutex : NULL;
    atomic_init(&w.stop, false);
    atomic_init(&w.n_loops, 0);

    watchdog_start();
    thread = ovs_thread_create("rcu_worker", worker_main, &w);
    worker_wait(&w, 0, 1);

    for (i = 0; i < N_CYCLES; i++) {
        uint32_t counter;

        if (outer) {
            ovs_mutex_lock(&outer_mutex);
        }
        assert_int_equal(fp_meter_delete(dev, CHURN_METER), 0);
        assert_int_equal(fp_counter_alloc(dev, &counter), 0);
        assert_int_equal(fp_counter_free(dev, counter), 0);

        /* A deleted meter or counter is not in use any more, at once. */
        memset(&ds, 0, sizeof ds);
        fp_device_get_stats(dev, &ds);
        assert_int_equal(ds.n_meters, 1);
        assert_int_equal(ds.n_counters - ds.n_rules, 0);

        assert_int_equal(fp_meter_set(dev, CHURN_METER, &meter_config), 0);
        if (outer) {
            ovs_mutex_unlock(&outer_mutex);
        }

        if (i % RESET_EVERY == RESET_EVERY - 1) {
            assert_int_equal(fp_device_reset(dev), 0);
            memset(&ds, 0, sizeof ds);
            fp_device_get_stats(dev, &ds);
            assert_int_equal(ds.n_meters, 0);
            assert_int_equal(fp_meter_set(dev, WORKER_METER, &meter_config),
                             0);
            assert_int_equal(fp_meter_set(dev, CHURN_METER, &meter_config),
                             0);
        }

        /* Let the worker run into the next operations. */
        atomic_read(&w.n_loops, &loops);
        if (i % 64 == 0) {
            worker_wait(&w, loops, 1);
        }
        ovsrcu_quiesce();
    }

    atomic_store(&w.stop, true);
    xpthread_join(thread, NULL);
    watchdog_stop();

    atomic_read(&w.n_loops, &loops);
    printf("%s: worker %"PRIu64" rounds, %u rules added, %u packets "
           "policed\n", outer ? "outer lock" : "no outer lock", loops,
           w.n_added, w.n_policed);
    assert_int_equal(w.error, 0);
    assert_true(w.n_added > 0);

    fp_device_destroy(dev);
    ovs_mutex_destroy(&outer_mutex);
}

/* The model alone: a meter or shared counter deleted, or the device reset,
 * while another RCU thread waits for the model's lock. */
static void
test_fp_model_rcu_churn(void **state OVS_UNUSED)
{
    churn(false);
}

/* As the OVS side calls the model: under an outer lock that the other RCU
 * thread waits for. */
static void
test_fp_model_rcu_churn_outer_lock(void **state OVS_UNUSED)
{
    churn(true);
}

/* A deleted meter's slot and a freed counter are free at once (the meter's
 * memory waits for an RCU grace period, its slot does not): a full table
 * takes a new meter or counter right after a deletion. */
static void
test_fp_model_rcu_slot_reuse(void **state OVS_UNUSED)
{
    struct fp_device_config config;
    struct fp_device_stats ds;
    struct fp_meter_stats ms;
    struct fp_device *dev;
    uint32_t counters[3], extra;
    uint32_t size = 60;
    uint8_t remark;
    bool passed;
    int i;

    fp_device_config_default(&config);
    config.n_rules = 1;
    config.n_counters = 4;
    config.n_meters = 2;
    assert_int_equal(fp_device_create("rcu", &config, &dev), 0);

    assert_int_equal(fp_meter_set(dev, 1, &meter_config), 0);
    assert_int_equal(fp_meter_set(dev, 2, &meter_config), 0);
    assert_int_equal(fp_meter_set(dev, 3, &meter_config), ENOSPC);
    for (i = 0; i < 100; i++) {
        uint32_t old = 1 + i % 2 * 2, new = 3 - i % 2 * 2;

        /* Meter 'old' goes, meter 'new' takes its slot. */
        assert_int_equal(fp_meter_delete(dev, old), 0);
        assert_int_equal(fp_meter_get_stats(dev, old, &ms), ENOENT);
        assert_int_equal(fp_meter_police(dev, old, &size, 1, time_usec(),
                                         &passed, &remark), ENOENT);
        assert_int_equal(fp_meter_set(dev, new, &meter_config), 0);
        assert_int_equal(fp_meter_police(dev, new, &size, 1, time_usec(),
                                         &passed, &remark), 0);
        assert_true(passed);
        assert_int_equal(fp_meter_get_stats(dev, new, &ms), 0);
        assert_int_equal(ms.pass_packets, 1);
        memset(&ds, 0, sizeof ds);
        fp_device_get_stats(dev, &ds);
        assert_int_equal(ds.n_meters, 2);
    }

    /* No rule: the four counters can all be shared. */
    for (i = 0; i < ARRAY_SIZE(counters); i++) {
        assert_int_equal(fp_counter_alloc(dev, &counters[i]), 0);
    }
    assert_int_equal(fp_counter_alloc(dev, &extra), 0);
    assert_int_equal(fp_counter_alloc(dev, &extra), ENOSPC);
    for (i = 0; i < 100; i++) {
        assert_int_equal(fp_counter_free(dev, counters[i % 3]), 0);
        memset(&ds, 0, sizeof ds);
        fp_device_get_stats(dev, &ds);
        assert_int_equal(ds.n_counters, 3);
        assert_int_equal(fp_counter_alloc(dev, &counters[i % 3]), 0);
    }

    fp_device_destroy(dev);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_model_rcu_churn),
        cmocka_unit_test(test_fp_model_rcu_churn_outer_lock),
        cmocka_unit_test(test_fp_model_rcu_slot_reuse),
    };

    return cmocka_run_group_tests_name("fp_model_rcu", tests, NULL, NULL);
}
