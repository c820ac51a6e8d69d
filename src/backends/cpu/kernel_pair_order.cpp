#include "backends/cpu/kernel_pair_order.h"

namespace proteinmd::cpu {

void KernelPairOrder::update(const ClusterPairList& list, int /*numThreads*/)
{
    // The list finds the splits while it builds (partition) or prunes (keeps the order).
    jEntries_ = list.jEntries();
    fullBegin_ = list.fullBegin();
}

} // namespace proteinmd::cpu
