#include "proteinmd/core/box.h"

#include "core/inline_minimum_image.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace proteinmd {

Box Box::rectangular(double lx, double ly, double lz)
{
    return triclinic({lx, 0, 0}, {0, ly, 0}, {0, 0, lz});
}

Box Box::triclinic(const Vec3& a, const Vec3& b, const Vec3& c)
{
    if (a.y != 0 || a.z != 0 || b.z != 0) {
        throw std::invalid_argument("box vectors must be lower triangular (GROMACS convention): "
                                    "a = (ax,0,0), b = (bx,by,0), c = (cx,cy,cz)");
    }
    if (!(a.x > 0 && b.y > 0 && c.z > 0)) {
        throw std::invalid_argument("box diagonal elements must be positive");
    }
    Box box;
    box.vectors_ = Matrix3{{a, b, c}};
    box.periodic_ = true;
    const double m = box.maxCutoff();
    box.maxCutoff2_ = m * m;
    return box;
}

bool Box::isRectangular() const
{
    const Matrix3& m = vectors_;
    return m[1].x == 0 && m[2].x == 0 && m[2].y == 0;
}

bool Box::isReduced() const
{
    const Matrix3& m = vectors_;
    return periodic_ && std::fabs(m[1].x) <= 0.5 * m[0].x && std::fabs(m[2].x) <= 0.5 * m[0].x &&
           std::fabs(m[2].y) <= 0.5 * m[1].y;
}

double Box::volume() const
{
    return periodic_ ? vectors_[0].x * vectors_[1].y * vectors_[2].z : 0.0;
}

Vec3 Box::minimumImage(const Vec3& d) const
{
    if (!periodic_) {
        return d;
    }
    const Vec3& a = vectors_[0];
    const Vec3& b = vectors_[1];
    const Vec3& c = vectors_[2];
    // Reduce along c, then b, then a: this brings d into the (skewed) unit cell around the origin.
    Vec3 r = d;
    r -= c * detail::roundHalfAwayFromZero(r.z / c.z);
    r -= b * detail::roundHalfAwayFromZero(r.y / b.y);
    r -= a * detail::roundHalfAwayFromZero(r.x / a.x);
    if (isRectangular() || norm2(r) <= maxCutoff2_) {
        return r;
    }
    // In a triclinic cell a reduced vector longer than maxCutoff need not be the shortest image;
    // one of the 26 neighbouring images may be shorter. Checking them all keeps this exact (it is
    // the oracle).
    Vec3 best = r;
    double bestNorm2 = norm2(r);
    for (int i = -1; i <= 1; ++i) {
        for (int j = -1; j <= 1; ++j) {
            for (int k = -1; k <= 1; ++k) {
                const Vec3 trial = r + a * double(i) + b * double(j) + c * double(k);
                const double n2 = norm2(trial);
                if (n2 < bestNorm2) {
                    bestNorm2 = n2;
                    best = trial;
                }
            }
        }
    }
    return best;
}

Vec3 Box::wrapIntoCell(const Vec3& position) const
{
    if (!periodic_) {
        return position;
    }
    Vec3 r = position;
    r -= vectors_[2] * std::floor(r.z / vectors_[2].z);
    r -= vectors_[1] * std::floor(r.y / vectors_[1].y);
    r -= vectors_[0] * std::floor(r.x / vectors_[0].x);
    return r;
}

double Box::maxCutoff() const
{
    if (!periodic_) {
        return HUGE_VAL;
    }
    // Perpendicular widths of the cell: volume divided by the area of the opposite face.
    const Vec3& a = vectors_[0];
    const Vec3& b = vectors_[1];
    const Vec3& c = vectors_[2];
    const double v = volume();
    const double wa = v / norm(cross(b, c));
    const double wb = v / norm(cross(c, a));
    const double wc = v / norm(cross(a, b));
    return 0.5 * std::min({wa, wb, wc});
}

} // namespace proteinmd
