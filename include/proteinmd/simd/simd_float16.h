#pragma once
// A thin 16-lane single-precision SIMD layer, so the non-bonded kernels are written once: AVX-512
// (__m512, chosen when the compiler targets AVX-512F) or a plain-array scalar fallback with the
// same semantics. Only the operations the kernels need are here. Lane layout used by the cluster
// kernels: lane l = 4 * i + j pairs i-atom i with j-atom j of a 4x4 cluster pair.

#include <cmath>
#include <cstdint>

#if defined(__AVX512F__)
// GCC 12 reports its own _mm512_undefined_*() placeholders inside the intrinsics as
// "(maybe) uninitialized" once they are inlined. The warning is located in the intrinsics' headers,
// so it is silenced for their text only; our own code keeps the warning.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#define PROTEINMD_SIMD_AVX512 1
#else
#include <array>
#define PROTEINMD_SIMD_AVX512 0
#endif

namespace proteinmd::simd {

inline constexpr int kWidth = 16;

#if PROTEINMD_SIMD_AVX512

struct Float16 {
    __m512 v;
};
struct Int16 {
    __m512i v;
};
struct Mask16 {
    __mmask16 m;
};

inline Float16 set1(float x) { return {_mm512_set1_ps(x)}; }
inline Float16 zero() { return {_mm512_setzero_ps()}; }
inline Float16 load(const float* p) { return {_mm512_loadu_ps(p)}; }
inline void store(float* p, Float16 a) { _mm512_storeu_ps(p, a.v); }
// p[0..3] repeated four times: the j-atoms of a 4x4 cluster pair.
inline Float16 loadRepeat4(const float* p) { return {_mm512_broadcast_f32x4(_mm_loadu_ps(p))}; }
// Four rows of four floats (e.g. PME grid rows) as lanes 4 b + c = row_b[c], and back.
inline Float16 loadRows4(const float* row0, const float* row1, const float* row2, const float* row3)
{
    const __m512 low = _mm512_castps128_ps512(_mm_loadu_ps(row0));
    const __m512 two = _mm512_insertf32x4(_mm512_insertf32x4(low, _mm_loadu_ps(row1), 1), _mm_loadu_ps(row2), 2);
    return {_mm512_insertf32x4(two, _mm_loadu_ps(row3), 3)};
}
inline void storeRows4(Float16 a, float* row0, float* row1, float* row2, float* row3)
{
    _mm_storeu_ps(row0, _mm512_castps512_ps128(a.v));
    _mm_storeu_ps(row1, _mm512_extractf32x4_ps(a.v, 1));
    _mm_storeu_ps(row2, _mm512_extractf32x4_ps(a.v, 2));
    _mm_storeu_ps(row3, _mm512_extractf32x4_ps(a.v, 3));
}
// out[4 l + j] = r_j[l] for the 16 lanes l: four lane-major rows to 16 records of four (a 4 x 16
// transpose, e.g. B-spline weights per atom), stored as 64 floats.
inline void storeInterleaved4(Float16 r0, Float16 r1, Float16 r2, Float16 r3, float* out)
{
    // Within each 128-bit block k: u_i holds record 4 k + i.
    const __m512 t0 = _mm512_unpacklo_ps(r0.v, r1.v), t1 = _mm512_unpackhi_ps(r0.v, r1.v);
    const __m512 t2 = _mm512_unpacklo_ps(r2.v, r3.v), t3 = _mm512_unpackhi_ps(r2.v, r3.v);
    const __m512 u0 = _mm512_shuffle_ps(t0, t2, 0x44), u1 = _mm512_shuffle_ps(t0, t2, 0xEE);
    const __m512 u2 = _mm512_shuffle_ps(t1, t3, 0x44), u3 = _mm512_shuffle_ps(t1, t3, 0xEE);
    // Then a 4 x 4 transpose of the blocks: output vector k = block k of u0, u1, u2, u3.
    const __m512 v0 = _mm512_shuffle_f32x4(u0, u1, _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 v1 = _mm512_shuffle_f32x4(u2, u3, _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 v2 = _mm512_shuffle_f32x4(u0, u1, _MM_SHUFFLE(3, 2, 3, 2));
    const __m512 v3 = _mm512_shuffle_f32x4(u2, u3, _MM_SHUFFLE(3, 2, 3, 2));
    _mm512_storeu_ps(out, _mm512_shuffle_f32x4(v0, v1, _MM_SHUFFLE(2, 0, 2, 0)));
    _mm512_storeu_ps(out + 16, _mm512_shuffle_f32x4(v0, v1, _MM_SHUFFLE(3, 1, 3, 1)));
    _mm512_storeu_ps(out + 32, _mm512_shuffle_f32x4(v2, v3, _MM_SHUFFLE(2, 0, 2, 0)));
    _mm512_storeu_ps(out + 48, _mm512_shuffle_f32x4(v2, v3, _MM_SHUFFLE(3, 1, 3, 1)));
}
inline Int16 loadRepeat4(const std::int32_t* p)
{
    return {_mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))};
}
inline Int16 loadInt(const std::int32_t* p) { return {_mm512_loadu_si512(p)}; }
// p[a] in lanes 4 a .. 4 a + 3: the i-atoms of a 4x4 cluster pair (a broadcast and one permute,
// rather than 16 scalar stores read back as one vector, which defeats store forwarding).
inline Float16 loadEach4(const float* p)
{
    const __m512i index = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    return {_mm512_permutexvar_ps(index, _mm512_broadcast_f32x4(_mm_loadu_ps(p)))};
}
inline Int16 loadEach4(const std::int32_t* p)
{
    const __m512i index = _mm512_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
    return {_mm512_permutexvar_epi32(index, _mm512_broadcast_i32x4(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))))};
}
inline Int16 operator+(Int16 a, Int16 b) { return {_mm512_add_epi32(a.v, b.v)}; }
inline Float16 gather(const float* base, Int16 index) { return {_mm512_i32gather_ps(index.v, base, 4)}; }

