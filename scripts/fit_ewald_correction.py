#!/usr/bin/python3
"""Fits the rational functions the CPU kernel uses for Ewald real space (src/backends/cpu/ewald_correction.h).

With z = beta r and w = z^2 the kernel needs
    G(w) = erf(z) / z                                    (energies)
    H(w) = (erf(z) - 2 z / sqrt(pi) exp(-z^2)) / z^3     (forces)
both smooth, even in z, so a ratio of polynomials in w fits them with a few terms and no exp/erfc.

Each fit minimises the largest relative error on [0, w_max]: Loeb's linearisation (N - f D = 0,
weighted by 1 / (f D) of the previous iterate) with Lawson's reweighting towards the minimax
solution. The script then rounds the coefficients to float and evaluates them as the kernel does
(Horner with fused multiply-adds in float, then N * (1/D)), against erf/exp at 30 digits, and prints
the C++ tables and the float errors. Run with Debian's numpy and mpmath:

    /usr/bin/python3 scripts/fit_ewald_correction.py

The fits the header holds:
  wide:   numerator degree 6, denominator degree 5, w <= 16    (beta rc <= 4, ewald-rtol >= 1.5e-8)
  narrow: numerator degree 5, denominator degree 4, w <= 10 (beta rc <= 3.16, ewald-rtol >= 7.7e-6),
          two multiply-adds fewer per term and pair; GROMACS's default ewald-rtol 1e-5 with any
          cut-off gives beta rc = 3.12.
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 30
TWO_OVER_SQRT_PI = 2 / mp.sqrt(mp.pi)


def exact_g(w):
    z = mp.sqrt(w)
    return mp.erf(z) / z if w > 0 else TWO_OVER_SQRT_PI


def exact_h(w):
    if w == 0:
        return TWO_OVER_SQRT_PI * 2 / 3
    z = mp.sqrt(w)
    return (mp.erf(z) - TWO_OVER_SQRT_PI * z * mp.exp(-w)) / z**3


def fit(f, w_max, num_degree, den_degree, points=4000, iterations=80):
    """Coefficients (lowest power first) of N and D (D[0] = 1) with the smallest max relative error."""
    w = np.linspace(0.0, w_max, points)
    y = np.array([float(f(mp.mpf(x))) for x in w])
    powers_num = np.vander(w, num_degree + 1, increasing=True)
    powers_den = np.vander(w, den_degree + 1, increasing=True)[:, 1:]
    system = np.hstack([powers_num, -y[:, None] * powers_den])
    den = np.ones_like(w)
    weight = np.ones_like(w)
    best = None
    for iteration in range(iterations):
        scale = weight / (np.abs(y) * den)
        c, *_ = np.linalg.lstsq(system * scale[:, None], y * scale, rcond=None)
        num = c[: num_degree + 1]
        den_coeffs = np.concatenate([[1.0], c[num_degree + 1 :]])
        den = np.polyval(den_coeffs[::-1], w)
        error = np.abs(np.polyval(num[::-1], w) / den - y) / np.abs(y)
        if best is None or error.max() < best[0]:
            best = (error.max(), num, den_coeffs)
        if iteration >= 8:  # Lawson: weight up where the error is large
            weight = weight * np.sqrt(error / error.max())
            weight /= weight.max()
    return best


def float_error(f, w_max, num, den, points=20001):
    """Max relative error of the float evaluation the kernel does."""
    num32 = num.astype(np.float32)
    den32 = den.astype(np.float32)
    w = np.linspace(0.0, w_max, points).astype(np.float32)

    def horner(c):
        p = np.full_like(w, c[-1])
        for k in range(len(c) - 2, -1, -1):
            # A float fma: the float product is exact in double, then one rounding to float.
            p = (p.astype(np.float64) * w + np.float64(c[k])).astype(np.float32)
        return p

    value = (horner(num32).astype(np.float64) / horner(den32)).astype(np.float32)
    y = np.array([float(f(mp.mpf(float(x)))) for x in w])
    return float(np.max(np.abs(value - y) / np.abs(y)))


def table(name, coeffs):
    body = ", ".join(f"{float(np.float32(c)):.9e}f" for c in coeffs)
    return f"inline constexpr float {name}[{len(coeffs)}] = {{{body}}};"


def main():
    fits = [("Wide", 16.0, 6, 5), ("Narrow", 10.0, 5, 4)]
    for label, w_max, num_degree, den_degree in fits:
        print(f"// {label}: numerator degree {num_degree}, denominator degree {den_degree}, w <= {w_max}")
        for symbol, f in (("G", exact_g), ("H", exact_h)):
            _, num, den = fit(f, w_max, num_degree, den_degree)
            print(table(f"k{symbol}Num{label}", num))
            print(table(f"k{symbol}Den{label}", den))
            print(f"//   {symbol}: max relative error in float {float_error(f, w_max, num, den):.2e}")


if __name__ == "__main__":
    main()
