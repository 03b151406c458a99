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

/* Unit tests of the model's rule batches (lib/fp-model.c) against its
 * packet engines: which batches wait for an engine that is in the middle of
 * a batch of packets, and which do not; and of the memory that the model
 * says a rule takes.
 *
 * A batch that deletes or modifies a rule waits until no engine can still
 * be using what it took away (fp_rule_batch()'s contract); a batch that
 * only adds rules has nothing to wait for, and does not, nor does one that
 * deletes rules with 'no_wait', which leaves the deleted rules' counters
 * to be freed once the engines are past the commit.  The tests hold an
 * engine inside a batch of packets (its endpoint's send() blocks until the
 * test lets it go) and change rules meanwhile; a watchdog turns a batch
 * that waits forever into a failure. */

#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fp/fp.h"
#include "fp-model.h"
#include "fp-test-holder.h"
#include "fp-table.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "timeval.h"
#include "util.h"

/* Seconds without the end of a test after which the watchdog declares that
 * a batch waited for the held engine.  The test takes well under a second
 * on an idle machine. */
#define WATCHDOG_S 60

/* Ports of the default model device: physical ports 0 and 1. */
#define IN_PORT 0
#define OUT_PORT 1

/* A 60-byte UDP/IPv4 frame. */
static const uint8_t udp_pkt[60] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x2e, 0x00, 0x01, 0x00, 0x00,
    0x40, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0x04, 0x00, 0x04, 0x01,
    0x00, 0x1a, 0x00, 0x00, 'h', 'e', 'l', 'l', 'o',
};

static void
watchdog_fired(int sig OVS_UNUSED)
{
    static const char msg[] = "test-fp-model-batch: a rule batch waited "
                              "for the held engine\n";

    ignore(write(STDERR_FILENO, msg, sizeof msg - 1));
    _exit(EXIT_FAILURE);
}

/* Returns a rule that sends what comes in on 'in_port' to OUT_PORT. */
static struct fp_rule
rule_to_out(uint32_t in_port)
{
    struct fp_rule rule;

    memset(&rule, 0, sizeof rule);
    rule.key.in_port = in_port;
    rule.mask.in_port = UINT32_MAX;
    rule.n_actions = 1;
    rule.actions[0].type = FP_ACTION_OUTPUT;
    rule.actions[0].port = OUT_PORT;
    return rule;
}

/* Applies one operation; returns its error. */
static int
one_op(struct fp_device *dev, struct fp_rule_op *op)
{
    assert_int_equal(fp_rule_batch(dev, op, 1), 0);
    return op->error;
}

static void
test_fp_model_batch_add_does_not_wait(void **state OVS_UNUSED)
{
    struct fp_packet pkt = { .data = udp_pkt, .size = sizeof udp_pkt };
    struct fp_rule r0 = rule_to_out(IN_PORT);
    struct fp_rule r1 = rule_to_out(2);
    struct fp_rule_op add0 = { .type = FP_RULE_OP_ADD, .rule = &r0 };
    struct fp_rule_op add1 = { .type = FP_RULE_OP_ADD, .rule = &r1 };
    struct fp_rule_op del0 = { .type = FP_RULE_OP_DELETE };
    struct fp_test_holder holder;
    struct fp_device *dev;
    size_t n_queued;

    signal(SIGALRM, watchdog_fired);
    alarm(WATCHDOG_S);

    fp_test_holder_init(&holder);
    assert_int_equal(fp_device_create("fp0", NULL, &dev), 0);
    assert_int_equal(fp_port_set_endpoint(dev, OUT_PORT, &fp_test_holder_ops,
                                          &holder), 0);
    assert_int_equal(one_op(dev, &add0), 0);

    /* The engine takes the packet and stays in its batch, in send(). */
    assert_int_equal(fp_port_receive_batch(dev, IN_PORT, &pkt, 1,
                                           &n_queued), 0);
    assert_int_equal(n_queued, 1);
    fp_test_holder_wait(&holder);

    /* A batch of adds returns while the engine is still in its batch. */
    assert_int_equal(one_op(dev, &add1), 0);
    assert_int_not_equal(add1.id, 0);
    assert_int_equal(fp_test_holder_n_sent(&holder), 0);

    /* Let the engine go: a deletion waits for it, and reads the packet in
     * its rule's final counters. */
    fp_test_holder_release(&holder);
    del0.id = add0.id;
    assert_int_equal(one_op(dev, &del0), 0);
    assert_int_equal(del0.stats.n_packets, 1);
    assert_int_equal(del0.stats.n_bytes, sizeof udp_pkt);
    assert_int_equal(fp_test_holder_n_sent(&holder), 1);

    alarm(0);
    assert_int_equal(fp_port_set_endpoint(dev, OUT_PORT, NULL, NULL), 0);
    fp_device_destroy(dev);
}

