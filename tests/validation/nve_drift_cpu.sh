#!/usr/bin/env bash
# NVE energy conservation on the default (fast CPU) backend with the automatic pair-list buffer:
# ala2_solvated, md-vv, 2 fs, constraints, PME, 100 ps. The drift of the conserved energy (linear fit)
# must stay below 0.005 kJ/mol/ns per atom (GROMACS's default verlet-buffer-tolerance is 0.005 in
# kJ/mol/ps per atom, a thousand times looser). Prints the drift so the figure can be quoted.
# usage: nve_drift_cpu.sh PROTEINMD_BINARY REPO_DIR SHARED_DIR SCRATCH_DIR
set -euo pipefail
BIN=$1; REPO=$2; SHARED=$3; OUT=$4
B=$SHARED/benchmarks/ala2_solvated
[ -d "$B" ] || { echo "shared benchmarks not found: skipped"; exit 77; }
rm -rf "$OUT"
"$BIN" run --top "$B/system.top" --coords "$B/system.gro" --mdp "$REPO/tests/refdata/nve_ala2/nve_100ps.mdp" \
  -o "$OUT" --threads 2 > "$OUT.stdout" 2>&1 || { cat "$OUT.stdout"; exit 1; }
grep -q "fast path" "$OUT/proteinmd.log" || { echo "the CPU fast path was not used"; exit 1; }
/usr/bin/python3 - "$OUT/energy.csv" <<'PY'
import sys
import numpy as np
d = np.genfromtxt(sys.argv[1], delimiter=",", names=True)
t, c = d["time_ps"], d["conserved"]
slope, _ = np.polyfit(t, c, 1)
per_atom_ns = slope * 1000.0 / 2269
rms = np.std(c - np.polyval(np.polyfit(t, c, 1), t))
print(f"NVE drift over {t[-1]:.0f} ps: {slope:.5f} kJ/mol/ps = {per_atom_ns:.5f} kJ/mol/ns/atom; "
      f"conserved-energy RMS {rms:.3f} kJ/mol")
sys.exit(0 if abs(per_atom_ns) < 0.005 else 1)
PY
