// The rational fits the CPU kernel uses for Ewald real space (backends/cpu/ewald_correction.h)
// against the exact functions in double precision (std::erf, std::exp), over each fit's whole
// range of w = (beta r)^2 (wide: [0, 16], narrow: [0, 10]), both the SIMD and the scalar evaluation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "backends/cpu/ewald_correction.h"
#include "proteinmd/simd/simd_float16.h"

using namespace proteinmd;

namespace {

constexpr double kTwoOverSqrtPi = 1.12837916709551257390;

// erf(z)/z with z = sqrt(w).
double exactG(double w)
{
    const double z = std::sqrt(w);
    return z > 0 ? std::erf(z) / z : kTwoOverSqrtPi;
}

// (erf(z) - 2z/sqrt(pi) exp(-z^2)) / z^3; near 0 from its series (the difference cancels).
double exactH(double w)
{
    const double z = std::sqrt(w);
    if (z < 0.05) {
        // 4/(3 sqrt(pi)) (1 - 3/5 w + 3/14 w^2 - ...)
        return 2.0 / 3.0 * kTwoOverSqrtPi * (1.0 - 0.6 * w + 3.0 / 14.0 * w * w);
    }
    return (std::erf(z) - kTwoOverSqrtPi * z * std::exp(-w)) / (z * z * z);
}

struct MaxErrors {
    double g = 0, h = 0;
};

template <cpu::EwaldFit kFit>
constexpr float maxW()
{
    return kFit == cpu::EwaldFit::Wide ? cpu::kEwaldCorrectionMaxW : cpu::kEwaldCorrectionNarrowMaxW;
}

template <cpu::EwaldFit kFit>
MaxErrors simdErrors(int numPoints)
{
    MaxErrors e;
    alignas(64) float w[simd::kWidth], g[simd::kWidth], h[simd::kWidth];
    for (int first = 0; first < numPoints; first += simd::kWidth) {
        for (int l = 0; l < simd::kWidth; ++l) {
            w[l] = maxW<kFit>() * static_cast<float>(std::min(first + l, numPoints - 1)) /
                   static_cast<float>(numPoints - 1);
        }
        simd::store(g, cpu::ewaldG<kFit>(simd::load(w)));
        simd::store(h, cpu::ewaldH<kFit>(simd::load(w)));
        for (int l = 0; l < simd::kWidth; ++l) {
            e.g = std::max(e.g, std::abs(g[l] - exactG(w[l])) / exactG(w[l]));
            e.h = std::max(e.h, std::abs(h[l] - exactH(w[l])) / exactH(w[l]));
        }
    }
    return e;
}

template <cpu::EwaldFit kFit>
void expectScalarFitWithin(double tolerance)
{
    for (int k = 0; k <= 20000; ++k) {
        const float w = maxW<kFit>() * static_cast<float>(k) / 20000.0f;
        ASSERT_LT(std::abs(cpu::ewaldGScalar<kFit>(w) - exactG(w)) / exactG(w), tolerance) << "w = " << w;
        ASSERT_LT(std::abs(cpu::ewaldHScalar<kFit>(w) - exactH(w)) / exactH(w), tolerance) << "w = " << w;
    }
}

} // namespace

TEST(CpuNonbondedEwaldCorrection, SimdFitsWithinFiveTenMillionthsRelative)
{
    const MaxErrors wide = simdErrors<cpu::EwaldFit::Wide>(20001);
    const MaxErrors narrow = simdErrors<cpu::EwaldFit::Narrow>(20001);
    EXPECT_LT(wide.g, 5e-7);
    EXPECT_LT(wide.h, 5e-7);
    EXPECT_LT(narrow.g, 5e-7);
    EXPECT_LT(narrow.h, 5e-7);
    ::testing::Test::RecordProperty("max_relative_error_G_wide", fmt::format("{:.3g}", wide.g));
    ::testing::Test::RecordProperty("max_relative_error_H_wide", fmt::format("{:.3g}", wide.h));
    ::testing::Test::RecordProperty("max_relative_error_G_narrow", fmt::format("{:.3g}", narrow.g));
    ::testing::Test::RecordProperty("max_relative_error_H_narrow", fmt::format("{:.3g}", narrow.h));
}

TEST(CpuNonbondedEwaldCorrection, ScalarFitsWithinFiveTenMillionthsRelative)
{
    expectScalarFitWithin<cpu::EwaldFit::Wide>(5e-7);
    expectScalarFitWithin<cpu::EwaldFit::Narrow>(5e-7);
}

TEST(CpuNonbondedEwaldCorrection, TheNarrowFitIsChosenOnlyWhereItReaches)
{
    // beta rc for ewald-rtol 1e-5 is 3.123 (GROMACS's default): narrow; 1e-6 gives 3.459: wide.
    EXPECT_EQ(cpu::ewaldFitFor(3.123), cpu::EwaldFit::Narrow);
    EXPECT_EQ(cpu::ewaldFitFor(3.162), cpu::EwaldFit::Narrow); // w = 9.998
    EXPECT_EQ(cpu::ewaldFitFor(3.163), cpu::EwaldFit::Wide); // w = 10.005
    EXPECT_EQ(cpu::ewaldFitFor(3.459), cpu::EwaldFit::Wide);
    // Past its range the narrow fit is off by more than the tolerance the tests above allow,
    // so the choice matters.
    EXPECT_GT(std::abs(cpu::ewaldHScalar<cpu::EwaldFit::Narrow>(16.0f) - exactH(16.0)) / exactH(16.0), 5e-7);
}

TEST(CpuNonbondedEwaldCorrection, GivesTheEwaldPairForceAndEnergy)
{
    // V = qq (1/r - beta G) = qq erfc(beta r)/r and F/r = qq (1/r^3 - beta^3 H) for a normal pair,
    // checked at a few distances against the closed forms.
    const double beta = 3.47, qq = -0.8;
    for (double r : {0.1, 0.25, 0.5, 0.9, 1.1}) {
        const double w = beta * beta * r * r;
        const double v = qq * (1.0 / r - beta * cpu::ewaldGScalar(static_cast<float>(w)));
        const double fOverR = qq * (1.0 / (r * r * r) - beta * beta * beta * cpu::ewaldHScalar(static_cast<float>(w)));
        const double vExact = qq * std::erfc(beta * r) / r;
        const double fExact =
            qq * (std::erfc(beta * r) / r + kTwoOverSqrtPi * beta * std::exp(-beta * beta * r * r)) / (r * r);
        // Absolute tolerance relative to the bare Coulomb term, which the fit error scales with.
        EXPECT_NEAR(v, vExact, 1e-6 * std::abs(qq / r)) << "r = " << r;
        EXPECT_NEAR(fOverR, fExact, 1e-6 * std::abs(qq / (r * r * r))) << "r = " << r;
    }
}
