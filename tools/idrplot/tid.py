"""TID figures: the capacitance transients C(t) at every temperature with the
fitted curves, their change relative to the end of the window
(C(t) - C_end)/C_end (dC visible at every temperature, t = tau marked), and
the Arrhenius plot ln(T^n/tau) against 1000/T with error bars, the fitted law
and Ea +- its error (time constants far outside the window left out, counted).
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
        second = sp is None  # merged: the one species' second exponential
        sp = group(x, "exponential_%d" % c) if second else sp
        if sp is None:
            continue
        fit["species"].append({k: attr(sp, k) for k in (
            "sign", "Ea_eV", "Ea_err_eV", "N_ion_cm3", "N_ion_err_cm3", "D300_cm2_s", "dC_sign",
            "ND300_cm1_s", "sigma300_S_cm")})
        fit["species"][-1]["second"] = second
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


def _reference(t, C, n_end=3):
    """C at the end of the measured window: the mean of the last n_end
    finite samples (the data's own baseline, whatever the fit did)."""
    ok = np.isfinite(C) & (t > 0)
    return float(np.mean(C[ok][-n_end:])) if ok.any() else np.nan


def _decade(values):
    """(factor, label) so that factor * values spans about 1..1000."""
    v = np.asarray(values, dtype=float)
    v = np.abs(v[np.isfinite(v)])
    top = v.max() if v.size and v.max() > 0 else 1.0
    k = int(np.floor(np.log10(top)))
    k = 3 * int(np.floor(k / 3.0))  # 10^-3, 10^-6, ... (or 1)
    return 10.0 ** (-k), ("" if k == 0 else " [10$^{%d}$]" % k)


def _fit_visible(fit, j):
    return fit is not None and np.isfinite(fit["C_inf"][j])


def _panel_transients(ax, s, colors, scale, unit):
    """(a) C(t) as measured, the fits over the measured window."""
    fit = s["x"]
    for j, (t, C) in enumerate(s["curves"]):
        ok = np.isfinite(C) & (t > 0)
        ax.plot(t[ok], C[ok] * scale, "o", ms=2.2, color=colors[j], alpha=0.75, mew=0)
        if _fit_visible(fit, j) and ok.any():
            tt = np.geomspace(t[ok].min(), t[ok].max(), 200)
            ls = "-" if fit["used"][j] else ":"
            ax.plot(tt, model_curve(fit, j, tt) * scale, ls, color=colors[j], lw=1.2)
    ax.set_xscale("log")
    ax.set_xlabel("time after the fill pulse t [s]")
    ax.set_ylabel("C [%s]" % unit)
    ax.set_title("(a) C(t): data (dots), fits (lines; dotted: not used)")


def _panel_relative(ax, s, colors):
    """(b) the change of each transient relative to its end, (C(t) - C_end)/C_end,
    so that dC shows at every temperature whatever C(T) does; the fits
    relative to the same reference, t = tau marked."""
    fit = s["x"]
    rows = []
    for j, (t, C) in enumerate(s["curves"]):
        ok = np.isfinite(C) & (t > 0)
        ref = _reference(t, C)
        if ok.sum() < 2 or not np.isfinite(ref) or ref == 0:
            continue
        rows.append((j, t[ok], C[ok], ref))
    factor, tag = _decade([(C - ref) / ref for _, _, C, ref in rows] or [0.0])
    for j, t, C, ref in rows:
        ax.plot(t, (C - ref) / ref * factor, "o", ms=2.2, color=colors[j], alpha=0.75, mew=0)
        if not _fit_visible(fit, j):
            continue
        tt = np.geomspace(t.min(), t.max(), 200)
        ax.plot(tt, (model_curve(fit, j, tt) - ref) / ref * factor, "-" if fit["used"][j] else ":",
                color=colors[j], lw=1.2)
        for c in range(fit["tau"].shape[1]):
            tau = fit["tau"][j, c]
            if fit["used"][j] and np.isfinite(tau) and t.min() <= tau <= t.max():
                y = (model_curve(fit, j, np.array([tau]))[0] - ref) / ref * factor
                ax.plot([tau], [y], "D", ms=4.5, color=colors[j], mec="k", mew=0.6, zorder=4)
    ax.set_xscale("log")
    ax.axhline(0.0, color="0.5", lw=0.6)
    ax.set_xlabel("time after the fill pulse t [s]")
    ax.set_ylabel("(C(t) $-$ C$_{end}$) / C$_{end}$%s" % tag)
    if fit is not None:
        ax.plot([], [], "D", ms=4.5, color="0.7", mec="k", mew=0.6, label="t = $\\tau$ (fit)")
        ax.legend(loc="best", fontsize="x-small")
    ax.set_title("(b) relative change, C$_{end}$: mean of the last 3 samples")


def _species_label(sp, law):
    name = sp["sign"] if sp["sign"] not in (None, "unassigned") else (
        "C falls" if (sp["dC_sign"] or 0) < 0 else "C rises")
    if sp.get("second"):
        name = "its 2nd exponential (%s)" % ("C falls" if (sp["dC_sign"] or 0) < 0 else "C rises")
    ea, err = law["Ea"], law["Ea_err"]
    err_txt = "%.4f" % err if err is not None and np.isfinite(err) else "n/a"
    return "%s: E$_a$ = %.4f $\\pm$ %s eV (%s)" % (name, ea, err_txt, law["kind"])


def _window(s):
    """The sampled time window [t_first, t_last] over all temperatures."""
    t = np.concatenate([tt[np.isfinite(C) & (tt > 0)] for tt, C in s["curves"]] or [np.ones(1)])
    return float(t.min()), float(t.max())


def _panel_arrhenius(ax, s, colors):
    fit = s["x"]
    if fit is None or not fit["laws"]:
        msg = "no extraction" + (": " + s["error"] if s["error"] else "")
        ax.text(0.5, 0.5, msg, transform=ax.transAxes, ha="center", va="center", wrap=True,
                fontsize="small", color="0.3")
        ax.set_title("(c) Arrhenius", pad=24)
        return
    n, T = fit["power"], s["T"]
    t_lo, t_hi = _window(s)
    markers = ["o", "s"]
    shown_y, hidden = [], 0
    for c, law in enumerate(fit["laws"]):
        if law is None:
            continue
        tau = fit["tau"][:, c]
        y = np.log(np.power(T, n) / tau)
        yerr = fit["tau_err"][:, c] / tau if fit["tau_err"] is not None else np.zeros_like(tau)
        u = fit["used"] & np.isfinite(y)
        # a time constant a decade or more outside the sampled window is not a
        # measurement (the fit extrapolates): left out of the plot, counted
        near = np.isfinite(y) & (tau > 0.1 * t_lo) & (tau < 10.0 * t_hi)
        hidden += int(np.sum(np.isfinite(tau) & ~near & ~u))
        for j in np.flatnonzero(near | u):
            e = yerr[j] if np.isfinite(yerr[j]) else None
            ax.errorbar(1000.0 / T[j], y[j], yerr=e, fmt=markers[c % 2], ms=5, color=colors[j],
                        ecolor="0.3", capsize=2, mfc=colors[j] if u[j] else "none", zorder=3)
            shown_y.append(y[j])
            if u[j] and e is not None:
                shown_y += [y[j] - e, y[j] + e]
        TT = np.linspace(T[u].min(), T[u].max(), 50) if u.any() else T
        ax.plot(1000.0 / TT, law["lnA"] - law["Ea"] / (K_B_EV * TT), "k-" if c == 0 else "k--",
                lw=1.2, label=_species_label(fit["species"][c], law), zorder=2)
    for tr in s["truth"]:
        ax.plot([], [], " ", label="true %s (%s): E$_a$ = %.4f eV" % (tr["sign"], tr["name"],
                                                                      tr["Ea"]))
    if hidden:
        ax.plot([], [], " ", label="%d fit(s) with $\\tau$ > 10x outside %.3g..%.3g s not drawn"
                % (hidden, t_lo, t_hi))
    if shown_y:
        lo, hi = float(np.min(shown_y)), float(np.max(shown_y))
        pad = 0.08 * (hi - lo) if hi > lo else 0.5
        ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlabel("1000 / T [K$^{-1}$]")
    ax.set_ylabel("ln(T$^{%d}$/$\\tau$)  [T in K, $\\tau$ in s]" % n if n else
                  "ln(1/$\\tau$)  [$\\tau$ in s]")
    ax.set_title("(c) Arrhenius, $\\pm$1 s.e. (open: not used)", pad=24)
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
    species = [sp for sp in fit["species"] if not sp["second"]]
    for sp in species:
        if len(species) > 1:
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
    _panel_transients(axes[0], s, colors, scale, unit)
    _panel_relative(axes[1], s, colors)
    _panel_arrhenius(axes[2], s, colors)
    cb = fig.colorbar(sm, cax=fig.add_subplot(gs[0, 2]))
    cb.set_label("temperature [K]")
    fig.subplots_adjust(top=0.76, left=0.05, right=0.98)
    fig.suptitle("%s\n%d temperatures %.4g..%.4g K; %s" % (title, len(T), T.max(), T.min(),
                                                          _summary(s)), fontsize=10, y=0.99)
    return fig
