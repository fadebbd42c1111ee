#!/usr/bin/env bash
# test_store.sh — end-to-end tests of the store commands: import, query,
# concord, export, stats, check; round trips of CAT-tool TMX; damage,
# concurrency and kill -9 during an import.
. "$(dirname "$0")/lib.sh"
C="$top_srcdir/corpora"
FIX="$top_srcdir/tests/fixtures/tmx"
DB="$WORK/tm.tmdb"

"$TMKIT" align -o "$WORK/talks.tmx" "$C/qn-gx-talks.vi.txt" "$C/qn-gx-talks.fr.txt"
"$TMKIT" align -o "$WORK/trade.tmx" "$C/vn-guangxi-trade.vi.txt" "$C/vn-guangxi-trade.fr.txt"

# --- import, stats, check -------------------------------------------------------
N=$(cat "$WORK/talks.tmx" "$WORK/trade.tmx" | grep -c '<tu ')
run "$TMKIT" import "$DB" "$WORK/talks.tmx" "$WORK/trade.tmx"
expect_status 0
expect_stderr 'units added'
run "$TMKIT" stats "$DB"
expect_stdout_match "^units: $N$"
expect_stdout_match '^languages: vi fr$'
expect_stdout_match '^section unit blocks: [1-9][0-9]*$'
expect_stdout_match '^section postings: [1-9][0-9]*$'
# the sections lie inside the file (two 4 KiB header slots, segment tables and lists beside them)
sum=$(printf '%s\n' "$out" | sed -n 's/^section .*: //p' | awk '{ s += $1 } END { print s }')
bytes=$(printf '%s\n' "$out" | sed -n 's/^bytes: //p')
[ "$sum" -gt 0 ] && [ $((sum + 8192)) -le "$bytes" ] && ok || fail "sections ($sum bytes) must fit in the file ($bytes bytes)"
run "$TMKIT" check "$DB"
expect_status 0
expect_stdout_match 'intact'

# importing the same files again changes nothing
run "$TMKIT" import "$DB" "$WORK/talks.tmx"
expect_stderr '0 units added, 16 merged with an equal unit \(16 already there as they are\)'
run "$TMKIT" stats "$DB"
expect_stdout_match "^units: $N$"

# --- query ------------------------------------------------------------------------------
run "$TMKIT" query "$DB" "Năm 2023, kim ngạch thương mại giữa Việt Nam và tỉnh Quảng Tây đạt 253,9 tỷ NDT (khoảng 36,3 tỷ USD), tăng 29,2%."
expect_status 0
expect_stdout_match '^100%  Năm 2023'
expect_stdout_match '^      En 2023, les échanges commerciaux'
expect_stdout_match '^      vn-guangxi-trade, '
printf '%s' "$out" | grep -q $'\033' && fail "no colour when stdout is not a terminal" || ok

run "$TMKIT" query --format jsonl -n 1 "$DB" "Năm 2024, kim ngạch thương mại giữa Việt Nam và tỉnh Quảng Tây đạt 253,9 tỷ NDT (khoảng 36,3 tỷ USD), tăng 29,2%."
expect_stdout_match '^\{"score":98,"source":"Năm 2023, .*","target":"En 2023, .*","origin":"vn-guangxi-trade, [0-9T]+Z"\}$'

# the other direction, and the hoá/hóa spelling
run "$TMKIT" query -s fr -t vi -n 1 "$DB" "$(sed -n 1p "$C/qn-gx-talks.fr.sent")"
expect_stdout_match '^100%  '
run "$TMKIT" query --min 101 "$DB" x
expect_status 1
# numbers are read whole: empty, trailing text or past int are usage errors
for bad in "--min=" "--min=4294967346" "-n4294967297" "-n5x" "--min=-1"; do
    run "$TMKIT" query "$bad" "$DB" x
    expect_status 1
done
run "$TMKIT" query "$DB" "Ngôn ngữ hoàn toàn khác"
expect_status 0
expect_stdout ''
expect_stderr 'no match of 70% or more'
run "$TMKIT" query --min 0 "$DB" "..."
expect_status 0
expect_stderr 'no match: the query has no words'
run "$TMKIT" query "$DB" "$(printf 'bad \xff')"
expect_status 2

