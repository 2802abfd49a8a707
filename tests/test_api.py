"""The Python API: no module of globalfit reaches into another's private names, and `run_card` returns the
stored run (globalfit.chains.Run) with summary(), corner(), evidence and posterior, usable as its path."""
from __future__ import annotations

import ast
import io
import json
import os
import re
from pathlib import Path

import pytest
from conftest import gminus2_card

import globalfit
from globalfit import cli, parallel
from globalfit.card import load_card
from globalfit.chains import Run, load_run
from globalfit.runner import run_card
from globalfit.summary import summarize

PACKAGE = Path(globalfit.__file__).parent


# ------------------------------------------------------------------------------------ private names
def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    rel = PACKAGE.parent.joinpath(*name.split("."))
    return rel.with_suffix(".py").is_file() or (rel / "__init__.py").is_file()


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(source: str, module: str) -> list[str]:
    """`from globalfit.x import _y` and `x._y` (x another globalfit module) in the source of `module`."""
    tree = ast.parse(source)
    is_package = (PACKAGE.parent.joinpath(*module.split(".")) / "__init__.py").is_file()
    package = module.split(".") if is_package else module.split(".")[:-1]
    found, names = [], {}  # names: local name → the globalfit module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..y import z
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "globalfit":
                continue
            for a in node.names:
                if _private(a.name) and base != module:
                    found.append(f"line {node.lineno}: from {base} import {a.name}")
                if _is_module(f"{base}.{a.name}"):
                    names[a.asname or a.name] = f"{base}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "globalfit":
                    names[a.asname or "globalfit"] = a.name if a.asname else "globalfit"
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain, value = [node.attr], node.value
        while isinstance(value, ast.Attribute):
            chain.insert(0, value.attr)
            value = value.value
        if not (isinstance(value, ast.Name) and value.id in names):
            continue
        current = names[value.id]
        for attr in chain:
            if _private(attr):
                if current != module:
                    found.append(f"line {node.lineno}: {current}.{attr}")
                break
            if not _is_module(f"{current}.{attr}"):
                break
            current = f"{current}.{attr}"
    return sorted(set(found))


def test_the_private_name_check_finds_what_it_should():
    src = ("from globalfit.card import _build, load_card\nfrom globalfit import plots\nimport globalfit.chains as ch\n"
           "import globalfit.profile\nfrom . import summary\nfrom globalfit.samplers import checkpoint as _ckpt\n"
           "plots._pyplot(); ch._arviz(); globalfit.profile._minimise(); summary._x; _ckpt.Checkpointer; "
           "load_card._cache; plots.corner_plot(); self._private\n")
    assert private_uses(src, "globalfit.report") == [
        "line 1: from globalfit.card import _build", "line 7: globalfit.chains._arviz",
        "line 7: globalfit.plots._pyplot", "line 7: globalfit.profile._minimise", "line 7: globalfit.summary._x"]
    assert private_uses("from globalfit.card import _fmt\nfrom globalfit import card\ncard._x\n", "globalfit.card") == []


def test_no_module_uses_another_modules_private_names():
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        uses = private_uses(path.read_text(encoding="utf-8"), _module_name(path))
        if uses:
            found[str(path.relative_to(PACKAGE.parent))] = uses
    assert not found, "private names used across modules (give them a public name): " + json.dumps(found, indent=1)


# ------------------------------------------------------------------------------------------ run_card
@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("api-runs")
    emcee = {"name": "emcee", "progress": False, "emcee": {"walkers": 8, "steps": 200, "burn": 50, "thin": 1}}
    return {"dynesty": run_card(load_card(gminus2_card(name="api")), base / "dynesty", progress=False,
                                log=io.StringIO()),
            "emcee": run_card(load_card(gminus2_card(name="api-emcee", sampler=emcee)), base / "emcee", progress=False,
                              log=io.StringIO())}


def _table_numbers(text: str) -> dict[str, list[float]]:
    """variable → the numbers of its row in `globalfit summary`'s table."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("-" * 20)) + 1
    number = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|nan|inf")
    return {line.split()[0]: [float(x) for x in number.findall(line[len(line.split()[0]):])] for line in lines[start:]}


@pytest.mark.parametrize("sampler", ["dynesty", "emcee"])
def test_run_card_returns_the_run_and_it_is_path_like(runs, sampler):
    run = runs[sampler]
    assert isinstance(run, Run) and run.kind == ("nested" if sampler == "dynesty" else "mcmc")
    assert Path(run) == run.path and os.fspath(run) == str(run) == str(run.path) and run.path.name == sampler
    assert (run / "manifest.json") == run.path / "manifest.json" and (run / "manifest.json").is_file()
    assert load_run(run) is run
    assert run.posterior is run.idata.posterior and "m_zp" in run.posterior
    again = load_run(str(run))  # what run_card returned is what is stored
    assert again.manifest == run.manifest and again.card == run.card
    assert str(run.path) in repr(run)


@pytest.mark.parametrize("sampler", ["dynesty", "emcee"])
def test_summary_agrees_with_the_summary_command(runs, sampler, capsys):
    run = runs[sampler]
    rows = run.summary()
    assert rows == summarize(load_run(run.path))
    assert [r["name"] for r in run.summary(["g_zp"])] == ["g_zp"]
    assert cli.main(["summary", str(run)]) == 0
    printed = capsys.readouterr().out
    assert printed == run.summary(text=True) + "\n"
    table = _table_numbers(printed)
    assert list(table) == [r["name"] for r in rows]
    for r in rows:
        expected = [r["mean"], r["median"], r["lo68"], r["hi68"], r["lo95"], r["hi95"], r["map"]]
        if sampler == "emcee":
            expected += [r["r_hat"], r["ess_bulk"]]
        got = table[r["name"]]
        assert len(got) == len(expected)
        for g, e in zip(got[:7], expected[:7]):
            assert g == pytest.approx(e, rel=1e-3)  # printed with 4 significant digits


def test_corner_writes_the_plot(runs, tmp_path):
    run = runs["dynesty"]
    png = run.corner()
    assert png == run.path / "corner.png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = run.corner(tmp_path / "sub" / "c.pdf", ["m_zp", "delta_a_mu"])
    assert pdf == tmp_path / "sub" / "c.pdf" and pdf.read_bytes()[:5] == b"%PDF-"


def test_evidence_matches_the_manifest(runs):
    run = runs["dynesty"]
    results = json.loads((run / "manifest.json").read_text(encoding="utf-8"))["results"]
    ev = run.evidence
    assert ev.logz == results["logz"] and ev.logzerr_dynesty == results["logzerr"]
    assert ev.error == results["logzerr_reported"]
    assert runs["emcee"].evidence is None


def test_resuming_a_finished_run_returns_it(runs):
    run = runs["dynesty"]
    card = load_card(gminus2_card(name="api"))
    again = run_card(card, run.path, progress=False, log=io.StringIO(), resume=True)
    assert isinstance(again, Run) and again.path == run.path and again.manifest == run.manifest


def test_an_mpi_worker_rank_returns_none(monkeypatch, tmp_path):
    class Worker:  # rank 1 of 2; rank 0 has nothing to send
        def Get_size(self):
            return 2

        def Get_rank(self):
            return 1

        def recv(self, source, tag):
            return None

    monkeypatch.setattr(parallel, "world", lambda: Worker())
    assert run_card(load_card(gminus2_card()), tmp_path / "w", progress=False, log=io.StringIO()) is None
    assert not (tmp_path / "w").exists()
