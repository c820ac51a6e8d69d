#include "proteinmd/simulation/force_provider.h"

#include <fmt/format.h>

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
        if (const auto& ewald = forceField_.ewaldSetup()) {
            text += fmt::format("; PME grid {}x{}x{}, order {}, Ewald coefficient {:.6f} nm^-1", ewald->grid[0],
                                ewald->grid[1], ewald->grid[2], ewald->order, ewald->coefficient);
        }
        return text;
    }

private:
    ReferenceForceField forceField_;
};

} // namespace

std::unique_ptr<ForceProvider> makeForceProvider(const System& system, const MdpOptions& mdp, const Box& box,
                                                 const std::string& backend)
{
    if (backend == "reference") {
        return std::make_unique<ReferenceForceProvider>(system, mdp.nonbonded, box);
    }
    throw SetupError(fmt::format("unknown force backend '{}' (available: reference)", backend));
}

ForceFunction forceFunction(ForceProvider& provider, StepTimers* timers)
{
    return [&provider, timers](std::span<const Vec3> positions, const Box& box, ForceOutput& out) {
        provider.compute(positions, box, out, timers);
    };
}

} // namespace proteinmd
