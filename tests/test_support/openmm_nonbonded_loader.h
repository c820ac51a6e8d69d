#pragma once
// Test-only: builds the non-bonded part of a proteinmd::System from the shared benchmarks'
// OpenMM files (system.xml NonbondedForce: per-particle q/sigma/epsilon, exceptions = the GROMACS
// exclusions incl. 1-4 pairs), positions.npy / state.xml positions and the system.gro box.
// Header-only so it needs no build change; a stand-in until the topology reader exists.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"

namespace proteinmd::test {

// Value of attribute `name` in one XML tag line, e.g. attribute(line, "q") for q=".1123".
inline bool xmlAttribute(const std::string& line, const char* name, std::string& value)
{
    const std::string key = std::string(" ") + name + "=\"";
    const std::size_t at = line.find(key);
    if (at == std::string::npos) {
        return false;
    }
    const std::size_t begin = at + key.size();
    const std::size_t end = line.find('"', begin);
    value = line.substr(begin, end - begin);
    return true;
}

inline double xmlNumber(const std::string& line, const char* name)
{
    std::string value;
    if (!xmlAttribute(line, name, value)) {
        throw std::runtime_error("attribute " + std::string(name) + " missing in: " + line);
    }
    return std::stod(value);
}

// Masses, charges, LJ types (one per distinct sigma/epsilon, Lorentz-Berthelot combined into
// GROMACS c6/c12) and exclusions (every NonbondedForce exception pair) of an OpenMM system.xml.
inline System loadOpenmmNonbondedSystem(const std::filesystem::path& xmlPath)
{
    std::ifstream in(xmlPath);
    if (!in) {
        throw std::runtime_error("cannot open " + xmlPath.string());
    }
    System system;
    std::vector<std::pair<double, double>> typeParams; // sigma, epsilon
    std::map<std::pair<double, double>, int> typeOf;
    enum class Section { Top, Masses, Nonbonded, NbParticles, NbExceptions, Done } section = Section::Top;
    std::string line;
    std::vector<std::pair<int, int>> exceptionPairs;
    while (section != Section::Done && std::getline(in, line)) {
        switch (section) {
        case Section::Top:
            if (line.find("<Particles>") != std::string::npos) {
                section = Section::Masses;
            }
            break;
        case Section::Masses:
            if (line.find("</Particles>") != std::string::npos) {
                section = Section::Nonbonded;
            } else if (line.find("<Particle ") != std::string::npos) {
                system.masses.push_back(xmlNumber(line, "mass"));
            }
            break;
        case Section::Nonbonded:
            if (line.find("type=\"NonbondedForce\"") != std::string::npos) {
                section = Section::NbParticles;
            }
            break;
        case Section::NbParticles:
            if (line.find("<Particle ") != std::string::npos) {
                system.charges.push_back(xmlNumber(line, "q"));
                const std::pair<double, double> params{xmlNumber(line, "sig"), xmlNumber(line, "eps")};
                auto [it, added] = typeOf.emplace(params, static_cast<int>(typeParams.size()));
                if (added) {
                    typeParams.push_back(params);
                }
                system.ljTypes.push_back(it->second);
            } else if (line.find("<Exceptions>") != std::string::npos) {
                section = Section::NbExceptions;
            }
            break;
        case Section::NbExceptions:
            if (line.find("<Exception ") != std::string::npos) {
                exceptionPairs.emplace_back(static_cast<int>(xmlNumber(line, "p1")),
                                            static_cast<int>(xmlNumber(line, "p2")));
            } else if (line.find("</Exceptions>") != std::string::npos) {
                section = Section::Done;
            }
            break;
        case Section::Done:
            break;
        }
    }
    if (system.charges.size() != system.masses.size() || system.masses.empty()) {
        throw std::runtime_error("could not read a NonbondedForce for every particle of " + xmlPath.string());
    }

    const int numTypes = static_cast<int>(typeParams.size());
    system.numLjTypes = numTypes;
    system.c6.resize(static_cast<std::size_t>(numTypes * numTypes));
    system.c12.resize(system.c6.size());
    for (int i = 0; i < numTypes; ++i) {
        for (int j = 0; j < numTypes; ++j) {
            const double sigma = 0.5 * (typeParams[static_cast<std::size_t>(i)].first + typeParams[static_cast<std::size_t>(j)].first);
            const double eps = std::sqrt(typeParams[static_cast<std::size_t>(i)].second * typeParams[static_cast<std::size_t>(j)].second);
            const double s6 = std::pow(sigma, 6);
            system.c6[static_cast<std::size_t>(i * numTypes + j)] = 4 * eps * s6;
            system.c12[static_cast<std::size_t>(i * numTypes + j)] = 4 * eps * s6 * s6;
        }
    }
    system.exclusions.assign(system.masses.size(), {});
    for (auto [a, b] : exceptionPairs) {
        system.exclusions[static_cast<std::size_t>(a)].push_back(b);
        system.exclusions[static_cast<std::size_t>(b)].push_back(a);
    }
    for (auto& list : system.exclusions) {
        std::sort(list.begin(), list.end());
    }
    return system;
}

// An N x 3 little-endian float64 .npy array (as written by numpy.save).
inline std::vector<Vec3> readNpyVec3(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    char magic[8];
    if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
        throw std::runtime_error("not a .npy file: " + path.string());
    }
    std::uint32_t headerLength = 0;
    if (magic[6] == 1) {
        unsigned char b[2];
        in.read(reinterpret_cast<char*>(b), 2);
        headerLength = b[0] | (b[1] << 8);
    } else {
        unsigned char b[4];
        in.read(reinterpret_cast<char*>(b), 4);
        headerLength = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
    }
    std::string header(headerLength, ' ');
    in.read(header.data(), headerLength);
    if (header.find("'<f8'") == std::string::npos || header.find("'fortran_order': False") == std::string::npos) {
        throw std::runtime_error("expected C-ordered float64 in " + path.string());
    }
    const std::size_t shapeAt = header.find("'shape': (");
    const std::size_t rows = std::stoul(header.substr(shapeAt + 10));
    std::vector<double> data(rows * 3);
    in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size() * sizeof(double)));
    if (!in) {
        throw std::runtime_error("short read in " + path.string());
    }
    std::vector<Vec3> out(rows);
    for (std::size_t i = 0; i < rows; ++i) {
        out[i] = {data[3 * i], data[3 * i + 1], data[3 * i + 2]};
    }
    return out;
}

// <Position x= y= z=/> entries of an OpenMM state.xml (nm).
inline std::vector<Vec3> readStateXmlPositions(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::vector<Vec3> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("<Position ") != std::string::npos) {
            out.push_back({xmlNumber(line, "x"), xmlNumber(line, "y"), xmlNumber(line, "z")});
        }
    }
    return out;
}

// The box on the last line of a .gro file (3 numbers: rectangular; 9: triclinic).
inline Box readGroBox(const std::filesystem::path& path)
{
    std::ifstream in(path);
    std::string line;
    std::string last;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") != std::string::npos) {
            last = line;
        }
    }
    std::istringstream fields(last);
    std::vector<double> v;
    double x = 0;
    while (fields >> x) {
        v.push_back(x);
    }
    if (v.size() == 3) {
        return Box::rectangular(v[0], v[1], v[2]);
    }
    if (v.size() == 9) {
        return Box::triclinic({v[0], v[3], v[4]}, {v[5], v[1], v[6]}, {v[7], v[8], v[2]});
    }
    throw std::runtime_error("no box on the last line of " + path.string());
}

} // namespace proteinmd::test
