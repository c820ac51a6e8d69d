#!/usr/bin/env bash
# End-to-end checks of `proteinmd energy` as a user runs it: JSON output, forces file, and clear
# errors (exit code 1 and a message naming the problem, never a crash) for bad input.
# usage: test_energy_cli.sh PROTEINMD_BINARY REPO_DIR SHARED_DIR SCRATCH_DIR
set -uo pipefail
BIN=$1; REPO=$2; SHARED=$3; TMP=$4
mkdir -p "$TMP"
EX=$REPO/examples/ala2_water
fail=0
check() { if eval "$2"; then echo "ok: $1"; else echo "FAILED: $1"; fail=1; fi; }

"$BIN" energy --top $EX/topol.top --coords $EX/conf.gro --mdp $EX/energy.mdp --json --forces "$TMP/f.npy" > "$TMP/e.json" 2> "$TMP/e.err"
check "example runs" "[ $? -eq 0 ]"
check "JSON has every expected term" "/usr/bin/python3 -c \"import json,sys; d=json.load(open('$TMP/e.json')); sys.exit(0 if all(k in d for k in ['bond','angle','proper_dihedral','lj_14','coulomb_14','lj_sr','coulomb_sr','total']) else 1)\""
check "total is the sum of the terms" "/usr/bin/python3 -c \"import json,sys; d=json.load(open('$TMP/e.json')); t=d.pop('total'); sys.exit(0 if abs(sum(d.values())-t) < 1e-6*abs(t) else 1)\""
check "forces file is 2269 x 3 float64" "/usr/bin/python3 -c \"import numpy as np,sys; f=np.load('$TMP/f.npy'); sys.exit(0 if f.shape==(2269,3) and f.dtype==np.float64 and np.isfinite(f).all() else 1)\""

"$BIN" energy --top $EX/topol.top --coords $EX/conf.gro > "$TMP/t.txt" 2>&1
check "table output without mdp" "[ $? -eq 0 ] && grep -q '^total' $TMP/t.txt"

# Atom count mismatch: topology of 2269 atoms with a 22-atom coordinate file.
head -n 2 $EX/conf.gro > "$TMP/short.gro"; sed -n '3,24p' $EX/conf.gro >> "$TMP/short.gro"; tail -n 1 $EX/conf.gro >> "$TMP/short.gro"
sed -i '2s/.*/22/' "$TMP/short.gro"
"$BIN" energy --top $EX/topol.top --coords "$TMP/short.gro" > "$TMP/m.out" 2>&1
rc=$?
check "atom count mismatch exits 1 naming both counts" "[ $rc -eq 1 ] && grep -q '2269' $TMP/m.out && grep -q '22' $TMP/m.out"

# Unknown atom type in the topology: file and line are named.
sed 's/^\(     1 \+\)HC /\1XX /' $EX/topol.top > "$TMP/badtype.top"
"$BIN" energy --top "$TMP/badtype.top" --coords $EX/conf.gro > "$TMP/b.out" 2>&1
rc=$?
check "unknown atom type exits 1 with file:line" "[ $rc -eq 1 ] && grep -q 'badtype.top:[0-9]' $TMP/b.out && grep -qi 'XX' $TMP/b.out"

# Cut-off longer than half the box.
printf 'coulombtype = Cut-off\nrcoulomb = 2.0\nrvdw = 2.0\n' > "$TMP/long.mdp"
"$BIN" energy --top $EX/topol.top --coords $EX/conf.gro --mdp "$TMP/long.mdp" > "$TMP/c.out" 2>&1
rc=$?
check "cut-off longer than half the box exits 1" "[ $rc -eq 1 ] && grep -qi 'cut-off' $TMP/c.out"

# A pdb2gmx topology that #includes charmm27.ff from Debian's gromacs-data, checked against gmx_d.
C=$REPO/tests/refdata/ff_charmm27
"$BIN" energy --top $C/topol.top --coords $C/conf.gro --mdp $C/energy.mdp --json --forces "$TMP/c.npy" > "$TMP/c.json"
check "charmm27 DHFR matches gmx_d (check_reference.py)" \
  "/usr/bin/python3 $REPO/tests/refdata/check_reference.py $C $TMP/c.json --forces $TMP/c.npy > $TMP/c.cmp"

[ $fail -eq 0 ] && echo "all CLI checks passed" || { echo "some CLI checks failed"; exit 1; }
