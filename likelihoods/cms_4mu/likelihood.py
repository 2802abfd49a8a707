"""CMS Z → μ⁺μ⁻Z′, Z′ → μ⁺μ⁻: the published 95% CL limit on g as a likelihood (likelihoods/cms_4mu/NOTES.md).

CMS searched 13 TeV pp data (77.3 fb⁻¹) for a narrow μ⁺μ⁻ resonance in Z → 4μ events and set a 95% CL upper
limit g_UL(m) on the L_μ − L_τ coupling for 5 ≤ m_Z′ ≤ 70 GeV, assuming B(Z′ → μ⁺μ⁻) = 1/3 (A. M. Sirunyan et
al., PLB 792 (2019) 345, arXiv:1808.03684, CMS-EXO-18-008).

Prediction (globalfit.physics.zprime_decays.muon_signal_g2): the signal ∝ g_μ² B(Z′ → μ⁺μ⁻), so

  X = [(g + gv_e)² + ga_e²] · B(Z′ → μ⁺μ⁻)/(1/3),   X_UL = g_UL(m)².

B(Z′ → μ⁺μ⁻) of the pure L_μ − L_τ Z′ is Γ_μμ/(Γ_νν + Γ_μμ + Γ_ττ) = 0.3471 at 5 GeV, 0.3340 at 10 GeV, → ⅓
(0.33334 at 50 GeV): the CMS assumption is its large-mass limit, so at 5 GeV the rescaled limit on g is 2% below
CMS's. Kinetic mixing adds Z′ → e⁺e⁻, hadrons and the induced muon coupling (with loop mixing X changes by −1.7%,
the muon coupling g − εe); with |εe| ≳ g the B(μμ) changes by O(1). Z′ radiated off the Z's quark line (∝ ε) is
neglected.

Likelihood (globalfit.limits): ln L = ln(0.05)·X/X_UL (`limit_shape: poisson`, default; −ln 0.05 = 3.00) or
−½(1.960 X/X_UL)² (`half-gaussian`); 0 outside 5.0–70.3 GeV.

Data (data/cms_4mu/cms-2018.csv: m_GeV, g_ul; `# cl: 0.95`): the observed limit, READ (not digitised) from the
TGraph of the CMS figure file (limits_EXO-18-008.root).
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from globalfit.limits import upper_limit_loglike
from globalfit.physics import zprime_decays
from likelihoods._recast import RecastCurve
from likelihoods.e137.likelihood import COUPLINGS, domain

#: the branching ratio B(Z′ → μ⁺μ⁻) the CMS limit assumes
BR_MUMU_ASSUMED = 1.0 / 3.0


class CMS4Mu(RecastCurve):
    """CMS Z → 4μ: 95% CL limit on the L_μ−L_τ coupling (5–70 GeV), rescaled from B(Z′→μμ) = 1/3 to the model's."""

    name = "cms_4mu"
    kernel_reference = BR_MUMU_ASSUMED

    def __init__(self, dataset: str = "cms-2018",
                 limit_shape: Literal["poisson", "half-gaussian"] = "poisson"):
        super().__init__(dataset, limit_shape)

    def g_limit(self, m_zp) -> np.ndarray:
        """The published upper limit on g at m_zp [GeV] (for B(Z′→μμ) = 1/3); NaN outside the curve."""
        return self.curve(m_zp)

    def loglike(self, q):
        ok, safe = domain(q, self.requires)
        x = zprime_decays.muon_signal_g2(safe["m_zp"], safe["g_zp"], "mumu", BR_MUMU_ASSUMED,
                                         **{k: safe[k] for k in COUPLINGS})
        ll = upper_limit_loglike(x, self.g_limit(safe["m_zp"]) ** 2, self.cl, self.limit_shape)
        return np.where(ok, ll + 0.0, -np.inf)

    def describe(self):
        rule = (f"ln L = ln(1 - {self.cl:g}) X/g_UL^2, X = g_mu^2 B(mumu)/(1/3) (Poisson)"
                if self.limit_shape == "poisson" else f"ln L = -0.5 (z_{self.cl:g} X/g_UL^2)^2 (half-Gaussian)")
        return {**super().describe(), "file": self.source, "obtained": "read from the CMS figure file",
                "cl": self.cl, "limit_rule": rule, "quantity": "g_mu^2 B(Z'->mumu)/(1/3)"}
