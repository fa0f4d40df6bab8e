"""iondrift: drift-diffusion simulations of perovskite cells with mobile ions,
from Python (docs/python.md).

    import iondrift
    r = iondrift.run("examples/fapbi3_pin.yaml", set={"mesh.nodes": 200}, threads=2)
    J = r["transient/J"]            # numpy array, SI units
    r.units("transient/J")          # 'A/m^2'

    s = iondrift.Study("examples/xiang2026.yaml")
    for Ea in (0.10, 0.15, 0.20):
        s.set("ions[0].Ea_eV", Ea)
        r = s.run(threads=2)
        print(Ea, r.attrs("tid/extraction/species_0")["Ea_eV"])

    x = iondrift.extract("examples/lab_tid_export.csv", eps_r=46.9,
                         doping_cm3=1e17, polarity="pin")      # measured data
    print(x.attrs("extraction/species_0")["Ea_eV"])

A deck is a file path or YAML text. Results are reached by the names of the
HDF5 result file (docs/outputs.md) and equal what `iondrift run` (and
`iondrift extract -o`) writes, bit for bit. Errors raise iondrift.Error
(iondrift.InputError for bad input, also a ValueError) with the message the
command line prints. The engine runs without the GIL: Python threads run
studies in parallel; a progress callback runs in the thread that called
run. Needs only numpy and the shared library libiondrift.so (found as
described in _lib.py).
"""

import ctypes
import json
import math
import os
import warnings

import numpy as np

from . import _lib

__all__ = ["run", "Study", "Result", "Error", "InputError", "DataWarning", "ExtractionWarning",
           "extract", "mott_schottky", "tas_extract", "fit", "Fit", "version"]

_lib_ = _lib.lib


def version():
    """The engine's version ("0.1.0")."""
    return _lib_.idr_version().decode()


class Error(RuntimeError):
    """A failure of the engine: .status (idr_status) and the engine's message."""

    def __init__(self, message, status=0):
        super().__init__(message)
        self.status = status


class InputError(Error, ValueError):
    """Bad input: a deck, a value refused by the deck's rules, an unknown name."""


class DataWarning(UserWarning):
    """What the analysis of measured data noticed (an implausible magnitude,
    a unit option that contradicts a header): the command line's warnings."""


class ExtractionWarning(UserWarning):
    """A run whose protocol finished but whose analysis did not (the TID
    extraction of a `tid` scan, the TAS analysis of a `tas` scan), or whose
    scan left temperatures out: the result holds the data without it; the
    reason is also in r.attrs("tid")["extraction_error"] (tas likewise) and
    tid/failed_T. The command line prints the same in its summary."""


def _run_problems(result):
    """What a finished run could not do: the messages ExtractionWarning carries."""
    out = []
    for group, what in (("tid", "the TID extraction"), ("tas", "the TAS analysis")):
        if group not in result:
            continue
        a = result.attrs(group)
        if a.get("extraction_error"):
            out.append("%s failed: %s" % (what, a["extraction_error"]))
        failed = sorted(k for k in a if k.startswith("failed_"))
        for k in failed:
            out.append("%s scan: a temperature failed and is left out: %s" % (group, a[k]))
    return out


def _raise(st, err, deck=False):
    msg = err.msg.decode("utf-8", "replace") or _lib.STATUS_NAMES.get(st, "error")
    bad_input = st in _lib.INPUT_STATUSES or (deck and st != 2)  # 2: out of memory
    raise (InputError if bad_input else Error)(msg, st)


def _check(st, err, deck=False):
    """Raise for a failed call; deck: a failure to load a deck (an unreadable
    file included) is bad input, as for the command line."""
    if st != 0:
        _raise(st, err, deck)


def _b(text):
    return text.encode("utf-8") if isinstance(text, str) else text


