#pragma once
// Visits every atom pair i < j once, with its minimum-image vector and whether the System
// excludes it. Two interchangeable ways: all N^2/2 pairs (any box, also non-periodic) and a cell
// grid (rectangular boxes at least 3 cut-offs wide); tests check they agree.

#include <span>
#include <vector>

#include "neighbor/cell_grid.h"
#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

enum class PairSearch {
    Auto,     // cell grid where it applies, all pairs otherwise
    AllPairs,
    CellGrid  // falls back to all pairs where the grid does not apply
};

namespace detail {

// Marks the exclusions of one atom at a time: excluded(j) is true iff j is in i's exclusion list.
class ExclusionMarker {
public:
    ExclusionMarker(const System& system, int numAtoms)
        : exclusions_(system.exclusions), mark_(static_cast<std::size_t>(numAtoms), -1)
    {
    }
    void select(int i)
    {
        current_ = i;
        if (static_cast<std::size_t>(i) < exclusions_.size()) {
            for (int k : exclusions_[static_cast<std::size_t>(i)]) {
                mark_[static_cast<std::size_t>(k)] = i;
            }
        }
    }
    bool excluded(int j) const { return mark_[static_cast<std::size_t>(j)] == current_; }

private:
    const std::vector<std::vector<int>>& exclusions_;
    std::vector<int> mark_;
    int current_ = -1;
};

} // namespace detail

// Calls fn(i, j, d, r2, excluded) for each pair i < j with d = x_i - x_j (minimum image when
// periodic) and r2 = |d|^2; with periodic = true only pairs with r2 < cutoff^2 are visited,
// otherwise all pairs. For periodic boxes the cut-off must not exceed box.maxCutoff().
template <typename PairFn>
void forEachPair(const System& system, std::span<const Vec3> positions, const Box& box, bool periodic, double cutoff,
                 PairSearch search, PairFn&& fn)
{
    const int numAtoms = static_cast<int>(positions.size());
    const double cutoff2 = cutoff * cutoff;
    detail::ExclusionMarker marker(system, numAtoms);

    const bool useGrid = periodic && search != PairSearch::AllPairs && CellGrid::usable(box, cutoff);
    if (!useGrid) {
        for (int i = 0; i < numAtoms; ++i) {
            marker.select(i);
            const Vec3 xi = positions[static_cast<std::size_t>(i)];
            for (int j = i + 1; j < numAtoms; ++j) {
                const Vec3 raw = xi - positions[static_cast<std::size_t>(j)];
                const Vec3 d = periodic ? box.minimumImage(raw) : raw;
                const double r2 = norm2(d);
                if (!periodic || r2 < cutoff2) {
                    fn(i, j, d, r2, marker.excluded(j));
                }
            }
        }
        return;
    }

    const CellGrid grid(positions, box, cutoff);
    const auto& dims = grid.dims();
    for (int cx = 0; cx < dims[0]; ++cx) {
        for (int cy = 0; cy < dims[1]; ++cy) {
            for (int cz = 0; cz < dims[2]; ++cz) {
                const int cell = grid.cellIndex(cx, cy, cz);
                const auto atomsI = grid.cellAtoms(cell);
                const auto posI = grid.cellPositions(cell);
                for (std::size_t a = 0; a < atomsI.size(); ++a) {
                    const int i = atomsI[a];
                    const Vec3 xi = posI[a];
                    marker.select(i);
                    grid.forEachNeighbourCell(cx, cy, cz, [&](int neighbour, const Vec3& shift) {
                        const Vec3 xiShifted = xi - shift;
                        const auto atomsJ = grid.cellAtoms(neighbour);
                        const auto posJ = grid.cellPositions(neighbour);
                        for (std::size_t b = 0; b < atomsJ.size(); ++b) {
                            const int j = atomsJ[b];
                            if (j <= i) {
                                continue; // each pair once, from its lower index
                            }
                            const Vec3 d = xiShifted - posJ[b];
                            const double r2 = norm2(d);
                            if (r2 < cutoff2) {
                                fn(i, j, d, r2, marker.excluded(j));
                            }
                        }
                    });
                }
            }
        }
    }
}

} // namespace proteinmd
