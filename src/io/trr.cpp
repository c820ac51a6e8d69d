#include "proteinmd/io/trr.h"

#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "io/file_io.h"
#include "io/output_file.h"
#include "io/xdr.h"
#include "proteinmd/core/error.h"

namespace proteinmd {

namespace fs = std::filesystem;

namespace {

constexpr std::int32_t kTrrMagic = 1993;
constexpr std::string_view kVersion = "GMX_trn_file";

struct TrrHeader {
    std::array<std::int32_t, 10> sizes{}; // ir, e, box, vir, pres, top, sym, x, v, f
    std::int32_t natoms = 0;
    std::int32_t step = 0;
    bool isDouble = false;
    std::uint64_t headerBytes = 0;
    std::uint64_t frameBytes = 0;
};

enum Block { kIr, kE, kBox, kVir, kPres, kTop, kSym, kX, kV, kF };

// Parses a frame header from `data`; returns false with `problem` if malformed or incomplete.
bool parseHeader(std::string_view data, TrrHeader& h, std::string& problem)
{
    detail::XdrDecoder in(data);
    const std::int32_t magic = in.getInt32();
    const std::int32_t slen = in.getInt32();
    if (!in.ok()) {
        problem = "file ends inside a frame header";
        return false;
    }
    if (magic != kTrrMagic) {
        problem = fmt::format("expected the trr magic number {}, found {}", kTrrMagic, magic);
        return false;
    }
    const std::uint32_t len = in.getUint32();
    if (!in.ok() || slen != static_cast<std::int32_t>(kVersion.size() + 1) || len != kVersion.size()) {
        problem = fmt::format("expected the version string '{}'", kVersion);
        return false;
    }
    if (in.getOpaque(len) != kVersion) {
        problem = fmt::format("expected the version string '{}'", kVersion);
        return false;
    }
    for (auto& s : h.sizes) {
        s = in.getInt32();
    }
    h.natoms = in.getInt32();
    h.step = in.getInt32();
    in.getInt32(); // nre
    if (!in.ok()) {
        problem = "file ends inside a frame header";
        return false;
    }
    if (h.natoms < 0) {
        problem = fmt::format("invalid atom count {}", h.natoms);
        return false;
    }
    // The real size follows from whichever block is present (GROMACS's rule).
    std::int64_t realSize = 0;
    if (h.sizes[kBox] != 0) {
        realSize = h.sizes[kBox] / 9;
    } else if (h.natoms > 0) {
        for (int b : {kX, kV, kF}) {
            if (h.sizes[static_cast<std::size_t>(b)] != 0) {
                realSize = h.sizes[static_cast<std::size_t>(b)] / (3 * std::int64_t{h.natoms});
                break;
            }
        }
    }
    if (realSize == 0) {
        realSize = 4;
    }
    if (realSize != 4 && realSize != 8) {
        problem = fmt::format("block sizes imply {}-byte reals (expected 4 or 8)", realSize);
        return false;
    }
    h.isDouble = realSize == 8;
    std::uint64_t payload = 0;
    for (std::size_t b = 0; b < h.sizes.size(); ++b) {
        if (h.sizes[b] < 0) {
            problem = fmt::format("negative block size {}", h.sizes[b]);
            return false;
        }
        payload += static_cast<std::uint64_t>(h.sizes[b]);
    }
    for (int b : {kX, kV, kF}) {
        const auto s = h.sizes[static_cast<std::size_t>(b)];
        if (s != 0 && s != 3 * realSize * h.natoms) {
            problem = fmt::format("block of {} bytes for {} atoms", s, h.natoms);
            return false;
        }
    }
    if (h.sizes[kBox] != 0 && h.sizes[kBox] != 9 * realSize) {
        problem = fmt::format("box block of {} bytes", h.sizes[kBox]);
        return false;
    }
    h.headerBytes = in.position() + 2 * static_cast<std::uint64_t>(realSize);
    h.frameBytes = h.headerBytes + payload;
    return true;
}

std::string readWholeFile(const fs::path& path)
{
    return detail::readTextFile(path); // binary-safe: reads the raw bytes
}

} // namespace

TrrWriter::TrrWriter(const fs::path& path, int numAtoms, bool doublePrecision, bool append)
    : numAtoms_(numAtoms), double_(doublePrecision)
{
    if (numAtoms < 0) {
        throw SetupError(fmt::format("trr '{}': negative atom count {}", path.string(), numAtoms));
    }
    std::error_code ec;
    const bool existing = append && fs::is_regular_file(path, ec);
    if (existing) {
        const std::uint64_t end = TrrReader::lastCompleteFrameEnd(path);
        if (end != detail::fileSizeOf(path)) {
            detail::truncateFile(path, end);
        }
    }
    file_ = std::make_unique<detail::OutputFile>(path, existing ? detail::OpenMode::Append : detail::OpenMode::Truncate);
}

TrrWriter::~TrrWriter() = default;
TrrWriter::TrrWriter(TrrWriter&&) noexcept = default;
TrrWriter& TrrWriter::operator=(TrrWriter&&) noexcept = default;

void TrrWriter::write(std::int64_t step, double timePs, double lambda, const Box& box, std::span<const Vec3> positions,
                      std::span<const Vec3> velocities, std::span<const Vec3> forces)
{
    const std::string name = file_->path().string();
    for (const auto& block : {positions, velocities, forces}) {
        if (!block.empty() && static_cast<int>(block.size()) != numAtoms_) {
            throw SetupError(fmt::format("trr '{}': block of {} atoms, the file was opened for {}", name,
                                         block.size(), numAtoms_));
        }
    }
    if (step < std::numeric_limits<std::int32_t>::min() || step > std::numeric_limits<std::int32_t>::max()) {
        throw SetupError(fmt::format("trr '{}': step {} does not fit the format's 32-bit step field", name, step));
    }
    const std::int32_t real = double_ ? 8 : 4;
    const std::int32_t vecBytes = 3 * real * numAtoms_;
    detail::XdrEncoder out;
    auto putReal = [&](double v) {
        if (double_) {
            out.putDouble(v);
        } else {
            out.putFloat(static_cast<float>(v));
        }
    };
    out.putInt32(kTrrMagic);
    out.putInt32(static_cast<std::int32_t>(kVersion.size() + 1));
    out.putString(kVersion);
    const std::array<std::int32_t, 10> sizes{0, 0, 9 * real, 0, 0, 0, 0,
                                             positions.empty() ? 0 : vecBytes,
                                             velocities.empty() ? 0 : vecBytes,
                                             forces.empty() ? 0 : vecBytes};
    for (std::int32_t s : sizes) {
        out.putInt32(s);
    }
    out.putInt32(numAtoms_);
    out.putInt32(static_cast<std::int32_t>(step));
    out.putInt32(0); // nre
    putReal(timePs);
    putReal(lambda);
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            putReal(box.isPeriodic() ? box.vectors()[r][c] : 0.0);
        }
    }
    for (const auto& block : {positions, velocities, forces}) {
        for (const Vec3& v : block) {
            putReal(v.x);
            putReal(v.y);
            putReal(v.z);
        }
    }
    file_->write(out.bytes());
    ++frames_;
}

