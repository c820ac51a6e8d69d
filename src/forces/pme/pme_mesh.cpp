#include "forces/pme/pme_mesh.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "forces/pme/bspline.h"
#include "proteinmd/core/error.h"

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

} // namespace

template <typename Real>
PmeMesh<Real>::PmeMesh(const PmeParameters& p, int numAtoms, int numThreads)
    : order_(p.order),
      numAtoms_(numAtoms),
      numThreads_(numThreads),
      nx_(p.grid[0]),
      ny_(p.grid[1]),
      nz_(p.grid[2]),
      ewaldCoefficient_(p.ewaldCoefficient),
      fft_(p.grid[0], p.grid[1], p.grid[2]),
      influence_(p.grid[0], p.grid[1], p.grid[2], p.order)
{
    const std::array<int, 3> sizes{nx_, ny_, nz_};
    for (std::size_t d = 0; d < 3; ++d) {
        wrap_[d].resize(static_cast<std::size_t>(sizes[d] + order_));
        for (int i = 0; i < sizes[d] + order_; ++i) { wrap_[d][static_cast<std::size_t>(i)] = i % sizes[d]; }
    }
    const auto na = static_cast<std::size_t>(numAtoms);
    gridCoords_.resize(3 * na);
    baseIndex_.resize(3 * na);
    theta_.resize(3 * na * static_cast<std::size_t>(order_));
    dtheta_.resize(3 * na * static_cast<std::size_t>(order_));
    sortedAtoms_.resize(na);
    bucketStart_.resize(static_cast<std::size_t>(nx_) + 1);
    bucketFill_.resize(static_cast<std::size_t>(nx_));
    blockSums_.resize(static_cast<std::size_t>(ny_));
}

