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
#            tmkit twice: one process per pair ("tmkit", each pair learns its own lexicon) and
#            one `tmkit align --batch` over the whole set ("tmkit --batch": one lexicon learned
#            from the confident beads of all pairs, then every pair realigned with it).
#            A second table gives, per set and aligner, the recall per gold bead type and the
#            precision / recall of 1-0 and 0-1 beads (score_align.py --by-type).
#            Peers: NLTK's Gale-Church (python3-nltk) and hunalign without a dictionary (when
#            built by hand; see bench/peers/README.md).
#   Memory:  each generated set (b, c) split by document: the first half of the stems in sorted
#            order is aligned by `tmkit align --batch --store` into a translation memory (what a
#            user who aligned earlier documents has), the second half is aligned alone, in one
#            batch, and with --lexicon-from that memory; F1, 1-0/0-1 recall and F1 by document
#            size, on the second half only.
#   Reliability: precision of tmkit's two-sided beads per score band (score_align.py
#            --calibration), per set and on the 100k scale pair.
#   Scale:   one flat document pair from bench/scale_pairs.py (NTREX documents concatenated
#            with different omissions, merges and boilerplate at each pass, so the true path
#            drifts off the diagonal) of 1k, 10k, 20k, 100k and 1M sentences per side (up to
#            SCALE_MAX): tmkit's time, peak RSS and strict F1; hunalign at 20k in the same run.
# Every table's rows are collected in $tmp/*.rows while the runs go, and the section is put
# together at the end.
set -euo pipefail
build=$1 src=$2
. "$src/bench/lib.sh"
tmkit="$build/tmkit"
py=/usr/bin/python3
score="$src/bench/score_align.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ntrex="$src/../shared/data/ntrex-dev"
scale_max=${SCALE_MAX:-1000000}
have_nltk=0; $py -c 'import nltk.translate.gale_church' 2>/dev/null && have_nltk=1
hun=${HUNALIGN:-/tmp/peers/hunalign/src/hunalign/hunalign}
have_hun=0; [ -x "$hun" ] && have_hun=1
for t in quality bytype memory calib scale; do : >"$tmp/$t.rows"; done
: >"$tmp/memory.notes"; : >"$tmp/notes"
t_start=$(date +%s)

label() {
    case $1 in
    batch) echo "tmkit --batch" ;;
    nltk) echo "NLTK Gale-Church" ;;
    hunalign) echo "hunalign (no dictionary)" ;;
    *) echo "$1" ;;
    esac
}

now() { date +%s.%N; }
# since T0: seconds elapsed since T0 (from now), two decimals
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }

# ---- running the aligners ------------------------------------------------------------------

# align_pairs TOOL DIR L1 L2 OUTDIR [TMKIT_ARGS...]: one process per pair DIR/<stem>.<L1>.sent,
# DIR/<stem>.<L2>.sent -> OUTDIR/<stem>.beads (TOOL: tmkit, nltk or hunalign)
align_pairs() {
    local tool=$1 dir=$2 l1=$3 l2=$4 out=$5 f s
    shift 5
    mkdir -p "$out"
    for f in "$dir"/*."$l1".sent; do
        s=$(basename "$f" ".$l1.sent")
        case $tool in
        tmkit) "$tmkit" align -s "$l1" -t "$l2" --presegmented -f beads "$@" "$f" "$dir/$s.$l2.sent" >"$out/$s.beads" ;;
        nltk) $py "$src/bench/peers/nltk_gale_church.py" "$f" "$dir/$s.$l2.sent" >"$out/$s.beads" ;;
        hunalign) HUNALIGN="$hun" bash "$src/bench/peers/hunalign.sh" "$f" "$dir/$s.$l2.sent" >"$out/$s.beads" ;;
        esac
    done
}

# align_batch DIR L1 L2 OUTDIR [TMKIT_ARGS...]: one `tmkit align --batch` over every pair of DIR
# (a manifest, so that the .sent files are read as they are); it writes OUTDIR/<stem>.beads and
# OUTDIR/summary.tsv, its stderr goes to OUTDIR.stderr. A failed pair does not stop the bench: it
# is noted under the tables (its missing prediction counts as no beads).
align_batch() {
    local dir=$1 l1=$2 l2=$3 out=$4 f rc=0
    shift 4
    for f in "$dir"/*."$l1".sent; do
        printf '%s\t%s\n' "$f" "${f%."$l1".sent}.$l2.sent"
    done >"$out.manifest"
    "$tmkit" align --batch "$out.manifest" -o "$out" --presegmented -f beads -s "$l1" -t "$l2" "$@" \
        2>"$out.stderr" || rc=$?
    [ $rc = 0 ] || echo "- tmkit --batch on $dir exited with status $rc: $(tail -n 1 "$out.stderr" | tr '|' '/')" >>"$tmp/notes"
}

# ---- table rows ----------------------------------------------------------------------------

# quality_row NAME LABEL SCOREFILE SECONDS: one row of the quality table from a TOTAL line
quality_row() {
    echo "| $1 | $2 | $(tail -n 1 "$3" | sed -E 's/.*precision=([0-9.]+) recall=([0-9.]+) f1=([0-9.]+)/\1 | \2 | **\3**/') | $4 |"
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

# calib_row NAME LABEL SCOREFILE: one row of the reliability table from score_align.py
# --calibration: two-sided beads, then "precision (share)" per band and for scores >= 0.9
calib_row() {
    awk -v name="$1" -v label="$2" '
        function val(k,    i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } return "" }
        function cell(p, s) { return p == "-" ? "– (0%)" : sprintf("%s (%.1f%%)", p, 100 * s) }
        $1 == "CALIB" { n++; c[n] = cell(val("precision"), val("share")); tot += val("beads") }
        $1 == "CALIB_MIN" { m = val("precision"); m = (m == "-" ? "–" : (m >= 0.97 ? "**" m "**" : m)) " (" sprintf("%.1f%%", 100 * val("share")) ")" }
        END { printf "| %s | %s | %d |", name, label, tot
              for (i = 1; i <= n; i++) printf " %s |", c[i]
              printf " %s |\n", m }' "$3"
}

