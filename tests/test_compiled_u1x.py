"""The compiled U(1)_X quantities (models/u1x/kernels.py; docs/compiled.md) against the numpy providers they mirror
(models/u1x/quantities.py `providers`): every provider of the presets of examples/u1-models.yaml and of a chiral
assignment (the muon's axial g−2), each kinetic-mixing option, to rounding; and the fused posterior of U(1)_X cards
against numpy's, the cards of examples/u1-models.yaml included."""
from __future__ import annotations

import dataclasses
import importlib
import math
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba")

from globalfit.card import load_card  # noqa: E402
from globalfit.posterior import Posterior  # noqa: E402
from globalfit.study import load_study  # noqa: E402
from models.u1x import kernels, quantities  # noqa: E402
from models.u1x.anomaly import FIELDS  # noqa: E402
from models.u1x.model import Options  # noqa: E402

REL = 1e-13  # rounding: the kernels call the C library's log/exp/pow, numpy its vectorized ones
TINY = 1e-300
N = 3000
#: a chiral assignment (tests/test_u1x_model.py): the muon has v = −½, a = ½; tr(Q X_V) = 0, so the loop mixing is finite
CHIRAL = {**dict.fromkeys(FIELDS, 0), "L1": 1, "E1": 1, "L3": -1, "E2": -1, "N1": -1, "N2": 1}
CASES = [("lmu-ltau", None, "loop"), ("lmu-ltau", None, "zero"), ("le-lmu", None, "loop"), ("le-lmu", None, "zero"),
         ("b-l", None, "zero"), ("b-l", None, "free"), ("b-3lmu", None, "zero"), ("b-3lmu", None, "free"),
         ("lmu-ltau", None, "free"), ("chiral", CHIRAL, "loop"), ("chiral", CHIRAL, "zero"), ("chiral", CHIRAL, "free")]
WORST: dict[str, float] = {}  # largest relative difference per quantity (printed with -s)


def _points(seed: int, n: int = N) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"m_zp": np.exp(rng.uniform(math.log(1e-4), math.log(20.0), n)),
            "g_zp": np.exp(rng.uniform(math.log(1e-6), 0.0, n)), "eps": rng.uniform(-1e-2, 1e-2, n)}


def _kernel(name: str):
    module, func = name.split(":")
    return getattr(importlib.import_module(module), func)


def _close(name: str, a, b):
    """Zeros and NaNs at the same points, else within REL of max(|a|, TINY)."""
    a, b = np.broadcast_to(np.asarray(a, dtype=float), np.shape(b)), np.asarray(b, dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), name
    assert np.array_equal(a == 0.0, b == 0.0), name
    ok = ~np.isnan(a)
    rel = np.abs(b[ok] - a[ok]) / np.maximum(np.abs(a[ok]), TINY)
    WORST[name] = max(WORST.get(name, 0.0), float(rel.max(initial=0.0)))
    assert np.all(rel <= REL), (name, float(rel.max()))


@pytest.mark.parametrize("preset, charges, kinetic_mixing", CASES, ids=[f"{p}-{k}" for p, _, k in CASES])
def test_every_provider_against_numpy(preset, charges, kinetic_mixing):
    """Each provider's kernel, point by point on the numpy values of its inputs, against the numpy provider."""
    options = Options(preset="lmu-ltau" if charges else preset, charges=charges, kinetic_mixing=kinetic_mixing)
    values = _points(CASES.index((preset, charges, kinetic_mixing)))
    if kinetic_mixing != "free":
        del values["eps"]
    for prov in quantities.providers(options.couplings, kinetic_mixing):
        assert prov.kernel is not None, prov.outputs
        kernel = _kernel(prov.kernel)
        data = () if prov.kernel_data is None else (prov.kernel_data(),)
        inputs = [np.broadcast_to(np.asarray(values[k], dtype=float), (N,)) for k in prov.needs]
        expected = prov.func(*inputs)
        expected = (expected,) if len(prov.outputs) == 1 else expected
        got = np.array([kernel(*(x[i] for x in inputs), *data) for i in range(N)] if prov.needs
                       else [kernel(*data)] * N).reshape(N, len(prov.outputs))
        for j, name in enumerate(prov.outputs):
            values[name] = np.broadcast_to(np.asarray(expected[j], dtype=float), (N,))
            _close(name, expected[j], got[:, j])
    assert options.couplings.chiral == (charges is not None)
    assert np.ptp(values["delta_a_mu"]) > 0 and np.all(values["width_zp"] > 0)


