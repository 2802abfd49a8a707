"""NA62 K⁺ → π⁺ Z′ with Z′ → invisible (likelihoods/na62/NOTES.md): a published 90% CL upper-limit curve as a
likelihood.

Prediction: X = BR(K⁺ → π⁺Z′) · BR(Z′ → νν̄), from globalfit.physics.kaon (the Goldstone-mediated top
loop of Freytsis, Ligeti, Thaler, arXiv:0911.5355, with the vector-form width; see that module for the
formulas, units and the checks of the normalisation). It needs δ = ε_Z m_Z/m_Z′ and tanβ from the Higgs
sector (both 0 without the U(1)′-charged doublet, so then ln L = 0) and m_H± (model parameter).

Likelihood (globalfit.limits, likelihoods/na62/NOTES.md): the search saw no excess, so the signal count is Poisson with
expectation s = 2.303 X/X_UL(m_Z′) and ln L = −s (`limit_shape: poisson`, default: a flat prior on X
reproduces the quoted 90% CL limit exactly), or ln L = −½(1.645 X/X_UL)² (`limit_shape: half-gaussian`).
No limit (ln L = 0) in the π⁰ window 0.110–0.154 GeV, where the curves have gaps, and above the curve's
last point (~0.26 GeV).

Data (data/na62/<dataset>.csv: m_GeV, br_ul; nan = no limit), stable/invisible-X curves DIGITISED from the
papers' figures by the ALPaca authors (github.com/alp-aca/alp-aca; commits in the file headers), not
HEPData — replace them by the HEPData tables when those can be obtained:

| dataset | data | source |
|---|---|---|
| na62-2025 (default) | 2016–2022 | NA62, JHEP 11 (2025) 143, arXiv:2507.17286 |
| na62-2021 | 2016–2018 | NA62, JHEP 06 (2021) 093, arXiv:2103.15389 |

The curves start at m_X = 0; the interpolation is linear in (log m, log BR), so that point is stored at
1 keV and masses below 1 keV use it.

Options: `top_mass` (pole 172.5 GeV, default, or MS-bar m_t(m_t) = 162.5 GeV: the scheme is a higher-order
ambiguity of the one-loop result; BR ∝ m_t⁴|X|² is a third lower with MS-bar at m_H± = 300 GeV).
`charm_loop` is not implemented (true is refused with an error): the charm loop is of the same size as
the top loop (see globalfit.physics.kaon) and the seed analysis appears to omit it too. Note that X₁
vanishes near m_H± ≈ 570 GeV: for tanβ → 0 the prediction, and this constraint, vanish there.
"""
from __future__ import annotations

from typing import Literal

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError, GlobalfitError
from globalfit.likelihood import Kernel, Likelihood
from globalfit.limits import LimitCurve, limit_dchi2, limit_kernel_data, upper_limit_loglike
from globalfit.physics import kaon
from likelihoods._data import data_lines, numeric_rows, text_lines, zp_branching_ratios

PI0_GAP = (0.110, 0.154)  # GeV: no limit (K⁺ → π⁺π⁰ background region; likelihoods/na62/NOTES.md)
M_ZERO = 1.0e-6  # GeV: position of the curves' m_X = 0 point on the log-mass grid
CL = 0.90


def dataset_file(experiment: str, dataset: str) -> str:
    """Path (relative to data/) of the single catalogued file of a dataset; DataError naming the
    available datasets if there is none."""
    catalog.dataset_files(experiment, dataset)  # verifies, or raises the DataError listing the datasets
    return catalog.entries(experiment, dataset)[0].path


