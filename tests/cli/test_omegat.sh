#!/usr/bin/env bash
# test_omegat.sh — a real CAT tool accepts tmkit's TMX: OmegaT (Debian
# package omegat), run headless, translates a source file from a project
# whose tm/auto/ holds a TMX written by tmkit. Skipped (exit 77) without OmegaT.
. "$(dirname "$0")/lib.sh"

if ! command -v omegat >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
    echo "SKIP: OmegaT is not installed (apt-get install omegat)"
    exit 77
fi

proj="$WORK/proj"
mkdir -p "$proj"/{source,target,tm/auto,glossary,dictionary,omegat}
cat >"$proj/omegat.project" <<'XML'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <source_dir_excludes/>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>vi</source_lang>
        <target_lang>fr</target_lang>
        <source_tok>org.omegat.tokenizer.LuceneDefaultTokenizer</source_tok>
        <target_tok>org.omegat.tokenizer.LuceneFrenchTokenizer</target_tok>
        <sentence_seg>true</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
XML

# 1. tmkit's aligner writes the TMX of a corpus pair into tm/auto/; the
#    source file holds three of its 1-1 sentences, one paragraph each.
C="$top_srcdir/corpora"
run "$TMKIT" align -o "$proj/tm/auto/qn-gx-talks.tmx" "$C/qn-gx-talks.vi.txt" "$C/qn-gx-talks.fr.txt"
expect_status 0
"$TMKIT" align -f tsv "$C/qn-gx-talks.vi.txt" "$C/qn-gx-talks.fr.txt" |
    awk -F'\t' '$1 !~ /[.!?] / && $2 !~ /[.!?] / && $3 > 0.9' | head -n 3 >"$WORK/pairs.tsv"
[ "$(wc -l <"$WORK/pairs.tsv")" = 3 ] && ok || fail "three confident 1-1 beads to test with"
cut -f1 "$WORK/pairs.tsv" | sed 'a\
' >"$proj/source/report.txt"
cut -f2 "$WORK/pairs.tsv" | sed 'a\
' >"$WORK/expected.txt"

# 2. a TMX tmkit wrote from a memoQ-shaped export (inline codes included)
run "$TMKIT" tmx convert --to tmx -o "$proj/tm/auto/tmkit.tmx" "$top_srcdir/tests/fixtures/tmx/memoq.tmx"
expect_status 0
printf 'Quảng Tây là đối tác quan trọng của Việt Nam.\n\n' >>"$proj/source/report.txt"
printf 'Le Guangxi est un partenaire important du Vietnam.\n\n' >>"$WORK/expected.txt"

run timeout 600 omegat --mode=console-translate --config-dir="$WORK/omegat-config" \
    --disable-project-locking --no-team --quiet "$proj"
expect_status 0
run diff "$WORK/expected.txt" "$proj/target/report.txt"
expect_status 0

finish
