#include "proteinmd/backends/cpu_force_field.h"

#include <omp.h>

#include <algorithm>
#include <exception>

#include <fmt/format.h>

#include "backends/cpu/cpu_bonded.h"
#include "proteinmd/backends/cpu_nonbonded.h"
#include "proteinmd/backends/reference_bonded.h"
#include "proteinmd/backends/reference_nonbonded.h"
#include "proteinmd/backends/verlet_buffer.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/units.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd {

namespace {

// Contiguous slice `chunk` of `numChunks` of a table.
template <typename T>
std::vector<T> slice(const std::vector<T>& table, int chunk, int numChunks)
{
    const std::size_t n = table.size();
    const std::size_t begin = n * static_cast<std::size_t>(chunk) / static_cast<std::size_t>(numChunks);
    const std::size_t end = n * static_cast<std::size_t>(chunk + 1) / static_cast<std::size_t>(numChunks);
    return std::vector<T>(table.begin() + static_cast<std::ptrdiff_t>(begin), table.begin() + static_cast<std::ptrdiff_t>(end));
}

template <typename T>
void widenRange(const std::vector<T>& table, int& lo, int& hi)
{
    for (const T& entry : table) {
        if constexpr (requires { entry.atoms; }) {
            for (int a : entry.atoms) {
                lo = std::min(lo, a);
                hi = std::max(hi, a);
            }
        } else {
            lo = std::min(lo, entry.atom);
            hi = std::max(hi, entry.atom);
        }
    }
}

BondedTerms bondedChunk(const BondedTerms& all, int chunk, int numChunks, int& lo, int& hi)
{
    BondedTerms t;
    auto take = [&](auto member) {
        t.*member = slice(all.*member, chunk, numChunks);
        widenRange(t.*member, lo, hi);
    };
    take(&BondedTerms::harmonicBonds);
    take(&BondedTerms::g96Bonds);
    take(&BondedTerms::harmonicAngles);
    take(&BondedTerms::g96Angles);
    take(&BondedTerms::ureyBradleyAngles);
    take(&BondedTerms::properDihedrals);
    take(&BondedTerms::periodicImpropers);
    take(&BondedTerms::harmonicImpropers);
    take(&BondedTerms::rbDihedrals);
    take(&BondedTerms::cmapTorsions);
    take(&BondedTerms::pairs);
    take(&BondedTerms::positionRestraints);
    t.cmapGrids = all.cmapGrids; // grid indices refer to the whole list
    return t;
}

} // namespace

BufferTemperature bufferTemperature(const MdpOptions& mdp, double startTemperature)
{
    // As grompp: coupled runs (a thermostat, or sd, whose friction couples) at their largest ref-t;
    // constant energy at gen-temp when velocities are generated, else at the start velocities'.
    const bool coupled = mdp.tcoupl != "no" || mdp.integrator == "sd";
    if (coupled && !mdp.refT.empty()) {
        return {*std::max_element(mdp.refT.begin(), mdp.refT.end()), "the largest ref-t"};
    }
    if (mdp.genVel) {
        return {mdp.genTemp, "constant energy: gen-temp"};
    }
    if (startTemperature > 0) {
        return {startTemperature, "constant energy: the start velocities' temperature, as grompp"};
    }
    return {mdp.genTemp, "constant energy without start velocities: gen-temp"};
}

CpuForceFieldOptions cpuForceFieldOptions(const MdpOptions& mdp, int numThreads, double startTemperature)
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
        o.temperature = bufferTemperature(mdp, startTemperature).kelvin;
    }
    return o;
}

