#include "io/frame_checks.h"

#include <fmt/format.h>

#include "proteinmd/core/error.h"

namespace proteinmd::detail {

void checkFrameSizes(const CoordinateFrame& frame, const std::string& format)
{
    if (frame.atoms.size() != frame.positions.size()) {
        throw SetupError(fmt::format("cannot write {}: the frame has {} atom records but {} positions", format,
                                     frame.atoms.size(), frame.positions.size()));
    }
    if (!frame.velocities.empty() && frame.velocities.size() != frame.positions.size()) {
        throw SetupError(fmt::format("cannot write {}: the frame has {} positions but {} velocities", format,
                                     frame.positions.size(), frame.velocities.size()));
    }
}

std::string singleLineTitle(const std::string& title)
{
    std::string out = title;
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 32 || c == 127) {
            c = ' ';
        }
    }
    return out;
}

} // namespace proteinmd::detail
