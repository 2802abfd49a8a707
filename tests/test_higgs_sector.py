"""The scalar sector of the doublet models (globalfit.physics.higgs_sector) and its plugins oblique, higgs_potential,
bphysics, each formula against an independent computation: numerical diagonalisations (gauge-boson and scalar mass
matrices built from the vevs and the potential), Feynman-parameter and box integrals by quadrature, the general
multi-Higgs oblique formula with explicit mixing matrices, published limits and formulas (Barbieri–Hall–Rychkov,
HEPfit's mass-form unitarity eigenvalues and 2HDM matching, flavio numbers) — sources next to each check."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.integrate import quad

from globalfit.errors import DataError, GlobalfitError
from globalfit.physics import higgs_sector as hs
from globalfit.physics import zprime
from globalfit.physics.constants import E_CHARGE, M_W, M_Z, V_HIGGS
from likelihoods.bphysics import BPhysics
from likelihoods.higgs_potential import HiggsPotential
from likelihoods.oblique import Oblique

V2 = V_HIGGS**2
AT = 16.0 * math.pi**2 * hs.ALPHA_MZ * V2  # the T normalisation 16π² α̂ v²


@pytest.fixture(autouse=True)
def _strict():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            yield


# ============================================================================================ the potential
def _cp_even_masses(l1, l2, l345, tb, m2):
    """m_h, m_H (lighter, heavier) and the angle of the lighter state from ρ₁, by numerical diagonalisation of the
    CP-even mass matrix of the potential with the soft term m₁₂² = M² sβcβ (Branco et al. 2012, §2)."""
    cb = 1 / math.sqrt(1 + tb * tb)
    sb = tb * cb
    mat = np.array([[l1 * V2 * cb * cb + m2 * sb * sb, (l345 * V2 - m2) * sb * cb],
                    [(l345 * V2 - m2) * sb * cb, l2 * V2 * sb * sb + m2 * cb * cb]])
    w, vec = np.linalg.eigh(mat)
    return np.sqrt(w), vec


@pytest.mark.parametrize("tb, mh2, mc, m2, cba", [
    (0.0813, 40.0, 100.0, 0.0, -0.0811),     # doublet model, h unmixed (cos(β−α) = −sinβ)
    (0.3, 150.0, 200.0, 0.0, 0.0),           # doublet model, alignment
    (0.05, 310.0, 350.0, 300.0**2, -0.0499), # doublet+singlet: M² = m_A² cos²γ
    (1.7, 500.0, 480.0, 450.0**2, 0.1),      # a generic 2HDM point
])
def test_quartics_reproduce_the_masses_by_diagonalisation(tb, mh2, mc, m2, cba):
    l1, l2, l3, l4, l5 = hs.quartic_couplings(tb, mh2, mc, m2, cba)
    assert float(l5) == pytest.approx(0.0, abs=1e-12)  # λ₅ = 0: forbidden by the U(1)′ charge of Φ
    masses, vec = _cp_even_masses(float(l1), float(l2), float(l3 + l4 + l5), tb, m2)
    assert sorted(masses) == pytest.approx(sorted([hs.M_H_SM, mh2]), rel=1e-9)
    # charged and CP-odd: m_H±² = M² − (λ₄ + λ₅)v²/2, m_A(2HDM)² = M² − λ₅v² (= M²)
    assert math.sqrt(m2 - float(l4 + l5) * V2 / 2) == pytest.approx(mc, rel=1e-12)
    # the h state: cos(β − α) is its overlap with the non-vev direction (−sβ, cβ) of the Higgs basis
    i_h = int(np.argmin(np.abs(masses - hs.M_H_SM)))
    h = vec[:, i_h] * np.sign(vec[0, i_h] if abs(vec[0, i_h]) > 1e-12 else 1.0)
    cb = 1 / math.sqrt(1 + tb * tb)
    sb = tb * cb
    assert abs(-sb * h[0] + cb * h[1]) == pytest.approx(abs(cba), abs=1e-9)


def _hepfit_unitarity(mh, mH2, mA2, mc2, tb, sa, ca, m12_2):
    """The twelve eigenvalues as HEPfit writes them in masses (silvest/HEPfit, THDM/src/unitarity.cpp,
    unitarity1 … unitarity12; transcribed), for a generic 2HDM with λ₆ = λ₇ = 0."""
    sb, cb = tb / math.sqrt(1 + tb * tb), 1 / math.sqrt(1 + tb * tb)
    v2 = V2
    mh2 = mh * mh
    base = (mh2 * ca * ca + mH2 * sa * sa - m12_2 / tb) / sb / sb + (mH2 * ca * ca + mh2 * sa * sa - m12_2 * tb) / cb / cb
    quad2 = ((mh2 / cb / cb - mH2 / sb / sb) * sa * sa + (mH2 / cb / cb - mh2 / sb / sb) * ca * ca
             + m12_2 / tb / sb / sb - m12_2 * tb / cb / cb) ** 2
    u1 = (base + math.sqrt(4 * (mA2 - m12_2 / (cb * sb)) ** 2 + quad2)) / (2 * v2)
    u2 = (base - math.sqrt(4 * (mA2 - m12_2 / (cb * sb)) ** 2 + quad2)) / (2 * v2)
    u3 = (base + math.sqrt(4 * (mA2 - 2 * mc2 + m12_2 / (cb * sb)) ** 2 + quad2)) / (2 * v2)
    u4 = (base - math.sqrt(4 * (mA2 - 2 * mc2 + m12_2 / (cb * sb)) ** 2 + quad2)) / (2 * v2)
    b5 = 3 * ((mH2 / cb / cb + mh2 / sb / sb) * ca * ca + (mh2 / cb / cb + mH2 / sb / sb) * sa * sa
              - m12_2 * (1 / tb / sb / sb + tb / cb / cb))
    r5 = math.sqrt(4 * (mA2 + 2 * mc2 - (m12_2 + 2 * (mh2 - mH2) * ca * sa) / (cb * sb)) ** 2
                   + 9 * ((mh2 - mH2) * (ca * ca - sa * sa) + (mh2 + mH2 - 2 * m12_2 / (cb * sb)) * (cb * cb - sb * sb)) ** 2
                   / (4 * cb**4 * sb**4))
    u5, u6 = (b5 + r5) / (2 * v2), (b5 - r5) / (2 * v2)
    k = (mH2 - mh2) * ca * sa / (cb * sb)
    u7 = (mA2 + k) / v2
    u8 = (-mA2 + 4 * mc2 + k - 2 * m12_2 / (cb * sb)) / v2
    u9 = (-mA2 + 2 * mc2 + k) / v2
    u10 = (mA2 + 2 * mc2 + k - 2 * m12_2 / (cb * sb)) / v2
    u11 = (-mA2 - 2 * mc2 + k + 4 * m12_2 / (cb * sb)) / v2
    u12 = (5 * mA2 - 2 * mc2 + k - 2 * m12_2 / (cb * sb)) / v2
    return np.array([u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12])


@pytest.mark.parametrize("seed", range(6))
def test_unitarity_eigenvalues_agree_with_hepfit_mass_form(seed):
    rng = np.random.default_rng(seed)
    tb = float(rng.uniform(0.3, 5.0))
    mH, mA, mc = (float(x) for x in rng.uniform(130, 700, 3))
    m2 = float(rng.uniform(0, 500) ** 2)
    cba = float(rng.uniform(-0.3, 0.3))
    lam = hs.quartic_couplings(tb, mH, mc, m2, cba, m_a2hdm=mA)
    ours = np.sort(hs.unitarity_eigenvalues(*lam))
    sb, cb, sa, ca = (float(x) for x in hs._angles(tb, cba))
    theirs = np.sort(_hepfit_unitarity(hs.M_H_SM, mH**2, mA**2, mc**2, tb, sa, ca, m2 * sb * cb))
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-9)


def test_bounded_from_below_against_random_field_directions():
    """The BFB conditions against a brute-force search: V₄ evaluated on 4000 random directions of (Φ₁, Φ₂) ∈ C⁴ —
    a negative value must be found whenever the conditions fail (and never when they hold)."""
    rng = np.random.default_rng(11)
    z = rng.normal(size=(4000, 8))
    p1, p2 = z[:, 0:2] + 1j * z[:, 2:4], z[:, 4:6] + 1j * z[:, 6:8]
    a, b = np.sum(np.abs(p1) ** 2, 1), np.sum(np.abs(p2) ** 2, 1)
    c = np.sum(np.conj(p1) * p2, 1)
    # add the directions that test the conditions most sharply: aligned (|c|² = ab) and orthogonal (c = 0) pairs
    for lams in [rng.uniform(-1, 3, 5) for _ in range(300)]:
        l1, l2, l3, l4, l5 = lams
        v4 = 0.5 * l1 * a * a + 0.5 * l2 * b * b + l3 * a * b + l4 * np.abs(c) ** 2 + 0.5 * l5 * 2 * np.real(c * c)
        u = np.linspace(0.01, 100, 2000)  # a = 1, b = u², aligned with the phase making λ₅ term −|λ₅|, or c = 0
        aligned = 0.5 * l1 + 0.5 * l2 * u**4 + (l3 + l4 - abs(l5)) * u**2
        ortho = 0.5 * l1 + 0.5 * l2 * u**4 + l3 * u**2
        found_negative = (v4 < 0).any() or (aligned < 0).any() or (ortho < 0).any() or l1 <= 0 or l2 <= 0
        assert bool(hs.bounded_from_below(l1, l2, l3, l4, l5)) == (not found_negative), lams


def test_unitarity_caps_the_heavy_neutral_scalar_in_the_doublet_model():
    """λ₂ ≈ m_H²/(v² sin²β) for small tanβ and a₊ ≈ 3λ₂ < 8π: m_H ≲ √(8π/3) v sinβ (= 712 GeV · sinβ)."""
    for tb in (0.01, 0.0813, 0.2):
        mh = np.linspace(1.0, 300.0, 30000)
        ok = hs.potential_allowed(tb, tb, 100.0, mh, 300.0)
        bound = math.sqrt(8 * math.pi / 3) * V_HIGGS * tb / math.sqrt(1 + tb * tb)
        assert mh[ok].max() == pytest.approx(bound, rel=0.01)
    # the default m_h2 = m_hpm = 300 GeV needs tanβ > 0.47 in the doublet model
    tbs = np.linspace(0.3, 0.6, 3001)
    ok = hs.potential_allowed(tbs, tbs, 300.0, 300.0, 300.0)
    assert tbs[ok].min() == pytest.approx(0.468, abs=0.002)


def test_cp_odd_sector_of_the_singlet_model_by_numerical_diagonalisation():
    """The CP-odd mass matrix of V ⊃ −μ(H†Φσ* + h.c.) (the other terms depend on |H|², |Φ|², |σ|² and enter only
    through the minimum conditions) diagonalised numerically: two zero modes (the Z and Z′ Goldstones) and one A with
    m_A² = M²/cos²γ, M² = m₁₂²/(sβcβ), m₁₂² = μv_σ/√2, whose overlap with A₂ = (−sβ, cβ, 0) is cos²γ = 1 − δ²/tan²β."""
    mu = 37.0
    for m_zp, g, tth in [(0.01, 5e-4, 2.0), (0.05, 1e-3, 0.3), (1.0, 0.02, 15.0)]:
        tb, delta, _, ok = (float(x) for x in zprime.mass_mixing(m_zp, g, tth))
        assert ok
        cb = 1 / math.sqrt(1 + tb * tb)
        sb = tb * cb
        v = np.array([V_HIGGS * cb, V_HIGGS * sb, V_HIGGS * sb * tth])  # (H, Φ, σ)

        def v_mu(rho, eta):
            f = (v + rho + 1j * eta) / math.sqrt(2)
            return -mu * 2 * np.real(np.conj(f[0]) * f[1] * np.conj(f[2]))

        h = 1e-2
        hess = np.zeros((3, 3))
        for i in range(3):
            for j in range(3):
                ei, ej = np.eye(3)[i] * h, np.eye(3)[j] * h
                hess[i, j] = (v_mu(0, ei + ej) - v_mu(0, ei - ej) - v_mu(0, -ei + ej) + v_mu(0, -ei - ej)) / (4 * h * h)
        tad = np.array([(v_mu(np.eye(3)[i] * h, 0) - v_mu(-np.eye(3)[i] * h, 0)) / (2 * h) for i in range(3)])
        mass = hess - np.diag(tad / v)
        w, vec = np.linalg.eigh(mass)
        assert abs(w[0]) < 1e-6 * w[2] and abs(w[1]) < 1e-6 * w[2]
        cos2g = float(hs.cp_odd_doublet_fraction(delta, tb))
        assert cos2g == pytest.approx(tth**2 / (tth**2 + cb * cb), rel=1e-9)
        m2 = mu * v[2] / math.sqrt(2) / (sb * cb)
        assert w[2] == pytest.approx(m2 / cos2g, rel=1e-6)
        a2 = np.array([-sb, cb, 0.0])
        assert float(vec[:, 2] @ a2) ** 2 == pytest.approx(cos2g, rel=1e-6)
    assert float(hs.cp_odd_doublet_fraction(0.08, 0.08)) == 0.0      # doublet: A₂ is eaten by the Z′
    assert float(hs.cp_odd_doublet_fraction(-0.08, 0.08)) == 0.0     # doublet_charge −1
    assert float(hs.cp_odd_doublet_fraction(0.0, 0.0)) == 0.0        # no doublet


# ===================================================================================== oblique parameters
def test_loop_function_against_its_feynman_parameter_integral():
    """F(x, y) = 4B₂₂(0; x, y) − A₀(x) − A₀(y) = −2∫₀¹ X₀ ln X₀ dx + x ln x + y ln y (X₀ = t x + (1 − t) y)."""
    for x, y in [(300.0**2, 125.0**2), (80.0**2, 91.0**2), (1e4, 1e4 * (1 + 1e-6)), (5e4, 0.0), (0.0, 7.0)]:
        integral = quad(lambda t: (t * x + (1 - t) * y) * math.log(t * x + (1 - t) * y) if t * x + (1 - t) * y > 0 else 0.0,
                        0, 1, epsabs=1e-12, epsrel=1e-12)[0]
        ref = -2 * integral + (x * math.log(x) if x > 0 else 0) + (y * math.log(y) if y > 0 else 0)
        assert float(hs.loop_f(x, y)) == pytest.approx(ref, rel=1e-7, abs=1e-6)
    assert float(hs.loop_f(4.0, 4.0)) == 0.0 and float(hs.loop_f(0.0, 0.0)) == 0.0


def test_t_limits_custodial_and_near_degenerate():
    # custodial symmetry: m_H± = m_A gives T = 0 for any m_H (c = 0); m_H± = m_H at c = 0 as well
    assert float(hs.t_2hdm(300.0, 500.0, 300.0, 0.0)) == pytest.approx(0.0, abs=1e-12)
    assert float(hs.t_2hdm(300.0, 300.0, 50.0, 0.0)) == pytest.approx(0.0, abs=1e-12)
    # near degeneracy: T ≈ (m_H± − m_A)(m_H± − m_H)/(12π² α̂ v²) — Barbieri, Hall, Rychkov, hep-ph/0603188, who
    # write it as (…)/(24π² α v²) with v = 174 GeV
    mc, ma, mh = 500.0, 490.0, 485.0
    approx = (mc - ma) * (mc - mh) / (24 * math.pi**2 * hs.ALPHA_MZ * (V_HIGGS / math.sqrt(2)) ** 2)
    assert float(hs.t_2hdm(mc, mh, ma, 0.0)) == pytest.approx(approx, rel=0.03)


def test_s_heavy_limit_matches_barbieri_hall_rychkov():
    """For masses ≫ m_Z, S → (1/2π)[(1/6) ln(m_H²/m_H±²) − 5/36 + m_H²m_A²/(3(m_A² − m_H²)²)
    + m_A⁴(m_A² − 3m_H²) ln(m_A²/m_H²)/(6(m_A² − m_H²)³)] (inert doublet; Barbieri, Hall, Rychkov, PRD 74 (2006)
    015007, hep-ph/0603188, eq. (3.x))."""
    for mh, ma, mc in [(8000.0, 9000.0, 8500.0), (10000.0, 12000.0, 15000.0), (20000.0, 21000.0, 19000.0)]:
        h, a = mh * mh, ma * ma
        bhr = (1 / (2 * math.pi)) * (math.log(h / mc**2) / 6 - 5 / 36 + h * a / (3 * (a - h) ** 2)
                                     + a * a * (a - 3 * h) * math.log(a / h) / (6 * (a - h) ** 3))
        assert float(hs.s_2hdm(mc, mh, ma, 0.0)) == pytest.approx(bhr, rel=2e-3, abs=1e-6)
    # degenerate doublet: S = 0
    assert float(hs.s_2hdm(400.0, 400.0, 400.0, 0.0)) == pytest.approx(0.0, abs=1e-10)


def test_b22_against_adaptive_quadrature():
    for q2, a, b in [(M_Z**2, 50.0**2, 0.01**2), (M_Z**2, 100.0**2, 100.0**2), (M_Z**2, 20.0**2, 30.0**2),
                     (M_Z**2, 300.0**2, 250.0**2), (M_Z**2, 45.0**2, 45.0**2), (M_Z**2, 80.0**2, 1e-4)]:
        def f(x):
            x0 = x * a + (1 - x) * b
            xq = x0 - x * (1 - x) * q2
            return (xq * math.log(abs(xq)) if xq != 0 else 0.0) - (x0 * math.log(x0) if x0 > 0 else 0.0)
        ref = -0.5 * quad(f, 0, 1, limit=200, epsabs=1e-10, epsrel=1e-10)[0]
        assert float(hs.b22_subtracted(q2, a, b)) == pytest.approx(ref, abs=2.0)  # GeV²: 1e−4 in S


def _gloo_t(u, m_ch, v, m_neu, m_h=hs.M_H_SM):
    """T of Grimus, Lavoura, Ogreid, Osland (NPB 801 (2008) 81, arXiv:0802.4353) for doublets and neutral singlets:
    φ_k⁺ = Σ_a U_ka S_a⁺, φ_k⁰ = (v_k + Σ_b V_kb S_b⁰)/√2, S₁⁺ = G⁺, S₁⁰ = G⁰."""
    F = lambda x, y: float(hs.loop_f(x, y))  # noqa: E731
    uv, vv = u.conj().T @ v, v.conj().T @ v
    out = 0.0
    for a_ in range(1, u.shape[1]):
        for b_ in range(1, v.shape[1]):
            out += abs(uv[a_, b_]) ** 2 * F(m_ch[a_] ** 2, m_neu[b_] ** 2)
    for b_ in range(1, v.shape[1]):
        for b2 in range(b_ + 1, v.shape[1]):
            out -= vv[b_, b2].imag ** 2 * F(m_neu[b_] ** 2, m_neu[b2] ** 2)
        out += 3 * vv[0, b_].imag ** 2 * (F(M_Z**2, m_neu[b_] ** 2) - F(M_W**2, m_neu[b_] ** 2))
    out -= 3 * (F(M_Z**2, m_h**2) - F(M_W**2, m_h**2))
    return out / AT


@pytest.mark.parametrize("tb, tth, mix", [(0.0813, 0.0, "none"), (0.2, 0.0, "alignment"), (0.05, 3.0, "none"),
                                          (0.3, 0.7, "alignment")])
def test_t_equals_general_multi_higgs_formula_with_explicit_mixing(tb, tth, mix):
    """The cos²γ-weighted 2HDM T (oblique_loops) against the general formula with the mixing matrices of the
    model's states (G⁰, h, H, s, A, G′) built from the vevs: A from the CP-odd direction (v₁v_σ, −v₂v_σ, v₁v₂), G′ the
    remaining zero mode."""
    mc, mH, mA, mzp = 140.0, 60.0, 310.0, 0.02
    cb = 1 / math.sqrt(1 + tb * tb)
    sb = tb * cb
    v = np.array([V_HIGGS * cb, V_HIGGS * sb, V_HIGGS * sb * tth])
    cba = float(hs.cos_beta_alpha(tb, mix))
    _, _, sa, ca = (float(x) for x in hs._angles(tb, cba))
    g0 = np.array([cb, sb, 0.0])
    if tth > 0:
        a_dir = np.array([v[1] * v[2], -v[0] * v[2], v[0] * v[1]])
        a_dir /= np.linalg.norm(a_dir)
        gp = np.cross(g0, a_dir)
    else:  # doublet: A₂ is the Z′ Goldstone; no physical A
        gp = np.array([-sb, cb, 0.0])
        a_dir = np.array([0.0, 0.0, 1.0])  # a pure singlet direction (irrelevant: no doublet component)
    # real neutral fields (ρ_H, ρ_Φ, ρ_σ, η_H, η_Φ, η_σ); states G⁰, h, H, s, A, G′
    states = [np.r_[0, 0, 0, g0], np.r_[-sa, ca, 0, 0, 0, 0], np.r_[ca, sa, 0, 0, 0, 0], np.r_[0, 0, 1, 0, 0, 0],
              np.r_[0, 0, 0, a_dir], np.r_[0, 0, 0, gp]]
    o = np.array(states)
    assert np.allclose(o @ o.T, np.eye(6), atol=1e-12)
    vmat = np.array([[o[b_, k] + 1j * o[b_, 3 + k] for b_ in range(6)] for k in range(2)])
    umat = np.array([[cb, -sb], [sb, cb]], dtype=complex)
    m_neu = [M_Z, hs.M_H_SM, mH, 700.0, mA, mzp]
    ref = _gloo_t(umat, [M_W, mc], vmat, m_neu)
    delta = sb / math.sqrt(cb * cb + tth * tth)  # δ of globalfit.physics.zprime for this (tanβ, tanθ)
    _, t = hs.oblique_loops(mc, mH, mA, tb, delta, mzp, mix)
    assert float(t) == pytest.approx(ref, rel=1e-9, abs=1e-12)


def test_tree_level_delta_rho_against_the_neutral_mass_matrix():
    """Δρ = −ε_Z²/(1 + ε_Z² − m_Z′²/m_Z²) against the 3 × 3 (W³, B, Z′) mass matrix of the vevs (covariant derivative of
    docs/physics/conventions.md, g_Z = 2m_Z/v so that m_Z0 = M_Z): ρ = m_W²/(c_W² m_Z²) with the heavy eigenvalue."""
    s2 = 0.23122
    gz = 2 * M_Z / V_HIGGS
    g2, gy = gz * math.sqrt(1 - s2), gz * math.sqrt(s2)
    for gx, tb, tth, charge in [(5e-4, 0.0813, 0.0, 1), (0.3, 0.5, 0.0, 1), (1.0, 0.9, 0.2, -1), (0.05, 0.2, 3.0, 1),
                                (3.0, 0.9, 0.0, 1)]:  # 3rd and 5th: Z′ heavier than the Z
        cb = 1 / math.sqrt(1 + tb * tb)
        sb = tb * cb
        v1, v2, vs = V_HIGGS * sb, V_HIGGS * cb, V_HIGGS * sb * tth
        u_h, u_phi = np.array([-g2 / 2, gy / 2, 0.0]), np.array([-g2 / 2, gy / 2, gx * charge])
        mat = v2**2 * np.outer(u_h, u_h) + v1**2 * np.outer(u_phi, u_phi) + vs**2 * gx**2 * np.diag([0, 0, 1.0])
        w, vec = np.linalg.eigh(mat)
        assert abs(w[0]) < 1e-9 * w[2]  # the photon
        z0 = np.array([math.sqrt(1 - s2), -math.sqrt(s2), 0.0])  # Z = c_W W³ − s_W B
        iz = 1 + int(np.argmax(np.abs(z0 @ vec[:, 1:])))  # the Z-like state, lighter or heavier than the Z′
        m_z, m_zp = math.sqrt(w[iz]), math.sqrt(w[3 - iz])
        eps_z = 2 * gx * sb * sb / gz * charge  # ε_Z of globalfit.physics.zprime (−M²_ZZ′/M²_ZZ)
        rho = (g2 * V_HIGGS / 2) ** 2 / ((1 - s2) * m_z**2)
        assert rho - 1 == pytest.approx(float(hs.delta_rho_mass_mixing(eps_z, m_zp)), rel=1e-8, abs=1e-16)
        assert (rho - 1 > 0) == (m_zp > m_z)  # a heavy Z′ pushes the Z down (T > 0), a light one up
    # reference point (docs/physics/zprime.md): ε_Z = 8.91e−6 at m_Z′ = 10 MeV: T_tree = −1.0e−8
    assert float(hs.delta_rho_mass_mixing(8.91e-6, 0.01)) / hs.ALPHA_MZ == pytest.approx(-1.016e-8, rel=1e-3)


def test_neutral_current_at_zero_momentum_is_enhanced_by_one_over_cos2beta():
    """ρ_NC(Q = 0) = 1 + δ²: for `higgs: doublet` the (Z, Z) element of the inverse (Z, Z′) mass matrix times m_Z0²
    is 1/cos²β = 1 + tan²β; G_F (W exchange) is unchanged."""
    gz = 2 * M_Z / V_HIGGS
    for gx, tb in [(5e-4, 0.0813), (0.01, 0.3)]:
        sb2 = tb * tb / (1 + tb * tb)
        a, b, c = gz**2 * V2 / 4, -gx * gz * V2 * sb2 / 2, gx**2 * V2 * sb2
        inv = np.linalg.inv(np.array([[a, b], [b, c]]))
        assert inv[0, 0] * a == pytest.approx(1 + tb * tb, rel=1e-10)
        assert float(hs.rho_nc(tb, 0.03, 0.0)) == pytest.approx(1 + tb * tb, rel=1e-14)
    # the Δs_W² of APV's interference term: ΔQ_W(second term) = −4 Z Δs_W² (likelihoods/apv)
    from likelihoods.apv import SW_CW, delta_qw
    m, d, eps, q = 0.02, 0.1, 5e-4 / 69.3, 2.4e-3
    second = float(delta_qw(m, d, eps, 0.0, SW_CW["tree"]))
    assert -4 * 55 * float(hs.delta_sin2w_low_energy(eps, d, m, q, SW_CW["tree"])) == pytest.approx(second, rel=1e-12)
    assert SW_CW["tree"] == pytest.approx(E_CHARGE * V_HIGGS / (2 * M_Z))


# ===================================================================================== B physics
def _box(n, x, y, a, b):
    """∫₀^∞ du uⁿ/((u + x)(u + y)(u + a)(u + b)) by adaptive quadrature in t = u/(1 + u)."""
    def f(t):
        u = t / (1 - t)
        return u**n / ((u + x) * (u + y) * (u + a) * (u + b)) / (1 - t) ** 2
    return quad(f, 0, 1, limit=400, epsabs=0.0, epsrel=1e-11)[0]


def _i2(x, y, a, b):
    return _box(2, x, y, a, b)


def _i1(x, y, a, b):
    return _box(1, x, y, a, b)


def test_box_integrals_reproduce_inami_lim_in_feynman_gauge():
    """The SM in Feynman gauge: S₀ = Σ_GIM [(1 + x_i x_j/4) I₂ + 2 x_i x_j I₁] (W W, G G and W G boxes; masses in
    units of m_W, I_n = ∫₀^∞ du u^n /((u + x_i)(u + x_j)(u + 1)²)): fixes the integrals' normalisation."""
    def f(x, y):
        return (1 + x * y / 4) * _i2(x, y, 1, 1) + (2 * x * y * _i1(x, y, 1, 1) if x * y else 0.0)
    for x in (2.0, 4.09, 9.0):
        gim = f(x, x) - 2 * f(x, 0) + f(0, 0)
        assert gim == pytest.approx(float(hs.inami_lim_s0(x)), rel=1e-7)


