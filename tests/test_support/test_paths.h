#pragma once
// Where tests find their data: the team's reference systems (../shared/benchmarks) and the
// repository's own tests/refdata and examples.

#include <filesystem>
#include <string>

namespace proteinmd::test {

// ../shared/benchmarks/<name>; empty path if the shared folder is absent.
std::filesystem::path benchmarkDir(const std::string& name);
bool haveSharedBenchmarks();
std::filesystem::path sourceDir();   // repository root
std::filesystem::path refdataDir();  // tests/refdata
std::filesystem::path scratchDir(const std::string& name); // fresh temp folder for one test

} // namespace proteinmd::test

// Skips the current test (with the reason) when the shared reference systems are not available.
#define PROTEINMD_REQUIRE_SHARED_BENCHMARKS()                                                   \
    do {                                                                                        \
        if (!::proteinmd::test::haveSharedBenchmarks()) {                                       \
            GTEST_SKIP() << "shared/benchmarks not found next to the repository";               \
        }                                                                                       \
    } while (0)
