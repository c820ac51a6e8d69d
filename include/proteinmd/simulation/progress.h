#pragma once
// Progress of a running simulation for a person watching: on a terminal a single line rewritten in
// place (carriage return) at most about four times a second; into a pipe or file a plain line every
// N steps (or about every 10 s). The reporter only decides *when* and *what*; the program prints.

#include <cstdint>
#include <optional>
#include <string>

namespace proteinmd {

struct ProgressInfo {
    std::int64_t step = 0;       // steps done so far (the state's step)
    std::int64_t firstStep = 0;  // step this run (or resume) started from
    std::int64_t lastStep = 0;   // step the run ends at
    double timePs = 0;           // simulated time at `step`
    double dtPs = 0;
    double elapsedSeconds = 0;   // wall time since the loop started
};

class ProgressReporter {
public:
    // terminal: rewrite one line; otherwise plain lines every `everySteps` steps (0: every ~10 s).
    ProgressReporter(bool terminal, int everySteps);

    // The text to print now, or nullopt. Terminal text starts with '\r' and has no newline;
    // plain text ends with '\n'.
    std::optional<std::string> update(const ProgressInfo& info);
    // What to print when the loop ends (a newline ending the terminal line; nothing otherwise).
    std::string finish() const;

    // "ns/day" over the last few seconds; 0 before there is a measurement.
    double currentNsPerDay() const { return nsPerDay_; }

    static std::string formatDuration(double seconds); // "1:02:03", "3:07"

private:
    std::string line(const ProgressInfo& info) const;

    bool terminal_;
    int everySteps_;
    bool printedAny_ = false;
    double lastPrint_ = -1e300;
    // Rate window: the step and wall time of the window's start.
    std::int64_t windowStep_ = -1;
    double windowStart_ = 0;
    double nsPerDay_ = 0;
    double stepsPerSecond_ = 0;
};

} // namespace proteinmd
