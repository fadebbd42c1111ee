#!/bin/sh
# main-job.sh — the README's main job on the bundled corpora.
#
# Usage: main-job.sh TMKIT SRCDIR
#
# 1. aligns every Vietnamese/French pair under SRCDIR/corpora (segmenting
#    the raw text) and writes one TMX 1.4b file per pair under SRCDIR/tmx;
# 2. checks every TMX file with `tmkit tmx validate`;
# 3. scores the alignments against the gold files (strict bead F1);
# 4. imports the TMX files into the store tmx/corpora.tmdb and runs a sample
#    fuzzy query and a concordance against it.
set -eu
tmkit=$1
srcdir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== aligning corpora/ -> tmx/"
"$tmkit" align --batch "$srcdir/corpora" -o "$srcdir/tmx"
"$tmkit" tmx validate -q "$srcdir"/tmx/*.tmx
echo "tmx/: $(ls "$srcdir"/tmx/*.tmx | wc -l) TMX files, all valid TMX 1.4b"

echo "== alignment quality against corpora/*.gold"
"$tmkit" align -q --batch "$srcdir/corpora" -o "$work" -f beads
total=""
for gold in "$srcdir"/corpora/*.gold; do
    stem=$(basename "$gold" .gold)
    cut -f1,2 "$work/$stem.beads" >"$work/$stem.pred"
    line=$("$tmkit" eval align -v "$gold" "$work/$stem.pred" 2>"$work/counts")
    printf '%-24s %s\n' "$stem" "$line"
    total="$total $(sed -E 's/.*: ([0-9]+) correct of ([0-9]+) predicted, ([0-9]+) in gold/\1 \2 \3/' "$work/counts")"
done
echo "$total" | awk '{ for (i = 1; i <= NF; i += 3) { c += $i; p += $(i + 1); g += $(i + 2) } }
    END { P = c / p; R = c / g; printf "all pairs: precision=%.4f recall=%.4f f1=%.4f\n", P, R, 2 * P * R / (P + R) }'

echo "== store: tmx/*.tmx -> tmx/corpora.tmdb"
rm -f "$srcdir/tmx/corpora.tmdb"
"$tmkit" import "$srcdir/tmx/corpora.tmdb" "$srcdir"/tmx/*.tmx
"$tmkit" stats "$srcdir/tmx/corpora.tmdb"
"$tmkit" check "$srcdir/tmx/corpora.tmdb"

query="Năm 2024, kim ngạch thương mại giữa Việt Nam và tỉnh Quảng Tây đạt 260 tỷ NDT."
echo "== sample query: tmkit query tmx/corpora.tmdb \"$query\""
"$tmkit" query -n 3 --min 60 "$srcdir/tmx/corpora.tmdb" "$query"
echo "== sample concordance: tmkit concord -n 2 tmx/corpora.tmdb \"Móng Cái\""
"$tmkit" concord -n 2 "$srcdir/tmx/corpora.tmdb" "Móng Cái"
