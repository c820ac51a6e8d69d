#pragma once
// The fast CPU bonded path: the common AMBER/CHARMM terms (harmonic bonds, harmonic and
// Urey-Bradley angles, periodic proper and improper dihedrals, Ryckaert-Bellemans dihedrals, 1-4
// pairs) from structure-of-arrays tables prepared once, evaluated by `omp simd` loops without libm
// calls: dihedrals work with cos(phi) and sin(phi) from the cross products (no atan2, no sincos),
// angles with a polynomial atan2 (bonded_lanes.h). Every other table (G96 forms, harmonic
// impropers, CMAP, position restraints, torsions of multiplicity outside 0..6) is left to the
// reference loops, as are triclinic boxes (whose minimum image is no lane arithmetic).
//
// One CpuBondedChunk holds one of CpuForceField's fixed chunks. Each loop first computes every
// term's forces into a per-chunk workspace (vectorised, energies and virial summed in lanes), then
// adds them to the atoms in term order (scalar: terms share atoms). The result depends on the
// chunk's terms alone, so the chunked sum stays bit-identical for any number of threads.

#include <array>
#include <span>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/forces/bonded_terms.h"
#include "proteinmd/forces/cmap_interpolation.h"
#include "proteinmd/forces/force_output.h"

namespace proteinmd::cpu_bonded {

// Two-atom terms: harmonic bonds (a = b0, b = kb) or 1-4 pairs (a = c6, b = c12, c = qq).
struct PairwiseTable {
    std::vector<int> i, j;
    std::vector<double> a, b, c;
    std::size_t size() const { return i.size(); }
};

// Harmonic angles, with the Urey-Bradley 1-3 part where r13/kUB are filled.
struct AngleTable {
    std::vector<int> i, j, k;
    std::vector<double> theta0, kTheta, r13, kUB;
    std::size_t size() const { return i.size(); }
};

inline constexpr int kMaxFastMultiplicity = 6;

// Periodic dihedrals merged per distinct quadruplet: sum_t k_t (1 + cos(n_t phi - phi_t)) =
// constant + sum_n cosCoef[n-1] cos(n phi) + sinCoef[n-1] sin(n phi), the coefficients summed
// once here (k cos phi_t and k sin phi_t), so a quadruplet's geometry is computed once for all its
// terms and cos(n phi), sin(n phi) come from complex powers of (cos phi, sin phi). Quadruplets are
// ordered by their highest multiplicity (stable), so each run of them is evaluated to that order only.
struct PeriodicTable {
    std::vector<int> i, j, k, l;
    std::vector<double> constant;
    std::array<std::vector<double>, kMaxFastMultiplicity> cosCoef, sinCoef;
    // The same, packed for the loops (one base pointer and a stride vectorise with GCC and Clang, an
    // array of pointers does not): cosCoef[p][g] at [2 p size + g], sinCoef[p][g] at [(2 p + 1) size + g].
    std::vector<double> packed;
    // Quadruplets [orderEnd[p-1], orderEnd[p]) have highest multiplicity p (orderEnd[0]: those of 0).
    std::array<std::size_t, kMaxFastMultiplicity + 1> orderEnd{};
    std::size_t size() const { return i.size(); }
};

// Ryckaert-Bellemans dihedrals: V = sum_n c[n] cos^n(psi), psi = phi - 180 degrees.
struct RbTable {
    std::vector<int> i, j, k, l;
    std::array<std::vector<double>, 6> c;
    std::vector<double> packed; // c[p][t] at [p size + t], for the loop (see PeriodicTable::packed)
    std::size_t size() const { return i.size(); }
};

// Per-term positions and forces of the table being evaluated (up to four atoms, three components
// each), as structures of arrays.
struct Workspace {
    std::vector<double> data; // 12 position components, then 12 force components, `stride` each
    std::size_t stride = 0;
    void reserve(std::size_t terms);
    double* positions() { return data.data(); }
    double* forces() { return data.data() + 12 * stride; }
};

class CpuBondedChunk {
public:
    // Prepares the tables of `terms` (the chunk's slice of every table; indices already checked).
    explicit CpuBondedChunk(const BondedTerms& terms);

    // Whether the lane minimum image covers the box: non-periodic, rectangular or triclinic in
    // GROMACS's reduced form.
    static bool supportsBox(const Box& box);

    // Adds the forces, virial and per-term energies of all the chunk's terms to `out` (the same
    // bookkeeping as addBondedForcesPrechecked, within rounding of it). Needs supportsBox(box).
    void addForces(std::span<const Vec3> x, const Box& box, double epsilonR, std::span<const CmapTable> cmapTables,
                   ForceOutput& out);

    // Distinct quadruplets of the proper and improper tables (for tests).
    std::size_t numProperGroups() const { return proper_.size(); }
    std::size_t numImproperGroups() const { return improper_.size(); }

private:
    PairwiseTable bonds_;
    AngleTable angles_;
    AngleTable ureyBradley_;
    PeriodicTable proper_;
    PeriodicTable improper_;
    RbTable rb_;
    PairwiseTable pairs_;
    BondedTerms rest_; // the tables the reference loops evaluate
    Workspace work_;
};

// Lane geometry of a box: rectangular, triclinic in reduced form, or non-periodic (see
// bonded_lanes.h).
struct LaneBox {
    double lx = 0, ly = 0, lz = 0;          // the diagonal ax, by, cz; 0 where not periodic
    double bx = 0, cx = 0, cy = 0;          // the tilts; 0 in a rectangular or non-periodic box
    double invLx = 0, invLy = 0, invLz = 0; // inverses of the diagonal; 0 where not periodic
    explicit LaneBox(const Box& box);
};

// The loops; each returns its energy (two for pairs), adds the virial and the forces.
struct LoopOutput {
    std::span<Vec3> forces;
    Matrix3& virial;
    Workspace& work;
};
double addBonds(const PairwiseTable& t, std::span<const Vec3> x, const LaneBox& box, LoopOutput& out);
double addAngles(const AngleTable& t, bool ureyBradley, std::span<const Vec3> x, const LaneBox& box,
                 LoopOutput& out);
struct PairEnergies {
    double lj = 0, coulomb = 0;
};
PairEnergies addPairs(const PairwiseTable& t, double coulombPrefactor, std::span<const Vec3> x, const LaneBox& box,
                      LoopOutput& out);
double addPeriodicDihedrals(const PeriodicTable& t, std::span<const Vec3> x, const LaneBox& box, LoopOutput& out);
double addRbDihedrals(const RbTable& t, std::span<const Vec3> x, const LaneBox& box, LoopOutput& out);

} // namespace proteinmd::cpu_bonded
