"""Kinetic mixing, Z–Z′ mass mixing and the induced couplings (docs/physics/zprime.md#kinetic-mixing,
docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing) against independent computations: adaptive quadrature of the
loop integral, the diagonalisation of the loop-generated kinetic matrix (sign of ε), and the exact diagonalisation of
the 3×3 neutral gauge-boson mass matrix built from the vevs and charges (m_Z′, ε_Z, δ and the couplings of e, p, n,
ν_e)."""
import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.linalg import eigh

from globalfit.physics import zprime
from globalfit.physics.constants import E_CHARGE, M_E, M_MU, M_TAU, M_Z, V_HIGGS

G_Z = 2 * M_Z / V_HIGGS
S2W_TREE = (1 - math.sqrt(1 - 4 * (E_CHARGE / G_Z) ** 2)) / 2  # s_W² c_W² = e²/g_Z²


# ------------------------------------------------------------------------------------------ kinetic mixing
def _eps_quad(q2: float, g: float) -> float:
    """docs/physics/zprime.md#kinetic-mixing integral, by adaptive quadrature (the log of the ratio written as log1p
    for large −q²)."""
    f = lambda x: x * (1 - x) * math.log1p((M_TAU**2 - M_MU**2) / (M_MU**2 - x * (1 - x) * q2))  # noqa: E731
    return E_CHARGE * g / (2 * math.pi**2) * quad(f, 0, 1, epsabs=0, epsrel=1e-13, limit=200)[0]


def test_eps0_closed_form_is_g_over_69p3():
    assert 1 / zprime.kinetic_mixing_0(1.0) == pytest.approx(69.3, abs=0.05)  # docs/physics/zprime.md#kinetic-mixing
    g = np.array([1e-5, 5.03e-4, 3e-2])
    assert np.allclose(zprime.kinetic_mixing(0.0, g), zprime.kinetic_mixing_0(g), rtol=1e-14, atol=0)
    # the integral at q² → 0 (quadrature, not the closed form)
    assert _eps_quad(-1e-12, 1e-3) == pytest.approx(float(zprime.kinetic_mixing_0(1e-3)), rel=1e-10)


@pytest.mark.parametrize("q2", [-1e6, -1e2, -1.0, -0.05, -0.6 * M_MU**2, -0.4 * M_MU**2, -1e-4 * M_MU**2,
                                1e-4 * M_MU**2, 0.4 * M_MU**2, 0.6 * M_MU**2, 2 * M_MU**2, 3.9 * M_MU**2,
                                3.999 * M_MU**2])
def test_eps_q2_agrees_with_quadrature(q2):
    # spacelike and timelike below 4 m_mu^2, on both sides of the series/closed-form switch at |q²| = m²/2
    assert float(zprime.kinetic_mixing(q2, 1e-3)) == pytest.approx(_eps_quad(q2, 1e-3), rel=1e-9)


def test_eps_q2_vectorized_and_decouples_at_large_spacelike_q2():
    q2 = -np.logspace(-6, 8, 50)
    eps = zprime.kinetic_mixing(q2, np.full(50, 1e-3))
    assert eps.shape == (50,) and np.all(eps > 0)
    assert np.all(np.diff(eps) <= 0)  # ε falls as −q² grows
    # −q² ≫ m_τ²: ln[(m_τ² + tQ²)/(m_μ² + tQ²)] → (m_τ² − m_μ²)/(tQ²), so ε → (e g/2π²)(m_τ² − m_μ²)/Q²
    assert eps[-1] == pytest.approx(E_CHARGE * 1e-3 / (2 * math.pi**2) * (M_TAU**2 - M_MU**2) / 1e8, rel=1e-5)


