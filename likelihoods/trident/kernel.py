"""Compiled twin of the trident log L (likelihoods/trident/likelihood.py with globalfit.physics.trident
.CoefficientTable: the same interpolation — numpy.interp's formula — and operation order) for the fused posterior
(globalfit/compiled.py, docs/compiled.md). Imported only by cards with `compiled: true` (needs numba)."""
from __future__ import annotations

import math

from numba import njit


@njit
def _interp(x: float, xp, fp) -> float:
    """numpy.interp at one point (xp increasing): the same bracketing and slope·(x − x_j) + f_j."""
    n = len(xp)
    if x != x:
        return x
    if x < xp[0]:
        return fp[0]
    if x >= xp[n - 1]:
        return fp[n - 1]
    lo, hi = 0, n - 1  # xp[lo] <= x < xp[hi]
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if xp[mid] <= x:
            lo = mid
        else:
            hi = mid
    if x == xp[lo]:
        return fp[lo]
    slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo])
    out = slope * (x - xp[lo]) + fp[lo]
    if out != out:
        out = slope * (x - xp[lo + 1]) + fp[lo + 1]
        if out != out and fp[lo] == fp[lo + 1]:
            out = fp[lo]
    return out


@njit
def _loglike_y2(m_zp: float, y2: float, data) -> float:
    """−½ ((R − value)/error)², R = 1 + A y2 + B y2² (CoefficientTable.ratio_y2) at m_zp > 0."""
    value, error, log_m, log_a, log_b, log_a_inf, log_b_inf, b0, b1, slope = data
    lm = math.log(max(m_zp, 1e-300))
    lo, hi = log_m[0], log_m[len(log_m) - 1]
    if lm > hi:
        a = math.exp(log_a_inf - 2.0 * lm)
        b = math.exp(log_b_inf - 4.0 * lm)
    else:
        a = math.exp(_interp(lm, log_m, log_a))
        b = math.exp(_interp(lm, log_m, log_b))
        if lm < lo:
            b = b0 + slope * (lo - min(lm, lo))
    r = 1.0 + a * y2 + b * y2 * y2
    z = (r - value) / error
    ll = -0.5 * (z * z)
    return ll if math.isfinite(ll) else -math.inf


@njit
def loglike(m_zp: float, g_zp: float, data) -> float:
    """From g_Z′: y2 = (g/10⁻³)² (CoefficientTable.ratio); −inf for m ≤ 0 or a non-finite input or result.
    data = (value, error, ln m, ln A, ln B, ln a_inf, ln b_inf, B₀, B₁, dB/d ln(1/m))."""
    if not (math.isfinite(m_zp) and math.isfinite(g_zp) and m_zp > 0):
        return -math.inf
    y = g_zp / 1e-3
    return _loglike_y2(m_zp, y * y, data)


@njit
def loglike_g2(m_zp: float, g_zp: float, trident_g2: float, data) -> float:
    """From the model's h_νμ g_V^μ (U(1)_X): y2 = trident_g2/10⁻⁶ (either sign; ratio_at)."""
    if not (math.isfinite(m_zp) and math.isfinite(g_zp) and m_zp > 0 and math.isfinite(trident_g2)):
        return -math.inf
    return _loglike_y2(m_zp, trident_g2 / 1e-6, data)
