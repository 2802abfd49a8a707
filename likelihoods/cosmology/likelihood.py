"""Cosmological bound on the sum of neutrino masses Σm_ν (likelihoods/cosmology/NOTES.md).

The published posteriors (ΛCDM + Σm_ν, physical prior Σm_ν ≥ 0) all peak at the Σm_ν = 0 boundary; a
half-normal reproduces them: −2 ln L = (Σm_ν / s)², s = Σ95 / 1.96, Σ95 the quoted 95% upper limit
(the 95% point of a half-normal is 1.960 s). This is a likelihood, not a cut.

| dataset | Σ95 [eV] | s [eV] | source |
|---|---|---|---|
| planck2018 | 0.12 | 0.0612 | Planck 2018 VI TT,TE,EE+lowE+lensing+BAO, arXiv:1807.06209 |
| planck2018-nobao | 0.24 | 0.1224 | Planck 2018 VI TT,TE,EE+lowE+lensing (recalled, not re-read: see data file) |
| desi-dr1 | 0.072 | 0.0367 | DESI 2024 VI, arXiv:2404.03002 |
| desi-dr2 (default) | 0.0642 | 0.0328 | DESI DR2, Elbers et al., arXiv:2503.14744 |

Use one cosmology dataset at a time: the DESI limits already include the CMB.
"""
from __future__ import annotations

from globalfit import catalog
from globalfit.errors import DataError
from globalfit.likelihood import Likelihood
from likelihoods._data import number, text

Z95 = 1.959963984540054  # Φ⁻¹(0.975): a half-normal's 95% point in units of its width


class CosmologySumMnu(Likelihood):
    """Σm_ν from cosmology: half-normal likelihood reproducing the published 95% upper limit."""

    name = "cosmology"
    requires = ("sum_mnu",)

    def __init__(self, dataset: str = "desi-dr2"):
        super().__init__(dataset)
        raw, where = catalog.load_dataset_yaml(f"cosmology/{dataset}.yaml", ["sum_mnu_95", "cl", "source"])
        if number(raw, "cl", where) != 0.95:
            raise DataError(f"{where}: 'cl' must be 0.95 (the likelihood reproduces a 95% CL upper limit)")
        self.limit = number(raw, "sum_mnu_95", where, positive=True)
        self.width = self.limit / Z95
        self.source = text(raw, "source", where)

    def loglike(self, q):
        return -0.5 * (q["sum_mnu"] / self.width) ** 2

    def describe(self):
        return {**super().describe(), "sum_mnu_95_ev": self.limit, "width_ev": self.width, "source": self.source}
