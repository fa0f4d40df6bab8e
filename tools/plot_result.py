#!/usr/bin/python3
"""Plot an iondrift result file: J(t) and the potential, ion and carrier profiles.

The file layout is specified in docs/outputs.md (SI units, a `units` attribute
on every dataset). Only numpy, h5py and matplotlib are needed.

    plot_result.py run.h5               show the figure in a window
    plot_result.py run.h5 -o run.png    write it to a file instead
    plot_result.py run.h5 --snapshots 6 number of profile times drawn
"""

import argparse
import sys

import h5py
import matplotlib
import matplotlib.cm
import numpy as np


def as_text(value):
    """An HDF5 string (attribute or dataset value) as str."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        return as_text(value[()] if value.shape == () else value.flat[0])
    return str(value)


def units(ds):
    return as_text(ds.attrs["units"]) if "units" in ds.attrs else "?"


def read(group, name):
    """(values, units) of a dataset in group, or (None, None) if absent."""
    if group is None or name not in group or not isinstance(group[name], h5py.Dataset):
        return None, None
    ds = group[name]
    return np.asarray(ds[()], dtype=float), units(ds)


def species(group, prefix):
    """Names of datasets in group starting with prefix, sorted."""
    if group is None:
        return []
    return sorted(k for k in group.keys() if k.startswith(prefix) and isinstance(group[k], h5py.Dataset))


def snapshot_rows(t, count):
    """Indices of up to `count` snapshots, spread evenly in log time when possible."""
    n = len(t)
    if n <= count:
        return list(range(n))
    positive = np.flatnonzero(t > 0)
    if len(positive) >= count and t.max() / t[positive].min() > 100:
        logt = np.log(t[positive])
        targets = np.linspace(logt.min(), logt.max(), count)
        return sorted({int(positive[np.argmin(np.abs(logt - v))]) for v in targets})
    return sorted({int(round(v)) for v in np.linspace(0, n - 1, count)})


def group(f, path):
    return f[path] if path in f and isinstance(f[path], h5py.Group) else None


def plot_currents(ax, tr):
    t, t_units = read(tr, "t")
    if t is None:
        ax.text(0.5, 0.5, "no transient", ha="center", va="center", transform=ax.transAxes)
        return
    logt = np.all(t[1:] > 0) and len(t) > 2 and t[-1] / max(t[1], 1e-300) > 100
    sel = t > 0 if logt else np.ones_like(t, dtype=bool)
    for name, style in (("J", "k-"), ("Jn", "b--"), ("Jp", "r--"), ("Jion", "g-."), ("Jdisp", "m:")):
        j, j_units = read(tr, name)
        if j is not None:
            ax.plot(t[sel], j[sel], style, label=f"{name} [{j_units}]")
    if logt:
        ax.set_xscale("log")
    ax.set_xlabel(f"t [{t_units}]")
    ax.set_ylabel("current density")
    ax.set_title("terminal current")
    ax.legend(fontsize="small")
    v, v_units = read(tr, "V")
    if v is not None:
        ax2 = ax.twinx()
        ax2.plot(t[sel], v[sel], color="0.6", lw=0.8)
        ax2.set_ylabel(f"V [{v_units}] (grey)")


def plot_profiles(ax, x_nm, prof, eq, names, title, logy, snapshots):
    """Profiles at a few snapshot times (solid) and at equilibrium (dashed black)."""
    drawn = False
    t = read(prof, "t")[0] if prof is not None else None
    rows = snapshot_rows(t, snapshots) if t is not None else []
    colors = matplotlib.cm.viridis(np.linspace(0, 1, max(len(rows), 1)))
    label_units = ""
    for name in names:
        y_eq, u_eq = read(eq, name)
        if y_eq is not None:
            ax.plot(x_nm, y_eq, "k--", lw=1, zorder=3, label=f"{name} equilibrium")
            drawn, label_units = True, u_eq
        data, u = read(prof, name)
        if data is None or data.ndim != 2:
            continue
        for c, i in zip(colors, rows):
            ax.plot(x_nm, data[i], color=c, lw=1.2, label=f"{name} t={t[i]:.3g} s")
        drawn, label_units = True, u
    if not drawn:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
        return
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("x [nm]")
    ax.set_ylabel(f"[{label_units}]")
    ax.set_title(title)
    ax.legend(fontsize="x-small", ncol=1 if len(names) == 1 else 2)



def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", help="iondrift result file (.h5)")
    ap.add_argument("-o", "--output", help="write the figure here (png, pdf, svg) instead of showing it")
    ap.add_argument("--snapshots", type=int, default=5, help="profile times to draw (default 5)")
    args = ap.parse_args(argv)
    snapshots = max(1, args.snapshots)

    if args.output:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        f = h5py.File(args.file, "r")
    except OSError as e:
        print(f"{args.file}: cannot open: {e}", file=sys.stderr)
        return 1
    with f:
        x, x_units = read(group(f, "mesh"), "x")
        if x is None:
            print(f"{args.file}: no mesh/x dataset (is this an iondrift result?)", file=sys.stderr)
            return 1
        if x_units != "m":
            print(f"{args.file}: mesh/x has units '{x_units}', expected 'm'", file=sys.stderr)
            return 1
        x_nm = x * 1e9
        tr = group(f, "transient")
        prof = group(f, "transient/profiles")
        eq = group(f, "equilibrium")

        fig, axes = plt.subplots(2, 2, figsize=(12, 8.5))
        plot_currents(axes[0, 0], tr)
        plot_profiles(axes[0, 1], x_nm, prof, eq, ["phi"], "electrostatic potential", False, snapshots)
        ions = sorted(set(species(prof, "ion_")) | set(species(eq, "ion_")))
        plot_profiles(axes[1, 0], x_nm, prof, eq, ions, "mobile ions", True, snapshots)
        plot_profiles(axes[1, 1], x_nm, prof, eq, ["n", "p"], "carriers", True, snapshots)

        version = as_text(f.attrs["iondrift_version"]) if "iondrift_version" in f.attrs else "?"
        temp = f.attrs.get("temperature_K")
        title = f"{args.file}  (iondrift {version}"
        if temp is not None:
            title += f", T = {float(np.asarray(temp).ravel()[0]):g} K"
        fig.suptitle(title + ")")
        fig.tight_layout()

    if args.output:
        fig.savefig(args.output, dpi=120)
    else:
        plt.show()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
