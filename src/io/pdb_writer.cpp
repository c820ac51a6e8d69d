// Writer for PDB files: TITLE, CRYST1, ATOM/HETATM (hybrid-36 numbers when needed), TER, END.

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "io/file_io.h"
#include "io/frame_checks.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/io/pdb.h"

namespace proteinmd {

namespace {

constexpr double kNmToAngstrom = 10.0;

double angleDegrees(const Vec3& u, const Vec3& v)
{
    const double c = dot(u, v) / (norm(u) * norm(v));
    return std::acos(std::clamp(c, -1.0, 1.0)) * units::kRadToDeg;
}

// Appends a fixed-width number; a value that would widen its field would shift every later column.
void appendFixed(std::string& out, double value, int width, int decimals, std::size_t atomIndex, const char* what)
{
    const std::size_t before = out.size();
    fmt::format_to(std::back_inserter(out), "{:{}.{}f}", value, width, decimals);
    if (out.size() - before != static_cast<std::size_t>(width) || !std::isfinite(value)) {
        throw SetupError(fmt::format("cannot write PDB: {} {} of atom {} does not fit its {}-column field", what,
                                     value, atomIndex + 1, width));
    }
}

void checkField(const std::string& text, std::size_t maxLength, std::size_t atomIndex, const char* what)
{
    if (text.size() > maxLength || text.find_first_of(" \t\r\n") != std::string::npos) {
        throw SetupError(fmt::format("cannot write PDB: {} '{}' of atom {} must be at most {} characters without "
                                     "blanks", what, text, atomIndex + 1, maxLength));
    }
}

std::string upper(std::string s)
{
    for (char& c : s) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
    }
    return s;
}

// Columns 13-16: one-letter elements start in column 14, two-letter elements and 4-character
// names in column 13 (the PDB convention that readers use to tell "CA" carbon from "CA" calcium).
std::string atomNameField(const AtomRecord& atom)
{
    if (atom.name.size() >= 4 || (atom.element.size() == 2 && upper(atom.name).starts_with(upper(atom.element)))) {
        return fmt::format("{:<4}", atom.name);
    }
    return fmt::format(" {:<3}", atom.name);
}

void appendCryst1(std::string& out, const Box& box)
{
    const Matrix3& m = box.vectors();
    const double a = norm(m[0]) * kNmToAngstrom;
    const double b = norm(m[1]) * kNmToAngstrom;
    const double c = norm(m[2]) * kNmToAngstrom;
    if (a >= 99999.9995 || b >= 99999.9995 || c >= 99999.9995) {
        throw SetupError("cannot write PDB: box lengths do not fit the CRYST1 columns");
    }
    fmt::format_to(std::back_inserter(out), "CRYST1{:9.3f}{:9.3f}{:9.3f}{:7.2f}{:7.2f}{:7.2f} {:<11}{:4d}\n", a, b,
                   c, angleDegrees(m[1], m[2]), angleDegrees(m[0], m[2]), angleDegrees(m[0], m[1]), "P 1", 1);
}

} // namespace

std::string formatPdb(const CoordinateFrame& frame)
{
    detail::checkFrameSizes(frame, "PDB");
    std::string out;
    out.reserve(frame.positions.size() * 81 + 200);
    if (!frame.title.empty()) {
        out += "TITLE     " + detail::singleLineTitle(frame.title) + "\n";
    }
    if (frame.box.isPeriodic()) {
        appendCryst1(out, frame.box);
    }
    for (std::size_t i = 0; i < frame.positions.size(); ++i) {
        const AtomRecord& atom = frame.atoms[i];
        if (atom.name.empty()) {
            throw SetupError(fmt::format("cannot write PDB: atom {} has no name", i + 1));
        }
        checkField(atom.name, 4, i, "atom name");
        checkField(atom.residueName, 4, i, "residue name");
        checkField(atom.chainId, 1, i, "chain identifier");
        checkField(atom.insertionCode, 1, i, "insertion code");
        checkField(atom.element, 2, i, "element");
        const auto serial = encodeHybrid36(5, static_cast<long long>(i) + 1);
        if (!serial) {
            throw SetupError(fmt::format("cannot write PDB: {} atoms exceed the hybrid-36 range of the serial "
                                         "column", frame.positions.size()));
        }
        const auto residue = encodeHybrid36(4, atom.residueNumber);
        if (!residue) {
            throw SetupError(fmt::format("cannot write PDB: residue number {} of atom {} is outside the hybrid-36 "
                                         "range of columns 23-26", atom.residueNumber, i + 1));
        }
        fmt::format_to(std::back_inserter(out), "{:<6}{:>5} {}{}{:<4}{:1}{}{:1}   ", atom.hetero ? "HETATM" : "ATOM",
                       *serial, atomNameField(atom), ' ', atom.residueName, atom.chainId, *residue,
                       atom.insertionCode);
        for (int d = 0; d < 3; ++d) {
            appendFixed(out, frame.positions[i][d] * kNmToAngstrom, 8, 3, i, "coordinate (Å)");
        }
        appendFixed(out, atom.occupancy, 6, 2, i, "occupancy");
        appendFixed(out, atom.bFactor, 6, 2, i, "temperature factor");
        fmt::format_to(std::back_inserter(out), "          {:>2}\n", upper(atom.element));
        const bool lastOfChain = i + 1 == frame.positions.size() || frame.atoms[i + 1].chainId != atom.chainId;
        if (lastOfChain) {
            out += "TER\n";
        }
    }
    out += "END\n";
    return out;
}

void writePdb(const std::filesystem::path& path, const CoordinateFrame& frame)
{
    detail::writeFileAtomically(path, formatPdb(frame));
}

} // namespace proteinmd
