"""The shared library libiondrift.so through ctypes: where it is, and the C
declarations of the public API (api/iondrift.h) this package calls.

The library is looked for, in order, at $IONDRIFT_LIBRARY, beside an
installed package (the path written at install time into _install.py), in
the build tree of a checkout (build/lib/libiondrift.so), then by the
system's loader (ctypes.util.find_library). ctypes releases the GIL around
every call, so Python threads run studies in parallel.
"""

import ctypes
import ctypes.util
import os

ERRMSG_LEN = 1024  # IDR_ERRMSG_LEN of idr_core.h

# idr_status (idr_core.h): bad input is 1, 6, 8; the rest are runtime failures
STATUS_NAMES = {0: "ok", 1: "bad input", 2: "out of memory", 3: "I/O error", 4: "solver failure",
                5: "linear algebra failure", 6: "out of range", 7: "internal error",
                8: "unsupported"}
INPUT_STATUSES = (1, 6, 8)

RESULT_DOUBLE, RESULT_INT = 0, 1  # idr_result_type


class Error(ctypes.Structure):
    """idr_error: the status and the message the command line prints."""
    _fields_ = [("status", ctypes.c_int), ("msg", ctypes.c_char * ERRMSG_LEN)]


class Dataset(ctypes.Structure):
    """idr_dataset: one entry (group or dataset) of a result."""
    _fields_ = [("name", ctypes.c_char_p), ("is_dataset", ctypes.c_int), ("type", ctypes.c_int),
                ("rank", ctypes.c_int), ("dims", ctypes.c_size_t * 2), ("data", ctypes.c_void_p),
                ("units", ctypes.c_char_p), ("n_attrs", ctypes.c_size_t)]


class Value(ctypes.Structure):
    """idr_value: one value of idr_study_set_values."""
    _fields_ = [("path", ctypes.c_char_p), ("text", ctypes.c_char_p), ("number", ctypes.c_double)]


# callbacks (iondrift.h): progress of a run, warnings of an analysis; both
# are called on the thread that made the call (docs/api.md)
PROGRESS_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_double, ctypes.c_char_p)
WARNING_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_char_p)

_D = ctypes.c_double
_DP = ctypes.POINTER(ctypes.c_double)


class DataOptions(ctypes.Structure):
    """idr_data_options: how a lab export is read (docs/data.md)."""
    _fields_ = [("columns", ctypes.c_char_p), ("temp_unit", ctypes.c_char_p),
                ("time_unit", ctypes.c_char_p), ("freq_unit", ctypes.c_char_p),
                ("volt_unit", ctypes.c_char_p), ("cap_unit", ctypes.c_char_p),
                ("cond_unit", ctypes.c_char_p), ("temp_tol_K", _D), ("x_min", _D), ("x_max", _D),
                ("skip_lines", ctypes.c_size_t)]


class ExtractOptions(ctypes.Structure):
    """idr_extract_options: the TID extraction's options."""
    _fields_ = [("eps_r", _D), ("doping_cm3", _D), ("cv_file", ctypes.c_char_p), ("cv_V_lo", _D),
                ("cv_V_hi", _D), ("area_cm2", _D), ("thickness_nm", _D), ("n_ion_cm3", _D),
                ("polarity", ctypes.c_char_p), ("model", ctypes.c_char_p),
                ("components", ctypes.c_char_p), ("power", ctypes.c_int), ("data", DataOptions),
                ("on_warning", WARNING_FN),
                ("user", ctypes.c_void_p)]


class TidCurves(ctypes.Structure):
    """idr_tid_curves: C(t) at several temperatures in memory."""
    _fields_ = [("m", ctypes.c_size_t), ("T_K", _DP), ("T_spread_K", _DP),
                ("offset", ctypes.POINTER(ctypes.c_size_t)), ("n", ctypes.c_size_t),
                ("t_s", _DP), ("C", _DP), ("C_units", ctypes.c_char_p)]


class MsOptions(ctypes.Structure):
    """idr_ms_options: the Mott-Schottky fit's options."""
    _fields_ = [("area_cm2", _D), ("eps_r", _D), ("V_lo", _D), ("V_hi", _D), ("T_K", _D),
                ("include_kT", ctypes.c_int), ("data", DataOptions), ("on_warning", WARNING_FN),
                ("user", ctypes.c_void_p)]


class TasExtractOptions(ctypes.Structure):
    """idr_tas_extract_options: the TAS analysis's options."""
    _fields_ = [("area_cm2", _D), ("eps_r", _D), ("vbi_V", _D), ("cv_file", ctypes.c_char_p),
                ("cv_V_lo", _D), ("cv_V_hi", _D), ("w_nm", _D), ("bias_V", _D),
                ("doping_cm3", _D), ("band_dos_cm3", _D), ("smooth", ctypes.c_int),
                ("data", DataOptions), ("on_warning", WARNING_FN), ("user", ctypes.c_void_p)]


