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
 * A line of a plot takes columns 'x' and 'y' of the data series 'series'
 * (named by the first line of SERIES.dat, "# col1 col2 ..."), from the
 * rows where each condition "COLUMN=VALUE" of 'where' (separated by commas)
 * holds; or, with a null 'series', is the constant 'y'.  A plot is drawn if
 * one of its lines has data. */
struct report_line {
    const char *title;
    const char *series;
    const char *x;
    const char *y;
    const char *where;
};

struct report_plot {
    const char *name;           /* File name, without extension. */
    const char *title;
    const char *xlabel;
    const char *ylabel;
    bool logx;
    bool logy;
    struct report_line lines[6];
};

#define FWD_PLOT(MASKS)                                                  \
    { "fwd-masks" #MASKS,                                                \
      "Forwarding, 64-byte packets, rules over " #MASKS " mask(s)",      \
      "rules (megaflows)", "Mpps", true, false,                          \
      { { "model, 1 engine", "fwd-model", "rules", "mpps",               \
          "masks=" #MASKS ",engines=1" },                                \
        { "model, 2 engines (total)", "fwd-model", "rules", "mpps",      \
          "masks=" #MASKS ",engines=2" },                                \
        { "dpif-netdev, per PMD (1 PMD)", "dpif", "rules",               \
          "mpps_per_pmd", "masks=" #MASKS ",pmds=1" },                   \
        { "OVS classifier (M lookups/s)", "fwd-model", "rules", "ovscls",\
          "masks=" #MASKS ",engines=1" },                                \
        { "10GbE line rate", NULL, NULL, "14.88", NULL } } }

#define CLS_PLOT(NAME, MASKS, TITLE)                                     \
    { "cls-" NAME, "Classifier lookups, one thread, " TITLE,             \
      "rules", "M lookups/s (log scale)", true, true,                    \
      { { "model (fp-table)", "cls", "rules", "model", "masks=" MASKS }, \
        { "OVS classifier", "cls", "rules", "ovscls", "masks=" MASKS },  \
        { "rte_acl", "cls", "rules", "rte_acl", "masks=" MASKS },        \
        { "rte_hash", "cls", "rules", "rte_hash", "masks=" MASKS } } }

static const struct report_plot report_plots[] = {
    FWD_PLOT(1),
    FWD_PLOT(16),
    FWD_PLOT(64),
    { "offload-rate", "Offload insertion rate", "flows", "M flows/s",
      true, false,
      { { "ours (model)", "offload-rate", "flows", "ours_Mps", NULL },
        { "OVS's dummy provider", "offload-rate", "flows", "dummy_Mps",
          NULL },
        { "goal", NULL, NULL, "1", NULL } } },
    { "offload-pass", "One statistics pass over the offloaded flows",
      "flows", "ms", true, false,
      { { "ours", "offload-pass", "flows", "pass_ms", NULL },
        { "goal at 200K flows", NULL, NULL, "20", NULL } } },
    { "offload-memory", "Memory per offloaded flow", "flows",
      "bytes per flow", true, false,
      { { "ours, OVS side + NIC side", "offload-memory", "flows", "ours_B",
          NULL },
        { "ours, OVS side", "offload-memory", "flows", "ours_ovs_B", NULL },
        { "ours, NIC side", "offload-memory", "flows", "ours_nic_B", NULL },
        { "OVS's dummy provider", "offload-memory", "flows", "dummy_B",
          NULL },
        { "goal", NULL, NULL, "256", NULL } } },
    CLS_PLOT("masks1", "1", "rules over 1 mask"),
    CLS_PLOT("masks16", "16", "rules over 16 masks"),
    CLS_PLOT("masks64", "64", "rules over 64 masks"),
    CLS_PLOT("exact", "0", "exact rules (nw_dst/32, tp_dst)"),
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

/* Appends to 'data' the "X Y" pairs of line 'l' from 't'.  Returns the
 * number of pairs. */
static size_t
report_line_data(const struct report_table *t, const struct report_line *l,
                 struct ds *data)
{
    int x = report_col(t, l->x), y = report_col(t, l->y);
    struct svec conds = SVEC_EMPTY_INITIALIZER;
    size_t i, j, n = 0;

    if (x < 0 || y < 0) {
        return 0;
    }
    if (l->where) {
        char *copy = xstrdup(l->where);
        char *save = NULL;
        char *c;

        for (c = strtok_r(copy, ",", &save); c;
             c = strtok_r(NULL, ",", &save)) {
            svec_add(&conds, c);
        }
        free(copy);
    }
    for (i = 0; i < t->rows.n; i++) {
        struct svec words = SVEC_EMPTY_INITIALIZER;
        bool ok = true;

        svec_parse_words(&words, t->rows.names[i]);
        for (j = 0; ok && j < conds.n; j++) {
            const char *eq = strchr(conds.names[j], '=');
            char *col = xmemdup0(conds.names[j], eq - conds.names[j]);
            int c = report_col(t, col);

            ok = (c >= 0 && c < words.n
                  && atof(words.names[c]) == atof(eq + 1));
            free(col);
        }
        if (ok && x < words.n && y < words.n
            && strcmp(words.names[y], "-")) {
            ds_put_format(data, "%s %s\n", words.names[x], words.names[y]);
            n++;
        }
        svec_destroy(&words);
    }
    svec_destroy(&conds);
    return n;
}

/* Writes OUT_DIR/plots.gp, which draws every plot that has data, into
 * 'files' the names of the images it draws.  Returns false if it cannot. */
static bool
report_write_gnuplot(const char *term, const char *ext, struct svec *files)
{
    char *name = xasprintf("%s/plots.gp", report_opts.out_dir);
    FILE *gp = fopen(name, "w");
    size_t i, j, n_blocks = 0;

    free(name);
    if (!gp) {
        return false;
    }
    fprintf(gp, "# Written by ovs-offload-bench --full: "
            "run \"gnuplot plots.gp\" in this folder.\n"
            "set terminal %s\nset grid\nset key outside right top\n"
            "set datafile missing \"-\"\n\n", term);
    for (i = 0; i < ARRAY_SIZE(report_plots); i++) {
        const struct report_plot *p = &report_plots[i];
        struct ds plot = DS_EMPTY_INITIALIZER;
        struct ds blocks = DS_EMPTY_INITIALIZER;
        bool any = false;

        for (j = 0; j < ARRAY_SIZE(p->lines) && p->lines[j].title; j++) {
            const struct report_line *l = &p->lines[j];

            ds_put_cstr(&plot, plot.length ? ", \\\n     " : "plot ");
            if (l->series) {
                struct report_table t;
                struct ds data = DS_EMPTY_INITIALIZER;

                if (report_read_table(l->series, &t)
                    && report_line_data(&t, l, &data)) {
                    n_blocks++;
                    ds_put_format(&blocks, "$d%"PRIuSIZE" << EOD\n%sEOD\n",
                                  n_blocks, ds_cstr(&data));
                    ds_put_format(&plot, "$d%"PRIuSIZE" using 1:2 with "
                                  "linespoints title \"%s\"", n_blocks,
                                  l->title);
                    any = true;
                } else {
                    /* No data: an empty entry keeps the plot command
                     * well formed. */
                    ds_put_format(&plot, "NaN notitle");
                }
                ds_destroy(&data);
                svec_destroy(&t.cols);
                svec_destroy(&t.rows);
            } else {
                ds_put_format(&plot, "%s with lines dashtype 2 title \"%s\"",
                              l->y, l->title);
            }
        }
        if (any) {
            fprintf(gp, "%sset output \"%s.%s\"\nset title \"%s\"\n"
                    "set xlabel \"%s\"\nset ylabel \"%s\"\n%s%s"
                    "%s\n\n",
                    ds_cstr(&blocks), p->name, ext, p->title, p->xlabel,
                    p->ylabel, p->logx ? "set logscale x\n"
                                       : "unset logscale x\n",
                    p->logy ? "set logscale y\nset yrange [*:*]\n"
                            : "unset logscale y\nset yrange [0:*]\n",
                    ds_cstr(&plot));
            svec_add_nocopy(files, xasprintf("%s.%s", p->name, ext));
        }
        ds_destroy(&plot);
        ds_destroy(&blocks);
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
    const char *term = "pngcairo noenhanced size 900,520 font \"sans,10\"";
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
        term = "svg noenhanced size 900,520 dynamic font \"sans,10\"";
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
    for (i = 0; i < plots->n; i++) {
        ds_put_format(&md, "![%s](%s)\n\n", plots->names[i],
                      plots->names[i]);
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
