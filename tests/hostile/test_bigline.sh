#!/usr/bin/env bash
# test_bigline.sh — one 100 MB line (no line break until the end) through
# `tmkit segment`: it succeeds and yields every sentence of the line, one per
# output line. The only big case of the hostile suite (~10 s, ~450 MB of
# memory here); HOSTILE_BIG_MB=N shrinks it (e.g. under valgrind).
. "$(dirname "$0")/common.sh"
MB=${HOSTILE_BIG_MB:-100}
S='Il pleut sur la ville. '          # 23 bytes, one sentence
bytes=$((MB * 1000000))
yes "$S" | tr -d '\n' | head -c "$bytes" >"$WORK/big.txt"
printf '\n' >>"$WORK/big.txt"
full=$((bytes / ${#S}))
rest=$((bytes % ${#S}))                # the last sentence is cut: one more (shorter) line
want=$((full + (rest > 0 ? 1 : 0)))

last_cmd="$TMKIT segment -l fr big.txt (${MB} MB, one line)"
"$TMKIT" segment -l fr -o "$WORK/big.out" "$WORK/big.txt" 2>"$WORK/.err"
status=$?
err=$(cat "$WORK/.err")
no_crash
expect_status 0
expect_stderr_lines 0
n=$(wc -l <"$WORK/big.out")
[ "$n" = "$want" ] && ok || fail "$want sentences expected, got $n"
[ "$(sort -u "$WORK/big.out" | wc -l)" = "$((rest > 0 ? 2 : 1))" ] && [ "$(head -1 "$WORK/big.out")" = "${S% }" ] \
    && ok || fail "every line should be '${S% }' (but the cut last one): $(sort -u "$WORK/big.out" | head -3)"
rm -f "$WORK/big.out"

finish
