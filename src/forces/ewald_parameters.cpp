#include "proteinmd/forces/ewald_parameters.h"

#include <cmath>
#include <string>

#include "proteinmd/core/error.h"
#include "proteinmd/forces/pme.h"

namespace proteinmd {

double ewaldCoefficientFromErrorTolerance(double cutoff, double tolerance)
{
    if (!(cutoff > 0) || !(tolerance > 0 && tolerance < 0.5)) {
        throw SetupError("Ewald coefficient: need cutoff > 0 and 0 < tolerance < 0.5, got cutoff " +
                         std::to_string(cutoff) + ", tolerance " + std::to_string(tolerance));
    }
    return std::sqrt(-std::log(2.0 * tolerance)) / cutoff;
}

double ewaldCoefficientFromRtol(double cutoff, double rtol)
{
    if (!(cutoff > 0) || !std::isfinite(cutoff) || !(rtol > 0 && rtol < 1)) {
        throw SetupError("Ewald coefficient: need cutoff > 0 and 0 < ewald-rtol < 1, got cutoff " +
                         std::to_string(cutoff) + ", ewald-rtol " + std::to_string(rtol));
    }
    // As GROMACS: double an upper bound (from 10) until erfc(beta rc) <= rtol, then bisect 60 more
    // times than it took to find the bound, which leaves the interval at double rounding.
    double high = 5;
    int doublings = 0;
    do {
        ++doublings;
        high *= 2;
    } while (std::erfc(high * cutoff) > rtol);
    double low = 0;
    double beta = high;
    for (int i = 0; i < doublings + 60; ++i) {
        beta = 0.5 * (low + high);
        if (std::erfc(beta * cutoff) > rtol) {
            low = beta;
        } else {
            high = beta;
        }
    }
    return beta;
}

double ewaldCoefficient(const NonbondedOptions& options)
{
    if (options.ewaldErrorTolerance > 0) {
        return ewaldCoefficientFromErrorTolerance(options.rcoulomb, options.ewaldErrorTolerance);
    }
    return ewaldCoefficientFromRtol(options.rcoulomb, options.ewaldRtol);
}

std::optional<EwaldSetup> chooseEwaldSetup(const NonbondedOptions& options, const Box& box)
{
    if (!options.periodic ||
        (options.coulombType != CoulombType::Pme && options.coulombType != CoulombType::Ewald)) {
        return std::nullopt;
    }
    if (options.coulombType == CoulombType::Ewald) {
        throw SetupError("coulombtype = Ewald (plain Ewald summation) is not supported; use PME");
    }
    EwaldSetup setup;
    setup.coefficient = ewaldCoefficient(options);
    setup.order = options.pmeOrder;
    const bool explicitGrid = options.fourierGrid[0] > 0 && options.fourierGrid[1] > 0 && options.fourierGrid[2] > 0;
    if (explicitGrid) {
        setup.grid = options.fourierGrid;
    } else if (options.ewaldErrorTolerance > 0) {
        const PmeParameters openmm = openmmPmeParameters(box, options.rcoulomb, options.ewaldErrorTolerance);
        setup.grid = openmm.grid;
        setup.order = openmm.order;
    } else {
        setup.grid = pmeGridFromSpacing(box, options.fourierSpacing, options.pmeOrder);
    }
    return setup;
}

} // namespace proteinmd
