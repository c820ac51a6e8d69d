// Set-up of the fast bonded tables (structure of arrays, periodic dihedrals merged per quadruplet)
// and the evaluation of one chunk: the fast loops, then the reference loops for what they leave.

#include "backends/cpu/cpu_bonded.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "proteinmd/backends/reference_bonded.h"
#include "proteinmd/core/units.h"

namespace proteinmd::cpu_bonded {

namespace {

void appendPeriodic(PeriodicTable& table, std::vector<int>& orders, std::map<std::array<int, 4>, std::size_t>& groups,
                    const PeriodicTorsion& t)
{
    auto [it, isNew] = groups.try_emplace(t.atoms, table.size());
    const std::size_t g = it->second;
    if (isNew) {
        table.i.push_back(t.atoms[0]);
        table.j.push_back(t.atoms[1]);
        table.k.push_back(t.atoms[2]);
        table.l.push_back(t.atoms[3]);
        table.constant.push_back(0.0);
        orders.push_back(0);
        for (std::size_t p = 0; p < table.cosCoef.size(); ++p) {
            table.cosCoef[p].push_back(0.0);
            table.sinCoef[p].push_back(0.0);
        }
    }
    // k (1 + cos(n phi - phi0)) = k + k cos phi0 cos(n phi) + k sin phi0 sin(n phi).
    const double c = t.k * std::cos(t.phi0);
    const double s = t.k * std::sin(t.phi0);
    table.constant[g] += t.k;
    orders[g] = std::max(orders[g], t.multiplicity);
    if (t.multiplicity == 0) {
        table.constant[g] += c; // cos(-phi0), no dependence on phi
    } else {
        const auto p = static_cast<std::size_t>(t.multiplicity - 1);
        table.cosCoef[p][g] += c;
        table.sinCoef[p][g] += s;
    }
}

template <typename T>
std::vector<T> permuted(const std::vector<T>& v, const std::vector<std::size_t>& order)
{
    std::vector<T> out;
    out.reserve(v.size());
    for (std::size_t g : order) {
        out.push_back(v[g]);
    }
    return out;
}

// Reorders the quadruplets by highest multiplicity (stable) and records where each order ends.
void sortByOrder(PeriodicTable& table, const std::vector<int>& orders)
{
    std::vector<std::size_t> order(orders.size());
    for (std::size_t g = 0; g < order.size(); ++g) {
        order[g] = g;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return orders[a] < orders[b]; });
    table.i = permuted(table.i, order);
    table.j = permuted(table.j, order);
    table.k = permuted(table.k, order);
    table.l = permuted(table.l, order);
    table.constant = permuted(table.constant, order);
    for (std::size_t p = 0; p < table.cosCoef.size(); ++p) {
        table.cosCoef[p] = permuted(table.cosCoef[p], order);
        table.sinCoef[p] = permuted(table.sinCoef[p], order);
    }
    for (std::size_t p = 0; p < table.cosCoef.size(); ++p) {
        table.packed.insert(table.packed.end(), table.cosCoef[p].begin(), table.cosCoef[p].end());
        table.packed.insert(table.packed.end(), table.sinCoef[p].begin(), table.sinCoef[p].end());
    }
    for (std::size_t p = 0; p < table.orderEnd.size(); ++p) {
        table.orderEnd[p] = static_cast<std::size_t>(
            std::count_if(orders.begin(), orders.end(), [&](int o) { return o <= static_cast<int>(p); }));
    }
}

// The periodic torsions of multiplicity 0..kMaxFastMultiplicity into `fast`; others into `rest`.
void splitPeriodic(const std::vector<PeriodicTorsion>& terms, PeriodicTable& fast, std::vector<PeriodicTorsion>& rest)
{
    std::map<std::array<int, 4>, std::size_t> groups;
    std::vector<int> orders;
    for (const PeriodicTorsion& t : terms) {
        if (t.multiplicity >= 0 && t.multiplicity <= kMaxFastMultiplicity) {
            appendPeriodic(fast, orders, groups, t);
        } else {
            rest.push_back(t);
        }
    }
    sortByOrder(fast, orders);
}

template <typename Term>
void appendAngle(AngleTable& table, const Term& t, double theta0, double kTheta)
{
    table.i.push_back(t.atoms[0]);
    table.j.push_back(t.atoms[1]);
    table.k.push_back(t.atoms[2]);
    table.theta0.push_back(theta0);
    table.kTheta.push_back(kTheta);
}

} // namespace

void Workspace::reserve(std::size_t terms)
{
    stride = std::max(stride, terms);
    data.resize(24 * stride);
}