void TrrWriter::flush() { file_->flush(); }
void TrrWriter::close() { file_->close(); }
std::uint64_t TrrWriter::bytesWritten() const { return file_->size(); }

TrrReader::TrrReader(const fs::path& path) : path_(path.string()), data_(readWholeFile(path)) {}

bool TrrReader::next(TrrFrame& frame)
{
    if (offset_ >= data_.size()) {
        return false;
    }
    const std::string_view rest = std::string_view(data_).substr(static_cast<std::size_t>(offset_));
    auto fail = [&](const std::string& problem) {
        throw InputError(SourceLocation{path_, 0, {}},
                         fmt::format("frame {} (byte offset {}): {}", frameIndex_ + 1, offset_, problem));
    };
    TrrHeader h;
    std::string problem;
    if (!parseHeader(rest, h, problem)) {
        fail(problem);
    }
    if (h.frameBytes > rest.size()) {
        fail(fmt::format("truncated frame: needs {} bytes, {} left in the file", h.frameBytes, rest.size()));
    }
    detail::XdrDecoder in(rest.substr(0, static_cast<std::size_t>(h.frameBytes)));
    in.skip(static_cast<std::size_t>(h.headerBytes) - (h.isDouble ? 16 : 8));
    auto getReal = [&]() { return h.isDouble ? in.getDouble() : static_cast<double>(in.getFloat()); };
    frame.step = h.step;
    frame.time = getReal();
    frame.lambda = getReal();
    frame.doublePrecision = h.isDouble;
    frame.hasBox = h.sizes[kBox] != 0;
    for (int b = kBox; b <= kSym; ++b) {
        if (b == kBox && frame.hasBox) {
            for (int r = 0; r < 3; ++r) {
                for (int c = 0; c < 3; ++c) {
                    frame.box[r][c] = getReal();
                }
            }
        } else {
            in.skip(static_cast<std::size_t>(h.sizes[static_cast<std::size_t>(b)]));
        }
    }
    auto readVectors = [&](int b, std::vector<Vec3>& v) {
        v.clear();
        if (h.sizes[static_cast<std::size_t>(b)] == 0) {
            return;
        }
        v.resize(static_cast<std::size_t>(h.natoms));
        for (Vec3& p : v) {
            p.x = getReal();
            p.y = getReal();
            p.z = getReal();
        }
    };
    readVectors(kX, frame.positions);
    readVectors(kV, frame.velocities);
    readVectors(kF, frame.forces);
    if (!in.ok()) {
        fail("frame ends early");
    }
    offset_ += h.frameBytes;
    ++frameIndex_;
    return true;
}

std::uint64_t TrrReader::lastCompleteFrameEnd(const fs::path& path)
{
    const std::string data = readWholeFile(path);
    std::uint64_t offset = 0;
    while (offset < data.size()) {
        TrrHeader h;
        std::string problem;
        const std::string_view rest = std::string_view(data).substr(static_cast<std::size_t>(offset));
        if (!parseHeader(rest, h, problem) || h.frameBytes > rest.size()) {
            break;
        }
        offset += h.frameBytes;
    }
    return offset;
}

} // namespace proteinmd
