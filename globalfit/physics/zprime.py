"""Z′ physics of the gauged U(1)_{Lμ−Lτ} model: the one-loop muon g−2 contribution, the loop-induced kinetic mixing ε
(docs/physics/zprime.md#kinetic-mixing), the Z–Z′ mass mixing of the Higgs sectors
(docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing) and the couplings they induce to SM fermions.

Conventions (docs/physics/conventions.md): L ⊃ −g_Z′ Z′_μ Σ_ψ Q_ψ ψ̄γ^μψ, Q = +1 for μ, ν_μ and −1 for τ, ν_τ; the
photon and Z couple as L ⊃ −e A_μ J_em^μ − g_Z Z_μ J_Z^μ (J_em = Σ Q f̄γf with Q_e = −1); induced couplings L ⊃ −Z′_μ
ψ̄γ^μ(g_V − g_Aγ5)ψ. All masses in GeV. Every function takes numpy arrays (or scalars) and broadcasts.
"""
from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike

from globalfit.physics.constants import E_CHARGE, M_MU, M_TAU, M_Z, S2W_LOW, V_HIGGS

# Composite Gauss–Legendre rule of gm2_loop_function_gl: PANELS panels of NODES nodes each.
_PANELS, _NODES = 3, 32
_gl_x, _gl_w = np.polynomial.legendre.leggauss(_NODES)
# nodes and weights on [0, 1], all panels concatenated
_T = ((np.arange(_PANELS)[:, None] + 0.5 * (_gl_x[None, :] + 1.0)) / _PANELS).ravel()
_W = (np.broadcast_to(_gl_w, (_PANELS, _NODES)) / (2.0 * _PANELS)).ravel()


def gm2_loop_function_gl(r: ArrayLike) -> np.ndarray:
    """F(r) = ∫₀¹ dx 2x²(1−x) / [x² + r(1−x)],  r = m_Z′²/m_μ²  (dimensionless, ≥ 0).

    Δa_μ = g²/(8π²) F(r) (vector boson coupled vectorially to the muon; e.g. Leveille, Nucl. Phys. B137
    (1978) 63; Jegerlehner & Nyffeler, Phys. Rept. 477 (2009) 1, eq. 260). Limits: F → 1 for r → 0 and
    F → 2/(3r) for r → ∞.

    Numerics: the integrand has structure at x ~ √r (light Z′) and at 1 − x ~ 1/r (heavy Z′), so the
    integral is taken in s = logit(x) (x = 1/(1+e^{−s}), dx = x(1−x) ds), which maps both end regions to
    widths of order one, over s ∈ [min(0, ½ln r) − 12, max(0, ln r) + 18] (the integrand falls at least
    like e^{−2|s|} beyond; the truncation error is below 1e−14 relative). A fixed composite Gauss–Legendre
    rule (3 panels × 32 nodes) on that interval is accurate to ~1e−10 relative for m_Z′ = 1 keV … 100 GeV
    (tested against scipy.integrate.quad in tests/test_gminus2_physics.py). This is the exact path of
    gm2_loop_function (method="exact"), which by default interpolates a table of it.
    """
    r = np.clip(np.asarray(r, dtype=float), 1e-40, 1e40)
    log_r = np.log(r)
    lo = np.minimum(0.0, 0.5 * log_r) - 12.0
    hi = np.maximum(0.0, log_r) + 18.0
    span = (hi - lo)[..., None]
    s = lo[..., None] + span * _T
    e = np.exp(-s)
    x = 1.0 / (1.0 + e)
    y = e * x  # 1 − x without cancellation
    integrand = 2.0 * x**3 * y**2 / (x * x + r[..., None] * y)
    return np.sum(integrand * _W, axis=-1) * span[..., 0]


# Table of the g−2 loop function (gm2_loop_function, method="table"): G(y) = F(r)(1 + 3r/2) on a uniform grid
# in y = ln r, computed once with the Gauss–Legendre rule and interpolated by a cubic spline. The factor
# (1 + 3r/2) removes the 2/(3r) fall-off, so that G → 1 at both ends and varies on scales of order one in y.
# Range m_Z′ = 0.1 keV … 1 TeV; the spacing 0.005 makes the interpolation error ≲ 2e−13 relative (the rule's
# own error is ~1e−10); outside the range the rule itself is evaluated.
_GM2_Y_RANGE = (2.0 * math.log(1e-7 / M_MU), 2.0 * math.log(1e3 / M_MU))
_GM2_STEP = 0.005


