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

A deck is a file path or YAML text. Results are reached by the names of the
HDF5 result file (docs/outputs.md) and equal what `iondrift run` writes, bit
for bit. Errors raise iondrift.Error (iondrift.InputError for bad input, also
a ValueError) with the message the command line prints. The engine runs
without the GIL: Python threads run studies in parallel. Needs only numpy
and the shared library libiondrift.so (found as described in _lib.py).
"""

import ctypes
import json
import os

import numpy as np

from . import _lib

__all__ = ["run", "Study", "Result", "Error", "InputError", "version"]

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

    def __init__(self, handle, study_name=None):
        self._h = ctypes.c_void_p(handle)
        self.study = study_name

    def __del__(self):
        if getattr(self, "_h", None) and self._h.value:
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

    def run(self, threads=0):
        """Run the protocol (threads: OpenMP threads, 0 = the default) without
        holding the GIL; returns a Result."""
        h, err = ctypes.c_void_p(), _lib.Error()
        _check(_lib_.idr_study_run(self._h, int(threads), None, None, ctypes.byref(h),
                                   ctypes.byref(err)), err)
        return Result(h.value, self.name)


def run(deck, set=None, threads=0):
    """Load a deck (path or YAML text), apply `set` ({deck path: value}, as
    `iondrift run --set`), run it; returns a Result."""
    return Study(deck, set=set).run(threads=threads)
