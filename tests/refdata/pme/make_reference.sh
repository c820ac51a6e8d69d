#!/bin/bash
# Regenerates gromacs_reference.json's numbers with GROMACS 2022.5 double precision (Debian's gmx_d).
# Coul. recip. = PME mesh + net-charge background, from gmx_d mdrun -rerun and gmx_d energy -dp.
# Usage: make_reference.sh [shared/benchmarks folder]; prints the values, the JSON is edited by hand.
set -euo pipefail
bench=${1:-$(cd "$(dirname "$0")/../../../../shared/benchmarks" && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

recip() { # name system.gro system.top mdp -> prints Coul. recip.
    gmx_d grompp -f "$4" -c "$2" -p "$3" -o "$1.tpr" -maxwarn 5 >/dev/null 2>&1
    gmx_d mdrun -s "$1.tpr" -rerun "$2" -ntmpi 1 -ntomp 1 -deffnm "$1" >/dev/null 2>&1
    echo "Coul.-recip." | gmx_d energy -f "$1.edr" -o "$1.xvg" -dp >/dev/null 2>&1
    echo "$1 $(tail -1 "$1.xvg" | awk '{print $2}')"
}
with_grid() { # mdp nx ny nz order -> new mdp name
    sed -e "s/fourier-nx.*/fourier-nx = $2/" -e "s/fourier-ny.*/fourier-ny = $3/" \
        -e "s/fourier-nz.*/fourier-nz = $4/" -e "s/pme-order.*/pme-order = $5/" "$1" > "g_$2_$3_$4_$5.mdp"
    echo "g_$2_$3_$4_$5.mdp"
}

# dhfr as in its energy.mdp (order 5, 52^3): net charge -11, so the background term is included.
recip dhfr "$bench/dhfr/system.gro" "$bench/dhfr/system.top" "$bench/dhfr/energy.mdp"

# ala2_solvated coordinates in a triclinic cell a=(3.2853,0,0) b=(0.8,3.2862,0) c=(-0.6,1.0,3.1855).
a=$bench/ala2_solvated
head -n -1 "$a/system.gro" > tric.gro
echo "   3.28530   3.28620   3.18550   0.00000   0.00000   0.80000   0.00000  -0.60000   1.00000" >> tric.gro
recip ala2_tric_28_30_32_o5 tric.gro "$a/system.top" "$(with_grid "$a/energy.mdp" 28 30 32 5)"
recip ala2_tric_25_27_21_o6 tric.gro "$a/system.top" "$(with_grid "$a/energy.mdp" 25 27 21 6)"
recip ala2_tric_32_28_30_o4 tric.gro "$a/system.top" "$(with_grid "$a/energy.mdp" 32 28 30 4)"
recip ala2_tric_36_36_36_o8 tric.gro "$a/system.top" "$(with_grid "$a/energy.mdp" 36 36 36 8)"

# Grids grompp picks from fourierspacing (printed as "Using a fourier grid of ...").
grid() { # gro spacing order
    grep -v fourier-n "$a/energy.mdp" | sed -e "s/pme-order.*/pme-order = $3/" > s.mdp
    echo "fourierspacing = $2" >> s.mdp
    echo "$1 spacing $2 order $3: $(gmx_d grompp -f s.mdp -c "$1" -p "$a/system.top" -o s.tpr -maxwarn 5 2>&1 | grep 'Using a fourier')"
}
grid "$a/system.gro" 0.12 4; grid tric.gro 0.12 4; grid tric.gro 0.1 6; grid "$a/system.gro" 0.16 5
grid "$a/system.gro" 0.3 8; grid "$a/system.gro" 0.05 4; grid tric.gro 0.035 12; grid "$a/system.gro" 0.022 4
sed -e 's/pme-order.*/pme-order = 4/' "$bench/dhfr/bench.mdp" > d.mdp
echo "dhfr bench.mdp: $(gmx_d grompp -f d.mdp -c "$bench/dhfr/system.gro" -p "$bench/dhfr/system.top" -o d.tpr -maxwarn 5 2>&1 | grep 'Using a fourier')"