/* An engine in the middle of a batch of two packets that meet rule r0:
 * the first one is in send(), the second not counted yet.  Meanwhile r0 is
 * deleted with 'no_wait', which returns at once, and r1 added.  The engine
 * counts the second packet in r0's counter after the deletion: had the
 * model freed that counter at once, r1 would have taken it (the lowest
 * free one) and would count the packet. */
static void
test_fp_model_batch_delete_no_wait(void **state OVS_UNUSED)
{
    struct fp_packet pkts[2] = {
        { .data = udp_pkt, .size = sizeof udp_pkt },
        { .data = udp_pkt, .size = sizeof udp_pkt },
    };
    struct fp_rule r0 = rule_to_out(IN_PORT);
    struct fp_rule r1 = rule_to_out(2);
    struct fp_rule_op add0 = { .type = FP_RULE_OP_ADD, .rule = &r0 };
    struct fp_rule_op add1 = { .type = FP_RULE_OP_ADD, .rule = &r1 };
    struct fp_rule_op del0 = { .type = FP_RULE_OP_DELETE, .no_wait = true };
    struct fp_device_stats ds;
    struct fp_rule_stats rs;
    struct fp_test_holder holder;
    struct fp_device *dev;
    size_t n_queued;

    signal(SIGALRM, watchdog_fired);
    alarm(WATCHDOG_S);

    fp_test_holder_init(&holder);
    assert_int_equal(fp_device_create("fp0", NULL, &dev), 0);
    assert_int_equal(fp_port_set_endpoint(dev, OUT_PORT, &fp_test_holder_ops,
                                          &holder), 0);
    assert_int_equal(one_op(dev, &add0), 0);

    /* The engine takes both packets in one batch and stays in it, in the
     * first one's send(). */
    assert_int_equal(fp_port_receive_batch(dev, IN_PORT, pkts, 2,
                                           &n_queued), 0);
    assert_int_equal(n_queued, 2);
    fp_test_holder_wait(&holder);

    /* The deletion returns while the engine is still in its batch, without
     * counters; so does the addition after it. */
    del0.id = add0.id;
    assert_int_equal(one_op(dev, &del0), 0);
    assert_int_equal(del0.stats.n_packets, 0);
    assert_int_equal(one_op(dev, &add1), 0);
    assert_int_equal(fp_test_holder_n_sent(&holder), 0);

    /* Let the engine go.  Both packets met r0 (the second one in the
     * table version of its batch, from before the deletion); none of them
     * counts in r1. */
    fp_test_holder_release(&holder);
    assert_int_equal(fp_device_flush(dev), 0);
    assert_int_equal(fp_test_holder_n_sent(&holder), 2);
    assert_int_equal(fp_rule_get_stats(dev, add1.id, &rs), 0);
    assert_int_equal(rs.n_packets, 0);
    assert_int_equal(rs.n_bytes, 0);

    /* Once the engine is past the deletion, r0's counter is free: r1's is
     * the only one in use. */
    memset(&ds, 0, sizeof ds);
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.hits, 2);
    assert_int_equal(ds.n_rules, 1);
    assert_int_equal(ds.n_counters, 1);

    alarm(0);
    assert_int_equal(fp_port_set_endpoint(dev, OUT_PORT, NULL, NULL), 0);
    fp_device_destroy(dev);
}

