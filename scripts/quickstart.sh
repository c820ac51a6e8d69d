#!/usr/bin/env bash
# The README's main command: set up, build, and run the bundled example (alanine dipeptide in water,
# 1 ps of NVT dynamics, about 1 s with the default CPU backend on two cores; ~10-20 s with --backend reference).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
EX=examples/ala2_water
OUT=${1:-build/quickstart_out}
echo
echo "== proteinmd run $EX/run.toml -o $OUT =="
build/apps/proteinmd/proteinmd run $EX/run.toml -o "$OUT"
echo
echo "Outputs are in $OUT: energy.csv (energies per step, open it with pandas or a spreadsheet),"
echo "traj.xtc (trajectory), proteinmd.log (settings, energies, performance), confout.gro/.pdb (final"
echo "structure), state.cpt (checkpoint: 'proteinmd run $EX/run.toml -o $OUT --steps 1000 --resume' continues)."
