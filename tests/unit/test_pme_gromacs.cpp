// PME against GROMACS: grid sizes grompp picks, and "Coul. recip." (mesh + background) from gmx_d
// for the shared benchmark systems (tests/refdata/pme/gromacs_reference.json, make_reference.sh).

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <numeric>
#include <vector>

#include "test_support/pme_test_inputs.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/forces/pme.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

nlohmann::json loadJson(const std::filesystem::path& path)
{
    std::ifstream in(path);
    if (!in) { throw std::runtime_error("cannot open " + path.string()); }
    return nlohmann::json::parse(in);
}

nlohmann::json pmeReference() { return loadJson(test::refdataDir() / "pme" / "gromacs_reference.json"); }

Box boxFromJson(const nlohmann::json& rows)
{
    auto v = [&](int r) { return Vec3{rows[r][0].get<double>(), rows[r][1].get<double>(), rows[r][2].get<double>()}; };
    return Box::triclinic(v(0), v(1), v(2));
}

std::array<int, 3> gridFromJson(const nlohmann::json& g) { return {g[0].get<int>(), g[1].get<int>(), g[2].get<int>()}; }

// Mesh + background, as GROMACS's "Coul. recip.".
double coulRecip(const std::vector<Vec3>& x, const std::vector<double>& q, const Box& box, std::array<int, 3> grid,
                 int order, double beta)
{
    PmeSolver pme(PmeParameters{grid, order, beta}, static_cast<int>(x.size()));
    std::vector<Vec3> f(x.size());
    Matrix3 vir{};
    const double mesh = pme.compute(x, q, box, units::kCoulombConstant, f, vir);
    const double total = std::accumulate(q.begin(), q.end(), 0.0);
    return mesh + ewaldBackgroundEnergy(total, box.volume(), beta, units::kCoulombConstant);
}

} // namespace

TEST(PmeGromacs, GridFromSpacingMatchesGrompp)
{
    for (const auto& c : pmeReference()["grids_from_spacing"]) {
        const auto grid = pmeGridFromSpacing(boxFromJson(c["box"]), c["spacing"].get<double>(), c["order"].get<int>());
        EXPECT_EQ(grid, gridFromJson(c["grid"])) << c.dump();
    }
}

TEST(PmeGromacs, GridFromSpacingUsesOnlyGromacsSizesAndTheMinimum)
{
    // Cube edges from tiny to large: every size is >= L/spacing, >= 2*(order-1), and a GROMACS size.
    for (double l = 0.3; l < 40.0; l *= 1.37) {
        for (int order : {4, 5, 8, 12}) {
            const auto g = pmeGridFromSpacing(Box::rectangular(l, l, l), 0.12, order);
            EXPECT_GE(g[0], 2 * (order - 1));
            EXPECT_GE(g[0] + 1e-9, l / 0.12);
            int n = g[0];
            if (n > 44) {
                while (n % 2 == 0 && n > 84) { n /= 2; }
                EXPECT_TRUE(n == 48 || n == 50 || n == 52 || n == 54 || n == 56 || n == 60 || n == 64 || n == 70 ||
                            n == 72 || n == 75 || n == 80 || n == 81 || n == 84 || n == 45)
                    << g[0];
                EXPECT_TRUE(g[0] % 4 == 0 || g[0] == 90) << g[0];
            }
        }
    }
    EXPECT_THROW(pmeGridFromSpacing(Box(), 0.12, 4), SetupError);
    EXPECT_THROW(pmeGridFromSpacing(Box::rectangular(3, 3, 3), 0.0, 4), SetupError);
    EXPECT_THROW(pmeGridFromSpacing(Box::rectangular(3, 3, 3), 0.12, 2), SetupError);
}

