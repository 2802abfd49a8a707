"""MUonE forecast speed (printed, never asserted): the signal-table build (a reduced build, scaled to the full event
count) and the plugin's vectorized evaluation throughput.

    python benchmarks/bench_muone.py [--batch 100000] [--full]
"""
from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np

from globalfit import likelihood as registry
from globalfit.physics import muone as mu

BUILD = Path(__file__).resolve().parents[1] / "data" / "muone" / "build_table.py"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--full", action="store_true", help="time the full table build (about 1.5 min)")
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("muone_build", BUILD)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    masses = build.grid()
    n = build.N_EVENTS if args.full else 50_000
    t0 = time.perf_counter()
    for i, m in enumerate(masses):
        mu.cross_section(float(m), n=n, seed=i)
    dt = time.perf_counter() - t0
    scale = build.N_EVENTS / n
    print(f"table build: {len(masses)} masses × {n} events in {dt:.1f} s"
          + ("" if args.full else f" (full build, {build.N_EVENTS} events: ≈ {dt * scale:.0f} s)"))
    plugin = registry.instance("muone", None, {})
    rng = np.random.default_rng(0)
    g = 10 ** rng.uniform(-5, -2, args.batch)
    q = {"m_zp": 10 ** rng.uniform(-3.5, -0.4, args.batch), "g_zp": g, "eps": g / 69.3}
    plugin.loglike(q)
    reps = 5
    t0 = time.perf_counter()
    for _ in range(reps):
        plugin.loglike(q)
    dt = (time.perf_counter() - t0) / reps
    print(f"muone loglike: batch {args.batch} in {dt * 1e3:.1f} ms = {args.batch / dt:.3g} points/s")


if __name__ == "__main__":
    main()
