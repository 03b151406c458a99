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

/* Unit tests of the model's Linux interface endpoints
 * (lib/fp-afpacket.c): the errors an operator sees.  Traffic through them
 * is tested by the system tests (tests/system-fp-traffic.at). */

#include <config.h>

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fp-afpacket.h"
#include "util.h"

static void
rx_cb(void *aux OVS_UNUSED, const struct fp_packet *pkts OVS_UNUSED,
      size_t n OVS_UNUSED)
{
}

/* An interface that does not exist is ENODEV, and nothing is opened. */
static void
test_no_such_interface(void **state OVS_UNUSED)
{
    struct fp_afpacket *afp = (struct fp_afpacket *) 1;

    assert_int_equal(fp_afpacket_open("fp-nonexistent0", rx_cb, NULL, &afp),
                     ENODEV);
    assert_null(afp);
}

/* Without CAP_NET_RAW, opening "lo" is EPERM.  The capability is dropped
 * in a child process, so the test works the same as root or not. */
static void
test_no_privilege(void **state OVS_UNUSED)
{
    int status;
    pid_t pid;

    pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        struct fp_afpacket *afp;

        capng_get_caps_process();
        capng_update(CAPNG_DROP, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
                     CAP_NET_RAW);
        capng_apply(CAPNG_SELECT_CAPS);
        _exit(fp_afpacket_open("lo", rx_cb, NULL, &afp) == EPERM ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_such_interface),
        cmocka_unit_test(test_no_privilege),
    };

    return cmocka_run_group_tests_name("fp-afpacket", tests, NULL, NULL);
}
