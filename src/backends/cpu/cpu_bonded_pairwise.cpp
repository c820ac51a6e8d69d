// Fast loops over the two- and three-atom terms: harmonic bonds, harmonic and Urey-Bradley angles,
// 1-4 pairs. Same formulas and conventions as the reference loops (bond_angle_reference.cpp): a
// bond at r = 0 and an angle at exactly 0 or 180 degrees get no force (direction undefined).

#include "backends/cpu/bonded_lanes.h"

namespace proteinmd::cpu_bonded {

namespace {

Vec3& forceOn(std::span<Vec3> f, int atom) { return f[static_cast<std::size_t>(atom)]; }

// Adds the stored pair forces (slot 0 on i, minus it on j) in term order.
void scatterPairs(const PairwiseTable& t, const Slots& s, std::span<Vec3> forces)
{
    for (std::size_t n = 0; n < t.size(); ++n) {
        const Vec3 f = s.get(0, n);
        forceOn(forces, t.i[n]) += f;
        forceOn(forces, t.j[n]) -= f;
    }
}

} // namespace

namespace {

// The vector loops take their arrays, workspace pointers and box by value: GCC vectorises a loop
// over pointers held in parameters, not over pointers it must reload from a caller's object.
[[gnu::noinline]] LaneSums bondLanes(Gathered<2> at, Slots s, const double* b0, const double* kb, std::size_t n,
                                     LaneBox box)
{
    double energy = 0;
    PROTEINMD_BONDED_VIRIAL_DECLARE;
#pragma omp simd reduction(+ : energy, PROTEINMD_BONDED_VIRIAL_VARS)
    for (std::size_t m = 0; m < n; ++m) {
        const D3 rij = displacement(at(0, m), at(1, m), box);
        const double r = std::sqrt(dot3(rij, rij));
        const double dr = r - b0[m];
        energy += 0.5 * kb[m] * dr * dr;
        const double scale = r > 0 ? -kb[m] * dr / (r > 0 ? r : 1.0) : 0.0;
        const D3 f = scaled(rij, scale);
        s.put(0, m, f);
        VirialSum w;
        w.addOuter(rij, f);
        PROTEINMD_BONDED_VIRIAL_ADD(w);
    }
    return {energy, 0.0, PROTEINMD_BONDED_VIRIAL_RESULT};
}

} // namespace

double addBonds(const PairwiseTable& t, std::span<const Vec3> x, const LaneBox& box, LoopOutput& out)
{
    const std::size_t n = t.size();
    const Gathered<2> at(x, {t.i.data(), t.j.data()}, n, out.work);
    const Slots s(out.work);
    const LaneSums sums = bondLanes(at, s, t.a.data(), t.b.data(), n, box);
    sums.virial.addTo(out.virial);
    scatterPairs(t, s, out.forces);
    return sums.energy;
}

namespace {

template <bool UreyBradley>
[[gnu::noinline]] LaneSums angleLanes(Gathered<3> at, Slots s, const double* theta0, const double* kTheta,
                                      const double* r13, const double* kUB, std::size_t n, LaneBox box)
{
    double energy = 0;
    PROTEINMD_BONDED_VIRIAL_DECLARE;
#pragma omp simd reduction(+ : energy, PROTEINMD_BONDED_VIRIAL_VARS)
    for (std::size_t m = 0; m < n; ++m) {
        const D3 rij = displacement(at(0, m), at(1, m), box);
        const D3 rkj = displacement(at(2, m), at(1, m), box);
        VirialSum virial;
        const D3 normal = cross3(rij, rkj);
        const double n2 = dot3(normal, normal);
        const double nNorm = std::sqrt(n2);
        // atan2 of |sin| and cos keeps full precision near 0 and 180 degrees, where acos does not.
        const double theta = atan2NonNegative(nNorm, dot3(rij, rkj));
        const double dTheta = theta - theta0[m];
        energy += 0.5 * kTheta[m] * dTheta * dTheta;
        // dtheta/drij = (rij x n) / (|rij|^2 |n|), dtheta/drkj = (n x rkj) / (|rkj|^2 |n|); none at n = 0.
        const bool bent = n2 > 0;
        const double g = bent ? -kTheta[m] * dTheta / nNorm : 0.0;
        const double rij2 = dot3(rij, rij);
        const double rkj2 = dot3(rkj, rkj);
        D3 fi = scaled(cross3(rij, normal), g / (bent ? rij2 : 1.0));
        D3 fk = scaled(cross3(normal, rkj), g / (bent ? rkj2 : 1.0));
        virial.addOuter(rij, fi);
        virial.addOuter(rkj, fk);
        if constexpr (UreyBradley) {
            // The 1-3 vector from the same images as the angle, so the interaction stays one rigid piece.
            const D3 rik = sub(rij, rkj);
            const double r = std::sqrt(dot3(rik, rik));
            const double dr = r - r13[m];
            energy += 0.5 * kUB[m] * dr * dr;
            const D3 f13 = scaled(rik, r > 0 ? -kUB[m] * dr / (r > 0 ? r : 1.0) : 0.0);
            virial.addOuter(rik, f13);
            fi = {fi.x + f13.x, fi.y + f13.y, fi.z + f13.z};
            fk = {fk.x - f13.x, fk.y - f13.y, fk.z - f13.z};
        }
        s.put(0, m, fi);
        s.put(1, m, fk);
        PROTEINMD_BONDED_VIRIAL_ADD(virial);
    }
    return {energy, 0.0, PROTEINMD_BONDED_VIRIAL_RESULT};
}

} // namespace

double addAngles(const AngleTable& t, bool ureyBradley, std::span<const Vec3> x, const LaneBox& box,
                 LoopOutput& out)
{
    const std::size_t n = t.size();
    const Gathered<3> at(x, {t.i.data(), t.j.data(), t.k.data()}, n, out.work);
    const Slots s(out.work);
    const LaneSums sums = ureyBradley ? angleLanes<true>(at, s, t.theta0.data(), t.kTheta.data(), t.r13.data(),
                                                         t.kUB.data(), n, box)
                                      : angleLanes<false>(at, s, t.theta0.data(), t.kTheta.data(), nullptr, nullptr,
                                                          n, box);
    sums.virial.addTo(out.virial);
    for (std::size_t m = 0; m < n; ++m) {
        const Vec3 fi = s.get(0, m);
        const Vec3 fk = s.get(1, m);
        forceOn(out.forces, t.i[m]) += fi;
        forceOn(out.forces, t.k[m]) += fk;
        forceOn(out.forces, t.j[m]) -= fi + fk;
    }
    return sums.energy;
}

namespace {

[[gnu::noinline]] LaneSums pairLanes(Gathered<2> at, Slots s, const double* c6, const double* c12, const double* qq,
                                     double coulombPrefactor, std::size_t n, LaneBox box)
{
    double lj = 0;
    double coulomb = 0;
    PROTEINMD_BONDED_VIRIAL_DECLARE;
#pragma omp simd reduction(+ : lj, coulomb, PROTEINMD_BONDED_VIRIAL_VARS)
    for (std::size_t m = 0; m < n; ++m) {
        // Plain LJ and Coulomb, no cut-off and no modifiers (forces/bond_formulas.h, pair14Energy).
        const D3 rij = displacement(at(0, m), at(1, m), box);
        const double rinv2 = 1.0 / dot3(rij, rij);
        const double rinv = std::sqrt(rinv2);
        const double rinv6 = rinv2 * rinv2 * rinv2;
        const double vlj6 = c6[m] * rinv6;
        const double vlj12 = c12[m] * rinv6 * rinv6;
        const double vcoul = qq[m] * coulombPrefactor * rinv;
        lj += vlj12 - vlj6;
        coulomb += vcoul;
        const D3 f = scaled(rij, (12.0 * vlj12 - 6.0 * vlj6 + vcoul) * rinv2);
        s.put(0, m, f);
        VirialSum w;
        w.addOuter(rij, f);
        PROTEINMD_BONDED_VIRIAL_ADD(w);
    }
    return {lj, coulomb, PROTEINMD_BONDED_VIRIAL_RESULT};
}

} // namespace

PairEnergies addPairs(const PairwiseTable& t, double coulombPrefactor, std::span<const Vec3> x, const LaneBox& box,
                      LoopOutput& out)
{
    const std::size_t n = t.size();
    const Gathered<2> at(x, {t.i.data(), t.j.data()}, n, out.work);
    const Slots s(out.work);
    const LaneSums sums = pairLanes(at, s, t.a.data(), t.b.data(), t.c.data(), coulombPrefactor, n, box);
    sums.virial.addTo(out.virial);
    scatterPairs(t, s, out.forces);
    return {sums.energy, sums.energy2};
}

} // namespace proteinmd::cpu_bonded
