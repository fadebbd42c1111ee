#!/usr/bin/env bash
# test_tmx.sh — end-to-end tests of `tmkit tmx validate` and `tmkit tmx convert`.
. "$(dirname "$0")/lib.sh"
FIX="$top_srcdir/tests/fixtures/tmx"
DTD="$top_srcdir/../shared/spec/tmx14.dtd"

run "$TMKIT" tmx --help
expect_status 0
expect_stdout_match 'tmkit tmx validate'

run "$TMKIT" tmx
expect_status 1
run "$TMKIT" tmx frob
expect_status 1
expect_stderr "unknown subcommand 'frob'"

# --- validate -------------------------------------------------------------
run "$TMKIT" tmx validate "$FIX/omegat.tmx" "$FIX/okapi.tmx" "$FIX/memoq.tmx" "$FIX/trados-utf16.tmx"
expect_status 0
expect_stdout_match 'trados-utf16.tmx: valid TMX'

run "$TMKIT" tmx validate "$FIX/invalid.tmx"
expect_status 2
expect_stdout_match "invalid.tmx:3: <header> without the required attribute 'adminlang'"
expect_stdout_match 'invalid.tmx:3: <header segtype="word">: not block, paragraph, sentence or phrase'
expect_stdout_match 'invalid.tmx:3: <header creationdate="2024-03-01">: not a TMX date'
expect_stdout_match 'invalid.tmx:5: <tu usagecount="many">: not a number'
expect_stdout_match "invalid.tmx:7: a second <tuv> for language 'VI' in one <tu>"
expect_stdout_match 'invalid.tmx:8: <bpt i="1"> without a matching <ept>'
expect_stdout_match "invalid.tmx:10: <tu> has no <tuv> in its source language 'vi'"
expect_stdout_match 'invalid.tmx:12: <prop> after <tuv> in <tu>: it must come first'
expect_stdout_match 'invalid.tmx:14: <tu changedate="20240230T000000Z">: not a TMX date'
expect_stdout_match 'invalid.tmx:15: <tuv> without xml:lang'
expect_stdout_match 'invalid.tmx:15: <tuv> needs exactly one <seg>, has 2'
expect_stdout_match 'invalid.tmx:16: <ept i="9"> without a <bpt i="9"> before it'
expect_stdout_match 'invalid.tmx: 12 problems'

printf '<tmx version="1.4"><header/><body><tu>' >"$WORK/trunc.tmx"
run "$TMKIT" tmx validate "$WORK/trunc.tmx"
expect_status 2
expect_stderr "^tmkit: $WORK/trunc.tmx:1: not well-formed XML at column"
expect_stderr_lines 1

# cut after </body>, or ending in "</tm": the whole file is read, so both are errors
small='<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="vi" datatype="plaintext"/>
<body>
<tu><tuv xml:lang="vi"><seg>Xin chào</seg></tuv><tuv xml:lang="fr"><seg>Bonjour</seg></tuv></tu>
</body>'
printf '%s\n' "$small" >"$WORK/cut.tmx"
printf '%s\n</tm' "$small" >"$WORK/cut2.tmx"
printf '%s\n</tmx>\n' "$small" >"$WORK/whole.tmx"
for f in cut cut2; do
    run "$TMKIT" tmx validate "$WORK/$f.tmx"
    expect_status 2
    expect_stderr "$f.tmx:[0-9]+: not well-formed XML"
done
run "$TMKIT" tmx validate "$WORK/whole.tmx"
expect_status 0
# an element after <body> is a problem of the document
sed 's|</body>|</body><body/>|' "$FIX/omegat.tmx" >"$WORK/after.tmx"
run "$TMKIT" tmx validate "$WORK/after.tmx"
expect_status 2
expect_stdout_match 'unexpected <body> after <body>'

# a header without srclang: convert --to tmx says *all* (not a made-up vi) unless -s is given
sed 's/ srclang="[^"]*"//' "$FIX/memoq.tmx" >"$WORK/nosrc.tmx"
run "$TMKIT" tmx convert --to tmx -o "$WORK/nosrc.out.tmx" "$WORK/nosrc.tmx"
grep -q 'srclang="\*all\*"' "$WORK/nosrc.out.tmx" && ok || fail "convert --to tmx must say srclang *all* when the input has none"

# a directory is an I/O error for validate as for convert
run "$TMKIT" tmx validate "$WORK"
expect_status 3
expect_stderr 'read error: Is a directory'

run "$TMKIT" tmx validate "$WORK/missing.tmx"
expect_status 3
expect_stderr 'cannot open'

