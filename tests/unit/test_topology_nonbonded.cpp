// Topology reader: [ atomtypes ] layouts, LJ combination rules, [ nonbond_params ] and 1-4 pairs,
// checked against values computed by hand from the numbers in the inline topologies.

#include <cmath>

#include <gtest/gtest.h>

#include "topology_test_support.h"

using namespace proteinmd;
using namespace proteinmd::test;

namespace {

double pow6(double x) { return x * x * x * x * x * x; }

std::string twoTypeTopology(int rule, const std::string& extra = "")
{
    return "[ defaults ]\n1 " + std::to_string(rule) + " no 1.0 1.0\n"
           "[ atomtypes ]\n"
           "A 1 1.0 0.0 A 0.3 0.5\n"
           "B 1 1.0 0.0 A 0.4 0.2\n"
           "Unused 1 1.0 0.0 A 0.9 0.9\n" + extra +
           "[ moleculetype ]\nM 1\n"
           "[ atoms ]\n"
           "1 A 1 RES A1 1 0.0\n"
           "2 B 1 RES B1 1 0.0\n"
           "[ system ]\nlj\n[ molecules ]\nM 1\n";
}

} // namespace

TEST(TopologyNonbonded, AtomTypeColumnLayoutsAndBondTypes)
{
    // All four [ atomtypes ] layouts; bonded lookups use the bond_type column where there is one.
    const auto data = readTopologyText("top_atomtypes", R"(
[ defaults ]
1 2 yes 0.5 0.8333
[ atomtypes ]
; name bond_type at.num mass charge ptype sigma eps
opls_1  CX  6  12.011 -0.1 A 0.35 0.27
; name at.num mass charge ptype sigma eps
T2      8  15.999  0.0 A 0.30 0.50
; name bond_type mass charge ptype sigma eps
T3      CX     14.0   0.2 A 0.32 0.40
; name mass charge ptype sigma eps
T4      1.008  0.1 A 0.25 0.10
[ bondtypes ]
CX CX 1 0.15 1000.0
CX T2 1 0.14 2000.0
T4 CX 1 0.11 3000.0
[ moleculetype ]
M 3
[ atoms ]
1 opls_1 1 RES A 1
2 T3     1 RES B 2
3 T2     1 RES C 3
4 T4     1 RES D 4
[ bonds ]
1 2 1
1 3 1
2 4 1
[ system ]
layouts
[ molecules ]
M 1
)");
    const System& s = data.system;
    ASSERT_EQ(s.numAtoms(), 4);
    EXPECT_DOUBLE_EQ(s.masses[0], 12.011);
    EXPECT_DOUBLE_EQ(s.masses[1], 14.0);
    EXPECT_DOUBLE_EQ(s.masses[2], 15.999);
    EXPECT_DOUBLE_EQ(s.masses[3], 1.008);
    EXPECT_DOUBLE_EQ(s.charges[0], -0.1); // charges default from the atom type
    EXPECT_DOUBLE_EQ(s.charges[1], 0.2);
    EXPECT_DOUBLE_EQ(s.charges[3], 0.1);
    ASSERT_EQ(s.bonded.harmonicBonds.size(), 3u);
    EXPECT_DOUBLE_EQ(s.bonded.harmonicBonds[0].b0, 0.15); // CX-CX via bond_type
    EXPECT_DOUBLE_EQ(s.bonded.harmonicBonds[1].b0, 0.14); // CX-T2
    EXPECT_DOUBLE_EQ(s.bonded.harmonicBonds[2].b0, 0.11); // CX-T4 matches "T4 CX" reversed
    EXPECT_DOUBLE_EQ(s.bonded.harmonicBonds[2].kb, 3000.0);
    EXPECT_EQ(data.topology.atoms[0].element, "C");
    EXPECT_EQ(data.topology.atoms[2].element, "O");
    EXPECT_EQ(data.topology.atoms[1].element, "");
    EXPECT_EQ(data.topology.atoms[1].typeName, "T3");
    // 0.2 e in total: warned about, with 5 decimals.
    bool warned = false;
    for (const auto& w : data.diagnostics.warnings) {
        warned = warned || w.find("System has non-integer total charge: 0.20000") != std::string::npos;
    }
    EXPECT_TRUE(warned);
}

TEST(TopologyNonbonded, CombinationRuleArithmetic)
{
    const System s = readTopologyText("top_comb2", twoTypeTopology(2)).system;
    ASSERT_EQ(s.numLjTypes, 2); // only the types in use
    EXPECT_EQ(s.ljTypes, (std::vector<int>{0, 1}));
    EXPECT_NEAR(s.c6Of(0, 0), 4 * 0.5 * pow6(0.3), 1e-15);
    EXPECT_NEAR(s.c12Of(0, 0), 4 * 0.5 * pow6(0.3) * pow6(0.3), 1e-18);
    const double sigma = 0.35;
    const double eps = std::sqrt(0.5 * 0.2);
    EXPECT_NEAR(s.c6Of(0, 1), 4 * eps * pow6(sigma), 1e-15);
    EXPECT_NEAR(s.c6Of(1, 0), 4 * eps * pow6(sigma), 1e-15);
    EXPECT_NEAR(s.c12Of(1, 0), 4 * eps * pow6(sigma) * pow6(sigma), 1e-18);
    EXPECT_EQ(s.combinationRule, 2);
}

TEST(TopologyNonbonded, CombinationRuleGeometricSigmaEpsilon)
{
    const System s = readTopologyText("top_comb3", twoTypeTopology(3)).system;
    const double sigma = std::sqrt(0.3 * 0.4);
    const double eps = std::sqrt(0.5 * 0.2);
    EXPECT_NEAR(s.c6Of(0, 1), 4 * eps * pow6(sigma), 1e-15);
    EXPECT_NEAR(s.c12Of(0, 1), 4 * eps * pow6(sigma) * pow6(sigma), 1e-18);
}

