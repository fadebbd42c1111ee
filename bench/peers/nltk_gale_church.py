#!/usr/bin/python3
"""nltk_gale_church.py — peer aligner: NLTK's port of Gale & Church (1993).

Usage: nltk_gale_church.py VI.sent FR.sent > beads

Reads two .sent files (one sentence per line, blank line between paragraphs) and prints beads in
the corpora/ .gold format: "vi indices<TAB>fr indices", comma-separated, document-wide 0-based
numbers, an empty side for 1-0 / 0-1.

Blocks: when both files have the same number of paragraphs, each paragraph pair is one block
(nltk align_texts, links never cross a paragraph break, as in the paper); otherwise the whole
document is one block (all sentences of each side in one list).

Parameters: NLTK's defaults (gale_church.LanguageIndependent): priors of the paper, mean length
ratio c = 1 and variance s2 = 6.8 — the paper's values, estimated on English–German (UBS reports).
They are NOT re-estimated for vi–fr (on NTREX French has ~1.08 characters per Vietnamese one).
Lengths are counted in characters (Unicode code points); an empty sentence counts as 1.

NLTK returns sentence links (i, j), one per sentence pair inside a bead, and drops 1-0 / 0-1
beads. Beads are rebuilt here: linked sentences are grouped into connected components (a 2-1
bead gives (i,j),(i+1,j)); a sentence in no link becomes a 1-0 or 0-1 bead at its place.
Needs python3-nltk (Debian package).
"""
import sys
from nltk.translate import gale_church


def read_sent(path):
    """Paragraphs of a .sent file: lists of sentences; runs of blank lines separate paragraphs."""
    paras, cur = [], []
    with open(path, encoding='utf-8') as fh:
        for line in fh.read().split('\n'):
            if line.strip():
                cur.append(line.strip())
            elif cur:
                paras.append(cur)
                cur = []
    if cur:
        paras.append(cur)
    return paras


def beads_from_links(links, nv, nf, ov, of):
    """Beads of one block with nv / nf sentences, numbered from ov / of."""
    # components: consecutive links sharing a vi or an fr sentence belong to the same bead
    comps = []
    for i, j in sorted(links):
        if comps and (i in comps[-1][0] or j in comps[-1][1]):
            comps[-1][0].add(i)
            comps[-1][1].add(j)
        else:
            comps.append(({i}, {j}))
    out, nexti, nextj = [], 0, 0
    for vs, fs in comps + [({nv}, {nf})]:  # sentinel flushes the unlinked tail
        out += [([i], []) for i in range(nexti, min(vs))]
        out += [([], [j]) for j in range(nextj, min(fs))]
        if min(vs) < nv:
            out.append((sorted(vs), sorted(fs)))
        nexti, nextj = max(vs) + 1, max(fs) + 1
    return [([ov + i for i in v], [of + j for j in f]) for v, f in out]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().split('\n')[2])
    vi, fr = read_sent(sys.argv[1]), read_sent(sys.argv[2])
    if len(vi) != len(fr):  # paragraph counts differ: one block for the whole document
        vi = [[s for p in vi for s in p]]
        fr = [[s for p in fr for s in p]]
    lens = lambda paras: [[max(1, len(s)) for s in p] for p in paras]
    ov = of = 0
    for pv, pf, links in zip(vi, fr, gale_church.align_texts(lens(vi), lens(fr))):
        for v, f in beads_from_links(links, len(pv), len(pf), ov, of):
            print(','.join(map(str, v)) + '\t' + ','.join(map(str, f)))
        ov, of = ov + len(pv), of + len(pf)


if __name__ == '__main__':
    main()
