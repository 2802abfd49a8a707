"""Fast paths of the likelihood chain against the exact computations they replace (issue "Scale and
robustness", target (a)): the tabulated g−2 loop function, the tabulated Borexino recoil integrals and MSW
coefficients, the KamLAND-Zen marginal table, the bucket search of GridInterpolator and the posterior's batch
shortcuts. Accuracy only; speed is measured by benchmarks/bench.py."""
import math

import numpy as np
import pytest
from conftest import oscillation_params
from scipy.integrate import quad
from scipy.interpolate import RegularGridInterpolator

from globalfit.card import load_card
from globalfit.grids import GridInterpolator, _Locator
from globalfit.physics import nue_scattering as ns
from globalfit.physics.constants import E_CHARGE, M_E, M_MU
from globalfit.physics.zprime import delta_a_mu, gm2_loop_function, gm2_loop_function_gl
from globalfit.posterior import Posterior
from likelihoods.borexino import NUFIT53_NO, Borexino
from likelihoods.kamland_zen import Z90_SQ, KamLANDZen

RNG = np.random.default_rng(20250611)


# ------------------------------------------------------------------------------------------------- g−2
def test_gm2_table_equals_gauss_legendre_rule_1kev_to_100gev():
    m = np.concatenate([np.exp(RNG.uniform(math.log(1e-6), math.log(100.0), 200_000)), np.logspace(-6, 2, 801)])
    r = (m / M_MU) ** 2
    rel = np.abs(gm2_loop_function(r) / gm2_loop_function_gl(r) - 1.0)
    assert rel.max() < 1e-12  # measured 1.1e-13
    assert np.array_equal(gm2_loop_function(r, method="exact"), gm2_loop_function_gl(r))


def test_gm2_outside_the_table_is_the_rule_itself():
    r = np.array([0.0, 1e-30, 1e-14, 1e9, 1e12, 1e40, np.nan])  # below 0.1 keV, above 1 TeV, NaN
    fast, rule = gm2_loop_function(r), gm2_loop_function_gl(r)
    assert np.array_equal(fast[:-1], rule[:-1]) and np.isnan(fast[-1])
    mixed = np.array([1e-30, 1.0, 1e12, 0.5])
    assert np.allclose(gm2_loop_function(mixed), gm2_loop_function_gl(mixed), rtol=1e-10, atol=0)
    with pytest.raises(ValueError):
        gm2_loop_function(1.0, method="spline")


def test_delta_a_mu_shapes_scalars_and_extremes():
    m = np.array([[1e-3, 0.01], [0.1, 1.0]])
    out = delta_a_mu(m, 1e-3)
    assert out.shape == (2, 2)
    assert all(out[i, j] == delta_a_mu(m[i, j], 1e-3) for i in range(2) for j in range(2))
    assert np.isfinite(delta_a_mu(np.array([0.0, 1e-12, 1e6]), 1.0)).all()


# --------------------------------------------------------------------------------------------- Borexino
def test_bks_i_series_against_high_precision():
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 50

    def ref(t):
        x = mp.sqrt(1 + 2 * mp.mpf(M_E) / mp.mpf(t))
        return float((mp.mpf(1) / 3 + (3 - x * x) * (x / 2 * mp.log((x + 1) / (x - 1)) - 1)) / 6)

    ts = np.concatenate([np.logspace(-16, -2.5, 55), [1.1e-4, 1.135e-4, 1.14e-4, 6.6e-4]])
    ours = ns.bks_i(ts)
    assert max(abs(o / ref(t) - 1) for o, t in zip(ours, ts)) < 1e-13


@pytest.mark.parametrize("e_nu", [0.862e-3, 0.384e-3])
def test_solar_probability_coefficients_equal_solar_probabilities(e_nu):
    n = 2000
    osc = {"s12sq": RNG.uniform(0, 1, n), "s13sq": RNG.uniform(0, 1, n), "s23sq": RNG.uniform(0, 1, n),
           "delta": RNG.uniform(0, 2 * np.pi, n), "dm21sq": 10 ** RNG.uniform(-8, -2, n)}
    osc["s12sq"][:3], osc["s13sq"][3:6], osc["s23sq"][6:9] = [0, 1, 0.5], [0, 1, 0.02], [0, 1, 0.5]
    ref = ns.solar_probabilities(e_nu, **osc)
    (a_e, a_m, a_t), (b_e, b_m, b_t) = ns.solar_probability_coefficients(
        osc["s12sq"], osc["s13sq"], osc["s23sq"], osc["delta"])
    c = ns.cos2theta12_matter(e_nu, osc["s12sq"], osc["s13sq"], osc["dm21sq"])
    ours = np.stack([a_e + b_e * c, a_m + b_m * c, a_t + b_t * c], axis=-1)
    assert np.max(np.abs(ours - ref)) < 1e-14


