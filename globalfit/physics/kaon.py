"""K⁺ → π⁺ Z′ through the Z′'s Goldstone (longitudinal) component, and Z′ → invisible (likelihoods/na62/NOTES.md).

Units: GeV for masses, widths and couplings of dimension; g_G in GeV⁻¹; branching ratios dimensionless.

Mechanism (docs/physics/zprime.md#higgs-sector-and-z-z-mass-mixing, likelihoods/na62/NOTES.md). With a U(1)′-charged
doublet Φ₊₁ the Goldstone eaten by the Z′ contains the 2HDM CP-odd direction, G_Z′ = (δ/tanβ) a₂ + …, δ = ε_Z
m_Z/m_Z′. Quarks couple only to the neutral doublet H, so a₂ and H± couple to quarks like a type-I 2HDM with ζ = tanβ;
the Goldstone's top Yukawa is therefore δ m_t/v. The one-loop (W, G±, H± with the top quark) s → d coupling of the
derivatively coupled Goldstone, L = g_G ∂_μG_Z′ d̄γ^μP_L s + h.c., is

    |g_G| = δ G_F m_t² |V_ts* V_td| |X₁ + tan²β X₂| / (8√2 π² v)                          [GeV⁻¹]

with the axion-portal loop functions X₁(m_t, m_H±), X₂(m_t, m_H±) of M. Freytsis, Z. Ligeti, J. Thaler, Phys. Rev. D
81 (2010) 034001, arXiv:0911.5355 (as transcribed in likelihoods/na62/NOTES.md; the roles of the two doublets are
swapped with respect to their type-II model, hence tan²β instead of cot²β).

Checks of this normalisation (tests/test_na62.py):
- x = m_H± → m_t and x → ∞ limits of X₁, X₂ derived analytically; removable poles at x = m_t, m_W.
- Heavy-m_H± limit against the ALP effective theory: the one-loop weak-scale matching of a top-coupled
  ALP onto the d̄_L γ^μ d_L' coupling, [k_D]_ij = y_t²/(16π²) V_ti* V_tj c_tt [½ ln(μ²/m_t²) − ¼ −
  (3/2)(1 − x_t + ln x_t)/(1 − x_t)²], x_t = m_t²/m_W² (Bauer, Neubert, Renner, Schnubel, Thamm,
  JHEP 04 (2021) 063, arXiv:2012.12272; the same expression is coded in ALPaca, alpaca/rge/matching.py,
  `match_FCNC_d`). With c_tt/f ↔ δ/v and μ = m_H±, X₁ + 2·[…] → 5/2 (a constant: the H± threshold) for
  every m_t/m_W, and the coefficient of ln m_H±² in g_G equals the EFT's y_t² |V_ts* V_td| δ/(32π² v).
- arXiv:2401.17613 (Asai, Miyao, Okawa, Tsumura, JHEP 12 (2024) 018), the seed analysis: only its
  abstract pages (arxiv.org/abs and /html v1, v2) were reachable with the search tool; its K → πZ′
  formula could not be compared. NOT VERIFIED against it.

Width (vector form; likelihoods/na62/NOTES.md): the longitudinal Z′ couples like a vector C_V = m_Z′ g_G to d̄γ^μP_L
s, and only the vector half of P_L contributes to K → π, ⟨π⁺(p′)|s̄γ^μ d|K⁺(p)⟩ = f₊(q²)(p + p′)^μ + f₋ q^μ. Summing
|ε·(p + p′)|² over the Z′ polarisations gives λ/m_Z′², so

    Γ(K⁺ → π⁺Z′) = |C_V|² f₊(m_Z′²)² λ^{3/2}(m_K², m_π², m_Z′²) / (64π m_K³ m_Z′²)
                 = |g_G|² f₊(m_Z′²)² λ^{3/2} / (64π m_K³)                                      [GeV]

(the second form is used: finite as m_Z′ → 0). f₊(q²) = f₊(0)/(1 − q²/m_K*²) (vector-pole form factor).

Charm loop: not implemented. The same loop with the charm quark, m_c² |V_cs* V_cd| X₁(m_c, m_H±), is of the
same size as the top term (≈ 10 vs ≈ 12 GeV² at m_H± = 300 GeV with the leading-order functions), with
a different CKM phase, so it can change BR(K⁺→π⁺Z′) by O(1) either way. A reliable charm contribution
needs QCD corrections at the charm scale that no primary source used here provides.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from globalfit.physics import zprime_decays
from globalfit.physics.constants import G_F, HBAR_GEV_S, M_K_PLUS, M_MU, M_PI_PLUS, M_T, M_W, TAU_K_PLUS_S, V_HIGGS

# |V_ts* V_td| (likelihoods/na62/NOTES.md; the PDG 2024 CKM global fit gives |V_td||V_ts| = 0.00857 × 0.0411 = 3.52e-4).
VTS_VTD = 3.53e-4
# K → π vector form factor at q² = 0, N_f = 2+1+1 lattice average, FLAG Review 2021 (arXiv:2111.09849).
F_PLUS_0 = 0.9698
# Pole mass of the vector form factor: K*(892) [GeV] (vector-meson dominance; likelihoods/na62/NOTES.md).
M_KSTAR = 0.892
# Top mass schemes [GeV]: pole (PDG 2024, docs/physics/conventions.md) and MS-bar m_t(m_t) (likelihoods/na62/NOTES.md).
M_T_POLE = M_T
M_T_MSBAR = 162.5
TOP_MASSES = {"pole": M_T_POLE, "msbar": M_T_MSBAR}

# Relative half-width of the window around the removable poles x² = m_t², x² = m_W² in which X₁, X₂ are
# interpolated linearly between its edges (error O(window²) ~ 1e-6 relative).
POLE_WINDOW = 1e-3


def kallen(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> np.ndarray:
    """Källén function λ(a, b, c) = a² + b² + c² − 2ab − 2ac − 2bc (arguments are squared masses)."""
    a, b, c = (np.asarray(v, dtype=float) for v in (a, b, c))
    return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c)


def _x1_raw(t, a, w):
    """X₁ at t = m_t², a = m_H±², w = m_W² (FLT 0911.5355 as in likelihoods/na62/NOTES.md); a ≠ t, a ≠ w, t ≠ w."""
    r = a / (a - t)
    lt = np.log(t / a)
    return (2.0 + r - 3.0 * w / (t - w)
            + 3.0 * w * w * (a + w - 2.0 * t) / ((a - w) * (t - w) ** 2) * math.log(t / w)
            + r * (r - 6.0 * w / (a - w)) * lt)


def _x2_raw(t, a):
    """X₂ at t = m_t², a = m_H±² (FLT 0911.5355 as in likelihoods/na62/NOTES.md); a ≠ t."""
    return -2.0 * t / (a - t) * (1.0 + a / (a - t) * np.log(t / a))


def _smooth(f, a: np.ndarray, poles: tuple[float, ...]) -> np.ndarray:
    """f(a) with removable poles: inside a window around each pole use the linear interpolation
    between the window's edges (never evaluates f at a pole, so no warnings)."""
    inside_any = np.zeros(a.shape, dtype=bool)
    for p in poles:
        inside_any |= np.abs(a / p - 1.0) < POLE_WINDOW
    safe = np.where(inside_any, 2.0 * poles[0] + 1.0, a)  # any point away from the poles
    out = f(safe)
    for p in poles:
        inside = np.abs(a / p - 1.0) < POLE_WINDOW
        if np.any(inside):
            lo, hi = p * (1.0 - POLE_WINDOW), p * (1.0 + POLE_WINDOW)
            flo, fhi = f(np.full(a.shape, lo)), f(np.full(a.shape, hi))
            s = (a - lo) / (hi - lo)
            out = np.where(inside, (1.0 - s) * flo + s * fhi, out)
    return out