@pytest.mark.parametrize("m_hpm", [60.0, 120.0, 300.0, 800.0])
def test_charged_higgs_boxes_are_the_sm_boxes_with_g_replaced_by_h(m_hpm):
    """HEPfit's S_WH, S_HH (used by bs_mixing_ratio) equal the Feynman-gauge boxes with G± → H± (coupling ζ):
    x_t S_HH/4 = (x_t²/4) I₂(H, H), x_t S_WH/4 = x_t²[½ I₂(W, H) + 2 I₁(W, H)] (G H + W H boxes)."""
    xt = (hs.M_T_MSBAR / M_W) ** 2
    a = m_hpm**2 / M_W**2
    hh = xt * xt / 4 * _i2(xt, xt, a, a)
    wh = xt * xt * (0.5 * _i2(xt, xt, 1, a) + 2 * _i1(xt, xt, 1, a))
    s0 = float(hs.inami_lim_s0(xt))
    for zeta in (0.5, 1.0, 2.0):
        expected = 1 + (zeta**2 * wh + zeta**4 * hh) / s0
        assert float(hs.bs_mixing_ratio(zeta, m_hpm)) == pytest.approx(expected, rel=1e-7)


def test_bs_mixing_smooth_at_the_removable_poles_and_decoupling():
    for pole in (M_W, hs.M_T_MSBAR):
        m = pole * np.array([0.99, 0.9995, 1.0, 1.0005, 1.01])
        r = hs.bs_mixing_ratio(1.0, m)
        assert np.all(np.isfinite(r)) and np.max(np.abs(np.diff(r))) < 0.01
    assert float(hs.bs_mixing_ratio(1.0, 1e5)) == pytest.approx(1.0, abs=1e-3)
    assert float(hs.bs_mixing_ratio(0.0, 300.0)) == 1.0


