"""Compiled twins of the borexino plugin's log L (likelihoods/borexino/likelihood.py, `Borexino.loglike` with
method="table") for the fused posterior (globalfit/compiled.py, docs/compiled.md): one point per call, the formulas
and operation order of globalfit.physics.nue_scattering.be7_rate (table path), solar_probability_coefficients and
cos2theta12_matter. Imported only by cards with `compiled: true` (needs numba).

m_Z′ outside the recoil table (nue_scattering.TABLE_M_RANGE, 1e−9 … 1e4 GeV), where numpy integrates directly,
gives NaN: the framework then evaluates the batch with numpy.

`data` (built by Borexino._kernel_data) =
    (consts, lines, coef, osc)
consts: float64 [R_obs, σ_obs², σ_SSM/R_SSM, N_e × 86400 s, y₀ = ln m_min, 1/h, last interval, 1/(2√2 G_F) [GeV²]];
lines: (n_lines, 6) float64, per line [Φ_l, σ_e^SM, σ_μ^SM [cm²], c = 2m_eT_max [GeV²], Q₁ (analytic), 2V E_l/eV²
(the β of cos2theta12_matter without (1 − s13²)/Δm²21)];
coef: (n_lines, n_intervals, 6, 4) float64, the RecoilTable spline coefficients (A_e, B_e, A_μ, B_μ, Q₂, Q₃; powers
u³ … u⁰) of each interval next to each other;
osc: float64 [a_e, a_μ, a_τ, b_e, b_μ, b_τ, c_1 … c_n] of the fixed NuFIT 5.3 point (as numpy computes them from
constants), used by the kernels without sampled oscillation parameters (empty otherwise).
"""
from __future__ import annotations

import math

from numba import njit

_NAN = float("nan")
_NEG_INF = -float("inf")


@njit
def _finite(*xs) -> bool:
    """All of xs finite (Borexino.loglike's np.isfinite mask)."""
    for x in xs:
        if not math.isfinite(x):
            return False
    return True


@njit(inline="always")
def _osc_valid(s12sq: float, s13sq: float, s23sq: float, dm21sq: float) -> bool:
    """Borexino.loglike's domain of the sampled oscillation parameters: mixing in [0, 1], Δm²21 > 0."""
    return (0.0 <= s12sq <= 1.0) and (0.0 <= s13sq <= 1.0) and (0.0 <= s23sq <= 1.0) and dm21sq > 0.0


@njit(inline="always")
def _clip01(x: float) -> float:
    return min(max(x, 0.0), 1.0)


@njit(inline="always")
def probability_coefficients(s12sq: float, s13sq: float, s23sq: float, delta: float):
    """(a_e, a_μ, a_τ, b_e, b_μ, b_τ) with P_eα = a_α + b_α cos 2θ₁₂^m: nue_scattering.solar_probability_coefficients
    (δ in rad)."""
    s12sq, s13sq, s23sq = _clip01(s12sq), _clip01(s13sq), _clip01(s23sq)
    c12sq, c13sq, c23sq = 1.0 - s12sq, 1.0 - s13sq, 1.0 - s23sq
    j2 = 4.0 * math.sqrt(s12sq * c12sq * s23sq * c23sq * s13sq) * math.cos(delta)
    hc = 0.5 * c13sq
    cos2 = c12sq - s12sq
    s13c13 = s13sq * c13sq
    mu_s, tau_s = s23sq * s13sq, c23sq * s13sq
    return (hc * c13sq + s13sq * s13sq, hc * (c23sq + mu_s) + s13c13 * s23sq, hc * (s23sq + tau_s) + s13c13 * c23sq,
            hc * c13sq * cos2, hc * (cos2 * (mu_s - c23sq) + j2), hc * (cos2 * (tau_s - s23sq) - j2))


