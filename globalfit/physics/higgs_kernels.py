"""Compiled twins (numba, one point per call) of globalfit.physics.higgs_sector for the kernels of the Higgs-sector
plugins (likelihoods/{bphysics,higgs_potential,oblique}/kernel.py): the same formulas in the same operation order,
so that they agree with the numpy functions to rounding. For the fused posterior (globalfit/compiled.py,
docs/compiled.md); imported only by cards with `compiled: true` (needs numba).

Constants that numpy computes on Python floats (x_t, ln x_t, 4 S₀(x_t), v², …) come in as data from
`bphysics_constants` and `potential_constants`, computed by the same Python expressions.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from globalfit.physics import higgs_sector as hs
from globalfit.physics.constants import M_W, M_Z, V_HIGGS
from globalfit.physics.loop_kernels import pairwise_sum

#: _bridge's relative window around a removable pole (higgs_sector._bridge's default)
BRIDGE_WINDOW = 1e-3


def bphysics_constants(m_t: float = hs.M_T_MSBAR) -> tuple[float, ...]:
    """(t = m_t², x_t, ln x_t, (1 − x_t)², 4 S₀(x_t), m_W²) as higgs_sector's numpy code computes them."""
    t = m_t * m_t
    xt = (m_t / M_W) ** 2
    return (t, xt, float(np.log(xt)), (1.0 - xt) ** 2, 4.0 * float(hs.inami_lim_s0(xt)), M_W**2)


def potential_constants() -> tuple[float, float]:
    """(m_h², v²) as higgs_sector.quartic_couplings computes them."""
    return hs.M_H_SM * hs.M_H_SM, V_HIGGS**2


# ============================================================================================ B physics
@njit(inline="always")
def _f7_1(y: float) -> float:
    return y * (7.0 - 5.0 * y - 8.0 * y * y) / (24.0 * math.pow(y - 1.0, 3.0)) + y * y * (3.0 * y - 2.0) * math.log(
        y) / (4.0 * math.pow(y - 1.0, 4.0))


@njit(inline="always")
def _f7_2(y: float) -> float:
    return y * (3.0 - 5.0 * y) / (12.0 * ((y - 1.0) * (y - 1.0))) + y * (3.0 * y - 2.0) * math.log(y) / (
        6.0 * math.pow(y - 1.0, 3.0))


@njit(inline="always")
def _f8_1(y: float) -> float:
    return y * (2.0 + 5.0 * y - y * y) / (8.0 * math.pow(y - 1.0, 3.0)) - 3.0 * y * y * math.log(y) / (
        4.0 * math.pow(y - 1.0, 4.0))


@njit(inline="always")
def _f8_2(y: float) -> float:
    return y * (3.0 - y) / (4.0 * ((y - 1.0) * (y - 1.0))) - y * math.log(y) / (2.0 * math.pow(y - 1.0, 3.0))


@njit(inline="always")
def _c7(t: float, x: float) -> float:
    return _f7_1(t / x) / 3.0 - _f7_2(t / x)


@njit(inline="always")
def _c8(t: float, x: float) -> float:
    return _f8_1(t / x) / 3.0 - _f8_2(t / x)


@njit
def delta_c7_c8(zeta: float, m_hpm: float, t: float) -> tuple[float, float]:
    """higgs_sector.delta_c7_c8 at one point (t = m_t²), with its linear bridge across m_H±² = t."""
    a = m_hpm * m_hpm
    w = BRIDGE_WINDOW
    if abs(a / t - 1.0) < w:
        lo, hi = t * (1.0 - w), t * (1.0 + w)
        s = (a - lo) / (hi - lo)
        c7 = (1.0 - s) * _c7(t, lo) + s * _c7(t, hi)
        c8 = (1.0 - s) * _c8(t, lo) + s * _c8(t, hi)
    else:
        c7 = _c7(t, a)
        c8 = _c8(t, a)
    z2 = zeta * zeta
    return z2 * c7, z2 * c8


@njit
def bsgamma_ratio(zeta: float, m_hpm: float, r7: float, r8: float, t: float) -> float:
    """higgs_sector.bsgamma_ratio at one point (t = m_t²)."""
    d7, d8 = delta_c7_c8(zeta, m_hpm, t)
    v = 1.0 + r7 * d7 + r8 * d8
    if v < 0.0:  # np.maximum(v, 0): NaN stays NaN
        v = 0.0
    return v * v


