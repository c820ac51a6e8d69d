// Topology reader on pdb2gmx topologies of one peptide (DHFR residues 150-159) in four Debian force
// fields, which #include their force field from the GROMACS data folder. The expected counts are
// what `gmx grompp` (constraints = h-bonds, define = -DPOSRES) + `gmx dump` report for the same
// files; tests/refdata/topologies/make.sh regenerates the inputs and prints those numbers.

#include <algorithm>

#include <gtest/gtest.h>

#include "io/topology_preprocessor.h"
#include "proteinmd/io/topology_reader.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

struct GromppCounts {
    const char* forceField;
    int atoms;
    std::size_t bonds, g96Bonds, angles, g96Angles, ureyBradley, properDihedrals, periodicImpropers,
        harmonicImpropers, rbDihedrals, cmap, pairs, positionRestraints, constraints, excludedPairs;
    int combinationRule;
};

// From make.sh's output (gmx dump: BONDS, G96BONDS, ANGLES, G96ANGLES, UREY_BRADLEY, PDIHS, PIDIHS,
// IDIHS, RBDIHS, CMAP, LJ14, POSRES, CONSTR; excluded pairs = (numElements - natoms) / 2).
const GromppCounts kCounts[] = {
    {"amber99sb-ildn", 182, 93, 0, 324, 0, 0, 460, 41, 0, 0, 0, 467, 92, 90, 974, 2},
    {"charmm27", 182, 93, 0, 0, 0, 324, 394, 0, 23, 0, 8, 467, 92, 90, 974, 2},
    {"oplsaa", 182, 93, 0, 324, 0, 0, 41, 0, 0, 375, 0, 467, 92, 90, 974, 3},
    {"gromos54a7", 126, 0, 93, 0, 184, 0, 81, 0, 65, 0, 0, 190, 92, 34, 543, 1},
};

bool haveForceField(const std::string& name)
{
    const auto dirs = gmxtop::defaultTopologyLibraryDirs();
    return std::any_of(dirs.begin(), dirs.end(),
                       [&](const auto& dir) { return std::filesystem::exists(dir / (name + ".ff") / "forcefield.itp"); });
}

TopologyData readForceFieldPeptide(const std::string& forceField)
{
    TopologyReadOptions options;
    options.constraints = ConstraintMode::HBonds;
    options.defines = parseDefineString("-DPOSRES");
    return readGromacsTopology(test::refdataDir() / "topologies" / forceField / "topol.top", options);
}

} // namespace

TEST(TopologyForceFields, CountsMatchGrompp)
{
    for (const GromppCounts& c : kCounts) {
        if (!haveForceField(c.forceField)) {
            GTEST_SKIP() << c.forceField << ".ff not found in the GROMACS data folder";
        }
        SCOPED_TRACE(c.forceField);
        const TopologyData data = readForceFieldPeptide(c.forceField);
        const System& s = data.system;
        const BondedTerms& b = s.bonded;
        EXPECT_EQ(s.numAtoms(), c.atoms);
        EXPECT_NEAR(s.totalCharge(), 0.0, 1e-6);
        EXPECT_EQ(b.harmonicBonds.size(), c.bonds);
        EXPECT_EQ(b.g96Bonds.size(), c.g96Bonds);
        EXPECT_EQ(b.harmonicAngles.size(), c.angles);
        EXPECT_EQ(b.g96Angles.size(), c.g96Angles);
        EXPECT_EQ(b.ureyBradleyAngles.size(), c.ureyBradley);
        EXPECT_EQ(b.properDihedrals.size(), c.properDihedrals);
        EXPECT_EQ(b.periodicImpropers.size(), c.periodicImpropers);
        EXPECT_EQ(b.harmonicImpropers.size(), c.harmonicImpropers);
        EXPECT_EQ(b.rbDihedrals.size(), c.rbDihedrals);
        EXPECT_EQ(b.cmapTorsions.size(), c.cmap);
        EXPECT_EQ(b.pairs.size(), c.pairs);
        EXPECT_EQ(b.positionRestraints.size(), c.positionRestraints);
        EXPECT_EQ(s.constraints.size(), c.constraints);
        std::size_t excluded = 0;
        for (const auto& list : s.exclusions) { excluded += list.size(); }
        EXPECT_EQ(excluded / 2, c.excludedPairs);
        EXPECT_EQ(s.combinationRule, c.combinationRule);
        EXPECT_EQ(data.topology.residues.size(), 10u);
        EXPECT_EQ(data.topology.residues.front().number, 150);
        EXPECT_EQ(data.topology.residues.back().name.substr(0, 3), "ARG");
    }
}

TEST(TopologyForceFields, CharmmCmapGridAndGromosMacros)
{
    if (!haveForceField("charmm27") || !haveForceField("gromos54a7")) {
        GTEST_SKIP() << "charmm27.ff or gromos54a7.ff not found in the GROMACS data folder";
    }
    // CHARMM27's first CMAP type (C NH1 CT1 C NH1, 24x24) as written in cmap.itp.
    const TopologyData charmm = readForceFieldPeptide("charmm27");
    ASSERT_FALSE(charmm.system.bonded.cmapGrids.empty());
    const CmapGrid& grid = charmm.system.bonded.cmapGrids[0];
    EXPECT_EQ(grid.gridSize, 24);
    ASSERT_EQ(grid.energies.size(), 576u);
    EXPECT_DOUBLE_EQ(grid.energies[0], 0.53048936);
    EXPECT_DOUBLE_EQ(grid.energies[1], 3.2162408);
    EXPECT_DOUBLE_EQ(grid.energies[20], -9.7711044);  // a value after a '\' continuation
    EXPECT_DOUBLE_EQ(grid.energies[24], -3.35678136); // phi = -165, psi = -180 degrees

    // GROMOS bonds take their parameters from #define gb_N macros: b0 and kb must both be there.
    const TopologyData gromos = readForceFieldPeptide("gromos54a7");
    for (const G96Bond& bond : gromos.system.bonded.g96Bonds) {
        EXPECT_GT(bond.b0, 0.09);
        EXPECT_GT(bond.kb, 1e6);
    }
    EXPECT_DOUBLE_EQ(gromos.system.fudgeLJ, 1.0);
}
