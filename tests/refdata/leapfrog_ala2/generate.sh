#!/usr/bin/env bash
# Regenerates the leap-frog references (energies.json, energies_lincs.json) with GROMACS 2022 double precision:
#  1. start_{positions,velocities}.npy: ala2_solvated with Maxwell-Boltzmann velocities (gen-seed 1234,
#     300 K), constrained by a zero-step gmx_d run (frame 0 of its double-precision .trr), so both
#     engines start from the same numbers;
#  2. 10 leap-frog steps (md.mdp: continuation = yes, SHAKE 1e-12, SETTLE; md_lincs.mdp: the same with
#     LINCS order 4, 1 iteration; md_vv.mdp: md-vv with LINCS) with energies and virial every step.
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
/usr/bin/python3 "$here/trr_to_npy.py" gen.trr "$here"
# One 10-step run per variant: md.mdp (SHAKE) -> energies.json, md_lincs.mdp (LINCS) -> energies_lincs.json,
# md_vv.mdp (velocity Verlet, LINCS) -> energies_vv.json.
for variant in "md:energies" "md_lincs:energies_lincs" "md_vv:energies_vv"; do
mdp="${variant%%:*}"; json="${variant##*:}"
"$gmx" grompp -f "$here/$mdp.mdp" -c "$shared/system.gro" -t gen.trr -p "$shared/system.top" -o md.tpr -maxwarn 5 >/dev/null 2>&1
"$gmx" mdrun -s md.tpr -nt 1 -e md.edr -g md.log >/dev/null 2>&1
printf 'Potential\nKinetic-En.\nTotal-Energy\nTemperature\nVir-XX\nVir-XY\nVir-XZ\nVir-YX\nVir-YY\nVir-YZ\nVir-ZX\nVir-ZY\nVir-ZZ\n' \
    | "$gmx" energy -f md.edr -o energies.xvg -dp >/dev/null 2>&1
/usr/bin/python3 - "$here/$json.json" "$mdp.mdp" <<'PY'
import json, sys
rows = [list(map(float, l.split())) for l in open("energies.xvg") if l.strip() and l[0] not in "#@"]
keys = ["potential", "kinetic", "total", "temperature"]  # NVE: no separate conserved energy
# virial: GROMACS's total virial (forces + constraints), row-major XX XY XZ YX ... ZZ
out = {"source": "gmx_d 2022.5 mdrun with " + sys.argv[2] + ", tests/refdata/leapfrog_ala2/generate.sh",
       "steps": [dict(step=i, time=r[0], **dict(zip(keys, r[1:5])), virial=r[5:14]) for i, r in enumerate(rows)]}
json.dump(out, open(sys.argv[1], "w"), indent=1)
PY
done