# --- concord ---------------------------------------------------------------------------
run "$TMKIT" concord "$DB" "Quảng Ninh"
expect_status 0
expect_stdout_match 'Quảng Ninh'
n1=$(printf '%s\n' "$out" | grep -c '^      ' || true)
run "$TMKIT" concord --fold "$DB" "quang ninh"
n2=$(printf '%s\n' "$out" | grep -c '^      ' || true)
[ "$n2" -ge "$n1" ] && [ "$n1" -gt 0 ] && ok || fail "--fold finds at least what the exact term finds ($n1, $n2)"
# case and diacritics of the term do not matter where the key ignores them: the same hits
run "$TMKIT" concord --fold "$DB" "QUẢNG  Ninh"
[ "$(printf '%s\n' "$out" | grep -c '^      ' || true)" = "$n2" ] && ok || fail "--fold QUẢNG Ninh finds what quang ninh finds"
run "$TMKIT" concord "$DB" "quảng NINH"
[ "$(printf '%s\n' "$out" | grep -c '^      ' || true)" = "$n1" ] && ok || fail "quảng NINH finds what Quảng Ninh finds"
# a one-word term that is a word's prefix elsewhere: whole words only
run "$TMKIT" concord --fold "$DB" "quan"
[ "$(printf '%s\n' "$out" | grep -ci 'quang' || true)" -lt "$n2" ] && ok || fail "--fold quan is not a prefix match"
run "$TMKIT" concord --format jsonl -n 1 "$DB" "Guangxi"
expect_stdout_match '^\{"score":100,'

# export -s -t keeps each variant whole (attributes, notes, props), and the
# units whose source variant is coded vi-VN name it: the file validates
cat >"$WORK/vn.tmx" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="vi-VN" datatype="plaintext"/><body>
<tu tuid="1" creationdate="20200101T000000Z"><tuv xml:lang="vi-VN" changeid="ann"><note>n1</note><prop type="x-ctx">c1</prop><seg>Một</seg></tuv><tuv xml:lang="fr-FR" changeid="bob"><seg>Un</seg></tuv><tuv xml:lang="en"><seg>One</seg></tuv></tu>
</body></tmx>
EOF
run "$TMKIT" import "$WORK/vn.tmdb" "$WORK/vn.tmx"
run "$TMKIT" export -s vi -t fr -o "$WORK/vn.out.tmx" "$WORK/vn.tmdb"
expect_status 0
run "$TMKIT" tmx validate "$WORK/vn.out.tmx"
expect_status 0
grep -q 'changeid="ann"' "$WORK/vn.out.tmx" && grep -q '<note>n1</note>' "$WORK/vn.out.tmx" &&
    grep -q '<prop type="x-ctx">c1</prop>' "$WORK/vn.out.tmx" && grep -q 'srclang="vi-VN"' "$WORK/vn.out.tmx" &&
    ! grep -q 'xml:lang="en"' "$WORK/vn.out.tmx" && ok || fail "export -s -t must keep the variants whole and name their source"

# export takes -s and -t together or neither
for half in "-s vi" "-t en"; do
    run "$TMKIT" export $half "$DB"
    expect_status 1
    expect_stderr '\-s and -t go together'
done

# a term past the 4096th word of a long segment is found too
{
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="paragraph" o-tmf="t" adminlang="en" srclang="vi" datatype="plaintext"/><body>\n<tu><tuv xml:lang="vi"><seg>'
    for i in $(seq 4100); do printf 'lời%d ' "$i"; done
    printf 'ngựa vằn</seg></tuv><tuv xml:lang="fr"><seg>Un long texte.</seg></tuv></tu>\n</body></tmx>\n'
} >"$WORK/long.tmx"
run "$TMKIT" import "$WORK/long.tmdb" "$WORK/long.tmx"
expect_status 0
for f in "" --fold; do
    run "$TMKIT" concord $f "$WORK/long.tmdb" "ngựa vằn"
    expect_status 0
    expect_stdout_match 'Un long texte'
done

# --- export: TMX 1.4b, and round trips of what CAT tools write -----------------------------
run "$TMKIT" export -o "$WORK/all.tmx" "$DB"
expect_status 0
run "$TMKIT" tmx validate "$WORK/all.tmx"
expect_status 0
for f in omegat okapi memoq trados-utf16; do
    rm -f "$WORK/rt.tmdb"
    "$TMKIT" import -q "$WORK/rt.tmdb" "$FIX/$f.tmx"
    run "$TMKIT" export -o "$WORK/rt.tmx" "$WORK/rt.tmdb"
    expect_status 0
    # the units (a store holds units from many files: header props stay behind)
    "$TMKIT" tmx convert --to tmx "$FIX/$f.tmx" | sed '1,/<body>/d' | grep -E '<(seg|prop|note|tuv|tu )' | sed 's/^ *//' | sort >"$WORK/a"
    "$TMKIT" tmx convert --to tmx "$WORK/rt.tmx" | sed '1,/<body>/d' | grep -E '<(seg|prop|note|tuv|tu )' | sed 's/^ *//' | sort >"$WORK/b"
    run diff "$WORK/a" "$WORK/b"
    expect_status 0
