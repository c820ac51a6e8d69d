#include "io/topology_parameters.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace proteinmd::gmxtop {

namespace {

bool isSingleLetter(std::string_view s) { return s.size() == 1 && std::isalpha(static_cast<unsigned char>(s[0])); }
bool isSingleDigit(std::string_view s) { return s.size() == 1 && std::isdigit(static_cast<unsigned char>(s[0])); }

std::string joinNames(const LineFields& line, int count)
{
    std::string out;
    for (int i = 0; i < count && i < line.size(); ++i) {
        if (i > 0) {
            out += ' ';
        }
        out += line[i];
    }
    return out;
}

// Reads the numbers after the atom types and function of a [ *types ] line: grompp accepts
// state A only (state B is then a copy) or states A and B.
std::array<double, kMaxParams> readTypeParams(const LineFields& line, int first, const InteractionKind& k)
{
    const std::vector<double> values = line.numbersFrom(first, "a parameter");
    const int n = static_cast<int>(values.size());
    if (n != k.numParamsA && n != k.numParams) {
        line.fail(fmt::format("incorrect number of parameters for {}: found {}, expected {}{}", k.longName, n,
                              k.numParamsA,
                              k.numParams != k.numParamsA ? fmt::format(" or {}", k.numParams) : std::string()));
    }
    std::array<double, kMaxParams> params{};
    std::copy(values.begin(), values.end(), params.begin());
    if (n == k.numParamsA) {
        // grompp's copy_B_from_A: the B parameters are the first nrfpB A parameters.
        for (int i = 0; i < k.numParams - k.numParamsA; ++i) {
            params[static_cast<std::size_t>(k.numParamsA + i)] = params[static_cast<std::size_t>(i)];
        }
    }
    return params;
}

// Exact (non-wildcard) matches of a dihedral type against four bond-atom types; -1 if no match.
int dihedralMatches(const std::array<int, 4>& entry, const std::array<int, 4>& types, bool reversed)
{
    int exact = 0;
    for (int i = 0; i < 4; ++i) {
        const int e = entry[static_cast<std::size_t>(reversed ? 3 - i : i)];
        if (e == types[static_cast<std::size_t>(i)]) {
            ++exact;
        } else if (e != -1) {
            return -1;
        }
    }
    return exact;
}

} // namespace

