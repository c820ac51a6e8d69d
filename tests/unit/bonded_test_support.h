#pragma once
// Helpers shared by the bonded-force tests: geometry construction, evaluation through the public
// API, central finite differences (with Richardson extrapolation) and virial references.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

#include "proteinmd/backends/reference_bonded.h"
#include "proteinmd/core/units.h"

namespace proteinmd::test {

inline double deg(double degrees) { return degrees * units::kDegToRad; }

// Atom d such that |cd| = bond, angle(b, c, d) = angle and dihedral(a, b, c, d) = dihedral
// (degrees, IUPAC sign), built in the frame of a, b, c.
inline Vec3 placeAtom(const Vec3& a, const Vec3& b, const Vec3& c, double bond, double angleDeg, double dihedralDeg)
{
    const Vec3 bc = (c - b) / norm(c - b);
    Vec3 n = cross(b - a, bc);
    n = n / norm(n);
    const Vec3 m = cross(n, bc);
    const double theta = deg(angleDeg);
    const double phi = deg(dihedralDeg);
    return c + bc * (-bond * std::cos(theta)) + m * (bond * std::sin(theta) * std::cos(phi)) +
           n * (bond * std::sin(theta) * std::sin(phi));
}

// A chain of atoms: bonds (nm), angles and dihedrals (degrees) of consecutive atoms.
inline std::vector<Vec3> buildChain(const std::vector<double>& bonds, const std::vector<double>& angles,
                                    const std::vector<double>& dihedrals, const Vec3& origin = {})
{
    std::vector<Vec3> x{origin, origin + Vec3{bonds.at(0), 0, 0}};
    const double t = deg(angles.at(0));
    x.push_back(x[1] + Vec3{-bonds.at(1) * std::cos(t), bonds.at(1) * std::sin(t), 0.0});
    for (std::size_t i = 0; i < dihedrals.size(); ++i) {
        x.push_back(placeAtom(x[i], x[i + 1], x[i + 2], bonds.at(i + 2), angles.at(i + 1), dihedrals[i]));
    }
    return x;
}

// Through the convenience overload (CMAP tables built on every call).
inline ForceOutput evaluate(const BondedTerms& terms, std::span<const Vec3> x, const Box& box, double epsR = 1.0)
{
    ForceOutput out;
    out.reset(static_cast<int>(x.size()));
    addBondedForcesReference(terms, epsR, x, box, out);
    return out;
}

// Through the overload with prepared CMAP tables.
inline ForceOutput evaluate(const BondedTerms& terms, std::span<const CmapTable> tables, std::span<const Vec3> x,
                            const Box& box)
{
    ForceOutput out;
    out.reset(static_cast<int>(x.size()));
    addBondedForcesReference(terms, tables, 1.0, x, box, out);
    return out;
}

// -dE/dx by central differences, Richardson-extrapolated: (4 D(h/2) - D(h)) / 3.
inline std::vector<Vec3> numericalForces(const BondedTerms& terms, std::vector<Vec3> x, const Box& box,
                                         double h = 1e-5)
{
    const std::vector<CmapTable> tables = makeCmapTables(terms.cmapGrids);
    std::vector<Vec3> f(x.size());
    const auto central = [&](std::size_t a, int d, double step) {
        const double x0 = x[a][d];
        x[a][d] = x0 + step;
        const double ep = evaluate(terms, tables, x, box).energies.total();
        x[a][d] = x0 - step;
        const double em = evaluate(terms, tables, x, box).energies.total();
        x[a][d] = x0;
        return (ep - em) / (2 * step);
    };
    for (std::size_t a = 0; a < x.size(); ++a) {
        for (int d = 0; d < 3; ++d) {
            f[a][d] = -(4.0 * central(a, d, 0.5 * h) - central(a, d, h)) / 3.0;
        }
    }
    return f;
}

// Analytic forces equal -grad E within relTol of each component, with a floor of 1e-2 of the
// largest force component so that near-zero components are not held to a relative test.
inline void expectForcesMatchNumerical(const BondedTerms& terms, const std::vector<Vec3>& x, const Box& box,
                                       double h = 1e-5, double relTol = 1e-6)
{
    const ForceOutput out = evaluate(terms, makeCmapTables(terms.cmapGrids), x, box);
    const std::vector<Vec3> num = numericalForces(terms, x, box, h);
    double fmax = 0;
    for (const Vec3& f : num) {
        fmax = std::max({fmax, std::abs(f.x), std::abs(f.y), std::abs(f.z)});
    }
    for (std::size_t a = 0; a < x.size(); ++a) {
        for (int d = 0; d < 3; ++d) {
            const double tol = relTol * std::max(std::abs(num[a][d]), 1e-2 * fmax) + 1e-10;
            EXPECT_NEAR(out.forces[a][d], num[a][d], tol) << "atom " << a << " dim " << d;
        }
    }
}

// -1/2 sum_i x_i (x) F_i for a cluster given with unwrapped positions.
inline Matrix3 clusterVirial(std::span<const Vec3> x, std::span<const Vec3> f)
{
    Matrix3 w{};
    for (std::size_t a = 0; a < x.size(); ++a) {
        w += outer(x[a], f[a]) * -0.5;
    }
    return w;
}

inline void expectMatrixNear(const Matrix3& a, const Matrix3& b, double tol)
{
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            EXPECT_NEAR(a[r][c], b[r][c], tol) << "element [" << r << "][" << c << "]";
        }
    }
}

// The periodic boxes the tests use: a rectangular one and a rhombic dodecahedron (xy-square).
inline Box rectangularTestBox() { return Box::rectangular(2.1, 2.3, 2.5); }
inline Box triclinicTestBox()
{
    const double d = 2.4;
    return Box::triclinic({d, 0, 0}, {0, d, 0}, {0.5 * d, 0.5 * d, d * std::sqrt(0.5)});
}

// The cluster moved so that it straddles the cell's corner (the origin), unwrapped...
inline std::vector<Vec3> shiftedToCorner(std::span<const Vec3> cluster)
{
    Vec3 centre{};
    for (const Vec3& x : cluster) {
        centre += x;
    }
    centre /= static_cast<double>(cluster.size());
    std::vector<Vec3> out;
    for (const Vec3& x : cluster) {
        out.push_back(x - centre + Vec3{0.01, -0.02, 0.03});
    }
    return out;
}

// ...and with every atom wrapped into the unit cell, so that the interactions only make sense
// through periodic images.
inline std::vector<Vec3> wrappedAcrossCorner(const Box& box, std::span<const Vec3> cluster)
{
    std::vector<Vec3> out = shiftedToCorner(cluster);
    for (Vec3& x : out) {
        x = box.wrapIntoCell(x);
    }
    return out;
}

} // namespace proteinmd::test
