"""N_eff with a Z′ in equilibrium with the neutrinos (likelihoods/neff/NOTES.md): the temperature-evolution solver
(globalfit/physics/neff.py) against analytic limits and published numbers, the ΔN_eff table against direct
solves, and the likelihood against the quoted dataset numbers. Each direct solve takes 10–40 ms; the table is
built by data/neff/build_table.py, not here."""
import math

import numpy as np
import pytest

from globalfit.card import load_card
from globalfit.errors import CardError, GlobalfitError
from globalfit.likelihood import plugins
from globalfit.physics import neff as nf
from globalfit.posterior import Posterior
from likelihoods.neff import NeffZprime, excluded_below

MEV = 1e-3  # GeV


# ------------------------------------------------------------------------------------ thermodynamics
def test_thermodynamic_integrals_massless_limits_and_consistency():
    """Per degree of freedom: ρ = (7/8)π²/30 T⁴ (FD), π²/30 T⁴ (BE), P = ρ/3, dρ/dT = 4ρ/T at x → 0; at any
    mass dρ/dT = T³(4r − x r′) (r = ρ/T⁴, x r′ = r d ln r/d ln x from the tabulated spline of ln r), and the
    tables equal direct quadrature off their grid."""
    f = nf.thermo_integrals([1e-7], fermion=True)
    b = nf.thermo_integrals([1e-7], fermion=False)
    assert f["rho"][0] == pytest.approx(7 / 8 * math.pi**2 / 30, rel=1e-10)
    assert b["rho"][0] == pytest.approx(math.pi**2 / 30, rel=1e-10)
    for t in (f, b):
        assert t["p"][0] == pytest.approx(t["rho"][0] / 3, rel=1e-10)
        assert t["drho"][0] == pytest.approx(4 * t["rho"][0], rel=1e-10)
    assert f["i"][0] == pytest.approx(math.pi**2 / 12, rel=1e-10)
    assert f["j"][0] == pytest.approx(math.pi**2 / 6, rel=1e-10)
    ferm, bos = nf._tables()
    xs = np.array([0.0123, 0.37, 1.234, 4.56, 13.7, 55.5])
    for table, fermion in ((ferm, True), (bos, False)):
        direct = nf.thermo_integrals(xs, fermion)
        for k in ("rho", "p", "drho"):
            np.testing.assert_allclose(table.many(xs)[:, table.index[k]], direct[k], rtol=1e-8)
        for x in xs:
            r = table(x)[table.index["rho"]]
            x_dr = r * table.spline(math.log(x), 1)[table.index["rho"]]
            assert table(x)[table.index["drho"]] == pytest.approx(4 * r - x_dr, rel=1e-6)


def test_qed_pressure_massless_limit():
    """P_int → −5e²T⁴/288 + e³T⁴/(36√3π) for m_e ≪ T (the O(e²) and O(e³) terms of massless QED)."""
    e2 = 4 * math.pi * nf.ALPHA_0
    expected = -5 * e2 / 288 + e2**1.5 / (36 * math.sqrt(3) * math.pi)
    assert nf.qed_pressure([1e-7])[0] == pytest.approx(expected, rel=1e-8)


# ------------------------------------------------------------------------------------------- the SM
def test_instantaneous_decoupling_and_qed_shift():
    """Without weak rates (instantaneous decoupling at 100 MeV) N_eff = 3 exactly; the QED corrections add
    +0.0106 at O(e²) and −0.001 at O(e³) (arXiv:1911.04504: ≈ +0.010 and −0.001)."""
    kw = {"rate_scale": 0.0, "t_start_mev": 100.0}
    plain = nf.solve_neff(qed=False, **kw).neff
    assert plain == pytest.approx(3.0, abs=2e-5)
    assert nf.solve_neff(qed=True, **kw).neff - plain == pytest.approx(0.0097, abs=3e-4)


