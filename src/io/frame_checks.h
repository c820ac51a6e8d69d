#pragma once
// Consistency checks shared by the coordinate writers (internal).

#include <string>

#include "proteinmd/io/coordinate_frame.h"

namespace proteinmd::detail {

// Throws SetupError naming the format unless atoms, positions and (if present) velocities have the
// same length.
void checkFrameSizes(const CoordinateFrame& frame, const std::string& format);

// A title reduced to one printable line (newlines and control characters become spaces).
std::string singleLineTitle(const std::string& title);

} // namespace proteinmd::detail
