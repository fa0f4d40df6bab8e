"""The device-model fit (docs/fit.md) from Python: iondrift.fit(spec).

    f = iondrift.fit("examples/fit/fit.yaml", threads=2)
    for p in f.parameters:
        print(p["path"], p["value"], p["stderr"], p["ci95"], p["identifiable"])
    f.chi2_reduced, f.simulations, f.warnings
    f.result["data/set_0/model"]      # every dataset of the result file by name
    f.write("fit.h5")                 # the file `iondrift fit -o` writes

The same library calls as `iondrift fit` (idr_fit_load, idr_fit_run,
idr_fit_param, idr_fit_write): the same numbers, checks and messages.
"""

import ctypes
import os

from . import _lib

_lib_ = _lib.lib


class FitProgress(ctypes.Structure):
    """idr_fit_progress: what a fit reports between its parallel sections."""
    _fields_ = [("stage", ctypes.c_char_p), ("iter", ctypes.c_int), ("cost", ctypes.c_double),
                ("step", ctypes.c_double), ("simulations", ctypes.c_size_t),
                ("elapsed_s", ctypes.c_double)]


FIT_PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(FitProgress))


class FitRunOptions(ctypes.Structure):
    """idr_fit_run_options."""
    _fields_ = [("threads", ctypes.c_int), ("no_profiles", ctypes.c_int),
                ("progress", FIT_PROGRESS_FN), ("user", ctypes.c_void_p)]


class FitParam(ctypes.Structure):
    """idr_fit_param_result: one fitted parameter in its deck units."""
    _fields_ = [("path", ctypes.c_char_p), ("units", ctypes.c_char_p), ("log_scale", ctypes.c_int),
                ("start", ctypes.c_double), ("value", ctypes.c_double),
                ("stderr_", ctypes.c_double), ("stderr_z", ctypes.c_double),
                ("ci68", ctypes.c_double * 2), ("ci95", ctypes.c_double * 2),
                ("profiled", ctypes.c_int), ("identifiable", ctypes.c_int)]


_P, _PP, _S, _E, _SZ = (ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p,
                        ctypes.POINTER(_lib.Error), ctypes.c_size_t)
for _name, (_res, _args) in {
        "idr_fit_load": (ctypes.c_int, [_S, _PP, _E]),
        "idr_fit_free": (None, [_PP]),
        "idr_fit_run_options_default": (None, [ctypes.POINTER(FitRunOptions)]),
        "idr_fit_run": (ctypes.c_int, [_P, ctypes.POINTER(FitRunOptions), _E]),
        "idr_fit_n_params": (_SZ, [_P]),
        "idr_fit_n_points": (_SZ, [_P]),
        "idr_fit_param": (ctypes.c_int, [_P, _SZ, ctypes.POINTER(FitParam), _E]),
        "idr_fit_chi2_reduced": (ctypes.c_double, [_P]),
        "idr_fit_simulations": (_SZ, [_P]),
        "idr_fit_warnings": (_S, [_P]),
        "idr_fit_resolved": (_S, [_P]),
        "idr_fit_result": (_P, [_P]),
        "idr_fit_write": (ctypes.c_int, [_P, _S, _E]),
}.items():
    _f = getattr(_lib_, _name)
    _f.restype = _res
    _f.argtypes = _args


class Fit:
    """A fit that has run: parameters, chi2_reduced, simulations, warnings,
    result (the result file's contents), write(h5)."""

    def __init__(self, handle, result_class):
        self._h = ctypes.c_void_p(handle)
        err, self.parameters = _lib.Error(), []
        for k in range(_lib_.idr_fit_n_params(self._h)):
            q = FitParam()
            if _lib_.idr_fit_param(self._h, k, ctypes.byref(q), ctypes.byref(err)) != 0:
                continue
            self.parameters.append({
                "path": q.path.decode(), "units": q.units.decode(), "value": q.value,
                "stderr": q.stderr_, "start": q.start, "ci68": (q.ci68[0], q.ci68[1]),
                "ci95": (q.ci95[0], q.ci95[1]),
                "intervals": "profile" if q.profiled else "linear",
                "identifiable": bool(q.identifiable), "log_scale": bool(q.log_scale)})
        self.chi2_reduced = _lib_.idr_fit_chi2_reduced(self._h)
        self.simulations = int(_lib_.idr_fit_simulations(self._h))
        self.points = int(_lib_.idr_fit_n_points(self._h))
        w = _lib_.idr_fit_warnings(self._h).decode()
        self.warnings = w.split("\n") if w else []
        self.spec_yaml = _lib_.idr_fit_resolved(self._h).decode()
        # the fit owns its result: the Result only borrows it (kept alive by self)
        self.result = result_class(_lib_.idr_fit_result(self._h), owner=self)

    def __del__(self):
        if getattr(self, "_h", None) and self._h.value:
            _lib_.idr_fit_free(ctypes.byref(self._h))

    def write(self, h5):
        """Write the result file (what `iondrift fit -o h5` writes)."""
        err = _lib.Error()
        st = _lib_.idr_fit_write(self._h, os.fsencode(os.fspath(h5)), ctypes.byref(err))
        return st, err


def run_fit(spec, threads, profiles, progress, result_class, fit_class=Fit):
    """idr_fit_load + idr_fit_run; returns (status, error, Fit or None, raised);
    raised is None when the spec could not be loaded (bad input, as the
    command line's exit 2)."""
    h, err = ctypes.c_void_p(), _lib.Error()
    st = _lib_.idr_fit_load(os.fsencode(os.fspath(spec)), ctypes.byref(h), ctypes.byref(err))
    if st != 0:
        return st, err, None, None
    o = FitRunOptions()
    _lib_.idr_fit_run_options_default(ctypes.byref(o))
    o.threads = int(threads)
    o.no_profiles = 0 if profiles else 1
    raised = []

    def report(user, p):
        if raised:
            return
        try:
            q = p.contents
            progress(dict(stage=q.stage.decode(), iter=q.iter, cost=q.cost, step=q.step,
                          simulations=int(q.simulations), elapsed_s=q.elapsed_s))
        except BaseException as e:  # noqa: B902 - re-raised after the fit
            raised.append(e)

    o.progress = FIT_PROGRESS_FN(report) if progress is not None else FIT_PROGRESS_FN()
    st = _lib_.idr_fit_run(h, ctypes.byref(o), ctypes.byref(err))
    if st != 0:
        _lib_.idr_fit_free(ctypes.byref(h))
        return st, err, None, raised
    return 0, err, fit_class(h.value, result_class), raised
