#pragma once
// GROMACS .xtc compressed trajectories (positions only, lossy to 1/precision nm).
//
// Each frame is XDR (big-endian): magic 1995, atom count, step (int32), time (float, ps), the box as
// 9 floats (rows a, b, c in nm; zeros for no box), then the coordinate block: the atom count again
// and, for more than 9 atoms, the precision, the integer bounding box and the compressed coordinates
// (see src/io/xtc_compression.h); frames of at most 9 atoms store plain floats. Files written here
// are read by gmx, MDAnalysis, mdtraj and VMD.
//
// Restarts: a run killed while writing can leave a partial last frame. lastCompleteFrameEnd() finds
// where the last whole frame ends; XtcWriter in append mode cuts the file there before writing.

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

class XtcWriter {
public:
    // Opens path (truncating it unless append). In append mode an existing file must hold frames of
    // numAtoms atoms; a partial last frame is cut off. Throws Error if the file cannot be opened,
    // InputError if an existing file is not a valid .xtc of numAtoms atoms.
    XtcWriter(const std::filesystem::path& path, int numAtoms, float precision = 1000.0f, bool append = false);
    ~XtcWriter();
    XtcWriter(XtcWriter&&) noexcept;
    XtcWriter& operator=(XtcWriter&&) noexcept;

    // Appends one frame (staged in memory until the buffer fills or flush()). Throws SetupError for
    // a wrong atom count, a step outside int32, or coordinates too large for the precision; Error on
    // I/O failure.
    void write(std::int64_t step, double timePs, std::span<const Vec3> positions, const Box& box);
    void flush();
    void close();

    std::uint64_t bytesWritten() const; // file size including staged bytes (= offset of the next frame)
    std::int64_t framesWritten() const { return frames_; } // frames written by this writer
    int numAtoms() const { return numAtoms_; }

private:
    std::unique_ptr<detail::OutputFile> file_;
    int numAtoms_;
    float precision_;
    std::int64_t frames_ = 0;
    std::vector<Vec3f> scratch_;
};

struct XtcFrame {
    std::int64_t step = 0;
    float time = 0;          // ps
    Matrix3 box{};           // rows a, b, c (nm), as stored (float precision)
    float precision = 0;     // -1 for frames of at most 9 atoms (stored uncompressed)
    std::vector<Vec3f> positions;
};

class XtcReader {
public:
    // Reads the whole file into memory. Throws InputError if it cannot be read.
    explicit XtcReader(const std::filesystem::path& path);

    // Next frame, or false at the end of the file. Throws InputError (file, frame number, byte
    // offset, what is wrong) for a corrupt or truncated frame.
    bool next(XtcFrame& frame);
    int numAtoms() const { return numAtoms_; } // of the first frame; 0 for an empty file
    std::uint64_t offset() const { return offset_; } // byte offset of the next frame

    // Byte offset just past the last complete, well-formed frame (0 for an empty or unreadable
    // start). Frames are checked structurally (magic, sizes, lengths), not decompressed.
    static std::uint64_t lastCompleteFrameEnd(const std::filesystem::path& path);
    // Number of complete frames in the file.
    static std::int64_t countFrames(const std::filesystem::path& path);

private:
    std::string path_;
    std::string data_;
    std::uint64_t offset_ = 0;
    std::int64_t frameIndex_ = 0;
    int numAtoms_ = 0;
};

} // namespace proteinmd
