#!/usr/bin/env bash
# pressure.json: GROMACS's scalar pressure (bar) for the 10 steps of energies.json (md.mdp), to check
# proteinmd's P = 2/(3V) (Ekin - tr Xi) * PRESFAC against gmx_d on GROMACS's own Ekin and virial.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
shared="${PROTEINMD_SHARED_DIR:-$repo/../shared}/benchmarks/ala2_solvated"
gmx="${GMX_D:-gmx_d}"
export GMX_MAXBACKUP=-1
unset GMXLIB
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
"$gmx" grompp -f "$here/gen.mdp" -c "$shared/system.gro" -p "$shared/system.top" -o gen.tpr -maxwarn 5 >/dev/null 2>&1
"$gmx" mdrun -s gen.tpr -o gen.trr -c gen_out.gro -nt 1 >/dev/null 2>&1
"$gmx" grompp -f "$here/md.mdp" -c "$shared/system.gro" -t gen.trr -p "$shared/system.top" -o md.tpr -maxwarn 5 >/dev/null 2>&1
"$gmx" mdrun -s md.tpr -nt 1 -e md.edr -g md.log >/dev/null 2>&1
printf 'Pressure\n' | "$gmx" energy -f md.edr -o pressure.xvg -dp >/dev/null 2>&1
/usr/bin/python3 - "$here/pressure.json" <<'PY'
import json, sys
rows = [list(map(float, l.split())) for l in open("pressure.xvg") if l.strip() and l[0] not in "#@"]
json.dump({"source": "gmx_d 2022.5 mdrun with md.mdp, gmx energy Pressure; tests/refdata/leapfrog_ala2/generate_pressure.sh",
           "box": [3.28530, 3.28620, 3.18550],
           "pressure_bar": [r[1] for r in rows]}, open(sys.argv[1], "w"), indent=1)
PY
