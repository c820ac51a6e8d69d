// Accuracy of complete PME electrostatics at production settings: real-space erfc pairs within the
// cut-off plus the PME mesh, against a converged Ewald sum (real space over all images to 1e-16,
// plain reciprocal sum with a large kmax) on a random neutral box of 300 charges.
//
// Acceptance as in OpenMM's tests (TestReferenceEwald testErrorTolerance): with alpha and grid chosen
// by OpenMM's rules for an error tolerance delta, |F - F_ref| / |F_ref| < 2 delta (norms over all
// force components). GROMACS's settings (ewald-rtol, fourier-spacing, order 4) are reported too.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/forces/ewald_sum.h"
#include "proteinmd/forces/pme.h"
#include "test_support/pme_test_inputs.h"

using namespace proteinmd;

namespace {

constexpr double kCutoff = 0.9;
constexpr int kAtoms = 300;
const Box kBox = Box::rectangular(2.1, 2.1, 2.1); // rc < L/2, so minimum image suffices below

// Real-space Ewald forces k q_i q_j [erfc(a r)/r^2 + 2a/sqrt(pi) exp(-a^2 r^2)/r] r_hat over the
// pairs closer than `cutoff`. images = 0: minimum image only (needs cutoff < L/2); images = 1: the
// 27 images of each pair's minimum-image vector (for the reference, whose cut-off exceeds L/2).
void addRealSpaceForces(const test::RandomSystem& s, const Box& box, double alpha, double cutoff, int images,
                        std::vector<Vec3>& forces)
{
    const double twoOverSqrtPi = 2.0 / std::sqrt(units::kPi);
    const Matrix3& v = box.vectors();
    for (std::size_t i = 0; i < s.positions.size(); ++i) {
        for (std::size_t j = i + 1; j < s.positions.size(); ++j) {
            const Vec3 d0 = box.minimumImage(s.positions[i] - s.positions[j]);
            for (int na = -images; na <= images; ++na)
                for (int nb = -images; nb <= images; ++nb)
                    for (int nc = -images; nc <= images; ++nc) {
                        const Vec3 d = d0 + v[0] * double(na) + v[1] * double(nb) + v[2] * double(nc);
                        const double r = norm(d);
                        if (r >= cutoff) { continue; }
                        const double ar = alpha * r;
                        const double scalar = units::kCoulombConstant * s.charges[i] * s.charges[j] *
                                              (std::erfc(ar) / r + twoOverSqrtPi * alpha * std::exp(-ar * ar)) /
                                              (r * r);
                        forces[i] += d * scalar;
                        forces[j] -= d * scalar;
                    }
        }
    }
}

// Converged Ewald forces: alpha 3.5 with real space to 1.75 nm (erfc(6.1) ~ 1e-17) and
// reciprocal vectors to |n| <= 14 (exp(-pi^2 n^2 / (alpha L)^2) < 1e-15 beyond).
std::vector<Vec3> referenceForces(const test::RandomSystem& s)
{
    const double alpha = 3.5;
    std::vector<Vec3> f(s.positions.size());
    addRealSpaceForces(s, kBox, alpha, 1.75, 1, f);
    Matrix3 vir{};
    ewaldReciprocalSum(s.positions, s.charges, kBox, alpha, 14, units::kCoulombConstant, f, vir);
    return f;
}

std::vector<Vec3> pmeForces(const test::RandomSystem& s, const PmeParameters& p)
{
    std::vector<Vec3> f(s.positions.size());
    addRealSpaceForces(s, kBox, p.ewaldCoefficient, kCutoff, 0, f);
    PmeSolver pme(p, static_cast<int>(s.positions.size()));
    Matrix3 vir{};
    pme.compute(s.positions, s.charges, kBox, units::kCoulombConstant, f, vir);
    return f;
}

// |F - F_ref| / |F_ref| over all components (equal to the ratio of RMS values).
double relativeForceError(const std::vector<Vec3>& f, const std::vector<Vec3>& ref)
{
    double num = 0, den = 0;
    for (std::size_t i = 0; i < ref.size(); ++i) {
        num += norm2(f[i] - ref[i]);
        den += norm2(ref[i]);
    }
    return std::sqrt(num / den);
}

class PmeAccuracy : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        system_ = test::makeRandomNeutralSystem(kBox, kAtoms, 2024);
        reference_ = referenceForces(system_);
    }
    static test::RandomSystem system_;
    static std::vector<Vec3> reference_;
};

