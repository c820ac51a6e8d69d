#pragma once
// The 3-D real-to-complex transform of the PME grid, cut into pieces that threads can share: a 2-D
// transform of each x plane (over y and z), then 1-D transforms along x of each ky block. Every piece
// uses the same FFTW plans executed on the piece's own arrays, so the arithmetic of each grid value is
// the same whichever thread runs which piece: results do not depend on the number of threads.
//
// Plans are made with FFTW_ESTIMATE, which is deterministic (FFTW_MEASURE picks plans by timing
// them, so two runs, or a run and its restart, could differ in the last bits). ESTIMATE's choice for
// transforms over interleaved, strided lines is poor for many sizes (60, 80, 96: 2-3x slower than
// MEASURE's), while for contiguous lines it is close to MEASURE's. So the complex transforms along y
// and x run on contiguous lines: each piece copies its lines into a per-thread scratch array
// (transposed, one line after another), transforms them there and copies them back. Along z (the
// real-to-complex step) rows are contiguous already.
//
// Layout: real grid (x * ny + y) * rz + z, where the row stride rz >= nz leaves room after each row
// (the mesh spreads B-splines past z = nz there and folds them back, so its inner loops never wrap);
// the transforms read and write only z < nz. Complex grid (kx * ny + ky) * cz + kz with
// kz < nz/2 + 1 and the row stride cz padded to a multiple of 4 so that every row starts
// SIMD-aligned; the padding entries are zero and no transform touches them.

#include <cstddef>
#include <vector>

#include "forces/pme/fftw_api.h"

namespace proteinmd::pme {

template <typename Real>
class PmeFft {
public:
    using Complex = typename FftwApi<Real>::Complex;
    using Plan = typename FftwApi<Real>::Plan;

    // numThreads: how many threads run pieces at once (each needs its own scratch array).
    // Throws SetupError if FFTW cannot plan the transforms or the grids cannot be allocated.
    PmeFft(int nx, int ny, int nz, int realRowStride, int numThreads);
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
    // its input). Pieces of one step touch disjoint memory and may run concurrently, each with its
    // own `thread` (0 .. numThreads - 1: the scratch array it uses).
    void forwardPlane(int x, int thread);
    void forwardX(int ky, int thread);
    void backwardX(int ky, int thread);
    void backwardPlane(int x, int thread);

private:
    int nx_, ny_, nz_, rz_, nzc_, cz_;
    FftwArray<Real, Real> real_;
    FftwArray<Real, Complex> complex_;
    std::vector<FftwArray<Real, Complex>> scratch_; // per thread: nzc lines of max(nx, ny)
    Plan zForward_ = nullptr;  // real rows of a plane -> complex rows
    Plan zBackward_ = nullptr; // complex rows -> real rows (destroys its input)
    Plan yForward_ = nullptr;  // nzc contiguous lines of ny, in place in scratch
    Plan yBackward_ = nullptr;
    Plan xForward_ = nullptr;  // nzc contiguous lines of nx, in place in scratch
    Plan xBackward_ = nullptr;
    // numRows complex rows (kz < nzc, rowStride apart) into scratch as nzc lines of numRows
    // (kz * numRows + row), and back: a plane's rows (y, kz) as lines along y, a ky block's rows
    // (kx, kz) as lines along x.
    void rowsToLines(const Complex* rows, std::size_t rowStride, int numRows, Complex* lines) const;
    void linesToRows(const Complex* lines, int numRows, Complex* rows, std::size_t rowStride) const;
    std::size_t kxStride() const { return std::size_t(ny_) * std::size_t(cz_); }

    Real* realPlane(int x) { return real_.get() + std::size_t(x) * std::size_t(ny_) * std::size_t(rz_); }
    Complex* complexPlane(int x) { return complex_.get() + std::size_t(x) * std::size_t(ny_) * std::size_t(cz_); }
    Complex* complexBlock(int ky) { return complex_.get() + std::size_t(ky) * std::size_t(cz_); }
};

extern template class PmeFft<double>;
extern template class PmeFft<float>;

} // namespace proteinmd::pme
