#include "proteinmd/io/xtc.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "io/output_file.h"
#include "io/xdr.h"
#include "io/xtc_compression.h"
#include "proteinmd/core/error.h"

namespace proteinmd {

namespace fs = std::filesystem;

namespace {

constexpr std::int32_t kXtcMagic = 1995;
constexpr std::size_t kFixedHeaderBytes = 16 + 36 + 4; // magic..time, box, atom count again
constexpr std::size_t kCompressedHeaderBytes = 36;     // precision, min/max ints, small index, byte count
constexpr int kMaxPlausibleAtoms = 1 << 30;

// Bytes from the file at offset (fewer at the end). Throws InputError on a read error.
std::string readAt(std::ifstream& in, const std::string& path, std::uint64_t offset, std::size_t bytes)
{
    std::string out(bytes, '\0');
    in.clear();
    in.seekg(static_cast<std::streamoff>(offset));
    in.read(out.data(), static_cast<std::streamsize>(bytes));
    if (in.bad()) {
        throw InputError(SourceLocation{path, 0, {}}, fmt::format("read error at byte {}", offset));
    }
    out.resize(static_cast<std::size_t>(in.gcount()));
    return out;
}

struct FrameExtent {
    std::uint64_t bytes = 0; // whole frame length; 0 if malformed or truncated
    int numAtoms = 0;
    std::string problem;
};

// Length of the frame starting with `head` (at least kFixedHeaderBytes + kCompressedHeaderBytes bytes
// unless the file ends sooner), given `left` bytes from the frame start to the end of the file.
FrameExtent frameExtent(std::string_view head, std::uint64_t left)
{
    FrameExtent e;
    detail::XdrDecoder in(head);
    const std::int32_t magic = in.getInt32();
    const std::int32_t natoms = in.getInt32();
    in.skip(8 + 36);
    const std::int32_t natoms2 = in.getInt32();
    if (!in.ok()) {
        e.problem = fmt::format("file ends inside a frame header ({} bytes left)", left);
        return e;
    }
    if (magic != kXtcMagic) {
        e.problem = fmt::format("expected the xtc magic number {}, found {}", kXtcMagic, magic);
        return e;
    }
    if (natoms < 0 || natoms > kMaxPlausibleAtoms || natoms2 != natoms) {
        e.problem = fmt::format("invalid atom count {} (coordinate block says {})", natoms, natoms2);
        return e;
    }
    e.numAtoms = natoms;
    std::uint64_t total = kFixedHeaderBytes;
    if (natoms <= 9) {
        total += 12 * static_cast<std::uint64_t>(natoms);
    } else {
        in.skip(32);
        const std::int32_t byteCount = in.getInt32();
        if (!in.ok()) {
            e.problem = fmt::format("file ends inside a frame header ({} bytes left)", left);
            return e;
        }
        if (byteCount < 0) {
            e.problem = fmt::format("invalid compressed length {}", byteCount);
            return e;
        }
        const auto n = static_cast<std::uint64_t>(byteCount);
        total += kCompressedHeaderBytes + n + (4 - n % 4) % 4;
    }
    if (total > left) {
        e.problem = fmt::format("truncated frame: needs {} bytes, {} left in the file", total, left);
        return e;
    }
    e.bytes = total;
    return e;
}

std::uint64_t sizeOfReadable(std::ifstream& in)
{
    in.clear();
    in.seekg(0, std::ios::end);
    const auto end = in.tellg();
    return end < 0 ? 0 : static_cast<std::uint64_t>(end);
}

} // namespace

XtcWriter::XtcWriter(const fs::path& path, int numAtoms, float precision, bool append)
    : numAtoms_(numAtoms), precision_(precision)
{
    if (numAtoms < 0) {
        throw SetupError(fmt::format("xtc '{}': negative atom count {}", path.string(), numAtoms));
    }
    if (!(precision > 0) || !std::isfinite(precision)) {
        throw SetupError(fmt::format("xtc '{}': precision must be positive, got {}", path.string(), precision));
    }
    std::error_code ec;
    const bool existing = append && fs::is_regular_file(path, ec);
    if (existing) {
        // Keep only whole frames, and refuse a file of another system.
        std::ifstream in(path, std::ios::binary);
        const std::string head = readAt(in, path.string(), 0, 8);
        detail::XdrDecoder decoder(head);
        decoder.getInt32();
        const std::int32_t fileAtoms = decoder.getInt32();
        if (decoder.ok() && fileAtoms != numAtoms) {
            throw InputError(SourceLocation{path.string(), 0, {}},
                             fmt::format("cannot append: the file holds frames of {} atoms, this run has {}",
                                         fileAtoms, numAtoms));
        }
        const std::uint64_t end = XtcReader::lastCompleteFrameEnd(path);
        if (end != detail::fileSizeOf(path)) {
            detail::truncateFile(path, end);
        }
    }
    file_ = std::make_unique<detail::OutputFile>(path, existing ? detail::OpenMode::Append : detail::OpenMode::Truncate);
    scratch_.resize(static_cast<std::size_t>(numAtoms));
}

XtcWriter::~XtcWriter() = default;
XtcWriter::XtcWriter(XtcWriter&&) noexcept = default;
XtcWriter& XtcWriter::operator=(XtcWriter&&) noexcept = default;

void XtcWriter::write(std::int64_t step, double timePs, std::span<const Vec3> positions, const Box& box)
{
    const std::string& name = file_->path().string();
    if (static_cast<int>(positions.size()) != numAtoms_) {
        throw SetupError(fmt::format("xtc '{}': frame has {} atoms, the file was opened for {}", name,
                                     positions.size(), numAtoms_));
    }
    if (step < std::numeric_limits<std::int32_t>::min() || step > std::numeric_limits<std::int32_t>::max()) {
        throw SetupError(fmt::format("xtc '{}': step {} does not fit the format's 32-bit step field", name, step));
    }
    for (std::size_t i = 0; i < positions.size(); ++i) {
        const Vec3& p = positions[i];
        if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) {
            throw SetupError(fmt::format("xtc '{}': atom {} has a non-finite position", name, i + 1));
        }
        scratch_[i] = Vec3f{static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(p.z)};
    }
    detail::XdrEncoder out;
    out.bytes().reserve(92 + positions.size() * 6);
    out.putInt32(kXtcMagic);
    out.putInt32(numAtoms_);
    out.putInt32(static_cast<std::int32_t>(step));
    out.putFloat(static_cast<float>(timePs));
    const Matrix3& v = box.vectors();
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            out.putFloat(box.isPeriodic() ? static_cast<float>(v[r][c]) : 0.0f);
        }
    }
    try {
        detail::encodeXtcCoordinates(scratch_, precision_, out);
    } catch (const SetupError& e) {
        throw SetupError(fmt::format("'{}' step {}: {}", name, step, e.what()));
    }
    file_->write(out.bytes());
    ++frames_;
}