def test_outside_the_g2_table_the_vector_part_is_nan():
    """Beyond m_Z′ = 1 TeV numpy evaluates the loop function's rule: the kernel gives NaN (the batch goes to numpy)."""
    options = Options(preset="lmu-ltau", charges=CHIRAL)
    data = quantities.providers(options.couplings, "loop")[0].kernel_data()
    assert math.isnan(kernels.delta_a_mu(2e3, 0.1, data)) and math.isfinite(kernels.delta_a_mu(900.0, 0.1, data))


def _card(model: dict, likelihoods: dict, **params):
    raw = {"name": "u1x-compiled", "model": {"name": "u1x", **model},
           "params": {"m_zp": {"prior": "log-uniform", "min": 1e-4, "max": 20.0},
                      "g_zp": {"prior": "log-uniform", "min": 1e-6, "max": 1.0}, **params},
           "likelihoods": likelihoods, "sampler": {"name": "dynesty", "dynesty": {"nlive": 50}}}
    card = load_card(raw)
    return Posterior(card), Posterior(dataclasses.replace(card, compiled=True))


FUSED = [({"preset": "b-3lmu", "kinetic_mixing": "zero"}, {}), ({"preset": "le-lmu"}, {}),
         ({"charges": CHIRAL}, {}),
         ({"preset": "b-l", "kinetic_mixing": "free"}, {"eps": {"prior": "uniform", "min": -1e-3, "max": 1e-3}})]


@pytest.mark.parametrize("model, params", FUSED, ids=["b-3lmu", "le-lmu", "chiral", "b-l-free"])
def test_fused_loglike_of_u1x_cards(model, params):
    """g−2 (delta_a_mu, with the axial part for the chiral assignment), BaBar (g2_mu, br_mumu: the couplings and
    widths) and Borexino (h_numu, h_nutau): the fused loop equals numpy's log L to rounding."""
    numpy_post, fused_post = _card(model, {"gminus2": {"dataset": "fnal2021-wp20"}, "babar": {},
                                           "borexino": {}}, **params)
    theta = numpy_post.prior_transform(np.random.default_rng(7).random((2000, numpy_post.ndim)))
    out = np.empty(len(theta))
    assert fused_post.fused(np.ascontiguousarray(theta), out) == 0
    a = numpy_post.log_likelihood(theta)
    assert np.all(np.isfinite(a)) and np.ptp(a) > 1.0
    assert np.all(np.abs(out - a) <= REL * np.maximum(np.abs(a), 1.0))
    assert np.array_equal(fused_post.log_likelihood(theta), out)


def test_the_u1_models_study_compiles_and_equals_numpy():
    """Every card of examples/u1-models.yaml (g−2, electron g−2, Borexino, trident, BaBar, APV): built with
    `compiled: true`, the fused loop evaluates 2000 prior points itself and equals numpy's log L to rounding."""
    study = load_study(Path(__file__).parents[1] / "examples" / "u1-models.yaml")
    for card in study.cards.values():
        numpy_post, fused_post = Posterior(card), Posterior(dataclasses.replace(card, compiled=True))
        theta = numpy_post.prior_transform(np.random.default_rng(11).random((2000, numpy_post.ndim)))
        out = np.empty(len(theta))
        assert fused_post.fused(np.ascontiguousarray(theta), out) == 0, card.name
        a = numpy_post.log_likelihood(theta)
        assert np.all(np.isfinite(a)) and np.all(np.abs(out - a) <= REL * np.maximum(np.abs(a), 1.0)), card.name