def _hepfit_c7_c8(x):
    """HEPfit THDMMatching::setWCbsg (LO): n70ct, n70fr, n80ct, n80fr at x = m_t²/m_H±² (transcribed); type I:
    δC₇ = (n70ct − n70fr)/tan²β_2HDM, δC₈ = (n80ct − n80fr)/tan²β_2HDM."""
    lx, xm = math.log(x), 1 - x
    n70ct = -((7 - 5 * x - 8 * x * x) / (36 * xm**3) + (2 * x - 3 * x * x) * lx / (6 * xm**4)) * x / 2
    n70fr = ((3 * x - 5 * x * x) / (6 * xm**2) + (2 * x - 3 * x * x) * lx / (3 * xm**3)) / 2
    n80ct = -((2 + 5 * x - x * x) / (12 * xm**3) + x * lx / (2 * xm**4)) * x / 2
    n80fr = ((3 * x - x * x) / (2 * xm**2) + x * lx / xm**3) / 2
    return n70ct - n70fr, n80ct - n80fr


@pytest.mark.parametrize("m_hpm", [80.0, 150.0, 300.0, 1000.0])
def test_c7_c8_against_hepfit_type_one(m_hpm):
    c7, c8 = hs.delta_c7_c8(0.7, m_hpm)
    r7, r8 = _hepfit_c7_c8(hs.M_T_MSBAR**2 / m_hpm**2)
    assert (float(c7), float(c8)) == pytest.approx((0.49 * r7, 0.49 * r8), rel=1e-10)


