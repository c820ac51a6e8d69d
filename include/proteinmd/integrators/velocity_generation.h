#pragma once
// Maxwell-Boltzmann initial velocities (mdp gen-vel, gen-temp, gen-seed), generated as grompp does:
// a normal deviate per component with sigma = sqrt(kB T / m), the whole set scaled so that its
// temperature over 3 N degrees of freedom is exactly T, then the centre-of-mass velocity removed.
// The deviates come from Philox keyed by (seed, atom), so they do not depend on thread count.
// (The numbers differ from grompp's, which uses ThreeFry and a tabulated normal distribution.)

#include <cstdint>
#include <span>

#include "proteinmd/core/vec3.h"

namespace proteinmd {

// Massless atoms (virtual sites) get zero velocity.
void generateVelocities(std::span<const double> masses, double temperature, std::uint64_t seed,
                        std::span<Vec3> velocities);

// gen-seed = -1 means "pick one": a seed from std::random_device. Other values are used as given.
std::uint64_t resolveSeed(std::int64_t mdpSeed);

} // namespace proteinmd
