#!/usr/bin/env bash
# imports.sh — imports through a tmkit built with ThreadSanitizer (make
# check-tsan). The store writer prepares units on two threads while the TMX
# is parsed, adds batches on whichever thread is free, and commits on four;
# a data race makes tmkit stop with status 66 (halt_on_error) and fails this
# script. Cases: a new store (with duplicates inside the import), a full
# re-import (every unit a stored duplicate: adding reads the old store), and
# an import that fails halfway (abort while batches are being added).
#
#   imports.sh TMKIT
set -euo pipefail
tmkit=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"

# N units in TMX, every tenth one a repeat of the unit nine before it
memory() {
    awk -v n="$1" 'BEGIN {
        print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        print "<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"vi\" datatype=\"plaintext\"/><body>"
        for (i = 0; i < n; i++) {
            k = i % 10 == 9 ? i - 9 : i
            printf "<tu><tuv xml:lang=\"vi\"><seg>Câu số %d của báo cáo về hợp tác thương mại.</seg></tuv>", k
            printf "<tuv xml:lang=\"fr\"><seg>Phrase numéro %d du rapport sur la coopération commerciale.</seg></tuv></tu>\n", k
        }
        print "</body></tmx>"
    }'
}

fail() { echo "tsan imports: $*" >&2; exit 1; }
# (a crash under ThreadSanitizer can hang in its signal handler: a time limit)
tm() { timeout 300 "$tmkit" "$@"; }
units() { tm stats "$1" | sed -n 's/^units: //p'; }

memory 6000 >"$work/m.tmx"
tm import -q "$work/s.tmdb" "$work/m.tmx" || fail "first import: status $?"
[ "$(units "$work/s.tmdb")" = 5400 ] || fail "first import: $(units "$work/s.tmdb") units, not 5400"
tm import -q "$work/s.tmdb" "$work/m.tmx" || fail "re-import: status $?"
[ "$(units "$work/s.tmdb")" = 5400 ] || fail "re-import: $(units "$work/s.tmdb") units, not 5400"
cp "$work/s.tmdb" "$work/before.tmdb"
head -c $(($(stat -c %s "$work/m.tmx") * 2 / 3)) "$work/m.tmx" >"$work/cut.tmx"
set +e
tm import -q "$work/s.tmdb" "$work/cut.tmx" 2>"$work/err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "cut import: status $rc, not 2 ($(head -c 300 "$work/err"))"
cmp -s "$work/s.tmdb" "$work/before.tmdb" || fail "cut import changed the store"
tm check "$work/s.tmdb" >/dev/null || fail "check: status $?"
echo "tsan imports: 3 imports, no data race"
