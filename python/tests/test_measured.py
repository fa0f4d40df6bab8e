"""Tests of iondrift.extract and iondrift.mott_schottky (measured data through
the library) against the command line, and of the progress callback of a
run (called in the calling Python thread).

Environment as for test_iondrift.py (set by ctest).
"""
import json
import os
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np
import pytest

import iondrift
from test_iondrift import EXE, SRC, TID, assert_equal_to_file

LAB = os.path.join(SRC, "examples", "lab_tid_export.csv")
TESTS = os.path.join(SRC, "app", "tests")
CV_LAB = os.path.join(TESTS, "cv_lab.csv")
CV_NF_AS_F = os.path.join(TESTS, "cv_nF_as_F.csv")
TWO = os.path.join(TESTS, "tid_two.csv")
ONE_TWO_EXP = os.path.join(TESTS, "tid_one_two_exp.csv")
SAME_CODE_REL = 1e-9  # the same chain on the same numbers [-]


def cli(*args):
    return subprocess.run([EXE, *args], check=True, capture_output=True, text=True)


@pytest.mark.parametrize("cli_args,kwargs", [
    (["--eps-r", "46.9", "--doping-cm3", "1e17", "--polarity", "pin"],
     dict(eps_r=46.9, doping_cm3=1e17, polarity="pin")),
    (["--eps-r", "46.9", "--cv", CV_LAB, "--area-cm2", "0.0314", "--cv-range", "-1:0.3",
      "--t-max-s", "0.1"],
     dict(eps_r=46.9, cv=CV_LAB, area_cm2=0.0314, cv_range=(-1, 0.3), t_max_s=0.1)),
    (["--eps-r", "46.9", "--thickness-nm", "500", "--area-cm2", "0.1", "--power", "2"],
     dict(eps_r=46.9, thickness_nm=500, area_cm2=0.1, power=2)),
])
def test_extract_equals_command_line(tmp_path, cli_args, kwargs):
    out = tmp_path / "cli.h5"
    cli("extract", LAB, *cli_args, "-o", str(out))
    r = iondrift.extract(LAB, **kwargs)
    assert_equal_to_file(r, h5py.File(out, "r"))
    r.write(tmp_path / "py.h5")
    assert_equal_to_file(r, h5py.File(tmp_path / "py.h5", "r"))


def test_two_species_json(tmp_path):
    """The JSON of `extract --model two` and the library's attributes agree."""
    j = json.loads(cli("extract", TWO, "--eps-r", "46.9", "--doping-cm3", "1e17", "--model",
                       "two", "--polarity", "pin", "--json").stdout)
    r = iondrift.extract(TWO, eps_r=46.9, doping_cm3=1e17, model="two", polarity="pin")
    for c, sp in enumerate(j["species"]):
        a = r.attrs("extraction/species_%d" % c)
        assert a["sign"] == sp["sign"]
        for k in ("Ea_eV", "N_ion_cm3", "D300_cm2_s"):
            assert a[k] == pytest.approx(sp[k], rel=SAME_CODE_REL)
    assert [r.attrs("extraction/species_%d" % c)["sign"] for c in (0, 1)] == ["cation", "anion"]


def test_components():
    """The default finds both species (auto), as the command line does; pin and
    nip swap the names; components=1 keeps one; a contradiction raises."""
    j = json.loads(cli("extract", TWO, "--eps-r", "46.9", "--doping-cm3", "1e17", "--polarity",
                       "pin", "--json").stdout)
    r = iondrift.extract(TWO, eps_r=46.9, doping_cm3=1e17, polarity="pin")
    x = r.attrs("extraction")
    assert x["components"] == j["components"] == "auto"
    assert x["n_species"] == 2 and x["model"] == "two"
    for c, sp in enumerate(j["species"]):
        a = r.attrs("extraction/species_%d" % c)
        assert a["sign"] == sp["sign"] and a["n_present"] == sp["n_present"] == 6
        assert a["Ea_eV"] == pytest.approx(sp["Ea_eV"], rel=SAME_CODE_REL)
    n = iondrift.extract(TWO, eps_r=46.9, doping_cm3=1e17, polarity="nip", components="auto")
    assert [n.attrs("extraction/species_%d" % c)["sign"] for c in (0, 1)] == ["anion", "cation"]
    one = iondrift.extract(TWO, eps_r=46.9, doping_cm3=1e17, polarity="pin", components=1)
    assert one.attrs("extraction")["n_species"] == 1
    with pytest.raises(iondrift.InputError, match="contradict"):
        iondrift.extract(TWO, eps_r=46.9, doping_cm3=1e17, model="single", components=2)


