"""Regression tests of defects met by a new user (each fails on the code before its fix).

Run safety (signals, locks, checkpoints) is in tests/test_run_safety.py, card input in
tests/test_card_input.py, damaged data and run directories in tests/test_damaged_inputs.py.
"""
from __future__ import annotations

import ast
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import gminus2_card

from globalfit import catalog, cli, yamlio
from globalfit import likelihood as registry
from globalfit.card import load_card
from globalfit.chains import load_run
from globalfit.likelihood import Likelihood
from globalfit.runner import run_card
from globalfit.samplers import engines

ROOT = Path(__file__).resolve().parents[1]
TINY_EMCEE = {"name": "emcee", "progress": False, "emcee": {"walkers": 8, "steps": 30, "burn": 10}}


# ------------------------------------------------------------------------------------------ provenance
def test_every_manifest_lists_every_file_its_plugins_read(tmp_path):
    """Two Borexino runs in one process: both read ssm-b16.yaml, both manifests list it (the second used to
    miss it: files were attributed by diffing a process-global access log)."""
    registry._INSTANCES.clear()
    files = {}
    for ds in ("phase2-2017", "phase1-2011"):
        card = load_card(gminus2_card(name=ds, likelihoods={"borexino": {"dataset": ds}}, sampler=TINY_EMCEE))
        out = run_card(card, tmp_path / ds, progress=False, log=io.StringIO())
        files[ds] = {f["path"] for f in load_run(out).manifest["data_files"]}
    assert files["phase2-2017"] == {"borexino/phase2-2017.yaml", "borexino/ssm-b16.yaml"}
    assert files["phase1-2011"] == {"borexino/phase1-2011.yaml", "borexino/ssm-b16.yaml"}


def test_recording_sees_files_read_before():
    catalog.verified_path("gminus2/fnal2021-wp20.yaml")
    with catalog.recording() as outer:
        with catalog.recording() as inner:
            catalog.verified_path("gminus2/fnal2021-wp20.yaml")
        catalog.verified_path("gminus2/fnal2023-wp20.yaml")
    assert set(inner) == {"gminus2/fnal2021-wp20.yaml"}
    assert set(outer) == {"gminus2/fnal2021-wp20.yaml", "gminus2/fnal2023-wp20.yaml"}


# -------------------------------------------------------------------------------- dynesty/emcee adapter
def test_versions_outside_the_tested_series_are_refused():
    engines.check_versions({"dynesty": "3.1.0", "emcee": "3.1.6"})
    for bad in ({"dynesty": "2.1.4"}, {"dynesty": "3.2.0"}, {"emcee": "4.0.0"}):
        pkg = next(iter(bad))
        with pytest.raises(Exception, match=rf"{pkg} .* is installed, but globalfit .* tested with {pkg}>="):
            engines.check_versions({"dynesty": "3.1.0", "emcee": "3.1.6", **bad})


def test_pyproject_pins_the_tested_series():
    text = (ROOT / "pyproject.toml").read_text()
    for pkg, (lo, hi) in engines.SUPPORTED.items():
        pin = f'"{pkg}>={".".join(map(str, lo))},<{".".join(map(str, hi))}"'
        assert pin in text, f"pyproject.toml must pin {pin}"


def test_only_the_adapter_imports_the_samplers_packages():
    """dynesty and emcee (and their internals) are reached through globalfit/samplers/engines.py alone."""
    offenders = []
    for path in sorted((ROOT / "globalfit").rglob("*.py")):
        if path.name == "engines.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in ("dynesty", "emcee") for n in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        text = path.read_text(encoding="utf-8")
        for internal in re.findall(r"\.(?:saved_run|live_u|live_v|live_logl|rstate)\b|internal_samplers|"
                                   r"backend\.(?:chain|log_prob|accepted|grow|reset)", text):
            offenders.append(f"{path.relative_to(ROOT)}: {internal}")
    assert not offenders, offenders


