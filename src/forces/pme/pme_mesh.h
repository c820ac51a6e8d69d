#pragma once
// The PME mesh in one precision (double or float grids, splines and FFTs; energy and virial are
// always summed in double), threaded with OpenMP so that the result is bit-identical for any
// number of threads:
//  - splines and gathering are per atom (each atom's arithmetic is the same on any thread);
//  - spreading: atoms are bucketed by the first x plane they touch (stable, so atom order is kept
//    within a bucket); a thread owns a slab of x planes and adds, for each of its planes, the
//    buckets in a fixed order. Every grid value thus sums the same terms in the same order whatever
//    the slabs are, and no two threads write the same plane (no atomics, no reduction of grids);
//  - the FFT is split into per-plane and per-line pieces with fixed plans (PmeFft), and the
//    influence function's sums are kept per ky block and added in ky order.

#include <array>
#include <span>
#include <vector>

#include "forces/pme/pme_fft.h"
#include "forces/pme/pme_influence.h"
#include "proteinmd/core/vec3.h"
#include "proteinmd/forces/pme.h"

namespace proteinmd::pme {

template <typename Real>
class PmeMesh {
public:
    // The parameters must have been checked (order 3..12, grid >= order, numAtoms >= 0, threads >= 1).
    PmeMesh(const PmeParameters& parameters, int numAtoms, int numThreads);

    // As PmeSolver::compute, for already validated inputs.
    double compute(std::span<const Vec3> positions, std::span<const double> charges, const Matrix3& recip,
                   double volume, double coulombPrefactor, std::span<Vec3> forces, Matrix3& virial);

private:
    int order_, numAtoms_, numThreads_;
    int nx_, ny_, nz_;
    double ewaldCoefficient_;
    PmeFft<Real> fft_;
    PmeInfluence influence_;
    std::array<std::vector<int>, 3> wrap_; // wrap_[d][i] = i mod n_d for i < n_d + order
    std::vector<double> gridCoords_; // per atom: fractional coordinate times n_d, in [0, n_d]
    // Charged atoms in order of their first x plane (stable): bucket b is the slots
    // bucketStart_[b] .. bucketStart_[b + 1] - 1; slot k holds atom sortedAtoms_[k].
    std::vector<int> sortedAtoms_;
    // Per slot (not per atom, so spreading and gathering read them in order) and dimension: first
    // grid index, B-spline weights and derivatives (order entries each).
    std::vector<int> baseIndex_; // 3 * numAtoms
    std::vector<Real> theta_;    // 3 * numAtoms * order
    std::vector<Real> dtheta_;   // 3 * numAtoms * order
    std::vector<int> bucketStart_;
    std::vector<int> bucketFill_;
    std::vector<InfluenceSums> blockSums_; // per ky

    template <int Order>
    void computeOrder(std::span<const Vec3> positions, std::span<const double> charges, const Matrix3& recip,
                        std::span<Vec3> forces);
    void computeGridCoordinates(std::size_t begin, std::size_t end, std::span<const Vec3> positions,
                                const Matrix3& recip);
    template <int Order>
    void sortAtomsByPlane(std::span<const double> charges);
    template <int Order>
    void computeSplines(std::size_t begin, std::size_t end);
    template <int Order>
    void spreadSlab(int x0, int x1, std::span<const double> charges);
    template <int Order>
    void gather(std::size_t begin, std::size_t end, std::span<const double> charges, const Matrix3& recip,
                std::span<Vec3> forces) const;
};

extern template class PmeMesh<double>;
extern template class PmeMesh<float>;

} // namespace proteinmd::pme
