#!/usr/bin/python3
"""Validation of `iondrift sweep` (docs/sweep.md, docs/validation.md S1-S5).

    sweep_check.py CASE --iondrift BIN --work DIR [--mpirun MPIRUN]

CASE:
  equal-run   S1: every point of a sweep equals a single `iondrift run` of the
              base deck with the same --set values, bitwise (outputs read from
              the run's HDF5 file here, independently of the sweep's code; the
              curves too); an interpolated output within 1e-12
  invariance  S2: --threads 1, --threads 2 and mpirun -np 1/2/3 give the same
              results.csv byte for byte and the same results.h5 table and curves
  kill        S3: SIGKILL at random moments (several times), then the same
              command: the table of an uninterrupted run, one journal record per
              point; also a torn last journal line, a damaged one, and the
              slices of a job array merged (--slice K/N, --merge)
  failing     S4: a point whose run fails is a row with status failed and the
              solver's message, the others complete; --retry-failed runs it again
  flagged     S5: rows that ran with a nan output or a tau outside the sampled
              window are 'flagged' with the reason and counted in the summary
              and the progress line (also when resumed); a bad DIR (no parent, a file, another
              spec's) is refused before the plan is printed
Exit status 0 when every check holds; each failed check is printed.
"""

import argparse
import csv
import math
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import time

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FAILURES = []


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAILURES.append(what)


def bits(x):
    return struct.pack("<d", float(x))


