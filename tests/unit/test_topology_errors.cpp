// Topology reader: bad input gives an InputError with the file, the line and what was wrong;
// questionable input gives warnings.

#include <fstream>

#include <gtest/gtest.h>

#include "topology_test_support.h"

using namespace proteinmd;
using namespace proteinmd::test;

namespace {

// kSmallForceField takes 10 lines (it starts with a newline); the body starts on line 11.
constexpr int kFfLines = 10;

const std::string kMoleculeHead = R"([ moleculetype ]
M 3
[ atoms ]
1 C 1 RES C1 1 0.0
2 C 1 RES C2 1 0.0
3 H 1 RES H3 1 0.0
4 O 1 RES O4 1 0.0
)";
const std::string kSystemTail = "[ system ]\nx\n[ molecules ]\nM 1\n";

struct ErrorCase {
    const char* name;
    std::string body;     // after kSmallForceField
    const char* message;  // expected part of the message
    int line;             // expected line, counted in the whole file
};

} // namespace

TEST(TopologyErrors, EachProblemIsReportedWithItsLine)
{
    const std::vector<ErrorCase> cases = {
        {"unknown_atomtype", "[ moleculetype ]\nM 3\n[ atoms ]\n1 XX 1 RES A 1\n" + kSystemTail, "atomtype XX not found",
         kFfLines + 4},
        {"missing_bond", kMoleculeHead + "[ bonds ]\n1 2 1\n" + kSystemTail, "No default Bond types for atoms C C",
         kFfLines + 9},
        {"missing_dihedral", kMoleculeHead + "[ dihedrals ]\n3 1 2 4 9\n" + kSystemTail,
         "No default Proper Dih. types for atoms H C C O (atoms 3 1 2 4 of molecule M)", kFfLines + 9},
        {"index_out_of_range", kMoleculeHead + "[ angles ]\n1 2 5 1 100 200\n" + kSystemTail,
         "atom index 5 in [ angles ] out of bounds (1-4)", kFfLines + 9},
        {"unknown_directive", kMoleculeHead + "[ bondz ]\n" + kSystemTail, "unknown directive [ bondz ]",
         kFfLines + 8},
        {"too_few_atom_fields", "[ moleculetype ]\nM 3\n[ atoms ]\n1 C 1 RES C1\n" + kSystemTail, "too few fields",
         kFfLines + 4},
        {"wrong_parameter_count", kMoleculeHead + "[ bonds ]\n1 2 1 0.15\n" + kSystemTail,
         "incorrect number of parameters for Bond: found 1, expected 2 or 4", kFfLines + 9},
        {"undefined_moleculetype", kMoleculeHead + "[ system ]\nx\n[ molecules ]\nM 1\nProtein 2\n",
         "No such moleculetype Protein", kFfLines + 12},
        {"bonds_before_atoms", "[ moleculetype ]\nM 3\n[ bonds ]\n1 2 1\n" + kSystemTail,
         "invalid order for directive [ bonds ]", kFfLines + 3},
        {"atomtypes_after_moleculetype", kMoleculeHead + "[ atomtypes ]\nN 7 14.0 0.0 A 0.3 0.5\n" + kSystemTail,
         "force-field parameter directives must come before the first [ moleculetype ]", kFfLines + 8},
        {"non_numeric_charge", "[ moleculetype ]\nM 3\n[ atoms ]\n1 C 1 RES C1 1 abc\n" + kSystemTail,
         "expected a number for the charge in field 7, found 'abc'", kFfLines + 4},
        {"virtual_sites", kMoleculeHead + "[ virtual_sites3 ]\n4 1 2 3 1 0.1 0.1\n" + kSystemTail,
         "[ virtual_sites3 ] is not supported yet", kFfLines + 8},
        {"dummies", kMoleculeHead + "[ dummies3 ]\n" + kSystemTail, "is not supported yet", kFfLines + 8},
        {"redefined_moleculetype", kMoleculeHead + "[ moleculetype ]\nM 1\n" + kSystemTail,
         "moleculetype M is redefined", kFfLines + 9},
        {"bad_function_type", kMoleculeHead + "[ bonds ]\n1 2 42\n" + kSystemTail,
         "invalid function type 42 in [ bonds ]", kFfLines + 9},
        {"unsupported_function_type", kMoleculeHead + "[ bonds ]\n1 2 3 0.1 400 20\n" + kSystemTail,
         "(Morse) is not supported yet", kFfLines + 9},
        {"atoms_not_consecutive", "[ moleculetype ]\nM 3\n[ atoms ]\n1 C 1 RES C1 1\n3 C 1 RES C3 1\n" + kSystemTail,
         "numbered consecutively from 1: expected 2, found 3", kFfLines + 5},
        {"bad_exclusion", kMoleculeHead + "[ exclusions ]\n1 2 9\n" + kSystemTail,
         "atom index 9 in [ exclusions ] out of bounds", kFfLines + 9},
        {"zero_mass", "[ moleculetype ]\nM 3\n[ atoms ]\n1 C 1 RES C1 1 0.0 0.0\n" + kSystemTail,
         "has mass 0", kFfLines + 4},
    };
    for (const ErrorCase& c : cases) {
        const InputError e = topologyError(std::string("top_err_") + c.name, kSmallForceField + c.body);
        EXPECT_NE(e.message().find(c.message), std::string::npos) << c.name << ": " << e.what();
        EXPECT_EQ(e.where().line, c.line) << c.name << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find("topol.top:" + std::to_string(c.line) + ": "), std::string::npos)
            << c.name << ": " << e.what();
    }
}

