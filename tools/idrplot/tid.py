"""TID figures: the capacitance transients C(t) at every temperature with the
fitted curves, C(t) - C_inf(T) on a common baseline, and the Arrhenius plot
ln(T^n/tau) against 1000/T with error bars, the fitted law and Ea +- its error.
Reads the `tid` group of `iondrift run` and the file of `iondrift extract -o`
(docs/outputs.md, one layout for the extraction)."""

import numpy as np

from .common import BadInput, K_B_EV, as_text, attr, cap_scale, data, group, temperature_colors


def _curves_run(f):
    tid = group(f, "tid")
    T = data(tid, "T", "K")
    t = data(tid, "t", "s")
    C = data(tid, "C", "F/m^2")
    if C.ndim != 2 or C.shape != (len(T), len(t)):
        raise BadInput("tid/C has shape %s, expected (%d, %d)" % (C.shape, len(T), len(t)))
    return T, [(t, C[j]) for j in range(len(T))], True, tid


def _curves_extract(f):
    d = group(f, "data")
    if d is None:
        raise BadInput("no group 'data' (written by iondrift extract -o)")
    T = data(d, "T", "K")
    off = data(d, "offset").astype(int)
    t = data(d, "t", "s")
    per_area = as_text(d["C"].attrs.get("units", b"F")) == "F/m^2"
    C = data(d, "C")
    if len(off) != len(T) + 1 or off[-1] != len(t):
        raise BadInput("data/offset does not match data/T and data/t")
    return T, [(t[off[j]:off[j + 1]], C[off[j]:off[j + 1]]) for j in range(len(T))], per_area, None


def _law(x, c):
    """The Arrhenius law the extraction reports for component c."""
    for name, kind in (("global_%d" % c, "global fit"), ("arrhenius_%d" % c, "regression")):
        g = group(x, name)
        if g is not None:
            return {"Ea": attr(g, "Ea_eV"), "Ea_err": attr(g, "Ea_err_eV"), "lnA": attr(g, "lnA"),
                    "kind": kind}
    return None


def load(f, kind):
    """Everything the TID figure needs."""
    T, curves, per_area, tid = _curves_run(f) if kind == "tid" else _curves_extract(f)
    x = group(f, "tid/extraction" if kind == "tid" else "extraction")
    s = {"T": T, "curves": curves, "per_area": per_area, "x": None, "truth": [],
         "error": attr(tid, "extraction_error", "") if tid is not None else ""}
    truth = group(f, "tid/true" if kind == "tid" else "extraction/true")
    for name in (truth.keys() if truth is not None else []):
        g = truth[name]
        s["truth"].append({"name": name, "sign": attr(g, "sign", "?"), "Ea": attr(g, "Ea_eV"),
                           "N": attr(g, "N_ion_cm3")})
    if x is None:
        return s
    m = len(T)
    fit = {"power": int(attr(x, "power", 1)), "model": attr(x, "model", "single"),
           "polarity": attr(x, "polarity", "unknown"), "N_A": attr(x, "N_A_cm3"),
           "intrinsic": bool(attr(x, "intrinsic", 0.0)),
           "tau": data(x, "tau", "s"), "dC": data(x, "dC"), "C_inf": data(x, "C_inf"),
           "used": data(x, "used").astype(bool),
           "tau_err": data(x, "tau_err", "s", required=False),
           "beta": data(x, "beta", required=False)}
    if fit["tau"].ndim == 1:
        fit["tau"] = fit["tau"][:, None]
        fit["dC"] = fit["dC"][:, None]
    if fit["beta"] is None:
        fit["beta"] = np.ones(m)
    if fit["tau"].shape[0] != m:
        raise BadInput("%s/tau does not match the %d temperatures" % (x.name, m))
    fit["species"], fit["laws"] = [], []
    for c in range(fit["tau"].shape[1]):
        sp = group(x, "species_%d" % c)
        if sp is None:
            continue
        fit["species"].append({k: attr(sp, k) for k in (
            "sign", "Ea_eV", "Ea_err_eV", "N_ion_cm3", "N_ion_err_cm3", "D300_cm2_s", "dC_sign",
            "ND300_cm1_s", "sigma300_S_cm")})
        fit["laws"].append(_law(x, c))
    s["x"] = fit
    return s


