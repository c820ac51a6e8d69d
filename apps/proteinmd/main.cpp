// proteinmd: the command-line program. Thin by design: it parses options, calls the library and
// reports errors; all physics lives in the library.

#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.h"
#include "proteinmd/core/error.h"

int main(int argc, char** argv)
{
    CLI::App app{"proteinmd: molecular dynamics for proteins (GROMACS-compatible inputs)"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "proteinmd 0.1.0");

    proteinmd::cli::EnergyCommand energy;
    energy.registerWith(app);
    proteinmd::cli::ConfigCommand config;
    config.registerWith(app);
    proteinmd::cli::RunCommand run;
    run.registerWith(app);
    proteinmd::cli::BenchCommand bench;
    bench.registerWith(app);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        if (energy.selected()) {
            return energy.run();
        }
        if (config.selected()) {
            return config.run();
        }
        if (run.selected()) {
            return run.run(argc, argv);
        }
        if (bench.selected()) {
            return bench.run();
        }
    } catch (const proteinmd::Error& e) {
        fmt::print(stderr, "proteinmd: error: {}\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        fmt::print(stderr, "proteinmd: internal error: {}\n", e.what());
        return 2;
    }
    return 0;
}
