#!/usr/bin/python3
"""ntrex_pairs.py — realistic vi–fr document pairs with gold alignment, built from NTREX.

Usage: ntrex_pairs.py NTREX_DIR OUT_DIR [--seed 42]

NTREX_DIR holds ntrex.vie.txt, ntrex.fra.txt (line-parallel) and ntrex.docids. NTREX is too tidy
(every sentence translated 1-1, no paragraphs), so for each document this script:
  - groups consecutive sentences into paragraphs of 1-4 sentences (shared by both sides);
  - drops ~3% of the sentences on one side (1-0 / 0-1 beads);
  - merges a sentence with the next one on one side, joined by a space, with probability 0.10
    per sentence that can start one (both sentences kept on both sides, same paragraph, not
    already merged): about 10% of the sentences end up in a 2-1 / 1-2 bead;
  - joins ~5% of the paragraph breaks on one side (that side has one paragraph for two);
  - adds 1-3 untranslated boilerplate lines on one side as paragraphs of their own
    (start, end or between paragraphs; 1-0 / 0-1 beads).
Output per document, stem ntrex-<docid with [^A-Za-z0-9] turned into '-'>:
  <stem>.vi.txt / .fr.txt   one paragraph per line
  <stem>.vi.sent / .fr.sent gold segmentation (one sentence per line, blank line between paragraphs)
  <stem>.gold               gold beads "vi indices<TAB>fr indices", as in corpora/README.md
The same seed gives the same output (each document has its own generator seeded by seed+docid).
Standard library only; validate with tools/check_corpus.py OUT_DIR.
"""
import argparse, collections, os, random, re, unicodedata

P_OMIT, P_MERGE, P_PARA_JOIN = 0.03, 0.10, 0.05

# Boilerplate: (text, where). "{h}" is filled with the headline of another document (same
# language), as in "related article" links. where: "end" (bylines, share buttons) or "any".
BOILER = {
    'vi': [('Đọc thêm: {h}', 'any'), ('Xem thêm: {h}', 'any'), ('Chia sẻ bài viết', 'end'),
           ('Xem thêm tin tức', 'any'), ('Theo VnExpress', 'end'), ('Theo TTXVN', 'end'),
           ('Bình luận (0)', 'end'), ('Quảng cáo', 'any')],
    'fr': [('Lire aussi : {h}', 'any'), ('À lire aussi : {h}', 'any'), ('Publicité', 'any'),
           ('Partager cet article', 'end'), ('Source : AFP', 'end'), ('Avec Reuters', 'end'),
           ('Abonnez-vous à notre newsletter', 'any')],
}
# A headline is only used in a boilerplate line if it holds no sentence boundary of its own.
INNER_END = re.compile(r'[.!?…]["”’»)\]]*\s+\S')


def clean(s):
    return re.sub(r'\s+', ' ', unicodedata.normalize('NFC', s)).strip()


def read_docs(d):
    lines = {}
    for lang, f in (('vi', 'ntrex.vie.txt'), ('fr', 'ntrex.fra.txt')):
        with open(os.path.join(d, f), encoding='utf-8') as fh:
            lines[lang] = [clean(l) for l in fh.read().split('\n')]
    with open(os.path.join(d, 'ntrex.docids'), encoding='utf-8') as fh:
        ids = [l.strip() for l in fh.read().split('\n')]
    docs = collections.OrderedDict()
    for v, f, i in zip(lines['vi'], lines['fr'], ids):
        if i:
            docs.setdefault(i, []).append((v, f))
    return docs


def build(units, rng, headlines, stats):
    """units: [(vi, fr)]. Returns blocks: [(beads, join)], beads = [(vi sents, fr sents)],
    join = set of sides on which this block continues the previous block's paragraph.
    stats counts omitted units, merges, paragraph joins and boilerplate lines."""
    # 1. paragraphs of 1-4 units
    paras, i = [], 0
    while i < len(units):
        n = rng.randint(1, 4)
        paras.append(units[i:i + n])
        i += n
    blocks = []
    for p in paras:
        # 2. omissions: a unit keeps one side only
        state = [rng.choice(('vi', 'fr')) if rng.random() < P_OMIT else 'both' for _ in p]
        stats['omitted'] += sum(st != 'both' for st in state)
        beads, k = [], 0
        while k < len(p):
            v, f = p[k]
            # 3. merge with the next unit of this paragraph on one side (both present on both sides)
            if (k + 1 < len(p) and state[k] == state[k + 1] == 'both'
                    and rng.random() < P_MERGE):
                v2, f2 = p[k + 1]
                stats['merges'] += 1
                if rng.random() < 0.5:
                    beads.append(([v + ' ' + v2], [f, f2]))
                else:
                    beads.append(([v, v2], [f + ' ' + f2]))
                k += 2
                continue
            beads.append(([v] if state[k] != 'fr' else [], [f] if state[k] != 'vi' else []))
            k += 1
        blocks.append((beads, set()))
    # 4. paragraph-break joins on one side
    for b in blocks[1:]:
        if rng.random() < P_PARA_JOIN:
            b[1].add(rng.choice(('vi', 'fr')))
            stats['paragraph_joins'] += 1
    # 5. boilerplate, only at gaps not joined (gap g = before content block g; len = at the end)
    gaps = [g for g in range(len(blocks) + 1) if g == len(blocks) or not blocks[g][1]]
    inserts = []
    for _ in range(rng.randint(1, 3)):
        side = rng.choice(('vi', 'fr'))
        text, where = rng.choice(BOILER[side])
        text = text.replace('{h}', rng.choice(headlines[side]))
        g = len(blocks) if where == 'end' else rng.choice(gaps)
        inserts.append((g, rng.random(), side, text))
        stats['boilerplate'] += 1
    for g, _, side, text in sorted(inserts, reverse=True):
        bead = ([text], []) if side == 'vi' else ([], [text])
        blocks.insert(g, ([bead], set()))
    return blocks