CpuForceFieldOptions cpuRunForceFieldOptions(const MdpOptions& mdp, int numThreads, double startTemperature)
{
    CpuForceFieldOptions o = cpuForceFieldOptions(mdp, numThreads, startTemperature);
    // The estimate for the mdp's own nstlist (GROMACS's buffer); the longer periodic interval only
    // spares rebuilds, the displacement checks keep the list complete.
    o.estimateNstlist = o.nstlist;
    o.nstlist = std::max(o.nstlist, kMinRunNstlist);
    o.minBuffer = kMinRunBuffer; // applies to the estimate only; an explicit rlist is kept
    o.nstprune = kRunNstprune;
    if (o.verletBufferTolerance > 0) {
        o.pruneRule = PruneRule::Estimated;
        o.pruneBuffer = -1; // the estimate; no pruning when it is not below the outer buffer
        o.pruneToleranceFraction = kRunPruneToleranceFraction;
    } else {
        o.pruneRule = PruneRule::Exact;
        o.pruneBuffer = kRunPruneBuffer; // used when below the buffer
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
            VerletBufferSettings{cpuOptions.verletBufferTolerance, cpuOptions.temperature,
                                 cpuOptions.estimateNstlist > 0 ? cpuOptions.estimateNstlist : nstlist_, cpuOptions.dt});
        // The lower bound gives way to the box: past maxCutoff the list has no fast path. It stops
        // kBoxShrinkRoom short of it, so that a barostat can shrink the box: at the limit itself, a
        // freshly solvated dodecahedron under C-rescale stopped at its first contraction.
        const double roomInBox =
            (1.0 - kBoxShrinkRoom) * box.maxCutoff() - std::max(options_.rcoulomb, options_.rvdw);
        buffer_ = std::max(buffer_, std::min(cpuOptions.minBuffer, std::max(roomInBox, 0.0)));
    }
    if (cpuOptions.nstprune < 1) {
        throw SetupError(fmt::format("CpuForceField: need nstprune >= 1, got {}", cpuOptions.nstprune));
    }
    nstprune_ = cpuOptions.nstprune;
    pruneRule_ = cpuOptions.pruneRule;
    double pruneBuffer = cpuOptions.pruneBuffer;
    if (pruneRule_ == PruneRule::Estimated && pruneBuffer < 0 && cpuOptions.verletBufferTolerance > 0 &&
        options_.periodic && box.isPeriodic()) {
        // GROMACS's inner list: the tolerance (times the fraction), for the nstprune steps a
        // pruned list lives.
        if (!(cpuOptions.pruneToleranceFraction > 0)) {
            throw SetupError(fmt::format("CpuForceField: the prune tolerance fraction must be > 0, got {}",
                                         cpuOptions.pruneToleranceFraction));
        }
        pruneBuffer = verletBufferFromTolerance(
            system_, options_, box,
            VerletBufferSettings{cpuOptions.verletBufferTolerance * cpuOptions.pruneToleranceFraction,
                                 cpuOptions.temperature, nstprune_, cpuOptions.dt});
    }
    pruneBuffer_ = pruneBuffer >= 0 && pruneBuffer < buffer_ ? pruneBuffer : -1;
    // Once here instead of in every step's chunk loops (which then use the unchecked evaluation).
    checkBondedIndices(system_.bonded, cmapTables_, static_cast<std::size_t>(system_.numAtoms()));
    for (int c = 0; c < kBondedChunks; ++c) {
        BondedChunk chunk;
        chunk.firstAtom = system_.numAtoms();
        chunk.terms = bondedChunk(system_.bonded, c, kBondedChunks, chunk.firstAtom, chunk.lastAtom);
        if (chunk.lastAtom < chunk.firstAtom) {
            continue; // no terms: dropping it keeps the summation order of the others
        }
        // Indices were checked above; the clamp only guards the buffer range.
        chunk.firstAtom = std::max(chunk.firstAtom, 0);
        chunk.lastAtom = std::min(chunk.lastAtom, system_.numAtoms() - 1);
        chunk.out.reset(system_.numAtoms());
        chunk.fast = std::make_shared<cpu_bonded::CpuBondedChunk>(chunk.terms);
        bondedChunks_.push_back(std::move(chunk));
    }
    if (!bondedChunks_.empty() && !(options_.epsilonR > 0)) {
        throw SetupError(fmt::format("bonded terms: epsilon-r must be positive, found {}", options_.epsilonR));
    }
    nonbonded_ = std::make_unique<CpuNonbonded>(system_, options_, box, buffer_, numThreads_);
    nonbonded_->setPruneChecks(pruneRule_ == PruneRule::Exact);

    ewald_ = chooseEwaldSetup(options_, box);
    if (ewald_) {
        PmeParameters parameters{ewald_->grid, ewald_->order, ewald_->coefficient};
        parameters.numThreads = numThreads_;
        parameters.precision = cpuOptions.pmePrecision;
        pme_ = std::make_unique<PmeSolver>(parameters, system_.numAtoms());
    }
}

CpuForceField::~CpuForceField() = default;

double CpuForceField::rlist() const { return nonbonded_->rlist(); }

