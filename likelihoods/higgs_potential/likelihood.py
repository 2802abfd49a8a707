"""Theory constraints on the scalar potential of the doublet models (likelihoods/higgs_potential/NOTES.md):
tree-level perturbative unitarity and boundedness from below, as a domain condition.

The masses fix the potential (globalfit.physics.higgs_sector): the U(1)′ charge of Φ forbids m₁₂², λ₅, λ₆, λ₇, so
with `higgs: doublet` (tanβ, m_h = 125.2 GeV, m_H, m_H±, α) give λ₁ … λ₄ (the CP-odd direction is the Z′ Goldstone:
m_a is not used); with `higgs: doublet+singlet` the trilinear μ H†Φσ* acts as m₁₂² = μ v_σ/√2, fixed by the physical
A: M² = m₁₂²/(sβcβ) = m_A² cos²γ with cos²γ = 1 − δ²/tan²β. λ₁ … λ₅ (λ₅ = 0) from the 2HDM inversion formulas
(Kanemura et al., hep-ph/0408364), α from `h_mixing`.

Conditions (Branco et al., Phys. Rept. 516 (2012) 1, arXiv:1106.0034, §5; Kanemura, Kubota, Takasugi, PLB 313 (1993)
155; Akeroyd, Arhrib, Naimi, hep-ph/0006035; Ginzburg & Ivanov, hep-ph/0508020):
- unitarity: the twelve eigenvalues e of the s-wave scattering matrices satisfy |e| < 8π (|Re a₀| < ½; option
  `unitarity: 16pi` for |a₀| < 1, `off` to drop it);
- bounded from below (`bfb: true`): λ₁ > 0, λ₂ > 0, λ₃ > −√(λ₁λ₂), λ₃ + λ₄ − |λ₅| > −√(λ₁λ₂).
With the singlet both are necessary conditions only (the doublet–doublet block of the scattering matrix and the
σ = 0 direction of the potential), under the stated assumption that the singlet-like scalar does not mix with h, H.

ln L = 0 where the conditions hold, −inf where one fails (a "theory" likelihood: it cuts the prior) and for
non-finite or non-positive input. Without the doublet (`higgs: none, singlet`: tan_beta = 0) there is no constraint:
ln L = 0. Reads tan_beta, delta_zzp and the parameters m_hpm, m_h2, m_a (GeV).

Where it bites: for small tanβ, λ₂ ≈ (m_H² − M²)/(v² tan²β), so in the doublet model m_H ≲ 712 GeV · sinβ (m_H ≲ 58
GeV at tanβ = 0.08; the defaults m_h2 = m_hpm = 300 GeV need tanβ > 0.47), and with the singlet
|m_H² − m_A² cos²γ| ≲ (2.9 v sinβ)² (likelihoods/higgs_potential/NOTES.md).
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from globalfit.errors import GlobalfitError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.physics import higgs_sector as hs
from likelihoods._data import scalar_inputs

UNITARITY = ("8pi", "16pi", "off")


class HiggsPotential(Likelihood):
    """Perturbative unitarity and a bounded-below potential for the doublet models (domain condition, no data)."""

    name = "higgs_potential"
    requires = ("tan_beta", "delta_zzp", "m_hpm", "m_h2", "m_a")
    #: the potential is that of the Lμ−Lτ model's U(1)′-charged doublet
    models = ("lmu-ltau",)

    def __init__(self, unitarity: Literal["8pi", "16pi", "off"] = "8pi", bfb: bool = True,
                 h_mixing: Literal["none", "alignment"] = "none"):
        super().__init__(None, unitarity=unitarity, bfb=bfb, h_mixing=h_mixing)
        if unitarity not in UNITARITY:
            raise GlobalfitError(f"unitarity: {unitarity!r}; allowed: {', '.join(UNITARITY)}")
        if not isinstance(bfb, bool):
            raise GlobalfitError(f"bfb: {bfb!r}; allowed: true, false")
        if h_mixing not in hs.H_MIXING:
            raise GlobalfitError(f"h_mixing: {h_mixing!r}; allowed: {', '.join(hs.H_MIXING)}")
        self.limit = hs.UNITARITY_LIMITS.get(unitarity)
        self.bfb = bfb
        self.h_mixing = h_mixing

    def allowed(self, q) -> np.ndarray:
        """Whether each point satisfies the conditions (True without the doublet); inputs assumed valid."""
        tb, d, mc, mh, ma = (np.asarray(q[k], dtype=float) for k in self.requires)
        tb, d, mc, mh, ma = np.broadcast_arrays(tb, d, mc, mh, ma)
        ok = np.ones(tb.shape, dtype=bool)
        doublet = tb > 0
        if (self.limit is not None or self.bfb) and np.any(doublet):
            i = np.flatnonzero(doublet)
            ok[i] = hs.potential_allowed(tb[i], d[i], mc[i], mh[i], ma[i], self.h_mixing, self.limit, self.bfb)
        return ok

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin (likelihoods/higgs_potential/kernel.py), every `unitarity`, `bfb` and `h_mixing` choice."""
        from globalfit.physics.higgs_kernels import potential_constants

        data = (self.h_mixing == "alignment", -1.0 if self.limit is None else float(self.limit), self.bfb,
                *potential_constants())
        return Kernel("likelihoods.higgs_potential.kernel:loglike", data, tuple(self.requires))

    def loglike(self, q):
        with np.errstate(all="ignore"):  # absurd inputs (1e300 …) give inf/NaN, mapped to −inf below
            return self._loglike(q)

    def _loglike(self, q):
        ok, safe = scalar_inputs(q, self.requires)
        return np.where(ok & self.allowed(safe), 0.0, -np.inf)

    def describe(self):
        return {**super().describe(), "unitarity_limit": self.limit, "bounded_from_below": self.bfb,
                "h_mixing": self.h_mixing,
                "rule": "ln L = 0 inside (unitarity, bounded from below), -inf outside"}
