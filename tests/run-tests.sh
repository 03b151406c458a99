#! /bin/sh
# Runs the unit test programs and the autotest suite, and ends with one
# summary line over all of them, alone on its line:
#
#     N passed, N failed[, N skipped]
#
# Usage: run-tests.sh [--testsuite FILE] [--system-testsuite FILE]
#            --autotest-path PATH [--fuzz-corpus DIR] [--fuzz TARGET]...
#            UNIT... -- [TESTSUITEFLAGS...]
#
# The system testsuite needs root and runs its tests one at a time; without
# root its tests are counted as skipped.  Each fuzz target TARGET
# (tests/fuzz/fuzz-NAME) replays its corpus, DIR/NAME, as one test.  A
# sanitizer report (AddressSanitizer, LeakSanitizer,
# UndefinedBehaviorSanitizer) in the output of a unit test or a fuzz target
# fails it; the autotests find theirs in each test's directory (asan.*,
# ubsan.*, see OVS's tests/ovs-macros.at).  Exits non-zero if any test
# failed or a suite did not run to its end.
#
# If FP_TESTS_TALLY names a file, the counts are also appended to it as one
# line "PASSED FAILED SKIPPED", and the last line says "subtotal" instead of
# being the summary: utilities/ovs-offload-check adds up several runs (the
# normal build, the sanitized build, the fuzz runs) into one summary.

testsuite=
system_testsuite=
autotest_path=
fuzz_corpus=
fuzz_targets=
units=
while test $# -gt 0; do
    case $1 in
        --testsuite) testsuite=$2; shift 2 ;;
        --system-testsuite) system_testsuite=$2; shift 2 ;;
        --autotest-path) autotest_path=$2; shift 2 ;;
        --fuzz-corpus) fuzz_corpus=$2; shift 2 ;;
        --fuzz) fuzz_targets="$fuzz_targets $2"; shift 2 ;;
        --) shift; break ;;
        *) units="$units $1"; shift ;;
    esac
done

passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
netns=

# sanitizer_report PROGRAM
#
# Returns true, and says so, if the output of PROGRAM in $log has a
# sanitizer report.
sanitizer_report() {
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' \
            "$log"; then
        echo "$1: FAILED: sanitizer report above"
        return 0
    fi
    return 1
}

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)...".
# A program that ends without its summary (a crash) counts as one failure.
# Each phase says how long it took, so that CI's time can be read off its
# log.
units_start=$(date +%s)
for unit in $units; do
    echo "== $unit"
    ./$unit > "$log" 2>&1
    status=$?
    cat "$log"
    p=$(sed -n 's/.*\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    f=$(sed -n 's/.*\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
    if test -z "$p"; then
        # A crash: the tests that passed count, the others failed or did
        # not run.
        total=$(sed -n 's/.*Running \([0-9]*\) test.*/\1/p' "$log" | head -n 1)
        ok=$(grep -c '^\[       OK \]' "$log")
        started=$(grep -c '^\[ RUN      \]' "$log")
        total=${total:-$((started > 0 ? started : 1))}
        echo "$unit: no cmocka summary (exit status $status):" \
             "$ok of $total tests passed, $((total - started)) did not run"
        sanitizer_report $unit || :
        passed=$((passed + ok))
        failed=$((failed + total - ok))
        continue
    fi
    passed=$((passed + p))
    failed=$((failed + ${f:-0}))
    if sanitizer_report $unit; then
        failed=$((failed + 1))
    elif test $status -ne 0 && test "${f:-0}" -eq 0; then
        failed=$((failed + 1))
    fi
done

# Each fuzz target replays its corpus: one test.
for target in $fuzz_targets; do
    corpus=$fuzz_corpus/${target##*/fuzz-}
    echo "== $target $corpus"
    ./$target "$corpus" > "$log" 2>&1
    status=$?
    if test $status -eq 0; then
        tail -n 1 "$log"
    else
        cat "$log"
    fi
    if sanitizer_report $target; then
        failed=$((failed + 1))
    elif test $status -ne 0; then
        echo "$target: FAILED on the last input replayed (exit status $status)"
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
done

if test -n "$units$fuzz_targets"; then
    echo "== unit tests and fuzz corpora: $(($(date +%s) - units_start)) s"
fi

# run_autotest TESTSUITE ARG...
#
# Runs an autotest suite and adds up its results.  Autotest prints one line
# per test: "  N: title   ok", "... FAILED (...)", "... skipped (...)",
# "... expected failure (...)".
run_autotest() {
    local suite=$1 start=$(date +%s)
    shift
    echo "== $suite"
    $netns "$suite" -C tests AUTOTEST_PATH="$autotest_path" "$@" > "$log" 2>&1
    local status=$?
    cat "$log"
    echo "== $suite: $(($(date +%s) - start)) s"
    local ran=$(grep -cE '^ *[0-9]+: ' "$log")
    local p=$(grep -cE '^ *[0-9]+: .* ok$' "$log")
    local s=$(grep -cE '^ *[0-9]+: .* skipped \(' "$log")
    local f=$((ran - p - s))
    if test $ran -eq 0 || { test $status -ne 0 && test $f -eq 0; }; then
        echo "$suite: did not run to its end (exit status $status)"
        f=$((f + 1))
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    skipped=$((skipped + s))

    # A failed test keeps its directory: say which ones hold a sanitizer
    # report, which may be why they failed.
    local report
    for report in tests/testsuite.dir/*/asan.* tests/testsuite.dir/*/ubsan.*
    do
        if test -f "$report"; then
            echo "sanitizer report in $report:"
            head -n 30 "$report"
        fi
    done
}

# count_tests TESTSUITE ARG...
#
# Prints how many tests of TESTSUITE its ARGs (without -j) select.  A
# filter (-k) that matches no test is not a failure; a --list that fails
# is: then prints nothing and counts one failure.
count_tests() {
    local suite=$1 arg n
    shift
    # The same arguments without -jN, quoting kept.
    for arg do
        shift
        case $arg in
            -j*) ;;
            *) set -- "$@" "$arg" ;;
        esac
    done
    if n=$("$suite" --list "$@" > "$log" 2>&1 \
           && grep -cE '^ *[0-9]+: ' "$log"); then
        echo "$n"
    elif test "$n" = 0; then
        echo 0
    else
        cat "$log" >&2
        echo "== $suite: --list failed" >&2
        return 1
    fi
}