def _yaml_value(v):
    """A Python value as the YAML text of a deck value (exact for floats)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        return repr(float(v))  # the shortest text that reads back to the same double
    if isinstance(v, str):
        return json.dumps(v)  # a double-quoted YAML string
    if isinstance(v, (list, tuple, dict, np.ndarray)):
        return json.dumps(v.tolist() if isinstance(v, np.ndarray) else v)  # JSON is YAML
    raise TypeError("iondrift: cannot set a deck value from %r" % (v,))


def _is_path(deck):
    return "\n" not in deck and (os.path.exists(deck) or deck.endswith((".yaml", ".yml")))


class Result:
    """The result of a run: the contents of the result file, by HDF5 name."""

    def __init__(self, handle, study_name=None, owner=None):
        self._h = ctypes.c_void_p(handle)
        self.study = study_name
        self._owner = owner  # a result borrowed from its owner (a fit) is not freed here

    def __del__(self):
        if getattr(self, "_h", None) and self._h.value and getattr(self, "_owner", None) is None:
            _lib_.idr_result_free(ctypes.byref(self._h))

    def _entry(self, name):
        d, err = _lib.Dataset(), _lib.Error()
        _check(_lib_.idr_result_dataset(self._h, _b(name), ctypes.byref(d), ctypes.byref(err)), err)
        return d

    def _entries(self):
        err = _lib.Error()
        for i in range(_lib_.idr_result_count(self._h)):
            d = _lib.Dataset()
            _check(_lib_.idr_result_entry(self._h, i, ctypes.byref(d), ctypes.byref(err)), err)
            yield d

    def names(self):
        """The datasets' names, in writing order ("mesh/x", "tid/C", ...)."""
        return [d.name.decode() for d in self._entries() if d.is_dataset]

    def groups(self):
        """The groups' names ("" is the root)."""
        return [d.name.decode() for d in self._entries() if not d.is_dataset]

    def __contains__(self, name):
        d, err = _lib.Dataset(), _lib.Error()
        return _lib_.idr_result_dataset(self._h, _b(name), ctypes.byref(d), ctypes.byref(err)) == 0

    def __getitem__(self, name):
        """The dataset `name` as a new numpy array (float64, or int32 for counts)."""
        d = self._entry(name)
        if not d.is_dataset:
            raise InputError("result: '%s' is a group, not a dataset" % name, 1)
        shape = (d.dims[0],) if d.rank == 1 else (d.dims[0], d.dims[1])
        dtype = np.int32 if d.type == _lib.RESULT_INT else np.float64
        n = int(np.prod(shape))
        if n == 0:
            return np.zeros(shape, dtype=dtype)
        buf = (ctypes.c_char * (n * np.dtype(dtype).itemsize)).from_address(d.data)
        return np.frombuffer(buf, dtype=dtype).reshape(shape).copy()

    def units(self, name):
        """The units of a dataset ("F/m^2", "-" for a number)."""
        return self._entry(name).units.decode()

    def attrs(self, name="/"):
        """The attributes of a group or dataset as a dict (numbers and strings)."""
        d = self._entry(name)
        out, err = {}, _lib.Error()
        for i in range(d.n_attrs):
            key, s, v = ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_double()
            _check(_lib_.idr_result_attr(self._h, _b(name), i, ctypes.byref(key), ctypes.byref(v),
                                         ctypes.byref(s), ctypes.byref(err)), err)
            out[key.value.decode()] = s.value.decode() if s.value is not None else v.value
        return out

    def write(self, h5, csv=None):
        """Write the result file h5 and the protocol's CSV beside it as
        `iondrift run -o h5` does (csv: another name, or "" for none)."""
        err = _lib.Error()
        _check(_lib_.idr_result_write(self._h, _b(os.fspath(h5)), None if csv is None else _b(csv),
                                      ctypes.byref(err)), err)