def test_one_species_two_exponentials():
    """Two exponentials of one barrier are one species under auto (the JSON's
    species list too), the second exponential kept; also when two are asked for."""
    j = json.loads(cli("extract", ONE_TWO_EXP, "--eps-r", "46.9", "--doping-cm3", "1e17",
                       "--polarity", "pin", "--json").stdout)
    r = iondrift.extract(ONE_TWO_EXP, eps_r=46.9, doping_cm3=1e17, polarity="pin")
    x = r.attrs("extraction")
    assert x["n_species"] == 1 and x["n_components"] == 2 and x["merged"] == 1
    assert len(j["species"]) == 1 and j["merged"] and j["n_components"] == 2
    a, e = r.attrs("extraction/species_0"), r.attrs("extraction/exponential_1")
    assert a["sign"] == j["species"][0]["sign"] == "cation"
    assert e["sign"] == j["second_exponential"]["sign"] == "anion"
    assert a["Ea_eV"] == pytest.approx(0.13, abs=0.005)
    assert e["Ea_eV"] == pytest.approx(j["second_exponential"]["Ea_eV"], rel=SAME_CODE_REL)
    assert r["extraction/tau"].shape[1] == 2
    two = iondrift.extract(ONE_TWO_EXP, eps_r=46.9, doping_cm3=1e17, polarity="pin",
                           components=2)
    assert two.attrs("extraction")["n_species"] == 1
    assert two.attrs("extraction")["merged"] == 1 and two.attrs("extraction")["same_barrier"] == 1


def test_extract_arrays_equal_file():
    """The curves of a lab export passed as arrays give the file's bits."""
    f = iondrift.extract(LAB, eps_r=46.9, doping_cm3=1e17, polarity="pin")
    off = f["data/offset"]
    t, C = f["data/t"], f["data/C"]
    ts = [t[off[j]:off[j + 1]] for j in range(len(off) - 1)]
    Cs = [C[off[j]:off[j + 1]] for j in range(len(off) - 1)]
    a = iondrift.extract(T=f["data/T"], t=ts, C=Cs, T_spread=f["data/T_spread"], C_units="F",
                         eps_r=46.9, doping_cm3=1e17, polarity="pin")
    assert a.attrs("/")["input_kind"] == "arrays"
    for name in ("extraction/tau", "extraction/dC", "data/C", "data/T_spread"):
        assert np.array_equal(a[name], f[name], equal_nan=True), name
    sa, sf = a.attrs("extraction/species_0"), f.attrs("extraction/species_0")
    assert sa.keys() == sf.keys()
    for k in sa:
        assert sa[k] == sf[k] or (np.isnan(sa[k]) and np.isnan(sf[k])), k


def test_extract_of_a_run():
    """A run's curves (F/m^2, one time grid) extracted again: the run's own
    extraction, and the stack's true barrier nearby."""
    r = iondrift.run(TID, threads=2)
    x = iondrift.extract(T=r["tid/T"], t=r["tid/t"], C=r["tid/C"], C_units="F/m^2", eps_r=46.9,
                         doping_cm3=1e17, polarity="pin")
    own = r.attrs("tid/extraction/species_0")
    got = x.attrs("extraction/species_0")
    for k in ("Ea_eV", "N_ion_cm3", "D0_cm2_s"):
        assert got[k] == pytest.approx(own[k], rel=SAME_CODE_REL), k
    assert got["sign"] == "anion"


