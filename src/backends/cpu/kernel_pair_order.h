#pragma once
// Where the "full" cluster pairs start in each i-entry of the pair list. The list keeps, inside each
// i-entry, the cluster pairs that need per-pair masks (an excluded pair, a padding slot, the
// self/lower-triangle pairs of a diagonal pair) first, then the full ones, in which all 16 pairs
// interact normally (ClusterPairList::isFullPair); the kernel runs the full ones through a variant
// with no interaction/exclusion masks, only the cut-off test. Refreshed after every build or prune:
// views of the list's own arrays (the list records each split as it builds or prunes), no copy.

#include <span>

#include "neighbor/cluster_pair_list.h"

namespace proteinmd::cpu {

class KernelPairOrder {
public:
    // Takes the splits of every i-entry of `list` (which must outlive the next update, and not
    // be rebuilt or pruned before it). numThreads is unused: there is nothing left to compute.
    void update(const ClusterPairList& list, int numThreads);

    // A 4x4 cluster pair in which every atom pair interacts normally.
    static bool isFull(const ClusterPairList::JEntry& j) { return ClusterPairList::isFullPair(j); }

    // The list's j-entries (masked first within each i-entry).
    std::span<const ClusterPairList::JEntry> jEntries() const { return jEntries_; }
    // Per i-entry: the first of its (reordered) j-entries that is full; jEnd when none is.
    std::span<const int> fullBegin() const { return fullBegin_; }

private:
    std::span<const ClusterPairList::JEntry> jEntries_;
    std::span<const int> fullBegin_;
};

} // namespace proteinmd::cpu
