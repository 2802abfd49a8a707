"""Compiled twins of the U(1)_X quantities (models/u1x/quantities.py `providers`) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the formulas and operation order of the numpy
providers, globalfit.physics.zprime and models.u1x.decays. The charge coefficients of the card's assignment come in
the `data` tuples built by `providers` (floats). Imported only by cards with `compiled: true` (needs numba).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from globalfit.physics import zprime
from globalfit.physics import zprime_decays as zd
from globalfit.physics.constants import M_E, M_MU, M_TAU
from globalfit.physics.loop_kernels import gm2_table_data, pairwise_sum
from globalfit.physics.zprime_kernels import fermion_pair_factor, r_pipi
from models.lmu_ltau.kernels import couplings as induced_couplings
from models.lmu_ltau.kernels import delta_a_mu as delta_a_mu_vector

_FOUR_PI2 = 4.0 * np.pi**2  # as zprime.delta_a_mu_axial writes it
_TWELVE_PI = 12.0 * math.pi  # as decays.partial_widths writes it


def delta_a_mu_data(v_mu: float, a_mu: float) -> tuple:
    """Data of `delta_a_mu`: the vector loop function's table (loop_kernels.gm2_table_data), the muon's vector and
    axial coefficients, and the axial rule's nodes and weights, shape (2, 160) (zprime.AXIAL_NODES, AXIAL_WEIGHTS)."""
    return gm2_table_data(), float(v_mu), float(a_mu), np.array([zprime.AXIAL_NODES, zprime.AXIAL_WEIGHTS])


@njit
def axial_loop_function(r: float, nodes) -> float:
    """zprime.gm2_axial_loop_function: J(r) by the logit-mapped Gauss–Legendre rule; nodes = (t, w) of shape (2, n)."""
    r = min(max(r, 1e-40), 1e40)
    log_r = math.log(r)
    lo = min(0.0, 0.5 * log_r) - 12.0
    hi = max(0.0, log_r) + 34.0
    span = hi - lo
    n = nodes.shape[1]
    terms = np.empty(n)
    for k in range(n):
        s = lo + span * nodes[0, k]
        e = math.exp(-s)
        x = 1.0 / (1.0 + e)
        y = e * x
        integrand = (x * y * (3.0 + y) + 2.0 * math.pow(x, 3.0) / r) / (r * y + x * x) * x * y
        terms[k] = integrand * nodes[1, k]
    return pairwise_sum(terms) * span


@njit
def delta_a_mu(m_zp: float, g_zp: float, data) -> float:
    """Δa_μ of the vector coupling g·v_μ (zprime.delta_a_mu from its table; NaN outside it) plus, when a_μ ≠ 0, the
    axial one of g·a_μ (zprime.delta_a_mu_axial) — quantities.providers' delta_a_mu."""
    table, v_mu, a_mu, nodes = data
    value = delta_a_mu_vector(m_zp, g_zp * v_mu, table)
    if a_mu == 0.0:
        return value
    g_a = g_zp * a_mu
    r = m_zp / M_MU
    return value + -(g_a * g_a) / _FOUR_PI2 * axial_loop_function(r * r, nodes)


@njit
def eps_loop(g_zp: float, data) -> float:
    """ε = coef·g, coef = −e/(12π²) Σ_ℓ X_V,ℓ ln m_ℓ² (data = (coef,); kinetic_mixing: loop)."""
    return data[0] * g_zp


@njit
def eps_zero() -> float:
    """ε = 0 (kinetic_mixing: zero)."""
    return 0.0


@njit
def mixing_none() -> tuple[float, float, float]:
    """tanβ, δ, ε_Z: all 0 (X_H = 0)."""
    return 0.0, 0.0, 0.0


@njit
def trident_g2(g_zp: float, data) -> float:
    """(g h_μ)(g v_μ); data = (h_μ, v_μ)."""
    return (g_zp * data[0]) * (g_zp * data[1])


