// Dispersion correction: pair-averaged C6/C12 against brute force, closed forms for a plain and a
// potential-shifted cut-off, and an independent integration of the switched potentials.
#include <gtest/gtest.h>

#include <cmath>

#include "backends/reference/reference_nonbonded_impl.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/forces/dispersion_correction.h"
#include "test_support/nonbonded_test_systems.h"

using namespace proteinmd;

namespace {

constexpr double kPi = units::kPi;

test::NonbondedTestSystem smallSystem()
{
    return test::makeNonbondedTestSystem(Box::rectangular(2.5, 2.6, 2.4), 12, 5, 17);
}

NonbondedOptions dispersionOptions(InteractionModifier modifier, DispersionCorrectionType type)
{
    NonbondedOptions o;
    o.rcoulomb = o.rvdw = 1.1;
    o.rvdwSwitch = 0.85;
    o.vdwModifier = modifier;
    o.dispersionCorrection = type;
    return o;
}

// The GROMACS manual's switched dispersion potentials, written out independently of the library
// (per unit C6: V = -r^-6 modified).
double switchedDispersion(InteractionModifier m, double r, double r1, double rc)
{
    if (r >= rc) {
        return 0;
    }
    if (m == InteractionModifier::PotentialSwitch) {
        const double x = r <= r1 ? 0 : (r - r1) / (rc - r1);
        const double s = 1 - 10 * std::pow(x, 3) + 15 * std::pow(x, 4) - 6 * std::pow(x, 5);
        return -std::pow(r, -6) * s;
    }
    // Force-switch, alpha = 6.
    const double a = 6.0;
    const double A = -a * ((a + 4) * rc - (a + 1) * r1) / (std::pow(rc, a + 2) * std::pow(rc - r1, 2));
    const double B = a * ((a + 3) * rc - (a + 1) * r1) / (std::pow(rc, a + 2) * std::pow(rc - r1, 3));
    const double C = std::pow(rc, -a) - A / 3 * std::pow(rc - r1, 3) - B / 4 * std::pow(rc - r1, 4);
    const double t = r <= r1 ? 0 : r - r1;
    return -(std::pow(r, -a) - A / 3 * std::pow(t, 3) - B / 4 * std::pow(t, 4) - C);
}

} // namespace

TEST(DispersionCorrection, AverageC6AndC12OverNonExcludedPairs)
{
    const test::NonbondedTestSystem t = smallSystem();
    const System& s = t.system;
    double c6 = 0, c12 = 0;
    long count = 0;
    for (int i = 0; i < s.numAtoms(); ++i) {
        for (int j = i + 1; j < s.numAtoms(); ++j) {
            const auto& ex = s.exclusions[static_cast<std::size_t>(i)];
            if (std::find(ex.begin(), ex.end(), j) != ex.end()) {
                continue;
            }
            c6 += s.c6Of(s.ljTypes[static_cast<std::size_t>(i)], s.ljTypes[static_cast<std::size_t>(j)]);
            c12 += s.c12Of(s.ljTypes[static_cast<std::size_t>(i)], s.ljTypes[static_cast<std::size_t>(j)]);
            ++count;
        }
    }
    const LjPairAverages avg = averageLjPairParameters(s);
    EXPECT_NEAR(avg.c6, c6 / count, 1e-15);
    EXPECT_NEAR(avg.c12, c12 / count, 1e-18);
}

TEST(DispersionCorrection, PlainAndShiftedCutoffClosedForms)
{
    const LjPairAverages avg{0.002, 3e-6};
    const int n = 1000;
    const Box box = Box::rectangular(3.0, 3.1, 3.2);
    const double v = box.volume();
    const double rc = 1.1;
    const double rc3 = rc * rc * rc;
    // Plain cut: E = -2/3 pi N^2 <C6> / (V rc^3); virial per diagonal element = -E.
    const double plainEnergy = -2.0 / 3.0 * kPi * n * n * avg.c6 / (v * rc3);
    const auto none = computeDispersionCorrection(avg, n, dispersionOptions(InteractionModifier::None,
                                                                            DispersionCorrectionType::EnerPres), box);
    EXPECT_NEAR(none.energy, plainEnergy, 1e-12 * std::abs(plainEnergy));
    EXPECT_NEAR(none.virial, -plainEnergy, 1e-12 * std::abs(plainEnergy));
    EXPECT_NEAR(none.pressure, -2.0 / v * none.virial * units::kPressureFactorBar, 1e-9);
    // Potential-shift also adds the constant shift inside rc: twice the tail, plus the self pair
    // the integral over-counts (N/2 <C6>/rc^6). The virial is unchanged.
    const auto shift = computeDispersionCorrection(
        avg, n, dispersionOptions(InteractionModifier::PotentialShift, DispersionCorrectionType::EnerPres), box);
    const double shiftEnergy = 2 * plainEnergy + 0.5 * n * avg.c6 / std::pow(rc, 6);
    EXPECT_NEAR(shift.energy, shiftEnergy, 1e-12 * std::abs(shiftEnergy));
    EXPECT_NEAR(shift.virial, none.virial, 1e-12 * std::abs(none.virial));
    // Ener: energy only.
    const auto enerOnly = computeDispersionCorrection(
        avg, n, dispersionOptions(InteractionModifier::PotentialShift, DispersionCorrectionType::Ener), box);
    EXPECT_DOUBLE_EQ(enerOnly.energy, shift.energy);
    EXPECT_EQ(enerOnly.virial, 0.0);
    EXPECT_EQ(enerOnly.pressure, 0.0);
    // AllEnerPres adds the r^-12 analogue: energy <C12> N/2 (rho (4pi/(3rc^9) + 4pi/(9rc^9)) - 1/rc^12),
    // virial <C12> N/2 rho (-8 pi/(3 rc^9)) / 3.
    const auto all = computeDispersionCorrection(
        avg, n, dispersionOptions(InteractionModifier::PotentialShift, DispersionCorrectionType::AllEnerPres), box);
    const double rho = n / v;
    const double rc9 = rc3 * rc3 * rc3;
    const double repulsion = avg.c12 * 0.5 * n * (rho * (4 * kPi / (3 * rc9) + 4 * kPi / (9 * rc9)) - 1 / (rc9 * rc3));
    EXPECT_NEAR(all.energy, shift.energy + repulsion, 1e-12 * std::abs(all.energy));
    EXPECT_NEAR(all.virial, shift.virial + avg.c12 * 0.5 * n * rho * (-8 * kPi / (3 * rc9)) / 3,
                1e-12 * std::abs(all.virial));
}

