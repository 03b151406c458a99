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

/* ovs-offload-bench's goals and, in the full mode, its data series, its
 * report (report.md) and its plots (gnuplot).
 *
 * In the full mode the standard output of the run also goes, through a
 * tee(1) child, into OUT_DIR/output.txt, which report.md quotes whole.  The
 * plots are drawn from the data series by plots.gp, a gnuplot script that
 * bench_report_finish() writes with the data inline (filtered by the
 * columns the plots select) and runs if gnuplot is installed
 * (utilities/ovs-offload-setup installs gnuplot-nox). */

#include <config.h>

#include "ovs-offload-bench.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/shash.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

static struct bench_opts report_opts;
static struct ds report_goals = DS_EMPTY_INITIALIZER;
static struct sset report_goal_names = SSET_INITIALIZER(&report_goal_names);
static struct ds report_sections = DS_EMPTY_INITIALIZER;
static struct shash report_series = SHASH_INITIALIZER(&report_series);

/* Full mode: what the report says of the run. */
static char *report_command;
static char report_date[64];
static char report_load0[128];
static double report_t0;

/* Full mode: the tee(1) child that copies the standard output into
 * output.txt, and the standard output it replaced. */
static pid_t report_tee_pid = -1;
static int report_stdout = -1;

/* Returns the command line of this process, its arguments separated by
 * spaces. */
static char *
report_read_command(void)
{
    struct ds cmd = DS_EMPTY_INITIALIZER;
    FILE *file = fopen("/proc/self/cmdline", "r");
    int c;

    if (file) {
        while ((c = getc(file)) != EOF) {
            ds_put_char(&cmd, c ? c : ' ');
        }
        fclose(file);
    }
    ds_chomp(&cmd, ' ');
    return ds_steal_cstr(&cmd);
}

/* Stores the first line of /proc/loadavg's first three fields into 'buf'. */
static void
report_read_load(char *buf, size_t size)
{
    FILE *file = fopen("/proc/loadavg", "r");
    double l1, l5, l15;

    if (file && fscanf(file, "%lf %lf %lf", &l1, &l5, &l15) == 3) {
        snprintf(buf, size, "%.2f %.2f %.2f", l1, l5, l15);
    } else {
        ovs_strlcpy(buf, "unknown", size);
    }
    if (file) {
        fclose(file);
    }
}

/* Starts a tee(1) child that copies what this process writes to its
 * standard output into 'file' as well.  Returns 0 or a positive errno
 * value. */
static int
report_start_tee(const char *file)
{
    int fds[2];
    pid_t pid;

    fflush(stdout);
    if (pipe(fds)) {
        return errno;
    }
    pid = fork();
    if (pid < 0) {
        int error = errno;

        close(fds[0]);
        close(fds[1]);
        return error;
    } else if (!pid) {
        dup2(fds[0], STDIN_FILENO);
        close(fds[0]);
        close(fds[1]);
        execlp("tee", "tee", file, (char *) NULL);
        _exit(127);
    }
    close(fds[0]);
    report_stdout = dup(STDOUT_FILENO);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[1]);
    report_tee_pid = pid;
    return 0;
}

/* Gives the standard output back and waits for the tee(1) child to write
 * everything. */
static void
report_stop_tee(void)
{
    if (report_tee_pid > 0) {
        fflush(stdout);
        dup2(report_stdout, STDOUT_FILENO);
        close(report_stdout);
        waitpid(report_tee_pid, NULL, 0);
        report_tee_pid = -1;
    }
}

