// The reference backend against GROMACS double precision (gmx_d mdrun -rerun), term by term and
// force by force, on every reference case (shared/benchmarks systems and tests/refdata cases).
// Acceptance (issue: foundation): each term within 1e-6 relative or 1e-4 kJ/mol absolute; forces
// within 1e-5 relative RMS (gmx_d's forces are printed with 6 significant digits).

#include <gtest/gtest.h>

#include <cmath>

#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/io/npy.h"
#include "proteinmd/io/simulation_inputs.h"
#include "test_support/reference_cases.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

constexpr double kRelativeTolerance = 1e-6;
constexpr double kAbsoluteTolerance = 1e-4; // kJ/mol, for small terms
constexpr double kForceRelativeRms = 1e-5;

class ReferenceEnergies : public ::testing::TestWithParam<test::ReferenceCase> {};

double relativeRms(const std::vector<Vec3>& ours, const std::vector<double>& reference)
{
    double diff2 = 0;
    double ref2 = 0;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        for (int d = 0; d < 3; ++d) {
            const double r = reference[3 * i + static_cast<std::size_t>(d)];
            diff2 += (ours[i][d] - r) * (ours[i][d] - r);
            ref2 += r * r;
        }
    }
    return std::sqrt(diff2 / ref2);
}

TEST_P(ReferenceEnergies, TermsAndForcesMatchGromacsDouble)
{
    const test::ReferenceCase& c = GetParam();
    if (c.needsShared) {
        PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    }
    ASSERT_FALSE(c.energies.empty()) << "no reference energies for " << c.name;

    SimulationInputs inputs = loadGromacsInputs(InputFiles{c.topology, c.coordinates, c.mdp, {}, c.restraintCoordinates});
    ReferenceForceField forceField(inputs.system, inputs.mdp.nonbonded, inputs.state.box);
    ForceOutput out;
    forceField.compute(inputs.state.positions, inputs.state.box, out);

    for (const auto& [key, reference] : c.energies) {
        double ours = 0;
        if (key == "total") {
            ours = out.energies.total();
        } else {
            bool known = false;
            for (std::size_t t = 0; t < kNumEnergyTerms; ++t) {
                if (energyTermKey(static_cast<EnergyTerm>(t)) == key) {
                    ours = out.energies.values[t];
                    known = true;
                }
            }
            ASSERT_TRUE(known) << "reference term '" << key << "' has no proteinmd counterpart";
        }
        const double tolerance = std::max(kRelativeTolerance * std::abs(reference), kAbsoluteTolerance);
        EXPECT_NEAR(ours, reference, tolerance) << c.name << ": term " << key;
    }
    // Terms we compute must appear in the reference unless they are zero (e.g. no impropers).
    for (std::size_t t = 0; t < kNumEnergyTerms; ++t) {
        const std::string key(energyTermKey(static_cast<EnergyTerm>(t)));
        if (out.energies.present[t] && c.energies.count(key) == 0) {
            EXPECT_NEAR(out.energies.values[t], 0.0, kAbsoluteTolerance)
                << c.name << ": we report " << key << " but the reference has no such term";
        }
    }

    if (c.forcesFile && std::filesystem::exists(*c.forcesFile)) {
        std::vector<std::size_t> shape;
        const std::vector<double> reference = readNpy(*c.forcesFile, shape);
        ASSERT_EQ(shape.size(), 2u);
        ASSERT_EQ(static_cast<int>(shape[0]), inputs.system.numAtoms());
        const double rms = relativeRms(out.forces, reference);
        EXPECT_LT(rms, kForceRelativeRms) << c.name << ": forces relative RMS " << rms;
        RecordProperty("force_relative_rms", std::to_string(rms));
    }
}

std::string caseName(const ::testing::TestParamInfo<test::ReferenceCase>& info)
{
    std::string name = info.param.name;
    for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) {
            ch = '_';
        }
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(AllCases, ReferenceEnergies, ::testing::ValuesIn(test::allReferenceCases()), caseName);

} // namespace
