#include "io/mdp_keys.h"

#include <algorithm>
#include <array>
#include <utility>

#include "io/text_parsing.h"

namespace proteinmd::detail {

namespace {

struct KeyDefault {
    std::string_view key; // normalised
    std::string_view value;
};

// Keys of GROMACS's grompp (2022, plus a few added in later versions) that MdpOptions does not
// hold, with their defaults. Normalised spelling (lower case, no '-' or '_').
constexpr std::array kUnusedKeys = {
    KeyDefault{"include", ""}, KeyDefault{"tinit", "0"}, KeyDefault{"initstep", "0"},
    KeyDefault{"simulationpart", "1"}, KeyDefault{"mts", "no"}, KeyDefault{"mtslevels", "2"},
    KeyDefault{"mtslevel2forces", "longrange-nonbonded"}, KeyDefault{"mtslevel2factor", "2"},
    KeyDefault{"massrepartitionfactor", "1"}, KeyDefault{"commgrps", ""}, KeyDefault{"niter", "20"},
    KeyDefault{"fcstep", "0"}, KeyDefault{"nbfgscorr", "10"}, KeyDefault{"rtpi", "0.05"},
    KeyDefault{"compressedxgrps", ""}, KeyDefault{"energygrps", ""}, KeyDefault{"periodicmolecules", "no"},
    KeyDefault{"verletbufferpressuretolerance", "0.5"}, KeyDefault{"rcoulombswitch", "0"},
    KeyDefault{"tableextension", "1"}, KeyDefault{"energygrptable", ""}, KeyDefault{"ewaldrtollj", "0.001"},
    KeyDefault{"ljpmecombrule", "geometric"}, KeyDefault{"ewaldgeometry", "3d"},
    KeyDefault{"implicitsolvent", "no"}, KeyDefault{"ensembletemperaturesetting", "auto"},
    KeyDefault{"ensembletemperature", "-1"}, KeyDefault{"nsttcouple", "-1"}, KeyDefault{"nhchainlength", "10"},
    KeyDefault{"printnosehooverchainvariables", "no"}, KeyDefault{"nstpcouple", "-1"}, KeyDefault{"qmmm", "no"},
    KeyDefault{"qmmmgrps", ""}, KeyDefault{"annealing", ""}, KeyDefault{"annealingnpoints", ""},
    KeyDefault{"annealingtime", ""}, KeyDefault{"annealingtemp", ""}, KeyDefault{"shakesor", "no"},
    KeyDefault{"shaketol", "0.0001"}, KeyDefault{"lincswarnangle", "30"}, KeyDefault{"morse", "no"},
    KeyDefault{"energygrpexcl", ""}, KeyDefault{"nwall", "0"}, KeyDefault{"walltype", "9-3"},
    KeyDefault{"wallrlinpot", "-1"}, KeyDefault{"wallatomtype", ""}, KeyDefault{"walldensity", ""},
    KeyDefault{"wallewaldzfac", "3"}, KeyDefault{"pull", "no"}, KeyDefault{"awh", "no"},
    KeyDefault{"rotation", "no"}, KeyDefault{"imdgroup", ""}, KeyDefault{"disre", "no"},
    KeyDefault{"disreweighting", "conservative"}, KeyDefault{"disremixed", "no"}, KeyDefault{"disrefc", "1000"},
    KeyDefault{"disretau", "10"}, KeyDefault{"nstdisreout", "100"}, KeyDefault{"orire", "no"},
    KeyDefault{"orirefc", "0"}, KeyDefault{"oriretau", "0"}, KeyDefault{"orirefitgrp", ""},
    KeyDefault{"nstorireout", "100"}, KeyDefault{"freeenergy", "no"}, KeyDefault{"couplemoltype", ""},
    KeyDefault{"couplelambda0", "vdw-q"}, KeyDefault{"couplelambda1", "vdw-q"}, KeyDefault{"coupleintramol", "no"},
    KeyDefault{"initlambda", "-1"}, KeyDefault{"initlambdastate", "-1"}, KeyDefault{"deltalambda", "0"},
    KeyDefault{"nstdhdl", "50"}, KeyDefault{"feplambdas", ""}, KeyDefault{"masslambdas", ""},
    KeyDefault{"coullambdas", ""}, KeyDefault{"vdwlambdas", ""}, KeyDefault{"bondedlambdas", ""},
    KeyDefault{"restraintlambdas", ""}, KeyDefault{"temperaturelambdas", ""},
    KeyDefault{"calclambdaneighbors", "1"}, KeyDefault{"initlambdaweights", ""},
    KeyDefault{"dhdlprintenergy", "no"}, KeyDefault{"scfunction", "beutler"}, KeyDefault{"scalpha", "0"},
    KeyDefault{"scpower", "1"}, KeyDefault{"scrpower", "6"}, KeyDefault{"scsigma", "0.3"},
    KeyDefault{"sccoul", "no"}, KeyDefault{"scgapsysscalelinpointlj", "0.85"},
    KeyDefault{"scgapsysscalelinpointq", "0.3"}, KeyDefault{"scgapsyssigmalj", "0.3"},
    KeyDefault{"separatedhdlfile", "yes"}, KeyDefault{"dhdlderivatives", "yes"}, KeyDefault{"dhhistsize", "0"},
    KeyDefault{"dhhistspacing", "0.1"}, KeyDefault{"accgrps", ""}, KeyDefault{"accelerate", ""},
    KeyDefault{"freezegrps", ""}, KeyDefault{"freezedim", ""}, KeyDefault{"cosacceleration", "0"},
    KeyDefault{"deform", ""}, KeyDefault{"deforminitflow", "no"}, KeyDefault{"simulatedtempering", "no"},
    KeyDefault{"simulatedtemperingscaling", "geometric"}, KeyDefault{"simtemplow", "300"},
    KeyDefault{"simtemphigh", "300"}, KeyDefault{"swapcoords", "no"}, KeyDefault{"adress", "no"},
    KeyDefault{"user1grps", ""}, KeyDefault{"user2grps", ""}, KeyDefault{"userint1", "0"},
    KeyDefault{"userint2", "0"}, KeyDefault{"userint3", "0"}, KeyDefault{"userint4", "0"},
    KeyDefault{"userreal1", "0"}, KeyDefault{"userreal2", "0"}, KeyDefault{"userreal3", "0"},
    KeyDefault{"userreal4", "0"}, KeyDefault{"electricfieldx", ""}, KeyDefault{"electricfieldy", ""},
    KeyDefault{"electricfieldz", ""}, KeyDefault{"densityguidedsimulationactive", "no"},
    KeyDefault{"qmmmcp2kactive", "no"}, KeyDefault{"nstexpanded", "-1"},
};

// Families whose members only matter when their switch key (in kUnusedKeys) is on.
constexpr std::array<std::string_view, 23> kFamilyPrefixes = {
    "pull", "awh", "rot", "densityguidedsimulation", "qmmmcp2k", "iontype", "iontypes", "splitgroup",
    "masswsplit", "solventgroup", "cyl0", "cyl1", "couplsteps", "bulkoffset", "swapfrequency", "lmc", "wl",
    "initwl", "mctemperature", "nsttransitionmatrix", "symmetrizedtransitionmatrix", "weight", "mininumvarmin"};

constexpr std::array<std::string_view, 25> kObsoleteKeys = {
    "title", "cpp", "domaindecomposition", "andersenseed", "dihre", "dihrefc", "dihretau", "nstdihreout",
    "nstcheckpoint", "optimizefft", "rlistlong", "nstcalclr", "pullprintcom2", "gbalgorithm", "nstgbradii",
    "rgbradii", "gbepsilonsolvent", "gbsaltconc", "gbobcalpha", "gbobcbeta", "gbobcgamma", "gbdielectricoffset",
    "saalgorithm", "sasurfacetension", "nstype"};

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kRenamedKeys = {{
    {"unconstrainedstart", "continuation"},
    {"foreignlambda", "fep-lambdas"},
    {"verletbufferdrift", "verlet-buffer-tolerance"},
    {"nstxtcout", "nstxout-compressed"},
    {"xtcgrps", "compressed-x-grps"},
    {"xtcprecision", "compressed-x-precision"},
    {"pullprintcom1", "pull-print-com"},
}};

} // namespace

std::string normaliseMdpName(std::string_view name)
{
    std::string out;
    out.reserve(name.size());
    for (char c : name) {
        if (c == '-' || c == '_') {
            continue;
        }
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

std::optional<std::string_view> renamedMdpKey(std::string_view normalised)
{
    for (const auto& [oldKey, newKey] : kRenamedKeys) {
        if (oldKey == normalised) {
            return newKey;
        }
    }
    return std::nullopt;
}

bool isObsoleteMdpKey(std::string_view normalised)
{
    if (normalised.starts_with("adress") && normalised != "adress") {
        return true;
    }
    return std::find(kObsoleteKeys.begin(), kObsoleteKeys.end(), normalised) != kObsoleteKeys.end();
}

std::optional<std::string_view> unusedMdpKeyDefault(std::string_view normalised)
{
    for (const KeyDefault& entry : kUnusedKeys) {
        if (entry.key == normalised) {
            return entry.value;
        }
    }
    return std::nullopt;
}

bool isMdpFamilyKey(std::string_view normalised)
{
    return std::any_of(kFamilyPrefixes.begin(), kFamilyPrefixes.end(),
                       [&](std::string_view prefix) { return normalised.starts_with(prefix); });
}

bool mdpValueEquals(std::string_view value, std::string_view defaultValue)
{
    const auto a = parseDouble(value);
    const auto b = parseDouble(defaultValue);
    if (a && b) {
        return *a == *b;
    }
    return normaliseMdpName(trim(value)) == normaliseMdpName(trim(defaultValue));
}

} // namespace proteinmd::detail
