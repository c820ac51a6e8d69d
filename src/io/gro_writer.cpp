// Writer for GROMACS .gro files in gmx's fixed format, with a chosen precision.

#include <cmath>

#include <fmt/format.h>

#include "io/file_io.h"
#include "io/frame_checks.h"
#include "proteinmd/core/error.h"
#include "proteinmd/io/gro.h"

namespace proteinmd {

namespace {

// Appends value in a field of exactly `width` characters; a value too large for the field would
// shift every later column, which no reader could undo, so it is an error instead.
void appendFixed(std::string& out, double value, int width, int decimals, int atomIndex, const char* what)
{
    const std::size_t before = out.size();
    fmt::format_to(std::back_inserter(out), "{:{}.{}f}", value, width, decimals);
    if (out.size() - before != static_cast<std::size_t>(width) || !std::isfinite(value)) {
        throw SetupError(fmt::format("cannot write .gro: {} {} of atom {} does not fit a {}-character field "
                                     "with {} decimals", what, value, atomIndex + 1, width, decimals));
    }
}

void checkName(const std::string& name, std::size_t maxLength, int atomIndex, const char* what)
{
    if (name.size() > maxLength || name.find_first_of(" \t\r\n") != std::string::npos) {
        throw SetupError(fmt::format("cannot write .gro: {} '{}' of atom {} must be at most {} characters "
                                     "without blanks", what, name, atomIndex + 1, maxLength));
    }
}

} // namespace

std::string formatGro(const CoordinateFrame& frame, int precision)
{
    if (precision < 1 || precision > 10) {
        throw SetupError(fmt::format("cannot write .gro: precision {} is outside 1..10", precision));
    }
    detail::checkFrameSizes(frame, ".gro");
    const int width = precision + 5;
    const bool withVelocities = !frame.velocities.empty();

    std::string out;
    out.reserve(frame.positions.size() * static_cast<std::size_t>(21 + 6 * width));
    out += detail::singleLineTitle(frame.title);
    out += '\n';
    fmt::format_to(std::back_inserter(out), "{:5d}\n", frame.positions.size());
    for (std::size_t i = 0; i < frame.positions.size(); ++i) {
        const AtomRecord& atom = frame.atoms[i];
        const int index = static_cast<int>(i);
        checkName(atom.residueName, 5, index, "residue name");
        checkName(atom.name, 5, index, "atom name");
        if (atom.name.empty()) {
            throw SetupError(fmt::format("cannot write .gro: atom {} has no name", i + 1));
        }
        if (atom.residueNumber < -9999) {
            throw SetupError(fmt::format("cannot write .gro: residue number {} of atom {} does not fit 5 columns",
                                         atom.residueNumber, i + 1));
        }
        // Numbers wrap at 100000 as in gmx, so huge systems keep the fixed columns.
        fmt::format_to(std::back_inserter(out), "{:5d}{:<5}{:>5}{:5d}", atom.residueNumber % 100000,
                       atom.residueName, atom.name, static_cast<int>((i + 1) % 100000));
        for (int d = 0; d < 3; ++d) {
            appendFixed(out, frame.positions[i][d], width, precision, index, "coordinate");
        }
        if (withVelocities) {
            for (int d = 0; d < 3; ++d) {
                appendFixed(out, frame.velocities[i][d], width, precision + 1, index, "velocity");
            }
        }
        out += '\n';
    }

    const Matrix3& m = frame.box.vectors();
    auto boxValue = [&](double v) {
        const std::size_t before = out.size();
        fmt::format_to(std::back_inserter(out), "{:10.5f}", v);
        if (out.size() - before != 10) {
            throw SetupError(fmt::format("cannot write .gro: box value {} does not fit 10 columns", v));
        }
    };
    if (!frame.box.isPeriodic()) {
        boxValue(0);
        boxValue(0);
        boxValue(0);
    } else {
        boxValue(m[0].x);
        boxValue(m[1].y);
        boxValue(m[2].z);
        if (!frame.box.isRectangular()) {
            // v1y v1z v2x v2z v3x v3y; v1y, v1z and v2z are zero in the lower-triangular form.
            for (double v : {m[0].y, m[0].z, m[1].x, m[1].z, m[2].x, m[2].y}) {
                boxValue(v);
            }
        }
    }
    out += '\n';
    return out;
}

void writeGro(const std::filesystem::path& path, const CoordinateFrame& frame, int precision)
{
    detail::writeFileAtomically(path, formatGro(frame, precision));
}

} // namespace proteinmd
