"""N_eff from the CMB (and BBN) against a Z′ in equilibrium with ν_μ, ν_τ (likelihoods/neff/NOTES.md).

Prediction: a light Z′ (vector boson, g = 3) in thermal equilibrium with the neutrinos decays to νν̄ as it becomes
non-relativistic; if that happens after the neutrinos decouple from the e±γ plasma (T ≲ 2 MeV, m_Z′ ≲ 20 MeV)
its entropy heats the neutrinos and raises N_eff. ΔN_eff(m_Z′) = N_eff(m_Z′) − N_eff(SM) is read from
data/neff/neff-table.npz, computed by data/neff/build_table.py with globalfit.physics.neff.solve_neff
(temperature equations of Escudero, arXiv:1812.05605, as applied to the L_μ − L_τ Z′ by Escudero, Hooper,
Krnjaic, Pierre, arXiv:1901.02010; QED corrections to O(e³)), interpolated by a cubic spline in ln m_Z′
(constant below 10 keV, 0 above 100 MeV). ΔN_eff does not depend on g once the Z′ is in equilibrium:

    X_pred = X_SM + ΔN_eff(m_Z′),   ln L = −½ [(X_pred − X_obs)/σ]²,

X the dataset's observable (N_eff, or N_ν for fields2020) and X_SM its Standard-Model value (3.044 for N_eff,
Bennett et al. arXiv:2012.02726; 3 for N_ν), so the offset of the solver's own SM value (+0.005) cancels.

Options:
- thermalised: "coupling-threshold" (default): ΔN_eff = 0 where the Z′ is not in equilibrium with the neutrinos
  when it becomes non-relativistic, Γ(Z′ → νν̄)/H(T = m_Z′) = g² m_Z′/(12π H) < 1, i.e. g below
  1.4 × 10⁻¹⁰ (1 MeV), 4.3 × 10⁻¹⁰ (10 MeV) (globalfit.physics.neff.thermalisation_coupling); the freeze-in
  contribution there (ΔN_eff ≲ 0.5, arXiv:1901.02010) is not computed, so this is conservative. "assume": the
  Z′ is taken to be in equilibrium at every coupling (reads m_zp only).
- neutrinos: "common" (default; one temperature for the three flavours, as the paper) or "split" (ν_e and
  ν_μ,τ separately, the Z′ with ν_μ,τ; no oscillations): the bracket of the neutrino treatment, ΔN_eff larger
  by 40% at 10 MeV.

| dataset | X_obs ± σ (68%) | data | source |
|---|---|---|---|
| act-dr6 (default) | N_eff = 2.86 ± 0.13 | Planck + ACT DR6 CMB, CMB lensing, DESI Y1 BAO | ACT DR6, arXiv:2503.14454 |
| act-dr6-bbn | N_eff = 2.89 ± 0.11 | the same + primordial He and D | ACT DR6, arXiv:2503.14454 |
| planck2018 | N_eff = 2.99 ± 0.17 | Planck TT,TE,EE+lowE+lensing + BAO | Planck 2018 VI, arXiv:1807.06209 |
| fields2020 | N_ν = 2.86 ± 0.15 | BBN (He, D) + Planck 2018 CMB | Fields et al., arXiv:1912.01132 |
"""
from __future__ import annotations

import math
from typing import Literal

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError, GlobalfitError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.physics.neff import NeffTable, thermalisation_coupling, thermalisation_kernel_data
from likelihoods._data import TEXT, increasing, load_npz, number, text

THERMALISED = ("coupling-threshold", "assume")
NEUTRINOS = ("common", "split")
OBSERVABLES = ("N_eff", "N_nu")
#: the quoted errors are 68% CL
CL = 0.68


def read_table(rel: str) -> tuple[dict[str, NeffTable], str]:
    """The two ΔN_eff columns of the catalogued table `rel` (checked: increasing positive masses, equal lengths,
    values in [−0.01, 3]) and its method text."""
    t, where = load_npz(rel, {"m_zp": 1, "delta_neff_common": 1, "delta_neff_split": 1, "method": TEXT})
    m = increasing(t["m_zp"], "m_zp", where, min_len=4)
    if m[0] <= 0:
        raise DataError(f"{where}: 'm_zp' must be positive masses in GeV")
    tables = {}
    for k in NEUTRINOS:
        d = t[f"delta_neff_{k}"]
        if len(d) != len(m):
            raise DataError(f"{where}: array 'delta_neff_{k}' has {len(d)} entries, 'm_zp' {len(m)}")
        if np.any(d < -0.01) or np.any(d > 3.0):
            raise DataError(f"{where}: array 'delta_neff_{k}' outside [-0.01, 3] (not a Delta N_eff table)")
        tables[k] = NeffTable(m, d)
    return tables, t["method"]


