#!/usr/bin/env bash
# Regenerates the GROMACS-written .xtc/.trr references from the .gro frames (needs gmx, GROMACS 2022).
# The unit tests check that proteinmd writes byte-identical files from the same coordinates.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
shared=${PROTEINMD_SHARED_DIR:-$here/../../../../shared}
/usr/bin/python3 "$here/make_frames.py" "$shared/benchmarks/ala2_solvated/system.gro" "$here"
cd "$here"
for n in 400 7; do
  echo 0 | gmx -quiet trjconv -ndec 3 -f frames$n.gro -o frames${n}_gmx.xtc >/dev/null 2>&1
done
rm -f \#*
# Uncompressed .trr of the small system from mixed- and double-precision GROMACS.
echo 0 | gmx -quiet trjconv -f frames7.gro -o frames7_gmx.trr >/dev/null 2>&1
echo 0 | gmx_d -quiet trjconv -f frames7.gro -o frames7_gmx_d.trr >/dev/null 2>&1
rm -f \#*
