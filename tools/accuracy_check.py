#!/usr/bin/env python3
"""Compare a run with a reference run of the same deck (docs/accuracy.md).

    tools/accuracy_check.py RUN_J.csv REF_J.csv      # waveform: J(t), C(t)
    tools/accuracy_check.py RUN_tid.csv REF_tid.csv  # tid: C(t), dC(t)

Waveform (the `_J.csv` of `iondrift run`): per segment (a segment starts
where a time repeats: the sample at the bias change), the largest
|J - J_ref| / |J_ref| over the samples where |J_ref| is above --window
(default 1e-3) times its peak over the samples after the change, the
issue's criterion as written (also at the samples next to a sign change of
J_ref, which are counted).
C: the largest |C / C_ref - 1| when the run sampled it.
TID (the `_tid.csv`): per temperature, the largest |C / C_ref - 1| and the
error of dC(t) = C(t) - C(t_last) relative to the reference's amplitude
max |dC_ref|.
Prints one line per segment or temperature and a closing `max` line; exits 0
(a figure, not a test: validation/vaccuracy.c holds the checks).
"""
import argparse
import sys

import numpy as np


def segments(t):
    starts = [0] + [i for i in range(1, len(t)) if t[i] == t[i - 1]] + [len(t)]
    return list(zip(starts[:-1], starts[1:]))


def waveform(a, b, window):
    t = a["time_s"]
    worst_j = worst_c = 0.0
    for n, (s0, s1) in enumerate(segments(t), 1):
        J, R = a["J_A_m2"][s0:s1], b["J_A_m2"][s0:s1]
        peak = np.max(np.abs(R[1:])) if s1 - s0 > 1 else abs(R[0])
        e_max = 0.0
        t_max = j_max = float("nan")
        used = crossing = 0
        for k in range(len(R)):
            if not abs(R[k]) > window * peak:
                continue
            if any(0 <= j < len(R) and R[j] * R[k] < 0 for j in (k - 1, k + 1)):
                crossing += 1
            e = abs(J[k] - R[k]) / abs(R[k])
            used += 1
            if not e <= e_max:
                e_max, t_max, j_max = e, t[s0 + k] - t[s0], abs(R[k]) / peak
        line = ("segment %d (V = %g V): J max error %.3g at t - t0 = %.3g s where |J_ref| = "
                "%.3g of the peak (%d samples above %g of the peak, %d next to a sign change)"
                % (n, a["V_V"][s0], e_max, t_max, j_max, used, window, crossing))
        worst_j = max(worst_j, e_max)
        if "C_F_m2" in a.dtype.names and "C_F_m2" in b.dtype.names:
            ec = np.max(np.abs(a["C_F_m2"][s0:s1] / b["C_F_m2"][s0:s1] - 1))
            line += "; C max |C/C_ref - 1| %.3g" % ec
            worst_c = max(worst_c, ec)
        print(line)
    print("max: J %.3g, C %.3g" % (worst_j, worst_c))


def tid(a, b):
    worst_c = worst_d = 0.0
    for T in np.unique(a["temperature_K"])[::-1]:
        ma, mb = a["temperature_K"] == T, b["temperature_K"] == T
        C, R = a["C_F_m2"][ma], b["C_F_m2"][mb]
        ec = np.max(np.abs(C / R - 1))
        amp = np.max(np.abs(R - R[-1]))
        ed = np.max(np.abs((C - C[-1]) - (R - R[-1]))) / amp
        print("T = %5.1f K: max |C/C_ref - 1| %.3g, dC error / amplitude %.3g (amplitude %.3g of C)"
              % (T, ec, ed, amp / abs(R[-1])))
        worst_c, worst_d = max(worst_c, ec), max(worst_d, ed)
    print("max: C %.3g, dC %.3g" % (worst_c, worst_d))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run")
    p.add_argument("ref")
    p.add_argument("--window", type=float, default=1e-3)
    o = p.parse_args()
    a = np.genfromtxt(o.run, delimiter=",", names=True)
    b = np.genfromtxt(o.ref, delimiter=",", names=True)
    if a.shape != b.shape:
        sys.exit("accuracy_check: %s and %s have different samples" % (o.run, o.ref))
    if "temperature_K" in a.dtype.names:
        tid(a, b)
    else:
        waveform(a, b, o.window)


if __name__ == "__main__":
    main()