def test_eps_sign_from_loop_generated_kinetic_matrix():
    """Sign convention L ⊃ −e ε Z′ J_em with ε > 0 for g > 0 (Q′_μ = +1), checked independently.

    Integrating out the e, μ, τ at one loop (cut-off Λ) gives the kinetic terms −¼ K_ab F_a F_b of (A, Z′) with
    K_ab = δ_ab + Σ_f a_f b_f ln(Λ²/m_f²)/(12π²), a_f, b_f the couplings of f to A and Z′ in L ⊃ −a A f̄γf
    (charge screening: the photon's K_AA > 1, i.e. e_eff < e at low energy). Diagonalise with mass only for
    the Z′ and read off the light Z′ eigenstate's coupling to the electron relative to the photon's."""
    g, lam = 1e-3, 2 * M_TAU
    charges = {"e": (-1.0, 0.0, M_E), "mu": (-1.0, 1.0, M_MU), "tau": (-1.0, -1.0, M_TAU)}
    k = np.eye(2)
    for q_em, q_x, m in charges.values():
        c = np.array([E_CHARGE * q_em, g * q_x])
        k += np.outer(c, c) * math.log(lam**2 / m**2) / (12 * math.pi**2)
    m2 = np.diag([0.0, 0.01**2])
    w, p = eigh(m2, k)  # pᵀ K p = 1, pᵀ M² p = diag(w)
    photon, zp = p[:, 0], p[:, 1]
    zp = zp * np.sign(g * zp[1])  # convention: the Z′ couples to the muon with +g (docs/physics/conventions.md)
    e_phys = E_CHARGE * photon[0]  # electron coupling to the photon / Q_e (overall sign drops out below)
    eps_num = (E_CHARGE * zp[0]) / e_phys * np.sign(photon[0])  # (coupling to e)/(e Q_e) ⇒ ε
    assert w[0] == pytest.approx(0.0, abs=1e-18)
    assert eps_num > 0
    # equal up to the O(α ln) wave-function renormalisation, which is not part of the one-loop ε
    assert eps_num == pytest.approx(float(zprime.kinetic_mixing_0(g)), rel=0.03)


# ------------------------------------------------------------------------------------------ Higgs sector
def test_spec_sanity_values_doublet_and_singlet():
    tb, d, ez, ok = zprime.mass_mixing(0.01, 5.03e-4, 0.0)  # docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing, tanθ = 0
    assert ok and float(tb) == pytest.approx(0.0813, abs=5e-5) and float(d) == pytest.approx(float(tb), rel=1e-12)
    assert float(ez) == pytest.approx(8.9e-6, abs=0.05e-6)
    tb, d, ez, ok = zprime.mass_mixing(0.01, 5.03e-4, 12.0)  # tanθ = 12
    assert ok and float(tb) == pytest.approx(6.7e-3, abs=0.05e-3) and float(d) == pytest.approx(5.57e-4, abs=0.005e-4)


def test_mass_formula_and_definitions_are_consistent():
    m = np.array([1e-3, 0.01, 0.05, 0.1, 0.12])
    for tt in (0.0, 0.3, 12.0):
        tb, d, ez, ok = zprime.mass_mixing(m, 1e-3, tt)
        assert ok.all()
        sb2 = tb**2 / (1 + tb**2)
        m_back = 1e-3 * V_HIGGS * np.sqrt(sb2 * (1 - sb2 + tt**2))  # m_Z′² = g²v² s²(c² + t²)
        assert np.allclose(m_back, m, rtol=1e-12)
        assert np.allclose(ez, 2 * 1e-3 * sb2 / G_Z, rtol=1e-12)
        assert np.allclose(d, ez * M_Z / m, rtol=1e-10)  # δ ≡ ε_Z m_Z/m_Z′


def test_small_tan_beta_limit():
    # docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing: for tanβ ≪ 1, δ ≈ m_Z′ cos²θ/(g v)
    g, m = 1e-2, 1e-3
    for tt in (0.0, 0.5, 3.0):
        _, d, _, _ = zprime.mass_mixing(m, g, tt)
        assert float(d) == pytest.approx(m / (g * V_HIGGS) / (1 + tt**2), rel=1e-5)


