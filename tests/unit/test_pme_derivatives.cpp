// PME forces and virial are exact derivatives of the PME energy (for a fixed grid): check them
// against central finite differences of compute()'s energy, for several orders and cells.

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "forces/pme/bspline.h"
#include "test_support/pme_test_inputs.h"
#include "proteinmd/core/units.h"
#include "proteinmd/forces/ewald_sum.h"
#include "proteinmd/forces/pme.h"

using namespace proteinmd;

namespace {

constexpr double kBeta = 3.47;

struct Case {
    const char* name;
    Box box;
    std::array<int, 3> grid;
    int order;
};

std::vector<Case> cases()
{
    const Box rect = Box::rectangular(2.0, 2.2, 1.9);
    const Box tric = Box::triclinic({2.1, 0, 0}, {-0.8, 2.0, 0}, {0.6, -0.7, 1.9});
    // Odd and even grids (the Nyquist handling differs), coarse enough that the mesh error is large.
    return {{"rect_order4", rect, {16, 18, 15}, 4}, {"rect_order5", rect, {14, 16, 16}, 5},
            {"tric_order4", tric, {16, 16, 16}, 4}, {"tric_order6", tric, {15, 16, 18}, 6},
            {"tric_order8", tric, {20, 21, 20}, 8}};
}

double energyOf(PmeSolver& pme, const std::vector<Vec3>& x, const std::vector<double>& q, const Box& box)
{
    std::vector<Vec3> f(x.size());
    Matrix3 v{};
    return pme.compute(x, q, box, units::kCoulombConstant, f, v);
}

// Box and positions deformed by (I + eps e_a e_b^T): v_a += eps * v_b for every row vector v.
Box deformBox(const Box& box, int a, int b, double eps)
{
    Matrix3 m = box.vectors();
    for (int r = 0; r < 3; ++r) { m[r][a] += eps * m[r][b]; }
    return Box::fromMatrix(m);
}

std::vector<Vec3> deformPositions(std::vector<Vec3> x, int a, int b, double eps)
{
    for (Vec3& r : x) { r[a] += eps * r[b]; }
    return x;
}

} // namespace

TEST(PmeDerivatives, ForcesAreMinusEnergyGradient)
{
    for (const Case& c : cases()) {
        SCOPED_TRACE(c.name);
        const auto s = test::makeRandomNeutralSystem(c.box, 40, 7);
        PmeSolver pme(PmeParameters{c.grid, c.order, kBeta}, 40);
        std::vector<Vec3> f(s.positions.size());
        Matrix3 v{};
        pme.compute(s.positions, s.charges, c.box, units::kCoulombConstant, f, v);
        double fScale = 0;
        for (const Vec3& fi : f) { fScale = std::max(fScale, norm(fi)); }
        const double h = 1e-5;
        for (int i : {0, 7, 19, 33}) {
            for (int d = 0; d < 3; ++d) {
                auto xp = s.positions, xm = s.positions;
                xp[static_cast<std::size_t>(i)][d] += h;
                xm[static_cast<std::size_t>(i)][d] -= h;
                const double fd = -(energyOf(pme, xp, s.charges, c.box) - energyOf(pme, xm, s.charges, c.box)) / (2 * h);
                EXPECT_NEAR(f[static_cast<std::size_t>(i)][d], fd, 1e-7 * fScale) << "atom " << i << " dim " << d;
            }
        }
    }
}

TEST(PmeDerivatives, VirialIsHalfTheDeformationDerivative)
{
    // Xi_ba = 1/2 dE/d(eps_ab) for the deformation v_a += eps v_b. Diagonal scalings and the
    // deformations that keep GROMACS's lower-triangular box (x += eps y, x += eps z, y += eps z)
    // give every element of the symmetric virial; uniform scaling gives the trace.
    for (const Case& c : cases()) {
        SCOPED_TRACE(c.name);
        const auto s = test::makeRandomNeutralSystem(c.box, 40, 9);
        PmeSolver pme(PmeParameters{c.grid, c.order, kBeta}, 40);
        std::vector<Vec3> f(s.positions.size());
        Matrix3 vir{};
        const double e0 = pme.compute(s.positions, s.charges, c.box, units::kCoulombConstant, f, vir);
        const double h = 1e-6;
        const double tol = 1e-7 * std::abs(e0) + 1e-9;
        const std::array<std::pair<int, int>, 6> pairs{{{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}}};
        for (auto [a, b] : pairs) {
            const double ep = energyOf(pme, deformPositions(s.positions, a, b, h), s.charges, deformBox(c.box, a, b, h));
            const double em = energyOf(pme, deformPositions(s.positions, a, b, -h), s.charges, deformBox(c.box, a, b, -h));
            EXPECT_NEAR(vir[b][a], 0.5 * (ep - em) / (2 * h), tol) << "element " << b << "," << a;
        }
        // Symmetric by construction, and the trace from a uniform scaling.
        EXPECT_DOUBLE_EQ(vir[0][1], vir[1][0]);
        auto scaled = [&](double eps) {
            Matrix3 m = c.box.vectors();
            m *= 1.0 + eps;
            auto x = s.positions;
            for (Vec3& r : x) { r *= 1.0 + eps; }
            return energyOf(pme, x, s.charges, Box::fromMatrix(m));
        };
        EXPECT_NEAR(vir.trace(), 0.5 * (scaled(h) - scaled(-h)) / (2 * h), tol);
    }
}

