#pragma once
// The subcommands of the proteinmd program. Each registers its options with CLI11 and runs.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace proteinmd::cli {

// `proteinmd energy`: single-point energies and forces of a GROMACS-prepared system.
class EnergyCommand {
public:
    void registerWith(CLI::App& app);
    bool selected() const { return command_ != nullptr && command_->parsed(); }
    int run() const;

private:
    CLI::App* command_ = nullptr;
    std::filesystem::path topology_;
    std::filesystem::path coordinates_;
    std::filesystem::path mdp_;
    std::filesystem::path forcesOut_;
    std::filesystem::path restraintReference_;
    std::vector<std::filesystem::path> includeDirs_;
    bool json_ = false;
};

// `proteinmd config --from-mdp M.mdp`: writes the equivalent run configuration (TOML).
class ConfigCommand {
public:
    void registerWith(CLI::App& app);
    bool selected() const { return command_ != nullptr && command_->parsed(); }
    int run() const;

private:
    CLI::App* command_ = nullptr;
    std::filesystem::path mdp_;
    std::filesystem::path topology_ = "topol.top";
    std::filesystem::path coordinates_ = "conf.gro";
    std::filesystem::path output_;
};

// `proteinmd run`: molecular dynamics (or minimisation) from a run configuration or GROMACS inputs.
class RunCommand {
public:
    void registerWith(CLI::App& app);
    bool selected() const { return command_ != nullptr && command_->parsed(); }
    int run(int argc, char** argv) const;

private:
    CLI::App* command_ = nullptr;
    std::filesystem::path config_;
    std::filesystem::path topology_;
    std::filesystem::path coordinates_;
    std::filesystem::path mdp_;
    std::filesystem::path restraintReference_;
    std::vector<std::filesystem::path> includeDirs_;
    std::filesystem::path outputDir_;
    std::optional<std::int64_t> steps_;
    std::optional<int> threads_;
    std::optional<double> maxHours_;
    std::string backend_ = "cpu";
    bool resume_ = false;
};

// `proteinmd bench NAME`: whole-MD-step benchmarks of the named systems (bench_systems.h), with
// baselines (--save-baseline / --compare) and a history file of the last 100 results.
class BenchCommand {
public:
    void registerWith(CLI::App& app);
    bool selected() const { return command_ != nullptr && command_->parsed(); }
    int run() const;

private:
    CLI::App* command_ = nullptr;
    std::string name_;
    bool json_ = false;
    long long steps_ = 0;
    int repeats_ = 3;
    int warmup_ = -1;
    int threads_ = 0;
    double buffer_ = -1;
    int nstlist_ = 0;
    double pruneBuffer_ = -2;
    int nstprune_ = 0;
    std::string pruneRule_;
    std::filesystem::path benchmarksDir_;
    std::filesystem::path saveBaseline_;
    std::filesystem::path compare_;
    double threshold_ = 0.10;
    std::filesystem::path history_;
    bool noHistory_ = false;
};

} // namespace proteinmd::cli
