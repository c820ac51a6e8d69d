// .mdp -> MdpOptions: GROMACS 2022 keys, defaults and checks (see proteinmd/io/mdp.h).

#include <algorithm>
#include <climits>
#include <cstdint>

#include <fmt/format.h>

#include "io/file_io.h"
#include "io/mdp_checks.h"
#include "io/mdp_entries.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd {

namespace {

using detail::MdpEntries;

constexpr long long kIntMax = INT_MAX;
constexpr long long kInt64Max = INT64_MAX;

bool positive(double v) { return v > 0; }
bool nonNegative(double v) { return v >= 0; }

void readRunControl(MdpEntries& in, MdpOptions& out, Diagnostics& diagnostics)
{
    static constexpr std::string_view kIntegrators[] = {"md", "md-vv", "md-vv-avek", "sd", "bd", "steep",
                                                        "cg", "l-bfgs", "nm", "tpi", "tpic", "mimic"};
    out.integrator = std::string(kIntegrators[in.choice("integrator", kIntegrators, 0)]);
    out.define = in.text("define", out.define);
    out.dt = in.real("dt", out.dt, positive, "a time step > 0 (ps)");
    out.nsteps = in.integer("nsteps", out.nsteps, -1, kInt64Max);
    out.bdFric = in.real("bd-fric", out.bdFric, nonNegative, "a friction >= 0 (amu/ps)");
    out.ldSeed = in.integer("ld-seed", out.ldSeed, INT64_MIN, kInt64Max);
    out.emtol = in.real("emtol", out.emtol, nonNegative, "a force tolerance >= 0 (kJ/mol/nm)");
    out.emstep = in.real("emstep", out.emstep, positive, "a step size > 0 (nm)");
    out.nstcgsteep = static_cast<int>(in.integer("nstcgsteep", out.nstcgsteep, 0, kIntMax));

    static constexpr std::string_view kCommModes[] = {"Linear", "Angular", "None", "Linear-acceleration-correction"};
    out.commMode = std::string(kCommModes[in.choice("comm-mode", kCommModes, 0)]);
    const long long nstcomm = in.integer("nstcomm", out.nstcomm, -kIntMax, kIntMax);
    if (nstcomm < 0) {
        // grompp does the same: a negative interval is an old way of asking for angular removal.
        diagnostics.warn(fmt::format("nstcomm = {} < 0: using its absolute value (set comm-mode = Angular to "
                                     "remove rotation)", nstcomm));
    }
    out.nstcomm = static_cast<int>(nstcomm < 0 ? -nstcomm : nstcomm);
}

void readOutputControl(MdpEntries& in, MdpOptions& out)
{
    out.nstxout = static_cast<int>(in.integer("nstxout", out.nstxout, 0, kIntMax));
    out.nstvout = static_cast<int>(in.integer("nstvout", out.nstvout, 0, kIntMax));
    out.nstfout = static_cast<int>(in.integer("nstfout", out.nstfout, 0, kIntMax));
    out.nstlog = static_cast<int>(in.integer("nstlog", out.nstlog, 0, kIntMax));
    out.nstcalcenergy = static_cast<int>(in.integer("nstcalcenergy", out.nstcalcenergy, 0, kIntMax));
    out.nstenergy = static_cast<int>(in.integer("nstenergy", out.nstenergy, 0, kIntMax));
    out.nstxoutCompressed = static_cast<int>(in.integer("nstxout-compressed", out.nstxoutCompressed, 0, kIntMax));
    out.compressedXPrecision =
        in.real("compressed-x-precision", out.compressedXPrecision, positive, "a precision > 0 (1/nm)");
}

void readNeighbourSearching(MdpEntries& in, MdpOptions& out)
{
    static constexpr std::string_view kSchemes[] = {"Verlet"};
    static constexpr std::string_view kRemovedSchemes[] = {"group"};
    out.cutoffScheme = std::string(kSchemes[in.choice("cutoff-scheme", kSchemes, 0, kRemovedSchemes)]);
    out.nstlist = static_cast<int>(in.integer("nstlist", out.nstlist, 0, kIntMax));
    static constexpr std::string_view kPbc[] = {"xyz", "no"};
    static constexpr std::string_view kUnsupportedPbc[] = {"xy", "screw"};
    out.nonbonded.periodic = in.choice("pbc", kPbc, 0, kUnsupportedPbc) == 0;
    out.rlist = in.real("rlist", out.rlist, nonNegative, "a cut-off >= 0 (nm)");
    out.verletBufferTolerance = in.real("verlet-buffer-tolerance", out.verletBufferTolerance,
                                        [](double v) { return v != 0; },
                                        "a tolerance > 0 (kJ/mol/ps per atom), or -1 to use rlist as given");
}

void readElectrostatics(MdpEntries& in, NonbondedOptions& nb)
{
    static constexpr std::string_view kCoulombTypes[] = {"Cut-off", "Reaction-Field", "PME", "Ewald"};
    static constexpr std::string_view kUnsupportedCoulomb[] = {
        "Generalized-Reaction-Field", "Reaction-Field-zero", "Reaction-Field-nec", "Shift", "Switch", "User",
        "PME-Switch", "PME-User", "PME-User-Switch", "Encad-shift", "P3M-AD", "GB-notused"};
    static constexpr CoulombType kCoulombValues[] = {CoulombType::CutOff, CoulombType::ReactionField,
                                                     CoulombType::Pme, CoulombType::Ewald};
    nb.coulombType = kCoulombValues[in.choice("coulombtype", kCoulombTypes, 0, kUnsupportedCoulomb)];

    // Coulomb in the Verlet scheme takes only these two modifiers (grompp refuses the others).
    static constexpr std::string_view kCoulombModifiers[] = {"Potential-shift", "None", "Potential-shift-Verlet"};
    static constexpr std::string_view kOtherModifiers[] = {"Exact-cutoff", "Force-switch", "Potential-switch"};
    const int modifier = in.choice("coulomb-modifier", kCoulombModifiers, 0, kOtherModifiers);
    nb.coulombModifier = modifier == 1 ? InteractionModifier::None : InteractionModifier::PotentialShift;

    nb.rcoulomb = in.real("rcoulomb", nb.rcoulomb, nonNegative, "a cut-off >= 0 (nm)");
    nb.epsilonR = in.real("epsilon-r", nb.epsilonR, nonNegative, "a relative permittivity >= 0 (0 = infinity)");
    nb.epsilonRf = in.real("epsilon-rf", nb.epsilonRf, nonNegative, "a relative permittivity >= 0 (0 = infinity)");
}

void readVanDerWaals(MdpEntries& in, NonbondedOptions& nb)
{
    static constexpr std::string_view kModifiers[] = {"Potential-shift", "None", "Force-switch", "Potential-switch",
                                                      "Potential-shift-Verlet"};
    static constexpr std::string_view kUnsupportedModifiers[] = {"Exact-cutoff"};
    static constexpr InteractionModifier kModifierValues[] = {
        InteractionModifier::PotentialShift, InteractionModifier::None, InteractionModifier::ForceSwitch,
        InteractionModifier::PotentialSwitch, InteractionModifier::PotentialShift};
    nb.vdwModifier = kModifierValues[in.choice("vdw-modifier", kModifiers, 0, kUnsupportedModifiers)];

    // GROMACS's key is "vdw-type"; "vdwtype" is the same key once '-' is ignored.
    static constexpr std::string_view kVdwTypes[] = {"Cut-off", "Switch", "Shift"};
    static constexpr std::string_view kUnsupportedVdw[] = {"PME", "User", "Encad-shift"};
    const int vdwType = in.choice("vdw-type", kVdwTypes, 0, kUnsupportedVdw);
    if (vdwType != 0) {
        // grompp (Verlet scheme) replaces switch by cut-off + potential-switch and shift by
        // cut-off + force-switch, provided the modifier was left at none or potential-shift.
        if (nb.vdwModifier != InteractionModifier::None && nb.vdwModifier != InteractionModifier::PotentialShift) {
            in.fail("vdw-type", "cannot be combined with vdw-modifier = Force-switch or Potential-switch "
                                "(use vdwtype = Cut-off with that modifier)");
        }
        nb.vdwModifier = vdwType == 1 ? InteractionModifier::PotentialSwitch : InteractionModifier::ForceSwitch;
    }
    nb.rvdw = in.real("rvdw", nb.rvdw, nonNegative, "a cut-off >= 0 (nm)");
    nb.rvdwSwitch = in.real("rvdw-switch", nb.rvdwSwitch, nonNegative, "a distance >= 0 (nm)");

    static constexpr std::string_view kDispCorr[] = {"no", "EnerPres", "Ener", "AllEnerPres", "AllEner"};
    static constexpr DispersionCorrectionType kDispCorrValues[] = {
        DispersionCorrectionType::No, DispersionCorrectionType::EnerPres, DispersionCorrectionType::Ener,
        DispersionCorrectionType::AllEnerPres, DispersionCorrectionType::AllEner};
    nb.dispersionCorrection = kDispCorrValues[in.choice("DispCorr", kDispCorr, 0)];
}

void readEwald(MdpEntries& in, NonbondedOptions& nb)
{
    nb.fourierSpacing = in.real("fourierspacing", nb.fourierSpacing, nonNegative, "a grid spacing >= 0 (nm)");
    nb.fourierGrid[0] = static_cast<int>(in.integer("fourier-nx", nb.fourierGrid[0], 0, kIntMax));
    nb.fourierGrid[1] = static_cast<int>(in.integer("fourier-ny", nb.fourierGrid[1], 0, kIntMax));
    nb.fourierGrid[2] = static_cast<int>(in.integer("fourier-nz", nb.fourierGrid[2], 0, kIntMax));
    nb.pmeOrder = static_cast<int>(in.integer("pme-order", nb.pmeOrder, 3, 12));
    nb.ewaldRtol = in.real("ewald-rtol", nb.ewaldRtol, [](double v) { return v > 0 && v < 1; },
                           "a relative tolerance in (0, 1)");
    nb.epsilonSurface = in.real("epsilon-surface", nb.epsilonSurface, nonNegative, "a permittivity >= 0");
    // proteinmd extension: OpenMM's ewaldErrorTolerance, for users who want OpenMM's PME parameters.
    nb.ewaldErrorTolerance = in.real("ewald-error-tolerance", 0.0, [](double v) { return v >= 0 && v < 0.5; },
                                     "0 (GROMACS's ewald-rtol rules) or an OpenMM ewaldErrorTolerance in (0, 0.5)");
}

void readCoupling(MdpEntries& in, MdpOptions& out, Diagnostics& diagnostics)
{
    out.nsttcouple = static_cast<int>(in.integer("nsttcouple", -1, -1, kIntMax));
    out.nstpcouple = static_cast<int>(in.integer("nstpcouple", -1, -1, kIntMax));
    if (in.has("nh-chain-length")) {
        out.nhChainLength = static_cast<int>(in.integer("nh-chain-length", 10, 0, kIntMax));
    }
    out.mcBarostat = in.boolean("mc-barostat", false);
    static constexpr std::string_view kTcoupl[] = {"no", "berendsen", "nose-hoover", "andersen", "andersen-massive",
                                                   "v-rescale", "yes"};
    int tcoupl = in.choice("tcoupl", kTcoupl, 0);
    if (tcoupl == 6) {
        diagnostics.warn("tcoupl = yes is GROMACS's old name for berendsen; using berendsen");
        tcoupl = 1;
    }
    out.tcoupl = std::string(kTcoupl[tcoupl]);
    out.tcGroups = in.words("tc-grps");
    out.tauT = in.reals("tau-t");
    out.refT = in.reals("ref-t");

    static constexpr std::string_view kPcoupl[] = {"no", "berendsen", "parrinello-rahman", "mttk", "c-rescale",
                                                   "isotropic"};
    int pcoupl = in.choice("pcoupl", kPcoupl, 0);
    if (pcoupl == 5) {
        diagnostics.warn("pcoupl = isotropic is GROMACS's old name for berendsen; using berendsen");
        pcoupl = 1;
    }
    out.pcoupl = std::string(kPcoupl[pcoupl]);
    static constexpr std::string_view kPcouplTypes[] = {"isotropic", "semiisotropic", "anisotropic",
                                                        "surface-tension"};
    out.pcouplType = std::string(kPcouplTypes[in.choice("pcoupltype", kPcouplTypes, 0)]);
    out.tauP = in.real("tau-p", out.tauP, positive, "a time constant > 0 (ps)");
    out.compressibility = in.reals("compressibility");
    out.refP = in.reals("ref-p");
    static constexpr std::string_view kRefcoord[] = {"no", "all", "com"};
    out.refcoordScaling = std::string(kRefcoord[in.choice("refcoord-scaling", kRefcoord, 0)]);

    out.genVel = in.boolean("gen-vel", out.genVel);
    out.genTemp = in.real("gen-temp", out.genTemp, nonNegative, "a temperature >= 0 (K)");
    out.genSeed = in.integer("gen-seed", out.genSeed, INT64_MIN, kInt64Max);
}

void readConstraints(MdpEntries& in, MdpOptions& out)
{
    static constexpr std::string_view kConstraints[] = {"none", "h-bonds", "all-bonds", "h-angles", "all-angles"};
    static constexpr ConstraintMode kModes[] = {ConstraintMode::None, ConstraintMode::HBonds, ConstraintMode::AllBonds,
                                                ConstraintMode::HAngles, ConstraintMode::AllAngles};
    out.constraints = kModes[in.choice("constraints", kConstraints, 0)];
    static constexpr std::string_view kAlgorithms[] = {"LINCS", "SHAKE"};
    out.constraintAlgorithm = std::string(kAlgorithms[in.choice("constraint-algorithm", kAlgorithms, 0)]);
    out.continuation = in.boolean("continuation", out.continuation);
    out.lincsOrder = static_cast<int>(in.integer("lincs-order", out.lincsOrder, 1, kIntMax));
    out.lincsIter = static_cast<int>(in.integer("lincs-iter", out.lincsIter, 1, kIntMax));
}

} // namespace

MdpOptions parseMdp(std::string_view text, const std::string& fileName, Diagnostics& diagnostics)
{
    MdpEntries in(text, fileName, diagnostics);
    MdpOptions out;
    readRunControl(in, out, diagnostics);
    readOutputControl(in, out);
    readNeighbourSearching(in, out);
    readElectrostatics(in, out.nonbonded);
    readVanDerWaals(in, out.nonbonded);
    readEwald(in, out.nonbonded);
    readCoupling(in, out, diagnostics);
    readConstraints(in, out);
    detail::checkMdpConsistency(in, out, diagnostics);
    in.reportUnused(diagnostics);
    out.raw = in.raw();
    return out;
}

MdpOptions readMdp(const std::filesystem::path& path, Diagnostics& diagnostics)
{
    const std::string text = detail::readTextFile(path);
    return parseMdp(text, path.string(), diagnostics);
}

} // namespace proteinmd
