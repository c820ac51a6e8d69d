#pragma once
// When a pass over all atoms is worth an OpenMP parallel region.
//
// The per-step passes over every atom (copies, finiteness and displacement checks, the slot refresh)
// cost a few microseconds per thousand atoms; a fork and join costs about as much as such a pass
// over ~10^4 atoms, more on a loaded machine. Below this many items they run on the calling thread;
// above it on all of the caller's threads, in fixed chunks or as reductions whose result does not
// depend on the thread count. One threshold for all of them, so they switch together.

#include <cstddef>

namespace proteinmd {

inline constexpr std::size_t kMinItemsForThreadedPass = 16384;

// True when a pass over `items` items should be threaded across `numThreads` threads.
inline bool threadedPass(std::size_t items, int numThreads)
{
    return numThreads > 1 && items >= kMinItemsForThreadedPass;
}

} // namespace proteinmd
