// Topology reader: every bonded directive, parameter lookup rules (reverse order, dihedral
// wildcards, type-9 blocks, inline overrides), units, and what grompp drops.

#include <cmath>

#include <gtest/gtest.h>

#include "proteinmd/core/units.h"
#include "topology_test_support.h"

using namespace proteinmd;
using namespace proteinmd::test;

namespace {

constexpr double kDeg = units::kDegToRad;

std::string molecule(const std::string& types, const std::string& body)
{
    return kSmallForceField + types + body + "[ system ]\ntest\n[ molecules ]\nM 1\n";
}

// Five carbons and hydrogens/oxygens named so that h-bonds rules can be checked: C1 C2 C3 H4 O5 H6.
const std::string kAtoms = R"(
[ moleculetype ]
M 3
[ atoms ]
1 C 1 RES C1 1
2 C 1 RES C2 1
3 C 1 RES C3 1
4 H 1 RES H4 1
5 O 1 RES O5 1
6 H 2 SOL H6 1
)";

} // namespace

TEST(TopologyBonded, BondsAndAngles)
{
    const auto data = readTopologyText("top_bonds_angles", molecule(R"(
[ bondtypes ]
C C 1 0.153 200000.0
H C 2 0.109 1.23e7
[ angletypes ]
C C C 1 109.5 400.0
H C C 5 110.0 300.0 0.21 20000.0
)", kAtoms + R"(
[ bonds ]
1 2 1
2 4 2
2 3 1 0.16 1000 0.17 2000
3 5 5
4 6 6 0.2 50
[ angles ]
1 2 3 1
4 2 1 5
3 2 4 2 100.0 50.0
1 2 5 1 0 0
)"));
    const BondedTerms& b = data.system.bonded;
    ASSERT_EQ(b.harmonicBonds.size(), 3u); // types 1 and 6
    EXPECT_DOUBLE_EQ(b.harmonicBonds[0].b0, 0.153);
    EXPECT_DOUBLE_EQ(b.harmonicBonds[0].kb, 200000.0);
    EXPECT_DOUBLE_EQ(b.harmonicBonds[1].b0, 0.16); // inline A state wins
    EXPECT_DOUBLE_EQ(b.harmonicBonds[1].kb, 1000.0);
    EXPECT_DOUBLE_EQ(b.harmonicBonds[2].b0, 0.2); // type 6
    ASSERT_EQ(b.g96Bonds.size(), 1u);
    EXPECT_DOUBLE_EQ(b.g96Bonds[0].b0, 0.109); // "H C" matches C-H reversed
    EXPECT_DOUBLE_EQ(b.g96Bonds[0].kb, 1.23e7);

    ASSERT_EQ(b.harmonicAngles.size(), 1u); // the all-zero angle is dropped, as grompp does
    EXPECT_NEAR(b.harmonicAngles[0].theta0, 109.5 * kDeg, 1e-15);
    EXPECT_DOUBLE_EQ(b.harmonicAngles[0].k, 400.0);
    ASSERT_EQ(b.ureyBradleyAngles.size(), 1u);
    EXPECT_EQ(b.ureyBradleyAngles[0].atoms, (std::array<int, 3>{3, 1, 0}));
    EXPECT_NEAR(b.ureyBradleyAngles[0].theta0, 110.0 * kDeg, 1e-15);
    EXPECT_DOUBLE_EQ(b.ureyBradleyAngles[0].kTheta, 300.0);
    EXPECT_DOUBLE_EQ(b.ureyBradleyAngles[0].r13, 0.21);
    EXPECT_DOUBLE_EQ(b.ureyBradleyAngles[0].kUB, 20000.0);
    ASSERT_EQ(b.g96Angles.size(), 1u);
    EXPECT_NEAR(b.g96Angles[0].theta0, 100.0 * kDeg, 1e-15);

    // Bonds 1, 2 and 5 are chemical bonds (type 6 is not): exclusions and Topology::bonds.
    EXPECT_EQ(data.topology.bonds.size(), 4u);
    EXPECT_EQ(data.system.exclusions[3], (std::vector<int>{0, 1, 2, 4})); // H4: 1, 2 and 3 bonds away
    EXPECT_EQ(data.system.exclusions[5], (std::vector<int>{}));           // only a type-6 bond
}

TEST(TopologyBonded, DihedralWildcardPriorityReverseMatchAndMultipleTerms)
{
    const auto data = readTopologyText("top_dihedrals", molecule(R"(
[ dihedraltypes ]
; the first line with the most exact matches wins, in either direction
X  C  C  X   9   0.0  1.0  3
X  C  C  H   9  10.0  2.0  3
H  X  C  H   9  20.0  3.0  2
O  C  C  H   9  30.0  4.0  1
; a type-9 block: consecutive lines with the same types give one term each (k = 0 is dropped)
C  C  C  C   9   0.0  1.5  1
C  C  C  C   9 180.0  2.5  2
C  C  C  C   9   0.0  0.0  3
; the old two-atom forms: "C C 4" is X C C X, "O H 2" is O X X H
C  C  4   180.0  4.6  2
O  H  2    5.0  40.0
H  C  C  O   2  15.0  80.0
)", R"(
[ moleculetype ]
M 3
[ atoms ]
1 H 1 RES H1 1
2 C 1 RES C2 1
3 C 1 RES C3 1
4 H 1 RES H4 1
5 O 1 RES O5 1
6 C 1 RES C6 1
7 C 1 RES C7 1
[ dihedrals ]
1 2 3 4 9
1 2 3 5 9
6 2 3 7 9
6 2 3 7 1
1 2 3 4 9  45.0 7.0 2
6 2 3 5 9
1 2 3 6 4
5 2 3 1 2
5 1 6 4 2
)"));
    const auto& proper = data.system.bonded.properDihedrals;
    ASSERT_EQ(proper.size(), 8u);
    // H-C-C-H: "X C C H" and "H X C H" both have 3 exact matches; the first line wins.
    EXPECT_NEAR(proper[0].phi0, 10.0 * kDeg, 1e-15);
    EXPECT_DOUBLE_EQ(proper[0].k, 2.0);
    // H-C-C-O: "O C C H" matches backwards with 4 exact matches and beats the earlier lines.
    EXPECT_NEAR(proper[1].phi0, 30.0 * kDeg, 1e-15);
    EXPECT_EQ(proper[1].multiplicity, 1);
    // C-C-C-C: the block gives two terms (its zero-k line is dropped), for type 9 and type 1 alike.
    EXPECT_DOUBLE_EQ(proper[2].k, 1.5);
    EXPECT_EQ(proper[3].multiplicity, 2);
    EXPECT_NEAR(proper[3].phi0, 180.0 * kDeg, 1e-15);
    EXPECT_DOUBLE_EQ(proper[4].k, 1.5);
    EXPECT_DOUBLE_EQ(proper[5].k, 2.5);
    // Inline parameters override the types with a single term.
    EXPECT_NEAR(proper[6].phi0, 45.0 * kDeg, 1e-15);
    EXPECT_DOUBLE_EQ(proper[6].k, 7.0);
    EXPECT_EQ(proper[6].multiplicity, 2);
    EXPECT_EQ(proper[6].atoms, (std::array<int, 4>{0, 1, 2, 3}));
    // C-C-C-O: only "X C C X" matches.
    EXPECT_DOUBLE_EQ(proper[7].k, 1.0);
    EXPECT_EQ(proper[7].multiplicity, 3);

    const auto& periodicImpropers = data.system.bonded.periodicImpropers;
    ASSERT_EQ(periodicImpropers.size(), 1u);
    EXPECT_DOUBLE_EQ(periodicImpropers[0].k, 4.6);
    EXPECT_NEAR(periodicImpropers[0].phi0, 180.0 * kDeg, 1e-15);
    const auto& impropers = data.system.bonded.harmonicImpropers;
    ASSERT_EQ(impropers.size(), 2u);
    // O-C-C-H: "H C C O" (4 exact, backwards) beats the two-atom "O X X H" (2 exact).
    EXPECT_NEAR(impropers[0].xi0, 15.0 * kDeg, 1e-15);
    EXPECT_DOUBLE_EQ(impropers[0].k, 80.0);
    // O-H-C-H: only "O X X H" matches.
    EXPECT_NEAR(impropers[1].xi0, 5.0 * kDeg, 1e-15);
    EXPECT_DOUBLE_EQ(impropers[1].k, 40.0);
}

TEST(TopologyBonded, RyckaertBellemansAndZeroTorsionsDropped)
{
    const auto data = readTopologyText("top_rb", molecule(R"(
[ dihedraltypes ]
C C C H 3  1.0 2.0 3.0 4.0 5.0 6.0
H C C O 3  0 0 0 0 0 0
)", kAtoms + R"(
[ dihedrals ]
1 2 3 4 3
4 3 2 5 3
1 2 3 4 1 0.0 0.0 3
1 2 3 4 4 0.0 0.0 3
)"));
    const auto& rb = data.system.bonded.rbDihedrals;
    ASSERT_EQ(rb.size(), 1u);
    EXPECT_EQ(rb[0].c, (std::array<double, 6>{1, 2, 3, 4, 5, 6}));
    EXPECT_TRUE(data.system.bonded.properDihedrals.empty());
    EXPECT_TRUE(data.system.bonded.periodicImpropers.empty());
}

TEST(TopologyBonded, CmapGridOrderAndLookup)
{
    const auto data = readTopologyText("top_cmap", molecule(R"(
[ cmaptypes ]
C C C C C 1 2 2\
 1.0 2.0\
 3.0 4.0
H C C C O 1 2 2 -1 -2 -3 -4
)", R"(
[ moleculetype ]
M 3
[ atoms ]
1 C 1 RES C1 1
2 C 1 RES C2 1
3 C 1 RES C3 1
4 C 1 RES C4 1
5 C 1 RES C5 1
6 H 1 RES H6 1
7 O 1 RES O7 1
[ cmap ]
6 2 3 4 7 1
1 2 3 4 5
)"));
    const BondedTerms& b = data.system.bonded;
    ASSERT_EQ(b.cmapTorsions.size(), 2u);
    ASSERT_EQ(b.cmapGrids.size(), 2u); // grids in order of first use
    EXPECT_EQ(b.cmapTorsions[0].atoms, (std::array<int, 5>{5, 1, 2, 3, 6}));
    EXPECT_EQ(b.cmapTorsions[0].gridIndex, 0);
    EXPECT_EQ(b.cmapTorsions[1].gridIndex, 1);
    EXPECT_EQ(b.cmapGrids[0].energies, (std::vector<double>{-1, -2, -3, -4}));
    EXPECT_EQ(b.cmapGrids[1].gridSize, 2);
    EXPECT_EQ(b.cmapGrids[1].energies, (std::vector<double>{1, 2, 3, 4})); // file order, phi-major

    // CMAP types match forwards only.
    const InputError e = topologyError("top_cmap_reverse", molecule(R"(
[ cmaptypes ]
H C C C O 1 2 2 -1 -2 -3 -4
)", R"(
[ moleculetype ]
M 3
[ atoms ]
1 O 1 RES O1 1
2 C 1 RES C2 1
3 C 1 RES C3 1
4 C 1 RES C4 1
5 H 1 RES H5 1
[ cmap ]
1 2 3 4 5 1
)"));
    EXPECT_NE(e.message().find("unknown cmap torsion between atoms O C C C H"), std::string::npos) << e.what();
}

TEST(TopologyBonded, SettlesConstraintsExclusionsAndPositionRestraints)
{
    const auto data = readTopologyText("top_water", kSmallForceField + R"(
[ constrainttypes ]
C H 1 0.109
[ moleculetype ]
M 1
[ atoms ]
1 C 1 RES C1 1
2 H 1 RES H2 1
3 C 1 RES C3 1
4 C 1 RES C4 1
[ constraints ]
2 1 1
3 4 2 0.15
[ position_restraints ]
1 1 1000 2000 3000
2 1 0 0 0
[ moleculetype ]
SOL 2
[ atoms ]
1 O 1 SOL OW 1 -0.8
2 H 1 SOL HW1 1 0.4
3 H 1 SOL HW2 1 0.4
[ settles ]
1 1 0.09572 0.15139
[ exclusions ]
1 2 3
[ system ]
water
[ molecules ]
M 1
SOL 2
)");
    const System& s = data.system;
    ASSERT_EQ(s.numAtoms(), 10);
    ASSERT_EQ(s.constraints.size(), 2u);
    EXPECT_EQ(s.constraints[0].atoms, (std::array<int, 2>{1, 0}));
    EXPECT_DOUBLE_EQ(s.constraints[0].length, 0.109); // from [ constrainttypes ], reversed
    EXPECT_DOUBLE_EQ(s.constraints[1].length, 0.15);
    // Type 1 constraints connect atoms (exclusions), type 2 do not.
    EXPECT_EQ(s.exclusions[0], (std::vector<int>{1}));
    EXPECT_EQ(s.exclusions[2], (std::vector<int>{}));
    // Position restraints: reference left at zero; all-zero ones dropped as grompp does.
    ASSERT_EQ(s.bonded.positionRestraints.size(), 1u);
    EXPECT_EQ(s.bonded.positionRestraints[0].atom, 0);
    EXPECT_EQ(s.bonded.positionRestraints[0].k, (Vec3{1000, 2000, 3000}));
    EXPECT_EQ(s.bonded.positionRestraints[0].reference, Vec3{});
    // Two waters, numbered after the first molecule.
    ASSERT_EQ(s.settles.size(), 2u);
    EXPECT_EQ(s.settles[1].atoms, (std::array<int, 3>{7, 8, 9}));
    EXPECT_DOUBLE_EQ(s.settles[1].dOH, 0.09572);
    EXPECT_DOUBLE_EQ(s.settles[1].dHH, 0.15139);
    // H1-H2 is two settle O-H bonds apart (nrexcl 2); the explicit line adds only O-H pairs.
    EXPECT_EQ(s.exclusions[8], (std::vector<int>{7, 9}));
    EXPECT_NEAR(s.totalCharge(), 0.0, 1e-12);
    // Names and structure: the waters share one chain, each is a molecule.
    const Topology& t = data.topology;
    EXPECT_EQ(t.molecules.size(), 3u);
    EXPECT_EQ(t.molecules[2].firstAtom, 7);
    EXPECT_EQ(t.molecules[2].typeName, "SOL");
    EXPECT_EQ(t.chains.size(), 2u);
    EXPECT_EQ(t.chains[1].id, "SOL");
    EXPECT_EQ(t.chains[1].numResidues, 2);
    EXPECT_EQ(t.atoms[8].name, "HW1");
    EXPECT_EQ(t.describeAtom(8), "SOL1:HW1 (atom 9)");
    // Settles' O-H pairs are chemical bonds; the type-2 constraint is not.
    EXPECT_EQ(t.bonds.size(), 1u + 2u * 2u);
}

TEST(TopologyBonded, ExclusionsFollowNrexcl)
{
    // A chain 1-2-3-4-5 with an extra explicit exclusion 1-5.
    for (int nrexcl = 0; nrexcl <= 3; ++nrexcl) {
        const auto data = readTopologyText("top_nrexcl", kSmallForceField + "[ moleculetype ]\nM " +
                                                             std::to_string(nrexcl) + R"(
[ atoms ]
1 C 1 RES C1 1
2 C 1 RES C2 1
3 C 1 RES C3 1
4 C 1 RES C4 1
5 C 1 RES C5 1
[ bonds ]
1 2 1 0.15 1000
2 3 1 0.15 1000
3 4 1 0.15 1000
4 5 1 0.15 1000
[ exclusions ]
5 1
[ system ]
x
[ molecules ]
M 1
)");
        const auto& ex = data.system.exclusions;
        std::vector<int> first;
        for (int a = 1; a <= nrexcl; ++a) { first.push_back(a); }
        if (nrexcl < 4) {
            first.push_back(4);
        }
        EXPECT_EQ(ex[0], first) << "nrexcl " << nrexcl;
        std::vector<int> middle;
        for (int a = 0; a < 5; ++a) {
            if (a != 2 && std::abs(a - 2) <= nrexcl) {
                middle.push_back(a);
            }
        }
        EXPECT_EQ(ex[2], middle) << "nrexcl " << nrexcl;
    }
}

TEST(TopologyBonded, HBondConstraintsFollowAtomNames)
{
    const std::string top = kSmallForceField + R"(
[ moleculetype ]
M 3
[ atoms ]
1 C 1 RES C1 1
2 H 1 RES hx 1
3 C 1 RES C3 1
4 O 1 RES HO 1
5 C 1 RES CH 1
[ bonds ]
1 2 1 0.11 1000
1 3 1 0.15 1000
3 4 2 0.14 1000
3 5 1 0.16 1000
4 5 6 0.17 1000
[ system ]
x
[ molecules ]
M 2
)";
    TopologyReadOptions options;
    options.constraints = ConstraintMode::HBonds;
    auto data = readTopologyText("top_hbonds", top, options);
    // Atom names starting with H or h count as hydrogens (the type does not matter); type 6 stays.
    ASSERT_EQ(data.system.constraints.size(), 4u);
    EXPECT_EQ(data.system.constraints[0].atoms, (std::array<int, 2>{0, 1}));
    EXPECT_DOUBLE_EQ(data.system.constraints[0].length, 0.11);
    EXPECT_EQ(data.system.constraints[1].atoms, (std::array<int, 2>{2, 3})); // G96 bond to "HO"
    EXPECT_DOUBLE_EQ(data.system.constraints[1].length, 0.14);
    EXPECT_EQ(data.system.constraints[3].atoms, (std::array<int, 2>{7, 8})); // second copy
    EXPECT_EQ(data.system.bonded.harmonicBonds.size(), 2u * 3u);
    EXPECT_TRUE(data.system.bonded.g96Bonds.empty());
    // Constrained bonds still count for exclusions and Topology::bonds.
    EXPECT_EQ(data.system.exclusions[1], (std::vector<int>{0, 2, 3, 4}));
    EXPECT_EQ(data.topology.bonds.size(), 2u * 4u);

    options.constraints = ConstraintMode::AllBonds;
    data = readTopologyText("top_allbonds", top, options);
    EXPECT_EQ(data.system.constraints.size(), 2u * 4u);
    EXPECT_EQ(data.system.bonded.harmonicBonds.size(), 2u); // the type-6 bonds

    options.constraints = ConstraintMode::HAngles;
    EXPECT_THROW(readTopologyText("top_hangles", top, options), InputError);
}
