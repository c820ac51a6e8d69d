#pragma once
// Short-range non-bonded pair formulas, written once so every backend (reference loops, SIMD
// kernels, GPU) evaluates the same numbers. Each evaluator returns the pair energy and F/r: the
// force on atom i is fOverR * (x_i - x_j), the force on j its negative.
//
// The forms follow GROMACS 2022 (Verlet scheme, manual section "Modified non-bonded interactions"):
//  LJ:       V = c12/r^12 - c6/r^6 with the vdw-modifier applied to r^-6 and r^-12 separately
//            (potential-shift, force-switch) or to their sum (potential-switch).
//  Coulomb:  plain f qq/r; reaction field f qq (1/r + k_rf r^2 - c_rf); Ewald real space
//            f qq (erfc(beta r)/r - shift). f = ONE_4PI_EPS0 / epsilon_r.
// Excluded pairs inside the cut-off still carry the parts of the Coulomb interaction that do not
// come from 1/r (reaction field: k_rf r^2 - c_rf; Ewald: -erf(beta r)/r), as in GROMACS.

#include <cmath>

#include "proteinmd/core/units.h"
#include "proteinmd/forces/nonbonded_options.h"

namespace proteinmd::nonbonded {

struct PairResult {
    double energy = 0; // kJ/mol
    double fOverR = 0; // kJ/mol/nm^2: force on i = fOverR * (x_i - x_j)
};

// ---------------------------------------------------------------------------------------------
// Lennard-Jones

// Force-switch constants for one power p (manual: F_p(r) = p r^-(p+1) + A t^2 + B t^3 with
// t = r - r_switch; Phi_p(r) = r^-p - A/3 t^3 - B/4 t^4 - C, so Phi_p(rc) = 0 and F_p(rc) = 0).
struct ForceSwitchConstants {
    double a = 0, b = 0, c = 0;

    static ForceSwitchConstants make(double p, double rSwitch, double rc)
    {
        const double w = rc - rSwitch;
        ForceSwitchConstants k;
        k.a = -p * ((p + 4) * rc - (p + 1) * rSwitch) / (std::pow(rc, p + 2) * w * w);
        k.b = p * ((p + 3) * rc - (p + 1) * rSwitch) / (std::pow(rc, p + 2) * w * w * w);
        k.c = 1.0 / std::pow(rc, p) - k.a / 3 * w * w * w - k.b / 4 * w * w * w * w;
        return k;
    }
};

// Everything the LJ evaluator needs besides c6, c12 and r; built once per evaluation.
struct LjConstants {
    InteractionModifier modifier = InteractionModifier::None;
    double rc = 0;
    double rSwitch = 0;
    double shift6 = 0, shift12 = 0;       // potential-shift: r^-6(rc), r^-12(rc) subtracted inside rc
    ForceSwitchConstants fs6, fs12;       // force-switch
    double sw3 = 0, sw4 = 0, sw5 = 0;     // potential-switch: S = 1 + sw3 t^3 + sw4 t^4 + sw5 t^5

    static LjConstants make(InteractionModifier modifier, double rc, double rSwitch)
    {
        LjConstants k;
        k.modifier = modifier;
        k.rc = rc;
        k.rSwitch = rSwitch;
        switch (modifier) {
        case InteractionModifier::None:
            break;
        case InteractionModifier::PotentialShift: {
            const double rc6 = rc * rc * rc * rc * rc * rc;
            k.shift6 = 1.0 / rc6;
            k.shift12 = 1.0 / (rc6 * rc6);
            break;
        }
        case InteractionModifier::ForceSwitch:
            k.fs6 = ForceSwitchConstants::make(6.0, rSwitch, rc);
            k.fs12 = ForceSwitchConstants::make(12.0, rSwitch, rc);
            break;
        case InteractionModifier::PotentialSwitch: {
            const double w = rc - rSwitch;
            k.sw3 = -10.0 / (w * w * w);
            k.sw4 = 15.0 / (w * w * w * w);
            k.sw5 = -6.0 / (w * w * w * w * w);
            break;
        }
        }
        return k;
    }

