# lib.sh — a tiny harness for tmkit's end-to-end tests (sourced, bash).
#
#   run CMD...          run CMD, capturing stdout, stderr and exit status
#   expect_status N     the last run exited with N
#   expect_stderr RE    stderr matches the extended regex RE
#   expect_stderr_lines N  stderr has exactly N lines
#   expect_stdout STR   stdout equals STR exactly
#   expect_stdout_match RE
#   expect_no_file PATH
#   finish              print "N passed, N failed" and exit accordingly
#
# Each expectation is one test; a failure prints the case and what was seen.

: "${TMKIT:?TMKIT must point at the tmkit binary}"
: "${top_srcdir:=.}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tmkit-cli-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
passed=0
failed=0
last_cmd=
out=
err=
status=

run() {
    last_cmd="$*"
    "$@" >"$WORK/.out" 2>"$WORK/.err"
    status=$?
    out=$(cat "$WORK/.out")
    err=$(cat "$WORK/.err")
}

ok() { passed=$((passed + 1)); }
fail() {
    failed=$((failed + 1))
    printf 'FAIL: %s\n  command: %s\n  status: %s\n  stderr: %s\n' "$1" "$last_cmd" "$status" "$err"
}

expect_status() { [ "$status" = "$1" ] && ok || fail "exit status $1 expected"; }
expect_stderr() { printf '%s' "$err" | grep -Eq -- "$1" && ok || fail "stderr should match /$1/"; }
expect_stderr_lines() {
    local n
    n=$(printf '%s' "$err" | grep -c '')
    [ "$n" = "$1" ] && ok || fail "stderr should have $1 line(s), has $n"
}
expect_stdout() { [ "$out" = "$1" ] && ok || fail "stdout should be '$1', was '$out'"; }
expect_stdout_match() { printf '%s' "$out" | grep -Eq -- "$1" && ok || fail "stdout should match /$1/"; }
expect_no_file() { [ ! -e "$1" ] && ok || fail "$1 should not exist"; }
expect_file_content() { [ "$(cat "$1" 2>/dev/null)" = "$2" ] && ok || fail "$1 should hold '$2'"; }

finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}