# ---- one quality set -----------------------------------------------------------------------

# run_set NAME DIR L1 L2: every aligner over DIR/<stem>.<L1>.sent and DIR/<stem>.<L2>.sent; adds
# rows to the quality, by-type and (tmkit's two runs) reliability tables
run_set() {
    local name=$1 dir=$2 l1=$3 l2=$4 tool out t0 secs
    for tool in tmkit batch nltk hunalign; do
        [ $tool = nltk ] && [ $have_nltk = 0 ] && { echo "| $name | NLTK Gale-Church | not installed (python3-nltk) | | | |" >>"$tmp/quality.rows"; continue; }
        [ $tool = hunalign ] && [ $have_hun = 0 ] && { echo "| $name | hunalign | not built here (bench/peers/README.md) | | | |" >>"$tmp/quality.rows"; continue; }
        out="$tmp/$name.$tool"
        t0=$(now)
        if [ $tool = batch ]; then align_batch "$dir" "$l1" "$l2" "$out"
        else align_pairs $tool "$dir" "$l1" "$l2" "$out"; fi
        secs=$(since "$t0")
        $py "$score" --by-type --calibration "$dir" "$out" >"$out.score"
        quality_row "$name" "$(label $tool)" "$out.score" "$secs" >>"$tmp/quality.rows"
        bytype_row "$name" "$(label $tool)" "$out.score" >>"$tmp/bytype.rows"
        case $tool in tmkit|batch) calib_row "$name" "$(label $tool)" "$out.score" >>"$tmp/calib.rows" ;; esac
    done
}

# ---- learning across the job ---------------------------------------------------------------

# link_pairs DIR L1 L2 DEST STEM...: DEST/ with links to the .sent and .gold files of STEMs
link_pairs() {
    local dir=$1 l1=$2 l2=$3 dest=$4 s
    shift 4
    mkdir -p "$dest"
    for s in "$@"; do
        ln -s "$dir/$s.$l1.sent" "$dir/$s.$l2.sent" "$dir/$s.gold" "$dest/"
    done
}

