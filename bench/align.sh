#!/usr/bin/env bash
# align.sh — alignment quality and speed, tmkit against its peers, in one run.
# Usage: bench/align.sh BUILDDIR SRCDIR (or `make bench-align`).
#   Quality: strict bead P/R/F1 (bench/score_align.py) with gold segmentation on
#            (a) corpora/ and (b) document pairs built from NTREX-128 by
#            bench/ntrex_pairs.py (seed 42; skipped without ../shared/data);
#            peers: NLTK's Gale-Church (python3-nltk) and hunalign without a
#            dictionary (when built by hand; see bench/peers/README.md).
#   Scale:   one document pair of 1k, 10k and 100k sentences per side (NTREX
#            sentences repeated, a paragraph every 5), time and peak memory.
set -euo pipefail
build=$1 src=$2
. "$src/bench/lib.sh"
tmkit="$build/tmkit"
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ntrex="$src/../shared/data/ntrex-dev"
have_nltk=0; $py -c 'import nltk.translate.gale_church' 2>/dev/null && have_nltk=1
hun=${HUNALIGN:-/tmp/peers/hunalign/src/hunalign/hunalign}
have_hun=0; [ -x "$hun" ] && have_hun=1

# run_set NAME DIR: every aligner over DIR/<stem>.{vi,fr}.sent; prints table rows
run_set() {
    local name=$1 dir=$2
    for tool in tmkit nltk hunalign; do
        [ $tool = nltk ] && [ $have_nltk = 0 ] && { echo "| $name | NLTK Gale-Church | not installed (python3-nltk) | | |"; continue; }
        [ $tool = hunalign ] && [ $have_hun = 0 ] && { echo "| $name | hunalign | not built here (bench/peers/README.md) | | |"; continue; }
        local out="$tmp/$name.$tool"
        mkdir -p "$out"
        local t0 t1
        t0=$(date +%s.%N)
        for f in "$dir"/*.vi.sent; do
            s=$(basename "$f" .vi.sent)
            case $tool in
            tmkit) "$tmkit" align --presegmented -f beads "$f" "$dir/$s.fr.sent" >"$out/$s.beads" ;;
            nltk) $py "$src/bench/peers/nltk_gale_church.py" "$f" "$dir/$s.fr.sent" >"$out/$s.beads" ;;
            hunalign) HUNALIGN="$hun" bash "$src/bench/peers/hunalign.sh" "$f" "$dir/$s.fr.sent" >"$out/$s.beads" ;;
            esac
        done
        t1=$(date +%s.%N)
        local tot
        tot=$($py "$src/bench/score_align.py" "$dir" "$out" | tail -n 1)
        local label=$tool
        [ $tool = nltk ] && label="NLTK Gale-Church"
        [ $tool = hunalign ] && label="hunalign (no dictionary)"
        echo "| $name | $label | $(echo "$tot" | sed -E 's/.*precision=([0-9.]+) recall=([0-9.]+) f1=([0-9.]+)/\1 | \2 | **\3**/') | $(awk -v a=$t0 -v b=$t1 'BEGIN{printf "%.2f", b-a}') |"
    done
}

out="$tmp/section.md"
{
echo "## Sentence alignment"
echo
echo "Machine: $(machine_line). Command: \`make bench-align\` (bench/align.sh)."
echo
echo "### Quality: strict bead precision / recall / F1 (gold segmentation)"
echo
echo "A predicted bead counts only if identical to a gold bead; beads with an empty side are left"
echo "out (vecalign's score.py). Time is the wall time for the whole set, one process per pair."
echo
echo "| data | aligner | P | R | F1 | seconds |"
echo "|---|---|---|---|---|---|"
run_set corpora "$src/corpora"
if [ -d "$ntrex" ]; then
    $py "$src/bench/ntrex_pairs.py" "$ntrex" "$tmp/ntrex" --seed 42 >"$tmp/ntrex.log"
    run_set ntrex-pairs "$tmp/ntrex"
fi
echo
[ -d "$ntrex" ] && echo "NTREX pairs: $(grep -E '^pairs=' "$tmp/ntrex.log" | head -n 1); $(grep -E '^beads=' "$tmp/ntrex.log")."
echo
echo "### Scale: one document pair"
echo
echo "| sentences per side | seconds | sentences/s (both sides) | peak RSS (MB) | band half-width |"
echo "|---|---|---|---|---|"
if [ -d "$ntrex" ]; then
    for n in 1000 10000 100000; do
        $py - "$ntrex" "$n" "$tmp/big" <<'PY'
import sys
d, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
vi = [l.strip() for l in open(d + '/ntrex.vie.txt', encoding='utf-8')]
fr = [l.strip() for l in open(d + '/ntrex.fra.txt', encoding='utf-8')]
with open(out + '.vi', 'w', encoding='utf-8') as a, open(out + '.fr', 'w', encoding='utf-8') as b:
    for i in range(n):
        a.write(vi[i % len(vi)] + '\n'); b.write(fr[i % len(fr)] + '\n')
        if i % 5 == 4:
            a.write('\n'); b.write('\n')
PY
        /usr/bin/time -f '%e %M' -o "$tmp/time" "$tmkit" align -v --presegmented -f beads \
            "$tmp/big.vi" "$tmp/big.fr" >/dev/null 2>"$tmp/verbose"
        read -r secs kb <"$tmp/time"
        band=$(sed -nE 's/.*band ([0-9]+).*/\1/p' "$tmp/verbose")
        echo "| $n | $secs | $(awk -v n=$n -v s=$secs 'BEGIN{printf "%.0f", 2*n/s}') | $(awk -v k=$kb 'BEGIN{printf "%.0f", k/1024}') | $band |"
    done
else
    echo "| skipped: ../shared/data not found | | | | |"
fi
echo
echo "Targets (issue 4): F1 ≥ 0.97 on corpora/ and ≥ 0.95 on the NTREX pairs, above NLTK and hunalign;"
echo "100k × 100k in under 10 s and 500 MB."
} >"$out"
cat "$out"
write_section "$src/docs/benchmarks.md" align "$out"
echo "bench: results written to docs/benchmarks.md (section align)"
