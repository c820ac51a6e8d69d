// runSimulation end to end on alanine dipeptide in vacuum (22 atoms, fast): bit-exact continuation
// through checkpoints, a stop request (what SIGINT/SIGTERM do) and resume, safe failure on
// overlapping atoms, minimisation.

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "proteinmd/io/checkpoint.h"
#include "proteinmd/io/gro.h"
#include "proteinmd/io/xtc.h"
#include "proteinmd/simulation/run.h"
#include "proteinmd/simulation/run_outputs.h"
#include "proteinmd/simulation/stability.h"
#include "test_support/test_paths.h"

namespace proteinmd {
namespace {

namespace fs = std::filesystem;

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// ala2 in vacuum (30 nm box, plain cut-off covering every pair), bonds to H constrained, 2 fs.
RunConfig ala2VacuumConfig(const fs::path& out, const std::string& integrator, const std::string& tcoupl,
                           const std::string& extraMdp, std::int64_t steps)
{
    const fs::path dir = test::benchmarkDir("ala2_vacuum");
    const std::string mdp = "integrator = " + integrator + R"(
dt = 0.002
pbc = xyz
coulombtype = Cut-off
rcoulomb = 10.0
rvdw = 10.0
coulomb-modifier = None
vdw-modifier = None
constraints = h-bonds
gen-vel = yes
gen-temp = 300
gen-seed = 7
ld-seed = 11
nstcomm = 10
tc-grps = System
tau-t = 0.1
ref-t = 300
tcoupl = )" + tcoupl + "\n" + extraMdp;
    Diagnostics diagnostics;
    RunConfig config;
    config.mdp = parseMdp(mdp, "test.mdp", diagnostics);
    config.inputs.topology = dir / "system.top";
    config.inputs.coordinates = dir / "system.gro";
    config.output.directory = out;
    config.output.energyEvery = 1;
    config.output.logEvery = 5;
    config.output.xtcEvery = 3;
    config.output.dcdEvery = 4;
    config.output.trrEvery = 5;
    config.output.checkpointMinutes = 0;
    config.steps = steps;
    return config;
}

// ala2 in a water box (2,269 atoms, PME, 0.9 nm cut-offs, h-bonds, 2 fs): periodic and rectangular,
// so the CPU backend takes its fast path (cluster pair list, SIMD kernels, threaded PME).
RunConfig ala2WaterConfig(const fs::path& out, const std::string& integrator, const std::string& tcoupl,
                          const std::string& extraMdp, std::int64_t steps)
{
    const fs::path dir = test::benchmarkDir("ala2_solvated");
    const std::string mdp = "integrator = " + integrator + R"(
dt = 0.002
pbc = xyz
nstlist = 10
coulombtype = PME
rcoulomb = 0.9
rvdw = 0.9
fourierspacing = 0.12
ewald-rtol = 1e-5
constraints = h-bonds
gen-vel = yes
gen-temp = 300
gen-seed = 7
ld-seed = 11
nstcomm = 10
tc-grps = System
tau-t = 0.1
ref-t = 300
tcoupl = )" + tcoupl + "\n" + extraMdp;
    RunConfig config = ala2VacuumConfig(out, integrator, tcoupl, "", steps); // output settings
    Diagnostics diagnostics;
    config.mdp = parseMdp(mdp, "test.mdp", diagnostics);
    config.inputs.topology = dir / "system.top";
    config.inputs.coordinates = dir / "system.gro";
    config.threads = 2;
    return config;
}

class Silent : public RunObserver {};

// Stops the run (as the signal handler does) once it has reached a given step.
class StopAt : public RunObserver {
public:
    StopAt(std::int64_t step, std::atomic<bool>& flag) : step_(step), flag_(flag) {}
    void progress(const ProgressInfo& info) override
    {
        if (info.step >= step_) {
            flag_.store(true);
        }
    }

private:
    std::int64_t step_;
    std::atomic<bool>& flag_;
};

