#include "proteinmd/simulation/force_provider.h"

#include <fmt/format.h>

#include <algorithm>

#include "proteinmd/backends/cpu_force_field.h"
#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/core/error.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd {

namespace {

std::string_view coulombName(CoulombType type)
{
    switch (type) {
    case CoulombType::Pme: return "PME";
    case CoulombType::Ewald: return "Ewald";
    case CoulombType::ReactionField: return "reaction field";
    default: return "cut-off";
    }
}

std::string ewaldText(const std::optional<EwaldSetup>& ewald)
{
    return ewald ? fmt::format("; PME grid {}x{}x{}, order {}, Ewald coefficient {:.6f} nm^-1", ewald->grid[0],
                               ewald->grid[1], ewald->grid[2], ewald->order, ewald->coefficient)
                 : std::string();
}

class ReferenceForceProvider : public ForceProvider {
public:
    ReferenceForceProvider(const System& system, const NonbondedOptions& options, const Box& box)
        : forceField_(system, options, box)
    {
    }

    void compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, StepTimers* timers) override
    {
        if (timers != nullptr) {
            forceField_.compute(positions, box, out, *timers);
        } else {
            forceField_.compute(positions, box, out);
        }
    }

    std::string name() const override { return "reference (double precision, single thread)"; }

    std::string describeSetup() const override
    {
        const NonbondedOptions& o = forceField_.options();
        std::string text = fmt::format("electrostatics {}, rcoulomb {} nm, rvdw {} nm, {}", coulombName(o.coulombType),
                                       o.rcoulomb, o.rvdw, o.periodic ? "periodic" : "no periodic boundaries");
        return text + ewaldText(forceField_.ewaldSetup());
    }

private:
    ReferenceForceField forceField_;
};

// CpuForceField behind the seam. A call at exactly the positions and box of the previous one (the
// forces of a trajectory frame, then the step's own call; velocity Verlet re-evaluating after a
// restart) is evaluated without counting a step, so the pair-list schedule follows the trajectory,
// not the number of calls: the same in a continuous and a resumed run. The previous call's positions
// therefore travel in the checkpoint with the list's own state.
class CpuForceProvider : public ForceProvider {
public:
    CpuForceProvider(const System& system, const NonbondedOptions& options, const Box& box,
                     const CpuForceFieldOptions& cpuOptions)
        : forceField_(system, options, box, cpuOptions), nstlist_(cpuOptions.nstlist)
    {
    }

