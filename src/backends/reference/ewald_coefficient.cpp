#include <cmath>

#include "proteinmd/backends/reference_nonbonded.h"
#include "proteinmd/core/error.h"

namespace proteinmd {

double ewaldCoefficientFromTolerance(double rcoulomb, double ewaldRtol)
{
    if (!(rcoulomb > 0) || !(ewaldRtol > 0 && ewaldRtol < 1)) {
        throw SetupError("Ewald coefficient: need rcoulomb > 0 and 0 < ewald-rtol < 1");
    }
    // Same search as GROMACS so the result is bit-for-bit the same: double beta from 5 until
    // erfc(beta rc) <= rtol, then bisect [0, beta] for (doublings + 60) steps.
    double beta = 5;
    int doublings = 0;
    do {
        ++doublings;
        beta *= 2;
    } while (std::erfc(beta * rcoulomb) > ewaldRtol);

    double low = 0;
    double high = beta;
    const int steps = doublings + 60;
    for (int i = 0; i < steps; ++i) {
        beta = (low + high) / 2;
        if (std::erfc(beta * rcoulomb) > ewaldRtol) {
            low = beta;
        } else {
            high = beta;
        }
    }
    return beta;
}

} // namespace proteinmd