# ------------------------------------------------------------------------------------------ report, profile
def test_profile_json_is_json_and_no_solution_is_null(tmp_path, capsys, register_plugin):
    class HalfLine(Likelihood):
        """−x²/2 for x < 0.5; no solution above."""

        name = "halfline"
        requires = ("x",)

        def loglike(self, q):
            return np.where(q["x"] < 0.5, -0.5 * q["x"] ** 2, -np.inf) - 0.5 * q["y"] ** 2

    HalfLine.requires = ("x", "y")
    register_plugin(HalfLine)
    card = {"name": "h", "params": {"x": {"prior": "uniform", "min": 0.0, "max": 1.0},
                                    "y": {"prior": "uniform", "min": -1.0, "max": 1.0}},
            "likelihoods": {"halfline": {}}}
    path = tmp_path / "h.yaml"
    path.write_text(yamlio.dumps(card))
    plot = tmp_path / "p.png"
    assert cli.main(["profile", str(path), "--param", "x", "--points", "6", "--json", "-o", str(plot)]) == 0
    out, err = capsys.readouterr()
    prof = json.loads(out)  # stdout is JSON and nothing else
    assert plot.exists() and f"wrote {plot}" in err and "profile x 6/6" in err  # messages and progress: stderr
    assert prof["values"] == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert prof["dchi2"][3:] == [None, None, None] and prof["dchi2"][0] == pytest.approx(0.0, abs=1e-6)
    assert prof["dchi2"][2] == pytest.approx(0.16, abs=1e-4)
    assert cli.main(["profile", str(path), "--param", "x", "--points", "6"]) == 0
    assert "no solution" in capsys.readouterr().out


def test_profile_range_outside_the_prior_is_an_error(capsys):
    card = str(ROOT / "examples" / "gminus2.yaml")
    assert cli.main(["profile", card, "--param", "m_zp", "--range", "1e-4:1"]) == 2
    err = capsys.readouterr().err
    assert "--range: 0.0001:1 leaves the prior range [0.001, 10] of m_zp" in err


# ------------------------------------------------------------------------------------------------ studies
def _study(tmp_path) -> Path:
    card = gminus2_card(name="st", output=str(tmp_path / "st"),
                        sampler={"name": "dynesty", "progress": False, "dynesty": {"nlive": 60, "dlogz": 0.5}})
    card["variants"] = {"a": {}, "b": {"likelihoods.gminus2.dataset": "fnal2023-wp20"},
                        "c": {"likelihoods.gminus2.dataset": "fnal2025-wp25"}}
    path = tmp_path / "st.yaml"
    path.write_text(yamlio.dumps(card))
    return path


def test_run_with_some_variants_prints_their_comparison(tmp_path, capsys):
    path = _study(tmp_path)
    assert cli.main(["run", str(path), "--variant", "a", "--variant", "b"]) == 0
    out = capsys.readouterr().out
    assert "st-a" in out and "st-b" in out and "st-c" not in out and "ln B" in out
    assert cli.main(["run", str(path), "--variant", "c"]) == 0  # with the two run before
    out = capsys.readouterr().out
    assert all(f"st-{v}" in out for v in "abc")


# ------------------------------------------------------------------------------------------------ catalog
def test_the_catalog_header_command_rehashes(tmp_path):
    catalogs = [ROOT / "data" / "catalog.yaml", *sorted((ROOT / "data").glob("*/catalog.yaml"))]
    assert len(catalogs) > 1  # the top-level catalog and one per experiment
    for path in catalogs:  # every catalog's header gives the same command
        header = [ln for ln in path.read_text().splitlines() if ln.startswith("#")]
        commands = re.findall(r"After editing a file, from the repository root: (.+)$", "\n".join(header), re.M)
        assert commands == ["globalfit data --rehash"], path
    shutil.copytree(ROOT / "data", tmp_path / "data")
    target = tmp_path / "data" / "gminus2" / "fnal2021-wp20.yaml"
    target.write_text(target.read_text() + "# edited\n")
    for cmd in (commands[0].split(), [sys.executable, "-m", "globalfit.catalog", "--rehash"]):
        res = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        check = subprocess.run([sys.executable, "-m", "globalfit", "data"], cwd=tmp_path, capture_output=True,
                               text=True, timeout=120)
        assert check.returncode == 0 and "data OK" in check.stdout
        target.write_text(target.read_text() + "# again\n")


# -------------------------------------------------------------------------------------------- small ones
def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0 and re.fullmatch(r"globalfit \S+\n", capsys.readouterr().out)