def test_c7_sm_and_limits():
    assert hs.c7_sm_lo() == pytest.approx(-0.187, abs=0.003)  # C₇^(0)(μ_W) ≈ −0.19 (LO, m_t(m_t))
    c7, c8 = hs.delta_c7_c8(1.0, hs.M_T_MSBAR * np.array([0.999, 0.9999, 1.0, 1.0001, 1.001]))
    assert np.max(np.abs(np.diff(c7))) < 1e-3 and np.max(np.abs(np.diff(c8))) < 1e-3
    # heavy H±: δC₇ → ζ² y [−25/72 − ln(y)/3] (leading terms of the functions for y → 0)
    y = hs.M_T_MSBAR**2 / 1e5**2
    assert float(hs.delta_c7_c8(1.0, 1e5)[0]) == pytest.approx(y * (-25 / 72 - math.log(y) / 3), rel=1e-3)


def test_bsgamma_quadratic_form_against_flavio():
    """flavio 2.7.1 BR(B→X_sγ)/BR_SM with new-physics C₇, C₈ at 160 GeV (computed with flavio on this machine):
    (δC₇, δC₈) = (0.1, 0.1): 0.6868; (0.2, 0.1): 0.4804; (−0.2, −0.1): 1.7311. The quadratic completion with
    r₇ = −1.399, r₈ = −0.328 (data/bphysics) agrees to 2%."""
    for d7, d8, flavio in [(0.1, 0.1, 0.6868), (0.2, 0.1, 0.4804), (-0.2, -0.1, 1.7311)]:
        ours = (1 - 1.399 * d7 - 0.328 * d8) ** 2
        assert ours == pytest.approx(flavio, rel=0.02)


