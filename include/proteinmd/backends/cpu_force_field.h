#pragma once
// The fast CPU force field: the same role as ReferenceForceField (binds a System to its non-bonded
// treatment and box, evaluates every term), with CpuNonbonded's buffered cluster pair list and SIMD
// kernels for the short-range part, a threaded PME mesh, and per-part wall times (StepTimers).
//
// The pair list is kept between calls: compute() counts its calls as MD steps and rebuilds the list
// every nstlist calls, and at any call where an atom moved more than half the buffer or the box
// changed (CpuNonbonded::updatePairList), so no pair within the cut-off is ever missed. The buffer is
// explicit (rlist given, verlet-buffer-tolerance = -1) or estimated from the tolerance
// (verlet_buffer.h).
//
// Restarts: the list is state. Its cluster order fixes the float summation order, and when it is
// rebuilt depends on the step count and on the positions at the last build. saveState() records
// both (and the last prune), restoreState() rebuilds the same list from them, so a run resumed from
// a checkpoint evaluates bit for bit what the uninterrupted run would have. recompute() evaluates
// again without counting a step (an integrator re-evaluating the forces it held before the restart).
//
// Bonded terms: every table is cut into a fixed number of contiguous chunks (kBondedChunks, whatever
// the thread count), each evaluated into its own force buffer on an OpenMP thread, then summed in
// chunk order: results are bit-identical for any number of threads (and within rounding of the
// serial reference). A chunk runs the fast bonded loops (src/backends/cpu/cpu_bonded.h: vectorised,
// no libm calls) for the common forms and the reference loops for the rest, and for triclinic boxes
// not in GROMACS's reduced form.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"
#include "proteinmd/forces/cmap_interpolation.h"
#include "proteinmd/forces/force_output.h"
#include "proteinmd/forces/nonbonded_options.h"
#include "proteinmd/forces/pme.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/perf/step_timers.h"

