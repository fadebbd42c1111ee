#!/usr/bin/env bash
# align.sh — alignment quality and speed, tmkit against its peers, in one run.
# Usage: bench/align.sh BUILDDIR SRCDIR (or `make bench-align`). Env: SCALE_MAX (default
# 1000000), the largest scale pair to run; HUNALIGN, the hunalign binary.
#   Quality: strict bead P/R/F1 (bench/score_align.py) with gold segmentation on
#            (a) corpora/; (b) document pairs built from NTREX-128 by bench/ntrex_pairs.py
#            (seed 42): "ntrex-pairs" with paragraphs, "ntrex-flat" without any paragraph break
#            (--flat); skipped without ../shared/data; (c) the same two kinds of pairs from
#            every line-parallel corpus bench/data/*/ with a pair.conf (lines LANGS=L1,L2,
#            FILES=F1,F2,IDS, PREFIX=name; skipped quietly when there is none).
#            A second table gives, per set and aligner, the recall per gold bead type and the
#            precision / recall of 1-0 and 0-1 beads (score_align.py --by-type).
#            Peers: NLTK's Gale-Church (python3-nltk) and hunalign without a dictionary (when
#            built by hand; see bench/peers/README.md).
#   Scale:   one flat document pair from bench/scale_pairs.py (NTREX documents concatenated
#            with different omissions, merges and boilerplate at each pass, so the true path
#            drifts off the diagonal) of 1k, 10k, 20k, 100k and 1M sentences per side (up to
#            SCALE_MAX): tmkit's time, peak RSS and strict F1; hunalign at 20k in the same run.
set -euo pipefail
build=$1 src=$2
. "$src/bench/lib.sh"
tmkit="$build/tmkit"
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ntrex="$src/../shared/data/ntrex-dev"
scale_max=${SCALE_MAX:-1000000}
have_nltk=0; $py -c 'import nltk.translate.gale_church' 2>/dev/null && have_nltk=1
hun=${HUNALIGN:-/tmp/peers/hunalign/src/hunalign/hunalign}
have_hun=0; [ -x "$hun" ] && have_hun=1
: >"$tmp/bytype.rows"

label() {
    case $1 in
    nltk) echo "NLTK Gale-Church" ;;
    hunalign) echo "hunalign (no dictionary)" ;;
    *) echo "$1" ;;
    esac
}

# bytype_row NAME LABEL SCOREFILE: one row of the by-type table from score_align.py --by-type
bytype_row() {
    awk -v name="$1" -v label="$2" '
        function val(k,    i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } return "" }
        $1 == "BYTYPE" { r[val("type")] = val("recall") }
        $1 == "UNALIGNED" { p[val("type")] = val("precision"); q[val("type")] = val("recall") }
        END { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, label,
                     r["1-1"], r["2-1"], r["1-2"], r["2-2"], q["1-0"], p["1-0"], q["0-1"], p["0-1"] }' "$3"
}

# run_set NAME DIR L1 L2: every aligner over DIR/<stem>.<L1>.sent and DIR/<stem>.<L2>.sent;
# prints the quality table rows and adds the by-type rows to $tmp/bytype.rows
run_set() {
    local name=$1 dir=$2 l1=$3 l2=$4
    for tool in tmkit nltk hunalign; do
        [ $tool = nltk ] && [ $have_nltk = 0 ] && { echo "| $name | NLTK Gale-Church | not installed (python3-nltk) | | | |"; continue; }
        [ $tool = hunalign ] && [ $have_hun = 0 ] && { echo "| $name | hunalign | not built here (bench/peers/README.md) | | | |"; continue; }
        local out="$tmp/$name.$tool"
        mkdir -p "$out"
        local t0 t1 f s
        t0=$(date +%s.%N)
        for f in "$dir"/*."$l1".sent; do
            s=$(basename "$f" ".$l1.sent")
            case $tool in
            tmkit) "$tmkit" align -s "$l1" -t "$l2" --presegmented -f beads "$f" "$dir/$s.$l2.sent" >"$out/$s.beads" ;;
            nltk) $py "$src/bench/peers/nltk_gale_church.py" "$f" "$dir/$s.$l2.sent" >"$out/$s.beads" ;;
            hunalign) HUNALIGN="$hun" bash "$src/bench/peers/hunalign.sh" "$f" "$dir/$s.$l2.sent" >"$out/$s.beads" ;;
            esac
        done
        t1=$(date +%s.%N)
        $py "$src/bench/score_align.py" --by-type "$dir" "$out" >"$out.score"
        local tot
        tot=$(tail -n 1 "$out.score")
        echo "| $name | $(label $tool) | $(echo "$tot" | sed -E 's/.*precision=([0-9.]+) recall=([0-9.]+) f1=([0-9.]+)/\1 | \2 | **\3**/') | $(awk -v a=$t0 -v b=$t1 'BEGIN{printf "%.2f", b-a}') |"
        bytype_row "$name" "$(label $tool)" "$out.score" >>"$tmp/bytype.rows"
    done
}

