"""Tests of the Python package (python3-pytest): the runs equal the command
line's bit for bit on the example decks; the setter refuses with the deck
reader's message; two Python threads run two studies at once with the
results of serial runs, and the GIL is free while the engine runs.

Environment (set by ctest): IONDRIFT_EXE the `iondrift` program,
IONDRIFT_LIBRARY the shared library, IONDRIFT_SOURCE the checkout.
"""
import os
import subprocess
import threading
import time

import h5py
import numpy as np
import pytest

import iondrift

SRC = os.environ.get("IONDRIFT_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
EXE = os.environ.get("IONDRIFT_EXE", os.path.join(SRC, "build", "app", "iondrift"))
EXAMPLE = os.path.join(SRC, "examples", "fapbi3_pin.yaml")
XIANG = os.path.join(SRC, "examples", "xiang2026.yaml")
TID = os.path.join(SRC, "app", "tests", "tid.yaml")

# entries that differ between two runs by nature: wall times, the thread count
VOLATILE = {"wall_time", "wall_time_s", "scan_wall_time_s", "threads"}


def cli_run(deck, out, sets=()):
    args = [EXE, "run", deck, "-o", str(out), "-q"]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True)
    return h5py.File(out, "r")


def without_output(deck_yaml):
    """The resolved deck without its output section (the command line stores
    the files it wrote there)."""
    return deck_yaml.split("\noutput:\n")[0]


def assert_equal_to_file(r, f):
    """Every dataset and attribute of the file equals the result's, bit for
    bit (the stored deck apart from the names of the files written)."""
    names = []
    f.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
    assert sorted(names) == sorted(r.names())
    for n in names:
        if n.rsplit("/", 1)[-1] in VOLATILE:
            continue
        a, b = f[n][()], r[n]
        assert a.dtype == b.dtype and a.shape == b.shape, n
        assert np.array_equal(a, b, equal_nan=True), n
        assert f[n].attrs["units"] == r.units(n), n
    groups = [""]
    f.visititems(lambda n, o: groups.append(n) if isinstance(o, h5py.Group) else None)
    for g in groups:
        fa = dict((f[g] if g else f).attrs)
        ra = r.attrs(g or "/")
        for k in set(fa) | set(ra):
            if k in VOLATILE:
                continue
            x, y = fa[k], ra[k]
            if k == "deck_yaml":
                x, y = without_output(x), without_output(y)
            assert (x == y) or (np.isnan(x) and np.isnan(y)), (g, k, x, y)


@pytest.mark.parametrize("deck,cli_sets,py_sets", [
    (EXAMPLE, (), {}),
    (XIANG, ("protocol.temperatures_K=[300, 260, 220]", "mesh.nodes=200"),
     {"protocol.temperatures_K": [300, 260, 220], "mesh.nodes": 200}),
])
def test_run_equals_command_line(tmp_path, deck, cli_sets, py_sets):
    f = cli_run(deck, tmp_path / "cli.h5", cli_sets)
    r = iondrift.run(deck, set=py_sets, threads=2)
    assert_equal_to_file(r, f)
    # and the file it writes equals the command line's
    r.write(tmp_path / "py.h5")
    assert_equal_to_file(r, h5py.File(tmp_path / "py.h5", "r"))
    csv = sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv")
    assert len(csv) == 2
    a, b = (open(tmp_path / c).read() for c in csv)
    assert a == b


def test_yaml_string_and_units():
    text = open(TID).read()
    r = iondrift.run(text, threads=1)
    assert r.units("tid/C") == "F/m^2" and r.units("tid/T") == "K"
    assert r["tid/C"].shape == (2, 15)
    assert r["tid/steps"].dtype == np.int32
    assert r.attrs("/")["temperature_K"] == 300.0
    x = r.attrs("tid/extraction/species_0")
    assert x["sign"] == "anion" and np.isfinite(x["Ea_eV"])
    assert "tid/C" in r and "tid/nothing" not in r
    with pytest.raises(iondrift.InputError, match="no dataset or group 'tid/nothing'"):
        r["tid/nothing"]


