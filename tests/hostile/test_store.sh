#!/usr/bin/env bash
# test_store.sh — damaged stores given to `tmkit check`, `query`, `export`,
# `stats` (and `import`): a store truncated at 20 places, 50 single-bit flips
# (fixed seed), flips in the header slots, a store from a future format
# version, files that are not stores. Each command either fails cleanly (exit
# 2, one line naming the store, nothing on stdout, no -o file) or succeeds with
# exactly the output of the intact store; check never passes a store that
# another command then finds damaged.
. "$(dirname "$0")/common.sh"
W="$WORK"
D="$W/d.tmdb"          # every store under test is copied here: same name, same output

# a store of two commits (two segments), several compressed blocks each
mktmx 0 2000 >"$W/a.tmx"
mktmx 2000 1000 >"$W/b.tmx"
"$TMKIT" import -q "$W/good.tmdb" "$W/a.tmx"
"$TMKIT" import -q "$W/good.tmdb" "$W/b.tmx"
SIZE=$(stat -c %s "$W/good.tmdb")
Q1='Câu số 1234 về hợp tác thương mại giữa hai tỉnh biên giới.'
Q2='Câu số 2500 về hợp tác thương mại giữa hai tỉnh.'

run_command() { # NAME: one of the five commands on $D
    case $1 in
    check | stats) run "$TMKIT" $1 "$D" ;;
    query1) run "$TMKIT" query -n 3 --format jsonl "$D" "$Q1" ;;
    query2) run "$TMKIT" query -n 3 "$D" "$Q2" ;;
    export) run "$TMKIT" export -o "$W/exp.tmx" "$D" ;;
    esac
}

# the five commands, their outputs in $W/ref.* (status, stdout; export's file)
commands() { # PREFIX: run each command on $D, record into PREFIX.*
    local p=$1 i=0
    for c in check stats query1 query2 export; do
        rm -f "$W/exp.tmx"
        run_command $c
        [ $c = export ] && out=$(grep -v "<header " "$W/exp.tmx" 2>/dev/null)
        eval "${p}_${c}_status=\$status"
        printf '%s' "$out" >"$W/$p.$c"
    done
}
cp "$W/good.tmdb" "$D"

commands ref
for c in check stats query1 query2 export; do
    s=ref_${c}_status
    [ "${!s}" = 0 ] && [ -s "$W/ref.$c" ] && ok || fail "intact store: $c should succeed with output"
done
grep -q '^units: 3000$' "$W/ref.stats" && ok || fail "3000 units expected: $(cat "$W/ref.stats")"

# the damaged store in $D: clean failure, or the intact store's exact answer
judge() { # WHAT
    local what=$1 c s
    for c in check stats query1 query2 export; do
        rm -f "$W/exp.tmx"
        run_command $c
        last_cmd="$last_cmd   [$what]"
        eval "${c}_status=\$status"
        if [ "$status" = 0 ]; then
            [ "$c" = export ] && out=$(grep -v "<header " "$W/exp.tmx" 2>/dev/null)
            [ "$out" = "$(cat "$W/ref.$c")" ] && ok || fail "$c succeeded with an answer that differs from the intact store's"
        else
            expect_error 2 "$D"
            expect_stderr 'd\.tmdb: (damaged store|not a tmkit store|store written by format version)'
            [ "$c" = export ] && expect_no_file "$W/exp.tmx"
        fi
    done
    # what check passes, every command reads
    if [ "$check_status" = 0 ]; then
        [ "$export_status" = 0 ] && [ "$query1_status" = 0 ] && [ "$query2_status" = 0 ] && [ "$stats_status" = 0 ] \
            && ok || fail "check passed a store that another command finds damaged [$what]"
    fi
}

# --- truncated at 20 places: always damage --------------------------------------------------
cuts="0 1 7 8 100 4095 4096 4097 8191 8192 8193"
for k in 1 2 3 4 5 6 7 8; do cuts="$cuts $((8192 + k * (SIZE - 8193) / 9))"; done
cuts="$cuts $((SIZE - 1))"
for c in $cuts; do
    head -c "$c" "$W/good.tmdb" >"$D"
    judge "truncated to $c bytes"
    [ "$check_status" = 2 ] && ok || fail "check must find a store truncated to $c of $SIZE bytes damaged"