inline Float16 operator+(Float16 a, Float16 b) { return {_mm512_add_ps(a.v, b.v)}; }
inline Float16 operator-(Float16 a, Float16 b) { return {_mm512_sub_ps(a.v, b.v)}; }
inline Float16 operator*(Float16 a, Float16 b) { return {_mm512_mul_ps(a.v, b.v)}; }
inline Float16 fma(Float16 a, Float16 b, Float16 c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }  // a b + c
inline Float16 fnma(Float16 a, Float16 b, Float16 c) { return {_mm512_fnmadd_ps(a.v, b.v, c.v)}; } // c - a b
inline Float16 fms(Float16 a, Float16 b, Float16 c) { return {_mm512_fmsub_ps(a.v, b.v, c.v)}; }   // a b - c
inline Float16 max(Float16 a, Float16 b) { return {_mm512_max_ps(a.v, b.v)}; }

// 1/sqrt(x) to ~1e-7 relative: the 14-bit estimate refined by one Newton-Raphson step,
// y (3 - x y^2) / 2 in four operations (the step's x y^2 as one multiply and one fnma).
inline Float16 invsqrt(Float16 x)
{
    const __m512 y = _mm512_rsqrt14_ps(x.v);
    const __m512 threeMinusXy2 = _mm512_fnmadd_ps(_mm512_mul_ps(x.v, y), y, _mm512_set1_ps(3.0f));
    return {_mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), y), threeMinusXy2)};
}
// 1/x to ~1e-7 relative: the 14-bit estimate refined by one Newton-Raphson step (no division).
inline Float16 reciprocal(Float16 x)
{
    const __m512 y = _mm512_rcp14_ps(x.v);
    return {_mm512_mul_ps(y, _mm512_fnmadd_ps(x.v, y, _mm512_set1_ps(2.0f)))};
}

