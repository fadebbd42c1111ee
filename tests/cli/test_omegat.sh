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

# tmkit writes the TMX (TMX 1.4b, from a memoQ-shaped export)
run "$TMKIT" tmx convert --to tmx -o "$proj/tm/auto/tmkit.tmx" "$top_srcdir/tests/fixtures/tmx/memoq.tmx"
expect_status 0
printf 'Quảng Tây là đối tác quan trọng của Việt Nam.\n\nThuỷ sản và khoẻ mạnh.\n' >"$proj/source/report.txt"

run timeout 600 omegat --mode=console-translate --config-dir="$WORK/omegat-config" \
    --disable-project-locking --no-team --quiet "$proj"
expect_status 0
run cat "$proj/target/report.txt"
expect_stdout "$(printf 'Le Guangxi est un partenaire important du Vietnam.\n\nProduits aquatiques et bonne santé.')"

finish
