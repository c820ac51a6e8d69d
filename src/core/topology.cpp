#include "proteinmd/core/topology.h"

#include <fmt/format.h>

namespace proteinmd {

std::string Topology::describeAtom(int index) const
{
    if (index < 0 || index >= numAtoms()) {
        return fmt::format("atom {}", index + 1);
    }
    const AtomInfo& atom = atoms[static_cast<std::size_t>(index)];
    if (atom.residueIndex >= 0 && atom.residueIndex < static_cast<int>(residues.size())) {
        const ResidueInfo& res = residues[static_cast<std::size_t>(atom.residueIndex)];
        return fmt::format("{}{}:{} (atom {})", res.name, res.number, atom.name, index + 1);
    }
    return fmt::format("{} (atom {})", atom.name, index + 1);
}

} // namespace proteinmd
