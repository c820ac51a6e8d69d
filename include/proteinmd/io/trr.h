#pragma once
// GROMACS .trr full-precision trajectories: positions, velocities and forces, each optional per frame,
// in single or double precision.
//
// Each frame is XDR (big-endian): magic 1993, the version string "GMX_trn_file" (as GROMACS writes it:
// length+1, length, characters), ten block sizes in bytes (ir, e, box, vir, pres, top, sym, x, v, f),
// atom count, step (int32), nre (0), time and lambda (float or double), then the box (9 reals, rows
// a, b, c; zeros without a box) and the x, v, f blocks present. The real size is deduced by readers
// from the block sizes, as GROMACS does.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

namespace detail {
class OutputFile;
}

class TrrWriter {
public:
    // Opens path (truncating it unless append; in append mode a partial last frame is cut off).
    // Throws Error if the file cannot be opened, InputError if an existing file is not a valid .trr.
    TrrWriter(const std::filesystem::path& path, int numAtoms, bool doublePrecision = false, bool append = false);
    ~TrrWriter();
    TrrWriter(TrrWriter&&) noexcept;
    TrrWriter& operator=(TrrWriter&&) noexcept;

    // One frame; an empty span leaves that block out. Throws SetupError for a non-empty span of the
    // wrong size or a step outside int32; Error on I/O failure.
    void write(std::int64_t step, double timePs, double lambda, const Box& box, std::span<const Vec3> positions,
               std::span<const Vec3> velocities = {}, std::span<const Vec3> forces = {});
    void flush();
    void close();

    std::uint64_t bytesWritten() const;
    std::int64_t framesWritten() const { return frames_; }

private:
    std::unique_ptr<detail::OutputFile> file_;
    int numAtoms_;
    bool double_;
    std::int64_t frames_ = 0;
};

struct TrrFrame {
    std::int64_t step = 0;
    double time = 0;
    double lambda = 0;
    bool doublePrecision = false;
    bool hasBox = false;
    Matrix3 box{};
    std::vector<Vec3> positions, velocities, forces; // empty when the frame has no such block
};

class TrrReader {
public:
    explicit TrrReader(const std::filesystem::path& path); // throws InputError if unreadable
    // Next frame or false at the end; throws InputError (file, frame, byte offset) if corrupt/truncated.
    bool next(TrrFrame& frame);
    std::uint64_t offset() const { return offset_; }
    // Byte offset just past the last complete frame.
    static std::uint64_t lastCompleteFrameEnd(const std::filesystem::path& path);

private:
    std::string path_;
    std::string data_;
    std::uint64_t offset_ = 0;
    std::int64_t frameIndex_ = 0;
};

} // namespace proteinmd
