// Pair formulas of forces/nonbonded_formulas.h: derivatives, continuity at the cut-off and
// switching distance, hand-computed values, and the Ewald coefficient search.
#include <gtest/gtest.h>

#include <cmath>

#include "proteinmd/backends/reference_nonbonded.h"
#include "proteinmd/forces/ewald_parameters.h"
#include "proteinmd/forces/nonbonded_formulas.h"

using namespace proteinmd;
using namespace proteinmd::nonbonded;

namespace {

constexpr double kC6 = 0.0024;    // ~ TIP3P O-O, kJ/mol nm^6
constexpr double kC12 = 2.4e-6;   // kJ/mol nm^12
constexpr double kRc = 1.0;
constexpr double kRsw = 0.8;

const InteractionModifier kLjModifiers[] = {InteractionModifier::None, InteractionModifier::PotentialShift,
                                            InteractionModifier::ForceSwitch, InteractionModifier::PotentialSwitch};

// -dE/dr by a 5-point difference, compared with fOverR * r.
template <typename Eval>
void expectForceIsMinusDerivative(Eval&& eval, double r)
{
    const double h = 1e-5;
    auto e = [&](double x) { return eval(x * x).energy; };
    const double derivative = (e(r - 2 * h) - 8 * e(r - h) + 8 * e(r + h) - e(r + 2 * h)) / (12 * h);
    const double force = eval(r * r).fOverR * r;
    EXPECT_NEAR(force, -derivative, 1e-7 * std::max(1.0, std::abs(force))) << "r = " << r;
}

} // namespace

TEST(NonbondedFormulas, LjForceIsMinusEnergyDerivative)
{
    for (InteractionModifier m : kLjModifiers) {
        const LjConstants k = LjConstants::make(m, kRc, kRsw);
        for (double r = 0.3; r < kRc - 1e-3; r += 0.0173) {
            expectForceIsMinusDerivative([&](double r2) { return ljPair(kC6, kC12, r2, k); }, r);
        }
    }
}

TEST(NonbondedFormulas, LjModifiersAgainstHandValues)
{
    const double r = 0.5;
    const double plain = kC12 / std::pow(r, 12) - kC6 / std::pow(r, 6);
    const double plainForceR = 12 * kC12 / std::pow(r, 12) - 6 * kC6 / std::pow(r, 6);
    {
        const PairResult p = ljPair(kC6, kC12, r * r, LjConstants::make(InteractionModifier::None, kRc, kRsw));
        EXPECT_DOUBLE_EQ(p.energy, plain);
        EXPECT_DOUBLE_EQ(p.fOverR * r * r, plainForceR);
    }
    {
        // Potential-shift: energy minus its value at rc, force unchanged.
        const PairResult p = ljPair(kC6, kC12, r * r, LjConstants::make(InteractionModifier::PotentialShift, kRc, kRsw));
        EXPECT_NEAR(p.energy, plain - (kC12 - kC6), 1e-12);
        EXPECT_DOUBLE_EQ(p.fOverR * r * r, plainForceR);
    }
    {
        // Below rvdw-switch: potential-switch is plain; force-switch is plain plus a constant.
        const PairResult ps = ljPair(kC6, kC12, r * r, LjConstants::make(InteractionModifier::PotentialSwitch, kRc, kRsw));
        EXPECT_DOUBLE_EQ(ps.energy, plain);
        const PairResult fs = ljPair(kC6, kC12, r * r, LjConstants::make(InteractionModifier::ForceSwitch, kRc, kRsw));
        EXPECT_NEAR(fs.fOverR * r * r, plainForceR, 1e-12 * std::abs(plainForceR));
        const ForceSwitchConstants k6 = ForceSwitchConstants::make(6, kRsw, kRc);
        const ForceSwitchConstants k12 = ForceSwitchConstants::make(12, kRsw, kRc);
        EXPECT_NEAR(fs.energy, plain - kC12 * k12.c + kC6 * k6.c, 1e-12);
    }
}

