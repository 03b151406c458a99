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

/* Fuzz target: the arguments of "ovs-appctl fp/inject" and "ovs-appctl
 * fp/explain" (fp-unixctl.c), which an operator or a script types.
 *
 * The input is a selector byte, then the arguments, separated by NUL or
 * newline.  If the selector is even, they go to fp/inject PORT PACKET...
 * (1 to 4 of them), else to fp/explain [UFID | FLOW [ACTIONS]] (0 to 2),
 * as unixctl would pass them.  The ports are those of fuzz_ovs_init(), so
 * that "p1", "fp0:vf1", in_port(1) and output 2 name real ports.  With
 * FUZZ_VERBOSE set in the environment, it prints each answer and error. */

#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fp-unixctl.h"
#include "fuzz-ovs.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-rcu.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ARGS = 4 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *args[MAX_ARGS];
    const char *argv[MAX_ARGS + 1];
    bool is_inject;
    char *error;
    int i, n;

    fuzz_ovs_init();
    if (!size) {
        return 0;
    }
    is_inject = !(data[0] & 1);
    n = fuzz_ovs_split(data + 1, size - 1, args, is_inject ? MAX_ARGS : 2);
    argv[0] = is_inject ? "fp/inject" : "fp/explain";
    for (i = 0; i < n; i++) {
        argv[i + 1] = args[i];
    }

    if (is_inject) {
        error = n >= 1 ? fp_unixctl_inject_args(n + 1, argv, NULL) : NULL;
    } else {
        struct ds reply = DS_EMPTY_INITIALIZER;

        error = fp_unixctl_explain_args(n + 1, argv, &reply);
        if (getenv("FUZZ_VERBOSE")) {
            fprintf(stderr, "%s", ds_cstr(&reply));
        }
        ds_destroy(&reply);
    }
    if (error && getenv("FUZZ_VERBOSE")) {
        fprintf(stderr, "error: %s\n", error);
    }
    free(error);
    fuzz_ovs_free_args(args, n);
    ovsrcu_quiesce();
    return 0;
}
