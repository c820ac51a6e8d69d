#include "io/topology_preprocessor.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#ifndef PROTEINMD_GROMACS_TOP_DIR
#define PROTEINMD_GROMACS_TOP_DIR "/usr/share/gromacs/top"
#endif

namespace proteinmd::gmxtop {

namespace fs = std::filesystem;

namespace {

constexpr int kMaxIncludeDepth = 50;

bool isSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
// Macro names are replaced only as whole words: a word is a run of letters, digits and '_'.
bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

std::string_view trim(std::string_view s)
{
    while (!s.empty() && isSpace(s.front())) { s.remove_prefix(1); }
    while (!s.empty() && isSpace(s.back())) { s.remove_suffix(1); }
    return s;
}

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// One level of #ifdef nesting: whether its lines are read, and where it was opened (for errors).
struct Conditional {
    enum class State { True, False, Ignore } state;
    int line;
    std::string text;
};

class Preprocessor {
public:
    explicit Preprocessor(const PreprocessorOptions& options)
    {
        for (const auto& [name, value] : options.defines) {
            define(name, value);
        }
        searchDirs_ = options.includeDirs;
        const auto library = options.useDefaultLibraryDirs ? defaultTopologyLibraryDirs() : std::vector<fs::path>{};
        searchDirs_.insert(searchDirs_.end(), options.libraryDirs.begin(), options.libraryDirs.end());
        searchDirs_.insert(searchDirs_.end(), library.begin(), library.end());
    }

    PreprocessedTopology run(const fs::path& file)
    {
        if (!fs::is_regular_file(file)) {
            throw InputError(SourceLocation{file.string(), 0, {}}, "topology file not found or not a regular file");
        }
        processFile(file, {}, 0);
        flushPending();
        return std::move(out_);
    }

private:
    void define(const std::string& name, const std::string& value)
    {
        defines_[name] = value;
    }

    SourceLocation locationOf(int source, int line) const
    {
        const TopologySource& s = out_.sources[static_cast<std::size_t>(source)];
        return SourceLocation{s.file, line, s.includedFrom};
    }

    static std::string readFile(const fs::path& path, const SourceLocation& includeSite)
    {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            throw InputError(includeSite, fmt::format("cannot open topology file '{}'", path.string()));
        }
        std::ostringstream buffer;
        buffer << in.rdbuf();
        return std::move(buffer).str();
    }

    void processFile(const fs::path& path, std::vector<std::string> includedFrom, int depth)
    {
        const int source = static_cast<int>(out_.sources.size());
        out_.sources.push_back(TopologySource{path.string(), std::move(includedFrom)});
        const std::string content = readFile(path, locationOf(source, 0));

        std::vector<Conditional> conditionals;
        auto active = [&conditionals] {
            return conditionals.empty() || conditionals.back().state == Conditional::State::True;
        };

        std::size_t pos = 0;
        int lineNumber = 0;
        while (pos < content.size()) {
            std::size_t end = content.find('\n', pos);
            if (end == std::string::npos) {
                end = content.size();
            }
            std::string_view line(content.data() + pos, end - pos);
            pos = end + 1;
            ++lineNumber;
            if (!line.empty() && line.back() == '\r') {
                line.remove_suffix(1);
            }

            const std::string_view stripped = trim(line);
            if (!stripped.empty() && stripped.front() == '#') {
                handleDirective(stripped, source, lineNumber, path, conditionals, active(), depth);
                continue;
            }
            if (!active()) {
                continue;
            }
            appendPhysicalLine(substitute(line), source, lineNumber);
        }
        if (!conditionals.empty()) {
            const Conditional& open = conditionals.back();
            throw InputError(locationOf(source, open.line),
                             fmt::format("'{}' is never closed: #endif missing before the end of the file", open.text));
        }
    }

