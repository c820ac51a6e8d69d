#pragma once
// Errors the library throws. The library never prints or exits: it throws one of these and the
// caller (the CLI, a test, a binding) decides how to report it. Every input problem names where it is.

#include <stdexcept>
#include <string>
#include <vector>

namespace proteinmd {

// Base of all errors thrown by proteinmd.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Where in an input file something was found: the file, 1-based line (0 = whole file), and for
// topologies the chain of #include sites that led there (outermost first).
struct SourceLocation {
    std::string file;
    int line = 0;
    std::vector<std::string> includedFrom; // "file:line" entries

    std::string toString() const; // "file:line" plus " (included from a:3, b:7)"
};

// Bad input: what() reads "file:line: message" (plus the include chain), so a user can jump there.
class InputError : public Error {
public:
    InputError(SourceLocation where, const std::string& message);
    const SourceLocation& where() const { return where_; }
    const std::string& message() const { return message_; }

private:
    SourceLocation where_;
    std::string message_;
};

// A consistent set of inputs asks for something the physics or the implementation cannot do
// (e.g. a cut-off longer than half the box).
class SetupError : public Error {
public:
    using Error::Error;
};

// Non-fatal problems found while reading or setting up, collected for the caller to report.
struct Diagnostics {
    std::vector<std::string> warnings;
    void warn(std::string text) { warnings.push_back(std::move(text)); }
    void warn(const SourceLocation& where, const std::string& text) { warnings.push_back(where.toString() + ": " + text); }
};

} // namespace proteinmd