# conf_get KEY FILE: the value of a KEY=VALUE line of a pair.conf (quotes stripped; not sourced)
conf_get() { sed -nE "s/^[[:space:]]*$1=[\"']?([^\"']*)[\"']?[[:space:]]*$/\1/p" "$2" | tail -n 1; }

# pair sets: NAME<TAB>DIR<TAB>L1<TAB>L2<TAB>LOG, built before the table
: >"$tmp/sets"
if [ -d "$ntrex" ]; then
    $py "$src/bench/ntrex_pairs.py" "$ntrex" "$tmp/ntrex" --seed 42 >"$tmp/ntrex.log"
    $py "$src/bench/ntrex_pairs.py" "$ntrex" "$tmp/ntrex-flat" --seed 42 --flat >"$tmp/ntrex-flat.log"
    printf '%s\t%s\t%s\t%s\t%s\n' ntrex-pairs "$tmp/ntrex" vi fr "$tmp/ntrex.log" \
        ntrex-flat "$tmp/ntrex-flat" vi fr "$tmp/ntrex-flat.log" >>"$tmp/sets"
fi
for conf in "$src"/bench/data/*/pair.conf; do
    [ -f "$conf" ] || continue
    d=$(dirname "$conf")
    langs=$(conf_get LANGS "$conf"); files=$(conf_get FILES "$conf"); prefix=$(conf_get PREFIX "$conf")
    [ -n "$langs" ] && [ -n "$files" ] || { echo "bench: $conf lacks LANGS or FILES; skipped" >&2; continue; }
    [ -n "$prefix" ] || prefix=$(basename "$d")
    l1=${langs%%,*} l2=${langs#*,}
    for kind in pairs flat; do
        flag=; [ $kind = flat ] && flag=--flat
        if $py "$src/bench/ntrex_pairs.py" "$d" "$tmp/$prefix-$kind" --seed 42 --langs "$langs" \
                --files "$files" --prefix "$prefix" $flag >"$tmp/$prefix-$kind.log"; then
            printf '%s\t%s\t%s\t%s\t%s\n' "$prefix-$kind" "$tmp/$prefix-$kind" "$l1" "$l2" "$tmp/$prefix-$kind.log" >>"$tmp/sets"
        else
            echo "bench: building pairs from $d failed; skipped" >&2
        fi
    done
done

# scale_row N: the scale table rows for one pair of N sentences per side
scale_row() {
    local n=$1 gen drift secs kb f1 hsecs hkb hf1
    gen=$($py "$src/bench/scale_pairs.py" "$ntrex" "$n" "$tmp/big" --seed 42)
    drift=$(field drift "$gen")
    if /usr/bin/time -f '%e %M' -o "$tmp/time" "$tmkit" align -s vi -t fr --presegmented -f beads \
            "$tmp/big.vi" "$tmp/big.fr" >"$tmp/big.tmkit" 2>"$tmp/stderr"; then
        read -r secs kb <"$tmp/time"
        f1=$(field f1 "$($py "$src/bench/score_align.py" --pair "$tmp/big.gold" "$tmp/big.tmkit" | tail -n 1)")
        echo "| $n | $drift | tmkit | $secs | $(awk -v n=$n -v s=$secs 'BEGIN{printf "%.3f", 1000*s/n}') | $(awk -v k=$kb 'BEGIN{printf "%.0f", k/1024}') | $f1 | |"
    else
        secs=
        echo "| $n | $drift | tmkit | failed: $(tail -n 1 "$tmp/stderr" | tr '|' '/') | | | | |"
    fi
    if [ "$n" = 20000 ]; then
        if [ $have_hun = 0 ]; then
            echo "| $n | $drift | hunalign | not built here (bench/peers/README.md) | | | | |"
        elif /usr/bin/time -f '%e %M' -o "$tmp/time" env HUNALIGN="$hun" bash "$src/bench/peers/hunalign.sh" \
                "$tmp/big.vi" "$tmp/big.fr" >"$tmp/big.hun" 2>"$tmp/stderr"; then
            read -r hsecs hkb <"$tmp/time"
            hf1=$(field f1 "$($py "$src/bench/score_align.py" --pair "$tmp/big.gold" "$tmp/big.hun" | tail -n 1)")
            echo "| $n | $drift | hunalign (no dictionary) | $hsecs | $(awk -v n=$n -v s=$hsecs 'BEGIN{printf "%.3f", 1000*s/n}') | $(awk -v k=$hkb 'BEGIN{printf "%.0f", k/1024}') | $hf1 | $([ -n "$secs" ] && awk -v h=$hsecs -v t=$secs 'BEGIN{printf "**%.1f×**", h/t}') |"
        else
            echo "| $n | $drift | hunalign (no dictionary) | failed: $(tail -n 1 "$tmp/stderr" | tr '|' '/') | | | | |"
        fi
    fi
    rm -f "$tmp"/big.*
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
echo "*-pairs: document pairs with paragraphs (bench/ntrex_pairs.py, seed 42); *-flat: the same"
echo "documents without any paragraph break, 0-2 boilerplate lines anywhere (--flat)."
echo
echo "| data | aligner | P | R | F1 | seconds |"
echo "|---|---|---|---|---|---|"
run_set corpora "$src/corpora" vi fr
while IFS=$'\t' read -r name dir l1 l2 log; do
    run_set "$name" "$dir" "$l1" "$l2"
done <"$tmp/sets"
echo
while IFS=$'\t' read -r name dir l1 l2 log; do
    echo "- $name ($l1–$l2): $(grep -E '^pairs=' "$log" | head -n 1); $(grep -E '^omitted=' "$log"); $(grep -E '^beads=' "$log")."
done <"$tmp/sets"
echo
echo "### Quality by bead type"
echo
echo "Recall per gold bead type (a gold bead recalled when predicted identically; – where the set"
echo "has none), and for sentences without a counterpart the recall and precision of 1-0 / 0-1"
echo "beads, one bead per sentence (bench/score_align.py --by-type)."
echo
echo "| data | aligner | 1-1 R | 2-1 R | 1-2 R | 2-2 R | 1-0 R | 1-0 P | 0-1 R | 0-1 P |"
echo "|---|---|---|---|---|---|---|---|---|---|"
sed 's/| - /| – /g' "$tmp/bytype.rows"
echo
echo "### Scale: one flat document pair"
echo
echo "bench/scale_pairs.py (seed 42): NTREX documents built as in ntrex-flat, concatenated with"
echo "different omissions, merges and boilerplate at each pass; no paragraph break. Drift: the"
echo "largest distance of the gold path from the diagonal j = i·m/n, in sentences. Time and peak RSS"
echo "from /usr/bin/time; F1 strict, as above."
echo
echo "| sentences per side | drift | aligner | seconds | s per 1k sentences | peak RSS (MB) | F1 | hunalign time / tmkit time |"
echo "|---|---|---|---|---|---|---|---|"
if [ -d "$ntrex" ]; then
    for n in 1000 10000 20000 100000 1000000; do
        [ "$n" -le "$scale_max" ] || { echo "| $n | | skipped (SCALE_MAX=$scale_max) | | | | | |"; continue; }
        scale_row "$n"
    done
else
    echo "| skipped: ../shared/data not found | | | | | | | |"
fi
echo
echo "Targets (issue 20): strict F1 ≥ 0.97, 2-1/1-2 recall ≥ 0.90, 1-0/0-1 recall and precision ≥ 0.80"
echo "on pairs with and without paragraph breaks; 20k ≥ 15× faster than hunalign; 100k ≤ 5 s and"
echo "300 MB; 1M < 60 s and 2 GB."
} >"$out"
cat "$out"
write_section "$src/docs/benchmarks.md" align "$out"
echo "bench: results written to docs/benchmarks.md (section align)"
