"""Belle II e⁺e⁻ → μ⁺μ⁻Z′, Z′ → invisible: the published 90% credibility-level limit on g as a likelihood
(likelihoods/belle2_invisible/NOTES.md).

Belle II searched the 2018 data (276 pb⁻¹ at √s = 10.58 GeV) for a Z′ radiated off a muon pair and decaying
invisibly (recoil-mass peak) and set 90% credibility-level upper limits on σ(e⁺e⁻ → μ⁺μ⁻Z′, Z′ → invisible),
translated into a limit g_UL(m) on the coupling of the L_μ − L_τ Z′ assuming that model's invisible branching
ratio (I. Adachi et al., PRL 124 (2020) 141801, arXiv:1912.11276): 0.051 up to 1.2 GeV, 1.0 near 6 GeV.

Prediction (globalfit.physics.zprime_decays.muon_signal_g2): the signal ∝ g_μ² BR(Z′ → invisible), so

  X = [(g + gv_e)² + ga_e²] · BR(Z′ → νν̄)/BR₀(Z′ → νν̄),   X_UL = g_UL(m)²,

BR₀ that of the pure L_μ − L_τ Z′ (1 below 2m_μ, ≈ ½ above, ≈ ⅓ above 2m_τ). Without mixing X = g². The model's
BR differs when Z′ → e⁺e⁻ (free ε, |εe| ≳ g) or ν_e pairs (mass mixing) open; with loop mixing X is 0.44–0.87%
below g² (the muon coupling g − εe, partly compensated by BR(inv) above 2m_μ). Z′ emission off the initial e⁺e⁻
(∝ (εe)²) is neglected.

Likelihood (globalfit.limits): ln L = ln(0.1)·X/X_UL (`limit_shape: poisson`, default: a flat prior on X
reproduces the 90% credibility limit exactly, as in Belle II's Bayesian analysis) or −½(1.645 X/X_UL)²; 0 outside
the curve (above 5.97 GeV).

Data (data/belle2_invisible/belle2-2019.csv: m_GeV, g_ul; `# cl: 0.9`): fig. 3 of arXiv:1912.11276, DIGITISED by
the Darkcast authors and stored by them as g′/e; multiplied back by e = 0.302822.
SUPERSEDED by Belle II 2023 (79.7 fb⁻¹, arXiv:2212.03066), whose curve is not available here.
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from globalfit.limits import upper_limit_loglike
from globalfit.physics import zprime_decays
from likelihoods._recast import RecastCurve
from likelihoods.e137.likelihood import COUPLINGS, domain


class Belle2Invisible(RecastCurve):
    """Belle II e⁺e⁻ → μ⁺μ⁻Z′(→ invisible): 90% CL limit on g rescaled to the model's BR(Z′ → νν̄) (≤ 6 GeV)."""

    name = "belle2_invisible"

    def __init__(self, dataset: str = "belle2-2019",
                 limit_shape: Literal["poisson", "half-gaussian"] = "poisson"):
        super().__init__(dataset, limit_shape)

    def g_limit(self, m_zp) -> np.ndarray:
        """The published upper limit on g at m_zp [GeV] (pure L_μ − L_τ Z′); NaN outside the curve."""
        return self.curve(m_zp)

    def loglike(self, q):
        ok, safe = domain(q, self.requires)
        x = zprime_decays.muon_signal_g2(safe["m_zp"], safe["g_zp"], "invisible", **{k: safe[k] for k in COUPLINGS})
        ll = upper_limit_loglike(x, self.g_limit(safe["m_zp"]) ** 2, self.cl, self.limit_shape)
        return np.where(ok, ll + 0.0, -np.inf)

    def describe(self):
        rule = (f"ln L = ln(1 - {self.cl:g}) X/g_UL^2, X = g_mu^2 BR(inv)/BR0(inv) (Poisson)"
                if self.limit_shape == "poisson" else f"ln L = -0.5 (z_{self.cl:g} X/g_UL^2)^2 (half-Gaussian)")
        return {**super().describe(), "file": self.source, "obtained": "digitised (Darkcast)", "cl": self.cl,
                "limit_rule": rule, "quantity": "g_mu^2 BR(Z'->inv)/BR_LmuLtau(Z'->inv)"}
