#include "proteinmd/backends/cpu_nonbonded.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include <fmt/format.h>

#include "backends/cpu/cluster_kernel.h"
#include "backends/cpu/kernel_pair_order.h"
#include "neighbor/cluster_pair_list.h"
#include "neighbor/displacement.h"
#include "proteinmd/backends/reference_nonbonded.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/threaded_pass.h"
#include "proteinmd/forces/dispersion_correction.h"
#include "proteinmd/forces/ewald_parameters.h"
#include "proteinmd/forces/nonbonded_formulas.h"

namespace proteinmd {

namespace {

// Work is cut into this many blocks whatever the thread count, each with its own force buffer,
// summed in block order: that is what makes results independent of the number of threads.
constexpr int kNumBlocks = 4;
constexpr int kC = ClusterPairList::kClusterSize;
// Floats of a block's force buffer per slot (the kernel's per-cluster records).
constexpr std::size_t kBlockForceSize = cpu::kForceStride / kC;
// Clusters per chunk of a block's force buffer. A block only contributes to the chunks its cluster
// pairs touch (GROMACS's per-thread "touched" flags): a block's i-clusters are a slab of the box, so
// most of the buffer stays untouched and need not be summed (or cleared) every step.
constexpr std::size_t kChunkClusters = ClusterPairList::kTouchGroup;

bool isEwald(const NonbondedOptions& o) { return o.coulombType == CoulombType::Pme || o.coulombType == CoulombType::Ewald; }

// True when every pair of LJ types follows the Lorentz-Berthelot rule (sigma_ij = (sigma_i +
// sigma_j) / 2, epsilon_ij = sqrt(epsilon_i epsilon_j), c6 = 4 eps sigma^6, c12 = 4 eps sigma^12)
// to 1e-7 relative; then fills per type sigma/2 and sqrt(4 epsilon), from which the kernel
// rebuilds c6/c12 with a few multiplications instead of two gathers per cluster pair. A type with
// c6 = c12 = 0 (e.g. water hydrogens) has epsilon 0 and pairs with it must be zero in the matrix.
bool lorentzBerthelotParameters(const System& system, std::vector<float>& halfSigma, std::vector<float>& epsilon)
{
    const auto nt = static_cast<std::size_t>(system.numLjTypes);
    std::vector<double> sigma(nt, 0.0), eps(nt, 0.0);
    for (std::size_t t = 0; t < nt; ++t) {
        const double c6 = system.c6[t * nt + t], c12 = system.c12[t * nt + t];
        if (c6 > 0 && c12 > 0) {
            sigma[t] = std::pow(c12 / c6, 1.0 / 6.0);
            eps[t] = c6 * c6 / (4 * c12);
        } else if (c6 != 0 || c12 != 0) {
            return false;
        }
    }
    const auto close = [](double a, double b) { return std::abs(a - b) <= 1e-7 * std::abs(b); };
    for (std::size_t t = 0; t < nt; ++t) {
        for (std::size_t u = 0; u < nt; ++u) {
            const double s = 0.5 * (sigma[t] + sigma[u]);
            const double s6 = s * s * s * s * s * s;
            const double e4 = 4 * std::sqrt(eps[t] * eps[u]);
            if (!close(e4 * s6, system.c6[t * nt + u]) || !close(e4 * s6 * s6, system.c12[t * nt + u])) {
                return false;
            }
        }
    }
    halfSigma.resize(nt);
    epsilon.resize(nt);
    for (std::size_t t = 0; t < nt; ++t) {
        halfSigma[t] = static_cast<float>(0.5 * sigma[t]);
        epsilon[t] = static_cast<float>(std::sqrt(4 * eps[t]));
    }
    return true;
}

} // namespace

struct CpuNonbonded::Impl {
    System system;
    NonbondedOptions options;
    double buffer = 0;
    int numThreads = 1;
    // Positions and inner buffer of the last pruneList(), to re-prune when atoms moved too far.
    std::vector<Vec3> prunePositions;
    double innerBuffer = 0;
    bool pruneChecks = true; // see setPruneChecks()
    bool fast = false;
    nonbonded::CoulombConstants coulomb;
    double selfEnergy = 0;
    DispersionCorrectionResult dispersion;
    bool dispersionFromBox = false; // recomputed when the box changes
    LjPairAverages ljAverages;

