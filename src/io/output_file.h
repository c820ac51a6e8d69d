#pragma once
// Buffered binary/text output for the trajectory, energy and checkpoint writers (internal).
//
// Every writer goes through OutputFile so that I/O failures are never lost: each failing system call
// (open, write, lseek, ftruncate, fsync, close) throws proteinmd::Error naming the file, the operation
// and the OS error text (strerror(errno)), e.g. "cannot write 'out/traj.xtc': write failed (No space
// left on device)". Data is staged in memory and handed to the OS when the buffer fills or on flush().
// The destructor flushes too, but cannot report a failure: callers that care call close().

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace proteinmd::detail {

enum class OpenMode {
    Truncate, // create or empty the file
    Append,   // create if missing, keep content, write at the end
    Update,   // existing file, keep content, write at the end; header fields may be rewritten
};

class OutputFile {
public:
    OutputFile(std::filesystem::path path, OpenMode mode, std::size_t bufferBytes = std::size_t{1} << 20);
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    OutputFile(OutputFile&& other) noexcept;
    OutputFile& operator=(OutputFile&& other) noexcept;
    ~OutputFile();

    void write(const void* data, std::size_t bytes);
    void write(std::string_view text) { write(text.data(), text.size()); }

    // Hands the staged bytes to the OS. sync() also waits until they are on disk (fsync).
    void flush();
    void sync();
    // flush + close; throws on failure. Further writes are refused.
    void close();

    // Overwrites bytes already in the file (e.g. a frame counter in a header); flushes first.
    void overwriteAt(std::uint64_t offset, const void* data, std::size_t bytes);
    // Cuts the file to `size` bytes (restart after a partly written frame) and continues there.
    void truncate(std::uint64_t size);

    // Logical size: bytes in the file plus bytes staged.
    std::uint64_t size() const { return fileSize_ + buffer_.size(); }
    const std::filesystem::path& path() const { return path_; }
    bool isOpen() const { return fd_ >= 0; }

private:
    [[noreturn]] void fail(const std::string& what, int err) const;
    void writeAll(const char* data, std::size_t bytes);

    std::filesystem::path path_;
    int fd_ = -1;
    std::string buffer_;
    std::size_t bufferBytes_;
    std::uint64_t fileSize_ = 0;
};

// Size of a file in bytes; throws Error (with errno text) if it cannot be inspected.
std::uint64_t fileSizeOf(const std::filesystem::path& path);
// Truncates an existing file to `size` bytes; throws Error if it cannot.
void truncateFile(const std::filesystem::path& path, std::uint64_t size);
// fsync of the folder holding `path`, so a rename in it is on disk; throws Error if it fails.
void syncParentDirectory(const std::filesystem::path& path);

} // namespace proteinmd::detail
