// The .mdp -> integrator, thermostat and barostat mapping (what `proteinmd run` builds).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>


#include "proteinmd/integrators/barostat.h"
#include "proteinmd/integrators/coupling_groups.h"
#include "proteinmd/integrators/integrator.h"
#include "proteinmd/integrators/kinetic_energy.h"
#include "proteinmd/integrators/temperature_coupling.h"
#include "proteinmd/integrators/velocity_generation.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd {

namespace {

bool isVelocityVerlet(const MdpOptions& mdp)
{
    return mdp.integrator == "md-vv" || mdp.integrator == "md-vv-avek";
}

// GROMACS 2022's nsttcouple = -1: 10 steps, fewer when tau-t would span fewer than nmin couplings.
int couplingInterval(const MdpOptions& mdp, CouplingAlgorithm algorithm)
{
    const int given = mdp.nsttcouple;
    if (given == 0 || given < -1) {
        throw SetupError(fmt::format("nsttcouple = {}: expected -1 (default) or a positive number of steps", given));
    }
    if (isVelocityVerlet(mdp)) {
        return 1; // proteinmd couples md-vv every step (its thermostat element closes every step)
    }
    if (given > 0) {
        return given;
    }
    double tauMin = 1e20;
    for (double tau : mdp.tauT) {
        if (tau > 0) {
            tauMin = std::min(tauMin, tau);
        }
    }
    const int wanted = 10;
    const int nmin = algorithm == CouplingAlgorithm::NoseHoover ? 20 : 5;
    int n = wanted;
    if (wanted * nmin * mdp.dt > tauMin) {
        n = static_cast<int>(tauMin / (mdp.dt * nmin));
    }
    return std::max(n, 1);
}

CouplingAlgorithm couplingAlgorithm(const std::string& tcoupl)
{
    if (tcoupl == "v-rescale") {
        return CouplingAlgorithm::VRescale;
    }
    if (tcoupl == "berendsen") {
        return CouplingAlgorithm::Berendsen;
    }
    if (tcoupl == "nose-hoover") {
        return CouplingAlgorithm::NoseHoover;
    }
    throw SetupError(
        fmt::format("tcoupl = {} is not implemented (use v-rescale, nose-hoover, berendsen or no)", tcoupl));
}

TemperatureCouplingOptions couplingOptions(const MdpOptions& mdp, Diagnostics* diagnostics)
{
    TemperatureCouplingOptions o;
    o.algorithm = couplingAlgorithm(mdp.tcoupl);
    o.referenceTemperatures = mdp.refT;
    o.timeConstants = mdp.tauT;
    o.interval = couplingInterval(mdp, o.algorithm);
    o.seed = resolveSeed(mdp.ldSeed);
    const int chain = mdp.nhChainLength.value_or(10);
    if (o.algorithm == CouplingAlgorithm::NoseHoover) {
        if (chain < 1) {
            throw SetupError(fmt::format("nh-chain-length = {}: expected >= 1", chain));
        }
        o.chainLength = isVelocityVerlet(mdp) ? chain : 1;
        if (!isVelocityVerlet(mdp) && chain > 1 && diagnostics != nullptr &&
            mdp.nhChainLength) {
            diagnostics->warn("leap-frog supports only Nose-Hoover chains of length 1 (as GROMACS); nh-chain-length "
                              "set to 1");
        }
    }
    return o;
}

std::vector<std::array<int, 2>> moleculeRanges(const Topology& topology, int numAtoms)
{
    std::vector<std::array<int, 2>> ranges;
    for (const MoleculeInfo& m : topology.molecules) {
        ranges.push_back({m.firstAtom, m.numAtoms});
    }
    if (ranges.empty()) {
        for (int i = 0; i < numAtoms; ++i) {
            ranges.push_back({i, 1});
        }
    }
    return ranges;
}

double barostatTemperature(const MdpOptions& mdp)
{
    if (mdp.refT.empty()) {
        throw SetupError("pressure coupling needs a temperature: give tc-grps, tau-t and ref-t");
    }
    for (double t : mdp.refT) {
        if (t != mdp.refT[0]) {
            throw SetupError(
                "pressure coupling needs one ensemble temperature, but the tc groups have different ref-t");
        }
    }
    return mdp.refT[0];
}

} // namespace

IntegratorOptions integratorOptions(const MdpOptions& mdp)
{
    IntegratorOptions options;
    options.dt = mdp.dt;
    options.nstcomm = mdp.nstcomm;
    options.commMode = mdp.commMode;
    return options;
}

