"""Compiled twin of the bphysics plugin's log L (likelihoods/bphysics/likelihood.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and operation order, from
globalfit.physics.higgs_kernels. Imported only by cards with `compiled: true` (needs numba).

`data` = (use b → sγ, use B_s mixing, BR_SM, BR_exp, σ_exp²(BR), σ_SM(BR), r₇, r₈, ΔM_s^SM, ΔM_s^exp, σ_exp²(ΔM_s),
σ_SM(ΔM_s), then higgs_kernels.bphysics_constants()).
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.higgs_kernels import bs_mixing_ratio, bsgamma_ratio


@njit
def loglike(tan_beta: float, m_hpm: float, data) -> float:
    """−½χ² of BR(B → X_sγ) and/or ΔM_s; −inf for non-finite input, tan_beta < 0, m_hpm ≤ 0 or a non-finite ln L."""
    (use_bsg, use_dms, bsg_sm, bsg_exp, bsg_exp_var, bsg_sm_err, r7, r8, dms_sm, dms_exp, dms_exp_var, dms_sm_err,
     t, xt, log_xt, omxt2, four_s0, mw2) = data
    if not (math.isfinite(tan_beta) and math.isfinite(m_hpm) and tan_beta >= 0.0 and m_hpm > 0.0):
        return -math.inf
    br = bsg_sm * bsgamma_ratio(tan_beta, m_hpm, r7, r8, t)
    dms = dms_sm * bs_mixing_ratio(tan_beta, m_hpm, xt, log_xt, omxt2, four_s0, mw2)
    out = 0.0
    if use_bsg:
        u = bsg_sm_err * br / bsg_sm
        var = bsg_exp_var + u * u
        d = br - bsg_exp
        out = out + d * d / var
    if use_dms:
        u = dms_sm_err * dms / dms_sm
        var = dms_exp_var + u * u
        d = dms - dms_exp
        out = out + d * d / var
    ll = -0.5 * out
    if not math.isfinite(ll):
        return -math.inf
    return ll
