#pragma once
// Small fixed-size vector and 3x3 matrix types used everywhere in the engine.
// Positions are nm, velocities nm/ps, forces kJ/mol/nm (GROMACS/OpenMM units).

#include <array>
#include <cmath>

namespace proteinmd {

template <typename T>
struct BasicVec3 {
    T x{}, y{}, z{};

    constexpr BasicVec3() = default;
    constexpr BasicVec3(T xIn, T yIn, T zIn) : x(xIn), y(yIn), z(zIn) {}

    constexpr T& operator[](int d) { return d == 0 ? x : (d == 1 ? y : z); }
    constexpr const T& operator[](int d) const { return d == 0 ? x : (d == 1 ? y : z); }

    constexpr BasicVec3& operator+=(const BasicVec3& o) { x += o.x; y += o.y; z += o.z; return *this; }
    constexpr BasicVec3& operator-=(const BasicVec3& o) { x -= o.x; y -= o.y; z -= o.z; return *this; }
    constexpr BasicVec3& operator*=(T s) { x *= s; y *= s; z *= s; return *this; }
    constexpr BasicVec3& operator/=(T s) { x /= s; y /= s; z /= s; return *this; }

    friend constexpr BasicVec3 operator+(BasicVec3 a, const BasicVec3& b) { return a += b; }
    friend constexpr BasicVec3 operator-(BasicVec3 a, const BasicVec3& b) { return a -= b; }
    friend constexpr BasicVec3 operator-(const BasicVec3& a) { return {-a.x, -a.y, -a.z}; }
    friend constexpr BasicVec3 operator*(BasicVec3 a, T s) { return a *= s; }
    friend constexpr BasicVec3 operator*(T s, BasicVec3 a) { return a *= s; }
    friend constexpr BasicVec3 operator/(BasicVec3 a, T s) { return a /= s; }
    friend constexpr bool operator==(const BasicVec3&, const BasicVec3&) = default;
};

using Vec3 = BasicVec3<double>;
using Vec3f = BasicVec3<float>;

template <typename T>
constexpr T dot(const BasicVec3<T>& a, const BasicVec3<T>& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }

template <typename T>
constexpr BasicVec3<T> cross(const BasicVec3<T>& a, const BasicVec3<T>& b)
{
    return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

template <typename T>
constexpr T norm2(const BasicVec3<T>& a) { return dot(a, a); }

template <typename T>
inline T norm(const BasicVec3<T>& a) { return std::sqrt(norm2(a)); }

// Row-major 3x3 matrix; rows are used for box vectors and for virial/pressure tensors.
struct Matrix3 {
    std::array<Vec3, 3> rows{};

    constexpr Vec3& operator[](int r) { return rows[static_cast<std::size_t>(r)]; }
    constexpr const Vec3& operator[](int r) const { return rows[static_cast<std::size_t>(r)]; }

    constexpr Matrix3& operator+=(const Matrix3& o)
    {
        for (int r = 0; r < 3; ++r) { (*this)[r] += o[r]; }
        return *this;
    }
    constexpr Matrix3& operator*=(double s)
    {
        for (int r = 0; r < 3; ++r) { (*this)[r] *= s; }
        return *this;
    }
    friend constexpr Matrix3 operator+(Matrix3 a, const Matrix3& b) { return a += b; }
    friend constexpr Matrix3 operator*(Matrix3 a, double s) { return a *= s; }
    constexpr double trace() const { return rows[0].x + rows[1].y + rows[2].z; }
};

// Outer product a (x) b: element [r][c] = a[r] * b[c].
constexpr Matrix3 outer(const Vec3& a, const Vec3& b)
{
    return Matrix3{{Vec3{a.x * b.x, a.x * b.y, a.x * b.z}, Vec3{a.y * b.x, a.y * b.y, a.y * b.z},
                    Vec3{a.z * b.x, a.z * b.y, a.z * b.z}}};
}

} // namespace proteinmd
