"""Trident forecast (likelihoods/trident_forecast/NOTES.md): the tables against the CCFR table, the profiled Poisson
likelihood ratio against direct computations, the normalisation nuisance, and the expected reach (regression)."""
import importlib.util

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from globalfit import catalog
from globalfit.errors import GlobalfitError
from globalfit.likelihood import plugins
from globalfit.physics import trident as tr
from likelihoods.trident_forecast import TridentForecast
from likelihoods.trident_forecast.likelihood import profiled_dchi2

QUICK = tr.Nodes(m2=8, q2=8, cos=12, phi=4, s=12)  # as tests/test_trident.py (≲ 0.3% from the tables' quadrature)


def _build_module():
    spec = importlib.util.spec_from_file_location("tf_build", catalog.data_dir() / "trident_forecast/build_table.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_registered_and_defaults():
    assert plugins()["trident_forecast"] is TridentForecast
    lk = TridentForecast()
    assert lk.dataset == "dune-nd" and lk.forecast
    assert (lk.sm_events, lk.norm_error, lk.background) == (16.0, 0.05, 0.0)
    assert TridentForecast("mono-1p5gev-ar", sm_events=50, norm_error=0.1, background=2).sm_events == 50
    with pytest.raises(GlobalfitError, match="norm_error"):
        TridentForecast(norm_error=-0.1)


def test_160_gev_iron_reproduces_ccfr_table():
    """The forecast build at E = 160 GeV on Fe (both paths: mono-energetic and the spectrum code with one energy)
    gives the CCFR coefficients of data/trident/ccfr.npz."""
    b = _build_module()
    masses = np.array([0.01, 0.1, 1.0])
    ccfr = tr.CoefficientTable.from_arrays(*(np.load(catalog.verified_path("trident/ccfr.npz"))[k]
                                             for k in ("m_zp", "A", "B", "a_inf", "b_inf")))
    a_ref, b_ref = ccfr.coefficients(masses)
    mono = tr.ratio_coefficients(masses, b.TARGETS["Fe"], 160.0, QUICK)
    spec = b.spectrum_coefficients(masses, b.TARGETS["Fe"], np.array([160.0]), np.array([1.0]), QUICK, n_s=QUICK.s)
    for k in ("A", "B", "a_inf", "b_inf"):
        np.testing.assert_allclose(spec[k], mono[k], rtol=1e-12)  # the same sum, ŝ grid and weights
    np.testing.assert_allclose(mono["A"], a_ref, rtol=5e-3)
    np.testing.assert_allclose(mono["B"], b_ref, rtol=1e-2)


def test_spectrum_is_ratio_of_flux_averaged_cross_sections():
    """Two energies: A is the σ-weighted mean of A(E), not the plain mean."""
    b = _build_module()
    m = np.array([0.1])
    e = np.array([20.0, 160.0])
    both = b.spectrum_coefficients(m, b.TARGETS["Fe"], e, np.array([1.0, 1.0]), QUICK, n_s=16)
    one = [b.spectrum_coefficients(m, b.TARGETS["Fe"], e, np.array(w), QUICK, n_s=16) for w in ([1.0, 0], [0, 1.0])]
    s = both["sigma_sm_e"]
    expect = (s[0] * one[0]["A"] + s[1] * one[1]["A"]) / (s[0] + s[1])
    np.testing.assert_allclose(both["A"], expect, rtol=1e-12)
    assert abs(both["A"][0] / (0.5 * (one[0]["A"][0] + one[1]["A"][0])) - 1) > 0.05


def test_poisson_ratio_toy():
    s, b, n = np.array([5.0, 12.0, 40.0]), 3.0, 13.0
    exact = 2.0 * (s + b - n + n * np.log(n / (s + b)))
    np.testing.assert_allclose(profiled_dchi2(s, b, n, 0.0), exact, rtol=1e-13)
    assert profiled_dchi2(10.0, 3.0, 13.0, 0.0) == 0.0
    for sigma in (0.02, 0.3):  # the analytic profile against a numerical minimisation over ν
        for si in s:
            f = lambda nu: 2 * (nu * si + b - n + n * np.log(n / (nu * si + b))) + (nu - 1) ** 2 / sigma**2  # noqa: E731
            best = minimize_scalar(f, bounds=(1e-6, 10), method="bounded", options={"xatol": 1e-12}).fun
            assert float(profiled_dchi2(si, b, n, sigma)) == pytest.approx(best, rel=1e-8, abs=1e-10)


def test_norm_nuisance_weakens_bound_as_expected():
    """At large N the profiled ratio tends to the Gaussian (R − 1)²/(1/N + σ_ν²R²) (the nuisance multiplies the
    prediction), for R > 1 and R < 1; the reach in g weakens accordingly."""
    lk = TridentForecast("dune-nd", sm_events=1e4, norm_error=0.0)
    c = lk.exclusion_dchi2(0.9)
    widths = []
    for sigma in (0.0, 0.05):
        lk.norm_error = sigma
        for sign in (1.0, -1.0):
            d = 0.0
            for _ in range(50):  # solve d² = c (1/N + σ²(1 + d)²) for the excluded R − 1 = d
                d = sign * np.sqrt(c * (1e-4 + sigma**2 * (1.0 + d) ** 2))
            assert float(lk.dchi2_ratio(1.0 + d)) == pytest.approx(c, rel=0.02)
            if sign > 0:
                widths.append(d)
    g = []
    for sigma in (0.0, 0.05, 0.2):
        lk.norm_error = sigma
        g.append(lk.reach(np.array([0.01, 0.1]))[0])
    assert g[0] < g[1] < g[2]  # the nuisance weakens the bound
    # the weakening follows the Gaussian widths through R − 1 = A y² + B y⁴
    a, b = (float(x[0]) for x in lk.table.coefficients(np.array([0.01])))
    y = [np.sqrt((np.sqrt(a * a + 4 * b * d) - a) / (2 * b)) for d in widths]
    assert g[1] / g[0] == pytest.approx(y[1] / y[0], rel=0.01)


def test_expected_and_loglike():
    lk = TridentForecast("mono-1p5gev-ar")
    q = {"m_zp": np.array([0.01, 0.1, 0.1, -1.0]), "g_zp": np.array([1e-3, 1e-9, 1e-3, 1e-3])}
    n_s, n_b = lk.expected(q)
    assert n_s[0] > 0 and abs(n_s[1]) < 1e-9 and np.isnan(n_s[3]) and np.all(n_b == lk.sm_events)
    ll = lk.loglike(q)
    assert ll[1] == pytest.approx(0.0, abs=1e-12) and ll[0] < ll[2] < 0 and ll[3] == -np.inf
    # destructive interference (U(1)_X with h_νμ g_V^μ < 0): R < 1 costs too
    q2 = {**q, "trident_g2": np.array([-1e-7, 0.0, 1e-7, 0.0])}
    n_s2, _ = lk.expected(q2)
    assert n_s2[0] < 0 and lk.loglike(q2)[0] < 0


# expected 90% CL reach g(m_Z′) at 10, 100, 300 MeV with the default exposure (regression of the stored tables)
REACH = {"dune-nd": [4.095e-4, 5.775e-4, 9.371e-4], "mono-1p5gev-ar": [2.302e-4, 3.252e-4, 5.712e-4]}


@pytest.mark.parametrize("dataset", sorted(REACH))
def test_expected_reach_regression(dataset):
    lk = TridentForecast(dataset)
    g = lk.reach(np.array([0.01, 0.1, 0.3]))
    np.testing.assert_allclose(g, REACH[dataset], rtol=2e-3)
    r = lk.table.ratio(np.array([0.1]), g[1:2])
    assert float(lk.dchi2_ratio(r)[0]) == pytest.approx(2.7055, rel=1e-4)