done

# --- 50 single-bit flips, fixed seed ----------------------------------------------------------
# Not in the first 56 bytes of a header slot (magic, version, txid, commit end,
# segment list, CRC): the header slots are covered below.
flip() { # FILE OFFSET BIT
    local v
    v=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
    printf "\\$(printf %03o $(((v ^ (1 << $3)) & 255)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
RANDOM=20261125
n=0
while [ $n -lt 50 ]; do
    off=$((((RANDOM << 15) | RANDOM) % SIZE))
    bit=$((RANDOM % 8))
    if [ $((off % 4096)) -lt 56 ] && [ $off -lt 8192 ]; then continue; fi
    n=$((n + 1))
    cp "$W/good.tmdb" "$D"
    flip "$D" $off $bit
    cmp -s "$D" "$W/good.tmdb" && { fail "flip at $off changed nothing"; continue; }
    judge "bit $bit of byte $off flipped"
    if [ $off -ge 8192 ]; then    # in the data: check must see it
        [ "$check_status" = 2 ] && ok || fail "check must find a flip of bit $bit at byte $off (data) [status $check_status]"
    fi
done

# --- the header slots ----------------------------------------------------------------------------
txid() { od -An -tu4 -j $(($2 + 16)) -N4 "$1" | tr -d ' '; }   # low 32 bits of the txid (LE)
if [ "$(txid "$W/good.tmdb" 0)" -gt "$(txid "$W/good.tmdb" 4096)" ]; then NEW=0 OLD=4096; else NEW=4096 OLD=0; fi
# the older slot's head, and the unused tails of both slots: the newest commit
# still answers every query, and check reports the damaged slot
for off in $OLD $((OLD + 8)) $((OLD + 20)) $((OLD + 53)) $((NEW + 56)) $((NEW + 1000)) $((OLD + 4095)); do
    cp "$W/good.tmdb" "$D"
    flip "$D" $off 3
    judge "slot byte $off flipped"
    for c in stats query1 query2 export; do
        s=${c}_status
        [ "${!s}" = 0 ] && ok || fail "a flip in the older slot or a slot's tail must not stop $c (byte $off)"
    done
    [ "$check_status" = 2 ] && ok || fail "check must report a flip in a header slot (byte $off)"
done
# the newest slot's head, a flip in each field (magic, format, txid, commit
# end, segment list offset, length and CRC, the slot's CRC): no command falls
# back to the commit before it (a crash never tears a slot: docs/store.md),
# and an import leaves the file as it is rather than cut the newest commit off
for f in 0 8 20 24 32 40 48 53; do
    cp "$W/good.tmdb" "$D"
    flip "$D" $((NEW + f)) 1
    judge "newest slot byte $f flipped"
    for c in check stats query1 query2 export; do
        s=${c}_status
        [ "${!s}" = 2 ] && ok || fail "a flip in the newest slot (byte $f) must stop $c"
    done
    expect_stderr 'header slot [AB] fails its checksum and may hold the last commit'
    sum=$(cksum <"$D")
    run "$TMKIT" import "$D" "$W/b.tmx"
    expect_error 2 "$D"
    [ "$(cksum <"$D")" = "$sum" ] && ok || fail "an import into a store whose newest slot is damaged changed it (byte $f)"
done
# both slots' magic gone: not a store; both CRCs broken: damaged
cp "$W/good.tmdb" "$D"; flip "$D" 0 0; flip "$D" 4096 0
judge "both magics broken"
expect_stderr 'not a tmkit store'
cp "$W/good.tmdb" "$D"; flip "$D" 30 1; flip "$D" $((4096 + 30)) 1
judge "both slot CRCs broken"
expect_stderr 'both header slots fail their checksum'
for c in check stats query1 query2 export; do
    s=${c}_status
    [ "${!s}" = 2 ] && ok || fail "both slots broken: $c should fail"
done

# --- a future format version: the version field of both slots patched, CRCs fixed ------------------
# slot layout (src/lib/store/store_file.c, tm_slot_encode): magic[8], u32 format @8, ...,
# u32 CRC32 of bytes 0..51 @52, little-endian. CRC32 as gzip's trailer computes it.
crc32_le() { gzip -c | tail -c 8 | head -c 4; }
cur=$("$TMKIT" stats "$W/good.tmdb" | sed -n 's/^format: //p')
fut=$((cur + 1))
# D = good.tmdb with both slots claiming format $1, their CRCs fixed
set_format() {
    cp "$W/good.tmdb" "$D"
    for base in 0 4096; do
        printf "\\$(printf '%03o' "$1")\\000\\000\\000" | dd of="$D" bs=1 seek=$((base + 8)) conv=notrunc status=none
        dd if="$D" bs=1 skip=$base count=52 status=none | crc32_le | dd of="$D" bs=1 seek=$((base + 52)) conv=notrunc status=none
    done
}
set_format "$fut"
[ "$(cmp -l "$D" "$W/good.tmdb" | awk '$1 != 9 && $1 != 4105 && !($1 >= 53 && $1 <= 56) && !($1 >= 4149 && $1 <= 4152)' | wc -l)" = 0 ] \
    && ok || fail "only the version and the CRCs should differ"
# refused_format V STDERR_RE: d.tmdb (of format V) is refused by every reader and by import,
# which leaves it untouched
refused_format() {
    judge "format version $1"
    for c in check stats query1 query2 export; do
        s=${c}_status
        [ "${!s}" = 2 ] && ok || fail "format $1: $c should fail"
    done
    run "$TMKIT" check "$D"
    expect_stderr "$2"
    cp "$D" "$W/format-$1.tmdb"
    run "$TMKIT" import "$D" "$W/b.tmx"
    expect_error 2 "$D"
    expect_stderr "format version $1"
    cmp -s "$D" "$W/format-$1.tmdb" && ok || fail "import must not touch a store of format $1"
}
refused_format "$fut" '^tmkit: .*d\.tmdb: store written by format version '"$fut"'; this tmkit reads version '"$cur"' at most$'

# --- an older format version (a store from before a format change): refused, untouched -------------
old=$((cur - 1))
set_format "$old"
refused_format "$old" '^tmkit: .*d\.tmdb: store written by format version '"$old"', which this tmkit \(version '"$cur"'\) no longer reads: export it with the tmkit that wrote it and import the TMX$'

# --- not stores at all ----------------------------------------------------------------------------
printf 'not a store\n' >"$W/text.tmdb"
head -c 20000 "$TMKIT" >"$W/elf.tmdb"
: >"$W/empty.tmdb"
cp "$W/a.tmx" "$W/tmx.tmdb"
for f in text elf empty tmx; do
    cp "$W/$f.tmdb" "$D"
    judge "$f file as a store"
    [ "$check_status" = 2 ] && ok || fail "$f.tmdb is not a store"
    run "$TMKIT" import "$D" "$W/b.tmx"
    if [ $f = empty ]; then      # an empty file is taken as a new store
        expect_status 0
        run "$TMKIT" check "$D"
        expect_status 0
        continue
    fi
    expect_error 2 "$D"
    cmp -s "$D" "$W/$f.tmdb" && ok || fail "import must leave a non-store file ($f) alone"
done

# a damaged store refuses imports and stays as it was
cp "$W/good.tmdb" "$D"; flip "$D" $((SIZE / 2)) 4; cp "$D" "$W/damaged.tmdb"
run "$TMKIT" import "$D" "$W/b.tmx"
no_crash
[ "$status" = 0 ] || [ "$status" = 2 ] && ok || fail "import into a damaged store: status 0 or 2"
if [ "$status" = 2 ]; then
    cmp -s "$D" "$W/damaged.tmdb" && ok || fail "a refused import must leave the store as it was"
fi
finish
