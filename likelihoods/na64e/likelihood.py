"""NA64e (CERN SPS electron beam, missing energy): the dark-photon limit recast to an invisibly decaying Z′
(likelihoods/na64e/NOTES.md).

100 GeV electrons on an active target (ECAL); a boson radiated by bremsstrahlung and escaping undetected leaves
missing energy. With no excess NA64 sets a 90% CL upper limit ε_UL(m) on a dark photon with BR(A′ → invisible) = 1
(D. Banerjee et al., PRL 123 (2019) 121801, arXiv:1906.00176; 2.84 × 10¹¹ electrons on target).

Prediction (globalfit.physics.beam_dump.invisible_signal_ratio; Darkcast method, efficiency 1): the same
bremsstrahlung production with the Z′'s electron couplings and its invisible branching ratio,

  X = (gv_e² + ga_e²)/(e² ε_UL(m)²) · BR(Z′ → νν̄),

BR from globalfit.physics.zprime_decays (1 below 2m_e and 2m_μ for the pure model with loop mixing up to
Γ_ee/Γ_νν = (e/69.3)²; ≈ ½ above 2m_μ; small when |εe| ≳ g, the Z′ then decaying to e⁺e⁻). A Z′ decaying
visibly but outside the detector would also look invisible; that is neglected (conservative). X = 0 outside
1 MeV – 1.006 GeV.

Likelihood (globalfit.limits): ln L = ln(0.1)·X (`limit_shape: poisson`, default) or −½(1.645 X)²
(`half-gaussian`); X = 1 on the published curve (for a dark photon: gv_e = −εe, g = 0, BR = 1).

Data (data/na64e/na64-2019.csv: m_GeV, eps_ul; `# cl: 0.9`): fig. 3 of arXiv:1906.00176, DIGITISED by the
Darkcast authors. Darkcast's own L_μ − L_τ recast of it (0.5% below this one at 1 MeV) assumes BR(A′ → inv) =
0.99 for the dark photon and, above 2m_μ, a Z′ with an extra dark width 99 × its visible width; it is not used.
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from globalfit.limits import upper_limit_loglike
from globalfit.physics import beam_dump, zprime_decays
from likelihoods._recast import RecastCurve
from likelihoods.e137.likelihood import COUPLINGS, domain


class NA64e(RecastCurve):
    """NA64e missing-energy search: 90% CL dark-photon limit recast to Z′ → νν̄ (1 MeV – 1 GeV)."""

    name = "na64e"
    column = "eps_ul"
    #: invisible_signal_ratio's br_reference (BR(A′ → inv) = 1 for the dark photon)
    kernel_reference = 1.0

    def __init__(self, dataset: str = "na64-2019",
                 limit_shape: Literal["poisson", "half-gaussian"] = "poisson"):
        super().__init__(dataset, limit_shape)

    def eps_limit(self, m_zp) -> np.ndarray:
        """The dark-photon limit ε_UL at m_zp [GeV]; NaN outside the curve."""
        return self.curve(m_zp)

    def signal_ratio(self, q) -> np.ndarray:
        """X = N_Z′/N_limit (inputs inside the domain)."""
        br = zprime_decays.branching_ratios(q["m_zp"], q["g_zp"], *(q[k] for k in COUPLINGS))
        production = beam_dump.electron_brem_production(q["gv_e"], q["ga_e"])
        return beam_dump.invisible_signal_ratio(production, br["invisible"], self.eps_limit(q["m_zp"]))

    def loglike(self, q):
        ok, safe = domain(q, self.requires)
        ll = upper_limit_loglike(self.signal_ratio(safe), 1.0, self.cl, self.limit_shape)
        return np.where(ok, ll + 0.0, -np.inf)

    def describe(self):
        rule = (f"ln L = ln(1 - {self.cl:g}) X, X = (gv_e^2 + ga_e^2) BR(inv)/(e eps_UL)^2 (Poisson)"
                if self.limit_shape == "poisson" else f"ln L = -0.5 (z_{self.cl:g} X)^2 (half-Gaussian)")
        return {**super().describe(), "file": self.source, "obtained": "digitised (Darkcast), recast here",
                "cl": self.cl, "limit_rule": rule, "quantity": "X = N_Z'/N_limit"}
