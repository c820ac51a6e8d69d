#include "backends/cpu/kernel_pair_order.h"

namespace proteinmd::cpu {

void KernelPairOrder::update(const ClusterPairList& list, int numThreads)
{
    const auto iEntries = list.iEntries();
    const auto source = list.jEntries();
    jEntries_.resize(source.size());
    fullBegin_.resize(iEntries.size());
    const int numI = static_cast<int>(iEntries.size());
    // Each i-entry's range is written by one iteration only: any schedule gives the same result.
#pragma omp parallel for num_threads(numThreads) schedule(static)
    for (int ie = 0; ie < numI; ++ie) {
        const ClusterPairList::IEntry& entry = iEntries[static_cast<std::size_t>(ie)];
        auto out = static_cast<std::size_t>(entry.jBegin);
        for (int je = entry.jBegin; je < entry.jEnd; ++je) {
            if (!isFull(source[static_cast<std::size_t>(je)])) {
                jEntries_[out++] = source[static_cast<std::size_t>(je)];
            }
        }
        fullBegin_[static_cast<std::size_t>(ie)] = static_cast<int>(out);
        for (int je = entry.jBegin; je < entry.jEnd; ++je) {
            if (isFull(source[static_cast<std::size_t>(je)])) {
                jEntries_[out++] = source[static_cast<std::size_t>(je)];
            }
        }
    }
}

} // namespace proteinmd::cpu
