// The threaded update of leap-frog: per-atom loops (kick, drift, COM removal) and the sums over atoms
// (kinetic energy, its tensor, COM momentum, taken over fixed blocks of atoms) must give the same bits
// for 1 and 2 OpenMP threads, over whole steps of a constrained, thermostatted water system large
// enough for the loops to be threaded; and the block sums must agree with plain serial sums.

#include <gtest/gtest.h>

#include <omp.h>

#include <cmath>
#include <random>
#include <vector>

#include "proteinmd/constraints/constraints.h"
#include "proteinmd/core/state.h"
#include "proteinmd/integrators/barostat.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/thermostat.h"
#include "proteinmd/integrators/velocity_generation.h"

using namespace proteinmd;

namespace {

constexpr double kDOH = 0.09572, kDHH = 0.15139; // TIP3P

// A lattice of perSide^3 rigid TIP3P waters (randomly oriented) in a periodic box.
struct Waters {
    System system;
    State start;
};

Waters makeWaters(int perSide, unsigned seed)
{
    Waters w;
    const double spacing = 0.31;
    const double side = perSide * spacing;
    w.start.box = Box::rectangular(side, side, side);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> angle(0, 2 * M_PI);
    const double half = 0.5 * kDHH, h = std::sqrt(kDOH * kDOH - half * half);
    for (int i = 0; i < perSide * perSide * perSide; ++i) {
        const int first = static_cast<int>(w.start.positions.size());
        w.system.masses.insert(w.system.masses.end(), {15.9994, 1.008, 1.008});
        w.system.settles.push_back(SettleGroup{{first, first + 1, first + 2}, kDOH, kDHH});
        const Vec3 o{(i % perSide) * spacing, (i / perSide % perSide) * spacing, (i / perSide / perSide) * spacing};
        const double a = angle(rng), b = angle(rng);
        auto rotate = [&](Vec3 v) {
            v = Vec3{v.x * std::cos(a) - v.y * std::sin(a), v.x * std::sin(a) + v.y * std::cos(a), v.z};
            return Vec3{v.x, v.y * std::cos(b) - v.z * std::sin(b), v.y * std::sin(b) + v.z * std::cos(b)};
        };
        w.start.positions.push_back(o);
        w.start.positions.push_back(o + rotate(Vec3{half, h, 0}));
        w.start.positions.push_back(o + rotate(Vec3{-half, h, 0}));
    }
    w.start.velocities.assign(w.start.positions.size(), Vec3{});
    generateVelocities(w.system.masses, 300.0, seed, w.start.velocities);
    // A net drift, so that COM removal has something to remove.
    for (Vec3& v : w.start.velocities) { v += Vec3{0.3, -0.2, 0.1}; }
    return w;
}

// Each atom tethered harmonically to where it started (serial, so only the update can differ).
ForceFunction tetherForces(const std::vector<Vec3>& anchors)
{
    return [&anchors](std::span<const Vec3> x, const Box&, ForceOutput& out) {
        out.reset(static_cast<int>(x.size()));
        double energy = 0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const Vec3 d = x[i] - anchors[i];
            out.forces[i] = d * -2000.0;
            energy += 1000.0 * norm2(d);
        }
        out.energies.add(EnergyTerm::Bond, energy);
    };
}

struct Trajectory {
    State final;
    std::vector<StepEnergies> energies;
};

Trajectory runLeapFrog(int threads, const Waters& w, int steps)
{
    const int saved = omp_get_max_threads();
    omp_set_num_threads(threads);
    Constraints constraints(w.system);
    VRescaleThermostat thermostat(300.0, 0.1, 17);
    IntegratorOptions options;
    options.dt = 0.002;
    options.nstcomm = 2;
    auto integrator = makeLeapFrog(w.system, tetherForces(w.start.positions), &constraints, options, &thermostat);
    Trajectory t;
    t.final = w.start;
    for (int s = 0; s < steps; ++s) { t.energies.push_back(integrator->step(t.final)); }
    omp_set_num_threads(saved);
    return t;
}

} // namespace

TEST(UpdateThreads, LeapFrogIsBitIdenticalForOneAndTwoThreads)
{
    const Waters w = makeWaters(14, 5); // 8232 atoms: enough for the update loops to be threaded
    const Trajectory one = runLeapFrog(1, w, 5);
    const Trajectory two = runLeapFrog(2, w, 5);
    for (std::size_t i = 0; i < one.final.positions.size(); ++i) {
        ASSERT_EQ(one.final.positions[i], two.final.positions[i]) << "atom " << i;
        ASSERT_EQ(one.final.velocities[i], two.final.velocities[i]) << "atom " << i;
    }
    for (std::size_t s = 0; s < one.energies.size(); ++s) {
        EXPECT_EQ(one.energies[s].kinetic, two.energies[s].kinetic) << "step " << s;
        EXPECT_EQ(one.energies[s].conserved, two.energies[s].conserved) << "step " << s;
        for (int r = 0; r < 3; ++r) { EXPECT_EQ(one.energies[s].kineticTensor[r], two.energies[s].kineticTensor[r]); }
    }
    // The system did move, and the COM drift was removed (on step 0, 2, 4).
    EXPECT_NE(one.final.positions[0], w.start.positions[0]);
    EXPECT_LT(norm(centerOfMassVelocity(w.system.masses, one.final.velocities)), 1e-3);
}

TEST(UpdateThreads, BlockSumsAgreeWithSerialSumsForAnyThreadCount)
{
    const Waters w = makeWaters(13, 9); // 6591 atoms, not a multiple of the block count
    const std::vector<double>& m = w.system.masses;
    const std::vector<Vec3>& v = w.start.velocities;
    double twice = 0, mass = 0;
    Vec3 momentum{};
    for (std::size_t i = 0; i < v.size(); ++i) {
        twice += m[i] * norm2(v[i]);
        momentum += v[i] * m[i];
        mass += m[i];
    }
    const Matrix3 serialTensor = kineticEnergyTensor(m, v);
    const int saved = omp_get_max_threads();
    for (int threads : {1, 2, 3}) {
        omp_set_num_threads(threads);
        const KineticSums sums = kineticSums(m, v);
        EXPECT_EQ(sums.kinetic, kineticEnergy(m, v)) << threads << " threads";
        EXPECT_NEAR(sums.kinetic, 0.5 * twice, 1e-12 * twice);
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c) {
                EXPECT_NEAR(sums.tensor[r][c], serialTensor[r][c], 1e-12 * twice);
                EXPECT_EQ(sums.tensor[r][c], sums.tensor[c][r]);
            }
        }
        const Vec3 vcm = centerOfMassVelocity(m, v);
        for (int d = 0; d < 3; ++d) { EXPECT_NEAR(vcm[d], momentum[d] / mass, 1e-12); }
        std::vector<Vec3> removed = v;
        removeCenterOfMassVelocity(m, removed);
        EXPECT_LT(norm(centerOfMassVelocity(m, removed)), 1e-12);
    }
    omp_set_num_threads(saved);
}