def test_mott_schottky_equals_command_line():
    j = json.loads(cli("mott-schottky", CV_LAB, "--area-cm2", "0.0314", "--eps-r", "46.9",
                       "--range", ":0.3", "--json").stdout)
    r = iondrift.mott_schottky(CV_LAB, area_cm2=0.0314, eps_r=46.9, range=(None, 0.3))
    a = r.attrs("mott_schottky")
    for k in ("N_cm3", "N_err_cm3", "V_bi_V", "V_bi_err_V", "r2"):
        assert a[k] == pytest.approx(j[k], rel=SAME_CODE_REL), k
    assert a["points"] == j["points"]
    # the same points as arrays
    b = iondrift.mott_schottky(V=r["mott_schottky/V"], C=r["mott_schottky/C"], area_cm2=0.0314,
                               eps_r=46.9, range=(None, 0.3))
    assert b.attrs("mott_schottky")["N_cm3"] == a["N_cm3"]


TAS_LEVEL = os.path.join(SRC, "validation", "tas", "level.yaml")


def test_tas_extract_equals_command_line(tmp_path):
    """The TAS analysis of a run's C-f-T CSV: the library's result equals
    `tas-extract -o` bit for bit and finds the run's level."""
    r = iondrift.run(TAS_LEVEL, set={"protocol.temperatures_K": [320, 280, 240, 200],
                                     "protocol.points": 31})
    r.write(tmp_path / "t.h5")
    csv = str(tmp_path / "t_tas.csv")
    out = tmp_path / "cli.h5"
    cli("tas-extract", csv, "--area-cm2", "1", "--eps-r", "30", "--vbi", "1.25", "--smooth", "1",
        "-o", str(out))
    x = iondrift.tas_extract(csv, area_cm2=1, eps_r=30, vbi_V=1.25, smooth=1)
    assert_equal_to_file(x, h5py.File(out, "r"))
    assert x.attrs("extraction/level_0")["E_eV"] == pytest.approx(
        r.attrs("tas/extraction/level_0")["E_eV"], abs=2e-3)
    with pytest.raises(iondrift.InputError, match="give exactly one of --vbi V and --cv"):
        iondrift.tas_extract(csv, area_cm2=1, eps_r=30)


def test_tas_extract_of_a_lab_export(tmp_path):
    """A C-f-T table as an LCR meter and a cryostat write it (UTF-8 BOM, a
    comment, CRLF, ';' and decimal commas, f in kHz, Cp in nF, G in uS,
    another column order, temperatures drifting by up to 0.08 K) goes
    through the shared measured-data reader to the level of the run's own
    CSV: E within 0.5 meV (the drift moves 1/T by < 4e-4), the band within
    1 meV and 2 %."""
    r = iondrift.run(TAS_LEVEL, set={"protocol.temperatures_K": [320, 280, 240, 200],
                                     "protocol.points": 31})
    r.write(tmp_path / "t.h5")
    rows = np.genfromtxt(tmp_path / "t_tas.csv", delimiter=",", names=True)
    rng = np.random.default_rng(7)
    lab = tmp_path / "lab_tas.csv"
    with open(lab, "w", encoding="utf-8-sig", newline="") as f:
        f.write("# LCR export, device area 1 cm^2\r\nf (kHz);Temperature (K);Cp (nF);G (uS)\r\n")
        for row in rows:
            line = "%.9g;%.3f;%.9g;%.9g" % (row["frequency_Hz"] / 1e3,
                                            row["temperature_K"] + rng.uniform(-0.08, 0.08),
                                            row["capacitance_F"] * 1e9, row["conductance_S"] * 1e6)
            f.write(line.replace(".", ",") + "\r\n")
    kw = dict(area_cm2=1, eps_r=30, vbi_V=1.25)
    ref = iondrift.tas_extract(str(tmp_path / "t_tas.csv"), **kw)
    x = iondrift.tas_extract(str(lab), **kw)
    read = x.attrs("/")["input_read"]
    assert "separator ';'" in read and "decimal comma" in read and "BOM" in read, read
    assert "'f (kHz)' [kHz]" in read and "'Cp (nF)' [nF]" in read, read
    a, b = ref.attrs("extraction/level_0"), x.attrs("extraction/level_0")
    assert b["E_eV"] == pytest.approx(a["E_eV"], abs=5e-4)
    assert b["n_T"] == a["n_T"] == 4
    ba, bb = ref.attrs("extraction/band_0"), x.attrs("extraction/band_0")
    assert bb["E_eV"] == pytest.approx(ba["E_eV"], abs=1e-3)
    assert bb["N_cm3"] == pytest.approx(ba["N_cm3"], rel=0.02)