def test_domain_edges():
    g = 1e-3
    edge = g * V_HIGGS / 2  # doublet: no solution above g v/2
    _, _, _, ok = zprime.mass_mixing(np.array([0.999 * edge, 1.001 * edge]), g, 0.0)
    assert ok.tolist() == [True, False]
    # doublet+singlet with tan²θ ≥ 1: the branch reaches sin²β = 1 at m_Z′ = g v tanθ
    tt = 2.0
    tb, d, ez, ok = zprime.mass_mixing(np.array([0.99, 1.01]) * g * V_HIGGS * tt, g, tt)
    assert ok.tolist() == [True, False] and tb[1] == d[1] == ez[1] == 0.0
    # non-physical inputs are outside the domain, without warnings or NaN
    out = zprime.mass_mixing(np.array([0.01, 0.01, np.nan]), np.array([0.0, -1.0, 1e-3]), 0.0)
    assert not out[3].any() and all(np.isfinite(a).all() for a in out[:3])


# -------------------------------------------------------------------------------- exact diagonalisation
# Normalisation: D_μ = ∂_μ + i g₂ T^a W^a + i g_Y Y B + i g Q′ X (the same sign for every field, as for the
# fermions, docs/physics/conventions.md), Q = T₃ + Y. Scalars: H (Y = ½, Q′ = 0, vev v₂), Φ (Y = ½, Q′ = +1, vev v₁),
# σ (Y = 0, Q′ = +1, vev v_σ), ⟨φ⁰⟩ = u/√2. For each, |D⟨φ⟩|² = ½ u² (c·V)² with c = (g₂T₃, g_Y Y, g Q′) of its
# neutral component, so M² = Σ u² c cᵀ in the basis V = (W³, B, X). A kinetic mixing −(χ/2) B_μν X^μν
# with χ = −ε/c_W is added to test the ε e Q part: B = c_W A − s_W Z, so it is a photon–Z′ mixing
# −(c_Wχ/2) F_μν X^μν, removed by A → A + c_Wχ X, which gives the Z′ the coupling −e ε J_em (the Z–X part
# only matters at O(m_Z′²/m_Z²)). The tree-level gauge couplings are chosen so that e = g₂ s_W = √(4πα(0))
# and g_Z = 2m_Z/v (the α(0), G_F, m_Z scheme: s_W c_W = e/g_Z, s_W² = 0.2122); the analytic couplings are
# evaluated with that s_W².
FERMIONS = {  # name: [(T3, Y, Q′) of the left-handed part, (T3, Y, Q′) of the right-handed part or None]
    "e": [(-0.5, -0.5, 0.0), (0.0, -1.0, 0.0)],
    "mu": [(-0.5, -0.5, 1.0), (0.0, -1.0, 1.0)],
    "nue": [(0.5, -0.5, 0.0), None],
    "u": [(0.5, 1 / 6, 0.0), (0.0, 2 / 3, 0.0)],
    "d": [(-0.5, 1 / 6, 0.0), (0.0, -1 / 3, 0.0)],
}


def _exact(m_zp, g, tan_theta, eps, s2w):
    """Numerical diagonalisation: (m_Z′, m_Z, {fermion: (g_V, g_A)} of the Z′ mass eigenstate)."""
    sw, cw = math.sqrt(s2w), math.sqrt(1 - s2w)
    g2, gy = G_Z * cw, G_Z * sw  # tree level: g_Z = √(g₂² + g_Y²) = 2m_Z/v, s_W² = g_Y²/g_Z²
    s2b, ok = zprime.solve_sin2_beta(m_zp, g, tan_theta)
    assert ok
    v1, v2 = V_HIGGS * math.sqrt(s2b), V_HIGGS * math.sqrt(1 - s2b)
    m2 = np.zeros((3, 3))
    for u, (t3, y, qx) in [(v2, (-0.5, 0.5, 0.0)), (v1, (-0.5, 0.5, 1.0)), (v1 * tan_theta, (0.0, 0.0, 1.0))]:
        c = np.array([g2 * t3, gy * y, g * qx])
        m2 += u**2 * np.outer(c, c)
    k = np.eye(3)
    k[1, 2] = k[2, 1] = -eps / cw
    w, p = eigh(m2, k)  # ascending: photon (0), Z′, Z
    zp = p[:, 1]

    def coupling(ch):
        return g2 * ch[0] * zp[0] + gy * ch[1] * zp[1] + g * ch[2] * zp[2]

    out = {}
    for name, (left, right) in FERMIONS.items():
        cl = coupling(left)
        cr = coupling(right) if right else 0.0
        out[name] = ((cl + cr) / 2, (cl - cr) / 2)
    sign = np.sign(out["mu"][0])  # fix the field's overall sign: the muon couples with +g (docs/physics/conventions.md)
    out = {k_: (sign * gv, sign * ga) for k_, (gv, ga) in out.items()}
    assert abs(w[0]) < 1e-12 * w[2]  # massless photon
    return math.sqrt(w[1]), math.sqrt(w[2]), out


