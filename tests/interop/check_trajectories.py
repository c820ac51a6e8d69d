#!/usr/bin/env python3
"""Reads the trajectories written by the unit test TrajectoryInterop.WriteFramesInEveryFormat with
independent readers and compares them with the frames that were written (expected_*.npy):

  XTC   MDAnalysis, mdtraj, `gmx check`          within the precision (0.001 nm at precision 1000)
  TRR   MDAnalysis, mdtraj, `gmx dump`           float32 / float64 values
  DCD   MDAnalysis (exact float32 Å), mdtraj     NAMD unit cell -> same box
  H5MD  h5py (layout, attributes, chunking, compression, exact float32), MDAnalysis

Exits 0 if every available reader agrees, 1 on a mismatch, 77 (skip) if nothing could be checked.
Readers that are not installed are reported and skipped (CI installs them via scripts/setup.sh;
GROMACS is optional)."""
import os
import shutil
import subprocess
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")
folder = sys.argv[1]
failures = []
checked = []


def check(name, ok, detail=""):
    (checked if ok else failures).append(name)
    print(("ok    " if ok else "FAIL  ") + name + (f": {detail}" if detail and not ok else ""))


def close(name, got, want, atol, rtol=0.0):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        check(name, False, f"shape {got.shape} != {want.shape}")
        return
    err = np.max(np.abs(got - want) - rtol * np.abs(want)) if got.size else 0.0
    check(name, err <= atol, f"max deviation {err:.3g} > {atol:.3g}")


if not os.path.exists(os.path.join(folder, "expected_positions.npy")):
    print(f"skip: no trajectories in {folder} (shared benchmarks missing?)")
    sys.exit(77)

step_time = np.load(os.path.join(folder, "expected_step_time.npy"))
nframes = step_time.shape[0]
steps, times = step_time[:, 0].astype(np.int64), step_time[:, 1]
pos = np.load(os.path.join(folder, "expected_positions.npy")).reshape(nframes, -1, 3)
vel = np.load(os.path.join(folder, "expected_velocities.npy")).reshape(nframes, -1, 3)
frc = np.load(os.path.join(folder, "expected_forces.npy")).reshape(nframes, -1, 3)
boxes = np.load(os.path.join(folder, "expected_boxes.npy")).reshape(nframes, 3, 3)
natoms = pos.shape[1]
f = lambda name: os.path.join(folder, name)  # noqa: E731
gro = f("system.gro")
xtc_tol = 0.5e-3 + 1e-5  # half a precision step plus float32 rounding of ~4 nm values

try:
    import MDAnalysis as mda
except ImportError:
    mda = None
    print("skip  MDAnalysis not installed (apt install python3-mdanalysis)")
if mda is not None:
    for name, kind in (("traj.xtc", "xtc"), ("traj.trr", "trr"), ("traj_double.trr", "trr"),
                       ("traj.dcd", "dcd"), ("traj.h5md", "h5md")):
        u = mda.Universe(gro, f(name))
        check(f"MDAnalysis {name}: {nframes} frames of {natoms} atoms",
              len(u.trajectory) == nframes and len(u.atoms) == natoms,
              f"{len(u.trajectory)} frames of {len(u.atoms)} atoms")
        for k, ts in enumerate(u.trajectory):
            tag = f"MDAnalysis {name} frame {k}"
            if kind == "xtc":
                close(tag + " positions", ts.positions / 10, pos[k], xtc_tol)
            elif kind == "dcd":
                # exact: DCD stores float32 Å, and we stored float32(x nm * 10)
                want = (pos[k] * 10.0).astype(np.float32)
                check(tag + " positions exact float32", np.array_equal(ts.positions, want))
            else:
                close(tag + " positions", ts.positions / 10, pos[k], 1e-6, 1e-6)
            if kind in ("trr", "h5md"):
                close(tag + " velocities", ts.velocities / 10, vel[k], 1e-6, 1e-6)
                # MDAnalysis reports forces in kJ/(mol Å): a tenth of kJ/(mol nm)
                close(tag + " forces", ts.forces * 10, frc[k], 1e-3, 1e-6)
            close(tag + " box", ts.triclinic_dimensions / 10, boxes[k], 1e-5)
            if kind != "dcd":
                close(tag + " time", [ts.time], [times[k]], 1e-5)

try:
    import mdtraj
except ImportError:
    mdtraj = None
    print("skip  mdtraj not installed (apt install python3-mdtraj)")
