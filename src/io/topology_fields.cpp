#include "io/topology_fields.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace proteinmd::gmxtop {

bool parseDouble(std::string_view text, double& value)
{
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    if (text.empty()) {
        return false;
    }
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

bool parseInt(std::string_view text, int& value)
{
    if (!text.empty() && text.front() == '+') {
        text.remove_prefix(1);
    }
    if (text.empty()) {
        return false;
    }
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    return result.ec == std::errc() && result.ptr == text.data() + text.size();
}

LineFields::LineFields(const PreprocessedTopology& topology, const TopologyLine& line)
    : topology_(&topology), line_(&line)
{
    const std::string_view text = line.text;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) { ++i; }
        const std::size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) { ++i; }
        if (i > start) {
            fields_.push_back(text.substr(start, i - start));
        }
    }
}

bool LineFields::isNumber(int i) const
{
    double v = 0;
    return i < size() && parseDouble((*this)[i], v);
}

bool LineFields::isInteger(int i) const
{
    int v = 0;
    return i < size() && parseInt((*this)[i], v);
}

double LineFields::number(int i, std::string_view what) const
{
    if (i >= size()) {
        fail(fmt::format("expected {} in field {}, but the line has only {} fields", what, i + 1, size()));
    }
    double v = 0;
    if (!parseDouble((*this)[i], v)) {
        fail(fmt::format("expected a number for {} in field {}, found '{}'", what, i + 1, (*this)[i]));
    }
    return v;
}

int LineFields::integer(int i, std::string_view what) const
{
    if (i >= size()) {
        fail(fmt::format("expected {} in field {}, but the line has only {} fields", what, i + 1, size()));
    }
    int v = 0;
    if (!parseInt((*this)[i], v)) {
        fail(fmt::format("expected an integer for {} in field {}, found '{}'", what, i + 1, (*this)[i]));
    }
    return v;
}

std::vector<double> LineFields::numbersFrom(int first, std::string_view what) const
{
    std::vector<double> values;
    for (int i = first; i < size(); ++i) {
        values.push_back(number(i, what));
    }
    return values;
}

void LineFields::fail(const std::string& message) const
{
    throw InputError(where(), message);
}

void LineFields::requireAtLeast(int count, std::string_view layout) const
{
    if (size() < count) {
        fail(fmt::format("too few fields: expected at least {} ({}), found {}", count, layout, size()));
    }
}

} // namespace proteinmd::gmxtop
