#include "io/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "proteinmd/core/error.h"

namespace proteinmd::detail {

namespace fs = std::filesystem;

std::string readTextFile(const fs::path& path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        throw InputError(SourceLocation{path.string(), 0, {}}, "is a directory, not a file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError(SourceLocation{path.string(), 0, {}},
                         fmt::format("cannot open file for reading ({})", std::strerror(errno)));
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
        throw InputError(SourceLocation{path.string(), 0, {}}, "error while reading the file");
    }
    return std::move(buffer).str();
}

// Closes a POSIX file descriptor on every exit path.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    ~FileDescriptor() { close(); }
    int get() const { return fd_; }
    int close()
    {
        int rc = 0;
        if (fd_ >= 0) {
            rc = ::close(fd_);
            fd_ = -1;
        }
        return rc;
    }

private:
    int fd_;
};

void writeFileAtomically(const fs::path& path, std::string_view content)
{
    static std::atomic<unsigned> counter{0};
    const fs::path temp = path.parent_path() /
        fmt::format(".{}.tmp-{}-{}", path.filename().string(), static_cast<long>(::getpid()), counter++);
    auto fail = [&](const std::string& what) {
        const int err = errno;
        std::error_code ignored;
        fs::remove(temp, ignored);
        throw Error(fmt::format("cannot write '{}': {} ({})", path.string(), what, std::strerror(err)));
    };

    FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (fd.get() < 0) {
        fail("cannot create temporary file " + temp.string());
    }
    const char* data = content.data();
    std::size_t left = content.size();
    while (left > 0) {
        const ssize_t n = ::write(fd.get(), data, left);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("write failed");
        }
        data += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
        fail("fsync failed");
    }
    if (fd.close() != 0) {
        fail("close failed");
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        fail("rename of the temporary file failed");
    }
}

} // namespace proteinmd::detail
