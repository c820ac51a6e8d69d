#pragma once
// Two-body bonded formulas, written once: each returns the energy and the derivative with respect to
// its geometric variable. Loops (reference, SIMD, GPU) supply the geometry and turn the derivative
// into forces; nothing here touches positions. Forms and conventions follow GROMACS 2022.

#include <cmath>

namespace proteinmd {

// An energy (kJ/mol) and its derivative dV/dx with respect to the formula's own variable x.
struct EnergyDerivative {
    double energy = 0;
    double derivative = 0;
};

// V = 1/2 k (x - x0)^2. Used by harmonic bonds (x = r), the Urey-Bradley 1-3 distance, harmonic
// angles (x = theta) and each dimension of a position restraint.
constexpr EnergyDerivative harmonicEnergy(double x, double x0, double k)
{
    const double dx = x - x0;
    return {0.5 * k * dx * dx, k * dx};
}

// GROMOS-96 bond (GROMACS bonds type 2): V = 1/4 kb (r^2 - b0^2)^2. The variable is r^2, so the
// loop needs no square root: the force on atom i is -2 dV/d(r^2) * r_ij.
constexpr EnergyDerivative g96BondEnergy(double r2, double b0, double kb)
{
    const double d = r2 - b0 * b0;
    return {0.25 * kb * d * d, 0.5 * kb * d};
}

// 1-4 pair as GROMACS evaluates it: plain LJ c12/r^12 - c6/r^6 and plain Coulomb
// coulombPrefactor * qq / r, no cut-off and no modifiers. `forceOverR` = -dV/dr / r, so the
// force on atom i is forceOverR * r_ij with r_ij = x_i - x_j.
struct Pair14Energy {
    double lj = 0;
    double coulomb = 0;
    double forceOverR = 0;
};

inline Pair14Energy pair14Energy(double r2, double c6, double c12, double qqTimesPrefactor)
{
    const double rinv2 = 1.0 / r2;
    const double rinv = std::sqrt(rinv2);
    const double rinv6 = rinv2 * rinv2 * rinv2;
    const double vlj6 = c6 * rinv6;
    const double vlj12 = c12 * rinv6 * rinv6;
    const double vcoul = qqTimesPrefactor * rinv;
    return {vlj12 - vlj6, vcoul, (12.0 * vlj12 - 6.0 * vlj6 + vcoul) * rinv2};
}

} // namespace proteinmd
