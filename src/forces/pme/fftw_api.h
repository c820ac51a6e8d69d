#pragma once
// FFTW's double (fftw_) and single (fftwf_) interfaces behind one template, so the PME mesh code is
// written once for both precisions; plus the lock that serialises FFTW's (not thread-safe) planner.

#include <fftw3.h>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "proteinmd/core/error.h"

namespace proteinmd::pme {

// FFTW's planner and plan destruction are not thread-safe; every call to them takes this lock.
// Executing plans (fftw_execute_*) is thread-safe and needs no lock.
std::mutex& fftwPlannerMutex();

template <typename Real>
struct FftwApi;

template <>
struct FftwApi<double> {
    using Complex = fftw_complex;
    using Plan = fftw_plan;
    static void* malloc(std::size_t bytes) { return fftw_malloc(bytes); }
    static void free(void* p) { fftw_free(p); }
    static int alignmentOf(double* p) { return fftw_alignment_of(p); }
    static Plan planR2c(int rank, const int* n, int howmany, double* in, const int* inembed, int istride, int idist,
                        Complex* out, const int* onembed, int ostride, int odist, unsigned flags)
    {
        return fftw_plan_many_dft_r2c(rank, n, howmany, in, inembed, istride, idist, out, onembed, ostride, odist,
                                      flags);
    }
    static Plan planC2r(int rank, const int* n, int howmany, Complex* in, const int* inembed, int istride, int idist,
                        double* out, const int* onembed, int ostride, int odist, unsigned flags)
    {
        return fftw_plan_many_dft_c2r(rank, n, howmany, in, inembed, istride, idist, out, onembed, ostride, odist,
                                      flags);
    }
    static Plan planC2c(int rank, const int* n, int howmany, Complex* in, const int* inembed, int istride, int idist,
                        Complex* out, const int* onembed, int ostride, int odist, int sign, unsigned flags)
    {
        return fftw_plan_many_dft(rank, n, howmany, in, inembed, istride, idist, out, onembed, ostride, odist, sign,
                                  flags);
    }
    static void executeR2c(Plan p, double* in, Complex* out) { fftw_execute_dft_r2c(p, in, out); }
    static void executeC2r(Plan p, Complex* in, double* out) { fftw_execute_dft_c2r(p, in, out); }
    static void executeC2c(Plan p, Complex* in, Complex* out) { fftw_execute_dft(p, in, out); }
    static void destroy(Plan p) { fftw_destroy_plan(p); }
};

template <>
struct FftwApi<float> {
    using Complex = fftwf_complex;
    using Plan = fftwf_plan;
    static void* malloc(std::size_t bytes) { return fftwf_malloc(bytes); }
    static void free(void* p) { fftwf_free(p); }
    static int alignmentOf(float* p) { return fftwf_alignment_of(p); }
    static Plan planR2c(int rank, const int* n, int howmany, float* in, const int* inembed, int istride, int idist,
                        Complex* out, const int* onembed, int ostride, int odist, unsigned flags)
    {
        return fftwf_plan_many_dft_r2c(rank, n, howmany, in, inembed, istride, idist, out, onembed, ostride, odist,
                                       flags);
    }
    static Plan planC2r(int rank, const int* n, int howmany, Complex* in, const int* inembed, int istride, int idist,
                        float* out, const int* onembed, int ostride, int odist, unsigned flags)
    {
        return fftwf_plan_many_dft_c2r(rank, n, howmany, in, inembed, istride, idist, out, onembed, ostride, odist,
                                       flags);
    }
    static Plan planC2c(int rank, const int* n, int howmany, Complex* in, const int* inembed, int istride, int idist,
                        Complex* out, const int* onembed, int ostride, int odist, int sign, unsigned flags)
    {
        return fftwf_plan_many_dft(rank, n, howmany, in, inembed, istride, idist, out, onembed, ostride, odist, sign,
                                   flags);
    }
    static void executeR2c(Plan p, float* in, Complex* out) { fftwf_execute_dft_r2c(p, in, out); }
    static void executeC2r(Plan p, Complex* in, float* out) { fftwf_execute_dft_c2r(p, in, out); }
    static void executeC2c(Plan p, Complex* in, Complex* out) { fftwf_execute_dft(p, in, out); }
    static void destroy(Plan p) { fftwf_destroy_plan(p); }
};

// An array from fftw_malloc (SIMD-aligned), freed with fftw_free.
template <typename Real, typename T>
struct FftwDeleter {
    void operator()(T* p) const { FftwApi<Real>::free(p); }
};

template <typename Real, typename T>
using FftwArray = std::unique_ptr<T[], FftwDeleter<Real, T>>;

template <typename Real, typename T>
FftwArray<Real, T> fftwAllocate(std::size_t n)
{
    auto* p = static_cast<T*>(FftwApi<Real>::malloc(sizeof(T) * std::max<std::size_t>(n, 1)));
    if (p == nullptr) {
        throw SetupError("PME: cannot allocate an FFT grid of " + std::to_string(n) + " elements");
    }
    return FftwArray<Real, T>(p);
}

} // namespace proteinmd::pme
