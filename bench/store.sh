#!/usr/bin/env bash
# store.sh — the translation-memory store at scale, beside translate-toolkit's
# tmdb, in one run. Usage: bench/store.sh BUILDDIR SRCDIR (or `make bench-store`).
# STORE_BENCH_UNITS sets the memory size (default 1000000), STORE_IMPORT_RUNS how many
# times it is imported (default 3; the median is reported). translate-toolkit
# is compared on a smaller memory of TT_UNITS units (default 20000) with
# TT_QUERIES queries per kind (default 5): it takes tens of seconds a query
# there, so the full size is out of its reach; tmkit runs on that memory too.
set -euo pipefail
build=$1 src=$2
. "$src/bench/lib.sh"
tmkit="$build/tmkit"
py=/usr/bin/python3
units=${STORE_BENCH_UNITS:-1000000}
ttq=${TT_QUERIES:-5}
ttu=${TT_UNITS:-20000}
ntrex="$src/../shared/data/ntrex-dev"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

$py "$src/bench/make_memory.py" "$src/corpora" $([ -d "$ntrex" ] && echo "$ntrex") "$units" \
    "$tmp/memory.tmx" "$tmp/queries.tsv" --seed 1
# The import runs STORE_IMPORT_RUNS times (default 3), each into a new store: this machine is
# shared and its speed drifts, so the median is reported, with every run and the best.
runs=${STORE_IMPORT_RUNS:-3}
: >"$tmp/runs"
for _ in $(seq "$runs"); do
    rm -f "$tmp/tm.tmdb"
    /usr/bin/time -f '%e %M %U %S' -o "$tmp/t" "$tmkit" import -q "$tmp/tm.tmdb" "$tmp/memory.tmx"
    cat "$tmp/t" >>"$tmp/runs"
done
read -r isecs ikb < <(sort -n "$tmp/runs" | awk -v m=$(((runs + 1) / 2)) 'NR == m { print $1, $2 }')
ibest=$(sort -n "$tmp/runs" | awk 'NR == 1 { print $1 }')
iall=$(awk '{ printf "%s%.1f s (CPU %.1f s)", (NR > 1 ? ", " : ""), $1, $3 + $4 }' "$tmp/runs")
tmx_bytes=$(stat -c %s "$tmp/memory.tmx")
gz_bytes=$(gzip -9 -c "$tmp/memory.tmx" | wc -c)
db_bytes=$(stat -c %s "$tmp/tm.tmdb")
exact=$("$build/bench/store_bench" "$tmp/tm.tmdb" "$tmp/queries.tsv" 100 5 | grep kind=exact)
fuzzy=$("$build/bench/store_bench" "$tmp/tm.tmdb" "$tmp/queries.tsv" 70 5 "$tmp/tmkit.top1" | grep kind=fuzzy)

tt="translate-toolkit not installed (Debian package translate-toolkit): not compared"
tt_out=
if $py -c 'import translate.storage.tmdb' 2>/dev/null; then
    $py "$src/bench/make_memory.py" "$src/corpora" $([ -d "$ntrex" ] && echo "$ntrex") "$ttu" \
        "$tmp/small.tmx" "$tmp/small.tsv" --seed 1
    /usr/bin/time -f '%e' -o "$tmp/ts" "$tmkit" import -q "$tmp/small.tmdb" "$tmp/small.tmx"
    s_isecs=$(cat "$tmp/ts")
    s_exact=$("$build/bench/store_bench" "$tmp/small.tmdb" "$tmp/small.tsv" 100 5 | grep kind=exact)
    s_fuzzy=$("$build/bench/store_bench" "$tmp/small.tmdb" "$tmp/small.tsv" 70 5 "$tmp/tmkit.top1" | grep kind=fuzzy)
    tt_out=$($py "$src/bench/peers/tt_tmdb.py" "$tmp/tt.db" "$tmp/small.tmx" "$tmp/small.tsv" "$ttq" "$tmp/tt.top1")
fi

