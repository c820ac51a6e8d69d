// Reference non-bonded forces and virial against finite differences of its own energy, for every
// LJ modifier x electrostatics combination, in rectangular, triclinic and non-periodic boxes.
#include <gtest/gtest.h>

#include <string>

#include "backends/reference/reference_nonbonded_impl.h"
#include "test_support/nonbonded_test_systems.h"

using namespace proteinmd;

namespace {

struct Case {
    std::string name;
    NonbondedOptions options;
};

std::vector<Case> allCombinations(double rc)
{
    struct Coulomb {
        const char* name;
        CoulombType type;
        InteractionModifier modifier;
        double epsilonR;
        double epsilonRf;
    };
    const Coulomb coulombs[] = {
        {"cutoff-shift", CoulombType::CutOff, InteractionModifier::PotentialShift, 1.0, 1.0},
        {"cutoff-none", CoulombType::CutOff, InteractionModifier::None, 1.0, 1.0},
        {"rf-inf", CoulombType::ReactionField, InteractionModifier::PotentialShift, 1.0, 0.0},
        {"rf-78", CoulombType::ReactionField, InteractionModifier::None, 2.0, 78.5},
        {"pme-none", CoulombType::Pme, InteractionModifier::None, 1.0, 0.0},
        {"ewald-shift", CoulombType::Ewald, InteractionModifier::PotentialShift, 1.0, 0.0},
    };
    struct Lj {
        const char* name;
        InteractionModifier modifier;
    };
    const Lj ljs[] = {{"lj-none", InteractionModifier::None},
                      {"lj-shift", InteractionModifier::PotentialShift},
                      {"lj-fswitch", InteractionModifier::ForceSwitch},
                      {"lj-pswitch", InteractionModifier::PotentialSwitch}};
    std::vector<Case> cases;
    for (const Coulomb& c : coulombs) {
        for (const Lj& l : ljs) {
            Case k;
            k.name = std::string(c.name) + "/" + l.name;
            k.options.coulombType = c.type;
            k.options.coulombModifier = c.modifier;
            k.options.epsilonR = c.epsilonR;
            k.options.epsilonRf = c.epsilonRf;
            k.options.rcoulomb = rc;
            k.options.rvdw = rc;
            k.options.vdwModifier = l.modifier;
            k.options.rvdwSwitch = rc - 0.25;
            cases.push_back(k);
        }
    }
    // PME with a shorter LJ cut-off (allowed by GROMACS for PME only).
    Case shortLj = cases[static_cast<std::size_t>(4 * 4 + 1)];
    shortLj.name = "pme-none/lj-shift rvdw<rc";
    shortLj.options.rvdw = rc - 0.1;
    cases.push_back(shortLj);
    return cases;
}

double totalEnergy(const test::NonbondedTestSystem& t, const NonbondedOptions& options, const std::vector<Vec3>& x,
                   const Box& box, ForceOutput* keep = nullptr)
{
    ForceOutput out;
    out.reset(t.system.numAtoms());
    addNonbondedForcesReference(t.system, options, x, box, out);
    if (keep) {
        *keep = out;
    }
    return out.energies.total();
}

// Largest |F - (-dE/dx)| over all components, relative to the largest force component.
double maxRelativeForceError(const test::NonbondedTestSystem& t, const NonbondedOptions& options)
{
    ForceOutput out;
    totalEnergy(t, options, t.positions, t.box, &out);
    const double h = 1e-4;
    double maxForce = 0;
    double maxError = 0;
    std::vector<Vec3> x = t.positions;
    for (std::size_t i = 0; i < x.size(); ++i) {
        for (int d = 0; d < 3; ++d) {
            const double x0 = x[i][d];
            double e[4];
            const double steps[4] = {-2, -1, 1, 2};
            for (int s = 0; s < 4; ++s) {
                x[i][d] = x0 + steps[s] * h;
                e[s] = totalEnergy(t, options, x, t.box);
            }
            x[i][d] = x0;
            const double gradient = (e[0] - 8 * e[1] + 8 * e[2] - e[3]) / (12 * h);
            maxForce = std::max(maxForce, std::abs(out.forces[i][d]));
            maxError = std::max(maxError, std::abs(out.forces[i][d] + gradient));
        }
    }
    return maxError / maxForce;
}

test::NonbondedTestSystem makeSmoothSystem(const Box& box, const NonbondedOptions& options, unsigned seed)
{
    // Retry seeds until no pair sits within a finite-difference reach of a cut-off.
    for (unsigned s = seed;; ++s) {
        test::NonbondedTestSystem t = test::makeNonbondedTestSystem(box, 10, 6, s);
        if (!box.isPeriodic() || test::closestApproachTo(t, {options.rcoulomb, options.rvdw, options.rvdw - 0.1}) > 1e-3) {
            return t;
        }
    }
}

void checkForcesForAllCombinations(const Box& box, double rc, unsigned seed)
{
    for (const Case& c : allCombinations(rc)) {
        SCOPED_TRACE(c.name);
        const test::NonbondedTestSystem t = makeSmoothSystem(box, c.options, seed);
        // Measured ~1e-11 (rounding of the 5-point difference); 1e-8 still catches a 1% error
        // in one switching coefficient, which 1e-6 would barely see.
        EXPECT_LT(maxRelativeForceError(t, c.options), 1e-8);
    }
}

Box triclinicBox() { return Box::triclinic({2.4, 0, 0}, {0.5, 2.3, 0}, {-0.6, 0.7, 2.2}); }

} // namespace

