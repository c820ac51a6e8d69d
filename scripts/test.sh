#!/usr/bin/env bash
# The README's test command: install dependencies, build (warnings are errors), run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --deps
BUILD_DIR=${PROTEINMD_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPROTEINMD_WERROR=ON >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" "$@"
