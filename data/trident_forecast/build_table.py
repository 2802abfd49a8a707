"""Build the trident-forecast coefficient tables data/trident_forecast/<setup>.npz (see
likelihoods/trident_forecast/NOTES.md).

    python data/trident_forecast/build_table.py                    # every setup (~4 min on one core)
    python data/trident_forecast/build_table.py --setup dune-nd    # one setup
    python data/trident_forecast/build_table.py --write-flux       # (re)write dune-nd-flux.csv from its parametrisation
    python data/trident_forecast/build_table.py --quick --out /tmp # reduced quadrature (checks only)

then, from the repository root, `globalfit data --rehash` (or `--add trident_forecast/FILE ...` for a new file).

Each table holds A(m_Z′), B(m_Z′) of σ/σ_SM = 1 + A y² + B y⁴ (y = g_Z′/10⁻³) for coherent ν_μ A → ν_μ μ⁺μ⁻ A,
computed with globalfit.physics.trident (exact ν_μγ → ν_μμ⁺μ⁻ matrix element with the Z′ propagator, equivalent-photon
flux of the nucleus with the factor (1 − Q²_min/Q²)), in the same layout as data/trident/*.npz (m_Z′ = 10⁻⁴ … 10³ GeV,
30 per decade, contact-limit coefficients a_inf, b_inf; the midpoints give `interp_max_rel_error`).

* Mono-energetic beam: `globalfit.physics.trident.ratio_coefficients` at E_ν, exactly as data/trident/build_table.py.
* Beam spectrum φ(E) (a CSV of E [GeV], flux density [arbitrary units per GeV]): the ratio of flux-averaged cross
  sections, A = ∫φ σ_SM A dE / ∫φ σ_SM dE (likewise B, a_inf, b_inf) — not the average of the ratios. Since the EPA
  cross section is σ(E) = Σ_ŝ w(ŝ, E) σ_νγ(ŝ), the νγ pieces are computed once on a common ln ŝ Gauss–Legendre grid
  reaching the largest energy of the spectrum (`SPECTRUM_S_NODES` nodes) and every energy of the CSV only changes the
  weights w(ŝ, E) = (α/π) Σ_nuclei n Z² Φ(ŝ; E, r) dln ŝ; the E integral is the trapezoidal rule on the CSV points.

Targets (rms charge radii: I. Angeli, K. P. Marinova, At. Data Nucl. Data Tables 99 (2013) 69, as data/trident/):
Fe ⁵⁶Fe (Z = 26, 3.7377 fm); Ar ⁴⁰Ar (18, 3.4274 fm); C ¹²C (6, 2.4702 fm); H₂O: ¹⁶O (8, 2.6991 fm) plus 2 ¹H (1,
0.8783 fm, the elastic proton treated like a nucleus with a Gaussian form factor; it adds 2/66 of the O coherent
weight at low Q² and somewhat more at large Q², where the proton's form factor is still ≈ 1).
"""
from __future__ import annotations

import argparse
import csv
import math
import time
from pathlib import Path

import numpy as np
from scipy.special import erf

from globalfit.physics import trident as tr
from globalfit.physics.constants import ALPHA_0, M_MU

HERE = Path(__file__).resolve().parent
TARGETS: dict[str, list[tr.Nucleus]] = {
    "Fe": [tr.Nucleus(26, 1, 3.7377)],
    "Ar": [tr.Nucleus(18, 1, 3.4274)],
    "C": [tr.Nucleus(6, 1, 2.4702)],
    "H2O": [tr.Nucleus(8, 1, 2.6991), tr.Nucleus(1, 2, 0.8783)],
}
SETUPS: dict[str, dict] = {
    "mono-1p5gev-ar": {"target": "Ar", "energy": 1.5,
                       "description": "mono-energetic nu_mu beam, E = 1.5 GeV, liquid argon"},
    "dune-nd": {"target": "Ar", "flux": "dune-nd-flux.csv",
                "description": "DUNE-like near detector (LAr), nu_mu flux shape of dune-nd-flux.csv "
                               "(a parametrisation)"},
}
PER_DECADE = 30
LOG10_M_RANGE = (-4.0, 3.0)
QUICK = tr.QUICK_NODES
SPECTRUM_S_NODES = 64  # ŝ nodes of the common grid of a spectrum (40 per energy for a mono-energetic beam)