TEST(DispersionCorrection, SwitchedModifiersMatchIndependentIntegration)
{
    const LjPairAverages avg{0.002, 3e-6};
    const int n = 1000;
    const Box box = Box::rectangular(3.0, 3.1, 3.2);
    const double rho = n / box.volume();
    const double rc = 1.1, r1 = 0.85;
    for (InteractionModifier m : {InteractionModifier::ForceSwitch, InteractionModifier::PotentialSwitch}) {
        // Per unit C6: integral of 4 pi r^2 (V_true - V_used) from 0 to infinity; the constant
        // part below r1 also counts the atom with itself, removed by -shift.
        const double shift = -std::pow(r1, -6) - switchedDispersion(m, r1, r1, rc);
        const int steps = 200000; // Simpson on [r1, rc]
        const double h = (rc - r1) / steps;
        double simpson = 0;
        for (int k = 0; k <= steps; ++k) {
            const double r = r1 + k * h;
            const double f = 4 * kPi * r * r * (-std::pow(r, -6) - switchedDispersion(m, r, r1, rc));
            simpson += f * (k == 0 || k == steps ? 1 : (k % 2 == 1 ? 4 : 2));
        }
        simpson *= h / 3;
        const double integral = 4 * kPi / 3 * shift * r1 * r1 * r1 + simpson - 4 * kPi / (3 * rc * rc * rc);
        const double expected = avg.c6 * 0.5 * n * (rho * integral - shift);
        const auto result = computeDispersionCorrection(avg, n, dispersionOptions(m, DispersionCorrectionType::EnerPres), box);
        EXPECT_NEAR(result.energy, expected, 1e-9 * std::abs(expected)) << static_cast<int>(m);
    }
}

TEST(DispersionCorrection, AddedToEnergyAndVirialDiagonal)
{
    const test::NonbondedTestSystem t = smallSystem();
    const NonbondedOptions with = dispersionOptions(InteractionModifier::PotentialShift, DispersionCorrectionType::EnerPres);
    NonbondedOptions without = with;
    without.dispersionCorrection = DispersionCorrectionType::No;
    ForceOutput a, b;
    a.reset(t.system.numAtoms());
    b.reset(t.system.numAtoms());
    addNonbondedForcesReference(t.system, with, t.positions, t.box, a);
    addNonbondedForcesReference(t.system, without, t.positions, t.box, b);
    const auto expected = computeDispersionCorrection(averageLjPairParameters(t.system), t.system.numAtoms(), with, t.box);
    EXPECT_TRUE(a.energies.has(EnergyTerm::DispersionCorrection));
    EXPECT_FALSE(b.energies.has(EnergyTerm::DispersionCorrection));
    EXPECT_DOUBLE_EQ(a.energies[EnergyTerm::DispersionCorrection], expected.energy);
    EXPECT_LT(expected.energy, 0.0);
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            EXPECT_NEAR(a.virial[r][c] - b.virial[r][c], r == c ? expected.virial : 0.0, 1e-12);
        }
    }
}

TEST(DispersionCorrection, SwitchNeedsNonZeroSwitchDistance)
{
    NonbondedOptions o = dispersionOptions(InteractionModifier::PotentialSwitch, DispersionCorrectionType::EnerPres);
    o.rvdwSwitch = 0;
    EXPECT_THROW(computeDispersionCorrection({0.002, 0}, 100, o, Box::rectangular(3, 3, 3)), SetupError);
    o.dispersionCorrection = DispersionCorrectionType::No;
    EXPECT_EQ(computeDispersionCorrection({0.002, 0}, 100, o, Box::rectangular(3, 3, 3)).energy, 0.0);
}
