#include "proteinmd/io/checkpoint.h"

#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "io/file_io.h"
#include "io/output_file.h"
#include "proteinmd/core/error.h"

namespace proteinmd {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kMagic{"PMDCKPT\0", 8};
constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8 + 4 + 4;
// Guards against absurd counts from a damaged file before any allocation is made.
constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 40;

constexpr std::array<std::uint32_t, 256> makeCrcTable()
{
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k) {
            c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        table[i] = c;
    }
    return table;
}
constexpr auto kCrcTable = makeCrcTable();

class Encoder {
public:
    void u32(std::uint32_t v)
    {
        for (int i = 0; i < 4; ++i) {
            out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
        }
    }
    void u64(std::uint64_t v)
    {
        u32(static_cast<std::uint32_t>(v));
        u32(static_cast<std::uint32_t>(v >> 32));
    }
    void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
    void f64(double v) { u64(std::bit_cast<std::uint64_t>(v)); }
    void str(const std::string& s)
    {
        u64(s.size());
        out_ += s;
    }
    void vec(const Vec3& v)
    {
        f64(v.x);
        f64(v.y);
        f64(v.z);
    }
    std::string& bytes() { return out_; }

private:
    std::string out_;
};

class Decoder {
public:
    Decoder(std::string_view in, const std::string& file) : in_(in), file_(file) {}
    [[noreturn]] void fail(const std::string& what) const
    {
        throw InputError(SourceLocation{file_, 0, {}}, fmt::format("corrupt checkpoint: {} (at payload byte {} of {})",
                                                                   what, pos_, in_.size()));
    }
    void need(std::uint64_t n, const char* what)
    {
        if (n > in_.size() - pos_) {
            fail(fmt::format("{} needs {} bytes, {} left", what, n, in_.size() - pos_));
        }
    }
    std::uint32_t u32()
    {
        need(4, "a 4-byte field");
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            v |= std::uint32_t{static_cast<unsigned char>(in_[pos_++])} << (8 * i);
        }
        return v;
    }
    std::uint64_t u64()
    {
        const std::uint64_t lo = u32();
        return lo | (std::uint64_t{u32()} << 32);
    }
    std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
    double f64() { return std::bit_cast<double>(u64()); }
    std::uint64_t count(std::uint64_t bytesEach, const char* what)
    {
        const std::uint64_t n = u64();
        if (n > kMaxCount || n * bytesEach > in_.size() - pos_) {
            fail(fmt::format("{} count {} does not fit in the remaining {} bytes", what, n, in_.size() - pos_));
        }
        return n;
    }
    std::string str()
    {
        const std::uint64_t n = count(1, "name length");
        std::string s(in_.substr(pos_, static_cast<std::size_t>(n)));
        pos_ += static_cast<std::size_t>(n);
        return s;
    }
    Vec3 vec()
    {
        const double x = f64();
        const double y = f64();
        return {x, y, f64()};
    }
    bool atEnd() const { return pos_ == in_.size(); }

private:
    std::string_view in_;
    const std::string& file_;
    std::size_t pos_ = 0;
};

} // namespace

std::uint32_t crc32(std::string_view data, std::uint32_t previous)
{
    std::uint32_t c = ~previous;
    for (char ch : data) {
        c = kCrcTable[(c ^ static_cast<unsigned char>(ch)) & 0xffu] ^ (c >> 8);
    }
    return ~c;
}

std::string serializeCheckpoint(const Checkpoint& cp)
{
    if (!cp.velocities.empty() && cp.velocities.size() != cp.positions.size()) {
        throw SetupError(fmt::format("checkpoint: {} velocities for {} atoms", cp.velocities.size(), cp.positions.size()));
    }
    Encoder p;
    p.i64(cp.step);
    p.f64(cp.timePs);
    p.u64(cp.positions.size());
    for (const Vec3& v : cp.positions) { p.vec(v); }
    p.u64(cp.velocities.size());
    for (const Vec3& v : cp.velocities) { p.vec(v); }
    p.u32(cp.box.isPeriodic() ? 1 : 0);
    for (int r = 0; r < 3; ++r) { p.vec(cp.box.vectors()[r]); }
    p.u64(cp.realState.size());
    for (const auto& [name, values] : cp.realState) {
        p.str(name);
        p.u64(values.size());
        for (double v : values) { p.f64(v); }
    }
    p.u64(cp.integerState.size());
    for (const auto& [name, values] : cp.integerState) {
        p.str(name);
        p.u64(values.size());
        for (std::uint64_t v : values) { p.u64(v); }
    }
    p.u64(cp.outputs.size());
    for (const auto& [name, state] : cp.outputs) {
        p.str(name);
        p.u64(state.bytes);
        p.i64(state.frames);
    }
    const std::string& payload = p.bytes();
    Encoder h;
    h.bytes() = std::string(kMagic);
    h.u32(kCheckpointVersion);
    h.u32(0);
    h.u64(payload.size());
    h.u32(crc32(payload));
    h.u32(0);
    return h.bytes() + payload;
}

