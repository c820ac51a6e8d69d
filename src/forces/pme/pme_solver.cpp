// Smooth PME reciprocal part, public face: validates parameters and inputs, then hands the work to
// the mesh of the chosen precision (pme_mesh.cpp: splines, spreading, FFT, influence function,
// gathering; OpenMP-threaded, bit-identical for any thread count). Numerics follow GROMACS's
// pme_spread / solve_pme_yzx / gather (its moduli, its m-vector convention, its half-complex
// weighting) so energies agree with gmx_d to rounding.

#include "proteinmd/forces/pme.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "forces/pme/bspline.h"
#include "forces/pme/pme_mesh.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/threaded_pass.h"

namespace proteinmd {

namespace {

// The reciprocal box of GROMACS's lower-triangular box (calc_recipbox): fractional coordinate
// s_d = sum_e x_e * recip[e][d], and the reciprocal vector of index d is column d.
Matrix3 reciprocalBox(const Box& box)
{
    const Matrix3& b = box.vectors();
    const double ax = b[0].x, bx = b[1].x, by = b[1].y, cx = b[2].x, cy = b[2].y, cz = b[2].z;
    Matrix3 r{};
    r[0].x = 1.0 / ax;
    r[1].x = -bx / (ax * by);
    r[1].y = 1.0 / by;
    r[2].x = (bx * cy - by * cx) / (ax * by * cz);
    r[2].y = -cy / (by * cz);
    r[2].z = 1.0 / cz;
    return r;
}

constexpr long kMinGridPointsPerThread = 16384; // a 25^3 grid per thread

PmeParameters checkedParameters(PmeParameters p, int numAtoms)
{
    const int order = p.order;
    if (order < pme::kMinPmeOrder || order > pme::kMaxPmeOrder) {
        throw SetupError("PME: interpolation order " + std::to_string(order) + " is outside the supported range " +
                         std::to_string(pme::kMinPmeOrder) + ".." + std::to_string(pme::kMaxPmeOrder));
    }
    for (int d = 0; d < 3; ++d) {
        if (p.grid[static_cast<std::size_t>(d)] < order) {
            throw SetupError("PME: grid dimension " + std::to_string(d) + " has " +
                             std::to_string(p.grid[static_cast<std::size_t>(d)]) +
                             " points; at least the interpolation order (" + std::to_string(order) +
                             ") is needed");
        }
    }
    if (!(p.ewaldCoefficient > 0) || !std::isfinite(p.ewaldCoefficient)) {
        throw SetupError("PME: the Ewald coefficient must be positive and finite, got " +
                         std::to_string(p.ewaldCoefficient));
    }
    if (numAtoms < 0) {
        throw SetupError("PME: negative number of atoms (" + std::to_string(numAtoms) + ")");
    }
    if (p.numThreads < 0) {
        throw SetupError("PME: numThreads must be >= 0 (0: all OpenMP threads), got " +
                         std::to_string(p.numThreads));
    }
    if (p.precision != PmePrecision::Double && p.precision != PmePrecision::Single) {
        throw SetupError("PME: unknown precision " + std::to_string(static_cast<int>(p.precision)));
    }
    if (p.numThreads == 0) {
        // Automatic: all OpenMP threads, but about one per kMinGridPointsPerThread grid points, so
        // small systems do not pay for barriers (results do not depend on the count anyway).
        const long points = long(p.grid[0]) * long(p.grid[1]) * long(p.grid[2]);
        p.numThreads = static_cast<int>(std::clamp(points / kMinGridPointsPerThread, 1L, long(omp_get_max_threads())));
    }
    return p;
}

} // namespace

struct PmeSolver::Impl {
    PmeParameters params;
    int numAtoms = 0;
    std::unique_ptr<pme::PmeMesh<double>> doubleMesh;
    std::unique_ptr<pme::PmeMesh<float>> singleMesh;

    Impl(const PmeParameters& p, int n) : params(checkedParameters(p, n)), numAtoms(n)
    {
        if (params.precision == PmePrecision::Single) {
            singleMesh = std::make_unique<pme::PmeMesh<float>>(params, n, params.numThreads);
        } else {
            doubleMesh = std::make_unique<pme::PmeMesh<double>>(params, n, params.numThreads);
        }
    }
};

PmeSolver::PmeSolver(const PmeParameters& parameters, int numAtoms)
    : impl_(std::make_unique<Impl>(parameters, numAtoms))
{
}

PmeSolver::~PmeSolver() = default;
PmeSolver::PmeSolver(PmeSolver&&) noexcept = default;
PmeSolver& PmeSolver::operator=(PmeSolver&&) noexcept = default;

const PmeParameters& PmeSolver::parameters() const { return impl_->params; }
int PmeSolver::numAtoms() const { return impl_->numAtoms; }

double PmeSolver::compute(std::span<const Vec3> positions, std::span<const double> charges, const Box& box,
                          double coulombPrefactor, std::span<Vec3> forces, Matrix3& virial,
                          bool computeEnergyAndVirial)
{
    Impl& s = *impl_;
    const auto n = static_cast<std::size_t>(s.numAtoms);
    if (positions.size() != n || charges.size() != n || forces.size() != n) {
        throw SetupError("PME: solver made for " + std::to_string(n) + " atoms was given " +
                         std::to_string(positions.size()) + " positions, " + std::to_string(charges.size()) +
                         " charges and " + std::to_string(forces.size()) + " force slots");
    }
    if (!box.isPeriodic()) {
        throw SetupError("PME needs a periodic box");
    }
    // One branch-free pass (it vectorises; threaded for large systems, whose other threads would
    // otherwise wait through it); the atom is looked for only when something is wrong.
    int finite = 1;
    const int threads = s.params.numThreads;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(& : finite) if (threadedPass(n, threads))
    for (std::size_t i = 0; i < n; ++i) {
        const Vec3& r = positions[i];
        finite &= static_cast<int>(std::isfinite(r.x)) & static_cast<int>(std::isfinite(r.y)) &
                  static_cast<int>(std::isfinite(r.z));
    }
    const bool allFinite = finite != 0;
    for (std::size_t i = 0; !allFinite && i < n; ++i) {
        const Vec3& r = positions[i];
        if (!std::isfinite(r.x) || !std::isfinite(r.y) || !std::isfinite(r.z)) {
            throw SetupError("PME: position of atom " + std::to_string(i + 1) + " is not finite");
        }
    }
    const Matrix3 recip = reciprocalBox(box);
    if (s.singleMesh) {
        return s.singleMesh->compute(positions, charges, recip, box.volume(), coulombPrefactor, forces, virial,
                                     computeEnergyAndVirial);
    }
    return s.doubleMesh->compute(positions, charges, recip, box.volume(), coulombPrefactor, forces, virial,
                                 computeEnergyAndVirial);
}

} // namespace proteinmd
