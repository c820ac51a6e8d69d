// grompp's CMAP derivative table (GROMACS setup_cmap), reimplemented: for every grid point the
// derivatives dV/dphi, dV/dpsi and d2V/dphi dpsi come from 1-D natural cubic splines through a
// grid extended to twice its size (so the spline ends, where the natural boundary condition
// distorts it, lie far from the points that are used). mdrun's energies depend on exactly these
// numbers, so the construction (extended-grid origin, index shift, spline order) mirrors grompp.

#include "proteinmd/forces/cmap_interpolation.h"

#include <algorithm>

#include <fmt/format.h>

#include "proteinmd/core/error.h"

namespace proteinmd {

namespace {

// Second derivatives of the natural cubic spline (zero curvature at both ends) through y on a
// uniform grid of spacing h: the tridiagonal system y2[i-1] + 4 y2[i] + y2[i+1] = 6 (second
// difference of y) / h^2, solved by forward elimination and back substitution.
std::vector<double> naturalSplineCurvature(std::span<const double> y, double h)
{
    const std::size_t n = y.size();
    std::vector<double> y2(n, 0.0);
    std::vector<double> rhs(n, 0.0);
    std::vector<double> diag(n, 0.0);
    for (std::size_t i = 1; i + 1 < n; ++i) {
        const double r = 6.0 * (y[i + 1] - 2.0 * y[i] + y[i - 1]) / (h * h);
        const double dPrev = (i == 1) ? 1.0 : diag[i - 1];
        const double rPrev = (i == 1) ? 0.0 : rhs[i - 1];
        const double factor = (i == 1) ? 0.0 : 1.0 / dPrev;
        diag[i] = 4.0 - factor;
        rhs[i] = r - factor * rPrev;
    }
    for (std::size_t i = n - 1; i-- > 1;) {
        y2[i] = (rhs[i] - y2[i + 1]) / diag[i];
    }
    return y2;
}

struct SplineValue {
    double value;
    double derivative;
};

// Value and first derivative at x of the spline (y, y2) whose knots are x0 + s*h.
SplineValue evaluateSpline(std::span<const double> y, std::span<const double> y2, double x0, double h, double x)
{
    int s = static_cast<int>((x - x0) / h);
    s = std::clamp(s, 0, static_cast<int>(y.size()) - 2);
    const auto k = static_cast<std::size_t>(s);
    const double a = (x0 + (s + 1) * h - x) / h;
    const double b = (x - x0 - s * h) / h;
    const double value = a * y[k] + b * y[k + 1] + ((a * a * a - a) * y2[k] + (b * b * b - b) * y2[k + 1]) * (h * h) / 6.0;
    const double derivative = (y[k + 1] - y[k]) / h - (3.0 * a * a - 1.0) / 6.0 * h * y2[k] +
                              (3.0 * b * b - 1.0) / 6.0 * h * y2[k + 1];
    return {value, derivative};
}

} // namespace

CmapTable makeCmapTable(const CmapGrid& grid)
{
    const int n = grid.gridSize;
    if (n < 2) {
        throw SetupError(fmt::format("CMAP grid: grid size must be at least 2, found {}", n));
    }
    if (grid.energies.size() != static_cast<std::size_t>(n) * static_cast<std::size_t>(n)) {
        throw SetupError(fmt::format("CMAP grid: expected {}x{} = {} energies, found {}", n, n, n * n,
                                     grid.energies.size()));
    }
    const double h = 360.0 / n;
    const int ext = 2 * n;
    const int shift = n - n / 2;
    // Knot s of the extended grid holds grid point (s + shift) mod n and sits at x0 + s*h.
    const double x0 = -180.0 - h * n / 2;
    const auto value = [&](int a, int b) {
        return grid.energies[static_cast<std::size_t>(a * n + b)];
    };

    // Rows of the extended grid (fixed phi knot, running psi) and their spline curvatures.
    std::vector<std::vector<double>> rows(static_cast<std::size_t>(ext), std::vector<double>(static_cast<std::size_t>(ext)));
    std::vector<std::vector<double>> rowCurvature(static_cast<std::size_t>(ext));
    for (int a = 0; a < ext; ++a) {
        auto& row = rows[static_cast<std::size_t>(a)];
        for (int b = 0; b < ext; ++b) {
            row[static_cast<std::size_t>(b)] = value((a + shift) % n, (b + shift) % n);
        }
        rowCurvature[static_cast<std::size_t>(a)] = naturalSplineCurvature(row, h);
    }

    CmapTable table;
    table.gridSize = n;
    table.spacingDeg = h;
    table.values.resize(static_cast<std::size_t>(n) * static_cast<std::size_t>(n) * 4);
    std::vector<double> alongPhi(static_cast<std::size_t>(ext));
    std::vector<double> dPsiAlongPhi(static_cast<std::size_t>(ext));
    for (int i = 0; i < n; ++i) {
        const double phi = i * h - 180.0;
        for (int j = 0; j < n; ++j) {
            const double psi = j * h - 180.0;
            // Each row's spline at psi gives V and dV/dpsi along the phi knots; splines through
            // those, evaluated at phi, give dV/dphi, dV/dpsi and the cross derivative.
            for (int a = 0; a < ext; ++a) {
                const SplineValue sv = evaluateSpline(rows[static_cast<std::size_t>(a)],
                                                      rowCurvature[static_cast<std::size_t>(a)], x0, h, psi);
                alongPhi[static_cast<std::size_t>(a)] = sv.value;
                dPsiAlongPhi[static_cast<std::size_t>(a)] = sv.derivative;
            }
            const SplineValue v = evaluateSpline(alongPhi, naturalSplineCurvature(alongPhi, h), x0, h, phi);
            const SplineValue dpsi = evaluateSpline(dPsiAlongPhi, naturalSplineCurvature(dPsiAlongPhi, h), x0, h, phi);
            double* out = &table.values[static_cast<std::size_t>((i * n + j) * 4)];
            out[0] = value(i, j);
            out[1] = v.derivative;
            out[2] = dpsi.value;
            out[3] = dpsi.derivative;
        }
    }
    return table;
}

std::vector<CmapTable> makeCmapTables(std::span<const CmapGrid> grids)
{
    std::vector<CmapTable> tables;
    tables.reserve(grids.size());
    for (std::size_t g = 0; g < grids.size(); ++g) {
        try {
            tables.push_back(makeCmapTable(grids[g]));
        } catch (const SetupError& e) {
            throw SetupError(fmt::format("cmapGrids[{}]: {}", g, e.what()));
        }
    }
    return tables;
}

} // namespace proteinmd