    ClusterPairList list;
    cpu::KernelPairOrder order; // the list's j-entries as the kernel runs them
    bool built = false;
    bool noCharges = false; // every charge is 0: the kernel without Coulomb
    std::array<int, kNumBlocks + 1> blockStart{};
    cpu::KernelData data;
    cpu::ForceBuffer blockForces; // kNumBlocks x numClusters x kForceStride (the kernel's unreduced layout)
    bool lorentzBerthelot = false;  // the LJ matrix follows the rule: no gathers in the kernel
    std::vector<float> typeHalfSigma, typeEpsilon; // per LJ type, for lorentzBerthelot
    std::array<cpu::BlockResult, kNumBlocks> blockResults;

    void refreshSlots(std::span<const Vec3> positions);
    void splitBlocks();
    void markTouchedChunks();
    std::vector<std::uint8_t> touched; // kNumBlocks x numChunks: 1 where the block writes forces
    std::size_t numChunks = 0;
    void runKernel(bool energy, int i0, int i1, float* f, cpu::BlockResult& r) const;
};

CpuNonbonded::CpuNonbonded(const System& system, const NonbondedOptions& options, const Box& box, double buffer,
                           int numThreads)
    : impl_(std::make_unique<Impl>())
{
    Impl& m = *impl_;
    if (numThreads < 1) {
        throw SetupError(fmt::format("CpuNonbonded: numThreads must be >= 1, got {}", numThreads));
    }
    if (!(buffer >= 0)) {
        throw SetupError(fmt::format("CpuNonbonded: the pair-list buffer must be >= 0 nm, got {}", buffer));
    }
    m.system = system;
    m.options = options;
    m.buffer = buffer;
    m.numThreads = numThreads;
    const bool switched = options.vdwModifier == InteractionModifier::ForceSwitch ||
                          options.vdwModifier == InteractionModifier::PotentialSwitch;
    if (switched && !(options.rvdwSwitch >= 0 && options.rvdwSwitch < options.rvdw)) {
        throw SetupError(fmt::format("rvdw-switch ({} nm) must be >= 0 and smaller than rvdw ({} nm)",
                                     options.rvdwSwitch, options.rvdw));
    }
    m.fast = options.periodic && box.isPeriodic() && options.epsilonR > 0 &&
             options.rvdw > 0 && options.rcoulomb > 0 && options.rvdw <= options.rcoulomb &&
             (options.coulombModifier == InteractionModifier::None ||
              options.coulombModifier == InteractionModifier::PotentialShift) &&
             ClusterPairList::usable(box, options.rcoulomb + buffer);
    if (!m.fast) {
        return;
    }
    const bool coulombShift = options.coulombModifier == InteractionModifier::PotentialShift;
    switch (options.coulombType) {
    case CoulombType::CutOff:
        m.coulomb = nonbonded::CoulombConstants::cutOff(options.epsilonR, options.rcoulomb, coulombShift);
        break;
    case CoulombType::ReactionField:
        if (options.epsilonRf < 0) {
            throw SetupError(fmt::format("epsilon-rf must be >= 0 (0 = infinity), got {}", options.epsilonRf));
        }
        m.coulomb = nonbonded::CoulombConstants::reactionField(options.epsilonR, options.epsilonRf, options.rcoulomb);
        break;
    case CoulombType::Pme:
    case CoulombType::Ewald:
        m.coulomb = nonbonded::CoulombConstants::ewaldReal(
            options.epsilonR, ewaldCoefficient(options), options.rcoulomb,
            coulombShift);
        break;
    }
    if (m.coulomb.kind == nonbonded::CoulombKind::EwaldReal &&
        !(m.coulomb.beta * m.coulomb.beta * options.rcoulomb * options.rcoulomb <= cpu::kEwaldCorrectionMaxW)) {
        // The kernel's Ewald fits cover beta rc <= 4 (ewald-rtol >= ~1.5e-8).
        m.fast = false;
        return;
    }
    if (options.rvdw != options.rcoulomb && !isEwald(options)) {
        throw SetupError(fmt::format("rcoulomb ({} nm) != rvdw ({} nm) is only supported with PME/Ewald electrostatics",
                                     options.rcoulomb, options.rvdw));
    }
    // Checks the same things the reference does before we copy anything.
    const std::size_t n = static_cast<std::size_t>(system.numAtoms());
    if (system.charges.size() != n || system.ljTypes.size() != n ||
        (!system.exclusions.empty() && system.exclusions.size() != n) ||
        system.c6.size() != static_cast<std::size_t>(system.numLjTypes) * static_cast<std::size_t>(system.numLjTypes) ||
        system.c12.size() != system.c6.size()) {
        throw SetupError("CpuNonbonded: the System's per-atom arrays or LJ matrices have inconsistent sizes");
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (system.ljTypes[i] < 0 || system.ljTypes[i] >= system.numLjTypes) {
            throw SetupError(fmt::format("CpuNonbonded: atom {} has LJ type {}, expected 0..{}", i + 1,
                                         system.ljTypes[i], system.numLjTypes - 1));
        }
        m.selfEnergy += nonbonded::coulombSelfEnergy(system.charges[i], m.coulomb);
    }
    for (std::size_t i = 0; i < system.exclusions.size(); ++i) {
        for (int k : system.exclusions[i]) {
            if (k < 0 || static_cast<std::size_t>(k) >= n || static_cast<std::size_t>(k) == i) {
                throw SetupError(fmt::format("CpuNonbonded: atom {} excludes atom {}, which is not another atom of the "
                                             "system",
                                             i + 1, k + 1));
            }
        }
    }
    if (options.dispersionCorrection != DispersionCorrectionType::No) {
        m.ljAverages = averageLjPairParameters(system);
    }

    m.lorentzBerthelot = lorentzBerthelotParameters(system, m.typeHalfSigma, m.typeEpsilon);

    cpu::KernelData& d = m.data;
    d.c6.assign(system.c6.begin(), system.c6.end());
    d.c12.assign(system.c12.begin(), system.c12.end());
    for (std::size_t k = 0; k < system.c6.size(); ++k) {
        d.c6Times6.push_back(static_cast<float>(6 * system.c6[k]));
        d.c12Times6.push_back(static_cast<float>(6 * system.c12[k]));
    }
    m.noCharges = std::all_of(system.charges.begin(), system.charges.end(), [](double q) { return q == 0; });
    d.rc2 = static_cast<float>(options.rcoulomb * options.rcoulomb);
    d.rvdw2 = static_cast<float>(options.rvdw * options.rvdw);
    const nonbonded::LjConstants lj = nonbonded::LjConstants::make(options.vdwModifier, options.rvdw, options.rvdwSwitch);
    d.shift6 = static_cast<float>(lj.shift6);
    d.shift12 = static_cast<float>(lj.shift12);
    d.rSwitch = static_cast<float>(lj.rSwitch);
    d.fsA6 = static_cast<float>(lj.fs6.a);
    d.fsB6 = static_cast<float>(lj.fs6.b);
    d.fsC6 = static_cast<float>(lj.fs6.c);
    d.fsA12 = static_cast<float>(lj.fs12.a);
    d.fsB12 = static_cast<float>(lj.fs12.b);
    d.fsC12 = static_cast<float>(lj.fs12.c);
    d.sw3 = static_cast<float>(lj.sw3);
    d.sw4 = static_cast<float>(lj.sw4);
    d.sw5 = static_cast<float>(lj.sw5);
    d.kRf = static_cast<float>(m.coulomb.kRf);
    d.cRf = static_cast<float>(m.coulomb.cRf);
    d.beta = static_cast<float>(m.coulomb.beta);
    d.ewaldShift = static_cast<float>(m.coulomb.ewaldShift);
    d.ewaldFit = cpu::ewaldFitFor(m.coulomb.beta * options.rcoulomb);
    d.ewaldWide = cpu::EwaldCorrectionR2<cpu::EwaldFit::Wide>(m.coulomb.beta);
    d.ewaldNarrow = cpu::EwaldCorrectionR2<cpu::EwaldFit::Narrow>(m.coulomb.beta);
}

CpuNonbonded::~CpuNonbonded() = default;
CpuNonbonded::CpuNonbonded(CpuNonbonded&&) noexcept = default;
CpuNonbonded& CpuNonbonded::operator=(CpuNonbonded&&) noexcept = default;

bool CpuNonbonded::usesFastPath() const { return impl_->fast; }
double CpuNonbonded::rlist() const { return impl_->options.rcoulomb + impl_->buffer; }
int CpuNonbonded::numThreads() const { return impl_->numThreads; }
long long CpuNonbonded::numClusterPairs() const
{
    return impl_->fast && impl_->built ? static_cast<long long>(impl_->list.numClusterPairs()) : 0;
}

void CpuNonbonded::buildPairList(std::span<const Vec3> positions, const Box& box)
{
    Impl& m = *impl_;
    if (!m.fast) {
        return;
    }
    m.list.build(m.system, positions, box, rlist(), m.numThreads);
    m.order.update(m.list, m.numThreads);
    m.built = true;
    m.splitBlocks();

    // Per-slot constants of the new cluster order.
    const auto slots = m.list.slotAtoms();
    cpu::KernelData& d = m.data;
    d.x.assign(slots.size(), 0.0f);
    d.y.assign(slots.size(), 0.0f);
    d.z.assign(slots.size(), 0.0f);
    d.q.assign(slots.size(), 0.0f);
    d.charge.assign(slots.size(), 0.0f);
    d.type.assign(slots.size(), 0);
    d.typeRow.assign(slots.size(), 0);
    d.ljHalfSigma.assign(slots.size(), 0.0f);
    d.ljEpsilon.assign(slots.size(), 0.0f);
    for (std::size_t s = 0; s < slots.size(); ++s) {
        if (slots[s] >= 0) {
            const auto a = static_cast<std::size_t>(slots[s]);
            d.charge[s] = static_cast<float>(m.system.charges[a]);
            d.q[s] = static_cast<float>(m.system.charges[a] * m.coulomb.prefactor);
            d.type[s] = m.system.ljTypes[a];
            d.typeRow[s] = m.system.ljTypes[a] * m.system.numLjTypes;
            if (m.lorentzBerthelot) {
                d.ljHalfSigma[s] = m.typeHalfSigma[static_cast<std::size_t>(d.type[s])];
                d.ljEpsilon[s] = m.typeEpsilon[static_cast<std::size_t>(d.type[s])];
            }
        }
    }
    // All zero between compute() calls (its reduction clears what it reads; new elements are
    // value-initialised), whatever the slot count was before, so no fill here.
    m.blockForces.resize(static_cast<std::size_t>(kNumBlocks) * kBlockForceSize * slots.size());
    if (m.options.dispersionCorrection != DispersionCorrectionType::No) {
        m.dispersion = computeDispersionCorrection(m.ljAverages, m.system.numAtoms(), m.options, box);
    }
}

void CpuNonbonded::Impl::splitBlocks()
{
    // Blocks of consecutive i-entries with about equal numbers of cluster pairs (counted per
    // entry: a pruned list has gaps between its parts).
    const auto entries = list.iEntries();
    const double total = static_cast<double>(list.numClusterPairs());
    blockStart[0] = 0;
    int b = 1;
    long long running = 0;
    for (std::size_t e = 0; e < entries.size() && b < kNumBlocks; ++e) {
        running += entries[e].jEnd - entries[e].jBegin;
        if (static_cast<double>(running) >= total * b / kNumBlocks) {
            blockStart[static_cast<std::size_t>(b++)] = static_cast<int>(e) + 1;
        }
    }
    for (; b <= kNumBlocks; ++b) {
        blockStart[static_cast<std::size_t>(b)] = static_cast<int>(entries.size());
    }
    markTouchedChunks();
}

void CpuNonbonded::Impl::markTouchedChunks()
{
    // Depends on the list alone (not on the thread count), so the sums below stay bit-identical.
    // The list recorded which chunks each of its parts touches: a block ORs the flags of the parts
    // it covers whole and scans only the i-entries of the (at most two) parts it covers in part.
    // Serial: a few kB of ORs and a small scan cost less than a fork.
    const auto iEntries = list.iEntries();
    const auto jEntries = list.jEntries();
    const std::size_t numClusters = list.slotAtoms().size() / kC;
    numChunks = (numClusters + kChunkClusters - 1) / kChunkClusters;
    touched.assign(static_cast<std::size_t>(kNumBlocks) * numChunks, 0);
    for (int b = 0; b < kNumBlocks; ++b) {
        std::uint8_t* const flags = touched.data() + static_cast<std::size_t>(b) * numChunks;
        const int blockBegin = blockStart[static_cast<std::size_t>(b)];
        const int blockEnd = blockStart[static_cast<std::size_t>(b) + 1];
        for (int part = 0; part < ClusterPairList::kNumParts; ++part) {
            const int partBegin = list.partBegin(part);
            const int partEnd = list.partBegin(part + 1);
            const int first = std::max(blockBegin, partBegin);
            const int last = std::min(blockEnd, partEnd);
            if (first >= last) {
                continue;
            }
            if (first == partBegin && last == partEnd) {
                const auto partFlags = list.partTouched(part);
                for (std::size_t chunk = 0; chunk < numChunks; ++chunk) {
                    flags[chunk] = static_cast<std::uint8_t>(flags[chunk] | partFlags[chunk]);
                }
                continue;
            }
            for (int ie = first; ie < last; ++ie) {
                const ClusterPairList::IEntry& entry = iEntries[static_cast<std::size_t>(ie)];
                flags[static_cast<std::size_t>(entry.cluster) / kChunkClusters] = 1;
                for (int je = entry.jBegin; je < entry.jEnd; ++je) {
                    flags[static_cast<std::size_t>(jEntries[static_cast<std::size_t>(je)].cluster) / kChunkClusters] =
                        1;
                }
            }
        }
    }
}

namespace {

template <cpu::CoulombVariant kCoulomb, cpu::LjParams kParams, bool kEnergy>
void runWithLj(InteractionModifier modifier, const cpu::KernelData& d, const ClusterPairList& list,
               const cpu::KernelPairOrder& order, int i0, int i1, float* f, cpu::BlockResult& r)
{
    using cpu::LjKind;
    switch (modifier) {
    case InteractionModifier::None:
        cpu::clusterKernel<kCoulomb, LjKind::Plain, kParams, kEnergy>(d, list, order, i0, i1, f, r);
        break;
    case InteractionModifier::PotentialShift:
        // The shift changes energies only.
        cpu::clusterKernel<kCoulomb, kEnergy ? LjKind::PotentialShift : LjKind::Plain, kParams, kEnergy>(
            d, list, order, i0, i1, f, r);
        break;
    case InteractionModifier::ForceSwitch:
        cpu::clusterKernel<kCoulomb, LjKind::ForceSwitch, kParams, kEnergy>(d, list, order, i0, i1, f, r);
        break;
    case InteractionModifier::PotentialSwitch:
        cpu::clusterKernel<kCoulomb, LjKind::PotentialSwitch, kParams, kEnergy>(d, list, order, i0, i1, f, r);
        break;
    }
}

} // namespace

void CpuNonbonded::Impl::runKernel(bool energy, int i0, int i1, float* f, cpu::BlockResult& r) const
{
    using cpu::CoulombVariant;
    using cpu::LjParams;
    const InteractionModifier lj = options.vdwModifier;
    const auto run = [&]<CoulombVariant kCoulomb, LjParams kParams>() {
        energy ? runWithLj<kCoulomb, kParams, true>(lj, data, list, order, i0, i1, f, r)
               : runWithLj<kCoulomb, kParams, false>(lj, data, list, order, i0, i1, f, r);
    };
    const auto runCoulomb = [&]<CoulombVariant kCoulomb>() {
        lorentzBerthelot ? run.template operator()<kCoulomb, LjParams::LorentzBerthelot>()
                         : run.template operator()<kCoulomb, LjParams::Matrix>();
    };
    if (noCharges && system.numLjTypes == 1) {
        // An LJ fluid: constant c6/c12, no per-pair parameters at all (~10% fewer operations).
        run.template operator()<CoulombVariant::None, LjParams::Uniform>();
    } else if (noCharges) {
        runCoulomb.template operator()<CoulombVariant::None>();
    } else if (coulomb.kind == nonbonded::CoulombKind::EwaldReal && data.ewaldFit == cpu::EwaldFit::Narrow) {
        runCoulomb.template operator()<CoulombVariant::EwaldNarrow>();
    } else if (coulomb.kind == nonbonded::CoulombKind::EwaldReal) {
        runCoulomb.template operator()<CoulombVariant::Ewald>();
    } else {
        runCoulomb.template operator()<CoulombVariant::ReactionField>();
    }
}

bool CpuNonbonded::updatePairList(std::span<const Vec3> positions, const Box& box, long long step, int nstlist)
{
    if (nstlist < 1) {
        throw SetupError(fmt::format("CpuNonbonded: nstlist must be >= 1, got {}", nstlist));
    }
    const Impl& m = *impl_;
    if (!m.fast) {
        return false;
    }
    const bool boxChanged = m.built && !(box.vectors()[0] == m.list.box().vectors()[0] &&
                                         box.vectors()[1] == m.list.box().vectors()[1] &&
                                         box.vectors()[2] == m.list.box().vectors()[2]);
    if (step % nstlist == 0 || boxChanged || needsRebuild(positions)) {
        buildPairList(positions, box);
        return true;
    }
    return false;
}

void CpuNonbonded::pruneList(std::span<const Vec3> positions, double innerBuffer)
{
    Impl& m = *impl_;
    if (!m.fast || !m.built) {
        return;
    }
    if (!(innerBuffer >= 0)) {
        throw SetupError(fmt::format("CpuNonbonded: the pruning buffer must be >= 0 nm, got {}", innerBuffer));
    }
    if (positions.size() != static_cast<std::size_t>(m.system.numAtoms())) {
        throw SetupError(fmt::format("CpuNonbonded: {} positions for {} atoms", positions.size(), m.system.numAtoms()));
    }
    m.refreshSlots(positions);
    m.list.prune(m.data.x, m.data.y, m.data.z, m.options.rcoulomb + innerBuffer, m.numThreads);
    m.order.update(m.list, m.numThreads);
    m.prunePositions.assign(positions.begin(), positions.end());
    m.innerBuffer = innerBuffer;
    m.splitBlocks();
}

std::span<const Vec3> CpuNonbonded::listBuildPositions() const
{
    const Impl& m = *impl_;
    return m.fast && m.built ? m.list.buildPositions() : std::span<const Vec3>{};
}

Box CpuNonbonded::listBox() const
{
    const Impl& m = *impl_;
    return m.fast && m.built ? m.list.box() : Box{};
}

std::span<const Vec3> CpuNonbonded::listPrunePositions() const
{
    const Impl& m = *impl_;
    return m.fast && m.built && m.list.isPruned() ? std::span<const Vec3>(m.prunePositions) : std::span<const Vec3>{};
}

double CpuNonbonded::listInnerBuffer() const
{
    const Impl& m = *impl_;
    return m.fast && m.built && m.list.isPruned() ? m.innerBuffer : -1.0;
}

bool CpuNonbonded::needsRebuild(std::span<const Vec3> positions) const
{
    const Impl& m = *impl_;
    return m.fast && (!m.built || m.list.needsRebuild(positions, m.buffer, m.numThreads));
}

bool CpuNonbonded::needsPrune(std::span<const Vec3> positions) const
{
    const Impl& m = *impl_;
    return m.fast && m.built && m.list.isPruned() && m.pruneChecks &&
           (positions.size() != m.prunePositions.size() || !(largestClosing(positions, m.prunePositions, m.numThreads) <= m.innerBuffer));
}

void CpuNonbonded::setPruneChecks(bool on) { impl_->pruneChecks = on; }

bool CpuNonbonded::updatePrunedList(std::span<const Vec3> positions, long long step, int nstprune, double innerBuffer)
{
    if (nstprune < 1) {
        throw SetupError(fmt::format("CpuNonbonded: nstprune must be >= 1, got {}", nstprune));
    }
    const Impl& m = *impl_;
    if (!m.fast || !m.built) {
        return false;
    }
    if (!m.list.isPruned() || innerBuffer != m.innerBuffer || step % nstprune == 0 || needsPrune(positions)) {
        pruneList(positions, innerBuffer);
        return true;
    }
    return false;
}

void CpuNonbonded::Impl::refreshSlots(std::span<const Vec3> positions)
{
    const auto slots = list.slotAtoms();
    const auto offsets = list.slotOffsets();
    const auto numSlots = static_cast<std::ptrdiff_t>(slots.size());
    // Each slot on its own: the same floats for any thread count.
#pragma omp parallel for num_threads(numThreads) schedule(static) if (threadedPass(slots.size(), numThreads))
    for (std::ptrdiff_t i = 0; i < numSlots; ++i) {
        const auto s = static_cast<std::size_t>(i);
        // Atoms are in input order, slots in space: the gather misses the cache unless asked ahead.
        constexpr std::ptrdiff_t kAhead = 16;
        if (i + kAhead < numSlots && slots[s + kAhead] >= 0) {
            __builtin_prefetch(&positions[static_cast<std::size_t>(slots[s + kAhead])]);
        }
        // Padding slots sit on their cluster's first atom; their lanes are masked out.
        const std::size_t src = slots[s] >= 0 ? s : s - s % kC;
        const Vec3 x = positions[static_cast<std::size_t>(slots[src])] + offsets[src];
        data.x[s] = static_cast<float>(x.x);
        data.y[s] = static_cast<float>(x.y);
        data.z[s] = static_cast<float>(x.z);
    }
}

void CpuNonbonded::compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, bool computeEnergy,
                           bool listsChecked)
{
    Impl& m = *impl_;
    if (!m.fast) {
        if (computeEnergy) {
            addNonbondedForcesReference(m.system, m.options, positions, box, out);
        } else {
            ForceOutput scratch;
            scratch.forces.assign(out.forces.size(), Vec3{});
            addNonbondedForcesReference(m.system, m.options, positions, box, scratch);
            for (std::size_t i = 0; i < out.forces.size(); ++i) {
                out.forces[i] += scratch.forces[i];
            }
            out.virial += scratch.virial;
        }
        return;
    }
    const std::size_t n = static_cast<std::size_t>(m.system.numAtoms());
    if (positions.size() != n || out.forces.size() != n) {
        throw SetupError(fmt::format("CpuNonbonded: {} positions and {} forces for {} atoms", positions.size(),
                                     out.forces.size(), n));
    }
    // One branch-free pass first (the largest exponent field is all ones only if some coordinate
    // is a NaN or an infinity; an integer maximum the compiler vectorises), the scan for the atom
    // to name only then.
    // (A maximum: the same for any thread count; threaded for large systems, whose other threads
    // would otherwise wait through it.)
    constexpr std::uint64_t kExponent = 0x7ff0000000000000ULL;
    std::uint64_t largestExponent = 0;
#pragma omp parallel for num_threads(m.numThreads) schedule(static) reduction(max : largestExponent) if (threadedPass(n, m.numThreads))
    for (std::size_t i = 0; i < n; ++i) {
        for (const double c : {positions[i].x, positions[i].y, positions[i].z}) {
            largestExponent = std::max(largestExponent, std::bit_cast<std::uint64_t>(c) & kExponent);
        }
    }
    for (std::size_t i = 0; i < n && largestExponent == kExponent; ++i) {
        const Vec3& x = positions[i];
        if (!std::isfinite(x.x) || !std::isfinite(x.y) || !std::isfinite(x.z)) {
            throw SetupError(fmt::format("non-bonded (cpu): atom {} has a non-finite position ({}, {}, {})", i + 1,
                                         x.x, x.y, x.z));
        }
    }
    // A stale list would silently miss pairs, so it is rebuilt (or re-pruned) whenever a pair may
    // have closed in by more than the buffer; the O(N) checks cost little next to the kernel.
    if (!m.built || !(box.vectors()[0] == m.list.box().vectors()[0] && box.vectors()[1] == m.list.box().vectors()[1] &&
                      box.vectors()[2] == m.list.box().vectors()[2]) ||
        (!listsChecked && m.list.needsRebuild(positions, m.buffer, m.numThreads))) {
        buildPairList(positions, box);
    } else if (!listsChecked && needsPrune(positions)) {
        pruneList(positions, m.innerBuffer);
    }
    m.refreshSlots(positions);

    const std::size_t numSlots = m.list.slotAtoms().size();
#pragma omp parallel for num_threads(m.numThreads) schedule(dynamic, 1)
    for (int b = 0; b < kNumBlocks; ++b) {
        // The buffer is all zero here: the reduction below clears what it reads.
        float* f = m.blockForces.data() + static_cast<std::size_t>(b) * kBlockForceSize * numSlots;
        cpu::BlockResult& r = m.blockResults[static_cast<std::size_t>(b)];
        r = cpu::BlockResult{};
        const int i0 = m.blockStart[static_cast<std::size_t>(b)];
        const int i1 = m.blockStart[static_cast<std::size_t>(b) + 1];
        m.runKernel(computeEnergy, i0, i1, f, r);
    }

    // Reduce the block buffers in block order, in fixed chunks of clusters; the virial comes from
    // the per-atom forces at the list-frame positions plus the shift forces.
    const auto slots = m.list.slotAtoms();
    const std::size_t numClusters = numSlots / kC;
    std::array<Matrix3, kNumBlocks> chunkVirial{};
    // Most steps of a run without pressure coupling read neither energies nor the virial.
    const bool wantVirial = computeEnergy || out.virialWanted;
#pragma omp parallel for num_threads(m.numThreads) schedule(static, 1)
    for (int c = 0; c < kNumBlocks; ++c) {
        const std::size_t begin = numClusters * static_cast<std::size_t>(c) / kNumBlocks;
        const std::size_t end = numClusters * static_cast<std::size_t>(c + 1) / kNumBlocks;
        // Virial rows r = x, y, z: lane 4 c + l of rowR sums f_c x_r of slot l (lanes 12-15 unused).
        // Positions are the list-frame floats the kernel used; padding slots carry zero force.
        simd::LaneAccumulator rowX, rowY, rowZ;
        const float* const xs = m.data.x.data();
        const float* const ys = m.data.y.data();
        const float* const zs = m.data.z.data();
        alignas(64) float clusterForce[16];
        for (std::size_t k = begin; k < end; ++k) {
            // The forces are in atom order: ask for the ones a few clusters ahead (see refreshSlots).
            if (k + 4 < end) {
                for (std::size_t s = (k + 4) * kC; s < (k + 5) * kC; ++s) {
                    if (slots[s] >= 0) {
                        __builtin_prefetch(&out.forces[static_cast<std::size_t>(slots[s])], 1);
                    }
                }
            }
            std::array<float*, kNumBlocks> shares{};
            int numShares = 0;
            for (int b = 0; b < kNumBlocks; ++b) {
                if (m.touched[static_cast<std::size_t>(b) * m.numChunks + k / kChunkClusters] != 0) {
                    shares[static_cast<std::size_t>(numShares++)] =
                        m.blockForces.data() + static_cast<std::size_t>(b) * kBlockForceSize * numSlots +
                        k * cpu::kForceStride;
                }
            }
            if (numShares == 0) {
                continue; // no pair in any block: zero force
            }
            cpu::reduceClusterForces(shares.data(), numShares, clusterForce);
            // Cleared while in cache, so the block buffers are all zero between calls and the
            // kernels need no clearing pass (a chunk a block touches is read here in full).
            for (int share = 0; share < numShares; ++share) {
                cpu::clearClusterForces(shares[static_cast<std::size_t>(share)]);
            }
            const std::size_t first = k * kC;
            if (wantVirial) {
                const simd::Float16 f = simd::load(clusterForce);
                rowX.add(f * simd::loadRepeat4(xs + first));
                rowY.add(f * simd::loadRepeat4(ys + first));
                rowZ.add(f * simd::loadRepeat4(zs + first));
            }
            for (std::size_t s = first; s < first + kC; ++s) {
                if (slots[s] >= 0) {
                    const std::size_t l = s - first;
                    out.forces[static_cast<std::size_t>(slots[s])] +=
                        Vec3{clusterForce[l], clusterForce[kC + l], clusterForce[2 * kC + l]};
                }
            }
        }
        Matrix3& virial = chunkVirial[static_cast<std::size_t>(c)];
        const simd::LaneAccumulator* const rows[3] = {&rowX, &rowY, &rowZ};
        for (int r = 0; r < 3; ++r) {
            double lanes[simd::kWidth];
            rows[r]->store(lanes);
            for (int col = 0; col < 3; ++col) {
                const double* const l = lanes + kC * col;
                virial[r][col] = (l[0] + l[1]) + (l[2] + l[3]);
            }
        }
    }
    Matrix3 sum{};
    double energyLj = 0;
    double energyCoulomb = m.selfEnergy;
    for (int b = 0; b < kNumBlocks; ++b) {
        sum += chunkVirial[static_cast<std::size_t>(b)];
        const cpu::BlockResult& r = m.blockResults[static_cast<std::size_t>(b)];
        energyLj += r.energyLj;
        energyCoulomb += r.energyCoulomb;
        for (int s = 0; s < ClusterPairList::kNumShifts; ++s) {
            const Vec3& shift = m.list.shiftVectors()[static_cast<std::size_t>(s)];
            for (int row = 0; row < 3; ++row) {
                sum[row] += r.shiftForce[static_cast<std::size_t>(s)] * shift[row];
            }
        }
    }
    // The pair sum of d (x) f is symmetric; symmetrise away the rounding.
    Matrix3 virial{};
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            virial[r][c] = -0.25 * (sum[r][c] + sum[c][r]);
        }
    }
    if (wantVirial) {
        out.virial += virial; // (without it, only the shift forces' part would have been summed)
    }
    if (computeEnergy) {
        out.energies.add(EnergyTerm::LjSr, energyLj);
        out.energies.add(EnergyTerm::CoulombSr, energyCoulomb);
    }
    if (m.options.dispersionCorrection != DispersionCorrectionType::No) {
        if (computeEnergy) {
            out.energies.add(EnergyTerm::DispersionCorrection, m.dispersion.energy);
        }
        for (int dim = 0; dim < 3; ++dim) {
            out.virial[dim][dim] += m.dispersion.virial;
        }
    }
}

} // namespace proteinmd
