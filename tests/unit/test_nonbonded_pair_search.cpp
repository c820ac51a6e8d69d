// The cell grid visits exactly the pairs the all-pairs loop visits, and the reference
// non-bonded results do not depend on which is used; plus the setup errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "backends/reference/reference_nonbonded_impl.h"
#include "neighbor/cell_grid.h"
#include "proteinmd/core/error.h"
#include "test_support/nonbonded_test_systems.h"

using namespace proteinmd;

namespace {

struct VisitedPair {
    int i, j;
    bool excluded;
    Vec3 d;
};

std::vector<VisitedPair> visit(const test::NonbondedTestSystem& t, double cutoff, PairSearch search)
{
    std::vector<VisitedPair> pairs;
    forEachPair(t.system, t.positions, t.box, true, cutoff, search,
                [&](int i, int j, const Vec3& d, double, bool excluded) { pairs.push_back({i, j, excluded, d}); });
    std::sort(pairs.begin(), pairs.end(), [](const VisitedPair& a, const VisitedPair& b) {
        return a.i != b.i ? a.i < b.i : a.j < b.j;
    });
    return pairs;
}

} // namespace

TEST(NonbondedPairSearch, CellGridVisitsSamePairsAsAllPairs)
{
    const Box box = Box::rectangular(3.1, 2.9, 3.6); // 3 x 3 x 4 cells of >= 0.9 nm
    ASSERT_TRUE(CellGrid::usable(box, 0.9));
    const test::NonbondedTestSystem t = test::makeNonbondedTestSystem(box, 60, 20, 7, 0.2);
    const auto all = visit(t, 0.9, PairSearch::AllPairs);
    const auto grid = visit(t, 0.9, PairSearch::CellGrid);
    ASSERT_GT(all.size(), 1000u);
    ASSERT_EQ(all.size(), grid.size());
    int excluded = 0;
    for (std::size_t k = 0; k < all.size(); ++k) {
        ASSERT_EQ(all[k].i, grid[k].i);
        ASSERT_EQ(all[k].j, grid[k].j);
        EXPECT_EQ(all[k].excluded, grid[k].excluded);
        EXPECT_LT(norm(all[k].d - grid[k].d), 1e-12);
        excluded += all[k].excluded ? 1 : 0;
    }
    EXPECT_EQ(excluded, 60 * 3); // every intramolecular pair, each once
}

TEST(NonbondedPairSearch, CellGridNeedsThreeRectangularCellsPerSide)
{
    EXPECT_TRUE(CellGrid::usable(Box::rectangular(2.7, 2.7, 2.7), 0.9));
    EXPECT_FALSE(CellGrid::usable(Box::rectangular(2.69, 2.7, 2.7), 0.9));
    EXPECT_FALSE(CellGrid::usable(Box::triclinic({3, 0, 0}, {0.5, 3, 0}, {0, 0, 3}), 0.9));
    EXPECT_FALSE(CellGrid::usable(Box{}, 0.9));
}

TEST(NonbondedPairSearch, ReferenceResultsIndependentOfPairSearch)
{
    const Box box = Box::rectangular(3.1, 2.9, 3.6);
    const test::NonbondedTestSystem t = test::makeNonbondedTestSystem(box, 60, 20, 8, 0.2);
    for (CoulombType type : {CoulombType::ReactionField, CoulombType::Pme}) {
        NonbondedOptions options;
        options.coulombType = type;
        options.rcoulomb = options.rvdw = 0.9;
        options.vdwModifier = InteractionModifier::ForceSwitch;
        options.rvdwSwitch = 0.7;
        ForceOutput a, b;
        a.reset(t.system.numAtoms());
        b.reset(t.system.numAtoms());
        addNonbondedForcesReference(t.system, options, t.positions, t.box, a, PairSearch::AllPairs);
        addNonbondedForcesReference(t.system, options, t.positions, t.box, b, PairSearch::CellGrid);
        for (EnergyTerm term : {EnergyTerm::LjSr, EnergyTerm::CoulombSr}) {
            EXPECT_NEAR(a.energies[term], b.energies[term], 1e-11 * std::abs(a.energies[term]));
        }
        double largest = 0;
        for (const Vec3& f : a.forces) {
            largest = std::max(largest, norm(f));
        }
        for (std::size_t i = 0; i < a.forces.size(); ++i) {
            EXPECT_LT(norm(a.forces[i] - b.forces[i]), 1e-12 * largest);
        }
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c) {
                EXPECT_NEAR(a.virial[r][c], b.virial[r][c], 1e-11 * std::abs(a.virial.trace()));
            }
        }
    }
}

