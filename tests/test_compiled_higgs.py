"""The compiled kernels of the doublet model's Higgs-sector plugins (likelihoods/{bphysics,higgs_potential,
oblique}/kernel.py, globalfit/physics/higgs_kernels.py) against the plugins' numpy loglike: every option, over random
points of the doublet model (tanβ 1e-3 … 3 and 0, δ = tanβ mostly, masses 50 … 1500 GeV incl. near-degenerate ones
and the removable poles of the B-physics loop functions at m_t, m_W) and invalid points: 1e-13 relative (larger next
to the poles and for oblique's S, where numpy's formulas amplify last-bit differences of log), −inf at the same
points; and the fused posterior of examples/doublet-higgs.yaml against numpy's."""
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba")

from kernel_checks import with_invalid  # noqa: E402

from globalfit.card import load_card  # noqa: E402
from globalfit.compiled import kernel_values  # noqa: E402
from globalfit.posterior import Posterior  # noqa: E402
from likelihoods.bphysics import OBSERVABLES, BPhysics  # noqa: E402
from likelihoods.higgs_potential import UNITARITY, HiggsPotential  # noqa: E402
from likelihoods.oblique import Oblique  # noqa: E402

N = 3000
TOL = 1e-13
#: oblique's S: heavy near-degenerate scalars (m ≈ 1.3 TeV) cancel ≈ 1e3 between the x ln x terms of the B̃₂₂
#: quadrature and between the B̃₂₂'s, and numpy's vectorized log differs from the C library's in the last bit: up to
#: 2.8e-13 measured
TOL_S = 5e-13
M_T, M_W = 162.5, 80.37


def _points(seed: int, n: int = N) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    tb = np.where(rng.random(n) < 0.1, 0.0, 10.0 ** rng.uniform(-3.0, math.log10(3.0), n))
    delta = np.where(rng.random(n) < 0.8, tb, tb * rng.uniform(0.0, 1.2, n))
    masses = {k: rng.uniform(50.0, 1500.0, n) for k in ("m_hpm", "m_h2", "m_a")}
    near = rng.random(n) < 0.3  # near-degenerate spectra
    masses["m_h2"][near] = masses["m_hpm"][near] * (1.0 + rng.normal(0.0, 1e-3, near.sum()))
    masses["m_a"][near] = masses["m_hpm"][near] * (1.0 + rng.normal(0.0, 1e-3, near.sum()))
    light = rng.random(n) < 0.3  # where unitarity allows the doublet: m ≲ 712 GeV sinβ
    for k in masses:
        masses[k][light] *= 0.05 + tb[light]
    mc = masses["m_hpm"]
    mc[:20] = M_T * (1.0 + rng.uniform(-1.5e-3, 1.5e-3, 20))  # the bridges of higgs_sector._bridge
    mc[20:40] = M_W * (1.0 + rng.uniform(-1.5e-3, 1.5e-3, 20))
    m_zp = 10.0 ** rng.uniform(-3.0, math.log10(0.2), n)
    g = 10.0 ** rng.uniform(-4.0, -2.0, n)
    sb2 = tb * tb / (1.0 + tb * tb)
    eps_z = 2.0 * g * sb2 / 0.7434  # 2 g sin²β / g_Z
    return {"tan_beta": tb, "delta_zzp": delta, "m_zp": m_zp, "eps_z": eps_z, **masses}


def _pole_tolerance(mc: np.ndarray) -> np.ndarray:
    """The relative tolerance per point: TOL, or 2e-15/d³ at a relative distance d of m_H±² from the removable poles
    m_t², m_W² of the loop functions (outside the ±1e-3 bridges numpy's formulas cancel terms ∝ 1/d³, and the last-bit
    differences of log and pow (numpy's vectorized ones vs the C library's) grow with them: measured ≤ 6e-16/d³)."""
    a = mc * mc
    d = np.minimum(np.abs(a / M_T**2 - 1.0), np.abs(a / M_W**2 - 1.0))
    with np.errstate(all="ignore"):
        return np.maximum(TOL, np.nan_to_num(2e-15 / d**3, nan=TOL))


