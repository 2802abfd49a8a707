"""MUonE forecast: μ e⁻ → μ e⁻ Z′ with Z′ → νν̄ (likelihoods/muone/NOTES.md), Asimov expected exclusion
(globalfit.forecast).

Expected signal N_s = L × σ(m_Z′, g, ε) × BR(Z′ → invisible), with
    σ = g² a(m) + g(εe) b(m) + (εe)² c(m)   [GeV⁻²; × 0.3894×10¹² fb],
exact in the couplings (the amplitude is linear in g_μ = g − εe and g_e = −εe, docs/physics/zprime.md). a, b, c are
read from data/muone/<dataset>.npz, computed by data/muone/build_table.py with globalfit.physics.muone (full
tree-level 2 → 3 matrix element with the Z′ off the muon and the electron line, two-channel Monte Carlo with the
cuts of Asai, Hamaguchi, Nagata, Tseng, Wada, arXiv:2109.10093: θ_μ > 1.5 mrad, 1 GeV < E_e < 25 GeV, photon veto;
150 GeV μ on atomic electrons), interpolated by monotone cubics (PCHIP) in ln m_Z′; below the first grid mass
(1 MeV) the table's first value is used (σ is flat there: a(1 MeV)/a(10 MeV) = 1.01); σ = 0 above the kinematic
limit √s − m_μ − m_e. BR(Z′ → invisible) from globalfit.physics.zprime_decays with g_V^e = −εe (< 1 above 2m_μ).
Background: the option `background` (events; the elastic and radiative μe backgrounds fail the cuts or the veto,
the electroweak μe → μeνν̄ is ≪ 1 event, NOTES.md) with relative uncertainty `background_error`.
"""
from __future__ import annotations

import numpy as np

from globalfit import catalog
from globalfit.errors import DataError
from globalfit.forecast import Forecast
from globalfit.physics import zprime_decays
from globalfit.physics.constants import E_CHARGE
from globalfit.physics.muone import GEV2_TO_FB
from likelihoods._data import TEXT, increasing, load_npz, number, text


class MUonE(Forecast):
    """MUonE μe → μeZ′(→ νν̄) forecast (arXiv:2109.10093 cuts): Asimov exclusion from N_s = L σ BR_inv."""

    name = "muone"
    requires = ("m_zp", "g_zp", "eps")
    #: the muon and ν couplings are those of L_μ − L_τ (g); other charge assignments are not tabulated
    models = ("lmu-ltau",)

    def __init__(self, dataset: str = "muone-15fb", luminosity_fb: float = 15.0, background: float = 0.0,
                 background_error: float = 0.0):
        super().__init__(dataset, luminosity_fb=luminosity_fb, background=background,
                         background_error=background_error)
        raw, where = catalog.load_dataset_yaml(f"muone/{dataset}.yaml", ["luminosity_fb", "table", "source"])
        self.nominal_luminosity_fb = number(raw, "luminosity_fb", where, positive=True)  # the proposal's exposure
        self.luminosity_fb = float(luminosity_fb)
        if not self.luminosity_fb > 0:
            raise DataError(f"likelihood 'muone': luminosity_fb must be positive, got {luminosity_fb!r}")
        if background < 0 or background_error < 0:
            raise DataError("likelihood 'muone': background and background_error must be ≥ 0")
        self.background = float(background)
        self.rel_bkg_error = float(background_error)
        self.source = text(raw, "source", where)
        self.table_file = text(raw, "table", where)
        t, t_where = load_npz(self.table_file, {"m_zp": 1, "a": 1, "b": 1, "c": 1, "a_rel_err": 1, "m_max": 0,
                                                "method": TEXT})
        m = increasing(t["m_zp"], "m_zp", t_where)
        for k in ("a", "b", "c"):
            if len(t[k]) != len(m):
                raise DataError(f"{t_where}: array '{k}' has {len(t[k])} entries, 'm_zp' {len(m)}")
        if np.any(t["a"] < 0) or np.any(t["c"] < 0):
            raise DataError(f"{t_where}: 'a' and 'c' are cross sections of squared amplitudes, must be ≥ 0")
        self.m_grid, self.m_max = m, float(t["m_max"])
        self.method = t["method"]
        lm = np.log(m)
        from scipy.interpolate import PchipInterpolator  # here: every plugin module is imported at start-up

        self._interp = {k: PchipInterpolator(lm, t[k], extrapolate=False) for k in ("a", "b", "c")}
        self._first = {k: float(t[k][0]) for k in ("a", "b", "c")}

    def coefficients(self, m_zp) -> dict[str, np.ndarray]:
        """a, b, c [GeV⁻²] at m_zp [GeV] (array > 0): first grid value below the grid, 0 beyond it."""
        m = np.asarray(m_zp, dtype=float)
        lm = np.log(np.clip(m, self.m_grid[0], self.m_grid[-1]))
        out = {}
        for k, f in self._interp.items():
            v = np.where(m <= self.m_grid[0], self._first[k], f(lm))
            out[k] = np.where((m >= self.m_max) | (m > self.m_grid[-1]), 0.0, v)
        out["a"], out["c"] = np.maximum(out["a"], 0.0), np.maximum(out["c"], 0.0)
        return out

    def sigma_fb(self, m_zp, g_zp, eps) -> np.ndarray:
        """σ(μe → μeZ′) with the cuts [fb] (before the invisible branching ratio)."""
        co = self.coefficients(m_zp)
        g, x = np.asarray(g_zp, dtype=float), E_CHARGE * np.asarray(eps, dtype=float)
        return GEV2_TO_FB * np.maximum(g * g * co["a"] + g * x * co["b"] + x * x * co["c"], 0.0)

    def expected(self, q):
        m = np.asarray(q["m_zp"], dtype=float)
        g = np.asarray(q["g_zp"], dtype=float)
        eps = np.asarray(q["eps"], dtype=float)
        ok = np.isfinite(m) & np.isfinite(g) & np.isfinite(eps) & (m > 0)
        m_s, g_s, e_s = np.where(ok, m, 1.0), np.where(ok, g, 0.0), np.where(ok, eps, 0.0)
        br = zprime_decays.branching_ratios(m_s, g_s, gv_e=-E_CHARGE * e_s)["invisible"]
        n_s = self.luminosity_fb * self.sigma_fb(m_s, g_s, e_s) * br
        return np.where(ok, n_s, np.nan), np.full(np.shape(n_s), self.background)

    def describe(self):
        return {**super().describe(), "luminosity_fb": self.luminosity_fb, "background": self.background,
                "background_error": self.rel_bkg_error, "source": self.source, "table": self.table_file,
                "method": self.method}
