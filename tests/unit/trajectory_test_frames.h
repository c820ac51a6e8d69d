#pragma once
// Frames shared by the trajectory-format tests: reference frames from tests/refdata/xtc (multi-frame
// .gro written by make_frames.py, converted by gmx to .xtc) and synthetic frames made from a real
// solvated system with small random displacements.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "proteinmd/io/gro.h"

namespace proteinmd::test {

struct TrajectoryFrame {
    std::int64_t step = 0;
    double time = 0;
    std::vector<Vec3> positions;
    std::vector<Vec3> velocities;
    std::vector<Vec3> forces;
    Box box;
};

inline std::string readBytes(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return std::move(s).str();
}

// Every frame of a multi-frame .gro; steps and times as in the reference titles (250 steps, 0.5 ps apart).
inline std::vector<CoordinateFrame> readGroFrames(const std::filesystem::path& path)
{
    const std::string text = readBytes(path);
    std::vector<CoordinateFrame> frames;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t lineEnd = text.find('\n', pos);
        const std::size_t countEnd = text.find('\n', lineEnd + 1);
        const int natoms = std::stoi(text.substr(lineEnd + 1, countEnd - lineEnd - 1));
        std::size_t end = countEnd;
        for (int i = 0; i < natoms + 1; ++i) {
            end = text.find('\n', end + 1);
        }
        frames.push_back(parseGro(std::string_view(text).substr(pos, end + 1 - pos), path.string()));
        pos = end + 1;
    }
    return frames;
}

// nFrames frames of the given positions, each displaced by up to `amplitude` nm, with velocities
// and forces of plausible size, in `box`.
inline std::vector<TrajectoryFrame> displacedFrames(const std::vector<Vec3>& base, const Box& box, int nFrames,
                                                    double amplitude = 0.05, unsigned seed = 7)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<TrajectoryFrame> frames;
    for (int k = 0; k < nFrames; ++k) {
        TrajectoryFrame f;
        f.step = 1000 * k;
        f.time = 2.0 * k;
        f.box = box;
        for (const Vec3& p : base) {
            f.positions.push_back(p + Vec3{u(rng), u(rng), u(rng)} * amplitude);
            f.velocities.push_back(Vec3{u(rng), u(rng), u(rng)} * 0.7);
            f.forces.push_back(Vec3{u(rng), u(rng), u(rng)} * 900.0);
        }
        frames.push_back(std::move(f));
    }
    return frames;
}

} // namespace proteinmd::test