def test_type_one_bound_matches_the_literature():
    """The type-I 2HDM bound from b → sγ and B_s mixing is tanβ_2HDM ≳ 1–2 for m_H± ~ 100–500 GeV (e.g. Misiak &
    Steinhauser, EPJC 77 (2017) 201, arXiv:1702.04571; Arbey, Mahmoudi, Stål, Stefaniak, EPJC 78 (2018) 182,
    arXiv:1706.07414). Here ζ = tanβ = 1/tanβ_2HDM; the 95% CL (Δχ² = 3.84 from ζ = 0) bound on 1/ζ."""
    lk = BPhysics()
    zeta = np.linspace(0, 2, 4001)
    bounds = {}
    for m in (100.0, 300.0, 500.0):
        ll = lk.loglike({"tan_beta": zeta, "m_hpm": np.full(zeta.size, m)})
        bounds[m] = 1 / zeta[-2 * (ll - ll[0]) < 3.84].max()
    assert 1.0 < bounds[500.0] < bounds[300.0] < bounds[100.0] < 3.5
    assert bounds[300.0] == pytest.approx(2.0, abs=0.3)


# ===================================================================================== plugins
def _q(n=5, **over):
    base = {"m_zp": np.full(n, 0.01), "tan_beta": np.full(n, 0.0813), "delta_zzp": np.full(n, 0.0813),
            "eps_z": np.full(n, 8.91e-6), "m_hpm": np.full(n, 100.0), "m_h2": np.full(n, 50.0),
            "m_a": np.full(n, 300.0)}
    base.update({k: np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy() for k, v in over.items()})
    return base


