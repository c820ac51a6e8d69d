#pragma once
// Small text helpers shared by the file readers (internal to the library).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace proteinmd::detail {

// Lines of a text without their terminators; "\r\n" and "\n" both end a line. A final line without a
// terminator is kept; an empty trailing piece after the last '\n' is not a line.
std::vector<std::string_view> splitLines(std::string_view text);

std::string_view trim(std::string_view s);
// Columns [first, first+count) of a line (0-based), clipped to the line; empty if beyond its end.
std::string_view columns(std::string_view line, std::size_t first, std::size_t count);

// The whole (trimmed) text as a finite number; nullopt if empty, partly numeric, inf or nan.
// Accepts what strtod accepts for ordinary numbers: optional sign, digits, '.', exponent.
std::optional<double> parseDouble(std::string_view s);
// The whole (trimmed) text as a decimal integer (optional sign); nullopt if not one or out of range.
std::optional<long long> parseInteger(std::string_view s);

// Whitespace-separated words.
std::vector<std::string_view> splitWords(std::string_view s);

// Text shown inside quotes in an error message: non-printable bytes become '?' and long
// texts are shortened, so a corrupted file cannot garble the message.
std::string quoteForMessage(std::string_view s, std::size_t maxLength = 40);

} // namespace proteinmd::detail
