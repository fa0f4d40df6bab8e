"""Figures of a sweep's DIR/results.h5 (docs/sweep.md, docs/plots.md).

A sweep whose outputs hold the extracted and the true Ea and N_ion over an
ion density axis is drawn as the bias map of the TID analysis (extracted /
true against N_ion / N_A, one panel column per absorber thickness, one
colour per true Ea, anions solid and cations dashed, an open symbol where
the extraction names the wrong ion); any other sweep as its outputs against
its last numeric axis (log where the values are log-spaced), one line per
combination of the other axes; the solver's cost (wall_s, steps) and the
inputs (input:...) are not drawn as outputs; points left out (failed, nan)
are counted on the figure.
"""

import numpy as np

from idrplot.common import BadInput, as_text, attr

MAX_LINES = 12  # lines per panel of the generic figure
DIAGNOSTICS = ("wall_s", "steps")  # the solver's cost, not a result: not drawn as outputs
GEOMETRIC_RTOL = 1e-6  # ratios of successive axis values equal within this: a log axis
MAX_PANELS = 6  # outputs drawn by the generic figure
RATIO_EA = (-0.5, 2.0)  # y range of extracted / true Ea (points outside drawn at the edge)
RATIO_N = (3e-3, 3.0)  # y range of extracted / true N_ion


def table(f):
    """(axes, outputs, columns, units, ok): the table of a results.h5."""
    if "table" not in f:
        raise BadInput("no table/ group (not a sweep's results.h5)")
    t = f["table"]
    axes = [a for a in as_text(t.attrs.get("axes", "")).split(",") if a]
    outs = [o for o in as_text(t.attrs.get("outputs", "")).split(",") if o]
    cols, units = {}, {}
    for name in axes + outs:
        if name not in t:
            raise BadInput("table/%s is missing" % name)
        cols[name] = np.asarray(t[name][()], dtype=float)
        units[name] = as_text(t[name].attrs.get("units", "-"))
        if "values" in t[name].attrs:  # a string axis: indices into its words
            words = as_text(t[name].attrs["values"]).split(",")
            cols[name] = np.array([words[int(i)] for i in cols[name]], dtype=object)
    ok = np.asarray(t["ok"][()], dtype=int) if "ok" in t else np.ones(len(cols[axes[0]]), int)
    return axes, outs, cols, units, ok


def is_bias_map(axes, outs):
    need = {"Ea_extracted_eV", "Ea_true_eV", "N_extracted_cm3", "N_true_cm3"}
    return need <= set(outs) and "ions[0].density_cm3" in axes


def log_spaced(values):
    """Whether the distinct values of an axis are log-spaced (logspace, or
    any geometric progression of 3 or more values, or 2 a decade or more
    apart) or span more than two decades: then it is drawn on a log axis."""
    v = np.unique(np.asarray(values, dtype=float))
    v = v[np.isfinite(v)]
    if v.size < 2 or np.any(v <= 0):
        return False
    if v.max() / v.min() > 100:
        return True
    if v.size == 2:
        return v[1] / v[0] >= 10
    r = v[1:] / v[:-1]
    d = np.diff(v)
    geometric = np.allclose(r, r[0], rtol=GEOMETRIC_RTOL)
    linear = np.allclose(d, d[0], rtol=GEOMETRIC_RTOL)
    return geometric and not linear


def not_drawn(ok, y):
    """(failed, nan): points of a column left out, by why."""
    ok = np.asarray(ok) == 1
    return int(np.sum(~ok)), int(np.sum(ok & ~np.isfinite(np.asarray(y, dtype=float))))


def label(name, units):
    return "%s [%s]" % (name, units) if units not in ("-", "") else name


def n_a_of(f, cols):
    """The absorber's N_A [cm^-3]: an input: output, else the stored base deck."""
    for k in cols:
        if k.startswith("input:") and k.endswith("N_A_cm3"):
            return cols[k]
    v = attr(f["table"], "absorber_N_A_cm3")
    if v:
        return v
    raise BadInput("the bias map needs the absorber's N_A: add an output input:layers[i].N_A_cm3")