@njit(inline="always")
def _s_wh(xt: float, a: float, log_xt: float, omxt2: float) -> float:
    y = xt / a
    return y * ((2.0 * a - 8.0) * math.log(y) / ((1.0 - a) * ((1.0 - y) * (1.0 - y)))
                + 6.0 * a * log_xt / ((1.0 - a) * omxt2) - (8.0 - 2.0 * xt) / ((1.0 - xt) * (1.0 - y)))


@njit(inline="always")
def _s_hh(xt: float, a: float) -> float:
    y = xt / a
    return y * ((1.0 + y) / ((1.0 - y) * (1.0 - y)) + 2.0 * y * math.log(y) / math.pow(1.0 - y, 3.0))


@njit
def bs_mixing_ratio(zeta: float, m_hpm: float, xt: float, log_xt: float, omxt2: float, four_s0: float,
                    mw2: float) -> float:
    """higgs_sector.bs_mixing_ratio at one point (constants from bphysics_constants), with its bridges across
    m_H± = m_W (a = 1) and m_t (a = x_t)."""
    a = m_hpm * m_hpm / mw2
    w = BRIDGE_WINDOW
    if abs(a / 1.0 - 1.0) < w:
        lo, hi = 1.0 * (1.0 - w), 1.0 * (1.0 + w)
        s = (a - lo) / (hi - lo)
        wh = (1.0 - s) * _s_wh(xt, lo, log_xt, omxt2) + s * _s_wh(xt, hi, log_xt, omxt2)
    elif abs(a / xt - 1.0) < w:
        lo, hi = xt * (1.0 - w), xt * (1.0 + w)
        s = (a - lo) / (hi - lo)
        wh = (1.0 - s) * _s_wh(xt, lo, log_xt, omxt2) + s * _s_wh(xt, hi, log_xt, omxt2)
    else:
        wh = _s_wh(xt, a, log_xt, omxt2)
    if abs(a / xt - 1.0) < w:
        lo, hi = xt * (1.0 - w), xt * (1.0 + w)
        s = (a - lo) / (hi - lo)
        hh = (1.0 - s) * _s_hh(xt, lo) + s * _s_hh(xt, hi)
    else:
        hh = _s_hh(xt, a)
    z2 = zeta * zeta
    return 1.0 + xt * (z2 * wh + z2 * z2 * hh) / four_s0


# ============================================================================================ scalar potential
_quartics = njit(hs.quartics_from_masses)  # the numpy code's own arithmetic, compiled


@njit
def quartic_couplings(tan_beta: float, m_h2: float, m_hpm: float, m2: float, cos_ba: float, mh2: float,
                      v2: float) -> tuple[float, float, float, float, float]:
    """higgs_sector.quartic_couplings at one point with m_a2hdm = None (λ₅ = 0); mh2 = m_h², v2 = v²."""
    t = tan_beta
    cb = 1.0 / math.sqrt(1.0 + t * t)
    sb = t * cb
    c = min(max(cos_ba, -1.0), 1.0)
    s = math.sqrt(1.0 - c * c)
    sa = sb * c - cb * s
    ca = cb * c + sb * s
    return _quartics(m_h2 * m_h2, mh2, m_hpm * m_hpm, m2, m2, sa, ca, sb, cb, v2)


@njit
def cp_odd_doublet_fraction(delta: float, tan_beta: float) -> float:
    """higgs_sector.cp_odd_doublet_fraction at one point."""
    d2 = delta * delta
    t2 = tan_beta * tan_beta
    c2 = 1.0 - d2 / t2 if t2 > 0.0 else 0.0
    if math.isnan(c2):
        c2 = 0.0
    elif c2 == math.inf:
        c2 = 1.0
    elif c2 == -math.inf:
        c2 = 0.0
    return min(max(c2, 0.0), 1.0)


@njit
def cos_beta_alpha(tan_beta: float, alignment: bool) -> float:
    """higgs_sector.cos_beta_alpha at one point: 0 for "alignment", −sinβ for "none"."""
    if alignment:
        return 0.0
    return -tan_beta / math.sqrt(1.0 + tan_beta * tan_beta)


