"""The reference cases: what each one runs and what it exercises.

Each case is a dict:
  kind        "ff": pdb2gmx on dhfr_vacuum/source.pdb with force field `ff`, vacuum emulation;
              "shared": a system from shared/benchmarks (`system`) with the case's own .mdp;
              "solvated": the peptide of shared/benchmarks/`system`/source.pdb, pdb2gmx with `ff` and
              TIP3P, editconf -bt `box_type` -d `distance`, solvate with spc216,
              500 steps of steepest descent (gmx_d)
  mdp         the .mdp text written to the case folder (energy.mdp)
  about       one line for README / reference.json
  maxwarn     grompp -maxwarn (every warning is recorded in reference.json)
"""

# Vacuum single point as in shared/benchmarks/ala2_vacuum/energy.mdp: GROMACS 2022 has no pbc=no with
# the Verlet scheme, so a 30 nm box with 10 nm plain cut-offs covers every pair of the protein.
VACUUM_MDP = """\
; Single-point energy, vacuum emulated: 30 nm box (protein centred), 10 nm plain cut-offs cover all
; pairs; Cut-off electrostatics with coulomb-modifier None gives k_rf = c_rf = 0 (plain Coulomb).
integrator              = md
nsteps                  = 0
cutoff-scheme           = Verlet
pbc                     = xyz
coulombtype             = Cut-off
rcoulomb                = 10.0
vdwtype                 = Cut-off
rvdw                    = 10.0
coulomb-modifier        = None
vdw-modifier            = None
DispCorr                = no
constraints             = none
nstcalcenergy           = 1
nstenergy               = 1
nstfout                 = 1
continuation            = yes
"""

POSRES_MDP = VACUUM_MDP.replace(
    "integrator              = md\n",
    "define                  = -DPOSRES\n"
    "refcoord-scaling        = no\n"
    "integrator              = md\n").replace(
    "; Single-point energy, vacuum", "; Position restraints (posre.itp) towards posre_ref.gro (grompp -r), refcoord-scaling no.\n"
    "; Single-point energy, vacuum")

_COMMON_TAIL = """\
constraints             = h-bonds
continuation            = yes
nstcalcenergy           = 1
nstenergy               = 1
nstfout                 = 1
"""


def _periodic_mdp(comment, body):
    return (f"; {comment}\n"
            "integrator              = md\n"
            "nsteps                  = 0\n"
            "cutoff-scheme           = Verlet\n"
            "pbc                     = xyz\n" + body + _COMMON_TAIL)


CASES = {}

for _ff, _about in (
        ("amber99sb-ildn", "AMBER99SB-ILDN: harmonic bonds/angles, proper dihedrals type 9 (multiple terms "
                           "per quartet, ILDN negative k), periodic impropers type 4, fudgeQQ 0.8333, fudgeLJ 0.5"),
        ("charmm27", "CHARMM27: Urey-Bradley (angle type 5), dihedral type 9, harmonic impropers type 2, "
                     "CMAP (type 1 grids), [ pairtypes ] 1-4 LJ, fudgeQQ = fudgeLJ = 1"),
        ("oplsaa", "OPLS-AA: Ryckaert-Bellemans dihedrals (type 3), impropers as periodic type 1 "
                   "(reported as Proper Dih.), comb-rule 3 (geometric sigma), fudgeQQ = fudgeLJ = 0.5"),
        ("gromos54a7", "GROMOS 54A7 united atom: G96 bonds (type 2) and angles (type 2), harmonic "
                       "impropers type 2, proper type 1, comb-rule 1 (C6/C12 given), gen-pairs no "
                       "([ pairtypes ]), fudgeQQ 1")):
    CASES[f"ff_{_ff}"] = {"kind": "ff", "ff": _ff, "mdp": VACUUM_MDP,
                          "maxwarn": 1 if _ff.startswith("gromos") else 0,  # GROMOS twin-range warning
                          "about": f"DHFR (159 residues), vacuum, {_about}"}

CASES["ff_amber99sb-ildn_posres"] = {
    "kind": "ff", "ff": "amber99sb-ildn", "posres": True, "mdp": POSRES_MDP, "maxwarn": 0,
    "about": "ff_amber99sb-ildn (same conf.gro, so every other term is equal) plus position restraints "
             "(define = -DPOSRES, posre.itp: heavy atoms, k = 1000 kJ/mol/nm^2, refcoord-scaling = no) "
             "towards posre_ref.gro (grompp -r): conf.gro + uniform [-0.02, 0.02] nm displacements, seed 2022"}

CASES["cutoff_shift"] = {
    "kind": "shared", "system": "ala2_solvated", "maxwarn": 0,
    "about": "ala2_solvated, plain cut-off Coulomb (GROMACS: RF kernel with eps_rf = 1, k_rf = 0, "
             "c_rf = 1/rc) and LJ, both potential-shift, rc = 0.9",
    "mdp": _periodic_mdp("plain cut-off Coulomb and LJ, both potential-shift, 0.9 nm",
                         "coulombtype             = Cut-off\n"
                         "coulomb-modifier        = Potential-shift\n"
                         "rcoulomb                = 0.9\n"
                         "vdwtype                 = Cut-off\n"
                         "vdw-modifier            = Potential-shift\n"
                         "rvdw                    = 0.9\n"
                         "DispCorr                = no\n")}

