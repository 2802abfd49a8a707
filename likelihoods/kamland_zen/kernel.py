"""Compiled twins of the kamland_zen plugin's log L (likelihoods/kamland_zen/likelihood.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and operation order — the marginal
over |M| from the plugin's own spline table, its power series below the table and the asymptotic closed form above
it. Imported only by cards with `compiled: true` (needs numba).

`data` of the marginal = (k [eV], z₉₀², |M|_min, |M|_max, |M|_min⁴, |M|_max⁴, ⟨M⁴⟩, the spline's y₀, 1/h, last
interval, its coefficients (4, n) in u = (y − y_k)/h, the series coefficients ⟨M^{4k}⟩/k! (k = 1 … 24)).
"""
from __future__ import annotations

import math

from numba import njit


@njit
def _log_upper_gamma_quarter_asym(x: float) -> float:
    """ln Γ(1/4, x) for large x: x^{s−1} e^{−x} [1 + (s−1)/x + (s−1)(s−2)/x²], s = 1/4."""
    s = 0.25
    return (s - 1) * math.log(x) - x + math.log1p((s - 1) / x + (s - 1) * (s - 2) / (x * x))


@njit
def loglike_marginal(m_betabeta: float, data) -> float:
    """ln of L averaged over |M| flat in [|M|_min, |M|_max], m_ββ in eV."""
    k, z90sq, m_lo, m_hi, m_lo4, m_hi4, mu4, y0, inv_h, last, coef, series = data
    x = m_betabeta / k
    x *= x
    a = (0.5 * z90sq) * (x * x)
    u = (math.log(a) - y0) * inv_h if a > 0 else -1.0
    if u >= 0.0 and u <= last + 1.0:
        i = min(int(u), last)
        u -= i
        psi = ((coef[0, i] * u + coef[1, i]) * u + coef[2, i]) * u + coef[3, i]
        return (-mu4) * a * psi
    if a < math.exp(y0):  # below the table: ln[1 + Σ_k (−a)^k ⟨M^{4k}⟩/k!] by Horner's rule
        s = 0.0
        for c in series[::-1]:
            s = (s + c) * (-a)
        return math.log1p(s)
    g_lo = _log_upper_gamma_quarter_asym(a * m_lo4)
    g_hi = _log_upper_gamma_quarter_asym(a * m_hi4)
    return g_lo + math.log1p(-math.exp(g_hi - g_lo)) - 0.25 * math.log(a) - math.log(4.0) - math.log(m_hi - m_lo)


@njit
def loglike_at_nme(m_betabeta: float, nme: float, data) -> float:
    """−½ z₉₀² (m_ββ/m_ββ,90(M))⁴ with m_ββ,90 = k/|M| (option nuisance; data = (k [eV], z₉₀²))."""
    r = m_betabeta / (data[0] / nme)
    return -0.5 * (data[1] * math.pow(r, 4.0))


@njit
def loglike_conservative(m_betabeta: float, data) -> float:
    """loglike_at_nme at the smallest |M| (option conservative; data = (k [eV], z₉₀², |M|_min))."""
    return loglike_at_nme(m_betabeta, data[2], data)
