#pragma once
// One logical topology line split into whitespace-separated fields, with readers for numeric
// fields that throw an InputError naming the line, the field and what was expected.

#include <string>
#include <string_view>
#include <vector>

#include "io/topology_preprocessor.h"

namespace proteinmd::gmxtop {

class LineFields {
public:
    LineFields(const PreprocessedTopology& topology, const TopologyLine& line);

    int size() const { return static_cast<int>(fields_.size()); }
    std::string_view operator[](int i) const { return fields_[static_cast<std::size_t>(i)]; }
    const std::string& text() const { return line_->text; }
    SourceLocation where() const { return topology_->where(*line_); }

    bool isNumber(int i) const;
    bool isInteger(int i) const;
    // Field i as a number; `what` names it in the error ("b0 of [ bonds ]").
    double number(int i, std::string_view what) const;
    int integer(int i, std::string_view what) const;
    // Fields [first, size()) as numbers.
    std::vector<double> numbersFrom(int first, std::string_view what) const;

    [[noreturn]] void fail(const std::string& message) const;
    // Throws unless the line has at least `count` fields.
    void requireAtLeast(int count, std::string_view layout) const;

private:
    const PreprocessedTopology* topology_;
    const TopologyLine* line_;
    std::vector<std::string_view> fields_;
};

// Strict number parsing as sscanf("%lf") would accept a whole field (leading '+' allowed).
bool parseDouble(std::string_view text, double& value);
bool parseInt(std::string_view text, int& value);

} // namespace proteinmd::gmxtop
