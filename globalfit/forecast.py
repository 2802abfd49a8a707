"""Forecasts as likelihoods: a planned experiment's expected signal N_s(θ) and background N_b, turned into the
log-likelihood of its Asimov data set (docs/physics/forecasts.md).

A forecast plugin is a `Likelihood` with `forecast = True` and a method `expected(q) -> (n_s, n_b)` (expected
event counts at the points of the batch q). Two Asimov data sets:

* expected exclusion (default): the experiment observes the background-only expectation, n = N_b (non-integer:
  the Asimov count). The likelihood of the signal strength is that of a flat-prior Poisson upper limit,
      ln L(s) = ln[Q(n + 1, s + b) / Q(n + 1, b)],   Q the regularised upper incomplete gamma function,
  i.e. the posterior probability that the signal exceeds s, the same rule by which published limit curves become
  likelihoods (globalfit.limits: −2 ln L = −2 ln(1 − CL) on the curve). At b = 0 it is ln L = −s (the 2.30 events of a
  90% CL limit without background); for b ≫ 1 it tends to the one-sided Gaussian −½ s²/b. A relative background
  uncertainty σ_b/b (option) is averaged over with a Gaussian (truncated at b > 0) by Gauss–Hermite quadrature.
* discovery reach (`discovery_significance`): the Asimov significance Z = √(2[(s + b) ln(1 + s/b) − s]) of a signal s
  over a known background b (Cowan, Cranmer, Gross, Vitells, EPJC 71 (2011) 1554, eq. 97), for the `forecast`
  command.

The threshold of an expected exclusion at confidence level CL is therefore `limit_dchi2(CL)` (4.61 at 90%), and a
plane drawn at the forecast's CL puts its contour on the expected limit.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaincc, gammaln

from globalfit.likelihood import Likelihood
from globalfit.limits import limit_dchi2

#: Gauss–Hermite nodes and weights for the background-uncertainty average (probabilists' Hermite, ∫ φ(z) f(z) dz)
_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(24)
_GH_W = _GH_W / _GH_W.sum()


def _log_q(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """ln Q(a, x) (regularised upper incomplete gamma), stable where Q underflows (large x): asymptotic
    ln Q ≈ (a − 1) ln x − x − ln Γ(a) + ln(1 + (a − 1)/x) for x ≫ a."""
    q = gammaincc(a, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = np.log(q)
        tail = (a - 1.0) * np.log(x) - x - gammaln(a) + np.log1p((a - 1.0) / np.maximum(x, 1e-300))
    return np.where(q > 1e-250, direct, tail)


def asimov_exclusion_loglike(n_s: ArrayLike, n_b: ArrayLike, rel_bkg_error: float = 0.0) -> np.ndarray:
    """ln L of an expected signal n_s ≥ 0 over a background n_b ≥ 0 when the background-only expectation is observed
    (module docstring); ≤ 0, = 0 at n_s = 0. Arrays broadcast."""
    s = np.maximum(np.asarray(n_s, dtype=float), 0.0)
    b = np.maximum(np.asarray(n_b, dtype=float), 0.0)
    if rel_bkg_error <= 0.0:
        return _exclusion(s, b, b)
    s, b = np.broadcast_arrays(s, b)
    n = b  # the Asimov count stays the nominal background
    bb = np.maximum(b[..., None] * (1.0 + rel_bkg_error * _GH_X), 0.0)
    num = np.sum(_GH_W * np.exp(_log_q(n[..., None] + 1.0, s[..., None] + bb)), axis=-1)
    den = np.sum(_GH_W * np.exp(_log_q(n[..., None] + 1.0, bb)), axis=-1)
    with np.errstate(divide="ignore"):
        return np.log(num) - np.log(den)


def _exclusion(s: np.ndarray, b: np.ndarray, n: np.ndarray) -> np.ndarray:
    return _log_q(n + 1.0, s + b) - _log_q(n + 1.0, b)


def discovery_significance(n_s: ArrayLike, n_b: ArrayLike) -> np.ndarray:
    """Median discovery significance Z = √(2[(s + b) ln(1 + s/b) − s]) (Asimov, known background); √(2s ln(s/b)…)
    limits: Z → s/√b for s ≪ b; for b → 0 it diverges (any event is a discovery) and is returned as inf."""
    s = np.maximum(np.asarray(n_s, dtype=float), 0.0)
    b = np.asarray(n_b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z2 = 2.0 * ((s + b) * np.log1p(s / b) - s)
    return np.where(b > 0, np.sqrt(np.maximum(z2, 0.0)), np.where(s > 0, np.inf, 0.0))


def events_at_expected_limit(n_b: float, cl: float = 0.90, rel_bkg_error: float = 0.0) -> float:
    """The signal count s at which the expected exclusion reaches `cl` (−2 ln L = limit_dchi2(cl)), by bisection."""
    target = -0.5 * limit_dchi2(cl)
    lo, hi = 0.0, 10.0 + 20.0 * math.sqrt(max(n_b, 1.0))
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if float(asimov_exclusion_loglike(mid, n_b, rel_bkg_error)) > target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


class Forecast(Likelihood):
    """Base class of forecast plugins: subclasses set `name`, `requires` (and `optional`), and implement
    `expected(q) -> (n_s, n_b)`, the expected signal and background event counts at the points of the batch q
    (arrays of shape (n,); n_s ≥ 0). The likelihood is the Asimov expected exclusion (module docstring) with the
    relative background uncertainty `self.rel_bkg_error` (default 0). Plugins whose signal can also lower the
    count (interference) override `loglike` and `exclusion_dchi2` instead, as the trident forecast does."""

    forecast = True
    #: the confidence level forecasts are drawn at by default
    default_cl = 0.90
    rel_bkg_error = 0.0

    def expected(self, q) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def loglike(self, q):
        n_s, n_b = self.expected(q)
        n_s = np.asarray(n_s, dtype=float)
        ok = np.isfinite(n_s) & np.isfinite(np.asarray(n_b, dtype=float))
        ll = asimov_exclusion_loglike(np.where(ok, n_s, 0.0), np.where(ok, n_b, 0.0), self.rel_bkg_error)
        return np.where(ok, ll, -np.inf)

    def exclusion_dchi2(self, cl: float) -> float:
        """The expected limit at `cl`: −2 ln L = −2 ln(1 − cl) (module docstring)."""
        return limit_dchi2(cl)
