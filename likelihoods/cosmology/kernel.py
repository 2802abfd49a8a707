"""Compiled twins of the cosmology plugin's log L (likelihoods/cosmology/likelihood.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md): one point per call, the same formulas and operation order. Imported only
by cards with `compiled: true` (needs numba). `data` = (Σ95 of the NO [eV], Σ95 of the IO [eV], shape: 0 half-normal,
1 cut); a dataset with one limit gives it twice.
"""
from __future__ import annotations

from numba import njit

Z95 = 1.959963984540054  # likelihoods.cosmology.likelihood.Z95 (checked equal in the tests)


@njit
def _loglike(sum_mnu: float, limit: float, shape: int) -> float:
    if shape == 1:
        return 0.0 if sum_mnu <= limit else -float("inf")
    z = sum_mnu * Z95 / limit
    return -0.5 * (z * z)


@njit
def loglike(sum_mnu: float, data) -> float:
    """log L of Σm_ν [eV] for a dataset with one limit."""
    return _loglike(sum_mnu, data[0], data[2])


@njit
def loglike_by_ordering(sum_mnu: float, dm3lsq: float, data) -> float:
    """log L of Σm_ν [eV] with the IO limit where Δm²3ℓ < 0, else the NO limit."""
    return _loglike(sum_mnu, data[1] if dm3lsq < 0 else data[0], data[2])
