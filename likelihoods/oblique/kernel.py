"""Compiled twin of the oblique plugin's log L (likelihoods/oblique/likelihood.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and operation order, from
globalfit.physics.higgs_kernels. Imported only by cards with `compiled: true` (needs numba).

`data` = (T only, tree, loop, alignment, S_exp, σ_S, T_exp, σ_T, ρ, 1 − ρ², m_Z, α̂(m_Z),
higgs_kernels.oblique_constants()).
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.higgs_kernels import delta_rho_mass_mixing, oblique_loops


@njit
def loglike(m_zp: float, tan_beta: float, delta_zzp: float, eps_z: float, m_hpm: float, m_h2: float, m_a: float,
            data) -> float:
    """−½χ² of (S, T) (of T alone); −inf for non-finite input, tan_beta < 0, a mass ≤ 0 or a non-finite ln L."""
    t_only, tree, loop, alignment, s_exp, s_err, t_exp, t_err, rho, one_m_rho2, m_z, alpha, consts = data
    if not (math.isfinite(m_zp) and math.isfinite(tan_beta) and math.isfinite(delta_zzp) and math.isfinite(eps_z)
            and math.isfinite(m_hpm) and math.isfinite(m_h2) and math.isfinite(m_a) and m_zp > 0.0
            and tan_beta >= 0.0 and m_hpm > 0.0 and m_h2 > 0.0 and m_a > 0.0):
        return -math.inf
    doublet = tan_beta > 0.0
    s = 0.0
    t = 0.0
    if tree:
        t = t + (delta_rho_mass_mixing(eps_z, m_zp, m_z) if doublet else 0.0) / alpha
    if loop and doublet:
        sl, tl = oblique_loops(m_hpm, m_h2, m_a, tan_beta, delta_zzp, m_zp, alignment, consts)
        s = s + sl
        t = t + tl
    ds = (s - s_exp) / s_err
    dt = (t - t_exp) / t_err
    if t_only:
        chi2 = dt * dt
    else:
        chi2 = (ds * ds - 2.0 * rho * ds * dt + dt * dt) / one_m_rho2
    ll = -0.5 * chi2
    if not math.isfinite(ll):
        return -math.inf
    return ll
