#include "io/topology_builder.h"

#include <array>
#include <cctype>
#include <cmath>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "io/topology_exclusions.h"

namespace proteinmd::gmxtop {

namespace {

constexpr std::array<std::string_view, 87> kElements{
    "",   "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si", "P",  "S",  "Cl",
    "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br",
    "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",
    "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu",
    "Hf", "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn"};

// grompp's rule for constraints = h-bonds: an atom is a hydrogen if its name starts with H or h.
bool isHydrogenName(const std::string& name)
{
    return !name.empty() && std::toupper(static_cast<unsigned char>(name[0])) == 'H';
}

struct ResidueSpan {
    int first = 0;
    int count = 0;
};

// A molecule type made ready to be copied: constraints applied, exclusions generated.
struct PreparedMolecule {
    BondedTerms bonded;
    std::vector<DistanceConstraint> constraints;
    std::vector<std::vector<int>> exclusions;
    std::vector<std::array<int, 2>> chemicalBonds;
    std::vector<ResidueSpan> residues;
};

template <typename Bond>
void moveToConstraints(std::vector<Bond>& bonds, std::vector<DistanceConstraint>& constraints,
                       const MoleculeType& m, ConstraintMode mode)
{
    std::vector<Bond> kept;
    for (const Bond& b : bonds) {
        const bool convert = mode == ConstraintMode::AllBonds ||
                             isHydrogenName(m.atoms[static_cast<std::size_t>(b.atoms[0])].name) ||
                             isHydrogenName(m.atoms[static_cast<std::size_t>(b.atoms[1])].name);
        if (convert) {
            constraints.push_back(DistanceConstraint{b.atoms, b.b0});
        } else {
            kept.push_back(b);
        }
    }
    bonds.swap(kept);
}

PreparedMolecule prepare(const MoleculeType& m, ConstraintMode mode)
{
    PreparedMolecule p;
    // Chemical bonds: what grompp's exclusion generation walks, and what Topology lists.
    for (const auto& b : m.bonded.harmonicBonds) { p.chemicalBonds.push_back(b.atoms); }
    for (const auto& b : m.bonded.g96Bonds) { p.chemicalBonds.push_back(b.atoms); }
    for (const auto& b : m.connections) { p.chemicalBonds.push_back(b); }
    for (const auto& c : m.constraints) { p.chemicalBonds.push_back(c.atoms); }
    for (const auto& s : m.settles) {
        p.chemicalBonds.push_back({s.atoms[0], s.atoms[1]});
        p.chemicalBonds.push_back({s.atoms[0], s.atoms[2]});
    }
    p.exclusions = generateExclusions(m.numAtoms(), m.nrexcl, p.chemicalBonds, m.exclusions);

    p.bonded = m.bonded;
    p.constraints = m.constraints;
    if (mode == ConstraintMode::HBonds || mode == ConstraintMode::AllBonds) {
        moveToConstraints(p.bonded.harmonicBonds, p.constraints, m, mode);
        moveToConstraints(p.bonded.g96Bonds, p.constraints, m, mode);
    }
    p.constraints.insert(p.constraints.end(), m.constraintsNoConnection.begin(), m.constraintsNoConnection.end());
    p.bonded.harmonicBonds.insert(p.bonded.harmonicBonds.end(), m.harmonicPotentials.begin(),
                                  m.harmonicPotentials.end());

    // A new residue starts where the residue number, insertion code or name changes (as grompp).
    for (int i = 0; i < m.numAtoms(); ++i) {
        const MoleculeAtom& a = m.atoms[static_cast<std::size_t>(i)];
        const bool newResidue = i == 0 || [&] {
            const MoleculeAtom& prev = m.atoms[static_cast<std::size_t>(i - 1)];
            return a.residueNumber != prev.residueNumber || a.insertionCode != prev.insertionCode ||
                   a.residueName != prev.residueName;
        }();
        if (newResidue) {
            p.residues.push_back(ResidueSpan{i, 0});
        }
        ++p.residues.back().count;
    }
    return p;
}

template <typename T>
void appendShifted(std::vector<T>& to, const std::vector<T>& from, int offset)
{
    for (T item : from) {
        for (int& a : item.atoms) { a += offset; }
        to.push_back(item);
    }
}

void appendBonded(BondedTerms& to, const BondedTerms& from, int offset)
{
    appendShifted(to.harmonicBonds, from.harmonicBonds, offset);
    appendShifted(to.g96Bonds, from.g96Bonds, offset);
    appendShifted(to.harmonicAngles, from.harmonicAngles, offset);
    appendShifted(to.g96Angles, from.g96Angles, offset);
    appendShifted(to.ureyBradleyAngles, from.ureyBradleyAngles, offset);
    appendShifted(to.properDihedrals, from.properDihedrals, offset);
    appendShifted(to.periodicImpropers, from.periodicImpropers, offset);
    appendShifted(to.harmonicImpropers, from.harmonicImpropers, offset);
    appendShifted(to.rbDihedrals, from.rbDihedrals, offset);
    appendShifted(to.cmapTorsions, from.cmapTorsions, offset);
    appendShifted(to.pairs, from.pairs, offset);
    for (PositionRestraint r : from.positionRestraints) {
        r.atom += offset;
        to.positionRestraints.push_back(r);
    }
}

} // namespace

TopologyData buildTopologyData(const ParsedTopology& parsed, ConstraintMode constraints, Diagnostics diagnostics)
{
    const ForceField& ff = parsed.forceField;
    TopologyData data;
    data.diagnostics = std::move(diagnostics);
    System& system = data.system;
    Topology& topology = data.topology;
    topology.title = parsed.title;
    system.combinationRule = static_cast<int>(ff.defaults.combinationRule);
    system.fudgeLJ = ff.defaults.fudgeLJ;
    system.fudgeQQ = ff.defaults.fudgeQQ;

    // Molecule types in use, prepared once; LJ types renumbered over the atom types in use.
    std::vector<std::optional<PreparedMolecule>> prepared(parsed.moleculeTypes.size());
    std::vector<int> ljIndex(ff.atomTypes.size(), -1);
    std::vector<int> cmapIndex(ff.cmapTypes.size(), -1);
    std::size_t totalAtoms = 0;
    for (const MoleculeBlock& block : parsed.blocks) {
        const MoleculeType& m = parsed.moleculeTypes[static_cast<std::size_t>(block.moleculeType)];
        totalAtoms += static_cast<std::size_t>(block.count) * m.atoms.size();
        auto& p = prepared[static_cast<std::size_t>(block.moleculeType)];
        if (p) {
            continue;
        }
        p = prepare(m, constraints);
        for (const MoleculeAtom& a : m.atoms) {
            ljIndex[static_cast<std::size_t>(a.type)] = 0;
        }
        for (CmapTorsion& t : p->bonded.cmapTorsions) {
            int& index = cmapIndex[static_cast<std::size_t>(t.gridIndex)];
            if (index < 0) {
                index = static_cast<int>(system.bonded.cmapGrids.size());
                const CmapType& type = ff.cmapTypes[static_cast<std::size_t>(t.gridIndex)];
                system.bonded.cmapGrids.push_back(CmapGrid{type.gridSize, type.values});
            }
            t.gridIndex = index;
        }
    }
    std::vector<int> ljTypeOrigin;
    for (std::size_t t = 0; t < ljIndex.size(); ++t) {
        if (ljIndex[t] == 0) {
            ljIndex[t] = static_cast<int>(ljTypeOrigin.size());
            ljTypeOrigin.push_back(static_cast<int>(t));
        }
    }
    system.numLjTypes = static_cast<int>(ljTypeOrigin.size());
    const auto nt = static_cast<std::size_t>(system.numLjTypes);
    system.c6.assign(nt * nt, 0.0);
    system.c12.assign(nt * nt, 0.0);
    for (std::size_t i = 0; i < nt; ++i) {
        for (std::size_t j = 0; j < nt; ++j) {
            const auto [c6, c12] = ff.ljParameters(ljTypeOrigin[i], ljTypeOrigin[j]);
            system.c6[i * nt + j] = c6;
            system.c12[i * nt + j] = c12;
        }
    }

    system.masses.reserve(totalAtoms);
    system.charges.reserve(totalAtoms);
    system.ljTypes.reserve(totalAtoms);
    system.exclusions.reserve(totalAtoms);
    topology.atoms.reserve(totalAtoms);
    for (const MoleculeBlock& block : parsed.blocks) {
        const MoleculeType& m = parsed.moleculeTypes[static_cast<std::size_t>(block.moleculeType)];
        const PreparedMolecule& p = *prepared[static_cast<std::size_t>(block.moleculeType)];
        // A polymer gets a chain per copy; small molecules (water, ions) share one chain per block.
        const bool chainPerCopy = p.residues.size() > 1;
        for (int copy = 0; copy < block.count; ++copy) {
            const int offset = system.numAtoms();
            if (chainPerCopy || copy == 0) {
                topology.chains.push_back(ChainInfo{m.name, static_cast<int>(topology.residues.size()), 0});
            }
            const int chainIndex = static_cast<int>(topology.chains.size()) - 1;
            topology.molecules.push_back(MoleculeInfo{m.name, offset, m.numAtoms()});
            for (const ResidueSpan& r : p.residues) {
                const MoleculeAtom& first = m.atoms[static_cast<std::size_t>(r.first)];
                topology.residues.push_back(ResidueInfo{first.residueName, first.residueNumber, first.insertionCode,
                                                        chainIndex, offset + r.first, r.count});
                ++topology.chains.back().numResidues;
                const int residueIndex = static_cast<int>(topology.residues.size()) - 1;
                for (int i = r.first; i < r.first + r.count; ++i) {
                    const MoleculeAtom& a = m.atoms[static_cast<std::size_t>(i)];
                    const AtomType& type = ff.atomTypes[static_cast<std::size_t>(a.type)];
                    system.masses.push_back(a.mass);
                    system.charges.push_back(a.charge);
                    system.ljTypes.push_back(ljIndex[static_cast<std::size_t>(a.type)]);
                    const bool knownElement = type.atomicNumber > 0 && type.atomicNumber < static_cast<int>(kElements.size());
                    topology.atoms.push_back(AtomInfo{a.name, type.name,
                                                      knownElement ? std::string(kElements[static_cast<std::size_t>(type.atomicNumber)])
                                                                   : std::string(),
                                                      residueIndex});
                }
            }
            for (const auto& list : p.exclusions) {
                auto& global = system.exclusions.emplace_back(list);
                for (int& a : global) { a += offset; }
            }
            appendBonded(system.bonded, p.bonded, offset);
            appendShifted(system.constraints, p.constraints, offset);
            appendShifted(system.settles, m.settles, offset);
            for (const auto& b : p.chemicalBonds) {
                topology.bonds.push_back({b[0] + offset, b[1] + offset});
            }
        }
    }

    const double charge = system.totalCharge();
    if (std::fabs(charge - std::round(charge)) > 1e-4) {
        data.diagnostics.warn(fmt::format("System has non-integer total charge: {:.5f}", charge));
    }
    return data;
}

} // namespace proteinmd::gmxtop
