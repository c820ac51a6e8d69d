#pragma once
// H5MD 1.1 trajectories in HDF5 (https://www.nongnu.org/h5md/h5md.html), readable by MDAnalysis,
// h5py and VMD's H5MD plugin.
//
// Layout:
//   /h5md                      attribute version = [1, 1]
//   /h5md/author               attribute name;  /h5md/creator: attributes name, version
//   /particles/<group>/position/{step (int64), time (float64, ps), value (float32, frames x N x 3, nm)}
//   /particles/<group>/velocity, force   (optional, same layout; nm/ps, kJ mol-1 nm-1)
//   /particles/<group>/box     attributes dimension = 3, boundary = 3 x "periodic" (or "none");
//                              edges/{step, time, value (float32, frames x 3 x 3: rows a, b, c)} if periodic
//   /observables/<name>/{step, time, value (float64, frames)}  e.g. potential energy (kJ/mol)
// Values are chunked (whole frames, about 1 MB per chunk), compressed with shuffle + deflate and
// extendible. Frames are staged in memory and written a chunk at a time; flush() writes what is staged.
// Strings are variable-length UTF-8, as h5py writes them.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

struct H5mdOptions {
    std::string particleGroup = "all";
    std::string author = "proteinmd user";
    bool velocities = false;     // write /particles/<group>/velocity
    bool forces = false;         // write /particles/<group>/force
    std::size_t framesPerChunk = 0; // 0: as many frames as fit in about 1 MB (at least 1)
    int deflateLevel = 4;        // 0 switches compression off
};

class H5mdWriter {
public:
    // Creates path (or, with append, opens an existing H5MD file written by this class and continues
    // its time series). Throws Error if HDF5 cannot create/open it, InputError if an existing file
    // lacks the expected layout or holds another atom count.
    H5mdWriter(const std::filesystem::path& path, int numAtoms, H5mdOptions options = {}, bool append = false);
    ~H5mdWriter();
    H5mdWriter(H5mdWriter&&) noexcept;
    H5mdWriter& operator=(H5mdWriter&&) noexcept;

    // One frame of the particle group. velocities/forces must be given iff the options asked for them.
    void writeFrame(std::int64_t step, double timePs, std::span<const Vec3> positions, const Box& box,
                    std::span<const Vec3> velocities = {}, std::span<const Vec3> forces = {});
    // One value of /observables/<name> (created on first use).
    void writeObservable(const std::string& name, std::int64_t step, double timePs, double value);

    // Restart: drops every entry with a step after `step` from all time series (after flushing).
    void truncateAfterStep(std::int64_t step);

    void flush(); // staged frames to the file, then H5Fflush
    void close(); // flush and close; throws Error on failure

    std::int64_t framesWritten() const; // position frames in the file plus staged

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace proteinmd
