#!/bin/sh
# Regenerates the small protein topologies read by tests/unit/test_topology_forcefields.cpp and
# prints the interaction counts `gmx grompp` + `gmx dump` report for them (the test hard-codes
# these numbers). Needs Debian's gromacs (gmx) and gromacs-data. Usage:
#   tests/refdata/topologies/make.sh [path/to/dhfr_vacuum/source.pdb]
# Input: residues 150-159 (SER TYR CYS PHE GLU ILE LEU GLU ARG ARG, the C-terminal end) of DHFR,
# hydrogens removed and rebuilt by pdb2gmx (-ignh). grompp settings: constraints = h-bonds,
# define = -DPOSRES (so posre.itp and the h-bonds conversion are covered too).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pdb=${1:-$here/../../../../shared/benchmarks/dhfr_vacuum/source.pdb}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

awk '$1 == "ATOM" && substr($0, 23, 4) + 0 >= 150' "$pdb" > "$work/peptide.pdb"
cat > "$work/grompp.mdp" <<'MDP'
integrator    = md
nsteps        = 0
cutoff-scheme = Verlet
pbc           = xyz
coulombtype   = Cut-off
rcoulomb      = 1.0
rvdw          = 1.0
constraints   = h-bonds
define        = -DPOSRES
MDP

for ff in amber99sb-ildn charmm27 oplsaa gromos54a7; do
    case $ff in
        gromos*) water=spc ;;
        *) water=tip3p ;;
    esac
    dir="$work/$ff"
    mkdir -p "$dir"
    (
        cd "$dir"
        gmx -quiet pdb2gmx -f ../peptide.pdb -o conf.gro -p topol.top -i posre.itp -ff "$ff" -water "$water" -ignh > pdb2gmx.log 2>&1
        gmx -quiet editconf -f conf.gro -o box.gro -d 1.2 -bt cubic > editconf.log 2>&1
        gmx -quiet grompp -f ../grompp.mdp -c box.gro -r box.gro -p topol.top -o topol.tpr -maxwarn 5 > grompp.log 2>&1
        gmx -quiet dump -s topol.tpr > dump.txt 2> /dev/null
    )
    mkdir -p "$here/$ff"
    # The header of a generated topology names the user, host and date: drop it so reruns are stable.
    sed '/^;\tFile .topol.top. was generated/,/^;\tForce field was read from/d' "$dir/topol.top" > "$here/$ff/topol.top"
    cp "$dir/posre.itp" "$dir/box.gro" "$here/$ff/"
    echo "== $ff"
    grep -m1 "natoms" "$dir/dump.txt"
    # One "N type=T (FTYPE) atoms..." line per interaction in the molecule type's lists.
    grep -E '^ +[0-9]+ type=[0-9]+ \(' "$dir/dump.txt" | sed -E 's/.*\(([A-Z0-9_]+)\).*/\1/' | sort | uniq -c
    # Exclusions: numElements counts each pair twice plus every atom itself.
    grep -m1 -E "numElements" "$dir/dump.txt"
    grep -E "System has non-zero total charge|total charge" "$dir/grompp.log" || true
done
