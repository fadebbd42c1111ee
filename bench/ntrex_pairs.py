#!/usr/bin/python3
"""ntrex_pairs.py — realistic document pairs with gold alignment, built from a line-parallel corpus.

Usage: ntrex_pairs.py CORPUS_DIR OUT_DIR [--seed 42] [--langs L1,L2] [--files F1,F2,IDS]
                      [--prefix STEM] [--flat]

CORPUS_DIR holds two line-parallel text files (line i of one translates line i of the other) and
a file giving each line's document id; by default NTREX's ntrex.vie.txt, ntrex.fra.txt and
ntrex.docids, languages vi and fr (--langs L1,L2 and --files F1,F2,IDS for any other corpus of
that shape; L1 is the source side, the first column of the gold). Lines with an empty document id
are skipped. Such a corpus is too tidy (every sentence translated 1-1, no paragraphs), so for each
document this script:
  - groups consecutive sentences into paragraphs of 1-4 sentences (shared by both sides);
  - drops ~3% of the sentences on one side (P_OMIT; 1-0 / 0-1 beads);
  - merges a sentence with the next one on one side, joined by a space, with probability 0.10
    (P_MERGE) per sentence that can start one (both sentences kept on both sides, same paragraph,
    not already merged): about 10% of the sentences end up in a 2-1 / 1-2 bead;
  - joins ~5% of the paragraph breaks on one side (that side has one paragraph for two);
  - adds 1-3 untranslated boilerplate lines on one side as paragraphs of their own
    (start, end or between paragraphs; 1-0 / 0-1 beads): short web-page debris from a
    per-language list (BOILER: vi, fr, en, de, es, it; another language falls back to the en
    list, with a note on stderr), such as "Read more: <headline of another document>", share
    buttons, "Advertisement", bylines.
With --flat there are no paragraphs at all (what a PDF or web-page extraction without paragraph
marks gives): the document is one run of sentences, merges may join any two consecutive units,
there are no paragraph joins, and 0-2 boilerplate lines (rng.randint(0, 2)) are inserted
anywhere, between any two beads or at the start or end. P_OMIT and P_MERGE are the same, but
with no paragraph end to stop them more merges happen (about 18% of the sentences of NTREX end up
in a 2-1 / 1-2 bead, against 11.5% with paragraphs).
Output per document, stem <PREFIX>-<docid with [^A-Za-z0-9] turned into '-'> (PREFIX: ntrex):
  <stem>.<L1>.txt / .<L2>.txt   one paragraph per line (--flat: one sentence per line)
  <stem>.<L1>.sent / .<L2>.sent gold segmentation (one sentence per line, blank line between
                                paragraphs; --flat: no blank line)
  <stem>.gold                   gold beads "L1 indices<TAB>L2 indices", as in corpora/README.md
The same seed gives the same output (each document has its own generator seeded by seed+docid);
the default (NTREX, vi,fr, --seed 42, no --flat) gives the same files as before these options.
bench/scale_pairs.py imports read_docs, headlines_for and build_flat to build one long pair.
Standard library only; validate with tools/check_corpus.py OUT_DIR.
"""
import argparse, collections, os, random, re, sys, unicodedata

P_OMIT, P_MERGE, P_PARA_JOIN = 0.03, 0.10, 0.05

