#!/bin/sh
# check-layers.sh — the library's folders form a line (README.md, Layout):
#
#   util -> text -> segment -> align -> tmx -> match -> store -> job -> cli
#
# A file may include a header of its own folder or of a folder to its left,
# never one to its right, so that no module depends on one above it and no
# two modules depend on each other. Run by `make check`; prints each
# offending #include as FILE:LINE and fails.
#
#   check-layers.sh SRCDIR
set -u
src=${1:-${top_srcdir:-.}}
order="util text segment align tmx match store job cli"

rank() {
    i=0
    for m in $order; do
        [ "$m" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
    echo -1
}

bad=0
for f in "$src"/src/lib/*/*.[ch] "$src"/src/cli/*.[ch]; do
    [ -e "$f" ] || continue
    dir=$(basename "$(dirname "$f")")
    me=$(rank "$dir")
    if [ "$me" -lt 0 ]; then
        echo "$f: folder '$dir' is not in the layer order ($order)"
        bad=1
        continue
    fi
    # quoted includes that name a module folder, and tmkit.h (the whole library)
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
    while IFS= read -r line; do
        n=${line%%:*}
        inc=$(printf '%s\n' "$line" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/')
        case $inc in
        */*) them=$(rank "${inc%%/*}") ;;
        tmkit.h) them=$(rank job) ;; # the umbrella: every module
        *) continue ;; # the file's own folder
        esac
        if [ "$them" -lt 0 ] || [ "$them" -gt "$me" ]; then
            echo "$f:$n: includes \"$inc\", which is above $dir/ in $order"
        fi
    done
done | { if read -r first; then echo "$first"; cat; exit 1; fi; }
status=$?
[ $bad -eq 0 ] && [ $status -eq 0 ] && echo "layers: every include points down ($order)"
[ $bad -eq 0 ] && [ $status -eq 0 ]