/* A device with room for one rule, one counter and one mask: a rule
 * deleted with 'no_wait' gives its counter and mask back by the next
 * batch, which takes them for a rule of another mask (the engines, idle,
 * are past the deletion). */
static void
test_fp_model_batch_delete_no_wait_frees(void **state OVS_UNUSED)
{
    struct fp_rule r0 = rule_to_out(IN_PORT);
    struct fp_rule r1 = rule_to_out(2);
    struct fp_rule_op add0 = { .type = FP_RULE_OP_ADD, .rule = &r0 };
    struct fp_rule_op add1 = { .type = FP_RULE_OP_ADD, .rule = &r1 };
    struct fp_rule_op del0 = { .type = FP_RULE_OP_DELETE, .no_wait = true };
    struct fp_device_config cfg;
    struct fp_device_stats ds;
    struct fp_device *dev;

    fp_device_config_default(&cfg);
    cfg.n_rules = 1;
    cfg.n_counters = 1;
    cfg.n_masks = 1;
    assert_int_equal(fp_device_create("fp0", &cfg, &dev), 0);
    r1.key.eth_type = htons(0x0800);
    r1.mask.eth_type = OVS_BE16_MAX;

    assert_int_equal(one_op(dev, &add0), 0);
    assert_int_equal(fp_rule_batch(dev, &add1, 1), ENOSPC);
    del0.id = add0.id;
    assert_int_equal(one_op(dev, &del0), 0);
    assert_int_equal(one_op(dev, &add1), 0);

    memset(&ds, 0, sizeof ds);
    fp_device_get_stats(dev, &ds);
    assert_int_equal(ds.n_rules, 1);
    assert_int_equal(ds.n_masks, 1);
    assert_int_equal(ds.n_counters, 1);
    fp_device_destroy(dev);
}

/* Deletes with 'no_wait', in one batch, the rules whose ids are 'ids[0 ..
 * n - 1]'. */
static void
delete_no_wait(struct fp_device *dev, const uint32_t *ids, size_t n)
{
    struct fp_rule_op *ops = xcalloc(n, sizeof *ops);
    size_t i;

    for (i = 0; i < n; i++) {
        ops[i].type = FP_RULE_OP_DELETE;
        ops[i].id = ids[i];
        ops[i].no_wait = true;
    }
    assert_int_equal(fp_rule_batch(dev, ops, n), 0);
    for (i = 0; i < n; i++) {
        assert_int_equal(ops[i].error, 0);
    }
    free(ops);
}

/* Rule batches that need none of the work that deletions with 'no_wait'
 * left share it (FP_MODEL_DEFER_RULES): a batch does it once that many
 * deletions wait (or the oldest has waited FP_MODEL_DEFER_MS), not at
 * once, and an operation that depends on it (the device's statistics)
 * does it first.  The engine is idle, past every commit: only the count
 * and the age of the work decide. */