def test_sm_neff():
    """N_eff(SM) = 3.0486 with massless electrons in the rates (our table's approximation): 0.005 above the
    benchmark 3.0440 (arXiv:2012.02726), of which 0.003 is the electron mass in the annihilation rates."""
    common = nf.solve_neff().neff
    split = nf.solve_neff(baths="split").neff
    assert common == pytest.approx(3.0486, abs=2e-4)
    assert split == pytest.approx(3.0476, abs=2e-4)
    assert 0.0 < common - nf.NEFF_SM < 0.006
    assert nf.solve_neff(qed=False).neff == pytest.approx(3.0393, abs=2e-4)
    assert nf.solve_neff(me_annihilation=True).neff == pytest.approx(3.0456, abs=2e-4)


def test_sm_reproduces_published_nudec_results(monkeypatch):
    """The published results of the method's code (github.com/MiguelEA/nudec_BSM): Results/SM/SM.dat
    N_eff = 3.04527 (one neutrino temperature) and Results/SM/SM_emu.dat 3.04433 (ν_e, ν_μτ separately), with
    the electron mass in all rates; ours with it in the annihilation rates only: within 5 × 10⁻⁴. Its
    CodeHistory.md: 3.053 with Maxwell–Boltzmann rates (f_a = f_s = 1, the rates of arXiv:1812.05605): within
    2 × 10⁻³."""
    assert nf.solve_neff(me_annihilation=True).neff == pytest.approx(3.04527, abs=5e-4)
    assert nf.solve_neff(me_annihilation=True, baths="split").neff == pytest.approx(3.04433, abs=5e-4)
    monkeypatch.setattr(nf, "F_ANN", 1.0)
    monkeypatch.setattr(nf, "F_SCAT", 1.0)
    assert nf.solve_neff().neff == pytest.approx(3.053, abs=2e-3)


# -------------------------------------------------------------------------------------------- the Z′
def test_light_zprime_entropy_limit():
    """A Z′ that decays long after instantaneous decoupling hands its entropy to the neutrinos:
    N_eff = 3 (1 + 3/(3·7/4))^{4/3} = 5.4808 (common bath), 1 + 2 (1 + 3/(2·7/4))^{4/3} = 5.5655 (split)."""
    kw = {"rate_scale": 0.0, "t_start_mev": 100.0, "qed": False}
    assert nf.solve_neff(1e-5, **kw).neff == pytest.approx(3 * (33 / 21) ** (4 / 3), abs=2e-4)
    assert nf.solve_neff(1e-5, baths="split", **kw).neff == pytest.approx(1 + 2 * (13 / 7) ** (4 / 3), abs=2e-4)


def test_large_mass_limit():
    """A Z′ that decays while the neutrinos are coupled to the plasma leaves N_eff unchanged."""
    sm = nf.solve_neff().neff
    assert abs(nf.solve_neff(60 * MEV).neff - sm) < 2e-5
    table = NeffZprime("planck2018").table
    assert abs(float(table(0.1))) < 1e-5 and float(table(1.0)) == 0.0
    d = table(np.logspace(-5, -1, 200))
    assert np.all(np.diff(d) < 1e-6)  # ΔN_eff falls with the mass (to the solver's noise at the top)


def test_small_mass_heats_neutrinos():
    """Below ~20 MeV the Z′ decays after neutrino decoupling: N_eff > 3.044, towards 5.56 for a light Z′."""
    table = NeffZprime("planck2018").table
    m = np.array([0.01, 0.3, 1.0, 3.0, 10.0, 20.0]) * MEV
    d = table(m)
    np.testing.assert_allclose(d, [2.5071, 2.4893, 2.3507, 1.6849, 0.3125, 0.0243], atol=2e-4)
    assert float(table(1e-7)) == pytest.approx(d[0])  # constant below the grid


@pytest.mark.parametrize("baths", nf.BATHS)
def test_table_matches_direct_solve_off_grid(baths):
    """Off the grid (between two nodes of the 40-per-decade grid): the interpolated table equals a direct solve."""
    lk = NeffZprime("planck2018", neutrinos=baths)
    sm = nf.solve_neff(baths=baths).neff
    for m in (0.37 * MEV, 7.3 * MEV):
        assert float(lk.table(m)) == pytest.approx(nf.solve_neff(m, baths=baths).neff - sm, abs=1e-5)


