#include "io/topology_molecule.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "proteinmd/core/units.h"

namespace proteinmd::gmxtop {

namespace {

using units::kDegToRad;

bool allZero(const std::array<double, kMaxParams>& p, int n)
{
    return std::all_of(p.begin(), p.begin() + n, [](double v) { return v == 0.0; });
}

// Atom indices of an interaction line, checked and converted to 0-based.
template <std::size_t N>
std::array<int, N> readAtoms(const LineFields& line, int count, const MoleculeType& molecule, Directive directive)
{
    std::array<int, N> atoms{};
    for (int i = 0; i < count; ++i) {
        const int a = line.integer(i, "an atom index");
        if (a < 1 || a > molecule.numAtoms()) {
            line.fail(fmt::format("atom index {} in [ {} ] out of bounds (1-{}): molecule {} has {} atoms so far", a,
                                  directiveName(directive), molecule.numAtoms(), molecule.name, molecule.numAtoms()));
        }
        for (int j = 0; j < i; ++j) {
            if (atoms[static_cast<std::size_t>(j)] == a - 1) {
                line.fail(fmt::format("duplicate atom index {} in [ {} ]", a, directiveName(directive)));
            }
        }
        atoms[static_cast<std::size_t>(i)] = a - 1;
    }
    return atoms;
}

std::string describeAtoms(const MoleculeType& molecule, const ForceField& ff, const int* atoms, int count)
{
    std::string types;
    std::string numbers;
    for (int i = 0; i < count; ++i) {
        const AtomType& t = ff.atomTypes[static_cast<std::size_t>(molecule.atoms[static_cast<std::size_t>(atoms[i])].type)];
        if (i > 0) {
            types += ' ';
            numbers += ' ';
        }
        types += ff.bondTypeNames[static_cast<std::size_t>(t.bondType)];
        numbers += std::to_string(atoms[i] + 1);
    }
    return fmt::format("{} (atoms {} of molecule {})", types, numbers, molecule.name);
}

int multiplicity(double value, const LineFields& line)
{
    const double rounded = std::round(value);
    if (std::fabs(value - rounded) > 0.01) {
        line.fail(fmt::format("non-integer dihedral multiplicity {}", value));
    }
    return static_cast<int>(rounded);
}

// Stores one resolved interaction in the molecule's tables (dropping what grompp drops).
void store(MoleculeType& m, int function, Directive directive, const int* a, const std::array<double, kMaxParams>& p,
           const InteractionKind& k, const LineFields& line)
{
    if (directive == Directive::Bonds) {
        if (function == 1) {
            m.bonded.harmonicBonds.push_back(HarmonicBond{{a[0], a[1]}, p[0], p[1]});
        } else if (function == 2) {
            m.bonded.g96Bonds.push_back(G96Bond{{a[0], a[1]}, p[0], p[1]});
        } else if (function == 5) {
            m.connections.push_back({a[0], a[1]});
        } else if (function == 6) {
            m.harmonicPotentials.push_back(HarmonicBond{{a[0], a[1]}, p[0], p[1]});
        }
        return;
    }
    if (directive == Directive::Constraints) {
        auto& list = function == 1 ? m.constraints : m.constraintsNoConnection;
        list.push_back(DistanceConstraint{{a[0], a[1]}, p[0]});
        return;
    }
    if (directive == Directive::Angles) {
        if (allZero(p, k.numParams)) {
            return; // grompp does not add angles without any parameters
        }
        if (function == 1) {
            m.bonded.harmonicAngles.push_back(HarmonicAngle{{a[0], a[1], a[2]}, p[0] * kDegToRad, p[1]});
        } else if (function == 2) {
            m.bonded.g96Angles.push_back(G96Angle{{a[0], a[1], a[2]}, p[0] * kDegToRad, p[1]});
        } else {
            m.bonded.ureyBradleyAngles.push_back(UreyBradleyAngle{{a[0], a[1], a[2]}, p[0] * kDegToRad, p[1], p[2], p[3]});
        }
        return;
    }
    if (directive == Directive::Dihedrals) {
        const std::array<int, 4> atoms{a[0], a[1], a[2], a[3]};
        if (function == 1 || function == 9 || function == 4) {
            if (p[1] == 0.0 && p[4] == 0.0) {
                return; // a torsion without force constant is no interaction
            }
            const PeriodicTorsion t{atoms, p[0] * kDegToRad, p[1], multiplicity(p[2], line)};
            (function == 4 ? m.bonded.periodicImpropers : m.bonded.properDihedrals).push_back(t);
        } else if (function == 2) {
            if (!allZero(p, k.numParams)) {
                m.bonded.harmonicImpropers.push_back(HarmonicImproper{atoms, p[0] * kDegToRad, p[1]});
            }
        } else if (function == 3) {
            if (!allZero(p, k.numParams)) {
                RyckaertBellemansTorsion t{atoms, {}};
                std::copy(p.begin(), p.begin() + 6, t.c.begin());
                m.bonded.rbDihedrals.push_back(t);
            }
        }
    }
}

void readPair(MoleculeType& m, const ForceField& ff, const LineFields& line, int function, const std::array<int, 2>& a,
              const std::vector<double>& params)
{
    const MoleculeAtom& ai = m.atoms[static_cast<std::size_t>(a[0])];
    const MoleculeAtom& aj = m.atoms[static_cast<std::size_t>(a[1])];
    const int n = static_cast<int>(params.size());
    auto lookup = [&]() {
        const auto lj = ff.pairParameters(ai.type, aj.type);
        if (!lj) {
            line.fail(fmt::format("No default LJ-14 types for atoms {} {} (atoms {} {} of molecule {}): no [ pairtypes ] "
                                  "entry and gen-pairs = no",
                                  ff.atomTypes[static_cast<std::size_t>(ai.type)].name,
                                  ff.atomTypes[static_cast<std::size_t>(aj.type)].name, a[0] + 1, a[1] + 1, m.name));
        }
        return *lj;
    };
    Pair14 pair{a, 0, 0, 0};
    if (function == 1) {
        if (n != 0 && n != 2 && n != 4) {
            line.fail(fmt::format("incorrect number of parameters for LJ-14: found {}, expected 0, 2 or 4", n));
        }
        const auto [c6, c12] = n == 0 ? lookup() : ff.c6c12(params[0], params[1]);
        pair.c6 = c6;
        pair.c12 = c12;
        pair.qq = ff.defaults.fudgeQQ * ai.charge * aj.charge;
    } else {
        // Type 2: fudgeQQ qi qj V W given on the line (or only fudgeQQ, the rest from atoms and types).
        if (n != 0 && n != 1 && n != 5) {
            line.fail(fmt::format("incorrect number of parameters for LJC-14 q: found {}, expected 5 "
                                  "(fudgeQQ qi qj V W) or 1 (fudgeQQ)",
                                  n));
        }
        const double fudgeQQ = n > 0 ? params[0] : ff.defaults.fudgeQQ;
        const double qi = n == 5 ? params[1] : ai.charge;
        const double qj = n == 5 ? params[2] : aj.charge;
        const auto [c6, c12] = n == 5 ? ff.c6c12(params[3], params[4]) : lookup();
        pair.c6 = c6;
        pair.c12 = c12;
        pair.qq = fudgeQQ * qi * qj;
    }
    m.bonded.pairs.push_back(pair);
}

} // namespace

MoleculeType readMoleculeTypeLine(const LineFields& line)
{
    if (line.size() != 2 || !line.isInteger(1)) {
        line.fail("expected a molecule type name and nrexcl");
    }
    MoleculeType m;
    m.name = std::string(line[0]);
    m.nrexcl = line.integer(1, "nrexcl");
    if (m.nrexcl < 0) {
        line.fail(fmt::format("nrexcl must not be negative, found {}", m.nrexcl));
    }
    return m;
}

void readAtomLine(MoleculeType& m, const ForceField& ff, const LineFields& line)
{
    line.requireAtLeast(6, "nr type resnr residue atom cgnr [charge [mass [typeB [chargeB [massB]]]]]");
    if (line.size() > 11) {
        line.fail(fmt::format("too many fields in [ atoms ]: expected at most 11, found {}", line.size()));
    }
    const int nr = line.integer(0, "the atom number");
    if (nr != m.numAtoms() + 1) {
        line.fail(fmt::format("atoms in [ atoms ] must be numbered consecutively from 1: expected {}, found {}",
                              m.numAtoms() + 1, nr));
    }
    const auto type = ff.atomTypeIndex(line[1]);
    if (!type) {
        line.fail(fmt::format("atomtype {} not found", line[1]));
    }
    MoleculeAtom atom;
    atom.type = *type;
    // Residue number with an optional one-letter insertion code ("12A").
    std::string_view resnr = line[2];
    if (!resnr.empty() && !std::isdigit(static_cast<unsigned char>(resnr.back()))) {
        if (resnr.size() < 2 || !std::isdigit(static_cast<unsigned char>(resnr[resnr.size() - 2]))) {
            line.fail(fmt::format("invalid residue number '{}' for atom {}", resnr, nr));
        }
        atom.insertionCode = std::string(1, resnr.back());
        resnr.remove_suffix(1);
    }
    if (!parseInt(resnr, atom.residueNumber)) {
        line.fail(fmt::format("invalid residue number '{}' for atom {}", line[2], nr));
    }
    atom.residueName = std::string(line[3]);
    atom.name = std::string(line[4]);
    line.integer(5, "the charge group number");
    const AtomType& t = ff.atomTypes[static_cast<std::size_t>(*type)];
    atom.charge = line.size() > 6 ? line.number(6, "the charge") : t.charge;
    atom.mass = line.size() > 7 ? line.number(7, "the mass") : t.mass;
    if (line.size() > 8 && !ff.atomTypeIndex(line[8])) {
        line.fail(fmt::format("atomtype {} (state B) not found", line[8]));
    }
    for (int i = 9; i < line.size(); ++i) {
        line.number(i, i == 9 ? "the state-B charge" : "the state-B mass");
    }
    if ((t.ptype == 'A' || t.ptype == 'N') && atom.mass <= 0) {
        line.fail(fmt::format("atom {} ({}{}) has mass {}: atoms and nuclei need a positive mass", atom.name,
                              atom.residueName, atom.residueNumber, atom.mass));
    }
    m.atoms.push_back(std::move(atom));
}

void readInteractionLine(Directive directive, MoleculeType& m, const ForceField& ff, const LineFields& line)
{
    const bool oneAtomFormat = directive == Directive::Settles || directive == Directive::PositionRestraints;
    const int numAtomFields = oneAtomFormat                     ? 1
                              : directive == Directive::Angles    ? 3
                              : directive == Directive::Dihedrals ? 4
                                                                  : 2;
    line.requireAtLeast(numAtomFields, "atom indices, function type, parameters");
    const int function = line.size() > numAtomFields ? line.integer(numAtomFields, "the function type") : 1;
    const auto k = interactionKind(directive, function);
    if (!k) {
        line.fail(fmt::format("invalid function type {} in [ {} ]", function, directiveName(directive)));
    }
    if (!k->supported) {
        line.fail(fmt::format("[ {} ] function type {} ({}) is not supported yet", directiveName(directive), function,
                              k->longName));
    }
    const auto atoms = readAtoms<4>(line, numAtomFields, m, directive);
    const std::vector<double> params = line.numbersFrom(numAtomFields + 1, "a parameter");
    const int n = static_cast<int>(params.size());

    if (directive == Directive::Settles) {
        if (atoms[0] + 2 >= m.numAtoms()) {
            line.fail(fmt::format("[ settles ] on atom {} needs atoms {} to {}, but molecule {} has {} atoms",
                                  atoms[0] + 1, atoms[0] + 1, atoms[0] + 3, m.name, m.numAtoms()));
        }
        if (n != 2) {
            line.fail(fmt::format("incorrect number of parameters for Settle: found {}, expected 2 (doh dhh)", n));
        }
        m.settles.push_back(SettleGroup{{atoms[0], atoms[0] + 1, atoms[0] + 2}, params[0], params[1]});
        return;
    }
    if (directive == Directive::PositionRestraints) {
        if (n != 3 && n != 6) {
            line.fail(fmt::format("incorrect number of parameters for Position Rest.: found {}, expected 3 or 6", n));
        }
        if (std::any_of(params.begin(), params.end(), [](double v) { return v != 0.0; })) {
            m.bonded.positionRestraints.push_back(PositionRestraint{atoms[0], Vec3{}, Vec3{params[0], params[1], params[2]}});
        }
        return;
    }
    if (directive == Directive::Pairs) {
        readPair(m, ff, line, function, {atoms[0], atoms[1]}, params);
        return;
    }
    if (n != 0 && n != k->numParamsA && n != k->numParams) {
        line.fail(fmt::format("incorrect number of parameters for {}: found {}, expected {}{} (after the function type), "
                              "or 0 to use the force-field types",
                              k->longName, n, k->numParamsA,
                              k->numParams != k->numParamsA ? fmt::format(" or {}", k->numParams) : std::string()));
    }
    if (n > 0 || k->table == ParamTable::None) {
        std::array<double, kMaxParams> p{};
        std::copy(params.begin(), params.end(), p.begin());
        if (n == k->numParamsA) {
            for (int i = 0; i < k->numParams - k->numParamsA; ++i) {
                p[static_cast<std::size_t>(k->numParamsA + i)] = p[static_cast<std::size_t>(i)];
            }
        }
        store(m, function, directive, atoms.data(), p, *k, line);
        return;
    }

    // Parameters from the force field, looked up by bond-atom type.
    std::array<int, 4> types{-1, -1, -1, -1};
    for (int i = 0; i < k->numAtoms; ++i) {
        const int atomType = m.atoms[static_cast<std::size_t>(atoms[static_cast<std::size_t>(i)])].type;
        types[static_cast<std::size_t>(i)] = ff.atomTypes[static_cast<std::size_t>(atomType)].bondType;
    }
    const auto missing = [&]() {
        line.fail(fmt::format("No default {} types for atoms {}", k->longName,
                              describeAtoms(m, ff, atoms.data(), k->numAtoms)));
    };
    if (directive == Directive::Dihedrals) {
        const DihedralMatch match = ff.findDihedral(k->table, types);
        if (match.first < 0) {
            missing();
        }
        // Several consecutive type lines (type 9 blocks) each give a term; only proper dihedrals use them.
        const int terms = k->table == ParamTable::ProperDihedrals ? match.count : 1;
        for (int t = 0; t < terms; ++t) {
            store(m, function, directive, atoms.data(),
                  ff.table(k->table)[static_cast<std::size_t>(match.first + t)].params, *k, line);
        }
        return;
    }
    const ParamEntry* entry = ff.findBonded(k->table, types.data(), k->numAtoms);
    if (entry == nullptr) {
        missing();
    }
    store(m, function, directive, atoms.data(), entry->params, *k, line);
}

void readCmapLine(MoleculeType& m, const ForceField& ff, const LineFields& line)
{
    line.requireAtLeast(5, "five atom indices and function type 1");
    if (line.size() > 6) {
        line.fail(fmt::format("too many fields in [ cmap ]: expected 6, found {}", line.size()));
    }
    if (line.size() == 6 && line.integer(5, "the function type") != 1) {
        line.fail(fmt::format("invalid function type {} for [ cmap ]: must be 1", line[5]));
    }
    const auto atoms = readAtoms<5>(line, 5, m, Directive::Cmap);
    std::array<int, 5> types{};
    for (int i = 0; i < 5; ++i) {
        const int atomType = m.atoms[static_cast<std::size_t>(atoms[static_cast<std::size_t>(i)])].type;
        types[static_cast<std::size_t>(i)] = ff.atomTypes[static_cast<std::size_t>(atomType)].bondType;
    }
    const int type = ff.findCmapType(types);
    if (type < 0) {
        line.fail(fmt::format("unknown cmap torsion between atoms {}", describeAtoms(m, ff, atoms.data(), 5)));
    }
    m.bonded.cmapTorsions.push_back(CmapTorsion{atoms, type});
}

void readExclusionLine(MoleculeType& m, const LineFields& line)
{
    const int i = line.integer(0, "an atom index");
    for (int f = 0; f < line.size(); ++f) {
        const int a = line.integer(f, "an atom index");
        if (a < 1 || a > m.numAtoms()) {
            line.fail(fmt::format("atom index {} in [ exclusions ] out of bounds (1-{}) for molecule {}", a,
                                  m.numAtoms(), m.name));
        }
        if (f > 0 && a != i) {
            m.exclusions.push_back({i - 1, a - 1});
        }
    }
}

} // namespace proteinmd::gmxtop
