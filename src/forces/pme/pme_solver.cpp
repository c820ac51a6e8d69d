// Smooth PME reciprocal part: spread charges with B-splines, FFT, multiply by the influence
// function (energy and virial on the way), inverse FFT, gather forces. Numerics follow GROMACS's
// pme_spread / solve_pme_yzx / gather (its moduli, its m-vector convention, its half-complex
// weighting) so energies agree with gmx_d to rounding.

#include "proteinmd/forces/pme.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "forces/pme/bspline.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"

namespace proteinmd {

namespace {

// FFTW's planner is not thread-safe; every plan creation and destruction goes through this lock.
std::mutex& fftwPlannerMutex()
{
    static std::mutex m;
    return m;
}

struct FftwFree {
    void operator()(void* p) const { fftw_free(p); }
};

template <typename T>
using FftwBuffer = std::unique_ptr<T[], FftwFree>;

template <typename T>
FftwBuffer<T> fftwAllocate(std::size_t n)
{
    auto* p = static_cast<T*>(fftw_malloc(sizeof(T) * std::max<std::size_t>(n, 1)));
    if (p == nullptr) {
        throw SetupError("PME: cannot allocate FFT grid of " + std::to_string(n) + " elements");
    }
    return FftwBuffer<T>(p);
}

// The reciprocal box of GROMACS's lower-triangular box (calc_recipbox): fractional coordinate
// s_d = sum_e x_e * recip[e][d], and the reciprocal vector of index d is column d.
Matrix3 reciprocalBox(const Box& box)
{
    const Matrix3& b = box.vectors();
    const double ax = b[0].x, bx = b[1].x, by = b[1].y, cx = b[2].x, cy = b[2].y, cz = b[2].z;
    Matrix3 r{};
    r[0].x = 1.0 / ax;
    r[1].x = -bx / (ax * by);
    r[1].y = 1.0 / by;
    r[2].x = (bx * cy - by * cx) / (ax * by * cz);
    r[2].y = -cy / (by * cz);
    r[2].z = 1.0 / cz;
    return r;
}

// Calls f(std::integral_constant<int, order>) for a run-time order in 3..12 (checked at construction).
template <typename F>
void withOrder(int order, F&& f)
{
    switch (order) {
    case 3: f(std::integral_constant<int, 3>{}); break;
    case 4: f(std::integral_constant<int, 4>{}); break;
    case 5: f(std::integral_constant<int, 5>{}); break;
    case 6: f(std::integral_constant<int, 6>{}); break;
    case 7: f(std::integral_constant<int, 7>{}); break;
    case 8: f(std::integral_constant<int, 8>{}); break;
    case 9: f(std::integral_constant<int, 9>{}); break;
    case 10: f(std::integral_constant<int, 10>{}); break;
    case 11: f(std::integral_constant<int, 11>{}); break;
    case 12: f(std::integral_constant<int, 12>{}); break;
    default: throw SetupError("PME: unsupported interpolation order " + std::to_string(order));
    }
}

} // namespace

struct PmeSolver::Impl {
    PmeParameters params;
    int numAtoms = 0;
    int nx = 0, ny = 0, nz = 0, nzc = 0; // nzc: complex extent of the halved (z) dimension
    std::array<std::vector<double>, 3> moduli;
    std::array<std::vector<int>, 3> wrap; // wrap[d][i] = i mod n_d for i < n_d + order
    // Per atom and dimension: first grid index, weights and derivatives (order entries each).
    std::vector<int> baseIndex;     // 3 * numAtoms
    std::vector<double> theta;      // 3 * numAtoms * order
    std::vector<double> dtheta;     // 3 * numAtoms * order
    // Per-dimension factors for rectangular boxes (exp(-f m_d^2) / mod_d), sized n_d (z: nzc).
    std::array<std::vector<double>, 3> rectFactor;
    std::array<std::vector<double>, 3> rectM2;
    FftwBuffer<double> realGrid;
    FftwBuffer<fftw_complex> complexGrid;
    fftw_plan forward = nullptr;
    fftw_plan backward = nullptr;

