#pragma once
// The dynamic state of a simulation: positions, velocities, box, step and time.

#include <cstdint>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

struct State {
    std::vector<Vec3> positions;  // nm
    std::vector<Vec3> velocities; // nm/ps (empty if not known)
    Box box;
    std::int64_t step = 0;
    double time = 0; // ps

    int numAtoms() const { return static_cast<int>(positions.size()); }
};

} // namespace proteinmd