LaneBox::LaneBox(const Box& box)
{
    if (box.isPeriodic()) {
        const Matrix3& v = box.vectors();
        lx = v[0].x;
        ly = v[1].y;
        lz = v[2].z;
        bx = v[1].x;
        cx = v[2].x;
        cy = v[2].y;
        invLx = 1.0 / lx;
        invLy = 1.0 / ly;
        invLz = 1.0 / lz;
    }
}

CpuBondedChunk::CpuBondedChunk(const BondedTerms& terms)
{
    for (const HarmonicBond& t : terms.harmonicBonds) {
        bonds_.i.push_back(t.atoms[0]);
        bonds_.j.push_back(t.atoms[1]);
        bonds_.a.push_back(t.b0);
        bonds_.b.push_back(t.kb);
    }
    for (const HarmonicAngle& t : terms.harmonicAngles) {
        appendAngle(angles_, t, t.theta0, t.k);
    }
    for (const UreyBradleyAngle& t : terms.ureyBradleyAngles) {
        appendAngle(ureyBradley_, t, t.theta0, t.kTheta);
        ureyBradley_.r13.push_back(t.r13);
        ureyBradley_.kUB.push_back(t.kUB);
    }
    splitPeriodic(terms.properDihedrals, proper_, rest_.properDihedrals);
    splitPeriodic(terms.periodicImpropers, improper_, rest_.periodicImpropers);
    for (const RyckaertBellemansTorsion& t : terms.rbDihedrals) {
        rb_.i.push_back(t.atoms[0]);
        rb_.j.push_back(t.atoms[1]);
        rb_.k.push_back(t.atoms[2]);
        rb_.l.push_back(t.atoms[3]);
        for (std::size_t p = 0; p < t.c.size(); ++p) {
            rb_.c[p].push_back(t.c[p]);
        }
    }
    for (const std::vector<double>& c : rb_.c) {
        rb_.packed.insert(rb_.packed.end(), c.begin(), c.end());
    }
    for (const Pair14& t : terms.pairs) {
        pairs_.i.push_back(t.atoms[0]);
        pairs_.j.push_back(t.atoms[1]);
        pairs_.a.push_back(t.c6);
        pairs_.b.push_back(t.c12);
        pairs_.c.push_back(t.qq);
    }
    rest_.g96Bonds = terms.g96Bonds;
    rest_.g96Angles = terms.g96Angles;
    rest_.harmonicImpropers = terms.harmonicImpropers;
    rest_.cmapGrids = terms.cmapGrids;
    rest_.cmapTorsions = terms.cmapTorsions;
    rest_.positionRestraints = terms.positionRestraints;
    work_.reserve(std::max({bonds_.size(), angles_.size(), ureyBradley_.size(), proper_.size(), improper_.size(),
                            rb_.size(), pairs_.size()}));
}

bool CpuBondedChunk::supportsBox(const Box& box) { return !box.isPeriodic() || box.isReduced(); }

void CpuBondedChunk::addForces(std::span<const Vec3> x, const Box& box, double epsilonR,
                               std::span<const CmapTable> cmapTables, ForceOutput& out)
{
    const LaneBox lanes(box);
    LoopOutput loop{out.forces, out.virial, work_};
    EnergyTerms& e = out.energies;
    // Each non-empty table marks its term present, as in the reference; the reference loops below
    // add the rest of a term (G96 forms, harmonic impropers, high multiplicities) to the same entry.
    if (bonds_.size() > 0) {
        e.add(EnergyTerm::Bond, addBonds(bonds_, x, lanes, loop));
    }
    if (angles_.size() > 0) {
        e.add(EnergyTerm::Angle, addAngles(angles_, false, x, lanes, loop));
    }
    if (ureyBradley_.size() > 0) {
        e.add(EnergyTerm::UreyBradley, addAngles(ureyBradley_, true, x, lanes, loop));
    }
    if (proper_.size() > 0) {
        e.add(EnergyTerm::ProperDihedral, addPeriodicDihedrals(proper_, x, lanes, loop));
    }
    if (rb_.size() > 0) {
        e.add(EnergyTerm::RbDihedral, addRbDihedrals(rb_, x, lanes, loop));
    }
    if (improper_.size() > 0) {
        e.add(EnergyTerm::ImproperDihedral, addPeriodicDihedrals(improper_, x, lanes, loop));
    }
    if (pairs_.size() > 0) {
        const PairEnergies p = addPairs(pairs_, units::kCoulombConstant / epsilonR, x, lanes, loop);
        e.add(EnergyTerm::Lj14, p.lj);
        e.add(EnergyTerm::Coulomb14, p.coulomb);
    }
    addBondedForcesPrechecked(rest_, cmapTables, epsilonR, x, box, out);
}

} // namespace proteinmd::cpu_bonded
