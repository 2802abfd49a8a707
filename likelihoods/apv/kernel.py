"""Compiled twin of the Cs APV log L (likelihoods/apv/likelihood.py: delta_qw and loglike, the same operation order)
for the fused posterior (globalfit/compiled.py, docs/compiled.md). Imported only by cards with `compiled: true`."""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.constants import M_Z


@njit(cache=True)
def loglike(m_zp: float, delta_zzp: float, eps: float, data) -> float:
    """−½ ((Q_W^SM + ΔQ_W − Q_W^exp)/σ)², ΔQ_W = δ² f Q_W^SM + 4Z s_W c_W ε δ m_Z m_Z′/(m_Z′² + Q²);
    data = (Q_W^SM, Q_W^exp, σ, 4 Z s_W c_W, Q [GeV])."""
    qw_sm, qw_exp, sigma, c, q = data
    m2 = m_zp * m_zp
    den = m2 + q * q
    dqw = delta_zzp * delta_zzp * m2 / den * qw_sm + c * eps * delta_zzp * M_Z * math.sqrt(m2) / den
    pull = (qw_sm + dqw - qw_exp) / sigma
    return -0.5 * (pull * pull)
