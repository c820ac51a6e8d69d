#pragma once
// One [ moleculetype ] of a GROMACS topology with its interactions resolved against the force
// field as grompp does while reading: missing parameters come from the type tables, inline
// parameters override them, and terms grompp drops (all-zero angles, zero-force-constant
// torsions) are dropped. Atom indices are 0-based within the molecule.

#include <array>
#include <string>
#include <vector>

#include "io/topology_directives.h"
#include "io/topology_fields.h"
#include "io/topology_parameters.h"
#include "proteinmd/core/system.h"

namespace proteinmd::gmxtop {

struct MoleculeAtom {
    std::string name;
    int type = 0; // index into ForceField::atomTypes
    std::string residueName;
    int residueNumber = 0;
    std::string insertionCode;
    double charge = 0;
    double mass = 0;
};

struct MoleculeType {
    std::string name;
    int nrexcl = 0;
    std::vector<MoleculeAtom> atoms;
    BondedTerms bonded;                          // cmapTorsions[].gridIndex indexes ForceField::cmapTypes
    std::vector<HarmonicBond> harmonicPotentials; // bonds type 6: energy only, no exclusions, never constrained
    std::vector<std::array<int, 2>> connections; // bonds type 5: exclusions only
    std::vector<DistanceConstraint> constraints; // [ constraints ] type 1 (connect atoms for exclusions)
    std::vector<DistanceConstraint> constraintsNoConnection; // type 2
    std::vector<SettleGroup> settles;
    std::vector<std::array<int, 2>> exclusions;  // explicit [ exclusions ] pairs

    int numAtoms() const { return static_cast<int>(atoms.size()); }
};

// Readers for the lines of the molecule directives. Each throws InputError naming the line.
MoleculeType readMoleculeTypeLine(const LineFields& line);
void readAtomLine(MoleculeType& molecule, const ForceField& forceField, const LineFields& line);
// [ bonds ], [ pairs ], [ angles ], [ dihedrals ], [ constraints ], [ settles ], [ position_restraints ].
void readInteractionLine(Directive directive, MoleculeType& molecule, const ForceField& forceField,
                         const LineFields& line);
void readCmapLine(MoleculeType& molecule, const ForceField& forceField, const LineFields& line);
void readExclusionLine(MoleculeType& molecule, const LineFields& line);

} // namespace proteinmd::gmxtop
