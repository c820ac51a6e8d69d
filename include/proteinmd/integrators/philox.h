#pragma once
// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC11): a counter-based
// random number generator. The output is a pure function of (counter, key), so a random number for
// (seed, step, atom) is the same whatever the thread count or the order atoms are visited in.

#include <array>
#include <cmath>
#include <cstdint>

#include "proteinmd/core/units.h"

namespace proteinmd {

using PhiloxCounter = std::array<std::uint32_t, 4>;
using PhiloxKey = std::array<std::uint32_t, 2>;

constexpr PhiloxCounter philox4x32(PhiloxCounter ctr, PhiloxKey key)
{
    constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
    constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
    for (int round = 0; round < 10; ++round) {
        const std::uint64_t p0 = static_cast<std::uint64_t>(kMul0) * ctr[0];
        const std::uint64_t p1 = static_cast<std::uint64_t>(kMul1) * ctr[2];
        const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
        const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
        ctr = {hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0};
        key = {key[0] + kWeyl0, key[1] + kWeyl1};
    }
    return ctr;
}

// What a random stream is used for; part of the counter so that streams never overlap.
enum class RandomPurpose : std::uint32_t {
    MaxwellVelocities = 1,
    Thermostat = 2,
    StochasticDynamics = 3,
    Barostat = 4,
};

// Four standard normal deviates for (seed, purpose, step, index): two Philox blocks -> four uniform
// doubles with 53-bit resolution in (0, 1] -> Box-Muller.
inline std::array<double, 4> normalQuad(std::uint64_t seed, RandomPurpose purpose, std::uint64_t step,
                                        std::uint32_t index)
{
    const PhiloxKey key{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
    std::array<double, 4> uniform{};
    for (std::uint32_t block = 0; block < 2; ++block) {
        const PhiloxCounter out = philox4x32(
            {index, static_cast<std::uint32_t>(step), static_cast<std::uint32_t>(step >> 32),
             (static_cast<std::uint32_t>(purpose) << 8) | block},
            key);
        for (std::size_t k = 0; k < 2; ++k) {
            const std::uint64_t bits = (static_cast<std::uint64_t>(out[2 * k]) << 21) ^ (out[2 * k + 1] >> 11);
            uniform[2 * block + k] = (static_cast<double>(bits & ((1ull << 53) - 1)) + 1.0) * 0x1.0p-53;
        }
    }
    std::array<double, 4> normal{};
    for (std::size_t k = 0; k < 2; ++k) {
        const double radius = std::sqrt(-2.0 * std::log(uniform[2 * k]));
        const double angle = 2.0 * units::kPi * uniform[2 * k + 1];
        normal[2 * k] = radius * std::cos(angle);
        normal[2 * k + 1] = radius * std::sin(angle);
    }
    return normal;
}

} // namespace proteinmd
