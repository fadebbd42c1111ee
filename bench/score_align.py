#!/usr/bin/python3
"""score_align.py — strict bead precision / recall / F1 of predicted alignments against gold.

Usage: score_align.py [--by-type] [--calibration] GOLD_DIR PRED_DIR
       score_align.py [--by-type] [--calibration] --pair GOLD PRED

For every <stem>.gold in GOLD_DIR, reads PRED_DIR/<stem>.beads (same format: "src indices<TAB>tgt
indices", a third column such as a score ignored; a missing file counts as no prediction). With
--pair, GOLD and PRED are one gold file and one prediction file (e.g. one long pair from
bench/scale_pairs.py). A predicted bead is correct only if identical to a gold bead (same source
and target sentence sets). Beads with an empty side (1-0 / 0-1) are left out of both sets. Counts
are summed over all pairs, then P = correct/predicted, R = correct/gold.
Prints one line per pair (not with --pair) and, last, a total line:
  "TOTAL pairs=N correct=C predicted=P gold=G precision=P recall=R f1=F".
--by-type adds, before the TOTAL line and summed over all pairs:
  "BYTYPE type=T gold=G correct=C recall=R" (R is "-" when G = 0) for T = 1-1, 2-1, 1-2, 2-2, other: the gold beads with
  both sides non-empty by shape (other: any other shape, e.g. 3-1), and how many of them are
  predicted exactly;
  "UNALIGNED type=T gold=G predicted=P correct=C precision=P recall=R" for T = 1-0 and 0-1: the
  sentences with no counterpart. A bead with an empty side is read as one 1-0 (0-1) bead per
  sentence (hunalign.sh and tmkit's beads format write one per sentence anyway); a gold 1-0 bead
  is recalled when the prediction has that source sentence alone in a 1-0 bead, precision =
  correct 1-0 predictions / all predicted 1-0 (likewise 0-1 with target sentences); "-" for a
  ratio over nothing.
--calibration adds, before the TOTAL line and summed over all pairs, how far the prediction's
score (third column, e.g. tmkit's calibrated posterior) can be trusted: for each score band
  "CALIB band=[0.99,1] beads=N share=S correct=C precision=P" (bands [0.99,1], [0.95,0.99),
  [0.9,0.95), [0.7,0.9), [0.5,0.7), [0,0.5)): the predicted beads with both sides non-empty whose
  score falls in the band, their share of all such beads, and how many are gold beads;
  "CALIB_MIN min=0.9 beads=N share=S correct=C precision=P": the same for every score >= 0.9;
  "CALIB_UNSCORED beads=N": two-sided beads without a readable score (counted in no band).
  precision and share are "-" over nothing.
"""
import argparse, collections, os, sys

TYPES = ('1-1', '2-1', '1-2', '2-2', 'other')
# score bands of --calibration, highest first: (label, low, high); a band holds low <= score < high,
# the first one also score == 1
BANDS = (('[0.99,1]', 0.99, 1.01), ('[0.95,0.99)', 0.95, 0.99), ('[0.9,0.95)', 0.9, 0.95),
         ('[0.7,0.9)', 0.7, 0.9), ('[0.5,0.7)', 0.5, 0.7), ('[0,0.5)', -0.01, 0.5))
CALIB_MIN = 0.9


def read_beads(path):
    """(set of "src<TAB>tgt" beads with both sides non-empty, set of source sentences alone in a
    1-0 bead, set of target sentences alone in a 0-1 bead). Beads are kept as normalized strings
    (numbers as written by int(), no spaces): a 1M-sentence pair stays small."""
    both, src0, tgt0 = set(), set(), set()
    if not os.path.exists(path):
        return both, src0, tgt0
    with open(path, encoding='utf-8') as fh:
        for line in fh:
            parts = line.rstrip('\n').split('\t')[:2]  # a third column (score) is ignored
            if len(parts) != 2:
                continue
            s = [str(int(x)) for x in parts[0].split(',') if x.strip()]
            t = [str(int(x)) for x in parts[1].split(',') if x.strip()]
            if s and t:
                both.add(','.join(s) + '\t' + ','.join(t))
            elif s:
                src0.update(map(int, s))
            elif t:
                tgt0.update(map(int, t))
    return both, src0, tgt0


