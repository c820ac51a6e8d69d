#include "proteinmd/simulation/progress.h"

#include <cmath>

#include <fmt/format.h>

namespace proteinmd {

namespace {

constexpr double kTerminalInterval = 0.25; // s between rewrites of the terminal line
constexpr double kPlainInterval = 10.0;    // s between plain lines when no step interval is given
constexpr double kRateWindow = 2.0;        // s over which the current speed is measured

} // namespace

ProgressReporter::ProgressReporter(bool terminal, int everySteps) : terminal_(terminal), everySteps_(everySteps) {}

std::string ProgressReporter::formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0) {
        return "--:--";
    }
    const auto total = static_cast<long long>(std::llround(seconds));
    const long long h = total / 3600, m = (total / 60) % 60, s = total % 60;
    return h > 0 ? fmt::format("{}:{:02d}:{:02d}", h, m, s) : fmt::format("{}:{:02d}", m, s);
}

std::string ProgressReporter::line(const ProgressInfo& info) const
{
    const std::int64_t remaining = info.lastStep - info.step;
    const double eta = stepsPerSecond_ > 0 ? static_cast<double>(remaining) / stepsPerSecond_ : -1;
    return fmt::format("step {}/{}  {:.3f} ps  {:.2f} ns/day  ETA {}", info.step, info.lastStep, info.timePs,
                       nsPerDay_, formatDuration(eta));
}

std::optional<std::string> ProgressReporter::update(const ProgressInfo& info)
{
    if (windowStep_ < 0) {
        windowStep_ = info.step;
        windowStart_ = info.elapsedSeconds;
    }
    const double windowSeconds = info.elapsedSeconds - windowStart_;
    if (windowSeconds >= kRateWindow || (stepsPerSecond_ == 0 && windowSeconds > 0 && info.step > windowStep_)) {
        stepsPerSecond_ = static_cast<double>(info.step - windowStep_) / windowSeconds;
        nsPerDay_ = stepsPerSecond_ * info.dtPs * 1e-3 * 86400.0;
        if (windowSeconds >= kRateWindow) {
            windowStep_ = info.step;
            windowStart_ = info.elapsedSeconds;
        }
    }
    const bool last = info.step >= info.lastStep;
    if (terminal_) {
        if (!last && info.elapsedSeconds - lastPrint_ < kTerminalInterval) {
            return std::nullopt;
        }
        lastPrint_ = info.elapsedSeconds;
        printedAny_ = true;
        // Trailing blanks wipe what a longer previous line left behind.
        return fmt::format("\r{}   ", line(info));
    }
    const bool due = everySteps_ > 0 ? (info.step % everySteps_ == 0 || last)
                                     : (info.elapsedSeconds - lastPrint_ >= kPlainInterval || last);
    if (!due || (last && printedAny_ && info.elapsedSeconds == lastPrint_)) {
        return std::nullopt;
    }
    lastPrint_ = info.elapsedSeconds;
    printedAny_ = true;
    return fmt::format("{}\n", line(info));
}

std::string ProgressReporter::finish() const
{
    return terminal_ && printedAny_ ? "\n" : "";
}

} // namespace proteinmd
