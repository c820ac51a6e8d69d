#include "proteinmd/io/dcd.h"

#include <bit>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "io/file_io.h"
#include "io/output_file.h"
#include "proteinmd/core/error.h"

namespace proteinmd {

namespace fs = std::filesystem;

namespace {

constexpr std::int32_t kHeaderRecord = 84;
constexpr std::uint64_t kNsetOffset = 8;   // after [84] "CORD"
constexpr std::uint64_t kNstepOffset = 20; // after NSET ISTART NSAVC
constexpr double kNmToAngstrom = 10.0;

// Little-endian encoding, whatever the host (DCD readers detect the byte order from the first record).
void putU32(std::string& out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i) {
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    }
}
void putI32(std::string& out, std::int32_t v) { putU32(out, static_cast<std::uint32_t>(v)); }
void putF32(std::string& out, float v) { putU32(out, std::bit_cast<std::uint32_t>(v)); }
void putF64(std::string& out, double v)
{
    const auto u = std::bit_cast<std::uint64_t>(v);
    putU32(out, static_cast<std::uint32_t>(u));
    putU32(out, static_cast<std::uint32_t>(u >> 32));
}
std::uint32_t getU32(std::string_view in, std::uint64_t at)
{
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
        v |= std::uint32_t{static_cast<unsigned char>(in[static_cast<std::size_t>(at) + static_cast<std::size_t>(i)])}
            << (8 * i);
    }
    return v;
}
std::int32_t getI32(std::string_view in, std::uint64_t at) { return static_cast<std::int32_t>(getU32(in, at)); }
float getF32(std::string_view in, std::uint64_t at) { return std::bit_cast<float>(getU32(in, at)); }
double getF64(std::string_view in, std::uint64_t at)
{
    return std::bit_cast<double>(std::uint64_t{getU32(in, at)} | (std::uint64_t{getU32(in, at + 4)} << 32));
}

std::int32_t toInt32(std::int64_t v, const std::string& what, const fs::path& path)
{
    if (v < std::numeric_limits<std::int32_t>::min() || v > std::numeric_limits<std::int32_t>::max()) {
        throw SetupError(fmt::format("dcd '{}': {} {} does not fit the format's 32-bit field", path.string(), what, v));
    }
    return static_cast<std::int32_t>(v);
}

std::uint64_t frameBytesFor(int numAtoms, bool unitCell)
{
    return (unitCell ? 56u : 0u) + 3 * (8 + 4 * static_cast<std::uint64_t>(numAtoms));
}

std::string headerBytes(int numAtoms, std::int32_t istart, std::int32_t nsavc, float deltaAkma, const std::string& title)
{
    std::string h;
    putI32(h, kHeaderRecord);
    h += "CORD";
    putI32(h, 0); // NSET, rewritten on flush
    putI32(h, istart);
    putI32(h, nsavc);
    putI32(h, 0); // NSTEP, rewritten on flush
    for (int i = 0; i < 5; ++i) {
        putI32(h, 0);
    }
    putF32(h, deltaAkma);
    putI32(h, 1); // every frame carries a unit cell
    for (int i = 0; i < 8; ++i) {
        putI32(h, 0);
    }
    putI32(h, 24); // CHARMM version that introduced the unit-cell record
    putI32(h, kHeaderRecord);
    std::string line = "REMARKS " + title;
    line.resize(80, ' ');
    putI32(h, 4 + 80);
    putI32(h, 1);
    h += line;
    putI32(h, 4 + 80);
    putI32(h, 4);
    putI32(h, numAtoms);
    putI32(h, 4);
    return h;
}

} // namespace