    // Plain 12-6 with no modifier (non-periodic systems, or the "true" potential).
    static LjConstants plain() { return LjConstants{}; }
};

// LJ pair inside the cut-off (the caller checks r < rc). r2 = r^2 > 0.
inline PairResult ljPair(double c6, double c12, double r2, const LjConstants& k)
{
    const double rinv2 = 1.0 / r2;
    const double rinv6 = rinv2 * rinv2 * rinv2;
    const double rinv12 = rinv6 * rinv6;
    PairResult out;
    switch (k.modifier) {
    case InteractionModifier::None:
        out.energy = c12 * rinv12 - c6 * rinv6;
        out.fOverR = (12.0 * c12 * rinv12 - 6.0 * c6 * rinv6) * rinv2;
        break;
    case InteractionModifier::PotentialShift:
        // Energy-only shift: the force is that of the plain potential.
        out.energy = c12 * (rinv12 - k.shift12) - c6 * (rinv6 - k.shift6);
        out.fOverR = (12.0 * c12 * rinv12 - 6.0 * c6 * rinv6) * rinv2;
        break;
    case InteractionModifier::ForceSwitch: {
        const double r = std::sqrt(r2);
        const double t = r > k.rSwitch ? r - k.rSwitch : 0.0;
        const double t2 = t * t;
        const double t3 = t2 * t;
        // Phi_p and F_p of the manual, applied to r^-6 and r^-12 separately.
        const double phi6 = rinv6 - k.fs6.a / 3 * t3 - k.fs6.b / 4 * t3 * t - k.fs6.c;
        const double phi12 = rinv12 - k.fs12.a / 3 * t3 - k.fs12.b / 4 * t3 * t - k.fs12.c;
        const double f6 = 6.0 * rinv6 / r + k.fs6.a * t2 + k.fs6.b * t3;
        const double f12 = 12.0 * rinv12 / r + k.fs12.a * t2 + k.fs12.b * t3;
        out.energy = c12 * phi12 - c6 * phi6;
        out.fOverR = (c12 * f12 - c6 * f6) / r;
        break;
    }
    case InteractionModifier::PotentialSwitch: {
        const double r = std::sqrt(r2);
        const double v = c12 * rinv12 - c6 * rinv6;
        const double fr = 12.0 * c12 * rinv12 - 6.0 * c6 * rinv6; // F * r of the plain potential
        const double t = r > k.rSwitch ? r - k.rSwitch : 0.0;
        const double t2 = t * t;
        const double sw = 1.0 + (k.sw3 + (k.sw4 + k.sw5 * t) * t) * t2 * t;
        const double dsw = (3.0 * k.sw3 + (4.0 * k.sw4 + 5.0 * k.sw5 * t) * t) * t2;
        out.energy = v * sw;
        // F = -d(V S)/dr = F_plain S - V dS/dr.
        out.fOverR = (fr * sw) * rinv2 - v * dsw / r;
        break;
    }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Coulomb

enum class CoulombKind {
    Plain,          // f qq / r, no cut-off modification
    ReactionField,  // GROMACS Cut-off (k_rf = 0) and Reaction-Field
    EwaldReal       // PME/Ewald real space
};

struct CoulombConstants {
    CoulombKind kind = CoulombKind::Plain;
    double prefactor = units::kCoulombConstant; // ONE_4PI_EPS0 / epsilon_r
    double kRf = 0, cRf = 0;                    // reaction field
    double beta = 0;                            // Ewald splitting coefficient (1/nm)
    double ewaldShift = 0;                      // erfc(beta rc)/rc with potential-shift, else 0

    static CoulombConstants plain(double epsilonR)
    {
        CoulombConstants k;
        k.prefactor = epsilonR != 0 ? units::kCoulombConstant / epsilonR : 0.0;
        return k;
    }

    // GROMACS reaction field: k_rf = (eps_rf - eps_r) / ((2 eps_rf + eps_r) rc^3), or 1/(2 rc^3)
    // for eps_rf = 0 (conducting boundary); c_rf = 1/rc + k_rf rc^2.
    static CoulombConstants reactionField(double epsilonR, double epsilonRf, double rc)
    {
        CoulombConstants k = plain(epsilonR);
        k.kind = CoulombKind::ReactionField;
        const double rc3 = rc * rc * rc;
        k.kRf = epsilonRf == 0 ? 1.0 / (2.0 * rc3) : (epsilonRf - epsilonR) / ((2.0 * epsilonRf + epsilonR) * rc3);
        k.cRf = 1.0 / rc + k.kRf * rc * rc;
        return k;
    }

    // GROMACS coulombtype = Cut-off: the reaction-field kernel with k_rf = 0 and
    // c_rf = 1/rc (potential-shift) or 0 (no modifier).
    static CoulombConstants cutOff(double epsilonR, double rc, bool potentialShift)
    {
        CoulombConstants k = plain(epsilonR);
        k.kind = CoulombKind::ReactionField;
        k.kRf = 0;
        k.cRf = potentialShift ? 1.0 / rc : 0.0;
        return k;
    }

    static CoulombConstants ewaldReal(double epsilonR, double beta, double rc, bool potentialShift)
    {
        CoulombConstants k = plain(epsilonR);
        k.kind = CoulombKind::EwaldReal;
        k.beta = beta;
        k.ewaldShift = potentialShift ? std::erfc(beta * rc) / rc : 0.0;
        return k;
    }
};

inline constexpr double kTwoOverSqrtPi = 1.12837916709551257390; // 2/sqrt(pi)

// Non-excluded pair inside the cut-off; qq = q_i q_j (e^2).
inline PairResult coulombPair(double qq, double r2, const CoulombConstants& k)
{
    const double fqq = k.prefactor * qq;
    const double r = std::sqrt(r2);
    const double rinv = 1.0 / r;
    PairResult out;
    switch (k.kind) {
    case CoulombKind::Plain:
        out.energy = fqq * rinv;
        out.fOverR = fqq * rinv * rinv * rinv;
        break;
    case CoulombKind::ReactionField:
        out.energy = fqq * (rinv + k.kRf * r2 - k.cRf);
        out.fOverR = fqq * (rinv * rinv * rinv - 2.0 * k.kRf);
        break;
    case CoulombKind::EwaldReal: {
        const double br = k.beta * r;
        const double erfcTerm = std::erfc(br) * rinv;
        out.energy = fqq * (erfcTerm - k.ewaldShift);
        out.fOverR = fqq * (erfcTerm + k.beta * kTwoOverSqrtPi * std::exp(-br * br)) * rinv * rinv;
        break;
    }
    }
    return out;
}

// Excluded pair inside the cut-off: the non-1/r remainder GROMACS keeps for exclusions.
inline PairResult coulombExcludedPair(double qq, double r2, const CoulombConstants& k)
{
    const double fqq = k.prefactor * qq;
    PairResult out;
    switch (k.kind) {
    case CoulombKind::Plain:
        break;
    case CoulombKind::ReactionField:
        out.energy = fqq * (k.kRf * r2 - k.cRf);
        out.fOverR = -2.0 * fqq * k.kRf;
        break;
    case CoulombKind::EwaldReal: {
        // Remove the reciprocal-space interaction of the pair: -erf(beta r)/r.
        const double r = std::sqrt(r2);
        const double rinv = 1.0 / r;
        const double br = k.beta * r;
        const double erfTerm = std::erf(br) * rinv;
        out.energy = -fqq * erfTerm;
        out.fOverR = fqq * (k.beta * kTwoOverSqrtPi * std::exp(-br * br) - erfTerm) * rinv * rinv;
        break;
    }
    }
    return out;
}

// Self term of one atom with charge q: -1/2 f q^2 c_rf (reaction field) or -f q^2 beta/sqrt(pi)
// (Ewald), i.e. half the excluded-pair energy at r = 0.
inline double coulombSelfEnergy(double q, const CoulombConstants& k)
{
    const double fqq = k.prefactor * q * q;
    switch (k.kind) {
    case CoulombKind::Plain:
        return 0.0;
    case CoulombKind::ReactionField:
        return -0.5 * fqq * k.cRf;
    case CoulombKind::EwaldReal:
        return -0.5 * fqq * k.beta * kTwoOverSqrtPi;
    }
    return 0.0;
}

} // namespace proteinmd::nonbonded
