#!/usr/bin/env bash
# hunalign.sh — peer aligner: hunalign (Varga et al. 2005), run without a dictionary.
# Usage: hunalign.sh VI.sent FR.sent > beads
#
# The binary is $HUNALIGN (default /tmp/peers/hunalign/src/hunalign/hunalign), built by hand from
# github.com/danielvarga/hunalign (see README.md); it is not part of tmkit. Absent: exit 3.
#
# Input: the two .sent files (one sentence per line, blank line between paragraphs). hunalign gets
# one sentence per line, Vietnamese as its "source", and an empty dictionary file (it requires
# one; with it empty hunalign scores by sentence length plus identical tokens such as numbers
# and names). Paragraph breaks become hunalign's paragraph marker, a line "<p>", which hunalign
# prefers to pair with a "<p>" of the other side; HUNALIGN_PARAS=0 leaves them out. The default
# (markers on) is the better one on both test sets — see README.md for the figures.
# Text is passed as it is (no tokenization); hunalign counts UTF-8 characters by default.
#
# Output: beads in the corpora/ .gold format ("vi indices<TAB>fr indices", document-wide 0-based
# sentence numbers, empty side for 1-0 / 0-1). hunalign's ladder output is a list of rungs
# "i<TAB>j<TAB>score" (the first i source and j target lines correspond); consecutive rungs delimit
# one bead. "<p>" lines are dropped from the beads, a bead left with no sentence is skipped, and
# a bead with one empty side is written as one 1-0 / 0-1 bead per sentence.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: hunalign.sh VI.sent FR.sent > beads" >&2; exit 2; }
bin=${HUNALIGN:-/tmp/peers/hunalign/src/hunalign/hunalign}
if [ ! -x "$bin" ]; then
    echo "hunalign.sh: hunalign binary not found at $bin (build it, or set HUNALIGN)" >&2
    exit 3
fi
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac   # it is run from a temporary directory
paras=${HUNALIGN_PARAS:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/empty.dic"

# .sent -> hunalign input: one sentence per line, "<p>" between paragraphs (when paras=1)
prep() {
    awk -v paras="$paras" '
        /[^ \t\r]/ { gsub(/^[ \t\r]+|[ \t\r]+$/, "")
                     if (gap && n && paras == 1) print "<p>"; print; n++; gap = 0; next }
        { gap = 1 }' "$1"
}
prep "$1" >"$tmp/vi"
prep "$2" >"$tmp/fr"
nv=$(wc -l <"$tmp/vi")
nf=$(wc -l <"$tmp/fr")

if [ "$nv" -gt 0 ] && [ "$nf" -gt 0 ]; then
    # run in $tmp: hunalign writes a (debug) file translate.txt into its working directory
    (cd "$tmp" && "$bin" empty.dic vi fr >ladder 2>log) ||
        { cat "$tmp/log" >&2; echo "hunalign.sh: hunalign failed" >&2; exit 1; }
else
    : >"$tmp/ladder"   # one side empty: no rung inside, every sentence is a 1-0 or 0-1 bead
fi

# ladder -> beads. Files 1 and 2 map a hunalign line number to a sentence number (-1 for "<p>").
awk -F '\t' -v nv="$nv" -v nf="$nf" '
    FILENAME == ARGV[1] { v[FNR - 1] = ($0 == "<p>") ? -1 : sv++; next }
    FILENAME == ARGV[2] { f[FNR - 1] = ($0 == "<p>") ? -1 : sf++; next }
    function side(m, a, b,    k, s) {
        s = ""
        for (k = a; k < b; k++) if (m[k] >= 0) s = s (s == "" ? "" : ",") m[k]
        return s
    }
    function bead(a, b, c, d,    x, y, n, k, t) {
        x = side(v, a, c); y = side(f, b, d)
        if (x != "" && y != "") print x "\t" y
        else if (x != "") { n = split(x, t, ","); for (k = 1; k <= n; k++) print t[k] "\t" }
        else if (y != "") { n = split(y, t, ","); for (k = 1; k <= n; k++) print "\t" t[k] }
    }
    { bead(pi + 0, pj + 0, $1, $2); pi = $1; pj = $2 }   # (0,0) first: an empty bead, skipped
    END { if (pi != nv || pj != nf) bead(pi + 0, pj + 0, nv, nf) }   # last rung should be (nv,nf)
    ' "$tmp/vi" "$tmp/fr" "$tmp/ladder"