def model_curve(fit, j, t):
    """C(t) of the fit at temperature j: C_inf - sum_c dC_c exp(-(t/tau_c)^beta)."""
    C = np.full_like(t, fit["C_inf"][j], dtype=float)
    for c in range(fit["tau"].shape[1]):
        tau, dC = fit["tau"][j, c], fit["dC"][j, c]
        if np.isfinite(tau) and np.isfinite(dC) and tau > 0:
            C -= dC * np.exp(-np.power(t / tau, fit["beta"][j]))
    return C


def _panel_transients(ax, s, colors, scale, unit, baseline):
    fit = s["x"]
    if baseline and fit is not None and not s["per_area"]:  # the change, often pF
        dev = [np.nanmax(np.abs(C - fit["C_inf"][j])) for j, (_, C) in enumerate(s["curves"])]
        scale, unit = cap_scale(np.array(dev), False)
    for j, (t, C) in enumerate(s["curves"]):
        ok = np.isfinite(C) & (t > 0)
        base = fit["C_inf"][j] if baseline and fit is not None else 0.0
        ax.plot(t[ok], (C[ok] - base) * scale, "o", ms=2.2, color=colors[j], alpha=0.75, mew=0)
        if fit is not None and np.isfinite(fit["C_inf"][j]):
            tt = np.geomspace(t[ok].min(), t[ok].max(), 200)
            ls = "-" if fit["used"][j] else ":"
            ax.plot(tt, (model_curve(fit, j, tt) - base) * scale, ls, color=colors[j], lw=1.2)
    ax.set_xscale("log")
    ax.set_xlabel("time after the fill pulse t [s]")
    if baseline:
        ax.axhline(0.0, color="0.5", lw=0.6)
        ax.set_ylabel("C(t) $-$ C$_\\infty$(T) [%s]" % unit)
        ax.set_title("(b) transients on a common baseline")
    else:
        ax.set_ylabel("C [%s]" % unit)
        ax.set_title("(a) C(t): data (dots), fits (lines)")


def _species_label(sp, law):
    name = sp["sign"] if sp["sign"] not in (None, "unassigned") else (
        "C falls" if (sp["dC_sign"] or 0) < 0 else "C rises")
    ea, err = law["Ea"], law["Ea_err"]
    err_txt = "%.4f" % err if err is not None and np.isfinite(err) else "n/a"
    return "%s: E$_a$ = %.4f $\\pm$ %s eV (%s)" % (name, ea, err_txt, law["kind"])


def _panel_arrhenius(ax, s, colors):
    fit = s["x"]
    if fit is None or not fit["laws"]:
        msg = "no extraction" + (": " + s["error"] if s["error"] else "")
        ax.text(0.5, 0.5, msg, transform=ax.transAxes, ha="center", va="center", wrap=True,
                fontsize="small", color="0.3")
        ax.set_title("(c) Arrhenius", pad=24)
        return
    n, T = fit["power"], s["T"]
    markers = ["o", "s"]
    for c, law in enumerate(fit["laws"]):
        if law is None:
            continue
        tau = fit["tau"][:, c]
        y = np.log(np.power(T, n) / tau)
        yerr = None
        if fit["tau_err"] is not None:
            yerr = fit["tau_err"][:, c] / tau
        u = fit["used"] & np.isfinite(y)
        for j in np.flatnonzero(np.isfinite(y)):
            ax.errorbar(1000.0 / T[j], y[j], yerr=None if yerr is None else yerr[j],
                        fmt=markers[c % 2], ms=5, color=colors[j], ecolor="0.3", capsize=2,
                        mfc=colors[j] if u[j] else "none", zorder=3)
        TT = np.linspace(T[u].min(), T[u].max(), 50) if u.any() else T
        ax.plot(1000.0 / TT, law["lnA"] - law["Ea"] / (K_B_EV * TT), "k-" if c == 0 else "k--",
                lw=1.2, label=_species_label(fit["species"][c], law), zorder=2)
    for tr in s["truth"]:
        ax.plot([], [], " ", label="true %s (%s): E$_a$ = %.4f eV" % (tr["sign"], tr["name"],
                                                                      tr["Ea"]))
    ax.set_xlabel("1000 / T [K$^{-1}$]")
    ax.set_ylabel("ln(T$^{%d}$/$\\tau$)  [ln(K$^{%d}$ s$^{-1}$)]" % (n, n) if n else
                  "ln(1/$\\tau$)  [ln(s$^{-1}$)]")
    ax.set_title("(c) Arrhenius (open: outside the window)", pad=24)
    ax.legend(loc="best", fontsize="x-small")
    top = ax.secondary_xaxis("top", functions=(lambda v: 1000.0 / np.maximum(v, 1e-9),
                                               lambda v: 1000.0 / np.maximum(v, 1e-9)))
    top.set_xlabel("T [K]")