@njit(inline="always")
def cos2theta12_matter(beta_e: float, s12sq: float, s13sq: float, dm21sq: float) -> float:
    """cos 2θ₁₂^m (nue_scattering.cos2theta12_matter); beta_e = 2V E/eV² of the line, Δm²21 in eV²."""
    beta = beta_e * (1.0 - s13sq) / dm21sq
    d = (1.0 - 2.0 * s12sq) - beta
    return d / math.sqrt(d * d + 4.0 * s12sq * (1.0 - s12sq))


@njit(inline="always")
def _horner(coef, line: int, i: int, j: int, u: float) -> float:
    """UniformCubic.horner of tabulated integral j: ((c₃u + c₂)u + c₁)u + c₀."""
    return ((coef[line, i, j, 0] * u + coef[line, i, j, 1]) * u + coef[line, i, j, 2]) * u + coef[line, i, j, 3]


@njit(inline="always")
def _rate(m: float, g: float, gv_e: float, ga_e: float, g_nue: float, h_mu: float, h_tau: float,
          p, fixed: bool, s12sq: float, s13sq: float, dm21sq: float, consts, lines, coef, osc) -> float:
    """R_SM+Z′ [counts/day/100 t] of nue_scattering.be7_rate (method="table"); NaN outside the table.

    p = (a_e, a_μ, a_τ, b_e, b_μ, b_τ); cos 2θ₁₂^m of line l from osc[6 + l] if `fixed`, else from s12sq, s13sq,
    dm21sq [eV²].
    """
    u = (math.log(m) - consts[4]) * consts[5]
    last = int(consts[6])
    if not (u >= 0.0 and u <= last + 1.0):
        return _NAN
    i = min(int(u), last)
    u -= i
    k = consts[7]
    uu, ww = (gv_e + ga_e) * k, (gv_e - ga_e) * k
    uu2, ww2, uw = uu * uu, ww * ww, uu * ww
    inv_m2 = 1.0 / (m * m)
    h_e = 2.0 * g_nue
    a_e, a_mu, a_tau, b_e, b_mu, b_tau = p
    a1e, b1e = a_e * h_e, b_e * h_e
    a1m, b1m = a_mu * h_mu + a_tau * h_tau, b_mu * h_mu + b_tau * h_tau
    a2 = a1e * h_e + a_mu * h_mu * h_mu + a_tau * h_tau * h_tau
    b2 = b1e * h_e + b_mu * h_mu * h_mu + b_tau * h_tau * h_tau
    a_mt, b_mt = a_mu + a_tau, b_mu + b_tau
    rate = 0.0
    for line in range(lines.shape[0]):
        flux, s_e, s_mu, c_l, q1 = lines[line, 0], lines[line, 1], lines[line, 2], lines[line, 3], lines[line, 4]
        c = osc[6 + line] if fixed else cos2theta12_matter(lines[line, 5], s12sq, s13sq, dm21sq)
        sm = (s_e * a_e + s_mu * a_mt) + (s_e * b_e + s_mu * b_mt) * c
        g_ae = _horner(coef, line, i, 0, u)
        g_be = _horner(coef, line, i, 1, u)
        g_am = _horner(coef, line, i, 2, u)
        g_bm = _horner(coef, line, i, 3, u)
        g_q2 = _horner(coef, line, i, 4, u)
        g_q3 = _horner(coef, line, i, 5, u)
        inv1 = 1.0 / (m * m + c_l)
        quad = (uu2 * q1 + ww2 * g_q2) * inv_m2 - uw * g_q3 * (c_l * inv1)
        zp = (((a1e + b1e * c) * (uu * g_ae + ww * g_be) + (a1m + b1m * c) * (uu * g_am + ww * g_bm)
               + (a2 + b2 * c) * quad) * inv1)
        rate = rate + flux * (sm + zp)
    return rate * consts[3]


@njit(inline="always")
def _loglike_of_rate(r: float, consts) -> float:
    """−χ²/2 of Borexino.loglike: χ² = (R_obs − r)² / (σ_obs² + (σ_SSM r)²)."""
    d = consts[0] - r
    s = consts[2] * r
    return -0.5 * ((d * d) / (consts[1] + s * s))


