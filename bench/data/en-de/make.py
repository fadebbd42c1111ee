#!/usr/bin/python3
"""make.py — rebuild the en-de development corpus (ende.en.txt, ende.de.txt, ende.docids).

Usage:
  make.py --acoli ACOLI --counting COUNTING [--out DIR]

ACOLI     a checkout (work tree or bare git directory) of acoli-repo/acoli-corpora; only
          fairy-tales/src/grimm/en/khm-NNN.1884.md is read (Margaret Hunt's 1884 English
          translation of the Grimms' 1857 edition, transcribed from Wikisource).
          A directory that directly holds the khm-NNN.1884.md files is accepted too.
COUNTING  a checkout (work tree or bare git directory) of GuenterPartosch/Counting_texts;
          only input/de-grimm.txt is read (the German Kinder- und Hausmärchen, 1857 text).
          A path to de-grimm.txt itself is accepted too.
DIR       output directory (default: the directory of this script).

Literary part (docids lit-NNN): for each tale listed in grimm.pairs, both sides are split
into sentences by split_sents() below and the sentence pairs listed in grimm.pairs are
written in order (one tale = one document). grimm.pairs lists only verified 1-1 pairs;
passages whose sentences do not correspond 1-1 are left out (see README.md).
News part (docids news-NNN): read from news.en-de.txt (written for this corpus; "@@ ID"
starts a document, then alternating English / German lines).
Standard library only. Prints line counts and an MD5 of each output file.
"""
import argparse, hashlib, os, re, subprocess, sys, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
EN_PATH = 'fairy-tales/src/grimm/en/khm-%03d.1884.md'
DE_PATH = 'input/de-grimm.txt'


def norm(s):
    s = unicodedata.normalize('NFC', s).replace('\u00ad', '').replace('\ufeff', '')
    return re.sub(r'\s+', ' ', s).strip()


def read_from(root, rel, direct_name):
    """Text of rel inside root: a work tree, a bare git dir, or a dir/file holding it."""
    if os.path.isfile(root):
        return open(root, encoding='utf-8-sig').read()
    for cand in (os.path.join(root, rel), os.path.join(root, direct_name)):
        if os.path.isfile(cand):
            return open(cand, encoding='utf-8-sig').read()
    gitdir = root if os.path.isdir(os.path.join(root, 'objects')) else os.path.join(root, '.git')
    try:
        out = subprocess.run(['git', '--git-dir', gitdir, 'show', 'HEAD:' + rel],
                             capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        sys.exit('make.py: cannot find %s under %s' % (rel, root))
    return out.stdout.decode('utf-8-sig')


def german_tales(text):
    """{KHM number: tale text} from de-grimm.txt (tales start with a line 'N. Title')."""
    tales, cur, buf = {}, None, []
    for line in text.split('\n'):
        s = line.strip()
        m = re.match(r'^(\d+)\. (\S.*)$', s)
        if m and len(s) < 90 and not re.search(r'[.!?«»]$', s):
            if cur:
                tales[cur] = buf
            cur, buf = int(m.group(1)), []
            continue
        if cur:
            buf.append(line)
    if cur:
        tales[cur] = buf
    return {k: norm(' '.join(v)) for k, v in tales.items()}


def english_tale(text):
    """Body of an acoli khm-NNN.1884.md file: no '#' header lines, no title, no cite marks."""
    body, first = [], True
    for l in text.split('\n'):
        if l.startswith('#'):
            continue
        if first and l.strip():
            first = False
            if re.match(r'^\d+\. [A-Z]', l.strip()):
                continue
        body.append(l)
    return norm(re.sub(r'\^\(#cite_note-\d+\)\^', '', ' '.join(body)))


OPEN = '"“„»‘\'('
CLOSE = '"”“«’\')'
SPLIT = re.compile(r'[.!?]+[' + re.escape(CLOSE) + r']*(?=\s+[' + re.escape(OPEN) + r']?\s?[A-ZÄÖÜ])')


def split_sents(t):
    """Split after . ! ? (and closing quotes) followed by an (optionally quoted) capital."""
    out, start = [], 0
    for m in SPLIT.finditer(t):
        seg = t[start:m.end()].strip()
        if re.search(r'\b(Mr|Mrs|St|Dr)\.$', seg):
            continue
        out.append(seg)
        start = m.end()
    if t[start:].strip():
        out.append(t[start:].strip())
    return out


def literary(acoli, counting):
    de = german_tales(read_from(counting, DE_PATH, 'de-grimm.txt'))
    pairs = {}
    for line in open(os.path.join(HERE, 'grimm.pairs'), encoding='utf-8'):
        if line.startswith('#') or not line.strip():
            continue
        k, i, j = map(int, line.split())
        pairs.setdefault(k, []).append((i, j))
    rows = []
    for n, k in enumerate(pairs, 1):
        en = split_sents(english_tale(read_from(acoli, EN_PATH % k, os.path.basename(EN_PATH % k))))
        ge = split_sents(de[k])
        for i, j in pairs[k]:
            rows.append((en[i], ge[j], 'lit-%03d' % n))
    return rows


def news():
    rows, doc, buf = [], None, []
    def flush():
        if doc:
            if len(buf) % 2:
                sys.exit('make.py: odd number of lines in ' + doc)
            rows.extend((norm(e), norm(g), doc) for e, g in zip(buf[0::2], buf[1::2]))
    for line in open(os.path.join(HERE, 'news.en-de.txt'), encoding='utf-8'):
        if line.startswith('@@ '):
            flush()
            doc, buf = line[3:].strip(), []
        elif line.strip():
            buf.append(line)
    flush()
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--acoli', required=True)
    ap.add_argument('--counting', required=True)
    ap.add_argument('--out', default=HERE)
    a = ap.parse_args()
    rows = literary(a.acoli, a.counting) + news()
    for e, g, d in rows:
        assert e and g and '\t' not in e + g, (e, g)
    files = {'ende.en.txt': [r[0] for r in rows], 'ende.de.txt': [r[1] for r in rows],
             'ende.docids': [r[2] for r in rows]}
    for name, lines in files.items():
        data = ('\n'.join(lines) + '\n').encode('utf-8')
        with open(os.path.join(a.out, name), 'wb') as fh:
            fh.write(data)
        print('%-12s %5d lines  md5 %s' % (name, len(lines), hashlib.md5(data).hexdigest()))
    for g in ('lit', 'news'):
        print('%-5s %d pairs, %d documents' % (g, sum(r[2].startswith(g + '-') for r in rows),
                                                len({r[2] for r in rows if r[2].startswith(g + '-')})))


if __name__ == '__main__':
    main()
