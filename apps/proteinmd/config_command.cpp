#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "commands.h"
#include "proteinmd/core/error.h"
#include "proteinmd/io/run_config.h"

namespace proteinmd::cli {

void ConfigCommand::registerWith(CLI::App& app)
{
    command_ = app.add_subcommand("config", "Write a run configuration (TOML) equivalent to a GROMACS .mdp");
    command_->add_option("--from-mdp", mdp_, "GROMACS run parameters to convert")->required()->check(CLI::ExistingFile);
    command_->add_option("--top", topology_, "Topology to name in [input] (default topol.top)");
    command_->add_option("--coords", coordinates_, "Coordinates to name in [input] (default conf.gro)");
    command_->add_option("-o,--output", output_, "Write here instead of standard output");
}

int ConfigCommand::run() const
{
    Diagnostics diagnostics;
    const MdpOptions mdp = readMdp(mdp_, diagnostics);
    for (const std::string& warning : diagnostics.warnings) {
        fmt::print(stderr, "warning: {}\n", warning);
    }
    InputFiles inputs;
    inputs.topology = topology_;
    inputs.coordinates = coordinates_;
    const std::string toml = runConfigTomlFromMdp(mdp, inputs);
    if (output_.empty()) {
        fmt::print("{}", toml);
        return 0;
    }
    std::ofstream out(output_);
    out << toml;
    out.flush();
    if (!out) {
        throw Error(fmt::format("cannot write {}", output_.string()));
    }
    return 0;
}

} // namespace proteinmd::cli
