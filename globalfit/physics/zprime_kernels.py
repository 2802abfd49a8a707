"""Compiled twins (numba, one point per call) of the Z′ branching ratios, of K⁺ → π⁺Z′ and of the published-limit
likelihood, for the kernels of the limit-curve plugins (likelihoods/babar/kernel.py, likelihoods/na62/kernel.py; the
fused posterior of globalfit/compiled.py, docs/compiled.md). Imported only by cards with `compiled: true` (needs numba).

Sources, whose formulas, units and operation order every function here repeats (named in each docstring):
globalfit.physics.zprime_decays (partial widths, branching ratios, br_lmu_ltau, muon_signal_g2),
globalfit.physics.kaon (br_k_to_pi_zp, br_zp_invisible) and globalfit.limits (LimitCurve, upper_limit_loglike).
Results agree with numpy to rounding: pow, log, exp come from the C library here, from numpy's own vectorized
versions there. Scalar sub-expressions that numpy's code evaluates in Python are evaluated the same way below, at
import (module constants, frozen into the compiled code).

Units: masses and widths in GeV, couplings dimensionless, g_G in GeV⁻¹.
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics import kaon
from globalfit.physics import zprime_decays as zd
from globalfit.physics.constants import HBAR_GEV_S, M_E, M_K_PLUS, M_MU, M_PI_PLUS, M_TAU, M_W, TAU_K_PLUS_S

# ------------------------------------------------------------------ constants as numpy's code evaluates them
_TWELVE_PI = 12.0 * math.pi
_M_PI2 = M_PI_PLUS**2
_FOUR_M_PI2 = 4.0 * M_PI_PLUS**2
_TWO_OVER_PI = 2.0 / math.pi
_TWO_M_PI = 2.0 * M_PI_PLUS
_M_PI_FLOOR = 2.0 * M_PI_PLUS * (1.0 + 1e-12)
_M_RHO2 = zd.M_RHO**2
_F_GS = zd.GAMMA_RHO * zd.M_RHO**2 / zd.P_RHO**3
_PD_GS = zd.P_RHO**2 * zd.DH_RHO
_NUM_GS2 = (zd.M_RHO**2 * (1.0 + zd.D_GS * zd.GAMMA_RHO / zd.M_RHO)) ** 2
_M_MU2 = M_MU**2
_G_F = kaon.G_F
_VTS_VTD = kaon.VTS_VTD
_LOOP_DEN = 8.0 * math.sqrt(2.0) * math.pi**2 * kaon.V_HIGGS
_WINDOW = kaon.POLE_WINDOW
_M_K2, _M_PIK2 = M_K_PLUS**2, M_PI_PLUS**2
_M_KSTAR2 = kaon.M_KSTAR**2
_K_OPEN = M_K_PLUS - M_PI_PLUS
_WIDTH_DEN = 64.0 * math.pi * M_K_PLUS**3
_TAU_OVER_HBAR = TAU_K_PLUS_S / HBAR_GEV_S


# ------------------------------------------------------------------------------------ Z′ widths (zprime_decays)
@njit
def fermion_pair_factor(m: float, m_f: float, g_v: float, g_a: float) -> float:
    """zprime_decays.fermion_pair_factor: [g_V²(1 + 2r) + g_A²(1 − 4r)]√(1 − 4r), r = m_f²/m², for m > 2m_f, else 0."""
    if not m > 2.0 * m_f:
        return 0.0
    r = m_f * m_f / (m * m)
    y = 1.0 - 4.0 * r
    beta = math.sqrt(y if y > 0.0 else 0.0)
    return (g_v * g_v * (1.0 + 2.0 * r) + g_a * g_a * (1.0 - 4.0 * r)) * beta


@njit
def _p_pion(s: float) -> float:
    """zprime_decays._p_pion: pion momentum at invariant mass² s [GeV²] (0 below threshold)."""
    y = 0.25 * s - _M_PI2
    return math.sqrt(y if y > 0.0 else 0.0)


@njit
def _gs_h(s: float) -> float:
    """zprime_decays._gs_h: Gounaris–Sakurai h(s) = (2/π)(p/√s) ln((√s + 2p)/(2m_π))."""
    rs = math.sqrt(s)
    p = _p_pion(s)
    return _TWO_OVER_PI * p / rs * math.log((rs + 2.0 * p) / _TWO_M_PI)


@njit
def pion_form_factor_sq(m: float) -> float:
    """zprime_decays.pion_form_factor_sq: |F_π(m²)|², Gounaris–Sakurai, m [GeV]."""
    m = m if m > _M_PI_FLOOR else _M_PI_FLOOR
    s = m * m
    p = _p_pion(s)
    width = zd.GAMMA_RHO * (zd.M_RHO / m) * math.pow(p / zd.P_RHO, 3.0)
    f = _F_GS * (p * p * (_gs_h(s) - zd.H_RHO) + _PD_GS * (_M_RHO2 - s))
    d = _M_RHO2 - s + f
    mw = zd.M_RHO * width
    return _NUM_GS2 / (d * d + mw * mw)


@njit
def r_pipi(m: float) -> float:
    """zprime_decays.r_pipi: R_ππ = β³|F_π|²/4 (0 below 2m_π), m [GeV]."""
    if not m > _TWO_M_PI:
        return 0.0
    y = 1.0 - _FOUR_M_PI2 / (m * m)
    beta3 = math.pow(y if y > 0.0 else 0.0, 1.5)
    return 0.25 * beta3 * pion_form_factor_sq(m)


@njit
def hadronic_factor(m: float, gv_u: float, gv_d: float) -> float:
    """zprime_decays.hadronic_factor: Γ(Z′ → hadrons) in units of m/(12π); ρ-dominated π⁺π⁻ below 1 GeV, free quarks
    above."""
    if m < zd.M_HADRON_SWITCH:
        dg = gv_u - gv_d
        if dg == 0.0:  # numpy: 0 · R_ππ = 0 (R_ππ finite and ≥ 0)
            return 0.0
        return dg * dg * r_pipi(min(m, zd.M_HADRON_SWITCH))
    light = gv_u * gv_u + 2.0 * (gv_d * gv_d)
    charm = fermion_pair_factor(m, zd.M_CHARM, gv_u, 0.0) if m > zd.CHARM_THRESHOLD else 0.0
    beauty = fermion_pair_factor(m, zd.M_BEAUTY, gv_d, 0.0) if m > zd.BEAUTY_THRESHOLD else 0.0
    return zd.N_COLOURS * (light + (charm + beauty))


@njit
def partial_widths(m: float, g: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float,
                   gv_d: float) -> tuple[float, float, float, float, float, float]:
    """zprime_decays.partial_widths (induced_mu_tau=True) [GeV]: (nunu, ee, mumu, tautau, hadrons, total), the total
    summed in numpy's order."""
    unit = m / _TWELVE_PI
    a, b, c = g + 2.0 * g_nue, g - 2.0 * g_nue, 2.0 * g_nue
    nunu = unit * 0.5 * (a * a + b * b + c * c) + 0.0
    ee = unit * fermion_pair_factor(m, M_E, gv_e, ga_e) + 0.0
    mumu = unit * fermion_pair_factor(m, M_MU, g + gv_e, ga_e) + 0.0
    tautau = unit * fermion_pair_factor(m, M_TAU, -g + gv_e, ga_e) + 0.0
    hadrons = unit * hadronic_factor(m, gv_u, gv_d) + 0.0
    return nunu, ee, mumu, tautau, hadrons, nunu + ee + mumu + tautau + hadrons