namespace proteinmd {

namespace cpu_bonded {
class CpuBondedChunk;
}

class CpuNonbonded;
struct MdpOptions;

// The two-level list of MD runs (`proteinmd run`), chosen by measurement (dhfr: rc 0.9 nm, 300 K,
// 2 fs; scan in ARCHITECTURE.md). The outer list's check is exact (pairMayBeMissing since the build
// against the outer buffer), so its buffer trades work, not accuracy: on dhfr the sum of the two
// largest moves grows ~0.022 nm per step, and the outer list outlives that sum (the fast atoms are
// rarely near each other): with 0.25 nm it lives ~25 steps (4 builds per 100 steps; 0.2 nm: 5.3,
// 0.15 nm: 9). The kernel's work is the pruned list (427k / 465k / 485k / 558k cluster pairs for
// an inner buffer of 0 / 0.03 / 0.045 / 0.1 nm); a prune costs ~1/5 of a kernel call over the outer
// list, a build ~1.7 calls. nstlist: 50 and 100 measured the same (the check's pair loop grows with
// the list's age).
inline constexpr double kMinRunBuffer = 0.25; // nm, outer buffer at least (the estimate if larger)
// ...but in a small box the floor stops this fraction of maxCutoff short of it, as room for a
// barostat to shrink the box by as much in length (the estimate itself is never cut).
inline constexpr double kBoxShrinkRoom = 0.05;
inline constexpr int kMinRunNstlist = 50;
// The inner (pruned) list of runs with a verlet-buffer-tolerance: GROMACS's dynamic pruning
// (PruneRule::Estimated), re-pruned every kRunNstprune steps, with the inner buffer estimated for a
// tolerance kRunPruneToleranceFraction times the mdp's (GROMACS uses the mdp's own). NVE drift of
// ala2_solvated over 100 ps (tests/validation/nve_drift_cpu.sh, kJ/mol/ns per atom, gen-seed 1234 /
// 7 / 11): exact 0.03 nm list -0.0019 / +0.0002 / -0.0002; fraction 1e-3 at nstprune 3 (0.024 nm)
// -0.0008 / -0.0004 / -0.0007; fraction 1e-2 at nstprune 4 (0.029 nm) +0.0023 / +0.0016 / +0.0008,
// at nstprune 3 (0.018 nm) -0.0003 / +0.0016 / +0.0034; fraction 1 at nstprune 10 (0.044 nm, the
// GROMACS setting) +0.062. So 1e-3, the factor by which that test is stricter than GROMACS's
// tolerance, keeps the drift at the exact list's. On dhfr it prunes 37 times per 100 steps instead
// of the exact rule's 51, for 0.25 ms/step less (0.025 nm against 0.03 nm; kernel work the same).
inline constexpr double kRunPruneToleranceFraction = 1e-3;
inline constexpr int kRunNstprune = 3;
// Without a tolerance (explicit rlist) the inner list is the exact one, with this buffer; the
// two largest moves add up to it about every 2nd step on dhfr.
inline constexpr double kRunPruneBuffer = 0.03; // nm

// How the pruned (inner) list of dynamic pruning stays valid between its scheduled prunes.
enum class PruneRule {
    Exact,     // re-pruned at any step where a pair may have closed in by more than the inner buffer
    Estimated, // GROMACS's scheme: the inner buffer from the drift tolerance for nstprune steps,
               // re-pruned on the schedule only (the outer list keeps its exact checks)
};

struct CpuForceFieldOptions {
    int numThreads = 0;      // OpenMP threads for non-bonded and PME; 0 = omp_get_max_threads()
    int nstlist = 10;        // pair-list lifetime in compute() calls (steps), >= 1
    // Pair-list buffer (nm): used as given when >= 0 (rlist = max(rcoulomb, rvdw) + buffer);
    // when < 0 estimated from `verletBuffer` (tolerance, temperature, nstlist, dt).
    double buffer = -1;
    // Dynamic pruning (GROMACS's two-level list): when 0 <= pruneBuffer < buffer, every new list is
    // pruned to the cluster pairs within max(rc) + pruneBuffer, and re-pruned every nstprune steps
    // and whenever a pair may have closed in by more than pruneBuffer since (the two largest atom
    // displacements add up to more). -1: no pruning.
    double pruneBuffer = -1;
    int nstprune = 10; // >= 1
    // With Estimated, pruneBuffer < 0 asks for the tolerance estimate for nstprune steps (when
    // verletBufferTolerance > 0; otherwise no pruning), and the checks after each prune are off
    // (CpuNonbonded::setPruneChecks).
    PruneRule pruneRule = PruneRule::Exact;
    // With Estimated: the inner buffer's estimate is for verletBufferTolerance times this
    // (GROMACS: 1; runs: kRunPruneToleranceFraction).
    double pruneToleranceFraction = 1.0;
    // nm, lower bound on the estimated buffer, lowered where the box is too small for it (the list
    // needs rlist <= half the shortest box width)
    double minBuffer = 0;
    double verletBufferTolerance = 0.005; // kJ/mol/ps per atom
    int estimateNstlist = 0;              // the list lifetime the estimate assumes; 0 = nstlist
    double temperature = 300;             // K, for the estimate
    double dt = 0.002;                    // ps, for the estimate
    PmePrecision pmePrecision = PmePrecision::Single;
};

// The temperature the pair-list buffer estimates assume, as grompp picks it: the largest ref-t of
// a coupled run (a thermostat, or sd); for constant energy, gen-temp when gen-vel = yes, else the
// kinetic temperature of the start velocities (startTemperature, K; <= 0: unknown, gen-temp).
// `source` says which, for the log.
struct BufferTemperature {
    double kelvin = 0;
    std::string_view source;
};
BufferTemperature bufferTemperature(const MdpOptions& mdp, double startTemperature = -1);

// From an .mdp: nstlist, dt; with verlet-buffer-tolerance > 0 the estimate at
// bufferTemperature(mdp, startTemperature); with verlet-buffer-tolerance = -1 the buffer rlist - max(rc).
CpuForceFieldOptions cpuForceFieldOptions(const MdpOptions& mdp, int numThreads = 0, double startTemperature = -1);

// cpuForceFieldOptions() for an MD run: nstlist at least kMinRunNstlist; when the buffer is
// estimated from the tolerance, the estimate for the mdp's nstlist but at least kMinRunBuffer;
// pruned every kRunNstprune steps to the buffer estimated for kRunPruneToleranceFraction of the
// tolerance, or, with an explicit rlist, to kRunPruneBuffer with the exact rule (see there why).
// The estimates assume bufferTemperature(mdp, startTemperature).
CpuForceFieldOptions cpuRunForceFieldOptions(const MdpOptions& mdp, int numThreads = 0, double startTemperature = -1);

class CpuForceField {
public:
    // Throws SetupError as ReferenceForceField does (cut-offs longer than half the box, plain Ewald),
    // or for nstlist < 1 or numThreads < 0.
    CpuForceField(const System& system, const NonbondedOptions& options, const Box& box,
                  const CpuForceFieldOptions& cpuOptions = {});
    ~CpuForceField();
    CpuForceField(const CpuForceField&) = delete;
    CpuForceField& operator=(const CpuForceField&) = delete;