TEST(PmeGromacs, Ala2SolvatedMeshMatchesSharedReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto dir = test::benchmarkDir("ala2_solvated");
    const auto ref = loadJson(dir / "reference.json");
    const auto x = test::positionsFromNpy(dir / "positions.npy");
    const auto q = test::chargesFromTopology(dir / "system.top");
    ASSERT_EQ(x.size(), q.size());
    ASSERT_EQ(static_cast<int>(x.size()), ref["n_atoms"].get<int>());
    const double beta = ref["settings"]["ewald_alpha_per_nm"].get<double>();
    const Box box = Box::rectangular(3.2853, 3.2862, 3.1855);
    ASSERT_NEAR(box.volume(), ref["energies"]["coulomb_parts"]["volume_nm3"].get<double>(), 1e-9);

    PmeSolver pme(PmeParameters{gridFromJson(ref["settings"]["pme_grid"]), ref["settings"]["pme_order"].get<int>(), beta},
                  static_cast<int>(x.size()));
    std::vector<Vec3> f(x.size());
    Matrix3 vir{};
    const double mesh = pme.compute(x, q, box, units::kCoulombConstant, f, vir);
    const double expected = ref["energies"]["coulomb_parts"]["mesh_only"].get<double>();
    std::printf("[ pme ] ala2_solvated mesh %.10f, reference %.10f, rel diff %.2e\n", mesh, expected,
                std::abs(mesh - expected) / expected);
    EXPECT_NEAR(mesh, expected, 1e-9 * std::abs(expected));
    // Net charge ~1e-16 e: the background term is negligible, so coulomb_recip is the mesh alone.
    EXPECT_NEAR(mesh, ref["energies"]["gromacs_2022_5_double"]["terms"]["coulomb_recip"].get<double>(), 1e-6 * expected);
}

TEST(PmeGromacs, CoulRecipMatchesGmxDouble)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const auto ref = pmeReference();
    const double beta = ref["ewald_coefficient"].get<double>();
    for (const auto& c : ref["coul_recip"]) {
        const auto dir = test::benchmarkDir(c["system"].get<std::string>());
        const auto x = test::positionsFromGro(dir / "system.gro");
        const auto q = test::chargesFromTopology(dir / "system.top");
        ASSERT_EQ(x.size(), q.size());
        const double e = coulRecip(x, q, boxFromJson(c["box"]), gridFromJson(c["grid"]), c["order"].get<int>(), beta);
        const double expected = c["value"].get<double>();
        std::printf("[ pme ] %s: %.9f vs gmx_d %.9f, rel diff %.2e\n", c["name"].get<std::string>().c_str(), e, expected,
                    std::abs(e - expected) / expected);
        // Agreement is ~1e-14 (both double precision, same numerics); 1e-9 leaves room for FFT rounding.
        EXPECT_NEAR(e, expected, 1e-9 * std::abs(expected)) << c["name"];
    }
}

TEST(PmeParameterHelpers, OpenmmChoicesMatchHandComputedValues)
{
    EXPECT_NEAR(ewaldCoefficientFromErrorTolerance(0.9, 5e-4), 2.9202898720871846, 1e-13);
    const auto p = openmmPmeParameters(Box::rectangular(3.0, 3.1, 2.9), 0.9, 5e-4);
    EXPECT_EQ(p.grid, (std::array<int, 3>{27, 28, 26}));
    EXPECT_EQ(p.order, 5);
    EXPECT_NEAR(p.ewaldCoefficient, 2.9202898720871846, 1e-13);
    const auto small = openmmPmeParameters(Box::rectangular(2.0, 2.2, 0.2), 0.3, 1e-3);
    EXPECT_EQ(small.grid, (std::array<int, 3>{45, 49, 6})); // the last one raised to OpenMM's minimum
    EXPECT_THROW(ewaldCoefficientFromErrorTolerance(0.0, 1e-5), SetupError);
    EXPECT_THROW(ewaldCoefficientFromErrorTolerance(1.0, 0.0), SetupError);
}

TEST(PmeParameterHelpers, BackgroundEnergyAndVirial)
{
    // dhfr: Q = -11 e in a 6.223 nm cube at GROMACS's beta: -k pi Q^2 / (2 V beta^2).
    const double v = 6.223 * 6.223 * 6.223;
    const double beta = 3.4704591937120828;
    const double e = ewaldBackgroundEnergy(-11.0, v, beta, units::kCoulombConstant);
    EXPECT_NEAR(e, -138.93545764438198 * 3.141592653589793 * 121.0 / (2 * v * beta * beta), 1e-9);
    EXPECT_LT(e, 0.0);
    // Its virial is -1/2 the derivative under a uniform deformation: E ~ 1/V gives Xi_aa = -E/2.
    const Matrix3 w = ewaldBackgroundVirial(-11.0, v, beta, units::kCoulombConstant);
    const double h = 1e-6;
    const double dEdEps = (ewaldBackgroundEnergy(-11.0, v * (1 + h), beta, units::kCoulombConstant) -
                           ewaldBackgroundEnergy(-11.0, v * (1 - h), beta, units::kCoulombConstant)) / (2 * h);
    EXPECT_NEAR(w[0][0], 0.5 * dEdEps, 1e-7 * std::abs(e));
    EXPECT_DOUBLE_EQ(w[0][1], 0.0);
}

