#pragma once
// The GROMACS .mdp vocabulary that the reader does not map to MdpOptions (internal): renamed,
// obsolete and recognised-but-unused keys.

#include <optional>
#include <string>
#include <string_view>

namespace proteinmd::detail {

// Key (or enumeration value) in GROMACS's comparison form: lower case, '-' and '_' removed.
std::string normaliseMdpName(std::string_view name);

// If `normalised` is an old GROMACS name of a key, the current name (as GROMACS spells it).
std::optional<std::string_view> renamedMdpKey(std::string_view normalised);

// Keys GROMACS 2022 still accepts but ignores.
bool isObsoleteMdpKey(std::string_view normalised);

// GROMACS's default value (as text) of a key GROMACS knows but proteinmd does not act on.
std::optional<std::string_view> unusedMdpKeyDefault(std::string_view normalised);

// Keys of option families that only act when their switch key is on (pull-*, awh*, rot-*...).
bool isMdpFamilyKey(std::string_view normalised);

// Whether an .mdp value equals a default: numerically if both are numbers, else as names.
bool mdpValueEquals(std::string_view value, std::string_view defaultValue);

} // namespace proteinmd::detail
