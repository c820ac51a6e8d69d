#!/usr/bin/env python3
"""Writes multi-frame .gro files for the xtc/trr reference data: the first atoms of
shared/benchmarks/ala2_solvated/system.gro (alanine dipeptide + waters) with small deterministic
displacements per frame, in a triclinic box; and a 7-atom system (stored uncompressed in xtc)."""
import math
import sys

src, out_dir = sys.argv[1], sys.argv[2]
lines = open(src).read().splitlines()
natoms_all = int(lines[1])
atoms = lines[2:2 + natoms_all]


def write(path, nat, frames, box):
    with open(path, "w") as f:
        for k in range(frames):
            f.write(f"reference frame t= {k * 0.5:.5f} step= {k * 250}\n{nat:5d}\n")
            for i, line in enumerate(atoms[:nat]):
                x = [float(line[20 + 9 * d: 29 + 9 * d]) for d in range(3)]
                # deterministic pseudo-random displacement of up to 0.02 nm per frame
                for d in range(3):
                    x[d] += 0.02 * math.sin(12.9898 * (i + 1) + 78.233 * (d + 1) + 37.719 * k)
                f.write(f"{line[:20]}{x[0]:9.4f}{x[1]:9.4f}{x[2]:9.4f}\n")
            f.write(" ".join(f"{v:10.5f}" for v in box) + "\n")


# triclinic: v1(x) v2(y) v3(z) v1(y) v1(z) v2(x) v2(z) v3(x) v3(y)
write(f"{out_dir}/frames400.gro", 400, 3, [3.2853, 3.1, 2.9, 0, 0, 0.4, 0, -0.6, 0.8])
write(f"{out_dir}/frames7.gro", 7, 2, [3.2853, 3.2862, 3.1855])