TEST(PmeDerivatives, EwaldOracleVirialAndForcesAreDerivatives)
{
    const Box box = Box::triclinic({1.5, 0, 0}, {0.5, 1.4, 0}, {-0.4, 0.3, 1.6});
    const auto s = test::makeRandomNeutralSystem(box, 10, 3);
    auto energy = [&](const std::vector<Vec3>& x, const Box& b) {
        std::vector<Vec3> f(x.size());
        Matrix3 v{};
        return ewaldReciprocalSum(x, s.charges, b, kBeta, 16, units::kCoulombConstant, f, v);
    };
    std::vector<Vec3> f(s.positions.size());
    Matrix3 vir{};
    const double e0 = ewaldReciprocalSum(s.positions, s.charges, box, kBeta, 16, units::kCoulombConstant, f, vir);
    const double h = 1e-6;
    for (auto [a, b] : std::array<std::pair<int, int>, 4>{{{0, 0}, {2, 2}, {0, 1}, {1, 2}}}) {
        const double d = (energy(deformPositions(s.positions, a, b, h), deformBox(box, a, b, h)) -
                          energy(deformPositions(s.positions, a, b, -h), deformBox(box, a, b, -h))) / (2 * h);
        EXPECT_NEAR(vir[b][a], 0.5 * d, 1e-7 * std::abs(e0));
    }
    for (int d = 0; d < 3; ++d) {
        auto xp = s.positions, xm = s.positions;
        xp[4][d] += h;
        xm[4][d] -= h;
        EXPECT_NEAR(f[4][d], -(energy(xp, box) - energy(xm, box)) / (2 * h), 1e-6 * norm(f[4]) + 1e-8);
    }
}

TEST(PmeBspline, WeightsSumToOneAndDerivativesMatchFiniteDifferences)
{
    for (int order = pme::kMinPmeOrder; order <= pme::kMaxPmeOrder; ++order) {
        SCOPED_TRACE(order);
        std::vector<double> w(static_cast<std::size_t>(order)), d(w.size()), wp(w.size()), wm(w.size()), tmp(w.size());
        for (double x : {0.0, 0.13, 0.5, 0.77, 0.999}) {
            pme::bsplineWeights(x, order, w, d);
            double sum = 0, dsum = 0, mean = 0;
            for (std::size_t j = 0; j < w.size(); ++j) {
                sum += w[j];
                dsum += d[j];
                // The weights reproduce linear functions: sum_j w_j * (grid point j) is the position
                // minus the spline's centre offset (order/2 grid units).
                mean += w[j] * (static_cast<double>(j) - (order - 1));
                EXPECT_GE(w[j], 0.0);
            }
            EXPECT_NEAR(sum, 1.0, 1e-14);
            EXPECT_NEAR(dsum, 0.0, 1e-13);
            EXPECT_NEAR(mean, x - 0.5 * order, 1e-13);
            const double h = 1e-6;
            pme::bsplineWeights(x + h, order, wp, tmp);
            pme::bsplineWeights(std::max(x - h, 0.0), order, wm, tmp);
            const double denom = x + h - std::max(x - h, 0.0);
            // One-sided at x = 0, so first order there.
            for (std::size_t j = 0; j < w.size(); ++j) { EXPECT_NEAR(d[j], (wp[j] - wm[j]) / denom, x == 0.0 ? 1e-5 : 1e-8); }
        }
    }
}

TEST(PmeBspline, ModuliMatchHandComputedValues)
{
    // Order 4: M4(1), M4(2), M4(3) = 1/6, 2/3, 1/6, so mod(k) = (2/3 + 1/3 cos(2 pi k / n))^2.
    const int n = 10;
    const auto mod4 = pme::bsplineModuli(n, 4);
    for (int k = 0; k < n; ++k) {
        const double expected = std::pow(2.0 / 3.0 + std::cos(2 * units::kPi * k / n) / 3.0, 2);
        EXPECT_NEAR(mod4[static_cast<std::size_t>(k)], expected, 1e-15);
    }
    // Order 5 on an even grid: zero at n/2, replaced by the mean of the neighbours (GROMACS).
    const auto mod5 = pme::bsplineModuli(n, 5);
    EXPECT_NEAR(mod5[0], 1.0, 1e-15);
    EXPECT_DOUBLE_EQ(mod5[5], 0.5 * (mod5[4] + mod5[6]));
    EXPECT_GT(mod5[5], 0.0);
}
