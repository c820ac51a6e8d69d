#pragma once
// A catalogue of every bonded form with sane parameters, applied along a chain of atoms, and the
// chain geometries the finite-difference and virial tests run over.

#include <random>
#include <string>
#include <vector>

#include "unit/bonded_test_support.h"

namespace proteinmd::test {

enum class Form {
    HarmonicBond, G96Bond, HarmonicAngle, G96Angle, UreyBradley, ProperDihedral, PeriodicImproper,
    HarmonicImproper, RbDihedral, Cmap, Pair14, PositionRestraint
};

inline const std::vector<Form>& allForms()
{
    static const std::vector<Form> forms{Form::HarmonicBond,     Form::G96Bond,         Form::HarmonicAngle,
                                         Form::G96Angle,         Form::UreyBradley,     Form::ProperDihedral,
                                         Form::PeriodicImproper, Form::HarmonicImproper, Form::RbDihedral,
                                         Form::Cmap,             Form::Pair14,          Form::PositionRestraint};
    return forms;
}

inline std::string formName(Form f)
{
    static const char* names[] = {"HarmonicBond",     "G96Bond",          "HarmonicAngle", "G96Angle",
                                  "UreyBradley",      "ProperDihedral",   "PeriodicImproper",
                                  "HarmonicImproper", "RbDihedral",       "Cmap",
                                  "Pair14",           "PositionRestraint"};
    return names[static_cast<int>(f)];
}

// A smooth periodic surface plus a little seeded noise on a 24x24 grid: a realistic CMAP grid.
inline CmapGrid testCmapGrid()
{
    CmapGrid g;
    g.gridSize = 24;
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> noise(-0.5, 0.5);
    for (int i = 0; i < 24; ++i) {
        for (int j = 0; j < 24; ++j) {
            const double phi = deg(-180.0 + 15.0 * i);
            const double psi = deg(-180.0 + 15.0 * j);
            g.energies.push_back(3.0 * std::cos(phi) - 2.0 * std::sin(2 * psi) + 1.5 * std::cos(phi - psi) + noise(rng));
        }
    }
    return g;
}

// Terms of one form over every consecutive group of atoms of a chain of n atoms.
inline BondedTerms makeTerms(Form form, const std::vector<Vec3>& x)
{
    const int n = static_cast<int>(x.size());
    BondedTerms t;
    for (int i = 0; i < n; ++i) {
        switch (form) {
        case Form::HarmonicBond:
            if (i + 1 < n) t.harmonicBonds.push_back({{i, i + 1}, 0.14, 3.0e5});
            break;
        case Form::G96Bond:
            if (i + 1 < n) t.g96Bonds.push_back({{i, i + 1}, 0.14, 1.0e7});
            break;
        case Form::HarmonicAngle:
            if (i + 2 < n) t.harmonicAngles.push_back({{i, i + 1, i + 2}, deg(112.0), 400.0});
            break;
        case Form::G96Angle:
            if (i + 2 < n) t.g96Angles.push_back({{i, i + 1, i + 2}, deg(109.5), 500.0});
            break;
        case Form::UreyBradley:
            if (i + 2 < n) t.ureyBradleyAngles.push_back({{i, i + 1, i + 2}, deg(107.0), 300.0, 0.23, 2.0e4});
            break;
        case Form::ProperDihedral:
            if (i + 3 < n) {
                t.properDihedrals.push_back({{i, i + 1, i + 2, i + 3}, 0.0, 5.0, 1});
                t.properDihedrals.push_back({{i, i + 1, i + 2, i + 3}, deg(180.0), 2.0, 2});
                t.properDihedrals.push_back({{i, i + 1, i + 2, i + 3}, deg(30.0), 1.3, 3});
            }
            break;
        case Form::PeriodicImproper:
            if (i + 3 < n) t.periodicImpropers.push_back({{i, i + 1, i + 2, i + 3}, deg(180.0), 4.6, 2});
            break;
        case Form::HarmonicImproper:
            if (i + 3 < n) {
                t.harmonicImpropers.push_back({{i, i + 1, i + 2, i + 3}, deg(35.26), 300.0});
                t.harmonicImpropers.push_back({{i, i + 1, i + 2, i + 3}, deg(175.0), 150.0});
            }
            break;
        case Form::RbDihedral:
            if (i + 3 < n) t.rbDihedrals.push_back({{i, i + 1, i + 2, i + 3}, {9.28, 12.16, -13.12, -3.06, 26.24, -31.5}});
            break;
        case Form::Cmap:
            if (i + 4 < n) t.cmapTorsions.push_back({{i, i + 1, i + 2, i + 3, i + 4}, 0});
            break;
        case Form::Pair14:
            if (i + 3 < n) t.pairs.push_back({{i, i + 3}, 2.0e-3, 3.0e-6, -0.2});
            break;
        case Form::PositionRestraint:
            t.positionRestraints.push_back({i, x[static_cast<std::size_t>(i)] + Vec3{0.03, -0.02, 0.05 * (i % 3 - 1)},
                                            {1000.0, 2000.0, 3000.0}});
            break;
        }
    }
    if (form == Form::Cmap) {
        t.cmapGrids.push_back(testCmapGrid());
    }
    return t;
}

struct ChainGeometry {
    std::string name;
    std::vector<Vec3> x;
    // Finite-difference step (nm): near-linear angles have structure on the scale r sin(theta),
    // so they need a step well below it.
    double fdStep = 1e-5;
};

// Seven-atom chains: generic, angles near 180 degrees, dihedrals near 0 and 180 degrees, and
// seeded random ones.
inline std::vector<ChainGeometry> testChains()
{
    std::vector<ChainGeometry> chains;
    const std::vector<double> bonds{0.153, 0.132, 0.147, 0.152, 0.123, 0.135};
    chains.push_back({"generic", buildChain(bonds, {111, 121, 108, 115, 119}, {-63, 178.3, 67, -120})});
    chains.push_back({"nearly-linear", buildChain(bonds, {179.5, 120, 179.9, 110, 178.0}, {50, -100, 170, 20}), 2e-7});
    chains.push_back({"cis-trans", buildChain(bonds, {112, 118, 109, 114, 121}, {0.2, -179.7, 179.6, -0.5})});
    std::mt19937 rng(12345);
    std::uniform_real_distribution<double> bond(0.1, 0.2);
    std::uniform_real_distribution<double> angle(80.0, 150.0);
    std::uniform_real_distribution<double> dihedral(-180.0, 180.0);
    for (int c = 0; c < 3; ++c) {
        std::vector<double> b;
        std::vector<double> a;
        std::vector<double> d;
        for (int i = 0; i < 6; ++i) b.push_back(bond(rng));
        for (int i = 0; i < 5; ++i) a.push_back(angle(rng));
        for (int i = 0; i < 4; ++i) d.push_back(dihedral(rng));
        chains.push_back({"random" + std::to_string(c), buildChain(b, a, d, {0.3, -0.2, 0.1})});
    }
    return chains;
}

} // namespace proteinmd::test
