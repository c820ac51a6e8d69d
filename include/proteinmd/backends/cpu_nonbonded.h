#pragma once
// Fast CPU short-range non-bonded forces: a buffered 4x4 cluster pair list (rebuilt on request)
// and single-precision SIMD kernels (AVX-512 or scalar) with double-precision energy sums, run
// with OpenMP. Adds to a ForceOutput exactly the terms addNonbondedForcesReference adds (LjSr,
// CoulombSr, DispersionCorrection) with the same GROMACS bookkeeping (exclusion corrections and
// self terms for reaction field / Ewald).
//
// Fast path: periodic box, rectangular or triclinic in GROMACS's reduced form, with rlist <= half
// the shortest box width; Coulomb cut-off, reaction field or PME/Ewald real space; any LJ modifier
// (None, Potential-shift, Force-switch, Potential-switch). Anything else (pbc = no, a triclinic box
// not in reduced form, epsilon-r = 0, a box too small for rlist, Ewald with beta * rcoulomb > 4,
// i.e. ewald-rtol below ~1.5e-8, beyond the kernel's fitted erfc range) falls back to the double-precision reference backend; usesFastPath() tells which.
//
// Results do not depend on the number of threads (bit-identical): work is split into a fixed
// number of blocks whose force buffers are summed in a fixed order.

#include <memory>
#include <span>

#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"
#include "proteinmd/core/vec3.h"
#include "proteinmd/forces/force_output.h"
#include "proteinmd/forces/nonbonded_options.h"

namespace proteinmd {

class CpuNonbonded {
public:
    // buffer (nm) >= 0: the pair list holds pairs within rlist = max(rcoulomb, rvdw) + buffer.
    // numThreads >= 1. Throws SetupError for settings the reference backend also refuses.
    CpuNonbonded(const System& system, const NonbondedOptions& options, const Box& box, double buffer,
                 int numThreads);
    ~CpuNonbonded();
    CpuNonbonded(CpuNonbonded&&) noexcept;
    CpuNonbonded& operator=(CpuNonbonded&&) noexcept;

    // Sorts atoms into clusters and searches the pair list (no-op on the reference fallback).
    void buildPairList(std::span<const Vec3> positions, const Box& box);

    // For an MD loop with GROMACS's nstlist (>= 1): rebuilds at steps that are multiples of nstlist,
    // and at any other step where needsRebuild(positions) or the box changed, so the list is never
    // stale. Returns true when it rebuilt.
    bool updatePairList(std::span<const Vec3> positions, const Box& box, long long step, int nstlist);

    // Dynamic pruning (GROMACS's nstlistPrune): shortens the list to the cluster pairs with an atom
    // pair within rcoulomb + innerBuffer at these positions; compute() uses the pruned list until
    // the next buildPairList() or pruneList() (compute() re-prunes by itself once needsPrune()).
    // No-op on the reference fallback.
    void pruneList(std::span<const Vec3> positions, double innerBuffer);

    // For an MD loop, after updatePairList(): prunes a list that is not pruned yet (just built) or
    // was pruned with another inner buffer, at steps that are multiples of nstprune (>= 1), and
    // whenever needsPrune(positions). Returns true when it pruned.
    bool updatePrunedList(std::span<const Vec3> positions, long long step, int nstprune, double innerBuffer);

    // True when the list must be rebuilt before compute(): never built, or a pair within the
    // cut-off may be missing since the last build (pairMayBeMissing in neighbor/displacement.h).
    bool needsRebuild(std::span<const Vec3> positions) const;

    // The same for the pruned list against the inner buffer since the last prune (false when the
    // list is not pruned, or when the prune checks are off).
    bool needsPrune(std::span<const Vec3> positions) const;

    // On (the default): the pruned list is exact, re-pruned whenever needsPrune() says a pair may be
    // missing. Off: GROMACS's scheme, the inner buffer is sized from the drift tolerance for the
    // nstprune steps between prunes, and the list is re-pruned only on that schedule (and after each
    // build); the outer list keeps its exact checks.
    void setPruneChecks(bool on);

    // ADDS LjSr, CoulombSr (and DispersionCorrection if requested) energies, forces and virial to
    // out (out.forces must hold one entry per atom). With computeEnergy = false only forces and
    // virial are added (energy terms untouched). The list is (re)built first if there is none, the
    // box differs from the one it was built for, or needsRebuild(positions); a pruned list is
    // re-pruned if needsPrune(positions). So results never
    // miss a pair; buildPairList/updatePairList/pruneList only decide when the work is done.
    // Throws SetupError for non-finite positions or wrong array sizes. listsChecked = true skips the
    // O(N) displacement checks, for a caller that has just run updatePairList() (and, with pruning,
    // updatePrunedList()) with these same positions and box, which did them (CpuForceField).
    void compute(std::span<const Vec3> positions, const Box& box, ForceOutput& out, bool computeEnergy = true,
                 bool listsChecked = false);

    // Where the current list came from, so a checkpoint can have it rebuilt bit for bit (the
    // cluster order fixes the float summation order): the positions and box of the last build
    // (empty / default when none was built or on the fallback), and the positions and inner buffer
    // of the last prune (empty / -1 when the list is not pruned).
    std::span<const Vec3> listBuildPositions() const;
    Box listBox() const;
    std::span<const Vec3> listPrunePositions() const;
    double listInnerBuffer() const;

    bool usesFastPath() const;
    double rlist() const;
    int numThreads() const;
    // Cluster pairs in the current (possibly pruned) list (0 on the fallback); for benchmarks and diagnostics.
    long long numClusterPairs() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace proteinmd
