#pragma once
// Box::minimumImage for hot loops (SETTLE, LINCS, the CPU bonded path). Box::minimumImage is an
// out-of-line call that re-tests the box shape and calls libm's round() on every displacement; in a
// loop over 20,000 bonded terms or 7,000 waters that call is a visible share of the time. This copy
// decides the shape once and, for a rectangular box, does the same arithmetic inline, so its result
// is bit-identical to Box::minimumImage (the reference results must not change when a loop switches
// to it). In a triclinic box it does the same reduction inline and returns it where Box::minimumImage
// would (no longer than maxCutoff, i.e. every bond, angle and constrained pair); only longer
// displacements call Box::minimumImage.

#include <cmath>

#include "proteinmd/core/box.h"

namespace proteinmd::detail {

// std::round (halfway cases away from zero) without the libm call: 0.49999999999999994 is the
// largest double below 1/2, so x + copysign(it, x) crosses the next integer exactly when std::round
// rounds away from zero, and trunc (one instruction) cuts it back. Exact for every finite double.
inline double roundHalfAwayFromZero(double x) { return std::trunc(x + std::copysign(0.49999999999999994, x)); }

class InlineMinimumImage {
public:
    explicit InlineMinimumImage(const Box& box)
        : box_(box), periodic_(box.isPeriodic()), rectangular_(box.isRectangular()), a_(box.vectors()[0]),
          b_(box.vectors()[1]), c_(box.vectors()[2]), shortX_(kShort * a_.x), shortY_(kShort * b_.y),
          shortZ_(kShort * c_.z)
    {
    }

    Vec3 operator()(const Vec3& d) const
    {
        if (!periodic_) {
            return d;
        }
        // Box::minimumImage's reduction, term for term (including the zero off-diagonal products,
        // which keep the sign of a zero component exactly as it is there). Most displacements
        // (bonds, waters) are far shorter than half the box: every rounded multiple is then 0 and
        // the reduction would return d as it is, so it is skipped (three compares instead of
        // three divisions).
        Vec3 r = d;
        if (!(std::abs(d.x) < shortX_ && std::abs(d.y) < shortY_ && std::abs(d.z) < shortZ_)) {
            r -= c_ * roundHalfAwayFromZero(r.z / c_.z);
            r -= b_ * roundHalfAwayFromZero(r.y / b_.y);
            r -= a_ * roundHalfAwayFromZero(r.x / a_.x);
        }
        if (rectangular_ || norm2(r) <= box_.maxCutoff2()) [[likely]] {
            return r;
        }
        return box_.minimumImage(d);
    }

    const Box& box() const { return box_; }

private:
    const Box& box_;
    bool periodic_;
    bool rectangular_;
    Vec3 a_, b_, c_;
    // Below 0.49 of a diagonal element, the quotient rounds to 0 whatever its last bit (0.5 would
    // round away from zero).
    static constexpr double kShort = 0.49;
    double shortX_, shortY_, shortZ_;
};

} // namespace proteinmd::detail
