#!/bin/bash
# Conserved-energy drift of ala2_solvated under nve.mdp with GROMACS 2022.5 in double precision
# (gmx_d) and mixed precision (gmx); in NVE GROMACS writes no separate Conserved-En., so Total-Energy
# is used. Writes drift.json (kJ/mol/ns/atom, least-squares slope).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bench="$here/../../../../shared/benchmarks/ala2_solvated"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
results=()
for g in gmx_d gmx; do
    $g grompp -f "$here/nve.mdp" -c "$bench/system.gro" -p "$bench/system.top" -o nve_$g.tpr >grompp_$g.log 2>&1
    $g mdrun -s nve_$g.tpr -deffnm nve_$g -nt 1 -pin off >mdrun_$g.log 2>&1
    echo "Total-Energy" | $g energy -f nve_$g.edr -o total_$g.xvg >energy_$g.log 2>&1
    results+=("$g")
done
python3 - "$here/drift.json" <<'PY'
import json, sys
out = {"settings": "nve.mdp (md-vv, 2 fs, LINCS order 8 iter 2 on h-bonds, SETTLE, PME potential-shift, 20 ps)",
       "atoms": 2269}
for g in ("gmx_d", "gmx"):
    rows = [l.split() for l in open(f"total_{g}.xvg") if not l.startswith(("#", "@"))]
    t = [float(r[0]) for r in rows]; e = [float(r[1]) for r in rows]
    n = len(t); mt = sum(t) / n; me = sum(e) / n
    slope = sum((a - mt) * (b - me) for a, b in zip(t, e)) / sum((a - mt) ** 2 for a in t)
    out[g] = {"drift_kj_mol_ps": slope, "drift_kj_mol_ns_atom": slope * 1000 / 2269,
              "rms_kj_mol": (sum((b - me) ** 2 for b in e) / n) ** 0.5}
    print(g, out[g])
json.dump(out, open(sys.argv[1], "w"), indent=2)
PY
