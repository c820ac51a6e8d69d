#include "proteinmd/forces/ewald_sum.h"

#include <cmath>
#include <complex>
#include <string>
#include <vector>

#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"

namespace proteinmd {

double ewaldReciprocalSum(std::span<const Vec3> positions, std::span<const double> charges, const Box& box,
                          double alpha, int kmax, double prefactor, std::span<Vec3> forces, Matrix3& virial)
{
    const std::size_t n = positions.size();
    if (charges.size() != n || forces.size() != n) {
        throw SetupError("Ewald sum: " + std::to_string(n) + " positions but " + std::to_string(charges.size()) +
                         " charges and " + std::to_string(forces.size()) + " force slots");
    }
    if (!box.isPeriodic() || kmax < 1 || !(alpha > 0)) {
        throw SetupError("Ewald sum needs a periodic box, kmax >= 1 and alpha > 0");
    }
    using Complex = std::complex<double>;
    const Matrix3& b = box.vectors();
    // Reciprocal vectors (columns of the inverse box) as rows here: a* = recip[0], ...
    const double ax = b[0].x, bx = b[1].x, by = b[1].y, cx = b[2].x, cy = b[2].y, cz = b[2].z;
    const Vec3 aStar{1.0 / ax, -bx / (ax * by), (bx * cy - by * cx) / (ax * by * cz)};
    const Vec3 bStar{0.0, 1.0 / by, -cy / (by * cz)};
    const Vec3 cStar{0.0, 0.0, 1.0 / cz};

    // exp(2 pi i n s_d) for n = -kmax..kmax per atom and dimension, by powers of exp(2 pi i s_d).
    const auto width = static_cast<std::size_t>(2 * kmax + 1);
    std::vector<Complex> phase(3 * n * width);
    auto at = [&](std::size_t atom, std::size_t d, int k) -> Complex& {
        return phase[(3 * atom + d) * width + static_cast<std::size_t>(k + kmax)];
    };
    for (std::size_t i = 0; i < n; ++i) {
        const Vec3& r = positions[i];
        const std::array<double, 3> s{dot(r, aStar), dot(r, bStar), dot(r, cStar)};
        for (std::size_t d = 0; d < 3; ++d) {
            at(i, d, 0) = 1.0;
            for (int k = 1; k <= kmax; ++k) {
                // Direct evaluation (not repeated multiplication) keeps the oracle accurate to rounding.
                const double arg = 2.0 * units::kPi * k * s[d];
                at(i, d, k) = Complex(std::cos(arg), std::sin(arg));
                at(i, d, -k) = std::conj(at(i, d, k));
            }
        }
    }

    const double volume = box.volume();
    const double f = units::kPi * units::kPi / (alpha * alpha);
    const double c = prefactor / (2.0 * units::kPi * volume);
    double energy = 0;
    Matrix3 vir{};
    std::vector<Complex> terms(n);
    // Half space: (na > 0) or (na == 0, nb > 0) or (na == nb == 0, nc > 0); each counts twice.
    for (int na = 0; na <= kmax; ++na) {
        for (int nb = (na == 0 ? 0 : -kmax); nb <= kmax; ++nb) {
            for (int nc = (na == 0 && nb == 0 ? 1 : -kmax); nc <= kmax; ++nc) {
                const Vec3 m = aStar * double(na) + bStar * double(nb) + cStar * double(nc);
                const double m2 = norm2(m);
                const double g = std::exp(-f * m2) / m2;
                Complex sum = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    terms[i] = at(i, 0, na) * at(i, 1, nb) * at(i, 2, nc);
                    sum += charges[i] * terms[i];
                }
                const double ek = 2.0 * c * g * std::norm(sum);
                energy += ek;
                const double vf = 2.0 * (1.0 + f * m2) / m2;
                for (int a = 0; a < 3; ++a) {
                    for (int bb = 0; bb < 3; ++bb) {
                        vir[a][bb] += -0.5 * ek * ((a == bb ? 1.0 : 0.0) - vf * m[a] * m[bb]);
                    }
                }
                // F_j = -dE/dr_j = 2 * (4 pi c g) q_j m Im(conj(S) e_j) (the 2 for the mirror image).
                const double fpref = 2.0 * 4.0 * units::kPi * c * g;
                for (std::size_t i = 0; i < n; ++i) {
                    const double im = std::imag(std::conj(sum) * terms[i]);
                    forces[i] += m * (fpref * charges[i] * im);
                }
            }
        }
    }
    virial += vir;
    return energy;
}

} // namespace proteinmd
