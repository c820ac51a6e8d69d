// Topology reader on the team's reference systems (shared/benchmarks): atom counts, charges and
// term counts against the independent OpenMM cross-check in each build_openmm.json; and how long
// reading the 23,558-atom DHFR topology takes (printed, not asserted).

#include <chrono>
#include <cmath>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "proteinmd/io/topology_reader.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

struct Reference {
    const char* name;
    int atoms;
    double charge;
};

void checkAgainstOpenMmCounts(const Reference& ref)
{
    const auto dir = test::benchmarkDir(ref.name);
    const nlohmann::json info = nlohmann::json::parse(std::ifstream(dir / "build_openmm.json"));
    TopologyReadOptions options;
    options.constraints = info.at("constraints") == "hbonds" ? ConstraintMode::HBonds : ConstraintMode::None;
    const TopologyData data = readGromacsTopology(dir / "system.top", options);
    const System& s = data.system;

    EXPECT_EQ(s.numAtoms(), ref.atoms);
    EXPECT_EQ(s.numAtoms(), info.at("n_atoms").get<int>());
    EXPECT_NEAR(s.totalCharge(), ref.charge, 1e-6);
    const auto& counts = info.at("counts");
    const BondedTerms& b = s.bonded;
    EXPECT_EQ(b.harmonicBonds.size(), counts.at("HarmonicBondForce").get<std::size_t>());
    EXPECT_EQ(b.harmonicAngles.size(), counts.at("HarmonicAngleForce").get<std::size_t>());
    // OpenMM holds proper dihedrals and periodic impropers in one PeriodicTorsionForce.
    EXPECT_EQ(b.properDihedrals.size() + b.periodicImpropers.size(),
              counts.at("PeriodicTorsionForce").get<std::size_t>());
    EXPECT_EQ(b.pairs.size(), info.at("vs_gromacs_top").at("n_14_pairs_top").get<std::size_t>());
    // OpenMM's exceptions are the excluded pairs (1-4 pairs included); settles are 3 constraints each.
    std::size_t excludedPairs = 0;
    for (const auto& list : s.exclusions) { excludedPairs += list.size(); }
    EXPECT_EQ(excludedPairs / 2, counts.at("NonbondedForce_exceptions").get<std::size_t>());
    EXPECT_EQ(s.constraints.size() + 3 * s.settles.size(), counts.at("constraints").get<std::size_t>());
    EXPECT_TRUE(b.g96Bonds.empty() && b.ureyBradleyAngles.empty() && b.cmapTorsions.empty() && b.rbDihedrals.empty());
    EXPECT_EQ(data.topology.numAtoms(), s.numAtoms());
    for (const auto& w : data.diagnostics.warnings) {
        EXPECT_EQ(w.find("non-integer"), std::string::npos) << w;
    }
}

} // namespace

TEST(TopologyBenchmarks, Ala2Vacuum)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    checkAgainstOpenMmCounts({"ala2_vacuum", 22, 0.0});
    // Hand-checked against system.top: 21 bonds, 36 angles, 41 pairs, 38 + 4 torsion terms.
    const TopologyData data = readGromacsTopology(test::benchmarkDir("ala2_vacuum") / "system.top");
    EXPECT_EQ(data.system.bonded.properDihedrals.size(), 38u);
    EXPECT_EQ(data.system.bonded.periodicImpropers.size(), 4u);
    EXPECT_EQ(data.topology.residues.size(), 3u);
    EXPECT_EQ(data.topology.residues[1].name, "ALA");
    EXPECT_EQ(data.topology.chains.size(), 1u);
    EXPECT_EQ(data.topology.chains[0].id, "Protein_chain_A");
    EXPECT_EQ(data.topology.title, "Protein");
}

TEST(TopologyBenchmarks, Ala2Solvated)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    checkAgainstOpenMmCounts({"ala2_solvated", 2269, 0.0});
}

TEST(TopologyBenchmarks, DhfrVacuum)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    checkAgainstOpenMmCounts({"dhfr_vacuum", 2489, -11.0});
}

TEST(TopologyBenchmarks, DhfrSolvatedAndReadTime)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    checkAgainstOpenMmCounts({"dhfr", 23558, -11.0});
    TopologyReadOptions options;
    options.constraints = ConstraintMode::HBonds;
    const auto start = std::chrono::steady_clock::now();
    const TopologyData data = readGromacsTopology(test::benchmarkDir("dhfr") / "system.top", options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("[ timing   ] reading dhfr/system.top (%d atoms): %.1f ms\n", data.system.numAtoms(), 1e3 * seconds);
    EXPECT_EQ(data.system.settles.size(), 7023u);
    EXPECT_EQ(data.topology.molecules.size(), 7024u);
}
