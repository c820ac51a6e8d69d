#pragma once
// The elements integrators are built from. Each does one thing to the state; the order they are
// called in is the integrator. The per-atom loops are OpenMP-threaded over atoms; each atom is
// updated on its own, so the results are bit-identical for any thread count.

#include <span>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"
#include "proteinmd/integrators/barostat.h"
#include "proteinmd/integrators/integrator.h"

namespace proteinmd::elements {

// Below this many atoms a loop over them takes about as long as waking the OpenMP threads (a few
// microseconds), so small systems stay on one thread.
inline bool worthThreading(std::size_t atoms) { return atoms >= 4096; }

// v += dt F / m (atoms without mass are left alone).
inline void kick(std::span<Vec3> velocities, std::span<const Vec3> forces, std::span<const double> inverseMasses,
                 double dt)
{
    const auto atoms = static_cast<std::ptrdiff_t>(velocities.size());
#pragma omp parallel for schedule(static) if (worthThreading(velocities.size()))
    for (std::ptrdiff_t i = 0; i < atoms; ++i) { velocities[i] += forces[i] * (dt * inverseMasses[i]); }
}

// kick (over kickDt) and drift (over driftDt) fused with keeping x(t) in `previous` (the
// constraints' reference): one pass, the same bits as kick, copy, drift.
inline void kickDriftKeeping(std::span<Vec3> positions, std::span<Vec3> velocities, std::span<Vec3> previous,
                             std::span<const Vec3> forces, std::span<const double> inverseMasses, double kickDt,
                             double driftDt)
{
    const auto atoms = static_cast<std::ptrdiff_t>(positions.size());
#pragma omp parallel for schedule(static) if (worthThreading(positions.size()))
    for (std::ptrdiff_t i = 0; i < atoms; ++i) {
        previous[i] = positions[i];
        velocities[i] += forces[i] * (kickDt * inverseMasses[i]);
        positions[i] += velocities[i] * driftDt;
    }
}

// kick (over kickDt) and drift (over driftDt) in one pass, for integrators without constraints.
inline void kickDrift(std::span<Vec3> positions, std::span<Vec3> velocities, std::span<const Vec3> forces,
                      std::span<const double> inverseMasses, double kickDt, double driftDt)
{
    const auto atoms = static_cast<std::ptrdiff_t>(positions.size());
#pragma omp parallel for schedule(static) if (worthThreading(positions.size()))
    for (std::ptrdiff_t i = 0; i < atoms; ++i) {
        velocities[i] += forces[i] * (kickDt * inverseMasses[i]);
        positions[i] += velocities[i] * driftDt;
    }
}

inline std::vector<double> inverseMasses(std::span<const double> masses)
{
    std::vector<double> inv(masses.size(), 0.0);
    for (std::size_t i = 0; i < masses.size(); ++i) { inv[i] = masses[i] > 0 ? 1.0 / masses[i] : 0.0; }
    return inv;
}

// The potential energy of a step from its force call; on a step that asked for forces only the
// energies stay zero and hasPotential is false (a backend may still have filled some terms).
inline void takePotential(StepEnergies& e, const ForceOutput& out)
{
    e.hasPotential = out.energiesWanted;
    e.terms = out.energiesWanted ? out.energies : EnergyTerms{};
    e.potential = out.energiesWanted ? out.energies.total() : 0.0;
}

// Pressure of a step from its kinetic tensor and virials, in the box the forces were computed in.
inline void fillPressure(StepEnergies& e, const Box& box)
{
    e.pressureTensor = pressureTensor(e.kineticTensor, e.forceVirial + e.constraintVirial, box);
    e.pressure = scalarPressure(e.pressureTensor);
    e.volume = box.isPeriodic() ? box.volume() : 0.0;
}

} // namespace proteinmd::elements
