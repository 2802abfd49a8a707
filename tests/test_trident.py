"""Neutrino trident (likelihoods/trident/NOTES.md): the ν_μγ → ν_μμ⁺μ⁻ amplitude, cross section, coefficient tables
and the likelihood, against independent computations and known limits. Direct computations use reduced quadrature
(they agree with the tables' quadrature to ≲ 0.3%)."""
import numpy as np
import pytest

from globalfit import catalog
from globalfit.likelihood import plugins
from globalfit.physics import trident as tr
from globalfit.physics.constants import ALPHA_0, G_F, M_MU, S2W_LOW, V_HIGGS
from globalfit.physics.zprime import delta_a_mu
from likelihoods.trident import Trident

QUICK = tr.Nodes(m2=8, q2=8, cos=12, phi=4, s=12)
FE = [tr.Nucleus(26, 1, 3.7377)]  # CCFR target as in data/trident/build_table.py


def _table(dataset: str) -> tr.CoefficientTable:
    return Trident(dataset).table


def _random_kinematics(n: int, seed: int, q2_gamma: float = 0.0):
    rng = np.random.default_rng(seed)
    w2 = rng.uniform(0.1, 50.0, n)
    mm2 = rng.uniform(4 * M_MU**2, w2)
    q2 = rng.uniform(0.0, 1.0, n) * (w2 + q2_gamma) * (w2 - mm2) / w2
    return tr.kinematics(w2, mm2, q2, rng.uniform(-1, 1, n), rng.uniform(0, 2 * np.pi, n), q2_gamma)


# ---------------------------------------------------------------------------------------- amplitude
@pytest.mark.parametrize("q2_gamma", [0.0, 0.05])
def test_kinematics_conserve_momentum_and_invariants(q2_gamma):
    k, kp, p, p1, p2 = _random_kinematics(20, 1, q2_gamma)
    np.testing.assert_allclose(k + p, kp + p1 + p2, atol=1e-12)
    for v, m2 in ((k, 0.0), (kp, 0.0), (p, -q2_gamma), (p1, M_MU**2), (p2, M_MU**2)):
        np.testing.assert_allclose(tr.mdot(v, v), m2, atol=1e-12)


@pytest.mark.parametrize("q2_gamma", [0.0, 0.05])
def test_gauge_invariance(q2_gamma):
    """Replacing the photon polarisation by its momentum gives zero (both diagrams are needed)."""
    k, kp, p, p1, p2 = _random_kinematics(50, 2, q2_gamma)
    for eps in tr.polarisations(k, p)[:2]:
        mv, ma = tr.amplitudes(k, kp, p, eps, p1, p2)
        gv, ga = tr.amplitudes(k, kp, p, p, p1, p2)
        scale = np.max(np.abs(mv), axis=(-1, -2))[:, None, None]
        assert np.max(np.abs(gv) / scale) < 1e-12
        assert np.max(np.abs(ga) / scale) < 1e-12
        assert np.min(scale) > 1e-6  # the physical amplitudes are not zero


def _traces(k, kp, p, eps, p1, p2, m=M_MU):
    """Σ_spins |M_V|², |M_A|² from Dirac traces (no spinors): L_αβ W^αβ with
    L^αβ = Tr[k̸′γ^α(1−γ5)k̸γ^β(1−γ5)], W^αβ = Tr[(p̸₁+m) O^α (p̸₂−m) Ō^β], Ō = γ⁰O†γ⁰."""
    g, g5, eye = tr.GAMMA, tr.GAMMA5, np.eye(4)
    pl = eye - g5
    sl = lambda a: np.einsum("m,mij->ij", tr.METRIC @ a, g)  # noqa: E731
    d1 = tr.mdot(p1 - p, p1 - p) - m * m
    d2 = tr.mdot(p - p2, p - p2) - m * m
    s1, s2 = sl(p1 - p) + m * eye, sl(p - p2) + m * eye
    lt = np.array([[np.trace(sl(kp) @ g[a] @ pl @ sl(k) @ g[b] @ pl) for b in range(4)] for a in range(4)])
    out = []
    for gam in (eye, g5):
        o = [sl(eps) @ s1 @ g[a] @ gam / d1 + g[a] @ gam @ s2 @ sl(eps) / d2 for a in range(4)]
        ob = [g[0] @ x.conj().T @ g[0] for x in o]
        w = np.array([[np.trace((sl(p1) + m * eye) @ o[a] @ (sl(p2) - m * eye) @ ob[b]) for b in range(4)]
                      for a in range(4)])
        eta = np.diag(tr.METRIC)
        out.append(np.real(np.einsum("a,b,ab,ab->", eta, eta, lt, w)))
    return out


