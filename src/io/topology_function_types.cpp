#include "io/topology_function_types.h"

namespace proteinmd::gmxtop {

namespace {

InteractionKind kind(ParamTable table, int atoms, int paramsA, int params, std::string_view name, bool supported = true)
{
    return InteractionKind{table, atoms, paramsA, params, name, supported};
}

} // namespace

std::optional<InteractionKind> interactionKind(Directive directive, int f)
{
    using T = ParamTable;
    switch (directive) {
    case Directive::Bonds:
    case Directive::BondTypes:
        switch (f) {
        case 1: return kind(T::Bonds, 2, 2, 4, "Bond");
        case 2: return kind(T::G96Bonds, 2, 2, 4, "G96Bond");
        case 3: return kind(T::None, 2, 3, 6, "Morse", false);
        case 4: return kind(T::None, 2, 3, 3, "Cubic Bonds", false);
        case 5: return kind(T::None, 2, 0, 0, "Connect Bonds");
        case 6: return kind(T::HarmonicPotentials, 2, 2, 4, "Harmonic Pot.");
        case 7: return kind(T::None, 2, 2, 2, "FENE Bonds", false);
        case 8: return kind(T::None, 2, 2, 4, "Tab. Bonds", false);
        case 9: return kind(T::None, 2, 2, 4, "Tab. Bonds NC", false);
        case 10: return kind(T::None, 2, 4, 8, "Restraint Pot.", false);
        default: return std::nullopt;
        }
    case Directive::Angles:
    case Directive::AngleTypes:
        switch (f) {
        case 1: return kind(T::Angles, 3, 2, 4, "Angle");
        case 2: return kind(T::G96Angles, 3, 2, 4, "G96Angle");
        case 3: return kind(T::None, 3, 3, 3, "Bond-Cross", false);
        case 4: return kind(T::None, 3, 4, 4, "BA-Cross", false);
        case 5: return kind(T::UreyBradley, 3, 4, 8, "U-B");
        case 6: return kind(T::None, 3, 6, 6, "Quartic Angles", false);
        case 8: return kind(T::None, 3, 2, 4, "Tab. Angles", false);
        case 9: return kind(T::None, 3, 2, 4, "Lin. Angle", false);
        case 10: return kind(T::None, 3, 2, 4, "Restricted Angles", false);
        default: return std::nullopt;
        }
    case Directive::Dihedrals:
    case Directive::DihedralTypes:
        switch (f) {
        case 1:
        case 9: return kind(T::ProperDihedrals, 4, 3, 5, "Proper Dih.");
        case 2: return kind(T::ImproperDihedrals, 4, 2, 4, "Improper Dih.");
        case 3: return kind(T::RbDihedrals, 4, 6, 12, "Ryckaert-Bell.");
        case 4: return kind(T::PeriodicImpropers, 4, 3, 5, "Periodic Improper Dih.");
        case 5: return kind(T::None, 4, 4, 8, "Fourier Dih.", false);
        case 8: return kind(T::None, 4, 2, 4, "Tab. Dih.", false);
        case 10: return kind(T::None, 4, 2, 4, "Restricted Dih.", false);
        case 11: return kind(T::None, 4, 6, 6, "CBT Dih.", false);
        default: return std::nullopt;
        }
    case Directive::Pairs:
    case Directive::PairTypes:
        switch (f) {
        case 1: return kind(T::Pairs, 2, 2, 4, "LJ-14");
        case 2: return kind(T::None, 2, 5, 5, "LJC-14 q");
        default: return std::nullopt;
        }
    case Directive::Constraints:
    case Directive::ConstraintTypes:
        switch (f) {
        case 1: return kind(T::Constraints, 2, 1, 2, "Constraint");
        case 2: return kind(T::ConstraintsNoConnection, 2, 1, 2, "Constr. No Conn.");
        default: return std::nullopt;
        }
    case Directive::Settles:
        return f == 1 ? std::optional(kind(T::None, 1, 2, 2, "Settle")) : std::nullopt;
    case Directive::PositionRestraints:
        switch (f) {
        case 1: return kind(T::None, 1, 3, 6, "Position Rest.");
        case 2: return kind(T::None, 1, 5, 5, "Flat-bottom posres", false);
        default: return std::nullopt;
        }
    case Directive::Cmap:
    case Directive::CmapTypes:
        return f == 1 ? std::optional(kind(T::None, 5, 0, 0, "CMAP Dih.")) : std::nullopt;
    default:
        return std::nullopt;
    }
}

} // namespace proteinmd::gmxtop
