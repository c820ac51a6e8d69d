"""Regenerate tests/refdata/<case>/ from GROMACS double precision (gmx_d). Called by ../generate.sh.

For each case: prepare the inputs in a scratch folder (pdb2gmx + editconf, or copies of a shared
system), grompp, `mdrun -rerun` on the coordinates, `gmx energy -dp`, then write the case folder:
inputs, reference.json and forces.npy (read from the double-precision .trr, every digit kept).
Every command is recorded in reference.json, relative to the scratch folder.
"""

import argparse
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import cases as case_table
import gmxfiles
from validate import validate_case

GMX = os.environ.get("GMX_D", "gmx_d")
MDRUN_FLAGS = ["-ntmpi", "1", "-ntomp", "1", "-nb", "cpu", "-pin", "off"]
# pdb2gmx header lines that name the user, host, date and folder: dropped so reruns are byte-stable.
EM_MDP = ("integrator = steep\nnsteps = 500\nemtol = 500\ncutoff-scheme = Verlet\ncoulombtype = PME\n"
          "rcoulomb = 0.9\nrvdw = 0.9\nconstraints = h-bonds\n")
VOLATILE_TOP_LINES = (";\tBy user:", ";\tOn host:", ";\tAt date:", ";\tWorking dir:")


class Runner:
    """Runs commands in the scratch folder and keeps the list for reference.json."""

    def __init__(self, work):
        self.work, self.commands = work, []

    def note(self, text):
        self.commands.append(text)

    def gmx(self, args, stdin=None, allow_fail=False, record=True):
        cmd = [GMX] + args
        if record:
            shown = shlex.join(["gmx_d"] + args)
            if stdin is not None:
                shown = f"printf {shlex.quote(stdin)} | {shown}"
            self.commands.append(shown)
        proc = subprocess.run(cmd, cwd=self.work, input=stdin if stdin is not None else "",
                              capture_output=True, text=True)
        if proc.returncode != 0 and not allow_fail:
            sys.exit(f"command failed ({proc.returncode}) in {self.work}: {shlex.join(cmd)}\n"
                     f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc


def normalize_top(run, name):
    """Drops pdb2gmx's volatile header comments from the scratch folder's topology `name`."""
    path = run.work / name
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(l for l in lines if not l.startswith(VOLATILE_TOP_LINES)))
    run.note(f"sed -i '/^;\\t\\(By user\\|On host\\|At date\\|Working dir\\):/d' {name}"
             "  # drop volatile header comments")


def set_gro_title(run, name, title):
    """GROMACS writes a random title into a .gro; a fixed one keeps reruns byte-identical."""
    path = run.work / name
    lines = path.read_text().split("\n")
    lines[0] = title
    path.write_text("\n".join(lines))
    run.note(f"sed -i '1s/.*/{title}/' {name}  # fixed title instead of GROMACS's random one")


def displace_gro(src, dst, amplitude=0.02, seed=2022):
    """Copy of a .gro with every coordinate moved by U(-a, a) nm (legacy numpy RNG: stable)."""
    lines = src.read_text().splitlines()
    natoms = int(lines[1])
    rng = np.random.RandomState(seed)
    shifts = rng.uniform(-amplitude, amplitude, size=(natoms, 3))
    out = ["posre_ref.gro: " + lines[0], lines[1]]
    for i in range(natoms):
        line = lines[2 + i]
        xyz = [float(line[20 + 8 * k:28 + 8 * k]) + shifts[i, k] for k in range(3)]
        out.append(line[:20] + "".join(f"{v:8.3f}" for v in xyz) + line[44:])
    out += lines[2 + natoms:]
    dst.write_text("\n".join(out) + "\n")