# memory_set NAME DIR L1 L2: split DIR's pairs by document (sorted stems: first half memory,
# second half test), build a store from the memory half with `tmkit align --batch --store`
# (its beads, not the gold: what a real memory holds), then align the test half alone, in one
# batch and with --lexicon-from the store; adds three rows to the memory table
memory_set() {
    local name=$1 dir=$2 l1=$3 l2=$4 stems half way out f s n bucket units
    local base="$tmp/mem.$name" store="$tmp/mem.$name.tmdb"
    mapfile -t stems < <(for f in "$dir"/*."$l1".sent; do basename "$f" ".$l1.sent"; done | LC_ALL=C sort)
    half=$(( ${#stems[@]} / 2 ))
    link_pairs "$dir" "$l1" "$l2" "$base.memory" "${stems[@]:0:half}"
    link_pairs "$dir" "$l1" "$l2" "$base.test" "${stems[@]:half}"
    align_batch "$base.memory" "$l1" "$l2" "$base.memory.out" --store "$store"
    units=$(sed -nE 's/.* ([0-9]+) units added.*/\1/p' "$base.memory.out.stderr" | tail -n 1)
    # size buckets of the test pairs by source sentences: b0 < 15, b1 15-29, b2 >= 30
    for s in "${stems[@]:half}"; do
        n=$(grep -c '[^[:space:]]' "$dir/$s.$l1.sent" || true)
        if [ "$n" -lt 15 ]; then bucket=b0; elif [ "$n" -lt 30 ]; then bucket=b1; else bucket=b2; fi
        mkdir -p "$base.$bucket"
        ln -s "$dir/$s.gold" "$base.$bucket/"
    done
    echo "- $name: memory $half pairs (${stems[0]} … ${stems[half-1]}), ${units:-?} units added to the store; test $(( ${#stems[@]} - half )) pairs (${stems[half]} … ${stems[-1]})." >>"$tmp/memory.notes"
    for way in alone batch memory; do
        out="$base.$way"
        case $way in
        alone) align_pairs tmkit "$base.test" "$l1" "$l2" "$out" ;;
        batch) align_batch "$base.test" "$l1" "$l2" "$out" ;;
        memory) align_pairs tmkit "$base.test" "$l1" "$l2" "$out" --lexicon-from "$store" ;;
        esac
        $py "$score" --by-type "$base.test" "$out" >"$out.score"
        local cells=""
        for bucket in b0 b1 b2; do
            if [ -d "$base.$bucket" ]; then
                cells="$cells | $(field f1 "$($py "$score" "$base.$bucket" "$out" | tail -n 1)") ($(ls "$base.$bucket" | wc -l))"
            else
                cells="$cells | – (0)"
            fi
        done
        awk -v name="$name" -v way="$way" -v cells="$cells" '
            function val(k,    i, kv) { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) return kv[2] } return "" }
            $1 == "UNALIGNED" { q[val("type")] = val("recall") }
            $1 == "TOTAL" { f1 = val("f1") }
            END { lab["alone"] = "tmkit, one pair alone"; lab["batch"] = "tmkit --batch (job lexicon)"
                  lab["memory"] = "tmkit --lexicon-from memory"
                  printf "| %s | %s | **%s** | %s | %s%s |\n", name, lab[way], f1, q["1-0"], q["0-1"], cells }' \
            "$out.score" >>"$tmp/memory.rows"
    done
}

# ---- pair sets -----------------------------------------------------------------------------

# conf_get KEY FILE: the value of a KEY=VALUE line of a pair.conf (quotes stripped; not sourced)
conf_get() { sed -nE "s/^[[:space:]]*$1=[\"']?([^\"']*)[\"']?[[:space:]]*$/\1/p" "$2" | tail -n 1; }

# pair sets: NAME<TAB>DIR<TAB>L1<TAB>L2<TAB>LOG, built before the tables
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

# ---- scale ---------------------------------------------------------------------------------

# scale_row N: the scale table rows for one pair of N sentences per side (and, at 100k, the
# reliability row of that pair)
scale_row() {
    local n=$1 gen drift secs kb f1 hsecs hkb hf1
    gen=$($py "$src/bench/scale_pairs.py" "$ntrex" "$n" "$tmp/big" --seed 42)
    drift=$(field drift "$gen")
    if /usr/bin/time -f '%e %M' -o "$tmp/time" "$tmkit" align -s vi -t fr --presegmented -f beads \
            "$tmp/big.vi" "$tmp/big.fr" >"$tmp/big.tmkit" 2>"$tmp/stderr"; then
        read -r secs kb <"$tmp/time"
        $py "$score" --calibration --pair "$tmp/big.gold" "$tmp/big.tmkit" >"$tmp/big.score"
        f1=$(field f1 "$(tail -n 1 "$tmp/big.score")")
        [ "$n" = 100000 ] && calib_row "scale 100k (one flat pair)" tmkit "$tmp/big.score" >>"$tmp/calib.rows"
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
            hf1=$(field f1 "$($py "$score" --pair "$tmp/big.gold" "$tmp/big.hun" | tail -n 1)")
            echo "| $n | $drift | hunalign (no dictionary) | $hsecs | $(awk -v n=$n -v s=$hsecs 'BEGIN{printf "%.3f", 1000*s/n}') | $(awk -v k=$hkb 'BEGIN{printf "%.0f", k/1024}') | $hf1 | $([ -n "$secs" ] && awk -v h=$hsecs -v t=$secs 'BEGIN{printf "**%.1f×**", h/t}') |"
        else
            echo "| $n | $drift | hunalign (no dictionary) | failed: $(tail -n 1 "$tmp/stderr" | tr '|' '/') | | | | |"
        fi
    fi
    rm -f "$tmp"/big.*
}

# ---- the runs ------------------------------------------------------------------------------

run_set corpora "$src/corpora" vi fr
while IFS=$'\t' read -r name dir l1 l2 log; do
    run_set "$name" "$dir" "$l1" "$l2"
done <"$tmp/sets"
while IFS=$'\t' read -r name dir l1 l2 log; do
    memory_set "$name" "$dir" "$l1" "$l2"