TEST(NonbondedFormulas, ForceSwitchConstantsMatchManual)
{
    // GROMACS manual, p = 6, r1 = 0.8, rc = 1.0: A = -p((p+4)rc - (p+1)r1)/(rc^(p+2)(rc-r1)^2) etc.
    const ForceSwitchConstants k = ForceSwitchConstants::make(6, 0.8, 1.0);
    EXPECT_NEAR(k.a, -6.0 * (10.0 - 7.0 * 0.8) / (0.04), 1e-10);
    EXPECT_NEAR(k.b, 6.0 * (9.0 - 7.0 * 0.8) / (0.008), 1e-9);
    EXPECT_NEAR(k.c, 1.0 - k.a / 3 * 0.008 - k.b / 4 * 0.0016, 1e-12);
}

TEST(NonbondedFormulas, ModifiedLjIsContinuousAtCutoffAndSwitch)
{
    const double below = kRc * (1 - 1e-9);
    for (InteractionModifier m : {InteractionModifier::PotentialShift, InteractionModifier::ForceSwitch,
                                  InteractionModifier::PotentialSwitch}) {
        const LjConstants k = LjConstants::make(m, kRc, kRsw);
        const PairResult p = ljPair(kC6, kC12, below * below, k);
        EXPECT_NEAR(p.energy, 0.0, 1e-10) << static_cast<int>(m);
        if (m != InteractionModifier::PotentialShift) {
            EXPECT_NEAR(p.fOverR, 0.0, 1e-10) << static_cast<int>(m);
        }
        // Across the switching distance energy and force are continuous.
        const double a = kRsw - 1e-12;
        const double b = kRsw + 1e-12;
        const PairResult pa = ljPair(kC6, kC12, a * a, k);
        const PairResult pb = ljPair(kC6, kC12, b * b, k);
        EXPECT_NEAR(pa.energy, pb.energy, 1e-10);
        EXPECT_NEAR(pa.fOverR, pb.fOverR, 1e-8);
    }
}

TEST(NonbondedFormulas, CoulombForceIsMinusEnergyDerivative)
{
    const double qq = -0.834 * 0.417;
    const double beta = 3.4704591937120828;
    const CoulombConstants kinds[] = {CoulombConstants::plain(1.0), CoulombConstants::cutOff(1.0, kRc, true),
                                      CoulombConstants::reactionField(1.0, 0.0, kRc),
                                      CoulombConstants::reactionField(2.0, 78.5, kRc),
                                      CoulombConstants::ewaldReal(1.0, beta, kRc, true)};
    for (const CoulombConstants& k : kinds) {
        for (double r = 0.08; r < kRc - 1e-3; r += 0.0371) {
            expectForceIsMinusDerivative([&](double r2) { return coulombPair(qq, r2, k); }, r);
            expectForceIsMinusDerivative([&](double r2) { return coulombExcludedPair(qq, r2, k); }, r);
        }
    }
}

TEST(NonbondedFormulas, ReactionFieldHandValues)
{
    const double rc = 1.2;
    // eps_rf = 0 (infinity): k_rf = 1/(2 rc^3), c_rf = 3/(2 rc).
    const CoulombConstants inf = CoulombConstants::reactionField(1.0, 0.0, rc);
    EXPECT_DOUBLE_EQ(inf.kRf, 1.0 / (2 * rc * rc * rc));
    EXPECT_DOUBLE_EQ(inf.cRf, 1.5 / rc);
    // eps_r = 2, eps_rf = 78: k_rf = 76 / (158 rc^3).
    const CoulombConstants rf = CoulombConstants::reactionField(2.0, 78.0, rc);
    EXPECT_NEAR(rf.kRf, 76.0 / (158.0 * rc * rc * rc), 1e-15);
    EXPECT_NEAR(rf.prefactor, units::kCoulombConstant / 2, 1e-12);
    // Energy vanishes at the cut-off for every reaction field.
    for (const CoulombConstants& k : {inf, rf, CoulombConstants::cutOff(1.0, rc, true)}) {
        EXPECT_NEAR(coulombPair(1.0, rc * rc, k).energy, 0.0, 1e-12);
    }
    // Cut-off without modifier is plain Coulomb inside rc; exclusions and self then contribute 0.
    const CoulombConstants plainCut = CoulombConstants::cutOff(1.0, rc, false);
    EXPECT_DOUBLE_EQ(coulombPair(1.0, 0.25, plainCut).energy, units::kCoulombConstant / 0.5);
    EXPECT_EQ(coulombExcludedPair(1.0, 0.25, plainCut).energy, 0.0);
    EXPECT_EQ(coulombSelfEnergy(1.0, plainCut), 0.0);
    // Self term: -1/2 f q^2 c_rf.
    EXPECT_NEAR(coulombSelfEnergy(-0.5, inf), -0.5 * units::kCoulombConstant * 0.25 * 1.5 / rc, 1e-12);
}

