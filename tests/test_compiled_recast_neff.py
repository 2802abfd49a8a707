"""The compiled kernels of the recast-curve plugins (likelihoods/_recast_kernel.py: belle2_invisible, na64e, cms_4mu)
and of neff (likelihoods/neff/kernel.py) against the plugins' numpy loglike: every dataset and option over random
points (m_Z′ 1e-4 … 20 GeV, g 1e-8 … 1 and, for neff's thermalisation threshold, down to 1e-12; kinetic-mixing
couplings of either sign) and a few invalid ones: 1e-13 relative, −inf at the same points; and a kinetic-mixing card
with these plugins, numpy against `compiled: true`."""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

pytest.importorskip("numba")

from kernel_checks import with_invalid  # noqa: E402

from globalfit.card import load_card  # noqa: E402
from globalfit.compiled import kernel_values  # noqa: E402
from globalfit.posterior import Posterior  # noqa: E402
from likelihoods.belle2_invisible import Belle2Invisible  # noqa: E402
from likelihoods.cms_4mu import CMS4Mu  # noqa: E402
from likelihoods.na64e import NA64e  # noqa: E402
from likelihoods.neff import NeffZprime  # noqa: E402

N = 3000
E_CHARGE = 0.30282212
TOL = 1e-13
SHAPES = ("poisson", "half-gaussian")
NEFF_DATASETS = ("act-dr6", "act-dr6-bbn", "planck2018", "fields2020")
EXAMPLES_DIR = Path(__file__).parents[1] / "examples"


def _points(seed: int, g_min: float = 1e-8) -> dict[str, np.ndarray]:
    """Kinetic mixing: gv_e = −εe, gv_u = −⅔gv_e, gv_d = ⅓gv_e, ga_e mostly 0, small g_nue."""
    rng = np.random.default_rng(seed)
    m = 10.0 ** rng.uniform(-4.0, math.log10(20.0), N)
    g = 10.0 ** rng.uniform(math.log10(g_min), 0.0, N)
    eps = rng.uniform(-1e-2, 1e-2, N) * 10.0 ** rng.uniform(-4.0, 0.0, N)
    gv_e = -eps * E_CHARGE
    ga_e = np.where(rng.random(N) < 0.9, 0.0, gv_e * rng.normal(size=N))
    g_nue = np.where(rng.random(N) < 0.7, 0.0, 1e-2 * gv_e * rng.normal(size=N))
    return {"m_zp": m, "g_zp": g, "gv_e": gv_e, "ga_e": ga_e, "g_nue": g_nue, "gv_u": -2.0 / 3.0 * gv_e,
            "gv_d": 1.0 / 3.0 * gv_e}


def _compare(plugin, q, min_below: int = 10) -> None:
    """Kernel vs numpy over q, with and without invalid points."""
    kernel = plugin.kernel(())
    reads = kernel.reads or plugin.requires
    base = {k: q[k] for k in reads}
    for batch in (base, with_invalid(base)):
        ref = plugin.loglike(batch)
        got = kernel_values(kernel, batch, reads)
        assert np.array_equal(np.isneginf(ref), np.isneginf(got))
        assert np.all(np.isfinite(got) | np.isneginf(got))
        fin = np.isfinite(ref)
        rel = np.abs(got[fin] - ref[fin]) / np.maximum(1.0, np.abs(ref[fin]))
        assert np.all(rel <= TOL), (plugin.describe_choice(), rel.max())
        assert not np.any(np.signbit(got[fin]) & (got[fin] == 0.0) & ~np.signbit(ref[fin]))
        assert np.sum(ref[fin] < -1.0) >= min_below  # not trivially zero


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("cls", [Belle2Invisible, NA64e, CMS4Mu])
def test_recast_kernels_match_numpy(cls, shape):
    q = _points(1)
    if cls is CMS4Mu:  # its curve starts at 5 GeV: a third of the points there
        q["m_zp"][: N // 3] = 10.0 ** np.random.default_rng(2).uniform(math.log10(5.0), math.log10(75.0), N // 3)
    _compare(cls(limit_shape=shape), q)


@pytest.mark.parametrize("dataset", NEFF_DATASETS)
@pytest.mark.parametrize("thermalised", ["coupling-threshold", "assume"])
@pytest.mark.parametrize("neutrinos", ["common", "split"])
def test_neff_kernel_matches_numpy(dataset, thermalised, neutrinos):
    plugin = NeffZprime(dataset, thermalised=thermalised, neutrinos=neutrinos)
    q = _points(3, g_min=1e-12)  # below and above the thermalisation coupling (≈ 1e-10)
    q["m_zp"][: N // 2] = 10.0 ** np.random.default_rng(4).uniform(-6.0, -0.5, N // 2)  # the table's range
    d = plugin.delta_neff(q["m_zp"], q["g_zp"])
    below = np.sum((d == 0.0) & (q["m_zp"] < 1e-2))  # under the thermalisation coupling
    assert np.sum(d > 0.1) > 100 and (below > 100 if thermalised == "coupling-threshold" else below == 0)
    _compare(plugin, q, min_below=1 if dataset == "planck2018" else 10)


def test_kernel_reads():
    assert Belle2Invisible().kernel().func == "likelihoods._recast_kernel:belle2_invisible"
    assert NeffZprime(thermalised="assume").kernel().func.endswith(":loglike_assume")
    assert CMS4Mu().kernel().data[-1] == 1.0 / 3.0 and math.isnan(Belle2Invisible().kernel().data[-1])


def test_kinetic_mixing_card():
    """examples/kinetic-mixing.yaml's parameters (m_Z′ up to 20 GeV for CMS) with g−2, NA64e, Belle II, CMS, N_eff:
    numpy against the compiled loop over 2000 prior points."""
    raw = yaml.safe_load((EXAMPLES_DIR / "kinetic-mixing.yaml").read_text())
    raw["likelihoods"] = {"gminus2": {"dataset": "fnal2021-wp20"}, "na64e": {"dataset": "na64-2019"},
                          "belle2_invisible": {"dataset": "belle2-2019"}, "cms_4mu": {"dataset": "cms-2018"},
                          "neff": {"dataset": "planck2018"}}
    raw["params"]["m_zp"]["max"] = 20.0
    card = load_card(raw)
    numpy_post, fused_post = Posterior(card), Posterior(dataclasses.replace(card, compiled=True))
    theta = numpy_post.prior_transform(np.random.default_rng(5).random((2000, numpy_post.ndim)))
    out = np.empty(len(theta))
    assert fused_post.fused(np.ascontiguousarray(theta), out) == 0  # compiled throughout, no numpy fall-back
    a, b = numpy_post.log_likelihood(theta), fused_post.log_likelihood(theta)
    fin = np.isfinite(a)
    assert np.array_equal(fin, np.isfinite(b)) and fin.all()
    assert np.all(np.abs(b - a) <= TOL * np.maximum(np.abs(a), 1.0))
    assert np.array_equal(out, b)
    assert a.min() < -10.0
