#pragma once
// Cardinal B-splines for smooth PME: the interpolation weights of one coordinate and the moduli
// |b(m)|^-2 of the structure-factor approximation (Essmann et al. 1995, eqs. 4.1-4.4).

#include <span>
#include <vector>

namespace proteinmd::pme {

inline constexpr int kMinPmeOrder = 3;
inline constexpr int kMaxPmeOrder = 12;

// Weights M_n(w + n - 1 - j) for j = 0..n-1 and their derivatives with respect to w, for a
// fraction w in [0, 1): weight j belongs to grid point floor(u) - (n - 1) + j of a scaled
// coordinate u with w = u - floor(u). The weights sum to 1 and the derivatives to 0.
// `weights` and `derivatives` must hold `order` entries.
void bsplineWeights(double w, int order, std::span<double> weights, std::span<double> derivatives);

// The same for Lanes fractions at once, for an order known at compile time (the PME kernels are
// instantiated per order) and in the precision of the mesh (double or float): w[l] is fraction l;
// weight j of fraction l goes to m[j * Lanes + l], its derivative to d[j * Lanes + l]. Every step
// is a loop over the lanes with no dependence between them, so the compiler vectorises it across
// fractions (atoms); each lane's arithmetic is the same whatever the other lanes hold.
template <int Order, typename Real, int Lanes>
inline void bsplineWeightsLanes(const Real* w, Real* m, Real* d)
{
    static_assert(Order >= kMinPmeOrder && Order <= kMaxPmeOrder);
    // Build M_2 .. M_{Order-1} by the recursion
    //   M_k(x) = (x M_{k-1}(x) + (k - x) M_{k-1}(x - 1)) / (k - 1),
    // evaluated at the k points x = w + k - 1 - j, j = 0..k-1, stored in row j of m: for entry j,
    // x M_{k-1}(x) uses the previous level's entry j-1 and (k - x) M_{k-1}(x - 1) its entry j.
    auto raise = [&](int k) {
        const Real div = Real(1) / Real(k - 1);
        for (int l = 0; l < Lanes; ++l) {
            m[(k - 1) * Lanes + l] = div * w[l] * m[(k - 2) * Lanes + l];
        }
        for (int j = k - 2; j >= 1; --j) {
            for (int l = 0; l < Lanes; ++l) {
                m[j * Lanes + l] =
                    div * ((w[l] + Real(k - 1 - j)) * m[(j - 1) * Lanes + l] + (Real(1 + j) - w[l]) * m[j * Lanes + l]);
            }
        }
        for (int l = 0; l < Lanes; ++l) {
            m[l] = div * (Real(1) - w[l]) * m[l];
        }
    };
    for (int l = 0; l < Lanes; ++l) {
        m[l] = Real(1) - w[l];
        m[Lanes + l] = w[l];
    }
    for (int k = 3; k < Order; ++k) {
        raise(k);
    }
    // Derivative of M_n from M_{n-1}: dM_n(x)/dx = M_{n-1}(x) - M_{n-1}(x - 1).
    for (int l = 0; l < Lanes; ++l) {
        d[l] = -m[l];
        d[(Order - 1) * Lanes + l] = m[(Order - 2) * Lanes + l];
    }
    for (int j = 1; j < Order - 1; ++j) {
        for (int l = 0; l < Lanes; ++l) {
            d[j * Lanes + l] = m[(j - 1) * Lanes + l] - m[j * Lanes + l];
        }
    }
    raise(Order);
}

// GROMACS's B-spline moduli for one grid dimension of size n: mod[k] = |sum_j M(j+1) e^(2 pi i k j / n)|^2,
// the inverse of Essmann's |b(k)|^2. For an odd order and an even n, mod[n/2] is zero (b is
// singular there); as in GROMACS (and Darden's original code) it is replaced by the mean of its
// two neighbours, which is slightly more accurate than any large value.
std::vector<double> bsplineModuli(int gridSize, int order);

} // namespace proteinmd::pme