done
run grep -c 'tuid="okapi-1"' "$WORK/rt.tmx"
run "$TMKIT" export -s vi -t fr "$WORK/rt.tmdb"
expect_stdout_match '<tuv xml:lang="vi-VN">'

# --- bad input: nothing changes ------------------------------------------------------------
before=$(cksum <"$DB")
printf '<tmx version="1.4"><header/><body><tu><tuv xml:lang="vi"><seg>x</seg></tuv></tu><tu>' >"$WORK/trunc.tmx"
run "$TMKIT" import "$DB" "$WORK/talks.tmx" "$WORK/trunc.tmx"
expect_status 2
expect_stderr 'trunc.tmx:1: not well-formed XML'
[ "$(cksum <"$DB")" = "$before" ] && ok || fail "a failed import leaves the store as it was"
run "$TMKIT" import "$DB" "$WORK/missing.tmx"
expect_status 3
run "$TMKIT" import "$DB"
expect_status 1
run "$TMKIT" stats "$WORK/missing.tmdb"
expect_status 3
printf 'not a store' >"$WORK/junk.tmdb"
run "$TMKIT" query "$WORK/junk.tmdb" x
expect_status 2
expect_stderr 'not a tmkit store'

# a flipped byte is found by check and by a query that touches it
cp "$DB" "$WORK/flip.tmdb"
size=$(stat -c %s "$WORK/flip.tmdb")
printf '\x55' | dd of="$WORK/flip.tmdb" bs=1 seek=$((size / 2)) conv=notrunc status=none
run "$TMKIT" check "$WORK/flip.tmdb"
expect_status 2
expect_stderr '^tmkit: .*flip.tmdb: damaged store: '
expect_stderr_lines 1

# --- two importers at once are serialized ------------------------------------------------------
rm -f "$WORK/par.tmdb"
"$TMKIT" import -q "$WORK/par.tmdb" "$WORK/talks.tmx" & p1=$!
"$TMKIT" import -q "$WORK/par.tmdb" "$WORK/trade.tmx" & p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
[ $s1 = 0 ] && [ $s2 = 0 ] && ok || fail "both importers succeed ($s1, $s2)"
run "$TMKIT" stats "$WORK/par.tmdb"
expect_stdout_match "^units: $N$"
run "$TMKIT" check "$WORK/par.tmdb"
expect_status 0

# --- kill -9 during an import: the store holds the old or the new content ---------------------
awk 'BEGIN { print "<tmx version=\"1.4\"><header srclang=\"vi\"/><body>";
             for (i = 0; i < 20000; i++)
                 printf "<tu><tuv xml:lang=\"vi\"><seg>Câu số %d về hợp tác thương mại giữa hai tỉnh.</seg></tuv><tuv xml:lang=\"fr\"><seg>Phrase numéro %d sur la coopération commerciale.</seg></tuv></tu>\n", i, i;
             print "</body></tmx>" }' >"$WORK/big.tmx"
rm -f "$WORK/kill.tmdb"
"$TMKIT" import -q "$WORK/kill.tmdb" "$WORK/talks.tmx"
for delay in 0.05 0.2 0.4 0.6 0.8 1.0; do
    "$TMKIT" import -q "$WORK/kill.tmdb" "$WORK/big.tmx" & pid=$!
    sleep $delay
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    units=$("$TMKIT" stats "$WORK/kill.tmdb" | sed -n 's/^units: //p')
    case "$units" in
    16|20016) ok ;;
    *) fail "after kill -9 at ${delay}s the store has '$units' units (16 or 20016 expected)" ;;
    esac
    run "$TMKIT" check "$WORK/kill.tmdb"
    expect_status 0
    [ "$units" = 20016 ] && break
done

# --- align --store ------------------------------------------------------------------------
# The store gains exactly the units `align -f tmx` writes, whatever the output
# format, and no temporary file is left behind.
mkdir -p "$WORK/tmp"
T="$WORK/tmp"
ADB="$WORK/aligned.tmdb"
N=$(grep -c '<tu ' "$WORK/talks.tmx")
TMPDIR="$T" run "$TMKIT" align -f tsv --store "$ADB" "$C/qn-gx-talks.vi.txt" "$C/qn-gx-talks.fr.txt"
expect_status 0
expect_stdout_match $'\t'
expect_stderr "$ADB: [0-9]+ units added"
first=$(printf '%s\n' "$out" | head -1 | cut -f1)
run "$TMKIT" export "$ADB" -o "$WORK/aligned.tmx"
expect_status 0
[ "$(grep -c '<tu ' "$WORK/aligned.tmx")" -le "$N" ] && [ "$(grep -c '<tu ' "$WORK/aligned.tmx")" -gt 0 ] \
    && ok || fail "align --store should hold the aligned units"