def prepare_ff(spec, run, shared):
    work = run.work
    src = shared / "dhfr_vacuum" / "source.pdb"
    text = src.read_text().replace(" HID ", " HIS ")
    (work / "protein.pdb").write_text(text)
    run.note("sed 's/ HID / HIS /' shared/benchmarks/dhfr_vacuum/source.pdb > protein.pdb"
             "  # Amber residue name -> generic HIS, so every force field's .rtp/.r2b accepts it")
    run.gmx(["pdb2gmx", "-f", "protein.pdb", "-o", "pdb2gmx.gro", "-p", "topol.top", "-i", "posre.itp",
             "-ff", spec["ff"], "-water", "none", "-ignh"])
    normalize_top(run, "topol.top")
    run.gmx(["editconf", "-f", "pdb2gmx.gro", "-o", "conf.gro", "-box", "30", "-c"])
    set_gro_title(run, "conf.gro", f"DHFR, pdb2gmx -ff {spec['ff']} -ignh, editconf -box 30 -c")
    files = ["topol.top", "posre.itp", "conf.gro", "energy.mdp"]
    inputs = {"top": "topol.top", "coords": "conf.gro", "mdp": "energy.mdp"}
    coords = "conf.gro"
    if spec.get("posres"):
        # Restraint reference = displaced copy, rerun on conf.gro itself: every other term then
        # equals ff_amber99sb-ildn's, and the restraint energy is not zero.
        displace_gro(work / "conf.gro", work / "posre_ref.gro")
        run.note("python3: posre_ref.gro = conf.gro + numpy RandomState(2022).uniform(-0.02, 0.02, "
                 "(N, 3)) nm, written %8.3f")
        files.append("posre_ref.gro")
        inputs["restraint_coords"] = "posre_ref.gro"
    return files, inputs, coords


def prepare_solvated(spec, run, shared):
    """A peptide solvated the way a GROMACS user does it, in the box type the case names."""
    work = run.work
    shutil.copy(shared / spec["system"] / "source.pdb", work / "peptide.pdb")
    run.note(f"cp shared/benchmarks/{spec['system']}/source.pdb peptide.pdb")
    run.gmx(["pdb2gmx", "-f", "peptide.pdb", "-o", "pdb2gmx.gro", "-p", "topol.top", "-i", "posre.itp",
             "-ff", spec["ff"], "-water", "tip3p", "-ignh"])
    run.gmx(["editconf", "-f", "pdb2gmx.gro", "-o", "boxed.gro", "-bt", spec["box_type"], "-d",
             str(spec["distance"]), "-c"])
    run.gmx(["solvate", "-cp", "boxed.gro", "-cs", "spc216.gro", "-o", "solvated.gro", "-p", "topol.top"])
    # Steepest descent, as a GROMACS user would before anything else: solvate leaves close contacts
    # whose forces would dominate every comparison.
    (work / "em.mdp").write_text(EM_MDP)
    run.note("cat > em.mdp  # " + EM_MDP.replace("\n", "; ").strip("; "))
    run.gmx(["grompp", "-f", "em.mdp", "-c", "solvated.gro", "-p", "topol.top", "-o", "em.tpr"])
    run.gmx(["mdrun", "-s", "em.tpr", "-deffnm", "em", "-c", "conf.gro"] + MDRUN_FLAGS)
    normalize_top(run, "topol.top")
    set_gro_title(run, "conf.gro",
                  f"{spec['system']} peptide, pdb2gmx -ff {spec['ff']}, editconf -bt {spec['box_type']}, solvate")
    files = ["topol.top", "posre.itp", "conf.gro", "energy.mdp"]
    inputs = {"top": "topol.top", "coords": "conf.gro", "mdp": "energy.mdp"}
    return files, inputs, "conf.gro"


def prepare_shared(spec, run, shared):
    system = spec["system"]
    for name in ("system.top", "system.gro"):
        shutil.copy(shared / system / name, run.work / name)
    run.note(f"cp shared/benchmarks/{system}/system.top shared/benchmarks/{system}/system.gro .")
    inputs = {"top": f"shared:{system}/system.top", "coords": f"shared:{system}/system.gro",
              "mdp": "energy.mdp"}
    return ["energy.mdp"], inputs, "system.gro"


