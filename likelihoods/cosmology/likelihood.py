"""Cosmological bound on the sum of neutrino masses Σm_ν [eV] (likelihoods/cosmology/NOTES.md).

The published posteriors (ΛCDM + Σm_ν, physical prior Σm_ν ≥ 0) all peak at the lower boundary; each dataset
is a 95% CL upper limit Σ95, turned into a likelihood by the option `shape`:

  half-normal (default): −2 ln L = (Σm_ν / s)², s = Σ95 / 1.96 — with a flat prior on Σm_ν ≥ 0, exactly 95% of
                         the likelihood lies below Σ95 (the 95% point of a half-normal is 1.960 s);
  cut:                   ln L = 0 for Σm_ν ≤ Σ95, −inf above — the bound applied as a hard cut, as many
                         analyses of the U(1)_{Lμ−Lτ} textures did.

Ordering-dependent datasets (Choudhury & Hannestad) quote one limit per mass ordering, derived with the prior of
that ordering; the plugin then also reads `dm3lsq` and takes the NO limit where Δm²3ℓ ≥ 0 and the IO limit where
Δm²3ℓ < 0 (NuFIT convention: Δm²31 > 0 for NO, Δm²32 < 0 for IO). It never reads the card.

| dataset | Σ95 [eV] | source |
|---|---|---|
| desi-dr2 (default) | 0.0642 | DESI DR2, Elbers et al., arXiv:2503.14744 |
| desi-dr1 | 0.072 | DESI 2024 VI, arXiv:2404.03002 |
| planck2018 | 0.12 | Planck 2018 VI TT,TE,EE+lowE+lensing+BAO, arXiv:1807.06209 |
| planck2018-nobao | 0.24 | Planck 2018 VI TT,TE,EE+lowE+lensing (recalled, not re-read: see data file) |
| choudhury2020-v3 | NO 0.15, IO 0.17 | Choudhury & Hannestad, arXiv:1907.12598v3 (journal), Planck 2018 + BAO |
| choudhury2020-v1 | NO 0.146, IO 0.172 | the same paper, v1 (unrounded) |
| planck2015 | 0.23 | Planck 2015 XIII, arXiv:1502.01589, TT+lowP+lensing+ext |

Use one cosmology dataset at a time: all of them include the CMB.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError, GlobalfitError
from globalfit.likelihood import Kernel, Likelihood
from likelihoods._data import number, text, value

Z95 = 1.959963984540054  # Φ⁻¹(0.975): a half-normal's 95% point in units of its width
ORDERINGS = ("NO", "IO")


class CosmologySumMnu(Likelihood):
    """Σm_ν from cosmology: a 95% limit as a half-normal (default) or a cut; per-ordering limits also read dm3lsq."""

    name = "cosmology"
    requires = ("sum_mnu",)

    def __init__(self, dataset: str = "desi-dr2", shape: Literal["half-normal", "cut"] = "half-normal"):
        super().__init__(dataset, shape=shape)
        if shape not in ("half-normal", "cut"):  # the card validates the Literal; this guards direct use
            raise GlobalfitError(f"cosmology: shape {shape!r}; allowed: half-normal, cut")
        raw, where = catalog.load_dataset_yaml(f"cosmology/{dataset}.yaml", ["sum_mnu_95", "cl", "source"])
        if number(raw, "cl", where) != 0.95:
            raise DataError(f"{where}: 'cl' must be 0.95 (the likelihood reproduces a 95% CL upper limit)")
        self.shape = shape
        self.source = text(raw, "source", where)
        self.by_ordering = isinstance(value(raw, "sum_mnu_95", where), Mapping)
        if self.by_ordering:  # one limit per mass ordering: {NO: …, IO: …[, degenerate: … (quoted, not used)]}
            self.limits = {o: number(raw, f"sum_mnu_95.{o}", where, positive=True) for o in ORDERINGS}
            extra = set(raw["sum_mnu_95"]) - {*ORDERINGS, "degenerate"}
            if extra:
                raise DataError(f"{where}: 'sum_mnu_95' has unknown key(s) {', '.join(map(str, sorted(extra)))}; "
                                "allowed: NO, IO, degenerate")
            self.requires = ("sum_mnu", "dm3lsq")  # the ordering of a point is the sign of Δm²3ℓ
            self.limit = self.limits["NO"]
        else:
            self.limit = number(raw, "sum_mnu_95", where, positive=True)
        self.width = self.limit / Z95

    def limit_at(self, q) -> np.ndarray | float:
        """Σ95 [eV] that applies at each point: one value, or per point from the sign of Δm²3ℓ."""
        if not self.by_ordering:
            return self.limit
        dm3l = np.asarray(q["dm3lsq"], dtype=float)
        return np.where(dm3l < 0, self.limits["IO"], self.limits["NO"])

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel | None:
        """Compiled twin (likelihoods/cosmology/kernel.py)."""
        shape = 1 if self.shape == "cut" else 0
        if self.by_ordering:
            return Kernel("likelihoods.cosmology.kernel:loglike_by_ordering",
                          (self.limits["NO"], self.limits["IO"], shape))
        return Kernel("likelihoods.cosmology.kernel:loglike", (self.limit, self.limit, shape))

    def loglike(self, q):
        s = np.asarray(q["sum_mnu"], dtype=float)
        lim = self.limit_at(q)
        if self.shape == "cut":
            return np.where(s <= lim, 0.0, -np.inf)
        return -0.5 * (s * Z95 / lim) ** 2

    def describe(self):
        out = {**super().describe(), "shape": self.shape, "source": self.source}
        if self.by_ordering:
            out["sum_mnu_95_ev"] = dict(self.limits)
            out["width_ev"] = {o: v / Z95 for o, v in self.limits.items()}
        else:
            out["sum_mnu_95_ev"] = self.limit
            out["width_ev"] = self.width
        return out
