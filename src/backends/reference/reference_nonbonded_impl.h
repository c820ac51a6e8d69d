#pragma once
// Internal entry point of the reference non-bonded loops with the pair search made explicit, so
// tests can check the cell grid against all pairs.

#include "backends/reference/pair_iteration.h"
#include "proteinmd/backends/reference_nonbonded.h"

namespace proteinmd {

void addNonbondedForcesReference(const System& system, const NonbondedOptions& options,
                                 std::span<const Vec3> positions, const Box& box, ForceOutput& out,
                                 PairSearch search);

} // namespace proteinmd
