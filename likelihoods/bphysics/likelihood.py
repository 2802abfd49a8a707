"""The charged Higgs of the doublet models in B physics (likelihoods/bphysics/NOTES.md): BR(B → X_sγ) and ΔM_s,
Gaussian.

Couplings (globalfit.physics.higgs_sector, "charged Higgs in B physics"): quarks couple only to the U(1)′-neutral
doublet H, so H± couples like a type-I 2HDM with ζ_u = ζ_d = tanβ (this project's tanβ = v_Φ/v_H; the ζ = tanβ of
globalfit.physics.kaon), L ⊃ −(√2/v) H⁺ ū [ζ V m_d P_R − ζ m_u V P_L] d + h.c.

Predictions:
- b → sγ: δC₇, δC₈ at μ₀ = 160 GeV from the LO 2HDM matching (Ciuchini, Degrassi, Gambino, Giudice,
  hep-ph/9710335), δC₇ = ζ²[F₇⁽¹⁾(y)/3 − F₇⁽²⁾(y)], y = m_t²/m_H±²; BR = BR_SM (1 + r₇δC₇ + r₈δC₈)² with the NNLO
  sensitivities r₇, r₈ of the data file (flavio 2.7.1). For ζ ≲ 1 the H± contribution has the sign opposite to the
  SM (δC₇ > 0 for m_H± ≳ 200 GeV): BR decreases.
- B_s mixing: ΔM_s = ΔM_s^SM [1 + x_t(ζ² S_WH + ζ⁴ S_HH)/(4 S₀(x_t))] (H± boxes; Buras et al. 1990; HEPfit).
  m_t = m_t(m_t) = 162.5 GeV (MS-bar) in both.

Likelihood: ln L = −½ Σ (X_pred − X_exp)²/(σ_exp² + (σ_SM X_pred/X_SM)²) over the selected `observables` (both,
bsgamma, bs_mixing): the relative theory error is kept as the prediction moves. The approximations (LO matching,
equal QCD corrections for SM and H± boxes, quadratic completion of the NNLO dependence) are within that theory error
for |δC₇| ≲ 0.2, i.e. ζ ≲ 1.5 at m_H± = 300 GeV (NOTES.md).

Reads tan_beta and m_hpm (GeV, default 300). Without the doublet (tan_beta = 0) the predictions are the SM's and
ln L is the SM value (a constant, as in likelihoods/oblique); −inf for non-finite input or m_hpm ≤ 0.
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError, GlobalfitError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.physics import higgs_sector as hs
from likelihoods._data import number, text

OBSERVABLES = ("both", "bsgamma", "bs_mixing")
NP_SCALE_GEV = 160.0  # the scale of δC₇, δC₈ that r₇, r₈ refer to


class BPhysics(Likelihood):
    """B → X_sγ and ΔM_s with the type-I-like charged Higgs of the doublet models (ζ = tanβ)."""

    name = "bphysics"
    requires = ("tan_beta", "m_hpm")
    #: H± couplings follow from the Lμ−Lτ model's Yukawa structure (quarks on the U(1)′-neutral doublet)
    models = ("lmu-ltau",)

    def __init__(self, dataset: str = "pdg2024", observables: Literal["both", "bsgamma", "bs_mixing"] = "both"):
        super().__init__(dataset, observables=observables)
        if observables not in OBSERVABLES:
            raise GlobalfitError(f"observables: {observables!r}; allowed: {', '.join(OBSERVABLES)}")
        catalog.dataset_files(self.name, dataset)  # a DataError listing the datasets if unknown
        raw, where = catalog.load_dataset_yaml(f"bphysics/{dataset}.yaml", ["bsgamma", "bs_mixing"])
        g = {f"{part}_{k}": number(raw, f"bsgamma.{part}.{k}", where, positive=True)
             for part in ("experiment", "theory") for k in ("value", "error")}
        self.bsg_exp, self.bsg_exp_err = g["experiment_value"], g["experiment_error"]
        self.bsg_sm, self.bsg_sm_err = g["theory_value"], g["theory_error"]
        scale = number(raw, "bsgamma.np_dependence.scale_GeV", where, positive=True)
        if scale != NP_SCALE_GEV:
            raise DataError(f"{where}: 'bsgamma.np_dependence.scale_GeV' must be {NP_SCALE_GEV:g} (the scale of the "
                            f"LO matching used here), got {scale:g}")
        self.r7 = number(raw, "bsgamma.np_dependence.r7", where)
        self.r8 = number(raw, "bsgamma.np_dependence.r8", where)
        unit = text(raw, "bs_mixing.unit", where)
        if unit.strip() != "ps^-1":
            raise DataError(f"{where}: 'bs_mixing.unit' must be ps^-1, got {unit!r}")
        m = {f"{part}_{k}": number(raw, f"bs_mixing.{part}.{k}", where, positive=True)
             for part in ("experiment", "theory") for k in ("value", "error")}
        self.dms_exp, self.dms_exp_err = m["experiment_value"], m["experiment_error"]
        self.dms_sm, self.dms_sm_err = m["theory_value"], m["theory_error"]
        self.sources = [text(raw, f"{obs}.{part}.source", where) for obs in ("bsgamma", "bs_mixing")
                        for part in ("experiment", "theory")] + [text(raw, "bsgamma.np_dependence.source", where)]
        self.observables = observables

    def predict(self, q) -> tuple[np.ndarray, np.ndarray]:
        """(BR(B → X_sγ), ΔM_s [ps⁻¹]) at the points of q (assumed valid); SM values where tan_beta = 0."""
        tb, mc = np.broadcast_arrays(np.asarray(q["tan_beta"], dtype=float), np.asarray(q["m_hpm"], dtype=float))
        br = self.bsg_sm * hs.bsgamma_ratio(tb, mc, self.r7, self.r8)
        dms = self.dms_sm * hs.bs_mixing_ratio(tb, mc)
        return br, dms

    def chi2(self, br, dms) -> np.ndarray:
        """χ² of the predictions against the data (theory errors scaled with the prediction)."""
        br, dms = np.asarray(br, dtype=float), np.asarray(dms, dtype=float)
        out = np.zeros(np.broadcast(br, dms).shape)
        if self.observables in ("both", "bsgamma"):
            var = self.bsg_exp_err**2 + (self.bsg_sm_err * br / self.bsg_sm) ** 2
            out = out + (br - self.bsg_exp) ** 2 / var
        if self.observables in ("both", "bs_mixing"):
            var = self.dms_exp_err**2 + (self.dms_sm_err * dms / self.dms_sm) ** 2
            out = out + (dms - self.dms_exp) ** 2 / var
        return out

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin (likelihoods/bphysics/kernel.py), every dataset and `observables` choice."""
        from globalfit.physics.higgs_kernels import bphysics_constants

        data = (self.observables in ("both", "bsgamma"), self.observables in ("both", "bs_mixing"),
                self.bsg_sm, self.bsg_exp, self.bsg_exp_err**2, self.bsg_sm_err, self.r7, self.r8,
                self.dms_sm, self.dms_exp, self.dms_exp_err**2, self.dms_sm_err, *bphysics_constants())
        return Kernel("likelihoods.bphysics.kernel:loglike", data, tuple(self.requires))

    def loglike(self, q):
        with np.errstate(all="ignore"):  # absurd inputs (1e300 …) give inf/NaN, mapped to −inf below
            return self._loglike(q)

    def _loglike(self, q):
        tb, mc = np.broadcast_arrays(np.asarray(q["tan_beta"], dtype=float), np.asarray(q["m_hpm"], dtype=float))
        ok = np.isfinite(tb) & np.isfinite(mc) & (tb >= 0) & (mc > 0)
        br, dms = self.predict({"tan_beta": np.where(ok, tb, 0.0), "m_hpm": np.where(ok, mc, 300.0)})
        ll = -0.5 * self.chi2(br, dms)
        return np.where(ok & np.isfinite(ll), ll, -np.inf)

    def describe(self):
        return {**super().describe(), "bsgamma_exp": [self.bsg_exp, self.bsg_exp_err],
                "bsgamma_sm": [self.bsg_sm, self.bsg_sm_err], "r7_r8": [self.r7, self.r8],
                "delta_ms_exp_ps": [self.dms_exp, self.dms_exp_err], "delta_ms_sm_ps": [self.dms_sm, self.dms_sm_err],
                "sources": self.sources, "coupling": "type-I-like, zeta_u = zeta_d = tan_beta"}
