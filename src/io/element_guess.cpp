#include "io/element_guess.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "io/text_parsing.h"

namespace proteinmd::detail {

namespace {

bool isLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Two-letter elements that occur in biomolecular systems (ions, cofactors, ligands).
bool isTwoLetterElement(const std::string& symbol)
{
    static constexpr std::array<std::string_view, 44> kSymbols = {
        "He", "Li", "Be", "Ne", "Na", "Mg", "Al", "Si", "Cl", "Ar", "Ca", "Sc", "Ti", "Cr", "Mn",
        "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Zr", "Mo",
        "Ru", "Rh", "Pd", "Ag", "Cd", "Sn", "Sb", "Te", "Xe", "Cs", "Ba", "Pt", "Au", "Hg"};
    return std::find(kSymbols.begin(), kSymbols.end(), symbol) != kSymbols.end();
}

} // namespace

std::string normaliseElement(std::string_view s)
{
    s = trim(s);
    if (s.empty() || s.size() > 2 || !std::all_of(s.begin(), s.end(), isLetter)) {
        return {};
    }
    std::string out(s);
    out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    if (out.size() == 2) {
        out[1] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[1])));
    }
    return out;
}

std::string guessElement(std::string_view nameField, std::string_view residueName)
{
    const std::string_view name = trim(nameField);
    if (name.empty()) {
        return {};
    }
    // Monatomic ions are named after their element ("NA" in residue "NA", "CL" in "CL").
    if (name == trim(residueName) && name.size() == 2) {
        const std::string symbol = normaliseElement(name);
        if (isTwoLetterElement(symbol)) {
            return symbol;
        }
    }
    std::string field(nameField.substr(0, std::min<std::size_t>(nameField.size(), 4)));
    field.resize(4, ' ');
    if (field[0] == ' ' || isDigit(field[0])) {
        // One-letter element in column 14 (" CA ", "1HH3").
        return isLetter(field[1]) ? normaliseElement(field.substr(1, 1)) : std::string();
    }
    if (!isLetter(field[0])) {
        return {};
    }
    // The name starts in column 13: a two-letter element, or a 4-character name such as "HH31".
    if (isLetter(field[1])) {
        const std::string two = normaliseElement(field.substr(0, 2));
        if (isTwoLetterElement(two) && name.size() <= 2) {
            return two;
        }
    }
    return normaliseElement(field.substr(0, 1));
}

} // namespace proteinmd::detail
