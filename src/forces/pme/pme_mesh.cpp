#include "forces/pme/pme_mesh.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "forces/pme/bspline.h"
#include "forces/pme/pme_vec4.h"
#include "proteinmd/core/error.h"
#include "proteinmd/simd/simd_float16.h"

namespace proteinmd::pme {

namespace {

// Calls f(std::integral_constant<int, order>) for a run-time order in 3..12 (checked at construction).
template <typename F>
decltype(auto) withOrder(int order, F&& f)
{
    switch (order) {
    case 3: return f(std::integral_constant<int, 3>{});
    case 4: return f(std::integral_constant<int, 4>{});
    case 5: return f(std::integral_constant<int, 5>{});
    case 6: return f(std::integral_constant<int, 6>{});
    case 7: return f(std::integral_constant<int, 7>{});
    case 8: return f(std::integral_constant<int, 8>{});
    case 9: return f(std::integral_constant<int, 9>{});
    case 10: return f(std::integral_constant<int, 10>{});
    case 11: return f(std::integral_constant<int, 11>{});
    case 12: return f(std::integral_constant<int, 12>{});
    default: throw SetupError("PME: unsupported interpolation order " + std::to_string(order));
    }
}

// Part t of nt of the range [0, n): contiguous, sizes differing by at most one.
inline std::pair<std::size_t, std::size_t> share(std::size_t n, int t, int nt)
{
    return {n * std::size_t(t) / std::size_t(nt), n * std::size_t(t + 1) / std::size_t(nt)};
}

// Real-grid row length: nz points plus the Order - 1 that spreading writes past the end, rounded
// up to a multiple of 4.
inline int paddedRealRow(int nz, int order) { return (nz + order - 1 + 3) / 4 * 4; }

// floor(x), exactly, in a form GCC vectorises: its vector floor needs -fno-trapping-math, but
// nearbyint (which raises no inexact flag) does not.
inline double floorVectorisable(double x)
{
    const double nearest = std::nearbyint(x);
    return nearest > x ? nearest - 1.0 : nearest;
}

// Index floor(u) - (Order - 1) wrapped into [0, n) for floor(u) in [0, n] (no division).
template <int Order>
inline int firstGridIndex(double fl, int n)
{
    const int v = static_cast<int>(fl) - (Order - 1);
    return v < 0 ? v + n : v;
}

} // namespace

template <typename Real>
PmeMesh<Real>::PmeMesh(const PmeParameters& p, int numAtoms, int numThreads)
    : order_(p.order),
      numAtoms_(numAtoms),
      numThreads_(numThreads),
      nx_(p.grid[0]),
      ny_(p.grid[1]),
      nz_(p.grid[2]),
      rowStride_(paddedRealRow(p.grid[2], p.order)),
      ewaldCoefficient_(p.ewaldCoefficient),
      fft_(p.grid[0], p.grid[1], p.grid[2], paddedRealRow(p.grid[2], p.order), numThreads),
      influence_(p.grid[0], p.grid[1], p.grid[2], p.order)
{
    if (fft_.complexRowStride() < PmeInfluence::paddedRowLength(nz_)) {
        throw SetupError("PME: complex grid rows are shorter than the influence function's blocks");
    }
    const std::array<int, 3> sizes{nx_, ny_, nz_};
    for (std::size_t d = 0; d < 3; ++d) {
        wrap_[d].resize(static_cast<std::size_t>(sizes[d] + order_));
        for (int i = 0; i < sizes[d] + order_; ++i) { wrap_[d][static_cast<std::size_t>(i)] = i % sizes[d]; }
    }
    const auto na = static_cast<std::size_t>(numAtoms);
    atomIndex_.resize(3 * na);
    atomFrac_.resize(3 * na);
    baseIndex_.resize(3 * na);
    // Whole groups of kSplineLanes slots: the last group's weights are stored in full.
    slotCapacity_ = (na + kSplineLanes - 1) / kSplineLanes * kSplineLanes;
    theta_.resize(3 * slotCapacity_ * static_cast<std::size_t>(order_));
    dtheta_.resize(3 * slotCapacity_ * static_cast<std::size_t>(order_));
    charge_.resize(na);
    sortedAtoms_.resize(na);
    bucketStart_.resize(static_cast<std::size_t>(nx_) + 1);
    bucketFill_.resize(static_cast<std::size_t>(numThreads_) * static_cast<std::size_t>(nx_));
    blockSums_.resize(static_cast<std::size_t>(ny_));
}

template <typename Real>
double PmeMesh<Real>::compute(std::span<const Vec3> positions, std::span<const double> charges, const Matrix3& recip,
                              double volume, double coulombPrefactor, std::span<Vec3> forces, Matrix3& virial,
                              bool withEnergy)
{
    influence_.setBox(recip, volume, ewaldCoefficient_, coulombPrefactor);
    withOrder(order_, [&](auto order) {
        computeOrder<decltype(order)::value>(positions, charges, recip, forces, withEnergy);
    });
    return withEnergy ? PmeInfluence::finish(blockSums_, virial) : 0.0;
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::computeOrder(std::span<const Vec3> positions, std::span<const double> charges,
                                 const Matrix3& recip, std::span<Vec3> forces, bool withEnergy)
{
    const std::size_t blockStride = std::size_t(ny_) * std::size_t(fft_.complexRowStride());
    // One parallel region; its phases are separated by barriers. How work is split between threads
    // never changes what is computed (see pme_mesh.h).
#pragma omp parallel num_threads(numThreads_)
    {
        const int nt = omp_get_num_threads();
        const int t = omp_get_thread_num();
        const auto [a0, a1] = share(positions.size(), t, nt);
        computeGridCoordinates<Order>(a0, a1, positions, recip);
        countAtomsByPlane(t, a0, a1, charges);
#pragma omp barrier
#pragma omp single
        placeBuckets(nt);
        // (implicit barrier after single)
        sortAtomsByPlane(t, a0, a1, charges);
#pragma omp barrier
        const auto numSlots = static_cast<std::size_t>(bucketStart_.back());
        const std::size_t numGroups = (numSlots + kSplineLanes - 1) / kSplineLanes;
        const auto [g0, g1] = share(numGroups, t, nt);
        computeSplines<Order>(g0, g1);
#pragma omp barrier
        const int x0 = static_cast<int>(share(std::size_t(nx_), t, nt).first);
        const int x1 = static_cast<int>(share(std::size_t(nx_), t, nt).second);
        spreadSlab<Order>(x0, x1);
        foldSlab<Order>(x0, x1);
        for (int x = x0; x < x1; ++x) { fft_.forwardPlane(x, t); }
#pragma omp barrier
#pragma omp for schedule(static)
        for (int ky = 0; ky < ny_; ++ky) {
            fft_.forwardX(ky, t);
            auto* block = fft_.complexGrid() + std::size_t(ky) * std::size_t(fft_.complexRowStride());
            blockSums_[static_cast<std::size_t>(ky)] = influence_.apply(ky, block, blockStride, withEnergy);
            fft_.backwardX(ky, t);
        }
#pragma omp for schedule(static)
        for (int x = 0; x < nx_; ++x) {
            fft_.backwardPlane(x, t);
            unfoldPlane<Order>(x);
        }
        gather<Order>(std::min(g0 * kSplineLanes, numSlots), std::min(g1 * kSplineLanes, numSlots), recip, forces);
    }
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::computeGridCoordinates(std::size_t begin, std::size_t end, std::span<const Vec3> positions,
                                           const Matrix3& recip)
{
    // Fractional coordinates along a, b, c (GROMACS: x*rxx + y*ryx + z*rzx, ...), in double
    // whatever the mesh precision, so that far-away images lose no accuracy. Vectorised across
    // atoms (hence the per-dimension outputs).
    const double rxx = recip[0].x, ryx = recip[1].x, rzx = recip[2].x;
    const double ryy = recip[1].y, rzy = recip[2].y, rzz = recip[2].z;
    const int gridX = nx_, gridY = ny_, gridZ = nz_; // locals: the stores below cannot alias them
    const double nx = gridX, ny = gridY, nz = gridZ;
    const std::size_t na = static_cast<std::size_t>(numAtoms_);
    int* const ix = atomIndex_.data();
    int* const iy = ix + na;
    int* const iz = iy + na;
    Real* const wx = atomFrac_.data();
    Real* const wy = wx + na;
    Real* const wz = wy + na;
    const auto place = [](double s, double n, int gridSize, int& first, Real& w) {
        const double u = (s - floorVectorisable(s)) * n; // fraction in [0, 1] keeps the ints in range
        const double fl = floorVectorisable(u);
        // Weight j belongs to grid point floor(u) - (order - 1) + j, wrapped into the grid.
        first = firstGridIndex<Order>(fl, gridSize);
        w = static_cast<Real>(u - fl);
    };
    // GCC vectorises this loop only when told to; clang would not, and says so (an error under
    // -Werror), so it is not told.
#if defined(__GNUC__) && !defined(__clang__)
#pragma omp simd
#endif
    for (std::size_t i = begin; i < end; ++i) {
        const Vec3& r = positions[i];
        // Explicit fused multiply-adds: the same rounding in the vector loop and its scalar
        // remainder, which the thread split moves between atoms.
        place(std::fma(r.x, rxx, std::fma(r.y, ryx, r.z * rzx)), nx, gridX, ix[i], wx[i]);
        place(std::fma(r.y, ryy, r.z * rzy), ny, gridY, iy[i], wy[i]);
        place(r.z * rzz, nz, gridZ, iz[i], wz[i]);
    }
}

// Counting sort of the charged atoms by first x plane, stable (atom order is kept per bucket) and
// the same for any number of threads: thread t counts and then places the atoms of its contiguous
// share, after the atoms of threads t' < t in the same bucket.
template <typename Real>
void PmeMesh<Real>::countAtomsByPlane(int thread, std::size_t begin, std::size_t end, std::span<const double> charges)
{
    int* count = bucketFill_.data() + std::size_t(thread) * std::size_t(nx_);
    std::fill(count, count + nx_, 0);
    for (std::size_t i = begin; i < end; ++i) {
        if (charges[i] != 0.0) { ++count[atomIndex_[i]]; }
    }
}

template <typename Real>
void PmeMesh<Real>::placeBuckets(int numThreads)
{
    int next = 0;
    for (std::size_t b = 0; b < std::size_t(nx_); ++b) {
        bucketStart_[b] = next;
        for (std::size_t t = 0; t < std::size_t(numThreads); ++t) {
            int& fill = bucketFill_[t * std::size_t(nx_) + b];
            const int count = fill;
            fill = next; // thread t's first slot in bucket b
            next += count;
        }
    }
    bucketStart_[std::size_t(nx_)] = next;
}

template <typename Real>
void PmeMesh<Real>::sortAtomsByPlane(int thread, std::size_t begin, std::size_t end, std::span<const double> charges)
{
    int* fill = bucketFill_.data() + std::size_t(thread) * std::size_t(nx_);
    for (std::size_t i = begin; i < end; ++i) {
        if (charges[i] != 0.0) {
            const auto k = static_cast<std::size_t>(fill[atomIndex_[i]]++);
            sortedAtoms_[k] = static_cast<int>(i);
            charge_[k] = charges[i];
        }
    }
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::computeSplines(std::size_t groupBegin, std::size_t groupEnd)
{
    constexpr int L = kSplineLanes;
    constexpr auto ord = static_cast<std::size_t>(Order);
    const auto numSlots = static_cast<std::size_t>(bucketStart_.back());
    alignas(64) Real w[3][L];
    alignas(64) Real m[Order * L];
    alignas(64) Real dm[Order * L];
    for (std::size_t g = groupBegin; g < groupEnd; ++g) {
        const std::size_t kFirst = g * L;
        const int lanes = static_cast<int>(std::min<std::size_t>(L, numSlots - kFirst));
        for (int l = 0; l < L; ++l) {
            w[0][l] = w[1][l] = w[2][l] = Real(0); // unused lanes of the last group
        }
        for (int l = 0; l < lanes; ++l) {
            const std::size_t k = kFirst + std::size_t(l);
            const auto i = static_cast<std::size_t>(sortedAtoms_[k]);
            for (std::size_t d = 0; d < 3; ++d) {
                baseIndex_[3 * k + d] = atomIndex_[d * std::size_t(numAtoms_) + i];
                w[d][l] = atomFrac_[d * std::size_t(numAtoms_) + i];
            }
        }
        for (std::size_t d = 0; d < 3; ++d) {
            bsplineWeightsLanes<Order, Real, L>(w[d], m, dm);
            Real* const weights = theta_.data() + weightOffset(d, kFirst);
            Real* const derivatives = dtheta_.data() + weightOffset(d, kFirst);
            if constexpr (kVectorOrder4<Order>) {
                // Lane-major to one record of four per slot, whole groups (see slotCapacity_).
                using namespace simd;
                storeInterleaved4(load(m), load(m + L), load(m + 2 * L), load(m + 3 * L), weights);
                storeInterleaved4(load(dm), load(dm + L), load(dm + 2 * L), load(dm + 3 * L), derivatives);
            } else {
                for (int l = 0; l < lanes; ++l) {
                    for (std::size_t j = 0; j < ord; ++j) {
                        weights[std::size_t(l) * ord + j] = m[j * L + std::size_t(l)];
                        derivatives[std::size_t(l) * ord + j] = dm[j * L + std::size_t(l)];
                    }
                }
            }
        }
    }
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::spreadSlab(int x0, int x1)
{
    Real* grid = fft_.realGrid();
    const std::size_t rowStride = std::size_t(rowStride_);
    const std::size_t planeSize = std::size_t(ny_) * rowStride;
    std::fill(grid + std::size_t(x0) * planeSize, grid + std::size_t(x1) * planeSize, Real(0));
    const int* wy = wrap_[1].data();
    // Bucket b (unwrapped: b < 0 stands for b + nx) writes planes b .. b + Order - 1; this slab takes
    // those in [x0, x1). Each plane p receives buckets p - Order + 1, ..., p in that order for any slab.
    for (int b = x0 - (Order - 1); b < x1; ++b) {
        const int bucket = (b % nx_ + nx_) % nx_;
        const int aFirst = std::max(0, x0 - b);
        const int aLast = std::min(Order, x1 - b);
        const auto kBegin = static_cast<std::size_t>(bucketStart_[static_cast<std::size_t>(bucket)]);
        const auto kEnd = static_cast<std::size_t>(bucketStart_[static_cast<std::size_t>(bucket) + 1]);
        for (std::size_t k = kBegin; k < kEnd; ++k) {
            const Real q = static_cast<Real>(charge_[k]);
            const Real* tx = theta_.data() + weightOffset(0, k);
            const Real* ty = theta_.data() + weightOffset(1, k);
            const Real* tz = theta_.data() + weightOffset(2, k);
            const int by = baseIndex_[3 * k + 1];
            // Rows run past nz (see pme_mesh.h), so the Order points along z are always contiguous.
            Real* column = grid + std::size_t(baseIndex_[3 * k + 2]);
            if constexpr (kVectorOrder4<Order>) {
                // All 16 points of a plane in one vector: lane 4 c + e is ty_c tz_e.
                using namespace simd;
                const Float16 tyz = loadEach4(ty) * loadRepeat4(tz);
                const std::size_t r0 = std::size_t(wy[by]) * rowStride, r1 = std::size_t(wy[by + 1]) * rowStride;
                const std::size_t r2 = std::size_t(wy[by + 2]) * rowStride, r3 = std::size_t(wy[by + 3]) * rowStride;
                for (int a = aFirst; a < aLast; ++a) {
                    Real* plane = column + std::size_t(b + a) * planeSize;
                    const Float16 sum =
                        loadRows4(plane + r0, plane + r1, plane + r2, plane + r3) + set1(q * tx[a]) * tyz;
                    storeRows4(sum, plane + r0, plane + r1, plane + r2, plane + r3);
                }
            } else if constexpr (Order == 4) {
                const Vec4<Real> tzv = load4(tz);
                for (int a = aFirst; a < aLast; ++a) {
                    const Real qa = q * tx[a];
                    Real* plane = column + std::size_t(b + a) * planeSize;
                    for (int c = 0; c < Order; ++c) {
                        Real* p = plane + std::size_t(wy[by + c]) * rowStride;
                        store4(p, load4(p) + (qa * ty[c]) * tzv);
                    }
                }
            } else {
                for (int a = aFirst; a < aLast; ++a) {
                    const Real qa = q * tx[a];
                    Real* plane = column + std::size_t(b + a) * planeSize;
                    for (int c = 0; c < Order; ++c) {
                        const Real qab = qa * ty[c];
                        Real* p = plane + std::size_t(wy[by + c]) * rowStride;
                        for (int e = 0; e < Order; ++e) { p[e] += qab * tz[e]; }
                    }
                }
            }
        }
    }
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::foldSlab(int x0, int x1)
{
    // What spreading put past nz belongs to z = 0 .. Order - 2 (periodic images).
    Real* grid = fft_.realGrid();
    for (std::size_t r = std::size_t(x0) * std::size_t(ny_); r < std::size_t(x1) * std::size_t(ny_); ++r) {
        Real* row = grid + r * std::size_t(rowStride_);
        for (int z = 0; z < Order - 1; ++z) { row[z] += row[nz_ + z]; }
    }
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::unfoldPlane(int x)
{
    // The periodic images of z = 0 .. Order - 2 past nz, for gathering without wrapping.
    Real* grid = fft_.realGrid();
    for (std::size_t r = std::size_t(x) * std::size_t(ny_); r < std::size_t(x + 1) * std::size_t(ny_); ++r) {
        Real* row = grid + r * std::size_t(rowStride_);
        for (int z = 0; z < Order - 1; ++z) { row[nz_ + z] = row[z]; }
    }
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::gather(std::size_t begin, std::size_t end, const Matrix3& recip, std::span<Vec3> forces) const
{
    const Real* grid = fft_.realGrid();
    const std::size_t rowStride = std::size_t(rowStride_);
    const std::size_t planeSize = std::size_t(ny_) * rowStride;
    const int* wx = wrap_[0].data();
    const int* wy = wrap_[1].data();
    const double rxx = recip[0].x, ryx = recip[1].x, ryy = recip[1].y;
    const double rzx = recip[2].x, rzy = recip[2].y, rzz = recip[2].z;
    // Slots in plane order read neighbouring parts of the grid one after another.
    for (std::size_t k = begin; k < end; ++k) {
        const Real* tx = theta_.data() + weightOffset(0, k);
        const Real* ty = theta_.data() + weightOffset(1, k);
        const Real* tz = theta_.data() + weightOffset(2, k);
        const Real* dx = dtheta_.data() + weightOffset(0, k);
        const Real* dy = dtheta_.data() + weightOffset(1, k);
        const Real* dz = dtheta_.data() + weightOffset(2, k);
        const int bx = baseIndex_[3 * k + 0];
        const int by = baseIndex_[3 * k + 1];
        const Real* column = grid + std::size_t(baseIndex_[3 * k + 2]);
        // Per z offset c, so that the sums over c come last and the rest is vector arithmetic:
        //   fx = sum_abc dx_a ty_b tz_c g,  fy = sum_abc tx_a dy_b tz_c g,  fz = sum_abc tx_a ty_b dz_c g.
        Real fx = 0, fy = 0, fz = 0;
        if constexpr (kVectorOrder4<Order>) {
            // A plane's 16 points in one vector (lane 4 b + c), summed over planes first:
            //   fx = sum_bc ty_b tz_c (sum_a dx_a g),  fy = sum_bc dy_b tz_c (sum_a tx_a g),
            //   fz = sum_bc ty_b dz_c (sum_a tx_a g).
            using namespace simd;
            const std::size_t r0 = std::size_t(wy[by]) * rowStride, r1 = std::size_t(wy[by + 1]) * rowStride;
            const std::size_t r2 = std::size_t(wy[by + 2]) * rowStride, r3 = std::size_t(wy[by + 3]) * rowStride;
            Float16 sumT = zero(), sumD = zero();
            for (int a = 0; a < Order; ++a) {
                const Real* plane = column + std::size_t(wx[bx + a]) * planeSize;
                const Float16 g = loadRows4(plane + r0, plane + r1, plane + r2, plane + r3);
                sumT = fma(set1(tx[a]), g, sumT);
                sumD = fma(set1(dx[a]), g, sumD);
            }
            const Float16 yWeights = loadEach4(ty);
            const Float16 zWeights = loadRepeat4(tz);
            fx = reduceAdd(yWeights * zWeights * sumD);
            fy = reduceAdd(loadEach4(dy) * zWeights * sumT);
            fz = reduceAdd(yWeights * loadRepeat4(dz) * sumT);
        } else if constexpr (Order == 4) {
            Vec4<Real> vx{}, vy{}, vz{};
            for (int a = 0; a < Order; ++a) {
                const Real* plane = column + std::size_t(wx[bx + a]) * planeSize;
                Vec4<Real> sy{}, sdy{}; // sums over b of ty_b g and dy_b g
                for (int b = 0; b < Order; ++b) {
                    const Vec4<Real> g = load4(plane + std::size_t(wy[by + b]) * rowStride);
                    sy += ty[b] * g;
                    sdy += dy[b] * g;
                }
                vx += dx[a] * sy;
                vy += tx[a] * sdy;
                vz += tx[a] * sy;
            }
            fx = sum4(load4(tz) * vx);
            fy = sum4(load4(tz) * vy);
            fz = sum4(load4(dz) * vz);
        } else {
            Real vx[Order] = {}, vy[Order] = {}, vz[Order] = {};
            for (int a = 0; a < Order; ++a) {
                const Real* plane = column + std::size_t(wx[bx + a]) * planeSize;
                Real sy[Order] = {}, sdy[Order] = {};
                for (int b = 0; b < Order; ++b) {
                    const Real* p = plane + std::size_t(wy[by + b]) * rowStride;
                    for (int c = 0; c < Order; ++c) {
                        sy[c] += ty[b] * p[c];
                        sdy[c] += dy[b] * p[c];
                    }
                }
                for (int c = 0; c < Order; ++c) {
                    vx[c] += dx[a] * sy[c];
                    vy[c] += tx[a] * sdy[c];
                    vz[c] += tx[a] * sy[c];
                }
            }
            for (int c = 0; c < Order; ++c) {
                fx += tz[c] * vx[c];
                fy += tz[c] * vy[c];
                fz += dz[c] * vz[c];
            }
        }
        // Chain rule from grid units u_d = n_d s_d to Cartesian coordinates.
        const double q = charge_[k];
        const double gx = double(fx) * nx_;
        const double gy = double(fy) * ny_;
        const double gz = double(fz) * nz_;
        Vec3& f = forces[static_cast<std::size_t>(sortedAtoms_[k])];
        f.x -= q * (gx * rxx);
        f.y -= q * (gx * ryx + gy * ryy);
        f.z -= q * (gx * rzx + gy * rzy + gz * rzz);
    }
}

template class PmeMesh<double>;
template class PmeMesh<float>;

} // namespace proteinmd::pme
