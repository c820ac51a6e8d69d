#include "proteinmd/backends/reference_force_field.h"

#include <fmt/format.h>

#include "proteinmd/backends/reference_nonbonded.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/forces/pme.h"
#include "proteinmd/perf/step_timers.h"

namespace proteinmd {

void checkCutoffsFitBox(const NonbondedOptions& options, const Box& box)
{
    if (!options.periodic) {
        return;
    }
    if (!box.isPeriodic()) {
        throw SetupError("periodic boundary conditions (pbc = xyz) need a box, but the coordinates have none; "
                         "give a box or set pbc = no");
    }
    const double longest = std::max(options.rcoulomb, options.rvdw);
    if (longest > box.maxCutoff()) {
        throw SetupError(fmt::format(
            "the cut-off ({:.4f} nm) is longer than half the shortest box width ({:.4f} nm): an atom would "
            "interact with more than one image of another; use a bigger box or a shorter cut-off",
            longest, box.maxCutoff()));
    }
}

ReferenceForceField::ReferenceForceField(const System& system, const NonbondedOptions& options, const Box& box)
    : system_(system), options_(options), cmapTables_(makeCmapTables(system.bonded.cmapGrids))
{
    checkCutoffsFitBox(options_, box);
    ewald_ = chooseEwaldSetup(options_, box);
    if (ewald_) {
        pme_ = std::make_unique<PmeSolver>(PmeParameters{ewald_->grid, ewald_->order, ewald_->coefficient},
                                           system_.numAtoms());
    }
}

ReferenceForceField::~ReferenceForceField() = default;

void ReferenceForceField::compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out)
{
    computeTimed(positions, box, out, nullptr);
}

void ReferenceForceField::compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out,
                                  StepTimers& timers)
{
    computeTimed(positions, box, out, &timers);
}

void ReferenceForceField::computeTimed(std::span<const Vec3> positions, const Box& box, ForceOutput& out,
                                       StepTimers* timers)
{
    if (static_cast<int>(positions.size()) != system_.numAtoms()) {
        throw SetupError(fmt::format("{} positions given for a system of {} atoms", positions.size(),
                                     system_.numAtoms()));
    }
    checkCutoffsFitBox(options_, box);
    // Charging costs two clock reads per part; without timers the parts are simply not charged.
    auto t = StepTimers::Clock::now();
    const auto charge = [&](StepPart part) {
        if (timers != nullptr) {
            t = timers->charge(part, t);
        }
    };
    out.reset(system_.numAtoms());
    addBondedForcesReference(system_.bonded, cmapTables_, options_.epsilonR, positions, box, out);
    charge(StepPart::Bonded);
    addNonbondedForcesReference(system_, options_, positions, box, out);
    charge(StepPart::Nonbonded);
    if (pme_) {
        const double prefactor = units::kCoulombConstant / options_.epsilonR;
        double recip = pme_->compute(positions, system_.charges, box, prefactor, out.forces, out.virial);
        recip += ewaldBackgroundEnergy(system_.totalCharge(), box.volume(), ewald_->coefficient, prefactor);
        out.energies.add(EnergyTerm::CoulombRecip, recip);
        charge(StepPart::Pme);
    }
}

} // namespace proteinmd