static void
test_fp_model_batch_deferred_shared(void **state OVS_UNUSED)
{
    enum { N = FP_MODEL_DEFER_RULES + 2 };
    uint32_t *ids = xmalloc(N * sizeof *ids);
    struct fp_device_stats ds;
    struct fp_device *dev;
    long long int start;
    uint32_t i;

    assert_int_equal(fp_device_create("fp0", NULL, &dev), 0);
    for (i = 0; i < N; i++) {
        struct fp_rule rule = rule_to_out(i);
        struct fp_rule_op op = { .type = FP_RULE_OP_ADD, .rule = &rule };

        assert_int_equal(one_op(dev, &op), 0);
        ids[i] = op.id;
    }

    /* FP_MODEL_DEFER_RULES deletions wait; the next batch, an addition,
     * does their work. */
    delete_no_wait(dev, ids, FP_MODEL_DEFER_RULES);
    assert_int_equal(fp_model_deferred_rules(dev), FP_MODEL_DEFER_RULES);
    {
        struct fp_rule rule = rule_to_out(N);
        struct fp_rule_op op = { .type = FP_RULE_OP_ADD, .rule = &rule };

        assert_int_equal(one_op(dev, &op), 0);
    }
    assert_int_equal(fp_model_deferred_rules(dev), 0);

    /* One deletion waits, through the next batch, unless that batch comes
     * FP_MODEL_DEFER_MS after it. */
    start = time_msec();
    delete_no_wait(dev, &ids[FP_MODEL_DEFER_RULES], 1);
    assert_int_equal(fp_model_deferred_rules(dev), 1);
    delete_no_wait(dev, &ids[FP_MODEL_DEFER_RULES + 1], 1);
    if (time_msec() - start < FP_MODEL_DEFER_MS) {
        assert_int_equal(fp_model_deferred_rules(dev), 2);
    }

    /* The statistics count what is in use: the work is done first. */
    memset(&ds, 0, sizeof ds);
    fp_device_get_stats(dev, &ds);
    assert_int_equal(fp_model_deferred_rules(dev), 0);
    assert_int_equal(ds.n_rules, 1);
    assert_int_equal(ds.n_counters, 1);

    fp_device_destroy(dev);
    free(ids);
}

/* Returns fp_model_memory_per_rule() of a model device with 'n_engines'
 * engines and 'n' rules, as rule_to_out() makes them with in_ports 0 to
 * 'n' - 1.  Inserts the same rules into 'table' if it is nonnull. */
static size_t
memory_per_rule(int n_engines, uint32_t n, struct fp_table *table)
{
    struct fp_device_config cfg;
    struct fp_device *dev;
    size_t per_rule;
    uint32_t i;

    fp_device_config_default(&cfg);
    cfg.n_engines = n_engines;
    assert_int_equal(fp_device_create("fp0", &cfg, &dev), 0);
    for (i = 0; i < n; i++) {
        struct fp_rule rule = rule_to_out(i);
        struct fp_rule_op op = { .type = FP_RULE_OP_ADD, .rule = &rule };

        assert_int_equal(one_op(dev, &op), 0);
        if (table) {
            struct fp_table_rule *trule;
            enum fp_table_full full;

            assert_int_equal(fp_table_insert(table, &rule.key, &rule.mask,
                                             0, i, NULL, 0, &trule, &full),
                             0);
        }
    }
    per_rule = fp_model_memory_per_rule(dev);
    fp_device_destroy(dev);
    return per_rule;
}

/* The bytes per rule that the model reports are its table's entry and hash
 * slot, the rule's two id slots (rule, counter id), its counter in each
 * engine and its share of the one action list: the same rules in a table of
 * their own, and a second engine, tell each part. */
static void
test_fp_model_batch_memory_per_rule(void **state OVS_UNUSED)
{
    enum { N = 1000 };
    size_t one, two, counter, table_part, slots, rules = 0;
    struct fp_device_config cfg;
    struct fp_key key, mask;
    struct fp_table *table;
    uint32_t i;

    fp_device_config_default(&cfg);
    table = fp_table_create(cfg.n_rules, cfg.n_masks);

    one = memory_per_rule(1, N, table);
    two = memory_per_rule(2, N, NULL);
    counter = two - one;
    assert_true(counter >= 3 * sizeof(uint64_t));

    memset(&key, 0, sizeof key);
    memset(&mask, 0, sizeof mask);
    mask.in_port = UINT32_MAX;
    for (i = 0; i < N; i++) {
        const struct fp_table_rule *trule;

        key.in_port = i;
        trule = fp_table_lookup(table, &key, fp_table_version(table) + 1);
        assert_non_null(trule);
        rules += fp_table_rule_size(table, trule);
    }
    table_part = (rules + fp_table_memory(table)) / N;

    /* The action list's share rounds to 0 or 1 byte. */
    slots = one - counter - table_part;
    assert_true(slots == sizeof(void *) + sizeof(uint32_t)
                || slots == sizeof(void *) + sizeof(uint32_t) + 1);
    fp_table_destroy(table);
}

