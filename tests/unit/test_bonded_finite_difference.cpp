// Forces of every bonded form equal minus the numerical gradient of its energy (central
// differences with Richardson extrapolation, relative error < 1e-6), on chains with generic,
// nearly linear, cis and trans geometries, in vacuum and wrapped across the boundaries of a
// rectangular and a triclinic periodic cell.

#include <gtest/gtest.h>

#include "unit/bonded_test_forms.h"

using namespace proteinmd;
using namespace proteinmd::test;

namespace {

class BondedFiniteDifference : public ::testing::TestWithParam<Form> {};

TEST_P(BondedFiniteDifference, ForceIsMinusGradientInVacuum)
{
    for (const ChainGeometry& chain : testChains()) {
        SCOPED_TRACE(chain.name);
        expectForcesMatchNumerical(makeTerms(GetParam(), chain.x), chain.x, Box{}, chain.fdStep);
    }
}

TEST_P(BondedFiniteDifference, ForceIsMinusGradientAcrossRectangularBoundaries)
{
    const Box box = rectangularTestBox();
    for (const ChainGeometry& chain : testChains()) {
        SCOPED_TRACE(chain.name);
        // Parameters (position-restraint references) from the unwrapped chain, evaluated wrapped.
        expectForcesMatchNumerical(makeTerms(GetParam(), shiftedToCorner(chain.x)), wrappedAcrossCorner(box, chain.x),
                                   box, chain.fdStep);
    }
}

TEST_P(BondedFiniteDifference, ForceIsMinusGradientAcrossTriclinicBoundaries)
{
    const Box box = triclinicTestBox();
    for (const ChainGeometry& chain : testChains()) {
        SCOPED_TRACE(chain.name);
        expectForcesMatchNumerical(makeTerms(GetParam(), shiftedToCorner(chain.x)), wrappedAcrossCorner(box, chain.x),
                                   box, chain.fdStep);
    }
}

INSTANTIATE_TEST_SUITE_P(AllForms, BondedFiniteDifference, ::testing::ValuesIn(allForms()),
                         [](const ::testing::TestParamInfo<Form>& p) { return formName(p.param); });

} // namespace
