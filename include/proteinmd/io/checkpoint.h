#pragma once
// Checkpoint files: everything a run needs to continue bit-exactly.
//
// Layout (little-endian): magic "PMDCKPT\0", format version (uint32), reserved (uint32), payload
// length (uint64), CRC-32 of the payload (uint32), reserved (uint32), then the payload: step, time,
// atom count, positions and velocities (doubles, bit-exact), box (periodic flag + 9 doubles), named
// real sections (integrator, thermostat, barostat state), named uint64 sections (RNG counters,
// seeds), and output-file states (name -> bytes and frames at the checkpoint) so a restart can cut
// each output back to the moment of the checkpoint.
//
// Writing is atomic: NAME.tmp is written in the same folder and fsync'ed, the previous NAME is kept
// as NAME_prev (rename), NAME.tmp is renamed to NAME and the folder is fsync'ed. A crash at any
// moment leaves a complete NAME or NAME_prev; readCheckpointWithFallback() takes whichever is valid.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

inline constexpr std::uint32_t kCheckpointVersion = 1;

struct OutputFileState {
    std::uint64_t bytes = 0; // file size at the checkpoint
    std::int64_t frames = 0; // frames (or rows) written up to the checkpoint
    friend bool operator==(const OutputFileState&, const OutputFileState&) = default;
};

struct Checkpoint {
    std::int64_t step = 0;
    double timePs = 0;
    std::vector<Vec3> positions;
    std::vector<Vec3> velocities; // empty or one per atom
    Box box;
    std::map<std::string, std::vector<double>> realState;
    std::map<std::string, std::vector<std::uint64_t>> integerState;
    std::map<std::string, OutputFileState> outputs;
};

// The bytes of a checkpoint file, and back. parseCheckpoint throws InputError (naming fileName)
// for a wrong magic, unsupported version, bad checksum, truncation or inconsistent sizes.
std::string serializeCheckpoint(const Checkpoint& checkpoint);
Checkpoint parseCheckpoint(std::string_view bytes, const std::string& fileName);

// Atomic write as described above. Throws Error (file, OS error text) on any failure.
void writeCheckpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);
// Reads and validates one file. Throws InputError if it is missing, corrupt or truncated.
Checkpoint readCheckpoint(const std::filesystem::path& path);

struct LoadedCheckpoint {
    Checkpoint checkpoint;
    std::filesystem::path file;      // the file actually read (NAME or NAME_prev)
    std::vector<std::string> problems; // why NAME was not used, if NAME_prev was
};
// Reads NAME, or NAME_prev if NAME is missing or invalid. Throws InputError listing both problems
// if neither is readable.
LoadedCheckpoint readCheckpointWithFallback(const std::filesystem::path& path);

std::filesystem::path previousCheckpointPath(const std::filesystem::path& path); // NAME_prev

// Cuts an output file back to its size at the checkpoint. Throws InputError if the file is shorter
// than that (it lost data the checkpoint counts on), Error if it cannot be truncated.
void truncateOutputToCheckpoint(const std::filesystem::path& path, const OutputFileState& state);

// CRC-32 (IEEE 802.3, as zlib/PNG: reflected polynomial 0xEDB88320); crc32("123456789") = 0xCBF43926.
std::uint32_t crc32(std::string_view data, std::uint32_t previous = 0);

} // namespace proteinmd
