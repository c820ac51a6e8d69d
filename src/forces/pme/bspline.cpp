#include "forces/pme/bspline.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "proteinmd/core/units.h"

namespace proteinmd::pme {

void bsplineWeights(double w, int order, std::span<double> weights, std::span<double> derivatives)
{
    double* m = weights.data();
    double* d = derivatives.data();
    switch (order) {
    case 3: bsplineWeightsLanes<3, double, 1>(&w, m, d); break;
    case 4: bsplineWeightsLanes<4, double, 1>(&w, m, d); break;
    case 5: bsplineWeightsLanes<5, double, 1>(&w, m, d); break;
    case 6: bsplineWeightsLanes<6, double, 1>(&w, m, d); break;
    case 7: bsplineWeightsLanes<7, double, 1>(&w, m, d); break;
    case 8: bsplineWeightsLanes<8, double, 1>(&w, m, d); break;
    case 9: bsplineWeightsLanes<9, double, 1>(&w, m, d); break;
    case 10: bsplineWeightsLanes<10, double, 1>(&w, m, d); break;
    case 11: bsplineWeightsLanes<11, double, 1>(&w, m, d); break;
    case 12: bsplineWeightsLanes<12, double, 1>(&w, m, d); break;
    default: throw std::invalid_argument("B-spline order " + std::to_string(order) + " outside 3..12");
    }
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