def same(a, b):
    """Bitwise equality of two doubles (NaN equals NaN)."""
    return bits(a) == bits(b) or (math.isnan(a) and math.isnan(b))


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        print("command failed (%d): %s\n%s%s" % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p


def read_table(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return rows


def sweep(args, spec, out, *extra, mpi=0):
    cmd = [args.iondrift, "sweep", os.path.join(HERE, spec), "-o", out, "-q"] + list(extra)
    if mpi:
        cmd = [args.mpirun, "-np", str(mpi), "--oversubscribe"] + cmd
    return run(cmd)


# ---- S1 -------------------------------------------------------------------------


def run_output(f, name):
    """The value an output names, read from a run's HDF5 file (docs/outputs.md)."""
    import re

    m = re.fullmatch(r"([A-Za-z0-9_]+?)(\[(\d)\])?", name)
    k = int(m.group(3)) if m and m.group(3) else 0
    base = m.group(1) if m else name
    sp = "tid/extraction/species_%d" % k
    attr = {"Ea_extracted_eV": "Ea_eV", "Ea_err_eV": "Ea_err_eV", "N_extracted_cm3": "N_ion_cm3",
            "N_err_cm3": "N_ion_err_cm3", "D0_extracted_cm2_s": "D0_cm2_s",
            "D300_extracted_cm2_s": "D300_cm2_s", "dC_rel": "dC_rel"}
    if base in attr:
        return float(f[sp].attrs[attr[base]]) if sp in f else math.nan
    if base == "charge_extracted":
        if sp not in f:
            return math.nan
        s = f[sp].attrs["sign"]
        s = s.decode() if isinstance(s, bytes) else s
        return {"anion": -1.0, "cation": 1.0}.get(s, 0.0)
    if base == "steps":
        if "tid" in f:
            return float(np.sum(f["tid/steps"][:]))
        return float(f["transient"].attrs["steps"])
    truth = {"Ea_true_eV": "Ea_eV", "N_true_cm3": "N_ion_cm3", "D0_true_cm2_s": "D0_cm2_s"}
    if base in truth or base == "charge_true":
        g = f["tid/true"]
        ion = g[sorted(g.keys())[k]]
        if base == "charge_true":
            s = ion.attrs["sign"]
            s = s.decode() if isinstance(s, bytes) else s
            return -1.0 if s == "anion" else 1.0
        return float(ion.attrs[truth[base]])
    m = re.fullmatch(r"tau_([0-9.e+-]+)K_s", base)
    if m:
        T = float(m.group(1))
        if "tid/extraction" not in f:
            return math.nan
        j = list(f["tid/extraction/T"][:]).index(T)
        return float(f["tid/extraction/tau"][j, k])
    m = re.fullmatch(r"([CG])_([0-9.e+-]+)Hz_([0-9.e+-]+)V_[FS]_m2", base)
    if m:
        fr, y = f["cf/f"][:], f["cf/" + m.group(1)][:]
        x = float(m.group(2))
        hit = np.nonzero(fr == x)[0]
        if len(hit):
            return float(y[hit[0]])
        i = np.searchsorted(fr, x) - 1
        w = (math.log(x) - math.log(fr[i])) / (math.log(fr[i + 1]) - math.log(fr[i]))
        return float(y[i] + w * (y[i + 1] - y[i]))
    m = re.fullmatch(r"J_([0-9.e+-]+)s_A_m2", base)
    if m:
        t, J = f["transient/t"][:], f["transient/J"][:]
        x = float(m.group(1))
        hit = np.nonzero(t == x)[0]
        return float(J[hit[0]]) if len(hit) else math.nan
    raise ValueError("no reader for output " + name)


def equal_run_spec(args, spec, exact_only=()):
    out = os.path.join(args.work, "s1_" + os.path.splitext(spec)[0])
    shutil.rmtree(out, ignore_errors=True)
    if sweep(args, spec, out).returncode != 0:
        check(False, "%s: the sweep runs" % spec)
        return
    rows = read_table(os.path.join(out, "results.csv"))
    res = h5py.File(os.path.join(out, "results.h5"), "r")
    axes = res["table"].attrs["axes"].split(",")
    outs = res["table"].attrs["outputs"].split(",")
    for row in rows:
        i = int(row["index"])
        h5 = os.path.join(out, "run_%d.h5" % i)
        cmd = [args.iondrift, "run", os.path.join(HERE, "tid_small.yaml"), "-q", "-o", h5]
        proto_block = protocol_block(open(os.path.join(HERE, spec)).read())
        if proto_block:
            cmd += ["--set", "protocol=" + proto_block]
        for a in axes:
            cmd += ["--set", "%s=%s" % (a, row[a])]
        if run(cmd).returncode != 0:
            check(False, "%s point %d: iondrift run" % (spec, i))
            continue
        f = h5py.File(h5, "r")
        check(row["status"] == "ok", "%s point %d: status ok" % (spec, i))
        for o in outs:
            if o == "input:layers[1].N_A_cm3":
                check(float(row[o]) == 1e17, "%s point %d: %s = 1e17 as in the deck" % (spec, i, o))
                continue
            mine, theirs = float(row[o]), run_output(f, o)
            if o in exact_only:
                good = mine == theirs or abs(mine - theirs) <= 1e-12 * abs(theirs)
                check(good, "%s point %d: %s = %r, run %r (interpolated, 1e-12)" % (spec, i, o, mine, theirs))
            else:
                check(same(mine, theirs), "%s point %d: %s = %r, run %r (bitwise)" % (spec, i, o, mine, theirs))
        group = res["curves/point_%06d" % i]
        for proto in group:
            for name in group[proto]:
                a, b = group[proto][name][()], f[proto][name][()]
                check(a.shape == b.shape and a.tobytes() == b.tobytes(),
                      "%s point %d: curve %s/%s equals the run's (bitwise)" % (spec, i, proto, name))
        deck_sweep = res.attrs["deck_yaml"]
        check(isinstance(deck_sweep, str) and len(deck_sweep) > 100, "%s: base deck stored" % spec)


def protocol_block(text):
    """The spec's `protocol:` section (block or flow) as one flow mapping, or None."""
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if not line.startswith("protocol:"):
            continue
        rest = line[len("protocol:"):].strip()
        if rest:
            return rest
        items, seg = [], None
        for sub in lines[n + 1:]:
            if not sub.startswith(" "):
                break
            s = sub.strip()
            if s.startswith("- "):
                seg.append(s[2:])
            elif s.endswith(":"):
                seg = []
                items.append((s[:-1], seg))
            else:
                items.append((s, None))
        parts = []
        for k, v in items:
            parts.append(k if v is None else "%s: [%s]" % (k, ", ".join(v)))
        return "{" + ", ".join(parts) + "}"
    return None


def case_equal_run(args):
    equal_run_spec(args, "equal_run.yaml")
    equal_run_spec(args, "equal_run_cf.yaml", exact_only=("C_2000Hz_0V_F_m2",))
    equal_run_spec(args, "equal_run_waveform.yaml")


# ---- S2 -------------------------------------------------------------------------


def h5_table(path):
    with h5py.File(path, "r") as f:
        out = {}
        for k in f["table"]:
            if isinstance(f["table"][k], h5py.Dataset):
                out["table/" + k] = f["table"][k][()].tobytes()
        if "curves" in f:
            f["curves"].visititems(
                lambda n, o: out.__setitem__("curves/" + n, o[()].tobytes())
                if isinstance(o, h5py.Dataset) else None)
        out["messages"] = repr(sorted(dict(f["table/messages"].attrs).items()))
        return out


def case_invariance(args):
    runs = [("threads1", ["--threads", "1"], 0), ("threads2", ["--threads", "2"], 0)]
    if args.mpirun:
        runs += [("mpi%d" % n, ["--threads", "1"], n) for n in (1, 2, 3)]
        runs += [("mpi2x2", ["--threads", "2"], 2)]
    ref_csv = ref_h5 = None
    for name, extra, mpi in runs:
        out = os.path.join(args.work, "s2_" + name)
        shutil.rmtree(out, ignore_errors=True)
        p = sweep(args, "invariance.yaml", out, *extra, mpi=mpi)
        if p.returncode != 0:
            check(False, "S2 %s: the sweep runs" % name)
            continue
        text = open(os.path.join(out, "results.csv"), "rb").read()
        tab = h5_table(os.path.join(out, "results.h5"))
        if ref_csv is None:
            ref_csv, ref_h5 = text, tab
            rows = read_table(os.path.join(out, "results.csv"))
            check(len(rows) == 6 and all(r["status"] == "ok" for r in rows),
                  "S2 %s: 6 rows, all ok" % name)
            continue
        check(text == ref_csv, "S2 %s: results.csv identical to threads1's" % name)
        check(tab == ref_h5, "S2 %s: results.h5 table and curves identical to threads1's" % name)


# ---- S3 -------------------------------------------------------------------------


def journal_indices(out):
    idx = []
    if not os.path.isdir(out):
        return idx
    for name in sorted(os.listdir(out)):
        if name.startswith("journal") and name.endswith(".txt"):
            for line in open(os.path.join(out, name), "rb").read().split(b"\n"):
                if line and not line.startswith(b"#"):
                    idx.append(int(line.split(b"\t")[0]))
    return idx


def children(pid):
    """Process ids whose parent is pid (from /proc: no procps needed)."""
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = open("/proc/%s/stat" % d).read()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    return kids


def wait_for_records(p, out, target, limit_s):
    """Poll the journal until it holds target records or the run ends (no wall-time guess)."""
    t_end = time.time() + limit_s
    while p.poll() is None and time.time() < t_end:
        if len(journal_indices(out)) >= target:
            return True
        time.sleep(0.002)
    return False


def kill_rounds(args, out, ref, seconds, mpi):
    """Start, SIGKILL once the journal has grown by a random number of records, repeat; then
    finish. The moment is chosen from the journal, not from a clock, so a fast or a slow
    machine (or mpirun's start-up) cannot make every kill miss the sweep's middle."""
    seed = int(time.time() * 1000) % 100000
    print("kill moments: random.Random(%d)" % seed)
    rng = random.Random(seed)
    hits = 0
    for _ in range(6):
        before = len(journal_indices(out))
        if before >= 11:
            break
        target = before + rng.randint(1, min(3, 11 - before))
        cmd = [args.iondrift, "sweep", os.path.join(HERE, "kill.yaml"), "-o", out, "-q",
               "--threads", "2" if not mpi else "1"]
        if mpi:
            cmd = [args.mpirun, "-np", str(mpi), "--oversubscribe"] + cmd
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_records(p, out, target, 60.0 + 20.0 * seconds)
        # somewhere inside the next point: up to about one point's time more
        time.sleep(rng.uniform(0.0, 0.5) * seconds / 12.0)
        victims = [p.pid]
        if mpi:  # a rank dies (a node lost): the launcher ends the job
            ranks = [k for k in children(p.pid)] if p.poll() is None else []
            victims = [rng.choice(ranks)] if ranks else []
        for v in victims:
            try:
                os.kill(v, signal.SIGKILL)
            except ProcessLookupError:
                pass
        p.wait()
        after = len(journal_indices(out))
        if 0 < after < 12 and p.returncode != 0:
            hits += 1
        if after >= 12:
            break
    cmd = [args.iondrift, "sweep", os.path.join(HERE, "kill.yaml"), "-o", out, "-q"]
    if mpi:
        cmd = [args.mpirun, "-np", str(mpi), "--oversubscribe"] + cmd
    p = run(cmd)
    check(p.returncode == 0, "S3 %s: the resumed sweep ends" % os.path.basename(out))
    check(hits >= 1, "S3 %s: %d kill(s) hit the sweep in its middle" % (os.path.basename(out), hits))
    idx = journal_indices(out)
    check(sorted(idx) == list(range(12)), "S3 %s: one journal record per point (%d records)"
          % (os.path.basename(out), len(idx)))
    check(open(os.path.join(out, "results.csv"), "rb").read() == ref,
          "S3 %s: results.csv identical to the uninterrupted run's" % os.path.basename(out))


def case_kill(args):
    ref_dir = os.path.join(args.work, "s3_ref")
    shutil.rmtree(ref_dir, ignore_errors=True)
    t0 = time.time()
    if sweep(args, "kill.yaml", ref_dir, "--threads", "2").returncode != 0:
        check(False, "S3: the reference sweep runs")
        return
    seconds = time.time() - t0
    ref = open(os.path.join(ref_dir, "results.csv"), "rb").read()
    ref_h5 = h5_table(os.path.join(ref_dir, "results.h5"))
    out = os.path.join(args.work, "s3_kill")
    shutil.rmtree(out, ignore_errors=True)
    kill_rounds(args, out, ref, seconds, 0)
    check(h5_table(os.path.join(out, "results.h5")) == ref_h5,
          "S3: results.h5 table and curves identical to the uninterrupted run's")
    if args.mpirun:
        out = os.path.join(args.work, "s3_kill_mpi")
        shutil.rmtree(out, ignore_errors=True)
        kill_rounds(args, out, ref, seconds * 1.5, 2)
    torn_and_damaged(args, ref_dir, ref)
    slices(args, ref)


def torn_and_damaged(args, ref_dir, ref):
    out = os.path.join(args.work, "s3_torn")
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(ref_dir, out)
    j = os.path.join(out, "journal.txt")
    data = open(j, "rb").read()
    cut = data.rstrip(b"\n").rfind(b"\n") + 1 + 9  # into the last record
    open(j, "wb").write(data[:cut])
    os.remove(os.path.join(out, "results.csv"))
    p = sweep(args, "kill.yaml", out)
    check(p.returncode == 0 and open(os.path.join(out, "results.csv"), "rb").read() == ref,
          "S3 torn: a journal cut inside its last line: that point runs again, same table")
    check(sorted(journal_indices(out)) == list(range(12)), "S3 torn: one record per point")
    lines = open(j, "rb").read().split(b"\n")
    lines[3] = lines[3].replace(b"\tok\t", b"\tok\t9", 1)
    open(j, "wb").write(b"\n".join(lines))
    p = sweep(args, "kill.yaml", out)
    check(p.returncode == 1 and "journal.txt:4: damaged record" in p.stderr,
          "S3 damaged: a damaged record inside the journal is an error naming its line (%r)"
          % p.stderr.strip())


def slices(args, ref):
    out = os.path.join(args.work, "s3_slices")
    shutil.rmtree(out, ignore_errors=True)
    for k in range(3):
        p = sweep(args, "kill.yaml", out, "--slice", "%d/3" % k, "--threads", "1")
        check(p.returncode == 0, "slices: slice %d/3 runs" % k)
        check(not os.path.exists(os.path.join(out, "results.csv")), "slices: no table after slice %d" % k)
        if k == 1:
            p = sweep(args, "kill.yaml", out, "--merge")
            check(p.returncode == 1 and "4 of 12 points are in no journal" in p.stderr,
                  "slices: --merge with a slice missing fails, naming how many (%r)" % p.stderr.strip())
    p = sweep(args, "kill.yaml", out, "--merge")
    check(p.returncode == 0 and open(os.path.join(out, "results.csv"), "rb").read() == ref,
          "slices: --merge of 3 slices gives the uninterrupted run's table")


# ---- S4 -------------------------------------------------------------------------


def case_failing(args):
    out = os.path.join(args.work, "s4")
    shutil.rmtree(out, ignore_errors=True)
    p = sweep(args, "failing.yaml", out)
    check(p.returncode == 0, "S4: the sweep with a failing point exits 0")
    rows = read_table(os.path.join(out, "results.csv"))
    check([r["status"] for r in rows] == ["ok", "failed", "ok"], "S4: statuses ok, failed, ok")
    msg = rows[1]["message"]
    check("steps" in msg and len(msg) > 20, "S4: the failed row carries the solver's message (%r)" % msg[:160])
    check(math.isnan(float(rows[1]["Ea_extracted_eV"])) and float(rows[1]["Ea_true_eV"]) == 0.13,
          "S4: the failed row: no extracted value, the true input kept")
    check(all(math.isfinite(float(rows[i]["Ea_extracted_eV"])) for i in (0, 2)),
          "S4: the other points have their extracted Ea")
    p = sweep(args, "failing.yaml", out, "--retry-failed")
    idx = journal_indices(out)
    rows2 = read_table(os.path.join(out, "results.csv"))
    check(p.returncode == 0 and sorted(idx) == [0, 1, 1, 2] and len(rows2) == 3 and rows2[1]["status"] == "failed",
          "S4: --retry-failed runs the failed point again (a second record), one row per point")


# ---- S5 -------------------------------------------------------------------------


def case_flagged(args):
    out = os.path.join(args.work, "s5")
    shutil.rmtree(out, ignore_errors=True)
    # a bad DIR is refused before the plan is printed and before any work
    for bad, why in ((os.path.join(args.work, "no_such_parent", "out"), "does not exist"),
                     (os.path.join(HERE, "flagged.yaml"), "not a directory")):
        p = run([args.iondrift, "sweep", os.path.join(HERE, "flagged.yaml"), "-o", bad])
        check(p.returncode == 2 and p.stdout == "" and why in p.stderr,
              "S5: -o %s refused first (exit 2, no plan printed, %r): rc %d, stdout %r, stderr %r"
              % (os.path.basename(bad), why, p.returncode, p.stdout[:80], p.stderr.strip()))
    spec = os.path.join(HERE, "flagged.yaml")
    p = run([args.iondrift, "sweep", spec, "-o", out])
    check(p.returncode == 0, "S5: the sweep exits 0")
    # the summary counts the flagged rows, in this start and, resumed, after it
    check("3 done here, 0 resumed, 0 failed, 2 flagged (of 3)" in p.stdout,
          "S5: the summary counts 2 flagged rows (%r)" % p.stdout[-300:])
    last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
    check(last.startswith("sweep: 3/3 done, 0 failed, 2 flagged, "),
          "S5: the last progress line counts 2 flagged rows (%r)" % last)
    p = run([args.iondrift, "sweep", spec, "-o", out])
    check(p.returncode == 0 and "0 done here, 3 resumed, 0 failed, 2 flagged (of 3)" in p.stdout,
          "S5: a resumed start counts them from the journal (%r)" % p.stdout[-300:])
    last = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
    check(last.startswith("sweep: 3/3 done (3 resumed), 0 failed, 2 flagged, "),
          "S5: so does its last progress line (%r)" % last)
    rows = read_table(os.path.join(out, "results.csv"))
    check([r["status"] for r in rows] == ["ok", "flagged", "flagged"],
          "S5: statuses ok, flagged, flagged (%s)" % [r["status"] for r in rows])
    tau = float(rows[1]["tau_200K_s"])
    check(tau > 0.02 and "tau_200K_s: tau = " in rows[1]["message"]
          and "outside the sampled window 1e-06 .. 0.02 s" in rows[1]["message"],
          "S5: the 200 K tau %r s beyond t_last 0.02 s named in the message (%r)"
          % (tau, rows[1]["message"][:160]))
    check(math.isfinite(float(rows[1]["Ea_extracted_eV"])), "S5: the flagged row keeps its values")
    check(math.isnan(float(rows[2]["Ea_extracted_eV"])) and float(rows[2]["Ea_true_eV"]) == 0.6
          and "the extraction failed" in rows[2]["message"],
          "S5: no extraction at 0.6 eV: nan, flagged with the reason")
    check(rows[0]["message"] == "", "S5: the ok row has no message")
    res = h5py.File(os.path.join(out, "results.h5"), "r")
    check(list(res["table/flagged"][()]) == [0, 1, 1] and list(res["table/ok"][()]) == [1, 1, 1],
          "S5: results.h5 table/flagged 0 1 1, table/ok 1 1 1")
    # a DIR of another spec is refused before the plan as well
    p = run([args.iondrift, "sweep", os.path.join(HERE, "failing.yaml"), "-o", out])
    check(p.returncode == 2 and p.stdout == "" and "different spec" in p.stderr,
          "S5: a DIR of another spec refused first (rc %d, stdout %r)" % (p.returncode, p.stdout[:80]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["equal-run", "invariance", "kill", "failing", "flagged"])
    ap.add_argument("--iondrift", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--mpirun", default="")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    {"equal-run": case_equal_run, "invariance": case_invariance, "kill": case_kill,
     "failing": case_failing, "flagged": case_flagged}[args.case](args)
    print("%d check(s) failed" % len(FAILURES) if FAILURES else "all checks passed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
