#! /bin/sh
# Runs the unit test programs and the autotest suite, and ends with one
# summary line over all of them, alone on its line:
#
#     N passed, N failed[, N skipped]
#
# Usage: run-tests.sh --testsuite FILE --system-testsuite FILE
#            --autotest-path PATH UNIT... -- [TESTSUITEFLAGS...]
#
# The system testsuite needs root and runs its tests one at a time; without
# root its tests are counted as skipped.  Exits non-zero if any test failed
# or a suite did not run to its end.

testsuite=
system_testsuite=
autotest_path=
units=
while test $# -gt 0; do
    case $1 in
        --testsuite) testsuite=$2; shift 2 ;;
        --system-testsuite) system_testsuite=$2; shift 2 ;;
        --autotest-path) autotest_path=$2; shift 2 ;;
        --) shift; break ;;
        *) units="$units $1"; shift ;;
    esac
done

passed=0
failed=0
skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)...".
# A program that ends without its summary (a crash) counts as one failure.
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
        passed=$((passed + ok))
        failed=$((failed + total - ok))
        continue
    fi
    passed=$((passed + p))
    failed=$((failed + ${f:-0}))
    if test $status -ne 0 && test "${f:-0}" -eq 0; then
        failed=$((failed + 1))
    fi
done

# run_autotest TESTSUITE ARG...
#
# Runs an autotest suite and adds up its results.  Autotest prints one line
# per test: "  N: title   ok", "... FAILED (...)", "... skipped (...)",
# "... expected failure (...)".
run_autotest() {
    local suite=$1
    shift
    echo "== $suite"
    "$suite" -C tests AUTOTEST_PATH="$autotest_path" "$@" > "$log" 2>&1
    local status=$?
    cat "$log"
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
}

run_autotest "$testsuite" "$@"

if test -n "$system_testsuite"; then
    # One at a time: the tests share br0's tap device and the host's
    # network stack.
    args=
    for arg in "$@"; do
        case $arg in
            -j*) ;;
            *) args="$args $arg" ;;
        esac
    done
    # A filter (-k) that matches no system test is not a failure; a
    # --list that fails is.
    n=$("$system_testsuite" --list $args > "$log" 2>&1 \
        && grep -cE '^ *[0-9]+: ' "$log")
    if test -z "$n"; then
        cat "$log"
        echo "== $system_testsuite: --list failed"
        failed=$((failed + 1))
    elif test "$n" -eq 0; then
        echo "== $system_testsuite: no test matches"
    elif test "$(id -u)" = 0; then
        run_autotest "$system_testsuite" $args
    else
        echo "== $system_testsuite: $n tests skipped (they need root)"
        skipped=$((skipped + n))
    fi
fi

summary="$passed passed, $failed failed"
if test $skipped -gt 0; then
    summary="$summary, $skipped skipped"
fi
echo "$summary"
test $failed -eq 0
