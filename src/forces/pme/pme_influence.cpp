#include "forces/pme/pme_influence.h"

#include <fftw3.h>

#include <cmath>
#include <type_traits>

#include "forces/pme/bspline.h"
#include "forces/pme/pme_vec4.h"
#include "proteinmd/core/units.h"

namespace proteinmd::pme {

namespace {

// GROMACS's m vector for grid index k: x and y wrap to negative frequencies at (n+1)/2, z (the
// halved dimension) never does.
inline int mIndex(int k, int n) { return k < (n + 1) / 2 ? k : k - n; }

} // namespace

PmeInfluence::PmeInfluence(int nx, int ny, int nz, int order) : nx_(nx), ny_(ny), nz_(nz), nzc_(nz / 2 + 1)
{
    const std::array<int, 3> sizes{nx, ny, nz};
    const std::array<int, 3> tableSizes{nx, ny, paddedRowLength(nz)};
    for (std::size_t d = 0; d < 3; ++d) {
        moduli_[d] = bsplineModuli(sizes[d], order);
        // Padding along z (kz >= nz/2 + 1): factor 0 and m^2 1 make its influence exactly zero.
        rectFactor_[d].assign(static_cast<std::size_t>(tableSizes[d]), 0.0);
        rectM2_[d].assign(static_cast<std::size_t>(tableSizes[d]), 1.0);
    }
    const auto len = static_cast<std::size_t>(paddedRowLength(nz));
    mz_.assign(len, 0.0);
    weightZ_.assign(len, 0.0);
    for (int kz = 0; kz < nzc_; ++kz) {
        // Planes kz = 0 and kz = nz/2 (even nz) hold k and -k both; the other planes stand for
        // their mirror images too, so they count twice.
        const bool selfMirrorPlane = kz == 0 || (nz_ % 2 == 0 && kz == nz_ / 2);
        weightZ_[static_cast<std::size_t>(kz)] = selfMirrorPlane ? 1.0 : 2.0;
    }
}

void PmeInfluence::setBox(const Matrix3& recip, double volume, double ewaldCoefficient, double coulombPrefactor)
{
    f_ = units::kPi * units::kPi / (ewaldCoefficient * ewaldCoefficient);
    pref_ = coulombPrefactor / (units::kPi * volume);
    rxx_ = recip[0].x;
    ryx_ = recip[1].x;
    ryy_ = recip[1].y;
    rzx_ = recip[2].x;
    rzy_ = recip[2].y;
    rzz_ = recip[2].z;
    rectangular_ = ryx_ == 0 && rzx_ == 0 && rzy_ == 0;
    if (!rectangular_) {
        cacheTriclinicMultipliers();
        return;
    }
    // exp(-f m^2) factorises; per-dimension tables make the rectangular (usual) case cheap.
    const std::array<int, 3> ext{nx_, ny_, nzc_};
    const std::array<int, 3> sizes{nx_, ny_, nz_};
    const std::array<double, 3> rd{rxx_, ryy_, rzz_};
    for (std::size_t d = 0; d < 3; ++d) {
        for (int k = 0; k < ext[d]; ++k) {
            const double m = (d == 2 ? k : mIndex(k, sizes[d])) * rd[d];
            const auto kk = static_cast<std::size_t>(k);
            rectM2_[d][kk] = m * m;
            rectFactor_[d][kk] = std::exp(-f_ * m * m) / moduli_[d][kk];
            if (d == 2) { mz_[kk] = m; }
        }
    }
    originFactorZ_ = rectFactor_[2];
    originM2Z_ = rectM2_[2];
    originFactorZ_[0] = 0.0;
    originM2Z_[0] = 1.0;
}

void PmeInfluence::cacheTriclinicMultipliers()
{
    // exp(-f m^2) does not factorise in a triclinic cell, and one exp per grid point cost more than
    // the multiplication itself: the multipliers are kept while the cell stays the same (every step
    // of a run without pressure coupling), so force-only steps multiply from the table.
    const std::array<double, 8> key{rxx_, ryx_, ryy_, rzx_, rzy_, rzz_, f_, pref_};
    const std::size_t size = static_cast<std::size_t>(nx_) * static_cast<std::size_t>(ny_) * static_cast<std::size_t>(nzc_);
    if (key == triclinicKey_ && triclinicMultiplier_.size() == size) {
        return;
    }
    triclinicKey_ = key;
    triclinicMultiplier_.resize(size);
    for (int ky = 0; ky < ny_; ++ky) {
        for (int kx = 0; kx < nx_; ++kx) {
            for (int kz = 0; kz < nzc_; ++kz) {
                triclinicMultiplier_[triclinicIndex(kx, ky, kz)] = triclinicMultiplier(kx, ky, kz);
            }
        }
    }
}

double PmeInfluence::triclinicMultiplier(int kx, int ky, int kz) const
{
    if (kx == 0 && ky == 0 && kz == 0) {
        return 0.0;
    }
    double mhx, mhy, mhz, m2;
    const double th = thetaTriclinic(kx, ky, kz, mhx, mhy, mhz, m2);
    if (weightZ_[static_cast<std::size_t>(kz)] != 1.0) {
        return th;
    }
    // In a triclinic cell GROMACS's m(-k) is not -m(k) at the Nyquist indices, so theta(k) !=
    // theta(-k) on the self-mirror planes. The energy sees only their mean; multiplying the grid by
    // the mean keeps the forces the exact gradient of that energy.
    return 0.5 * (th + thetaTriclinic((nx_ - kx) % nx_, (ny_ - ky) % ny_, kz, mhx, mhy, mhz, m2));
}

double PmeInfluence::thetaTriclinic(int kx, int ky, int kz, double& mhx, double& mhy, double& mhz, double& m2) const
{
    const double mx = mIndex(kx, nx_);
    const double my = mIndex(ky, ny_);
    const double mz = kz;
    mhx = mx * rxx_;
    mhy = mx * ryx_ + my * ryy_;
    mhz = mx * rzx_ + my * rzy_ + mz * rzz_;
    m2 = mhx * mhx + mhy * mhy + mhz * mhz;
    return pref_ * std::exp(-f_ * m2) /
           (m2 * moduli_[0][static_cast<std::size_t>(kx)] * moduli_[1][static_cast<std::size_t>(ky)] *
            moduli_[2][static_cast<std::size_t>(kz)]);
}

template <typename Complex>
InfluenceSums PmeInfluence::apply(int ky, Complex* block, std::size_t kxStride, bool withSums) const
{
    return rectangular_ ? applyRectangular(ky, block, kxStride, withSums)
                        : applyTriclinic(ky, block, kxStride, withSums);
}

template <typename Complex>
InfluenceSums PmeInfluence::applyRectangular(int ky, Complex* block, std::size_t kxStride, bool withSums) const
{
    using Real = std::remove_reference_t<decltype(block[0][0])>;
    constexpr int L = kLanes;
    const int len = paddedRowLength(nz_);
    const auto kyi = static_cast<std::size_t>(ky);
    const double mhy = mIndex(ky, ny_) * ryy_;
    const double* mzTable = mz_.data();
    const double* weight = weightZ_.data();
    // Sums kept per lane (kz mod 4), vectors of 4 elements along z; added up at the end.
    static_assert(L == 4, "the vectors below are Double4");
    Double4 energy{}, vxx{}, vxy{}, vxz{}, vyy{}, vyz{}, vzz{};
    const Double4 one = {1.0, 1.0, 1.0, 1.0};
    for (int kx = 0; kx < nx_; ++kx) {
        const auto kxi = static_cast<std::size_t>(kx);
        const bool origin = kx == 0 && ky == 0;
        const double* factorZ = origin ? originFactorZ_.data() : rectFactor_[2].data();
        const double* m2Z = origin ? originM2Z_.data() : rectM2_[2].data();
        const double mhx = mIndex(kx, nx_) * rxx_;
        const double m2xy = rectM2_[0][kxi] + rectM2_[1][kyi];
        const double pxy = pref_ * rectFactor_[0][kxi] * rectFactor_[1][kyi];
        Real* g = &block[kxi * kxStride][0]; // re, im interleaved
        for (int kz = 0; kz < len; kz += L) {
            const Double4 m2 = m2xy + load4(m2Z + kz);
            const Double4 invM2 = one / m2; // one division per element instead of two
            const Double4 th = pxy * load4(factorZ + kz) * invM2;
            Real* e = g + 2 * kz;
            const Double4 re = {double(e[0]), double(e[2]), double(e[4]), double(e[6])};
            const Double4 im = {double(e[1]), double(e[3]), double(e[5]), double(e[7])};
            const Double4 newRe = re * th;
            const Double4 newIm = im * th;
            for (int l = 0; l < L; ++l) {
                e[2 * l] = static_cast<Real>(newRe[l]);
                e[2 * l + 1] = static_cast<Real>(newIm[l]);
            }
            if (withSums) {
                const Double4 mz = load4(mzTable + kz);
                const Double4 ek = load4(weight + kz) * th * (re * re + im * im);
                const Double4 vf = 2.0 * (1.0 + f_ * m2) * invM2;
                energy += ek;
                vxx += ek * (vf * mhx * mhx - 1.0);
                vxy += ek * vf * mhx * mhy;
                vxz += ek * vf * mhx * mz;
                vyy += ek * (vf * mhy * mhy - 1.0);
                vyz += ek * vf * mhy * mz;
                vzz += ek * (vf * mz * mz - 1.0);
            }
        }
    }
    return {sum4(energy), sum4(vxx), sum4(vxy), sum4(vxz), sum4(vyy), sum4(vyz), sum4(vzz)};
}

template <typename Complex>
InfluenceSums PmeInfluence::applyTriclinic(int ky, Complex* block, std::size_t kxStride, bool withSums) const
{
    double energy = 0;
    double vxx = 0, vxy = 0, vxz = 0, vyy = 0, vyz = 0, vzz = 0;
    for (int kx = 0; kx < nx_; ++kx) {
        Complex* line = block + static_cast<std::size_t>(kx) * kxStride;
        const double* multipliers = triclinicMultiplier_.data() + triclinicIndex(kx, ky, 0);
        for (int kz = 0; kz < nzc_; ++kz) {
            auto& g = line[kz];
            const double re = g[0];
            const double im = g[1];
            if (withSums && !(kx == 0 && ky == 0 && kz == 0)) {
                double mhx, mhy, mhz, m2;
                const double th = thetaTriclinic(kx, ky, kz, mhx, mhy, mhz, m2);
                const double invM2 = 1.0 / m2;
                const double ek = weightZ_[static_cast<std::size_t>(kz)] * th * (re * re + im * im);
                energy += ek;
                const double vf = 2.0 * (1.0 + f_ * m2) * invM2;
                vxx += ek * (vf * mhx * mhx - 1.0);
                vxy += ek * vf * mhx * mhy;
                vxz += ek * vf * mhx * mhz;
                vyy += ek * (vf * mhy * mhy - 1.0);
                vyz += ek * vf * mhy * mhz;
                vzz += ek * (vf * mhz * mhz - 1.0);
            }
            using Real = std::remove_reference_t<decltype(g[0])>;
            g[0] = static_cast<Real>(re * multipliers[kz]);
            g[1] = static_cast<Real>(im * multipliers[kz]);
        }
    }
    return {energy, vxx, vxy, vxz, vyy, vyz, vzz};
}

double PmeInfluence::finish(const std::vector<InfluenceSums>& blockSums, Matrix3& virial)
{
    InfluenceSums total{};
    for (const InfluenceSums& s : blockSums) {
        for (std::size_t i = 0; i < total.size(); ++i) { total[i] += s[i]; }
    }
    Matrix3 v{};
    v[0] = Vec3{total[1], total[2], total[3]} * 0.25;
    v[1] = Vec3{total[2], total[4], total[5]} * 0.25;
    v[2] = Vec3{total[3], total[5], total[6]} * 0.25;
    virial += v;
    return 0.5 * total[0];
}

template InfluenceSums PmeInfluence::apply<fftw_complex>(int, fftw_complex*, std::size_t, bool) const;
template InfluenceSums PmeInfluence::apply<fftwf_complex>(int, fftwf_complex*, std::size_t, bool) const;

} // namespace proteinmd::pme
