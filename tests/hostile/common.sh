# common.sh — helpers shared by the hostile-input tests (sourced, bash).
# Sources tests/cli/lib.sh (run, expect_*, ok, fail, finish, $WORK) and adds:
#
#   no_crash            the last run was not killed by a signal (status < 128)
#   expect_no_stdout    the last run wrote nothing on stdout
#   expect_error N FILE the last run failed as the contract says: exit N,
#                       exactly one line on stderr naming FILE, nothing on
#                       stdout (and no signal)
#   mktmx FIRST COUNT   a TMX of COUNT numbered vi/fr units on stdout
#   unprivileged CMD... run CMD as a user without root's bypass of file
#                       permissions (setpriv to nobody when we are root);
#                       returns 77 without running CMD when that is impossible
#
# Every hostile input is generated at run time under $WORK.
. "$top_srcdir/tests/cli/lib.sh"

no_crash() {
    [ "$status" -lt 128 ] && ok || fail "killed by signal $((status - 128)) (status $status)"
}
expect_no_stdout() {
    [ -z "$out" ] && ok || fail "stdout should be empty, has $(printf '%s' "$out" | wc -c) bytes: $(printf '%s' "$out" | head -c 120)"
}
# A name as an extended regex (the dots of file names matched literally).
re_quote() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }
expect_error() {
    no_crash
    expect_status "$1"
    expect_stderr_lines 1
    expect_stderr "^tmkit: .*$(re_quote "$(basename "$2")")"
    expect_no_stdout
}

mktmx() { # FIRST COUNT
    awk -v a="$1" -v n="$2" 'BEGIN { print "<tmx version=\"1.4\"><header srclang=\"vi\"/><body>"
        for (i = a; i < a + n; i++)
            printf "<tu creationdate=\"20240101T000000Z\"><tuv xml:lang=\"vi\"><seg>Câu số %d về hợp tác thương mại giữa hai tỉnh biên giới.</seg></tuv><tuv xml:lang=\"fr\"><seg>Phrase numéro %d sur la coopération commerciale entre deux provinces.</seg></tuv></tu>\n", i, i
        print "</body></tmx>" }'
}

NOBODY_UID=65534
unprivileged() {
    if [ "$(id -u)" != 0 ]; then
        "$@"
    elif command -v setpriv >/dev/null 2>&1 &&
        setpriv --reuid=$NOBODY_UID --regid=$NOBODY_UID --clear-groups true 2>/dev/null; then
        setpriv --reuid=$NOBODY_UID --regid=$NOBODY_UID --clear-groups "$@"
    else
        return 77
    fi
}
# Can an unprivileged run work here at all? (root without setpriv, or a tree
# that nobody may enter, e.g. under /root: no.) Opens $WORK to others (755).
can_drop_root() {
    [ "$(id -u)" != 0 ] && return 0
    command -v setpriv >/dev/null 2>&1 || return 1
    chmod 755 "$WORK"
    printf 'probe\n' >"$WORK/.probe"
    unprivileged cat "$WORK/.probe" >/dev/null 2>&1 && unprivileged "$TMKIT" --version >/dev/null 2>&1
    local rc=$?
    rm -f "$WORK/.probe"
    [ $rc = 0 ] || chmod 700 "$WORK"
    return $rc
}
