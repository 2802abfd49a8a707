"""The rows of docs/validation.md: each function computes one published result with globalfit's own
likelihoods and returns {"value": …, plus what the table prints}. Cheap rows run in seconds (tests/test_validation.py
runs them). Every row is cheap today (seconds); `--all` is kept for rows that need sampling.

    python examples/validation/rows.py              # every cheap row
    python examples/validation/rows.py --all        # also rows marked expensive (none at present)
    python examples/validation/rows.py texture_viability   # one row by name
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

from globalfit import yamlio
from globalfit.card import load_card
from globalfit.physics.zprime import delta_a_mu
from globalfit.posterior import Posterior

HERE = Path(__file__).resolve().parent
CL95 = 0.95


def card(name: str, **over) -> dict:
    """A card of this folder (examples/validation/<name>.yaml) with top-level keys replaced."""
    raw = yamlio.load(HERE / f"{name}.yaml")
    raw.update(over)
    return raw


def _grid_posterior(raw: dict, m: np.ndarray, g: np.ndarray) -> tuple[dict[str, np.ndarray], Posterior]:
    """χ² of every likelihood of `raw` on the (m_zp, g_zp) grid (len(g), len(m)), and the posterior."""
    post = Posterior(load_card(raw))
    mm, gg = np.meshgrid(m, g)
    cols = {"m_zp": mm.ravel(), "g_zp": gg.ravel()}
    theta = np.column_stack([cols[n] for n in post.names])
    with np.errstate(all="ignore"):
        ev = post.evaluate(theta)
    return {k: -2.0 * v.reshape(gg.shape) for k, v in ev.loglike.items()}, post


def _band(dataset: str, m: np.ndarray, g: np.ndarray, nsigma: float = 2.0) -> np.ndarray:
    """Points of the grid inside the g−2 band of `dataset`: |Δa_μ(Z′) − Δa_μ| < nσ."""
    raw = card("gminus2_band")
    raw["likelihoods"] = {"gminus2": {"dataset": dataset}}
    chi2, _ = _grid_posterior(raw, m, g)
    return chi2["gminus2"] < nsigma ** 2


def _excluded(raw: dict, names: list[str], m: np.ndarray, g: np.ndarray, cl: float = CL95) -> np.ndarray:
    """Points excluded at `cl` by any of `names`, each alone: Δχ² against g → 0 above its own threshold."""
    chi2, post = _grid_posterior(raw, m, g)
    null, _ = _grid_posterior(raw, m, np.array([1e-12]))
    out = np.zeros(chi2[names[0]].shape, dtype=bool)
    for n in names:
        out |= chi2[n] - null[n] > post.plugins[n].exclusion_dchi2(cl)
    return out


# --------------------------------------------------------------------------------------------- rows
def eps0() -> dict:
    """ε(0) = (e g/12π²) ln(m_τ²/m_μ²) = g/69.3 (e.g. Kamada & Yu arXiv:1504.00711; Araki et al. arXiv:1508.07471)."""
    post = Posterior(load_card(card("eps0")))
    ev = post.evaluate(np.array([[1e-3]]))
    ratio = 1e-3 / float(ev.quantities["eps"][0])
    return {"value": ratio, "text": f"g/ε(0) = {ratio:.2f}"}


def ccfr_closes_2014_band() -> dict:
    """CCFR trident (95% CL) excludes the whole 2σ g−2 band of 2014 (Δa_μ = 288(80)×10⁻¹¹) above a mass:
    "m_Z′ > 400 MeV" (Altmannshofer, Gori, Pospelov, Yavin, arXiv:1406.2332, abstract)."""
    m = np.geomspace(0.05, 3.0, 240)
    g = np.geomspace(1e-4, 0.3, 1500)
    band = _band("pdg2014", m, g)
    excl = _excluded(card("trident_ccfr"), ["trident"], m, g)
    survives = (band & ~excl).any(axis=0)
    edge = float(m[np.flatnonzero(survives)[-1] + 1]) if survives.any() and not survives[-1] else float("nan")
    return {"value": edge, "text": f"band closed above m_Z′ = {1e3 * edge:.0f} MeV"}


def ccfr_heavy_zprime() -> dict:
    """For a heavy Z′ trident sees a contact interaction ∝ (g/m_Z′)²: CCFR (σ/σ_SM = 0.82 ± 0.28) bounds
    m_Z′/g from below (Altmannshofer, Gori, Pospelov, Yavin arXiv:1406.2332, Fig. 2: the CCFR line for heavy Z′;
    the paper's number is not in the stored text). Here: m_Z′/g on the 95% CL line at m_Z′ = 30, 100, 300 GeV."""
    m = np.array([30.0, 100.0, 300.0])
    g = np.geomspace(1e-3, 3.0, 4000)
    excl = _excluded(card("trident_ccfr"), ["trident"], m, g)
    v = m / g[np.argmax(excl, axis=0)]
    return {"value": float(v[1]), "text": "m_Z′/g > " + ", ".join(f"{x:.0f} GeV (m = {mm:.0f})" for x, mm in zip(v, m))}


def window_2021() -> dict:
    """The g−2 window with the 2021 data (Δa_μ = 251(59)×10⁻¹¹, 2σ band) that survives Borexino, CCFR trident
    and BaBar (each at 95% CL with its own threshold). Upper edge: "trident restricts m_Z′ < 300 MeV" for the
    4σ anomaly (Li, He, Cheek, Chu arXiv:2506.05511, abstract); lower edge: Borexino (≈ 10 MeV in the MUonE-era
    studies, e.g. arXiv:2109.10093, not re-read here)."""
    m = np.geomspace(1e-3, 1.0, 240)
    g = np.geomspace(1e-5, 0.1, 1500)
    band = _band("fnal2021-wp20", m, g)
    excl = _excluded(card("window_2021"), ["borexino", "trident", "babar"], m, g)
    survives = (band & ~excl).any(axis=0)
    idx = np.flatnonzero(survives)
    lo, hi = float(m[idx[0]]), float(m[idx[-1]])
    return {"value": (lo, hi), "text": f"window {1e3 * lo:.1f}–{1e3 * hi:.0f} MeV"}


def tan_theta_minimum() -> dict:
    """The smallest tanθ = v_σ/v_Φ allowed by NA62 (at its published 90% CL) at m_Z′ = 10 MeV on the 2021 g−2
    central value, doublet + singlet model, m_H± = 300 GeV (the question of Asai, Miyao, Okawa, Tsumura,
    arXiv:2401.17613, Sec. 5: the allowed range of the vev ratio)."""
    g0 = _g_central(0.01, 251e-11)
    raw = card("tan_theta")
    raw["params"]["g_zp"] = g0
    c = load_card(raw)
    post = Posterior(c)
    tt = np.geomspace(1.0, 200.0, 2000)
    with np.errstate(all="ignore"):
        ev = post.evaluate(np.column_stack([tt]))
    null_raw = c.model.plugin.null_point(c.to_dict())  # no Z′: higgs none, g → 0; tan_theta dropped
    null_raw["params"]["m_zp"] = {"prior": "log-uniform", "min": 1e-3, "max": 1.0}  # something to sample
    null = Posterior(load_card(null_raw))
    with np.errstate(all="ignore"):
        ref = null.evaluate(np.array([[0.01]]))
    out = {"g": g0}
    for name, cl in (("na62", 0.90), ("apv", 0.95)):
        dchi2 = -2.0 * (ev.loglike[name] - ref.loglike[name][0])
        allowed = dchi2 < post.plugins[name].exclusion_dchi2(cl)
        out[name] = float(tt[np.argmax(allowed)]) if allowed.any() else float("nan")
    out["value"] = out["na62"]
    out["text"] = f"tanθ ≥ {out['na62']:.1f} (NA62, 90% CL); ≥ {out['apv']:.1f} with Cs APV (95%)"
    return out


def _g_central(m_zp: float, target: float) -> float:
    """g with Δa_μ(m_zp, g) = target (Δa_μ ∝ g²)."""
    return math.sqrt(target / float(delta_a_mu(np.array([m_zp]), np.array([1.0]))[0]))


def neff_bound() -> dict:
    """A Z′ in equilibrium with ν_μ, ν_τ that decays after neutrino decoupling raises N_eff: Planck 2018
    (N_eff = 2.99 ± 0.17) excludes m_Z′ ≲ 10 MeV (Escudero, Hooper, Krnjaic, Pierre arXiv:1901.02010; the
    usually quoted bound)."""
    from likelihoods.neff.likelihood import NeffZprime, excluded_below

    values = {ds: 1e3 * excluded_below(NeffZprime(dataset=ds), CL95) for ds in ("planck2018", "act-dr6")}
    return {"value": values["planck2018"], "text": f"m_Z′ > {values['planck2018']:.1f} MeV (Planck 2018, 95%); "
                                                   f"> {values['act-dr6']:.1f} MeV (ACT DR6)"}


def texture_viability(n: int = 400_000) -> dict:
    """Minimal models (arXiv:2401.17613): with NuFIT 5.2 and the ordering-dependent Σm_ν bound of Choudhury &
    Hannestad (0.15 eV NO, 0.17 eV IO), only the type 2₊₁ model (texture B3, NO) is "marginally acceptable",
    the others excluded. Here, for each texture and ordering: χ²_min of NuFIT 5.2 over the texture's solutions,
    and the smallest Σm_ν they reach with Δχ² < 9 (3σ) — to set against the bound. A 5-dimensional random scan
    of `n` points per case (≈ 0.4 s each)."""
    bound = {"NO": 0.15, "IO": 0.17}
    out, cases = {}, {}
    for texture, higgs, charge in (("B3", "doublet", 1), ("B4", "doublet", -1), ("C", "singlet", 1)):
        for ordering in ("NO", "IO"):
            raw = card("texture", model={"ordering": ordering, "higgs": higgs, "doublet_charge": charge})
            raw["likelihoods"] = {"nufit": {"dataset": "nufit-5.2"}}  # NuFIT alone; Σm_ν compared below
            raw["derived"] = ["sum_mnu"]
            post = Posterior(load_card(raw))
            theta = post.prior_transform(np.random.default_rng(7).random((n, post.ndim)))
            with np.errstate(all="ignore"):
                ev = post.evaluate(theta)
            ok = ev.in_domain
            chi2 = -2.0 * ev.loglike["nufit"][ok]
            total = ev.quantities["sum_mnu"][ok]
            if not ok.any():
                cases[f"{texture}-{ordering}"] = (math.inf, math.nan, math.nan)
                continue
            within = chi2 < chi2.min() + 9.0
            cases[f"{texture}-{ordering}"] = (float(chi2.min()), float(total[np.argmin(chi2)]),
                                              float(total[within].min()))
    for key, (c, s_best, s_min) in cases.items():
        verdict = ("no solution" if not np.isfinite(c) else
                   "allowed" if s_min < 0.9 * bound[key[-2:]] else
                   "marginal" if s_min < 1.1 * bound[key[-2:]] else "excluded")
        out[key] = {"chi2_min": c, "sum_at_min": s_best, "sum_min_3sigma": s_min, "verdict": verdict}
    out["value"] = [k for k, v in cases.items() if out[k]["verdict"] in ("allowed", "marginal")]
    out["text"] = "; ".join(f"{k}: χ²_min {v['chi2_min']:.1f}, Σm_ν ≥ {v['sum_min_3sigma']:.3f} eV at 3σ → "
                            f"{v['verdict']}" for k, v in out.items() if isinstance(v, dict))
    return out


ROWS = {"eps0": (eps0, True), "ccfr_closes_2014_band": (ccfr_closes_2014_band, True),
        "ccfr_heavy_zprime": (ccfr_heavy_zprime, True),
        "window_2021": (window_2021, True), "tan_theta_minimum": (tan_theta_minimum, True),
        "neff_bound": (neff_bound, True), "texture_viability": (texture_viability, True)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rows", nargs="*", help=f"rows to compute (default: every cheap row); from {', '.join(ROWS)}")
    ap.add_argument("--all", action="store_true", help="also the expensive rows")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    names = args.rows or [n for n, (_, cheap) in ROWS.items() if cheap or args.all]
    for name in names:
        t0 = time.perf_counter()
        result = ROWS[name][0]()
        print(f"{name:<24} {result['text']}   ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
