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

/* ovs-offload-bench's goals and, in the full mode, its data series. */

#include <config.h>

#include "ovs-offload-bench.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "util.h"

static struct bench_opts report_opts;
static struct ds report_goals = DS_EMPTY_INITIALIZER;
static struct shash report_series = SHASH_INITIALIZER(&report_series);

int
bench_report_start(const struct bench_opts *opts)
{
    report_opts = *opts;
    if (opts->full && opts->out_dir
        && mkdir(opts->out_dir, 0777) && errno != EEXIST) {
        return errno;
    }
    return 0;
}

void
bench_goal(const char *name, bool met, const char *format, ...)
{
    struct ds line = DS_EMPTY_INITIALIZER;
    va_list args;

    ds_put_format(&line, "goal   %s: %s: ", name, met ? "met" : "NOT met");
    va_start(args, format);
    ds_put_format_valist(&line, format, args);
    va_end(args);
    printf("%s\n", ds_cstr(&line));
    fflush(stdout);
    ds_put_format(&report_goals, "%s\n", ds_cstr(&line));
    ds_destroy(&line);
}

void
bench_data(const char *series, const char *format, ...)
{
    FILE *file;
    va_list args;

    if (!report_opts.full || !report_opts.out_dir) {
        return;
    }
    file = shash_find_data(&report_series, series);
    if (!file) {
        char *name = xasprintf("%s/%s.dat", report_opts.out_dir, series);

        file = fopen(name, "w");
        if (!file) {
            ovs_fatal(errno, "%s: cannot create", name);
        }
        free(name);
        shash_add(&report_series, series, file);
    }
    va_start(args, format);
    vfprintf(file, format, args);
    va_end(args);
    fputc('\n', file);
}

void
bench_report_finish(void)
{
    struct shash_node *node;

    SHASH_FOR_EACH (node, &report_series) {
        fclose(node->data);
    }
    shash_clear(&report_series);
    printf("\nSummary of the goals:\n%s", ds_cstr(&report_goals));
    fflush(stdout);
}