@functools.lru_cache(maxsize=1)
def gm2_table():
    """The spline of F(r)(1 + 3r/2) in y = ln r (globalfit.grids.UniformCubic)."""
    from globalfit.grids import UniformCubic

    y0, y1 = _GM2_Y_RANGE
    n = int(math.ceil((y1 - y0) / _GM2_STEP)) + 1
    y = np.linspace(y0, y1, n)
    r = np.exp(y)
    return UniformCubic(y, gm2_loop_function_gl(r) * (1.0 + 1.5 * r))


def gm2_loop_function(r: ArrayLike, method: str = "table") -> np.ndarray:
    """F(r) = ∫₀¹ dx 2x²(1−x) / [x² + r(1−x)],  r = m_Z′²/m_μ²  (dimensionless, ≥ 0); see gm2_loop_function_gl.

    method="table" (default): cubic-spline interpolation in ln r of F(r)(1 + 3r/2) tabulated once with the
    Gauss–Legendre rule (m_Z′ = 0.1 keV … 1 TeV; equal to the rule to ≲ 2e−13 relative, tests/test_fast_paths.py),
    the rule itself outside that range. method="exact": the Gauss–Legendre rule at every point.
    """
    if method == "exact":
        return gm2_loop_function_gl(r)
    if method != "table":
        raise ValueError(f"method must be 'table' or 'exact', got {method!r}")
    r = np.asarray(r, dtype=float)
    table = gm2_table()
    rf = r.ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        i, u, inside, all_inside = table.locate(np.log(rf))
    out = table.horner(table.coef, i, u) / (1.0 + 1.5 * rf)
    if not all_inside:
        out[~inside] = gm2_loop_function_gl(rf[~inside])
    return out.reshape(r.shape)


def delta_a_mu(m_zp: ArrayLike, g_zp: ArrayLike) -> np.ndarray:
    """One-loop Z′ contribution to a_μ = (g−2)_μ/2 (dimensionless).

    Δa_μ = (g²/8π²) ∫₀¹ dx 2m_μ²x²(1−x) / [m_μ²x² + m_Z′²(1−x)]  (docs/physics/zprime.md#muon-g-2).
    m_zp in GeV, g_zp the U(1)_{Lμ−Lτ} gauge coupling.
    """
    m_zp = np.asarray(m_zp, dtype=float)
    g_zp = np.asarray(g_zp, dtype=float)
    return g_zp**2 / (8.0 * np.pi**2) * gm2_loop_function((m_zp / M_MU) ** 2)



# nodes and weights of gm2_axial_loop_function: 5 panels of NODES nodes on [0, 1]
AXIAL_NODES = ((np.arange(5)[:, None] + 0.5 * (_gl_x[None, :] + 1.0)) / 5).ravel()
AXIAL_WEIGHTS = (np.broadcast_to(_gl_w, (5, _NODES)) / 10.0).ravel()


def gm2_axial_loop_function(r: ArrayLike) -> np.ndarray:
    """J(r) = ∫₀¹ dx [x(1−x)(4−x) + 2x³/r] / [r(1−x) + x²],  r = m_Z′²/m_μ² (dimensionless, > 0).

    Δa_μ = −g_A² J(r)/(4π²) for a neutral vector boson with an axial coupling L ⊃ Z′ μ̄γ^μγ5 μ g_A to the muon
    (Leveille, Nucl. Phys. B137 (1978) 63; in the form of Lindner, Platscher, Queiroz, arXiv:1610.06587, their
    neutral-vector formula with the internal fermion the muon, P_a = 2x(1−x)(x−4) − 4x³/r). Limits: J → 5/(3r) for
    r → ∞ (the −5 g_A² m_μ²/(12π² m_Z′²) of a heavy axial boson, as in the SM Z contribution) and J → 1/r for r → 0
    (the longitudinal mode, ∝ (g_A m_μ/m_Z′)²). The logit-mapped Gauss–Legendre rule of gm2_loop_function_gl with
    5 panels and a longer interval; accurate to ~5e−11 relative (tested against mpmath in tests/test_u1x_model.py).
    """
    r = np.clip(np.asarray(r, dtype=float), 1e-40, 1e40)
    log_r = np.log(r)
    lo = np.minimum(0.0, 0.5 * log_r) - 12.0
    hi = np.maximum(0.0, log_r) + 34.0  # the integrand falls only like e^{−s} at large s (x → 1): 1e−15 at +34
    span = (hi - lo)[..., None]
    s = lo[..., None] + span * AXIAL_NODES
    e = np.exp(-s)
    x = 1.0 / (1.0 + e)
    y = e * x  # 1 − x without cancellation
    rr = r[..., None]
    integrand = (x * y * (3.0 + y) + 2.0 * x**3 / rr) / (rr * y + x * x) * x * y  # dx = x(1−x) ds
    return np.sum(integrand * AXIAL_WEIGHTS, axis=-1) * span[..., 0]


