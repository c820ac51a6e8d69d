#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>

#include <fmt/format.h>

#include "commands.h"
#include "proteinmd/perf/bench_result.h"
#include "proteinmd/perf/bench_runner.h"
#include "proteinmd/perf/bench_systems.h"

namespace proteinmd::cli {

void BenchCommand::registerWith(CLI::App& app)
{
    std::string names;
    for (const std::string& n : benchmarkNames()) {
        names += (names.empty() ? "" : ", ") + n;
    }
    command_ = app.add_subcommand("bench", "Time whole MD steps of a benchmark system (" + names + ")");
    command_->add_option("name", name_, "Benchmark system: " + names)->required();
    command_->add_flag("--json", json_, "Print one JSON object instead of a table");
    command_->add_option("--steps", steps_, "Timed steps per repeat (default: per system)")->check(CLI::PositiveNumber);
    command_->add_option("--repeats", repeats_, "Timed repeats; the median is reported (default 3)")->check(CLI::PositiveNumber);
    command_->add_option("--warmup", warmup_, "Warm-up steps before timing (default: per system)")->check(CLI::NonNegativeNumber);
    command_->add_option("--threads", threads_, "OpenMP threads (default: all)")->check(CLI::NonNegativeNumber);
    command_->add_option("--buffer", buffer_, "Pair-list buffer in nm (default: per system)")->check(CLI::NonNegativeNumber);
    command_->add_option("--nstlist", nstlist_, "Pair-list lifetime in steps (default: per system)")->check(CLI::PositiveNumber);
    command_->add_option("--prune-buffer", pruneBuffer_, "Inner buffer of the pruned list in nm; -1 = no pruning (default: per system)")
        ->check(CLI::Range(-1.0, 10.0));
    command_->add_option("--nstprune", nstprune_, "Re-prune the pair list every this many steps (default: per system)")
        ->check(CLI::PositiveNumber);
    command_->add_option("--prune-rule", pruneRule_,
                         "exact: re-prune whenever a pair may be missing; estimated: every nstprune steps, with the "
                         "inner buffer from the drift tolerance unless --prune-buffer (default: per system)")
        ->check(CLI::IsMember({"exact", "estimated"}));
    command_->add_option("--benchmarks", benchmarksDir_,
                         "Folder of the reference systems (default: $PROTEINMD_BENCHMARKS or the build's shared/benchmarks)");
    command_->add_option("--save-baseline", saveBaseline_, "Write the result as a baseline JSON file");
    command_->add_option("--compare", compare_, "Compare with a baseline JSON file; exit 3 on a regression")
        ->check(CLI::ExistingFile);
    command_->add_option("--threshold", threshold_, "Relative slow-down counted as a regression (default 0.10)")
        ->check(CLI::NonNegativeNumber);
    command_->add_option("--history", history_, "History file (JSON lines, last 100 results; default <build>/bench/history.jsonl)");
    command_->add_flag("--no-history", noHistory_, "Do not append to the history file");
}

namespace {

std::string commandOutput(const std::string& command)
{
    std::string text;
    if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[256];
        while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
            text += buffer;
        }
        if (pclose(pipe) != 0) {
            return {};
        }
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    return text;
}

// The commit being benchmarked: the working folder's checkout if it is one, else the source tree's
// checkout, else the commit the binary was configured from.
std::string currentCommit()
{
    for (const char* command : {"git rev-parse HEAD 2>/dev/null",
                                      "git -C '" PROTEINMD_SOURCE_DIR "' rev-parse HEAD 2>/dev/null"}) {
        if (const std::string commit = commandOutput(command); commit.size() == 40) {
            return commit;
        }
    }
    return std::string(PROTEINMD_BUILD_COMMIT) + " (built, proteinmd " PROTEINMD_VERSION_STRING ")";
}

std::string utcTimestamp()
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

double loadAverage()
{
    std::ifstream in("/proc/loadavg");
    double load = -1;
    return in >> load ? load : -1;
}

void printTable(const BenchResult& r)
{
    fmt::print("benchmark {}: {} atoms, {} threads, {} repeats x {} steps (after {} warm-up steps), load {:.2f}\n",
               r.system, r.atoms, r.threads, r.repeats, r.steps, r.warmupSteps, r.loadAverage);
    fmt::print("ms/step {:.3f} (min {:.3f}, max {:.3f}, spread {:.1f}%)  steps/s {:.1f}  ns/day {:.3f}  atom-steps/s {:.3g}\n",
               r.msPerStep, r.msPerStepMin, r.msPerStepMax, 100 * r.spread, r.stepsPerSecond, r.nsPerDay,
               r.atomStepsPerSecond);
    fmt::print("{:<14}{:>12}{:>8}\n", "part", "ms/step", "%");
    for (const auto& [part, ms] : r.partMsPerStep) {
        fmt::print("{:<14}{:>12.4f}{:>7.1f}%\n", part, ms, r.msPerStep > 0 ? 100 * ms / r.msPerStep : 0.0);
    }
    fmt::print("peak memory {:.1f} MB ({:.2f} kB/atom)\n", r.peakMemoryMb, r.memoryPerAtomKb);
    for (const auto& [key, value] : r.extra) {
        fmt::print("{} = {:.10g}\n", key, value);
    }
    fmt::print("commit {}\n", r.commit);
}

} // namespace

