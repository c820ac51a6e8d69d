#pragma once
// Force-field parameter tables of a GROMACS topology ([ defaults ], [ atomtypes ], [ *types ],
// [ nonbond_params ], [ cmaptypes ]) and the lookups grompp does in them: bonded types by
// bond-atom-type name in either direction, dihedrals with X wildcards (first line with the most
// exact matches wins; consecutive type-9 lines with the same atom types give several terms),
// LJ combination rules and 1-4 pair generation.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "io/topology_directives.h"
#include "io/topology_fields.h"
#include "io/topology_function_types.h"

namespace proteinmd::gmxtop {

enum class CombinationRule { Geometric = 1, Arithmetic = 2, GeomSigEps = 3 };

struct Defaults {
    CombinationRule combinationRule = CombinationRule::Geometric;
    bool genPairs = false;
    double fudgeLJ = 1.0;
    double fudgeQQ = 1.0;
};

struct AtomType {
    std::string name;
    int bondType = 0;       // index into ForceField::bondTypeNames (the bond_type column, or the name)
    int atomicNumber = -1;  // -1: not given
    double mass = 0;
    double charge = 0;
    char ptype = 'A';       // A atom, N nucleus, S shell, B bond shell, V virtual site
    double v = 0;           // c6 (rule 1) or sigma (rules 2, 3)
    double w = 0;           // c12 (rule 1) or epsilon (rules 2, 3)
};

struct ParamEntry {
    std::array<int, 4> types{};          // bond-atom types (atom types for Pairs); -1 = X wildcard
    std::array<double, kMaxParams> params{}; // numParams values; state B copied from A if not given
};

struct CmapType {
    std::array<int, 5> bondTypes{};
    int gridSize = 0;
    std::vector<double> values; // gridSize^2, phi-major as in the file
};

// First matching line and how many consecutive lines (type 9) share its atom types.
struct DihedralMatch {
    int first = -1;
    int count = 0;
};

class ForceField {
public:
    Defaults defaults;
    std::vector<AtomType> atomTypes;
    std::vector<std::string> bondTypeNames;
    std::vector<CmapType> cmapTypes;

    void readDefaults(const LineFields& line);
    void readAtomType(const LineFields& line, Diagnostics& diagnostics);
    // [ bondtypes ], [ constrainttypes ], [ angletypes ], and [ pairtypes ] when gen-pairs = no.
    void readBondedType(Directive directive, const LineFields& line, Diagnostics& diagnostics);
    void readDihedralType(const LineFields& line, Diagnostics& diagnostics);
    void readNonbondParams(const LineFields& line, Diagnostics& diagnostics);
    void readPairType(const LineFields& line, Diagnostics& diagnostics);
    void readCmapType(const LineFields& line);

    std::optional<int> atomTypeIndex(std::string_view name) const;
    std::optional<int> bondTypeIndex(std::string_view name) const;

    const std::vector<ParamEntry>& table(ParamTable t) const { return tables_[static_cast<std::size_t>(t)]; }
    // First entry equal to `types` forwards or backwards; nullptr if none.
    const ParamEntry* findBonded(ParamTable t, const int* types, int numTypes) const;
    DihedralMatch findDihedral(ParamTable t, const std::array<int, 4>& types) const;
    // First [ cmaptypes ] entry with exactly these bond-atom types (forward only, as grompp); -1 if none.
    int findCmapType(const std::array<int, 5>& bondTypes) const;

    // (c6, c12) from a parameter pair in the file's convention (sigma/epsilon for rules 2 and 3).
    std::pair<double, double> c6c12(double v, double w) const;
    // LJ (c6, c12) between atom types i and j: combination rule, overridden by [ nonbond_params ].
    std::pair<double, double> ljParameters(int i, int j) const;
    // 1-4 LJ (c6, c12): [ pairtypes ], else generated with fudgeLJ when gen-pairs = yes; nullopt if none.
    std::optional<std::pair<double, double>> pairParameters(int i, int j) const;

private:
    int addBondType(std::string_view name);
    std::pair<double, double> nonbondedVW(int i, int j) const;
    void addDihedralEntry(ParamTable t, const ParamEntry& entry, bool allowRepeat, int numParams,
                          const LineFields& line, Diagnostics& diagnostics);

    bool defaultsRead_ = false;
    std::unordered_map<std::string, int> atomTypeIndex_;
    std::unordered_map<std::string, int> bondTypeIndex_;
    std::array<std::vector<ParamEntry>, static_cast<std::size_t>(ParamTable::Count)> tables_;
    // Keyed by (larger, smaller) atom type index; values in the file's convention.
    std::map<std::pair<int, int>, std::pair<double, double>> nonbondParams_;
    std::map<std::pair<int, int>, std::pair<double, double>> pairTypes_;
};

} // namespace proteinmd::gmxtop
