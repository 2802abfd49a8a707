"""Compiled twin of the ν-Cal I log L (likelihoods/nucal/likelihood.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and operation order, from
globalfit.physics.beam_dump_kernels. Imported only by cards with `compiled: true` (needs numba).

`data` = (p-bremsstrahlung band, its R, π⁰ band, its R (DisplacedBand.kernel_data, .ratio), channel code (0 union,
1 pbrem, 2 pi0), shape code, coefficient (globalfit.limits.limit_kernel_data)). ln L = 0 where no band has a limit,
−inf outside the domain (a non-finite input, m_Z′ ≤ 0, g_Z′ < 0).
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.beam_dump_kernels import br_ee_and_width, in_domain, proton_production, signal_ratio
from globalfit.physics.zprime_kernels import upper_limit_loglike


@njit
def _maximum(a: float, b: float) -> float:
    """numpy.maximum of two floats (NaN if either is)."""
    if a != a or b != b:
        return math.nan
    return a if a >= b else b


@njit
def loglike(m_zp: float, g_zp: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float, gv_d: float,
            data) -> float:
    """NuCal.loglike: X of the chosen channel (union: the larger of the two), (2gv_u + gv_d)²/e² production;
    ln L = upper_limit_loglike(X, 1)."""
    if not in_domain(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d):
        return -math.inf
    band_pb, ratio_pb, band_pi0, ratio_pi0, channel, shape, coef = data
    br_ee, width = br_ee_and_width(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d)
    production = proton_production(gv_u, gv_d)
    x_pb = signal_ratio(m_zp, production, br_ee, width, band_pb, ratio_pb) if channel != 2 else 0.0
    x_pi0 = signal_ratio(m_zp, production, br_ee, width, band_pi0, ratio_pi0) if channel != 1 else 0.0
    x = _maximum(x_pb, x_pi0) if channel == 0 else (x_pb if channel == 1 else x_pi0)
    return upper_limit_loglike(x, 1.0, shape, coef)