# As root, the autotest suite runs in a network namespace of its own.
# ovs-vswitchd reconfigures its bridges at every rtnetlink notification of
# a link, and then revalidates its datapath flows.  Links that other
# programs add and delete (the system tests', which ovs-offload-check runs
# beside this suite) made "fp - translate - ICMPv6 and nd_target" find no
# datapath flow in 6 runs of 8 beside a loop that added and deleted a veth,
# and in 0 of 6 in a namespace of its own (OVS probably deletes those ND
# flows when it revalidates them, since their exported mask lacks the
# target).  The suite's ovs-vswitchd use no network device of the host:
# datapath type dummy, unix sockets, and our net_fp driver for DPDK.
if test "$(id -u)" = 0 && unshare --net true 2>/dev/null; then
    netns="unshare --net"
fi

if test -z "$testsuite"; then
    :
elif n=$(count_tests "$testsuite" "$@"); then
    if test "$n" -eq 0; then
        echo "== $testsuite: no test matches"
    else
        run_autotest "$testsuite" "$@"
    fi
else
    failed=$((failed + 1))
fi
netns=

if test -n "$system_testsuite"; then
    # One at a time: the tests share br0's tap device and the host's
    # network stack.
    for arg do
        shift
        case $arg in
            -j*) ;;
            *) set -- "$@" "$arg" ;;
        esac
    done
    if ! n=$(count_tests "$system_testsuite" "$@"); then
        failed=$((failed + 1))
    elif test "$n" -eq 0; then
        echo "== $system_testsuite: no test matches"
    elif test "$(id -u)" = 0; then
        run_autotest "$system_testsuite" "$@"
    else
        echo "== $system_testsuite: $n tests skipped (they need root)"
        skipped=$((skipped + n))
    fi
fi

summary="$passed passed, $failed failed"
if test $skipped -gt 0; then
    summary="$summary, $skipped skipped"
fi
if test -n "$FP_TESTS_TALLY"; then
    echo "$passed $failed $skipped" >> "$FP_TESTS_TALLY"
    echo "== subtotal: $summary"
else
    echo "$summary"
fi
test $failed -eq 0
