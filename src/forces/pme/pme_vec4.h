#pragma once
// Four grid values in a row (order-4 PME: the B-spline support along z) as one vector register,
// via the GCC/Clang vector extension: SSE for float, AVX (or two SSE halves) for double, plain
// scalar code on other targets. The compiler does not find these vectors on its own in the
// spreading and gathering loops (it cannot rule out that grid and weights overlap), so the kernels
// spell them out.

#include <cstring>

// Without AVX, GCC and clang warn at every use that returning a 32-byte vector changes the ABI (-Wpsabi).
// These vectors never cross a function boundary outside the PME source files (all compiled with the
// same flags), so the warning does not apply; it is silenced for the rest of the including file,
// which is only ever a PME .cpp file.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace proteinmd::pme {

// (GCC ignores vector_size on a dependent type, hence one typedef per precision.)
typedef float Float4 __attribute__((vector_size(16)));
typedef double Double4 __attribute__((vector_size(32)));

template <typename Real>
struct Vec4Of;
template <>
struct Vec4Of<float> {
    using type = Float4;
};
template <>
struct Vec4Of<double> {
    using type = Double4;
};
template <typename Real>
using Vec4 = typename Vec4Of<Real>::type;

template <typename Real>
inline Vec4<Real> load4(const Real* p)
{
    Vec4<Real> v;
    std::memcpy(&v, p, sizeof(v)); // unaligned load
    return v;
}

inline void store4(float* p, Float4 v) { std::memcpy(p, &v, sizeof(v)); }
inline void store4(double* p, Double4 v) { std::memcpy(p, &v, sizeof(v)); }

// Sum of the four lanes, always in the same order ((0 + 1) + (2 + 3)).
inline float sum4(Float4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }
inline double sum4(Double4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }

} // namespace proteinmd::pme
