"""E137 (SLAC electron beam dump): the published dark-photon band recast to the Z′ (likelihoods/e137/NOTES.md).

A 20 GeV electron beam was dumped in aluminium; behind 179 m of shielding (a hill) a 204 m decay region and an
electromagnetic calorimeter looked for e⁺e⁻ pairs from a long-lived neutral particle, with no candidate. For a
dark photon (coupling εeQ_f) this excludes a band ε₀(m) < ε < ε₁(m) for m ≲ 0.4 GeV: below ε₀ too few decay in
the detector, above ε₁ they decay in the shielding.

Prediction (globalfit.physics.beam_dump, the Darkcast method of arXiv:1801.04847): the signal of the Z′ relative
to that of the dark photon on the lower edge,

  X = [(gv_e² + ga_e²)/e² · BR(Z′→e⁺e⁻) · (e^{−x} − e^{−Rx})] / [ε₀² BR(A′→e⁺e⁻) (e^{−u} − e^{−Ru})],
  x = u Γ_Z′/(ε₀² Γ̂_A′),   R = 1 + L_dec/L_sh = 1 + 204/179,

with u = t₀/τ_A′(ε₀) fixed at each mass by requiring the dark photon to give the same signal at both edges, and
Γ_Z′, BR(Z′ → e⁺e⁻) from globalfit.physics.zprime_decays (the Z′'s νν̄ and μμ widths ∝ g² shorten its lifetime:
with loop mixing only a small band at m ≲ 10 MeV, g ~ 2e−6–5e−5, survives). X = 1 on the published band of a
dark photon (g = 0, gv_e = −εe). Visible decays need m_Z′ > 2m_e: X = 0 below, and outside the published masses.

Likelihood (globalfit.limits): no candidate was seen, so the count is Poisson without background and
ln L = ln(1 − CL)·X (`limit_shape: poisson`, default; −ln(1 − CL) = 3.00 at 95% CL) or −½(z_CL X)²
(`half-gaussian`). Both put the published band at Δχ² = limit_dchi2(CL) (exclusion_dchi2): the excluded region
is X > 1, a band with a lower and an upper edge in the coupling.

Data (data/e137/<dataset>.csv: m_GeV, eps_lower, eps_upper; header lines `# cl:` and `# length_ratio:`):

| dataset | source | CL |
|---|---|---|
| andreas2012 (default) | Andreas, Niebuhr, Ringwald, PRD 86 (2012) 095019, arXiv:1209.6083, fig. 2 | 95% |
| bjorken2009 | Bjorken, Essig, Schuster, Toro, PRD 80 (2009) 075018, arXiv:0906.0580, fig. 1 | 95% (not verified) |

both DIGITISED by the Darkcast authors.
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError, GlobalfitError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.limits import limit_dchi2, limit_kernel_data, upper_limit_loglike
from globalfit.physics import beam_dump, zprime_decays
from likelihoods._data import data_lines, numeric_rows, text_lines

#: the model quantities a beam-dump recast reads (the Z′ couplings fix its production, lifetime and BR(e⁺e⁻))
COUPLINGS = ("gv_e", "ga_e", "g_nue", "gv_u", "gv_d")
LIMIT_SHAPES = ("poisson", "half-gaussian")


def read_table_csv(rel: str, columns: tuple[str, ...],
                   keys: tuple[str, ...] = ()) -> tuple[dict[str, float], np.ndarray]:
    """A catalogued table: '#' comment lines, among them '# columns: a,b,...' (must equal `columns`) and one
    '# <key>: <number>' line per entry of `keys`, then rows of len(columns) numbers. Masses (first column) must be
    positive, finite and strictly increasing; the other columns positive, finite and below 1 (couplings or
    mixings: ≥ 1 is not a limit). Returns ({key: value}, rows). Anything else is a DataError naming the file."""
    path, lines = text_lines(rel)
    header = {}
    for ln in lines:
        if ln.startswith("#") and ":" in ln:
            k, v = ln[1:].split(":", 1)
            header.setdefault(k.strip(), v.strip())
    names = [c.strip() for c in header.get("columns", "").split(",")]
    if names != list(columns):
        raise DataError(f"{path}: expected a line '# columns: {','.join(columns)}'")
    values = {}
    for key in keys:
        try:
            values[key] = float(header[key])
        except (KeyError, ValueError):
            raise DataError(f"{path}: expected a line '# {key}: <number>'") from None
        if not np.isfinite(values[key]) or values[key] <= 0:
            raise DataError(f"{path}: '{key}' must be a positive number, got {header[key]!r}")
    rows = numeric_rows(path, data_lines(lines), len(columns), f"{len(columns)} numbers '{','.join(columns)}'")
    if len(rows) < 2:
        raise DataError(f"{path}: expected at least two rows")
    table = np.array(rows)
    if not np.all(np.isfinite(table)) or np.any(table <= 0):
        raise DataError(f"{path}: every value must be a positive finite number")
    if np.any(np.diff(table[:, 0]) <= 0):
        raise DataError(f"{path}: masses must be strictly increasing (repeated or unsorted masses)")
    if np.any(table[:, 1:] >= 1.0):
        raise DataError(f"{path}: limits must be below 1")
    return values, table


def read_band(rel: str) -> tuple[float, beam_dump.DisplacedBand]:
    """(CL, band) of a catalogued displaced-search file (m_GeV, eps_lower, eps_upper; `# cl:`, `# length_ratio:`)."""
    values, table = read_table_csv(rel, ("m_GeV", "eps_lower", "eps_upper"), ("cl", "length_ratio"))
    if not values["cl"] < 1:
        raise DataError(f"{catalog.path_of(rel)}: 'cl' must be between 0 and 1")
    if np.any(table[:, 1] >= table[:, 2]):
        raise DataError(f"{catalog.path_of(rel)}: eps_lower must be below eps_upper on every row")
    return values["cl"], beam_dump.DisplacedBand(table[:, 0], table[:, 1], table[:, 2], values["length_ratio"])


def check_shape(limit_shape: str) -> None:
    if limit_shape not in LIMIT_SHAPES:
        raise GlobalfitError(f"limit_shape: {limit_shape!r}; allowed: {', '.join(LIMIT_SHAPES)}")


def domain(q, names: tuple[str, ...]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(ok, safe inputs): ok where every input is finite, m_zp > 0 and g_zp ≥ 0; safe replaces the others by
    harmless values (m = 1 GeV, couplings 0)."""
    arrays = {k: np.asarray(q[k], dtype=float) for k in names}
    ok = np.all([np.isfinite(a) for a in arrays.values()], axis=0)
    ok = ok & (arrays["m_zp"] > 0) & (arrays["g_zp"] >= 0)
    safe = {k: np.where(ok, a, 1.0 if k == "m_zp" else 0.0) for k, a in arrays.items()}
    return ok, safe


