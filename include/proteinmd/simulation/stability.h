#pragma once
// Safe failure of a run that blows up. After every step the run checks that the energies are finite
// and that no atom moved absurdly far (or to a non-finite position); a constraint failure is caught
// too. The run then stops with a SimulationError that names the step, the atoms involved (largest
// forces at the last good positions and their nearest neighbours) and the likely causes, and the
// last good checkpoint is left untouched.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/topology.h"
#include "proteinmd/core/vec3.h"
#include "proteinmd/integrators/integrator.h"

namespace proteinmd {

// The simulation became unstable. what() is the whole report; atoms() the atoms it names (0-based).
class SimulationError : public Error {
public:
    SimulationError(std::int64_t step, std::vector<int> atoms, const std::string& message)
        : Error(message), step_(step), atoms_(std::move(atoms))
    {
    }
    std::int64_t step() const { return step_; }
    const std::vector<int>& atoms() const { return atoms_; }

private:
    std::int64_t step_;
    std::vector<int> atoms_;
};

struct StabilityLimits {
    double maxDisplacement = 0.5; // nm per step; thermal motion is ~0.005 nm per 2 fs step
    // OpenMP threads for the per-step passes over all atoms (the copy and the quick check); the
    // result does not depend on them. Runs pass the backend's count (ForceProvider::numThreads).
    int numThreads = 1;
};

// Why a step is bad, or nullopt if it is fine: non-finite energies, non-finite positions, or an atom
// that moved further than the limit between `before` and `after` (minimum image).
struct StepProblem {
    std::string what;          // "the potential energy is nan", "atom ... moved 3.2 nm in one step"
    std::vector<int> atoms;    // atoms the check itself points at
};
std::optional<StepProblem> checkStep(double potential, double kinetic, std::span<const Vec3> before,
                                     std::span<const Vec3> after, const Box& box, const Topology& topology,
                                     const StabilityLimits& limits = {});

// One integrator step as a run takes it (the run loop and `proteinmd bench` both step through
// here): the positions before it are kept in `lastGood`, where a run goes back to; a constraint
// failure, or what checkStep finds after the step, is returned. Nullopt: a good step, whose
// energies are in `energies`.
std::optional<StepProblem> takeCheckedStep(Integrator& integrator, State& state, std::vector<Vec3>& lastGood,
                                           const Topology& topology, StepEnergies& energies,
                                           const StabilityLimits& limits = {});

// The report for a bad step: the problem, the atoms with the largest forces at the last good
// positions (`forces` there; may be empty) with their nearest atoms, the likely causes, and where the
// last good checkpoint is (`lastCheckpoint` empty when none was written).
SimulationError diagnoseBlowUp(std::int64_t step, const StepProblem& problem, std::span<const Vec3> positions,
                               std::span<const Vec3> forces, const Box& box, const Topology& topology, double dt,
                               const std::string& lastCheckpoint);

} // namespace proteinmd
