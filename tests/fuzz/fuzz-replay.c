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

/* Replays inputs through a fuzz target without libFuzzer, so that every
 * build (gcc, with or without the sanitizers) runs the kept corpus of each
 * target as a test.  The command line is libFuzzer's for this use:
 *
 *     fuzz-TARGET FILE_OR_DIRECTORY...
 *
 * runs each file (each regular file of each directory, in name order, not
 * descending) once through LLVMFuzzerTestOneInput(), in a heap buffer of
 * exactly its size, so that AddressSanitizer sees any read past its end.
 * A crash or a sanitizer report ends the program with a non-zero status;
 * the name of the input being run is printed first. */

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Runs file 'name' through the target.  Returns 0 or an errno value. */
static int
replay_file(const char *name)
{
    uint8_t *data = NULL;
    size_t size = 0;
    FILE *stream;
    long n;

    stream = fopen(name, "rb");
    if (!stream) {
        fprintf(stderr, "%s: %s\n", name, strerror(errno));
        return errno;
    }
    if (fseek(stream, 0, SEEK_END) || (n = ftell(stream)) < 0
        || fseek(stream, 0, SEEK_SET)) {
        fprintf(stderr, "%s: cannot read\n", name);
        fclose(stream);
        return EIO;
    }
    size = n;
    data = malloc(size ? size : 1);
    if (!data || fread(data, 1, size, stream) != size) {
        fprintf(stderr, "%s: cannot read\n", name);
        free(data);
        fclose(stream);
        return EIO;
    }
    fclose(stream);

    /* Say which input runs, in case it crashes. */
    fprintf(stderr, "replaying %s\n", name);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

static int
compare_names(const void *a_, const void *b_)
{
    char *const *a = a_;
    char *const *b = b_;

    return strcmp(*a, *b);
}

/* Runs each regular file of directory 'dir_name' through the target, in
 * name order.  Adds the count to '*n_inputs'.  Returns 0 or an errno
 * value. */
static int
replay_dir(const char *dir_name, size_t *n_inputs)
{
    char **names = NULL;
    size_t n = 0, allocated = 0, i;
    struct dirent *de;
    int error = 0;
    DIR *dir;

    dir = opendir(dir_name);
    if (!dir) {
        fprintf(stderr, "%s: %s\n", dir_name, strerror(errno));
        return errno;
    }
    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        if (n >= allocated) {
            allocated = allocated ? 2 * allocated : 64;
            names = realloc(names, allocated * sizeof *names);
            if (!names) {
                abort();
            }
        }
        if (asprintf(&names[n], "%s/%s", dir_name, de->d_name) < 0) {
            abort();
        }
        n++;
    }
    closedir(dir);

    if (n) {
        qsort(names, n, sizeof *names, compare_names);
    }
    for (i = 0; i < n; i++) {
        struct stat st;

        if (!error && !stat(names[i], &st) && S_ISREG(st.st_mode)) {
            error = replay_file(names[i]);
            (*n_inputs)++;
        }
        free(names[i]);
    }
    free(names);
    return error;
}

int
main(int argc, char *argv[])
{
    size_t n_inputs = 0;
    int error = 0;
    int i;

    if (LLVMFuzzerInitialize) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    for (i = 1; !error && i < argc; i++) {
        struct stat st;

        if (argv[i][0] == '-') {
            /* A libFuzzer option such as -runs=0: ignored. */
            continue;
        }
        if (stat(argv[i], &st)) {
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
            error = errno;
        } else if (S_ISDIR(st.st_mode)) {
            error = replay_dir(argv[i], &n_inputs);
        } else {
            error = replay_file(argv[i]);
            n_inputs++;
        }
    }
    printf("%s: %zu inputs replayed%s\n", argv[0], n_inputs,
           error ? ", then an error" : "");
    return error ? EXIT_FAILURE : EXIT_SUCCESS;
}