def write_pair(out, stem, blocks):
    paras = {'vi': [], 'fr': []}
    gold, n = [], {'vi': 0, 'fr': 0}
    prev = {'vi': False, 'fr': False}  # did the previous block give this side a paragraph?
    for beads, join in blocks:
        for lang, side in (('vi', 0), ('fr', 1)):
            sents = [s for b in beads for s in b[side]]
            if sents and lang in join and prev[lang]:
                paras[lang][-1].extend(sents)
            elif sents:
                paras[lang].append(sents)
            prev[lang] = bool(sents)
        for b in beads:
            cols = []
            for lang, side in (('vi', 0), ('fr', 1)):
                cols.append(','.join(str(n[lang] + j) for j in range(len(b[side]))))
                n[lang] += len(b[side])
            gold.append('\t'.join(cols))
    for lang in ('vi', 'fr'):
        with open(os.path.join(out, f'{stem}.{lang}.txt'), 'w', encoding='utf-8') as fh:
            fh.write(''.join(' '.join(p) + '\n' for p in paras[lang]))
        with open(os.path.join(out, f'{stem}.{lang}.sent'), 'w', encoding='utf-8') as fh:
            fh.write('\n'.join('\n'.join(p) + '\n' for p in paras[lang]))
    with open(os.path.join(out, f'{stem}.gold'), 'w', encoding='utf-8') as fh:
        fh.write(''.join(g + '\n' for g in gold))
    return gold, n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('ntrex_dir')
    ap.add_argument('out_dir')
    ap.add_argument('--seed', type=int, default=42)
    a = ap.parse_args()
    docs = read_docs(a.ntrex_dir)
    os.makedirs(a.out_dir, exist_ok=True)
    types, sents, paras, stats = (collections.Counter() for _ in range(4))
    for docid, units in docs.items():
        # headlines (first line) of the other documents, for "Read also: ..." lines
        headlines = {side: [clean(u[0][k]).rstrip('.') for d, u in docs.items() if d != docid
                            and not INNER_END.search(u[0][k].rstrip('.'))]
                     for k, side in ((0, 'vi'), (1, 'fr'))}
        rng = random.Random(f'{a.seed}:{docid}')
        stem = 'ntrex-' + re.sub(r'[^A-Za-z0-9]', '-', docid)
        blocks = build(units, rng, headlines, stats)
        gold, n = write_pair(a.out_dir, stem, blocks)
        sents.update(n)
        for g in gold:
            v, f = g.split('\t')
            types[f"{len(v.split(',')) if v else 0}-{len(f.split(',')) if f else 0}"] += 1
        for lang in ('vi', 'fr'):
            with open(os.path.join(a.out_dir, f'{stem}.{lang}.txt'), encoding='utf-8') as fh:
                paras[lang] += sum(1 for l in fh if l.strip())
    total = sum(types.values())
    print(f'pairs={len(docs)} seed={a.seed} source_sentences={sum(len(u) for u in docs.values())}')
    print(f"sentences vi={sents['vi']} fr={sents['fr']}  paragraphs vi={paras['vi']} fr={paras['fr']}")
    print(' '.join(f'{k}={stats[k]}' for k in ('omitted', 'merges', 'paragraph_joins', 'boilerplate'))
          + f"  (sentences in a merge: {100 * 2 * stats['merges'] / max(sum(len(u) for u in docs.values()), 1):.1f}%)")
    print(f'beads={total} ' + ' '.join(f'{t}={c}' for t, c in sorted(types.items(), key=lambda x: -x[1]))
          + f'  non-1-1={100 * (total - types["1-1"]) / max(total, 1):.1f}%')


if __name__ == '__main__':
    main()