def delta_a_mu_axial(m_zp: ArrayLike, g_a: ArrayLike) -> np.ndarray:
    """One-loop contribution of a Z′ with axial muon coupling g_a to a_μ (dimensionless, ≤ 0): −g_a² J(r)/(4π²),
    r = m_Z′²/m_μ² (gm2_axial_loop_function). m_zp in GeV."""
    m_zp = np.asarray(m_zp, dtype=float)
    g_a = np.asarray(g_a, dtype=float)
    return -(g_a**2) / (4.0 * np.pi**2) * gm2_axial_loop_function((m_zp / M_MU) ** 2)

# =============================================================================================================
# Kinetic mixing ε (docs/physics/zprime.md#kinetic-mixing)
# =============================================================================================================
#
# Conventions (docs/physics/conventions.md, docs/physics/zprime.md#kinetic-mixing): L ⊃ −e A_μ J_em^μ − g Z′_μ
# J_{μ−τ}^μ, J_em = Σ_f Q_f f̄γf (Q_e = −1, e > 0), i.e. every gauge field enters D_μ = ∂_μ +
# i(coupling)(charge)(field). The μ and τ loops induce L ⊃ −e ε Z′_μ J_em^μ. Sign: integrating out a fermion with
# couplings a_f (to A) and b_f (to Z′) adds −¼ Σ_f a_f b_f/(6π²) ln(Λ²/m_f²) F_μν Z′^μν (the one-loop charge
# screening, 1/e²(μ) = 1/e²(Λ) + ln(Λ²/μ²)/(12π²) per Dirac fermion; Peskin & Schroeder §7.5), i.e. a kinetic-mixing
# term −(c/2) F Z′ with c = Σ_f e Q_f g Q′_f ln(Λ²/m_f²)/(12π²) = (e g/12π²) ln(m_μ²/m_τ²) < 0. Removing it with A → A
# − c Z′ gives the Z′ the coupling −e(−c) J_em, so ε = −c = +(e g/12π²) ln(m_τ²/m_μ²) > 0: the Z′ couples to the
# electron with the sign opposite to its coupling to the muon (g_V^e = −εe, g_V^μ = +g).
# tests/test_zprime_couplings.py checks this by diagonalising the loop-generated kinetic matrix.

# 6 ∫₀¹ t^{n+1} dx (t = x(1−x)) / n for the series of _vacpol below: 6 B(n+2, n+2)/n, n = 1 … 24
_VP_N = np.arange(1, 25)
_VP_COEF = np.array([6.0 * math.factorial(n + 1) ** 2 / math.factorial(2 * n + 3) / n for n in _VP_N])


