#pragma once
// Test-only readers for the PME reference checks: charges from a processed GROMACS topology
// ([ moleculetype ] / [ atoms ] / [ molecules ]), positions from .gro and float64 .npy files, and
// small random systems. Deliberately minimal: the real readers live in src/io.

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd::test {

inline std::string trimmed(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) { return ""; }
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

// Charges of every atom of the system, in topology order.
inline std::vector<double> chargesFromTopology(const std::filesystem::path& top)
{
    std::ifstream in(top);
    if (!in) { throw std::runtime_error("cannot open " + top.string()); }
    std::map<std::string, std::vector<double>> moleculeCharges;
    std::vector<std::pair<std::string, int>> molecules;
    std::string line, section, currentMolecule;
    bool expectMoleculeName = false;
    while (std::getline(in, line)) {
        line = trimmed(line.substr(0, line.find(';')));
        if (line.empty() || line[0] == '#') { continue; }
        if (line[0] == '[') {
            section = trimmed(line.substr(1, line.find(']') - 1));
            expectMoleculeName = section == "moleculetype";
            continue;
        }
        std::istringstream fields(line);
        if (expectMoleculeName) {
            fields >> currentMolecule;
            moleculeCharges[currentMolecule];
            expectMoleculeName = false;
        } else if (section == "atoms") {
            std::string nr, type, resnr, res, name, cgnr;
            double q = 0;
            if (!(fields >> nr >> type >> resnr >> res >> name >> cgnr >> q)) {
                throw std::runtime_error("bad [ atoms ] line in " + top.string() + ": " + line);
            }
            moleculeCharges[currentMolecule].push_back(q);
        } else if (section == "molecules") {
            std::string name;
            int count = 0;
            fields >> name >> count;
            molecules.emplace_back(name, count);
        }
    }
    std::vector<double> charges;
    for (const auto& [name, count] : molecules) {
        const auto& q = moleculeCharges.at(name);
        for (int i = 0; i < count; ++i) { charges.insert(charges.end(), q.begin(), q.end()); }
    }
    return charges;
}

// Positions (nm) from a .gro file. The shared systems use GROMACS's variable precision (9-wide
// fields with 4 decimals), so the coordinates after column 20 are read as whitespace-separated.
inline std::vector<Vec3> positionsFromGro(const std::filesystem::path& gro)
{
    std::ifstream in(gro);
    if (!in) { throw std::runtime_error("cannot open " + gro.string()); }
    std::string line;
    std::getline(in, line);
    std::getline(in, line);
    const int n = std::stoi(line);
    std::vector<Vec3> x(static_cast<std::size_t>(n));
    for (auto& r : x) {
        std::getline(in, line);
        std::istringstream fields(line.substr(20));
        if (!(fields >> r.x >> r.y >> r.z)) { throw std::runtime_error("bad atom line in " + gro.string() + ": " + line); }
    }
    return x;
}

// An N x 3 little-endian float64 C-order .npy array.
inline std::vector<Vec3> positionsFromNpy(const std::filesystem::path& npy)
{
    std::ifstream in(npy, std::ios::binary);
    if (!in) { throw std::runtime_error("cannot open " + npy.string()); }
    char magic[8];
    in.read(magic, 8);
    if (std::memcmp(magic, "\x93NUMPY", 6) != 0) { throw std::runtime_error("not a .npy file: " + npy.string()); }
    std::size_t headerLength = 0;
    if (magic[6] == 1) {
        unsigned char b[2];
        in.read(reinterpret_cast<char*>(b), 2);
        headerLength = b[0] | (std::size_t(b[1]) << 8);
    } else {
        unsigned char b[4];
        in.read(reinterpret_cast<char*>(b), 4);
        headerLength = b[0] | (std::size_t(b[1]) << 8) | (std::size_t(b[2]) << 16) | (std::size_t(b[3]) << 24);
    }
    std::string header(headerLength, ' ');
    in.read(header.data(), static_cast<std::streamsize>(headerLength));
    if (header.find("'<f8'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos) {
        throw std::runtime_error("expected little-endian float64 C-order array in " + npy.string());
    }
    const auto shapeAt = header.find("'shape': (");
    const std::size_t rows = std::stoul(header.substr(shapeAt + 10));
    std::vector<double> values(rows * 3);
    in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(values.size() * sizeof(double)));
    if (!in) { throw std::runtime_error("truncated .npy file " + npy.string()); }
    std::vector<Vec3> x(rows);
    for (std::size_t i = 0; i < rows; ++i) { x[i] = Vec3{values[3 * i], values[3 * i + 1], values[3 * i + 2]}; }
    return x;
}

// A charge-neutral random system: n atoms (n even) uniformly in the cell (some outside it, to
// exercise wrapping), charges +-q with random magnitudes.
struct RandomSystem {
    std::vector<Vec3> positions;
    std::vector<double> charges;
};

inline RandomSystem makeRandomNeutralSystem(const Box& box, int n, unsigned seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> frac(-0.1, 1.1);
    std::uniform_real_distribution<double> mag(0.2, 1.0);
    RandomSystem s;
    const Matrix3& v = box.vectors();
    double total = 0;
    for (int i = 0; i < n; ++i) {
        const double a = frac(rng), b = frac(rng), c = frac(rng);
        s.positions.push_back(v[0] * a + v[1] * b + v[2] * c);
        const double q = (i % 2 == 0 ? 1.0 : -1.0) * mag(rng);
        s.charges.push_back(q);
        total += q;
    }
    // Remove the net charge evenly so the system is exactly neutral (to rounding).
    for (double& q : s.charges) { q -= total / n; }
    return s;
}

} // namespace proteinmd::test
