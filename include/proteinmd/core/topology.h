#pragma once
// Names and structure of a system, kept for output and analysis: atoms, residues, chains,
// molecules and chemical bonds. Physics parameters live in System, not here.

#include <array>
#include <string>
#include <vector>

namespace proteinmd {

struct AtomInfo {
    std::string name;        // atom name, e.g. "CA"
    std::string typeName;    // force-field atom type, e.g. "CT" (empty if unknown)
    std::string element;     // element symbol, e.g. "C" (may be empty)
    int residueIndex = 0;    // index into Topology::residues
};

struct ResidueInfo {
    std::string name;        // e.g. "ALA"
    int number = 0;          // residue number as written in the input (may repeat across chains)
    std::string insertionCode;
    int chainIndex = 0;      // index into Topology::chains
    int firstAtom = 0;
    int numAtoms = 0;
};

struct ChainInfo {
    std::string id;          // PDB chain identifier, or molecule name for topology-built chains
    int firstResidue = 0;
    int numResidues = 0;
};

// One molecule instance (e.g. one water). Atoms of a molecule are contiguous.
struct MoleculeInfo {
    std::string typeName;    // [ moleculetype ] name
    int firstAtom = 0;
    int numAtoms = 0;
};

struct Topology {
    std::string title;
    std::vector<AtomInfo> atoms;
    std::vector<ResidueInfo> residues;
    std::vector<ChainInfo> chains;
    std::vector<MoleculeInfo> molecules;
    std::vector<std::array<int, 2>> bonds; // chemical bonds (incl. constrained ones and settles' O-H)

    int numAtoms() const { return static_cast<int>(atoms.size()); }
    // "ALA2:CA (atom 17)" style label for error messages; index is 0-based, label is 1-based.
    std::string describeAtom(int index) const;
};

} // namespace proteinmd