class Study:
    """A deck held by the engine: change values by deck path, run it again.

    deck: a file path or YAML text; set: {path: value} applied before the
    deck is checked, as `iondrift run --set path=value` does."""

    def __init__(self, deck, set=None, name=None, _handle=None):
        self._h = ctypes.c_void_p()
        if _handle is not None:
            self._h = ctypes.c_void_p(_handle)
            return
        deck = os.fspath(deck)
        sets = ["%s=%s" % (k, _yaml_value(v)) for k, v in (set or {}).items()]
        arr = (ctypes.c_char_p * max(1, len(sets)))(*[_b(x) for x in sets])
        err = _lib.Error()
        if _is_path(deck):
            st = _lib_.idr_study_load(_b(deck), arr, len(sets), ctypes.byref(self._h),
                                      ctypes.byref(err))
        else:
            st = _lib_.idr_study_load_string(_b(deck), _b(name) if name else None, arr, len(sets),
                                             ctypes.byref(self._h), ctypes.byref(err))
        _check(st, err, deck=True)

    def __del__(self):
        if getattr(self, "_h", None) and self._h.value:
            _lib_.idr_study_free(ctypes.byref(self._h))

    def copy(self):
        """An independent deep copy."""
        h, err = ctypes.c_void_p(), _lib.Error()
        _check(_lib_.idr_study_copy(self._h, ctypes.byref(h), ctypes.byref(err)), err)
        return Study(None, _handle=h.value)

    def set(self, path, value=None):
        """Change one value (path, value) or several ({path: value}, checked
        together) with the deck reader's rules; a refused change raises
        InputError and leaves the study as it was. Numbers are set exactly;
        a list of numbers sets a list; a dict (or a list of mappings) is set
        as YAML."""
        err = _lib.Error()
        if isinstance(path, dict):
            items = list(path.items())
            if all(isinstance(v, (int, float, str, np.integer, np.floating))
                   and not isinstance(v, bool) for _, v in items):
                vals = (_lib.Value * len(items))()
                for i, (k, v) in enumerate(items):
                    vals[i].path = _b(k)
                    vals[i].text = _b(v) if isinstance(v, str) else None
                    vals[i].number = 0.0 if isinstance(v, str) else float(v)
                _check(_lib_.idr_study_set_values(self._h, vals, len(items), ctypes.byref(err)), err)
                return self
            for k, v in items:
                self.set(k, v)
            return self
        v = value
        if isinstance(v, bool) or isinstance(v, dict) or (
                isinstance(v, (list, tuple)) and any(isinstance(x, (dict, list)) for x in v)):
            st = _lib_.idr_study_set_yaml(self._h, _b(path), _b(_yaml_value(v)), ctypes.byref(err))
        elif isinstance(v, (list, tuple, np.ndarray)):
            a = np.ascontiguousarray(v, dtype=np.float64)
            st = _lib_.idr_study_set_doubles(self._h, _b(path),
                                             a.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                                             a.size, ctypes.byref(err))
        elif isinstance(v, (int, np.integer)):
            st = _lib_.idr_study_set_int(self._h, _b(path), int(v), ctypes.byref(err))
        elif isinstance(v, (float, np.floating)):
            st = _lib_.idr_study_set_double(self._h, _b(path), float(v), ctypes.byref(err))
        elif isinstance(v, str):
            st = _lib_.idr_study_set_string(self._h, _b(path), _b(v), ctypes.byref(err))
        else:
            raise TypeError("iondrift: cannot set %s from %r" % (path, v))
        _check(st, err)
        return self

    def get(self, path):
        """A value of the resolved deck: a float when it is a number, else the text."""
        v, err = ctypes.c_double(), _lib.Error()
        if _lib_.idr_study_get_double(self._h, _b(path), ctypes.byref(v), ctypes.byref(err)) == 0:
            return v.value
        buf, err = ctypes.create_string_buffer(4096), _lib.Error()
        _check(_lib_.idr_study_get_string(self._h, _b(path), buf, len(buf), ctypes.byref(err)), err)
        return buf.value.decode()

    @property
    def name(self):
        return _lib_.idr_study_name(self._h).decode()

    @property
    def protocol(self):
        return _lib_.idr_study_protocol(self._h).decode()

    @property
    def deck_yaml(self):
        """The resolved deck (every default and material value explicit)."""
        return _lib_.idr_study_deck_yaml(self._h).decode()

    def run(self, threads=0, progress=None, extraction_errors="warn"):
        """Run the protocol (threads: OpenMP threads, 0 = the default) without
        holding the GIL; returns a Result. progress(fraction, stage), if
        given, is called in this thread (the engine delivers its reports to
        the calling thread) with fractions that never decrease; an exception
        it raises is raised here once the run has finished (the run is not
        interrupted). A TID extraction or TAS analysis that failed after the
        scan (or a scan temperature left out) is, by extraction_errors:
        "warn" an ExtractionWarning with the reason (default), "raise" an
        iondrift.Error, "ignore" only the result's attributes."""
        if extraction_errors not in ("warn", "raise", "ignore"):
            raise InputError("extraction_errors must be 'warn', 'raise' or 'ignore' (got %r)"
                             % (extraction_errors,), 1)
        h, err = ctypes.c_void_p(), _lib.Error()
        raised = []

        def report(user, fraction, stage):
            if raised:
                return
            try:
                progress(fraction, stage.decode("utf-8", "replace"))
            except BaseException as e:  # noqa: B902 - re-raised after the run
                raised.append(e)

        cb = _lib.PROGRESS_FN(report) if progress is not None else _lib.PROGRESS_FN()
        st = _lib_.idr_study_run(self._h, int(threads), cb, None, ctypes.byref(h),
                                 ctypes.byref(err))
        result = Result(h.value, self.name) if st == 0 else None
        if raised:
            raise raised[0]
        _check(st, err)
        problems = _run_problems(result) if extraction_errors != "ignore" else []
        if problems and extraction_errors == "raise":
            raise Error("; ".join(problems))
        for msg in problems:
            warnings.warn(msg, ExtractionWarning, stacklevel=2)
        return result