def _summary(s):
    fit = s["x"]
    if fit is None:
        return "extraction failed" + (": " + s["error"] if s["error"] else "")
    parts = ["%s model, n = %d, polarity %s" % (fit["model"], fit["power"], fit["polarity"])]
    if fit["intrinsic"]:
        parts.append("intrinsic absorber")
    elif fit["N_A"] is not None and np.isfinite(fit["N_A"]):
        parts.append("N$_A$ = %.3g cm$^{-3}$" % fit["N_A"])
    for sp in fit["species"]:
        if len(fit["species"]) > 1:
            parts.append("%s:" % sp["sign"])
        if sp["N_ion_cm3"] is not None and np.isfinite(sp["N_ion_cm3"]):
            parts.append("N$_{ion}$ = %.3g $\\pm$ %.2g cm$^{-3}$" % (sp["N_ion_cm3"],
                                                                    sp["N_ion_err_cm3"]))
        if sp["D300_cm2_s"] is not None and np.isfinite(sp["D300_cm2_s"]):
            parts.append("D(300 K) = %.3g cm$^2$/s" % sp["D300_cm2_s"])
        if sp["ND300_cm1_s"] is not None and np.isfinite(sp["ND300_cm1_s"]):
            parts.append("N$_{ion}$D(300 K) = %.3g cm$^{-1}$s$^{-1}$" % sp["ND300_cm1_s"])
    return ", ".join(parts).replace(":,", ":")


def figure(f, path, kind, title):
    """The TID figure of a run's tid group (kind 'tid') or of extract -o ('extract')."""
    import matplotlib.pyplot as plt

    s = load(f, kind)
    T = s["T"]
    colors, sm = temperature_colors(T)
    allC = np.concatenate([C for _, C in s["curves"]]) if s["curves"] else np.array([1e-9])
    scale, unit = cap_scale(allC, s["per_area"])
    fig = plt.figure(figsize=(17, 6.0))
    gs = fig.add_gridspec(1, 5, width_ratios=[1, 1, 0.045, 0.3, 1.15], wspace=0.3)
    axes = [fig.add_subplot(gs[0, k]) for k in (0, 1, 4)]
    _panel_transients(axes[0], s, colors, scale, unit, baseline=False)
    _panel_transients(axes[1], s, colors, scale, unit, baseline=True)
    _panel_arrhenius(axes[2], s, colors)
    cb = fig.colorbar(sm, cax=fig.add_subplot(gs[0, 2]))
    cb.set_label("temperature [K]")
    fig.subplots_adjust(top=0.76, left=0.05, right=0.98)
    fig.suptitle("%s\n%d temperatures %.4g..%.4g K; %s" % (title, len(T), T.max(), T.min(),
                                                          _summary(s)), fontsize=10, y=0.99)
    return fig
