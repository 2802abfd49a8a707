"""Build the ΔN_eff(m_Z′) table data/neff/neff-table.npz (likelihoods/neff/NOTES.md).

    python data/neff/build_table.py                  # the table and the diagnostics, ~10 s on one core
    python data/neff/build_table.py --out /tmp       # elsewhere (checks only)
    python data/neff/build_table.py --no-diagnostics # the table only, ~8 s

then update its entry in data/neff/catalog.yaml (from the repository root):
    globalfit data --add neff/neff-table.npz --version 2026 --source "..." \
        --obtained "computed by data/neff/build_table.py"

The table holds ΔN_eff = N_eff(m_Z′) − N_eff(SM) for a Z′ (vector boson, g = 3) in thermal equilibrium with
ν_μ, ν_τ, computed by globalfit.physics.neff.solve_neff (temperature equations of arXiv:1812.05605 as applied to
the L_μ − L_τ Z′ in arXiv:1901.02010; Fermi–Dirac factors of the rates from arXiv:2001.04466; QED corrections to
O(e³); massless electrons in the rates), for the two treatments of the neutrinos:
- delta_neff_common: one temperature for all three flavours (the paper's treatment; the default);
- delta_neff_split: ν_e and ν_μ,τ separately, the Z′ in equilibrium with ν_μ,τ (no oscillations).
N_eff(SM) is computed with the same approximations (neff_sm_common, neff_sm_split), so their common offset from
the SM benchmark 3.0440 (+0.005, mostly the massless-electron rates) cancels in ΔN_eff. The grid is
m_Z′ = 10⁻⁵ … 10⁻¹ GeV (10 keV … 100 MeV), 40 points per decade; the script also solves at the midpoints and
records the largest absolute error of the run-time interpolation (cubic spline in ln m) there.

Diagnostics (printed, and stored as arrays the likelihood does not read): N_eff(SM) with other approximations
(no QED; Maxwell–Boltzmann rates, i.e. f_a = f_s = 1 as in arXiv:1812.05605; the electron mass in the
annihilation rates), ΔN_eff at 3–20 MeV with the electron mass in the annihilation rates and with a start at
20 MeV instead of 10 MeV, and the masses at which each dataset excludes the Z′ at 95% CL (Δχ² = 3.84 against
the SM at the same mass).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from globalfit.physics import neff as nf

LOG10_M_RANGE = (-5.0, -1.0)  # GeV
PER_DECADE = 40
CHECK_MASSES_MEV = (3.0, 5.0, 7.0, 10.0, 13.0, 15.0, 20.0)
#: (dataset, observed value, error, SM value of the observable): the bounds printed by the diagnostics
DATASETS = (("planck2018", 2.99, 0.17, nf.NEFF_SM), ("act-dr6", 2.86, 0.13, nf.NEFF_SM),
            ("act-dr6-bbn", 2.89, 0.11, nf.NEFF_SM), ("fields2020", 2.86, 0.15, 3.0))


def build(baths: str) -> dict[str, np.ndarray]:
    n = int(round((LOG10_M_RANGE[1] - LOG10_M_RANGE[0]) * PER_DECADE))
    fine = np.logspace(*LOG10_M_RANGE, 2 * n + 1)  # grid points (even indices) and midpoints
    sm = nf.solve_neff(baths=baths).neff
    d = np.array([nf.solve_neff(float(m), baths=baths).neff for m in fine]) - sm
    table = nf.NeffTable(fine[::2], d[::2])
    err = float(np.max(np.abs(table(fine[1::2]) - d[1::2])))
    return {"m_zp": fine[::2], "delta": d[::2], "sm": np.float64(sm), "err": np.float64(err)}


def excluded_below(table: nf.NeffTable, value: float, error: float, sm_value: float) -> float:
    """The mass [MeV] below which Δχ² = χ²(m) − χ²(SM) > 3.84 (the likelihood's Gaussian)."""
    def dchi2(m_mev: float) -> float:
        pred = sm_value + float(table(m_mev * 1e-3))
        return ((pred - value) ** 2 - (sm_value - value) ** 2) / error**2 - 3.84
    return brentq(dchi2, 0.1, 99.0, xtol=1e-6)


def diagnostics(tables: dict[str, nf.NeffTable]) -> dict[str, np.ndarray]:
    sm = {"sm_massless": nf.solve_neff().neff, "sm_no_qed": nf.solve_neff(qed=False).neff,
          "sm_me_annihilation": nf.solve_neff(me_annihilation=True).neff,
          "sm_split_me_annihilation": nf.solve_neff(baths="split", me_annihilation=True).neff}
    saved = nf.F_ANN, nf.F_SCAT
    nf.F_ANN = nf.F_SCAT = 1.0  # the Maxwell–Boltzmann rates of arXiv:1812.05605
    sm["sm_maxwell_boltzmann"] = nf.solve_neff().neff
    nf.F_ANN, nf.F_SCAT = saved
    print("N_eff(SM): " + ", ".join(f"{k} {v:.5f}" for k, v in sm.items()))
    masses = np.array(CHECK_MASSES_MEV)
    me = np.array([nf.solve_neff(m * 1e-3, me_annihilation=True).neff for m in masses]) - sm["sm_me_annihilation"]
    sm20 = nf.solve_neff(t_start_mev=20.0).neff
    t20 = np.array([nf.solve_neff(m * 1e-3, t_start_mev=20.0).neff for m in masses]) - sm20
    base = tables["common"](masses * 1e-3)
    print("m [MeV]        " + " ".join(f"{m:8.1f}" for m in masses))
    for label, row in (("common", base), ("split", tables["split"](masses * 1e-3)),
                       ("m_e in ann.", me), ("start 20 MeV", t20)):
        print(f"{label:14} " + " ".join(f"{v:8.4f}" for v in row))
    bounds = []
    for name, value, error, sm_value in DATASETS:
        b = [excluded_below(tables[k], value, error, sm_value) for k in ("common", "split")]
        bounds.append(b)
        print(f"{name:12} excludes m_Z' < {b[0]:.2f} MeV (common), {b[1]:.2f} MeV (split) at 95% CL")
    return {"diag_" + k: np.float64(v) for k, v in sm.items()} | {
        "diag_masses_mev": masses, "diag_delta_me_annihilation": me, "diag_delta_start_20mev": t20,
        "diag_bound_datasets": np.array([d[0] for d in DATASETS]), "diag_bound_mev": np.array(bounds)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    ap.add_argument("--no-diagnostics", action="store_true")
    args = ap.parse_args(argv)
    start = time.time()
    res = {b: build(b) for b in nf.BATHS}
    assert np.array_equal(res["common"]["m_zp"], res["split"]["m_zp"])
    for b, r in res.items():
        print(f"{b}: N_eff(SM) = {r['sm']:.5f}, ΔN_eff = {r['delta'][0]:.4f} … {r['delta'][-1]:.1e}, "
              f"largest interpolation error at the midpoints {r['err']:.1e}")
    out = {
        "m_zp": res["common"]["m_zp"],
        "delta_neff_common": res["common"]["delta"], "delta_neff_split": res["split"]["delta"],
        "neff_sm_common": res["common"]["sm"], "neff_sm_split": res["split"]["sm"],
        "neff_sm_benchmark": np.float64(nf.NEFF_SM),
        "interp_max_abs_error": np.float64(max(r["err"] for r in res.values())),
        "t_start_mev": np.float64(10.0), "rtol": np.float64(1e-10),
        "method": np.array("solve_neff: temperature equations of arXiv:1812.05605/1901.02010 (Z' vector, g = 3, "
                           "in equilibrium with nu_mu, nu_tau), Fermi-Dirac rate factors of arXiv:2001.04466, "
                           "QED to O(e^3), massless electrons in the rates"),
        "description": np.array("Delta N_eff = N_eff(m_Z') - N_eff(SM), m_zp in GeV; columns for one common "
                                "neutrino temperature and for nu_e and nu_mu,tau separately; built by "
                                "data/neff/build_table.py"),
    }
    if not args.no_diagnostics:
        tables = {b: nf.NeffTable(r["m_zp"], r["delta"]) for b, r in res.items()}
        out |= diagnostics(tables)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "neff-table.npz"
    np.savez(path, **out)
    print(f"wrote {path} ({time.time() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
