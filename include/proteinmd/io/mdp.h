#pragma once
// GROMACS run-parameter (.mdp) files.
//
// Syntax as in grompp: "key = value" lines, ';' starts a comment, everything after the first '='
// is the value (so "define = -DX=1" works), a key with an empty value keeps its default.
// Keys and enumeration values are matched as GROMACS does: case-insensitive, with '-' and '_'
// ignored (so tau-t, tau_t and TAU_T are the same key; Cut-off and cutoff the same value).
// Old GROMACS names are accepted under their new name (nstxtcout -> nstxout-compressed,
// unconstrained-start -> continuation, ...).
//
// What happens to each key:
//  - keys that fill MdpOptions: parsed and checked; an unparsable or out-of-range value, a duplicate
//    key or an inconsistent combination throws InputError naming file:line, key, the value found and
//    what is allowed. A GROMACS option proteinmd does not implement (e.g. coulombtype = Shift,
//    pbc = xy, vdwtype = PME) is also an InputError, never silently replaced.
//  - other keys GROMACS 2022 knows (output groups, free energy, pulling, walls, ...): accepted
//    silently when they hold GROMACS's default value, a Diagnostics warning "recognised but not
//    used by proteinmd" otherwise. Keys of option families (pull-*, awh*, rot-*, ...) are accepted
//    silently: they only act when their switch key (pull, awh, rotation) is set, which warns.
//  - obsolete keys GROMACS ignores (title, cpp, ns-type, ...): a warning that they are ignored.
//  - unknown keys: a warning naming each one.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proteinmd/core/error.h"
#include "proteinmd/core/system.h"
#include "proteinmd/forces/nonbonded_options.h"

namespace proteinmd {

// Defaults are GROMACS 2022's. Enumerations hold GROMACS's canonical spelling of the value
// (integrator "md", "sd", "steep"...; tcoupl "no", "berendsen", "nose-hoover", "v-rescale"...;
// pcoupl "no", "berendsen", "parrinello-rahman", "c-rescale", "mttk"; commMode "Linear",
// "Angular", "None", "Linear-acceleration-correction"; constraintAlgorithm "LINCS" or "SHAKE").
struct MdpOptions {
    std::string integrator = "md";
    double dt = 0.001;               // ps
    std::int64_t nsteps = 0;         // -1 = no limit
    std::string define;              // preprocessor defines for the topology, e.g. "-DPOSRES"
    std::string cutoffScheme = "Verlet";
    int nstlist = 10;
    double rlist = 1.0;              // nm
    double verletBufferTolerance = 0.005; // kJ/mol/ps per atom; negative = use rlist as given
    NonbondedOptions nonbonded;
    ConstraintMode constraints = ConstraintMode::None;
    std::string constraintAlgorithm = "LINCS";
    int lincsOrder = 4;
    int lincsIter = 1;
    bool continuation = false;
    std::string tcoupl = "no";
    std::vector<std::string> tcGroups;
    std::vector<double> tauT, refT;  // ps, K; one per tc group
    std::string pcoupl = "no";
    std::string pcouplType = "isotropic";
    double tauP = 1;                 // ps
    std::vector<double> refP, compressibility; // bar, 1/bar (1, 2 or 6 values by pcouplType)
    std::string refcoordScaling = "no";
    int nsttcouple = -1;             // -1 = GROMACS's default (10, fewer for short tau-t)
    int nstpcouple = -1;             // -1 = default (10; 25 for the Monte Carlo barostat)
    std::optional<int> nhChainLength; // Nose-Hoover chain length; absent = GROMACS's default (10; 1 on leap-frog)
    bool mcBarostat = false;         // proteinmd extension `mc-barostat = yes`: Monte Carlo barostat at ref-p
    bool genVel = false;
    double genTemp = 300;            // K
    std::int64_t genSeed = -1;
    std::string commMode = "Linear";
    int nstcomm = 100;
    int nstcalcenergy = 100, nstenergy = 1000, nstlog = 1000, nstxout = 0, nstvout = 0, nstfout = 0,
        nstxoutCompressed = 0;
    double compressedXPrecision = 1000;
    double emtol = 10, emstep = 0.01; // kJ/mol/nm, nm
    int nstcgsteep = 1000;
    double bdFric = 0;               // amu/ps
    std::int64_t ldSeed = -1;
    std::map<std::string, std::string> raw; // every key as written in the file -> its value
                                            // (keys with an empty value keep the default, are left out)
};

// Parses .mdp text held in memory; fileName is used in messages. Warnings go to diagnostics.
MdpOptions parseMdp(std::string_view text, const std::string& fileName, Diagnostics& diagnostics);
MdpOptions readMdp(const std::filesystem::path& path, Diagnostics& diagnostics);

} // namespace proteinmd
