"""Compiled twin of the higgs_potential plugin's log L (likelihoods/higgs_potential/likelihood.py) for the fused
posterior (globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and operation order, from
globalfit.physics.higgs_kernels. Imported only by cards with `compiled: true` (needs numba).

`data` = (alignment, unitarity limit (≤ 0: not checked), bfb, m_h², v²).
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.higgs_kernels import potential_allowed


@njit
def loglike(tan_beta: float, delta_zzp: float, m_hpm: float, m_h2: float, m_a: float, data) -> float:
    """0 where the potential is unitary and bounded from below (or without the doublet, tan_beta = 0), −inf where
    not and for non-finite input, tan_beta < 0 or a mass ≤ 0."""
    alignment, limit, bfb, mh2, v2 = data
    if not (math.isfinite(tan_beta) and math.isfinite(delta_zzp) and math.isfinite(m_hpm) and math.isfinite(m_h2)
            and math.isfinite(m_a) and tan_beta >= 0.0 and m_hpm > 0.0 and m_h2 > 0.0 and m_a > 0.0):
        return -math.inf
    if tan_beta > 0.0 and (limit > 0.0 or bfb):
        if not potential_allowed(tan_beta, delta_zzp, m_hpm, m_h2, m_a, alignment, limit, bfb, mh2, v2):
            return -math.inf
    return 0.0
