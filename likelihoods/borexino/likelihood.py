"""Borexino ⁷Be solar-neutrino rate: ν–e elastic scattering with the Z′ computed, not a recast limit
(likelihoods/borexino/NOTES.md).

Prediction (globalfit.physics.nue_scattering): R = N_e Σ_lines Φ_l Σ_α P_eα(E_l) σ_α(E_l), σ_α the ν_α e cross section
over the full recoil range with the Z′ t-channel exchange added to the SM couplings (interference ∝ P_eμ − P_eτ for a
vector electron coupling, quadratic terms adding), P_eα adiabatic MSW with the point's oscillation parameters when the
model samples them, NuFIT 5.3 NO best fit otherwise. Likelihood: χ² = (R_obs − r R_SSM)² / (σ_obs² + r² σ_SSM²), r =
R_SM+Z′/R_SM, R_SSM = R_SM for the B16 flux (option ``ssm``), σ_SSM = 6% R_SSM; log L = −χ²/2 (the flux is a Gaussian
nuisance integrated out; the −½ ln(σ_obs² + r²σ_SSM²) of the exact marginal is dropped as in
likelihoods/borexino/NOTES.md, ≤ 0.25 in log L for r ≤ 1.3). σ_obs: statistical and symmetrised systematic error in
quadrature, the systematic symmetrised as the mean of its two sides (Phase-II +0.4/−0.7 → 0.55, σ_obs = 1.23; Phase-I
+1.5/−1.6 → 1.55, σ_obs = 2.16 cpd/100 t).

| dataset | R_obs [cpd/100 t] | lines | source |
|---|---|---|---|
| phase2-2017 (default) | 48.3 ± 1.1 +0.4 −0.7 | 862 + 384 keV | arXiv:1707.09279, PRD 100 (2019) 082004 |
| phase1-2011 | 46.0 ± 1.5 +1.5 −1.6 | 862 keV | PRL 107 (2011) 141302, arXiv:1104.1816 |
Both are total interaction rates over the full recoil range (the normalisation of the ⁷Be component of a
spectral fit). Phase-I names the 862 keV line; the Phase-II rate includes both lines (evidence in
data/borexino/phase2-2017.yaml). Flux: B16 (Vinyoles et al., ApJ 835 (2017) 202), Φ(⁷Be) = 4.93e9 (high-z,
GS98) or 4.50e9 (low-z, AGSS09met) cm⁻²s⁻¹ ± 6%, line fractions 0.896 / 0.104. N_e = 3.307e31 per 100 t.
Option ``couplings``: SM couplings with the electroweak radiative corrections of Bahcall, Kamionkowski &
Sirlin (PRD 51 (1995) 6146; default, reproduces Borexino's own σ(ν_e e) to 0.3%) or tree level with
s² = 0.23857 as written in likelihoods/borexino/NOTES.md (σ(ν_e e) 4.6% higher).

Other charge assignments (model u1x): the electron and ν_e couplings are the model's full gv_e, ga_e, g_nue, and
the ν_μ, ν_τ couplings its h_numu, h_nutau (read when provided) instead of ±g + 2g_nue.

This is a rate-only baseline: published analyses fitting the recoil spectrum are tighter (Amaral, Cerdeño,
Foldenauer & Reid, arXiv:2006.11225), since a light Z′ also distorts the spectral shape.
"""
from __future__ import annotations

import math
from typing import Literal

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.physics import nue_scattering
from likelihoods._data import float_arrays, items, number, text, value

# NuFIT 5.3, normal ordering, best fit (Esteban et al., JHEP 09 (2020) 178; www.nu-fit.org): used when the
# model does not sample the oscillation parameters. δ in radians, Δm²21 in eV².
NUFIT53_NO = {"s12sq": 0.307, "s13sq": 0.02224, "s23sq": 0.454, "delta_cp": math.radians(232.0), "dm21sq": 7.41e-5}


