#pragma once
// CHARMM/NAMD .dcd trajectories (positions in Å as float32, little-endian, Fortran record markers).
//
// Header records: [84] "CORD" NSET ISTART NSAVC NSTEP 0 0 0 0 0 DELTA(float, AKMA time units)
// HAS_UNITCELL 0*8 24 [84]; [4+80*NTITLE] NTITLE, 80-character title lines [..]; [4] NATOM [4].
// Each frame: the unit cell record [48] a, cos(gamma), b, cos(beta), cos(alpha), c [48] (6 doubles,
// lengths in Å, as NAMD writes it), then [4N] X [4N], [4N] Y [4N], [4N] Z [4N].
// NSET (frame count) and NSTEP (step of the last frame) in the header are rewritten on every flush,
// so a file cut short by a crash still describes the frames it holds up to the last flush; readers
// (and append mode here) count frames from the file size anyway.

#include <array>
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

// 1 AKMA time unit in ps (CHARMM's time unit: sqrt(Å² amu / (kcal/mol))).
inline constexpr double kAkmaTimePs = 0.04888821;

class DcdWriter {
public:
    // timestepPs: the MD time step; stepsBetweenFrames: NSAVC; firstStep: ISTART (step of frame 1).
    // append: continue an existing file of numAtoms atoms (a partial last frame is cut off).
    // Throws Error if the file cannot be opened, InputError if an existing file does not match.
    DcdWriter(const std::filesystem::path& path, int numAtoms, double timestepPs, int stepsBetweenFrames,
              std::int64_t firstStep = 0, bool append = false, const std::string& title = "proteinmd trajectory");
    ~DcdWriter();
    DcdWriter(DcdWriter&&) noexcept;
    DcdWriter& operator=(DcdWriter&&) noexcept;

    // Positions in nm (converted to Å); a non-periodic box is written as an all-zero cell.
    void write(std::span<const Vec3> positions, const Box& box);
    void flush(); // staged frames to the OS, then NSET/NSTEP in the header
    void close();

    std::uint64_t bytesWritten() const;
    std::int64_t framesInFile() const { return frames_; }

private:
    void updateHeader();

    std::unique_ptr<detail::OutputFile> file_;
    int numAtoms_;
    std::int32_t firstStep_;
    std::int32_t stepsBetweenFrames_;
    std::int64_t frames_ = 0;
    std::int64_t framesInHeader_ = -1;
    std::vector<float> scratch_;
};

struct DcdFrame {
    std::array<double, 6> unitCell{}; // as stored: a, cos(gamma), b, cos(beta), cos(alpha), c (Å)
    std::vector<Vec3f> positions;     // Å, as stored
};

class DcdReader {
public:
    // Reads and checks the header. Throws InputError for a file that is not a little-endian DCD.
    explicit DcdReader(const std::filesystem::path& path);
    bool next(DcdFrame& frame); // false at the end; InputError for a truncated or malformed frame

    int numAtoms() const { return numAtoms_; }
    std::int32_t framesInHeader() const { return nset_; } // NSET as stored
    std::int64_t completeFrames() const;                  // counted from the file size
    std::int32_t firstStep() const { return istart_; }
    std::int32_t stepsBetweenFrames() const { return nsavc_; }
    float timestepAkma() const { return delta_; }
    bool hasUnitCell() const { return hasUnitCell_; }
    std::uint64_t headerBytes() const { return headerBytes_; }
    std::uint64_t frameBytes() const;

private:
    std::string path_;
    std::string data_;
    std::uint64_t offset_ = 0;
    std::uint64_t headerBytes_ = 0;
    std::int64_t frameIndex_ = 0;
    int numAtoms_ = 0;
    std::int32_t nset_ = 0, istart_ = 0, nsavc_ = 0;
    float delta_ = 0;
    bool hasUnitCell_ = false;
};

} // namespace proteinmd
