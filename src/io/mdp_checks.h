#pragma once
// Checks across .mdp keys (cut-off relations, group counts), as grompp makes them (internal).

#include "io/mdp_entries.h"
#include "proteinmd/io/mdp.h"

namespace proteinmd::detail {

// Throws InputError (at the line of the key most to blame) for an inconsistent combination;
// warns about combinations grompp warns about.
void checkMdpConsistency(const MdpEntries& in, const MdpOptions& options, Diagnostics& diagnostics);

} // namespace proteinmd::detail