def loop_x1(m_hpm: ArrayLike, m_t: float = M_T_POLE, m_w: float = M_W) -> np.ndarray:
    """FLT loop function X₁(m_t, m_H±) (arXiv:0911.5355; likelihoods/na62/NOTES.md). Masses in GeV; m_hpm > 0."""
    a = np.asarray(m_hpm, dtype=float) ** 2
    t, w = m_t * m_t, m_w * m_w
    return _smooth(lambda x: _x1_raw(t, x, w), a, (t, w))


def loop_x2(m_hpm: ArrayLike, m_t: float = M_T_POLE) -> np.ndarray:
    """FLT loop function X₂(m_t, m_H±) (arXiv:0911.5355; likelihoods/na62/NOTES.md). Masses in GeV; m_hpm > 0."""
    a = np.asarray(m_hpm, dtype=float) ** 2
    t = m_t * m_t
    return _smooth(lambda x: _x2_raw(t, x), a, (t,))


def goldstone_sd_coupling(delta: ArrayLike, tan_beta: ArrayLike, m_hpm: ArrayLike,
                          m_t: float = M_T_POLE) -> np.ndarray:
    """|g_G| [GeV⁻¹] of L = g_G ∂_μG_Z′ d̄γ^μP_L s (likelihoods/na62/NOTES.md): top loop only.

    |g_G| = |δ| G_F m_t² |V_ts* V_td| |X₁ + tan²β X₂| / (8√2 π² v).
    """
    delta = np.asarray(delta, dtype=float)
    tb2 = np.asarray(tan_beta, dtype=float) ** 2
    loop = loop_x1(m_hpm, m_t) + tb2 * loop_x2(m_hpm, m_t)
    return np.abs(delta) * G_F * m_t**2 * VTS_VTD * np.abs(loop) / (8.0 * math.sqrt(2.0) * math.pi**2 * V_HIGGS)


