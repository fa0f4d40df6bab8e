"""Shared helpers of the iondrift plot tool: reading datasets with their
units, unit choices for axes, the layer boundaries of a result's stack, and
the style every figure uses (docs/plots.md)."""

import re

import numpy as np

K_B_EV = 8.617333262e-5  # Boltzmann constant [eV/K]
Q = 1.602176634e-19  # elementary charge [C]
FM2_TO_NFCM2 = 1e5  # 1 F/m^2 = 1e5 nF/cm^2
M3_TO_CM3 = 1e-6  # m^-3 -> cm^-3
AM2_TO_MACM2 = 0.1  # 1 A/m^2 = 0.1 mA/cm^2


class BadInput(Exception):
    """The file is not a result this tool can draw (exit status 2)."""


def as_text(value):
    """An HDF5 string (attribute or dataset value) as str."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray):
        return as_text(value[()] if value.shape == () else value.flat[0])
    return str(value)


def attr(obj, name, default=None):
    """An attribute as float or str (default when absent)."""
    if obj is None or name not in obj.attrs:
        return default
    v = obj.attrs[name]
    if isinstance(v, (bytes, str)) or (isinstance(v, np.ndarray) and v.dtype.kind in "SOU"):
        return as_text(v)
    return float(np.asarray(v).ravel()[0])


def group(f, path):
    """The group at path, or None."""
    import h5py

    return f[path] if path in f and isinstance(f[path], h5py.Group) else None


def data(grp, name, units=None, required=True):
    """A dataset of grp as float array; checks its units when given."""
    import h5py

    if grp is None or name not in grp or not isinstance(grp[name], h5py.Dataset):
        if required:
            where = grp.name if grp is not None else "?"
            raise BadInput("%s/%s is missing" % (where.rstrip("/"), name))
        return None
    ds = grp[name]
    u = as_text(ds.attrs["units"]) if "units" in ds.attrs else ""
    if units is not None and u != units:
        raise BadInput("%s has units '%s', expected '%s'" % (ds.name, u, units))
    return np.asarray(ds[()], dtype=float)


def cap_scale(C, per_area):
    """(factor, label) turning capacitances into a readable unit."""
    if per_area:
        return FM2_TO_NFCM2, "nF/cm$^2$"
    m = np.nanmedian(np.abs(C)) if np.size(C) else 1e-9
    if m >= 1e-7:
        return 1e6, "\u00b5F"
    if m >= 1e-10:
        return 1e9, "nF"
    return 1e12, "pF"


def temperature_colors(T):
    """One colour per temperature, cold blue to hot red, and the mappable
    for a colour bar."""
    import matplotlib.cm
    import matplotlib.colors

    lo, hi = float(np.min(T)), float(np.max(T))
    if hi - lo < 1e-9:
        lo, hi = lo - 1.0, hi + 1.0
    norm = matplotlib.colors.Normalize(vmin=lo, vmax=hi)
    cmap = matplotlib.cm.get_cmap("coolwarm") if hasattr(matplotlib.cm, "get_cmap") else None
    if cmap is None:
        import matplotlib

        cmap = matplotlib.colormaps["coolwarm"]
    sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
    sm.set_array([])
    return [cmap(norm(t)) for t in T], sm


def layer_names(f):
    """Layer names of a run's stack, in order: mesh/@layer_names, else the
    resolved deck stored with the run."""
    mesh = group(f, "mesh")
    if mesh is not None and "layer_names" in mesh.attrs:
        return as_text(mesh.attrs["layer_names"]).split(",")
    deck = as_text(f.attrs["deck_yaml"]) if "deck_yaml" in f.attrs else ""
    names, in_layers = [], False
    for line in deck.splitlines():
        if re.match(r"^layers:", line):
            in_layers = True
            continue
        if in_layers and re.match(r"^\S", line):
            break
        m = re.match(r'^\s*-\s*name:\s*"?([^"#]+?)"?\s*(#.*)?$', line)
        if in_layers and m:
            names.append(m.group(1))
    return names


def draw_layers(ax, f, x_nm):
    """Shade alternate layers and name them at the top of ax."""
    mesh = group(f, "mesh")
    first = data(mesh, "layer_first", required=False) if mesh is not None else None
    if first is None or x_nm is None:
        return
    idx = [int(i) for i in first] + [len(x_nm) - 1]
    names = layer_names(f)
    for k in range(len(idx) - 1):
        a, b = x_nm[idx[k]], x_nm[min(idx[k + 1], len(x_nm) - 1)]
        if k % 2 == 1:
            ax.axvspan(a, b, color="0.93", zorder=0, lw=0)
        if k > 0:
            ax.axvline(a, color="0.6", lw=0.6, zorder=1)
        if k < len(names):
            ax.text((a + b) / 2, 1.0, names[k], transform=ax.get_xaxis_transform(), ha="center",
                    va="bottom", fontsize="x-small", color="0.35")


def title_of(f, path, what, with_T=True):
    """'what - title (iondrift version, T = ... K)'; with_T False for a
    temperature scan (the deck's temperature_K is not the scan's)."""
    version = attr(f, "iondrift_version", "?")
    title = attr(f, "title", "") or path
    temp = attr(f, "temperature_K") if with_T else None
    extra = ", T = %g K" % temp if temp is not None else ""
    return "%s: %s  (iondrift %s%s)" % (what, title, version, extra)


def style():
    """Figure-wide defaults: readable sizes, light grid."""
    import matplotlib

    matplotlib.rcParams.update({
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "legend.fontsize": 8,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "grid.linewidth": 0.6,
        "lines.linewidth": 1.4,
        "savefig.bbox": "tight",
    })
