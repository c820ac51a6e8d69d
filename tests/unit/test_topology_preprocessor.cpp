// The GROMACS-style C preprocessor of the topology reader: macros, conditionals, includes,
// continuation lines, and errors that point at the right file, line and include chain.

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "io/topology_preprocessor.h"
#include "proteinmd/io/topology_reader.h"
#include "test_support/test_paths.h"

using namespace proteinmd;
using namespace proteinmd::gmxtop;
namespace fs = std::filesystem;

namespace {

void writeFile(const fs::path& path, const std::string& text)
{
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

std::vector<std::string> texts(const PreprocessedTopology& top)
{
    std::vector<std::string> out;
    for (const auto& line : top.lines) { out.push_back(line.text); }
    return out;
}

PreprocessorOptions isolated()
{
    PreprocessorOptions options;
    options.useDefaultLibraryDirs = false;
    return options;
}

// Runs f, which must throw InputError, and returns the error.
template <typename F>
InputError expectInputError(F f)
{
    try {
        f();
    } catch (const InputError& e) {
        return e;
    }
    ADD_FAILURE() << "expected an InputError";
    return InputError(SourceLocation{}, "none");
}

} // namespace

TEST(TopologyPreprocessor, SubstitutesWholeWordMacrosOnly)
{
    const fs::path dir = test::scratchDir("pp_macros");
    writeFile(dir / "a.top", "#define gb_1 0.1000 1.5700e+07\n"
                             "#define EMPTY\n"
                             "1 2 2 gb_1\n"
                             "gb_12 xgb_1 gb_1x gb_1;gb_1 in comment\n"
                             "EMPTY stays\n"
                             "#undef gb_1\n"
                             "3 4 2 gb_1\n");
    const auto top = preprocessTopology(dir / "a.top", isolated());
    EXPECT_EQ(texts(top), (std::vector<std::string>{"1 2 2 0.1000 1.5700e+07", "gb_12 xgb_1 gb_1x 0.1000 1.5700e+07",
                                                    "EMPTY stays", "3 4 2 gb_1"}));
    EXPECT_EQ(top.lines[0].line, 3);
    EXPECT_EQ(top.lines[3].line, 7);
}

TEST(TopologyPreprocessor, CommandLineDefinesSwitchConditionalsAndSubstitute)
{
    const fs::path dir = test::scratchDir("pp_cmdline");
    writeFile(dir / "a.top", "#ifdef POSRES\nposres on\n#else\nposres off\n#endif\nvalue X\n");
    auto options = isolated();
    options.defines = parseDefineString("  -DPOSRES   -DX=42 ");
    EXPECT_EQ(texts(preprocessTopology(dir / "a.top", options)), (std::vector<std::string>{"posres on", "value 42"}));
    EXPECT_EQ(texts(preprocessTopology(dir / "a.top", isolated())), (std::vector<std::string>{"posres off", "value X"}));
}

TEST(TopologyPreprocessor, NestedConditionals)
{
    const fs::path dir = test::scratchDir("pp_nested");
    writeFile(dir / "a.top", "#define A\n"
                             "#ifdef A\n"
                             "  #ifndef B\n"
                             "a-not-b\n"
                             "  #else\n"
                             "a-and-b\n"
                             "  #endif\n"
                             "#else\n"
                             "  #ifdef C\n"
                             "#bogus directive inside a skipped block is ignored\n"
                             "not-a\n"
                             "  #endif\n"
                             "#endif\n"
                             "#ifndef A\n"
                             "#define SKIPPED 1\n"
                             "#endif\n"
                             "#ifdef SKIPPED\nwrong\n#endif\n"
                             "end\n");
    EXPECT_EQ(texts(preprocessTopology(dir / "a.top", isolated())), (std::vector<std::string>{"a-not-b", "end"}));
}

TEST(TopologyPreprocessor, ContinuationLinesAndComments)
{
    const fs::path dir = test::scratchDir("pp_continuation");
    writeFile(dir / "a.top", "; only a comment\n"
                             "\n"
                             "C NH1 CT1 C NH1 1 2 2\\\n"
                             "0.5 1.5\\\n"
                             "  2.5 3.5   ; grid end\r\n"
                             "   [ atoms ]   \n");
    const auto top = preprocessTopology(dir / "a.top", isolated());
    ASSERT_EQ(top.lines.size(), 2u);
    EXPECT_EQ(top.lines[0].text, "C NH1 CT1 C NH1 1 2 2 0.5 1.5   2.5 3.5");
    EXPECT_EQ(top.lines[0].line, 3);
    EXPECT_EQ(top.lines[1].text, "[ atoms ]");
    EXPECT_EQ(top.lines[1].line, 6);
}

TEST(TopologyPreprocessor, IncludeSearchOrder)
{
    // The including file's folder wins over -I folders, which win (in order) over library folders.
    const fs::path dir = test::scratchDir("pp_include_order");
    writeFile(dir / "top/a.top", "#include \"local.itp\"\n#include <first.itp>\n#include \"lib.itp\"\n");
    writeFile(dir / "top/local.itp", "local from top folder\n");
    writeFile(dir / "inc1/local.itp", "local from inc1\n");
    writeFile(dir / "inc1/first.itp", "first from inc1\n");
    writeFile(dir / "inc2/first.itp", "first from inc2\n");
    writeFile(dir / "inc2/lib.itp", "lib from inc2\n");
    writeFile(dir / "lib/lib.itp", "lib from library\n");
    writeFile(dir / "lib/ff.ff/forcefield.itp", "#include \"nb.itp\"\n");
    writeFile(dir / "lib/ff.ff/nb.itp", "nb next to forcefield.itp\n");
    auto options = isolated();
    options.includeDirs = {dir / "inc1", dir / "inc2"};
    options.libraryDirs = {dir / "lib"};
    EXPECT_EQ(texts(preprocessTopology(dir / "top/a.top", options)),
              (std::vector<std::string>{"local from top folder", "first from inc1", "lib from inc2"}));

    writeFile(dir / "top/b.top", "#include \"ff.ff/forcefield.itp\"\n");
    const auto top = preprocessTopology(dir / "top/b.top", options);
    ASSERT_EQ(top.lines.size(), 1u);
    EXPECT_EQ(top.lines[0].text, "nb next to forcefield.itp");
    // The line knows its include chain, outermost first.
    const SourceLocation where = top.where(top.lines[0]);
    EXPECT_EQ(fs::path(where.file).filename(), "nb.itp");
    EXPECT_EQ(where.line, 1);
    ASSERT_EQ(where.includedFrom.size(), 2u);
    EXPECT_NE(where.includedFrom[0].find("b.top:1"), std::string::npos);
    EXPECT_NE(where.includedFrom[1].find("forcefield.itp:1"), std::string::npos);
}

TEST(TopologyPreprocessor, GmxlibFoldersAreSearchedAfterIncludeDirs)
{
    const fs::path dir = test::scratchDir("pp_gmxlib");
    writeFile(dir / "a.top", "#include <only_in_lib.itp>\n");
    writeFile(dir / "libA/unrelated.itp", "\n");
    writeFile(dir / "libB/only_in_lib.itp", "found via GMXLIB\n");
    const char* old = std::getenv("GMXLIB");
    const std::string saved = old != nullptr ? old : "";
    ::setenv("GMXLIB", ((dir / "libA").string() + ":" + (dir / "libB").string()).c_str(), 1);
    const auto dirs = defaultTopologyLibraryDirs();
    PreprocessorOptions options; // default library folders: $GMXLIB first
    const auto top = preprocessTopology(dir / "a.top", options);
    if (old != nullptr) {
        ::setenv("GMXLIB", saved.c_str(), 1);
    } else {
        ::unsetenv("GMXLIB");
    }
    ASSERT_GE(dirs.size(), 2u);
    EXPECT_EQ(dirs[0], dir / "libA");
    EXPECT_EQ(dirs[1], dir / "libB");
    EXPECT_EQ(texts(top), std::vector<std::string>{"found via GMXLIB"});
}

TEST(TopologyPreprocessor, MissingIncludeListsEveryFolderSearched)
{
    const fs::path dir = test::scratchDir("pp_missing_include");
    writeFile(dir / "a.top", "; header\n#include \"nowhere.itp\"\n");
    auto options = isolated();
    options.includeDirs = {dir / "incA"};
    options.libraryDirs = {dir / "libB"};
    const InputError e = expectInputError([&] { preprocessTopology(dir / "a.top", options); });
    EXPECT_EQ(e.where().line, 2);
    EXPECT_NE(e.message().find("nowhere.itp"), std::string::npos);
    EXPECT_NE(e.message().find("incA"), std::string::npos);
    EXPECT_NE(e.message().find("libB"), std::string::npos);
    EXPECT_NE(e.message().find(dir.string()), std::string::npos);
}

TEST(TopologyPreprocessor, UnterminatedIfdefNamesItsLine)
{
    const fs::path dir = test::scratchDir("pp_unterminated");
    writeFile(dir / "a.top", "#include \"b.itp\"\n");
    writeFile(dir / "b.itp", "x\n#ifdef FOO\ny\n");
    const InputError e = expectInputError([&] { preprocessTopology(dir / "a.top", isolated()); });
    EXPECT_EQ(fs::path(e.where().file).filename(), "b.itp");
    EXPECT_EQ(e.where().line, 2);
    EXPECT_NE(e.message().find("#ifdef FOO"), std::string::npos);
    ASSERT_EQ(e.where().includedFrom.size(), 1u);
    EXPECT_NE(std::string(e.what()).find("included from"), std::string::npos);
}

TEST(TopologyPreprocessor, ElseAndEndifWithoutIfAreErrors)
{
    const fs::path dir = test::scratchDir("pp_stray");
    writeFile(dir / "a.top", "x\n\n#else\n");
    InputError e = expectInputError([&] { preprocessTopology(dir / "a.top", isolated()); });
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(e.message().find("#else"), std::string::npos);
    writeFile(dir / "b.top", "#endif\n");
    e = expectInputError([&] { preprocessTopology(dir / "b.top", isolated()); });
    EXPECT_EQ(e.where().line, 1);
    EXPECT_NE(e.message().find("#endif"), std::string::npos);
    writeFile(dir / "c.top", "#if 1\n#endif\n");
    e = expectInputError([&] { preprocessTopology(dir / "c.top", isolated()); });
    EXPECT_NE(e.message().find("#if"), std::string::npos);
}

TEST(TopologyPreprocessor, RecursiveIncludeStopsAtDepth50)
{
    const fs::path dir = test::scratchDir("pp_recursion");
    writeFile(dir / "a.top", "line\n#include \"a.top\"\n");
    const InputError e = expectInputError([&] { preprocessTopology(dir / "a.top", isolated()); });
    EXPECT_NE(e.message().find("50"), std::string::npos);
    EXPECT_EQ(e.where().includedFrom.size(), 50u);
}

TEST(TopologyPreprocessor, ParseDefineString)
{
    using Defines = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(parseDefineString("-DPOSRES -DFLEXIBLE -DX=1"),
              (Defines{{"POSRES", ""}, {"FLEXIBLE", ""}, {"X", "1"}}));
    EXPECT_EQ(parseDefineString(""), Defines{});
    EXPECT_EQ(parseDefineString("-DA=b=c"), (Defines{{"A", "b=c"}}));
    EXPECT_THROW(parseDefineString("-DPOSRES POSRES"), InputError);
    EXPECT_THROW(parseDefineString("-D"), InputError);
    EXPECT_THROW(parseDefineString("-IPOSRES"), InputError);
}
