#include "io/topology_exclusions.h"

#include <algorithm>

namespace proteinmd::gmxtop {

std::vector<std::vector<int>> generateExclusions(int numAtoms, int nrexcl, std::span<const std::array<int, 2>> bonds,
                                                 std::span<const std::array<int, 2>> explicitPairs)
{
    const auto n = static_cast<std::size_t>(numAtoms);
    std::vector<std::vector<int>> neighbours(n);
    for (const auto& b : bonds) {
        neighbours[static_cast<std::size_t>(b[0])].push_back(b[1]);
        neighbours[static_cast<std::size_t>(b[1])].push_back(b[0]);
    }

    std::vector<std::vector<int>> exclusions(n);
    if (nrexcl > 0) {
        // Breadth-first search from each atom, `nrexcl` bonds deep: the atoms grompp excludes are
        // exactly those at graph distance 1..nrexcl (its level-by-level lists skip closer atoms).
        std::vector<int> distance(n, -1);
        std::vector<int> frontier;
        std::vector<int> next;
        std::vector<int> visited;
        for (int start = 0; start < numAtoms; ++start) {
            frontier.assign(1, start);
            visited.assign(1, start);
            distance[static_cast<std::size_t>(start)] = 0;
            for (int level = 1; level <= nrexcl && !frontier.empty(); ++level) {
                next.clear();
                for (int a : frontier) {
                    for (int b : neighbours[static_cast<std::size_t>(a)]) {
                        if (distance[static_cast<std::size_t>(b)] < 0) {
                            distance[static_cast<std::size_t>(b)] = level;
                            next.push_back(b);
                            visited.push_back(b);
                        }
                    }
                }
                frontier.swap(next);
            }
            auto& list = exclusions[static_cast<std::size_t>(start)];
            for (int v : visited) {
                distance[static_cast<std::size_t>(v)] = -1;
                if (v != start) {
                    list.push_back(v);
                }
            }
        }
    }
    for (const auto& p : explicitPairs) {
        if (p[0] != p[1]) {
            exclusions[static_cast<std::size_t>(p[0])].push_back(p[1]);
            exclusions[static_cast<std::size_t>(p[1])].push_back(p[0]);
        }
    }
    for (auto& list : exclusions) {
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
    }
    return exclusions;
}

} // namespace proteinmd::gmxtop
