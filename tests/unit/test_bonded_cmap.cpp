// CMAP: the derivative table and bicubic interpolation against independent numbers (grid values,
// an analytic surface, grompp's own table as printed by gmx dump), and every bonded term of a
// CHARMM27 peptide against gmx_d (tests/refdata/cmap_charmm, made by make_reference.sh there).

#include <gtest/gtest.h>

#include <fstream>
#include <random>

#include <nlohmann/json.hpp>

#include "proteinmd/core/error.h"
#include "test_support/test_paths.h"
#include "unit/bonded_test_forms.h"

using namespace proteinmd;
using namespace proteinmd::test;

namespace {

nlohmann::json loadCharmmReference()
{
    std::ifstream in(refdataDir() / "cmap_charmm" / "bonded_reference.json");
    EXPECT_TRUE(in.good()) << "missing tests/refdata/cmap_charmm/bonded_reference.json";
    return nlohmann::json::parse(in);
}

CmapGrid gridFromJson(const nlohmann::json& g)
{
    CmapGrid grid;
    grid.gridSize = g.at("gridSize").get<int>();
    grid.energies = g.at("energies").get<std::vector<double>>();
    return grid;
}

} // namespace

TEST(BondedCmap, GridPointsReproduceGridValues)
{
    const CmapGrid grid = testCmapGrid();
    const CmapTable table = makeCmapTable(grid);
    for (int i = 0; i < grid.gridSize; ++i) {
        for (int j = 0; j < grid.gridSize; ++j) {
            const double e = cmapEnergy(table, deg(-180.0 + 15.0 * i), deg(-180.0 + 15.0 * j)).energy;
            EXPECT_NEAR(e, grid.energies[static_cast<std::size_t>(i * 24 + j)], 1e-10) << i << "," << j;
        }
    }
    // +180 is the same grid line as -180.
    EXPECT_NEAR(cmapEnergy(table, deg(180.0), deg(180.0)).energy, grid.energies[0], 1e-10);
}

TEST(BondedCmap, GridPointThroughAtoms)
{
    // phi = -60, psi = 135 degrees (grid point i = 8, j = 21) from five atoms.
    const auto x = buildChain({0.133, 0.146, 0.152, 0.133}, {122.0, 110.0, 117.0}, {-60.0, 135.0});
    BondedTerms t;
    t.cmapGrids.push_back(testCmapGrid());
    t.cmapTorsions.push_back({{0, 1, 2, 3, 4}, 0});
    const ForceOutput out = evaluate(t, x, Box{});
    EXPECT_NEAR(out.energies[EnergyTerm::Cmap], t.cmapGrids[0].energies[8 * 24 + 21], 1e-9);
}

TEST(BondedCmap, ConstantGridGivesNoForce)
{
    CmapGrid grid;
    grid.gridSize = 24;
    grid.energies.assign(24 * 24, -3.5);
    const CmapTable table = makeCmapTable(grid);
    for (std::size_t p = 0; p < table.values.size(); p += 4) {
        EXPECT_DOUBLE_EQ(table.values[p], -3.5);
        EXPECT_NEAR(table.values[p + 1], 0.0, 1e-13);
        EXPECT_NEAR(table.values[p + 2], 0.0, 1e-13);
        EXPECT_NEAR(table.values[p + 3], 0.0, 1e-13);
    }
    const CmapEnergy e = cmapEnergy(table, 0.3, -2.9);
    EXPECT_NEAR(e.energy, -3.5, 1e-12);
    EXPECT_NEAR(e.dVdPhi, 0.0, 1e-11);
    EXPECT_NEAR(e.dVdPsi, 0.0, 1e-11);
}

TEST(BondedCmap, InterpolatesSmoothSurface)
{
    // V = 4 cos(phi) + 3 sin(2 psi) + 2 cos(phi + psi): on a 24-point grid the splines and the
    // bicubic patch should reproduce it and its derivatives closely everywhere.
    const auto v = [](double p, double s) { return 4 * std::cos(p) + 3 * std::sin(2 * s) + 2 * std::cos(p + s); };
    const auto dp = [](double p, double s) { return -4 * std::sin(p) - 2 * std::sin(p + s); };
    const auto ds = [](double p, double s) { return 6 * std::cos(2 * s) - 2 * std::sin(p + s); };
    CmapGrid grid;
    grid.gridSize = 24;
    for (int i = 0; i < 24; ++i) {
        for (int j = 0; j < 24; ++j) {
            grid.energies.push_back(v(deg(-180.0 + 15 * i), deg(-180.0 + 15 * j)));
        }
    }
    const CmapTable table = makeCmapTable(grid);
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> angle(-units::kPi, units::kPi);
    for (int n = 0; n < 200; ++n) {
        const double p = angle(rng);
        const double s = angle(rng);
        const CmapEnergy e = cmapEnergy(table, p, s);
        EXPECT_NEAR(e.energy, v(p, s), 2e-3);
        EXPECT_NEAR(e.dVdPhi, dp(p, s), 2e-2);
        EXPECT_NEAR(e.dVdPsi, ds(p, s), 2e-2);
    }
}

