#include "proteinmd/core/units.h"
#include "proteinmd/integrators/barostat.h"
#include "proteinmd/integrators/kinetic_energy.h"

namespace proteinmd {

Matrix3 kineticEnergyTensor(std::span<const double> masses, std::span<const Vec3> velocities)
{
    // One threaded pass over fixed atom blocks (kinetic_energy.h), bit-identical for any thread count.
    return kineticSums(masses, velocities).tensor;
}

Matrix3 pressureTensor(const Matrix3& kineticTensor, const Matrix3& virial, const Box& box)
{
    Matrix3 pressure{};
    if (!box.isPeriodic()) {
        return pressure;
    }
    const double factor = 2.0 * units::kPressureFactorBar / box.volume();
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            pressure[r][c] = (kineticTensor[r][c] - virial[r][c]) * factor;
        }
    }
    return pressure;
}

double scalarPressure(const Matrix3& pressure)
{
    return (pressure[0][0] + pressure[1][1] + pressure[2][2]) / 3.0;
}

} // namespace proteinmd
