"""KamLAND-Zen ¹³⁶Xe 0νββ half-life limit as a likelihood in m_ββ (likelihoods/kamland_zen/NOTES.md).

Rate: 1/T½ = G₀ν g_A⁴ |M₀ν|² m_ββ²/m_e² (light Majorana exchange), G₀ν = 14.58e−15 yr⁻¹ (Kotila &
Iachello, PRC 85 (2012) 034316), g_A = 1.27. The rate Γ = 1/T½ is taken Gaussian with best fit 0 and its
90% CL limit Γ90 = 1/T90 one-sided, so −2 ln L = z₉₀² (Γ/Γ90)² = z₉₀² (m_ββ/m_ββ,90(M))⁴ with z₉₀ = 1.645
(z₉₀² = 2.706) and m_ββ,90(M) = m_e/(|M| g_A² √(G₀ν T90)).

Nuclear matrix element |M|: its range is derived from the collaboration's quoted m_ββ limits (the NMEs
they use): |M|_min = k/m_hi, |M|_max = k/m_lo with k = m_e/(g_A² √(G₀ν T90)). Both releases give the same
range, 1.10–4.81 (2024) and 1.11–4.81 (2022) — a consistency check of the inputs (tested).
Option `nme`:
  marginal (default): L averaged over |M| flat in the range (closed form with the incomplete gamma
                      function, ∫ e^{−aM⁴} dM = a^{−1/4} γ(1/4, aM⁴)/4; a function of a ∝ m_ββ⁴ alone,
                      tabulated once and interpolated, see KamLANDZen.loglike_marginal);
  conservative:       the smallest |M| (the weakest limit);
  nuisance:           |M| is the sampled parameter `nme_xe136` (give it a prior in the card).
"""
from __future__ import annotations

import math
from typing import Literal

import numpy as np
from scipy import special

from globalfit import catalog
from globalfit.errors import DataError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.params import ParameterInfo
from globalfit.physics.constants import M_E
from likelihoods._data import number, numbers, text

Z90_SQ = float(special.ndtri(0.95)) ** 2  # 2.706: one-sided 90% CL of a Gaussian rate with best fit 0
M_E_EV = M_E * 1e9


def _log_upper_gamma_quarter(x: np.ndarray) -> np.ndarray:
    """ln Γ(1/4, x) (upper incomplete gamma, not regularised), accurate for all x > 0."""
    s = 0.25
    x = np.asarray(x, dtype=float)
    small = x < 600.0
    with np.errstate(divide="ignore"):
        direct = np.log(special.gammaincc(s, np.where(small, x, 1.0))) + special.gammaln(s)
    return np.where(small, direct, _log_upper_gamma_quarter_asym(np.where(small, 1.0, x)))


def _log_upper_gamma_quarter_asym(x: np.ndarray) -> np.ndarray:
    """ln Γ(1/4, x) for x ≥ 600 from the asymptotic series Γ(s, x) ≈ x^{s−1} e^{−x} [1 + (s−1)/x + (s−1)(s−2)/x²]."""
    s = 0.25
    return (s - 1) * np.log(x) - x + np.log1p((s - 1) / x + (s - 1) * (s - 2) / x**2)


#: ⟨M^{4k}⟩/k!, k = 1 … 24, for _log_marginal_series (the series' remainder is below 1e−23 for a|M|_max⁴ < 1)
_SERIES_TERMS = 24


def _series_coefficients(m_lo: float, m_hi: float) -> np.ndarray:
    """⟨M^{4k}⟩/k!, k = 1 … _SERIES_TERMS, of |M| flat in [m_lo, m_hi] (_log_marginal_series)."""
    k = np.arange(1, _SERIES_TERMS + 1)
    return (m_hi ** (4 * k + 1) - m_lo ** (4 * k + 1)) / ((4 * k + 1) * (m_hi - m_lo)) / np.cumprod(k.astype(float))


def _log_marginal_series(a: np.ndarray, m_lo: float, m_hi: float) -> np.ndarray:
    """ln[(1/Δ)∫_lo^hi e^{−aM⁴} dM] = ln[1 + Σ_{k≥1} (−a)^k ⟨M^{4k}⟩/k!] (⟨M^{4k}⟩ = (hi^{4k+1} −
    lo^{4k+1})/((4k+1)Δ), the moments of the flat |M| distribution, Δ = hi − lo), for a|M|_max⁴ ≤ 1: summed by
    Horner's rule, then log1p."""
    x = -np.asarray(a, dtype=float)
    s = np.zeros_like(x)
    for c in _series_coefficients(m_lo, m_hi)[::-1]:
        s = (s + c) * x
    return np.log1p(s)


