#include "proteinmd/constraints/settle.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "constraints/settle_lane.h"
#include "core/inline_minimum_image.h"


// clang (the fuzz builds, with sanitizers) may decline to vectorise the lane loop below; that costs
// speed there, not correctness, so its "loop not vectorized" remark is not an error.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#endif

namespace proteinmd {

namespace {

// Solves the 3x3 system a g = b by Cramer's rule (the matrices here are small and well conditioned:
// the Gram matrix of a water's three bond vectors).
std::array<double, 3> solve3(const std::array<std::array<double, 3>, 3>& a, const std::array<double, 3>& b)
{
    auto det = [](const std::array<std::array<double, 3>, 3>& m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
               m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    };
    const double d = det(a);
    std::array<double, 3> g{};
    for (int c = 0; c < 3; ++c) {
        auto m = a;
        for (int r = 0; r < 3; ++r) { m[static_cast<std::size_t>(r)][static_cast<std::size_t>(c)] = b[static_cast<std::size_t>(r)]; }
        g[static_cast<std::size_t>(c)] = det(m) / d;
    }
    return g;
}

} // namespace

Settle::Settle(std::span<const SettleGroup> groups, std::span<const double> masses, const AtomNamer& namer)
    : namer_(namer)
{
    waters_.reserve(groups.size());
    for (const SettleGroup& g : groups) {
        Water w;
        w.atoms = g.atoms;
        for (int a : g.atoms) {
            if (a < 0 || a >= static_cast<int>(masses.size())) {
                throw SetupError(fmt::format("settle group refers to atom {} but the system has {} atoms", a + 1,
                                             masses.size()));
            }
        }
        w.massO = masses[static_cast<std::size_t>(g.atoms[0])];
        w.massH = masses[static_cast<std::size_t>(g.atoms[1])];
        const double massH2 = masses[static_cast<std::size_t>(g.atoms[2])];
        if (w.massO <= 0 || w.massH <= 0 || std::abs(w.massH - massH2) > 1e-12 * w.massH) {
            throw SetupError(fmt::format("SETTLE needs a positive oxygen mass and two equal hydrogen masses; {} has "
                                         "{}, {} has {}, {} has {} amu",
                                         namer_(g.atoms[0]), w.massO, namer_(g.atoms[1]), w.massH, namer_(g.atoms[2]),
                                         massH2));
        }
        w.dOH = g.dOH;
        w.dHH = g.dHH;
        if (!(g.dOH > 0) || !(g.dHH > 0) || g.dHH >= 2 * g.dOH) {
            throw SetupError(fmt::format("SETTLE of {}: impossible water geometry dOH = {} nm, dHH = {} nm",
                                         namer_(g.atoms[0]), g.dOH, g.dHH));
        }
        const double total = w.massO + 2 * w.massH;
        w.totalMass = total;
        const double height = std::sqrt(g.dOH * g.dOH - 0.25 * g.dHH * g.dHH); // O to the H-H midpoint
        w.rc = 0.5 * g.dHH;
        w.ra = 2 * w.massH * height / total;
        w.rb = height - w.ra;
        waters_.push_back(w);
    }
    blockVirials_.resize(static_cast<std::size_t>(numBlocks()));
    blockErrors_.resize(static_cast<std::size_t>(numBlocks()));
}

void Settle::constrainPositions(std::span<const Vec3> reference, std::span<Vec3> positions, const Box& box, double dt,
                                std::span<Vec3> velocities, Matrix3* virial) const
{
    const int blockCount = numBlocks();
    if (blockCount == 0) {
        return;
    }
    const double invDt = dt > 0 ? 1.0 / dt : 0.0;
    const detail::InlineMinimumImage image(box);
    const bool wantVirial = virial != nullptr && dt > 0;
    // Blocks of kBlockWaters waters, whatever the thread count: each block sums its own virial and
    // the block sums are added in block order, so 1 and N threads give bit-identical results.
    // Errors cannot leave an OpenMP region; each block keeps its first one and they are rethrown in
    // block order.
#pragma omp parallel for schedule(static) if (blockCount > 1)
    for (int block = 0; block < blockCount; ++block) {
        const auto b = static_cast<std::size_t>(block);
        blockErrors_[b] = nullptr;
        try {
            blockVirials_[b] = constrainBlock(block, reference, positions, image, invDt, velocities, wantVirial);
        } catch (...) {
            blockErrors_[b] = std::current_exception();
        }
    }
    for (const std::exception_ptr& e : blockErrors_) {
        if (e) {
            std::rethrow_exception(e);
        }
    }
    if (wantVirial) {
        Matrix3 sum{}; // sum_i m_i r0_i (x) displacement_i
        for (const Matrix3& partial : blockVirials_) { sum += partial; }
        *virial += sum * (-0.5 * invDt * invDt);
    }
}

Matrix3 Settle::constrainBlock(int block, std::span<const Vec3> reference, std::span<Vec3> positions,
                               const detail::InlineMinimumImage& image, double invDt, std::span<Vec3> velocities,
                               bool wantVirial) const
{
    // Batches of kLanes waters in structure-of-arrays form, so that the lane loop vectorises.
    constexpr int kLanes = 8;
    Matrix3 sum{};
    const std::size_t first = static_cast<std::size_t>(block) * kBlockWaters;
    const std::size_t last = std::min(waters_.size(), first + kBlockWaters);
    for (std::size_t start = first; start < last; start += kLanes) {
        const int lanes = static_cast<int>(std::min<std::size_t>(kLanes, last - start));
        double in[12][kLanes]; // b0, c0, newB, newC (x, y, z each; minimum image)
        double massH[kLanes], totalMass[kLanes], ra[kLanes], rb[kLanes], rc[kLanes];
        for (int l = 0; l < kLanes; ++l) {
            // Missing lanes of the last batch repeat its first water; their results are not used.
            const Water& w = waters_[start + static_cast<std::size_t>(l < lanes ? l : 0)];
            const auto [o, h1, h2] = w.atoms;
            const std::size_t io = static_cast<std::size_t>(o), i1 = static_cast<std::size_t>(h1),
                              i2 = static_cast<std::size_t>(h2);
            // Old bond vectors (O at the origin) and new positions, unwrapped around the new oxygen.
            const Vec3 vectors[4] = {image(reference[i1] - reference[io]), image(reference[i2] - reference[io]),
                                     image(positions[i1] - positions[io]), image(positions[i2] - positions[io])};
            for (int v = 0; v < 4; ++v) {
                in[3 * v][l] = vectors[v].x;
                in[3 * v + 1][l] = vectors[v].y;
                in[3 * v + 2][l] = vectors[v].z;
            }
            massH[l] = w.massH;
            totalMass[l] = w.totalMass;
            ra[l] = w.ra;
            rb[l] = w.rb;
            rc[l] = w.rc;
        }
        double out[9][kLanes];
        double sinPhi[kLanes], sinPsi[kLanes], problems[kLanes];
#pragma omp simd
        for (int l = 0; l < kLanes; ++l) {
            const detail::SettleLaneResult r =
                detail::settleLane(Vec3{in[0][l], in[1][l], in[2][l]}, Vec3{in[3][l], in[4][l], in[5][l]},
                                   Vec3{in[6][l], in[7][l], in[8][l]}, Vec3{in[9][l], in[10][l], in[11][l]},
                                   detail::SettleLaneParameters{massH[l], totalMass[l], ra[l], rb[l], rc[l]});
            out[0][l] = r.dO.x;
            out[1][l] = r.dO.y;
            out[2][l] = r.dO.z;
            out[3][l] = r.dH1.x;
            out[4][l] = r.dH1.y;
            out[5][l] = r.dH1.z;
            out[6][l] = r.dH2.x;
            out[7][l] = r.dH2.y;
            out[8][l] = r.dH2.z;
            sinPhi[l] = r.sinPhi;
            sinPsi[l] = r.sinPsi;
            problems[l] = r.problems;
        }
        for (int l = 0; l < lanes; ++l) {
            if (problems[l] != 0) {
                throwSettleError(waters_[start + static_cast<std::size_t>(l)], static_cast<int>(problems[l]), sinPhi[l],
                                 sinPsi[l]);
            }
        }
        for (int l = 0; l < lanes; ++l) {
            const Water& w = waters_[start + static_cast<std::size_t>(l)];
            const Vec3 dO{out[0][l], out[1][l], out[2][l]};
            const Vec3 dB{out[3][l], out[4][l], out[5][l]};
            const Vec3 dC{out[6][l], out[7][l], out[8][l]};
            const auto [o, h1, h2] = w.atoms;
            const std::size_t io = static_cast<std::size_t>(o), i1 = static_cast<std::size_t>(h1),
                              i2 = static_cast<std::size_t>(h2);
            positions[io] += dO;
            positions[i1] += dB;
            positions[i2] += dC;
            if (!velocities.empty()) {
                velocities[io] += dO * invDt;
                velocities[i1] += dB * invDt;
                velocities[i2] += dC * invDt;
            }
            if (wantVirial) {
                // The oxygen is the origin of the old positions: its term vanishes.
                const Vec3 b0{in[0][l], in[1][l], in[2][l]};
                const Vec3 c0{in[3][l], in[4][l], in[5][l]};
                sum += outer(b0, w.massH * dB) + outer(c0, w.massH * dC);
            }
        }
    }
    return sum;
}

void Settle::throwSettleError(const Water& w, int problems, double sinPhi, double sinPsi) const
{
    const auto [o, h1, h2] = w.atoms;
    if (problems & static_cast<int>(detail::kSettleDegenerate)) {
        throw ConstraintError(fmt::format("SETTLE: water {} - {} - {} is degenerate (collinear atoms)", namer_(o),
                                          namer_(h1), namer_(h2)));
    }
    if (problems & static_cast<int>(detail::kSettlePhiOutOfRange + detail::kSettlePsiOutOfRange)) {
        throw ConstraintError(fmt::format("SETTLE cannot rebuild water {} - {} - {}: it moved or rotated too far "
                                          "in one step (sin phi = {:.3g}, sin psi = {:.3g})",
                                          namer_(o), namer_(h1), namer_(h2), sinPhi, sinPsi));
    }
    throw ConstraintError(fmt::format("SETTLE cannot rebuild water {} - {} - {}: no in-plane rotation satisfies the "
                                      "constraints (displacement too large)",
                                      namer_(o), namer_(h1), namer_(h2)));
}

void Settle::constrainVelocities(std::span<const Vec3> positions, std::span<Vec3> velocities, const Box& box,
                                 double kickTime, Matrix3* virial) const
{
    Matrix3 sum{}; // sum over bonds of g_k r_k (x) r_k
    for (const Water& w : waters_) {
        // Bonds k = (O,H1), (O,H2), (H1,H2) as (first, second) atom slots.
        constexpr std::array<std::array<int, 2>, 3> bonds{{{0, 1}, {0, 2}, {1, 2}}};
        const std::array<double, 3> invMass{1 / w.massO, 1 / w.massH, 1 / w.massH};
        std::array<Vec3, 3> r{};
        std::array<double, 3> rhs{};
        for (std::size_t k = 0; k < 3; ++k) {
            const int a = w.atoms[static_cast<std::size_t>(bonds[k][0])];
            const int b = w.atoms[static_cast<std::size_t>(bonds[k][1])];
            r[k] = box.minimumImage(positions[static_cast<std::size_t>(a)] - positions[static_cast<std::size_t>(b)]);
            rhs[k] = -dot(r[k], velocities[static_cast<std::size_t>(a)] - velocities[static_cast<std::size_t>(b)]);
        }
        // dv_slot = sum_l g_l s_{l,slot} r_l / m_slot, s = +1 for the first atom of bond l, -1 for the second.
        auto sign = [&](std::size_t l, int slot) {
            return bonds[l][0] == slot ? 1.0 : (bonds[l][1] == slot ? -1.0 : 0.0);
        };
        std::array<std::array<double, 3>, 3> a{};
        for (std::size_t k = 0; k < 3; ++k) {
            for (std::size_t l = 0; l < 3; ++l) {
                const int first = bonds[k][0], second = bonds[k][1];
                const double coupling = sign(l, first) * invMass[static_cast<std::size_t>(first)] -
                                        sign(l, second) * invMass[static_cast<std::size_t>(second)];
                a[k][l] = coupling * dot(r[k], r[l]);
            }
        }
        const std::array<double, 3> g = solve3(a, rhs);
        for (int slot = 0; slot < 3; ++slot) {
            Vec3 dv{};
            for (std::size_t l = 0; l < 3; ++l) { dv += sign(l, slot) * g[l] * r[l]; }
            velocities[static_cast<std::size_t>(w.atoms[static_cast<std::size_t>(slot)])] +=
                dv * invMass[static_cast<std::size_t>(slot)];
        }
        for (std::size_t l = 0; l < 3; ++l) { sum += outer(r[l], r[l]) * g[l]; }
    }
    if (virial != nullptr && kickTime > 0) {
        *virial += sum * (-0.5 / kickTime);
    }
}

} // namespace proteinmd
