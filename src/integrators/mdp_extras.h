#pragma once
// .mdp keys that MdpOptions does not hold yet (nsttcouple, nstpcouple, nh-chain-length, and the
// proteinmd extension mc-barostat), read from MdpOptions::raw with GROMACS's key matching
// (case-insensitive, '-' and '_' ignored).

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <string>

#include "proteinmd/core/error.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd::detail {

inline std::string normalizedMdpWord(const std::string& s)
{
    std::string out;
    for (char c : s) {
        if (c != '-' && c != '_') {
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return out;
}

inline std::optional<std::string> rawMdpValue(const MdpOptions& mdp, const std::string& key)
{
    const std::string wanted = normalizedMdpWord(key);
    for (const auto& [k, v] : mdp.raw) {
        if (normalizedMdpWord(k) == wanted) {
            return v;
        }
    }
    return std::nullopt;
}

inline int rawMdpInteger(const MdpOptions& mdp, const std::string& key, int fallback)
{
    const std::optional<std::string> value = rawMdpValue(mdp, key);
    if (!value) {
        return fallback;
    }
    try {
        std::size_t used = 0;
        const int parsed = std::stoi(*value, &used);
        while (used < value->size() && std::isspace(static_cast<unsigned char>((*value)[used]))) {
            ++used;
        }
        if (used == value->size()) {
            return parsed;
        }
    } catch (const std::exception&) {
    }
    throw SetupError(fmt::format(".mdp key {}: expected an integer, found '{}'", key, *value));
}

inline bool rawMdpBoolean(const MdpOptions& mdp, const std::string& key)
{
    const std::optional<std::string> value = rawMdpValue(mdp, key);
    if (!value) {
        return false;
    }
    const std::string v = normalizedMdpWord(*value);
    if (v == "yes" || v == "true" || v == "on") {
        return true;
    }
    if (v == "no" || v == "false" || v == "off") {
        return false;
    }
    throw SetupError(fmt::format(".mdp key {}: expected yes or no, found '{}'", key, *value));
}

} // namespace proteinmd::detail