def scored_beads(path):
    """[(normalized bead as in read_beads, score or None)] for the predicted beads with both
    sides non-empty; score from the third column."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path, encoding='utf-8') as fh:
        for line in fh:
            parts = line.rstrip('\n').split('\t')
            if len(parts) < 2:
                continue
            s = [str(int(x)) for x in parts[0].split(',') if x.strip()]
            t = [str(int(x)) for x in parts[1].split(',') if x.strip()]
            if not (s and t):
                continue
            try:
                score = float(parts[2])
            except (IndexError, ValueError):
                score = None
            out.append((','.join(s) + '\t' + ','.join(t), score))
    return out


def beads(path):
    """Set of (src tuple, tgt tuple) beads with both sides non-empty."""
    return {tuple(tuple(int(x) for x in side.split(',')) for side in b.split('\t'))
            for b in read_beads(path)[0]}


def prf(ok, npred, ngold):
    p = ok / npred if npred else 0.0
    r = ok / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bead_type(b):
    s, t = b.split('\t')
    t = f"{s.count(',') + 1}-{t.count(',') + 1}"
    return t if t in TYPES else 'other'


class Score:
    def __init__(self):
        self.tot = [0, 0, 0]
        self.gold_t, self.ok_t = collections.Counter(), collections.Counter()
        self.un = {k: [0, 0, 0] for k in ('1-0', '0-1')}   # correct, predicted, gold
        self.calib = {b[0]: [0, 0] for b in BANDS}           # beads, correct
        self.calib_min, self.unscored = [0, 0], 0

    def add_calibration(self, gold_path, pred_path):
        g = read_beads(gold_path)[0]
        for b, score in scored_beads(pred_path):
            if score is None:
                self.unscored += 1
                continue
            ok = b in g
            for label, lo, hi in BANDS:
                if lo <= score < hi:
                    self.calib[label][0] += 1
                    self.calib[label][1] += ok
                    break
            if score >= CALIB_MIN:
                self.calib_min[0] += 1
                self.calib_min[1] += ok

    def add(self, gold_path, pred_path):
        g, g10, g01 = read_beads(gold_path)
        p, p10, p01 = read_beads(pred_path)
        ok = g & p
        c = [len(ok), len(p), len(g)]
        self.tot = [a + b for a, b in zip(self.tot, c)]
        for b in g:
            self.gold_t[bead_type(b)] += 1
        for b in ok:
            self.ok_t[bead_type(b)] += 1
        for k, gs, ps in (('1-0', g10, p10), ('0-1', g01, p01)):
            u = self.un[k]
            u[0] += len(gs & ps); u[1] += len(ps); u[2] += len(gs)
        return c

    def by_type_lines(self):
        out = []
        for t in TYPES:
            n, ok = self.gold_t[t], self.ok_t[t]
            out.append(f'BYTYPE type={t} gold={n} correct={ok} recall='
                       + ('%.3f' % (ok / n) if n else '-'))
        for k, (ok, npred, ngold) in self.un.items():
            p, r, _ = prf(ok, npred, ngold)
            out.append(f'UNALIGNED type={k} gold={ngold} predicted={npred} correct={ok} '
                       'precision=%s recall=%s' % ('%.3f' % p if npred else '-',
                                                    '%.3f' % r if ngold else '-'))
        return out

    def calibration_lines(self):
        total = sum(n for n, _ in self.calib.values())

        def tail(n, ok):
            return ('share=%s correct=%d precision=%s'
                    % ('%.3f' % (n / total) if total else '-', ok, '%.3f' % (ok / n) if n else '-'))
        out = [f'CALIB band={label} beads={n} ' + tail(n, ok) for label, (n, ok) in self.calib.items()]
        out.append(f'CALIB_MIN min={CALIB_MIN} beads={self.calib_min[0]} ' + tail(*self.calib_min))
        out.append(f'CALIB_UNSCORED beads={self.unscored}')
        return out

    def total_line(self, npairs):
        t = self.tot
        return (f'TOTAL pairs={npairs} correct={t[0]} predicted={t[1]} gold={t[2]} '
                'precision=%.3f recall=%.3f f1=%.3f' % prf(*t))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--by-type', action='store_true',
                    help='also recall per gold bead type and 1-0 / 0-1 precision and recall')
    ap.add_argument('--calibration', action='store_true',
                    help='also precision of the two-sided beads by score band (third column)')
    ap.add_argument('--pair', action='store_true', help='the two arguments are one GOLD and one PRED file')
    ap.add_argument('gold')
    ap.add_argument('pred')
    a = ap.parse_args()
    sc = Score()
    if a.pair:
        if not os.path.exists(a.gold):
            sys.exit(f'score_align.py: {a.gold}: no such file')
        sc.add(a.gold, a.pred)
        if a.calibration:
            sc.add_calibration(a.gold, a.pred)
        npairs = 1
    else:
        stems = sorted(f[:-5] for f in os.listdir(a.gold) if f.endswith('.gold'))
        for stem in stems:
            pth = os.path.join(a.pred, stem + '.beads')
            c = sc.add(os.path.join(a.gold, stem + '.gold'), pth)
            if a.calibration:
                sc.add_calibration(os.path.join(a.gold, stem + '.gold'), pth)
            missing = '' if os.path.exists(pth) else ' (no prediction)'
            print(f'{stem}: correct={c[0]} predicted={c[1]} gold={c[2]} '
                  'precision=%.3f recall=%.3f f1=%.3f' % prf(*c) + missing)
        npairs = len(stems)
    if a.by_type:
        print('\n'.join(sc.by_type_lines()))
    if a.calibration:
        print('\n'.join(sc.calibration_lines()))
    print(sc.total_line(npairs))


if __name__ == '__main__':
    main()
