"""Readers for the GROMACS output files the reference generator needs.

Only numpy and the standard library, so /usr/bin/python3 on Debian runs it. The .trr reader exists
so that forces keep every digit of gmx_d's double-precision output (`gmx dump` prints 6 digits).
"""

import math
import re
import struct

import numpy as np

# GROMACS `gmx energy` term name -> proteinmd energy key (keys of `proteinmd energy --json`).
TERM_TO_KEY = {
    "Bond": "bond",
    "G96Bond": "bond",
    "Angle": "angle",
    "G96Angle": "angle",
    "U-B": "urey_bradley",
    "Proper Dih.": "proper_dihedral",
    "Ryckaert-Bell.": "rb_dihedral",
    "Improper Dih.": "improper_dihedral",
    "Per. Imp. Dih.": "improper_dihedral",
    "CMAP Dih.": "cmap",
    "LJ-14": "lj_14",
    "Coulomb-14": "coulomb_14",
    "LJ (SR)": "lj_sr",
    "Coulomb (SR)": "coulomb_sr",
    "Coul. recip.": "coulomb_recip",
    "Disper. corr.": "dispersion_correction",
    "Position Rest.": "position_restraint",
    "Potential": "total",
}

# Terms gmx energy may list that are not parts of the potential energy.
NOT_POTENTIAL = re.compile(
    r"^(Kinetic En\.|Total Energy|Conserved En\.|Temperature|Pres\. DC \(bar\)|Pressure.*|"
    r"Constr\. rmsd|Box-.*|Volume|Density|pV|Enthalpy|Vir-..|Pres-..|#Surf\*SurfTen|T-.*|"
    r"Lamb-.*|dVremain/dl|Coul-SR:.*|LJ-SR:.*|Coul-14:.*|LJ-14:.*)$")


def energy_key(term):
    """proteinmd key for a gmx energy term; None for non-potential terms; raises for unknown ones."""
    if term in TERM_TO_KEY:
        return TERM_TO_KEY[term]
    if NOT_POTENTIAL.match(term):
        return None
    raise ValueError(f"gmx energy term '{term}' has no proteinmd key; extend TERM_TO_KEY")


def read_xvg(path):
    """Legends and the data rows of a `gmx energy -o` .xvg file (values parsed from the text)."""
    legends, rows = [], []
    with open(path) as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            if line.startswith("@"):
                m = re.match(r'@\s+s(\d+)\s+legend\s+"(.*)"', line)
                if m:
                    legends.append(m.group(2))
                continue
            if line.strip():
                rows.append([float(v) for v in line.split()])
    return legends, rows


def energy_list_from_prompt(text):
    """Term names from the selection menu gmx energy prints (names with '-' for spaces)."""
    menu = text.split("-" * 60, 1)[1] if "-" * 60 in text else text
    names = {}
    for num, name in re.findall(r"(?:^|\s)(\d+)\s+(\S+)", menu.split("\n\n\n")[0]):
        names[int(num)] = name
    return [names[i] for i in sorted(names)]


class _Xdr:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def int(self):
        (v,) = struct.unpack_from(">i", self.data, self.pos)
        self.pos += 4
        return v

    def string(self):
        self.int()  # gmx writes strlen+1 first, then the XDR string (length + padded bytes)
        n = self.int()
        s = self.data[self.pos:self.pos + n].decode()
        self.pos += (n + 3) // 4 * 4
        return s

    def reals(self, count, size):
        fmt = ">f8" if size == 8 else ">f4"
        arr = np.frombuffer(self.data, dtype=fmt, count=count, offset=self.pos).astype(np.float64)
        self.pos += count * size
        return arr


def read_trr(path):
    """All frames of a .trr file: dicts with natoms, step, time, lambda, and box/x/v/f if stored."""
    with open(path, "rb") as handle:
        data = handle.read()
    xdr, frames = _Xdr(data), []
    while xdr.pos < len(data):
        if xdr.int() != 1993:
            raise ValueError(f"{path}: bad trr magic at byte {xdr.pos - 4}")
        xdr.string()
        sizes = dict(zip(["ir", "e", "box", "vir", "pres", "top", "sym", "x", "v", "f"],
                         [xdr.int() for _ in range(10)]))
        natoms, step, _nre = xdr.int(), xdr.int(), xdr.int()
        if sizes["box"]:
            size = sizes["box"] // 9
        elif natoms and (sizes["x"] or sizes["v"] or sizes["f"]):
            size = max(sizes["x"], sizes["v"], sizes["f"]) // (3 * natoms)
        else:
            raise ValueError(f"{path}: cannot tell the trr precision")
        time, lam = xdr.reals(2, size)
        frame = {"natoms": natoms, "step": step, "time": float(time), "lambda": float(lam),
                 "precision_bytes": size}
        for key, shape in (("box", (3, 3)), ("vir", (3, 3)), ("pres", (3, 3)),
                           ("x", (natoms, 3)), ("v", (natoms, 3)), ("f", (natoms, 3))):
            if sizes[key]:
                frame[key] = xdr.reals(shape[0] * shape[1], size).reshape(shape)
        frames.append(frame)
    return frames


def read_dump_forces(text):
    """Forces as `gmx dump -f x.trr` prints them (6 significant digits), for cross-checking."""
    rows = re.findall(r"f\[\s*\d+\]=\{\s*(\S+),\s*(\S+),\s*(\S+)\}", text)
    return np.array(rows, dtype=np.float64)


def ewald_coefficient(rc, rtol):
    """Ewald splitting coefficient beta (1/nm) as GROMACS chooses it: erfc(beta*rc) = rtol, found by
    doubling and then 60 bisections (the same search, done here in double precision)."""
    beta, i = 5.0, 0
    while math.erfc(beta * rc) > rtol:
        i += 1
        beta *= 2
    low, high = 0.0, beta
    for _ in range(60):
        beta = (low + high) / 2
        if math.erfc(beta * rc) > rtol:
            low = beta
        else:
            high = beta
    return beta


def parse_mdrun_log(text):
    """PME/Ewald facts from an mdrun .log: grid, order, 1/beta printed, potential-shift constants."""
    out = {}
    for key in ("fourier-nx", "fourier-ny", "fourier-nz", "pme-order", "coulombtype", "vdwtype",
                "coulomb-modifier", "vdw-modifier", "rcoulomb", "rvdw", "rvdw-switch", "rlist",
                "epsilon-r", "epsilon-rf", "DispCorr", "fourierspacing", "ewald-rtol", "nstlist"):
        m = re.search(r"^\s+" + re.escape(key) + r"\s+=\s+(\S+)", text, re.M)
        if m:
            val = m.group(1)
            try:
                integer = key.startswith("fourier-n") or key in ("pme-order", "nstlist")
                val = int(val) if integer else float(val)
            except ValueError:
                pass
            out[key] = val
    m = re.search(r"Using a Gaussian width \(1/beta\) of (\S+) nm for Ewald", text)
    if m:
        out["ewald_gaussian_width_printed_nm"] = float(m.group(1))
    m = re.search(r"^Potential shift: (.*)$", text, re.M)
    if m:
        out["potential_shift_line"] = m.group(1).strip()
    for line in re.findall(r"^(Long Range LJ corr\.: .*)$", text, re.M):
        out["dispersion_correction_line"] = line.strip()
    return out
