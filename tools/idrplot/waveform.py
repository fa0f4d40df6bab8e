"""Waveform and equilibrium figures: J(t) on log-log axes against the time
since each bias step (one curve per segment, the sign by line style), V(t)
and the light, C(t) when sampled, and the potential, ion and carrier
profiles at a few times with distinct line styles, units on every axis."""

import re

import numpy as np

from .common import AM2_TO_MACM2, FM2_TO_NFCM2, M3_TO_CM3, as_text, data, draw_layers, group

STYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1))]


def segment_starts(f, t):
    """Start times of the waveform segments: from the stored deck, else
    from the samples where V changes."""
    deck = as_text(f.attrs["deck_yaml"]) if "deck_yaml" in f.attrs else ""
    durations = [float(m) for m in re.findall(r"duration_s:\s*([-+0-9.eE]+)", deck)]
    if durations:
        return np.concatenate([[0.0], np.cumsum(durations)[:-1]]), durations
    return np.array([t[0]]), [t[-1] - t[0]]


def _panel_current(ax, f, tr):
    t = data(tr, "t", "s")
    J = data(tr, "J", "A/m^2") * AM2_TO_MACM2
    Jion = data(tr, "Jion", "A/m^2", required=False)
    V = data(tr, "V", "V")
    starts, durations = segment_starts(f, t)
    drawn = False
    for k, (t0, dur) in enumerate(zip(starts, durations)):
        sel = (t > t0) & (t <= t0 + dur * (1 + 1e-12))
        if sel.sum() < 2:
            continue
        Vk = V[sel][0]
        sel &= V == Vk  # the end point is stored twice: before and after the next step
        ts = t[sel] - t0
        col = "C%d" % (k % 10)
        for comp, lw, name in ((J[sel], 1.6, "J"), (None if Jion is None else
                                                    Jion[sel] * AM2_TO_MACM2, 1.0, "J$_{ion}$")):
            if comp is None:
                continue
            pos, neg = np.where(comp > 0, comp, np.nan), np.where(comp < 0, -comp, np.nan)
            ls_p, ls_n = ("-", ":") if name == "J" else ("--", (0, (1, 2)))
            ax.loglog(ts, pos, ls=ls_p, color=col, lw=lw,
                      label="%s, segment %d (V = %g V)" % (name, k + 1, Vk) if name == "J" else
                      "%s, segment %d" % (name, k + 1))
            ax.loglog(ts, neg, ls=ls_n, color=col, lw=lw)
            drawn = True
    if not drawn:
        ax.text(0.5, 0.5, "no current samples", transform=ax.transAxes, ha="center")
    ax.set_xlabel("time since the bias step [s]")
    ax.set_ylabel("|J| [mA/cm$^2$]  (dotted: J < 0)")
    ax.set_title("(a) terminal and ionic current")
    ax.legend(fontsize="x-small", loc="best")


def _panel_bias(ax, tr):
    t = data(tr, "t", "s")
    V = data(tr, "V", "V")
    light = data(tr, "light", required=False)
    ax.step(t, V, where="post", color="k", lw=1.6, label="V")
    ax.set_xlabel("time t [s]")
    ax.set_ylabel("applied voltage V [V]")
    lo, hi = float(np.min(V)), float(np.max(V))
    pad = 0.1 * max(hi - lo, 0.2)
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_title("(b) the program")
    if light is not None and np.any(light > 0):
        ax2 = ax.twinx()
        ax2.step(t, light, where="post", color="C1", lw=1.2)
        ax2.set_ylabel("light [suns]", color="C1")
        ax2.grid(False)
    C = data(tr, "C", "F/m^2", required=False)
    if C is not None:
        ax3 = ax.twinx()
        ax3.plot(t, C * FM2_TO_NFCM2, color="C2", lw=1.2)
        ax3.set_ylabel("C [nF/cm$^2$]", color="C2")
        ax3.grid(False)


def _profiles(ax, f, x_nm, prof, eq, names, ylabel, scale, logy, title, colors=None):
    times = data(prof, "t", "s", required=False) if prof is not None else None
    rows = list(range(len(times))) if times is not None else []
    if len(rows) > len(STYLES):
        rows = [int(round(v)) for v in np.linspace(0, len(times) - 1, len(STYLES))]
    drawn = False
    for i_n, name in enumerate(names):
        col = colors[i_n] if colors else "C%d" % i_n
        y_eq = data(eq, name, required=False) if eq is not None else None
        if y_eq is not None:  # a grey reference under transient profiles, else the curve
            ax.plot(x_nm, y_eq * scale, color="0.55" if prof is not None else col,
                    lw=2.6 if prof is not None else 1.6, alpha=0.6 if prof is not None else 1.0,
                    label="%s, equilibrium" % name)
            drawn = True
        y = data(prof, name, required=False) if prof is not None else None
        if y is None or y.ndim != 2:
            continue
        for s, i in enumerate(rows):
            ax.plot(x_nm, y[i] * scale, ls=STYLES[s % len(STYLES)], color=col, lw=1.3,
                    label="%s, t = %.3g s" % (name, times[i]))
            drawn = True
    if not drawn:
        ax.text(0.5, 0.5, "no profiles", transform=ax.transAxes, ha="center")
        return
    if logy:
        ax.set_yscale("log")
    draw_layers(ax, f, x_nm)
    ax.set_xlabel("position x [nm]")
    ax.set_ylabel(ylabel)
    ax.set_title(title, pad=14)
    ax.legend(fontsize="xx-small", ncol=2 if len(names) > 1 else 1, loc="best")


def _profile_panels(axes, f):
    x_nm = data(group(f, "mesh"), "x", "m") * 1e9
    prof = group(f, "transient/profiles")
    eq = group(f, "equilibrium")
    src = prof if prof is not None else eq
    ions = sorted(k for k in (src.keys() if src is not None else []) if k.startswith("ion_"))
    _profiles(axes[0], f, x_nm, prof, eq, ["phi"], "potential $\\varphi$ [V]", 1.0, False,
              "potential")
    _profiles(axes[1], f, x_nm, prof, eq, ions, "ion density [cm$^{-3}$]", M3_TO_CM3, True,
              "mobile ions")
    _profiles(axes[2], f, x_nm, prof, eq, ["n", "p"], "carrier density [cm$^{-3}$]", M3_TO_CM3,
              True, "electrons n, holes p", colors=["C0", "C3"])
    for ax in axes[1:]:
        lo, hi = ax.get_ylim()
        if hi / max(lo, 1e-300) > 1e30:
            ax.set_ylim(hi * 1e-30, hi)


def figure_waveform(f, path, title):
    import matplotlib.pyplot as plt

    tr = group(f, "transient")
    fig = plt.figure(figsize=(16, 9.5))
    gs = fig.add_gridspec(2, 6, hspace=0.42, wspace=0.9)
    _panel_current(fig.add_subplot(gs[0, 0:3]), f, tr)
    _panel_bias(fig.add_subplot(gs[0, 3:6]), tr)
    _profile_panels([fig.add_subplot(gs[1, 2 * k:2 * k + 2]) for k in range(3)], f)
    fig.suptitle(title, fontsize=10)
    return fig


def figure_equilibrium(f, path, title):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(16, 5.0), gridspec_kw={"wspace": 0.35})
    _profile_panels(axes, f)
    fig.subplots_adjust(top=0.82)
    fig.suptitle(title, fontsize=10)
    return fig
