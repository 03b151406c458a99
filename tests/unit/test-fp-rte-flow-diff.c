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

/* Differential test of rte_flow patterns from fp rules (lib/fp-rte-flow.c):
 * seeded random frames and random fp rules made from their keys; every
 * rule that the builder takes is run, as an rte_flow pattern, over every
 * frame by a small rte_flow matcher written here from DPDK's description
 * of the items (on the frame's bytes, not on the fp key), and the fp rule
 * by the fp key that the model's parser gives.  The rte_flow rule must
 * never match a frame that the fp rule does not, and may miss one that it
 * matches only where lib/fp-rte-flow.h says so (IPv6 extension
 * headers). */

#include <config.h>

#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <rte_flow.h>

#include "fp/fp.h"
#include "fp-parse.h"
#include "fp-rte-flow.h"
#include "util.h"

static const uint16_t port_ids[] = { 10, 11, 12 };

#include "fp-rte-flow-diff.h"


/* ## ------ ## */
/* ## Tests. ## */
/* ## ------ ## */

#define N_FRAMES 1000
#define N_RULES 20000

static void
run_diff(unsigned int vlan_limit, uint32_t seed)
{
    struct frame *frames = xcalloc(N_FRAMES, sizeof *frames);
    struct fp_rte_flow_config cfg;
    size_t n_built = 0, n_rte = 0, n_fp = 0, n_narrow = 0;
    size_t i, j;

    rng_state = seed;
    fp_rte_flow_config_default(&cfg);
    cfg.port_ids = port_ids;
    cfg.n_ports = ARRAY_SIZE(port_ids);
    cfg.vlan_limit = vlan_limit;

    for (i = 0; i < N_FRAMES; i++) {
        do {
            random_frame(&frames[i], vlan_limit);
        } while (!frames[i].parsed);
    }

    for (i = 0; i < N_RULES; i++) {
        struct fp_rte_flow flow;
        struct fp_rule rule;

        random_rule(&frames[rng() % N_FRAMES], &rule);
        if (fp_rte_flow_build(&rule, &cfg, &flow, NULL)) {
            continue;
        }
        n_built++;
        for (j = 0; j < N_FRAMES; j++) {
            const struct frame *f = &frames[j];
            bool rte = rte_match(flow.items, f, true);
            bool fp = fp_match(&rule, f);

            if (rte && !fp) {
                fail_msg("seed %"PRIu32", rule %zu: the rte_flow rule "
                         "matches frame %zu, which the fp rule does not",
                         seed, i, j);
            }
            if (fp && !rte && !f->ipv6_ext) {
                fail_msg("seed %"PRIu32", rule %zu: the rte_flow rule "
                         "misses frame %zu of the fp rule", seed, i, j);
            }
            n_rte += rte;
            n_fp += fp;
            n_narrow += fp && !rte;
        }
        fp_rte_flow_destroy(&flow);
    }
    printf("vlan limit %u, seed %"PRIu32": %zu of %d rules built, "
           "%zu matches (fp %zu, of which %zu with IPv6 extension "
           "headers that rte_flow misses)\n", vlan_limit, seed, n_built,
           N_RULES, n_rte, n_fp, n_narrow);

    /* Not vacuous. */
    assert_true(n_built >= N_RULES / 20);
    assert_true(n_rte >= 2 * n_built);
    free(frames);
}

static void
test_fp_rte_flow_diff_limit2(void **state OVS_UNUSED)
{
    run_diff(2, 1);
    run_diff(2, 0x9e3779b9);
}

static void
test_fp_rte_flow_diff_limit1(void **state OVS_UNUSED)
{
    run_diff(1, 7);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fp_rte_flow_diff_limit2),
        cmocka_unit_test(test_fp_rte_flow_diff_limit1),
    };

    return cmocka_run_group_tests_name("fp_rte_flow_diff", tests, NULL,
                                       NULL);
}
