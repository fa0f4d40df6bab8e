"""Thermal admittance spectroscopy figure (a `tas` run or `iondrift
tas-extract -o`): C against f at every temperature, -w dC/dw with the
inflections found, the Arrhenius plot ln(w0/T^2) against 1000/T of each
level with its law, and Walter's trap density of states against E_w with
the fitted Gaussian bands and, for a run, the true trap levels of the deck
(docs/plots.md, docs/tas.md)."""

import numpy as np

from .common import FM2_TO_NFCM2, K_B_EV, BadInput, as_text, attr, data, group, \
    temperature_colors


def _curves(x):
    """Per-temperature slices of the extraction's point arrays."""
    off = data(x, "curve_off").astype(int)
    return [slice(off[j], off[j + 1]) for j in range(len(off) - 1)]


def _levels(x, prefix):
    """The extraction's level_k or band_k groups in order."""
    out, k = [], 0
    while "%s_%d" % (prefix, k) in x:
        out.append(x["%s_%d" % (prefix, k)])
        k += 1
    return out


def _truth(f):
    """The deck's trap levels stored beside a run (tas/true), or []."""
    t = group(f, "tas/true")
    if t is None:
        return []
    out = []
    for name in t:
        g = t[name]
        out.append((name, attr(g, "E_from_Ev_eV"), attr(g, "E_from_Ec_eV"), attr(g, "density_cm3"),
                    attr(g, "sheet_density_cm2"), attr(g, "sigma_E_eV"), attr(g, "placement", "")))
    return out


def _panel_C(ax, x, sl, T, colors, per_area):
    fr, C = data(x, "f", "Hz"), data(x, "C", "F/m^2")
    for j, s in enumerate(sl):
        ax.semilogx(fr[s], C[s] * FM2_TO_NFCM2, "-", color=colors[j], lw=1.2)
    ax.set_xlabel("frequency f [Hz]")
    ax.set_ylabel("capacitance C [nF/cm$^2$]" + ("" if per_area else " (per area)"))
    ax.set_title("(a) C-f at each temperature")


def _panel_dC(ax, x, sl, colors):
    fr, y = data(x, "f", "Hz"), data(x, "mwdC", "F/m^2")
    for j, s in enumerate(sl):
        ax.semilogx(fr[s], y[s] * FM2_TO_NFCM2, "-", color=colors[j], lw=1.2)
    for k, L in enumerate(_levels(x, "level")):
        w0 = data(L, "w0", "rad/s")
        ax.plot([], [], "kv", ms=5, label="inflections" if k == 0 else None)
        for w in w0:
            ax.axvline(w / (2 * np.pi), color="0.75", lw=0.5, zorder=0)
    ax.set_xlabel("frequency f [Hz]")
    ax.set_ylabel("-$\\omega$ dC/d$\\omega$ [nF/cm$^2$]")
    ax.set_title("(b) -$\\omega$ dC/d$\\omega$ (inflections: grey lines)")


def _panel_arrhenius(ax, x):
    levels = _levels(x, "level")
    for k, L in enumerate(levels):
        T, w0 = data(L, "T", "K"), data(L, "w0", "rad/s")
        ax.plot(1000.0 / T, np.log(w0 / T ** 2), "o", ms=5, color="C%d" % k)
        E, xi = attr(L, "E_eV"), attr(L, "xi_s_K2")
        TT = np.linspace(T.min(), T.max(), 50)
        ax.plot(1000.0 / TT, np.log(2 * xi) - E / (K_B_EV * TT), "-", color="C%d" % k, lw=1,
                label="level %d: E = %.3f $\\pm$ %.1g eV, $\\xi_0$ = %.2g s$^{-1}$K$^{-2}$" % (
                    k, E, attr(L, "E_err_eV"), xi))
    ax.set_xlabel("1000/T [1/K]")
    ax.set_ylabel("ln($\\omega_0$/T$^2$) [ln(s$^{-1}$K$^{-2}$)]")
    ax.set_title("(c) Arrhenius plot of the inflections")
    if levels:
        ax.legend(fontsize="x-small")
    else:
        ax.text(0.5, 0.5, "no inflection followed over\nenough temperatures", ha="center",
                transform=ax.transAxes)