TEST(NonbondedFormulas, EwaldRealMinusExclusionCorrectionIsPlainCoulomb)
{
    // erfc + erf = 1: a pair's real-space term minus its exclusion correction (-erf/r) is f qq / r.
    const double beta = 3.47;
    const CoulombConstants ewald = CoulombConstants::ewaldReal(1.0, beta, 0.9, false);
    const CoulombConstants plain = CoulombConstants::plain(1.0);
    for (double r : {0.05, 0.1, 0.3, 0.7}) {
        const PairResult a = coulombPair(0.3, r * r, ewald);
        const PairResult b = coulombExcludedPair(0.3, r * r, ewald);
        const PairResult c = coulombPair(0.3, r * r, plain);
        EXPECT_NEAR(a.energy - b.energy, c.energy, 1e-12 * std::abs(c.energy));
        EXPECT_NEAR(a.fOverR - b.fOverR, c.fOverR, 1e-11 * std::abs(c.fOverR));
    }
    // Self term -f q^2 beta / sqrt(pi) = half the r -> 0 limit of the exclusion correction.
    EXPECT_NEAR(coulombSelfEnergy(0.5, ewald), -units::kCoulombConstant * 0.25 * beta / std::sqrt(units::kPi), 1e-12);
    EXPECT_NEAR(2 * coulombSelfEnergy(1.0, ewald), coulombExcludedPair(1.0, 1e-14, ewald).energy, 1e-6);
    // Potential-shift subtracts erfc(beta rc)/rc from non-excluded pairs only.
    const CoulombConstants shifted = CoulombConstants::ewaldReal(1.0, beta, 0.9, true);
    EXPECT_NEAR(coulombPair(1.0, 0.81, shifted).energy, 0.0, 1e-12);
    EXPECT_DOUBLE_EQ(coulombExcludedPair(1.0, 0.25, shifted).energy, coulombExcludedPair(1.0, 0.25, ewald).energy);
}

TEST(NonbondedFormulas, EwaldCoefficientMatchesGromacs)
{
    // GROMACS calc_ewaldcoeff_q(0.9, 1e-5) in double (shared/benchmarks README).
    EXPECT_NEAR(ewaldCoefficientFromRtol(0.9, 1e-5), 3.4704591937120828, 1e-12);
    const double beta = ewaldCoefficientFromRtol(1.2, 1e-6);
    EXPECT_NEAR(std::erfc(beta * 1.2), 1e-6, 1e-17);
    // The options decide: GROMACS's rule by default, OpenMM's for an ewald-error-tolerance.
    NonbondedOptions options;
    options.rcoulomb = 0.9;
    EXPECT_EQ(ewaldCoefficient(options), ewaldCoefficientFromRtol(0.9, 1e-5));
    options.ewaldErrorTolerance = 5e-4;
    EXPECT_DOUBLE_EQ(ewaldCoefficient(options), std::sqrt(-std::log(2 * 5e-4)) / 0.9);
}