@njit(inline="always")
def _fixed(m, g, gv_e, ga_e, g_nue, h_mu, h_tau, data) -> float:
    consts, lines, coef, osc = data
    p = (osc[0], osc[1], osc[2], osc[3], osc[4], osc[5])
    r = _rate(m, g, gv_e, ga_e, g_nue, h_mu, h_tau, p, True, 0.0, 0.0, 0.0, consts, lines, coef, osc)
    return _loglike_of_rate(r, consts)


@njit(inline="always")
def _sampled(m, g, gv_e, ga_e, g_nue, h_mu, h_tau, s12sq, s13sq, s23sq, delta, dm21sq, data) -> float:
    consts, lines, coef, osc = data
    p = probability_coefficients(s12sq, s13sq, s23sq, delta)
    r = _rate(m, g, gv_e, ga_e, g_nue, h_mu, h_tau, p, False, s12sq, s13sq, dm21sq, consts, lines, coef, osc)
    return _loglike_of_rate(r, consts)


@njit
def loglike(m_zp: float, g_zp: float, gv_e: float, ga_e: float, g_nue: float, data) -> float:
    """log L, oscillation parameters fixed at NuFIT 5.3 NO (data[3]); L_μ − L_τ: h_μ,τ = ±g + 2g_ν. m_zp [GeV]."""
    if not (_finite(m_zp, g_zp, gv_e, ga_e, g_nue) and m_zp > 0.0):
        return _NEG_INF
    h_e = 2.0 * g_nue
    return _fixed(m_zp, g_zp, gv_e, ga_e, g_nue, h_e + g_zp, h_e - g_zp, data)


@njit
def loglike_h(m_zp: float, g_zp: float, gv_e: float, ga_e: float, g_nue: float, h_numu: float, h_nutau: float,
              data) -> float:
    """log L, oscillation parameters fixed, the model's own ν_μ, ν_τ couplings h_numu, h_nutau."""
    if not (_finite(m_zp, g_zp, gv_e, ga_e, g_nue, h_numu, h_nutau) and m_zp > 0.0):
        return _NEG_INF
    return _fixed(m_zp, g_zp, gv_e, ga_e, g_nue, h_numu, h_nutau, data)


@njit
def loglike_osc(m_zp: float, g_zp: float, gv_e: float, ga_e: float, g_nue: float, s12sq: float, s13sq: float,
                s23sq: float, delta_cp: float, dm21sq: float, data) -> float:
    """log L with the point's oscillation parameters (δ in rad, Δm²21 in eV²); h_μ,τ = ±g + 2g_ν."""
    if not (_finite(m_zp, g_zp, gv_e, ga_e, g_nue, s12sq, s13sq, s23sq, delta_cp, dm21sq) and m_zp > 0.0
            and _osc_valid(s12sq, s13sq, s23sq, dm21sq)):
        return _NEG_INF
    h_e = 2.0 * g_nue
    return _sampled(m_zp, g_zp, gv_e, ga_e, g_nue, h_e + g_zp, h_e - g_zp, s12sq, s13sq, s23sq, delta_cp, dm21sq,
                    data)


@njit
def loglike_osc_h(m_zp: float, g_zp: float, gv_e: float, ga_e: float, g_nue: float, s12sq: float, s13sq: float,
                  s23sq: float, delta_cp: float, dm21sq: float, h_numu: float, h_nutau: float, data) -> float:
    """log L with the point's oscillation parameters and the model's own ν_μ, ν_τ couplings."""
    if not (_finite(m_zp, g_zp, gv_e, ga_e, g_nue, s12sq, s13sq, s23sq, delta_cp, dm21sq, h_numu, h_nutau)
            and m_zp > 0.0 and _osc_valid(s12sq, s13sq, s23sq, dm21sq)):
        return _NEG_INF
    return _sampled(m_zp, g_zp, gv_e, ga_e, g_nue, h_numu, h_nutau, s12sq, s13sq, s23sq, delta_cp, dm21sq, data)
