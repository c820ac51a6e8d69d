#include "proteinmd/integrators/lbfgs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <vector>

#include "proteinmd/core/error.h"

namespace proteinmd {

namespace {

using Flat = std::vector<double>; // 3N coordinates

double dot(const Flat& a, const Flat& b)
{
    double sum = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        sum += a[i] * b[i];
    }
    return sum;
}

struct Point {
    Flat x;        // positions
    Flat gradient; // -F, zero for massless atoms
    double energy = 0;
    double maxForce = 0;
    int maxForceAtom = -1;
};

class Evaluator {
  public:
    Evaluator(const System& system, const ForceFunction& forces, const Box& box)
        : system_(system), forces_(forces), box_(box), positions_(system.masses.size())
    {
    }

    void evaluate(Point& p)
    {
        for (std::size_t i = 0; i < positions_.size(); ++i) {
            positions_[i] = Vec3{p.x[3 * i], p.x[3 * i + 1], p.x[3 * i + 2]};
        }
        forces_(positions_, box_, out_);
        ++count_;
        p.energy = out_.energies.total();
        p.gradient.assign(p.x.size(), 0.0);
        p.maxForce = 0;
        p.maxForceAtom = -1;
        for (std::size_t i = 0; i < positions_.size(); ++i) {
            if (!(system_.masses[i] > 0)) {
                continue;
            }
            for (int d = 0; d < 3; ++d) {
                p.gradient[3 * i + static_cast<std::size_t>(d)] = -out_.forces[i][d];
            }
            const double f = norm(out_.forces[i]);
            if (f > p.maxForce || p.maxForceAtom < 0) {
                p.maxForce = f;
                p.maxForceAtom = static_cast<int>(i);
            }
        }
        if (!std::isfinite(p.energy) || !std::isfinite(p.maxForce)) {
            throw SetupError("l-bfgs: the energy or a force is not finite (overlapping atoms?)");
        }
    }
    std::int64_t count() const { return count_; }

  private:
    const System& system_;
    const ForceFunction& forces_;
    const Box& box_;
    std::vector<Vec3> positions_;
    ForceOutput out_;
    std::int64_t count_ = 0;
};

double maxAtomDisplacement(const Flat& d)
{
    double largest = 0;
    for (std::size_t i = 0; i + 2 < d.size(); i += 3) {
        largest = std::max(largest, d[i] * d[i] + d[i + 1] * d[i + 1] + d[i + 2] * d[i + 2]);
    }
    return std::sqrt(largest);
}

struct Correction {
    Flat s, y;
    double rho = 0; // 1 / (y.s)
};

// Two-loop recursion: d = -H g.
Flat lbfgsDirection(const Flat& gradient, const std::deque<Correction>& memory)
{
    Flat q = gradient;
    std::vector<double> alpha(memory.size());
    for (std::size_t k = memory.size(); k-- > 0;) {
        alpha[k] = memory[k].rho * dot(memory[k].s, q);
        for (std::size_t i = 0; i < q.size(); ++i) {
            q[i] -= alpha[k] * memory[k].y[i];
        }
    }
    const Correction& last = memory.back();
    const double gamma = dot(last.s, last.y) / dot(last.y, last.y);
    for (double& v : q) {
        v *= gamma;
    }
    for (std::size_t k = 0; k < memory.size(); ++k) {
        const double beta = memory[k].rho * dot(memory[k].y, q);
        for (std::size_t i = 0; i < q.size(); ++i) {
            q[i] += (alpha[k] - beta) * memory[k].s[i];
        }
    }
    for (double& v : q) {
        v = -v;
    }
    return q;
}

} // namespace

