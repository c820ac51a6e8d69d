#include "proteinmd/simulation/stability.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "neighbor/displacement.h"
#include "proteinmd/constraints/constraint_error.h"
#include "proteinmd/core/threaded_pass.h"

namespace proteinmd {

namespace {

bool finite(const Vec3& v)
{
    return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}

// Magnitude for ranking: a non-finite force ranks above every finite one.
double forceRank(const Vec3& f)
{
    return finite(f) ? norm(f) : std::numeric_limits<double>::infinity();
}

constexpr int kAtomsListed = 4;

} // namespace

std::optional<StepProblem> checkStep(double potential, double kinetic, std::span<const Vec3> before,
                                     std::span<const Vec3> after, const Box& box, const Topology& topology,
                                     const StabilityLimits& limits)
{
    if (!std::isfinite(potential)) {
        return StepProblem{fmt::format("the potential energy is {}", potential), {}};
    }
    if (!std::isfinite(kinetic)) {
        return StepProblem{fmt::format("the kinetic energy is {}", kinetic), {}};
    }
    // Every step of a run comes here, so first one branch-free pass that vectorises (the one the
    // pair lists' staleness checks use): the largest plain move, infinite if a position is not
    // finite. Only when that pass finds something (a position that is not finite, a move past the
    // limit, or an atom put back into the box, whose plain move is a box length) the exact pass
    // below runs, with minimum images, and names the atom. (0.3 ms per dhfr step for the exact
    // pass alone before.)
    if (after.size() <= before.size() &&
        largestDisplacement(after, before.first(after.size()), limits.numThreads) <= limits.maxDisplacement) {
        return std::nullopt;
    }
    int worst = -1;
    double worstDistance = 0;
    for (std::size_t i = 0; i < after.size(); ++i) {
        if (!finite(after[i])) {
            return StepProblem{fmt::format("the position of {} is not finite", topology.describeAtom(static_cast<int>(i))),
                               {static_cast<int>(i)}};
        }
        const double d = norm(box.minimumImage(after[i] - before[i]));
        if (d > worstDistance) {
            worstDistance = d;
            worst = static_cast<int>(i);
        }
    }
    if (worst >= 0 && worstDistance > limits.maxDisplacement) {
        return StepProblem{fmt::format("{} moved {:.3g} nm in one step (more than {} nm)", topology.describeAtom(worst),
                                       worstDistance, limits.maxDisplacement),
                           {worst}};
    }
    return std::nullopt;
}

std::optional<StepProblem> takeCheckedStep(Integrator& integrator, State& state, std::vector<Vec3>& lastGood,
                                           const Topology& topology, StepEnergies& energies,
                                           const StabilityLimits& limits)
{
    // The copy is a pass over all atoms every step: in fixed chunks, threaded for large systems
    // (serial, the other threads would wait through it).
    const std::size_t n = state.positions.size();
    lastGood.resize(n);
    constexpr int kChunks = 8;
#pragma omp parallel for num_threads(std::max(1, limits.numThreads)) schedule(static) if (threadedPass(n, limits.numThreads))
    for (int c = 0; c < kChunks; ++c) {
        const std::size_t begin = n * static_cast<std::size_t>(c) / kChunks;
        const std::size_t end = n * static_cast<std::size_t>(c + 1) / kChunks;
        std::copy(state.positions.begin() + static_cast<std::ptrdiff_t>(begin),
                  state.positions.begin() + static_cast<std::ptrdiff_t>(end),
                  lastGood.begin() + static_cast<std::ptrdiff_t>(begin));
    }
    try {
        energies = integrator.step(state);
    } catch (const ConstraintError& error) {
        return StepProblem{fmt::format("the constraints could not be satisfied ({})", error.what()), {}};
    }
    return checkStep(energies.potential, energies.kinetic, lastGood, state.positions, state.box, topology, limits);
}

SimulationError diagnoseBlowUp(std::int64_t step, const StepProblem& problem, std::span<const Vec3> positions,
                               std::span<const Vec3> forces, const Box& box, const Topology& topology, double dt,
                               const std::string& lastCheckpoint)
{
    std::vector<int> atoms = problem.atoms;
    std::string text = fmt::format("the simulation became unstable at step {} (time {} ps): {}.", step,
                                   static_cast<double>(step) * dt, problem.what);
    const std::size_t n = positions.size();
    if (forces.size() == n && n > 0) {
        std::vector<int> order(n);
        std::iota(order.begin(), order.end(), 0);
        const std::size_t listed = std::min<std::size_t>(kAtomsListed, n);
        std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(listed), order.end(),
                          [&](int a, int b) { return forceRank(forces[static_cast<std::size_t>(a)]) >
                                                     forceRank(forces[static_cast<std::size_t>(b)]); });
        text += fmt::format("\nLargest forces at step {} (the last good positions):", step);
        for (std::size_t k = 0; k < listed; ++k) {
            const int i = order[k];
            int nearest = -1;
            double nearestDistance = std::numeric_limits<double>::infinity();
            for (std::size_t j = 0; j < n; ++j) {
                if (static_cast<int>(j) == i) {
                    continue;
                }
                const double d = norm(box.minimumImage(positions[j] - positions[static_cast<std::size_t>(i)]));
                if (d < nearestDistance) {
                    nearestDistance = d;
                    nearest = static_cast<int>(j);
                }
            }
            text += fmt::format("\n  {}: |F| = {:.3e} kJ/mol/nm", topology.describeAtom(i),
                                forceRank(forces[static_cast<std::size_t>(i)]));
            if (nearest >= 0) {
                text += fmt::format(", nearest atom {} at {:.4f} nm", topology.describeAtom(nearest), nearestDistance);
            }
            if (std::find(atoms.begin(), atoms.end(), i) == atoms.end()) {
                atoms.push_back(i);
            }
        }
    }
    text += fmt::format(
        "\nLikely causes: overlapping atoms in the starting structure (atoms closer than ~0.1 nm), too large a "
        "time step (dt = {} ps; 0.002 ps needs constraints = h-bonds), or a structure that was not "
        "energy-minimised first (run with integrator = steep).",
        dt);
    text += lastCheckpoint.empty()
                ? "\nNo checkpoint had been written yet."
                : fmt::format("\nThe last good checkpoint is kept: {}.", lastCheckpoint);
    return SimulationError(step, std::move(atoms), text);
}

} // namespace proteinmd