inline Mask16 maskFromBits(std::uint32_t bits) { return {static_cast<__mmask16>(bits)}; }
inline Mask16 operator<(Float16 a, Float16 b) { return {_mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ)}; }
inline Mask16 operator&&(Mask16 a, Mask16 b) { return {static_cast<__mmask16>(a.m & b.m)}; }
inline Mask16 operator||(Mask16 a, Mask16 b) { return {static_cast<__mmask16>(a.m | b.m)}; }
inline bool anyTrue(Mask16 a) { return a.m != 0; }
inline std::uint32_t toBits(Mask16 a) { return a.m; }
// a where the mask is set, 0 elsewhere.
inline Float16 selectOrZero(Mask16 m, Float16 a) { return {_mm512_maskz_mov_ps(m.m, a.v)}; }
// a where the mask is set, b elsewhere.
inline Float16 blend(Mask16 m, Float16 a, Float16 b) { return {_mm512_mask_blend_ps(m.m, b.v, a.v)}; }
// sum + a where the mask is set, sum elsewhere: one masked add instead of a select and an add.
inline Float16 addMasked(Float16 sum, Mask16 m, Float16 a) { return {_mm512_mask_add_ps(sum.v, m.m, sum.v, a.v)}; }

inline float reduceAdd(Float16 a) { return _mm512_reduce_add_ps(a.v); }

// [sx sy sz sz] with s_c[k] = sum over the four 4-lane blocks b of f_c[4 b + k], summed as
// (b0 + b2) + (b1 + b3): the forces on the 4 j-atoms of a 4x4 cluster pair (lanes 4 a + k) as
// xxxx yyyy zzzz (+ z again). Five 128-bit-block shuffles and three adds, all full width.
inline Float16 sumOverBlocks(Float16 fx, Float16 fy, Float16 fz)
{
    // [x0 x1 y0 y1] + [x2 x3 y2 y3] = [x02 x13 y02 y13]; fz + [z2 z3 z0 z1] = [z02 z13 z02 z13].
    const __m512 xy = _mm512_add_ps(_mm512_shuffle_f32x4(fx.v, fy.v, _MM_SHUFFLE(1, 0, 1, 0)),
                                    _mm512_shuffle_f32x4(fx.v, fy.v, _MM_SHUFFLE(3, 2, 3, 2)));
    const __m512 z = _mm512_add_ps(fz.v, _mm512_shuffle_f32x4(fz.v, fz.v, _MM_SHUFFLE(1, 0, 3, 2)));
    // [x02 y02 z02 z02] + [x13 y13 z13 z13].
    return {_mm512_add_ps(_mm512_shuffle_f32x4(xy, z, _MM_SHUFFLE(2, 0, 2, 0)),
                          _mm512_shuffle_f32x4(xy, z, _MM_SHUFFLE(3, 1, 3, 1)))};
}
// Lane 4 a + b of the result is lane 4 b + a of v (a 4x4 transpose of the lanes).
inline Float16 transpose4x4(Float16 v)
{
    const __m512i index = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    return {_mm512_permutexvar_ps(index, v.v)};
}

// Energies are summed in double: each float lane is widened before it is added.
class DoubleAccumulator {
public:
    void add(Float16 a)
    {
        lo_ = _mm512_add_pd(lo_, _mm512_cvtps_pd(_mm512_castps512_ps256(a.v)));
        hi_ = _mm512_add_pd(hi_, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a.v), 1))));
    }
    double sum() const { return _mm512_reduce_add_pd(_mm512_add_pd(lo_, hi_)); }

private:
    __m512d lo_ = _mm512_setzero_pd();
    __m512d hi_ = _mm512_setzero_pd();
};

// Per-lane sums of float vectors in double (lane l of every add goes to sum l).
class LaneAccumulator {
public:
    void add(Float16 a)
    {
        lo_ = _mm512_add_pd(lo_, _mm512_cvtps_pd(_mm512_castps512_ps256(a.v)));
        hi_ = _mm512_add_pd(hi_, _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a.v), 1))));
    }
    void store(double (&out)[kWidth]) const
    {
        _mm512_storeu_pd(out, lo_);
        _mm512_storeu_pd(out + 8, hi_);
    }

private:
    __m512d lo_ = _mm512_setzero_pd();
    __m512d hi_ = _mm512_setzero_pd();
};

#else // scalar fallback

struct Float16 {
    std::array<float, kWidth> v{};
};
struct Int16 {
    std::array<std::int32_t, kWidth> v{};
};
struct Mask16 {
    std::uint32_t m = 0;
};

