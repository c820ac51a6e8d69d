#pragma once
// Helpers for the topology reader tests: write a small inline topology to a scratch folder and read it.

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "proteinmd/io/topology_reader.h"
#include "test_support/test_paths.h"

namespace proteinmd::test {

// A small force field: rule 2 (sigma/epsilon), generated pairs, AMBER fudge factors.
inline const std::string kSmallForceField = R"(
[ defaults ]
; nbfunc comb-rule gen-pairs fudgeLJ fudgeQQ
  1      2         yes       0.5     0.8333

[ atomtypes ]
; name at.num  mass    charge ptype sigma epsilon
  C     6     12.011   0.0    A     0.34  0.36
  H     1      1.008   0.0    A     0.25  0.06
  O     8     15.999   0.0    A     0.30  0.88
)";

inline std::filesystem::path writeTopology(const std::string& name, const std::string& text)
{
    const std::filesystem::path dir = scratchDir(name);
    std::ofstream(dir / "topol.top") << text;
    return dir / "topol.top";
}

inline TopologyData readTopologyText(const std::string& name, const std::string& text,
                                     const TopologyReadOptions& options = {})
{
    return readGromacsTopology(writeTopology(name, text), options);
}

// The InputError that reading `text` throws (a test failure if it reads fine).
inline InputError topologyError(const std::string& name, const std::string& text, const TopologyReadOptions& options = {})
{
    try {
        readTopologyText(name, text, options);
    } catch (const InputError& e) {
        return e;
    }
    ADD_FAILURE() << "expected an InputError for topology " << name;
    return InputError(SourceLocation{}, "no error");
}

} // namespace proteinmd::test
