// The run configuration (TOML): reading every section, errors located in the TOML file, and the
// .mdp -> TOML conversion giving back the same run parameters.

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "proteinmd/io/run_config.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

// Same keys, and the same values: numerically where both are numbers (TOML rewrites 1e-5 as 1e-05).
void expectSameMdpValues(const std::map<std::string, std::string>& ours, const std::map<std::string, std::string>& mdp,
                         const std::string& label)
{
    ASSERT_EQ(ours.size(), mdp.size()) << label;
    for (const auto& [key, value] : mdp) {
        ASSERT_EQ(ours.count(key), 1u) << label << ": key " << key << " lost";
        const std::string& back = ours.at(key);
        char* endA = nullptr;
        char* endB = nullptr;
        const double a = std::strtod(value.c_str(), &endA);
        const double b = std::strtod(back.c_str(), &endB);
        if (*endA == '\0' && *endB == '\0' && endA != value.c_str()) {
            EXPECT_DOUBLE_EQ(a, b) << label << ": " << key;
        } else {
            EXPECT_EQ(back, value) << label << ": " << key;
        }
    }
}

const char* kConfig = R"(
[input]
topology = "topol.top"
coordinates = "conf.gro"
include_dirs = ["ff"]

[run]
steps = 5000
threads = 2
max_hours = 1.5

[output]
directory = "out"
energy_every = 100
xtc_every = 500
xtc_precision = 100
h5md_every = 1000
h5md_velocities = true
checkpoint_minutes = 5

[physics]
integrator = "md"
dt = 0.002
coulombtype = "PME"
rcoulomb = 0.9
rvdw = 0.9
tcoupl = "v-rescale"
tc-grps = "System"
tau-t = [1.0]
ref-t = [300]
constraints = "h-bonds"
)";

TEST(RunConfig, ReadsEverySection)
{
    Diagnostics diagnostics;
    const RunConfig c = parseRunConfig(kConfig, "/data/run.toml", diagnostics);
    EXPECT_EQ(c.inputs.topology, std::filesystem::path("/data/topol.top"));
    EXPECT_EQ(c.inputs.coordinates, std::filesystem::path("/data/conf.gro"));
    ASSERT_EQ(c.inputs.includeDirs.size(), 1u);
    EXPECT_EQ(c.inputs.includeDirs[0], std::filesystem::path("/data/ff"));
    ASSERT_TRUE(c.steps.has_value());
    EXPECT_EQ(*c.steps, 5000);
    EXPECT_EQ(c.threads, 2);
    EXPECT_DOUBLE_EQ(c.maxHours, 1.5);
    EXPECT_EQ(c.output.directory, std::filesystem::path("/data/out"));
    EXPECT_EQ(c.output.energyEvery, 100);
    EXPECT_EQ(c.output.xtcEvery, 500);
    EXPECT_DOUBLE_EQ(c.output.xtcPrecision, 100);
    EXPECT_EQ(c.output.h5mdEvery, 1000);
    EXPECT_TRUE(c.output.h5mdVelocities);
    EXPECT_DOUBLE_EQ(c.output.checkpointMinutes, 5);
    EXPECT_EQ(c.mdp.integrator, "md");
    EXPECT_DOUBLE_EQ(c.mdp.dt, 0.002);
    EXPECT_EQ(c.mdp.nonbonded.coulombType, CoulombType::Pme);
    EXPECT_DOUBLE_EQ(c.mdp.nonbonded.rcoulomb, 0.9);
    EXPECT_EQ(c.mdp.tcoupl, "v-rescale");
    ASSERT_EQ(c.mdp.refT.size(), 1u);
    EXPECT_DOUBLE_EQ(c.mdp.refT[0], 300);
    EXPECT_EQ(c.mdp.constraints, ConstraintMode::HBonds);
    EXPECT_TRUE(diagnostics.warnings.empty());
}

