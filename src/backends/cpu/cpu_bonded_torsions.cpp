// Fast loops over the dihedral terms: periodic (proper and improper, merged per quadruplet) and
// Ryckaert-Bellemans. No angle is ever computed: cos(phi) and sin(phi) come from the cross
// products, cos(n phi) and sin(n phi) from their complex powers, and dV/dphi turns into forces with
// the Blondel-Karplus form of the reference (bonded_geometry.h, addDihedralForces).

#include "backends/cpu/bonded_lanes.h"

namespace proteinmd::cpu_bonded {

namespace {

// Geometry of dihedral i-j-k-l with GROMACS's vectors and the IUPAC sign (as dihedralGeometry):
// cos phi = m.n / (|m||n|), sin phi = |rkj| (rij.n) / (|m||n|), since |m x n| = |rkj| |rij.n|.
// Degenerate (m or n zero): phi = 0, as atan2(0, 0) gives the reference.
struct Dihedral {
    D3 rij, rkj, rkl, m, n;
    double cosPhi, sinPhi;
    double m2, n2, rkj2, rkjNorm;
};

[[gnu::always_inline]] inline Dihedral dihedral(const Gathered<4>& at, std::size_t t, const LaneBox& box)
{
    Dihedral d;
    d.rij = displacement(at(0, t), at(1, t), box);
    d.rkj = displacement(at(2, t), at(1, t), box);
    d.rkl = displacement(at(2, t), at(3, t), box);
    d.m = cross3(d.rij, d.rkj);
    d.n = cross3(d.rkj, d.rkl);
    d.m2 = dot3(d.m, d.m);
    d.n2 = dot3(d.n, d.n);
    d.rkj2 = dot3(d.rkj, d.rkj);
    d.rkjNorm = std::sqrt(d.rkj2);
    const double mn2 = d.m2 * d.n2;
    const double inverse = mn2 > 0 ? 1.0 / std::sqrt(mn2 > 0 ? mn2 : 1.0) : 0.0;
    d.cosPhi = mn2 > 0 ? dot3(d.m, d.n) * inverse : 1.0;
    d.sinPhi = d.rkjNorm * dot3(d.rij, d.n) * inverse;
    return d;
}

// Forces on i, j, k, l for dV/dphi, skipped (as in GROMACS) when i-j-k or j-k-l is collinear to
// within rounding; stores them in slots 0..3 and adds their virial (positions relative to j).
[[gnu::always_inline]] inline void dihedralForces(const Dihedral& d, double dVdPhi, const Slots& s, std::size_t t, VirialSum& virial)
{
    const double tolerance = d.rkj2 * 2.2e-16;
    const bool defined = d.m2 > tolerance && d.n2 > tolerance;
    const double dV = defined ? dVdPhi : 0.0;
    const double inverseRkj2 = 1.0 / (defined ? d.rkj2 : 1.0);
    const D3 fi = scaled(d.m, -dV * d.rkjNorm / (defined ? d.m2 : 1.0));
    const D3 fl = scaled(d.n, dV * d.rkjNorm / (defined ? d.n2 : 1.0));
    const double p = dot3(d.rij, d.rkj) * inverseRkj2;
    const double q = dot3(d.rkl, d.rkj) * inverseRkj2;
    const D3 u{fi.x * p - fl.x * q, fi.y * p - fl.y * q, fi.z * p - fl.z * q};
    const D3 fj = sub(u, fi);
    const D3 fk{-fl.x - u.x, -fl.y - u.y, -fl.z - u.z};
    s.put(0, t, fi);
    s.put(1, t, fj);
    s.put(2, t, fk);
    s.put(3, t, fl);
    virial.addOuter(d.rij, fi);
    virial.addOuter(d.rkj, fk);
    virial.addOuter(sub(d.rkj, d.rkl), fl);
}

// Adds the stored forces of slots 0..3 to atoms i, j, k, l in term order.
void scatterQuadruplets(const int* i, const int* j, const int* k, const int* l, std::size_t n, const Slots& s,
                        std::span<Vec3> forces)
{
    for (std::size_t t = 0; t < n; ++t) {
        forces[static_cast<std::size_t>(i[t])] += s.get(0, t);
        forces[static_cast<std::size_t>(j[t])] += s.get(1, t);
        forces[static_cast<std::size_t>(k[t])] += s.get(2, t);
        forces[static_cast<std::size_t>(l[t])] += s.get(3, t);
    }

}

// The loop for tables whose highest multiplicity is Orders (a compile-time trip count keeps the
// inner loop unrolled inside the vector loop, and AMBER tables stop at 4 of the 6 orders). Arrays,
// workspace pointers and box come by value, as in cpu_bonded_pairwise.cpp, so the loop vectorises.
template <int Orders>
[[gnu::noinline]] LaneSums periodicLanes(Gathered<4> at, Slots s, const double* constant, const double* coefficients,
                                         std::size_t stride, std::size_t begin, std::size_t end, LaneBox box)
{
    double energy = 0;
    PROTEINMD_BONDED_VIRIAL_DECLARE;
#pragma omp simd reduction(+ : energy, PROTEINMD_BONDED_VIRIAL_VARS)
    for (std::size_t m = begin; m < end; ++m) {
        const Dihedral d = dihedral(at, m, box);
        VirialSum virial;
        // V = constant + sum_p A_p cos(p phi) + B_p sin(p phi); dV/dphi = sum_p p (B_p cos - A_p sin).
        double cosP = d.cosPhi;
        double sinP = d.sinPhi;
        double v = constant[m];
        double dV = 0;
        for (int p = 0; p < Orders; ++p) {
            const double order = static_cast<double>(p + 1);
            const double ap = coefficients[2 * static_cast<std::size_t>(p) * stride + m];
            const double bp = coefficients[(2 * static_cast<std::size_t>(p) + 1) * stride + m];
            v += ap * cosP + bp * sinP;
            dV += order * (bp * cosP - ap * sinP);
            const double nextCos = cosP * d.cosPhi - sinP * d.sinPhi;
            sinP = sinP * d.cosPhi + cosP * d.sinPhi;
            cosP = nextCos;
        }
        energy += v;
        dihedralForces(d, dV, s, m, virial);
        PROTEINMD_BONDED_VIRIAL_ADD(virial);
    }
    return {energy, 0.0, PROTEINMD_BONDED_VIRIAL_RESULT};
}

[[gnu::noinline]] LaneSums rbLanes(Gathered<4> at, Slots s, const double* c, std::size_t n, LaneBox box)
{
    double energy = 0;
    PROTEINMD_BONDED_VIRIAL_DECLARE;
#pragma omp simd reduction(+ : energy, PROTEINMD_BONDED_VIRIAL_VARS)
    for (std::size_t m = 0; m < n; ++m) {
        const Dihedral d = dihedral(at, m, box);
        VirialSum virial;
        // psi = phi - 180 degrees: cos psi = -cos phi, sin psi = -sin phi (torsion_formulas.h).
        const double cosPsi = -d.cosPhi;
        const auto coefficient = [&](std::size_t p) { return c[p * n + m]; };
        double v = coefficient(5);
        double dVdCos = 5.0 * coefficient(5);
        for (std::size_t p = 4; p >= 1; --p) {
            v = v * cosPsi + coefficient(p);
            dVdCos = dVdCos * cosPsi + static_cast<double>(p) * coefficient(p);
        }
        v = v * cosPsi + coefficient(0);
        energy += v;
        // dV/dphi = dV/dcos psi * (-sin psi) = dV/dcos psi * sin phi.
        dihedralForces(d, dVdCos * d.sinPhi, s, m, virial);
        PROTEINMD_BONDED_VIRIAL_ADD(virial);
    }
    return {energy, 0.0, PROTEINMD_BONDED_VIRIAL_RESULT};
}

// The quadruplets of each highest multiplicity, each run to its own order, summed in order.
LaneSums periodicSums(const PeriodicTable& t, const Gathered<4>& at, const Slots& s, const LaneBox& box)
{
    static_assert(kMaxFastMultiplicity == 6, "one loop instance per highest multiplicity");
    using Lanes = LaneSums (*)(Gathered<4>, Slots, const double*, const double*, std::size_t, std::size_t,
                               std::size_t, LaneBox);
    // Order 0 (constant terms only) runs with order 1, whose coefficients are zero for them.
    constexpr std::array<Lanes, kMaxFastMultiplicity> lanes{periodicLanes<1>, periodicLanes<2>, periodicLanes<3>,
                                                            periodicLanes<4>, periodicLanes<5>, periodicLanes<6>};
    LaneSums sums;
    std::size_t begin = 0;
    for (std::size_t p = 1; p < t.orderEnd.size(); ++p) {
        const std::size_t end = t.orderEnd[p];
        if (end > begin) {
            const LaneSums part = lanes[p - 1](at, s, t.constant.data(), t.packed.data(), t.size(), begin, end, box);
            sums.energy += part.energy;
            sums.virial.add(part.virial);
        }
        begin = end;
    }
    return sums;
}

} // namespace

double addPeriodicDihedrals(const PeriodicTable& t, std::span<const Vec3> x, const LaneBox& box, LoopOutput& out)
{
    const std::size_t n = t.size();
    const Gathered<4> at(x, {t.i.data(), t.j.data(), t.k.data(), t.l.data()}, n, out.work);
    const Slots s(out.work);
    const LaneSums sums = periodicSums(t, at, s, box);
    sums.virial.addTo(out.virial);
    scatterQuadruplets(t.i.data(), t.j.data(), t.k.data(), t.l.data(), n, s, out.forces);
    return sums.energy;
}

double addRbDihedrals(const RbTable& t, std::span<const Vec3> x, const LaneBox& box, LoopOutput& out)
{
    const std::size_t n = t.size();
    const Gathered<4> at(x, {t.i.data(), t.j.data(), t.k.data(), t.l.data()}, n, out.work);
    const Slots s(out.work);
    const LaneSums sums = rbLanes(at, s, t.packed.data(), n, box);
    sums.virial.addTo(out.virial);
    scatterQuadruplets(t.i.data(), t.j.data(), t.k.data(), t.l.data(), n, s, out.forces);
    return sums.energy;
}

} // namespace proteinmd::cpu_bonded
