#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "proteinmd/backends/reference_force_field.h"
#include "proteinmd/io/npy.h"
#include "proteinmd/io/simulation_inputs.h"

namespace proteinmd::cli {

void EnergyCommand::registerWith(CLI::App& app)
{
    command_ = app.add_subcommand("energy", "Single-point energy per term (kJ/mol) and forces, as gmx mdrun -rerun");
    command_->add_option("--top,-p", topology_, "GROMACS topology (.top)")->required()->check(CLI::ExistingFile);
    command_->add_option("--coords,-c", coordinates_, "Coordinates (.gro or .pdb)")->required()->check(CLI::ExistingFile);
    command_->add_option("--mdp,-f", mdp_, "GROMACS run parameters (.mdp); GROMACS defaults if absent")
        ->check(CLI::ExistingFile);
    command_->add_option("-r,--restraint-ref", restraintReference_,
                         "Reference coordinates for position restraints (like grompp -r); default: --coords")
        ->check(CLI::ExistingFile);
    command_->add_option("-I,--include", includeDirs_, "Extra folder searched by #include (like grompp -I)");
    command_->add_flag("--json", json_, "Print one JSON object with the energy terms instead of a table");
    command_->add_option("--forces", forcesOut_, "Write forces (N x 3 float64, kJ/mol/nm) to this .npy file");
}

namespace {

void printTable(const EnergyTerms& energies, const SimulationInputs& inputs, const ReferenceForceField& forceField)
{
    fmt::print("system: {} atoms, {} molecules, net charge {:.4f} e\n", inputs.system.numAtoms(),
               inputs.topology.molecules.size(), inputs.system.totalCharge());
    if (const auto& ewald = forceField.ewaldSetup()) {
        fmt::print("PME: ewald coefficient {:.10f} nm^-1, grid {}x{}x{}, order {}\n", ewald->coefficient,
                   ewald->grid[0], ewald->grid[1], ewald->grid[2], ewald->order);
    }
    fmt::print("set-up: {:.3f} s (topology {:.3f} s, coordinates {:.3f} s)\n\n", inputs.timings.totalSeconds,
               inputs.timings.topologySeconds, inputs.timings.coordinatesSeconds);
    fmt::print("{:<24}{:>22}\n", "term", "energy (kJ/mol)");
    for (std::size_t t = 0; t < kNumEnergyTerms; ++t) {
        if (energies.present[t]) {
            fmt::print("{:<24}{:>22.9e}\n", energyTermKey(static_cast<EnergyTerm>(t)), energies.values[t]);
        }
    }
    fmt::print("{:<24}{:>22.9e}\n", "total", energies.total());
}

nlohmann::json energiesToJson(const EnergyTerms& energies)
{
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t t = 0; t < kNumEnergyTerms; ++t) {
        if (energies.present[t]) {
            j[std::string(energyTermKey(static_cast<EnergyTerm>(t)))] = energies.values[t];
        }
    }
    j["total"] = energies.total();
    return j;
}

} // namespace

int EnergyCommand::run() const
{
    InputFiles files;
    files.topology = topology_;
    files.coordinates = coordinates_;
    if (!mdp_.empty()) {
        files.mdp = mdp_;
    }
    files.includeDirs = includeDirs_;
    if (!restraintReference_.empty()) {
        files.restraintCoordinates = restraintReference_;
    }
    SimulationInputs inputs = loadGromacsInputs(files);
    for (const std::string& warning : inputs.diagnostics.warnings) {
        fmt::print(stderr, "warning: {}\n", warning);
    }

    ReferenceForceField forceField(inputs.system, inputs.mdp.nonbonded, inputs.state.box);
    ForceOutput out;
    forceField.compute(inputs.state.positions, inputs.state.box, out);

    if (json_) {
        fmt::print("{}\n", energiesToJson(out.energies).dump(1));
    } else {
        printTable(out.energies, inputs, forceField);
    }
    if (!forcesOut_.empty()) {
        writeNpy(forcesOut_, out.forces);
        if (!json_) {
            fmt::print("\nforces written to {}\n", forcesOut_.string());
        }
    }
    return 0;
}

} // namespace proteinmd::cli
