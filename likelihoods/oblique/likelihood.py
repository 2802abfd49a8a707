"""Oblique parameters S and T of the doublet models (likelihoods/oblique/NOTES.md): a correlated Gaussian in (S, T)
from the PDG electroweak fit with U = 0, or in T alone.

Prediction (globalfit.physics.higgs_sector, where every formula is derived and sourced):

    S = S_loop,   T = T_tree + T_loop,

- T_tree = Δρ/α̂(m_Z) from the Z–Z′ mass mixing: the physical Z is the Z-like eigenvalue of the (Z, Z′) mass matrix
  of globalfit.physics.zprime.mass_mixing, Δρ = −ε_Z²/(1 + ε_Z² − m_Z′²/m_Z²) (delta_rho_mass_mixing; the
  αT = ξ²(M_Z′²/M_Z² − 1) of Babu, Kolda, March-Russell, hep-ph/9710441). ε_Z = δ m_Z′/m_Z: negligible for a light
  Z′ (T_tree ≈ −1e−8 at δ = 0.1, m_Z′ = 30 MeV), relevant only at heavy-Z′ corners (|T_tree| > 0.06 needs
  δ m_Z′ ≳ 2 GeV).
- S_loop, T_loop: the one-loop 2HDM formulas (Haber & O'Neil, arXiv:1011.6188; Grimus et al., arXiv:0802.4353) for
  H±, H and the CP-odd direction A₂, which is shared between the physical A (weight cos²γ = 1 − δ²/tan²β, mass m_a;
  only with `higgs: doublet+singlet`) and the Z′'s Goldstone boson (weight sin²γ, mass ≈ m_Z′: for `higgs: doublet`
  A₂ is eaten by the Z′, so the 2HDM formulas are used with m_A → m_Z′ ≈ 0). The SM-like h: option `h_mixing`.

Reads m_zp [GeV], tan_beta, delta_zzp, eps_z and the parameters m_hpm, m_h2, m_a [GeV] (defaults 300 GeV). Without
the U(1)′-charged doublet (`higgs: none, singlet`: tan_beta = 0) the predictions are the SM's (S = T = 0) and ln L is
the SM value −½χ²(0, 0), a constant (the same for every Higgs option, so evidences of different options stay
comparable). ln L = −inf for non-finite or non-positive masses.

Likelihood: χ² = (x − x_exp)ᵀ C⁻¹ (x − x_exp), x = (S, T), C from the errors and the correlation (dataset
pdg2024: S = −0.05 ± 0.07, T = 0.00 ± 0.06, ρ = 0.93; PDG 2024 electroweak review eq. (10.99)); option
`observables: T` uses T alone with its marginal error. Options `contributions` (tree+loop, tree, loop) and
`h_mixing` (none, alignment).
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError, GlobalfitError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.physics import higgs_sector as hs
from likelihoods._data import number, scalar_inputs, text

CONTRIBUTIONS = ("tree+loop", "tree", "loop")


class Oblique(Likelihood):
    """Electroweak fit (PDG): Gaussian in S and T from Z–Z′ mass mixing and the extra doublet's scalars."""

    name = "oblique"
    requires = ("m_zp", "tan_beta", "delta_zzp", "eps_z", "m_hpm", "m_h2", "m_a")
    #: the scalar spectrum and the mass mixing are those of the Lμ−Lτ model's doublets
    models = ("lmu-ltau",)

    def __init__(self, dataset: str = "pdg2024", observables: Literal["S+T", "T"] = "S+T",
                 contributions: Literal["tree+loop", "tree", "loop"] = "tree+loop",
                 h_mixing: Literal["none", "alignment"] = "none"):
        super().__init__(dataset, observables=observables, contributions=contributions, h_mixing=h_mixing)
        if observables not in ("S+T", "T"):
            raise GlobalfitError(f"observables: {observables!r}; allowed: S+T, T")
        if contributions not in CONTRIBUTIONS:
            raise GlobalfitError(f"contributions: {contributions!r}; allowed: {', '.join(CONTRIBUTIONS)}")
        if h_mixing not in hs.H_MIXING:
            raise GlobalfitError(f"h_mixing: {h_mixing!r}; allowed: {', '.join(hs.H_MIXING)}")
        catalog.dataset_files(self.name, dataset)  # a DataError listing the datasets if unknown
        raw, where = catalog.load_dataset_yaml(f"oblique/{dataset}.yaml", ["S", "T", "correlation", "source"])
        self.s_exp = number(raw, "S.value", where)
        self.s_err = number(raw, "S.error", where, positive=True)
        self.t_exp = number(raw, "T.value", where)
        self.t_err = number(raw, "T.error", where, positive=True)
        self.rho = number(raw, "correlation", where)
        if not -1.0 < self.rho < 1.0:
            raise DataError(f"{where}: 'correlation' must lie strictly between -1 and 1, got {self.rho:g}")
        self.source = text(raw, "source", where)
        self.observables = observables
        self.tree = contributions in ("tree+loop", "tree")
        self.loop = contributions in ("tree+loop", "loop")
        self.h_mixing = h_mixing

    def predict(self, q) -> tuple[np.ndarray, np.ndarray]:
        """(S, T) at the points of q (assumed valid: finite, positive masses); 0 where tan_beta = 0."""
        m, tb, d, ez = (np.asarray(q[k], dtype=float) for k in ("m_zp", "tan_beta", "delta_zzp", "eps_z"))
        mc, mh, ma = (np.asarray(q[k], dtype=float) for k in ("m_hpm", "m_h2", "m_a"))
        m, tb, d, ez, mc, mh, ma = np.broadcast_arrays(m, tb, d, ez, mc, mh, ma)
        s = np.zeros(m.shape)
        t = np.zeros(m.shape)
        doublet = tb > 0
        if self.tree:
            t = t + np.where(doublet, hs.delta_rho_mass_mixing(ez, m), 0.0) / hs.ALPHA_MZ
        if self.loop and np.any(doublet):
            idx = np.flatnonzero(doublet)
            sl, tl = hs.oblique_loops(mc[idx], mh[idx], ma[idx], tb[idx], d[idx], m[idx], self.h_mixing)
            s[idx] += sl
            t[idx] += tl
        return s, t

    def chi2(self, s, t) -> np.ndarray:
        """χ² of (S, T) against the fit (of T alone with `observables: T`)."""
        ds = (np.asarray(s, dtype=float) - self.s_exp) / self.s_err
        dt = (np.asarray(t, dtype=float) - self.t_exp) / self.t_err
        if self.observables == "T":
            return dt * dt
        return (ds * ds - 2.0 * self.rho * ds * dt + dt * dt) / (1.0 - self.rho**2)

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin (likelihoods/oblique/kernel.py), every dataset, `observables`, `contributions` and
        `h_mixing` choice."""
        from globalfit.physics.constants import M_Z
        from globalfit.physics.higgs_kernels import oblique_constants

        data = (self.observables == "T", self.tree, self.loop, self.h_mixing == "alignment", self.s_exp, self.s_err,
                self.t_exp, self.t_err, self.rho, 1.0 - self.rho**2, M_Z, hs.ALPHA_MZ, oblique_constants())
        return Kernel("likelihoods.oblique.kernel:loglike", data, tuple(self.requires))

    def loglike(self, q):
        with np.errstate(all="ignore"):  # absurd inputs (1e300 …) give inf/NaN, mapped to −inf below
            return self._loglike(q)

    def _loglike(self, q):
        ok, safe = scalar_inputs(q, self.requires)
        s, t = self.predict(safe)
        ll = -0.5 * self.chi2(s, t)
        return np.where(ok & np.isfinite(ll), ll, -np.inf)

    def describe(self):
        return {**super().describe(), "S": [self.s_exp, self.s_err], "T": [self.t_exp, self.t_err],
                "correlation": self.rho, "source": self.source,
                "prediction": "S, T: tree-level Z-Z' mass mixing + one-loop scalars (globalfit.physics.higgs_sector)"}
