"""BaBar e⁺e⁻ → μ⁺μ⁻Z′, Z′ → μ⁺μ⁻ (docs/physics/limits.md): the published 90% CL upper limit on g_Z′ as a likelihood.

BaBar derived the limit for the L_μ − L_τ Z′ itself (equal vector couplings to μ, τ, ν_μ, ν_τ; its
BR(Z′ → μ⁺μ⁻) included), so for that Z′ the signal rate scales as g², X = g_Z′² and X_UL = g_UL(m_Z′)². When the
model provides the induced couplings (optional inputs; always with `lmu-ltau`) the signal is rescaled to the
model's muon coupling and BR(Z′ → μ⁺μ⁻) (which Z′ → e⁺e⁻ lowers when ε is large, `kinetic_mixing: free`):
X = [(g + gv_e)² + ga_e²] BR(Z′→μμ)/BR₀(Z′→μμ), BR₀ of the pure L_μ − L_τ Z′ (globalfit.physics.zprime_decays).
With loop mixing this lowers X by 1.3% below 2m_τ and 1.7% above (muon coupling g − εe: −0.87%; BR(μμ): the
rest); Z′ emission off the initial e⁺e⁻ is neglected. A model with other charges (u1x) provides its muon couplings
and branching ratio directly, g2_mu = g_V^μ² + g_A^μ² and br_mumu: X = g2_mu BR(Z′→μμ)/BR₀(Z′→μμ).

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
from globalfit.likelihood import Kernel, Likelihood
from globalfit.limits import LimitCurve, limit_dchi2, limit_kernel_data, upper_limit_loglike
from globalfit.physics import zprime_decays
from likelihoods._data import muon_signal_g2
from likelihoods.na62.likelihood import dataset_file, read_limit_csv

CL = 0.90


class BaBar4Mu(Likelihood):
    """BaBar e⁺e⁻→μ⁺μ⁻Z′(→μ⁺μ⁻): 90% CL limit curve on the L_μ−L_τ coupling g_Z′ (0.214–7.7 GeV)."""

    name = "babar"
    requires = ("m_zp", "g_zp")
    #: the induced couplings, read when the model provides them: X = [(g + gv_e)² + ga_e²] BR(Z′→μμ)/BR₀(Z′→μμ)
    #: (globalfit.physics.zprime_decays.muon_signal_g2), BR₀ that of the pure L_μ − L_τ Z′ BaBar assumed
    optional = ("gv_e", "ga_e", "g_nue", "gv_u", "gv_d", "g2_mu", "br_mumu")
    #: the L_μ − L_τ induced couplings among `optional`; g2_mu = g_V^μ² + g_A^μ² and br_mumu = BR(Z′ → μμ) are
    #: what a model with other charges (U(1)_X) provides: X = g2_mu BR(Z′→μμ)/BR₀ (takes precedence)
    induced = ("gv_e", "ga_e", "g_nue", "gv_u", "gv_d")

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

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin (likelihoods/babar/kernel.py) for the optional inputs the card provides: g2_mu and br_mumu
        (u1x), all the induced couplings (lmu-ltau) or none (X = g²), as `loglike` chooses."""
        data = (*self.curve.kernel_data(), *limit_kernel_data(CL, self.limit_shape))
        mod = "likelihoods.babar.kernel"
        if "g2_mu" in optional and "br_mumu" in optional:
            return Kernel(f"{mod}:loglike_g2_mu", data, (*self.requires, "g2_mu", "br_mumu"))
        if all(k in optional for k in self.induced):
            return Kernel(f"{mod}:loglike_induced", data, (*self.requires, *self.induced))
        return Kernel(f"{mod}:loglike", data, tuple(self.requires))

    def loglike(self, q):
        m = np.asarray(q["m_zp"], dtype=float)
        g = np.asarray(q["g_zp"], dtype=float)
        ok = np.isfinite(m) & np.isfinite(g) & (m > 0) & (g >= 0)
        if "g2_mu" in q and "br_mumu" in q:  # another charge assignment: its muon couplings and BR(Z′ → μμ)
            g2, br = np.asarray(q["g2_mu"], dtype=float), np.asarray(q["br_mumu"], dtype=float)
            ok = ok & np.isfinite(g2) & np.isfinite(br)
            m_safe = np.where(ok, m, 1.0)
            br0 = zprime_decays.br_lmu_ltau(m_safe)["mumu"]  # 0 only below 2m_μ, where the curve has no limit
            x = np.where(ok, g2, 0.0) * np.where(ok, br, 0.0) / np.where(br0 > 0, br0, 1.0)
            ll = upper_limit_loglike(x, self.g_limit(m_safe) ** 2, CL, self.limit_shape)
            return np.where(ok, ll + 0.0, -np.inf)
        couplings = {k: np.asarray(q[k], dtype=float) for k in self.induced if k in q}
        if len(couplings) == len(self.induced):
            ok = ok & np.all([np.isfinite(c) for c in couplings.values()], axis=0)
        if ok.all():  # every point valid (the usual case): the batch's arrays; BRs shared with other plugins
            x = muon_signal_g2(q, "mumu") if len(couplings) == len(self.induced) else g**2
            ll = upper_limit_loglike(x, self.g_limit(m) ** 2, CL, self.limit_shape)
            return np.where(ok, ll + 0.0, -np.inf)
        m_safe, g_safe = np.where(ok, m, 1.0), np.where(ok, g, 0.0)
        if len(couplings) == len(self.induced):  # the model's BR(Z′ → μμ), e.g. with Z′ → e⁺e⁻ (free ε)
            x = zprime_decays.muon_signal_g2(m_safe, g_safe, "mumu",
                                             **{k: np.where(ok, c, 0.0) for k, c in couplings.items()})
        else:
            x = g_safe**2
        ll = upper_limit_loglike(x, self.g_limit(m_safe) ** 2, CL, self.limit_shape)
        return np.where(ok, ll + 0.0, -np.inf)  # + 0.0: no −0.0 where there is no limit

    def describe(self):
        rule = ("ln L = -2.303 g^2/g_UL^2 (Poisson, no background)" if self.limit_shape == "poisson"
                else "ln L = -0.5 (1.645 g^2/g_UL^2)^2 (half-Gaussian)")
        return {**super().describe(), "file": self.source, "obtained": "digitised (Darkcast)",
                "quantity": "g_Z'^2, 90% CL", "limit_rule": rule}
