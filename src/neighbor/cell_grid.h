#pragma once
// Atoms of a rectangular periodic box binned into a grid of cells at least `minCellSize` wide, so
// every pair closer than minCellSize is found among an atom's own and 26 neighbouring cells.
// Needs at least 3 cells per dimension, so the 27 neighbour cells are distinct and each pair
// (through its minimum image) is seen exactly once; usable() says whether that holds.

#include <array>
#include <span>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

class CellGrid {
public:
    // True when `box` is periodic and rectangular with at least 3 cells of minCellSize per side.
    static bool usable(const Box& box, double minCellSize);

    // Precondition: usable(box, minCellSize).
    CellGrid(std::span<const Vec3> positions, const Box& box, double minCellSize);

    const std::array<int, 3>& dims() const { return dims_; }
    int numCells() const { return dims_[0] * dims_[1] * dims_[2]; }
    int cellIndex(int cx, int cy, int cz) const { return (cx * dims_[1] + cy) * dims_[2] + cz; }

    // Atoms of a cell (original indices) and their positions wrapped into the box, same order.
    std::span<const int> cellAtoms(int cell) const;
    std::span<const Vec3> cellPositions(int cell) const;

    // Calls fn(neighbourCell, shift) for the 27 cells around (cx,cy,cz), itself included, where
    // shift is the box translation to add to the neighbour's wrapped positions so they lie next to
    // this cell (non-zero only across the periodic boundary).
    template <typename Fn>
    void forEachNeighbourCell(int cx, int cy, int cz, Fn&& fn) const
    {
        for (int dx = -1; dx <= 1; ++dx) {
            const auto [nx, sx] = wrapIndex(cx + dx, 0);
            for (int dy = -1; dy <= 1; ++dy) {
                const auto [ny, sy] = wrapIndex(cy + dy, 1);
                for (int dz = -1; dz <= 1; ++dz) {
                    const auto [nz, sz] = wrapIndex(cz + dz, 2);
                    fn(cellIndex(nx, ny, nz), Vec3{sx, sy, sz});
                }
            }
        }
    }

private:
    struct Wrapped {
        int index;
        double shift;
    };
    Wrapped wrapIndex(int c, int dim) const
    {
        if (c < 0) {
            return {c + dims_[static_cast<std::size_t>(dim)], -length_[dim]};
        }
        if (c >= dims_[static_cast<std::size_t>(dim)]) {
            return {c - dims_[static_cast<std::size_t>(dim)], length_[dim]};
        }
        return {c, 0.0};
    }

    std::array<int, 3> dims_{};
    Vec3 length_{};
    std::vector<int> cellStart_;       // numCells + 1 offsets into the two arrays below
    std::vector<int> sortedAtoms_;     // atom indices grouped by cell
    std::vector<Vec3> sortedPositions_; // wrapped positions in the same order
};

} // namespace proteinmd
