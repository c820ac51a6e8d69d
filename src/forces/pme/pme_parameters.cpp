// Choosing PME parameters the way GROMACS (grompp) and OpenMM do, and the net-charge term.

#include <algorithm>
#include <cmath>
#include <string>

#include "forces/pme/bspline.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/forces/pme.h"

namespace proteinmd {

namespace {

// GROMACS's fast FFT sizes (calcgrid.cpp): small sizes listed outright; larger ones are a base
// size times a power of two, keeping only multiples of 4 (90 allowed, 140 not).
constexpr std::array<int, 15> kSmallGridSizes{6, 8, 10, 12, 14, 16, 20, 24, 25, 28, 32, 36, 40, 42, 44};
constexpr std::array<int, 14> kBaseGridSizes{45, 48, 50, 52, 54, 56, 60, 64, 70, 72, 75, 80, 81, 84};

int gromacsFftSize(int nmin)
{
    if (kSmallGridSizes.back() >= nmin) {
        return *std::find_if(kSmallGridSizes.begin(), kSmallGridSizes.end(), [&](int n) { return n >= nmin; });
    }
    long fac2 = 1;
    while (fac2 * kBaseGridSizes.back() < nmin) {
        fac2 *= 2;
    }
    // As GROMACS: scan the bases from the largest down to the second (its loop never tries the
    // first, 45) and keep the last acceptable one, i.e. the smallest acceptable product.
    long best = fac2 * kBaseGridSizes.back();
    for (std::size_t i = kBaseGridSizes.size() - 1; i > 0; --i) {
        const long attempt = fac2 * kBaseGridSizes[i];
        if (((attempt % 4 == 0 && attempt != 140) || attempt == 90) && attempt >= nmin) {
            best = attempt;
        }
    }
    return static_cast<int>(best);
}

} // namespace

std::array<int, 3> pmeGridFromSpacing(const Box& box, double fourierSpacing, int pmeOrder)
{
    if (!box.isPeriodic()) {
        throw SetupError("PME grid: the box is not periodic");
    }
    if (!(fourierSpacing > 0) || !std::isfinite(fourierSpacing)) {
        throw SetupError("PME grid: fourier-spacing must be positive, got " + std::to_string(fourierSpacing));
    }
    if (pmeOrder < pme::kMinPmeOrder || pmeOrder > pme::kMaxPmeOrder) {
        throw SetupError("PME grid: pme-order " + std::to_string(pmeOrder) + " is outside " +
                         std::to_string(pme::kMinPmeOrder) + ".." + std::to_string(pme::kMaxPmeOrder));
    }
    // GROMACS minimalPmeGridSize: 2*(order-1), enough for its domain decomposition in every mode.
    const int minimal = 2 * (pmeOrder - 1);
    std::array<int, 3> grid{};
    for (int d = 0; d < 3; ++d) {
        const double length = norm(box.vectors()[d]);
        const double points = length / fourierSpacing + 0.999; // GROMACS's rounding up
        if (!(points < 1e8)) {
            throw SetupError("PME grid: box vector " + std::to_string(d) + " of " + std::to_string(length) +
                             " nm at spacing " + std::to_string(fourierSpacing) + " nm needs too many points");
        }
        grid[static_cast<std::size_t>(d)] = gromacsFftSize(std::max(static_cast<int>(points), minimal));
    }
    return grid;
}

double ewaldBackgroundEnergy(double totalCharge, double volume, double ewaldCoefficient, double coulombPrefactor)
{
    return -coulombPrefactor * units::kPi * totalCharge * totalCharge /
           (2.0 * volume * ewaldCoefficient * ewaldCoefficient);
}

Matrix3 ewaldBackgroundVirial(double totalCharge, double volume, double ewaldCoefficient, double coulombPrefactor)
{
    const double e = ewaldBackgroundEnergy(totalCharge, volume, ewaldCoefficient, coulombPrefactor);
    Matrix3 v{};
    v[0].x = -0.5 * e;
    v[1].y = -0.5 * e;
    v[2].z = -0.5 * e;
    return v;
}

PmeParameters openmmPmeParameters(const Box& box, double cutoff, double tolerance)
{
    if (!box.isPeriodic()) {
        throw SetupError("PME parameters: the box is not periodic");
    }
    PmeParameters p;
    p.ewaldCoefficient = ewaldCoefficientFromErrorTolerance(cutoff, tolerance);
    p.order = 5;
    const double scale = 2.0 * p.ewaldCoefficient / (3.0 * std::pow(tolerance, 0.2));
    const std::array<double, 3> lengths{box.vectors()[0].x, box.vectors()[1].y, box.vectors()[2].z};
    for (std::size_t d = 0; d < 3; ++d) {
        p.grid[d] = std::max(static_cast<int>(std::ceil(scale * lengths[d])), 6);
    }
    return p;
}

} // namespace proteinmd
