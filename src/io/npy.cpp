// .npy (NumPy array file) reading and writing for float64 data.
// Layout: magic "\x93NUMPY", major and minor version bytes, header length (2 bytes little-endian in
// v1.0, 4 bytes in v2.0/3.0), an ASCII Python dict literal padded with spaces and ended by '\n' so
// that the data starts at a multiple of 64 bytes, then the raw data.

#include "proteinmd/io/npy.h"

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "io/file_io.h"
#include "io/text_parsing.h"
#include "proteinmd/core/error.h"

namespace proteinmd {

namespace {

static_assert(std::endian::native == std::endian::little, ".npy '<f8' I/O assumes a little-endian machine");

constexpr std::string_view kMagic = "\x93NUMPY";

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& message)
{
    throw InputError(SourceLocation{path.string(), 0, {}}, message);
}

// Value of 'key' in the header dict, as the raw text up to the next top-level ',' or '}'.
std::string_view dictValue(const std::filesystem::path& path, std::string_view header, std::string_view key)
{
    std::size_t pos = std::string_view::npos;
    for (const char quote : {'\'', '"'}) {
        const std::string quoted = fmt::format("{0}{1}{0}", quote, key);
        pos = header.find(quoted);
        if (pos != std::string_view::npos) {
            pos += quoted.size();
            break;
        }
    }
    if (pos == std::string_view::npos) {
        fail(path, fmt::format("the .npy header has no '{}' entry", key));
    }
    pos = header.find_first_not_of(" \t", pos);
    if (pos == std::string_view::npos || header[pos] != ':') {
        fail(path, fmt::format("the .npy header entry '{}' has no ':'", key));
    }
    ++pos;
    std::size_t end = pos;
    int depth = 0;
    while (end < header.size()) {
        const char c = header[end];
        if (c == '(' || c == '[') {
            ++depth;
        } else if (c == ')' || c == ']') {
            --depth;
        } else if ((c == ',' || c == '}') && depth <= 0) {
            break;
        }
        ++end;
    }
    return detail::trim(header.substr(pos, end - pos));
}

std::vector<std::size_t> parseShape(const std::filesystem::path& path, std::string_view text)
{
    if (text.size() < 2 || text.front() != '(' || text.back() != ')') {
        fail(path, fmt::format("the .npy shape '{}' is not a tuple", detail::quoteForMessage(text)));
    }
    std::vector<std::size_t> shape;
    std::string_view inner = text.substr(1, text.size() - 2);
    while (!detail::trim(inner).empty()) {
        const std::size_t comma = inner.find(',');
        const std::string_view item = detail::trim(inner.substr(0, comma));
        const auto value = detail::parseInteger(item);
        if (!value || *value < 0) {
            fail(path, fmt::format("the .npy shape '{}' has an invalid dimension '{}'", detail::quoteForMessage(text),
                                   detail::quoteForMessage(item)));
        }
        shape.push_back(static_cast<std::size_t>(*value));
        if (comma == std::string_view::npos) {
            break;
        }
        inner = inner.substr(comma + 1);
    }
    return shape;
}

} // namespace

void writeNpy(const std::filesystem::path& path, std::span<const Vec3> rows)
{
    std::string header = fmt::format("{{'descr': '<f8', 'fortran_order': False, 'shape': ({}, 3), }}", rows.size());
    // Pad so magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
    const std::size_t unpadded = kMagic.size() + 4 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';

    std::string bytes;
    bytes.reserve(kMagic.size() + 4 + header.size() + rows.size() * 3 * sizeof(double));
    const char preamble[4] = {'\x01', '\x00', static_cast<char>(header.size() & 0xff),
                              static_cast<char>((header.size() >> 8) & 0xff)};
    bytes.append(kMagic.data(), kMagic.size());
    bytes.append(preamble, sizeof(preamble));
    bytes.append(header);
    for (const Vec3& r : rows) {
        for (int d = 0; d < 3; ++d) {
            const double v = r[d];
            char raw[sizeof(double)];
            std::memcpy(raw, &v, sizeof(double));
            bytes.append(raw, sizeof(double));
        }
    }
    detail::writeFileAtomically(path, bytes);
}

std::vector<double> readNpy(const std::filesystem::path& path, std::vector<std::size_t>& shape)
{
    const std::string bytes = detail::readTextFile(path);
    const std::string_view view(bytes);
    if (view.size() < 10 || view.substr(0, kMagic.size()) != kMagic) {
        fail(path, "not a .npy file (missing the \\x93NUMPY magic string)");
    }
    const auto major = static_cast<unsigned char>(view[6]);
    std::size_t headerLength = 0;
    std::size_t headerStart = 0;
    if (major == 1) {
        headerLength = static_cast<unsigned char>(view[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(view[9])) << 8);
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (view.size() < 12) {
            fail(path, "truncated .npy header");
        }
        for (int k = 3; k >= 0; --k) {
            headerLength = (headerLength << 8) | static_cast<unsigned char>(view[8 + static_cast<std::size_t>(k)]);
        }
        headerStart = 12;
    } else {
        fail(path, fmt::format("unsupported .npy format version {}.{} (expected 1.0, 2.0 or 3.0)", major,
                               static_cast<unsigned char>(view[7])));
    }
    if (headerLength > view.size() - headerStart) {
        fail(path, fmt::format("truncated .npy header: {} bytes announced, {} present", headerLength,
                               view.size() - headerStart));
    }
    const std::string_view header = view.substr(headerStart, headerLength);

    const std::string_view descr = dictValue(path, header, "descr");
    if (descr != "'<f8'" && descr != "\"<f8\"") {
        fail(path, fmt::format("unsupported .npy dtype {} (only '<f8', little-endian float64, is read)",
                               detail::quoteForMessage(descr)));
    }
    if (dictValue(path, header, "fortran_order") != "False") {
        fail(path, "unsupported .npy layout: fortran_order must be False (C order)");
    }
    shape = parseShape(path, dictValue(path, header, "shape"));

    std::size_t count = 1;
    for (std::size_t n : shape) {
        if (n != 0 && count > std::numeric_limits<std::size_t>::max() / sizeof(double) / n) {
            fail(path, "the .npy shape is too large");
        }
        count *= n;
    }
    const std::size_t dataStart = headerStart + headerLength;
    const std::size_t available = view.size() - dataStart;
    if (available != count * sizeof(double)) {
        fail(path, fmt::format("the .npy data has {} bytes but the shape needs {} ({} float64 values)", available,
                               count * sizeof(double), count));
    }
    std::vector<double> values(count);
    if (count > 0) {
        std::memcpy(values.data(), view.data() + dataStart, count * sizeof(double));
    }
    return values;
}

} // namespace proteinmd
