#!/usr/bin/env bash
# align.sh — alignments through a tmkit built with ThreadSanitizer (make
# check-tsan). One alignment works on two threads at a time (the two sides
# prepared at once, the lexical terms of a band in two halves, forward and
# backward sums), and the workers of a batch add the confident beads of
# their pairs to one lexicon; a data race makes tmkit stop with status 66
# (halt_on_error) and fails this script. Cases: a pair long enough for the
# coarse-to-fine search (2,000 sentences a side), and a batch on two
# workers learning one lexicon.
#
#   align.sh TMKIT SRCDIR
set -euo pipefail
tmkit=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 ${TSAN_OPTIONS:-}"

# a long pair: the corpora's gold sentences, over and over, without paragraph breaks
for lang in vi fr; do
    for k in 1 2 3 4 5; do cat "$src"/corpora/*."$lang".sent; done | awk 'NF && n++ < 2000' \
        >"$work/long.$lang"
done
"$tmkit" align --presegmented -f beads -o "$work/long.beads" "$work/long.vi" "$work/long.fr"
[ "$(wc -l <"$work/long.beads")" -gt 1500 ]

"$tmkit" align -q -j 2 --batch "$src/corpora" -o "$work/batch" -f beads --lexicon-out "$work/job.lex"
[ -s "$work/job.lex" ]
echo "tsan align: no data race (a 2,000-sentence pair, a batch on two workers)"
