#pragma once
// The named benchmark systems of `proteinmd bench`, built from the team's reference folder
// (shared/benchmarks):
//   lj32k       the LAMMPS LJ-fluid benchmark (32,000 atoms) in reduced units mapped one to one onto
//               proteinmd's: sigma = 1 nm, epsilon = 1 kJ/mol, m = 1 amu, so tau = sigma sqrt(m/epsilon)
//               = 1 ps and dt = 0.005 tau = 0.005 ps; c6 = c12 = 4 epsilon sigma^6 (resp. ^12) = 4;
//               rc = 2.5 nm plain cut (no shift), list buffer 0.6 nm pruned to 0.1 nm (exact checks;
//               LAMMPS: skin 0.3 every 20 steps), NVE
//               velocity Verlet from LAMMPS's step-0 positions and velocities (initial_state.npy).
//   dhfr, dhfr_2x2x1   system.top + system.gro + bench.mdp (leap-frog, PME, h-bond LINCS, SETTLE, v-rescale)
//   water-1k, water-10k, water-100k, water-1m   periodic copies of ala2_solvated's 749 TIP3P waters
//               (peptide removed) on 1x1x1, 2x2x1, 4x4x3, 8x8x7 copies of its box: 2,247, 8,988,
//               107,856 and 1,006,656 atoms (the names give the size class; a single copy is the
//               smallest box the 0.9 nm cut-off allows), with ala2_solvated's bench.mdp settings.

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proteinmd/backends/cpu_force_field.h"
#include "proteinmd/core/state.h"
#include "proteinmd/core/system.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd {

struct BenchSystem {
    std::string name;
    System system;
    State state;
    MdpOptions mdp;                    // integrator, dt, thermostat, constraints, non-bonded settings
    CpuForceFieldOptions forceField;   // list buffer and lifetime (threads set by the runner)
    std::optional<double> referencePotentialPerAtom; // step-0 check (lj32k: LAMMPS's -6.773368053)
    long long defaultSteps = 100;      // timed steps per repeat
    int defaultWarmup = 10;
};

std::vector<std::string> benchmarkNames();

// Builds a named system from `benchmarksDir` (the shared/benchmarks folder). Throws SetupError for an
// unknown name (listing the known ones) and InputError for missing or malformed files.
std::unique_ptr<BenchSystem> makeBenchSystem(const std::string& name, const std::filesystem::path& benchmarksDir);

// The LJ fluid from LAMMPS's state file (N x 6: x y z vx vy vz); box edge in sigma (= nm).
std::unique_ptr<BenchSystem> makeLjFluid(const std::filesystem::path& initialStateNpy, double boxLength);

// A water-only system of copies[0] x copies[1] x copies[2] periodic copies of the waters (the
// System::settles groups) of `source`, whose box must be rectangular. Atom parameters, LJ matrices
// and SETTLE geometry are taken from the source; each water excludes its own three atoms.
// SetupError for a source without waters or a non-rectangular box, or copies < 1.
void replicateWaters(const System& source, const State& sourceState, std::array<int, 3> copies, System& system,
                     State& state);

} // namespace proteinmd
