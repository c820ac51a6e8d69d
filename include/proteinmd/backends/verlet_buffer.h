#pragma once
// The pair-list buffer from GROMACS's verlet-buffer-tolerance: how much longer than the cut-off the
// list radius must be so that pairs missing from a list kept for nstlist steps cost, on average, no
// more than `tolerance` kJ/mol/ps per atom of energy error.
//
// The estimate follows GROMACS's calcverletbuf: atoms are grouped by (mass, charge, LJ type); each
// atom's displacement over the list lifetime t = (nstlist - 1) dt is Gaussian with variance
// kT t^2 / m per dimension; the pair potential near the cut-off is replaced by its Taylor expansion
// to third order (derivatives at rc of the unmodified LJ and of the Coulomb kernel in use); the
// energy of pairs that start beyond rlist and end inside rc is integrated over the radial component
// of their relative displacement (numerically here) with the pair density 4 pi rlist^2 n_i n_j / V.
//
// Deliberately conservative where GROMACS is tighter: the magnitudes of the LJ and Coulomb parts are
// added (no cancellation), constrained atoms move as free atoms of their own mass, LJ modifiers that
// bring the force to zero at rc are ignored, and the extra pairs a 4x4 cluster list holds beyond
// rlist are not credited. So the buffer is somewhat larger than grompp's for the same settings.

#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"
#include "proteinmd/forces/nonbonded_options.h"

namespace proteinmd {

struct VerletBufferSettings {
    double tolerance = 0.005;  // kJ/mol/ps per atom (verlet-buffer-tolerance), > 0
    double temperature = 300;  // K (the largest reference temperature)
    int nstlist = 10;          // steps a list is used
    double dt = 0.002;         // ps
};

// Estimated energy error (kJ/mol/ps per atom) of a list with radius max(rcoulomb, rvdw) + buffer.
double verletBufferDrift(const System& system, const NonbondedOptions& options, const Box& box, double buffer,
                         const VerletBufferSettings& settings);

// Smallest buffer (nm, to 1e-4 nm, rounded up to 1e-3 nm as grompp rounds rlist) whose estimated
// drift is at most settings.tolerance. Throws SetupError for tolerance <= 0, nstlist < 1, dt <= 0,
// temperature < 0 or a box without volume.
double verletBufferFromTolerance(const System& system, const NonbondedOptions& options, const Box& box,
                                 const VerletBufferSettings& settings);

} // namespace proteinmd
