"""Consistency checks on the committed reference cases (needs no GROMACS).

  /usr/bin/python3 tests/refdata/tools/validate.py [case ...]     # all cases by default

For each case: the per-term energies add up to the total (1e-5 relative), every input file is there,
forces.npy is N x 3 finite float64 with N = n_atoms, and in vacuum without restraints the forces
sum to zero (Newton's third law). Prints a table of the energies; exits 1 on any problem.
"""

import json
import sys
from pathlib import Path

import numpy as np

ENERGY_KEYS = ["bond", "angle", "urey_bradley", "proper_dihedral", "rb_dihedral", "improper_dihedral",
               "cmap", "lj_14", "coulomb_14", "lj_sr", "coulomb_sr", "coulomb_recip",
               "dispersion_correction", "position_restraint"]
REQUIRED = ["case", "source", "commands", "inputs", "gromacs_terms", "energies", "forces_file", "n_atoms"]
MAX_CASE_BYTES = 2 * 1024 * 1024


def refdata_dir():
    return Path(__file__).resolve().parent.parent


def shared_benchmarks():
    return refdata_dir().parent.parent.parent / "shared" / "benchmarks"


def read_gro(path):
    lines = Path(path).read_text().splitlines()
    natoms = int(lines[1])
    return np.array([[float(l[20 + 8 * k:28 + 8 * k]) for k in range(3)] for l in lines[2:2 + natoms]])


def check_virial(folder, ref, forces):
    """In vacuum (no periodic images within the cut-off) and without restraints, GROMACS's virial is
    the single sum -1/2 sum_i x_i (x) F_i over the rerun coordinates."""
    if not ref.get("vacuum") or "position_restraint" in ref["energies"]:
        return []
    x = read_gro(folder / ref["inputs"]["coords"])
    ours = -0.5 * np.einsum("ia,ib->ab", x, forces)
    theirs = np.array([[ref["virial"][a + b] for b in "XYZ"] for a in "XYZ"])
    err = np.abs(ours - theirs).max()
    if err > 1e-8 * np.abs(theirs).max():
        return [f"virial differs from -1/2 sum x F by {err:.3e} kJ/mol"]
    return []


def check_position_restraints(folder, ref):
    """Restraint energy recomputed from posre.itp (flat fc per axis, type 1) and the two .gro files."""
    x = read_gro(folder / ref["inputs"]["coords"])
    x0 = read_gro(folder / ref["inputs"]["restraint_coords"])
    energy = 0.0
    for line in (folder / "posre.itp").read_text().splitlines():
        fields = line.split(";")[0].split()
        if len(fields) == 5 and fields[0].isdigit() and fields[1] == "1":
            i = int(fields[0]) - 1
            k = np.array([float(v) for v in fields[2:5]])
            energy += 0.5 * float(np.sum(k * (x[i] - x0[i]) ** 2))
    want = ref["energies"].get("position_restraint", 0.0)
    if abs(energy - want) > 1e-9 * max(abs(want), 1.0):
        return [f"position restraints recomputed {energy!r}, reference {want!r}"]
    return []


def validate_case(folder, shared=None):
    folder = Path(folder)
    problems = []
    try:
        ref = json.loads((folder / "reference.json").read_text())
    except (OSError, ValueError) as err:
        return [f"cannot read reference.json: {err}"]
    problems += [f"reference.json lacks '{k}'" for k in REQUIRED if k not in ref]
    if problems:
        return problems

    energies = ref["energies"]
    unknown = [k for k in energies if k not in ENERGY_KEYS + ["total"]]
    problems += [f"unknown energy key '{k}'" for k in unknown]
    if "total" not in energies:
        problems.append("energies lack 'total'")
    else:
        parts = sum(v for k, v in energies.items() if k != "total")
        total = energies["total"]
        if abs(parts - total) > 1e-5 * max(abs(total), 1.0):
            problems.append(f"terms sum to {parts!r}, total is {total!r}")
        if energies["total"] != ref["gromacs_terms"].get("Potential"):
            problems.append("total differs from gromacs_terms Potential")

    shared = Path(shared) if shared else shared_benchmarks()
    for role, path in ref["inputs"].items():
        if path.startswith("shared:"):
            target = shared / path[len("shared:"):]
            if shared.is_dir() and not target.is_file():
                problems.append(f"input {role}: {target} missing")
        elif not (folder / path).is_file():
            problems.append(f"input {role}: {path} missing in the case folder")

    try:
        forces = np.load(folder / ref["forces_file"])
    except (OSError, ValueError) as err:
        return problems + [f"cannot load {ref['forces_file']}: {err}"]
    if forces.dtype != np.float64 or forces.shape != (ref["n_atoms"], 3):
        problems.append(f"forces: {forces.dtype} {forces.shape}, expected float64 ({ref['n_atoms']}, 3)")
    elif not np.all(np.isfinite(forces)):
        problems.append("forces: non-finite values")
    elif ref.get("vacuum") and "position_restraint" not in energies:
        net = np.abs(forces.sum(axis=0)).max()
        if net > 1e-9 * np.abs(forces).sum():
            problems.append(f"vacuum forces do not sum to zero: max |sum| = {net:.3e}")

    if "virial" in ref and not problems:
        problems += check_virial(folder, ref, forces)
    if "restraint_coords" in ref["inputs"] and not problems:
        problems += check_position_restraints(folder, ref)

    size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    if size > MAX_CASE_BYTES:
        problems.append(f"case folder holds {size} bytes (> 2 MB)")
    return problems


def main(argv):
    root = refdata_dir()
    names = argv or sorted(p.name for p in root.iterdir() if (p / "reference.json").is_file())
    failed = False
    header = ["case", "n_atoms"] + ENERGY_KEYS + ["total"]
    rows = []
    for name in names:
        problems = validate_case(root / name)
        if problems:
            failed = True
            print(f"{name}: FAILED\n  " + "\n  ".join(problems))
            continue
        ref = json.loads((root / name / "reference.json").read_text())
        rows.append([name, str(ref["n_atoms"])] +
                    [f"{ref['energies'][k]:.6f}" if k in ref["energies"] else "-"
                     for k in ENERGY_KEYS + ["total"]])
    if rows:
        used = [i for i in range(len(header)) if any(r[i] != "-" for r in rows)]
        print("| " + " | ".join(header[i] for i in used) + " |")
        print("|" + "---|" * len(used))
        for r in rows:
            print("| " + " | ".join(r[i] for i in used) + " |")
    print("all cases consistent" if not failed else "PROBLEMS FOUND")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
