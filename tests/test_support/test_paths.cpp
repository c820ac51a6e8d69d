#include "test_support/test_paths.h"

#include <cstdlib>

namespace proteinmd::test {

namespace fs = std::filesystem;

static fs::path sharedDir()
{
    if (const char* env = std::getenv("PROTEINMD_SHARED_DIR")) {
        return fs::path(env);
    }
    return fs::path(PROTEINMD_SHARED_DIR);
}

bool haveSharedBenchmarks() { return fs::is_directory(sharedDir() / "benchmarks"); }

fs::path benchmarkDir(const std::string& name) { return sharedDir() / "benchmarks" / name; }

fs::path sourceDir() { return fs::path(PROTEINMD_SOURCE_DIR); }

fs::path refdataDir() { return sourceDir() / "tests" / "refdata"; }

fs::path scratchDir(const std::string& name)
{
    fs::path dir = fs::path(PROTEINMD_BINARY_DIR) / "test_scratch" / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

} // namespace proteinmd::test