def run(deck, set=None, threads=0, progress=None, extraction_errors="warn"):
    """Load a deck (path or YAML text), apply `set` ({deck path: value}, as
    `iondrift run --set`), run it; returns a Result. progress and
    extraction_errors as Study.run."""
    return Study(deck, set=set).run(threads=threads, progress=progress,
                                    extraction_errors=extraction_errors)


# ---- measured data (docs/python.md, docs/cli.md) --------------------------------------

def _double(v):
    return math.nan if v is None else float(v)


def _data_options(o, columns, skip_lines, units, window=None, temp_tol_K=None):
    """Fill an idr_data_options from the keyword arguments."""
    o.columns = _b(columns) if columns else None
    for k, v in units.items():
        setattr(o, k, _b(v) if v else None)
    if temp_tol_K is not None:
        o.temp_tol_K = float(temp_tol_K)
    if window is not None:
        lo, hi = window
        o.x_min = -math.inf if lo is None else float(lo)
        o.x_max = math.inf if hi is None else float(hi)
    o.skip_lines = int(skip_lines)


def _range(r):
    if r is None:
        return -math.inf, math.inf
    lo, hi = r
    return (-math.inf if lo is None else float(lo)), (math.inf if hi is None else float(hi))


def _analyse(call, opts, on_warning):
    """Call the engine with a warnings collector; the warnings are given to
    on_warning(msg), else issued as DataWarning, then a failure is raised."""
    said = []
    cb = _lib.WARNING_FN(lambda user, msg: said.append(msg.decode("utf-8", "replace")))
    opts.on_warning = cb
    h, err = ctypes.c_void_p(), _lib.Error()
    st = call(ctypes.byref(h), ctypes.byref(err))
    for msg in said:
        if on_warning is not None:
            on_warning(msg)
        else:
            warnings.warn(msg, DataWarning, stacklevel=3)
    _check(st, err, deck=True)  # an unreadable file is bad input, as for the command line
    return Result(h.value)


def _curves(T, t, C, T_spread, C_units, keep):
    """idr_tid_curves of numpy data: C (n_T, n_t) with t (n_t,) shared, or
    one array of t and C per temperature. keep holds the arrays."""
    T = np.ascontiguousarray(T, dtype=np.float64).ravel()
    m = T.size
    if isinstance(C, np.ndarray) and C.ndim == 2 and np.ndim(t) == 1:
        Cs = np.ascontiguousarray(C, dtype=np.float64)
        if Cs.shape != (m, np.size(t)):
            raise InputError("extract: C is %s, expected (len(T), len(t)) = (%d, %d)"
                             % (Cs.shape, m, np.size(t)), 1)
        ts = np.ascontiguousarray(np.tile(np.asarray(t, dtype=np.float64), m))
        Cs = Cs.ravel()
        offset = None
    else:
        if len(t) != m or len(C) != m:
            raise InputError("extract: give one t and one C array per temperature (%d)" % m, 1)
        parts_t = [np.asarray(x, dtype=np.float64).ravel() for x in t]
        parts_C = [np.asarray(x, dtype=np.float64).ravel() for x in C]
        for j, (a, b) in enumerate(zip(parts_t, parts_C)):
            if a.size != b.size:
                raise InputError("extract: curve %d has %d times and %d capacitances"
                                 % (j, a.size, b.size), 1)
        ts = np.ascontiguousarray(np.concatenate(parts_t))
        Cs = np.ascontiguousarray(np.concatenate(parts_C))
        offset = np.cumsum([0] + [a.size for a in parts_t]).astype(np.uintp)
    keep += [T, ts, Cs]
    d = _lib.TidCurves()
    d.m = m
    d.T_K = T.ctypes.data_as(_lib._DP)
    if T_spread is not None:
        sp = np.ascontiguousarray(T_spread, dtype=np.float64).ravel()
        keep.append(sp)
        d.T_spread_K = sp.ctypes.data_as(_lib._DP)
    if offset is None:
        d.n = np.size(t)
    else:
        keep.append(offset)
        d.offset = offset.ctypes.data_as(ctypes.POINTER(ctypes.c_size_t))
    d.t_s = ts.ctypes.data_as(_lib._DP)
    d.C = Cs.ctypes.data_as(_lib._DP)
    d.C_units = _b(C_units)
    return d


