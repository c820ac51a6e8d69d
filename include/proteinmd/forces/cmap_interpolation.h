#pragma once
// CMAP (GROMACS cmap type 1), written once: grompp's derivative table and mdrun's bicubic patch.
//
// grompp turns each energy grid into a table of four values per grid point (V, dV/dphi, dV/dpsi,
// d2V/dphi dpsi, derivatives per degree) with 1-D natural cubic splines over a periodically
// extended grid; mdrun then evaluates the bicubic (Hermite) patch of the cell that holds
// (phi, psi). makeCmapTable does the first step once per system; cmapEnergy is the second.

#include <array>
#include <cmath>
#include <span>
#include <vector>

#include "proteinmd/core/units.h"
#include "proteinmd/forces/bonded_terms.h"

namespace proteinmd {

struct CmapTable {
    int gridSize = 0;
    double spacingDeg = 0; // 360 / gridSize
    // 4 values per grid point, point (i, j) at [(i * gridSize + j) * 4]: V (kJ/mol), dV/dphi,
    // dV/dpsi (kJ/mol/degree) and d2V/dphi dpsi (kJ/mol/degree^2); phi = -180 + i*spacing.
    std::vector<double> values;
};

// grompp's setup_cmap for one grid. Throws SetupError if the grid is empty or not gridSize^2 values.
CmapTable makeCmapTable(const CmapGrid& grid);
// One table per grid, same order (BondedTerms::cmapGrids): prepare once per system.
std::vector<CmapTable> makeCmapTables(std::span<const CmapGrid> grids);

// Energy and derivatives with respect to the two dihedral angles (radians).
struct CmapEnergy {
    double energy = 0;
    double dVdPhi = 0;
    double dVdPsi = 0;
};

// Bicubic interpolation of a table (as CmapTable::values, gridSize x gridSize x 4) at dihedral
// angles phi, psi in radians (any value; wrapped periodically).
inline CmapEnergy cmapEnergy(const double* table, int gridSize, double phi, double psi)
{
    const double spacing = 360.0 / gridSize;
    // Grid cell and fractional position in it; the grid starts at -180 degrees.
    const auto locate = [&](double angle, int& cell, double& frac) {
        double x = angle * units::kRadToDeg + 180.0;
        x -= 360.0 * std::floor(x / 360.0);
        cell = static_cast<int>(x / spacing);
        if (cell >= gridSize) { // x a rounding error below 360
            cell = gridSize - 1;
        }
        frac = (x - cell * spacing) / spacing;
    };
    int i = 0;
    int j = 0;
    double t = 0;
    double u = 0;
    locate(phi, i, t);
    locate(psi, j, u);
    const int i1 = (i + 1) % gridSize;
    const int j1 = (j + 1) % gridSize;
    const auto at = [&](int a, int b, int k) { return table[(a * gridSize + b) * 4 + k]; };

    // Hermite data on the unit cell, derivatives scaled to the cell: rows (value at t=0, t=1,
    // d/dt at t=0, t=1) x columns (value at u=0, u=1, d/du at u=0, u=1).
    const int ti[2] = {i, i1};
    const int uj[2] = {j, j1};
    double f[4][4];
    for (int a = 0; a < 2; ++a) {
        for (int b = 0; b < 2; ++b) {
            f[a][b] = at(ti[a], uj[b], 0);
            f[a + 2][b] = at(ti[a], uj[b], 1) * spacing;
            f[a][b + 2] = at(ti[a], uj[b], 2) * spacing;
            f[a + 2][b + 2] = at(ti[a], uj[b], 3) * spacing * spacing;
        }
    }
    // Cubic Hermite basis: p(s) = sum_a s^a (H g)_a for g = (p(0), p(1), p'(0), p'(1)).
    constexpr double h[4][4] = {{1, 0, 0, 0}, {0, 0, 1, 0}, {-3, 3, -2, -1}, {2, -2, 1, 1}};
    double hf[4][4] = {};
    for (int a = 0; a < 4; ++a) {
        for (int q = 0; q < 4; ++q) {
            for (int p = 0; p < 4; ++p) {
                hf[a][q] += h[a][p] * f[p][q];
            }
        }
    }
    double c[4][4] = {}; // V = sum c[a][b] t^a u^b
    for (int a = 0; a < 4; ++a) {
        for (int b = 0; b < 4; ++b) {
            for (int q = 0; q < 4; ++q) {
                c[a][b] += hf[a][q] * h[b][q];
            }
        }
    }
    double e = 0;
    double dt = 0;
    double du = 0;
    for (int a = 3; a >= 0; --a) {
        e = e * t + ((c[a][3] * u + c[a][2]) * u + c[a][1]) * u + c[a][0];
        du = du * t + (3.0 * c[a][3] * u + 2.0 * c[a][2]) * u + c[a][1];
    }
    for (int b = 3; b >= 0; --b) {
        dt = dt * u + (3.0 * c[3][b] * t + 2.0 * c[2][b]) * t + c[1][b];
    }
    // d/dt -> per degree -> per radian.
    const double scale = units::kRadToDeg / spacing;
    return {e, dt * scale, du * scale};
}

inline CmapEnergy cmapEnergy(const CmapTable& table, double phi, double psi)
{
    return cmapEnergy(table.values.data(), table.gridSize, phi, psi);
}

} // namespace proteinmd
