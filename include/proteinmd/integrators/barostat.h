#pragma once
// Pressure and pressure coupling.
//
// Pressure as GROMACS computes it: P = 2/V (Ekin - Xi) in bar, with Ekin the kinetic-energy tensor
// 1/2 sum m v (x) v and Xi the total virial (forces incl. PME mesh and dispersion correction, plus
// constraints; StepEnergies carries both). Integrators fill StepEnergies::pressureTensor and call
// their Barostat at the end of every step, after positions and velocities have reached t + dt.
//
// Barostats (all keep their state for checkpoints through saveState/restoreState):
//  - C-rescale (pcoupl = C-rescale; Bernetti & Bussi, J. Chem. Phys. 153, 114107 (2020)): stochastic
//    cell rescaling, first order, correct volume fluctuations. Every nstpcouple steps, with
//    tau = nstpcouple dt, beta the compressibility and V the volume,
//      isotropic: mu = exp(-(beta tau / tau_p)(P0 - P)/3 + sqrt(2 kT beta tau / (tau_p V)) xi / 3)
//      semi-isotropic: x and y share one factor driven by (Pxx + Pyy)/2 and one noise term, z has its own,
//    as GROMACS 2022 writes them (without the kT/V drift term of the paper, which GROMACS leaves out too;
//    it changes the density of water at 1 bar by ~3e-4). Atom positions and the box are scaled by mu,
//    velocities by 1/mu (as GROMACS). Random numbers: Philox keyed by (ld-seed, step).
//  - Berendsen (pcoupl = Berendsen): mu = 1 - (beta tau / tau_p)(P0 - P)/3; positions and box scaled.
//    Does not give the isothermal-isobaric ensemble (makeBarostat warns).
//  - Monte Carlo (proteinmd key `mc-barostat = yes`, with pcoupl = no; OpenMM's MonteCarloBarostat):
//    every nstpcouple steps (default 25) a random volume change dV in [-s, s] is tried, scaling the
//    centre of mass of every molecule (Topology::molecules; made whole atom to atom by minimum image) isotropically and
//    keeping molecules rigid; accepted with probability min(1, exp(-(dU + P0 dV - N kT ln(V'/V)) / kT)), N = number of
//    molecules. s starts at 1% of V and adapts every 10 tries to keep acceptance within 25-75%.
//    Needs two force evaluations per try (energies before and after).
// The conserved energy (StepEnergies::conserved) subtracts what the barostats put in: for C-rescale and
// Berendsen the first-order work of scaling the positions, 2 sum_d (mu_d - 1) Xi_dd (force + constraint
// virial, as GROMACS's baros_integral), plus for C-rescale the kinetic energy changed by scaling the
// velocities; for Monte Carlo the potential-energy change of accepted moves.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/error.h"
#include "proteinmd/core/state.h"
#include "proteinmd/core/system.h"
#include "proteinmd/core/topology.h"
#include "proteinmd/integrators/integrator.h"

namespace proteinmd {

// 1/2 sum m v (x) v (kJ/mol).
Matrix3 kineticEnergyTensor(std::span<const double> masses, std::span<const Vec3> velocities);
// P = 2/V (Ekin - Xi) * PRESFAC (bar); zero for a non-periodic box.
Matrix3 pressureTensor(const Matrix3& kineticTensor, const Matrix3& virial, const Box& box);
// Trace / 3.
double scalarPressure(const Matrix3& pressure);

class Barostat {
  public:
    virtual ~Barostat() = default;
    // Called by the integrator at the end of the step `energies.step` (whose pressure it carries);
    // state holds positions and velocities of the next step. Rescales the box and positions (and
    // velocities) when coupling is due. Returns true if positions changed (cached forces are stale).
    virtual bool apply(State& state, const StepEnergies& energies) = 0;
    // Energy the barostat has put into the system so far (see the header comment), kJ/mol.
    double energyAdded() const { return energyAdded_; }

