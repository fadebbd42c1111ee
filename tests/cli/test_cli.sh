#!/usr/bin/env bash
# test_cli.sh — end-to-end tests of the tmkit dispatcher and the shared
# conventions: help, version, usage errors, bad input, exit codes, atomic
# output. Commands get their own files as they land.
. "$(dirname "$0")/lib.sh"

# --- dispatcher ----------------------------------------------------------
run "$TMKIT" --help
expect_status 0
expect_stdout_match '^Usage: tmkit'
expect_stdout_match 'normalize'

run "$TMKIT" --version
expect_status 0
expect_stdout_match '^tmkit [0-9]+\.[0-9]+\.[0-9]+$'

run "$TMKIT"
expect_status 1
expect_stderr '^Usage: tmkit'

run "$TMKIT" frobnicate
expect_status 1
expect_stderr "^tmkit: 'frobnicate' is not a tmkit command"
expect_stderr_lines 1

run "$TMKIT" help normalize
expect_status 0
expect_stdout_match '^Usage: tmkit normalize'

# --- normalize: options ---------------------------------------------------
run "$TMKIT" normalize --help
expect_status 0
expect_stdout_match 'Exit status'

run "$TMKIT" normalize --bogus
expect_status 1
expect_stderr "unrecognized option '--bogus'"
expect_stderr "Try 'tmkit normalize --help'"

run "$TMKIT" normalize --key nonsense
expect_status 1
expect_stderr "^tmkit: normalize: unknown key 'nonsense'"

run "$TMKIT" normalize a b
expect_status 1

# --- normalize: good input -------------------------------------------------
printf 'Cafe\xcc\x81\r\n\r\nThuỷ sản  Hoá\n' >"$WORK/in.txt"
run "$TMKIT" normalize "$WORK/in.txt"
expect_status 0
expect_stdout "$(printf 'Café\n\nThuỷ sản  Hoá')"

run "$TMKIT" normalize --paragraphs --key match "$WORK/in.txt"
expect_status 0
expect_stdout "$(printf 'café\nthuỷ sản hoá')"

run "$TMKIT" normalize -k fold "$WORK/in.txt"
expect_stdout "$(printf 'cafe\n\nthuy san hoa')"

# stdin, given as "-" and by default; a pipe is spooled and validated first
run bash -c "printf 'Móng Cái\n' | '$TMKIT' normalize -k fold -"
expect_status 0
expect_stdout 'mong cai'
run bash -c "printf 'Đông Hưng\n' | '$TMKIT' normalize -k fold"
expect_stdout 'dong hung'

# UTF-16LE with a BOM, as Windows tools write it
printf '\xff\xfeH\x00\xe0\x00\r\x00\n\x00' >"$WORK/u16.txt"
run "$TMKIT" normalize "$WORK/u16.txt"
expect_status 0
expect_stdout 'Hà'

run "$TMKIT" normalize -v "$WORK/u16.txt"
expect_stderr 'UTF-16LE'

# -o writes the file
run "$TMKIT" normalize -o "$WORK/out.txt" "$WORK/in.txt"
expect_status 0
expect_stdout ''
expect_file_content "$WORK/out.txt" "$(printf 'Café\n\nThuỷ sản  Hoá')"

# --- bad input: one line on stderr, exit 2, nothing written ----------------
printf 'good line\nbad \xff here\n' >"$WORK/bad.txt"
run "$TMKIT" normalize "$WORK/bad.txt"
expect_status 2
expect_stderr "^tmkit: $WORK/bad.txt:2: invalid UTF-8 \(byte 0xFF\) at byte offset 14, column 5$"
expect_stderr_lines 1
expect_stdout ''

# nothing written under the output name, and an old file is kept
run "$TMKIT" normalize -o "$WORK/never.txt" "$WORK/bad.txt"
expect_status 2
expect_no_file "$WORK/never.txt"
printf 'keep me\n' >"$WORK/kept.txt"
run "$TMKIT" normalize -o "$WORK/kept.txt" "$WORK/bad.txt"
expect_status 2
expect_file_content "$WORK/kept.txt" 'keep me'

# invalid input on stdin: also nothing on stdout
run bash -c "printf 'ok\n\xc0\xaf\n' | '$TMKIT' normalize"
expect_status 2
expect_stderr '^tmkit: <stdin>:2: invalid UTF-8'
expect_stdout ''

printf 'nul\000byte\n' >"$WORK/nul.txt"
run "$TMKIT" normalize "$WORK/nul.txt"
expect_status 2
expect_stderr ':1: NUL byte at byte offset 3'

printf 'H\000i\000\n\000' >"$WORK/u16nobom.txt"
run "$TMKIT" normalize "$WORK/u16nobom.txt"
expect_status 2
expect_stderr 'UTF-16 without a byte-order mark'

printf '\xff\xfe\x00\xdc' >"$WORK/surrogate.txt"
run "$TMKIT" normalize "$WORK/surrogate.txt"
expect_status 2
expect_stderr 'unpaired surrogate 0xDC00'

: >"$WORK/empty.txt"
run "$TMKIT" normalize "$WORK/empty.txt"
expect_status 0
expect_stdout ''

# --- I/O errors: exit 3 -------------------------------------------------------
run "$TMKIT" normalize "$WORK/does-not-exist.txt"
expect_status 3
expect_stderr "^tmkit: $WORK/does-not-exist.txt: cannot open: No such file or directory$"

run "$TMKIT" normalize "$WORK"
expect_status 3
expect_stderr 'is a directory'

run "$TMKIT" normalize -o "$WORK/no/such/dir/out.txt" "$WORK/in.txt"
expect_status 3
expect_stderr 'cannot create output'

if [ -w /dev/full ]; then
    run bash -c "'$TMKIT' normalize '$WORK/in.txt' >/dev/full"
    expect_status 3
    expect_stderr 'write error'
fi

finish
