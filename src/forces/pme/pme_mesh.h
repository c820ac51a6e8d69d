#pragma once
// The PME mesh in one precision (double or float grids, splines and FFTs; energy and virial are
// always summed in double), threaded with OpenMP so that the result is bit-identical for any
// number of threads:
//  - splines and gathering are per atom (each atom's arithmetic is the same on any thread; splines
//    are evaluated for fixed groups of kSplineLanes slots, so an atom's group never depends on the
//    thread split);
//  - spreading: atoms are bucketed by the first x plane they touch (stable, so atom order is kept
//    within a bucket); a thread owns a slab of x planes and adds, for each of its planes, the
//    buckets in a fixed order. Every grid value thus sums the same terms in the same order whatever
//    the slabs are, and no two threads write the same plane (no atomics, no reduction of grids);
//  - the real grid's rows have Order - 1 extra points past nz: spreading writes there instead of
//    wrapping and each slab folds them back onto z = 0.. before its transforms; after the
//    backward transform they are filled again (unfolded) so that gathering never wraps along z;
//  - the FFT is split into per-plane and per-line pieces with fixed plans (PmeFft), and the
//    influence function's sums are kept per ky block and added in ky order.

#include <array>
#include <span>
#include <type_traits>
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
                   double volume, double coulombPrefactor, std::span<Vec3> forces, Matrix3& virial,
                   bool withEnergy);

    // Slots whose B-splines are evaluated together (vectorised across atoms).
    static constexpr int kSplineLanes = 16;

private:
    int order_, numAtoms_, numThreads_;
    int nx_, ny_, nz_;
    int rowStride_; // of the real grid: nz + order - 1 points used, rounded up
    double ewaldCoefficient_;
    PmeFft<Real> fft_;
    PmeInfluence influence_;
    std::array<std::vector<int>, 3> wrap_; // wrap_[d][i] = i mod n_d for i < n_d + order
    // Per atom and dimension, from u = fractional coordinate times n_d (in [0, n_d]): the first grid
    // index floor(u) - (order - 1) wrapped into [0, n_d), and the B-spline fraction u - floor(u).
    // Stored per dimension: entry d * numAtoms + i.
    std::vector<int> atomIndex_;   // 3 * numAtoms
    std::vector<Real> atomFrac_;   // 3 * numAtoms
    // Charged atoms in order of their first x plane (stable): bucket b is the slots
    // bucketStart_[b] .. bucketStart_[b + 1] - 1; slot k holds atom sortedAtoms_[k].
    std::vector<int> sortedAtoms_;
    // Per slot (not per atom, so spreading and gathering read them in order) and dimension: first
    // grid index, B-spline weights and derivatives (order entries each).
    std::vector<int> baseIndex_; // 3 * numAtoms
    // The weights are stored per dimension, then per slot (order contiguous values per slot and
    // dimension), for slotCapacity_ slots: numAtoms rounded up to whole spline groups.
    std::size_t slotCapacity_ = 0;
    std::vector<Real> theta_;    // 3 * slotCapacity_ * order
    std::vector<Real> dtheta_;   // 3 * slotCapacity_ * order
    std::size_t weightOffset(std::size_t dim, std::size_t slot) const
    {
        return (dim * slotCapacity_ + slot) * static_cast<std::size_t>(order_);
    }
    // Order 4 in single precision, the common case, takes whole 16-lane vectors (simd::Float16)
    // for the weights' transpose, spreading and gathering: one vector holds a plane's 4 x 4 points.
    template <int Order>
    static constexpr bool kVectorOrder4 = Order == 4 && std::is_same_v<Real, float>;
    std::vector<double> charge_; // per slot
    std::vector<int> bucketStart_;
    // Counting sort by threads: row t (nx entries) counts, then fills, thread t's share of atoms.
    std::vector<int> bucketFill_;
    std::vector<InfluenceSums> blockSums_; // per ky

    template <int Order>
    void computeOrder(std::span<const Vec3> positions, std::span<const double> charges, const Matrix3& recip,
                      std::span<Vec3> forces, bool withEnergy);
    template <int Order>
    void computeGridCoordinates(std::size_t begin, std::size_t end, std::span<const Vec3> positions,
                                const Matrix3& recip);
    void countAtomsByPlane(int thread, std::size_t begin, std::size_t end, std::span<const double> charges);
    void placeBuckets(int numThreads);
    void sortAtomsByPlane(int thread, std::size_t begin, std::size_t end, std::span<const double> charges);
    template <int Order>
    void computeSplines(std::size_t groupBegin, std::size_t groupEnd);
    template <int Order>
    void spreadSlab(int x0, int x1);
    template <int Order>
    void foldSlab(int x0, int x1);
    template <int Order>
    void unfoldPlane(int x);
    template <int Order>
    void gather(std::size_t begin, std::size_t end, const Matrix3& recip, std::span<Vec3> forces) const;
};

extern template class PmeMesh<double>;
extern template class PmeMesh<float>;

} // namespace proteinmd::pme
