#!/usr/bin/python3
"""score_align.py — strict bead precision / recall / F1 of predicted alignments against gold.

Usage: score_align.py GOLD_DIR PRED_DIR

For every <stem>.gold in GOLD_DIR, reads PRED_DIR/<stem>.beads (same format: "vi indices<TAB>fr
indices"; a missing file counts as no prediction). A predicted bead is correct only if identical
to a gold bead (same vi and fr sentence sets). Beads with an empty side (1-0 / 0-1) are left out of
both sets. Counts are summed over all pairs, then P = correct/predicted, R = correct/gold.
Prints one line per pair and a total line: "... precision=P recall=R f1=F".
"""
import os, sys


def beads(path):
    """Set of (vi tuple, fr tuple) beads with both sides non-empty."""
    out = set()
    if not os.path.exists(path):
        return out
    with open(path, encoding='utf-8') as fh:
        for line in fh:
            parts = line.rstrip('\n').split('\t')[:2]  # a third column (score) is ignored
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                continue
            out.add(tuple(tuple(int(x) for x in p.split(',')) for p in parts))
    return out


def prf(ok, npred, ngold):
    p = ok / npred if npred else 0.0
    r = ok / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: score_align.py GOLD_DIR PRED_DIR')
    gold_dir, pred_dir = sys.argv[1:]
    stems = sorted(f[:-5] for f in os.listdir(gold_dir) if f.endswith('.gold'))
    tot = [0, 0, 0]
    for stem in stems:
        g = beads(os.path.join(gold_dir, stem + '.gold'))
        pth = os.path.join(pred_dir, stem + '.beads')
        p = beads(pth)
        c = [len(g & p), len(p), len(g)]
        tot = [a + b for a, b in zip(tot, c)]
        missing = '' if os.path.exists(pth) else ' (no prediction)'
        print(f'{stem}: correct={c[0]} predicted={c[1]} gold={c[2]} '
              'precision=%.3f recall=%.3f f1=%.3f' % prf(*c) + missing)
    print(f'TOTAL pairs={len(stems)} correct={tot[0]} predicted={tot[1]} gold={tot[2]} '
          'precision=%.3f recall=%.3f f1=%.3f' % prf(*tot))


if __name__ == '__main__':
    main()