POINTS = [  # m_Z′ [GeV], g, tanθ, ε
    (0.01, 5.03e-4, 0.0, 7.26e-6), (0.03, 6.2e-4, 0.0, 0.0), (0.1, 2e-3, 0.0, -2e-4), (1.0, 1e-2, 0.0, 1e-4),
    (0.01, 5.03e-4, 12.0, 7.26e-6), (0.2, 1e-3, 3.0, 3e-5), (0.05, 1e-3, 0.5, 0.0),
]


@pytest.mark.parametrize("m_zp, g, tan_theta, eps", POINTS)
def test_exact_diagonalisation_of_neutral_mass_matrix(m_zp, g, tan_theta, eps):
    s2w = S2W_TREE  # the tree-level s_W² of this mass matrix
    m_num, mz_num, c = _exact(m_zp, g, tan_theta, eps, s2w)
    tb, delta, eps_z, ok = zprime.mass_mixing(m_zp, g, tan_theta)
    # the analytic m_Z′² = g²v² s²(c² + t²) is exact up to the relative O(ε_Z²) shift of the heavy
    # eigenvalue (det M² = m_Z² m_Z′² with m_Z² = g_Z²v²/4 (1 + O(ε_Z²))) and O(χ²)
    assert m_num == pytest.approx(m_zp, rel=1e-8 + float(eps_z) ** 2)
    assert mz_num == pytest.approx(M_Z, rel=1e-4)
    eps_z_num = 4 * c["nue"][0] / G_Z  # the ν_e couples only through the Z current: g_nue = ε_Z g_Z/4
    assert c["nue"][0] == pytest.approx(c["nue"][1], rel=1e-9)  # V − A
    # the small-mixing expansion holds to relative O(m_Z′²/m_Z², ε_Z²)
    tol = 1e-6 + 2 * (m_zp / M_Z) ** 2 + 2 * float(eps_z) ** 2
    assert eps_z_num == pytest.approx(float(eps_z), rel=tol)
    assert eps_z_num * M_Z / m_num == pytest.approx(float(delta), rel=tol)  # δ = ε_Z m_Z/m_Z′
    ana = zprime.induced_couplings(eps, eps_z, s2w=s2w)
    scale = abs(float(eps_z)) * G_Z + abs(eps) * E_CHARGE
    num = {"gv_e": c["e"][0], "ga_e": c["e"][1], "gv_u": c["u"][0], "ga_u": c["u"][1], "gv_d": c["d"][0],
           "ga_d": c["d"][1], "gv_p": 2 * c["u"][0] + c["d"][0], "gv_n": c["u"][0] + 2 * c["d"][0],
           "g_nue": c["nue"][0]}
    for name, value in num.items():
        assert value == pytest.approx(float(ana[name]), rel=tol, abs=tol * scale), name
    # the muon keeps g plus the induced part
    gv_mu, _ = zprime.induced_coupling(-0.5, -1.0, eps, eps_z, s2w)
    assert c["mu"][0] == pytest.approx(g + float(gv_mu), rel=tol)


def test_spec_coupling_expressions():
    eps, ez = np.array([3e-6, -2e-5]), np.array([1e-5, 4e-7])
    c = zprime.induced_couplings(eps, ez, s2w=0.24)
    e, ezg = E_CHARGE, ez * G_Z
    assert np.allclose(c["gv_e"], ezg * (-0.25 + 0.24) - eps * e)  # docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing, electron
    assert np.allclose(c["ga_e"], -ezg / 4)
    assert np.allclose(c["gv_p"], ezg * (1 - 4 * 0.24) / 4 + eps * e)  # proton
    assert np.allclose(c["gv_n"], -ezg / 4)  # neutron
    assert np.allclose(c["g_nue"], ezg / 4)  # ν_e (V − A)


