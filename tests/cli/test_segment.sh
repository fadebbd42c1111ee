#!/usr/bin/env bash
# test_segment.sh — end-to-end tests of `tmkit segment` and `tmkit eval`.
. "$(dirname "$0")/lib.sh"
C="$top_srcdir/corpora"

printf 'Thứ hai 25/11/2024 09:35\n\nTS. Nguyễn Văn A cho biết: Kim ngạch đạt 1.245,6 triệu USD. Hai bên nhất trí.\n' >"$WORK/vi.txt"
run "$TMKIT" segment "$WORK/vi.txt"
expect_status 0
expect_stdout "$(printf 'Thứ hai 25/11/2024 09:35\n\nTS. Nguyễn Văn A cho biết: Kim ngạch đạt 1.245,6 triệu USD.\nHai bên nhất trí.')"

run "$TMKIT" segment -v "$WORK/vi.txt"
expect_stderr 'language vi \(guessed\)'
expect_stderr '3 sentences'

# jsonl: offsets point into the text `tmkit normalize` prints
run "$TMKIT" segment --format jsonl "$WORK/vi.txt"
expect_status 0
expect_stdout_match '^\{"para":0,"sent":0,"start":0,"end":[0-9]+,"text":"Thứ hai 25/11/2024 09:35"\}'
expect_stdout_match '"para":1,"sent":2,.*"text":"Hai bên nhất trí."'
"$TMKIT" normalize "$WORK/vi.txt" >"$WORK/norm.txt"
ok_offsets=1
while IFS= read -r line; do
    s=$(printf '%s' "$line" | sed -E 's/.*"start":([0-9]+).*/\1/')
    e=$(printf '%s' "$line" | sed -E 's/.*"end":([0-9]+).*/\1/')
    t=$(printf '%s' "$line" | sed -E 's/.*"text":"(.*)"\}$/\1/')
    [ "$(tail -c +$((s + 1)) "$WORK/norm.txt" | head -c $((e - s)))" = "$t" ] || ok_offsets=0
done <<<"$out"
[ $ok_offsets = 1 ] && ok || fail "jsonl byte offsets must address the normalized text"

# French, stdin, explicit language, -o
printf '« Pourquoi ? » demanda M. Martin. Il partit. Puis il revint…\n' | "$TMKIT" segment -l fr -o "$WORK/fr.sent" -
expect_file_content "$WORK/fr.sent" "$(printf '« Pourquoi ? » demanda M. Martin.\nIl partit.\nPuis il revint…')"

run "$TMKIT" segment -v -l de "$WORK/vi.txt"
expect_status 0
expect_stderr 'rules from segment.srx'

printf 'Hello there. This is English, not Vietnamese nor French.\n' >"$WORK/en.txt"
run "$TMKIT" segment -v "$WORK/en.txt"
expect_status 0
expect_stderr 'language und \(not recognised'
expect_stdout "$(printf 'Hello there.\nThis is English, not Vietnamese nor French.')"

# --icu-only: ICU alone splits after an abbreviation the rules keep
printf 'Il a vu M. Martin hier.\n' >"$WORK/m.txt"
run "$TMKIT" segment -l fr --icu-only "$WORK/m.txt"
expect_stdout "$(printf 'Il a vu M.\nMartin hier.')"
run "$TMKIT" segment -l fr "$WORK/m.txt"
expect_stdout 'Il a vu M. Martin hier.'

# a user's SRX file replaces the built-in rules
cat >"$WORK/user.srx" <<'SRX'
<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header cascade="yes"/>
  <body>
    <languagerules>
      <languagerule languagerulename="Semi">
        <rule break="yes"><beforebreak>;</beforebreak><afterbreak>\s</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules><languagemap languagepattern="fr.*" languagerulename="Semi"/></maprules>
  </body>
</srx>
SRX
printf 'Un; deux. Trois\n' >"$WORK/semi.txt"
run "$TMKIT" segment -l fr --srx "$WORK/user.srx" "$WORK/semi.txt"
expect_status 0
expect_stdout "$(printf 'Un;\ndeux.\nTrois')"

sed 's|<afterbreak>\\s</afterbreak>|<afterbreak>(\\s</afterbreak>|' "$WORK/user.srx" >"$WORK/bad.srx"
run "$TMKIT" segment -l fr --srx "$WORK/bad.srx" "$WORK/semi.txt"
expect_status 2
expect_stderr "^tmkit: $WORK/bad.srx:7: rule 1 of 'Semi': invalid afterbreak regex"
expect_stderr_lines 1
expect_stdout ''

run "$TMKIT" segment --srx "$WORK/missing.srx" "$WORK/semi.txt"
expect_status 3

# bad input: the text layer's errors, nothing on stdout
printf 'Câu một.\nCâu \xff hai.\n' >"$WORK/bad.txt"
run "$TMKIT" segment "$WORK/bad.txt"
expect_status 2
expect_stderr "^tmkit: $WORK/bad.txt:2: invalid UTF-8"
expect_stdout ''
printf 'a\000b\n' >"$WORK/nul.txt"
run "$TMKIT" segment "$WORK/nul.txt"
expect_status 2
expect_stdout ''
: >"$WORK/empty.txt"
run "$TMKIT" segment "$WORK/empty.txt"
expect_status 0
expect_stdout ''
run "$TMKIT" segment "$WORK/nope.txt"
expect_status 3
run "$TMKIT" segment --format xml "$WORK/vi.txt"
expect_status 1
run "$TMKIT" segment -l 'not a code' "$WORK/vi.txt"
expect_status 1

# --- eval segment: every corpus gold segmentation is reproduced exactly ----------
for f in "$C"/*.txt; do
    base=${f%.txt}
    "$TMKIT" segment "$f" >"$WORK/pred.sent"
    run "$TMKIT" eval segment "$base.sent" "$WORK/pred.sent"
    expect_stdout 'precision=1.0000 recall=1.0000 f1=1.0000'
done

printf 'A b.\nC d.\nE f.\n' >"$WORK/g.sent"
printf 'A b. C d.\nE f.\n' >"$WORK/p.sent"
run "$TMKIT" eval segment "$WORK/g.sent" "$WORK/p.sent"
expect_status 0
expect_stdout 'precision=1.0000 recall=0.6667 f1=0.8000'
printf 'A b.\nC x.\n' >"$WORK/other.sent"
run "$TMKIT" eval segment "$WORK/g.sent" "$WORK/other.sent"
expect_status 2
expect_stderr 'not the same text'

# --- eval align ---------------------------------------------------------------------
printf '0\t0\n1,2\t1\n3\t\n4\t2,3\n\t4\n' >"$WORK/gold"
printf '0\t0\t0.9\n1\t1\t0.5\n2\t\t0.1\n3\t\t0.2\n4\t2,3\t0.8\n\t4\t0\n' >"$WORK/pred"
run "$TMKIT" eval align "$WORK/gold" "$WORK/pred"
expect_status 0
expect_stdout 'precision=0.6667 recall=0.6667 f1=0.6667'
run "$TMKIT" eval align "$C/qn-gx-talks.gold" "$C/qn-gx-talks.gold"
expect_stdout 'precision=1.0000 recall=1.0000 f1=1.0000'
printf '0\t0\n1,3\t1\n' >"$WORK/badbeads"
run "$TMKIT" eval align "$WORK/gold" "$WORK/badbeads"
expect_status 2
expect_stderr "badbeads:2: sentence numbers in a bead must be consecutive"
run "$TMKIT" eval align "$WORK/gold"
expect_status 1
run "$TMKIT" eval frob a b
expect_status 1

finish
