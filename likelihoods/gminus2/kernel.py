"""Compiled twin of the muon g−2 log L (likelihoods/gminus2/likelihood.py) for the fused posterior
(globalfit/compiled.py, docs/compiled.md). Imported only by cards with `compiled: true` (needs numba)."""
from __future__ import annotations

from numba import njit


@njit
def loglike(delta_a_mu: float, data) -> float:
    """−½ ((Δa_μ − value)/error)², data = (value, error)."""
    pull = (delta_a_mu - data[0]) / data[1]
    return -0.5 * (pull * pull)