namespace detail {
template <typename Op>
inline Float16 map(Op op)
{
    Float16 r;
    for (int l = 0; l < kWidth; ++l) {
        r.v[static_cast<std::size_t>(l)] = op(static_cast<std::size_t>(l));
    }
    return r;
}
} // namespace detail

inline Float16 set1(float x) { return detail::map([&](std::size_t) { return x; }); }
inline Float16 zero() { return Float16{}; }
inline Float16 load(const float* p) { return detail::map([&](std::size_t l) { return p[l]; }); }
inline void store(float* p, Float16 a)
{
    for (std::size_t l = 0; l < kWidth; ++l) {
        p[l] = a.v[l];
    }
}
inline Float16 loadRepeat4(const float* p) { return detail::map([&](std::size_t l) { return p[l % 4]; }); }
inline Float16 loadRows4(const float* row0, const float* row1, const float* row2, const float* row3)
{
    const float* rows[4] = {row0, row1, row2, row3};
    return detail::map([&](std::size_t l) { return rows[l / 4][l % 4]; });
}
inline void storeRows4(Float16 a, float* row0, float* row1, float* row2, float* row3)
{
    float* rows[4] = {row0, row1, row2, row3};
    for (std::size_t l = 0; l < kWidth; ++l) {
        rows[l / 4][l % 4] = a.v[l];
    }
}
inline void storeInterleaved4(Float16 r0, Float16 r1, Float16 r2, Float16 r3, float* out)
{
    const Float16* r[4] = {&r0, &r1, &r2, &r3};
    for (std::size_t l = 0; l < kWidth; ++l) {
        for (std::size_t j = 0; j < 4; ++j) {
            out[4 * l + j] = r[j]->v[l];
        }
    }
}
inline Int16 loadRepeat4(const std::int32_t* p)
{
    Int16 r;
    for (std::size_t l = 0; l < kWidth; ++l) {
        r.v[l] = p[l % 4];
    }
    return r;
}
inline Int16 loadInt(const std::int32_t* p)
{
    Int16 r;
    for (std::size_t l = 0; l < kWidth; ++l) {
        r.v[l] = p[l];
    }
    return r;
}
inline Float16 loadEach4(const float* p) { return detail::map([&](std::size_t l) { return p[l / 4]; }); }
inline Int16 loadEach4(const std::int32_t* p)
{
    Int16 r;
    for (std::size_t l = 0; l < kWidth; ++l) {
        r.v[l] = p[l / 4];
    }
    return r;
}
inline Int16 operator+(Int16 a, Int16 b)
{
    for (std::size_t l = 0; l < kWidth; ++l) {
        a.v[l] += b.v[l];
    }
    return a;
}
inline Float16 gather(const float* base, Int16 index)
{
    return detail::map([&](std::size_t l) { return base[index.v[l]]; });
}
inline Float16 operator+(Float16 a, Float16 b) { return detail::map([&](std::size_t l) { return a.v[l] + b.v[l]; }); }
inline Float16 operator-(Float16 a, Float16 b) { return detail::map([&](std::size_t l) { return a.v[l] - b.v[l]; }); }
inline Float16 operator*(Float16 a, Float16 b) { return detail::map([&](std::size_t l) { return a.v[l] * b.v[l]; }); }
inline Float16 fma(Float16 a, Float16 b, Float16 c)
{
    return detail::map([&](std::size_t l) { return std::fma(a.v[l], b.v[l], c.v[l]); });
}
inline Float16 fnma(Float16 a, Float16 b, Float16 c)
{
    return detail::map([&](std::size_t l) { return std::fma(-a.v[l], b.v[l], c.v[l]); });
}
inline Float16 fms(Float16 a, Float16 b, Float16 c)
{
    return detail::map([&](std::size_t l) { return std::fma(a.v[l], b.v[l], -c.v[l]); });
}
inline Float16 max(Float16 a, Float16 b)
{
    return detail::map([&](std::size_t l) { return a.v[l] > b.v[l] ? a.v[l] : b.v[l]; });
}
inline Float16 invsqrt(Float16 x) { return detail::map([&](std::size_t l) { return 1.0f / std::sqrt(x.v[l]); }); }
inline Float16 reciprocal(Float16 x) { return detail::map([&](std::size_t l) { return 1.0f / x.v[l]; }); }
inline Mask16 maskFromBits(std::uint32_t bits) { return {bits & 0xffffu}; }
inline Mask16 operator<(Float16 a, Float16 b)
{
    Mask16 r;
    for (std::size_t l = 0; l < kWidth; ++l) {
        r.m |= (a.v[l] < b.v[l] ? 1u : 0u) << l;
    }
    return r;
}
inline Mask16 operator&&(Mask16 a, Mask16 b) { return {a.m & b.m}; }
inline Mask16 operator||(Mask16 a, Mask16 b) { return {a.m | b.m}; }
inline bool anyTrue(Mask16 a) { return a.m != 0; }
inline std::uint32_t toBits(Mask16 a) { return a.m; }
inline Float16 selectOrZero(Mask16 m, Float16 a)
{
    return detail::map([&](std::size_t l) { return ((m.m >> l) & 1u) != 0 ? a.v[l] : 0.0f; });
}
inline Float16 blend(Mask16 m, Float16 a, Float16 b)
{
    return detail::map([&](std::size_t l) { return ((m.m >> l) & 1u) != 0 ? a.v[l] : b.v[l]; });
}
inline Float16 addMasked(Float16 sum, Mask16 m, Float16 a)
{
    return detail::map([&](std::size_t l) { return ((m.m >> l) & 1u) != 0 ? sum.v[l] + a.v[l] : sum.v[l]; });
}
inline Float16 sumOverBlocks(Float16 fx, Float16 fy, Float16 fz)
{
    // The same association as the AVX-512 version: (b0 + b2) + (b1 + b3).
    const Float16* f[4] = {&fx, &fy, &fz, &fz};
    Float16 r;
    for (std::size_t c = 0; c < 4; ++c) {
        for (std::size_t k = 0; k < 4; ++k) {
            const auto& v = f[c]->v;
            r.v[c * 4 + k] = (v[k] + v[k + 8]) + (v[k + 4] + v[k + 12]);
        }
    }
    return r;
}
inline Float16 transpose4x4(Float16 v)
{
    return detail::map([&](std::size_t l) { return v.v[(l % 4) * 4 + l / 4]; });
}
inline float reduceAdd(Float16 a)
{
    float s = 0;
    for (float x : a.v) {
        s += x;
    }
    return s;
}
class DoubleAccumulator {
public:
    void add(Float16 a)
    {
        for (std::size_t l = 0; l < kWidth; ++l) {
            sum_[l % 8] += static_cast<double>(a.v[l]);
        }
    }
    double sum() const
    {
        double s = 0;
        for (double x : sum_) {
            s += x;
        }
        return s;
    }

private:
    std::array<double, 8> sum_{};
};

class LaneAccumulator {
public:
    void add(Float16 a)
    {
        for (std::size_t l = 0; l < kWidth; ++l) {
            sum_[l] += static_cast<double>(a.v[l]);
        }
    }
    void store(double (&out)[kWidth]) const
    {
        for (std::size_t l = 0; l < kWidth; ++l) {
            out[l] = sum_[l];
        }
    }

private:
    std::array<double, kWidth> sum_{};
};

#endif

// ---------------------------------------------------------------------------------------------
// Functions written once over the operations above.

// lanes[4 a + b] = first[a] + shift: the i-atoms of a 4x4 cluster pair, each repeated 4 times.
// Written as two nested loops on purpose: GCC 12 -O3 (AVX2, scalar fallback) mis-vectorised the
// equivalent single loop over l with first[l / 4] inside the pruning loop.
inline void spreadRows4(const float* first, float shift, float* lanes)
{
    for (int a = 0; a < 4; ++a) {
        const float v = first[a] + shift;
        for (int b = 0; b < 4; ++b) {
            lanes[a * 4 + b] = v;
        }
    }
}

} // namespace proteinmd::simd