# --- convert ------------------------------------------------------------------
run "$TMKIT" tmx convert --to tsv "$FIX/memoq.tmx"
expect_status 0
expect_stdout "$(printf 'Quảng Tây là đối tác quan trọng của Việt Nam.\tLe Guangxi est un partenaire important du Vietnam.\nThuỷ sản và khoẻ mạnh.\tProduits aquatiques et bonne santé.')"

run "$TMKIT" tmx convert -s fr -t en --to tsv "$FIX/memoq.tmx"
expect_stdout "$(printf 'Produits aquatiques et bonne santé.\tAquatic products and good health.')"

run "$TMKIT" tmx convert --to jsonl "$FIX/okapi.tmx"
expect_status 0
expect_stdout_match '^\{"tuid":"okapi-1","source":"Kim ngạch đạt 253,9 tỷ NDT năm 2023.","target":"Les échanges ont atteint 253,9 milliards de yuans en 2023.","srclang":"vi-vn","tgtlang":"fr-fr"\}$'

run "$TMKIT" tmx convert --to moses -o "$WORK/corpus" "$FIX/trados-utf16.tmx"
expect_status 0
expect_file_content "$WORK/corpus.vi" 'Ngày 27/2, đoàn đại biểu đã hội đàm tại Nam Ninh.'
expect_file_content "$WORK/corpus.fr" 'Le 27 février, la délégation a tenu des entretiens à Nanning.'

run "$TMKIT" tmx convert --to moses "$FIX/trados-utf16.tmx"
expect_status 1
expect_stderr 'give -o OUT'

run "$TMKIT" tmx convert "$FIX/okapi.tmx"
expect_status 1
expect_stderr 'convert needs --to'

run "$TMKIT" tmx convert --to xliff "$FIX/okapi.tmx"
expect_status 1

# stdin
run bash -c "'$TMKIT' tmx convert --to tsv - < '$FIX/omegat.tmx'"
expect_status 0
expect_stdout_match '^Hai bên thống nhất'

# --to tmx: a TMX 1.1 file comes out as TMX 1.4b, valid by tmkit and by the DTD
for f in omegat okapi memoq trados-utf16; do
    run "$TMKIT" tmx convert --to tmx -o "$WORK/$f.out.tmx" "$FIX/$f.tmx"
    expect_status 0
    run "$TMKIT" tmx validate "$WORK/$f.out.tmx"
    expect_status 0
    if [ -f "$DTD" ] && command -v xmllint >/dev/null; then
        run xmllint --noout --nonet --dtdvalid "$DTD" "$WORK/$f.out.tmx"
        expect_status 0
    fi
done
[ -f "$DTD" ] || echo "SKIP: DTD check: $DTD not found"
command -v xmllint >/dev/null || echo "SKIP: DTD check: xmllint not installed"
run "$TMKIT" tmx convert --to tsv "$WORK/omegat.out.tmx"
expect_stdout_match '^Hai bên thống nhất đẩy mạnh hợp tác thương mại.	Les deux parties'

# the round trip keeps props, notes, attributes and inline codes
run "$TMKIT" tmx convert --to tmx "$WORK/okapi.out.tmx"
expect_stdout_match '<bpt i="1">&lt;b&gt;</bpt>253,9 tỷ NDT<ept i="1">&lt;/b&gt;</ept>'
expect_stdout_match '<prop type="Txt::FileName">bao-cao.html</prop>'
run "$TMKIT" tmx convert --to tmx "$WORK/memoq.out.tmx"
expect_stdout_match '<note>Checked against the printed edition.</note>'
expect_stdout_match '<tuv xml:lang="en-us">'
run "$TMKIT" tmx convert --to tmx "$WORK/trados-utf16.out.tmx"
expect_stdout_match 'usagecount="3"'
expect_stdout_match '<ph x="1" type="0"/>'

# broken input: nothing under the output name; --lenient skips and counts
printf '%s\n' '<tmx version="1.4"><header srclang="vi"/><body>' \
  '<tu><tuv xml:lang="vi"><seg>một</seg></tuv><tuv xml:lang="fr"><seg>un</seg></tuv></tu>' \
  '<tu><tuv><seg>no lang</seg></tuv></tu>' \
  '<tu><tuv xml:lang="vi"><seg>hai</seg></tuv><tuv xml:lang="fr"><seg>deux</seg></tuv></tu>' \
  '</body></tmx>' >"$WORK/broken.tmx"
run "$TMKIT" tmx convert --to tsv -o "$WORK/broken.tsv" "$WORK/broken.tmx"
expect_status 2
expect_stderr "^tmkit: $WORK/broken.tmx:3: <tuv> without xml:lang$"
expect_no_file "$WORK/broken.tsv"
run "$TMKIT" tmx convert --lenient --to tsv "$WORK/broken.tmx"
expect_status 0
expect_stdout "$(printf 'một\tun\nhai\tdeux')"
expect_stderr '1 broken <tu> skipped'

finish
