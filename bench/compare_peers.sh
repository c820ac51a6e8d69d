#!/usr/bin/env bash
# Runs the same systems in proteinmd, LAMMPS and GROMACS on this machine, in one run, and prints
# the speed ratios:
#   lj32k : proteinmd bench lj32k            vs  mpirun -np 2 lmp -sf opt -in in.lj32k (Loop time)
#   dhfr  : proteinmd bench dhfr             vs  gmx mdrun -ntmpi 1 -ntomp 2 -pin on -resethway -noconfout
# Peers are optional (not dependencies of proteinmd): a missing one is reported and skipped.
# Debian's LAMMPS: `apt-get install -y lammps openmpi-bin`.
#
# usage: bench/compare_peers.sh [-b BUILD_DIR] [-r REPEATS] [-s BENCHMARKS_DIR] [-o OUT_DIR]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
build="$here/../build"
repeats=3
benchmarks="${PROTEINMD_BENCHMARKS:-$here/../../shared/benchmarks}"
out="${TMPDIR:-/tmp}/proteinmd_compare_peers.$$"
lj_steps=1000
gmx_steps=2000
while getopts "b:r:s:o:" opt; do
    case "$opt" in
    b) build="$OPTARG" ;;
    r) repeats="$OPTARG" ;;
    s) benchmarks="$OPTARG" ;;
    o) out="$OPTARG" ;;
    *) echo "usage: $0 [-b BUILD_DIR] [-r REPEATS] [-s BENCHMARKS_DIR] [-o OUT_DIR]" >&2; exit 2 ;;
    esac
done
proteinmd="$build/apps/proteinmd/proteinmd"
[[ -x "$proteinmd" ]] || { echo "no proteinmd program at $proteinmd (build first, or -b)" >&2; exit 2; }
[[ -d "$benchmarks/lj32k" ]] || { echo "no reference systems at $benchmarks (-s)" >&2; exit 2; }
mkdir -p "$out"
echo "machine: $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg); logs in $out"

median() { sort -g | awk '{v[NR]=$1} END {if (NR==0) {print "nan"} else if (NR%2) {print v[(NR+1)/2]} else {print (v[NR/2]+v[NR/2+1])/2}}'; }
json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

# ---- lj32k -------------------------------------------------------------------------------------
pmd_lj=(); lmp_lj=()
for r in $(seq "$repeats"); do
    "$proteinmd" bench lj32k --json --threads 2 --repeats 1 --steps 500 --no-history > "$out/proteinmd_lj32k_$r.json"
    pmd_lj+=("$(json_field "$out/proteinmd_lj32k_$r.json" steps_per_s)")
    if command -v lmp > /dev/null && command -v mpirun > /dev/null; then
        (cd "$out" && mpirun --allow-run-as-root --oversubscribe -np 2 lmp -sf opt -in "$benchmarks/lj32k/in.lj32k" \
            -var nsteps "$lj_steps" -log none > "$out/lammps_lj32k_$r.log" 2>&1) || true
        loop=$(awk '/^Loop time of/ {print $4}' "$out/lammps_lj32k_$r.log")
        [[ -n "$loop" ]] && lmp_lj+=("$(python3 -c "print($lj_steps / $loop)")")
    fi
