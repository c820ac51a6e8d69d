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

// GROMACS's B-spline moduli for one grid dimension of size n: mod[k] = |sum_j M(j+1) e^(2 pi i k j / n)|^2,
// the inverse of Essmann's |b(k)|^2. For an odd order and an even n, mod[n/2] is zero (b is
// singular there); as in GROMACS (and Darden's original code) it is replaced by the mean of its
// two neighbours, which is slightly more accurate than any large value.
std::vector<double> bsplineModuli(int gridSize, int order);

} // namespace proteinmd::pme
