#pragma once
// Wall-time accounting per part of an MD step, like GROMACS's cycle accounting table: where does
// the time go (pair search, non-bonded, bonded, PME, constraints, update, output)?

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace proteinmd {

enum class StepPart : int { PairSearch, Nonbonded, Bonded, Pme, Constraints, Update, Output, Other, Count };

inline constexpr std::size_t kNumStepParts = static_cast<std::size_t>(StepPart::Count);

constexpr std::string_view stepPartName(StepPart part)
{
    constexpr std::array<std::string_view, kNumStepParts> names{
        "pair_search", "nonbonded", "bonded", "pme", "constraints", "update", "output", "other"};
    return names[static_cast<std::size_t>(part)];
}

class StepTimers {
public:
    using Clock = std::chrono::steady_clock;

    // Adds the time since `start` to `part` and returns now, so consecutive parts chain cheaply.
    Clock::time_point charge(StepPart part, Clock::time_point start)
    {
        const Clock::time_point now = Clock::now();
        seconds_[static_cast<std::size_t>(part)] += std::chrono::duration<double>(now - start).count();
        return now;
    }
    void add(StepPart part, double seconds) { seconds_[static_cast<std::size_t>(part)] += seconds; }
    double seconds(StepPart part) const { return seconds_[static_cast<std::size_t>(part)]; }
    double totalSeconds() const;
    void reset() { seconds_ = {}; }

    // GROMACS-style table: part, seconds, ms/step, % of the total; then ms/step, ns/day, atom-steps/s.
    std::string table(long long steps, double dtPs, int numAtoms, double wallSeconds) const;

private:
    std::array<double, kNumStepParts> seconds_{};
};

// Times a scope and charges it to one part.
class ScopedStepTimer {
public:
    ScopedStepTimer(StepTimers& timers, StepPart part) : timers_(timers), part_(part), start_(StepTimers::Clock::now()) {}
    ~ScopedStepTimer() { timers_.charge(part_, start_); }
    ScopedStepTimer(const ScopedStepTimer&) = delete;
    ScopedStepTimer& operator=(const ScopedStepTimer&) = delete;

private:
    StepTimers& timers_;
    StepPart part_;
    StepTimers::Clock::time_point start_;
};

// Simulated nanoseconds per day of wall time.
inline double nsPerDay(double psSimulated, double wallSeconds)
{
    return wallSeconds > 0 ? psSimulated * 1e-3 * 86400.0 / wallSeconds : 0.0;
}

} // namespace proteinmd