# Boilerplate: (text, where). "{h}" is filled with the headline of another document (same
# language), as in "related article" links. where: "end" (bylines, share buttons) or "any"
# (paragraph mode only; --flat puts every line anywhere).
BOILER = {
    'vi': [('Đọc thêm: {h}', 'any'), ('Xem thêm: {h}', 'any'), ('Chia sẻ bài viết', 'end'),
           ('Xem thêm tin tức', 'any'), ('Theo VnExpress', 'end'), ('Theo TTXVN', 'end'),
           ('Bình luận (0)', 'end'), ('Quảng cáo', 'any')],
    'fr': [('Lire aussi : {h}', 'any'), ('À lire aussi : {h}', 'any'), ('Publicité', 'any'),
           ('Partager cet article', 'end'), ('Source : AFP', 'end'), ('Avec Reuters', 'end'),
           ('Abonnez-vous à notre newsletter', 'any')],
    'en': [('Read more: {h}', 'any'), ('Related: {h}', 'any'), ('Advertisement', 'any'),
           ('Share this article', 'end'), ('By Staff Reporter', 'end'),
           ('Additional reporting by Reuters', 'end'), ('Sign up for our newsletter', 'any'),
           ('Comments (0)', 'end')],
    'de': [('Lesen Sie auch: {h}', 'any'), ('Mehr zum Thema: {h}', 'any'), ('Anzeige', 'any'),
           ('Artikel teilen', 'end'), ('Quelle: dpa', 'end'), ('Von unserem Korrespondenten', 'end'),
           ('Newsletter abonnieren', 'any'), ('Kommentare (0)', 'end')],
    'es': [('Lee también: {h}', 'any'), ('Más información: {h}', 'any'), ('Publicidad', 'any'),
           ('Compartir este artículo', 'end'), ('Fuente: EFE', 'end'), ('Con información de Reuters', 'end'),
           ('Suscríbete a nuestro boletín', 'any'), ('Comentarios (0)', 'end')],
    'it': [('Leggi anche: {h}', 'any'), ('Per approfondire: {h}', 'any'), ('Pubblicità', 'any'),
           ('Condividi questo articolo', 'end'), ('Fonte: ANSA', 'end'), ('Di Redazione', 'end'),
           ('Iscriviti alla nostra newsletter', 'any'), ('Commenti (0)', 'end')],
}
DEFAULT_LANGS = ('vi', 'fr')
DEFAULT_FILES = ('ntrex.vie.txt', 'ntrex.fra.txt', 'ntrex.docids')
# A headline is only used in a boilerplate line if it holds no sentence boundary of its own.
INNER_END = re.compile(r'[.!?…]["”’»)\]]*\s+\S')


def clean(s):
    return re.sub(r'\s+', ' ', unicodedata.normalize('NFC', s)).strip()


def boiler_lists(langs):
    """BOILER restricted to langs, with the en list for a language that has none."""
    out = {}
    for lang in langs:
        if lang not in BOILER:
            print(f'ntrex_pairs: no boilerplate list for {lang!r}; using the en list', file=sys.stderr)
        out[lang] = BOILER.get(lang, BOILER['en'])
    return out


def read_docs(d, files=DEFAULT_FILES):
    """OrderedDict docid -> [(L1 line, L2 line)], in corpus order."""
    lines = []
    for f in files[:2]:
        with open(os.path.join(d, f), encoding='utf-8') as fh:
            lines.append([clean(l) for l in fh.read().split('\n')])
    with open(os.path.join(d, files[2]), encoding='utf-8') as fh:
        ids = [l.strip() for l in fh.read().split('\n')]
    docs = collections.OrderedDict()
    for v, f, i in zip(lines[0], lines[1], ids):
        if i:
            docs.setdefault(i, []).append((v, f))
    return docs


def headlines_for(docs, docid, langs=DEFAULT_LANGS):
    """Headlines (first line) of the other documents, per language, for "Read also: ..." lines."""
    return {side: [clean(u[0][k]).rstrip('.') for d, u in docs.items() if d != docid
                   and not INNER_END.search(u[0][k].rstrip('.'))]
            for k, side in ((0, langs[0]), (1, langs[1]))}


def _boiler_text(rng, boiler, side, headlines):
    text, where = rng.choice(boiler[side])
    hs = headlines[side]
    # a headline is drawn whether the text uses it or not (the generator's sequence, hence the
    # output for a given seed, stays what it has been)
    h = rng.choice(hs) if hs else None
    if h is None:
        text = text.replace(' : {h}', '').replace(': {h}', '').replace('{h}', '')
    return text.replace('{h}', h or ''), where


