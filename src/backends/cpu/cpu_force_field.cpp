#include "proteinmd/backends/cpu_force_field.h"

#include <omp.h>

#include <algorithm>

#include <fmt/format.h>

#include "proteinmd/backends/cpu_nonbonded.h"
#include "proteinmd/backends/reference_bonded.h"
#include "proteinmd/backends/reference_nonbonded.h"
#include "proteinmd/backends/verlet_buffer.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd {

CpuForceFieldOptions cpuForceFieldOptions(const MdpOptions& mdp, int numThreads)
{
    CpuForceFieldOptions o;
    o.numThreads = numThreads;
    o.nstlist = mdp.nstlist;
    o.dt = mdp.dt;
    o.verletBufferTolerance = mdp.verletBufferTolerance;
    if (mdp.verletBufferTolerance < 0) {
        o.buffer = std::max(0.0, mdp.rlist - std::max(mdp.nonbonded.rcoulomb, mdp.nonbonded.rvdw));
    } else {
        o.buffer = -1;
        o.temperature = mdp.tcoupl != "no" && !mdp.refT.empty() ? *std::max_element(mdp.refT.begin(), mdp.refT.end())
                                                                : mdp.genTemp;
    }
    return o;
}

CpuForceField::CpuForceField(const System& system, const NonbondedOptions& options, const Box& box,
                             const CpuForceFieldOptions& cpuOptions)
    : system_(system), options_(options), cmapTables_(makeCmapTables(system.bonded.cmapGrids))
{
    if (cpuOptions.numThreads < 0 || cpuOptions.nstlist < 1) {
        throw SetupError(fmt::format("CpuForceField: need numThreads >= 0 and nstlist >= 1, got {} and {}",
                                     cpuOptions.numThreads, cpuOptions.nstlist));
    }
    checkCutoffsFitBox(options_, box);
    numThreads_ = cpuOptions.numThreads > 0 ? cpuOptions.numThreads : omp_get_max_threads();
    nstlist_ = cpuOptions.nstlist;
    if (cpuOptions.buffer >= 0) {
        buffer_ = cpuOptions.buffer;
    } else if (options_.periodic && box.isPeriodic()) {
        buffer_ = verletBufferFromTolerance(
            system_, options_, box,
            VerletBufferSettings{cpuOptions.verletBufferTolerance, cpuOptions.temperature, nstlist_, cpuOptions.dt});
    }
    nonbonded_ = std::make_unique<CpuNonbonded>(system_, options_, box, buffer_, numThreads_);

    const bool ewald = options_.periodic &&
                       (options_.coulombType == CoulombType::Pme || options_.coulombType == CoulombType::Ewald);
    if (ewald) {
        if (options_.coulombType == CoulombType::Ewald) {
            throw SetupError("coulombtype = Ewald (plain Ewald summation) is not supported; use PME");
        }
        EwaldSetup setup;
        setup.coefficient = ewaldCoefficientFromTolerance(options_.rcoulomb, options_.ewaldRtol);
        setup.order = options_.pmeOrder;
        const bool explicitGrid =
            options_.fourierGrid[0] > 0 && options_.fourierGrid[1] > 0 && options_.fourierGrid[2] > 0;
        setup.grid = explicitGrid ? options_.fourierGrid
                                  : pmeGridFromSpacing(box, options_.fourierSpacing, options_.pmeOrder);
        PmeParameters parameters{setup.grid, setup.order, setup.coefficient};
        parameters.numThreads = numThreads_;
        parameters.precision = cpuOptions.pmePrecision;
        pme_ = std::make_unique<PmeSolver>(parameters, system_.numAtoms());
        ewald_ = setup;
    }
}

CpuForceField::~CpuForceField() = default;

double CpuForceField::rlist() const { return nonbonded_->rlist(); }

bool CpuForceField::usesFastPath() const { return nonbonded_->usesFastPath(); }

void CpuForceField::compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, bool computeEnergy)
{
    if (static_cast<int>(positions.size()) != system_.numAtoms()) {
        throw SetupError(fmt::format("{} positions given for a system of {} atoms", positions.size(),
                                     system_.numAtoms()));
    }
    checkCutoffsFitBox(options_, box);
    auto t = StepTimers::Clock::now();
    out.reset(system_.numAtoms());
    if (nonbonded_->updatePairList(positions, box, step_, nstlist_)) {
        ++pairListBuilds_;
    }
    t = timers_.charge(StepPart::PairSearch, t);
    nonbonded_->compute(positions, box, out, computeEnergy);
    t = timers_.charge(StepPart::Nonbonded, t);
    addBondedForcesReference(system_.bonded, cmapTables_, options_.epsilonR, positions, box, out);
    t = timers_.charge(StepPart::Bonded, t);
    if (pme_) {
        const double prefactor = units::kCoulombConstant / options_.epsilonR;
        double recip = pme_->compute(positions, system_.charges, box, prefactor, out.forces, out.virial);
        if (computeEnergy) {
            recip += ewaldBackgroundEnergy(system_.totalCharge(), box.volume(), ewald_->coefficient, prefactor);
            out.energies.add(EnergyTerm::CoulombRecip, recip);
        }
        t = timers_.charge(StepPart::Pme, t);
    }
    ++step_;
}

ForceFunction CpuForceField::asForceFunction()
{
    return [this](std::span<const Vec3> positions, const Box& box, ForceOutput& out) { compute(positions, box, out); };
}

} // namespace proteinmd