bool CpuForceField::usesFastPath() const { return nonbonded_->usesFastPath(); }

void CpuForceField::compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, bool computeEnergy)
{
    evaluate(positions, box, out, computeEnergy, true);
}

void CpuForceField::recompute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, bool computeEnergy)
{
    evaluate(positions, box, out, computeEnergy, false);
}

void CpuForceField::evaluate(std::span<const Vec3> positions, const Box& box, ForceOutput& out, bool computeEnergy,
                             bool countStep)
{
    if (static_cast<int>(positions.size()) != system_.numAtoms()) {
        throw SetupError(fmt::format("{} positions given for a system of {} atoms", positions.size(),
                                     system_.numAtoms()));
    }
    checkCutoffsFitBox(options_, box);
    auto t = StepTimers::Clock::now();
    out.reset(system_.numAtoms());
    if (countStep) {
        pairListBuilds_ += nonbonded_->updatePairList(positions, box, step_, nstlist_) ? 1 : 0;
        if (pruneBuffer_ >= 0) {
            pairListPrunes_ += nonbonded_->updatePrunedList(positions, step_, nstprune_, pruneBuffer_) ? 1 : 0;
        }
    }
    t = timers_.charge(StepPart::PairSearch, t);
    // The updates above made the same displacement checks compute() would repeat (a pruned list
    // without our pruning, e.g. restored from another setting, is left to compute()'s own check).
    const bool listsChecked = countStep && (pruneBuffer_ >= 0 || nonbonded_->listPrunePositions().empty());
    nonbonded_->compute(positions, box, out, computeEnergy, listsChecked);
    t = timers_.charge(StepPart::Nonbonded, t);
    clusterPairsComputed_ += nonbonded_->numClusterPairs();
    addBonded(positions, box, out);
    t = timers_.charge(StepPart::Bonded, t);
    if (pme_) {
        const double prefactor = units::kCoulombConstant / options_.epsilonR;
        // The mesh's energy and virial sums only where read (GROMACS: at nstcalcenergy); the
        // forces are the same either way.
        double recip = pme_->compute(positions, system_.charges, box, prefactor, out.forces, out.virial,
                                     computeEnergy || out.virialWanted);
        if (computeEnergy) {
            recip += ewaldBackgroundEnergy(system_.totalCharge(), box.volume(), ewald_->coefficient, prefactor);
            out.energies.add(EnergyTerm::CoulombRecip, recip);
        }
        t = timers_.charge(StepPart::Pme, t);
    }
    if (countStep) {
        ++step_;
    }
}

namespace {

void putPositions(std::vector<double>& v, std::span<const Vec3> positions)
{
    v.clear();
    v.reserve(3 * positions.size());
    for (const Vec3& x : positions) {
        v.insert(v.end(), {x.x, x.y, x.z});
    }
}

std::vector<Vec3> takePositions(const std::vector<double>& v, int numAtoms, const char* key)
{
    if (v.size() != 3 * static_cast<std::size_t>(numAtoms)) {
        throw SetupError(fmt::format("pair-list state '{}' holds {} numbers, expected {} for {} atoms", key, v.size(),
                                     3 * static_cast<std::size_t>(numAtoms), numAtoms));
    }
    std::vector<Vec3> x(static_cast<std::size_t>(numAtoms));
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = Vec3{v[3 * i], v[3 * i + 1], v[3 * i + 2]};
    }
    return x;
}

const std::vector<double>* find(const CpuForceField::StateMap& state, const char* key)
{
    const auto it = state.find(key);
    return it == state.end() ? nullptr : &it->second;
}

} // namespace

void CpuForceField::saveState(StateMap& state) const
{
    state["cpu_ff.step"] = {static_cast<double>(step_)};
    const std::span<const Vec3> built = nonbonded_->listBuildPositions();
    if (built.empty()) {
        return;
    }
    putPositions(state["cpu_ff.list_positions"], built);
    std::vector<double>& b = state["cpu_ff.list_box"];
    b.clear();
    const Matrix3 m = nonbonded_->listBox().vectors();
    for (int r = 0; r < 3; ++r) {
        b.insert(b.end(), {m[r].x, m[r].y, m[r].z});
    }
    const std::span<const Vec3> pruned = nonbonded_->listPrunePositions();
    if (!pruned.empty()) {
        putPositions(state["cpu_ff.prune_positions"], pruned);
        state["cpu_ff.prune_buffer"] = {nonbonded_->listInnerBuffer()};
    }
}