/* Rules with the same actions share one action list, and the model takes
 * the list of the last rule without hashing the actions again: not a list
 * whose meter id it resolved (a rule that names a meter id equal to that
 * slot must still find no such meter), nor a list that its last rule
 * released. */
static void
test_fp_model_batch_action_lists(void **state OVS_UNUSED)
{
    struct fp_meter_config mc = {
        .type = FP_METER_BANDS, .pkts = true, .n_bands = 1,
        .bands = { { .rate = 1000, .burst = 10 } },
    };
    struct fp_rule metered = rule_to_out(3);
    struct fp_rule plain = rule_to_out(4);
    struct fp_device *dev;
    uint32_t id, id2;

    assert_int_equal(fp_device_create("fp0", NULL, &dev), 0);

    /* Meter 7 takes the meter table's slot 0: a rule with meter 0, whose
     * actions are the bytes of the first rule's resolved list, names a
     * meter that does not exist. */
    assert_int_equal(fp_meter_set(dev, 7, &mc), 0);
    metered.actions[1] = metered.actions[0];
    metered.actions[0].type = FP_ACTION_METER;
    metered.actions[0].meter_id = 7;
    metered.n_actions = 2;
    assert_int_equal(fp_rule_add(dev, &metered, &id), 0);
    metered.key.in_port = 5;
    metered.actions[0].meter_id = 0;
    assert_int_equal(fp_rule_add(dev, &metered, &id2), ENOENT);
    metered.actions[0].meter_id = 7;
    assert_int_equal(fp_rule_add(dev, &metered, &id2), 0);
    assert_int_equal(fp_meter_delete(dev, 7), EBUSY);

    /* A list that goes with its last rule is not taken again: the next
     * rule with those actions makes a new one, which its deletion frees. */
    assert_int_equal(fp_rule_add(dev, &plain, &id), 0);
    assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
    plain.key.in_port = 6;
    assert_int_equal(fp_rule_add(dev, &plain, &id), 0);
    assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
    plain.key.in_port = 7;
    assert_int_equal(fp_rule_add(dev, &plain, &id), 0);
    assert_int_equal(fp_rule_delete(dev, id, NULL), 0);
    fp_device_destroy(dev);
}

/* Applies 'op' to 'one' alone (a batch of one addition: the model's path
 * for it) and to 'batch' with an operation of an unknown type before it (a
 * batch of two: the general path, where the unknown one fails with EINVAL
 * and takes nothing), checks that both give the same result and the same
 * table state, and returns the error, with the full table in '*fullp'. */
static int
same_op(struct fp_device *one, struct fp_device *batch,
        const struct fp_rule_op *op, enum fp_resource *fullp)
{
    struct fp_rule_op ops[2] = { { .type = 99 }, *op };
    struct fp_rule_op op1 = *op;
    struct fp_device_stats s1, s2;
    int error;

    error = fp_rule_batch(one, &op1, 1);
    assert_int_equal(error, op1.error);
    assert_int_equal(fp_rule_batch(batch, ops, 2), EINVAL);
    assert_int_equal(ops[0].error, EINVAL);
    assert_int_equal(op1.error, ops[1].error);
    assert_int_equal(op1.id, ops[1].id);
    assert_int_equal(op1.full, ops[1].full);
    assert_int_equal(fp_model_deferred_rules(one),
                     fp_model_deferred_rules(batch));
    fp_device_get_stats(one, &s1);
    fp_device_get_stats(batch, &s2);
    assert_int_equal(s1.n_rules, s2.n_rules);
    assert_int_equal(s1.n_masks, s2.n_masks);
    assert_int_equal(s1.n_counters, s2.n_counters);
    if (fullp) {
        *fullp = op1.full;
    }
    return op1.error;
}

/* A batch of one addition, as the flow API sends it, takes a path of its
 * own in the model: it gives the same ids, errors (an invalid rule, a
 * missing meter, an injected fault, each full table) and table state as
 * the same addition in a batch of several, and after a deletion with
 * 'no_wait' as well.  The first pass runs out of counters (two are
 * shared counters), the second out of rules. */
