// Reader for GROMACS .gro files (first frame). See proteinmd/io/gro.h for the format rules.

#include <climits>
#include <cstddef>

#include <fmt/format.h>

#include "io/file_io.h"
#include "io/text_parsing.h"
#include "proteinmd/core/error.h"
#include "proteinmd/io/gro.h"

namespace proteinmd {

namespace {

using detail::columns;
using detail::parseDouble;
using detail::parseInteger;
using detail::quoteForMessage;
using detail::trim;

constexpr std::size_t kCoordinateStart = 20; // 0-based column where x begins
constexpr std::size_t kMaxFieldWidth = 30;   // wider "fields" mean a corrupted first line

class GroParser {
public:
    GroParser(std::string_view text, const std::string& fileName)
        : fileName_(fileName), lines_(detail::splitLines(text)), endsWithNewline_(!text.empty() && text.back() == '\n')
    {
    }

    CoordinateFrame parse()
    {
        CoordinateFrame frame;
        if (lines_.empty()) {
            fail(1, "the file is empty: expected a title line, the number of atoms, atom lines and a box line");
        }
        frame.title = std::string(trim(lines_[0]));
        if (lines_.size() < 2) {
            fail(1, "expected the number of atoms on line 2 but the file ends at line 1");
        }
        const auto count = parseInteger(lines_[1]);
        if (!count || *count < 0 || *count > INT_MAX) {
            fail(2, fmt::format("expected the number of atoms (a non-negative integer), found '{}'",
                                quoteForMessage(trim(lines_[1]))));
        }
        const auto numAtoms = static_cast<std::size_t>(*count);
        const std::size_t atomLinesPresent = lines_.size() - 2;
        if (atomLinesPresent < numAtoms) {
            fail(lastLine(), fmt::format("expected {} atom lines but the file ends at line {}", numAtoms, lastLine()));
        }
        if (atomLinesPresent == numAtoms) {
            fail(lastLine(), fmt::format("expected the box line after the {} atom lines but the file ends at line {}",
                                         numAtoms, lastLine()));
        }

        frame.atoms.resize(numAtoms);
        frame.positions.resize(numAtoms);
        if (numAtoms > 0) {
            deduceFieldWidth(lines_[2]);
            hasVelocities_ = !trim(columns(lines_[2], kCoordinateStart + 3 * width_, std::string_view::npos)).empty();
            if (hasVelocities_) {
                frame.velocities.resize(numAtoms);
            }
        }
        for (std::size_t i = 0; i < numAtoms; ++i) {
            parseAtomLine(i, frame);
        }
        frame.box = parseBox(numAtoms + 2);
        return frame;
    }

private:
    [[noreturn]] void fail(std::size_t line, const std::string& message) const
    {
        throw InputError(SourceLocation{fileName_, static_cast<int>(line), {}}, message);
    }

    std::size_t lastLine() const { return lines_.size(); }

    // gmx deduces the precision from the spacing of the decimal points on the first atom line:
    // the distance between two points is the field width (precision + 5).
    void deduceFieldWidth(std::string_view line)
    {
        const std::size_t p1 = line.find('.', kCoordinateStart);
        const std::size_t p2 = p1 == std::string_view::npos ? p1 : line.find('.', p1 + 1);
        const std::size_t p3 = p2 == std::string_view::npos ? p2 : line.find('.', p2 + 1);
        if (p3 == std::string_view::npos) {
            fail(3, "cannot find the decimal points of x, y and z after column 20 on the first atom line "
                    "(.gro is a fixed-column format: %5d%-5s%5s%5d then x y z, e.g. %8.3f)");
        }
        const std::size_t width = p2 - p1;
        if (p3 - p2 != width) {
            fail(3, fmt::format("the decimal points of x, y and z are not evenly spaced on the first atom line "
                                "({} and {} characters apart); .gro fields must all have the same width",
                                width, p3 - p2));
        }
        if (width < 6 || width > kMaxFieldWidth) {
            fail(3, fmt::format("coordinate field width {} deduced from the decimal points is not usable "
                                "(expected 6..{}, e.g. 8 for %8.3f)", width, kMaxFieldWidth));
        }
        width_ = width;
    }

    double parseField(std::size_t lineNumber, std::string_view line, std::size_t index, const char* what) const
    {
        const std::size_t first = kCoordinateStart + index * width_;
        const std::string_view field = columns(line, first, width_);
        const auto value = parseDouble(field);
        if (!value || field.size() < width_) {
            fail(lineNumber, fmt::format("cannot parse {} '{}' in columns {}-{}", what, quoteForMessage(field),
                                         first + 1, first + width_));
        }
        return *value;
    }

