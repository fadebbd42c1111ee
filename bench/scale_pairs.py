#!/usr/bin/python3
"""scale_pairs.py — one long document pair of about N sentences per side, with gold alignment.

Usage: scale_pairs.py CORPUS_DIR N OUT_STEM [--seed 42] [--langs L1,L2] [--files F1,F2,IDS]

Concatenates documents built by bench/ntrex_pairs.py's --flat logic (omissions, merges, 0-2
boilerplate lines anywhere; no paragraph breaks), cycling through the corpus's documents in order
until the L1 side reaches N sentences (it stops at the end of a document, so a side may pass N by
a few sentences). Repetition r of document D uses the generator seeded by "seed:r:D", so the
omissions, merges and boilerplate differ at each pass: the two sides' counts wander apart as
in real long files, and the true path drifts away from the diagonal j = i*m/n.
--langs and --files as in ntrex_pairs.py (default NTREX vi,fr).
Writes OUT_STEM.<L1> and OUT_STEM.<L2> (one sentence per line, no blank line) and OUT_STEM.gold
(beads "L1 indices<TAB>L2 indices", document-wide 0-based, as in corpora/README.md).
Prints one line: "scale n=<L1 sentences> m=<L2 sentences> beads=... 1-1=... ... drift=D
drift_at=I", D the largest |j - i*m/n| over the gold path's corners (i, j) in sentences, I the
L1 position where it occurs. Standard library only; 1M sentences take well under a minute.
"""
import argparse, collections, os, random, sys
from array import array

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ntrex_pairs as np_  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('corpus_dir')
    ap.add_argument('n', type=int)
    ap.add_argument('out_stem')
    ap.add_argument('--seed', type=int, default=42)
    np_.add_corpus_args(ap)
    a = ap.parse_args()
    langs = a.langs
    l1, l2 = langs
    if l1 == l2:
        ap.error('--langs: two different codes needed')
    boiler = np_.boiler_lists(langs)
    docs = np_.read_docs(a.corpus_dir, a.files)
    if not docs or a.n <= 0:
        sys.exit('scale_pairs: no documents, or N <= 0')
    heads = {d: np_.headlines_for(docs, d, langs) for d in docs}
    stats, types = collections.Counter(), collections.Counter()
    ci, cj = array('l', [0]), array('l', [0])   # gold path corners after each bead
    n = {l1: 0, l2: 0}
    with open(f'{a.out_stem}.{l1}', 'w', encoding='utf-8') as f1, \
            open(f'{a.out_stem}.{l2}', 'w', encoding='utf-8') as f2, \
            open(f'{a.out_stem}.gold', 'w', encoding='utf-8') as fg:
        rep = 0
        while n[l1] < a.n:
            for docid, units in docs.items():
                if n[l1] >= a.n:
                    break
                rng = random.Random(f'{a.seed}:{rep}:{docid}')
                beads = np_.build_flat(units, rng, heads[docid], stats, langs, boiler)
                f1.write(''.join(s + '\n' for bd in beads for s in bd[0]))
                f2.write(''.join(s + '\n' for bd in beads for s in bd[1]))
                fg.write(''.join(g + '\n' for g in np_.gold_lines(beads, n, langs)))
                i, j = ci[-1], cj[-1]
                for bd in beads:
                    i += len(bd[0]); j += len(bd[1])
                    ci.append(i); cj.append(j)
                    types[f'{len(bd[0])}-{len(bd[1])}'] += 1
            rep += 1
    N, M = n[l1], n[l2]
    drift, at = 0.0, 0
    for i, j in zip(ci, cj):
        d = abs(j - i * M / N)
        if d > drift:
            drift, at = d, i
    print(f'scale n={N} m={M} beads={sum(types.values())} '
          + ' '.join(f'{t}={c}' for t, c in sorted(types.items(), key=lambda x: -x[1]))
          + f' passes={rep} drift={drift:.0f} drift_at={at}')


if __name__ == '__main__':
    main()
