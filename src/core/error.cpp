#include "proteinmd/core/error.h"

#include <fmt/format.h>

namespace proteinmd {

std::string SourceLocation::toString() const
{
    std::string text = line > 0 ? fmt::format("{}:{}", file, line) : file;
    if (!includedFrom.empty()) {
        text += " (included from ";
        for (std::size_t i = includedFrom.size(); i-- > 0;) {
            text += includedFrom[i];
            if (i > 0) {
                text += ", ";
            }
        }
        text += ")";
    }
    return text;
}

InputError::InputError(SourceLocation where, const std::string& message)
    : Error(where.toString() + ": " + message), where_(std::move(where)), message_(message)
{
}

} // namespace proteinmd
