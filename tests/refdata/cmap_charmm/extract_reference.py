#!/usr/bin/python3
"""Turns gmx_d's view of a CHARMM peptide into bonded_reference.json for test_bonded_cmap.cpp.

Inputs (made by make_reference.sh): `gmx_d dump -s topol.tpr` (resolved bonded parameters, atom
indices, charges, and grompp's CMAP derivative table printed to 3 decimals), the .gro used for the
rerun (positions as gmx_d read them), the processed topology (full-precision CMAP grids from
[ cmaptypes ]) and the `gmx_d energy -dp` table of the rerun.
Only the grids that some cmap torsion uses are written, renumbered in order of first use.
"""
import argparse
import json
import re

TERM_KEYS = {"Bond": "bond", "U-B": "urey_bradley", "Proper Dih.": "proper_dihedral",
             "Improper Dih.": "improper_dihedral", "CMAP Dih.": "cmap", "LJ-14": "lj_14",
             "Coulomb-14": "coulomb_14"}


def parse_dump(path):
    functypes = {}
    interactions = {}
    charges = {}
    fudge_qq = None
    cmap_table = []
    functype_re = re.compile(r"^\s*functype\[(\d+)\]=(\w+),(.*)$")
    iatoms_re = re.compile(r"^\s*\d+ type=(\d+) \((\w+)\)((?:\s+\d+)+)\s*$")
    atom_re = re.compile(r"^\s*atom\[\s*(\d+)\]=\{type=.*?, q=\s*([-+0-9.eE]+),")
    in_cmap = False
    grid = None
    with open(path) as f:
        for line in f:
            m = functype_re.match(line)
            if m:
                params = {}
                for item in m.group(3).split(","):
                    if "=" in item:
                        key, value = item.split("=")
                        params[key.strip()] = float(value)
                functypes[int(m.group(1))] = (m.group(2), params)
                continue
            m = iatoms_re.match(line)
            if m:
                interactions.setdefault(m.group(2), []).append(
                    (int(m.group(1)), [int(a) for a in m.group(3).split()]))
                continue
            m = atom_re.match(line)
            if m:
                charges[int(m.group(1))] = float(m.group(2))
                continue
            if line.strip().startswith("fudgeQQ"):
                fudge_qq = float(line.split("=")[1])
                continue
            if line.strip() == "cmap":
                in_cmap = True
                continue
            if in_cmap:
                fields = line.split()
                if line.startswith("grid["):
                    grid = []
                    cmap_table.append(grid)
                elif not fields or len(fields) == 1 or fields[0] == "V":
                    pass
                elif len(fields) == 4 and grid is not None:
                    grid.append([float(v) for v in fields])
                else:
                    in_cmap = False
    natoms = len(charges)
    return functypes, interactions, [charges[i] for i in range(natoms)], fudge_qq, cmap_table


def parse_cmaptypes(path):
    grids = []
    section = None
    entry = ""
    with open(path) as f:
        for raw in f:
            line = raw.split(";")[0].rstrip()
            if line.strip().startswith("["):
                section = line.strip().strip("[]").strip()
                continue
            if section != "cmaptypes" or not line.strip():
                continue
            entry += " " + line.rstrip("\\")
            if not line.endswith("\\"):
                tokens = entry.split()
                nx, ny = int(tokens[6]), int(tokens[7])
                values = [float(v) for v in tokens[8:]]
                assert nx == ny and len(values) == nx * ny, tokens[:8]
                grids.append({"types": tokens[:5], "gridSize": nx, "energies": values})
                entry = ""
    return grids


def parse_gro(path):
    with open(path) as f:
        lines = f.read().splitlines()
    natoms = int(lines[1])
    positions = [[float(l[20:28]), float(l[28:36]), float(l[36:44])] for l in lines[2:2 + natoms]]
    box = [float(v) for v in lines[2 + natoms].split()[:3]]
    return positions, box


def parse_xvg(path):
    legends = []
    values = None
    with open(path) as f:
        for line in f:
            m = re.match(r'^@ s\d+ legend "(.*)"', line)
            if m:
                legends.append(m.group(1))
            elif line.strip() and line[0] not in "#@":
                values = [float(v) for v in line.split()[1:]]
    return {TERM_KEYS[name]: v for name, v in zip(legends, values)}


def main():
    ap = argparse.ArgumentParser()
    for name in ("dump", "gro", "top", "xvg", "out"):
        ap.add_argument("--" + name, required=True)
    args = ap.parse_args()
    functypes, interactions, charges, fudge_qq, cmap_table = parse_dump(args.dump)
    all_grids = parse_cmaptypes(args.top)
    positions, box = parse_gro(args.gro)
    assert len(positions) == len(charges)
    assert len(all_grids) == len(cmap_table), (len(all_grids), len(cmap_table))

    def rows(name, keys):
        out = []
        for type_id, atoms in interactions.get(name, []):
            ftype, params = functypes[type_id]
            assert ftype == name
            out.append(atoms + [params[k] for k in keys])
        return out

    used = []
    cmap_torsions = []
    for type_id, atoms in interactions["CMAP"]:
        grid = int(functypes[type_id][1]["cmapA"])
        if grid not in used:
            used.append(grid)
        cmap_torsions.append(atoms + [used.index(grid)])
    grids = []
    for g in used:
        n = all_grids[g]["gridSize"]
        # The dump lists grompp's table phi-major (V, dV/dphi, dV/dpsi, d2V/dphidpsi; per degree):
        # checking its V column against the .top grid pins down the orientation and the order.
        table = cmap_table[g]
        assert len(table) == n * n
        for idx, row in enumerate(table):
            assert abs(row[0] - all_grids[g]["energies"][idx]) <= 0.0005 + 1e-9, (g, idx)
        grids.append({"types": all_grids[g]["types"], "gridSize": n,
                      "energies": all_grids[g]["energies"], "gromppTable3Decimals": table})

    reference = {
        "description": "CHARMM27 peptide (DHFR residues 1-24), bonded terms as resolved by gmx_d grompp; "
                       "energies from gmx_d mdrun -rerun (GROMACS 2022.5, double). Angles in degrees.",
        "box": box,
        "positions": positions,
        "charges": charges,
        "fudgeQQ": fudge_qq,
        "epsilonR": 1.0,
        "bonds": rows("BONDS", ["b0A", "cbA"]),
        "ureyBradley": rows("UREY_BRADLEY", ["thetaA", "kthetaA", "r13A", "kUBA"]),
        "properDihedrals": rows("PDIHS", ["phiA", "cpA", "mult"]),
        "harmonicImpropers": rows("IDIHS", ["xiA", "cxA"]),
        "pairs": rows("LJ14", ["c6A", "c12A"]),
        "cmapGrids": grids,
        "cmapTorsions": cmap_torsions,
        "energies": parse_xvg(args.xvg),
    }
    with open(args.out, "w") as f:
        json.dump(reference, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
