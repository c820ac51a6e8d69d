#!/usr/bin/env bash
# The README's main command: set up, build, and run the bundled example (alanine dipeptide in water).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
EX=examples/ala2_water
echo
echo "== proteinmd energy on $EX =="
build/apps/proteinmd/proteinmd energy --top $EX/topol.top --coords $EX/conf.gro --mdp $EX/energy.mdp \
  --forces build/example_forces.npy
