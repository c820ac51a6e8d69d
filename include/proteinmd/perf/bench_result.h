#pragma once
// One benchmark result (`proteinmd bench NAME --json`), its JSON form, baselines, regression checks
// against a baseline, and the history file (JSON lines, the last N results with their git commit).

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace proteinmd {

struct BenchResult {
    std::string system;
    int atoms = 0;
    long long steps = 0;        // timed steps per repeat
    int repeats = 0;
    int warmupSteps = 0;
    int threads = 0;
    double dtPs = 0;            // 0 where no time step applies
    double msPerStep = 0;       // median over the repeats
    double msPerStepMin = 0;
    double msPerStepMax = 0;
    double spread = 0;          // (max - min) / median
    double nsPerDay = 0;        // 0 where no time step applies
    double atomStepsPerSecond = 0;
    double stepsPerSecond = 0;
    std::map<std::string, double> partMsPerStep; // pair_search, nonbonded, bonded, pme, constraints, update, output
    double peakMemoryMb = 0;    // getrusage ru_maxrss of the whole process
    double memoryPerAtomKb = 0;
    std::map<std::string, double> extra;         // system-specific figures (energy checks, rlist, list builds)
    std::string commit;         // git commit the binary was run from (or was built from)
    std::string timestamp;      // ISO 8601, UTC
    double loadAverage = -1;    // 1-minute load average at the start (-1 unknown)
};

nlohmann::json toJson(const BenchResult& result);
// Throws InputError (naming `source`) when a required key (system, ms_per_step) is missing or of
// the wrong type.
BenchResult benchResultFromJson(const nlohmann::json& json, const std::string& source);

// Median and (max - min) / median of repeated timings; SetupError for an empty list.
struct MedianSpread {
    double median = 0, min = 0, max = 0, spread = 0;
};
MedianSpread medianAndSpread(std::vector<double> values);

// One compared metric: change = current / baseline - 1 (positive = slower or bigger).
struct MetricChange {
    std::string metric;
    double baseline = 0;
    double current = 0;
    double change = 0;
    bool decides = false;   // counts towards the verdict (ms_per_step, peak_memory_mb); parts are informative
    bool regressed = false; // decides and change > threshold
};

struct BaselineComparison {
    std::vector<MetricChange> metrics;
    bool regressed = false;
    std::string report() const; // one line per metric, "REGRESSION" marked
};

// Compares the timing (ms_per_step) and peak memory against a baseline of the same system: a
// regression is a relative increase above `threshold` (0.10 = 10%). Per-part times are listed but do
// not decide. SetupError when the systems differ or threshold < 0.
BaselineComparison compareWithBaseline(const BenchResult& current, const BenchResult& baseline, double threshold);

void saveBaseline(const std::filesystem::path& path, const BenchResult& result);
BenchResult loadBaseline(const std::filesystem::path& path); // InputError for a missing or malformed file

// Appends one JSON line to `path` (creating folders), then keeps only the last `keep` lines.
// Lines that do not parse are dropped with the old ones (the file is rewritten atomically).
void appendHistory(const std::filesystem::path& path, const BenchResult& result, std::size_t keep = 100);
std::vector<BenchResult> readHistory(const std::filesystem::path& path); // missing file: empty

} // namespace proteinmd