def test_oblique_values_and_sm_limit():
    lk = Oblique()
    assert (lk.s_exp, lk.s_err, lk.t_exp, lk.t_err, lk.rho) == (-0.05, 0.07, 0.0, 0.06, 0.93)  # PDG 2024 (U = 0)
    sm = -0.5 * float(lk.chi2(0.0, 0.0))
    ll = lk.loglike(_q(3, tan_beta=[0.0, 0.0813, 0.0813], delta_zzp=[0.0, 0.0813, 0.0813], m_h2=[50.0, 50.0, 300.0]))
    assert ll[0] == pytest.approx(sm)  # no doublet: the SM value
    s, t = hs.oblique_loops(100.0, 50.0, 300.0, 0.0813, 0.0813, 0.01)
    t = t + hs.delta_rho_mass_mixing(8.91e-6, 0.01) / hs.ALPHA_MZ
    assert ll[1] == pytest.approx(-0.5 * float(lk.chi2(s, t)), rel=1e-12)
    assert (float(s), float(t)) == pytest.approx((-0.0801, 0.0715), abs=5e-4)
    # T alone, only the tree level, only the loops
    lt = Oblique(observables="T").loglike(_q(1))
    assert lt[0] == pytest.approx(-0.5 * (float(t) / 0.06) ** 2, rel=1e-9)
    tree = Oblique(contributions="tree").predict(_q(1))
    assert tree[0][0] == 0.0 and tree[1][0] == pytest.approx(-1.016e-8, rel=2e-3)