void CpuForceField::restoreState(const StateMap& state)
{
    const std::vector<double>* step = find(state, "cpu_ff.step");
    if (step == nullptr) {
        return; // a checkpoint of another backend: the list is built at the first step, as in a fresh run
    }
    if (step->size() != 1 || !((*step)[0] >= 0)) {
        throw SetupError("pair-list state 'cpu_ff.step' is not one step number");
    }
    const std::vector<double>* built = find(state, "cpu_ff.list_positions");
    const std::vector<double>* boxValues = find(state, "cpu_ff.list_box");
    if (built != nullptr) {
        if (boxValues == nullptr || boxValues->size() != 9) {
            throw SetupError("pair-list state 'cpu_ff.list_box' is missing or not 9 numbers");
        }
        const std::vector<double>& b = *boxValues;
        Box box;
        try {
            box = Box::triclinic(Vec3{b[0], b[1], b[2]}, Vec3{b[3], b[4], b[5]}, Vec3{b[6], b[7], b[8]});
        } catch (const std::exception& e) {
            throw SetupError(fmt::format("pair-list state 'cpu_ff.list_box' is not a box: {}", e.what()));
        }
        nonbonded_->buildPairList(takePositions(*built, system_.numAtoms(), "cpu_ff.list_positions"), box);
        const std::vector<double>* pruned = find(state, "cpu_ff.prune_positions");
        const std::vector<double>* inner = find(state, "cpu_ff.prune_buffer");
        if (pruned != nullptr && inner != nullptr && inner->size() == 1) {
            nonbonded_->pruneList(takePositions(*pruned, system_.numAtoms(), "cpu_ff.prune_positions"), (*inner)[0]);
        }
    }
    step_ = static_cast<long long>((*step)[0]);
}

void CpuForceField::addBonded(std::span<const Vec3> positions, const Box& box, ForceOutput& out)
{
    const int numChunks = static_cast<int>(bondedChunks_.size());
    if (numChunks == 0) {
        return; // no bonded terms: skip the parallel region (its fork/join costs ms on a loaded machine)
    }
    // The chunks' errors are caught per thread and rethrown in chunk order (none may escape OpenMP).
    std::vector<std::exception_ptr> errors(bondedChunks_.size());
    const bool fast = cpu_bonded::CpuBondedChunk::supportsBox(box);
#pragma omp parallel for num_threads(numThreads_) schedule(static, 1)
    for (int c = 0; c < numChunks; ++c) {
        BondedChunk& chunk = bondedChunks_[static_cast<std::size_t>(c)];
        try {
            for (int a = chunk.firstAtom; a <= chunk.lastAtom; ++a) {
                chunk.out.forces[static_cast<std::size_t>(a)] = Vec3{};
            }
            chunk.out.energies = EnergyTerms{};
            chunk.out.virial = Matrix3{};
            if (fast) {
                chunk.fast->addForces(positions, box, options_.epsilonR, cmapTables_, chunk.out);
            } else {
                addBondedForcesPrechecked(chunk.terms, cmapTables_, options_.epsilonR, positions, box, chunk.out);
            }
        } catch (...) {
            errors[static_cast<std::size_t>(c)] = std::current_exception();
        }
    }
    for (const std::exception_ptr& e : errors) {
        if (e) {
            std::rethrow_exception(e);
        }
    }
    for (const BondedChunk& chunk : bondedChunks_) {
        for (int a = chunk.firstAtom; a <= chunk.lastAtom; ++a) {
            out.forces[static_cast<std::size_t>(a)] += chunk.out.forces[static_cast<std::size_t>(a)];
        }
        for (std::size_t term = 0; term < kNumEnergyTerms; ++term) {
            if (chunk.out.energies.present[term]) {
                out.energies.add(static_cast<EnergyTerm>(term), chunk.out.energies.values[term]);
            }
        }
        for (int r = 0; r < 3; ++r) {
            out.virial[r] += chunk.out.virial[r];
        }
    }
}

ForceFunction CpuForceField::asForceFunction()
{
    return [this](std::span<const Vec3> positions, const Box& box, ForceOutput& out) {
        compute(positions, box, out, out.energiesWanted);
    };
}

} // namespace proteinmd