def test_spinor_amplitudes_match_trace_formula():
    k, kp, p, p1, p2 = _random_kinematics(6, 3)
    eps_y, eps_x, _ = tr.polarisations(k, p)
    for eps in (eps_y, eps_x):
        vv, aa, _ = tr.squared_parts(k, kp, p, p1, p2, eps)
        for i in range(len(k)):
            tv, ta = _traces(k[i], kp[i], p[i], eps[i], p1[i], p2[i])
            assert vv[i] == pytest.approx(tv, rel=1e-10)
            assert aa[i] == pytest.approx(ta, rel=1e-10)


def test_vector_axial_interference_integrates_to_zero():
    """C-odd under μ⁺ ↔ μ⁻: so ν and ν̄ give the same σ/σ_SM (CHARM-II used both)."""
    r = tr.nugamma_parts(5.0, QUICK)
    assert abs(r["va"].sum()) < 1e-12 * r["vv"].sum()
    k, kp, p, p1, p2 = _random_kinematics(5, 4)
    assert np.max(np.abs(tr.squared_parts(k, kp, p, p1, p2, tr.polarisations(k, p)[0])[2])) > 0  # not pointwise


# ------------------------------------------------------------------------------------ cross sections
def test_sm_nugamma_cross_section_leading_log():
    """Known limit: for ŝ ≫ m_μ², σ(νγ → νμ⁺μ⁻) → (α G_F² ŝ / 9π²)(C_V² + C_A²) [ln(ŝ/m_μ²) + c]:
    the photon's μ± content (α/2π)(z² + (1−z)²) ln(ŝ/m_μ²) (Weizsäcker–Williams splitting; Budnev et al.,
    Phys. Rept. 15 (1975) 181) times σ(ν_μ μ∓ → ν_μ μ∓) = (G_F² s/π)(g_L² + g_R²/3) and its μ⁺ analogue
    (g_L,R = (C_V ± C_A)/2; 't Hooft, PLB 37 (1971) 195), ∫dz z(z² + (1−z)²) = 1/3. This fixes the overall
    normalisation. The constant, c = −8/3 (−2.6667), is our own result, checked here as a regression."""
    nodes = tr.Nodes(m2=12, q2=8, cos=32, phi=4)
    cv, ca = tr.C_V_SM, tr.C_A_SM
    resid = []
    for s in (1e3, 1e4):
        sigma = tr.nugamma_cross_section(s, nodes=nodes)
        resid.append(sigma / (ALPHA_0 * G_F**2 * s * (cv**2 + ca**2) / (9 * np.pi**2)) - np.log(s / M_MU**2))
    assert abs(resid[1] - resid[0]) < 2e-3 * np.log(10.0)  # slope of ln ŝ is 1 to 0.2%
    assert resid[1] == pytest.approx(-8.0 / 3.0, abs=0.01)
    assert tr.nugamma_cross_section(4 * M_MU**2 * 0.99) == 0.0  # below threshold


def test_epa_flux_closed_form():
    """Φ(ŝ) = ∫ dQ²/Q² (1 − Q²min/Q²) F² against direct quadrature."""
    from scipy.integrate import quad

    s_hat, energy, r_fm = 3.0, 40.0, 3.7377
    b = (r_fm / tr.HBARC_GEV_FM) ** 2 / 3.0
    qmin2 = (s_hat / (2 * energy)) ** 2
    with_factor = quad(lambda t: (1 - qmin2 / np.exp(t)) * np.exp(-b * np.exp(t)), np.log(qmin2), np.log(50 / b))[0]
    without = quad(lambda t: np.exp(-b * np.exp(t)), np.log(qmin2), np.log(50 / b))[0]
    assert tr.epa_flux(s_hat, energy, r_fm) == pytest.approx(with_factor, rel=1e-8)
    assert tr.epa_flux(s_hat, energy, r_fm, qmin_factor=False) == pytest.approx(without, rel=1e-8)


