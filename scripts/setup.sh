#!/usr/bin/env bash
# Installs every build and test dependency from Debian 12 packages, then configures and builds
# proteinmd into ./build. Safe to rerun: apt skips what is installed, the build is incremental.
#   scripts/setup.sh            install + build
#   scripts/setup.sh --deps     install only
set -euo pipefail
cd "$(dirname "$0")/.."

# Why each package is here: see README.md, "Dependencies".
PACKAGES=(
  cmake ninja-build g++ pkg-config          # build
  libfmt-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev   # formatting, JSON, CLI, config
  libfftw3-dev                              # PME 3-D FFTs
  libhdf5-dev                               # H5MD trajectories
  libgtest-dev libgmock-dev libbenchmark-dev  # tests and micro-benchmarks
  gromacs-data                              # Debian's force-field folders, found by #include "amber99sb-ildn.ff/..."
  clang-14 libclang-rt-14-dev               # libFuzzer targets for the parsers
  python3 python3-numpy                     # reference-comparison script
  python3-mdanalysis python3-mdtraj python3-h5py  # trajectory interoperability tests
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
[ "${1:-}" = "--deps" ] && exit 0

BUILD_DIR=${PROTEINMD_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release ${PROTEINMD_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
echo "setup: built $BUILD_DIR/apps/proteinmd/proteinmd"
