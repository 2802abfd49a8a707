"""Compiled twins of the babar plugin's log L (likelihoods/babar/likelihood.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and operation order, from
globalfit.physics.zprime_kernels. Imported only by cards with `compiled: true` (needs numba).

`data` = (mass, log mass, log g_UL of the limit curve (LimitCurve.kernel_data), shape code, coefficient
(globalfit.limits.limit_kernel_data)). X_UL = g_UL(m)²; ln L = 0 where the curve has no limit, −inf outside the
domain (a non-finite input, m_Z′ ≤ 0, g_Z′ < 0).
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.zprime_kernels import br_mumu_lmu_ltau, limit_curve, muon_signal_g2_mumu, upper_limit_loglike


@njit
def _loglike_x(m: float, x: float, data) -> float:
    """ln L of the signal X = x at m_Z′ = m against X_UL = g_UL(m)²."""
    mass, logm, logx, shape, coef = data
    g_ul = limit_curve(m, mass, logm, logx)
    return upper_limit_loglike(x, g_ul * g_ul, shape, coef)


@njit
def loglike(m_zp: float, g_zp: float, data) -> float:
    """The pure L_μ − L_τ Z′ (no induced couplings in the card): X = g_Z′²."""
    if not (math.isfinite(m_zp) and math.isfinite(g_zp) and m_zp > 0.0 and g_zp >= 0.0):
        return -math.inf
    return _loglike_x(m_zp, g_zp * g_zp, data)


@njit
def loglike_induced(m_zp: float, g_zp: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float, gv_d: float,
                    data) -> float:
    """With the induced couplings (lmu-ltau): X = [(g + gv_e)² + ga_e²] BR(Z′→μμ)/BR₀(Z′→μμ)
    (zprime_decays.muon_signal_g2)."""
    if not (math.isfinite(m_zp) and math.isfinite(g_zp) and m_zp > 0.0 and g_zp >= 0.0 and math.isfinite(gv_e)
            and math.isfinite(ga_e) and math.isfinite(g_nue) and math.isfinite(gv_u) and math.isfinite(gv_d)):
        return -math.inf
    return _loglike_x(m_zp, muon_signal_g2_mumu(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d), data)


@njit
def loglike_g2_mu(m_zp: float, g_zp: float, g2_mu: float, br_mumu: float, data) -> float:
    """A model with other charges (u1x): X = g2_mu · br_mumu / BR₀(Z′→μμ) (BR₀ = 0 → divide by 1)."""
    if not (math.isfinite(m_zp) and math.isfinite(g_zp) and m_zp > 0.0 and g_zp >= 0.0 and math.isfinite(g2_mu)
            and math.isfinite(br_mumu)):
        return -math.inf
    br0 = br_mumu_lmu_ltau(m_zp)
    return _loglike_x(m_zp, g2_mu * br_mumu / (br0 if br0 > 0.0 else 1.0), data)