void expectSameRun(const fs::path& a, const fs::path& b)
{
    for (const char* name : {"energy.csv", "traj.xtc", "traj.dcd", "traj.trr", "confout.gro"}) {
        ASSERT_TRUE(fs::exists(a / name)) << name;
        EXPECT_EQ(readFile(a / name), readFile(b / name)) << name << " differs";
    }
    const Checkpoint ca = readCheckpoint(a / kCheckpointFile);
    const Checkpoint cb = readCheckpoint(b / kCheckpointFile);
    EXPECT_EQ(ca.step, cb.step);
    EXPECT_EQ(ca.positions, cb.positions); // bit for bit
    EXPECT_EQ(ca.velocities, cb.velocities);
    EXPECT_EQ(ca.realState, cb.realState);
    EXPECT_EQ(ca.outputs, cb.outputs);
}

struct ContinuationCase {
    std::string integrator;
    std::string tcoupl;
    std::string extraMdp; // e.g. barostat keys
    std::string backend = "reference"; // "cpu": on the water box (ala2WaterConfig)
    std::string label;                 // tells cases with the same integrator and thermostat apart

    std::string name() const
    {
        std::string text = backend + "_" + integrator + "_" + tcoupl + (label.empty() ? "" : "_" + label);
        for (char& ch : text) {
            if (ch == '-') {
                ch = '_';
            }
        }
        return text;
    }
};

void PrintTo(const ContinuationCase& c, std::ostream* os) { *os << c.name(); }

class RunContinuation : public ::testing::TestWithParam<ContinuationCase> {};

// 40 steps in one run == 13 steps, then --resume to 40, bit for bit (energies, trajectories, state).
// The split is off the pair-list period (nstlist 20 for the CPU backend), so the resumed leg must
// carry on the list the first leg built.
TEST_P(RunContinuation, TwoLegsThroughACheckpointEqualOneRun)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const ContinuationCase& c = GetParam();
    const std::string tag = c.name();
    const fs::path one = test::scratchDir("run_continuation_one_" + tag);
    const fs::path two = test::scratchDir("run_continuation_two_" + tag);
    const auto config = [&](const fs::path& out, std::int64_t steps) {
        RunConfig made = c.backend == "cpu" ? ala2WaterConfig(out, c.integrator, c.tcoupl, c.extraMdp, steps)
                                            : ala2VacuumConfig(out, c.integrator, c.tcoupl, c.extraMdp, steps);
        if (c.label.rfind("dodecahedron", 0) == 0) {
            // The same settings for ala2 solvated in a rhombic dodecahedron (a triclinic box).
            const fs::path dir = test::refdataDir() / "pme_dodecahedron_ala2";
            made.inputs.topology = dir / "topol.top";
            made.inputs.coordinates = dir / "conf.gro";
        }
        return made;
    };
    Silent silent;
    RunControl control;
    control.backend = c.backend;
    RunResult full = runSimulation(config(one, 40), control, silent);
    EXPECT_EQ(full.lastStep, 40);

    RunResult first = runSimulation(config(two, 13), control, silent);
    EXPECT_EQ(first.lastStep, 13);
    RunControl resume = control;
    resume.resume = true;
    RunResult second = runSimulation(config(two, 40), resume, silent);
    EXPECT_EQ(second.firstStep, 13);
    EXPECT_EQ(second.lastStep, 40);
    expectSameRun(one, two);
    EXPECT_EQ(XtcReader::countFrames(two / "traj.xtc"), 14); // steps 0, 3, ..., 39
    if (c.backend == "cpu") {
        EXPECT_NE(readFile(one / kLogFile).find("fast path"), std::string::npos) << "the CPU fast path was not used";
        EXPECT_TRUE(readCheckpoint(two / kCheckpointFile).realState.count("cpu_ff.list_positions"));
    }
}

