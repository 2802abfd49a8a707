"""Speed of the U(1)_X atlas (printed, never asserted): wall time of models.u1x.atlas.atlas for each quark
option at one bound (default 10, as `globalfit atlas`), best of a few repeats, with the counts found.

    python benchmarks/bench_atlas.py [--bound 10] [--repeat 3]
"""
from __future__ import annotations

import argparse
import time

from models.u1x.atlas import QUARK_OPTIONS, atlas


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bound", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(f"U(1)_X atlas, integer charges |X_F| <= {args.bound} (best of {args.repeat})")
    for quarks in QUARK_OPTIONS:
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            result = atlas(args.bound, quarks)
            best = min(best, time.perf_counter() - t0)
        counts = ", ".join(f"{k} {v}" for k, v in result.counts().items())
        print(f"  {quarks:<10} {best:8.3f} s   {counts}")


if __name__ == "__main__":
    main()