class Borexino(Likelihood):
    """Borexino ⁷Be ν–e rate with the Z′ (rate only), Gaussian with the SSM flux error."""

    name = "borexino"
    requires = ("m_zp", "g_zp", "gv_e", "ga_e", "g_nue")
    optional = ("s12sq", "s13sq", "s23sq", "delta_cp", "dm21sq", "h_numu", "h_nutau")
    #: the oscillation parameters among `optional`; h_numu, h_nutau are the ν_μ, ν_τ couplings of models other than
    #: L_μ − L_τ (U(1)_X), which otherwise are ±g + 2g_nue
    oscillation = ("s12sq", "s13sq", "s23sq", "delta_cp", "dm21sq")

    def __init__(self, dataset: str = "phase2-2017", ssm: Literal["high-z", "low-z"] = "high-z",
                 couplings: Literal["bks95", "tree"] = "bks95"):
        super().__init__(dataset, ssm=ssm, couplings=couplings)
        raw, where = catalog.load_dataset_yaml(f"borexino/{dataset}.yaml", ["rate", "lines", "electrons_per_100t"])
        sm, sm_where = catalog.load_dataset_yaml("borexino/ssm-b16.yaml",
                                                 ["be7_flux", "relative_error", "lines", "source"])
        self.value = number(raw, "rate.value", where, positive=True)
        syst = 0.5 * (abs(number(raw, "rate.syst_plus", where)) + abs(number(raw, "rate.syst_minus", where)))
        self.error = math.hypot(number(raw, "rate.stat", where, positive=True), syst)
        self.flux = number(sm, f"be7_flux.{ssm}", sm_where, positive=True)
        self.ssm_error = number(sm, "relative_error", sm_where, positive=True)
        known = {str(value(sm, f"lines.{i}.name", sm_where)): i for i in range(len(items(sm, "lines", sm_where)))}
        names = [str(n) for n in items(raw, "lines", where)]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise DataError(f"{where}: lines {', '.join(unknown)} are not in {sm_where} ({', '.join(known)})")
        self.lines = [(number(sm, f"lines.{known[n]}.energy_mev", sm_where, positive=True) * 1e-3,
                       number(sm, f"lines.{known[n]}.fraction", sm_where, positive=True) * self.flux) for n in names]
        self.electrons = number(raw, "electrons_per_100t", where, positive=True)
        self.couplings = couplings
        self.sources = [text(raw, "rate.source", where), text(sm, "source", sm_where)]

    def rates(self, q, method: str = "table") -> tuple[np.ndarray, np.ndarray]:
        """(R_SM+Z′, R_SM) in counts/day/100 t for the batch q (invalid points must be masked by the caller).

        method: "table" (tabulated recoil integrals, default) or "exact" (the integral at every point); see
        globalfit.physics.nue_scattering.be7_rate.
        """
        m = np.asarray(q["m_zp"], dtype=float)
        osc = {k: (q[k] if k in q else NUFIT53_NO[k]) for k in self.oscillation}
        osc["delta"] = osc.pop("delta_cp")
        h = (q["h_numu"], q["h_nutau"]) if "h_numu" in q and "h_nutau" in q else None
        return nue_scattering.be7_rate(self.lines, self.electrons, m, q["g_zp"], q["gv_e"], q["ga_e"], q["g_nue"],
                                       osc, self.couplings, method=method, h_mu_tau=h)

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel | None:
        """Compiled twin of `loglike` (method "table"; likelihoods/borexino/kernel.py) when the model provides all
        five oscillation parameters or none, and h_numu, h_nutau both or neither; None otherwise."""
        osc = tuple(k for k in self.oscillation if k in optional)
        h = tuple(k for k in ("h_numu", "h_nutau") if k in optional)
        if len(osc) not in (0, len(self.oscillation)) or len(h) == 1:
            return None
        func = "loglike" + ("_osc" if osc else "") + ("_h" if h else "")
        return Kernel(f"likelihoods.borexino.kernel:{func}", self._kernel_data(sampled=bool(osc)),
                      reads=self.requires + osc + h)

    def _kernel_data(self, sampled: bool) -> tuple:
        """The kernel's `data` (layout in the docstring of likelihoods/borexino/kernel.py), from the same RecoilTable
        and constants as be7_rate; the fixed NuFIT point's P_eα coefficients and cos 2θ₁₂^m computed by numpy."""
        energies = tuple(float(e) for e, _ in self.lines)
        table = nue_scattering.recoil_table(energies, self.couplings)
        spline = table.splines[0][0]
        k_uw = 1.0 / (2.0 * np.sqrt(2.0) * nue_scattering.G_F)  # as nue_scattering._uw
        consts = np.array([self.value, self.error**2, self.ssm_error, self.electrons * nue_scattering.SECONDS_PER_DAY,
                           spline.y0, spline.inv_h, spline.last, k_uw])
        v = float(nue_scattering.matter_potential(nue_scattering.N_E_BE7))
        lines = np.array([[flux, *table.sigma_sm[n], table.c[n], table.q1[n], 2.0 * v * e_nu / nue_scattering.EV**2]
                          for n, (e_nu, flux) in enumerate(self.lines)])
        coef = np.ascontiguousarray(np.array(table.coef, dtype=float).transpose(0, 3, 1, 2))  # (line, i, integral, k)
        osc = np.zeros(0)
        if not sampled:
            o = NUFIT53_NO
            a, b = nue_scattering.solar_probability_coefficients(o["s12sq"], o["s13sq"], o["s23sq"], o["delta_cp"])
            c = [nue_scattering.cos2theta12_matter(e_nu, o["s12sq"], o["s13sq"], o["dm21sq"]) for e_nu in energies]
            osc = np.array([float(x) for x in (*a, *b, *c)])
        return consts, lines, coef, osc

    def loglike(self, q, method: str = "table"):
        names = self.requires + tuple(k for k in self.optional if k in q)
        arrs = dict(zip(names, float_arrays(*(q[k] for k in names))))
        ok = np.isfinite(arrs["m_zp"]) & (arrs["m_zp"] > 0)
        for k in names[1:]:
            ok &= np.isfinite(arrs[k])
        for k in ("s12sq", "s13sq", "s23sq"):
            if k in arrs:
                ok &= (arrs[k] >= 0) & (arrs[k] <= 1)
        if "dm21sq" in arrs:
            ok &= arrs["dm21sq"] > 0
        all_ok = bool(ok.all())
        if not all_ok:
            dummy = {**NUFIT53_NO, "m_zp": 1.0}  # harmless values where the point is outside the domain
            arrs = {k: np.where(ok, a, dummy.get(k, 0.0)) for k, a in arrs.items()}
        r_zp, _ = self.rates(arrs, method)
        chi2 = (self.value - r_zp) ** 2 / (self.error**2 + (self.ssm_error * r_zp) ** 2)
        return -0.5 * chi2 if all_ok else np.where(ok, -0.5 * chi2, -np.inf)

    def describe(self):
        return {**super().describe(), "rate": self.value, "error": self.error, "be7_flux": self.flux,
                "ssm_relative_error": self.ssm_error, "lines_gev_flux": self.lines, "sources": self.sources}
