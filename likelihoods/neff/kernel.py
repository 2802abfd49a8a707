"""Compiled twins of the neff plugin's log L (likelihoods/neff/likelihood.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and operation order. Imported only by
cards with `compiled: true` (needs numba).

`data` = (knots, coefficients, ln m_lo, ln m_hi of the ΔN_eff spline (NeffTable.kernel_data), SM value, observed
value, error, then the thermalisation tables (globalfit.physics.neff.thermalisation_kernel_data)). The scipy
CubicSplines are evaluated as scipy does (interval x_i ≤ x < x_{i+1}, closed at the last knot, extrapolated; the
powers of s = x − x_i summed from the constant term up). ln L = −inf outside the domain (a non-finite input,
m_Z′ ≤ 0, g_Z′ < 0).
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.constants import M_E
from globalfit.physics.neff import M_PL

_EIGHT_PI = 8.0 * math.pi
_TWELVE_PI = 12.0 * math.pi * 1.0  # thermalisation_coupling's 12π k_min, k_min = 1


@njit
def cubic_spline(x: float, knots, coef) -> float:
    """scipy.interpolate.CubicSpline(knots, ·)(x) from its coefficients (n − 1, 4) (PPoly evaluation)."""
    n = knots.shape[0]
    if x >= knots[n - 1]:
        i = n - 2
    elif x < knots[0]:
        i = 0
    else:
        lo, hi = 0, n - 2  # the last i with knots[i] <= x
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if knots[mid] <= x:
                lo = mid
            else:
                hi = mid - 1
        i = lo
    s = x - knots[i]
    res, z = 0.0, 1.0
    for k in range(4):
        res = res + coef[i, 3 - k] * z
        if k < 3:
            z *= s
    return res


@njit
def thermalisation_coupling(m: float, knots, coef, x_min: float, x_max: float, rho_gamma: float, rho_nu: float,
                            rho_zp: float) -> float:
    """globalfit.physics.neff.thermalisation_coupling(m) (k_min = 1) through hubble(m, m), m > 0 [GeV]."""
    x = M_E / m
    rho_e = math.exp(cubic_spline(math.log(min(max(x, x_min), x_max)), knots, coef))
    if x >= x_max:
        rho_e = 0.0
    g = rho_gamma + 4.0 * rho_e + rho_nu
    g = g + rho_zp
    h = math.sqrt(_EIGHT_PI * g / 3.0) * m * m / M_PL
    return math.sqrt(_TWELVE_PI * h / m)


@njit
def _loglike(m: float, g: float, threshold: bool, data) -> float:
    """NeffZprime.loglike of one valid point: −½[(X_SM + ΔN_eff − X_obs)/σ]²."""
    knots, coef, lo, hi, sm, value, error, t_knots, t_coef, x_min, x_max, rho_gamma, rho_nu, rho_zp = data
    lm = math.log(m)
    d = 0.0 if lm > hi else cubic_spline(min(max(lm, lo), hi), knots, coef)
    if threshold and not g >= thermalisation_coupling(m, t_knots, t_coef, x_min, x_max, rho_gamma, rho_nu, rho_zp):
        d = 0.0
    r = (sm + d - value) / error
    return -0.5 * (r * r)


@njit
def loglike(m_zp: float, g_zp: float, data) -> float:
    """thermalised: coupling-threshold (ΔN_eff = 0 below the thermalisation coupling)."""
    if not (math.isfinite(m_zp) and math.isfinite(g_zp) and m_zp > 0.0 and g_zp >= 0.0):
        return -math.inf
    return _loglike(m_zp, g_zp, True, data)


@njit
def loglike_assume(m_zp: float, data) -> float:
    """thermalised: assume (reads m_zp only)."""
    if not (math.isfinite(m_zp) and m_zp > 0.0):
        return -math.inf
    return _loglike(m_zp, 1.0, False, data)
