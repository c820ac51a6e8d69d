#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang in a separate build folder and runs each
# parser fuzzer for N seconds (default 20), starting from the committed seed corpus
# (tests/fuzz/corpus/<format>) plus the small files of ../shared/benchmarks when present.
#
#   scripts/run_fuzzers.sh [seconds-per-target]
#
# Environment: CXX (default clang++-14), PROTEINMD_FUZZ_BUILD (default build-fuzz), JOBS (default 2),
# PROTEINMD_SHARED_DIR (default ../shared). Exits non-zero if a fuzzer finds a crash; the input
# that caused it is left in $PROTEINMD_FUZZ_BUILD/artifacts/.
set -euo pipefail

seconds="${1:-20}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -lt 1 ]]; then
    echo "usage: $0 [seconds-per-target]" >&2
    exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PROTEINMD_FUZZ_BUILD:-$root/build-fuzz}"
shared="${PROTEINMD_SHARED_DIR:-$root/../shared}"
cxx="${CXX:-clang++-14}"

cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPROTEINMD_FUZZ=ON -DPROTEINMD_BUILD_TESTS=ON -DPROTEINMD_BUILD_BENCH=OFF \
    -DPROTEINMD_NATIVE=OFF -DPROTEINMD_WERROR=ON >/dev/null
ninja -C "$build" -j"${JOBS:-2}" fuzz_gro fuzz_pdb fuzz_mdp

mkdir -p "$build/artifacts"
status=0
for format in gro pdb mdp; do
    corpus="$build/corpus/$format"
    mkdir -p "$corpus"
    cp "$root/tests/fuzz/corpus/$format/"* "$corpus/"
    # Small reference files make good seeds; large ones only slow each iteration down.
    if [[ -d "$shared/benchmarks" ]]; then
        while IFS= read -r -d '' file; do
            cp "$file" "$corpus/shared_$(basename "$(dirname "$file")")_$(basename "$file")"
        done < <(find "$shared/benchmarks" -name "*.$format" -size -64k -print0)
    fi
    chmod -R u+w "$corpus"
    echo "== fuzz_$format: ${seconds}s, seeds in $corpus"
    if ! "$build/tests/fuzz/fuzz_$format" "$corpus" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
        -artifact_prefix="$build/artifacts/${format}-" -print_final_stats=1 2>"$build/fuzz_$format.log"; then
        echo "fuzz_$format FOUND A PROBLEM: see $build/fuzz_$format.log and $build/artifacts/" >&2
        tail -40 "$build/fuzz_$format.log" >&2
        status=1
    else
        grep -E "^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+.*DONE)" "$build/fuzz_$format.log" || true
    fi
done
exit "$status"