def select_all_terms(run, edr, xvg):
    """gmx energy needs the terms by number: read its menu first, then ask for all of them."""
    menu = run.gmx(["energy", "-f", edr], stdin="0\n", allow_fail=True, record=False)
    names = gmxfiles.energy_list_from_prompt(menu.stdout + menu.stderr)
    if not names:
        sys.exit(f"could not read the gmx energy menu for {edr}")
    selection = " ".join(str(i + 1) for i in range(len(names))) + "\n\n"
    run.gmx(["energy", "-f", edr, "-o", xvg, "-dp"], stdin=selection)
    legends, rows = gmxfiles.read_xvg(run.work / xvg)
    if len(rows) != 1 or len(rows[0]) != len(legends) + 1:
        sys.exit(f"{xvg}: expected one frame with {len(legends)} terms")
    return dict(zip(legends, rows[0][1:]))


def grompp_messages(text):
    out, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(("WARNING", "NOTE")) and "[" in line:
            block = [line]
            for nxt in lines[i + 1:]:
                if not nxt.strip():
                    break
                block.append(nxt.strip())
            out.append(" ".join(block))
    return out


def json_safe(value):
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def tensor(terms, prefix):
    keys = [prefix + a + b for a in "XYZ" for b in "XYZ"]
    if not all(k in terms for k in keys):
        return None
    return {k[len(prefix):]: terms[k] for k in keys}


def virial_from_md_step(run, potential):
    """mdrun -rerun writes no virial, so run the same .tpr as a real step 0 (no constraints here, so
    the step-0 virial is the force virial alone) and take GROMACS's Vir-XX..Vir-ZZ from it. Its
    pressure is left out: leap-frog reports a half-step kinetic energy even from zero velocities."""
    run.gmx(["mdrun", "-s", "run.tpr", "-deffnm", "step0"] + MDRUN_FLAGS)
    terms = select_all_terms(run, "step0.edr", "step0.xvg")
    if abs(terms["Potential"] - potential) > 1e-9 * abs(potential):
        sys.exit(f"step-0 potential {terms['Potential']} differs from the rerun's {potential}")
    vir = tensor(terms, "Vir-")
    if vir is None:
        sys.exit("no Vir-XX..Vir-ZZ in step0.edr")
    return {"virial": vir,
            "virial_units": "kJ/mol, Xi = -1/2 sum r (x) F (GROMACS convention)",
            "virial_source": "gmx_d mdrun -s run.tpr -deffnm step0 (step 0 of a normal run, no "
                             "constraints, same potential as the rerun); gmx_d energy -dp Vir-XX..Vir-ZZ"}


