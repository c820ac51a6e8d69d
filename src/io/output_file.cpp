#include "io/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "proteinmd/core/error.h"

namespace proteinmd::detail {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void throwIoError(const fs::path& path, const std::string& what, int err)
{
    throw Error(fmt::format("cannot write '{}': {} ({})", path.string(), what, std::strerror(err)));
}

} // namespace

OutputFile::OutputFile(fs::path path, OpenMode mode, std::size_t bufferBytes)
    : path_(std::move(path)), bufferBytes_(bufferBytes == 0 ? 1 : bufferBytes)
{
    int flags = O_WRONLY | O_CLOEXEC;
    switch (mode) {
    case OpenMode::Truncate: flags |= O_CREAT | O_TRUNC; break;
    case OpenMode::Append: flags |= O_CREAT; break;
    case OpenMode::Update: break;
    }
    do {
        fd_ = ::open(path_.c_str(), flags, 0644);
    } while (fd_ < 0 && errno == EINTR);
    if (fd_ < 0) {
        fail(mode == OpenMode::Update ? "cannot open existing file for update" : "cannot open file for writing", errno);
    }
    // Character devices (/dev/full, /dev/null) report size 0 and cannot seek: treat them as empty.
    struct stat info {};
    if (::fstat(fd_, &info) != 0) {
        fail("fstat failed", errno);
    }
    if (S_ISREG(info.st_mode)) {
        fileSize_ = static_cast<std::uint64_t>(info.st_size);
        if (::lseek(fd_, 0, SEEK_END) < 0) {
            fail("lseek failed", errno);
        }
    }
    buffer_.reserve(bufferBytes_);
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)),
      bufferBytes_(other.bufferBytes_), fileSize_(other.fileSize_)
{
}

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept
{
    if (this != &other) {
        if (fd_ >= 0) {
            try {
                close();
            } catch (...) { // NOLINT(bugprone-empty-catch): a move cannot report; close() explicitly first
            }
        }
        path_ = std::move(other.path_);
        fd_ = std::exchange(other.fd_, -1);
        buffer_ = std::move(other.buffer_);
        bufferBytes_ = other.bufferBytes_;
        fileSize_ = other.fileSize_;
    }
    return *this;
}

OutputFile::~OutputFile()
{
    if (fd_ >= 0) {
        try {
            flush();
        } catch (...) { // NOLINT(bugprone-empty-catch): destructors cannot throw; close() reports instead
        }
        ::close(fd_);
    }
}

void OutputFile::fail(const std::string& what, int err) const { throwIoError(path_, what, err); }

void OutputFile::writeAll(const char* data, std::size_t bytes)
{
    while (bytes > 0) {
        const ssize_t n = ::write(fd_, data, bytes);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("write failed", errno);
        }
        if (n == 0) {
            fail("write made no progress", EIO);
        }
        data += n;
        bytes -= static_cast<std::size_t>(n);
        fileSize_ += static_cast<std::uint64_t>(n);
    }
}

void OutputFile::write(const void* data, std::size_t bytes)
{
    if (fd_ < 0) {
        fail("file already closed", EBADF);
    }
    const char* p = static_cast<const char*>(data);
    if (buffer_.size() + bytes > bufferBytes_) {
        flush();
        if (bytes >= bufferBytes_) {
            writeAll(p, bytes);
            return;
        }
    }
    buffer_.append(p, bytes);
}

void OutputFile::flush()
{
    if (fd_ < 0) {
        fail("file already closed", EBADF);
    }
    if (buffer_.empty()) {
        return;
    }
    // Drop the staged bytes even when the write fails, so the destructor does not retry a doomed write.
    std::string staged;
    staged.swap(buffer_);
    buffer_.reserve(bufferBytes_);
    writeAll(staged.data(), staged.size());
}

void OutputFile::sync()
{
    flush();
    if (::fsync(fd_) != 0 && errno != EINVAL) { // EINVAL: not syncable (e.g. a pipe); nothing to wait for
        fail("fsync failed", errno);
    }
}

void OutputFile::close()
{
    if (fd_ < 0) {
        return;
    }
    try {
        flush();
    } catch (...) {
        ::close(std::exchange(fd_, -1));
        throw;
    }
    if (::close(std::exchange(fd_, -1)) != 0) {
        fail("close failed", errno);
    }
}

void OutputFile::overwriteAt(std::uint64_t offset, const void* data, std::size_t bytes)
{
    flush();
    const char* p = static_cast<const char*>(data);
    auto at = static_cast<off_t>(offset);
    while (bytes > 0) {
        const ssize_t n = ::pwrite(fd_, p, bytes, at);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("pwrite failed", errno);
        }
        p += n;
        at += n;
        bytes -= static_cast<std::size_t>(n);
    }
}

void OutputFile::truncate(std::uint64_t size)
{
    flush();
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
        fail("ftruncate failed", errno);
    }
    if (::lseek(fd_, static_cast<off_t>(size), SEEK_SET) < 0) {
        fail("lseek failed", errno);
    }
    fileSize_ = size;
}

std::uint64_t fileSizeOf(const fs::path& path)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        throw Error(fmt::format("cannot inspect '{}': stat failed ({})", path.string(), std::strerror(errno)));
    }
    return static_cast<std::uint64_t>(info.st_size);
}

void truncateFile(const fs::path& path, std::uint64_t size)
{
    if (::truncate(path.c_str(), static_cast<off_t>(size)) != 0) {
        throwIoError(path, fmt::format("cannot truncate to {} bytes", size), errno);
    }
}

void syncParentDirectory(const fs::path& path)
{
    const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        throwIoError(dir, "cannot open folder to sync it", errno);
    }
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL) {
        throwIoError(dir, "fsync of the folder failed", err);
    }
}

} // namespace proteinmd::detail