TEST(PmeSolverErrors, BadSetupAndInputsThrow)
{
    EXPECT_THROW(PmeSolver(PmeParameters{{16, 16, 16}, 2, 3.0}, 4), SetupError);
    EXPECT_THROW(PmeSolver(PmeParameters{{16, 16, 16}, 13, 3.0}, 4), SetupError);
    EXPECT_THROW(PmeSolver(PmeParameters{{16, 4, 16}, 5, 3.0}, 4), SetupError);
    EXPECT_THROW(PmeSolver(PmeParameters{{16, 16, 16}, 4, 0.0}, 4), SetupError);
    EXPECT_THROW(PmeSolver(PmeParameters{{16, 16, 16}, 4, 3.0}, -1), SetupError);

    PmeSolver pme(PmeParameters{{16, 16, 16}, 4, 3.0}, 2);
    std::vector<Vec3> x{{0.1, 0.2, 0.3}, {1.0, 1.1, 1.2}};
    std::vector<double> q{1.0, -1.0};
    std::vector<Vec3> f(2);
    Matrix3 vir{};
    const Box box = Box::rectangular(2, 2, 2);
    std::vector<Vec3> shortForces(1);
    EXPECT_THROW(pme.compute(x, q, box, 1.0, shortForces, vir), SetupError);
    EXPECT_THROW(pme.compute(x, q, Box(), 1.0, f, vir), SetupError);
    x[1].y = std::numeric_limits<double>::quiet_NaN();
    EXPECT_THROW(pme.compute(x, q, box, 1.0, f, vir), SetupError);
    x[1].y = 1e300; // finite but absurd: must not crash
    EXPECT_NO_THROW(pme.compute(x, q, box, 1.0, f, vir));
}

TEST(PmeSolverBehaviour, TranslationInvarianceAndAccumulation)
{
    const Box box = Box::triclinic({2.0, 0, 0}, {0.6, 1.9, 0}, {-0.5, 0.7, 2.1});
    const auto s = test::makeRandomNeutralSystem(box, 30, 5);
    PmeSolver pme(PmeParameters{{20, 20, 21}, 5, 3.2}, 30);
    std::vector<Vec3> f0(30), f1(30, Vec3{1.0, 2.0, 3.0});
    Matrix3 v0{}, v1{};
    v1[0].x = 5.0;
    const double e0 = pme.compute(s.positions, s.charges, box, units::kCoulombConstant, f0, v0);
    // Shifting every atom by a lattice vector changes nothing; compute() adds to what is there.
    auto shifted = s.positions;
    for (Vec3& r : shifted) { r += box.vectors()[1] * 3.0 - box.vectors()[2]; }
    const double e1 = pme.compute(shifted, s.charges, box, units::kCoulombConstant, f1, v1);
    EXPECT_NEAR(e1, e0, 1e-10 * std::abs(e0));
    for (int i = 0; i < 30; ++i) {
        EXPECT_NEAR(f1[static_cast<std::size_t>(i)].x - 1.0, f0[static_cast<std::size_t>(i)].x, 1e-8);
        EXPECT_NEAR(f1[static_cast<std::size_t>(i)].z - 3.0, f0[static_cast<std::size_t>(i)].z, 1e-8);
    }
    EXPECT_NEAR(v1[0].x - 5.0, v0[0].x, 1e-8);
    // Newton's third law holds for the mesh forces only to the interpolation accuracy; their sum is small.
    Vec3 sum{};
    for (const Vec3& fi : f0) { sum += fi; }
    EXPECT_LT(norm(sum), 1e-2 * norm(f0[0]) * 30);
}
