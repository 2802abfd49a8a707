"""The borexino plugin's compiled kernels (likelihoods/borexino/kernel.py) against its numpy log L (method "table")."""
from __future__ import annotations

import importlib
import itertools
import math
import zlib

import numpy as np
import pytest

pytest.importorskip("numba")

from likelihoods.borexino.likelihood import NUFIT53_NO, Borexino  # noqa: E402

OSC = Borexino.oscillation
H = ("h_numu", "h_nutau")
E_EM, LOOP = 0.3028, 69.3  # e and the loop-mixing ratio g/ε of the L_μ − L_τ model
N = 3000


def _func(kernel):
    module, name = kernel.func.split(":")
    return getattr(importlib.import_module(module), name)


def _points(rng: np.random.Generator, optional: tuple[str, ...], n: int = N) -> dict[str, np.ndarray]:
    """n points: m_zp log-uniform 1e−4 … 10 GeV, g 1e−6 … 0.1; the first half with the loop-mixing couplings
    (gv_e = −εe, ga_e = g_nue = 0), the second with generic ones (Higgs-doublet-like mixing); NuFIT-like
    oscillation parameters; h_numu, h_nutau near ±g + 2g_ν."""
    g = 10.0 ** rng.uniform(-6.0, -1.0, n)
    q = {"m_zp": 10.0 ** rng.uniform(-4.0, 1.0, n), "g_zp": g, "gv_e": -(g / LOOP) * E_EM,
         "ga_e": np.zeros(n), "g_nue": np.zeros(n)}
    half = slice(n // 2, None)
    k = n - n // 2
    for name in ("gv_e", "ga_e", "g_nue"):
        q[name][half] = rng.choice([-1.0, 1.0], k) * g[half] * 10.0 ** rng.uniform(-4.0, 0.0, k)
    ranges = {"s12sq": (0.27, 0.35), "s13sq": (0.020, 0.024), "s23sq": (0.40, 0.62), "delta_cp": (0.0, 2 * math.pi),
              "dm21sq": (6.8e-5, 8.0e-5)}
    for name in optional:
        if name in ranges:
            q[name] = rng.uniform(*ranges[name], n)
    if "h_numu" in optional:
        q["h_numu"] = (g + 2 * q["g_nue"]) * rng.uniform(0.5, 1.5, n)
        q["h_nutau"] = (-g + 2 * q["g_nue"]) * rng.uniform(-1.5, 1.5, n)
    return q


def _invalid(q: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A copy of q with a few points outside the plugin's domain at the start (NaN/±inf inputs, m_zp ≤ 0, mixing
    outside [0, 1], Δm²21 ≤ 0)."""
    q = {k: v.copy() for k, v in q.items()}
    bad = [("m_zp", math.nan), ("m_zp", 0.0), ("m_zp", -1e-2), ("m_zp", math.inf), ("g_zp", math.nan),
           ("g_zp", -math.inf), ("gv_e", math.nan), ("ga_e", math.inf), ("g_nue", math.nan),
           ("s12sq", 1.2), ("s12sq", -0.1), ("s13sq", math.nan), ("s23sq", 1.0001), ("delta_cp", math.inf),
           ("dm21sq", 0.0), ("dm21sq", -7e-5), ("h_numu", math.nan), ("h_nutau", -math.inf)]
    for j, (name, v) in enumerate(b for b in bad if b[0] in q):
        q[name][j] = v
    return q


def _compare(plugin: Borexino, optional: tuple[str, ...], q: dict[str, np.ndarray]) -> np.ndarray:
    """Kernel vs numpy at every point of q (same −inf, |Δ| ≤ 1e−13 max(1, |ll|)); returns numpy's ll."""
    kernel = plugin.kernel(optional)
    assert kernel is not None and kernel.reads == plugin.requires + optional
    f = _func(kernel)
    ll = plugin.loglike(q)
    cols = [q[name] for name in kernel.reads]
    got = np.array([f(*(c[j] for c in cols), kernel.data) for j in range(len(ll))])
    np.testing.assert_array_equal(np.isneginf(got), np.isneginf(ll))
    fin = np.isfinite(ll)
    assert np.isfinite(got[fin]).all()
    err = np.abs(got[fin] - ll[fin]) / np.maximum(1.0, np.abs(ll[fin]))
    assert err.max() <= 1e-13, (kernel.func, err.max())
    return ll


@pytest.mark.parametrize("dataset, couplings, ssm, optional", [
    (d, c, s, o) for d, c, s, o in itertools.product(("phase2-2017", "phase1-2011"), ("bks95", "tree"),
                                                     ("high-z", "low-z"), ((), OSC))])
def test_kernel_equals_numpy(dataset, couplings, ssm, optional):
    plugin = Borexino(dataset, ssm=ssm, couplings=couplings)
    rng = np.random.default_rng(zlib.crc32(repr((dataset, couplings, ssm, optional)).encode()))
    q = _points(rng, optional)
    ll = _compare(plugin, optional, q)
    assert np.isfinite(ll).all() and (ll < -5).sum() > 100 and (ll > -1).sum() > 100
    ll = _compare(plugin, optional, _invalid(q))
    assert np.isneginf(ll).sum() >= 9


@pytest.mark.parametrize("optional", [H, OSC + H])
def test_model_neutrino_couplings(optional):
    plugin = Borexino()
    q = _points(np.random.default_rng(7), optional, 1000)
    ll = _compare(plugin, optional, _invalid(q))
    assert (ll < -5).sum() > 50


def test_outside_the_recoil_table_gives_nan():
    """Below 1e−9 and above 1e4 GeV numpy integrates directly; the kernel returns NaN (the batch goes to numpy)."""
    plugin = Borexino()
    kernel = plugin.kernel()
    f = _func(kernel)
    for m in (1e-10, 1e-9 * 0.999, 1e4 * 1.001, 1e5):
        assert math.isnan(f(m, 1e-3, -1e-3 / LOOP * E_EM, 0.0, 0.0, kernel.data))
    for m in (1e-9 * 1.0001, 1e4 * 0.9999):  # the table's ends
        q = {"m_zp": np.array([m]), "g_zp": np.array([1e-3]), "gv_e": np.array([-1e-3 / LOOP * E_EM]),
             "ga_e": np.zeros(1), "g_nue": np.zeros(1)}
        ll = plugin.loglike(q)[0]
        assert abs(f(m, 1e-3, -1e-3 / LOOP * E_EM, 0.0, 0.0, kernel.data) - ll) <= 1e-13 * max(1.0, abs(ll))


def test_kernel_options_and_data():
    plugin = Borexino()
    assert plugin.kernel(OSC[:3]) is None and plugin.kernel(("h_numu",)) is None
    assert plugin.kernel().func.endswith(":loglike") and plugin.kernel(OSC + H).func.endswith(":loglike_osc_h")
    assert plugin.kernel(H).reads == plugin.requires + H
    for optional in ((), OSC):
        for arr in plugin.kernel(optional).data:
            assert arr.dtype == np.float64 and arr.flags.c_contiguous
    # the fixed oscillation point is NuFIT 5.3 NO: the kernel with it sampled at those values agrees
    f, g = _func(plugin.kernel()), _func(plugin.kernel(OSC))
    args = (0.02, 3e-4, -3e-4 / LOOP * E_EM, 0.0, 0.0)
    osc = tuple(NUFIT53_NO[k] for k in OSC)
    assert abs(f(*args, plugin.kernel().data) - g(*args, *osc, plugin.kernel(OSC).data)) < 1e-13
