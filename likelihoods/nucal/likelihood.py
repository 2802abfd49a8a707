"""ν-Cal I (U70 proton beam dump, Serpukhov): the published dark-photon bands recast to the Z′
(likelihoods/nucal/NOTES.md).

70 GeV protons on iron; the ν-calorimeter I, 64 m downstream behind the dump and shielding, with a 23 m decay
region, looked for e⁺e⁻ (and μ⁺μ⁻) showers from decays of light neutral bosons in its 1989 data. Blümlein and
Brunner reinterpreted it for dark photons produced in π⁰ → γA′ decays (PLB 701 (2011) 155, arXiv:1104.2747) and
by proton bremsstrahlung (PLB 731 (2014) 320, arXiv:1311.3870); each gives a band ε₀(m) < ε < ε₁(m).

Prediction (globalfit.physics.beam_dump; as for E137 with R = 1 + 23/64): the production ratio of both channels
is (g_V,p/e)², g_V,p = 2gv_u + gv_d the proton's (valence) vector coupling (π⁰ → γX ∝ Tr(T_π⁰{Q, X}) ∝ 2x_u + x_d
for m ≪ m_ρ), so

  X_c = [(2gv_u + gv_d)²/e² · BR(Z′→e⁺e⁻) · (e^{−x} − e^{−Rx})] / [ε₀,c² BR(A′→e⁺e⁻) (e^{−u_c} − e^{−Ru_c})]

for each channel c with its own band (ε₀,c, ε₁,c, u_c). Axial quark couplings (Z–Z′ mass mixing only) and the
difference of the ρ and ω propagators in π⁰ → γX are neglected; for kinetic mixing alone the ratio is exact,
(εe)²/e². Option `channels`: `union` (default) X = max(X_pbrem, X_pi0), the union of the two published bands
(no assumption that they share one event count); `pbrem` or `pi0` one of them.

Likelihood: ln L = ln(1 − CL)·X (`limit_shape: poisson`) or −½(z_CL X)² (`half-gaussian`); X = 1 on each
published band. CL 95% (taken; not verified in a stored copy of the papers).

Data (data/nucal/: blumlein2013-pbrem.csv, blumlein2013-pi0.csv, both of dataset blumlein2013; m_GeV, eps_lower,
eps_upper): fig. 5 of arXiv:1311.3870, DIGITISED by the Darkcast authors.
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError, GlobalfitError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.limits import limit_dchi2, limit_kernel_data, upper_limit_loglike
from globalfit.physics import beam_dump, zprime_decays
from likelihoods.e137.likelihood import COUPLINGS, check_shape, domain, read_band

CHANNELS = ("union", "pbrem", "pi0")


class NuCal(Likelihood):
    """ν-Cal I proton beam dump: dark-photon bands (π⁰ decay, p-bremsstrahlung; e⁺e⁻) recast to the Z′ (95% CL)."""

    name = "nucal"
    requires = ("m_zp", "g_zp", *COUPLINGS)
    #: the recast uses the L_μ − L_τ structure (g for μ, τ, ν_μ, ν_τ; induced couplings for e, q, ν_e)
    models = ("lmu-ltau",)

    def __init__(self, dataset: str = "blumlein2013",
                 limit_shape: Literal["poisson", "half-gaussian"] = "poisson",
                 channels: Literal["union", "pbrem", "pi0"] = "union"):
        super().__init__(dataset, limit_shape=limit_shape, channels=channels)
        check_shape(limit_shape)
        if channels not in CHANNELS:
            raise GlobalfitError(f"channels: {channels!r}; allowed: {', '.join(CHANNELS)}")
        self.limit_shape, self.channels = limit_shape, channels
        catalog.dataset_files(self.name, dataset)  # verifies, or the DataError listing the datasets
        files = {e.path.rsplit("-", 1)[-1].removesuffix(".csv"): e.path for e in catalog.entries(self.name, dataset)}
        if set(files) != {"pbrem", "pi0"}:
            raise DataError(f"{catalog.root_of(self.name) / self.name}: dataset '{dataset}' must have one file "
                            f"ending in -pbrem.csv and one in -pi0.csv, found {sorted(files.values())}")
        self.sources = files
        read = {c: read_band(files[c]) for c in ("pbrem", "pi0")}
        cls = {c: cl for c, (cl, _) in read.items()}
        if cls["pbrem"] != cls["pi0"]:
            raise DataError(f"{catalog.path_of(files['pi0'])}: its cl differs from {files['pbrem']}'s")
        self.cl = cls["pbrem"]
        self.bands = {c: band for c, (_, band) in read.items()}

    def exclusion_dchi2(self, cl: float) -> float:
        """On the published bands at their own CL (globalfit.limits.limit_dchi2)."""
        return limit_dchi2(cl, self.limit_shape)

    def signal_ratio(self, q) -> np.ndarray:
        """X = N_Z′/N_limit of the chosen channel(s) (inputs inside the domain)."""
        br = zprime_decays.branching_ratios(q["m_zp"], q["g_zp"], *(q[k] for k in COUPLINGS))
        production = beam_dump.proton_production(q["gv_u"], q["gv_d"])
        x = {c: band.signal_ratio(q["m_zp"], production, br["ee"], br["total"]) for c, band in self.bands.items()}
        return np.maximum(x["pbrem"], x["pi0"]) if self.channels == "union" else x[self.channels]

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin (likelihoods/nucal/kernel.py): both bands and their R, the channel choice, the limit rule."""
        pb, pi0 = self.bands["pbrem"], self.bands["pi0"]
        data = (pb.kernel_data(), pb.ratio, pi0.kernel_data(), pi0.ratio, CHANNELS.index(self.channels),
                *limit_kernel_data(self.cl, self.limit_shape))
        return Kernel("likelihoods.nucal.kernel:loglike", data, tuple(self.requires))

    def loglike(self, q):
        ok, safe = domain(q, self.requires)
        ll = upper_limit_loglike(self.signal_ratio(safe), 1.0, self.cl, self.limit_shape)
        return np.where(ok, ll + 0.0, -np.inf)

    def describe(self):
        rule = (f"ln L = ln(1 - {self.cl:g}) X, X = N_Z'/N_limit (Poisson, no background)"
                if self.limit_shape == "poisson" else f"ln L = -0.5 (z_{self.cl:g} X)^2 (half-Gaussian)")
        return {**super().describe(), "files": dict(self.sources), "obtained": "digitised (Darkcast), recast here",
                "cl": self.cl, "length_ratio": self.bands["pbrem"].length_ratio, "limit_rule": rule,
                "quantity": f"X = N_Z'/N_limit ({self.channels})"}
