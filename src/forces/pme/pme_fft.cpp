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
PmeFft<Real>::PmeFft(int nx, int ny, int nz, int realRowStride)
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

    const std::size_t realPlaneSize = std::size_t(ny) * std::size_t(rz_);
    const std::size_t complexPlaneSize = std::size_t(ny) * std::size_t(cz_);
    const bool planesAligned = sameAlignment<Real>(real_.get(), realPlaneSize, nx) &&
                               sameAlignment<Real>(complex_.get(), complexPlaneSize, nx);
    const bool blocksAligned = sameAlignment<Real>(complex_.get(), std::size_t(cz_), ny);
    // FFTW_ESTIMATE: planning is instantaneous and deterministic; FFTW_MEASURE gave no gain on
    // dhfr's 52^3 grid with the full 3-D plan this replaced.
    const unsigned planeFlags = FFTW_ESTIMATE | (planesAligned ? 0U : unsigned(FFTW_UNALIGNED));
    const unsigned blockFlags = FFTW_ESTIMATE | (blocksAligned ? 0U : unsigned(FFTW_UNALIGNED));

    const int planeN[2] = {ny, nz};
    const int realEmbed[2] = {ny, rz_};
    const int complexEmbed[2] = {ny, cz_};
    const int lineN[1] = {nx};
    const int kxStride = ny * cz_;
    {
        std::lock_guard<std::mutex> lock(fftwPlannerMutex());
        planeForward_ = Api::planR2c(2, planeN, 1, real_.get(), realEmbed, 1, int(realPlaneSize), complex_.get(),
                                     complexEmbed, 1, int(complexPlaneSize), planeFlags);
        planeBackward_ = Api::planC2r(2, planeN, 1, complex_.get(), complexEmbed, 1, int(complexPlaneSize),
                                      real_.get(), realEmbed, 1, int(realPlaneSize), planeFlags);
        // Along x: nzc interleaved lines of one ky block (stride ny * cz between kx), in place.
        xForward_ = Api::planC2c(1, lineN, nzc_, complex_.get(), nullptr, kxStride, 1, complex_.get(), nullptr,
                                 kxStride, 1, FFTW_FORWARD, blockFlags);
        xBackward_ = Api::planC2c(1, lineN, nzc_, complex_.get(), nullptr, kxStride, 1, complex_.get(), nullptr,
                                  kxStride, 1, FFTW_BACKWARD, blockFlags);
    }
    if (planeForward_ == nullptr || planeBackward_ == nullptr || xForward_ == nullptr || xBackward_ == nullptr) {
        throw SetupError("PME: FFTW could not plan the transforms of a " + std::to_string(nx) + "x" +
                         std::to_string(ny) + "x" + std::to_string(nz) + " grid");
    }
}

template <typename Real>
PmeFft<Real>::~PmeFft()
{
    std::lock_guard<std::mutex> lock(fftwPlannerMutex());
    for (Plan p : {planeForward_, planeBackward_, xForward_, xBackward_}) {
        if (p != nullptr) { FftwApi<Real>::destroy(p); }
    }
}

template <typename Real>
void PmeFft<Real>::forwardPlane(int x)
{
    FftwApi<Real>::executeR2c(planeForward_, realPlane(x), complexPlane(x));
}

template <typename Real>
void PmeFft<Real>::forwardX(int ky)
{
    FftwApi<Real>::executeC2c(xForward_, complexBlock(ky), complexBlock(ky));
}

template <typename Real>
void PmeFft<Real>::backwardX(int ky)
{
    FftwApi<Real>::executeC2c(xBackward_, complexBlock(ky), complexBlock(ky));
}

template <typename Real>
void PmeFft<Real>::backwardPlane(int x)
{
    FftwApi<Real>::executeC2r(planeBackward_, complexPlane(x), realPlane(x));
}

template class PmeFft<double>;
template class PmeFft<float>;

} // namespace proteinmd::pme