# ------------------------------------------------------------------------------------------ providers
def Model(options):
    """The derived-quantity graph of the lmu-ltau model with these options (defaults filled as in a card)."""
    import dataclasses

    from globalfit.graph import QuantityGraph
    from models.lmu_ltau import LmuLtau, Options

    opts = Options(**options)
    return QuantityGraph(dataclasses.asdict(opts), LmuLtau().quantities(opts))


def _run(options, params, names):
    model = Model(options)
    plan = model.plan({"test": names}, params)
    n = len(next(iter(params.values())))
    q, valid = model.evaluate(plan, {k: np.asarray(v, dtype=float) for k, v in params.items()})
    assert all(q[k].shape == (n,) for k in names)
    return q, valid


def test_providers_for_each_higgs_option():
    names = ["eps", "tan_beta", "delta_zzp", "eps_z", "gv_e", "ga_e", "gv_p", "gv_n", "g_nue"]
    m, g = np.array([0.01, 0.2, 0.03]), np.array([5.03e-4, 5.03e-4, 6.2e-4])
    q, valid = _run({"higgs": "none", "kinetic_mixing": "loop"}, {"m_zp": m, "g_zp": g}, names)
    assert valid.all() and not q["delta_zzp"].any() and not q["ga_e"].any()
    assert np.allclose(q["eps"], g / 69.286, rtol=1e-4) and np.allclose(q["gv_e"], -q["eps"] * E_CHARGE)
    q, valid = _run({"higgs": "doublet", "kinetic_mixing": "loop"}, {"m_zp": m, "g_zp": g}, names)
    assert valid.tolist() == [True, False, True]
    assert q["tan_beta"][0] == pytest.approx(0.0813, abs=5e-5) and q["delta_zzp"][0] == q["tan_beta"][0]
    q, valid = _run({"higgs": "doublet+singlet", "kinetic_mixing": "free"},
                    {"m_zp": m, "g_zp": g, "tan_theta": np.full(3, 12.0), "eps": np.full(3, -1e-5)}, names)
    assert valid.all() and q["delta_zzp"][0] == pytest.approx(5.57e-4, abs=5e-7)
    assert (q["eps"] == -1e-5).all()  # with kinetic_mixing: free, eps is the sampled parameter


def test_doublet_charge_flips_the_mass_mixing_sign():
    """A doublet of U(1)′ charge −1 (texture B4) mixes with the Z with the opposite sign: ε_Z, δ and the
    Z-like couplings flip, tanβ and the kinetic-mixing part do not."""
    names = ["tan_beta", "delta_zzp", "eps_z", "ga_e", "gv_e", "eps"]
    m, g = np.array([0.01, 0.03]), np.array([5.03e-4, 6.2e-4])
    plus, _ = _run({"higgs": "doublet", "doublet_charge": 1}, {"m_zp": m, "g_zp": g}, names)
    minus, _ = _run({"higgs": "doublet", "doublet_charge": -1}, {"m_zp": m, "g_zp": g}, names)
    assert np.array_equal(plus["tan_beta"], minus["tan_beta"])
    assert np.array_equal(plus["delta_zzp"], -minus["delta_zzp"]) and np.array_equal(plus["eps_z"], -minus["eps_z"])
    assert np.allclose(plus["ga_e"], -minus["ga_e"])
    kin = -plus["eps"] * E_CHARGE  # the kinetic-mixing part of g_V^e is the same for both charges
    assert np.allclose(plus["gv_e"] - kin, -(minus["gv_e"] - kin))


def test_eps_is_derived_only_with_loop_mixing():
    from globalfit.graph import PlanError
    with pytest.raises(PlanError):
        Model({"higgs": "none", "kinetic_mixing": "free"}).plan({"x": ["eps"]}, ["m_zp", "g_zp"])
    with pytest.raises(PlanError):  # a sampled eps would shadow the loop value
        Model({"higgs": "none", "kinetic_mixing": "loop"}).plan({"x": ["eps"]}, ["g_zp", "eps"])
