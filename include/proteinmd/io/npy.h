#pragma once
// NumPy .npy files of float64 arrays, the format of the team's reference data (positions, forces).
// Written as format version 1.0, dtype '<f8', C order; read from versions 1.0-3.0 with dtype '<f8'
// (little-endian float64) in C order, any shape. Anything else is an InputError.

#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

#include "proteinmd/core/vec3.h"

namespace proteinmd {

// Writes an N x 3 float64 array (atomic write: temporary file renamed into place).
void writeNpy(const std::filesystem::path& path, std::span<const Vec3> rows);

// Reads a float64 array; returns the values in C order and sets shape (empty for a scalar).
std::vector<double> readNpy(const std::filesystem::path& path, std::vector<std::size_t>& shape);

} // namespace proteinmd
