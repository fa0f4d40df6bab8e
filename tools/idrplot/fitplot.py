"""The figure of a fit (`iondrift fit -o FIT.h5`, docs/fit.md): every data
set's data against the best-fit curves (one colour per temperature), the
weighted residuals, and each profile likelihood with its 68 % and 95 %
levels; the free panels show, in this order, the textbook Arrhenius plot of
the first TID data set beside the fitted Ea, the correlation matrix and the
table of the parameters with the warnings."""

import textwrap

import numpy as np

from . import tid
from .common import BadInput, K_B_EV, as_text, attr, cap_scale, data, group, temperature_colors

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
        ax.tick_params(axis="x", which="both", labelsize=7, labelrotation=25)
    ax.set_xlabel("%s [%s]" % (path, units[k] if k < len(units) else ""))
    ax.set_ylabel("$\\Delta\\chi^2$")
    ax.set_title("profile (68 %%: %.0f, 95 %%: %.2f)" % (DCHI2_68, DCHI2_95), fontsize=9)
    ax.set_ylim(bottom=0)


def _params(f):
    par = group(f, "parameters")
    if par is None:
        raise BadInput("parameters/ is missing (not a fit result)")
    paths = (attr(par, "paths", "") or "").split(",")
    return par, paths


def _draw_arrhenius(ax, f, tb):
    """The textbook Arrhenius plot of the first tid data set (tid.py's panel
    on textbook/) and, for each fitted Ea, a line of slope -Ea/k through the
    textbook law at the mean 1000/T of the temperatures it used, +-1
    standard error shaded: the fit's barrier beside the textbook's (the
    model's tau(T) itself has no closed form)."""
    s = tid.load(tb, "extract")
    colors, _ = temperature_colors(s["T"])
    tid._panel_arrhenius(ax, s, colors)
    par, paths = _params(f)
    val, se = data(par, "value"), data(par, "stderr")
    laws = s["x"]["laws"] if s["x"] is not None else []
    used = s["x"]["used"] if s["x"] is not None else None
    T = s["T"][used] if used is not None and used.any() else s["T"]
    x = np.linspace(1000.0 / T.max(), 1000.0 / T.min(), 50)
    xm = float(np.mean(1000.0 / T))
    ea_idx = [k for k, p in enumerate(paths) if p.endswith("Ea_eV")]
    for i, k in enumerate(ea_idx):
        law = laws[i] if i < len(laws) and laws[i] is not None else next(
            (w for w in laws if w is not None), None)
        if law is None:
            break
        ym = law["lnA"] - law["Ea"] * xm / (1000.0 * K_B_EV)
        slope = -1.0 / (1000.0 * K_B_EV)
        line = ym + val[k] * slope * (x - xm)
        ax.plot(x, line, "-", color="C3" if i == 0 else "C1", lw=1.6, zorder=2,
                label="fit %s = %.4f $\\pm$ %.4f eV (slope)" % (paths[k], val[k], se[k]))
        if np.isfinite(se[k]):
            ax.fill_between(x, ym + (val[k] - se[k]) * slope * (x - xm),
                            ym + (val[k] + se[k]) * slope * (x - xm), color="C3" if i == 0 else
                            "C1", alpha=0.15, lw=0, zorder=1)
    ax.legend(loc="best", fontsize="x-small")
    ax.set_title("textbook Arrhenius of data[0] (black) and the fitted E$_a$ (red)", fontsize=9,
                 pad=24)


def _draw_correlation(ax, f):
    par, paths = _params(f)
    c = np.asarray(par["correlation"][()], dtype=float)
    n = c.shape[0]
    im = ax.imshow(c, cmap="RdBu_r", vmin=-1.0, vmax=1.0)
    for i in range(n):
        for j in range(n):
            if np.isfinite(c[i, j]):
                strong = i != j and abs(c[i, j]) > 0.99
                ax.text(j, i, "%.3f" % c[i, j], ha="center", va="center", fontsize=8,
                        fontweight="bold" if strong else "normal",
                        color="w" if abs(c[i, j]) > 0.6 else "k")
    short = [p.split(".")[-1] if "." in p else p for p in paths[:n]]
    ax.set_xticks(range(n), short, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(n), short, fontsize=8)
    ax.figure.colorbar(im, ax=ax, label="correlation [-]", pad=0.02)
    ax.set_title("correlation at the optimum (bold: |r| > 0.99)", fontsize=9)


