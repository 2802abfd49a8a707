"""Build the e⁺e⁻ → μ⁺μ⁻Z′ cross-section table data/belle2_forecast/mumu-table.npz
(likelihoods/belle2_forecast/NOTES.md).

    python data/belle2_forecast/build_table.py                  # 400 000 events per mass (+100 000 without cuts), 4 min
    python data/belle2_forecast/build_table.py --quick --out /tmp   # 20 000 events per mass (checks only)

then, from the repository root, `globalfit data --rehash`
(or `globalfit data --add belle2_forecast/mumu-table.npz ...`).

The table holds σ(e⁺e⁻ → μ⁺μ⁻Z′)/g² [fb] at √s = 10.58 GeV (E(e⁻) = 7, E(e⁺) = 4 GeV) with both muons in the lab
polar-angle range THETA_LAB_DEG (and, for comparison, without cuts), by globalfit.physics.belle2_forecast.sigma_mumu_mc
(full tree-level |M|², Monte Carlo over three-body phase space), with the Monte Carlo standard errors, on
m_Z′ = 10⁻⁴ … 10.3 GeV (PER_DECADE log-spaced points) plus the threshold √s − 2m_μ, where σ = 0.
"""
from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

from globalfit.physics import belle2_forecast as b2
from globalfit.physics.constants import M_MU

HERE = Path(__file__).resolve().parent
THETA_LAB_DEG = (17.0, 150.0)
PER_DECADE = 10
LOG10_M_RANGE = (-4.0, math.log10(10.3))
N_EVENTS, N_QUICK = 400_000, 20_000


def mass_grid() -> np.ndarray:
    """m_Z′ grid [GeV]: log-spaced, then the threshold √s − 2m_μ."""
    n = int(round((LOG10_M_RANGE[1] - LOG10_M_RANGE[0]) * PER_DECADE)) + 1
    return np.append(np.logspace(*LOG10_M_RANGE, n), b2.SQRT_S - 2 * M_MU)


def build(n_events: int, seed: int = 1) -> dict[str, np.ndarray]:
    cuts = b2.MuonCuts(*THETA_LAB_DEG)
    m = mass_grid()
    sig, err, sig_all, err_all = (np.zeros(len(m)) for _ in range(4))
    for i, mi in enumerate(m):
        r = b2.sigma_mumu_mc(float(mi), n_events, cuts, seed=seed + i)
        r0 = b2.sigma_mumu_mc(float(mi), n_events // 4, None, seed=10_000 + seed + i)
        sig[i], err[i] = r.sigma * b2.GEV2_TO_FB, r.error * b2.GEV2_TO_FB
        sig_all[i], err_all[i] = r0.sigma * b2.GEV2_TO_FB, r0.error * b2.GEV2_TO_FB
    return {"m_zp": m, "sigma_fb": sig, "sigma_err_fb": err, "sigma_nocut_fb": sig_all,
            "sigma_nocut_err_fb": err_all, "sqrt_s_gev": np.float64(b2.SQRT_S),
            "theta_lab_deg": np.array(THETA_LAB_DEG), "n_events": np.int64(n_events),
            "method": np.array("tree-level |M|^2 (explicit Dirac spinors), MC in Dalitz variables; "
                               "globalfit.physics.belle2_forecast.sigma_mumu_mc")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"{N_QUICK} events per mass (checks only)")
    ap.add_argument("--out", type=Path, default=HERE, help="output folder")
    args = ap.parse_args()
    t0 = time.perf_counter()
    table = build(N_QUICK if args.quick else N_EVENTS)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "mumu-table.npz"
    np.savez(path, **table)
    rel = table["sigma_err_fb"][:-1] / table["sigma_fb"][:-1]
    print(f"wrote {path}: {len(table['m_zp'])} masses, max MC rel. error {rel.max():.3%}, "
          f"{time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