# ------------------------------------------------------------------------------- tables and limits
@pytest.mark.parametrize("dataset, mu_mass_effect", [("ccfr", 0.023), ("charm2", 0.057)])
def test_heavy_zprime_reproduces_contact_formula(dataset, mu_mass_effect):
    """m_Z′ ≥ 30 GeV: the table's σ/σ_SM is the AGPY contact formula up to the muon-mass effect on the SM
    axial piece (AGPY assume equal V and A weights, AA/VV = 1; here AA/VV = 1.11 for CCFR, 1.29 for
    CHARM-II), which lowers R − 1 by ≈ 2.3% (CCFR) and 5.7% (CHARM-II); with that weight included the
    contact formula is reproduced to 0.1% for m_Z′ ≥ 100 GeV. For CCFR at R ≤ 2, R itself agrees with
    AGPY to ≤ 1.5%."""
    table = _table(dataset)
    with np.load(catalog.verified_path(f"trident/{dataset}.npz")) as t:
        r_aa = float(t["aa_over_vv"])
    c = 1 + 4 * S2W_LOW
    for m in (30.0, 100.0, 300.0, 3000.0):
        for target in (1.3, 2.0, 5.0):  # AGPY σ/σ_SM
            g = _g_for_contact_ratio(m, target)
            ours = float(table.ratio(m, g))
            generalised = ((c + 2 * V_HIGGS**2 * g**2 / m**2) ** 2 + r_aa) / (c**2 + r_aa)
            # propagator correction ∝ ⟨Q²⟩/m_Z′² (⟨Q²⟩ ≈ 3 GeV² for CCFR): 0.6% at 30 GeV in R − 1
            assert (ours - 1) / (generalised - 1) == pytest.approx(1.0, abs=1e-3 if m >= 100 else 1e-2)
            assert (ours - 1) / (target - 1) == pytest.approx(1 - mu_mass_effect, abs=0.008)
            if target <= 2.0 and dataset == "ccfr":
                assert ours == pytest.approx(target, rel=0.015)  # ≈1% where CCFR is sensitive


def _g_for_contact_ratio(m, target):
    c = 1 + 4 * S2W_LOW
    x = np.sqrt(target * (c * c + 1) - 1) - c  # = 2 v² g² / m²
    return np.sqrt(x * m * m / (2 * V_HIGGS**2))


def test_contact_limit_is_exact_for_massless_muons():
    """Direct computation at m_Z′ = 300 GeV with the muon mass scaled down by 30: A m² and B m⁴ reach the
    AGPY values 4c v²κ'/(c²+1), 4v⁴κ'²/(c²+1) (κ' = 10⁻⁶, c = 1 + 4s_W²)."""
    c = 1 + 4 * S2W_LOW
    r = tr.ratio_coefficients(np.array([300.0]), FE, 160.0, QUICK, m=M_MU / 30)
    assert r["A"][0] * 300.0**2 == pytest.approx(4 * c * V_HIGGS**2 * 1e-6 / (c * c + 1), rel=1e-3)
    assert r["B"][0] * 300.0**4 == pytest.approx(4 * V_HIGGS**4 * 1e-12 / (c * c + 1), rel=1e-3)


def test_light_zprime_far_below_contact_formula():
    table = _table("ccfr")
    g = 1e-3
    for m, factor in ((0.01, 1e3), (0.1, 30.0)):
        assert tr.contact_ratio(m, g) - 1 > factor * (table.ratio(m, g) - 1)


