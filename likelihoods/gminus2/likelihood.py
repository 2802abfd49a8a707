"""Muon anomalous magnetic moment, Gaussian in Δa_μ = a_μ(exp) − a_μ(SM).

Prediction: the one-loop Z′ contribution, globalfit.physics.zprime.delta_a_mu (docs/physics/zprime.md#muon-g-2).
Data: data/gminus2/<dataset>.yaml, each with the experimental world average and the SM prediction
(value and error, units of 1e−11) and their sources; Δa_μ = exp − SM, errors added in quadrature.

| dataset | Δa_μ [1e−11] | experiment / SM |
|---|---|---|
| fnal2021-wp20 | 251.0 ± 59.4 | FNAL+BNL 2021 (arXiv:2104.03281) / WP20 (arXiv:2006.04822) |
| fnal2023-wp20 | 249.0 ± 48.3 | world average 2023 (arXiv:2308.06230) / WP20 |
| fnal2025-wp20 | 261.5 ± 45.4 | final world average (arXiv:2506.03069) / WP20 |
| fnal2025-wp25 | 38.5 ± 63.7 (default) | final world average / WP25 (arXiv:2505.21476): no anomaly |
| pdg2014 | 288.0 ± 79.8 | BNL E821 rescaled / SM of the PDG 2014 review (Hoecker & Marciano): 2014–16 analyses |
| bnl2006 | 276.0 ± 81.1 | BNL E821 final (hep-ex/0602035) / HMNT06 (hep-ph/0611102) |
"""
from __future__ import annotations

import math

from globalfit import catalog
from globalfit.likelihood import Kernel, Likelihood
from likelihoods._data import number, text


class MuonGMinus2(Likelihood):
    """Muon g−2: Gaussian in Δa_μ (experiment − SM), errors in quadrature."""

    name = "gminus2"
    requires = ("delta_a_mu",)

    def __init__(self, dataset: str = "fnal2025-wp25"):
        super().__init__(dataset)
        raw, where = catalog.load_dataset_yaml(f"gminus2/{dataset}.yaml", ["unit", "experiment", "theory"])
        unit = number(raw, "unit", where, positive=True)
        exp, sm = ({k: number(raw, f"{part}.{k}", where, positive=k == "error") for k in ("value", "error")}
                   for part in ("experiment", "theory"))
        self.value = (exp["value"] - sm["value"]) * unit
        self.error = math.hypot(exp["error"], sm["error"]) * unit
        self.sources = [text(raw, "experiment.source", where), text(raw, "theory.source", where)]

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin (likelihoods/gminus2/kernel.py)."""
        return Kernel("likelihoods.gminus2.kernel:loglike", (self.value, self.error))

    def loglike(self, q):
        pull = (q["delta_a_mu"] - self.value) / self.error
        return -0.5 * pull**2

    def describe(self):
        return {**super().describe(), "delta_a_mu": self.value, "error": self.error, "sources": self.sources}
