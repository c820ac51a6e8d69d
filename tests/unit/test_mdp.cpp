// .mdp reading: GROMACS 2022 defaults, key spelling rules, the team's mdp files, warnings for
// unknown and unused keys, and an InputError for every kind of bad value.

#include <gtest/gtest.h>

#include "proteinmd/core/error.h"
#include "proteinmd/io/mdp.h"
#include "test_support/test_paths.h"

namespace proteinmd {
namespace {

MdpOptions parse(const std::string& text, Diagnostics* diagnostics = nullptr)
{
    Diagnostics local;
    return parseMdp(text, "test.mdp", diagnostics ? *diagnostics : local);
}

std::string errorOf(const std::string& text)
{
    try {
        parse(text);
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(MdpReader, EmptyFileGivesGromacsDefaults)
{
    Diagnostics diagnostics;
    const MdpOptions o = parse("; only a comment\n\n", &diagnostics);
    EXPECT_TRUE(diagnostics.warnings.empty());
    EXPECT_EQ(o.integrator, "md");
    EXPECT_DOUBLE_EQ(o.dt, 0.001);
    EXPECT_EQ(o.nsteps, 0);
    EXPECT_EQ(o.cutoffScheme, "Verlet");
    EXPECT_EQ(o.nstlist, 10);
    EXPECT_DOUBLE_EQ(o.rlist, 1.0);
    EXPECT_DOUBLE_EQ(o.verletBufferTolerance, 0.005);
    const NonbondedOptions& nb = o.nonbonded;
    EXPECT_TRUE(nb.periodic);
    EXPECT_EQ(nb.coulombType, CoulombType::CutOff);
    EXPECT_EQ(nb.coulombModifier, InteractionModifier::PotentialShift);
    EXPECT_EQ(nb.vdwModifier, InteractionModifier::PotentialShift);
    EXPECT_DOUBLE_EQ(nb.rcoulomb, 1.0);
    EXPECT_DOUBLE_EQ(nb.rvdw, 1.0);
    EXPECT_DOUBLE_EQ(nb.epsilonR, 1.0);
    EXPECT_DOUBLE_EQ(nb.epsilonRf, 0.0);
    EXPECT_EQ(nb.dispersionCorrection, DispersionCorrectionType::No);
    EXPECT_DOUBLE_EQ(nb.fourierSpacing, 0.12);
    EXPECT_EQ(nb.pmeOrder, 4);
    EXPECT_DOUBLE_EQ(nb.ewaldRtol, 1e-5);
    EXPECT_EQ(o.constraints, ConstraintMode::None);
    EXPECT_EQ(o.constraintAlgorithm, "LINCS");
    EXPECT_EQ(o.tcoupl, "no");
    EXPECT_EQ(o.pcoupl, "no");
    EXPECT_DOUBLE_EQ(o.tauP, 1.0);
    EXPECT_EQ(o.commMode, "Linear");
    EXPECT_EQ(o.nstcalcenergy, 100);
    EXPECT_EQ(o.nstenergy, 1000);
    EXPECT_EQ(o.genSeed, -1);
    EXPECT_TRUE(o.raw.empty());
}

TEST(MdpReader, DashUnderscoreAndCaseAreEquivalent)
{
    const MdpOptions a = parse("tau-t = 0.1 0.2\nref-t = 300 310\ntc-grps = Protein SOL\ntcoupl = V-rescale\n"
                               "nstxout-compressed = 50\ncoulomb-modifier = potential-shift\n");
    const MdpOptions b = parse("tau_t = 0.1 0.2\nREF_T = 300 310\ntc_grps = Protein SOL\nTCOUPL = v_rescale\n"
                               "nstxout_compressed = 50\ncoulomb_modifier = Potential_Shift\n");
    EXPECT_EQ(a.tauT, b.tauT);
    EXPECT_EQ(a.refT, b.refT);
    EXPECT_EQ(a.tcGroups, b.tcGroups);
    EXPECT_EQ(b.tcoupl, "v-rescale");
    EXPECT_EQ(b.nstxoutCompressed, 50);
    EXPECT_EQ(b.raw.at("tau_t"), "0.1 0.2") << "raw keeps the spelling of the file";
    EXPECT_NE(errorOf("tau-t = 1\ntau_t = 1\n").find("test.mdp:2: duplicate key 'tau_t': already set on line 1"), std::string::npos)
        << errorOf("tau-t = 1\ntau_t = 1\n");
}

TEST(MdpReader, SyntaxDetails)
{
    Diagnostics diagnostics;
    const MdpOptions o = parse("define = -DPOSRES -DX=1 ; comment\n"
                               "tcoupl =        ; v-rescale  (empty value: default kept)\n"
                               "   dt=0.002\n"
                               "nstxtcout = 10\n",
                               &diagnostics);
    EXPECT_EQ(o.define, "-DPOSRES -DX=1");
    EXPECT_EQ(o.tcoupl, "no");
    EXPECT_DOUBLE_EQ(o.dt, 0.002);
    EXPECT_EQ(o.nstxoutCompressed, 10) << "old name of nstxout-compressed";
    ASSERT_EQ(diagnostics.warnings.size(), 1u);
    EXPECT_NE(diagnostics.warnings[0].find("nstxout-compressed"), std::string::npos);
    EXPECT_NE(errorOf("integrator md\n").find("test.mdp:1: expected 'key = value'"), std::string::npos);
    EXPECT_NE(errorOf(" = 3\n").find("no key"), std::string::npos);
}

TEST(MdpReader, WarnsAboutUnknownUnusedAndObsoleteKeys)
{
    Diagnostics diagnostics;
    parse("foo-bar = 1\n"
          "tinit = 0\n"            // recognised, default value: silent
          "energygrps = Protein\n" // recognised, not default: warning
          "pull-coord1-k = 1000\n" // family member: silent
          "title = my run\n"       // obsolete
          "nstxout = 0\n",
          &diagnostics);
    ASSERT_EQ(diagnostics.warnings.size(), 3u);
    EXPECT_NE(diagnostics.warnings[0].find("test.mdp:1: unknown mdp key 'foo-bar'"), std::string::npos);
    EXPECT_NE(diagnostics.warnings[1].find("test.mdp:3: 'energygrps = Protein' is recognised but not used"),
              std::string::npos);
    EXPECT_NE(diagnostics.warnings[2].find("obsolete mdp key 'title'"), std::string::npos);
}

TEST(MdpReader, VdwtypeSwitchAndShiftMapToModifiers)
{
    MdpOptions o = parse("vdwtype = switch\nrvdw-switch = 0.8\nrvdw = 1.0\n");
    EXPECT_EQ(o.nonbonded.vdwModifier, InteractionModifier::PotentialSwitch);
    EXPECT_DOUBLE_EQ(o.nonbonded.rvdwSwitch, 0.8);
    o = parse("vdw-type = Shift\nrvdw-switch = 0.9\nvdw-modifier = None\n");
    EXPECT_EQ(o.nonbonded.vdwModifier, InteractionModifier::ForceSwitch);
    o = parse("vdw-modifier = force-switch\nrvdw-switch = 0.9\n");
    EXPECT_EQ(o.nonbonded.vdwModifier, InteractionModifier::ForceSwitch);
    EXPECT_NE(errorOf("vdwtype = switch\nvdw-modifier = force-switch\nrvdw-switch = 0.9\n").find("vdwtype = switch"),
              std::string::npos);
    o = parse("pbc = no\nconstraints = h-angles\nintegrator = sd\ncomm-mode = angular\n");
    EXPECT_FALSE(o.nonbonded.periodic);
    EXPECT_EQ(o.constraints, ConstraintMode::HAngles);
    EXPECT_EQ(o.integrator, "sd");
    EXPECT_EQ(o.commMode, "Angular");
}

TEST(MdpReader, EveryBadValueIsAnInputErrorWithLocation)
{
    struct Case {
        const char* text;
        const char* expected; // part of the message
    };
    const Case cases[] = {
        {"dt = -0.002\n", "test.mdp:1: dt = -0.002: out of range; expected a time step > 0"},
        {"dt = 0\n", "dt = 0: out of range"},
        {"dt = fast\n", "dt = fast: not a number"},
        {"nsteps = 1.5\n", "not an integer"},
        {"nsteps = -2\n", "an integer >= -1"},
        {"rcoulomb = -1\nrvdw = -1\n", "rcoulomb = -1: out of range; expected a cut-off >= 0"},
        {"rvdw = -0.5\n", "rvdw = -0.5: out of range"},
        {"rlist = -1\n", "rlist = -1"},
        {"coulombtype = PME\npme-order = 2\n", "test.mdp:2: pme-order = 2: out of range; expected an integer in 3..12"},
        {"pme-order = 13\n", "3..12"},
        {"coulombtype = Magic\n", "coulombtype = Magic: unknown value; expected one of: Cut-off, Reaction-Field, PME, Ewald"},
        {"coulombtype = Shift\n", "does not support"},
        {"coulomb-modifier = force-switch\n", "does not support"},
        {"vdwtype = PME\n", "does not support"},
        {"pbc = xy\n", "pbc = xy"},
        {"cutoff-scheme = group\n", "does not support"},
        {"vdw-modifier = potential-switch\nrvdw-switch = 1.0\n", "rvdw-switch (1) must be < rvdw (1)"},
        {"vdwtype = shift\nrvdw = 0.9\nrcoulomb = 0.9\nrvdw-switch = 1.2\n", "must be < rvdw"},
        {"tc-grps = Protein SOL\ntau-t = 0.1\nref-t = 300 300\ntcoupl = v-rescale\n",
         "test.mdp:1: tc-grps = Protein SOL: 2 tc-grps but 1 tau-t and 2 ref-t values"},
        {"tcoupl = v-rescale\n", "needs tc-grps"},
        {"tc-grps = System\ntau-t = 1\nref-t = -5\n", "negative"},
        {"tau-t = 0.1 x\n", "'x' is not a number"},
        {"pcoupl = c-rescale\npcoupltype = semiisotropic\nref-p = 1\ncompressibility = 4.5e-5 4.5e-5\n",
         "needs exactly 2 ref-p"},
        {"pcoupl = parrinello-rahman\nref-p = 1\ncompressibility = -1\n", "negative"},
        {"tau-p = 0\npcoupl = berendsen\nref-p = 1\ncompressibility = 1e-5\n", "tau-p = 0"},
        {"constraints = some-bonds\n", "expected one of: none, h-bonds, all-bonds, h-angles, all-angles"},
        {"gen-vel = maybe\n", "expected one of: no, yes"},
        {"rcoulomb = 1.2\n", "must equal rvdw"},
        {"coulombtype = reaction-field\nepsilon-r = 2\nepsilon-rf = 1.5\n", "epsilon-rf (1.5) must be >= epsilon-r"},
        {"epsilon-rf = -1\n", "epsilon-rf = -1"},
        {"coulombtype = PME\nepsilon-r = 0\n", "epsilon-r = 0"},
        {"coulombtype = pme\nfourierspacing = 0\nfourier-nx = 20\n", "fourierspacing = 0 needs"},
        {"ewald-rtol = 1.5\n", "(0, 1)"},
        {"verlet-buffer-tolerance = 0\n", "verlet-buffer-tolerance = 0"},
        {"verlet-buffer-tolerance = -1\nrlist = 0.8\n", "rlist must be >= max(rcoulomb, rvdw)"},
        {"nstlist = 0\n", "nstlist = 0: must be > 0"},
        {"lincs-order = 0\n", "lincs-order"},
        {"nstenergy = -5\n", "nstenergy = -5"},
        {"emstep = 0\n", "emstep"},
        {"gen-temp = -1\n", "gen-temp"},
        {"nstcalcenergy = 99999999999\n", "out of range"},
        {"dt = 1e999\n", "not a number"},
        {"dt = nan\n", "not a number"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.text);
        const std::string message = errorOf(c.text);
        EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    }
}

TEST(MdpReader, SharedMdpFilesGiveTheIntendedSettings)
{
    PROTEINMD_REQUIRE_SHARED_BENCHMARKS();
    {
        Diagnostics diagnostics;
        const MdpOptions o = readMdp(test::benchmarkDir("ala2_solvated") / "energy.mdp", diagnostics);
        EXPECT_TRUE(diagnostics.warnings.empty()) << diagnostics.warnings.front();
        const NonbondedOptions& nb = o.nonbonded;
        EXPECT_TRUE(nb.periodic);
        EXPECT_EQ(nb.coulombType, CoulombType::Pme);
        EXPECT_EQ(nb.coulombModifier, InteractionModifier::None);
        EXPECT_EQ(nb.vdwModifier, InteractionModifier::None);
        EXPECT_DOUBLE_EQ(nb.rcoulomb, 0.9);
        EXPECT_DOUBLE_EQ(nb.rvdw, 0.9);
        EXPECT_EQ(nb.pmeOrder, 5);
        EXPECT_EQ(nb.fourierGrid, (std::array<int, 3>{28, 28, 28}));
        EXPECT_DOUBLE_EQ(nb.ewaldRtol, 1e-5);
        EXPECT_EQ(nb.dispersionCorrection, DispersionCorrectionType::No);
        EXPECT_EQ(o.constraints, ConstraintMode::HBonds);
        EXPECT_TRUE(o.continuation);
        EXPECT_EQ(o.nstcalcenergy, 1);
        EXPECT_EQ(o.nstfout, 1);
        EXPECT_DOUBLE_EQ(o.rlist, 0.9);
    }
    {
        Diagnostics diagnostics;
        const MdpOptions o = readMdp(test::benchmarkDir("ala2_solvated") / "energy_rf.mdp", diagnostics);
        EXPECT_TRUE(diagnostics.warnings.empty());
        const NonbondedOptions& nb = o.nonbonded;
        EXPECT_EQ(nb.coulombType, CoulombType::ReactionField);
        EXPECT_EQ(nb.coulombModifier, InteractionModifier::PotentialShift);
        EXPECT_DOUBLE_EQ(nb.epsilonRf, 0.0);
        EXPECT_DOUBLE_EQ(nb.rcoulomb, 1.0);
        EXPECT_DOUBLE_EQ(nb.rvdw, 1.0);
        EXPECT_EQ(nb.vdwModifier, InteractionModifier::PotentialShift);
        EXPECT_EQ(nb.dispersionCorrection, DispersionCorrectionType::EnerPres);
    }
    {
        Diagnostics diagnostics;
        const MdpOptions o = readMdp(test::benchmarkDir("dhfr") / "bench.mdp", diagnostics);
        EXPECT_TRUE(diagnostics.warnings.empty());
        EXPECT_DOUBLE_EQ(o.dt, 0.002);
        EXPECT_EQ(o.nsteps, 5000);
        EXPECT_EQ(o.nonbonded.coulombType, CoulombType::Pme);
        EXPECT_EQ(o.nonbonded.coulombModifier, InteractionModifier::PotentialShift);
        EXPECT_EQ(o.nonbonded.pmeOrder, 4);
        EXPECT_DOUBLE_EQ(o.nonbonded.fourierSpacing, 0.12);
        EXPECT_EQ(o.tcoupl, "v-rescale");
        EXPECT_EQ(o.tcGroups, std::vector<std::string>{"System"});
        EXPECT_EQ(o.tauT, std::vector<double>{1.0});
        EXPECT_EQ(o.refT, std::vector<double>{300.0});
        EXPECT_TRUE(o.genVel);
        EXPECT_EQ(o.genSeed, 1234);
        EXPECT_EQ(o.constraintAlgorithm, "LINCS");
        EXPECT_EQ(o.commMode, "Linear");
    }
    {
        Diagnostics diagnostics;
        const MdpOptions o = readMdp(test::benchmarkDir("ala2_vacuum") / "energy.mdp", diagnostics);
        EXPECT_EQ(o.nonbonded.coulombType, CoulombType::CutOff);
        EXPECT_EQ(o.nonbonded.coulombModifier, InteractionModifier::None);
        EXPECT_DOUBLE_EQ(o.nonbonded.rcoulomb, 10.0);
        EXPECT_EQ(o.constraints, ConstraintMode::None);
    }
    Diagnostics diagnostics;
    EXPECT_THROW(readMdp(test::benchmarkDir("ala2_vacuum") / "missing.mdp", diagnostics), InputError);
}

} // namespace
} // namespace proteinmd

namespace proteinmd {
namespace {

TEST(FuzzSeeds, MdpSeedsParse)
{
    const auto corpus = test::sourceDir() / "tests" / "fuzz" / "corpus" / "mdp";
    for (const char* name : {"bench.mdp", "energy.mdp", "energy_rf.mdp", "coupling_switch.mdp"}) {
        Diagnostics diagnostics;
        EXPECT_NO_THROW(readMdp(corpus / name, diagnostics)) << name;
    }
    Diagnostics diagnostics;
    const MdpOptions o = readMdp(corpus / "coupling_switch.mdp", diagnostics);
    EXPECT_EQ(o.nonbonded.vdwModifier, InteractionModifier::PotentialSwitch);
    EXPECT_EQ(o.pcouplType, "semiisotropic");
    EXPECT_EQ(diagnostics.warnings.size(), 3u); // foo, energygrps, pull
}

} // namespace
} // namespace proteinmd