TEST(TopologyErrors, DirectivesNeedTheirPredecessors)
{
    InputError e = topologyError("top_err_no_defaults", "[ atomtypes ]\nC 6 12.0 0.0 A 0.3 0.5\n");
    EXPECT_NE(e.message().find("needs [ defaults ] first"), std::string::npos) << e.what();
    e = topologyError("top_err_two_defaults", kSmallForceField + "[ defaults ]\n1 1\n");
    EXPECT_NE(e.message().find("second [ defaults ]"), std::string::npos) << e.what();
    e = topologyError("top_err_two_defaults_lines", "[ defaults ]\n1 2 yes 0.5 0.8333\n1 1\n");
    EXPECT_EQ(e.where().line, 3);
    EXPECT_NE(e.message().find("second [ defaults ] line"), std::string::npos) << e.what();
    e = topologyError("top_err_no_molecules", kSmallForceField + kMoleculeHead + "[ system ]\nx\n");
    EXPECT_NE(e.message().find("no molecules"), std::string::npos) << e.what();
}

TEST(TopologyErrors, ErrorInAnIncludedFileShowsTheIncludeChain)
{
    const std::filesystem::path top = writeTopology("top_err_chain", kSmallForceField + "#include \"mol.itp\"\n" + kSystemTail);
    std::ofstream(top.parent_path() / "mol.itp") << kMoleculeHead << "[ bonds ]\n1 2 1 0.1 100\n2 7 1 0.1 100\n";
    try {
        readGromacsTopology(top);
        ADD_FAILURE() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(std::filesystem::path(e.where().file).filename(), "mol.itp");
        EXPECT_EQ(e.where().line, 10);
        const std::string what = e.what();
        EXPECT_NE(what.find("mol.itp:10 (included from "), std::string::npos) << what;
        EXPECT_NE(what.find("topol.top:11)"), std::string::npos) << what;
    }
}

TEST(TopologyErrors, WarningsForIgnoredInput)
{
    const auto data = readTopologyText("top_warnings", "* a banner line\n* another\n" + kSmallForceField + kMoleculeHead +
                                                           "[ pairs_nb ]\n1 4 1 0.0 0.0 0.3 0.5\n" + kSystemTail);
    EXPECT_EQ(data.system.numAtoms(), 4);
    ASSERT_EQ(data.diagnostics.warnings.size(), 2u);
    EXPECT_NE(data.diagnostics.warnings[0].find("[ pairs_nb ] is not supported"), std::string::npos);
    EXPECT_NE(data.diagnostics.warnings[1].find("topol.top:1: 2 line(s) of text before the first [ directive ] ignored"),
              std::string::npos)
        << data.diagnostics.warnings[1];
}