run "$TMKIT" query -n 1 "$ADB" "$first"
expect_stdout_match '^100%  '
expect_stdout_match '^      qn-gx-talks, '
[ -z "$(ls -A "$T")" ] && ok || fail "align --store left files in TMPDIR: $(ls "$T")"

# bad input: nothing reaches the store, nothing is left behind
before=$(cksum <"$ADB")
TMPDIR="$T" run "$TMKIT" align --store "$ADB" "$C/qn-gx-talks.vi.txt" "$WORK/missing.fr.txt"
expect_status 3
[ "$(cksum <"$ADB")" = "$before" ] && ok || fail "a failed align must not change the store"
TMPDIR="$T" run "$TMKIT" align --store "$WORK/never.tmdb" "$C/qn-gx-talks.vi.txt" "$WORK/missing.fr.txt"
expect_no_file "$WORK/never.tmdb"
[ -z "$(ls -A "$T")" ] && ok || fail "a failed align --store left files in TMPDIR"

# a store that is not one: the alignment is written, the error is reported
printf 'not a store\n' >"$WORK/notastore.tmdb"
TMPDIR="$T" run "$TMKIT" align --store "$WORK/notastore.tmdb" -o "$WORK/a.tmx" "$C/qn-gx-talks.vi.txt" "$C/qn-gx-talks.fr.txt"
expect_status 2
expect_stderr 'notastore.tmdb'
expect_file_content "$WORK/notastore.tmdb" 'not a store'

# batch: the good pairs go to the store in one commit, the bad pair fails alone
mkdir -p "$WORK/bin"
cp "$C/qn-gx-talks.vi.txt" "$C/qn-gx-talks.fr.txt" "$C/vn-guangxi-trade.vi.txt" "$C/vn-guangxi-trade.fr.txt" "$WORK/bin/"
printf '\n' >"$WORK/bin/empty.vi.txt"
printf 'Rien.\n' >"$WORK/bin/empty.fr.txt"
BDB="$WORK/batch.tmdb"
TMPDIR="$T" run "$TMKIT" align -q --batch "$WORK/bin" -o "$WORK/bout" --store "$BDB"
expect_status 2
run "$TMKIT" import "$WORK/check.tmdb" "$WORK/bout/qn-gx-talks.tmx" "$WORK/bout/vn-guangxi-trade.tmx"
a=$("$TMKIT" stats "$BDB" | grep '^units:')
b=$("$TMKIT" stats "$WORK/check.tmdb" | grep '^units:')
[ -n "$a" ] && [ "$a" = "$b" ] && ok || fail "batch --store: '$a' should equal '$b'"
run "$TMKIT" check "$BDB"
expect_status 0
[ -z "$(ls -A "$T")" ] && ok || fail "align --batch --store left files in TMPDIR"

# an import that fails into a store that did not exist leaves no file
printf 'not xml' >"$WORK/bad.tmx"
run "$TMKIT" import "$WORK/new.tmdb" "$WORK/bad.tmx"
expect_status 2
expect_no_file "$WORK/new.tmdb"
(ulimit -f 4; "$TMKIT" import "$WORK/new.tmdb" "$WORK/talks.tmx" 2>"$WORK/ulimit.err")
[ $? = 3 ] && ok || fail "a full disk during the first import: exit 3 expected"
expect_no_file "$WORK/new.tmdb"
# ...but importing no unit into it makes an empty store
printf '<?xml version="1.0"?><tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="vi" datatype="plaintext"/><body/></tmx>' >"$WORK/none.tmx"
run "$TMKIT" import "$WORK/new.tmdb" "$WORK/none.tmx"
expect_status 0
run "$TMKIT" check "$WORK/new.tmdb"
expect_status 0

