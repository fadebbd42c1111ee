#!/usr/bin/env bash
# run.sh — run every harness built by `make fuzz` for SECONDS each on its
# seed corpus (tests/fuzz/seeds/NAME/) plus what earlier runs found
# (OUTDIR/corpus/NAME/, not committed). A crash stops with status 1 and
# leaves the input as OUTDIR/crash-*; add it to the seeds as a regression.
#
#   run.sh OUTDIR SRCDIR SECONDS [NAME...]
set -euo pipefail
out=$1 src=$2 secs=$3
shift 3
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(segment srx tmx store rxsketch)
export TMPDIR=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm  # the store harness writes files
rc=0
for n in "${names[@]}"; do
    mkdir -p "$out/corpus/$n"
    echo "== fuzz_$n for ${secs}s"
    # -rss_limit_mb: ICU and libxml2 are big but bounded; a run past 2 GB is a finding.
    if ! "$out/fuzz_$n" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=30 \
        -artifact_prefix="$out/" -print_final_stats=1 \
        "$out/corpus/$n" "$src/tests/fuzz/seeds/$n" 2>"$out/fuzz_$n.log"; then
        tail -n 40 "$out/fuzz_$n.log"
        rc=1
    else
        grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' "$out/fuzz_$n.log" || true
    fi
done
exit $rc
