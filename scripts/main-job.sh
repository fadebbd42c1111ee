#!/bin/sh
# main-job.sh — the README's main job on the bundled corpora.
#
# Usage: main-job.sh TMKIT SRCDIR
#
# Today (foundation): reads every corpus pair under SRCDIR/corpora through
# tmkit's text layer (validation, NFC) and reports paragraph counts.
# Segmentation, alignment to tmx/, the store and a sample query are added
# here as their issues land.
set -eu
tmkit=$1
srcdir=$2
pairs=0
for vi in "$srcdir"/corpora/*.vi.txt; do
    stem=$(basename "$vi" .vi.txt)
    fr="$srcdir/corpora/$stem.fr.txt"
    if [ ! -f "$fr" ]; then
        echo "main-job: $stem: no French side ($fr)" >&2
        exit 2
    fi
    nvi=$("$tmkit" normalize --paragraphs "$vi" | wc -l)
    nfr=$("$tmkit" normalize --paragraphs "$fr" | wc -l)
    printf '%-24s vi %3d paragraphs   fr %3d paragraphs\n' "$stem" "$nvi" "$nfr"
    pairs=$((pairs + 1))
done
echo "main-job: $pairs pairs read and validated (segment, align, store: not built yet)"
