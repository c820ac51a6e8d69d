#pragma once
// GROMACS-style buffered cluster pair list for periodic boxes, rectangular or triclinic (in
// GROMACS's reduced form, e.g. the rhombic dodecahedron and truncated octahedron of editconf).
// Atoms are put into the rectangular brick [0,ax) x [0,by) x [0,cz) (shifted by box vectors along
// c, then b, then a: a unit cell of the lattice for any lower-triangular box), binned into columns
// on an x-y grid over it, sorted by z inside each column and cut into clusters of 4 (the last one
// of a column padded). Each i-cluster gets one entry per periodic shift with the j-clusters whose
// bounding boxes come within rlist and which have at least one atom pair within rlist; every
// cluster pair appears once (half list). Each j-entry carries two 16-bit masks over the 4x4 atom
// pairs (bit 4 a + b pairs i-slot a with j-slot b): pairs that interact normally, and excluded
// pairs (which still get the reaction-field/Ewald exclusion correction inside the cut-off).
// Padding slots, self pairs and the lower triangle of a diagonal cluster pair are in neither.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "neighbor/displacement.h"
#include "proteinmd/core/box.h"
#include "proteinmd/core/system.h"
#include "proteinmd/core/vec3.h"

namespace proteinmd {

class ClusterPairList {
  public:
    static constexpr int kClusterSize = 4;
    // Shifts n_a a + n_b b + n_c c with n_a in -2..2 and n_b, n_c in -1..1, index
    // (n_a+2)*9 + (n_b+1)*3 + (n_c+1): in a reduced triclinic cell b and c can tilt the brick's
    // images by up to a whole ax along x, so pairs within rlist reach two a's away (GROMACS's
    // dBoxX = 2); a rectangular box only uses n_a in -1..1. Shift -s has index 44 - index(s).
    static constexpr int kNumShifts = 45;
    static constexpr int kCentralShift = 22;
    static constexpr int shiftIndex(int na, int nb, int nc) { return (na + 2) * 9 + (nb + 1) * 3 + (nc + 1); }

    struct IEntry {
        int cluster = 0;
        int shift = kCentralShift;
        int jBegin = 0, jEnd = 0; // range in jEntries()
    };
    struct JEntry {
        int cluster = 0;
        std::uint16_t interact = 0; // normal LJ + Coulomb
        std::uint16_t excluded = 0; // excluded pair: exclusion correction only
    };

    // A cluster pair whose 16 atom pairs all interact normally (no exclusion, padding or self pair).
    // Within each i-entry the list keeps the others first, then these (build partitions, prune keeps
    // the order), so the kernel can run the full ones without per-pair masks.
    static bool isFullPair(const JEntry& j) { return j.interact == 0xffff && j.excluded == 0; }

    // True when the list can be built: a periodic box, rectangular or triclinic in GROMACS's
    // reduced form (|bx| <= ax/2, |cx| <= ax/2, |cy| <= by/2), with rlist <= box.maxCutoff().
    static bool usable(const Box& box, double rlist);

    // Sorts the atoms into clusters and searches all cluster pairs within rlist. Uses up to
    // numThreads OpenMP threads; the list is the same for any thread count. Throws SetupError if
    // !usable(box, rlist) or the sizes disagree with the System.
    void build(const System& system, std::span<const Vec3> positions, const Box& box, double rlist, int numThreads);

    // Dynamic pruning (GROMACS's rolling prune): keeps the cluster pairs of the built list with an
    // atom pair closer than rPrune at the given slot positions (list frame, as the kernels use
    // them); iEntries()/jEntries() return that shorter list until the next build or prune. Valid
    // while no pair closes in by more than rPrune - cut-off from these positions (largestClosing).
    void prune(std::span<const float> x, std::span<const float> y, std::span<const float> z, double rPrune,
               int numThreads);
    bool isPruned() const { return pruned_; }
    std::size_t numBuiltClusterPairs() const { return jEntries_.size(); }
    // Cluster pairs in the list the kernels use (the pruned one when pruned). The pruned list keeps
    // the built layout with gaps between its parts, so this is less than jEntries().size() then:
    // read j-entries only through the i-entries' ranges.
    std::size_t numClusterPairs() const { return pruned_ ? prunedPairs_ : jEntries_.size(); }

    // True when a pair within rlist - buffer (nm) may be missing since the last build (or none yet):
    // pairMayBeMissing (displacement.h) from the build positions. Not for concurrent calls (scratch).
    bool needsRebuild(std::span<const Vec3> positions, double buffer, int numThreads = 1) const;
    static constexpr long kMaxMoverPairs = 1L << 18;

    // The list comes in kNumParts consecutive runs of i-entries ("parts", made independently and
    // joined in order). Per part of the current list (built or pruned): where its i-entries begin
    // (partBegin(kNumParts) = the end), and per group of kTouchGroup consecutive clusters a 1 when
    // one of its cluster pairs has its i- or j-cluster there. Recorded while the built pairs are
    // hot, so the kernel's blocks learn which parts of their force buffers they touch without a
    // pass; a pruned list's part is its built part's i-entries, so it keeps those flags (a superset:
    // a group flagged in vain only gets zeroed and adds zeros).
    static constexpr int kNumParts = 32;
    static constexpr int kTouchGroup = 16;
    int partBegin(int part) const { return static_cast<int>(iOffset_[static_cast<std::size_t>(part)]); }
    std::span<const std::uint8_t> partTouched(int part) const { return parts_[static_cast<std::size_t>(part)].touched; }