void ForceField::readDefaults(const LineFields& line)
{
    if (defaultsRead_) {
        line.fail("a second [ defaults ] line: the defaults can be given only once");
    }
    defaultsRead_ = true;
    line.requireAtLeast(2, "nbfunc comb-rule [gen-pairs fudgeLJ fudgeQQ]");
    const std::string_view nb = line[0];
    std::string nbLower;
    for (char c : nb) { nbLower += static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
    if (nbLower == "2" || nbLower == "buckingham") {
        line.fail("nbfunc 2 (Buckingham) is not supported; only nbfunc 1 (Lennard-Jones)");
    }
    if (nbLower != "1" && nbLower != "lj" && nbLower != "lennard-jones") {
        line.fail(fmt::format("invalid nbfunc '{}': expected 1 (Lennard-Jones)", nb));
    }
    std::string comb;
    for (char c : line[1]) { comb += static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
    if (comb == "1" || comb == "geometric") {
        defaults.combinationRule = CombinationRule::Geometric;
    } else if (comb == "2" || comb == "arithmetic") {
        defaults.combinationRule = CombinationRule::Arithmetic;
    } else if (comb == "3" || comb == "geomsigeps") {
        defaults.combinationRule = CombinationRule::GeomSigEps;
    } else {
        line.fail(fmt::format("invalid comb-rule '{}': expected 1, 2 or 3", line[1]));
    }
    defaults.genPairs = line.size() > 2 && (line[2][0] == 'y' || line[2][0] == 'Y');
    defaults.fudgeLJ = line.size() > 3 ? line.number(3, "fudgeLJ") : 1.0;
    defaults.fudgeQQ = line.size() > 4 ? line.number(4, "fudgeQQ") : 1.0;
    if (line.size() > 5 && line.number(5, "the repulsion power") != 12.0) {
        line.fail("a repulsion power other than 12 is not supported");
    }
    if (line.size() > 6) {
        line.fail(fmt::format("too many fields in [ defaults ]: expected at most 6, found {}", line.size()));
    }
}

int ForceField::addBondType(std::string_view name)
{
    const auto [it, inserted] = bondTypeIndex_.try_emplace(std::string(name), static_cast<int>(bondTypeNames.size()));
    if (inserted) {
        bondTypeNames.emplace_back(name);
    }
    return it->second;
}

void ForceField::readAtomType(const LineFields& line, Diagnostics& diagnostics)
{
    // grompp finds the optional bond_type and at.num columns from where the single-letter particle
    // type sits: field 6 -> both, field 4 -> neither, field 5 -> one of them (an integer is at.num).
    line.requireAtLeast(6, "name [bond_type] [at.num] mass charge ptype V W");
    bool haveBondType = false;
    bool haveAtomicNumber = false;
    if (isSingleLetter(line[5])) {
        haveBondType = haveAtomicNumber = true;
    } else if (isSingleLetter(line[3])) {
        haveBondType = haveAtomicNumber = false;
    } else {
        haveAtomicNumber = line.isInteger(1);
        haveBondType = !haveAtomicNumber;
    }
    const int first = 1 + (haveBondType ? 1 : 0) + (haveAtomicNumber ? 1 : 0);
    const int expected = first + 5;
    if (line.size() < expected) {
        line.fail(fmt::format("too few fields in [ atomtypes ]: expected {} for this layout, found {}", expected,
                              line.size()));
    }
    if (line.size() > expected) {
        line.fail(fmt::format("too many fields in [ atomtypes ]: expected {} for this layout, found {}", expected,
                              line.size()));
    }
    AtomType type;
    type.name = std::string(line[0]);
    const std::string_view bondName = haveBondType ? line[1] : line[0];
    if (isSingleDigit(type.name) || isSingleDigit(bondName)) {
        line.fail("atom type names can't be single digits");
    }
    if (haveAtomicNumber) {
        type.atomicNumber = line.integer(haveBondType ? 2 : 1, "the atomic number");
    }
    type.mass = line.number(first, "the mass");
    type.charge = line.number(first + 1, "the charge");
    const std::string_view ptype = line[first + 2];
    const char p = ptype.size() == 1 ? static_cast<char>(std::toupper(static_cast<unsigned char>(ptype[0]))) : '?';
    if (p == 'A' || p == 'N' || p == 'S' || p == 'B' || p == 'V') {
        type.ptype = p;
    } else if (p == 'D') {
        type.ptype = 'V'; // old name for virtual sites
    } else {
        line.fail(fmt::format("invalid particle type '{}': expected A, N, S, B, V or D", ptype));
    }
    type.v = line.number(first + 3, "V (c6 or sigma)");
    type.w = line.number(first + 4, "W (c12 or epsilon)");
    type.bondType = addBondType(bondName);

    const auto existing = atomTypeIndex_.find(type.name);
    if (existing != atomTypeIndex_.end()) {
        diagnostics.warn(line.where(), fmt::format("atomtype {} was defined before and is redefined here", type.name));
        atomTypes[static_cast<std::size_t>(existing->second)] = type;
        return;
    }
    atomTypeIndex_.emplace(type.name, static_cast<int>(atomTypes.size()));
    atomTypes.push_back(std::move(type));
}

std::optional<int> ForceField::atomTypeIndex(std::string_view name) const
{
    const auto it = atomTypeIndex_.find(std::string(name));
    return it == atomTypeIndex_.end() ? std::nullopt : std::optional(it->second);
}

std::optional<int> ForceField::bondTypeIndex(std::string_view name) const
{
    const auto it = bondTypeIndex_.find(std::string(name));
    return it == bondTypeIndex_.end() ? std::nullopt : std::optional(it->second);
}

void ForceField::readBondedType(Directive directive, const LineFields& line, Diagnostics& diagnostics)
{
    const int numAtoms = directive == Directive::AngleTypes ? 3 : 2;
    line.requireAtLeast(numAtoms + 1, "atom types, function type, parameters");
    const int f = line.integer(numAtoms, "the function type");
    const auto k = interactionKind(directive, f);
    if (!k) {
        line.fail(fmt::format("invalid function type {} in [ {} ]", f, directiveName(directive)));
    }
    if (!k->supported || k->table == ParamTable::None) {
        diagnostics.warn(line.where(), fmt::format("[ {} ] function {} ({}) is not supported; line ignored",
                                                   directiveName(directive), f, k->longName));
        return;
    }
    ParamEntry entry;
    entry.params = readTypeParams(line, numAtoms + 1, *k);
    // Pair types are keyed by non-bonded atom type, everything else by bond-atom type.
    const bool byAtomType = directive == Directive::PairTypes;
    for (int i = 0; i < numAtoms; ++i) {
        const auto index = byAtomType ? atomTypeIndex(line[i]) : bondTypeIndex(line[i]);
        if (!index) {
            line.fail(fmt::format("unknown {} '{}' in [ {} ]", byAtomType ? "atomtype" : "bond_atomtype", line[i],
                                  directiveName(directive)));
        }
        entry.types[static_cast<std::size_t>(i)] = *index;
    }
    // A repeated definition (either direction) overwrites the earlier parameters in place.
    auto& entries = tables_[static_cast<std::size_t>(k->table)];
    for (ParamEntry& old : entries) {
        bool forward = true;
        bool backward = true;
        for (int i = 0; i < numAtoms; ++i) {
            forward = forward && old.types[static_cast<std::size_t>(i)] == entry.types[static_cast<std::size_t>(i)];
            backward = backward &&
                       old.types[static_cast<std::size_t>(numAtoms - 1 - i)] == entry.types[static_cast<std::size_t>(i)];
        }
        if (forward || backward) {
            if (!std::equal(old.params.begin(), old.params.begin() + k->numParams, entry.params.begin())) {
                diagnostics.warn(line.where(), fmt::format("{} type {} was defined before and is redefined here",
                                                           k->longName, joinNames(line, numAtoms)));
                old.params = entry.params;
            }
            return;
        }
    }
    entries.push_back(entry);
}

void ForceField::readDihedralType(const LineFields& line, Diagnostics& diagnostics)
{
    // Two layouts: "i l func" (old 2-atom form) or "i j k l func".
    std::array<std::string_view, 4> names;
    int numNames = 0;
    if (line.size() >= 3 && isSingleDigit(line[2])) {
        numNames = 2;
        if (line[2][0] == '2') {
            names = {line[0], "X", "X", line[1]}; // improper: the two types are the outer atoms
        } else {
            names = {"X", line[0], line[1], "X"}; // proper: the two types are the central bond
        }
    } else if (line.size() >= 5 && isSingleDigit(line[4])) {
        numNames = 4;
        names = {line[0], line[1], line[2], line[3]};
    } else {
        line.fail("incorrect number of atom types for a dihedral type: expected 2 or 4 followed by a "
                  "one-digit function type");
    }
    const int f = line.integer(numNames, "the function type");
    const auto k = interactionKind(Directive::DihedralTypes, f);
    if (!k) {
        line.fail(fmt::format("invalid function type {} in [ dihedraltypes ]", f));
    }
    if (!k->supported) {
        diagnostics.warn(line.where(),
                         fmt::format("[ dihedraltypes ] function {} ({}) is not supported; line ignored", f, k->longName));
        return;
    }
    ParamEntry entry;
    entry.params = readTypeParams(line, numNames + 1, *k);
    for (int i = 0; i < 4; ++i) {
        if (names[static_cast<std::size_t>(i)] == "X") {
            entry.types[static_cast<std::size_t>(i)] = -1;
            continue;
        }
        const auto index = bondTypeIndex(names[static_cast<std::size_t>(i)]);
        if (!index) {
            line.fail(fmt::format("unknown bond_atomtype '{}' in [ dihedraltypes ]", names[static_cast<std::size_t>(i)]));
        }
        entry.types[static_cast<std::size_t>(i)] = *index;
    }
    addDihedralEntry(k->table, entry, f == 9, k->numParams, line, diagnostics);
}

void ForceField::addDihedralEntry(ParamTable t, const ParamEntry& entry, bool allowRepeat, int numParams,
                                  const LineFields& line, Diagnostics& diagnostics)
{
    // grompp's rules: a type-9 line directly after one with the same atom types adds a term; an
    // identical repeat is dropped; any other repeat overwrites (types 1-4) or is an error (type 9).
    auto& entries = tables_[static_cast<std::size_t>(t)];
    const bool continuesBlock = allowRepeat && !entries.empty() && entries.back().types == entry.types;
    const std::array<int, 4> reversed{entry.types[3], entry.types[2], entry.types[1], entry.types[0]};
    bool add = true;
    bool warned = false;
    for (ParamEntry& old : entries) {
        if (old.types != entry.types && old.types != reversed) {
            continue;
        }
        const bool identical = std::equal(old.params.begin(), old.params.begin() + numParams, entry.params.begin());
        if (!allowRepeat || identical) {
            add = false;
        }
        if (identical) {
            continue;
        }
        if (allowRepeat) {
            if (!continuesBlock) {
                line.fail("a second block of dihedral type 9 parameters for the same atom types, with different "
                          "parameters or after a multi-line block: not supported (grompp rejects it too)");
            }
        } else {
            if (!warned) {
                diagnostics.warn(line.where(), "dihedral type redefined; the new parameters overwrite the old ones "
                                               "(use type 9 on consecutive lines for several terms)");
                warned = true;
            }
            old.params = entry.params;
        }
    }
    if (add) {
        entries.push_back(entry);
    }
}

void ForceField::readNonbondParams(const LineFields& line, Diagnostics& diagnostics)
{
    line.requireAtLeast(3, "type_i type_j func V W");
    const int f = line.integer(2, "the function type");
    if (f != 1) {
        line.fail(fmt::format("[ nonbond_params ] function {} does not match the Lennard-Jones nbfunc 1", f));
    }
    if (line.size() != 5) {
        line.fail(fmt::format("incorrect number of parameters in [ nonbond_params ]: expected 2, found {}",
                              line.size() - 3));
    }
    const auto i = atomTypeIndex(line[0]);
    const auto j = atomTypeIndex(line[1]);
    if (!i || !j) {
        line.fail(fmt::format("atomtype {} not found", !i ? line[0] : line[1]));
    }
    const std::pair<double, double> vw{line.number(3, "V"), line.number(4, "W")};
    const auto key = std::make_pair(std::max(*i, *j), std::min(*i, *j));
    const auto [it, inserted] = nonbondParams_.try_emplace(key, vw);
    if (!inserted && it->second != vw) {
        diagnostics.warn(line.where(), "non-bonded parameters redefined; the new ones are used");
        it->second = vw;
    }
}

void ForceField::readPairType(const LineFields& line, Diagnostics& diagnostics)
{
    if (!defaults.genPairs) {
        readBondedType(Directive::PairTypes, line, diagnostics);
        return;
    }
    line.requireAtLeast(3, "type_i type_j func V W");
    const int f = line.integer(2, "the function type");
    if (f != 1) {
        line.fail(fmt::format("[ pairtypes ] function {} is not supported with gen-pairs = yes (expected 1)", f));
    }
    const int numParams = line.size() - 3;
    if (numParams != 2 && numParams != 4) {
        line.fail(fmt::format("incorrect number of parameters in [ pairtypes ]: expected 2 or 4, found {}", numParams));
    }
    const auto i = atomTypeIndex(line[0]);
    const auto j = atomTypeIndex(line[1]);
    if (!i || !j) {
        line.fail(fmt::format("atomtype {} not found", !i ? line[0] : line[1]));
    }
    const std::pair<double, double> vw{line.number(3, "V"), line.number(4, "W")};
    const auto key = std::make_pair(std::max(*i, *j), std::min(*i, *j));
    const auto [it, inserted] = pairTypes_.try_emplace(key, vw);
    if (!inserted && it->second != vw) {
        diagnostics.warn(line.where(), "pair parameters redefined; the new ones are used");
        it->second = vw;
    }
}

void ForceField::readCmapType(const LineFields& line)
{
    line.requireAtLeast(8, "5 atom types, function type, grid size x, grid size y, grid values");
    const int f = line.integer(5, "the function type");
    if (f != 1) {
        line.fail(fmt::format("invalid cmap function type {}: must be 1", f));
    }
    const int nx = line.integer(6, "the grid size");
    const int ny = line.integer(7, "the grid size");
    if (nx != ny || nx <= 0) {
        line.fail(fmt::format("the cmap grid must be square and non-empty: found {} x {}", nx, ny));
    }
    const int values = line.size() - 8;
    if (values != nx * ny && values != 2 * nx * ny) {
        line.fail(fmt::format("expected {} cmap grid values for a {} x {} grid, found {}", nx * ny, nx, ny, values));
    }
    CmapType type;
    for (int i = 0; i < 5; ++i) {
        const auto index = bondTypeIndex(line[i]);
        if (!index) {
            line.fail(fmt::format("unknown bond_atomtype '{}' in [ cmaptypes ]", line[i]));
        }
        type.bondTypes[static_cast<std::size_t>(i)] = *index;
    }
    type.gridSize = nx;
    type.values.reserve(static_cast<std::size_t>(nx * ny));
    for (int i = 0; i < nx * ny; ++i) {
        type.values.push_back(line.number(8 + i, "a cmap grid value"));
    }
    cmapTypes.push_back(std::move(type));
}

const ParamEntry* ForceField::findBonded(ParamTable t, const int* types, int numTypes) const
{
    for (const ParamEntry& entry : table(t)) {
        bool forward = true;
        bool backward = true;
        for (int i = 0; i < numTypes; ++i) {
            forward = forward && entry.types[static_cast<std::size_t>(i)] == types[i];
            backward = backward && entry.types[static_cast<std::size_t>(numTypes - 1 - i)] == types[i];
        }
        if (forward || backward) {
            return &entry;
        }
    }
    return nullptr;
}

DihedralMatch ForceField::findDihedral(ParamTable t, const std::array<int, 4>& types) const
{
    // grompp stores each line forwards and then backwards and takes the first stored entry with the
    // most exact matches; scanning lines and trying both directions visits them in the same order.
    const auto& entries = table(t);
    int best = -1;
    int bestMatches = -1;
    for (int e = 0; e < static_cast<int>(entries.size()) && bestMatches < 4; ++e) {
        const auto& entryTypes = entries[static_cast<std::size_t>(e)].types;
        const int m = std::max(dihedralMatches(entryTypes, types, false), dihedralMatches(entryTypes, types, true));
        if (m > bestMatches) {
            bestMatches = m;
            best = e;
        }
    }
    if (best < 0) {
        return {};
    }
    DihedralMatch match{best, 1};
    while (best + match.count < static_cast<int>(entries.size()) &&
           entries[static_cast<std::size_t>(best + match.count)].types == entries[static_cast<std::size_t>(best)].types) {
        ++match.count;
    }
    return match;
}

int ForceField::findCmapType(const std::array<int, 5>& bondTypes) const
{
    for (std::size_t i = 0; i < cmapTypes.size(); ++i) {
        if (cmapTypes[i].bondTypes == bondTypes) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

} // namespace proteinmd::gmxtop
