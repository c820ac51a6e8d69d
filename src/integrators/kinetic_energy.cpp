#include "proteinmd/integrators/kinetic_energy.h"

#include <fmt/format.h>

#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"

namespace proteinmd {

double kineticEnergy(std::span<const double> masses, std::span<const Vec3> velocities)
{
    double twice = 0;
    for (std::size_t i = 0; i < velocities.size(); ++i) { twice += masses[i] * norm2(velocities[i]); }
    return 0.5 * twice;
}

int degreesOfFreedom(const System& system, const std::string& commMode)
{
    int dof = 0;
    for (double m : system.masses) { dof += m > 0 ? 3 : 0; }
    dof -= static_cast<int>(system.constraints.size()) + 3 * static_cast<int>(system.settles.size());
    if (commMode == "Linear") {
        dof -= 3;
    } else if (commMode != "None") {
        throw SetupError(fmt::format("comm-mode {} is not implemented (use Linear or None)", commMode));
    }
    if (dof <= 0) {
        throw SetupError(fmt::format("the system has {} degrees of freedom after constraints and COM removal", dof));
    }
    return dof;
}

double temperature(double kinetic, int degreesOfFreedom)
{
    return 2.0 * kinetic / (degreesOfFreedom * units::kBoltzmann);
}

Vec3 centerOfMassVelocity(std::span<const double> masses, std::span<const Vec3> velocities)
{
    Vec3 momentum{};
    double total = 0;
    for (std::size_t i = 0; i < velocities.size(); ++i) {
        momentum += velocities[i] * masses[i];
        total += masses[i];
    }
    return total > 0 ? momentum / total : Vec3{};
}

void removeCenterOfMassVelocity(std::span<const double> masses, std::span<Vec3> velocities)
{
    const Vec3 vcm = centerOfMassVelocity(masses, velocities);
    for (std::size_t i = 0; i < velocities.size(); ++i) {
        if (masses[i] > 0) {
            velocities[i] -= vcm;
        }
    }
}

} // namespace proteinmd
