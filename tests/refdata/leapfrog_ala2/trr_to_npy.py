# Reads the first frame of a GROMACS .trr (XDR, single or double) and writes its positions and
# velocities as float64 .npy files: trr_to_npy.py frame.trr outdir
import struct, sys, numpy as np
data = open(sys.argv[1], "rb").read()
magic, slen, l = struct.unpack(">iii", data[:12]); assert magic == 1993
off = 12 + ((l + 3) // 4) * 4
sizes = struct.unpack(">13i", data[off:off + 52]); off += 52
ir, e, box, vir, pres, top, sym, xs, vs, fs, natoms, step, nre = sizes
real = "d" if box == 72 else "f"; rs = 8 if real == "d" else 4
off += 2 * rs  # t, lambda
def take(n):
    global off
    a = np.array(struct.unpack(">%d%s" % (n, real), data[off:off + n * rs])); off += n * rs; return a
b = take(9) if box else None
if vir: take(9)
if pres: take(9)
x = take(natoms * 3).reshape(natoms, 3) if xs else None
v = take(natoms * 3).reshape(natoms, 3) if vs else None

np.save(sys.argv[2] + "/start_positions.npy", x); np.save(sys.argv[2] + "/start_velocities.npy", v)