def extract(data=None, *, T=None, t=None, C=None, C_units="F", T_spread=None, eps_r=None,
            doping_cm3=None, cv=None, cv_range=None, area_cm2=None, thickness_nm=None,
            n_ion_cm3=None, polarity=None, model=None, components=None, power=1, columns=None,
            temp_unit=None, time_unit=None, cap_unit=None, temp_tol_K=0.5, t_min_s=None,
            t_max_s=None, skip_lines=0, on_warning=None):
    """The TID extraction of `iondrift extract` (docs/cli.md), on a file or arrays.

    data: a lab export (temperature, time, capacitance columns, read as
    docs/data.md says) or the result file of a `tid` run; or, instead, T
    [K] with t [s] and C (C_units "F" for a device, with area_cm2, or
    "F/m^2"): C of shape (len(T), len(t)), or one t and one C array per
    temperature. The other arguments are the command's options (eps_r for
    --eps-r, cv for --cv, cv_range=(lo, hi) [V], components=1, 2 or "auto"
    for --components: neither model nor components is auto, ...). Returns a
    Result with the layout of `extract -o`: r.attrs("extraction/species_0")["Ea_eV"]
    (species_1 when r.attrs("extraction")["n_species"] is 2; two exponentials
    of one barrier are one species, "merged" 1, the second exponential in
    "extraction/exponential_1"), r["data/t"], r.write("x.h5"). Warnings go
    to on_warning(msg), else are issued as iondrift.DataWarning."""
    o = _lib.ExtractOptions()
    _lib_.idr_extract_options_default(ctypes.byref(o))
    o.eps_r, o.doping_cm3 = _double(eps_r), _double(doping_cm3)
    o.area_cm2, o.thickness_nm = _double(area_cm2), _double(thickness_nm)
    o.n_ion_cm3 = _double(n_ion_cm3)
    o.cv_file = _b(os.fspath(cv)) if cv is not None else None
    o.cv_V_lo, o.cv_V_hi = _range(cv_range)
    o.polarity = _b(polarity) if polarity else None
    o.model = _b(model) if model else None
    o.components = _b(str(components)) if components is not None else None
    o.power = int(power)
    _data_options(o.data, columns, skip_lines,
                  {"temp_unit": temp_unit, "time_unit": time_unit, "cap_unit": cap_unit},
                  window=(t_min_s, t_max_s), temp_tol_K=temp_tol_K)
    if data is not None:
        path = _b(os.fspath(data))
        return _analyse(lambda h, e: _lib_.idr_extract_tid_file(path, ctypes.byref(o), h, e), o,
                        on_warning)
    if T is None or t is None or C is None:
        raise InputError("extract: give a data file or T, t and C", 1)
    keep = []
    d = _curves(T, t, C, T_spread, C_units, keep)
    return _analyse(lambda h, e: _lib_.idr_extract_tid_arrays(ctypes.byref(d), ctypes.byref(o),
                                                              h, e), o, on_warning)


def tas_extract(data, *, area_cm2=None, eps_r=None, vbi_V=None, cv=None, cv_range=None,
                w_nm=None, bias_V=0.0, doping_cm3=None, band_dos_cm3=None, smooth=0,
                columns=None, temp_unit=None, freq_unit=None, cap_unit=None, cond_unit=None,
                temp_tol_K=0.5, f_min_Hz=None, f_max_Hz=None, skip_lines=0, on_warning=None):
    """The thermal admittance spectroscopy analysis of `iondrift tas-extract`
    (docs/tas.md, docs/cli.md) on a C-f-T table (temperature, frequency,
    capacitance[, conductance] columns, docs/data.md; C of the device of
    area_cm2). Give vbi_V or cv (a C-V table: V_bi, N and W from its
    Mott-Schottky fit, cv_range=(lo, hi) [V]). Returns a Result with the
    layout of `tas-extract -o`: r.attrs("extraction/level_0")["E_eV"],
    r.attrs("extraction/band_0")["sigma_eV"], r["extraction/Nt"]."""
    o = _lib.TasExtractOptions()
    _lib_.idr_tas_extract_options_default(ctypes.byref(o))
    o.area_cm2, o.eps_r, o.vbi_V = _double(area_cm2), _double(eps_r), _double(vbi_V)
    o.cv_file = _b(os.fspath(cv)) if cv is not None else None
    o.cv_V_lo, o.cv_V_hi = _range(cv_range)
    o.w_nm, o.bias_V = _double(w_nm), float(bias_V)
    o.doping_cm3, o.band_dos_cm3 = _double(doping_cm3), _double(band_dos_cm3)
    o.smooth = int(smooth)
    _data_options(o.data, columns, skip_lines,
                  {"temp_unit": temp_unit, "freq_unit": freq_unit, "cap_unit": cap_unit,
                   "cond_unit": cond_unit}, window=(f_min_Hz, f_max_Hz), temp_tol_K=temp_tol_K)
    path = _b(os.fspath(data))
    return _analyse(lambda h, e: _lib_.idr_extract_tas_file(path, ctypes.byref(o), h, e), o,
                    on_warning)


