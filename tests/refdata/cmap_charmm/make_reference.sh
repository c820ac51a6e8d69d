#!/bin/sh
# Regenerates bonded_reference.json: a 24-residue CHARMM27 peptide (DHFR residues 1-24, heavy atoms of
# shared/benchmarks/dhfr_vacuum/source.pdb, hydrogens rebuilt by pdb2gmx) evaluated by gmx_d in
# vacuum (30 nm box, 10 nm plain cut-offs). Needs GROMACS 2022 (gmx_d) and /usr/bin/python3.
# Usage: sh make_reference.sh   (run from this folder; writes bonded_reference.json here)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
gmx_d pdb2gmx -f "$here/peptide.pdb" -o pep.gro -p topol.top -ff charmm27 -water none -ignh > pdb2gmx.log 2>&1
gmx_d editconf -f pep.gro -o box.gro -box 30 30 30 -c > editconf.log 2>&1
gmx_d grompp -f "$here/energy.mdp" -c box.gro -p topol.top -pp processed.top -o topol.tpr > grompp.log 2>&1
gmx_d mdrun -s topol.tpr -rerun box.gro -deffnm rerun -nt 1 > mdrun.log 2>&1
printf 'Bond\nU-B\nProper-Dih.\nImproper-Dih.\nCMAP-Dih.\nLJ-14\nCoulomb-14\n\n' | gmx_d energy -f rerun.edr -o energies.xvg -dp > energy.log 2>&1
gmx_d dump -s topol.tpr > dump.txt 2> dump.log
/usr/bin/python3 "$here/extract_reference.py" --dump dump.txt --gro box.gro --top processed.top \
    --xvg energies.xvg --out "$here/bonded_reference.json"
