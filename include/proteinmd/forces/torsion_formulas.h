#pragma once
// Four-body (torsion) formulas, written once; see bond_formulas.h for the convention. The
// variable is the dihedral angle phi in radians, IUPAC sign convention (phi = pi for trans), as
// GROMACS's dih_angle computes it; the derivative is dV/dphi.

#include <array>
#include <cmath>

#include "proteinmd/core/units.h"
#include "proteinmd/forces/bond_formulas.h"

namespace proteinmd {

// GROMACS dihedrals types 1, 4 and 9: V = k (1 + cos(n phi - phi0)).
inline EnergyDerivative periodicTorsionEnergy(double phi, double phi0, double k, int multiplicity)
{
    const double arg = multiplicity * phi - phi0;
    return {k * (1.0 + std::cos(arg)), -k * multiplicity * std::sin(arg)};
}

// phi - phi0 wrapped into [-pi, pi), as GROMACS's make_dp_periodic does for harmonic impropers.
inline double periodicDifference(double phi, double phi0)
{
    double d = phi - phi0;
    if (d >= units::kPi) {
        d -= 2.0 * units::kPi;
    } else if (d < -units::kPi) {
        d += 2.0 * units::kPi;
    }
    return d;
}

// GROMACS dihedrals type 2: V = 1/2 k (xi - xi0)^2 with the difference taken periodically.
inline EnergyDerivative harmonicImproperEnergy(double xi, double xi0, double k)
{
    const double d = periodicDifference(xi, xi0);
    return {0.5 * k * d * d, k * d};
}

// GROMACS dihedrals type 3 (Ryckaert-Bellemans): V = sum_{n=0..5} C_n cos^n(psi), with the
// polymer convention psi = phi - 180 degrees. cos(psi) = -cos(phi) and sin(psi) = -sin(phi).
inline EnergyDerivative rbTorsionEnergy(double phi, const std::array<double, 6>& c)
{
    const double cosPsi = -std::cos(phi);
    const double sinPsi = -std::sin(phi);
    // Horner for V(cos psi) and dV/dcos psi.
    double v = c[5];
    double dvdc = 5.0 * c[5];
    for (int n = 4; n >= 1; --n) {
        v = v * cosPsi + c[static_cast<std::size_t>(n)];
        dvdc = dvdc * cosPsi + n * c[static_cast<std::size_t>(n)];
    }
    v = v * cosPsi + c[0];
    // dV/dphi = dV/dcos(psi) * d cos(psi)/dpsi, and dpsi/dphi = 1.
    return {v, -dvdc * sinPsi};
}

} // namespace proteinmd