def mott_schottky(data=None, *, V=None, C=None, area_cm2=None, eps_r=None, range=None, T_K=300.0,
                  include_kT=True, columns=None, volt_unit=None, cap_unit=None, skip_lines=0,
                  on_warning=None):
    """The Mott-Schottky fit of `iondrift mott-schottky` (docs/cli.md):
    1/C^2 = 2 (V_bi - V - kT/q) / (q eps0 eps_r A^2 N) by linear regression.

    data: a C-V table (voltage and capacitance columns, docs/data.md), or
    V [V] and C [F] (of the device of area_cm2) as arrays. range=(lo, hi)
    [V] limits the points fitted. Returns a Result:
    r.attrs("mott_schottky")["N_cm3"], ["V_bi_V"], r["mott_schottky/V"]."""
    o = _lib.MsOptions()
    _lib_.idr_ms_options_default(ctypes.byref(o))
    o.area_cm2, o.eps_r, o.T_K = _double(area_cm2), _double(eps_r), float(T_K)
    o.V_lo, o.V_hi = _range(range)
    o.include_kT = 1 if include_kT else 0
    _data_options(o.data, columns, skip_lines, {"volt_unit": volt_unit, "cap_unit": cap_unit})
    if data is not None:
        path = _b(os.fspath(data))
        return _analyse(lambda h, e: _lib_.idr_mott_schottky_file(path, ctypes.byref(o), h, e), o,
                        on_warning)
    if V is None or C is None:
        raise InputError("mott-schottky: give a C-V table or V and C", 1)
    Va = np.ascontiguousarray(V, dtype=np.float64).ravel()
    Ca = np.ascontiguousarray(C, dtype=np.float64).ravel()
    if Va.size != Ca.size:
        raise InputError("mott-schottky: %d voltages and %d capacitances" % (Va.size, Ca.size), 1)
    return _analyse(lambda h, e: _lib_.idr_mott_schottky_arrays(
        Va.ctypes.data_as(_lib._DP), Ca.ctypes.data_as(_lib._DP), Va.size, ctypes.byref(o), h, e),
        o, on_warning)


# ---- the device-model fit (docs/fit.md) ---------------------------------------------

from . import _fit  # noqa: E402  (after Result, which a fit's result is)


class Fit(_fit.Fit):
    """A fitted model: .parameters (a list of dicts: path, units, value,
    stderr, start, ci68, ci95, intervals, identifiable, log_scale),
    .chi2_reduced, .points, .simulations, .warnings (a list), .spec_yaml,
    .result (the result file's contents by name), .write(h5)."""

    def write(self, h5):
        """Write the result file (what `iondrift fit -o h5` writes)."""
        st, err = super().write(h5)
        _check(st, err)


def fit(spec, threads=0, profiles=True, progress=None):
    """Run the fit spec (a file, docs/fit.md) as `iondrift fit` does: the
    spec and its data checked first (InputError with file:line:col), then
    the fit on `threads` OpenMP threads (0: the default) without the GIL;
    profiles=False skips the profile likelihoods. progress(dict(stage, iter,
    cost, step, simulations, elapsed_s)) is called in this thread; an
    exception it raises is raised once the fit has finished."""
    st, err, f, raised = _fit.run_fit(spec, threads, profiles, progress, Result, Fit)
    if raised is None:  # the spec, its deck or a data file: InputError (but out of memory)
        _raise(st, err, deck=True)
    if raised:
        raise raised[0]
    _check(st, err)
    return f
