"""The compiled Z′ pieces (models/lmu_ltau/kernels.py and the Z′ plugins' kernel.py; docs/compiled.md) against the
numpy evaluation they replace: the same log L to rounding over the whole prior — the g−2 table's edges, the trident
table's ends and contact limit, every dataset and option — and the numpy fall-back where a kernel does not reach."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import yaml

from globalfit.card import load_card
from globalfit.compiled import kernel_values
from globalfit.posterior import Posterior

pytest.importorskip("numba")

EXAMPLES_DIR = Path(__file__).parents[1] / "examples"
RNG = np.random.default_rng(20261207)
REL = 1e-13  # rounding: the kernels call the C library's log/exp/sqrt, numpy its vectorized ones


def _card(likelihoods: dict, model: dict | None = None, params: dict | None = None):
    raw = yaml.safe_load((EXAMPLES_DIR / "zprime.yaml").read_text())
    raw["likelihoods"] = likelihoods
    raw["model"] = {**raw["model"], **(model or {})}
    raw["params"] = {**raw["params"], **(params or {})}
    card = load_card(raw)
    return Posterior(card), Posterior(dataclasses.replace(card, compiled=True))


def _close(a, b, rel=REL):
    """Equal to rounding: −inf at the same points, else within `rel` of max(|log L|, 1)."""
    fin = np.isfinite(a)
    assert np.array_equal(fin, np.isfinite(b)) and np.array_equal(a[~fin], b[~fin])
    assert np.all(np.abs(b[fin] - a[fin]) <= rel * np.maximum(np.abs(a[fin]), 1.0))


WIDE = {"m_zp": {"prior": "log-uniform", "min": 1e-6, "max": 3e4}, "g_zp": {"prior": "log-uniform", "min": 1e-6,
                                                                          "max": 1.0}}


@pytest.mark.parametrize("kinetic_mixing", ["loop", "free"])
def test_gaussian_plugins_over_every_mass(kinetic_mixing):
    """g−2, trident and APV from 1 keV to 30 TeV: the g−2 table ends at 1 TeV (numpy's quadrature beyond, through
    the fall-back), the trident table at 0.1 MeV and 1 TeV (its constant/log continuation below, contact limit above);
    with free mixing ε is sampled, either sign."""
    params = dict(WIDE)
    if kinetic_mixing == "free":
        params["eps"] = {"prior": "uniform", "min": -1e-2, "max": 1e-2}
    numpy_post, fused_post = _card({"gminus2": {"dataset": "fnal2021-wp20"}, "trident": {"dataset": "ccfr"},
                                    "apv": {"dataset": "cadeddu2021"}}, {"kinetic_mixing": kinetic_mixing}, params)
    theta = numpy_post.prior_transform(RNG.random((4000, numpy_post.ndim)))
    inside = theta[:, 0] < 1e3  # the g−2 table: compiled throughout
    out = np.empty(int(inside.sum()))
    assert fused_post.fused(np.ascontiguousarray(theta[inside]), out) == 0
    _close(numpy_post.log_likelihood(theta[inside]), out)
    assert fused_post.fused(np.ascontiguousarray(theta[~inside][:5]), np.empty(5)) == -1  # numpy's quadrature
    a, b = numpy_post.log_likelihood(theta), fused_post.log_likelihood(theta)
    _close(a, b)
    assert a.min() < -1e3 and np.ptp(a[inside & (theta[:, 1] < 1e-3)]) > 1.0


@pytest.mark.parametrize("gminus2,trident,apv", [("fnal2025-wp25", "charm2", {"dataset": "porsev2009",
                                                                            "sw_cw": "msbar"}),
                                                 ("bnl2006", "ccfr", {"dataset": "sahoo2021", "sw_cw": "low"})])
def test_datasets_and_options(gminus2, trident, apv):
    numpy_post, fused_post = _card({"gminus2": {"dataset": gminus2}, "trident": {"dataset": trident}, "apv": apv},
                                   {"kinetic_mixing": "free"}, {**WIDE, "eps": {"prior": "uniform", "min": -0.1,
                                                                                "max": 0.1}})
    theta = numpy_post.prior_transform(RNG.random((3000, numpy_post.ndim)))
    _close(numpy_post.log_likelihood(theta), fused_post.log_likelihood(theta))


@pytest.mark.parametrize("higgs,charge", [("doublet", 1), ("doublet", -1), ("doublet+singlet", 1)])
def test_higgs_doublet_mass_mixing(higgs, charge):
    """The Z–Z′ mass mixing of the doublet models (a domain: no solution for m_Z′ > g v/2 with the doublet alone, or
    sin²β ≥ 1): −inf at the same points, APV's δ terms and the induced couplings with Q_Φ = ±1."""
    params = dict(WIDE)
    if higgs == "doublet+singlet":
        params["tan_theta"] = {"prior": "log-uniform", "min": 1e-2, "max": 1e2}
    numpy_post, fused_post = _card({"gminus2": {"dataset": "fnal2021-wp20"}, "trident": {"dataset": "ccfr"},
                                    "apv": {"dataset": "cadeddu2021"}}, {"higgs": higgs, "doublet_charge": charge},
                                   params)
    theta = numpy_post.prior_transform(RNG.random((4000, numpy_post.ndim)))
    theta = theta[theta[:, 0] < 1e3]
    out = np.empty(len(theta))
    n_outside = fused_post.fused(np.ascontiguousarray(theta), out)
    a = numpy_post.log_likelihood(theta)
    _close(a, out)
    assert n_outside == np.sum(np.isneginf(a)) > 100 and np.sum(np.isfinite(a)) > 1000