def _vacpol(z: ArrayLike) -> np.ndarray:
    """h(z) = 6 ∫₀¹ dx x(1−x) ln|1 − x(1−x) z| for real z (dimensionless; the real part above z = 4).

    h(0) = 0, h(z) ≈ −z/5 for |z| ≪ 1. Closed form (partial fractions in u = x − ½, a = 1/z − ¼):
    h = 6[1/18 − 2a/3 − 1/2 + (2a²/3 + a/2) I(a)], I(a) = ∫_{−½}^{½} du/(u² + a) =
    (2/√a) arctan(1/(2√a)) for a > 0 (0 < z < 4), −(1/b) ln[(1 + 2b)/|1 − 2b|] with b = √(−a) for a < 0;
    h(4) = −8/3. For |z| < ½ the power series −Σ z^n 6B(n+2, n+2)/n (24 terms, error < 1e−20) is used.
    """
    z = np.asarray(z, dtype=float)
    small = np.abs(z) < 0.5
    zs = np.where(small, z, 0.0)
    series = -np.sum(_VP_COEF * zs[..., None] ** _VP_N, axis=-1)

    zl = np.where(small | (z == 4.0), 8.0, z)  # safe values where the closed form is not used
    a = (4.0 - zl) / (4.0 * zl)
    pos = a > 0
    sa = np.sqrt(np.where(pos, a, 1.0))
    b = np.sqrt(np.where(pos, 1.0, -a))
    # |1 − 2b| = |1 − 4b²|/(1 + 2b) = |4/z|/(1 + 2b): no cancellation for large |z|
    one_minus_2b = np.abs(4.0 / zl) / (1.0 + 2.0 * b)
    integral = np.where(pos, 2.0 / sa * np.arctan(0.5 / sa), -np.log((1.0 + 2.0 * b) / one_minus_2b) / b)
    closed = 6.0 * (1.0 / 18.0 - 2.0 * a / 3.0 - 0.5 + (2.0 * a * a / 3.0 + 0.5 * a) * integral)
    return np.where(small, series, np.where(z == 4.0, -8.0 / 3.0, closed))


def kinetic_mixing(q2: ArrayLike, g_zp: ArrayLike) -> np.ndarray:
    """Loop-induced kinetic mixing ε(q²) of the Z′ with the photon (dimensionless), L ⊃ −e ε Z′_μ J_em^μ.

    ε(q²) = (e g/2π²) ∫₀¹ dx x(1−x) ln[(m_τ² − x(1−x)q²)/(m_μ² − x(1−x)q²)]  (docs/physics/zprime.md#kinetic-mixing;
    the μ and τ vacuum-polarisation loops: Holdom, Phys. Lett. B166 (1986) 196; for L_μ−L_τ e.g. Kamada & Yu,
    arXiv:1504.00711 — the Λ-dependence cancels between the two opposite-charge loops; sign conventions differ between
    papers), q2 in GeV² (q² < 0 spacelike), e = √(4πα(0)). Evaluated in closed form (see _vacpol). Exact for q² <
    4m_μ²; above the μμ threshold the real part is returned (the absorptive part is dropped). Sign convention: see the
    comment above (ε > 0 for g > 0).
    """
    q2 = np.asarray(q2, dtype=float)
    g = np.asarray(g_zp, dtype=float)
    bracket = 2.0 * math.log(M_TAU / M_MU) + _vacpol(q2 / M_TAU**2) - _vacpol(q2 / M_MU**2)
    return E_CHARGE * g / (12.0 * math.pi**2) * bracket


def kinetic_mixing_0(g_zp: ArrayLike) -> np.ndarray:
    """ε(0) = (e g/12π²) ln(m_τ²/m_μ²) = g/69.3 (docs/physics/zprime.md#kinetic-mixing): the loop mixing for
    low-energy processes."""
    return E_CHARGE * np.asarray(g_zp, dtype=float) / (12.0 * math.pi**2) * 2.0 * math.log(M_TAU / M_MU)


# =============================================================================================================
# Higgs sector and Z–Z′ mass mixing (docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing)
# =============================================================================================================
#
# Fields: H (Y = ½, U(1)′ charge 0, vev v₂; gives all fermion masses), Φ (Y = ½, charge +1, vev v₁), optional
# σ (Y = 0, charge +1, vev v_σ); ⟨φ⁰⟩ = v/√2, v² = v₁² + v₂² = (√2 G_F)⁻¹; tanβ = v₁/v₂, tanθ = v_σ/v₁.
# With D_μ = ∂_μ + i g₂T^aW^a + i g_Y Y B + i g Q′ Z′ (the fermions' convention above) the Z–Z′ mass matrix is
#   m²_ZZ = g_Z²v²/4,  m²_ZZ′ = −g g_Z v₁²/2,  m²_Z′Z′ = g²(v₁² + v_σ²),   g_Z ≡ 2m_Z/v = √(g₂² + g_Y²),
# Z = c_W W³ − s_W B. To leading order in m_Z′²/m_Z² the light eigenstate is Z′ + ε_Z Z with
#   m_Z′² = g²v² sin²β (cos²β + tan²θ),  ε_Z = −m²_ZZ′/m²_ZZ = 2 g sin²β/g_Z,
# so that L ⊃ −ε_Z g_Z Z′_μ J_Z^μ, J_Z = Σ f̄γ(T₃P_L − Q s_W²)f (the Z couples as −g_Z Z J_Z), and
#   δ ≡ ε_Z m_Z/m_Z′ = sinβ/√(cos²β + tan²θ).
# The formulas are those of the dark-Z two-doublet realisation of Davoudiasl, Lee, Marciano,
# arXiv:1203.2947, with the doublet charged under U(1)_{Lμ−Lτ} (arXiv:2401.17613); tests compare
# them with the exact diagonalisation of the 3×3 (W³, B, Z′) mass matrix.

