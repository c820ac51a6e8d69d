#include "io/mdp_checks.h"

#include <algorithm>

#include <fmt/format.h>

namespace proteinmd::detail {

namespace {

// The key to point at: the first of the candidates that the file sets (else the first one).
std::string_view blame(const MdpEntries& in, std::initializer_list<std::string_view> keys)
{
    for (std::string_view key : keys) {
        if (in.has(key)) {
            return key;
        }
    }
    return *keys.begin();
}

void checkCutoffs(const MdpEntries& in, const MdpOptions& o)
{
    const NonbondedOptions& nb = o.nonbonded;
    if (!nb.periodic) {
        return; // pbc = no: all pairs, the cut-offs play no part
    }
    const bool ewaldFamily = nb.coulombType == CoulombType::Pme || nb.coulombType == CoulombType::Ewald;
    if (nb.rcoulomb != nb.rvdw && !(ewaldFamily && nb.rcoulomb > nb.rvdw)) {
        in.fail(blame(in, {"rcoulomb", "rvdw"}),
                fmt::format("rcoulomb ({}) must equal rvdw ({}) with Verlet lists, except rcoulomb > rvdw with "
                            "PME or Ewald electrostatics", nb.rcoulomb, nb.rvdw));
    }
    if (o.nstlist == 0) {
        in.fail("nstlist", "must be > 0 with periodic boundaries (Verlet pair lists)");
    }
    const double rcMax = std::max(nb.rcoulomb, nb.rvdw);
    if (o.verletBufferTolerance < 0 && o.rlist < rcMax) {
        in.fail(blame(in, {"rlist", "verlet-buffer-tolerance"}),
                fmt::format("with verlet-buffer-tolerance < 0, rlist must be >= max(rcoulomb, rvdw) = {}", rcMax));
    }
}

void checkSwitchAndDielectric(const MdpEntries& in, const MdpOptions& o, Diagnostics& diagnostics)
{
    const NonbondedOptions& nb = o.nonbonded;
    const bool switched = nb.vdwModifier == InteractionModifier::ForceSwitch ||
                          nb.vdwModifier == InteractionModifier::PotentialSwitch;
    if (switched && nb.rvdwSwitch >= nb.rvdw) {
        in.fail(blame(in, {"rvdw-switch", "rvdw"}),
                fmt::format("rvdw-switch ({}) must be < rvdw ({}) with a switched LJ interaction", nb.rvdwSwitch,
                            nb.rvdw));
    }
    if (switched && nb.rvdwSwitch == 0) {
        diagnostics.warn("rvdw-switch is 0 with a switched LJ interaction: the switch acts over the whole range "
                         "(grompp warns too; 0.05-0.1 nm below rvdw is usual)");
    }
    const bool ewaldFamily = nb.coulombType == CoulombType::Pme || nb.coulombType == CoulombType::Ewald;
    if (nb.epsilonR == 0 && ewaldFamily) {
        in.fail("epsilon-r", "infinite permittivity (0) switches electrostatics off; it cannot be combined with "
                             "PME or Ewald");
    }
    if (nb.coulombType == CoulombType::ReactionField) {
        if ((nb.epsilonRf < nb.epsilonR && nb.epsilonRf != 0) || nb.epsilonR == 0) {
            in.fail(blame(in, {"epsilon-rf", "epsilon-r"}),
                    fmt::format("epsilon-rf ({}) must be >= epsilon-r ({}) or 0 (infinity) with reaction field, "
                                "and epsilon-r must not be 0", nb.epsilonRf, nb.epsilonR));
        }
        if (nb.epsilonRf == nb.epsilonR) {
            diagnostics.warn("epsilon-rf = epsilon-r with reaction field is a plain cut-off (grompp warns too)");
        }
    }
    if (ewaldFamily && nb.fourierSpacing == 0 &&
        std::any_of(nb.fourierGrid.begin(), nb.fourierGrid.end(), [](int n) { return n == 0; })) {
        in.fail(blame(in, {"fourierspacing", "fourier-nx", "fourier-ny", "fourier-nz"}),
                "fourierspacing = 0 needs fourier-nx, fourier-ny and fourier-nz all > 0");
    }
}

void checkCoupling(const MdpEntries& in, const MdpOptions& o)
{
    const std::size_t groups = o.tcGroups.size();
    if (o.tauT.size() != groups || o.refT.size() != groups) {
        in.fail(blame(in, {"tc-grps", "tau-t", "ref-t"}),
                fmt::format("{} tc-grps but {} tau-t and {} ref-t values; each temperature-coupling group needs one "
                            "of each", groups, o.tauT.size(), o.refT.size()));
    }
    if (o.tcoupl != "no" && groups == 0) {
        in.fail("tcoupl", "temperature coupling needs tc-grps, tau-t and ref-t");
    }
    for (double t : o.refT) {
        if (t < 0) {
            in.fail("ref-t", fmt::format("reference temperature {} is negative; expected values >= 0 (K)", t));
        }
    }
    if (o.pcoupl == "no") {
        return;
    }
    std::size_t needed = 1;
    if (o.pcouplType == "semiisotropic" || o.pcouplType == "surface-tension") {
        needed = 2;
    } else if (o.pcouplType == "anisotropic") {
        needed = 6;
    }
    if (o.refP.size() != needed) {
        in.fail("ref-p", fmt::format("pcoupltype = {} needs exactly {} ref-p value(s), found {}", o.pcouplType,
                                     needed, o.refP.size()));
    }
    if (o.compressibility.size() != needed) {
        in.fail("compressibility", fmt::format("pcoupltype = {} needs exactly {} compressibility value(s), found {}",
                                               o.pcouplType, needed, o.compressibility.size()));
    }
    for (double c : o.compressibility) {
        if (c < 0) {
            in.fail("compressibility", fmt::format("compressibility {} is negative; expected values >= 0 (1/bar)", c));
        }
    }
}

} // namespace

void checkMdpConsistency(const MdpEntries& in, const MdpOptions& options, Diagnostics& diagnostics)
{
    checkCutoffs(in, options);
    checkSwitchAndDielectric(in, options, diagnostics);
    checkCoupling(in, options);
}

} // namespace proteinmd::detail