TEST(BondedCmap, RejectsMalformedGrids)
{
    CmapGrid grid;
    grid.gridSize = 24;
    grid.energies.assign(10, 0.0);
    EXPECT_THROW(makeCmapTable(grid), SetupError);
    grid.gridSize = 0;
    grid.energies.clear();
    EXPECT_THROW(makeCmapTable(grid), SetupError);
    BondedTerms t;
    t.cmapGrids.push_back(CmapGrid{3, {1, 2, 3}});
    t.cmapTorsions.push_back({{0, 1, 2, 3, 4}, 0});
    const auto x = buildChain({0.133, 0.146, 0.152, 0.133}, {122.0, 110.0, 117.0}, {-60.0, 135.0});
    EXPECT_THROW(evaluate(t, x, Box{}), SetupError);
}

TEST(BondedCmap, DerivativeTableMatchesGrompp)
{
    // gmx dump prints grompp's table to 3 decimals: agreement to rounding checks the spline
    // construction (and the phi/psi order of the derivatives) on real CHARMM grids.
    const nlohmann::json ref = loadCharmmReference();
    for (const auto& g : ref.at("cmapGrids")) {
        const CmapTable table = makeCmapTable(gridFromJson(g));
        const auto& printed = g.at("gromppTable3Decimals");
        ASSERT_EQ(printed.size() * 4, table.values.size());
        for (std::size_t p = 0; p < printed.size(); ++p) {
            for (std::size_t k = 0; k < 4; ++k) {
                EXPECT_NEAR(table.values[p * 4 + k], printed[p][k].get<double>(), 5.0e-4 + 1e-9)
                    << "point " << p << " value " << k;
            }
        }
    }
}

TEST(BondedCmap, CharmmPeptideMatchesGromacsDouble)
{
    const nlohmann::json ref = loadCharmmReference();
    std::vector<Vec3> x;
    for (const auto& p : ref.at("positions")) {
        x.push_back({p[0].get<double>(), p[1].get<double>(), p[2].get<double>()});
    }
    const auto& b = ref.at("box");
    const Box box = Box::rectangular(b[0].get<double>(), b[1].get<double>(), b[2].get<double>());
    const auto charges = ref.at("charges").get<std::vector<double>>();
    const double fudgeQQ = ref.at("fudgeQQ").get<double>();

    BondedTerms t;
    for (const auto& r : ref.at("bonds")) {
        t.harmonicBonds.push_back({{r[0].get<int>(), r[1].get<int>()}, r[2].get<double>(), r[3].get<double>()});
    }
    for (const auto& r : ref.at("ureyBradley")) {
        t.ureyBradleyAngles.push_back({{r[0].get<int>(), r[1].get<int>(), r[2].get<int>()},
                                       deg(r[3].get<double>()), r[4].get<double>(), r[5].get<double>(),
                                       r[6].get<double>()});
    }
    for (const auto& r : ref.at("properDihedrals")) {
        t.properDihedrals.push_back({{r[0].get<int>(), r[1].get<int>(), r[2].get<int>(), r[3].get<int>()},
                                     deg(r[4].get<double>()), r[5].get<double>(),
                                     static_cast<int>(r[6].get<double>())});
    }
    for (const auto& r : ref.at("harmonicImpropers")) {
        t.harmonicImpropers.push_back({{r[0].get<int>(), r[1].get<int>(), r[2].get<int>(), r[3].get<int>()},
                                       deg(r[4].get<double>()), r[5].get<double>()});
    }
    for (const auto& r : ref.at("pairs")) {
        const int i = r[0].get<int>();
        const int j = r[1].get<int>();
        t.pairs.push_back({{i, j}, r[2].get<double>(), r[3].get<double>(),
                           fudgeQQ * charges[static_cast<std::size_t>(i)] * charges[static_cast<std::size_t>(j)]});
    }
    for (const auto& g : ref.at("cmapGrids")) {
        t.cmapGrids.push_back(gridFromJson(g));
    }
    for (const auto& r : ref.at("cmapTorsions")) {
        t.cmapTorsions.push_back(
            {{r[0].get<int>(), r[1].get<int>(), r[2].get<int>(), r[3].get<int>(), r[4].get<int>()}, r[5].get<int>()});
    }
    ASSERT_EQ(t.cmapTorsions.size(), 22u);

    // Measured (GROMACS 2022.5 gmx_d): cmap, U-B, proper, improper and coulomb_14 agree to
    // <= 1e-12 kJ/mol (~1e-15 relative); lj_14 to 1.5e-9 relative and bond to 4e-7 relative, limits
    // set by the 9 and 6 digits with which gmx dump prints those parameters.
    const ForceOutput out = evaluate(t, x, box, ref.at("epsilonR").get<double>());
    const auto& gmx = ref.at("energies");
    const std::pair<EnergyTerm, const char*> terms[] = {
        {EnergyTerm::Cmap, "cmap"},       {EnergyTerm::UreyBradley, "urey_bradley"},
        {EnergyTerm::Bond, "bond"},       {EnergyTerm::ProperDihedral, "proper_dihedral"},
        {EnergyTerm::ImproperDihedral, "improper_dihedral"},
        {EnergyTerm::Lj14, "lj_14"},      {EnergyTerm::Coulomb14, "coulomb_14"}};
    for (const auto& [term, key] : terms) {
        const double expected = gmx.at(key).get<double>();
        EXPECT_TRUE(out.energies.has(term)) << key;
        EXPECT_NEAR(out.energies[term], expected, 1e-6 * std::abs(expected)) << key;
    }
}
