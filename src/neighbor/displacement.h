#pragma once
// How far a buffered pair list can have gone stale since the positions it was made from. Two atoms
// that were r apart are now at least r - (d_i + d_j) apart, where d is each atom's displacement,
// so the largest possible closing of any pair is the sum of the two largest displacements (of
// two different atoms). A list holding every pair within rc + B stays complete as long as that sum
// is at most B: an exact criterion, and half as strict as "no atom moved more than B / 2" when one
// atom outruns the rest.
//
// That sum is set by the two fastest atoms of the whole system, which are rarely near each other.
// pairMayBeMissing() goes on where it stops: only atoms with d_i > B - max(d) can be in a pair whose
// displacements add up to more than B, and such a pair can only be missing from the list if it is
// within rc now. Checking those few pairs keeps a list in use several steps longer, still exactly.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "proteinmd/core/box.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

// Sum of the two largest |now[i] - then[i]| over different atoms i (nm); with a single atom its
// displacement. Precondition: now.size() == then.size(). A non-finite displacement gives infinity,
// so a staleness check never passes on NaN positions. Large systems use up to numThreads OpenMP
// threads; the result is the same for any count.
double largestClosing(std::span<const Vec3> now, std::span<const Vec3> then, int numThreads = 1);

// The largest |now[i] - then[i]| (nm), infinity when a displacement is not finite; the same pass
// and preconditions as largestClosing (plain differences, no periodic images).
double largestDisplacement(std::span<const Vec3> now, std::span<const Vec3> then, int numThreads = 1);

// Scratch of pairMayBeMissing, kept by the caller for its capacity.
struct MoverScratch {
    static constexpr int kChunks = 8; // fixed atom chunks, collected in parallel
    std::array<std::vector<std::uint64_t>, kChunks> chunkKeys;
    // Per chunk, its movers' positions now and then (x, y, z each), in atom order: gathered while
    // the chunk is read in order, so that the pair check never reads the full arrays at random.
    std::array<std::vector<double>, kChunks> chunkNow, chunkThen;
    // Per mover: its displacement's float bits, inverted, then its chunk and its place in the
    // chunk (in atom order, like the atom index it stands for).
    std::vector<std::uint64_t> keys, sortBuffer;
    std::vector<int> partnersEnd;
    std::array<std::vector<double>, 3> now, then; // the movers' positions in key order, per dimension
};

// True when a list made at `then` that holds every atom pair then within cutoff + buffer may lack a
// pair that is within `cutoff` now: some pair of atoms whose displacements add up to more than
// `buffer` is within cutoff (with a relative margin of 1e-5 for the kernels' float distances) at
// `now`, minimum image in `box`. Exact in that direction, and conservative in the other: it also
// answers true when such a pair is in the list after all, when too many atoms moved far (more than
// kMaxMovers above buffer - max(d), or more than maxPairs pairs to check) and when a displacement is
// not finite. False whenever largestClosing(now, then) <= buffer. `box` is periodic (rectangular or
// triclinic).
bool pairMayBeMissing(std::span<const Vec3> now, std::span<const Vec3> then, const Box& box, double cutoff,
                      double buffer, long maxPairs, int numThreads, MoverScratch& scratch);

inline constexpr int kMaxMovers = 16384;

} // namespace proteinmd
