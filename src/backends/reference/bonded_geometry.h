#pragma once
// Geometry of bonded interactions for the reference loops: minimum-image displacement vectors,
// angles, dihedral angles with GROMACS's conventions, and the distribution of a derivative
// dV/dangle into atomic forces and the virial. Private to the reference backend.
//
// Virial: every interaction adds -1/2 sum_k x_k (x) F_k over its own atoms, with the atoms placed
// at the minimum-image-consistent positions the displacement vectors define (relative to one of
// them: the sum of an interaction's forces is zero, so the origin does not matter).

#include <span>

#include "core/inline_minimum_image.h"
#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd::reference {

inline Matrix3 virialOf(const Vec3& r, const Vec3& f) { return outer(r, f) * -0.5; }

// Angle i-j-k: displacement vectors from the vertex j and the angle in [0, pi].
struct AngleGeometry {
    Vec3 rij;      // x_i - x_j (minimum image)
    Vec3 rkj;      // x_k - x_j (minimum image)
    Vec3 normal;   // rij x rkj
    double theta;  // radians
    double cosTheta;
};

inline AngleGeometry angleGeometry(const detail::InlineMinimumImage& image, const Vec3& xi, const Vec3& xj, const Vec3& xk)
{
    AngleGeometry g;
    g.rij = image(xi - xj);
    g.rkj = image(xk - xj);
    g.normal = cross(g.rij, g.rkj);
    // atan2 of |sin| and cos keeps full precision near 0 and 180 degrees, where acos does not.
    const double d = dot(g.rij, g.rkj);
    g.theta = std::atan2(norm(g.normal), d);
    g.cosTheta = d / std::sqrt(norm2(g.rij) * norm2(g.rkj));
    return g;
}

// Forces on i and k (j gets minus their sum) for a potential of theta with derivative dV/dtheta.
// dtheta/drij = (rij x n) / (|rij|^2 |n|) and dtheta/drkj = (n x rkj) / (|rkj|^2 |n|). At exactly
// 0 or 180 degrees the direction is undefined and, as in GROMACS, no force is applied.
inline bool angleForces(const AngleGeometry& g, double dVdTheta, Vec3& fi, Vec3& fk)
{
    const double n2 = norm2(g.normal);
    if (n2 == 0.0) {
        fi = Vec3{};
        fk = Vec3{};
        return false;
    }
    const double nInv = 1.0 / std::sqrt(n2);
    fi = cross(g.rij, g.normal) * (-dVdTheta * nInv / norm2(g.rij));
    fk = cross(g.normal, g.rkj) * (-dVdTheta * nInv / norm2(g.rkj));
    return true;
}

// Forces on i and k for a potential of cos(theta) with derivative dV/dcos; smooth at 180 degrees.
inline void cosAngleForces(const AngleGeometry& g, double dVdCos, Vec3& fi, Vec3& fk)
{
    const double rij2Inv = 1.0 / norm2(g.rij);
    const double rkj2Inv = 1.0 / norm2(g.rkj);
    const double rr = std::sqrt(rij2Inv * rkj2Inv);
    fi = (g.rkj * rr - g.rij * (g.cosTheta * rij2Inv)) * -dVdCos;
    fk = (g.rij * rr - g.rkj * (g.cosTheta * rkj2Inv)) * -dVdCos;
}

// Dihedral i-j-k-l with GROMACS's vectors (dih_angle) and the IUPAC sign: phi in (-pi, pi],
// phi = pi for trans, positive when, looking from j to k, i turns clockwise onto l.
struct DihedralGeometry {
    Vec3 rij; // x_i - x_j
    Vec3 rkj; // x_k - x_j
    Vec3 rkl; // x_k - x_l
    Vec3 m;   // rij x rkj
    Vec3 n;   // rkj x rkl
    double phi;
};

inline DihedralGeometry dihedralGeometry(const detail::InlineMinimumImage& image, const Vec3& xi, const Vec3& xj, const Vec3& xk,
                                         const Vec3& xl)
{
    DihedralGeometry g;
    g.rij = image(xi - xj);
    g.rkj = image(xk - xj);
    g.rkl = image(xk - xl);
    g.m = cross(g.rij, g.rkj);
    g.n = cross(g.rkj, g.rkl);
    // |m x n| = |rkj| |rij . n|, so this is GROMACS's angle(m, n) with the sign of rij . n.
    g.phi = std::atan2(norm(g.rkj) * dot(g.rij, g.n), dot(g.m, g.n));
    return g;
}

// Forces on i, j, k, l for a potential of phi with derivative dV/dphi (the Blondel-Karplus form
// GROMACS's do_dih_fup uses; stable at all angles). Skipped, as in GROMACS, when three atoms are
// collinear and phi is undefined. Adds to forces and virial.
inline void addDihedralForces(const DihedralGeometry& g, double dVdPhi, int i, int j, int k, int l,
                              std::span<Vec3> forces, Matrix3& virial)
{
    const double m2 = norm2(g.m);
    const double n2 = norm2(g.n);
    const double rkj2 = norm2(g.rkj);
    const double tolerance = rkj2 * 2.2e-16;
    if (!(m2 > tolerance && n2 > tolerance)) {
        return;
    }
    const double rkjNorm = std::sqrt(rkj2);
    const Vec3 fi = g.m * (-dVdPhi * rkjNorm / m2);
    const Vec3 fl = g.n * (dVdPhi * rkjNorm / n2);
    const double p = dot(g.rij, g.rkj) / rkj2;
    const double q = dot(g.rkl, g.rkj) / rkj2;
    const Vec3 s = fi * p - fl * q;
    const Vec3 fj = s - fi;   // -(fi - s)
    const Vec3 fk = -fl - s;
    forces[static_cast<std::size_t>(i)] += fi;
    forces[static_cast<std::size_t>(j)] += fj;
    forces[static_cast<std::size_t>(k)] += fk;
    forces[static_cast<std::size_t>(l)] += fl;
    // Positions relative to j: x_i = rij, x_k = rkj, x_l = rkj - rkl.
    virial += virialOf(g.rij, fi) + virialOf(g.rkj, fk) + virialOf(g.rkj - g.rkl, fl);
}

} // namespace proteinmd::reference