    Impl(const PmeParameters& p, int n);
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    // The per-atom kernels are instantiated per interpolation order so their loops unroll.
    template <int Order>
    void computeSplines(std::span<const Vec3> positions, const Matrix3& recip);
    template <int Order>
    void spread(std::span<const double> charges);
    double solve(const Matrix3& recip, double volume, double prefactor, Matrix3& virial);
    template <int Order>
    void gather(std::span<const double> charges, const Matrix3& recip, std::span<Vec3> forces) const;
};

PmeSolver::Impl::Impl(const PmeParameters& p, int n) : params(p), numAtoms(n)
{
    const int order = p.order;
    if (order < pme::kMinPmeOrder || order > pme::kMaxPmeOrder) {
        throw SetupError("PME: interpolation order " + std::to_string(order) + " is outside the supported range " +
                         std::to_string(pme::kMinPmeOrder) + ".." + std::to_string(pme::kMaxPmeOrder));
    }
    for (int d = 0; d < 3; ++d) {
        if (p.grid[static_cast<std::size_t>(d)] < order) {
            throw SetupError("PME: grid dimension " + std::to_string(d) + " has " +
                             std::to_string(p.grid[static_cast<std::size_t>(d)]) +
                             " points; at least the interpolation order (" + std::to_string(order) +
                             ") is needed");
        }
    }
    if (!(p.ewaldCoefficient > 0) || !std::isfinite(p.ewaldCoefficient)) {
        throw SetupError("PME: the Ewald coefficient must be positive and finite, got " +
                         std::to_string(p.ewaldCoefficient));
    }
    if (n < 0) {
        throw SetupError("PME: negative number of atoms (" + std::to_string(n) + ")");
    }
    nx = p.grid[0];
    ny = p.grid[1];
    nz = p.grid[2];
    nzc = nz / 2 + 1;
    const std::size_t realSize = std::size_t(nx) * std::size_t(ny) * std::size_t(nz);
    const std::size_t complexSize = std::size_t(nx) * std::size_t(ny) * std::size_t(nzc);

    const std::array<int, 3> sizes{nx, ny, nz};
    for (std::size_t d = 0; d < 3; ++d) {
        moduli[d] = pme::bsplineModuli(sizes[d], order);
        wrap[d].resize(static_cast<std::size_t>(sizes[d] + order));
        for (int i = 0; i < sizes[d] + order; ++i) {
            wrap[d][static_cast<std::size_t>(i)] = i % sizes[d];
        }
        rectFactor[d].resize(static_cast<std::size_t>(sizes[d]));
        rectM2[d].resize(static_cast<std::size_t>(sizes[d]));
    }
    const auto na = static_cast<std::size_t>(n);
    baseIndex.resize(3 * na);
    theta.resize(3 * na * static_cast<std::size_t>(order));
    dtheta.resize(3 * na * static_cast<std::size_t>(order));

    realGrid = fftwAllocate<double>(realSize);
    complexGrid = fftwAllocate<fftw_complex>(complexSize);
    {
        // FFTW_ESTIMATE: planning is instantaneous; FFTW_MEASURE costs planning time and gave no
        // gain on dhfr's 52^3 grid (3.36 vs 3.33 ms per compute()).
        std::lock_guard<std::mutex> lock(fftwPlannerMutex());
        forward = fftw_plan_dft_r2c_3d(nx, ny, nz, realGrid.get(), complexGrid.get(), FFTW_ESTIMATE);
        backward = fftw_plan_dft_c2r_3d(nx, ny, nz, complexGrid.get(), realGrid.get(), FFTW_ESTIMATE);
    }
    if (forward == nullptr || backward == nullptr) {
        throw SetupError("PME: FFTW could not plan a " + std::to_string(nx) + "x" + std::to_string(ny) + "x" +
                         std::to_string(nz) + " transform");
    }
}

PmeSolver::Impl::~Impl()
{
    std::lock_guard<std::mutex> lock(fftwPlannerMutex());
    if (forward != nullptr) { fftw_destroy_plan(forward); }
    if (backward != nullptr) { fftw_destroy_plan(backward); }
}

template <int Order>
void PmeSolver::Impl::computeSplines(std::span<const Vec3> positions, const Matrix3& recip)
{
    constexpr int order = Order;
    const std::array<int, 3> sizes{nx, ny, nz};
    const auto ord = static_cast<std::size_t>(order);
    for (std::size_t i = 0; i < positions.size(); ++i) {
        const Vec3& r = positions[i];
        // Fractional coordinates along a, b, c (GROMACS: x*rxx + y*ryx + z*rzx, ...).
        const std::array<double, 3> s{r.x * recip[0].x + r.y * recip[1].x + r.z * recip[2].x,
                                      r.y * recip[1].y + r.z * recip[2].y, r.z * recip[2].z};
        for (std::size_t d = 0; d < 3; ++d) {
            const double frac = s[d] - std::floor(s[d]); // in [0, 1]; keeps the int below in range
            const double u = frac * sizes[d];
            const double fl = std::floor(u);
            const double w = u - fl;
            // Weight j belongs to grid point floor(u) - (order - 1) + j; shift by n to stay >= 0.
            int first = static_cast<int>(fl) - (order - 1) + sizes[d];
            first %= sizes[d];
            baseIndex[3 * i + d] = first;
            const std::size_t off = (3 * i + d) * ord;
            pme::bsplineWeightsFixed<Order>(w, theta.data() + off, dtheta.data() + off);
        }
    }
}

template <int Order>
void PmeSolver::Impl::spread(std::span<const double> charges)
{
    constexpr int order = Order;
    const auto ord = static_cast<std::size_t>(order);
    double* grid = realGrid.get();
    std::fill(grid, grid + std::size_t(nx) * std::size_t(ny) * std::size_t(nz), 0.0);
    const int* wx = wrap[0].data();
    const int* wy = wrap[1].data();
    const int* wz = wrap[2].data();
    for (std::size_t i = 0; i < charges.size(); ++i) {
        const double q = charges[i];
        if (q == 0.0) { continue; }
        const double* tx = theta.data() + (3 * i + 0) * ord;
        const double* ty = theta.data() + (3 * i + 1) * ord;
        const double* tz = theta.data() + (3 * i + 2) * ord;
        const int bx = baseIndex[3 * i + 0];
        const int by = baseIndex[3 * i + 1];
        const int bz = baseIndex[3 * i + 2];
        const bool zContiguous = bz + order <= nz;
        for (int a = 0; a < order; ++a) {
            const double qa = q * tx[a];
            const std::size_t xOff = std::size_t(wx[bx + a]) * std::size_t(ny);
            for (int b = 0; b < order; ++b) {
                const double qab = qa * ty[b];
                double* row = grid + (xOff + std::size_t(wy[by + b])) * std::size_t(nz);
                if (zContiguous) {
                    double* p = row + bz;
                    for (int c = 0; c < order; ++c) { p[c] += qab * tz[c]; }
                } else {
                    for (int c = 0; c < order; ++c) { row[wz[bz + c]] += qab * tz[c]; }
                }
            }
        }
    }
}

double PmeSolver::Impl::solve(const Matrix3& recip, double volume, double prefactor, Matrix3& virial)
{
    const double beta = params.ewaldCoefficient;
    const double f = units::kPi * units::kPi / (beta * beta);
    const double pref = prefactor / (units::kPi * volume);
    const double rxx = recip[0].x, ryx = recip[1].x, ryy = recip[1].y;
    const double rzx = recip[2].x, rzy = recip[2].y, rzz = recip[2].z;
    const int maxkx = (nx + 1) / 2;
    const int maxky = (ny + 1) / 2;
    const bool rectangular = ryx == 0 && rzx == 0 && rzy == 0;
    const std::array<double, 3> rd{rxx, ryy, rzz};

    // GROMACS's m vector for grid index k: x and y wrap to negative frequencies at (n+1)/2, z (the
    // halved dimension) never does.
    auto mIndex = [](int k, int maxk, int n) { return k < maxk ? k : k - n; };

    if (rectangular) {
        // exp(-f m^2) factorizes; precompute per dimension (this makes solve cheap for the usual boxes).
        const std::array<int, 3> ext{nx, ny, nzc};
        const std::array<int, 3> sizes{nx, ny, nz};
        for (std::size_t d = 0; d < 3; ++d) {
            const int maxk = (sizes[d] + 1) / 2;
            for (int k = 0; k < ext[d]; ++k) {
                const double m = (d == 2 ? k : mIndex(k, maxk, sizes[d])) * rd[d];
                rectM2[d][static_cast<std::size_t>(k)] = m * m;
                rectFactor[d][static_cast<std::size_t>(k)] =
                    std::exp(-f * m * m) / moduli[d][static_cast<std::size_t>(k)];
            }
        }
    }

    // Influence function theta(k) = k_C exp(-f m^2) / (pi V m^2 mod_x mod_y mod_z) for triclinic cells.
    auto thetaTriclinic = [&](int kx, int ky, int kz, double& mhx, double& mhy, double& mhz, double& m2) {
        const double mx = mIndex(kx, maxkx, nx);
        const double my = mIndex(ky, maxky, ny);
        const double mz = kz;
        mhx = mx * rxx;
        mhy = mx * ryx + my * ryy;
        mhz = mx * rzx + my * rzy + mz * rzz;
        m2 = mhx * mhx + mhy * mhy + mhz * mhz;
        return pref * std::exp(-f * m2) /
               (m2 * moduli[0][static_cast<std::size_t>(kx)] * moduli[1][static_cast<std::size_t>(ky)] *
                moduli[2][static_cast<std::size_t>(kz)]);
    };

    double energy = 0;
    double vxx = 0, vxy = 0, vxz = 0, vyy = 0, vyz = 0, vzz = 0;
    fftw_complex* grid = complexGrid.get();
    for (int kx = 0; kx < nx; ++kx) {
        const double mx = mIndex(kx, maxkx, nx);
        for (int ky = 0; ky < ny; ++ky) {
            const double my = mIndex(ky, maxky, ny);
            fftw_complex* line = grid + (std::size_t(kx) * std::size_t(ny) + std::size_t(ky)) * std::size_t(nzc);
            for (int kz = 0; kz < nzc; ++kz) {
                fftw_complex& g = line[kz];
                if (kx == 0 && ky == 0 && kz == 0) {
                    g[0] = 0;
                    g[1] = 0;
                    continue;
                }
                // Planes kz = 0 and kz = nz/2 (even nz) hold k and -k both; the other planes stand
                // for their mirror images too, so they count twice.
                const bool selfMirrorPlane = kz == 0 || (nz % 2 == 0 && kz == nz / 2);
                double mhx, mhy, mhz, m2, th;
                if (rectangular) {
                    mhx = mx * rxx;
                    mhy = my * ryy;
                    mhz = kz * rzz;
                    m2 = rectM2[0][static_cast<std::size_t>(kx)] + rectM2[1][static_cast<std::size_t>(ky)] +
                         rectM2[2][static_cast<std::size_t>(kz)];
                    th = pref * rectFactor[0][static_cast<std::size_t>(kx)] *
                         rectFactor[1][static_cast<std::size_t>(ky)] * rectFactor[2][static_cast<std::size_t>(kz)] /
                         m2;
                } else {
                    th = thetaTriclinic(kx, ky, kz, mhx, mhy, mhz, m2);
                }
                const double s2 = g[0] * g[0] + g[1] * g[1];
                const double weight = selfMirrorPlane ? 1.0 : 2.0;
                const double ek = weight * th * s2;
                energy += ek;
                const double vf = 2.0 * (1.0 + f * m2) / m2;
                vxx += ek * (vf * mhx * mhx - 1.0);
                vxy += ek * vf * mhx * mhy;
                vxz += ek * vf * mhx * mhz;
                vyy += ek * (vf * mhy * mhy - 1.0);
                vyz += ek * vf * mhy * mhz;
                vzz += ek * (vf * mhz * mhz - 1.0);
                double multiplier = th;
                if (selfMirrorPlane && !rectangular) {
                    // In a triclinic cell GROMACS's m(-k) is not -m(k) at the Nyquist indices, so
                    // theta(k) != theta(-k) there. The energy sees only their mean; multiplying the
                    // grid by the mean keeps the forces the exact gradient of that energy.
                    const int kxm = (nx - kx) % nx;
                    const int kym = (ny - ky) % ny;
                    double ax, ay, az, am2;
                    multiplier = 0.5 * (th + thetaTriclinic(kxm, kym, kz, ax, ay, az, am2));
                }
                g[0] *= multiplier;
                g[1] *= multiplier;
            }
        }
    }
    Matrix3 v{};
    v[0] = Vec3{vxx, vxy, vxz} * 0.25;
    v[1] = Vec3{vxy, vyy, vyz} * 0.25;
    v[2] = Vec3{vxz, vyz, vzz} * 0.25;
    virial += v;
    return 0.5 * energy;
}

template <int Order>
void PmeSolver::Impl::gather(std::span<const double> charges, const Matrix3& recip, std::span<Vec3> forces) const
{
    constexpr int order = Order;
    const auto ord = static_cast<std::size_t>(order);
    const double* grid = realGrid.get();
    const int* wx = wrap[0].data();
    const int* wy = wrap[1].data();
    const int* wz = wrap[2].data();
    const double rxx = recip[0].x, ryx = recip[1].x, ryy = recip[1].y;
    const double rzx = recip[2].x, rzy = recip[2].y, rzz = recip[2].z;
    for (std::size_t i = 0; i < charges.size(); ++i) {
        const double q = charges[i];
        if (q == 0.0) { continue; }
        const double* tx = theta.data() + (3 * i + 0) * ord;
        const double* ty = theta.data() + (3 * i + 1) * ord;
        const double* tz = theta.data() + (3 * i + 2) * ord;
        const double* dx = dtheta.data() + (3 * i + 0) * ord;
        const double* dy = dtheta.data() + (3 * i + 1) * ord;
        const double* dz = dtheta.data() + (3 * i + 2) * ord;
        const int bx = baseIndex[3 * i + 0];
        const int by = baseIndex[3 * i + 1];
        const int bz = baseIndex[3 * i + 2];
        const bool zContiguous = bz + order <= nz;
        double fx = 0, fy = 0, fz = 0;
        for (int a = 0; a < order; ++a) {
            const std::size_t xOff = std::size_t(wx[bx + a]) * std::size_t(ny);
            double sy = 0, syd = 0, sdy = 0; // sums over b of: ty*(tz.g), ty*(dz.g), dy*(tz.g)
            for (int b = 0; b < order; ++b) {
                const double* row = grid + (xOff + std::size_t(wy[by + b])) * std::size_t(nz);
                double tg = 0, dg = 0;
                if (zContiguous) {
                    const double* p = row + bz;
                    for (int c = 0; c < order; ++c) {
                        tg += tz[c] * p[c];
                        dg += dz[c] * p[c];
                    }
                } else {
                    for (int c = 0; c < order; ++c) {
                        const double gv = row[wz[bz + c]];
                        tg += tz[c] * gv;
                        dg += dz[c] * gv;
                    }
                }
                sy += ty[b] * tg;
                syd += ty[b] * dg;
                sdy += dy[b] * tg;
            }
            fx += dx[a] * sy;
            fy += tx[a] * sdy;
            fz += tx[a] * syd;
        }
        // Chain rule from grid units u_d = n_d s_d to Cartesian coordinates.
        fx *= nx;
        fy *= ny;
        fz *= nz;
        forces[i].x -= q * (fx * rxx);
        forces[i].y -= q * (fx * ryx + fy * ryy);
        forces[i].z -= q * (fx * rzx + fy * rzy + fz * rzz);
    }
}

PmeSolver::PmeSolver(const PmeParameters& parameters, int numAtoms)
    : impl_(std::make_unique<Impl>(parameters, numAtoms))
{
}

PmeSolver::~PmeSolver() = default;
PmeSolver::PmeSolver(PmeSolver&&) noexcept = default;
PmeSolver& PmeSolver::operator=(PmeSolver&&) noexcept = default;

const PmeParameters& PmeSolver::parameters() const { return impl_->params; }
int PmeSolver::numAtoms() const { return impl_->numAtoms; }

double PmeSolver::compute(std::span<const Vec3> positions, std::span<const double> charges, const Box& box,
                          double coulombPrefactor, std::span<Vec3> forces, Matrix3& virial)
{
    Impl& s = *impl_;
    const auto n = static_cast<std::size_t>(s.numAtoms);
    if (positions.size() != n || charges.size() != n || forces.size() != n) {
        throw SetupError("PME: solver made for " + std::to_string(n) + " atoms was given " +
                         std::to_string(positions.size()) + " positions, " + std::to_string(charges.size()) +
                         " charges and " + std::to_string(forces.size()) + " force slots");
    }
    if (!box.isPeriodic()) {
        throw SetupError("PME needs a periodic box");
    }
    for (std::size_t i = 0; i < n; ++i) {
        const Vec3& r = positions[i];
        if (!std::isfinite(r.x) || !std::isfinite(r.y) || !std::isfinite(r.z)) {
            throw SetupError("PME: position of atom " + std::to_string(i + 1) + " is not finite");
        }
    }
    const Matrix3 recip = reciprocalBox(box);
    double energy = 0;
    withOrder(s.params.order, [&](auto order) {
        constexpr int kOrder = decltype(order)::value;
        s.computeSplines<kOrder>(positions, recip);
        s.spread<kOrder>(charges);
        fftw_execute(s.forward);
        energy = s.solve(recip, box.volume(), coulombPrefactor, virial);
        fftw_execute(s.backward);
        s.gather<kOrder>(charges, recip, forces);
    });
    return energy;
}

} // namespace proteinmd
