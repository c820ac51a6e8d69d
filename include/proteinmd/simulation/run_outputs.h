#pragma once
// Every file a run writes as it goes, in one output folder: energy.csv and the trajectories the
// options ask for (traj.xtc, traj.trr, traj.dcd, traj.h5). A checkpoint records each file's size and
// frame count (fileStates()); a resumed run cuts every file back to that state and appends, so the
// outputs of an interrupted and resumed run equal those of an uninterrupted one.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "proteinmd/core/state.h"
#include "proteinmd/io/checkpoint.h"
#include "proteinmd/io/energy_csv.h"
#include "proteinmd/io/run_config.h"

namespace proteinmd {

class XtcWriter;
class TrrWriter;
class DcdWriter;
class H5mdWriter;

class RunOutputs {
public:
    static constexpr const char* kEnergyFile = "energy.csv";
    static constexpr const char* kXtcFile = "traj.xtc";
    static constexpr const char* kTrrFile = "traj.trr";
    static constexpr const char* kDcdFile = "traj.dcd";
    static constexpr const char* kH5mdFile = "traj.h5";

    // Opens the trajectories in `directory` (energy.csv is opened at the first row, when the energy
    // terms are known). With `resumeFrom`, each file the checkpoint lists is cut back to its size
    // then and continued (H5MD: entries after the checkpoint's step are dropped); otherwise files are
    // created anew. Throws Error/InputError from the writers (naming the file).
    RunOutputs(const std::filesystem::path& directory, const OutputOptions& options, int numAtoms, double dtPs,
               const Checkpoint* resumeFrom);
    ~RunOutputs();
    RunOutputs(const RunOutputs&) = delete;
    RunOutputs& operator=(const RunOutputs&) = delete;

    // Whether any trajectory wants a frame of this step, and whether that frame needs forces.
    bool wantsFrame(std::int64_t step) const;
    bool wantsForces(std::int64_t step) const;
    // The trajectory frames of state.step; forces only if wantsForces().
    void writeFrame(const State& state, std::span<const Vec3> forces = {});
    void writeEnergy(const EnergyRecord& record);

    // Staged data to the OS (before a checkpoint records the sizes).
    void flush();
    void close();
    // Name -> bytes and frames (rows) written so far, as a checkpoint stores them. Call after flush().
    std::map<std::string, OutputFileState> fileStates() const;
    // The files written, for the user.
    std::vector<std::filesystem::path> files() const;

private:
    std::filesystem::path directory_;
    OutputOptions options_;
    std::map<std::string, OutputFileState> resumed_; // file states at the checkpoint resumed from
    std::unique_ptr<EnergyCsvWriter> energy_;
    std::int64_t energyRows_ = 0;
    std::unique_ptr<XtcWriter> xtc_;
    std::unique_ptr<TrrWriter> trr_;
    std::unique_ptr<DcdWriter> dcd_;
    std::unique_ptr<H5mdWriter> h5md_;
};

} // namespace proteinmd