int BenchCommand::run() const
{
    std::filesystem::path dir = benchmarksDir_;
    if (dir.empty()) {
        const char* env = std::getenv("PROTEINMD_BENCHMARKS");
        dir = env != nullptr ? std::filesystem::path(env) : std::filesystem::path(PROTEINMD_SHARED_DIR) / "benchmarks";
    }
    // A baseline that cannot be read fails before minutes of benchmarking, not after.
    std::optional<BenchResult> baseline;
    if (!compare_.empty()) {
        baseline = loadBaseline(compare_);
    }
    const double load = loadAverage();
    std::unique_ptr<BenchSystem> system = makeBenchSystem(name_, dir);
    BenchResult result = runBenchmark(*system, BenchOptions{steps_, repeats_, warmup_, threads_, buffer_, nstlist_, pruneBuffer_, nstprune_, pruneRule_});
    result.commit = currentCommit();
    result.timestamp = utcTimestamp();
    result.loadAverage = load;

    int status = 0;
    nlohmann::json json = toJson(result);
    if (const auto it = result.extra.find("step0_relative_error"); it != result.extra.end() && it->second > 1e-6) {
        fmt::print(stderr, "proteinmd bench: step-0 potential energy differs from the reference by {:.3g} (relative)\n",
                   it->second);
        status = 4;
    }
    std::string comparison;
    if (baseline) {
        const BaselineComparison c = compareWithBaseline(result, *baseline, threshold_);
        comparison = c.report();
        json["comparison"] = {{"baseline", compare_.string()}, {"threshold", threshold_}, {"regressed", c.regressed}};
        for (const MetricChange& m : c.metrics) {
            json["comparison"]["metrics"][m.metric] = {{"baseline", m.baseline}, {"current", m.current},
                                                       {"change", m.change}, {"regressed", m.regressed}};
        }
        if (c.regressed) {
            status = status != 0 ? status : 3;
        }
    }
    if (json_) {
        fmt::print("{}\n", json.dump(1));
    } else {
        printTable(result);
        if (!comparison.empty()) {
            fmt::print("\ncompared with {} (threshold {:.0f}%):\n{:<22}{:>14}{:>14}{:>10}\n{}", compare_.string(),
                       100 * threshold_, "metric", "baseline", "current", "change", comparison);
        }
    }
    if (!saveBaseline_.empty()) {
        saveBaseline(saveBaseline_, result);
    }
    if (!noHistory_) {
        const std::filesystem::path history =
            history_.empty() ? std::filesystem::path(PROTEINMD_BINARY_DIR) / "bench" / "history.jsonl" : history_;
        appendHistory(history, result, 100);
    }
    if (status == 3) {
        fmt::print(stderr, "proteinmd bench: regression above {:.0f}% against {}\n", 100 * threshold_, compare_.string());
    }
    return status;
}

} // namespace proteinmd::cli
