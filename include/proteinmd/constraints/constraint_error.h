#pragma once
// The error thrown when constraints cannot be satisfied (too large a displacement, a SHAKE that does
// not converge, a water SETTLE cannot rebuild). The message names the atoms involved.

#include <functional>
#include <string>

#include "proteinmd/core/error.h"

namespace proteinmd {

class ConstraintError : public Error {
public:
    using Error::Error;
};

// How a constraint solver names an atom in its messages ("ALA2:CA (atom 17)" with a topology).
using AtomNamer = std::function<std::string(int atom)>;

} // namespace proteinmd