    void compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, StepTimers* timers) override
    {
        const bool repeat = haveLast_ && box.vectors()[0] == lastBox_.vectors()[0] &&
                            box.vectors()[1] == lastBox_.vectors()[1] && box.vectors()[2] == lastBox_.vectors()[2] &&
                            std::equal(positions.begin(), positions.end(), last_.begin(), last_.end());
        const StepTimers before = forceField_.timers();
        if (repeat) {
            forceField_.recompute(positions, box, out, out.energiesWanted);
        } else {
            forceField_.compute(positions, box, out, out.energiesWanted);
            last_.assign(positions.begin(), positions.end());
            lastBox_ = box;
            haveLast_ = true;
        }
        if (timers != nullptr) {
            const StepTimers& after = forceField_.timers();
            for (StepPart part : {StepPart::PairSearch, StepPart::Nonbonded, StepPart::Bonded, StepPart::Pme}) {
                timers->add(part, after.seconds(part) - before.seconds(part));
            }
        }
    }

    std::string name() const override
    {
        return fmt::format("cpu (cluster pair list, {} SIMD non-bonded, {} thread(s))",
                           forceField_.usesFastPath() ? "single-precision" : "no", forceField_.numThreads());
    }

    int numThreads() const override { return forceField_.numThreads(); }

    std::string describeSetup() const override
    {
        const NonbondedOptions& o = forceField_.options();
        std::string text = fmt::format("electrostatics {}, rcoulomb {} nm, rvdw {} nm, {}", coulombName(o.coulombType),
                                       o.rcoulomb, o.rvdw, o.periodic ? "periodic" : "no periodic boundaries");
        text += ewaldText(forceField_.ewaldSetup());
        if (forceField_.usesFastPath()) {
            text += fmt::format("; pair list rlist {:.4f} nm (buffer {:.4f} nm), nstlist {}", forceField_.rlist(),
                                forceField_.buffer(), nstlist_);
            if (forceField_.pruneBuffer() >= 0) {
                text += fmt::format(", pruned to buffer {:.4f} nm every {} steps{}", forceField_.pruneBuffer(),
                                    forceField_.nstprune(),
                                    forceField_.pruneRule() == PruneRule::Estimated
                                        ? " (inner buffer estimated from the tolerance)"
                                        : " and whenever a pair may be missing");
            }
            text += fmt::format(", {} thread(s), fast path", forceField_.numThreads());
        } else {
            text += fmt::format("; {} thread(s), non-bonded on the reference loops (no fast path for this box or "
                                "these settings)", forceField_.numThreads());
        }
        return text;
    }

    void saveState(StateMap& state) const override
    {
        forceField_.saveState(state);
        if (haveLast_) {
            std::vector<double>& v = state["cpu_provider.last_positions"];
            v.clear();
            for (const Vec3& x : last_) {
                v.insert(v.end(), {x.x, x.y, x.z});
            }
            std::vector<double>& b = state["cpu_provider.last_box"];
            b.clear();
            for (int r = 0; r < 3; ++r) {
                const Vec3& row = lastBox_.vectors()[r];
                b.insert(b.end(), {row.x, row.y, row.z});
            }
            state["cpu_provider.last_box_periodic"] = {lastBox_.isPeriodic() ? 1.0 : 0.0};
        }
    }

    void restoreState(const StateMap& state) override
    {
        forceField_.restoreState(state);
        haveLast_ = false;
        const auto x = state.find("cpu_provider.last_positions");
        const auto b = state.find("cpu_provider.last_box");
        const auto p = state.find("cpu_provider.last_box_periodic");
        if (x == state.end() || b == state.end() || p == state.end() || b->second.size() != 9 || p->second.size() != 1 ||
            x->second.size() % 3 != 0) {
            return; // then the first call counts as a step, as in a fresh run
        }
        last_.resize(x->second.size() / 3);
        for (std::size_t i = 0; i < last_.size(); ++i) {
            last_[i] = Vec3{x->second[3 * i], x->second[3 * i + 1], x->second[3 * i + 2]};
        }
        const std::vector<double>& v = b->second;
        lastBox_ = p->second[0] != 0 ? Box::triclinic({v[0], v[1], v[2]}, {v[3], v[4], v[5]}, {v[6], v[7], v[8]}) : Box{};
        haveLast_ = true;
    }

private:
    CpuForceField forceField_;
    int nstlist_ = 10;
    std::vector<Vec3> last_;
    Box lastBox_;
    bool haveLast_ = false;
};

} // namespace

std::unique_ptr<ForceProvider> makeForceProvider(const System& system, const MdpOptions& mdp, const Box& box,
                                                 const std::string& backend, int numThreads, double startTemperature)
{
    if (backend == "reference") {
        return std::make_unique<ReferenceForceProvider>(system, mdp.nonbonded, box);
    }
    if (backend == "cpu") {
        return std::make_unique<CpuForceProvider>(system, mdp.nonbonded, box,
                                                  cpuRunForceFieldOptions(mdp, std::max(0, numThreads), startTemperature));
    }
    throw SetupError(fmt::format("unknown force backend '{}' (available: cpu, reference)", backend));
}

ForceFunction forceFunction(ForceProvider& provider, StepTimers* timers)
{
    return [&provider, timers](std::span<const Vec3> positions, const Box& box, ForceOutput& out) {
        provider.compute(positions, box, out, timers);
    };
}

} // namespace proteinmd
