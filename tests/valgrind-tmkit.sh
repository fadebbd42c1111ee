#!/bin/sh
# valgrind-tmkit.sh — tmkit under valgrind memcheck, for `make check-valgrind`:
# the CLI end-to-end tests run with TMKIT pointing here. Any memcheck error
# (invalid access, uninitialised use, a definite leak) exits 99, which no
# test expects, so it fails the test that ran the command. The full report
# goes to $VALGRIND_LOG_DIR (default: the build's tests/valgrind/).
: "${TMKIT_REAL:?TMKIT_REAL must point at the tmkit binary}"
dir=${VALGRIND_LOG_DIR:-.}
exec valgrind -q --tool=memcheck --error-exitcode=99 --leak-check=full \
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \
    --log-file="$dir/vg.%p.log" "$TMKIT_REAL" "$@"