// Adding a dynamics case is one line here.
// CPU backend: the default buffer (max(estimate, 0.1 nm), nstlist 20) rebuilds on the step count;
// the explicit 0.005 nm buffer ("small_buffer") rebuilds on the displacement check at odd steps;
// "dodecahedron_crescale" runs a triclinic box whose size the barostat changes.
INSTANTIATE_TEST_SUITE_P(
    Integrators, RunContinuation,
    ::testing::Values(
        ContinuationCase{"md", "v-rescale", "", "reference", ""}, ContinuationCase{"md-vv", "v-rescale", "", "reference", ""},
        ContinuationCase{"md", "no", "", "reference", ""}, ContinuationCase{"md", "nose-hoover", "", "reference", ""},
        ContinuationCase{"md-vv", "nose-hoover", "nh-chain-length = 4\n", "reference", ""},
        ContinuationCase{"sd", "no", "", "reference", ""},
        ContinuationCase{"md", "v-rescale",
                         "pcoupl = C-rescale\ntau-p = 0.5\nref-p = 1\ncompressibility = 4.5e-5\nnstpcouple = 5\n",
                         "reference", "crescale"},
        ContinuationCase{"md", "v-rescale", "mc-barostat = yes\nref-p = 1\nnstpcouple = 5\n", "reference", "mc"},
        ContinuationCase{"md", "v-rescale", "", "cpu", ""}, ContinuationCase{"md-vv", "v-rescale", "", "cpu", ""},
        ContinuationCase{"md", "v-rescale", "verlet-buffer-tolerance = -1\nrlist = 0.905\n", "cpu", "small_buffer"},
        ContinuationCase{"md", "v-rescale",
                         "pcoupl = C-rescale\ntau-p = 0.5\nref-p = 1\ncompressibility = 4.5e-5\nnstpcouple = 5\n",
                         "cpu", "crescale"},
        ContinuationCase{"md", "v-rescale",
                         "pcoupl = C-rescale\ntau-p = 0.5\nref-p = 1\ncompressibility = 4.5e-5\nnstpcouple = 5\n",
                         "cpu", "dodecahedron_crescale"}),
    [](const auto& paramInfo) { return paramInfo.param.name(); });

// A stop request (SIGINT/SIGTERM) ends the run with a checkpoint; resuming gives the uninterrupted run.
TEST(RunSimulation, StopRequestCheckpointsAndResumeContinuesExactly)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const fs::path one = test::scratchDir("run_stop_one");
    const fs::path two = test::scratchDir("run_stop_two");
    Silent silent;
    runSimulation(ala2VacuumConfig(one, "md", "v-rescale", "", 30), RunControl{}, silent);

    std::atomic<bool> flag{false};
    StopAt stopAt(13, flag);
    RunControl control;
    control.stopRequested = &flag;
    RunResult stopped = runSimulation(ala2VacuumConfig(two, "md", "v-rescale", "", 30), control, stopAt);
    EXPECT_EQ(stopped.outcome, RunOutcome::Interrupted);
    EXPECT_EQ(stopped.lastStep, 13);
    EXPECT_EQ(readCheckpoint(two / kCheckpointFile).step, 13);
    EXPECT_FALSE(fs::exists(two / "confout.gro")); // only a complete run writes final coordinates

    RunControl resume;
    resume.resume = true;
    runSimulation(ala2VacuumConfig(two, "md", "v-rescale", "", 30), resume, silent);
    expectSameRun(one, two);
}

// max_hours: the run stops by itself with a checkpoint; resuming to a length gives the uninterrupted run.
TEST(RunSimulation, MaxHoursStopsWithACheckpointThatResumesExactly)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const fs::path limited = test::scratchDir("run_maxh_limited");
    Silent silent;
    RunConfig config = ala2VacuumConfig(limited, "md", "v-rescale", "", 10000000); // far more than 0.1 s allows
    config.maxHours = 0.1 / 3600.0;
    const RunResult stopped = runSimulation(config, RunControl{}, silent);
    EXPECT_EQ(stopped.outcome, RunOutcome::TimeLimit);
    EXPECT_LT(stopped.wallSeconds, 5.0);
    EXPECT_EQ(readCheckpoint(limited / kCheckpointFile).step, stopped.lastStep);

    const std::int64_t total = stopped.lastStep + 7;
    RunControl resume;
    resume.resume = true;
    runSimulation(ala2VacuumConfig(limited, "md", "v-rescale", "", total), resume, silent);
    const fs::path one = test::scratchDir("run_maxh_one");
    runSimulation(ala2VacuumConfig(one, "md", "v-rescale", "", total), RunControl{}, silent);
    expectSameRun(one, limited);

    // A checkpoint beyond the requested length is an error, not a silent no-op.
    EXPECT_THROW(runSimulation(ala2VacuumConfig(limited, "md", "v-rescale", "", total - 1), resume, silent),
                 SetupError);
}