TEST(TopologyNonbonded, CombinationRuleGeometricC6C12)
{
    const System s = readTopologyText("top_comb1", twoTypeTopology(1)).system;
    EXPECT_DOUBLE_EQ(s.c6Of(0, 0), 0.3);
    EXPECT_DOUBLE_EQ(s.c12Of(1, 1), 0.2);
    EXPECT_NEAR(s.c6Of(0, 1), std::sqrt(0.3 * 0.4), 1e-15);
    EXPECT_NEAR(s.c12Of(0, 1), std::sqrt(0.5 * 0.2), 1e-15);
}

TEST(TopologyNonbonded, NonbondParamsOverrideTheCombinationRule)
{
    const System s = readTopologyText("top_nbparams", twoTypeTopology(2, "[ nonbond_params ]\nB A 1 0.36 0.3\n")).system;
    EXPECT_NEAR(s.c6Of(0, 1), 4 * 0.3 * pow6(0.36), 1e-15);
    EXPECT_NEAR(s.c12Of(1, 0), 4 * 0.3 * pow6(0.36) * pow6(0.36), 1e-18);
    EXPECT_NEAR(s.c6Of(0, 0), 4 * 0.5 * pow6(0.3), 1e-15); // untouched
}

TEST(TopologyNonbonded, GeneratedPairsAndPairTypes)
{
    const auto data = readTopologyText("top_genpairs", R"(
[ defaults ]
1 2 yes 0.5 0.8333
[ atomtypes ]
A 6 12.0 0.0 A 0.30 0.50
B 6 12.0 0.0 A 0.40 0.20
C 6 12.0 0.0 A 0.20 0.10
[ nonbond_params ]
A B 1 0.36 0.30
[ pairtypes ]
C A 1 0.31 0.70
[ moleculetype ]
M 3
[ atoms ]
1 A 1 RES A1 1  0.5
2 B 1 RES B1 1 -0.25
3 C 1 RES C1 1  0.125
4 A 1 RES A2 1 -0.375
[ pairs ]
1 2 1
1 3 1
2 3
1 4 1 0.2 0.3
2 4 2 0.5 1.0 -1.0 0.25 0.6
[ system ]
pairs
[ molecules ]
M 1
)");
    const auto& pairs = data.system.bonded.pairs;
    ASSERT_EQ(pairs.size(), 5u);
    // A-B: generated from [ nonbond_params ], epsilon scaled by fudgeLJ.
    EXPECT_NEAR(pairs[0].c6, 0.5 * 4 * 0.30 * pow6(0.36), 1e-15);
    EXPECT_NEAR(pairs[0].c12, 0.5 * 4 * 0.30 * pow6(0.36) * pow6(0.36), 1e-18);
    EXPECT_NEAR(pairs[0].qq, 0.8333 * 0.5 * -0.25, 1e-15);
    // A-C: [ pairtypes ] (either order), not scaled.
    EXPECT_NEAR(pairs[1].c6, 4 * 0.70 * pow6(0.31), 1e-15);
    EXPECT_NEAR(pairs[1].c12, 4 * 0.70 * pow6(0.31) * pow6(0.31), 1e-18);
    // B-C: generated from the combination rule; the function type defaults to 1.
    const double sigma = 0.3;
    const double eps = 0.5 * std::sqrt(0.2 * 0.1);
    EXPECT_NEAR(pairs[2].c6, 4 * eps * pow6(sigma), 1e-15);
    EXPECT_NEAR(pairs[2].qq, 0.8333 * -0.25 * 0.125, 1e-15);
    // Inline sigma/epsilon.
    EXPECT_NEAR(pairs[3].c6, 4 * 0.3 * pow6(0.2), 1e-15);
    // Type 2: its own fudgeQQ and charges.
    EXPECT_NEAR(pairs[4].qq, 0.5 * 1.0 * -1.0, 1e-15);
    EXPECT_NEAR(pairs[4].c6, 4 * 0.6 * pow6(0.25), 1e-15);
    EXPECT_DOUBLE_EQ(data.system.fudgeQQ, 0.8333);
    EXPECT_DOUBLE_EQ(data.system.fudgeLJ, 0.5);
}

TEST(TopologyNonbonded, PairTypesWithoutGeneration)
{
    const std::string top = R"(
[ defaults ]
1 1 no 1.0 1.0
[ atomtypes ]
A 6 12.0 0.0 A 1.0e-3 1.0e-6
B 6 12.0 0.0 A 2.0e-3 2.0e-6
[ pairtypes ]
B A 1 5.0e-4 7.0e-7
[ moleculetype ]
M 3
[ atoms ]
1 A 1 RES A1 1 0.0
2 B 1 RES B1 1 0.0
3 B 1 RES B2 1 0.0
[ pairs ]
1 2 1
)";
    const auto data = readTopologyText("top_nogen", top + "[ system ]\nx\n[ molecules ]\nM 1\n");
    ASSERT_EQ(data.system.bonded.pairs.size(), 1u);
    EXPECT_DOUBLE_EQ(data.system.bonded.pairs[0].c6, 5.0e-4);
    EXPECT_DOUBLE_EQ(data.system.bonded.pairs[0].c12, 7.0e-7);
    // B-B has no pair type and gen-pairs = no: an error naming both types.
    const InputError e = topologyError("top_nogen_missing", top + "2 3 1\n[ system ]\nx\n[ molecules ]\nM 1\n");
    EXPECT_NE(e.message().find("No default LJ-14 types for atoms B B"), std::string::npos) << e.what();
    EXPECT_EQ(e.where().line, 17);
}
