"""Compiled twin of the electron-beam-dump log L (likelihoods/e137/likelihood.py, ElectronBeamDump: e137, e141,
orsay) for the fused posterior (globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and
operation order, from globalfit.physics.beam_dump_kernels. Imported only by cards with `compiled: true` (needs numba).

`data` = (band (DisplacedBand.kernel_data), R = 1 + L_dec/L_sh, shape code, coefficient
(globalfit.limits.limit_kernel_data)). ln L = 0 where the band has no limit, −inf outside the domain (a non-finite
input, m_Z′ ≤ 0, g_Z′ < 0).
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.beam_dump_kernels import br_ee_and_width, electron_brem_production, in_domain, signal_ratio
from globalfit.physics.zprime_kernels import upper_limit_loglike


@njit
def loglike(m_zp: float, g_zp: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float, gv_d: float,
            data) -> float:
    """ElectronBeamDump.loglike: X = (gv_e² + ga_e²)/e² · BR(e⁺e⁻) · P_decay / (dark photon on the band's lower
    edge), ln L = upper_limit_loglike(X, 1)."""
    if not in_domain(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d):
        return -math.inf
    band, ratio, shape, coef = data
    br_ee, width = br_ee_and_width(m_zp, g_zp, gv_e, ga_e, g_nue, gv_u, gv_d)
    x = signal_ratio(m_zp, electron_brem_production(gv_e, ga_e), br_ee, width, band, ratio)
    return upper_limit_loglike(x, 1.0, shape, coef)
