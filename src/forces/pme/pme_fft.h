#pragma once
// The 3-D real-to-complex transform of the PME grid, cut into pieces that threads can share: a 2-D
// transform of each x plane (over y and z), then 1-D transforms along x of each ky block. Every piece
// uses one FFTW plan executed on the piece's own arrays, so the arithmetic of each grid value is the
// same whichever thread runs which piece: results do not depend on the number of threads.
//
// Layout: real grid (x * ny + y) * rz + z, where the row stride rz >= nz leaves room after each row
// (the mesh spreads B-splines past z = nz there and folds them back, so its inner loops never wrap);
// the transforms read and write only z < nz. Complex grid (kx * ny + ky) * cz + kz with
// kz < nz/2 + 1 and the row stride cz padded to a multiple of 4 so that every row starts
// SIMD-aligned; the padding entries are zero and no transform touches them.

#include <cstddef>

#include "forces/pme/fftw_api.h"

namespace proteinmd::pme {

template <typename Real>
class PmeFft {
public:
    using Complex = typename FftwApi<Real>::Complex;
    using Plan = typename FftwApi<Real>::Plan;

    // Throws SetupError if FFTW cannot plan the transforms or the grids cannot be allocated.
    PmeFft(int nx, int ny, int nz, int realRowStride);
    ~PmeFft();
    PmeFft(const PmeFft&) = delete;
    PmeFft& operator=(const PmeFft&) = delete;

    Real* realGrid() { return real_.get(); }
    const Real* realGrid() const { return real_.get(); }
    Complex* complexGrid() { return complex_.get(); }
    int complexExtentZ() const { return nzc_; } // nz/2 + 1 meaningful entries per complex row
    int complexRowStride() const { return cz_; }
    int realRowStride() const { return rz_; }

    // Forward: forwardPlane for every x, then forwardX for every ky. Backward: backwardX for every
    // ky, then backwardPlane for every x (which overwrites the complex plane: FFTW's c2r destroys
    // its input). Pieces of one step touch disjoint memory and may run concurrently.
    void forwardPlane(int x);
    void forwardX(int ky);
    void backwardX(int ky);
    void backwardPlane(int x);

private:
    int nx_, ny_, nz_, rz_, nzc_, cz_;
    FftwArray<Real, Real> real_;
    FftwArray<Real, Complex> complex_;
    Plan planeForward_ = nullptr;
    Plan planeBackward_ = nullptr;
    Plan xForward_ = nullptr;
    Plan xBackward_ = nullptr;

    Real* realPlane(int x) { return real_.get() + std::size_t(x) * std::size_t(ny_) * std::size_t(rz_); }
    Complex* complexPlane(int x) { return complex_.get() + std::size_t(x) * std::size_t(ny_) * std::size_t(cz_); }
    Complex* complexBlock(int ky) { return complex_.get() + std::size_t(ky) * std::size_t(cz_); }
};

extern template class PmeFft<double>;
extern template class PmeFft<float>;

} // namespace proteinmd::pme