class KamLANDZen(Likelihood):
    """KamLAND-Zen 0νββ half-life limit → likelihood in m_ββ, with the NME spread as an option."""

    name = "kamland_zen"
    requires = ("m_betabeta",)
    #: the nuisance parameter of the option nme: nuisance
    parameters = {"nme_xe136": ParameterInfo("nme_xe136", "", r"$|M^{0\nu}|$",
                                             "¹³⁶Xe 0νββ nuclear matrix element (KamLAND-Zen nme: nuisance)",
                                             bounds=(0.0, math.inf))}

    def __init__(self, dataset: str = "kamland-zen-2024",
                 nme: Literal["marginal", "conservative", "nuisance"] = "marginal"):
        super().__init__(dataset, nme=nme)
        raw, where = catalog.load_dataset_yaml(f"kamland_zen/{dataset}.yaml",
                                               ["half_life_90", "cl", "mbb_limit_range_mev", "theory", "source"])
        if number(raw, "cl", where) != 0.90:
            raise DataError(f"{where}: 'cl' must be 0.90 (the likelihood is built on a 90% CL half-life limit)")
        self.t90 = number(raw, "half_life_90", where, positive=True)
        self.g0nu = number(raw, "theory.phase_space_yr", where, positive=True)
        self.g_a = number(raw, "theory.g_a", where, positive=True)
        lo, hi = (v * 1e-3 for v in numbers(raw, "mbb_limit_range_mev", where, length=2, positive=True))
        if not lo < hi:
            raise DataError(f"{where}: 'mbb_limit_range_mev' must be [lower, upper] with lower < upper")
        self.k = M_E_EV / (self.g_a**2 * math.sqrt(self.g0nu * self.t90))  # eV: m_ββ,90 = k/|M|
        self.nme_range = (self.k / hi, self.k / lo)
        self.nme = nme
        self.source = text(raw, "source", where)
        if nme == "nuisance":
            self.requires = ("m_betabeta", "nme_xe136")

    def mbb_limit(self, nme: np.ndarray | float) -> np.ndarray:
        """90% CL upper limit on m_ββ [eV] for a matrix element |M|."""
        return self.k / np.asarray(nme, dtype=float)

    def chi2_at_nme(self, m_betabeta, nme) -> np.ndarray:
        """−2 ln L for a given |M|."""
        return Z90_SQ * (np.asarray(m_betabeta, dtype=float) / self.mbb_limit(nme)) ** 4

    def loglike_marginal(self, m_betabeta, method: str = "table") -> np.ndarray:
        """ln of L averaged over |M| uniform in nme_range (m_ββ in eV).

        ln L depends on m_ββ only through a = ½ z₉₀² (m_ββ/k)⁴. method="exact": the closed form with the incomplete
        gamma function (its power series where a|M|_max⁴ < 1) at every point. method="table" (default): ln L = −a⟨M⁴⟩
        ψ(ln a), ψ tabulated once (1 at small a, → |M|_min⁴/⟨M⁴⟩ at large a) and interpolated by a cubic spline; below
        the table the exact power series, above it (ln L < −10⁸) the closed form with the asymptotic Γ. Equal to the
        exact computation to ≲ 2e−11 relative (the closed form's own accuracy where it switches to the asymptotic Γ;
        tests/test_fast_paths.py).
        """
        if method == "exact":
            return self._loglike_marginal_exact(m_betabeta)
        if method != "table":
            raise ValueError(f"method must be 'table' or 'exact', got {method!r}")
        m = np.asarray(m_betabeta, dtype=float)
        table = self._table()
        m_lo, m_hi = self.nme_range
        mu4 = (m_hi**5 - m_lo**5) / (5.0 * (m_hi - m_lo))  # ⟨M⁴⟩
        x = m.ravel() / self.k
        x *= x
        a = (0.5 * Z90_SQ) * (x * x)
        with np.errstate(divide="ignore"):
            i, u, inside, all_inside = table.locate(np.log(a))
        psi = table.horner(table.coef, i, u)
        out = (-mu4) * a * psi
        if not all_inside:
            below = ~inside & (a < math.exp(table.y0))
            out[below] = _log_marginal_series(a[below], m_lo, m_hi)
            above = ~inside & ~below  # a|M|_min⁴ > 1e8 (or NaN): the closed form, both Γ asymptotic
            aa = a[above]
            g_lo = _log_upper_gamma_quarter_asym(aa * m_lo**4)
            g_hi = _log_upper_gamma_quarter_asym(aa * m_hi**4)
            out[above] = (g_lo + np.log1p(-np.exp(g_hi - g_lo)) - 0.25 * np.log(aa) - math.log(4.0)
                          - math.log(m_hi - m_lo))
        return out.reshape(m.shape)

    #: the table of loglike_marginal: a|M|_max⁴ from 1e−12 to a|M|_min⁴ = 1e8, spacing 0.01 in ln a
    TABLE_RANGE = (1e-12, 1e8)
    TABLE_STEP = 0.01

    def _table(self):
        """The spline (globalfit.grids.UniformCubic) of ψ(y = ln a) = ln L/(−a⟨M⁴⟩) from the exact
        computation (_loglike_marginal_exact), built on first use."""
        if getattr(self, "_table_cache", None) is None:
            from globalfit.grids import UniformCubic

            m_lo, m_hi = self.nme_range
            y0 = math.log(self.TABLE_RANGE[0] / m_hi**4)
            y1 = math.log(self.TABLE_RANGE[1] / m_lo**4)
            n = int(math.ceil((y1 - y0) / self.TABLE_STEP)) + 1
            y = np.linspace(y0, y1, n)
            a = np.exp(y)
            ln_l = self._loglike_marginal_exact(self.k * (2.0 * a / Z90_SQ) ** 0.25)  # at the m_ββ with this a
            mu4 = (m_hi**5 - m_lo**5) / (5.0 * (m_hi - m_lo))
            self._table_cache = UniformCubic(y, ln_l / (-a * mu4))
        return self._table_cache

    def _loglike_marginal_exact(self, m_betabeta) -> np.ndarray:
        """ln of L averaged over |M| uniform in nme_range, at every point: the closed form with the incomplete
        gamma function, or where a|M|_max⁴ < 1 (there the closed form cancels: up to 1e−5 relative error near
        a|M|_max⁴ = 1e−8) the power series of _log_marginal_series."""
        m = np.asarray(m_betabeta, dtype=float)
        m_lo, m_hi = self.nme_range
        a = 0.5 * Z90_SQ * (m / self.k) ** 4  # L(M) = exp(−a M⁴)
        small = a * m_hi**4 < 1.0
        a_safe = np.where(small, 1.0, a)
        # ∫_lo^hi e^{−aM⁴} dM = a^{−1/4}/4 [Γ(1/4, a lo⁴) − Γ(1/4, a hi⁴)]
        g_lo = _log_upper_gamma_quarter(a_safe * m_lo**4)
        g_hi = _log_upper_gamma_quarter(a_safe * m_hi**4)
        with np.errstate(divide="ignore"):
            log_int = g_lo + np.log1p(-np.exp(g_hi - g_lo)) - 0.25 * np.log(a_safe) - math.log(4.0)
        log_avg = log_int - math.log(m_hi - m_lo)
        return np.where(small, _log_marginal_series(np.where(small, a, 0.0), m_lo, m_hi), log_avg)

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel | None:
        """Compiled twin (likelihoods/kamland_zen/kernel.py): the marginal from the same table, or |M| fixed."""
        m_lo, m_hi = self.nme_range
        if self.nme == "nuisance":
            return Kernel("likelihoods.kamland_zen.kernel:loglike_at_nme", (self.k, Z90_SQ))
        if self.nme == "conservative":
            return Kernel("likelihoods.kamland_zen.kernel:loglike_conservative", (self.k, Z90_SQ, m_lo))
        table = self._table()
        mu4 = (m_hi**5 - m_lo**5) / (5.0 * (m_hi - m_lo))
        return Kernel("likelihoods.kamland_zen.kernel:loglike_marginal",
                      (self.k, Z90_SQ, m_lo, m_hi, m_lo**4, m_hi**4, mu4, table.y0, table.inv_h, table.last,
                       np.array(table.coef), _series_coefficients(m_lo, m_hi)))

    def loglike(self, q):
        m = q["m_betabeta"]
        if self.nme == "marginal":
            return self.loglike_marginal(m)
        nme = q["nme_xe136"] if self.nme == "nuisance" else self.nme_range[0]
        return -0.5 * self.chi2_at_nme(m, nme)

    def describe(self):
        return {**super().describe(), "half_life_90_yr": self.t90, "nme_range": list(self.nme_range),
                "mbb_limit_range_ev": [self.k / self.nme_range[1], self.k / self.nme_range[0]], "source": self.source}