StochasticDynamicsOptions stochasticDynamicsOptions(const MdpOptions& mdp)
{
    StochasticDynamicsOptions options;
    options.referenceTemperatures = mdp.refT;
    options.frictionTimes = mdp.tauT;
    options.seed = resolveSeed(mdp.ldSeed);
    return options;
}

std::unique_ptr<Thermostat> makeThermostat(const MdpOptions& mdp)
{
    if (mdp.tcoupl == "no" || mdp.integrator == "sd") {
        return nullptr;
    }
    if (mdp.tauT.size() != 1 || mdp.refT.size() != 1) {
        throw SetupError(fmt::format("{} tc groups need the topology to know the groups' atoms: use "
                                     "makeThermostat(mdp, system, topology, diagnostics)",
                                     mdp.tauT.size()));
    }
    return std::make_unique<TemperatureCoupling>(couplingOptions(mdp, nullptr));
}

std::unique_ptr<Thermostat> makeThermostat(const MdpOptions& mdp, const System& system, const Topology& topology,
                                           Diagnostics& diagnostics)
{
    if (mdp.integrator == "sd") {
        if (mdp.tcoupl != "no") {
            diagnostics.warn(fmt::format("tcoupl = {} is ignored with integrator = sd: the sd friction and noise "
                                         "are the thermostat (as GROMACS)",
                                         mdp.tcoupl));
        }
        return nullptr;
    }
    if (mdp.tcoupl == "no") {
        return nullptr;
    }
    TemperatureCouplingOptions o = couplingOptions(mdp, &diagnostics);
    if (o.algorithm == CouplingAlgorithm::Berendsen) {
        diagnostics.warn("the Berendsen thermostat does not generate the canonical ensemble (kinetic-energy "
                         "fluctuations are too small); use v-rescale or nose-hoover for production");
    }
    if (mdp.tcGroups.size() > 1) {
        o.groupOfAtom = couplingGroupOfAtoms(topology, mdp.tcGroups);
        o.groupDegreesOfFreedom =
            groupDegreesOfFreedom(system, o.groupOfAtom, static_cast<int>(mdp.tcGroups.size()), mdp.commMode);
    } else if (mdp.tcGroups.size() == 1) {
        couplingGroupOfAtoms(topology, mdp.tcGroups); // checks that the one group holds every atom
    }
    return std::make_unique<TemperatureCoupling>(std::move(o));
}

std::unique_ptr<Integrator> makeIntegrator(const MdpOptions& mdp, const System& system, ForceFunction forces,
                                           const Constraints* constraints, Thermostat* thermostat, Barostat* barostat)
{
    return makeIntegrator(mdp, integratorOptions(mdp), system, std::move(forces), constraints, thermostat, barostat);
}

std::unique_ptr<Integrator> makeIntegrator(const MdpOptions& mdp, const IntegratorOptions& options,
                                           const System& system, ForceFunction forces,
                                           const Constraints* constraints, Thermostat* thermostat, Barostat* barostat)
{
    if (mdp.integrator == "md") {
        return makeLeapFrog(system, std::move(forces), constraints, options, thermostat, barostat);
    }
    if (mdp.integrator == "md-vv") {
        return makeVelocityVerlet(system, std::move(forces), constraints, options, thermostat, barostat);
    }
    if (mdp.integrator == "sd") {
        if (mdp.refT.size() > 1) {
            throw SetupError("sd with several tc groups needs the topology: use makeDynamics");
        }
        return makeStochasticDynamics(system, std::move(forces), constraints, options,
                                      stochasticDynamicsOptions(mdp), barostat);
    }
    throw SetupError(fmt::format("integrator = {} is not a dynamics integrator proteinmd implements (md, md-vv, sd)",
                                 mdp.integrator));
}

