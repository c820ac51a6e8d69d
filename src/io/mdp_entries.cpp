#include "io/mdp_entries.h"

#include <climits>
#include <cmath>

#include <fmt/format.h>

#include "io/mdp_keys.h"
#include "io/text_parsing.h"

namespace proteinmd::detail {

MdpEntries::MdpEntries(std::string_view text, std::string fileName, Diagnostics& diagnostics)
    : fileName_(std::move(fileName))
{
    const auto lines = splitLines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const int lineNumber = static_cast<int>(i + 1);
        std::string_view line = lines[i];
        line = trim(line.substr(0, line.find(';')));
        if (line.empty()) {
            continue;
        }
        const std::size_t equals = line.find('=');
        const SourceLocation where{fileName_, lineNumber, {}};
        if (equals == std::string_view::npos) {
            throw InputError(where, fmt::format("expected 'key = value', found '{}' (no '=')", quoteForMessage(line, 60)));
        }
        const std::string_view key = trim(line.substr(0, equals));
        const std::string_view value = trim(line.substr(equals + 1));
        if (key.empty()) {
            throw InputError(where, fmt::format("expected 'key = value', found no key before '=' in '{}'",
                                                quoteForMessage(line, 60)));
        }
        if (value.empty()) {
            continue; // grompp keeps the default for "key = " (often a commented-out value)
        }
        std::string normalised = normaliseMdpName(key);
        if (const auto newName = renamedMdpKey(normalised)) {
            diagnostics.warn(where, fmt::format("old mdp key '{}' read as '{}'", key, *newName));
            normalised = normaliseMdpName(*newName);
        }
        if (const auto found = index_.find(normalised); found != index_.end()) {
            const MdpEntry& first = entries_[found->second];
            throw InputError(where, fmt::format("duplicate key '{}': already set on line {} as '{} = {}'", key,
                                                first.line, first.key, quoteForMessage(first.value, 60)));
        }
        index_.emplace(normalised, entries_.size());
        entries_.push_back(MdpEntry{std::string(key), std::string(value), lineNumber, false});
    }
}

const MdpEntry* MdpEntries::lookup(std::string_view key) const
{
    const auto found = index_.find(normaliseMdpName(key));
    return found == index_.end() ? nullptr : &entries_[found->second];
}

bool MdpEntries::has(std::string_view key) const { return lookup(key) != nullptr; }

const MdpEntry* MdpEntries::find(std::string_view key)
{
    const auto found = index_.find(normaliseMdpName(key));
    if (found == index_.end()) {
        return nullptr;
    }
    MdpEntry& entry = entries_[found->second];
    entry.used = true;
    return &entry;
}

void MdpEntries::fail(std::string_view key, const std::string& message) const
{
    const MdpEntry* entry = lookup(key);
    if (entry == nullptr) {
        throw InputError(SourceLocation{fileName_, 0, {}}, fmt::format("{} (default value)", message));
    }
    throw InputError(SourceLocation{fileName_, entry->line, {}},
                     fmt::format("{} = {}: {}", entry->key, quoteForMessage(entry->value, 60), message));
}

std::string MdpEntries::text(std::string_view key, const std::string& fallback)
{
    const MdpEntry* entry = find(key);
    return entry ? entry->value : fallback;
}

double MdpEntries::real(std::string_view key, double fallback, const std::function<bool(double)>& valid,
                        std::string_view allowed)
{
    const MdpEntry* entry = find(key);
    if (entry == nullptr) {
        return fallback;
    }
    const auto value = parseDouble(entry->value);
    if (!value) {
        fail(key, fmt::format("not a number; expected {}", allowed));
    }
    if (!valid(*value)) {
        fail(key, fmt::format("out of range; expected {}", allowed));
    }
    return *value;
}

long long MdpEntries::integer(std::string_view key, long long fallback, long long min, long long max)
{
    const MdpEntry* entry = find(key);
    if (entry == nullptr) {
        return fallback;
    }
    auto allowed = [&] {
        if (max == LLONG_MAX) {
            return fmt::format("an integer >= {}", min);
        }
        return fmt::format("an integer in {}..{}", min, max);
    };
    const auto value = parseInteger(entry->value);
    if (!value) {
        fail(key, fmt::format("not an integer; expected {}", allowed()));
    }
    if (*value < min || *value > max) {
        fail(key, fmt::format("out of range; expected {}", allowed()));
    }
    return *value;
}

bool MdpEntries::boolean(std::string_view key, bool fallback)
{
    static constexpr std::string_view kNames[] = {"no", "yes"};
    return choice(key, kNames, fallback ? 1 : 0) == 1;
}

int MdpEntries::choice(std::string_view key, std::span<const std::string_view> names, int fallback,
                       std::span<const std::string_view> unsupported)
{
    const MdpEntry* entry = find(key);
    if (entry == nullptr) {
        return fallback;
    }
    const std::string value = normaliseMdpName(entry->value);
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (normaliseMdpName(names[i]) == value) {
            return static_cast<int>(i);
        }
    }
    std::string list;
    for (std::string_view name : names) {
        list += list.empty() ? "" : ", ";
        list += name;
    }
    for (std::string_view name : unsupported) {
        if (normaliseMdpName(name) == value) {
            fail(key, fmt::format("a GROMACS option that proteinmd does not support; supported: {}", list));
        }
    }
    fail(key, fmt::format("unknown value; expected one of: {}", list));
}

std::vector<std::string> MdpEntries::words(std::string_view key)
{
    std::vector<std::string> out;
    if (const MdpEntry* entry = find(key)) {
        for (std::string_view word : splitWords(entry->value)) {
            out.emplace_back(word);
        }
    }
    return out;
}

std::vector<double> MdpEntries::reals(std::string_view key)
{
    std::vector<double> out;
    const MdpEntry* entry = find(key);
    if (entry == nullptr) {
        return out;
    }
    for (std::string_view word : splitWords(entry->value)) {
        const auto value = parseDouble(word);
        if (!value) {
            fail(key, fmt::format("'{}' is not a number; expected a list of numbers", quoteForMessage(word)));
        }
        out.push_back(*value);
    }
    return out;
}

void MdpEntries::reportUnused(Diagnostics& diagnostics) const
{
    for (const MdpEntry& entry : entries_) {
        if (entry.used) {
            continue;
        }
        const SourceLocation where{fileName_, entry.line, {}};
        const std::string normalised = normaliseMdpName(entry.key);
        if (const auto defaultValue = unusedMdpKeyDefault(normalised)) {
            if (!mdpValueEquals(entry.value, *defaultValue)) {
                diagnostics.warn(where, fmt::format("'{} = {}' is recognised but not used by proteinmd (GROMACS "
                                                    "default: '{}')", entry.key, quoteForMessage(entry.value, 60),
                                                    *defaultValue));
            }
        } else if (isMdpFamilyKey(normalised)) {
            // Acts only through its switch key, which is reported if set.
        } else if (isObsoleteMdpKey(normalised)) {
            diagnostics.warn(where, fmt::format("obsolete mdp key '{}' ignored (GROMACS ignores it too)", entry.key));
        } else {
            diagnostics.warn(where, fmt::format("unknown mdp key '{}' ignored", quoteForMessage(entry.key, 60)));
        }
    }
}

std::map<std::string, std::string> MdpEntries::raw() const
{
    std::map<std::string, std::string> out;
    for (const MdpEntry& entry : entries_) {
        out[entry.key] = entry.value;
    }
    return out;
}

} // namespace proteinmd::detail
