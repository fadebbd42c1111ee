#!/usr/bin/env bash
# test_crash.sh — interrupted and concurrent writers: `tmkit import` killed
# with SIGKILL at several moments during a few-MB import, `tmkit export -o`
# killed likewise, two imports into one store at once, and readers while an
# import runs. The store must always open, pass `tmkit check` and hold the old
# or the new units, never a mix; the export's final name never holds a part.
. "$(dirname "$0")/common.sh"
W="$WORK"
mktmx 0 200 >"$W/old.tmx"
mktmx 200 20000 >"$W/big.tmx"      # about 4 MB
mktmx 30000 300 >"$W/other.tmx"
OLDQ='Câu số 123 về hợp tác thương mại giữa hai tỉnh biên giới.'
units() { "$TMKIT" stats "$1" 2>/dev/null | sed -n 's/^units: //p'; }

DB="$W/kill.tmdb"
"$TMKIT" import -q "$DB" "$W/old.tmx"
# how long does the whole import take? kill at fractions of it (fixed, no randomness)
cp "$DB" "$W/timing.tmdb"
t0=$(date +%s%N)
"$TMKIT" import -q "$W/timing.tmdb" "$W/big.tmx"
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
echo "note: importing 20000 units takes $ms ms here; kills at 2% to 110% of that"
[ "$(units "$W/timing.tmdb")" = 20200 ] && ok || fail "the full import should give 20200 units"

# --- kill -9 during the import -------------------------------------------------------------------
for pct in 2 10 25 40 55 70 85 95 110; do
    delay=$(awk -v ms=$ms -v p=$pct 'BEGIN { printf "%.3f", ms * p / 100000 }')
    before=$(units "$DB")
    "$TMKIT" import -q "$DB" "$W/big.tmx" & pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    after=$(units "$DB")
    last_cmd="import killed after ${delay}s ($pct% of ${ms} ms)"
    case "$after" in
    200 | 20200) ok ;;
    *) fail "after kill -9 at ${delay}s the store has '$after' units (200 or 20200; $before before)" ;;
    esac
    run "$TMKIT" check "$DB"
    expect_status 0
    run "$TMKIT" query -n 1 "$DB" "$OLDQ"
    expect_status 0
    expect_stdout_match '^100%  Câu số 123 '
    # the import that follows a crash completes
    if [ "$after" = 200 ]; then
        cp "$DB" "$W/again.tmdb"
        run "$TMKIT" import -q "$W/again.tmdb" "$W/other.tmx"
        expect_status 0
        [ "$(units "$W/again.tmdb")" = 500 ] && ok || fail "an import after a killed one: 500 units expected, $(units "$W/again.tmdb")"
        run "$TMKIT" check "$W/again.tmdb"
        expect_status 0
    fi
done
[ "$(units "$DB")" = 200 ] || [ "$(units "$DB")" = 20200 ] && ok || fail "final unit count"

# --- kill -9 during export -o: the final name is absent or keeps its content ----------------------------
cp "$W/timing.tmdb" "$W/exp.tmdb"
mkdir "$W/x"
t0=$(date +%s%N)
"$TMKIT" export -o "$W/x/full.tmx" "$W/exp.tmdb"
t1=$(date +%s%N)
ems=$(((t1 - t0) / 1000000))
rm -f "$W/x/full.tmx"
midway=0
for pct in 5 20 40 60 80; do
    delay=$(awk -v ms=$ems -v p=$pct 'BEGIN { printf "%.3f", ms * p / 100000 }')
    printf 'previous\n' >"$W/x/prev.tmx"
    "$TMKIT" export -o "$W/x/prev.tmx" "$W/exp.tmdb" & pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    last_cmd="export -o killed after ${delay}s ($pct% of $ems ms)"
    c=$(cat "$W/x/prev.tmx")
    [ "$c" = previous ] || { "$TMKIT" tmx validate -q "$W/x/prev.tmx" >/dev/null 2>&1 && [ "$(grep -c '<tu ' "$W/x/prev.tmx")" = 20200 ]; } \
        && ok || fail "after kill -9 of export the output is neither the previous file nor the whole export"
    [ "$c" = previous ] && midway=$((midway + 1))
    rm -f "$W/x"/.prev.tmx.tmp-*      # what a kill -9 leaves: it cannot clean up
done
echo "note: export takes $ems ms here; $midway of 5 kills landed before the rename"

# --- two imports at once into one store, three times ------------------------------------------------
for round in 1 2 3; do
    P="$W/par$round.tmdb"
    "$TMKIT" import -q "$P" "$W/old.tmx"
    "$TMKIT" import -q "$P" "$W/big.tmx" 2>"$W/e1" & p1=$!
    [ $round = 2 ] && sleep 0.05
    "$TMKIT" import -q "$P" "$W/other.tmx" 2>"$W/e2" & p2=$!
    wait $p1; s1=$?
    wait $p2; s2=$?
    last_cmd="two concurrent imports, round $round"
    status=$s1; err=$(cat "$W/e1"); no_crash
    status=$s2; err=$(cat "$W/e2"); no_crash
    n=$(units "$P")
    if [ $s1 = 0 ] && [ $s2 = 0 ]; then
        [ "$n" = 20500 ] && ok || fail "both imports succeeded: 20500 units expected, $n"
    else    # the second refused: one clear line, the first's units only
        [ $s1 = 0 ] && [ "$(grep -c '' "$W/e2")" = 1 ] && [ "$n" = 20200 ] && ok \
            || fail "concurrent imports: statuses $s1/$s2, $n units, stderr: $(cat "$W/e1" "$W/e2")"
    fi
    run "$TMKIT" check "$P"
    expect_status 0
done

# --- readers while an import runs: the old or the new content, never an error ------------------------
R="$W/read.tmdb"
"$TMKIT" import -q "$R" "$W/old.tmx"
"$TMKIT" import -q "$R" "$W/big.tmx" & pid=$!
seen=
bad=0
while kill -0 $pid 2>/dev/null; do
    n=$(units "$R")
    case "$n" in 200 | 20200) seen="$seen $n" ;; *) bad=$((bad + 1)); echo "  reader saw '$n' units" ;; esac
    "$TMKIT" query -n 1 "$R" "$OLDQ" >"$W/q" 2>&1 || bad=$((bad + 1))
    grep -q '^100%  Câu số 123 ' "$W/q" || { bad=$((bad + 1)); echo "  query during import: $(head -2 "$W/q")"; }
done
wait $pid
status=$?
last_cmd="readers during an import (saw:$(printf '%s\n' $seen | sort | uniq -c | tr '\n' ' '))"
expect_status 0
[ $bad = 0 ] && ok || fail "$bad reads failed or saw a partial store"
[ "$(units "$R")" = 20200 ] && ok || fail "after the import: 20200 units"
finish