class NeffZprime(Likelihood):
    """N_eff from CMB/BBN against a Z′ in equilibrium with ν_μ, ν_τ (it heats the neutrinos): Gaussian in N_eff."""

    name = "neff"
    requires = ("m_zp", "g_zp")
    #: the Z′ in equilibrium with ν_μ, ν_τ through g (L_μ − L_τ); other charges are not computed
    models = ("lmu-ltau",)

    def __init__(self, dataset: str = "act-dr6",
                 thermalised: Literal["coupling-threshold", "assume"] = "coupling-threshold",
                 neutrinos: Literal["common", "split"] = "common"):
        super().__init__(dataset, thermalised=thermalised, neutrinos=neutrinos)
        if thermalised not in THERMALISED:
            raise GlobalfitError(f"thermalised: {thermalised!r}; allowed: {', '.join(THERMALISED)}")
        if neutrinos not in NEUTRINOS:
            raise GlobalfitError(f"neutrinos: {neutrinos!r}; allowed: {', '.join(NEUTRINOS)}")
        raw, where = catalog.load_dataset_yaml(f"neff/{dataset}.yaml",
                                               ["observable", "value", "error", "cl", "sm_value", "source", "table"])
        self.observable = text(raw, "observable", where)
        if self.observable not in OBSERVABLES:
            raise DataError(f"{where}: 'observable' must be one of {', '.join(OBSERVABLES)}, got {self.observable!r}")
        if number(raw, "cl", where) != CL:
            raise DataError(f"{where}: 'cl' must be {CL} (the error is a 68% CL Gaussian width)")
        self.value = number(raw, "value", where, positive=True)
        self.error = number(raw, "error", where, positive=True)
        self.sm_value = number(raw, "sm_value", where, positive=True)
        self.source = text(raw, "source", where)
        self.table_file = text(raw, "table", where)
        tables, self.method = read_table(self.table_file)
        self.table = tables[neutrinos]
        self.thermalised = thermalised
        self.neutrinos = neutrinos
        if thermalised == "assume":
            self.requires = ("m_zp",)

    def delta_neff(self, m_zp, g_zp=None) -> np.ndarray:
        """ΔN_eff at m_zp [GeV] (arrays); with the option coupling-threshold 0 where g_zp is below the
        thermalisation coupling (g_zp is then required)."""
        m = np.asarray(m_zp, dtype=float)
        d = self.table(m)
        if self.thermalised == "coupling-threshold":
            if g_zp is None:
                raise GlobalfitError("neff: thermalised: coupling-threshold needs g_zp")
            g = np.asarray(g_zp, dtype=float)
            ok = np.isfinite(m) & (m > 0)
            g_th = thermalisation_coupling(np.where(ok, m, 1.0))
            d = np.where(g >= g_th, d, 0.0)
        return d

    def prediction(self, m_zp, g_zp=None) -> np.ndarray:
        """The dataset's observable (N_eff or N_ν) at m_zp [GeV], g_zp."""
        return self.sm_value + self.delta_neff(m_zp, g_zp)

    def loglike(self, q):
        m = np.asarray(q["m_zp"], dtype=float)
        g = np.asarray(q["g_zp"], dtype=float) if "g_zp" in self.requires else np.ones_like(m)
        ok = np.isfinite(m) & (m > 0) & np.isfinite(g) & (g >= 0)
        pred = self.prediction(np.where(ok, m, 1.0), np.where(ok, g, 0.0))
        ll = -0.5 * ((pred - self.value) / self.error) ** 2
        return np.where(ok, ll, -np.inf)

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin (likelihoods/neff/kernel.py; every dataset, `thermalised` and `neutrinos`): the ΔN_eff
        spline, the dataset's numbers and the thermalisation coupling's tables."""
        data = (*self.table.kernel_data(), self.sm_value, self.value, self.error, *thermalisation_kernel_data())
        name = "loglike" if self.thermalised == "coupling-threshold" else "loglike_assume"
        return Kernel(f"likelihoods.neff.kernel:{name}", data)

    def describe(self):
        return {**super().describe(), "observable": self.observable, "value": self.value, "error": self.error,
                "sm_value": self.sm_value, "source": self.source, "table": self.table_file, "method": self.method}


def excluded_below(lk: NeffZprime, cl: float = 0.95) -> float:
    """The mass [GeV] below which this likelihood alone excludes a thermalised Z′ at confidence level `cl`
    (Δχ² against the SM at the same mass above the χ²₁ quantile), by bisection in ln m on 10 keV – 100 MeV."""
    target = lk.exclusion_dchi2(cl)
    chi2_sm = ((lk.sm_value - lk.value) / lk.error) ** 2

    def dchi2(m: float) -> float:
        pred = lk.sm_value + float(lk.table(m))
        return ((pred - lk.value) / lk.error) ** 2 - chi2_sm - target

    lo, hi = math.log(1e-5), math.log(0.1)
    if dchi2(math.exp(lo)) <= 0:
        return 0.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if dchi2(math.exp(mid)) > 0 else (lo, mid)
    return math.exp(0.5 * (lo + hi))
