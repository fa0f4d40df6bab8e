#!/usr/bin/python3
"""The sweep bench (bench/README.md, "Sweeps"): a 200-point sweep of the
example TID deck (bench/sweep_bench.yaml) run by `iondrift sweep` on 1
thread, on 2 threads and on 2 MPI ranks of 1 thread; prints per run the
points per second, the CPU time, the parallel efficiency (rate / (cores x
rate on 1 core), target >= 90 %), the overhead per point outside the runs
(target < 1 %, from the sweep's summary), the peak memory per rank, and
checks that the three tables agree (apart from wall_s).

    sweep_bench.py --iondrift build/app/iondrift [--points N] [--mpirun mpirun]
                   [--work DIR] [--runs 1t,2t,2r]

The machine is shared: the load average before and after each run is
printed with it; compare runs of one session only.
"""

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def loadavg():
    try:
        return float(open("/proc/loadavg").read().split()[0])
    except OSError:
        return float("nan")


def spec_with(points, work):
    text = open(os.path.join(HERE, "sweep_bench.yaml")).read()
    text = text.replace("points: 200", "points: %d" % points)
    text = text.replace("deck: ../examples/", "deck: %s/" % os.path.join(HERE, "..", "examples"))
    path = os.path.join(work, "sweep_bench.yaml")
    open(path, "w").write(text)
    return path


def run_one(args, spec, name, threads, ranks):
    out = os.path.join(args.work, name)
    shutil.rmtree(out, ignore_errors=True)
    cmd = [args.iondrift, "sweep", spec, "-o", out, "--threads", str(threads)]
    if ranks:
        cmd = [args.mpirun, "-np", str(ranks)] + cmd
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load0 = loadavg()
    t0 = time.monotonic()
    env = dict(os.environ)
    if ranks and os.geteuid() == 0:  # Open MPI refuses root without both
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit("bench: %s failed (%d):\n%s%s" % (name, p.returncode, p.stdout, p.stderr))
    m = re.search(r"wall +([0-9.]+) s, ([0-9.e+]+) points/s; overhead outside the runs ([0-9.e+-]+) %"
                  r" \(([0-9.e+-]+) ms per point\)", p.stdout)
    rss = re.search(r"peak memory ([0-9.]+) MB per rank", p.stdout)
    done = re.search(r"points +(\d+) done here", p.stdout)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    table = [l.split(",") for l in open(os.path.join(out, "results.csv")).read().splitlines()]
    wall_col = table[0].index("wall_s")
    return {"name": name, "cores": max(threads, 1) * max(ranks, 1), "wall": float(m.group(1)),
            "rate": float(m.group(2)), "overhead_pct": float(m.group(3)),
            "overhead_ms": float(m.group(4)), "rss": float(rss.group(1)), "cpu": cpu,
            "points": int(done.group(1)), "load": (load0, loadavg()), "outer_wall": wall,
            "table": [[c for i, c in enumerate(r) if i != wall_col] for r in table]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iondrift", required=True)
    ap.add_argument("--points", type=int, default=200)
    ap.add_argument("--mpirun", default="")
    ap.add_argument("--work", default="")
    ap.add_argument("--runs", default="1t,2t,2r")
    args = ap.parse_args()
    args.work = args.work or tempfile.mkdtemp(prefix="idr_sweep_bench_")
    os.makedirs(args.work, exist_ok=True)
    spec = spec_with(args.points, args.work)
    plan = {"1t": (1, 0), "2t": (2, 0), "2r": (1, 2)}
    res = []
    for key in args.runs.split(","):
        threads, ranks = plan[key]
        if ranks and not args.mpirun:
            print("bench: no --mpirun: the 2-rank run is skipped")
            continue
        name = "%dthread%s" % (threads, "s" if threads > 1 else "") + ("_%dranks" % ranks if ranks else "")
        r = run_one(args, spec, name, threads, ranks)
        res.append(r)
        print("case=sweep run=%s points=%d cores=%d wall_s=%.2f points_per_s=%.4f cpu_s=%.1f "
              "overhead_pct=%.3f overhead_ms_per_point=%.2f peak_rss_mb_per_rank=%.0f "
              "load_before=%.2f load_after=%.2f" % (r["name"], r["points"], r["cores"], r["wall"],
                                                    r["rate"], r["cpu"], r["overhead_pct"],
                                                    r["overhead_ms"], r["rss"], *r["load"]))
        sys.stdout.flush()
    base = next((r for r in res if r["cores"] == 1 and "ranks" not in r["name"]), None)
    for r in res:
        if base and r is not base:
            eff = r["rate"] / (r["cores"] * base["rate"])
            cpu_ratio = r["cpu"] / base["cpu"]
            print("case=efficiency run=%s speedup=%.3f efficiency_pct=%.1f (target >= 90) "
                  "cpu_ratio=%.3f tables_equal=%s" % (r["name"], r["rate"] / base["rate"],
                                                       100 * eff, cpu_ratio,
                                                       r["table"] == base["table"]))
    print("bench: work files in %s" % args.work)


if __name__ == "__main__":
    main()