# the newest header slot flipped: the store is refused (it may hold the last
# commit), not read as the commit before
run "$TMKIT" import "$WORK/slots.tmdb" "$WORK/talks.tmx"
run "$TMKIT" import "$WORK/slots.tmdb" "$WORK/trade.tmx"
printf '\377' | dd of="$WORK/slots.tmdb" bs=1 seek=$((4096 + 20)) conv=notrunc status=none
run "$TMKIT" check "$WORK/slots.tmdb"
expect_status 2
expect_stderr 'slots.tmdb: damaged store: header slot B fails its checksum'
cp "$WORK/talks.tmx" "$WORK/pad.tmx"
run "$TMKIT" import "$WORK/pad.tmdb" "$WORK/pad.tmx"
printf '\001' | dd of="$WORK/pad.tmdb" bs=1 seek=3000 conv=notrunc status=none
run "$TMKIT" check "$WORK/pad.tmdb"
expect_status 2
expect_stderr 'header slot A has bytes set past its fields'

# --- optimize: many segments rewritten as one; the same units, the same answers -------------
ODB="$WORK/opt.tmdb"
for stem in qn-gx-talks vn-guangxi-trade forum-speech railway-corridor; do
    "$TMKIT" align -o "$WORK/o-$stem.tmx" "$C/$stem.vi.txt" "$C/$stem.fr.txt"
    "$TMKIT" import -q "$ODB" "$WORK/o-$stem.tmx"
done
"$TMKIT" import -q "$ODB" "$WORK/o-qn-gx-talks.tmx" # duplicates merged: superseded units
Q="Bí thư Tỉnh ủy Quảng Ninh đã trao đổi thông tin về phát triển kinh tế của tỉnh"
nseg=$("$TMKIT" stats "$ODB" | sed -n 's/^segments: //p')
"$TMKIT" export "$ODB" | grep -v '<header' | sort >"$WORK/opt.before"
# (every hit: ties of score and date may come in another order, a cut could differ)
{ "$TMKIT" query -n 100000 --min 20 --format jsonl "$ODB" "$Q"
  "$TMKIT" query -n 100000 --min 0 --format jsonl "$ODB" "tỉnh Quảng Ninh"
  "$TMKIT" concord --format jsonl "$ODB" "Quảng Ninh"; } | sort >"$WORK/optq.before"
chmod 640 "$ODB"
run "$TMKIT" optimize "$ODB"
expect_status 0
expect_stderr "opt.tmdb: $nseg segment\\(s\\) rewritten as one"
[ "$nseg" -ge 4 ] && ok || fail "four imports should have made four segments, not $nseg"
run "$TMKIT" stats "$ODB"
expect_stdout_match 'segments: 1'
run "$TMKIT" check "$ODB"
expect_status 0
"$TMKIT" export "$ODB" | grep -v '<header' | sort >"$WORK/opt.after"
cmp -s "$WORK/opt.before" "$WORK/opt.after" && ok || fail "optimize must keep every unit as it was"
# (every hit: ties of score and date may come in another order, a cut could differ)
{ "$TMKIT" query -n 100000 --min 20 --format jsonl "$ODB" "$Q"
  "$TMKIT" query -n 100000 --min 0 --format jsonl "$ODB" "tỉnh Quảng Ninh"
  "$TMKIT" concord --format jsonl "$ODB" "Quảng Ninh"; } | sort >"$WORK/optq.after"
[ "$(grep -c . "$WORK/optq.after")" -gt 30 ] && cmp -s "$WORK/optq.before" "$WORK/optq.after" && ok || fail "optimize must not change an answer"
[ "$(stat -c %a "$ODB")" = 640 ] && ok || fail "optimize must keep the store's permissions"
[ -z "$(ls "$WORK" | grep optimize-)" ] && ok || fail "optimize left a temporary file"
# a missing store is not created; a damaged one is left as it is
run "$TMKIT" optimize "$WORK/none.tmdb"
expect_status 3
expect_no_file "$WORK/none.tmdb"
cp "$ODB" "$WORK/dmg.tmdb"
printf '\001' | dd of="$WORK/dmg.tmdb" bs=1 seek=9000 conv=notrunc status=none
sum=$(cksum <"$WORK/dmg.tmdb")
run "$TMKIT" optimize "$WORK/dmg.tmdb"
expect_status 2
expect_stderr 'dmg.tmdb: damaged store'
[ "$(cksum <"$WORK/dmg.tmdb")" = "$sum" ] && ok || fail "optimize must leave a damaged store untouched"
[ -z "$(ls "$WORK" | grep optimize-)" ] && ok || fail "a failed optimize left a temporary file"
# an empty file is not a store: refused, and kept
: >"$WORK/empty.tmdb"
run "$TMKIT" optimize "$WORK/empty.tmdb"
expect_status 2
expect_stderr 'empty.tmdb: not a tmkit store: the file is empty'
[ -f "$WORK/empty.tmdb" ] && [ ! -s "$WORK/empty.tmdb" ] && ok || fail "optimize must keep an empty file as it was"

finish
