#include "forces/pme/pme_fft.h"

#include <algorithm>
#include <string>

namespace proteinmd::pme {

std::mutex& fftwPlannerMutex()
{
    static std::mutex m;
    return m;
}

namespace {

// FFTW may use SIMD code that assumes the alignment of the arrays it was planned with; a plan can
// be executed on other arrays only if they have that same alignment (fftw_alignment_of). Where
// some piece of the grid does not, the plan is made without that assumption.
template <typename Real, typename T>
bool sameAlignment(T* base, std::size_t step, int count)
{
    auto* b = reinterpret_cast<Real*>(base);
    const int a0 = FftwApi<Real>::alignmentOf(b);
    for (int i = 1; i < count; ++i) {
        if (FftwApi<Real>::alignmentOf(reinterpret_cast<Real*>(base + std::size_t(i) * step)) != a0) {
            return false;
        }
    }
    return true;
}

} // namespace

template <typename Real>
PmeFft<Real>::PmeFft(int nx, int ny, int nz, int realRowStride, int numThreads)
    : nx_(nx), ny_(ny), nz_(nz), rz_(realRowStride), nzc_(nz / 2 + 1), cz_((nz / 2 + 1 + 3) / 4 * 4)
{
    if (rz_ < nz_) {
        throw SetupError("PME: real grid rows of " + std::to_string(rz_) + " cannot hold " + std::to_string(nz_) +
                         " points");
    }
    using Api = FftwApi<Real>;
    const std::size_t realSize = std::size_t(nx) * std::size_t(ny) * std::size_t(rz_);
    const std::size_t complexSize = std::size_t(nx) * std::size_t(ny) * std::size_t(cz_);
    real_ = fftwAllocate<Real, Real>(realSize);
    complex_ = fftwAllocate<Real, Complex>(complexSize);
    // Zero once: the row padding is never written by FFTW, and the influence function multiplies
    // it along with the rest of each row, so it must hold finite values.
    std::fill(real_.get(), real_.get() + realSize, Real(0));
    std::fill(&complex_[0][0], &complex_[0][0] + 2 * complexSize, Real(0));
    const std::size_t scratchSize = std::size_t(nzc_) * std::size_t(std::max(nx, ny));
    for (int t = 0; t < std::max(1, numThreads); ++t) {
        scratch_.push_back(fftwAllocate<Real, Complex>(scratchSize));
        std::fill(&scratch_.back()[0][0], &scratch_.back()[0][0] + 2 * scratchSize, Real(0));
    }

    const std::size_t realPlaneSize = std::size_t(ny) * std::size_t(rz_);
    const std::size_t complexPlaneSize = std::size_t(ny) * std::size_t(cz_);
    const bool planesAligned = sameAlignment<Real>(real_.get(), realPlaneSize, nx) &&
                               sameAlignment<Real>(complex_.get(), complexPlaneSize, nx);
    bool scratchAligned = true;
    for (const auto& lines : scratch_) {
        scratchAligned = scratchAligned && Api::alignmentOf(&lines[0][0]) == Api::alignmentOf(&scratch_[0][0][0]);
    }
    const unsigned planeFlags = FFTW_ESTIMATE | (planesAligned ? 0U : unsigned(FFTW_UNALIGNED));
    const unsigned lineFlags = FFTW_ESTIMATE | (scratchAligned ? 0U : unsigned(FFTW_UNALIGNED));

    const int zN[1] = {nz};
    const int yN[1] = {ny};
    const int xN[1] = {nx};
    Complex* lines = scratch_[0].get();
    {
        std::lock_guard<std::mutex> lock(fftwPlannerMutex());
        zForward_ = Api::planR2c(1, zN, ny, real_.get(), nullptr, 1, rz_, complex_.get(), nullptr, 1, cz_, planeFlags);
        zBackward_ = Api::planC2r(1, zN, ny, complex_.get(), nullptr, 1, cz_, real_.get(), nullptr, 1, rz_, planeFlags);
        yForward_ = Api::planC2c(1, yN, nzc_, lines, nullptr, 1, ny, lines, nullptr, 1, ny, FFTW_FORWARD, lineFlags);
        yBackward_ = Api::planC2c(1, yN, nzc_, lines, nullptr, 1, ny, lines, nullptr, 1, ny, FFTW_BACKWARD, lineFlags);
        xForward_ = Api::planC2c(1, xN, nzc_, lines, nullptr, 1, nx, lines, nullptr, 1, nx, FFTW_FORWARD, lineFlags);
        xBackward_ = Api::planC2c(1, xN, nzc_, lines, nullptr, 1, nx, lines, nullptr, 1, nx, FFTW_BACKWARD, lineFlags);
    }
    for (Plan p : {zForward_, zBackward_, yForward_, yBackward_, xForward_, xBackward_}) {
        if (p == nullptr) {
            throw SetupError("PME: FFTW could not plan the transforms of a " + std::to_string(nx) + "x" +
                             std::to_string(ny) + "x" + std::to_string(nz) + " grid");
        }
    }
}

template <typename Real>
PmeFft<Real>::~PmeFft()
{
    std::lock_guard<std::mutex> lock(fftwPlannerMutex());
    for (Plan p : {zForward_, zBackward_, yForward_, yBackward_, xForward_, xBackward_}) {
        if (p != nullptr) { FftwApi<Real>::destroy(p); }
    }
}

template <typename Real>
void PmeFft<Real>::rowsToLines(const Complex* rows, std::size_t rowStride, int numRows, Complex* lines) const
{
    for (int r = 0; r < numRows; ++r) {
        const Complex* row = rows + std::size_t(r) * rowStride;
        for (int kz = 0; kz < nzc_; ++kz) {
            lines[std::size_t(kz) * std::size_t(numRows) + std::size_t(r)][0] = row[kz][0];
            lines[std::size_t(kz) * std::size_t(numRows) + std::size_t(r)][1] = row[kz][1];
        }
    }
}

template <typename Real>
void PmeFft<Real>::linesToRows(const Complex* lines, int numRows, Complex* rows, std::size_t rowStride) const
{
    for (int r = 0; r < numRows; ++r) {
        Complex* row = rows + std::size_t(r) * rowStride;
        for (int kz = 0; kz < nzc_; ++kz) {
            row[kz][0] = lines[std::size_t(kz) * std::size_t(numRows) + std::size_t(r)][0];
            row[kz][1] = lines[std::size_t(kz) * std::size_t(numRows) + std::size_t(r)][1];
        }
    }
}

template <typename Real>
void PmeFft<Real>::forwardPlane(int x, int thread)
{
    Complex* lines = scratch_[std::size_t(thread)].get();
    FftwApi<Real>::executeR2c(zForward_, realPlane(x), complexPlane(x));
    rowsToLines(complexPlane(x), std::size_t(cz_), ny_, lines);
    FftwApi<Real>::executeC2c(yForward_, lines, lines);
    linesToRows(lines, ny_, complexPlane(x), std::size_t(cz_));
}

template <typename Real>
void PmeFft<Real>::forwardX(int ky, int thread)
{
    Complex* lines = scratch_[std::size_t(thread)].get();
    rowsToLines(complexBlock(ky), kxStride(), nx_, lines);
    FftwApi<Real>::executeC2c(xForward_, lines, lines);
    linesToRows(lines, nx_, complexBlock(ky), kxStride());
}

template <typename Real>
void PmeFft<Real>::backwardX(int ky, int thread)
{
    Complex* lines = scratch_[std::size_t(thread)].get();
    rowsToLines(complexBlock(ky), kxStride(), nx_, lines);
    FftwApi<Real>::executeC2c(xBackward_, lines, lines);
    linesToRows(lines, nx_, complexBlock(ky), kxStride());
}

template <typename Real>
void PmeFft<Real>::backwardPlane(int x, int thread)
{
    Complex* lines = scratch_[std::size_t(thread)].get();
    rowsToLines(complexPlane(x), std::size_t(cz_), ny_, lines);
    FftwApi<Real>::executeC2c(yBackward_, lines, lines);
    linesToRows(lines, ny_, complexPlane(x), std::size_t(cz_));
    FftwApi<Real>::executeC2r(zBackward_, complexPlane(x), realPlane(x));
}

template class PmeFft<double>;
template class PmeFft<float>;

} // namespace proteinmd::pme
