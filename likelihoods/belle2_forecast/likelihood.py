"""Belle II forecast for an invisibly decaying Z′ at √s = 10.58 GeV (likelihoods/belle2_forecast/NOTES.md): expected
exclusion (Asimov, globalfit.forecast) from two counts.

* `gamma`: e⁺e⁻ → γZ′ (mono-photon), through the Z′ electron couplings (εe from kinetic mixing):
      N_γ = L ε_γ BR(Z′ → inv) σ_γ(m; g_V^e, g_A^e),
  σ_γ the tree-level e⁺e⁻ → γV cross section (Essig et al., arXiv:1309.5084, with εe → g_V, g_A) integrated
  analytically over the photon's lab polar-angle range (a CM range for a massless photon), 0 where the CM photon
  energy (s − m²)/2√s is below the threshold of the dataset (globalfit.physics.belle2_forecast).
* `mumu`: e⁺e⁻ → μ⁺μ⁻Z′ with the Z′ radiated off the muons:
      N_μμ = L ε_μμ BR(Z′ → inv) [(g + gv_e)² + ga_e²] σ_μμ(m)/g²,
  σ_μμ/g² the tree-level cross section with both muons in the acceptance, read from the table built by
  data/belle2_forecast/build_table.py (Monte Carlo over three-body phase space with the full |M|²), interpolated
  in ln σ against ln m (linearly to 0 at the threshold √s − 2m_μ; constant below the first grid mass, 10⁻⁴ GeV).
* `both`: the sum of the two counts and of their backgrounds (relative background errors added in quadrature).

BR(Z′ → inv) = zprime_decays.branching_ratios(m, g, gv_e, ga_e, g_nue, gv_u, gv_d)["invisible"]. Backgrounds are
per ab⁻¹ in the signal window (mass independent), from the dataset unless given as options.
"""
from __future__ import annotations

import math
from typing import Literal

import numpy as np

from globalfit import catalog
from globalfit.errors import GlobalfitError
from globalfit.forecast import Forecast
from globalfit.physics import belle2_forecast as b2
from globalfit.physics import zprime_decays
from likelihoods._data import TEXT, increasing, load_npz, number, numbers, text

COUPLINGS = ("gv_e", "ga_e", "g_nue", "gv_u", "gv_d")
CHANNELS = ("gamma", "mumu")