def test_warnings():
    with pytest.warns(iondrift.DataWarning, match="is above 1e21"):
        iondrift.mott_schottky(CV_NF_AS_F, area_cm2=0.0314, eps_r=46.9)
    said = []
    r = iondrift.mott_schottky(CV_NF_AS_F, area_cm2=0.0314, eps_r=46.9, on_warning=said.append)
    assert len(said) == 2 and "not a plausible measurement" in said[0]
    assert r.attrs("/")["warnings"] == "\n".join(said)


def test_errors():
    with pytest.raises(iondrift.InputError, match="extract: missing --eps-r"):
        iondrift.extract(LAB, doping_cm3=1e17)
    with pytest.raises(iondrift.InputError, match="give either --doping-cm3 or --cv"):
        iondrift.extract(LAB, eps_r=46.9, doping_cm3=1e17, cv=CV_LAB, area_cm2=1)
    with pytest.raises(iondrift.InputError, match="--cap-unit: 'nanofarad' is not a unit"):
        iondrift.extract(LAB, eps_r=46.9, cap_unit="nanofarad")
    with pytest.raises(iondrift.InputError, match="no_such.csv"):
        iondrift.extract(os.path.join(TESTS, "no_such.csv"), eps_r=46.9)
    with pytest.raises(iondrift.InputError, match="times of the curve at T = 300 K must increase"):
        iondrift.extract(T=[300, 280], t=[[1e-6, 1e-6, 2e-6], [1e-6, 2e-6, 3e-6]],
                         C=[[1, 1, 1], [1, 1, 1]], eps_r=46.9)
    with pytest.raises(iondrift.InputError, match="mott-schottky: missing --area-cm2"):
        iondrift.mott_schottky(CV_LAB, eps_r=46.9)


def test_progress_in_calling_thread():
    seen = []
    r = iondrift.run(TID, threads=2,
                     progress=lambda f, stage: seen.append((threading.get_ident(), f, stage)))
    assert len(seen) >= 1  # reports that arrive during a delivery are merged
    assert {i for i, _, _ in seen} == {threading.get_ident()}
    fractions = [f for _, f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert "tid/C" in r

    # two Python threads, each with its own reports in its own thread
    def job(_):
        me, got = threading.get_ident(), []
        iondrift.run(TID, threads=1, progress=lambda f, s: got.append(threading.get_ident()))
        return got and all(i == me for i in got)

    with ThreadPoolExecutor(2) as pool:
        assert all(pool.map(job, range(2)))


def test_progress_exception_raised_after_run():
    class Stop(Exception):
        pass

    def stop(f, stage):
        raise Stop(stage)

    with pytest.raises(Stop):
        iondrift.run(TID, threads=2, progress=stop)


def test_tas_at_a_dc_bias():
    """At a reverse DC bias the trap level is the same (its emission rate does
    not depend on the bias): the Arrhenius energy within 1 meV and the
    crossing-point-corrected step density within 2 % of the 0 V scan's, while
    the depletion width W (from C(f_max)) grows."""
    base = {"protocol.temperatures_K": [320, 280, 240, 200], "protocol.points": 31}
    r0 = iondrift.run(TAS_LEVEL, set=base)
    rb = iondrift.run(TAS_LEVEL, set=dict(base, **{"protocol.V_V": -0.3}))
    assert rb.attrs("tas")["V_V"] == -0.3
    a, b = r0.attrs("tas/extraction/level_0"), rb.attrs("tas/extraction/level_0")
    assert b["E_eV"] == pytest.approx(a["E_eV"], abs=1e-3)
    assert b["N_cm3"] == pytest.approx(a["N_cm3"], rel=0.02)
    assert np.all(rb["tas/extraction/W_nm"] > r0["tas/extraction/W_nm"] * 1.05)
