#pragma once
// Toy systems for the dynamics tests: independent 3D oscillators (harmonic, optionally with a quartic
// term so that modes mix in frequency) and an ideal gas in a periodic box, with exact statistics.

#include <cmath>
#include <span>
#include <vector>

#include "proteinmd/core/state.h"
#include "proteinmd/core/system.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/velocity_generation.h"

namespace proteinmd::test {

struct OscillatorToy {
    System system;
    double k = 1000;    // kJ/mol/nm^2
    double quartic = 0; // kJ/mol/nm^4, V = k/2 x^2 + quartic x^4 per component
    ForceFunction forces()
    {
        return [this](std::span<const Vec3> x, const Box&, ForceOutput& out) {
            out.reset(static_cast<int>(x.size()));
            double energy = 0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                for (int d = 0; d < 3; ++d) {
                    const double q = x[i][d];
                    out.forces[i][d] = -k * q - 4 * quartic * q * q * q;
                    energy += 0.5 * k * q * q + quartic * q * q * q * q;
                }
            }
            out.energies.add(EnergyTerm::Bond, energy);
        };
    }
};

inline OscillatorToy makeOscillators(int n, double mass, double quartic = 0)
{
    OscillatorToy toy;
    toy.system.masses.assign(static_cast<std::size_t>(n), mass);
    toy.quartic = quartic;
    return toy;
}

inline State oscillatorStart(int n)
{
    State state;
    for (int i = 0; i < n; ++i) {
        state.positions.push_back(Vec3{0.01 * std::sin(i), 0.01 * std::cos(3 * i), 0.005 * i / n});
    }
    state.velocities.assign(static_cast<std::size_t>(n), Vec3{});
    state.velocities[0] = Vec3{1, 0, 0};
    return state;
}

// No interactions: forces zero, virial zero.
inline ForceFunction idealGasForces()
{
    return [](std::span<const Vec3> x, const Box&, ForceOutput& out) { out.reset(static_cast<int>(x.size())); };
}

// Mean and variance of a series.
struct Moments {
    double mean = 0, variance = 0;
};
inline Moments moments(const std::vector<double>& values)
{
    Moments m;
    for (double v : values) {
        m.mean += v / static_cast<double>(values.size());
    }
    for (double v : values) {
        m.variance += (v - m.mean) * (v - m.mean) / static_cast<double>(values.size());
    }
    return m;
}

} // namespace proteinmd::test

namespace proteinmd::test {

// A periodic Lennard-Jones fluid (argon-like: sigma 0.34 nm, epsilon 0.996 kJ/mol, 39.948 amu) of
// n^3 atoms on a simple cubic lattice at reduced density `density`, plain cut-off `cutoff` with the
// energy shifted to zero there; all-pairs minimum image. An interacting, ergodic toy with a pressure.
struct LennardJonesToy {
    System system;
    State state;
    double sigma = 0.34, epsilon = 0.996, cutoff = 0.7;
    ForceFunction forces()
    {
        return [this](std::span<const Vec3> x, const Box& box, ForceOutput& out) {
            out.reset(static_cast<int>(x.size()));
            const double rc2 = cutoff * cutoff;
            const double s6 = std::pow(sigma, 6);
            const double shift = 4 * epsilon * (s6 * s6 / std::pow(rc2, 6) - s6 / std::pow(rc2, 3));
            double energy = 0;
            const Vec3 lengths{box.vectors()[0][0], box.vectors()[1][1], box.vectors()[2][2]}; // rectangular
            for (std::size_t i = 0; i < x.size(); ++i) {
                for (std::size_t j = i + 1; j < x.size(); ++j) {
                    Vec3 d = x[i] - x[j];
                    for (int k = 0; k < 3; ++k) {
                        d[k] -= lengths[k] * std::round(d[k] / lengths[k]);
                    }
                    const double r2 = norm2(d);
                    if (r2 >= rc2) {
                        continue;
                    }
                    const double ir6 = s6 / (r2 * r2 * r2);
                    energy += 4 * epsilon * (ir6 * ir6 - ir6) - shift;
                    const Vec3 f = d * (24 * epsilon * (2 * ir6 * ir6 - ir6) / r2);
                    out.forces[i] += f;
                    out.forces[j] -= f;
                    out.virial += outer(d, f) * -0.5;
                }
            }
            out.energies.add(EnergyTerm::LjSr, energy);
        };
    }
};

inline LennardJonesToy makeLennardJones(int perSide, double density, double temperature, std::uint64_t seed)
{
    LennardJonesToy toy;
    const int n = perSide * perSide * perSide;
    toy.system.masses.assign(static_cast<std::size_t>(n), 39.948);
    const double length = std::cbrt(n / density) * toy.sigma;
    toy.state.box = Box::rectangular(length, length, length);
    const double spacing = length / perSide;
    for (int a = 0; a < perSide; ++a) {
        for (int b = 0; b < perSide; ++b) {
            for (int c = 0; c < perSide; ++c) {
                toy.state.positions.push_back(Vec3{(a + 0.5) * spacing, (b + 0.5) * spacing, (c + 0.5) * spacing});
            }
        }
    }
    toy.state.velocities.assign(static_cast<std::size_t>(n), Vec3{});
    generateVelocities(toy.system.masses, temperature, seed, toy.state.velocities);
    return toy;
}

} // namespace proteinmd::test
