#include "proteinmd/perf/step_timers.h"

#include <fmt/format.h>

namespace proteinmd {

double StepTimers::totalSeconds() const
{
    double total = 0;
    for (double s : seconds_) {
        total += s;
    }
    return total;
}

std::string StepTimers::table(long long steps, double dtPs, int numAtoms, double wallSeconds) const
{
    std::string text = fmt::format("{:<14}{:>12}{:>12}{:>9}\n", "part", "seconds", "ms/step", "%");
    const double perStep = steps > 0 ? 1e3 / static_cast<double>(steps) : 0.0;
    const double accounted = totalSeconds();
    for (std::size_t p = 0; p < kNumStepParts; ++p) {
        const double s = seconds_[p];
        if (s <= 0) {
            continue;
        }
        text += fmt::format("{:<14}{:>12.3f}{:>12.4f}{:>8.1f}%\n", stepPartName(static_cast<StepPart>(p)), s,
                            s * perStep, wallSeconds > 0 ? 100.0 * s / wallSeconds : 0.0);
    }
    const double unaccounted = wallSeconds - accounted;
    if (unaccounted > 0) {
        text += fmt::format("{:<14}{:>12.3f}{:>12.4f}{:>8.1f}%\n", "unaccounted", unaccounted, unaccounted * perStep,
                            wallSeconds > 0 ? 100.0 * unaccounted / wallSeconds : 0.0);
    }
    text += fmt::format("{:<14}{:>12.3f}{:>12.4f}{:>8.1f}%\n", "total", wallSeconds, wallSeconds * perStep, 100.0);
    const double atomSteps = wallSeconds > 0 ? static_cast<double>(numAtoms) * static_cast<double>(steps) / wallSeconds : 0;
    text += fmt::format("\nperformance: {:.4f} ms/step, {:.3f} ns/day, {:.3e} atom-steps/s\n", wallSeconds * perStep,
                        nsPerDay(static_cast<double>(steps) * dtPs, wallSeconds), atomSteps);
    return text;
}

} // namespace proteinmd