def _draw_table(ax, f):
    par, paths = _params(f)
    units = (attr(par, "units", "") or "").split(",")
    val, se = data(par, "value"), data(par, "stderr")
    ci68, ci95 = data(par, "ci68"), data(par, "ci95")
    prof = np.asarray(par["profiled"][()]).astype(bool)
    ident = np.asarray(par["identifiable"][()]).astype(bool)
    lines = []
    for k, p in enumerate(paths[:len(val)]):
        u = units[k] if k < len(units) else ""
        lines += ["%s = %.5g $\\pm$ %.2g %s%s" % (p, val[k], se[k], u,
                                                  "" if ident[k] else "  NOT IDENTIFIABLE"),
                  "    68 %%: [%.5g, %.5g]   95 %%: [%.5g, %.5g]  (%s)" % (
                      ci68[k][0], ci68[k][1], ci95[k][0], ci95[k][1],
                      "profile" if prof[k] else "linear")]
    warn = (attr(f, "warnings", "") or "").strip()
    tb_err = attr(f, "textbook_error", "")
    if tb_err:
        lines.append("")
        lines += textwrap.wrap("no textbook extraction: " + tb_err, 60, subsequent_indent="    ")
    lines.append("")
    lines.append("warnings:" if warn else "no warnings")
    for w in warn.splitlines():
        lines += textwrap.wrap(w, 60, initial_indent="  ", subsequent_indent="    ")
    ax.text(0.0, 1.0, "\n".join(lines), transform=ax.transAxes, va="top", ha="left", fontsize=8,
            family="monospace")
    ax.axis("off")
    ax.set_title("fitted parameters", fontsize=9)


def _extras(f):
    """The panels that fill the free slots, most wanted first."""
    par, paths = _params(f)
    out = []
    tb = group(f, "textbook")
    if tb is not None and group(tb, "extraction") is not None and any(
            p.endswith("Ea_eV") for p in paths):
        out.append(lambda ax: _draw_arrhenius(ax, f, tb))
    if "correlation" in par and np.asarray(par["correlation"]).shape[0] >= 2:
        out.append(lambda ax: _draw_correlation(ax, f))
    out.append(lambda ax: _draw_table(ax, f))
    return out


def figure(f, path, title):
    import matplotlib.pyplot as plt

    sets = _sets(f)
    prof = group(f, "profiles")
    profs = sorted(prof.keys(), key=lambda s: int(s[1:])) if prof is not None else []
    ncol = max(len(sets), 1 + len(profs), 2)
    fig, axes = plt.subplots(2, ncol, figsize=(5.2 * ncol, 8.6), squeeze=False,
                             gridspec_kw={"hspace": 0.38, "wspace": 0.32})
    free = []
    for i in range(ncol):
        if i < len(sets):
            _draw_set(axes[0][i], sets[i])
        else:
            free.append(axes[0][i])
    _draw_residuals(axes[1][0], sets)
    for i in range(1, ncol):
        if i - 1 < len(profs):
            g = prof[profs[i - 1]]
            _draw_profile(axes[1][i], f, g, int(attr(g, "index", 0)))
        else:
            free.append(axes[1][i])
    extras = _extras(f)
    for i, ax in enumerate(free):
        if i < len(extras):
            extras[i](ax)
        else:
            ax.axis("off")
    par, paths = _params(f)
    vals, ses = data(par, "value"), data(par, "stderr")
    lines = ["%s = %.4g $\\pm$ %.2g" % (p, v, s) for p, v, s in zip(paths, vals, ses)]
    fig.suptitle("%s\n$\\chi^2_{red}$ = %.3g, %d simulations; %s" % (
        title, attr(f, "chi2_reduced", np.nan), int(attr(f, "simulations", 0)), "; ".join(lines)),
        fontsize=9)
    fig.subplots_adjust(top=0.82)  # room for the Arrhenius panel's temperature axis
    return fig
