#pragma once
// A small periodic water box for dynamics validation: 216 TIP3P waters (AMBER99SB-ILDN tip3p.itp) in
// GROMACS's equilibrated spc216.gro cube (1.862 nm), as committed in tests/refdata/npt_water.

#include <string>

#include "proteinmd/io/simulation_inputs.h"

namespace proteinmd::test {

// The .mdp used for the GROMACS NPT reference (tests/refdata/npt_water/npt.mdp), as text.
std::string waterBoxMdp();
// Replaces (or appends) `key = value` lines in .mdp text; keys match exactly as written in it.
std::string withMdpValue(std::string mdp, const std::string& key, const std::string& value);
// Loads the water box with the given .mdp text (written into a scratch folder named `name`).
SimulationInputs loadWaterBox(const std::string& mdpText, const std::string& name);
// Density (kg/m^3) of `mass` amu in `volume` nm^3.
double densityKgPerM3(double mass, double volume);

} // namespace proteinmd::test
