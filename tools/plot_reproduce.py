#!/usr/bin/python3
"""Plot the result of `iondrift reproduce xiang2026` (DIR/reproduce.h5).

One PNG with four panels:
  (a) Ea vs x: extracted (with error bars), true inputs, the TID values of
      the composition table (the inversion targets), the study's values,
      and the FAI sample at x = 0;
  (b) N_ion vs x (cm^-3, log scale): extracted vs true;
  (c) the capacitance transients of the x = 0 sample (of the first sample
      when a subset without x = 0 was run) at every temperature, as
      C(t) - C_inf(T) in nF/cm^2 on a log time axis (colour bar: T), each
      with its tau marked;
  (d) the Arrhenius plot of that sample, ln(T/tau) vs 1000/T with +-1
      standard error, coloured by temperature as in (c), and the law the
      extraction reports (the global fit's, else the regression's);
and, when the reproduction ran its TAS panel (summary/N_band_II_TAS ...):
  (e) the trap bands II and III against x: the apparent densities of
      Walter's tDOS (with their errors) and the deck's densities (Fig. 3c, d
      of the study: band II bound to the halide interstitial);
  (f) Walter's tDOS of the x = 0.025 sample (of the first sample run) at
      every temperature with its fitted bands;
and, when it ran its illuminated panel (summary_light/, `--light`):
  (g) Ea against x under light (Fig. 4a of the study): the anion (halide)
      and cation (FA+) components ("no FA+" where none was found), the dark
      halide Ea, the true FA+ barrier
      and the photo-aged 25 % Br sample (dark);
  (h) the illuminated transients of the x = 0.05 sample (of the first
      illuminated sample), both signs.

The file layout is specified in docs/outputs.md (a `units` attribute on every
dataset: the summary densities are in cm^-3 as in reproduce.csv, m^-3 in
files of earlier versions). Only numpy, h5py and matplotlib are needed.

    plot_reproduce.py DIR/reproduce.h5 -o DIR/reproduce.png

Exit status: 0 success, 1 runtime failure, 2 bad input (unreadable file or
missing groups/datasets).
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idrplot.common import as_text  # noqa: E402  (the HDF5 string helper of every plot)

K_B_EV = 8.617333262e-5  # Boltzmann constant [eV/K]
DENSITY_TO_CM3 = {"cm^-3": 1.0, "m^-3": 1e-6}  # a density's units -> factor to cm^-3
FM2_TO_NFCM2 = 1e5  # F/m^2 -> nF/cm^2

SUMMARY_FIELDS = ("x", "fai_sample", "Ea_true", "Ea_extracted", "Ea_err",
                  "Ea_stated", "N_true", "N_extracted", "N_err")
TAS_FIELDS = ("N_band_II_true", "N_band_II_TAS", "N_band_II_TAS_err", "N_band_III_true",
              "N_band_III_TAS", "N_band_III_TAS_err")
TID_FIELDS = ("T", "t", "C", "extraction/tau", "extraction/used")
LIGHT_FIELDS = ("x", "illuminated", "Ea_true", "Ea_extracted", "Ea_err")


class BadInput(Exception):
    """The file is not a reproduce result (exit status 2)."""


def study_title(study, light):
    """The figure's first title line: the file's `study`, which says "(dark
    TID)" or "(dark and illuminated TID)"; a file written before the latter
    existed says "(dark TID)" with the light panel: retitled."""
    if light and study.endswith("(dark TID)"):
        return study[:-len("(dark TID)")] + "(dark and illuminated TID)"
    return study


def dataset(h5py, group, name, where):
    """A dataset of group as a float array; BadInput if it is absent."""
    if name not in group or not isinstance(group[name], h5py.Dataset):
        raise BadInput("%s/%s is missing" % (where, name))
    return np.asarray(group[name][()], dtype=float)


def find_sample(h5py, samples, order):
    """The tid group of the x = 0 (non-FAI) sample, else of the first sample
    run (a subset): its transients and Arrhenius plot are drawn."""
    grp = samples["x0"] if "x0" in samples else None
    for name in samples if grp is None else ():  # the composition attributes
        g = samples[name]
        x = g.attrs.get("x")
        fam = as_text(g.attrs.get("family", ""))
        if x is not None and float(x) == 0.0 and "FAI" not in fam:
            grp = g
            break
    if grp is None:
        names = [n for n in order if n in samples] or sorted(samples)
        if not names:
            raise BadInput("no sample under /samples")
        grp = samples[names[0]]
    if "tid" not in grp or not isinstance(grp["tid"], h5py.Group):
        raise BadInput("%s/tid is missing" % grp.name)
    return grp["tid"]


def load(h5py, path):
    """Everything the figure needs, as plain numpy data."""
    try:
        f = h5py.File(path, "r")
    except (OSError, IOError) as err:
        raise BadInput("cannot open %s as HDF5 (%s)" % (path, err))
    with f:
        for grp in ("summary", "samples"):
            if grp not in f or not isinstance(f[grp], h5py.Group):
                raise BadInput("group /%s is missing (not a reproduce result?)" % grp)
        s = {k: dataset(h5py, f["summary"], k, "/summary") for k in SUMMARY_FIELDS}
        for k in ("N_true", "N_extracted", "N_err"):  # densities in cm^-3
            units = as_text(f["summary"][k].attrs.get("units", "m^-3"))
            if units not in DENSITY_TO_CM3:
                raise BadInput("/summary/%s has units '%s' (expected cm^-3 or m^-3)" % (k, units))
            s[k] = s[k] * DENSITY_TO_CM3[units]
        order = as_text(f["summary"].attrs.get("samples", "")).split(",")
        if "Ea_tid_target" in f["summary"]:  # written since the inversion (optional)
            s["Ea_tid_target"] = dataset(h5py, f["summary"], "Ea_tid_target", "/summary")
        n = len(s["x"])
        for k, v in s.items():
            if v.shape != (n,):
                raise BadInput("/summary/%s has shape %s, expected (%d,)" % (k, v.shape, n))
        tid = find_sample(h5py, f["samples"], order)
        d = {k: dataset(h5py, tid, k, tid.name) for k in TID_FIELDS}
        nT, nt = len(d["T"]), len(d["t"])
        if d["C"].shape != (nT, nt):
            raise BadInput("%s/C has shape %s, expected (%d, %d)" % (tid.name, d["C"].shape, nT, nt))
        tau = d["extraction/tau"]
        if tau.ndim == 2:
            tau = tau[:, 0]
        if tau.shape != (nT,) or d["extraction/used"].shape != (nT,):
            raise BadInput("%s/extraction: tau/used do not match T" % tid.name)
        d["tau"] = tau
        tau_err = (np.asarray(tid["extraction/tau_err"][()], dtype=float)
                   if "extraction/tau_err" in tid else np.full(nT, np.nan))
        d["tau_err"] = tau_err[:, 0] if tau_err.ndim == 2 else tau_err
        d["law"] = None  # the law the extraction reports: the global fit's, else the regression's
        for law in ("extraction/global_0", "extraction/arrhenius_0"):
            if law in tid and "lnA" in tid[law].attrs and "Ea_eV" in tid[law].attrs:
                d["law"] = (float(tid[law].attrs["lnA"]), float(tid[law].attrs["Ea_eV"]),
                            "global fit" if "global" in law else "regression")
                break
        d["C_inf"] = (np.asarray(tid["extraction/C_inf"][()], dtype=float)
                      if "extraction/C_inf" in tid else np.full(nT, np.nan))
        sp = tid["extraction/species_0"].attrs if "extraction/species_0" in tid else {}
        d["Ea_species"] = float(sp["Ea_eV"]) if "Ea_eV" in sp else np.nan
        name = tid.parent.name.rsplit("/", 1)[-1]
        d["label"] = "x = 0" if name == "x0" else "sample " + name
        d["name"] = name
        if all(k in f["summary"] for k in TAS_FIELDS):
            for k in TAS_FIELDS:
                s[k] = dataset(h5py, f["summary"], k, "/summary")
            d["tas"] = load_tas(h5py, f["samples"], order)
        if "summary_light" in f:
            d["light"] = load_light(h5py, f)
        study = study_title(as_text(f.attrs["study"]) if "study" in f.attrs else
                            "iondrift reproduce", "light" in d)
        version = as_text(f.attrs["iondrift_version"]) if "iondrift_version" in f.attrs else "?"
    return study, version, s, d, order


def tid_curves(h5py, tid, label, name):
    """The transients of a tid group: T, t, C, tau (first component), used."""
    d = {k: dataset(h5py, tid, k, tid.name) for k in TID_FIELDS}
    tau = d["extraction/tau"]
    d["tau"] = tau[:, 0] if tau.ndim == 2 else tau
    d["C_inf"] = (np.asarray(tid["extraction/C_inf"][()], dtype=float)
                  if "extraction/C_inf" in tid else np.full(len(d["T"]), np.nan))
    d["label"], d["name"] = label, name
    return d


def load_light(h5py, f):
    """The illuminated panel: summary_light/ rows and the light transients
    of x0.05 (else of the first illuminated sample)."""
    g = f["summary_light"]
    L = {k: dataset(h5py, g, k, "/summary_light") for k in LIGHT_FIELDS}
    L["names"] = as_text(g.attrs.get("samples", "")).split(",")
    L["species"] = as_text(g.attrs.get("species", "")).split(",")
    n = len(L["x"])
    if len(L["names"]) != n or len(L["species"]) != n:
        raise BadInput("/summary_light: @samples/@species do not match x")
    L["curves"] = None
    for name in ["x0.05"] + L["names"]:
        if name in f["samples"] and "tid_light" in f["samples"][name]:
            L["curves"] = tid_curves(h5py, f["samples"][name]["tid_light"],
                                     "%s under light" % name, name)
            break
    return L


def panel_light(ax, s, L):
    names, sp = np.array(L["names"]), np.array(L["species"])
    lit = L["illuminated"] != 0
    for species, c, lab in (("anion", "C3", "halide (anion), light"),
                            ("cation", "C0", "FA$^+$ (cation), light")):
        m = lit & (sp == species) & np.isfinite(L["Ea_extracted"])
        if m.any():
            o = np.argsort(L["x"][m])
            err = np.where(np.isfinite(L["Ea_err"][m]), L["Ea_err"][m], 0.0)[o]
            ax.errorbar(L["x"][m][o], L["Ea_extracted"][m][o], yerr=err, fmt="o-", color=c,
                        ms=6, capsize=3, label=lab)
        m = lit & (sp == species) & np.isfinite(L["Ea_true"])
        if species == "cation" and m.any():
            o = np.argsort(L["x"][m])
            ax.plot(L["x"][m][o], L["Ea_true"][m][o], "--", color=c, lw=1, marker=".",
                    label="FA$^+$ true barrier under light (input)")
    for x in np.unique(L["x"][lit]):  # an illuminated x without a cation row
        if not (lit & (sp == "cation") & (L["x"] == x)).any():
            ax.annotate("no FA$^+$\nfound", (x, 0.004), ha="center", fontsize=7, color="C0")
    bri = s["fai_sample"] == 0
    o = np.argsort(s["x"][bri])
    ax.plot(s["x"][bri][o], s["Ea_extracted"][bri][o], ":", color="0.4", marker="x", ms=5,
            label="halide, dark (extracted)")
    m = ~lit & np.isfinite(L["Ea_extracted"])
    if m.any():
        ax.plot(L["x"][m], L["Ea_extracted"][m], "o", color="orange", mec="k", ms=9,
                label="photo-aged 25 % Br, dark")
    ax.set_xlabel("Br fraction x")
    ax.set_ylabel(r"$E_a$ (eV)")
    ax.set_title("(g) under illumination (Fig. 4a)")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")


def load_tas(h5py, samples, order):
    """Walter's tDOS of the x = 0.025 sample (else the first with a TAS
    analysis): per temperature (E_w, N_t), and the fitted bands."""
    names = ["x0.025"] + [n for n in order if n in samples]
    for name in names:
        if name not in samples or "tas/extraction" not in samples[name]:
            continue
        x = samples[name]["tas/extraction"]
        off = np.asarray(x["curve_off"][()], dtype=int)
        E, N = np.asarray(x["E_w"][()], float), np.asarray(x["Nt"][()], float)
        T = np.asarray(x["T"][()], float)
        bands = []
        k = 0
        while "band_%d" % k in x:
            a = x["band_%d" % k].attrs
            bands.append((float(a["E_eV"]), float(a["sigma_eV"]), float(a["N_cm3"])))
            k += 1
        return {"name": name, "T": T, "curves": [(E[off[j]:off[j + 1]], N[off[j]:off[j + 1]])
                                                 for j in range(len(T))], "bands": bands}
    return None


def panel_tas(ax, s):
    fai = s["fai_sample"] != 0
    order = np.argsort(s["x"][~fai])
    x = s["x"][~fai][order]
    for band, c, lab in (("II", "C0", "band II (halide interstitial)"),
                         ("III", "C3", "band III (FA-related)")):
        true = s["N_band_%s_true" % band][~fai][order]
        app = s["N_band_%s_TAS" % band][~fai][order]
        err = s["N_band_%s_TAS_err" % band][~fai][order]
        m = np.isfinite(app) & (app > 0)
        ax.errorbar(x[m], app[m], yerr=np.where(np.isfinite(err[m]), err[m], 0.0), fmt="o-",
                    color=c, ms=6, capsize=3, label=lab + ": Walter's tDOS")
        m = np.isfinite(true) & (true > 0)
        ax.plot(x[m], true[m], "--", color=c, lw=1, marker=".", label=lab + ": deck")
        f = fai & np.isfinite(s["N_band_%s_TAS" % band])
        if f.any():
            ax.plot(s["x"][f], s["N_band_%s_TAS" % band][f], "s", mfc="none", mec=c, mew=1.6,
                    ms=8, label="FAI sample" if band == "II" else None)
    ax.set_yscale("log")
    ax.set_xlabel("Br fraction x")
    ax.set_ylabel(r"trap band density (cm$^{-3}$)")
    ax.set_title("(e) trap bands II and III by TAS (Fig. 3c, d)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, loc="best")


def panel_tdos(ax, t):
    if t is None:
        no_data(ax, "no TAS analysis")
        return
    cmap = matplotlib.colormaps["coolwarm"]
    T = t["T"]
    lo, hi = T.min(), T.max()
    for j, (E, N) in enumerate(t["curves"]):
        m = np.isfinite(E) & np.isfinite(N)
        ax.plot(E[m], N[m], ".", ms=2.5, color=cmap((T[j] - lo) / (hi - lo if hi > lo else 1)))
    allE = np.concatenate([E[np.isfinite(E)] for E, _ in t["curves"]] or [np.zeros(1)])
    EE = np.linspace(allE.min(), allE.max(), 300) if allE.size else np.zeros(1)
    for k, (E0, sig, N) in enumerate(t["bands"]):
        ax.plot(EE, N / (sig * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((EE - E0) / sig) ** 2), "k-",
                lw=1.1, label="band at %.3f eV: %.2g cm$^{-3}$" % (E0, N))
    ax.set_xlabel(r"$E_\omega$ = kT ln(2$\xi_0$T$^2$/$\omega$) (eV)")
    ax.set_ylabel(r"$N_t(E_\omega)$ (cm$^{-3}$ eV$^{-1}$)")
    ax.set_title("(f) Walter's tDOS, sample %s" % t["name"])
    ax.grid(alpha=0.3)
    if t["bands"]:
        ax.legend(fontsize=7, loc="best")


def finite(*arrays):
    """Mask of the entries finite in every array."""
    m = np.ones(len(arrays[0]), dtype=bool)
    for a in arrays:
        m &= np.isfinite(a)
    return m


def no_data(ax, text="no finite data"):
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", color="0.4")


def panel_ea(ax, s):
    fai = s["fai_sample"] != 0
    bri = ~fai
    x = s["x"]
    order = np.argsort(x[bri])
    xb = x[bri][order]

    def col(name):
        return s[name][bri][order]

    m = np.isfinite(col("Ea_true"))
    ax.plot(xb[m], col("Ea_true")[m], "-", color="0.35", lw=1.5, marker=".", ms=6,
            label="true barrier (input)", zorder=2)
    if "Ea_tid_target" in s:
        m = np.isfinite(col("Ea_tid_target"))
        if m.any():
            ax.plot(xb[m], col("Ea_tid_target")[m], ":", color="C1", lw=1.2, marker="x", ms=5,
                    label="TID value (table target)", zorder=3)
    err = np.where(np.isfinite(col("Ea_err")), col("Ea_err"), 0.0)
    m = np.isfinite(col("Ea_extracted"))
    ax.errorbar(xb[m], col("Ea_extracted")[m], yerr=err[m], fmt="o", color="C0", ms=6,
                capsize=3, label="extracted", zorder=4)
    m = np.isfinite(col("Ea_stated"))
    if m.any():
        ax.plot(xb[m], col("Ea_stated")[m], "D", mfc="none", mec="C3", mew=1.6, ms=10,
                label="study's stated value", zorder=3)

    xf = x[fai]
    if xf.size:
        ef = s["Ea_extracted"][fai]
        m = np.isfinite(ef)
        if m.any():
            errf = np.where(np.isfinite(s["Ea_err"][fai]), s["Ea_err"][fai], 0.0)
            ax.errorbar(xf[m], ef[m], yerr=errf[m], fmt="s", color="C2", ms=7, capsize=3,
                        label="FAI sample: extracted", zorder=4)
        tf = s["Ea_true"][fai]
        m = np.isfinite(tf)
        if m.any():
            ax.plot(xf[m], tf[m], "s", mfc="none", mec="C2", mew=1.6, ms=7,
                    label="FAI sample: true", zorder=3)
        sf = s["Ea_stated"][fai]
        m = np.isfinite(sf)
        if m.any():
            ax.plot(xf[m], sf[m], "D", mfc="none", mec="C3", mew=1.6, ms=10, zorder=3)
        ys = np.concatenate([v[np.isfinite(v)] for v in (ef, tf, sf)])
        if ys.size:
            ax.annotate("FAI", (xf[0], ys.min()), xytext=(8, -4), textcoords="offset points",
                        color="C2", fontsize=9, fontweight="bold")
    ax.set_xlabel("Br fraction x")
    ax.set_ylabel(r"$E_a$ (eV)")
    ax.set_title("(a) activation energy")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")


def panel_n(ax, s):
    fai = s["fai_sample"] != 0
    plotted = False
    for sel, lab, mk, c in ((~fai, "", "o", "C0"), (fai, "FAI sample: ", "s", "C2")):
        if not sel.any():
            continue
        order = np.argsort(s["x"][sel])
        x = s["x"][sel][order]
        nt = s["N_true"][sel][order]
        nx = s["N_extracted"][sel][order]
        ne = s["N_err"][sel][order]
        m = np.isfinite(nt) & (nt > 0)
        if m.any():
            if lab:
                ax.plot(x[m], nt[m], mk, mfc="none", mec=c, mew=1.6, ms=7, label=lab + "true")
            else:
                ax.plot(x[m], nt[m], "-", color="0.35", lw=1.5, marker=".", ms=6,
                        label="true (input)")
            plotted = True
        m = np.isfinite(nx) & (nx > 0)
        if m.any():
            # error bars only where they fit a log axis (err < value); the rest
            # are drawn open and flagged in the legend
            good = m & np.isfinite(ne) & (ne < nx)
            bad = m & ~good
            if good.any():
                ax.errorbar(x[good], nx[good], yerr=ne[good], fmt=mk, color=c, ms=6,
                            capsize=3, label=lab + "extracted")
            if bad.any():
                ax.plot(x[bad], nx[bad], mk, color=c, mfc="white", ms=7,
                        label=lab + "extracted (error > 100 %)")
            plotted = True
        if lab and m.any():
            ax.annotate("FAI", (x[m][0], nx[m][0]), xytext=(8, -4), textcoords="offset points",
                        color=c, fontsize=9, fontweight="bold")
    if not plotted:
        no_data(ax)
    else:
        ax.set_yscale("log")
        ax.legend(fontsize=8, loc="best")
    ax.set_xlabel("Br fraction x")
    ax.set_ylabel(r"$N_\mathrm{ion}$ (cm$^{-3}$)")
    ax.set_title(r"(b) mobile ion density")
    ax.grid(alpha=0.3, which="both")


def pick_temperatures(T, C, count=4):
    """Indices of about `count` temperatures spread over the scan."""
    ok = np.flatnonzero(np.isfinite(T) & np.isfinite(C).any(axis=1))
    if ok.size <= count:
        return list(ok)
    return list(ok[np.unique(np.round(np.linspace(0, ok.size - 1, count)).astype(int))])


def panel_c(ax, d):
    T, t, C = d["T"], d["t"], d["C"]
    rows = pick_temperatures(T, C, count=len(T))
    cmap = matplotlib.colormaps["coolwarm"]
    Tmin, Tmax = (np.nanmin(T[rows]), np.nanmax(T[rows])) if rows else (0, 1)
    drawn = False
    for i in rows:
        c = C[i]
        m = np.isfinite(c) & np.isfinite(t) & (t > 0)
        if m.sum() < 2:
            continue
        # the baseline of a used temperature is its fitted C_inf; elsewhere the
        # end of the window (a fit whose tau lies outside it extrapolates C_inf)
        cinf = d["C_inf"][i]
        if not (d["extraction/used"][i] and np.isfinite(cinf)):
            cinf = np.mean(c[m][-3:])
        dc = (c - cinf) * FM2_TO_NFCM2
        color = cmap(0.5 if Tmax == Tmin else (T[i] - Tmin) / (Tmax - Tmin))
        ax.plot(t[m], dc[m], "-", color=color, lw=1.4)
        tau = d["tau"][i]
        if np.isfinite(tau) and tau > 0 and t[m][0] <= tau <= t[m][-1]:
            ax.plot([tau], [np.interp(np.log(tau), np.log(t[m]), dc[m])], "o",
                    color=color, mec="k", ms=5)
        drawn = True
    if drawn:
        ax.set_xscale("log")
        ax.plot([], [], "o", color="0.6", mec="k", ms=5, label=r"$t = \tau$")
        ax.legend(fontsize=8, loc="upper right")
        sm = matplotlib.cm.ScalarMappable(cmap=cmap,
                                          norm=matplotlib.colors.Normalize(Tmin, Tmax))
        sm.set_array([])
        ax.figure.colorbar(sm, ax=ax, pad=0.01).set_label("T (K)")
    else:
        no_data(ax)
    ax.set_xlabel("time after the fill pulse t (s)")
    ax.set_ylabel(r"$C(t) - C_\infty$ (nF/cm$^2$)")
    ax.set_title("(c) capacitance transients, %s" % d["label"])
    ax.grid(alpha=0.3)


def panel_arrhenius(ax, d, Ea):
    """(d) ln(T/tau) against 1000/T, +-1 standard error of ln tau, one colour
    per temperature as in (c), the law the extraction reports over the
    temperatures it used; time constants a decade outside the window left out."""
    T, tau = d["T"], d["tau"]
    t = d["t"][np.isfinite(d["t"]) & (d["t"] > 0)]
    near = (tau > 0.1 * t.min()) & (tau < 10.0 * t.max()) if t.size else np.isfinite(tau)
    ok = np.isfinite(T) & np.isfinite(tau) & (T > 0) & (tau > 0) & near
    used = ok & (d["extraction/used"] != 0)
    cmap = matplotlib.colormaps["coolwarm"]
    fin = T[np.isfinite(T)]
    Tmin, Tmax = (fin.min(), fin.max()) if fin.size else (0.0, 1.0)
    y = np.full_like(T, np.nan)
    y[ok] = np.log(T[ok] / tau[ok])
    err = d["tau_err"] / tau
    for i in np.flatnonzero(ok):
        color = cmap(0.5 if Tmax == Tmin else (T[i] - Tmin) / (Tmax - Tmin))
        ax.errorbar(1000.0 / T[i], y[i], yerr=err[i] if np.isfinite(err[i]) else None,
                    fmt="o", ms=6, color=color, mfc=color if used[i] else "none", ecolor="0.3",
                    capsize=2, mec="k" if used[i] else color, mew=0.6, zorder=3)
    ax.plot([], [], "o", color="0.6", mec="k", ms=6, label="used in the fit ($\\pm$1 s.e.)")
    if (ok & ~used).any():
        ax.plot([], [], "o", mfc="none", mec="0.5", ms=6, label="not used")
    law = d.get("law")
    if used.any() and law is not None:
        TT = np.linspace(T[used].min(), T[used].max(), 50)
        ax.plot(1000.0 / TT, law[0] - law[1] / (K_B_EV * TT), "-", color="k", lw=1.2,
                label=r"$E_a$ = %.4f eV (%s)" % (law[1], law[2]), zorder=2)
    elif used.any() and np.isfinite(Ea):  # a file without the law: its slope
        xm, ym = (1000.0 / T[used]).mean(), y[used].mean()
        xs = np.array([1000.0 / T[used].max(), 1000.0 / T[used].min()])
        ax.plot(xs, ym - Ea / (K_B_EV * 1000.0) * (xs - xm), "-", color="k", lw=1.2,
                label=r"slope of $E_a$ = %.4f eV" % Ea)
    if ok.any():
        ax.legend(fontsize=8, loc="best")
        top = ax.secondary_xaxis("top", functions=(lambda v: 1000.0 / np.maximum(v, 1e-9),
                                                   lambda v: 1000.0 / np.maximum(v, 1e-9)))
        top.set_xlabel("T (K)")
    else:
        no_data(ax)
    ax.set_xlabel(r"1000/T (K$^{-1}$)")
    ax.set_ylabel(r"ln(T/$\tau$)  (T in K, $\tau$ in s)")
    ax.set_title("(d) Arrhenius plot, %s" % d["label"])
    ax.grid(alpha=0.3)


def main(argv):
    ap = argparse.ArgumentParser(description="Plot DIR/reproduce.h5 of `iondrift reproduce`.")
    ap.add_argument("h5", help="reproduce.h5 written by `iondrift reproduce`")
    ap.add_argument("-o", "--output", required=True, help="PNG file to write")
    args = ap.parse_args(argv)

    global matplotlib
    try:
        import h5py
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        print("plot_reproduce.py: %s (needs numpy, h5py and matplotlib)" % err, file=sys.stderr)
        return 1

    try:
        study, version, s, d, order = load(h5py, args.h5)
    except BadInput as err:
        print("plot_reproduce.py: %s: %s" % (args.h5, err), file=sys.stderr)
        return 2

    # Ea of the Arrhenius line: the summary row of the plotted sample, else
    # the extraction's own attribute
    names = np.array(order) if len(order) == len(s["x"]) else None
    row = (np.flatnonzero(names == d["name"]) if names is not None
           else np.flatnonzero((s["fai_sample"] == 0) & (s["x"] == 0.0)))
    Ea = s["Ea_extracted"][row[0]] if row.size else np.nan
    if not np.isfinite(Ea):
        Ea = d["Ea_species"]

    tas, light = "tas" in d, "light" in d
    cols = 2 + tas + light
    fig, axes = plt.subplots(2, cols, figsize=(6 * cols, 9.5))
    with np.errstate(invalid="ignore", divide="ignore"):
        panel_ea(axes[0, 0], s)
        panel_n(axes[0, 1], s)
        panel_c(axes[1, 0], d)
        panel_arrhenius(axes[1, 1], d, Ea)
        if tas:
            panel_tas(axes[0, 2], s)
            panel_tdos(axes[1, 2], d["tas"])
        if light:
            panel_light(axes[0, cols - 1], s, d["light"])
            if d["light"]["curves"] is not None:
                panel_c(axes[1, cols - 1], d["light"]["curves"])
                axes[1, cols - 1].set_title("(h) capacitance transients, %s"
                                            % d["light"]["curves"]["label"])
            else:
                no_data(axes[1, cols - 1], "no illuminated scan")
    fig.suptitle("%s\niondrift %s reproduce: simulated TID, extraction vs inputs"
                 % (study, version), fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    try:
        fig.savefig(args.output, dpi=120)
    except (OSError, IOError) as err:
        print("plot_reproduce.py: cannot write %s: %s" % (args.output, err), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