def read_limit_csv(rel: str, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(mass, limit) columns of a catalogued limit-curve CSV: '#' comment lines, one of them
    '# columns: m_GeV,<column>', then rows 'mass,limit' ('nan' = no limit). Masses finite, ≥ 0 and
    distinct; limits positive or nan. Anything else is a DataError naming the file and the line."""
    path, lines = text_lines(rel)
    header = [ln for ln in lines if ln.startswith("# columns:")]
    names = [c.strip() for c in header[0].split(":", 1)[1].split(",")] if header else []
    if names != ["m_GeV", column]:
        raise DataError(f"{path}: expected a line '# columns: m_GeV,{column}'")
    rows = numeric_rows(path, data_lines(lines), 2, "two numbers 'mass,limit'")
    if len(rows) < 2:
        raise DataError(f"{path}: expected at least two rows of two numbers")
    mass, limit = np.array(rows).T
    if not np.all(np.isfinite(mass) & (mass >= 0)):
        raise DataError(f"{path}: masses must be finite and ≥ 0")
    if len(np.unique(mass)) != len(mass):
        raise DataError(f"{path}: repeated masses (every mass must appear once)")
    if np.any(np.isinf(limit) | (limit <= 0)):
        raise DataError(f"{path}: limits must be positive numbers or nan (no limit)")
    return mass, limit


class NA62(Likelihood):
    """NA62 K⁺→π⁺ + invisible: 90% CL limit curve on BR(K⁺→π⁺Z′)·BR(Z′→νν̄) (Z–Z′ mixing models)."""

    name = "na62"
    requires = ("m_zp", "g_zp", "delta_zzp", "tan_beta", "m_hpm")
    #: the induced couplings, read when the model provides them: BR(Z′ → νν̄) then includes Z′ → e⁺e⁻ etc.
    #: (globalfit.physics.kaon.br_zp_invisible); without them the pure L_μ − L_τ branching ratio is used
    optional = ("gv_e", "ga_e", "g_nue", "gv_u", "gv_d")
    #: the signal comes from the Z–Z′ mass mixing of the Lμ−Lτ model's extra Higgs doublet
    models = ("lmu-ltau",)

    def __init__(self, dataset: str = "na62-2025",
                 limit_shape: Literal["poisson", "half-gaussian"] = "poisson",
                 top_mass: Literal["pole", "msbar"] = "pole",
                 charm_loop: bool = False):
        super().__init__(dataset, limit_shape=limit_shape, top_mass=top_mass, charm_loop=charm_loop)
        if charm_loop:
            raise GlobalfitError(
                "charm_loop: true is not implemented (the charm loop needs QCD corrections "
                "at the charm scale that are not pinned by a primary source; see globalfit.physics.kaon). "
                "Use charm_loop: false (top loop only).")
        if top_mass not in kaon.TOP_MASSES:
            raise GlobalfitError(f"top_mass: {top_mass!r}; allowed: pole, msbar")
        if limit_shape not in ("poisson", "half-gaussian"):
            raise GlobalfitError(f"limit_shape: {limit_shape!r}; allowed: poisson, half-gaussian")
        rel = dataset_file(self.name, dataset)
        mass, br_ul = read_limit_csv(rel, "br_ul")
        self.curve = LimitCurve(np.where(mass == 0.0, M_ZERO, mass), br_ul)
        self.m_t = kaon.TOP_MASSES[top_mass]
        self.limit_shape = limit_shape
        self.source = rel

    def br_limit(self, m_zp) -> np.ndarray:
        """90% CL upper limit on BR(K⁺→π⁺X) at m_zp [GeV]; NaN where there is no limit."""
        m = np.asarray(m_zp, dtype=float)
        ul = self.curve(np.maximum(m, M_ZERO))
        in_gap = (m >= PI0_GAP[0]) & (m <= PI0_GAP[1])
        return np.where(in_gap, np.nan, ul)

    def signal(self, q) -> np.ndarray:
        """X = BR(K⁺→π⁺Z′)·BR(Z′→νν̄) (inputs assumed inside the domain). BR(Z′→νν̄) has the Z′ → e⁺e⁻ (and other
        induced) widths when q holds the couplings of `optional`, else the pure L_μ − L_τ value."""
        m = np.asarray(q["m_zp"], dtype=float)
        br = kaon.br_k_to_pi_zp(m, q["delta_zzp"], q["tan_beta"], q["m_hpm"], self.m_t)
        if all(k in q for k in self.optional):
            return br * kaon.br_zp_invisible(m, q["g_zp"], *(q[k] for k in self.optional))
        return br * kaon.br_zp_invisible(m)

    def _signal_all_valid(self, q, m: np.ndarray, d: np.ndarray, tb: np.ndarray, mh: np.ndarray,
                          couplings: bool) -> np.ndarray:
        """`signal` at the batch q with every point valid (m, d, tb, mh: its m_zp, delta_zzp, tan_beta, m_hpm as float
        arrays): BR(Z′→νν̄) with the couplings is the "invisible" of the branching ratios the plugins of the batch
        share (likelihoods._data.zp_branching_ratios; kaon.br_zp_invisible computes the same)."""
        br = kaon.br_k_to_pi_zp(m, d, tb, mh, self.m_t)
        if couplings:
            return br * zp_branching_ratios(q)["invisible"]
        return br * kaon.br_zp_invisible(m)

    def exclusion_dchi2(self, cl: float) -> float:
        """On the published curve at its own CL (globalfit.limits.limit_dchi2)."""
        return limit_dchi2(cl, self.limit_shape)

    def kernel(self, optional: tuple[str, ...] = ()) -> Kernel:
        """Compiled twin (likelihoods/na62/kernel.py): BR(Z′→νν̄) with the induced couplings when the card provides
        all of them (lmu-ltau), else that of the pure L_μ − L_τ Z′, as `loglike` chooses."""
        data = (*self.curve.kernel_data(), *limit_kernel_data(CL, self.limit_shape), float(self.m_t))
        if all(k in optional for k in self.optional):
            return Kernel("likelihoods.na62.kernel:loglike_induced", data, (*self.requires, *self.optional))
        return Kernel("likelihoods.na62.kernel:loglike", data, tuple(self.requires))

    def loglike(self, q):
        m, g, d, tb, mh = (np.asarray(q[k], dtype=float) for k in self.requires)
        ok = (np.isfinite(m) & np.isfinite(g) & np.isfinite(d) & np.isfinite(tb) & np.isfinite(mh)
              & (m > 0) & (g >= 0) & (mh > 0))
        couplings = {k: np.asarray(q[k], dtype=float) for k in self.optional if k in q}
        if len(couplings) == len(self.optional):
            ok = ok & np.all([np.isfinite(c) for c in couplings.values()], axis=0)
        else:
            couplings = {}
        if ok.all():  # every point valid (the usual case): the batch's arrays; BRs shared with other plugins
            x = self._signal_all_valid(q, m, d, tb, mh, bool(couplings))
            ll = upper_limit_loglike(x, self.br_limit(m), CL, self.limit_shape)
            return np.where(ok, ll + 0.0, -np.inf)
        safe = {"m_zp": np.where(ok, m, 1.0), "g_zp": np.where(ok, g, 0.0), "delta_zzp": np.where(ok, d, 0.0),
                "tan_beta": np.where(ok, tb, 0.0), "m_hpm": np.where(ok, mh, 300.0),
                **{k: np.where(ok, c, 0.0) for k, c in couplings.items()}}
        ll = upper_limit_loglike(self.signal(safe), self.br_limit(safe["m_zp"]), CL, self.limit_shape)
        return np.where(ok, ll + 0.0, -np.inf)  # + 0.0: no −0.0 where there is no limit

    def describe(self):
        rule = ("ln L = -2.303 X/X_UL (Poisson, no background)" if self.limit_shape == "poisson"
                else "ln L = -0.5 (1.645 X/X_UL)^2 (half-Gaussian)")
        return {**super().describe(), "file": self.source, "obtained": "digitised (ALPaca)",
                "quantity": "BR(K+ -> pi+ Z') * BR(Z' -> invisible), 90% CL", "limit_rule": rule,
                "m_top_GeV": self.m_t, "no_limit": f"{PI0_GAP[0]}-{PI0_GAP[1]} GeV, curve gaps, beyond the curve"}