class ElectronBeamDump(Likelihood):
    """Base of the visible electron-beam-dump plugins (e137, e141, orsay): one displaced-search band per dataset."""

    requires = ("m_zp", "g_zp", *COUPLINGS)
    #: the recast uses the L_μ − L_τ structure (g for μ, τ, ν_μ, ν_τ; induced couplings for e, q, ν_e)
    models = ("lmu-ltau",)

    def __init__(self, dataset: str, limit_shape: str = "poisson"):
        super().__init__(dataset, limit_shape=limit_shape)
        check_shape(limit_shape)
        self.limit_shape = limit_shape
        catalog.dataset_files(self.name, dataset)  # verifies, or the DataError listing the datasets
        self.source = catalog.entries(self.name, dataset)[0].path
        self.cl, self.band = read_band(self.source)

    def exclusion_dchi2(self, cl: float) -> float:
        """On the published band at its own CL (globalfit.limits.limit_dchi2)."""
        return limit_dchi2(cl, self.limit_shape)

    def signal_ratio(self, q) -> np.ndarray:
        """X = N_Z′/N_limit (inputs inside the domain)."""
        br = zprime_decays.branching_ratios(q["m_zp"], q["g_zp"], *(q[k] for k in COUPLINGS))
        production = beam_dump.electron_brem_production(q["gv_e"], q["ga_e"])
        return self.band.signal_ratio(q["m_zp"], production, br["ee"], br["total"])

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin (likelihoods/e137/kernel.py): the band, its R, the limit rule."""
        data = (self.band.kernel_data(), self.band.ratio, *limit_kernel_data(self.cl, self.limit_shape))
        return Kernel("likelihoods.e137.kernel:loglike", data, tuple(self.requires))

    def loglike(self, q):
        ok, safe = domain(q, self.requires)
        ll = upper_limit_loglike(self.signal_ratio(safe), 1.0, self.cl, self.limit_shape)
        return np.where(ok, ll + 0.0, -np.inf)  # + 0.0: no −0.0 where there is no limit

    def describe(self):
        rule = (f"ln L = ln(1 - {self.cl:g}) X, X = N_Z'/N_limit (Poisson, no background)"
                if self.limit_shape == "poisson" else f"ln L = -0.5 (z_{self.cl:g} X)^2 (half-Gaussian)")
        return {**super().describe(), "file": self.source, "obtained": "digitised (Darkcast), recast here",
                "cl": self.cl, "length_ratio": self.band.length_ratio, "limit_rule": rule,
                "quantity": "X = N_Z'/N_limit, the Z' signal relative to the dark photon on the band"}


class E137(ElectronBeamDump):
    """E137 electron beam dump: dark-photon band (e⁺e⁻, displaced) recast to the Z′ (95% CL; m ≲ 0.4 GeV)."""

    name = "e137"

    def __init__(self, dataset: str = "andreas2012",
                 limit_shape: Literal["poisson", "half-gaussian"] = "poisson"):
        super().__init__(dataset, limit_shape)
