#pragma once
// Test-only: small random systems of charged LJ atoms for the non-bonded tests — rigid-ish
// three-atom "molecules" (all intramolecular pairs excluded) plus single ions, in a periodic box
// (rectangular or triclinic) or in vacuum. Deterministic for a given seed.

#include <cmath>
#include <random>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"

namespace proteinmd::test {

struct NonbondedTestSystem {
    System system;
    std::vector<Vec3> positions;
    Box box;
};

// LJ types: 0 = oxygen-like, 1 = carbon-like, 2 = hydrogen-like without LJ (c6 = c12 = 0, as
// TIP3P H in GROMACS), combined with Lorentz-Berthelot.
inline void setTestLjTypes(System& system)
{
    const double sigma[3] = {0.315, 0.34, 0.0};
    const double eps[3] = {0.64, 0.36, 0.0};
    system.numLjTypes = 3;
    system.c6.assign(9, 0.0);
    system.c12.assign(9, 0.0);
    for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 3; ++j) {
            const double s = 0.5 * (sigma[i] + sigma[j]);
            const double e = std::sqrt(eps[i] * eps[j]);
            const double s6 = std::pow(s, 6);
            system.c6[static_cast<std::size_t>(i * 3 + j)] = 4 * e * s6;
            system.c12[static_cast<std::size_t>(i * 3 + j)] = 4 * e * s6 * s6;
        }
    }
}

// numMolecules three-atom molecules (charges -0.8, +0.4, +0.4) and numIons ions (+-1) placed at
// random in `box` (or a 3 nm region for a non-periodic box) with no two atoms of different
// molecules closer than minDistance (minimum image). Positions are deliberately left unwrapped
// for some atoms (shifted by box vectors) so the code must handle images itself.
inline NonbondedTestSystem makeNonbondedTestSystem(const Box& box, int numMolecules, int numIons, unsigned seed,
                                                   double minDistance = 0.28)
{
    NonbondedTestSystem t;
    t.box = box;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const Matrix3 v = box.isPeriodic() ? box.vectors() : Matrix3{{Vec3{3, 0, 0}, Vec3{0, 3, 0}, Vec3{0, 0, 3}}};
    auto randomPoint = [&] { return v[0] * unit(rng) + v[1] * unit(rng) + v[2] * unit(rng); };
    auto randomDirection = [&] {
        while (true) {
            const Vec3 d{2 * unit(rng) - 1, 2 * unit(rng) - 1, 2 * unit(rng) - 1};
            const double n = norm(d);
            if (n > 0.1 && n < 1) {
                return d / n;
            }
        }
    };
    System& s = t.system;
    setTestLjTypes(s);
    auto farFromOthers = [&](const std::vector<Vec3>& group) {
        for (const Vec3& x : group) {
            for (const Vec3& y : t.positions) {
                if (norm(box.minimumImage(x - y)) < minDistance) {
                    return false;
                }
            }
        }
        return true;
    };
    auto addAtom = [&](const Vec3& x, double q, int type) {
        t.positions.push_back(x);
        s.masses.push_back(type == 2 ? 1.008 : 16.0);
        s.charges.push_back(q);
        s.ljTypes.push_back(type);
        s.exclusions.emplace_back();
    };
    for (int m = 0; m < numMolecules; ++m) {
        std::vector<Vec3> group;
        do {
            const Vec3 centre = randomPoint();
            group = {centre, centre + randomDirection() * 0.1, centre + randomDirection() * 0.1};
        } while (norm(group[1] - group[2]) < 0.12 || !farFromOthers(group));
        const int first = static_cast<int>(t.positions.size());
        addAtom(group[0], -0.8, m % 2 == 0 ? 0 : 1);
        addAtom(group[1], 0.4, 2);
        addAtom(group[2], 0.4, m % 3 == 0 ? 1 : 2);
        for (int a = first; a < first + 3; ++a) {
            for (int b = first; b < first + 3; ++b) {
                if (a != b) {
                    s.exclusions[static_cast<std::size_t>(a)].push_back(b);
                }
            }
        }
    }
    for (int k = 0; k < numIons; ++k) {
        std::vector<Vec3> group;
        do {
            group = {randomPoint()};
        } while (!farFromOthers(group));
        addAtom(group[0], k % 2 == 0 ? 1.0 : -1.0, k % 2 == 0 ? 1 : 0);
    }
    if (box.isPeriodic()) {
        // Move a few atoms by whole box vectors: nothing may depend on which image is stored.
        for (std::size_t i = 0; i < t.positions.size(); i += 5) {
            t.positions[i] += v[0] * double(int(i % 3) - 1) + v[2] * (i % 2 == 0 ? 2.0 : -1.0);
        }
    }
    return t;
}

// Smallest |r - c| over all pairs (minimum image) for the given distances c: configurations with
// a pair within a finite-difference step of a cut-off are not differentiable there.
inline double closestApproachTo(const NonbondedTestSystem& t, std::initializer_list<double> distances)
{
    double closest = HUGE_VAL;
    for (std::size_t i = 0; i < t.positions.size(); ++i) {
        for (std::size_t j = i + 1; j < t.positions.size(); ++j) {
            const double r = norm(t.box.minimumImage(t.positions[i] - t.positions[j]));
            for (double c : distances) {
                closest = std::min(closest, std::abs(r - c));
            }
        }
    }
    return closest;
}

} // namespace proteinmd::test