@njit
def branching_ratios(m: float, g: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float,
                     gv_d: float) -> tuple[float, float, float, float, float, float]:
    """zprime_decays.branching_ratios (partial_widths with induced_mu_tau=True): (nunu, ee, mumu, tautau, hadrons,
    invisible); with a vanishing total width all 0 and invisible 1."""
    nunu, ee, mumu, tautau, hadrons, total = partial_widths(m, g, gv_e, ga_e, g_nue, gv_u, gv_d)
    if not total > 0.0:
        return 0.0, 0.0, 0.0, 0.0, 0.0, 1.0
    nu = nunu / total
    return nu, ee / total, mumu / total, tautau / total, hadrons / total, nu


@njit
def br_mumu_lmu_ltau(m: float) -> float:
    """zprime_decays.br_lmu_ltau(m)["mumu"]: BR(Z′ → μμ) of the pure L_μ − L_τ Z′ (independent of g)."""
    return branching_ratios(m, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0)[2]


@njit
def muon_signal_g2(m: float, g: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float, gv_d: float,
                   channel: int, ref: float) -> float:
    """zprime_decays.muon_signal_g2: [(g + gv_e)² + ga_e²] BR/ref for the BR of index `channel` of branching_ratios
    (2: μμ, 5: invisible), 0 where ref vanishes; ref NaN: the pure L_μ − L_τ Z′'s BR of that channel (the default)."""
    br = branching_ratios(m, g, gv_e, ga_e, g_nue, gv_u, gv_d)[channel]
    if math.isnan(ref):
        ref = branching_ratios(m, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0)[channel]
    gv = g + gv_e
    coupling = gv * gv + ga_e * ga_e
    if not ref > 0.0:
        return 0.0
    return coupling * br / ref


