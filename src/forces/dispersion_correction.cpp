#include "proteinmd/forces/dispersion_correction.h"

#include <array>
#include <cstdint>

#include <fmt/format.h>

#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/forces/nonbonded_formulas.h"

namespace proteinmd {

LjPairAverages averageLjPairParameters(const System& system)
{
    const int numTypes = system.numLjTypes;
    // Count atoms per type so the all-pairs sum costs numTypes^2, not numAtoms^2.
    std::vector<std::int64_t> typeCount(static_cast<std::size_t>(numTypes), 0);
    for (int t : system.ljTypes) {
        ++typeCount[static_cast<std::size_t>(t)];
    }
    double sumC6 = 0;
    double sumC12 = 0;
    std::int64_t numPairs = 0;
    for (int ti = 0; ti < numTypes; ++ti) {
        for (int tj = ti; tj < numTypes; ++tj) {
            const std::int64_t ni = typeCount[static_cast<std::size_t>(ti)];
            const std::int64_t nj = typeCount[static_cast<std::size_t>(tj)];
            const std::int64_t pairs = ti != tj ? ni * nj : ni * (ni - 1) / 2;
            sumC6 += static_cast<double>(pairs) * system.c6Of(ti, tj);
            sumC12 += static_cast<double>(pairs) * system.c12Of(ti, tj);
            numPairs += pairs;
        }
    }
    // Excluded pairs are taken out (GROMACS: parameters of pairs that never interact should not
    // matter), each pair once.
    std::int64_t numExcluded = 0;
    for (std::size_t i = 0; i < system.exclusions.size(); ++i) {
        const int ti = system.ljTypes[i];
        for (int k : system.exclusions[i]) {
            if (k > static_cast<int>(i)) {
                const int tk = system.ljTypes[static_cast<std::size_t>(k)];
                sumC6 -= system.c6Of(ti, tk);
                sumC12 -= system.c12Of(ti, tk);
                ++numExcluded;
            }
        }
    }
    LjPairAverages averages;
    const std::int64_t counted = numPairs - numExcluded;
    if (counted > 0) {
        averages.c6 = sumC6 / static_cast<double>(counted);
        averages.c12 = sumC12 / static_cast<double>(counted);
    }
    return averages;
}

namespace {

constexpr double kPi = units::kPi;

// Energy and virial integrals per unit C6 (or C12) and per unit pair density, as GROMACS's
// enerdiff/virdiff/enershift: what the cut, shifted or switched potential misses relative to the
// full r^-6 (r^-12) potential of a homogeneous fluid.
struct CorrectionIntegrals {
    double energyShift = 0; // V_true - V_used for r below where the modifier starts (a constant)
    double energy = 0;      // integral of 4 pi r^2 (V_true - V_used) over all r
    double virial = 0;      // 1/2 integral of 4 pi r^3 d(V_true - V_used)/dr (GROMACS virial convention)
};

// Composite 5-point Gauss-Legendre quadrature; the integrands are smooth on [a, b], so this is
// exact to rounding (the switched parts are polynomials times powers of r).
template <typename F>
double integrate(F&& f, double a, double b)
{
    static constexpr std::array<double, 5> nodes{0.0, -0.5384693101056831, 0.5384693101056831,
                                                 -0.9061798459386640, 0.9061798459386640};
    static constexpr std::array<double, 5> weights{0.5688888888888889, 0.4786286704993665, 0.4786286704993665,
                                                   0.2369268850561891, 0.2369268850561891};
    constexpr int intervals = 200;
    const double h = (b - a) / intervals;
    double sum = 0;
    for (int n = 0; n < intervals; ++n) {
        const double mid = a + (n + 0.5) * h;
        for (std::size_t q = 0; q < nodes.size(); ++q) {
            sum += weights[q] * f(mid + 0.5 * h * nodes[q]);
        }
    }
    return 0.5 * h * sum;
}

// power = 6 (dispersion, V_true = -r^-6) or 12 (repulsion, V_true = r^-12).
CorrectionIntegrals correctionIntegrals(int power, const NonbondedOptions& options)
{
    const double rc = options.rvdw;
    const InteractionModifier modifier = options.vdwModifier;
    const nonbonded::LjConstants used = nonbonded::LjConstants::make(modifier, rc, options.rvdwSwitch);
    const nonbonded::LjConstants trueLj = nonbonded::LjConstants::plain();
    const double c6 = power == 6 ? 1.0 : 0.0;
    const double c12 = power == 12 ? 1.0 : 0.0;
    auto difference = [&](double r) {
        return nonbonded::ljPair(c6, c12, r * r, trueLj).energy - nonbonded::ljPair(c6, c12, r * r, used).energy;
    };
    // d(V_true - V_used)/dr = F_used - F_true with F = fOverR * r.
    auto differenceDerivative = [&](double r) {
        return (nonbonded::ljPair(c6, c12, r * r, used).fOverR - nonbonded::ljPair(c6, c12, r * r, trueLj).fOverR) * r;
    };

    const bool switched = modifier == InteractionModifier::ForceSwitch || modifier == InteractionModifier::PotentialSwitch;
    const double r0 = switched ? options.rvdwSwitch : rc; // below r0 the difference is constant

    CorrectionIntegrals out;
    out.energyShift = difference(r0);
    out.energy = 4.0 * kPi / 3.0 * out.energyShift * r0 * r0 * r0;
    double virial = 0;
    if (r0 < rc) {
        out.energy += integrate([&](double r) { return 4.0 * kPi * r * r * difference(r); }, r0, rc);
        virial += integrate([&](double r) { return 4.0 * kPi * r * r * r * differenceDerivative(r); }, r0, rc);
    }
    // Beyond the cut-off nothing is used: the whole true potential is missing. A jump of the
    // potential at rc (no modifier) gives no virial term, as in GROMACS.
    const double rc3 = rc * rc * rc;
    if (power == 6) {
        out.energy += -4.0 * kPi / (3.0 * rc3);
        virial += 8.0 * kPi / rc3;
    } else {
        out.energy += 4.0 * kPi / (9.0 * rc3 * rc3 * rc3);
        virial += -16.0 * kPi / (3.0 * rc3 * rc3 * rc3);
    }
    out.virial = 0.5 * virial;
    return out;
}

} // namespace

DispersionCorrectionResult computeDispersionCorrection(const LjPairAverages& averages, int numAtoms,
                                                       const NonbondedOptions& options, const Box& box)
{
    DispersionCorrectionResult result;
    const DispersionCorrectionType type = options.dispersionCorrection;
    if (type == DispersionCorrectionType::No) {
        return result;
    }
    if (!options.periodic || !box.isPeriodic()) {
        throw SetupError("dispersion correction needs a periodic box (GROMACS: no DispCorr with pbc = no)");
    }
    const InteractionModifier modifier = options.vdwModifier;
    if (modifier == InteractionModifier::ForceSwitch || modifier == InteractionModifier::PotentialSwitch) {
        if (options.rvdwSwitch <= 0) {
            throw SetupError("with dispersion correction rvdw-switch cannot be zero for a switched LJ modifier");
        }
        if (options.rvdwSwitch >= options.rvdw) {
            throw SetupError(fmt::format("rvdw-switch ({} nm) must be smaller than rvdw ({} nm)", options.rvdwSwitch,
                                         options.rvdw));
        }
    }
    const bool correctRepulsion = type == DispersionCorrectionType::AllEner || type == DispersionCorrectionType::AllEnerPres;
    const bool correctPressure = type == DispersionCorrectionType::EnerPres || type == DispersionCorrectionType::AllEnerPres;

    const double volume = box.volume();
    const double density = numAtoms / volume;
    const double numCorrections = 0.5 * numAtoms; // each pair once
    const CorrectionIntegrals six = correctionIntegrals(6, options);
    // The integral over the shifted region counts each atom with itself once; the -energyShift
    // takes that self pair out again.
    result.energy = averages.c6 * numCorrections * (density * six.energy - six.energyShift);
    double virial = numCorrections * density * averages.c6 * six.virial / 3.0;
    if (correctRepulsion) {
        const CorrectionIntegrals twelve = correctionIntegrals(12, options);
        result.energy += averages.c12 * numCorrections * (density * twelve.energy - twelve.energyShift);
        virial += numCorrections * density * averages.c12 * twelve.virial / 3.0;
    }
    if (correctPressure) {
        result.virial = virial;
        // Factor 2 from the GROMACS virial definition (Xi = -1/2 sum r (x) F).
        result.pressure = -2.0 / volume * virial * units::kPressureFactorBar;
    }
    return result;
}

} // namespace proteinmd
