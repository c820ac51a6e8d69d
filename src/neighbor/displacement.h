#pragma once
// How far a buffered pair list can have gone stale since the positions it was made from. Two atoms
// that were r apart are now at least r - (d_i + d_j) apart, where d is each atom's displacement,
// so the largest possible closing of any pair is the sum of the two largest displacements (of
// two different atoms). A list holding every pair within rc + B stays complete as long as that sum
// is at most B: an exact criterion, and half as strict as "no atom moved more than B / 2" when one
// atom outruns the rest.

#include <span>

#include "proteinmd/core/vec3.h"

namespace proteinmd {

// Sum of the two largest |now[i] - then[i]| over different atoms i (nm); with a single atom its
// displacement. Precondition: now.size() == then.size(). A non-finite displacement gives infinity,
// so a staleness check never passes on NaN positions. Large systems use up to numThreads OpenMP
// threads; the result is the same for any count.
double largestClosing(std::span<const Vec3> now, std::span<const Vec3> then, int numThreads = 1);

} // namespace proteinmd
