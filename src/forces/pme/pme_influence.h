#pragma once
// The reciprocal-space step of smooth PME: multiply the transformed charge grid by the influence
// function theta(m) = k exp(-pi^2 m^2 / beta^2) / (pi V m^2 |b(m)|^2), summing the energy and virial
// on the way, as GROMACS's solve_pme_yzx does (its m-vector convention, its half-complex weights).
// Works on one ky block at a time so threads can share the grid and fuse it with the x transforms.

#include <array>
#include <cstddef>
#include <vector>

#include "proteinmd/core/vec3.h"

namespace proteinmd::pme {

// Sums of one block: energy, then virial xx, xy, xz, yy, yz, zz (before the final 1/2 and 1/4).
using InfluenceSums = std::array<double, 7>;

class PmeInfluence {
public:
    // Elements of a complex row handled together: the rows passed to apply() must have room for
    // paddedRowLength(nz) elements, those past nz/2 + 1 holding finite values.
    static constexpr int kLanes = 4;
    static int paddedRowLength(int nz) { return (nz / 2 + 1 + kLanes - 1) / kLanes * kLanes; }

    PmeInfluence(int nx, int ny, int nz, int order);

    // Sets the cell for the blocks that follow (precomputes the factorised terms of rectangular
    // cells); recip as GROMACS's reciprocal box (fractional s_d = sum_e x_e recip[e][d]).
    void setBox(const Matrix3& recip, double volume, double ewaldCoefficient, double coulombPrefactor);

    // Multiplies block ky, elements block[kx * kxStride + kz] for kx < nx and kz < nz/2 + 1, by the
    // influence function and returns its sums (all zero when withSums is false, which skips them).
    // Rectangular cells also multiply the row padding (by zero). Complex is fftw_complex or
    // fftwf_complex; the arithmetic is in double either way.
    template <typename Complex>
    InfluenceSums apply(int ky, Complex* block, std::size_t kxStride, bool withSums) const;

    // Energy (kJ/mol) and virial added to `virial` from the sums of all blocks, added in ky order.
    static double finish(const std::vector<InfluenceSums>& blockSums, Matrix3& virial);

private:
    int nx_, ny_, nz_, nzc_;
    std::array<std::vector<double>, 3> moduli_;
    // Per call: the cell and, for rectangular cells, exp(-f m_d^2) / mod_d and m_d^2 per dimension.
    double rxx_ = 0, ryx_ = 0, ryy_ = 0, rzx_ = 0, rzy_ = 0, rzz_ = 0;
    double f_ = 0, pref_ = 0;
    bool rectangular_ = true;
    std::array<std::vector<double>, 3> rectFactor_;
    std::array<std::vector<double>, 3> rectM2_;
    // Along z for rectangular cells, per kz up to the padded row length: m_z, the half-complex
    // weight (2 for planes that stand for their mirror image, 0 in the padding), and the factor and
    // m^2 of the row through the origin (kx = ky = 0), where kz = 0 gets factor 0 and m^2 = 1 so
    // that the m = 0 term drops out without a branch.
    std::vector<double> mz_, weightZ_, originFactorZ_, originM2Z_;

    template <typename Complex>
    InfluenceSums applyRectangular(int ky, Complex* block, std::size_t kxStride, bool withSums) const;
    template <typename Complex>
    InfluenceSums applyTriclinic(int ky, Complex* block, std::size_t kxStride, bool withSums) const;
    double thetaTriclinic(int kx, int ky, int kz, double& mhx, double& mhy, double& mhz, double& m2) const;
    // Triclinic cells: the grid multiplier per (kx, ky, kz), ky-major, kept while the cell, beta and
    // prefactor (triclinicKey_) stay the same.
    void cacheTriclinicMultipliers();
    double triclinicMultiplier(int kx, int ky, int kz) const;
    std::size_t triclinicIndex(int kx, int ky, int kz) const
    {
        return (static_cast<std::size_t>(ky) * static_cast<std::size_t>(nx_) + static_cast<std::size_t>(kx)) *
                   static_cast<std::size_t>(nzc_) +
               static_cast<std::size_t>(kz);
    }
    std::array<double, 8> triclinicKey_{};
    std::vector<double> triclinicMultiplier_;
};

} // namespace proteinmd::pme
