#pragma once
// The C preprocessor of GROMACS topologies (grompp's cpp): #include, #define/#undef,
// #ifdef/#ifndef/#else/#endif and whole-word macro substitution, followed by the line handling
// grompp does before parsing: '\' continuation lines are joined, ';' comments stripped, blank
// lines dropped. Every resulting line remembers where it came from (file, line, include chain).

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "proteinmd/core/error.h"

namespace proteinmd::gmxtop {

struct PreprocessorOptions {
    std::vector<std::filesystem::path> includeDirs;           // -I, after the including file's folder
    std::vector<std::pair<std::string, std::string>> defines; // -DNAME[=value]
    // Searched last. Empty: $GMXLIB (colon-separated), $GMXDATA/top, $GMXDATA/share/top, then the
    // GROMACS data folder this library was configured with (defaultTopologyLibraryDirs()).
    std::vector<std::filesystem::path> libraryDirs;
    bool useDefaultLibraryDirs = true; // false: search libraryDirs only (tests)
};

// One logical line: text after substitution, continuation and comment removal, trimmed, never empty.
struct TopologyLine {
    std::string text;
    int source = 0; // index into PreprocessedTopology::sources
    int line = 0;   // 1-based line number of its first physical line
};

// A file as reached through one chain of #includes.
struct TopologySource {
    std::string file;
    std::vector<std::string> includedFrom; // "file:line", outermost first
};

struct PreprocessedTopology {
    std::vector<TopologyLine> lines;
    std::vector<TopologySource> sources;

    SourceLocation where(const TopologyLine& line) const;
};

// The folders searched after the -I paths, in order; only folders that exist.
std::vector<std::filesystem::path> defaultTopologyLibraryDirs();

// Throws InputError for a missing include (listing each folder searched), an #ifdef without
// #endif, #else/#endif without #ifdef, an unknown directive, or includes nested deeper than 50.
PreprocessedTopology preprocessTopology(const std::filesystem::path& file, const PreprocessorOptions& options);

} // namespace proteinmd::gmxtop