static void
test_fp_model_batch_one_add(void **state OVS_UNUSED)
{
    int pass;

    for (pass = 0; pass < 2; pass++) {
        struct fp_device_config cfg;
        struct fp_device *devs[2];
        enum fp_resource full;
        struct fp_rule_op op;
        struct fp_rule r;
        int error, i;

        fp_device_config_default(&cfg);
        cfg.n_rules = 6;
        cfg.n_masks = 2;
        cfg.n_counters = 7;
        for (i = 0; i < 2; i++) {
            assert_int_equal(fp_device_create(i ? "fp1" : "fp0", &cfg,
                                              &devs[i]), 0);
            if (!pass) {
                uint32_t counter;

                assert_int_equal(fp_counter_alloc(devs[i], &counter), 0);
                assert_int_equal(fp_counter_alloc(devs[i], &counter), 0);
            }
        }

        memset(&op, 0, sizeof op);
        op.type = FP_RULE_OP_ADD;
        op.rule = &r;

        r = rule_to_out(1);
        assert_int_equal(same_op(devs[0], devs[1], &op, NULL), 0);

        /* Invalid: an output port out of range. */
        r = rule_to_out(2);
        r.actions[0].port = 1000;
        assert_int_equal(same_op(devs[0], devs[1], &op, NULL), EINVAL);

        /* A meter that does not exist. */
        r = rule_to_out(2);
        r.actions[1] = r.actions[0];
        r.actions[0].type = FP_ACTION_METER;
        r.actions[0].meter_id = 99;
        r.n_actions = 2;
        assert_int_equal(same_op(devs[0], devs[1], &op, NULL), ENOENT);

        /* A device that fails. */
        r = rule_to_out(2);
        for (i = 0; i < 2; i++) {
            fp_device_fail_next(devs[i], FP_OP_RULE_ADD, 1, EIO);
        }
        assert_int_equal(same_op(devs[0], devs[1], &op, NULL), EIO);
        assert_int_equal(same_op(devs[0], devs[1], &op, NULL), 0);

        /* A second mask, then a third, for which there is no room. */
        r = rule_to_out(3);
        r.key.eth_type = htons(0x0800);
        r.mask.eth_type = OVS_BE16_MAX;
        assert_int_equal(same_op(devs[0], devs[1], &op, NULL), 0);
        r.mask.in_port = 0;
        r.key.in_port = 0;
        assert_int_equal(same_op(devs[0], devs[1], &op, &full), ENOSPC);
        assert_int_equal(full, FP_RES_MASKS);

        /* A deletion with 'no_wait' leaves its counter for later, until an
         * addition needs it. */
        for (i = 0; i < 2; i++) {
            struct fp_rule_op del = { .type = FP_RULE_OP_DELETE, .id = 1,
                                      .no_wait = true };

            assert_int_equal(fp_rule_batch(devs[i], &del, 1), 0);
        }
        for (i = 4; i < 20; i++) {
            r = rule_to_out(i);
            error = same_op(devs[0], devs[1], &op, &full);
            if (error) {
                break;
            }
        }
        assert_int_equal(error, ENOSPC);
        assert_int_equal(full, pass ? FP_RES_RULES : FP_RES_COUNTERS);
        fp_device_destroy(devs[0]);
        fp_device_destroy(devs[1]);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_model_batch_add_does_not_wait),
        cmocka_unit_test(test_fp_model_batch_delete_no_wait),
        cmocka_unit_test(test_fp_model_batch_delete_no_wait_frees),
        cmocka_unit_test(test_fp_model_batch_deferred_shared),
        cmocka_unit_test(test_fp_model_batch_memory_per_rule),
        cmocka_unit_test(test_fp_model_batch_action_lists),
        cmocka_unit_test(test_fp_model_batch_one_add),
    };

    return cmocka_run_group_tests_name("fp-model-batch", tests, NULL, NULL);
}
