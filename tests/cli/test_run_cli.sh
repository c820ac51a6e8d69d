#!/usr/bin/env bash
# End-to-end checks of `proteinmd run` as a user runs it: the bundled example config for a few steps
# (every output exists, energy.csv parses with the documented columns), both force backends, the GROMACS-input form,
# a run that blows up (exit 1, atoms named, no hang), and usage errors.
# usage: test_run_cli.sh PROTEINMD_BINARY REPO_DIR SHARED_DIR SCRATCH_DIR
set -uo pipefail
BIN=$1; REPO=$2; SHARED=$3; TMP=$4
rm -rf "$TMP"; mkdir -p "$TMP"
EX=$REPO/examples/ala2_water
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; fail=1; fi; }

timeout 120 "$BIN" run $EX/run.toml -o "$TMP/example" --steps 20 > "$TMP/example.out" 2> "$TMP/example.err"
check "bundled example runs 20 steps" "[ $? -eq 0 ]"
for f in energy.csv traj.xtc proteinmd.log state.cpt confout.gro confout.pdb; do
  check "example wrote $f" "[ -s $TMP/example/$f ]"
done
check "energy.csv parses: documented columns, rows at steps 0, 10, 20, finite values" "/usr/bin/python3 - <<PY
import csv, math, sys
rows = list(csv.DictReader(open('$TMP/example/energy.csv')))
head = 'step,time_ps,potential,kinetic,total,conserved,temperature,pressure,volume,density'.split(',')
cols = list(rows[0].keys())
assert cols[:10] == head and 'coulomb_recip' in cols and 'lj_sr' in cols, cols
assert [int(r['step']) for r in rows] == [0, 10, 20], [r['step'] for r in rows]
for r in rows:
    assert all(math.isfinite(float(v)) for v in r.values()), r
    assert 250 < float(r['temperature']) < 350 and 600 < float(r['density']) < 1100, r
    assert abs(float(r['potential']) + float(r['kinetic']) - float(r['total'])) < 1e-6 * abs(float(r['total']))
PY"
check "log has settings, energies and the performance table" \
  "grep -q 'PME grid' $TMP/example/proteinmd.log && grep -q 'thermostat: v-rescale' $TMP/example/proteinmd.log && grep -q 'ns/day' $TMP/example/proteinmd.log"
check "progress off a terminal is plain lines" "grep -q '^step 20/20' $TMP/example.err && ! grep -q \$'\\r' $TMP/example.err"
check "the output folder is named at the end" "grep -q 'outputs in $TMP/example' $TMP/example.out"

timeout 120 "$BIN" run $EX/run.toml -o "$TMP/example" --steps 30 --resume > "$TMP/resume.out" 2>&1
check "--resume continues to --steps 30" "[ $? -eq 0 ] && tail -n 1 $TMP/example/energy.csv | grep -q '^30,' && grep -q 'resuming from' $TMP/resume.out"

# The default backend is the fast CPU one; --backend reference agrees on step 0 (float kernels vs double).
check "default backend: cpu, fast path" "grep -q 'forces: cpu' $TMP/example/proteinmd.log && grep -q 'fast path' $TMP/example/proteinmd.log"
timeout 120 "$BIN" run $EX/run.toml -o "$TMP/reference" --steps 0 --backend reference > "$TMP/reference.out" 2>&1
check "--backend reference: same step-0 potential within 1e-5 relative" "[ $? -eq 0 ] && grep -q 'forces: reference' $TMP/reference/proteinmd.log && /usr/bin/python3 - <<PY
import csv
a = float(next(csv.DictReader(open('$TMP/example/energy.csv')))['potential'])
b = float(next(csv.DictReader(open('$TMP/reference/energy.csv')))['potential'])
assert abs(a - b) < 1e-5 * abs(b), (a, b)
PY"
"$BIN" run $EX/run.toml -o "$TMP/badbackend" --backend gpu > "$TMP/badbackend.out" 2>&1
check "--backend gpu: usage error naming the choices" "[ $? -ne 0 ] && grep -q 'reference' $TMP/badbackend.out"

