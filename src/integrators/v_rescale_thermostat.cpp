#include <cmath>

#include <fmt/format.h>

#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/integrators/philox.h"
#include "proteinmd/integrators/thermostat.h"

namespace proteinmd {

namespace {

// A sequence of normal and uniform deviates for one (seed, step): Philox blocks at increasing index.
class PhiloxStream {
public:
    PhiloxStream(std::uint64_t seed, std::uint64_t step) : seed_(seed), step_(step) {}

    double normal()
    {
        if (next_ == 4) {
            buffer_ = normalQuad(seed_, RandomPurpose::Thermostat, step_, index_++);
            next_ = 0;
        }
        return buffer_[static_cast<std::size_t>(next_++)];
    }
    // Uniform in (0, 1) from a normal deviate through the normal CDF: keeps one stream type.
    double uniform() { return 0.5 * std::erfc(-normal() / std::sqrt(2.0)); }

private:
    std::uint64_t seed_, step_;
    std::uint32_t index_ = 0;
    std::array<double, 4> buffer_{};
    int next_ = 4;
};

// Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 through Gamma(shape + 1) U^(1/shape).
double sampleGamma(double shape, PhiloxStream& rng)
{
    if (shape < 1) {
        return sampleGamma(shape + 1, rng) * std::pow(rng.uniform(), 1.0 / shape);
    }
    const double d = shape - 1.0 / 3.0;
    const double c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
        const double x = rng.normal();
        const double t = 1.0 + c * x;
        if (t <= 0) {
            continue;
        }
        const double v = t * t * t;
        const double u = rng.uniform();
        if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) {
            return d * v;
        }
    }
}

// Sum of n squared standard normal deviates (chi-squared with n degrees of freedom).
double sumOfSquaredNormals(int n, PhiloxStream& rng)
{
    if (n <= 0) {
        return 0;
    }
    return 2.0 * sampleGamma(0.5 * n, rng);
}

} // namespace

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
    const double target = 0.5 * degreesOfFreedom * units::kBoltzmann * referenceTemperature_;
    const double c = tau_ > 0 ? std::exp(-dt / tau_) : 0.0;
    PhiloxStream rng(seed_, static_cast<std::uint64_t>(step));
    const double r1 = rng.normal();
    const double others = sumOfSquaredNormals(degreesOfFreedom - 1, rng);
    const double perDof = target / degreesOfFreedom;
    double newKinetic = kinetic + (1 - c) * (perDof * (others + r1 * r1) - kinetic) +
                        2 * r1 * std::sqrt(kinetic * perDof * (1 - c) * c);
    if (newKinetic < 0) {
        newKinetic = 0;
    }
    energyAdded_ += newKinetic - kinetic;
    return std::sqrt(newKinetic / kinetic);
}

} // namespace proteinmd