template <typename Real>
double PmeMesh<Real>::compute(std::span<const Vec3> positions, std::span<const double> charges, const Matrix3& recip,
                              double volume, double coulombPrefactor, std::span<Vec3> forces, Matrix3& virial)
{
    influence_.setBox(recip, volume, ewaldCoefficient_, coulombPrefactor);
    withOrder(order_, [&](auto order) { computeOrder<decltype(order)::value>(positions, charges, recip, forces); });
    return PmeInfluence::finish(blockSums_, virial);
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::computeOrder(std::span<const Vec3> positions, std::span<const double> charges,
                                   const Matrix3& recip, std::span<Vec3> forces)
{
    const std::size_t blockStride = std::size_t(ny_) * std::size_t(fft_.complexRowStride());
    // One parallel region; its phases are separated by barriers. How work is split between threads
    // never changes what is computed (see pme_mesh.h).
#pragma omp parallel num_threads(numThreads_)
    {
        const int nt = omp_get_num_threads();
        const int t = omp_get_thread_num();
        const auto [a0, a1] = share(positions.size(), t, nt);
        computeGridCoordinates(a0, a1, positions, recip);
#pragma omp barrier
#pragma omp single
        sortAtomsByPlane<Order>(charges);
        // (implicit barrier after single)
        const auto [k0, k1] = share(static_cast<std::size_t>(bucketStart_.back()), t, nt);
        computeSplines<Order>(k0, k1);
#pragma omp barrier
        const int x0 = static_cast<int>(share(std::size_t(nx_), t, nt).first);
        const int x1 = static_cast<int>(share(std::size_t(nx_), t, nt).second);
        spreadSlab<Order>(x0, x1, charges);
        for (int x = x0; x < x1; ++x) { fft_.forwardPlane(x); }
#pragma omp barrier
#pragma omp for schedule(static)
        for (int ky = 0; ky < ny_; ++ky) {
            fft_.forwardX(ky);
            auto* block = fft_.complexGrid() + std::size_t(ky) * std::size_t(fft_.complexRowStride());
            blockSums_[static_cast<std::size_t>(ky)] = influence_.apply(ky, block, blockStride);
            fft_.backwardX(ky);
        }
#pragma omp for schedule(static)
        for (int x = 0; x < nx_; ++x) { fft_.backwardPlane(x); }
        gather<Order>(k0, k1, charges, recip, forces);
    }
}

template <typename Real>
void PmeMesh<Real>::computeGridCoordinates(std::size_t begin, std::size_t end, std::span<const Vec3> positions,
                                           const Matrix3& recip)
{
    const std::array<double, 3> sizes{double(nx_), double(ny_), double(nz_)};
    for (std::size_t i = begin; i < end; ++i) {
        const Vec3& r = positions[i];
        // Fractional coordinates along a, b, c (GROMACS: x*rxx + y*ryx + z*rzx, ...), in double
        // whatever the mesh precision, so that far-away images lose no accuracy.
        const std::array<double, 3> s{r.x * recip[0].x + r.y * recip[1].x + r.z * recip[2].x,
                                      r.y * recip[1].y + r.z * recip[2].y, r.z * recip[2].z};
        for (std::size_t d = 0; d < 3; ++d) {
            const double frac = s[d] - std::floor(s[d]); // in [0, 1]; keeps the ints below in range
            gridCoords_[3 * i + d] = frac * sizes[d];
        }
    }
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::sortAtomsByPlane(std::span<const double> charges)
{
    // Counting sort of the charged atoms by first x plane; stable, so atom order is kept per bucket.
    auto firstPlane = [&](std::size_t i) {
        return static_cast<std::size_t>((static_cast<int>(std::floor(gridCoords_[3 * i])) - (Order - 1) + nx_) % nx_);
    };
    std::fill(bucketFill_.begin(), bucketFill_.end(), 0);
    for (std::size_t i = 0; i < charges.size(); ++i) {
        if (charges[i] != 0.0) { ++bucketFill_[firstPlane(i)]; }
    }
    bucketStart_[0] = 0;
    for (std::size_t b = 0; b < bucketFill_.size(); ++b) {
        bucketStart_[b + 1] = bucketStart_[b] + bucketFill_[b];
        bucketFill_[b] = bucketStart_[b];
    }
    for (std::size_t i = 0; i < charges.size(); ++i) {
        if (charges[i] != 0.0) {
            sortedAtoms_[static_cast<std::size_t>(bucketFill_[firstPlane(i)]++)] = static_cast<int>(i);
        }
    }
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::computeSplines(std::size_t begin, std::size_t end)
{
    const std::array<int, 3> sizes{nx_, ny_, nz_};
    constexpr auto ord = static_cast<std::size_t>(Order);
    for (std::size_t k = begin; k < end; ++k) {
        const auto i = static_cast<std::size_t>(sortedAtoms_[k]);
        for (std::size_t d = 0; d < 3; ++d) {
            const double u = gridCoords_[3 * i + d];
            const double fl = std::floor(u);
            // Weight j belongs to grid point floor(u) - (order - 1) + j; shift by n to stay >= 0.
            baseIndex_[3 * k + d] = (static_cast<int>(fl) - (Order - 1) + sizes[d]) % sizes[d];
            const std::size_t off = (3 * k + d) * ord;
            bsplineWeightsFixed<Order, Real>(static_cast<Real>(u - fl), theta_.data() + off, dtheta_.data() + off);
        }
    }
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::spreadSlab(int x0, int x1, std::span<const double> charges)
{
    constexpr auto ord = static_cast<std::size_t>(Order);
    Real* grid = fft_.realGrid();
    const std::size_t planeSize = std::size_t(ny_) * std::size_t(nz_);
    std::fill(grid + std::size_t(x0) * planeSize, grid + std::size_t(x1) * planeSize, Real(0));
    const int* wy = wrap_[1].data();
    const int* wz = wrap_[2].data();
    // Bucket b (unwrapped: b < 0 stands for b + nx) writes planes b .. b + Order - 1; this slab takes
    // those in [x0, x1). Each plane p receives buckets p - Order + 1, ..., p in that order for any slab.
    for (int b = x0 - (Order - 1); b < x1; ++b) {
        const int bucket = (b % nx_ + nx_) % nx_;
        const int aFirst = std::max(0, x0 - b);
        const int aLast = std::min(Order, x1 - b);
        const auto kBegin = static_cast<std::size_t>(bucketStart_[static_cast<std::size_t>(bucket)]);
        const auto kEnd = static_cast<std::size_t>(bucketStart_[static_cast<std::size_t>(bucket) + 1]);
        for (std::size_t k = kBegin; k < kEnd; ++k) {
            const Real q = static_cast<Real>(charges[static_cast<std::size_t>(sortedAtoms_[k])]);
            const Real* tx = theta_.data() + (3 * k + 0) * ord;
            const Real* ty = theta_.data() + (3 * k + 1) * ord;
            const Real* tz = theta_.data() + (3 * k + 2) * ord;
            const int by = baseIndex_[3 * k + 1];
            const int bz = baseIndex_[3 * k + 2];
            const bool zContiguous = bz + Order <= nz_;
            for (int a = aFirst; a < aLast; ++a) {
                const Real qa = q * tx[a];
                const std::size_t xOff = std::size_t(b + a) * std::size_t(ny_);
                for (int c = 0; c < Order; ++c) {
                    const Real qab = qa * ty[c];
                    Real* row = grid + (xOff + std::size_t(wy[by + c])) * std::size_t(nz_);
                    if (zContiguous) {
                        Real* p = row + bz;
                        for (int e = 0; e < Order; ++e) { p[e] += qab * tz[e]; }
                    } else {
                        for (int e = 0; e < Order; ++e) { row[wz[bz + e]] += qab * tz[e]; }
                    }
                }
            }
        }
    }
}

template <typename Real>
template <int Order>
void PmeMesh<Real>::gather(std::size_t begin, std::size_t end, std::span<const double> charges, const Matrix3& recip,
                           std::span<Vec3> forces) const
{
    constexpr auto ord = static_cast<std::size_t>(Order);
    const Real* grid = fft_.realGrid();
    const int* wx = wrap_[0].data();
    const int* wy = wrap_[1].data();
    const int* wz = wrap_[2].data();
    const double rxx = recip[0].x, ryx = recip[1].x, ryy = recip[1].y;
    const double rzx = recip[2].x, rzy = recip[2].y, rzz = recip[2].z;
    // Slots in plane order read neighbouring parts of the grid one after another.
    for (std::size_t k = begin; k < end; ++k) {
        const auto i = static_cast<std::size_t>(sortedAtoms_[k]);
        const double q = charges[i];
        const Real* tx = theta_.data() + (3 * k + 0) * ord;
        const Real* ty = theta_.data() + (3 * k + 1) * ord;
        const Real* tz = theta_.data() + (3 * k + 2) * ord;
        const Real* dx = dtheta_.data() + (3 * k + 0) * ord;
        const Real* dy = dtheta_.data() + (3 * k + 1) * ord;
        const Real* dz = dtheta_.data() + (3 * k + 2) * ord;
        const int bx = baseIndex_[3 * k + 0];
        const int by = baseIndex_[3 * k + 1];
        const int bz = baseIndex_[3 * k + 2];
        const bool zContiguous = bz + Order <= nz_;
        Real fx = 0, fy = 0, fz = 0;
        for (int a = 0; a < Order; ++a) {
            const std::size_t xOff = std::size_t(wx[bx + a]) * std::size_t(ny_);
            Real sy = 0, syd = 0, sdy = 0; // sums over b of: ty*(tz.g), ty*(dz.g), dy*(tz.g)
            for (int b = 0; b < Order; ++b) {
                const Real* row = grid + (xOff + std::size_t(wy[by + b])) * std::size_t(nz_);
                Real tg = 0, dg = 0;
                if (zContiguous) {
                    const Real* p = row + bz;
                    for (int c = 0; c < Order; ++c) {
                        tg += tz[c] * p[c];
                        dg += dz[c] * p[c];
                    }
                } else {
                    for (int c = 0; c < Order; ++c) {
                        const Real gv = row[wz[bz + c]];
                        tg += tz[c] * gv;
                        dg += dz[c] * gv;
                    }
                }
                sy += ty[b] * tg;
                syd += ty[b] * dg;
                sdy += dy[b] * tg;
            }
            fx += dx[a] * sy;
            fy += tx[a] * sdy;
            fz += tx[a] * syd;
        }
        // Chain rule from grid units u_d = n_d s_d to Cartesian coordinates.
        const double gx = double(fx) * nx_;
        const double gy = double(fy) * ny_;
        const double gz = double(fz) * nz_;
        forces[i].x -= q * (gx * rxx);
        forces[i].y -= q * (gx * ryx + gy * ryy);
        forces[i].z -= q * (gx * rzx + gy * rzy + gz * rzz);
    }
}

template class PmeMesh<double>;
template class PmeMesh<float>;

} // namespace proteinmd::pme
