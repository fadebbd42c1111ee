#!/usr/bin/env bash
# tmx.sh — TMX writer/reader throughput, and translate-toolkit reading the
# same file in the same run. Usage: bench/tmx.sh BUILDDIR SRCDIR
# (or `make bench`). TMX_BENCH_MB sets the file size (default 500).
set -euo pipefail
build=$1 src=$2
. "$src/bench/lib.sh"
mb=${TMX_BENCH_MB:-500}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
file="$tmp/bench.tmx"

w=$("$build/bench/tmx_bench" write "$file" "$mb" "$src/corpora")
r=$("$build/bench/tmx_bench" read "$file")
echo "$w"
echo "$r"

peer="translate-toolkit not installed (Debian package translate-toolkit): not compared"
tt_line=
if /usr/bin/python3 -c 'import translate.storage.tmx' 2>/dev/null; then
    tt_line=$(/usr/bin/python3 - "$file" <<'PY'
import resource, sys, time, os
from translate.storage import tmx
t = time.monotonic()
store = tmx.tmxfile.parsefile(sys.argv[1])
units = sum(1 for u in store.units if u.source)
secs = time.monotonic() - t
size = os.path.getsize(sys.argv[1])
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"op=read-translate-toolkit bytes={size} units={units} seconds={secs:.3f} mb_per_s={size/1e6/secs:.1f} peak_rss_mb={rss:.1f}")
PY
)
    echo "$tt_line"
    peer=
fi

out="$tmp/section.md"
{
    echo "## TMX writer and reader"
    echo
    echo "Machine: $(machine_line). Command: \`make bench\` (bench/tmx.sh), file of $(( $(field bytes "$w") / 1000000 )) MB,"
    echo "$(field units "$w") units built from the corpus sentences."
    echo
    echo "| operation | MB/s | seconds | peak RSS (MB) |"
    echo "|---|---|---|---|"
    echo "| tmkit write | $(field mb_per_s "$w") | $(field seconds "$w") | $(field peak_rss_mb "$w") |"
    echo "| tmkit read | $(field mb_per_s "$r") | $(field seconds "$r") | $(field peak_rss_mb "$r") |"
    if [ -n "$tt_line" ]; then
        echo "| translate-toolkit read (\`translate.storage.tmx\`) | $(field mb_per_s "$tt_line") | $(field seconds "$tt_line") | $(field peak_rss_mb "$tt_line") |"
        echo
        echo "Reading, tmkit vs translate-toolkit on the same file: $(awk -v a="$(field seconds "$tt_line")" -v b="$(field seconds "$r")" 'BEGIN{printf "%.1f", a/b}')× faster,"
        echo "$(awk -v a="$(field peak_rss_mb "$tt_line")" -v b="$(field peak_rss_mb "$r")" 'BEGIN{printf "%.0f", a/b}')× less memory."
    else
        echo
        echo "$peer."
    fi
    echo
    echo "Targets (issue 7): write ≥ 100 MB/s, read ≥ 50 MB/s with flat memory."
} >"$out"
write_section "$src/docs/benchmarks.md" tmx "$out"
echo "bench: results written to docs/benchmarks.md (section tmx)"