# DUNE-like ν_μ flux shape (FHC, near detector): a log-normal density in E with its maximum at 2.5 GeV and 92% of the
# flux in 0.5–5 GeV — the two numbers quoted for the LBNF beam by Marshall, McFarland, Wilkinson, arXiv:1910.10996
# (citing Strait et al., arXiv:1601.05823). Not a published flux table (none was available to us).
DUNE_PEAK_GEV, DUNE_FRACTION, DUNE_RANGE = 2.5, 0.92, (0.5, 5.0)
DUNE_E_GRID = (0.2, 40.0, 81)  # CSV energies: log-spaced [GeV]


def mass_grid() -> np.ndarray:
    """Grid points (even indices) and midpoints (odd) in m_Z′ [GeV]."""
    n = int(round((LOG10_M_RANGE[1] - LOG10_M_RANGE[0]) * PER_DECADE))
    return np.logspace(*LOG10_M_RANGE, 2 * n + 1)


def lognormal_shape(peak: float = DUNE_PEAK_GEV, fraction: float = DUNE_FRACTION,
                    window: tuple[float, float] = DUNE_RANGE) -> tuple[float, float]:
    """(μ, s) of φ(E) ∝ exp(−(ln E − μ)²/2s²)/E with its maximum at `peak` (μ = ln peak + s²) and `fraction` of the
    flux in `window` (bisection in s)."""
    lo_w, hi_w = np.log(window)

    def frac(s: float) -> float:
        mu = math.log(peak) + s * s
        return 0.5 * (erf((hi_w - mu) / (s * math.sqrt(2))) - erf((lo_w - mu) / (s * math.sqrt(2))))

    lo, hi = 0.05, 3.0  # frac decreases with s
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if frac(mid) > fraction else (lo, mid)
    s = 0.5 * (lo + hi)
    return math.log(peak) + s * s, s


def write_dune_flux(path: Path) -> None:
    mu, s = lognormal_shape()
    e = np.logspace(np.log10(DUNE_E_GRID[0]), np.log10(DUNE_E_GRID[1]), DUNE_E_GRID[2])
    phi = np.exp(-((np.log(e) - mu) ** 2) / (2 * s * s)) / (e * s * math.sqrt(2 * math.pi))
    with open(path, "w", newline="") as f:
        f.write(f"# DUNE-like nu_mu flux shape (parametrisation, not a published table): log-normal in E, "
                f"mu = {mu:.6f}, s = {s:.6f}; maximum at {DUNE_PEAK_GEV} GeV, {DUNE_FRACTION:.0%} of the flux in "
                f"{DUNE_RANGE[0]}-{DUNE_RANGE[1]} GeV (arXiv:1910.10996); flux in 1/GeV, unit integral over all E\n")
        w = csv.writer(f)
        w.writerow(["energy_gev", "flux_per_gev"])
        for x, y in zip(e, phi):
            w.writerow([f"{x:.6g}", f"{y:.6e}"])


def read_flux(path: Path) -> tuple[np.ndarray, np.ndarray]:
    rows = list(csv.reader(line for line in path.read_text().splitlines() if not line.startswith("#")))
    data = np.array([[float(x) for x in r] for r in rows[1:]])
    return data[:, 0], data[:, 1]


def _s_max(nuclei: list[tr.Nucleus], energy: float) -> float:
    """Upper end of the ŝ fold at `energy` (as globalfit.physics.trident._epa_terms: F² = e^−25 at Q²_min)."""
    return energy * np.sqrt(12.0 * 25.0) / (min(n.radius_fm for n in nuclei) / tr.HBARC_GEV_FM)


