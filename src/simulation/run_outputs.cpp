#include "proteinmd/simulation/run_outputs.h"

#include <fmt/format.h>

#include "proteinmd/io/dcd.h"
#include "proteinmd/io/h5md.h"
#include "proteinmd/io/trr.h"
#include "proteinmd/io/xtc.h"

namespace fs = std::filesystem;

namespace proteinmd {

namespace {

bool due(int every, std::int64_t step)
{
    return every > 0 && step % every == 0;
}

} // namespace

RunOutputs::RunOutputs(const fs::path& directory, const OutputOptions& options, int numAtoms, double dtPs,
                       const Checkpoint* resumeFrom)
    : directory_(directory), options_(options)
{
    // Cut each file the checkpoint knows back to the checkpoint; a file it does not know (an output
    // switched on at the restart) starts anew.
    const auto resumeState = [&](const char* name) -> bool {
        if (resumeFrom == nullptr) {
            return false;
        }
        const auto it = resumeFrom->outputs.find(name);
        if (it == resumeFrom->outputs.end() || it->second.bytes == 0) {
            return false;
        }
        truncateOutputToCheckpoint(directory_ / name, it->second);
        resumed_[name] = it->second;
        return true;
    };
    if (options_.xtcEvery > 0) {
        const bool append = resumeState(kXtcFile);
        xtc_ = std::make_unique<XtcWriter>(directory_ / kXtcFile, numAtoms, static_cast<float>(options_.xtcPrecision),
                                           append);
    }
    if (options_.trrEvery > 0) {
        const bool append = resumeState(kTrrFile);
        trr_ = std::make_unique<TrrWriter>(directory_ / kTrrFile, numAtoms, false, append);
    }
    if (options_.dcdEvery > 0) {
        const bool append = resumeState(kDcdFile);
        dcd_ = std::make_unique<DcdWriter>(directory_ / kDcdFile, numAtoms, dtPs, options_.dcdEvery, 0, append);
    }
    if (options_.h5mdEvery > 0) {
        // HDF5 files are not cut by size: the writer drops the entries after the checkpoint's step.
        const bool append = resumeFrom != nullptr && resumeFrom->outputs.count(kH5mdFile) > 0 &&
                            fs::exists(directory_ / kH5mdFile);
        H5mdOptions h5{};
        h5.velocities = options_.h5mdVelocities;
        h5.forces = options_.h5mdForces;
        h5md_ = std::make_unique<H5mdWriter>(directory_ / kH5mdFile, numAtoms, h5, append);
        if (append) {
            h5md_->truncateAfterStep(resumeFrom->step - 1);
        }
    }
    if (resumeState(kEnergyFile)) {
        energyRows_ = resumed_[kEnergyFile].frames;
    } else if (resumeFrom == nullptr) {
        // A fresh run must not leave rows of an earlier run behind if it never writes one itself.
        std::error_code ec;
        fs::remove(directory_ / kEnergyFile, ec);
    }
}

RunOutputs::~RunOutputs() = default;

bool RunOutputs::wantsFrame(std::int64_t step) const
{
    return due(options_.xtcEvery, step) || due(options_.trrEvery, step) || due(options_.dcdEvery, step) ||
           due(options_.h5mdEvery, step);
}

bool RunOutputs::wantsForces(std::int64_t step) const
{
    return options_.h5mdForces && due(options_.h5mdEvery, step);
}

void RunOutputs::writeFrame(const State& state, std::span<const Vec3> forces)
{
    const std::int64_t step = state.step;
    if (xtc_ && due(options_.xtcEvery, step)) {
        xtc_->write(step, state.time, state.positions, state.box);
    }
    if (trr_ && due(options_.trrEvery, step)) {
        trr_->write(step, state.time, 0.0, state.box, state.positions);
    }
    if (dcd_ && due(options_.dcdEvery, step)) {
        dcd_->write(state.positions, state.box);
    }
    if (h5md_ && due(options_.h5mdEvery, step)) {
        const std::span<const Vec3> v = options_.h5mdVelocities ? std::span<const Vec3>(state.velocities)
                                                                : std::span<const Vec3>();
        h5md_->writeFrame(step, state.time, state.positions, state.box, v,
                          options_.h5mdForces ? forces : std::span<const Vec3>());
    }
}

void RunOutputs::writeEnergy(const EnergyRecord& record)
{
    if (!energy_) {
        const bool append = resumed_.count(kEnergyFile) > 0;
        energy_ = std::make_unique<EnergyCsvWriter>(directory_ / kEnergyFile,
                                                    EnergyCsvWriter::presentTerms(record.terms), append);
    }
    energy_->write(record);
    ++energyRows_;
}

void RunOutputs::flush()
{
    if (energy_) { energy_->flush(); }
    if (xtc_) { xtc_->flush(); }
    if (trr_) { trr_->flush(); }
    if (dcd_) { dcd_->flush(); }
    if (h5md_) { h5md_->flush(); }
}

void RunOutputs::close()
{
    if (energy_) { energy_->close(); }
    if (xtc_) { xtc_->close(); }
    if (trr_) { trr_->close(); }
    if (dcd_) { dcd_->close(); }
    if (h5md_) { h5md_->close(); }
}

std::map<std::string, OutputFileState> RunOutputs::fileStates() const
{
    std::map<std::string, OutputFileState> states;
    const auto base = [&](const char* name) {
        const auto it = resumed_.find(name);
        return it != resumed_.end() ? it->second.frames : std::int64_t{0};
    };
    if (energy_) {
        states[kEnergyFile] = OutputFileState{energy_->bytesWritten(), energyRows_};
    } else if (const auto it = resumed_.find(kEnergyFile); it != resumed_.end()) {
        states[kEnergyFile] = it->second; // nothing written since the resume yet
    }
    if (xtc_) { states[kXtcFile] = OutputFileState{xtc_->bytesWritten(), base(kXtcFile) + xtc_->framesWritten()}; }
    if (trr_) { states[kTrrFile] = OutputFileState{trr_->bytesWritten(), base(kTrrFile) + trr_->framesWritten()}; }
    if (dcd_) { states[kDcdFile] = OutputFileState{dcd_->bytesWritten(), dcd_->framesInFile()}; }
    if (h5md_) { states[kH5mdFile] = OutputFileState{0, h5md_->framesWritten()}; }
    return states;
}

std::vector<fs::path> RunOutputs::files() const
{
    std::vector<fs::path> list;
    if (energy_ || resumed_.count(kEnergyFile) > 0) { list.push_back(directory_ / kEnergyFile); }
    if (xtc_) { list.push_back(directory_ / kXtcFile); }
    if (trr_) { list.push_back(directory_ / kTrrFile); }
    if (dcd_) { list.push_back(directory_ / kDcdFile); }
    if (h5md_) { list.push_back(directory_ / kH5mdFile); }
    return list;
}

} // namespace proteinmd
