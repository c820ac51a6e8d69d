#include "proteinmd/backends/verlet_buffer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "proteinmd/forces/ewald_parameters.h"

#include "proteinmd/backends/reference_nonbonded.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/forces/nonbonded_formulas.h"

namespace proteinmd {

namespace {

// Atoms that behave alike for the estimate, and how many there are.
struct AtomClass {
    double mass = 0;
    double charge = 0;
    int ljType = 0;
    double count = 0;
};

std::vector<AtomClass> atomClasses(const System& system)
{
    std::map<std::tuple<double, double, int>, double> counts;
    for (int i = 0; i < system.numAtoms(); ++i) {
        const auto a = static_cast<std::size_t>(i);
        counts[{system.masses[a], system.charges[a], system.ljTypes[a]}] += 1.0;
    }
    std::vector<AtomClass> classes;
    for (const auto& [key, n] : counts) {
        classes.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), n});
    }
    return classes;
}

// |V'|, |V''|, |V'''| at the cut-off.
struct Derivatives {
    double d1 = 0, d2 = 0, d3 = 0;
};

Derivatives ljDerivatives(double c6, double c12, double rc)
{
    const double r6 = std::pow(rc, -6.0), r12 = r6 * r6;
    return {std::abs(-12.0 * c12 * r12 / rc + 6.0 * c6 * r6 / rc),
            std::abs(156.0 * c12 * r12 / (rc * rc) - 42.0 * c6 * r6 / (rc * rc)),
            std::abs(-2184.0 * c12 * r12 / (rc * rc * rc) + 336.0 * c6 * r6 / (rc * rc * rc))};
}

// Derivatives of the unit-charge Coulomb kernel in use, by central differences (any kernel, no
// per-kernel algebra; h^2 truncation is far below what an estimate needs).
Derivatives coulombDerivatives(const nonbonded::CoulombConstants& k, double rc)
{
    const double h = 1e-3 * rc;
    auto v = [&](double r) { return nonbonded::coulombPair(1.0, r * r, k).energy; };
    const double vm2 = v(rc - 2 * h), vm1 = v(rc - h), v0 = v(rc), vp1 = v(rc + h), vp2 = v(rc + 2 * h);
    return {std::abs((vp1 - vm1) / (2 * h)), std::abs((vp1 - 2 * v0 + vm1) / (h * h)),
            std::abs((vp2 - 2 * vp1 + 2 * vm1 - vm2) / (2 * h * h * h))};
}

nonbonded::CoulombConstants coulombConstants(const NonbondedOptions& o)
{
    switch (o.coulombType) {
    case CoulombType::Pme:
    case CoulombType::Ewald:
        return nonbonded::CoulombConstants::ewaldReal(o.epsilonR, ewaldCoefficient(o),
                                                      o.rcoulomb, false);
    case CoulombType::ReactionField:
        return nonbonded::CoulombConstants::reactionField(o.epsilonR, o.epsilonRf, o.rcoulomb);
    case CoulombType::CutOff:
        break;
    }
    return nonbonded::CoulombConstants::cutOff(o.epsilonR, o.rcoulomb, false);
}

// Expected energy error of one pair whose radial separation starts `beyond` nm past the cut-off and
// changes by a Gaussian of variance s2: E[G(X - beyond); X > beyond] with G(z) = d1 z^2/2 + d2 z^3/6
// + d3 z^4/24 (the Taylor-expanded potential integrated over the penetration depth), from the
// closed-form partial moments of the normal distribution.
double pairError(const Derivatives& d, double beyond, double s2)
{
    if (s2 <= 0) {
        return 0;
    }
    const double s = std::sqrt(s2);
    const double a = beyond / s;
    const double q = 0.5 * std::erfc(a / std::sqrt(2.0));
    const double phi = std::exp(-0.5 * a * a) / std::sqrt(2.0 * units::kPi);
    const double m2 = ((1 + a * a) * q - a * phi) * s2;
    const double m3 = ((a * a + 2) * phi - a * (a * a + 3) * q) * s2 * s;
    const double m4 = ((a * a * a * a + 6 * a * a + 3) * q - a * (a * a + 5) * phi) * s2 * s2;
    return d.d1 * m2 / 2 + d.d2 * m3 / 6 + d.d3 * m4 / 24;
}

