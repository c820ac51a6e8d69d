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

// The same for an order known at compile time (the PME kernels are instantiated per order so
// these loops unroll) and in the precision of the mesh (double or float); m and d must hold Order
// entries.
template <int Order, typename Real = double>
inline void bsplineWeightsFixed(Real w, Real* m, Real* d)
{
    static_assert(Order >= kMinPmeOrder && Order <= kMaxPmeOrder);
    // Build M_2 .. M_{Order-1} by the recursion
    //   M_k(x) = (x M_{k-1}(x) + (k - x) M_{k-1}(x - 1)) / (k - 1),
    // evaluated at the k points x = w + k - 1 - j, j = 0..k-1, stored in m[0..k-1]: for entry j,
    // x M_{k-1}(x) uses the previous level's entry j-1 and (k - x) M_{k-1}(x - 1) its entry j.
    auto raise = [&](int k) {
        const Real div = Real(1) / Real(k - 1);
        m[k - 1] = div * w * m[k - 2];
        for (int j = k - 2; j >= 1; --j) {
            m[j] = div * ((w + Real(k - 1 - j)) * m[j - 1] + (Real(1 + j) - w) * m[j]);
        }
        m[0] = div * (Real(1) - w) * m[0];
    };
    m[0] = Real(1) - w;
    m[1] = w;
    for (int k = 3; k < Order; ++k) {
        raise(k);
    }
    // Derivative of M_n from M_{n-1}: dM_n(x)/dx = M_{n-1}(x) - M_{n-1}(x - 1).
    d[0] = -m[0];
    for (int j = 1; j < Order - 1; ++j) {
        d[j] = m[j - 1] - m[j];
    }
    d[Order - 1] = m[Order - 2];
    raise(Order);
}

// GROMACS's B-spline moduli for one grid dimension of size n: mod[k] = |sum_j M(j+1) e^(2 pi i k j / n)|^2,
// the inverse of Essmann's |b(k)|^2. For an odd order and an even n, mod[n/2] is zero (b is
// singular there); as in GROMACS (and Darden's original code) it is replaced by the mean of its
// two neighbours, which is slightly more accurate than any large value.
std::vector<double> bsplineModuli(int gridSize, int order);

} // namespace proteinmd::pme
