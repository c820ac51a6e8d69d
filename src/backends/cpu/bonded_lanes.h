#pragma once
// Per-lane arithmetic of the fast bonded loops (cpu_bonded_*.cpp): plain double expressions with no
// libm calls and no branches, so that GCC and Clang vectorise the `omp simd` loops that inline
// them. Private to the CPU backend.

#include <cmath>

#include "backends/cpu/cpu_bonded.h"
#include "core/inline_minimum_image.h"

namespace proteinmd::cpu_bonded {

// A displacement in lanes (a Vec3 the vectoriser can keep in registers).
struct D3 {
    double x, y, z;
};

inline D3 sub(const D3& a, const D3& b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
inline D3 scaled(const D3& a, double s) { return {a.x * s, a.y * s, a.z * s}; }
inline double dot3(const D3& a, const D3& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline D3 cross3(const D3& a, const D3& b)
{
    return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

inline D3 load(std::span<const Vec3> x, int atom)
{
    const Vec3& p = x[static_cast<std::size_t>(atom)];
    return {p.x, p.y, p.z};
}

// Minimum image x_a - x_b for a rectangular box (lengths 0 and inverses 0 where not periodic, so
// a non-periodic box needs no branch): d - L round(d / L), halfway cases away from zero as in
// Box::minimumImage. The inverse instead of a division changes results only for displacements
// within rounding of L/2, where either image is as near.
inline double wrap(double d, double length, double inverse)
{
    return d - length * detail::roundHalfAwayFromZero(d * inverse);
}

inline D3 displacement(std::span<const Vec3> x, int a, int b, const LaneBox& box)
{
    const D3 d = sub(load(x, a), load(x, b));
    return {wrap(d.x, box.lx, box.invLx), wrap(d.y, box.ly, box.invLy), wrap(d.z, box.lz, box.invLz)};
}

// atan2(y, x) for y >= 0 (an angle in [0, pi]) without libm: the ratio t = min/max of |x| and y
// lies in [0, 1]; above tan(pi/12) it is reduced with atan(t) = pi/6 + atan((sqrt3 t - 1)/(sqrt3 + t)),
// leaving |u| <= tan(pi/12) = 0.268, where the Taylor series to u^29 is exact to ~1e-19 relative
// (u^2 <= 0.072, next term u^31/31). Absolute error a few 1e-16 (the reduction's rounding).
inline double atan2NonNegative(double y, double x)
{
    constexpr double kPi = 3.14159265358979323846;
    constexpr double kSqrt3 = 1.73205080756887729353;
    constexpr double kTanPi12 = 0.26794919243112270647; // 2 - sqrt(3)
    const double ax = std::fabs(x);
    const bool swap = y > ax;
    const double num = swap ? ax : y;
    const double den = swap ? y : ax;
    const double t = num / (den > 0 ? den : 1.0); // atan2(0, 0) = 0 as in libm (for x = +0)
    const bool reduce = t > kTanPi12;
    const double u = reduce ? (kSqrt3 * t - 1.0) / (kSqrt3 + t) : t;
    const double u2 = u * u;
    // sum_{n=0}^{14} (-1)^n u^(2n+1) / (2n+1), Horner in u^2.
    double p = -1.0 / 29;
    p = p * u2 + 1.0 / 27;
    p = p * u2 - 1.0 / 25;
    p = p * u2 + 1.0 / 23;
    p = p * u2 - 1.0 / 21;
    p = p * u2 + 1.0 / 19;
    p = p * u2 - 1.0 / 17;
    p = p * u2 + 1.0 / 15;
    p = p * u2 - 1.0 / 13;
    p = p * u2 + 1.0 / 11;
    p = p * u2 - 1.0 / 9;
    p = p * u2 + 1.0 / 7;
    p = p * u2 - 1.0 / 5;
    p = p * u2 + 1.0 / 3;
    double a = u - u * u2 * p;
    a = reduce ? a + kPi / 6 : a;
    a = swap ? kPi / 2 - a : a;
    return x < 0 ? kPi - a : a;
}

// Sum of the virial contributions -1/2 r (x) f of the terms in a loop; an `omp simd` reduction.
struct VirialSum {
    double xx = 0, xy = 0, xz = 0, yx = 0, yy = 0, yz = 0, zx = 0, zy = 0, zz = 0;

    void add(const VirialSum& o)
    {
        xx += o.xx; xy += o.xy; xz += o.xz;
        yx += o.yx; yy += o.yy; yz += o.yz;
        zx += o.zx; zy += o.zy; zz += o.zz;
    }
    // -1/2 r (x) f
    void addOuter(const D3& r, const D3& f)
    {
        xx -= 0.5 * r.x * f.x; xy -= 0.5 * r.x * f.y; xz -= 0.5 * r.x * f.z;
        yx -= 0.5 * r.y * f.x; yy -= 0.5 * r.y * f.y; yz -= 0.5 * r.y * f.z;
        zx -= 0.5 * r.z * f.x; zy -= 0.5 * r.z * f.y; zz -= 0.5 * r.z * f.z;
    }
    void addTo(Matrix3& m) const
    {
        m[0] += Vec3{xx, xy, xz};
        m[1] += Vec3{yx, yy, yz};
        m[2] += Vec3{zx, zy, zz};
    }
};
#pragma omp declare reduction(+ : VirialSum : omp_out.add(omp_in)) initializer(omp_priv = VirialSum{})

// Raw pointers to the workspace's force components, taken before a loop so the vectoriser sees
// plain arrays. Slot s holds one atom's force: components 3s .. 3s + 2.
struct Slots {
    std::array<double*, 12> f{};

    explicit Slots(Workspace& w)
    {
        for (std::size_t c = 0; c < f.size(); ++c) {
            f[c] = w.f[c].data();
        }
    }
    void put(int slot, std::size_t t, const D3& v) const
    {
        f[static_cast<std::size_t>(3 * slot)][t] = v.x;
        f[static_cast<std::size_t>(3 * slot + 1)][t] = v.y;
        f[static_cast<std::size_t>(3 * slot + 2)][t] = v.z;
    }
    Vec3 get(int slot, std::size_t t) const
    {
        return Vec3{f[static_cast<std::size_t>(3 * slot)][t], f[static_cast<std::size_t>(3 * slot + 1)][t],
                    f[static_cast<std::size_t>(3 * slot + 2)][t]};
    }
};

} // namespace proteinmd::cpu_bonded