    void parseAtomLine(std::size_t i, CoordinateFrame& frame) const
    {
        const std::size_t lineNumber = i + 3;
        const std::string_view line = lines_[i + 2];
        const std::size_t needed = kCoordinateStart + 3 * width_;
        if (line.size() < needed) {
            fail(lineNumber, fmt::format("atom line too short: expected at least {} characters (x, y, z in columns "
                                         "21-{}), found {}", needed, needed, line.size()));
        }
        AtomRecord& atom = frame.atoms[i];
        const auto residueNumber = parseInteger(columns(line, 0, 5));
        if (!residueNumber) {
            fail(lineNumber, fmt::format("cannot parse residue number '{}' in columns 1-5",
                                         quoteForMessage(columns(line, 0, 5))));
        }
        atom.residueNumber = static_cast<int>(*residueNumber);
        atom.residueName = std::string(trim(columns(line, 5, 5)));
        atom.name = std::string(trim(columns(line, 10, 5)));
        if (atom.name.empty()) {
            fail(lineNumber, "missing atom name in columns 11-15");
        }
        const std::string_view serialField = columns(line, 15, 5);
        if (trim(serialField).empty()) {
            atom.serial = static_cast<int>((i + 1) % 100000);
        } else if (const auto serial = parseInteger(serialField)) {
            atom.serial = static_cast<int>(*serial);
        } else {
            fail(lineNumber, fmt::format("cannot parse atom number '{}' in columns 16-20", quoteForMessage(serialField)));
        }

        static constexpr const char* kPositionNames[3] = {"x coordinate", "y coordinate", "z coordinate"};
        static constexpr const char* kVelocityNames[3] = {"x velocity", "y velocity", "z velocity"};
        for (int d = 0; d < 3; ++d) {
            frame.positions[i][d] = parseField(lineNumber, line, static_cast<std::size_t>(d), kPositionNames[d]);
        }
        if (hasVelocities_) {
            for (int d = 0; d < 3; ++d) {
                frame.velocities[i][d] =
                    parseField(lineNumber, line, static_cast<std::size_t>(3 + d), kVelocityNames[d]);
            }
        }
    }

    static bool sameDecimals(const std::vector<std::string_view>& words)
    {
        auto decimals = [](std::string_view word) {
            const std::size_t point = word.find('.');
            if (point == std::string_view::npos) {
                return std::size_t{0};
            }
            std::size_t n = 0;
            while (point + 1 + n < word.size() && word[point + 1 + n] >= '0' && word[point + 1 + n] <= '9') {
                ++n;
            }
            return n;
        };
        for (std::string_view word : words) {
            if (decimals(word) != decimals(words.front())) {
                return false;
            }
        }
        return true;
    }

    Box parseBox(std::size_t index) const
    {
        const std::size_t lineNumber = index + 1;
        const auto words = detail::splitWords(lines_[index]);
        if (words.size() != 3 && words.size() != 9) {
            fail(lineNumber, fmt::format("expected the box line with 3 or 9 numbers (v1x v2y v3z [v1y v1z v2x v2z "
                                         "v3x v3y]), found {} fields: '{}'", words.size(),
                                         quoteForMessage(lines_[index], 60)));
        }
        double v[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
        for (std::size_t k = 0; k < words.size(); ++k) {
            const auto value = parseDouble(words[k]);
            if (!value) {
                fail(lineNumber, fmt::format("cannot parse box value '{}' (field {} of the box line)",
                                             quoteForMessage(words[k]), k + 1));
            }
            v[k] = *value;
        }
        // A file cut inside its box line ("... 3.28620   3.1") would still hold 3 numbers. Writers use
        // one format for all box values, so an unterminated last line with mixed decimals is taken
        // for a truncated file rather than read as a wrong box.
        if (index + 1 == lines_.size() && !endsWithNewline_ && !sameDecimals(words)) {
            fail(lineNumber, fmt::format("the box line '{}' looks truncated (the file ends inside it without a "
                                         "newline and its numbers have different numbers of decimals)",
                                         quoteForMessage(lines_[index], 60)));
        }
        // v1x v2y v3z v1y v1z v2x v2z v3x v3y
        const Vec3 a{v[0], v[3], v[4]};
        const Vec3 b{v[5], v[1], v[6]};
        const Vec3 c{v[7], v[8], v[2]};
        if (a.y != 0 || a.z != 0 || b.z != 0) {
            fail(lineNumber, "box is not lower-triangular: v1y, v1z and v2z (fields 4, 5 and 7) must be 0 "
                             "(GROMACS box convention)");
        }
        if (norm2(a) == 0 && norm2(b) == 0 && norm2(c) == 0) {
            return Box(); // gmx writes a zero box for a system without periodicity
        }
        if (!(a.x > 0 && b.y > 0 && c.z > 0)) {
            fail(lineNumber, fmt::format("box diagonal v1x v2y v3z must be positive, found {} {} {}", a.x, b.y, c.z));
        }
        return Box::triclinic(a, b, c);
    }

    std::string fileName_;
    std::vector<std::string_view> lines_;
    std::size_t width_ = 8;
    bool hasVelocities_ = false;
    bool endsWithNewline_ = false;
};

} // namespace

CoordinateFrame parseGro(std::string_view text, const std::string& fileName)
{
    return GroParser(text, fileName).parse();
}

CoordinateFrame readGro(const std::filesystem::path& path)
{
    const std::string text = detail::readTextFile(path);
    return parseGro(text, path.string());
}

} // namespace proteinmd
