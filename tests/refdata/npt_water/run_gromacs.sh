#!/bin/bash
# Reference density of the 216-TIP3P box (water.gro, water.top) under npt.mdp with GROMACS 2022.5
# (Debian `gmx`, mixed precision): 300 ps, the first 50 ps discarded. Writes density.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
gmx grompp -f "$here/npt.mdp" -c "$here/water.gro" -p "$here/water.top" -o npt.tpr -maxwarn 0 >grompp.log 2>&1
gmx mdrun -s npt.tpr -deffnm npt -nt 1 -pin off >mdrun.log 2>&1
echo "Density" | gmx energy -f npt.edr -b 50 -o density.xvg >energy.log 2>&1
grep -E "^Density" energy.log
python3 - "$here/density.json" <<'PY'
import json, sys
rows = [l.split() for l in open("density.xvg") if not l.startswith(("#", "@"))]
values = [float(r[1]) for r in rows]
n = len(values)
mean = sum(values) / n
# Block averaging (10 blocks) for the standard error of the mean.
blocks = [values[i * n // 10:(i + 1) * n // 10] for i in range(10)]
bm = [sum(b) / len(b) for b in blocks]
err = (sum((b - mean) ** 2 for b in bm) / (10 * 9)) ** 0.5
json.dump({"program": "GROMACS 2022.5 gmx (mixed precision), -nt 1", "time_ps": 300, "discarded_ps": 50,
           "density_kg_m3": mean, "standard_error_kg_m3": err, "samples": n}, open(sys.argv[1], "w"), indent=2)
print(f"density {mean:.2f} +- {err:.2f} kg/m^3 from {n} samples")
PY