def test_published_statements_of_the_papers():
    """arXiv:1901.02010 (abstract): a thermal Z′ of ~10–20 MeV heats the neutrinos and can give the ΔN_eff ~ 0.2–0.5
    that relaxes the H0 tension. Ours: ΔN_eff = 0.31 (10 MeV) and 0.024 (20 MeV) with one neutrino temperature,
    0.45 and 0.043 with ν_e separate; ΔN_eff = 0.2–0.5 at 8.1–11.8 (9.5–13.5) MeV. Planck 2018 excludes m_Z′ < 10.4 MeV
    (common) at 95% CL (the "m_Z′ ≳ 10 MeV" of the literature); see NOTES.md for the comparison."""
    common, split = NeffZprime("planck2018").table, NeffZprime("planck2018", neutrinos="split").table
    assert float(common(10 * MEV)) == pytest.approx(0.312, abs=2e-3)
    assert float(split(10 * MEV)) == pytest.approx(0.448, abs=2e-3)
    for table, (lo, hi) in ((common, (8.14, 11.75)), (split, (9.52, 13.48))):
        d = table(np.array([lo - 0.02, lo + 0.02, hi - 0.02, hi + 0.02]) * MEV)
        assert d[0] > 0.5 > d[1] and d[2] > 0.2 > d[3]
    assert excluded_below(NeffZprime("planck2018")) / MEV == pytest.approx(10.38, abs=0.02)


# ------------------------------------------------------------------------------------ thermalisation
def test_thermalisation_coupling():
    """Γ(Z′ → νν̄)/H(T = m_Z′) = 1 at g = 1.4 × 10⁻¹⁰ (1 MeV), 4.3 × 10⁻¹⁰ (10 MeV); ∝ √m with g* ≈ 13.75."""
    g = nf.thermalisation_coupling(np.array([1.0, 10.0]) * MEV)
    np.testing.assert_allclose(g, [1.37e-10, 4.33e-10], rtol=0.01)
    m = 10 * MEV  # the definition, and H from g* = 10.75 + 3 (γ, e±, 3ν, Z′ all relativistic at T = m ≫ m_e)
    assert nf.zp_width_nu(m, g[1]) / nf.hubble(m, m) == pytest.approx(1.0, rel=1e-10)
    h_rad = math.sqrt(8 * math.pi**3 * 13.75 / 90) * m * m / nf.M_PL
    assert float(nf.hubble(m, m)) == pytest.approx(h_rad, rel=0.03)


def test_thermalised_option():
    thr, assume = NeffZprime("planck2018"), NeffZprime("planck2018", thermalised="assume")
    assert thr.requires == ("m_zp", "g_zp") and assume.requires == ("m_zp",)
    m = np.full(4, 1 * MEV)
    g = np.array([0.0, 1e-11, 2e-10, 5e-4])
    np.testing.assert_array_equal(thr.delta_neff(m, g) > 0, [False, False, True, True])
    np.testing.assert_allclose(assume.delta_neff(m), thr.delta_neff(m, g)[-1])
    sm = -0.5 * ((3.044 - 2.99) / 0.17) ** 2
    assert thr.loglike({"m_zp": m, "g_zp": g})[0] == pytest.approx(sm)


# ---------------------------------------------------------------------------------------- likelihood
DATASETS = [("act-dr6", "N_eff", 2.86, 0.13, 3.044), ("act-dr6-bbn", "N_eff", 2.89, 0.11, 3.044),
            ("planck2018", "N_eff", 2.99, 0.17, 3.044), ("fields2020", "N_nu", 2.86, 0.15, 3.0)]


def test_plugin_registered_with_datasets():
    assert plugins()["neff"] is NeffZprime
    assert sorted(NeffZprime.datasets()) == sorted(d[0] for d in DATASETS)
    assert NeffZprime.default_dataset() == "act-dr6"