def clip(y, lo, hi):
    """y inside [lo, hi], and a mask of the points that were outside."""
    y = np.asarray(y, dtype=float)
    out = (y < lo) | (y > hi)
    return np.clip(y, lo, hi), out


def figure_bias_map(f, path, title):
    import matplotlib.pyplot as plt

    axes, outs, c, units, ok = table(f)
    ratio = c["ions[0].density_cm3"] / n_a_of(f, c)
    ea_r = c["Ea_extracted_eV"] / c["Ea_true_eV"]
    n_r = c["N_extracted_cm3"] / c["N_true_cm3"]
    thick = c.get("layers[1].thickness_nm", np.zeros(len(ratio)))
    sign = c.get("ions[0].charge", c.get("charge_true", -np.ones(len(ratio))))
    ea = c.get("ions[0].Ea_eV", c["Ea_true_eV"])
    read = c.get("charge_extracted", sign)
    ds = sorted(set(thick))
    eas = sorted(set(ea))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, grid = plt.subplots(2, len(ds), figsize=(4.2 * len(ds), 7.4), sharex=True, squeeze=False)
    for j, d in enumerate(ds):
        for q, style, mk in ((-1, "-", "o"), (1, "--", "s")):
            for e_i, e in enumerate(eas):
                sel = (thick == d) & (sign == q) & (ea == e) & (ok == 1)
                if not np.any(sel):
                    continue
                order = np.argsort(ratio[sel])
                x = ratio[sel][order]
                wrong = (read[sel][order] != q)
                for row, (y, (lo, hi)) in enumerate(((ea_r, RATIO_EA), (n_r, RATIO_N))):
                    yy, out = clip(y[sel][order], lo, hi)
                    ax = grid[row][j]
                    name = "%s, Ea %.2g eV" % ("anion" if q < 0 else "cation", e)
                    ax.plot(x, yy, style, color=colors[e_i % len(colors)], lw=1.1,
                            label=name if j == 0 and row == 0 else None)
                    good = ~wrong & np.isfinite(yy)
                    ax.plot(x[good], yy[good], mk, color=colors[e_i % len(colors)], ms=5)
                    ax.plot(x[wrong], yy[wrong], mk, mfc="none", color=colors[e_i % len(colors)],
                            ms=6)
                    up, down = out & (yy >= hi), out & (yy <= lo)
                    ax.plot(x[up], yy[up], "k^", ms=3)
                    ax.plot(x[down], yy[down], "kv", ms=3)
        for row in range(2):
            ax = grid[row][j]
            ax.axhline(1.0, color="0.3", lw=0.8)
            ax.set_xscale("log")
        grid[0][j].set_ylim(*RATIO_EA)
        grid[1][j].set_yscale("log")
        grid[1][j].set_ylim(*RATIO_N)
        grid[0][j].set_title("absorber %g nm" % d if d else "")
        grid[1][j].set_xlabel(r"$N_\mathrm{ion}/N_A$")
    grid[0][0].set_ylabel(r"extracted / true $E_a$")
    grid[1][0].set_ylabel(r"extracted / true $N_\mathrm{ion}$")
    grid[0][0].legend(loc="lower left", ncol=2)
    failed, nan_ea = not_drawn(ok, ea_r)
    nan_n = not_drawn(ok, n_r)[1]
    lost = ("\nnot drawn: %d failed point(s), %d without an extracted Ea, %d without N_ion "
            "(of %d)" % (failed, nan_ea, nan_n, len(ok))) if failed or nan_ea or nan_n else ""
    fig.suptitle(title + "\nfilled: the ion named right; open: named as the other sign; "
                 "black triangles: beyond the axis" + lost, fontsize=9)
    fig.tight_layout()
    return fig


