#include "proteinmd/integrators/kinetic_energy.h"

#include <array>

#include <fmt/format.h>

#include "md_elements.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"

namespace proteinmd {

namespace {

// Sums over atoms are split into this many blocks whatever the thread count, so that their
// rounding (and so their bits) never depends on how many threads there are.
constexpr int kSumBlocks = 8;

std::size_t blockStart(std::size_t atoms, int block)
{
    return atoms * static_cast<std::size_t>(block) / kSumBlocks;
}

// Sums sumBlock(first, last) over the fixed blocks of `atoms` atoms, block partials added in block order.
template <typename Partial, typename SumBlock>
Partial sumOverBlocks(std::size_t atoms, const SumBlock& sumBlock)
{
    std::array<Partial, kSumBlocks> partials{};
#pragma omp parallel for schedule(static) if (elements::worthThreading(atoms))
    for (int block = 0; block < kSumBlocks; ++block) {
        partials[static_cast<std::size_t>(block)] = sumBlock(blockStart(atoms, block), blockStart(atoms, block + 1));
    }
    Partial total{};
    for (const Partial& partial : partials) { total += partial; }
    return total;
}

struct TensorPartial {
    double twice = 0, xx = 0, xy = 0, xz = 0, yy = 0, yz = 0, zz = 0;

    TensorPartial& operator+=(const TensorPartial& o)
    {
        twice += o.twice;
        xx += o.xx;
        xy += o.xy;
        xz += o.xz;
        yy += o.yy;
        yz += o.yz;
        zz += o.zz;
        return *this;
    }
};

struct MomentumPartial {
    Vec3 momentum{};
    double mass = 0;

    MomentumPartial& operator+=(const MomentumPartial& o)
    {
        momentum += o.momentum;
        mass += o.mass;
        return *this;
    }
};

} // namespace

KineticSums kineticSums(std::span<const double> masses, std::span<const Vec3> velocities)
{
    // The tensor is symmetric (v_r v_c = v_c v_r): six sums, each in the order kineticEnergyTensor uses.
    const TensorPartial s =
        sumOverBlocks<TensorPartial>(velocities.size(), [&](std::size_t first, std::size_t last) {
            TensorPartial p;
            for (std::size_t i = first; i < last; ++i) {
                const Vec3& v = velocities[i];
                const double m = masses[i];
                const double half = 0.5 * m;
                p.twice += m * norm2(v);
                p.xx += v.x * v.x * half;
                p.xy += v.x * v.y * half;
                p.xz += v.x * v.z * half;
                p.yy += v.y * v.y * half;
                p.yz += v.y * v.z * half;
                p.zz += v.z * v.z * half;
            }
            return p;
        });
    KineticSums sums;
    sums.kinetic = 0.5 * s.twice;
    sums.tensor = Matrix3{{Vec3{s.xx, s.xy, s.xz}, Vec3{s.xy, s.yy, s.yz}, Vec3{s.xz, s.yz, s.zz}}};
    return sums;
}

double kineticEnergy(std::span<const double> masses, std::span<const Vec3> velocities)
{
    // The same sum as kineticSums (the tensor's six chains run beside it at no extra cost in this
    // latency-bound loop), so that both give the same bits: a loop of its own may round differently
    // once the compiler contracts or vectorises it otherwise.
    return kineticSums(masses, velocities).kinetic;
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
    const MomentumPartial total =
        sumOverBlocks<MomentumPartial>(velocities.size(), [&](std::size_t first, std::size_t last) {
            MomentumPartial p;
            for (std::size_t i = first; i < last; ++i) {
                p.momentum += velocities[i] * masses[i];
                p.mass += masses[i];
            }
            return p;
        });
    return total.mass > 0 ? total.momentum / total.mass : Vec3{};
}

void removeCenterOfMassVelocity(std::span<const double> masses, std::span<Vec3> velocities)
{
    const Vec3 vcm = centerOfMassVelocity(masses, velocities);
    const auto atoms = static_cast<std::ptrdiff_t>(velocities.size());
#pragma omp parallel for schedule(static) if (elements::worthThreading(velocities.size()))
    for (std::ptrdiff_t i = 0; i < atoms; ++i) {
        if (masses[static_cast<std::size_t>(i)] > 0) {
            velocities[static_cast<std::size_t>(i)] -= vcm;
        }
    }
}

} // namespace proteinmd