std::unique_ptr<Barostat> makeBarostat(const MdpOptions& mdp, const System& system, const Topology& topology,
                                       const State& state, ForceFunction forces, Diagnostics& diagnostics)
{
    const bool monteCarlo = mdp.mcBarostat;
    if (mdp.pcoupl == "no" && !monteCarlo) {
        return nullptr;
    }
    if (!state.box.isPeriodic()) {
        throw SetupError("pressure coupling needs a periodic box");
    }
    int interval = mdp.nstpcouple;
    if (interval == 0 || interval < -1) {
        throw SetupError(fmt::format("nstpcouple = {}: expected -1 (default) or a positive number of steps", interval));
    }
    if (monteCarlo) {
        if (mdp.pcoupl != "no") {
            throw SetupError(fmt::format("mc-barostat = yes and pcoupl = {} both ask for pressure coupling; set "
                                         "pcoupl = no to use the Monte Carlo barostat",
                                         mdp.pcoupl));
        }
        MonteCarloBarostatOptions o;
        o.pressure = mdp.refP.empty() ? 1.0 : mdp.refP[0];
        o.temperature = barostatTemperature(mdp);
        o.interval = interval > 0 ? interval : 25;
        o.seed = resolveSeed(mdp.ldSeed);
        return std::make_unique<MonteCarloBarostat>(system.masses, moleculeRanges(topology, system.numAtoms()),
                                                    std::move(forces), o);
    }
    if (mdp.pcoupl != "c-rescale" && mdp.pcoupl != "berendsen") {
        throw SetupError(
            fmt::format("pcoupl = {} is not implemented (use C-rescale, Berendsen, or mc-barostat = yes)", mdp.pcoupl));
    }
    PressureCouplingOptions o;
    if (mdp.pcouplType == "isotropic") {
        o.type = PressureCouplingType::Isotropic;
    } else if (mdp.pcouplType == "semiisotropic") {
        o.type = PressureCouplingType::SemiIsotropic;
    } else {
        throw SetupError(fmt::format("pcoupltype = {} is not implemented (isotropic, semiisotropic)", mdp.pcouplType));
    }
    const std::size_t values = o.type == PressureCouplingType::Isotropic ? 1 : 2;
    if (mdp.refP.size() != values || mdp.compressibility.size() != values) {
        throw SetupError(
            fmt::format("pcoupltype = {} needs {} ref-p and compressibility value(s)", mdp.pcouplType, values));
    }
    for (std::size_t k = 0; k < 2; ++k) {
        o.referencePressure[k] = mdp.refP[std::min(k, values - 1)];
        o.compressibility[k] = mdp.compressibility[std::min(k, values - 1)];
    }
    o.tau = mdp.tauP;
    o.timeStep = mdp.dt;
    o.temperature = barostatTemperature(mdp);
    o.seed = resolveSeed(mdp.ldSeed);
    if (interval > 0) {
        o.interval = interval;
    } else {
        // GROMACS 2022's default: 10 steps, fewer when tau-p would span fewer than 10 couplings.
        o.interval = 10;
        if (10 * 10 * mdp.dt > mdp.tauP) {
            o.interval = std::max(1, static_cast<int>(mdp.tauP / (mdp.dt * 10)));
        }
    }
    if (mdp.pcoupl == "berendsen") {
        diagnostics.warn("the Berendsen barostat does not generate the isothermal-isobaric ensemble (volume "
                         "fluctuations are wrong); use C-rescale for production");
        return std::make_unique<BerendsenBarostat>(o);
    }
    return std::make_unique<CRescaleBarostat>(o);
}

Dynamics::Dynamics() = default;
Dynamics::Dynamics(Dynamics&&) noexcept = default;
Dynamics& Dynamics::operator=(Dynamics&&) noexcept = default;
Dynamics::~Dynamics() = default;

Dynamics makeDynamics(const MdpOptions& mdp, const System& system, const Topology& topology, const State& state,
                      ForceFunction forces, const Constraints* constraints, Diagnostics& diagnostics,
                      std::function<bool(std::int64_t step)> energyOnStep)
{
    Dynamics d;
    IntegratorOptions options = integratorOptions(mdp);
    options.energyOnStep = std::move(energyOnStep);
    d.thermostat = makeThermostat(mdp, system, topology, diagnostics);
    d.barostat = makeBarostat(mdp, system, topology, state, forces, diagnostics);
    if (mdp.integrator == "sd") {
        StochasticDynamicsOptions sd = stochasticDynamicsOptions(mdp);
        if (mdp.tcGroups.size() > 1) {
            sd.groupOfAtom = couplingGroupOfAtoms(topology, mdp.tcGroups);
        }
        d.integrator = makeStochasticDynamics(system, std::move(forces), constraints, options, std::move(sd),
                                              d.barostat.get());
    } else {
        d.integrator = makeIntegrator(mdp, options, system, std::move(forces), constraints, d.thermostat.get(),
                                      d.barostat.get());
    }
    return d;
}

} // namespace proteinmd