def test_oblique_prefers_a_compressed_spectrum_in_the_doublet_model():
    """Doublet model at the g−2 reference point (tanβ = 0.0813): with the massless CP-odd direction the fit wants
    m_H± ≈ m_H, but unitarity caps m_H at 58 GeV; m_H± = 300 GeV, m_H = 50 GeV is far off (χ² ≈ 2700)."""
    lk = Oblique()
    ll = lk.loglike(_q(3, m_hpm=[80.0, 100.0, 300.0], m_h2=[57.0, 50.0, 50.0]))
    assert -2 * ll[0] < 3.0 and -2 * ll[1] == pytest.approx(18.9, abs=0.3) and -2 * ll[2] > 100


def test_higgs_potential_plugin():
    lk = HiggsPotential()
    ll = lk.loglike(_q(4, m_h2=[50.0, 60.0, 50.0, 50.0], tan_beta=[0.0813, 0.0813, 0.0, 0.0813],
                       delta_zzp=[0.0813, 0.0813, 0.0, 0.0813], m_hpm=[100.0, 100.0, 100.0, -1.0]))
    assert ll.tolist() == [0.0, -np.inf, 0.0, -np.inf]
    assert HiggsPotential(unitarity="off", bfb=False).loglike(_q(1, m_h2=5000.0))[0] == 0.0
    assert HiggsPotential(unitarity="16pi").loglike(_q(1, m_h2=60.0))[0] == 0.0  # 16π: m_H ≲ 82 GeV here
    # doublet+singlet: m_H ≈ m_A cosγ is allowed with heavy scalars, m_H far from it is not
    tb, tth = 0.05, 5.0
    cb = 1 / math.sqrt(1 + tb * tb)
    d = tb * cb / math.sqrt(cb * cb + tth * tth)
    cos_g = math.sqrt(float(hs.cp_odd_doublet_fraction(d, tb)))
    ll = lk.loglike(_q(2, tan_beta=tb, delta_zzp=d, m_a=400.0, m_hpm=400.0 * cos_g, m_h2=[400.0 * cos_g, 300.0]))
    assert ll.tolist() == [0.0, -np.inf]


def test_bphysics_plugin_values():
    lk = BPhysics()
    assert (lk.bsg_exp, lk.bsg_sm, lk.dms_exp, lk.dms_sm) == (3.49e-4, 3.40e-4, 17.765, 17.34)
    br, dms = lk.predict({"tan_beta": np.array([0.0, 1.0]), "m_hpm": np.array([300.0, 300.0])})
    assert br[0] == lk.bsg_sm and dms[0] == lk.dms_sm
    assert br[1] / lk.bsg_sm == pytest.approx(float(hs.bsgamma_ratio(1.0, 300.0, -1.399, -0.328)))
    assert dms[1] / lk.dms_sm == pytest.approx(1.4286, abs=2e-4)
    old = BPhysics("flavio2017")
    assert (old.bsg_exp, old.dms_exp) == (3.27e-4, 17.757)
    only = BPhysics(observables="bsgamma").loglike({"tan_beta": np.array([0.0]), "m_hpm": np.array([300.0])})
    assert only[0] == pytest.approx(-0.5 * (3.40 - 3.49) ** 2 / (0.19**2 + 0.17**2), rel=1e-9)


@pytest.mark.parametrize("cls, kwargs", [
    (Oblique, {"observables": "S"}), (Oblique, {"contributions": "all"}), (Oblique, {"h_mixing": "maximal"}),
    (HiggsPotential, {"unitarity": "4pi"}), (HiggsPotential, {"bfb": "yes"}), (HiggsPotential, {"h_mixing": "x"}),
    (BPhysics, {"observables": "bsmumu"}),
])
def test_bad_options_raise_a_clear_error(cls, kwargs):
    with pytest.raises(GlobalfitError, match=next(iter(kwargs))):
        cls(**kwargs)


def test_unknown_dataset_is_a_data_error():
    with pytest.raises(DataError, match="available: pdg2024"):
        Oblique("pdg2099")
    with pytest.raises(DataError, match="available: pdg2024, flavio2017"):
        BPhysics("nope")


def test_plugins_vectorized_finite_or_minus_inf_never_nan():
    rng = np.random.default_rng(5)
    n = 4000
    special = np.array([0.0, -1.0, np.nan, np.inf, -np.inf, 1e-300, 1e300])

    def col(lo, hi):
        x = 10 ** rng.uniform(lo, hi, n)
        pick = rng.random(n) < 0.1
        x[pick] = rng.choice(special, pick.sum())
        return x

    tb = col(-6, 3)
    q = {"m_zp": col(-6, 3), "tan_beta": tb, "delta_zzp": tb * rng.uniform(-1, 1, n), "eps_z": col(-12, 0),
         "m_hpm": col(0, 4), "m_h2": col(-1, 4), "m_a": col(-1, 4)}
    for lk in (Oblique(), Oblique(h_mixing="alignment", observables="T"), HiggsPotential(),
               HiggsPotential(unitarity="16pi", bfb=False), BPhysics(), BPhysics("flavio2017", "bs_mixing")):
        ll = lk.loglike(q)
        assert ll.shape == (n,) and not np.isnan(ll).any() and not (ll == np.inf).any(), lk.name
        bad = ~np.isfinite(q["tan_beta"]) | ~np.isfinite(q["m_hpm"]) | (q["m_hpm"] <= 0)
        assert np.all(ll[bad] == -np.inf), lk.name
        one = np.array([lk.loglike({k: v[i:i + 1] for k, v in q.items()})[0] for i in range(25)])
        assert np.array_equal(one, ll[:25]), lk.name


