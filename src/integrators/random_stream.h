#pragma once
// A sequence of random deviates for one (seed, purpose, step, stream): Philox blocks at increasing
// index, so every draw is a pure function of its key and the draws before it in the same stream.
// Used by the thermostats and barostats; shared here so that their samplers are written once.

#include <array>
#include <cmath>
#include <cstdint>

#include "proteinmd/integrators/philox.h"

namespace proteinmd::detail {

class PhiloxStream {
  public:
    // `stream` selects an independent sequence (e.g. one per coupling group): its indices start at
    // stream << 20, far beyond what one step draws from another stream.
    PhiloxStream(std::uint64_t seed, RandomPurpose purpose, std::uint64_t step, std::uint32_t stream = 0)
        : seed_(seed), purpose_(purpose), step_(step), index_(stream << 20)
    {
    }

    double normal()
    {
        if (next_ == 4) {
            buffer_ = normalQuad(seed_, purpose_, step_, index_++);
            next_ = 0;
        }
        return buffer_[static_cast<std::size_t>(next_++)];
    }
    // Uniform in (0, 1) from a normal deviate through the normal CDF: keeps one stream type.
    double uniform() { return 0.5 * std::erfc(-normal() / std::sqrt(2.0)); }

  private:
    std::uint64_t seed_;
    RandomPurpose purpose_;
    std::uint64_t step_;
    std::uint32_t index_;
    std::array<double, 4> buffer_{};
    int next_ = 4;
};

// Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 through Gamma(shape + 1) U^(1/shape).
inline double sampleGamma(double shape, PhiloxStream& rng)
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

// Sum of n squared standard normal deviates (chi-squared with n degrees of freedom; n may be
// fractional, as tc-group degrees of freedom are).
inline double sumOfSquaredNormals(double n, PhiloxStream& rng)
{
    if (n <= 0) {
        return 0;
    }
    return 2.0 * sampleGamma(0.5 * n, rng);
}

// Bussi-Donadio-Parrinello: the kinetic energy after one v-rescale step of length dt for a group
// with `kinetic` (kJ/mol), `dof` degrees of freedom, target kT (kJ/mol) and time constant tau (ps;
// 0 = instantaneous). The stream must be fresh for this (step, group).
inline double vRescaleKinetic(double kinetic, double dof, double kT, double tau, double dt, PhiloxStream& rng)
{
    const double c = tau > 0 ? std::exp(-dt / tau) : 0.0;
    const double r1 = rng.normal();
    const double others = sumOfSquaredNormals(dof - 1, rng);
    const double perDof = 0.5 * kT;
    const double newKinetic = kinetic + (1 - c) * (perDof * (others + r1 * r1) - kinetic) +
                              2 * r1 * std::sqrt(kinetic * perDof * (1 - c) * c);
    return newKinetic > 0 ? newKinetic : 0.0;
}

} // namespace proteinmd::detail