G_Z = 2.0 * M_Z / V_HIGGS  # Z coupling g/c_W in the G_F normalisation (g_Z²/8m_Z² = G_F/√2)


def solve_sin2_beta(m_zp: ArrayLike, g_zp: ArrayLike, tan_theta: ArrayLike = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """sin²β from m_Z′² = g²v² S(1 − S + tan²θ), S = sin²β, on the small-tanβ branch
    (docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing).

    m_zp in GeV. Returns (S, valid): with r = m_Z′²/(g v)², T = tan²θ, S = 2r/[(1+T) + √((1+T)² − 4r)]
    (the smaller root, written without cancellation). No solution — valid False, S set to 0 — when
    4r > (1+T)² (for the doublet alone: m_Z′ > g v/2), when S ≥ 1 (no SM-like vev; possible for T ≥ 1),
    or for g ≤ 0 or a non-finite input.
    """
    s2b, valid, _ = _sin2_beta(m_zp, g_zp, tan_theta)
    return s2b, valid


def _sin2_beta(m_zp, g_zp, tan_theta) -> tuple[np.ndarray, np.ndarray, bool]:
    """solve_sin2_beta, and whether every input was finite with g > 0, m_Z′ ≥ 0 (then S = 0 where not valid)."""
    m = np.asarray(m_zp, dtype=float)
    g = np.asarray(g_zp, dtype=float)
    t2 = np.asarray(tan_theta, dtype=float) ** 2
    m, g, t2 = np.broadcast_arrays(m, g, t2)
    ok = (g > 0) & (m >= 0) & np.isfinite(m) & np.isfinite(g) & np.isfinite(t2)
    all_ok = bool(ok.all())
    if all_ok:  # the same numbers without the masking
        r = (m / g / V_HIGGS) ** 2
        one_t = 1.0 + t2
    else:
        r = np.where(ok, m / np.where(ok, g, 1.0) / V_HIGGS, 0.0) ** 2
        one_t = 1.0 + np.where(ok, t2, 0.0)
    disc = one_t**2 - 4.0 * r
    s2b = 2.0 * r / (one_t + np.sqrt(np.maximum(disc, 0.0)))
    valid = ok & (disc >= 0) & (s2b < 1.0)
    return np.where(valid, s2b, 0.0), valid, all_ok


def mass_mixing(m_zp: ArrayLike, g_zp: ArrayLike, tan_theta: ArrayLike = 0.0
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Z–Z′ mass mixing from (m_Z′ [GeV], g, tanθ): (tanβ, δ, ε_Z, valid), all dimensionless
    (docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing).

    tanβ = √(S/(1−S)), δ = sinβ/√(cos²β + tan²θ) = √(S/(1 − S + tan²θ)), ε_Z = 2gS/g_Z, S from
    solve_sin2_beta (tanθ = 0 for `higgs: doublet`, where δ = tanβ). Outside the domain (valid False) the
    outputs are 0. For tanβ ≪ 1: δ ≈ m_Z′ cos²θ/(g v).
    """
    s2b, valid, all_ok = _sin2_beta(m_zp, g_zp, tan_theta)
    t2 = np.asarray(tan_theta, dtype=float) ** 2
    c2b = 1.0 - s2b
    tan_beta = np.sqrt(s2b / c2b)
    eps_z = 2.0 * np.asarray(g_zp, dtype=float) * s2b / G_Z
    if all_ok:  # finite inputs, S = 0 where not valid: the outputs are already 0 there
        return tan_beta, np.sqrt(s2b / (c2b + t2)), eps_z, valid
    delta = np.sqrt(s2b / np.where(valid, c2b + t2, 1.0))
    return (np.where(valid, tan_beta, 0.0), np.where(valid, delta, 0.0), np.where(valid, eps_z, 0.0), valid)


def singlet_vevs(m_zp: ArrayLike, g_zp: ArrayLike, tan_gamma: ArrayLike = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Vevs [GeV] of the U(1)′-breaking singlets σ₁ (charge 1) and σ₂ (charge 2) that give the Z′ its mass when
    no doublet does (docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing): with ⟨σᵢ⟩ = vᵢ/√2,
    m_Z′² = g²(v₁² + 4v₂²) and tanγ = v₂/v₁, so v₁ = m_Z′ / (g √(1 + 4 tan²γ)), v₂ = v₁ tanγ. (With ⟨σᵢ⟩ = vᵢ
    instead, m_Z′² = 2g²(v₁² + 4v₂²).) tanγ = 0: the minimal singlet, v₁ = m_Z′/g. Zero where g ≤ 0."""
    m = np.asarray(m_zp, dtype=float)
    g = np.asarray(g_zp, dtype=float)
    t = np.asarray(tan_gamma, dtype=float)
    ok = g > 0
    v1 = np.where(ok, m / np.where(ok, g, 1.0), 0.0) / np.sqrt(1.0 + 4.0 * t * t)
    return v1, v1 * t


# =============================================================================================================
# Induced couplings to SM fermions (docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing)
# =============================================================================================================

def induced_coupling(t3: float, charge: float, eps: ArrayLike, eps_z: ArrayLike,
                     s2w: float = S2W_LOW) -> tuple[np.ndarray, np.ndarray]:
    """(g_V, g_A) of a fermion with weak isospin t3 (of its left-handed part) and electric charge `charge`:
    L ⊃ −Z′_μ ψ̄γ^μ(g_V − g_Aγ5)ψ with
      g_V = ε_Z g_Z (T₃/2 − Q s_W²) + ε e Q,   g_A = ε_Z g_Z T₃/2,   ε_Z g_Z = 2g sin²β
    (docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing).
    Dimensionless. s2w: sin²θ_W in the Z current; default the low-energy value 0.23857 (docs/physics/conventions.md),
    since these couplings enter processes at Q² ≈ 0 (APV, ν–e scattering).
    """
    ez = np.asarray(eps_z, dtype=float) * G_Z
    gv = ez * (0.5 * t3 - charge * s2w) + np.asarray(eps, dtype=float) * E_CHARGE * charge
    ga = ez * 0.5 * t3
    return gv, ga


def induced_couplings(eps: ArrayLike, eps_z: ArrayLike, s2w: float = S2W_LOW) -> dict[str, np.ndarray]:
    """The Z′ couplings to e, u, d, p, n and ν_e (dimensionless; see induced_coupling):
    gv_e = ε_Z g_Z(−¼ + s_W²) − εe, ga_e = −ε_Z g_Z/4, gv_u, ga_u, gv_d, ga_d,
    gv_p = 2gv_u + gv_d = ε_Z g_Z(1 − 4s_W²)/4 + εe, gv_n = gv_u + 2gv_d = −ε_Z g_Z/4, and
    g_nue = ε_Z g_Z/4, defined by L ⊃ −g_nue Z′_μ ν̄_e γ^μ(1 − γ5)ν_e (so g_V = g_A = g_nue; the coefficient
    of ν̄_eγ^μP_Lν_e is 2 g_nue — in that normalisation ν_μ has +g and ν_τ −g).
    The nucleon vector couplings are the sums over valence quarks (vector-current conservation).
    """
    gv_e, ga_e = induced_coupling(-0.5, -1.0, eps, eps_z, s2w)
    gv_u, ga_u = induced_coupling(0.5, 2.0 / 3.0, eps, eps_z, s2w)
    gv_d, ga_d = induced_coupling(-0.5, -1.0 / 3.0, eps, eps_z, s2w)
    _, ga_nu = induced_coupling(0.5, 0.0, eps, eps_z, s2w)
    return {"gv_e": gv_e, "ga_e": ga_e, "gv_u": gv_u, "ga_u": ga_u, "gv_d": gv_d, "ga_d": ga_d,
            "gv_p": 2.0 * gv_u + gv_d, "gv_n": gv_u + 2.0 * gv_d, "g_nue": ga_nu}
