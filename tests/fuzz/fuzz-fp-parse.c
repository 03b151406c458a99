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

/* Fuzz target: the model's packet parser (lib/fp-parse.c).  The input is
 * one Ethernet frame.  Besides memory errors, it checks the parser's
 * promises: the layers it reports lie inside the frame, in order; and its
 * fast path gives what the whole parser (fp_parse_general()) gives. */

#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fp/fp.h"
#include "fp-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fp_parse_layers layers, layers_general;
    struct fp_key key, key_general;
    int error;

    error = fp_parse(data, size, 3, &key, &layers);
    if (key.in_port != 3) {
        abort();
    }
    if (fp_parse_general(data, size, 3, FP_PARSE_MAX_VLANS, &key_general,
                         &layers_general) != error
        || memcmp(&key, &key_general, sizeof key)
        || layers.l3 != layers_general.l3
        || layers.l4 != layers_general.l4
        || layers.l3_end != layers_general.l3_end) {
        abort();
    }
    if (!error) {
        if (layers.l3 != FP_PARSE_NONE
            && (layers.l3 > size || layers.l3_end > size
                || layers.l3_end < layers.l3)) {
            abort();
        }
        if (layers.l4 != FP_PARSE_NONE
            && (layers.l3 == FP_PARSE_NONE || layers.l4 < layers.l3
                || layers.l4 > layers.l3_end)) {
            abort();
        }
    }
    return 0;
}
