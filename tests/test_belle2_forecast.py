"""Belle II Z′ forecast (likelihoods/belle2_forecast/NOTES.md): the e⁺e⁻ → γZ′ and μ⁺μ⁻Z′ cross sections, the plugin."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

from globalfit.errors import GlobalfitError
from globalfit.forecast import events_at_expected_limit
from globalfit.physics import belle2_forecast as b2
from globalfit.physics import zprime_decays
from globalfit.physics.constants import ALPHA_0, M_E, M_MU
from likelihoods.belle2_forecast import Belle2Forecast

E2 = 4 * math.pi * ALPHA_0


# ---------------------------------------------------------------------------------------------- e⁺e⁻ → γZ′
@pytest.mark.parametrize("m", [0.0, 0.01, 1.0, 5.0, 9.0, 10.4])
def test_gamma_analytic_integral_matches_quadrature(m):
    c1, c2 = -0.83, 0.71
    num, _ = quad(lambda c: float(b2.dsigma_gamma_dcos(c, m, 0.3)), c1, c2, epsabs=0, epsrel=1e-11)
    assert float(b2.sigma_gamma(m, c1, c2, 0.3)) == pytest.approx(num, rel=1e-9)


def test_gamma_limits():
    c1, c2 = -0.8, 0.8
    # m → 0: (2πα α′/s)[2(artanh c₂ − artanh c₁) − (c₂ − c₁)], the e⁺e⁻ → γγ angular integral
    ref = 2 * math.pi * ALPHA_0 * (1 / (4 * math.pi)) / b2.S * (4 * math.atanh(0.8) - 1.6)
    assert float(b2.sigma_gamma(0.0, c1, c2, 1.0)) == pytest.approx(ref, rel=1e-12)
    assert float(b2.sigma_gamma(1e-4, c1, c2, 1.0)) == pytest.approx(ref, rel=1e-6)
    # soft-photon limit m → √s (E_γ → 0): (1 − r)σ → (2πα α′/s)·4(artanh c₂ − artanh c₁), the eikonal 1/E_γ
    # spectrum (cut off by the photon-energy threshold of the forecast); 0 above √s; ∝ g_V² + g_A²
    r = 1 - 1e-6
    soft = 2 * math.pi * ALPHA_0 / (4 * math.pi) / b2.S * 4 * 2 * math.atanh(0.8)
    assert (1 - r) * float(b2.sigma_gamma(b2.SQRT_S * math.sqrt(r), c1, c2, 1.0)) == pytest.approx(soft, rel=1e-5)
    assert float(b2.sigma_gamma(b2.SQRT_S * 1.01, c1, c2, 1.0)) == 0.0
    assert float(b2.sigma_gamma(3.0, c1, c2, 0.5)) == pytest.approx(0.5 * float(b2.sigma_gamma(3.0, c1, c2, 1.0)))


def _gamma_v_m2(m, cos):
    """Σ|M|²/4 of e⁻(p₁)e⁺(p₂) → γ(k)V(q), vector coupling g_V = 1, explicit Dirac matrices (photon and V: −g)."""
    n = len(cos)
    p1, p2 = b2.beams(n)
    e = b2.SQRT_S / 2
    ek = (b2.S - m * m) / (2 * b2.SQRT_S)
    st = np.sqrt(1 - cos**2)
    k = np.stack([np.full(n, ek), ek * st, 0 * cos, ek * cos], -1)
    q = np.stack([np.full(n, 2 * e - ek), -ek * st, 0 * cos, -ek * cos], -1)
    u, vb = b2.spinors_u(p1, M_E), b2.bar(b2.spinors_v(p2, M_E))
    eye = np.eye(4)
    a, bb = p1 - k, p1 - q
    s_t = (b2.slash(a) + M_E * eye) / (b2.dot(a, a) - M_E**2)[:, None, None]
    s_u = (b2.slash(bb) + M_E * eye) / (b2.dot(bb, bb) - M_E**2)[:, None, None]
    op = (np.einsum("vab,nbc,mcd->nmvad", b2.GAMMA, s_t, b2.GAMMA)
          + np.einsum("mab,nbc,vcd->nmvad", b2.GAMMA, s_u, b2.GAMMA))  # [n, μ(photon), ν(V)]
    amp = np.einsum("nta,nmvab,nsb->ntsmv", vb, op, u)
    w = np.outer(b2.METRIC, b2.METRIC)
    return E2 * np.sum(np.abs(amp) ** 2 * w, axis=(1, 2, 3, 4)) / 4


@pytest.mark.parametrize("m", [0.02, 2.0, 8.0])
def test_gamma_differential_matches_explicit_dirac_evaluation(m):
    cos = np.linspace(-0.9, 0.9, 7)
    dsig = _gamma_v_m2(m, cos) * (1 - m * m / b2.S) / (32 * math.pi * b2.S)  # dσ/dcosθ for g_V = 1
    np.testing.assert_allclose(dsig, b2.dsigma_gamma_dcos(cos, m, 1.0), rtol=1e-6)


def test_lab_to_cm_mapping_is_the_boost():
    th = np.radians([20.0, 32.2, 90.0, 128.7, 160.0])
    p_lab = np.stack([np.ones(5), np.sin(th), 0 * th, np.cos(th)], -1)
    p_cm = b2.boost_z(p_lab, -b2.BETA_CM)
    np.testing.assert_allclose(b2.lab_to_cm_cos(np.cos(th)), p_cm[:, 3] / p_cm[:, 0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b2.lab_cos(p_cm), np.cos(th), rtol=1e-12, atol=1e-12)
    assert b2.SQRT_S == pytest.approx(10.583, abs=1e-3)


# ---------------------------------------------------------------------------------------------- e⁺e⁻ → μ⁺μ⁻Z′
def test_dirac_algebra_reproduces_ee_to_mumu():
    c = np.linspace(-0.95, 0.95, 9)
    e = b2.SQRT_S / 2
    p = math.sqrt(e * e - M_MU**2)
    st = np.sqrt(1 - c**2)
    k1 = np.stack([np.full(9, e), p * st, 0 * c, p * c], -1)
    k2 = k1 * np.array([1, -1, -1, -1])
    beta2 = (p / e) ** 2
    np.testing.assert_allclose(b2.mumu_2to2_amplitude2(*b2.beams(9), k1, k2), 1 + c**2 + (1 - beta2) * st**2,
                               rtol=1e-6)


def test_mumu_matrix_element_conserves_the_current():
    x1, x2 = np.array([0.2, 1.0, 20.0, 60.0]), np.array([80.0, 30.0, 10.0, 0.2])
    k1, k2, q, ok = b2._dalitz_point(x1, x2, 0.3, b2.S)
    assert ok.all()
    m2, ward = b2.mumu_amplitude2(*b2.beams(4), k1, k2, q, return_ward=True)
    assert np.all(m2 > 0) and np.all(ward < 1e-12)
    # momentum conservation and on-shell momenta
    np.testing.assert_allclose((k1 + k2 + q)[:, 0], b2.SQRT_S)
    np.testing.assert_allclose(b2.dot(q, q), 0.09, rtol=1e-9)


def test_mumu_threshold():
    thr = b2.SQRT_S - 2 * M_MU
    assert b2.sigma_mumu_mc(thr, n=1000).sigma == 0.0
    assert b2.sigma_mumu_mc(thr + 0.01, n=1000, cuts=None).sigma == 0.0
    assert b2.sigma_mumu_mc_sequential(thr, n=1000).sigma == 0.0
    near = b2.sigma_mumu_mc(thr - 0.05, n=20_000, cuts=None).sigma
    assert 0 < near < 1e-3 * b2.sigma_mumu_mc(1.0, n=20_000, cuts=None).sigma


@pytest.mark.parametrize("m", [0.05, 2.0])
def test_mumu_two_integration_methods_agree(m):
    a = b2.sigma_mumu_mc(m, n=60_000, cuts=None, seed=3)
    b = b2.sigma_mumu_mc_sequential(m, n=60_000, seed=4)
    assert abs(a.sigma - b.sigma) < 4 * math.hypot(a.error, b.error)
    assert a.rel_error < 0.02 and b.rel_error < 0.03


@pytest.mark.slow
@pytest.mark.parametrize("m, e_max, tol", [(0.01, 0.1, 0.03), (0.05, 0.2, 0.05)])
def test_mumu_soft_region_matches_eikonal_radiator(m, e_max, tol):
    r = b2.sigma_mumu_mc(m, n=200_000, cuts=None, e_zp_max=e_max, seed=5)
    assert r.sigma / b2.sigma_mumu_soft(m, e_max) == pytest.approx(1.0, abs=tol + 3 * r.rel_error)


@pytest.mark.slow
@pytest.mark.parametrize("m", [0.01, 1.0])
def test_catalogued_table_matches_fresh_monte_carlo(m):
    like = Belle2Forecast()
    fresh = b2.sigma_mumu_mc(m, n=200_000, cuts=b2.MuonCuts(17.0, 150.0), seed=77)
    tab = float(like.sigma_mumu_per_g2(m))
    err = math.hypot(fresh.error * b2.GEV2_TO_FB, 0.01 * tab)
    assert abs(fresh.sigma * b2.GEV2_TO_FB - tab) < 4 * err


# ---------------------------------------------------------------------------------------------- the plugin
def _q(m, g, eps=0.0):
    m, g = np.atleast_1d(np.asarray(m, float)), np.atleast_1d(np.asarray(g, float))
    m, g = np.broadcast_arrays(m, g)
    z = np.zeros(m.shape)
    return {"m_zp": m, "g_zp": g, "gv_e": z + eps * math.sqrt(E2), "ga_e": z, "g_nue": z, "gv_u": z - 2 / 3 * 0,
            "gv_d": z}


def test_registration_and_channels():
    from globalfit import likelihood as registry

    assert registry.get("belle2_forecast") is Belle2Forecast
    both, gam, mu = Belle2Forecast(), Belle2Forecast(channel="gamma"), Belle2Forecast(channel="mumu")
    q = _q([0.01, 0.1, 1.0, 5.0], 1e-3, eps=1e-4)
    s_b, b_b = both.expected(q)
    s_g, b_g = gam.expected(q)
    s_m, b_m = mu.expected(q)
    np.testing.assert_allclose(s_b, s_g + s_m)
    np.testing.assert_allclose(b_b, b_g + b_m)
    assert b_g[0] == pytest.approx(100 * 50) and b_m[0] == pytest.approx(1000 * 50)
    assert Belle2Forecast.models == ("lmu-ltau",) and "g_nue" in Belle2Forecast.requires


def test_signal_scaling_with_luminosity_efficiency_and_br():
    base = Belle2Forecast(channel="mumu")
    other = Belle2Forecast(channel="mumu", luminosity_ab=5.0, mumu_efficiency=0.3, mumu_background_per_ab=10.0)
    q = _q([0.1, 0.5, 3.0], 2e-3)
    np.testing.assert_allclose(other.expected(q)[0], base.expected(q)[0] * 0.1 * 3.0)
    assert other.expected(q)[1][0] == pytest.approx(50.0)
    br = zprime_decays.branching_ratios(q["m_zp"], q["g_zp"])["invisible"]
    direct = 50e3 * 0.1 * br * 4e-6 * base.sigma_mumu_per_g2(q["m_zp"])
    np.testing.assert_allclose(base.expected(q)[0], direct)
    # the γ channel: ε² scaling, analytic σ in the ECL barrel, BR(inv) of the model
    gam = Belle2Forecast(channel="gamma")
    qg = _q(0.5, 0.0, eps=1e-3)
    qg["g_zp"] = np.array([1e-2])  # g ≫ εe: BR(inv) ≈ 1 below 2m_μ
    br = zprime_decays.branching_ratios(0.5, 1e-2, gv_e=qg["gv_e"])["invisible"]
    sig = b2.sigma_gamma(0.5, *gam.gamma_cos_cm, E2 * 1e-6) * b2.GEV2_TO_FB
    np.testing.assert_allclose(gam.expected(qg)[0], 50e3 * 0.2 * br * sig)
    assert gam.gamma_cos_cm[0] == pytest.approx((math.cos(math.radians(128.7)) - 3 / 11)
                                                / (1 - 3 / 11 * math.cos(math.radians(128.7))))
    # no photon below the CM energy threshold (m > 9.53 GeV)
    assert gam.expected(_q(9.6, 1e-2, eps=1e-3))[0][0] == 0.0


def test_loglike_no_signal_expected_limit_and_bad_points():
    like = Belle2Forecast(channel="mumu")
    q = _q([0.01, 1.0, 10.5], [0.0, 0.0, 0.5])
    np.testing.assert_allclose(like.loglike(q), 0.0, atol=1e-12)  # no Z′, or above threshold
    # at the coupling where the expected signal equals the 90% CL expected-limit count, −2 ln L = 4.61
    s90 = events_at_expected_limit(like.background["mumu"] + like.background["gamma"], 0.90)
    unit = like.expected(_q(0.1, 1.0))[0][0]
    g = math.sqrt(s90 / unit)  # BR(inv) does not depend on g without mixing
    assert -2 * like.loglike(_q(0.1, g))[0] == pytest.approx(like.exclusion_dchi2(0.90), rel=1e-6)
    bad = _q([0.1, -1.0, np.nan], 1e-3)
    ll = like.loglike(bad)
    assert np.isfinite(ll[0]) and np.all(ll[1:] == -np.inf)


def test_option_errors():
    with pytest.raises(GlobalfitError):
        Belle2Forecast(luminosity_ab=0.0)
    with pytest.raises(GlobalfitError):
        Belle2Forecast(gamma_efficiency=1.5)
    with pytest.raises(GlobalfitError):
        Belle2Forecast(mumu_background_per_ab=-1.0)
    assert Belle2Forecast(mumu_background_rel_error=0.1, channel="mumu").rel_bkg_error == pytest.approx(0.1)
