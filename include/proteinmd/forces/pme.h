#pragma once
// Smooth particle-mesh Ewald (Essmann et al., J. Chem. Phys. 103, 8577 (1995)): the reciprocal-space
// (mesh) part of the Ewald sum for periodic boxes, rectangular or triclinic, numerically as GROMACS
// does it (its B-spline moduli, its influence function, its half-complex energy/virial sums).
//
// Coulomb bookkeeping follows GROMACS 2022: "Coul. recip." = PmeSolver::compute() (mesh) +
// ewaldBackgroundEnergy() (net-charge term). The self term and the exclusion corrections belong to
// the real-space part (coulomb_sr) and are not computed here.

#include <array>
#include <memory>
#include <span>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"
#include "proteinmd/forces/ewald_parameters.h"

namespace proteinmd {

// Precision of the mesh: grids, B-splines and FFTs in double or float (as GROMACS's mixed mode).
// Energy and virial are summed in double either way. Single agrees with Double to ~2e-7 in energy
// and ~3e-6 in forces (relative RMS, dhfr); it halves the grid memory and is ~10% faster on dhfr
// (the FFTs, about 40% of the time, gain little from float with Debian's fftw3f).
enum class PmePrecision { Double, Single };

struct PmeParameters {
    std::array<int, 3> grid{};   // fourier-nx/ny/nz: grid points along box vectors a, b, c
    int order = 4;               // pme-order: interpolation points per dimension (B-spline order), 3..12
    double ewaldCoefficient = 0; // beta (nm^-1): erfc(beta r) is the real-space screening
    // OpenMP threads used by compute(). 0: automatic, omp_get_max_threads() but at most one per
    // 16384 grid points (a 25^3 grid), so that small systems skip the threading overhead. Results
    // are bit-identical for any number of threads.
    int numThreads = 0;
    PmePrecision precision = PmePrecision::Double;
};

// Reciprocal-space PME for a fixed number of atoms and fixed grid. The FFT plans and every buffer
// are made in the constructor; compute() allocates nothing and runs on parameters().numThreads
// OpenMP threads. One solver must not be used by two threads at once (it owns its grids); separate
// solvers are independent.
class PmeSolver {
public:
    // Throws SetupError for an order outside 3..12, a grid dimension below the order, numAtoms < 0,
    // or numThreads < 0. parameters() holds the thread count in use (0 resolved as described above).
    PmeSolver(const PmeParameters& parameters, int numAtoms);
    ~PmeSolver();
    PmeSolver(PmeSolver&&) noexcept;
    PmeSolver& operator=(PmeSolver&&) noexcept;
    PmeSolver(const PmeSolver&) = delete;
    PmeSolver& operator=(const PmeSolver&) = delete;

    // Returns the reciprocal-space (mesh) energy in kJ/mol WITHOUT the self and net-charge background
    // terms. ADDS the forces (kJ/mol/nm) to `forces` and the virial to `virial` in GROMACS's
    // convention Xi = -1/2 sum r (x) F (here: -1/2 of the derivative of the energy with respect to a
    // box deformation, the reciprocal virial). coulombPrefactor = kCoulombConstant / epsilonR.
    // Positions may lie anywhere (they are wrapped through fractional coordinates).
    // With computeEnergyAndVirial false the energy and virial sums are skipped (the influence
    // function then costs about half): it returns 0 and leaves `virial` alone; the forces are
    // bit-identical to those of a call with it true.
    // Throws SetupError if the spans do not hold numAtoms entries, the box is not periodic, or a
    // position is not finite.
    double compute(std::span<const Vec3> positions, std::span<const double> charges, const Box& box,
                   double coulombPrefactor, std::span<Vec3> forces, Matrix3& virial,
                   bool computeEnergyAndVirial = true);

    const PmeParameters& parameters() const;
    int numAtoms() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// GROMACS's grid choice (calcFftGrid, as grompp runs it): along each box vector (its Cartesian
// length, so triclinic cells get the spacing along their vectors) the smallest size from GROMACS's
// list of fast FFT sizes that is >= length/spacing and >= 2*(order-1) (minimalPmeGridSize).
// Throws SetupError for a non-periodic box or a spacing <= 0.
std::array<int, 3> pmeGridFromSpacing(const Box& box, double fourierSpacing, int pmeOrder);

// Energy of the neutralizing background for a net charge Q: -k pi Q^2 / (2 V beta^2) (kJ/mol).
// GROMACS adds it to "Coul. recip."; it has no forces (its virial: ewaldBackgroundVirial).
double ewaldBackgroundEnergy(double totalCharge, double volume, double ewaldCoefficient,
                             double coulombPrefactor);
// Virial (GROMACS Xi) of the background term. E depends on the box only through 1/V, so under a
// deformation eps dE/d(eps_aa) = -E and Xi = -E/2 * identity (GROMACS: vir[d][d] -= 0.5 * E).
Matrix3 ewaldBackgroundVirial(double totalCharge, double volume, double ewaldCoefficient,
                              double coulombPrefactor);



// OpenMM's PME parameters (NonbondedForceImpl::calcPMEParameters): alpha as above, grid
// n_d = max(6, ceil(2 alpha L_d / (3 delta^(1/5)))) with L_d the box diagonal element, order 5
// (OpenMM's fixed order). Platforms may round n_d up further to a fast FFT size; this does not.
PmeParameters openmmPmeParameters(const Box& box, double cutoff, double tolerance);

} // namespace proteinmd