def test_a_at_100_mev_ccfr():
    """The reference value A(100 MeV) ≈ 0.16 (±15%; likelihoods/trident/NOTES.md). The table gives 0.1885: it uses the
    EPA flux with the factor (1 − Q²min/Q²), which the calculation without the EPA (static Coulomb field,
    virtual-photon σ_T and σ_L) confirms to 1%. The flux without that factor gives 0.156, within 3% of 0.16 — the
    reference value is reproduced when its flux is used."""
    a_table = float(_table("ccfr").coefficients(0.1)[0])
    assert a_table == pytest.approx(0.1885, rel=2e-3)  # regression of the stored table
    spec_flux = tr.ratio_coefficients(np.array([0.1]), FE, 160.0, QUICK, qmin_factor=False)["A"][0]
    assert spec_flux == pytest.approx(0.16, rel=0.15)
    no_epa = tr.ratio_coefficients(np.array([0.1]), FE, 160.0, QUICK, method="coulomb", n_qt=10)["A"][0]
    assert a_table == pytest.approx(no_epa, rel=0.015)


def test_table_matches_direct_computation_off_grid():
    table = _table("ccfr")
    masses = np.array([0.0173, 0.537, 23.1])  # between grid points
    direct = tr.ratio_coefficients(masses, FE, 160.0, QUICK)
    a, b = table.coefficients(masses)
    np.testing.assert_allclose(a, direct["A"], rtol=3e-3)
    np.testing.assert_allclose(b, direct["B"], rtol=5e-3)


def test_extrapolation_outside_grid():
    table = _table("ccfr")
    lo, hi = np.exp(table.log_m[[0, -1]])
    a_lo, b_lo = table.coefficients(lo)
    a, b = table.coefficients(np.array([lo / 100, hi * 10]))
    assert a[0] == pytest.approx(a_lo, rel=1e-12)  # A has converged to its m → 0 limit ...
    assert np.exp(table.log_a[0] - table.log_a[3]) == pytest.approx(1.0, abs=1e-4)
    b_slope = (np.exp(table.log_b[0]) - np.exp(table.log_b[30])) / (table.log_m[30] - table.log_m[0])
    assert b[0] == pytest.approx(b_lo + b_slope * np.log(100.0), rel=0.01)  # ... B grows like ln(1/m)
    assert a[1] == pytest.approx(table.a_inf / (10 * hi) ** 2, rel=1e-12)
    assert float(table.coefficients(hi)[0]) * hi**2 == pytest.approx(table.a_inf, rel=1e-4)  # continuous


# ----------------------------------------------------------------------------------------- likelihood
def test_plugin_registered_with_datasets():
    assert plugins()["trident"] is Trident
    assert Trident.datasets() == ["ccfr", "charm2"]
    assert Trident.default_dataset() == "ccfr"


@pytest.mark.parametrize("dataset, value, error", [("ccfr", 0.82, 0.28), ("charm2", 1.58, 0.57)])
def test_loglike_vectorized_and_domain(dataset, value, error):
    lk = Trident(dataset)
    m = np.array([0.01, 0.1, 1.0, 1e-6, 1e4, -1.0, 0.0, np.nan, 0.1, 0.1])
    g = np.array([5e-4, 1e-3, 5e-3, 1e-3, 1.0, 1e-3, 1e-3, 1e-3, np.inf, 0.0])
    ll = lk.loglike({"m_zp": m, "g_zp": g})
    assert ll.shape == m.shape and not np.any(np.isnan(ll))
    assert np.all(np.isfinite(ll[:5])) and np.all(ll[5:9] == -np.inf)
    assert ll[9] == pytest.approx(-0.5 * ((1 - value) / error) ** 2)  # g = 0: the SM
    r = lk.ratio(m[:3], g[:3])
    np.testing.assert_allclose(ll[:3], -0.5 * ((r - value) / error) ** 2)


def test_ccfr_excludes_gminus2_band_above_few_hundred_mev():
    """Along Δa_μ = 251e−11 (the 2021 anomaly): allowed at 10 MeV, χ² > 4 from ≈ 0.19 GeV on."""
    lk = Trident("ccfr")
    m = np.array([0.01, 0.1, 0.3, 1.0])
    g = np.sqrt(251e-11 / delta_a_mu(m, 1.0))
    chi2 = -2 * lk.loglike({"m_zp": m, "g_zp": g})
    assert chi2[0] < 1.0 and chi2[1] < 4.0
    assert chi2[2] > 4.0 and chi2[3] > 25.0