def _couplings(kind, m, n):
    """(g, g_V, g_A, g_ν) of shape (n,): loop-mixing sized, or O(1) Z′ effects (shift at T = 0 of 0.05–3 times
    the SM couplings, either sign), as in tests/test_borexino.py::test_recoil_integral_against_quad_all_masses."""
    if kind == "loop":
        g = np.exp(RNG.uniform(math.log(1e-7), math.log(0.1), n))
        return g, -E_CHARGE * g / 69.3, RNG.normal(0, 1e-3, n) * g, RNG.normal(0, 1e-3, n) * g
    x = np.sqrt(np.exp(RNG.uniform(math.log(0.05), math.log(3.0), n)))
    return (3e-3 * m * x, 1e-2 * m * x * RNG.choice([-1.0, 1.0], n), 2.5e-3 * m * x * RNG.normal(0, 1, n),
            1e-3 * m * x * RNG.normal(0, 1, n))


@pytest.mark.parametrize("kind", ["loop", "order-one"])
@pytest.mark.parametrize("scheme", ["bks95", "tree"])
def test_recoil_table_cross_sections_equal_direct_integration(kind, scheme):
    n = 4000
    m = np.exp(RNG.uniform(math.log(1e-6), math.log(1e3), n))  # 1 keV – 1 TeV
    g, gv, ga, gn = _couplings(kind, m, n)
    h = ns.neutrino_couplings(g, gn)
    energies = (0.862e-3, 0.384e-3)
    table = ns.recoil_table(energies, scheme)
    for line, e_nu in enumerate(energies):
        fast, fast0 = table.cross_sections(line, m, h, gv, ga)
        exact, exact0 = ns.line_cross_sections(e_nu, m, h, gv, ga, scheme)
        assert np.max(np.abs(fast0 / exact0 - 1)) < 1e-13
        # relative to the size of the terms (σ_α can be a small remainder of a destructive interference)
        size = exact0 + np.abs(exact - exact0)
        assert np.max(np.abs(fast - exact) / size) < 1e-11       # measured ≲ 3e-12
        assert np.max(np.abs(fast / exact - 1)) < 1e-8          # measured ≲ 2e-10 (where σ_α is a remainder)


@pytest.mark.parametrize("kind", ["loop", "order-one"])
@pytest.mark.parametrize("sampled", [True, False])
def test_be7_rate_table_equals_exact(kind, sampled):
    n = 4000
    lik = Borexino()
    m = np.exp(RNG.uniform(math.log(1e-6), math.log(1e3), n))
    g, gv, ga, gn = _couplings(kind, m, n)
    if sampled:
        osc = {"s12sq": RNG.uniform(0.25, 0.36, n), "s13sq": RNG.uniform(0.019, 0.026, n),
               "s23sq": RNG.uniform(0.38, 0.65, n), "delta": RNG.uniform(0, 2 * np.pi, n),
               "dm21sq": RNG.uniform(6.5e-5, 8.5e-5, n)}
    else:
        osc = {k: v for k, v in NUFIT53_NO.items() if k != "delta_cp"} | {"delta": NUFIT53_NO["delta_cp"]}
    fast = ns.be7_rate(lik.lines, lik.electrons, m, g, gv, ga, gn, osc)
    exact = ns.be7_rate(lik.lines, lik.electrons, m, g, gv, ga, gn, osc, method="exact")
    for f, e in zip(fast, exact):
        assert f.shape == (n,) and np.max(np.abs(f / e - 1)) < 1e-11   # measured ≲ 2e-12
    assert np.max(exact[0] / exact[1]) > 1.5  # the Z′ effects are really there


def test_be7_rate_outside_the_table_is_exact():
    lik = Borexino()
    m = np.array([1e-11, 0.01, 1e5, 3e-10])
    g = np.full(4, 1e-4)
    osc = {"s12sq": 0.3, "s13sq": 0.022, "s23sq": 0.5, "delta": 1.0, "dm21sq": 7.4e-5}
    fast = ns.be7_rate(lik.lines, lik.electrons, m, g, -E_CHARGE * g / 69.3, 0.0, 0.0, osc)
    exact = ns.be7_rate(lik.lines, lik.electrons, m, g, -E_CHARGE * g / 69.3, 0.0, 0.0, osc, method="exact")
    for f, e in zip(fast, exact):
        assert np.allclose(f[[0, 2, 3]], e[[0, 2, 3]], rtol=1e-14, atol=0)
        assert f[1] == pytest.approx(e[1], rel=1e-10, abs=0)
    with pytest.raises(ValueError):
        ns.be7_rate(lik.lines, lik.electrons, m, g, 0.0, 0.0, 0.0, osc, method="quad")