@njit
def potential_allowed(tan_beta: float, delta: float, m_hpm: float, m_h2: float, m_a: float, alignment: bool,
                      limit: float, bfb: bool, mh2: float, v2: float) -> bool:
    """higgs_sector.potential_allowed at one point; limit ≤ 0: unitarity not checked."""
    m2 = m_a * m_a * cp_odd_doublet_fraction(delta, tan_beta)
    l1, l2, l3, l4, l5 = quartic_couplings(tan_beta, m_h2, m_hpm, m2, cos_beta_alpha(tan_beta, alignment), mh2, v2)
    if not (math.isfinite(l1) and math.isfinite(l2) and math.isfinite(l3) and math.isfinite(l4)
            and math.isfinite(l5)):
        return False
    if limit > 0.0:
        s, d = l1 + l2, l1 - l2
        u = 2.0 * l3 + l4
        ra = math.sqrt(2.25 * d * d + u * u)
        rb = 0.5 * math.sqrt(d * d + 4.0 * l4 * l4)
        rc = 0.5 * math.sqrt(d * d + 4.0 * l5 * l5)
        if not (abs(1.5 * s + ra) < limit and abs(1.5 * s - ra) < limit and abs(0.5 * s + rb) < limit
                and abs(0.5 * s - rb) < limit and abs(0.5 * s + rc) < limit and abs(0.5 * s - rc) < limit
                and abs(l3 + 2.0 * l4 - 3.0 * l5) < limit and abs(l3 - l5) < limit
                and abs(l3 + 2.0 * l4 + 3.0 * l5) < limit and abs(l3 + l5) < limit and abs(l3 + l4) < limit
                and abs(l3 - l4) < limit):
            return False
    if bfb:
        root = math.sqrt(max(l1 * l2, 0.0))
        if not (l1 > 0.0 and l2 > 0.0 and l3 > -root and l3 + l4 - abs(l5) > -root):
            return False
    return True


# ============================================================================================ oblique parameters
def oblique_constants() -> tuple:
    """The constants and the quadrature rule of higgs_sector's S and T as its numpy code computes them:
    (m_h², m_Z², m_W², q² = m_Z**2, π q², the denominator of T, F(m_Z², m_h²), F(m_W², m_h²), the SM-Higgs reference
    of S, nodes, weights)."""
    h, z, w = hs.M_H_SM * hs.M_H_SM, M_Z * M_Z, M_W * M_W
    q2 = M_Z**2
    t_den = 16.0 * math.pi**2 * hs.ALPHA_MZ * V_HIGGS**2
    fzh, fwh = float(hs.loop_f(z, h)), float(hs.loop_f(w, h))
    ref = float(hs.b22_subtracted(q2, z, h)) - z * float(hs.b0_subtracted(q2, z, h))
    return (h, z, w, q2, math.pi * q2, t_den, fzh, fwh, ref,
            np.ascontiguousarray(hs.S_RULE_X, dtype=float), np.ascontiguousarray(hs.S_RULE_W, dtype=float))


@njit
def delta_rho_mass_mixing(eps_z: float, m_zp: float, m_z: float) -> float:
    """higgs_sector.delta_rho_mass_mixing at one point."""
    e2 = eps_z * eps_z
    u = m_zp / m_z
    r = u * u
    den = 1.0 + e2 - r
    if abs(den) < 1e-12:
        den = -1e-12 if den < 0 else 1e-12
    v = -e2 / den
    if v < -1e12:
        v = -1e12
    elif v > 1e12:
        v = 1e12
    return v


@njit
def loop_f(x: float, y: float) -> float:
    """higgs_sector.loop_f at one point."""
    d = x - y
    close = abs(d) < 1e-4 * (x + y)
    if close:
        return d * d / (3.0 * (x + y if x + y > 0 else 1.0))
    if x <= 0 or y <= 0:
        if x <= 0 and y <= 0:
            return 0.0
        return 0.5 * max(x, y)
    return 0.5 * (x + y) - x * y * math.log(x / y) / (x - y)


