#include "proteinmd/integrators/temperature_coupling.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "random_stream.h"

#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"

namespace proteinmd {

TemperatureCoupling::TemperatureCoupling(TemperatureCouplingOptions options) : options_(std::move(options))
{
    const std::size_t groups = options_.referenceTemperatures.size();
    if (groups == 0 || options_.timeConstants.size() != groups) {
        throw SetupError(fmt::format("temperature coupling needs one ref-t and one tau-t per group (got {} and {})",
                                     groups, options_.timeConstants.size()));
    }
    if (groups > 1 && options_.groupDegreesOfFreedom.size() != groups) {
        throw SetupError("temperature coupling with several groups needs the degrees of freedom of each group");
    }
    for (int g : options_.groupOfAtom) {
        if (g < 0 || static_cast<std::size_t>(g) >= groups) {
            throw SetupError(fmt::format("temperature coupling: an atom is in group {} of {}", g, groups));
        }
    }
    if (groups > 1 && options_.groupOfAtom.empty()) {
        throw SetupError("temperature coupling with several groups needs each atom's group");
    }
    if (options_.interval < 1) {
        throw SetupError(fmt::format("nsttcouple must be >= 1 (got {})", options_.interval));
    }
    if (options_.chainLength < 1) {
        throw SetupError(fmt::format("nh-chain-length must be >= 1 (got {})", options_.chainLength));
    }
    for (std::size_t g = 0; g < groups; ++g) {
        const double t0 = options_.referenceTemperatures[g], tau = options_.timeConstants[g];
        if (!(t0 >= 0)) {
            throw SetupError(fmt::format("ref-t of group {} is {} K; expected >= 0", g + 1, t0));
        }
        if (tau == 0 && options_.algorithm != CouplingAlgorithm::VRescale) {
            throw SetupError(fmt::format("tau-t of group {} is 0; Berendsen and Nose-Hoover need tau-t > 0 "
                                         "(or < 0 for no coupling)",
                                         g + 1));
        }
    }
    if (options_.algorithm == CouplingAlgorithm::NoseHoover) {
        xi_.assign(groups * static_cast<std::size_t>(options_.chainLength), 0.0);
        vxi_ = xi_;
        chainDof_.assign(groups, 0.0);
    }
}

double TemperatureCoupling::scaleFactor(double kinetic, int degreesOfFreedom, std::int64_t step, double dt)
{
    if (numGroups() != 1) {
        throw SetupError("TemperatureCoupling::scaleFactor is for one group; use apply() for several");
    }
    if (step % options_.interval != 0) {
        return 1.0;
    }
    const double dof = options_.groupDegreesOfFreedom.empty() ? degreesOfFreedom : options_.groupDegreesOfFreedom[0];
    return groupFactor(0, kinetic, dof, step, dt * options_.interval);
}

void TemperatureCoupling::apply(std::span<Vec3> velocities, std::span<const double> masses, int degreesOfFreedom,
                                std::int64_t step, double dt)
{
    if (step % options_.interval != 0) {
        return;
    }
    const std::size_t groups = options_.referenceTemperatures.size();
    const bool oneGroup = options_.groupOfAtom.empty();
    std::vector<double> kinetic(groups, 0.0);
    for (std::size_t i = 0; i < velocities.size(); ++i) {
        kinetic[oneGroup ? 0 : static_cast<std::size_t>(options_.groupOfAtom[i])] +=
            0.5 * masses[i] * norm2(velocities[i]);
    }
    std::vector<double> lambda(groups, 1.0);
    for (std::size_t g = 0; g < groups; ++g) {
        const double dof =
            options_.groupDegreesOfFreedom.empty() ? degreesOfFreedom : options_.groupDegreesOfFreedom[g];
        lambda[g] = groupFactor(g, kinetic[g], dof, step, dt * options_.interval);
    }
    for (std::size_t i = 0; i < velocities.size(); ++i) {
        velocities[i] *= lambda[oneGroup ? 0 : static_cast<std::size_t>(options_.groupOfAtom[i])];
    }
}

double TemperatureCoupling::groupFactor(std::size_t group, double kinetic, double dof, std::int64_t step, double dt)
{
    const double tau = options_.timeConstants[group];
    if (tau < 0 || !(kinetic > 0)) {
        return 1.0;
    }
    const double kT = units::kBoltzmann * options_.referenceTemperatures[group];
    double newKinetic = kinetic;
    switch (options_.algorithm) {
    case CouplingAlgorithm::VRescale: {
        detail::PhiloxStream rng(options_.seed, RandomPurpose::Thermostat, static_cast<std::uint64_t>(step),
                                 static_cast<std::uint32_t>(group));
        newKinetic = detail::vRescaleKinetic(kinetic, dof, kT, tau, dt, rng);
        break;
    }
    case CouplingAlgorithm::Berendsen: {
        const double temperature = 2 * kinetic / (dof * units::kBoltzmann);
        double lambda2 = 1 + dt / tau * (options_.referenceTemperatures[group] / temperature - 1);
        // GROMACS limits the scaling to [0.8, 1.25] per coupling step.
        lambda2 = std::clamp(lambda2, 0.8 * 0.8, 1.25 * 1.25);
        newKinetic = kinetic * lambda2;
        break;
    }
    case CouplingAlgorithm::NoseHoover:
        return noseHooverFactor(group, kinetic, dof, dt);
    }
    scalingEnergy_ += newKinetic - kinetic;
    energyAdded_ = scalingEnergy_;
    return std::sqrt(newKinetic / kinetic);
}

double TemperatureCoupling::noseHooverFactor(std::size_t group, double kinetic, double dof, double dt)
{
    const std::size_t m = static_cast<std::size_t>(options_.chainLength);
    double* xi = &xi_[group * m];
    double* v = &vxi_[group * m];
    const double kT = units::kBoltzmann * options_.referenceTemperatures[group];
    const double tau = options_.timeConstants[group];
    const double qUnit = kT * tau * tau / (4 * units::kPi * units::kPi);
    auto mass = [&](std::size_t k) { return k == 0 ? dof * qUnit : qUnit; };
    double twiceKinetic = 2 * kinetic;
    auto force = [&](std::size_t k) {
        return k == 0 ? (twiceKinetic - dof * kT) / mass(0) : (mass(k - 1) * v[k - 1] * v[k - 1] - kT) / mass(k);
    };
    // exp(iL_NHC dt) as a symmetric Trotter product: chain velocities over dt/2 (last thermostat first,
    // each one damped by the next over dt/4 on either side of its kick), the velocity scaling and
    // chain positions over dt, then the chain velocities over dt/2 in the opposite order.
    const double h = 0.5 * dt;
    v[m - 1] += force(m - 1) * h;
    for (std::size_t k = m - 1; k-- > 0;) {
        const double f = std::exp(-v[k + 1] * 0.5 * h);
        v[k] = f * (f * v[k] + force(k) * h);
    }
    const double scale = std::exp(-v[0] * dt);
    twiceKinetic *= scale * scale;
    for (std::size_t k = 0; k < m; ++k) {
        xi[k] += v[k] * dt;
    }
    for (std::size_t k = 0; k + 1 < m; ++k) {
        const double f = std::exp(-v[k + 1] * 0.5 * h);
        v[k] = f * (f * v[k] + force(k) * h);
    }
    v[m - 1] += force(m - 1) * h;
    chainDof_[group] = dof;
    energyAdded_ = scalingEnergy_ - chainEnergy();
    return scale;
}

double TemperatureCoupling::chainEnergy() const
{
    if (options_.algorithm != CouplingAlgorithm::NoseHoover) {
        return 0;
    }
    const std::size_t m = static_cast<std::size_t>(options_.chainLength);
    double energy = 0;
    for (std::size_t g = 0; g < options_.referenceTemperatures.size(); ++g) {
        const double kT = units::kBoltzmann * options_.referenceTemperatures[g];
        const double tau = options_.timeConstants[g];
        if (tau < 0) {
            continue;
        }
        const double qUnit = kT * tau * tau / (4 * units::kPi * units::kPi);
        for (std::size_t k = 0; k < m; ++k) {
            const double q = k == 0 ? chainDof_[g] * qUnit : qUnit;
            const double v = vxi_[g * m + k];
            energy += 0.5 * q * v * v + (k == 0 ? chainDof_[g] : 1.0) * kT * xi_[g * m + k];
        }
    }
    return energy;
}

std::vector<double> TemperatureCoupling::chainPositions(int group) const
{
    const auto m = static_cast<std::ptrdiff_t>(xi_.empty() ? 0 : options_.chainLength);
    return {xi_.begin() + group * m, xi_.begin() + (group + 1) * m};
}

std::vector<double> TemperatureCoupling::chainVelocities(int group) const
{
    const auto m = static_cast<std::ptrdiff_t>(vxi_.empty() ? 0 : options_.chainLength);
    return {vxi_.begin() + group * m, vxi_.begin() + (group + 1) * m};
}

void TemperatureCoupling::saveState(StateMap& state) const
{
    Thermostat::saveState(state);
    state["thermostat.scaling_energy"] = {scalingEnergy_};
    if (!xi_.empty()) {
        state["thermostat.nose_hoover_xi"] = xi_;
        state["thermostat.nose_hoover_vxi"] = vxi_;
        state["thermostat.nose_hoover_dof"] = chainDof_;
    }
}

void TemperatureCoupling::restoreState(const StateMap& state)
{
    Thermostat::restoreState(state);
    auto restore = [&](const char* key, std::vector<double>& into) {
        const auto it = state.find(key);
        if (it == state.end() || it->second.size() != into.size()) {
            throw SetupError(fmt::format("checkpoint: '{}' is missing or has {} values, expected {}", key,
                                         it == state.end() ? 0 : it->second.size(), into.size()));
        }
        into = it->second;
    };
    if (auto it = state.find("thermostat.scaling_energy"); it != state.end() && it->second.size() == 1) {
        scalingEnergy_ = it->second[0];
    }
    if (!xi_.empty()) {
        restore("thermostat.nose_hoover_xi", xi_);
        restore("thermostat.nose_hoover_vxi", vxi_);
        restore("thermostat.nose_hoover_dof", chainDof_);
    }
}

} // namespace proteinmd
