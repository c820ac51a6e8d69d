#!/usr/bin/env python3
"""Kill test of `proteinmd run`: SIGKILL the program at random moments (a checkpoint every step, so
many kills land while a checkpoint or a trajectory frame is being written), continue with --resume
(killing again, several times), and check that the finished outputs equal those of an uninterrupted
run byte for byte, with XTC frame steps strictly consecutive (no lost or duplicated frames). It runs on
the default (CPU) backend in a periodic water box with a small explicit pair-list buffer, so the pair
list kept between steps (saved in each checkpoint, rebuilt on resume) is part of what must survive.

usage: test_run_kill.py PROTEINMD_BINARY SHARED_DIR SCRATCH_DIR [TRIALS]"""
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import time

BIN, SHARED, SCRATCH = sys.argv[1], sys.argv[2], sys.argv[3]
TRIALS = int(sys.argv[4]) if len(sys.argv) > 4 else 5
STEPS = 40
SYSTEM = os.path.join(SHARED, "benchmarks", "ala2_solvated")
if not os.path.isdir(SYSTEM):
    print("skipped: shared/benchmarks/ala2_solvated not found")
    sys.exit(77)

CONFIG = f"""
[input]
topology = "{SYSTEM}/system.top"
coordinates = "{SYSTEM}/system.gro"
[run]
steps = {STEPS}
threads = 1
[output]
energy_every = 1
log_every = 10
xtc_every = 1
dcd_every = 2
trr_every = 3
checkpoint_minutes = 0
checkpoint_every = 1
progress_every = 50
[physics]
integrator = "md"
dt = 0.002
pbc = "xyz"
coulombtype = "PME"
rcoulomb = 0.9
rvdw = 0.9
fourierspacing = 0.12
verlet-buffer-tolerance = -1
rlist = 0.91
constraints = "h-bonds"
gen-vel = true
gen-temp = 300
gen-seed = 5
tcoupl = "v-rescale"
tc-grps = "System"
tau-t = 0.1
ref-t = 300
ld-seed = 9
"""
COMPARED = ["energy.csv", "traj.xtc", "traj.dcd", "traj.trr", "confout.gro", "confout.pdb"]

shutil.rmtree(SCRATCH, ignore_errors=True)
os.makedirs(SCRATCH)
config = os.path.join(SCRATCH, "run.toml")
with open(config, "w") as f:
    f.write(CONFIG)


def run(out, resume=False):
    args = [BIN, "run", config, "-o", out] + (["--resume"] if resume else [])
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def xtc_steps(path):
    """Steps of the frames of an XTC file (walks the frame headers and compressed blocks)."""
    data = open(path, "rb").read()
    steps, pos = [], 0
    while pos < len(data):
        magic, natoms, step = struct.unpack(">iii", data[pos:pos + 12])
        assert magic == 1995, f"bad XTC magic at byte {pos}"
        steps.append(step)
        pos += 12 + 4 + 36 + 4  # time, box, natoms again
        if natoms <= 9:
            pos += 12 * natoms
        else:
            pos += 4 + 24 + 4  # precision, min/max int, smallidx
            (nbytes,) = struct.unpack(">i", data[pos:pos + 4])
            pos += 4 + (nbytes + 3) // 4 * 4
    return steps


reference = os.path.join(SCRATCH, "reference")
start = time.monotonic()
p = run(reference)
_, err = p.communicate()
duration = time.monotonic() - start
if p.returncode != 0:
    print("uninterrupted run failed:", err.decode())
    sys.exit(1)
print(f"uninterrupted run: {duration:.2f} s")
log = open(os.path.join(reference, "proteinmd.log")).read()
if "forces: cpu" not in log or "fast path" not in log:
    print("the run did not use the CPU backend's fast path")
    sys.exit(1)

rng = random.Random(int(os.environ.get("PROTEINMD_KILL_SEED", "12345")))
failures = 0
for trial in range(TRIALS):
    out = os.path.join(SCRATCH, f"trial{trial}")
    kills, resume = 0, False
    for attempt in range(rng.randint(1, 4)):
        p = run(out, resume)
        time.sleep(rng.uniform(0.0, duration * 0.9))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
        resume = True
    p = run(out, resume=True)
    _, err = p.communicate()
    ok = p.returncode == 0
    problems = [] if ok else [f"--resume exited {p.returncode}: {err.decode().strip()}"]
    for name in COMPARED:
        a, b = os.path.join(reference, name), os.path.join(out, name)
        if not os.path.exists(b) or open(a, "rb").read() != open(b, "rb").read():
            problems.append(f"{name} differs from the uninterrupted run")
    if os.path.exists(os.path.join(out, "traj.xtc")):
        steps = xtc_steps(os.path.join(out, "traj.xtc"))
        if steps != list(range(STEPS + 1)):
            problems.append(f"XTC frame steps not 0..{STEPS} consecutive: {steps[:5]}... ({len(steps)} frames)")
    print(f"trial {trial}: {kills} kill(s): {'ok' if not problems else 'FAILED: ' + '; '.join(problems)}")
    failures += bool(problems)

sys.exit(1 if failures else 0)
