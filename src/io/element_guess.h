#pragma once
// Element symbols for PDB atoms (internal).

#include <string>
#include <string_view>

namespace proteinmd::detail {

// "CL" / "cl" / "Cl" -> "Cl"; empty if s is not one or two letters.
std::string normaliseElement(std::string_view s);

// Guesses the element from the 4-character PDB atom-name field (columns 13-16) and the residue
// name, following the PDB convention that one-letter element symbols are written in column 14
// and two-letter ones start in column 13. Empty if no guess is possible.
std::string guessElement(std::string_view nameField, std::string_view residueName);

} // namespace proteinmd::detail
