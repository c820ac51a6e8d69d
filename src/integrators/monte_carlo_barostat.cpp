// Monte Carlo barostat (as OpenMM's MonteCarloBarostat); see barostat.h.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "box_scaling.h"
#include "random_stream.h"

#include "proteinmd/core/units.h"
#include "proteinmd/integrators/barostat.h"

namespace proteinmd {

MonteCarloBarostat::MonteCarloBarostat(std::span<const double> masses, std::vector<std::array<int, 2>> molecules,
                                       ForceFunction forces, MonteCarloBarostatOptions options)
    : masses_(masses.begin(), masses.end()), molecules_(std::move(molecules)), forces_(std::move(forces)),
      options_(options)
{
    if (options_.interval < 1 || !(options_.temperature > 0)) {
        throw SetupError(fmt::format("Monte Carlo barostat needs nstpcouple >= 1 and a temperature > 0 (got {}, {} K)",
                                     options_.interval, options_.temperature));
    }
    int next = 0;
    for (const auto& m : molecules_) {
        if (m[0] != next || m[1] < 1) {
            throw SetupError("Monte Carlo barostat: molecules must be contiguous atom ranges covering every atom");
        }
        next += m[1];
    }
    if (next != static_cast<int>(masses_.size())) {
        throw SetupError(
            fmt::format("Monte Carlo barostat: molecules cover {} atoms, the system has {}", next, masses_.size()));
    }
}

bool MonteCarloBarostat::apply(State& state, const StepEnergies& e)
{
    if (!state.box.isPeriodic() || e.step % options_.interval != 0) {
        return false;
    }
    const double volume = state.box.volume();
    if (volumeScale_ == 0) {
        volumeScale_ = 0.01 * volume;
    }
    detail::PhiloxStream rng(options_.seed, RandomPurpose::Barostat, static_cast<std::uint64_t>(e.step));
    const double deltaVolume = volumeScale_ * (2 * rng.uniform() - 1);
    const double newVolume = volume + deltaVolume;
    const double lengthScale = std::cbrt(newVolume / volume);

    forces_(state.positions, state.box, out_);
    const double energyBefore = out_.energies.total();

    // Move every molecule's centre of mass. Molecules are first made whole by chaining minimum images
    // from atom to atom (consecutive atoms of a molecule are close, even in a protein larger than half
    // the box), so an atom wrapped across the box edge moves with its molecule and keeps its shape.
    State trial = state;
    std::vector<Vec3> whole;
    for (const auto& m : molecules_) {
        whole.assign(static_cast<std::size_t>(m[1]), Vec3{});
        Vec3 weighted{};
        double total = 0;
        for (int k = 0; k < m[1]; ++k) {
            const auto a = static_cast<std::size_t>(m[0] + k);
            const auto w = static_cast<std::size_t>(k);
            whole[w] = k == 0 ? state.positions[a]
                              : whole[w - 1] + state.box.minimumImage(state.positions[a] - state.positions[a - 1]);
            weighted += whole[w] * masses_[a];
            total += masses_[a];
        }
        const Vec3 center = total > 0 ? weighted / total : whole[0];
        const Vec3 shift = center * (lengthScale - 1);
        for (int k = 0; k < m[1]; ++k) {
            trial.positions[static_cast<std::size_t>(m[0] + k)] = whole[static_cast<std::size_t>(k)] + shift;
        }
    }
    Matrix3 box = state.box.vectors();
    for (int r = 0; r < 3; ++r) {
        box[r] *= lengthScale;
    }
    trial.box = Box::fromMatrix(box);

    forces_(trial.positions, trial.box, out_);
    const double energyAfter = out_.energies.total();
    const double kT = units::kBoltzmann * options_.temperature;
    const double pressure = options_.pressure / units::kPressureFactorBar; // kJ/mol/nm^3
    const double w = energyAfter - energyBefore + pressure * deltaVolume -
                     static_cast<double>(molecules_.size()) * kT * std::log(newVolume / volume);
    const bool accept = w <= 0 || rng.uniform() < std::exp(-w / kT);
    ++attempted_;
    ++attemptedTotal_;
    if (accept) {
        ++accepted_;
        ++acceptedTotal_;
        energyAdded_ += energyAfter - energyBefore;
        state.positions = std::move(trial.positions);
        state.box = trial.box;
    }
    // Keep the acceptance rate between 25% and 75% (OpenMM's rule).
    if (attempted_ >= 10) {
        const double rate = static_cast<double>(accepted_) / static_cast<double>(attempted_);
        if (rate < 0.25) {
            volumeScale_ /= 1.1;
        } else if (rate > 0.75) {
            volumeScale_ = std::min(volumeScale_ * 1.1, 0.3 * newVolume);
        }
        attempted_ = accepted_ = 0;
    }
    return accept;
}

void MonteCarloBarostat::saveState(StateMap& state) const
{
    Barostat::saveState(state);
    state["barostat.mc"] = {volumeScale_, static_cast<double>(attempted_), static_cast<double>(accepted_),
                            static_cast<double>(attemptedTotal_), static_cast<double>(acceptedTotal_)};
}

void MonteCarloBarostat::restoreState(const StateMap& state)
{
    Barostat::restoreState(state);
    const auto it = state.find("barostat.mc");
    if (it == state.end() || it->second.size() != 5) {
        throw SetupError("checkpoint: the Monte Carlo barostat's state ('barostat.mc', 5 values) is missing");
    }
    volumeScale_ = it->second[0];
    attempted_ = static_cast<std::int64_t>(it->second[1]);
    accepted_ = static_cast<std::int64_t>(it->second[2]);
    attemptedTotal_ = static_cast<std::int64_t>(it->second[3]);
    acceptedTotal_ = static_cast<std::int64_t>(it->second[4]);
}

} // namespace proteinmd
