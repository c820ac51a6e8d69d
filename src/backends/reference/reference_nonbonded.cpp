#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "backends/reference/reference_nonbonded_impl.h"
#include "proteinmd/core/error.h"
#include "proteinmd/forces/dispersion_correction.h"
#include "proteinmd/forces/ewald_parameters.h"
#include "proteinmd/forces/nonbonded_formulas.h"

namespace proteinmd {

namespace {

// Sizes and indices of the System must fit together before any loop touches them.
void checkSystem(const System& system, std::span<const Vec3> positions, const ForceOutput& out)
{
    const std::size_t n = static_cast<std::size_t>(system.numAtoms());
    auto require = [](bool ok, const std::string& what) {
        if (!ok) {
            throw SetupError("non-bonded (reference): " + what);
        }
    };
    require(positions.size() == n, fmt::format("{} positions for {} atoms", positions.size(), n));
    require(out.forces.size() == n, fmt::format("force array has {} entries for {} atoms", out.forces.size(), n));
    require(system.charges.size() == n, fmt::format("{} charges for {} atoms", system.charges.size(), n));
    require(system.ljTypes.size() == n, fmt::format("{} LJ types for {} atoms", system.ljTypes.size(), n));
    require(system.exclusions.empty() || system.exclusions.size() == n,
            fmt::format("exclusion lists for {} atoms, expected {} (or none)", system.exclusions.size(), n));
    const auto numTypes2 = static_cast<std::size_t>(system.numLjTypes) * static_cast<std::size_t>(system.numLjTypes);
    require(system.c6.size() == numTypes2 && system.c12.size() == numTypes2,
            fmt::format("LJ matrices must be {0} x {0}", system.numLjTypes));
    for (std::size_t i = 0; i < n; ++i) {
        const Vec3& x = positions[i];
        // A NaN/inf coordinate would make cell indices undefined; refuse it with the atom's number.
        require(std::isfinite(x.x) && std::isfinite(x.y) && std::isfinite(x.z),
                fmt::format("atom {} has a non-finite position ({}, {}, {})", i + 1, x.x, x.y, x.z));
        const int t = system.ljTypes[i];
        require(t >= 0 && t < system.numLjTypes,
                fmt::format("atom {} has LJ type {}, expected 0..{}", i + 1, t, system.numLjTypes - 1));
    }
    for (std::size_t i = 0; i < system.exclusions.size(); ++i) {
        for (int k : system.exclusions[i]) {
            require(k >= 0 && static_cast<std::size_t>(k) < n && static_cast<std::size_t>(k) != i,
                    fmt::format("atom {} excludes atom {}, which is not another atom of the system", i + 1, k + 1));
        }
    }
}

struct Interactions {
    bool periodic = true;
    double pairCutoff = 0;      // pairs beyond this are not visited (periodic only)
    double rvdw2 = 0;           // LJ only below this (rvdw <= rcoulomb)
    nonbonded::LjConstants lj;
    nonbonded::CoulombConstants coulomb;
};

Interactions setUp(const NonbondedOptions& options, const Box& box)
{
    Interactions in;
    in.periodic = options.periodic;
    const bool ewald = options.coulombType == CoulombType::Pme || options.coulombType == CoulombType::Ewald;
    if (options.epsilonR < 0) {
        throw SetupError(fmt::format("epsilon-r must be >= 0, got {}", options.epsilonR));
    }
    if (!options.periodic) {
        // pbc = no: every pair, plain LJ and plain Coulomb.
        if (ewald) {
            throw SetupError("PME/Ewald electrostatics need a periodic box (pbc = xyz)");
        }
        in.lj = nonbonded::LjConstants::plain();
        in.coulomb = nonbonded::CoulombConstants::plain(options.epsilonR);
        return in;
    }

    if (!box.isPeriodic()) {
        throw SetupError("periodic non-bonded interactions need a periodic box, but the box is not periodic");
    }
    if (!(options.rcoulomb > 0) || !(options.rvdw > 0)) {
        throw SetupError(fmt::format("cut-offs must be positive: rcoulomb = {} nm, rvdw = {} nm", options.rcoulomb,
                                     options.rvdw));
    }
    if (options.rvdw > options.rcoulomb) {
        throw SetupError(fmt::format("rvdw ({} nm) longer than rcoulomb ({} nm) is not supported (as in GROMACS's "
                                     "Verlet scheme)",
                                     options.rvdw, options.rcoulomb));
    }
    if (options.rvdw != options.rcoulomb && !ewald) {
        throw SetupError(fmt::format("rcoulomb ({} nm) != rvdw ({} nm) is only supported with PME/Ewald electrostatics",
                                     options.rcoulomb, options.rvdw));
    }
    const double maxCutoff = box.maxCutoff();
    if (options.rcoulomb > maxCutoff) {
        throw SetupError(fmt::format("the cut-off ({} nm) is longer than half the shortest box width ({} nm)",
                                     options.rcoulomb, maxCutoff));
    }
    if (options.coulombModifier != InteractionModifier::None &&
        options.coulombModifier != InteractionModifier::PotentialShift) {
        throw SetupError("coulomb-modifier must be None or Potential-shift");
    }
    const InteractionModifier vdwModifier = options.vdwModifier;
    if (vdwModifier == InteractionModifier::ForceSwitch || vdwModifier == InteractionModifier::PotentialSwitch) {
        if (!(options.rvdwSwitch >= 0 && options.rvdwSwitch < options.rvdw)) {
            throw SetupError(fmt::format("rvdw-switch ({} nm) must be >= 0 and smaller than rvdw ({} nm)",
                                         options.rvdwSwitch, options.rvdw));
        }
    }

    in.pairCutoff = options.rcoulomb;
    in.rvdw2 = options.rvdw * options.rvdw;
    in.lj = nonbonded::LjConstants::make(vdwModifier, options.rvdw, options.rvdwSwitch);
    const bool coulombShift = options.coulombModifier == InteractionModifier::PotentialShift;
    switch (options.coulombType) {
    case CoulombType::CutOff:
        in.coulomb = nonbonded::CoulombConstants::cutOff(options.epsilonR, options.rcoulomb, coulombShift);
        break;
    case CoulombType::ReactionField:
        if (options.epsilonRf < 0) {
            throw SetupError(fmt::format("epsilon-rf must be >= 0 (0 = infinity), got {}", options.epsilonRf));
        }
        in.coulomb = nonbonded::CoulombConstants::reactionField(options.epsilonR, options.epsilonRf, options.rcoulomb);
        break;
    case CoulombType::Pme:
    case CoulombType::Ewald: {
        const double beta = ewaldCoefficient(options);
        in.coulomb = nonbonded::CoulombConstants::ewaldReal(options.epsilonR, beta, options.rcoulomb, coulombShift);
        break;
    }
    }
    return in;
}

} // namespace

void addNonbondedForcesReference(const System& system, const NonbondedOptions& options,
                                 std::span<const Vec3> positions, const Box& box, ForceOutput& out)
{
    addNonbondedForcesReference(system, options, positions, box, out, PairSearch::Auto);
}

void addNonbondedForcesReference(const System& system, const NonbondedOptions& options,
                                 std::span<const Vec3> positions, const Box& box, ForceOutput& out,
                                 PairSearch search)
{
    checkSystem(system, positions, out);
    const Interactions in = setUp(options, box);
    // Computed before the loops so a refused dispersion-correction setting changes nothing in out.
    const DispersionCorrectionResult dispersion =
        computeDispersionCorrection(options.dispersionCorrection == DispersionCorrectionType::No
                                        ? LjPairAverages{}
                                        : averageLjPairParameters(system),
                                    system.numAtoms(), options, box);

    const std::vector<double>& q = system.charges;
    std::vector<Vec3>& forces = out.forces;
    double energyLj = 0;
    double energyCoulomb = 0;
    // Symmetric sum of fOverR * d (x) d; the virial is -1/2 of it.
    double sxx = 0, syy = 0, szz = 0, sxy = 0, sxz = 0, syz = 0;

    auto pair = [&](int i, int j, const Vec3& d, double r2, bool excluded) {
        const auto ui = static_cast<std::size_t>(i);
        const auto uj = static_cast<std::size_t>(j);
        const double qq = q[ui] * q[uj];
        double fOverR = 0;
        if (excluded) {
            // Inside the cut-off an excluded pair keeps the non-1/r Coulomb parts (GROMACS Verlet).
            if (!in.periodic || qq == 0) {
                return;
            }
            const nonbonded::PairResult c = nonbonded::coulombExcludedPair(qq, r2, in.coulomb);
            energyCoulomb += c.energy;
            fOverR = c.fOverR;
        } else {
            const int ti = system.ljTypes[ui];
            const int tj = system.ljTypes[uj];
            const double c6 = system.c6Of(ti, tj);
            const double c12 = system.c12Of(ti, tj);
            if ((c6 != 0 || c12 != 0) && (!in.periodic || r2 < in.rvdw2)) {
                const nonbonded::PairResult l = nonbonded::ljPair(c6, c12, r2, in.lj);
                energyLj += l.energy;
                fOverR += l.fOverR;
            }
            if (qq != 0) {
                const nonbonded::PairResult c = nonbonded::coulombPair(qq, r2, in.coulomb);
                energyCoulomb += c.energy;
                fOverR += c.fOverR;
            }
        }
        const Vec3 f = d * fOverR;
        forces[ui] += f;
        forces[uj] -= f;
        sxx += f.x * d.x;
        syy += f.y * d.y;
        szz += f.z * d.z;
        sxy += f.x * d.y;
        sxz += f.x * d.z;
        syz += f.y * d.z;
    };
    forEachPair(system, positions, box, in.periodic, in.pairCutoff, search, pair);

    if (in.periodic) {
        for (double qi : q) {
            energyCoulomb += nonbonded::coulombSelfEnergy(qi, in.coulomb);
        }
    }

    out.energies.add(EnergyTerm::LjSr, energyLj);
    out.energies.add(EnergyTerm::CoulombSr, energyCoulomb);
    Matrix3 virial{{Vec3{sxx, sxy, sxz}, Vec3{sxy, syy, syz}, Vec3{sxz, syz, szz}}};
    out.virial += virial * -0.5;

    if (options.dispersionCorrection != DispersionCorrectionType::No) {
        out.energies.add(EnergyTerm::DispersionCorrection, dispersion.energy);
        for (int d = 0; d < 3; ++d) {
            out.virial[d][d] += dispersion.virial;
        }
    }
}

} // namespace proteinmd