MinimizationResult minimizeLbfgs(const System& system, const ForceFunction& forces, State& state,
                                 const LbfgsOptions& options)
{
    if (!(options.emstep > 0) || !(options.emtol >= 0) || options.corrections < 1 || !(options.maxDisplacement > 0)) {
        throw SetupError("l-bfgs needs emstep > 0, emtol >= 0, nbfgscorr >= 1 and a positive displacement cap");
    }
    if (!system.constraints.empty() || !system.settles.empty()) {
        throw SetupError(fmt::format("l-bfgs does not support constraints ({} constraints, {} rigid waters), as in "
                                     "GROMACS; use integrator = steep, or constraints = none with flexible water",
                                     system.constraints.size(), system.settles.size()));
    }
    Evaluator evaluator(system, forces, state.box);
    Point current;
    current.x.resize(3 * state.positions.size());
    for (std::size_t i = 0; i < state.positions.size(); ++i) {
        for (int d = 0; d < 3; ++d) {
            current.x[3 * i + static_cast<std::size_t>(d)] = state.positions[i][d];
        }
    }
    evaluator.evaluate(current);

    MinimizationResult result;
    std::deque<Correction> memory;
    Point trial;
    for (;;) {
        if (current.maxForce < options.emtol) {
            result.converged = true;
            result.stopReason = "Fmax < emtol";
            break;
        }
        if (options.maxSteps >= 0 && result.steps >= options.maxSteps) {
            result.stopReason = "nsteps reached";
            break;
        }
        bool accepted = false;
        for (int attempt = 0; attempt < 2 && !accepted; ++attempt) {
            Flat direction;
            double slope = 0;
            if (!memory.empty()) {
                direction = lbfgsDirection(current.gradient, memory);
                slope = dot(direction, current.gradient);
            }
            if (memory.empty() || !(slope < 0)) {
                memory.clear();
                direction = current.gradient;
                const double scale = -options.emstep / current.maxForce;
                for (double& v : direction) {
                    v *= scale;
                }
                slope = dot(direction, current.gradient);
            }
            double alpha = std::min(1.0, options.maxDisplacement / maxAtomDisplacement(direction));
            for (int backtrack = 0; backtrack < 30; ++backtrack) {
                trial.x = current.x;
                for (std::size_t i = 0; i < trial.x.size(); ++i) {
                    trial.x[i] += alpha * direction[i];
                }
                evaluator.evaluate(trial);
                const double decrease = trial.energy - current.energy;
                if (decrease <= 1e-4 * alpha * slope && decrease < 0) {
                    accepted = true;
                    break;
                }
                // Minimum of the quadratic through E(0), E'(0) and E(alpha), kept within [0.1, 0.5] alpha.
                const double quadratic = -slope * alpha * alpha / (2 * (decrease - slope * alpha));
                alpha = std::clamp(quadratic, 0.1 * alpha, 0.5 * alpha);
                if (alpha * maxAtomDisplacement(direction) < 1e-12) {
                    break;
                }
            }
            if (!accepted) {
                memory.clear(); // retry once from a steepest-descent direction
            }
        }
        if (!accepted) {
            result.stopReason = "line search failed: machine precision reached";
            break;
        }
        Correction c;
        c.s.resize(current.x.size());
        c.y.resize(current.x.size());
        for (std::size_t i = 0; i < c.s.size(); ++i) {
            c.s[i] = trial.x[i] - current.x[i];
            c.y[i] = trial.gradient[i] - current.gradient[i];
        }
        const double sy = dot(c.s, c.y);
        if (sy > 1e-12 * std::sqrt(dot(c.s, c.s) * dot(c.y, c.y))) { // keep H positive definite
            c.rho = 1 / sy;
            memory.push_back(std::move(c));
            if (static_cast<int>(memory.size()) > options.corrections) {
                memory.pop_front();
            }
        }
        std::swap(current, trial);
        ++result.steps;
        ++result.accepted;
    }
    for (std::size_t i = 0; i < state.positions.size(); ++i) {
        state.positions[i] = Vec3{current.x[3 * i], current.x[3 * i + 1], current.x[3 * i + 2]};
    }
    result.potential = current.energy;
    result.maxForce = current.maxForce;
    result.maxForceAtom = current.maxForceAtom;
    result.evaluations = evaluator.count();
    return result;
}

} // namespace proteinmd
