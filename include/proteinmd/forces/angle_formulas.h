#pragma once
// Three-body (angle) formulas, written once; see bond_formulas.h for the convention. The
// Urey-Bradley form (GROMACS angles type 5) is harmonicAngleEnergy plus harmonicEnergy of the
// 1-3 distance.

#include "proteinmd/forces/bond_formulas.h"

namespace proteinmd {

// GROMACS angles type 1: V = 1/2 k (theta - theta0)^2, theta in radians; derivative dV/dtheta.
constexpr EnergyDerivative harmonicAngleEnergy(double theta, double theta0, double k)
{
    return harmonicEnergy(theta, theta0, k);
}

// GROMOS-96 angle (GROMACS angles type 2): V = 1/2 k (cos theta - cos theta0)^2. The variable is
// cos theta (derivative dV/dcos), which keeps the force smooth through theta = 180 degrees.
constexpr EnergyDerivative g96AngleEnergy(double cosTheta, double cosTheta0, double k)
{
    return harmonicEnergy(cosTheta, cosTheta0, k);
}

} // namespace proteinmd