@pytest.mark.parametrize("dataset, options", [("phase2-2017", {}), ("phase1-2011", {"couplings": "tree", "ssm": "low-z"})])
def test_borexino_plugin_fast_equals_exact(dataset, options):
    lik = Borexino(dataset, **options)
    n = 3000
    m = np.exp(RNG.uniform(math.log(1e-6), math.log(100.0), n))
    g, gv, ga, gn = _couplings("loop", m, n)
    q = {"m_zp": m, "g_zp": g, "gv_e": gv, "ga_e": ga, "g_nue": gn, "s12sq": RNG.uniform(0.25, 0.36, n),
         "s23sq": RNG.uniform(0.38, 0.65, n), "delta_cp": RNG.uniform(0, 2 * np.pi, n)}
    q["m_zp"][:3] = [0.0, np.nan, -1.0]
    q["s23sq"][3] = 1.5
    fast, exact = lik.loglike(q), lik.loglike(q, method="exact")
    assert np.all(fast[:4] == -np.inf) and np.all(exact[:4] == -np.inf)
    assert np.allclose(fast[4:], exact[4:], rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------------------------- KamLAND-Zen
def _a(lk, m):
    return 0.5 * Z90_SQ * (np.asarray(m) / lk.k) ** 4


@pytest.mark.parametrize("dataset", ["kamland-zen-2024", "kamland-zen-2022"])
def test_kamland_marginal_table_equals_exact(dataset):
    lk = KamLANDZen(dataset)
    m = np.exp(RNG.uniform(math.log(1e-6), math.log(100.0), 200_000))
    fast, exact = lk.loglike_marginal(m), lk.loglike_marginal(m, method="exact")
    assert np.max(np.abs(fast / exact - 1)) < 1e-10  # measured ≲ 2e-11 (at a|M|_min⁴ = 600, the Γ switch)


def test_kamland_marginal_where_the_closed_form_cancels():
    lk = KamLANDZen()
    lo, hi = lk.nme_range
    for ahi4 in (1e-14, 1e-11, 1e-9, 1.85e-8, 1e-7, 1e-5, 1e-3, 1e-1, 0.99, 1.01, 3.0):
        a = ahi4 / hi**4
        m = np.array([lk.k * (2 * a / Z90_SQ) ** 0.25])
        # ln L = ln(1 + ∫(e^{−aM⁴} − 1)dM/Δ), the integrand written without cancellation
        num = quad(lambda x: math.expm1(-a * x**4), lo, hi, epsabs=0, epsrel=1e-13)[0]
        ref = math.log1p(num / (hi - lo))
        assert lk.loglike_marginal(m)[0] == pytest.approx(ref, rel=1e-10, abs=0)
        assert lk.loglike_marginal(m, method="exact")[0] == pytest.approx(ref, rel=1e-12, abs=0)


def test_kamland_marginal_edges():
    lk = KamLANDZen()
    m = np.array([0.0, 1e-9, np.nan, 5.0, 50.0, 1e3])  # 50 eV, 1 keV: above the table
    fast, exact = lk.loglike_marginal(m), lk.loglike_marginal(m, method="exact")
    assert fast[0] == 0.0 and np.isnan(fast[2])
    ok = ~np.isnan(exact)
    assert np.allclose(fast[ok], exact[ok], rtol=1e-12, atol=1e-15)
    assert lk.loglike_marginal(0.05).shape == ()
    with pytest.raises(ValueError):
        lk.loglike_marginal(m, method="spline")


# ------------------------------------------------------------------------------------------------- grids
def test_locator_equals_binary_search():
    for trial in range(100):
        n = int(RNG.integers(2, 80))
        if trial % 3 == 0:
            ax = np.linspace(-180.0, 180.0, n)
        else:
            ax = np.cumsum(RNG.uniform(1e-3, 1.0, n) ** RNG.uniform(0.2, 3.0)) + RNG.normal(0, 10)
        x = np.concatenate([RNG.uniform(ax[0], ax[-1], 3000), ax, np.nextafter(ax, -np.inf), np.nextafter(ax, np.inf)])
        x = np.clip(x, ax[0], ax[-1])
        ref = np.clip(np.searchsorted(ax, x, side="right") - 1, 0, n - 2)
        assert np.array_equal(_Locator(ax)(x), ref)
    assert _Locator(np.array([0.0, 1.0, 3.0]))(np.array([np.nan])).shape == (1,)  # NaN: some valid index


@pytest.mark.parametrize("dim", [1, 2, 3])
def test_multilinear_against_scipy(dim):
    axes = [np.sort(np.unique(np.concatenate([[0.0, 1.0], RNG.uniform(0, 1, int(RNG.integers(3, 30)))])))
            for _ in range(dim)]
    values = RNG.normal(size=[len(a) for a in axes])
    ours = GridInterpolator(axes, values, order=1)
    ref = RegularGridInterpolator(axes, values, method="linear")
    pts = [RNG.uniform(-0.2, 1.2, 20_000) for _ in range(dim)]
    clipped = np.stack([np.clip(p, 0, 1) for p in pts], axis=-1)
    assert np.allclose(ours(*pts), ref(clipped), rtol=0, atol=1e-13)
    nodes = [a[RNG.integers(0, len(a), 500)] for a in axes]
    idx = tuple(np.searchsorted(a, x) for a, x in zip(axes, nodes))
    assert np.array_equal(ours(*nodes), values[idx])  # exact at the nodes
    nan = [p[:5].copy() for p in pts]
    nan[0][0] = np.nan
    assert np.isnan(ours(*nan)[0]) and np.isfinite(ours(*nan)[1:]).all()


# --------------------------------------------------------------------------------------------- posterior
ALL = {
    "name": "all", "model": {"higgs": "doublet+singlet", "ordering": "NO"},
    "params": {"m_zp": {"prior": "log-uniform", "min": 1e-3, "max": 1.0},
               "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-1},
               "tan_theta": {"prior": "log-uniform", "min": 1.0, "max": 1e3},
               **oscillation_params()},
    "likelihoods": {n: {} for n in ("gminus2", "apv", "na62", "borexino", "trident", "babar", "nufit", "cosmology",
                                    "kamland_zen")},
}


def test_joint_posterior_fast_paths_equal_exact_computation():
    post = Posterior(load_card(ALL))
    theta = post.prior_transform(RNG.random((5000, post.ndim)))
    ev = post.evaluate(theta)
    assert ev.in_domain.any() and not ev.in_domain.all()
    q = {**post.space.internal(ev.params), **{k: ev.quantities[k] for k in post.derived}}
    exact = {"borexino": post.plugins["borexino"].loglike(q, method="exact"),
             "kamland_zen": post.plugins["kamland_zen"].loglike_marginal(q["m_betabeta"], method="exact"),
             "gminus2": post.plugins["gminus2"].loglike(
                 {"delta_a_mu": q["g_zp"] ** 2 / (8 * np.pi**2) * gm2_loop_function((q["m_zp"] / M_MU) ** 2, "exact")})}
    d = ev.in_domain
    for name, ref in exact.items():
        assert np.allclose(ev.loglike[name][d], ref[d], rtol=1e-9, atol=1e-12), name
    assert np.all(ev.loglike_total[~d] == -np.inf)
    # log_prob: the same with points outside the prior box mixed in, and on the inside points alone
    outside = theta[:100].copy()
    outside[:, 0] = 2.0  # m_zp above the box
    lp_mixed = post.log_prob(np.vstack([theta, outside]))
    lp = post.log_prob(theta)
    assert np.array_equal(lp_mixed[:len(theta)], lp) and np.all(lp_mixed[len(theta):] == -np.inf)
    assert np.array_equal(lp, ev.logpost)
    assert np.array_equal(post.log_likelihood(theta), ev.loglike_total)
    # one point per call gives what it gives in the batch
    for i in np.flatnonzero(d)[:3]:
        assert post.log_prob(theta[i:i + 1])[0] == pytest.approx(lp[i], rel=1e-12, abs=0)


def test_parameter_columns_and_log_prior():
    post = Posterior(load_card(ALL))
    theta = post.prior_transform(RNG.random((50, post.ndim)))
    cols = post.space.columns(theta)
    assert cols.flags.c_contiguous and cols.shape == (post.ndim, 50)
    vals = post.space.values(theta)
    assert all(np.array_equal(vals[k], theta[:, j]) and vals[k].flags.c_contiguous for j, k in enumerate(post.names))
    bad = theta.copy()
    bad[3, 1], bad[7, 5] = np.nan, 1.0  # NaN, and s13sq outside its box
    lp = post.space.log_prior(bad)
    assert lp[3] == -np.inf and lp[7] == -np.inf and np.isfinite(np.delete(lp, [3, 7])).all()
    assert np.array_equal(np.delete(lp, [3, 7]), np.delete(post.space.log_prior(theta), [3, 7]))


def test_retain_freed_heap_is_idempotent():
    from globalfit.posterior import retain_freed_heap

    first = retain_freed_heap()
    assert isinstance(first, bool) and retain_freed_heap() is first
