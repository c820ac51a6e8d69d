#pragma once
// What one force evaluation returns: per-term energies, forces and the virial.

#include <vector>

#include "proteinmd/core/vec3.h"
#include "proteinmd/forces/energy_terms.h"

namespace proteinmd {

struct ForceOutput {
    EnergyTerms energies;
    std::vector<Vec3> forces; // kJ/mol/nm, one per atom
    // GROMACS virial Xi = -1/2 sum_i r_i (x) F_i (kJ/mol), computed with minimum-image pair vectors.
    Matrix3 virial{};
    // Set by the caller before a force call: false asks only for forces and the virial (GROMACS's
    // steps between nstcalcenergy), so a backend may skip the energy-summing kernels. Backends that
    // always sum energies may ignore it; reset() keeps it.
    bool energiesWanted = true;
    // Also set by the caller: false (only with energiesWanted false) says the virial is not read
    // either, so a backend may leave parts of it out (the CPU backend's PME mesh virial, which
    // GROMACS too sums only at nstcalcenergy). Integrators keep it on with a barostat, which reads
    // the pressure; reset() keeps it.
    bool virialWanted = true;

    void reset(int numAtoms)
    {
        energies = EnergyTerms{};
        forces.assign(static_cast<std::size_t>(numAtoms), Vec3{});
        virial = Matrix3{};
    }
};

} // namespace proteinmd