class Belle2Forecast(Forecast):
    """Belle II 50 ab⁻¹ forecast, e⁺e⁻ → γZ′ and/or μ⁺μ⁻Z′ with Z′ → invisible (expected exclusion)."""

    name = "belle2_forecast"
    requires = ("m_zp", "g_zp", *COUPLINGS)
    models = ("lmu-ltau",)

    def __init__(self, dataset: str = "belle2-50ab", channel: Literal["gamma", "mumu", "both"] = "both",
                 luminosity_ab: float = 50.0,
                 gamma_efficiency: float | None = None, gamma_background_per_ab: float | None = None,
                 gamma_background_rel_error: float | None = None,
                 mumu_efficiency: float | None = None, mumu_background_per_ab: float | None = None,
                 mumu_background_rel_error: float | None = None):
        given = {"gamma_efficiency": gamma_efficiency, "gamma_background_per_ab": gamma_background_per_ab,
                 "gamma_background_rel_error": gamma_background_rel_error, "mumu_efficiency": mumu_efficiency,
                 "mumu_background_per_ab": mumu_background_per_ab,
                 "mumu_background_rel_error": mumu_background_rel_error}
        super().__init__(dataset, channel=channel, luminosity_ab=luminosity_ab, **given)
        raw, where = catalog.load_dataset_yaml(f"belle2_forecast/{dataset}.yaml", ["gamma", "mumu", "table", "source"])
        self.channel = channel
        self.luminosity_ab = float(luminosity_ab)
        if not (math.isfinite(self.luminosity_ab) and self.luminosity_ab > 0):
            raise GlobalfitError(f"belle2_forecast: luminosity_ab = {luminosity_ab!r}; must be finite and > 0")
        self.par: dict[str, float] = {}
        for ch in CHANNELS:
            for key in ("efficiency", "background_per_ab", "background_rel_error"):
                opt = given[f"{ch}_{key}"]
                val = float(opt) if opt is not None else number(raw, f"{ch}.{key}", where)
                bad = not math.isfinite(val) or val < 0 or (key == "efficiency" and not 0 < val <= 1)
                if bad:
                    raise GlobalfitError(f"belle2_forecast: {ch}_{key} = {val!r}; must be finite, "
                                         + ("in (0, 1]" if key == "efficiency" else "≥ 0"))
                self.par[f"{ch}_{key}"] = val
        lo, hi = numbers(raw, "gamma.theta_lab_deg", where, length=2)
        # the photon acceptance as a CM cosine range (massless photon: exact)
        self.gamma_cos_cm = (float(b2.lab_to_cm_cos(math.cos(math.radians(hi)))),
                             float(b2.lab_to_cm_cos(math.cos(math.radians(lo)))))
        self.gamma_theta_lab = (lo, hi)
        self.gamma_e_min = number(raw, "gamma.e_gamma_min_cm_gev", where)
        self.mumu_theta_lab = tuple(numbers(raw, "mumu.theta_lab_deg", where, length=2))
        self.source = text(raw, "source", where)
        self.table_file = text(raw, "table", where)
        t, t_where = load_npz(self.table_file, {"m_zp": 1, "sigma_fb": 1, "sigma_err_fb": 1, "theta_lab_deg": 1,
                                                "sqrt_s_gev": 0, "method": TEXT})
        increasing(t["m_zp"], "m_zp", t_where)
        if not np.allclose(t["theta_lab_deg"], self.mumu_theta_lab):
            raise GlobalfitError(f"{t_where}: table built for muon acceptance {list(t['theta_lab_deg'])} deg, "
                                 f"dataset says {list(self.mumu_theta_lab)}")
        self.m_grid, self.sigma_grid = np.asarray(t["m_zp"]), np.asarray(t["sigma_fb"])
        self.sigma_err_grid = np.asarray(t["sigma_err_fb"])
        self._ln_m, self._ln_sig = np.log(self.m_grid[:-1]), np.log(self.sigma_grid[:-1])
        used = CHANNELS if channel == "both" else (channel,)
        b = {ch: self.par[f"{ch}_background_per_ab"] * self.luminosity_ab for ch in CHANNELS}
        self.background = {ch: (b[ch] if ch in used else 0.0) for ch in CHANNELS}
        n_b = sum(self.background.values())
        var = sum((self.par[f"{ch}_background_rel_error"] * self.background[ch]) ** 2 for ch in CHANNELS)
        self.rel_bkg_error = math.sqrt(var) / n_b if n_b > 0 else 0.0

    # ---- cross sections [fb]
    def sigma_mumu_per_g2(self, m_zp) -> np.ndarray:
        """σ(e⁺e⁻ → μ⁺μ⁻Z′)/g² [fb] in the muon acceptance at m_zp [GeV] (table; module docstring)."""
        m = np.asarray(m_zp, dtype=float)
        m_lo, m_last, m_thr = self.m_grid[0], self.m_grid[-2], self.m_grid[-1]
        inner = np.exp(np.interp(np.log(np.clip(m, m_lo, m_last)), self._ln_m, self._ln_sig))
        edge = self.sigma_grid[-2] * np.clip((m_thr - m) / (m_thr - m_last), 0.0, 1.0)
        return np.where(m <= m_last, inner, edge)

    def sigma_gamma(self, m_zp, coupling2) -> np.ndarray:
        """σ(e⁺e⁻ → γZ′) [fb] with the photon in the acceptance, coupling2 = gv_e² + ga_e²."""
        m = np.asarray(m_zp, dtype=float)
        sig = b2.sigma_gamma(m, *self.gamma_cos_cm, coupling2) * b2.GEV2_TO_FB
        return np.where(b2.photon_energy_cm(m) >= self.gamma_e_min, sig, 0.0)

    def expected_by_channel(self, q) -> dict[str, np.ndarray]:
        """Expected signal counts of each channel (all channels, whatever `channel` is), and "ok" (valid points)."""
        m = np.asarray(q["m_zp"], dtype=float)
        g = np.asarray(q["g_zp"], dtype=float)
        c = {k: np.asarray(q[k], dtype=float) for k in COUPLINGS}
        ok = np.isfinite(m) & np.isfinite(g) & (m > 0) & (g >= 0)
        for v in c.values():
            ok &= np.isfinite(v)
        m, g = np.where(ok, m, 1.0), np.where(ok, g, 0.0)
        c = {k: np.where(ok, v, 0.0) for k, v in c.items()}
        br = zprime_decays.branching_ratios(m, g, **c)["invisible"]
        lum_fb = self.luminosity_ab * 1e3
        n_gamma = (lum_fb * self.par["gamma_efficiency"] * br
                   * self.sigma_gamma(m, c["gv_e"] ** 2 + c["ga_e"] ** 2))
        mu2 = (g + c["gv_e"]) ** 2 + c["ga_e"] ** 2
        n_mumu = lum_fb * self.par["mumu_efficiency"] * br * mu2 * self.sigma_mumu_per_g2(m)
        return {"gamma": n_gamma, "mumu": n_mumu, "ok": ok}

    def expected(self, q) -> tuple[np.ndarray, np.ndarray]:
        e = self.expected_by_channel(q)
        used = CHANNELS if self.channel == "both" else (self.channel,)
        n_s = sum(e[ch] for ch in used)
        n_b = np.full(n_s.shape, sum(self.background.values()))
        return np.where(e["ok"], n_s, np.nan), n_b

    def describe(self):
        return {**super().describe(), "channel": self.channel, "luminosity_ab": self.luminosity_ab, **self.par,
                "background_events": dict(self.background), "rel_bkg_error": self.rel_bkg_error,
                "gamma_theta_lab_deg": list(self.gamma_theta_lab), "gamma_e_min_cm_gev": self.gamma_e_min,
                "mumu_theta_lab_deg": list(self.mumu_theta_lab), "source": self.source, "table": self.table_file}