TEST(NonbondedSetup, CutoffLongerThanHalfBoxNamesBothNumbers)
{
    const test::NonbondedTestSystem t = test::makeNonbondedTestSystem(Box::rectangular(2.0, 2.4, 2.4), 4, 2, 1);
    NonbondedOptions options;
    options.rcoulomb = options.rvdw = 1.2;
    ForceOutput out;
    out.reset(t.system.numAtoms());
    try {
        addNonbondedForcesReference(t.system, options, t.positions, t.box, out);
        FAIL() << "expected SetupError";
    } catch (const SetupError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("1.2"), std::string::npos) << what;
        EXPECT_NE(what.find("1 nm"), std::string::npos) << what;
    }
}

TEST(NonbondedSetup, RejectsWhatGromacsRejects)
{
    const test::NonbondedTestSystem t = test::makeNonbondedTestSystem(Box::rectangular(3, 3, 3), 4, 2, 1);
    auto run = [&](NonbondedOptions options, const Box& box) {
        ForceOutput out;
        out.reset(t.system.numAtoms());
        addNonbondedForcesReference(t.system, options, t.positions, box, out);
        return out;
    };
    NonbondedOptions base;
    base.rcoulomb = base.rvdw = 1.0;

    NonbondedOptions longLj = base;
    longLj.rvdw = 1.1;
    EXPECT_THROW(run(longLj, t.box), SetupError);

    NonbondedOptions rfShortLj = base;
    rfShortLj.coulombType = CoulombType::ReactionField;
    rfShortLj.rvdw = 0.9;
    EXPECT_THROW(run(rfShortLj, t.box), SetupError);

    NonbondedOptions pmeShortLj = rfShortLj;
    pmeShortLj.coulombType = CoulombType::Pme;
    EXPECT_NO_THROW(run(pmeShortLj, t.box));

    NonbondedOptions pmeVacuum = base;
    pmeVacuum.coulombType = CoulombType::Pme;
    pmeVacuum.periodic = false;
    EXPECT_THROW(run(pmeVacuum, Box{}), SetupError);

    NonbondedOptions dispVacuum = base;
    dispVacuum.periodic = false;
    dispVacuum.dispersionCorrection = DispersionCorrectionType::EnerPres;
    EXPECT_THROW(run(dispVacuum, Box{}), SetupError);

    EXPECT_THROW(run(base, Box{}), SetupError); // periodic options, vacuum box

    NonbondedOptions badSwitch = base;
    badSwitch.vdwModifier = InteractionModifier::PotentialSwitch;
    badSwitch.rvdwSwitch = 1.0;
    EXPECT_THROW(run(badSwitch, t.box), SetupError);

    NonbondedOptions coulombSwitch = base;
    coulombSwitch.coulombModifier = InteractionModifier::PotentialSwitch;
    EXPECT_THROW(run(coulombSwitch, t.box), SetupError);

    // Inconsistent system data is refused, not read out of bounds.
    test::NonbondedTestSystem broken = t;
    broken.system.ljTypes[0] = 7;
    ForceOutput out;
    out.reset(broken.system.numAtoms());
    EXPECT_THROW(addNonbondedForcesReference(broken.system, base, broken.positions, broken.box, out), SetupError);
    broken = t;
    broken.system.exclusions[1].push_back(1000);
    EXPECT_THROW(addNonbondedForcesReference(broken.system, base, broken.positions, broken.box, out), SetupError);
    broken = t;
    broken.positions[2].y = std::nan("");
    EXPECT_THROW(addNonbondedForcesReference(broken.system, base, broken.positions, broken.box, out), SetupError);
    out.forces.pop_back();
    EXPECT_THROW(addNonbondedForcesReference(t.system, base, t.positions, t.box, out), SetupError);
}
