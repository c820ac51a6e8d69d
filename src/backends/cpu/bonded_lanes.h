#pragma once
// Per-lane arithmetic of the fast bonded loops (cpu_bonded_*.cpp): plain double expressions with no
// libm calls and no branches, so that GCC and Clang vectorise the `omp simd` loops that inline
// them. Private to the CPU backend.

#include <array>
#include <cmath>
#include <span>

#include "backends/cpu/cpu_bonded.h"

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

// Minimum image x_a - x_b, reduced along c, then b, then a as Box::minimumImage does (box vectors
// and inverse lengths 0 where not periodic, so a non-periodic box needs no branch; the tilts bx, cx,
// cy are 0 in a rectangular box). In a box in GROMACS's reduced form this is the shortest image of
// every displacement shorter than maxCutoff, which bonded ones are. The nearest integer comes from
// adding and subtracting 1.5 * 2^52 (exact for |d / L| < 2^51), which vectorises; std::round and
// std::trunc are libm calls GCC does not vectorise. Halfway cases round to even, and the inverse
// replaces a division: both change results only for displacements within rounding of L/2, where
// either image is as near.
inline double nearestInteger(double v)
{
    constexpr double kRoundingShift = 6755399441055744.0; // 1.5 * 2^52
    return (v + kRoundingShift) - kRoundingShift;
}

inline D3 displacement(const D3& a, const D3& b, const LaneBox& box)
{
    D3 d = sub(a, b);
    const double nc = nearestInteger(d.z * box.invLz);
    d.x -= nc * box.cx;
    d.y -= nc * box.cy;
    d.z -= nc * box.lz;
    const double nb = nearestInteger(d.y * box.invLy);
    d.x -= nb * box.bx;
    d.y -= nb * box.ly;
    d.x -= nearestInteger(d.x * box.invLx) * box.lx;
    return d;
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

// The virial contributions -1/2 r (x) f of one term. The loops sum them in nine scalar `omp simd`
// reductions (PROTEINMD_BONDED_VIRIAL_*): a reduction over a struct would be privatised as an
// array of structs, which GCC does not vectorise.
struct VirialSum {
    double xx = 0, xy = 0, xz = 0, yx = 0, yy = 0, yz = 0, zx = 0, zy = 0, zz = 0;

    void add(const VirialSum& o)
    {
        xx += o.xx; xy += o.xy; xz += o.xz;
        yx += o.yx; yy += o.yy; yz += o.yz;
        zx += o.zx; zy += o.zy; zz += o.zz;
    }
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

// What a vector loop sums: its energy (two for 1-4 pairs: LJ and Coulomb) and virial.
struct LaneSums {
    double energy = 0;
    double energy2 = 0;
    VirialSum virial;
};

// OpenMP directives are macro-expanded, so the reduction list is written once here.
#define PROTEINMD_BONDED_VIRIAL_DECLARE double vxx = 0, vxy = 0, vxz = 0, vyx = 0, vyy = 0, vyz = 0, vzx = 0, vzy = 0, vzz = 0
#define PROTEINMD_BONDED_VIRIAL_VARS vxx, vxy, vxz, vyx, vyy, vyz, vzx, vzy, vzz
#define PROTEINMD_BONDED_VIRIAL_ADD(w)                                                                               \
    vxx += (w).xx; vxy += (w).xy; vxz += (w).xz; vyx += (w).yx; vyy += (w).yy; vyz += (w).yz; vzx += (w).zx;           \
    vzy += (w).zy; vzz += (w).zz
#define PROTEINMD_BONDED_VIRIAL_RESULT VirialSum{vxx, vxy, vxz, vyx, vyy, vyz, vzx, vzy, vzz}

// The positions of a table's atoms copied into the workspace in term order (a scalar loop), so the
// vector loop reads contiguous arrays instead of gathering (which GCC does not do for 4-lane doubles
// on Intel, and which would keep the whole loop scalar). Component c (3 atom + xyz) of term t at
// base[c * stride + t]: a base pointer and a stride, two scalars, keep the loop vectorisable (an
// array of pointers would be reloaded in every iteration, which GCC does not vectorise).
template <std::size_t Atoms>
struct Gathered {
    const double* base;
    std::size_t stride;

    Gathered(std::span<const Vec3> x, const std::array<const int*, Atoms>& atoms, std::size_t n, Workspace& w)
        : base(w.positions()), stride(w.stride)
    {
        double* p = w.positions();
        for (std::size_t a = 0; a < Atoms; ++a) {
            double* px = p + 3 * a * stride;
            double* py = px + stride;
            double* pz = py + stride;
            const int* index = atoms[a];
            for (std::size_t t = 0; t < n; ++t) {
                const Vec3& v = x[static_cast<std::size_t>(index[t])];
                px[t] = v.x;
                py[t] = v.y;
                pz[t] = v.z;
            }
        }
    }
    D3 operator()(std::size_t atom, std::size_t t) const
    {
        const double* p = base + 3 * atom * stride + t;
        return {p[0], p[stride], p[2 * stride]};
    }
};

// The per-term forces in the workspace: slot s (an atom of the term), component xyz, term t at
// base[(3 s + xyz) * stride + t].
struct Slots {
    double* base;
    std::size_t stride;

    explicit Slots(Workspace& w) : base(w.forces()), stride(w.stride) {}
    void put(int slot, std::size_t t, const D3& v) const
    {
        double* p = base + 3 * static_cast<std::size_t>(slot) * stride + t;
        p[0] = v.x;
        p[stride] = v.y;
        p[2 * stride] = v.z;
    }
    Vec3 get(int slot, std::size_t t) const
    {
        const double* p = base + 3 * static_cast<std::size_t>(slot) * stride + t;
        return Vec3{p[0], p[stride], p[2 * stride]};
    }
};

} // namespace proteinmd::cpu_bonded
