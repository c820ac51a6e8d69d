#pragma once
// Pressure and density as GROMACS reports them in its energy file.

#include <span>

#include "proteinmd/core/units.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

// 1 amu in kg (CODATA 2018, GROMACS's AMU).
inline constexpr double kAtomicMassKg = 1.66053906660e-27;

// Scalar pressure in bar: P = 2/(3V) (Ekin - tr Xi) * PRESFAC, the trace/3 of GROMACS's pressure
// tensor P = 2/V (Ekin_tensor - Xi). `virial` is the total Xi = -1/2 sum r (x) F of the forces and
// the constraints (kJ/mol); `kinetic` in kJ/mol; `volume` in nm^3.
inline double pressureBar(double kinetic, const Matrix3& virial, double volume)
{
    return 2.0 / (3.0 * volume) * (kinetic - virial.trace()) * units::kPressureFactorBar;
}

// Density in kg/m^3 of `totalMass` amu in `volume` nm^3.
inline double densityKgPerM3(double totalMass, double volume)
{
    return totalMass * kAtomicMassKg / (volume * 1e-27);
}

inline double totalMass(std::span<const double> masses)
{
    double sum = 0;
    for (double m : masses) { sum += m; }
    return sum;
}

} // namespace proteinmd
