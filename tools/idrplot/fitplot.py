"""The figure of a fit (`iondrift fit -o FIT.h5`, docs/fit.md): every data
set's data against the best-fit curves (one colour per temperature), the
weighted residuals, and each profile likelihood with its 68 % and 95 %
levels."""

import numpy as np

from .common import BadInput, as_text, attr, cap_scale, data, group, temperature_colors

X_LABEL = {"tid": ("time after the pulse t [s]", True), "cf": ("frequency f [Hz]", True),
           "cv": ("DC bias V [V]", False)}
DCHI2_68, DCHI2_95 = 1.0, 3.841458820694124


def _sets(f):
    d = group(f, "data")
    if d is None:
        raise BadInput("data/ is missing (not a fit result)")
    names = sorted(d.keys(), key=lambda s: int(s.split("_")[-1]))
    return [d[n] for n in names]


def _draw_set(ax, g):
    kind = attr(g, "type", "tid")
    x, C, model = data(g, "x"), data(g, "C", "F"), data(g, "model", "F")
    T = data(g, "T", "K")
    start = np.asarray(g["curve_start"][()], dtype=int)
    scale, unit = cap_scale(C, False)
    colors, sm = temperature_colors(T)
    label, logx = X_LABEL.get(kind, ("x", False))
    for j in range(len(T)):
        s = slice(start[j], start[j + 1])
        ax.plot(x[s], C[s] * scale, "o", ms=3, color=colors[j], alpha=0.8)
        ax.plot(x[s], model[s] * scale, "-", lw=1.2, color=colors[j])
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(label)
    ax.set_ylabel("capacitance C [%s]" % unit)
    ax.set_title("%s: %s (dots: data, lines: fit)" % (kind, as_text(g.attrs.get("file", "?"))),
                 fontsize=9)
    if len(T) > 1:
        ax.figure.colorbar(sm, ax=ax, label="T [K]", pad=0.01)


def _draw_residuals(ax, sets):
    off = 0
    for i, g in enumerate(sets):
        r = data(g, "residual")
        idx = np.arange(off, off + len(r))
        ax.plot(idx, r, "o", ms=2.5, color="C%d" % i,
                label="data[%d] (%s)" % (i, attr(g, "type", "?")))
        off += len(r)
    ax.axhline(0, color="k", lw=0.8)
    for y in (-2, 2):
        ax.axhline(y, color="0.5", lw=0.6, ls="--")
    ax.set_xlabel("point")
    ax.set_ylabel("(model - data) / $\\sigma$")
    ax.set_title("(b) weighted residuals (dashed: $\\pm$2)", fontsize=9)
    ax.legend(loc="best")


def _draw_profile(ax, f, g, k):
    v, d = data(g, "value"), data(g, "dchi2", "-")
    path = attr(g, "path", "?")
    par = group(f, "parameters")
    units = (attr(par, "units", "") or "").split(",")
    best = data(par, "value")[k]
    order = np.argsort(np.append(v, best))  # the optimum itself: dchi2 = 0
    ax.plot(np.append(v, best)[order], np.append(d, 0.0)[order], "o-", ms=4, color="C0")
    ax.axvline(best, color="C3", lw=0.8, label="best fit")
    for lev, ls in ((DCHI2_68, "--"), (DCHI2_95, ":")):
        ax.axhline(lev, color="0.4", lw=0.8, ls=ls)
    log = bool(np.asarray(par["log_scale"][()])[k])
    if log:
        ax.set_xscale("log")
    ax.set_xlabel("%s [%s]" % (path, units[k] if k < len(units) else ""))
    ax.set_ylabel("$\\Delta\\chi^2$")
    ax.set_title("profile (68 %%: %.0f, 95 %%: %.2f)" % (DCHI2_68, DCHI2_95), fontsize=9)
    ax.set_ylim(bottom=0)


def figure(f, path, title):
    import matplotlib.pyplot as plt

    sets = _sets(f)
    prof = group(f, "profiles")
    profs = sorted(prof.keys(), key=lambda s: int(s[1:])) if prof is not None else []
    ncol = max(len(sets), 1 + len(profs), 2)
    fig, axes = plt.subplots(2, ncol, figsize=(5.2 * ncol, 8.6), squeeze=False,
                             gridspec_kw={"hspace": 0.38, "wspace": 0.32})
    for i in range(ncol):
        if i < len(sets):
            _draw_set(axes[0][i], sets[i])
        else:
            axes[0][i].axis("off")
    _draw_residuals(axes[1][0], sets)
    for i in range(1, ncol):
        if i - 1 < len(profs):
            g = prof[profs[i - 1]]
            _draw_profile(axes[1][i], f, g, int(attr(g, "index", 0)))
        else:
            axes[1][i].axis("off")
    par = group(f, "parameters")
    paths = (attr(par, "paths", "") or "").split(",")
    vals, ses = data(par, "value"), data(par, "stderr")
    lines = ["%s = %.4g $\\pm$ %.2g" % (p, v, s) for p, v, s in zip(paths, vals, ses)]
    fig.suptitle("%s\n$\\chi^2_{red}$ = %.3g, %d simulations; %s" % (
        title, attr(f, "chi2_reduced", np.nan), int(attr(f, "simulations", 0)), "; ".join(lines)),
        fontsize=9)
    return fig
