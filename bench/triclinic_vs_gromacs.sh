#!/usr/bin/env bash
# A triclinic box side by side with GROMACS: DHFR solvated in a rhombic dodecahedron the way a
# GROMACS user prepares it (pdb2gmx amber99sb-ildn + TIP3P, editconf -bt dodecahedron -d 1.0,
# solvate, 200 steps of steepest descent), then the shared dhfr bench.mdp (PME 0.9 nm, h-bond
# constraints, v-rescale, dt 2 fs) run by `proteinmd run` and by `gmx mdrun -ntmpi 1 -ntomp 2`,
# alternately, RUNS times each. Prints the median ns/day of both and their ratio.
#
# usage: bench/triclinic_vs_gromacs.sh [BUILD_DIR] [RUNS] [STEPS]
#   BUILD_DIR: a Release build (default: build next to this folder); RUNS default 3; STEPS default 2000
# Needs: gmx (GROMACS 2022, Debian; built for SSE4.1 only, an AVX-512 build runs ~2x faster here),
# python3, the shared benchmarks (../shared or PROTEINMD_SHARED_DIR). Check `uptime` first: the
# figures are noisy on a busy machine.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$(cd "${1:-$here/../build}" && pwd)"
runs="${2:-3}"
steps="${3:-2000}"
shared="${PROTEINMD_SHARED_DIR:-$here/../../shared}/benchmarks"
proteinmd="$build/apps/proteinmd/proteinmd"

[[ -x "$proteinmd" ]] || { echo "no $proteinmd: build first" >&2; exit 1; }
[[ -f "$shared/dhfr/bench.mdp" ]] || { echo "no dhfr benchmark in $shared" >&2; exit 1; }
command -v gmx > /dev/null || { echo "gmx not found (apt install gromacs)" >&2; exit 1; }

work="$(mktemp -d /tmp/triclinic_vs_gromacs.XXXXXX)"
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$work"' EXIT
export GMX_MAXBACKUP=-1
cd "$work"
gmxq() { gmx "$@" > "gmx_$1.out" 2>&1 || { tail -20 "gmx_$1.out" >&2; exit 1; }; }

sed 's/ HID / HIS /' "$shared/dhfr_vacuum/source.pdb" > protein.pdb
gmxq pdb2gmx -f protein.pdb -o protein.gro -p topol.top -i posre.itp -ff amber99sb-ildn -water tip3p -ignh
gmxq editconf -f protein.gro -o boxed.gro -bt dodecahedron -d 1.0 -c
gmxq solvate -cp boxed.gro -cs spc216.gro -o solvated.gro -p topol.top
printf 'integrator = steep\nnsteps = 200\ncutoff-scheme = Verlet\ncoulombtype = PME\nrcoulomb = 0.9\nrvdw = 0.9\n' > em.mdp
gmxq grompp -f em.mdp -c solvated.gro -p topol.top -o em.tpr -maxwarn 1
gmxq mdrun -s em.tpr -deffnm em -c conf.gro -ntmpi 1 -ntomp 2
sed "s/^nsteps .*/nsteps                  = $steps/" "$shared/dhfr/bench.mdp" > bench.mdp
gmxq grompp -f bench.mdp -c conf.gro -p topol.top -o bench.tpr -maxwarn 1
atoms=$(sed -n 2p conf.gro | tr -d ' ')
echo "system: DHFR in a rhombic dodecahedron, $atoms atoms, box $(tail -1 conf.gro)"
echo "load before: $(uptime)"

for ((i = 1; i <= runs; ++i)); do
    gmx mdrun -s bench.tpr -ntmpi 1 -ntomp 2 -pin on -resethway -noconfout -g "gmx$i.log" > "mdrun$i.out" 2>&1 ||
        { tail -20 "mdrun$i.out" >&2; exit 1; }
    "$proteinmd" run -p topol.top -c conf.gro -f bench.mdp -o "ours$i" --threads 2 > "ours$i.out" 2>&1 ||
        { tail -20 "ours$i.out" >&2; exit 1; }
done
echo "load after:  $(uptime)"

python3 - "$work" "$runs" << 'EOF'
import re, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
gmx, ours = [], []
for i in range(1, runs + 1):
    log = open(f"{work}/gmx{i}.log").read()
    gmx.append(float(re.search(r"^Performance:\s+([\d.]+)", log, re.M).group(1)))
    text = open(f"{work}/ours{i}/proteinmd.log").read()
    ours.append(float(re.search(r"^performance: [\d.]+ ms/step, ([\d.]+) ns/day", text, re.M).group(1)))
    fast = "fast path" in text
g, o = statistics.median(gmx), statistics.median(ours)
print(f"  proteinmd run (2 threads, {'fast path' if fast else 'REFERENCE FALLBACK'}): {o:8.2f} ns/day  (runs: {' '.join(f'{x:.2f}' for x in ours)})")
print(f"  GROMACS mdrun -ntmpi 1 -ntomp 2:            {g:8.2f} ns/day  (runs: {' '.join(f'{x:.2f}' for x in gmx)})")
print(f"  ratio proteinmd / GROMACS: {o / g:.3f}")
print("  Debian GROMACS is built for SSE4.1 only; an AVX-512 build runs ~2x faster")
EOF