def test_setter_refuses_with_the_readers_message():
    s = iondrift.Study(XIANG)
    before = s.deck_yaml
    with pytest.raises(iondrift.InputError) as e:
        s.set("ions[0].Ea_eV", -0.125)
    assert "set ions[0].Ea_eV: must be >= 0 (got -0.125)" in str(e.value)
    assert s.deck_yaml == before
    deck = open(XIANG).read().replace("layers: [perovskite]", "layers: [perovskite]\n    Ea_eV: -0.125")
    with pytest.raises(iondrift.InputError) as e:
        iondrift.Study(deck, name="deck.yaml")
    assert "ions[0].Ea_eV must be >= 0 (got -0.125)" in str(e.value)
    with pytest.raises(iondrift.InputError, match=r"must be in \[0, 0.25\] \(got 0.3\)"):
        s.set("layers[1].composition.x", 0.3)
    with pytest.raises(iondrift.InputError, match="no such ion"):
        s.set("ions[2].Ea_eV", 0.2)
    s.set({"layers[1].composition.x": 0.0, "layers[1].composition.family": "FAPbI3-FAI"})
    assert s.get("layers[1].composition_ref.family") == "FAPbI3-FAI"
    s.set("protocol.temperatures_K", [300, 250])
    assert s.get("protocol.temperatures_K[1]") == 250.0


def test_study_rerun_with_set():
    s = iondrift.Study(TID)
    extracted = []
    for Ea in (0.131, 0.2):
        s.set("ions[0].Ea_eV", Ea)
        assert s.get("ions[0].Ea_eV") == Ea
        extracted.append(s.run(threads=1).attrs("tid/extraction/species_0")["Ea_eV"])
    assert extracted[1] > extracted[0]


def test_threads_run_in_parallel_and_equal_serial():
    a = iondrift.Study(TID)
    b = a.copy().set("ions[0].Ea_eV", 0.2)
    serial = [a.run(threads=1)["tid/C"], b.run(threads=1)["tid/C"]]
    out = [None, None]

    def work(i, s):
        out[i] = s.run(threads=1)["tid/C"]

    ts = [threading.Thread(target=work, args=(i, s)) for i, s in enumerate((a, b))]
    ticks = 0
    for t in ts:
        t.start()
    while any(t.is_alive() for t in ts):  # the GIL is free while the engine runs
        ticks += 1
        time.sleep(0.001)
    for t in ts:
        t.join()
    assert np.array_equal(out[0], serial[0]) and np.array_equal(out[1], serial[1])
    assert not np.array_equal(out[0], out[1])
    assert ticks > 10


def test_errors_carry_the_engines_message(tmp_path):
    with pytest.raises(iondrift.InputError, match="no_such_deck.yaml"):
        iondrift.run(str(tmp_path / "no_such_deck.yaml"))
    with pytest.raises(iondrift.InputError, match="must be one of"):
        iondrift.run(EXAMPLE, set={"protocol": {"type": "jv"}})
    r = iondrift.run(EXAMPLE, set={"protocol": {"type": "equilibrate"}, "mesh.nodes": 60})
    with pytest.raises(iondrift.Error) as e:
        r.write(tmp_path / "no_dir" / "r.h5")
    assert "no_dir" in str(e.value) and not isinstance(e.value, iondrift.InputError)


# a TID scan whose window (1..10 us) ends long before the ions move (tau ~1 ms):
# the scan runs, the extraction cannot (fewer than 2 temperatures in the window)
NO_WINDOW = {"protocol": {"type": "tid", "temperatures_K": [300, 290], "t_last_s": 1e-5,
                          "samples": 20},
             "mesh.nodes": 120}


def test_failed_extraction_warns_with_the_reason():
    with pytest.warns(iondrift.ExtractionWarning,
                      match="TID extraction failed: .*fewer than 2 temperatures") as rec:
        r = iondrift.run(EXAMPLE, set=NO_WINDOW, threads=2)
    assert len(rec) == 1
    reason = r.attrs("tid")["extraction_error"]
    assert reason in str(rec[0].message)
    assert "tid/extraction/tau" not in r and r["tid/C"].shape == (2, 20)


def test_failed_extraction_raises_or_is_ignored_on_request():
    s = iondrift.Study(EXAMPLE, set=NO_WINDOW)
    with pytest.raises(iondrift.Error, match="TID extraction failed: .*measured window"):
        s.run(threads=2, extraction_errors="raise")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        r = s.run(threads=2, extraction_errors="ignore")
    assert "fewer than 2" in r.attrs("tid")["extraction_error"]
    with pytest.raises(iondrift.InputError, match="extraction_errors must be"):
        s.run(extraction_errors="maybe")


def test_successful_extraction_does_not_warn():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = iondrift.run(TID, threads=2)
    assert "extraction_error" not in r.attrs("tid")
    assert np.isfinite(r.attrs("tid/extraction/species_0")["Ea_eV"])


def test_extract_raises_when_its_extraction_fails():
    # flat transients: no ionic signal; the user asked for the extraction
    t = np.geomspace(1e-6, 1e-2, 30)
    with pytest.raises(iondrift.Error, match="no ionic signal above the noise"):
        iondrift.extract(T=np.array([300.0, 290.0]), t=t, C=np.full((2, 30), 1.1e-3),
                         C_units="F/m^2", eps_r=46.9, doping_cm3=1e17)
