#pragma once
// Ewald real-space Coulomb without exp or erfc in the inner loop (the approach of GROMACS's
// pmecorrF/pmecorrV, with our own fits): with z = beta r and w = z^2,
//   erf(z) / z                              = G(w)
//   (erf(z) - 2 z / sqrt(pi) exp(-z^2)) / z^3 = H(w)
// are smooth even functions of z, so rational functions of w fit them well. Then for a pair with
// charge product qq (m = 1 for a normal pair, 0 for an excluded one):
//   V   = qq (m / r - beta G(w))          (minus m * the potential shift)
//   F/r = qq (m / r^3 - beta^3 H(w)).
// The rationals (numerator degree 6, denominator degree 5 in w) were fitted with numpy (weighted
// least squares on the relative error, Loeb iteration) on w in [0, kMaxW]; evaluated in float with
// Horner's rule they are within 3.5e-7 relative of the exact functions there (measured in
// tests/unit/test_cpu_nonbonded_ewald_correction.cpp). kMaxW = 16, i.e. beta rc <= 4, covers
// ewald-rtol down to erfc(4) ~ 1.5e-8; smaller tolerances take the reference backend.

#include <cmath>

#include "proteinmd/simd/simd_float16.h"

namespace proteinmd::cpu {

inline constexpr float kEwaldCorrectionMaxW = 16.0f;

namespace ewald_detail {
inline constexpr float kGNum[7] = {1.128379226e+00f, 1.846216172e-01f, 5.435489491e-02f, 3.840619698e-03f,
                                   3.841372090e-04f, 4.819624792e-06f, -1.385649906e-08f};
inline constexpr float kGDen[6] = {1.000000000e+00f, 4.969501793e-01f, 1.138198748e-01f,
                                   1.546022855e-02f, 1.311799511e-03f, 6.438588753e-05f};
inline constexpr float kHNum[7] = {7.522529364e-01f, -3.550331667e-02f, 1.807716489e-02f, -1.919016358e-04f,
                                   5.072699423e-05f, -1.033096510e-06f, 1.087698642e-08f};
inline constexpr float kHDen[6] = {1.000000000e+00f, 5.528079271e-01f, 1.414123923e-01f,
                                   2.172315866e-02f, 2.108921763e-03f, 1.330738887e-04f};

template <int N>
inline simd::Float16 horner(const float (&c)[N], simd::Float16 w)
{
    simd::Float16 p = simd::set1(c[N - 1]);
    for (int k = N - 2; k >= 0; --k) {
        p = simd::fma(p, w, simd::set1(c[k]));
    }
    return p;
}

// Scalar versions for tests and the set-up code.
template <int N>
inline float hornerScalar(const float (&c)[N], float w)
{
    float p = c[N - 1];
    for (int k = N - 2; k >= 0; --k) {
        p = std::fma(p, w, c[k]);
    }
    return p;
}
} // namespace ewald_detail

// erf(z)/z as a function of w = z^2, 0 <= w <= kEwaldCorrectionMaxW.
inline simd::Float16 ewaldG(simd::Float16 w)
{
    using namespace ewald_detail;
    return horner(kGNum, w) * simd::reciprocal(horner(kGDen, w));
}
// (erf(z) - 2 z/sqrt(pi) exp(-z^2)) / z^3 as a function of w = z^2.
inline simd::Float16 ewaldH(simd::Float16 w)
{
    using namespace ewald_detail;
    return horner(kHNum, w) * simd::reciprocal(horner(kHDen, w));
}

// The same fits as functions of r^2 for one Ewald coefficient beta, with beta folded into the
// coefficients (c_k beta^(2k), and beta^3 resp. beta into the numerators): the kernel then needs
// neither w = beta^2 r^2 nor the beta^3/beta factors, one multiply fewer per term and pair.
class EwaldCorrectionR2 {
public:
    explicit EwaldCorrectionR2(double beta)
    {
        using namespace ewald_detail;
        const double beta2 = beta * beta;
        double power = 1; // beta^(2k)
        for (int k = 0; k < 7; ++k) {
            hNum_[k] = static_cast<float>(kHNum[k] * power * beta2 * beta);
            gNum_[k] = static_cast<float>(kGNum[k] * power * beta);
            if (k < 6) {
                hDen_[k] = static_cast<float>(kHDen[k] * power);
                gDen_[k] = static_cast<float>(kGDen[k] * power);
            }
            power *= beta2;
        }
    }
    // beta^3 H(beta^2 r^2): F/r of an Ewald pair is qq (m / r^3 - forceTerm(r^2)).
    simd::Float16 forceTerm(simd::Float16 r2) const
    {
        return ewald_detail::horner(hNum_, r2) * simd::reciprocal(ewald_detail::horner(hDen_, r2));
    }
    // beta G(beta^2 r^2): V of an Ewald pair is qq (m / r - energyTerm(r^2)).
    simd::Float16 energyTerm(simd::Float16 r2) const
    {
        return ewald_detail::horner(gNum_, r2) * simd::reciprocal(ewald_detail::horner(gDen_, r2));
    }
    float forceTermScalar(float r2) const
    {
        return ewald_detail::hornerScalar(hNum_, r2) / ewald_detail::hornerScalar(hDen_, r2);
    }
    float energyTermScalar(float r2) const
    {
        return ewald_detail::hornerScalar(gNum_, r2) / ewald_detail::hornerScalar(gDen_, r2);
    }

private:
    float hNum_[7], hDen_[6], gNum_[7], gDen_[6];
};

inline float ewaldGScalar(float w)
{
    using namespace ewald_detail;
    return hornerScalar(kGNum, w) / hornerScalar(kGDen, w);
}
inline float ewaldHScalar(float w)
{
    using namespace ewald_detail;
    return hornerScalar(kHNum, w) / hornerScalar(kHDen, w);
}

} // namespace proteinmd::cpu
