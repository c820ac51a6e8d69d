#include "neighbor/cell_grid.h"

#include <algorithm>
#include <cmath>

namespace proteinmd {

namespace {

int cellsAlong(double length, double minCellSize) { return static_cast<int>(std::floor(length / minCellSize)); }

} // namespace

bool CellGrid::usable(const Box& box, double minCellSize)
{
    if (!box.isPeriodic() || !box.isRectangular() || !(minCellSize > 0)) {
        return false;
    }
    const Matrix3& v = box.vectors();
    return cellsAlong(v[0].x, minCellSize) >= 3 && cellsAlong(v[1].y, minCellSize) >= 3 &&
           cellsAlong(v[2].z, minCellSize) >= 3;
}

CellGrid::CellGrid(std::span<const Vec3> positions, const Box& box, double minCellSize)
{
    const Matrix3& v = box.vectors();
    length_ = Vec3{v[0].x, v[1].y, v[2].z};
    for (int d = 0; d < 3; ++d) {
        dims_[static_cast<std::size_t>(d)] = cellsAlong(length_[d], minCellSize);
    }

    const std::size_t numAtoms = positions.size();
    std::vector<Vec3> wrapped(numAtoms);
    std::vector<int> cellOf(numAtoms);
    for (std::size_t i = 0; i < numAtoms; ++i) {
        wrapped[i] = box.wrapIntoCell(positions[i]);
        int c[3];
        for (int d = 0; d < 3; ++d) {
            const int n = dims_[static_cast<std::size_t>(d)];
            // Rounding can put a wrapped coordinate exactly on the upper face: clamp into range.
            c[d] = std::clamp(static_cast<int>(wrapped[i][d] / length_[d] * n), 0, n - 1);
        }
        cellOf[i] = cellIndex(c[0], c[1], c[2]);
    }

    // Counting sort by cell keeps atoms of one cell in increasing index order.
    cellStart_.assign(static_cast<std::size_t>(numCells()) + 1, 0);
    for (int c : cellOf) {
        ++cellStart_[static_cast<std::size_t>(c) + 1];
    }
    for (std::size_t c = 1; c < cellStart_.size(); ++c) {
        cellStart_[c] += cellStart_[c - 1];
    }
    std::vector<int> fill(cellStart_.begin(), cellStart_.end() - 1);
    sortedAtoms_.resize(numAtoms);
    sortedPositions_.resize(numAtoms);
    for (std::size_t i = 0; i < numAtoms; ++i) {
        const int slot = fill[static_cast<std::size_t>(cellOf[i])]++;
        sortedAtoms_[static_cast<std::size_t>(slot)] = static_cast<int>(i);
        sortedPositions_[static_cast<std::size_t>(slot)] = wrapped[i];
    }
}

std::span<const int> CellGrid::cellAtoms(int cell) const
{
    const auto begin = static_cast<std::size_t>(cellStart_[static_cast<std::size_t>(cell)]);
    const auto end = static_cast<std::size_t>(cellStart_[static_cast<std::size_t>(cell) + 1]);
    return std::span<const int>(sortedAtoms_).subspan(begin, end - begin);
}

std::span<const Vec3> CellGrid::cellPositions(int cell) const
{
    const auto begin = static_cast<std::size_t>(cellStart_[static_cast<std::size_t>(cell)]);
    const auto end = static_cast<std::size_t>(cellStart_[static_cast<std::size_t>(cell) + 1]);
    return std::span<const Vec3>(sortedPositions_).subspan(begin, end - begin);
}

} // namespace proteinmd
