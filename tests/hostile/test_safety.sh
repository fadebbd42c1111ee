#!/usr/bin/env bash
# test_safety.sh — output that never destroys input, inputs that cannot
# block, regexes that cannot hang, limits on what one input may cost
# (docs/reliability.md, "Outputs and inputs" and "Limits"):
#
#   - an -o (or --store, or a batch output) that is an input, also through a
#     symbolic link: exit 1, one line naming both, every file untouched;
#   - -o onto a device or a FIFO: written in place (still a device, still a
#     FIFO), a full device is exit 3 "No space left on device";
#   - -o through a symbolic link: the link stays, its target is written;
#   - a FIFO or a device given as an input or a store: exit 3 at once;
#   - a user's SRX rule that backtracks without end: exit 2 naming the SRX
#     file, the rule and the input line, in about a second;
#   - an SRX file past the rule limits, or declaring entities: exit 2;
#   - a TMX segment past 1 MiB: exit 2 with its line, nothing imported.
. "$(dirname "$0")/common.sh"
W="$WORK"
C="$top_srcdir/corpora"
cp "$C/border-memorandum.vi.txt" "$W/a.vi.txt"
cp "$C/border-memorandum.fr.txt" "$W/a.fr.txt"
"$TMKIT" align "$W/a.vi.txt" "$W/a.fr.txt" -o "$W/a.tmx"
"$TMKIT" import -q "$W/tm.tmdb" "$W/a.tmx"
ln -s a.vi.txt "$W/link.txt"
ln -s tm.tmdb "$W/link.tmdb"
sums() { (cd "$W" && md5sum a.vi.txt a.fr.txt a.tmx tm.tmdb); }
sums >"$W/sums.before"
untouched() { # WHAT
    sums | cmp -s - "$W/sums.before" && ok || fail "$1: an input changed"
    [ -L "$W/link.txt" ] && [ -L "$W/link.tmdb" ] && ok || fail "$1: a link was replaced"
}
refused_same() { # WHAT: exit 1, one line naming the input, nothing changed
    expect_status 1
    expect_stderr_lines 1
    expect_stderr "is the input|is an input"
    untouched "$1"
}

# --- 1. -o onto an input --------------------------------------------------------------------
run "$TMKIT" export -o "$W/tm.tmdb" "$W/tm.tmdb"
refused_same "export -o STORE STORE"
run "$TMKIT" export -o "$W/link.tmdb" "$W/tm.tmdb"
refused_same "export -o LINK-TO-STORE STORE"
run "$TMKIT" align -o "$W/a.vi.txt" "$W/a.vi.txt" "$W/a.fr.txt"
refused_same "align -o SRC"
run "$TMKIT" align -o "$W/link.txt" "$W/a.vi.txt" "$W/a.fr.txt"
refused_same "align -o LINK-TO-SRC"
cp "$W/a.vi.txt" "$W/b.vi"
cp "$W/a.fr.txt" "$W/b.fr"
run "$TMKIT" align -f moses -o "$W/b" "$W/b.vi" "$W/b.fr"
expect_status 1 # (moses writes OUT.vi and OUT.fr: here the inputs)
cmp -s "$W/b.vi" "$W/a.vi.txt" && cmp -s "$W/b.fr" "$W/a.fr.txt" && ok ||
    fail "align -f moses -o B B.vi B.fr: an input changed"
run "$TMKIT" align --store "$W/a.fr.txt" "$W/a.vi.txt" "$W/a.fr.txt"
refused_same "align --store TGT"
run "$TMKIT" tmx convert --to tsv -o "$W/a.tmx" "$W/a.tmx"
refused_same "tmx convert -o IN IN"
run "$TMKIT" segment -o "$W/link.txt" "$W/a.vi.txt"
refused_same "segment -o LINK-TO-IN"
run "$TMKIT" normalize -o "$W/a.vi.txt" "$W/a.vi.txt"
refused_same "normalize -o IN IN"
run "$TMKIT" import "$W/tm.tmdb" "$W/a.tmx" "$W/link.tmdb"
refused_same "import STORE LINK-TO-STORE"
# a batch whose summary would land on an input, and one whose store is one
mkdir "$W/out"
cp "$W/a.vi.txt" "$W/out/summary.tsv"
printf '%s\t%s\n' "$W/out/summary.tsv" "$W/a.fr.txt" >"$W/m1.tsv"
run "$TMKIT" align --batch "$W/m1.tsv" -o "$W/out"
expect_status 1
expect_stderr "summary.tsv is an input"
cmp -s "$W/out/summary.tsv" "$W/a.vi.txt" && ok || fail "batch: summary.tsv (an input) was overwritten"
printf '%s\t%s\n' "$W/a.vi.txt" "$W/a.fr.txt" >"$W/m2.tsv"
run "$TMKIT" align --batch "$W/m2.tsv" -o "$W/out2" --store "$W/link.txt"
expect_status 1
untouched "align --batch --store LINK-TO-SRC"

