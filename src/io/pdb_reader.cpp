// Reader for PDB files (first model). See proteinmd/io/pdb.h for what is read and how.

#include <cmath>
#include <cstdint>
#include <unordered_set>

#include <fmt/format.h>

#include "io/element_guess.h"
#include "io/file_io.h"
#include "io/text_parsing.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/io/pdb.h"

namespace proteinmd {

namespace {

using detail::columns;
using detail::parseDouble;
using detail::quoteForMessage;
using detail::trim;

constexpr double kAngstromToNm = 0.1;

class PdbParser {
public:
    PdbParser(std::string_view text, const std::string& fileName)
        : fileName_(fileName), lines_(detail::splitLines(text))
    {
    }

    CoordinateFrame parse()
    {
        for (std::size_t i = 0; i < lines_.size(); ++i) {
            const std::string_view line = lines_[i];
            const std::size_t lineNumber = i + 1;
            // No other record name starts with ATOM or HETATM, so a line that does is an atom record
            // even if its serial spills into column 6.
            if (line.starts_with("ATOM") || line.starts_with("HETATM")) {
                parseAtom(lineNumber, line, line.starts_with("HETATM"));
                continue;
            }
            const std::string_view record = trim(columns(line, 0, 6));
            if (record == "ENDMDL" || record == "END") {
                openModelLine_ = 0;
                if (!frame_.positions.empty()) {
                    break; // first model only
                }
            } else if (record == "MODEL") {
                if (!frame_.positions.empty()) {
                    openModelLine_ = 0;
                    break; // a second model without ENDMDL before it
                }
                openModelLine_ = lineNumber;
            } else if (record == "CRYST1") {
                frame_.box = parseCryst1(lineNumber, line);
            } else if (record == "TITLE") {
                const std::string_view text = trim(columns(line, 10, std::string_view::npos));
                if (!text.empty()) {
                    frame_.title += frame_.title.empty() ? "" : " ";
                    frame_.title += text;
                }
            }
        }
        if (openModelLine_ > 0 && !frame_.positions.empty()) {
            // END is optional in practice, so a file cut at a line end is only detectable inside a model.
            fail(lines_.size(), fmt::format("the MODEL started at line {} has no ENDMDL: the file seems truncated",
                                            openModelLine_));
        }
        if (frame_.positions.empty()) {
            throw InputError(SourceLocation{fileName_, 0, {}},
                             lines_.empty() ? "the file is empty: expected ATOM or HETATM records"
                                            : "no ATOM or HETATM records found");
        }
        return std::move(frame_);
    }

private:
    [[noreturn]] void fail(std::size_t line, const std::string& message) const
    {
        throw InputError(SourceLocation{fileName_, static_cast<int>(line), {}}, message);
    }

    double number(std::size_t lineNumber, std::string_view line, std::size_t first, std::size_t count,
                  const char* what) const
    {
        const std::string_view field = columns(line, first, count);
        const auto value = parseDouble(field);
        if (!value) {
            fail(lineNumber, fmt::format("cannot parse {} '{}' in columns {}-{}", what, quoteForMessage(field),
                                         first + 1, first + count));
        }
        return *value;
    }

    // GROMACS's conversion of cell lengths and angles to its lower-triangular box (pdbio read_cryst1).
    Box parseCryst1(std::size_t lineNumber, std::string_view line) const
    {
        if (line.size() < 54) {
            fail(lineNumber, fmt::format("CRYST1 record too short: a b c alpha beta gamma need columns 7-54, "
                                         "the line has {} characters", line.size()));
        }
        const double a = number(lineNumber, line, 6, 9, "CRYST1 a");
        const double b = number(lineNumber, line, 15, 9, "CRYST1 b");
        const double c = number(lineNumber, line, 24, 9, "CRYST1 c");
        const double alpha = number(lineNumber, line, 33, 7, "CRYST1 alpha");
        const double beta = number(lineNumber, line, 40, 7, "CRYST1 beta");
        const double gamma = number(lineNumber, line, 47, 7, "CRYST1 gamma");
        // The PDB's placeholder for "no unit cell" (NMR and model structures).
        if (a == 1 && b == 1 && c == 1 && alpha == 90 && beta == 90 && gamma == 90) {
            return Box();
        }
        if (!(a > 0 && b > 0 && c > 0)) {
            fail(lineNumber, fmt::format("CRYST1 cell lengths must be positive, found {} {} {}", a, b, c));
        }
        for (double angle : {alpha, beta, gamma}) {
            if (!(angle > 0 && angle < 180)) {
                fail(lineNumber, fmt::format("CRYST1 angle {} is outside (0, 180) degrees", angle));
            }
        }
        const double la = a * kAngstromToNm;
        const double lb = b * kAngstromToNm;
        const double lc = c * kAngstromToNm;
        if (alpha == 90 && beta == 90 && gamma == 90) {
            return Box::rectangular(la, lb, lc);
        }
        const double cosA = alpha != 90 ? std::cos(alpha * units::kDegToRad) : 0.0;
        const double cosB = beta != 90 ? std::cos(beta * units::kDegToRad) : 0.0;
        const double cosG = gamma != 90 ? std::cos(gamma * units::kDegToRad) : 0.0;
        const double sinG = gamma != 90 ? std::sin(gamma * units::kDegToRad) : 1.0;
        const Vec3 va{la, 0, 0};
        const Vec3 vb{lb * cosG, lb * sinG, 0};
        const double cx = lc * cosB;
        const double cy = lc * (cosA - cosB * cosG) / sinG;
        const double cz2 = lc * lc - cx * cx - cy * cy;
        if (!(cz2 > 0) || !std::isfinite(cz2)) {
            fail(lineNumber, fmt::format("CRYST1 angles {} {} {} do not describe a valid cell", alpha, beta, gamma));
        }
        return Box::triclinic(va, vb, Vec3{cx, cy, std::sqrt(cz2)});
    }

