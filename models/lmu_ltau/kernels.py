"""Compiled twins of the Lμ−Lτ Z′ quantities (models/lmu_ltau/quantities.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the formulas and operation order of
globalfit.physics.zprime. Imported only by cards with `compiled: true` (needs numba).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from globalfit.physics import zprime
from globalfit.physics.constants import E_CHARGE, M_MU, M_TAU, S2W_LOW, V_HIGGS
from globalfit.physics.loop_kernels import gm2_loop_function

_EIGHT_PI2 = 8.0 * np.pi**2  # as zprime.delta_a_mu writes it
_EPS_DEN = 12.0 * math.pi**2  # as zprime.kinetic_mixing_0 writes it
_EPS_LOG = 2.0 * math.log(M_TAU / M_MU)
_G_Z = zprime.G_Z


@njit
def delta_a_mu(m_zp: float, g_zp: float, data) -> float:
    """Δa_μ = g²/(8π²) F(m_Z′²/m_μ²) from the table (zprime.delta_a_mu, method "table"; data =
    globalfit.physics.loop_kernels.gm2_table_data()); NaN outside the table (m_Z′ < 0.1 keV or > 1 TeV), where numpy's
    Gauss–Legendre rule takes over."""
    r = m_zp / M_MU
    r = r * r
    return g_zp * g_zp / _EIGHT_PI2 * gm2_loop_function(r, data)


@njit
def eps_loop(g_zp: float) -> float:
    """ε(0) = (e g/12π²) ln(m_τ²/m_μ²) (zprime.kinetic_mixing_0)."""
    return E_CHARGE * g_zp / _EPS_DEN * _EPS_LOG


@njit
def mixing_none() -> tuple[float, float, float]:
    """tanβ, δ, ε_Z without a U(1)′-charged doublet: all 0."""
    return 0.0, 0.0, 0.0


@njit
def _coupling(t3: float, charge: float, eps: float, eps_z: float) -> tuple[float, float]:
    ez = eps_z * _G_Z
    gv = ez * (0.5 * t3 - charge * S2W_LOW) + eps * E_CHARGE * charge
    ga = ez * 0.5 * t3
    return gv, ga


@njit
def couplings(eps: float, eps_z: float):
    """gv_e, ga_e, gv_u, ga_u, gv_d, ga_d, gv_p, gv_n, g_nue (zprime.induced_couplings, s_W² = S2W_LOW)."""
    gv_e, ga_e = _coupling(-0.5, -1.0, eps, eps_z)
    gv_u, ga_u = _coupling(0.5, 2.0 / 3.0, eps, eps_z)
    gv_d, ga_d = _coupling(-0.5, -1.0 / 3.0, eps, eps_z)
    ga_nu = _coupling(0.5, 0.0, eps, eps_z)[1]
    return gv_e, ga_e, gv_u, ga_u, gv_d, ga_d, 2.0 * gv_u + gv_d, gv_u + 2.0 * gv_d, ga_nu


@njit
def _mass_mixing(m_zp: float, g_zp: float, tan_theta: float, charge: float) -> tuple[float, float, float, bool]:
    """(tanβ, Q_Φ δ, Q_Φ ε_Z, valid) from m_Z′² = g²v² S(1 − S + tan²θ) on the small-tanβ branch (zprime.mass_mixing,
    zprime._sin2_beta; quantities._with_charge); 0 and False outside the domain."""
    t2 = tan_theta * tan_theta
    if not (g_zp > 0 and m_zp >= 0 and math.isfinite(m_zp) and math.isfinite(g_zp) and math.isfinite(t2)):
        return 0.0, 0.0, 0.0, False
    r = m_zp / g_zp / V_HIGGS
    r = r * r
    one_t = 1.0 + t2
    disc = one_t * one_t - 4.0 * r
    s2b = 2.0 * r / (one_t + math.sqrt(max(disc, 0.0)))
    if not (disc >= 0 and s2b < 1.0):
        return 0.0, 0.0, 0.0, False
    c2b = 1.0 - s2b
    return (math.sqrt(s2b / c2b), charge * math.sqrt(s2b / (c2b + t2)), charge * (2.0 * g_zp * s2b / _G_Z), True)


@njit
def mixing_doublet(m_zp: float, g_zp: float, data) -> tuple[float, float, float, bool]:
    """higgs: doublet (tanθ = 0); data = (Q_Φ,)."""
    return _mass_mixing(m_zp, g_zp, 0.0, data[0])


@njit
def mixing_doublet_singlet(m_zp: float, g_zp: float, tan_theta: float, data) -> tuple[float, float, float, bool]:
    """higgs: doublet+singlet; data = (Q_Φ,)."""
    return _mass_mixing(m_zp, g_zp, tan_theta, data[0])
