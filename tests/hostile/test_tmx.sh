#!/usr/bin/env bash
# test_tmx.sh — hostile TMX given to `tmkit tmx validate`, `tmkit tmx convert`
# and `tmkit import`: entity expansion (billion laughs, quadratic blowup),
# external entities and DTDs (file:// and http://, never read or fetched),
# parameter entities, 10^6 attributes, 100000-deep nesting, truncated files,
# files that are not XML. Refused with exit 2 and one line naming the file;
# nothing of the secret files in any output; -o OUT not created; a store
# given bad TMX unchanged.
. "$(dirname "$0")/common.sh"
W="$WORK"
DB="$W/tm.tmdb"
SECRET="$W/secret.txt"
printf 'SECRET-SENTINEL-7731\n' >"$SECRET"

HEAD='<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="vi" datatype="plaintext"/><body>'
tu() { printf '<tu tuid="%s"><tuv xml:lang="vi"><seg>%s</seg></tuv><tuv xml:lang="fr"><seg>%s</seg></tuv></tu>\n' "$@"; }
TAIL='</body></tmx>'
tmx_with() { # DOCTYPE SEG: a one-unit TMX with that DOCTYPE and that vi segment
    printf '<?xml version="1.0" encoding="UTF-8"?>\n%s\n%s\n' "$1" "$HEAD"
    tu 1 "$2" "Bonjour."
    printf '%s\n' "$TAIL"
}

# a good file and a store holding it
{ printf '<?xml version="1.0" encoding="UTF-8"?>\n%s\n' "$HEAD"
  tu 1 'Hai bên thống nhất đẩy mạnh hợp tác.' 'Les deux parties renforcent leur coopération.'
  tu 2 'Kim ngạch thương mại tăng 29,2%.' 'Les échanges ont augmenté de 29,2 %.'
  tu 3 'Cảm ơn quý vị.' 'Merci à vous.'
  printf '%s\n' "$TAIL"; } >"$W/good.tmx"
run "$TMKIT" import "$DB" "$W/good.tmx"
expect_status 0
STORE_SUM=$(cksum <"$DB")
EXPORT0=$("$TMKIT" export "$DB" | grep -v '<header ')

# --- the hostile files ----------------------------------------------------------------
ents=
for i in 0 1 2 3 4 5 6 7 8 9; do
    if [ $i = 0 ]; then v=lol; else v=$(printf "&l$((i - 1));%.0s" 1 2 3 4 5 6 7 8 9 10); fi
    ents="$ents<!ENTITY l$i \"$v\">"
done
tmx_with "<!DOCTYPE tmx [$ents]>" '&l9;' >"$W/laughs.tmx"
a50k=$(head -c 50000 /dev/zero | tr '\0' A)
tmx_with "<!DOCTYPE tmx [<!ENTITY a \"$a50k\">]>" "$(printf '&a;%.0s' $(seq 1 50000))" >"$W/quadratic.tmx"
tmx_with '<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>' '&x;' >"$W/xxe-passwd.tmx"
tmx_with "<!DOCTYPE tmx [<!ENTITY x SYSTEM \"file://$SECRET\">]>" '&x;' >"$W/xxe-secret.tmx"
tmx_with "<!DOCTYPE tmx [<!ENTITY % p SYSTEM \"file://$SECRET\"> %p;]>" 'x' >"$W/xxe-param.tmx"
tmx_with '<!DOCTYPE tmx [<!ENTITY % q "x">]>' 'x' >"$W/param-decl.tmx"
printf '<!ENTITY x SYSTEM "file://%s">\n' "$SECRET" >"$W/evil.dtd"
tmx_with "<!DOCTYPE tmx SYSTEM \"file://$W/evil.dtd\">" '&x;' >"$W/xxe-extdtd.tmx"
tmx_with '' '&undeclared;' >"$W/undeclared.tmx"
tmx_with '' "a<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file://$SECRET\" parse=\"text\"/>b" >"$W/xinclude.tmx"
awk -v head="$HEAD" 'BEGIN { printf "<?xml version=\"1.0\"?>\n%s\n<tu", head
    for (i = 0; i < 1000000; i++) printf " a%d=\"1\"", i
    print "><tuv xml:lang=\"vi\"><seg>x</seg></tuv><tuv xml:lang=\"fr\"><seg>y</seg></tuv></tu></body></tmx>" }' >"$W/attrs.tmx"