# --- 2. -o onto a device or a FIFO, and through a link ----------------------------------------
if mknod "$W/null" c 1 3 2>/dev/null && mknod "$W/full" c 1 7 2>/dev/null; then
    run "$TMKIT" segment -o "$W/null" "$W/a.vi.txt"
    expect_status 0
    [ -c "$W/null" ] && ok || fail "segment -o DEVICE replaced the device with a regular file"
    for cmd in "segment -o $W/full $W/a.vi.txt" "export -o $W/full $W/tm.tmdb" \
        "align -o $W/full $W/a.vi.txt $W/a.fr.txt" "tmx convert --to tsv -o $W/full $W/a.tmx"; do
        run $TMKIT $cmd
        expect_status 3
        expect_stderr_lines 1
        expect_stderr 'No space left on device'
        [ -c "$W/full" ] && ok || fail "$cmd: the device became a regular file"
    done
else
    echo "# mknod not permitted: the device cases are skipped"
fi
run "$TMKIT" export "$W/tm.tmdb"
[ -n "$out" ] && ok || fail "export to stdout wrote nothing"
"$TMKIT" export "$W/tm.tmdb" >/dev/full 2>"$W/full.err"
[ $? = 3 ] && [ "$(grep -c '' "$W/full.err")" = 1 ] && grep -q 'No space left on device' "$W/full.err" &&
    ok || fail "export >/dev/full: one line with the reason, exit 3 (got: $(cat "$W/full.err"))"
mkfifo "$W/fifo"
timeout 20 cat "$W/fifo" >"$W/fifo.out" &
reader=$!
run timeout 20 "$TMKIT" segment -o "$W/fifo" "$W/a.vi.txt"
wait $reader
expect_status 0
[ -p "$W/fifo" ] && ok || fail "segment -o FIFO replaced the FIFO"
"$TMKIT" segment "$W/a.vi.txt" | cmp -s - "$W/fifo.out" && ok || fail "the FIFO's reader did not get the sentences"
printf 'old\n' >"$W/target.txt"
ln -s target.txt "$W/out.txt"
run "$TMKIT" segment -o "$W/out.txt" "$W/a.vi.txt"
expect_status 0
[ -L "$W/out.txt" ] && ok || fail "segment -o LINK replaced the link with a file"
"$TMKIT" segment "$W/a.vi.txt" | cmp -s - "$W/target.txt" && ok || fail "segment -o LINK: the target does not hold the output"

# --- 3. inputs that are not regular files: refused at once --------------------------------------
mkfifo "$W/in.fifo"
for cmd in "stats $W/in.fifo" "check $W/in.fifo" "query $W/in.fifo x" "concord $W/in.fifo x" \
    "export $W/in.fifo" "import $W/in.fifo $W/a.tmx" "import $W/new.tmdb $W/in.fifo" \
    "segment $W/in.fifo" "normalize $W/in.fifo" "align $W/in.fifo $W/a.fr.txt" \
    "tmx validate $W/in.fifo" "tmx convert --to tsv $W/in.fifo" \
    "segment --srx $W/in.fifo $W/a.vi.txt" "align --dict $W/in.fifo $W/a.vi.txt $W/a.fr.txt" \
    "eval segment $W/in.fifo $W/a.vi.txt"; do
    run timeout 20 $TMKIT $cmd
    [ "$status" = 124 ] && fail "$cmd: blocked on the FIFO"
    expect_error 3 "in.fifo"
    expect_stderr 'not a regular file'
done
[ -e "$W/new.tmdb" ] && fail "import of a FIFO created a store" || ok