def _panel_dos(ax, f, x, sl, colors):
    E, Nt, lv = data(x, "E_w", "eV"), data(x, "Nt", "cm^-3 eV^-1"), data(x, "level_of")
    ok = np.isfinite(E) & np.isfinite(Nt) & (lv >= 0)
    if not ok.any():
        ax.text(0.5, 0.5, "no tDOS (no V_bi or no level)", ha="center", transform=ax.transAxes)
        ax.set_title("(d) Walter's tDOS")
        return
    for j, s in enumerate(sl):
        m = ok[s]
        ax.plot(E[s][m], Nt[s][m], ".", ms=2.5, color=colors[j])
    EE = np.linspace(np.nanmin(E[ok]) - 0.02, np.nanmax(E[ok]) + 0.02, 400)
    for k, b in enumerate(_levels(x, "band")):
        E0, s, N = attr(b, "E_eV"), attr(b, "sigma_eV"), attr(b, "N_cm3")
        ax.plot(EE, N / (s * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((EE - E0) / s) ** 2), "k-",
                lw=1.2, label="band %d: E$_0$ %.3f eV, $\\sigma$ %.3f eV, N %.2g cm$^{-3}$" % (
                    k, E0, s, N))
    for name, Ev, Ec, N, Ns, sig, place in _truth(f):
        if place == "interface":
            ax.plot([], [], " ", label="true %s: sheet %.2g cm$^{-2}$ (E$_c$ - %.3f eV)" % (
                name, Ns, Ec))
            continue
        if sig and sig > 0:
            ax.plot(EE, N / (sig * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((EE - Ev) / sig) ** 2),
                    "--", color="0.4", lw=1, label="true %s: E$_v$ + %.3f eV, N %.2g cm$^{-3}$" % (
                        name, Ev, N))
        else:
            ax.axvline(Ev, color="0.4", ls="--", lw=1,
                       label="true %s: E$_v$ + %.3f eV, N %.2g cm$^{-3}$" % (name, Ev, N))
    ax.set_xlabel("E$_\\omega$ = kT ln(2$\\xi_0$T$^2$/$\\omega$) [eV]")
    ax.set_ylabel("N$_t$(E$_\\omega$) [cm$^{-3}$ eV$^{-1}$]")
    ax.set_title("(d) Walter's tDOS, V$_{bi}$ = %.3g V" % attr(x, "V_bi_V", np.nan))
    ax.legend(fontsize="xx-small", loc="upper right")


def figure(f, path, kind, title):
    import matplotlib.pyplot as plt

    x = group(f, "tas/extraction" if kind == "tas" else "extraction")
    if x is None:
        why = attr(group(f, "tas"), "extraction_error", "no analysis stored")
        raise BadInput("no TAS analysis to draw (%s)" % why)
    T = data(x, "T", "K")
    sl = _curves(x)
    colors, sm = temperature_colors(T)
    fig, axs = plt.subplots(2, 2, figsize=(13, 9.5), gridspec_kw={"wspace": 0.3, "hspace": 0.35})
    _panel_C(axs[0, 0], x, sl, T, colors, True)
    _panel_dC(axs[0, 1], x, sl, colors)
    _panel_arrhenius(axs[1, 0], x)
    _panel_dos(axs[1, 1], f, x, sl, colors)
    cb = fig.colorbar(sm, ax=axs[0, :].tolist(), fraction=0.02, pad=0.01)
    cb.set_label("T [K]")
    fig.suptitle(title, fontsize=10)
    return fig


def title_extract(f, path):
    return "TAS analysis of %s (iondrift tas-extract)" % as_text(f.attrs.get("input", b"?"))