    void parseAtom(std::size_t lineNumber, std::string_view line, bool hetero)
    {
        if (line.size() < 54) {
            fail(lineNumber, fmt::format("{} record too short: x y z need columns 31-54, the line has {} characters",
                                         hetero ? "HETATM" : "ATOM", line.size()));
        }
        AtomRecord atom;
        atom.hetero = hetero;

        const std::string_view serialField = columns(line, 6, 5);
        const std::string_view serialText = trim(serialField);
        if (serialText.empty() || serialText.find_first_not_of('*') == std::string_view::npos) {
            // Blank or "*****" (overflow written by some tools): number on from the previous atom.
            atom.serial = previousSerial_ + 1;
        } else if (const auto serial = decodeHybrid36(5, serialField); serial && *serial <= INT32_MAX) {
            atom.serial = static_cast<int>(*serial);
        } else {
            fail(lineNumber, fmt::format("cannot parse atom serial number '{}' in columns 7-11 (decimal or "
                                         "hybrid-36 expected)", quoteForMessage(serialField)));
        }

        const std::string_view nameField = columns(line, 12, 4);
        atom.name = std::string(trim(nameField));
        if (atom.name.empty()) {
            fail(lineNumber, "missing atom name in columns 13-16");
        }
        const char altLoc = line[16];
        // Columns 18-20 hold the residue name; column 21 is used by 4-letter names (as gmx reads it).
        atom.residueName = std::string(trim(columns(line, 17, 4)));
        atom.chainId = std::string(trim(columns(line, 21, 1)));
        const std::string_view residueField = columns(line, 22, 4);
        const auto residueNumber = decodeHybrid36(4, residueField);
        if (!residueNumber || *residueNumber > INT32_MAX) {
            fail(lineNumber, fmt::format("cannot parse residue number '{}' in columns 23-26 (decimal or hybrid-36 "
                                         "expected)", quoteForMessage(residueField)));
        }
        atom.residueNumber = static_cast<int>(*residueNumber);
        atom.insertionCode = std::string(trim(columns(line, 26, 1)));

        Vec3 position;
        position.x = number(lineNumber, line, 30, 8, "x coordinate") * kAngstromToNm;
        position.y = number(lineNumber, line, 38, 8, "y coordinate") * kAngstromToNm;
        position.z = number(lineNumber, line, 46, 8, "z coordinate") * kAngstromToNm;
        if (!trim(columns(line, 54, 6)).empty()) {
            atom.occupancy = number(lineNumber, line, 54, 6, "occupancy");
        }
        if (!trim(columns(line, 60, 6)).empty()) {
            atom.bFactor = number(lineNumber, line, 60, 6, "temperature factor");
        }
        const std::string_view elementField = trim(columns(line, 76, 2));
        if (!elementField.empty()) {
            atom.element = detail::normaliseElement(elementField);
            if (atom.element.empty()) {
                fail(lineNumber, fmt::format("invalid element symbol '{}' in columns 77-78",
                                             quoteForMessage(elementField)));
            }
        } else {
            atom.element = detail::guessElement(nameField, atom.residueName);
        }
        previousSerial_ = atom.serial;

        if (altLoc != ' ' && !keepAlternate(atom)) {
            return;
        }
        frame_.atoms.push_back(std::move(atom));
        frame_.positions.push_back(position);
    }

    // Alternate locations: keep the first record of each atom (same chain, residue number,
    // insertion code and name); later alternatives of it are dropped.
    bool keepAlternate(const AtomRecord& atom)
    {
        std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}", atom.chainId, atom.residueNumber, atom.insertionCode,
                                      atom.name);
        return alternatesSeen_.insert(std::move(key)).second;
    }

    std::string fileName_;
    std::vector<std::string_view> lines_;
    CoordinateFrame frame_;
    int previousSerial_ = 0;
    std::size_t openModelLine_ = 0;
    std::unordered_set<std::string> alternatesSeen_;
};

} // namespace

CoordinateFrame parsePdb(std::string_view text, const std::string& fileName)
{
    return PdbParser(text, fileName).parse();
}

CoordinateFrame readPdb(const std::filesystem::path& path)
{
    const std::string text = detail::readTextFile(path);
    return parsePdb(text, path.string());
}

} // namespace proteinmd
