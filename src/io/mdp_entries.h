#pragma once
// The key = value entries of one .mdp file and typed, checked access to them (internal).
// Every lookup marks the key as used, so that what is left at the end can be reported.

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proteinmd/core/error.h"

namespace proteinmd::detail {

struct MdpEntry {
    std::string key;   // as written
    std::string value; // trimmed, comment removed
    int line = 0;
    bool used = false;
};

class MdpEntries {
public:
    // Splits the text into entries. Throws InputError for a line without '=', an empty key or a
    // key given twice (also under an old and a new GROMACS name).
    MdpEntries(std::string_view text, std::string fileName, Diagnostics& diagnostics);

    // The entry of a key (GROMACS spelling, e.g. "tau-t"), or nullptr if absent; marks it used.
    const MdpEntry* find(std::string_view key);
    bool has(std::string_view key) const;

    std::string text(std::string_view key, const std::string& fallback);
    // Numbers: `valid` decides, `allowed` says what is allowed in the error message.
    double real(std::string_view key, double fallback, const std::function<bool(double)>& valid,
                std::string_view allowed);
    long long integer(std::string_view key, long long fallback, long long min, long long max);
    bool boolean(std::string_view key, bool fallback);
    // Index into `names` (matched as GROMACS does); `unsupported` lists valid GROMACS values that
    // proteinmd does not implement, reported as such.
    int choice(std::string_view key, std::span<const std::string_view> names, int fallback,
               std::span<const std::string_view> unsupported = {});
    std::vector<std::string> words(std::string_view key);
    std::vector<double> reals(std::string_view key);

    // Throws InputError at the line of `key` (line 0 if the key is absent) about its value.
    [[noreturn]] void fail(std::string_view key, const std::string& message) const;

    // Warnings for the entries no lookup asked for: unknown keys, recognised-but-unused keys
    // with a non-default value, obsolete keys.
    void reportUnused(Diagnostics& diagnostics) const;

    std::map<std::string, std::string> raw() const;

private:
    const MdpEntry* lookup(std::string_view key) const;

    std::string fileName_;
    std::vector<MdpEntry> entries_;
    std::map<std::string, std::size_t, std::less<>> index_; // normalised key -> entry
};

} // namespace proteinmd::detail