void checkSettings(const Box& box, const VerletBufferSettings& s)
{
    if (!(s.tolerance > 0) || s.nstlist < 1 || !(s.dt > 0) || !(s.temperature >= 0)) {
        throw SetupError(fmt::format("verlet buffer estimate: need tolerance > 0, nstlist >= 1, dt > 0 and temperature "
                                     ">= 0; got tolerance {}, nstlist {}, dt {}, temperature {}",
                                     s.tolerance, s.nstlist, s.dt, s.temperature));
    }
    if (!box.isPeriodic() || !(box.volume() > 0)) {
        throw SetupError("verlet buffer estimate: needs a periodic box with a volume");
    }
}

// Everything that does not depend on the buffer, per pair of atom classes.
struct PairClass {
    double weight = 0; // n_i n_j (or n_i^2 / 2 for i == j): pairs, before density and shell area
    double s2 = 0;     // variance of the relative radial displacement (nm^2)
    Derivatives lj, coulomb;
};

std::vector<PairClass> pairClasses(const System& system, const NonbondedOptions& options,
                                   const VerletBufferSettings& settings)
{
    const std::vector<AtomClass> classes = atomClasses(system);
    const nonbonded::CoulombConstants coulomb = coulombConstants(options);
    const Derivatives unitCoulomb = coulombDerivatives(coulomb, options.rcoulomb);
    const double t = (settings.nstlist - 1) * settings.dt;
    const double kT = units::kBoltzmann * settings.temperature;
    std::vector<PairClass> pairs;
    for (std::size_t i = 0; i < classes.size(); ++i) {
        for (std::size_t j = i; j < classes.size(); ++j) {
            const AtomClass& a = classes[i];
            const AtomClass& b = classes[j];
            PairClass p;
            p.weight = i == j ? 0.5 * a.count * a.count : a.count * b.count;
            const double inverseMasses = (a.mass > 0 ? 1 / a.mass : 0) + (b.mass > 0 ? 1 / b.mass : 0);
            p.s2 = kT * t * t * inverseMasses;
            p.lj = ljDerivatives(system.c6Of(a.ljType, b.ljType), system.c12Of(a.ljType, b.ljType), options.rvdw);
            const double qq = std::abs(a.charge * b.charge);
            p.coulomb = {unitCoulomb.d1 * qq, unitCoulomb.d2 * qq, unitCoulomb.d3 * qq};
            pairs.push_back(p);
        }
    }
    return pairs;
}

double drift(const std::vector<PairClass>& pairs, const NonbondedOptions& options, double volume, int numAtoms,
             double buffer, const VerletBufferSettings& settings)
{
    const double rlist = std::max(options.rcoulomb, options.rvdw) + buffer;
    double error = 0;
    for (const PairClass& p : pairs) {
        error += p.weight * (pairError(p.lj, rlist - options.rvdw, p.s2) +
                             pairError(p.coulomb, rlist - options.rcoulomb, p.s2));
    }
    error *= 4 * units::kPi * rlist * rlist / volume;
    return error / std::max(numAtoms, 1) / (settings.nstlist * settings.dt);
}

} // namespace

double verletBufferDrift(const System& system, const NonbondedOptions& options, const Box& box, double buffer,
                         const VerletBufferSettings& settings)
{
    checkSettings(box, settings);
    return drift(pairClasses(system, options, settings), options, box.volume(), system.numAtoms(), buffer, settings);
}

double verletBufferFromTolerance(const System& system, const NonbondedOptions& options, const Box& box,
                                 const VerletBufferSettings& settings)
{
    checkSettings(box, settings);
    const std::vector<PairClass> pairs = pairClasses(system, options, settings);
    auto over = [&](double b) {
        return drift(pairs, options, box.volume(), system.numAtoms(), b, settings) > settings.tolerance;
    };
    if (!over(0.0)) {
        return 0.0;
    }
    double lo = 0, hi = 0.05;
    while (over(hi)) {
        lo = hi;
        hi *= 2;
        if (hi > 10) {
            throw SetupError("verlet buffer estimate: no buffer below 10 nm meets the tolerance");
        }
    }
    while (hi - lo > 1e-4) {
        const double mid = 0.5 * (lo + hi);
        (over(mid) ? lo : hi) = mid;
    }
    return std::ceil(hi * 1000.0 - 1e-9) / 1000.0;
}

} // namespace proteinmd