int
bench_report_start(const struct bench_opts *opts)
{
    report_opts = *opts;
    if (opts->full && opts->out_dir) {
        time_t now = time(NULL);
        char *name;
        int error;

        struct stat st;

        if (mkdir(opts->out_dir, 0777) && errno != EEXIST) {
            return errno;
        }
        if (stat(opts->out_dir, &st)) {
            return errno;
        }
        if (!S_ISDIR(st.st_mode)) {
            return ENOTDIR;
        }
        report_command = report_read_command();
        strftime(report_date, sizeof report_date, "%Y-%m-%d %H:%M:%S UTC",
                 gmtime(&now));
        report_read_load(report_load0, sizeof report_load0);
        report_t0 = bench_now();

        name = xasprintf("%s/output.txt", opts->out_dir);
        error = report_start_tee(name);
        free(name);
        if (error) {
            return error;
        }
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
    sset_add(&report_goal_names, name);
}

void
bench_goal_part(struct ds *missed, bool ok, const char *part)
{
    if (!ok) {
        ds_put_format(missed, "%s%s", missed->length ? ", " : "; missed: ",
                      part);
    }
}

/* Appends to the goals a line for every goal of the issue that no section
 * measured in this run. */
static void
report_add_missing_goals(void)
{
    /* Each goal of issue 13, and the section that measures it. */
    static const struct {
        const char *name;
        const char *section;
    } goals[] = {
        { "fwd-line-rate", "model, at 10000 rules over 16 masks" },
        { "fwd-no-cliff", "model" },
        { "churn", "churn" },
        { "offload-rate", "offload" },
        { "stats-pass", "offload" },
        { "stats-age", "offload" },
        { "memory", "offload" },
        { "rtt", "sandbox, as root" },
        { "iperf3-retrans", "sandbox, as root" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(goals); i++) {
        if (!sset_contains(&report_goal_names, goals[i].name)) {
            ds_put_format(&report_goals, "goal   %s: not measured in this "
                          "run (section %s)\n", goals[i].name,
                          goals[i].section);
        }
    }
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
bench_report_section(const char *name, double seconds)
{
    printf("time   section %s: %.1f s\n", name, seconds);
    fflush(stdout);
    ds_put_format(&report_sections, "%s %.1f s, ", name, seconds);
}

/* The plots.
 *
 * Every plot draws its lines against one x taken from the data series: a
 * number column (rules, flows, changes per second, batch size), on a log
 * scale whose ticks are the values measured, each named ("1K", "200K"); or,
 * in a plot of categories, one or more columns whose values, joined by
 * "/", name a group of bars (e.g. "10K/16": 10K rules over 16 masks), one
 * bar per line in each group.
 *
 * A line takes column 'y' of the data series 'series' (named by the first
 * line of SERIES.dat, "# col1 col2 ..."), from the rows where each
 * condition "COLUMN OP VALUE" of 'where' (separated by commas, OP one of
 * =, !=, <, >) holds; rows of the same x (the phases of the churn section)
 * give their mean.  With a null 'series', a line is the constant 'y'.  A
 * plot is drawn if one of its lines has data. */
struct report_line {
    const char *title;          /* The key's entry, with the unit. */
    const char *series;
    const char *y;
    const char *where;
    const char *style;          /* gnuplot's "with" clause. */
    int slot;                   /* Categories: the bar's place, from 1. */
};

struct report_plot {
    const char *name;           /* File name, without extension. */
    const char *title;
    const char *x;              /* Column, or columns for categories. */
    bool categories;
    const char *xlabel;
    const char *ylabel;
    bool logy;
    const char *caption;        /* How to read it, for report.md. */
    struct report_line lines[8];
};

/* The line rate of 10GbE in 64-byte packets, in Mpps. */
#define REPORT_LINE_RATE "14.88"

#define FWD_CAPTION(MASKS, DPIF)                                           \
    "Packets forwarded per second against the rule count (log scale, "    \
    "one tick per point) for rules over " MASKS ": the model with one "    \
    "engine and the sum of two engines (packets per second of each "       \
    "engine's busy CPU time), " DPIF "and OVS's classifier (lookups per "  \
    "second of one thread, the peer of the fwd-no-cliff goal); the "       \
    "dashed line is the line rate of 10GbE."

#define FWD_LINES(MASKS)                                                   \
    { "model, 1 engine (Mpps)", "fwd-model", "mpps",                       \
      "masks=" #MASKS ",engines=1", "linespoints lc 1 pt 7", 0 },          \
    { "model, 2 engines (Mpps, sum)", "fwd-model", "mpps",                 \
      "masks=" #MASKS ",engines=2", "linespoints lc 3 pt 5", 0 },          \
    { "OVS classifier (M lookups/s, 1 thread)", "fwd-model", "ovscls",     \
      "masks=" #MASKS ",engines=1", "linespoints lc 4 pt 9", 0 },          \
    { "10GbE line rate (" REPORT_LINE_RATE " Mpps)", NULL,                 \
      REPORT_LINE_RATE, NULL, "lines lc 7 dashtype 2", 0 }

#define FWD_PLOT(MASKS, MASKS_TEXT)                                        \
    { "fwd-masks" #MASKS,                                                  \
      "Forwarding of 64-byte packets, rules over " MASKS_TEXT,             \
      "rules", false, "rules (log scale)",                                 \
      "Mpps or M lookups/s (per busy CPU second)", false,                  \
      FWD_CAPTION(MASKS_TEXT, "OVS's dpif-netdev with one PMD thread "     \
                  "(packets per second of its CPU time) "),                \
      { FWD_LINES(MASKS),                                                  \
        { "dpif-netdev, 1 PMD (Mpps)", "dpif", "mpps_per_pmd",             \
          "masks=" #MASKS ",pmds=1", "linespoints lc 2 pt 13", 0 } } }

#define CLS_PLOT(NAME, MASKS, TITLE)                                       \
    { "cls-" NAME, "Classifier lookups, one thread, " TITLE,               \
      "rules", false, "rules (log scale)", "M lookups/s (log scale)", true, \
      "Lookups per second of one thread against the rule count (both "     \
      "log scales) for " TITLE ": the model's rule table against OVS's "   \
      "classifier, DPDK's rte_acl and, for exact rules, rte_hash, on the " \
      "same rules and packets.",                                           \
      { { "model's rule table (M lookups/s)", "cls", "model",              \
          "masks=" MASKS, "linespoints lc 1 pt 7", 0 },                    \
        { "OVS classifier (M lookups/s)", "cls", "ovscls", "masks=" MASKS, \
          "linespoints lc 4 pt 9", 0 },                                    \
        { "rte_acl (M lookups/s)", "cls", "rte_acl", "masks=" MASKS,       \
          "linespoints lc 2 pt 5", 0 },                                    \
        { "rte_hash (M lookups/s)", "cls", "rte_hash", "masks=" MASKS,     \
          "linespoints lc 3 pt 13", 0 } } }

#define CHURN_LINES(WHERE)                                                 \
    { { "without churn (Mpps, mean of its phases)", "churn",               \
        "mpps_engine", WHERE ",churn_per_s=0", "linespoints lc 1 pt 7", 0 }, \
      { "with churn (Mpps, mean of its phases)", "churn",                  \
        "mpps_engine", WHERE ",churn_per_s>0", "linespoints lc 7 pt 5", 0 } }

static const struct report_plot report_plots[] = {
    FWD_PLOT(1, "1 mask"),
    FWD_PLOT(16, "16 masks"),
    FWD_PLOT(64, "64 masks"),
    { "dpif", "Forwarding per engine: the model against dpif-netdev",
      "rules,masks", true, "rules/masks",
      "Mpps per engine or PMD (per busy CPU second)", false,
      "For each point (rules/masks), packets forwarded per second of "
      "one engine's busy CPU time by the model, with one and with two "
      "engines, against per second of one PMD thread's CPU time by "
      "dpif-netdev, with one and with two PMDs, on the same megaflows and "
      "packets.",
      { { "model, 1 engine (Mpps)", "fwd-model", "mpps_engine",
          "engines=1", "boxes lc 1 fs solid 0.6", 1 },
        { "dpif-netdev, 1 PMD (Mpps)", "dpif", "mpps_per_pmd",
          "pmds=1", "boxes lc 2 fs solid 0.6", 2 },
        { "model, 2 engines (Mpps per engine)", "fwd-model", "mpps_engine",
          "engines=2", "boxes lc 3 fs solid 0.6", 3 },
        { "dpif-netdev, 2 PMDs (Mpps per PMD)", "dpif", "mpps_per_pmd",
          "pmds=2", "boxes lc 4 fs solid 0.6", 4 },
        { "10GbE line rate (" REPORT_LINE_RATE " Mpps)", NULL,
          REPORT_LINE_RATE, NULL, "lines lc 7 dashtype 2", 0 } } },
    { "churn-rate",
      "Forwarding while rules change: 10K rules over 16 masks, 1 engine, "
      "batches of 1000 changes",
      "rate", false, "rule changes per second asked (log scale)",
      "Mpps per engine (per busy CPU second)", false,
      "Packets forwarded per second of the engine's busy CPU time against "
      "the rule changes per second that the churn thread is asked for "
      "(the output's churn lines give the rate it reached), in the phases "
      "with churn and in those without in between; the churn goal wants "
      "the first at least 80% of the second at 100K changes per second.",
      CHURN_LINES("batch=1000") },
    { "churn-batch",
      "Forwarding while rules change: 10K rules over 16 masks, 1 engine, "
      "100K changes/s",
      "batch", false, "changes per batch (log scale)",
      "Mpps per engine (per busy CPU second)", false,
      "Packets forwarded per second of the engine's busy CPU time against "
      "the changes per fp_rule_batch() call (half adds, half deletes) at "
      "100K changes per second, with churn and without.",
      CHURN_LINES("rate=100000") },
    { "latency", "Latency of one packet: the model NIC, port to port, "
      "against OVS's parse, lookup and copy", "cadence", true, "packets sent",
      "microseconds (log scale)", true,
      "One packet's trip through the model NIC (port receive to the "
      "output port's endpoint, with a thread hand-off to an engine) "
      "against OVS's parse, classifier lookup and copy on the receiving "
      "thread, median and 99th percentile, with packets back to back "
      "(engine awake) and one every 2 ms (engine asleep).",
      { { "model NIC, median (us)", "latency", "model_p50_us", NULL,
          "boxes lc 1 fs solid 0.6", 1 },
        { "OVS parse+lookup+copy, median (us)", "latency", "software_p50_us",
          NULL, "boxes lc 2 fs solid 0.6", 2 },
        { "model NIC, 99th percentile (us)", "latency", "model_p99_us",
          NULL, "boxes lc 1 fs solid 0.2 border", 3 },
        { "OVS parse+lookup+copy, 99th percentile (us)", "latency",
          "software_p99_us", NULL, "boxes lc 2 fs solid 0.2 border",
          4 } } },
    { "offload-rate", "Offload insertion rate (flow_put)", "flows", false,
      "flows (log scale)", "M flows/s", false,
      "Megaflows offloaded per second of wall clock (flow_put until the "
      "rule is in the NIC, the median of the rounds) against the number "
      "of flows, by our flow API and by OVS's dummy offload provider; the "
      "goal wants at least 1 M/s and 2x the dummy provider at 200K flows.",
      { { "ours, model NIC (M flows/s)", "offload-rate", "ours_Mps", NULL,
          "linespoints lc 1 pt 7", 0 },
        { "OVS's dummy provider (M flows/s)", "offload-rate", "dummy_Mps",
          NULL, "linespoints lc 4 pt 9", 0 },
        { "goal (1 M flows/s)", NULL, "1", NULL,
          "lines lc 7 dashtype 2", 0 } } },
    { "offload-pass", "One statistics pass over the offloaded flows",
      "flows", false, "flows (log scale)", "milliseconds per pass", false,
      "The time of one statistics pass (a flow_get() of every flow, as a "
      "revalidator's dump makes it, the best of the rounds) against the "
      "number of flows; the goal wants at most 20 ms at 200K flows.",
      { { "ours (ms)", "offload-pass", "pass_ms", NULL,
          "linespoints lc 1 pt 7", 0 },
        { "goal at 200K flows (20 ms)", NULL, "20", NULL,
          "lines lc 7 dashtype 2", 0 } } },
    { "offload-memory", "Memory per offloaded flow", "flows", false,
      "flows (log scale)", "bytes per flow (log scale)", true,
      "Heap growth per offloaded flow against the number of flows: ours "
      "on the OVS side, the NIC side and both, ours once the flows are "
      "watched for misses, and OVS's dummy provider; the goal wants at "
      "most 256 bytes, OVS side and NIC side together.",
      { { "ours, OVS side + NIC side (B)", "offload-memory", "ours_B",
          NULL, "linespoints lc 1 pt 7", 0 },
        { "ours, OVS side (B)", "offload-memory", "ours_ovs_B", NULL,
          "linespoints lc 3 pt 5", 0 },
        { "ours, NIC side (B)", "offload-memory", "ours_nic_B", NULL,
          "linespoints lc 2 pt 13", 0 },
        { "ours once watched for misses (B)", "offload-memory",
          "ours_watched_B", NULL, "linespoints lc 8 pt 11", 0 },
        { "OVS's dummy provider (B)", "offload-memory", "dummy_B", NULL,
          "linespoints lc 4 pt 9", 0 },
        { "goal (256 B)", NULL, "256", NULL,
          "lines lc 7 dashtype 2", 0 } } },
    CLS_PLOT("masks1", "1", "rules over 1 mask"),
    CLS_PLOT("masks16", "16", "rules over 16 masks"),
    CLS_PLOT("masks64", "64", "rules over 64 masks"),
    CLS_PLOT("exact", "0", "exact rules (nw_dst/32, tp_dst)"),
};

/* The names of the categories of the latency section. */
static const char *const report_category_names[][2] = {
    { "hot", "back to back (engine awake)" },
    { "cold", "one every 2 ms (engine asleep)" },
};

/* A data series read back: its column names and rows. */
struct report_table {
    struct svec cols;
    struct svec rows;           /* Each row's text. */
};

static int
report_col(const struct report_table *t, const char *name)
{
    size_t i;

    for (i = 0; i < t->cols.n; i++) {
        if (!strcmp(t->cols.names[i], name)) {
            return i;
        }
    }
    return -1;
}

/* Reads OUT_DIR/SERIES.dat into 't'.  Returns false if there is none. */
static bool
report_read_table(const char *series, struct report_table *t)
{
    char *name = xasprintf("%s/%s.dat", report_opts.out_dir, series);
    FILE *file = fopen(name, "r");
    struct ds line = DS_EMPTY_INITIALIZER;

    free(name);
    svec_init(&t->cols);
    svec_init(&t->rows);
    if (!file) {
        return false;
    }
    while (!ds_get_line(&line, file)) {
        if (ds_cstr(&line)[0] == '#') {
            if (!t->cols.n) {
                svec_parse_words(&t->cols, ds_cstr(&line) + 1);
            }
        } else if (line.length) {
            svec_add(&t->rows, ds_cstr(&line));
        }
    }
    ds_destroy(&line);
    fclose(file);
    return true;
}

/* Returns the name of the tick of value 'word': a number with K or M for
 * a thousand or a million ("1K", "200K", "1M"), a category's name, or the
 * word itself.  The caller frees it. */
static char *
report_tick_name(const char *word)
{
    char *end;
    double v = strtod(word, &end);
    size_t i;

    if (end != word && !*end) {
        return (v >= 1e6 ? xasprintf("%gM", v / 1e6)
                : v >= 1e3 ? xasprintf("%gK", v / 1e3)
                : xasprintf("%g", v));
    }
    for (i = 0; i < ARRAY_SIZE(report_category_names); i++) {
        if (!strcmp(word, report_category_names[i][0])) {
            return xstrdup(report_category_names[i][1]);
        }
    }
    return xstrdup(word);
}

/* Returns true if row 'words' of 't' meets condition 'cond' ("COLUMN OP
 * VALUE"). */
static bool
report_row_meets(const struct report_table *t, const struct svec *words,
                 const char *cond)
{
    size_t n = strcspn(cond, "=!<>");
    char *col = xmemdup0(cond, n);
    const char *op = cond + n;
    int c = report_col(t, col);
    double v, value;

    free(col);
    if (c < 0 || c >= words->n) {
        return false;
    }
    v = atof(words->names[c]);
    if (op[0] == '!' && op[1] == '=') {
        return v != atof(op + 2);
    }
    value = atof(op + 1);
    return (op[0] == '=' ? v == value
            : op[0] == '<' ? v < value
            : op[0] == '>' ? v > value
            : false);
}

/* The points of one line: x (a value, or a category's name) and the mean
 * of the y of its rows. */
struct report_point {
    char *x;
    double y;
    int n;
};

/* Adds to 'words' the words of 's' (may be NULL) separated by commas. */
static void
report_split(const char *s, struct svec *words)
{
    char *copy = nullable_xstrdup(s);
    char *save = NULL;
    char *w;

    for (w = copy ? strtok_r(copy, ",", &save) : NULL; w;
         w = strtok_r(NULL, ",", &save)) {
        svec_add(words, w);
    }
    free(copy);
}

/* Stores in '*points' ('*n' of them, the caller frees them) the points of
 * line 'l' of plot 'p' from 't'. */
static void
report_line_points(const struct report_plot *p, const struct report_table *t,
                   const struct report_line *l, struct report_point **points,
                   size_t *n)
{
    struct svec xcols = SVEC_EMPTY_INITIALIZER;
    struct svec conds = SVEC_EMPTY_INITIALIZER;
    int y = report_col(t, l->y);
    size_t allocated = 0;
    size_t i, j;

    *points = NULL;
    *n = 0;
    report_split(p->x, &xcols);
    report_split(l->where, &conds);
    for (i = 0; y >= 0 && i < t->rows.n; i++) {
        struct svec words = SVEC_EMPTY_INITIALIZER;
        struct ds x = DS_EMPTY_INITIALIZER;
        bool ok;

        svec_parse_words(&words, t->rows.names[i]);
        ok = y < words.n && strcmp(words.names[y], "-");
        for (j = 0; ok && j < conds.n; j++) {
            ok = report_row_meets(t, &words, conds.names[j]);
        }
        for (j = 0; ok && j < xcols.n; j++) {
            int c = report_col(t, xcols.names[j]);

            ok = c >= 0 && c < words.n;
            if (ok) {
                ds_put_format(&x, "%s%s", j ? "/" : "", words.names[c]);
            }
        }
        if (ok) {
            double v = atof(words.names[y]);

            for (j = 0; j < *n; j++) {
                if (!strcmp((*points)[j].x, ds_cstr(&x))) {
                    break;
                }
            }
            if (j < *n) {
                (*points)[j].y += v;
                (*points)[j].n++;
            } else {
                if (*n >= allocated) {
                    *points = x2nrealloc(*points, &allocated,
                                         sizeof **points);
                }
                (*points)[(*n)++] = (struct report_point) {
                    .x = ds_steal_cstr(&x), .y = v, .n = 1,
                };
            }
        }
        ds_destroy(&x);
        svec_destroy(&words);
    }
    for (j = 0; j < *n; j++) {
        (*points)[j].y /= (*points)[j].n;
    }
    svec_destroy(&conds);
    svec_destroy(&xcols);
}

/* Returns the name of category 'x' ("10000/16" -> "10K/16"). */
static char *
report_category_name(const char *x)
{
    struct ds name = DS_EMPTY_INITIALIZER;
    char *copy = xstrdup(x);
    char *save = NULL;
    char *w;

    for (w = strtok_r(copy, "/", &save); w; w = strtok_r(NULL, "/", &save)) {
        char *tick = report_tick_name(w);

        ds_put_format(&name, "%s%s", name.length ? "/" : "", tick);
        free(tick);
    }
    free(copy);
    return ds_steal_cstr(&name);
}

/* qsort() comparison of the numbers that two strings hold. */
static int
report_compare_numbers(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    double a_v = atof(*a), b_v = atof(*b);

    return a_v < b_v ? -1 : a_v > b_v;
}

/* Writes into 'gp' plot 'p', whose image is 'file'.  Returns false if no
 * line of 'p' has data. */
static bool
report_write_one(FILE *gp, const struct report_plot *p, const char *file)
{
    struct report_point *points[ARRAY_SIZE(p->lines)];
    size_t n_points[ARRAY_SIZE(p->lines)];
    struct svec xs = SVEC_EMPTY_INITIALIZER;   /* Every x, first seen. */
    struct ds plot = DS_EMPTY_INITIALIZER;
    size_t i, j, n_lines, n_slots = 0;
    bool any = false;

    for (n_lines = 0; n_lines < ARRAY_SIZE(p->lines)
                      && p->lines[n_lines].title; n_lines++) {
        const struct report_line *l = &p->lines[n_lines];
        struct report_table t;

        points[n_lines] = NULL;
        n_points[n_lines] = 0;
        if (l->series && report_read_table(l->series, &t)) {
            report_line_points(p, &t, l, &points[n_lines],
                               &n_points[n_lines]);
            svec_destroy(&t.cols);
            svec_destroy(&t.rows);
        }
        for (j = 0; j < n_points[n_lines]; j++) {
            if (!svec_contains_unsorted(&xs, points[n_lines][j].x)) {
                svec_add(&xs, points[n_lines][j].x);
            }
            any = true;
        }
        n_slots = MAX(n_slots, l->slot);
    }
    if (!any) {
        goto out;
    }
    if (!p->categories) {
        qsort(xs.names, xs.n, sizeof *xs.names, report_compare_numbers);
    }

    /* The data, one block per line, the x as gnuplot draws it. */
    for (i = 0; i < n_lines; i++) {
        const struct report_line *l = &p->lines[i];
        double width = 0.8 / MAX(n_slots, 1);
        double offset = (l->slot - (n_slots + 1) / 2.0) * width;

        if (!n_points[i]) {
            continue;
        }
        fprintf(gp, "$d%"PRIuSIZE" << EOD\n", i);
        for (j = 0; j < xs.n; j++) {
            size_t k;

            for (k = 0; k < n_points[i]; k++) {
                if (!strcmp(points[i][k].x, xs.names[j])) {
                    break;
                }
            }
            if (k < n_points[i]) {
                if (p->categories) {
                    fprintf(gp, "%.3f %g\n", j + offset, points[i][k].y);
                } else {
                    fprintf(gp, "%s %g\n", points[i][k].x, points[i][k].y);
                }
            }
        }
        fprintf(gp, "EOD\n");
    }

    /* The axes: a tick, named, at every x measured; on a log scale a
     * margin of a factor 1.5 either side, so that no point is on an
     * edge. */
    fprintf(gp, "reset\nset output \"%s\"\nset title \"%s\"\n"
            "set xlabel \"%s\"\nset ylabel \"%s\"\n"
            "set grid\n"
            "set key below center horizontal Left reverse width 2 height 1\n"
            "set style fill solid 0.6 border\n"
            "set xtics (", file, p->title, p->xlabel, p->ylabel);
    if (p->categories) {
        for (j = 0; j < xs.n; j++) {
            char *name = report_category_name(xs.names[j]);

            fprintf(gp, "%s\"%s\" %"PRIuSIZE, j ? ", " : "", name, j);
            free(name);
        }
        fprintf(gp, ")\nset xrange [-0.6:%.1f]\nset boxwidth %.3f\n",
                xs.n - 0.4, 0.8 / MAX(n_slots, 1) * 0.9);
    } else {
        for (j = 0; j < xs.n; j++) {
            char *name = report_tick_name(xs.names[j]);

            fprintf(gp, "%s\"%s\" %s", j ? ", " : "", name, xs.names[j]);
            free(name);
        }
        fprintf(gp, ")\nset logscale x\nset xrange [%g:%g]\n",
                atof(xs.names[0]) / 1.5, atof(xs.names[xs.n - 1]) * 1.5);
    }
    fprintf(gp, "%s\n", p->logy ? "set logscale y\nset format y \"%g\""
                                : "set yrange [0:*]");

    for (i = 0; i < n_lines; i++) {
        const struct report_line *l = &p->lines[i];

        if (l->series && !n_points[i]) {
            continue;
        }
        ds_put_cstr(&plot, plot.length ? ", \\\n     " : "plot ");
        if (l->series) {
            ds_put_format(&plot, "$d%"PRIuSIZE" using 1:2", i);
        } else {
            ds_put_cstr(&plot, l->y);
        }
        ds_put_format(&plot, " with %s title \"%s\"", l->style, l->title);
    }
    fprintf(gp, "%s\n\n", ds_cstr(&plot));

out:
    for (i = 0; i < n_lines; i++) {
        for (j = 0; j < n_points[i]; j++) {
            free(points[i][j].x);
        }
        free(points[i]);
    }
    svec_destroy(&xs);
    ds_destroy(&plot);
    return any;
}

/* Writes OUT_DIR/plots.gp, which draws every plot that has data, into
 * 'files' the names of the images it draws.  Returns false if it cannot. */
static bool
report_write_gnuplot(const char *term, const char *ext, struct svec *files)
{
    char *name = xasprintf("%s/plots.gp", report_opts.out_dir);
    FILE *gp = fopen(name, "w");
    size_t i;

    free(name);
    if (!gp) {
        return false;
    }
    fprintf(gp, "# Written by ovs-offload-bench --full: "
            "run \"gnuplot plots.gp\" in this folder.\n"
            "set terminal %s\n\n", term);
    for (i = 0; i < ARRAY_SIZE(report_plots); i++) {
        const struct report_plot *p = &report_plots[i];
        char *file = xasprintf("%s.%s", p->name, ext);

        if (report_write_one(gp, p, file)) {
            svec_add_nocopy(files, file);
        } else {
            free(file);
        }
    }
    fclose(gp);
    return true;
}

/* Draws the plots with gnuplot into OUT_DIR.  Returns NULL, or why the
 * plots were skipped (the caller frees it).  Stores the images' names in
 * 'files'. */
static char *
report_plot(struct svec *files)
{
    const char *term = "pngcairo noenhanced size 900,600 font \"sans,10\"";
    const char *ext = "png";
    char *cmd;
    int status;

    if (system("gnuplot -e 'set terminal pngcairo' </dev/null "
               ">/dev/null 2>&1")) {
        if (system("gnuplot --version >/dev/null 2>&1")) {
            return xstrdup("gnuplot is not installed "
                           "(utilities/ovs-offload-setup installs "
                           "gnuplot-nox)");
        }
        term = "svg noenhanced size 900,600 dynamic font \"sans,10\"";
        ext = "svg";
    }
    if (!report_write_gnuplot(term, ext, files)) {
        return xasprintf("cannot write %s/plots.gp", report_opts.out_dir);
    }
    if (!files->n) {
        return xstrdup("no data series to plot");
    }
    cmd = xasprintf("cd '%s' && gnuplot plots.gp", report_opts.out_dir);
    status = system(cmd);
    free(cmd);
    if (status) {
        svec_clear(files);
        return xasprintf("gnuplot failed (status %d): see %s/plots.gp",
                         status, report_opts.out_dir);
    }
    return NULL;
}

/* Writes the first line of 'cmd''s output that starts with 'prefix', after
 * the prefix and blanks, into 'ds', or "unknown". */
static void
report_put_cmd_field(struct ds *ds, const char *cmd, const char *prefix)
{
    struct ds line = DS_EMPTY_INITIALIZER;
    FILE *p = popen(cmd, "r");
    bool found = false;

    while (p && !found && !ds_get_line(&line, p)) {
        if (!strncmp(ds_cstr(&line), prefix, strlen(prefix))) {
            const char *v = ds_cstr(&line) + strlen(prefix);

            ds_put_cstr(ds, v + strspn(v, " \t"));
            found = true;
        }
    }
    if (p) {
        while (!ds_get_line(&line, p)) {
            continue;
        }
        pclose(p);
    }
    if (!found) {
        ds_put_cstr(ds, "unknown");
    }
    ds_destroy(&line);
}

/* Returns the plot whose image is 'file' (its name, a dot, an extension),
 * or NULL. */
static const struct report_plot *
report_find_plot(const char *file)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(report_plots); i++) {
        size_t n = strlen(report_plots[i].name);

        if (!strncmp(file, report_plots[i].name, n) && file[n] == '.'
            && !strchr(file + n + 1, '.')) {
            return &report_plots[i];
        }
    }
    return NULL;
}

/* Writes OUT_DIR/report.md. */
static void
report_write(const char *plots_skipped, const struct svec *plots)
{
    char *name = xasprintf("%s/report.md", report_opts.out_dir);
    struct ds md = DS_EMPTY_INITIALIZER;
    char load1[128];
    struct utsname un;
    FILE *file;
    size_t i;

    report_read_load(load1, sizeof load1);
    ds_put_cstr(&md, "# ovs-offload-bench report\n\n");
    ds_put_format(&md, "- Command: `%s`\n", report_command);
    ds_put_format(&md, "- Date: %s; the run took %.0f s (%s)\n",
                  report_date, bench_now() - report_t0,
                  ds_cstr(&report_sections));
    ds_chomp(&md, '\n');
    ds_chomp(&md, ')');
    ds_chomp(&md, ' ');
    ds_chomp(&md, ',');
    ds_put_cstr(&md, ")\n- Machine: ");
    report_put_cmd_field(&md, "lscpu 2>/dev/null", "Model name:");
    ds_put_cstr(&md, ", ");
    report_put_cmd_field(&md, "lscpu 2>/dev/null", "CPU(s):");
    ds_put_cstr(&md, " CPU(s)\n");
    ds_put_format(&md, "- Load average (1, 5, 15 min): %s at the start, "
                  "%s at the end\n", report_load0, load1);
    if (!uname(&un)) {
        ds_put_format(&md, "- Kernel: %s %s %s\n", un.sysname, un.release,
                      un.machine);
    }
    ds_put_cstr(&md, "- Source: ");
    report_put_cmd_field(&md, "git -C '" BENCH_SRCDIR "' describe --always "
                         "--dirty --tags 2>/dev/null", "");
    ds_put_cstr(&md, "\n\n## Goals\n\n```\n");
    ds_put_cstr(&md, report_goals.length ? ds_cstr(&report_goals)
                                         : "(no goal measured)\n");
    ds_put_cstr(&md, "```\n\n## Output\n\n```\n");
    {
        char *out = xasprintf("%s/output.txt", report_opts.out_dir);
        FILE *o = fopen(out, "r");
        int c;

        free(out);
        while (o && (c = getc(o)) != EOF) {
            ds_put_char(&md, c);
        }
        if (o) {
            fclose(o);
        }
    }
    ds_put_cstr(&md, "```\n\n## Plots\n\n");
    if (plots_skipped) {
        ds_put_format(&md, "Skipped: %s.  The data series are the *.dat "
                      "files of this folder.\n", plots_skipped);
    }
    if (plots->n) {
        ds_put_cstr(&md, "plots.gp draws them from the data series, the "
                    "*.dat files of this folder.  Every figure is one of "
                    "this run, beside its peer of the same run.\n\n");
    }
    for (i = 0; i < plots->n; i++) {
        const struct report_plot *p = report_find_plot(plots->names[i]);

        ds_put_format(&md, "### %s\n\n%s\n\n![%s](%s)\n\n",
                      plots->names[i], p ? p->caption : "",
                      p ? p->title : plots->names[i], plots->names[i]);
    }

    file = fopen(name, "w");
    if (!file || fputs(ds_cstr(&md), file) < 0 || fclose(file)) {
        ovs_error(errno, "%s: cannot write", name);
    } else {
        printf("report: %s\n", name);
    }
    free(name);
    ds_destroy(&md);
}

void
bench_report_finish(void)
{
    struct svec plots = SVEC_EMPTY_INITIALIZER;
    struct shash_node *node;
    char *skipped;

    SHASH_FOR_EACH (node, &report_series) {
        fclose(node->data);
    }
    shash_clear(&report_series);
    report_add_missing_goals();
    printf("\nSummary of the goals:\n%s",
           report_goals.length ? ds_cstr(&report_goals) : "(none)\n");
    fflush(stdout);
    if (!report_opts.full || !report_opts.out_dir) {
        return;
    }

    report_stop_tee();
    skipped = report_plot(&plots);
    if (skipped) {
        printf("plots: skipped: %s\n", skipped);
    } else {
        printf("plots: %"PRIuSIZE" in %s\n", plots.n, report_opts.out_dir);
    }
    report_write(skipped, &plots);
    fflush(stdout);
    free(skipped);
    svec_destroy(&plots);
}
