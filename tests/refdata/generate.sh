#!/usr/bin/env bash
# Regenerate the GROMACS double-precision reference data in tests/refdata/<case>/.
#   tests/refdata/generate.sh               # every case
#   tests/refdata/generate.sh rf_eps78 ...  # only these
# Needs Debian's `gromacs` package (gmx_d 2022.5 and /usr/share/gromacs/top) and /usr/bin/python3 with
# numpy. The shared reference systems are read from ../shared/benchmarks next to the repository root
# (or $PROTEINMD_SHARED_DIR/benchmarks). Scratch work happens in $TMPDIR; only the case folders change.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${PROTEINMD_SHARED_DIR:-$repo/../shared}/benchmarks"
python=/usr/bin/python3

command -v "${GMX_D:-gmx_d}" >/dev/null || { echo "gmx_d not found (apt install gromacs)" >&2; exit 1; }
[ -d "$shared" ] || { echo "shared benchmarks not found at $shared" >&2; exit 1; }
export GMX_MAXBACKUP=-1      # never leave #file.1# backups
unset GMXLIB                 # force fields from the package's share directory only

"${GMX_D:-gmx_d}" --version 2>/dev/null | sed -n '/^GROMACS version:/,/^C++ compiler flags:/p' \
    > "$here/gromacs_version.txt"

"$python" "$here/tools/generate.py" --shared "$shared" --refdata "$here" "$@"
"$python" "$here/tools/validate.py" "$@"