TEST(RunConfig, PhysicsErrorsPointAtTheTomlLine)
{
    Diagnostics diagnostics;
    const std::string text = "[input]\ntopology = \"t.top\"\ncoordinates = \"c.gro\"\n[physics]\ndt = 0.002\nrcoulomb = -1\n";
    try {
        parseRunConfig(text, "run.toml", diagnostics);
        FAIL() << "a negative cut-off must be refused";
    } catch (const InputError& e) {
        EXPECT_EQ(e.where().file, "run.toml");
        EXPECT_EQ(e.where().line, 6);
        EXPECT_NE(std::string(e.what()).find("rcoulomb"), std::string::npos) << e.what();
    }
}

TEST(RunConfig, TypeErrorsAndMissingInputsAreClear)
{
    Diagnostics diagnostics;
    try {
        parseRunConfig("[input]\ntopology = \"t.top\"\ncoordinates = \"c.gro\"\n[output]\nxtc_every = \"often\"\n",
                       "run.toml", diagnostics);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(e.where().line, 5);
        EXPECT_NE(std::string(e.what()).find("expected an integer, found a string"), std::string::npos) << e.what();
    }
    EXPECT_THROW(parseRunConfig("[input]\ntopology = \"t.top\"\n", "run.toml", diagnostics), InputError);
    try {
        parseRunConfig("[input\n", "bad.toml", diagnostics);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_EQ(e.where().line, 1);
        EXPECT_NE(std::string(e.what()).find("not valid TOML"), std::string::npos);
    }
}

TEST(RunConfig, UnknownKeysAndSectionsWarn)
{
    Diagnostics diagnostics;
    parseRunConfig("[input]\ntopology = \"t.top\"\ncoordinates = \"c.gro\"\ncolour = \"red\"\n[extras]\na = 1\n",
                   "run.toml", diagnostics);
    ASSERT_EQ(diagnostics.warnings.size(), 2u);
    EXPECT_NE(diagnostics.warnings[0].find("colour"), std::string::npos);
    EXPECT_NE(diagnostics.warnings[1].find("extras"), std::string::npos);
}

TEST(RunConfig, FromMdpRoundTripsTheSharedBenchmarkSettings)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    for (const std::string mdpName : {"bench.mdp", "energy.mdp", "energy_rf.mdp"}) {
        Diagnostics diagnostics;
        const MdpOptions mdp = readMdp(test::benchmarkDir("ala2_solvated") / mdpName, diagnostics);
        InputFiles inputs;
        inputs.topology = "topol.top";
        inputs.coordinates = "conf.gro";
        const std::string toml = runConfigTomlFromMdp(mdp, inputs);
        const RunConfig back = parseRunConfig(toml, "converted.toml", diagnostics);
        expectSameMdpValues(back.mdp.raw, mdp.raw, mdpName);
        EXPECT_EQ(back.mdp.integrator, mdp.integrator);
        EXPECT_DOUBLE_EQ(back.mdp.dt, mdp.dt);
        EXPECT_EQ(back.mdp.nsteps, mdp.nsteps);
        EXPECT_EQ(back.mdp.nonbonded.coulombType, mdp.nonbonded.coulombType);
        EXPECT_DOUBLE_EQ(back.mdp.nonbonded.rcoulomb, mdp.nonbonded.rcoulomb);
        EXPECT_EQ(back.mdp.nonbonded.vdwModifier, mdp.nonbonded.vdwModifier);
        EXPECT_EQ(back.mdp.nonbonded.dispersionCorrection, mdp.nonbonded.dispersionCorrection);
        EXPECT_EQ(back.mdp.nonbonded.fourierGrid, mdp.nonbonded.fourierGrid);
        EXPECT_EQ(back.mdp.tauT, mdp.tauT);
        EXPECT_EQ(back.mdp.refT, mdp.refT);
        EXPECT_EQ(back.mdp.constraints, mdp.constraints);
        EXPECT_EQ(back.output.energyEvery, mdp.nstenergy);
    }
}

} // namespace