# --- 4. regexes that backtrack without end -----------------------------------------------------------
mksrx() { # BEFORE AFTER [PROLOGUE]
    printf '<?xml version="1.0" encoding="UTF-8"?>\n%s<srx xmlns="http://www.lisa.org/srx20" version="2.0">\n<header segmentsubflows="yes" cascade="yes"/>\n<body><languagerules><languagerule languagerulename="bad">\n<rule break="no"><beforebreak>%s</beforebreak><afterbreak>%s</afterbreak></rule>\n</languagerule></languagerules>\n<maprules><languagemap languagepattern=".*" languagerulename="bad"/></maprules></body></srx>\n' "${3:-}" "$1" "$2"
}
mksrx '\.' '\s(a+)+$' >"$W/redos.srx"
mksrx '(?i)\.' '\s(a+)+$' >"$W/redos_i.srx" # (an inline flag: no sketch, ICU alone)
{ printf 'A first line.\n'; printf 'Hello world. %sX\n' "$(printf 'a%.0s' $(seq 40))"; } >"$W/redos.txt"
for srx in redos.srx redos_i.srx; do
    run timeout 60 "$TMKIT" segment -l en --srx "$W/$srx" -o "$W/redos.out" "$W/redos.txt"
    [ "$status" = 124 ] && fail "$srx: the segmenter hung (timeout 60 s)"
    expect_error 2 "redos.txt"
    expect_stderr "redos\.txt:2: .*$srx:5: rule 1 of 'bad'.*time limit"
    expect_no_file "$W/redos.out"
done
run timeout 60 "$TMKIT" align -s en -t en --srx "$W/redos.srx" --regex-time-limit 100 "$W/redos.txt" "$W/redos.txt"
expect_error 2 "redos.txt"
run "$TMKIT" segment --regex-time-limit -1 "$W/a.vi.txt"
expect_status 1

# --- 5. limits -----------------------------------------------------------------------------------------
# an SRX file with more rules than any real one, a pattern too long, entities declared
awk 'BEGIN { print "<?xml version=\"1.0\"?><srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\"><header cascade=\"yes\"/><body><languagerules><languagerule languagerulename=\"x\">"
    for (i = 0; i < 10001; i++) printf "<rule break=\"no\"><beforebreak>ab%d\\.</beforebreak><afterbreak>\\s</afterbreak></rule>\n", i
    print "</languagerule></languagerules><maprules><languagemap languagepattern=\".*\" languagerulename=\"x\"/></maprules></body></srx>" }' >"$W/many.srx"
run timeout 60 "$TMKIT" segment --srx "$W/many.srx" "$W/a.vi.txt"
expect_error 2 "many.srx"
expect_stderr 'more than 10000 rules'
mksrx "$(printf 'a%.0s' $(seq 5000))" '\s' >"$W/long.srx"
run "$TMKIT" segment --srx "$W/long.srx" "$W/a.vi.txt"
expect_error 2 "long.srx"
expect_stderr 'over the limit of 4096'
mksrx 'a' '\s' '<!DOCTYPE srx [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>
' >"$W/pe.srx"
run "$TMKIT" segment --srx "$W/pe.srx" "$W/a.vi.txt"
expect_error 2 "pe.srx"
expect_stderr 'pe\.srx:2: the DOCTYPE declares entities'
# a TMX whose one segment is past 1 MiB: refused with its line, nothing imported
awk 'BEGIN { printf "<tmx version=\"1.4\"><header srclang=\"vi\"/><body>\n<tu><tuv xml:lang=\"vi\"><seg>ngắn</seg></tuv><tuv xml:lang=\"fr\"><seg>court</seg></tuv></tu>\n<tu><tuv xml:lang=\"vi\"><seg>"
    for (i = 0; i < 140000; i++) printf "hợp tác "
    print "</seg></tuv><tuv xml:lang=\"fr\"><seg>x</seg></tuv></tu>\n</body></tmx>" }' >"$W/bigseg.tmx"
run "$TMKIT" import "$W/big.tmdb" "$W/bigseg.tmx"
expect_error 2 "bigseg.tmx"
expect_stderr 'bigseg\.tmx:3: a segment longer than 1048576 bytes'
expect_no_file "$W/big.tmdb"
run "$TMKIT" import "$W/tm.tmdb" "$W/bigseg.tmx"
expect_status 2
untouched "import of a segment past the limit"
run "$TMKIT" import -q --lenient "$W/big.tmdb" "$W/bigseg.tmx"
expect_status 0
run "$TMKIT" stats "$W/big.tmdb"
expect_stdout_match '^units: 1$'
# import and tmx validate agree on what a language code is
sed 's/xml:lang="fr"/xml:lang="fr!"/' "$W/a.tmx" >"$W/badlang.tmx"
run "$TMKIT" tmx validate "$W/badlang.tmx"
expect_status 2
run "$TMKIT" import "$W/tm.tmdb" "$W/badlang.tmx"
expect_error 2 "badlang.tmx"
expect_stderr 'not a language code'
untouched "import of a bad language code"
finish
