// The fast CPU bonded path (backends/cpu/cpu_bonded.h) against the reference bonded loops: every
// form on the test chains (in vacuum and wrapped across a rectangular cell's corner), periodic
// dihedrals of multiplicity 0..6 (and one left to the reference) through 0 and 180 degrees, its
// forces against finite differences of its own energy, its virial, the shared benchmark systems,
// and CpuForceField's 1- and 2-thread results on DHFR bit for bit.
//
// Tolerances: the fast loops compute the same quantities in another order (cos/sin of phi instead
// of phi, merged dihedral coefficients, a polynomial atan2, multiplication by 1/L in the minimum
// image), so they agree with the reference to rounding: energies to 1e-10 relative, forces and
// virial to 1e-9 relative RMS.

#include <gtest/gtest.h>

#include <cstring>

#include "backends/cpu/cpu_bonded.h"
#include "proteinmd/backends/cpu_force_field.h"
#include "proteinmd/io/simulation_inputs.h"
#include "test_support/force_comparison.h"
#include "test_support/test_paths.h"
#include "unit/bonded_test_forms.h"

using namespace proteinmd;
using namespace proteinmd::test;

namespace {

ForceOutput evaluateFast(const BondedTerms& terms, std::span<const Vec3> x, const Box& box, double epsR = 1.0)
{
    cpu_bonded::CpuBondedChunk chunk(terms);
    const std::vector<CmapTable> tables = makeCmapTables(terms.cmapGrids);
    ForceOutput out;
    out.reset(static_cast<int>(x.size()));
    chunk.addForces(x, box, epsR, tables, out);
    return out;
}

double matrixNorm(const Matrix3& a) { return std::sqrt(norm2(a[0]) + norm2(a[1]) + norm2(a[2])); }

double matrixDiff(const Matrix3& a, const Matrix3& b)
{
    return std::sqrt(norm2(a[0] - b[0]) + norm2(a[1] - b[1]) + norm2(a[2] - b[2]));
}

double forceRelativeRms(const std::vector<Vec3>& ours, const std::vector<Vec3>& reference)
{
    double ref2 = 0;
    for (const Vec3& f : reference) {
        ref2 += norm2(f);
    }
    return ref2 > 0 ? relativeRms(ours, reference) : std::sqrt(ref2);
}

void expectMatchesReference(const BondedTerms& terms, const std::vector<Vec3>& x, const Box& box, double epsR = 1.0)
{
    const ForceOutput fast = evaluateFast(terms, x, box, epsR);
    ForceOutput ref;
    ref.reset(static_cast<int>(x.size()));
    addBondedForcesReference(terms, epsR, x, box, ref);
    for (std::size_t t = 0; t < kNumEnergyTerms; ++t) {
        const auto term = static_cast<EnergyTerm>(t);
        EXPECT_EQ(fast.energies.present[t], ref.energies.present[t]) << energyTermKey(term);
        EXPECT_NEAR(fast.energies.values[t], ref.energies.values[t], 1e-10 * std::abs(ref.energies.values[t]) + 1e-12)
            << energyTermKey(term);
    }
    EXPECT_LT(forceRelativeRms(fast.forces, ref.forces), 1e-9);
    // Relative to the virial, or where its terms cancel (planar dihedrals) to their size: forces
    // times a bond length.
    double contributions = 0;
    for (const Vec3& f : ref.forces) {
        contributions += 0.1 * norm(f);
    }
    EXPECT_LT(matrixDiff(fast.virial, ref.virial), 1e-9 * std::max(matrixNorm(ref.virial), contributions));
}

// All forms at once: the fast tables and the reference remainder together.
BondedTerms allTerms(const std::vector<Vec3>& x)
{
    BondedTerms all;
    for (Form form : allForms()) {
        const BondedTerms t = makeTerms(form, x);
        const auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
        append(all.harmonicBonds, t.harmonicBonds);
        append(all.g96Bonds, t.g96Bonds);
        append(all.harmonicAngles, t.harmonicAngles);
        append(all.g96Angles, t.g96Angles);
        append(all.ureyBradleyAngles, t.ureyBradleyAngles);
        append(all.properDihedrals, t.properDihedrals);
        append(all.periodicImpropers, t.periodicImpropers);
        append(all.harmonicImpropers, t.harmonicImpropers);
        append(all.rbDihedrals, t.rbDihedrals);
        append(all.cmapGrids, t.cmapGrids);
        append(all.cmapTorsions, t.cmapTorsions);
        append(all.pairs, t.pairs);
        append(all.positionRestraints, t.positionRestraints);
    }
    return all;
}

TEST(CpuBondedFast, EveryFormMatchesReferenceOnTestChains)
{
    for (Form form : allForms()) {
        for (const ChainGeometry& chain : testChains()) {
            SCOPED_TRACE(formName(form) + " " + chain.name);
            expectMatchesReference(makeTerms(form, chain.x), chain.x, Box{});
        }
    }
}

// Every form through the periodic images of `box` matches the reference, and the images change
// nothing against the same interactions unwrapped in vacuum.
void expectImagesChangeNothing(const Box& box)
{
    ASSERT_TRUE(cpu_bonded::CpuBondedChunk::supportsBox(box));
    for (const ChainGeometry& chain : testChains()) {
        SCOPED_TRACE(chain.name);
        const std::vector<Vec3> wrapped = wrappedAcrossCorner(box, chain.x);
        const BondedTerms terms = allTerms(shiftedToCorner(chain.x));
        expectMatchesReference(terms, wrapped, box, 1.5);
        const ForceOutput inBox = evaluateFast(terms, wrapped, box, 1.5);
        const ForceOutput vacuum = evaluateFast(terms, shiftedToCorner(chain.x), Box{}, 1.5);
        EXPECT_NEAR(inBox.energies.total(), vacuum.energies.total(), 1e-10 * std::abs(vacuum.energies.total()));
        EXPECT_LT(relativeRms(inBox.forces, vacuum.forces), 1e-9);
    }
}

TEST(CpuBondedFast, EveryFormMatchesReferenceAcrossRectangularBoundaries) { expectImagesChangeNothing(rectangularTestBox()); }

// A rhombic dodecahedron, and a reduced cell whose tilts add up along x (images two a's away).
TEST(CpuBondedFast, EveryFormMatchesReferenceAcrossTriclinicBoundaries)
{
    expectImagesChangeNothing(triclinicTestBox());
    expectImagesChangeNothing(Box::triclinic({2.4, 0, 0}, {1.1, 2.3, 0}, {1.2, -1.1, 2.2}));
}

TEST(CpuBondedFast, TriclinicBoxesNotInReducedFormAreLeftToTheReference)
{
    EXPECT_TRUE(cpu_bonded::CpuBondedChunk::supportsBox(Box{}));
    EXPECT_TRUE(cpu_bonded::CpuBondedChunk::supportsBox(rectangularTestBox()));
    EXPECT_FALSE(cpu_bonded::CpuBondedChunk::supportsBox(Box::triclinic({2.4, 0, 0}, {1.5, 2.4, 0}, {0, 0, 2.4})));
}

// Central differences of the fast path's own energy, Richardson-extrapolated.
std::vector<Vec3> fastNumericalForces(const BondedTerms& terms, std::vector<Vec3> x, const Box& box, double h)
{
    cpu_bonded::CpuBondedChunk chunk(terms);
    const std::vector<CmapTable> tables = makeCmapTables(terms.cmapGrids);
    const auto energy = [&]() {
        ForceOutput out;
        out.reset(static_cast<int>(x.size()));
        chunk.addForces(x, box, 1.0, tables, out);
        return out.energies.total();
    };
    const auto central = [&](std::size_t a, int d, double step) {
        const double x0 = x[a][d];
        x[a][d] = x0 + step;
        const double ep = energy();
        x[a][d] = x0 - step;
        const double em = energy();
        x[a][d] = x0;
        return (ep - em) / (2 * step);
    };
    std::vector<Vec3> f(x.size());
    for (std::size_t a = 0; a < x.size(); ++a) {
        for (int d = 0; d < 3; ++d) {
            f[a][d] = -(4.0 * central(a, d, 0.5 * h) - central(a, d, h)) / 3.0;
        }
    }
    return f;
}

TEST(CpuBondedFast, ForcesAreMinusGradientOfItsEnergy)
{
    for (const ChainGeometry& chain : testChains()) {
        SCOPED_TRACE(chain.name);
        BondedTerms terms = allTerms(chain.x);
        terms.positionRestraints.clear(); // not translation invariant: its virial is no cluster virial
        const ForceOutput out = evaluateFast(terms, chain.x, Box{});
        const std::vector<Vec3> num = fastNumericalForces(terms, chain.x, Box{}, chain.fdStep);
        double fmax = 0;
        for (const Vec3& f : num) {
            fmax = std::max({fmax, std::abs(f.x), std::abs(f.y), std::abs(f.z)});
        }
        for (std::size_t a = 0; a < num.size(); ++a) {
            for (int d = 0; d < 3; ++d) {
                EXPECT_NEAR(out.forces[a][d], num[a][d], 1e-6 * std::max(std::abs(num[a][d]), 1e-2 * fmax) + 1e-10)
                    << "atom " << a << " dim " << d;
            }
        }
        // Virial of a molecule in vacuum: -1/2 sum x (x) F.
        expectMatrixNear(out.virial, clusterVirial(chain.x, out.forces), 1e-9 * fmax);
    }
}

// One quadruplet carrying periodic terms of multiplicity 0..6 (and 8, which the reference loops
// take), swept through the dihedral angles where sin(phi) -> 0 and a generic one.
TEST(CpuBondedFast, PeriodicDihedralsOfEveryMultiplicityThroughZeroAnd180Degrees)
{
    const std::vector<double> dihedrals{0.0, 1e-7, -1e-7, 180.0, 179.9999999, -179.9999999, 90.0, -37.0, 123.4};
    for (double dihedral : dihedrals) {
        SCOPED_TRACE(dihedral);
        const std::vector<Vec3> x = buildChain({0.15, 0.14, 0.13}, {110, 115}, {dihedral});
        BondedTerms terms;
        for (int n = 0; n <= 6; ++n) {
            terms.properDihedrals.push_back({{0, 1, 2, 3}, deg(17.0 * n + 5.0), 1.0 + 0.5 * n, n});
            terms.periodicImpropers.push_back({{0, 1, 2, 3}, deg(n % 2 == 0 ? 180.0 : 0.0), 2.0, n});
        }
        terms.properDihedrals.push_back({{0, 1, 2, 3}, deg(40.0), 0.7, 8});
        terms.rbDihedrals.push_back({{0, 1, 2, 3}, {9.28, 12.16, -13.12, -3.06, 26.24, -31.5}});
        expectMatchesReference(terms, x, Box{});
        cpu_bonded::CpuBondedChunk chunk(terms);
        EXPECT_EQ(chunk.numProperGroups(), 1u); // seven terms, one quadruplet: geometry once
        EXPECT_EQ(chunk.numImproperGroups(), 1u);
    }
}

TEST(CpuBondedFast, MergesOnlyIdenticalQuadruplets)
{
    BondedTerms terms;
    terms.properDihedrals.push_back({{0, 1, 2, 3}, 0.0, 1.0, 1});
    terms.properDihedrals.push_back({{3, 2, 1, 0}, 0.0, 1.0, 2}); // same angle, listed the other way
    terms.properDihedrals.push_back({{0, 1, 2, 3}, 0.0, 1.0, 3});
    terms.properDihedrals.push_back({{1, 2, 3, 4}, 0.0, 1.0, 3});
    cpu_bonded::CpuBondedChunk chunk(terms);
    EXPECT_EQ(chunk.numProperGroups(), 3u);
    const std::vector<Vec3> x = buildChain({0.15, 0.14, 0.13, 0.12}, {110, 115, 100}, {60, -70});
    expectMatchesReference(terms, x, Box{});
}

void expectSharedSystemMatches(const char* system, const char* mdp)
{
    SCOPED_TRACE(system);
    const SimulationInputs in = loadBenchmark(system, mdp);
    expectMatchesReference(in.system.bonded, in.state.positions, in.state.box, in.mdp.nonbonded.epsilonR);
}

TEST(CpuBondedFast, SharedSystemsMatchReference)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    expectSharedSystemMatches("dhfr", "bench.mdp");
    expectSharedSystemMatches("dhfr_vacuum", "energy.mdp");
    expectSharedSystemMatches("ala2_solvated", "energy.mdp");
    expectSharedSystemMatches("ala2_vacuum", "energy.mdp");
}

TEST(CpuBondedFast, CpuForceFieldOneAndTwoThreadsAreBitIdenticalOnDhfr)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const SimulationInputs in = loadBenchmark("dhfr", "bench.mdp");
    std::vector<ForceOutput> outs(2);
    for (int threads : {1, 2}) {
        CpuForceField ff(in.system, in.mdp.nonbonded, in.state.box, cpuForceFieldOptions(in.mdp, threads));
        ff.compute(in.state.positions, in.state.box, outs[static_cast<std::size_t>(threads - 1)]);
    }
    ASSERT_EQ(outs[0].forces.size(), outs[1].forces.size());
    EXPECT_EQ(0, std::memcmp(outs[0].forces.data(), outs[1].forces.data(), outs[0].forces.size() * sizeof(Vec3)));
    EXPECT_EQ(0, std::memcmp(&outs[0].virial, &outs[1].virial, sizeof(Matrix3)));
    EXPECT_EQ(0, std::memcmp(outs[0].energies.values.data(), outs[1].energies.values.data(),
                             sizeof(double) * kNumEnergyTerms));
}

} // namespace
