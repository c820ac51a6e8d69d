#include "proteinmd/perf/bench_systems.h"

#include <algorithm>

#include <fmt/format.h>

#include "proteinmd/core/error.h"
#include "proteinmd/io/npy.h"
#include "proteinmd/io/simulation_inputs.h"

namespace proteinmd {

namespace {

// LAMMPS lattice fcc 0.8442, 20 unit cells of a = (4 / 0.8442)^(1/3) sigma (reference.json).
constexpr double kLj32kBoxLength = 33.59192382765015;
constexpr double kLj32kPotentialPerAtom = -6.773368053; // epsilon, LAMMPS thermo at step 0

struct WaterCopies {
    const char* name;
    std::array<int, 3> copies;
    long long steps;
};
constexpr std::array<WaterCopies, 4> kWaterBoxes{{{"water-1k", {1, 1, 1}, 200},
                                                  {"water-10k", {2, 2, 1}, 50},
                                                  {"water-100k", {4, 4, 3}, 10},
                                                  {"water-1m", {8, 8, 7}, 3}}};

std::unique_ptr<BenchSystem> fromGromacsFolder(const std::string& name, const std::filesystem::path& dir)
{
    SimulationInputs in = loadGromacsInputs(InputFiles{dir / "system.top", dir / "system.gro", dir / "bench.mdp", {}, {}});
    auto b = std::make_unique<BenchSystem>();
    b->name = name;
    b->system = std::move(in.system);
    b->state = std::move(in.state);
    b->mdp = std::move(in.mdp);
    b->forceField = cpuRunForceFieldOptions(b->mdp); // what `proteinmd run` uses
    return b;
}

} // namespace

std::vector<std::string> benchmarkNames()
{
    std::vector<std::string> names{"lj32k", "dhfr", "dhfr_2x2x1"};
    for (const WaterCopies& w : kWaterBoxes) {
        names.emplace_back(w.name);
    }
    return names;
}

std::unique_ptr<BenchSystem> makeLjFluid(const std::filesystem::path& initialStateNpy, double boxLength)
{
    std::vector<std::size_t> shape;
    const std::vector<double> data = readNpy(initialStateNpy, shape);
    if (shape.size() != 2 || shape[1] != 6 || shape[0] == 0) {
        throw InputError(SourceLocation{initialStateNpy.string(), 0, {}},
                         fmt::format("expected an N x 6 array (x y z vx vy vz), found shape of {} dimensions{}",
                                     shape.size(), shape.size() == 2 ? fmt::format(" ({} x {})", shape[0], shape[1]) : ""));
    }
    const std::size_t n = shape[0];
    auto b = std::make_unique<BenchSystem>();
    b->name = "lj32k";
    System& s = b->system;
    s.masses.assign(n, 1.0);
    s.charges.assign(n, 0.0);
    s.ljTypes.assign(n, 0);
    s.numLjTypes = 1;
    s.c6 = {4.0};  // 4 epsilon sigma^6
    s.c12 = {4.0}; // 4 epsilon sigma^12
    s.exclusions.assign(n, {});
    b->state.box = Box::rectangular(boxLength, boxLength, boxLength);
    b->state.positions.resize(n);
    b->state.velocities.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double* row = &data[6 * i];
        b->state.positions[i] = {row[0], row[1], row[2]};
        b->state.velocities[i] = {row[3], row[4], row[5]};
    }
    MdpOptions& mdp = b->mdp;
    mdp.integrator = "md-vv";
    mdp.dt = 0.005;
    mdp.commMode = "None"; // LAMMPS fix nve leaves the centre of mass alone
    mdp.nstcomm = 0;
    mdp.continuation = true;
    mdp.nonbonded.periodic = true;
    mdp.nonbonded.coulombType = CoulombType::CutOff;
    mdp.nonbonded.coulombModifier = InteractionModifier::None;
    mdp.nonbonded.vdwModifier = InteractionModifier::None;
    mdp.nonbonded.rcoulomb = 2.5;
    mdp.nonbonded.rvdw = 2.5;
    mdp.nonbonded.dispersionCorrection = DispersionCorrectionType::No;
    mdp.nstlist = 50;
    // LAMMPS uses a 0.3 sigma skin rebuilt every 20 steps; our exact displacement checks rebuild
    // when needed. Measured at 2 threads with the uniform-LJ kernel (ms/step, builds per 100 steps,
    // no pruning): buffer 0.3: 1.80-1.98 (13.7); 0.35: 1.73-1.74 (12); 0.4: 1.66-1.72 (10.3); 0.5:
    // 1.63-1.69 (8); 0.6: 1.75-1.76 (7.7); 0.7: 1.71-1.77 (6.3). Pruned 0.5 / 0.15: 1.89 (31 prunes),
    // 0.6 / 0.2: 1.84. Dense LJ has few pairs beyond the cut-off to prune away, so a prune (about
    // one kernel call here) does not pay for itself.
    b->forceField.nstlist = 50;
    b->forceField.buffer = 0.5;
    b->forceField.pruneBuffer = -1;
    b->forceField.nstprune = 10;
    b->referencePotentialPerAtom = kLj32kPotentialPerAtom;
    b->defaultSteps = 100;
    b->defaultWarmup = 20;
    return b;
}