def figure_generic(f, path, title):
    import matplotlib.pyplot as plt

    axes, outs, c, units, ok = table(f)
    numeric = [a for a in axes if c[a].dtype != object]
    words = None
    if numeric:
        x_name = numeric[-1] if attr(f, "design") in ("grid", None) else numeric[0]
    else:  # only string axes: the first one's words as categories
        x_name = axes[0]
        words = sorted(set(c[x_name]))
        c = dict(c)
        c[x_name] = np.array([words.index(w) for w in c[x_name]], dtype=float)
    others = [a for a in axes if a != x_name]
    results = [o for o in outs if o not in DIAGNOSTICS and not o.startswith("input:")]
    shown = (results or [o for o in outs if o not in DIAGNOSTICS] or outs)[:MAX_PANELS]
    hidden = [o for o in outs if o not in shown]
    ncol = min(3, len(shown))
    nrow = (len(shown) + ncol - 1) // ncol
    fig, grid = plt.subplots(nrow, ncol, figsize=(4.3 * ncol, 3.4 * nrow), squeeze=False)
    combos = sorted(set(zip(*[c[o] for o in others]))) if others else [()]
    qrng = attr(f, "design") not in ("grid", "zip", None)
    x = c[x_name]
    for p, name in enumerate(shown):
        ax = grid[p // ncol][p % ncol]
        y = c[name]
        failed, nan = not_drawn(ok, y)
        if nan:
            ax.text(0.02, 0.98, "%d of %d point(s) nan: not drawn" % (nan, len(y)),
                    transform=ax.transAxes, ha="left", va="top", fontsize="x-small", color="C3")
        if qrng or len(combos) > MAX_LINES:
            ax.scatter(x[ok == 1], y[ok == 1], s=12)
        else:
            for combo in combos:
                sel = np.ones(len(x), bool)
                for o, v in zip(others, combo):
                    sel &= c[o] == v
                order = np.argsort(x[sel])
                lab = ", ".join("%s=%s" % (o, v) for o, v in zip(others, combo))
                ax.plot(x[sel][order], y[sel][order], "o-", ms=3, label=lab or None)
        flag = (np.asarray(f["table/flagged"][()]) == 1) if "table/flagged" in f else \
            np.zeros(len(x), bool)
        mark = flag & np.isfinite(np.asarray(y, dtype=float))
        if np.any(mark):  # flagged values (e.g. a tau outside the window): ringed
            ax.plot(np.asarray(x, dtype=float)[mark], np.asarray(y, dtype=float)[mark], "o",
                    mfc="none", mec="red", ms=9, mew=1.2, zorder=4)
        ax.set_xlabel(label(x_name, units[x_name]))
        if words:
            ax.set_xticks(range(len(words)))
            ax.set_xticklabels(words)
        ax.set_ylabel(label(name, units[name]))
        fin = np.isfinite(y) & (y > 0)
        if np.any(fin) and np.nanmax(y[fin]) / np.nanmin(y[fin]) > 100 and np.all(y[np.isfinite(y)] > 0):
            ax.set_yscale("log")
        if not words and log_spaced(x):
            ax.set_xscale("log")
    for p in range(len(shown), nrow * ncol):
        grid[p // ncol][p % ncol].axis("off")
    if others and len(combos) <= MAX_LINES:
        grid[0][0].legend(fontsize="x-small")
    n_failed = int(np.sum(ok == 0))
    n_flagged = int(np.sum(np.asarray(f["table/flagged"][()]) == 1)) if "table/flagged" in f else 0
    notes = []
    if n_failed:
        notes.append("%d failed point(s) not drawn" % n_failed)
    if n_flagged:
        notes.append("%d flagged (a value missing or tau outside the window, ringed red: "
                     "results.csv)" % n_flagged)
    if hidden:
        notes.append("not drawn: %s" % ", ".join(hidden))
    fig.suptitle(title + "".join("\n" + s for s in notes), fontsize=9)
    fig.tight_layout()
    return fig


def figure(f, path, title):
    axes, outs, _, _, _ = table(f)
    if is_bias_map(axes, outs):
        return figure_bias_map(f, path, title)
    return figure_generic(f, path, title)

