#!/usr/bin/env python3
"""Regenerates ala2_solvated_variants.json: gmx_d 2022 single-point energies of
shared/benchmarks/ala2_solvated for non-bonded settings the shared references do not cover
(LJ force-/potential-switch, plain cut-off Coulomb, reaction field with finite eps_rf and eps_r,
PME with potential-shift and rvdw < rcoulomb, each dispersion-correction flavour).

Also writes dhfr_energy_mdp.json: gmx_d LJ (SR) and Coulomb (SR) of shared/benchmarks/dhfr with its
own energy.mdp (PME 0.9 nm, no modifiers), a 23,558-atom check of the cell-grid loops.

Usage: make_nonbonded_refdata.py [path/to/shared/benchmarks]   (needs gmx_d on PATH)
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BENCHMARKS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../../shared/benchmarks")
SRC = os.path.join(BENCHMARKS, "ala2_solvated")

COMMON = {
    "integrator": "md", "nsteps": "0", "cutoff-scheme": "Verlet", "pbc": "xyz", "constraints": "h-bonds",
    "nstcalcenergy": "1", "nstenergy": "1", "continuation": "yes", "vdwtype": "Cut-off",
}

VARIANTS = {
    "rf_inf_force_switch": {"coulombtype": "Reaction-Field", "epsilon-rf": "0", "rcoulomb": "1.0", "rvdw": "1.0",
                            "vdw-modifier": "Force-switch", "rvdw-switch": "0.8", "DispCorr": "EnerPres"},
    "rf_inf_potential_switch": {"coulombtype": "Reaction-Field", "epsilon-rf": "0", "rcoulomb": "1.0",
                                "rvdw": "1.0", "vdw-modifier": "Potential-switch", "rvdw-switch": "0.8",
                                "DispCorr": "EnerPres"},
    "cutoff_shift_lj_none": {"coulombtype": "Cut-off", "coulomb-modifier": "Potential-shift", "rcoulomb": "1.1",
                             "rvdw": "1.1", "vdw-modifier": "None", "DispCorr": "Ener"},
    "rf_78_epsr2_allenerpres": {"coulombtype": "Reaction-Field", "epsilon-rf": "78.5", "epsilon-r": "2",
                                "rcoulomb": "1.0", "rvdw": "1.0", "vdw-modifier": "Potential-shift",
                                "DispCorr": "AllEnerPres"},
    "pme_shift_rvdw_shorter": {"coulombtype": "PME", "coulomb-modifier": "Potential-shift", "rcoulomb": "1.0",
                               "rvdw": "0.9", "vdw-modifier": "Potential-shift", "ewald-rtol": "1e-5",
                               "DispCorr": "EnerPres"},
}

TERMS = {"LJ (SR)": "lj_sr", "Coulomb (SR)": "coulomb_sr", "Disper. corr.": "dispersion_correction",
         "Pres. DC": "pres_dc_bar"}


def run(variant, settings, work):
    mdp = os.path.join(work, variant + ".mdp")
    with open(mdp, "w") as f:
        for k, v in {**COMMON, **settings}.items():
            f.write(f"{k} = {v}\n")
    tpr = os.path.join(work, variant + ".tpr")
    subprocess.run(["gmx_d", "grompp", "-f", mdp, "-c", os.path.join(SRC, "system.gro"), "-p",
                    os.path.join(SRC, "system.top"), "-o", tpr, "-po", os.path.join(work, "mdout.mdp"),
                    "-maxwarn", "5"], check=True, capture_output=True)
    # A zero-step run (continuation = yes: positions used as given) rather than -rerun, so the
    # energy file also holds the dispersion-correction pressure "Pres. DC".
    subprocess.run(["gmx_d", "mdrun", "-s", tpr, "-deffnm", os.path.join(work, variant), "-nt", "1", "-notunepme"],
                   check=True, capture_output=True)
    xvg = os.path.join(work, variant + ".xvg")
    wanted = [t for t in TERMS]
    p = subprocess.run(["gmx_d", "energy", "-f", os.path.join(work, variant + ".edr"), "-o", xvg, "-dp"],
                       input="\n".join(w.replace(" ", "-") for w in wanted) + "\n\n", text=True,
                       check=True, capture_output=True)
    legends, values = [], None
    with open(xvg) as f:
        for line in f:
            if line.startswith("@ s") and "legend" in line:
                legends.append(line.split('"')[1])
            elif not line.startswith(("#", "@")) and line.strip():
                values = [float(x) for x in line.split()[1:]]
    return {TERMS[name]: value for name, value in zip(legends, values) if name in TERMS}


def main():
    out = {"source": "gmx_d 2022.5 zero-step mdrun (continuation = yes) of shared/benchmarks/ala2_solvated/system.gro; make_nonbonded_refdata.py",
           "common_mdp": COMMON, "variants": {}}
    with tempfile.TemporaryDirectory() as work:
        for name, settings in VARIANTS.items():
            out["variants"][name] = {"mdp": settings, "energies": run(name, settings, work)}
        with open(os.path.join(HERE, "ala2_solvated_variants.json"), "w") as f:
            json.dump(out, f, indent=1)
            f.write("\n")

        dhfr = os.path.join(BENCHMARKS, "dhfr")
        tpr = os.path.join(work, "dhfr.tpr")
        subprocess.run(["gmx_d", "grompp", "-f", os.path.join(dhfr, "energy.mdp"), "-c",
                        os.path.join(dhfr, "system.gro"), "-p", os.path.join(dhfr, "system.top"), "-o", tpr,
                        "-po", os.path.join(work, "mdout.mdp"), "-maxwarn", "5"], check=True, capture_output=True)
        subprocess.run(["gmx_d", "mdrun", "-s", tpr, "-rerun", os.path.join(dhfr, "system.gro"), "-deffnm",
                        os.path.join(work, "dhfr"), "-nt", "2"], check=True, capture_output=True)
        xvg = os.path.join(work, "dhfr.xvg")
        subprocess.run(["gmx_d", "energy", "-f", os.path.join(work, "dhfr.edr"), "-o", xvg, "-dp"],
                       input="LJ-(SR)\nCoulomb-(SR)\n\n", text=True, check=True, capture_output=True)
        with open(xvg) as f:
            last = [line for line in f if line.strip() and not line.startswith(("#", "@"))][-1]
        lj, coulomb = (float(x) for x in last.split()[1:3])
        with open(os.path.join(HERE, "dhfr_energy_mdp.json"), "w") as f:
            json.dump({"source": "gmx_d 2022.5 mdrun -rerun of shared/benchmarks/dhfr with its energy.mdp; "
                                 "make_nonbonded_refdata.py", "energies": {"lj_sr": lj, "coulomb_sr": coulomb}},
                      f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
