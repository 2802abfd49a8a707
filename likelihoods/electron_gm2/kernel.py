"""Compiled twin of the electron g−2 log L (likelihoods/electron_gm2/likelihood.py with
globalfit.physics.electron_gm2.delta_a_e: the same formulas and operation order) for the fused posterior
(globalfit/compiled.py, docs/compiled.md). Imported only by cards with `compiled: true` (needs numba)."""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.constants import M_E
from globalfit.physics.loop_kernels import axial_loop, gm2_loop_function

_EIGHT_PI2 = 8.0 * math.pi**2  # as electron_gm2.delta_a_lepton writes it


@njit
def loglike(m_zp: float, gv_e: float, ga_e: float, data) -> float:
    """−½ ((Δa_e − value)/error)², Δa_e = [g_V² F_V(r) − g_A² F_A(r)]/(8π²), r = m_Z′²/m_e²; −inf for a non-finite
    input or m_Z′ ≤ 0; NaN beyond the vector loop function's table (m_Z′ ≳ 4.8 GeV: numpy). data = (value, error,
    the table (loop_kernels.gm2_table_data), the axial rule (loop_kernels.axial_rule_data))."""
    value, error, table, rule = data
    if not (math.isfinite(m_zp) and math.isfinite(gv_e) and math.isfinite(ga_e) and m_zp > 0):
        return -math.inf
    r = m_zp / M_E
    r = r * r
    vec = gv_e * gv_e * gm2_loop_function(r, table)
    if ga_e != 0:
        vec = vec - ga_e * ga_e * axial_loop(r, rule)
    pull = (vec / _EIGHT_PI2 - value) / error
    return -0.5 * (pull * pull)
