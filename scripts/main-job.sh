#!/bin/sh
# main-job.sh — the README's main job on the bundled corpora.
#
# Usage: main-job.sh TMKIT SRCDIR
#
# Today: segments both sides of every corpus pair under SRCDIR/corpora and
# scores the segmentation against the gold .sent files. Alignment to tmx/,
# the store and a sample query are added here as their issues land.
set -eu
tmkit=$1
srcdir=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pairs=0
for vi in "$srcdir"/corpora/*.vi.txt; do
    stem=$(basename "$vi" .vi.txt)
    fr="$srcdir/corpora/$stem.fr.txt"
    if [ ! -f "$fr" ]; then
        echo "main-job: $stem: no French side ($fr)" >&2
        exit 2
    fi
    line="$stem"
    for lang in vi fr; do
        "$tmkit" segment -l "$lang" "$srcdir/corpora/$stem.$lang.txt" >"$out/$stem.$lang.sent"
        n=$(grep -c . "$out/$stem.$lang.sent" || true)
        f1=$("$tmkit" eval segment "$srcdir/corpora/$stem.$lang.sent" "$out/$stem.$lang.sent" |
             sed -n 's/.*f1=//p')
        line=$(printf '%-24s %s %3d sentences (boundary F1 %s)' "$line" "$lang" "$n" "$f1")
    done
    echo "$line"
    pairs=$((pairs + 1))
done
echo "main-job: $pairs pairs segmented (align to tmx/, store, query: not built yet)"
