"""Compiled twins of the recast-curve plugins' log L (likelihoods/_recast.py: belle2_invisible, cms_4mu, na64e) for the
fused posterior (globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and operation order,
from globalfit.physics.zprime_kernels. Imported only by cards with `compiled: true` (needs numba).

Every function takes m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d and `data` = (mass, log mass, log limit of the curve
(LimitCurve.kernel_data), shape code, coefficient (globalfit.limits.limit_kernel_data), reference): ln L = 0 where
the curve has no limit, −inf outside the domain (likelihoods.e137.likelihood.domain: a non-finite input, m_Z′ ≤ 0,
g_Z′ < 0).
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.constants import E_CHARGE
from globalfit.physics.zprime_kernels import branching_ratios, limit_curve, muon_signal_g2, upper_limit_loglike

#: beam_dump.electron_brem_production's denominator, as numpy's code evaluates it
_E2 = E_CHARGE**2


@njit
def _outside(m: float, g: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float, gv_d: float) -> bool:
    """Not in likelihoods.e137.likelihood.domain."""
    return not (math.isfinite(m) and math.isfinite(g) and math.isfinite(gv_e) and math.isfinite(ga_e)
                and math.isfinite(g_nue) and math.isfinite(gv_u) and math.isfinite(gv_d) and m > 0.0 and g >= 0.0)


@njit
def _muon_search(m: float, g: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float, gv_d: float,
                 channel: int, data) -> float:
    """Belle2Invisible.loglike / CMS4Mu.loglike: X = muon_signal_g2 against X_UL = g_UL(m)²."""
    if _outside(m, g, gv_e, ga_e, g_nue, gv_u, gv_d):
        return -math.inf
    mass, logm, logx, shape, coef, ref = data
    x = muon_signal_g2(m, g, gv_e, ga_e, g_nue, gv_u, gv_d, channel, ref)
    g_ul = limit_curve(m, mass, logm, logx)
    return upper_limit_loglike(x, g_ul * g_ul, shape, coef)


@njit
def belle2_invisible(m_zp: float, g_zp: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float, gv_d: float,
                     data) -> float:
    """Belle2Invisible.loglike: X = [(g + gv_e)² + ga_e²] BR(inv)/BR₀(inv) (reference NaN: the pure model's)."""
    return _muon_search(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d, 5, data)


@njit
def cms_4mu(m_zp: float, g_zp: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float, gv_d: float,
            data) -> float:
    """CMS4Mu.loglike: X = [(g + gv_e)² + ga_e²] BR(μμ)/reference (cms_4mu.likelihood.BR_MUMU_ASSUMED)."""
    return _muon_search(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d, 2, data)


@njit
def na64e(m_zp: float, g_zp: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float, gv_d: float,
          data) -> float:
    """NA64e.loglike: X = (gv_e² + ga_e²)/e² · BR(inv)/(ε_UL² · 1) (beam_dump.electron_brem_production,
    invisible_signal_ratio), X_UL = 1; X = 0 where the curve has no limit."""
    if _outside(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d):
        return -math.inf
    mass, logm, logx, shape, coef, ref = data
    br = branching_ratios(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d)[5]
    production = (gv_e * gv_e + ga_e * ga_e) / _E2
    eps = limit_curve(m_zp, mass, logm, logx)
    x = 0.0
    if math.isfinite(eps) and eps > 0.0:
        x = production * br / (eps * eps * ref)
    return upper_limit_loglike(x, 1.0, shape, coef)
