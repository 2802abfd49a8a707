"""Compiled twins of the na62 plugin's log L (likelihoods/na62/likelihood.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and operation order, from
globalfit.physics.zprime_kernels. Imported only by cards with `compiled: true` (needs numba).

`data` = (mass, log mass, log BR_UL of the limit curve (LimitCurve.kernel_data), shape code, coefficient
(globalfit.limits.limit_kernel_data), m_t [GeV]). ln L = 0 in the π⁰ gap, where the curve has no limit and above
it; −inf outside the domain (a non-finite input, m_Z′ ≤ 0, g_Z′ < 0, m_H± ≤ 0).
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.zprime_kernels import (
    br_k_to_pi_zp,
    br_zp_invisible_lmu_ltau,
    branching_ratios,
    limit_curve,
    upper_limit_loglike,
)
from likelihoods.na62.likelihood import M_ZERO, PI0_GAP

_GAP_LO, _GAP_HI = PI0_GAP


@njit
def _br_limit(m: float, data) -> float:
    """NA62.br_limit: the curve at max(m, M_ZERO), NaN in the π⁰ gap."""
    if m >= _GAP_LO and m <= _GAP_HI:
        return math.nan
    return limit_curve(m if m > M_ZERO else M_ZERO, data[0], data[1], data[2])


@njit
def _valid(m_zp: float, g_zp: float, delta_zzp: float, tan_beta: float, m_hpm: float) -> bool:
    return (math.isfinite(m_zp) and math.isfinite(g_zp) and math.isfinite(delta_zzp) and math.isfinite(tan_beta)
            and math.isfinite(m_hpm) and m_zp > 0.0 and g_zp >= 0.0 and m_hpm > 0.0)


@njit
def loglike(m_zp: float, g_zp: float, delta_zzp: float, tan_beta: float, m_hpm: float, data) -> float:
    """Without induced couplings: X = BR(K⁺→π⁺Z′) · BR(Z′→νν̄) of the pure L_μ − L_τ Z′ (kaon.br_zp_invisible(m))."""
    if not _valid(m_zp, g_zp, delta_zzp, tan_beta, m_hpm):
        return -math.inf
    ul = _br_limit(m_zp, data)
    if not (math.isfinite(ul) and ul > 0.0):  # no limit: numpy's ratio is 0 whatever X
        return 0.0
    x = br_k_to_pi_zp(m_zp, delta_zzp, tan_beta, m_hpm, data[5]) * br_zp_invisible_lmu_ltau(m_zp)
    return upper_limit_loglike(x, ul, data[3], data[4])


@njit
def loglike_induced(m_zp: float, g_zp: float, delta_zzp: float, tan_beta: float, m_hpm: float, gv_e: float,
                    ga_e: float, g_nue: float, gv_u: float, gv_d: float, data) -> float:
    """With the induced couplings (lmu-ltau): BR(Z′→νν̄) from the full widths (zprime_decays.branching_ratios)."""
    if not (_valid(m_zp, g_zp, delta_zzp, tan_beta, m_hpm) and math.isfinite(gv_e) and math.isfinite(ga_e)
            and math.isfinite(g_nue) and math.isfinite(gv_u) and math.isfinite(gv_d)):
        return -math.inf
    ul = _br_limit(m_zp, data)
    if not (math.isfinite(ul) and ul > 0.0):
        return 0.0
    inv = branching_ratios(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d)[5]
    x = br_k_to_pi_zp(m_zp, delta_zzp, tan_beta, m_hpm, data[5]) * inv
    return upper_limit_loglike(x, ul, data[3], data[4])