@pytest.mark.parametrize("dataset, observable, value, error, sm", DATASETS)
def test_likelihood_against_dataset_numbers(dataset, observable, value, error, sm):
    lk = NeffZprime(dataset)
    assert (lk.observable, lk.value, lk.error, lk.sm_value) == (observable, value, error, sm)
    m = np.array([1.0, 10 * MEV, 3 * MEV])
    g = np.full(3, 1e-3)
    ll = lk.loglike({"m_zp": m, "g_zp": g})
    assert ll[0] == pytest.approx(-0.5 * ((sm - value) / error) ** 2, rel=1e-12)  # heavy Z′: the SM
    pred = sm + lk.table(m[1:])
    np.testing.assert_allclose(ll[1:], -0.5 * ((pred - value) / error) ** 2, rtol=1e-12)


def test_planck_95_percent_interval_is_the_gaussian():
    """Planck 2018 quotes 2.99 ± 0.17 (68%) and 2.99 +0.34 −0.33 (95%): 1.96σ = 0.333."""
    lk = NeffZprime("planck2018")
    assert 1.96 * lk.error == pytest.approx(0.335, abs=0.005)


def test_bounds_by_dataset():
    """95% CL lower bounds on a thermalised Z′ (Δχ² = 3.84 against the SM at the same mass), MeV."""
    expected = {"planck2018": 10.38, "act-dr6": 13.43, "act-dr6-bbn": 14.06, "fields2020": 12.04}
    for dataset, bound in expected.items():
        assert excluded_below(NeffZprime(dataset)) / MEV == pytest.approx(bound, abs=0.02)
    assert excluded_below(NeffZprime("planck2018", neutrinos="split")) / MEV == pytest.approx(11.98, abs=0.02)


def test_vectorized_batch_equals_loop_and_domain():
    rng = np.random.default_rng(7)
    m = 10 ** rng.uniform(-6, 0, 300)
    g = 10 ** rng.uniform(-13, -1, 300)
    m[:6] = [0.0, -1.0, np.nan, np.inf, 1e-3, 1e-3]
    g[:6] = [1e-3, 1e-3, 1e-3, 1e-3, np.nan, -1.0]
    for options in ({}, {"thermalised": "assume"}, {"neutrinos": "split"}):
        lk = NeffZprime("planck2018", **options)
        batch = lk.loglike({"m_zp": m, "g_zp": g})
        loop = np.array([lk.loglike({"m_zp": m[i:i + 1], "g_zp": g[i:i + 1]})[0] for i in range(len(m))])
        np.testing.assert_array_equal(batch, loop)
        assert not np.any(np.isnan(batch)) and np.all(np.isfinite(batch[6:]))
        assert np.all(batch[:4] == -np.inf)
        if "thermalised" not in options:
            assert np.all(batch[4:6] == -np.inf)


@pytest.mark.parametrize("option, value", [("thermalised", "always"), ("neutrinos", "three")])
def test_bad_option_is_an_error(option, value):
    with pytest.raises(GlobalfitError, match=f"{option}: '{value}'; allowed"):
        NeffZprime("planck2018", **{option: value})
    card = {"params": {"m_zp": {"prior": "log-uniform", "min": 1e-3, "max": 0.1}, "g_zp": 1e-3},
            "likelihoods": {"neff": {option: value}}, "sampler": {"name": "dynesty"}}
    with pytest.raises(CardError, match=option):
        load_card(card)
    with pytest.raises(CardError, match="nope"):
        load_card({**card, "likelihoods": {"neff": {"dataset": "nope"}}})


def test_card_with_the_lmu_ltau_model():
    """The plugin reads only m_zp and g_zp: a card of the default model evaluates it like the plugin itself."""
    card = load_card({"params": {"m_zp": {"prior": "log-uniform", "min": 1e-3, "max": 0.1},
                                 "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-1}},
                      "likelihoods": {"neff": {"dataset": "planck2018"}}, "sampler": {"name": "dynesty"}})
    post = Posterior(card)
    theta = np.array([[0.01, 5e-4], [0.05, 1e-3]])
    ev = post.evaluate(theta)
    lk = NeffZprime("planck2018")
    np.testing.assert_allclose(ev.loglike["neff"], lk.loglike({"m_zp": theta[:, 0], "g_zp": theta[:, 1]}))
    assert ev.loglike["neff"][0] < ev.loglike["neff"][1] - 1.0  # 10 MeV is disfavoured, 50 MeV is the SM