# SIGINT stops at the next step with a checkpoint (exit 130); --resume carries on from it.
"$BIN" run $EX/run.toml -o "$TMP/sigint" --steps 100000 > "$TMP/sigint.out" 2>&1 &
pid=$!
for i in $(seq 1 100); do grep -q "energies (kJ/mol)" "$TMP/sigint/proteinmd.log" 2>/dev/null && break; sleep 0.1; done
sleep 0.3
kill -INT $pid
wait $pid
rc=$?
check "SIGINT: exit 130, checkpoint written, told how to continue"   "[ $rc -eq 130 ] && [ -s $TMP/sigint/state.cpt ] && grep -q 'continue with --resume' $TMP/sigint.out"
stopped=$(sed -n 's/^interrupted at step \([0-9]*\);.*/\1/p' "$TMP/sigint.out")
timeout 120 "$BIN" run $EX/run.toml -o "$TMP/sigint" --steps $((stopped + 5)) --resume > "$TMP/sigint2.out" 2>&1
rc=$?
check "resume after SIGINT runs on to its step + 5" "[ -n \"$stopped\" ] && [ $rc -eq 0 ] && tail -n 1 $TMP/sigint/energy.csv | grep -q \"^$((stopped + 5)),\""

# GROMACS-input form with integrator = steep.
printf 'integrator = steep\nnsteps = 20\nemtol = 100\n' > "$TMP/em.mdp"
cat $EX/energy.mdp | grep -v '^integrator' >> "$TMP/em.mdp"
timeout 120 "$BIN" run --top $EX/topol.top --coords $EX/conf.gro --mdp "$TMP/em.mdp" -o "$TMP/em" > "$TMP/em.out" 2>&1
check "steep via --top/--coords/--mdp writes confout and reports Fmax" \
  "[ $? -eq 0 ] && [ -s $TMP/em/confout.gro ] && grep -q 'Fmax' $TMP/em/proteinmd.log"

if [ -d "$SHARED/benchmarks/ala2_vacuum" ]; then
  # Two atoms at nearly the same place: exit 1, the atoms named, no NaN written.
  V=$SHARED/benchmarks/ala2_vacuum
  python3 - "$V/system.gro" "$TMP/overlap.gro" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
o = lines[2 + 5]            # ACE1:O (atom 6)
lines[2 + 18] = lines[2 + 18][:20] + o[20:]  # NME3:CH3 (atom 19) onto it
open(sys.argv[2], 'w').write('\n'.join(lines) + '\n')
PY
  printf 'integrator = md\ndt = 0.002\ncoulombtype = Cut-off\nrcoulomb = 10\nrvdw = 10\nnsteps = 100\nnstenergy = 1\n' > "$TMP/v.mdp"
  timeout 60 "$BIN" run --top $V/system.top --coords "$TMP/overlap.gro" --mdp "$TMP/v.mdp" -o "$TMP/blowup" > "$TMP/blowup.out" 2>&1
  rc=$?
  check "overlapping atoms: exit 1 naming atoms 6 and 19, no nan in energy.csv" \
    "[ $rc -eq 1 ] && grep -q 'unstable' $TMP/blowup.out && grep -q '(atom 6)' $TMP/blowup.out && grep -q '(atom 19)' $TMP/blowup.out && ! grep -qi 'nan' $TMP/blowup/energy.csv 2>/dev/null"
fi

# A full disk, simulated with a file-size limit (writes beyond 100 KiB fail with EFBIG; SIGXFSZ ignored):
# exit 1 with the file and the OS's reason, no crash.
(ulimit -f 100; trap '' XFSZ; exec "$BIN" run $EX/run.toml -o "$TMP/full" --steps 5) > "$TMP/full.out" 2>&1
rc=$?
check "disk full: exit 1 naming the file and the reason" \
  "[ $rc -eq 1 ] && grep -q 'File too large' $TMP/full.out && grep -q 'state.cpt' $TMP/full.out && grep -q 'The run stopped at step 5' $TMP/full.out"

"$BIN" run > "$TMP/usage.out" 2>&1
check "run without inputs: exit 1 with a usage hint" "[ $? -eq 1 ] && grep -q 'CONFIG.toml' $TMP/usage.out"
touch "$TMP/afile"
"$BIN" run $EX/run.toml -o "$TMP/afile/sub" --steps 1 > "$TMP/dir.out" 2>&1
check "unwritable output folder: exit 1 naming it" "[ $? -eq 1 ] && grep -q 'afile/sub' $TMP/dir.out"

[ $fail -eq 0 ] && echo "all run CLI checks passed" || { echo "some run CLI checks failed"; exit 1; }