@njit
def muon_signal_g2_mumu(m: float, g: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float,
                        gv_d: float) -> float:
    """muon_signal_g2 of Z′ → μμ with its default reference (BaBar)."""
    return muon_signal_g2(m, g, gv_e, ga_e, g_nue, gv_u, gv_d, 2, math.nan)


# ------------------------------------------------------------------------------------- K⁺ → π⁺Z′ (kaon)
@njit
def _x1_raw(t: float, a: float, w: float) -> float:
    """kaon._x1_raw: X₁ at t = m_t², a = m_H±², w = m_W² [GeV²]."""
    r = a / (a - t)
    lt = math.log(t / a)
    return (2.0 + r - 3.0 * w / (t - w)
            + 3.0 * w * w * (a + w - 2.0 * t) / ((a - w) * (t - w) ** 2) * math.log(t / w)
            + r * (r - 6.0 * w / (a - w)) * lt)


@njit
def _x2_raw(t: float, a: float) -> float:
    """kaon._x2_raw: X₂ at t = m_t², a = m_H±² [GeV²]."""
    return -2.0 * t / (a - t) * (1.0 + a / (a - t) * math.log(t / a))


@njit
def _window(a: float, p: float) -> tuple[bool, float, float, float]:
    """kaon._smooth's window around the removable pole p: (inside, lo, hi, s), s = (a − lo)/(hi − lo)."""
    if not abs(a / p - 1.0) < _WINDOW:
        return False, 0.0, 0.0, 0.0
    lo, hi = p * (1.0 - _WINDOW), p * (1.0 + _WINDOW)
    return True, lo, hi, (a - lo) / (hi - lo)


@njit
def loop_x1(m_hpm: float, m_t: float) -> float:
    """kaon.loop_x1: X₁(m_t, m_H±), linear between the window edges around a = m_t², m_W² (kaon._smooth)."""
    a = m_hpm * m_hpm
    t, w = m_t * m_t, M_W * M_W
    for p in (t, w):
        inside, lo, hi, s = _window(a, p)
        if inside:
            return (1.0 - s) * _x1_raw(t, lo, w) + s * _x1_raw(t, hi, w)
    return _x1_raw(t, a, w)


@njit
def loop_x2(m_hpm: float, m_t: float) -> float:
    """kaon.loop_x2: X₂(m_t, m_H±), linear between the window edges around a = m_t² (kaon._smooth)."""
    a = m_hpm * m_hpm
    t = m_t * m_t
    inside, lo, hi, s = _window(a, t)
    if inside:
        return (1.0 - s) * _x2_raw(t, lo) + s * _x2_raw(t, hi)
    return _x2_raw(t, a)


@njit
def goldstone_sd_coupling(delta: float, tan_beta: float, m_hpm: float, m_t: float) -> float:
    """kaon.goldstone_sd_coupling: |g_G| = |δ| G_F m_t² |V_ts* V_td| |X₁ + tan²β X₂| / (8√2 π² v) [GeV⁻¹]."""
    loop = loop_x1(m_hpm, m_t) + tan_beta * tan_beta * loop_x2(m_hpm, m_t)
    return abs(delta) * _G_F * (m_t * m_t) * _VTS_VTD * abs(loop) / _LOOP_DEN


