#!/usr/bin/env bash
# test_text.sh — hostile plain-text input to `tmkit segment`, `tmkit normalize`
# and `tmkit align` (either side): invalid, overlong and surrogate UTF-8, a lone
# UTF-16 surrogate, NUL bytes, binary files, UTF-16 without a BOM, a directory,
# a missing and an unreadable file (exit 2 or 3, one line on stderr naming the
# file, nothing on stdout, -o OUT absent or unchanged); empty and blank files.
. "$(dirname "$0")/common.sh"
W="$WORK"
GOOD="$W/good.txt"
printf 'Hai bên thống nhất đẩy mạnh hợp tác.\nHai bên ký biên bản ghi nhớ.\n' >"$GOOD"

# --- generated inputs -------------------------------------------------------------
printf 'Xin chào.\nbad \xff here\n' >"$W/invalid.txt"
printf 'Xin chào.\nslash \xc0\xaf here\n' >"$W/overlong2.txt"
printf 'Xin chào.\nslash \xe0\x80\xaf here\n' >"$W/overlong3.txt"
printf 'Xin chào.\nnul \xf0\x80\x80\x80 here\n' >"$W/overlong4.txt"
printf 'Xin chào.\nsurrogate \xed\xa0\x80 here\n' >"$W/surrogate.txt"
printf 'Xin chào.\nbeyond \xf4\x90\x80\x80 U+10FFFF\n' >"$W/beyond.txt"
printf 'Xin chào.\ncut \xe1\xba' >"$W/cutseq.txt"
printf '\xff\xfeA\x00\x00\xd8B\x00\n\x00' >"$W/utf16le-lone.txt"     # BOM, A, lone high surrogate, B
printf '\xfe\xff\x00A\xdc\x00\x00B\x00\n' >"$W/utf16be-lone.txt"     # BOM, A, lone low surrogate, B
printf 'Xin chào.\nab\0cd\n' >"$W/nul.txt"
printf 'H\x00i\x00.\x00 \x00\n\x00' >"$W/utf16-nobom.txt"
# 4 KiB of reproducible "random" bytes (an LCG in awk: no /dev/urandom, same every run)
LC_ALL=C awk 'BEGIN { x = 12345; for (i = 0; i < 4096; i++) { x = (x * 1103515245 + 12345) % 2147483648; printf "%c", int(x / 65536) % 256 } }' >"$W/random.bin"
[ "$(wc -c <"$W/random.bin")" = 4096 ] || echo "note: random.bin has $(wc -c <"$W/random.bin") bytes"
cp "$TMKIT" "$W/tmkit-copy.bin"
mkdir "$W/dir.txt"
: >"$W/empty.txt"
printf '  \n\t\n \r\n\r\n' >"$W/blank.txt"

# file  status  stderr regex (after "FILE:")
cases="invalid.txt 2 invalid UTF-8
overlong2.txt 2 invalid UTF-8 \(byte 0xC0\)
overlong3.txt 2 invalid UTF-8 \(byte 0xE0\)
overlong4.txt 2 invalid UTF-8 \(byte 0xF0\)
surrogate.txt 2 invalid UTF-8 \(byte 0xED\)
beyond.txt 2 invalid UTF-8 \(byte 0xF4\)
cutseq.txt 2 invalid UTF-8
utf16le-lone.txt 2 invalid UTF-16: unpaired surrogate 0xD800
utf16be-lone.txt 2 invalid UTF-16: unpaired surrogate 0xDC00
nul.txt 2 NUL byte
utf16-nobom.txt 2 NUL byte
random.bin 2 (invalid UTF-8|NUL byte)
tmkit-copy.bin 2 (invalid UTF-8|NUL byte)
dir.txt 3 is a directory
missing.txt 3 cannot open"

# One bad file through every command; OUT must not appear, PREV must keep its content.
try_all() { # FILE STATUS REGEX
    local f="$W/$1" want=$2 re=$3 out_file="$W/out" prev="$W/prev"
    for cmd in segment normalize; do
        rm -f "$out_file"
        run "$TMKIT" $cmd -o "$out_file" "$f"
        expect_error "$want" "$f"
        expect_stderr "$(re_quote "$1")(:[0-9]+)?: $re"
        expect_no_file "$out_file"
        run "$TMKIT" $cmd "$f"            # to stdout: nothing at all
        expect_error "$want" "$f"
    done
    printf 'previous\n' >"$prev"
    run "$TMKIT" align -o "$prev" "$f" "$GOOD"
    expect_error "$want" "$f"
    expect_file_content "$prev" previous
    run "$TMKIT" align -f tsv "$GOOD" "$f"
    expect_error "$want" "$f"
}
while read -r file want re; do
    try_all "$file" "$want" "$re"
done <<<"$cases"

# the byte offset of an overlong sequence is the file offset of its lead byte
run "$TMKIT" segment "$W/overlong3.txt"
expect_stderr 'overlong3\.txt:2: invalid UTF-8 \(byte 0xE0\) at byte offset 17,'

# --- unreadable file (root reads anything: run as nobody, or skip) ------------------
if can_drop_root; then
    chmod 755 "$W"   # nobody must reach the files
    printf 'Bonjour.\n' >"$W/unreadable.txt"
    chmod 000 "$W/unreadable.txt"
    for cmd in segment normalize; do
        run unprivileged "$TMKIT" $cmd "$W/unreadable.txt"
        expect_error 3 "$W/unreadable.txt"
        expect_stderr 'unreadable\.txt: cannot open: Permission denied'
    done
    run unprivileged "$TMKIT" align "$GOOD" "$W/unreadable.txt"
    expect_error 3 "$W/unreadable.txt"
    chmod 700 "$W"
else
    echo "SKIP: unreadable file: running as root without setpriv"
fi

# --- empty and blank files: no paragraphs, no sentences --------------------------------
for f in empty.txt blank.txt; do
    run "$TMKIT" segment "$W/$f"
    expect_status 0
    expect_stdout ''
    expect_stderr_lines 0
    run "$TMKIT" segment --format jsonl "$W/$f"
    expect_status 0
    expect_stdout ''
    run "$TMKIT" normalize -p "$W/$f"
    expect_status 0
    expect_stdout ''
    rm -f "$W/out"
    run "$TMKIT" align -o "$W/out" "$W/$f" "$GOOD"
    expect_error 2 "$W/$f"
    expect_stderr 'no sentences to align'
    expect_no_file "$W/out"
    run "$TMKIT" align "$GOOD" "$W/$f"
    expect_error 2 "$W/$f"
done
run "$TMKIT" normalize "$W/blank.txt"     # blank lines survive, CR LF becomes LF
expect_status 0
[ "$(cat "$WORK/.out")" = "$(printf '  \n\t\n \n\n')" ] && ok || fail "normalize of a blank file: $(od -c "$WORK/.out" | head -3)"

finish
