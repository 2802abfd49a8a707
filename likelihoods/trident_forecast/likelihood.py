"""Neutrino-trident forecast ν_μ A → ν_μ μ⁺μ⁻ A at other beams and targets
(likelihoods/trident_forecast/NOTES.md).

Prediction: R = σ/σ_SM = 1 + A(m_Z′) y² + B(m_Z′) y⁴, y = g_Z′/10⁻³, from data/trident_forecast/<setup>.npz (built by
data/trident_forecast/build_table.py with globalfit.physics.trident, as the CCFR/CHARM-II tables; for a beam spectrum
the ratio of flux-averaged cross sections). With the model's `trident_g2` (U(1)_X) y² → trident_g2/10⁻⁶, either sign.

Likelihood: the Asimov data set of the SM, n = N_SM + N_b, against μ = ν N_SM R + N_b, with a Poisson likelihood ratio
and a Gaussian normalisation nuisance ν (relative error σ_ν, `norm_error`) profiled analytically:
    −2Δln L = min_ν { 2[μ − n + n ln(n/μ)] + (ν − 1)²/σ_ν² },
the minimum being the positive root of s ν² + (s²σ_ν² + N_b − s) ν + s σ_ν²(N_b − n) − N_b = 0, s = N_SM R. It is
two-sided (R < 1 and R > 1 both cost), 0 at R = 1; a point is excluded at CL when −2Δln L > χ²₁(CL) (2.71 at 90%).
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from globalfit import catalog
from globalfit.errors import DataError, GlobalfitError
from globalfit.forecast import Forecast
from likelihoods._data import TEXT, data_lines, number, numeric_rows, text, text_lines
from likelihoods.trident.likelihood import load_table, ratio_at


def profiled_dchi2(s: ArrayLike, b: ArrayLike, n: ArrayLike, norm_error: float) -> np.ndarray:
    """−2Δln L of the Poisson count n (Asimov, non-integer) against ν s + b, the normalisation ν profiled with a
    Gaussian constraint of width `norm_error` (module docstring); s > 0, b ≥ 0, n > 0. Arrays broadcast."""
    s = np.maximum(np.asarray(s, dtype=float), 1e-300)
    b = np.asarray(b, dtype=float)
    n = np.asarray(n, dtype=float)
    if norm_error > 0.0:
        v2 = norm_error**2
        qb = s * s * v2 + b - s
        qc = s * v2 * (b - n) - b  # ≤ 0: one non-negative root
        disc = np.sqrt(np.maximum(qb * qb - 4.0 * s * qc, 0.0))
        q = -0.5 * (qb + np.where(qb >= 0.0, disc, -disc))  # stable roots q/s and qc/q
        with np.errstate(divide="ignore", invalid="ignore"):
            nu = np.where(qb >= 0.0, qc / q, q / s)
        nu = np.where(np.isfinite(nu), np.maximum(nu, 0.0), 1.0)
        penalty = (nu - 1.0) ** 2 / v2
    else:
        nu, penalty = 1.0, 0.0
    mu = nu * s + b
    with np.errstate(divide="ignore"):
        return 2.0 * (mu - n + n * np.log(n / mu)) + penalty


def read_flux_csv(rel: str) -> tuple[np.ndarray, np.ndarray]:
    """(E [GeV], φ(E)) of a catalogued flux CSV: '#' comment lines, the header 'energy_gev,flux_per_gev', then rows of
    two numbers; energies positive and increasing, flux finite, ≥ 0 and not all 0. A DataError names the file (and
    the line) otherwise."""
    path, lines = text_lines(rel)
    body = data_lines(lines)
    if not body or body[0][1].strip() != "energy_gev,flux_per_gev":
        raise DataError(f"{path}: expected the header line 'energy_gev,flux_per_gev' after the comments")
    rows = numeric_rows(path, body[1:], 2, "two finite numbers 'energy,flux'", finite=True)
    if len(rows) < 2:
        raise DataError(f"{path}: expected at least two rows 'energy,flux'")
    energy, flux = np.array(rows).T
    if np.any(energy <= 0) or np.any(np.diff(energy) <= 0):
        raise DataError(f"{path}: energies must be positive and increasing")
    if np.any(flux < 0) or not np.any(flux > 0):
        raise DataError(f"{path}: the flux must be ≥ 0 and not all zero")
    return energy, flux


class TridentForecast(Forecast):
    """Neutrino trident ν_μA → ν_μμ⁺μ⁻A forecast (other beams and targets): Asimov Poisson ratio, profiled norm."""

    name = "trident_forecast"
    requires = ("m_zp", "g_zp")
    #: read when the model provides it (U(1)_X): h_νμ g_V^μ (as the trident plugin)
    optional = ("trident_g2",)

    def __init__(self, dataset: str = "dune-nd", sm_events: float | None = None, norm_error: float | None = None,
                 background: float | None = None):
        super().__init__(dataset, sm_events=sm_events, norm_error=norm_error, background=background)
        raw, where = catalog.load_dataset_yaml(f"trident_forecast/{dataset}.yaml",
                                               ["sm_events", "norm_error", "background", "table", "source"])
        self.sm_events = float(sm_events) if sm_events is not None else number(raw, "sm_events", where, positive=True)
        self.norm_error = float(norm_error) if norm_error is not None else number(raw, "norm_error", where)
        self.background = float(background) if background is not None else number(raw, "background", where)
        for key, val, ok in (("sm_events", self.sm_events, self.sm_events > 0),
                             ("norm_error", self.norm_error, self.norm_error >= 0),
                             ("background", self.background, self.background >= 0)):
            if not (np.isfinite(val) and ok):
                raise GlobalfitError(f"trident_forecast: {key} = {val!r}; must be finite and "
                                     f"{'> 0' if key == 'sm_events' else '≥ 0'}")
        self.source = text(raw, "source", where)
        self.table_file = text(raw, "table", where)
        self.table, t = load_table(self.table_file, {"energy_gev": 0, "sigma_sm_cm2": 0, "target": TEXT,
                                                     "spectrum": TEXT})
        self.energy_gev, self.sigma_sm_cm2 = t["energy_gev"], t["sigma_sm_cm2"]
        self.target, self.spectrum = t["target"], t["spectrum"]
        self.flux_file = None
        if str(self.spectrum) != "mono-energetic":  # the spectrum the table was folded with: checked, mean reported
            self.flux_file = text(raw, "flux", where)
            self.flux_energy, self.flux = read_flux_csv(self.flux_file)
            e, f = self.flux_energy, self.flux
            self.flux_mean_gev = float(np.sum(np.diff(e) * (e[1:] * f[1:] + e[:-1] * f[:-1]))
                                       / np.sum(np.diff(e) * (f[1:] + f[:-1])))

    def ratio(self, q) -> tuple[np.ndarray, np.ndarray]:
        """(R = σ/σ_SM, valid) at the points of q (m_zp [GeV] > 0, g_zp; trident_g2 when the model provides it)."""
        r, ok = ratio_at(self.table, q)
        return r, ok & np.isfinite(r)

    def expected(self, q) -> tuple[np.ndarray, np.ndarray]:
        """(N_SM (R − 1), N_SM + N_b): the change of the trident count (negative where the Z′ lowers it) and what it
        is seen over — the SM trident events and the background (the `forecast` command's discovery significance)."""
        r, ok = self.ratio(q)
        return (np.where(ok, self.sm_events * (r - 1.0), np.nan),
                np.full(r.shape, self.sm_events + self.background))

    def dchi2_ratio(self, r: ArrayLike) -> np.ndarray:
        """−2Δln L at the ratio R = σ/σ_SM (array; R ≤ 0 is clipped to a vanishing signal)."""
        n = self.sm_events + self.background
        return profiled_dchi2(self.sm_events * np.asarray(r, dtype=float), self.background, n, self.norm_error)

    def loglike(self, q):
        r, ok = self.ratio(q)
        ll = -0.5 * self.dchi2_ratio(np.where(ok, r, 1.0))
        return np.where(ok & np.isfinite(ll), ll, -np.inf)

    def exclusion_dchi2(self, cl: float) -> float:
        """χ²₁(cl) (2.71 at 90%): the Asimov likelihood ratio is that of a two-sided measurement of R."""
        from scipy.stats import chi2

        return float(chi2.ppf(cl, 1))

    def reach(self, m_zp: ArrayLike, cl: float = 0.90, g_range: tuple[float, float] = (1e-6, 10.0)) -> np.ndarray:
        """Expected limit g(m_Z′) at `cl` (L_μ − L_τ: R increasing in g), by bisection in ln g; m_zp [GeV], array."""
        m = np.atleast_1d(np.asarray(m_zp, dtype=float))
        target = self.exclusion_dchi2(cl)
        lo, hi = np.full(m.shape, np.log(g_range[0])), np.full(m.shape, np.log(g_range[1]))
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            excluded = self.dchi2_ratio(self.table.ratio(m, np.exp(mid))) > target
            lo, hi = np.where(excluded, lo, mid), np.where(excluded, mid, hi)
        return np.exp(0.5 * (lo + hi))

    def describe(self):
        return {**super().describe(), "sm_events": self.sm_events, "norm_error": self.norm_error,
                "background": self.background, "source": self.source, "table": self.table_file,
                "target": self.target, "spectrum": self.spectrum, "energy_gev": self.energy_gev}