def _candidates():
    env = os.environ.get("IONDRIFT_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        from . import _install  # written by `cmake --install`
        yield os.path.normpath(os.path.join(here, _install.LIBRARY))
    except ImportError:
        pass
    root = os.path.normpath(os.path.join(here, "..", ".."))
    for build in ("build", "build-release"):
        yield os.path.join(root, build, "lib", "libiondrift.so")
    found = ctypes.util.find_library("iondrift")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path)
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as err:
            tried.append("%s (%s)" % (path, err))
    raise ImportError("iondrift: libiondrift.so not found (tried: %s); build it (make) or set "
                      "IONDRIFT_LIBRARY to its path" % (", ".join(tried) or "nothing"))


lib = _load()

_P = ctypes.c_void_p
_PP = ctypes.POINTER(ctypes.c_void_p)
_S = ctypes.c_char_p
_E = ctypes.POINTER(Error)
_SZ = ctypes.c_size_t
_STRS = ctypes.POINTER(ctypes.c_char_p)

_PROTOTYPES = {
    "idr_version": (_S, []),
    "idr_status_str": (_S, [ctypes.c_int]),
    "idr_study_load": (ctypes.c_int, [_S, _STRS, ctypes.c_int, _PP, _E]),
    "idr_study_load_string": (ctypes.c_int, [_S, _S, _STRS, ctypes.c_int, _PP, _E]),
    "idr_study_copy": (ctypes.c_int, [_P, _PP, _E]),
    "idr_study_free": (None, [_PP]),
    "idr_study_set_double": (ctypes.c_int, [_P, _S, ctypes.c_double, _E]),
    "idr_study_set_int": (ctypes.c_int, [_P, _S, ctypes.c_long, _E]),
    "idr_study_set_string": (ctypes.c_int, [_P, _S, _S, _E]),
    "idr_study_set_doubles": (ctypes.c_int, [_P, _S, ctypes.POINTER(ctypes.c_double), _SZ, _E]),
    "idr_study_set_values": (ctypes.c_int, [_P, ctypes.POINTER(Value), _SZ, _E]),
    "idr_study_set_yaml": (ctypes.c_int, [_P, _S, _S, _E]),
    "idr_study_get_double": (ctypes.c_int, [_P, _S, ctypes.POINTER(ctypes.c_double), _E]),
    "idr_study_get_string": (ctypes.c_int, [_P, _S, ctypes.c_char_p, _SZ, _E]),
    "idr_study_get_count": (ctypes.c_int, [_P, _S, ctypes.POINTER(_SZ), _E]),
    "idr_study_name": (_S, [_P]),
    "idr_study_title": (_S, [_P]),
    "idr_study_protocol": (_S, [_P]),
    "idr_study_deck_yaml": (_S, [_P]),
    "idr_study_output_paths": (ctypes.c_int, [_P, _S, ctypes.c_char_p, ctypes.c_char_p, _SZ, _E]),
    "idr_study_run": (ctypes.c_int, [_P, ctypes.c_int, PROGRESS_FN, _P, _PP, _E]),
    "idr_result_count": (_SZ, [_P]),
    "idr_result_entry": (ctypes.c_int, [_P, _SZ, ctypes.POINTER(Dataset), _E]),
    "idr_result_dataset": (ctypes.c_int, [_P, _S, ctypes.POINTER(Dataset), _E]),
    "idr_result_attr": (ctypes.c_int, [_P, _S, _SZ, ctypes.POINTER(_S),
                                       ctypes.POINTER(ctypes.c_double), ctypes.POINTER(_S), _E]),
    "idr_result_write": (ctypes.c_int, [_P, _S, _S, _E]),
    "idr_result_free": (None, [_PP]),
    "idr_extract_options_default": (None, [ctypes.POINTER(ExtractOptions)]),
    "idr_extract_tid_file": (ctypes.c_int, [_S, ctypes.POINTER(ExtractOptions), _PP, _E]),
    "idr_extract_tid_arrays": (ctypes.c_int, [ctypes.POINTER(TidCurves),
                                              ctypes.POINTER(ExtractOptions), _PP, _E]),
    "idr_tas_extract_options_default": (None, [ctypes.POINTER(TasExtractOptions)]),
    "idr_extract_tas_file": (ctypes.c_int, [_S, ctypes.POINTER(TasExtractOptions), _PP, _E]),
    "idr_ms_options_default": (None, [ctypes.POINTER(MsOptions)]),
    "idr_mott_schottky_file": (ctypes.c_int, [_S, ctypes.POINTER(MsOptions), _PP, _E]),
    "idr_mott_schottky_arrays": (ctypes.c_int, [_DP, _DP, _SZ, ctypes.POINTER(MsOptions), _PP,
                                                _E]),
}

for _name, (_res, _args) in _PROTOTYPES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args
