#!/usr/bin/env python3
"""tt_tmdb.py — translate-toolkit's translation-memory store (tmdb: SQLite full-text
filter, then Levenshtein) on the same memory and queries as tmkit's store bench.

    tt_tmdb.py DB MEMORY.tmx QUERIES.tsv MAX_PER_KIND TOP1.tsv

Prints build_s, then per query kind p50/p99 latency in microseconds, then
peak_rss_mb. TOP1.tsv gets 'line<TAB>score<TAB>target<TAB>source' of each
query's best match (same shape as bench/store_bench). Settings: min_similarity 70, 5
candidates, vi -> fr. Debian package translate-toolkit; /usr/bin/python3.
"""
import resource
import sys
import time

from translate.storage import tmdb, tmx

db, memory, queries, per_kind, top1 = sys.argv[1:6]
per_kind = int(per_kind)
t = time.monotonic()
d = tmdb.TMDB(db, max_candidates=5, min_similarity=70, max_length=1000)
# add_store would take the units' own language, which translate-toolkit's TMX
# reader reports as 'en' here: add each unit as vi -> fr explicitly.
for unit in tmx.tmxfile.parsefile(memory).units:
    if unit.source and unit.target:
        d.add_dict({'source': unit.source, 'target': unit.target, 'context': ''}, 'vi', 'fr', commit=False)
d.connection.commit()
print('build_s=%.2f' % (time.monotonic() - t))
lat = {'exact': [], 'fuzzy': []}
with open(top1, 'w', encoding='utf-8') as out:
    for lineno, line in enumerate(open(queries, encoding='utf-8'), 1):
        kind, text = line.rstrip('\n').split('\t', 1)
        if len(lat[kind]) >= per_kind:
            continue
        t0 = time.monotonic()
        r = d.translate_unit(text, 'vi', 'fr')
        lat[kind].append((time.monotonic() - t0) * 1e6)
        best = r[0] if r else None
        out.write('%d\t%s\t%s\t%s\n' % (lineno, best['quality'] if best else 0,
                                          best['target'] if best else '', best['source'] if best else ''))
for kind, v in lat.items():
    v.sort()
    if v:
        print('kind=%s queries=%d p50_us=%.0f p99_us=%.0f' % (kind, len(v), v[len(v) // 2], v[len(v) * 99 // 100]))
print('peak_rss_mb=%.0f' % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