def test_no_meaningless_evidence_before_the_first_estimate(tmp_path, capsys):
    from globalfit.samplers.nested import _status

    assert "ln Z —" in _status(1, 1, 100.0, -6.8e15, 6.8e15, 0.1)
    assert "dlogz > 1e4" in _status(1, 1, 100.0, -6.8e15, 6.8e15, 0.1)
    assert "ln Z -3.210 | dlogz 0.5" in _status(900, 2000, 40.0, -3.21, 0.5, 0.1)
    card = load_card(gminus2_card(sampler={"name": "dynesty", "dynesty": {"nlive": 50, "dlogz": 0.5}}))
    run_card(card, tmp_path / "run", progress=True, log=io.StringIO())
    err = capsys.readouterr().err
    first = err.split("\r")[1]
    assert first.startswith("dynesty: iter 1 ") and "ln Z —" in first


def test_tension_rerun_shows_progress(tmp_path):
    card = gminus2_card(name="two", likelihoods={"gminus2": {}, "trident": {}},
                        sampler={"name": "dynesty", "progress": False, "dynesty": {"nlive": 40, "dlogz": 1.0}})
    run = run_card(load_card(card), tmp_path / "two", progress=False, log=io.StringIO())
    res = subprocess.run([sys.executable, "-m", "globalfit", "tension", str(run), "--rerun", "--no-optimise"],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert "tension 1/2: without gminus2 (sampling again)" in res.stderr
    assert "tension 2/2: without trident (sampling again)" in res.stderr


HEAVY = ("arviz", "xarray", "dynesty", "emcee", "matplotlib", "pydantic", "pandas", "corner", "h5netcdf", "tqdm")


@pytest.mark.parametrize("argv", [None, ["--help"], ["--version"], ["list"]])
def test_import_and_quick_commands_do_not_load_the_heavy_modules(argv):
    """`import globalfit`, `--help`, `--version` and `list` import none of the samplers, arviz, pydantic, ... (they
    used to cost ~3 s). Checked by the modules loaded, not by timing."""
    code = ("import sys, contextlib, io\nimport globalfit\n" if argv is None else
            "import sys, contextlib, io\nfrom globalfit.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    try:\n        main({argv!r})\n"
            "    except SystemExit:\n        pass\n")
    code += f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}) | ({{'scipy.stats'}} & set(sys.modules))))"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


def test_eval_outside_the_parameter_domain_is_an_error(capsys):
    card = str(ROOT / "examples" / "gminus2.yaml")
    assert cli.main(["eval", card, "--set", "m_zp=-1"]) == 2
    err = capsys.readouterr().err
    assert "m_zp" in err and "> 0" in err and "Traceback" not in err


def test_progress_lines_for_runs_in_the_background():
    from globalfit.samplers.progress import Progress

    stream = io.StringIO()
    lines = Progress("NO-log", every=0.0, stream=stream)
    lines.update("dynesty: iter 10")
    lines.update("dynesty: iter 20")
    assert stream.getvalue() == "[NO-log] dynesty: iter 10\n[NO-log] dynesty: iter 20\n"
    silent = io.StringIO()
    Progress(False, stream=silent).update("x")
    assert silent.getvalue() == ""


def test_limit_curves_sit_on_their_published_line_at_their_cl():
    """A plane drawn at a likelihood's own CL puts a published limit curve on its line: Δχ² at X = X_UL equals
    the likelihood's exclusion threshold at that CL (NA62 and BaBar at 90%, both shapes); a Gaussian
    measurement uses χ²₁(cl)."""
    from likelihoods.babar import BaBar4Mu
    from likelihoods.gminus2 import MuonGMinus2
    from likelihoods.na62 import NA62

    for shape in ("poisson", "half-gaussian"):
        babar = BaBar4Mu(limit_shape=shape)
        m = np.array([0.5, 1.0, 3.0])
        g = babar.g_limit(m)
        dchi2 = -2.0 * babar.loglike({"m_zp": m, "g_zp": g})
        assert np.allclose(dchi2, babar.exclusion_dchi2(0.90), rtol=1e-12)
        assert NA62(limit_shape=shape).exclusion_dchi2(0.90) == pytest.approx(babar.exclusion_dchi2(0.90))
    assert BaBar4Mu().exclusion_dchi2(0.90) == pytest.approx(-2 * np.log(0.1))  # 4.605
    assert MuonGMinus2().exclusion_dchi2(0.95) == pytest.approx(3.841458820694124)
