#pragma once
// The kernel's copy of the pair list's j-entries, reordered inside each i-entry: cluster pairs that
// need per-pair masks (an excluded pair, a padding slot, the self/lower-triangle pairs of a
// diagonal pair) first, then the "full" ones, in which all 16 pairs interact normally. The kernel
// runs the full ones through a variant with no interaction/exclusion masks, only the cut-off test.
// Refreshed after every build or prune of the list (an O(pairs) pass, next to the O(pairs) search).

#include <span>
#include <vector>

#include "neighbor/cluster_pair_list.h"

namespace proteinmd::cpu {

class KernelPairOrder {
public:
    // Reorders list.jEntries() per i-entry; same i-entry ranges as the list. Uses up to numThreads
    // OpenMP threads; the result does not depend on their number.
    void update(const ClusterPairList& list, int numThreads);

    // A 4x4 cluster pair in which every atom pair interacts normally.
    static bool isFull(const ClusterPairList::JEntry& j) { return j.interact == 0xffff && j.excluded == 0; }

    std::span<const ClusterPairList::JEntry> jEntries() const { return jEntries_; }
    // Per i-entry: the first of its (reordered) j-entries that is full; jEnd when none is.
    std::span<const int> fullBegin() const { return fullBegin_; }

private:
    std::vector<ClusterPairList::JEntry> jEntries_;
    std::vector<int> fullBegin_;
};

} // namespace proteinmd::cpu
