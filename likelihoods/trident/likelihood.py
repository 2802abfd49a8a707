"""Neutrino trident production ν_μ N → ν_μ μ⁺μ⁻ N (likelihoods/trident/NOTES.md): Gaussian in R = σ/σ_SM.

Prediction: R = 1 + A(m_Z′) y² + B(m_Z′) y⁴, y = g_Z′/10⁻³ — exact, since the Z′ enters the amplitude
linearly through C_V(Q²) = ½ + 2s_W² + g²v²/(m_Z′² + Q²). A and B are read from data/trident/<dataset>.npz,
computed by data/trident/build_table.py with globalfit.physics.trident (full ν_μγ → ν_μμ⁺μ⁻ matrix
element with the Z′ propagator, coherent equivalent-photon flux of the target nuclei, one mean neutrino
energy per experiment), and interpolated in ln m_Z′ (globalfit.physics.trident.CoefficientTable; contact
limit above 10³ GeV, m → 0 behaviour below 10⁻⁴ GeV). The heavy-Z′ limit is the formula of Altmannshofer,
Gori, Pospelov, Yavin (arXiv:1406.2332) up to the muon-mass effect on the SM axial piece (−2% for CCFR,
−6% for CHARM-II in R − 1); for a light Z′ that formula overestimates R − 1 by orders of magnitude.
Kinetic and Z–Z′ mass mixing change the Z′ couplings to muons by O(εe) ≪ g and are neglected.
For other charge assignments (model u1x) the Z′ term is ∝ the product h_νμ g_V^μ of the ν_μ and muon vector
couplings, which the model provides as `trident_g2` (y² → trident_g2/10⁻⁶, either sign); an axial muon coupling
(chiral assignments) would change the axial SM interference and is not included (docs/physics/u1x.md).

Approximations (see the module docstring of globalfit.physics.trident): coherent scattering only (no
incoherent/diffractive part), Gaussian nuclear charge form factor, a single mean energy instead of the
beam spectrum (A(100 MeV) ∝ E^−0.6 roughly), EPA (checked against the static-Coulomb calculation without
it: A agrees to 1.5%). Only the ratio σ/σ_SM is used, so the normalisation of the photon flux cancels.

| dataset | R = σ/σ_SM | target, ⟨E_ν⟩ | source |
|---|---|---|---|
| ccfr (default) | 0.82 ± 0.28 | Fe, 160 GeV | CCFR, Mishra et al., PRL 66 (1991) 3117 |
| charm2 | 1.58 ± 0.57 | glass (SiO₂), 24 GeV | CHARM-II, Geiregat et al., PLB 245 (1990) 271 |
"""
from __future__ import annotations

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.physics.trident import CoefficientTable
from likelihoods._data import TEXT, increasing, load_npz, number, text


def load_table(table_file: str, extra: dict[str, int]) -> tuple[CoefficientTable, dict]:
    """The coefficient table A(m), B(m) of a trident npz file (checked: increasing masses, matching lengths, positive
    values — they are interpolated in their logarithms) and the file's arrays, with the `extra` entries
    (name → kind, likelihoods._data.load_npz) besides m_zp, A, B, a_inf, b_inf."""
    t, where = load_npz(table_file, {"m_zp": 1, "A": 1, "B": 1, "a_inf": 0, "b_inf": 0, **extra})
    increasing(t["m_zp"], "m_zp", where)
    for k in ("A", "B"):
        if len(t[k]) != len(t["m_zp"]):
            raise DataError(f"{where}: array '{k}' has {len(t[k])} entries, 'm_zp' {len(t['m_zp'])}")
    for k in ("m_zp", "A", "B", "a_inf", "b_inf"):
        if np.any(np.asarray(t[k]) <= 0):
            raise DataError(f"{where}: '{k}' must be positive (it is interpolated in its logarithm)")
    return CoefficientTable.from_arrays(t["m_zp"], t["A"], t["B"], t["a_inf"], t["b_inf"]), t


def ratio_at(table: CoefficientTable, q) -> tuple[np.ndarray, np.ndarray]:
    """(σ/σ_SM, valid) at the points of q: from g_zp, or from trident_g2 = h_νμ g_V^μ when the model provides it."""
    m = np.asarray(q["m_zp"], dtype=float)
    g = np.asarray(q["g_zp"], dtype=float)
    ok = np.isfinite(m) & np.isfinite(g) & (m > 0)
    if "trident_g2" in q:
        g2 = np.asarray(q["trident_g2"], dtype=float)
        ok = ok & np.isfinite(g2)
        r = table.ratio_y2(np.where(ok, m, 1.0), np.where(ok, g2, 0.0) / 1e-6)
    elif ok.all():  # every point valid (the usual case): nothing to mask
        r = table.ratio(m, g)
    else:
        r = table.ratio(np.where(ok, m, 1.0), np.where(ok, g, 0.0))
    return r, ok


class Trident(Likelihood):
    """Neutrino trident ν_μN → ν_μμ⁺μ⁻N (CCFR, CHARM-II): Gaussian in σ/σ_SM with a light or heavy Z′."""

    name = "trident"
    requires = ("m_zp", "g_zp")
    #: read when the model provides it (U(1)_X): h_νμ g_V^μ, the coupling product the Z′ amplitude carries; the
    #: ratio is then 1 + A y2 + B y2² with y2 = trident_g2/10⁻⁶ (g² for L_μ − L_τ)
    optional = ("trident_g2",)

    def __init__(self, dataset: str = "ccfr"):
        super().__init__(dataset)
        raw, where = catalog.load_dataset_yaml(f"trident/{dataset}.yaml", ["value", "error", "source", "table"])
        self.value = number(raw, "value", where)
        self.error = number(raw, "error", where, positive=True)
        self.source = text(raw, "source", where)
        self.table_file = text(raw, "table", where)
        self.table, t = load_table(self.table_file, {"energy_gev": 0, "method": TEXT})
        self.energy_gev = t["energy_gev"]
        self.method = t["method"]

    def ratio(self, m_zp, g_zp) -> np.ndarray:
        """Predicted σ/σ_SM at m_zp [GeV], g_zp (arrays, m_zp > 0)."""
        return self.table.ratio(m_zp, g_zp)

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel | None:
        """Compiled twin (likelihoods/trident/kernel.py), from g_zp or from the model's trident_g2."""
        t = self.table
        b0, b1 = np.exp(t.log_b[:2])
        slope = (b0 - b1) / (t.log_m[1] - t.log_m[0])  # as CoefficientTable.coefficients
        g2 = "trident_g2" in optional
        return Kernel(f"likelihoods.trident.kernel:loglike{'_g2' if g2 else ''}",
                      (self.value, self.error, np.ascontiguousarray(t.log_m), np.ascontiguousarray(t.log_a),
                       np.ascontiguousarray(t.log_b), float(np.log(t.a_inf)), float(np.log(t.b_inf)), float(b0),
                       float(b1), float(slope)), (*self.requires, "trident_g2") if g2 else None)

    def loglike(self, q):
        r, ok = ratio_at(self.table, q)
        with np.errstate(over="ignore"):
            ll = -0.5 * ((r - self.value) / self.error) ** 2
        return np.where(ok & np.isfinite(ll), ll, -np.inf)

    def describe(self):
        return {**super().describe(), "ratio": self.value, "error": self.error, "source": self.source,
                "table": self.table_file, "energy_gev": self.energy_gev, "method": self.method}