CASES["rf_eps78"] = {
    "kind": "shared", "system": "ala2_solvated", "maxwarn": 0,
    "about": "ala2_solvated, reaction field epsilon-rf 78 (k_rf, c_rf from eps_rf), rc = 1.0, "
             "LJ plain cut-off (vdw-modifier None)",
    "mdp": _periodic_mdp("reaction field eps_rf 78, 1.0 nm; LJ unmodified cut-off",
                         "coulombtype             = Reaction-Field\n"
                         "epsilon-rf              = 78\n"
                         "rcoulomb                = 1.0\n"
                         "vdwtype                 = Cut-off\n"
                         "vdw-modifier            = None\n"
                         "rvdw                    = 1.0\n"
                         "DispCorr                = no\n")}

for _name, _mod in (("lj_force_switch", "Force-switch"), ("lj_potential_switch", "Potential-switch")):
    CASES[_name] = {
        "kind": "shared", "system": "ala2_solvated", "maxwarn": 0,
        "about": f"ala2_solvated, reaction field epsilon-rf 0 (infinity), rc = 1.0; LJ {_mod} "
                 "0.8 -> 1.0 nm; dispersion correction EnerPres (with the switched-LJ integral)",
        "mdp": _periodic_mdp(f"reaction field eps_rf 0 (infinity), 1.0 nm; LJ {_mod} 0.8-1.0 nm, "
                             "DispCorr EnerPres",
                             "coulombtype             = Reaction-Field\n"
                             "epsilon-rf              = 0\n"
                             "rcoulomb                = 1.0\n"
                             "vdwtype                 = Cut-off\n"
                             f"vdw-modifier            = {_mod}\n"
                             "rvdw-switch             = 0.8\n"
                             "rvdw                    = 1.0\n"
                             "DispCorr                = EnerPres\n")}

CASES["epsilon_r2"] = {
    "kind": "shared", "system": "ala2_solvated", "maxwarn": 0,
    "about": "ala2_solvated, plain cut-off Coulomb with epsilon-r 2 (scales short-range and 1-4 "
             "Coulomb), both potential-shift, rc = 1.0",
    "mdp": _periodic_mdp("plain cut-off Coulomb with epsilon-r 2, potential-shift, 1.0 nm",
                         "coulombtype             = Cut-off\n"
                         "coulomb-modifier        = Potential-shift\n"
                         "epsilon-r               = 2\n"
                         "rcoulomb                = 1.0\n"
                         "vdwtype                 = Cut-off\n"
                         "vdw-modifier            = Potential-shift\n"
                         "rvdw                    = 1.0\n"
                         "DispCorr                = no\n")}

_PME_DEFAULT = _periodic_mdp(
    "PME with GROMACS defaults: spacing 0.12 nm, order 4, ewald-rtol 1e-5, potential-shift, EnerPres",
    "coulombtype             = PME\n"
    "coulomb-modifier        = Potential-shift\n"
    "rcoulomb                = 0.9\n"
    "fourierspacing          = 0.12\n"
    "pme-order               = 4\n"
    "ewald-rtol              = 1e-5\n"
    "epsilon-surface         = 0\n"
    "vdwtype                 = Cut-off\n"
    "vdw-modifier            = Potential-shift\n"
    "rvdw                    = 0.9\n"
    "DispCorr                = EnerPres\n")

CASES["pme_default_ala2"] = {
    "kind": "shared", "system": "ala2_solvated", "maxwarn": 0, "mdp": _PME_DEFAULT,
    "about": "ala2_solvated, PME defaults (grid from fourierspacing 0.12, order 4, ewald-rtol 1e-5), "
             "rc 0.9, Coulomb and LJ potential-shift, DispCorr EnerPres"}

CASES["pme_default_dhfr"] = {
    "kind": "shared", "system": "dhfr", "maxwarn": 1, "mdp": _PME_DEFAULT,
    "about": "dhfr (JAC, 23,558 atoms, net charge -11 e), PME defaults as pme_default_ala2"}

CASES["pme_dhfr_energy_mdp"] = {
    "kind": "shared", "system": "dhfr", "maxwarn": 1, "mdp": None,  # shared dhfr/energy.mdp as is
    "about": "dhfr with shared/benchmarks/dhfr/energy.mdp (PME order 5, explicit 52^3 grid, no "
             "potential shift, no DispCorr): gmx_d forces for the shared dhfr reference energies"}

CASES["pme_dodecahedron_ala2"] = {
    "kind": "solvated", "system": "ala2_vacuum", "ff": "amber99sb-ildn", "box_type": "dodecahedron",
    "distance": 1.0, "maxwarn": 0, "mdp": _PME_DEFAULT,
    "about": "alanine dipeptide solvated in a rhombic dodecahedron (editconf -bt dodecahedron -d 1.0, a "
             "triclinic box: a = (d,0,0), b = (0,d,0), c = (d/2,d/2,d sqrt(2)/2)), TIP3P, steepest descent, PME "
             "defaults as pme_default_ala2"}
