#!/usr/bin/python3
"""Compare an engine's single-point energies (and forces) with a GROMACS reference case.

  /usr/bin/python3 tests/refdata/check_reference.py tests/refdata/rf_eps78 ours.json [--forces ours.npy]

REFERENCE is a case folder or its reference.json. OURS is a JSON file with the per-term energies in
kJ/mol under the keys of reference.json's "energies" (bond, angle, ..., total), either at the top level
or inside an "energies" object (as `proteinmd energy --json` writes). A term missing on one side counts
as 0 there and is marked. A term passes when |ours - ref| <= max(abs_tol, rel_tol * |ref|).
Forces: N x 3 float64 .npy (kJ/mol/nm, GROMACS atom order); relative RMS =
sqrt(sum |F_ours - F_ref|^2 / sum |F_ref|^2).

Exit status: 0 all within tolerance, 1 something beyond it, 2 unreadable or inconsistent input.
"""

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

KEY_ORDER = ["bond", "angle", "urey_bradley", "proper_dihedral", "rb_dihedral", "improper_dihedral",
             "cmap", "lj_14", "coulomb_14", "lj_sr", "coulomb_sr", "coulomb_recip",
             "dispersion_correction", "position_restraint", "total"]


def fail_input(message):
    print(f"check_reference: {message}", file=sys.stderr)
    sys.exit(2)


def load_json(path, what):
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as err:
        fail_input(f"cannot read {what} {path}: {err}")


def our_energies(data, path):
    table = data.get("energies", data) if isinstance(data, dict) else None
    if not isinstance(table, dict):
        fail_input(f"{path}: expected a JSON object with per-term energies")
    out = {}
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue  # other fields (units, counts, ...) are not energies
        out["total" if key == "potential" else key] = float(value)
    if not out:
        fail_input(f"{path}: no numeric energy terms found")
    return out


def compare_energies(ref, ours, rel_tol, abs_tol):
    keys = [k for k in KEY_ORDER if k in ref or k in ours]
    keys += sorted(k for k in set(ref) | set(ours) if k not in KEY_ORDER)
    print(f"{'term':<22} {'reference':>20} {'ours':>20} {'abs diff':>11} {'rel diff':>10}  status")
    bad = 0
    for key in keys:
        r, o = ref.get(key, 0.0), ours.get(key, 0.0)
        diff = o - r
        rel = abs(diff) / abs(r) if r != 0 else (0.0 if diff == 0 else math.inf)
        ok = abs(diff) <= max(abs_tol, rel_tol * abs(r))
        note = "" if key in ref and key in ours else (" (not in ours)" if key in ref else " (not in ref)")
        bad += not ok
        print(f"{key:<22} {r:>20.9f} {o:>20.9f} {diff:>11.3e} {rel:>10.2e}  "
              f"{'ok' if ok else 'FAIL'}{note}")
    return bad


def compare_forces(ref_path, ours_path, n_atoms, rms_tol):
    try:
        ref = np.load(ref_path)
        ours = np.load(ours_path)
    except (OSError, ValueError) as err:
        fail_input(f"cannot load forces: {err}")
    if ours.shape != ref.shape or ref.shape != (n_atoms, 3):
        fail_input(f"forces: ours {ours.shape}, reference {ref.shape}, expected ({n_atoms}, 3)")
    if not np.all(np.isfinite(ours)):
        print("forces: ours has non-finite values  FAIL")
        return 1
    diff = ours - ref
    rel_rms = math.sqrt(float(np.sum(diff * diff)) / float(np.sum(ref * ref)))
    worst = int(np.argmax(np.linalg.norm(diff, axis=1)))
    ok = rel_rms <= rms_tol
    print(f"forces: relative RMS {rel_rms:.3e} (tolerance {rms_tol:.1e}), max |dF| "
          f"{np.linalg.norm(diff[worst]):.3e} kJ/mol/nm at atom {worst + 1} (1-based)  "
          f"{'ok' if ok else 'FAIL'}")
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description="Compare energies/forces with a GROMACS reference.")
    parser.add_argument("reference", help="case folder or its reference.json")
    parser.add_argument("ours", help="JSON with our per-term energies (kJ/mol)")
    parser.add_argument("--forces", help="our forces, N x 3 .npy (kJ/mol/nm)")
    parser.add_argument("--rel-tol", type=float, default=1e-6, help="per-term relative tolerance")
    parser.add_argument("--abs-tol", type=float, default=1e-4, help="per-term absolute tolerance, kJ/mol")
    parser.add_argument("--forces-rel-rms", type=float, default=1e-5,
                        help="tolerance on the forces' relative RMS difference")
    args = parser.parse_args()

    ref_path = Path(args.reference)
    if ref_path.is_dir():
        ref_path = ref_path / "reference.json"
    ref = load_json(ref_path, "reference")
    if not isinstance(ref, dict) or "energies" not in ref:
        fail_input(f"{ref_path}: no 'energies' in the reference")
    ours = our_energies(load_json(args.ours, "energies"), args.ours)

    print(f"case {ref.get('case', '?')}: {ref.get('source', '')}")
    bad = compare_energies(ref["energies"], ours, args.rel_tol, args.abs_tol)
    if args.forces:
        bad += compare_forces(ref_path.parent / ref.get("forces_file", "forces.npy"), args.forces,
                              ref.get("n_atoms"), args.forces_rel_rms)
    print("PASS" if bad == 0 else f"FAIL ({bad} beyond tolerance)")
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
