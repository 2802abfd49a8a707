"""Compiled twins (numba, one point per call) of the displaced beam-dump recast of globalfit.physics.beam_dump, for
the kernels of the e137, e141, orsay and nucal plugins (likelihoods/e137/kernel.py, likelihoods/nucal/kernel.py; the
fused posterior of globalfit/compiled.py, docs/compiled.md). Imported only by cards with `compiled: true` (needs numba).

Every function repeats the formulas and operation order of the numpy function named in its docstring (the bisection
of `solve_t0` included: the same interval, steps and comparisons), so results agree with numpy to rounding (exp, log,
expm1 come from the C library here, from numpy's vectorized versions there). A band is the (4, n) array of
DisplacedBand.kernel_data: mass, log mass, log ε₀, log ε₁.

Units: masses and widths in GeV.
"""
from __future__ import annotations

import math

from numba import njit

from globalfit.physics.beam_dump import BISECTIONS, LOG_U_RANGE
from globalfit.physics.constants import E_CHARGE
from globalfit.physics.zprime_kernels import limit_curve, partial_widths

# ------------------------------------------------------------------ constants as numpy's code evaluates them
_E2 = E_CHARGE**2
_DP_GV_E, _DP_GV_U, _DP_GV_D = -E_CHARGE, 2.0 * E_CHARGE / 3.0, -E_CHARGE / 3.0
_RHO_MIN = 1.0 + 1e-9
_LOG_U_LO, _LOG_U_HI = LOG_U_RANGE


@njit
def decay_window(x: float, ratio: float) -> float:
    """beam_dump.decay_window: e^{−x}(1 − e^{−(R−1)x}) = e^{−x} · −expm1(−(R−1)x)."""
    return math.exp(-x) * -math.expm1(-(ratio - 1.0) * x)


@njit
def log_window(x: float, ratio: float) -> float:
    """beam_dump._log_window: −x + ln(−expm1(−(R−1)x)), x > 0."""
    return -x + math.log(-math.expm1(-(ratio - 1.0) * x))


@njit
def solve_t0(rho: float, ratio: float) -> float:
    """beam_dump.solve_t0 at one point: u = t₀/τ₀ by BISECTIONS bisections of ln u over LOG_U_RANGE (ρ ≥ 1 + 1e−9;
    ρ not NaN)."""
    rho = rho if rho > _RHO_MIN else _RHO_MIN
    log_rho = math.log(rho)
    lo, hi = _LOG_U_LO, _LOG_U_HI
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo + hi)
        u = math.exp(mid)
        f = log_rho + log_window(rho * u, ratio) - log_window(u, ratio)
        if f > 0:
            lo = mid
        else:
            hi = mid
    return math.exp(0.5 * (lo + hi))


@njit
def signal_ratio(m: float, production: float, br_ee: float, width: float, band, ratio: float) -> float:
    """DisplacedBand.signal_ratio at one mass m > 0 (default reference: beam_dump.dark_photon_widths): X = N_Z′/N_limit,
    0 outside the band's masses or below the dark photon's e⁺e⁻ threshold."""
    eps0 = limit_curve(m, band[0], band[1], band[2])
    eps1 = limit_curve(m, band[0], band[1], band[3])
    if not (math.isfinite(eps0) and math.isfinite(eps1)):
        return 0.0
    ref = partial_widths(m, 0.0, _DP_GV_E, 0.0, 0.0, _DP_GV_U, _DP_GV_D)
    ref_ee, gamma_hat = ref[1], ref[5]
    if not ref_ee > 0.0:
        return 0.0
    eps1 = eps1 if eps1 >= eps0 else eps0
    br_ref = ref_ee / gamma_hat
    r = eps1 / eps0
    u = solve_t0(r * r, ratio)
    eps0_2 = eps0 * eps0
    x = u * width / (eps0_2 * gamma_hat)
    num = production * br_ee * decay_window(x, ratio)
    den = eps0_2 * br_ref * decay_window(u, ratio)
    return num / den


@njit
def br_ee_and_width(m: float, g: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float,
                    gv_d: float) -> tuple[float, float]:
    """(BR(Z′ → e⁺e⁻), Γ_tot) of zprime_decays.branching_ratios: BR 0 where the total width vanishes."""
    w = partial_widths(m, g, gv_e, ga_e, g_nue, gv_u, gv_d)
    total = w[5]
    return (w[1] / total if total > 0 else 0.0), total


@njit
def electron_brem_production(gv_e: float, ga_e: float) -> float:
    """beam_dump.electron_brem_production: (gv_e² + ga_e²)/e²."""
    return (gv_e * gv_e + ga_e * ga_e) / _E2


@njit
def proton_production(gv_u: float, gv_d: float) -> float:
    """beam_dump.proton_production: (2gv_u + gv_d)²/e²."""
    p = 2.0 * gv_u + gv_d
    return p * p / _E2


@njit
def in_domain(m: float, g: float, gv_e: float, ga_e: float, g_nue: float, gv_u: float, gv_d: float) -> bool:
    """likelihoods.e137.likelihood.domain: every input finite, m > 0, g ≥ 0."""
    return (math.isfinite(m) and math.isfinite(g) and math.isfinite(gv_e) and math.isfinite(ga_e)
            and math.isfinite(g_nue) and math.isfinite(gv_u) and math.isfinite(gv_d) and m > 0.0 and g >= 0.0)
