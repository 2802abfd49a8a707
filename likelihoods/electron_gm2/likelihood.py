"""Electron g−2, Gaussian in Δa_e = a_e(exp) − a_e(SM) (likelihoods/electron_gm2/NOTES.md).

Prediction: the one-loop Z′ contribution with its electron couplings (`gv_e`, `ga_e`: εe through kinetic mixing,
plus the mass-mixing parts), globalfit.physics.electron_gm2.delta_a_e,

  Δa_e = [g_V² F_V(m_Z′²/m_e²) − g_A² F_A(m_Z′²/m_e²)]/(8π²),

F_V the muon's loop function with m_e, F_A the axial one. With loop mixing (g_V = −e g/69.3) Δa_e = 2.42 × 10⁻⁷ g²
for m_Z′ ≪ m_e (2.3 × 10⁻¹⁴ at g = 10⁻³, m_Z′ = 1 MeV), far below the errors; the constraint matters for free ε.

Likelihood: ln L = −½ ((Δa_e^Z′ − Δa_e)/σ)², Δa_e and σ from data/electron_gm2/<dataset>.yaml (experiment and SM
values with errors, in 10⁻¹², errors in quadrature). The SM prediction depends on α, whose two best measurements
disagree by 5.5σ, hence two datasets:

| dataset | Δa_e [10⁻¹²] | a_e(exp) / a_e(SM) |
|---|---|---|
| fan2023-rb (default) | +0.34 ± 0.16 | Fan et al. 2023 / AKN 2019 theory at α(Rb) (Morel et al. 2020) |
| fan2023-cs | −1.02 ± 0.26 | Fan et al. 2023 / AKN 2019 theory at α(Cs) (Parker et al. 2018) |
"""
from __future__ import annotations

import math

import numpy as np

from globalfit import catalog
from globalfit.likelihood import Kernel, Likelihood
from globalfit.physics import electron_gm2
from likelihoods._data import number, text


class ElectronGMinus2(Likelihood):
    """Electron g−2: Gaussian in Δa_e (Fan et al. 2023 against the SM with α(Rb) or α(Cs))."""

    name = "electron_gm2"
    requires = ("m_zp", "gv_e", "ga_e")

    def __init__(self, dataset: str = "fan2023-rb"):
        super().__init__(dataset)
        catalog.dataset_files(self.name, dataset)  # verifies, or the DataError listing the datasets
        rel = catalog.entries(self.name, dataset)[0].path
        raw, where = catalog.load_dataset_yaml(rel, ["unit", "experiment", "theory"])
        unit = number(raw, "unit", where, positive=True)
        exp, sm = ({k: number(raw, f"{part}.{k}", where, positive=k == "error") for k in ("value", "error")}
                   for part in ("experiment", "theory"))
        self.value = (exp["value"] - sm["value"]) * unit
        self.error = math.hypot(exp["error"], sm["error"]) * unit
        self.sources = [text(raw, "experiment.source", where), text(raw, "theory.source", where)]
        self.source = rel

    def delta_a_e(self, q) -> np.ndarray:
        """The Z′ contribution to a_e (inputs inside the domain)."""
        return electron_gm2.delta_a_e(q["m_zp"], q["gv_e"], q["ga_e"])

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin (likelihoods/electron_gm2/kernel.py)."""
        from globalfit.physics.loop_kernels import axial_rule_data, gm2_table_data

        return Kernel("likelihoods.electron_gm2.kernel:loglike",
                      (self.value, self.error, gm2_table_data(), axial_rule_data()))

    def loglike(self, q):
        m, gv, ga = (np.asarray(q[k], dtype=float) for k in self.requires)
        ok = np.isfinite(m) & np.isfinite(gv) & np.isfinite(ga) & (m > 0)
        safe = {"m_zp": np.where(ok, m, 1.0), "gv_e": np.where(ok, gv, 0.0), "ga_e": np.where(ok, ga, 0.0)}
        pull = (self.delta_a_e(safe) - self.value) / self.error
        return np.where(ok, -0.5 * pull**2, -np.inf)

    def describe(self):
        return {**super().describe(), "file": self.source, "delta_a_e": self.value, "error": self.error,
                "sources": self.sources}
