"""The compiled kernels of the displaced beam dumps e137, e141, orsay (likelihoods/e137/kernel.py) and nucal
(likelihoods/nucal/kernel.py, both on globalfit/physics/beam_dump_kernels.py) against the plugins' numpy loglike: every
plugin × dataset × limit_shape (× nucal channel) over random points with the couplings of kinetic mixing (ε of either
sign, sometimes an axial electron coupling), masses 1e-4 … 2 GeV beyond the bands, and a few invalid points: 1e-13
relative, −inf at the same points. And the kinetic-mixing card with these plugins, compiled whole.

The recast is ill-conditioned in the decay window: X ∝ e^{−x} with x ∝ u (beam_dump.solve_t0), so numpy's and the C
library's last-bit differences in u reach ln L amplified by x (≈ 1e-13 relative at x ≈ 30 over 1e5 points; this
test's points stay below 3e-14)."""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

pytest.importorskip("numba")

from kernel_checks import BAD, with_invalid  # noqa: E402

from globalfit.card import load_card  # noqa: E402
from globalfit.compiled import kernel_values  # noqa: E402
from globalfit.posterior import Posterior  # noqa: E402
from likelihoods.e137 import E137  # noqa: E402
from likelihoods.e141 import E141  # noqa: E402
from likelihoods.nucal import NuCal  # noqa: E402
from likelihoods.orsay import Orsay  # noqa: E402

N = 3000
E_CHARGE = 0.30282212  # √(4πα)
TOL = 1e-13
SHAPES = ("poisson", "half-gaussian")
EXAMPLES_DIR = Path(__file__).parents[1] / "examples"


def _points(seed: int) -> dict[str, np.ndarray]:
    """Kinetic mixing: gv_e = −εe (ε of either sign up to 1e-2), gv_u = −⅔gv_e, gv_d = ⅓gv_e; ga_e ≠ 0 on a fifth."""
    rng = np.random.default_rng(seed)
    m = 10.0 ** rng.uniform(-4.0, math.log10(2.0), N)
    g = 10.0 ** rng.uniform(-8.0, -2.0, N)
    eps = 10.0 ** rng.uniform(-9.0, -2.0, N) * rng.choice([-1.0, 1.0], N)
    gv_e = -eps * E_CHARGE
    ga_e = np.where(rng.random(N) < 0.2, gv_e * rng.normal(size=N), 0.0)
    return {"m_zp": m, "g_zp": g, "gv_e": gv_e, "ga_e": ga_e, "g_nue": 1e-3 * g * rng.normal(size=N),
            "gv_u": -2.0 / 3.0 * gv_e, "gv_d": 1.0 / 3.0 * gv_e}


def _with_invalid(q: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """with_invalid, and one point with every coupling zero (a stable Z′)."""
    q = with_invalid(q)
    i = 100 + 7 * sum(len(BAD.get(k, [])) for k in q)
    q["g_zp"][i], q["gv_e"][i], q["ga_e"][i], q["g_nue"][i], q["gv_u"][i], q["gv_d"][i] = (0.0,) * 6  # stable Z′
    return q


def _compare(plugin, q) -> None:
    kernel = plugin.kernel()
    assert kernel.reads == plugin.requires
    ref = plugin.loglike(q)
    got = kernel_values(kernel, q)
    assert np.array_equal(np.isneginf(ref), np.isneginf(got)) and np.sum(np.isneginf(ref)) == 12
    assert np.all(np.isfinite(ref) | np.isneginf(ref)) and np.all(np.isfinite(got) | np.isneginf(got))
    fin = np.isfinite(ref)
    rel = np.abs(got[fin] - ref[fin]) / np.maximum(1.0, np.abs(ref[fin]))
    assert rel.max() <= TOL, (plugin.describe_choice(), rel.max())
    assert np.array_equal(got[fin] == 0.0, ref[fin] == 0.0) and not np.any(np.signbit(got[fin]) & (got[fin] == 0.0))
    assert np.sum(ref[fin] < -1.0) >= 50 and np.sum(ref[fin] == 0.0) >= 50


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("plugin,dataset", [(E137, "andreas2012"), (E137, "bjorken2009"), (E141, "riordan1987"),
                                            (Orsay, "davier1989")])
def test_electron_beam_dump_kernels(plugin, dataset, shape):
    _compare(plugin(dataset, limit_shape=shape), _with_invalid(_points(1)))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("channels", ["union", "pbrem", "pi0"])
def test_nucal_kernel(channels, shape):
    _compare(NuCal("blumlein2013", limit_shape=shape, channels=channels), _with_invalid(_points(2)))


def test_the_kinetic_mixing_card_with_the_beam_dumps():
    """examples/kinetic-mixing.yaml with g−2 and the four beam dumps only: the same log L through the fused loop."""
    raw = yaml.safe_load((EXAMPLES_DIR / "kinetic-mixing.yaml").read_text())
    raw["likelihoods"] = {k: raw["likelihoods"][k] for k in ("gminus2", "e137", "e141", "orsay", "nucal")}
    card = load_card(raw)
    numpy_post, fused_post = Posterior(card), Posterior(dataclasses.replace(card, compiled=True))
    theta = numpy_post.prior_transform(np.random.default_rng(5).random((2000, numpy_post.ndim)))
    out = np.empty(len(theta))
    assert fused_post.fused(np.ascontiguousarray(theta), out) == 0  # compiled throughout, no fall-back
    a, b = numpy_post.log_likelihood(theta), fused_post.log_likelihood(theta)
    assert np.array_equal(out, b) and np.all(np.isfinite(a))
    assert np.all(np.abs(b - a) <= TOL * np.maximum(np.abs(a), 1.0))
    assert np.sum(a < -1e3) > 100