out="$tmp/section.md"
{
echo "## Translation-memory store"
echo
echo "Machine: $(machine_line). Command: \`STORE_IMPORT_RUNS=$runs STORE_BENCH_UNITS=$units TT_UNITS=$ttu TT_QUERIES=$ttq make bench-store\`"
echo "(bench/store.sh). Memory: $units units"
echo "built by bench/make_memory.py (seed 1) from the corpus and NTREX sentence pairs with random"
echo "perturbations (many near-duplicates, as in real memories); 1000 exact queries (a stored source)"
echo "and 1000 fuzzy ones (a perturbed source). Latencies in-process (bench/store_bench)."
echo
echo "| measure | tmkit | target |"
echo "|---|---|---|"
echo "| import, median of $runs runs | $(awk -v u=$units -v s=$isecs 'BEGIN{printf "%.0f units/s (%.1f s)", u/s, s}'), peak $(( ikb / 1024 )) MB; best $(awk -v u=$units -v s=$ibest 'BEGIN{printf "%.0f units/s", u/s}'); runs: $iall | ≥ 100 000 units/s |"
echo "| exact query (\`--min 100\`, top 5) p50 / p99 | $(field p50_us "$exact") / $(field p99_us "$exact") µs | p50 ≤ 50 µs |"
echo "| fuzzy query (\`--min 70\`, top 5) p50 / p99 | $(field p50_us "$fuzzy") / $(field p99_us "$fuzzy") µs | p50 ≤ 5 ms, p99 ≤ 50 ms |"
echo "| query memory | $(field anon_mb "$fuzzy") MB anonymous (heap); peak RSS $(field peak_rss_mb "$fuzzy") MB counts the mmap'd file pages the queries touched (kernel page cache, reclaimable) | bounded |"
echo "| file size | $(( db_bytes / 1000000 )) MB; TMX $(( tmx_bytes / 1000000 )) MB, gzip -9 $(( gz_bytes / 1000000 )) MB | ≤ gzip -9 of the TMX |"
echo
if [ -n "$tt_out" ]; then
    ttb=$(echo "$tt_out" | sed -n 's/^build_s=//p')
    tte=$(echo "$tt_out" | grep kind=exact); ttf=$(echo "$tt_out" | grep kind=fuzzy)
    agree=$(awk -F'\t' 'NR==FNR { t[$1] = $3; next } ($1 in t) { n++; if (t[$1] == $3) a++ } END { printf "%.1f%% of %d", 100 * a / n, n }' "$tmp/tt.top1" "$tmp/tmkit.top1")
    agree_src=$(awk -F'\t' 'NR==FNR { t[$1] = $4; next } ($1 in t) { n++; if (t[$1] == $4) a++ } END { printf "%.1f%% of %d", 100 * a / n, n }' "$tmp/tt.top1" "$tmp/tmkit.top1")
    echo "translate-toolkit \`tmdb\` (SQLite full-text filter, then Levenshtein; min 70, 5 candidates) and"
    echo "tmkit on one memory of $ttu units built the same way; translate-toolkit gets the first $ttq queries"
    echo "of each kind:"
    echo
    echo "| measure | translate-toolkit | tmkit | translate-toolkit / tmkit |"
    echo "|---|---|---|---|"
    echo "| build | $ttb s | $s_isecs s | $(awk -v a=$ttb -v b=$s_isecs 'BEGIN{printf "%.1f×", a/b}') |"
    echo "| exact query p50 | $(field p50_us "$tte") µs | $(field p50_us "$s_exact") µs | $(awk -v a=$(field p50_us "$tte") -v b=$(field p50_us "$s_exact") 'BEGIN{printf "%.3g×", a/b}') |"
    echo "| fuzzy query p50 | $(field p50_us "$ttf") µs | $(field p50_us "$s_fuzzy") µs | $(awk -v a=$(field p50_us "$ttf") -v b=$(field p50_us "$s_fuzzy") 'BEGIN{printf "%.3g×", a/b}') |"
    echo "| same best source sentence as tmkit | $agree_src queries | | |"
    echo "| same best target as tmkit | $agree queries | | |"
    echo
    echo "Scores differ by design (tmkit: word edit distance with penalties; translate-toolkit: character"
    echo "Levenshtein), so the best match can legitimately differ where two candidates are close. The"
    echo "memory holds one source with several targets (perturbed translations): where those tie, tmkit"
    echo "lists the newest first and translate-toolkit the first one stored, so the best target differs"
    echo "while the best source is the same."
else
    echo "$tt."
fi
} >"$out"
cat "$out"
write_section "$src/docs/benchmarks.md" store "$out"
echo "bench: results written to docs/benchmarks.md (section store)"
