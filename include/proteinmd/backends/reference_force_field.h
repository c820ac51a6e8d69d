#pragma once
// The double-precision reference backend: every force term evaluated by simple, obviously right
// loops. It is the oracle that every fast path (SIMD, threads, GPU) is tested against.

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "proteinmd/backends/reference_bonded.h"
#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"
#include "proteinmd/forces/ewald_parameters.h"
#include "proteinmd/forces/force_output.h"
#include "proteinmd/forces/nonbonded_options.h"

namespace proteinmd {

class PmeSolver;
class StepTimers;

// Binds a System to its non-bonded treatment and prepares what can be prepared once (PME plans,
// Ewald coefficient). Validation happens here: a cut-off longer than half the box is an error.
class ReferenceForceField {
public:
    ReferenceForceField(const System& system, const NonbondedOptions& options, const Box& box);
    ~ReferenceForceField();
    ReferenceForceField(const ReferenceForceField&) = delete;
    ReferenceForceField& operator=(const ReferenceForceField&) = delete;

    // Energies per term, forces and virial at the given positions and box.
    void compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out);
    // The same, charging the bonded, non-bonded and PME parts to `timers` (for the run's table).
    void compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, StepTimers& timers);

    const std::optional<EwaldSetup>& ewaldSetup() const { return ewald_; }
    const NonbondedOptions& options() const { return options_; }

private:
    void computeTimed(std::span<const Vec3> positions, const Box& box, ForceOutput& out, StepTimers* timers);

    const System& system_;
    NonbondedOptions options_;
    std::vector<CmapTable> cmapTables_; // spline-derived CMAP derivative grids, made once
    std::optional<EwaldSetup> ewald_;
    std::unique_ptr<PmeSolver> pme_;
};

// Throws SetupError if the cut-offs do not fit the box (longer than half its shortest width).
void checkCutoffsFitBox(const NonbondedOptions& options, const Box& box);

} // namespace proteinmd