// Two atoms on top of each other: the run stops at step 0 naming them, leaves no NaN in energy.csv.
TEST(RunSimulation, OverlappingAtomsStopWithTheAtomsNamed)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const fs::path out = test::scratchDir("run_blowup");
    CoordinateFrame frame = readGro(test::benchmarkDir("ala2_vacuum") / "system.gro");
    // NME3:CH3 (atom 19) onto ACE1:O (atom 6): not bonded, so nothing excludes their LJ/Coulomb pair.
    frame.positions[18] = frame.positions[5] + Vec3{1e-4, 0, 0};
    writeGro(out / "overlap.gro", frame, 4);
    RunConfig config = ala2VacuumConfig(out / "run", "md", "no", "", 20);
    config.mdp.constraints = ConstraintMode::None;
    config.inputs.coordinates = out / "overlap.gro";
    Silent silent;
    try {
        runSimulation(config, RunControl{}, silent);
        FAIL() << "expected a SimulationError";
    } catch (const SimulationError& e) {
        EXPECT_EQ(e.step(), 0);
        const std::string text = e.what();
        const bool atom6 = std::find(e.atoms().begin(), e.atoms().end(), 5) != e.atoms().end();
        const bool atom19 = std::find(e.atoms().begin(), e.atoms().end(), 18) != e.atoms().end();
        EXPECT_TRUE(atom6 && atom19) << text;
        EXPECT_NE(text.find("(atom 6)"), std::string::npos) << text;
        EXPECT_NE(text.find("(atom 19)"), std::string::npos) << text;
        EXPECT_NE(text.find("overlapping atoms"), std::string::npos) << text;
    }
    const std::string csv = fs::exists(out / "run" / "energy.csv") ? readFile(out / "run" / "energy.csv") : "";
    EXPECT_EQ(csv.find("nan"), std::string::npos);
    EXPECT_EQ(csv.find("inf"), std::string::npos);
    EXPECT_NE(readFile(out / "run" / kLogFile).find("unstable"), std::string::npos);
}

// integrator = steep minimises and writes the final structure, its energies and Fmax in the log.
TEST(RunSimulation, SteepMinimisesAndWritesFinalCoordinates)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const fs::path out = test::scratchDir("run_steep");
    RunConfig config = ala2VacuumConfig(out, "steep", "no", "emtol = 100\n", 50);
    config.mdp.constraints = ConstraintMode::None;
    Silent silent;
    const RunResult result = runSimulation(config, RunControl{}, silent);
    ASSERT_TRUE(result.minimization.has_value());
    EXPECT_LE(result.minimization->steps, 50);
    const CoordinateFrame start = readGro(test::benchmarkDir("ala2_vacuum") / "system.gro");
    const CoordinateFrame final = readGro(out / "confout.gro");
    ASSERT_EQ(final.numAtoms(), 22);
    EXPECT_NE(final.positions, start.positions);
    EXPECT_TRUE(fs::exists(out / "confout.pdb"));
    const std::string log = readFile(out / kLogFile);
    EXPECT_NE(log.find("Fmax"), std::string::npos);
    const std::string csv = readFile(out / "energy.csv");
    EXPECT_NE(csv.find(std::to_string(result.minimization->steps) + ","), std::string::npos);
}

TEST(RunSimulation, UnwritableOutputFolderIsAClearErrorBeforeAnyWork)
{
    const fs::path dir = test::scratchDir("run_unwritable");
    std::ofstream(dir / "afile") << "x";
    EXPECT_THROW(prepareOutputDirectory(dir / "afile" / "sub"), Error);
    if (geteuid() != 0) { // root writes anywhere
        fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
        EXPECT_THROW(prepareOutputDirectory(dir), Error);
        fs::permissions(dir, fs::perms::owner_all);
    }
}

} // namespace
} // namespace proteinmd
