"""Electron g−2 (likelihoods/electron_gm2): the loop functions against adaptive quadrature and their limits, the
datasets' Δa_e against the published numbers, and the plugin."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.integrate import IntegrationWarning, quad

from globalfit import likelihood as registry
from globalfit.errors import DataError
from globalfit.physics import electron_gm2, zprime
from globalfit.physics.constants import ALPHA_0, E_CHARGE, M_E


def _quad(f, r):
    pts = [min(math.sqrt(r), 0.5)] if r < 1 else [max(1 - 1 / r, 0.5)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)  # roundoff at 1e−12 requested: the answer is still good
        return quad(f, 0, 1, points=pts, epsabs=0, epsrel=1e-12, limit=400)[0]


@pytest.mark.parametrize("r", [1e-8, 1e-4, 1e-2, 0.3, 1.0, 10.0, 1e3, 1e6, 3.8e10])
def test_loop_functions_against_quadrature(r):
    fv = _quad(lambda x: 2 * x * x * (1 - x) / (x * x + r * (1 - x)), r)
    fa = _quad(lambda x: (2 * x * (1 - x) * (4 - x) + 4 * x**3 / r) / (x * x + r * (1 - x)), r)
    assert float(electron_gm2.vector_loop(r)) == pytest.approx(fv, rel=1e-8)
    assert float(electron_gm2.axial_loop(r)) == pytest.approx(fa, rel=1e-8)


def test_limits():
    assert float(electron_gm2.axial_loop(1e12)) * 1e12 == pytest.approx(10 / 3, rel=1e-6)  # heavy: −5g_A²m²/(12π²M²)
    assert float(electron_gm2.axial_loop(1e-12)) * 1e-12 == pytest.approx(2.0, rel=1e-5)  # light: −g_A²m²/(4π²M²)
    assert float(electron_gm2.vector_loop(1e-12)) == pytest.approx(1.0, rel=1e-5)
    # a heavy boson: Δa = (g_V² − 5g_A²) m_e²/(12π² M²)
    m = 100.0
    assert float(electron_gm2.delta_a_e(m, 1e-2, 1e-2)) == pytest.approx(
        (1e-4 - 5e-4) * M_E**2 / (12 * math.pi**2 * m**2), rel=1e-6)
    # a light dark photon: Δa_e = αε²/(2π)
    eps = 1e-3
    assert float(electron_gm2.delta_a_e(1e-9, -eps * E_CHARGE)) == pytest.approx(ALPHA_0 * eps**2 / (2 * math.pi),
                                                                                rel=1e-4)
    # the muon's loop function is the same with m_μ: delta_a_lepton reproduces zprime.delta_a_mu
    from globalfit.physics.constants import M_MU
    assert float(electron_gm2.delta_a_lepton(0.05, 5e-4, 0.0, M_MU)) == pytest.approx(
        float(zprime.delta_a_mu(0.05, 5e-4)), rel=1e-12)


# ------------------------------------------------------------------------------------------------- data
#: da_e/d(α⁻¹) = −α² da_e/dα from a_e = Σ A_n (α/π)^n with A1 = ½ (Schwinger), A2 = −0.328478965579 (Petermann;
#: Sommerfield), A3 = 1.181241456 (Laporta, Remiddi); higher orders change it by < 1e−6 relative
A = (0.5, -0.328478965579, 1.181241456)


def _d_ae_d_alpha_inverse(alpha_inv: float) -> float:
    a = 1 / alpha_inv
    x = a / math.pi
    da = sum((n + 1) * c * x**n for n, c in enumerate(A)) / math.pi
    return -a * a * da


def test_datasets_match_the_published_numbers():
    """Fan et al. 2023: a_e = 1 159 652 180.59(13) × 10⁻¹²; Aoyama–Kinoshita–Nio 2019 with α(Cs) (Parker et al.
    2018, α⁻¹ = 137.035 999 046(27)): 1 159 652 181.606(11)(12)(229) × 10⁻¹²; moved to α(Rb) (Morel et al. 2020,
    α⁻¹ = 137.035 999 206(11)) with da_e/dα⁻¹."""
    cs = registry.instance("electron_gm2", "fan2023-cs", {})
    rb = registry.instance("electron_gm2", "fan2023-rb", {})
    assert cs.value == pytest.approx(-1.016e-12, abs=1e-16)
    assert cs.error == pytest.approx(math.hypot(0.13, math.sqrt(0.011**2 + 0.012**2 + 0.229**2)) * 1e-12, rel=1e-3)
    assert cs.error == pytest.approx(0.264e-12, rel=2e-3)
    d = _d_ae_d_alpha_inverse(137.036)
    assert d == pytest.approx(-8.4500e-6, rel=1e-4)
    shift = d * (137.035999206 - 137.035999046) * 1e12  # in units of 1e-12
    assert 1159652181.606 + shift == pytest.approx(1159652180.254, abs=1e-3)
    assert rb.value == pytest.approx(+0.336e-12, abs=1e-16)
    assert rb.error == pytest.approx(math.hypot(0.13, math.sqrt(0.011**2 + 0.012**2 + (d * 11e-9 * 1e12) ** 2))
                                     * 1e-12, rel=1e-3)
    assert rb.error == pytest.approx(0.161e-12, rel=3e-3)
    # consistency with Fan et al.'s own α: the α⁻¹ at which the same theory equals the measured a_e
    alpha_inv_fan = 137.035999046 + (1159652180.59 - 1159652181.606) * 1e-12 / d
    assert alpha_inv_fan == pytest.approx(137.035999166, abs=2e-9)  # Fan et al.: 137.035 999 166(15)


def test_plugin_likelihood():
    like = registry.instance("electron_gm2", None, {})
    assert like.dataset == "fan2023-rb"
    m = np.array([1e-3, 1e-2, 0.1])
    zero = like.loglike({"m_zp": m, "gv_e": np.zeros(3), "ga_e": np.zeros(3)})
    assert np.allclose(zero, -0.5 * (like.value / like.error) ** 2, rtol=1e-12)
    # with loop mixing the Z′ hardly matters: g = 1e−3 shifts a_e by 2.3e−14 at 1 MeV (0.14σ), by 2.4e−13 for
    # m_Z′ ≪ m_e ((εe)²/8π² = 2.42e−7 g²)
    eps = zprime.kinetic_mixing_0(1e-3)
    c = zprime.induced_couplings(eps, 0.0)
    q = {"m_zp": m, "gv_e": np.full(3, c["gv_e"]), "ga_e": np.full(3, c["ga_e"])}
    assert like.delta_a_e(q)[0] == pytest.approx(2.25e-14, rel=1e-2) and np.all(like.delta_a_e(q) > 0)
    assert float(electron_gm2.delta_a_e(1e-9, c["gv_e"])) == pytest.approx(2.42e-13, rel=2e-3)
    # a dark photon explaining the Rb value: Δa_e = αε²/(2π) F_V(m²/m_e²) = 0.336e−12 at ε ≈ 5.6e−5 (1 MeV)
    r = (1e-3 / M_E) ** 2
    eps_fit = math.sqrt(like.value * 2 * math.pi / (ALPHA_0 * float(electron_gm2.vector_loop(r))))
    best = like.loglike({"m_zp": np.array([1e-3]), "gv_e": np.array([-eps_fit * E_CHARGE]), "ga_e": np.zeros(1)})
    assert best[0] == pytest.approx(0.0, abs=1e-12)
    cs = registry.instance("electron_gm2", "fan2023-cs", {})  # negative Δa_e: a vector makes it worse
    assert cs.loglike({"m_zp": np.array([1e-3]), "gv_e": np.array([-eps_fit * E_CHARGE]), "ga_e": np.zeros(1)})[0] \
        < cs.loglike({"m_zp": np.array([1e-3]), "gv_e": np.zeros(1), "ga_e": np.zeros(1)})[0]
    # an axial coupling lowers a_e
    assert float(electron_gm2.delta_a_e(0.01, 0.0, 1e-4)) < 0


def test_domain_and_vectorisation():
    like = registry.instance("electron_gm2", "fan2023-cs", {})
    m = np.array([0.01, np.nan, -1.0, 0.0, 0.01, 0.01])
    gv = np.array([1e-5, 1e-5, 1e-5, 1e-5, np.inf, 1e-5])
    ga = np.array([0.0, 0.0, 0.0, 0.0, 0.0, np.nan])
    with np.errstate(all="raise", under="ignore"):
        ll = like.loglike({"m_zp": m, "gv_e": gv, "ga_e": ga})
    assert np.isfinite(ll[0]) and np.all(ll[1:] == -np.inf)
    rng = np.random.default_rng(3)
    mm = 10 ** rng.uniform(-6, 2, 500)
    gv, ga = rng.normal(0, 1e-4, 500), rng.normal(0, 1e-6, 500)
    with np.errstate(all="raise", under="ignore"):
        batch = like.loglike({"m_zp": mm, "gv_e": gv, "ga_e": ga})
    single = [like.loglike({"m_zp": mm[i:i + 1], "gv_e": gv[i:i + 1], "ga_e": ga[i:i + 1]})[0] for i in range(0, 500, 50)]
    assert np.allclose(batch[::50], single, rtol=1e-13) and np.all(np.isfinite(batch))
    with pytest.raises(DataError, match="available"):
        type(like)(dataset="nope")
    assert registry.get("electron_gm2").default_dataset() == "fan2023-rb"