void replicateWaters(const System& source, const State& sourceState, std::array<int, 3> copies, System& system,
                     State& state)
{
    if (source.settles.empty()) {
        throw SetupError("water box: the source system has no rigid waters (settles)");
    }
    if (!sourceState.box.isPeriodic() || !sourceState.box.isRectangular()) {
        throw SetupError("water box: the source box must be periodic and rectangular");
    }
    if (copies[0] < 1 || copies[1] < 1 || copies[2] < 1) {
        throw SetupError(fmt::format("water box: copies must be >= 1, got {} x {} x {}", copies[0], copies[1], copies[2]));
    }
    const Matrix3& v = sourceState.box.vectors();
    const std::size_t numCopies = static_cast<std::size_t>(copies[0]) * copies[1] * copies[2];
    const std::size_t n = 3 * source.settles.size() * numCopies;
    system = System{};
    system.numLjTypes = source.numLjTypes;
    system.c6 = source.c6;
    system.c12 = source.c12;
    system.combinationRule = source.combinationRule;
    system.fudgeLJ = source.fudgeLJ;
    system.fudgeQQ = source.fudgeQQ;
    system.masses.reserve(n);
    system.charges.reserve(n);
    system.ljTypes.reserve(n);
    system.exclusions.reserve(n);
    system.settles.reserve(n / 3);
    state = State{};
    state.positions.reserve(n);
    state.box = Box::rectangular(v[0][0] * copies[0], v[1][1] * copies[1], v[2][2] * copies[2]);
    for (int i = 0; i < copies[0]; ++i) {
        for (int j = 0; j < copies[1]; ++j) {
            for (int k = 0; k < copies[2]; ++k) {
                const Vec3 shift = static_cast<double>(i) * v[0] + static_cast<double>(j) * v[1] + static_cast<double>(k) * v[2];
                for (const SettleGroup& w : source.settles) {
                    const int first = system.numAtoms();
                    SettleGroup copy = w;
                    for (int a = 0; a < 3; ++a) {
                        const auto src = static_cast<std::size_t>(w.atoms[static_cast<std::size_t>(a)]);
                        system.masses.push_back(source.masses[src]);
                        system.charges.push_back(source.charges[src]);
                        system.ljTypes.push_back(source.ljTypes[src]);
                        state.positions.push_back(sourceState.positions[src] + shift);
                        copy.atoms[static_cast<std::size_t>(a)] = first + a;
                    }
                    system.exclusions.push_back({first + 1, first + 2});
                    system.exclusions.push_back({first, first + 2});
                    system.exclusions.push_back({first, first + 1});
                    system.settles.push_back(copy);
                }
            }
        }
    }
}

std::unique_ptr<BenchSystem> makeBenchSystem(const std::string& name, const std::filesystem::path& benchmarksDir)
{
    if (name == "lj32k") {
        return makeLjFluid(benchmarksDir / "lj32k" / "initial_state.npy", kLj32kBoxLength);
    }
    if (name == "dhfr" || name == "dhfr_2x2x1") {
        auto b = fromGromacsFolder(name, benchmarksDir / name);
        b->defaultSteps = name == "dhfr" ? 50 : 15;
        b->defaultWarmup = 10;
        return b;
    }
    for (const WaterCopies& w : kWaterBoxes) {
        if (name == w.name) {
            auto source = fromGromacsFolder(name, benchmarksDir / "ala2_solvated");
            auto b = std::make_unique<BenchSystem>();
            b->name = name;
            replicateWaters(source->system, source->state, w.copies, b->system, b->state);
            b->mdp = source->mdp;
            b->forceField = source->forceField;
            b->defaultSteps = w.steps;
            b->defaultWarmup = w.steps >= 50 ? 10 : 2;
            return b;
        }
    }
    std::string known;
    for (const std::string& n : benchmarkNames()) {
        known += (known.empty() ? "" : ", ") + n;
    }
    throw SetupError(fmt::format("unknown benchmark '{}'; known: {}", name, known));
}

} // namespace proteinmd