    using StateMap = std::map<std::string, std::vector<double>>;
    virtual void saveState(StateMap& state) const { state["barostat.energy_added"] = {energyAdded_}; }
    virtual void restoreState(const StateMap& state)
    {
        if (auto it = state.find("barostat.energy_added"); it != state.end() && it->second.size() == 1) {
            energyAdded_ = it->second[0];
        }
    }

  protected:
    double energyAdded_ = 0;
};

enum class PressureCouplingType { Isotropic, SemiIsotropic };

struct PressureCouplingOptions {
    PressureCouplingType type = PressureCouplingType::Isotropic;
    double tau = 1;                                        // ps (tau-p)
    std::array<double, 2> referencePressure{1, 1};         // bar: [0] isotropic or xy, [1] z (semi-isotropic)
    std::array<double, 2> compressibility{4.5e-5, 4.5e-5}; // 1/bar, same layout
    int interval = 10;                                     // nstpcouple
    double timeStep = 0.002;                               // ps (dt)
    double temperature = 300;                              // K: the bath temperature (C-rescale noise)
    std::uint64_t seed = 0;
};

class CRescaleBarostat : public Barostat {
  public:
    explicit CRescaleBarostat(PressureCouplingOptions options);
    bool apply(State& state, const StepEnergies& energies) override;

  private:
    PressureCouplingOptions options_;
};

class BerendsenBarostat : public Barostat {
  public:
    explicit BerendsenBarostat(PressureCouplingOptions options);
    bool apply(State& state, const StepEnergies& energies) override;

  private:
    PressureCouplingOptions options_;
};

struct MonteCarloBarostatOptions {
    double pressure = 1;      // bar
    double temperature = 300; // K
    int interval = 25;        // steps between tries
    std::uint64_t seed = 0;
};

class MonteCarloBarostat : public Barostat {
  public:
    // Molecules are (firstAtom, numAtoms) ranges covering the atoms; the force function must be
    // callable at any box (it is evaluated at the trial box).
    MonteCarloBarostat(std::span<const double> masses, std::vector<std::array<int, 2>> molecules, ForceFunction forces,
                       MonteCarloBarostatOptions options);
    bool apply(State& state, const StepEnergies& energies) override;

    void saveState(StateMap& state) const override;
    void restoreState(const StateMap& state) override;

    std::int64_t attempted() const { return attemptedTotal_; }
    std::int64_t accepted() const { return acceptedTotal_; }
    double volumeScale() const { return volumeScale_; } // nm^3, current maximum |dV|

  private:
    std::vector<double> masses_;
    std::vector<std::array<int, 2>> molecules_;
    ForceFunction forces_;
    MonteCarloBarostatOptions options_;
    double volumeScale_ = 0;                    // 0 = not yet set (1% of the first volume)
    std::int64_t attempted_ = 0, accepted_ = 0; // since the last adaptation
    std::int64_t attemptedTotal_ = 0, acceptedTotal_ = 0;
    ForceOutput out_;
};

struct MdpOptions;
// The barostat an .mdp asks for: null for pcoupl = no (and no mc-barostat); CRescaleBarostat for
// C-rescale (isotropic, semiisotropic), BerendsenBarostat for Berendsen (with a warning),
// MonteCarloBarostat for `mc-barostat = yes` (isotropic, ref-p[0]). nstpcouple = -1 means 10
// (GROMACS 2022's default) for C-rescale/Berendsen, 25 for Monte Carlo. The temperature is ref-t of
// the first tc group (all groups must share it, as GROMACS requires for C-rescale). SetupError for
// Parrinello-Rahman, MTTK, anisotropic or surface-tension coupling, or a system without a box.
std::unique_ptr<Barostat> makeBarostat(const MdpOptions& mdp, const System& system, const Topology& topology,
                                       const State& state, ForceFunction forces, Diagnostics& diagnostics);

} // namespace proteinmd