done <"$tmp/sets"
if [ -d "$ntrex" ]; then
    for n in 1000 10000 20000 100000 1000000; do
        [ "$n" -le "$scale_max" ] || { echo "| $n | | skipped (SCALE_MAX=$scale_max) | | | | | |"; continue; }
        scale_row "$n"
    done >>"$tmp/scale.rows"
else
    echo "| skipped: ../shared/data not found | | | | | | | |" >>"$tmp/scale.rows"
fi
grep -q 'scale 100k' "$tmp/calib.rows" || echo "| scale 100k | tmkit | not run (SCALE_MAX=$scale_max or no ../shared/data) | | | | | | | |" >>"$tmp/calib.rows"

# ---- the section ---------------------------------------------------------------------------

out="$tmp/section.md"
{
echo "## Sentence alignment"
echo
echo "Machine: $(machine_line). Command: \`make bench-align\` (bench/align.sh). Whole run:"
echo "$(( $(date +%s) - t_start )) s wall time."
echo
echo "### Quality: strict bead precision / recall / F1 (gold segmentation)"
echo
echo "A predicted bead counts only if identical to a gold bead; beads with an empty side are left"
echo "out (vecalign's score.py). Time is the wall time for the whole set: one process per pair,"
echo "except tmkit --batch, one \`tmkit align --batch\` over the set's pairs ($(nproc) jobs, the default),"
echo "which learns one lexicon from the confident beads of all pairs and realigns every pair with it."
echo "*-pairs: document pairs with paragraphs (bench/ntrex_pairs.py, seed 42); *-flat: the same"
echo "documents without any paragraph break, 0-2 boilerplate lines anywhere (--flat)."
echo
echo "| data | aligner | P | R | F1 | seconds |"
echo "|---|---|---|---|---|---|"
cat "$tmp/quality.rows"
echo
while IFS=$'\t' read -r name dir l1 l2 log; do
    echo "- $name ($l1–$l2): $(grep -E '^pairs=' "$log" | head -n 1); $(grep -E '^omitted=' "$log"); $(grep -E '^beads=' "$log")."
done <"$tmp/sets"
cat "$tmp/notes"
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
echo "### Learning across the job: one pair alone, in a batch, with a memory"
echo
echo "Each generated set split by document: the first half of the stems in sorted order is the"
echo "memory half, aligned by \`tmkit align --batch --store\` into a fresh store (tmkit's own beads,"
echo "not the gold: what a memory built from earlier jobs holds); the second half is the test half,"
echo "aligned one pair at a time with nothing but itself, in one \`--batch\` over the test half (the"
echo "job lexicon), and one pair at a time with \`--lexicon-from\` the memory. Strict F1 and 1-0 / 0-1"
echo "recall on the test half only; F1 by document size (source sentences of the .sent file,"
echo "boilerplate included), with the number of test pairs in the bucket in parentheses."
echo
echo "| data (test half) | aligner | F1 | 1-0 R | 0-1 R | F1, < 15 sentences | F1, 15-29 | F1, ≥ 30 |"
echo "|---|---|---|---|---|---|---|---|"
if [ -s "$tmp/memory.rows" ]; then cat "$tmp/memory.rows"
else echo "| skipped: no generated set (../shared/data, bench/data/*/pair.conf) | | | | | | | |"; fi
echo
cat "$tmp/memory.notes"
echo
echo "### Reliability of tmkit's scores"
echo
echo "The score column of \`-f beads\` is meant as a calibrated posterior. Per set: the predicted"
echo "beads with both sides non-empty, then per score band the strict precision of its beads and"
echo "(in parentheses) their share of all two-sided beads; last, the same for every bead scored"
echo "≥ 0.9 (target: precision ≥ 0.97, in bold when met). bench/score_align.py --calibration."
echo
echo "| data | aligner | two-sided beads | [0.99,1] | [0.95,0.99) | [0.9,0.95) | [0.7,0.9) | [0.5,0.7) | [0,0.5) | ≥ 0.9 |"
echo "|---|---|---|---|---|---|---|---|---|---|"
cat "$tmp/calib.rows"
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
cat "$tmp/scale.rows"
echo
echo "Targets (issue 20): strict F1 ≥ 0.97, 2-1/1-2 recall ≥ 0.90, 1-0/0-1 recall and precision ≥ 0.80"
echo "on pairs with and without paragraph breaks; 20k ≥ 15× faster than hunalign; 100k ≤ 5 s and"
echo "300 MB; 1M < 60 s and 2 GB; time per sentence flat from 1k to 1M; beads scored ≥ 0.9 at"
echo "least 0.97 precise."
} >"$out"
cat "$out"
write_section "$src/docs/benchmarks.md" align "$out"
echo "bench: results written to docs/benchmarks.md (section align)"