@njit
def t_2hdm(m_hpm: float, m_h2: float, m_a: float, cos_ba: float, h: float, z: float, w: float, t_den: float,
           fzh: float, fwh: float) -> float:
    """higgs_sector.t_2hdm at one point (constants from oblique_constants)."""
    c2 = cos_ba * cos_ba
    s2 = 1.0 - c2
    a, hh, hp = m_a * m_a, m_h2 * m_h2, m_hpm * m_hpm
    br = (loop_f(hp, a) + s2 * (loop_f(hp, hh) - loop_f(a, hh)) + c2 * (loop_f(hp, h) - loop_f(a, h))
          + 3.0 * c2 * (loop_f(z, hh) - loop_f(w, hh) - fzh + fwh))
    return br / t_den


@njit(inline="always")
def _xlogx(z: float) -> float:
    return z * math.log(abs(z)) if z != 0 else 0.0


@njit
def _b_rule_sum(q2: float, a: float, b: float, x, wx, b0: bool) -> float:
    """Σ_k w_k f(x_k) in numpy's pairwise order, f = X ln|X| − X₀ ln X₀ (B̃₂₂) or ln(|X|/X₀) (B̃₀), X₀ = x a + (1 − x) b,
    X = X₀ − x(1 − x) q²."""
    terms = np.empty(len(x))
    for k in range(len(x)):
        x0 = x[k] * a + (1.0 - x[k]) * b
        xq = x0 - x[k] * (1.0 - x[k]) * q2
        terms[k] = (math.log(abs(xq) / x0) if b0 else _xlogx(xq) - _xlogx(x0)) * wx[k]
    return pairwise_sum(terms)


@njit
def b22_subtracted(q2: float, a: float, b: float, x, wx) -> float:
    """higgs_sector.b22_subtracted at one point (x, wx: its quadrature rule), numpy's pairwise sum."""
    return -0.5 * _b_rule_sum(q2, a, b, x, wx, False)


@njit
def b0_subtracted(q2: float, a: float, b: float, x, wx) -> float:
    """higgs_sector.b0_subtracted at one point, numpy's pairwise sum."""
    return -_b_rule_sum(q2, a, b, x, wx, True)


@njit
def s_2hdm(m_hpm: float, m_h2: float, m_a: float, cos_ba: float, h: float, z: float, q2: float, pi_q2: float,
           ref: float, x, wx) -> float:
    """higgs_sector.s_2hdm at one point; the c² term is added where c² > 0 (numpy: where any point of the batch has
    c² > 0, which adds c²·extra = +0 to the others when extra is finite)."""
    c2 = cos_ba * cos_ba
    s2 = 1.0 - c2
    a, hh, hp = m_a * m_a, m_h2 * m_h2, m_hpm * m_hpm
    out = s2 * b22_subtracted(q2, hh, a, x, wx) - b22_subtracted(q2, hp, hp, x, wx)
    if c2 > 0:
        extra = (b22_subtracted(q2, h, a, x, wx) + b22_subtracted(q2, z, hh, x, wx)
                 - z * b0_subtracted(q2, z, hh, x, wx) - ref)
        out = out + c2 * extra
    return out / pi_q2


@njit
def oblique_loops(m_hpm: float, m_h2: float, m_a: float, tan_beta: float, delta: float, m_zp: float,
                  alignment: bool, consts) -> tuple[float, float]:
    """higgs_sector.oblique_loops at one point: (S, T); consts = oblique_constants()."""
    h, z, w, q2, pi_q2, t_den, fzh, fwh, ref, x, wx = consts
    c2g = cp_odd_doublet_fraction(delta, tan_beta)
    cba = cos_beta_alpha(tan_beta, alignment)
    t = (c2g * t_2hdm(m_hpm, m_h2, m_a, cba, h, z, w, t_den, fzh, fwh)
         + (1.0 - c2g) * t_2hdm(m_hpm, m_h2, m_zp, cba, h, z, w, t_den, fzh, fwh))
    s = 0.0
    if c2g > 0:
        s = s + c2g * s_2hdm(m_hpm, m_h2, m_a, cba, h, z, q2, pi_q2, ref, x, wx)
    w2 = 1.0 - c2g
    if w2 > 0:
        s = s + w2 * s_2hdm(m_hpm, m_h2, m_zp, cba, h, z, q2, pi_q2, ref, x, wx)
    return s, t
