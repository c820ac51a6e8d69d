#pragma once
// Periodic simulation box in GROMACS's convention: three box vectors a, b, c stored as the rows of a
// lower-triangular matrix (a = (ax,0,0), b = (bx,by,0), c = (cx,cy,cz)), with |bx| <= ax/2,
// |cx| <= ax/2 and |cy| <= by/2 for a reduced triclinic cell. A default-constructed Box is
// non-periodic (vacuum): minimum-image is then the identity.

#include <cmath>

#include "proteinmd/core/vec3.h"

namespace proteinmd {

class Box {
public:
    Box() = default;

    static Box rectangular(double lx, double ly, double lz);
    // Rows a, b, c in GROMACS form (lower triangular); throws std::invalid_argument otherwise.
    static Box triclinic(const Vec3& a, const Vec3& b, const Vec3& c);
    static Box fromMatrix(const Matrix3& vectors) { return triclinic(vectors[0], vectors[1], vectors[2]); }

    bool isPeriodic() const { return periodic_; }
    bool isRectangular() const;
    // Periodic and in GROMACS's reduced form: |bx| <= ax/2, |cx| <= ax/2, |cy| <= by/2 (what
    // grompp requires; every rectangular box is).
    bool isReduced() const;
    const Matrix3& vectors() const { return vectors_; }
    double volume() const;

    // Shortest periodic image of displacement d (nm). Exact for any displacement in a reduced cell.
    Vec3 minimumImage(const Vec3& d) const;
    // Position wrapped into the unit cell [0,a) x [0,b) x [0,c) in fractional space.
    Vec3 wrapIntoCell(const Vec3& position) const;

    // Largest cut-off for which minimum image sees each pair at most once: half the smallest
    // perpendicular width of the cell (GROMACS's max_cutoff2 for this box).
    double maxCutoff() const;
    // maxCutoff() squared, computed once with the box: a displacement reduced along c, b and a that
    // is no longer than this is the shortest image (every other image is farther by a lattice
    // vector of at least twice maxCutoff), so minimumImage checks the neighbouring images only
    // beyond it.
    double maxCutoff2() const { return maxCutoff2_; }

private:
    Matrix3 vectors_{};
    bool periodic_ = false;
    double maxCutoff2_ = HUGE_VAL;
};

} // namespace proteinmd