DcdWriter::DcdWriter(const fs::path& path, int numAtoms, double timestepPs, int stepsBetweenFrames,
                     std::int64_t firstStep, bool append, const std::string& title)
    : numAtoms_(numAtoms), firstStep_(toInt32(firstStep, "first step", path)), stepsBetweenFrames_(stepsBetweenFrames)
{
    if (numAtoms < 0 || stepsBetweenFrames < 0 || !(timestepPs >= 0) || !std::isfinite(timestepPs)) {
        throw SetupError(fmt::format("dcd '{}': invalid atom count {}, frame interval {} or time step {}",
                                     path.string(), numAtoms, stepsBetweenFrames, timestepPs));
    }
    std::error_code ec;
    if (append && fs::is_regular_file(path, ec) && fs::file_size(path, ec) > 0) {
        const DcdReader existing(path);
        if (existing.numAtoms() != numAtoms || !existing.hasUnitCell()) {
            throw InputError(SourceLocation{path.string(), 0, {}},
                             fmt::format("cannot append: the file holds {} atoms{}, this run has {}",
                                         existing.numAtoms(), existing.hasUnitCell() ? "" : " without unit cells",
                                         numAtoms));
        }
        frames_ = existing.completeFrames();
        firstStep_ = existing.firstStep();
        stepsBetweenFrames_ = existing.stepsBetweenFrames();
        const std::uint64_t end = existing.headerBytes() + static_cast<std::uint64_t>(frames_) * existing.frameBytes();
        if (end != detail::fileSizeOf(path)) {
            detail::truncateFile(path, end);
        }
        file_ = std::make_unique<detail::OutputFile>(path, detail::OpenMode::Update);
    } else {
        file_ = std::make_unique<detail::OutputFile>(path, detail::OpenMode::Truncate);
        file_->write(headerBytes(numAtoms, firstStep_, stepsBetweenFrames_,
                                 static_cast<float>(timestepPs / kAkmaTimePs), title));
    }
    scratch_.resize(static_cast<std::size_t>(numAtoms));
}

DcdWriter::~DcdWriter()
{
    if (file_ && file_->isOpen()) {
        try {
            flush();
        } catch (...) { // NOLINT(bugprone-empty-catch): destructors cannot throw; close() reports instead
        }
    }
}
DcdWriter::DcdWriter(DcdWriter&&) noexcept = default;
DcdWriter& DcdWriter::operator=(DcdWriter&&) noexcept = default;

void DcdWriter::write(std::span<const Vec3> positions, const Box& box)
{
    if (static_cast<int>(positions.size()) != numAtoms_) {
        throw SetupError(fmt::format("dcd '{}': frame has {} atoms, the file was opened for {}",
                                     file_->path().string(), positions.size(), numAtoms_));
    }
    std::string out;
    out.reserve(static_cast<std::size_t>(frameBytesFor(numAtoms_, true)));
    putI32(out, 48);
    std::array<double, 6> cell{}; // all zero without a box
    if (box.isPeriodic()) {
        const Matrix3& v = box.vectors();
        const double a = norm(v[0]), b = norm(v[1]), c = norm(v[2]);
        cell = {a * kNmToAngstrom, dot(v[0], v[1]) / (a * b), b * kNmToAngstrom,
                dot(v[0], v[2]) / (a * c), dot(v[1], v[2]) / (b * c), c * kNmToAngstrom};
    }
    for (double x : cell) {
        putF64(out, x);
    }
    putI32(out, 48);
    const auto recordBytes = static_cast<std::int32_t>(4 * numAtoms_);
    for (int d = 0; d < 3; ++d) {
        putI32(out, recordBytes);
        for (const Vec3& p : positions) {
            putF32(out, static_cast<float>(p[d] * kNmToAngstrom));
        }
        putI32(out, recordBytes);
    }
    file_->write(out);
    ++frames_;
}

void DcdWriter::updateHeader()
{
    if (framesInHeader_ == frames_) {
        return;
    }
    std::string field;
    putI32(field, toInt32(frames_, "frame count", file_->path()));
    file_->overwriteAt(kNsetOffset, field.data(), 4);
    field.clear();
    const std::int64_t lastStep = firstStep_ + std::max<std::int64_t>(frames_ - 1, 0) * stepsBetweenFrames_;
    putI32(field, toInt32(lastStep, "last step", file_->path()));
    file_->overwriteAt(kNstepOffset, field.data(), 4);
    framesInHeader_ = frames_;
}