TEST(NonbondedForces, MatchEnergyGradientRectangular)
{
    checkForcesForAllCombinations(Box::rectangular(2.0, 2.1, 1.9), 0.9, 11);
}

TEST(NonbondedForces, MatchEnergyGradientTriclinic)
{
    ASSERT_GT(triclinicBox().maxCutoff(), 0.9);
    checkForcesForAllCombinations(triclinicBox(), 0.9, 23);
}

TEST(NonbondedForces, MatchEnergyGradientNonPeriodic)
{
    NonbondedOptions options;
    options.periodic = false;
    const test::NonbondedTestSystem t = makeSmoothSystem(Box{}, options, 5);
    EXPECT_LT(maxRelativeForceError(t, options), 1e-8);
}

TEST(NonbondedForces, PairForcesSumToZero)
{
    for (const Case& c : allCombinations(0.9)) {
        SCOPED_TRACE(c.name);
        const test::NonbondedTestSystem t = test::makeNonbondedTestSystem(triclinicBox(), 10, 6, 3);
        ForceOutput out;
        totalEnergy(t, c.options, t.positions, t.box, &out);
        Vec3 net{};
        double largest = 0;
        for (const Vec3& f : out.forces) {
            net += f;
            largest = std::max(largest, norm(f));
        }
        EXPECT_LT(norm(net), 1e-12 * largest * static_cast<double>(out.forces.size()));
    }
}

// Non-periodic: the pair virial -1/2 sum_pairs r_ij (x) f_ij equals -1/2 sum_i x_i (x) F_i.
TEST(NonbondedVirial, NonPeriodicClusterEqualsPositionForceSum)
{
    NonbondedOptions options;
    options.periodic = false;
    const test::NonbondedTestSystem t = test::makeNonbondedTestSystem(Box{}, 12, 4, 9);
    ForceOutput out;
    totalEnergy(t, options, t.positions, t.box, &out);
    Matrix3 expected{};
    for (std::size_t i = 0; i < t.positions.size(); ++i) {
        expected += outer(t.positions[i], out.forces[i]) * -0.5;
    }
    double scale = 0;
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            scale = std::max(scale, std::abs(expected[r][c]));
        }
    }
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            EXPECT_NEAR(out.virial[r][c], expected[r][c], 1e-10 * scale) << r << c;
        }
    }
}

// Periodic: deforming positions and box together by x -> (1 + lambda E_ab) x changes every pair
// vector the same way, so dE/dlambda = -sum_pairs fOverR d_a d_b = 2 Xi_ab.
TEST(NonbondedVirial, PeriodicMatchesEnergyDerivativeUnderBoxDeformation)
{
    const Box base = triclinicBox();
    for (const Case& c : allCombinations(0.9)) {
        if (c.options.vdwModifier != InteractionModifier::PotentialShift) {
            continue;
        }
        SCOPED_TRACE(c.name);
        const test::NonbondedTestSystem t = makeSmoothSystem(base, c.options, 41);
        ForceOutput out;
        totalEnergy(t, c.options, t.positions, t.box, &out);
        // (a, b) with a <= b keeps the box lower triangular.
        const int pairs[6][2] = {{0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
        for (const auto& ab : pairs) {
            const int a = ab[0];
            const int b = ab[1];
            auto deformed = [&](double lambda) {
                auto apply = [&](Vec3 x) {
                    x[a] += lambda * x[b];
                    return x;
                };
                std::vector<Vec3> x = t.positions;
                for (Vec3& p : x) {
                    p = apply(p);
                }
                const Matrix3& v = base.vectors();
                const Box box = Box::triclinic(apply(v[0]), apply(v[1]), apply(v[2]));
                return totalEnergy(t, c.options, x, box);
            };
            const double h = 1e-5;
            const double derivative =
                (deformed(-2 * h) - 8 * deformed(-h) + 8 * deformed(h) - deformed(2 * h)) / (12 * h);
            EXPECT_NEAR(derivative, 2 * out.virial[a][b], 1e-6 * std::abs(out.virial.trace()) + 1e-7) << a << b;
            EXPECT_DOUBLE_EQ(out.virial[a][b], out.virial[b][a]);
        }
    }
}