def generate_case(name, spec, refdata, shared, keep):
    work = Path(tempfile.mkdtemp(prefix=f"proteinmd_refdata_{name}_"))
    run = Runner(work)
    if spec["kind"] == "ff":
        files, inputs, coords = prepare_ff(spec, run, shared)
    elif spec["kind"] == "solvated":
        files, inputs, coords = prepare_solvated(spec, run, shared)
    else:
        files, inputs, coords = prepare_shared(spec, run, shared)

    if spec["mdp"] is None:
        shutil.copy(shared / spec["system"] / "energy.mdp", work / "energy.mdp")
        run.note(f"cp shared/benchmarks/{spec['system']}/energy.mdp .")
    else:
        (work / "energy.mdp").write_text(spec["mdp"])

    grompp = ["grompp", "-f", "energy.mdp", "-c", coords, "-p",
              "system.top" if spec["kind"] == "shared" else "topol.top", "-o", "run.tpr",
              "-maxwarn", str(spec["maxwarn"])]
    if spec.get("posres"):
        grompp += ["-r", "posre_ref.gro"]
    proc = run.gmx(grompp)
    messages = grompp_messages(proc.stdout + proc.stderr)
    proc = run.gmx(["mdrun", "-s", "run.tpr", "-rerun", coords, "-deffnm", "run"] + MDRUN_FLAGS)
    log = gmxfiles.parse_mdrun_log((work / "run.log").read_text())
    terms = select_all_terms(run, "run.edr", "energy.xvg")
    dump = run.gmx(["dump", "-f", "run.trr"])

    frames = gmxfiles.read_trr(work / "run.trr")
    if len(frames) != 1 or "f" not in frames[0] or frames[0]["precision_bytes"] != 8:
        sys.exit(f"{name}: run.trr should hold one double-precision frame with forces")
    forces = frames[0]["f"]
    dumped = gmxfiles.read_dump_forces(dump.stdout)
    if dumped.shape != forces.shape:
        sys.exit(f"{name}: gmx dump shows {dumped.shape} forces, trr reader {forces.shape}")
    dump_rel = float(np.max(np.abs(dumped - forces) / np.maximum(np.abs(forces), 1e-3)))
    if dump_rel > 1e-5:
        sys.exit(f"{name}: trr reader disagrees with gmx dump (max rel {dump_rel:.2e})")

    energies = {}
    for term, value in terms.items():
        key = gmxfiles.energy_key(term)
        if key is not None:
            energies[key] = energies.get(key, 0.0) + value
    order = ["bond", "angle", "urey_bradley", "proper_dihedral", "rb_dihedral", "improper_dihedral",
             "cmap", "lj_14", "coulomb_14", "lj_sr", "coulomb_sr", "coulomb_recip",
             "dispersion_correction", "position_restraint", "total"]
    energies = {k: energies[k] for k in order if k in energies}

    ref = {
        "case": name,
        "about": spec["about"],
        "source": f"gmx_d 2022.5 (Debian) mdrun -rerun {coords} (double precision)",
        "commands": run.commands,
        "inputs": inputs,
        "gromacs_terms": terms,
        "energies": energies,
        "forces_file": "forces.npy",
        "forces_units": "kJ/mol/nm, float64, N x 3, GROMACS atom order, read from the double-precision "
                        "run.trr (all digits)",
        "forces_vs_gmx_dump_max_rel": dump_rel,
        "n_atoms": int(forces.shape[0]),
        "box_nm": frames[0]["box"].tolist() if "box" in frames[0] else None,
        "vacuum": spec["kind"] == "ff",
        "grompp_messages": messages,
        "mdrun_settings": log,
    }
    if log.get("coulombtype") in ("PME", "Ewald"):
        beta = gmxfiles.ewald_coefficient(float(log["rcoulomb"]), float(log["ewald-rtol"]))
        ref["pme"] = {
            "grid": [log["fourier-nx"], log["fourier-ny"], log["fourier-nz"]],
            "order": log["pme-order"],
            "ewald_rtol": log["ewald-rtol"],
            "rcoulomb": log["rcoulomb"],
            "ewald_coefficient": beta,
            "ewald_coefficient_note": "beta (1/nm) with erfc(beta*rc) = ewald-rtol, GROMACS's search "
                                      "redone in double; mdrun prints 1/beta",
            "gaussian_width_printed_nm": log.get("ewald_gaussian_width_printed_nm"),
        }
        printed = ref["pme"]["gaussian_width_printed_nm"]
        if printed is None or abs(1 / beta - printed) > 1e-6:
            sys.exit(f"{name}: Ewald coefficient {beta} does not match mdrun's 1/beta {printed}")
    if spec["kind"] == "ff":
        ref.update(virial_from_md_step(run, terms["Potential"]))

    out = refdata / name
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for f in files:
        shutil.copy(work / f, out / f)
    np.save(out / "forces.npy", forces)
    (out / "reference.json").write_text(json.dumps(json_safe(ref), indent=1) + "\n")
    problems = validate_case(out)
    if problems:
        sys.exit(f"{name}: validation failed:\n  " + "\n  ".join(problems))
    if keep:
        print(f"  scratch kept: {work}")
    else:
        shutil.rmtree(work)
    return ref


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="cases to regenerate (default: all)")
    parser.add_argument("--shared", type=Path, required=True, help="shared/benchmarks folder")
    parser.add_argument("--refdata", type=Path, required=True, help="tests/refdata folder")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folders")
    args = parser.parse_args()
    names = args.cases or list(case_table.CASES)
    unknown = [n for n in names if n not in case_table.CASES]
    if unknown:
        sys.exit(f"unknown case(s): {' '.join(unknown)}; known: {' '.join(case_table.CASES)}")
    for name in names:
        print(f"{name} ...", flush=True)
        ref = generate_case(name, case_table.CASES[name], args.refdata, args.shared, args.keep)
        print(f"  {ref['n_atoms']} atoms, total {ref['energies']['total']:.6f} kJ/mol", flush=True)


if __name__ == "__main__":
    main()
