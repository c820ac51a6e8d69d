#include "proteinmd/integrators/velocity_generation.h"

#include <cmath>
#include <random>

#include "proteinmd/core/units.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/philox.h"

namespace proteinmd {

void generateVelocities(std::span<const double> masses, double temperature, std::uint64_t seed,
                        std::span<Vec3> velocities)
{
    double kinetic = 0;
    int dof = 0;
    for (std::size_t i = 0; i < velocities.size(); ++i) {
        velocities[i] = Vec3{};
        if (!(masses[i] > 0)) {
            continue;
        }
        const std::array<double, 4> z = normalQuad(seed, RandomPurpose::MaxwellVelocities, 0, static_cast<std::uint32_t>(i));
        const double sigma = std::sqrt(units::kBoltzmann * temperature / masses[i]);
        velocities[i] = Vec3{z[0], z[1], z[2]} * sigma;
        kinetic += 0.5 * masses[i] * norm2(velocities[i]);
        dof += 3;
    }
    // Scale to exactly T over 3N degrees of freedom, then stop the centre of mass (grompp's order).
    if (kinetic > 0) {
        const double generated = 2.0 * kinetic / (dof * units::kBoltzmann);
        const double scale = std::sqrt(temperature / generated);
        for (Vec3& v : velocities) { v *= scale; }
    }
    removeCenterOfMassVelocity(masses, velocities);
}

std::uint64_t resolveSeed(std::int64_t mdpSeed)
{
    if (mdpSeed != -1) {
        return static_cast<std::uint64_t>(mdpSeed);
    }
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) | device();
}

} // namespace proteinmd