def test_plugins_in_a_doublet_card():
    from globalfit.card import load_card
    from globalfit.posterior import Posterior

    card = {"name": "t", "model": {"higgs": "doublet"},
            "params": {"m_zp": {"prior": "log-uniform", "min": 5e-3, "max": 0.2},
                       "g_zp": {"prior": "log-uniform", "min": 1e-5, "max": 1e-1},
                       "m_hpm": {"prior": "uniform", "min": 80, "max": 600},
                       "m_h2": {"prior": "uniform", "min": 1, "max": 600}},
            "likelihoods": {"oblique": {}, "higgs_potential": {}, "bphysics": {}},
            "sampler": {"name": "dynesty", "progress": False}}
    post = Posterior(load_card(card))
    assert "m_a" in post.card.params  # default 300 GeV: read, but unused without the singlet
    ev = post.evaluate(np.array([[0.01, 5.03e-4, 80.0, 57.0], [0.01, 5.03e-4, 300.0, 300.0]]))
    assert ev.loglike["higgs_potential"].tolist() == [0.0, -np.inf]
    assert np.isfinite(ev.loglike["oblique"]).all() and np.isfinite(ev.loglike["bphysics"]).all()
    assert ev.quantities["tan_beta"][0] == pytest.approx(0.0813, abs=1e-4)


def test_z_to_h_goldstone_width_by_explicit_polarisation_sum():
    """Γ(Z → H A₂) from the vertex (g_Z/2)(p_H − p_A)^μ summed over the three Z polarisations in its rest frame
    (g_Z = 2m_Z/v), against width_z_to_h_a; and Γ/Γ(Z → νν̄) = λ^{3/2}/2 for one flavour."""
    gz = 2 * M_Z / V_HIGGS
    for mh, ma in [(57.0, 0.01), (30.0, 40.0), (85.0, 1.0)]:
        e_h = (M_Z**2 + mh**2 - ma**2) / (2 * M_Z)
        p = math.sqrt(e_h**2 - mh**2)
        e_a = M_Z - e_h
        diff = np.array([e_h - e_a, 0.0, 0.0, 2 * p])  # p_H − p_A, H along +z
        metric = np.diag([1.0, -1.0, -1.0, -1.0])
        pols = [np.array([0, 1.0, 0, 0]), np.array([0, 0, 1.0, 0]), np.array([0, 0, 0, 1.0])]
        msq = sum((gz / 2 * (eps @ metric @ diff)) ** 2 for eps in pols) / 3
        ref = msq * p / (8 * math.pi * M_Z**2)
        assert float(hs.width_z_to_h_a(mh, ma)) == pytest.approx(ref, rel=1e-5)  # v = 246.22 vs (√2 G_F)^(−½)
    lam = (1 - 57.0**2 / M_Z**2) ** 2
    from globalfit.physics.constants import G_F
    gamma_nu = G_F * M_Z**3 / (12 * math.sqrt(2) * math.pi)
    assert float(hs.width_z_to_h_a(57.0, 0.0)) == pytest.approx(lam**1.5 / 2 * gamma_nu, rel=1e-12)
    assert float(hs.width_z_to_h_a(60.0, 40.0)) == 0.0  # closed


@pytest.mark.parametrize("mix", ["none", "alignment"])
def test_h_coupling_to_the_zprime_goldstone_from_the_potential(mix):
    """V ⊃ c h A₂² from numerical derivatives of the doublet model's potential (λ's from quartic_couplings, m₁₁², m₂₂²
    from the minimum conditions): c = m_h²/(2v) with alignment (so Γ(h → Z′_L Z′_L) = m_h³/(32π v²) ≈ 0.32 GeV),
    c = m_h² sin²β/(2v cosβ) for h_mixing none (the module docstring's reason for the default)."""
    tb, mh2, mc = 0.0813, 50.0, 100.0
    l1, l2, l3, l4, _ = (float(x) for x in hs.quartic_couplings(tb, mh2, mc, 0.0, hs.cos_beta_alpha(tb, mix)))
    sb, cb, sa, ca = (float(x) for x in hs._angles(tb, hs.cos_beta_alpha(tb, mix)))
    v1, v2, l345 = V_HIGGS * cb, V_HIGGS * sb, l3 + l4
    m11, m22 = -(l1 * v1**2 + l345 * v2**2) / 2, -(l2 * v2**2 + l345 * v1**2) / 2

    def pot(h, a):
        hh = (v1 - sa * h - 1j * sb * a) / math.sqrt(2)  # h = −sα ρ_H + cα ρ_Φ, A₂ = −sβ η_H + cβ η_Φ
        pp = (v2 + ca * h + 1j * cb * a) / math.sqrt(2)
        x, y, z = abs(hh) ** 2, abs(pp) ** 2, abs(np.conj(hh) * pp) ** 2
        return m11 * x + m22 * y + 0.5 * l1 * x * x + 0.5 * l2 * y * y + l3 * x * y + l4 * z

    e = 0.5
    c = (pot(e, e) - 2 * pot(e, 0) + pot(e, -e) - pot(-e, e) + 2 * pot(-e, 0) - pot(-e, -e)) / (4 * e**3)
    mh = hs.M_H_SM
    expected = mh**2 / (2 * V_HIGGS) if mix == "alignment" else mh**2 * sb * sb / (2 * V_HIGGS * cb)
    assert c == pytest.approx(expected, rel=1e-6)
    if mix == "alignment":
        assert mh**3 / (32 * math.pi * V_HIGGS**2) == pytest.approx(0.32, abs=0.01)