Checkpoint parseCheckpoint(std::string_view bytes, const std::string& fileName)
{
    auto fail = [&](const std::string& what) {
        throw InputError(SourceLocation{fileName, 0, {}}, "corrupt checkpoint: " + what);
    };
    if (bytes.size() < kHeaderBytes) {
        fail(fmt::format("truncated: {} bytes, the header alone has {}", bytes.size(), kHeaderBytes));
    }
    if (bytes.substr(0, 8) != kMagic) {
        fail("not a proteinmd checkpoint (wrong magic number)");
    }
    Decoder head(bytes.substr(8, kHeaderBytes - 8), fileName);
    const std::uint32_t version = head.u32();
    head.u32();
    const std::uint64_t payloadBytes = head.u64();
    const std::uint32_t storedCrc = head.u32();
    if (version != kCheckpointVersion) {
        throw InputError(SourceLocation{fileName, 0, {}},
                         fmt::format("checkpoint format version {} is not supported (this build reads version {})",
                                     version, kCheckpointVersion));
    }
    if (payloadBytes != bytes.size() - kHeaderBytes) {
        fail(fmt::format("{}: header announces {} payload bytes, the file has {}",
                         payloadBytes > bytes.size() - kHeaderBytes ? "truncated" : "trailing data", payloadBytes,
                         bytes.size() - kHeaderBytes));
    }
    const std::string_view payload = bytes.substr(kHeaderBytes);
    const std::uint32_t actualCrc = crc32(payload);
    if (actualCrc != storedCrc) {
        fail(fmt::format("checksum mismatch (stored {:08x}, computed {:08x})", storedCrc, actualCrc));
    }

    Decoder p(payload, fileName);
    Checkpoint cp;
    cp.step = p.i64();
    cp.timePs = p.f64();
    cp.positions.resize(static_cast<std::size_t>(p.count(24, "position")));
    for (Vec3& v : cp.positions) { v = p.vec(); }
    cp.velocities.resize(static_cast<std::size_t>(p.count(24, "velocity")));
    for (Vec3& v : cp.velocities) { v = p.vec(); }
    if (!cp.velocities.empty() && cp.velocities.size() != cp.positions.size()) {
        p.fail(fmt::format("{} velocities for {} atoms", cp.velocities.size(), cp.positions.size()));
    }
    const bool periodic = p.u32() != 0;
    Matrix3 box{};
    for (int r = 0; r < 3; ++r) { box[r] = p.vec(); }
    if (periodic) {
        try {
            cp.box = Box::fromMatrix(box);
        } catch (const std::invalid_argument& e) {
            p.fail(std::string("invalid box: ") + e.what());
        }
    }
    for (std::uint64_t n = p.count(16, "real section"); n > 0; --n) {
        std::string name = p.str();
        std::vector<double> values(static_cast<std::size_t>(p.count(8, "real value")));
        for (double& v : values) { v = p.f64(); }
        cp.realState.emplace(std::move(name), std::move(values));
    }
    for (std::uint64_t n = p.count(16, "integer section"); n > 0; --n) {
        std::string name = p.str();
        std::vector<std::uint64_t> values(static_cast<std::size_t>(p.count(8, "integer value")));
        for (std::uint64_t& v : values) { v = p.u64(); }
        cp.integerState.emplace(std::move(name), std::move(values));
    }
    for (std::uint64_t n = p.count(24, "output file"); n > 0; --n) {
        std::string name = p.str();
        OutputFileState state;
        state.bytes = p.u64();
        state.frames = p.i64();
        cp.outputs.emplace(std::move(name), state);
    }
    if (!p.atEnd()) {
        p.fail("unexpected data after the last section");
    }
    return cp;
}

fs::path previousCheckpointPath(const fs::path& path) { return fs::path(path.string() + "_prev"); }

void writeCheckpoint(const fs::path& path, const Checkpoint& checkpoint)
{
    const std::string bytes = serializeCheckpoint(checkpoint);
    const fs::path temp = fs::path(path.string() + ".tmp");
    {
        detail::OutputFile file(temp, detail::OpenMode::Truncate);
        file.write(bytes);
        file.sync();
        file.close();
    }
    auto renameOrThrow = [](const fs::path& from, const fs::path& to) {
        if (std::rename(from.c_str(), to.c_str()) != 0) {
            throw Error(fmt::format("cannot write checkpoint '{}': rename to '{}' failed ({})", from.string(),
                                    to.string(), std::strerror(errno)));
        }
    };
    std::error_code ec;
    if (fs::exists(path, ec)) {
        renameOrThrow(path, previousCheckpointPath(path));
    }
    renameOrThrow(temp, path);
    detail::syncParentDirectory(path);
}

Checkpoint readCheckpoint(const fs::path& path)
{
    return parseCheckpoint(detail::readTextFile(path), path.string());
}

LoadedCheckpoint readCheckpointWithFallback(const fs::path& path)
{
    LoadedCheckpoint loaded;
    try {
        loaded.checkpoint = readCheckpoint(path);
        loaded.file = path;
        return loaded;
    } catch (const InputError& e) {
        loaded.problems.emplace_back(e.what());
    }
    const fs::path previous = previousCheckpointPath(path);
    try {
        loaded.checkpoint = readCheckpoint(previous);
        loaded.file = previous;
        return loaded;
    } catch (const InputError& e) {
        throw InputError(SourceLocation{path.string(), 0, {}},
                         fmt::format("no usable checkpoint: {}; and the previous one: {}", loaded.problems.front(),
                                     e.what()));
    }
}

void truncateOutputToCheckpoint(const fs::path& path, const OutputFileState& state)
{
    const std::uint64_t size = detail::fileSizeOf(path);
    if (size < state.bytes) {
        throw InputError(SourceLocation{path.string(), 0, {}},
                         fmt::format("output file has {} bytes, fewer than the {} recorded in the checkpoint", size,
                                     state.bytes));
    }
    if (size > state.bytes) {
        detail::truncateFile(path, state.bytes);
    }
}

} // namespace proteinmd
