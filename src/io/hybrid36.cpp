// Hybrid-36 encoding of atom serials and residue numbers for PDB files (see proteinmd/io/pdb.h).
// Decimal while the number fits the field; above that, base-36 codes whose first character is a
// letter, first upper-case (A000..ZZZZ) and then lower-case (a000..zzzz).

#include <cctype>

#include "io/text_parsing.h"
#include "proteinmd/io/pdb.h"

namespace proteinmd {

namespace {

long long power(long long base, int exponent)
{
    long long result = 1;
    for (int i = 0; i < exponent; ++i) {
        result *= base;
    }
    return result;
}

int digitValue(char c, bool upper)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (upper && c >= 'A' && c <= 'Z') {
        return c - 'A' + 10;
    }
    if (!upper && c >= 'a' && c <= 'z') {
        return c - 'a' + 10;
    }
    return -1;
}

std::string toBase36(long long value, int width, bool upper)
{
    const char* digits = upper ? "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" : "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string out(static_cast<std::size_t>(width), '0');
    for (int i = width - 1; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = digits[value % 36];
        value /= 36;
    }
    return out;
}

} // namespace

std::optional<std::string> encodeHybrid36(int width, long long value)
{
    if (width < 2 || width > 8) {
        return std::nullopt;
    }
    const long long decimalLimit = power(10, width);           // first value needing letters
    const long long minDecimal = -(power(10, width - 1) - 1);  // "-9999" for width 5
    const long long block = 26 * power(36, width - 1);         // codes per letter case
    const long long letterOffset = 10 * power(36, width - 1);  // base-36 value of "A000.."
    if (value >= minDecimal && value < decimalLimit) {
        std::string text = std::to_string(value);
        return std::string(static_cast<std::size_t>(width) - text.size(), ' ') + text;
    }
    if (value < minDecimal) {
        return std::nullopt;
    }
    long long rest = value - decimalLimit;
    if (rest < block) {
        return toBase36(rest + letterOffset, width, true);
    }
    rest -= block;
    if (rest < block) {
        return toBase36(rest + letterOffset, width, false);
    }
    return std::nullopt;
}

std::optional<long long> decodeHybrid36(int width, std::string_view field)
{
    if (width < 2 || width > 8) {
        return std::nullopt;
    }
    const std::string_view trimmed = detail::trim(field);
    if (trimmed.empty()) {
        return std::nullopt;
    }
    const char first = trimmed.front();
    if (first == '-' || first == '+' || (first >= '0' && first <= '9')) {
        return detail::parseInteger(trimmed);
    }
    // Letter codes always fill the whole field.
    if (trimmed.size() != static_cast<std::size_t>(width)) {
        return std::nullopt;
    }
    const bool upper = first >= 'A' && first <= 'Z';
    const bool lower = first >= 'a' && first <= 'z';
    if (!upper && !lower) {
        return std::nullopt;
    }
    long long value = 0;
    for (char c : trimmed) {
        const int d = digitValue(c, upper);
        if (d < 0) {
            return std::nullopt;
        }
        value = value * 36 + d;
    }
    const long long decimalLimit = power(10, width);
    const long long block = 26 * power(36, width - 1);
    const long long letterOffset = 10 * power(36, width - 1);
    value = value - letterOffset + decimalLimit;
    if (lower) {
        value += block;
    }
    return value;
}

} // namespace proteinmd