done
pmd_lj_med=$(printf '%s\n' "${pmd_lj[@]}" | median)
echo
echo "lj32k (32,000 LJ atoms, rc 2.5 sigma, skin 0.3, list every 20 steps, NVE)"
printf '  %-36s %10.1f steps/s  (runs: %s)\n' "proteinmd bench (2 threads)" "$pmd_lj_med" "${pmd_lj[*]}"
if ((${#lmp_lj[@]})); then
    lmp_lj_med=$(printf '%s\n' "${lmp_lj[@]}" | median)
    printf '  %-36s %10.1f steps/s  (runs: %s)\n' "LAMMPS mpirun -np 2 -sf opt" "$lmp_lj_med" "${lmp_lj[*]}"
    printf '  ratio proteinmd / LAMMPS: %.2f   (shared README: LAMMPS best 209 steps/s)\n' \
        "$(python3 -c "print($pmd_lj_med / $lmp_lj_med)")"
else
    echo "  LAMMPS (lmp + mpirun) not found: apt-get install -y lammps openmpi-bin"
fi

# ---- dhfr --------------------------------------------------------------------------------------
pmd_dhfr=(); pmd_dhfr_ms=(); pmd_sr=(); pmd_srl=(); gmx_dhfr=(); gmx_force=(); gmx_force_ms=(); gmx_forcel_ms=()
if command -v gmx > /dev/null; then
    gmx grompp -f "$benchmarks/dhfr/bench.mdp" -c "$benchmarks/dhfr/system.gro" -p "$benchmarks/dhfr/system.top" \
        -o "$out/dhfr.tpr" -po "$out/mdout.mdp" -maxwarn 1 > "$out/grompp.log" 2>&1
fi
for r in $(seq "$repeats"); do
    "$proteinmd" bench dhfr --json --threads 2 --repeats 1 --steps 100 --no-history > "$out/proteinmd_dhfr_$r.json"
    pmd_dhfr+=("$(json_field "$out/proteinmd_dhfr_$r.json" ns_per_day)")
    pmd_dhfr_ms+=("$(json_field "$out/proteinmd_dhfr_$r.json" ms_per_step)")
    # Short-range force time comparable to GROMACS's Force row: non-bonded kernels + bonded (no search).
    pmd_sr+=("$(python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['parts_ms_per_step']; print(p['nonbonded'] + p['bonded'])" "$out/proteinmd_dhfr_$r.json")")
    # GROMACS prunes its list inside the Force row (CPU dynamic pruning), we count pruning under
    # pair_search: so also short-range force plus all pair-list upkeep on both sides.
    pmd_srl+=("$(python3 -c "import json,sys; p=json.load(open(sys.argv[1]))['parts_ms_per_step']; print(p['nonbonded'] + p['bonded'] + p['pair_search'])" "$out/proteinmd_dhfr_$r.json")")
    if [[ -f "$out/dhfr.tpr" ]]; then
        (cd "$out" && gmx mdrun -s dhfr.tpr -ntmpi 1 -ntomp 2 -pin on -nsteps "$gmx_steps" -resethway -noconfout \
            -g "gmx_dhfr_$r.log" -e "gmx_dhfr_$r.edr" > /dev/null 2>&1) || true
        nsday=$(awk '/^Performance:/ {print $2}' "$out/gmx_dhfr_$r.log" 2>/dev/null)
        force=$(awk '/^ Force / {print $(NF)}' "$out/gmx_dhfr_$r.log" 2>/dev/null | head -1)
        [[ -n "$nsday" ]] && gmx_dhfr+=("$nsday")
        [[ -n "$force" ]] && gmx_force+=("$force")
        [[ -n "$force" && -n "$nsday" ]] && gmx_force_ms+=("$(python3 -c "print($force / 100 * 86400 * 0.002e-3 / $nsday * 1e3)")")
        search=$(awk '/^ Neighbor search / {print $(NF)}' "$out/gmx_dhfr_$r.log" 2>/dev/null | head -1)
        grid=$(awk '/^ Domain decomp\. / {print $(NF)}' "$out/gmx_dhfr_$r.log" 2>/dev/null | head -1)
        [[ -n "$force" && -n "$nsday" && -n "$search" ]] && gmx_forcel_ms+=("$(python3 -c "print(($force + $search + ${grid:-0}) / 100 * 86400 * 0.002e-3 / $nsday * 1e3)")")
    fi
done
pmd_dhfr_med=$(printf '%s\n' "${pmd_dhfr[@]}" | median)
pmd_dhfr_ms_med=$(printf '%s\n' "${pmd_dhfr_ms[@]}" | median)
echo
echo "dhfr (23,558 atoms, bench.mdp: PME, 0.9 nm, h-bond constraints, SETTLE, v-rescale, dt 2 fs)"
printf '  %-36s %10.3f ns/day  %8.2f ms/step  (runs: %s)\n' "proteinmd bench (2 threads)" "$pmd_dhfr_med" \
    "$pmd_dhfr_ms_med" "${pmd_dhfr[*]}"
if ((${#gmx_dhfr[@]})); then
    gmx_med=$(printf '%s\n' "${gmx_dhfr[@]}" | median)
    printf '  %-36s %10.3f ns/day  %8.2f ms/step  (runs: %s)\n' "GROMACS -ntmpi 1 -ntomp 2" "$gmx_med" \
        "$(python3 -c "print(86400 * 0.002 * 1e-3 / $gmx_med * 1e3)")" "${gmx_dhfr[*]}"
    if ((${#gmx_force[@]})); then
        printf '  GROMACS Force row (nonbonded + bonded): %s%% of wall time (median)\n' \
            "$(printf '%s\n' "${gmx_force[@]}" | median)"
        gmx_force_ms_med=$(printf '%s\n' "${gmx_force_ms[@]}" | median)
        pmd_sr_med=$(printf '%s\n' "${pmd_sr[@]}" | median)
        printf '  short-range force ms/step: proteinmd nonbonded+bonded %.2f (runs: %s), GROMACS Force %.2f (runs: %s)\n' \
            "$pmd_sr_med" "${pmd_sr[*]}" "$gmx_force_ms_med" "${gmx_force_ms[*]}"
        printf '  ratio proteinmd / GROMACS Force: %.3f   (issue target <= 0.38)\n' \
            "$(python3 -c "print($pmd_sr_med / $gmx_force_ms_med)")"
    fi
    if ((${#gmx_forcel_ms[@]})); then
        gmx_forcel_med=$(printf '%s\n' "${gmx_forcel_ms[@]}" | median)
        pmd_srl_med=$(printf '%s\n' "${pmd_srl[@]}" | median)
        printf '  with pair-list upkeep (GROMACS prunes inside Force): proteinmd nonbonded+bonded+pair_search %.2f,\n' "$pmd_srl_med"
        printf '    GROMACS Force+Neighbor search+Domain decomp. %.2f ms/step; ratio %.3f\n' "$gmx_forcel_med" \
            "$(python3 -c "print($pmd_srl_med / $gmx_forcel_med)")"
    fi
    printf '  ratio proteinmd / GROMACS (ns/day): %.3f\n' "$(python3 -c "print($pmd_dhfr_med / $gmx_med)")"
    echo "  Debian GROMACS is built for SSE4.1 only; an AVX-512 build runs ~2x faster"
else
    echo "  GROMACS (gmx) not found"
fi
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
