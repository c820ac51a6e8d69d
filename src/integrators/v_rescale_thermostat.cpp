#include <cmath>

#include <fmt/format.h>

#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/thermostat.h"
#include "random_stream.h"

namespace proteinmd {

void Thermostat::apply(std::span<Vec3> velocities, std::span<const double> masses, int degreesOfFreedom,
                       std::int64_t step, double dt)
{
    const double lambda = scaleFactor(kineticEnergy(masses, velocities), degreesOfFreedom, step, dt);
    for (Vec3& v : velocities) { v *= lambda; }
}


VRescaleThermostat::VRescaleThermostat(double referenceTemperature, double tau, std::uint64_t seed)
    : referenceTemperature_(referenceTemperature), tau_(tau), seed_(seed)
{
    if (!(referenceTemperature >= 0) || !(tau >= 0)) {
        throw SetupError(fmt::format("v-rescale needs ref-t >= 0 and tau-t >= 0 (got {} K, {} ps)",
                                     referenceTemperature, tau));
    }
}

double VRescaleThermostat::scaleFactor(double kinetic, int degreesOfFreedom, std::int64_t step, double dt)
{
    if (!(kinetic > 0)) {
        return 1.0;
    }
    detail::PhiloxStream rng(seed_, RandomPurpose::Thermostat, static_cast<std::uint64_t>(step));
    const double newKinetic = detail::vRescaleKinetic(kinetic, degreesOfFreedom,
                                                      units::kBoltzmann * referenceTemperature_, tau_, dt, rng);
    energyAdded_ += newKinetic - kinetic;
    return std::sqrt(newKinetic / kinetic);
}

} // namespace proteinmd
