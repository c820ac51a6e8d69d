#pragma once
// Double-precision reference ("oracle") evaluation of the short-range non-bonded interactions with
// GROMACS 2022 Verlet-scheme bookkeeping: LJ (lj_sr), real-space Coulomb including the
// reaction-field/Ewald exclusion corrections and self terms (coulomb_sr), and the long-range
// dispersion correction (dispersion_correction). PME's reciprocal part is not done here.

#include <span>

#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"
#include "proteinmd/core/vec3.h"
#include "proteinmd/forces/force_output.h"
#include "proteinmd/forces/nonbonded_options.h"

namespace proteinmd {

// ADDS energies (EnergyTerm::LjSr, CoulombSr and, if requested, DispersionCorrection), forces and
// virial to `out`; out.forces must already hold one entry per atom. With options.periodic the box
// must be periodic and the cut-off at most box.maxCutoff(); without it every non-excluded pair
// interacts with plain LJ and plain Coulomb (no cut-off, no shifts, no exclusion terms).
// Throws SetupError for settings GROMACS rejects or this backend does not support.
void addNonbondedForcesReference(const System& system, const NonbondedOptions& options,
                                 std::span<const Vec3> positions, const Box& box, ForceOutput& out);


} // namespace proteinmd
