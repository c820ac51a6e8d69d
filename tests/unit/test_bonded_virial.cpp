// Virial and momentum of the bonded forms: net force zero for every translation-invariant term;
// the virial equals -1/2 sum x_i (x) F_i of the unwrapped cluster, and a periodic evaluation of a
// cluster split across the cell boundaries (rectangular and triclinic) gives the same energy,
// forces and virial as the cluster in vacuum; the virial also equals the strain derivative of
// the energy, computed by finite differences.

#include <gtest/gtest.h>

#include "unit/bonded_test_forms.h"

using namespace proteinmd;
using namespace proteinmd::test;

namespace {

class BondedVirial : public ::testing::TestWithParam<Form> {};

double maxAbs(const Matrix3& m)
{
    double v = 0;
    for (int r = 0; r < 3; ++r) {
        v = std::max({v, std::abs(m[r].x), std::abs(m[r].y), std::abs(m[r].z)});
    }
    return v;
}

TEST_P(BondedVirial, NetForceIsZeroAndVirialIsClusterVirial)
{
    for (const ChainGeometry& chain : testChains()) {
        SCOPED_TRACE(chain.name);
        const ForceOutput out = evaluate(makeTerms(GetParam(), chain.x), chain.x, Box{});
        Vec3 net{};
        double fmax = 0;
        for (const Vec3& f : out.forces) {
            net += f;
            fmax = std::max(fmax, norm(f));
        }
        EXPECT_GT(fmax, 0.0);
        Matrix3 expected = clusterVirial(chain.x, out.forces);
        if (GetParam() == Form::PositionRestraint) {
            // Not translation invariant: GROMACS books only the diagonal, -1/2 x_d F_d.
            for (int r = 0; r < 3; ++r) {
                for (int c = 0; c < 3; ++c) {
                    if (r != c) {
                        expected[r][c] = 0.0;
                    }
                }
            }
        } else {
            EXPECT_NEAR(norm(net), 0.0, 1e-12 * fmax);
        }
        // Scale of the sum: elements may cancel to far below the individual x F products.
        double scale = 1.0;
        for (std::size_t a = 0; a < chain.x.size(); ++a) {
            scale = std::max(scale, norm(chain.x[a]) * norm(out.forces[a]));
        }
        expectMatrixNear(out.virial, expected, 1e-11 * scale);
    }
}

TEST_P(BondedVirial, PeriodicImagesGiveTheVacuumResult)
{
    for (const Box& box : {rectangularTestBox(), triclinicTestBox()}) {
        for (const ChainGeometry& chain : testChains()) {
            SCOPED_TRACE(chain.name);
            const std::vector<Vec3> cluster = shiftedToCorner(chain.x);
            const BondedTerms terms = makeTerms(GetParam(), cluster);
            const ForceOutput vacuum = evaluate(terms, cluster, Box{});
            const std::vector<Vec3> wrapped = wrappedAcrossCorner(box, chain.x);
            const ForceOutput periodic = evaluate(terms, wrapped, box);
            const double e = vacuum.energies.total();
            EXPECT_NEAR(periodic.energies.total(), e, 1e-11 * std::max(1.0, std::abs(e)));
            for (std::size_t a = 0; a < wrapped.size(); ++a) {
                for (int d = 0; d < 3; ++d) {
                    EXPECT_NEAR(periodic.forces[a][d], vacuum.forces[a][d], 1e-9 * std::max(1.0, norm(vacuum.forces[a])));
                }
            }
            if (GetParam() == Form::PositionRestraint) {
                continue; // its virial depends on where the atom's image is, by design
            }
            expectMatrixNear(periodic.virial, vacuum.virial, 1e-9 * std::max(1.0, maxAbs(vacuum.virial)));
        }
    }
}

INSTANTIATE_TEST_SUITE_P(AllForms, BondedVirial, ::testing::ValuesIn(allForms()),
                         [](const ::testing::TestParamInfo<Form>& p) { return formName(p.param); });

// Xi = -1/2 sum x (x) F equals 1/2 dE/d(strain) for translation-invariant terms: with
// x'_a = x_a + eps x_b for all atoms, dE/deps = -sum_i F_ia x_ib = 2 Xi[b][a].
TEST(BondedVirialStrain, VirialIsHalfTheStrainDerivative)
{
    const ChainGeometry chain = testChains()[0];
    BondedTerms all;
    for (Form form : allForms()) {
        if (form == Form::PositionRestraint) {
            continue;
        }
        const BondedTerms t = makeTerms(form, chain.x);
        all.harmonicBonds.insert(all.harmonicBonds.end(), t.harmonicBonds.begin(), t.harmonicBonds.end());
        all.g96Bonds.insert(all.g96Bonds.end(), t.g96Bonds.begin(), t.g96Bonds.end());
        all.harmonicAngles.insert(all.harmonicAngles.end(), t.harmonicAngles.begin(), t.harmonicAngles.end());
        all.g96Angles.insert(all.g96Angles.end(), t.g96Angles.begin(), t.g96Angles.end());
        all.ureyBradleyAngles.insert(all.ureyBradleyAngles.end(), t.ureyBradleyAngles.begin(), t.ureyBradleyAngles.end());
        all.properDihedrals.insert(all.properDihedrals.end(), t.properDihedrals.begin(), t.properDihedrals.end());
        all.periodicImpropers.insert(all.periodicImpropers.end(), t.periodicImpropers.begin(), t.periodicImpropers.end());
        all.harmonicImpropers.insert(all.harmonicImpropers.end(), t.harmonicImpropers.begin(), t.harmonicImpropers.end());
        all.rbDihedrals.insert(all.rbDihedrals.end(), t.rbDihedrals.begin(), t.rbDihedrals.end());
        all.cmapTorsions.insert(all.cmapTorsions.end(), t.cmapTorsions.begin(), t.cmapTorsions.end());
        all.cmapGrids.insert(all.cmapGrids.end(), t.cmapGrids.begin(), t.cmapGrids.end());
        all.pairs.insert(all.pairs.end(), t.pairs.begin(), t.pairs.end());
    }
    const std::vector<CmapTable> tables = makeCmapTables(all.cmapGrids);
    const ForceOutput out = evaluate(all, tables, chain.x, Box{});
    const auto strainedEnergy = [&](int a, int b, double eps) {
        std::vector<Vec3> x = chain.x;
        for (Vec3& p : x) {
            p[a] += eps * p[b];
        }
        return evaluate(all, tables, x, Box{}).energies.total();
    };
    for (int a = 0; a < 3; ++a) {
        for (int b = 0; b < 3; ++b) {
            const auto central = [&](double h) { return (strainedEnergy(a, b, h) - strainedEnergy(a, b, -h)) / (2 * h); };
            const double dEdEps = (4.0 * central(0.5e-5) - central(1e-5)) / 3.0;
            EXPECT_NEAR(out.virial[b][a], 0.5 * dEdEps, 1e-6 * std::max(1.0, maxAbs(out.virial)))
                << "strain " << a << b;
        }
    }
}

} // namespace
