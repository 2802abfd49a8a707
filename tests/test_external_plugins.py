"""A new physics model and a new experiment added from a separate package, with no edit inside globalfit/:
the package (written to a temporary directory, found through PYTHONPATH) declares both through entry points
and ships its own catalogued dataset. `globalfit list` shows them, a card using them runs, its manifest lists
the package's data file with its checksum, and a changed byte in that file is refused, naming it.

The files written here are the ones README.md's "Adding a model" and "Adding an experiment" describe.
"""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

MODEL = '''
"""A dark photon X with kinetic mixing eps and mass m_x (a toy model from outside globalfit)."""
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from globalfit.model import PhysicsModel, QuantitySet
from globalfit.params import ParameterInfo

Q = QuantitySet()


@Q.quantity("eps2", needs=("eps_x", "m_x"), labels=r"$\\epsilon^2_\\mathrm{eff}$",
            description="ε² m₀²/(m₀² + m_X²), m₀ = 0.1 GeV: what the toy rate scales with")
def _eps2(eps_x, m_x):
    return eps_x ** 2 * 0.01 / (0.01 + m_x ** 2)


@dataclass(frozen=True)
class Options:
    decay: Literal["visible", "invisible"] = field(default="invisible", metadata={"doc": "how X decays"})


class DarkPhoton(PhysicsModel):
    """Dark photon with kinetic mixing ε (toy)."""

    name = "dark-photon"
    Options = Options
    parameters = {"m_x": ParameterInfo("m_x", "GeV", "$m_X$ [GeV]", "dark photon mass", bounds=(0.0, 1e3), positive=True),
                  "eps_x": ParameterInfo("eps_x", "", r"$\\epsilon$", "kinetic mixing", bounds=(0.0, 1.0))}
    plane = ("m_x", "eps_x")

    def quantities(self, options):
        return list(Q.providers)

    def quantity_info(self):
        return Q.info

    def null_point(self, raw):
        out = dict(raw, params={**raw["params"], "eps_x": 1e-12})
        return out
'''

EXPERIMENT = '''
"""A toy measurement of ε² (Gaussian), with its data in this package."""
from importlib import resources

from globalfit import catalog
from globalfit.likelihood import Likelihood


class ToyEps(Likelihood):
    """Gaussian in ε² (toy experiment shipped by a separate package)."""

    name = "toyexp"
    requires = ("eps2",)
    models = ("dark-photon",)
    data_root = resources.files("toy_physics") / "data"

    def __init__(self, dataset: str = "toy-2026"):
        super().__init__(dataset)
        raw, where = catalog.load_dataset_yaml(f"toyexp/{dataset}.yaml", ["value", "error"])
        self.value, self.error = float(raw["value"]), float(raw["error"])

    def loglike(self, q):
        return -0.5 * ((q["eps2"] - self.value) / self.error) ** 2
'''

DATASET = "# toy measurement of eps^2 (invented for the test)\nvalue: 1.0e-6\nerror: 2.0e-7\n"


def _write_package(site: Path) -> Path:
    pkg = site / "toy_physics"
    (pkg / "data" / "toyexp").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "model.py").write_text(textwrap.dedent(MODEL))
    (pkg / "experiment.py").write_text(textwrap.dedent(EXPERIMENT))
    data = pkg / "data" / "toyexp" / "toy-2026.yaml"
    data.write_text(DATASET)
    sha = hashlib.sha256(data.read_bytes()).hexdigest()
    (pkg / "data" / "toyexp" / "catalog.yaml").write_text(
        "files:\n  - path: toy-2026.yaml\n"
        f"    sha256: {sha}\n    dataset: toy-2026\n    version: '2026'\n    source: invented\n    obtained: by hand\n")
    dist = site / "toy_physics-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-physics\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[globalfit.models]\ndark-photon = toy_physics.model:DarkPhoton\n\n"
        "[globalfit.likelihoods]\ntoyexp = toy_physics.experiment:ToyEps\n")
    return data


def _globalfit(site: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "globalfit", *argv], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def site(tmp_path) -> Path:
    site = tmp_path / "site"
    _write_package(site)
    return site


def test_an_external_model_and_experiment_list_and_run(site, tmp_path):
    listed = _globalfit(site, tmp_path, "list")
    assert listed.returncode == 0, listed.stderr
    assert "dark-photon  [toy_physics.model.DarkPhoton]" in listed.stdout
    assert "option:    decay = 'invisible'  (visible | invisible)" in listed.stdout
    assert "toyexp  [toy_physics.experiment.ToyEps]" in listed.stdout and "datasets: toy-2026*" in listed.stdout
    card = tmp_path / "toy.yaml"
    card.write_text("name: toy\nmodel: {name: dark-photon}\n"
                    "params:\n  m_x: 20 MeV\n  eps_x: {prior: log-uniform, min: 1.0e-5, max: 1.0e-2}\n"
                    "likelihoods: {toyexp: {}}\nsampler: {dynesty: {nlive: 60, dlogz: 0.5}, progress: false}\n")
    res = _globalfit(site, tmp_path, "run", str(card))
    assert res.returncode == 0, res.stderr
    manifest = json.loads((tmp_path / "chains" / "toy" / "manifest.json").read_text())
    assert manifest["data_files"] == [{"path": "toyexp/toy-2026.yaml",
                                       "sha256": hashlib.sha256(DATASET.encode()).hexdigest()}]
    assert "name: dark-photon" in (tmp_path / "chains" / "toy" / "card.yaml").read_text()
    assert "value: 0.02\n" in (tmp_path / "chains" / "toy" / "card.yaml").read_text()  # 20 MeV, in GeV
    summary = _globalfit(site, tmp_path, "summary", "chains/toy")
    assert summary.returncode == 0 and "eps2" in summary.stdout
    plane = _globalfit(site, tmp_path, "plane", str(card), "--mzp", "1e-3:1", "--g", "1e-5:1e-2", "--points", "10",
                       "-o", "plane.png")
    assert plane.returncode == 0 and (tmp_path / "plane.png").exists(), plane.stderr


def test_external_data_are_verified(site, tmp_path):
    data = site / "toy_physics" / "data" / "toyexp" / "toy-2026.yaml"
    data.write_text(DATASET.replace("2.0e-7", "1.0e-7"))
    card = tmp_path / "toy.yaml"
    card.write_text("model: {name: dark-photon}\nparams:\n  m_x: 0.02\n  eps_x: {prior: uniform, min: 0, max: 0.01}\n"
                    "likelihoods: {toyexp: {}}\n")
    res = _globalfit(site, tmp_path, "eval", str(card), "--set", "eps_x=1e-3")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert str(data) in res.stderr and "sha256" in res.stderr


def test_a_builtin_likelihood_refuses_the_external_model(site, tmp_path):
    card = tmp_path / "mix.yaml"
    card.write_text("model: {name: dark-photon}\nparams:\n  m_x: 0.02\n  eps_x: {prior: uniform, min: 0, max: 0.01}\n"
                    "likelihoods: {toyexp: {}, gminus2: {}}\n")
    res = _globalfit(site, tmp_path, "eval", str(card))
    assert res.returncode == 2
    assert "likelihoods.gminus2: needs 'delta_a_mu', which is neither a parameter in params nor a quantity of " \
           "model 'dark-photon'" in res.stderr
