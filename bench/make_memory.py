#!/usr/bin/env python3
"""make_memory.py — a synthetic translation memory for the store benchmark.

    make_memory.py CORPORA_DIR [NTREX_DIR] N OUT.tmx QUERIES.tsv [--seed 1]

Sentence pairs come from the gold 1-1 beads of corpora/ (and NTREX when
given); each unit is a pair with random perturbations on both sides (a
number changed, words dropped, repeated or swapped with another sentence's),
so the memory holds many near-duplicates, as real memories do. QUERIES.tsv
gets 2000 queries: 'exact<TAB>text' (a unit's source as stored) and
'fuzzy<TAB>text' (a perturbed source). Standard library only.
"""
import os
import random
import sys
from xml.sax.saxutils import escape


def pairs_from_corpora(d):
    out = []
    for f in sorted(os.listdir(d)):
        if not f.endswith('.gold'):
            continue
        stem = f[:-5]
        vi = [l.strip() for l in open(os.path.join(d, stem + '.vi.sent'), encoding='utf-8') if l.strip()]
        fr = [l.strip() for l in open(os.path.join(d, stem + '.fr.sent'), encoding='utf-8') if l.strip()]
        for line in open(os.path.join(d, f), encoding='utf-8'):
            a, b = line.rstrip('\n').split('\t')[:2]
            if a and b and ',' not in a and ',' not in b:
                out.append((vi[int(a)], fr[int(b)]))
    return out


def pairs_from_ntrex(d):
    vi = [l.strip() for l in open(os.path.join(d, 'ntrex.vie.txt'), encoding='utf-8')]
    fr = [l.strip() for l in open(os.path.join(d, 'ntrex.fra.txt'), encoding='utf-8')]
    return list(zip(vi, fr))


def perturb(text, rng, vocab):
    words = text.split(' ')
    out = []
    for w in words:
        r = rng.random()
        if r < 0.04:
            continue
        if r < 0.08:
            out.append(rng.choice(vocab))
        elif r < 0.10 and any(c.isdigit() for c in w):
            out.append(str(rng.randint(1, 9999)))
        else:
            out.append(w)
    return ' '.join(out) if out else text


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    seed = int(sys.argv[sys.argv.index('--seed') + 1]) if '--seed' in sys.argv else 1
    if '--seed' in sys.argv:
        args.remove(str(seed))
    corpora, rest = args[0], args[1:]
    ntrex = rest.pop(0) if len(rest) == 4 else None
    n, out_tmx, out_q = int(rest[0]), rest[1], rest[2]
    rng = random.Random(seed)
    base = pairs_from_corpora(corpora) + (pairs_from_ntrex(ntrex) if ntrex else [])
    vocab_vi = [w for v, _ in base for w in v.split(' ')]
    vocab_fr = [w for _, f in base for w in f.split(' ')]
    stored = []
    with open(out_tmx, 'w', encoding='utf-8') as tmx:
        tmx.write('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
                  '<header creationtool="make_memory" creationtoolversion="1" segtype="sentence" '
                  'o-tmf="none" adminlang="en" srclang="vi" datatype="plaintext"/>\n<body>\n')
        for i in range(n):
            vi, fr = base[i % len(base)] if i < len(base) else rng.choice(base)
            if i >= len(base):
                vi, fr = perturb(vi, rng, vocab_vi), perturb(fr, rng, vocab_fr)
            if i % 500 == 0:
                stored.append(vi)
            tmx.write('<tu tuid="m%d"><prop type="x-document">synthetic-%d</prop>'
                      '<tuv xml:lang="vi"><seg>%s</seg></tuv><tuv xml:lang="fr"><seg>%s</seg></tuv></tu>\n'
                      % (i, i // 1000, escape(vi), escape(fr)))
        tmx.write('</body>\n</tmx>\n')
    with open(out_q, 'w', encoding='utf-8') as q:
        for k in range(1000):
            q.write('exact\t%s\n' % stored[k % len(stored)])
        for k in range(1000):
            q.write('fuzzy\t%s\n' % perturb(rng.choice(base)[0], rng, vocab_vi))


if __name__ == '__main__':
    main()
