#pragma once
// The SETTLE position solution of one water, written without branches, calls or exceptions so that
// a loop over a batch of waters (one per SIMD lane) vectorises. Settle::constrainBlock gathers the
// waters' vectors into structure-of-arrays batches, runs this per lane and scatters the
// displacements; problems come back as flags the caller turns into a ConstraintError.
//
// The geometry (Miyamoto & Kollman 1992): the corrected positions keep the component normal to the
// old molecular plane and the centre of mass of the unconstrained positions; the in-plane rotation
// is fixed by requiring the constraint forces (along the old bonds) to exert no torque.

#include <cmath>

#include "proteinmd/core/vec3.h"

namespace proteinmd::detail {

// Flags summed into SettleLaneResult::problems (a double, because integer or nested selects stop
// GCC from vectorising the lane loop).
inline constexpr double kSettleDegenerate = 1;   // collinear atoms in the old geometry
inline constexpr double kSettlePhiOutOfRange = 2; // moved or rotated too far: |sin phi| >= 1
inline constexpr double kSettlePsiOutOfRange = 4; // moved or rotated too far: |sin psi| >= 1
inline constexpr double kSettleNoRotation = 8;    // no in-plane rotation satisfies the constraints

// Parameters of one water: hydrogen mass, total mass, and the canonical triangle (COM to O, COM to
// the H-H midline, half the H-H distance).
struct SettleLaneParameters {
    double massH, totalMass, ra, rb, rc;
};

struct SettleLaneResult {
    Vec3 dO, dH1, dH2;     // displacements of O, H1, H2
    double sinPhi, sinPsi; // for the error message
    double problems;       // sum of the kSettle* flags; 0 when the water was solved
};

// b0, c0: old O->H1, O->H2 vectors; newB, newC: unconstrained O->H1, O->H2 (all minimum image).
[[gnu::always_inline]] inline SettleLaneResult settleLane(const Vec3& b0, const Vec3& c0, const Vec3& newB,
                                                          const Vec3& newC, const SettleLaneParameters& w)
{
    SettleLaneResult out{};
    const Vec3 com = (w.massH * newB + w.massH * newC) / w.totalMass;
    const Vec3 a1 = -com, b1 = newB - com, c1 = newC - com;
    // Frame: z normal to the old plane, x perpendicular to z and to the new O (so a1 is in y-z).
    const Vec3 normal = cross(b0, c0);
    const Vec3 xAxis0 = cross(a1, normal);
    const double normal2 = norm2(normal), xAxis2 = norm2(xAxis0);
    const bool degenerate = !(normal2 > 0) | !(xAxis2 > 0);
    // A failing lane computes with harmless values (clamped square roots, safe divisors) and is
    // reported through `problems`; nothing here may branch, or the lane loop does not vectorise.
    const Vec3 ez = normal / std::sqrt(degenerate ? 1.0 : normal2);
    const Vec3 ex = xAxis0 / std::sqrt(degenerate ? 1.0 : xAxis2);
    const Vec3 ey = cross(ez, ex);
    auto local = [&](const Vec3& v) { return Vec3{dot(ex, v), dot(ey, v), dot(ez, v)}; };
    const Vec3 b0d = local(b0), c0d = local(c0);
    const Vec3 a1d = local(a1), b1d = local(b1), c1d = local(c1);
    const double sinPhi = a1d.z / w.ra;
    const double cos2Phi = 1 - sinPhi * sinPhi;
    const bool phiOk = cos2Phi > 0;
    const double cosPhi = std::sqrt(phiOk ? cos2Phi : 1.0);
    const double sinPsiRaw = (b1d.z - c1d.z) / (2 * w.rc * cosPhi);
    const double sinPsi = phiOk ? sinPsiRaw : 2.0;
    const bool psiOk = std::abs(sinPsi) < 1;
    const double cosPsi = std::sqrt(psiOk ? 1 - sinPsi * sinPsi : 1.0);
    // Canonical triangle after the phi and psi rotations (x, y parts; z parts equal a1d/b1d/c1d).
    const double ya2 = w.ra * cosPhi;
    const double xb2 = -w.rc * cosPsi;
    const double yb2 = -w.rb * cosPhi - w.rc * sinPsi * sinPhi;
    const double yc2 = -w.rb * cosPhi + w.rc * sinPsi * sinPhi;
    // In-plane rotation theta: zero torque of the constraint forces about the normal,
    // alpha sin(theta) + beta cos(theta) = gamma.
    const double alpha = xb2 * (b0d.x - c0d.x) + b0d.y * yb2 + c0d.y * yc2;
    const double beta = xb2 * (c0d.y - b0d.y) + b0d.x * yb2 + c0d.x * yc2;
    const double gamma = b0d.x * b1d.y - b1d.x * b0d.y + c0d.x * c1d.y - c1d.x * c0d.y;
    const double ab2 = alpha * alpha + beta * beta;
    const double disc = ab2 - gamma * gamma;
    const bool rotationOk = (disc >= 0) & (ab2 > 0);
    const double sinTheta = (alpha * gamma - beta * std::sqrt(rotationOk ? disc : 0.0)) / (rotationOk ? ab2 : 1.0);
    const double cosTheta = std::sqrt(rotationOk ? 1 - sinTheta * sinTheta : 1.0);
    const Vec3 a3d{-ya2 * sinTheta, ya2 * cosTheta, a1d.z};
    const Vec3 b3d{xb2 * cosTheta - yb2 * sinTheta, xb2 * sinTheta + yb2 * cosTheta, b1d.z};
    const Vec3 c3d{-xb2 * cosTheta - yc2 * sinTheta, -xb2 * sinTheta + yc2 * cosTheta, c1d.z};
    auto global = [&](const Vec3& v) { return v.x * ex + v.y * ey + v.z * ez; };
    out.dO = global(a3d) - a1;
    out.dH1 = global(b3d) - b1;
    out.dH2 = global(c3d) - c1;
    out.sinPhi = sinPhi;
    out.sinPsi = sinPsi;
    out.problems = (degenerate ? kSettleDegenerate : 0.0) + (phiOk ? 0.0 : kSettlePhiOutOfRange) +
                   (psiOk ? 0.0 : kSettlePsiOutOfRange) +
                   (rotationOk ? 0.0 : kSettleNoRotation);
    return out;
}

} // namespace proteinmd::detail