def build(units, rng, headlines, stats, langs=DEFAULT_LANGS, boiler=None):
    """units: [(L1, L2)]. Returns blocks: [(beads, join)], beads = [(L1 sents, L2 sents)],
    join = set of sides on which this block continues the previous block's paragraph.
    stats counts omitted units, merges, paragraph joins and boilerplate lines."""
    a, b = langs
    boiler = boiler or boiler_lists(langs)
    # 1. paragraphs of 1-4 units
    paras, i = [], 0
    while i < len(units):
        n = rng.randint(1, 4)
        paras.append(units[i:i + n])
        i += n
    blocks = []
    for p in paras:
        blocks.append((_omit_merge(p, rng, stats, langs), set()))
    # 4. paragraph-break joins on one side
    for blk in blocks[1:]:
        if rng.random() < P_PARA_JOIN:
            blk[1].add(rng.choice((a, b)))
            stats['paragraph_joins'] += 1
    # 5. boilerplate, only at gaps not joined (gap g = before content block g; len = at the end)
    gaps = [g for g in range(len(blocks) + 1) if g == len(blocks) or not blocks[g][1]]
    inserts = []
    for _ in range(rng.randint(1, 3)):
        side = rng.choice((a, b))
        text, where = _boiler_text(rng, boiler, side, headlines)
        g = len(blocks) if where == 'end' else rng.choice(gaps)
        inserts.append((g, rng.random(), side, text))
        stats['boilerplate'] += 1
    for g, _, side, text in sorted(inserts, reverse=True):
        bead = ([text], []) if side == a else ([], [text])
        blocks.insert(g, ([bead], set()))
    return blocks


def _omit_merge(p, rng, stats, langs):
    """Steps 2 and 3 over one run of units p (a paragraph, or the whole document with --flat)."""
    a, b = langs
    # 2. omissions: a unit keeps one side only
    state = [rng.choice((a, b)) if rng.random() < P_OMIT else 'both' for _ in p]
    stats['omitted'] += sum(st != 'both' for st in state)
    beads, k = [], 0
    while k < len(p):
        v, f = p[k]
        # 3. merge with the next unit of this run on one side (both present on both sides)
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
        beads.append(([v] if state[k] != b else [], [f] if state[k] != a else []))
        k += 1
    return beads


def build_flat(units, rng, headlines, stats, langs=DEFAULT_LANGS, boiler=None):
    """--flat: no paragraphs. Returns beads [(L1 sents, L2 sents)] for the whole document:
    omissions and merges as in build() over the whole document as one run, then 0-2 boilerplate
    lines on a random side, each at a random gap between beads (start and end included)."""
    a, b = langs
    boiler = boiler or boiler_lists(langs)
    beads = _omit_merge(units, rng, stats, langs)
    inserts = []
    for _ in range(rng.randint(0, 2)):
        side = rng.choice((a, b))
        text, _where = _boiler_text(rng, boiler, side, headlines)
        inserts.append((rng.randint(0, len(beads)), rng.random(), side, text))
        stats['boilerplate'] += 1
    for g, _, side, text in sorted(inserts, reverse=True):
        beads.insert(g, ([text], []) if side == a else ([], [text]))
    return beads


def gold_lines(beads, n, langs):
    """Gold lines for beads, numbering from the counters n (dict lang -> next index; updated)."""
    gold = []
    for bd in beads:
        cols = []
        for lang, side in ((langs[0], 0), (langs[1], 1)):
            cols.append(','.join(str(n[lang] + j) for j in range(len(bd[side]))))
            n[lang] += len(bd[side])
        gold.append('\t'.join(cols))
    return gold


def write_pair(out, stem, blocks, langs=DEFAULT_LANGS, flat=False):
    a, b = langs
    paras = {a: [], b: []}
    gold, n = [], {a: 0, b: 0}
    prev = {a: False, b: False}  # did the previous block give this side a paragraph?
    for beads, join in blocks:
        for lang, side in ((a, 0), (b, 1)):
            sents = [s for bd in beads for s in bd[side]]
            if sents and lang in join and prev[lang]:
                paras[lang][-1].extend(sents)
            elif sents:
                paras[lang].append(sents)
            prev[lang] = bool(sents)
        gold.extend(gold_lines(beads, n, langs))
    for lang in (a, b):
        if flat:
            sents = [s for p in paras[lang] for s in p]
            txt = sent = ''.join(s + '\n' for s in sents)
        else:
            txt = ''.join(' '.join(p) + '\n' for p in paras[lang])
            sent = '\n'.join('\n'.join(p) + '\n' for p in paras[lang])
        with open(os.path.join(out, f'{stem}.{lang}.txt'), 'w', encoding='utf-8') as fh:
            fh.write(txt)
        with open(os.path.join(out, f'{stem}.{lang}.sent'), 'w', encoding='utf-8') as fh:
            fh.write(sent)
    with open(os.path.join(out, f'{stem}.gold'), 'w', encoding='utf-8') as fh:
        fh.write(''.join(g + '\n' for g in gold))
    return gold, n


