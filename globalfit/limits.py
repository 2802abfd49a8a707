"""Published upper-limit curves as likelihoods (likelihoods/na62/NOTES.md, used for every limit curve in the project).

A search that saw no excess is a Poisson count with no background in the signal region whose expected
signal is s = −ln(1 − CL) · X / X_UL(m), X the quantity the limit is on and X_UL the limit at mass m
(s = 2.303 X/X_UL at 90% CL, 2.996 at 95% CL). Then ln L = −s, and with a flat prior on X the posterior
upper limit is exactly X_UL (1 − e^{−s} = CL at X = X_UL). The alternative half-Gaussian form is
ln L = −½ (z_CL X / X_UL)², z_CL = Φ⁻¹((1 + CL)/2) (1.645 at 90%, 1.960 at 95%), which also reproduces
the limit for a flat prior on X ≥ 0. Where the curve has no limit (gaps, outside its mass range) the
search contributes nothing (ln L = 0).
"""
from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtri

LimitShape = Literal["poisson", "half-gaussian"]


def limit_dchi2(cl: float, shape: LimitShape = "poisson") -> float:
    """Δχ² = −2 ln L of `upper_limit_loglike` on the curve X = X_UL of a limit published at confidence level
    `cl`: −2 ln(1 − cl) for the Poisson form (4.61 at 90%, 5.99 at 95%), z_cl² = χ²₁(cl) for the half-Gaussian
    form (2.71, 3.84). Drawing a plane at CL c with this threshold puts a limit curve published at CL c exactly
    on its published line (X/X_UL = 1); a χ²₁ threshold would put a Poisson-form 90% curve at X/X_UL = 2.71/4.61.
    """
    if shape == "poisson":
        return -2.0 * math.log1p(-cl)
    if shape == "half-gaussian":
        return float(ndtri(0.5 * (1.0 + cl))) ** 2
    raise ValueError(f"unknown limit shape {shape!r}; allowed: poisson, half-gaussian")


def upper_limit_loglike(x: ArrayLike, x_ul: ArrayLike, cl: float = 0.90, shape: LimitShape = "poisson") -> np.ndarray:
    """ln L of a quantity x ≥ 0 given its upper limit x_ul at confidence level cl; 0 where x_ul is NaN."""
    x = np.asarray(x, dtype=float)
    x_ul = np.asarray(x_ul, dtype=float)
    has = np.isfinite(x_ul) & (x_ul > 0)
    ratio = np.where(has, x / np.where(has, x_ul, 1.0), 0.0)
    if shape == "poisson":
        return math.log1p(-cl) * ratio  # −s, s = −ln(1 − CL)·X/X_UL
    if shape == "half-gaussian":
        z = float(ndtri(0.5 * (1.0 + cl)))
        return -0.5 * (z * ratio) ** 2
    raise ValueError(f"unknown limit shape {shape!r}; allowed: poisson, half-gaussian")


def limit_kernel_data(cl: float, shape: LimitShape) -> tuple[int, float]:
    """(shape code, coefficient) of `upper_limit_loglike` for its compiled twin
    (globalfit.physics.zprime_kernels.upper_limit_loglike): (0, ln(1 − cl)) Poisson, (1, z_cl) half-Gaussian."""
    if shape == "poisson":
        return 0, math.log1p(-cl)
    if shape == "half-gaussian":
        return 1, float(ndtri(0.5 * (1.0 + cl)))
    raise ValueError(f"unknown limit shape {shape!r}; allowed: poisson, half-gaussian")


class LimitCurve:
    """An upper-limit curve X_UL(m) on a mass grid, interpolated linearly in (log m, log X_UL).

    NaN marks gaps (no limit); outside [m_min, m_max] there is no limit either.
    """

    def __init__(self, mass: ArrayLike, limit: ArrayLike):
        m = np.asarray(mass, dtype=float)
        x = np.asarray(limit, dtype=float)
        order = np.argsort(m)
        self.mass, self.limit = m[order], x[order]
        if np.any(np.diff(self.mass) <= 0):
            raise ValueError("limit-curve masses must be distinct")
        self._logm = np.log(self.mass)
        with np.errstate(divide="ignore", invalid="ignore"):
            self._logx = np.where(np.isfinite(self.limit) & (self.limit > 0), np.log(self.limit), np.nan)

    def __call__(self, m: ArrayLike) -> np.ndarray:
        """X_UL at masses m (NaN where there is no limit)."""
        m = np.asarray(m, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            lm = np.log(m)
        i = np.clip(np.searchsorted(self._logm, lm) - 1, 0, len(self._logm) - 2)
        t = (lm - self._logm[i]) / (self._logm[i + 1] - self._logm[i])
        lo, hi = self._logx[i], self._logx[i + 1]
        with np.errstate(invalid="ignore"):
            inner = (1 - t) * lo + t * hi  # NaN if either node is a gap
        out = np.exp(np.where(t <= 0, lo, np.where(t >= 1, hi, inner)))
        inside = (m >= self.mass[0]) & (m <= self.mass[-1])
        return np.where(inside, out, np.nan)

    def kernel_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(mass, log mass, log limit) for the compiled twin of `__call__`
        (globalfit.physics.zprime_kernels.limit_curve)."""
        return self.mass, self._logm, self._logx
