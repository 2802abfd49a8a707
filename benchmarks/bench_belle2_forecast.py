"""Speed of the Belle II Z′ forecast (printed, never asserted): the μ⁺μ⁻Z′ Monte Carlo per mass point (the table build
is PER_DECADE × 5 decades + 1 such points, each N_EVENTS with cuts + N_EVENTS/4 without), and the plugin's
log-likelihood throughput over a batch.

    python benchmarks/bench_belle2_forecast.py [--events 100000] [--batch 100000]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from globalfit.physics import belle2_forecast as b2
from likelihoods.belle2_forecast import Belle2Forecast


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000, help="Monte Carlo events per mass point")
    ap.add_argument("--batch", type=int, default=100_000, help="points per log-likelihood batch")
    args = ap.parse_args()
    for m in (0.01, 1.0):
        t0 = time.perf_counter()
        r = b2.sigma_mumu_mc(m, args.events, b2.MuonCuts())
        dt = time.perf_counter() - t0
        print(f"sigma_mumu_mc m = {m:g} GeV, {args.events} events: {dt:.2f} s ({args.events / dt:,.0f} events/s), "
              f"sigma/g^2 = {r.sigma * b2.GEV2_TO_FB:.4g} fb +- {r.rel_error:.2%}")
    t0 = time.perf_counter()
    like = Belle2Forecast()
    print(f"plugin construction (reads and verifies the table): {time.perf_counter() - t0:.3f} s")
    rng = np.random.default_rng(0)
    n = args.batch
    eps = 10 ** rng.uniform(-6, -3, n)
    q = {"m_zp": 10 ** rng.uniform(-3, 1, n), "g_zp": 10 ** rng.uniform(-5, -1, n), "gv_e": eps * 0.3028,
         "ga_e": np.zeros(n), "g_nue": np.zeros(n), "gv_u": -2 / 3 * eps * 0.3028, "gv_d": eps * 0.3028 / 3}
    like.loglike({k: v[:10] for k, v in q.items()})
    t0 = time.perf_counter()
    like.loglike(q)
    dt = time.perf_counter() - t0
    print(f"loglike, channel both, batch {n}: {dt:.3f} s ({n / dt:,.0f} points/s)")


if __name__ == "__main__":
    main()
