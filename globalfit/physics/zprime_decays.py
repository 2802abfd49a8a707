"""Z′ decay widths and branching ratios with kinetic (ε) and Z–Z′ mass (ε_Z) mixing (docs/physics/zprime.md).

Units: masses and widths in GeV; couplings dimensionless. Every function takes numpy arrays (or scalars) and
broadcasts.

Couplings (docs/physics/zprime.md#induced-couplings-to-sm-fermions). The gauge coupling g acts on the
left-handed doublets and right-handed charged leptons of μ (+1) and τ (−1); kinetic and mass mixing add the
induced couplings L ⊃ −Z′ψ̄γ^μ(g_V − g_Aγ5)ψ of the model quantities `gv_e`, `ga_e`, `gv_u`, `gv_d`, `g_nue`.
The Z′ couplings used here are

  electron       g_V = gv_e,          g_A = ga_e
  muon           g_V = g + gv_e,      g_A = ga_e          (the induced part is the electron's: same T₃, Q)
  tau            g_V = −g + gv_e,     g_A = ga_e
  ν_e, ν_μ, ν_τ  h = 2g_ν, g + 2g_ν, −g + 2g_ν  as the coefficient of ν̄γ^μP_Lν (g_ν = g_nue)
  u, c           g_V = gv_u ;  d, s, b   g_V = gv_d        (axial quark couplings neglected, see below)

The induced parts of the muon and tau couplings (`induced_mu_tau=True`, the default) are O(εe) ≈ 0.44% of g
with loop mixing, but they are what makes a Z′ with |εe| ≳ g (`kinetic_mixing: free`) decay like a dark
photon; g−2, trident and BaBar's production elsewhere in the project keep the pure g (docs/physics/zprime.md).

Partial widths (tree level, massless neutrinos, right-handed neutrinos heavy):

  Γ(Z′ → f f̄) = N_c m/(12π) [g_V²(1 + 2r) + g_A²(1 − 4r)] √(1 − 4r),   r = m_f²/m²,  m > 2m_f,
  Γ(Z′ → ν_α ν̄_α) = h_α² m/(24π)   (left-handed neutrinos only),

so Γ(Z′ → νν̄) = g² m/(12π) + g_ν² m/(2π) summed over the three flavours (the O(g g_ν) terms cancel between ν_μ
and ν_τ), and for the pure L_μ − L_τ Z′ well above 2m_τ BR(νν̄) = BR(μμ) = BR(ττ) = ⅓ (the assumption of CMS,
arXiv:1808.03684). Γ(Z′ → e⁺e⁻) = (εe)² m/(12π)(1 + 2r)√(1 − 4r) for kinetic mixing alone.

Hadrons (vector couplings only):
- m < 1 GeV: π⁺π⁻ through ρ dominance, Γ = (gv_u − gv_d)² m R_ππ(m)/(12π), with R_ππ = β³|F_π|²/4 the
  e⁺e⁻ → π⁺π⁻ ratio to the point-like μ⁺μ⁻ cross section (for a dark photon gv_u − gv_d = εe) and the
  Gounaris–Sakurai pion form factor (G. J. Gounaris, J. J. Sakurai, PRL 21 (1968) 244; F_π(0) = 1) with the
  PDG 2024 ρ(770) mass and width. ρ–ω interference, ω → 3π, π⁰γ and φ → KK̄ are not included. Against the
  data-driven R_ππ of Darkcast (its data/rf.pi+_pi-.rho0.dat): 0.163 vs 0.181 at 0.39 GeV, 0.42 vs 0.46 at
  0.49 GeV, 1.05 vs 1.21 at 0.59 GeV, 6.7 vs 9.1 at the ρ peak (10–26% low).
- m ≥ 1 GeV: free quarks, 3 m/(12π) Σ_q g_V,q² × (1 + 2r)√(1 − 4r) for u, d, s, c above 2m_D⁰, b above 2m_B.
  The switch at 1 GeV is discontinuous (R jumps from ≈ 0.7 to 2 for a dark photon): hadronic widths are good to
  a factor ≈ 2 near 1 GeV. They matter only when the quark couplings (∝ εe) are comparable to g.
Axial quark couplings (O(ε_Z g_Z/4) ≤ g tan²β/2) are neglected in the hadronic widths.

Below 2m_e a Z′ without neutrino couplings (g = g_ν = 0) is stable here (Z′ → 3γ is neglected); its
branching ratio into invisible final states is then defined as 1.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from globalfit.physics.constants import M_E, M_MU, M_PI_PLUS, M_TAU

#: ρ(770) mass and width [GeV] (PDG 2024, ρ(770) from e⁺e⁻ and τ decays)
M_RHO = 0.77526
GAMMA_RHO = 0.1491
#: above this mass hadronic widths are computed from free quarks [GeV]
M_HADRON_SWITCH = 1.0
#: open-charm and open-beauty thresholds 2m_D⁰, 2m_B± [GeV] (PDG 2024 masses 1.86484, 5.27934) and the quark
#: masses in the kinematic factor (MS-bar m_c(m_c), m_b(m_b), PDG 2024)
CHARM_THRESHOLD, BEAUTY_THRESHOLD = 2 * 1.86484, 2 * 5.27934
M_CHARM, M_BEAUTY = 1.27, 4.18
N_COLOURS = 3.0

CHANNELS = ("nunu", "ee", "mumu", "tautau", "hadrons")


def fermion_pair_factor(m: ArrayLike, m_f: float, g_v: ArrayLike = 1.0, g_a: ArrayLike = 0.0) -> np.ndarray:
    """[g_V²(1 + 2r) + g_A²(1 − 4r)]√(1 − 4r), r = m_f²/m², for m > 2m_f, else 0: Γ(Z′ → f f̄) in units of
    N_c m/(12π) (m in GeV)."""
    m = np.asarray(m, dtype=float)
    above = m > 2.0 * m_f
    r = np.where(above, m_f**2 / np.where(above, m, 1.0) ** 2, 0.25)
    beta = np.sqrt(np.maximum(1.0 - 4.0 * r, 0.0))
    gv2, ga2 = np.square(g_v), np.square(g_a)
    return np.where(above, (gv2 * (1.0 + 2.0 * r) + ga2 * (1.0 - 4.0 * r)) * beta, 0.0)


def _p_pion(s):
    """Pion momentum in the ππ rest frame at invariant mass² s [GeV²] (0 below threshold)."""
    return np.sqrt(np.maximum(0.25 * s - M_PI_PLUS**2, 0.0))


def _gs_h(s):
    """Gounaris–Sakurai h(s) = (2/π)(p/√s) ln((√s + 2p)/(2m_π)), s above threshold [GeV²]."""
    rs = np.sqrt(s)
    return 2.0 / math.pi * _p_pion(s) / rs * np.log((rs + 2.0 * _p_pion(s)) / (2.0 * M_PI_PLUS))


P_RHO = float(_p_pion(M_RHO**2))
H_RHO = float(_gs_h(M_RHO**2))
# dh/ds at m_ρ²: h = (2/π) w L with w = p/√s = √(¼ − m_π²/s), L = ½ ln s + ln(1 + 2w) − ln 2m_π
_W_RHO = P_RHO / M_RHO
_DW_RHO = M_PI_PLUS**2 / (2.0 * _W_RHO * M_RHO**4)
DH_RHO = (2.0 / math.pi) * (_DW_RHO * math.log((M_RHO + 2 * P_RHO) / (2 * M_PI_PLUS))
                             + _W_RHO * (0.5 / M_RHO**2 + 2.0 * _DW_RHO / (1.0 + 2.0 * _W_RHO)))
D_GS = (3.0 / math.pi * M_PI_PLUS**2 / P_RHO**2 * math.log((M_RHO + 2.0 * P_RHO) / (2.0 * M_PI_PLUS))
         + M_RHO / (2.0 * math.pi * P_RHO) - M_PI_PLUS**2 * M_RHO / (math.pi * P_RHO**3))


def pion_form_factor_sq(m: ArrayLike) -> np.ndarray:
    """|F_π(m²)|², Gounaris–Sakurai (PRL 21 (1968) 244) with m_ρ, Γ_ρ of PDG 2024; F_π(0) = 1. m in GeV, above
    2m_π (below it the value is not used)."""
    m = np.maximum(np.asarray(m, dtype=float), 2.0 * M_PI_PLUS * (1.0 + 1e-12))
    s = m * m
    p = _p_pion(s)
    width = GAMMA_RHO * (M_RHO / m) * (p / P_RHO) ** 3
    f = GAMMA_RHO * M_RHO**2 / P_RHO**3 * (p**2 * (_gs_h(s) - H_RHO) + P_RHO**2 * DH_RHO * (M_RHO**2 - s))
    num = M_RHO**2 * (1.0 + D_GS * GAMMA_RHO / M_RHO)
    return num**2 / ((M_RHO**2 - s + f) ** 2 + (M_RHO * width) ** 2)


def r_pipi(m: ArrayLike) -> np.ndarray:
    """R_ππ(m) = σ(e⁺e⁻ → π⁺π⁻)/σ_pt(e⁺e⁻ → μ⁺μ⁻) = β³|F_π(m²)|²/4 (Gounaris–Sakurai F_π); 0 below 2m_π.
    m in GeV."""
    m = np.asarray(m, dtype=float)
    above = m > 2.0 * M_PI_PLUS
    mm = np.where(above, m, 1.0)
    beta3 = np.maximum(1.0 - 4.0 * M_PI_PLUS**2 / mm**2, 0.0) ** 1.5
    return np.where(above, 0.25 * beta3 * pion_form_factor_sq(mm), 0.0)


def hadronic_factor(m: ArrayLike, gv_u: ArrayLike, gv_d: ArrayLike) -> np.ndarray:
    """Γ(Z′ → hadrons) in units of m/(12π) for quark vector couplings gv_u (u, c) and gv_d (d, s, b): ρ-dominated
    π⁺π⁻ below 1 GeV, free quarks above (module docstring)."""
    m = np.asarray(m, dtype=float)
    gv_u, gv_d = np.asarray(gv_u, dtype=float), np.asarray(gv_d, dtype=float)
    low = (gv_u - gv_d) ** 2 * r_pipi(np.minimum(m, M_HADRON_SWITCH))
    light = gv_u**2 + 2.0 * gv_d**2  # u, d, s massless
    heavy = (np.where(m > CHARM_THRESHOLD, fermion_pair_factor(m, M_CHARM, gv_u), 0.0)
             + np.where(m > BEAUTY_THRESHOLD, fermion_pair_factor(m, M_BEAUTY, gv_d), 0.0))
    return np.where(m < M_HADRON_SWITCH, low, N_COLOURS * (light + heavy))


def partial_widths(m_zp: ArrayLike, g_zp: ArrayLike, gv_e: ArrayLike = 0.0, ga_e: ArrayLike = 0.0,
                   g_nue: ArrayLike = 0.0, gv_u: ArrayLike = 0.0, gv_d: ArrayLike = 0.0,
                   induced_mu_tau: bool = True) -> dict[str, np.ndarray]:
    """Partial widths [GeV] of the Z′ of mass m_zp [GeV]: keys "nunu" (three flavours), "ee", "mumu",
    "tautau", "hadrons" and "total" (the module docstring gives the couplings and formulas).

    With only m_zp and g_zp (all induced couplings 0) this is the pure L_μ − L_τ Z′. induced_mu_tau=False drops
    the induced couplings of μ and τ (the project's convention for the muon coupling elsewhere).
    """
    m = np.asarray(m_zp, dtype=float)
    g = np.asarray(g_zp, dtype=float)
    gn = np.asarray(g_nue, dtype=float)
    gv_l = np.asarray(gv_e, dtype=float) if induced_mu_tau else 0.0
    ga_l = np.asarray(ga_e, dtype=float) if induced_mu_tau else 0.0
    unit = m / (12.0 * math.pi)
    out = {
        "nunu": unit * 0.5 * ((g + 2.0 * gn) ** 2 + (g - 2.0 * gn) ** 2 + (2.0 * gn) ** 2),
        "ee": unit * fermion_pair_factor(m, M_E, gv_e, ga_e),
        "mumu": unit * fermion_pair_factor(m, M_MU, g + gv_l, ga_l),
        "tautau": unit * fermion_pair_factor(m, M_TAU, -g + gv_l, ga_l),
        "hadrons": unit * hadronic_factor(m, gv_u, gv_d),
    }
    shape = np.broadcast_shapes(*(np.shape(x) for x in (m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d)))
    out = {k: np.broadcast_to(v, shape) + 0.0 for k, v in out.items()}
    out["total"] = sum(out[k] for k in CHANNELS)
    return out


def branching_ratios(m_zp: ArrayLike, g_zp: ArrayLike, gv_e: ArrayLike = 0.0, ga_e: ArrayLike = 0.0,
                     g_nue: ArrayLike = 0.0, gv_u: ArrayLike = 0.0, gv_d: ArrayLike = 0.0,
                     induced_mu_tau: bool = True) -> dict[str, np.ndarray]:
    """Branching ratios of the Z′ (keys as `partial_widths`, "invisible" = "nunu"), and "total" [GeV].

    Where the total width vanishes (no open channel: g = g_ν = 0 below 2m_e, or all couplings 0) the Z′ is
    stable: "invisible" is 1 there and the other ratios 0.
    """
    w = partial_widths(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d, induced_mu_tau)
    tot = w["total"]
    has = tot > 0
    safe = np.where(has, tot, 1.0)
    br = {k: np.where(has, w[k] / safe, 0.0) for k in CHANNELS}
    br["invisible"] = np.where(has, br["nunu"], 1.0)
    br["total"] = tot
    return br


def br_lmu_ltau(m_zp: ArrayLike) -> dict[str, np.ndarray]:
    """Branching ratios of the pure L_μ − L_τ Z′ (no kinetic or mass mixing): independent of g. The
    reference of published limits set for that model (BaBar, Belle II)."""
    return branching_ratios(m_zp, 1.0)


def muon_signal_g2(m_zp: ArrayLike, g_zp: ArrayLike, channel: str, reference: ArrayLike | None = None,
                   gv_e: ArrayLike = 0.0, ga_e: ArrayLike = 0.0, g_nue: ArrayLike = 0.0, gv_u: ArrayLike = 0.0,
                   gv_d: ArrayLike = 0.0) -> np.ndarray:
    """The squared coupling a search for Z′ radiated off muons (e⁺e⁻ → μ⁺μ⁻Z′, Z → μ⁺μ⁻Z′) with the Z′ decaying
    to `channel` ("invisible", "mumu", ...) constrains, in units of the published limit on g:

      g_eff² = [(g + gv_e)² + ga_e²] × BR_channel(model) / BR_ref,

    the production ∝ the squared muon couplings (vector and axial radiate alike for m_Z′ ≫ m_μ) and BR_ref the
    branching ratio the limit assumed: `reference` (a number or array), or by default that of the pure
    L_μ − L_τ Z′ at the same mass (br_lmu_ltau). Z′ emission off the initial e⁺e⁻ (∝ (εe)²) is neglected.
    With all induced couplings 0 this is g² exactly (for the default reference).
    """
    br = branching_ratios(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d)[channel]
    ref = br_lmu_ltau(m_zp)[channel] if reference is None else np.asarray(reference, dtype=float)
    coupling = (np.asarray(g_zp, dtype=float) + np.asarray(gv_e, dtype=float)) ** 2 + np.square(ga_e)
    has = ref > 0
    return np.where(has, coupling * br / np.where(has, ref, 1.0), 0.0)