void XtcWriter::flush() { file_->flush(); }
void XtcWriter::close() { file_->close(); }
std::uint64_t XtcWriter::bytesWritten() const { return file_->size(); }

XtcReader::XtcReader(const fs::path& path) : path_(path.string())
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(SourceLocation{path_, 0, {}}, fmt::format("cannot open xtc file ({})", std::strerror(errno)));
    }
    const std::uint64_t size = sizeOfReadable(in);
    data_ = readAt(in, path_, 0, static_cast<std::size_t>(size));
    if (data_.size() >= 8) {
        detail::XdrDecoder head(data_);
        head.getInt32();
        numAtoms_ = head.getInt32();
    }
}

bool XtcReader::next(XtcFrame& frame)
{
    if (offset_ >= data_.size()) {
        return false;
    }
    const std::string_view rest = std::string_view(data_).substr(static_cast<std::size_t>(offset_));
    const FrameExtent extent = frameExtent(rest.substr(0, kFixedHeaderBytes + kCompressedHeaderBytes), rest.size());
    auto fail = [&](const std::string& problem) {
        throw InputError(SourceLocation{path_, 0, {}},
                         fmt::format("frame {} (byte offset {}): {}", frameIndex_ + 1, offset_, problem));
    };
    if (extent.bytes == 0) {
        fail(extent.problem);
    }
    if (extent.numAtoms != numAtoms_) {
        fail(fmt::format("frame has {} atoms, the first frame has {}", extent.numAtoms, numAtoms_));
    }
    detail::XdrDecoder in(rest.substr(0, static_cast<std::size_t>(extent.bytes)));
    in.getInt32();
    in.getInt32();
    frame.step = in.getInt32();
    frame.time = in.getFloat();
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            frame.box[r][c] = in.getFloat();
        }
    }
    frame.positions.resize(static_cast<std::size_t>(extent.numAtoms));
    std::string problem;
    if (!detail::decodeXtcCoordinates(in, frame.positions, frame.precision, problem)) {
        fail(problem);
    }
    offset_ += extent.bytes;
    ++frameIndex_;
    return true;
}

std::uint64_t XtcReader::lastCompleteFrameEnd(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(SourceLocation{path.string(), 0, {}},
                         fmt::format("cannot open xtc file ({})", std::strerror(errno)));
    }
    const std::uint64_t size = sizeOfReadable(in);
    std::uint64_t offset = 0;
    int numAtoms = -1;
    while (offset < size) {
        const std::string head = readAt(in, path.string(), offset, kFixedHeaderBytes + kCompressedHeaderBytes);
        const FrameExtent extent = frameExtent(head, size - offset);
        if (extent.bytes == 0 || (numAtoms >= 0 && extent.numAtoms != numAtoms)) {
            break;
        }
        numAtoms = extent.numAtoms;
        offset += extent.bytes;
    }
    return offset;
}

std::int64_t XtcReader::countFrames(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(SourceLocation{path.string(), 0, {}},
                         fmt::format("cannot open xtc file ({})", std::strerror(errno)));
    }
    const std::uint64_t size = sizeOfReadable(in);
    std::uint64_t offset = 0;
    std::int64_t frames = 0;
    while (offset < size) {
        const FrameExtent extent =
            frameExtent(readAt(in, path.string(), offset, kFixedHeaderBytes + kCompressedHeaderBytes), size - offset);
        if (extent.bytes == 0) {
            break;
        }
        offset += extent.bytes;
        ++frames;
    }
    return frames;
}

} // namespace proteinmd