@pytest.mark.parametrize("model", [{}, {"higgs": "doublet"}, {"kinetic_mixing": "free"}])
def test_the_zprime_card(model):
    """examples/zprime.yaml — g−2, Borexino, trident, BaBar, NA62, APV — compiled whole: the same log L, through the
    fused loop (no fall-back), over its prior and a wider one; with the doublet (NA62's signal, the domain) and with ε
    sampled (BaBar's and NA62's branching ratios with a large Z′ → e⁺e⁻)."""
    raw = yaml.safe_load((EXAMPLES_DIR / "zprime.yaml").read_text())
    params = {**WIDE, "m_zp": {"prior": "log-uniform", "min": 1e-4, "max": 20.0}}
    if model.get("kinetic_mixing") == "free":
        params["eps"] = {"prior": "log-uniform", "min": 1e-6, "max": 1e-1}
    numpy_post, fused_post = _card(raw["likelihoods"], model, params)
    theta = numpy_post.prior_transform(RNG.random((4000, numpy_post.ndim)))
    out = np.empty(len(theta))
    n_outside = fused_post.fused(np.ascontiguousarray(theta), out)
    a = numpy_post.log_likelihood(theta)
    _close(a, out)
    assert n_outside == np.sum(np.isneginf(a)) and (n_outside > 100) == (model.get("higgs") == "doublet")
    assert np.sum(a[np.isfinite(a)] < -10) > 100
    card = load_card(EXAMPLES_DIR / "zprime.yaml")
    numpy_post, fused_post = Posterior(card), Posterior(dataclasses.replace(card, compiled=True))
    theta = numpy_post.prior_transform(RNG.random((2000, 2)))
    _close(numpy_post.log_likelihood(theta), fused_post.log_likelihood(theta))


@pytest.mark.parametrize("higgs", ["none", "doublet"])
def test_electron_g_minus_2(higgs):
    """electron_gm2 with ε sampled (vector coupling) and with the doublet's axial coupling (the axial loop function's
    Gauss–Legendre sum added as numpy adds it); beyond the loop-function table (m_Z′ ≳ 4.8 GeV) numpy's quadrature."""
    params = {**WIDE, "m_zp": {"prior": "log-uniform", "min": 1e-4, "max": 20.0},
              "eps": {"prior": "uniform", "min": -1e-2, "max": 1e-2}}
    for dataset in ("fan2023-rb", "fan2023-cs"):
        numpy_post, fused_post = _card({"electron_gm2": {"dataset": dataset}, "gminus2": {}},
                                       {"higgs": higgs, "kinetic_mixing": "free"}, params)
        theta = numpy_post.prior_transform(RNG.random((3000, numpy_post.ndim)))
        a, b = numpy_post.log_likelihood(theta), fused_post.log_likelihood(theta)
        _close(a, b)
        table = np.ascontiguousarray(theta[theta[:, 0] < 4.0])
        out = np.empty(len(table))
        assert fused_post.fused(table, out) >= 0  # compiled throughout, axial part included
        _close(numpy_post.log_likelihood(table), out)
        beyond = theta[(theta[:, 0] > 5.0) & np.isfinite(a)][:3]
        assert len(beyond) == 3 and fused_post.fused(np.ascontiguousarray(beyond), np.empty(3)) == -1
        assert np.sum(a[np.isfinite(a)] < -10) > 100


def _plugin_points(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(11)
    g = 10 ** rng.uniform(-6, 0, n)
    return {"m_zp": 10 ** rng.uniform(-5, 4, n), "g_zp": g, "delta_zzp": rng.normal(0, 1e-2, n),
            "eps": rng.normal(0, 1e-3, n), "trident_g2": g * g * rng.choice([-1.0, 1.0, 0.5, -2.0], n),
            "ga_e_direct": rng.normal(0, 1e-4, n), "gv_p_direct": rng.normal(0, 1e-4, n),
            "gv_n_direct": rng.normal(0, 1e-4, n)}


@pytest.mark.parametrize("name", ["trident", "apv"])
def test_the_inputs_of_other_charge_assignments(name):
    """A U(1)_X model's inputs: trident's h_νμ g_V^μ (either sign) and APV's direct couplings, the kernel against the
    plugin over 1e−5–1e4 GeV, point by point."""
    from globalfit.likelihood import get

    plugin = get(name)()
    optional = plugin.optional
    kernel = plugin.kernel(optional)
    q = _plugin_points(3000)
    numpy_ll = plugin.loglike(q)
    compiled_ll = kernel_values(kernel, q)
    _close(numpy_ll, compiled_ll)
    assert np.ptp(numpy_ll[np.isfinite(numpy_ll)]) > 10
