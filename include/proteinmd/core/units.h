#pragma once
// Physical constants in the engine's unit system: nm, ps, kJ/mol, amu, e, K, bar.
// Values follow GROMACS 2022 (CODATA 2018 SI definitions) so energies agree with gmx to ~1e-9.

namespace proteinmd::units {

inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kAvogadro = 6.02214076e23;          // 1/mol
inline constexpr double kBoltzmannSI = 1.380649e-23;        // J/K
inline constexpr double kElementaryCharge = 1.602176634e-19; // C
inline constexpr double kEpsilon0SI = 8.8541878128e-12;     // F/m

// Boltzmann constant in kJ/(mol K).
inline constexpr double kBoltzmann = kBoltzmannSI * kAvogadro / 1000.0;
// Gas constant per mole is the same number in these units.
inline constexpr double kGasConstant = kBoltzmann;

// 1/(4 pi eps0) in kJ mol^-1 nm e^-2: the Coulomb prefactor GROMACS calls ONE_4PI_EPS0 (138.935458...).
inline constexpr double kCoulombConstant =
    (kElementaryCharge * kElementaryCharge * kAvogadro) / (4.0 * kPi * kEpsilon0SI) * 1.0e9 / 1000.0;

// 1 bar expressed in kJ/(mol nm^3), for converting virial/volume to pressure.
inline constexpr double kBarToKjMolNm3 = 1.0e5 * 1.0e-27 * kAvogadro / 1000.0;
// Pressure in bar from kJ/(mol nm^3) (GROMACS PRESFAC = 16.6054...).
inline constexpr double kPressureFactorBar = 1.0 / kBarToKjMolNm3;

inline constexpr double kDegToRad = kPi / 180.0;
inline constexpr double kRadToDeg = 180.0 / kPi;

} // namespace proteinmd::units
