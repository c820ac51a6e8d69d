#pragma once
// Kinetic energy, temperature, degrees of freedom and centre-of-mass motion, as GROMACS counts them.
// The sums over atoms are OpenMP-threaded and bit-identical for any thread count: each is taken
// over a fixed number of fixed blocks of atoms, and the block sums are added in block order.

#include <span>
#include <string>

#include "proteinmd/core/system.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

// 1/2 sum m v^2 (kJ/mol).
double kineticEnergy(std::span<const double> masses, std::span<const Vec3> velocities);

// The kinetic energy and its tensor (1/2 sum m v (x) v) in one pass over the velocities; `kinetic`
// has the same bits as kineticEnergy() of the same velocities.
struct KineticSums {
    double kinetic = 0;
    Matrix3 tensor{};
};
KineticSums kineticSums(std::span<const double> masses, std::span<const Vec3> velocities);

// Degrees of freedom: 3 per atom with mass, minus one per distance constraint and three per settle,
// minus 3 when centre-of-mass motion is removed (commMode "Linear"; "None" removes nothing).
// Throws SetupError for comm-mode Angular or Linear-acceleration-correction (not implemented).
int degreesOfFreedom(const System& system, const std::string& commMode);

// T = 2 KE / (ndf kB).
double temperature(double kinetic, int degreesOfFreedom);

Vec3 centerOfMassVelocity(std::span<const double> masses, std::span<const Vec3> velocities);
// Subtracts the centre-of-mass velocity from every atom with mass.
void removeCenterOfMassVelocity(std::span<const double> masses, std::span<Vec3> velocities);

} // namespace proteinmd
