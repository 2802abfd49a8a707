"""BaBar e⁺e⁻ → μ⁺μ⁻Z′, Z′ → μ⁺μ⁻ (docs/physics/limits.md): the published 90% CL upper limit on g_Z′ as a likelihood.

BaBar derived the limit for the L_μ − L_τ Z′ itself (equal vector couplings to μ, τ, ν_μ, ν_τ; its
BR(Z′ → μ⁺μ⁻) included), so no recasting is needed: the signal rate scales as g², X = g_Z′² and
X_UL = g_UL(m_Z′)². Kinetic and Z–Z′ mass mixing change the Z′ couplings to muons by O(ε e) ≪ g and are
neglected.

Likelihood (globalfit.limits, likelihoods/na62/NOTES.md): ln L = −2.303 X/X_UL (`limit_shape: poisson`, default) or
ln L = −½(1.645 X/X_UL)² (`limit_shape: half-gaussian`); ln L = 0 where the curve has no limit (its gaps,
the unmeasured J/ψ window 3.048–3.148 GeV) and outside 0.2137–7.682 GeV.

Data (data/babar/babar-2016.csv: m_GeV, g_ul; nan = no limit):

| dataset | source |
|---|---|
| babar-2016 (default) | BaBar, PRD 94 (2016) 011102, arXiv:1606.03501; DIGITISED from its figure 5 by Darkcast |
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError, GlobalfitError
from globalfit.likelihood import Likelihood
from globalfit.limits import LimitCurve, limit_dchi2, upper_limit_loglike
from likelihoods.na62.likelihood import dataset_file, read_limit_csv

CL = 0.90


class BaBar4Mu(Likelihood):
    """BaBar e⁺e⁻→μ⁺μ⁻Z′(→μ⁺μ⁻): 90% CL limit curve on the L_μ−L_τ coupling g_Z′ (0.214–7.7 GeV)."""

    name = "babar"
    requires = ("m_zp", "g_zp")

    def __init__(self, dataset: str = "babar-2016",
                 limit_shape: Literal["poisson", "half-gaussian"] = "poisson"):
        super().__init__(dataset, limit_shape=limit_shape)
        if limit_shape not in ("poisson", "half-gaussian"):
            raise GlobalfitError(f"limit_shape: {limit_shape!r}; allowed: poisson, half-gaussian")
        self.source = dataset_file(self.name, dataset)
        mass, g_ul = read_limit_csv(self.source, "g_ul")
        if np.any(mass <= 0):
            raise DataError(f"{catalog.path_of(self.source)}: masses must be positive")
        self.curve = LimitCurve(mass, g_ul)
        self.limit_shape = limit_shape

    def exclusion_dchi2(self, cl: float) -> float:
        """On the published curve at its own CL (globalfit.limits.limit_dchi2)."""
        return limit_dchi2(cl, self.limit_shape)

    def g_limit(self, m_zp) -> np.ndarray:
        """90% CL upper limit on g_Z′ at m_zp [GeV]; NaN where there is no limit."""
        return self.curve(m_zp)

    def loglike(self, q):
        m = np.asarray(q["m_zp"], dtype=float)
        g = np.asarray(q["g_zp"], dtype=float)
        ok = np.isfinite(m) & np.isfinite(g) & (m > 0) & (g >= 0)
        m_safe, g_safe = np.where(ok, m, 1.0), np.where(ok, g, 0.0)
        ll = upper_limit_loglike(g_safe**2, self.g_limit(m_safe) ** 2, CL, self.limit_shape)
        return np.where(ok, ll + 0.0, -np.inf)  # + 0.0: no −0.0 where there is no limit

    def describe(self):
        rule = ("ln L = -2.303 g^2/g_UL^2 (Poisson, no background)" if self.limit_shape == "poisson"
                else "ln L = -0.5 (1.645 g^2/g_UL^2)^2 (half-Gaussian)")
        return {**super().describe(), "file": self.source, "obtained": "digitised (Darkcast)",
                "quantity": "g_Z'^2, 90% CL", "limit_rule": rule}