    // Resets `out` and fills energies per term (with computeEnergy = false the non-bonded and PME
    // energies are skipped; bonded energies come for free), forces and virial (without PME's part
    // when computeEnergy and out.virialWanted are both false); counts one step.
    void compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, bool computeEnergy = true);

    // compute() without counting a step or updating the list (it is still rebuilt if an atom moved
    // too far): for positions evaluated before, e.g. once more after a restart.
    void recompute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, bool computeEnergy = true);

    // The list schedule for checkpoints (see the top of this file): keys "cpu_ff.*".
    using StateMap = std::map<std::string, std::vector<double>>;
    void saveState(StateMap& state) const;
    // Throws SetupError when the saved state does not fit this system.
    void restoreState(const StateMap& state);

    // compute() as an integrator's force call (energies when ForceOutput::energiesWanted). The CpuForceField must outlive it.
    ForceFunction asForceFunction();

    const std::optional<EwaldSetup>& ewaldSetup() const { return ewald_; }
    const NonbondedOptions& options() const { return options_; }
    double buffer() const { return buffer_; }
    double rlist() const;
    int numThreads() const { return numThreads_; }
    bool usesFastPath() const;  // false when the non-bonded part fell back to the reference loops
    long long pairListBuilds() const { return pairListBuilds_; }
    long long pairListPrunes() const { return pairListPrunes_; } // re-prunes included, first prunes too
    double pruneBuffer() const { return pruneBuffer_; }            // -1: no pruning
    // Cluster pairs the kernel went through, summed over compute()/recompute() calls (its work).
    long long clusterPairsComputed() const { return clusterPairsComputed_; }
    int nstprune() const { return nstprune_; }
    PruneRule pruneRule() const { return pruneRule_; }
    long long steps() const { return step_; }

    // Wall time per part (pair_search, nonbonded, bonded, pme) accumulated over compute() calls.
    StepTimers& timers() { return timers_; }
    const StepTimers& timers() const { return timers_; }

    static constexpr int kBondedChunks = 4;

private:
    struct BondedChunk {
        BondedTerms terms;                            // its slice of every table (reference loops)
        std::shared_ptr<cpu_bonded::CpuBondedChunk> fast; // the same terms prepared for the fast loops
        int firstAtom = 0, lastAtom = -1; // atoms its interactions touch
        ForceOutput out;                  // full-size force buffer; only [firstAtom, lastAtom] is used
    };
    void addBonded(std::span<const Vec3> positions, const Box& box, ForceOutput& out);
    void evaluate(std::span<const Vec3> positions, const Box& box, ForceOutput& out, bool computeEnergy,
                  bool countStep);

    const System& system_;
    NonbondedOptions options_;
    int numThreads_ = 1;
    int nstlist_ = 10;
    double buffer_ = 0;
    double pruneBuffer_ = -1;
    int nstprune_ = 10;
    PruneRule pruneRule_ = PruneRule::Exact;
    std::vector<CmapTable> cmapTables_;
    std::vector<BondedChunk> bondedChunks_; // the non-empty ones of kBondedChunks, in order
    std::optional<EwaldSetup> ewald_;
    std::unique_ptr<CpuNonbonded> nonbonded_;
    std::unique_ptr<PmeSolver> pme_;
    StepTimers timers_;
    long long step_ = 0;
    long long pairListBuilds_ = 0;
    long long pairListPrunes_ = 0;
    long long clusterPairsComputed_ = 0;
};

} // namespace proteinmd
