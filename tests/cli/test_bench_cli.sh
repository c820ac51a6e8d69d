#!/usr/bin/env bash
# End-to-end checks of `proteinmd bench` (a few steps of the smallest system, so it stays fast): JSON
# fields, baseline save/compare (exit 0 against a baseline made 100x slower by hand, exit 3 against one
# made 100x faster, a regression far above the 10% threshold: factors that the timing noise of a busy
# machine cannot cross), history appended, and clear errors.
# usage: test_bench_cli.sh PROTEINMD_BINARY SHARED_DIR SCRATCH_DIR
set -uo pipefail
BIN=$1; SHARED=$2; TMP=$3
if [ ! -d "$SHARED/benchmarks/ala2_solvated" ]; then echo "shared/benchmarks not found: skipped"; exit 77; fi
rm -rf "$TMP"; mkdir -p "$TMP"
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; fail=1; fi; }
run() { "$BIN" bench water-1k --benchmarks "$SHARED/benchmarks" --steps 3 --repeats 2 --warmup 1 --threads 1 \
        --history "$TMP/history.jsonl" "$@"; }

run --json --save-baseline "$TMP/base.json" > "$TMP/r.json" 2> "$TMP/r.err"
check "bench runs" "[ $? -eq 0 ]"
check "JSON has the required fields" "/usr/bin/python3 -c \"import json,sys; d=json.load(open('$TMP/r.json')); sys.exit(0 if all(k in d for k in ['system','atoms','steps','threads','ms_per_step','ns_per_day','parts_ms_per_step','peak_memory_mb','commit']) and d['atoms']==2247 and d['steps']==3 and d['threads']==1 else 1)\""
check "baseline written" "[ -s $TMP/base.json ]"

/usr/bin/python3 -c "import json; d=json.load(open('$TMP/base.json')); d['ms_per_step']*=0.01; json.dump(d, open('$TMP/fast.json','w'))"
/usr/bin/python3 -c "import json; d=json.load(open('$TMP/base.json')); d['ms_per_step']*=100; json.dump(d, open('$TMP/slow.json','w'))"
run --compare "$TMP/slow.json" > "$TMP/c0.out" 2>&1
check "no regression against a much slower baseline: exit 0" "[ $? -eq 0 ]"
run --compare "$TMP/fast.json" > "$TMP/c1.out" 2>&1
rc=$?
check "regression against a 100x faster baseline: exit 3, marked" "[ $rc -eq 3 ] && grep -q REGRESSION $TMP/c1.out"
run --compare "$TMP/fast.json" --threshold 1000000 > "$TMP/c2.out" 2>&1
check "a threshold above the slow-down: exit 0" "[ $? -eq 0 ]"
check "history holds one line per run" "[ \$(wc -l < $TMP/history.jsonl) -eq 4 ]"

"$BIN" bench nosuchsystem --benchmarks "$SHARED/benchmarks" > "$TMP/u.out" 2>&1
rc=$?
check "unknown system: exit 1 listing the known ones" "[ $rc -eq 1 ] && grep -q 'water-1k' $TMP/u.out"
echo '{"system": "water-1k"}' > "$TMP/bad.json"
run --compare "$TMP/bad.json" > "$TMP/b.out" 2>&1
rc=$?
check "malformed baseline: exit 1 naming the file" "[ $rc -eq 1 ] && grep -q 'bad.json' $TMP/b.out"
exit $fail