    int numClusters() const { return numClusters_; }
    double rlist() const { return rlist_; }
    const Box& box() const { return box_; }
    // Positions passed to the last build (empty before the first), e.g. to save the list's origin.
    std::span<const Vec3> buildPositions() const { return buildPositions_; }
    // Atom in each slot (numClusters * 4 of them), -1 for padding.
    std::span<const int> slotAtoms() const { return slotAtoms_; }
    // What to add to an atom's position to get its position in the list's frame (its wrap at build).
    std::span<const Vec3> slotOffsets() const { return slotOffsets_; }
    std::span<const IEntry> iEntries() const { return pruned_ ? prunedI_ : iEntries_; }
    std::span<const JEntry> jEntries() const { return pruned_ ? prunedJ_ : jEntries_; }
    // Per i-entry: its first full j-entry (isFullPair; they come last), jEnd when none is. Found
    // while the build partitions and the prune filters, so no pass of its own.
    std::span<const int> fullBegin() const { return pruned_ ? prunedFullBegin_ : fullBegin_; }
    // Shift vector of each shift index: added to the i-cluster's positions.
    const std::array<Vec3, kNumShifts>& shiftVectors() const { return shiftVectors_; }

  private:
    void sortIntoClusters(std::span<const Vec3> positions, int numThreads);
    // Joins the per-chunk pieces (each Part's i, fullBegin and first jCount entries of j) in
    // chunk order, in two steps called from inside a parallel region: joinSizes (one thread, then
    // a barrier) sizes the joined arrays; joinPart(t) copies chunk t (any thread, any order).
    void joinSizes(std::vector<IEntry>& iAll, std::vector<JEntry>& jAll, std::vector<int>& fullAll);
    void joinPart(int t, std::vector<IEntry>& iAll, std::vector<JEntry>& jAll, std::vector<int>& fullAll) const;
    // Per-chunk scratch of searchRange, kept for its capacity (no allocation per build).
    struct SearchScratch {
        std::vector<std::uint16_t> excludedIn;
        std::vector<int> touched;
        std::vector<int> runStart, runOwner;
    };
    // What one chunk of a build or prune writes, on one thread, kept for the capacity of its
    // vectors (no allocation per build). One cache line apart: the vector headers change at every
    // i-entry, and with the chunks' vectors side by side two threads on neighbouring chunks shared
    // cache lines (the prune at 2 threads took 1.20 instead of 0.81 ms on dhfr).
    struct alignas(64) Part {
        std::vector<IEntry> i;
        std::vector<JEntry> j;            // build: its j-entries, the first jCount in use
        std::vector<int> fullBegin;       // per i-entry (chunk-local in a build, absolute in a prune)
        std::vector<std::uint8_t> touched; // see partTouched
        SearchScratch scratch;
        std::size_t jCount = 0;
    };
    // Searches i-clusters [ciBegin, ciEnd): appends i-entries to iOut and writes j-entries to the
    // front of jOut (grown as needed); returns how many j-entries it wrote.
    std::size_t searchRange(const System& system, int ciBegin, int ciEnd, SearchScratch& scratch,
                            std::vector<IEntry>& iOut, std::vector<JEntry>& jOut) const;

    Box box_;
    double rlist_ = 0;
    int numAtoms_ = 0;
    std::array<int, 2> columns_{}; // columns along x and y
    std::array<double, 2> columnSize_{};
    std::vector<int> columnClusterStart_; // per column (x-major) + 1: first cluster
    int numClusters_ = 0;
    int maxColumnClusters_ = 0; // clusters of the tallest column
    std::vector<int> slotAtoms_;
    std::vector<Vec3> slotOffsets_;
    std::vector<Vec3> slotPositions_;          // wrapped positions at build time (padding: a copy of slot 0)
    std::vector<float> slotX_, slotY_, slotZ_; // the same in float, for the SIMD distance check
    std::vector<std::uint8_t> occupancy_;      // per cluster: bit k set when slot k holds an atom
    std::vector<Vec3> boundsLo_, boundsHi_;    // per cluster bounding box of its real atoms
    std::vector<float> boxLoX_, boxLoY_, boxLoZ_, boxHiX_, boxHiY_, boxHiZ_; // the same in float SoA (+ padding)
    std::vector<int> slotOfAtom_;                                            // inverse of slotAtoms_
    struct ZKey {
        double z;
        int atom;
    };
    // Scratch of sortIntoClusters, kept for its capacity.
    std::vector<Vec3> wrapped_;
    std::vector<int> atomColumn_, columnAtomStart_, columnFill_;
    std::vector<ZKey> sortKeys_;
    std::vector<Vec3> buildPositions_; // positions passed to the last build
    mutable MoverScratch movers_; // scratch of needsRebuild
    // Search and prune work in this many chunks whatever the thread count (load balance on a busy
    // machine, and the same list for any number of threads).
    static constexpr int kNumChunks = kNumParts;
    std::vector<Part> parts_; // kNumChunks
    std::array<std::size_t, kNumChunks + 1> iOffset_{}, jOffset_{}; // where each chunk goes in the joined list
    std::array<std::size_t, kNumChunks + 1> builtIOffset_{};         // iOffset_ of the built list (prune parts)
    std::vector<IEntry> iEntries_;
    std::vector<JEntry> jEntries_;
    std::vector<int> fullBegin_;
    bool pruned_ = false;
    std::vector<IEntry> prunedI_;
    std::vector<JEntry> prunedJ_; // the built layout: each part's kept pairs from its built start
    std::size_t prunedPairs_ = 0;
    std::vector<int> prunedFullBegin_;
    std::array<Vec3, kNumShifts> shiftVectors_{};
};

} // namespace proteinmd
