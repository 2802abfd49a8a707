"""Compiled twin of the Cs APV log L (likelihoods/apv/likelihood.py: delta_qw and loglike, the same operation order)
for the fused posterior (globalfit/compiled.py, docs/compiled.md). Imported only by cards with `compiled: true`."""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.constants import G_F, M_Z

_DIRECT = -2.0 * math.sqrt(2.0) / G_F  # as delta_qw_direct writes it


@njit(inline="always")
def _delta_qw(m_zp: float, delta_zzp: float, eps: float, data) -> float:
    """ΔQ_W = δ² f Q_W^SM + 4Z s_W c_W ε δ m_Z m_Z′/(m_Z′² + Q²) (likelihood.delta_qw)."""
    qw_sm, qw_exp, sigma, c, q, z, n = data
    m2 = m_zp * m_zp
    den = m2 + q * q
    return delta_zzp * delta_zzp * m2 / den * qw_sm + c * eps * delta_zzp * M_Z * math.sqrt(m2) / den


@njit(inline="always")
def _loglike(dqw: float, data) -> float:
    pull = (data[0] + dqw - data[1]) / data[2]
    return -0.5 * (pull * pull)


@njit
def loglike(m_zp: float, delta_zzp: float, eps: float, data) -> float:
    """−½ ((Q_W^SM + ΔQ_W − Q_W^exp)/σ)²; data = (Q_W^SM, Q_W^exp, σ, 4 Z s_W c_W, Q [GeV], Z, N)."""
    return _loglike(_delta_qw(m_zp, delta_zzp, eps, data), data)


@njit
def loglike_direct(m_zp: float, delta_zzp: float, eps: float, ga_e_direct: float, gv_p_direct: float,
                   gv_n_direct: float, data) -> float:
    """With a U(1)_X model's direct couplings: ΔQ_W += −(2√2/G_F) g_A^e (Z g_V^p + N g_V^n)/(m_Z′² + Q²)
    (likelihood.delta_qw_direct)."""
    q, z, n = data[4], data[5], data[6]
    nuclear = z * gv_p_direct + n * gv_n_direct
    direct = _DIRECT * ga_e_direct * nuclear / (m_zp * m_zp + q * q)
    return _loglike(_delta_qw(m_zp, delta_zzp, eps, data) + direct, data)