test::RandomSystem PmeAccuracy::system_;
std::vector<Vec3> PmeAccuracy::reference_;

} // namespace

TEST_F(PmeAccuracy, ReferenceIsConverged)
{
    // A different alpha and larger sums must give the same forces: the reference is not an
    // artefact of its own parameters.
    std::vector<Vec3> f(system_.positions.size());
    addRealSpaceForces(system_, kBox, 3.0, 2.05, 1, f);
    Matrix3 vir{};
    ewaldReciprocalSum(system_.positions, system_.charges, kBox, 3.0, 12, units::kCoulombConstant, f, vir);
    EXPECT_LT(relativeForceError(f, reference_), 1e-10);
}

TEST_F(PmeAccuracy, OpenmmRulesMeetTheirErrorTolerance)
{
    std::vector<double> errors;
    for (double delta : {5e-4, 1e-4, 1e-5}) {
        const PmeParameters p = openmmPmeParameters(kBox, kCutoff, delta);
        const double error = relativeForceError(pmeForces(system_, p), reference_);
        std::printf("[ pme ] OpenMM rules, delta %.0e: alpha %.4f, grid %d^3, order %d: rel force error %.3e "
                    "(limit 2 delta = %.0e)\n",
                    delta, p.ewaldCoefficient, p.grid[0], p.order, error, 2 * delta);
        EXPECT_LT(error, 2 * delta) << "delta " << delta;
        errors.push_back(error);
    }
    // Tightening the tolerance must tighten the result.
    EXPECT_LT(errors[1], errors[0]);
    EXPECT_LT(errors[2], errors[1]);
}

TEST_F(PmeAccuracy, GromacsSettings)
{
    // GROMACS defaults for proteins: rc 0.9, ewald-rtol 1e-5, fourier-spacing 0.12, pme-order 4.
    PmeParameters p;
    p.ewaldCoefficient = ewaldCoefficientFromRtol(kCutoff, 1e-5);
    p.order = 4;
    p.grid = pmeGridFromSpacing(kBox, 0.12, 4);
    const double error = relativeForceError(pmeForces(system_, p), reference_);
    // GROMACS's usual mixed precision: the float mesh (threaded) is as accurate for this purpose.
    PmeParameters single = p;
    single.precision = PmePrecision::Single;
    single.numThreads = 2;
    const double singleError = relativeForceError(pmeForces(system_, single), reference_);
    // Finer settings must do better: spacing 0.10 and order 5 or 6.
    PmeParameters fine = p;
    fine.order = 6;
    fine.grid = pmeGridFromSpacing(kBox, 0.10, 6);
    const double fineError = relativeForceError(pmeForces(system_, fine), reference_);
    std::printf("[ pme ] GROMACS settings (beta %.4f, grid %d^3, order 4): rel force error %.3e (single "
                "precision %.3e); spacing 0.10 order 6: %.3e\n",
                p.ewaldCoefficient, p.grid[0], error, singleError, fineError);
    EXPECT_LT(error, 2 * 5e-4);
    EXPECT_NEAR(singleError, error, 1e-2 * error);
    EXPECT_LT(fineError, error);
}

TEST(PmeParameterHelpers, GromacsEwaldCoefficientFromRtol)
{
    // The shared benchmarks' value (from grompp) and the defining property erfc(beta rc) = rtol.
    EXPECT_NEAR(ewaldCoefficientFromRtol(0.9, 1e-5), 3.470459193712083, 1e-14);
    for (double rc : {0.8, 1.0, 1.2}) {
        for (double rtol : {1e-3, 1e-5, 1e-6}) {
            const double beta = ewaldCoefficientFromRtol(rc, rtol);
            EXPECT_NEAR(std::erfc(beta * rc), rtol, 1e-12 * rtol);
        }
    }
    EXPECT_THROW(ewaldCoefficientFromRtol(0.0, 1e-5), SetupError);
    EXPECT_THROW(ewaldCoefficientFromRtol(0.9, 0.0), SetupError);
    EXPECT_THROW(ewaldCoefficientFromRtol(0.9, 1.0), SetupError);
}