def f_plus(q2: ArrayLike) -> np.ndarray:
    """K → π vector form factor f₊(q²) = f₊(0)/(1 − q²/m_K*²), q² in GeV² (q² < m_K*²)."""
    return F_PLUS_0 / (1.0 - np.asarray(q2, dtype=float) / M_KSTAR**2)


def _kinematics(m_zp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(open, λ) with open = 0 ≤ m_Z′ < m_K − m_π and λ clipped to 0 where closed."""
    open_ = (m_zp >= 0.0) & (m_zp < M_K_PLUS - M_PI_PLUS)
    m2 = np.where(open_, m_zp, 0.0) ** 2
    lam = np.where(open_, np.maximum(kallen(M_K_PLUS**2, M_PI_PLUS**2, m2), 0.0), 0.0)
    return open_, lam


def phase_space_factor(m_zp: ArrayLike) -> np.ndarray:
    """f₊(m_Z′²)² λ^{3/2}(m_K², m_π², m_Z′²) relative to its m_Z′ → 0 value (0 where closed)."""
    m = np.asarray(m_zp, dtype=float)
    open_, lam = _kinematics(m)
    lam0 = kallen(M_K_PLUS**2, M_PI_PLUS**2, 0.0)
    ff = f_plus(np.where(open_, m, 0.0) ** 2) / F_PLUS_0
    return np.where(open_, ff**2 * (lam / lam0) ** 1.5, 0.0)


def width_k_to_pi_zp(m_zp: ArrayLike, g_sd: ArrayLike) -> np.ndarray:
    """Γ(K⁺ → π⁺Z′) [GeV] for the Goldstone s→d coupling g_sd = |g_G| [GeV⁻¹] (C_V = m_Z′ g_G):
    |g_G|² f₊(m_Z′²)² λ^{3/2} / (64π m_K³); 0 for m_Z′ ≥ m_K − m_π."""
    m = np.asarray(m_zp, dtype=float)
    open_, lam = _kinematics(m)
    ff = f_plus(np.where(open_, m, 0.0) ** 2)
    g = np.asarray(g_sd, dtype=float)
    return np.where(open_, g * g * ff**2 * lam**1.5 / (64.0 * math.pi * M_K_PLUS**3), 0.0)


def br_k_to_pi_zp(m_zp: ArrayLike, delta: ArrayLike, tan_beta: ArrayLike, m_hpm: ArrayLike,
                  m_t: float = M_T_POLE) -> np.ndarray:
    """BR(K⁺ → π⁺Z′) = Γ τ_K/ħ (τ_K⁺ and ħ from PDG 2024, globalfit.physics.constants)."""
    g = goldstone_sd_coupling(delta, tan_beta, m_hpm, m_t)
    return width_k_to_pi_zp(m_zp, g) * (TAU_K_PLUS_S / HBAR_GEV_S)


def br_zp_invisible(m_zp: ArrayLike, g_zp: ArrayLike | None = None, gv_e: ArrayLike = 0.0, ga_e: ArrayLike = 0.0,
                    g_nue: ArrayLike = 0.0, gv_u: ArrayLike = 0.0, gv_d: ArrayLike = 0.0) -> np.ndarray:
    """BR(Z′ → νν̄) of the L_μ − L_τ Z′ (likelihoods/na62/NOTES.md).

    Without couplings (g_zp None): the pure L_μ − L_τ Z′ below 2m_τ, 1 below 2m_μ, else Γ_inv/(Γ_inv + Γ_μμ),
    Γ_inv = g² m/(12π) (ν_μ + ν_τ, left-handed), Γ_μμ = g² m/(12π)(1 + 2r)√(1 − 4r), r = m_μ²/m²; independent of g.

    With g_zp and the induced couplings (the model quantities gv_e, ga_e, g_nue, gv_u, gv_d): the full widths of
    globalfit.physics.zprime_decays, which add Z′ → e⁺e⁻, Γ = m/(12π)[g_V²(1 + 2r_e) + g_A²(1 − 4r_e)]√(1 − 4r_e)
    ((εe)² m/(12π)(1 + 2r_e)√(1 − 4r_e) for kinetic mixing alone), ν_e pairs from the mass mixing, the induced
    parts of the μ and τ couplings, τ⁺τ⁻ and hadrons. With loop mixing (ε = g/69.3) Γ_ee/Γ_inv = (e/69.3)² =
    1.9e−5 below 2m_μ, and the induced muon coupling g − εe lowers Γ_μμ by 0.87% above it.
    """
    if g_zp is not None:
        return zprime_decays.branching_ratios(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d)["invisible"]
    m = np.asarray(m_zp, dtype=float)
    above = m > 2.0 * M_MU
    r = np.where(above, M_MU**2 / np.where(above, m, 1.0) ** 2, 0.0)
    ratio_mumu = np.where(above, (1.0 + 2.0 * r) * np.sqrt(np.maximum(1.0 - 4.0 * r, 0.0)), 0.0)
    return 1.0 / (1.0 + ratio_mumu)
