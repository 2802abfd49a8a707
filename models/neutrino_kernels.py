"""Compiled twins of the light-neutrino sector's quantity providers (models/neutrino_sector.py) for the fused
posterior (globalfit/compiled.py, docs/compiled.md): one point per call, the formulas of globalfit.physics.neutrino
(docs/physics/neutrino.md) in the same operation order. Imported only by cards with `compiled: true` (needs numba).
"""
from __future__ import annotations

import math

from numba import njit


@njit(cache=True)
def masses_NO(m_lightest: float, dm21sq: float, dm3lsq: float) -> tuple[float, float, float, bool]:
    """(m1, m2, m3 [eV], valid) for the normal ordering: m1 = m_l, m2 = √(m_l² + Δm²21), m3 = √(m_l² + Δm²31)."""
    ml2 = m_lightest * m_lightest
    valid = dm3lsq > 0 and dm21sq > 0 and m_lightest >= 0 and dm3lsq > dm21sq
    return m_lightest, math.sqrt(max(ml2 + dm21sq, 0.0)), math.sqrt(max(ml2 + dm3lsq, 0.0)), valid


@njit(cache=True)
def masses_IO(m_lightest: float, dm21sq: float, dm3lsq: float) -> tuple[float, float, float, bool]:
    """(m1, m2, m3 [eV], valid) for the inverted ordering: m3 = m_l, m2 = √(m_l² − Δm²32), m1 = √(m2² − Δm²21)."""
    ml2 = m_lightest * m_lightest
    valid = dm3lsq < 0 and dm21sq > 0 and m_lightest >= 0 and -dm3lsq > dm21sq
    return math.sqrt(max(ml2 - dm3lsq - dm21sq, 0.0)), math.sqrt(max(ml2 - dm3lsq, 0.0)), m_lightest, valid


@njit(cache=True)
def sum_masses(m1: float, m2: float, m3: float) -> float:
    """Σm_ν [eV]."""
    return m1 + m2 + m3


@njit(cache=True)
def m_betabeta(m1: float, m2: float, m3: float, s12sq: float, s13sq: float, delta: float, alpha21: float,
               alpha31: float) -> float:
    """|c12²c13² m1 + s12²c13² m2 e^{iα21} + s13² m3 e^{i(α31 − 2δ)}| [eV] (phases in radians)."""
    c13sq = 1.0 - s13sq
    b = s12sq * c13sq * m2
    c = s13sq * m3
    phase = alpha31 - 2.0 * delta
    re = (1.0 - s12sq) * c13sq * m1 + b * math.cos(alpha21) + c * math.cos(phase)
    im = b * math.sin(alpha21) + c * math.sin(phase)
    return math.hypot(re, im)
