#pragma once
// proteinmd.log: the human record of a run (inputs, the settings chosen, energies every log_every
// steps, the performance table). Each write reaches the OS at once, so `tail -f` follows the run and
// a killed run leaves a readable log. A resumed run appends to it.

#include <filesystem>
#include <memory>
#include <string>

#include "io/output_file.h"

namespace proteinmd {

class RunLog {
public:
    RunLog(const std::filesystem::path& path, bool append)
        : file_(std::make_unique<detail::OutputFile>(path, append ? detail::OpenMode::Append : detail::OpenMode::Truncate,
                                                     std::size_t{1} << 16))
    {
    }

    void line(const std::string& text)
    {
        file_->write(text);
        file_->write("\n");
        file_->flush();
    }
    void section(const std::string& title) { line("\n== " + title + " =="); }
    void close() { file_->close(); }

private:
    std::unique_ptr<detail::OutputFile> file_;
};

} // namespace proteinmd
