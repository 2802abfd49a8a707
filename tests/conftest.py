"""Shared fixtures: in-process test plugins (Gaussian likelihoods) and card builders."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from globalfit import likelihood as registry
from globalfit.likelihood import Likelihood


def gaussian_plugin(name: str, dim: int, mean: np.ndarray, cov: np.ndarray) -> type[Likelihood]:
    """A normalised multivariate Gaussian log-likelihood in parameters x0..x{dim-1}."""
    inv = np.linalg.inv(cov)
    _, logdet = np.linalg.slogdet(cov)
    norm = -0.5 * (dim * np.log(2 * np.pi) + logdet)
    names = tuple(f"x{i}" for i in range(dim))

    def loglike(self, q):
        x = np.column_stack([q[n] for n in names]) - mean
        return norm - 0.5 * np.einsum("ni,ij,nj->n", x, inv, x)

    return type(f"Gauss_{name}", (Likelihood,), {"name": name, "requires": names, "loglike": loglike})


@pytest.fixture
def register_plugin():
    """Register plugin classes for one test, unregister afterwards."""
    added = []

    def add(cls):
        registry.register(cls)
        added.append(cls.name)
        return cls

    yield add
    for name in added:
        registry.unregister(name)


def gminus2_card(**over) -> dict:
    card = {
        "name": "t",
        "params": {"m_zp": {"prior": "log-uniform", "min": 1e-3, "max": 10.0},
                   "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-1}},
        "likelihoods": {"gminus2": {"dataset": "fnal2021-wp20"}},
        "sampler": {"name": "dynesty", "progress": False, "dynesty": {"nlive": 100, "dlogz": 0.5}},
        "seed": 3,
    }
    card.update(over)
    return card


def oscillation_params() -> dict:
    """The oscillation + mass + phase prior box of examples/ordering.yaml (NO), a fresh copy per call."""
    card = yaml.safe_load((Path(__file__).parents[1] / "examples" / "ordering.yaml").read_text())
    return card["params"]