@njit
def kallen(a: float, b: float, c: float) -> float:
    """kaon.kallen: λ(a, b, c) = a² + b² + c² − 2(ab + ac + bc)."""
    return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c)


@njit
def width_k_to_pi_zp(m: float, g_sd: float) -> float:
    """kaon.width_k_to_pi_zp: Γ(K⁺ → π⁺Z′) = |g_G|² f₊(m²)² λ^{3/2} / (64π m_K³) [GeV]; 0 unless 0 ≤ m < m_K − m_π."""
    if not (m >= 0.0 and m < _K_OPEN):
        return 0.0
    m2 = m * m
    lam = kallen(_M_K2, _M_PIK2, m2)
    lam = lam if lam > 0.0 else 0.0
    ff = kaon.F_PLUS_0 / (1.0 - m2 / _M_KSTAR2)
    return g_sd * g_sd * (ff * ff) * math.pow(lam, 1.5) / _WIDTH_DEN


@njit
def br_k_to_pi_zp(m: float, delta: float, tan_beta: float, m_hpm: float, m_t: float) -> float:
    """kaon.br_k_to_pi_zp: BR(K⁺ → π⁺Z′) = Γ τ_K/ħ."""
    if not (m >= 0.0 and m < _K_OPEN):  # closed: Γ = 0 whatever the coupling (skips the loop functions)
        return 0.0
    return width_k_to_pi_zp(m, goldstone_sd_coupling(delta, tan_beta, m_hpm, m_t)) * _TAU_OVER_HBAR


@njit
def br_zp_invisible_lmu_ltau(m: float) -> float:
    """kaon.br_zp_invisible(m) without couplings: 1/(1 + Γ_μμ/Γ_inv), Γ_μμ/Γ_inv = (1 + 2r)√(1 − 4r), r = m_μ²/m²
    (1 below 2m_μ)."""
    if not m > 2.0 * M_MU:
        return 1.0 / (1.0 + 0.0)
    r = _M_MU2 / (m * m)
    y = 1.0 - 4.0 * r
    return 1.0 / (1.0 + (1.0 + 2.0 * r) * math.sqrt(y if y > 0.0 else 0.0))


# -------------------------------------------------------------------------------------- limits (globalfit.limits)
@njit
def limit_curve(m: float, mass, logm, logx) -> float:
    """LimitCurve(m) from the curve's arrays (LimitCurve.kernel_data): linear in (log m, log X_UL) between the nodes
    (numpy's searchsorted, side left), NaN outside [mass[0], mass[-1]] or next to a gap. m > 0."""
    if not (m >= mass[0] and m <= mass[-1]):
        return math.nan
    lm = math.log(m)
    n = logm.shape[0]
    lo_i, hi_i = 0, n  # first index with logm[i] >= lm
    while lo_i < hi_i:
        mid = (lo_i + hi_i) // 2
        if logm[mid] < lm:
            lo_i = mid + 1
        else:
            hi_i = mid
    i = min(max(lo_i - 1, 0), n - 2)
    t = (lm - logm[i]) / (logm[i + 1] - logm[i])
    lo, hi = logx[i], logx[i + 1]
    if t <= 0.0:
        return math.exp(lo)
    if t >= 1.0:
        return math.exp(hi)
    return math.exp((1.0 - t) * lo + t * hi)


@njit
def upper_limit_loglike(x: float, x_ul: float, shape: int, coef: float) -> float:
    """globalfit.limits.upper_limit_loglike of one point, plus 0.0 (no −0.0): shape 0 (Poisson) coef·x/x_ul with
    coef = ln(1 − CL); shape 1 (half-Gaussian) −½(coef·x/x_ul)² with coef = z_CL; 0 where x_ul is NaN or ≤ 0
    (globalfit.limits.limit_kernel_data gives shape and coef)."""
    ratio = x / x_ul if (math.isfinite(x_ul) and x_ul > 0.0) else 0.0
    if shape == 0:
        return coef * ratio + 0.0
    y = coef * ratio
    return -0.5 * (y * y) + 0.0