deep_open=$(head -c 100000 /dev/zero | sed 's/\x0/<x>/g')
deep_close=$(head -c 100000 /dev/zero | sed 's/\x0/<\/x>/g')
tmx_with '' "$(head -c 100000 /dev/zero | sed 's/\x0/<bpt i="1">/g')$(head -c 100000 /dev/zero | sed 's/\x0/<\/bpt>/g')" >"$W/deep-seg.tmx"
printf '<?xml version="1.0"?>\n<tmx version="1.4">%s%s</tmx>\n' "$deep_open" "$deep_close" >"$W/deep-root.tmx"
printf 'this is not XML at all\n{"json": true}\n' >"$W/notxml.tmx"
head -c 3000 "$TMKIT" >"$W/binary.tmx"
: >"$W/empty.tmx"
printf '<?xml version="1.0"?>\n<html><body><p>hello</p></body></html>\n' >"$W/html.tmx"

# FILE STATUS REGEX: validate, convert (-o, tsv and tmx), import (new and existing store)
refused() {
    local f="$W/$1" want=$2 re=$3
    run timeout 60 "$TMKIT" tmx validate "$f"
    no_crash
    expect_status "$want"
    [ "$(printf '%s' "$err" | grep -c '')" -le 1 ] && ok || fail "validate: at most one line on stderr"
    printf '%s\n%s' "$out" "$err" | grep -Eq -- "$(re_quote "$1")(:[0-9]+)?: $re" && ok || fail "validate should say /$re/"
    for to in tsv tmx jsonl; do
        rm -f "$W/out"
        run timeout 60 "$TMKIT" tmx convert --to $to -o "$W/out" "$f"
        expect_error "$want" "$f"
        expect_stderr "$(re_quote "$1")(:[0-9]+)?: $re"
        expect_no_file "$W/out"
    done
    rm -f "$W/new.tmdb"
    run timeout 60 "$TMKIT" import "$W/new.tmdb" "$f"
    expect_error "$want" "$f"
    # a failed import into a missing store: no store, or an empty valid one (see docs/reliability.md)
    if [ -e "$W/new.tmdb" ]; then
        units=$("$TMKIT" stats "$W/new.tmdb" 2>/dev/null | sed -n 's/^units: //p')
        [ "$units" = 0 ] && ok || fail "a failed import left a store with '$units' units"
    else ok; fi
    run timeout 60 "$TMKIT" import "$DB" "$W/good.tmx" "$f"
    expect_error "$want" "$f"
    [ "$(cksum <"$DB")" = "$STORE_SUM" ] && ok || fail "a failed import changed the store"
}
ENT='the DOCTYPE declares entities; TMX files must not \(refused for safety\)'
refused laughs.tmx 2 "($ENT|not well-formed XML .*entity reference loop)"
refused quadratic.tmx 2 "$ENT"
refused xxe-passwd.tmx 2 "$ENT"
refused xxe-secret.tmx 2 "$ENT"
refused xxe-param.tmx 2 "$ENT"
refused param-decl.tmx 2 "$ENT"
refused xxe-extdtd.tmx 2 "not well-formed XML .*Entity 'x' not defined"
refused undeclared.tmx 2 "not well-formed XML .*Entity 'undeclared' not defined"
refused attrs.tmx 2 'not well-formed XML'
refused deep-seg.tmx 2 'not well-formed XML .*depth'
refused deep-root.tmx 2 'not well-formed XML .*depth'
refused notxml.tmx 2 'not well-formed XML'
refused binary.tmx 2 'not well-formed XML'
refused empty.tmx 2 'not well-formed XML'
refused html.tmx 2 'not a TMX file: root element is <html>'
# XInclude is not processed: <xi:include> is an unknown element in <seg>
refused xinclude.tmx 2 'unexpected <include> in <seg>'

# an error after many 256 KiB chunks: the reader's fast path has handed out thousands of units
# when it meets it and gives up, libxml2 reads the file again and reports it; from standard
# input (libxml2 alone) the message and its line are the same
{ printf '<?xml version="1.0" encoding="UTF-8"?>\n%s\n' "$HEAD"
  for i in $(seq 1 4000); do
      tu "$i" "Câu số $i: hợp tác thương mại biên giới giai đoạn 2024 - 2026 giữa hai tỉnh." \
         "Phrase n° $i : coopération en matière de commerce frontalier pour 2024-2026."
  done
  tu bad 'Kim ngạch &nbsp; tăng.' 'Hausse.'
  tu 4001 'Cảm ơn.' 'Merci.'
  printf '%s\n' "$TAIL"; } >"$W/late-error.tmx"
refused late-error.tmx 2 "not well-formed XML .*Entity 'nbsp' not defined"
run "$TMKIT" tmx convert --to tsv "$W/late-error.tmx"
from_file=$(printf '%s' "$err" | sed 's/^tmkit: [^:]*://')
run "$TMKIT" tmx convert --to tsv - <"$W/late-error.tmx"
from_stdin=$(printf '%s' "$err" | sed 's/^tmkit: [^:]*://')
[ -n "$from_file" ] && [ "$from_file" = "$from_stdin" ] && ok ||
    fail "a late error: '$from_file' from the file, '$from_stdin' from standard input"