void DcdWriter::flush()
{
    file_->flush();
    updateHeader();
}

void DcdWriter::close()
{
    if (file_->isOpen()) {
        flush();
        file_->close();
    }
}

std::uint64_t DcdWriter::bytesWritten() const { return file_->size(); }

DcdReader::DcdReader(const fs::path& path) : path_(path.string()), data_(detail::readTextFile(path))
{
    auto fail = [&](const std::string& problem) {
        throw InputError(SourceLocation{path_, 0, {}}, "not a readable DCD file: " + problem);
    };
    const std::string_view d = data_;
    if (d.size() < 92) {
        fail(fmt::format("only {} bytes, the header alone needs at least 92", d.size()));
    }
    if (getI32(d, 0) != kHeaderRecord || d.substr(4, 4) != "CORD") {
        fail("expected the record [84] \"CORD\" (little-endian) at the start");
    }
    if (getI32(d, 88) != kHeaderRecord) {
        fail("the first record does not end with its length marker 84");
    }
    nset_ = getI32(d, 8);
    istart_ = getI32(d, 12);
    nsavc_ = getI32(d, 16);
    delta_ = getF32(d, 44);
    hasUnitCell_ = getI32(d, 48) != 0;
    std::uint64_t at = 92;
    const std::int32_t titleBytes = getI32(d, at);
    if (titleBytes < 4 || at + 8 + static_cast<std::uint64_t>(titleBytes) + 12 > d.size() ||
        getI32(d, at + 4 + static_cast<std::uint64_t>(titleBytes)) != titleBytes) {
        fail("malformed title record");
    }
    at += 8 + static_cast<std::uint64_t>(titleBytes);
    if (getI32(d, at) != 4 || getI32(d, at + 8) != 4) {
        fail("malformed atom-count record");
    }
    numAtoms_ = getI32(d, at + 4);
    if (numAtoms_ < 0) {
        fail(fmt::format("negative atom count {}", numAtoms_));
    }
    headerBytes_ = at + 12;
    offset_ = headerBytes_;
}

std::uint64_t DcdReader::frameBytes() const { return frameBytesFor(numAtoms_, hasUnitCell_); }

std::int64_t DcdReader::completeFrames() const
{
    return static_cast<std::int64_t>((data_.size() - headerBytes_) / frameBytes());
}

bool DcdReader::next(DcdFrame& frame)
{
    if (offset_ >= data_.size()) {
        return false;
    }
    const std::string_view d = data_;
    auto fail = [&](const std::string& problem) {
        throw InputError(SourceLocation{path_, 0, {}},
                         fmt::format("frame {} (byte offset {}): {}", frameIndex_ + 1, offset_, problem));
    };
    if (offset_ + frameBytes() > d.size()) {
        fail(fmt::format("truncated frame: needs {} bytes, {} left in the file", frameBytes(), d.size() - offset_));
    }
    std::uint64_t at = offset_;
    if (hasUnitCell_) {
        if (getI32(d, at) != 48 || getI32(d, at + 52) != 48) {
            fail("expected the 48-byte unit-cell record");
        }
        for (std::size_t i = 0; i < 6; ++i) {
            frame.unitCell[i] = getF64(d, at + 4 + 8 * i);
        }
        at += 56;
    }
    frame.positions.resize(static_cast<std::size_t>(numAtoms_));
    const auto recordBytes = static_cast<std::int32_t>(4 * numAtoms_);
    for (int c = 0; c < 3; ++c) {
        if (getI32(d, at) != recordBytes || getI32(d, at + 4 + static_cast<std::uint64_t>(recordBytes)) != recordBytes) {
            fail(fmt::format("expected a coordinate record of {} bytes", recordBytes));
        }
        at += 4;
        for (auto& p : frame.positions) {
            p[c] = getF32(d, at);
            at += 4;
        }
        at += 4;
    }
    offset_ = at;
    ++frameIndex_;
    return true;
}

} // namespace proteinmd
