#include "proteinmd/perf/bench_result.h"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

#include "io/file_io.h"
#include "proteinmd/core/error.h"

namespace proteinmd {

nlohmann::json toJson(const BenchResult& r)
{
    nlohmann::json j;
    j["system"] = r.system;
    j["atoms"] = r.atoms;
    j["steps"] = r.steps;
    j["repeats"] = r.repeats;
    j["warmup_steps"] = r.warmupSteps;
    j["threads"] = r.threads;
    j["dt_ps"] = r.dtPs;
    j["ms_per_step"] = r.msPerStep;
    j["ms_per_step_min"] = r.msPerStepMin;
    j["ms_per_step_max"] = r.msPerStepMax;
    j["spread"] = r.spread;
    j["steps_per_s"] = r.stepsPerSecond;
    if (r.dtPs > 0) {
        j["ns_per_day"] = r.nsPerDay;
    }
    j["atom_steps_per_s"] = r.atomStepsPerSecond;
    j["parts_ms_per_step"] = r.partMsPerStep;
    j["peak_memory_mb"] = r.peakMemoryMb;
    j["memory_per_atom_kb"] = r.memoryPerAtomKb;
    j["extra"] = r.extra;
    j["commit"] = r.commit;
    j["timestamp"] = r.timestamp;
    if (r.loadAverage >= 0) {
        j["load_average"] = r.loadAverage;
    }
    return j;
}

namespace {

template <typename T>
T optional(const nlohmann::json& j, const char* key, T fallback)
{
    const auto it = j.find(key);
    return it != j.end() && !it->is_null() ? it->get<T>() : fallback;
}

} // namespace

BenchResult benchResultFromJson(const nlohmann::json& j, const std::string& source)
{
    const SourceLocation where{source, 0, {}};
    if (!j.is_object()) {
        throw InputError(where, fmt::format("expected a JSON object (a benchmark result), found {}", j.type_name()));
    }
    if (!j.contains("system") || !j["system"].is_string()) {
        throw InputError(where, "expected a string 'system' in the benchmark result");
    }
    if (!j.contains("ms_per_step") || !j["ms_per_step"].is_number()) {
        throw InputError(where, "expected a number 'ms_per_step' in the benchmark result");
    }
    try {
        BenchResult r;
        r.system = j["system"].get<std::string>();
        r.msPerStep = j["ms_per_step"].get<double>();
        r.atoms = optional(j, "atoms", 0);
        r.steps = optional(j, "steps", 0LL);
        r.repeats = optional(j, "repeats", 0);
        r.warmupSteps = optional(j, "warmup_steps", 0);
        r.threads = optional(j, "threads", 0);
        r.dtPs = optional(j, "dt_ps", 0.0);
        r.msPerStepMin = optional(j, "ms_per_step_min", r.msPerStep);
        r.msPerStepMax = optional(j, "ms_per_step_max", r.msPerStep);
        r.spread = optional(j, "spread", 0.0);
        r.stepsPerSecond = optional(j, "steps_per_s", 0.0);
        r.nsPerDay = optional(j, "ns_per_day", 0.0);
        r.atomStepsPerSecond = optional(j, "atom_steps_per_s", 0.0);
        r.partMsPerStep = optional(j, "parts_ms_per_step", std::map<std::string, double>{});
        r.peakMemoryMb = optional(j, "peak_memory_mb", 0.0);
        r.memoryPerAtomKb = optional(j, "memory_per_atom_kb", 0.0);
        r.extra = optional(j, "extra", std::map<std::string, double>{});
        r.commit = optional(j, "commit", std::string{});
        r.timestamp = optional(j, "timestamp", std::string{});
        r.loadAverage = optional(j, "load_average", -1.0);
        return r;
    } catch (const nlohmann::json::exception& e) {
        throw InputError(where, fmt::format("a benchmark-result field has the wrong type: {}", e.what()));
    }
}

MedianSpread medianAndSpread(std::vector<double> values)
{
    if (values.empty()) {
        throw SetupError("median of no timings");
    }
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    MedianSpread m;
    m.median = n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    m.min = values.front();
    m.max = values.back();
    m.spread = m.median > 0 ? (m.max - m.min) / m.median : 0.0;
    return m;
}

BaselineComparison compareWithBaseline(const BenchResult& current, const BenchResult& baseline, double threshold)
{
    if (current.system != baseline.system) {
        throw SetupError(fmt::format("cannot compare benchmark '{}' with a baseline of '{}'", current.system,
                                     baseline.system));
    }
    if (!(threshold >= 0)) {
        throw SetupError(fmt::format("the regression threshold must be >= 0, got {}", threshold));
    }
    BaselineComparison c;
    auto add = [&](const std::string& metric, double base, double now, bool decides) {
        if (!(base > 0)) {
            return; // nothing to compare with
        }
        MetricChange m{metric, base, now, now / base - 1.0, decides, false};
        m.regressed = decides && m.change > threshold;
        c.regressed = c.regressed || m.regressed;
        c.metrics.push_back(m);
    };
    add("ms_per_step", baseline.msPerStep, current.msPerStep, true);
    add("peak_memory_mb", baseline.peakMemoryMb, current.peakMemoryMb, true);
    for (const auto& [part, ms] : current.partMsPerStep) {
        if (const auto it = baseline.partMsPerStep.find(part); it != baseline.partMsPerStep.end()) {
            add("part." + part, it->second, ms, false);
        }
    }
    return c;
}

std::string BaselineComparison::report() const
{
    std::string text;
    for (const MetricChange& m : metrics) {
        text += fmt::format("{:<22}{:>14.4f}{:>14.4f}{:>+9.1f}%{}\n", m.metric, m.baseline, m.current, 100.0 * m.change,
                            m.regressed ? "  REGRESSION" : (m.decides ? "" : "  (info)"));
    }
    return text;
}

void saveBaseline(const std::filesystem::path& path, const BenchResult& result)
{
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
    }
    detail::writeFileAtomically(path, toJson(result).dump(1) + "\n");
}

BenchResult loadBaseline(const std::filesystem::path& path)
{
    const std::string text = detail::readTextFile(path);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw InputError(SourceLocation{path.string(), 0, {}}, fmt::format("expected JSON: {}", e.what()));
    }
    return benchResultFromJson(j, path.string());
}

namespace {

std::vector<std::string> historyLines(const std::filesystem::path& path)
{
    std::vector<std::string> lines;
    if (!std::filesystem::exists(path)) {
        return lines;
    }
    std::istringstream in(detail::readTextFile(path));
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && nlohmann::json::accept(line)) {
            lines.push_back(line);
        }
    }
    return lines;
}

} // namespace

void appendHistory(const std::filesystem::path& path, const BenchResult& result, std::size_t keep)
{
    std::vector<std::string> lines = historyLines(path);
    lines.push_back(toJson(result).dump());
    const std::size_t first = lines.size() > keep ? lines.size() - keep : 0;
    std::string text;
    for (std::size_t i = first; i < lines.size(); ++i) {
        text += lines[i] + "\n";
    }
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path());
    }
    detail::writeFileAtomically(path, text);
}

std::vector<BenchResult> readHistory(const std::filesystem::path& path)
{
    std::vector<BenchResult> results;
    int lineNumber = 0;
    for (const std::string& line : historyLines(path)) {
        ++lineNumber;
        const nlohmann::json j = nlohmann::json::parse(line);
        if (j.is_object() && j.contains("system") && j.contains("ms_per_step")) {
            results.push_back(benchResultFromJson(j, fmt::format("{}:{}", path.string(), lineNumber)));
        }
    }
    return results;
}

} // namespace proteinmd