@njit
def couplings(g_zp: float, eps: float, data):
    """The 26 COUPLINGS of quantities.providers' couplings: gauge g·X plus zprime.induced_couplings(ε, 0).
    data = (v_e, v_μ, v_τ, a_e, a_μ, a_τ, h_νe, h_νμ, h_ντ, v_u, v_d, v_s, v_c, v_b, a_u, a_d, a_s, a_c, a_b)."""
    (v_e, v_mu, v_tau, a_e, a_mu, a_tau, l_e, l_mu, l_tau,
     v_u, v_d, v_s, v_c, v_b, a_u, a_d, a_s, a_c, a_b) = data
    gv_e0, ga_e0, gv_u0, ga_u0, gv_d0, ga_d0, _, _, g_nue0 = induced_couplings(eps, 0.0)
    gv_e, ga_e = g_zp * v_e + gv_e0, g_zp * a_e + ga_e0
    gv_mu, ga_mu = g_zp * v_mu + gv_e0, g_zp * a_mu + ga_e0
    gv_tau, ga_tau = g_zp * v_tau + gv_e0, g_zp * a_tau + ga_e0
    h_nue, h_numu, h_nutau = (g_zp * l_e + 2.0 * g_nue0, g_zp * l_mu + 2.0 * g_nue0, g_zp * l_tau + 2.0 * g_nue0)
    gv_u, ga_u = g_zp * v_u + gv_u0, g_zp * a_u + ga_u0
    gv_d, ga_d = g_zp * v_d + gv_d0, g_zp * a_d + ga_d0
    gv_s, ga_s = g_zp * v_s + gv_d0, g_zp * a_s + ga_d0
    gv_c, ga_c = g_zp * v_c + gv_u0, g_zp * a_c + ga_u0
    gv_b, ga_b = g_zp * v_b + gv_d0, g_zp * a_b + ga_d0
    gv_p = 2.0 * gv_u + gv_d
    gv_n = gv_u + 2.0 * gv_d
    return (gv_e, ga_e, gv_mu, ga_mu, gv_tau, ga_tau, h_nue, h_numu, h_nutau, gv_u, ga_u, gv_d, ga_d, gv_s, ga_s,
            gv_c, ga_c, gv_b, ga_b, gv_p, gv_n, 0.5 * h_nue, ga_e, gv_p, gv_n, gv_mu * gv_mu + ga_mu * ga_mu)


@njit(inline="always")
def _hadrons(m: float, gv_u: float, ga_u: float, gv_d: float, ga_d: float, gv_s: float, ga_s: float, gv_c: float,
             ga_c: float, gv_b: float, ga_b: float) -> float:
    """decays.partial_widths' hadronic factor (Γ in units of m/(12π)): π⁺π⁻ below 1 GeV, free quarks above."""
    if m < zd.M_HADRON_SWITCH:
        dg = gv_u - gv_d
        return dg * dg * r_pipi(min(m, zd.M_HADRON_SWITCH))
    light = 0.0 + (gv_u * gv_u + ga_u * ga_u)
    light = light + (gv_d * gv_d + ga_d * ga_d)
    light = light + (gv_s * gv_s + ga_s * ga_s)
    charm = fermion_pair_factor(m, zd.M_CHARM, gv_c, ga_c) if m > zd.CHARM_THRESHOLD else 0.0
    beauty = fermion_pair_factor(m, zd.M_BEAUTY, gv_b, ga_b) if m > zd.BEAUTY_THRESHOLD else 0.0
    return zd.N_COLOURS * (light + (charm + beauty))


@njit
def widths(m_zp: float, gv_e: float, ga_e: float, gv_mu: float, ga_mu: float, gv_tau: float, ga_tau: float,
           h_nue: float, h_numu: float, h_nutau: float, gv_u: float, ga_u: float, gv_d: float, ga_d: float,
           gv_s: float, ga_s: float, gv_c: float, ga_c: float, gv_b: float, ga_b: float):
    """(width_zp, br_invisible, br_nue, br_numu, br_nutau, br_ee, br_mumu, br_tautau, br_hadrons):
    decays.partial_widths and decays.branching_ratios (a Z′ without open channel: total 0, BR_invisible 1)."""
    m = m_zp
    unit = m / _TWELVE_PI
    half = unit * 0.5
    nue, numu, nutau = half * (h_nue * h_nue), half * (h_numu * h_numu), half * (h_nutau * h_nutau)
    nunu = (nue + numu + nutau) + 0.0
    nue, numu, nutau = nue + 0.0, numu + 0.0, nutau + 0.0
    ee = unit * fermion_pair_factor(m, M_E, gv_e, ga_e) + 0.0
    mumu = unit * fermion_pair_factor(m, M_MU, gv_mu, ga_mu) + 0.0
    tautau = unit * fermion_pair_factor(m, M_TAU, gv_tau, ga_tau) + 0.0
    hadrons = unit * _hadrons(m, gv_u, ga_u, gv_d, ga_d, gv_s, ga_s, gv_c, ga_c, gv_b, ga_b) + 0.0
    total = (((0.0 + nunu) + ee) + mumu + tautau) + hadrons
    if not total > 0.0:
        return total, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    nu = nunu / total
    return (total, nu, nue / total, numu / total, nutau / total, ee / total, mumu / total, tautau / total,
            hadrons / total)