    void handleDirective(std::string_view text, int source, int lineNumber, const fs::path& path,
                         std::vector<Conditional>& conditionals, bool active, int depth)
    {
        // "#  name  value": the name runs to the first space, the value is the trimmed rest.
        std::string_view rest = trim(text.substr(1));
        std::size_t nameEnd = 0;
        while (nameEnd < rest.size() && !isSpace(rest[nameEnd])) { ++nameEnd; }
        const std::string_view name = rest.substr(0, nameEnd);
        const std::string_view value = trim(rest.substr(nameEnd));
        const SourceLocation where = locationOf(source, lineNumber);

        if (name == "ifdef" || name == "ifndef") {
            if (!active) {
                conditionals.push_back({Conditional::State::Ignore, lineNumber, std::string(text)});
                return;
            }
            if (value.empty()) {
                throw InputError(where, fmt::format("#{} needs a macro name", name));
            }
            const bool defined = defines_.find(value) != defines_.end();
            const bool take = (name == "ifdef") == defined;
            conditionals.push_back({take ? Conditional::State::True : Conditional::State::False, lineNumber,
                                    std::string(text)});
            return;
        }
        if (name == "else") {
            if (conditionals.empty()) {
                throw InputError(where, "#else without a matching #ifdef/#ifndef in this file");
            }
            auto& state = conditionals.back().state;
            if (state != Conditional::State::Ignore) {
                state = state == Conditional::State::True ? Conditional::State::False : Conditional::State::True;
            }
            return;
        }
        if (name == "endif") {
            if (conditionals.empty()) {
                throw InputError(where, "#endif without a matching #ifdef/#ifndef in this file");
            }
            conditionals.pop_back();
            return;
        }
        if (!active) {
            return; // anything else inside a skipped block is ignored, as grompp does
        }
        if (name == "define") {
            std::size_t macroEnd = 0;
            while (macroEnd < value.size() && !isSpace(value[macroEnd])) { ++macroEnd; }
            if (macroEnd == 0) {
                throw InputError(where, "#define needs a macro name");
            }
            define(std::string(value.substr(0, macroEnd)), std::string(trim(value.substr(macroEnd))));
            return;
        }
        if (name == "undef") {
            if (value.empty()) {
                throw InputError(where, "#undef needs a macro name");
            }
            const auto it = defines_.find(value);
            if (it != defines_.end()) {
                defines_.erase(it);
            }
            return;
        }
        if (name == "include") {
            include(value, where, path, depth);
            return;
        }
        throw InputError(where, fmt::format("unsupported preprocessor directive '#{}' (expected #include, #define, "
                                            "#undef, #ifdef, #ifndef, #else or #endif)",
                                            name));
    }

    void include(std::string_view value, const SourceLocation& where, const fs::path& includingFile, int depth)
    {
        if (value.empty() || (value.front() != '"' && value.front() != '<')) {
            throw InputError(where, fmt::format("#include expects \"file\" or <file>, found '{}'", value));
        }
        const char close = value.front() == '"' ? '"' : '>';
        const std::size_t end = value.find(close, 1);
        if (end == std::string_view::npos || end == 1) {
            throw InputError(where, fmt::format("#include expects \"file\" or <file>, found '{}'", value));
        }
        const fs::path name(std::string(value.substr(1, end - 1)));
        if (depth + 1 > kMaxIncludeDepth) {
            throw InputError(where, fmt::format("#include nested deeper than {} levels (recursive include of '{}'?)",
                                                kMaxIncludeDepth, name.string()));
        }

        std::vector<fs::path> searched;
        fs::path found;
        if (name.is_absolute()) {
            searched.push_back(name.parent_path());
            if (fs::is_regular_file(name)) {
                found = name;
            }
        } else {
            searched.push_back(includingFile.parent_path().empty() ? fs::path(".") : includingFile.parent_path());
            searched.insert(searched.end(), searchDirs_.begin(), searchDirs_.end());
            for (const fs::path& dir : searched) {
                const fs::path candidate = dir / name;
                if (fs::is_regular_file(candidate)) {
                    found = candidate;
                    break;
                }
            }
        }
        if (found.empty()) {
            std::string folders;
            for (const fs::path& dir : searched) {
                folders += fmt::format("\n  {}", dir.string());
            }
            throw InputError(where, fmt::format("include file '{}' not found; searched:{}", name.string(), folders));
        }
        std::vector<std::string> chain = where.includedFrom;
        chain.push_back(fmt::format("{}:{}", where.file, where.line));
        processFile(found, std::move(chain), depth + 1);
    }