def pair_list(s, n, what):
    v = tuple(x.strip() for x in s.split(','))
    if len(v) != n or not all(v):
        raise argparse.ArgumentTypeError(f'{what}: {n} comma-separated names expected, got {s!r}')
    return v


def add_corpus_args(ap):
    """--langs and --files, shared with scale_pairs.py."""
    ap.add_argument('--langs', type=lambda s: pair_list(s, 2, '--langs'), default=DEFAULT_LANGS,
                    help='language codes L1,L2 (default vi,fr); output names <stem>.<L1>.sent ...')
    ap.add_argument('--files', type=lambda s: pair_list(s, 3, '--files'), default=DEFAULT_FILES,
                    help='F1,F2,IDS in CORPUS_DIR: the two line-parallel files and the document ids '
                         '(default ntrex.vie.txt,ntrex.fra.txt,ntrex.docids)')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('corpus_dir')
    ap.add_argument('out_dir')
    ap.add_argument('--seed', type=int, default=42)
    add_corpus_args(ap)
    ap.add_argument('--prefix', default='ntrex', help='stem prefix (default ntrex)')
    ap.add_argument('--flat', action='store_true', help='no paragraph breaks; 0-2 boilerplate lines anywhere')
    a = ap.parse_args()
    langs = a.langs
    if langs[0] == langs[1]:
        ap.error('--langs: two different codes needed')
    boiler = boiler_lists(langs)
    docs = read_docs(a.corpus_dir, a.files)
    os.makedirs(a.out_dir, exist_ok=True)
    types, sents, paras, stats = (collections.Counter() for _ in range(4))
    for docid, units in docs.items():
        headlines = headlines_for(docs, docid, langs)
        rng = random.Random(f'{a.seed}:{docid}')
        stem = a.prefix + '-' + re.sub(r'[^A-Za-z0-9]', '-', docid)
        if a.flat:
            blocks = [(build_flat(units, rng, headlines, stats, langs, boiler), set())]
        else:
            blocks = build(units, rng, headlines, stats, langs, boiler)
        gold, n = write_pair(a.out_dir, stem, blocks, langs, a.flat)
        sents.update(n)
        for g in gold:
            v, f = g.split('\t')
            types[f"{len(v.split(',')) if v else 0}-{len(f.split(',')) if f else 0}"] += 1
        if not a.flat:
            for lang in langs:
                with open(os.path.join(a.out_dir, f'{stem}.{lang}.txt'), encoding='utf-8') as fh:
                    paras[lang] += sum(1 for l in fh if l.strip())
    total = sum(types.values())
    l1, l2 = langs
    nsrc = sum(len(u) for u in docs.values())
    print(f'pairs={len(docs)} seed={a.seed} source_sentences={nsrc}' + ('  flat' if a.flat else ''))
    print(f"sentences {l1}={sents[l1]} {l2}={sents[l2]}  "
          + (f"paragraphs {l1}={paras[l1]} {l2}={paras[l2]}" if not a.flat else 'paragraphs: none (flat)'))
    print(' '.join(f'{k}={stats[k]}' for k in ('omitted', 'merges', 'paragraph_joins', 'boilerplate'))
          + f"  (sentences in a merge: {100 * 2 * stats['merges'] / max(nsrc, 1):.1f}%)")
    print(f'beads={total} ' + ' '.join(f'{t}={c}' for t, c in sorted(types.items(), key=lambda x: -x[1]))
          + f'  non-1-1={100 * (total - types["1-1"]) / max(total, 1):.1f}%')


if __name__ == '__main__':
    main()