if mdtraj is not None:
    for name, tol, rtol in (("traj.xtc", xtc_tol, 0.0), ("traj.trr", 1e-6, 1e-6), ("traj.dcd", 1e-6, 1e-6)):
        t = mdtraj.load(f(name), top=gro)
        check(f"mdtraj {name}: {nframes} frames of {natoms} atoms", t.n_frames == nframes and t.n_atoms == natoms,
              f"{t.n_frames} frames of {t.n_atoms} atoms")
        close(f"mdtraj {name} positions", t.xyz, pos, tol, rtol)
        close(f"mdtraj {name} boxes", t.unitcell_vectors, boxes, 1e-5)
        if name != "traj.dcd":
            close(f"mdtraj {name} times", t.time, times, 1e-5)

try:
    import h5py
except ImportError:
    h5py = None
    print("skip  h5py not installed (apt install python3-h5py)")
if h5py is not None:
    with h5py.File(f("traj.h5md"), "r") as h:
        check("h5py /h5md version [1,1]", list(h["h5md"].attrs["version"]) == [1, 1])
        check("h5py /h5md author and creator",
              "name" in h["h5md/author"].attrs and h["h5md/creator"].attrs["name"] == "proteinmd"
              and "version" in h["h5md/creator"].attrs)
        p = h["particles/all/position/value"]
        check("h5py position float32 (frames, N, 3)", p.dtype == np.float32 and p.shape == (nframes, natoms, 3),
              f"{p.dtype} {p.shape}")
        check("h5py position extendible, chunked, shuffle + gzip 4",
              p.maxshape[0] is None and p.chunks is not None and p.chunks[1:] == (natoms, 3)
              and p.compression == "gzip" and p.compression_opts == 4 and p.shuffle,
              f"maxshape {p.maxshape} chunks {p.chunks} {p.compression} {p.compression_opts} shuffle {p.shuffle}")
        check("h5py position values exact float32", np.array_equal(p[()], pos.astype(np.float32)))
        check("h5py velocity/force exact float32",
              np.array_equal(h["particles/all/velocity/value"][()], vel.astype(np.float32))
              and np.array_equal(h["particles/all/force/value"][()], frc.astype(np.float32)))
        check("h5py position step/time", np.array_equal(h["particles/all/position/step"][()], steps)
              and np.array_equal(h["particles/all/position/time"][()], times))
        check("h5py units", p.attrs["unit"] == "nm" and h["particles/all/position/time"].attrs["unit"] == "ps")
        b = h["particles/all/box"]
        check("h5py box dimension 3, boundary periodic",
              b.attrs["dimension"] == 3 and list(b.attrs["boundary"]) == ["periodic"] * 3,
              f"{b.attrs['dimension']} {list(b.attrs['boundary'])}")
        check("h5py box edges exact float32 (frames, 3, 3)",
              np.array_equal(b["edges/value"][()], boxes.astype(np.float32))
              and np.array_equal(b["edges/step"][()], steps))
        o = h["observables/potential_energy"]
        check("h5py observable values", np.array_equal(o["value"][()], -31234.5 + steps / 7.0)
              and np.array_equal(o["step"][()], steps))

gmx = shutil.which("gmx") or shutil.which("gmx_d")
if gmx is None:
    print("skip  GROMACS (gmx) not installed: gmx check / gmx dump not run")
else:
    r = subprocess.run([gmx, "-quiet", "check", "-f", f("traj.xtc")], capture_output=True, text=True)
    out = r.stdout + r.stderr
    coords = [line.split() for line in out.splitlines() if line.startswith("Coords")]
    check("gmx check traj.xtc", r.returncode == 0 and coords and int(coords[0][1]) == nframes,
          f"rc {r.returncode}, {coords}")
    r = subprocess.run([gmx, "-quiet", "dump", "-f", f("traj_double.trr")], capture_output=True, text=True)
    xs = [line for line in r.stdout.splitlines() if line.strip().startswith("x[    0]")]
    ok = r.returncode == 0 and len(xs) == nframes
    if ok:
        for k, line in enumerate(xs):
            vals = [float(v) for v in line.split("{")[1].rstrip("}").split(",")]
            ok = ok and np.allclose(vals, pos[k, 0], atol=1e-5)
    check("gmx dump traj_double.trr (frames, first atom)", ok, f"rc {r.returncode}, {len(xs)} frames: {xs[:1]}")

print(f"{len(checked)} checks passed, {len(failures)} failed")
if failures:
    sys.exit(1)
sys.exit(0 if checked else 77)
