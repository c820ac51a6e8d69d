#pragma once
// Whole-file reading and atomic writing for the format readers and writers (internal).

#include <filesystem>
#include <string>
#include <string_view>

namespace proteinmd::detail {

// The file's bytes. Throws InputError (file, line 0) if it cannot be opened or read.
std::string readTextFile(const std::filesystem::path& path);

// Writes content to a temporary file next to path, flushes it to disk and renames it over path,
// so path holds either its old content or the complete new one. Throws Error on failure (and
// removes the temporary file).
void writeFileAtomically(const std::filesystem::path& path, std::string_view content);

} // namespace proteinmd::detail
