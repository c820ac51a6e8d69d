#include "forces/pme/bspline.h"

#include <cmath>

#include "proteinmd/core/units.h"

namespace proteinmd::pme {

void bsplineWeights(double w, int order, std::span<double> weights, std::span<double> derivatives)
{
    // Build M_2 .. M_{order-1} by the recursion
    //   M_k(x) = (x M_{k-1}(x) + (k - x) M_{k-1}(x - 1)) / (k - 1),
    // evaluated at the k points x = w + k - 1 - j, j = 0..k-1, stored in weights[0..k-1].
    double* m = weights.data();
    m[0] = 1.0 - w;
    m[1] = w;
    for (int k = 3; k < order; ++k) {
        const double div = 1.0 / (k - 1);
        m[k - 1] = div * w * m[k - 2];
        for (int j = k - 2; j >= 1; --j) {
            // x = w + k - 1 - j: x * M_{k-1}(x) uses the old entry j-1, (k - x) M_{k-1}(x - 1) entry j.
            m[j] = div * ((w + (k - 1 - j)) * m[j - 1] + (1.0 + j - w) * m[j]);
        }
        m[0] = div * (1.0 - w) * m[0];
    }
    // Derivative of M_n from M_{n-1}: dM_n(x)/dx = M_{n-1}(x) - M_{n-1}(x - 1).
    double* d = derivatives.data();
    d[0] = -m[0];
    for (int j = 1; j < order - 1; ++j) {
        d[j] = m[j - 1] - m[j];
    }
    d[order - 1] = m[order - 2];
    // Last step of the recursion: M_n.
    const int k = order;
    const double div = 1.0 / (k - 1);
    m[k - 1] = div * w * m[k - 2];
    for (int j = k - 2; j >= 1; --j) {
        m[j] = div * ((w + (k - 1 - j)) * m[j - 1] + (1.0 + j - w) * m[j]);
    }
    m[0] = div * (1.0 - w) * m[0];
}

std::vector<double> bsplineModuli(int gridSize, int order)
{
    // M_order at the integer points 1..order-1 (the spline vanishes at 0 and order): the weights at w = 0
    // hold M(order-1-j) for j = 0..order-1, i.e. the same values in reverse order, ending with M(0) = 0.
    // The modulus of a DFT does not depend on that reversal or on a shift, so GROMACS's numbers follow.
    std::vector<double> values(static_cast<std::size_t>(order));
    std::vector<double> unused(static_cast<std::size_t>(order));
    bsplineWeights(0.0, order, values, unused);

    std::vector<double> mod(static_cast<std::size_t>(gridSize));
    for (int k = 0; k < gridSize; ++k) {
        double c = 0;
        double s = 0;
        for (int j = 0; j < order - 1; ++j) {
            // values[order-2-j] = M(j+1)
            const double arg = 2.0 * units::kPi * k * (j + 1) / gridSize;
            c += values[static_cast<std::size_t>(order - 2 - j)] * std::cos(arg);
            s += values[static_cast<std::size_t>(order - 2 - j)] * std::sin(arg);
        }
        mod[static_cast<std::size_t>(k)] = c * c + s * s;
    }
    if (order % 2 == 1 && gridSize % 2 == 0) {
        const auto h = static_cast<std::size_t>(gridSize / 2);
        mod[h] = 0.5 * (mod[h - 1] + mod[h + 1]);
    }
    return mod;
}

} // namespace proteinmd::pme
