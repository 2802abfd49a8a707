"""The compiled kernels of the babar and na62 plugins (likelihoods/{babar,na62}/kernel.py,
globalfit/physics/zprime_kernels.py) against the plugins' numpy loglike: every option combination, with and without
the induced couplings, over random points spanning the curves' mass ranges and beyond (1e-4 … 20 GeV), the Higgs
sector of the doublet model (δ = tanβ, m_H± incl. the X₁ zero near 570 GeV and the removable poles at m_t, m_W) and
a few invalid points: 1e-13 relative, −inf at the same points.

Near the removable poles of the loop functions (m_H±² within 1% of m_t² or m_W², outside kaon._smooth's 0.1% window)
numpy's formula amplifies the last-bit difference of log (numpy's vectorized vs the C library's) up to ≈ 1000×: there
the agreement is 1e-13 in BR(K⁺→π⁺Z′) and the test allows 5e-13 in ln L (the half-Gaussian ln L ∝ BR² doubles it)."""
import math

import numpy as np
import pytest

pytest.importorskip("numba")

from kernel_checks import with_invalid  # noqa: E402

from globalfit.compiled import kernel_values  # noqa: E402
from likelihoods.babar import BaBar4Mu  # noqa: E402
from likelihoods.na62 import NA62  # noqa: E402

N = 5000
E_CHARGE = 0.30282212  # √(4πα)
INDUCED = ("gv_e", "ga_e", "g_nue", "gv_u", "gv_d")
TOL = 1e-13
TOL_NEAR_POLE = 5e-13


def _points(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    m = 10.0 ** rng.uniform(-4.0, math.log10(20.0), N)
    m[: N // 4] = 10.0 ** rng.uniform(-4.0, math.log10(0.36), N // 4)  # dense where NA62's curve is
    g = 10.0 ** rng.uniform(-6.0, 0.0, N)
    tb = np.where(rng.random(N) < 0.15, 0.0, 10.0 ** rng.uniform(-3.0, 0.0, N))
    delta = np.where(rng.random(N) < 0.8, tb, rng.normal(0.0, 0.1, N))  # δ = tanβ in the doublet model
    mh = rng.uniform(100.0, 1000.0, N)
    mh[:40] = 570.0 + rng.normal(0.0, 5.0, 40)  # X₁ ≈ 0
    mh[40:60] = 172.5 * (1.0 + rng.uniform(-1.5e-3, 1.5e-3, 20))  # kaon._smooth windows
    mh[60:70] = 80.37 * (1.0 + rng.uniform(-1.5e-3, 1.5e-3, 10))
    mh[70:90] = 162.5 * (1.0 + rng.uniform(-1.5e-3, 1.5e-3, 20))  # m_t(m_t), top_mass: msbar
    eps = g / 69.3 * np.where(rng.random(N) < 0.7, 1.0, 10.0 ** rng.uniform(0.0, 3.0, N))  # loop ε, and larger
    ee = eps * E_CHARGE
    q = {"m_zp": m, "g_zp": g, "delta_zzp": delta, "tan_beta": tb, "m_hpm": mh,
         "gv_e": -ee * (1.0 + 0.1 * rng.normal(size=N)), "ga_e": ee * tb * rng.normal(size=N),
         "g_nue": ee * tb * rng.normal(size=N), "gv_u": 2.0 / 3.0 * ee, "gv_d": -1.0 / 3.0 * ee}
    return q


def _tolerance(plugin, q) -> np.ndarray:
    """TOL, or TOL_NEAR_POLE where m_H±² is within 1% of m_t² or m_W² (na62; see the module docstring)."""
    if "m_hpm" not in plugin.requires:
        return np.full(len(q["m_zp"]), TOL)
    a = np.asarray(q["m_hpm"], dtype=float) ** 2
    near = (np.abs(a / plugin.m_t**2 - 1.0) < 1e-2) | (np.abs(a / 80.37**2 - 1.0) < 1e-2)
    return np.where(near, TOL_NEAR_POLE, TOL)


def _compare(plugin, optional: tuple[str, ...], q) -> None:
    """Kernel vs numpy over the batch q: valid points only (numpy's all-valid path) and with invalid ones (its masked
    path)."""
    kernel = plugin.kernel(optional)
    assert kernel is not None
    base = {k: q[k] for k in (*plugin.requires, *optional)}
    for batch in (base, with_invalid(base, tuple(base))):
        ref = plugin.loglike(batch)
        got = kernel_values(kernel, batch)
        assert np.array_equal(np.isneginf(ref), np.isneginf(got))
        assert np.all(np.isfinite(ref) | np.isneginf(ref)) and np.all(np.isfinite(got) | np.isneginf(got))
        fin = np.isfinite(ref)
        rel = np.abs(got[fin] - ref[fin]) / np.maximum(1.0, np.abs(ref[fin]))
        tol = _tolerance(plugin, batch)[fin]
        assert np.all(rel <= tol), (plugin.describe_choice(), optional, rel.max())
        assert not np.any(np.signbit(got[fin]) & (got[fin] == 0.0))  # +0.0 where there is no limit
        assert np.sum(ref[fin] < -1.0) >= 10  # not trivially zero


@pytest.mark.parametrize("shape", ["poisson", "half-gaussian"])
@pytest.mark.parametrize("optional", [(), INDUCED])
def test_babar_kernel_matches_numpy(shape, optional):
    plugin = BaBar4Mu(limit_shape=shape)
    _compare(plugin, optional, _points(1))


@pytest.mark.parametrize("shape", ["poisson", "half-gaussian"])
def test_babar_kernel_g2_mu(shape):
    """A model with other charges (u1x) provides g2_mu and br_mumu."""
    plugin = BaBar4Mu(limit_shape=shape)
    q = _points(2)
    rng = np.random.default_rng(3)
    q["g2_mu"] = q["g_zp"] ** 2 * rng.uniform(0.5, 2.0, N)
    q["br_mumu"] = rng.uniform(0.0, 1.0, N)
    _compare(plugin, ("g2_mu", "br_mumu"), q)


@pytest.mark.parametrize("dataset", ["na62-2025", "na62-2021"])
@pytest.mark.parametrize("shape", ["poisson", "half-gaussian"])
@pytest.mark.parametrize("top_mass", ["pole", "msbar"])
@pytest.mark.parametrize("optional", [(), INDUCED])
def test_na62_kernel_matches_numpy(dataset, shape, top_mass, optional):
    plugin = NA62(dataset, limit_shape=shape, top_mass=top_mass)
    _compare(plugin, optional, _points(4))


def test_kernel_reads():
    babar, na62 = BaBar4Mu(), NA62()
    assert babar.kernel().reads == ("m_zp", "g_zp")
    assert babar.kernel(INDUCED).reads == ("m_zp", "g_zp", *INDUCED)
    assert babar.kernel(("gv_e",)).func.endswith(":loglike")  # numpy too uses g² unless all are provided
    assert na62.kernel(INDUCED).reads == (*NA62.requires, *INDUCED)
    assert na62.kernel().reads == NA62.requires
