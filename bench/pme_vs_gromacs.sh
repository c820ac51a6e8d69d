#!/usr/bin/env bash
# PME mesh cost on dhfr (23,558 atoms, 52^3 grid, order 4): our PmeSolver::compute (bench_pme.cpp,
# median of 5 repetitions) beside the "PME mesh" row of GROMACS's cycle accounting (median of
# several mdrun runs of the shared dhfr benchmark, bench.mdp, 2 OpenMP threads).
#
# usage: bench/pme_vs_gromacs.sh [BUILD_DIR] [GMX_RUNS]
#   BUILD_DIR: a build with -DPROTEINMD_BUILD_BENCH=ON (default: build-bench next to this folder)
#   GMX_RUNS:  number of mdrun runs (default 3)
# Needs: gmx (GROMACS 2022, Debian), python3, /work/shared (or PROTEINMD_SHARED_DIR) benchmarks.
# The machine should be otherwise idle: check `uptime` first; the figures are noisy otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../build-bench}"
runs="${2:-3}"
shared="${PROTEINMD_SHARED_DIR:-$here/../../shared}"
dhfr="$shared/benchmarks/dhfr"
bench="$build/bench/proteinmd_microbench"
nsteps=2000

[[ -x "$bench" ]] || { echo "no $bench: configure with -DPROTEINMD_BUILD_BENCH=ON and build proteinmd_microbench" >&2; exit 1; }
[[ -f "$dhfr/bench.mdp" ]] || { echo "no dhfr benchmark in $dhfr" >&2; exit 1; }
command -v gmx > /dev/null || { echo "gmx not found" >&2; exit 1; }

work="$(mktemp -d /tmp/pme_vs_gromacs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
echo "load before: $(uptime)"

# (a) ours: median of 5 repetitions per configuration; threads pinned to cores as mdrun -pin on does
# (override with OMP_PROC_BIND / OMP_PLACES).
OMP_PROC_BIND="${OMP_PROC_BIND:-true}" OMP_PLACES="${OMP_PLACES:-cores}" "$bench" --benchmark_filter='BM_PmeDhfr(ForcesOnly)?/order:4/' --benchmark_repetitions=5 \
    --benchmark_report_aggregates_only=true --benchmark_out="$work/ours.json" --benchmark_out_format=json > /dev/null

# (b) GROMACS: grompp once, mdrun $runs times; -resethway resets the counters at half the steps.
(cd "$work" && gmx grompp -maxwarn 1 -f "$dhfr/bench.mdp" -c "$dhfr/system.gro" -p "$dhfr/system.top" \
    -o x.tpr > grompp.out 2>&1) || { cat "$work/grompp.out" >&2; exit 1; }
for ((i = 1; i <= runs; ++i)); do
    (cd "$work" && gmx mdrun -s x.tpr -ntmpi 1 -ntomp 2 -pin on -nsteps $nsteps -resethway -noconfout \
        -g "log$i" > "mdrun$i.out" 2>&1) || { tail -20 "$work/mdrun$i.out" >&2; exit 1; }
done
echo "load after:  $(uptime)"

python3 - "$work" "$runs" "$nsteps" << 'EOF'
import json, statistics, sys
work, runs, nsteps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
timed_steps = nsteps // 2  # -resethway

ours = {}
for b in json.load(open(f"{work}/ours.json"))["benchmarks"]:
    if b.get("aggregate_name") == "median":
        name = b["run_name"]  # BM_PmeDhfr[ForcesOnly]/order:4/threads:T/single:S/real_time
        threads = int(name.split("threads:")[1].split("/")[0])
        single = name.split("single:")[1].split("/")[0] == "1"
        ms = b["real_time"] * {"ms": 1.0, "us": 1e-3, "ns": 1e-6, "s": 1e3}[b["time_unit"]]
        kind = "forces" if name.startswith("BM_PmeDhfrForcesOnly") else "energy"
        ours.setdefault((threads, single), {})[kind] = ms

gmx = []
for i in range(1, runs + 1):
    for line in open(f"{work}/log{i}.log"):
        if line.startswith(" PME mesh "):
            f = line.split()  # PME mesh ranks threads count wall(s) gcycles %
            wall, count, percent = float(f[-3]), int(f[-4]), float(f[-1])
            gmx.append((1e3 * wall / timed_steps, percent, count))
            break
    else:
        sys.exit(f"no 'PME mesh' row in log{i}.log")
gmx_ms = statistics.median(g[0] for g in gmx)
gmx_best = min(g[0] for g in gmx)  # on a shared machine the least disturbed run
print()
print("GROMACS 2022.5 (Debian, mixed precision), mdrun -ntmpi 1 -ntomp 2, 'PME mesh' per step over",
      f"{timed_steps} timed steps:")
for ms, percent, count in gmx:
    print(f"  run: {ms:.3f} ms/step ({percent:.1f}% of the run; {count} mesh calls)")
print(f"  median: {gmx_ms:.3f} ms/step, best: {gmx_best:.3f} ms/step")
print()
print(f"{'proteinmd PmeSolver::compute':<38}{'ms/eval':>9}{'gmx median':>12}{'ours/median':>13}{'gmx best':>10}"
      f"{'ours/best':>11}")
# A run (no barostat) sums the mesh energy and virial only on energy steps, as GROMACS does at
# nstcalcenergy (100 in bench.mdp): its mean call is 99 forces-only calls and one with energies.
rows = []
for (threads, single), kinds in sorted(ours.items()):
    label = f"{threads} thread{'s' if threads > 1 else ''}, {'single' if single else 'double'}"
    rows.append((label + ", with energy", kinds["energy"]))
    if "forces" in kinds:
        rows.append((label + ", run mix", 0.99 * kinds["forces"] + 0.01 * kinds["energy"]))
for label, ms in rows:
    print(f"  {label:<36}{ms:>9.3f}{gmx_ms:>12.3f}{ms / gmx_ms:>13.2f}{gmx_best:>10.3f}{ms / gmx_best:>11.2f}")
print()
print("Notes: Debian GROMACS is built for SSE4.1 only; an AVX-512 build runs ~2x faster.")
print("GROMACS sums the PME energy and virial only every nstcalcenergy (100) steps; so does a proteinmd run")
print("without a barostat ('run mix': 0.99 x the forces-only call + 0.01 x the call with energy and virial).")
EOF
