#!/usr/bin/env bash
# memory.sh — peak memory per input megabyte, so that a regression shows:
# import (ordinary units, and one unit whose segment is at the 1 MiB limit),
# segment (a 20 MB text, and one 20 MB paragraph), align (a 5 MB pair), and
# loading an SRX file at the rule limit. Peak RSS from GNU time (%M).
# Usage: bench/memory.sh BUILDDIR SRCDIR (or `make bench-memory`).
set -euo pipefail
build=$1 src=$2
. "$src/bench/lib.sh"
tmkit="$build/tmkit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gtime=/usr/bin/time
[ -x "$gtime" ] || { echo "memory.sh: GNU time is needed (Debian package time)" >&2; exit 1; }

# peak CMD...: "seconds peak_kb" of one run of CMD (stdout and stderr dropped);
# a run that fails stops the benchmark (its figure would measure an error)
peak() {
    "$gtime" -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" ||
        { echo "memory.sh: failed: $* ($(tail -n 1 "$tmp/err"))" >&2; exit 1; }
    tail -n 1 "$tmp/time"
}
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# inputs: the corpora repeated, as one text and as one paragraph
for i in $(seq 1 250); do cat "$src"/corpora/*.vi.txt; done >"$tmp/big.vi.txt"
tr '\n' ' ' <"$tmp/big.vi.txt" >"$tmp/para.vi.txt"
for i in $(seq 1 120); do cat "$src"/corpora/border-memorandum.vi.txt; done >"$tmp/pair.vi.txt"
for i in $(seq 1 120); do cat "$src"/corpora/border-memorandum.fr.txt; done >"$tmp/pair.fr.txt"
"$tmkit" align "$src"/corpora/border-memorandum.vi.txt "$src"/corpora/border-memorandum.fr.txt -o "$tmp/one.tmx"
awk 'BEGIN { print "<tmx version=\"1.4\"><header srclang=\"vi\"/><body>"
    for (i = 0; i < 200000; i++)
        printf "<tu><tuv xml:lang=\"vi\"><seg>Câu số %d về hợp tác thương mại giữa hai tỉnh biên giới.</seg></tuv><tuv xml:lang=\"fr\"><seg>Phrase numéro %d sur la coopération commerciale.</seg></tuv></tu>\n", i, i
    print "</body></tmx>" }' >"$tmp/units.tmx"
awk 'BEGIN { printf "<tmx version=\"1.4\"><header srclang=\"vi\"/><body><tu><tuv xml:lang=\"vi\"><seg>"
    for (i = 0; i < 90000; i++) printf "hợp tác "
    print "</seg></tuv><tuv xml:lang=\"fr\"><seg>x</seg></tuv></tu></body></tmx>" }' >"$tmp/bigseg.tmx"
awk 'BEGIN { print "<?xml version=\"1.0\"?><srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\"><header cascade=\"yes\"/><body><languagerules><languagerule languagerulename=\"x\">"
    for (i = 0; i < 10000; i++) printf "<rule break=\"no\"><beforebreak>\\bab%d\\.</beforebreak><afterbreak>\\s</afterbreak></rule>\n", i
    print "</languagerule></languagerules><maprules><languagemap languagepattern=\".*\" languagerulename=\"x\"/></maprules></body></srx>" }' >"$tmp/rules.srx"
echo "Một câu. Câu thứ hai." >"$tmp/tiny.txt"

row() { # LABEL INPUT_FILE CMD...
    local label=$1 input=$2; shift 2
    rm -f "$tmp/s.tmdb"
    local r; r=$(peak "$@") || exit 1
    read -r secs kb <<<"$r"
    local m; m=$(mb "$input")
    awk -v l="$label" -v m="$m" -v kb="$kb" -v s="$secs" \
        'BEGIN { printf "| %s | %s MB | %.0f MB | %.1f | %s s |\n", l, m, kb / 1024, kb / 1024 / m, s }'
}

out="$tmp/section.md"
{
    echo "## Peak memory per input MB (bench/memory.sh)"
    echo
    echo "$(machine_line); \`make bench-memory\`. Peak RSS of one run (GNU time)."
    echo
    echo "| job | input | peak RSS | per input MB | time |"
    echo "|---|---|---|---|---|"
    row "import, 200k short units" "$tmp/units.tmx" "$tmkit" import "$tmp/s.tmdb" "$tmp/units.tmx"
    row "import, one 1 MB segment (the limit)" "$tmp/bigseg.tmx" "$tmkit" import "$tmp/s.tmdb" "$tmp/bigseg.tmx"
    row "segment, 20 MB of paragraphs" "$tmp/big.vi.txt" "$tmkit" segment -l vi "$tmp/big.vi.txt"
    row "segment, one 20 MB paragraph" "$tmp/para.vi.txt" "$tmkit" segment -l vi "$tmp/para.vi.txt"
    row "align, a pair of 0.8 + 0.8 MB" "$tmp/pair.vi.txt" "$tmkit" align "$tmp/pair.vi.txt" "$tmp/pair.fr.txt"
    row "SRX load, 10,000 rules (the limit)" "$tmp/rules.srx" "$tmkit" segment -l vi --srx "$tmp/rules.srx" "$tmp/tiny.txt"
} >"$out"
cat "$out"
write_section "$src/docs/benchmarks.md" memory "$out"
