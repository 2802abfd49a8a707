"""Trident forecast speed (printed, never asserted): the table build time of each setup (recorded in its .npz by
data/trident_forecast/build_table.py; `--build` re-times a reduced-quadrature build) and the throughput of the
likelihood (table interpolation + profiled Poisson ratio), vectorized over a batch and point by point.

    python benchmarks/bench_trident_forecast.py [--batch 100000] [--loop 2000] [--build]
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

from globalfit import catalog
from likelihoods.trident_forecast import TridentForecast

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import _rate  # noqa: E402  (points per second, best of three)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", type=int, default=100_000)
    ap.add_argument("--loop", type=int, default=2000)
    ap.add_argument("--build", action="store_true", help="time a reduced-quadrature (--quick) build of each setup")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    q = {"m_zp": 10 ** rng.uniform(-3, 0, args.batch), "g_zp": 10 ** rng.uniform(-5, -1, args.batch)}
    print(f"{'setup':<16}{'build [s]':>10}{'batched [pts/s]':>18}{'one point [pts/s]':>20}")
    for ds in TridentForecast.datasets():
        lk = TridentForecast(ds)
        with np.load(catalog.verified_path(lk.table_file)) as t:
            built = float(t["build_seconds"]) if "build_seconds" in t.files else float("nan")
        batched = _rate(lambda: lk.loglike(q), args.batch)
        pts = [{k: v[i:i + 1] for k, v in q.items()} for i in range(args.loop)]
        single = _rate(lambda: [lk.loglike(p) for p in pts], args.loop)
        print(f"{ds:<16}{built:>10.0f}{batched:>18.3g}{single:>20.3g}")
    if args.build:
        path = catalog.data_dir() / "trident_forecast/build_table.py"
        spec = importlib.util.spec_from_file_location("tf_build", path)
        b = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(b)
        for name in sorted(b.SETUPS):
            t0 = time.perf_counter()
            b.build(name, b.QUICK)
            print(f"quick build of {name}: {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