def spectrum_coefficients(m_zp: np.ndarray, nuclei: list[tr.Nucleus], energies: np.ndarray, flux: np.ndarray,
                          nodes: tr.Nodes | None = None, n_s: int = SPECTRUM_S_NODES, m: float = M_MU) -> dict:
    """Flux-averaged A, B (the ratio of flux-averaged cross sections, module docstring) and σ_SM(E) [GeV⁻²] at each
    energy of the spectrum (energies [GeV], flux density per GeV)."""
    nodes = nodes or tr.Nodes()
    m2 = np.asarray(m_zp, float)[:, None] ** 2
    ls, wls = np.polynomial.legendre.leggauss(n_s)
    a, b = np.log(4.0 * m * m), np.log(_s_max(nuclei, float(np.max(energies))))
    ls, wls = 0.5 * (b - a) * ls + 0.5 * (b + a), 0.5 * (b - a) * wls
    num_a = np.zeros((n_s, len(m2)))
    num_b = np.zeros((n_s, len(m2)))
    parts = np.zeros((n_s, 4))  # vv, aa, va, lin summed over the (m_μμ², Q²) nodes
    for i, lsi in enumerate(ls):
        r = tr.nugamma_parts(float(np.exp(lsi)), nodes, m)
        q2, vv, aa, va = (r[k].ravel() for k in ("q2", "vv", "aa", "va"))
        lin = tr.C_V_SM * vv - tr.C_A_SM * va
        num_a[i] = (1.0 / (m2 + q2)) @ lin
        num_b[i] = (1.0 / (m2 + q2) ** 2) @ vv
        parts[i] = vv.sum(), aa.sum(), va.sum(), lin.sum()
    # w[E, ŝ]: photon-flux weights of each energy (the weights of _epa_terms)
    s_hat = np.exp(ls)
    w = sum(n.count * n.z**2 * tr.epa_flux(s_hat[None, :], energies[:, None], n.radius_fm) for n in nuclei)
    w = w * wls * ALPHA_0 / np.pi
    vv, aa, va, lin = (w @ parts).T
    sigma_e = tr.C_V_SM**2 * vv + tr.C_A_SM**2 * aa - 2.0 * tr.C_V_SM * tr.C_A_SM * va  # σ_SM(E) per target unit
    # flux average: trapezoidal rule in E of φ(E) × (…)
    tw = np.ones(1)
    if len(energies) > 1:
        tw = np.zeros(len(energies))
        tw[:-1] += 0.5 * np.diff(energies)
        tw[1:] += 0.5 * np.diff(energies)
    fw = flux * tw  # φ dE
    sigma_bar = fw @ sigma_e
    k = tr.KAPPA
    return {"A": 2.0 * k * (fw @ w @ num_a) / sigma_bar, "B": k * k * (fw @ w @ num_b) / sigma_bar,
            "a_inf": 2.0 * k * (fw @ lin) / sigma_bar, "b_inf": k * k * (fw @ vv) / sigma_bar,
            "sigma_sm": sigma_bar / np.sum(fw), "sigma_sm_e": sigma_e,
            "aa_over_vv": (fw @ aa) / (fw @ vv), "va_over_vv": (fw @ va) / (fw @ vv),
            "mean_energy": float(np.sum(fw * energies) / np.sum(fw)),
            "sigma_mean_energy": float((fw * sigma_e) @ energies / sigma_bar)}


def build(setup: str, nodes: tr.Nodes | None = None, flux_dir: Path = HERE) -> dict[str, np.ndarray]:
    nodes = nodes or tr.Nodes()
    spec = SETUPS[setup]
    nuclei = TARGETS[spec["target"]]
    fine = mass_grid()
    if "energy" in spec:
        r = tr.ratio_coefficients(fine, nuclei, spec["energy"], nodes)
        extra = {"energy_gev": np.float64(spec["energy"]), "spectrum": np.array("mono-energetic")}
    else:
        energies, flux = read_flux(flux_dir / spec["flux"])
        r = spectrum_coefficients(fine, nuclei, energies, flux, nodes)
        extra = {"energy_gev": np.float64(r["mean_energy"]),
                 "sigma_mean_energy_gev": np.float64(r["sigma_mean_energy"]),
                 "spectrum": np.array(spec["flux"]), "flux_energy_gev": energies, "flux_per_gev": flux,
                 "sigma_sm_e_cm2": r["sigma_sm_e"] * tr.GEV2_TO_CM2, "s_nodes": np.int64(SPECTRUM_S_NODES)}
    return {
        **tr.table_arrays(fine, r, nuclei, nodes), **extra,
        "target": np.array(spec["target"]),
        "method": np.array("epa (flux with 1 - Q2min/Q2)"),
        "description": np.array(spec["description"] + "; A, B of sigma/sigma_SM = 1 + A y^2 + B y^4, y = g/1e-3, "
                                "m_zp in GeV; built by data/trident_forecast/build_table.py"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--setup", choices=sorted(SETUPS), action="append")
    ap.add_argument("--quick", action="store_true", help="reduced quadrature (checks only)")
    ap.add_argument("--write-flux", action="store_true", help="write dune-nd-flux.csv from its parametrisation")
    ap.add_argument("--out", type=Path, default=HERE, help="output directory (default: data/trident_forecast)")
    args = ap.parse_args(argv)
    if args.quick and args.out == ap.get_default("out"):
        ap.error("--quick tables are for checks only: write them elsewhere with --out DIR")
    if args.write_flux:
        write_dune_flux(args.out / "dune-nd-flux.csv")
        return 0
    nodes = QUICK if args.quick else tr.Nodes()
    for name in args.setup or sorted(SETUPS):
        t0 = time.time()
        data = build(name, nodes)
        data["build_seconds"] = np.float64(time.time() - t0)
        path = args.out / f"{name}.npz"
        np.savez(path, **data)
        print(f"{path}: {tr.table_summary(data, float(data['build_seconds']))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