def _compare(plugin, q, tol=TOL) -> np.ndarray:
    want = plugin.loglike(q)
    k = plugin.kernel(())
    assert k is not None
    got = kernel_values(k, q, plugin.requires)
    np.testing.assert_array_equal(np.isneginf(got), np.isneginf(want))
    assert np.all(np.isfinite(got) | np.isneginf(got))
    f = np.isfinite(want)
    rel = np.abs(got[f] - want[f]) / np.maximum(1.0, np.abs(want[f]))
    tol = np.broadcast_to(tol, want.shape)[f]
    assert np.all(rel <= tol), (rel / tol).max()
    np.testing.assert_array_equal(np.signbit(got[want == 0.0]), np.signbit(want[want == 0.0]))  # numpy's ±0
    return want


@pytest.mark.parametrize("observables", OBSERVABLES)
def test_bphysics_kernel(observables):
    q = with_invalid(_points(1), BPhysics.requires)
    want = _compare(BPhysics(observables=observables), q, _pole_tolerance(q["m_hpm"]))
    assert np.isneginf(want).sum() >= 6
    assert np.sum(want < -1.0) > 50 and np.sum(np.isfinite(want) & (want > -1.0)) > 50


@pytest.mark.parametrize("unitarity", UNITARITY)
@pytest.mark.parametrize("bfb", [True, False])
@pytest.mark.parametrize("h_mixing", ["none", "alignment"])
def test_higgs_potential_kernel(unitarity, bfb, h_mixing):
    q = with_invalid(_points(2), HiggsPotential.requires)
    want = _compare(HiggsPotential(unitarity=unitarity, bfb=bfb, h_mixing=h_mixing), q)
    assert np.isneginf(want).sum() >= 13
    if unitarity != "off" or bfb:
        assert np.sum(want == 0.0) > 100 and np.sum(np.isneginf(want)) > 100


@pytest.mark.parametrize("observables", ["S+T", "T"])
@pytest.mark.parametrize("contributions", ["tree+loop", "tree", "loop"])
@pytest.mark.parametrize("h_mixing", ["none", "alignment"])
def test_oblique_kernel(observables, contributions, h_mixing):
    q = with_invalid(_points(3), Oblique.requires)
    want = _compare(Oblique(observables=observables, contributions=contributions, h_mixing=h_mixing), q, TOL_S)
    assert np.isneginf(want).sum() >= 17
    if contributions != "tree":
        assert np.sum(want < -1.0) > 50 and np.sum(np.isfinite(want) & (want > -1.0)) > 50


def test_doublet_higgs_card_fused():
    """examples/doublet-higgs.yaml (na62, apv, oblique, bphysics, higgs_potential): the fused loop covers the card
    (no fall-back to numpy) and gives numpy's log L to rounding over 2000 prior points."""
    card = load_card(Path(__file__).parents[1] / "examples" / "doublet-higgs.yaml")
    numpy_post, fused_post = Posterior(card), Posterior(dataclasses.replace(card, compiled=True))
    theta = numpy_post.prior_transform(np.random.default_rng(20261206).random((2000, numpy_post.ndim)))
    out = np.empty(len(theta))
    assert fused_post.fused(np.ascontiguousarray(theta), out) >= 0  # no fall-back (the count: outside the domain)
    a, b = numpy_post.log_likelihood(theta), fused_post.log_likelihood(theta)
    fin = np.isfinite(a)
    assert np.array_equal(fin, np.isfinite(b)) and np.array_equal(a[~fin], b[~fin])
    assert np.sum(fin) > 20 and np.sum(a[fin] < np.max(a[fin]) - 1.0) > 5  # most points: −inf (unitarity)
    tol = np.maximum(_pole_tolerance(theta[:, list(numpy_post.names).index("m_hpm")]), TOL_S)
    rel = np.abs(b[fin] - a[fin]) / np.maximum(np.abs(a[fin]), 1.0)
    assert np.all(rel <= tol[fin]), (rel / tol[fin]).max()
    np.testing.assert_array_equal(out, b)
