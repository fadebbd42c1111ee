#!/usr/bin/env bash
# build.sh — build the libFuzzer harnesses (run by `make fuzz`).
#
#   build.sh OUTDIR SRCDIR CC "CFLAGS" "LIBS" LIBSOURCE.c...
#
# Every library source is compiled with clang's fuzzer instrumentation,
# AddressSanitizer and UndefinedBehaviorSanitizer (halting on the first
# error), and FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION (the store accepts
# any checksum, see fuzz_store.c); then each tests/fuzz/fuzz_*.c is linked
# with libFuzzer into OUTDIR/fuzz_NAME.
set -euo pipefail
out=$1 src=$2 cc=$3 cflags=$4 libs=$5
shift 5
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
common="-std=c11 -g -O1 -D_DEFAULT_SOURCE -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION $san -I$src/src/lib $cflags"
mkdir -p "$out/obj"
objs=()
for c in "$@"; do
    o="$out/obj/$(basename "${c%.c}").o"
    if [ ! -e "$o" ] || [ "$c" -nt "$o" ] || [ -n "$(find "$src/src/lib" -name '*.h' -newer "$o" -print -quit)" ]; then
        echo "  CC (fuzz) $c"
        $cc $common -fsanitize=fuzzer-no-link -c "$c" -o "$o"
    fi
    objs+=("$o")
done
for h in "$src"/tests/fuzz/fuzz_*.c; do
    name=$(basename "${h%.c}")
    echo "  LINK (fuzz) $out/$name"
    $cc $common -fsanitize=fuzzer "$h" "${objs[@]}" -o "$out/$name" $libs
done
