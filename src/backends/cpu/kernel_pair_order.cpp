#include "backends/cpu/kernel_pair_order.h"

namespace proteinmd::cpu {

void KernelPairOrder::update(const ClusterPairList& list, int numThreads)
{
    const auto iEntries = list.iEntries();
    jEntries_ = list.jEntries();
    fullBegin_.resize(iEntries.size());
    const int numI = static_cast<int>(iEntries.size());
    // Each i-entry is read and written by one iteration only: any schedule gives the same result.
#pragma omp parallel for num_threads(numThreads) schedule(static)
    for (int ie = 0; ie < numI; ++ie) {
        const ClusterPairList::IEntry& entry = iEntries[static_cast<std::size_t>(ie)];
        int je = entry.jBegin;
        while (je < entry.jEnd && !isFull(jEntries_[static_cast<std::size_t>(je)])) {
            ++je;
        }
        fullBegin_[static_cast<std::size_t>(ie)] = je;
    }
}

} // namespace proteinmd::cpu
