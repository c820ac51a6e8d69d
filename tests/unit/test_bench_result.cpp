// The benchmark bookkeeping: JSON round trip, median/spread, baseline comparison (a regression
// fires above the threshold and not below), baseline files and the capped history file.

#include <gtest/gtest.h>

#include <fstream>

#include "proteinmd/core/error.h"
#include "proteinmd/perf/bench_result.h"
#include "test_support/test_paths.h"

using namespace proteinmd;

namespace {

BenchResult sample(double msPerStep = 10.0, double memory = 100.0)
{
    BenchResult r;
    r.system = "dhfr";
    r.atoms = 23558;
    r.steps = 50;
    r.repeats = 3;
    r.threads = 2;
    r.dtPs = 0.002;
    r.msPerStep = msPerStep;
    r.msPerStepMin = msPerStep * 0.9;
    r.msPerStepMax = msPerStep * 1.2;
    r.spread = 0.3;
    r.nsPerDay = 17.28;
    r.atomStepsPerSecond = 2.3558e6;
    r.partMsPerStep = {{"nonbonded", 6.0}, {"pme", 2.0}};
    r.peakMemoryMb = memory;
    r.memoryPerAtomKb = 4.3;
    r.extra = {{"rlist_nm", 0.95}};
    r.commit = "0123456789abcdef0123456789abcdef01234567";
    r.timestamp = "2024-01-01T00:00:00Z";
    r.loadAverage = 1.5;
    return r;
}

TEST(BenchResult, JsonRoundTripKeepsEveryField)
{
    const BenchResult r = sample();
    const nlohmann::json j = toJson(r);
    for (const char* key : {"system", "atoms", "steps", "threads", "ms_per_step", "ns_per_day", "parts_ms_per_step",
                            "peak_memory_mb", "commit"}) {
        EXPECT_TRUE(j.contains(key)) << key;
    }
    const BenchResult back = benchResultFromJson(j, "test");
    EXPECT_EQ(back.system, r.system);
    EXPECT_EQ(back.atoms, r.atoms);
    EXPECT_EQ(back.steps, r.steps);
    EXPECT_EQ(back.threads, r.threads);
    EXPECT_DOUBLE_EQ(back.msPerStep, r.msPerStep);
    EXPECT_DOUBLE_EQ(back.nsPerDay, r.nsPerDay);
    EXPECT_EQ(back.partMsPerStep, r.partMsPerStep);
    EXPECT_EQ(back.extra, r.extra);
    EXPECT_EQ(back.commit, r.commit);
    EXPECT_DOUBLE_EQ(back.loadAverage, r.loadAverage);
}

TEST(BenchResult, NoTimeStepMeansNoNsPerDay)
{
    BenchResult r = sample();
    r.dtPs = 0;
    EXPECT_FALSE(toJson(r).contains("ns_per_day"));
}

TEST(BenchResult, MalformedJsonIsAnInputErrorNamingTheSource)
{
    EXPECT_THROW(benchResultFromJson(nlohmann::json::array(), "x.json"), InputError);
    try {
        benchResultFromJson(nlohmann::json{{"system", "dhfr"}}, "base.json");
        FAIL() << "no exception";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("base.json"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("ms_per_step"), std::string::npos);
    }
    EXPECT_THROW(benchResultFromJson(nlohmann::json{{"system", "dhfr"}, {"ms_per_step", 1.0}, {"atoms", "many"}}, "x"),
                 InputError);
}

TEST(BenchResult, MedianAndSpread)
{
    const MedianSpread odd = medianAndSpread({3.0, 1.0, 2.0});
    EXPECT_DOUBLE_EQ(odd.median, 2.0);
    EXPECT_DOUBLE_EQ(odd.spread, 1.0);
    const MedianSpread even = medianAndSpread({4.0, 1.0, 2.0, 3.0});
    EXPECT_DOUBLE_EQ(even.median, 2.5);
    EXPECT_DOUBLE_EQ(even.min, 1.0);
    EXPECT_DOUBLE_EQ(even.max, 4.0);
    EXPECT_THROW(medianAndSpread({}), SetupError);
}

TEST(BenchResult, RegressionFiresAboveThresholdOnly)
{
    const BenchResult baseline = sample(10.0);
    EXPECT_FALSE(compareWithBaseline(sample(10.9), baseline, 0.10).regressed); // +9%
    EXPECT_TRUE(compareWithBaseline(sample(11.1), baseline, 0.10).regressed);  // +11%
    EXPECT_FALSE(compareWithBaseline(sample(8.0), baseline, 0.10).regressed);  // faster
    EXPECT_FALSE(compareWithBaseline(sample(11.1), baseline, 0.20).regressed); // custom threshold
    EXPECT_TRUE(compareWithBaseline(sample(10.0, 120.0), baseline, 0.10).regressed); // memory +20%

    // A slower part alone is reported but does not decide.
    BenchResult partSlower = sample(10.0);
    partSlower.partMsPerStep["pme"] = 4.0;
    const BaselineComparison c = compareWithBaseline(partSlower, baseline, 0.10);
    EXPECT_FALSE(c.regressed);
    bool sawPme = false;
    for (const MetricChange& m : c.metrics) {
        if (m.metric == "part.pme") {
            sawPme = true;
            EXPECT_NEAR(m.change, 1.0, 1e-12);
            EXPECT_FALSE(m.decides);
        }
    }
    EXPECT_TRUE(sawPme);
    EXPECT_NE(compareWithBaseline(sample(11.1), baseline, 0.10).report().find("REGRESSION"), std::string::npos);
}

TEST(BenchResult, ComparingDifferentSystemsIsAnError)
{
    BenchResult other = sample();
    other.system = "lj32k";
    EXPECT_THROW(compareWithBaseline(other, sample(), 0.1), SetupError);
    EXPECT_THROW(compareWithBaseline(sample(), sample(), -0.1), SetupError);
}

TEST(BenchResult, BaselineFileRoundTrip)
{
    const auto dir = test::scratchDir("bench_baseline");
    saveBaseline(dir / "sub" / "base.json", sample(12.5));
    const BenchResult back = loadBaseline(dir / "sub" / "base.json");
    EXPECT_DOUBLE_EQ(back.msPerStep, 12.5);
    EXPECT_THROW(loadBaseline(dir / "missing.json"), InputError);
    std::ofstream(dir / "bad.json") << "{ not json";
    EXPECT_THROW(loadBaseline(dir / "bad.json"), InputError);
}

TEST(BenchResult, HistoryKeepsTheLastEntriesInOrder)
{
    const auto path = test::scratchDir("bench_history") / "history.jsonl";
    EXPECT_TRUE(readHistory(path).empty());
    for (int i = 0; i < 7; ++i) {
        appendHistory(path, sample(1.0 + i), 5);
    }
    std::vector<BenchResult> history = readHistory(path);
    ASSERT_EQ(history.size(), 5u);
    EXPECT_DOUBLE_EQ(history.front().msPerStep, 3.0);
    EXPECT_DOUBLE_EQ(history.back().msPerStep, 7.0);
    EXPECT_EQ(history.back().commit, sample().commit);

    // A damaged line is dropped, the rest kept.
    std::ofstream(path, std::ios::app) << "garbage line\n";
    appendHistory(path, sample(8.0), 5);
    history = readHistory(path);
    ASSERT_EQ(history.size(), 5u);
    EXPECT_DOUBLE_EQ(history.back().msPerStep, 8.0);
}

} // namespace
