// C-rescale (stochastic cell rescaling) and Berendsen pressure coupling; see barostat.h.

#include <fmt/format.h>

#include <cmath>

#include "box_scaling.h"
#include "random_stream.h"

#include "proteinmd/core/units.h"
#include "proteinmd/integrators/barostat.h"
#include "proteinmd/integrators/kinetic_energy.h"

namespace proteinmd {

namespace {

void checkOptions(const PressureCouplingOptions& o, const char* name)
{
    if (!(o.tau > 0) || o.interval < 1 || !(o.timeStep > 0) || !(o.temperature >= 0) || !(o.compressibility[0] >= 0) ||
        !(o.compressibility[1] >= 0)) {
        throw SetupError(fmt::format("{} pressure coupling needs tau-p > 0, nstpcouple >= 1, dt > 0, a temperature "
                                     ">= 0 and compressibilities >= 0 (got tau-p {}, nstpcouple {}, dt {}, T {}, "
                                     "compressibility {} {})",
                                     name, o.tau, o.interval, o.timeStep, o.temperature, o.compressibility[0],
                                     o.compressibility[1]));
    }
}

bool due(const PressureCouplingOptions& o, const State& state, const StepEnergies& e)
{
    return state.box.isPeriodic() && e.step % o.interval == 0;
}

// First-order change of the potential energy when positions are scaled by mu: dU = 2 sum (mu - 1) Xi
// over the diagonal (the virial includes the constraint forces, which also do work; as GROMACS).
double scalingWork(const Vec3& mu, const StepEnergies& e)
{
    double work = 0;
    for (int d = 0; d < 3; ++d) {
        work += 2 * (mu[d] - 1) * (e.forceVirial[d][d] + e.constraintVirial[d][d]);
    }
    return work;
}

} // namespace

CRescaleBarostat::CRescaleBarostat(PressureCouplingOptions options) : options_(options)
{
    checkOptions(options_, "C-rescale");
}

bool CRescaleBarostat::apply(State& state, const StepEnergies& e)
{
    if (!due(options_, state, e)) {
        return false;
    }
    const double volume = state.box.volume();
    const double kT = units::kBoltzmann * options_.temperature;
    const double couplingTime = options_.interval * options_.timeStep;
    const Matrix3& p = e.pressureTensor;
    detail::PhiloxStream rng(options_.seed, RandomPurpose::Barostat, static_cast<std::uint64_t>(e.step));
    Vec3 mu{1, 1, 1};
    if (options_.type == PressureCouplingType::Isotropic) {
        const double factor = options_.compressibility[0] * couplingTime / options_.tau;
        const double noise = std::sqrt(2 * kT * factor * units::kPressureFactorBar / volume) * rng.normal();
        const double m = std::exp((-factor * (options_.referencePressure[0] - scalarPressure(p)) + noise) / 3.0);
        mu = Vec3{m, m, m};
    } else {
        const double factorXy = options_.compressibility[0] * couplingTime / options_.tau;
        const double factorZ = options_.compressibility[1] * couplingTime / options_.tau;
        const double pressureXy = 0.5 * (p[0][0] + p[1][1]);
        const double noiseXy = std::sqrt(4 * kT * factorXy * units::kPressureFactorBar / (3 * volume)) / 2;
        const double noiseZ = std::sqrt(2 * kT * factorZ * units::kPressureFactorBar / (3 * volume));
        const double xy =
            std::exp(-factorXy * (options_.referencePressure[0] - pressureXy) / 3.0 + noiseXy * rng.normal());
        const double z = std::exp(-factorZ * (options_.referencePressure[1] - p[2][2]) / 3.0 + noiseZ * rng.normal());
        mu = Vec3{xy, xy, z};
    }
    // Energy added: the work of scaling the positions, plus the kinetic energy the inverse scaling of the
    // velocities changes (from this step's kinetic tensor, to first order).
    double kineticChange = 0;
    for (int d = 0; d < 3; ++d) {
        kineticChange += e.kineticTensor[d][d] * (1 / (mu[d] * mu[d]) - 1);
    }
    energyAdded_ += scalingWork(mu, e) + kineticChange;
    detail::scaleBoxAndPositions(state, mu, true);
    return true;
}

BerendsenBarostat::BerendsenBarostat(PressureCouplingOptions options) : options_(options)
{
    checkOptions(options_, "Berendsen");
}

bool BerendsenBarostat::apply(State& state, const StepEnergies& e)
{
    if (!due(options_, state, e)) {
        return false;
    }
    const double couplingTime = options_.interval * options_.timeStep;
    const Matrix3& p = e.pressureTensor;
    Vec3 mu{1, 1, 1};
    if (options_.type == PressureCouplingType::Isotropic) {
        const double m = 1 - options_.compressibility[0] * couplingTime / options_.tau *
                                 (options_.referencePressure[0] - scalarPressure(p)) / 3.0;
        mu = Vec3{m, m, m};
    } else {
        const double xy = 1 - options_.compressibility[0] * couplingTime / options_.tau *
                                  (options_.referencePressure[0] - 0.5 * (p[0][0] + p[1][1])) / 3.0;
        const double z = 1 - options_.compressibility[1] * couplingTime / options_.tau *
                                 (options_.referencePressure[1] - p[2][2]) / 3.0;
        mu = Vec3{xy, xy, z};
    }
    energyAdded_ += scalingWork(mu, e);
    detail::scaleBoxAndPositions(state, mu, false);
    return true;
}

} // namespace proteinmd