    std::string substitute(std::string_view line) const
    {
        if (defines_.empty()) {
            return std::string(line);
        }
        std::string out;
        out.reserve(line.size() + 16);
        std::size_t i = 0;
        while (i < line.size()) {
            if (!isWordChar(line[i])) {
                out += line[i++];
                continue;
            }
            std::size_t j = i;
            while (j < line.size() && isWordChar(line[j])) { ++j; }
            const std::string_view word = line.substr(i, j - i);
            const auto it = defines_.find(word);
            // A macro defined without a value (e.g. -DPOSRES) only switches #ifdefs.
            if (it != defines_.end() && !it->second.empty()) {
                out += it->second;
            } else {
                out += word;
            }
            i = j;
        }
        return out;
    }

    // grompp joins a line ending in '\' with the next one, then strips the ';' comment.
    void appendPhysicalLine(std::string text, int source, int lineNumber)
    {
        while (!text.empty() && isSpace(text.back())) { text.pop_back(); }
        const bool continues = !text.empty() && text.back() == '\\';
        if (continues) {
            text.back() = ' ';
        }
        if (!continuing_) {
            pending_ = std::move(text);
            pendingSource_ = source;
            pendingLine_ = lineNumber;
        } else {
            pending_ += text;
        }
        continuing_ = continues;
        if (!continues) {
            flushPending();
        }
    }

    void flushPending()
    {
        continuing_ = false;
        if (pendingSource_ < 0) {
            return;
        }
        std::string_view text = pending_;
        const std::size_t comment = text.find(';');
        if (comment != std::string_view::npos) {
            text = text.substr(0, comment);
        }
        text = trim(text);
        if (!text.empty()) {
            out_.lines.push_back(TopologyLine{std::string(text), pendingSource_, pendingLine_});
        }
        pending_.clear();
        pendingSource_ = -1;
    }

    std::vector<fs::path> searchDirs_;
    std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> defines_;
    PreprocessedTopology out_;
    std::string pending_;
    int pendingSource_ = -1;
    int pendingLine_ = 0;
    bool continuing_ = false;
};

} // namespace

SourceLocation PreprocessedTopology::where(const TopologyLine& line) const
{
    const TopologySource& s = sources[static_cast<std::size_t>(line.source)];
    return SourceLocation{s.file, line.line, s.includedFrom};
}

std::vector<fs::path> defaultTopologyLibraryDirs()
{
    std::vector<fs::path> candidates;
    if (const char* gmxlib = std::getenv("GMXLIB")) {
        std::string_view list(gmxlib);
        while (!list.empty()) {
            const std::size_t colon = list.find(':');
            const std::string_view entry = list.substr(0, colon);
            if (!entry.empty()) {
                candidates.emplace_back(std::string(entry));
            }
            list = colon == std::string_view::npos ? std::string_view{} : list.substr(colon + 1);
        }
    }
    if (const char* gmxdata = std::getenv("GMXDATA")) {
        const fs::path data(gmxdata);
        candidates.push_back(data / "top");
        candidates.push_back(data / "share" / "top");
        candidates.push_back(data / "share" / "gromacs" / "top");
    }
    candidates.emplace_back(PROTEINMD_GROMACS_TOP_DIR);

    std::vector<fs::path> dirs;
    for (const fs::path& dir : candidates) {
        std::error_code ec;
        if (fs::is_directory(dir, ec) && std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) {
            dirs.push_back(dir);
        }
    }
    return dirs;
}

PreprocessedTopology preprocessTopology(const fs::path& file, const PreprocessorOptions& options)
{
    return Preprocessor(options).run(file);
}

} // namespace proteinmd::gmxtop
