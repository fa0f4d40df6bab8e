#!/usr/bin/python3
"""Draw an iondrift result file: the figure its protocol calls for.

    iondrift_plot.py RESULT.h5 -o FIGURE.png|.pdf|.svg

What is drawn (docs/plots.md):
  tid          C(t) at every temperature with the fitted curves, C(t) - C_inf
               on a common baseline, the Arrhenius plot with error bars, the
               fitted law and Ea +- its error
  extract -o   the same for measured data (data/ and extraction/)
  tas          C-f at every temperature, -w dC/dw, the Arrhenius plot of the
               inflections with each level's law, Walter's tDOS with the
               fitted bands and the deck's true trap levels
  tas-extract -o  the same for a measured C-f-T table
  cf           C and G/w against f
  cv           C and 1/C^2 against V with the stored Mott-Schottky fit (N, V_bi)
  waveform     |J(t)| on log-log axes against the time since each bias step,
               V(t), the potential, ion and carrier profiles
  equilibrate  the equilibrium profiles
  reproduce    the reproduction figure (tools/plot_reproduce.py)
  fit          `iondrift fit -o`: the data against the best fit per data set
               (one colour per temperature), the weighted residuals, the
               profile likelihoods with their 68 % and 95 % levels
  sweep        a sweep's results.h5: the bias map of the TID analysis
               (extracted / true Ea and N_ion against N_ion / N_A), else each
               output against the first numeric axis
`iondrift plot` runs this tool with the python found when iondrift was
configured. Exit status: 0 success, 1 runtime failure (cannot write the
figure, a module missing), 2 bad input (not an iondrift result).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def kind_of(f):
    """The kind of result a file holds."""
    from idrplot.common import attr

    if "summary" in f and "samples" in f:
        return "reproduce"
    if attr(f, "command") == "extract":
        return "extract"
    if attr(f, "command") == "tas-extract":
        return "tas-extract"
    if attr(f, "command") == "sweep":
        return "sweep"
    if attr(f, "command") == "fit":
        return "fit"
    for k in ("tid", "tas", "cf", "cv", "transient", "equilibrium"):
        if k in f:
            return k
    return None


def draw(f, path, kind):
    from idrplot import fitplot, smallsignal, sweep, tas, tid, waveform
    from idrplot.common import title_of

    if kind == "fit":
        spec = f.attrs.get("spec", b"?")
        spec = spec.decode() if isinstance(spec, bytes) else str(spec)
        return fitplot.figure(f, path, "iondrift fit %s" % spec)
    if kind == "sweep":
        return sweep.figure(f, path, title_of(f, path, "sweep"))
    if kind == "tid":
        return tid.figure(f, path, "tid", title_of(f, path, "TID scan", with_T=False))
    if kind == "extract":
        src = f.attrs.get("input", b"?")
        src = src.decode() if isinstance(src, bytes) else str(src)
        return tid.figure(f, path, "extract", "TID extraction of %s (iondrift extract)" % src)
    if kind == "tas":
        return tas.figure(f, path, "tas", title_of(f, path, "TAS", with_T=False))
    if kind == "tas-extract":
        return tas.figure(f, path, "tas-extract", tas.title_extract(f, path))
    if kind == "cf":
        return smallsignal.figure_cf(f, path, title_of(f, path, "C-f"))
    if kind == "cv":
        return smallsignal.figure_cv(f, path, title_of(f, path, "C-V"))
    if kind == "transient":
        return waveform.figure_waveform(f, path, title_of(f, path, "waveform"))
    return waveform.figure_equilibrium(f, path, title_of(f, path, "equilibrium"))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", help="an iondrift result (.h5)")
    ap.add_argument("-o", "--output", help="the figure (.png, .pdf or .svg); default: show it")
    args = ap.parse_args(argv)
    try:
        import h5py
        import matplotlib

        if args.output:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        print("iondrift plot: error: %s (install python3-matplotlib and python3-h5py)" % e,
              file=sys.stderr)
        return 1
    from idrplot.common import BadInput, style

    try:
        f = h5py.File(args.file, "r")
    except OSError as e:
        print("iondrift plot: error: %s: cannot open as HDF5 (%s)" % (args.file, e),
              file=sys.stderr)
        return 2
    style()
    with f:
        kind = kind_of(f)
        if kind is None:
            print("iondrift plot: error: %s: not an iondrift result (no tid, tas, cf, cv, "
                  "transient, equilibrium, extraction or reproduction groups)" % args.file, file=sys.stderr)
            return 2
        if kind == "reproduce":
            f.close()
            import plot_reproduce

            return plot_reproduce.main([args.file] + (["-o", args.output] if args.output else []))
        try:
            fig = draw(f, args.file, kind)
        except BadInput as e:
            print("iondrift plot: error: %s: %s" % (args.file, e), file=sys.stderr)
            return 2
    if not args.output:
        plt.show()
        return 0
    try:
        fig.savefig(args.output, dpi=130)
    except (OSError, ValueError) as e:
        print("iondrift plot: error: cannot write %s: %s" % (args.output, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