printf '%s' "$from_file" | grep -q '^4003: ' && ok || fail "a late error is on line 4003, said '$from_file'"

# nothing of /etc/passwd or of the secret in any output, nor in the store
for f in xxe-passwd xxe-secret xxe-param xxe-extdtd xinclude; do
    for args in "tmx validate" "tmx convert --to tsv" "tmx convert --to tmx" "tmx convert --to jsonl"; do
        "$TMKIT" $args "$W/$f.tmx" >"$W/leak" 2>&1
        "$TMKIT" tmx convert --lenient --to tsv "$W/$f.tmx" >>"$W/leak" 2>&1
        if grep -Eq '^root:|SECRET-SENTINEL' "$W/leak"; then fail "$f.tmx: $args leaks a file's content"; else ok; fi
    done
done
"$TMKIT" import --lenient "$W/leak.tmdb" "$W"/xxe-*.tmx "$W/xinclude.tmx" >/dev/null 2>&1
"$TMKIT" export "$W/leak.tmdb" >"$W/leak" 2>&1
if grep -Eq '^root:|SECRET-SENTINEL' "$W/leak"; then fail "a store export leaks a file's content"; else ok; fi

# --- an external DTD by URL: never fetched, no network needed ------------------------------
tmx_with '<!DOCTYPE tmx SYSTEM "http://127.0.0.1:9/x.dtd">' 'Xin chào.' >"$W/dtd-url.tmx"
tmx_with '<!DOCTYPE tmx SYSTEM "file:///etc/passwd">' 'Xin chào.' >"$W/dtd-passwd.tmx"
for f in dtd-url dtd-passwd; do
    run timeout 20 "$TMKIT" tmx validate "$W/$f.tmx"
    expect_status 0          # the DTD is not needed: a DOCTYPE without entities is fine
    run timeout 20 "$TMKIT" tmx convert --to tsv "$W/$f.tmx"
    expect_status 0
    expect_stdout "$(printf 'Xin chào.\tBonjour.')"
    rm -f "$W/u.tmdb"
    run timeout 20 "$TMKIT" import "$W/u.tmdb" "$W/$f.tmx"
    expect_status 0
    run "$TMKIT" export "$W/u.tmdb"
    printf '%s' "$out" | grep -q '^root:' && fail "$f: passwd in the store" || ok
done
# with a listener on a local port: tmkit must not connect to it
if command -v python3 >/dev/null 2>&1; then
    python3 - "$W/port" "$W/connected" <<'PY' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5); s.settimeout(15)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
try:
    c, _ = s.accept(); open(sys.argv[2], "w").write("connected\n")
except socket.timeout:
    pass
PY
    lpid=$!
    for i in $(seq 50); do [ -s "$W/port" ] && break; sleep 0.1; done
    port=$(cat "$W/port")
    tmx_with "<!DOCTYPE tmx SYSTEM \"http://127.0.0.1:$port/x.dtd\">" 'Xin chào.' >"$W/dtd-listen.tmx"
    timeout 20 "$TMKIT" tmx validate "$W/dtd-listen.tmx" >/dev/null 2>&1
    timeout 20 "$TMKIT" tmx convert --to tmx "$W/dtd-listen.tmx" >/dev/null 2>&1
    timeout 20 "$TMKIT" import "$W/l.tmdb" "$W/dtd-listen.tmx" >/dev/null 2>&1
    kill $lpid 2>/dev/null; wait $lpid 2>/dev/null
    expect_no_file "$W/connected"
else
    echo "SKIP: DTD fetch listener: no python3"
fi

# --- a valid file cut at 16 places: never accepted, never half-imported ---------------------
end=$(grep -bo '</tmx>' "$W/good.tmx" | cut -d: -f1)
end=$((end + 5))                 # the last byte that makes the file complete
for k in $(seq 0 15); do
    cut_at=$((1 + k * (end - 2) / 15))
    head -c $cut_at "$W/good.tmx" >"$W/cut-$cut_at.tmx"
    refused "cut-$cut_at.tmx" 2 '(not well-formed XML|no <body> element)'
done
# to standard output the exit status and the error are the same
run "$TMKIT" tmx convert --to tsv "$W/cut-$((1 + 8 * (end - 2) / 15)).tmx"
no_crash
expect_status 2
expect_stderr_lines 1

# the store is as it was
run "$TMKIT" check "$DB"
expect_status 0
[ "$("$TMKIT" export "$DB" | grep -v '<header ')" = "$EXPORT0" ] && ok || fail "the store's export changed"
finish
