// Writes one known frame set in every trajectory format for tests/interop/check_trajectories.py,
// which reads them back with MDAnalysis, mdtraj, h5py and gmx. Runs only when CTest's
// interop_write_trajectories sets PROTEINMD_INTEROP_DIR (the Python check depends on it).

#include <gtest/gtest.h>

#include <cstdlib>

#include "proteinmd/io/dcd.h"
#include "proteinmd/io/gro.h"
#include "proteinmd/io/h5md.h"
#include "proteinmd/io/npy.h"
#include "proteinmd/io/trr.h"
#include "proteinmd/io/xtc.h"
#include "test_support/test_paths.h"
#include "unit/trajectory_test_frames.h"

using namespace proteinmd;
namespace fs = std::filesystem;

TEST(TrajectoryInterop, WriteFramesInEveryFormat)
{
    const char* dirEnv = std::getenv("PROTEINMD_INTEROP_DIR");
    if (dirEnv == nullptr) {
        GTEST_SKIP() << "run by CTest as interop_write_trajectories (needs PROTEINMD_INTEROP_DIR)";
    }
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    const fs::path dir(dirEnv);
    fs::remove_all(dir);
    fs::create_directories(dir);

    CoordinateFrame system = readGro(test::benchmarkDir("ala2_solvated") / "system.gro");
    const int n = system.numAtoms();
    constexpr int kFrames = 5;
    auto frames = test::displacedFrames(system.positions, Box(), kFrames, 0.03, 11);
    for (int k = 0; k < kFrames; ++k) {
        const double s = 1.0 + 0.01 * k; // box breathing as under pressure coupling
        frames[static_cast<std::size_t>(k)].box =
            Box::triclinic({3.3 * s, 0, 0}, {1.1 * s, 3.2 * s, 0}, {-1.0 * s, 1.2 * s, 3.0 * s});
    }
    system.velocities.clear();
    system.box = frames[0].box;
    writeGro(dir / "system.gro", system);

    XtcWriter xtc(dir / "traj.xtc", n);
    TrrWriter trr(dir / "traj.trr", n, false);
    TrrWriter trrDouble(dir / "traj_double.trr", n, true);
    DcdWriter dcd(dir / "traj.dcd", n, 0.002, 1000);
    H5mdOptions options;
    options.velocities = true;
    options.forces = true;
    options.framesPerChunk = 2;
    H5mdWriter h5md(dir / "traj.h5md", n, options);
    std::vector<Vec3> allPositions, allVelocities, allForces, allBoxes, stepTime;
    for (const auto& f : frames) {
        xtc.write(f.step, f.time, f.positions, f.box);
        trr.write(f.step, f.time, 0.0, f.box, f.positions, f.velocities, f.forces);
        trrDouble.write(f.step, f.time, 0.0, f.box, f.positions, f.velocities, f.forces);
        dcd.write(f.positions, f.box);
        h5md.writeFrame(f.step, f.time, f.positions, f.box, f.velocities, f.forces);
        h5md.writeObservable("potential_energy", f.step, f.time, -31234.5 + static_cast<double>(f.step) / 7.0);
        allPositions.insert(allPositions.end(), f.positions.begin(), f.positions.end());
        allVelocities.insert(allVelocities.end(), f.velocities.begin(), f.velocities.end());
        allForces.insert(allForces.end(), f.forces.begin(), f.forces.end());
        for (int r = 0; r < 3; ++r) {
            allBoxes.push_back(f.box.vectors()[r]);
        }
        stepTime.push_back({static_cast<double>(f.step), f.time, 0.0});
    }
    xtc.close();
    trr.close();
    trrDouble.close();
    dcd.close();
    h5md.close();
    writeNpy(dir / "expected_positions.npy", allPositions);
    writeNpy(dir / "expected_velocities.npy", allVelocities);
    writeNpy(dir / "expected_forces.npy", allForces);
    writeNpy(dir / "expected_boxes.npy", allBoxes);
    writeNpy(dir / "expected_step_time.npy", stepTime);
    EXPECT_EQ(XtcReader::countFrames(dir / "traj.xtc"), kFrames);
}
